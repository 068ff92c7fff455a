import Foundation
import Testing
@testable import GoTrace

/// Hostile bytes give errors, never crashes or hangs.
@Suite struct RobustnessTests {
    static let samples = Fixtures.v2(with: "parsed").filter { $0.hasPrefix("annotations-") || $0.hasPrefix("gc-go1.27") }

    static func readAll(_ bytes: [UInt8]) -> TraceError? {
        do {
            let r = try TraceReader(bytes: TraceBytes(bytes: bytes))
            let f = ParsedFormatter(tables: r.tables)
            while let e = try r.next() { _ = f.string(e) }
            return nil
        } catch {
            return error
        }
    }

    @Test("every truncation point yields events or a located error", arguments: samples)
    func truncations(name: String) throws {
        let data = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Fixtures.tracePath(name))))
        let step = max(1, data.count / 150)
        for cut in stride(from: 0, to: data.count, by: step) {
            let err = RobustnessTests.readAll(Array(data[0..<cut]))
            if cut < 16 {
                #expect(err?.message == "bad file format: not a Go execution trace?")
            } else if let err {
                #expect(!err.message.isEmpty)
            }
        }
    }

    @Test("corrupted bytes yield errors, not crashes", arguments: samples)
    func corruptions(name: String) throws {
        let data = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Fixtures.tracePath(name))))
        var rng = SystemRandomNumberGenerator()
        var errors = 0
        for _ in 0..<200 {
            var d = data
            for _ in 0..<3 {
                let i = Int.random(in: 16..<d.count, using: &rng)
                d[i] = [0x00, 0xff, 0x80, d[i] ^ 0x5a, 0x7f].randomElement(using: &rng) ?? 0
            }
            if RobustnessTests.readAll(d) != nil { errors += 1 }
            _ = try? Trace.load(bytes: TraceBytes(bytes: d))
        }
        #expect(errors > 0)
    }

    @Test("hostile sizes: huge varints, batch sizes and string lengths")
    func hostileSizes() {
        let header = Array("go 1.26 trace\0\0\0".utf8)
        // Batch with a size field of 2^63.
        let huge: [UInt8] = [1, 1, 1, 0] + [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]
        #expect(RobustnessTests.readAll(header + huge)?.message.hasPrefix("error reading batch size") == true ||
                RobustnessTests.readAll(header + huge)?.message.hasPrefix("invalid batch size") == true)
        // An 11-byte varint.
        let overflow: [UInt8] = [1] + [UInt8](repeating: 0xff, count: 11)
        #expect(RobustnessTests.readAll(header + overflow) != nil)
        // A batch claiming more bytes than the file holds.
        let short: [UInt8] = [1, 1, 1, 0, 100, 4, 5]
        #expect(RobustnessTests.readAll(header + short)?.message == "failed to read full batch: read 2 but wanted 100")
        // A string longer than Go's 1 KiB limit.
        let longString: [UInt8] = [1, 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0, 6, 4, 5, 1, 0x81, 0x10, 0]
        #expect(RobustnessTests.readAll(header + longString)?.message.contains("invalid string size") == true)
        // Unknown and v1-only headers.
        #expect(RobustnessTests.readAll(Array("go 1.24 trace\0\0\0".utf8))?.message == "unknown or unsupported trace version go 1.24")
        #expect(RobustnessTests.readAll(Array("not a trace at all".utf8))?.message == "bad file format: not a Go execution trace?")
    }

    @Test("a header-only 1.26 trace is one Sync; a header-only 1.25 trace fails like Go")
    func emptyTraces() {
        let (t26, e26) = parsedOutput(TraceBytes(bytes: Array("go 1.26 trace\0\0\0".utf8)))
        #expect(t26 == "M=-1 P=-1 G=-1 Sync Time=1 N=1\n")
        #expect(e26 == nil)
        let (t25, e25) = parsedOutput(TraceBytes(bytes: Array("go 1.25 trace\0\0\0".utf8)))
        #expect(t25 == "M=-1 P=-1 G=-1 Sync Time=1 N=1\n")
        #expect(e25?.message == "no frequency event found")
    }
}

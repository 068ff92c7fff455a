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

    /// Event times as Go computes them on hostile deltas, checked against Go 1.27.3's `go tool
    /// trace -d=parsed` on these bytes: a delta whose nanoseconds are out of int64's range gives
    /// Int64.min (Go's conversion on amd64); sums wrap, and where the last time is Int64.max, "one
    /// more than the last" wraps to Int64.min (it trapped). Both ways: the second generation is
    /// ordered ahead when reading ahead.
    @Test("out-of-range and wrapping times read like Go's")
    func timesWrap() throws {
        // 64 ns a tick; the batch starts at tick 1 and its first two events add a tick each.
        func heap(_ dt: UInt64, _ v: Int = 1) -> String { "HeapAlloc dt=\(dt) heapalloc_value=\(v)" }
        func times(_ events: [String]) throws -> [[Int64]] {
            let second = OrderAheadGuessTests.running + [heap(1)]
            let bytes = try OrderAheadGuessTests.trace([[(0, OrderAheadGuessTests.running + events)], [(0, second)]])
            return [false, true].map { ahead in
                let (o, _, _, _) = OrderAheadTests.read(TraceBytes(bytes: bytes), ahead: ahead)
                #expect(o.error == nil)
                return o.events.filter { $0.type == Wire.heapAlloc }.map(\.time)
            }
        }
        // 2^60 ticks: out of range, so Int64.min + 192, made 193; then 194 and 195.
        for t in try times([heap(1 << 60), heap(1 << 53), heap(0)]) {
            #expect(t == [193, 194, 195, 64 * 104])
        }
        // 2^57 - 3 ticks more, in deltas exact as doubles: Int64.max - 63. Then 64 deltas of 0,
        // made one more than the last up to Int64.max and then Int64.min, and one of 5 ticks,
        // which wraps itself.
        let exact = [heap(1 << 56)] + Array(repeating: heap(1 << 53), count: 7) + [heap((1 << 53) - 4)]
        for t in try times(exact + Array(repeating: heap(0), count: 64) + [heap(5)]) {
            try #require(t.count == 75)
            let start: Int64 = 192 + (1 << 62)
            #expect(t[0] == start)
            #expect(t[8] == Int64.max - 63)
            #expect(Array(t[71...]) == [Int64.max, Int64.min, Int64.min + 256, 64 * 104])
        }
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

// Inputs the libFuzzer campaign (scripts/fuzz.sh, Fuzz/) found crashing, trapping or hanging, kept
// as small binary files in Fuzz/regressions/. Each is replayed through every entry point the fuzz
// target drives; reading may succeed or throw, but must finish without a crash, and any error must
// say something.
//
// Files whose name starts with "body-" are fuzz-target inputs in its second mode (the first byte
// picks a 16-byte header, the rest is the body); others are whole trace files. See
// Fuzz/Sources/GoTraceFuzz/FuzzTarget.swift.

import Foundation
import Testing
import GoTrace

@Suite("FuzzRegressions")
struct FuzzRegressionTests {
    static let dir = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz").appendingPathComponent("regressions")

    static var names: [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return files.filter { !$0.hasPrefix(".") && !$0.hasSuffix(".md") }.sorted()
    }

    /// The fuzz target's mapping from input to trace file (kept in step with FuzzTarget.swift).
    static func traceFile(_ input: [UInt8]) -> [UInt8] {
        let magic = Array("go 1.".utf8)
        if input.starts(with: magic) { return input }
        guard let first = input.first else { return [] }
        let minors = [22, 23, 25, 26, 22, 23, 25, 26, 11, 19, 21, 5, 7, 8, 9, 10]
        var header = Array("go 1.\(minors[Int(first) % minors.count]) trace".utf8)
        header += [UInt8](repeating: 0, count: 16 - header.count)
        return header + input.dropFirst()
    }

    static func expectMessage(_ e: TraceError, _ what: String, _ name: String) {
        #expect(!e.message.isEmpty, "\(what) threw an empty message for \(name)")
        #expect(!e.description.isEmpty, "\(what) threw an empty description for \(name)")
    }

    @Test("the regression corpus exists and is non-empty")
    func corpusPresent() {
        #expect(!FuzzRegressionTests.names.isEmpty, "no files in \(FuzzRegressionTests.dir.path)")
    }

    @Test("fuzz regression input terminates without crashing", .timeLimit(.minutes(1)),
          arguments: FuzzRegressionTests.names)
    func replay(_ name: String) throws {
        let input = [UInt8](try Data(contentsOf: FuzzRegressionTests.dir.appendingPathComponent(name)))
        let file = name.hasPrefix("body-") ? FuzzRegressionTests.traceFile(input) : input
        let bytes = TraceBytes(bytes: file)

        // Streaming reader, every event rendered.
        var streamed = 0
        do {
            let r = try TraceReader(bytes: bytes)
            let fmt = ParsedFormatter(tables: r.tables)
            do {
                while let ev = try r.next() {
                    _ = fmt.string(ev)
                    streamed += 1
                }
            } catch {
                FuzzRegressionTests.expectMessage(error, "TraceReader.next", name)
            }
        } catch {
            FuzzRegressionTests.expectMessage(error, "TraceReader.init", name)
        }

        // Whole-trace load, stored events rendered, summary.
        do {
            let t = try Trace.load(bytes: bytes)
            if let e = t.error { FuzzRegressionTests.expectMessage(e, "Trace.load (kept error)", name) }
            let fmt = ParsedFormatter(tables: t.tables)
            var n = 0
            for ev in t.events {
                _ = fmt.string(ev)
                n += 1
            }
            #expect(n == t.events.count)
            #expect(n <= streamed)
            _ = TraceSummary(t)
            _ = t.lossMessage
        } catch {
            FuzzRegressionTests.expectMessage(error, "Trace.load", name)
        }

        // Raw record views.
        do {
            var lines = 0
            try WireDump.dump(bytes) { _ in lines += 1 }
        } catch {
            FuzzRegressionTests.expectMessage(error, "WireDump.dump", name)
        }
        do {
            _ = try WireDump.footprint(bytes)
        } catch {
            FuzzRegressionTests.expectMessage(error, "WireDump.footprint", name)
        }
    }
}

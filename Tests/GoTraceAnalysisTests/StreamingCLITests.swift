import Foundation
import GoTrace
import Testing
@testable import GoTraceAnalysis

/// The CLI analyses that stream the trace instead of loading it (`gotrace gc`, `gotrace mmu`,
/// `gotrace pprof --region/--goroutine`), run as processes, against the same analyses over a
/// loaded trace (which the conformance tests check against go tool trace), on clean traces of
/// both formats and on cut copies (whose broken last generation the analyses must ignore).
@Suite struct StreamingCLITests {
    typealias CLI = GoroutineCLITests

    /// Fixtures (one truncated), and copies of a two-generation one cut in its second generation
    /// (`made`: the copies, for the caller to remove).
    static func traces() throws -> (all: [String], made: [String]) {
        var made: [String] = []
        let original = try Data(contentsOf: URL(fileURLWithPath: GoroutineGoldens.tracePath("net-go1.27.3")))
        for k in [5, 6] {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("gotrace-streaming-cli-\(getpid())-\(k).trace").path
            try original.prefix(original.count * k / 7).write(to: URL(fileURLWithPath: path))
            made.append(path)
        }
        let fixtures = ["annotations-go1.27.3", "annotations-go1.21.13", "gc-go1.23.9", "timers-go1.27.3-truncated"]
            .map { GoroutineGoldens.tracePath($0) }
        return (fixtures + made, made)
    }

    static func canonical<T: Codable>(_ type: T.Type, _ json: String) throws -> String {
        let v = try JSONDecoder().decode(T.self, from: Data(json.utf8))
        return try TraceAnalysesTests.json(v)
    }

    @Test("gc, mmu and restricted pprof equal the loaded trace's analyses")
    func againstLoaded() throws {
        let (paths, made) = try Self.traces()
        defer { for p in made { try? FileManager.default.removeItem(atPath: p) } }
        var partial = 0
        var checked = 0
        for path in paths {
            let trace = try Trace.load(path: path)
            if trace.error != nil { partial += 1 }

            let gc = try CLI.run(["gc", path, "--json"])
            #expect(gc.status == 0, Comment(rawValue: gc.err))
            let g = try #require(try JSONSerialization.jsonObject(with: Data(gc.out.utf8)) as? [String: Any])
            let want = GCAnalysis.compute(trace)
            #expect((g["cycles"] as? [Any])?.count == want.cycles.count, "\(path)")
            #expect((g["pauses"] as? [Any])?.count == want.pauses.count, "\(path)")
            #expect(g["totalGC"] as? Int64 == want.totalGC, "\(path)")
            #expect(g["totalSTW"] as? Int64 == want.totalSTW, "\(path)")
            // A partial trace is reported as go tool trace does, after reading.
            #expect(gc.err.contains("Encountered error, but able to proceed") == (trace.error != nil), "\(path): \(gc.err)")

            for (args, flags) in [([String](), UtilFlags.pageDefault), (["--sweep", "--per-goroutine"], UtilFlags([.sweep, .perProc]))] {
                let mmu = try CLI.run(["mmu", path, "--json"] + args)
                #expect(mmu.status == 0, Comment(rawValue: mmu.err))
                #expect(try Self.canonical(MMUReport.self, mmu.out) == TraceAnalysesTests.json(MMUReport.compute(trace, flags: flags)), "\(path) \(args)")
            }

            let tail = PprofProfiles.tailEvents(path: path, of: trace)
            let summaries = try GoroutineSummarizer.summarize(path: path).summaries
            var restrictions: [(ProfileRestriction, [String])] = Set(summaries.regions.map(\.name)).filter { !$0.isEmpty }.sorted()
                .map { (.regionType($0), ["--region", $0]) }
            restrictions += Set(summaries.goroutines.map(\.name)).filter { !$0.isEmpty }.sorted().prefix(4)
                .map { (.goroutinesNamed($0), ["--goroutine", $0]) }
            checked += restrictions.count
            for (r, args) in restrictions {
                for kind in [PprofKind.sched, .sync] {
                    let out = FileManager.default.temporaryDirectory.appendingPathComponent("gotrace-streaming-cli-\(getpid()).pb")
                    defer { try? FileManager.default.removeItem(at: out) }
                    let run = try CLI.run(["pprof", kind.rawValue, path, "-o", out.path] + args)
                    #expect(run.status == 0, Comment(rawValue: run.err))
                    let records = try PprofProfiles.records(kind, trace: trace, restriction: r, tail: tail)
                    let wantBytes = try PprofProfiles.pprof(kind, records: records, tables: trace.tables)
                    #expect(try [UInt8](Data(contentsOf: out)) == wantBytes, "\(path) \(kind) \(args)")
                }
            }
        }
        #expect(partial >= 2, "the partial traces did not read as partial")
        #expect(checked >= 10, "too few restrictions to compare")
    }
}

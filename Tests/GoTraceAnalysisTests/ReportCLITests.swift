import Foundation
import GoTrace
import Testing
@testable import GoTraceAnalysis

/// `gotrace report` run as a process: its numbers against Go's goldens (goroutine groups, task
/// types, profile totals from `go tool trace -pprof`) and its profile files against `gotrace pprof`.
@Suite struct ReportCLITests {
    typealias CLI = GoroutineCLITests

    static func report(_ fixture: String) throws -> [String: Any] {
        let r = try CLI.run(["report", GoroutineGoldens.tracePath(fixture), "--json", "--top", "1000"])
        #expect(r.status == 0, Comment(rawValue: r.err))
        return try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
    }

    @Test("goroutine groups, task types and profile totals equal go tool trace's",
          arguments: ["annotations-go1.27.3", "sync-go1.27.3", "net-go1.22.10", "gc-go1.19", "cpuprofile-go1.25.5"])
    func againstGo(_ fixture: String) throws {
        let j = try Self.report(fixture)
        let golden = try GoroutineGoldens.golden(fixture)
        let g = try #require(j["goroutines"] as? [String: Any])
        #expect(g["count"] as? Int == golden.goroutines.count)
        let groups = try #require(g["top"] as? [[String: Any]])
        #expect(groups.count == golden.groups.count)
        let ours = Set(groups.map { "\($0["name"] as? String ?? "?") \($0["count"] as? Int ?? -1) \($0["execTimeNs"] as? Int64 ?? -1)" })
        let go = Set(golden.groups.map { "\($0.name) \($0.count) \($0.execTime)" })
        #expect(ours == go)
        let ann = try #require(j["annotations"] as? [String: Any])
        let types = try #require(ann["taskTypes"] as? [[String: Any]])
        #expect(Set(types.map { "\($0["type"] as? String ?? "?") \($0["count"] as? Int ?? -1)" })
                == Set(golden.taskTypes.map { "\($0.type) \($0.count)" }))

        let profiles = try #require(j["profiles"] as? [[String: Any]])
        for kind in PprofGoldens.types {
            let p = try #require(profiles.first { $0["kind"] as? String == kind.rawValue })
            let (lines, error) = try PprofGoldens.golden(fixture, kind)
            var count: UInt64 = 0
            var delay: Int64 = 0
            if error == nil {
                for l in lines {
                    let f = l.split(separator: " ")
                    count += UInt64(f[0]) ?? 0
                    delay += Int64(f[1]) ?? 0
                }
            }
            #expect(p["samples"] as? UInt64 == count, "\(fixture) \(kind)")
            #expect(p["totalNs"] as? Int64 == delay, "\(fixture) \(kind)")
        }
    }

    @Test("--pprof-dir and gotrace pprof write the five profiles byte-identical to the two-pass computation's")
    func pprofDir() throws {
        let fixture = GoroutineGoldens.tracePath("cpuprofile-go1.27.3")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gotrace-report-\(getpid())")
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run(["report", fixture, "--pprof-dir", dir.path])
        #expect(r.status == 0, Comment(rawValue: r.err))
        let trace = try Trace.load(path: fixture)
        let loaded = try PprofProfiles.records(PprofKind.allCases, trace: trace, tail: PprofProfiles.tailEvents(path: fixture, of: trace))
        for kind in PprofKind.allCases {
            let want = Data(try PprofProfiles.pprof(kind, records: loaded[kind] ?? [], tables: trace.tables))
            #expect(try Data(contentsOf: dir.appendingPathComponent("\(kind).pb.gz")) == want, "report \(kind)")
            let out = FileManager.default.temporaryDirectory.appendingPathComponent("gotrace-report-\(getpid())-\(kind).pb.gz")
            defer { try? FileManager.default.removeItem(at: out) }
            let p = try CLI.run(["pprof", kind.rawValue, fixture, "-o", out.path])
            #expect(p.status == 0, Comment(rawValue: p.err))
            #expect(try Data(contentsOf: out) == want, "pprof \(kind)")
        }
    }

    @Test("text: every section, and a broken trace reported as go tool trace reports it")
    func text() throws {
        let r = try CLI.run(["report", GoroutineGoldens.tracePath("annotations-go1.27.3")])
        #expect(r.status == 0 && r.err.isEmpty)
        for heading in ["Goroutines: 14 in", "Tasks: ", "Task type", "Region type", "GC: ", "MMU (", "Profiles (whole trace", "  sync: "] {
            #expect(r.out.contains(heading), "\(heading)")
        }
        let broken = try CLI.run(["report", GoroutineGoldens.tracePath("timers-go1.27.3-truncated")])
        #expect(broken.status == 0)
        #expect(broken.err.contains("Lost ") && broken.err.contains("of the latest trace data due to error"))
        #expect(broken.out.contains("Goroutines: "))
        let missing = try CLI.run(["report", "/nonexistent/trace.out"])
        #expect(missing.status != 0 && !missing.err.isEmpty)
    }
}

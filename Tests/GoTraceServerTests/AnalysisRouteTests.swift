import Foundation
import GoTrace
import GoTraceAnalysis
import Hummingbird
import HummingbirdTesting
import Testing
@testable import GoTraceServer

/// The analysis pages' APIs: every number equals what the analyses compute (and those equal
/// go tool trace's, see GoTraceAnalysisTests), bad parameters get 400, the pages are served.
@Suite struct AnalysisRouteTests {
    typealias R = ServerRouteTests

    func withApp(_ name: String, _ body: @Sendable (any TestClientProtocol, ViewerSession) async throws -> Void) async throws {
        let session = try R.sessions.get(name)
        let app = Application(router: ViewerRoutes.router(session: session))
        try await app.test(.router) { client in try await body(client, session) }
    }

    static func get(_ client: any TestClientProtocol, _ uri: String) async throws -> [String: Any] {
        try await client.execute(uri: uri, method: .get) { r in
            #expect(r.status == .ok, "\(uri): \(r.status) \(String(buffer: r.body).prefix(200))")
            return try R.object(r.body)
        }
    }

    static func q(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? s }

    @Test("every page is served", arguments: ["/", "/timeline", "/goroutines", "/goroutine?id=1", "/profile?kind=sync",
                                              "/tasks", "/regions", "/mmu", "/gc"])
    func pages(_ uri: String) async throws {
        try await withApp("annotations-go1.27.3") { client, _ in
            try await client.execute(uri: uri, method: .get) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.contentType]?.hasPrefix("text/html") == true)
            }
        }
    }

    @Test("goroutine groups, a group and a goroutine equal Go's summary",
          arguments: ["annotations-go1.27.3", "sync-go1.22.10", "gc-go1.19", "timers-go1.23.9-truncated"])
    func goroutines(_ name: String) async throws {
        let (s, _) = try GoroutineSummarizer.summarize(path: R.trace(name))
        try await withApp(name) { client, _ in
            let o = try await Self.get(client, "/api/goroutine-groups")
            let groups = try #require(o["groups"] as? [[String: Any]])
            #expect(groups.count == s.groups.count)
            for (g, want) in zip(groups, s.groups) {
                #expect(g["name"] as? String == want.name)
                #expect(R.int(g["count"]) == Int64(want.count))
                #expect(R.int(g["execTime"]) == want.execTime)
                let cols = try #require(g["columns"] as? [String: [String: Any]])
                for (c, d) in s.columnDistributions(of: want.members) {
                    #expect(R.int(cols[c]?["median"]) == d.median, "\(name) \(want.name) \(c)")
                    #expect(R.int(cols[c]?["max"]) == d.max, "\(name) \(want.name) \(c)")
                }
            }
            let big = try #require(s.groups.first)
            let one = try await Self.get(client, "/api/goroutine-group?name=\(Self.q(big.name))")
            let members = try #require(one["goroutines"] as? [[String: Any]])
            #expect(members.map { R.int($0["id"]) } == big.members.map { s.goroutines[$0].id })
            for (m, i) in zip(members, big.members) {
                let cols = try #require(m["columns"] as? [String: NSNumber])
                for (k, v) in s.goroutines[i].stats.nonOverlapping { #expect(cols[k]?.int64Value == v, "\(name) G\(s.goroutines[i].id) \(k)") }
            }
            let g = s.goroutines[big.members[0]]
            let x = try await Self.get(client, "/api/goroutine-summary?id=\(g.id)")
            #expect(R.int(x["total"]) == g.stats.totalTime)
            #expect(R.int(x["start"]) == g.startTime - s.traceStart)
            #expect((x["startStack"] as? [Any])?.count == s.frames(ofStack: g.startStackID).prefix(256).count)
        }
    }

    @Test("profiles equal the blocking profiles, and the pprof download is the same file",
          arguments: ["sync-go1.27.3", "net-go1.21.13", "syscalls-go1.24.11", "cpuprofile-go1.25.5"])
    func profiles(_ name: String) async throws {
        let trace = try Trace.load(path: R.trace(name))
        let tail = PprofProfiles.tailEvents(path: R.trace(name), of: trace)
        try await withApp(name) { client, _ in
            for kind in PprofKind.allCases {
                let records = try PprofProfiles.records(kind, trace: trace, tail: tail)
                let o = try await Self.get(client, "/api/profile?kind=\(kind.rawValue)")
                #expect(R.int(o["records"]) == Int64(records.count), "\(name) \(kind)")
                #expect(R.int(o["total"]) == records.reduce(Int64(0)) { $0 + $1.time }, "\(name) \(kind)")
                // The flame graph's root holds the total; each leaf function's flat time adds up to it.
                let nodes = try #require(o["nodes"] as? [[Any]])
                #expect(R.int(nodes.first?[2]) == R.int(o["total"]))
                let top = try #require(o["top"] as? [[String: Any]])
                #expect(top.reduce(Int64(0)) { $0 + (R.int($1["flat"]) ?? 0) } == R.int(o["total"]))
                let want = try PprofProfiles.pprof(kind, records: records, tables: trace.tables)
                try await client.execute(uri: "/pprof?kind=\(kind.rawValue)", method: .get) { r in
                    #expect(r.status == .ok)
                    #expect(Array(r.body.readableBytesView) == want, "\(name) \(kind): the download differs")
                }
            }
            // go tool trace's spelling: /block?raw=1 is the sync profile, /block the page.
            try await client.execute(uri: "/block?raw=1", method: .get) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.contentDisposition]?.contains("sync.pb.gz") == true)
            }
            try await client.execute(uri: "/io", method: .get) { r in
                #expect(r.status == .found)
                #expect(r.headers[.location] == "/profile?kind=net")
            }
        }
    }

    @Test("region-restricted profiles equal the analyses'")
    func regionProfile() async throws {
        let name = "annotations-go1.22.10"
        let trace = try Trace.load(path: R.trace(name))
        let (s, _) = try GoroutineSummarizer.summarize(path: R.trace(name))
        let type = try #require(s.regionTypes.first?.type)
        try await withApp(name) { client, _ in
            for kind in [PprofKind.sync, .sched] {
                let records = try PprofProfiles.records(kind, trace: trace, restriction: .regionType(type))
                let o = try await Self.get(client, "/api/profile?kind=\(kind.rawValue)&region=\(Self.q(type))")
                #expect(R.int(o["total"]) == records.reduce(Int64(0)) { $0 + $1.time })
            }
        }
    }

    @Test("tasks and regions equal Go's task and region pages", arguments: ["annotations-go1.27.3", "annotations-go1.19"])
    func annotations(_ name: String) async throws {
        let (s, _) = try GoroutineSummarizer.summarize(path: R.trace(name))
        try await withApp(name) { client, _ in
            let t = try await Self.get(client, "/api/tasks")
            let types = try #require(t["types"] as? [[String: Any]])
            #expect(types.map { $0["type"] as? String } == s.taskTypes.map(\.type))
            #expect(types.map { R.int($0["count"]) } == s.taskTypes.map { Int64($0.count) })
            for (x, want) in zip(types, s.taskTypes) {
                let h = try #require(x["histogram"] as? [[NSNumber]])
                #expect(h.map { $0[3].intValue } == want.histogram.rows.map(\.count))
            }
            // One bucket's tasks: those whose duration is in the bucket.
            let typed = try #require(s.taskTypes.first { !$0.histogram.rows.isEmpty })
            let b = try #require(typed.histogram.rows.first { $0.count > 0 })
            let list = try await Self.get(client, "/api/tasks?type=\(Self.q(typed.type))&bucket=\(b.bucket)")
            let tasks = try #require(list["tasks"] as? [[String: Any]])
            #expect(tasks.count == b.count)
            let r = try await Self.get(client, "/api/regions")
            let rtypes = try #require(r["types"] as? [[String: Any]])
            #expect(rtypes.map { $0["type"] as? String } == s.regionTypes.map(\.type))
            #expect(rtypes.map { R.int($0["count"]) } == s.regionTypes.map { Int64($0.count) })
            if let first = s.regionTypes.first {
                let rl = try await Self.get(client, "/api/regions?type=\(Self.q(first.type))&pc=\(Int64(bitPattern: first.frame?.pc ?? 0))")
                let regions = try #require(rl["regions"] as? [[String: Any]])
                #expect(regions.count == first.count)
            }
        }
    }

    @Test("MMU equals the curve of the analyses, for every flag set the page offers", arguments: ["gc-go1.27.3", "gc-go1.21.13"])
    func mmu(_ name: String) async throws {
        let trace = try Trace.load(path: R.trace(name))
        try await withApp(name) { client, _ in
            for flags in [7, 15, 0, 1, 23] {
                let util = MutatorUtilizationBuilder.compute(trace, flags: UtilFlags(rawValue: flags))
                let want = try #require(MMUPlot.compute(util: util, curve: MMUCurve(util)))
                let o = try await Self.get(client, "/api/mmu?flags=\(flags)")
                let curve = try #require(o["curve"] as? [[NSNumber]])
                // Equal up to the last bit or so (Foundation's JSON parser is not always correctly rounded).
                #expect(curve.count == want.curve.count)
                for (g, w) in zip(curve, want.curve) {
                    #expect(g.count == w.count && zip(g, w).allSatisfy { abs($0.doubleValue - $1) <= 1e-12 * max(1, abs($1)) },
                            "\(name) flags \(flags): \(g) vs \(w)")
                }
                #expect(R.int(o["xMax"]) == want.xMax)
                let worst = try #require(o["worst"] as? [[String: Any]])
                let ex = MMUCurve(util).examples(window: R.int(o["window"]) ?? 0, count: 10)
                #expect(worst.map { R.int($0["time"]) } == ex.map { $0.time - trace.census.firstTime })
            }
        }
    }

    @Test("GC cycles, pauses and stragglers equal the GC analysis", arguments: ["gc-go1.27.3", "gc-go1.19", "gomaxprocs-go1.25.5"])
    func gc(_ name: String) async throws {
        let g = GCAnalysis.compute(try Trace.load(path: R.trace(name)))
        try await withApp(name) { client, _ in
            let o = try await Self.get(client, "/api/gc")
            let cycles = try #require(o["cycles"] as? [[String: Any]])
            #expect(cycles.map { R.int($0["duration"]) } == g.cycles.map(\.duration))
            let pauses = try #require(o["pauses"] as? [[String: Any]])
            #expect(pauses.count == g.pauses.count)
            #expect(pauses.map { R.int($0["duration"]) } == g.pauses.map(\.duration).sorted(by: >))
            let stragglers = pauses.reduce(0) { $0 + (($1["stragglers"] as? [Any])?.count ?? 0) }
            #expect(stragglers == g.pauses.reduce(0) { $0 + min($1.stragglers.count, 64) })
        }
    }

    @Test("/api/progress reports the computation under way and how far its pass has read")
    func progress() async throws {
        // A session of its own: the shared ones may be computing for tests running alongside.
        let session = try ViewerSession.load(path: R.trace("annotations-go1.27.3"))
        let app = Application(router: ViewerRoutes.router(session: session))
        try await app.test(.router) { client in
            let idle = try await Self.get(client, "/api/progress")
            #expect(idle["busy"] as? Bool == false)
            // A computation's progress callback, as a pass over the trace calls it.
            try session.analysis.tracking("profiling") { (report) throws(APIError) in
                #expect(session.analysis.progress?.what == "profiling")
                #expect(session.analysis.progress?.total == 0)
                report(3 << 20, 8 << 20)
            }
            #expect(session.analysis.progress == nil)
            let busy = try session.analysis.tracking("analysing the trace") { (report) throws(APIError) -> [String: Any]? in
                report(1 << 20, 4 << 20)
                return try? JSONSerialization.jsonObject(with: Data(session.progressJSON())) as? [String: Any]
            }
            #expect(busy?["busy"] as? Bool == true)
            #expect(busy?["what"] as? String == "analysing the trace")
            #expect(R.int(busy?["read"]) == 1 << 20 && R.int(busy?["total"]) == 4 << 20)
            // A real computation leaves nothing behind.
            _ = try await Self.get(client, "/api/profile?kind=sched&region=compute")
            #expect(try await Self.get(client, "/api/progress")["busy"] as? Bool == false)
        }
    }

    @Test("analysis APIs refuse bad parameters", arguments: [
        ("/api/profile?kind=heap", 400), ("/api/profile", 400), ("/pprof?kind=x", 400), ("/api/mmu?flags=99", 400),
        ("/api/mmu?flags=x", 400), ("/api/mmu?window=-5", 400), ("/api/goroutine-group", 400),
        ("/api/goroutine-group?name=nope", 404), ("/api/goroutine-summary?id=424242", 404),
        ("/api/goroutine-summary?id=zz", 400), ("/api/tasks?bucket=q", 400), ("/api/regions?pc=nan", 400),
        ("/api/profile?kind=sync&group=nope", 404),
    ])
    func badParameters(_ c: (String, Int)) async throws {
        try await withApp("annotations-go1.27.3") { client, _ in
            try await client.execute(uri: c.0, method: .get) { r in
                #expect(r.status.code == c.1, "\(c.0): \(r.status)")
                let o = try R.object(r.body)
                #expect((o["error"] as? String)?.isEmpty == false)
            }
        }
    }
}

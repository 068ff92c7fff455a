import Foundation
import GoTrace
import GoTraceAnalysis
import Hummingbird
import HummingbirdTesting
import Testing
@testable import GoTraceServer

/// Routes of the web viewer through Hummingbird's router test client: every API with good and
/// bad parameters, the app's own files, and attempts to reach anything else.
@Suite struct ServerRouteTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static func trace(_ name: String) -> String { root.appendingPathComponent("Fixtures/traces/\(name).trace").path }

    static let sessions = SessionCache()

    final class SessionCache: @unchecked Sendable {
        private var cache: [String: ViewerSession] = [:]
        private let lock = NSLock()
        func get(_ name: String) throws -> ViewerSession {
            lock.lock()
            defer { lock.unlock() }
            if let s = cache[name] { return s }
            let s = try ViewerSession.load(path: ServerRouteTests.trace(name))
            cache[name] = s
            return s
        }
    }

    func withApp(_ name: String, _ body: @Sendable (any TestClientProtocol, ViewerSession) async throws -> Void) async throws {
        let session = try Self.sessions.get(name)
        let app = Application(router: ViewerRoutes.router(session: session))
        try await app.test(.router) { client in try await body(client, session) }
    }

    static func object(_ buffer: ByteBuffer) throws -> [String: Any] {
        let data = Data(buffer.readableBytesView)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func int(_ v: Any?) -> Int64? { (v as? NSNumber)?.int64Value }

    @Test("the app's page and files are served with their types")
    func assets() async throws {
        try await withApp("chains-go1.27.3") { client, _ in
            try await client.execute(uri: "/timeline", method: .get) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.contentType]?.hasPrefix("text/html") == true)
                #expect(String(buffer: r.body).contains("<canvas id=\"canvas\">"))
            }
            try await client.execute(uri: "/", method: .get) { r in
                #expect(r.status == .ok)
                #expect(String(buffer: r.body).contains("/static/pages.js"))
            }
            for name in WebAssets.names {
                try await client.execute(uri: "/static/\(name)", method: .get) { r in
                    #expect(r.status == .ok, "\(name)")
                    #expect(r.body.readableBytes > 100, "\(name) is empty")
                }
            }
            try await client.execute(uri: "/static/app.js", method: .get) { r in
                #expect(r.headers[.contentType]?.hasPrefix("text/javascript") == true)
            }
        }
    }

    @Test("nothing but the app's own files is served", arguments: [
        "/static/../Package.swift", "/static/..%2F..%2FPackage.swift", "/static/%2e%2e/%2e%2e/etc/passwd",
        "/../../etc/passwd", "/static/", "/static/index.html/..", "/etc/passwd", "/static/style.css%00.js",
        "/Sources/GoTraceServer/Web/app.js", "/api/", "/api/nope", "/static/Web/app.js",
    ])
    func noTraversal(_ uri: String) async throws {
        try await withApp("chains-go1.27.3") { client, _ in
            try await client.execute(uri: uri, method: .get) { r in
                #expect(r.status == .notFound, "\(uri): \(r.status)")
                #expect(!String(buffer: r.body).contains("PackageDescription"))
                #expect(!String(buffer: r.body).contains("root:"))
            }
        }
    }

    @Test("/api/info agrees with the loaded trace", arguments: ["chains-go1.27.3", "gc-go1.22.10", "timers-go1.19", "timers-go1.27.3-truncated"])
    func info(_ name: String) async throws {
        let trace = try Trace.load(path: Self.trace(name))
        try await withApp(name) { client, _ in
            try await client.execute(uri: "/api/info", method: .get) { r in
                #expect(r.status == .ok)
                let o = try Self.object(r.body)
                #expect(Self.int(o["events"]) == Int64(trace.events.count))
                #expect(Self.int(o["duration"]) == trace.census.lastTime - trace.census.firstTime)
                #expect((o["procs"] as? [Any])?.count == trace.census.procs)
                #expect((o["loss"] as? String) == trace.lossMessage)
            }
        }
    }

    @Test("every view lists its rows; goroutine groups cover every goroutine")
    func tracks() async throws {
        try await withApp("chains-go1.27.3") { client, s in
            try await client.execute(uri: "/api/tracks?view=proc", method: .get) { r in
                let o = try Self.object(r.body)
                #expect((o["tracks"] as? [Any])?.count == s.model.procIDs.count)
                #expect((o["counters"] as? [Any])?.count == 4)
            }
            try await client.execute(uri: "/api/tracks?view=thread", method: .get) { r in
                let o = try Self.object(r.body)
                #expect((o["tracks"] as? [Any])?.count == s.model.threadIDs.count)
            }
            var total: Int64 = 0
            var names: [String] = []
            try await client.execute(uri: "/api/tracks?view=goroutine", method: .get) { r in
                let o = try Self.object(r.body)
                let groups = try #require(o["groups"] as? [[String: Any]])
                total = groups.reduce(0) { $0 + (Self.int($1["count"]) ?? 0) }
                names = groups.compactMap { $0["name"] as? String }
            }
            #expect(total == Int64(s.model.goroutineIDs.count))
            let first = try #require(names.first)
            let q = first.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? first
            try await client.execute(uri: "/api/tracks?view=goroutine&group=\(q)&limit=3", method: .get) { r in
                #expect(r.status == .ok)
                let o = try Self.object(r.body)
                #expect((o["tracks"] as? [Any])?.count == min(3, Int(Self.int(o["total"]) ?? 0)))
            }
            // The goroutine main.main is related to the goroutines it created.
            try await client.execute(uri: "/api/tracks?view=goroutine&focus=1", method: .get) { r in
                let o = try Self.object(r.body)
                let tracks = try #require(o["tracks"] as? [[String: Any]])
                #expect((tracks.first?["goid"] as? NSNumber)?.int64Value == 1)
                #expect(tracks.count > 1)
            }
        }
    }

    @Test("bad parameters get 400 with a message", arguments: [
        "/api/tracks?view=nope", "/api/timeline?start=0&end=10", "/api/timeline?start=0&end=10&width=0&tracks=p:0",
        "/api/timeline?start=0&end=10&width=100000&tracks=p:0", "/api/timeline?start=x&end=10&width=10&tracks=p:0",
        "/api/timeline?start=10&end=10&width=10&tracks=p:0", "/api/timeline?start=0&end=10&width=10&tracks=zz",
        "/api/timeline?start=0&end=10&width=10&tracks=p:-1", "/api/timeline?start=99999999999999999999&end=1&width=1&tracks=p:0",
        "/api/slice?i=abc", "/api/slice", "/api/goroutine?id=1.5", "/api/select?start=5&end=1",
        "/api/flows?view=other&start=0&end=10", "/api/tracks?view=goroutine&focus=x",
        "/api/search?q=" + String(repeating: "a", count: 300),
    ])
    func badParameters(_ uri: String) async throws {
        try await withApp("chains-go1.27.3") { client, _ in
            try await client.execute(uri: uri, method: .get) { r in
                #expect(r.status == .badRequest, "\(uri): \(r.status)")
                let o = try Self.object(r.body)
                #expect((o["error"] as? String)?.isEmpty == false)
            }
        }
    }

    @Test("unknown things get 404", arguments: [
        "/api/slice?i=99999999", "/api/goroutine?id=987654", "/api/tracks?view=goroutine&focus=987654",
        "/api/tracks?view=goroutine&task=987654", "/api/tracks?view=goroutine&group=nope",
        "/api/timeline?start=0&end=10&width=10&tracks=p:999",
    ])
    func notFound(_ uri: String) async throws {
        try await withApp("chains-go1.27.3") { client, _ in
            try await client.execute(uri: uri, method: .get) { r in
                #expect(r.status == .notFound, "\(uri): \(r.status)")
            }
        }
    }

    @Test("a whole-trace timeline accounts for every slice of every proc, at any width",
          arguments: ["chains-go1.27.3", "sync-go1.24.11", "net-go1.21.13", "syscalls-go1.19"])
    func timelineConservation(_ name: String) async throws {
        try await withApp(name) { client, s in
            let m = s.model
            let tracks = (0..<m.procIDs.count).map { "p:\($0)" } + (0..<m.threadIDs.count).map { "t:\($0)" }
            for width in [1, 37, 800, 20000] {
                let uri = "/api/timeline?start=0&end=\(m.traceEnd - m.traceStart + 1)&width=\(width)&tracks=\(tracks.joined(separator: ","))"
                try await client.execute(uri: uri, method: .get) { r in
                    #expect(r.status == .ok)
                    let o = try Self.object(r.body)
                    let data = try #require(o["tracks"] as? [String: [String: Any]])
                    for (k, t) in data {
                        let v = (t["v"] as? [NSNumber])?.map(\.int64Value) ?? []
                        var n: Int64 = 0
                        var busy: Int64 = 0
                        for j in stride(from: 0, to: v.count, by: 4) {
                            n += v[j + 2] < 0 ? -v[j + 2] : 1
                            busy += v[j + 2] < 0 ? v[j + 3] : v[j + 1] - v[j]
                        }
                        let ref = TrackRef(Substring(k))
                        let want: Int
                        var wantBusy: Int64 = 0
                        switch ref {
                        case .proc(let p):
                            want = m.procSlices.row(p).count
                            for i in m.procSlices.row(p) { wantBusy += m.sliceEnd(Int(i)) - m.sliceStart[Int(i)] }
                        case .thread(let t):
                            want = m.threadSlices.row(t).count
                            for i in m.threadSlices.row(t) {
                                let i = Int(i)
                                wantBusy += i < m.sliceCount ? m.sliceEnd(i) - m.sliceStart[i] : m.extEnd[i - m.sliceCount] - m.extStart[i - m.sliceCount]
                            }
                        default: want = -1
                        }
                        #expect(n == Int64(want), "\(name) \(k) width \(width): \(n) spans, \(want) in the row")
                        #expect(busy == wantBusy, "\(name) \(k) width \(width): busy \(busy), want \(wantBusy)")
                        // At most two spans per pixel.
                        #expect(v.count / 4 <= 2 * width + 2, "\(name) \(k) width \(width): \(v.count / 4) spans")
                    }
                }
            }
        }
    }

    @Test("slice details: stacks, wake-up and neighbours agree with the model")
    func sliceDetails() async throws {
        try await withApp("chains-go1.27.3") { client, s in
            let m = s.model
            // A slice woken by another goroutine: its waker and stacks are reported.
            let i = try #require((0..<m.sliceCount).first { m.wakeKind(ofSlice: $0) == .unblocked && m.sliceWaker($0) != UInt32.max })
            try await client.execute(uri: "/api/slice?i=\(i)", method: .get) { r in
                #expect(r.status == .ok)
                let o = try Self.object(r.body)
                let g = Int(m.sliceG(i))
                #expect(Self.int(o["goid"]) == m.goroutineIDs[g])
                #expect(Self.int(o["start"]) == m.sliceStart[i] - m.traceStart)
                #expect(Self.int(o["duration"]) == m.sliceEnd(i) - m.sliceStart[i])
                let wake = try #require(o["wake"] as? [String: Any])
                #expect(Self.int(wake["goid"]) == m.goroutineIDs[Int(m.sliceWaker(i))])
                #expect((wake["kind"] as? String) == "unblock")
                let end = try #require(o["endStack"] as? [[String: Any]])
                #expect(end.count == m.tables.frames(ofStack: m.sliceEndStack(i)).count)
                if let f = end.first {
                    #expect((f["func"] as? String) == m.tables.string(m.tables.frames(ofStack: m.sliceEndStack(i))[0].funcID))
                }
                // The waker's slice is the one running at the wake time, and it lists this slice as woken.
                let ws = try #require((wake["slice"] as? [String: Any]).flatMap { Self.int($0["slice"]) })
                #expect(m.sliceStart[Int(ws)] <= m.sliceReady(i))
            }
        }
    }

    @Test("search finds goroutines by ID and groups by function; selection totals add up")
    func searchAndSelect() async throws {
        try await withApp("chains-go1.27.3") { client, s in
            try await client.execute(uri: "/api/search?q=G1", method: .get) { r in
                let o = try Self.object(r.body)
                #expect(((o["goroutines"] as? [[String: Any]])?.first?["name"] as? String)?.hasPrefix("G1 ") == true)
            }
            try await client.execute(uri: "/api/search?q=main.", method: .get) { r in
                let o = try Self.object(r.body)
                let groups = try #require(o["groups"] as? [[String: Any]])
                #expect(!groups.isEmpty)
                #expect(groups.allSatisfy { ($0["name"] as? String)?.contains("main.") == true })
            }
            let m = s.model
            try await client.execute(uri: "/api/select?start=0&end=\(m.traceEnd - m.traceStart)", method: .get) { r in
                let o = try Self.object(r.body)
                var want: Int64 = 0
                for i in 0..<m.sliceCount { want += m.sliceEnd(i) - m.sliceStart[i] }
                #expect(Self.int(o["running"]) == want)
                #expect(Self.int(o["slices"]) == Int64(m.sliceCount))
            }
        }
    }

    @Test("flows go from the waker's row to the woken goroutine's row")
    func flows() async throws {
        try await withApp("chains-go1.27.3") { client, s in
            let m = s.model
            try await client.execute(uri: "/api/flows?view=goroutine&start=0&end=\(m.traceEnd - m.traceStart + 1)", method: .get) { r in
                let o = try Self.object(r.body)
                let flows = try #require(o["flows"] as? [[Any]])
                #expect(!flows.isEmpty)
                for f in flows {
                    let slice = Int(Self.int(f[5]) ?? -1)
                    #expect(f[1] as? String == "g:\(m.sliceWaker(slice))")
                    #expect(f[3] as? String == "g:\(m.sliceG(slice))")
                    #expect(Self.int(f[0]) == m.sliceReady(slice) - m.traceStart)
                    #expect(Self.int(f[2]) == m.sliceStart[slice] - m.traceStart)
                }
            }
        }
    }
}

extension ServerRouteTests {
    @Test("the user-log lane holds every log, with its text; regions name their task")
    func logsLane() async throws {
        try await withApp("annotations-go1.27.3") { client, s in
            let m = s.model
            #expect(!m.logs.isEmpty)
            try await client.execute(uri: "/api/tracks?view=proc", method: .get) { r in
                let o = try Self.object(r.body)
                let lanes = try #require(o["lanes"] as? [[String: Any]])
                #expect(lanes.contains { $0["id"] as? String == "logs" })
            }
            let tracks = "logs," + (0..<m.goroutineIDs.count).filter { !s.regions.byGoroutine.row($0).isEmpty }.map { "r:\($0)" }.joined(separator: ",")
            try await client.execute(uri: "/api/timeline?start=0&end=\(m.traceEnd - m.traceStart + 1)&width=20000&tracks=\(tracks)", method: .get) { r in
                #expect(r.status == .ok)
                let o = try Self.object(r.body)
                let lane = try #require((o["tracks"] as? [String: [String: Any]])?["logs"])
                let v = (lane["v"] as? [NSNumber])?.map(\.int64Value) ?? []
                var n: Int64 = 0
                for k in stride(from: 0, to: v.count, by: 2) { n += v[k + 1] < 0 ? -v[k + 1] : 1 }
                #expect(n == Int64(m.logs.count))
                let texts = try #require(o["logs"] as? [String: [String: Any]])
                for k in stride(from: 0, to: v.count, by: 2) where v[k + 1] >= 0 {
                    let l = m.logs[Int(v[k + 1])]
                    let cat = m.tables.string(l.category)
                    #expect(texts[String(v[k + 1])]?["text"] as? String == (cat.isEmpty ? "" : "[\(cat)] ") + m.tables.string(l.message))
                }
                let tasks = try #require(o["regionTasks"] as? [String: NSNumber])
                for (k, t) in tasks { #expect(UInt64(bitPattern: t.int64Value) == m.regions[s.regions.regionIDs[Int(k)!]].task) }
            }
        }
    }
}

import GoTraceAnalysis
import Hummingbird
import NIOCore

/// The HTTP surface: the web app's files (compiled into the binary) and the JSON APIs over one
/// `ViewerSession`. Only known paths answer; every parameter is checked and bounded, and a bad
/// one gets 400 with a message.
public enum ViewerRoutes {
    public static func router(session: ViewerSession) -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/") { _, _ in asset("page.html") }
        router.get("/timeline") { _, _ in asset("timeline.html") }
        for page in ["goroutines", "goroutine", "profile", "tasks", "regions", "mmu", "gc"] {
            router.get(RouterPath(stringLiteral: "/" + page)) { _, _ in asset("page.html") }
        }
        // go tool trace's profile URLs: the page, or with raw=1 the pprof file.
        for (path, kind) in [("io", PprofKind.net), ("block", .sync), ("syscall", .syscall), ("sched", .sched)] {
            router.get(RouterPath(stringLiteral: "/" + path)) { request, _ in
                let q = request.uri.queryParameters
                if q["raw"] != nil {
                    return await pprof(session, kind, region: nil, group: q["name"].map(String.init))
                }
                var to = "/profile?kind=\(kind.rawValue)"
                if let n = q["name"], let e = String(n).addingPercentEncodingForQuery() { to += "&group=" + e }
                return Response(status: .found, headers: [.location: to])
            }
        }
        router.get("/pprof") { request, _ in
            let q = request.uri.queryParameters
            guard let k = q["kind"].flatMap({ PprofKind(rawValue: String($0)) }) else {
                return answer { () throws(APIError) -> [UInt8] in throw APIError("kind must be net, sync, syscall, sched or cpu") }
            }
            return await pprof(session, k, region: q["region"].map(String.init), group: q["group"].map(String.init))
        }
        router.get("/api/goroutine-groups") { _, _ in
            await answerAsync { () async throws(APIError) -> [UInt8] in try await session.goroutineGroupsJSON() }
        }
        router.get("/api/goroutine-group") { request, _ in
            await answerAsync { () async throws(APIError) -> [UInt8] in
                guard let n = request.uri.queryParameters["name"] else { throw APIError("missing parameter name") }
                return try await session.goroutineGroupJSON(name: String(n))
            }
        }
        router.get("/api/goroutine-summary") { request, _ in
            await answerAsync { () async throws(APIError) -> [UInt8] in
                try await session.goroutineSummaryJSON(id: try required(request.uri.queryParameters, "id"))
            }
        }
        router.get("/api/profile") { request, _ in
            await answerAsync { () async throws(APIError) -> [UInt8] in
                let q = request.uri.queryParameters
                guard let k = q["kind"].flatMap({ PprofKind(rawValue: String($0)) }) else {
                    throw APIError("kind must be net, sync, syscall, sched or cpu")
                }
                return try await session.profileJSON(kind: k, region: q["region"].map(String.init), group: q["group"].map(String.init))
            }
        }
        router.get("/api/tasks") { request, _ in
            await answerAsync { () async throws(APIError) -> [UInt8] in
                let q = request.uri.queryParameters
                return try await session.tasksJSON(type: q["type"].map(String.init), bucket: try int(q, "bucket"))
            }
        }
        router.get("/api/regions") { request, _ in
            await answerAsync { () async throws(APIError) -> [UInt8] in
                let q = request.uri.queryParameters
                return try await session.regionsJSON(type: q["type"].map(String.init), pc: try int64(q, "pc").map { UInt64(bitPattern: $0) },
                                                     bucket: try int(q, "bucket"))
            }
        }
        router.get("/api/mmu") { request, _ in
            await answerAsync { () async throws(APIError) -> [UInt8] in
                let q = request.uri.queryParameters
                let flags = try int(q, "flags") ?? UtilFlags.pageDefault.rawValue
                guard (0..<64).contains(flags) else { throw APIError("flags must be 0...63") }
                let window = try int64(q, "window")
                if let window, window <= 0 { throw APIError("window must be positive") }
                return try await session.mmuJSON(flags: UtilFlags(rawValue: flags), window: window)
            }
        }
        router.get("/api/gc") { _, _ in
            await answerAsync { () async throws(APIError) -> [UInt8] in try await session.gcJSON() }
        }
        router.get("/favicon.ico") { _, _ in Response(status: .noContent) }
        router.get("/static/{file}") { _, context in
            guard let name = context.parameters.get("file") else { return notFound() }
            return asset(name)
        }
        router.get("/api/info") { _, _ in json(session.infoJSON()) }
        router.get("/api/progress") { _, _ in json(session.progressJSON()) }
        router.get("/api/tracks") { request, _ in
            answer { () throws(APIError) -> [UInt8] in
                let q = request.uri.queryParameters
                let view = q["view"].map(String.init) ?? "proc"
                return try session.tracksJSON(
                    view: view, group: q["group"].map(String.init),
                    offset: try int(q, "offset") ?? 0, limit: try int(q, "limit") ?? 500,
                    filter: q["filter"].map(String.init),
                    focus: try int64(q, "focus"), task: try int64(q, "task").map { UInt64(bitPattern: $0) })
            }
        }
        router.get("/api/timeline") { request, _ in
            answer { () throws(APIError) -> [UInt8] in
                let q = request.uri.queryParameters
                let tracks = (q["tracks"].map(String.init) ?? "").split(separator: ",").map(String.init)
                return try session.timelineJSON(start: try required(q, "start"), end: try required(q, "end"),
                                                width: Int(try required(q, "width")), tracks: tracks)
            }
        }
        router.get("/api/flows") { request, _ in
            answer { () throws(APIError) -> [UInt8] in
                let q = request.uri.queryParameters
                let tracks = (q["tracks"].map(String.init) ?? "").split(separator: ",").map(String.init)
                return try session.flowsJSON(view: q["view"].map(String.init) ?? "proc", start: try required(q, "start"),
                                             end: try required(q, "end"), tracks: tracks)
            }
        }
        router.get("/api/slice") { request, _ in
            answer { () throws(APIError) -> [UInt8] in try session.sliceJSON(Int(try required(request.uri.queryParameters, "i"))) }
        }
        router.get("/api/goroutine") { request, _ in
            answer { () throws(APIError) -> [UInt8] in try session.goroutineJSON(id: try required(request.uri.queryParameters, "id")) }
        }
        router.get("/api/search") { request, _ in
            answer { () throws(APIError) -> [UInt8] in try session.searchJSON(request.uri.queryParameters["q"].map(String.init) ?? "") }
        }
        router.get("/api/select") { request, _ in
            answer { () throws(APIError) -> [UInt8] in
                let q = request.uri.queryParameters
                return try session.selectionJSON(start: try required(q, "start"), end: try required(q, "end"))
            }
        }
        return router
    }

    static func answer(_ body: () throws(APIError) -> [UInt8]) -> Response {
        do {
            return json(try body())
        } catch {
            var w = JSONWriter()
            w.beginObject()
            w.field("error", error.message)
            w.endObject()
            return Response(status: .init(code: error.status), headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(bytes: w.bytes)))
        }
    }

    static func answerAsync(_ body: () async throws(APIError) -> [UInt8]) async -> Response {
        do {
            return json(try await body())
        } catch {
            return answer { () throws(APIError) -> [UInt8] in throw error }
        }
    }

    static func pprof(_ session: ViewerSession, _ kind: PprofKind, region: String?, group: String?) async -> Response {
        do {
            let bytes = try await session.pprofFile(kind: kind, region: region, group: group)
            return Response(status: .ok, headers: [.contentType: "application/octet-stream",
                                                   .contentDisposition: "attachment; filename=\"\(kind.rawValue).pb.gz\""],
                            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        } catch {
            return answer { () throws(APIError) -> [UInt8] in throw error }
        }
    }

    static func json(_ bytes: [UInt8]) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func notFound() -> Response {
        Response(status: .notFound, headers: [.contentType: "text/plain; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(string: "not found\n")))
    }

    /// One of the app's own files, or 404: names are looked up in a fixed table, never on disk.
    static func asset(_ name: String) -> Response {
        guard let a = WebAssets.file(named: name) else { return notFound() }
        return Response(status: .ok, headers: [.contentType: a.contentType, .cacheControl: "no-cache"],
                        body: .init(byteBuffer: ByteBuffer(bytes: a.bytes)))
    }

    static func int64(_ q: Parameters, _ name: String) throws(APIError) -> Int64? {
        guard let v = q[Substring(name)] else { return nil }
        guard v.utf8.count <= 20, let n = Int64(v) else { throw APIError("\(name) must be an integer, got \"\(v.prefix(40))\"") }
        return n
    }

    static func int(_ q: Parameters, _ name: String) throws(APIError) -> Int? {
        try int64(q, name).map { Int($0) }
    }

    static func required(_ q: Parameters, _ name: String) throws(APIError) -> Int64 {
        guard let v = try int64(q, name) else { throw APIError("missing parameter \(name)") }
        return v
    }
}

extension String {
    /// Percent-encoded for a query parameter value.
    func addingPercentEncodingForQuery() -> String? {
        var out = ""
        for b in utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(b))
            default:
                out += "%" + String(b, radix: 16, uppercase: true).leftPadded(2)
            }
        }
        return out
    }

    func leftPadded(_ n: Int) -> String { count >= n ? self : String(repeating: "0", count: n - count) + self }
}

import Hummingbird
import NIOCore

/// The HTTP surface: the web app's files (compiled into the binary) and the JSON APIs over one
/// `ViewerSession`. Only known paths answer; every parameter is checked and bounded, and a bad
/// one gets 400 with a message.
public enum ViewerRoutes {
    public static func router(session: ViewerSession) -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/") { _, _ in asset("index.html") }
        router.get("/favicon.ico") { _, _ in Response(status: .noContent) }
        router.get("/static/{file}") { _, context in
            guard let name = context.parameters.get("file") else { return notFound() }
            return asset(name)
        }
        router.get("/api/info") { _, _ in json(session.infoJSON()) }
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

import Hummingbird
import Logging
import NIOCore

/// Runs the web viewer's HTTP server for one session.
public struct ViewerServer: Sendable {
    public let session: ViewerSession
    public let host: String
    public let port: Int

    public init(session: ViewerSession, host: String, port: Int) {
        self.session = session
        self.host = host
        self.port = port
    }

    /// Parses go tool trace's `-http` address: `host:port`, `:port` (localhost only), or empty
    /// (localhost, any free port).
    public static func parseAddress(_ s: String) -> (host: String, port: Int)? {
        if s.isEmpty { return ("127.0.0.1", 0) }
        guard let colon = s.lastIndex(of: ":") else { return nil }
        var host = String(s[..<colon])
        guard let port = Int(s[s.index(after: colon)...]), (0...65535).contains(port) else { return nil }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host.isEmpty || host == "localhost" { host = "127.0.0.1" }
        return (host, port)
    }

    /// Serves until the process is stopped; `onReady` gets the URL once the socket listens.
    public func run(onReady: @escaping @Sendable (String) -> Void) async throws {
        var logger = Logger(label: "gotrace")
        logger.logLevel = .warning
        let host = self.host
        let app = Application(
            router: ViewerRoutes.router(session: session),
            configuration: .init(address: .hostname(host, port: port), serverName: "gotrace"),
            onServerRunning: { channel in
                let p = channel.localAddress?.port ?? 0
                let shown = host.contains(":") ? "[\(host)]" : host
                onReady("http://\(shown):\(p)/")
            },
            logger: logger)
        try await app.runService()
    }
}

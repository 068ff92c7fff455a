import ArgumentParser
import Dispatch
import Foundation
import GoTrace
import GoTraceServer

#if canImport(Glibc)
import Glibc
#endif

/// `gotrace TRACE` / `gotrace view TRACE`: what `go tool trace TRACE` does, with our own viewer.
/// Loads the trace, serves the web app on localhost and opens the browser.
struct ViewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "view",
        abstract: "Open the trace in the web viewer (the default command: `gotrace TRACE`).",
        discussion: "The server listens on localhost only unless -http names another address.")

    @Option(name: [.customLong("http"), .customLong("http", withSingleDash: true)],
            help: "HTTP service address, as go tool trace's -http (`:PORT` is localhost only; default: localhost, any free port).")
    var http = ""

    @Flag(help: "Do not open a browser; only print the URL.")
    var noBrowser = false

    @Argument(help: "The trace file.")
    var trace: String

    func run() throws {
        guard let addr = ViewerServer.parseAddress(http) else {
            FileHandleOutput.stderr("invalid -http address \(http); want HOST:PORT or :PORT\n")
            throw ExitCode(2)
        }
        let started = DispatchTime.now()
        let session: ViewerSession
        do {
            session = try ViewerSession.load(path: trace, progress: Progress.reporter(for: trace))
        } catch {
            Progress.clear()
            FileHandleOutput.stderr("\(error.description)\n")
            throw ExitCode(1)
        }
        Progress.clear()
        if let loss = session.info.lossMessage { FileHandleOutput.stderr(loss + "\n") }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        FileHandleOutput.stderr(String(format: "loaded %@ in %.2f s: %d events, %d goroutines, %d slices\n", trace, seconds,
                                       session.info.validEvents, session.model.goroutineIDs.count, session.model.sliceCount))
        let server = ViewerServer(session: session, host: addr.host, port: addr.port)
        let openBrowser = !noBrowser
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var failure: (any Error)?
        Task {
            do {
                try await server.run { url in
                    FileHandleOutput.stderr("Trace viewer is listening on \(url)\n")
                    if openBrowser { Browser.open(url) }
                }
            } catch {
                failure = error
            }
            done.signal()
        }
        done.wait()
        if let failure {
            FileHandleOutput.stderr("server: \(failure)\n")
            throw ExitCode(1)
        }
    }
}

/// Opens a URL in the desktop's browser when there is a desktop, as go tool trace does.
enum Browser {
    static func open(_ url: String) {
        let env = ProcessInfo.processInfo.environment
        guard env["DISPLAY"] != nil || env["WAYLAND_DISPLAY"] != nil || env["BROWSER"] != nil else { return }
        let candidates = [env["BROWSER"], "xdg-open", "sensible-browser", "chromium", "firefox"].compactMap { $0 }
        for c in candidates {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = [c, url]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            if (try? p.run()) != nil { return }
        }
    }
}

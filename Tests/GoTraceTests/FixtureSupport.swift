import Foundation
@testable import GoTrace

/// Paths of the committed fixture traces and the goldens made from them by the real Go tool.
enum Fixtures {
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")
    static let traces = root.appendingPathComponent("traces")
    static let golden = root.appendingPathComponent("golden")

    /// Fixture names (file name without `.trace`), sorted.
    static var all: [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: traces.path)) ?? []
        return files.filter { $0.hasSuffix(".trace") }.map { String($0.dropLast(6)) }.sorted()
    }

    static func tracePath(_ name: String) -> String { traces.appendingPathComponent(name + ".trace").path }

    static func version(_ name: String) -> Int {
        guard let bytes = try? TraceBytes(path: tracePath(name)), let v = try? TraceVersion.read(bytes.buffer) else { return 0 }
        return v.minor
    }

    /// Names of Go 1.22+ fixtures that have a golden of the given kind (parsed, wire, footprint).
    static func v2(with kind: String) -> [String] {
        all.filter { version($0) >= 22 && FileManager.default.fileExists(atPath: goldenPath($0, kind)) }
    }

    static func goldenPath(_ name: String, _ kind: String) -> String {
        golden.appendingPathComponent("\(name).\(kind)").path
    }

    /// The golden's stdout, expected exit status and stderr.
    static func expectation(_ name: String, _ kind: String) throws -> (stdout: String, exit: Int, stderr: String) {
        let out = try String(contentsOfFile: goldenPath(name, kind), encoding: .utf8)
        let exitText = try? String(contentsOfFile: goldenPath(name, kind) + ".exit", encoding: .utf8)
        let err = (try? String(contentsOfFile: goldenPath(name, kind) + ".stderr", encoding: .utf8)) ?? ""
        return (out, Int(exitText?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "0") ?? -1, err)
    }
}

/// Runs the reader the way `go tool trace -d=parsed` does: every event's text, then the error.
func parsedOutput(_ bytes: TraceBytes) -> (text: String, error: TraceError?) {
    var text = ""
    do {
        let r = try TraceReader(bytes: bytes)
        let f = ParsedFormatter(tables: r.tables)
        while let ev = try r.next() {
            text += f.string(ev)
            text += "\n"
        }
        return (text, nil)
    } catch {
        return (text, error)
    }
}

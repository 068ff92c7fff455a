import ArgumentParser
import Foundation
import GoTrace
import GoTraceAnalysis

/// `gotrace logs`: the `runtime/trace.Log` messages of a trace.
struct LogsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs",
        abstract: "User log messages (runtime/trace.Log), in trace order.",
        discussion: "Task 0 is the background task (logs outside any task).")

    @Argument(help: "The trace file.")
    var trace: String

    @Option(help: "Only the logs of this task.")
    var task: UInt64?

    @Option(help: "Only the logs of this category.")
    var category: String?

    @Flag(help: "Print JSON (nanosecond integers) instead of text.")
    var json = false

    func run() throws {
        let s = try AnalysisCLI.summarize(trace)
        if let task, s.task(id: task) == nil { throw AnalysisCLI.fail("no task \(task) in the trace") }
        let logs = s.logs.filter { l in
            (task == nil || l.taskID == task) && (category == nil || l.category == category)
        }
        if json {
            try AnalysisCLI.printJSON(logs)
            return
        }
        var t = SummaryTable(["When", "Goroutine", "Task", "Category", "Message"], right: [0, 1, 2])
        for l in logs {
            t.add([AnalysisCLI.since(l.time, s), "\(l.goroutine)", "\(l.taskID)", l.category, goQuote(l.message)])
        }
        AnalysisCLI.write(t.render() + "\(logs.count) log messages\n")
    }
}

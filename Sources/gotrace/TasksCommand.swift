import ArgumentParser
import Foundation
import GoTrace
import GoTraceAnalysis

/// `gotrace tasks`: go tool trace's /usertasks and /usertask pages in the terminal.
struct TasksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tasks",
        abstract: "User tasks by type with latency histograms (go tool trace's /usertasks).",
        discussion: """
            Without options: per task type, the count (complete or not) and a histogram of the complete
            tasks' durations in Go's buckets (5 per decade). --type NAME lists the instances, shortest
            first, each with its goroutines, regions, logs and event list as Go's /usertask page.
            """)

    @Argument(help: "The trace file.")
    var trace: String

    @Option(help: "List the tasks of this type (\"\" = tasks whose begin is not in the trace).")
    var type: String?

    @Flag(help: "With --type: only complete tasks.")
    var complete = false

    @Flag(help: "With --type: only incomplete tasks.")
    var incomplete = false

    @Option(help: "With --type: minimum duration in nanoseconds (complete tasks only).")
    var minNs: Int64?

    @Option(help: "With --type: maximum duration in nanoseconds (complete tasks only).")
    var maxNs: Int64?

    @Flag(help: "Print JSON (nanosecond integers) instead of text.")
    var json = false

    struct TypeJSON: Encodable {
        var type: String
        var count: Int
        var complete: Int
        var histogram: AnalysisCLI.HistogramJSON
    }

    struct TaskJSON: Encodable {
        var id: UInt64
        var type: String
        var parent: UInt64?
        var children: [UInt64]
        var complete: Bool
        var startTime: Int64
        var endTime: Int64
        var durationNs: Int64
        var goroutines: [Int64]
        var regions: [RegionJSON]
        var logs: [LogEntry]
        var events: [TaskEventLine]
    }

    struct RegionJSON: Encodable {
        var name: String
        var goroutine: Int64
        var startTime: Int64?
        var endTime: Int64?
    }

    func run() throws {
        if complete && incomplete { throw AnalysisCLI.fail("--complete and --incomplete exclude each other") }
        let s = try AnalysisCLI.summarize(trace)
        if let type {
            try showType(type, s)
        } else {
            try showTypes(s)
        }
    }

    func showTypes(_ s: GoroutineSummaries) throws {
        let types = s.taskTypes
        if json {
            try AnalysisCLI.printJSON(types.map {
                TypeJSON(type: $0.type, count: $0.count, complete: $0.histogram.count, histogram: .init($0.histogram))
            })
            return
        }
        var t = SummaryTable(["Task type", "Count", "Complete", "Median", "Max"], right: [1, 2, 3, 4])
        for ty in types {
            let durations = ty.tasks.map { s.tasks[$0] }.filter(\.isComplete).map { s.duration(of: $0) }
            let dist = Distribution(durations)
            t.add([ty.type.isEmpty ? "\"\"" : ty.type, "\(ty.count)", "\(ty.histogram.count)",
                   durations.isEmpty ? "-" : AnalysisCLI.d(dist.median), durations.isEmpty ? "-" : AnalysisCLI.d(dist.max)])
        }
        var out = t.render()
        for ty in types where ty.histogram.count > 0 {
            out += "\n\(ty.type.isEmpty ? "\"\"" : ty.type): duration distribution (complete tasks)\n" + AnalysisCLI.histogramText(ty.histogram)
        }
        if types.isEmpty { out += "(no tasks)\n" }
        AnalysisCLI.write(out)
    }

    func showType(_ type: String, _ s: GoroutineSummaries) throws {
        var tasks = s.tasks(type: type, complete: complete ? true : (incomplete ? false : nil), latMin: minNs, latMax: maxNs)
        guard s.tasks.contains(where: { $0.name == type }) else { throw AnalysisCLI.fail("no task of type \"\(type)\" in the trace") }
        tasks.sort { (s.duration(of: $0), $0.id) < (s.duration(of: $1), $1.id) }
        if json {
            try AnalysisCLI.printJSON(tasks.map { t in
                let iv = s.interval(of: t)
                return TaskJSON(id: t.id, type: t.name, parent: t.parent, children: t.children, complete: t.isComplete,
                                startTime: iv.start, endTime: iv.end, durationNs: iv.end &- iv.start, goroutines: t.goroutines,
                                regions: t.regions.map {
                                    let r = s.regions[$0]
                                    return RegionJSON(name: r.name, goroutine: r.goroutine, startTime: r.start?.time, endTime: r.end?.time)
                                },
                                logs: t.logs.map { s.logs[$0] }, events: s.eventLines(of: t))
            })
            return
        }
        var out = "Tasks of type \(goQuote(type)): \(tasks.count)\n"
        for t in tasks {
            let iv = s.interval(of: t)
            out += "\nTask \(t.id) (\(t.isComplete ? "complete" : "incomplete"))  start \(AnalysisCLI.since(iv.start, s))s  duration \(AnalysisCLI.d(iv.end &- iv.start))"
            if let p = t.parent { out += "  parent \(p)" }
            if !t.children.isEmpty { out += "  children \(t.children.map(String.init).joined(separator: ","))" }
            out += "\n  goroutines \(t.goroutines.map(String.init).joined(separator: ","))  regions \(t.regions.count)  logs \(t.logs.count)\n"
            var et = SummaryTable(["When", "Elapsed", "Goroutine", "Event"], right: [0, 1, 2])
            for e in s.eventLines(of: t) {
                et.add([AnalysisCLI.since(e.time, s), TasksCommand.elapsed(e.elapsed), "\(e.goroutine)", e.what])
            }
            out += et.render().split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : "  " + $0 }.joined(separator: "\n")
        }
        AnalysisCLI.write(out)
    }

    /// Go's `elapsed`: `%.9f` seconds; below a second the zeros before the point and those right
    /// after it are blanked (e.g. " .   371136").
    static func elapsed(_ ns: Int64) -> String {
        let s = String(format: "%.9f", Double(ns) / 1e9)
        guard ns < 1_000_000_000, let dot = s.firstIndex(of: ".") else { return s }
        var out = String(repeating: " ", count: s.distance(from: s.startIndex, to: dot)) + "."
        var leading = true
        for c in s[s.index(after: dot)...] {
            if leading && c == "0" { out.append(" ") } else { leading = false; out.append(c) }
        }
        return out
    }
}

import ArgumentParser
import Foundation
import GoTrace
import GoTraceAnalysis

/// `gotrace gc`: GC cycles and stop-the-world pauses, with who kept each pause waiting.
struct GCCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gc",
        abstract: "GC cycles and stop-the-world pauses with durations, worst pauses first, and each pause's stragglers.",
        discussion: """
            A straggler of a stop-the-world is a proc (other than the stopping one) that was running
            when the pause began; it stops at its next ProcStop (or ProcSteal, when its goroutine sat
            in a syscall). For each straggler the goroutine it was running is named (by its start
            function) with the first transition it made after the pause began (usually "preempted")
            and that transition's stack. "stop latency" is the time until the last straggler stopped.
            Times are relative to the trace start.
            """)

    @Argument(help: "The trace file.")
    var trace: String

    @Option(help: "Show only the N worst pauses (default: all).")
    var top: Int?

    @Option(help: "Stack frames to print per straggler.")
    var depth = 6

    @Flag(help: "Print JSON (nanosecond integers, absolute trace times) instead of text.")
    var json = false

    struct FrameJSON: Encodable {
        var function: String
        var file: String
        var line: UInt64
    }

    struct StragglerJSON: Encodable {
        var proc: Int64
        var goroutine: Int64
        var goroutineName: String
        var startedAfterSTW: Bool
        var stoppedAt: Int64?
        var stopLatency: Int64?
        var how: String
        var yieldTime: Int64?
        var yieldState: String?
        var yieldReason: String?
        var yieldStack: [FrameJSON]
    }

    struct PauseJSON: Encodable {
        var kind: String
        var isGC: Bool
        var start: Int64
        var end: Int64
        var duration: Int64
        var endsAfterTrace: Bool
        var goroutine: Int64
        var proc: Int64
        var thread: Int64
        var stopLatency: Int64
        var stack: [FrameJSON]
        var stragglers: [StragglerJSON]
    }

    struct CycleJSON: Encodable {
        var seq: UInt64
        var start: Int64
        var end: Int64
        var duration: Int64
        var startsBeforeTrace: Bool
        var endsAfterTrace: Bool
    }

    struct ReportJSON: Encodable {
        var startTime: Int64
        var endTime: Int64
        var cycles: [CycleJSON]
        var pauses: [PauseJSON]
        var totalGC: Int64
        var totalSTW: Int64
    }

    func run() throws {
        if let top, top < 0 { throw ValidationError("--top must be >= 0") }
        var (builder, tables, _) = try MMUCommand.stream(trace) { GCAnalysisBuilder(tables: $0) }
        let a = builder.finish()
        var pauses = a.pausesByDuration
        if let top { pauses = Array(pauses.prefix(top)) }

        func frames(_ stack: UInt32, limit: Int = .max) -> [FrameJSON] {
            guard stack != 0 else { return [] }
            return tables.frames(ofStack: stack).prefix(limit).map {
                FrameJSON(function: tables.string($0.funcID), file: tables.string($0.fileID), line: $0.line)
            }
        }
        func gName(_ s: STWStraggler) -> String {
            guard s.goroutine >= 0 else { return "" }
            // As the trace viewer names goroutines: the root frame of the first stack seen.
            if let root = tables.frames(ofStack: s.goroutineStartStack).last { return "G\(s.goroutine) " + tables.string(root.funcID) }
            return "G\(s.goroutine)"
        }

        var out = FileHandleOutput()
        defer { out.flush() }
        if json {
            let r = ReportJSON(
                startTime: a.startTime, endTime: a.endTime,
                cycles: a.cycles.map { CycleJSON(seq: $0.seq, start: $0.start, end: $0.end, duration: $0.duration,
                                                 startsBeforeTrace: $0.startsBeforeTrace, endsAfterTrace: $0.endsAfterTrace) },
                pauses: pauses.map { p in
                    PauseJSON(kind: p.kind, isGC: p.isGC, start: p.start, end: p.end, duration: p.duration,
                              endsAfterTrace: p.endsAfterTrace, goroutine: p.goroutine, proc: p.proc, thread: p.thread,
                              stopLatency: p.stopLatency, stack: frames(p.stack),
                              stragglers: p.stragglers.map { s in
                                  StragglerJSON(proc: s.proc, goroutine: s.goroutine, goroutineName: gName(s),
                                                startedAfterSTW: s.startedAfterSTW, stoppedAt: s.stoppedAt,
                                                stopLatency: s.stoppedAt.map { $0 - p.start }, how: s.how, yieldTime: s.yieldTime,
                                                yieldState: s.yieldState, yieldReason: s.yieldReason, yieldStack: frames(s.yieldStack))
                              })
                },
                totalGC: a.totalGC, totalSTW: a.totalSTW)
            try AnalysisCLI.printJSON(r)
            return
        }

        let d = Analysis.goDuration
        let span = a.endTime - a.startTime
        func pct(_ x: Int64) -> String { span > 0 ? String(format: "%.2f%%", Double(x) / Double(span) * 100) : "-" }
        func rel(_ t: Int64) -> String { d(t - a.startTime) }
        out.write("GC of \(trace): span \(d(span))\n")
        out.write("  \(a.cycles.count) GC cycles (concurrent mark), total \(d(a.totalGC)) (\(pct(a.totalGC)) of the trace)\n")
        let maxSTW = a.pauses.map(\.duration).max() ?? 0
        out.write("  \(a.pauses.count) stop-the-world pauses, total \(d(a.totalSTW)) (\(pct(a.totalSTW))), longest \(d(maxSTW))\n")

        if !a.cycles.isEmpty {
            out.write("\nGC cycles:\n")
            for c in a.cycles {
                var note = ""
                if c.startsBeforeTrace { note += "  (began before the trace)" }
                if c.endsAfterTrace { note += "  (still running at the end)" }
                out.write("  #\(String(c.seq).padding(toLength: 6, withPad: " ", startingAt: 0)) at \(rel(c.start).padding(toLength: 14, withPad: " ", startingAt: 0)) \(d(c.duration))\(note)\n")
            }
        }
        if pauses.isEmpty { return }
        out.write("\nStop-the-world pauses, worst first:\n")
        for p in pauses {
            let who = "G\(p.goroutine)" + (p.proc >= 0 ? " on P\(p.proc)" : "")
            out.write("  \(d(p.duration).padding(toLength: 12, withPad: " ", startingAt: 0)) \(p.kind) at \(rel(p.start)) by \(who)")
            if p.endsAfterTrace { out.write(" (did not end)") }
            out.write("\n")
            if p.stragglers.isEmpty {
                out.write("      no other proc was running\n")
                continue
            }
            out.write("      stop latency \(d(p.stopLatency)): \(p.stragglers.count) proc\(p.stragglers.count == 1 ? "" : "s") still running\n")
            for s in p.stragglers {
                var line = "      P\(s.proc)"
                if let t = s.stoppedAt {
                    line += " stopped after \(d(t - p.start))" + (s.how == "steal" ? " (taken from a syscall)" : "")
                } else {
                    line += " never stopped during the pause"
                }
                if s.goroutine < 0 { line += ", in the scheduler (no goroutine)" }
                if s.goroutine >= 0 {
                    line += s.startedAfterSTW ? ", was in the scheduler, then started \(gName(s))" : ", running \(gName(s))"
                    if let yt = s.yieldTime, let st = s.yieldState {
                        line += " → \(st)"
                        if let r = s.yieldReason, !r.isEmpty { line += " (\(r))" }
                        line += " after \(d(yt - p.start))"
                    }
                }
                out.write(line + "\n")
                for f in frames(s.yieldStack, limit: depth) {
                    out.write("          \(f.function)  \(f.file):\(f.line)\n")
                }
            }
        }
    }
}

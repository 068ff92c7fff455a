import ArgumentParser
import Foundation
import GoTrace
import GoTraceAnalysis

/// `gotrace mmu`: minimum mutator utilization, as go tool trace's /mmu page computes it.
struct MMUCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mmu",
        abstract: "Minimum mutator utilization (go tool trace's /mmu): the MMU curve, worst windows and MUD percentiles.",
        discussion: """
            What counts against the mutator follows the /mmu page: by default stop-the-world pauses,
            background mark workers and mark assists (not sweeping), for the whole program. Giving any
            of --stw, --background, --assist, --sweep selects exactly those. --per-goroutine computes one
            utilization function per P (the page's "Per-goroutine" mode).
            Without --window the curve is printed at 1, 2, 5 × 10^k from 1µs up to the trace span and the
            worst windows are shown for 1ms (or the span if shorter). Windows take Go durations
            (500us, 1.5ms, 2s) or plain nanoseconds. Percentiles are of the mutator utilization
            distribution (p1 = the utilization that 1% of the windows are at or below), computed with
            Go's algorithm minus a bug that makes Go 1.27's MUD (the /mmu page's "Show percentiles")
            return the MMU for every percentile; --json also gives Go's values as goMUD.
            """)

    @Argument(help: "The trace file.")
    var trace: String

    @Option(help: "Window length(s), comma-separated (e.g. 1ms or 100us,10ms).")
    var window: String?

    @Flag(help: "Count GC stop-the-world pauses.")
    var stw = false
    @Flag(help: "Count background mark workers.")
    var background = false
    @Flag(help: "Count mark assists.")
    var assist = false
    @Flag(help: "Count sweeping.")
    var sweep = false
    @Flag(name: .customLong("per-goroutine"), help: "One utilization function per P (the page's per-goroutine mode).")
    var perGoroutine = false
    @Flag(name: .customLong("workers-once"), help: "Count a background mark worker once per run (Go counts it twice from its second run on, so on busy traces its utilization sticks at 0; see UtilFlags.workersOnce).")
    var workersOnce = false

    @Option(help: "Number of worst windows to show.")
    var examples = 10

    @Flag(help: "Print JSON (nanosecond integers, absolute trace times) instead of text.")
    var json = false

    var flags: UtilFlags {
        var f: UtilFlags = []
        if stw { f.insert(.stw) }
        if background { f.insert(.background) }
        if assist { f.insert(.assist) }
        if sweep { f.insert(.sweep) }
        if f.isEmpty { f = .pageDefault }
        if perGoroutine { f.insert(.perProc) }
        if workersOnce { f.insert(.workersOnce) }
        return f
    }

    func run() throws {
        var windows: [Int64]?
        if let window {
            windows = []
            for part in window.split(separator: ",") {
                guard let w = MMUCommand.parseDuration(String(part).trimmingCharacters(in: .whitespaces)), w > 0 else {
                    throw ValidationError("invalid window \"\(part)\": want a positive duration such as 500us, 1.5ms, 2s or nanoseconds")
                }
                windows?.append(w)
            }
        }
        guard examples >= 0 else { throw ValidationError("--examples must be >= 0") }
        var (builder, _, info) = try MMUCommand.stream(trace) { MutatorUtilizationBuilder(flags: flags, tables: $0) }
        let report = MMUReport.compute(util: builder.finish(), startTime: info.firstTime, flags: flags, windows: windows, examples: examples)
        var out = FileHandleOutput()
        defer { out.flush() }
        if json {
            try AnalysisCLI.printJSON(report)
            return
        }
        let dur = Analysis.goDuration
        let fns = report.series == 1 ? "1 utilization function" : "\(report.series) utilization functions"
        out.write("MMU of \(trace) (\(report.flags)): \(fns), span \(dur(report.duration))\n")
        if report.series == 0 {
            out.write("no utilization data (the trace has no GOMAXPROCS metric)\n")
            return
        }
        let qs = report.quantiles
        var header = "  " + "Window".padding(toLength: 14, withPad: " ", startingAt: 0) + "MMU".leftPad(9)
        for q in qs where q > 0 { header += ("p" + MMUCommand.percent(q)).leftPad(9) }
        out.write("\n" + header + "\n")
        for p in report.curve {
            var line = "  " + dur(p.window).padding(toLength: 14, withPad: " ", startingAt: 0) + MMUCommand.fmt(p.mmu).leftPad(9)
            for (q, v) in zip(qs, p.mud) where q > 0 { line += MMUCommand.fmt(v).leftPad(9) }
            out.write(line + "\n")
        }
        for w in report.worst {
            out.write("\nWorst \(w.windows.count) windows of \(dur(w.window)) (start relative to the trace start):\n")
            for (i, x) in w.windows.enumerated() {
                let rel = x.time - report.startTime
                out.write("  \(String(i + 1).leftPad(3))  util \(MMUCommand.fmt(x.mutatorUtil))  at \(dur(rel))  [\(dur(rel))–\(dur(rel + w.window))]\n")
            }
        }
    }

    static func fmt(_ x: Double) -> String { String(format: "%.4f", x) }

    /// 0.001 → "0.1", 0.01 → "1", 0.05 → "5".
    static func percent(_ q: Double) -> String {
        let p = (q * 100 * 1e6).rounded() / 1e6
        return p == p.rounded() ? String(Int(p)) : String(p)
    }

    /// Go duration syntax (`1h2m3.5s`, `1.5ms`, `500us`, `500µs`, `10ns`) or plain nanoseconds.
    static func parseDuration(_ s: String) -> Int64? {
        if let n = Int64(s) { return n }
        let units: [(String, Double)] = [("ns", 1), ("us", 1e3), ("µs", 1e3), ("μs", 1e3), ("ms", 1e6), ("s", 1e9), ("m", 60e9), ("h", 3600e9)]
        var rest = Substring(s)
        var total = 0.0
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let num = rest.prefix { $0.isNumber || $0 == "." }
            guard !num.isEmpty, let v = Double(num) else { return nil }
            rest = rest.dropFirst(num.count)
            let unitText = rest.prefix { !($0.isNumber || $0 == ".") }
            guard let u = units.first(where: { $0.0 == String(unitText) }) else { return nil }
            rest = rest.dropFirst(unitText.count)
            total += v * u.1
        }
        guard total.isFinite, total < 9.2e18 else { return nil }
        return Int64(total.rounded())
    }

    /// Streams the events a loaded trace would hold into a consumer (nothing kept per event; a
    /// trace whose last generation is broken is read twice), reporting a partial trace as go tool
    /// trace does.
    static func stream<C: EventConsumer>(_ path: String, _ make: (TraceTables) -> C) throws -> (C, TraceTables, TraceStreamInfo) {
        let r: (consumer: C, tables: TraceTables, info: TraceStreamInfo)
        do {
            r = try TraceStreamer.consumeValid(path: path, progress: Progress.reporter(for: path), make)
        } catch {
            Progress.clear()
            FileHandleOutput.stderr("\(error.description)\n")
            throw ExitCode(1)
        }
        Progress.clear()
        if let e = r.info.error {
            FileHandleOutput.stderr("Encountered error, but able to proceed. Error: \(e.description)\n")
            if let m = r.info.lossMessage { FileHandleOutput.stderr(m + "\n") }
        }
        return (r.consumer, r.tables, r.info)
    }
}

extension String {
    fileprivate func leftPad(_ n: Int) -> String {
        count >= n ? " " + self : String(repeating: " ", count: n - count) + self
    }
}

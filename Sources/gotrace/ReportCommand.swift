import ArgumentParser
import Foundation
import GoTrace
import GoTraceAnalysis

/// `gotrace report`: every analysis in one streaming pass, summarized on one page.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Every analysis of go tool trace in one pass: goroutines, tasks, regions, GC, MMU and profiles.",
        discussion: """
            Reads the trace once, without loading it (a 1 GB trace takes a few GiB), and prints the
            head of each report: goroutine groups, task and region types, GC cycles and the worst
            stop-the-world pauses, the MMU curve (stop-the-world + background workers + mark assist,
            system-wide, as go tool trace's /mmu page starts) and the whole-trace blocking and CPU
            profiles. The numbers are those of the separate commands (goroutines, tasks, regions, gc,
            mmu, pprof), which show each report in full. --pprof-dir writes the five profiles as
            gzip'd pprof files (net.pb.gz, sync.pb.gz, syscall.pb.gz, sched.pb.gz, cpu.pb.gz).
            """)

    @Argument(help: "The trace file.")
    var trace: String

    @Option(help: "Rows per section.")
    var top = 10

    @Option(name: .customLong("pprof-dir"), help: "Write the profiles into this directory (created if needed).")
    var pprofDir: String?

    @Flag(help: "Print JSON (nanosecond integers) instead of text.")
    var json = false

    func run() throws {
        if top < 0 { throw ValidationError("--top must be >= 0") }
        let a: TraceAnalyses
        do {
            a = try TraceAnalyses.compute(path: trace, progress: Progress.reporter(for: trace))
            Progress.clear()
        } catch {
            Progress.clear()
            throw AnalysisCLI.fail(error.description)
        }
        if let e = a.info.error {
            FileHandleOutput.stderr("Encountered error, but able to proceed. Error: \(e.description)\n")
            if let m = a.info.lossMessage { FileHandleOutput.stderr(m + "\n") }
        }
        if let pprofDir { try writeProfiles(a, to: pprofDir) }
        let r = Report(a, top: top)
        if json {
            try AnalysisCLI.printJSON(r)
        } else {
            AnalysisCLI.write(r.text(path: trace))
        }
    }

    func writeProfiles(_ a: TraceAnalyses, to dir: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        } catch {
            throw AnalysisCLI.fail("cannot create \(dir): \(error.localizedDescription)")
        }
        for k in PprofKind.allCases {
            let bytes = try PprofProfiles.pprof(k, records: a.profiles[k] ?? [], tables: a.tables)
            let path = (dir as NSString).appendingPathComponent("\(k).pb.gz")
            guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
                throw AnalysisCLI.fail("cannot write \(path)")
            }
        }
    }
}

/// What `gotrace report` prints: the head of every analysis (also its JSON form).
struct Report: Encodable {
    struct TraceInfo: Encodable {
        var format: String
        var bytes: Int
        var events: Int
        var eventsKept: Int
        var generations: Int
        var startTime: Int64
        var durationNs: Int64
        var error: String?
        var lossMessage: String?
    }

    struct Group: Encodable {
        var name: String
        var count: Int
        var execTimeNs: Int64
        var execShare: Double
        var schedWaitNs: Int64
        var blockNs: Int64
        var syscallNs: Int64
        var totalNs: Int64
    }

    struct Goroutines: Encodable {
        var count: Int
        var groups: Int
        var totalExecNs: Int64
        var top: [Group]
    }

    struct TypeRow: Encodable {
        var type: String
        var location: String?
        var count: Int
        /// Of the complete ones (tasks) or all (regions), from Go's histogram buckets.
        var measured: Int
        var medianBucketNs: Int64?
        var maxBucketNs: Int64?
    }

    struct Annotations: Encodable {
        var tasks: Int
        var taskTypes: [TypeRow]
        var regions: Int
        var regionTypes: [TypeRow]
        var logs: Int
    }

    struct Pause: Encodable {
        var kind: String
        var start: Int64
        var durationNs: Int64
        var stopLatencyNs: Int64
        var stragglers: Int
    }

    struct GC: Encodable {
        var cycles: Int
        var totalGCNs: Int64
        var pauses: Int
        var totalSTWNs: Int64
        var worst: [Pause]
    }

    struct MMUPoint: Encodable {
        var windowNs: Int64
        var mmu: Double
    }

    struct MMU: Encodable {
        var flags: String
        /// Span of the utilization functions.
        var durationNs: Int64
        var points: [MMUPoint]
        /// The worst windows of `worstWindowNs` (1 ms, or the span if shorter).
        var worstWindowNs: Int64
        var worst: [UtilWindow]
    }

    struct Profile: Encodable {
        var kind: String
        var stacks: Int
        var samples: UInt64
        var totalNs: Int64
        var top: [Entry]
        struct Entry: Encodable {
            var function: String
            var location: String
            var samples: UInt64
            var totalNs: Int64
        }
    }

    struct Peak: Encodable {
        var counter: String
        var value: Int64
        /// Start of the sample (or, on a long trace, of the bucket) holding the peak.
        var time: Int64
    }

    var trace: TraceInfo
    var peaks: [Peak]
    var goroutines: Goroutines
    var annotations: Annotations
    var gc: GC
    var mmu: MMU
    /// The same with each background-worker run counted once (not Go's; see `UtilFlags.workersOnce`).
    var mmuWorkersOnce: MMU
    var profiles: [Profile]

    init(_ a: TraceAnalyses, top: Int) {
        let s = a.summaries
        trace = TraceInfo(format: a.info.version.description, bytes: a.info.fileBytes, events: a.info.eventsRead,
                          eventsKept: a.info.validEvents, generations: a.info.generations, startTime: a.info.firstTime,
                          durationNs: a.info.validLastTime &- a.info.firstTime, error: a.info.error?.description,
                          lossMessage: a.info.lossMessage)

        var peaks: [Peak] = []
        let c = a.counters
        for (name, series, k) in [("heap allocated (bytes)", c.heap, 0), ("heap goal (bytes)", c.heap, 1),
                                  ("goroutines running", c.goroutines, 0), ("goroutines runnable", c.goroutines, 1),
                                  ("goroutines waiting for GC", c.goroutines, 2), ("threads running", c.threads, 0),
                                  ("goroutines in syscalls", c.syscalls, 0)] {
            if let p = series.peak(k) { peaks.append(Peak(counter: name, value: p.value, time: p.time)) }
        }
        self.peaks = peaks

        let groups = s.groups
        let totalExec = s.totalExecTime
        goroutines = Goroutines(count: s.goroutines.count, groups: groups.count, totalExecNs: totalExec, top: groups.prefix(top).map { g in
            var r = Group(name: g.name, count: g.count, execTimeNs: g.execTime,
                          execShare: totalExec > 0 ? Double(g.execTime) / Double(totalExec) : 0,
                          schedWaitNs: 0, blockNs: 0, syscallNs: 0, totalNs: 0)
            for i in g.members {
                let st = s.goroutines[i].stats
                r.schedWaitNs &+= st.schedWaitTime
                r.blockNs &+= st.blockTimeByReason.values.reduce(0, &+) &+ st.syscallBlockTime
                r.syscallNs &+= st.syscallTime
                r.totalNs &+= st.totalTime
            }
            return r
        })

        func row(_ type: String, location: String?, count: Int, _ h: TimeHistogram) -> TypeRow {
            // The bucket holding the median and the highest non-empty bucket (Go's histograms).
            var median: Int64?
            var acc = 0
            for r in h.rows {
                acc += r.count
                if median == nil && acc * 2 >= h.count { median = r.min }
            }
            return TypeRow(type: type, location: location, count: count, measured: h.count,
                           medianBucketNs: h.count > 0 ? median : nil,
                           maxBucketNs: h.count > 0 ? h.rows.last(where: { $0.count > 0 })?.min : nil)
        }
        annotations = Annotations(
            tasks: s.tasks.filter { $0.id != 0 }.count,
            taskTypes: s.taskTypes.prefix(top).map { row($0.type, location: nil, count: $0.count, $0.histogram) },
            regions: s.listedRegions.count,
            regionTypes: s.regionTypes.prefix(top).map { t in
                row(t.type, location: t.frame.map { "\($0.function) \($0.file):\($0.line)" }, count: t.count, t.histogram)
            },
            logs: s.logs.count)

        gc = GC(cycles: a.gc.cycles.count, totalGCNs: a.gc.totalGC, pauses: a.gc.pauses.count, totalSTWNs: a.gc.totalSTW,
                worst: a.gc.pausesByDuration.prefix(top).map {
                    Pause(kind: $0.kind, start: $0.start, durationNs: $0.duration, stopLatencyNs: $0.stopLatency,
                          stragglers: $0.stragglers.count)
                })

        func mmuOf(_ r: MMUReport) -> MMU {
            MMU(flags: r.flags, durationNs: r.duration, points: r.curve.map { MMUPoint(windowNs: $0.window, mmu: $0.mmu) },
                worstWindowNs: r.worst.first?.window ?? 0, worst: Array((r.worst.first?.windows ?? []).prefix(top)))
        }
        mmu = mmuOf(a.mmu)
        mmuWorkersOnce = mmuOf(a.mmuWorkersOnce)

        profiles = PprofKind.allCases.map { k in
            let recs = a.profiles[k] ?? []
            // Flat time by leaf function.
            var byLeaf: [String: (location: String, samples: UInt64, total: Int64)] = [:]
            for r in recs {
                guard let leaf = r.stack.first else { continue }
                let name = a.tables.string(leaf.funcID)
                var e = byLeaf[name] ?? ("\(a.tables.string(leaf.fileID)):\(leaf.line)", 0, 0)
                e.samples &+= r.count
                e.total &+= r.time
                byLeaf[name] = e
            }
            let entries = byLeaf.sorted { $0.value.total != $1.value.total ? $0.value.total > $1.value.total : $0.key < $1.key }
            return Profile(kind: k.rawValue, stacks: recs.count, samples: recs.reduce(0) { $0 &+ $1.count },
                           totalNs: recs.reduce(0) { $0 &+ $1.time },
                           top: entries.prefix(top).map { Profile.Entry(function: $0.key, location: $0.value.location,
                                                                         samples: $0.value.samples, totalNs: $0.value.total) })
        }
    }

    func text(path: String) -> String {
        let d = Analysis.goDuration
        func pct(_ x: Int64, _ of: Int64) -> String { of > 0 ? String(format: "%.1f%%", Double(x) / Double(of) * 100) : "-" }
        var out = "Report of \(path)\n"
        out += "  \(trace.format) trace, \(Trace.byteCount(trace.bytes)), \(trace.events) events, "
            + "\(trace.generations) generation\(trace.generations == 1 ? "" : "s"), span \(d(trace.durationNs))\n"
        if let m = trace.lossMessage {
            out += "  " + m + "\n"
            if trace.eventsKept < trace.events {
                out += "  (the goroutine, task and region summaries use all \(trace.events) events read; the rest the first \(trace.eventsKept))\n"
            }
        }

        if !peaks.isEmpty {
            out += "\nPeaks of the timeline's counters:\n"
            var t = SummaryTable(["Counter", "Peak", "At"], right: [1, 2])
            for p in peaks {
                let v = p.counter.hasSuffix("(bytes)") ? Trace.byteCount(Int(clamping: p.value)) : "\(p.value)"
                t.add([p.counter.replacingOccurrences(of: " (bytes)", with: ""), v, d(p.time &- trace.startTime)])
            }
            out += indent(t.render())
        }

        out += "\nGoroutines: \(goroutines.count) in \(goroutines.groups) groups, total execution \(d(goroutines.totalExecNs))"
            + "  (gotrace goroutines: every group and column)\n"
        var t = SummaryTable(["Start function", "Count", "Execution", "Share", "Sched wait", "Blocked", "Syscall", "Total"],
                             right: [1, 2, 3, 4, 5, 6, 7])
        for g in goroutines.top {
            t.add([GoroutinesCommand.displayName(g.name), "\(g.count)", d(g.execTimeNs), String(format: "%.1f%%", g.execShare * 100),
                   d(g.schedWaitNs), d(g.blockNs), d(g.syscallNs), d(g.totalNs)])
        }
        out += indent(t.render())

        out += "\nTasks: \(annotations.tasks), regions: \(annotations.regions), logs: \(annotations.logs)"
            + "  (gotrace tasks / regions / logs)\n"
        func typeTable(_ rows: [TypeRow], first: String) -> String {
            var t = SummaryTable([first, "Count", "Measured", "Median in", "Max in"], right: [1, 2, 3, 4])
            for r in rows {
                let name = (r.type.isEmpty ? "(untyped)" : r.type) + (r.location.map { "  " + $0 } ?? "")
                t.add([name, "\(r.count)", "\(r.measured)", r.medianBucketNs.map { "≥ " + d($0) } ?? "-",
                       r.maxBucketNs.map { "≥ " + d($0) } ?? "-"])
            }
            return indent(t.render())
        }
        if !annotations.taskTypes.isEmpty { out += typeTable(annotations.taskTypes, first: "Task type") }
        if !annotations.regionTypes.isEmpty { out += typeTable(annotations.regionTypes, first: "Region type") }

        out += "\nGC: \(gc.cycles) cycles, total \(d(gc.totalGCNs)) (\(pct(gc.totalGCNs, trace.durationNs)) of the span); "
            + "\(gc.pauses) stop-the-world pauses, total \(d(gc.totalSTWNs)) (\(pct(gc.totalSTWNs, trace.durationNs)))"
            + "  (gotrace gc: each pause's stragglers)\n"
        if !gc.worst.isEmpty {
            var t = SummaryTable(["Pause", "Duration", "At", "Stop latency", "Stragglers"], right: [1, 2, 3, 4])
            for p in gc.worst {
                t.add([p.kind, d(p.durationNs), d(p.start &- trace.startTime), d(p.stopLatencyNs), "\(p.stragglers)"])
            }
            out += indent(t.render())
        }

        func mmuText(_ m: MMU) -> String {
            var out = ""
            let shown = m.points.filter { p in [1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000].contains(p.windowNs) }
            if !shown.isEmpty {
                var t = SummaryTable(shown.map { d($0.windowNs) }, right: Set(shown.indices))
                t.add(shown.map { String(format: "%.3f", $0.mmu) })
                out += indent(t.render())
            }
            if !m.worst.isEmpty {
                out += "    worst \(d(m.worstWindowNs)) windows at (utilization): " + m.worst.map { "\(d($0.time &- trace.startTime)) (\(String(format: "%.3f", $0.mutatorUtil)))" }
                    .joined(separator: ", ") + "\n"
            }
            return out
        }
        out += "\nMMU (\(mmu.flags)), as go tool trace computes it: minimum mutator utilization by window  (gotrace mmu: other flags, percentiles)\n"
        out += mmuText(mmu)
        let goSpan = mmu.durationNs, onceSpan = mmuWorkersOnce.durationNs
        if mmuWorkersOnce.points.map(\.mmu) != mmu.points.map(\.mmu) || goSpan != onceSpan {
            out += "  Counting each background mark worker run once (go tool trace counts a worker's proc as in GC twice from the\n"
                + "  worker's second run on and releases it once, so its utilization drifts down and on a busy trace sticks at 0;\n"
                + "  its utilization functions here span \(d(goSpan)) of the trace's \(d(trace.durationNs)), these \(d(onceSpan))):\n"
            out += mmuText(mmuWorkersOnce)
        }

        out += "\nProfiles (whole trace; flat time by leaf function)  (gotrace pprof TYPE, or --pprof-dir)\n"
        for p in profiles {
            let unit = p.kind == "cpu" ? "CPU samples" : "intervals"
            out += "  \(p.kind): \(p.samples) \(unit), total \(d(p.totalNs)), \(p.stacks) stacks\n"
            if p.top.isEmpty { continue }
            var t = SummaryTable(["Function", "Total", "Share", "Count", "Location"], right: [1, 2, 3])
            for e in p.top { t.add([e.function, d(e.totalNs), pct(e.totalNs, p.totalNs), "\(e.samples)", e.location]) }
            out += indent(t.render(), by: "      ")
        }
        return out
    }

    private func indent(_ s: String, by prefix: String = "    ") -> String {
        s.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : prefix + $0 }.joined(separator: "\n")
    }
}

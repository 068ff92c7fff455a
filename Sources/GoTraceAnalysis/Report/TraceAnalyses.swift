import GoTrace

/// Every analysis `go tool trace` computes, from one streaming pass over a trace: goroutine
/// summaries (with tasks, regions and logs), GC cycles and pauses, the MMU report with the
/// `/mmu` page's default flags (and with background workers counted once, which Go does not),
/// the timeline's counters, and the whole-trace blocking and CPU profiles.
///
/// Nothing is kept per event: the trace is read on the calling thread while the analyses run on
/// two others, fed in batches. That is what lets a 1 GB trace be analysed in a few GiB, where
/// loading it first would hold every event as well.
///
/// The values equal those of the separate analyses (`GoroutineSummarizer.summarize(path:)`,
/// `GCAnalysis.compute`, `MMUReport.compute`, `PprofProfiles.records` over `Trace.load`),
/// including on a trace whose last generation is broken: the summaries then see every event
/// read, the other analyses those up to the last complete generation (a second pass).
///
/// ```swift
/// let a = try TraceAnalyses.compute(path: "trace.out")
/// print(a.summaries.groups.first?.name ?? "", a.gc.pauses.count, a.mmu.curve.first?.mmu ?? 0)
/// ```
public struct TraceAnalyses: Sendable {
    public let info: TraceStreamInfo
    public let tables: TraceTables
    public let summaries: GoroutineSummaries
    public let gc: GCAnalysis
    public let mmu: MMUReport
    /// The mutator utilization functions `mmu` was computed from (`mmuFlags`).
    public let utilization: [[MutatorUtil]]
    /// The same MMU with each background-worker run counted once (`UtilFlags.workersOnce`: Go's
    /// own accounting sticks at 0 on busy traces).
    public let mmuWorkersOnce: MMUReport
    /// The viewer's counters over time (heap allocated / goal; goroutines running / runnable /
    /// waiting for GC; threads running; goroutines in syscalls), in bounded memory.
    public let counters: TraceCounters
    /// Whole-trace profiles of every `PprofKind` (`cpu` is empty without CPU samples).
    public let profiles: [PprofKind: [ProfileRecord]]
    /// Go's error for the whole-trace profiles of a trace without goroutines (its profiles fail;
    /// `profiles` are then empty).
    public var profileError: ProfileError? {
        summaries.goroutines.isEmpty ? ProfileError.noMatchingGoroutines("") : nil
    }
    /// The MMU flags `mmu` was computed with (the /mmu page's default).
    public static let mmuFlags = UtilFlags.pageDefault

    /// Streams the trace at `path` and computes everything. `progress(bytesRead, fileBytes)` is
    /// called now and then during the first pass.
    public static func compute(path: String, progress: ((Int, Int) -> Void)? = nil) throws(TraceError) -> TraceAnalyses {
        try passes(path: path, progress: progress, withSide: true).results(path: path)
    }

    /// Only the whole-trace profiles of every kind (what `gotrace pprof TYPE` writes), streamed
    /// the same way: no GC or MMU, and the summaries are not finalized. `error` is Go's when the
    /// trace has no goroutine.
    public static func wholeTraceProfiles(path: String, progress: ((Int, Int) -> Void)? = nil) throws(TraceError)
        -> (profiles: [PprofKind: [ProfileRecord]], tables: TraceTables, error: ProfileError?) {
        let pass = try passes(path: path, progress: progress, withSide: false)
        let (streamed, tables, none) = try pass.main.finish { m throws(TraceError) in
            (m.profiles.finish(summarizer: m.summarizer), m.summarizer.tables, !m.summarizer.hasGoroutines)
        }
        let error = none ? ProfileError.noMatchingGoroutines("") : nil
        if let streamed { return (streamed, tables, error) }
        return (try twoPassProfiles(path: path), tables, error)
    }

    /// The last pass over the trace: the only one for a trace that reads cleanly; for one whose
    /// last generation is broken, a second pass feeding the summaries every event read and the
    /// other views those up to the last complete generation, which is known only after the first.
    private static func passes(path: String, progress: ((Int, Int) -> Void)?, withSide: Bool) throws(TraceError) -> Pass {
        let firstInfo: TraceStreamInfo
        do {
            let first = try scan(path: path, keep: nil, progress: progress, withSide: withSide)
            guard first.info.eventsRead > 0, first.info.error == nil || first.info.validEvents > 0 else {
                throw TraceError("failed to parse any useful part of the trace: \(first.info.error?.message ?? "no events")")
            }
            if first.info.error == nil { return first }
            firstInfo = first.info
        }
        var again = try scan(path: path, keep: firstInfo.validEvents, progress: nil, withSide: withSide)
        again.info = firstInfo
        return again
    }

    /// The profiles computed the two-pass way over a loaded trace (the reference the streaming
    /// computation equals), for when a goroutine's summary was replaced after samples were
    /// measured against it.
    private static func twoPassProfiles(path: String) throws(TraceError) -> [PprofKind: [ProfileRecord]] {
        let trace = try Trace.load(path: path)
        let tail = PprofProfiles.tailEvents(path: path, of: trace)
        return (try? PprofProfiles.records(PprofKind.allCases, trace: trace, tail: tail)) ?? [:]
    }

    /// One pass: its consumers, drained and ready to finish.
    private struct Pass {
        var info: TraceStreamInfo
        let main: PipelinedConsumer<MainConsumer>
        let side: PipelinedConsumer<SideConsumer>?

        func results(path: String) throws(TraceError) -> TraceAnalyses {
            let info = info
            let (tables, summaries, streamed) = try main.finish { m throws(TraceError) in
                let profiles = m.profiles.finish(summarizer: m.summarizer)
                // Moved out, so finalizing does not copy the summarizer's storage.
                var s = GoroutineSummarizer(tables: m.summarizer.tables)
                swap(&s, &m.summarizer)
                let end = info.error == nil ? s.lastTs : s.lastSyncTs
                let start = s.firstTs
                return (s.tables, (consume s).finalize(traceStart: start, traceEnd: end), profiles)
            }
            let profiles: [PprofKind: [ProfileRecord]]
            if let streamed { profiles = streamed } else { profiles = try twoPassProfiles(path: path) }
            let gc: GCAnalysis
            var util: [[MutatorUtil]] = []
            var utilOnce: [[MutatorUtil]] = []
            var counters = TraceCounters()
            if let side {
                (gc, util, utilOnce, counters) = try side.finish { s in
                    (s.gc.finish(), s.mmu.finish(), s.mmuOnce.finish(),
                     TraceCounters(heap: s.counters.sink.heap, goroutines: s.counters.sink.goroutines,
                                   threads: s.counters.sink.threads, syscalls: s.counters.sink.syscalls))
                }
            } else {
                var none = GCAnalysisBuilder(tables: tables)
                gc = none.finish()
            }
            let mmu = MMUReport.compute(util: util, startTime: info.firstTime, flags: mmuFlags)
            let mmuOnce = MMUReport.compute(util: utilOnce, startTime: info.firstTime, flags: mmuFlags.union(.workersOnce))
            return TraceAnalyses(info: info, tables: tables, summaries: summaries, gc: gc, mmu: mmu, utilization: util,
                                 mmuWorkersOnce: mmuOnce, counters: counters, profiles: profiles)
        }
    }

    /// The summarizer and the profiles that depend on it, on one thread.
    struct MainConsumer: EventConsumer {
        var summarizer: GoroutineSummarizer
        var profiles: StreamingProfiles
        /// Events past this many go to the summary only.
        let keep: Int
        var fed = 0

        mutating func add(_ ev: Event) {
            summarizer.add(ev)
            if fed < keep {
                profiles.add(ev, summarizer: summarizer)
            } else {
                profiles.addTail(ev, summarizer: summarizer)
            }
            fed += 1
        }
    }

    /// The GC and MMU analyses and the counters, on a second thread.
    struct SideConsumer: EventConsumer {
        var gc: GCAnalysisBuilder
        var mmu: MutatorUtilizationBuilder
        var mmuOnce: MutatorUtilizationBuilder
        var counters = CounterTracker(sink: CounterSeriesSink())
        let keep: Int
        var fed = 0

        mutating func add(_ ev: Event) {
            guard fed < keep else { return }
            fed += 1
            gc.add(ev)
            mmu.add(ev)
            mmuOnce.add(ev)
            counters.add(ev)
        }
    }

    private static func scan(path: String, keep: Int?, progress: ((Int, Int) -> Void)?, withSide: Bool) throws(TraceError) -> Pass {
        let bytes = try TraceBytes(path: path)
        // The analysis threads have the other cores: no generation is ordered ahead.
        let reader = try TraceReader(bytes: bytes, orderAhead: false)
        let tables = reader.tables
        let keep = keep ?? Int.max
        let main = PipelinedConsumer(MainConsumer(summarizer: GoroutineSummarizer(tables: tables),
                                                  profiles: StreamingProfiles(kinds: PprofKind.allCases, tables: tables),
                                                  keep: keep),
                                     label: "gotrace.analyses.main")
        let side = withSide ? PipelinedConsumer(SideConsumer(gc: GCAnalysisBuilder(tables: tables),
                                                             mmu: MutatorUtilizationBuilder(flags: mmuFlags, tables: tables),
                                                             mmuOnce: MutatorUtilizationBuilder(flags: mmuFlags.union(.workersOnce), tables: tables),
                                                             keep: keep),
                                                label: "gotrace.analyses.side") : nil
        let info = TraceStreamer.scan(reader, fileBytes: bytes.count, limit: nil, progress: progress) { batch in
            main.send(batch)
            side?.send(batch)
        }
        return Pass(info: info, main: main, side: side)
    }
}

/// The viewer's counters (`CounterTracker`, as the timeline draws them), each a bounded series.
public struct TraceCounters: Sendable {
    /// Heap allocated, heap goal (bytes).
    public var heap = CounterSeries(width: 2)
    /// Goroutines running, runnable, waiting for the GC.
    public var goroutines = CounterSeries(width: 3)
    /// Threads running.
    public var threads = CounterSeries(width: 1)
    /// Goroutines in system calls.
    public var syscalls = CounterSeries(width: 1)

    public init() {}

    init(heap: CounterSeries, goroutines: CounterSeries, threads: CounterSeries, syscalls: CounterSeries) {
        self.heap = heap
        self.goroutines = goroutines
        self.threads = threads
        self.syscalls = syscalls
    }
}

extension CounterSeries {
    /// The largest value of column `k`, and the start of the (first) sample or bucket holding it.
    public func peak(_ k: Int) -> (value: Int64, time: Int64)? {
        guard k >= 0 && k < width && !times.isEmpty else { return nil }
        var best = 0
        for i in 1..<times.count where maxima[i * width + k] > maxima[best * width + k] { best = i }
        return (maxima[best * width + k], times[best])
    }
}

import GoTrace

/// The whole-trace blocking profiles and the CPU profile, computed while streaming beside the
/// goroutine summarizer (`TraceAnalyses`) instead of in a second pass over a loaded trace.
///
/// Go restricts a whole-trace blocking profile to each goroutine's span in its summary, from its
/// first run to its end (`pprofMatchingGoroutines`), known only once the summary is final. A
/// sample is settled when it ends if the final span is already certain then: the goroutine has
/// run (its start never changes again) and has not ended (its end, or the trace end, comes at or
/// after this time). Other samples wait for the end of the stream (few: mostly goroutines that
/// were blocked when the trace began). A summary replaced later (a goroutine ID seen created
/// again, which Go's runtime does not produce) would change settled samples; `finish` then
/// returns nil and the caller computes the profiles the two-pass way.
struct StreamingProfiles {
    private var trackers: BlockingTrackers
    private var stacks: [StackRecords]
    private var cpu: StackRecords?
    private let kinds: [PprofKind]
    private var deferred: [Deferred] = []
    /// Per goroutine: the summarizer slot its settled samples were measured against (-1: none).
    private var settledSlot = GoroutineMap<Int32>(empty: -1)
    private var exact = true
    private var seq = 0
    private var lastTime: Int64 = 0

    private struct Deferred {
        var tracker: Int
        var goroutine: Int64
        var interval: ClosedInterval
        var stackID: UInt32
        var seq: Int
    }

    init(kinds: [PprofKind], tables: TraceTables) {
        self.kinds = kinds
        trackers = BlockingTrackers(kinds: kinds, tables: tables)
        stacks = trackers.trackers.map { _ in StackRecords(tables: tables) }
        cpu = kinds.contains(.cpu) ? StackRecords(tables: tables) : nil
    }

    /// Feeds one event of the analysed stream, after `summarizer` has seen it.
    @inline(__always)
    mutating func add(_ ev: Event, summarizer: borrowing GoroutineSummarizer) {
        seq += 1
        lastTime = ev.time
        if ev.kind == .stackSample {
            cpu?.add(stackID: ev.stackID, count: 1, time: PprofProfiles.cpuPeriodNanoseconds, seq: seq)
            return
        }
        guard ev.kind == .stateTransition else { return }
        checkReplacement(ev, summarizer: summarizer)
        let seq = seq
        trackers.add(ev) { t, id, sample, stackID in
            if let span = summarizer.span(of: id), span.start != 0, span.end == 0 {
                // Final span [start, end ≥ now]: its overlap with the sample is already known.
                let o = ClosedInterval(start: span.start, end: sample.end).overlap(sample)
                if o > 0 {
                    stacks[t].add(stackID: stackID, count: 1, time: o, seq: seq)
                    if settledSlot[id] < 0 { settledSlot[id] = span.slot }
                }
            } else {
                deferred.append(Deferred(tracker: t, goroutine: id, interval: sample, stackID: stackID, seq: seq))
            }
        }
    }

    /// An event the summary sees but the profiles do not (past the last complete generation).
    mutating func addTail(_ ev: Event, summarizer: borrowing GoroutineSummarizer) {
        if ev.kind == .stateTransition { checkReplacement(ev, summarizer: summarizer) }
    }

    /// A summary is replaced only by a creation (a transition from NotExist or Undetermined), so
    /// only those are checked.
    @inline(__always)
    private mutating func checkReplacement(_ ev: Event, summarizer: borrowing GoroutineSummarizer) {
        guard let st = ev.transition, case .goroutine(let id) = st.resource,
              st.goFrom == .notExist || st.goFrom == .undetermined else { return }
        let settled = settledSlot[id]
        if settled >= 0 && summarizer.span(of: id)?.slot != settled { exact = false }
    }

    /// Settles the waiting samples against the final summaries and returns the profiles (every
    /// kind asked for), or nil when a replaced summary made the streaming result inexact.
    mutating func finish(summarizer: borrowing GoroutineSummarizer) -> [PprofKind: [ProfileRecord]]? {
        guard exact else { return nil }
        for d in deferred {
            guard let span = summarizer.span(of: d.goroutine) else { return nil }
            let o = ClosedInterval(start: span.start, end: span.end == 0 ? lastTime : span.end).overlap(d.interval)
            if o > 0 { stacks[d.tracker].add(stackID: d.stackID, count: 1, time: o, seq: d.seq) }
        }
        deferred = []
        var out: [PprofKind: [ProfileRecord]] = [:]
        for (t, tracker) in trackers.trackers.enumerated() { out[tracker.kind] = stacks[t].records() }
        if let cpu { out[.cpu] = cpu.records() }
        return out
    }
}

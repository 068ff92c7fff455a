import GoTrace

/// One GC cycle: a `GC concurrent mark phase` range.
public struct GCCycle: Sendable, Equatable, Codable {
    /// The runtime's GC sequence number (v2 traces; the v1 conversion's value otherwise).
    public var seq: UInt64
    /// Absolute start and end, ns. A cycle already running when the trace began (found by a
    /// GCActive event) starts at the trace start; one still running at the end ends there.
    public var start: Int64
    public var end: Int64
    public var startsBeforeTrace: Bool
    public var endsAfterTrace: Bool
    public var duration: Int64 { end - start }
}

/// A goroutine or proc that was still running when a stop-the-world began.
///
/// Definition: when a `stop-the-world` range begins (at time T, on proc P0), every *other* proc
/// whose state is Running is a straggler. It stops when its next proc transition out of Running
/// happens (ProcStop by its own thread, or ProcSteal when the stopping thread takes a proc whose
/// goroutine sits in a syscall). The goroutine it was executing at T is named: the goroutine of the
/// proc's latest event context or goroutine start before T, or if none is known, of its first event
/// context after T; a proc that was in the scheduler at T reports the goroutine it started after T
/// (`startedAfterSTW`). With it comes the first state transition that goroutine made after T (typically
/// GoStop "preempted", a block, or a syscall entry) and that transition's stack: where it was when
/// it yielded.
public struct STWStraggler: Sendable, Equatable, Codable {
    public var proc: Int64
    /// Goroutine executing on the proc at the STW start, or -1. When the proc was in the scheduler
    /// at the start (no goroutine), the first goroutine it then started, with `startedAfterSTW`.
    public var goroutine: Int64
    public var startedAfterSTW: Bool = false
    /// Stack ID of the goroutine's first stack-carrying transition (its start stack) — names it.
    public var goroutineStartStack: UInt32
    /// When the proc stopped (absolute ns), nil if it did not stop before the STW ended.
    public var stoppedAt: Int64?
    /// How it stopped: "stop" (ProcStop) or "steal" (ProcSteal: taken while in a syscall).
    public var how: String
    /// The goroutine's first transition after the STW began: time, new state, reason and stack.
    public var yieldTime: Int64?
    public var yieldState: String?
    public var yieldReason: String?
    public var yieldStack: UInt32
}

/// One stop-the-world pause: a `stop-the-world (<kind>)` range.
public struct STWPause: Sendable, Equatable, Codable {
    /// The kind, e.g. "GC mark termination", "GC sweep termination", "GOMAXPROCS".
    public var kind: String
    public var start: Int64
    /// The STW end (or the trace end if it never ended; see `endsAfterTrace`).
    public var end: Int64
    public var endsAfterTrace: Bool
    /// The goroutine, proc and thread that stopped the world, and the STWBegin stack.
    public var goroutine: Int64
    public var proc: Int64
    public var thread: Int64
    public var stack: UInt32
    /// Procs that were still running at `start`, slowest first.
    public var stragglers: [STWStraggler]
    public var duration: Int64 { end - start }
    /// Whether the pause belongs to the GC (the MMU's "STW" flag counts exactly these).
    public var isGC: Bool { kind.contains("GC") }
    /// Time from `start` until the last straggler stopped (0 if none; the whole pause if one never stopped).
    public var stopLatency: Int64 {
        var m: Int64 = 0
        for s in stragglers { m = max(m, (s.stoppedAt ?? end) - start) }
        return m
    }
}

/// GC cycles and stop-the-world pauses of a trace, with the stragglers of each pause.
public struct GCAnalysis: Sendable, Codable {
    public var startTime: Int64
    public var endTime: Int64
    public var cycles: [GCCycle]
    public var pauses: [STWPause]

    public static func compute(_ trace: Trace) -> GCAnalysis {
        var b = GCAnalysisBuilder(tables: trace.tables)
        var c = trace.events.cursor()
        while let ev = c.next() { b.add(ev) }
        return b.finish()
    }

    /// Pauses sorted worst (longest) first, ties by start time.
    public var pausesByDuration: [STWPause] {
        pauses.sorted { $0.duration != $1.duration ? $0.duration > $1.duration : $0.start < $1.start }
    }

    public var totalSTW: Int64 { pauses.reduce(0) { $0 + $1.duration } }
    public var totalGC: Int64 { cycles.reduce(0) { $0 + $1.duration } }
}

/// Builds `GCAnalysis` one event at a time.
public struct GCAnalysisBuilder: EventConsumer {
    let tables: TraceTables
    private var cycles: [GCCycle] = []
    private var openCycle: Int?
    private var pauses: [STWPause] = []
    /// Open STW pause index per stopping goroutine (normally at most one at a time).
    private var openSTW: [Int64: Int] = [:]
    private var nSync = 0
    private var start: Int64 = 0
    private var end: Int64 = 0
    private var sawEvent = false

    // Proc state: running flag and the goroutine executing on it.
    private var procRunning: [Bool] = []
    private var procG: [Int64] = []
    /// Straggler being watched per proc: (pause index, straggler index).
    private var watchProc: [Int64: (Int, Int)] = [:]
    /// Straggler goroutines whose first transition after the STW start is still to be seen.
    private var watchG: [Int64: (Int, Int)] = [:]
    /// First non-empty transition stack per goroutine (what the viewer names goroutines by).
    private var startStack = GoroutineMap<UInt32>(empty: 0)

    static let maxProc: Int64 = 1 << 16

    public init(tables: TraceTables) { self.tables = tables }

    private mutating func ensureProc(_ p: Int64) -> Int? {
        guard p >= 0 && p < Self.maxProc else { return nil }
        let i = Int(p)
        if i >= procRunning.count {
            procRunning.append(contentsOf: repeatElement(false, count: i + 1 - procRunning.count))
            procG.append(contentsOf: repeatElement(noID, count: i + 1 - procG.count))
        }
        return i
    }

    public mutating func add(_ ev: Event) {
        if !sawEvent {
            sawEvent = true
            start = ev.time
        }
        end = ev.time
        // An event's context names the goroutine running on its proc.
        if ev.goroutine >= 0, ev.proc >= 0, ev.type != Wire.syncEvent, let p = ensureProc(ev.proc) {
            if procG[p] != ev.goroutine {
                procG[p] = ev.goroutine
                // A straggler whose goroutine was not known at the STW start (no event on its proc
                // yet): its first goroutine context after the start is the one that was running.
                adopt(ev.proc, ev.goroutine, startedAfter: false)
            }
        }
        switch ev.type {
        case Wire.syncEvent:
            nSync = ev.syncN
        case Wire.gcBegin:
            if let i = openCycle { cycles[i].end = ev.time }  // unmatched: close at the new start
            cycles.append(GCCycle(seq: ev.a0, start: ev.time, end: ev.time, startsBeforeTrace: false, endsAfterTrace: true))
            openCycle = cycles.count - 1
        case Wire.gcActive:
            // Only meaningful in the first generation: later ones repeat what is known.
            if openCycle == nil && nSync <= 1 {
                cycles.append(GCCycle(seq: ev.a0, start: start, end: ev.time, startsBeforeTrace: true, endsAfterTrace: true))
                openCycle = cycles.count - 1
            }
        case Wire.gcEnd:
            if let i = openCycle {
                cycles[i].end = ev.time
                cycles[i].endsAfterTrace = false
                openCycle = nil
            } else {
                // An end without a known start: the cycle was running when the trace began.
                cycles.append(GCCycle(seq: ev.a0, start: start, end: ev.time, startsBeforeTrace: true, endsAfterTrace: false))
            }
        case Wire.stwBegin:
            stwBegin(ev)
        case Wire.stwEnd:
            if let i = openSTW.removeValue(forKey: ev.goroutine) {
                pauses[i].end = ev.time
                pauses[i].endsAfterTrace = false
                closeWatches(i)
            }
        default:
            if ev.kind == .stateTransition, let st = ev.transition { transition(ev, st) }
        }
    }

    private mutating func stwBegin(_ ev: Event) {
        let idx = pauses.count
        var stragglers: [STWStraggler] = []
        for (i, running) in procRunning.enumerated() where running && Int64(i) != ev.proc {
            let g = procG[i]
            stragglers.append(STWStraggler(proc: Int64(i), goroutine: g, goroutineStartStack: g >= 0 ? startStack[g] : 0,
                                           stoppedAt: nil, how: "", yieldTime: nil, yieldState: nil, yieldReason: nil,
                                           yieldStack: 0))
            watchProc[Int64(i)] = (idx, stragglers.count - 1)
            if g >= 0 { watchG[g] = (idx, stragglers.count - 1) }
        }
        pauses.append(STWPause(kind: tables.string(UInt32(truncatingIfNeeded: ev.a0)), start: ev.time, end: ev.time,
                               endsAfterTrace: true, goroutine: ev.goroutine, proc: ev.proc, thread: ev.thread,
                               stack: ev.stackID, stragglers: stragglers))
        if let prev = openSTW[ev.goroutine] { closeWatches(prev) }
        openSTW[ev.goroutine] = idx
    }

    private mutating func closeWatches(_ pause: Int) {
        if watchProc.isEmpty && watchG.isEmpty { return }
        watchProc = watchProc.filter { $0.value.0 != pause }
        watchG = watchG.filter { $0.value.0 != pause }
    }

    /// Names the goroutine of a straggler proc that had none at the STW start.
    private mutating func adopt(_ proc: Int64, _ g: Int64, startedAfter: Bool) {
        guard !watchProc.isEmpty, let (pi, si) = watchProc[proc], pauses[pi].stragglers[si].goroutine < 0 else { return }
        pauses[pi].stragglers[si].goroutine = g
        pauses[pi].stragglers[si].goroutineStartStack = startStack[g]
        pauses[pi].stragglers[si].startedAfterSTW = startedAfter
        if watchG[g] == nil { watchG[g] = (pi, si) }
    }

    private mutating func transition(_ ev: Event, _ st: StateTransition) {
        switch st.resource {
        case .goroutine(let g):
            let from = st.goFrom, to = st.goTo
            if st.stackID != 0 && startStack[g] == 0 { startStack[g] = st.stackID }
            if !watchG.isEmpty, from != to, let (pi, si) = watchG.removeValue(forKey: g) {
                pauses[pi].stragglers[si].yieldTime = ev.time
                pauses[pi].stragglers[si].yieldState = to.description
                pauses[pi].stragglers[si].yieldReason = st.reasonID != 0 ? tables.string(st.reasonID) : nil
                pauses[pi].stragglers[si].yieldStack = st.stackID
            }
            if !from.isExecuting && to.isExecuting {
                if let p = ensureProc(ev.proc) {
                    procG[p] = g
                    adopt(ev.proc, g, startedAfter: true)
                }
            } else if from.isExecuting && !to.isExecuting {
                if let p = ensureProc(ev.proc), procG[p] == g { procG[p] = noID }
            }
        case .proc(let pid):
            guard let p = ensureProc(pid) else { return }
            let from = st.procFrom, to = st.procTo
            if to == .running {
                procRunning[p] = true
            } else {
                let wasRunning = procRunning[p] || from == .running
                procRunning[p] = false
                if wasRunning, !watchProc.isEmpty, let (pi, si) = watchProc.removeValue(forKey: pid) {
                    pauses[pi].stragglers[si].stoppedAt = ev.time
                    pauses[pi].stragglers[si].how = ev.type == Wire.procSteal ? "steal" : "stop"
                }
                procG[p] = noID
            }
        default:
            break
        }
    }

    public mutating func finish() -> GCAnalysis {
        for i in pauses.indices where pauses[i].endsAfterTrace { pauses[i].end = end }
        if let i = openCycle { cycles[i].end = end }
        for i in pauses.indices {
            pauses[i].stragglers.sort {
                let a = $0.stoppedAt ?? Int64.max, b = $1.stoppedAt ?? Int64.max
                return a != b ? a > b : $0.proc < $1.proc
            }
        }
        return GCAnalysis(startTime: start, endTime: end, cycles: cycles, pauses: pauses)
    }
}

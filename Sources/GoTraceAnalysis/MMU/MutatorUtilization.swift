import GoTrace

/// What counts as "not the mutator" (Go's `trace.UtilFlags`, same bit values).
public struct UtilFlags: OptionSet, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// Stop-the-world pauses of the GC (`stop-the-world (…GC…)` ranges).
    public static let stw = UtilFlags(rawValue: 1)
    /// Background mark workers (goroutines labelled `GC (dedicated)` / `GC (fractional)`).
    public static let background = UtilFlags(rawValue: 2)
    /// Mark assists (`GC mark assist` ranges).
    public static let assist = UtilFlags(rawValue: 4)
    /// Sweeping (`GC incremental sweep` ranges).
    public static let sweep = UtilFlags(rawValue: 8)
    /// One utilization function per P instead of one for the whole program ("Per-goroutine" on /mmu).
    public static let perProc = UtilFlags(rawValue: 16)

    /// Not in Go: count a background mark worker once per run. Go's `MutatorUtilizationV2`
    /// counts a worker's proc as in GC both when the worker starts running (it is marked as a
    /// worker) and at the worker label Go 1.22+ traces emit at every such start, and uncounts it
    /// once when it stops: from a worker's second run on its proc stays counted, so utilization
    /// drifts down with every GC cycle and on a busy trace sticks at 0. With this flag the label
    /// counts only a worker not counted yet (or uncounts one that turned idle).
    public static let workersOnce = UtilFlags(rawValue: 32)

    /// The /mmu page's defaults: System, STW, background workers, mark assist (no sweep).
    public static let pageDefault: UtilFlags = [.stw, .background, .assist]

    public var description: String {
        var parts: [String] = [contains(.perProc) ? "perProc" : "system"]
        if contains(.stw) { parts.append("stw") }
        if contains(.background) { parts.append("background") }
        if contains(.assist) { parts.append("assist") }
        if contains(.sweep) { parts.append("sweep") }
        if contains(.workersOnce) { parts.append("workersOnce") }
        return parts.joined(separator: "|")
    }
}

/// A change of mutator utilization: `util` holds from `time` until the next point (Go's `trace.MutatorUtil`).
public struct MutatorUtil: Sendable, Equatable {
    public var time: Int64
    /// Mean mutator utilization in [0, 1].
    public var util: Double
    public init(time: Int64, util: Double) {
        self.time = time
        self.util = util
    }
}

/// Go's `MutatorUtilizationV2`, fed one event at a time so that several analyses can share one pass.
///
/// Reproduces Go's algorithm exactly, quirks included (see trace-analyses.md section 5.1). Where Go
/// would crash on a malformed trace (an event without a P touching per-P state, a P index beyond
/// GOMAXPROCS) the event's contribution is ignored instead.
public struct MutatorUtilizationBuilder: EventConsumer {
    public let flags: UtilFlags
    let tables: TraceTables

    struct PerP {
        var gc: Int
        var series: Int
    }

    private var out: [[MutatorUtil]] = []
    private var ps: [PerP] = []
    /// Number of `ps` with `gc > 0` (kept incrementally; equals Go's per-event count).
    private var gcPositive = 0
    private var stw = 0
    /// Per goroutine: bits 0–2 the GoState, bit 3 in a mark assist (`inGC`), bit 4 background mark worker.
    private var gstate = GoroutineMap<UInt8>(empty: 0)
    private var procs: [(time: Int64, n: Int)] = []
    private var nSync = 0
    private var lastTime: Int64 = 0
    private var sawEvent = false
    /// Cached classification of STW kind strings and labels (by string ID).
    private var stwIsGC: [UInt32: Bool] = [:]
    private var labelKind: [UInt32: UInt8] = [:]

    private static let inGCBit: UInt8 = 8
    private static let bgMarkBit: UInt8 = 16
    private static let stateMask: UInt8 = 7
    /// GOMAXPROCS values beyond this are treated as this (Go would try to allocate them).
    static let maxProcs = 1 << 20

    public init(flags: UtilFlags, tables: TraceTables) {
        self.flags = flags
        self.tables = tables
    }

    /// Go's `MutatorUtilizationV2(events, flags)` over a whole loaded trace.
    public static func compute(_ trace: Trace, flags: UtilFlags) -> [[MutatorUtil]] {
        var b = MutatorUtilizationBuilder(flags: flags, tables: trace.tables)
        var c = trace.events.cursor()
        while let ev = c.next() { b.add(ev) }
        return b.finish()
    }

    /// The same, streaming the trace at `path` (nothing kept per event): the first `keep` events
    /// (see `TraceStreamer.feed`), all when nil.
    public static func compute(path: String, flags: UtilFlags, keep: Int?,
                               progress: ((Int, Int) -> Void)? = nil) throws(TraceError) -> [[MutatorUtil]] {
        var (b, _) = try TraceStreamer.feed(path: path, keep: keep, progress: progress) { MutatorUtilizationBuilder(flags: flags, tables: $0) }
        return b.finish()
    }

    private enum RangeClass { case none, stw, assist, sweep }

    @inline(__always)
    private mutating func classify(_ ev: Event) -> RangeClass {
        switch ev.type {
        case Wire.gcMarkAssistBegin, Wire.gcMarkAssistActive, Wire.gcMarkAssistEnd: return .assist
        case Wire.gcSweepBegin, Wire.gcSweepActive, Wire.gcSweepEnd: return .sweep
        case Wire.stwBegin, Wire.stwEnd:
            // Go: name.hasPrefix("stop-the-world") && name.contains("GC"), name = "stop-the-world (<kind>)".
            let id = UInt32(truncatingIfNeeded: ev.a0)
            if let c = stwIsGC[id] { return c ? .stw : .none }
            let c = tables.string(id).contains("GC")
            stwIsGC[id] = c
            return c ? .stw : .none
        default: return .none
        }
    }

    @inline(__always)
    private func procIndex(_ p: Int64) -> Int? {
        p >= 0 && p < Int64(ps.count) ? Int(p) : nil
    }

    @inline(__always)
    private mutating func bump(_ p: Int64, _ delta: Int) {
        guard let i = procIndex(p) else { return }
        let old = ps[i].gc
        let new = old + delta
        ps[i].gc = new
        if old <= 0 && new > 0 { gcPositive += 1 } else if old > 0 && new <= 0 { gcPositive -= 1 }
    }

    public mutating func add(_ ev: Event) {
        lastTime = ev.time
        sawEvent = true
        let kind = ev.kind
        if kind == .sync {
            nSync = ev.syncN
        } else if ev.type == Wire.procsChange {
            setGomaxprocs(Int(clamping: min(ev.metricValue, UInt64(Self.maxProcs))), at: ev.time)
        }
        if ps.isEmpty { return }

        switch kind {
        case .rangeActive, .rangeBegin:
            let cls = classify(ev)
            if kind == .rangeActive {
                if nSync > 1 { break }
                var backfill = false
                if flags.contains(.assist) && cls == .assist {
                    let st = GoState(rawValue: gstate[ev.goroutine] & Self.stateMask) ?? .undetermined
                    backfill = st.isExecuting
                } else if flags.contains(.sweep) && cls == .sweep {
                    backfill = true
                }
                if backfill && !flags.contains(.perProc) { subtractBackfill() }
            }
            if flags.contains(.stw) && cls == .stw {
                stw += 1
            } else if flags.contains(.sweep) && cls == .sweep {
                bump(ev.proc, 1)
            } else if flags.contains(.assist) && cls == .assist {
                bump(ev.proc, 1)
                if case .goroutine(let g) = ev.rangeScope, g != noID { gstate[g] |= Self.inGCBit }
            }
        case .rangeEnd:
            let cls = classify(ev)
            if flags.contains(.stw) && cls == .stw {
                stw -= 1
            } else if flags.contains(.sweep) && cls == .sweep {
                bump(ev.proc, -1)
            } else if flags.contains(.assist) && cls == .assist {
                bump(ev.proc, -1)
                if case .goroutine(let g) = ev.rangeScope, g != noID { gstate[g] &= ~Self.inGCBit }
            }
        case .stateTransition:
            guard let st = ev.transition, case .goroutine(let g) = st.resource else { break }
            let old = st.goFrom, new = st.goTo
            let bits = gstate[g]
            if bits & (Self.inGCBit | Self.bgMarkBit) != 0 {
                if !old.isExecuting && new.isExecuting {
                    bump(ev.proc, 1)
                } else if old.isExecuting && !new.isExecuting {
                    bump(ev.proc, -1)
                }
            }
            gstate[g] = (bits & ~Self.stateMask) | new.rawValue
        case .label:
            guard flags.contains(.background) else { break }
            // 0: not a worker label, 1: a worker label, 2: "GC (dedicated)".
            let id = ev.labelStringID
            let k: UInt8
            if let c = labelKind[id] {
                k = c
            } else {
                let l = tables.string(id)
                k = l.hasPrefix("GC ") && l != "GC (idle)" ? (l == "GC (dedicated)" ? 2 : 1) : 0
                labelKind[id] = k
            }
            let isWorker = k != 0 && !(flags.contains(.perProc) && k == 2)
            if flags.contains(.workersOnce) {
                let bits = gstate[ev.goroutine]
                let counted = bits & Self.bgMarkBit != 0
                let running = (GoState(rawValue: bits & Self.stateMask) ?? .undetermined).isExecuting
                if isWorker && !counted {
                    gstate[ev.goroutine] = bits | Self.bgMarkBit
                    if running { bump(ev.proc, 1) }
                } else if !isWorker && counted {
                    gstate[ev.goroutine] = bits & ~Self.bgMarkBit
                    if running && bits & Self.inGCBit == 0 { bump(ev.proc, -1) }
                }
            } else if isWorker {
                gstate[ev.goroutine] |= Self.bgMarkBit
                bump(ev.proc, 1)
            }
        default:
            break
        }

        if !flags.contains(.perProc) {
            let gcPs = stw > 0 ? ps.count : gcPositive
            addUtil(0, MutatorUtil(time: ev.time, util: 1 - Double(gcPs) / Double(ps.count)))
        } else {
            let allGC = stw > 0
            for i in ps.indices {
                addUtil(ps[i].series, MutatorUtil(time: ev.time, util: allGC || ps[i].gc > 0 ? 0 : 1))
            }
        }
    }

    private mutating func setGomaxprocs(_ n: Int, at time: Int64) {
        if ps.count > n {
            if flags.contains(.perProc) {
                for p in ps[n...] { addUtil(p.series, MutatorUtil(time: time, util: 0)) }
            }
            for p in ps[n...] where p.gc > 0 { gcPositive -= 1 }
            ps.removeSubrange(n...)
        }
        while ps.count < n {
            var series = 0
            if flags.contains(.perProc) || out.isEmpty {
                series = out.count
                out.append([MutatorUtil(time: time, util: 1)])
            }
            ps.append(PerP(gc: 0, series: series))
        }
        if procs.isEmpty || n != procs[procs.count - 1].n {
            procs.append((time, n))
        }
    }

    /// A mark assist or sweep found active at the start of the trace: take 1/GOMAXPROCS off every
    /// point so far (Go's fix-up for the first generation).
    private mutating func subtractBackfill() {
        guard !out.isEmpty else { return }
        var mi = 0, pi = 0
        let n = out[0].count
        while mi < n {
            if pi < procs.count - 1 && procs[pi + 1].time < out[0][mi].time {
                pi += 1
                continue
            }
            out[0][mi].util -= 1 / Double(procs[pi].n)
            if out[0][mi].util < 0 { out[0][mi].util = 0 }
            mi += 1
        }
    }

    @inline(__always)
    private mutating func addUtil(_ series: Int, _ mu: MutatorUtil) {
        guard series < out.count else { return }
        let n = out[series].count
        if n > 0 {
            let last = out[series][n - 1]
            if mu.util == last.util { return }
            if mu.time == last.time {
                if mu.util < last.util { out[series][n - 1] = mu }
                return
            }
        }
        out[series].append(mu)
    }

    /// Ends every series with a 0 at the last event (Go's end marker) and returns them.
    public mutating func finish() -> [[MutatorUtil]] {
        guard sawEvent else { return [] }
        let mu = MutatorUtil(time: lastTime, util: 0)
        for p in ps { addUtil(p.series, mu) }
        return out
    }
}

/// A map from goroutine IDs to small values: dense for the usual small IDs, hashed beyond.
struct GoroutineMap<V> {
    private var dense: [V] = []
    private var sparse: [Int64: V] = [:]
    private let empty: V
    static var denseLimit: Int64 { 1 << 24 }

    init(empty: V) { self.empty = empty }

    subscript(id: Int64) -> V {
        @inline(__always) get {
            if id >= 0 && id < Int64(dense.count) { return dense[Int(id)] }
            if id >= 0 && id < Self.denseLimit { return empty }
            return sparse[id] ?? empty
        }
        @inline(__always) set {
            if id >= 0 && id < Self.denseLimit {
                let i = Int(id)
                if i >= dense.count {
                    let target = max(i + 1, dense.count * 2, 1024)
                    dense.append(contentsOf: repeatElement(empty, count: min(target, Int(Self.denseLimit)) - dense.count))
                }
                dense[i] = newValue
            } else {
                sparse[id] = newValue
            }
        }
    }
}

import GoTrace

/// The per-goroutine time spans a blocking profile is restricted to: `go tool trace`'s
/// `pprofMatchingGoroutines` (one span per goroutine, from its first run to its end) and
/// `pprofMatchingRegions` (a goroutine's outermost matching user regions).
///
/// Both come from Go's goroutine summary (`internal/trace/summary.go`); this type keeps only what
/// the profiles need from it (start/end times, name, regions), following the summarizer's rules
/// exactly, including its quirks: it is fed every event read, even those of a broken last
/// generation that the profiles themselves ignore; time 0 means "unset"; a goroutine created
/// again (from NotExist or Undetermined) replaces its earlier summary; still-open regions of
/// system goroutines are dropped at goroutine end and at trace end.
public struct ProfileSpans: Sendable {
    /// One user region as the summary records it (times are nil when the begin or the end was
    /// not in the trace).
    public struct Region: Sendable, Equatable {
        public var name: String
        public var start: Int64?
        public var end: Int64?
        /// The RegionBegin's stack (0 when there is no begin event or no stack).
        public var startStackID: UInt32
    }

    /// What the summary knows about one goroutine.
    public struct Goroutine: Sendable {
        public var id: Int64
        /// Start function (the root frame of the first stack seen in a transition), "" if none.
        public var name: String = ""
        /// First time the goroutine was running; 0 = never.
        public var startTime: Int64 = 0
        /// Time it ended (NotExist, or waiting "forever"); 0 = did not end.
        public var endTime: Int64 = 0
        /// Finished regions in summary order (sorted by start at the end; regions without a begin first).
        public var regions: [Region] = []
        var active: [Region] = []
    }

    /// Goroutines by ID.
    public private(set) var goroutines: [Int64: Goroutine] = [:]
    /// Time of the first and last events of the analysed stream (Go's `startTime()`/`endTime()`).
    public let startTime: Int64
    public let endTime: Int64

    /// Builds the spans from `trace.events` followed by `tail` (the events Go read past the last
    /// complete generation, see `PprofProfiles.tailEvents`).
    public init(trace: Trace, tail: [Event] = []) {
        var b = Builder(tables: trace.tables)
        var first: Int64?
        var last: Int64 = 0
        for ev in trace.events {
            if first == nil { first = ev.time }
            last = ev.time
            b.add(ev)
        }
        for ev in tail { b.add(ev) }
        b.finish()
        goroutines = b.gs
        startTime = first ?? 0
        endTime = last
    }

    /// Go's `IsSystemGoroutine`.
    public static func isSystemGoroutine(_ name: String) -> Bool {
        name.isEmpty || (name != "runtime.main" && name.hasPrefix("runtime."))
    }

    /// `pprofMatchingGoroutines`: one interval per goroutine (all, or those named `name`),
    /// `[startTime, endTime or trace end]`. Nil when no goroutine matches (Go fails then).
    public func goroutineIntervals(name: String? = nil) -> [Int64: [ClosedInterval]]? {
        var res: [Int64: [ClosedInterval]] = [:]
        for (id, g) in goroutines {
            if let name, !name.isEmpty, g.name != name { continue }
            res[id] = [ClosedInterval(start: g.startTime, end: g.endTime == 0 ? endTime : g.endTime)]
        }
        return res.isEmpty ? nil : res
    }

    /// `pprofMatchingRegions` for regions whose type is `regionType`: per goroutine, the outermost
    /// non-overlapping intervals of its matching regions.
    public func regionIntervals(type regionType: String) -> [Int64: [ClosedInterval]] {
        var res: [Int64: [ClosedInterval]] = [:]
        for (id, g) in goroutines {
            var list: [ClosedInterval] = []
            for r in g.regions where r.name == regionType {
                list.append(ClosedInterval(start: r.start ?? startTime, end: r.end ?? endTime))
            }
            if list.isEmpty { continue }
            res[id] = ProfileSpans.outermost(list)
        }
        return res
    }

    /// The outermost non-overlapping intervals of `list`, in time order (Go's
    /// `pprofMatchingRegions` after collecting a goroutine's regions).
    static func outermost(_ list: [ClosedInterval]) -> [ClosedInterval] {
        let sorted = list.sorted { $0.start != $1.start ? $0.start < $1.start : $0.end < $1.end }
        var kept: [ClosedInterval] = []
        var lastEnd: Int64 = 0
        for i in sorted where lastEnd <= i.start {
            kept.append(i)
            lastEnd = i.end
        }
        return kept
    }

    private struct Builder {
        let tables: TraceTables
        var gs: [Int64: Goroutine] = [:]

        var forever: [UInt32: Bool] = [:]

        init(tables: TraceTables) { self.tables = tables }

        /// Whether reason string `id` is "forever" (a goroutine blocked for good counts as ended).
        mutating func isForever(_ id: UInt32) -> Bool {
            if let f = forever[id] { return f }
            let f = tables.string(id) == "forever"
            forever[id] = f
            return f
        }

        mutating func add(_ ev: Event) {
            switch ev.kind {
            case .stateTransition:
                guard let st = ev.transition, case .goroutine(let id) = st.resource else { return }
                let from = st.goFrom, to = st.goTo
                if from == to { return }
                var g: Goroutine
                switch from {
                case .undetermined:
                    g = Goroutine(id: id)
                case .notExist:
                    g = Goroutine(id: id)
                    // A goroutine created inside a region inherits its creator's task as an unnamed region.
                    if let creator = gs[ev.goroutine], !creator.active.isEmpty {
                        g.active = [Region(name: "", start: ev.time, end: nil, startStackID: ev.stackID)]
                    }
                default:
                    g = gs[id] ?? Goroutine(id: id)
                }
                if g.name.isEmpty, st.stackID != 0, let root = tables.frames(ofStack: st.stackID).last {
                    g.name = tables.string(root.funcID)
                }
                switch to {
                case .running:
                    if g.startTime == 0 { g.startTime = ev.time }
                case .waiting:
                    if isForever(st.reasonID) { finalize(&g, trigger: ev.time) }
                case .notExist:
                    finalize(&g, trigger: ev.time)
                default:
                    break
                }
                gs[id] = g
            case .regionBegin:
                // Go would crash on a region of an unknown goroutine; ignore it instead.
                guard var g = gs[ev.goroutine] else { return }
                g.active.append(Region(name: tables.string(ev.typeStringID), start: ev.time, end: nil,
                                       startStackID: ev.stackID))
                gs[ev.goroutine] = g
            case .regionEnd:
                guard var g = gs[ev.goroutine] else { return }
                var r = g.active.popLast()
                    ?? Region(name: tables.string(ev.typeStringID), start: nil, end: nil, startStackID: 0)
                r.end = ev.time
                g.regions.append(r)
                gs[ev.goroutine] = g
            default:
                break
            }
        }

        /// `finalize`: end time (when triggered by an event), open regions closed (not for system goroutines).
        func finalize(_ g: inout Goroutine, trigger: Int64?) {
            if let trigger { g.endTime = trigger }
            if !ProfileSpans.isSystemGoroutine(g.name) {
                for var r in g.active {
                    r.end = trigger
                    g.regions.append(r)
                }
            }
            g.active = []
        }

        mutating func finish() {
            for id in Array(gs.keys) {
                guard var g = gs[id] else { continue }
                finalize(&g, trigger: nil)
                // Stable here (Go's sort is not, but equal keys only reorder equal-start regions,
                // which the interval computation sorts again).
                let sorted = g.regions.enumerated().sorted { a, b in
                    switch (a.element.start, b.element.start) {
                    case (nil, nil): return a.offset < b.offset
                    case (nil, _): return true
                    case (_, nil): return false
                    case (let x?, let y?): return x != y ? x < y : a.offset < b.offset
                    }
                }
                g.regions = sorted.map(\.element)
                gs[id] = g
            }
        }
    }
}

/// A time interval `[start, end]` in trace nanoseconds (Go's `cmd/trace` `interval`).
public struct ClosedInterval: Sendable, Equatable {
    public var start: Int64
    public var end: Int64
    public init(start: Int64, end: Int64) {
        self.start = start
        self.end = end
    }

    /// Go's `interval.overlap`: 0 when disjoint, else the length of the intersection
    /// (touching intervals give 0).
    public func overlap(_ o: ClosedInterval) -> Int64 {
        if end < o.start || o.end < start { return 0 }
        return Swift.min(end, o.end) &- Swift.max(start, o.start)
    }
}

import GoTrace

/// Level-of-detail queries: "this window at this many nanoseconds per pixel".
///
/// A span at least a pixel wide is returned as itself; runs of narrower spans that start within
/// one pixel are merged into one, with their count and busy time. Walking a row costs one binary
/// search per merged pixel, so a query is bounded by the pixel count, not by the events in the
/// window: the whole trace is one timeline at every zoom.
public enum SpanOut {
    /// Spans of a query, flattened: `[start, end, a, b]` per span. A single span has `a ≥ 0`
    /// (its meaning depends on the row); a merged run has `a = −count` and `b` = busy ns.
    public typealias Flat = [Int64]
}

/// Random access to one row's spans, sorted by start.
protocol SpanRow {
    var count: Int { get }
    func start(_ k: Int) -> Int64
    func end(_ k: Int) -> Int64
    /// Sum of the durations of spans `0 ..< k`, or nil if the row cannot say cheaply.
    func busy(before k: Int) -> Int64?
}

extension SpanRow {
    /// Index of the first span at or after the window start that could overlap it.
    func firstOverlapping(_ t0: Int64) -> Int {
        var lo = 0, hi = count
        while lo < hi {
            let mid = (lo + hi) / 2
            if start(mid) < t0 { lo = mid + 1 } else { hi = mid }
        }
        var i = lo
        var back = 0
        while i > 0 && back < 64 && end(i - 1) > t0 { i -= 1; back += 1 }
        return i
    }

    func firstStarting(atOrAfter t: Int64, from: Int) -> Int {
        var lo = from, hi = count
        while lo < hi {
            let mid = (lo + hi) / 2
            if start(mid) < t { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    func busy(_ lo: Int, _ hi: Int) -> Int64 {
        if let a = busy(before: lo), let b = busy(before: hi) { return b - a }
        var s: Int64 = 0
        let top = Swift.min(hi, lo + 4096)
        for k in lo..<top { s &+= end(k) - start(k) }
        // Past 4096 spans, extrapolate from the ones summed.
        return top == hi ? s : s / Int64(top - lo) * Int64(hi - lo)
    }

    /// Calls `single(k)` for spans shown as themselves and `merged(lo, hi)` for runs.
    func lod(from t0: Int64, to t1: Int64, step: Int64, limit: Int = 1 << 16,
             single: (Int) -> Void, merged: (Int, Int) -> Void) {
        let step = Swift.max(step, 1)
        var i = firstOverlapping(t0)
        var emitted = 0
        while i < count && start(i) < t1 && emitted < limit {
            emitted += 1
            if end(i) <= t0 { i += 1; continue }
            if end(i) &- start(i) >= step {
                single(i)
                i += 1
                continue
            }
            let pixelEnd = t0 &+ ((Swift.max(start(i), t0) &- t0) / step &+ 1) &* step
            var j = firstStarting(atOrAfter: pixelEnd, from: i + 1)
            // A wide span at the end of the run stays itself.
            if j - 1 > i && end(j - 1) &- start(j - 1) >= step { j -= 1 }
            if j - i == 1 { single(i) } else { merged(i, j) }
            i = j
        }
    }
}

/// A row of slice indices (a proc's or a goroutine's).
struct SliceRow: SpanRow {
    let m: TimelineModel
    let items: ArraySlice<UInt32>
    let prefix: [Int64]?
    var count: Int { items.count }
    @inline(__always) func item(_ k: Int) -> Int { Int(items[items.startIndex + k]) }
    func start(_ k: Int) -> Int64 { m.sliceStart[item(k)] }
    func end(_ k: Int) -> Int64 { m.sliceEnd(item(k)) }
    func busy(before k: Int) -> Int64? {
        guard let prefix else { return nil }
        let stride = TimelineModel.busyStride
        var s = prefix[k / stride]
        for x in (k / stride * stride)..<k { s &+= end(x) - start(x) }
        return s
    }
}

/// A thread's row: slices and extension spans.
struct ThreadRow: SpanRow {
    let m: TimelineModel
    let items: ArraySlice<UInt32>
    let prefix: [Int64]
    var count: Int { items.count }
    @inline(__always) func item(_ k: Int) -> Int { Int(items[items.startIndex + k]) }
    func start(_ k: Int) -> Int64 { m.start(ofThreadItem: item(k)) }
    func end(_ k: Int) -> Int64 { m.end(ofThreadItem: item(k)) }
    func busy(before k: Int) -> Int64? {
        let stride = TimelineModel.busyStride
        var s = prefix[k / stride]
        for x in (k / stride * stride)..<k { s &+= end(x) - start(x) }
        return s
    }
}

struct ListRow: SpanRow {
    let list: SpanList
    let range: Range<Int>
    var count: Int { range.count }
    func start(_ k: Int) -> Int64 { list.starts[range.lowerBound + k] }
    func end(_ k: Int) -> Int64 { list.ends[range.lowerBound + k] }
    func busy(before k: Int) -> Int64? { nil }
}

/// The rows a timeline can show.
public enum TrackRef: Hashable, Sendable {
    case proc(Int), work(Int), thread(Int), goroutine(Int), cpu(Int)
    case gc, stw, network, timers, syscalls, logs
    case goroutineCounter, heapCounter, threadCounter, syscallCounter
    case regions(Int)

    /// Parses `p:3`, `w:3`, `t:1`, `g:12`, `cpu:0`, `gc`, `stw`, `net`, `timers`, `sys`, `logs`,
    /// `c:goroutines`, `c:heap`, `c:threads`, `c:syscalls`, `r:12` (dense indices).
    public init?(_ s: Substring) {
        if let c = s.firstIndex(of: ":") {
            let k = s[..<c], v = s[s.index(after: c)...]
            if k == "c" {
                switch v {
                case "goroutines": self = .goroutineCounter
                case "heap": self = .heapCounter
                case "threads": self = .threadCounter
                case "syscalls": self = .syscallCounter
                default: return nil
                }
                return
            }
            guard v.count <= 12, let n = Int(v), n >= 0 else { return nil }
            switch k {
            case "p": self = .proc(n)
            case "w": self = .work(n)
            case "t": self = .thread(n)
            case "g": self = .goroutine(n)
            case "cpu": self = .cpu(n)
            case "r": self = .regions(n)
            default: return nil
            }
            return
        }
        switch s {
        case "gc": self = .gc
        case "stw": self = .stw
        case "net": self = .network
        case "timers": self = .timers
        case "sys": self = .syscalls
        case "logs": self = .logs
        default: return nil
        }
    }

    public var name: String {
        switch self {
        case .proc(let n): return "p:\(n)"
        case .work(let n): return "w:\(n)"
        case .thread(let n): return "t:\(n)"
        case .goroutine(let n): return "g:\(n)"
        case .cpu(let n): return "cpu:\(n)"
        case .regions(let n): return "r:\(n)"
        case .gc: return "gc"
        case .stw: return "stw"
        case .network: return "net"
        case .timers: return "timers"
        case .syscalls: return "sys"
        case .logs: return "logs"
        case .goroutineCounter: return "c:goroutines"
        case .heapCounter: return "c:heap"
        case .threadCounter: return "c:threads"
        case .syscallCounter: return "c:syscalls"
        }
    }
}

/// One row's answer.
public struct TrackData: Sendable {
    public enum Shape: String, Sendable { case spans, instants, counter }
    public var shape: Shape
    /// Spans: `[start, end, a, b]` (see `SpanOut`); instants: `[time, label or −count]`;
    /// counters: `[time, v0, v1, ...]`. Times are relative to the trace start.
    public var values: [Int64]
    public var stride: Int
}

extension TimelineModel {
    /// The row's level-of-detail data for `[t0, t1)` (absolute ns) at `step` ns per pixel, or nil
    /// for a row that does not exist.
    ///
    /// Span meaning per row: procs and threads give `a` = slice index (threads: `sliceCount + k`
    /// for extension spans), `b` = dense goroutine; goroutines `a` = slice index, `b` = when it
    /// became runnable (relative); work rows `a` = kind,
    /// `b` = goroutine; GC/STW lanes `a` = 0 / STW kind string ID; regions `a` = region index.
    public func track(_ ref: TrackRef, from t0: Int64, to t1: Int64, step: Int64,
                      regions: RegionIndex? = nil) -> TrackData? {
        let base = traceStart
        var out: [Int64] = []
        func spans<R: SpanRow>(_ row: R, single: (Int) -> (Int64, Int64)) {
            row.lod(from: t0, to: t1, step: step, single: { k in
                let (a, b) = single(k)
                out.append(row.start(k) &- base); out.append(row.end(k) &- base); out.append(a); out.append(b)
            }, merged: { lo, hi in
                out.append(row.start(lo) &- base); out.append(row.end(hi - 1) &- base)
                out.append(-Int64(hi - lo)); out.append(row.busy(lo, hi))
            })
        }
        switch ref {
        case .proc(let p):
            guard p < procSlices.rows else { return nil }
            let row = SliceRow(m: self, items: procSlices.row(p), prefix: procBusy[p])
            spans(row) { k in (Int64(row.item(k)), Int64(self.sliceG(row.item(k)))) }
        case .goroutine(let g):
            guard g < goroutineSlices.rows else { return nil }
            let row = SliceRow(m: self, items: goroutineSlices.row(g), prefix: nil)
            spans(row) { k in (Int64(row.item(k)), self.sliceReady(row.item(k)) - base) }
        case .thread(let t):
            guard t < threadSlices.rows else { return nil }
            let row = ThreadRow(m: self, items: threadSlices.row(t), prefix: threadBusy[t])
            spans(row) { k in
                let i = row.item(k)
                return (Int64(i), Int64(i < self.sliceCount ? self.sliceG(i) : self.extG[i - self.sliceCount]))
            }
        case .work(let p):
            guard p < work.count else { return nil }
            let list = work[p]
            spans(ListRow(list: list, range: 0..<list.count)) { k in (Int64(list.kinds[k]), Int64(list.labels[k])) }
        case .gc, .stw:
            let list = ref == .gc ? gcLane : stwLane
            spans(ListRow(list: list, range: 0..<list.count)) { k in (Int64(list.labels[k]), Int64(k)) }
        case .regions(let g):
            guard let regions, g < regions.byGoroutine.rows else { return nil }
            let row = regions.row(g)
            spans(row) { k in (Int64(row.item(k)), Int64(regions.depth[row.item(k)])) }
        case .network, .timers, .syscalls, .cpu, .logs:
            let list: InstantList
            switch ref {
            case .logs: list = logLane
            case .network: list = networkLane
            case .timers: list = timerLane
            case .syscalls: list = syscallLane
            case .cpu(let p):
                guard p < cpuSamples.count else { return nil }
                list = cpuSamples[p]
            default: return nil
            }
            instants(list, t0, t1, step, &out)
            return TrackData(shape: .instants, values: out, stride: 2)
        case .goroutineCounter, .heapCounter, .threadCounter, .syscallCounter:
            let c: CounterSeries
            switch ref {
            case .goroutineCounter: c = goroutineCounts
            case .heapCounter: c = heap
            case .threadCounter: c = threadCounts
            default: c = syscallCounts
            }
            for p in c.envelope(from: t0, to: t1, step: step) {
                out.append(p.time &- base)
                out.append(contentsOf: p.values)
            }
            return TrackData(shape: .counter, values: out, stride: 1 + c.width)
        }
        return TrackData(shape: .spans, values: out, stride: 4)
    }

    private func instants(_ list: InstantList, _ t0: Int64, _ t1: Int64, _ step: Int64, _ out: inout [Int64]) {
        let step = Swift.max(step, 1)
        var i = list.lowerBound(t0)
        var emitted = 0
        while i < list.count && list.times[i] < t1 && emitted < 1 << 16 {
            emitted += 1
            let pixelEnd = t0 &+ ((list.times[i] &- t0) / step &+ 1) &* step
            var lo = i + 1, hi = list.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if list.times[mid] < pixelEnd { lo = mid + 1 } else { hi = mid }
            }
            out.append(list.times[i] &- traceStart)
            out.append(lo - i == 1 ? Int64(list.labels[i]) : -Int64(lo - i))
            i = lo
        }
    }

    // MARK: Slices of a goroutine

    /// Position of slice `i` within its goroutine's row.
    public func position(ofSlice i: Int) -> Int? {
        guard i >= 0, i < sliceCount else { return nil }
        let row = goroutineSlices.row(Int(sliceG(i)))
        var lo = row.startIndex, hi = row.endIndex
        while lo < hi {
            let mid = (lo + hi) / 2
            if sliceStart[Int(row[mid])] < sliceStart[i] || (sliceStart[Int(row[mid])] == sliceStart[i] && Int(row[mid]) < i) {
                lo = mid + 1
            } else {
                hi = mid
            }
        }
        return lo < row.endIndex && Int(row[lo]) == i ? lo - row.startIndex : nil
    }

    /// The slice of goroutine `g` running at `t`, or the last one before it.
    public func slice(ofGoroutine g: Int, at t: Int64) -> Int? {
        guard g >= 0, g < goroutineSlices.rows else { return nil }
        let row = goroutineSlices.row(g)
        var lo = row.startIndex, hi = row.endIndex
        while lo < hi {
            let mid = (lo + hi) / 2
            if sliceStart[Int(row[mid])] <= t { lo = mid + 1 } else { hi = mid }
        }
        return lo > row.startIndex ? Int(row[lo - 1]) : nil
    }

    /// Index of the first slice starting at or after `t`.
    public func firstSlice(startingAtOrAfter t: Int64) -> Int {
        var lo = 0, hi = sliceCount
        while lo < hi {
            let mid = (lo + hi) / 2
            if sliceStart[mid] < t { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Slices that goroutine `g` made runnable during `[t0, t1]` (who it woke), at most `limit`.
    /// Looks at slices starting up to `horizon` ns after `t1` and at most `maxScan` of them.
    public func wokenBy(goroutine g: Int, from t0: Int64, to t1: Int64, limit: Int = 64,
                        horizon: Int64 = 2_000_000_000, maxScan: Int = 2_000_000) -> [Int] {
        var out: [Int] = []
        var i = firstSlice(startingAtOrAfter: t0)
        var scanned = 0
        let gi = UInt32(truncatingIfNeeded: g)
        let stop = t1 > Int64.max - horizon ? Int64.max : t1 + horizon
        while i < sliceCount && sliceStart[i] <= stop && scanned < maxScan && out.count < limit {
            if sliceWaker(i) == gi, sliceReady(i) >= t0, sliceReady(i) <= t1, sliceWakeKind(i) != WakeKind.none.rawValue {
                out.append(i)
            }
            i += 1
            scanned += 1
        }
        return out
    }

    /// Goroutines related to `g`, as go tool trace's goroutine view finds them (who unblocked it,
    /// and who unblocked those), plus its creator, the goroutines it created and those it woke.
    public func relatedGoroutines(_ g: Int, limit: Int = 200) -> [Int] {
        guard g >= 0, g < goroutineIDs.count else { return [] }
        var set: [Int] = [g]
        var seen: Set<Int> = [g]
        for _ in 0..<2 {
            var add: [Int] = []
            for x in set {
                for s in goroutineSlices.row(x) {
                    let w = sliceWaker(Int(s))
                    let k = sliceWakeKind(Int(s))
                    if w != UInt32.max, k == WakeKind.unblocked.rawValue || k == WakeKind.network.rawValue || k == WakeKind.timer.rawValue,
                       !seen.contains(Int(w)) {
                        seen.insert(Int(w))
                        add.append(Int(w))
                    }
                }
            }
            set.append(contentsOf: add)
            if set.count > limit { break }
        }
        if goroutineCreator[g] != UInt32.max, seen.insert(Int(goroutineCreator[g])).inserted {
            set.append(Int(goroutineCreator[g]))
        }
        // Those it created or woke: one pass over the wake columns.
        let gi = UInt32(truncatingIfNeeded: g)
        var i = 0
        while i < sliceCount && set.count < limit {
            if sliceWaker(i) == gi, seen.insert(Int(sliceG(i))).inserted { set.append(Int(sliceG(i))) }
            i += 1
        }
        return Array(set.prefix(limit))
    }
}

/// User regions indexed per goroutine for the timeline.
public struct RegionIndex: Sendable {
    public let starts: [Int64]
    public let ends: [Int64]
    /// Index into `TimelineModel.regions`.
    public let regionIDs: [Int]
    /// Nesting depth within its goroutine (0 = outermost).
    public let depth: [Int]
    public let byGoroutine: CSR

    public init(model: TimelineModel) {
        var s: [Int64] = [], e: [Int64] = [], ids: [Int] = [], gs: [Int] = []
        for (k, r) in model.regions.enumerated() where r.name != 0 {
            s.append(r.start)
            e.append(r.end)
            ids.append(k)
            gs.append(Int(r.goroutine))
        }
        let order = s.indices.sorted { s[$0] != s[$1] ? s[$0] < s[$1] : e[$0] > e[$1] }
        starts = order.map { s[$0] }
        ends = order.map { e[$0] }
        regionIDs = order.map { ids[$0] }
        let gsorted = order.map { gs[$0] }
        byGoroutine = CSR.build(rows: model.goroutineIDs.count, count: order.count) { gsorted[$0] }
        // Depth: per goroutine, a stack of open region ends.
        var d = [Int](repeating: 0, count: order.count)
        for r in 0..<byGoroutine.rows {
            var open: [Int64] = []
            for it in byGoroutine.row(r) {
                let k = Int(it)
                while let last = open.last, last <= starts[k] { open.removeLast() }
                d[k] = open.count
                open.append(ends[k])
            }
        }
        depth = d
    }

    struct Row: SpanRow {
        let index: RegionIndex
        let items: ArraySlice<UInt32>
        var count: Int { items.count }
        func item(_ k: Int) -> Int { Int(items[items.startIndex + k]) }
        func start(_ k: Int) -> Int64 { index.starts[item(k)] }
        func end(_ k: Int) -> Int64 { index.ends[item(k)] }
        func busy(before k: Int) -> Int64? { nil }
    }

    func row(_ g: Int) -> Row { Row(index: self, items: byGoroutine.row(g)) }
}

extension TimelineModel {
    /// Time proc `p` ran goroutines within `[t0, t1)`, exact, in O(log n) (busy prefix sums).
    public func busyTime(proc p: Int, from t0: Int64, to t1: Int64) -> Int64 {
        guard p >= 0, p < procSlices.rows, t1 > t0 else { return 0 }
        let row = SliceRow(m: self, items: procSlices.row(p), prefix: procBusy[p])
        let lo = row.firstOverlapping(t0)
        let hi = row.firstStarting(atOrAfter: t1, from: lo)
        guard hi > lo else { return 0 }
        var total = row.busy(lo, hi)
        // Trim the parts of the end slices that stick out of the window.
        for k in lo..<min(hi, lo + 65) where row.start(k) < t0 { total -= min(row.end(k), t0) - row.start(k) }
        if row.end(hi - 1) > t1 { total -= row.end(hi - 1) - max(t1, row.start(hi - 1)) }
        return max(0, total)
    }
}

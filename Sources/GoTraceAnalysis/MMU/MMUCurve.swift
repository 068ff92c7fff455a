/// A window of the worst mutator utilization (Go's `trace.UtilWindow`).
public struct UtilWindow: Sendable, Equatable, Codable {
    /// Absolute start of the window (ns, trace clock).
    public var time: Int64
    /// Mean mutator utilization in the window.
    public var mutatorUtil: Double
    public init(time: Int64, mutatorUtil: Double) {
        self.time = time
        self.mutatorUtil = mutatorUtil
    }
}

/// The minimum mutator utilization curve over utilization functions (Go's `trace.MMUCurve`),
/// ported operation for operation so that results equal Go's bit for bit (same float operation
/// order, same heap discipline as `container/heap`, same early stops).
public struct MMUCurve: Sendable {
    struct Band: Sendable {
        var minUtil: Double
        var cumUtil: Double
        /// Integrator position at the band's left edge.
        var pos: Int
    }

    struct Series: Sendable {
        var times: [Int64]
        var utils: [Double]
        var sums: [Double]
        var bands: [Band]
        var bandDur: Int64

        var first: Int64 { times[0] }
        var last: Int64 { times[times.count - 1] }
    }

    var series: [Series]

    /// Go's `bandsPerSeries`.
    static let bandsPerSeries = 1000

    /// Go's `NewMMUCurve`. Empty series are ignored (Go would crash on them).
    public init(_ utils: [[MutatorUtil]]) {
        series = []
        series.reserveCapacity(utils.count)
        for u in utils where !u.isEmpty { series.append(Self.makeSeries(u)) }
    }

    /// Number of utilization functions.
    public var seriesCount: Int { series.count }

    static func makeSeries(_ util: [MutatorUtil]) -> Series {
        var times = [Int64](), utils = [Double](), sums = [Double]()
        times.reserveCapacity(util.count)
        utils.reserveCapacity(util.count)
        sums.reserveCapacity(util.count)
        var prevTime: Int64 = 0, prevUtil = 0.0
        var sum = 0.0
        for u in util {
            sum += prevUtil * Double(u.time &- prevTime)
            sums.append(sum)
            times.append(u.time)
            utils.append(u.util)
            prevTime = u.time
            prevUtil = u.util
        }
        let numBands = min(bandsPerSeries, util.count)
        let dur = times[times.count - 1] &- times[0]
        var bandDur = (dur &+ Int64(numBands) - 1) / Int64(numBands)
        if bandDur < 1 { bandDur = 1 }
        var s = Series(times: times, utils: utils, sums: sums, bands: [], bandDur: bandDur)
        var bands = [Band]()
        bands.reserveCapacity(numBands + 1)
        var leftPos = 0
        for i in 0...numBands {
            let (startTime, endTime) = s.bandTime(i)
            let cumUtil = s.advance(&leftPos, startTime)
            var minUtil = 1.0
            var j = leftPos
            while j < times.count && times[j] < endTime {
                minUtil = goMin(minUtil, utils[j])
                j += 1
            }
            bands.append(Band(minUtil: minUtil, cumUtil: cumUtil, pos: leftPos))
        }
        s.bands = bands
        return s
    }

    /// Go's `MMU(window)`: the minimum mean utilization over all windows of this length.
    public func mmu(window: Int64) -> Double {
        var acc = Accumulator(mmu: 1, bound: 1)
        run(window, &acc)
        return acc.mmu
    }

    /// Go's `Examples(window, n)`: up to n disjoint worst windows, by utilization then time.
    public func examples(window: Int64, count n: Int) -> [UtilWindow] {
        var acc = Accumulator(mmu: 1, bound: 1)
        acc.nWorst = n
        run(window, &acc)
        return acc.wHeap.sorted { a, b in
            a.mutatorUtil != b.mutatorUtil ? a.mutatorUtil < b.mutatorUtil : a.time < b.time
        }
    }

    /// Go's `MUD(window, quantiles)`: mutator utilization distribution quantiles.
    ///
    /// With `goCompatible` (the default) this reproduces Go 1.27 exactly, including its bug: the
    /// accumulator returns before recording the distribution when no worst windows are tracked, so
    /// the distribution stays empty and every quantile comes out as the MMU. With `goCompatible:
    /// false` the distribution is recorded as intended and the quantiles are the real ones.
    public func mud(window: Int64, quantiles: [Double], goCompatible: Bool = true) -> [Double] {
        guard var maxQ = quantiles.first else { return [] }
        for q in quantiles where q > maxQ { maxQ = q }
        var duration: Int64 = 0
        for s in series {
            let d = s.last &- s.first
            if d >= window { duration += d - window }
        }
        let qMass = Double(duration) * maxQ
        var acc = Accumulator(mmu: 1, bound: 1)
        acc.recordMUDWithoutWorst = !goCompatible
        acc.mud = MUD()
        acc.mud?.setTrackMass(qMass)
        run(window, &acc)
        var out = [Double]()
        out.reserveCapacity(quantiles.count)
        for q in quantiles {
            var mu = acc.mud?.invCumulativeSum(Double(duration) * q).0 ?? .nan
            if mu.isNaN { mu = acc.mmu }
            out.append(mu)
        }
        return out
    }

    // MARK: The search

    struct BandUtil {
        var series: Int
        var i: Int
        var utilBound: Double
    }

    private func run(_ window: Int64, _ acc: inout Accumulator) {
        if window <= 0 {
            acc.mmu = 0
            return
        }
        var bandU = [BandUtil]()
        var windows = [Int64](repeating: 0, count: series.count)
        for (i, s) in series.enumerated() {
            windows[i] = window
            let maxW = s.last &- s.first
            if window > maxW { windows[i] = maxW }
            // Go crashes on a zero-length series (window 0 indexes band -1); skip it instead.
            if windows[i] <= 0 { continue }
            s.appendBandUtil(series: i, window: windows[i], to: &bandU)
        }
        var heap = GoHeap(bandU) { $0.utilBound < $1.utilBound }
        while let top = heap.first, top.utilBound < acc.bound {
            series[top.series].bandMMU(top.i, window: windows[top.series], &acc)
            _ = heap.pop()
        }
    }
}

extension MMUCurve.Series {
    @inline(__always)
    func bandTime(_ i: Int) -> (Int64, Int64) {
        let start = Int64(i) &* bandDur &+ times[0]
        return (start, start &+ bandDur)
    }

    /// Go's `integrator.advance`: the integral from the first point to `time`; `pos` moves forward.
    @inline(__always)
    func advance(_ pos: inout Int, _ time: Int64) -> Double {
        let n = times.count
        var p = pos
        let maxSeq = 8
        if p + maxSeq < n && times[p + maxSeq] > time {
            while p + 1 < n && times[p + 1] <= time { p += 1 }
        } else {
            var l = p, r = n
            while l < r {
                let h = Int(UInt(bitPattern: l + r) >> 1)
                if times[h] <= time { l = h + 1 } else { r = h }
            }
            p = l - 1
        }
        if p < 0 { p = 0 }  // Go would index -1 here; cannot happen for monotonic use.
        pos = p
        var partial = 0.0
        if time != times[p] { partial = utils[p] * Double(time &- times[p]) }
        return sums[p] + partial
    }

    /// Go's `integrator.next`: the first change strictly after `time`.
    @inline(__always)
    func next(_ pos: Int, _ time: Int64) -> Int64 {
        var i = pos
        while i < times.count {
            if times[i] > time { return times[i] }
            i += 1
        }
        return Int64.max
    }

    /// Go's `mkBandUtil`: a lower bound of the mean utilization of windows starting in each band.
    func appendBandUtil(series: Int, window: Int64, to out: inout [MMUCurve.BandUtil]) {
        let minBands = Int((window + bandDur - 1) / bandDur)
        let maxBands = Int((window + 2 * (bandDur - 1)) / bandDur)
        let tailDur = window % bandDur
        let nUtil = max(0, bands.count - maxBands + 1)
        guard minBands >= 1 else { return }
        for i in 0..<nUtil {
            var util = 0.0
            let l = bands[i].minUtil
            let r1 = bands[i + minBands - 1].minUtil
            let r2 = bands[i + maxBands - 1].minUtil
            let minBand = goMin(l, goMin(r1, r2))
            if minBands == 1 {
                util += minBand * Double(window)
            } else {
                util += minBand * Double(bandDur)
                var midBand = 0.0
                if minBand == l {
                    midBand = goMin(r1, r2)
                } else if minBand == r1 {
                    midBand = goMin(l, r2)
                } else if minBand == r2 {
                    midBand = goMin(l, r1)
                }
                util += midBand * Double(tailDur)
            }
            if minBands > 2 {
                util += bands[i + minBands - 1].cumUtil - bands[i + 1].cumUtil
            }
            out.append(MMUCurve.BandUtil(series: series, i: i, utilBound: util / Double(window)))
        }
    }

    /// Go's `bandMMU`: the exact minimum for windows with a left edge in band `bandIdx`.
    func bandMMU(_ bandIdx: Int, window: Int64, _ acc: inout Accumulator) {
        var left = bands[bandIdx].pos
        var right = left
        var (time, endTime) = bandTime(bandIdx)
        let utilEnd = last &- window
        if utilEnd < endTime { endTime = utilEnd }
        acc.resetTime()
        let w = Double(window)
        while true {
            let r = advance(&right, time &+ window)
            let l = advance(&left, time)
            let mu = (r - l) / w
            if acc.addMU(time, mu, window) { break }
            if time == endTime { break }
            let minTime = time &+ goInt64((mu - acc.bound) * w)
            let t1 = next(left, time)
            let t2 = next(right, time &+ window) &- window
            time = t1 < t2 ? t1 : t2
            if time < minTime { time = minTime }
            if time >= endTime { time = endTime }
        }
    }
}

/// Go's `accumulator`.
struct Accumulator {
    var mmu: Double
    var bound: Double
    var nWorst = 0
    var wHeap: [UtilWindow] = []
    var mud: MUD?
    /// Fixes Go's early return that keeps MUD() from recording anything (see `MMUCurve.mud`).
    var recordMUDWithoutWorst = false
    var lastTime: Int64 = 0
    var lastMU = 0.0

    init(mmu: Double, bound: Double) {
        self.mmu = mmu
        self.bound = bound
    }

    mutating func resetTime() { lastTime = Int64.max }

    /// Go's `utilHeap.Less`: a max-heap on utilization, then time.
    @inline(__always)
    static func worstLess(_ a: UtilWindow, _ b: UtilWindow) -> Bool {
        a.mutatorUtil != b.mutatorUtil ? a.mutatorUtil > b.mutatorUtil : a.time > b.time
    }

    mutating func addMU(_ time: Int64, _ mu: Double, _ window: Int64) -> Bool {
        if mu < mmu { mmu = mu }
        bound = mmu
        if nWorst == 0 && !(recordMUDWithoutWorst && mud != nil) { return mu == 0 }

        if nWorst > 0 && (wHeap.count < nWorst || mu < wHeap[0].mutatorUtil) {
            var keep = false
            for (i, ui) in wHeap.enumerated() {
                if time &+ window > ui.time && ui.time &+ window > time {
                    if ui.mutatorUtil <= mu {
                        keep = true
                    } else {
                        GoHeap<UtilWindow>.remove(&wHeap, i, less: Self.worstLess)
                    }
                    break
                }
            }
            if !keep {
                GoHeap<UtilWindow>.push(&wHeap, UtilWindow(time: time, mutatorUtil: mu), less: Self.worstLess)
                if wHeap.count > nWorst { _ = GoHeap<UtilWindow>.pop(&wHeap, less: Self.worstLess) }
            }
        }

        if nWorst == 0 {
            // Only reachable when recording a MUD without worst windows (Go never gets here).
        } else if wHeap.count < nWorst {
            bound = 1.0
        } else {
            bound = goMax(bound, wHeap[0].mutatorUtil)
        }

        if mud != nil {
            if lastTime != Int64.max {
                mud?.add(lastMU, mu, Double(time &- lastTime))
            }
            lastTime = time
            lastMU = mu
            if let (_, upper) = mud?.approxInvCumulativeSum() {
                bound = goMax(bound, upper)
            } else {
                bound = 1
            }
            return false
        }
        return wHeap.count == nWorst && wHeap[0].mutatorUtil == 0
    }
}

/// Go's `container/heap` over an array, operation for operation (ties break as in Go).
struct GoHeap<T> {
    var items: [T]
    let less: (T, T) -> Bool

    init(_ items: [T], less: @escaping (T, T) -> Bool) {
        self.items = items
        self.less = less
        let n = self.items.count
        var i = n / 2 - 1
        while i >= 0 {
            _ = Self.down(&self.items, i, n, less)
            i -= 1
        }
    }

    var first: T? { items.first }

    mutating func pop() -> T? { items.isEmpty ? nil : Self.pop(&items, less: less) }

    static func push(_ h: inout [T], _ x: T, less: (T, T) -> Bool) {
        h.append(x)
        up(&h, h.count - 1, less)
    }

    static func pop(_ h: inout [T], less: (T, T) -> Bool) -> T {
        let n = h.count - 1
        h.swapAt(0, n)
        _ = down(&h, 0, n, less)
        return h.removeLast()
    }

    @discardableResult
    static func remove(_ h: inout [T], _ i: Int, less: (T, T) -> Bool) -> T {
        let n = h.count - 1
        if n != i {
            h.swapAt(i, n)
            if !down(&h, i, n, less) { up(&h, i, less) }
        }
        return h.removeLast()
    }

    static func up(_ h: inout [T], _ j0: Int, _ less: (T, T) -> Bool) {
        var j = j0
        while true {
            let i = (j - 1) / 2  // Swift, like Go, truncates toward zero: parent of 0 is 0
            if i == j || !less(h[j], h[i]) { break }
            h.swapAt(i, j)
            j = i
        }
    }

    static func down(_ h: inout [T], _ i0: Int, _ n: Int, _ less: (T, T) -> Bool) -> Bool {
        var i = i0
        while true {
            let j1 = 2 * i + 1
            if j1 >= n || j1 < 0 { break }
            var j = j1
            let j2 = j1 + 1
            if j2 < n && less(h[j2], h[j1]) { j = j2 }
            if !less(h[j], h[i]) { break }
            h.swapAt(i, j)
            i = j
        }
        return i > i0
    }
}

/// Go's `math.Min` (NaN and signed zeros as Go treats them).
@inline(__always) func goMin(_ x: Double, _ y: Double) -> Double {
    if x.isInfinite && x < 0 || y.isInfinite && y < 0 { return -.infinity }
    if x.isNaN || y.isNaN { return .nan }
    if x == 0 && x == y { return x.sign == .minus ? x : y }
    return x < y ? x : y
}

/// Go's `math.Max`.
@inline(__always) func goMax(_ x: Double, _ y: Double) -> Double {
    if x.isInfinite && x > 0 || y.isInfinite && y > 0 { return .infinity }
    if x.isNaN || y.isNaN { return .nan }
    if x == 0 && x == y { return x.sign == .minus ? y : x }
    return x > y ? x : y
}

/// Go's float64 → int64 conversion as amd64 does it (truncation; NaN and out-of-range give MinInt64).
@inline(__always) func goInt64(_ x: Double) -> Int64 {
    if x.isNaN || x >= 9.2233720368547758e18 || x < -9.2233720368547758e18 { return Int64.min }
    return Int64(x)
}

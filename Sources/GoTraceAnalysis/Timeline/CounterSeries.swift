import GoTrace

/// A step-function counter (one or more values that change together) stored within a fixed
/// memory bound, whatever the trace's length.
///
/// Samples are kept exactly until there are `limit` of them; then neighbouring samples are merged
/// pairwise into buckets twice as wide (each bucket keeps the maximum of every value within it and
/// the last value), as often as needed. A 50 MB trace's goroutine counter (millions of changes)
/// thus costs a few MiB instead of growing with the trace, and the viewer still sees every peak.
public struct CounterSeries: Sendable {
    /// Number of values per sample.
    public let width: Int
    /// Bucket width in ns (1 = exact samples).
    public private(set) var resolution: Int64 = 1
    /// Sample (bucket) start times, increasing.
    public private(set) var times: [Int64] = []
    /// `width` values per sample: the maximum within the bucket.
    public private(set) var maxima: [Int64] = []
    /// `width` values per sample: the value at the end of the bucket.
    public private(set) var lasts: [Int64] = []
    let limit: Int

    public init(width: Int, limit: Int = 1 << 18) {
        self.width = width
        self.limit = Swift.max(limit, 16)
    }

    public var count: Int { times.count }

    /// Records that the counter has these values from time `t` on.
    public mutating func add(_ t: Int64, _ values: (Int64, Int64, Int64)) {
        let b = resolution == 1 ? t : (t >= 0 ? t / resolution * resolution : t)
        if let last = times.last, last == b {
            let base = (times.count - 1) * width
            for k in 0..<width {
                let v = Self.value(values, k)
                if v > maxima[base + k] { maxima[base + k] = v }
                lasts[base + k] = v
            }
            return
        }
        times.append(b)
        for k in 0..<width {
            let v = Self.value(values, k)
            maxima.append(v)
            lasts.append(v)
        }
        if times.count >= limit { coarsen() }
    }

    @inline(__always)
    private static func value(_ v: (Int64, Int64, Int64), _ k: Int) -> Int64 {
        k == 0 ? v.0 : k == 1 ? v.1 : v.2
    }

    /// Doubles the bucket width, merging samples that fall into the same wider bucket.
    private mutating func coarsen() {
        resolution = resolution > Int64.max / 4 ? resolution : resolution * 2
        var w = 0
        for r in 0..<times.count {
            let b = times[r] >= 0 ? times[r] / resolution * resolution : times[r]
            if w > 0 && times[w - 1] == b {
                for k in 0..<width {
                    maxima[(w - 1) * width + k] = Swift.max(maxima[(w - 1) * width + k], maxima[r * width + k])
                    lasts[(w - 1) * width + k] = lasts[r * width + k]
                }
            } else {
                times[w] = b
                for k in 0..<width {
                    maxima[w * width + k] = maxima[r * width + k]
                    lasts[w * width + k] = lasts[r * width + k]
                }
                w += 1
            }
        }
        times.removeLast(times.count - w)
        maxima.removeLast(maxima.count - w * width)
        lasts.removeLast(lasts.count - w * width)
    }

    /// Index of the last sample at or before `t` (or -1).
    public func index(atOrBefore t: Int64) -> Int {
        var lo = 0, hi = times.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if times[mid] <= t { lo = mid + 1 } else { hi = mid }
        }
        return lo - 1
    }

    /// The series over `[t0, t1)` at `step` ns per point: each point holds, for each value, the
    /// maximum over its interval (the value in force at the interval's start included), so that
    /// no peak is lost when many changes fall into one pixel. Points that repeat the previous
    /// values are left out; the last values hold to `t1`. Before the first sample values are 0.
    public func envelope(from t0: Int64, to t1: Int64, step: Int64) -> [(time: Int64, values: [Int64])] {
        let n = times.count
        guard n > 0, t1 > t0 else { return [] }
        let step = Swift.max(step, 1)
        var out: [(time: Int64, values: [Int64])] = []
        var prev: [Int64]? = nil
        func emit(_ t: Int64, _ v: [Int64]) {
            if v != prev { out.append((time: t, values: v)); prev = v }
        }
        // i: the sample in force at t (-1: none yet).
        var i = index(atOrBefore: t0)
        var t = t0
        var vals = [Int64](repeating: 0, count: width)
        while t < t1 {
            let end = t > Int64.max - step ? Int64.max : t + step
            for k in 0..<width { vals[k] = i >= 0 ? lasts[i * width + k] : 0 }
            var j = i + 1
            while j < n && times[j] < end {
                for k in 0..<width { vals[k] = Swift.max(vals[k], maxima[j * width + k]) }
                j += 1
            }
            emit(t, vals)
            i = j - 1
            guard j < n else { break }
            // Jump over pixels without samples; the value in force there is sample i's last.
            let next = t0 &+ (times[j] &- t0) / step &* step
            if next > end {
                for k in 0..<width { vals[k] = i >= 0 ? lasts[i * width + k] : 0 }
                emit(end, vals)
                t = next
            } else {
                t = end
            }
        }
        return out
    }
}

/// Keeps the viewer's counters in `CounterSeries` (bounded memory).
struct CounterSeriesSink: CounterSink {
    var heap = CounterSeries(width: 2)
    var goroutines = CounterSeries(width: 3)
    var threads = CounterSeries(width: 1)
    var syscalls = CounterSeries(width: 1)

    mutating func heap(_ t: Int64, allocated: UInt64, goal: UInt64) {
        heap.add(t, (Int64(clamping: allocated), Int64(clamping: goal), 0))
    }
    mutating func goroutines(_ t: Int64, running: Int64, runnable: Int64, gcWaiting: Int64) {
        goroutines.add(t, (running, runnable, gcWaiting))
    }
    mutating func threads(_ t: Int64, running: Int64) { threads.add(t, (running, 0, 0)) }
    mutating func syscalls(_ t: Int64, _ n: Int64) { syscalls.add(t, (n, 0, 0)) }
}

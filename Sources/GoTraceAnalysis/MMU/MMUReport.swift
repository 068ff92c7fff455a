import Foundation
import GoTrace

/// What the /mmu page plots (Go's `traceviewer/mmu.go: HandlePlot`).
public struct MMUPlot: Sendable, Codable, Equatable {
    public var xMin: Int64
    public var xMax: Int64
    /// nil for the MMU plot; the MUD quantiles otherwise.
    public var quantiles: [Double]?
    /// Rows of `[window (ns, as Double), mmu]` or `[window, q0, q1, …]`.
    public var curve: [[Double]]

    /// The quantiles the page's "Show percentiles" uses: 0, 1−.999, 1−.99, 1−.95.
    public static let pageQuantiles: [Double] = [0, 1 - 0.999, 1 - 0.99, 1 - 0.95]

    /// Computes the page's plot: xMin from 1 s down by 1000× while MMU ≥ 0.0001, xMax = min(xMin×1e6,
    /// trace span), 100 log-spaced windows. nil when there is no utilization function.
    public static func compute(util: [[MutatorUtil]], curve c: MMUCurve, quantiles: [Double]? = nil, samples: Int = 100) -> MMUPlot? {
        let nonEmpty = util.filter { !$0.isEmpty }
        guard let first = nonEmpty.first, let f0 = first.first, let l0 = first.last else { return nil }
        var xMin: Int64 = 1_000_000_000
        while xMin > 1 {
            if c.mmu(window: xMin) < 0.0001 { break }
            xMin /= 1000
        }
        var xMax = xMin &* 1_000_000
        var minEvent = f0.time, maxEvent = l0.time
        for u in nonEmpty.dropFirst() {
            if let f = u.first, f.time < minEvent { minEvent = f.time }
            if let l = u.last, l.time > maxEvent { maxEvent = l.time }
        }
        let maxMax = maxEvent &- minEvent
        if xMax > maxMax { xMax = maxMax }
        let logMin = log(Double(xMin)), logMax = log(Double(xMax))
        var rows = [[Double]]()
        rows.reserveCapacity(samples)
        for i in 0..<samples {
            let window = goInt64(exp(Double(i) / Double(samples - 1) * (logMax - logMin) + logMin))
            if let q = quantiles {
                rows.append([Double(window)] + c.mud(window: window, quantiles: q))
            } else {
                rows.append([Double(window), c.mmu(window: window)])
            }
        }
        return MMUPlot(xMin: xMin, xMax: xMax, quantiles: quantiles, curve: rows)
    }
}

/// MMU of a trace for one flag set, summarised for people and tools (`gotrace mmu`).
public struct MMUReport: Sendable, Codable {
    public struct Point: Sendable, Codable {
        /// Window length, ns.
        public var window: Int64
        /// Minimum mutator utilization over all windows of that length.
        public var mmu: Double
        /// Mutator utilization distribution at `MMUReport.quantiles`: the real distribution
        /// (Go's algorithm with its recording bug fixed; see `MMUCurve.mud`).
        public var mud: [Double]
        /// What Go 1.27's `MUD` returns for the same quantiles (always the MMU, Go's bug).
        public var goMUD: [Double]
    }

    public struct Worst: Sendable, Codable {
        public var window: Int64
        /// Disjoint worst windows, worst first; `time` is absolute (trace clock).
        public var windows: [UtilWindow]
    }

    public var flags: String
    public var flagBits: Int
    /// Trace start (first event) and span of the utilization functions, ns.
    public var startTime: Int64
    public var duration: Int64
    public var series: Int
    public var quantiles: [Double]
    public var curve: [Point]
    public var worst: [Worst]

    /// Windows 1, 2, 5 × 10^k ns from 1 µs up to (and including) `duration`.
    public static func logWindows(upTo duration: Int64) -> [Int64] {
        var out: [Int64] = []
        var decade: Int64 = 1_000
        outer: while true {
            for m: Int64 in [1, 2, 5] {
                let (w, o) = decade.multipliedReportingOverflow(by: m)
                if o || w >= duration { break outer }
                out.append(w)
            }
            let (d, o) = decade.multipliedReportingOverflow(by: 10)
            if o { break }
            decade = d
        }
        if duration > 0 { out.append(duration) }
        return out
    }

    /// Computes the report: MMU and MUD at `windows` (default `logWindows`), and the `examples`
    /// worst windows for each of `exampleWindows` (default: the given windows if explicit, else 1 ms
    /// or the duration if shorter).
    public static func compute(_ trace: Trace, flags: UtilFlags, windows: [Int64]? = nil, exampleWindows: [Int64]? = nil,
                               examples: Int = 10, quantiles: [Double] = MMUPlot.pageQuantiles) -> MMUReport {
        let util = MutatorUtilizationBuilder.compute(trace, flags: flags)
        return compute(util: util, startTime: trace.events.event(at: 0)?.time ?? 0, flags: flags, windows: windows,
                       exampleWindows: exampleWindows, examples: examples, quantiles: quantiles)
    }

    public static func compute(util: [[MutatorUtil]], startTime: Int64, flags: UtilFlags, windows: [Int64]? = nil,
                               exampleWindows: [Int64]? = nil, examples: Int = 10,
                               quantiles: [Double] = MMUPlot.pageQuantiles) -> MMUReport {
        let curve = MMUCurve(util)
        var lo = Int64.max, hi = Int64.min
        for u in util {
            if let f = u.first { lo = min(lo, f.time) }
            if let l = u.last { hi = max(hi, l.time) }
        }
        let duration = lo <= hi ? hi - lo : 0
        let ws = windows ?? logWindows(upTo: duration)
        let points = ws.map { w in
            Point(window: w, mmu: curve.mmu(window: w), mud: curve.mud(window: w, quantiles: quantiles, goCompatible: false),
                  goMUD: curve.mud(window: w, quantiles: quantiles))
        }
        let ex = exampleWindows ?? (windows ?? [min(1_000_000, max(duration, 1))])
        let worst = ex.map { w in Worst(window: w, windows: curve.examples(window: w, count: examples)) }
        return MMUReport(flags: flags.description, flagBits: flags.rawValue, startTime: startTime, duration: duration,
                         series: curve.seriesCount, quantiles: quantiles, curve: points, worst: worst)
    }
}

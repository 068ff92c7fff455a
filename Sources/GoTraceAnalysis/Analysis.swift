import GoTrace

/// Shared conventions of the analyses.
///
/// Every analysis reads a loaded `Trace` (Go's partial-trace policy already applied: events up
/// to the last complete generation) and walks `trace.events` once, in order. Times are
/// nanoseconds on the trace clock; durations are `Int64` nanoseconds, as Go's `time.Duration`.
public enum Analysis {
    /// Go's `time.Duration.String()` formatting of nanoseconds (e.g. "1.5ms", "2m3.4s", "0s").
    public static func goDuration(_ ns: Int64) -> String {
        if ns == 0 { return "0s" }
        var u = UInt64(ns.magnitude)
        let neg = ns < 0
        if u < 1_000_000_000 {
            // ns, µs, ms with a fraction.
            let (unit, div): (String, UInt64) = u < 1_000 ? ("ns", 1) : u < 1_000_000 ? ("µs", 1_000) : ("ms", 1_000_000)
            let s = fraction(u, div) + unit
            return neg ? "-" + s : s
        }
        var out = ""
        let h = u / 3_600_000_000_000
        u -= h * 3_600_000_000_000
        let m = u / 60_000_000_000
        u -= m * 60_000_000_000
        if h > 0 { out += "\(h)h" }
        if h > 0 || m > 0 { out += "\(m)m" }
        out += fraction(u, 1_000_000_000) + "s"
        return neg ? "-" + out : out
    }

    private static func fraction(_ v: UInt64, _ div: UInt64) -> String {
        let whole = v / div
        var frac = v % div
        if frac == 0 { return "\(whole)" }
        var digits = 0
        var d = div
        while d > 1 { d /= 10; digits += 1 }
        var s = String(frac)
        s = String(repeating: "0", count: digits - s.count) + s
        while s.hasSuffix("0") { s.removeLast(); frac /= 10 }
        return "\(whole).\(s)"
    }
}

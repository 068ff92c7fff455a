import Foundation

/// Go's `traceviewer.TimeHistogram`: a log-scale histogram of durations, five buckets per power
/// of ten (bucket `b` holds durations from `bucketMin(b)` up to `bucketMin(b + 1)`).
public struct TimeHistogram: Sendable, Equatable, Codable {
    public private(set) var count = 0
    /// Counts by bucket index (grown as needed).
    public private(set) var buckets: [Int] = []
    /// Lowest and highest non-empty buckets, as Go tracks them (`minBucket` is only lowered, or
    /// reset while `maxBucket` is 0).
    public private(set) var minBucket = 0
    public private(set) var maxBucket = 0

    public init() {}

    static let logDiv = log(pow(10.0, 1.0 / 5))

    public static func bucket(of d: Int64) -> Int {
        d > 0 ? Int(log(Double(d)) / logDiv) : 0
    }

    /// Go's `BucketMin`: the smallest duration of bucket `b` (truncated to whole nanoseconds).
    public static func bucketMin(_ b: Int) -> Int64 {
        Int64(exp(Double(b) * logDiv))
    }

    public mutating func add(_ d: Int64) {
        let b = TimeHistogram.bucket(of: d)
        if buckets.count <= b { buckets.append(contentsOf: repeatElement(0, count: b - buckets.count + 1)) }
        buckets[b] += 1
        if b < minBucket || maxBucket == 0 { minBucket = b }
        if b > maxBucket { maxBucket = b }
        count += 1
    }

    /// The rows Go's page shows: buckets `minBucket...maxBucket` with their lower bounds and counts.
    public var rows: [(bucket: Int, min: Int64, count: Int)] {
        guard count > 0 else { return [] }
        return (minBucket...maxBucket).map { ($0, TimeHistogram.bucketMin($0), $0 < buckets.count ? buckets[$0] : 0) }
    }
}

import GoTrace

/// How a goroutine (or a region of it) spent its time: Go's `GoroutineExecStats`.
///
/// `execTime`, `schedWaitTime`, `blockTimeByReason`, `syscallTime` and `syscallBlockTime` do not
/// overlap; `totalTime` and `rangeTime` overlap them. All values are nanoseconds.
public struct ExecStats: Sendable, Equatable, Codable {
    public var execTime: Int64 = 0
    public var schedWaitTime: Int64 = 0
    /// Time blocked, by the exact block reason ("" for a goroutine already waiting at trace start,
    /// a v1 plain block or a coroutine switch). Keys with a zero value are kept, as Go keeps them.
    public var blockTimeByReason: [String: Int64] = [:]
    public var syscallTime: Int64 = 0
    public var syscallBlockTime: Int64 = 0
    /// The goroutine's presence in the trace (region: the region's share of it).
    public var totalTime: Int64 = 0
    /// Time in ranges ("GC mark assist", "GC incremental sweep", "stop-the-world (…)").
    public var rangeTime: [String: Int64] = [:]

    public init() {}

    /// Time in none of the non-overlapping categories (Go's `UnknownTime`, never negative).
    public var unknownTime: Int64 {
        var sum = execTime &+ schedWaitTime &+ syscallTime &+ syscallBlockTime
        for v in blockTimeByReason.values { sum &+= v }
        return sum < totalTime ? totalTime - sum : 0
    }

    /// Sum of the range times.
    public var totalRangeTime: Int64 { rangeTime.values.reduce(0, &+) }

    /// Go's `NonOverlappingStats`: the columns of the goroutine and region pages, by their exact
    /// names ("Execution time", "Sched wait time", "Syscall execution time",
    /// "Block time (syscall)", "Unknown time", "Block time (<reason>)").
    public var nonOverlapping: [String: Int64] {
        var s: [String: Int64] = [
            ExecStats.execName: execTime,
            "Sched wait time": schedWaitTime,
            "Syscall execution time": syscallTime,
            "Block time (syscall)": syscallBlockTime,
            "Unknown time": unknownTime,
        ]
        for (reason, v) in blockTimeByReason { s["Block time (" + reason + ")", default: 0] &+= v }
        return s
    }

    public static let execName = "Execution time"

    /// Go's column order for non-overlapping stat names: "Execution time" first, then byte-wise.
    public static func columnOrder(_ a: String, _ b: String) -> Bool {
        if a == b { return false }
        if a == execName { return true }
        if b == execName { return false }
        return Array(a.utf8).lexicographicallyPrecedes(Array(b.utf8))
    }
}

/// A duration keyed by a small integer (a string ID or a range-name index): the summarizer's
/// allocation-free stand-in for Go's per-goroutine maps.
struct KeyedTime: Sendable {
    var key: UInt32
    var ns: Int64
}

extension Array where Element == KeyedTime {
    @inline(__always) func value(_ key: UInt32) -> Int64? {
        for e in self where e.key == key { return e.ns }
        return nil
    }

    @inline(__always) mutating func add(_ key: UInt32, _ ns: Int64) {
        for i in indices where self[i].key == key {
            self[i].ns &+= ns
            return
        }
        append(KeyedTime(key: key, ns: ns))
    }

    @inline(__always) mutating func set(_ key: UInt32, _ ns: Int64) {
        for i in indices where self[i].key == key {
            self[i].ns = ns
            return
        }
        append(KeyedTime(key: key, ns: ns))
    }

    @inline(__always) mutating func remove(_ key: UInt32) {
        if let i = firstIndex(where: { $0.key == key }) { remove(at: i) }
    }
}

/// `ExecStats` while summarizing: block reasons keyed by global string ID, ranges by the
/// summarizer's range-name index.
struct RawStats: Sendable {
    var exec: Int64 = 0
    var sched: Int64 = 0
    var syscall: Int64 = 0
    var syscallBlock: Int64 = 0
    var total: Int64 = 0
    var block: [KeyedTime] = []
    var ranges: [KeyedTime] = []

    /// Go's `sub`: field-wise `self − v`, over the keys of `self`.
    func sub(_ v: RawStats) -> RawStats {
        var r = self
        r.exec &-= v.exec
        r.sched &-= v.sched
        r.syscall &-= v.syscall
        r.syscallBlock &-= v.syscallBlock
        r.total &-= v.total
        for i in r.block.indices { r.block[i].ns &-= v.block.value(r.block[i].key) ?? 0 }
        for i in r.ranges.indices { r.ranges[i].ns &-= v.ranges.value(r.ranges[i].key) ?? 0 }
        return r
    }

    func resolved(tables: TraceTables, rangeNames: [String]) -> ExecStats {
        var s = ExecStats()
        s.execTime = exec
        s.schedWaitTime = sched
        s.syscallTime = syscall
        s.syscallBlockTime = syscallBlock
        s.totalTime = total
        for e in block { s.blockTimeByReason[tables.string(e.key), default: 0] &+= e.ns }
        for e in ranges where Int(e.key) < rangeNames.count { s.rangeTime[rangeNames[Int(e.key)], default: 0] &+= e.ns }
        return s
    }
}

import Synchronization
import GoTrace

/// Why a goroutine's execution slice ended.
public enum SliceEnd: UInt8, Sendable, CustomStringConvertible {
    /// Running → Runnable (preempted, `runtime.Gosched`; the reason says which).
    case stopped = 0
    /// Running → Waiting (the reason says on what).
    case blocked
    /// Its proc was taken away while it was in a syscall.
    case syscallLostProc
    /// Running/Syscall → NotExist.
    case exited
    /// Still running when the trace ended.
    case traceEnd
    /// Syscall → Runnable or Waiting while it still held its proc.
    case syscallEnded

    public var description: String {
        ["stopped", "blocked", "syscall (proc lost)", "exited", "trace end", "syscall ended"][Int(rawValue)]
    }
}

/// How a goroutine became runnable before an execution slice.
public enum WakeKind: UInt8, Sendable, CustomStringConvertible {
    /// Nothing made it runnable within the trace (it was already running or runnable at the start).
    case none = 0
    /// Created by a `go` statement.
    case created
    /// Unblocked by another goroutine (channel, mutex, ...).
    case unblocked
    /// Unblocked by the network poller.
    case network
    /// Returned from a syscall that had lost its proc.
    case syscallReturn
    /// Stopped (preempted or yielded) and runnable again at once.
    case stopped
    /// Woken after `time.Sleep` (a timer).
    case timer

    public var description: String {
        ["none", "go", "unblock", "network", "exit blocked syscall", "preempted", "timer"][Int(rawValue)]
    }
}

/// Kinds of runtime work drawn on a proc's second row.
public enum WorkKind: UInt8, Sendable, CustomStringConvertible {
    case syscall = 0, markAssist, sweep, stopTheWorld
    public var description: String { ["syscall", "GC mark assist", "GC incremental sweep", "stop-the-world"][Int(rawValue)] }
}

/// Everything the timeline draws, indexed for "this window at this many pixels" queries.
///
/// The unit is the execution slice: one stretch of a goroutine running on a proc, from the event
/// that starts it to the event that stops it. Slices live in columns (struct of arrays) in order of
/// their start; procs, threads and goroutines index them through compressed lists (CSR), so a
/// slice costs about 60 bytes however it is viewed. Times are absolute trace nanoseconds.
public final class TimelineModel: @unchecked Sendable {
    public let tables: TraceTables
    public internal(set) var traceStart: Int64 = 0
    public internal(set) var traceEnd: Int64 = 0

    // MARK: Execution slices (columns, in start order)

    /// Start of each slice (the column the level-of-detail queries search).
    public internal(set) var sliceStart: [Int64] = []
    /// Duration, ns; `UInt32.max` means "see `longDurations`".
    var sliceDur: [UInt32] = []
    /// Everything else about a slice, packed (32 bytes).
    var sliceInfo: [SliceInfo] = []
    /// Durations and runnable-waits that do not fit 32 bits (rare: > 4.29 s).
    var longDurations: [Int: Int64] = [:]
    var longReady: [Int: Int64] = [:]

    public var sliceCount: Int { sliceStart.count }

    @inline(__always) public func sliceEnd(_ i: Int) -> Int64 {
        let d = sliceDur[i]
        return sliceStart[i] &+ (d == UInt32.max ? longDurations[i] ?? 0 : Int64(d))
    }
    /// When the goroutine became runnable before the slice (= start when unknown).
    @inline(__always) public func sliceReady(_ i: Int) -> Int64 {
        let d = sliceInfo[i].readyDelta
        return sliceStart[i] &- (d == UInt32.max ? longReady[i] ?? 0 : Int64(d))
    }
    /// Dense goroutine index (see `goroutineIDs`).
    @inline(__always) public func sliceG(_ i: Int) -> UInt32 { sliceInfo[i].g }
    /// Dense proc index, or -1.
    @inline(__always) public func sliceProc(_ i: Int) -> Int { Int(sliceInfo[i].proc) }
    /// Dense thread index, or -1.
    @inline(__always) public func sliceThread(_ i: Int) -> Int { sliceInfo[i].thread == UInt16.max ? -1 : Int(sliceInfo[i].thread) }
    /// `SliceEnd` raw value in the low 4 bits, `WakeKind` in the next 4, reason string ID above.
    @inline(__always) public func sliceEndInfo(_ i: Int) -> UInt32 { sliceInfo[i].info }
    /// Stack of the event that ended the slice (0 = none).
    @inline(__always) public func sliceEndStack(_ i: Int) -> UInt32 { sliceInfo[i].endStack }
    /// Dense index of the goroutine that made it runnable, or `UInt32.max`.
    @inline(__always) public func sliceWaker(_ i: Int) -> UInt32 { sliceInfo[i].waker }
    /// Dense proc where that happened: the waker's proc at that time, or -1.
    public func sliceWakerProc(_ i: Int) -> Int {
        let w = sliceInfo[i].waker
        guard w != UInt32.max, let ws = slice(ofGoroutine: Int(w), at: sliceReady(i)), sliceEnd(ws) >= sliceReady(i) else { return -1 }
        return sliceProc(ws)
    }
    @inline(__always) public func sliceWakeKind(_ i: Int) -> UInt8 { UInt8(truncatingIfNeeded: (sliceInfo[i].info >> 4) & 15) }
    /// Stack of the waking event (the unblock or `go` statement).
    @inline(__always) public func sliceWakeStack(_ i: Int) -> UInt32 { sliceInfo[i].wakeStack }

    // MARK: User annotations (for the timeline; the analyses have Go's exact summaries)

    public internal(set) var regions: [TimelineRegion] = []
    public internal(set) var tasks: [TimelineTask] = []
    var taskIndex: [UInt64: Int] = [:]
    public func task(id: UInt64) -> TimelineTask? { taskIndex[id].map { tasks[$0] } }

    // MARK: Resources

    /// Goroutine IDs by dense index, and per goroutine what the timeline names it by.
    public internal(set) var goroutineIDs: [Int64] = []
    /// String ID of the goroutine's start function (0 = unknown yet).
    public internal(set) var goroutineFunc: [UInt32] = []
    /// String ID of the goroutine's label (Go 1.22+ `GoLabel`), 0 = none.
    public internal(set) var goroutineLabel: [UInt32] = []
    public internal(set) var goroutineCreated: [Int64] = []
    /// Stack of the `go` statement that created it, and its own start stack.
    public internal(set) var goroutineCreateStack: [UInt32] = []
    public internal(set) var goroutineStartStack: [UInt32] = []
    /// Dense index of the creator, or `UInt32.max`.
    public internal(set) var goroutineCreator: [UInt32] = []
    public internal(set) var goroutineEnded: [Int64] = []
    var goroutineIndex = GoroutineMap<Int32>(empty: -1)

    public internal(set) var procIDs: [Int64] = []
    var procIndex = GoroutineMap<Int32>(empty: -1)
    public internal(set) var threadIDs: [Int64] = []
    var threadIndex = GoroutineMap<Int32>(empty: -1)

    /// CSR lists of slice indices per proc, per goroutine (in start order).
    public internal(set) var procSlices = CSR()
    public internal(set) var goroutineSlices = CSR()
    /// Per thread: slice indices, and `sliceCount + k` for extension span k. Built on first use
    /// (the thread view), so that a session that never shows threads does not pay for it.
    public var threadSlices: CSR { threadRows.slices }
    var threadBusy: [[Int64]] { threadRows.busy }
    private let threadRowsCache = Mutex<ThreadRows?>(nil)
    struct ThreadRows: Sendable {
        var slices: CSR
        var busy: [[Int64]]
    }
    /// Busy-time prefix sums, every `busyStride` entries of each proc's list.
    var procBusy: [[Int64]] = []
    static let busyStride = 16

    /// Stretches in which a goroutine kept a thread after losing its proc in a syscall.
    public internal(set) var extStart: [Int64] = []
    public internal(set) var extEnd: [Int64] = []
    public internal(set) var extG: [UInt32] = []
    public internal(set) var extThread: [Int32] = []

    // MARK: Runtime work, lanes, instants, counters

    /// Per proc: syscalls, mark assists, sweeps, stop-the-world pauses (sorted by start).
    public internal(set) var work: [SpanList] = []
    /// GC mark phases (label = 0) and STW pauses (label = kind string ID).
    public internal(set) var gcLane = SpanList()
    public internal(set) var stwLane = SpanList()
    /// Goroutines made runnable by the network poller, timers, and blocked-syscall returns
    /// (label = dense goroutine index).
    public internal(set) var networkLane = InstantList()
    public internal(set) var timerLane = InstantList()
    public internal(set) var syscallLane = InstantList()
    /// CPU profile samples per proc (label = stack ID).
    public internal(set) var cpuSamples: [InstantList] = []
    public internal(set) var cpuSampleCount = 0
    /// User logs, and the same as a lane (label = index into `logs`).
    public internal(set) var logs: [TimelineLog] = []
    public internal(set) var logLane = InstantList()

    public internal(set) var heap = CounterSeries(width: 2)
    public internal(set) var goroutineCounts = CounterSeries(width: 3)
    public internal(set) var threadCounts = CounterSeries(width: 1)
    public internal(set) var syscallCounts = CounterSeries(width: 1)

    init(tables: TraceTables) { self.tables = tables }

    private var threadRows: ThreadRows {
        threadRowsCache.withLock { cached in
            if let cached { return cached }
            let n = sliceCount
            var threads = CSR.build(rows: threadIDs.count, count: n + extStart.count) {
                $0 < n ? self.sliceThread($0) : Int(self.extThread[$0 - n])
            }
            if !extStart.isEmpty {
                // Each row lists its slices, then its extension spans, both in start order: merge
                // the two runs into one (linear, unlike a sort).
                var merged: [UInt32] = []
                for r in 0..<threads.rows {
                    let lo = Int(threads.offsets[r]), hi = Int(threads.offsets[r + 1])
                    var mid = lo
                    while mid < hi && Int(threads.items[mid]) < n { mid += 1 }
                    guard mid > lo && mid < hi else { continue }
                    merged.removeAll(keepingCapacity: true)
                    var a = lo, b = mid
                    while a < mid || b < hi {
                        if b >= hi || (a < mid && self.start(ofThreadItem: Int(threads.items[a])) <= self.start(ofThreadItem: Int(threads.items[b]))) {
                            merged.append(threads.items[a]); a += 1
                        } else {
                            merged.append(threads.items[b]); b += 1
                        }
                    }
                    threads.items.replaceSubrange(lo..<hi, with: merged)
                }
            }
            let rows = ThreadRows(slices: threads, busy: (0..<threads.rows).map { busyPrefix(items: threads.row($0), thread: true) })
            cached = rows
            return rows
        }
    }

    // MARK: Lookups

    public func goroutineIndex(of id: Int64) -> Int? { let d = goroutineIndex[id]; return d >= 0 ? Int(d) : nil }
    public func procIndex(of id: Int64) -> Int? { let d = procIndex[id]; return d >= 0 ? Int(d) : nil }
    public func threadIndex(of id: Int64) -> Int? { let d = threadIndex[id]; return d >= 0 ? Int(d) : nil }

    /// "G12 main.worker" (plus " (label)"), as go tool trace names goroutines.
    public func goroutineName(_ g: Int) -> String {
        guard g >= 0, g < goroutineIDs.count else { return "" }
        var s = "G\(goroutineIDs[g])"
        let f = tables.string(goroutineFunc[g])
        if !f.isEmpty { s += " " + f }
        let l = tables.string(goroutineLabel[g])
        if !l.isEmpty { s += " (" + l + ")" }
        return s
    }

    public func startFunction(_ g: Int) -> String {
        guard g >= 0, g < goroutineFunc.count else { return "" }
        return tables.string(goroutineFunc[g])
    }

    public func endKind(ofSlice i: Int) -> SliceEnd { SliceEnd(rawValue: UInt8(truncatingIfNeeded: sliceEndInfo(i) & 15)) ?? .stopped }
    public func endReason(ofSlice i: Int) -> String { tables.string(sliceEndInfo(i) >> 8) }
    public func wakeKind(ofSlice i: Int) -> WakeKind { WakeKind(rawValue: sliceWakeKind(i)) ?? .none }

    /// Approximate resident bytes of the model's parts.
    public var memoryBreakdown: [(String, Int)] {
        [("slices", sliceStart.count * 8 + sliceDur.count * 4 + sliceInfo.count * MemoryLayout<SliceInfo>.stride),
         ("rows", procSlices.residentBytes + goroutineSlices.residentBytes + (threadRowsCache.withLock { $0?.slices.residentBytes } ?? 0)),
         ("goroutines", goroutineIDs.capacity * (8 * 3 + 4 * 5)),
         ("work", work.reduce(0) { $0 + $1.residentBytes }),
         ("ext", extStart.capacity * 24),
         ("counters", [heap, goroutineCounts, threadCounts, syscallCounts].reduce(0) { $0 + $1.times.capacity * 8 * (1 + 2 * $1.width) }),
         ("lanes", gcLane.residentBytes + stwLane.residentBytes + networkLane.residentBytes + timerLane.residentBytes + syscallLane.residentBytes)]
    }

    /// Approximate resident bytes of the model.
    public var residentBytes: Int {
        var n = sliceStart.count * 8 + sliceDur.count * 4 + sliceInfo.count * MemoryLayout<SliceInfo>.stride
        n += procSlices.residentBytes + goroutineSlices.residentBytes + (threadRowsCache.withLock { $0?.slices.residentBytes } ?? 0)
        n += procBusy.reduce(0) { $0 + $1.capacity * 8 }
        n += goroutineIDs.capacity * (8 * 3 + 4 * 5)
        n += extStart.capacity * 24
        n += work.reduce(0) { $0 + $1.residentBytes }
        n += gcLane.residentBytes + stwLane.residentBytes
        n += networkLane.residentBytes + timerLane.residentBytes + syscallLane.residentBytes
        n += cpuSamples.reduce(0) { $0 + $1.residentBytes }
        for c in [heap, goroutineCounts, threadCounts, syscallCounts] { n += c.times.capacity * 8 * (1 + 2 * c.width) }
        return n
    }
}

/// The packed per-slice record (all but start and duration): 28 bytes.
struct SliceInfo {
    var g: UInt32
    var waker: UInt32
    /// `SliceEnd` (4 bits), `WakeKind` (4 bits), end reason string ID (24 bits, 0 if larger).
    var info: UInt32
    var endStack: UInt32
    var wakeStack: UInt32
    /// start − ready, ns; `UInt32.max` means "see `longReady`".
    var readyDelta: UInt32
    /// Dense thread, `UInt16.max` = none.
    var thread: UInt16
    var proc: Int16
}

/// A user region as the timeline draws it.
public struct TimelineRegion: Sendable {
    public var start: Int64
    public var end: Int64
    public var goroutine: UInt32
    public var task: UInt64
    public var name: UInt32
    public var startStack: UInt32
    public var endStack: UInt32
}

/// A user task as the timeline draws it.
public struct TimelineTask: Sendable {
    public var id: UInt64
    public var parent: UInt64
    public var name: UInt32
    /// `Int64.min` when it began before the trace / did not end within it.
    public var start: Int64
    public var end: Int64
    public var children: [UInt64]
    /// Dense goroutines that began or ended it, or had regions or logs in it.
    public var goroutines: [UInt32]
}

/// A user log event on the timeline.
public struct TimelineLog: Sendable {
    public var time: Int64
    public var goroutine: UInt32
    public var proc: Int32
    public var task: UInt64
    public var category: UInt32
    public var message: UInt32
    public var stack: UInt32
}

/// Spans with a label and a kind, kept sorted by start.
public struct SpanList: Sendable {
    public internal(set) var starts: [Int64] = []
    public internal(set) var ends: [Int64] = []
    public internal(set) var labels: [UInt32] = []
    public internal(set) var kinds: [UInt8] = []
    public internal(set) var stacks: [UInt32] = []

    public var count: Int { starts.count }

    mutating func append(_ s: Int64, _ e: Int64, label: UInt32, kind: UInt8, stack: UInt32 = 0) {
        starts.append(s)
        ends.append(Swift.max(e, s))
        labels.append(label)
        kinds.append(kind)
        stacks.append(stack)
    }

    /// Sorts by start (stable) if appends came out of order.
    mutating func sortByStart() {
        var sorted = true
        for i in 1..<Swift.max(starts.count, 1) where starts[i] < starts[i - 1] { sorted = false; break }
        if sorted { return }
        let order = starts.indices.sorted { starts[$0] != starts[$1] ? starts[$0] < starts[$1] : $0 < $1 }
        starts = order.map { starts[$0] }
        ends = order.map { ends[$0] }
        labels = order.map { labels[$0] }
        kinds = order.map { kinds[$0] }
        stacks = order.map { stacks[$0] }
    }

    var residentBytes: Int { starts.capacity * 8 + ends.capacity * 8 + labels.capacity * 4 + kinds.capacity + stacks.capacity * 4 }
}

/// Points in time with a label, sorted by time.
public struct InstantList: Sendable {
    public internal(set) var times: [Int64] = []
    public internal(set) var labels: [UInt32] = []
    public var count: Int { times.count }

    mutating func append(_ t: Int64, _ label: UInt32) {
        times.append(t)
        labels.append(label)
    }

    /// Index of the first instant at or after `t`.
    public func lowerBound(_ t: Int64) -> Int {
        var lo = 0, hi = times.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if times[mid] < t { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    var residentBytes: Int { times.capacity * 8 + labels.capacity * 4 }
}

/// Compressed rows of indices: row `r` is `items[offsets[r] ..< offsets[r + 1]]`.
public struct CSR: Sendable {
    public internal(set) var offsets: [UInt32] = [0]
    public internal(set) var items: [UInt32] = []
    public var rows: Int { offsets.count - 1 }

    public func row(_ r: Int) -> ArraySlice<UInt32> {
        guard r >= 0, r < rows else { return [] }
        return items[Int(offsets[r])..<Int(offsets[r + 1])]
    }

    /// Buckets `keys` (one per item, -1 = none) into `rows` rows, keeping item order.
    static func build(rows: Int, count: Int, key: (Int) -> Int) -> CSR {
        var c = CSR()
        var counts = [Int](repeating: 0, count: rows + 1)
        for i in 0..<count {
            let k = key(i)
            if k >= 0 && k < rows { counts[k + 1] += 1 }
        }
        for r in 0..<rows { counts[r + 1] += counts[r] }
        c.offsets = counts.map { UInt32(truncatingIfNeeded: $0) }
        var fill = counts
        c.items = [UInt32](repeating: 0, count: counts[rows])
        for i in 0..<count {
            let k = key(i)
            if k >= 0 && k < rows {
                c.items[fill[k]] = UInt32(truncatingIfNeeded: i)
                fill[k] += 1
            }
        }
        return c
    }

    var residentBytes: Int { offsets.capacity * 4 + items.capacity * 4 }
}

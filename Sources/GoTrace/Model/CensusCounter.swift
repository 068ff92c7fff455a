/// The counting behind `EventCensus`, in raw memory (the IDs seen in `IDSet`s): the loader counts
/// the events it stores with it, and the streamed summary (`TraceSummary.stream`) counts each generation on the thread that
/// orders it, so that a generation ordered ahead on the second core is counted there and never
/// handed over (packing an event for the stream and replaying it cost some 26 ns of the 65 a run
/// takes). Also keeps where the stream's time fix would leave the last time if the events were
/// all there were (`fixedLast`), which is what the stream needs to go on fixing times after a
/// generation counted elsewhere.
final class CensusCounter {
    /// Events of each wire type (index = type, 255 = Sync).
    let typeCounts: UnsafeMutablePointer<Int>
    private(set) var events = 0
    private(set) var firstTime: Int64 = 0
    private(set) var lastTime: Int64 = 0
    /// The last time after Go's fix of times that do not increase (each made the one before + 1),
    /// starting from no time at all: for events after a last time `l`, the fix ends at
    /// `max(fixedLast, l + events)`.
    private(set) var fixedLast = Int64.min
    /// Whether an event had an ID its generation does not define (a run with one is not used:
    /// the stream orders that generation itself, to report Go's error where Go does).
    private(set) var sawBadID = false
    /// The IDs seen (see `IDSet`: a busy trace creates a goroutine every few dozen events and
    /// changes threads every few).
    private var goroutines = IDSet()
    private var procs = IDSet()
    private var threads = IDSet()
    /// The threads seen last, by their low bits: a trace has a handful, and the events come from
    /// one and then another, so nearly every event's thread is here and needs no set lookup.
    private let recentThreads: UnsafeMutablePointer<Int64>

    init() {
        typeCounts = .allocate(capacity: 256)
        typeCounts.initialize(repeating: 0, count: 256)
        recentThreads = .allocate(capacity: 16)
        recentThreads.initialize(repeating: -1, count: 16)
    }

    deinit {
        typeCounts.deallocate()
        recentThreads.deallocate()
    }

    /// Counts one event (`bad`: its unresolved-ID mask, as the ordering gives it).
    @inline(__always) func append(_ e: UnsafePointer<Event>, bad: UInt8) {
        let t = e.pointee.time
        if events == 0 { firstTime = t }
        lastTime = t
        fixedLast = t > fixedLast ? t : fixedLast &+ 1
        events &+= 1
        typeCounts[Int(e.pointee.type)] &+= 1
        if bad != 0 { sawBadID = true }
        let m = e.pointee.thread
        let slot = recentThreads + Int(truncatingIfNeeded: m & 15)
        if slot.pointee != m {
            slot.pointee = m
            if m >= 0 { threads.insert(m) }
        }
        switch e.pointee.type {
        case Wire.goCreate, Wire.goCreateBlocked, Wire.goCreateSyscall, Wire.goStatus, Wire.goStatusStack:
            goroutines.insert(Int64(bitPattern: e.pointee.a0))
        case Wire.procStatus, Wire.procStart:
            procs.insert(Int64(bitPattern: e.pointee.a0))
        default:
            break
        }
    }

    /// Counts `n` events at `events` (the stream's batches: one call a batch, the counting
    /// inlined in its loop; called per event, it was a call per event).
    func append(_ events: UnsafePointer<Event>, count n: Int) {
        for i in 0..<n { append(events + i, bad: 0) }
    }

    /// Adds another counter's events. `times`: whether its first and last times count too (not
    /// for a generation counted on another thread, whose times are as ordered, before the
    /// stream's fix).
    func merge(_ o: CensusCounter, times: Bool) {
        guard o.events > 0 else { return }
        if times {
            if events == 0 { firstTime = o.firstTime }
            lastTime = o.lastTime
        }
        events &+= o.events
        for i in 0..<256 { typeCounts[i] &+= o.typeCounts[i] }
        goroutines.formUnion(o.goroutines)
        procs.formUnion(o.procs)
        threads.formUnion(o.threads)
        sawBadID = sawBadID || o.sawBadID
    }

    /// Back to no events.
    func reset() {
        events = 0
        firstTime = 0
        lastTime = 0
        fixedLast = .min
        sawBadID = false
        typeCounts.update(repeating: 0, count: 256)
        goroutines = IDSet()
        procs = IDSet()
        threads = IDSet()
        recentThreads.update(repeating: -1, count: 16)
    }

    /// The counts.
    var totals: EventCensus {
        EventCensus(typeCounts: Array(UnsafeBufferPointer(start: typeCounts, count: 256)), events: events,
                    firstTime: firstTime, lastTime: lastTime, goroutines: goroutines.count, procs: procs.count,
                    threads: threads.count)
    }
}

/// Reads a trace of any version as Go's ordered event stream, one event at a time.
///
/// Memory stays bounded by one generation (v2); v1 traces (Go ≤ 1.21) have no generations and
/// are parsed whole before the first event, as Go does. Events refer to strings and stacks in
/// `tables`, which grows as generations are read.
///
/// ```swift
/// let reader = try TraceReader(path: "trace.out")
/// while let ev = try reader.next() { ... }
/// ```
public final class TraceReader {
    public let bytes: TraceBytes
    public let version: TraceVersion
    public let tables = TraceTables()
    private let v2: V2Reader?
    /// The same reader, for the per-event call: `self` keeps it alive, so the call needs no
    /// retain/release (through a strong reference it costs two atomic operations per event).
    @usableFromInline let v2Fast: Unmanaged<V2Reader>?
    private var v1 = V1State()

    /// Converted events of a v1 trace and where the stream is in them.
    private struct V1State {
        var events: [Event] = []
        var index = 0
        var trailingError: TraceError?
        var syncs = 0
        var lastTs: Int64 = 0
        var done = false
        /// Go's first Sync: the first v1 event's time − 1 (nil when the trace has no events).
        var firstSyncTime: Int64?
    }

    public convenience init(path: String) throws(TraceError) {
        try self.init(bytes: TraceBytes(path: path))
    }

    public convenience init(bytes: TraceBytes) throws(TraceError) {
        try self.init(bytes: bytes, orderAhead: V2Reader.orderAheadDefault)
    }

    /// `orderAhead`: whether Go 1.26+ generations may be ordered on a second thread while the
    /// one before is handed out (the same events either way; the default unless the environment
    /// sets `GOTRACE_SERIAL`).
    public init(bytes: TraceBytes, orderAhead: Bool) throws(TraceError) {
        self.bytes = bytes
        version = try TraceVersion.read(bytes.buffer)
        if version.isV2 {
            let r = V2Reader(buffer: bytes.buffer, minor: version.minor, tables: tables)
            r.orderAhead = orderAhead
            r.releasePages = { [unowned bytes] in bytes.release(upTo: $0) }
            v2 = r
            v2Fast = Unmanaged.passUnretained(r)
        } else {
            v2 = nil
            v2Fast = nil
            let r = try V1Trace.convert(buffer: bytes.buffer, minor: version.minor, tables: tables)
            v1 = V1State(events: r.events, trailingError: r.error, lastTs: r.lastTs, firstSyncTime: r.firstSyncTime)
        }
    }

    /// A generation being ordered ahead reads the file's bytes on another thread: it stops
    /// before they can go.
    deinit { v2?.cancelAhead() }

    /// The next event in Go's order; nil after the last one. Throws once the trace turns out to be
    /// broken (and again on every later call).
    @inline(__always)
    public func next() throws(TraceError) -> Event? {
        if let v2Fast {
            do {
                return try v2Fast._withUnsafeGuaranteedRef { try $0.next() }
            } catch let e as TraceError {
                throw e
            } catch {
                throw TraceError("\(error)")
            }
        }
        return try nextV1()
    }

    /// The next event written into `ev`; false after the last one. The same stream as `next()`,
    /// for per-event loops: writing in place saves copying each event through an optional.
    /// Inlinable, so that a caller's loop calls the v2 reader directly (this wrapper's own call
    /// cost about 23 instructions an event).
    @inlinable
    public func next(into ev: inout Event) throws(TraceError) -> Bool {
        if let v2Fast {
            do {
                return try v2Fast._withUnsafeGuaranteedRef { try $0.next(into: &ev) }
            } catch let e as TraceError {
                throw e
            } catch {
                throw TraceError("\(error)")
            }
        }
        guard let e = try nextV1() else { return false }
        ev = e
        return true
    }

    /// The next events written into `buffer`, up to its size; how many, 0 after the last one.
    /// The same stream as `next()`, for loops that take events in batches (the per-event call
    /// and its checks happen once per batch). A Sync event ends a batch: after a batch that ends
    /// in one, `bytesRead` and `generationsRead` are what they were when it was handed out. If
    /// the trace turns out to be broken after some events, the call returns those, and the next
    /// one throws.
    @inlinable
    public func next(into buffer: UnsafeMutableBufferPointer<Event>) throws(TraceError) -> Int {
        if let v2Fast {
            do {
                return try v2Fast._withUnsafeGuaranteedRef { try $0.next(into: buffer) }
            } catch let e as TraceError {
                throw e
            } catch {
                throw TraceError("\(error)")
            }
        }
        var i = 0
        while i < buffer.count {
            let e: Event?
            do {
                e = try nextV1()
            } catch {
                if i > 0 { break }
                throw error
            }
            guard let e else { break }
            buffer[i] = e
            i += 1
            if e.type == Wire.syncEvent { break }
        }
        return i
    }

    @usableFromInline func nextV1() throws(TraceError) -> Event? {
        if v1.done { return nil }
        if v1.syncs == 0, let t = v1.firstSyncTime {
            v1.syncs = 1
            return Event(type: Wire.syncEvent, time: t, goroutine: noID, proc: noID, thread: noID, a0: 1)
        }
        if v1.index < v1.events.count {
            v1.index += 1
            return v1.events[v1.index - 1]
        }
        if let e = v1.trailingError { throw e }
        v1.done = true
        v1.syncs += 1
        // Release the converted events: a streaming caller has them all by now.
        v1.events = []
        return Event(type: Wire.syncEvent, time: v1.lastTs &+ 1, goroutine: noID, proc: noID, thread: noID, a0: UInt64(v1.syncs))
    }

    /// Makes the reader count generations ordered ahead where they are ordered rather than hand
    /// their events out (only their Syncs come out): for `TraceSummary.stream`, before the first
    /// read. Returns the counts of those generations (added to as the stream moves past each),
    /// nil for a v1 trace, whose events all come out.
    func countAheadInPlace() -> CensusCounter? {
        guard let v2 else { return nil }
        v2.censusMode = true
        return v2.adoptedCensus
    }

    /// The string and stack tables' sizes as far as the stream has read (the tables themselves
    /// may hold more: the generations read early for the second core).
    var tableCountsRead: (strings: Int, stacks: Int) {
        v2?.takenTableCounts ?? (tables.strings.count, tables.stackCount)
    }

    /// File bytes consumed by complete reads so far (v2: up to the last generation read).
    public var bytesRead: Int { v2?.bytesRead ?? bytes.count }

    /// Number of generations read so far (v1 traces are one generation).
    public var generationsRead: Int { v2?.generations ?? 1 }

    /// Generations ordered ahead on the second core and adopted, runs thrown away, and adopted
    /// runs that were queued behind another.
    var generationsOrderedAhead: (adopted: Int, discarded: Int, adoptedBehind: Int) {
        (v2?.aheadAdopted ?? 0, v2?.aheadDiscarded ?? 0, v2?.aheadAdoptedBehind ?? 0)
    }

    /// Runs the stream had to wait for, the generations adopted, and a delay for each run
    /// before it starts (tests).
    var aheadRunsWaitedFor: Int { v2?.aheadWaited ?? 0 }
    var aheadAdoptedGenerations: [UInt64] { v2?.aheadAdoptedNumbers ?? [] }
    var aheadRunDelay: Double {
        get { v2?.aheadRunDelay ?? 0 }
        set { v2?.aheadRunDelay = newValue }
    }
    /// Seconds the second core waits before it takes each queued run, and the queued runs the
    /// stream reached before it did and ordered itself (counting; tests).
    var aheadTakeDelay: Double {
        get { v2?.aheadTakeDelay ?? 0 }
        set { v2?.aheadTakeDelay = newValue }
    }
    var aheadClaimed: Int { v2?.aheadClaimed ?? 0 }
    /// Generations cut in two between the cores (see `V2Reader.planSerialSplit`): tails made,
    /// adopted, ordered by the stream itself from the cut, and dropped with their first part
    /// (tests).
    var aheadTails: (made: Int, adopted: Int, orderedHere: Int, dropped: Int) {
        (v2?.aheadTails ?? 0, v2?.aheadTailsAdopted ?? 0, v2?.aheadTailsOrderedHere ?? 0, v2?.aheadTailsDropped ?? 0)
    }
    /// Tests and the fuzz target: cut every generation the stream orders itself, takes back,
    /// makes or waits for in two, whatever the balance (`splitAlways`), and wait for every
    /// tail the second core has queued rather than take it back (`tailWait`), so that the
    /// tails' guesses are checked on small traces too.
    @_spi(Testing) public var aheadSplitAlways: Bool {
        get { v2?.aheadSplitAlways ?? false }
        set { v2?.aheadSplitAlways = newValue }
    }
    @_spi(Testing) public var aheadTailWait: Bool {
        get { v2?.aheadTailWait ?? false }
        set { v2?.aheadTailWait = newValue }
    }
    /// Runs the stream made itself while it waited for one, and whether it may (tests).
    var aheadAdoptedInline: Int { v2?.aheadAdoptedInline ?? 0 }
    var aheadInlineAllowed: Bool {
        get { v2?.aheadInlineAllowed ?? false }
        set { v2?.aheadInlineAllowed = newValue }
    }
    /// Queue one run at a time (as the reader does for big generations; tests).
    var aheadOneRunAtATime: Bool {
        get { v2.map { $0.aheadMaxQueuedBytes == 0 } ?? false }
        set { v2?.aheadMaxQueuedBytes = newValue ? 0 : AheadJob.maxQueuedBytes }
    }
}

import Dispatch
import Foundation
import Synchronization

/// A per-M cursor over the event batches of the current generation (Go's `batchCursor`).
struct BatchCursor {
    var mIndex: Int
    var m: Int64
    /// The current batch and the end of this M's range in the reader's `batchList`.
    var batchIdx = 0
    var batchEnd = 0
    /// File offsets of the next event in the current batch and of the batch's end.
    var pos = 0
    var end = 0
    var lastTs: Int64 = 0
    var ev = RawEvent()
    /// File offset of `ev`, to show its wire arguments in error messages.
    var evStart = 0
    /// The ordering's slot for this M's state, looked up on the M's first event (-1 before).
    var mSlot = -1
}

/// A frontier heap entry: the next event time of a cursor.
struct HeapEntry {
    var time: Int64
    var cursor: Int
}

/// Streams the ordered events of a Go 1.22+ trace, generation by generation, exactly as Go's
/// `trace.Reader` does (same order, same times, same errors at the same point).
@usableFromInline final class V2Reader {
    let buffer: UnsafeRawBufferPointer
    let minor: Int
    let tables: TraceTables
    var genReader: GenerationReader
    var gen: Generation?
    var hadGen = false
    /// Per-M cursors of the current generation; the frontier heap refers to them by index.
    let cursors = RawArray<BatchCursor>()
    /// Go's frontier min-heap, keyed by each cursor's next event time.
    let frontier = RawArray<HeapEntry>()
    /// The current generation's event batches, grouped by M (each cursor owns a range).
    var batchList: [BatchRef] = []
    /// What the hot decoder needs of the current generation, held directly so that decoding an
    /// event touches no reference counts. `gen` keeps the ID maps alive.
    var nsPerTick: Double = 0
    /// `nsPerTick` as an integer when it is one (64 on Linux/amd64, where Go's clock ticks are
    /// 64 ns), and the deltas below which the integer product is exactly Go's double product.
    var tickNs: UInt64 = 0
    var tickExactBelow: UInt64 = 0
    var genNumber: UInt64 = 0
    /// The current generation's ID maps. Unmanaged: the generation keeps them alive, and a
    /// lookup per event through a strong (or unowned) reference would retain and release.
    var curStrings: Unmanaged<IDMap>
    var curStacks: Unmanaged<IDMap>
    private let emptyMap = IDMap()
    var cpuCount = 0
    /// Called with a file offset before which no byte will be read again.
    var releasePages: ((Int) -> Void)?
    let wireInfo = WireInfo.table
    var cpuIdx = 0
    let ordering: Ordering
    var lastTs: Int64 = 0
    var syncs = 0
    var done = false
    var readGenErr: TraceError?
    var spill: GenerationReader.Spill?
    var spillErr: TraceError?
    var spillErrSync = false
    /// File offset up to which generations have been read (what `go tool trace` calls bytes read).
    /// The generation read ahead for the second core does not count until the stream gets to it.
    var bytesRead: Int { readQueue.isEmpty ? genReader.pos : takenPos }
    /// `genReader.pos` after the generation the stream is in was read.
    private var takenPos = 16
    /// The string and stack tables' sizes once the generation the stream is in was read: what a
    /// serial read holds by then (the tables may hold the next ones' entries too, read early).
    private(set) var takenTableCounts = (strings: 0, stacks: 0)
    /// The next generation, read early so that the second core can order it (a read error is
    /// kept until the stream gets there, as are the file offsets before and after it).
    private var readQueue: [ReadGeneration] = []
    /// The second core's runs on generations in `readQueue` not yet taken by the stream, in
    /// generation order: the next one to be replayed and, for small generations, the one after
    /// it, which the second core starts as soon as it is done with the first (so that neither
    /// core waits for the other when one generation takes longer than its neighbour).
    private var aheadJobs: [AheadJob] = []
    /// The second core's thread and its queue of runs.
    private let worker = AheadWorker()
    /// Events of a generation ordered ahead, being handed out (nil when not replaying).
    private var replay: AheadJob?
    private var replayPos = 0
    private var replayCount = 0
    private var replayCursor: PackedEvents.Cursor
    /// The index of the next replayed event to patch (a deferred TaskEnd) or to check (IDs the
    /// generation does not define), Int.max for none, and how many of each have been.
    private var replaySpecialAt = Int.max
    private var replayPatched = 0
    private var replayChecked = 0
    /// Whether generations may be ordered ahead on a second core (off for the runs themselves,
    /// and where `GOTRACE_SERIAL` is set).
    var orderAhead = V2Reader.orderAheadDefault
    static let orderAheadDefault: Bool = {
        guard let v = getenv("GOTRACE_SERIAL") else { return true }
        return String(cString: v).isEmpty
    }()
    /// For an ahead run: the generation before its own (its threads' last events give the guesses).
    fileprivate var aheadPrevious: Generation?
    /// For an ahead run: how many goroutines the stream's state holds, to size the run's table
    /// (which would otherwise grow from empty every time) on its own thread. Sized by the live
    /// ones only: sized by all those a generation looks at (ten times as many in a busy trace),
    /// the table spreads the few live ones over megabytes, and nearly every event's lookup
    /// misses the cache.
    fileprivate var aheadLive = 0
    /// Generations ordered ahead and adopted, runs thrown away, and adopted runs that were
    /// queued behind another (for tests).
    var aheadAdopted: Int { aheadAdoptedNumbers.count }
    private(set) var aheadDiscarded = 0
    private(set) var aheadAdoptedBehind = 0
    /// Memory for the runs' packed events.
    private let chunkPool = ChunkPool()
    /// Whether the stream had to wait for a run it took: the next run queued behind another
    /// then goes on the generation three places on, not two, so that this core orders two in a
    /// row and the second one catches up (see `scheduleAhead`). (A run costs more per event than
    /// ordering serially, packing included, and replaying costs this core little: with strict
    /// alternation the second core is the slower one, and this one waited some 12–16% of the
    /// time on the 1 GB traces.)
    private var aheadLate = false
    /// Runs the stream waited for, and the numbers of the generations adopted (their count is
    /// `aheadAdopted`; for tests).
    private(set) var aheadWaited = 0
    /// Adopted runs that this thread made itself while it waited (see `orderNextWhileWaiting`;
    /// for tests), and whether it may (off in the tests of the late-run shift).
    private(set) var aheadAdoptedInline = 0
    /// Queued runs the stream took back from the second core, which had not started them, and
    /// ran itself while it waited (`censusMode`; for tests).
    private(set) var aheadClaimed = 0
    var aheadInlineAllowed = true
    /// Events and event batch bytes of the second core's runs adopted so far (their events per
    /// byte tell how far a run still has to go).
    private var aheadRunEvents = 0
    private var aheadRunBytes = 0
    private(set) var aheadAdoptedNumbers: [UInt64] = []
    /// Seconds each run sleeps before it starts (tests: a second core slower than this one).
    var aheadRunDelay: Double = 0
    /// Seconds the second core waits before it takes each queued run (tests).
    var aheadTakeDelay: Double {
        get { worker.takeDelay }
        set { worker.takeDelay = newValue }
    }
    /// `AheadJob.maxQueuedBytes`, lowered by tests to queue one run at a time, as with big
    /// generations.
    var aheadMaxQueuedBytes = AheadJob.maxQueuedBytes
    /// The highest generation number read so far (a generation may be ordered ahead only if its
    /// number is above every earlier one: the start state then has no sequence of its own).
    private var maxGenNumber: UInt64 = 0
    /// The generation the stream is in: the first one before any, for an ahead run's guess.
    private var firstGenNumber: UInt64 = 0
    /// Generations read so far.
    var generations = 0
    /// Whether the stream only counts (`TraceSummary.stream`): a generation ordered ahead is then
    /// counted on the thread that ordered it, into `CensusCounter`s, and not handed out at all
    /// (its Sync is). Set before the first event is read.
    var censusMode = false
    /// The counts of the generations ordered ahead and adopted in `censusMode`, added once the
    /// stream has moved past each (before the Sync that follows it).
    let adoptedCensus = CensusCounter()
    /// The counts of the adopted generation the stream is in (`censusMode`), and of the run on
    /// its tail (see `planSplit`) if that was adopted too.
    private var censusRun: CensusCounter?
    private var censusTail: CensusCounter?
    /// The run on the tail of the generation this thread orders itself, and where that tail
    /// starts (`.max` when there is none; see `planSerialSplit`).
    private var serialTail: AheadJob?
    private var cutAt = Int64.max
    /// The first part of the current generation, whose tail the stream orders itself from the
    /// cut once it has handed out the generation's Sync (`takeOver`).
    private var tailTakeover: AheadJob?
    /// Runs on a generation's tail made, adopted, ordered by the stream itself from the cut
    /// after all, and dropped with their first part or unused (tests; see "Sharing a generation
    /// between the cores" below).
    private(set) var aheadTails = 0
    private(set) var aheadTailsAdopted = 0
    private(set) var aheadTailsOrderedHere = 0
    private(set) var aheadTailsDropped = 0
    /// Tests: cut every generation the stream orders itself and every run it takes back, makes
    /// or waits for, whatever the balance.
    var aheadSplitAlways = false
    /// Tests: wait for every tail the second core has queued rather than take it back.
    var aheadTailWait = false
    /// For a run on a generation's tail: where it starts (see `planSplit`); the file offset of
    /// each of its threads' first events is in its job's `positions`.
    fileprivate var midFrom: Int64?
    fileprivate var midStarts: [Int64: Int] = [:]
    /// A tail run's check that events of the same time from different threads touch nothing in
    /// common (see `tieOK`): the time and the first event of the current group, and the keys of
    /// its events once it has two.
    private var tieTime = Int64.min
    private var tieFirst = Event(type: 0, time: 0, goroutine: noID, proc: noID, thread: noID)
    private let tieKeys = RawArray<TieKey>(capacity: V2Reader.maxTieKeys)
    /// A tie group touching more than this many things gives the tail up (a hostile trace of
    /// events of one time would otherwise cost a scan of the group per event).
    static let maxTieKeys = 64

    init(buffer: UnsafeRawBufferPointer, minor: Int, tables: TraceTables) {
        self.buffer = buffer
        self.minor = minor
        self.tables = tables
        genReader = GenerationReader(buffer: buffer, minor: minor, tables: tables)
        ordering = Ordering(tables: tables)
        curStrings = Unmanaged.passUnretained(emptyMap)
        curStacks = Unmanaged.passUnretained(emptyMap)
        emptyPacked = PackedEvents(pool: chunkPool)
        replayCursor = PackedEvents.Cursor(emptyPacked)
    }

    private let emptyPacked: PackedEvents

    /// At a replayed event that needs more than copying: fills in the parent and type of a
    /// TaskEnd whose task began before the generation, and returns Go's error for an ID the
    /// generation does not define.
    @inline(never) private func replaySpecial(_ e: inout Event) -> TraceError? {
        guard let r = replay else { return nil }
        if replayPatched < r.taskEnds.count && r.taskEnds[replayPatched].index == replayPos {
            e.a2 = r.taskEndFills[replayPatched].parent
            e.a3 = r.taskEndFills[replayPatched].name
            replayPatched += 1
        }
        var error: TraceError?
        let bad = r.events.badIDs
        if replayChecked < bad.count && bad[replayChecked].index == replayPos {
            do { try validateTableIDs(e, bad[replayChecked].mask) } catch let e { error = e }
            replayChecked += 1
        }
        replaySpecialAt = nextSpecial(r)
        return error
    }

    /// The index of the next replayed event `replaySpecial` handles.
    private func nextSpecial(_ r: AheadJob) -> Int {
        let patch = replayPatched < r.taskEnds.count ? r.taskEnds[replayPatched].index : Int.max
        let bad = r.events.badIDs
        return min(patch, replayChecked < bad.count ? bad[replayChecked].index : Int.max)
    }

    @inline(__always) func mul(_ t: UInt64) -> Int64 { Generation.nanoseconds(t, nsPerTick) }

    /// The first error returned; every later call returns it again.
    private(set) var failure: TraceError?
    /// Whether there is one (tested per event: testing the optional error itself cost some 16
    /// instructions).
    private var failed = false

    /// The next event, nil at the end of the trace.
    func next() throws(TraceError) -> Event? {
        var ev = Event(type: 0, time: 0, goroutine: noID, proc: noID, thread: noID)
        return try next(into: &ev) ? ev : nil
    }

    /// The next event written into `out`; false at the end of the trace. (The per-event path:
    /// writing in place avoids copying the event through optional return values.)
    @usableFromInline func next(into out: inout Event) throws(TraceError) -> Bool {
        // (A generation is cut in two only for the streamed summary, which reads in batches:
        // here the cut is never reached, and its tail is dropped at the generation's end.)
        try nextEvent(into: &out, cut: false)
    }

    /// Up to `buffer.count` next events into `buffer`; how many were written, 0 at the end of
    /// the trace. A Sync ends the batch (so that `bytesRead` and `generations` are still as they
    /// were when it was handed out). An error after some events ends the batch there, and the
    /// next call throws it (the reader keeps its first error). The loop over the events runs
    /// here: a call per event, with its frame and its checks of where the stream is, cost some
    /// 30 instructions.
    @usableFromInline func next(into buffer: UnsafeMutableBufferPointer<Event>) throws(TraceError) -> Int {
        // The loop checks each event for the cut of a generation in two (`cutAt`) only where one
        // is planned (it is set with a generation's Sync, which ends a batch), in a copy of its
        // own out of line. (Checked in the one loop, it cost 1.3% of a serial read's
        // instructions; this way 0.85%, the loop's code laid out differently: callgrind, the
        // 50 MB benchmark trace.)
        if cutAt != .max { return try nextCutting(into: buffer) }
        return try fill(buffer, cut: false)
    }

    @inline(never) private func nextCutting(into buffer: UnsafeMutableBufferPointer<Event>) throws(TraceError) -> Int {
        try fill(buffer, cut: true)
    }

    @inline(__always) private func fill(_ buffer: UnsafeMutableBufferPointer<Event>, cut: Bool) throws(TraceError) -> Int {
        guard let out = buffer.baseAddress else { return 0 }
        let n = buffer.count
        var i = 0
        while i < n {
            if replayPos < replayCount && replayPos < replaySpecialAt {
                i = replayPlain(out, from: i, to: n)
                continue
            }
            do {
                guard try nextEvent(into: &out[i], cut: cut) else { break }
            } catch {
                if i > 0 { break }
                throw error
            }
            i &+= 1
            if out[i &- 1].type == Wire.syncEvent { break }
        }
        return i
    }

    /// A replayed generation's events into `out[i..<n]`, up to its next one that needs more
    /// than copying; returns the index after the last written. (Runs hold no Sync: the stream
    /// makes those at generation boundaries.) Out of line: the serial stream's loop keeps its
    /// registers.
    @inline(never)
    private func replayPlain(_ out: UnsafeMutablePointer<Event>, from i: Int, to n: Int) -> Int {
        let stop = min(replayCount, replaySpecialAt, replayPos &+ (n &- i))
        let k = stop &- replayPos
        replayCursor.read(into: out + i, k, last: &lastTs)
        replayPos = stop
        return i &+ k
    }

    @inline(__always) private func nextEvent(into out: inout Event, cut: Bool) throws(TraceError) -> Bool {
        // A generation ordered ahead: its events as they were recorded. (The ordering's queue is
        // empty while replaying: nothing advances it.)
        if replayPos < replayCount {
            replayCursor.next(into: &out)
            if replayPos == replaySpecialAt, let error = replaySpecial(&out) {
                fail(error)
                throw error
            }
            replayPos &+= 1
            if out.time <= lastTs { out.time = lastTs &+ 1 }
            lastTs = out.time
            return true
        }
        if failed, let failure { throw failure }
        if done { return false }
        do {
            var bad: UInt8 = 0
            guard try step(into: &out, bad: &bad, cut: cut) else { return false }
            if bad != 0 { try validateTableIDs(out, bad) }
            if out.time <= lastTs { out.time = lastTs &+ 1 }
            lastTs = out.time
            return true
        } catch {
            // Go's table readers can return a bare io.EOF, which its callers take as the end.
            if error.message == "EOF" {
                done = true
                return false
            }
            fail(error)
            throw error
        }
    }

    /// Records the first error: every later call returns it again (a replay stops).
    private func fail(_ error: TraceError) {
        failure = error
        failed = true
        replayCount = replayPos
    }

    /// Go's `validateTableIDs`, on the IDs we could not resolve when decoding.
    private func validateTableIDs(_ ev: Event, _ bad: UInt8) throws(TraceError) {
        let spec = Wire.specs[Int(ev.type)]
        for i in spec.stackArgs where bad & (1 << i) != 0 {
            throw located(TraceError("found invalid stack ID \(ev.arg(i)) for event \(spec.name)"))
        }
        for i in spec.stringArgs where bad & (1 << i) != 0 {
            throw located(TraceError("found invalid string ID \(ev.arg(i)) for event \(spec.name)"))
        }
    }

    private func located(_ e: TraceError) -> TraceError {
        e.located(generation: gen?.number)
    }

    private func syncEvent(time: Int64, snapshot: Int = 0, generation: UInt64 = 0) -> (Event, UInt8) {
        syncs += 1
        return (Event(type: Wire.syncEvent, time: time, goroutine: noID, proc: noID, thread: noID,
                      a0: UInt64(syncs), a1: UInt64(snapshot), a2: generation), 0)
    }

    @inline(__always)
    private func step(into out: inout Event, bad: inout UInt8, cut: Bool) throws(TraceError) -> Bool {
        if ordering.pop(into: &out, bad: &bad) { return true }
        if cpuIdx < cpuCount || frontier.isEmpty || (cut && frontier[0].time >= cutAt) {
            guard let (e, b) = try stepSlow() else { return false }
            out = e
            bad = b
            return true
        }
        return try withUnsafeMutablePointer(to: &out) { (p) throws(TraceError) -> Bool in
            // The ordering writes the event straight into the caller's storage.
            ordering.emit(into: p)
            if try !tryAdvance(0) { try advanceOther() }
            guard ordering.emitted else { throw located(TraceError("internal error: no event after advance")) }
            bad = ordering.outBad
            return true
        }
    }

    /// Generation boundaries and CPU samples.
    @inline(never)
    private func stepSlow() throws(TraceError) -> (Event, UInt8)? {
        if frontier.isEmpty && cpuIdx >= cpuCount {
            if let first = tailTakeover {
                tailTakeover = nil
                takeOver(first)
                return try stepSlow()
            }
            if let tail = serialTail {
                // (The generation ended before its cut.)
                drop(tail)
                serialTail = nil
                cutAt = .max
                aheadTailsDropped += 1
            }
            if let r = replay {
                // Its memory serves the next runs.
                r.events.release()
                replay = nil
                replayCount = 0
                replayPos = 0
                replayCursor = PackedEvents.Cursor(emptyPacked)
            }
            // The generation's events were counted where they were ordered.
            if let c = censusRun {
                addCounted(c)
                censusRun = nil
            }
            if let c = censusTail {
                addCounted(c)
                censusTail = nil
            }
            if minor < 26 {
                // Go 1.22–1.25: an error reading the generation after this one comes after a
                // Sync; no batch of a next generation (no spill) means the end.
                if let e = spillErr {
                    if spillErrSync { throw e }
                    spillErrSync = true
                    return syncEvent(time: lastTs)
                }
                if hadGen && spill == nil {
                    done = true
                    return syncEvent(time: lastTs)
                }
            } else if let e = readGenErr {
                throw e
            }
            let next = readQueue.isEmpty ? readNextGeneration() : readQueue.removeFirst()
            let start = next.start
            takenPos = next.end
            takenTableCounts = next.tableCounts
            let g: Generation?
            switch next.result {
            case .failure(let error):
                if minor < 26 {
                    spillErr = error
                    spillErrSync = true
                } else {
                    readGenErr = error
                }
                gen = nil
                cpuCount = 0
                return syncEvent(time: lastTs)
            case .success(let n):
                g = n
                spill = next.spill
                spillErr = next.trailingError
            }
            if let g, let job = aheadJobs.first, job.gen === g {
                aheadJobs.removeFirst()
                if job.finished.wait(timeout: .now()) == .timedOut {
                    // Rather than wait, order the generation after it ahead here too, if the
                    // wait looks long enough to pay for that (see `orderNextWhileWaiting`).
                    var ranInline = orderNextWhileWaiting(after: g, for: job)
                    // (A wait that does not time out takes the signal.)
                    var finished = job.finished.wait(timeout: .now()) == .success
                    // Counting, after the tail of the run waited for (`splitWaited`), the
                    // generation after it.
                    if censusMode && ranInline && job.tail != nil && !finished {
                        ranInline = orderNextWhileWaiting(after: g, for: job) || ranInline
                        finished = job.finished.wait(timeout: .now()) == .success
                    }
                    if !finished {
                        if !ranInline { aheadLate = true }
                        aheadWaited += 1
                        job.finished.wait()
                    }
                }
                if job.ok, let fills = ordering.adopt(job.reader.ordering, taskEnds: job.taskEnds.map(\.id)) {
                    job.taskEndFills = fills
                    aheadAdoptedNumbers.append(g.number)
                    if job.queuedBehind { aheadAdoptedBehind += 1 }
                    if job.inline {
                        aheadAdoptedInline += 1
                    } else {
                        aheadRunEvents += job.eventCount
                        aheadRunBytes += job.batchBytes
                    }
                    return installReplay(g, job, start: start)
                }
                aheadDiscarded += 1
                job.events.release()
                if let tail = job.tail {
                    drop(tail)
                    aheadTailsDropped += 1
                }
            }
            return try installGen(g, start: start)
        }
        if !frontier.isEmpty && frontier[0].time >= cutAt {
            // At the cut (once the CPU samples before it are out): the tail, or on from here.
            if !(cpuIdx < cpuCount && (gen?.cpuSamples[cpuIdx].time ?? .max) < cutAt) {
                cutToTail()
                return try stepSlow()
            }
        }
        if let g = gen, cpuIdx < cpuCount, frontier.isEmpty || g.cpuSamples[cpuIdx].time < frontier[0].time {
            let s = g.cpuSamples[cpuIdx]
            cpuIdx += 1
            return (Event(type: Wire.cpuSample, time: s.time, goroutine: s.g, proc: s.p, thread: s.m, a0: UInt64(s.stack)), 0)
        }
        if frontier.isEmpty { throw located(TraceError("broken trace: frontier is empty")) }
        ordering.emit(into: ordering.scratch)
        if try !tryAdvance(0) { try advanceOther() }
        guard ordering.emitted else { throw located(TraceError("internal error: no event after advance")) }
        return (ordering.scratch.pointee, ordering.outBad)
    }

    /// The frontier head is not ready: try the others in time order, as Go does.
    @inline(never)
    private func advanceOther() throws(TraceError) {
        var h = frontier.buffer
        h.sort { $0.time < $1.time }
        var i = 1
        while i < frontier.count {
            if try tryAdvance(i) { return }
            i += 1
        }
        throw located(TraceError("broken trace: failed to advance: frontier:\n[gen=\(genNumber)]\n\n" + frontierDump()))
    }

    private func frontierDump() -> String {
        var s = ""
        for e in frontier.buffer {
            let c = cursors[e.cursor]
            let spec = Wire.specs[Int(c.ev.type)]
            s += "M \(c.m) [\(spec.name) time=\(c.ev.time)"
            // The file's own argument values (string and stack IDs as written, not ours).
            var cur = ByteCursor(buffer, from: c.evStart + 1)
            _ = cur.readUvarint()
            for name in spec.args.dropFirst() { s += " \(name)=\(cur.readUvarint() ?? 0)" }
            s += "]\n"
        }
        return s
    }

    @inline(__always)
    private func tryAdvance(_ i: Int) throws(TraceError) -> Bool {
        let c = cursors.pointer(frontier[i].cursor)
        let ok: Bool
        do {
            // The cursor's event itself (not a copy): `advance` leaves it as decoded.
            ok = try ordering.advance(&c.pointee.ev, m: c.pointee.m, slot: &c.pointee.mSlot, gen: genNumber)
        } catch {
            throw located(error)
        }
        if !ok { return false }
        if try decodeNext(c) {
            frontier[i].time = c.pointee.ev.time
            heapUpdate(i)
        } else {
            heapRemove(i)
        }
        return true
    }

    // MARK: Generations

    private func installGen(_ g: Generation?, start: Int? = nil) throws(TraceError) -> (Event, UInt8) {
        guard let g else {
            gen = nil
            done = true
            return syncEvent(time: lastTs)
        }
        enter(g, start: start ?? genReader.lastGenerationStart)
        if firstGenNumber == 0 { firstGenNumber = g.number }
        try setUpCursors(g)
        // Its tail to the second core first, if the generations after it leave that core idle.
        if orderAhead && censusMode { planSerialSplit(g) }
        // The second core orders the next generation while this one is handed out.
        if orderAhead { schedule(first: 0, current: g) }
        return sync(for: g)
    }

    /// The stream moves into generation `g`, whose bytes start at `start`: the earlier
    /// generations' pages can go.
    private func enter(_ g: Generation, start: Int) {
        generations += 1
        hadGen = true
        releasePages?(start)
    }

    /// Makes `g` the current generation (its tables and CPU samples), with an empty frontier.
    private func makeCurrent(_ g: Generation) {
        gen = g
        nsPerTick = g.nsPerTick
        (tickNs, tickExactBelow) = Generation.exactTicks(g.nsPerTick)
        genNumber = g.number
        curStrings = Unmanaged.passUnretained(g.strings)
        curStacks = Unmanaged.passUnretained(g.stacks)
        cpuCount = g.cpuSamples.count
        frontier.removeAll()
        cursors.removeAll()
        cpuIdx = 0
    }

    /// The Sync event that opens generation `g` (its clock snapshot recorded).
    private func sync(for g: Generation) -> (Event, UInt8) {
        var snapshot = 0
        if let c = g.clock {
            tables.clockSnapshots.append(ClockSnapshot(trace: g.mul(c.time), mono: c.mono, wallSeconds: c.sec, wallNanoseconds: c.nsec))
            snapshot = tables.clockSnapshots.count
        }
        return syncEvent(time: g.mul(g.minTs), snapshot: snapshot, generation: g.number)
    }

    /// Makes `g` the current generation: its tables and a cursor per M on the frontier.
    private func setUpCursors(_ g: Generation) throws(TraceError) {
        makeCurrent(g)
        batchList.removeAll(keepingCapacity: true)
        for (k, m) in g.batchMs.enumerated() {
            var c = BatchCursor(mIndex: k, m: Int64(bitPattern: m))
            // Positioned before the first batch: the first decode moves onto it.
            c.batchIdx = batchList.count - 1
            batchList.append(contentsOf: g.batches[k])
            c.batchEnd = batchList.count
            cursors.append(c)
            if try decodeNext(cursors.pointer(cursors.count - 1)) {
                heapInsert(HeapEntry(time: cursors[cursors.count - 1].ev.time, cursor: cursors.count - 1))
            } else {
                cursors.removeLast()
            }
        }
    }

    // MARK: Ordering ahead on the second core

    /// A generation read ahead of the stream: the result (a read error is kept until the stream
    /// gets there), its file offsets, and whether it may be ordered ahead (its number is above
    /// every earlier one, so the state it starts from has no sequence of its own). Go 1.22–1.25
    /// framing: the next generation's first batch, and an error that stopped the read after it.
    struct ReadGeneration {
        var result: Result<Generation?, TraceError>
        var start: Int
        var end: Int
        var aheadable: Bool
        var spill: GenerationReader.Spill? = nil
        var trailingError: TraceError? = nil
        /// The string and stack tables' sizes once it was read.
        var tableCounts = (strings: 0, stacks: 0)
    }

    /// Reads the generation after the last one read (queued or taken).
    private func readNextGeneration() -> ReadGeneration {
        var r = ReadGeneration(result: .success(nil), start: 0, end: 0, aheadable: false)
        do {
            let g: Generation?
            if minor < 26 {
                let read = try genReader.readGenerationWithSpill(readQueue.last?.spill ?? spill)
                g = read.0
                r.spill = read.1
                r.trailingError = read.2
            } else {
                g = try genReader.readGeneration()
            }
            if let g {
                r.aheadable = g.number > maxGenNumber && maxGenNumber != 0
                maxGenNumber = max(maxGenNumber, g.number)
            }
            r.result = .success(g)
        } catch {
            r.result = .failure(error)
        }
        r.start = genReader.lastGenerationStart
        r.end = genReader.pos
        r.tableCounts = (tables.strings.count, tables.stackCount)
        return r
    }

    /// Whether there is a generation to read after the last one read (queued or taken).
    private var canReadMore: Bool {
        if let last = readQueue.last {
            guard case .success(.some) = last.result else { return false }
            return minor >= 26 || (last.spill != nil && last.trailingError == nil)
        }
        if minor >= 26 { return readGenErr == nil && !done }
        return spillErr == nil && (spill != nil || !hadGen)
    }

    /// Queues runs for the second core: `scheduleAhead`, or when counting `scheduleShared`.
    private func schedule(first: Int, current: Generation) {
        if censusMode {
            scheduleShared(first: first, current: current)
        } else {
            scheduleAhead(first: first, current: current)
        }
    }

    /// Counting (`censusMode`), nothing is packed or replayed, and a run costs about what
    /// ordering its generation serially would, so the two cores take the generations as they
    /// come: the second core's queue holds runs on the generations after the last one with a run
    /// (from `readQueue[first]`), two not yet reached by the stream (one with
    /// `aheadMaxQueuedBytes` 0); while the stream waits for a run, it takes the next queued one
    /// back if the second core has not started it (`AheadWorker.claim`) and runs it itself
    /// (`orderNextWhileWaiting`). With every other generation fixed for each core,
    /// the 50 MB benchmark trace's four generations of 31, 27, 30 and 12% of the events went
    /// 31 + 30 to 27 + 12; taken as they come, 31 + 12 to 27 + 30.
    private func scheduleShared(first: Int, current: Generation) {
        let limit = aheadMaxQueuedBytes == 0 ? 1 : 2
        var target = first
        if let last = aheadJobs.last, let k = queueIndex(of: last.gen) { target = max(target, k + 1) }
        while aheadJobs.count(where: { !$0.inline }) < limit {
            guard let (g, previous) = aheadable(at: target, current: current) else { return }
            let job = makeJob(g, previous: previous, batchBytes: V2Reader.batchBytes(g))
            job.queuedBehind = aheadJobs.contains { !$0.inline }
            aheadJobs.append(job)
            worker.submit(job)
            target += 1
        }
    }

    /// Where generation `g` is in `readQueue`.
    private func queueIndex(of g: Generation) -> Int? {
        readQueue.firstIndex { r in
            if case .success(let q?) = r.result { return q === g }
            return false
        }
    }

    /// The generation at `readQueue[target]` (read up to there first) and the one before it
    /// (`current` for 0), if it may be ordered ahead.
    private func aheadable(at target: Int, current: Generation) -> (Generation, previous: Generation)? {
        while readQueue.count <= target {
            guard canReadMore else { return nil }
            readQueue.append(readNextGeneration())
        }
        let entry = readQueue[target]
        guard case .success(let g?) = entry.result, entry.aheadable else { return nil }
        if target == 0 { return (g, current) }
        guard case .success(let p?) = readQueue[target - 1].result else { return nil }
        return (g, p)
    }

    /// Queues runs for the second core on every other generation: if none is queued, on
    /// `readQueue[first]` (0, the next generation, when this core orders the current one,
    /// `current`, itself; 1 when it replays it), else on the generation two places after the
    /// last one queued (three if the stream had to wait for the last run and one is still
    /// queued); at most two runs, the second only for small generations.
    private func scheduleAhead(first: Int, current: Generation) {
        var target = first
        if let last = aheadJobs.last(where: { !$0.inline }) {
            guard let k = queueIndex(of: last.gen) else { return }
            // After a late run, one generation more for this core. Only here, where a run is
            // still queued: with big generations (one run at a time) this core would order two
            // big ones in a row while the other waits, which measured slower (1 GB Go 1.25
            // trace: 3.93 s against 3.58 s, and 36 MiB more).
            target = k + (aheadLate ? 3 : 2)
            aheadLate = false
        }
        while true {
            // The second core's runs only, not one this core made while it waited.
            let workerRuns = aheadJobs.filter { !$0.inline }
            if workerRuns.count >= 2 { return }
            // A second run only for generations about as small as the first's (checked before
            // reading one more: the read holds its tables and pages).
            if let queued = workerRuns.first, queued.batchBytes * 2 > aheadMaxQueuedBytes { return }
            guard let (g, previous) = aheadable(at: target, current: current) else { return }
            // Ordered ahead already, by this thread while it waited (and the run before it was
            // then thrown away, so that this thread orders that one itself): the next one.
            if aheadJobs.contains(where: { $0.gen === g }) {
                target += 1
                continue
            }
            // A generation too big to hold packed is left to the serial ordering from the start
            // (rather than given up on after `maxEvents`, having held that much); a second run
            // is queued only while the two hold little.
            let bytes = V2Reader.batchBytes(g)
            let queued = workerRuns.first?.batchBytes ?? 0
            guard bytes <= AheadJob.maxBytes, workerRuns.isEmpty || queued + bytes <= aheadMaxQueuedBytes else { return }
            let job = makeJob(g, previous: previous, batchBytes: bytes)
            job.queuedBehind = !workerRuns.isEmpty
            aheadJobs.append(job)
            worker.submit(job)
            target += 2
        }
    }

    /// The bytes of a generation's event batches.
    private static func batchBytes(_ g: Generation) -> Int {
        g.batches.reduce(0) { $0 + $1.reduce(0) { $0 + $1.size } }
    }

    /// While the stream would wait for the second core's run on generation `g`: orders the
    /// generation after `g` ahead on this thread as the second core would (from no state, into
    /// a packed buffer, adopted when the stream gets there), if the wait looks longer than half
    /// of what that generation takes the second core. Ordered serially after the wait it would
    /// cost this thread less (no packing, no replay): some 30 ns an event less of the 65 an ahead
    /// run takes (serially 44, replaying 9), so it pays only for a long wait, as where the
    /// second core has the biggest generation of a short trace (the 50 MB benchmark trace: its
    /// second of three generations, half the events; the stream waited some 80 ms for it,
    /// having ordered the first, and then ordered the small third one). Only if both are held
    /// packed under `aheadMaxQueuedBytes`, as for a second queued run. True if it made one.
    private func orderNextWhileWaiting(after g: Generation, for job: AheadJob) -> Bool {
        guard orderAhead, aheadInlineAllowed else { return false }
        if censusMode, let queued = aheadJobs.first, !queued.inline {
            // (`scheduleShared`: the next generation has a run queued, or none is after it.)
            guard worker.claim(queued) else { return false }
            aheadClaimed += 1
            return runHere(queued, after: g, waitingFor: job)
        }
        if censusMode && splitWaited(job, g) { return true }
        if readQueue.isEmpty {
            guard canReadMore else { return false }
            readQueue.append(readNextGeneration())
        }
        guard case .success(let next?) = readQueue[0].result, readQueue[0].aheadable,
              !aheadJobs.contains(where: { $0.gen === next }) else { return false }
        let bytes = V2Reader.batchBytes(next)
        // Counting, a run costs this thread about what ordering the generation later would (a
        // little more, for the guesses): any wait is better spent on it (and nothing is packed).
        if censusMode { return runInline(next, after: g, batchBytes: bytes, waitingFor: job) }
        guard bytes <= AheadJob.maxBytes else { return false }
        guard bytes + job.batchBytes <= aheadMaxQueuedBytes else { return false }
        // The run's events still to order, from its progress and the events per byte of the
        // runs so far (before the first, one per 5.3 bytes, as on the benchmark traces).
        let perByte = aheadRunBytes > 0 ? Double(aheadRunEvents) / Double(aheadRunBytes) : 1 / 5.3
        let left = Double(job.batchBytes) * perByte - Double(job.progress.load(ordering: .relaxed))
        guard left > 0.5 * Double(bytes) * perByte else { return false }
        return runInline(next, after: g, batchBytes: bytes)
    }

    /// Orders generation `next` (the one after `g`) ahead on this thread, as the second core would.
    private func runInline(_ next: Generation, after g: Generation, batchBytes bytes: Int, waitingFor waited: AheadJob? = nil) -> Bool {
        let run = makeJob(next, previous: g, batchBytes: bytes)
        aheadJobs.insert(run, at: 0)
        return runHere(run, after: g, waitingFor: waited)
    }

    // MARK: Sharing a generation between the cores (counting only)
    //
    // Generations are few on a short trace (the 50 MB benchmark traces have two to four
    // one-second generations: 68 and 32% of the events, or four that split 57/43 at best), so
    // whole generations leave one core idle for long. Counting, once the last generations are known, one can be
    // cut in two at a time T: its first part is ordered from its start up to T (up to where
    // every thread's next event is at or after T), and a second run orders the rest, its tail.
    // Three cases: the first part is this thread's own serial ordering and the tail the second
    // core's (`planSerialSplit`, `cutToTail`); the first part is a run this thread takes back or
    // makes while it waits, and the tail the second core's (`planSplit`); or the first part is
    // the second core's run this thread waits for, stopped at T, and the tail this thread's
    // (`splitWaited`). The tail starts at each thread's first event at or after T from guessed
    // state, as a run at a generation's start does, sequence numbers included
    // (`Ordering.midGen`). It is adopted where its guesses hold against the state at T and
    // every thread's position there is where it started; otherwise this thread orders the tail
    // itself from T, with its own cursors or by taking over the first part's (`adoptTail`),
    // which are Go's (a first part starts from a fresh heap, as Go's reader does, and gives way
    // to `advanceOther` as Go does: it then stops where it is, and this thread goes on from
    // there).
    //
    // The tail's heap is not Go's: it breaks ties between threads' events of the same time in
    // its own way. For counts, that changes nothing where the events of a group of the same
    // time from different threads touch no goroutine, proc, thread, task or GC state in common
    // (any order of them that is ready gives the same state and the same events), which the
    // tail checks (`tieOK`); and where the head of its heap is not ready, it gives up (Go would
    // have tried the others). Either way a given-up tail costs only the time it took. The dump
    // (Go's exact order) never uses a tail.

    /// Where this thread orders generation `g` itself (from its start), once the generations
    /// after it are known and few: cuts `g` so that the second core orders its tail, from time
    /// `cutAt`, before the generations after it, if those would otherwise leave that core idle
    /// for long (a 50 MB benchmark trace of two generations, of 68 and 32% of the events: the
    /// tail is the second core's first run). This thread orders `g` up to the cut, and there
    /// adopts the tail (`cutToTail`) or goes on itself.
    private func planSerialSplit(_ g: Generation) {
        guard serialTail == nil else { return }
        let own = V2Reader.batchBytes(g)
        var tailBytes = own / 2
        if !aheadSplitAlways {
            // (Whether the trace ends after the next generations is known only once read.)
            while canReadMore && readQueue.count < 2 { readQueue.append(readNextGeneration()) }
            guard !canReadMore else { return }
            var other = 0
            for r in readQueue {
                switch r.result {
                case .success(let q?):
                    guard r.aheadable else { return }
                    other += V2Reader.batchBytes(q)
                case .success(nil): continue
                case .failure: return
                }
            }
            tailBytes = (own - other) / 2
        }
        guard let tail = makeTail(g, tailBytes: tailBytes, of: own), let t = tail.from else { return }
        serialTail = tail
        cutAt = t
        worker.submit(tail)
    }

    /// This thread's ordering of the current generation has reached `cutAt`: every thread's next
    /// event is at or after it. Adopts the tail's run if it started where this thread stands
    /// and its guesses hold (the rest of the generation is then counted); otherwise goes on.
    private func cutToTail() {
        cutAt = .max
        guard let tail = serialTail else { return }
        serialTail = nil
        if !aheadTailWait && worker.claim(tail) {
            // Not started: this thread orders the tail after all.
            aheadTailsOrderedHere += 1
            return
        }
        guard adoptable(tail, at: frontierPositions()) else {
            aheadTailsOrderedHere += 1
            return
        }
        aheadTailsAdopted += 1
        censusTail = tail.census
        frontier.removeAll()
        cursors.removeAll()
        cpuIdx = cpuCount
    }

    /// Before this thread runs `run` (taken back or made while it waits for `waited`): cuts the
    /// run's generation in two if the second core would otherwise finish well before it (only
    /// once every generation after it has been read and queued for the second core: then what
    /// each core has left is known).
    @discardableResult
    private func planSplit(_ run: AheadJob, waitingFor waited: AheadJob) -> Bool {
        guard run.census != nil, let k = queueIndex(of: run.gen) else { return false }
        if !aheadSplitAlways {
            // (Near the end, whether the trace ends after the generations read is known only
            // once one more is read.)
            if canReadMore && readQueue.count <= k + 2 { readQueue.append(readNextGeneration()) }
            guard !canReadMore else { return false }
            for r in readQueue[(k + 1)...] {
                switch r.result {
                case .success(let q?):
                    guard aheadJobs.contains(where: { $0.gen === q && !$0.inline }) else { return false }
                case .success(nil): continue
                case .failure: return false
                }
            }
        }
        let own = run.batchBytes
        var other = remainingBytes(waited)
        for j in aheadJobs where !j.inline && j !== run { other += remainingBytes(j) }
        guard let tail = makeTail(run.gen, tailBytes: (own - other) / 2, of: own), let t = tail.from else { return false }
        run.until = t
        run.tail = tail
        worker.submit(tail)
        return true
    }

    /// While the stream waits for the second core's run `job` on generation `g`, with no queued
    /// run to take back: cuts the run in two if it has far to go, once every generation has been
    /// read and at most the next one is left, which this thread then orders itself too. The run
    /// stops at the cut (`AheadJob.stopAt`), and this thread orders the tail, before the next
    /// generation. True if it did.
    private func splitWaited(_ job: AheadJob, _ g: Generation, own: AheadJob? = nil) -> Bool {
        guard job.tail == nil, job.from == nil, job.until == .max, job.census != nil else { return false }
        // (A run this thread took back and will order, `own`, counts as the next generation.)
        var next = own?.batchBytes ?? 0
        if !aheadSplitAlways {
            // (Whether the trace ends after the next generation is known only once read.)
            while canReadMore && readQueue.count < 2 { readQueue.append(readNextGeneration()) }
            guard !canReadMore, readQueue.count <= 2 else { return false }
            for r in readQueue {
                switch r.result {
                case .success(let q?):
                    if own?.gen === q { continue }
                    guard !aheadJobs.contains(where: { $0.gen === q }) else { return false }
                    next += V2Reader.batchBytes(q)
                case .success(nil): continue
                case .failure: return false
                }
            }
        }
        let left = remainingBytes(job)
        guard let tail = makeTail(job.gen, tailBytes: (left - next) / 2, of: job.batchBytes, left: left), let t = tail.from else { return false }
        tail.inline = true
        job.tail = tail
        job.stopAt.store(t, ordering: .relaxed)
        tail.run()
        tail.finished.signal()
        return true
    }

    /// A run on the tail of generation `g` (of `whole` event batch bytes, `left` of them still to
    /// order), from where about `tailBytes` of its batches start, if that is worth a second run
    /// (an eighth of the generation and 1 MiB at least; with `aheadSplitAlways`, half of what is
    /// left, whatever the balance).
    private func makeTail(_ g: Generation, tailBytes: Int, of whole: Int, left: Int? = nil) -> AheadJob? {
        var bytes = tailBytes
        if aheadSplitAlways {
            bytes = (left ?? whole) / 2
        } else {
            guard bytes >= whole / 8, bytes >= 1 << 20 else { return nil }
        }
        guard bytes > 0, let t = splitTime(g, tailBytes: bytes) else { return nil }
        let tail = makeJob(g, previous: nil, batchBytes: bytes)
        tail.from = t
        tail.reader.midFrom = t
        aheadTails += 1
        return tail
    }

    /// Event batch bytes run `j` still has to order (from its progress and the events per byte
    /// of the runs so far).
    private func remainingBytes(_ j: AheadJob) -> Int {
        let perEvent = aheadRunEvents > 0 ? Double(aheadRunBytes) / Double(aheadRunEvents) : 5.3
        return max(0, j.batchBytes - Int(Double(j.progress.load(ordering: .relaxed)) * perEvent))
    }

    /// A time in generation `g` after which about `tailBytes` of its event batches start.
    private func splitTime(_ g: Generation, tailBytes: Int) -> Int64? {
        var starts: [(time: UInt64, size: Int)] = []
        for list in g.batches { for b in list { starts.append((b.time, b.size)) } }
        starts.sort { $0.time > $1.time }
        var sum = 0
        for (k, b) in starts.enumerated() {
            sum += b.size
            // (Never the generation's first batch: the tail would be all of it.)
            if sum >= tailBytes { return k + 1 < starts.count ? Generation.nanoseconds(b.time, g.nsPerTick) : nil }
        }
        return nil
    }

    /// Waits for `tail`, and adopts its end state if it got to the end of its generation from
    /// `positions` (each thread's next event where the first part stopped) and its guesses hold
    /// against the state there.
    private func adoptable(_ tail: AheadJob, at positions: [Int]) -> Bool {
        tail.finished.wait()
        return tail.ok && tail.positions == positions
            && ordering.adopt(tail.reader.ordering, taskEnds: tail.taskEnds.map(\.id)) != nil
    }

    /// A tail run no longer wanted: taken out of the queue, or told to stop.
    private func drop(_ tail: AheadJob) {
        if !worker.claim(tail) { tail.cancelled.store(true, ordering: .relaxed) }
    }

    /// At generation `g`, whose first part `first` has just been adopted: adopts its tail, or
    /// takes over the first part's cursors to order the tail here.
    private func adoptTail(_ tail: AheadJob, after first: AheadJob, _ g: Generation) {
        let claimed = !aheadTailWait && worker.claim(tail)
        if !claimed && adoptable(tail, at: first.positions) {
            aheadTailsAdopted += 1
            censusTail = tail.census
            return
        }
        aheadTailsOrderedHere += 1
        // Once the Sync is out: the first part's counts go before the tail's events.
        tailTakeover = first
    }

    /// Adds the counts of events ordered elsewhere, which come next in the stream: the time fix
    /// goes on from where they would have left it.
    private func addCounted(_ c: CensusCounter) {
        lastTs = max(c.fixedLast, lastTs &+ Int64(c.events))
        adoptedCensus.merge(c, times: false)
    }

    /// Takes over the cursors and heap of `first`, the first part of the current generation,
    /// whose tail was not adopted, to order the tail here; its counts first, so that the times
    /// fixed here go on from them (after the generation's Sync, as for any run adopted).
    private func takeOver(_ first: AheadJob) {
        if let c = censusRun {
            addCounted(c)
            censusRun = nil
        }
        let run = first.reader
        batchList = run.batchList
        for i in 0..<run.cursors.count {
            var c = run.cursors[i]
            // (Slots of the run's own ordering.)
            c.mSlot = -1
            cursors.append(c)
        }
        for e in run.frontier.buffer { frontier.append(e) }
        cpuCount = first.gen.cpuSamples.count
        cpuIdx = run.cpuIdx
    }

    /// Where each thread's next event is, by thread (`AheadJob.positions`).
    private func frontierPositions() -> [Int] {
        var p: [(Int64, Int)] = []
        for e in frontier.buffer {
            let c = cursors[e.cursor]
            p.append((c.m, c.evStart))
        }
        p.sort { $0.0 < $1.0 }
        return p.flatMap { [Int(truncatingIfNeeded: $0.0), $0.1] }
    }

    /// `setUpCursors` for a tail run: each thread's cursor on its first event at or after `t`
    /// (decoded from the last batch that starts before `t`), and the CPU samples from `t`.
    private func setUpCursors(_ g: Generation, from t: Int64) throws(TraceError) {
        makeCurrent(g)
        batchList.removeAll(keepingCapacity: true)
        for (k, m) in g.batchMs.enumerated() {
            var c = BatchCursor(mIndex: k, m: Int64(bitPattern: m))
            let list = g.batches[k]
            var j = 0
            while j + 1 < list.count && mul(list[j + 1].time) < t { j += 1 }
            c.batchIdx = batchList.count - 1 + j
            batchList.append(contentsOf: list)
            c.batchEnd = batchList.count
            cursors.append(c)
            let p = cursors.pointer(cursors.count - 1)
            var live = try decodeNext(p)
            while live && p.pointee.ev.time < t { live = try decodeNext(p) }
            if live {
                heapInsert(HeapEntry(time: p.pointee.ev.time, cursor: cursors.count - 1))
            } else {
                cursors.removeLast()
            }
        }
        cpuIdx = g.cpuSamples.firstIndex { $0.time >= t } ?? g.cpuSamples.count
    }

    /// In a tail run, after each event it ordered: false if it and an event of the same time
    /// from another thread before it touch a goroutine, proc, thread, task or the GC state in
    /// common.
    @inline(__always) private func tieOK(_ e: UnsafePointer<Event>) -> Bool {
        if e.pointee.time != tieTime {
            tieTime = e.pointee.time
            tieFirst = e.pointee
            tieKeys.removeAll()
            return true
        }
        return tieGroup(e)
    }

    @inline(never) private func tieGroup(_ e: UnsafePointer<Event>) -> Bool {
        if tieKeys.isEmpty && !addTieKeys(tieFirst) { return false }
        return addTieKeys(e.pointee)
    }

    /// Adds what `e` touches to the group's keys; false if another thread's event touched it
    /// (or the group touches too much to check).
    private func addTieKeys(_ e: Event) -> Bool {
        let m = e.thread
        var ok = add(.thread, UInt64(bitPattern: m), m)
        if e.goroutine != noID { ok = ok && add(.goroutine, UInt64(bitPattern: e.goroutine), m) }
        if e.proc != noID { ok = ok && add(.proc, UInt64(bitPattern: e.proc), m) }
        switch e.type {
        case Wire.goStart, Wire.goUnblock, Wire.goCreate, Wire.goCreateBlocked, Wire.goCreateSyscall,
             Wire.goSwitch, Wire.goSwitchDestroy, Wire.gcMarkAssistActive:
            ok = ok && add(.goroutine, e.a0, m)
        case Wire.goStatus, Wire.goStatusStack:
            ok = ok && add(.goroutine, e.a0, m)
            if e.a1 != UInt64(bitPattern: noID) { ok = ok && add(.thread, e.a1, m) }
        case Wire.procStart, Wire.procStatus, Wire.gcSweepActive:
            ok = ok && add(.proc, e.a0, m)
        case Wire.procSteal:
            ok = ok && add(.proc, e.a0, m) && add(.thread, e.a2, m)
        case Wire.userTaskBegin, Wire.userTaskEnd:
            ok = ok && add(.task, e.a0, m)
        case Wire.gcBegin, Wire.gcEnd, Wire.gcActive:
            ok = ok && add(.gc, 0, m)
        default:
            break
        }
        return ok
    }

    /// Adds key (`kind`, `id`) of thread `m`'s event to the group; false if another thread's
    /// event has it, or the group is full.
    private func add(_ kind: TieKey.Kind, _ id: UInt64, _ m: Int64) -> Bool {
        for i in 0..<tieKeys.count {
            let k = tieKeys[i]
            if k.id == id && k.kind == kind && k.m != m { return false }
        }
        guard tieKeys.count < V2Reader.maxTieKeys else { return false }
        tieKeys.append(TieKey(id: id, m: m, kind: kind))
        return true
    }

    /// Runs `run`, in `aheadJobs` and not the second core's (any more), on this thread while it
    /// waits for generation `g`'s run.
    private func runHere(_ run: AheadJob, after g: Generation, waitingFor waited: AheadJob? = nil) -> Bool {
        run.inline = true
        run.reader.aheadRunDelay = 0
        // Counting: the second core's next run, for when it is done with the one waited for.
        if censusMode {
            scheduleShared(first: 0, current: g)
            // The run taken back cut in two, or else (the run waited for has further to go) that
            // one.
            if let waited, !planSplit(run, waitingFor: waited) { _ = splitWaited(waited, g, own: run) }
        }
        run.run()
        run.finished.signal()
        return true
    }

    /// A run of generation `g` for the second core; `previous` is the generation just before it.
    private func makeJob(_ g: Generation, previous: Generation?, batchBytes: Int) -> AheadJob {
        let run = V2Reader(buffer: buffer, minor: minor, tables: tables)
        run.orderAhead = false
        run.aheadPrevious = previous
        let o = run.ordering
        run.aheadLive = ordering.gStates.count
        run.aheadRunDelay = aheadRunDelay
        o.speculative = true
        o.aheadGen = g.number
        // The first generation's number, as the serial ordering will have it by then.
        o.initialGen = ordering.initialGen != 0 ? ordering.initialGen : firstGenNumber
        let job = AheadJob(gen: g, reader: run, events: PackedEvents(pool: chunkPool), batchBytes: batchBytes)
        if censusMode { job.census = CensusCounter() }
        return job
    }

    /// Hands out generation `g`, ordered ahead by `job` and adopted.
    private func installReplay(_ g: Generation, _ job: AheadJob, start: Int) -> (Event, UInt8) {
        enter(g, start: start)
        makeCurrent(g)
        // Its CPU samples are among the run's events.
        cpuCount = 0
        if let c = job.census {
            // Counted already: nothing to hand out but the Sync.
            censusRun = c
            if let tail = job.tail { adoptTail(tail, after: job, g) }
            if orderAhead { schedule(first: 1, current: g) }
            return sync(for: g)
        }
        replay = job
        replayPos = 0
        replayCount = job.events.count
        replayCursor = PackedEvents.Cursor(job.events)
        replayPatched = 0
        replayChecked = 0
        replaySpecialAt = nextSpecial(job)
        // The second core orders the generation after the next one, which this core orders
        // itself once this one has been handed out.
        if orderAhead { scheduleAhead(first: 1, current: g) }
        return sync(for: g)
    }

    /// Stops the runs still going or queued (the stream was abandoned) and waits for the one
    /// running: its thread reads the file's bytes, which must outlive it.
    func cancelAhead() {
        orderAhead = false
        worker.stop()
        aheadJobs.removeAll()
    }

    deinit { worker.stop() }

    /// Orders the whole of generation `g` on the calling thread into `job` (the ahead run).
    fileprivate func runAhead(_ g: Generation, _ job: AheadJob) -> Bool {
        if aheadRunDelay > 0 { Thread.sleep(forTimeInterval: aheadRunDelay) }
        ordering.gStates.reserve(aheadLive)
        do {
            if let t = job.from {
                try setUpCursors(g, from: t)
                job.positions = frontierPositions()
                for e in frontier.buffer { midStarts[cursors[e.cursor].m] = cursors[e.cursor].evStart }
                ordering.midGen = true
            } else {
                try setUpCursors(g)
            }
            ordering.guessM = { [unowned self] m in self.guessContext(m) }
            if let c = job.census { return try runLoop(g, job, into: c) }
            return try runLoop(g, job, into: job.events)
        } catch {
            return false
        }
    }

    /// The run's loop: every event of `g` into `job`'s buffer; false if the run must be given
    /// up. (A typed-throwing function of its own, like the stream's `step`: inside `runAhead`'s
    /// do/catch the compiler kept `tryAdvance` out of line, a call per event.)
    @inline(never)
    private func runLoop<Sink: AheadSink>(_ g: Generation, _ job: AheadJob, into events: Sink) throws(TraceError) -> Bool {
        var n = 0
        // Held here rather than loaded through `job` and `ordering` for every event.
        let scratch = ordering.scratch
        // A first part stops at its tail's start (`stopAt`, which the stream may set while the
        // run goes: read again with the progress, so a run that has passed it by then stops
        // where it is, and its tail is not used). A tail run checks its ties (`tieOK`).
        var until = job.stopAt.load(ordering: .relaxed)
        let tail = job.from != nil
        while true {
            var bad: UInt8 = 0
            if ordering.pop(into: &scratch.pointee, bad: &bad) {
                events.append(scratch, bad: bad)
                continue
            }
            if cpuIdx < cpuCount, g.cpuSamples[cpuIdx].time < until, frontier.isEmpty || g.cpuSamples[cpuIdx].time < frontier[0].time {
                let s = g.cpuSamples[cpuIdx]
                cpuIdx += 1
                withUnsafePointer(to: Event(type: Wire.cpuSample, time: s.time, goroutine: s.g, proc: s.p, thread: s.m, a0: UInt64(s.stack))) {
                    events.append($0, bad: 0)
                }
                continue
            }
            if frontier.isEmpty || frontier[0].time >= until { break }
            ordering.emit(into: scratch)
            if try !tryAdvance(0) {
                guard try notReady(job) else { return false }
            }
            guard ordering.emitted else { return false }
            events.append(scratch, bad: ordering.outBad)
            if tail, !tieOK(scratch) { return false }
            if ordering.taskEndDeferred {
                ordering.taskEndDeferred = false
                job.taskEnds.append((events.count - 1, scratch.pointee.a0))
            }
            n &+= 1
            if n & 0xfff == 0 {
                job.progress.store(n, ordering: .relaxed)
                if job.cancelled.load(ordering: .relaxed) || events.full { return false }
                until = job.stopAt.load(ordering: .relaxed)
            }
        }
        if job.stopAt.load(ordering: .relaxed) != .max { job.positions = frontierPositions() }
        return true
    }

    /// The run's head is not ready: Go tries the others (`advanceOther`); true if one was (the
    /// run goes on). A tail gives up instead: its heap is not Go's. (A first part may advance
    /// another thread past its cut this way: it then stops where it is, and the stream goes on
    /// from there, see `adoptTail`.)
    @inline(never)
    private func notReady(_ job: AheadJob) throws(TraceError) -> Bool {
        if job.from != nil { return false }
        try advanceOther()
        return true
    }

    /// A guess at thread `m`'s goroutine and proc where the generation starts. A thread's
    /// context changes only through its own events (bar a proc stolen from it), so its first
    /// events in the generation tell (a ProcStatus for a running proc names the proc it holds, a
    /// ProcStart says it held none; a GoStatus for a running goroutine names the goroutine, a
    /// GoStart says it ran none), else its last events in the previous generation.
    private func guessContext(_ m: Int64) -> MState {
        var g: Int64?, p: Int64?
        var gDone = false, pDone = false
        // From inside the first generation, a status event is the first the ordering hears of
        // its goroutine or proc: the thread held neither before it (unless its own events
        // before the cut say otherwise).
        let statusTells = midFrom == nil || genNumber != ordering.initialGen
        if var c = cursors.buffer.first(where: { $0.m == m }) {
            var n = 0
            while n < 256 && !(gDone && pDone) {
                let e = c.ev
                switch e.type {
                case Wire.procStatus:
                    if !pDone && (e.a1 == UInt64(ProcWire.running) || e.a1 == UInt64(ProcWire.syscall)) {
                        if statusTells { p = Int64(bitPattern: e.a0) }
                        pDone = true
                    }
                case Wire.procStart:
                    if !pDone { p = noID }
                    pDone = true
                case Wire.procStop, Wire.procSteal, Wire.goDestroySyscall:
                    pDone = true
                    if e.type == Wire.goDestroySyscall { gDone = true }
                case Wire.goStatus, Wire.goStatusStack:
                    let st = UInt8(truncatingIfNeeded: e.a2)
                    if !gDone && (st == GoWire.running || (st == GoWire.syscall && Int64(bitPattern: e.a1) == m)) {
                        if statusTells { g = Int64(bitPattern: e.a0) }
                        gDone = true
                    }
                case Wire.goStart, Wire.goCreateSyscall:
                    if !gDone && e.type == Wire.goStart { g = noID }
                    gDone = true
                case Wire.goBlock, Wire.goStop, Wire.goDestroy, Wire.goSyscallEndBlocked, Wire.goSwitch, Wire.goSwitchDestroy:
                    gDone = true
                default: break
                }
                n += 1
                guard (try? decodeNext(&c)) == true else { break }
            }
        }
        if midFrom != nil, !(gDone && g != nil) || !(pDone && p != nil) {
            let (bg, bp) = contextBefore(m)
            if g == nil { g = bg }
            if p == nil { p = bp }
        } else if !(gDone && g != nil) || !(pDone && p != nil), let prev = aheadPrevious, let k = prev.mIndex[UInt64(bitPattern: m)] {
            var bg: Int64?, bp: Int64?
            let batches = prev.batches[k]
            var b = batches.count - 1
            // The last few batches at most: the guess only has to be right often.
            while b >= 0 && b >= batches.count - 4 && (bg == nil || bp == nil) {
                let (cg, cp) = contextChanges(batches[b], m)
                if bg == nil { bg = cg }
                if bp == nil { bp = cp }
                b -= 1
            }
            if g == nil { g = bg }
            if p == nil { p = bp }
        }
        return MState(g: g ?? noID, p: p ?? noID)
    }

    /// The goroutine and proc thread `m`'s events in batch `b` (of the previous generation) leave
    /// it with, where they set them.
    private func contextChanges(_ b: BatchRef, _ m: Int64, until: Int = .max) -> (g: Int64?, p: Int64?) {
        guard !batchList.isEmpty else { return (nil, nil) }
        var c = BatchCursor(mIndex: 0, m: m)
        c.pos = b.dataStart
        c.end = b.dataStart + b.size
        c.lastTs = 1
        var g: Int64?, p: Int64?
        while (try? decodeNext(&c)) == true, c.evStart < until {
            let e = c.ev
            switch e.type {
            case Wire.goStart, Wire.goSwitch, Wire.goSwitchDestroy, Wire.goCreateSyscall: g = Int64(bitPattern: e.a0)
            case Wire.goBlock, Wire.goStop, Wire.goDestroy, Wire.goSyscallEndBlocked: g = noID
            case Wire.goDestroySyscall: g = noID; p = noID
            case Wire.goStatus, Wire.goStatusStack:
                let st = UInt8(truncatingIfNeeded: e.a2)
                if st == GoWire.running || (st == GoWire.syscall && Int64(bitPattern: e.a1) == m) { g = Int64(bitPattern: e.a0) }
            case Wire.procStart: p = Int64(bitPattern: e.a0)
            case Wire.procStop: p = noID
            case Wire.procStatus:
                if e.a1 == UInt64(ProcWire.running) || e.a1 == UInt64(ProcWire.syscall) { p = Int64(bitPattern: e.a0) }
            case Wire.procSteal:
                if Int64(bitPattern: e.a2) == m { p = noID }
            default: break
            }
            c.lastTs = 1
        }
        return (g, p)
    }

    /// For a tail run: the goroutine and proc thread `m`'s events in its generation before the
    /// run's start leave it with (from the last few batches up to there).
    private func contextBefore(_ m: Int64) -> (g: Int64?, p: Int64?) {
        guard let cur = gen, let k = cur.mIndex[UInt64(bitPattern: m)] else { return (nil, nil) }
        let list = cur.batches[k]
        let at = midStarts[m] ?? Int.max
        var last = list.count - 1
        if at != .max, let j = list.firstIndex(where: { at >= $0.dataStart && at < $0.dataStart + $0.size }) { last = j }
        guard last >= 0 else { return (nil, nil) }
        var g: Int64?, p: Int64?
        // The first batch too: a thread that holds its proc throughout (a busy one) got it, or
        // its ProcStatus, at the generation's start.
        let from = max(0, last - 3)
        for k in (from > 0 ? [0] : []) + Array(from...last) {
            let (cg, cp) = contextChanges(list[k], m, until: k == last ? at : .max)
            if let cg { g = cg }
            if let cp { p = cp }
        }
        return (g, p)
    }

    // MARK: Decoding

    /// Decodes the next event of a cursor copy (for looking ahead).
    private func decodeNext(_ c: inout BatchCursor) throws(TraceError) -> Bool {
        try withUnsafeMutablePointer(to: &c) { (p) throws(TraceError) -> Bool in try decodeNext(p) }
    }

    /// Decodes the next event of cursor `c` (Go's `batchCursor.nextEvent`). False when the M has no more.
    @inline(__always)
    private func decodeNext(_ c: UnsafeMutablePointer<BatchCursor>) throws(TraceError) -> Bool {
        if c.pointee.pos == c.pointee.end && !nextBatch(c) { return false }
        if c.pointee.lastTs == 0 { c.pointee.lastTs = mul(batchList[c.pointee.batchIdx].time) }
        guard let base = buffer.baseAddress else { return false }
        let start = c.pointee.pos
        let end = c.pointee.end
        var pos = start
        let typ = base.load(fromByteOffset: pos, as: UInt8.self)
        pos &+= 1
        let info = wireInfo[Int(typ)]
        if info.argCount == 0xff {
            throw V2Reader.decodeError(typ >= Wire.maxExperimental ? "found invalid event type: \(typ)" : "found event without a timestamp: type=\(typ)",
                                       start, genNumber, batchList[c.pointee.batchIdx])
        }
        /// Go's `binary.Uvarint` within the batch. (A branch-free eight-byte decoder measured
        /// slower: most values here take one or two bytes.)
        @inline(__always) func uvarint() -> UInt64? {
            var x: UInt64 = 0
            var shift: UInt64 = 0
            var i = 0
            while pos < end {
                let v = base.load(fromByteOffset: pos, as: UInt8.self)
                pos &+= 1
                if v < 0x80 {
                    if i == 9 && v > 1 { return nil }
                    return x | UInt64(v) << shift
                }
                x |= UInt64(v & 0x7f) << shift
                shift += 7
                i += 1
                if i == 10 { return nil }
            }
            return nil
        }
        /// The same where the batch has room for the longest event (`fastRoom` bytes): one- and
        /// two-byte values (nearly all of them) without a bounds check per byte.
        @inline(__always) func quickUvarint() -> UInt64? {
            let b0 = base.load(fromByteOffset: pos, as: UInt8.self)
            if b0 < 0x80 {
                pos &+= 1
                return UInt64(b0)
            }
            let b1 = base.load(fromByteOffset: pos &+ 1, as: UInt8.self)
            if b1 < 0x80 {
                pos &+= 2
                return UInt64(b0 & 0x7f) | UInt64(b1) << 7
            }
            return uvarint()
        }
        // The time delta and up to four arguments, straight into the cursor's event: its `time`
        // and `a0`…`a3` are consecutive words (so the ID arguments resolve by index). (Decoded
        // into a local tuple and copied, two 16-byte loads read what 8-byte stores had just
        // written, which the CPU cannot forward: some 14% of the serial ordering's time.)
        var badMask: UInt8 = 0
        let n = min(Int(info.argCount), 4)
        let w = (UnsafeMutableRawPointer(c) + V2Reader.cursorWords).assumingMemoryBound(to: UInt64.self)
        w[1] = 0
        w[2] = 0
        w[3] = 0
        w[4] = 0
        // The first word that is not a valid uvarint (Go stops at the delta, else reads on).
        let failed = { () -> Int in
            var failed = -1
            var k = 0
            if end &- pos >= V2Reader.fastRoom {
                // Unrolled (a loop's counter and exit test cost some six instructions an event).
                if let v = quickUvarint() { w[0] = v } else { failed = 0 }
                if n > 0 {
                    if let v = quickUvarint() { w[1] = v } else if failed < 0 { failed = 1 }
                    if n > 1 {
                        if let v = quickUvarint() { w[2] = v } else if failed < 0 { failed = 2 }
                        if n > 2 {
                            if let v = quickUvarint() { w[3] = v } else if failed < 0 { failed = 3 }
                            if n > 3 {
                                if let v = quickUvarint() { w[4] = v } else if failed < 0 { failed = 4 }
                            }
                        }
                    }
                }
            } else {
                repeat {
                    if let v = uvarint() { w[k] = v } else if failed < 0 { failed = k }
                    k &+= 1
                } while k <= n
            }
            if failed >= 0 { return failed }
            // String and stack IDs to global ones.
            V2Reader.resolve(w + 1, &badMask, info.stackMask, curStacks)
            V2Reader.resolve(w + 1, &badMask, info.stringMask, curStrings)
            return -1
        }()
        if failed >= 0 {
            throw V2Reader.decodeError(failed == 0 ? "found invalid uvarint for timestamp" : "found invalid uvarint",
                                       start, genNumber, batchList[c.pointee.batchIdx])
        }
        c.pointee.ev.type = typ
        c.pointee.ev.badMask = badMask
        let dt = w[0]
        // (An integer multiply where it gives Go's result: the double conversions and
        // saturation checks cost several instructions on every event's dependency chain.)
        let time = (dt < tickExactBelow ? Int64(bitPattern: dt &* tickNs) : mul(dt)) &+ c.pointee.lastTs
        c.pointee.ev.time = time
        c.pointee.lastTs = time
        c.pointee.pos = pos
        c.pointee.evStart = start
        return true
    }

    /// Byte offset in a `BatchCursor` of its event's `time`, the first of the five consecutive
    /// words `time`, `a0`…`a3` that the decoder fills.
    /// (Both offsets are compile-time constants; a stored `static let` would cost a lazy
    /// initialization check per event.)
    @inline(__always) static var cursorWords: Int {
        MemoryLayout<BatchCursor>.offset(of: \BatchCursor.ev).unsafelyUnwrapped
            &+ MemoryLayout<RawEvent>.offset(of: \RawEvent.time).unsafelyUnwrapped
    }

    /// Replaces the arguments `args[k]` for the bits k in `mask` (one or two at most) by their
    /// global IDs from `map`, marking in `bad` those it does not define. (Only the set bits, by
    /// index: a loop over all four arguments, or a switch per argument, cost some 15–25
    /// instructions an event.)
    @inline(__always)
    private static func resolve(_ args: UnsafeMutablePointer<UInt64>, _ bad: inout UInt8, _ mask: UInt8, _ map: Unmanaged<IDMap>) {
        var m = mask
        while m != 0 {
            let k = m.trailingZeroBitCount
            m &= m &- 1
            if let gid = map._withUnsafeGuaranteedRef({ $0.lookup(args[k]) }) { args[k] = UInt64(gid) } else { bad |= 1 << k }
        }
    }

    /// Bytes after an event's type byte that the longest event can take (a delta and four
    /// arguments of at most ten bytes each): with that much left in the batch, the decoder
    /// reads a value's first two bytes unchecked.
    static let fastRoom = 50

    /// Moves cursor `c` onto its next non-empty batch; false when it has none left.
    @inline(never)
    private func nextBatch(_ c: UnsafeMutablePointer<BatchCursor>) -> Bool {
        while c.pointee.pos == c.pointee.end {
            c.pointee.batchIdx += 1
            if c.pointee.batchIdx >= c.pointee.batchEnd { return false }
            let b = batchList[c.pointee.batchIdx]
            c.pointee.pos = b.dataStart
            c.pointee.end = b.dataStart + b.size
            c.pointee.lastTs = 0
        }
        return true
    }

    /// Builds a decoding error (out of line, off the hot path).
    @inline(never)
    static func decodeError(_ message: String, _ at: Int, _ gen: UInt64, _ b: BatchRef) -> TraceError {
        TraceError(message, offset: at, generation: gen, batchOffset: b.headerOffset)
    }

    // MARK: Heap (Go's exact binary heap, so that ties resolve the same way)

    private func heapInsert(_ c: HeapEntry) {
        frontier.append(c)
        _ = siftUp(frontier.count - 1)
    }

    @inline(__always) private func heapUpdate(_ i: Int) {
        // (Usually the head, which cannot move up.)
        if i > 0 && frontier[(i - 1) / 2].time > frontier[i].time {
            _ = siftUp(i)
            return
        }
        // Usually the entry is still no later than its children (the same M's next event comes
        // first again): the first comparison of `siftDown`, without entering it.
        let n = frontier.count
        let l = 2 * i + 1
        if l >= n { return }
        let t = frontier[i].time
        if t <= frontier[l].time && (l + 1 >= n || t <= frontier[l + 1].time) { return }
        siftDown(i)
    }

    private func heapRemove(_ i: Int) {
        var i = i
        while i > 0 {
            frontier.swapAt((i - 1) / 2, i)
            i = (i - 1) / 2
        }
        frontier.swapAt(0, frontier.count - 1)
        frontier.removeLast()
        siftDown(0)
    }

    private func siftUp(_ i: Int) -> Int {
        var i = i
        while i > 0 && frontier[(i - 1) / 2].time > frontier[i].time {
            frontier.swapAt((i - 1) / 2, i)
            i = (i - 1) / 2
        }
        return i
    }

    /// Go's `heapDown`, moving the element through a hole instead of swapping at every level (the
    /// same comparisons, so ties resolve as Go's do).
    @inline(__always)
    private func siftDown(_ i: Int) {
        let h = frontier.base
        let n = frontier.count
        guard i < n else { return }
        var i = i
        let moving = h[i]
        while true {
            let l = 2 * i + 1
            if l >= n { break }
            // Branch-free choice of the smaller child (the right one only if strictly smaller).
            let lt = h[l].time
            let rt = l + 1 < n ? h[l + 1].time : Int64.max
            let right = rt < lt
            let m = right ? l + 1 : l
            let mt = right ? rt : lt
            if !(mt < moving.time) { break }
            h[i] = h[m]
            i = m
        }
        h[i] = moving
    }
}

/// A generation ordered on the second core: its events as the serial ordering would hand them
/// out (if the run's guesses hold), kept until the stream gets there.
final class AheadJob: @unchecked Sendable {
    let gen: Generation
    let reader: V2Reader
    let events: PackedEvents
    /// The generation's event batch bytes (what bounds the runs queued at once).
    let batchBytes: Int
    /// TaskEnd events for tasks begun before the generation: (event index, task ID), and once
    /// adopted, the parent and type each gets from the real state.
    var taskEnds: [(index: Int, id: UInt64)] = []
    var taskEndFills: [(parent: UInt64, name: UInt64)] = []
    /// Whether the run got to the end of the generation.
    var ok = false
    /// A run on the generation's tail only: where it starts (see `V2Reader.planSplit`). A run
    /// on its first part: where it stops (`.max`: at the end), and the tail's run.
    var from: Int64?
    /// Set by the stream, possibly while the run is going (`V2Reader.splitWaited`).
    let stopAt = Atomic<Int64>(.max)
    var until: Int64 {
        get { stopAt.load(ordering: .relaxed) }
        set { stopAt.store(newValue, ordering: .relaxed) }
    }
    var tail: AheadJob?
    /// A part's threads' positions (thread, file offset of its next event, in thread order):
    /// where the first part stopped, where the tail started.
    var positions: [Int] = []
    /// Whether it was queued behind another run (for tests).
    var queuedBehind = false
    /// Whether the stream's own thread made it, while it waited for the run before.
    var inline = false
    /// The generation's counts instead of its events, for a stream that only counts
    /// (`V2Reader.censusMode`).
    var census: CensusCounter?
    /// Events the run ordered.
    var eventCount: Int { census?.events ?? events.count }
    let cancelled = Atomic<Bool>(false)
    /// Events ordered so far, updated every 4096 (the stream's estimate of how long it would wait).
    let progress = Atomic<Int>(0)
    /// Signalled once the run is over (a run queued is always run, or the worker is stopped,
    /// which waits only for the one running).
    let finished = DispatchSemaphore(value: 0)
    /// A generation with more events than this is left to the serial ordering rather than held
    /// in memory (at about 10 bytes an event, some 160 MiB).
    static let maxEvents = 1 << 24
    /// Event batch bytes above which a generation is not ordered ahead at all: a busy Go 1.25
    /// generation (one second) has about 33 MB, some 7 million events (about 70 MB packed).
    static let maxBytes = 64 << 20
    /// Event batch bytes of two runs queued at once, at most (about 140 MB packed between them).
    /// Enough for two one-second generations of a busy program (Go 1.25: about 33 MB each; the
    /// 1 GB Go 1.27 benchmark trace written on this machine: about 22 MB), so that the second
    /// core goes straight on to its next run and the late-run shift applies (see
    /// `scheduleAhead`). At 32 MB such generations went one at a time, and the stream waited
    /// for nearly every run: 0.8–1.6 s of a 5.4–6.2 s read of the 1 GB Go 1.27 trace (0.04–0.3 s
    /// at 64 MB), and the reads took 10% longer (interleaved runs: 5.54 s against 4.92 s on average; Go 1.25 at 80 MB:
    /// 6.18 s against 5.62 s), for some 110 MiB less peak RSS.
    static let maxQueuedBytes = 72 << 20

    init(gen: Generation, reader: V2Reader, events: PackedEvents, batchBytes: Int) {
        self.gen = gen
        self.reader = reader
        self.events = events
        self.batchBytes = batchBytes
    }

    /// Orders the generation (on the worker's thread; the worker then signals `finished`).
    func run() {
        ok = reader.runAhead(gen, self)
        // An ID the generation does not define: the stream orders it itself, for Go's error.
        if census?.sawBadID == true { ok = false }
        events.finish()
    }
}

/// Where an ahead run puts the events it orders: packed for the stream to hand out, or counted.
protocol AheadSink: AnyObject {
    func append(_ e: UnsafePointer<Event>, bad: UInt8)
    /// Events put so far.
    var count: Int { get }
    /// Whether the run must stop: it holds too much.
    var full: Bool { get }
}

extension PackedEvents: AheadSink {
    var full: Bool { count > AheadJob.maxEvents }
}

extension CensusCounter: AheadSink {
    var count: Int { events }
    /// Counts take the same memory however many events: never.
    var full: Bool { false }
}

/// What an event touches, for a tail run's check of events of the same time (`V2Reader.tieOK`):
/// a goroutine, proc, thread, task or the GC state, and the thread whose event it was.
struct TieKey {
    enum Kind: UInt8 { case goroutine, proc, thread, task, gc }
    var id: UInt64
    var m: Int64
    var kind: Kind
}

/// The second core: a thread that runs the queued runs one after the other, in the order the
/// stream submitted them, and ends when the queue is empty (the next submission starts another).
final class AheadWorker: Sendable {
    private struct State {
        var queue: [AheadJob] = []
        var current: AheadJob?
        var running = false
        var stopped = false
        /// Seconds to wait before taking each queued run (tests: runs the stream reaches before
        /// this thread took them).
        var takeDelay: Double = 0
    }
    private let state = Locked(State())

    /// See `State.takeDelay`.
    var takeDelay: Double {
        get { state.withLock { $0.takeDelay } }
        set { state.withLock { $0.takeDelay = newValue } }
    }

    func submit(_ job: AheadJob) {
        let start = state.withLock { s -> Bool in
            if s.stopped { return false }
            s.queue.append(job)
            if s.running { return false }
            s.running = true
            return true
        }
        guard start else { return }
        let thread = Thread { [self] in loop() }
        thread.stackSize = 1 << 22
        thread.start()
    }

    private func loop() {
        var done: AheadJob?
        while true {
            // (The run just done is no longer current before it signals: see below.)
            let delay = state.withLock { s -> Double in
                s.current = nil
                return s.takeDelay
            }
            if delay > 0 {
                done?.finished.signal()
                done = nil
                Thread.sleep(forTimeInterval: delay)
            }
            let job = state.withLock { s -> AheadJob? in
                // The run just done is no longer current before it signals: `stop` waits only
                // for a signal still to come (the stream may have taken this one already).
                s.current = nil
                if s.stopped || s.queue.isEmpty {
                    s.running = false
                    return nil
                }
                let j = s.queue.removeFirst()
                s.current = j
                return j
            }
            done?.finished.signal()
            guard let job else { return }
            job.run()
            done = job
        }
    }

    /// Takes `job` out of the queue if it has not started: true if it is the caller's now (it
    /// will not run here, nor be signalled).
    func claim(_ job: AheadJob) -> Bool {
        state.withLock { s in
            guard let i = s.queue.firstIndex(where: { $0 === job }) else { return false }
            s.queue.remove(at: i)
            return true
        }
    }

    /// Drops the runs not started, stops the one running and waits for it.
    func stop() {
        let running = state.withLock { s -> AheadJob? in
            s.stopped = true
            s.queue.removeAll()
            return s.current
        }
        guard let running else { return }
        running.cancelled.store(true, ordering: .relaxed)
        running.finished.wait()
    }
}

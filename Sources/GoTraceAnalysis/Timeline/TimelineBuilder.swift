import Dispatch
import GoTrace

/// Builds a `TimelineModel` from the ordered event stream in one pass.
///
/// Slices follow the proc-oriented generator of `go tool trace` (cmd/trace procgen.go,
/// gstate.go): a slice starts when a goroutine starts running on a proc (from trace start for one
/// already running) and ends when it stops, blocks, exits, or loses its proc in a syscall; a
/// goroutine whose syscall returns without a proc keeps its slice open, which Go drops when the
/// goroutine next starts (so do we). Where Go draws nothing (a goroutine that returns from a
/// syscall onto a new proc) a slice starts too.
/// Per-goroutine state lives in flat arrays indexed by dense goroutine number; nothing is
/// allocated per event.
///
/// ```swift
/// var b = TimelineBuilder(tables: reader.tables)
/// while let ev = try reader.next() { b.add(ev) }
/// let model = b.finish()
/// ```
public struct TimelineBuilder: EventConsumer {
    let m: TimelineModel
    private var counters = CounterTracker(sink: CounterSeriesSink())
    private var started = false
    private var syncs = 0

    /// Per goroutine (dense index), one record: a goroutine's state is one cache line.
    private struct GState {
        var open = -1
        var ready = Int64.min
        /// Start of the syscall holding a proc (Int64.min: none).
        var syscallStart = Int64.min
        /// Goroutine-scoped ranges: start of the running part (`inactive`, or `pending` while
        /// active but not running).
        var assist = TimelineBuilder.inactive
        var stw = TimelineBuilder.inactive
        var waker = UInt32.max
        var wakeStack: UInt32 = 0
        var blockReason: UInt32 = 0
        var firstStack: UInt32 = 0
        var ext: Int32 = -1
        var wakeKind = WakeKind.none.rawValue
    }
    private var gs: [GState] = []
    private var droppedSlices = 0
    private static let inactive = Int64.min
    private static let pending = Int64.min + 1

    // Per proc.
    private var pInSyscall: [Int] = []
    private var pSweep: [Int64] = []

    private var gcOpen: Int64?
    private var stwOpen: (start: Int64, kind: UInt32)?
    /// Open regions per dense goroutine (indices into `m.regions`), innermost last.
    private var openRegions: [UInt32: [Int]] = [:]

    private let networkID: UInt32
    private let sleepID: UInt32

    /// `expectedSlices` reserves address space for the slice columns (pages are only resident
    /// once written), so they never copy while growing.
    public init(tables: TraceTables, expectedSlices: Int = 0) {
        m = TimelineModel(tables: tables)
        // Interned before reading: the reader interns equal strings to the same IDs, so block
        // reasons compare as integers and the hot loop never touches the tables (which the
        // reader may be growing on another thread).
        networkID = tables.intern("network")
        sleepID = tables.intern("sleep")
        if expectedSlices > 0 {
            m.sliceStart.reserveCapacity(expectedSlices)
            m.sliceDur.reserveCapacity(expectedSlices)
            m.sliceInfo.reserveCapacity(expectedSlices)
        }
    }

    // MARK: Dense indices

    @inline(__always)
    private mutating func goroutine(_ id: Int64) -> Int {
        let known = m.goroutineIndex[id]
        if known >= 0 { return Int(known) }
        let d = m.goroutineIDs.count
        m.goroutineIndex[id] = Int32(truncatingIfNeeded: d)
        m.goroutineIDs.append(id)
        m.goroutineFunc.append(0)
        m.goroutineLabel.append(0)
        m.goroutineCreated.append(Int64.min)
        m.goroutineCreateStack.append(0)
        m.goroutineStartStack.append(0)
        m.goroutineCreator.append(UInt32.max)
        m.goroutineEnded.append(Int64.min)
        gs.append(GState())
        return d
    }

    @inline(__always)
    private mutating func proc(_ id: Int64) -> Int {
        if id == noID { return -1 }
        let known = m.procIndex[id]
        if known >= 0 { return Int(known) }
        let d = m.procIDs.count
        m.procIndex[id] = Int32(truncatingIfNeeded: d)
        m.procIDs.append(id)
        m.work.append(SpanList())
        m.cpuSamples.append(InstantList())
        pInSyscall.append(-1)
        pSweep.append(Self.inactive)
        return d
    }

    @inline(__always)
    private mutating func thread(_ id: Int64) -> Int {
        if id == noID { return -1 }
        let known = m.threadIndex[id]
        if known >= 0 { return Int(known) }
        let d = m.threadIDs.count
        m.threadIndex[id] = Int32(truncatingIfNeeded: d)
        m.threadIDs.append(id)
        return d
    }

    @inline(__always)
    private mutating func denseOrNone(_ g: Int64) -> UInt32 {
        g == noID ? UInt32.max : UInt32(truncatingIfNeeded: goroutine(g))
    }

    // MARK: Events

    public mutating func add(_ ev: Event) {
        if !started {
            started = true
            m.traceStart = ev.time
        }
        m.traceEnd = ev.time
        let transition = ev.kind == .stateTransition ? ev.transition : nil
        counters.add(ev, transition: transition)
        switch ev.kind {
        case .sync:
            syncs += 1
        case .stateTransition:
            guard let st = transition else { return }
            switch st.resource {
            case .goroutine(let id): goroutineTransition(ev, st, goroutine(id))
            case .proc(let id): procTransition(ev, st, proc(id))
            default: break
            }
        case .rangeBegin, .rangeActive, .rangeEnd:
            range(ev)
        case .stackSample:
            let p = proc(ev.proc)
            if p >= 0 {
                m.cpuSamples[p].append(ev.time, ev.stackID)
                m.cpuSampleCount += 1
            }
        case .label:
            if ev.goroutine != noID { m.goroutineLabel[goroutine(ev.goroutine)] = ev.labelStringID }
        case .log:
            let g = denseOrNone(ev.goroutine)
            m.logLane.append(ev.time, UInt32(truncatingIfNeeded: m.logs.count))
            m.logs.append(TimelineLog(time: ev.time, goroutine: g, proc: Int32(truncatingIfNeeded: proc(ev.proc)),
                                      task: ev.taskID, category: ev.logCategoryID, message: ev.logMessageID,
                                      stack: ev.stackID))
            if g != UInt32.max { taskGoroutine(ev.taskID, g) }
        case .regionBegin:
            guard ev.goroutine != noID else { return }
            let g = UInt32(truncatingIfNeeded: goroutine(ev.goroutine))
            openRegions[g, default: []].append(m.regions.count)
            m.regions.append(TimelineRegion(start: ev.time, end: Int64.min, goroutine: g, task: ev.taskID,
                                            name: ev.typeStringID, startStack: ev.stackID, endStack: 0))
            taskGoroutine(ev.taskID, g)
        case .regionEnd:
            guard ev.goroutine != noID else { return }
            let g = UInt32(truncatingIfNeeded: goroutine(ev.goroutine))
            if var open = openRegions[g], let k = open.lastIndex(where: { m.regions[$0].name == ev.typeStringID }) {
                m.regions[open[k]].end = ev.time
                m.regions[open[k]].endStack = ev.stackID
                open.remove(at: k)
                openRegions[g] = open.isEmpty ? nil : open
            } else {
                // Began before the trace.
                m.regions.append(TimelineRegion(start: Int64.min, end: ev.time, goroutine: g, task: ev.taskID,
                                                name: ev.typeStringID, startStack: 0, endStack: ev.stackID))
            }
            taskGoroutine(ev.taskID, g)
        case .taskBegin:
            let k = task(ev.taskID)
            m.tasks[k].start = ev.time
            m.tasks[k].parent = ev.taskParent
            m.tasks[k].name = ev.typeStringID
            if ev.taskParent != 0 && ev.taskParent != noTask {
                let p = task(ev.taskParent)
                m.tasks[p].children.append(ev.taskID)
            }
            if ev.goroutine != noID { taskGoroutine(ev.taskID, UInt32(truncatingIfNeeded: goroutine(ev.goroutine))) }
        case .taskEnd:
            let k = task(ev.taskID)
            m.tasks[k].end = ev.time
            if m.tasks[k].name == 0 { m.tasks[k].name = ev.typeStringID }
            if ev.goroutine != noID { taskGoroutine(ev.taskID, UInt32(truncatingIfNeeded: goroutine(ev.goroutine))) }
        default:
            break
        }
    }

    private mutating func task(_ id: UInt64) -> Int {
        if let k = m.taskIndex[id] { return k }
        m.taskIndex[id] = m.tasks.count
        m.tasks.append(TimelineTask(id: id, parent: 0, name: 0, start: Int64.min, end: Int64.min, children: [], goroutines: []))
        return m.tasks.count - 1
    }

    private mutating func taskGoroutine(_ id: UInt64, _ g: UInt32) {
        guard id != 0 && id != noTask else { return }
        let k = task(id)
        if m.tasks[k].goroutines.last != g && !m.tasks[k].goroutines.contains(g) && m.tasks[k].goroutines.count < 10_000 {
            m.tasks[k].goroutines.append(g)
        }
    }

    private mutating func goroutineTransition(_ ev: Event, _ st: StateTransition, _ g: Int) {
        let from = st.goFrom, to = st.goTo
        if from == to { return }
        let t = ev.time
        if gs[g].firstStack == 0 && st.stackID != 0 { gs[g].firstStack = st.stackID }
        let p = proc(ev.proc)
        if from == .running && to != .syscall {
            closeSlice(g, at: t, end: to == .waiting ? .blocked : to == .notExist ? .exited : .stopped,
                       reason: st.reasonID, stack: ev.stackID)
            if to == .runnable { setWake(g, t, waker: UInt32.max, kind: .stopped, stack: 0) }
        }
        if to == .waiting { gs[g].blockReason = st.reasonID }
        if to == .notExist { m.goroutineEnded[g] = t }
        if from == .notExist {
            m.goroutineCreated[g] = t
            m.goroutineCreateStack[g] = ev.stackID
            m.goroutineStartStack[g] = st.stackID
            m.goroutineCreator[g] = denseOrNone(ev.goroutine)
            setWake(g, t, waker: m.goroutineCreator[g], kind: .created, stack: ev.stackID)
        }
        if from == .waiting {
            let reason = gs[g].blockReason
            let kind: WakeKind
            if reason == networkID {
                kind = .network
                m.networkLane.append(t, UInt32(truncatingIfNeeded: g))
            } else if reason == sleepID {
                kind = .timer
                m.timerLane.append(t, UInt32(truncatingIfNeeded: g))
            } else {
                kind = .unblocked
            }
            setWake(g, t, waker: denseOrNone(ev.goroutine), kind: kind, stack: ev.stackID)
        }
        if !from.isExecuting && to.isExecuting {
            // Go's start. A slice still open is dropped, as Go's start overwrites it (see below).
            let start = from == .undetermined ? m.traceStart : t
            if from == .undetermined { setWake(g, start, waker: UInt32.max, kind: .none, stack: 0) }
            if p >= 0 || to == .running {
                openSlice(g, at: start, proc: p, thread: thread(ev.thread))
            }
        }
        if from == .syscall && to != .running {
            // The syscall returned without a proc. Go does not stop the goroutine's slice here:
            // one still open (a v1 trace's blocking syscall, whose proc hand-off the trace does
            // not record) is dropped when the goroutine next starts, or runs to the trace end.
            setWake(g, t, waker: UInt32.max, kind: .syscallReturn, stack: ev.stackID)
            m.syscallLane.append(t, UInt32(truncatingIfNeeded: g))
        } else if from == .syscall && gs[g].open < 0 {
            // Back from a syscall onto a proc after losing its own: Go draws nothing until the
            // goroutine next stops and starts; it is running, so a slice starts.
            setWake(g, t, waker: UInt32.max, kind: .syscallReturn, stack: 0)
            openSlice(g, at: t, proc: p, thread: thread(ev.thread))
        }
        if to == .syscall {
            let start = from == .undetermined ? m.traceStart : t
            if p >= 0 {
                // Go's syscallBegin: the syscall holds this proc (and makes the goroutine
                // executing on it if it was not).
                if gs[g].open < 0 { openSlice(g, at: start, proc: p, thread: thread(ev.thread)) }
                gs[g].syscallStart = start
                pInSyscall[p] = g
            } else {
                // In a syscall without a proc (created in one, or found so): only a thread.
                openExt(g, at: start, thread: thread(ev.thread))
            }
        }
        if from == .syscall {
            // Go ends this goroutine's syscall when the event's proc has one registered,
            // whichever goroutine registered it.
            if p >= 0 && pInSyscall[p] >= 0 {
                syscallEnd(g, at: t)
                pInSyscall[p] = -1
            }
            closeExt(g, at: t)
        }
    }

    private mutating func procTransition(_ ev: Event, _ st: StateTransition, _ p: Int) {
        guard p >= 0 else { return }
        let from = st.procFrom, to = st.procTo
        if from == to { return }
        if from == .running, pInSyscall[p] >= 0 {
            // The goroutine stays in its syscall but loses the proc: its slice ends here and it
            // keeps only its thread until the syscall returns.
            let g = pInSyscall[p]
            let t = ev.time
            syscallEnd(g, at: t)
            pInSyscall[p] = -1
            let th = gs[g].open >= 0 ? m.sliceThread(gs[g].open) : -1
            closeSlice(g, at: t, end: .syscallLostProc, reason: 0, stack: ev.stackID)
            openExt(g, at: t, thread: th)
        }
    }

    private mutating func range(_ ev: Event) {
        let t = ev.time
        switch ev.type {
        case Wire.gcBegin:
            gcOpen = t
        case Wire.gcActive:
            if gcOpen == nil { gcOpen = syncs < 2 ? m.traceStart : t }
        case Wire.gcEnd:
            m.gcLane.append(gcOpen ?? m.traceStart, t, label: 0, kind: 0)
            gcOpen = nil
        case Wire.stwBegin:
            stwOpen = (t, UInt32(truncatingIfNeeded: ev.a0))
            if ev.goroutine != noID { rangeBegin(.stopTheWorld, goroutine(ev.goroutine), t) }
        case Wire.stwEnd:
            let kind = stwOpen?.kind ?? UInt32(truncatingIfNeeded: ev.a0)
            m.stwLane.append(stwOpen?.start ?? m.traceStart, t, label: kind, kind: 0)
            stwOpen = nil
            if ev.goroutine != noID { rangeEnd(.stopTheWorld, goroutine(ev.goroutine), t) }
        case Wire.gcMarkAssistBegin, Wire.gcMarkAssistActive:
            if case .goroutine(let id) = ev.rangeScope, id != noID {
                let g = goroutine(id)
                if gs[g].assist == Self.inactive {
                    rangeBegin(.markAssist, g, ev.type == Wire.gcMarkAssistActive && gs[g].open >= 0 ? m.sliceStart[gs[g].open] : t)
                }
            }
        case Wire.gcMarkAssistEnd:
            if case .goroutine(let id) = ev.rangeScope, id != noID {
                rangeEnd(.markAssist, goroutine(id), t)
            }
        case Wire.gcSweepBegin:
            let p = proc(ev.proc)
            if p >= 0 { pSweep[p] = t }
        case Wire.gcSweepActive:
            let p = proc(Int64(bitPattern: ev.a0))
            if p >= 0 && pSweep[p] == Self.inactive { pSweep[p] = syncs < 2 ? m.traceStart : t }
        case Wire.gcSweepEnd:
            let p = proc(ev.proc)
            if p >= 0 {
                let s = pSweep[p] == Self.inactive ? m.traceStart : pSweep[p]
                m.work[p].append(s, t, label: UInt32.max, kind: WorkKind.sweep.rawValue)
                pSweep[p] = Self.inactive
            }
        default:
            break
        }
    }

    // MARK: Slices

    @inline(__always)
    private mutating func setWake(_ g: Int, _ t: Int64, waker: UInt32, kind: WakeKind, stack: UInt32) {
        gs[g].ready = t
        gs[g].waker = waker
        gs[g].wakeKind = kind.rawValue
        gs[g].wakeStack = stack
    }

    private mutating func openSlice(_ g: Int, at t: Int64, proc p: Int, thread th: Int) {
        if gs[g].open >= 0 { dropSlice(gs[g].open) }
        let i = m.sliceStart.count
        m.sliceStart.append(t)
        m.sliceDur.append(0)
        let ready = gs[g].ready == Int64.min || gs[g].ready > t ? t : gs[g].ready
        let wait = t &- ready
        var delta = UInt32.max
        if wait >= 0 && wait < Int64(UInt32.max) { delta = UInt32(wait) } else { m.longReady[i] = wait }
        m.sliceInfo.append(SliceInfo(
            g: UInt32(truncatingIfNeeded: g), waker: gs[g].waker,
            info: UInt32(SliceEnd.traceEnd.rawValue) | UInt32(gs[g].wakeKind & 15) << 4, endStack: 0,
            wakeStack: gs[g].wakeStack, readyDelta: delta,
            thread: th >= 0 && th < Int(UInt16.max) ? UInt16(th) : UInt16.max,
            proc: p >= 0 && p <= Int(Int16.max) ? Int16(p) : -1))
        gs[g].open = i
        setWake(g, Int64.min, waker: UInt32.max, kind: .none, stack: 0)
        if gs[g].assist != Self.inactive { gs[g].assist = t }
        if gs[g].stw != Self.inactive { gs[g].stw = t }
    }

    /// Marks slice `i` as not drawn (Go's start overwrote it); removed in `finish`.
    private mutating func dropSlice(_ i: Int) {
        m.sliceInfo[i].info = Self.droppedInfo
        m.sliceDur[i] = 0
        m.longDurations[i] = nil
        droppedSlices += 1
    }

    private static let droppedInfo = UInt32.max

    private mutating func closeSlice(_ g: Int, at t: Int64, end: SliceEnd, reason: UInt32, stack: UInt32) {
        let i = gs[g].open
        guard i >= 0 else { return }
        let d = Swift.max(0, t &- m.sliceStart[i])
        if d < Int64(UInt32.max) { m.sliceDur[i] = UInt32(d) } else { m.sliceDur[i] = UInt32.max; m.longDurations[i] = d }
        let r = reason < 1 << 24 ? reason : 0
        m.sliceInfo[i].info = UInt32(end.rawValue) | (m.sliceInfo[i].info & 0xf0) | (r << 8)
        m.sliceInfo[i].endStack = stack
        gs[g].open = -1
        let p = m.sliceProc(i)
        if gs[g].assist > Self.pending {
            if p >= 0 { m.work[p].append(gs[g].assist, t, label: UInt32(truncatingIfNeeded: g), kind: WorkKind.markAssist.rawValue) }
            gs[g].assist = Self.pending
        }
        if gs[g].stw > Self.pending {
            if p >= 0 { m.work[p].append(gs[g].stw, t, label: UInt32(truncatingIfNeeded: g), kind: WorkKind.stopTheWorld.rawValue) }
            gs[g].stw = Self.pending
        }
    }

    /// Starts a goroutine-scoped range (mark assist or STW): timed from now if the goroutine is
    /// running, else from when it next runs.
    private mutating func rangeBegin(_ kind: WorkKind, _ g: Int, _ t: Int64) {
        let v = gs[g].open >= 0 ? t : Self.pending
        if kind == .markAssist { gs[g].assist = v } else { gs[g].stw = v }
    }

    private mutating func rangeEnd(_ kind: WorkKind, _ g: Int, _ t: Int64) {
        let since = kind == .markAssist ? gs[g].assist : gs[g].stw
        if since > Self.pending, gs[g].open >= 0 {
            let p = m.sliceProc(gs[g].open)
            if p >= 0 { m.work[p].append(since, t, label: UInt32(truncatingIfNeeded: g), kind: kind.rawValue) }
        }
        if kind == .markAssist { gs[g].assist = Self.inactive } else { gs[g].stw = Self.inactive }
    }

    /// Go's `syscallEnd`: the goroutine's syscall (if one holds a proc) becomes a work span on
    /// the proc of its slice. (Go emits it when the slice stops, on that slice's proc; the two
    /// differ only if the slice is dropped and the goroutine restarts on another proc first.)
    private mutating func syscallEnd(_ g: Int, at t: Int64) {
        let since = gs[g].syscallStart
        guard since != Int64.min else { return }
        gs[g].syscallStart = Int64.min
        guard gs[g].open >= 0 else { return }
        let p = m.sliceProc(gs[g].open)
        if p >= 0 { m.work[p].append(since, t, label: UInt32(truncatingIfNeeded: g), kind: WorkKind.syscall.rawValue) }
    }

    private mutating func closeExt(_ g: Int, at t: Int64) {
        let e = Int(gs[g].ext)
        if e >= 0 {
            m.extEnd[e] = Swift.max(t, m.extStart[e])
            gs[g].ext = -1
        }
    }

    private mutating func openExt(_ g: Int, at t: Int64, thread th: Int) {
        guard th >= 0, gs[g].ext < 0, m.extStart.count < Int(Int32.max) else { return }
        gs[g].ext = Int32(m.extStart.count)
        m.extStart.append(t)
        m.extEnd.append(t)
        m.extG.append(UInt32(truncatingIfNeeded: g))
        m.extThread.append(Int32(truncatingIfNeeded: th))
    }

    // MARK: Finish

    /// Closes what is still open at the trace's end and builds the indexes.
    public mutating func finish() -> TimelineModel {
        let end = m.traceEnd
        for g in 0..<gs.count {
            if gs[g].open >= 0 {
                syscallEnd(g, at: end)
                closeSlice(g, at: end, end: .traceEnd, reason: 0, stack: 0)
            }
            closeExt(g, at: end)
            // Named by the root frame of its first transition stack, as go tool trace names it.
            if gs[g].firstStack != 0, let root = m.tables.frames(ofStack: gs[g].firstStack).last {
                m.goroutineFunc[g] = root.funcID
            }
        }
        gs = []
        // Per-goroutine columns grew one by one: give back their slack.
        m.goroutineIDs = exact(m.goroutineIDs)
        m.goroutineFunc = exact(m.goroutineFunc)
        m.goroutineLabel = exact(m.goroutineLabel)
        m.goroutineCreated = exact(m.goroutineCreated)
        m.goroutineCreateStack = exact(m.goroutineCreateStack)
        m.goroutineStartStack = exact(m.goroutineStartStack)
        m.goroutineCreator = exact(m.goroutineCreator)
        m.goroutineEnded = exact(m.goroutineEnded)
        for k in 0..<m.regions.count {
            if m.regions[k].start == Int64.min { m.regions[k].start = m.traceStart }
            if m.regions[k].end == Int64.min { m.regions[k].end = end }
        }
        for p in 0..<pSweep.count where pSweep[p] != Self.inactive {
            m.work[p].append(pSweep[p], end, label: UInt32.max, kind: WorkKind.sweep.rawValue)
        }
        if let s = gcOpen { m.gcLane.append(s, end, label: 0, kind: 0) }
        if let s = stwOpen { m.stwLane.append(s.start, end, label: s.kind, kind: 0) }
        for p in 0..<m.work.count { m.work[p].sortByStart() }
        m.gcLane.sortByStart()
        m.stwLane.sortByStart()

        if droppedSlices > 0 { removeDroppedSlices() }
        let n = m.sliceCount
        let model = m
        m.procSlices = CSR.build(rows: m.procIDs.count, count: n) { model.sliceProc($0) }
        m.goroutineSlices = CSR.build(rows: m.goroutineIDs.count, count: n) { Int(model.sliceG($0)) }
        m.procBusy = (0..<m.procSlices.rows).map { m.busyPrefix(items: m.procSlices.row($0), thread: false) }

        let c = counters.sink
        m.heap = c.heap
        m.goroutineCounts = c.goroutines
        m.threadCounts = c.threads
        m.syscallCounts = c.syscalls
        return m
    }
}

extension TimelineBuilder {
    /// Compacts the slice columns without the dropped slices (rare: v1 traces' blocking syscalls).
    private mutating func removeDroppedSlices() {
        var newIndex = [Int](repeating: -1, count: m.sliceStart.count)
        var k = 0
        for i in 0..<m.sliceStart.count where m.sliceInfo[i].info != Self.droppedInfo {
            newIndex[i] = k
            m.sliceStart[k] = m.sliceStart[i]
            m.sliceDur[k] = m.sliceDur[i]
            m.sliceInfo[k] = m.sliceInfo[i]
            k += 1
        }
        m.sliceStart.removeLast(m.sliceStart.count - k)
        m.sliceDur.removeLast(m.sliceDur.count - k)
        m.sliceInfo.removeLast(m.sliceInfo.count - k)
        m.longDurations = Dictionary(uniqueKeysWithValues: m.longDurations.compactMap { newIndex[$0.key] >= 0 ? (newIndex[$0.key], $0.value) : nil })
        m.longReady = Dictionary(uniqueKeysWithValues: m.longReady.compactMap { newIndex[$0.key] >= 0 ? (newIndex[$0.key], $0.value) : nil })
        droppedSlices = 0
    }
}

/// A copy of `a` without spare capacity.
func exact<T>(_ a: [T]) -> [T] { a.withUnsafeBufferPointer { Array($0) } }

extension TimelineModel {
    /// Builds the timeline of the trace at `path` by streaming it (no event store). As
    /// `go tool trace` does, the timeline of a trace that breaks keeps the events up to its last
    /// complete generation: the stream is read a second time up to there.
    ///
    /// Reading (decoding, ordering, validation) runs on the calling thread and building on a
    /// second one, fed in batches, so the two overlap on a multi-core machine.
    public static func build(path: String, progress: ((Int, Int) -> Void)? = nil) throws(TraceError)
        -> (model: TimelineModel, info: TraceStreamInfo) {
        var (info, model) = try scan(path: path, limit: nil, progress: progress)
        if info.validEvents == 0 {
            throw TraceError("failed to parse any useful part of the trace: \(info.error?.message ?? "no events")")
        }
        if info.error != nil {
            let first = info
            (info, model) = try scan(path: path, limit: first.validEvents, progress: nil)
            info.error = first.error
            info.validBytes = first.validBytes
            info.generations = first.generations
            info.eventsRead = first.eventsRead
        }
        return (model, info)
    }

    private static func scan(path: String, limit: Int?, progress: ((Int, Int) -> Void)?) throws(TraceError)
        -> (TraceStreamInfo, TimelineModel) {
        let bytes = try TraceBytes(path: path)
        // The builder has the second core: no generation is ordered ahead on it.
        let reader = try TraceReader(bytes: bytes, orderAhead: false)
        // About one slice per 17 bytes of a busy trace; reserve generously (address space only, at
        // most 2 GiB of it, so a huge trace cannot ask for more than the machine will map).
        let sink = PipelinedConsumer(TimelineBuilder(tables: reader.tables, expectedSlices: min(bytes.count / 8, 1 << 26)),
                                     label: "gotrace.timeline")
        let info = TraceStreamer.scan(reader, fileBytes: bytes.count, limit: limit, progress: progress, send: sink.send)
        return (info, try sink.finish { $0.finish() })
    }

    @inline(__always)
    func start(ofThreadItem i: Int) -> Int64 { i < sliceCount ? sliceStart[i] : extStart[i - sliceCount] }
    @inline(__always)
    func end(ofThreadItem i: Int) -> Int64 { i < sliceCount ? sliceEnd(i) : extEnd[i - sliceCount] }

    func busyPrefix(items: ArraySlice<UInt32>, thread: Bool) -> [Int64] {
        var out: [Int64] = [0]
        out.reserveCapacity(items.count / Self.busyStride + 2)
        var sum: Int64 = 0
        var k = 0
        for it in items {
            let i = Int(it)
            sum &+= thread ? end(ofThreadItem: i) - start(ofThreadItem: i) : sliceEnd(i) - sliceStart[i]
            k += 1
            if k % Self.busyStride == 0 { out.append(sum) }
        }
        return out
    }
}

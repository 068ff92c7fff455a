import GoTrace

/// Builds a `TimelineModel` from the ordered event stream in one pass.
///
/// Slices follow the proc-oriented generator of `go tool trace` (cmd/trace procgen.go,
/// gstate.go): a slice starts when a goroutine starts running on a proc (from trace start for one
/// already running) and ends when it stops, blocks, exits, or loses its proc in a syscall. Where
/// Go draws nothing (a goroutine that returns from a syscall onto a new proc) a slice starts too.
/// Per-goroutine state lives in flat arrays indexed by dense goroutine number; nothing is
/// allocated per event.
///
/// ```swift
/// var b = TimelineBuilder(tables: reader.tables)
/// while let ev = try reader.next() { b.add(ev) }
/// let model = b.finish()
/// ```
public struct TimelineBuilder {
    let m: TimelineModel
    private var counters = CounterTracker(sink: CounterSeriesSink())
    private var started = false
    private var syncs = 0

    // Per goroutine (dense index).
    private var gOpen: [Int] = []
    private var gReady: [Int64] = []
    private var gWaker: [UInt32] = []
    private var gWakerProc: [Int32] = []
    private var gWakeKind: [UInt8] = []
    private var gWakeStack: [UInt32] = []
    private var gBlockReason: [UInt32] = []
    private var gSyscallStart: [Int64] = []
    /// Proc the syscall holds (-1: none, or lost).
    private var gSyscallProc: [Int32] = []
    private var gExtOpen: [Int] = []
    /// Goroutine-scoped ranges: start of the running part (`Int64.min` = not active; `pending`
    /// = active but not running).
    private var gAssist: [Int64] = []
    private var gSTW: [Int64] = []
    private static let inactive = Int64.min
    private static let pending = Int64.min + 1

    // Per proc.
    private var pInSyscall: [Int] = []
    private var pSweep: [Int64] = []

    private var gcOpen: Int64?
    private var stwOpen: (start: Int64, kind: UInt32)?

    private let networkID: UInt32
    private let sleepID: UInt32

    public init(tables: TraceTables) {
        m = TimelineModel(tables: tables)
        networkID = tables.intern("network")
        sleepID = tables.intern("sleep")
    }

    // MARK: Dense indices

    @inline(__always)
    private mutating func goroutine(_ id: Int64) -> Int {
        if let d = m.goroutineIndex[id] { return Int(d) }
        let d = m.goroutineIDs.count
        m.goroutineIndex.insert(id, Int32(truncatingIfNeeded: d))
        m.goroutineIDs.append(id)
        m.goroutineFunc.append(0)
        m.goroutineLabel.append(0)
        m.goroutineCreated.append(Int64.min)
        m.goroutineCreateStack.append(0)
        m.goroutineStartStack.append(0)
        m.goroutineCreator.append(UInt32.max)
        m.goroutineEnded.append(Int64.min)
        gOpen.append(-1)
        gReady.append(Int64.min)
        gWaker.append(UInt32.max)
        gWakerProc.append(-1)
        gWakeKind.append(WakeKind.none.rawValue)
        gWakeStack.append(0)
        gBlockReason.append(0)
        gSyscallStart.append(Int64.min)
        gSyscallProc.append(-1)
        gExtOpen.append(-1)
        gAssist.append(Self.inactive)
        gSTW.append(Self.inactive)
        return d
    }

    @inline(__always)
    private mutating func proc(_ id: Int64) -> Int {
        if id == noID { return -1 }
        if let d = m.procIndex[id] { return Int(d) }
        let d = m.procIDs.count
        m.procIndex.insert(id, Int32(truncatingIfNeeded: d))
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
        if let d = m.threadIndex[id] { return Int(d) }
        let d = m.threadIDs.count
        m.threadIndex.insert(id, Int32(truncatingIfNeeded: d))
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
        counters.add(ev)
        switch ev.kind {
        case .sync:
            syncs += 1
        case .stateTransition:
            guard let st = ev.transition else { return }
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
            m.logs.append(TimelineLog(time: ev.time, goroutine: g, proc: Int32(truncatingIfNeeded: proc(ev.proc)),
                                      task: ev.taskID, category: ev.logCategoryID, message: ev.logMessageID,
                                      stack: ev.stackID))
        default:
            break
        }
    }

    private mutating func goroutineTransition(_ ev: Event, _ st: StateTransition, _ g: Int) {
        let from = st.goFrom, to = st.goTo
        if from == to { return }
        let t = ev.time
        if m.goroutineFunc[g] == 0, st.stackID != 0, let root = m.tables.frames(ofStack: st.stackID).last {
            m.goroutineFunc[g] = root.funcID
        }
        let p = proc(ev.proc)
        if from == .running && to != .syscall {
            closeSlice(g, at: t, end: to == .waiting ? .blocked : to == .notExist ? .exited : .stopped,
                       reason: st.reasonID, stack: ev.stackID)
            if to == .runnable { setWake(g, t, waker: UInt32.max, proc: -1, kind: .stopped, stack: 0) }
        }
        if to == .waiting { gBlockReason[g] = st.reasonID }
        if to == .notExist { m.goroutineEnded[g] = t }
        if from == .notExist {
            m.goroutineCreated[g] = t
            m.goroutineCreateStack[g] = ev.stackID
            m.goroutineStartStack[g] = st.stackID
            m.goroutineCreator[g] = denseOrNone(ev.goroutine)
            setWake(g, t, waker: m.goroutineCreator[g], proc: Int32(truncatingIfNeeded: p), kind: .created,
                    stack: ev.stackID)
        }
        if from == .waiting {
            let reason = gBlockReason[g]
            let kind: WakeKind
            if reason == networkID || m.tables.string(reason).contains("network") {
                kind = .network
                m.networkLane.append(t, UInt32(truncatingIfNeeded: g))
            } else if reason == sleepID {
                kind = .timer
                m.timerLane.append(t, UInt32(truncatingIfNeeded: g))
            } else {
                kind = .unblocked
            }
            setWake(g, t, waker: denseOrNone(ev.goroutine), proc: Int32(truncatingIfNeeded: p), kind: kind,
                    stack: ev.stackID)
        }
        if from == .syscall {
            endSyscall(g, at: t)
            switch to {
            case .running:
                if gOpen[g] < 0 {
                    setWake(g, t, waker: UInt32.max, proc: -1, kind: .syscallReturn, stack: 0)
                    openSlice(g, at: t, proc: p, thread: thread(ev.thread))
                }
            case .runnable:
                closeSlice(g, at: t, end: .syscallEnded, reason: 0, stack: ev.stackID)
                setWake(g, t, waker: UInt32.max, proc: -1, kind: .syscallReturn, stack: ev.stackID)
                m.syscallLane.append(t, UInt32(truncatingIfNeeded: g))
            default:
                closeSlice(g, at: t, end: to == .notExist ? .exited : .syscallEnded, reason: st.reasonID,
                           stack: ev.stackID)
            }
        } else if !from.isExecuting && to.isExecuting {
            let start = from == .undetermined ? m.traceStart : t
            if from == .undetermined { setWake(g, start, waker: UInt32.max, proc: -1, kind: .none, stack: 0) }
            if p >= 0 || to == .running {
                openSlice(g, at: start, proc: p, thread: thread(ev.thread))
            }
        }
        if to == .syscall {
            gSyscallStart[g] = from == .undetermined ? m.traceStart : t
            if p >= 0 && gOpen[g] >= 0 {
                gSyscallProc[g] = Int32(truncatingIfNeeded: p)
                pInSyscall[p] = g
            } else {
                // In a syscall without a proc (created in one, or found so): only a thread.
                gSyscallProc[g] = -1
                openExt(g, at: gSyscallStart[g], thread: thread(ev.thread))
            }
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
            m.work[p].append(gSyscallStart[g], t, label: UInt32(truncatingIfNeeded: g), kind: WorkKind.syscall.rawValue)
            pInSyscall[p] = -1
            gSyscallProc[g] = -1
            let th = gOpen[g] >= 0 ? Int(m.sliceThread[gOpen[g]]) : -1
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
                if gAssist[g] == Self.inactive {
                    rangeBegin(.markAssist, g, ev.type == Wire.gcMarkAssistActive && gOpen[g] >= 0 ? m.sliceStart[gOpen[g]] : t)
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
    private mutating func setWake(_ g: Int, _ t: Int64, waker: UInt32, proc: Int32, kind: WakeKind, stack: UInt32) {
        gReady[g] = t
        gWaker[g] = waker
        gWakerProc[g] = proc
        gWakeKind[g] = kind.rawValue
        gWakeStack[g] = stack
    }

    private mutating func openSlice(_ g: Int, at t: Int64, proc p: Int, thread th: Int) {
        if gOpen[g] >= 0 { closeSlice(g, at: t, end: .stopped, reason: 0, stack: 0) }
        let i = m.sliceStart.count
        m.sliceStart.append(t)
        m.sliceEnd.append(t)
        m.sliceG.append(UInt32(truncatingIfNeeded: g))
        m.sliceProc.append(Int32(truncatingIfNeeded: p))
        m.sliceThread.append(Int32(truncatingIfNeeded: th))
        m.sliceEndInfo.append(UInt32(SliceEnd.traceEnd.rawValue))
        m.sliceEndStack.append(0)
        let ready = gReady[g] == Int64.min || gReady[g] > t ? t : gReady[g]
        m.sliceReady.append(ready)
        m.sliceWaker.append(gWaker[g])
        m.sliceWakerProc.append(gWakerProc[g])
        m.sliceWakeKind.append(gWakeKind[g])
        m.sliceWakeStack.append(gWakeStack[g])
        gOpen[g] = i
        setWake(g, Int64.min, waker: UInt32.max, proc: -1, kind: .none, stack: 0)
        if gAssist[g] != Self.inactive { gAssist[g] = t }
        if gSTW[g] != Self.inactive { gSTW[g] = t }
    }

    private mutating func closeSlice(_ g: Int, at t: Int64, end: SliceEnd, reason: UInt32, stack: UInt32) {
        let i = gOpen[g]
        guard i >= 0 else { return }
        m.sliceEnd[i] = Swift.max(t, m.sliceStart[i])
        m.sliceEndInfo[i] = UInt32(end.rawValue) | (reason << 8)
        m.sliceEndStack[i] = stack
        gOpen[g] = -1
        let p = Int(m.sliceProc[i])
        if gAssist[g] > Self.pending {
            if p >= 0 { m.work[p].append(gAssist[g], t, label: UInt32(truncatingIfNeeded: g), kind: WorkKind.markAssist.rawValue) }
            gAssist[g] = Self.pending
        }
        if gSTW[g] > Self.pending {
            if p >= 0 { m.work[p].append(gSTW[g], t, label: UInt32(truncatingIfNeeded: g), kind: WorkKind.stopTheWorld.rawValue) }
            gSTW[g] = Self.pending
        }
    }

    /// Starts a goroutine-scoped range (mark assist or STW): timed from now if the goroutine is
    /// running, else from when it next runs.
    private mutating func rangeBegin(_ kind: WorkKind, _ g: Int, _ t: Int64) {
        let v = gOpen[g] >= 0 ? t : Self.pending
        if kind == .markAssist { gAssist[g] = v } else { gSTW[g] = v }
    }

    private mutating func rangeEnd(_ kind: WorkKind, _ g: Int, _ t: Int64) {
        let since = kind == .markAssist ? gAssist[g] : gSTW[g]
        if since > Self.pending, gOpen[g] >= 0 {
            let p = Int(m.sliceProc[gOpen[g]])
            if p >= 0 { m.work[p].append(since, t, label: UInt32(truncatingIfNeeded: g), kind: kind.rawValue) }
        }
        if kind == .markAssist { gAssist[g] = Self.inactive } else { gSTW[g] = Self.inactive }
    }

    private mutating func endSyscall(_ g: Int, at t: Int64) {
        let p = Int(gSyscallProc[g])
        if p >= 0 && pInSyscall[p] == g {
            m.work[p].append(gSyscallStart[g], t, label: UInt32(truncatingIfNeeded: g), kind: WorkKind.syscall.rawValue)
            pInSyscall[p] = -1
        }
        gSyscallProc[g] = -1
        let e = gExtOpen[g]
        if e >= 0 {
            m.extEnd[e] = Swift.max(t, m.extStart[e])
            gExtOpen[g] = -1
        }
    }

    private mutating func openExt(_ g: Int, at t: Int64, thread th: Int) {
        guard th >= 0, gExtOpen[g] < 0 else { return }
        gExtOpen[g] = m.extStart.count
        m.extStart.append(t)
        m.extEnd.append(t)
        m.extG.append(UInt32(truncatingIfNeeded: g))
        m.extThread.append(Int32(truncatingIfNeeded: th))
    }

    // MARK: Finish

    /// Closes what is still open at the trace's end and builds the indexes.
    public mutating func finish() -> TimelineModel {
        let end = m.traceEnd
        for g in 0..<gOpen.count {
            if gOpen[g] >= 0 {
                endSyscall(g, at: end)
                closeSlice(g, at: end, end: .traceEnd, reason: 0, stack: 0)
            } else if gExtOpen[g] >= 0 {
                endSyscall(g, at: end)
            }
        }
        for p in 0..<pSweep.count where pSweep[p] != Self.inactive {
            m.work[p].append(pSweep[p], end, label: UInt32.max, kind: WorkKind.sweep.rawValue)
        }
        if let s = gcOpen { m.gcLane.append(s, end, label: 0, kind: 0) }
        if let s = stwOpen { m.stwLane.append(s.start, end, label: s.kind, kind: 0) }
        for p in 0..<m.work.count { m.work[p].sortByStart() }
        m.gcLane.sortByStart()
        m.stwLane.sortByStart()

        let n = m.sliceCount
        let sliceProc = m.sliceProc, sliceG = m.sliceG, sliceThread = m.sliceThread, extThread = m.extThread
        m.procSlices = CSR.build(rows: m.procIDs.count, count: n) { Int(sliceProc[$0]) }
        m.goroutineSlices = CSR.build(rows: m.goroutineIDs.count, count: n) { Int(sliceG[$0]) }
        var threads = CSR.build(rows: m.threadIDs.count, count: n + m.extStart.count) {
            $0 < n ? Int(sliceThread[$0]) : Int(extThread[$0 - n])
        }
        if !m.extStart.isEmpty {
            // Rows list slices before extension spans; put each row in start order.
            for r in 0..<threads.rows {
                let lo = threads.offsets[r], hi = threads.offsets[r + 1]
                guard hi > lo else { continue }
                let sorted = threads.items[lo..<hi].sorted { m.start(ofThreadItem: Int($0)) < m.start(ofThreadItem: Int($1)) }
                threads.items.replaceSubrange(lo..<hi, with: sorted)
            }
        }
        m.threadSlices = threads
        m.procBusy = (0..<m.procSlices.rows).map { m.busyPrefix(items: m.procSlices.row($0), thread: false) }
        m.threadBusy = (0..<m.threadSlices.rows).map { m.busyPrefix(items: m.threadSlices.row($0), thread: true) }

        let c = counters.sink
        m.heap = c.heap
        m.goroutineCounts = c.goroutines
        m.threadCounts = c.threads
        m.syscallCounts = c.syscalls
        return m
    }
}

extension TimelineModel {
    /// Builds the timeline and the goroutine summaries of the trace at `path` by streaming it
    /// (no event store). As `go tool trace` does, the timeline of a trace that breaks keeps the
    /// events up to its last complete generation (the stream is read a second time up to there),
    /// while the summaries see every event read.
    public static func build(path: String, progress: ((Int, Int) -> Void)? = nil) throws(TraceError)
        -> (model: TimelineModel, summaries: GoroutineSummaries, info: TraceStreamInfo) {
        var (info, summaries) = try scan(path: path, limit: nil, summarize: true, progress: progress)
        guard let summaries else { throw TraceError("no summary") }
        if info.validEvents == 0 {
            throw TraceError("failed to parse any useful part of the trace: \(info.error?.message ?? "no events")")
        }
        if info.error != nil {
            let first = info
            (info, _) = try scan(path: path, limit: first.validEvents, summarize: false, progress: nil)
            info.error = first.error
            info.validBytes = first.validBytes
            info.generations = first.generations
        }
        guard let model = info.model else { throw TraceError("no events") }
        info.model = nil
        return (model, summaries, info)
    }

    private static func scan(path: String, limit: Int?, summarize: Bool, progress: ((Int, Int) -> Void)?) throws(TraceError)
        -> (TraceStreamInfo, GoroutineSummaries?) {
        let bytes = try TraceBytes(path: path)
        let reader = try TraceReader(bytes: bytes)
        var b = TimelineBuilder(tables: reader.tables)
        var summarizer = summarize ? GoroutineSummarizer(tables: reader.tables) : nil
        var info = TraceStreamInfo(version: reader.version, fileBytes: bytes.count)
        var n = 0
        var lastReport = 0
        var validEnd: Int64 = 0
        while limit.map({ n < $0 }) ?? true {
            let ev: Event?
            do {
                ev = try reader.next()
            } catch {
                info.error = error
                break
            }
            guard let ev else {
                info.validEvents = n
                info.validBytes = bytes.count
                info.generations = reader.generationsRead
                validEnd = info.census.lastTime
                break
            }
            summarizer?.add(ev)
            b.add(ev)
            info.census.add(ev)
            n += 1
            if ev.type == Wire.syncEvent {
                info.validEvents = n
                info.validBytes = reader.bytesRead
                info.generations = reader.generationsRead
                validEnd = ev.time
            }
            if let progress, n & 0xffff == 0, reader.bytesRead - lastReport >= 16 << 20 {
                lastReport = reader.bytesRead
                progress(reader.bytesRead, bytes.count)
            }
        }
        if limit != nil { info.validEvents = n }
        info.model = b.finish()
        var summaries: GoroutineSummaries?
        if let s = summarizer {
            let first = s.firstTs
            summaries = s.finalize(traceStart: first, traceEnd: validEnd)
        }
        return (info, summaries)
    }

    @inline(__always)
    func start(ofThreadItem i: Int) -> Int64 { i < sliceCount ? sliceStart[i] : extStart[i - sliceCount] }
    @inline(__always)
    func end(ofThreadItem i: Int) -> Int64 { i < sliceCount ? sliceEnd[i] : extEnd[i - sliceCount] }

    func busyPrefix(items: ArraySlice<UInt32>, thread: Bool) -> [Int64] {
        var out: [Int64] = [0]
        out.reserveCapacity(items.count / Self.busyStride + 2)
        var sum: Int64 = 0
        var k = 0
        for it in items {
            let i = Int(it)
            sum &+= thread ? end(ofThreadItem: i) - start(ofThreadItem: i) : sliceEnd[i] - sliceStart[i]
            k += 1
            if k % Self.busyStride == 0 { out.append(sum) }
        }
        return out
    }
}

/// What streaming a trace for the timeline learned about it.
public struct TraceStreamInfo: Sendable {
    public var version: TraceVersion
    public var fileBytes: Int
    public var validBytes = 0
    public var validEvents = 0
    public var generations = 0
    public var error: TraceError?
    public var census = EventCensus()
    var model: TimelineModel?

    init(version: TraceVersion, fileBytes: Int) {
        self.version = version
        self.fileBytes = fileBytes
    }

    /// `go tool trace`'s message for a partly lost trace, or nil.
    public var lossMessage: String? {
        error == nil ? nil : Trace.lossMessage(fileBytes: fileBytes, validBytes: validBytes)
    }
}

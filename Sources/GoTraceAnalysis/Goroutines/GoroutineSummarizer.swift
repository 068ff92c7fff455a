import GoTrace

/// Go's goroutine summarizer (`internal/trace/summary.go`): one pass over the ordered events
/// builds every goroutine's time split, its user regions and the user tasks.
///
/// The algorithm is Go's, quirks included (see `docs/trace-analyses.md` §2.2), so the numbers
/// equal `go tool trace`'s. Where Go would crash on a malformed stream (a region on an unknown
/// goroutine, a transition out of a state of a goroutine never seen) the event is ignored.
///
/// Per event the state lives in flat arrays indexed by goroutine/region/task number; the
/// per-goroutine "maps" (block reasons, ranges) are short arrays keyed by integer IDs, so the
/// hot path does not allocate.
///
/// ```swift
/// var s = GoroutineSummarizer(tables: trace.tables)
/// for ev in trace.events { s.add(ev) }
/// let summaries = s.finalize()
/// ```
public struct GoroutineSummarizer: EventConsumer {
    public let tables: TraceTables

    // Goroutines: records, and goroutine ID → record + 1 (0 = none).
    var gs: [GRec] = []
    private var denseSlots: [Int32] = []
    private var sparseSlots: [Int64: Int32] = [:]
    private static let denseLimit: Int64 = 1 << 24

    // Regions, tasks, logs.
    var regions: [RRec] = []
    var tasks: [TRec] = []
    private var taskIndex: [UInt64: Int32] = [:]
    private var taskGoroutines: Set<TaskGo> = []
    var logs: [LogRec] = []

    // Syscall and range bookkeeping (Go's syscallingP/G, rangesP).
    private var syscallingP: [Int64: Int64] = [:]
    private var syscallingG: [Int64: Int64] = [:]
    private var rangesP: [RangeP: Int64] = [:]

    // Range names: key (type group, STW kind string) → index into rangeNames.
    private var rangeKeys: [UInt64: UInt32] = [:]
    var rangeNames: [String] = []

    private var foreverID: UInt32?
    private(set) var lastTs: Int64 = 0
    private var syncTs: Int64 = 0
    private(set) var firstTs: Int64?
    private(set) var lastSyncTs: Int64?
    public private(set) var eventCount = 0

    public init(tables: TraceTables) {
        self.tables = tables
    }

    struct GRec {
        var id: Int64
        var nameID: UInt32 = 0
        var pc: UInt64 = 0
        var creation: Int64
        var start: Int64 = 0
        var end: Int64 = 0
        var st = RawStats()
        var lastStart: Int64 = 0
        var lastRunnable: Int64 = 0
        var lastBlock: Int64 = 0
        var lastBlockReason: UInt32 = 0
        var lastSyscall: Int64 = 0
        var lastSyscallBlock: Int64 = 0
        var lastRange: [KeyedTime] = []
        var active: [Int32] = []
        var regions: [Int32] = []
        var current = true
        var startStack: UInt32 = 0
        var lastStack: UInt32 = 0

        init(id: Int64, creation: Int64) {
            self.id = id
            self.creation = creation
        }

        /// Go's `snapshotStat`: the stats as if the goroutine stopped at `t`.
        func snapshot(_ t: Int64) -> RawStats {
            var r = st
            if st.total == 0 { r.total = t &- creation }
            if lastStart != 0 { r.exec &+= t &- lastStart }
            if lastRunnable != 0 { r.sched &+= t &- lastRunnable }
            if lastBlock != 0 { r.block.add(lastBlockReason, t &- lastBlock) }
            if lastSyscall != 0 { r.syscall &+= t &- lastSyscall }
            // (Go quirk) pending blocked-syscall time counts as sched wait in a snapshot.
            if lastSyscallBlock != 0 { r.sched &+= t &- lastSyscallBlock }
            for e in lastRange { r.ranges.add(e.key, t &- e.ns) }
            return r
        }
    }

    struct RRec {
        var taskID: UInt64
        var nameID: UInt32
        var goroutine: Int64
        var start: EventRef?
        var end: EventRef?
        var stats: RawStats
    }

    struct TRec {
        var id: UInt64
        var nameID: UInt32 = 0
        var parent: Int32 = -1
        var children: [Int32] = []
        var start: EventRef?
        var end: EventRef?
        var regions: [Int32] = []
        var logs: [Int32] = []
        var goroutines: [Int64] = []
    }

    struct LogRec {
        var time: Int64
        var goroutine: Int64
        var task: UInt64
        var category: UInt32
        var message: UInt32
    }

    private struct TaskGo: Hashable {
        var task: Int32
        var g: Int64
    }

    private struct RangeP: Hashable {
        var p: Int64
        var key: UInt32
    }

    // MARK: Goroutine lookup

    @inline(__always) private func slot(_ id: Int64) -> Int? {
        if id >= 0 && id < Int64(denseSlots.count) {
            let s = denseSlots[Int(id)]
            return s == 0 ? nil : Int(s) - 1
        }
        if id >= 0 && id < GoroutineSummarizer.denseLimit { return nil }
        guard let s = sparseSlots[id] else { return nil }
        return Int(s) - 1
    }

    private mutating func setSlot(_ id: Int64, _ index: Int) {
        if id >= 0 && id < GoroutineSummarizer.denseLimit {
            if id >= Int64(denseSlots.count) {
                let n = max(Int(id) + 1, denseSlots.count * 2, 1024)
                denseSlots.append(contentsOf: repeatElement(0, count: min(n, Int(GoroutineSummarizer.denseLimit)) - denseSlots.count))
            }
            denseSlots[Int(id)] = Int32(index + 1)
        } else {
            sparseSlots[id] = Int32(index + 1)
        }
    }

    /// For the streaming blocking profiles: goroutine `id`'s current summary (`slot` changes only
    /// when a new summary replaces it), its first-run time and its end time (0 = not yet).
    @inline(__always) func span(of id: Int64) -> (slot: Int32, start: Int64, end: Int64)? {
        guard let i = slot(id) else { return nil }
        return (Int32(truncatingIfNeeded: i), gs[i].start, gs[i].end)
    }

    /// Whether any goroutine has a summary (Go's profiles fail without one).
    var hasGoroutines: Bool { gs.contains { $0.current } }

    /// A fresh summary for goroutine `id`, replacing any earlier one (as Go's map assignment does).
    private mutating func newGoroutine(_ id: Int64, creation: Int64) -> Int {
        if let old = slot(id) { gs[old].current = false }
        gs.append(GRec(id: id, creation: creation))
        setSlot(id, gs.count - 1)
        return gs.count - 1
    }

    // MARK: Tasks

    private mutating func task(_ id: UInt64) -> Int {
        if let i = taskIndex[id] { return Int(i) }
        tasks.append(TRec(id: id))
        taskIndex[id] = Int32(tasks.count - 1)
        return tasks.count - 1
    }

    private mutating func addGoroutine(_ g: Int64, toTask ti: Int) {
        if taskGoroutines.insert(TaskGo(task: Int32(ti), g: g)).inserted { tasks[ti].goroutines.append(g) }
    }

    // MARK: Ranges

    private mutating func rangeKey(_ ev: Event) -> UInt32 {
        let group: UInt64
        switch ev.type {
        case Wire.stwBegin, Wire.stwEnd: group = 1 | (ev.a0 << 8)
        case Wire.gcBegin, Wire.gcActive, Wire.gcEnd: group = 2
        case Wire.gcSweepBegin, Wire.gcSweepActive, Wire.gcSweepEnd: group = 3
        default: group = 4
        }
        if let k = rangeKeys[group] { return k }
        let name = ev.rangeName(tables)
        let k: UInt32
        if let existing = rangeNames.firstIndex(of: name) {
            k = UInt32(existing)
        } else {
            k = UInt32(rangeNames.count)
            rangeNames.append(name)
        }
        rangeKeys[group] = k
        return k
    }

    @inline(__always) private mutating func isForever(_ reasonID: UInt32) -> Bool {
        if let f = foreverID { return reasonID == f }
        guard reasonID != 0, tables.string(reasonID) == "forever" else { return false }
        foreverID = reasonID
        return true
    }

    // MARK: Events

    /// Feeds one event, in stream order (Go's `Summarizer.Event`).
    public mutating func add(_ ev: Event) {
        let t = ev.time
        if syncTs == 0 { syncTs = t }
        if firstTs == nil { firstTs = t }
        lastTs = t
        eventCount += 1
        switch ev.kind {
        case .sync:
            syncTs = t
            lastSyncTs = t
        case .stateTransition:
            guard let st = ev.transition else { return }
            switch st.resource {
            case .goroutine(let id): goroutineTransition(ev, st, id)
            case .proc(let p):
                if st.fromRaw != st.toRaw && st.procTo == .idle, let goid = syscallingP[p] {
                    if let gi = slot(goid) { gs[gi].lastSyscallBlock = t }
                    syscallingP[p] = nil
                }
            default: break
            }
        case .rangeBegin, .rangeActive:
            var gi: Int?
            let key = rangeKey(ev)
            switch ev.rangeScope {
            case .goroutine(let id): gi = slot(id)
            case .proc(let p):
                gi = slot(ev.goroutine)
                if gi != nil { rangesP[RangeP(p: p, key: key)] = ev.goroutine }
            default: break
            }
            guard let gi else { return }
            if ev.kind == .rangeActive {
                if let ts = gs[gi].lastRange.value(key), ts != 0 { gs[gi].st.ranges.add(key, syncTs &- ts) }
                gs[gi].lastRange.set(key, syncTs)
            } else {
                gs[gi].lastRange.set(key, t)
            }
        case .rangeEnd:
            var gi: Int?
            let key = rangeKey(ev)
            switch ev.rangeScope {
            case .goroutine(let id): gi = slot(id)
            case .proc(let p):
                let k = RangeP(p: p, key: key)
                if let goid = rangesP[k] {
                    if goid == ev.goroutine { gi = slot(goid) }
                    rangesP[k] = nil
                }
            default: break
            }
            guard let gi, let ts = gs[gi].lastRange.value(key), ts != 0 else { return }
            gs[gi].st.ranges.add(key, t &- ts)
            gs[gi].lastRange.remove(key)
        case .regionBegin:
            guard let gi = slot(ev.goroutine) else { return }
            let r = regions.count
            regions.append(RRec(taskID: ev.taskID, nameID: ev.typeStringID, goroutine: gs[gi].id, start: EventRef(ev),
                                end: nil, stats: gs[gi].snapshot(t)))
            gs[gi].active.append(Int32(r))
            let ti = task(ev.taskID)
            tasks[ti].regions.append(Int32(r))
            addGoroutine(gs[gi].id, toTask: ti)
        case .regionEnd:
            guard let gi = slot(ev.goroutine) else { return }
            let r: Int
            if let top = gs[gi].active.popLast() {
                r = Int(top)
            } else {
                // An end without a begin: fabricate the region now.
                r = regions.count
                regions.append(RRec(taskID: ev.taskID, nameID: ev.typeStringID, goroutine: gs[gi].id, start: nil,
                                    end: nil, stats: RawStats()))
                let ti = task(ev.taskID)
                addGoroutine(gs[gi].id, toTask: ti)
                tasks[ti].regions.append(Int32(r))
            }
            regions[r].stats = gs[gi].snapshot(t).sub(regions[r].stats)
            regions[r].end = EventRef(ev)
            gs[gi].regions.append(Int32(r))
        case .taskBegin, .taskEnd:
            let ti = task(ev.taskID)
            tasks[ti].nameID = ev.typeStringID
            addGoroutine(ev.goroutine, toTask: ti)
            if ev.kind == .taskBegin { tasks[ti].start = EventRef(ev) } else { tasks[ti].end = EventRef(ev) }
            let parent = ev.taskParent
            if parent != noTask && tasks[ti].parent < 0 {
                let pi = task(parent)
                tasks[ti].parent = Int32(pi)
                tasks[pi].children.append(Int32(ti))
            }
        case .log:
            let ti = task(ev.taskID)
            addGoroutine(ev.goroutine, toTask: ti)
            tasks[ti].logs.append(Int32(logs.count))
            logs.append(LogRec(time: t, goroutine: ev.goroutine, task: ev.taskID, category: ev.logCategoryID,
                               message: ev.logMessageID))
        default:
            break
        }
    }

    private mutating func goroutineTransition(_ ev: Event, _ st: StateTransition, _ id: Int64) {
        let old = st.goFrom, new = st.goTo
        if old == new { return }
        let t = ev.time
        let gi: Int
        // Leave the old state.
        switch old {
        case .undetermined:
            gi = newGoroutine(id, creation: syncTs)
            // Time in the new state since the generation started.
            let d = t &- syncTs
            switch new {
            case .running: gs[gi].st.exec &+= d
            case .waiting: gs[gi].st.block.add(st.reasonID, d)
            case .runnable: gs[gi].st.sched &+= d
            case .syscall:
                if ev.proc == noID { gs[gi].st.syscallBlock &+= d } else { gs[gi].st.syscall &+= d }
            default: break
            }
        case .notExist:
            let creator = slot(ev.goroutine)
            gi = newGoroutine(id, creation: t)
            // Inherit the task of the creator's innermost active region.
            if let c = creator, let top = gs[c].active.last {
                let r = regions.count
                regions.append(RRec(taskID: regions[Int(top)].taskID, nameID: 0, goroutine: id, start: EventRef(ev),
                                    end: nil, stats: RawStats()))
                gs[gi].active = [Int32(r)]
            }
        case .running:
            guard let g = slot(id) else { return }
            gi = g
            gs[gi].st.exec &+= t &- gs[gi].lastStart
            gs[gi].lastStart = 0
        case .waiting:
            guard let g = slot(id) else { return }
            gi = g
            if gs[gi].lastBlock != 0 {
                gs[gi].st.block.add(gs[gi].lastBlockReason, t &- gs[gi].lastBlock)
                gs[gi].lastBlock = 0
            }
        case .runnable:
            guard let g = slot(id) else { return }
            gi = g
            if gs[gi].lastRunnable != 0 {
                gs[gi].st.sched &+= t &- gs[gi].lastRunnable
                gs[gi].lastRunnable = 0
            }
        case .syscall:
            guard let g = slot(id) else { return }
            gi = g
            if gs[gi].lastSyscall != 0 {
                if gs[gi].lastSyscallBlock != 0 {
                    gs[gi].st.syscallBlock &+= t &- gs[gi].lastSyscallBlock
                    gs[gi].st.syscall &+= gs[gi].lastSyscallBlock &- gs[gi].lastSyscall
                } else {
                    gs[gi].st.syscall &+= t &- gs[gi].lastSyscall
                }
                gs[gi].lastSyscall = 0
                gs[gi].lastSyscallBlock = 0
                // (Go) a missing entry deletes P 0's.
                syscallingP[syscallingG[id] ?? 0] = nil
                syscallingG[id] = nil
            }
        }

        // Name the goroutine after the root frame of the first transition stack.
        if st.stackID != 0 {
            if gs[gi].nameID == 0 {
                let ids = tables.frameIDs(ofStack: st.stackID)
                if let root = ids.last {
                    let f = tables.frames[Int(root)]
                    gs[gi].pc = f.pc
                    gs[gi].nameID = f.funcID
                    gs[gi].startStack = st.stackID
                }
            }
            gs[gi].lastStack = st.stackID
        }

        // Enter the new state.
        switch new {
        case .running:
            gs[gi].lastStart = t
            if gs[gi].start == 0 { gs[gi].start = t }
        case .runnable:
            gs[gi].lastRunnable = t
        case .waiting:
            if !isForever(st.reasonID) {
                gs[gi].lastBlock = t
                gs[gi].lastBlockReason = st.reasonID
            } else {
                finalize(gi, at: t, trigger: EventRef(ev))   // blocked forever = ended
            }
        case .notExist:
            finalize(gi, at: t, trigger: EventRef(ev))
        case .syscall:
            syscallingP[ev.proc] = id
            syscallingG[id] = ev.proc
            gs[gi].lastSyscall = t
        case .undetermined:
            break
        }
    }

    /// Go's `finalize`: fix the stats at `t`, close the active regions (except on system goroutines)
    /// and clear the pending state.
    private mutating func finalize(_ gi: Int, at t: Int64, trigger: EventRef?) {
        if let trigger { gs[gi].end = trigger.time }
        let final = gs[gi].snapshot(t)
        gs[gi].st = final
        if !gs[gi].active.isEmpty {
            if !GoroutineSummary.isSystem(tables.string(gs[gi].nameID)) {
                for r in gs[gi].active {
                    regions[Int(r)].end = trigger
                    regions[Int(r)].stats = final.sub(regions[Int(r)].stats)
                    gs[gi].regions.append(r)
                }
            }
            gs[gi].active = []
        }
        gs[gi].lastStart = 0
        gs[gi].lastRunnable = 0
        gs[gi].lastBlock = 0
        gs[gi].lastBlockReason = 0
        gs[gi].lastSyscall = 0
        gs[gi].lastSyscallBlock = 0
        if !gs[gi].lastRange.isEmpty { gs[gi].lastRange = [] }
    }

    // MARK: Results

    /// Ends the analysis (Go's `Finalize`) and returns the summaries.
    ///
    /// `traceStart`/`traceEnd` are the first and last times of the events the other views keep
    /// (cmd/trace's `startTime`/`endTime`); they bound regions and tasks missing an end. By
    /// default: the first event and the last event seen.
    public consuming func finalize(traceStart: Int64? = nil, traceEnd: Int64? = nil) -> GoroutineSummaries {
        for gi in gs.indices where gs[gi].current {
            finalize(gi, at: lastTs, trigger: nil)
            gs[gi].regions = sortedByStart(gs[gi].regions)
        }
        // Goroutines that are current in the map, by ID.
        var order = gs.indices.filter { gs[$0].current }
        order.sort { gs[$0].id < gs[$1].id }

        var outRegions: [RegionSummary] = []
        outRegions.reserveCapacity(regions.count)
        for r in regions {
            outRegions.append(RegionSummary(taskID: r.taskID, name: tables.string(r.nameID), goroutine: r.goroutine,
                                            start: r.start, end: r.end,
                                            stats: r.stats.resolved(tables: tables, rangeNames: rangeNames)))
        }
        var names: [UInt32: String] = [:]
        let outGoroutines = order.map { gi -> GoroutineSummary in
            let g = gs[gi]
            let name: String
            if let n = names[g.nameID] { name = n } else { name = tables.string(g.nameID); names[g.nameID] = name }
            return GoroutineSummary(id: g.id, name: name, pc: g.pc, creationTime: g.creation, startTime: g.start,
                                    endTime: g.end, stats: g.st.resolved(tables: tables, rangeNames: rangeNames),
                                    regions: g.regions.map(Int.init), startStackID: g.startStack, endStackID: g.lastStack)
        }
        var outTasks = tasks.map { t in
            TaskSummary(id: t.id, name: tables.string(t.nameID), parent: t.parent >= 0 ? tasks[Int(t.parent)].id : nil,
                        children: t.children.map { tasks[Int($0)].id }, start: t.start, end: t.end,
                        goroutines: t.goroutines.sorted(), regions: t.regions.map(Int.init), logs: t.logs.map(Int.init))
        }
        outTasks.sort { $0.id < $1.id }
        let outLogs = logs.map {
            LogEntry(time: $0.time, goroutine: $0.goroutine, taskID: $0.task, category: tables.string($0.category),
                     message: tables.string($0.message))
        }
        return GoroutineSummaries(tables: tables, goroutines: outGoroutines, regions: outRegions, tasks: outTasks,
                                  logs: outLogs, traceStart: traceStart ?? firstTs ?? 0, traceEnd: traceEnd ?? lastTs)
    }

    /// Regions by start time, those without a start first (stable among equals).
    private func sortedByStart(_ rs: [Int32]) -> [Int32] {
        guard rs.count > 1 else { return rs }
        return rs.enumerated().sorted { a, b in
            let x = regions[Int(a.element)].start?.time, y = regions[Int(b.element)].start?.time
            switch (x, y) {
            case (nil, nil): return a.offset < b.offset
            case (nil, _): return true
            case (_, nil): return false
            case let (x?, y?): return x != y ? x < y : a.offset < b.offset
            }
        }.map(\.element)
    }

    // MARK: Whole traces

    /// Summarizes a loaded trace (its events are those up to the last complete generation).
    public static func summarize(_ trace: Trace) -> GoroutineSummaries {
        var s = GoroutineSummarizer(tables: trace.tables)
        for ev in trace.events { s.add(ev) }
        return s.finalize()
    }

    /// Streams the trace at `path` as `go tool trace` does for its goroutine, task and region pages:
    /// every event read goes to the summarizer, including those of a broken final generation,
    /// while the trace bounds come from the events up to the last Sync. Nothing is kept per event.
    /// Returns the read error that ended the stream early, if any (as Go, the analysis proceeds).
    public static func summarize(path: String) throws(TraceError) -> (summaries: GoroutineSummaries, error: TraceError?) {
        let (summaries, info) = try summarizeStreaming(path: path)
        return (summaries, info.error)
    }

    /// The same, with what the stream learned (how far the trace is complete: the events a
    /// loaded trace would keep).
    public static func summarizeStreaming(path: String) throws(TraceError) -> (summaries: GoroutineSummaries, info: TraceStreamInfo) {
        let (s, _, info) = try TraceStreamer.pass(path: path, keep: nil, progress: nil) { GoroutineSummarizer(tables: $0) }
        let validEnd = info.error == nil ? (s.eventCount > 0 ? s.lastTs : nil) : s.lastSyncTs
        guard let validEnd else {
            throw TraceError("failed to parse any useful part of the trace: \(info.error?.message ?? "no events")")
        }
        let start = s.firstTs
        return ((consume s).finalize(traceStart: start, traceEnd: validEnd), info)
    }
}

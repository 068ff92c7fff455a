/// What an event is about (Go's `trace.EventKind`, same values and names).
public enum EventKind: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case bad = 0, sync, metric, label, stackSample, rangeBegin, rangeActive, rangeEnd
    case taskBegin, taskEnd, regionBegin, regionEnd, log, stateTransition, experimental

    public var description: String { EventKind.names[Int(rawValue)] }
    static let names = ["Bad", "Sync", "Metric", "Label", "StackSample", "RangeBegin", "RangeActive", "RangeEnd",
                        "TaskBegin", "TaskEnd", "RegionBegin", "RegionEnd", "Log", "StateTransition", "Experimental"]

    /// Kind of each wire type (index = wire type, 255 = Sync).
    static let ofWireType: [EventKind] = {
        var t = [EventKind](repeating: .bad, count: 256)
        t[Int(Wire.cpuSample)] = .stackSample
        for w in [Wire.procsChange, Wire.heapAlloc, Wire.heapGoal] { t[Int(w)] = .metric }
        for w: UInt8 in 10...25 { t[Int(w)] = .stateTransition }
        for w in [Wire.goSwitch, Wire.goSwitchDestroy, Wire.goCreateBlocked, Wire.goStatusStack] { t[Int(w)] = .stateTransition }
        for w in [Wire.stwBegin, Wire.gcBegin, Wire.gcSweepBegin, Wire.gcMarkAssistBegin] { t[Int(w)] = .rangeBegin }
        for w in [Wire.gcActive, Wire.gcSweepActive, Wire.gcMarkAssistActive] { t[Int(w)] = .rangeActive }
        for w in [Wire.stwEnd, Wire.gcEnd, Wire.gcSweepEnd, Wire.gcMarkAssistEnd] { t[Int(w)] = .rangeEnd }
        t[Int(Wire.goLabel)] = .label
        t[Int(Wire.userTaskBegin)] = .taskBegin
        t[Int(Wire.userTaskEnd)] = .taskEnd
        t[Int(Wire.userRegionBegin)] = .regionBegin
        t[Int(Wire.userRegionEnd)] = .regionEnd
        t[Int(Wire.userLog)] = .log
        for w in 128..<137 { t[w] = .experimental }
        t[Int(Wire.syncEvent)] = .sync
        return t
    }()
}

/// Goroutine states as Go's API names them (`trace.GoState`).
public enum GoState: UInt8, Sendable, CustomStringConvertible {
    case undetermined = 0, notExist, runnable, running, waiting, syscall
    public var description: String {
        ["Undetermined", "NotExist", "Runnable", "Running", "Waiting", "Syscall"][Int(rawValue)]
    }
    /// Running or in a syscall (Go's `Executing`).
    public var isExecuting: Bool { self == .running || self == .syscall }

    /// Maps a wire goroutine status (1 runnable, 2 running, 3 syscall, 4 waiting).
    static func fromWire(_ s: UInt64) -> GoState {
        switch s {
        case 1: return .runnable
        case 2: return .running
        case 3: return .syscall
        case 4: return .waiting
        default: return .undetermined
        }
    }
}

/// Proc states as Go's API names them (`trace.ProcState`).
public enum ProcState: UInt8, Sendable, CustomStringConvertible {
    case undetermined = 0, notExist, running, idle
    public var description: String { ["Undetermined", "NotExist", "Running", "Idle"][Int(rawValue)] }

    /// Maps a wire proc status (1 running, 2 idle, 3 syscall, 4 syscall-abandoned).
    static func fromWire(_ s: UInt64) -> ProcState {
        switch s {
        case 1, 3: return .running
        case 2, 4: return .idle
        default: return .undetermined
        }
    }
}

/// Sentinel for "no goroutine / proc / thread" (Go's `NoGoroutine`, `NoProc`, `NoThread`).
public let noID: Int64 = -1
/// Go's `NoTask`.
public let noTask: UInt64 = ~0

/// One event of the ordered stream: Go's `trace.Event` as plain integers.
///
/// `args` are the wire arguments after `dt`, as Go's ordering leaves them, except that string
/// and stack IDs are global IDs into `TraceTables`. Values Go smuggles in "extra" slots live in
/// unused argument slots (documented per accessor). No references, so events can be copied,
/// stored in columns and sent across threads freely.
public struct Event: Sendable, Equatable, BitwiseCopyable {
    /// Wire event type (`Wire.*`), or 255 for Sync.
    public var type: UInt8
    /// Nanoseconds on the trace clock, strictly increasing along the stream.
    public var time: Int64
    /// Execution context before the event.
    public var goroutine: Int64
    public var proc: Int64
    public var thread: Int64
    public var a0: UInt64
    public var a1: UInt64
    public var a2: UInt64
    public var a3: UInt64

    public init(type: UInt8, time: Int64, goroutine: Int64, proc: Int64, thread: Int64,
                a0: UInt64 = 0, a1: UInt64 = 0, a2: UInt64 = 0, a3: UInt64 = 0) {
        self.type = type
        self.time = time
        self.goroutine = goroutine
        self.proc = proc
        self.thread = thread
        self.a0 = a0
        self.a1 = a1
        self.a2 = a2
        self.a3 = a3
    }

    @inline(__always) public var kind: EventKind { EventKind.ofWireType[Int(type)] }

    @inline(__always) func arg(_ i: Int) -> UInt64 {
        switch i {
        case 0: return a0
        case 1: return a1
        case 2: return a2
        default: return a3
        }
    }

    @inline(__always) mutating func setArg(_ i: Int, _ v: UInt64) {
        switch i {
        case 0: a0 = v
        case 1: a1 = v
        case 2: a2 = v
        default: a3 = v
        }
    }

    /// Global stack ID of the event's own stack (0 = none). For CPU samples, the sample's stack.
    public var stackID: UInt32 {
        if type == Wire.cpuSample { return UInt32(truncatingIfNeeded: a0) }
        if type == Wire.syncEvent { return 0 }
        // The first listed stack argument (GoCreate lists `stack` before `new_stack`).
        if type == Wire.goCreate || type == Wire.goCreateBlocked { return UInt32(truncatingIfNeeded: a2) }
        let mask = WireInfo.table[Int(type)].stackMask
        guard mask != 0 else { return 0 }
        return UInt32(truncatingIfNeeded: arg(mask.trailingZeroBitCount))
    }

    // MARK: Sync

    /// For Sync events: the 1-based count of Sync events so far.
    public var syncN: Int { Int(truncatingIfNeeded: a0) }
    /// For Sync events: index + 1 into `TraceTables.clockSnapshots`, or 0 when none.
    var syncSnapshotRef: Int { Int(truncatingIfNeeded: a1) }
    /// For Sync events: the generation that starts here (0 for a final or error Sync).
    public var syncGeneration: UInt64 { a2 }

    // MARK: Metric

    public var metricName: String {
        switch type {
        case Wire.procsChange: return "/sched/gomaxprocs:threads"
        case Wire.heapAlloc: return "/memory/classes/heap/objects:bytes"
        case Wire.heapGoal: return "/gc/heap/goal:bytes"
        default: return ""
        }
    }
    public var metricValue: UInt64 { a0 }

    // MARK: Range

    /// The range's name; `tables` resolves the STW kind.
    public func rangeName(_ tables: TraceTables) -> String {
        switch type {
        case Wire.stwBegin, Wire.stwEnd: return "stop-the-world (" + tables.string(UInt32(truncatingIfNeeded: a0)) + ")"
        case Wire.gcBegin, Wire.gcActive, Wire.gcEnd: return "GC concurrent mark phase"
        case Wire.gcSweepBegin, Wire.gcSweepActive, Wire.gcSweepEnd: return "GC incremental sweep"
        case Wire.gcMarkAssistBegin, Wire.gcMarkAssistActive, Wire.gcMarkAssistEnd: return "GC mark assist"
        default: return ""
        }
    }

    /// What the range belongs to.
    public var rangeScope: ResourceID {
        switch type {
        case Wire.stwBegin, Wire.stwEnd, Wire.gcMarkAssistBegin, Wire.gcMarkAssistEnd: return .goroutine(goroutine)
        case Wire.gcSweepBegin, Wire.gcSweepEnd: return .proc(proc)
        case Wire.gcSweepActive: return .proc(Int64(bitPattern: a0))
        case Wire.gcMarkAssistActive: return .goroutine(Int64(bitPattern: a0))
        default: return .none
        }
    }

    // MARK: Tasks, regions, logs

    /// Task ID for TaskBegin/TaskEnd/RegionBegin/RegionEnd/Log.
    public var taskID: UInt64 { a0 }
    /// Parent task (TaskBegin: the wire arg; TaskEnd: from the matching begin, kept in a2).
    public var taskParent: UInt64 { type == Wire.userTaskBegin ? a1 : a2 }
    /// Global string ID of the task type (TaskBegin a2, TaskEnd a3) or region type (a1).
    public var typeStringID: UInt32 {
        switch type {
        case Wire.userTaskBegin: return UInt32(truncatingIfNeeded: a2)
        case Wire.userTaskEnd: return UInt32(truncatingIfNeeded: a3)
        case Wire.userRegionBegin, Wire.userRegionEnd: return UInt32(truncatingIfNeeded: a1)
        default: return 0
        }
    }
    /// Log category and message string IDs.
    public var logCategoryID: UInt32 { UInt32(truncatingIfNeeded: a1) }
    public var logMessageID: UInt32 { UInt32(truncatingIfNeeded: a2) }

    // MARK: Label

    public var labelStringID: UInt32 { UInt32(truncatingIfNeeded: a0) }

    // MARK: State transitions

    /// The state transition this event describes, for StateTransition events.
    public var transition: StateTransition? {
        let g = goroutine
        switch type {
        case Wire.procStart: return .init(resource: .proc(Int64(bitPattern: a0)), procFrom: .idle, to: .running)
        case Wire.procStop: return .init(resource: .proc(proc), procFrom: .running, to: .idle)
        case Wire.procSteal:
            return .init(resource: .proc(Int64(bitPattern: a0)), procFrom: a3 == 4 ? .idle : .running, to: .idle)
        case Wire.procStatus:
            return .init(resource: .proc(Int64(bitPattern: a0)), procFrom: ProcState(rawValue: UInt8(truncatingIfNeeded: a2)) ?? .undetermined,
                         to: ProcState.fromWire(a1))
        case Wire.goCreate, Wire.goCreateBlocked:
            var t = StateTransition(resource: .goroutine(Int64(bitPattern: a0)), goFrom: .notExist,
                                    to: type == Wire.goCreate ? .runnable : .waiting)
            t.stackID = UInt32(truncatingIfNeeded: a1)
            t.alwaysPrintsStack = true
            return t
        case Wire.goCreateSyscall: return .init(resource: .goroutine(Int64(bitPattern: a0)), goFrom: .notExist, to: .syscall)
        case Wire.goStart: return .init(resource: .goroutine(Int64(bitPattern: a0)), goFrom: .runnable, to: .running)
        case Wire.goDestroy: return .init(resource: .goroutine(g), goFrom: .running, to: .notExist)
        case Wire.goDestroySyscall: return .init(resource: .goroutine(g), goFrom: .syscall, to: .notExist)
        case Wire.goStop, Wire.goBlock:
            var t = StateTransition(resource: .goroutine(g), goFrom: .running, to: type == Wire.goStop ? .runnable : .waiting)
            t.reasonID = UInt32(truncatingIfNeeded: a0)
            t.stackID = stackID
            return t
        case Wire.goUnblock, Wire.goSwitch, Wire.goSwitchDestroy:
            return .init(resource: .goroutine(Int64(bitPattern: a0)), goFrom: .waiting, to: .runnable)
        case Wire.goSyscallBegin:
            var t = StateTransition(resource: .goroutine(g), goFrom: .running, to: .syscall)
            t.stackID = stackID
            return t
        case Wire.goSyscallEnd: return .init(resource: .goroutine(g), goFrom: .syscall, to: .running)
        case Wire.goSyscallEndBlocked: return .init(resource: .goroutine(g), goFrom: .syscall, to: .runnable)
        case Wire.goStatus, Wire.goStatusStack:
            let from = GoState(rawValue: UInt8(truncatingIfNeeded: a2 >> 32)) ?? .undetermined
            var t = StateTransition(resource: .goroutine(Int64(bitPattern: a0)), goFrom: from,
                                    to: GoState.fromWire(a2 & 0xffff_ffff))
            t.stackID = stackID
            return t
        default: return nil
        }
    }
}

/// A goroutine, proc or thread ID, or nothing.
public enum ResourceID: Sendable, Equatable, CustomStringConvertible {
    case none
    case goroutine(Int64)
    case proc(Int64)
    case thread(Int64)

    public var description: String {
        switch self {
        case .none: return "None"
        case .goroutine(let id): return "Goroutine(\(id))"
        case .proc(let id): return "Proc(\(id))"
        case .thread(let id): return "Thread(\(id))"
        }
    }
}

/// A change of state of a goroutine or proc.
public struct StateTransition: Sendable, Equatable {
    public var resource: ResourceID
    /// Raw state values: a `GoState` for goroutines, a `ProcState` for procs.
    public var fromRaw: UInt8
    public var toRaw: UInt8
    /// Global string ID of the reason (GoStop/GoBlock), 0 = "".
    public var reasonID: UInt32 = 0
    /// Stack of the transition (0 = none).
    public var stackID: UInt32 = 0
    /// GoCreate prints its (possibly empty) start stack even when the ID is 0, as Go does.
    var alwaysPrintsStack = false

    init(resource: ResourceID, goFrom: GoState, to: GoState) {
        self.resource = resource
        fromRaw = goFrom.rawValue
        toRaw = to.rawValue
    }

    init(resource: ResourceID, procFrom: ProcState, to: ProcState) {
        self.resource = resource
        fromRaw = procFrom.rawValue
        toRaw = to.rawValue
    }

    public var goFrom: GoState { GoState(rawValue: fromRaw) ?? .undetermined }
    public var goTo: GoState { GoState(rawValue: toRaw) ?? .undetermined }
    public var procFrom: ProcState { ProcState(rawValue: fromRaw) ?? .undetermined }
    public var procTo: ProcState { ProcState(rawValue: toRaw) ?? .undetermined }
}

/// The clock snapshot a Go 1.25+ generation starts with.
public struct ClockSnapshot: Sendable, Equatable {
    /// Trace time (ns) of the snapshot.
    public var trace: Int64
    /// Monotonic clock, ns.
    public var mono: UInt64
    /// Wall clock, Unix seconds and nanoseconds.
    public var wallSeconds: UInt64
    public var wallNanoseconds: UInt64
}

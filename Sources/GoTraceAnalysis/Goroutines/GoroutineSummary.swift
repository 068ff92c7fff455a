import GoTrace

/// The few facts the analyses keep about an event that starts or ends a region or task (Go keeps
/// a pointer to the whole event).
public struct EventRef: Sendable, Hashable, Codable {
    public var time: Int64
    /// Wire type (`Wire.*`).
    public var type: UInt8
    /// The goroutine of the event's context (`ev.Goroutine()`).
    public var goroutine: Int64
    /// The event's own stack (0 = none): for a region begin, where the region started; for a
    /// goroutine creation, the creator's stack.
    public var stackID: UInt32
    /// State transitions: the goroutine that changed state, and the states.
    public var resource: Int64
    public var from: UInt8
    public var to: UInt8
    /// Tasks, regions: the type's global string ID, the task ID and (tasks) the parent task ID.
    public var stringID: UInt32
    public var taskID: UInt64
    public var parentTaskID: UInt64

    init(_ ev: Event) {
        time = ev.time
        type = ev.type
        goroutine = ev.goroutine
        stackID = ev.stackID
        resource = noID
        from = 0
        to = 0
        stringID = 0
        taskID = 0
        parentTaskID = noTask
        switch ev.kind {
        case .stateTransition:
            if let st = ev.transition, case .goroutine(let id) = st.resource {
                resource = id
                from = st.fromRaw
                to = st.toRaw
            }
        case .taskBegin, .taskEnd:
            stringID = ev.typeStringID
            taskID = ev.taskID
            parentTaskID = ev.taskParent
        case .regionBegin, .regionEnd:
            stringID = ev.typeStringID
            taskID = ev.taskID
        default:
            break
        }
    }

    public var kind: EventKind { Event(type: type, time: time, goroutine: goroutine, proc: noID, thread: noID).kind }

    /// Go's `primaryGoroutine`: the transitioning goroutine for state transitions, else the context's.
    public var primaryGoroutine: Int64 { kind == .stateTransition ? resource : goroutine }
}

/// One user region as Go's `UserRegionSummary`: its task, type, start and end events and the
/// goroutine's time split while it was active.
public struct RegionSummary: Sendable {
    public var taskID: UInt64
    /// The region type ("" for the synthetic region a goroutine inherits from its creator).
    public var name: String
    /// The goroutine the region ran on.
    public var goroutine: Int64
    /// RegionBegin (or, for an inherited region, the goroutine's creation); nil when the begin
    /// is not in the trace.
    public var start: EventRef?
    /// RegionEnd, the goroutine's end transition, or nil when the trace ended first.
    public var end: EventRef?
    public var stats: ExecStats
}

/// One goroutine as Go's `GoroutineSummary`.
public struct GoroutineSummary: Sendable {
    public var id: Int64
    /// Start function (root frame of the first transition stack seen); "" if none was seen.
    public var name: String
    /// PC of that frame.
    public var pc: UInt64
    /// First appearance (creation, or the start of the generation it was first seen in).
    public var creationTime: Int64
    /// First time running; 0 if it never ran.
    public var startTime: Int64
    /// When it ended (exit or blocked forever); 0 if it did not.
    public var endTime: Int64
    public var stats: ExecStats
    /// Indices into `GoroutineSummaries.regions`, sorted by start time (no start first).
    public var regions: [Int]
    /// Stack of the first creation/status transition that had one, and of the end transition
    /// (global stack IDs; 0 = none).
    public var startStackID: UInt32
    public var endStackID: UInt32

    /// Go's `IsSystemGoroutine`.
    public var isSystem: Bool { GoroutineSummary.isSystem(name) }

    public static func isSystem(_ name: String) -> Bool {
        name.isEmpty || (name != "runtime.main" && name.hasPrefix("runtime."))
    }
}

/// One user task as Go's `UserTaskSummary`.
public struct TaskSummary: Sendable {
    public var id: UInt64
    /// Type (from TaskBegin, overwritten by TaskEnd's, which is "" when the begin was not seen).
    public var name: String
    /// Parent task ID, nil if unknown.
    public var parent: UInt64?
    public var children: [UInt64]
    public var start: EventRef?
    public var end: EventRef?
    /// Goroutines that began/ended it, logged in it or had regions in it (may include -1).
    public var goroutines: [Int64]
    /// Indices into `GoroutineSummaries.regions`, in order of appearance.
    public var regions: [Int]
    /// Indices into `GoroutineSummaries.logs`, in order.
    public var logs: [Int]

    /// Both begin and end are in the trace.
    public var isComplete: Bool { start != nil && end != nil }
}

/// One `runtime/trace.Log` call.
public struct LogEntry: Sendable, Codable {
    public var time: Int64
    public var goroutine: Int64
    public var taskID: UInt64
    public var category: String
    public var message: String
}

/// Summary statistics of one column over a set of goroutines or regions (beyond Go's pages).
/// Percentiles use the nearest-rank method: the smallest value with at least p·n values ≤ it.
public struct Distribution: Sendable, Equatable, Codable {
    public var count: Int
    public var sum: Int64
    public var min: Int64
    public var median: Int64
    public var p99: Int64
    public var max: Int64

    public init(_ values: [Int64]) {
        let s = values.sorted()
        count = s.count
        sum = s.reduce(0, &+)
        func rank(_ p: Double) -> Int64 {
            guard !s.isEmpty else { return 0 }
            let r = Int((p * Double(s.count)).rounded(.up))
            return s[Swift.max(0, Swift.min(s.count - 1, r - 1))]
        }
        min = s.first ?? 0
        max = s.last ?? 0
        median = rank(0.5)
        p99 = rank(0.99)
    }
}

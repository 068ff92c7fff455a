/// The v2 wire event table (Go 1.22+; Go's `tracev2/events.go`), as data.
///
/// `args` lists the argument names in wire order *including* the leading `dt` for timed events,
/// exactly as Go spells them, because `-d=wire` output and experimental events print them.
/// `stackArgs` / `stringArgs` index into the args *after* `dt` (the event's `args` array).
struct WireSpec: Sendable {
    let name: String
    let args: [String]
    let isTimed: Bool
    let stackArgs: [Int]
    let stringArgs: [Int]
    let startEvent: UInt8
    let isStack: Bool
    let hasData: Bool
    let experiment: UInt8

    init(_ name: String, _ args: [String] = [], timed: Bool = false, stacks: [Int] = [], strings: [Int] = [],
         start: UInt8 = 0, isStack: Bool = false, hasData: Bool = false, experiment: UInt8 = 0) {
        self.name = name
        self.args = args
        self.isTimed = timed
        // Go's StackIDs/StringIDs count dt as argument 0; ours do not.
        self.stackArgs = timed ? stacks.map { $0 - 1 } : stacks
        self.stringArgs = timed ? strings.map { $0 - 1 } : strings
        self.startEvent = start
        self.isStack = isStack
        self.hasData = hasData
        self.experiment = experiment
    }

    /// Number of uvarint arguments after `dt` for a timed event.
    var timedArgCount: Int { isTimed ? args.count - 1 : args.count }
}

/// Wire event type numbers (Go's `tracev2.Ev*`); `Event.type` holds one of these.
public enum Wire {
    public static let eventBatch: UInt8 = 1
    public static let stacks: UInt8 = 2
    public static let stack: UInt8 = 3
    public static let strings: UInt8 = 4
    public static let string: UInt8 = 5
    public static let cpuSamples: UInt8 = 6
    public static let cpuSample: UInt8 = 7
    public static let frequency: UInt8 = 8
    public static let procsChange: UInt8 = 9
    public static let procStart: UInt8 = 10
    public static let procStop: UInt8 = 11
    public static let procSteal: UInt8 = 12
    public static let procStatus: UInt8 = 13
    public static let goCreate: UInt8 = 14
    public static let goCreateSyscall: UInt8 = 15
    public static let goStart: UInt8 = 16
    public static let goDestroy: UInt8 = 17
    public static let goDestroySyscall: UInt8 = 18
    public static let goStop: UInt8 = 19
    public static let goBlock: UInt8 = 20
    public static let goUnblock: UInt8 = 21
    public static let goSyscallBegin: UInt8 = 22
    public static let goSyscallEnd: UInt8 = 23
    public static let goSyscallEndBlocked: UInt8 = 24
    public static let goStatus: UInt8 = 25
    public static let stwBegin: UInt8 = 26
    public static let stwEnd: UInt8 = 27
    public static let gcActive: UInt8 = 28
    public static let gcBegin: UInt8 = 29
    public static let gcEnd: UInt8 = 30
    public static let gcSweepActive: UInt8 = 31
    public static let gcSweepBegin: UInt8 = 32
    public static let gcSweepEnd: UInt8 = 33
    public static let gcMarkAssistActive: UInt8 = 34
    public static let gcMarkAssistBegin: UInt8 = 35
    public static let gcMarkAssistEnd: UInt8 = 36
    public static let heapAlloc: UInt8 = 37
    public static let heapGoal: UInt8 = 38
    public static let goLabel: UInt8 = 39
    public static let userTaskBegin: UInt8 = 40
    public static let userTaskEnd: UInt8 = 41
    public static let userRegionBegin: UInt8 = 42
    public static let userRegionEnd: UInt8 = 43
    public static let userLog: UInt8 = 44
    public static let goSwitch: UInt8 = 45
    public static let goSwitchDestroy: UInt8 = 46
    public static let goCreateBlocked: UInt8 = 47
    public static let goStatusStack: UInt8 = 48
    public static let experimentalBatch: UInt8 = 49
    public static let sync: UInt8 = 50
    public static let clockSnapshot: UInt8 = 51
    public static let endOfGeneration: UInt8 = 52
    public static let maxEvent: UInt8 = 127
    public static let maxExperimental: UInt8 = 137
    /// Our private marker for Sync events (Go's `evSync`).
    public static let syncEvent: UInt8 = 255

    public static let maxBatchSize = 64 << 10
    public static let maxFramesPerStack = 128
    public static let maxStringSize = 1 << 10

    /// Index = wire type. Unknown types have an empty name.
    static let specs: [WireSpec] = {
        var t = [WireSpec](repeating: WireSpec(""), count: 256)
        t[1] = WireSpec("EventBatch", ["gen", "m", "time", "size"])
        t[2] = WireSpec("Stacks")
        t[3] = WireSpec("Stack", ["id", "nframes"], isStack: true)
        t[4] = WireSpec("Strings")
        t[5] = WireSpec("String", ["id"], hasData: true)
        t[6] = WireSpec("CPUSamples")
        t[7] = WireSpec("CPUSample", ["time", "m", "p", "g", "stack"], stacks: [4])
        t[8] = WireSpec("Frequency", ["freq"])
        t[9] = WireSpec("ProcsChange", ["dt", "procs_value", "stack"], timed: true, stacks: [2])
        t[10] = WireSpec("ProcStart", ["dt", "p", "p_seq"], timed: true)
        t[11] = WireSpec("ProcStop", ["dt"], timed: true)
        t[12] = WireSpec("ProcSteal", ["dt", "p", "p_seq", "m"], timed: true)
        t[13] = WireSpec("ProcStatus", ["dt", "p", "pstatus"], timed: true)
        t[14] = WireSpec("GoCreate", ["dt", "new_g", "new_stack", "stack"], timed: true, stacks: [3, 2])
        t[15] = WireSpec("GoCreateSyscall", ["dt", "new_g"], timed: true)
        t[16] = WireSpec("GoStart", ["dt", "g", "g_seq"], timed: true)
        t[17] = WireSpec("GoDestroy", ["dt"], timed: true)
        t[18] = WireSpec("GoDestroySyscall", ["dt"], timed: true)
        t[19] = WireSpec("GoStop", ["dt", "reason_string", "stack"], timed: true, stacks: [2], strings: [1])
        t[20] = WireSpec("GoBlock", ["dt", "reason_string", "stack"], timed: true, stacks: [2], strings: [1])
        t[21] = WireSpec("GoUnblock", ["dt", "g", "g_seq", "stack"], timed: true, stacks: [3])
        t[22] = WireSpec("GoSyscallBegin", ["dt", "p_seq", "stack"], timed: true, stacks: [2])
        t[23] = WireSpec("GoSyscallEnd", ["dt"], timed: true, start: 22)
        t[24] = WireSpec("GoSyscallEndBlocked", ["dt"], timed: true, start: 22)
        t[25] = WireSpec("GoStatus", ["dt", "g", "m", "gstatus"], timed: true)
        t[26] = WireSpec("STWBegin", ["dt", "kind_string", "stack"], timed: true, stacks: [2], strings: [1])
        t[27] = WireSpec("STWEnd", ["dt"], timed: true, start: 26)
        t[28] = WireSpec("GCActive", ["dt", "gc_seq"], timed: true, start: 29)
        t[29] = WireSpec("GCBegin", ["dt", "gc_seq", "stack"], timed: true, stacks: [2])
        t[30] = WireSpec("GCEnd", ["dt", "gc_seq"], timed: true, start: 29)
        t[31] = WireSpec("GCSweepActive", ["dt", "p"], timed: true, start: 32)
        t[32] = WireSpec("GCSweepBegin", ["dt", "stack"], timed: true, stacks: [1])
        t[33] = WireSpec("GCSweepEnd", ["dt", "swept_value", "reclaimed_value"], timed: true, start: 32)
        t[34] = WireSpec("GCMarkAssistActive", ["dt", "g"], timed: true, start: 35)
        t[35] = WireSpec("GCMarkAssistBegin", ["dt", "stack"], timed: true, stacks: [1])
        t[36] = WireSpec("GCMarkAssistEnd", ["dt"], timed: true, start: 35)
        t[37] = WireSpec("HeapAlloc", ["dt", "heapalloc_value"], timed: true)
        t[38] = WireSpec("HeapGoal", ["dt", "heapgoal_value"], timed: true)
        t[39] = WireSpec("GoLabel", ["dt", "label_string"], timed: true, strings: [1])
        t[40] = WireSpec("UserTaskBegin", ["dt", "task", "parent_task", "name_string", "stack"], timed: true, stacks: [4], strings: [3])
        t[41] = WireSpec("UserTaskEnd", ["dt", "task", "stack"], timed: true, stacks: [2])
        t[42] = WireSpec("UserRegionBegin", ["dt", "task", "name_string", "stack"], timed: true, stacks: [3], strings: [2])
        t[43] = WireSpec("UserRegionEnd", ["dt", "task", "name_string", "stack"], timed: true, stacks: [3], strings: [2], start: 42)
        t[44] = WireSpec("UserLog", ["dt", "task", "key_string", "value_string", "stack"], timed: true, stacks: [4], strings: [2, 3])
        t[45] = WireSpec("GoSwitch", ["dt", "g", "g_seq"], timed: true)
        t[46] = WireSpec("GoSwitchDestroy", ["dt", "g", "g_seq"], timed: true)
        t[47] = WireSpec("GoCreateBlocked", ["dt", "new_g", "new_stack", "stack"], timed: true, stacks: [3, 2])
        t[48] = WireSpec("GoStatusStack", ["dt", "g", "m", "gstatus", "stack"], timed: true, stacks: [4])
        t[49] = WireSpec("ExperimentalBatch", ["exp", "gen", "m", "time"], hasData: true)
        t[50] = WireSpec("Sync")
        t[51] = WireSpec("ClockSnapshot", ["dt", "mono", "sec", "nsec"], timed: true)
        t[52] = WireSpec("EndOfGeneration")
        t[128] = WireSpec("Span", ["dt", "id", "npages_value", "kindclass"], timed: true, experiment: 1)
        t[129] = WireSpec("SpanAlloc", ["dt", "id", "npages_value", "kindclass"], timed: true, experiment: 1)
        t[130] = WireSpec("SpanFree", ["dt", "id"], timed: true, experiment: 1)
        t[131] = WireSpec("HeapObject", ["dt", "id", "type"], timed: true, experiment: 1)
        t[132] = WireSpec("HeapObjectAlloc", ["dt", "id", "type"], timed: true, experiment: 1)
        t[133] = WireSpec("HeapObjectFree", ["dt", "id"], timed: true, experiment: 1)
        t[134] = WireSpec("GoroutineStack", ["dt", "id", "order"], timed: true, experiment: 1)
        t[135] = WireSpec("GoroutineStackAlloc", ["dt", "id", "order"], timed: true, experiment: 1)
        t[136] = WireSpec("GoroutineStackFree", ["dt", "id"], timed: true, experiment: 1)
        return t
    }()

    /// Number of args after dt for each type (0 for non-timed); flat for the hot decoder.
    static let timedArgCounts: [UInt8] = specs.map { $0.isTimed ? UInt8($0.args.count - 1) : 0 }
    static let isTimed: [Bool] = specs.map { $0.isTimed }

    static let experimentNames = ["None", "AllocFree"]

    /// Go's name for a wire event type ("GoCreate", …), or "" if undefined.
    public static func name(_ type: UInt8) -> String { specs[Int(type)].name }

    /// Highest wire type defined by each v2 trace version (the `-d=wire` reader restricts by version).
    static func maxType(forMinor minor: Int) -> UInt8 {
        switch minor {
        case 22: return 44
        case 23, 24: return 49
        case 25: return 51
        default: return 52
        }
    }
}

/// Per wire type, what the hot decoder needs, as plain bytes in raw memory (no array or
/// lazy-global access per event).
struct WireInfo {
    /// Arguments after dt, or 0xff if the type is not a timed event.
    var argCount: UInt8
    /// Bit i set: argument i is a stack ID / a string ID.
    var stackMask: UInt8
    var stringMask: UInt8

    nonisolated(unsafe) static let table: UnsafeMutablePointer<WireInfo> = {
        let t = UnsafeMutablePointer<WireInfo>.allocate(capacity: 256)
        for i in 0..<256 {
            let s = Wire.specs[i]
            var stack: UInt8 = 0, string: UInt8 = 0
            for k in s.stackArgs where s.isTimed { stack |= 1 << k }
            for k in s.stringArgs where s.isTimed { string |= 1 << k }
            (t + i).initialize(to: WireInfo(argCount: s.isTimed ? UInt8(s.args.count - 1) : 0xff,
                                            stackMask: stack, stringMask: string))
        }
        return t
    }()
}

/// The v1 wire format (Go 1.5–1.21 traces): event types, their argument layout per version,
/// and the plain-struct event the v1 parser, ordering and validation work on.
///
/// Facts from Go 1.27's `internal/trace/internal/tracev1/parser.go` (1.11–1.21) and Go 1.21's
/// `internal/trace/parser.go` (1.5–1.10); see docs/trace-format.md sections 8 and 9.

/// v1 wire event types (`tracev1.Ev*`).
enum V1 {
    static let none: UInt8 = 0
    static let batch: UInt8 = 1
    static let frequency: UInt8 = 2
    static let stack: UInt8 = 3
    static let gomaxprocs: UInt8 = 4
    static let procStart: UInt8 = 5
    static let procStop: UInt8 = 6
    static let gcStart: UInt8 = 7
    static let gcDone: UInt8 = 8
    static let stwStart: UInt8 = 9
    static let stwDone: UInt8 = 10
    static let gcSweepStart: UInt8 = 11
    static let gcSweepDone: UInt8 = 12
    static let goCreate: UInt8 = 13
    static let goStart: UInt8 = 14
    static let goEnd: UInt8 = 15
    static let goStop: UInt8 = 16
    static let goSched: UInt8 = 17
    static let goPreempt: UInt8 = 18
    static let goSleep: UInt8 = 19
    static let goBlock: UInt8 = 20
    static let goUnblock: UInt8 = 21
    static let goBlockSend: UInt8 = 22
    static let goBlockRecv: UInt8 = 23
    static let goBlockSelect: UInt8 = 24
    static let goBlockSync: UInt8 = 25
    static let goBlockCond: UInt8 = 26
    static let goBlockNet: UInt8 = 27
    static let goSysCall: UInt8 = 28
    static let goSysExit: UInt8 = 29
    static let goSysBlock: UInt8 = 30
    static let goWaiting: UInt8 = 31
    static let goInSyscall: UInt8 = 32
    static let heapAlloc: UInt8 = 33
    static let heapGoal: UInt8 = 34
    static let timerGoroutine: UInt8 = 35
    static let futileWakeup: UInt8 = 36
    static let string: UInt8 = 37
    static let goStartLocal: UInt8 = 38
    static let goUnblockLocal: UInt8 = 39
    static let goSysExitLocal: UInt8 = 40
    static let goStartLabel: UInt8 = 41
    static let goBlockGC: UInt8 = 42
    static let gcMarkAssistStart: UInt8 = 43
    static let gcMarkAssistDone: UInt8 = 44
    static let userTaskCreate: UInt8 = 45
    static let userTaskEnd: UInt8 = 46
    static let userRegion: UInt8 = 47
    static let userLog: UInt8 = 48
    static let cpuSample: UInt8 = 49
    static let count: UInt8 = 50

    /// Fake P IDs the parser assigns (`tracev1.FakeP + n`).
    static let timerP: Int32 = 1_000_001
    static let netpollP: Int32 = 1_000_002
    static let syscallP: Int32 = 1_000_003
    static let gcP: Int32 = 1_000_004
    static let profileP: Int32 = 1_000_005

    struct Desc {
        let name: String
        let minVersion: Int
        let stack: Bool
        let args: [String]
    }

    /// Go 1.27's `EventDescriptions` (names as Go 1.27 spells them, for error messages).
    static let descs: [Desc] = {
        var t = [Desc](repeating: Desc(name: "", minVersion: 1000, stack: false, args: []), count: 256)
        func d(_ i: UInt8, _ name: String, _ v: Int, _ stack: Bool, _ args: [String]) {
            t[Int(i)] = Desc(name: name, minVersion: v, stack: stack, args: args)
        }
        d(none, "None", 5, false, [])
        d(batch, "Batch", 5, false, ["p", "ticks"])
        d(frequency, "Frequency", 5, false, ["freq"])
        d(stack, "Stack", 5, false, ["id", "siz"])
        d(gomaxprocs, "Gomaxprocs", 5, true, ["procs"])
        d(procStart, "ProcStart", 5, false, ["thread"])
        d(procStop, "ProcStop", 5, false, [])
        d(gcStart, "GCStart", 5, true, ["seq"])
        d(gcDone, "GCDone", 5, false, [])
        d(stwStart, "GCSTWStart", 5, false, ["kindid"])
        d(stwDone, "GCSTWDone", 5, false, [])
        d(gcSweepStart, "GCSweepStart", 5, true, [])
        d(gcSweepDone, "GCSweepDone", 5, false, ["swept", "reclaimed"])
        d(goCreate, "GoCreate", 5, true, ["g", "stack"])
        d(goStart, "GoStart", 5, false, ["g", "seq"])
        d(goEnd, "GoEnd", 5, false, [])
        d(goStop, "GoStop", 5, true, [])
        d(goSched, "GoSched", 5, true, [])
        d(goPreempt, "GoPreempt", 5, true, [])
        d(goSleep, "GoSleep", 5, true, [])
        d(goBlock, "GoBlock", 5, true, [])
        d(goUnblock, "GoUnblock", 5, true, ["g", "seq"])
        d(goBlockSend, "GoBlockSend", 5, true, [])
        d(goBlockRecv, "GoBlockRecv", 5, true, [])
        d(goBlockSelect, "GoBlockSelect", 5, true, [])
        d(goBlockSync, "GoBlockSync", 5, true, [])
        d(goBlockCond, "GoBlockCond", 5, true, [])
        d(goBlockNet, "GoBlockNet", 5, true, [])
        d(goSysCall, "GoSysCall", 5, true, [])
        d(goSysExit, "GoSysExit", 5, false, ["g", "seq", "ts"])
        d(goSysBlock, "GoSysBlock", 5, false, [])
        d(goWaiting, "GoWaiting", 5, false, ["g"])
        d(goInSyscall, "GoInSyscall", 5, false, ["g"])
        d(heapAlloc, "HeapAlloc", 5, false, ["mem"])
        d(heapGoal, "HeapGoal", 5, false, ["mem"])
        d(timerGoroutine, "TimerGoroutine", 5, false, ["g"])
        d(futileWakeup, "FutileWakeup", 5, false, [])
        d(string, "String", 7, false, [])
        d(goStartLocal, "GoStartLocal", 7, false, ["g"])
        d(goUnblockLocal, "GoUnblockLocal", 7, true, ["g"])
        d(goSysExitLocal, "GoSysExitLocal", 7, false, ["g", "ts"])
        d(goStartLabel, "GoStartLabel", 8, false, ["g", "seq", "labelid"])
        d(goBlockGC, "GoBlockGC", 8, true, [])
        d(gcMarkAssistStart, "GCMarkAssistStart", 9, true, [])
        d(gcMarkAssistDone, "GCMarkAssistDone", 9, false, [])
        d(userTaskCreate, "UserTaskCreate", 11, true, ["taskid", "pid", "typeid"])
        d(userTaskEnd, "UserTaskEnd", 11, true, ["taskid"])
        d(userRegion, "UserRegion", 11, true, ["taskid", "mode", "typeid"])
        d(userLog, "UserLog", 11, true, ["id", "keyid"])
        d(cpuSample, "CPUSample", 19, true, ["ts", "p", "g"])
        return t
    }()

    /// Flat copies of `descs` for the hot paths.
    static let hasStack: [Bool] = descs.map { $0.stack }
    static let argCount: [Int] = descs.map { $0.args.count }
    static let minVersion: [Int] = descs.map { $0.minVersion }

    /// Expected number of raw arguments (timestamp, sequence and stack included) of a
    /// non-Stack record, per format version (Go 1.21's `argNum`, which for 1.11+ equals Go 1.27's).
    @inline(__always)
    static func argNum(_ typ: UInt8, version ver: Int) -> Int {
        var n = argCount[Int(typ)] + (hasStack[Int(typ)] ? 1 : 0)
        switch typ {
        case batch, frequency, timerGoroutine:
            return ver < 7 ? n + 1 : n
        default:
            break
        }
        n += 1 // timestamp
        if ver < 7 { n += 1 } // sequence number
        switch typ {
        case gcSweepDone where ver < 9: n -= 2
        case gcStart where ver < 7, goStart where ver < 7, goUnblock where ver < 7: n -= 1
        case stwStart where ver < 10: n -= 1
        default: break
        }
        return n
    }

    /// Types after which the P's current goroutine is none (the goroutine stopped running).
    static let clearsLastG: [Bool] = {
        var t = [Bool](repeating: false, count: 256)
        for e in [goEnd, goStop, goSched, goPreempt, goSleep, goBlock, goBlockSend, goBlockRecv, goBlockSelect,
                  goBlockSync, goBlockCond, goBlockNet, goSysBlock, goBlockGC] {
            t[Int(e)] = true
        }
        return t
    }()
}

/// One parsed v1 event (Go's `tracev1.Event`): plain values, no references.
///
/// `ts` is in raw ticks until the ordering converts it to nanoseconds. For Go 1.5 traces `a3`
/// holds the event's global sequence number until ordering (1.5 events have at most 3 args).
/// For UserLog `a3` is the global string ID of the message. After validation, GoSysCall's `a0`
/// caches whether the syscall blocked (see `V1Converter`).
struct V1Event {
    var ts: Int64 = 0
    var g: UInt64 = 0
    var a0: UInt64 = 0
    var a1: UInt64 = 0
    var a2: UInt64 = 0
    var a3: UInt64 = 0
    var stk: UInt32 = 0
    var p: Int32 = 0
    var type: UInt8 = 0

    @inline(__always) mutating func setArg(_ i: Int, _ v: UInt64) {
        switch i {
        case 0: a0 = v
        case 1: a1 = v
        case 2: a2 = v
        default: a3 = v
        }
    }

    @inline(__always) func arg(_ i: Int) -> UInt64 {
        switch i {
        case 0: return a0
        case 1: return a1
        case 2: return a2
        default: return a3
        }
    }

    /// Go's `(*tracev1.Event).String()`, used inside some validation error messages.
    var goString: String {
        let desc = V1.descs[Int(type)]
        var s = "\(ts) \(desc.name) p=\(p) g=\(g) stk=\(stk)"
        for (i, a) in desc.args.enumerated() {
            s += " \(a)=\(arg(i))"
        }
        return s
    }
}

/// A map from 64-bit IDs (goroutines, Ps) to values: a dense array for small IDs, a dictionary
/// for the rest, so the per-event lookups of the hot loops are mostly array accesses.
///
/// The dense part only grows geometrically (to at most twice its size, or 1024), so a single
/// huge ID in hostile input lands in the dictionary instead of allocating a huge array.
struct V1IDMap<Value> {
    private var dense: [Value] = []
    private var sparse: [UInt64: Value] = [:]
    private let fill: Value
    private let denseLimit: UInt64

    init(default fill: Value, denseLimit: UInt64 = 1 << 16) {
        self.fill = fill
        self.denseLimit = denseLimit
    }

    @inline(__always)
    subscript(key: UInt64) -> Value {
        get {
            if key < UInt64(dense.count) { return dense[Int(key)] }
            if sparse.isEmpty { return fill }
            return sparse[key] ?? fill
        }
        set {
            if key < UInt64(dense.count) {
                dense[Int(key)] = newValue
                return
            }
            let reach = UInt64(Swift.max(1024, dense.count * 2))
            if key < denseLimit && key < reach {
                grow(to: Int(Swift.min(denseLimit, Swift.max(reach, key + 1))))
                dense[Int(key)] = newValue
            } else {
                sparse[key] = newValue
            }
        }
    }

    private mutating func grow(to n: Int) {
        let old = dense.count
        dense.append(contentsOf: repeatElement(fill, count: n - old))
        if !sparse.isEmpty {
            for (k, v) in sparse where k < UInt64(n) {
                dense[Int(k)] = v
                sparse[k] = nil
            }
        }
    }
}

extension V1IDMap {
    /// Key for a P ID (-1 and other negatives go to the sparse part).
    @inline(__always) static func pKey(_ p: Int32) -> UInt64 { UInt64(UInt32(bitPattern: p)) }
}

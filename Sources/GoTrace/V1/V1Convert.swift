/// Conversion of the validated v1 event stream into our (v2) event model, exactly as Go 1.27's
/// `internal/trace/tracev1.go` converts it (docs/trace-format.md 8.5).
///
/// Deliberate choice where Go is not deterministic: the synthetic `GoStatus(Runnable)` events
/// emitted at the first Gomaxprocs for goroutines created before it (Go iterates a map) come
/// out in ascending goroutine ID order.
struct V1Converter {
    let tables: TraceTables
    let ver: Int

    private(set) var out: [Event] = []
    private(set) var lastTs: Int64 = -1

    private var preInit = true
    private var createdPreInit = Set<UInt64>()
    private var tasks: [UInt64: (name: UInt32, parent: UInt64)] = [:]
    private var seenProcs = V1IDMap<Bool>(default: false, denseLimit: 4096)
    private var procMs = V1IDMap<MSlot>(default: MSlot(), denseLimit: 4096)
    private var lastStwReason: UInt32 = 0

    private var stringMap: [UInt64: UInt32] = [:]
    private var stackMap = V1IDMap<UInt32>(default: 0, denseLimit: 1 << 24)
    private var builtin: [UInt32] = []

    struct MSlot {
        var has = false
        var m: Int64 = 0
    }

    // Indices into `builtin` (Go's s* constants).
    private static let sForever = 0, sPreempted = 1, sGosched = 2, sSleep = 3, sChanSend = 4, sChanRecv = 5
    private static let sNetwork = 6, sSync = 7, sSyncCond = 8, sSelect = 9, sEmpty = 10, sMarkAssistWait = 11
    private static let sSTWUnknown = 12
    private static let builtinStrings = [
        "forever", "preempted", "runtime.Gosched", "sleep", "chan send", "chan receive", "network", "sync",
        "sync.(*Cond).Wait", "select", "", "GC mark assist wait for work",
        // STW kinds
        "", "GC mark termination", "GC sweep termination", "write heap dump", "goroutine profile",
        "goroutine profile cleanup", "all goroutine stack trace", "read mem stats", "AllThreadsSyscall",
        "GOMAXPROCS", "start trace", "stop trace", "CountPagesInUse (test)", "ReadMetricsSlow (test)",
        "ReadMemStatsSlow (test)", "PageCachePagesLeaked (test)", "ResetDebugLog (test)",
    ]

    /// Go 1.27's `init`: builds the string and stack tables (here: interned into `tables`).
    init(parser: V1Parser, inlineStringCount: Int) throws(TraceError) {
        tables = parser.tables
        ver = parser.ver
        var maxID: UInt64 = 0
        for id in parser.strings.keys.sorted() {
            if let b = parser.stringBytes(id) { stringMap[id] = tables.intern(bytes: b) }
            if id > maxID { maxID = id }
        }
        let (m1, o1) = maxID.addingReportingOverflow(UInt64(inlineStringCount))
        if o1 { throw TraceError("trace contains too many strings") }
        if m1.addingReportingOverflow(UInt64(Self.builtinStrings.count)).overflow {
            throw TraceError("trace contains too many strings")
        }
        builtin = Self.builtinStrings.map { tables.intern($0) }

        var frameOfPC: [UInt64: UInt32] = [:]
        for id in parser.stacks.keys.sorted() {
            guard let (start, n) = parser.stacks[id] else { continue }
            var ids: [UInt32] = []
            ids.reserveCapacity(n)
            for k in start..<(start + n) {
                let pc = parser.stackPCs[k]
                if let f = frameOfPC[pc] {
                    ids.append(f)
                    continue
                }
                let raw = parser.pcs[pc] ?? V1Parser.RawFrame(fn: 0, file: 0, line: 0)
                let f = tables.intern(frame: StackFrame(pc: pc, funcID: stringMap[raw.fn] ?? 0,
                                                        fileID: stringMap[raw.file] ?? 0, line: raw.line))
                frameOfPC[pc] = f
                ids.append(f)
            }
            stackMap[UInt64(id)] = tables.intern(stackFrameIDs: ids)
        }
    }

    @inline(__always) private func str(_ v1ID: UInt64) -> UInt64 { UInt64(stringMap[v1ID] ?? 0) }

    @inline(__always) private func stack(_ v1ID: UInt32) -> UInt64 {
        UInt64(stackMap[UInt64(v1ID)])
    }

    @inline(__always)
    private mutating func emit(_ e: Event) {
        var e = e
        if e.time <= lastTs { e.time = lastTs &+ 1 }
        lastTs = e.time
        out.append(e)
    }

    /// Go's `trace.STWReason` lookup.
    private func stwReason(_ kind: UInt64) -> Int {
        if ver < 21 { return kind == 0 || kind == 1 ? Int(kind) + 1 : 0 }
        return kind < 17 ? Int(kind) : 0
    }

    /// Marks each GoSysCall (in `a0`) with whether the next event of the same goroutine is a
    /// GoSysBlock — Go's look-ahead, done in one backward pass instead of a scan per syscall.
    static func markBlockingSyscalls(_ events: inout [V1Event]) {
        var nextType = V1IDMap<UInt8>(default: 0, denseLimit: 1 << 22)
        var j = events.count - 1
        while j >= 0 {
            let g = events[j].g
            let t = events[j].type
            if t == V1.goSysCall {
                events[j].a0 = nextType[g] == V1.goSysBlock ? 1 : 0
            }
            nextType[g] = t
            j -= 1
        }
    }

    /// Converts all events; stops at the first event Go cannot convert and returns its error.
    mutating func run(_ events: [V1Event]) -> TraceError? {
        out.reserveCapacity(events.count + events.count / 8 + 16)
        for ev in events {
            if let e = convert(ev) { return e }
        }
        return nil
    }

    private mutating func convert(_ ev: V1Event) -> TraceError? {
        var type: UInt8
        var a0 = ev.a0, a1 = ev.a1, a2 = ev.a2, a3 = ev.a3
        let pID = Int64(ev.p)
        let pKey = V1IDMap<MSlot>.pKey(ev.p)
        let stk = stack(ev.stk)

        switch ev.type {
        case V1.gomaxprocs:
            type = Wire.procsChange
            if preInit {
                preInit = false
                for gid in createdPreInit.sorted() {
                    emit(Event(type: Wire.goStatus, time: ev.ts, goroutine: noID, proc: noID, thread: noID,
                               a0: gid, a1: ~0, a2: 1))
                }
                createdPreInit = []
                return nil
            }
        case V1.procStart:
            procMs[pKey] = MSlot(has: true, m: Int64(bitPattern: ev.a0))
            if seenProcs[pKey] {
                type = Wire.procStart
                (a0, a1, a2, a3) = (UInt64(bitPattern: pID), 0, 0, 0)
            } else {
                seenProcs[pKey] = true
                type = Wire.procStatus
                (a0, a1, a2, a3) = (UInt64(bitPattern: pID), 1, 0, 0)
            }
        case V1.procStop:
            if seenProcs[pKey] {
                type = Wire.procStop
                (a0, a1, a2, a3) = (UInt64(bitPattern: pID), 0, 0, 0)
            } else {
                seenProcs[pKey] = true
                type = Wire.procStatus
                (a0, a1, a2, a3) = (UInt64(bitPattern: pID), 2, 0, 0)
            }
        case V1.gcStart:
            type = Wire.gcBegin
        case V1.gcDone:
            type = Wire.gcEnd
        case V1.stwStart:
            let sid = builtin[Self.sSTWUnknown + stwReason(ev.a0)]
            lastStwReason = sid
            type = Wire.stwBegin
            (a0, a1, a2, a3) = (UInt64(sid), 0, 0, 0)
        case V1.stwDone:
            type = Wire.stwEnd
            (a0, a1, a2, a3) = (UInt64(lastStwReason), 0, 0, 0)
        case V1.gcSweepStart:
            type = Wire.gcSweepBegin
        case V1.gcSweepDone:
            type = Wire.gcSweepEnd
        case V1.goCreate:
            if preInit {
                createdPreInit.insert(ev.a0)
                return nil
            }
            type = Wire.goCreate
            if ver < 7 {
                // Go 1.5 wrote the start PC; Go 1.21 showed it as a one-frame stack [pc+1].
                let f = tables.intern(frame: StackFrame(pc: ev.a1 &+ 1, funcID: 0, fileID: 0, line: 0))
                a1 = UInt64(tables.intern(stackFrameIDs: [f]))
            } else {
                a1 = stack(UInt32(truncatingIfNeeded: ev.a1))
            }
        case V1.goStart:
            if preInit {
                type = Wire.goStatus
                (a0, a1, a2, a3) = (ev.a0, ~0, 2, 0)
                createdPreInit.remove(ev.a0)
            } else {
                type = Wire.goStart
            }
        case V1.goStartLabel:
            let m = procMs[pKey]
            let thread = m.has ? m.m : 0
            let g = Int64(bitPattern: ev.g)
            emit(Event(type: Wire.goStart, time: ev.ts, goroutine: g, proc: pID, thread: thread,
                       a0: ev.a0, a1: ev.a1, a2: ev.a2, a3: ev.a3))
            emit(Event(type: Wire.goLabel, time: ev.ts, goroutine: g, proc: pID, thread: thread, a0: str(ev.a2)))
            return nil
        case V1.goEnd:
            type = Wire.goDestroy
        case V1.goStop:
            type = Wire.goBlock
            (a0, a1, a2, a3) = (UInt64(builtin[Self.sForever]), stk, 0, 0)
        case V1.goSched:
            type = Wire.goStop
            (a0, a1, a2, a3) = (UInt64(builtin[Self.sGosched]), stk, 0, 0)
        case V1.goPreempt:
            type = Wire.goStop
            (a0, a1, a2, a3) = (UInt64(builtin[Self.sPreempted]), stk, 0, 0)
        case V1.goSleep:
            type = Wire.goBlock
            (a0, a1, a2, a3) = (UInt64(builtin[Self.sSleep]), stk, 0, 0)
        case V1.goBlock:
            type = Wire.goBlock
            (a0, a1, a2, a3) = (UInt64(builtin[Self.sEmpty]), stk, 0, 0)
        case V1.goUnblock:
            type = Wire.goUnblock
        case V1.goBlockSend, V1.goBlockRecv, V1.goBlockSelect, V1.goBlockSync, V1.goBlockCond, V1.goBlockNet,
             V1.goBlockGC:
            let reason: Int
            switch ev.type {
            case V1.goBlockSend: reason = Self.sChanSend
            case V1.goBlockRecv: reason = Self.sChanRecv
            case V1.goBlockSelect: reason = Self.sSelect
            case V1.goBlockSync: reason = Self.sSync
            case V1.goBlockCond: reason = Self.sSyncCond
            case V1.goBlockNet: reason = Self.sNetwork
            default: reason = Self.sMarkAssistWait
            }
            type = Wire.goBlock
            (a0, a1, a2, a3) = (UInt64(builtin[reason]), stk, 0, 0)
        case V1.goSysCall:
            if ev.a0 != 0 { // blocked (see markBlockingSyscalls)
                type = Wire.goSyscallBegin
                (a0, a1, a2, a3) = (0, stk, 0, 0)
            } else {
                let m = procMs[pKey]
                let thread = m.has ? m.m : 0
                let g = Int64(bitPattern: ev.g)
                emit(Event(type: Wire.goSyscallBegin, time: ev.ts, goroutine: g, proc: pID, thread: thread, a1: stk))
                emit(Event(type: Wire.goSyscallEnd, time: ev.ts &+ 1, goroutine: g, proc: pID, thread: thread))
                return nil
            }
        case V1.goSysExit:
            type = Wire.goSyscallEndBlocked
        case V1.goSysBlock:
            return nil
        case V1.goWaiting:
            type = Wire.goStatus
            (a0, a1, a2, a3) = (ev.a0, ~0, 4, 0)
            createdPreInit.remove(ev.a0)
        case V1.goInSyscall:
            type = Wire.goStatus
            (a0, a1, a2, a3) = (ev.a0, ~0, 3, 0)
            createdPreInit.remove(ev.a0)
        case V1.heapAlloc:
            type = Wire.heapAlloc
        case V1.heapGoal:
            type = Wire.heapGoal
        case V1.gcMarkAssistStart:
            type = Wire.gcMarkAssistBegin
        case V1.gcMarkAssistDone:
            type = Wire.gcMarkAssistEnd
        case V1.userTaskCreate:
            type = Wire.userTaskBegin
            let name = UInt32(truncatingIfNeeded: str(ev.a2))
            (a0, a1, a2, a3) = (ev.a0, ev.a1 == 0 ? noTask : ev.a1, UInt64(name), stk)
            tasks[ev.a0] = (name, ev.a1)
        case V1.userTaskEnd:
            type = Wire.userTaskEnd
            if let t = tasks.removeValue(forKey: ev.a0) {
                (a0, a1, a2, a3) = (ev.a0, ev.a1, t.parent, UInt64(t.name))
            } else {
                (a0, a1, a2, a3) = (ev.a0, ev.a1, noTask, 0)
            }
        case V1.userRegion:
            switch ev.a1 {
            case 0: type = Wire.userRegionBegin
            case 1: type = Wire.userRegionEnd
            default: type = 0 // unreachable: validation rejects other modes
            }
            (a0, a1, a2, a3) = (ev.a0, str(ev.a2), stk, 0)
        case V1.userLog:
            type = Wire.userLog
            (a0, a1, a2, a3) = (ev.a0, str(ev.a1), ev.a3, stk)
        case V1.cpuSample:
            type = Wire.cpuSample
            (a0, a1, a2, a3) = (stk, ~0, UInt64(bitPattern: pID), ev.g)
        default:
            return TraceError("unexpected event type \(ev.type)")
        }

        // The v1 stack goes into the converted event's own stack argument.
        if V1.hasStack[Int(ev.type)] && ev.type != V1.cpuSample, let si = Wire.specs[Int(type)].stackArgs.first {
            switch si {
            case 0: a0 = stk
            case 1: a1 = stk
            case 2: a2 = stk
            default: a3 = stk
            }
        }

        var thread = noID
        if ev.p != -1 && ev.type != V1.cpuSample {
            let m = procMs[pKey]
            if m.has { thread = m.m }
        }
        if ev.type == V1.procStop { procMs[pKey] = MSlot() }
        let g: Int64 = ev.g == 0 ? noID : Int64(bitPattern: ev.g)
        emit(Event(type: type, time: ev.ts, goroutine: g, proc: pID, thread: thread, a0: a0, a1: a1, a2: a2, a3: a3))
        return nil
    }
}

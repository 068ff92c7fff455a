/// A decoded wire event before ordering. String and stack arguments are already global IDs;
/// `badMask` bit i marks argument i as an ID the generation does not define (it then keeps the
/// file's own ID, for the error Go reports when the event is returned).
struct RawEvent {
    var type: UInt8 = 0
    var badMask: UInt8 = 0
    var time: Int64 = 0
    var a0: UInt64 = 0
    var a1: UInt64 = 0
    var a2: UInt64 = 0
    var a3: UInt64 = 0

    @inline(__always)
    func event(_ g: Int64, _ p: Int64, _ m: Int64) -> Event {
        Event(type: type, time: time, goroutine: g, proc: p, thread: m, a0: a0, a1: a1, a2: a2, a3: a3)
    }
}

/// Go's per-resource sequence counter: (generation, n).
struct Seq: Equatable {
    var gen: UInt64
    var n: UInt64
    @inline(__always) func succeeds(_ b: Seq) -> Bool { gen == b.gen && n == b.n &+ 1 }
    var text: String { "\(n) (gen=\(gen))" }
}

/// A range in flight on a goroutine or proc: start-event type and (for STW) the kind string.
struct RangeKey: Equatable {
    var type: UInt8
    var desc: UInt64
}

/// Per-goroutine state touched by nearly every event; plain values, so reading it costs no
/// reference counting. The rarely used region stack and ranges live in `Cold`.
struct GState {
    // (The sequence first: the one-byte fields then pack after it, and a table entry of key,
    // state and used flag takes 32 bytes instead of 48.)
    var seq: Seq
    var status: UInt8
    var hasCold = false

    init(status: UInt8, seq: Seq, hasCold: Bool = false) {
        self.seq = seq
        self.status = status
        self.hasCold = hasCold
    }
}

struct PState {
    var seq: Seq
    var status: UInt8
    /// The only range a proc has is GC incremental sweep.
    var sweeping = false

    init(status: UInt8, seq: Seq, sweeping: Bool = false) {
        self.seq = seq
        self.status = status
        self.sweeping = sweeping
    }
}

/// A goroutine's or proc's region stack and ranges in flight (kept apart from the hot state).
struct Cold {
    var regions: [(task: UInt64, name: UInt32)] = []
    var inFlight: [RangeKey] = []
}

struct MState: Equatable {
    var g: Int64
    var p: Int64
}

/// Wire goroutine statuses.
enum GoWire {
    static let bad: UInt8 = 0, runnable: UInt8 = 1, running: UInt8 = 2, syscall: UInt8 = 3, waiting: UInt8 = 4
    static func name(_ s: UInt8) -> String {
        switch s {
        case runnable: return "Runnable"
        case running: return "Running"
        case syscall: return "Syscall"
        case waiting: return "Waiting"
        default: return "Bad"
        }
    }
}

/// Wire proc statuses.
enum ProcWire {
    static let bad: UInt8 = 0, running: UInt8 = 1, idle: UInt8 = 2, syscall: UInt8 = 3, syscallAbandoned: UInt8 = 4
    static func name(_ s: UInt8) -> String {
        switch s {
        case running: return "Running"
        case idle: return "Idle"
        case syscall: return "Syscall"
        case syscallAbandoned: return "SyscallAbandoned"
        default: return "Bad"
        }
    }
}

/// A small ring buffer of ready events in raw memory.
final class EventQueue {
    private let slots = UnsafeMutablePointer<(event: Event, bad: UInt8)>.allocate(capacity: 16)
    private var head = 0
    private var count = 0

    deinit { slots.deallocate() }

    @inline(__always) func push(_ e: Event, _ bad: UInt8) {
        // Never more than a handful are pending; 16 slots leave room to spare.
        guard count < 16 else { return }
        (slots + ((head + count) & 15)).initialize(to: (e, bad))
        count += 1
    }

    /// Pops into the caller's storage (no optional tuple to copy through).
    @inline(__always) func pop(into ev: inout Event, bad: inout UInt8) -> Bool {
        guard count > 0 else { return false }
        let slot = slots + head
        ev = slot.pointee.event
        bad = slot.pointee.bad
        head = (head + 1) & 15
        count -= 1
        return true
    }
}

/// Go's `ordering`: emulates the scheduler to decide which M's next event may happen now, checks
/// that it is valid, and emits the resulting API events.
///
/// Each `advance` returns false when the event is not ready yet (another M must move first) and
/// throws when the trace is inconsistent. The state lives across generations.
final class Ordering {
    /// For names in error messages.
    let tables: TraceTables

    init(tables: TraceTables) {
        self.tables = tables
        scratch.initialize(to: Event(type: 0, time: 0, goroutine: noID, proc: noID, thread: noID))
        out = scratch
    }

    let gStates = IDTable<GState>(capacity: 1024)
    let pStates = IDTable<PState>(capacity: 64)
    /// Thread states, by slot: each batch cursor finds its thread's slot on its first event, so
    /// reading the thread's context for every event is one array load.
    let mSlots = RawArray<MState>()
    private let mSlotOf = IDTable<Int>(capacity: 64)
    private var mIDs: [Int64] = []

    /// The state of thread `m`, if it has been seen.
    @inline(__always) func mState(_ m: Int64) -> MState? {
        guard let i = mSlotOf[m] else {
            if speculative { return mSlots[mFault(m, mustExist: true)] }
            return nil
        }
        return mSlots[i]
    }

    /// The slot of thread `m`, created (with no goroutine or proc) on first sight, as Go's
    /// ordering adds a thread's state.
    func mSlot(_ m: Int64) -> Int {
        if let i = mSlotOf[m] { return i }
        if speculative { return mFault(m, mustExist: false) }
        mSlots.append(MState(g: noID, p: noID))
        mIDs.append(m)
        mSlotOf.set(m, mSlots.count - 1)
        return mSlots.count - 1
    }

    func setMState(_ m: Int64, _ s: MState) { mSlots[mSlot(m)] = s }
    var gCold: [Int64: Cold] = [:]

    /// Forgets a goroutine, with its cold state if it has any.
    @inline(__always) func removeG(_ g: Int64) {
        if let s = gStates.remove(g), s.hasCold { gCold[g] = nil }
        if speculative {
            // (The run's cold state of a goroutine it only ended regions of is not flagged.)
            gCold[g] = nil
            gSeen.insert(g)
            gKnown.insert(g)
        }
    }
    var activeTasks: [UInt64: (name: UInt32, parent: UInt64)] = [:]
    var gcSeq: UInt64 = 0
    /// 0 undetermined, 1 not running, 2 running.
    var gcState: UInt8 = 0
    var initialGen: UInt64 = 0
    /// Events ready to return after the one written to `out`, with the bad-ID mask of the wire
    /// event they came from. One advance emits at most three, and the reader drains the queue
    /// before advancing again.
    let queue = EventQueue()

    /// Where `advance` writes the first event it emits, set by the reader before each advance
    /// (its caller's output); any further ones queue up. Saves copying every event through the
    /// queue.
    var out: UnsafeMutablePointer<Event>
    var outBad: UInt8 = 0
    /// Whether `out` has been written since the reader last reset it.
    var emitted = false
    /// The output when the reader wants the event for itself.
    let scratch = UnsafeMutablePointer<Event>.allocate(capacity: 1)

    deinit { scratch.deallocate() }

    @inline(__always) func push(_ e: Event, bad: UInt8 = 0) {
        if emitted {
            queue.push(e, bad)
        } else {
            out.pointee = e
            outBad = bad
            emitted = true
        }
    }

    /// Directs the next emitted event to `p`.
    @inline(__always) func emit(into p: UnsafeMutablePointer<Event>) {
        out = p
        emitted = false
    }
    @inline(__always) func pop(into ev: inout Event, bad: inout UInt8) -> Bool { queue.pop(into: &ev, bad: &bad) }

    static func name(_ t: UInt8) -> String { Wire.specs[Int(t)].name }

    enum Req { case must, may, mustNot }

    @inline(__always)
    static func validate(_ g: Int64, _ p: Int64, _ m: Int64, m mr: Req, p pr: Req, g gr: Req) throws(TraceError) {
        if mr == .must && m == noID { throw TraceError("expected a thread but didn't have one") }
        if mr == .mustNot && m != noID { throw TraceError("expected no thread but had one") }
        if pr == .must && p == noID { throw TraceError("expected a proc but didn't have one") }
        if pr == .mustNot && p != noID { throw TraceError("expected no proc but had one") }
        if gr == .must && g == noID { throw TraceError("expected a goroutine but didn't have one") }
        if gr == .mustNot && g != noID { throw TraceError("expected no goroutine but had one") }
    }

    @inline(__always)
    static func userGo(_ g: Int64, _ p: Int64, _ m: Int64) throws(TraceError) {
        try validate(g, p, m, m: .must, p: .must, g: .must)
    }

    static func rangeKey(_ type: UInt8, _ desc: UInt64) -> RangeKey {
        let s = Wire.specs[Int(type)].startEvent
        return RangeKey(type: s != 0 ? s : type, desc: desc)
    }

    static func beginRange(_ inFlight: inout [RangeKey], _ k: RangeKey) throws(TraceError) {
        if inFlight.contains(k) {
            throw TraceError("discovered event already in-flight for when starting event \(name(k.type))")
        }
        inFlight.append(k)
    }

    static func activeRange(_ inFlight: inout [RangeKey], _ k: RangeKey, initial: Bool) throws(TraceError) {
        if initial {
            if inFlight.contains(k) { throw TraceError("found named active range already in first gen: {\(k.type) \(k.desc)}") }
            inFlight.append(k)
        } else if !inFlight.contains(k) {
            let list = inFlight.map { "{\($0.type) \($0.desc)}" }.joined(separator: " ")
            throw TraceError("resource is missing active range: \(name(k.type)) [\(list)]")
        }
    }

    static func endRange(_ inFlight: inout [RangeKey], _ endType: UInt8) throws(TraceError) -> UInt64 {
        let st = Wire.specs[Int(endType)].startEvent
        guard let i = inFlight.firstIndex(where: { $0.type == st }) else {
            throw TraceError("tried to end event \(name(st)), but not in-flight")
        }
        let desc = inFlight[i].desc
        inFlight.swapAt(i, inFlight.count - 1)
        inFlight.removeLast()
        return desc
    }

    /// Tries to advance `ev`, the next event of thread `m` in generation `gen`. `slot` caches the
    /// thread's state slot for the caller (-1 until this thread's first event).
    ///
    /// GoStart, GoBlock, GoUnblock (nine in ten events of a busy trace) and GoStop, GoDestroy go
    /// to a small handler of their own, the rest to the general one with its large frame.
    ///
    /// `ev` is left as it is, so that an event not ready yet is tried again as decoded: the
    /// scheduling handler only reads it; the general one rewrites some events' arguments
    /// before it may find them not ready, so it works on a copy.
    @inline(__always)
    func advance(_ ev: inout RawEvent, m: Int64, slot: inout Int, gen: UInt64) throws(TraceError) -> Bool {
        switch ev.type {
        case Wire.goStart, Wire.goBlock, Wire.goUnblock, Wire.goStop, Wire.goDestroy:
            return try advanceScheduling(ev, m: m, slot: &slot, gen: gen)
        default:
            var copy = ev
            return try advanceOther(&copy, m: m, slot: &slot, gen: gen)
        }
    }

    /// The thread's goroutine and proc (Go's `curCtx`), its state created on first sight.
    @inline(__always)
    private func context(_ m: Int64, _ slot: inout Int, _ gen: UInt64) -> (g: Int64, p: Int64) {
        if initialGen == 0 { initialGen = gen }
        guard m != noID else { return (noID, noID) }
        if slot < 0 { slot = mSlot(m) }
        let s = mSlots[slot]
        return (s.g, s.p)
    }

    private func advanceScheduling(_ ev: borrowing RawEvent, m: Int64, slot: inout Int, gen: UInt64) throws(TraceError) -> Bool {
        let (g, p) = context(m, &slot, gen)
        switch ev.type {
        case Wire.goStart:
            let gid = Int64(bitPattern: ev.a0)
            let seq = Seq(gen: gen, n: ev.a1)
            guard let i = gStates.find(gid) ?? midGuessG(gid, GoWire.runnable), gStates[slot: i].status == GoWire.runnable,
                  seq.succeeds(gStates[slot: i].seq) || midGuessSeqG(i, gid, seq) else { return false }
            try Ordering.validate(g, p, m, m: .must, p: .must, g: .mustNot)
            gStates[slot: i].status = GoWire.running
            gStates[slot: i].seq = seq
            push(ev.event(g, p, m), bad: ev.badMask)
            if m != noID && gid != g { mSlots[slot] = MState(g: gid, p: p) }
        case Wire.goUnblock:
            let gid = Int64(bitPattern: ev.a0)
            let seq = Seq(gen: gen, n: ev.a1)
            guard let i = gStates.find(gid) ?? midGuessG(gid, GoWire.waiting), gStates[slot: i].status == GoWire.waiting,
                  seq.succeeds(gStates[slot: i].seq) || midGuessSeqG(i, gid, seq) else { return false }
            gStates[slot: i].status = GoWire.runnable
            gStates[slot: i].seq = seq
            push(ev.event(g, p, m), bad: ev.badMask)
        default:
            // GoBlock, GoStop, GoDestroy: the running goroutine leaves its thread.
            try Ordering.userGo(g, p, m)
            guard let i = gFind(g, guess: GoWire.running) else {
                throw TraceError("event \(Ordering.name(ev.type)) for goroutine (\(g)) that doesn't exist")
            }
            if gStates[slot: i].status != GoWire.running {
                throw TraceError("\(Ordering.name(ev.type)) event for goroutine that's not Running")
            }
            switch ev.type {
            case Wire.goDestroy: removeG(g)
            case Wire.goStop: gStates[slot: i].status = GoWire.runnable
            default: gStates[slot: i].status = GoWire.waiting
            }
            push(ev.event(g, p, m), bad: ev.badMask)
            if m != noID && g != noID { mSlots[slot] = MState(g: noID, p: p) }
        }
        return true
    }

    private func advanceOther(_ ev: inout RawEvent, m: Int64, slot: inout Int, gen: UInt64) throws(TraceError) -> Bool {
        let (g, p) = context(m, &slot, gen)
        let hasM = m != noID
        var ng = g, np = p
        let ok: Bool
        switch ev.type {
        case Wire.procsChange, Wire.goLabel, Wire.userLog:
            try Ordering.userGo(g, p, m)
            push(ev.event(g, p, m), bad: ev.badMask)
            ok = true
        case Wire.procStatus:
            ok = try procStatus(&ev, g, p, m, gen, &np)
        case Wire.procStart:
            let pid = Int64(bitPattern: ev.a0)
            let seq = Seq(gen: gen, n: ev.a1)
            guard let i = pStates.find(pid) ?? midGuessP(pid, ProcWire.idle), pStates[slot: i].status == ProcWire.idle,
                  seq.succeeds(pStates[slot: i].seq) || midGuessSeqP(i, pid, seq), p == noID else { return false }
            try Ordering.validate(g, p, m, m: .must, p: .mustNot, g: .may)
            pStates[slot: i].status = ProcWire.running
            pStates[slot: i].seq = seq
            np = pid
            push(ev.event(g, p, m), bad: ev.badMask)
            ok = true
        case Wire.procStop:
            guard let i = pFind(p, guess: ProcWire.running) else {
                throw TraceError("event \(Ordering.name(ev.type)) for proc (\(p)) that doesn't exist")
            }
            let st = pStates[slot: i].status
            if st != ProcWire.running && st != ProcWire.syscall {
                throw TraceError("\(Ordering.name(ev.type)) event for proc that's not Running or Syscall")
            }
            try Ordering.validate(g, p, m, m: .must, p: .must, g: .may)
            pStates[slot: i].status = ProcWire.idle
            np = noID
            push(ev.event(g, p, m), bad: ev.badMask)
            ok = true
        case Wire.procSteal:
            ok = try procSteal(&ev, g, p, m, gen, &np)
        case Wire.goStatus, Wire.goStatusStack:
            ok = try goStatus(&ev, g, p, m, gen, &ng)
        case Wire.goCreate, Wire.goCreateBlocked:
            try Ordering.validate(g, p, m, m: .must, p: .must, g: .may)
            if let si = gFind(g, guess: g == noID ? nil : GoWire.running), gStates[slot: si].status != GoWire.running {
                throw TraceError("\(Ordering.name(ev.type)) event for goroutine that's not Running")
            }
            let newG = Int64(bitPattern: ev.a0)
            // (In a run, `created` takes the guess `gFind` would: not there.)
            if gStates.find(newG) != nil { throw TraceError("tried to create goroutine (\(newG)) that already exists") }
            if speculative { created(newG) }
            gStates.set(newG, GState(status: ev.type == Wire.goCreate ? GoWire.runnable : GoWire.waiting, seq: Seq(gen: gen, n: 0)))
            push(ev.event(g, p, m), bad: ev.badMask)
            ok = true
        case Wire.goSwitch, Wire.goSwitchDestroy:
            ok = try goSwitch(&ev, g, p, m, gen, &ng)
        case Wire.goSyscallBegin:
            try Ordering.userGo(g, p, m)
            guard let i = gFind(g, guess: GoWire.running) else {
                throw TraceError("event \(Ordering.name(ev.type)) for goroutine (\(g)) that doesn't exist")
            }
            if gStates[slot: i].status != GoWire.running {
                throw TraceError("\(Ordering.name(ev.type)) event for goroutine that's not Running")
            }
            gStates[slot: i].status = GoWire.syscall
            guard let j = pFind(p, guess: ProcWire.running) else {
                throw TraceError("uninitialized proc \(p) found during \(Ordering.name(ev.type))")
            }
            pStates[slot: j].status = ProcWire.syscall
            let pSeq = Seq(gen: gen, n: ev.a0)
            if !pSeq.succeeds(pStates[slot: j].seq) && !midGuessSeqP(j, p, pSeq) {
                throw TraceError("failed to advance \(Ordering.name(ev.type)): can't make sequence: \(pStates[slot: j].seq.text) -> \(pSeq.text)")
            }
            pStates[slot: j].seq = pSeq
            push(ev.event(g, p, m), bad: ev.badMask)
            ok = true
        case Wire.goSyscallEnd:
            try Ordering.userGo(g, p, m)
            guard let i = gFind(g, guess: GoWire.syscall) else {
                throw TraceError("event \(Ordering.name(ev.type)) for goroutine (\(g)) that doesn't exist")
            }
            if gStates[slot: i].status != GoWire.syscall {
                throw TraceError("\(Ordering.name(ev.type)) event for goroutine that's not Running")
            }
            gStates[slot: i].status = GoWire.running
            guard let j = pFind(p, guess: ProcWire.syscall) else {
                throw TraceError("uninitialized proc \(p) found during \(Ordering.name(ev.type))")
            }
            if pStates[slot: j].status != ProcWire.syscall {
                throw TraceError("expected proc \(p) in state Syscall, but got \(ProcWire.name(pStates[slot: j].status)) instead")
            }
            pStates[slot: j].status = ProcWire.running
            push(ev.event(g, p, m), bad: ev.badMask)
            ok = true
        case Wire.goSyscallEndBlocked:
            if p != noID {
                guard let pi = pFind(p, guess: ProcWire.running) else {
                    throw TraceError("uninitialized proc \(p) found during \(Ordering.name(ev.type))")
                }
                if pStates[slot: pi].status == ProcWire.syscall { return false }
            }
            try Ordering.validate(g, p, m, m: .must, p: .may, g: .must)
            guard let i = gFind(g, guess: GoWire.syscall) else {
                throw TraceError("event \(Ordering.name(ev.type)) for goroutine (\(g)) that doesn't exist")
            }
            if gStates[slot: i].status != GoWire.syscall {
                throw TraceError("\(Ordering.name(ev.type)) event for goroutine that's not Running")
            }
            ng = noID
            gStates[slot: i].status = GoWire.runnable
            push(ev.event(g, p, m), bad: ev.badMask)
            ok = true
        case Wire.goCreateSyscall:
            try Ordering.validate(g, p, m, m: .must, p: .may, g: .mustNot)
            let newG = Int64(bitPattern: ev.a0)
            if gStates.find(newG) != nil { throw TraceError("tried to create goroutine (\(newG)) in syscall that already exists") }
            if speculative { created(newG) }
            gStates.set(newG, GState(status: GoWire.syscall, seq: Seq(gen: gen, n: 0)))
            ng = newG
            push(ev.event(g, p, m), bad: ev.badMask)
            ok = true
        case Wire.goDestroySyscall:
            try Ordering.validate(g, p, m, m: .must, p: .may, g: .must)
            guard let gsi = gFind(g, guess: GoWire.syscall) else {
                throw TraceError("event \(Ordering.name(ev.type)) for goroutine (\(g)) that doesn't exist")
            }
            if gStates[slot: gsi].status != GoWire.syscall {
                throw TraceError("\(Ordering.name(ev.type)) event for goroutine that's not Syscall")
            }
            removeG(g)
            ng = noID
            if p != noID {
                guard let j = pFind(p, guess: ProcWire.syscall) else {
                    throw TraceError("found invalid proc \(p) during \(Ordering.name(ev.type))")
                }
                if pStates[slot: j].status != ProcWire.syscall {
                    throw TraceError("proc \(p) in unexpected state \(ProcWire.name(pStates[slot: j].status)) during \(Ordering.name(ev.type))")
                }
                pStates[slot: j].status = ProcWire.syscallAbandoned
                np = noID
                push(Event(type: Wire.procSteal, time: ev.time, goroutine: g, proc: p, thread: m,
                           a0: UInt64(bitPattern: p), a3: UInt64(ProcWire.syscall)))
            }
            push(ev.event(g, p, m), bad: ev.badMask)
            ok = true
        case Wire.userTaskBegin:
            let id = ev.a0
            if taskExists(id) { throw TraceError("task ID conflict: \(id)") }
            if ev.a1 == 0 { ev.a1 = noTask }
            if ev.badMask & 0b100 != 0 { throw TraceError("invalid string ID \(ev.a2) for \(ev.type) event") }
            activeTasks[id] = (UInt32(truncatingIfNeeded: ev.a2), ev.a1)
            try Ordering.userGo(g, p, m)
            push(ev.event(g, p, m), bad: ev.badMask)
            ok = true
        case Wire.userTaskEnd:
            if speculative { taskEndAhead(ev.a0) }
            if let t = activeTasks.removeValue(forKey: ev.a0) {
                ev.a2 = t.parent
                ev.a3 = UInt64(t.name)
            } else {
                ev.a2 = noTask
                ev.a3 = 0
            }
            try Ordering.userGo(g, p, m)
            push(ev.event(g, p, m), bad: ev.badMask)
            ok = true
        case Wire.userRegionBegin, Wire.userRegionEnd:
            ok = try region(&ev, g, p, m)
        case Wire.gcActive:
            let seq = ev.a0
            if speculative && !gcKnown { assumeGC(seq &- 1, 2) }
            if gen == initialGen {
                if gcState != 0 { throw TraceError("GCActive in the first generation isn't first GC event") }
                gcSeq = seq
                gcState = 2
                push(ev.event(g, p, m), bad: ev.badMask)
                return true
            }
            if seq != gcSeq &+ 1 { return false }
            if gcState != 2 { throw TraceError("encountered GCActive while GC was not in progress") }
            gcSeq = seq
            try Ordering.userGo(g, p, m)
            push(ev.event(g, p, m), bad: ev.badMask)
            ok = true
        case Wire.gcBegin:
            let seq = ev.a0
            if speculative && !gcKnown {
                assumeGC(seq &- 1, 1)
                assumedGCOrUndetermined = true
            }
            if gcState == 0 {
                gcSeq = seq
                gcState = 2
                push(ev.event(g, p, m), bad: ev.badMask)
                return true
            }
            if seq != gcSeq &+ 1 { return false }
            if gcState == 2 { throw TraceError("encountered GCBegin while GC was already in progress") }
            gcSeq = seq
            gcState = 2
            try Ordering.userGo(g, p, m)
            push(ev.event(g, p, m), bad: ev.badMask)
            ok = true
        case Wire.gcEnd:
            let seq = ev.a0
            if speculative && !gcKnown { assumeGC(seq &- 1, 2) }
            if seq != gcSeq &+ 1 { return false }
            if gcState == 1 { throw TraceError("encountered GCEnd when GC was not in progress") }
            if gcState == 0 { throw TraceError("encountered GCEnd when GC was in an undetermined state") }
            gcSeq = seq
            gcState = 1
            try Ordering.userGo(g, p, m)
            push(ev.event(g, p, m), bad: ev.badMask)
            ok = true
        case Wire.heapAlloc, Wire.heapGoal:
            try Ordering.validate(g, p, m, m: .must, p: .must, g: .may)
            push(ev.event(g, p, m), bad: ev.badMask)
            ok = true
        case Wire.gcSweepBegin:
            try Ordering.validate(g, p, m, m: .must, p: .must, g: .may)
            guard let j = pFind(p, guess: ProcWire.running) else { throw TraceError("uninitialized proc \(p) found during \(Ordering.name(ev.type))") }
            if pStates[slot: j].sweeping {
                throw TraceError("discovered event already in-flight for when starting event GCSweepBegin")
            }
            if speculative { sweepSeen.set(p, true) }
            pStates[slot: j].sweeping = true
            push(ev.event(g, p, m), bad: ev.badMask)
            ok = true
        case Wire.gcSweepActive:
            let pid = Int64(bitPattern: ev.a0)
            guard let j = pFind(pid, guess: ProcWire.running, sweeping: true) else { throw TraceError("encountered GCSweepActive for unknown proc \(pid)") }
            if gen == initialGen {
                if pStates[slot: j].sweeping { throw TraceError("found named active range already in first gen: {32 0}") }
                pStates[slot: j].sweeping = true
            } else if !pStates[slot: j].sweeping {
                guard guessSweeping(pid) else { throw TraceError("resource is missing active range: GCSweepBegin []") }
                pStates[slot: j].sweeping = true
            }
            if speculative { sweepSeen.set(pid, true) }
            push(ev.event(g, p, m), bad: ev.badMask)
            ok = true
        case Wire.gcSweepEnd:
            try Ordering.validate(g, p, m, m: .must, p: .must, g: .may)
            guard let j = pFind(p, guess: ProcWire.running, sweeping: true) else { throw TraceError("uninitialized proc \(p) found during \(Ordering.name(ev.type))") }
            if !pStates[slot: j].sweeping && !guessSweeping(p) { throw TraceError("tried to end event GCSweepBegin, but not in-flight") }
            if speculative { sweepSeen.set(p, true) }
            pStates[slot: j].sweeping = false
            push(ev.event(g, p, m), bad: ev.badMask)
            ok = true
        case Wire.stwBegin, Wire.gcMarkAssistBegin, Wire.gcMarkAssistActive, Wire.stwEnd, Wire.gcMarkAssistEnd:
            ok = try goRange(&ev, g, p, m, gen)
        case 128..<137:
            try Ordering.validate(g, p, m, m: .must, p: .may, g: .may)
            push(ev.event(g, p, m), bad: ev.badMask)
            ok = true
        default:
            throw TraceError("bad event type found while ordering: \(ev.type)")
        }
        // Go writes the new context back unconditionally; handlers never touch this M's own
        // entry, so writing only changes is the same.
        if ok && hasM && (ng != g || np != p) {
            mSlots[slot] = MState(g: ng, p: np)
        }
        return ok
    }

    // MARK: Ordering a generation ahead
    //
    // A speculative ordering runs generation S on the second core while the reader is still in
    // the generations before it, starting from no state at all. Its computation depends on the
    // state S starts from only through the lookups below: the first time it looks at a
    // goroutine, proc, thread, goroutine region/range stack, task or the GC sequence, it takes a
    // guess (from the event at hand), records it, and from then on works on its own copy. The
    // ordering is deterministic, so if every guess equals the real state at the start of S
    // (checked in `adopt` once the reader has finished the generation before), the run equals
    // the serial one event for event, and its end state is the real state with its copies laid
    // over it. Anything else (a wrong guess, any error, a lookup of every thread) throws the run
    // away, and the reader orders S itself as before.
    //
    // Lookups that only decide readiness (GoStart, GoUnblock, ProcStart, ProcSteal, the
    // GoSwitch target) need no guess: they require a sequence number of the current generation,
    // which the start state never has, so an unknown entity is not ready either way.

    /// Thrown when a speculative run has to give up; never reaches a caller.
    static let aheadFailed = TraceError("ordering ahead failed")

    /// Whether this ordering is running a generation ahead.
    var speculative = false
    /// The generation the run is for.
    var aheadGen: UInt64 = 0
    /// Guesses a thread's context at the generation's start (set by the reader's runner).
    var guessM: ((Int64) -> MState)?
    /// Entities looked at (guessed, created or removed) by the run, and the goroutines it
    /// created or ended (their cold state where it starts is then known: none). Bitmaps: a busy
    /// generation creates and ends some 150,000 goroutines, with IDs one after the other, and
    /// as hash tables (three probes of one for each created) these took a tenth of a run's time.
    let gSeen = IDSet()
    private let gKnown = IDSet()
    let pSeen = IDTable<Bool>(capacity: 16)
    /// Whether the run created or ended goroutine `g`.
    @inline(__always) func coldNew(_ g: Int64) -> Bool { gKnown.contains(g) }

    /// Goroutine `newG`, not in the run's states, is created: if the run has not looked at it
    /// before, the guess is that it did not exist where the generation starts (as Go requires).
    @inline(__always) private func created(_ newG: Int64) {
        if gSeen.insert(newG) { assumedG.append((newG, nil)) }
        gKnown.insert(newG)
    }
    /// Goroutines whose ranges in flight the run guessed.
    let rangesSeen = IDTable<Bool>(capacity: 16)
    /// Per goroutine, how many regions the run ended that began before its generation.
    var regionPops: [Int64: Int] = [:]
    var taskSeen: Set<UInt64> = []
    var gcKnown = false
    /// The guesses, in the order taken: nil for "does not exist".
    var assumedG: [(id: Int64, status: UInt8?)] = []
    var assumedP: [(id: Int64, state: PState?)] = []
    var assumedM: [(id: Int64, state: MState, mustExist: Bool)] = []
    /// Ranges in flight where the generation starts, and regions ended in it that began before
    /// (the `depth`-th from the top of the goroutine's region stack where it starts).
    var assumedRanges: [(id: Int64, inFlight: [RangeKey])] = []
    var assumedRegionEnds: [(id: Int64, depth: Int, task: UInt64, name: UInt32)] = []
    var assumedNoTask: [UInt64] = []
    var assumedGC: (seq: UInt64, state: UInt8)?
    /// Whether the GC guess came from a GCBegin, which is ready, and leaves the same state, where
    /// the GC state is undetermined too (before the trace's first GC event).
    var assumedGCOrUndetermined = false
    /// Procs whose sweep range the run has begun, ended or found active: until then, whether a
    /// proc it guessed (from a ProcStatus, say) is sweeping is still open.
    private let sweepSeen = IDTable<Bool>(capacity: 16)
    /// Set when the last TaskEnd was for a task the run has not seen begin: its parent and
    /// type are filled in from the real state when the run is adopted.
    var taskEndDeferred = false

    // A run that starts inside its generation, at the first event at or after some time of
    // each thread (`midGen`), also has to guess what only the generation's events before that
    // point set: sequence numbers. Where such a run first sees a goroutine (or proc) at an event
    // that checks one, it takes the event to be ready: the entity is guessed to exist in the
    // state the event needs, with the number just before the event's. One it has seen already
    // but whose number it does not know (guessed with gen 0, from an event that checks none)
    // takes the first number checked the same way: events that check none leave it unchanged.
    // Both are checked where the run is adopted (`assumedGSeq`, `assumedPSeq`).

    /// Whether the run starts inside its generation (see above).
    var midGen = false
    /// Sequence numbers guessed where the run starts: (ID, n) for `Seq(gen: aheadGen, n: n)`.
    var assumedGSeq: [(id: Int64, n: UInt64)] = []
    var assumedPSeq: [(id: Int64, n: UInt64)] = []

    /// In a `midGen` run: goroutine `g`, not looked at before, guessed to exist with `status`
    /// and a number still to be guessed. Nil elsewhere (an unknown goroutine is not ready).
    @inline(__always) func midGuessG(_ g: Int64, _ status: UInt8) -> Int? {
        midGen ? gFault(g, status) : nil
    }

    @inline(__always) func midGuessP(_ p: Int64, _ status: UInt8) -> Int? {
        midGen ? pFault(p, PState(status: status, seq: Seq(gen: 0, n: 0))) : nil
    }

    /// In a `midGen` run: whether goroutine slot `i` (of `g`) has no known number yet, in which
    /// case it now has the one before `seq` (guessed) and `seq` is taken as its successor.
    @inline(__always) func midGuessSeqG(_ i: Int, _ g: Int64, _ seq: Seq) -> Bool {
        guard midGen, gStates[slot: i].seq.gen == 0, seq.n > 0 else { return false }
        assumedGSeq.append((g, seq.n &- 1))
        gStates[slot: i].seq = Seq(gen: seq.gen, n: seq.n &- 1)
        return true
    }

    @inline(__always) func midGuessSeqP(_ i: Int, _ p: Int64, _ seq: Seq) -> Bool {
        guard midGen, pStates[slot: i].seq.gen == 0, seq.n > 0 else { return false }
        assumedPSeq.append((p, seq.n &- 1))
        pStates[slot: i].seq = Seq(gen: seq.gen, n: seq.n &- 1)
        return true
    }

    /// The goroutine's slot; in a speculative run an unseen goroutine is guessed to exist with
    /// `guess` status (or not to exist).
    @inline(__always) func gFind(_ g: Int64, guess: UInt8?) -> Int? {
        if let i = gStates.find(g) { return i }
        return speculative ? gFault(g, guess) : nil
    }

    @inline(never) private func gFault(_ g: Int64, _ guess: UInt8?) -> Int? {
        if !gSeen.insert(g) { return nil }
        assumedG.append((g, guess))
        guard let guess else { return nil }
        gStates.set(g, GState(status: guess, seq: Seq(gen: 0, n: 0)))
        return gStates.find(g)
    }

    @inline(__always) func pFind(_ p: Int64, guess: UInt8, sweeping: Bool = false) -> Int? {
        if let i = pStates.find(p) { return i }
        return speculative ? pFault(p, PState(status: guess, seq: Seq(gen: 0, n: 0), sweeping: sweeping)) : nil
    }

    /// In a run: whether proc `p`'s guess may still say it was sweeping where the generation
    /// starts (a GCSweepActive or GCSweepEnd says so, where its first sight, a ProcStatus at the
    /// generation's start as a rule, guessed not); if so, the guess now says it was.
    @inline(never) private func guessSweeping(_ p: Int64) -> Bool {
        guard speculative, sweepSeen.find(p) == nil,
              let k = assumedP.lastIndex(where: { $0.id == p }), assumedP[k].state != nil else { return false }
        assumedP[k].state?.sweeping = true
        return true
    }

    @inline(never) private func pFault(_ p: Int64, _ guess: PState) -> Int? {
        if pSeen.find(p) != nil { return nil }
        pSeen.set(p, true)
        assumedP.append((p, guess))
        pStates.set(p, guess)
        return pStates.find(p)
    }

    /// In a `midGen` run, a ProcStatus for a proc first seen by the run: the proc is new (a
    /// GOMAXPROCS increase, or the first generation) or it exists with that status, and either
    /// way it then has the status and the generation's first sequence number, and the same event
    /// is counted (only its old state, which the counts do not hold, differs). Taken as new,
    /// with that guess recorded (`assumedPStatus`); nil.
    @inline(never) func pStatusAhead(_ p: Int64, _ status: UInt8) -> Int? {
        if pSeen.find(p) != nil { return nil }
        pSeen.set(p, true)
        assumedPStatus.append((p, status))
        return nil
    }
    var assumedPStatus: [(id: Int64, status: UInt8)] = []

    /// A thread first seen by the run: its guessed context, in a new slot.
    @inline(never) func mFault(_ m: Int64, mustExist: Bool) -> Int {
        let s = guessM?(m) ?? MState(g: noID, p: noID)
        assumedM.append((m, s, mustExist))
        mSlots.append(s)
        mIDs.append(m)
        mSlotOf.set(m, mSlots.count - 1)
        return mSlots.count - 1
    }

    /// Before a goroutine's ranges in flight are used: guessed on first use. (Its region stack
    /// is not guessed: the run keeps the regions begun in it, on top of an unknown stack.)
    @inline(never) func rangesAhead(_ g: Int64, _ guess: [RangeKey]) {
        if coldNew(g) || rangesSeen.find(g) != nil { return }
        rangesSeen.set(g, true)
        assumedRanges.append((g, guess))
        gCold[g, default: Cold()].inFlight = guess
    }

    /// A region end with no region begun in the run: a guess that the stack where the generation
    /// starts has this region next (below the ones already ended).
    @inline(never) func regionEndAhead(_ g: Int64, _ r: (task: UInt64, name: UInt32)) {
        if coldNew(g) { return }
        let depth = regionPops[g, default: 0]
        assumedRegionEnds.append((g, depth, r.task, r.name))
        regionPops[g] = depth + 1
    }

    func taskExists(_ id: UInt64) -> Bool {
        if activeTasks[id] != nil { return true }
        if speculative && taskSeen.insert(id).inserted { assumedNoTask.append(id) }
        return false
    }

    @inline(never) func taskEndAhead(_ id: UInt64) {
        if activeTasks[id] == nil && !taskSeen.contains(id) { taskEndDeferred = true }
        taskSeen.insert(id)
    }

    @inline(never) func assumeGC(_ seq: UInt64, _ state: UInt8) {
        gcKnown = true
        gcSeq = seq
        gcState = state
        assumedGC = (seq, state)
    }

    /// Checks a speculative run's guesses against this ordering's state (the state at the start
    /// of the run's generation); if all hold, takes over the run's end state and returns the
    /// parent and type of each task the run ended without having seen it begin (`taskEnds`, in
    /// order), for its TaskEnd events. Nil (and nothing changed) otherwise.
    func adopt(_ a: Ordering, taskEnds: [UInt64]) -> [(parent: UInt64, name: UInt64)]? {
        guard guessesHold(a) else { return nil }
        // Each of those tasks ended once in the run: the state before it is this one's.
        let fills = taskEnds.map { id in activeTasks[id].map { ($0.parent, UInt64($0.name)) } ?? (noTask, 0) }
        merge(a)
        return fills
    }

    /// Whether every guess of run `a` equals this ordering's state.
    func guessesHold(_ a: Ordering) -> Bool {
        guard a.speculative, a.initialGen == initialGen, initialGen != 0 else { return false }
        for (g, st) in a.assumedG {
            let real = gStates[g]
            if let st { guard let real, real.status == st else { return false } } else if real != nil { return false }
        }
        for (p, st) in a.assumedP {
            let real = pStates[p]
            if let st {
                guard let real, real.status == st.status, real.sweeping == st.sweeping else { return false }
            } else if real != nil { return false }
        }
        for (m, st, mustExist) in a.assumedM {
            let real = mState(m)
            if mustExist && real == nil { return false }
            if (real ?? MState(g: noID, p: noID)) != st { return false }
        }
        for (g, inFlight) in a.assumedRanges where (gCold[g]?.inFlight ?? []) != inFlight { return false }
        for (g, depth, task, name) in a.assumedRegionEnds {
            let stack = gCold[g]?.regions ?? []
            guard depth < stack.count, stack[stack.count - 1 - depth].task == task,
                  stack[stack.count - 1 - depth].name == name else { return false }
        }
        for id in a.assumedNoTask where activeTasks[id] != nil { return false }
        if let gc = a.assumedGC, gc.seq != gcSeq || gc.state != gcState, !(a.assumedGCOrUndetermined && gcState == 0) { return false }
        for (p, status) in a.assumedPStatus {
            if let real = pStates[p], real.status != status || real.sweeping { return false }
        }
        for (g, n) in a.assumedGSeq where gStates[g]?.seq != Seq(gen: a.aheadGen, n: n) { return false }
        for (p, n) in a.assumedPSeq where pStates[p]?.seq != Seq(gen: a.aheadGen, n: n) { return false }
        return true
    }

    /// Takes over the end state of run `a`, whose guesses hold (its events are the serial ones).
    private func merge(_ a: Ordering) {
        // Cold state first (region stacks and ranges in flight), of every goroutine the run
        // changed it for: the regions it began go on top of those left of the real stack, its
        // ranges replace the real ones where it used them.
        var coldChanged = Set(a.gCold.keys)
        coldChanged.formUnion(a.regionPops.keys)
        for g in coldChanged {
            let run = a.gCold[g] ?? Cold()
            var c: Cold
            if a.coldNew(g) {
                c = run
            } else {
                c = gCold[g] ?? Cold()
                c.regions.removeLast(min(a.regionPops[g] ?? 0, c.regions.count))
                c.regions += run.regions
                if a.rangesSeen.find(g) != nil { c.inFlight = run.inFlight }
            }
            gCold[g] = c.regions.isEmpty && c.inFlight.isEmpty ? nil : c
        }
        // Then the goroutines the run looked at. Most of a busy generation's were created and
        // ended in it (guessed absent, absent at the end): nothing to do for them.
        for (g, guess) in a.assumedG {
            if let i = a.gStates.find(g) {
                var s = a.gStates[slot: i]
                // A state the run only read keeps its real sequence number (only error
                // messages could show it).
                if s.seq.gen != a.aheadGen, let old = gStates[g] { s.seq = old.seq }
                // Whether it may have cold state, which the run could not know for a goroutine
                // whose cold state it never used.
                s.hasCold = gCold[g] != nil
                gStates.set(g, s)
            } else if guess != nil {
                removeG(g)
            }
        }
        for g in coldChanged {
            if let i = gStates.find(g) { gStates[slot: i].hasCold = gCold[g] != nil }
        }
        a.pSeen.forEach { p, _ in
            if let i = a.pStates.find(p) {
                var s = a.pStates[slot: i]
                if s.seq.gen != a.aheadGen, let old = pStates[p] { s.seq = old.seq }
                pStates.set(p, s)
            }
        }
        for (k, m) in a.mIDs.enumerated() { setMState(m, a.mSlots[k]) }
        for id in a.taskSeen {
            if let t = a.activeTasks[id] { activeTasks[id] = t } else { activeTasks[id] = nil }
        }
        if a.gcKnown {
            gcSeq = a.gcSeq
            gcState = a.gcState
        }
    }

    /// User regions: the goroutine's region stack (kept out of line: rare next to scheduling).
    @inline(never)
    private func region(_ ev: inout RawEvent, _ g: Int64, _ p: Int64, _ m: Int64) throws(TraceError) -> Bool {
        try Ordering.userGo(g, p, m)
        if ev.badMask & 0b10 != 0 { throw TraceError("invalid string ID \(ev.a1) for \(ev.type) event") }
        let begin = ev.type == Wire.userRegionBegin
        guard let i = gFind(g, guess: GoWire.running) else {
            throw TraceError("encountered EvUserRegion\(begin ? "Begin" : "End") without known state for current goroutine \(g)")
        }
        let r = (task: ev.a0, name: UInt32(truncatingIfNeeded: ev.a1))
        if begin {
            gStates[slot: i].hasCold = true
            gCold[g, default: Cold()].regions.append(r)
        } else if let top = gCold[g]?.regions.last {
            if top.task != r.task || top.name != r.name {
                if speculative { throw Ordering.aheadFailed }
                throw TraceError("misuse of region in goroutine \(g): region end {\(r.task) \(tables.string(r.name))} when the inner-most active region start event is {\(top.task) \(tables.string(top.name))}")
            }
            gCold[g]?.regions.removeLast()
        } else if speculative {
            regionEndAhead(g, r)
        }
        push(ev.event(g, p, m), bad: ev.badMask)
        return true
    }

    /// Goroutine ranges: STW and GC mark assist (kept out of line).
    @inline(never)
    private func goRange(_ ev: inout RawEvent, _ g: Int64, _ p: Int64, _ m: Int64, _ gen: UInt64) throws(TraceError) -> Bool {
        switch ev.type {
        case Wire.stwBegin, Wire.gcMarkAssistBegin:
            try Ordering.userGo(g, p, m)
            let desc = ev.type == Wire.stwBegin ? ev.a0 : 0
            guard let i = gFind(g, guess: GoWire.running) else {
                throw TraceError("encountered event of type \(ev.type) without known state for current goroutine \(g)")
            }
            gStates[slot: i].hasCold = true
            if speculative { rangesAhead(g, []) }
            try Ordering.beginRange(&gCold[g, default: Cold()].inFlight, Ordering.rangeKey(ev.type, desc))
            push(ev.event(g, p, m), bad: ev.badMask)
            return true
        case Wire.gcMarkAssistActive:
            let gid = Int64(bitPattern: ev.a0)
            guard let i = gFind(gid, guess: GoWire.running) else {
                throw TraceError("uninitialized goroutine \(gid) found during \(Ordering.name(ev.type))")
            }
            gStates[slot: i].hasCold = true
            if speculative { rangesAhead(gid, [Ordering.rangeKey(ev.type, 0)]) }
            try Ordering.activeRange(&gCold[gid, default: Cold()].inFlight, Ordering.rangeKey(ev.type, 0), initial: gen == initialGen)
            push(ev.event(g, p, m), bad: ev.badMask)
            return true
        case Wire.stwEnd, Wire.gcMarkAssistEnd:
            try Ordering.userGo(g, p, m)
            guard let i = gFind(g, guess: GoWire.running) else {
                throw TraceError("encountered event of type \(ev.type) without known state for current goroutine \(g)")
            }
            gStates[slot: i].hasCold = true
            if speculative { rangesAhead(g, [RangeKey(type: Wire.specs[Int(ev.type)].startEvent, desc: 0)]) }
            let desc = try Ordering.endRange(&gCold[g, default: Cold()].inFlight, ev.type)
            if ev.type == Wire.stwEnd { ev.a0 = desc }
            push(ev.event(g, p, m), bad: ev.badMask)
            return true
        default:
            return false
        }
    }

    private func procStatus(_ ev: inout RawEvent, _ g: Int64, _ p: Int64, _ m: Int64, _ gen: UInt64,
                                     _ np: inout Int64) throws(TraceError) -> Bool {
        let pid = Int64(bitPattern: ev.a0)
        // Go converts the status to its 8-bit type before checking it.
        let status = UInt8(truncatingIfNeeded: ev.a1)
        guard status < 5 else { throw TraceError("invalid status for proc \(pid): \(status)") }
        var oldState = ProcState.fromWire(UInt64(status))
        if let i = midGen ? pStates.find(pid) ?? pStatusAhead(pid, status) : pFind(pid, guess: status) {
            let known = pStates[slot: i].status
            if status == ProcWire.syscallAbandoned && known == ProcWire.syscall {
                oldState = .running
                ev.a1 = UInt64(ProcWire.syscall)
            } else if status == ProcWire.syscallAbandoned && known == ProcWire.syscallAbandoned {
                oldState = .idle
                ev.a1 = UInt64(ProcWire.syscallAbandoned)
            } else if known != status {
                throw TraceError("inconsistent status for proc \(pid): old \(ProcWire.name(known)) vs. new \(ProcWire.name(status))")
            }
            pStates[slot: i].seq = Seq(gen: gen, n: 0)
        } else {
            pStates.set(pid, PState(status: status, seq: Seq(gen: gen, n: 0)))
            oldState = gen == initialGen ? .undetermined : .notExist
        }
        ev.a2 = UInt64(oldState.rawValue)
        if status == ProcWire.running || status == ProcWire.syscall { np = pid }
        var cg = g, cp = p, cm = m
        if status == ProcWire.syscallAbandoned && oldState == .running {
            // Every thread's state is read: not something to guess ahead.
            if speculative { throw Ordering.aheadFailed }
            // Go iterates a map here; with one match (the normal case) the result is the same.
            var found = false
            for i in 0..<mSlots.count {
                let mid = mIDs[i], s = mSlots[i]
                if s.p == pid {
                    cm = mid
                    cp = pid
                    cg = s.g
                    found = true
                }
            }
            if !found { throw TraceError("failed to find sched context for proc \(pid) that's about to be stolen") }
        }
        push(ev.event(cg, cp, cm), bad: ev.badMask)
        return true
    }

    private func procSteal(_ ev: inout RawEvent, _ g: Int64, _ p: Int64, _ m: Int64, _ gen: UInt64,
                                    _ np: inout Int64) throws(TraceError) -> Bool {
        let pid = Int64(bitPattern: ev.a0)
        let seq = Seq(gen: gen, n: ev.a1)
        guard let i = pStates.find(pid) ?? midGuessP(pid, ProcWire.syscall) else { return false }
        let old = pStates[slot: i].status
        guard old == ProcWire.syscall || old == ProcWire.syscallAbandoned,
              seq.succeeds(pStates[slot: i].seq) || midGuessSeqP(i, pid, seq) else { return false }
        try Ordering.validate(g, p, m, m: .must, p: .may, g: .may)
        ev.a3 = UInt64(old)
        pStates[slot: i].status = ProcWire.idle
        pStates[slot: i].seq = seq
        if old == ProcWire.syscallAbandoned {
            push(ev.event(g, p, m), bad: ev.badMask)
            return true
        }
        let mid = Int64(bitPattern: ev.a2)
        if mid == m {
            if p != pid { throw TraceError("tried to self-steal proc \(pid) (thread \(mid)), but got proc \(p) instead") }
            np = noID
            push(ev.event(g, p, m), bad: ev.badMask)
            return true
        }
        guard let other = mState(mid) else { throw TraceError("stole proc from non-existent thread \(mid)") }
        if other.p != pid { throw TraceError("tried to steal proc \(pid) from thread \(mid), but got proc \(other.p) instead") }
        setMState(mid, MState(g: other.g, p: noID))
        push(ev.event(g, p, m), bad: ev.badMask)
        return true
    }

    private func goStatus(_ ev: inout RawEvent, _ g: Int64, _ p: Int64, _ m: Int64, _ gen: UInt64,
                                   _ ng: inout Int64) throws(TraceError) -> Bool {
        let gid = Int64(bitPattern: ev.a0)
        let mid = Int64(bitPattern: ev.a1)
        let status = UInt8(truncatingIfNeeded: ev.a2)
        guard status < 5 else { throw TraceError("invalid status for goroutine \(gid): \(status)") }
        var oldState = GoState.fromWire(UInt64(status))
        // (A run from inside the first generation: a goroutine's status there first names it.)
        if let i = gFind(gid, guess: midGen && gen == initialGen ? nil : status) {
            if gStates[slot: i].status != status {
                throw TraceError("inconsistent status for goroutine \(gid): old \(GoWire.name(gStates[slot: i].status)) vs. new \(GoWire.name(status))")
            }
            gStates[slot: i].seq = Seq(gen: gen, n: 0)
        } else if gen == initialGen {
            gStates.set(gid, GState(status: status, seq: Seq(gen: gen, n: 0)))
            oldState = .undetermined
        } else {
            throw TraceError("found goroutine status for new goroutine after the first generation: id=\(gid) status=\(GoWire.name(status))")
        }
        ev.a2 = UInt64(oldState.rawValue) << 32 | UInt64(status)
        var cg = g, cm = m
        if status == GoWire.running {
            ng = gid
        } else if status == GoWire.syscall {
            if mid == noID { throw TraceError("found goroutine \(gid) in syscall without a thread") }
            if mid == m {
                if gen != initialGen && g != gid {
                    throw TraceError("inconsistent thread for syscalling goroutine \(gid): thread has goroutine \(g)")
                }
                ng = gid
            } else {
                if let other = mState(mid) {
                    if other.g != gid {
                        throw TraceError("inconsistent thread for syscalling goroutine \(gid): thread has goroutine \(other.g)")
                    }
                    cg = other.g
                } else {
                    setMState(mid, MState(g: gid, p: noID))
                }
                cm = mid
            }
        }
        push(ev.event(cg, p, cm), bad: ev.badMask)
        return true
    }

    private func goSwitch(_ ev: inout RawEvent, _ g: Int64, _ p: Int64, _ m: Int64, _ gen: UInt64,
                                   _ ng: inout Int64) throws(TraceError) -> Bool {
        try Ordering.userGo(g, p, m)
        guard let curI = gFind(g, guess: GoWire.running) else {
            throw TraceError("event \(Ordering.name(ev.type)) for goroutine (\(g)) that doesn't exist")
        }
        if gStates[slot: curI].status != GoWire.running {
            throw TraceError("\(Ordering.name(ev.type)) event for goroutine that's not Running")
        }
        let next = Int64(bitPattern: ev.a0)
        let seq = Seq(gen: gen, n: ev.a1)
        guard let ni = gStates.find(next) ?? midGuessG(next, GoWire.waiting), gStates[slot: ni].status == GoWire.waiting,
              seq.succeeds(gStates[slot: ni].seq) || midGuessSeqG(ni, next, seq) else { return false }
        push(ev.event(g, p, m), bad: ev.badMask)
        if ev.type == Wire.goSwitch {
            if let ci = gStates.find(g) { gStates[slot: ci].status = GoWire.waiting }
            push(Event(type: Wire.goBlock, time: ev.time, goroutine: g, proc: p, thread: m))
        } else {
            removeG(g)
            push(Event(type: Wire.goDestroy, time: ev.time, goroutine: g, proc: p, thread: m))
        }
        if let ni2 = gStates.find(next) {
            gStates[slot: ni2].status = GoWire.running
            gStates[slot: ni2].seq = seq
        }
        ng = next
        push(Event(type: Wire.goStart, time: ev.time, goroutine: noID, proc: p, thread: m, a0: ev.a0, a1: ev.a1))
        return true
    }
}

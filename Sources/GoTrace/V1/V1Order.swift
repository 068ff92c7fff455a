/// Merging the per-P event lists of a v1 trace into one consistent stream (Go 1.27's
/// `tracev1.parseEventBatches` for 1.7+, Go 1.21's `order1005` for 1.5), then the GoSysExit
/// timestamp fix-up and the tick → nanosecond conversion.
///
/// Determinism: Go builds its list of Ps by iterating a map, so events with equal timestamps
/// on different Ps come out in an order that varies between runs. We run Go's exact algorithm
/// (same frontier scan, same binary heap, same tie behaviour) with the Ps in ascending ID order
/// and the CPU-profile pseudo-P last — i.e. the output Go produces when its map happens to
/// iterate in ascending order.
enum V1Order {
    private static let unordered: UInt64 = ~0
    private static let garbage: UInt64 = ~0 - 1
    private static let noseq: UInt64 = ~0
    private static let seqinc: UInt64 = ~0 - 1

    private static let gDead: UInt8 = 0
    private static let gRunnable: UInt8 = 1
    private static let gRunning: UInt8 = 2
    private static let gWaiting: UInt8 = 3

    struct GState {
        var seq: UInt64
        var status: UInt8
    }

    struct Transition {
        var g: UInt64
        var initSeq: UInt64
        var initStatus: UInt8
        var nextSeq: UInt64
        var nextStatus: UInt8
    }

    /// Go's `stateTransition`.
    @inline(__always)
    static func stateTransition(_ ev: V1Event) -> Transition {
        switch ev.type {
        case V1.goCreate:
            return Transition(g: ev.a0, initSeq: 0, initStatus: gDead, nextSeq: 1, nextStatus: gRunnable)
        case V1.goWaiting, V1.goInSyscall:
            return Transition(g: ev.g, initSeq: 1, initStatus: gRunnable, nextSeq: 2, nextStatus: gWaiting)
        case V1.goStart, V1.goStartLabel:
            return Transition(g: ev.g, initSeq: ev.a1, initStatus: gRunnable, nextSeq: ev.a1 &+ 1, nextStatus: gRunning)
        case V1.goStartLocal:
            return Transition(g: ev.g, initSeq: noseq, initStatus: gRunnable, nextSeq: seqinc, nextStatus: gRunning)
        case V1.goBlock, V1.goBlockSend, V1.goBlockRecv, V1.goBlockSelect, V1.goBlockSync, V1.goBlockCond,
             V1.goBlockNet, V1.goSleep, V1.goSysBlock, V1.goBlockGC:
            return Transition(g: ev.g, initSeq: noseq, initStatus: gRunning, nextSeq: noseq, nextStatus: gWaiting)
        case V1.goSched, V1.goPreempt:
            return Transition(g: ev.g, initSeq: noseq, initStatus: gRunning, nextSeq: noseq, nextStatus: gRunnable)
        case V1.goUnblock, V1.goSysExit:
            return Transition(g: ev.a0, initSeq: ev.a1, initStatus: gWaiting, nextSeq: ev.a1 &+ 1, nextStatus: gRunnable)
        case V1.goUnblockLocal, V1.goSysExitLocal:
            return Transition(g: ev.a0, initSeq: noseq, initStatus: gWaiting, nextSeq: seqinc, nextStatus: gRunnable)
        case V1.gcStart:
            return Transition(g: garbage, initSeq: ev.a0, initStatus: gDead, nextSeq: ev.a0 &+ 1, nextStatus: gDead)
        default:
            return Transition(g: unordered, initSeq: 0, initStatus: 0, nextSeq: 0, nextStatus: 0)
        }
    }

    @inline(__always)
    private static func ready(_ t: Transition, _ curr: GState) -> Bool {
        t.g == unordered || (t.initSeq == noseq || t.initSeq == curr.seq) && t.initStatus == curr.status
    }

    struct Proc {
        var pid: Int32
        var events: [V1Event]
        var pos = 0
        /// Loads further batches from the parser when `events` runs out (1.11+).
        var lazy: Bool
        var done = false
    }

    struct Pending {
        var ev: V1Event
        var proc: Int
    }

    // Go's container/heap-like helpers from tracev1/order.go (Less compares Ts only).
    @inline(__always)
    private static func heapUp(_ h: inout [Pending], _ j0: Int) {
        var j = j0
        while true {
            let i = (j - 1) / 2
            if i == j || !(h[j].ev.ts < h[i].ev.ts) { break }
            h.swapAt(i, j)
            j = i
        }
    }

    @inline(__always)
    private static func heapDown(_ h: inout [Pending], _ i0: Int, _ n: Int) {
        var i = i0
        while true {
            let j1 = 2 * i + 1
            if j1 >= n { break }
            var j = j1
            let j2 = j1 + 1
            if j2 < n && h[j2].ev.ts < h[j1].ev.ts { j = j2 }
            if !(h[j].ev.ts < h[i].ev.ts) { break }
            h.swapAt(i, j)
            i = j
        }
    }

    /// The frontier merge (1.7+). `procs` in the order Go would have found them in its map.
    static func merge(_ procs: inout [Proc], parser: inout V1Parser) throws(TraceError) -> [V1Event] {
        var gs = V1IDMap<GState>(default: GState(seq: 0, status: gDead), denseLimit: 1 << 22)
        var frontier: [Pending] = []
        frontier.reserveCapacity(procs.count)
        var available = Array(procs.indices)
        var out: [V1Event] = []
        out.reserveCapacity(Swift.max(1024, parser.count / 6))
        // Go rescans every P whose next event is not ready on each step, which is quadratic
        // for hostile input with very many Ps (e.g. 10^5 one-event batches that can never be
        // ordered). Real traces rescan a handful of Ps per event; cap the total work.
        var steps = 0
        while true {
            var i = 0
            if steps > 256 &* (out.count &+ procs.count) &+ (1 << 26) {
                throw TraceError("no consistent ordering of events possible (gave up after \(steps) ordering steps)")
            }
            pidLoop: while i < available.count {
                steps &+= 1
                let pi = available[i]
                while procs[pi].pos >= procs[pi].events.count {
                    if procs[pi].lazy, try parser.loadBatch(procs[pi].pid, into: &procs[pi].events) {
                        procs[pi].pos = 0
                        continue
                    }
                    procs[pi].done = true
                    available.swapAt(i, available.count - 1)
                    available.removeLast()
                    continue pidLoop
                }
                let ev = procs[pi].events[procs[pi].pos]
                let t = stateTransition(ev)
                if t.g != unordered && !ready(t, gs[t.g]) {
                    i += 1
                    continue
                }
                procs[pi].pos += 1
                available.swapAt(i, available.count - 1)
                available.removeLast()
                frontier.append(Pending(ev: ev, proc: pi))
                heapUp(&frontier, frontier.count - 1)
            }

            if frontier.isEmpty {
                for p in procs where !p.done {
                    throw TraceError("no consistent ordering of events possible")
                }
                break
            }
            let n = frontier.count - 1
            frontier.swapAt(0, n)
            heapDown(&frontier, 0, n)
            guard var f = frontier.popLast() else { break }

            let t = stateTransition(f.ev)
            switch f.ev.type {
            case V1.goStartLocal: f.ev.type = V1.goStart
            case V1.goUnblockLocal: f.ev.type = V1.goUnblock
            case V1.goSysExitLocal: f.ev.type = V1.goSysExit
            default: break
            }
            out.append(f.ev)

            if t.g != unordered {
                let curr = gs[t.g]
                if !ready(t, curr) {
                    throw TraceError("encountered impossible goroutine state transition")
                }
                var next = GState(seq: t.nextSeq, status: t.nextStatus)
                if t.nextSeq == noseq {
                    next.seq = curr.seq
                } else if t.nextSeq == seqinc {
                    next.seq = curr.seq &+ 1
                }
                gs[t.g] = next
            }
            available.append(f.proc)
        }
        return out
    }

    /// Go's checks after the merge: timestamps in order, then the real GoSysExit timestamps
    /// applied and everything stably re-sorted by time (1.7+).
    static func fixSyscallExits(_ events: inout [V1Event]) throws(TraceError) {
        var i = 1
        while i < events.count {
            if events[i].ts < events[i - 1].ts { throw TraceError(V1Parser.errTimeOrder) }
            i += 1
        }
        var lastSysBlock = V1IDMap<Int64>(default: 0, denseLimit: 1 << 22)
        var moved: [Int] = []
        for j in events.indices {
            switch events[j].type {
            case V1.goSysBlock, V1.goInSyscall:
                lastSysBlock[events[j].g] = events[j].ts
            case V1.goSysExit:
                let ts = Int64(bitPattern: events[j].a2)
                if ts == 0 { continue }
                let block = lastSysBlock[events[j].g]
                if block == 0 { throw TraceError("stray syscall exit") }
                if ts < block { throw TraceError(V1Parser.errTimeOrder) }
                if ts != events[j].ts {
                    events[j].ts = ts
                    moved.append(j)
                }
            default:
                break
            }
        }
        if moved.isEmpty { return }
        stableResort(&events, moved: moved)
    }

    /// Stable sort by `ts` when only the events at `moved` (ascending indices) may be out of
    /// place: the rest is still sorted, so sort the moved ones and merge. Same result as Go's
    /// `sort.Stable`, in linear time apart from sorting the moved events.
    private static func stableResort(_ events: inout [V1Event], moved: [Int]) {
        var movedSorted = moved
        movedSorted.sort { a, b in
            let ta = events[a].ts, tb = events[b].ts
            return ta < tb || (ta == tb && a < b)
        }
        var isMoved = [Bool](repeating: false, count: events.count)
        for m in moved { isMoved[m] = true }
        var out: [V1Event] = []
        out.reserveCapacity(events.count)
        var k = 0
        for j in events.indices where !isMoved[j] {
            // Emit moved events that sort before (ts, index) of j.
            while k < movedSorted.count {
                let m = movedSorted[k]
                let tm = events[m].ts, tj = events[j].ts
                if tm < tj || (tm == tj && m < j) {
                    out.append(events[m])
                    k += 1
                } else {
                    break
                }
            }
            out.append(events[j])
        }
        while k < movedSorted.count {
            out.append(events[movedSorted[k]])
            k += 1
        }
        events = out
    }

    /// Go 1.21's `order1005` for Go 1.5 traces: events carry a global sequence number (in a3).
    static func order1005(_ perP: [Int32: [V1Event]]) throws(TraceError) -> [V1Event] {
        var events: [V1Event] = []
        for pid in perP.keys.sorted() {
            if let list = perP[pid] { events.append(contentsOf: list) }
        }
        for j in events.indices where events[j].type == V1.goSysExit {
            events[j].a3 = events[j].a1
            if events[j].a2 != 0 { events[j].ts = Int64(bitPattern: events[j].a2) }
        }
        // Stable by construction: ties keep the concatenation order.
        var idx = Array(events.indices)
        idx.sort { a, b in
            let sa = Int64(bitPattern: events[a].a3), sb = Int64(bitPattern: events[b].a3)
            return sa < sb || (sa == sb && a < b)
        }
        var sorted = idx.map { events[$0] }
        var i = 1
        while i < sorted.count {
            if sorted[i].ts < sorted[i - 1].ts { throw TraceError(V1Parser.errTimeOrder) }
            i += 1
        }
        for j in sorted.indices { sorted[j].a3 = 0 }
        return sorted
    }

    /// Go's float conversion `int64(f)` as amd64 does it: out-of-range and NaN give MinInt64.
    @inline(__always)
    static func goInt64(_ d: Double) -> Int64 {
        if d.isNaN || d >= 9.223372036854775807e18 || d < -9.223372036854775808e18 { return Int64.min }
        return Int64(d)
    }

    /// Ticks → nanoseconds since the first event; timer unblocks and syscall exits to fake Ps.
    static func convertTimestamps(_ events: inout [V1Event], ticksPerSec: Int64, timerGoids: Set<UInt64>) {
        guard let first = events.first else { return }
        let minTs = first.ts
        let freq = 1e9 / Double(ticksPerSec)
        let anyTimers = !timerGoids.isEmpty
        for j in events.indices {
            events[j].ts = goInt64(Double(events[j].ts &- minTs) * freq)
            let t = events[j].type
            if anyTimers && t == V1.goUnblock && timerGoids.contains(events[j].g) {
                events[j].p = V1.timerP
            }
            if t == V1.goSysExit {
                events[j].p = V1.syscallP
            }
        }
    }

    /// Go 1.21's `removeFutile` (applied to 1.5–1.10 traces only, as Go 1.21 did; Go 1.27 never
    /// sees such traces). Remaining FutileWakeup markers, which carry no state, are dropped too.
    static func removeFutile(_ events: inout [V1Event]) {
        struct GW {
            var futile = false
            var wakeup: [Int] = []
        }
        var gs: [UInt64: GW] = [:]
        var futile = [Bool](repeating: false, count: events.count)
        var any = false
        for j in events.indices {
            let ev = events[j]
            switch ev.type {
            case V1.goUnblock:
                var g = gs[ev.a0] ?? GW()
                g.wakeup = [j]
                gs[ev.a0] = g
            case V1.goStart, V1.goPreempt, V1.futileWakeup:
                var g = gs[ev.g] ?? GW()
                g.wakeup.append(j)
                if ev.type == V1.futileWakeup { g.futile = true }
                gs[ev.g] = g
            case V1.goBlock, V1.goBlockSend, V1.goBlockRecv, V1.goBlockSelect, V1.goBlockSync, V1.goBlockCond:
                if let g = gs[ev.g], g.futile {
                    futile[j] = true
                    for w in g.wakeup { futile[w] = true }
                    any = true
                }
                gs[ev.g] = nil
            default:
                break
            }
        }
        var hasMarkers = false
        for ev in events where ev.type == V1.futileWakeup { hasMarkers = true; break }
        if !any && !hasMarkers { return }
        var out: [V1Event] = []
        out.reserveCapacity(events.count)
        for j in events.indices where !futile[j] && events[j].type != V1.futileWakeup {
            out.append(events[j])
        }
        events = out
    }
}

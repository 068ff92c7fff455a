/// Go's `postProcessTrace` for v1 traces: checks that the ordered stream is consistent and
/// restores a little information (GCStart → GC pseudo-P, unblocks after network waits →
/// netpoll pseudo-P, first GoStart gets the creation's start stack, dangling stack IDs → 0).
/// Error texts are Go 1.27's; `time` is the event's nanosecond timestamp.
enum V1Validate {
    private static let gDead: UInt8 = 0
    private static let gRunnable: UInt8 = 1
    private static let gRunning: UInt8 = 2
    private static let gWaiting: UInt8 = 3

    struct GDesc {
        var exists = false
        var state: UInt8 = 0
        /// Type of the goroutine's last relevant event (Go's `g.ev`), 0 if none.
        var evType: UInt8 = 0
        var hasCreate = false
        var createStack: UInt64 = 0
        var markAssist = false
    }

    struct PDesc {
        var running = false
        var g: UInt64 = 0
        var sweeping = false
        /// Per-P STW (traces before 1.10).
        var stw = false
    }

    struct Region {
        var task: UInt64
        var name: UInt64
        var index: Int
    }

    static func postProcess(_ events: inout [V1Event], version ver: Int, stacks: [UInt32: (Int, Int)]) throws(TraceError) {
        var gs = V1IDMap<GDesc>(default: GDesc(), denseLimit: 1 << 22)
        var ps = V1IDMap<PDesc>(default: PDesc(), denseLimit: 4096)
        var tasks: [UInt64: Int] = [:]
        var activeRegions: [UInt64: [Region]] = [:]
        gs[0] = GDesc(exists: true, state: gRunning)
        var gcActive = false
        var stwActive = false

        func checkRunning(_ p: PDesc, _ g: GDesc, _ ev: V1Event, allowG0: Bool) throws(TraceError) {
            let name = V1.descs[Int(ev.type)].name
            if g.state != gRunning {
                throw TraceError("g \(ev.g) is not running while \(name) (time \(ev.ts))")
            }
            if p.g != ev.g {
                throw TraceError("p \(ev.p) is not running g \(ev.g) while \(name) (time \(ev.ts))")
            }
            if !allowG0 && ev.g == 0 {
                throw TraceError("g 0 did \(name) (time \(ev.ts))")
            }
        }

        for idx in events.indices {
            var ev = events[idx]
            let pk = V1IDMap<PDesc>.pKey(ev.p)
            switch ev.type {
            case V1.procStart:
                var p = ps[pk]
                if p.running { throw TraceError("p \(ev.p) is running before start (time \(ev.ts))") }
                p.running = true
                ps[pk] = p
            case V1.procStop:
                var p = ps[pk]
                if !p.running { throw TraceError("p \(ev.p) is not running before stop (time \(ev.ts))") }
                if p.g != 0 { throw TraceError("p \(ev.p) is running a goroutine \(p.g) during stop (time \(ev.ts))") }
                p.running = false
                ps[pk] = p
            case V1.gcStart:
                if gcActive { throw TraceError("previous GC is not ended before a new one (time \(ev.ts))") }
                gcActive = true
                ev.p = V1.gcP
            case V1.gcDone:
                if !gcActive { throw TraceError("bogus GC end (time \(ev.ts))") }
                gcActive = false
            case V1.stwStart:
                if ver < 10 {
                    var p = ps[pk]
                    if p.stw { throw TraceError("previous STW is not ended before a new one (time \(ev.ts))") }
                    p.stw = true
                    ps[pk] = p
                } else {
                    if stwActive { throw TraceError("previous STW is not ended before a new one (time \(ev.ts))") }
                    stwActive = true
                }
            case V1.stwDone:
                if ver < 10 {
                    var p = ps[pk]
                    if !p.stw { throw TraceError("bogus STW end (time \(ev.ts))") }
                    p.stw = false
                    ps[pk] = p
                } else {
                    if !stwActive { throw TraceError("bogus STW end (time \(ev.ts))") }
                    stwActive = false
                }
            case V1.gcSweepStart:
                var p = ps[pk]
                if p.sweeping { throw TraceError("previous sweeping is not ended before a new one (time \(ev.ts))") }
                p.sweeping = true
                ps[pk] = p
            case V1.gcMarkAssistStart:
                var g = gs[ev.g]
                if g.markAssist { throw TraceError("previous mark assist is not ended before a new one (time \(ev.ts))") }
                g.markAssist = true
                g.exists = true
                gs[ev.g] = g
            case V1.gcMarkAssistDone:
                var g = gs[ev.g]
                g.markAssist = false
                g.exists = true
                gs[ev.g] = g
            case V1.gcSweepDone:
                var p = ps[pk]
                if !p.sweeping { throw TraceError("bogus sweeping end (time \(ev.ts))") }
                p.sweeping = false
                ps[pk] = p
            case V1.goWaiting, V1.goInSyscall:
                var g = gs[ev.g]
                if g.state != gRunnable {
                    let which = ev.type == V1.goWaiting ? "EvGoWaiting" : "EvGoInSyscall"
                    throw TraceError("g \(ev.g) is not runnable before \(which) (time \(ev.ts))")
                }
                g.state = gWaiting
                g.evType = ev.type
                g.exists = true
                gs[ev.g] = g
            case V1.goCreate:
                try checkRunning(ps[pk], gs[ev.g], ev, allowG0: true)
                if gs[ev.a0].exists { throw TraceError("g \(ev.a0) already exists (time \(ev.ts))") }
                gs[ev.a0] = GDesc(exists: true, state: gRunnable, evType: ev.type, hasCreate: true, createStack: ev.a1)
            case V1.goStart, V1.goStartLabel:
                var g = gs[ev.g]
                var p = ps[pk]
                if g.state != gRunnable { throw TraceError("g \(ev.g) is not runnable before start (time \(ev.ts))") }
                if p.g != 0 {
                    throw TraceError("p \(ev.p) is already running g \(p.g) while start g \(ev.g) (time \(ev.ts))")
                }
                g.state = gRunning
                p.g = ev.g
                if g.hasCreate {
                    ev.stk = UInt32(truncatingIfNeeded: g.createStack)
                    g.hasCreate = false
                }
                g.evType = 0
                g.exists = true
                gs[ev.g] = g
                ps[pk] = p
            case V1.goEnd, V1.goStop:
                var g = gs[ev.g]
                var p = ps[pk]
                try checkRunning(p, g, ev, allowG0: false)
                g.state = gDead
                p.g = 0
                if ev.type == V1.goEnd { activeRegions[ev.g] = nil }
                g.exists = true
                gs[ev.g] = g
                ps[pk] = p
            case V1.goSched, V1.goPreempt:
                var g = gs[ev.g]
                var p = ps[pk]
                try checkRunning(p, g, ev, allowG0: false)
                g.state = gRunnable
                p.g = 0
                g.evType = ev.type
                g.exists = true
                gs[ev.g] = g
                ps[pk] = p
            case V1.goUnblock:
                let g = gs[ev.g]
                let p = ps[pk]
                if g.state != gRunning { throw TraceError("g \(ev.g) is not running while unpark (time \(ev.ts))") }
                if ev.p != V1.timerP && p.g != ev.g {
                    throw TraceError("p \(ev.p) is not running g \(ev.g) while unpark (time \(ev.ts))")
                }
                var g1 = gs[ev.a0]
                if g1.state != gWaiting { throw TraceError("g \(ev.a0) is not waiting before unpark (time \(ev.ts))") }
                if g1.evType == V1.goBlockNet { ev.p = V1.netpollP }
                g1.state = gRunnable
                g1.evType = ev.type
                g1.exists = true
                gs[ev.a0] = g1
            case V1.goSysCall:
                var g = gs[ev.g]
                try checkRunning(ps[pk], g, ev, allowG0: false)
                g.evType = ev.type
                g.exists = true
                gs[ev.g] = g
            case V1.goSysBlock:
                var g = gs[ev.g]
                var p = ps[pk]
                try checkRunning(p, g, ev, allowG0: false)
                g.state = gWaiting
                p.g = 0
                g.exists = true
                gs[ev.g] = g
                ps[pk] = p
            case V1.goSysExit:
                var g = gs[ev.g]
                if g.state != gWaiting { throw TraceError("g \(ev.g) is not waiting during syscall exit (time \(ev.ts))") }
                g.state = gRunnable
                g.evType = ev.type
                g.exists = true
                gs[ev.g] = g
            case V1.goSleep, V1.goBlock, V1.goBlockSend, V1.goBlockRecv, V1.goBlockSelect, V1.goBlockSync,
                 V1.goBlockCond, V1.goBlockNet, V1.goBlockGC:
                var g = gs[ev.g]
                var p = ps[pk]
                try checkRunning(p, g, ev, allowG0: false)
                g.state = gWaiting
                g.evType = ev.type
                p.g = 0
                g.exists = true
                gs[ev.g] = g
                ps[pk] = p
            case V1.userTaskCreate:
                if let prev = tasks[ev.a0] {
                    throw TraceError("task id conflicts (id:\(ev.a0)), \(GoText.quote(ev.goString)) vs \(GoText.quote(events[prev].goString))")
                }
                tasks[ev.a0] = idx
            case V1.userTaskEnd:
                tasks[ev.a0] = nil
            case V1.userRegion:
                let mode = ev.a1
                if mode == 0 {
                    activeRegions[ev.g, default: []].append(Region(task: ev.a0, name: ev.a2, index: idx))
                } else if mode == 1 {
                    if let regions = activeRegions[ev.g], let s = regions.last {
                        if s.task != ev.a0 || s.name != ev.a2 {
                            throw TraceError("misuse of region in goroutine \(ev.g): span end \(GoText.quote(ev.goString)) when the inner-most active span start event is \(GoText.quote(events[s.index].goString))")
                        }
                        if regions.count > 1 {
                            activeRegions[ev.g]?.removeLast()
                        } else {
                            activeRegions[ev.g] = nil
                        }
                    }
                } else {
                    throw TraceError("invalid user region mode: \(GoText.quote(ev.goString))")
                }
            default:
                break
            }
            if ev.stk != 0 {
                if let (_, n) = stacks[ev.stk], n > 0 {} else { ev.stk = 0 }
            }
            events[idx] = ev
        }
    }
}

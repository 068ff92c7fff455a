import GoTrace

/// Heap counter sample (the trace viewer's "Heap" counter plus the raw goal).
public struct HeapSample: Sendable, Equatable, Codable {
    /// Absolute time, ns.
    public var time: Int64
    /// Live heap bytes (`/memory/classes/heap/objects:bytes`).
    public var allocated: UInt64
    /// Heap goal bytes (`/gc/heap/goal:bytes`; values above 1 PiB count as 0, as the viewer does).
    public var goal: UInt64
    /// What the viewer plots as "NextGC": max(0, goal − allocated).
    public var nextGC: UInt64 { goal > allocated ? goal - allocated : 0 }
}

/// Goroutine counter sample (the viewer's "Goroutines" counter).
public struct GoroutineCounts: Sendable, Equatable, Codable {
    public var time: Int64
    /// Running or in a syscall.
    public var running: Int64
    public var runnable: Int64
    /// Waiting while in a mark assist.
    public var gcWaiting: Int64
}

/// Thread counter sample (the viewer's "Threads" counter).
public struct ThreadCounts: Sendable, Equatable, Codable {
    public var time: Int64
    /// Procs running (the proc-oriented viewer counts proc starts and stops).
    public var running: Int64
    /// Always 0 from the v2 viewer generators (Go never updates it); kept for fidelity.
    public var inSyscall: Int64
}

/// Number of goroutines in a syscall over time (each holds a thread); not a viewer counter.
public struct SyscallCount: Sendable, Equatable, Codable {
    public var time: Int64
    public var goroutines: Int64
}

/// The counters `go tool trace`'s proc-oriented timeline draws in its STATS section, computed as
/// the viewer does (cmd/trace procgen.go + traceviewer/emitter.go): a sample is emitted whenever
/// the counter tuple (including the states it does not display) changes.
public struct TimelineSeries: Sendable, Codable {
    /// Trace start (the first event's time); the viewer's timestamps are relative to it.
    public var startTime: Int64
    public var endTime: Int64
    public var heap: [HeapSample]
    public var goroutines: [GoroutineCounts]
    public var threads: [ThreadCounts]
    public var syscalls: [SyscallCount]

    public static func compute(_ trace: Trace) -> TimelineSeries {
        var b = TimelineSeriesBuilder()
        var c = trace.events.cursor()
        while let ev = c.next() { b.add(ev) }
        return b.finish()
    }
}

/// Builds `TimelineSeries` one event at a time (single pass, constant work per event).
public struct TimelineSeriesBuilder {
    private var tracker = CounterTracker(sink: SeriesArrays())

    public init() {}

    public mutating func add(_ ev: Event) { tracker.add(ev) }

    public mutating func finish() -> TimelineSeries {
        var r = tracker.sink.out
        r.startTime = tracker.startTime
        r.endTime = tracker.endTime
        return r
    }
}

/// Receives the viewer's counter samples as `CounterTracker` emits them, in time order.
public protocol CounterSink {
    mutating func heap(_ t: Int64, allocated: UInt64, goal: UInt64)
    mutating func goroutines(_ t: Int64, running: Int64, runnable: Int64, gcWaiting: Int64)
    mutating func threads(_ t: Int64, running: Int64)
    /// Goroutines in a syscall; several changes at one time keep the last.
    mutating func syscalls(_ t: Int64, _ n: Int64)
}

/// Keeps every sample (the `TimelineSeries` arrays).
struct SeriesArrays: CounterSink {
    var out = TimelineSeries(startTime: 0, endTime: 0, heap: [], goroutines: [], threads: [], syscalls: [])

    mutating func heap(_ t: Int64, allocated: UInt64, goal: UInt64) {
        out.heap.append(HeapSample(time: t, allocated: allocated, goal: goal))
    }
    mutating func goroutines(_ t: Int64, running: Int64, runnable: Int64, gcWaiting: Int64) {
        out.goroutines.append(GoroutineCounts(time: t, running: running, runnable: runnable, gcWaiting: gcWaiting))
    }
    mutating func threads(_ t: Int64, running: Int64) {
        out.threads.append(ThreadCounts(time: t, running: running, inSyscall: 0))
    }
    mutating func syscalls(_ t: Int64, _ n: Int64) {
        if let last = out.syscalls.last, last.time == t {
            out.syscalls[out.syscalls.count - 1].goroutines = n
        } else {
            out.syscalls.append(SyscallCount(time: t, goroutines: n))
        }
    }
}

/// The counter state machine of the proc-oriented viewer (cmd/trace procgen.go +
/// traceviewer/emitter.go): a sample goes to the sink whenever a counter tuple (including the
/// states it does not display) changes. Generic over the sink so the hot loop has no existentials.
public struct CounterTracker<Sink: CounterSink> {
    public var sink: Sink
    // Viewer goroutine states: dead, runnable, running, waiting, waitingGC.
    private var gstates = (Int64(0), Int64(0), Int64(0), Int64(0), Int64(0))
    private var prevG = (Int64(0), Int64(0), Int64(0), Int64(0), Int64(0))
    private var threadsRunning: Int64 = 0
    private var prevThreadsRunning: Int64 = 0
    private var heapAlloc: UInt64 = 0
    private var heapGoal: UInt64 = 0
    private var prevHeap: (UInt64, UInt64) = (0, 0)
    private var inSyscall: Int64 = 0
    /// Per goroutine: 1 = seen (has a viewer gState), 2 = in a mark assist.
    private var gflags = GoroutineMap<UInt8>(empty: 0)
    public private(set) var startTime: Int64 = 0
    public private(set) var endTime: Int64 = 0
    private var sawEvent = false

    public init(sink: Sink) { self.sink = sink }

    private static var assist: UInt8 { 2 }

    @inline(__always)
    private mutating func bumpG(_ s: Int, _ d: Int64) {
        switch s {
        case 0: gstates.0 += d
        case 1: gstates.1 += d
        case 2: gstates.2 += d
        case 3: gstates.3 += d
        default: gstates.4 += d
        }
    }

    /// Go's `viewerGState`: 0 dead, 1 runnable, 2 running, 3 waiting, 4 waiting (GC).
    @inline(__always)
    private static func viewerState(_ s: GoState, _ inAssist: Bool) -> Int {
        switch s {
        case .undetermined, .notExist: return 0
        case .runnable: return 1
        case .running, .syscall: return 2
        case .waiting: return inAssist ? 4 : 3
        }
    }

    public mutating func add(_ ev: Event) {
        add(ev, transition: ev.kind == .stateTransition ? ev.transition : nil)
    }

    /// `add` for a caller that has already decoded the event's transition (one decode per event).
    mutating func add(_ ev: Event, transition: StateTransition?) {
        if !sawEvent {
            sawEvent = true
            startTime = ev.time
        }
        endTime = ev.time
        switch ev.kind {
        case .metric:
            if ev.type == Wire.heapAlloc {
                heapAlloc = ev.metricValue
                emitHeap(ev.time)
            } else if ev.type == Wire.heapGoal {
                heapGoal = ev.metricValue > 1 << 50 ? 0 : ev.metricValue
                emitHeap(ev.time)
            }
        case .rangeBegin, .rangeActive:
            // The viewer keeps "GC mark assist" among the goroutine's active ranges until its end.
            if ev.type == Wire.gcMarkAssistBegin || ev.type == Wire.gcMarkAssistActive,
               case .goroutine(let g) = ev.rangeScope {
                gflags[g] |= Self.assist
            }
        case .rangeEnd:
            if ev.type == Wire.gcMarkAssistEnd, case .goroutine(let g) = ev.rangeScope {
                gflags[g] &= ~Self.assist
            }
        case .stateTransition:
            guard let st = transition else { break }
            switch st.resource {
            case .goroutine(let g):
                let from = st.goFrom, to = st.goTo
                if from == to { break }
                if from == .syscall { inSyscall -= 1; syscallSample(ev.time) }
                if to == .syscall { inSyscall += 1; syscallSample(ev.time) }
                let inAssist = gflags[g] & Self.assist != 0
                bumpG(Self.viewerState(from, inAssist), -1)
                bumpG(Self.viewerState(to, inAssist), 1)
                if gstates != prevG {
                    sink.goroutines(ev.time, running: gstates.2, runnable: gstates.1, gcWaiting: gstates.4)
                    prevG = gstates
                }
            case .proc:
                let from = st.procFrom, to = st.procTo
                if from == to { break }
                if to == .running {
                    threadsRunning += 1
                    threadSample(from == .undetermined ? startTime : ev.time)
                }
                if from == .running {
                    threadsRunning -= 1
                    threadSample(ev.time)
                }
            default:
                break
            }
        default:
            break
        }
    }

    @inline(__always)
    private mutating func emitHeap(_ t: Int64) {
        if prevHeap == (heapAlloc, heapGoal) { return }
        sink.heap(t, allocated: heapAlloc, goal: heapGoal)
        prevHeap = (heapAlloc, heapGoal)
    }

    @inline(__always)
    private mutating func threadSample(_ t: Int64) {
        if threadsRunning == prevThreadsRunning { return }
        sink.threads(t, running: threadsRunning)
        prevThreadsRunning = threadsRunning
    }

    @inline(__always)
    private mutating func syscallSample(_ t: Int64) {
        sink.syscalls(t, inSyscall)
    }
}

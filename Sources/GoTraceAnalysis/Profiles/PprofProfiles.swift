import GoTrace

/// The profiles `go tool trace` serves as pprof files, plus a CPU profile.
public enum PprofKind: String, CaseIterable, Sendable, CustomStringConvertible {
    /// Time blocked on network IO (Go's `-pprof=net`, `/io`).
    case net
    /// Time blocked on synchronization: channels, select, sync (Go's `-pprof=sync`, `/block`).
    case sync
    /// Time in system calls (Go's `-pprof=syscall`, `/syscall`).
    case syscall
    /// Scheduler latency: time runnable before running (Go's `-pprof=sched`, `/sched`).
    case sched
    /// CPU samples carried by the trace (Go 1.19+ traces taken while a CPU profile ran). Not in Go.
    case cpu

    public var description: String { rawValue }

    /// The goroutine state a blocking profile measures, and which entries into it count.
    var tracked: (state: GoState, reason: (String) -> Bool)? {
        switch self {
        case .net: return (.waiting, { $0 == "network" })
        case .sync: return (.waiting, { $0.contains("chan") || $0.contains("sync") || $0.contains("select") })
        case .syscall: return (.syscall, { _ in true })
        case .sched: return (.runnable, { _ in true })
        case .cpu: return nil
        }
    }
}

/// One sample of a profile: a stack and what was measured there.
public struct ProfileRecord: Sendable, Equatable {
    /// Frames, leaf first, at most `PprofProfiles.maxStack`.
    public var stack: [StackFrame]
    /// Intervals (blocking profiles) or CPU samples (cpu).
    public var count: UInt64
    /// Total nanoseconds: the intervals' overlap with the restriction (blocking profiles), or
    /// count × the assumed sampling period (cpu).
    public var time: Int64

    public init(stack: [StackFrame], count: UInt64, time: Int64) {
        self.stack = stack
        self.count = count
        self.time = time
    }
}

/// What part of the trace a profile covers.
public enum ProfileRestriction: Sendable, Equatable {
    /// Every goroutine from its first run to its end (`go tool trace -pprof=TYPE`, `/io` etc.).
    case allGoroutines
    /// Goroutines whose start function is this name (`/io?name=NAME` etc.).
    case goroutinesNamed(String)
    /// The outermost user regions of this type, per goroutine (`/regionio?type=NAME` etc.).
    case regionType(String)
}

/// Errors of the profile computation (Go's messages).
public struct ProfileError: Error, CustomStringConvertible, Sendable {
    public var message: String

    /// Go's error when no goroutine has the start function `name` ("" = any goroutine).
    static func noMatchingGoroutines(_ name: String) -> ProfileError {
        ProfileError(message: "failed to find matching goroutines for name: \(name)")
    }
    public var description: String { message }
}

/// Blocking profiles as `go tool trace` computes them (`cmd/trace/pprof.go`), and a CPU profile.
///
/// ```swift
/// let trace = try Trace.load(path: "trace.out")
/// let records = try PprofProfiles.records(.sync, trace: trace)
/// let gz = try PprofProfiles.pprof(.sync, records: records, tables: trace.tables)  // gzip'd profile.proto
/// ```
public enum PprofProfiles {
    /// Stacks are compared (and cut) at this many frames, as Go does.
    public static let maxStack = 128

    /// CPU sampling period assumed for `cpu` profiles: the trace does not record the rate, and
    /// `runtime/pprof.StartCPUProfile` samples at 100 Hz.
    public static let cpuPeriodNanoseconds: Int64 = 10_000_000

    /// The events Go reads past the last complete generation of a broken trace (dropped from
    /// `trace.events` but still fed to Go's goroutine summary, which sets the profiles' goroutine
    /// spans). Empty for a trace that read cleanly. Reads the file again.
    public static func tailEvents(path: String, of trace: Trace) -> [Event] {
        guard trace.error != nil, let reader = try? TraceReader(path: path) else { return [] }
        var skip = trace.events.count
        var tail: [Event] = []
        while true {
            let ev: Event?
            do { ev = try reader.next() } catch { break }
            guard let ev else { break }
            if skip > 0 { skip -= 1 } else { tail.append(ev) }
        }
        return tail
    }

    /// The records of profile `kind`, in first-seen order of their stacks.
    ///
    /// `tail`: see `tailEvents(path:of:)`; `spans` may be passed to reuse one summary for several
    /// profiles. Throws Go's error when the restriction matches no goroutine.
    public static func records(_ kind: PprofKind, trace: Trace, restriction: ProfileRestriction = .allGoroutines,
                               tail: [Event] = [], spans: ProfileSpans? = nil) throws(ProfileError) -> [ProfileRecord] {
        try records([kind], trace: trace, restriction: restriction, tail: tail, spans: spans)[kind] ?? []
    }

    /// Several profiles at once, in one pass over the events (what computing them one by one gives,
    /// for a fraction of the time on a big trace).
    public static func records(_ kinds: [PprofKind], trace: Trace, restriction: ProfileRestriction = .allGoroutines,
                               tail: [Event] = [], spans: ProfileSpans? = nil) throws(ProfileError) -> [PprofKind: [ProfileRecord]] {
        let spans = spans ?? ProfileSpans(trace: trace, tail: tail)
        let intervals: [Int64: [ClosedInterval]]
        switch restriction {
        case .allGoroutines, .goroutinesNamed:
            var name = ""
            if case .goroutinesNamed(let n) = restriction { name = n }
            guard let m = spans.goroutineIntervals(name: name) else {
                throw ProfileError.noMatchingGoroutines(name)
            }
            intervals = m
        case .regionType(let t):
            intervals = spans.regionIntervals(type: t)
        }
        var b = RestrictedProfileBuilder(kinds: kinds, intervals: intervals, wholeTrace: restriction == .allGoroutines, tables: trace.tables)
        for ev in trace.events { b.add(ev) }
        return b.finish()
    }

    /// The intervals `restriction` covers, per goroutine, from Go's goroutine summaries (where
    /// `go tool trace` takes them: `pprofMatchingGoroutines`, `pprofMatchingRegions`). Throws
    /// Go's error when no goroutine matches a goroutine restriction.
    public static func intervals(_ restriction: ProfileRestriction, summaries: GoroutineSummaries) throws(ProfileError) -> [Int64: [ClosedInterval]] {
        var res: [Int64: [ClosedInterval]] = [:]
        switch restriction {
        case .allGoroutines, .goroutinesNamed:
            var name = ""
            if case .goroutinesNamed(let n) = restriction { name = n }
            for g in summaries.goroutines where name.isEmpty || g.name == name {
                res[g.id] = [ClosedInterval(start: g.startTime, end: g.endTime == 0 ? summaries.traceEnd : g.endTime)]
            }
            if res.isEmpty { throw ProfileError.noMatchingGoroutines(name) }
        case .regionType(let t):
            for g in summaries.goroutines {
                let list = g.regions.lazy.map { summaries.regions[$0] }.filter { $0.name == t }
                    .map { ClosedInterval(start: $0.start?.time ?? summaries.traceStart, end: $0.end?.time ?? summaries.traceEnd) }
                if !list.isEmpty { res[g.id] = ProfileSpans.outermost(Array(list)) }
            }
        }
        return res
    }

    /// Profiles of `kinds` restricted to `intervals` (see `intervals(_:summaries:)`), streaming
    /// the trace at `path` once: nothing is kept per event. `keep`: how many events count (those
    /// up to the last complete generation of a broken trace, as a loaded trace holds); nil for all.
    /// `progress(bytesRead, fileBytes)` is called now and then.
    public static func records(_ kinds: [PprofKind], path: String, intervals: [Int64: [ClosedInterval]],
                               restriction: ProfileRestriction, keep: Int?,
                               progress: ((Int, Int) -> Void)? = nil) throws(TraceError) -> (records: [PprofKind: [ProfileRecord]], tables: TraceTables) {
        if intervals.isEmpty && restriction != .allGoroutines {
            // Nothing to measure against (a region type with no regions): no sample can count.
            return (Dictionary(uniqueKeysWithValues: kinds.map { ($0, []) }), TraceTables())
        }
        let (b, tables) = try TraceStreamer.feed(path: path, keep: keep, progress: progress) { tables in
            RestrictedProfileBuilder(kinds: kinds, intervals: intervals, wholeTrace: restriction == .allGoroutines, tables: tables)
        }
        return (b.finish(), tables)
    }

    /// The pprof message for `records` (Go's `traceviewer.BuildProfile`; for `cpu`, a CPU
    /// profile's sample and period types).
    public static func profile(_ kind: PprofKind, records: [ProfileRecord], tables: TraceTables) -> Perftools_Profiles_Profile {
        PprofBuilder.build(kind: kind, records: records, tables: tables)
    }

    /// The gzip-compressed pprof file for `records`.
    public static func pprof(_ kind: PprofKind, records: [ProfileRecord], tables: TraceTables) throws -> [UInt8] {
        let bytes: [UInt8] = try profile(kind, records: records, tables: tables).serializedBytes()
        return Gzip.stored(bytes)
    }
}

/// Profile records over per-goroutine intervals, fed the events one at a time: Go's blocking
/// profiles (each blocked interval counts for its overlap with the goroutine's intervals) and the
/// CPU profile (a sample counts where an interval covers it; outside any goroutine only in the
/// whole-trace profile).
struct RestrictedProfileBuilder: EventConsumer {
    private let intervals: [Int64: [ClosedInterval]]
    private let wholeTrace: Bool
    private let wantCPU: Bool
    /// The intervals, flattened and indexed by goroutine (no dictionary lookup per event).
    private var ivIndex = GoroutineMap<Int32>(empty: -1)
    private var ivOffsets: [Int] = [0]
    private var ivList: [ClosedInterval] = []
    private var trackers: BlockingTrackers
    private var stacks: [StackRecords]
    private var cpu: StackRecords
    private var seq = 0
    private var cpuSeq = 0

    init(kinds: [PprofKind], intervals: [Int64: [ClosedInterval]], wholeTrace: Bool, tables: TraceTables) {
        self.intervals = intervals
        self.wholeTrace = wholeTrace
        wantCPU = kinds.contains(.cpu)
        ivOffsets.reserveCapacity(intervals.count + 1)
        for (id, list) in intervals {
            ivIndex[id] = Int32(truncatingIfNeeded: ivOffsets.count - 1)
            ivList.append(contentsOf: list)
            ivOffsets.append(ivList.count)
        }
        trackers = BlockingTrackers(kinds: kinds, tables: tables)
        stacks = trackers.trackers.map { _ in StackRecords(tables: tables) }
        cpu = StackRecords(tables: tables)
    }

    mutating func add(_ ev: Event) {
        seq += 1
        if !trackers.isEmpty {
            let seq = seq
            trackers.add(ev) { t, id, sample, stackID in
                var d: Int64 = 0
                let k = Int(ivIndex[id])
                if k >= 0 {
                    for i in ivList[ivOffsets[k]..<ivOffsets[k + 1]] {
                        let o = i.overlap(sample)
                        if o > 0 { d &+= o }
                    }
                }
                if d > 0 { stacks[t].add(stackID: stackID, count: 1, time: d, seq: seq) }
            }
        }
        if wantCPU && ev.kind == .stackSample {
            cpuSeq += 1
            if !wholeTrace {
                guard let list = intervals[ev.goroutine],
                      list.contains(where: { $0.start <= ev.time && ev.time <= $0.end }) else { return }
            }
            cpu.add(stackID: ev.stackID, count: 1, time: PprofProfiles.cpuPeriodNanoseconds, seq: cpuSeq)
        }
    }

    func finish() -> [PprofKind: [ProfileRecord]] {
        var out: [PprofKind: [ProfileRecord]] = [:]
        for (t, tracker) in trackers.trackers.enumerated() { out[tracker.kind] = stacks[t].records() }
        if wantCPU { out[.cpu] = cpu.records() }
        return out
    }
}

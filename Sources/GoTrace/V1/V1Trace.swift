/// Go 1.5–1.21 ("v1") traces: parsed whole, ordered, and converted into the v2 event model the
/// same way Go 1.27's `internal/trace/tracev1.go` converts them.
///
/// Pipeline (docs/trace-format.md sections 8–9):
/// 1. `V1Parser`: wire records. 1.11+: Go 1.27's two passes (batch index + lazy batch loading
///    during the merge); 1.5–1.10: Go 1.21's single sequential pass with the older arities.
/// 2. `V1Order`: per-P merge by goroutine sequence numbers (1.7+) or global sequence (1.5),
///    time-order check, real GoSysExit times, ticks → ns, fake Ps.
/// 3. 1.5–1.10 only: Go 1.21's futile-wakeup removal (Go 1.27 never reads these formats; the
///    `FutileWakeup` events it would reject are gone after this step).
/// 4. `V1Validate`: Go's `postProcessTrace`.
/// 5. `V1Converter`: Go 1.27's conversion to the new model, with its +1 ns tie-break.
///
/// Steps 1–4 fail with a thrown error (Go returns them from `NewReader`, so `-d=parsed` prints
/// only the error); step 5 stops at an unconvertible event and reports it in `Result.error`.
///
/// Determinism: where Go iterates maps (the order of Ps in the merge, the synthetic GoStatus
/// events at the end of trace start-up) we use ascending IDs — see `V1Order` and `V1Converter`.
enum V1Trace {
    struct Result {
        /// Converted events in order, with Go's +1 ns tie-breaking applied; no Sync events.
        var events: [Event]
        /// A conversion error Go reports only after the events before it (`unexpected event type`).
        var error: TraceError?
        /// Time of the last converted event (the final Sync is at lastTs + 1); -1 if none.
        var lastTs: Int64
        /// Time of the Sync Go emits before the first event: the first *v1* event's time − 1
        /// (always -1, since v1 times are rebased to the first event), or nil when the v1 trace
        /// has no events at all (then Go emits only the final Sync). This differs from
        /// `events.first.time - 1` whenever the first v1 events produce no converted event
        /// (GoCreate before the first Gomaxprocs, which is the usual case).
        var firstSyncTime: Int64? = nil
    }

    static func convert(buffer: UnsafeRawBufferPointer, minor: Int, tables: TraceTables) throws(TraceError) -> Result {
        var parser = try V1Parser(buffer: buffer, version: minor, tables: tables)
        var events: [V1Event]
        if minor >= 11 {
            try parser.collectBatchesAndCPUSamples()
            var samples = parser.cpuSamples
            parser.cpuSamples = []
            if samples.count > 1 {
                // Go sorts by the sample's own timestamp; ties keep file order here.
                let idx = samples.indices.sorted { a, b in
                    samples[a].ts < samples[b].ts || (samples[a].ts == samples[b].ts && a < b)
                }
                samples = idx.map { samples[$0] }
            }
            var procs = parser.batchOffsets.keys.sorted().map { V1Order.Proc(pid: $0, events: [], lazy: true) }
            procs.append(V1Order.Proc(pid: V1.profileP, events: samples, lazy: true))
            events = try V1Order.merge(&procs, parser: &parser)
            procs = []
            try V1Order.fixSyscallExits(&events)
            if parser.ticksPerSec == 0 { throw TraceError("no EvFrequency event") }
        } else {
            let perP = try parser.parseAllSequentially()
            if perP.isEmpty { throw TraceError("trace is empty") }
            if parser.ticksPerSec == 0 { throw TraceError("no EvFrequency event") }
            if minor < 7 {
                events = try V1Order.order1005(perP)
            } else {
                var procs = perP.keys.sorted().map { V1Order.Proc(pid: $0, events: perP[$0] ?? [], lazy: false) }
                events = try V1Order.merge(&procs, parser: &parser)
                try V1Order.fixSyscallExits(&events)
            }
        }
        V1Order.convertTimestamps(&events, ticksPerSec: parser.ticksPerSec, timerGoids: parser.timerGoids)
        if minor <= 10 { V1Order.removeFutile(&events) }
        try V1Validate.postProcess(&events, version: minor, stacks: parser.stacks)

        let inline = distinctMessages(in: events)
        var conv = try V1Converter(parser: parser, inlineStringCount: inline)
        let firstSync: Int64? = events.first.map { $0.ts &- 1 }
        V1Converter.markBlockingSyscalls(&events)
        let err = conv.run(events)
        events = []
        return Result(events: conv.out, error: err, lastTs: conv.lastTs, firstSyncTime: firstSync)
    }

    /// Counts the distinct UserLog messages (Go's inline strings), only for Go's
    /// "too many strings" check.
    private static func distinctMessages(in events: [V1Event]) -> Int {
        var seen = Set<UInt64>()
        for ev in events where ev.type == V1.userLog { seen.insert(ev.a3) }
        return seen.count
    }
}

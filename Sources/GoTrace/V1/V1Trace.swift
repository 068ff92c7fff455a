/// Go 1.5–1.21 ("v1") traces: parsed whole, ordered, and converted into the v2 event model the
/// same way Go 1.27's `internal/trace/tracev1.go` converts them.
enum V1Trace {
    struct Result {
        /// Converted events in order, with Go's +1 ns tie-breaking applied; no Sync events.
        var events: [Event]
        /// A conversion error Go reports only after the events before it (`unexpected event type`).
        var error: TraceError?
        /// Time of the last converted event (the final Sync is at lastTs + 1).
        var lastTs: Int64
    }

    static func convert(buffer: UnsafeRawBufferPointer, minor: Int, tables: TraceTables) throws(TraceError) -> Result {
        throw TraceError("v1 traces (go 1.\(minor)) are not supported yet")
    }
}

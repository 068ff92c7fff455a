import Dispatch

/// A whole trace, loaded: every valid event in a compact indexable store, plus what reading
/// learned about it.
///
/// Loading follows `go tool trace`'s policy: when the trace breaks (a truncated or corrupt last
/// generation), everything up to the last complete generation (the last Sync event) is kept and
/// the error and the number of bytes lost are recorded instead of failing.
public final class Trace: @unchecked Sendable {
    public let version: TraceVersion
    public let tables: TraceTables
    public let events: EventStore
    /// The error that ended reading early, if any.
    public let error: TraceError?
    /// File size and the bytes that produced the kept events.
    public let fileBytes: Int
    public let validBytes: Int
    public let generations: Int

    /// Counts over the kept events (per wire type, goroutines, procs, threads, first/last time).
    public let census: EventCensus
    /// Number of kept events of each wire type (index = type, 255 = Sync).
    public var typeCounts: [Int] { census.typeCounts }

    init(version: TraceVersion, tables: TraceTables, events: EventStore, census: EventCensus, error: TraceError?,
         fileBytes: Int, validBytes: Int, generations: Int) {
        self.version = version
        self.tables = tables
        self.events = events
        self.census = census
        self.error = error
        self.fileBytes = fileBytes
        self.validBytes = validBytes
        self.generations = generations
    }

    /// Loads the trace at `path`. Throws only when nothing useful could be read.
    /// `progress` is called now and then with the bytes read so far.
    public static func load(path: String, progress: ((Int, Int) -> Void)? = nil) throws(TraceError) -> Trace {
        try load(bytes: TraceBytes(path: path), progress: progress)
    }

    public static func load(bytes: TraceBytes, progress: ((Int, Int) -> Void)? = nil) throws(TraceError) -> Trace {
        // The reader (ordering, validation) runs on this thread; packing events into the store
        // runs on a second one, fed in batches, so the two costs overlap on a multi-core machine.
        // (That is the second core's work here: no generation is ordered ahead on it.)
        let reader = try TraceReader(bytes: bytes, orderAhead: false)
        // Events past the last Sync are kept only until we know whether the generation completes.
        let sink = StoreSink()
        let info = reader.scan(fileBytes: bytes.count, batchSize: StoreSink.batchSize, progress: progress, send: sink.send)
        let validEvents = info.validEvents
        var (store, census) = sink.finish()
        if validEvents == 0 {
            throw TraceError("failed to parse any useful part of the trace: \(info.error?.message ?? "no events")")
        }
        if validEvents < store.count {
            // Drop the events of the broken generation: re-store the valid prefix.
            let trimmed = EventStore()
            var c = store.cursor()
            let counter = CensusCounter()
            for _ in 0..<validEvents {
                if let e = c.next() {
                    trimmed.append(e)
                    withUnsafePointer(to: e) { counter.append($0, bad: 0) }
                }
            }
            store = trimmed
            census = counter.totals
        }
        return Trace(version: reader.version, tables: reader.tables, events: store, census: census, error: info.error,
                     fileBytes: bytes.count, validBytes: info.validBytes, generations: info.generations)
    }

    /// `go tool trace`'s message for a partly lost trace, or nil.
    public var lossMessage: String? {
        error == nil ? nil : Trace.lossMessage(fileBytes: fileBytes, validBytes: validBytes)
    }

    /// "Lost N% of the latest trace data due to error (X of Y)", as go tool trace words it.
    public static func lossMessage(fileBytes: Int, validBytes: Int) -> String {
        let lost = fileBytes - validBytes
        let pct = fileBytes > 0 ? Double(lost) / Double(fileBytes) * 100 : 0
        return "Lost \(WireDump.format2(pct))% of the latest trace data due to error (\(Trace.byteCount(lost)) of \(Trace.byteCount(fileBytes)))"
    }

    /// Go's `byteCount` formatting (B, KiB, MiB, GiB with one decimal).
    public static func byteCount(_ b: Int) -> String {
        switch b {
        case ..<(1 << 10): return "\(b) B"
        case ..<(1 << 20): return oneDecimal(Double(b) / 1024) + " KiB"
        case ..<(1 << 30): return oneDecimal(Double(b) / 1048576) + " MiB"
        default: return oneDecimal(Double(b) / 1073741824) + " GiB"
        }
    }

    static func oneDecimal(_ x: Double) -> String {
        let r = (x * 10).rounded(.toNearestOrEven)
        return "\(Int64(r) / 10).\(Int64(r) % 10)"
    }
}

/// Appends batches of events to an `EventStore` on a serial background queue, with at most a
/// few batches in flight so memory stays bounded.
final class StoreSink: @unchecked Sendable {
    static let batchSize = 16384
    private let queue = DispatchQueue(label: "gotrace.store")
    private let slots = DispatchSemaphore(value: 4)
    private let store = EventStore()
    private let census = CensusCounter()

    func send(_ batch: [Event]) {
        slots.wait()
        queue.async {
            for e in batch { self.store.append(e) }
            batch.withUnsafeBufferPointer { b in
                if let base = b.baseAddress { self.census.append(base, count: b.count) }
            }
            self.slots.signal()
        }
    }

    /// Waits for every batch, then hands over the store and the counts.
    func finish() -> (EventStore, EventCensus) {
        queue.sync {}
        return (store, census.totals)
    }
}

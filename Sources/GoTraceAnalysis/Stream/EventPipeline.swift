import Dispatch
import GoTrace

/// Something fed the ordered events of a trace one at a time (an analysis builder).
public protocol EventConsumer {
    mutating func add(_ ev: Event)
}

/// Runs a consumer on a serial background queue, fed in batches by the reading thread, with at
/// most a few batches in flight so memory stays bounded. Reading (decoding, ordering,
/// validation) and analysing then overlap on a multi-core machine.
///
/// Generic over the consumer so the per-event loop is a direct call.
final class PipelinedConsumer<C: EventConsumer>: @unchecked Sendable {
    private let queue: DispatchQueue
    private let slots = DispatchSemaphore(value: 4)
    // Touched only on `queue` until `finish()` has drained it.
    private var consumer: C

    init(_ consumer: C, label: String) {
        self.consumer = consumer
        queue = DispatchQueue(label: label)
    }

    func send(_ batch: [Event]) {
        slots.wait()
        queue.async {
            for e in batch { self.consumer.add(e) }
            self.slots.signal()
        }
    }

    /// Waits for every batch sent, then runs `body` on the consumer in place (no copy of its
    /// storage, which a big analysis would pay for in memory when it then mutates it).
    func finish<R>(_ body: (inout C) throws(TraceError) -> R) throws(TraceError) -> R {
        queue.sync {}
        return try body(&consumer)
    }
}

/// Streams a trace's events in batches, keeping nothing per event, and reports what it learned:
/// how far the trace read cleanly, and up to which event it is complete (its last Sync).
public enum TraceStreamer {
    static let batchSize = 8192

    /// Reads `reader` in batches of `batchSize` (see `TraceReader.scan`).
    static func scan(_ reader: TraceReader, fileBytes: Int, limit: Int?, progress: ((Int, Int) -> Void)?,
                     send: ([Event]) -> Void) -> TraceStreamInfo {
        reader.scan(fileBytes: fileBytes, limit: limit, batchSize: batchSize, progress: progress, send: send)
    }
}

extension TraceStreamer {
    /// Feeds a consumer made for the trace's tables the events a loaded trace holds, streaming
    /// (nothing kept per event): all of a clean trace; of one whose last generation is broken,
    /// those up to its last complete generation, which is known only at the end (the trace is
    /// then read a second time, into a fresh consumer). Throws what loading throws when nothing
    /// useful can be read; `info` tells what reading learned (its error, the loss message).
    public static func consumeValid<C: EventConsumer>(path: String, progress: ((Int, Int) -> Void)? = nil,
                                                      _ make: (TraceTables) -> C) throws(TraceError) -> (consumer: C, tables: TraceTables, info: TraceStreamInfo) {
        let first = try pass(path: path, keep: nil, progress: progress, make)
        let info = first.info
        if info.validEvents == 0 {
            throw TraceError("failed to parse any useful part of the trace: \(info.error?.message ?? "no events")")
        }
        if info.error == nil { return first }
        let again = try pass(path: path, keep: info.validEvents, progress: nil, make)
        return (again.consumer, again.tables, info)
    }

    /// Streams the trace at `path` into a consumer made for its tables, on this thread: the first
    /// `keep` events (a broken trace's events up to its last complete generation, as a loaded
    /// trace holds), or all of them when `keep` is nil (a reading error is then thrown).
    static func feed<C: EventConsumer>(path: String, keep: Int?, progress: ((Int, Int) -> Void)? = nil,
                                       _ make: (TraceTables) -> C) throws(TraceError) -> (C, TraceTables) {
        let r = try pass(path: path, keep: keep, progress: progress, make)
        if keep == nil, let e = r.info.error { throw e }
        return (r.consumer, r.tables)
    }

    /// One pass: the first `keep` events (all when nil) into a fresh consumer.
    static func pass<C: EventConsumer>(path: String, keep: Int?, progress: ((Int, Int) -> Void)?,
                                               _ make: (TraceTables) -> C) throws(TraceError) -> (consumer: C, tables: TraceTables, info: TraceStreamInfo) {
        let bytes = try TraceBytes(path: path)
        let reader = try TraceReader(bytes: bytes)
        var consumer = make(reader.tables)
        let info = scan(reader, fileBytes: bytes.count, limit: keep, progress: progress) { batch in
            for ev in batch { consumer.add(ev) }
        }
        return (consumer, reader.tables, info)
    }
}


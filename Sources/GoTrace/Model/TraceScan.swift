/// Streaming a whole trace in batches, and what that learns about it: how far it read cleanly,
/// and up to which event it is complete (its last Sync), which is what `go tool trace`'s views
/// keep of a trace whose last generation is broken.
extension TraceReader {
    /// Reads to the end, to the first error, or until `limit` events have been read, calling
    /// `send` with every batch of `batchSize` events (and a last, shorter one); nothing is kept.
    /// `progress(bytesRead, fileBytes)` is called now and then. The one read loop of everything
    /// that streams a trace (the loader, the timeline builder, the analyses).
    public func scan(fileBytes: Int, limit: Int? = nil, batchSize: Int, progress: ((Int, Int) -> Void)?,
                     send: ([Event]) -> Void) -> TraceStreamInfo {
        var info = TraceStreamInfo(version: version, fileBytes: fileBytes)
        // Filled in place by the batch read, sent as an array once full.
        let size = max(1, batchSize)
        let batch = UnsafeMutableBufferPointer<Event>.allocate(capacity: size)
        batch.initialize(repeating: Event(type: 0, time: 0, goroutine: noID, proc: noID, thread: noID))
        defer { batch.deallocate() }
        var filled = 0
        var n = 0
        var lastReport = 0
        while limit.map({ n < $0 }) ?? true {
            let room = min(size - filled, limit.map { $0 - n } ?? Int.max)
            let k: Int
            do {
                k = try next(into: UnsafeMutableBufferPointer(rebasing: batch[filled..<(filled + room)]))
            } catch {
                info.error = error
                break
            }
            guard k > 0 else {
                info.validEvents = n
                info.validBytes = fileBytes
                info.generations = generationsRead
                break
            }
            if n == 0 { info.firstTime = batch[filled].time }
            n += k
            filled += k
            let last = batch[filled - 1]
            info.lastTime = last.time
            // A Sync ends a batch read: the reader's position is still the one it had then.
            if last.type == Wire.syncEvent {
                info.validEvents = n
                info.validBytes = bytesRead
                info.generations = generationsRead
                info.validLastTime = last.time
            }
            if filled == size {
                send(Array(batch))
                filled = 0
            }
            if let progress, bytesRead - lastReport >= 16 << 20 {
                lastReport = bytesRead
                progress(bytesRead, fileBytes)
            }
        }
        if filled > 0 { send(Array(batch[0..<filled])) }
        info.eventsRead = n
        if limit != nil { info.validEvents = n }
        if info.error == nil { info.validLastTime = info.lastTime }
        return info
    }
}

/// What streaming a trace learned about it.
public struct TraceStreamInfo: Sendable {
    public var version: TraceVersion
    public var fileBytes: Int
    /// Bytes and events up to the end of the last complete generation (the whole trace when it
    /// read cleanly): what `go tool trace`'s views keep.
    public var validBytes = 0
    public var validEvents = 0
    public var generations = 0
    /// Events read in all, including those of a broken last generation.
    public var eventsRead = 0
    public var error: TraceError?
    /// Times of the first and last events read.
    public var firstTime: Int64 = 0
    public var lastTime: Int64 = 0
    /// Time of the last event kept (the last Sync of a broken trace, else `lastTime`).
    public var validLastTime: Int64 = 0

    init(version: TraceVersion, fileBytes: Int) {
        self.version = version
        self.fileBytes = fileBytes
    }

    /// `go tool trace`'s message for a partly lost trace, or nil.
    public var lossMessage: String? {
        error == nil ? nil : Trace.lossMessage(fileBytes: fileBytes, validBytes: validBytes)
    }
}

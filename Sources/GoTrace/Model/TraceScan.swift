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
        var batch: [Event] = []
        batch.reserveCapacity(batchSize)
        var n = 0
        var lastReport = 0
        var ev = Event(type: 0, time: 0, goroutine: noID, proc: noID, thread: noID)
        while limit.map({ n < $0 }) ?? true {
            let more: Bool
            do {
                more = try next(into: &ev)
            } catch {
                info.error = error
                break
            }
            guard more else {
                info.validEvents = n
                info.validBytes = fileBytes
                info.generations = generationsRead
                break
            }
            if n == 0 { info.firstTime = ev.time }
            info.lastTime = ev.time
            batch.append(ev)
            n += 1
            if batch.count == batchSize {
                send(batch)
                batch.removeAll(keepingCapacity: true)
            }
            if ev.type == Wire.syncEvent {
                info.validEvents = n
                info.validBytes = bytesRead
                info.generations = generationsRead
                info.validLastTime = ev.time
            }
            if let progress, n & 0xffff == 0, bytesRead - lastReport >= 16 << 20 {
                lastReport = bytesRead
                progress(bytesRead, fileBytes)
            }
        }
        if !batch.isEmpty { send(batch) }
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

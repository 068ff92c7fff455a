extension TraceSummary {
    /// Reads the whole trace with full ordering and validation and summarises it as
    /// `TraceSummary(Trace.load(...))` would, but without keeping the events (`residentBytes` is
    /// nil). A generation ordered ahead on the second core is counted there, not handed over to
    /// this thread, so the two cores share the ordering itself. Follows the loader's policy for a
    /// broken trace (counts up to the last Sync; the error and the bytes lost are recorded), and
    /// throws only when nothing useful could be read. `progress(bytesRead, fileBytes)` is called
    /// now and then.
    public static func stream(bytes: TraceBytes, progress: ((Int, Int) -> Void)? = nil) throws(TraceError) -> TraceSummary {
        try stream(TraceReader(bytes: bytes), fileBytes: bytes.count, progress: progress)
    }

    /// `stream` with a reader of the caller's (new: nothing read yet; tests and the fuzz target
    /// set it up first).
    @_spi(Testing) public static func stream(_ reader: TraceReader, fileBytes: Int, progress: ((Int, Int) -> Void)? = nil) throws(TraceError) -> TraceSummary {
        let adopted = reader.countAheadInPlace()
        // Up to the last Sync, and since then.
        let kept = CensusCounter(), pending = CensusCounter()
        var info = TraceStreamInfo(version: reader.version, fileBytes: fileBytes)
        let size = 512
        let batch = UnsafeMutableBufferPointer<Event>.allocate(capacity: size)
        batch.initialize(repeating: Event(type: 0, time: 0, goroutine: noID, proc: noID, thread: noID))
        defer { batch.deallocate() }
        guard let base = batch.baseAddress else { throw TraceError("no memory") }
        var lastReport = 0
        while true {
            let k: Int
            do {
                k = try reader.next(into: batch)
            } catch {
                info.error = error
                break
            }
            guard k > 0 else {
                info.validBytes = fileBytes
                info.generations = reader.generationsRead
                break
            }
            pending.append(base, count: k)
            // A Sync ends a batch read, and the generations counted ahead before it are in
            // `adopted` by then.
            if batch[k - 1].type == Wire.syncEvent {
                if let adopted {
                    kept.merge(adopted, times: false)
                    adopted.reset()
                }
                kept.merge(pending, times: true)
                pending.reset()
                info.validBytes = reader.bytesRead
                info.generations = reader.generationsRead
            }
            if let progress, reader.bytesRead - lastReport >= 16 << 20 {
                lastReport = reader.bytesRead
                progress(reader.bytesRead, fileBytes)
            }
        }
        if info.error == nil {
            // (A clean read ends with a Sync: nothing is left here but for a v1 trace's tail.)
            if let adopted { kept.merge(adopted, times: false) }
            kept.merge(pending, times: true)
        }
        if kept.events == 0 {
            throw TraceError("failed to parse any useful part of the trace: \(info.error?.message ?? "no events")")
        }
        info.validEvents = kept.events
        return TraceSummary(version: reader.version, census: kept.totals, tables: reader.tableCountsRead, fileBytes: fileBytes,
                            validBytes: info.validBytes, generations: info.generations, residentBytes: nil,
                            error: info.error, lossMessage: info.lossMessage)
    }
}

/// A per-M cursor over the event batches of the current generation (Go's `batchCursor`).
struct BatchCursor {
    var mIndex: Int
    var m: Int64
    var batchIdx = 0
    var dataOff = 0
    var lastTs: Int64 = 0
    var ev = RawEvent()
}

/// Streams the ordered events of a Go 1.22+ trace, generation by generation, exactly as Go's
/// `trace.Reader` does (same order, same times, same errors at the same point).
final class V2Reader {
    let buffer: UnsafeRawBufferPointer
    let minor: Int
    let tables: TraceTables
    var genReader: GenerationReader
    var gen: Generation?
    var hadGen = false
    var frontier: [BatchCursor] = []
    var cpuIdx = 0
    var ordering = Ordering()
    var lastTs: Int64 = 0
    var syncs = 0
    var done = false
    var readGenErr: TraceError?
    var spill: GenerationReader.Spill?
    var spillErr: TraceError?
    var spillErrSync = false
    /// File offset up to which generations have been read (what `go tool trace` calls bytes read).
    var bytesRead: Int { genReader.pos }
    /// Generations read so far.
    var generations = 0

    init(buffer: UnsafeRawBufferPointer, minor: Int, tables: TraceTables) {
        self.buffer = buffer
        self.minor = minor
        self.tables = tables
        genReader = GenerationReader(buffer: buffer, minor: minor, tables: tables)
    }

    /// The first error returned; every later call returns it again.
    var failure: TraceError?

    /// The next event, nil at the end of the trace.
    func next() throws(TraceError) -> Event? {
        if let failure { throw failure }
        if done { return nil }
        do {
            guard let (e, bad) = try step() else { return nil }
            var ev = e
            if bad != 0 { try validateTableIDs(ev, bad) }
            if ev.time <= lastTs { ev.time = lastTs + 1 }
            lastTs = ev.time
            return ev
        } catch {
            failure = error
            throw error
        }
    }

    /// Go's `validateTableIDs`, on the IDs we could not resolve when decoding.
    private func validateTableIDs(_ ev: Event, _ bad: UInt8) throws(TraceError) {
        let spec = Wire.specs[Int(ev.type)]
        for i in spec.stackArgs where bad & (1 << i) != 0 {
            throw located(TraceError("found invalid stack ID \(ev.arg(i)) for event \(spec.name)"))
        }
        for i in spec.stringArgs where bad & (1 << i) != 0 {
            throw located(TraceError("found invalid string ID \(ev.arg(i)) for event \(spec.name)"))
        }
    }

    private func located(_ e: TraceError) -> TraceError {
        e.located(generation: gen?.number)
    }

    private func syncEvent(time: Int64, snapshot: Int = 0, generation: UInt64 = 0) -> (Event, UInt8) {
        syncs += 1
        return (Event(type: Wire.syncEvent, time: time, goroutine: noID, proc: noID, thread: noID,
                      a0: UInt64(syncs), a1: UInt64(snapshot), a2: generation), 0)
    }

    private func step() throws(TraceError) -> (Event, UInt8)? {
        if let e = ordering.pop() { return e }
        let samplesLeft = gen.map { cpuIdx < $0.cpuSamples.count } ?? false
        if frontier.isEmpty && !samplesLeft {
            if minor < 26 { return try nextGenWithSpill() }
            if let e = readGenErr { throw e }
            let g: Generation?
            do {
                g = try genReader.readGeneration()
            } catch {
                readGenErr = error
                gen = nil
                return syncEvent(time: lastTs)
            }
            return try installGen(g)
        }
        if let g = gen, cpuIdx < g.cpuSamples.count, frontier.isEmpty || g.cpuSamples[cpuIdx].time < frontier[0].ev.time {
            let s = g.cpuSamples[cpuIdx]
            cpuIdx += 1
            return (Event(type: Wire.cpuSample, time: s.time, goroutine: s.g, proc: s.p, thread: s.m, a0: UInt64(s.stack)), 0)
        }
        guard !frontier.isEmpty, let g = gen else {
            throw located(TraceError("broken trace: frontier is empty"))
        }
        if try !tryAdvance(0, g) {
            frontier.sort { $0.ev.time < $1.ev.time }
            var advanced = false
            var i = 1
            while i < frontier.count {
                if try tryAdvance(i, g) {
                    advanced = true
                    break
                }
                i += 1
            }
            if !advanced {
                throw located(TraceError("broken trace: failed to advance: frontier:\n[gen=\(g.number)]\n\n" + frontierDump()))
            }
        }
        guard let e = ordering.pop() else { throw located(TraceError("internal error: no event after advance")) }
        return e
    }

    private func frontierDump() -> String {
        var s = ""
        for c in frontier {
            let spec = Wire.specs[Int(c.ev.type)]
            s += "M \(c.m) [\(spec.name) time=\(c.ev.time)"
            for (k, name) in spec.args.dropFirst().enumerated() { s += " \(name)=\(c.ev.arg(k))" }
            s += "]\n"
        }
        return s
    }

    private func tryAdvance(_ i: Int, _ g: Generation) throws(TraceError) -> Bool {
        var ev = frontier[i].ev
        let ok: Bool
        do {
            ok = try ordering.advance(&ev, m: frontier[i].m, gen: g.number)
        } catch {
            throw located(error)
        }
        if !ok { return false }
        if try decodeNext(&frontier[i], g) {
            heapUpdate(i)
        } else {
            heapRemove(i)
        }
        return true
    }

    // MARK: Generations

    private func installGen(_ g: Generation?) throws(TraceError) -> (Event, UInt8) {
        guard let g else {
            gen = nil
            done = true
            return syncEvent(time: lastTs)
        }
        generations += 1
        hadGen = true
        gen = g
        frontier.removeAll(keepingCapacity: true)
        cpuIdx = 0
        for (k, m) in g.batchMs.enumerated() {
            var c = BatchCursor(mIndex: k, m: Int64(bitPattern: m))
            if try decodeNext(&c, g) { heapInsert(c) }
        }
        var snapshot = 0
        if let c = g.clock {
            tables.clockSnapshots.append(ClockSnapshot(trace: g.mul(c.time), mono: c.mono, wallSeconds: c.sec, wallNanoseconds: c.nsec))
            snapshot = tables.clockSnapshots.count
        }
        return syncEvent(time: g.mul(g.minTs), snapshot: snapshot, generation: g.number)
    }

    private func nextGenWithSpill() throws(TraceError) -> (Event, UInt8) {
        if let e = spillErr {
            if spillErrSync { throw e }
            spillErrSync = true
            return syncEvent(time: lastTs)
        }
        if hadGen && spill == nil {
            done = true
            return syncEvent(time: lastTs)
        }
        let g: Generation
        do {
            let (gg, s, e) = try genReader.readGenerationWithSpill(spill)
            g = gg
            spill = s
            spillErr = e
        } catch {
            gen = nil
            spillErr = error
            spillErrSync = true
            return syncEvent(time: lastTs)
        }
        return try installGen(g)
    }

    // MARK: Decoding

    /// Decodes the next event of cursor `c` (Go's `batchCursor.nextEvent`). False when the M has no more.
    @inline(__always)
    private func decodeNext(_ c: inout BatchCursor, _ g: Generation) throws(TraceError) -> Bool {
        let list = g.batches[c.mIndex]
        while c.batchIdx < list.count && list[c.batchIdx].size == c.dataOff {
            c.batchIdx += 1
            c.dataOff = 0
            c.lastTs = 0
        }
        if c.batchIdx == list.count { return false }
        let b = list[c.batchIdx]
        if c.lastTs == 0 { c.lastTs = g.mul(b.time) }
        var cur = ByteCursor(buffer, from: b.dataStart + c.dataOff, to: b.dataStart + b.size)
        let at = cur.pos
        let typ = cur.readByte() ?? 0
        if typ >= Wire.maxExperimental {
            throw TraceError("found invalid event type: \(typ)", offset: at, generation: g.number, batchOffset: b.headerOffset)
        }
        guard Wire.isTimed[Int(typ)] else {
            throw TraceError("found event without a timestamp: type=\(typ)", offset: at, generation: g.number, batchOffset: b.headerOffset)
        }
        guard let dt = cur.readUvarint() else {
            throw TraceError("found invalid uvarint for timestamp", offset: at, generation: g.number, batchOffset: b.headerOffset)
        }
        var ev = RawEvent()
        ev.type = typ
        let n = Int(Wire.timedArgCounts[Int(typ)])
        var i = 0
        while i < n {
            guard let v = cur.readUvarint() else {
                throw TraceError("found invalid uvarint", offset: at, generation: g.number, batchOffset: b.headerOffset)
            }
            switch i {
            case 0: ev.a0 = v
            case 1: ev.a1 = v
            case 2: ev.a2 = v
            default: ev.a3 = v
            }
            i += 1
        }
        // Resolve string and stack IDs to global ones.
        let spec = Wire.specs[Int(typ)]
        if !spec.stackArgs.isEmpty || !spec.stringArgs.isEmpty {
            for k in spec.stackArgs {
                let local = ev.arg(k)
                if let gid = g.stacks.lookup(local) { ev.setArg(k, UInt64(gid)) } else { ev.badMask |= 1 << k }
            }
            for k in spec.stringArgs {
                let local = ev.arg(k)
                if let gid = g.strings.lookup(local) { ev.setArg(k, UInt64(gid)) } else { ev.badMask |= 1 << k }
            }
        }
        ev.time = g.mul(dt) &+ c.lastTs
        c.lastTs = ev.time
        c.dataOff = cur.pos - b.dataStart
        c.ev = ev
        return true
    }

    // MARK: Heap (Go's exact binary heap, so that ties resolve the same way)

    private func heapInsert(_ c: BatchCursor) {
        frontier.append(c)
        _ = siftUp(frontier.count - 1)
    }

    private func heapUpdate(_ i: Int) {
        if siftUp(i) != i { return }
        siftDown(i)
    }

    private func heapRemove(_ i: Int) {
        var i = i
        while i > 0 {
            frontier.swapAt((i - 1) / 2, i)
            i = (i - 1) / 2
        }
        frontier.swapAt(0, frontier.count - 1)
        frontier.removeLast()
        siftDown(0)
    }

    private func siftUp(_ i: Int) -> Int {
        var i = i
        while i > 0 && frontier[(i - 1) / 2].ev.time > frontier[i].ev.time {
            frontier.swapAt((i - 1) / 2, i)
            i = (i - 1) / 2
        }
        return i
    }

    private func siftDown(_ i: Int) {
        var i = i
        let n = frontier.count
        while true {
            var m = i
            var minT = i < n ? frontier[i].ev.time : Int64.max
            let l = 2 * i + 1, r = 2 * i + 2
            if l < n, frontier[l].ev.time < minT { minT = frontier[l].ev.time; m = l }
            if r < n, frontier[r].ev.time < minT { m = r }
            if m == i { return }
            frontier.swapAt(i, m)
            i = m
        }
    }
}

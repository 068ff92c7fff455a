/// A batch header, pointing into the mapped file.
struct BatchRef {
    var m: UInt64
    var time: UInt64
    /// File offset of the first payload byte.
    var dataStart: Int
    var size: Int
    /// File offset of the batch header (for error locations).
    var headerOffset: Int
}

/// A CPU sample, already converted to nanoseconds and global stack IDs.
struct CPUSampleRecord {
    var time: Int64
    var m: Int64
    var p: Int64
    var g: Int64
    var stack: UInt32
}

/// Maps a generation's own string or stack IDs to global IDs.
///
/// IDs are usually dense and small, so a flat array serves them; anything sparse falls back to
/// a dictionary. `UInt32.max` marks "not defined". A class, so that lookups from the hot
/// decoder never copy (and reference-count) its storage.
final class IDMap {
    private var dense: [UInt32] = []
    private var sparse: [UInt64: UInt32] = [:]
    static let missing = UInt32.max

    @inline(__always)
    func lookup(_ id: UInt64) -> UInt32? {
        if id == 0 { return 0 }
        if id < UInt64(dense.count) {
            let v = dense[Int(id)]
            return v == IDMap.missing ? nil : v
        }
        return sparse[id]
    }

    func contains(_ id: UInt64) -> Bool { lookup(id) != nil }

    func set(_ id: UInt64, _ value: UInt32) {
        if id < 1 << 20 {
            if id >= UInt64(dense.count) {
                dense.append(contentsOf: repeatElement(IDMap.missing, count: Int(id) + 1 - dense.count))
            }
            dense[Int(id)] = value
        } else {
            sparse[id] = value
        }
    }
}

/// One v2 generation, read and validated, ready to be ordered. A class: it is shared, never
/// copied, while its events are ordered.
final class Generation {
    var number: UInt64 = 0
    /// Event batches per M, Ms in order of first appearance.
    var batchMs: [UInt64] = []
    var batches: [[BatchRef]] = []
    var mIndex: [UInt64: Int] = [:]
    var cpuSamples: [CPUSampleRecord] = []
    var minTs: UInt64 = 0
    var nsPerTick: Double = 0
    var hasFrequency = false
    var clock: (time: UInt64, mono: UInt64, sec: UInt64, nsec: UInt64)?
    let strings = IDMap()
    let stacks = IDMap()
    var experimentalBatchCount = 0

    /// Ticks to nanoseconds at this generation's rate (each conversion truncates separately).
    @inline(__always)
    func mul(_ t: UInt64) -> Int64 { Generation.nanoseconds(t, nsPerTick) }

    /// Go's `frequency.mul`: ticks to nanoseconds through a double (the same rounding). A product
    /// out of int64's range (or NaN, with a zero frequency) gives Int64.min, as Go's conversion
    /// does on amd64 (where the reference output comes from), instead of trapping. (Shared with
    /// the reader's per-event decoder, which holds the tick rate itself.)
    @inline(__always) static func nanoseconds(_ t: UInt64, _ nsPerTick: Double) -> Int64 {
        // Below 2^63 a signed conversion gives the same double, without the unsigned fix-up.
        let d = (t >> 63 == 0 ? Double(Int64(bitPattern: t)) : Double(t)) * nsPerTick
        guard d < 9_223_372_036_854_775_808.0, d >= -9_223_372_036_854_775_808.0 else { return Int64.min }
        return Int64(d)
    }

    /// For a whole `nsPerTick` n in 1...2^20: (n, 2^32). Below 2^32 ticks the double product is
    /// below 2^52, so exact, and `nanoseconds` gives t * n. Otherwise (0, 0): no exact shortcut.
    static func exactTicks(_ nsPerTick: Double) -> (ns: UInt64, below: UInt64) {
        guard nsPerTick >= 1, nsPerTick <= 1_048_576, nsPerTick.rounded(.towardZero) == nsPerTick else { return (0, 0) }
        return (UInt64(nsPerTick), 1 << 32)
    }
}

/// Reads generations from the file, building their tables into the shared `TraceTables`.
struct GenerationReader {
    let buffer: UnsafeRawBufferPointer
    let minor: Int
    let tables: TraceTables
    /// Next unread file offset.
    var pos: Int = 16
    /// File offset of the first batch of the generation read last: everything before it
    /// belongs to finished generations.
    var lastGenerationStart = 16

    init(buffer: UnsafeRawBufferPointer, minor: Int, tables: TraceTables) {
        self.buffer = buffer
        self.minor = minor
        self.tables = tables
    }

    enum BatchResult {
        case eof
        case endOfGeneration
        case batch(BatchRef, gen: UInt64, exp: UInt8)
    }

    /// Reads one batch header and skips its payload (Go's `readBatch`).
    mutating func readBatch() throws(TraceError) -> BatchResult {
        var c = ByteCursor(buffer, from: pos)
        let start = pos
        guard let b = c.readByte() else { return .eof }
        if b == Wire.endOfGeneration {
            pos = c.pos
            return .endOfGeneration
        }
        guard b == Wire.eventBatch || b == Wire.experimentalBatch else {
            throw TraceError("expected batch event, got event \(b)", offset: start)
        }
        var exp: UInt8 = 0
        if b == Wire.experimentalBatch {
            guard let e = c.readByte() else { throw TraceError("EOF", offset: c.pos) }
            exp = e
        }
        func field(_ what: String, _ c: inout ByteCursor) throws(TraceError) -> UInt64 {
            let at = c.pos
            guard let v = c.readUvarint() else {
                let why = c.pos >= c.end ? (at == c.end ? "EOF" : "unexpected EOF") : "binary: varint overflows a 64-bit integer"
                throw TraceError("error reading batch \(what): \(why)", offset: at, batchOffset: start)
            }
            return v
        }
        let gen = try field("gen", &c)
        let m = try field("M ID", &c)
        let ts = try field("timestamp", &c)
        let size = try field("size", &c)
        if size > UInt64(Wire.maxBatchSize) {
            throw TraceError("invalid batch size \(size), maximum is \(Wire.maxBatchSize)", offset: c.pos, generation: gen, batchOffset: start)
        }
        let n = Int(size)
        if c.remaining < n {
            throw TraceError("failed to read full batch: read \(c.remaining) but wanted \(n)", offset: c.pos, generation: gen, batchOffset: start)
        }
        let ref = BatchRef(m: m, time: ts, dataStart: c.pos, size: n, headerOffset: start)
        pos = c.pos + n
        return .batch(ref, gen: gen, exp: exp)
    }

    /// Pending per-generation tables, resolved once all batches are read.
    struct PendingTables {
        var strings: [(id: UInt64, start: Int, count: Int)] = []
        var stringIndex: [UInt64: Int] = [:]
        var stacks: [(id: UInt64, pcs: [UInt64])] = []
        var stackIndex: [UInt64: Int] = [:]
        var pcs: [UInt64: (funcID: UInt64, fileID: UInt64, line: UInt64)] = [:]
        var rawSamples: [(time: UInt64, m: UInt64, p: UInt64, g: UInt64, stack: UInt64)] = []
    }

    func byte(at i: Int) -> UInt8 { buffer.load(fromByteOffset: i, as: UInt8.self) }

    /// Bytes of the file as text (lossy), for error messages.
    func text(_ start: Int, _ count: Int) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: buffer[start..<(start + count)]), as: UTF8.self)
    }

    func isSyncBatch(_ b: BatchRef) -> Bool {
        guard b.size > 0 else { return false }
        let f = byte(at: b.dataStart)
        return (f == Wire.frequency && minor < 25) || (f == Wire.sync && minor >= 25)
    }

    /// Go's `processBatch`.
    func process(_ b: BatchRef, exp: UInt8, into g: Generation, _ t: inout PendingTables) throws(TraceError) {
        if exp != 0 {
            g.experimentalBatchCount += 1
            return
        }
        let first: UInt8? = b.size > 0 ? byte(at: b.dataStart) : nil
        do throws(TraceError) {
            switch first {
            case Wire.strings: try addStrings(b, &t)
            case Wire.stacks: try addStacks(b, &t)
            case Wire.cpuSamples: try addCPUSamples(b, &t)
            case _ where isSyncBatch(b): try setSync(b, g)
            case Wire.endOfGeneration:
                throw TraceError("internal error: unexpectedly processing EndOfGeneration; broken trace?")
            default:
                if let i = g.mIndex[b.m] {
                    g.batches[i].append(b)
                } else {
                    g.mIndex[b.m] = g.batches.count
                    g.batchMs.append(b.m)
                    g.batches.append([b])
                }
            }
        } catch {
            throw error.located(generation: g.number, batchOffset: b.headerOffset)
        }
    }

    private func uvarint(_ c: inout ByteCursor) throws(TraceError) -> UInt64 {
        let at = c.pos
        guard let v = c.readUvarint() else {
            // Like Go's binary.ReadUvarint: a plain EOF when no byte was left at all.
            let why = c.pos >= c.end ? (at == c.end ? "EOF" : "unexpected EOF") : "binary: varint overflows a 64-bit integer"
            throw TraceError(why, offset: at)
        }
        return v
    }

    func addStrings(_ b: BatchRef, _ t: inout PendingTables) throws(TraceError) {
        var c = ByteCursor(buffer, from: b.dataStart + 1, to: b.dataStart + b.size)
        while !c.isAtEnd {
            let at = c.pos
            let ev = c.readByte() ?? 0
            guard ev == Wire.string else { throw TraceError("expected string event, got \(ev)", offset: at) }
            let id = try uvarint(&c)
            let len = try uvarint(&c)
            guard len <= UInt64(Wire.maxStringSize) else {
                throw TraceError("invalid string size \(len), maximum is \(Wire.maxStringSize)", offset: at)
            }
            let n = Int(len)
            let start = c.pos
            guard c.readBytes(n) != nil else {
                throw TraceError("failed to read full string: read \(c.remaining) but wanted \(n)", offset: start)
            }
            if id == 0 || t.stringIndex[id] != nil {
                let existing = t.stringIndex[id].map { text(t.strings[$0].start, t.strings[$0].count) } ?? ""
                throw TraceError("multiple strings with the same ID: id=\(id), new=\(text(start, n)), existing=\(existing)", offset: at)
            }
            t.stringIndex[id] = t.strings.count
            t.strings.append((id, start, n))
        }
    }

    func addStacks(_ b: BatchRef, _ t: inout PendingTables) throws(TraceError) {
        var c = ByteCursor(buffer, from: b.dataStart + 1, to: b.dataStart + b.size)
        while !c.isAtEnd {
            let at = c.pos
            let ev = c.readByte() ?? 0
            guard ev == Wire.stack else { throw TraceError("expected stack event, got \(ev)", offset: at) }
            let id = try uvarint(&c)
            let n = try uvarint(&c)
            guard n <= UInt64(Wire.maxFramesPerStack) else {
                throw TraceError("invalid stack size \(n), maximum is \(Wire.maxFramesPerStack)", offset: at)
            }
            var pcs: [UInt64] = []
            pcs.reserveCapacity(Int(n))
            for i in 0..<Int(n) {
                func frameField(_ what: String) throws(TraceError) -> UInt64 {
                    do { return try uvarint(&c) } catch {
                        throw TraceError("reading frame \(i + 1)'s \(what) for stack \(id): \(error.message)", offset: error.offset)
                    }
                }
                let pc = try frameField("PC")
                let fn = try frameField("funcID")
                let file = try frameField("fileID")
                let line = try frameField("line")
                pcs.append(pc)
                if t.pcs[pc] == nil { t.pcs[pc] = (fn, file, line) }
            }
            if id == 0 || t.stackIndex[id] != nil {
                func show(_ pcs: [UInt64]) -> String { pcs.map { "\t0x\(String($0, radix: 16))\n" }.joined() }
                let existing = t.stackIndex[id].map { show(t.stacks[$0].pcs) } ?? ""
                throw TraceError("multiple trace.stacks with the same ID: id=\(id), new=\(show(pcs)), existing=\(existing)", offset: at)
            }
            t.stackIndex[id] = t.stacks.count
            t.stacks.append((id, pcs))
        }
    }

    func addCPUSamples(_ b: BatchRef, _ t: inout PendingTables) throws(TraceError) {
        var c = ByteCursor(buffer, from: b.dataStart + 1, to: b.dataStart + b.size)
        while !c.isAtEnd {
            let at = c.pos
            let ev = c.readByte() ?? 0
            guard ev == Wire.cpuSample else { throw TraceError("expected CPU sample event, got \(ev)", offset: at) }
            let ts = try uvarint(&c)
            let m = try uvarint(&c)
            let p = try uvarint(&c)
            let g = try uvarint(&c)
            let s = try uvarint(&c)
            t.rawSamples.append((ts, m, p, g, s))
        }
    }

    func setSync(_ b: BatchRef, _ g: Generation) throws(TraceError) {
        var c = ByteCursor(buffer, from: b.dataStart, to: b.dataStart + b.size)
        if minor >= 25 {
            guard c.readByte() == Wire.sync else { throw TraceError("missing sync batch header", offset: b.dataStart) }
        }
        var lastTs = b.time
        while !c.isAtEnd {
            let at = c.pos
            let ev = c.readByte() ?? 0
            if ev == Wire.frequency {
                if g.hasFrequency { throw TraceError("found multiple frequency events", offset: at) }
                let f = try uvarint(&c)
                g.hasFrequency = true
                g.nsPerTick = 1.0 / (Double(f) / 1e9)
            } else if ev == Wire.clockSnapshot && minor >= 25 {
                if g.clock != nil { throw TraceError("found multiple clock snapshot events", offset: at) }
                let dt = try uvarint(&c)
                lastTs = lastTs &+ dt
                let mono = try uvarint(&c)
                let sec = try uvarint(&c)
                let nsec = try uvarint(&c)
                g.clock = (lastTs, mono, sec, nsec)
            } else {
                throw TraceError("expected frequency or clock snapshot event, got \(ev)", offset: at)
            }
        }
    }

    /// After all batches: checks and interns the tables, converts CPU samples (Go's tail of
    /// `readGeneration`).
    func finish(_ g: Generation, _ t: PendingTables) throws(TraceError) {
        if !g.hasFrequency { throw TraceError("no frequency event found", generation: g.number) }
        if minor >= 25 && g.clock == nil { throw TraceError("no clock snapshot event found", generation: g.number) }
        // Strings.
        for s in t.strings {
            g.strings.set(s.id, tables.intern(bytes: UnsafeRawBufferPointer(rebasing: buffer[s.start..<(s.start + s.count)])))
        }
        // Stacks: Go validates in ascending stack ID order.
        let sorted = t.stacks.sorted { $0.id < $1.id }
        for s in sorted {
            var ids: [UInt32] = []
            ids.reserveCapacity(s.pcs.count)
            for pc in s.pcs {
                guard let f = t.pcs[pc] else {
                    throw TraceError("found unknown pc \(String(pc, radix: 16)) for stack \(s.id)", generation: g.number)
                }
                guard let fn = g.strings.lookup(f.funcID) else {
                    throw TraceError("found invalid func string ID \(f.funcID) for stack \(s.id)", generation: g.number)
                }
                guard let file = g.strings.lookup(f.fileID) else {
                    throw TraceError("found invalid file string ID \(f.fileID) for stack \(s.id)", generation: g.number)
                }
                ids.append(tables.intern(frame: StackFrame(pc: pc, funcID: fn, fileID: file, line: f.line)))
            }
            g.stacks.set(s.id, tables.intern(stackFrameIDs: ids))
        }
        // CPU samples: converted, then ordered by time (stable).
        var samples: [CPUSampleRecord] = []
        samples.reserveCapacity(t.rawSamples.count)
        for r in t.rawSamples {
            samples.append(CPUSampleRecord(
                time: g.mul(r.time), m: Int64(bitPattern: r.m), p: Int64(bitPattern: r.p),
                g: r.g == 0 ? noID : Int64(bitPattern: r.g), stack: g.stacks.lookup(r.stack) ?? 0))
        }
        if !samples.isEmpty {
            let idx = samples.indices.sorted { (samples[$0].time, $0) < (samples[$1].time, $1) }
            g.cpuSamples = idx.map { samples[$0] }
        }
    }

    /// Reads one Go 1.26+ generation (terminated by EndOfGeneration). nil at a clean EOF.
    mutating func readGeneration() throws(TraceError) -> Generation? {
        let g = Generation()
        var t = PendingTables()
        var any = false
        let genStart = pos
        lastGenerationStart = pos
        while true {
            let r = try readBatch()
            switch r {
            case .eof:
                if any {
                    throw TraceError("incomplete generation found; trace likely truncated", offset: pos,
                                     generation: g.number, batchOffset: genStart)
                }
                return nil
            case .endOfGeneration:
                if !any {
                    // Go reads it as a batch of generation 0 that ends an empty generation.
                }
                try finish(g, t)
                return g
            case .batch(let b, let gen, let exp):
                if g.number == 0 { g.number = gen }
                any = true
                if b.size > 0 && exp == 0 && byte(at: b.dataStart) == Wire.endOfGeneration {
                    try finish(g, t)
                    return g
                }
                if gen == 0 { throw TraceError("invalid generation number 0", offset: b.headerOffset) }
                if gen != g.number {
                    throw TraceError("broken trace: missing end-of-generation event, or generations are interleaved",
                                     offset: b.headerOffset, generation: g.number)
                }
                if g.minTs == 0 || b.time < g.minTs { g.minTs = b.time }
                try process(b, exp: exp, into: g, &t)
            }
        }
    }

    struct Spill {
        var batch: BatchRef
        var gen: UInt64
        var exp: UInt8
    }

    /// Reads one Go 1.22–1.25 generation: up to the first batch of the next one (the spill).
    /// A read error after at least one good batch is returned alongside the partial generation.
    mutating func readGenerationWithSpill(_ spill: Spill?) throws(TraceError) -> (Generation, Spill?, TraceError?) {
        lastGenerationStart = spill?.batch.headerOffset ?? pos
        let g = Generation()
        var t = PendingTables()
        if let spill {
            g.number = spill.gen
            g.minTs = spill.batch.time
            try process(spill.batch, exp: spill.exp, into: g, &t)
        }
        var nextSpill: Spill?
        var spillErr: TraceError?
        loop: while true {
            let r: BatchResult
            do { r = try readBatch() } catch {
                if g.number != 0 {
                    spillErr = error
                    break loop
                }
                throw error
            }
            switch r {
            case .eof: break loop
            case .endOfGeneration:
                throw TraceError("invalid generation number 0", offset: pos - 1)
            case .batch(let b, let gen, let exp):
                if gen == 0 { throw TraceError("invalid generation number 0", offset: b.headerOffset) }
                if g.number == 0 { g.number = gen }
                if gen == g.number &+ 1 {
                    nextSpill = Spill(batch: b, gen: gen, exp: exp)
                    break loop
                }
                if gen != g.number { throw TraceError("generations out of order", offset: b.headerOffset, generation: g.number) }
                if g.minTs == 0 || b.time < g.minTs { g.minTs = b.time }
                try process(b, exp: exp, into: g, &t)
            }
        }
        try finish(g, t)
        return (g, nextSpill, spillErr)
    }
}

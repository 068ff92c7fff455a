/// The memory chunks of packed events, shared by the second core's runs (which take them as
/// they write) and the stream (which gives each back as soon as it has read past it): the
/// generations in flight then hold about one generation's worth between them, not two or three
/// (a Go 1.25 generation of a busy program packs to some 50–70 MB).
final class ChunkPool: Sendable {
    /// A chunk's address (only ever used by one thread at a time: the pool hands it over).
    struct Chunk: @unchecked Sendable { let base: UnsafeMutablePointer<UInt8> }
    private let free = Locked<[Chunk]>([])

    deinit { free.withLock { for c in $0 { c.base.deallocate() } } }

    func take() -> UnsafeMutablePointer<UInt8> {
        if let c = free.withLock({ $0.popLast() }) { return c.base }
        return UnsafeMutablePointer<UInt8>.allocate(capacity: PackedEvents.chunkSize)
    }

    func give(_ p: UnsafeMutablePointer<UInt8>) {
        let c = Chunk(base: p)
        free.withLock { $0.append(c) }
    }

    /// Chunks waiting to be taken (for tests).
    var idle: Int { free.withLock { $0.count } }
}

/// Events of a generation ordered ahead on the second core, packed until the stream gets to
/// them (about 11 bytes an event on the benchmark traces instead of an `Event`'s 72; see `append`).
/// Held as full events, the memory traffic of writing and reading them back cost about as much
/// as ordering them. Written once by the run, then read once in order by the stream, which
/// gives each chunk back to the pool once past it.
final class PackedEvents {
    static let chunkSize = 4 << 20
    /// Bytes before an event's values: its type, eight 3-bit size codes and its length.
    static let headerBytes = 5
    /// Largest encoding of one event (header and eight 8-byte values), plus the slack of the
    /// last value's 8-byte store and load.
    static let maxEventBytes = headerBytes + 8 * 8 + 8

    let pool: ChunkPool
    /// The chunks written, nil once given back.
    fileprivate var chunks: [UnsafeMutablePointer<UInt8>?] = []
    /// Events in each chunk written (the reader then needs no end-of-chunk test per event).
    fileprivate var counts: [Int] = []
    private(set) var count = 0
    /// The events with IDs their generation does not define (index, bad-argument mask), in
    /// order: so rare (an error follows) that a byte per event for them is not worth its cost.
    private(set) var badIDs: [(index: Int, mask: UInt8)] = []
    /// Chunks written (for tests).
    var chunkCount: Int { chunks.count }

    /// The count when the chunk being written was started.
    private var wChunkStart = 0
    /// The chunk being written (held directly: no array access per event).
    private var wBase: UnsafeMutableRawPointer?
    private var wPos = PackedEvents.chunkSize
    /// The last event's time and context (the deltas' base).
    private var wTime: Int64 = 0
    private var wThread = noID
    private var wProc = noID
    private var wGoroutine = noID
    private let codeTables = PackedEvents.codeTables
    private let halves = PackedEvents.halves

    init(pool: ChunkPool) { self.pool = pool }

    deinit { release() }

    /// Gives every chunk still held back to the pool (the events are not read again).
    func release() {
        for case let c? in chunks { pool.give(c) }
        chunks.removeAll()
        counts.removeAll()
        wBase = nil
        wPos = PackedEvents.chunkSize
    }

    /// Bytes kept of a value: 0 to 6, or all 8 (code 7). (The definition; `append` reads it
    /// from `codeTables`.)
    static func code(_ v: UInt64) -> UInt32 {
        let n = UInt32(truncatingIfNeeded: (64 - v.leadingZeroBitCount + 7) >> 3)
        return n - n >> 3  // 8 bytes -> code 7; 7 bytes are stored as 8 too
    }

    /// `code(v) << (8 + 3 * k)`, value `k`'s place in the header, from the sign and exponent
    /// of `v` as a double, looked up in `codeTables`: the conversion is exact below 2^53, and from
    /// there on (and with the top bit set) the code is 7 whatever the rounding. Without LZCNT (not
    /// in baseline x86-64) the bit scan that `leadingZeroBitCount` compiles to is slow, and an
    /// event has eight values; a table per place saves the shift.
    @inline(__always) static func code(_ v: UInt64, _ t: UnsafePointer<UInt32>, _ k: Int) -> UInt32 {
        t[k &* codeStride &+ Int(truncatingIfNeeded: Double(Int64(bitPattern: v)).bitPattern >> 52)]
    }

    /// Entries from one place's table to the next: 4096 and eight cache lines more. (At exactly
    /// 4096 entries, 16 KiB apart, the eight tables' few used lines (zero and the exponents up
    /// to 2^53) fall in the same L1 sets: a cache simulation of the second core's runs gave
    /// some two misses an event there, and the run took twice as long per event as the serial
    /// ordering.)
    static let codeStride = 4096 + 128

    /// Bytes of a value with size code `c`.
    @inline(__always) fileprivate static func width(_ c: UInt32) -> Int { Int(c + c >> 2 & c >> 1 & c & 1) }

    // The tables below are written once, at first use, and then only read.

    /// For each of the eight places, the size code for each sign-and-exponent of a double (the
    /// top 12 bits), shifted to its place in the header.
    nonisolated(unsafe) static let codeTables: UnsafePointer<UInt32> = {
        let t = UnsafeMutablePointer<UInt32>.allocate(capacity: 8 * codeStride)
        t.initialize(repeating: 0, count: 8 * codeStride)
        for i in 0..<4096 {
            let c: UInt32
            if i >= 2048 || i >= 1023 + 53 {
                c = 7  // negative (top bit set), or 2^53 and above
            } else if i < 1023 {
                c = 0  // zero (positive values start at exponent 1023)
            } else {
                // Values in [2^(i-1023), 2^(i-1022)): i - 1022 bits.
                let bytes = UInt32(i - 1022 + 7) >> 3
                c = bytes - bytes >> 3
            }
            for k in 0..<8 { t[k * codeStride + i] = c << UInt32(8 + 3 * k) }
        }
        return UnsafePointer(t)
    }()

    /// Bytes of each entry of `halves`.
    static let halfStride = 64

    /// For four size codes (12 bits), an entry of `halfStride` bytes: the four values' masks of
    /// the bytes they keep (bytes 0–31), then a word of the offsets of the second, third and
    /// fourth value from the first and the four values' total width, one per byte (bytes 32–35).
    /// One lookup gives a value its offset and mask, so the eight loads wait on nothing but the
    /// header; a benchmark trace's events use a few hundred of the entries.
    nonisolated(unsafe) static let halves: UnsafeRawPointer = {
        let t = UnsafeMutableRawPointer.allocate(byteCount: 4096 * halfStride, alignment: 64)
        t.initializeMemory(as: UInt8.self, repeating: 0, count: 4096 * halfStride)
        for k in 0..<4096 {
            var off: UInt32 = 0
            var entry: UInt32 = 0
            for j in 0..<4 {
                if j > 0 { entry |= off << (8 * UInt32(j - 1)) }
                let w = width(UInt32(k >> (3 * j) & 7))
                let mask: UInt64 = w == 0 ? 0 : ~0 >> UInt64(64 - 8 * w)
                t.storeBytes(of: mask, toByteOffset: k * halfStride + 8 * j, as: UInt64.self)
                off += UInt32(w)
            }
            t.storeBytes(of: entry | off << 24, toByteOffset: k * halfStride + 32, as: UInt32.self)
        }
        return UnsafeRawPointer(t)
    }()

    /// Appends an event. The layout: a header of the type, eight 3-bit size codes and the
    /// event's length in bytes (5 bytes), then each of eight values in as many little-endian
    /// bytes as its code says: the time, thread, proc and goroutine as zigzag deltas from the
    /// event before, then the four arguments. Fixed fields and widths from a table decode
    /// without a branch per field (varints cost a mispredicted branch or two per event), and
    /// the length lets the reader find the next event without waiting for a table lookup.
    @inline(__always) func append(_ e: Event, bad: UInt8) {
        withUnsafePointer(to: e) { append($0, bad: bad) }
    }

    /// `append` of the event at `e`, read in place: taken by value, the event was first copied
    /// field by field onto the stack (the chunk's stores might have overwritten the source).
    @inline(__always) func append(_ e: UnsafePointer<Event>, bad: UInt8) {
        if wPos &+ PackedEvents.maxEventBytes > PackedEvents.chunkSize { nextChunk() }
        guard let p = wBase else { return }
        if bad != 0 { badIDs.append((count, bad)) }
        let v0 = EventStore.zig(e.pointee.time &- wTime)
        let v1 = EventStore.zig(e.pointee.thread &- wThread)
        let v2 = EventStore.zig(e.pointee.proc &- wProc)
        let v3 = EventStore.zig(e.pointee.goroutine &- wGoroutine)
        let t = codeTables
        let codes = PackedEvents.code(v0, t, 0) | PackedEvents.code(v1, t, 1) | PackedEvents.code(v2, t, 2)
            | PackedEvents.code(v3, t, 3) | PackedEvents.code(e.pointee.a0, t, 4) | PackedEvents.code(e.pointee.a1, t, 5)
            | PackedEvents.code(e.pointee.a2, t, 6) | PackedEvents.code(e.pointee.a3, t, 7)
        // The values' offsets from the same table the reader uses (no chain of additions).
        let lo = halves.load(fromByteOffset: Int(codes >> 8 & 0xfff) &* PackedEvents.halfStride &+ 32, as: UInt32.self)
        let hi = halves.load(fromByteOffset: Int(codes >> 20) &* PackedEvents.halfStride &+ 32, as: UInt32.self)
        let i = wPos
        let b0 = i &+ PackedEvents.headerBytes
        let b1 = b0 &+ Int(lo >> 24)
        let length = PackedEvents.headerBytes &+ Int(lo >> 24) &+ Int(hi >> 24)
        // Each 8-byte store runs past its value's width; the next one, at a higher offset,
        // overwrites the excess, so the order matters.
        let header = UInt64(e.pointee.type) | UInt64(codes) | UInt64(length) << 32
        p.storeBytes(of: header.littleEndian, toByteOffset: i, as: UInt64.self)
        p.storeBytes(of: v0.littleEndian, toByteOffset: b0, as: UInt64.self)
        p.storeBytes(of: v1.littleEndian, toByteOffset: b0 &+ Int(lo & 0xff), as: UInt64.self)
        p.storeBytes(of: v2.littleEndian, toByteOffset: b0 &+ Int(lo >> 8 & 0xff), as: UInt64.self)
        p.storeBytes(of: v3.littleEndian, toByteOffset: b0 &+ Int(lo >> 16 & 0xff), as: UInt64.self)
        p.storeBytes(of: e.pointee.a0.littleEndian, toByteOffset: b1, as: UInt64.self)
        p.storeBytes(of: e.pointee.a1.littleEndian, toByteOffset: b1 &+ Int(hi & 0xff), as: UInt64.self)
        p.storeBytes(of: e.pointee.a2.littleEndian, toByteOffset: b1 &+ Int(hi >> 8 & 0xff), as: UInt64.self)
        p.storeBytes(of: e.pointee.a3.littleEndian, toByteOffset: b1 &+ Int(hi >> 16 & 0xff), as: UInt64.self)
        wPos = i &+ length
        wTime = e.pointee.time
        wThread = e.pointee.thread
        wProc = e.pointee.proc
        wGoroutine = e.pointee.goroutine
        count &+= 1
    }

    @inline(never) private func nextChunk() {
        if wBase != nil { counts.append(count - wChunkStart) }
        let c = pool.take()
        chunks.append(c)
        wChunkStart = count
        wBase = UnsafeMutableRawPointer(c)
        wPos = 0
    }

    /// Ends writing: the events can be read.
    func finish() {
        if wBase != nil && counts.count < chunks.count { counts.append(count - wChunkStart) }
    }

    /// Reads the events in order, from raw memory, once (a value the stream holds; each chunk
    /// read goes back to the pool, so only one cursor may read a store, after it was written).
    struct Cursor {
        private unowned(unsafe) let store: PackedEvents
        private var chunk = -1
        /// The next event's bytes.
        private var at: UnsafeRawPointer?
        /// Events left in the chunk being read.
        private var left = 0
        /// The last event's time and context (the deltas' base).
        private var time: Int64 = 0
        private var thread = noID
        private var proc = noID
        private var goroutine = noID
        /// The decoding table, held here (a static would be checked for initialization per event).
        private let halves = PackedEvents.halves

        init(_ store: PackedEvents) { self.store = store }

        @inline(never) private mutating func nextChunk() {
            if chunk >= 0, let done = store.chunks[chunk] {
                store.pool.give(done)
                store.chunks[chunk] = nil
            }
            chunk += 1
            guard chunk < store.chunks.count, let c = store.chunks[chunk] else {
                at = nil
                left = 0
                return
            }
            at = UnsafeRawPointer(c)
            left = store.counts[chunk]
        }

        /// Decodes the event at `q` into `e` and returns the next one's address. Each value's
        /// offset and mask come from a table entry indexed by the codes, so the eight loads
        /// wait only on the header, and the next address only on the header's length byte.
        @inline(__always)
        private static func decode(_ q: UnsafeRawPointer, _ tab: UnsafeRawPointer, _ e: UnsafeMutablePointer<Event>,
                                   _ time: inout Int64, _ thread: inout Int64, _ proc: inout Int64,
                                   _ goroutine: inout Int64) -> UnsafeRawPointer {
            let header = UInt64(littleEndian: q.loadUnaligned(as: UInt64.self))
            let lo = tab + Int(truncatingIfNeeded: header >> 8 & 0xfff) &* PackedEvents.halfStride
            let hi = tab + Int(truncatingIfNeeded: header >> 20 & 0xfff) &* PackedEvents.halfStride
            let lw = lo.load(fromByteOffset: 32, as: UInt32.self)
            let hw = hi.load(fromByteOffset: 32, as: UInt32.self)
            let v0 = q + PackedEvents.headerBytes
            let v4 = v0 + Int(lw >> 24)
            @inline(__always) func get(_ at: UnsafeRawPointer, _ half: UnsafeRawPointer, _ k: Int) -> UInt64 {
                UInt64(littleEndian: at.loadUnaligned(as: UInt64.self)) & half.load(fromByteOffset: 8 * k, as: UInt64.self)
            }
            time = time &+ EventStore.unzig(get(v0, lo, 0))
            thread = thread &+ EventStore.unzig(get(v0 + Int(lw & 0xff), lo, 1))
            proc = proc &+ EventStore.unzig(get(v0 + Int(lw >> 8 & 0xff), lo, 2))
            goroutine = goroutine &+ EventStore.unzig(get(v0 + Int(lw >> 16 & 0xff), lo, 3))
            e.pointee.type = UInt8(truncatingIfNeeded: header)
            e.pointee.time = time
            e.pointee.thread = thread
            e.pointee.proc = proc
            e.pointee.goroutine = goroutine
            e.pointee.a0 = get(v4, hi, 0)
            e.pointee.a1 = get(v4 + Int(hw & 0xff), hi, 1)
            e.pointee.a2 = get(v4 + Int(hw >> 8 & 0xff), hi, 2)
            e.pointee.a3 = get(v4 + Int(hw >> 16 & 0xff), hi, 3)
            return q + Int(truncatingIfNeeded: header >> 32 & 0xff)
        }

        /// The next event (the caller counts them: there are `count`).
        @inline(__always) mutating func next(into e: inout Event) {
            if left == 0 { nextChunk() }
            guard let q = at else { return }
            at = withUnsafeMutablePointer(to: &e) { Cursor.decode(q, halves, $0, &time, &thread, &proc, &goroutine) }
            left &-= 1
        }

        /// The next `n` events into `out[0..<n]` (the caller counts them: there are `count`),
        /// with the stream's fix of times that do not increase: each is made at least `last`
        /// + 1, and `last` ends as the last one's time. The state is in locals for the loop, so
        /// that it stays in registers.
        mutating func read(into out: UnsafeMutablePointer<Event>, _ n: Int, last: inout Int64) {
            var done = 0
            var t = time, m = thread, p = proc, g = goroutine, l = last
            let tab = halves
            while done < n {
                if left == 0 { nextChunk() }
                guard var q = at, left > 0 else { break }
                let k = min(n &- done, left)
                var e = out + done
                let end = e + k
                while e < end {
                    q = Cursor.decode(q, tab, e, &t, &m, &p, &g)
                    let fixed = t > l ? t : l &+ 1
                    e.pointee.time = fixed
                    l = fixed
                    e += 1
                }
                at = q
                left &-= k
                done &+= k
            }
            time = t
            thread = m
            proc = p
            goroutine = g
            last = l
        }
    }
}

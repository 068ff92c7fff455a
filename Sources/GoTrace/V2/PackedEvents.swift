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
/// them (about 10 bytes an event on the benchmark traces instead of an `Event`'s 72; see `append`).
/// Held as full events, the memory traffic of writing and reading them back cost about as much
/// as ordering them. Written once by the run, then read once in order by the stream, which
/// gives each chunk back to the pool once past it.
final class PackedEvents {
    static let chunkSize = 4 << 20
    /// Largest encoding of one event (type and codes, eight 8-byte values), plus the slack of
    /// the last value's 8-byte store and load.
    static let maxEventBytes = 4 + 8 * 8 + 8

    let pool: ChunkPool
    /// The chunks written, nil once given back.
    fileprivate var chunks: [UnsafeMutablePointer<UInt8>?] = []
    /// Bytes used in each chunk written.
    fileprivate var used: [Int] = []
    private(set) var count = 0
    /// The events with IDs their generation does not define (index, bad-argument mask), in
    /// order: so rare (an error follows) that a byte per event for them is not worth its cost.
    private(set) var badIDs: [(index: Int, mask: UInt8)] = []
    /// Chunks written (for tests).
    var chunkCount: Int { chunks.count }

    private var wChunk = -1
    /// The chunk being written (held directly: no array access per event).
    private var wBase: UnsafeMutablePointer<UInt8>?
    private var wPos = PackedEvents.chunkSize
    /// The last event's time and context (the deltas' base).
    private var wTime: Int64 = 0
    private var wThread = noID
    private var wProc = noID
    private var wGoroutine = noID
    private let codeTable = PackedEvents.codeTable
    private let offsets = PackedEvents.offsets

    init(pool: ChunkPool) { self.pool = pool }

    deinit { release() }

    /// Gives every chunk still held back to the pool (the events are not read again).
    func release() {
        for case let c? in chunks { pool.give(c) }
        chunks.removeAll()
        used.removeAll()
        wBase = nil
        wChunk = -1
        wPos = PackedEvents.chunkSize
    }

    /// Bytes kept of a value: 0 to 6, or all 8 (code 7). (The definition; `append` reads it
    /// from `codeTable`.)
    static func code(_ v: UInt64) -> UInt32 {
        let n = UInt32(truncatingIfNeeded: (64 - v.leadingZeroBitCount + 7) >> 3)
        return n - n >> 3  // 8 bytes -> code 7; 7 bytes are stored as 8 too
    }

    /// `code(v)` from the sign and exponent of `v` as a double, looked up in `codeTable`: the
    /// conversion is exact below 2^53, and from there on (and with the top bit set) the code is 7
    /// whatever the rounding. Without LZCNT (not in baseline x86-64) the bit scan that
    /// `leadingZeroBitCount` compiles to is slow, and an event has eight values.
    @inline(__always) static func code(_ v: UInt64, _ t: UnsafePointer<UInt8>) -> UInt32 {
        UInt32(t[Int(truncatingIfNeeded: Double(Int64(bitPattern: v)).bitPattern >> 52)])
    }

    /// Bytes of a value with size code `c`.
    @inline(__always) fileprivate static func width(_ c: UInt32) -> Int { Int(c + c >> 2 & c >> 1 & c & 1) }

    // The tables below are written once, at first use, and then only read.

    /// The size code for each sign-and-exponent of a double (the top 12 bits).
    nonisolated(unsafe) static let codeTable: UnsafePointer<UInt8> = {
        let t = UnsafeMutablePointer<UInt8>.allocate(capacity: 4096)
        for i in 0..<4096 {
            if i >= 2048 || i >= 1023 + 53 {
                t[i] = 7  // negative (top bit set), or 2^53 and above
            } else if i < 1023 {
                t[i] = 0  // zero (positive values start at exponent 1023)
            } else {
                // Values in [2^(i-1023), 2^(i-1022)): i - 1022 bits.
                let bytes = (i - 1022 + 7) >> 3
                t[i] = UInt8(bytes - bytes >> 3)
            }
        }
        return UnsafePointer(t)
    }()

    /// For four size codes (12 bits): the offsets of the second, third and fourth value from the
    /// first, and the four values' total width, one per byte.
    nonisolated(unsafe) fileprivate static let offsets: UnsafePointer<UInt32> = {
        let t = UnsafeMutablePointer<UInt32>.allocate(capacity: 4096)
        for k in 0..<4096 {
            var off: UInt32 = 0
            var entry: UInt32 = 0
            for j in 0..<4 {
                if j > 0 { entry |= off << (8 * UInt32(j - 1)) }
                off += UInt32(width(UInt32(k >> (3 * j) & 7)))
            }
            t[k] = entry | off << 24
        }
        return UnsafePointer(t)
    }()

    /// The bytes a value with each size code keeps.
    nonisolated(unsafe) fileprivate static let masks: UnsafePointer<UInt64> = {
        let t = UnsafeMutablePointer<UInt64>.allocate(capacity: 8)
        for c in 0..<8 {
            let w = width(UInt32(c))
            t[c] = w == 0 ? 0 : ~0 >> UInt64(64 - 8 * w)
        }
        return UnsafePointer(t)
    }()

    /// Appends an event. The layout: a 32-bit word of the type and eight 3-bit size codes,
    /// then each of eight values in as many little-endian bytes as its code says: the time, thread,
    /// proc and goroutine as zigzag deltas from the event before, then the four arguments. Fixed
    /// fields and widths from a table decode without a branch per field (varints cost a
    /// mispredicted branch or two per event).
    @inline(__always) func append(_ e: Event, bad: UInt8) {
        if wPos &+ PackedEvents.maxEventBytes > PackedEvents.chunkSize { nextChunk() }
        guard let b = wBase else { return }
        if bad != 0 { badIDs.append((count, bad)) }
        let p = UnsafeMutableRawPointer(b)
        let v0 = EventStore.zig(e.time &- wTime)
        let v1 = EventStore.zig(e.thread &- wThread)
        let v2 = EventStore.zig(e.proc &- wProc)
        let v3 = EventStore.zig(e.goroutine &- wGoroutine)
        let t = codeTable
        let c0 = PackedEvents.code(v0, t), c1 = PackedEvents.code(v1, t), c2 = PackedEvents.code(v2, t), c3 = PackedEvents.code(v3, t)
        let c4 = PackedEvents.code(e.a0, t), c5 = PackedEvents.code(e.a1, t), c6 = PackedEvents.code(e.a2, t), c7 = PackedEvents.code(e.a3, t)
        let codes = c0 | c1 << 3 | c2 << 6 | c3 << 9 | c4 << 12 | c5 << 15 | c6 << 18 | c7 << 21
        // The values' offsets from the same table the reader uses (no chain of additions).
        let lo = offsets[Int(codes & 0xfff)]
        let hi = offsets[Int(codes >> 12)]
        let i = wPos
        let b0 = i &+ 4
        let b1 = b0 &+ Int(lo >> 24)
        // Each 8-byte store runs past its value's width; the next one, at a higher offset,
        // overwrites the excess, so the order matters.
        p.storeBytes(of: (UInt32(e.type) | codes << 8).littleEndian, toByteOffset: i, as: UInt32.self)
        p.storeBytes(of: v0.littleEndian, toByteOffset: b0, as: UInt64.self)
        p.storeBytes(of: v1.littleEndian, toByteOffset: b0 &+ Int(lo & 0xff), as: UInt64.self)
        p.storeBytes(of: v2.littleEndian, toByteOffset: b0 &+ Int(lo >> 8 & 0xff), as: UInt64.self)
        p.storeBytes(of: v3.littleEndian, toByteOffset: b0 &+ Int(lo >> 16 & 0xff), as: UInt64.self)
        p.storeBytes(of: e.a0.littleEndian, toByteOffset: b1, as: UInt64.self)
        p.storeBytes(of: e.a1.littleEndian, toByteOffset: b1 &+ Int(hi & 0xff), as: UInt64.self)
        p.storeBytes(of: e.a2.littleEndian, toByteOffset: b1 &+ Int(hi >> 8 & 0xff), as: UInt64.self)
        p.storeBytes(of: e.a3.littleEndian, toByteOffset: b1 &+ Int(hi >> 16 & 0xff), as: UInt64.self)
        wPos = b1 &+ Int(hi >> 24)
        wTime = e.time
        wThread = e.thread
        wProc = e.proc
        wGoroutine = e.goroutine
        count &+= 1
    }

    @inline(never) private func nextChunk() {
        if wChunk >= 0 { used[wChunk] = wPos }
        let c = pool.take()
        chunks.append(c)
        used.append(0)
        wChunk = chunks.count - 1
        wBase = c
        wPos = 0
    }

    /// Ends writing: the events can be read.
    func finish() {
        if wChunk >= 0 { used[wChunk] = wPos }
    }

    /// Reads the events in order, from raw memory, once (a value the stream holds; each chunk
    /// read goes back to the pool, so only one cursor may read a store, after it was written).
    struct Cursor {
        private unowned(unsafe) let store: PackedEvents
        private var chunk = 0
        private var base: UnsafeMutablePointer<UInt8>?
        private var pos = 0
        private var end = 0
        /// The last event's time and context (the deltas' base).
        private var time: Int64 = 0
        private var thread = noID
        private var proc = noID
        private var goroutine = noID
        /// The decoding tables, held here (a static would be checked for initialization per event).
        private let offsets = PackedEvents.offsets
        private let masks = PackedEvents.masks

        init(_ store: PackedEvents) {
            self.store = store
            chunk = -1
        }

        @inline(never) private mutating func nextChunk() {
            if chunk >= 0, let done = store.chunks[chunk] {
                store.pool.give(done)
                store.chunks[chunk] = nil
            }
            chunk += 1
            base = store.chunks[chunk]
            pos = 0
            end = store.used[chunk]
        }

        /// The next event (the caller counts them: there are `count`). Each value's offset comes
        /// from a table indexed by the codes before it, so the eight loads do not wait on one
        /// another (adding up the widths one by one made each load wait for the one before).
        @inline(__always) mutating func next(into e: inout Event) {
            if pos >= end { nextChunk() }
            guard let b = base else { return }
            let p = UnsafeRawPointer(b)
            let i = pos
            let word = UInt32(littleEndian: p.loadUnaligned(fromByteOffset: i, as: UInt32.self))
            e.type = UInt8(truncatingIfNeeded: word)
            let codes = word >> 8
            let lo = offsets[Int(codes & 0xfff)]
            let hi = offsets[Int(codes >> 12)]
            let b0 = i &+ 4
            let b1 = b0 &+ Int(lo >> 24)
            @inline(__always) func get(_ at: Int, _ k: UInt32) -> UInt64 {
                UInt64(littleEndian: p.loadUnaligned(fromByteOffset: at, as: UInt64.self)) & masks[Int(codes >> (3 * k) & 7)]
            }
            time = time &+ EventStore.unzig(get(b0, 0))
            thread = thread &+ EventStore.unzig(get(b0 &+ Int(lo & 0xff), 1))
            proc = proc &+ EventStore.unzig(get(b0 &+ Int(lo >> 8 & 0xff), 2))
            goroutine = goroutine &+ EventStore.unzig(get(b0 &+ Int(lo >> 16 & 0xff), 3))
            e.time = time
            e.thread = thread
            e.proc = proc
            e.goroutine = goroutine
            e.a0 = get(b1, 4)
            e.a1 = get(b1 &+ Int(hi & 0xff), 5)
            e.a2 = get(b1 &+ Int(hi >> 8 & 0xff), 6)
            e.a3 = get(b1 &+ Int(hi >> 16 & 0xff), 7)
            pos = b1 &+ Int(hi >> 24)
        }
    }
}

/// Events of a generation ordered ahead on the second core, packed until the stream gets to
/// them (about 15 bytes an event instead of an `Event`'s 72; see `append`).
/// Held as full events, the memory traffic of writing and reading them back cost about as much
/// as ordering them. Written once by the run, then read once in order by the stream; the
/// chunks are kept for the next generation.
final class PackedEvents {
    static let chunkSize = 4 << 20
    /// Largest encoding of one event (type, mask, codes, eight 8-byte values), plus the slack
    /// of the last value's 8-byte store and load.
    static let maxEventBytes = 5 + 8 * 8 + 8

    fileprivate var chunks: [UnsafeMutablePointer<UInt8>] = []
    /// Bytes used in each chunk written.
    fileprivate var used: [Int] = []
    private(set) var count = 0

    private var wChunk = -1
    /// The chunk being written (held directly: no array access per event).
    private var wBase: UnsafeMutablePointer<UInt8>?
    private var wPos = PackedEvents.chunkSize
    /// The last event's time and context (the deltas' base).
    private var wTime: Int64 = 0
    private var wThread = noID
    private var wProc = noID
    private var wGoroutine = noID

    deinit { for c in chunks { c.deallocate() } }

    /// Empties the store (keeping its chunks) for writing.
    func reset() {
        count = 0
        used.removeAll(keepingCapacity: true)
        wChunk = -1
        wBase = nil
        wPos = PackedEvents.chunkSize
        wTime = 0
        wThread = noID
        wProc = noID
        wGoroutine = noID
    }

    /// Bytes kept of a value: 0 to 6, or all 8 (code 7).
    @inline(__always) fileprivate static func code(_ v: UInt64) -> UInt32 {
        let n = UInt32(truncatingIfNeeded: (64 - v.leadingZeroBitCount + 7) >> 3)
        return n - n >> 3  // 8 bytes -> code 7; 7 bytes are stored as 8 too
    }

    /// Bytes of a value with size code `c`.
    @inline(__always) fileprivate static func width(_ c: UInt32) -> Int { Int(c + c >> 2 & c >> 1 & c & 1) }


    /// Appends an event. The layout: type, bad-ID mask, a 24-bit word of eight 3-bit size codes,
    /// then each of eight values in as many little-endian bytes as its code says: the time, thread,
    /// proc and goroutine as zigzag deltas from the event before, then the four arguments. Fixed
    /// fields and widths from a table decode without a branch per field (varints cost a
    /// mispredicted branch or two per event).
    @inline(__always) func append(_ e: Event, bad: UInt8) {
        if wPos + PackedEvents.maxEventBytes > PackedEvents.chunkSize { nextChunk() }
        guard let b = wBase else { return }
        let p = UnsafeMutableRawPointer(b)
        let v0 = EventStore.zig(e.time &- wTime)
        let v1 = EventStore.zig(e.thread &- wThread)
        let v2 = EventStore.zig(e.proc &- wProc)
        let v3 = EventStore.zig(e.goroutine &- wGoroutine)
        let c0 = PackedEvents.code(v0), c1 = PackedEvents.code(v1), c2 = PackedEvents.code(v2), c3 = PackedEvents.code(v3)
        let c4 = PackedEvents.code(e.a0), c5 = PackedEvents.code(e.a1), c6 = PackedEvents.code(e.a2), c7 = PackedEvents.code(e.a3)
        let codes = c0 | c1 << 3 | c2 << 6 | c3 << 9 | c4 << 12 | c5 << 15 | c6 << 18 | c7 << 21
        var i = wPos
        p.storeBytes(of: e.type, toByteOffset: i, as: UInt8.self)
        p.storeBytes(of: bad, toByteOffset: i + 1, as: UInt8.self)
        p.storeBytes(of: codes.littleEndian, toByteOffset: i + 2, as: UInt32.self)
        i += 5
        @inline(__always) func put(_ v: UInt64, _ c: UInt32) {
            p.storeBytes(of: v.littleEndian, toByteOffset: i, as: UInt64.self)
            i += PackedEvents.width(c)
        }
        put(v0, c0); put(v1, c1); put(v2, c2); put(v3, c3)
        put(e.a0, c4); put(e.a1, c5); put(e.a2, c6); put(e.a3, c7)
        wPos = i
        wTime = e.time
        wThread = e.thread
        wProc = e.proc
        wGoroutine = e.goroutine
        count += 1
    }

    @inline(never) private func nextChunk() {
        if wChunk >= 0 { used[wChunk] = wPos }
        wChunk += 1
        if wChunk == chunks.count { chunks.append(UnsafeMutablePointer<UInt8>.allocate(capacity: PackedEvents.chunkSize)) }
        used.append(0)
        wBase = chunks[wChunk]
        wPos = 0
    }

    /// Ends writing: the events can be read.
    func finish() {
        if wChunk >= 0 { used[wChunk] = wPos }
    }

    /// Reads the events in order, from raw memory (a value the stream holds; valid while the
    /// store is neither reset nor written).
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

        init(_ store: PackedEvents) {
            self.store = store
            chunk = -1
        }

        @inline(never) private mutating func nextChunk() {
            chunk += 1
            base = store.chunks[chunk]
            pos = 0
            end = store.used[chunk]
        }

        /// The next event (the caller counts them: there are `count`).
        @inline(__always) mutating func next(into e: inout Event, bad: inout UInt8) {
            if pos >= end { nextChunk() }
            guard let b = base else { return }
            let p = UnsafeRawPointer(b)
            var i = pos
            let codes = UInt32(littleEndian: p.loadUnaligned(fromByteOffset: i + 2, as: UInt32.self))
            e.type = p.load(fromByteOffset: i, as: UInt8.self)
            bad = p.load(fromByteOffset: i + 1, as: UInt8.self)
            i += 5
            @inline(__always) func get(_ k: UInt32) -> UInt64 {
                let c = codes >> (3 * k) & 7
                let w = PackedEvents.width(c)
                let raw = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                i += w
                // Keep the low `w` bytes (w = 8 keeps them all; the shift by 64 - 0 is avoided).
                let mask: UInt64 = w == 0 ? 0 : ~0 >> UInt64(64 - 8 * w)
                return raw & mask
            }
            time = time &+ EventStore.unzig(get(0))
            thread = thread &+ EventStore.unzig(get(1))
            proc = proc &+ EventStore.unzig(get(2))
            goroutine = goroutine &+ EventStore.unzig(get(3))
            e.time = time
            e.thread = thread
            e.proc = proc
            e.goroutine = goroutine
            e.a0 = get(4)
            e.a1 = get(5)
            e.a2 = get(6)
            e.a3 = get(7)
            pos = i
        }
    }
}

/// Events kept compactly in memory: a varint-packed column store, indexable by position.
///
/// An event costs a type byte, a flags byte, a time delta and only the context and arguments
/// that changed or are non-zero, typically 5–10 bytes instead of the 72 of an `Event`. Every
/// 256 events start a block that decodes on its own, so `event(at:)` costs at most 255 decodes,
/// and blocks never straddle the fixed-size chunks, so growing never copies what is stored.
public struct EventStore: Sendable {
    static let blockSize = 256
    static let chunkSize = 4 << 20

    private var chunks: [[UInt8]] = []
    /// Per block: chunk index (upper 32 bits) and byte offset (lower 32 bits).
    private var blockStarts: [UInt64] = []
    public private(set) var count = 0

    // Encoder state.
    private var cur: [UInt8] = []
    private var prevTime: Int64 = 0
    private var prevG: Int64 = -1
    private var prevP: Int64 = -1
    private var prevM: Int64 = -1

    public init() {}

    /// Bytes held (chunk capacity and index).
    public var residentBytes: Int {
        chunks.reduce(0) { $0 + $1.capacity } + cur.capacity + blockStarts.capacity * 8
    }

    @inline(__always)
    private static func put(_ v: UInt64, _ out: inout [UInt8]) {
        var x = v
        while x >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: x) | 0x80)
            x >>= 7
        }
        out.append(UInt8(x))
    }

    @inline(__always) private static func zig(_ v: Int64) -> UInt64 { UInt64(bitPattern: (v << 1) ^ (v >> 63)) }
    @inline(__always) private static func unzig(_ v: UInt64) -> Int64 { Int64(bitPattern: v >> 1) ^ -Int64(bitPattern: v & 1) }

    public mutating func append(_ e: Event) {
        if count % EventStore.blockSize == 0 {
            // Worst case of a block: 256 events of at most 2 + 10 * 8 bytes.
            if cur.count + EventStore.blockSize * 82 > EventStore.chunkSize {
                chunks.append(cur)
                cur = []
            }
            if cur.capacity == 0 { cur.reserveCapacity(EventStore.chunkSize) }
            blockStarts.append(UInt64(chunks.count) << 32 | UInt64(cur.count))
            prevTime = 0
            prevG = -1
            prevP = -1
            prevM = -1
        }
        var flags: UInt8 = 0
        if e.goroutine != prevG { flags |= 1 }
        if e.proc != prevP { flags |= 2 }
        if e.thread != prevM { flags |= 4 }
        if e.a0 != 0 { flags |= 8 }
        if e.a1 != 0 { flags |= 16 }
        if e.a2 != 0 { flags |= 32 }
        if e.a3 != 0 { flags |= 64 }
        cur.append(e.type)
        cur.append(flags)
        EventStore.put(UInt64(bitPattern: e.time &- prevTime), &cur)
        if flags & 1 != 0 { EventStore.put(EventStore.zig(e.goroutine), &cur) }
        if flags & 2 != 0 { EventStore.put(EventStore.zig(e.proc), &cur) }
        if flags & 4 != 0 { EventStore.put(EventStore.zig(e.thread), &cur) }
        if flags & 8 != 0 { EventStore.put(e.a0, &cur) }
        if flags & 16 != 0 { EventStore.put(e.a1, &cur) }
        if flags & 32 != 0 { EventStore.put(e.a2, &cur) }
        if flags & 64 != 0 { EventStore.put(e.a3, &cur) }
        prevTime = e.time
        prevG = e.goroutine
        prevP = e.proc
        prevM = e.thread
        count += 1
    }

    /// Finishes appending: releases the spare capacity of the last chunk.
    public mutating func seal() {
        if !cur.isEmpty {
            chunks.append(Array(cur))
            cur = []
        }
        blockStarts = Array(blockStarts)
    }

    /// Decodes events sequentially from a block start.
    public struct Cursor {
        let store: EventStore
        var block: Int
        var chunk: Int
        var pos: Int
        var index: Int
        var time: Int64 = 0
        var g: Int64 = -1
        var p: Int64 = -1
        var m: Int64 = -1

        @inline(__always)
        private mutating func get(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
            var x: UInt64 = 0
            var s: UInt64 = 0
            while true {
                let b = bytes[pos]
                pos += 1
                if b < 0x80 { return x | UInt64(b) << s }
                x |= UInt64(b & 0x7f) << s
                s += 7
            }
        }

        /// The next event, nil at the end.
        public mutating func next() -> Event? {
            guard index < store.count else { return nil }
            if index % EventStore.blockSize == 0 {
                let start = store.blockStarts[index / EventStore.blockSize]
                chunk = Int(start >> 32)
                pos = Int(start & 0xffff_ffff)
                time = 0
                g = -1
                p = -1
                m = -1
            }
            let bytes = chunk < store.chunks.count ? store.chunks[chunk] : store.cur
            return bytes.withUnsafeBufferPointer { buf -> Event in
                let type = buf[pos]
                let flags = buf[pos + 1]
                pos += 2
                time = time &+ Int64(bitPattern: get(buf))
                if flags & 1 != 0 { g = EventStore.unzig(get(buf)) }
                if flags & 2 != 0 { p = EventStore.unzig(get(buf)) }
                if flags & 4 != 0 { m = EventStore.unzig(get(buf)) }
                let a0 = flags & 8 != 0 ? get(buf) : 0
                let a1 = flags & 16 != 0 ? get(buf) : 0
                let a2 = flags & 32 != 0 ? get(buf) : 0
                let a3 = flags & 64 != 0 ? get(buf) : 0
                index += 1
                return Event(type: type, time: time, goroutine: g, proc: p, thread: m, a0: a0, a1: a1, a2: a2, a3: a3)
            }
        }
    }

    /// A cursor positioned at event `index` (clamped to the end).
    public func cursor(at index: Int = 0) -> Cursor {
        let i = Swift.max(0, Swift.min(index, count))
        let blockStart = i - i % EventStore.blockSize
        var c = Cursor(store: self, block: 0, chunk: 0, pos: 0, index: blockStart)
        while c.index < i { _ = c.next() }
        return c
    }

    /// The event at `index`.
    public func event(at index: Int) -> Event? {
        guard index >= 0 && index < count else { return nil }
        var c = cursor(at: index)
        return c.next()
    }
}

extension EventStore: Sequence {
    public struct Iterator: IteratorProtocol {
        var cursor: Cursor
        public mutating func next() -> Event? { cursor.next() }
    }
    public func makeIterator() -> Iterator { Iterator(cursor: cursor(at: 0)) }
}

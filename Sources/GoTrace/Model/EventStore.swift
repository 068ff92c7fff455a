/// Events kept compactly in memory: a varint-packed column store, indexable by position.
///
/// An event costs a type byte, a flags byte, a time delta and only the context and arguments
/// that changed or are non-zero, typically 5–10 bytes instead of the 72 of an `Event`. Every
/// 256 events start a block that decodes on its own, so `event(at:)` costs at most 255 decodes.
/// Bytes live in fixed-size chunks allocated once, so growing never copies what is stored and
/// the per-event paths touch raw memory only (no reference counting).
public final class EventStore: @unchecked Sendable {
    static let blockSize = 256
    static let chunkSize = 4 << 20
    /// Largest encoding of one event: type, flags and seven 10-byte varints.
    static let maxEventBytes = 2 + 7 * 10

    private var chunks: [UnsafeMutablePointer<UInt8>] = []
    /// Per block: chunk index (upper 32 bits) and byte offset (lower 32 bits).
    private var blockStarts: [UInt64] = []
    public private(set) var count = 0
    private var usedBytes = 0

    // Encoder state.
    private var cur: UnsafeMutablePointer<UInt8>?
    private var pos = 0
    private var prevTime: Int64 = 0
    private var prevG: Int64 = -1
    private var prevP: Int64 = -1
    private var prevM: Int64 = -1

    public init() {}

    deinit {
        for c in chunks { c.deallocate() }
    }

    /// Bytes held by the store (chunks as allocated, index). Chunks are allocated from the OS
    /// lazily, so resident memory is closer to `encodedBytes`.
    public var residentBytes: Int { chunks.count * EventStore.chunkSize + blockStarts.capacity * 8 }

    /// Bytes of encoded events.
    public var encodedBytes: Int { usedBytes + pos + blockStarts.count * 8 }

    @inline(__always)
    private static func put(_ v: UInt64, _ p: UnsafeMutablePointer<UInt8>, _ pos: inout Int) {
        var x = v
        while x >= 0x80 {
            p[pos] = UInt8(truncatingIfNeeded: x) | 0x80
            pos += 1
            x >>= 7
        }
        p[pos] = UInt8(x)
        pos += 1
    }

    @inline(__always) static func zig(_ v: Int64) -> UInt64 { UInt64(bitPattern: (v << 1) ^ (v >> 63)) }
    @inline(__always) static func unzig(_ v: UInt64) -> Int64 { Int64(bitPattern: v >> 1) ^ -Int64(bitPattern: v & 1) }

    public func append(_ e: Event) {
        if count % EventStore.blockSize == 0 {
            if cur == nil || pos + EventStore.blockSize * EventStore.maxEventBytes > EventStore.chunkSize {
                usedBytes += pos
                let c = UnsafeMutablePointer<UInt8>.allocate(capacity: EventStore.chunkSize)
                chunks.append(c)
                cur = c
                pos = 0
            }
            blockStarts.append(UInt64(chunks.count - 1) << 32 | UInt64(pos))
            prevTime = 0
            prevG = -1
            prevP = -1
            prevM = -1
        }
        guard let p = cur else { return }
        var flags: UInt8 = 0
        if e.goroutine != prevG { flags |= 1 }
        if e.proc != prevP { flags |= 2 }
        if e.thread != prevM { flags |= 4 }
        if e.a0 != 0 { flags |= 8 }
        if e.a1 != 0 { flags |= 16 }
        if e.a2 != 0 { flags |= 32 }
        if e.a3 != 0 { flags |= 64 }
        var i = pos
        p[i] = e.type
        p[i + 1] = flags
        i += 2
        EventStore.put(UInt64(bitPattern: e.time &- prevTime), p, &i)
        if flags & 1 != 0 { EventStore.put(EventStore.zig(e.goroutine), p, &i) }
        if flags & 2 != 0 { EventStore.put(EventStore.zig(e.proc), p, &i) }
        if flags & 4 != 0 { EventStore.put(EventStore.zig(e.thread), p, &i) }
        if flags & 8 != 0 { EventStore.put(e.a0, p, &i) }
        if flags & 16 != 0 { EventStore.put(e.a1, p, &i) }
        if flags & 32 != 0 { EventStore.put(e.a2, p, &i) }
        if flags & 64 != 0 { EventStore.put(e.a3, p, &i) }
        pos = i
        prevTime = e.time
        prevG = e.goroutine
        prevP = e.proc
        prevM = e.thread
        count += 1
    }

    /// Decodes events sequentially.
    public struct Cursor {
        let store: EventStore
        var bytes: UnsafeMutablePointer<UInt8>?
        var pos = 0
        public private(set) var index: Int
        var time: Int64 = 0
        var g: Int64 = -1
        var p: Int64 = -1
        var m: Int64 = -1

        init(store: EventStore, blockStart: Int) {
            self.store = store
            index = blockStart
        }

        @inline(__always)
        private mutating func get(_ b: UnsafeMutablePointer<UInt8>) -> UInt64 {
            var x: UInt64 = 0
            var s: UInt64 = 0
            while true {
                let v = b[pos]
                pos += 1
                if v < 0x80 { return x | UInt64(v) << s }
                x |= UInt64(v & 0x7f) << s
                s += 7
            }
        }

        /// The next event, nil at the end.
        @inline(__always)
        public mutating func next() -> Event? {
            guard index < store.count else { return nil }
            if index % EventStore.blockSize == 0 {
                let start = store.blockStarts[index / EventStore.blockSize]
                bytes = store.chunks[Int(start >> 32)]
                pos = Int(start & 0xffff_ffff)
                time = 0
                g = -1
                p = -1
                m = -1
            }
            guard let b = bytes else { return nil }
            let type = b[pos]
            let flags = b[pos + 1]
            pos += 2
            time = time &+ Int64(bitPattern: get(b))
            if flags & 1 != 0 { g = EventStore.unzig(get(b)) }
            if flags & 2 != 0 { p = EventStore.unzig(get(b)) }
            if flags & 4 != 0 { m = EventStore.unzig(get(b)) }
            let a0 = flags & 8 != 0 ? get(b) : 0
            let a1 = flags & 16 != 0 ? get(b) : 0
            let a2 = flags & 32 != 0 ? get(b) : 0
            let a3 = flags & 64 != 0 ? get(b) : 0
            index += 1
            return Event(type: type, time: time, goroutine: g, proc: p, thread: m, a0: a0, a1: a1, a2: a2, a3: a3)
        }
    }

    /// A cursor positioned at event `index` (clamped to the end).
    public func cursor(at index: Int = 0) -> Cursor {
        let i = Swift.max(0, Swift.min(index, count))
        var c = Cursor(store: self, blockStart: i - i % EventStore.blockSize)
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

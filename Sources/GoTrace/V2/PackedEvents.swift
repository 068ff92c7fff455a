/// Events of a generation ordered ahead on the second core, packed until the stream gets to
/// them: a type byte, a flags byte, the time delta and only the context and arguments that
/// changed or are non-zero, as varints (about 7 bytes an event instead of an `Event`'s 72).
/// Held as full events, the memory traffic of writing and reading them back cost about as much
/// as ordering them. Written once by the run, then read once in order by the stream; the
/// chunks are kept for the next generation.
final class PackedEvents {
    static let chunkSize = 4 << 20
    /// Largest encoding of one event: type, flags, eight 10-byte varints and the bad-ID mask.
    static let maxEventBytes = 2 + 8 * 10 + 1

    private var chunks: [UnsafeMutablePointer<UInt8>] = []
    /// Bytes used in each chunk written.
    private var used: [Int] = []
    private(set) var count = 0

    private var wChunk = -1
    private var wPos = PackedEvents.chunkSize
    private var wPrev = Event(type: 0, time: 0, goroutine: noID, proc: noID, thread: noID)

    private var rChunk = 0
    private var rPos = 0
    private var rPrev = Event(type: 0, time: 0, goroutine: noID, proc: noID, thread: noID)

    deinit { for c in chunks { c.deallocate() } }

    /// Empties the store (keeping its chunks) for writing.
    func reset() {
        count = 0
        used.removeAll(keepingCapacity: true)
        wChunk = -1
        wPos = PackedEvents.chunkSize
        wPrev = Event(type: 0, time: 0, goroutine: noID, proc: noID, thread: noID)
        rChunk = 0
        rPos = 0
        rPrev = wPrev
    }

    @inline(__always) private static func put(_ v: UInt64, _ p: UnsafeMutablePointer<UInt8>, _ pos: inout Int) {
        var x = v
        while x >= 0x80 {
            p[pos] = UInt8(truncatingIfNeeded: x) | 0x80
            pos += 1
            x >>= 7
        }
        p[pos] = UInt8(x)
        pos += 1
    }

    @inline(__always) private static func get(_ p: UnsafeMutablePointer<UInt8>, _ pos: inout Int) -> UInt64 {
        var x: UInt64 = 0
        var s: UInt64 = 0
        while true {
            let v = p[pos]
            pos += 1
            if v < 0x80 { return x | UInt64(v) << s }
            x |= UInt64(v & 0x7f) << s
            s += 7
        }
    }

    @inline(__always) private static func zig(_ v: Int64) -> UInt64 { UInt64(bitPattern: (v << 1) ^ (v >> 63)) }
    @inline(__always) private static func unzig(_ v: UInt64) -> Int64 { Int64(bitPattern: v >> 1) ^ -Int64(bitPattern: v & 1) }

    @inline(__always) func append(_ e: Event, bad: UInt8) {
        if wPos + PackedEvents.maxEventBytes > PackedEvents.chunkSize { nextChunk() }
        let p = chunks[wChunk]
        var flags: UInt8 = 0
        if e.goroutine != wPrev.goroutine { flags |= 1 }
        if e.proc != wPrev.proc { flags |= 2 }
        if e.thread != wPrev.thread { flags |= 4 }
        if e.a0 != 0 { flags |= 8 }
        if e.a1 != 0 { flags |= 16 }
        if e.a2 != 0 { flags |= 32 }
        if e.a3 != 0 { flags |= 64 }
        if bad != 0 { flags |= 128 }
        var i = wPos
        p[i] = e.type
        p[i + 1] = flags
        i += 2
        PackedEvents.put(PackedEvents.zig(e.time &- wPrev.time), p, &i)
        if flags & 1 != 0 { PackedEvents.put(PackedEvents.zig(e.goroutine), p, &i) }
        if flags & 2 != 0 { PackedEvents.put(PackedEvents.zig(e.proc), p, &i) }
        if flags & 4 != 0 { PackedEvents.put(PackedEvents.zig(e.thread), p, &i) }
        if flags & 8 != 0 { PackedEvents.put(e.a0, p, &i) }
        if flags & 16 != 0 { PackedEvents.put(e.a1, p, &i) }
        if flags & 32 != 0 { PackedEvents.put(e.a2, p, &i) }
        if flags & 64 != 0 { PackedEvents.put(e.a3, p, &i) }
        if flags & 128 != 0 {
            p[i] = bad
            i += 1
        }
        wPos = i
        wPrev = e
        count += 1
    }

    @inline(never) private func nextChunk() {
        if wChunk >= 0 { used[wChunk] = wPos }
        wChunk += 1
        if wChunk == chunks.count { chunks.append(UnsafeMutablePointer<UInt8>.allocate(capacity: PackedEvents.chunkSize)) }
        used.append(0)
        wPos = 0
    }

    /// Ends writing: the events can be read.
    func finish() {
        if wChunk >= 0 { used[wChunk] = wPos }
    }

    /// Reads the next event (the caller counts them: there are `count`).
    @inline(__always) func next(into e: inout Event, bad: inout UInt8) {
        if rPos >= used[rChunk] {
            rChunk += 1
            rPos = 0
        }
        let p = chunks[rChunk]
        var i = rPos
        let type = p[i]
        let flags = p[i + 1]
        i += 2
        var ev = rPrev
        ev.type = type
        ev.time = ev.time &+ PackedEvents.unzig(PackedEvents.get(p, &i))
        if flags & 1 != 0 { ev.goroutine = PackedEvents.unzig(PackedEvents.get(p, &i)) }
        if flags & 2 != 0 { ev.proc = PackedEvents.unzig(PackedEvents.get(p, &i)) }
        if flags & 4 != 0 { ev.thread = PackedEvents.unzig(PackedEvents.get(p, &i)) }
        ev.a0 = flags & 8 != 0 ? PackedEvents.get(p, &i) : 0
        ev.a1 = flags & 16 != 0 ? PackedEvents.get(p, &i) : 0
        ev.a2 = flags & 32 != 0 ? PackedEvents.get(p, &i) : 0
        ev.a3 = flags & 64 != 0 ? PackedEvents.get(p, &i) : 0
        if flags & 128 != 0 {
            bad = p[i]
            i += 1
        } else {
            bad = 0
        }
        rPos = i
        rPrev = ev
        e = ev
    }
}

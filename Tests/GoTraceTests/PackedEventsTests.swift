import Testing
@testable import GoTrace

/// The packed event buffers that hold a generation ordered ahead until the stream gets to it:
/// whatever goes in comes out, field for field, in order.
@Suite struct PackedEventsTests {
    /// Values at every width boundary, both signs of every delta, and the extremes.
    static let edges: [UInt64] = {
        var v: [UInt64] = [0, 1, 0x7f, 0x80, UInt64.max, UInt64.max - 1, 1 << 63, (1 << 63) - 1]
        for bits in stride(from: 8, through: 64, by: 8) {
            let top: UInt64 = bits == 64 ? .max : (1 << UInt64(bits)) - 1
            v += [top, top &+ 1, top >> 1]
        }
        for bits in 50...56 { v += [(1 << UInt64(bits)) - 1, 1 << UInt64(bits), (1 << UInt64(bits)) + 1] }
        return v
    }()

    @Test func sizeCodeTableMatchesTheDefinition() {
        var rng = SplitMix(seed: 7)
        var values = PackedEventsTests.edges
        for _ in 0..<100_000 { values.append(rng.next() >> (rng.next() % 64)) }
        let wrong = values.filter { v in
            (0..<8).contains { PackedEvents.code(v, PackedEvents.codeTables, $0) != PackedEvents.code(v) << UInt32(8 + 3 * $0) }
        }
        #expect(wrong.isEmpty, "size codes differ for \(wrong.prefix(5)) (\(wrong.count) values)")
    }

    @Test func eventsComeBackAsWritten() {
        var rng = SplitMix(seed: 42)
        func value() -> UInt64 {
            switch rng.next() % 4 {
            case 0: return PackedEventsTests.edges[Int(rng.next() % UInt64(PackedEventsTests.edges.count))]
            case 1: return rng.next() % 300
            default: return rng.next() >> (rng.next() % 64)
            }
        }
        func id() -> Int64 { rng.next() % 5 == 0 ? noID : Int64(bitPattern: value()) }
        // Enough events to fill several chunks (at most 76 bytes each).
        var written: [(Event, UInt8)] = []
        var time: Int64 = 0
        for _ in 0..<200_000 {
            // Mostly increasing times, sometimes any (the buffer assumes nothing).
            time = rng.next() % 10 == 0 ? Int64(bitPattern: value()) : time &+ Int64(rng.next() % 5000)
            let e = Event(type: UInt8(truncatingIfNeeded: rng.next()), time: time, goroutine: id(), proc: id(), thread: id(),
                          a0: value(), a1: value(), a2: value(), a3: value())
            // Now and then an event with IDs its generation does not define.
            written.append((e, rng.next() % 50 == 0 ? UInt8(truncatingIfNeeded: rng.next() | 1) : 0))
        }
        let pool = ChunkPool()
        // Twice: the second time into the chunks the first one gave back (as the reader does).
        for round in 0..<2 {
            let idleBefore = pool.idle
            let packed = PackedEvents(pool: pool)
            for (e, bad) in written.dropFirst(round * 1000) { packed.append(e, bad: bad) }
            packed.finish()
            #expect(packed.count == written.count - round * 1000)
            let wantBad = written.dropFirst(round * 1000).enumerated().filter { $0.element.1 != 0 }.map { ($0.offset, $0.element.1) }
            #expect(wantBad.count > 100)
            #expect(packed.badIDs.map(\.index) == wantBad.map(\.0) && packed.badIDs.map(\.mask) == wantBad.map(\.1))
            let n = packed.chunkCount
            #expect(n >= 2, "more than one chunk written")
            // The first store allocates its chunks, the second takes the ones given back.
            #expect(pool.idle == (round == 0 ? 0 : idleBefore - n))
            var cursor = PackedEvents.Cursor(packed)
            var mismatches = 0
            for (k, (want, _)) in written.dropFirst(round * 1000).enumerated() {
                var got = Event(type: 0, time: 0, goroutine: 0, proc: 0, thread: 0)
                cursor.next(into: &got)
                let same = got.type == want.type && got.time == want.time && got.goroutine == want.goroutine
                    && got.proc == want.proc && got.thread == want.thread && got.a0 == want.a0 && got.a1 == want.a1
                    && got.a2 == want.a2 && got.a3 == want.a3
                if !same {
                    mismatches += 1
                    if mismatches <= 3 { Issue.record("round \(round) event \(k): wrote \(want), read \(got)") }
                }
            }
            // Every chunk but the last is back in the pool as soon as it has been read.
            #expect(pool.idle == idleBefore - (round == 0 ? 0 : n) + n - 1)
            packed.release()
            #expect(pool.idle == idleBefore - (round == 0 ? 0 : n) + n)
            #expect(mismatches == 0)
        }
    }

    /// The stream's bulk read: the same events in runs of any length, across chunk ends, with
    /// every time that does not increase made one more than the last.
    @Test func bulkReadsMatchAndFixTimes() {
        var rng = SplitMix(seed: 9)
        var written: [Event] = []
        var time: Int64 = 1000
        for _ in 0..<300_000 {
            // Times that sometimes repeat or go back, as events of different threads can.
            time = time &+ Int64(rng.next() % 7) &- 2
            written.append(Event(type: UInt8(truncatingIfNeeded: rng.next()), time: time,
                                 goroutine: Int64(rng.next() % 100) - 1, proc: Int64(rng.next() % 9) - 1,
                                 thread: Int64(rng.next() % 12) - 1, a0: rng.next() >> (rng.next() % 64),
                                 a1: rng.next() % 1000, a2: rng.next() >> 40, a3: rng.next() % 3 == 0 ? rng.next() : 0))
        }
        let pool = ChunkPool()
        let packed = PackedEvents(pool: pool)
        for e in written { packed.append(e, bad: 0) }
        packed.finish()
        #expect(packed.chunkCount >= 2)
        // What the stream hands out: each time at least one more than the one before.
        var want = written
        var last: Int64 = 1500
        for i in want.indices {
            if want[i].time <= last { want[i].time = last &+ 1 }
            last = want[i].time
        }
        var cursor = PackedEvents.Cursor(packed)
        let out = UnsafeMutablePointer<Event>.allocate(capacity: 5000)
        defer { out.deallocate() }
        var got: [Event] = []
        var readLast: Int64 = 1500
        var sizes = [1, 2, 3, 17, 512, 4999, 5000]
        while got.count < written.count {
            let n = min(sizes[got.count % sizes.count], written.count - got.count)
            sizes.swapAt(0, got.count % sizes.count)
            cursor.read(into: out, n, last: &readLast)
            got += UnsafeBufferPointer(start: out, count: n)
        }
        #expect(readLast == last)
        let first = got.indices.first { got[$0] != want[$0] }
        #expect(first == nil, "event \(first ?? 0): read \(first.map { got[$0] } as Any), want \(first.map { want[$0] } as Any)")
        // Every chunk but the last is back in the pool.
        #expect(pool.idle == packed.chunkCount - 1)
    }
}


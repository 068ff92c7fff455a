import Foundation
import Testing
@testable import GoTrace

/// `TraceReader.next(into:)` with a buffer hands out the stream of the one-event call, in
/// batches: the same events, a Sync only ever last in a batch with the reader's position then
/// as it was, and a broken trace's error after the same events (the batch that reaches it
/// returns the events before it, the next call throws).
@Suite struct BatchReadTests {
    /// Every event and the error, one event per call.
    /// Every event, the error, and the bytes and generations read at each Sync, one event per call.
    static func single(_ bytes: TraceBytes) -> (events: [Event], error: String?, positions: [Int]) {
        var events: [Event] = []
        var positions: [Int] = []
        do {
            let r = try TraceReader(bytes: bytes)
            var ev = Event(type: 0, time: 0, goroutine: noID, proc: noID, thread: noID)
            while try r.next(into: &ev) {
                events.append(ev)
                if ev.type == Wire.syncEvent { positions += [r.bytesRead, r.generationsRead] }
            }
            return (events, nil, positions)
        } catch {
            return (events, error.description, positions)
        }
    }

    /// The same in batches of `size`; also whether a call returned more than it was given room
    /// for, a Sync before the end of a batch, or events after the end.
    static func batched(_ bytes: TraceBytes, size: Int) -> (events: [Event], error: String?, positions: [Int], misuse: Bool) {
        var events: [Event] = []
        var positions: [Int] = []
        let buffer = UnsafeMutableBufferPointer<Event>.allocate(capacity: size)
        buffer.initialize(repeating: Event(type: 0, time: 0, goroutine: noID, proc: noID, thread: noID))
        defer { buffer.deallocate() }
        do {
            let r = try TraceReader(bytes: bytes)
            while true {
                let k = try r.next(into: buffer)
                if k < 0 || k > size { return (events, nil, positions, true) }
                if k == 0 { break }
                if buffer[0..<(k - 1)].contains(where: { $0.type == Wire.syncEvent }) { return (events, nil, positions, true) }
                events += buffer[0..<k]
                if buffer[k - 1].type == Wire.syncEvent { positions += [r.bytesRead, r.generationsRead] }
            }
            // The end stays the end.
            let again = try r.next(into: buffer)
            return (events, nil, positions, again != 0)
        } catch {
            return (events, error.description, positions, false)
        }
    }

    static func check(_ name: String, _ bytes: TraceBytes) {
        let one = single(bytes)
        for size in [1, 3, 512] {
            let b = batched(bytes, size: size)
            #expect(!b.misuse, "\(name), batches of \(size)")
            #expect(b.events == one.events, "\(name), batches of \(size): \(b.events.count) vs \(one.events.count) events")
            #expect(b.error == one.error, "\(name), batches of \(size): \(b.error ?? "-") vs \(one.error ?? "-")")
            #expect(b.positions == one.positions, "\(name), batches of \(size): positions at Syncs")
        }
    }

    @Test("every fixture reads the same in batches as one event at a time", arguments: Fixtures.all)
    func fixtures(name: String) throws {
        BatchReadTests.check(name, try TraceBytes(path: Fixtures.tracePath(name)))
    }

    @Test("cut and corrupted copies read the same in batches, error included", arguments: ["generations-go1.27.3", "generations-go1.25.5", "chains-go1.19"])
    func damaged(name: String) throws {
        let data = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Fixtures.tracePath(name))))
        var rng = SplitMix(seed: UInt64(data.count))
        var errors = 0
        for k in 0..<40 {
            var d = data
            if k % 2 == 0 {
                d = Array(data[0..<(16 + Int(rng.next() % UInt64(data.count - 16)))])
            } else {
                let i = 16 + Int(rng.next() % UInt64(d.count - 16))
                d[i] ^= 0x5a
            }
            let bytes = TraceBytes(bytes: d)
            if BatchReadTests.single(bytes).error != nil { errors += 1 }
            BatchReadTests.check("\(name) copy \(k)", bytes)
        }
        // Most copies are broken: the error path is what this test is about.
        #expect(errors >= 20, "\(name): \(errors) of 40 copies broken")
    }
}

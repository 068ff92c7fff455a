import Foundation
import Testing
@testable import GoTrace

/// Ordering generations ahead on a second core hands out exactly what the serial ordering does:
/// the same events, the same error at the same point, the same positions at every Sync.
@Suite struct OrderAheadTests {
    /// What a whole read gives: every event, the final error, and at each Sync the bytes and
    /// generations read so far.
    struct Outcome {
        var events: [Event] = []
        var error: String?
        var positions: [Int] = []
        var strings = 0
        var stacks = 0

        /// Equal as streams. The string and stack tables end the same after a whole read; when a
        /// read stops at an error, the ahead one may already hold the next generations' entries
        /// (read before the stream got to the error), after the same ones as the serial read.
        func same(as serial: Outcome) -> Bool {
            guard events == serial.events, error == serial.error, positions == serial.positions else { return false }
            if serial.error == nil { return strings == serial.strings && stacks == serial.stacks }
            return strings >= serial.strings && stacks >= serial.stacks
        }
    }

    static func read(_ bytes: TraceBytes, ahead: Bool) -> (Outcome, adopted: Int, discarded: Int) {
        var o = Outcome()
        do {
            let r = try TraceReader(bytes: bytes, orderAhead: ahead)
            var ev = Event(type: 0, time: 0, goroutine: noID, proc: noID, thread: noID)
            do {
                while try r.next(into: &ev) {
                    o.events.append(ev)
                    if ev.type == Wire.syncEvent { o.positions += [r.bytesRead, r.generationsRead] }
                }
            } catch {
                o.error = error.description
            }
            o.strings = r.tables.strings.count
            o.stacks = r.tables.stackCount
            let (a, d) = r.generationsOrderedAhead
            return (o, a, d)
        } catch {
            o.error = error.description
            return (o, 0, 0)
        }
    }

    /// Go 1.26+ traces (the framing that is ordered ahead) with several generations.
    static let multiGeneration = Fixtures.v2(with: "parsed").filter { name in
        guard let b = try? TraceBytes(path: Fixtures.tracePath(name)),
              let v = try? TraceVersion.read(b.buffer), v.minor >= 26 else { return false }
        return true
    }

    @Test("every v2 fixture reads the same ahead and serially", arguments: Fixtures.v2(with: "parsed"))
    func fixtures(name: String) throws {
        let bytes = try TraceBytes(path: Fixtures.tracePath(name))
        let (serial, _, _) = OrderAheadTests.read(bytes, ahead: false)
        let (ahead, adopted, _) = OrderAheadTests.read(bytes, ahead: true)
        // (Compared apart, so that a failure prints counts rather than every event.)
        let same = ahead.same(as: serial)
        #expect(same, "\(ahead.events.count) vs \(serial.events.count) events, \(ahead.error ?? "-") vs \(serial.error ?? "-")")
        // The generations scenario (a new generation every 4 ms) must really be read ahead.
        if name.hasPrefix("generations-") && OrderAheadTests.multiGeneration.contains(name) {
            #expect(adopted >= 3, "\(name): \(adopted) generations adopted")
        }
    }

    @Test("cut and corrupted copies read the same ahead and serially", arguments: ["generations-go1.27.3", "generations-go1.26.6", "timers-go1.27.3"])
    func damaged(name: String) throws {
        let data = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Fixtures.tracePath(name))))
        var copies: [[UInt8]] = []
        let step = max(1, data.count / 60)
        for cut in stride(from: 16, to: data.count, by: step) { copies.append(Array(data[0..<cut])) }
        var rng = SplitMix(seed: UInt64(data.count))
        for _ in 0..<150 {
            var d = data
            for _ in 0..<2 {
                let i = 16 + Int(rng.next() % UInt64(d.count - 16))
                d[i] = [0x00, 0xff, 0x80, d[i] ^ 0x5a, d[i] &+ 1, d[i] &- 1][Int(rng.next() % 6)]
            }
            copies.append(d)
        }
        var adopted = 0, discarded = 0
        for (k, d) in copies.enumerated() {
            let (serial, _, _) = OrderAheadTests.read(TraceBytes(bytes: d), ahead: false)
            let (ahead, a, x) = OrderAheadTests.read(TraceBytes(bytes: d), ahead: true)
            adopted += a
            discarded += x
            let same = ahead.same(as: serial)
            #expect(same, "\(name) copy \(k): \(ahead.events.count) vs \(serial.events.count) events, \(ahead.error ?? "-") vs \(serial.error ?? "-")")
        }
        // Both ways were taken: runs adopted, and runs thrown away (their guesses failed on the
        // damaged state) with the serial ordering taking over.
        #expect(adopted > 0)
        #expect(discarded > 0)
    }
}

/// A small deterministic generator (the copies are the same on every run).
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

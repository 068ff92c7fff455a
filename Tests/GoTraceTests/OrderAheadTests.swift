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

    static func read(_ bytes: TraceBytes, ahead: Bool, runDelay: Double = 0, oneRunAtATime: Bool = false, inline: Bool = true,
                     late: UnsafeMutablePointer<(waited: Int, adopted: [UInt64], inline: Int)>? = nil) -> (Outcome, adopted: Int, discarded: Int, behind: Int) {
        var o = Outcome()
        do {
            let r = try TraceReader(bytes: bytes, orderAhead: ahead)
            r.aheadRunDelay = runDelay
            r.aheadOneRunAtATime = oneRunAtATime
            r.aheadInlineAllowed = inline
            defer { late?.pointee = (r.aheadRunsWaitedFor, r.aheadAdoptedGenerations, r.aheadAdoptedInline) }
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
            let (a, d, b) = r.generationsOrderedAhead
            return (o, a, d, b)
        } catch {
            o.error = error.description
            return (o, 0, 0, 0)
        }
    }


    @Test("every v2 fixture reads the same ahead and serially", arguments: Fixtures.v2(with: "parsed"))
    func fixtures(name: String) throws {
        let bytes = try TraceBytes(path: Fixtures.tracePath(name))
        let (serial, _, _, _) = OrderAheadTests.read(bytes, ahead: false)
        let (ahead, adopted, _, behind) = OrderAheadTests.read(bytes, ahead: true)
        // (Compared apart, so that a failure prints counts rather than every event.)
        let same = ahead.same(as: serial)
        #expect(same, "\(ahead.events.count) vs \(serial.events.count) events, \(ahead.error ?? "-") vs \(serial.error ?? "-")")
        // The generations scenario (a new generation every 4 ms) must really be read ahead,
        // in both framings (Go 1.22–1.25 and 1.26+).
        if name.hasPrefix("generations-") {
            #expect(adopted >= 3, "\(name): \(adopted) generations adopted")
            // Small generations: the second core also runs the one after next, queued behind.
            #expect(behind >= 1, "\(name): \(behind) adopted runs queued behind another")
        }
    }

    @Test("a second core slower than the stream: it waits, orders the next generation ahead itself or hands the next but one to its own ordering, and reads the same", arguments: ["generations-go1.27.3", "generations-go1.25.5"])
    func slowRuns(name: String) throws {
        let bytes = try TraceBytes(path: Fixtures.tracePath(name))
        let (serial, _, _, _) = OrderAheadTests.read(bytes, ahead: false)
        // With a second run queued behind the first (small generations), with and without this
        // core's own runs while it waits, and with one at a time (big generations: no runs of
        // its own either, they would hold a third generation packed).
        for (oneAtATime, inline) in [(false, true), (false, false), (true, true)] {
            let what = "\(name), one at a time \(oneAtATime), inline \(inline)"
            var late: (waited: Int, adopted: [UInt64], inline: Int) = (0, [], 0)
            let (ahead, _, _, _) = OrderAheadTests.read(bytes, ahead: true, runDelay: 0.05, oneRunAtATime: oneAtATime, inline: inline, late: &late)
            let same = ahead.same(as: serial)
            #expect(same, "\(what): \(ahead.events.count) vs \(serial.events.count) events, \(ahead.error ?? "-") vs \(serial.error ?? "-")")
            #expect(late.adopted.count >= 2, "\(what): adopted \(late.adopted)")
            let gaps = zip(late.adopted.dropFirst(), late.adopted).map { $0 - $1 }
            if inline && !oneAtATime {
                // Every run starts late: the stream orders the generation after it ahead itself
                // instead of waiting, and adopts that run too (so some adopted generations are
                // consecutive).
                #expect(late.inline >= 1, "\(what): \(late.inline) runs of its own adopted")
                #expect(gaps.contains(1), "\(what): adopted \(late.adopted)")
            } else {
                #expect(late.inline == 0, "\(what): \(late.inline) runs of its own adopted")
                #expect(late.waited >= 2, "\(what): waited for \(late.waited) runs")
                // Every run late: after one, the next run queued behind another goes three
                // generations on (this core orders two in a row), not two as when the runs keep
                // up. (One run at a time, big generations, keeps alternating.)
                if !oneAtATime { #expect(gaps.contains(3), "\(what): adopted \(late.adopted)") }
            }
        }
    }

    @Test("cut and corrupted copies read the same ahead and serially", arguments: ["generations-go1.27.3", "generations-go1.26.6", "timers-go1.27.3", "generations-go1.25.5", "generations-go1.22.10"])
    func damaged(name: String) throws {
        let data = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Fixtures.tracePath(name))))
        let copies = DamagedCopies.of(data, cuts: 60, corrupted: 150, seed: UInt64(data.count))
        var adopted = 0, discarded = 0, inlineRuns = 0
        for (k, d) in copies.enumerated() {
            let (serial, _, _, _) = OrderAheadTests.read(TraceBytes(bytes: d), ahead: false)
            let (ahead, a, x, _) = OrderAheadTests.read(TraceBytes(bytes: d), ahead: true)
            adopted += a
            discarded += x
            let same = ahead.same(as: serial)
            #expect(same, "\(name) copy \(k): \(ahead.events.count) vs \(serial.events.count) events, \(ahead.error ?? "-") vs \(serial.error ?? "-")")
            // Every tenth copy again with the second core slowed down, so that the stream makes
            // runs of its own while it waits, on damaged state too.
            if k % 10 == 0 {
                var late: (waited: Int, adopted: [UInt64], inline: Int) = (0, [], 0)
                let (slow, _, _, _) = OrderAheadTests.read(TraceBytes(bytes: d), ahead: true, runDelay: 0.005, late: &late)
                inlineRuns += late.inline
                let same = slow.same(as: serial)
                #expect(same, "\(name) copy \(k), slowed: \(slow.events.count) vs \(serial.events.count) events, \(slow.error ?? "-") vs \(serial.error ?? "-")")
            }
        }
        if name.hasPrefix("generations-") { #expect(inlineRuns > 0, "\(name): no runs of the stream's own adopted") }
        // Both ways were taken: runs adopted, and runs thrown away (their guesses failed on the
        // damaged state) with the serial ordering taking over.
        #expect(adopted > 0)
        #expect(discarded > 0)
    }
}


/// Hand-written Go 1.26 traces whose state crosses a generation boundary, some consistent and
/// some not, so that the second generation's run guesses right or wrong: each must read as the
/// serial ordering reads it (and a wrong guess must be caught, not adopted).
@Suite struct OrderAheadGuessTests {
    /// A Go 1.26 trace from the text form of its generations' thread batches (batch sizes,
    /// the Sync/Frequency/ClockSnapshot, Stacks and Strings batches and the end-of-generation
    /// markers are added). `strings` are the string table of every generation.
    static func trace(_ generations: [[(m: Int, events: [String])]], strings: [String] = ["r", "s"]) throws -> [UInt8] {
        var text = "Trace Go1.26\n"
        for (k, batches) in generations.enumerated() {
            let gen = k + 1
            let t = 100 * k
            text += "EventBatch gen=\(gen) m=18446744073709551615 time=\(t) size=0\nSync\nFrequency freq=15625000\nClockSnapshot dt=1 mono=\(t + 1) sec=1 nsec=1\n"
            for b in batches {
                text += "EventBatch gen=\(gen) m=\(b.m) time=\(t + 1 + b.m) size=0\n" + b.events.map { $0 + "\n" }.joined()
            }
            text += "EventBatch gen=\(gen) m=18446744073709551615 time=\(t) size=0\nStacks\n"
            text += "EventBatch gen=\(gen) m=18446744073709551615 time=\(t) size=0\nStrings\n"
            for (i, s) in strings.enumerated() { text += "String id=\(i + 1)\n\tdata=\"\(s)\"\n" }
            text += "EndOfGeneration\n"
        }
        var raw = try RawTrace(text: text)
        // Each batch's size: the bytes of its records up to the next batch or marker.
        for i in raw.records.indices where raw.records[i].type == Wire.eventBatch {
            var size = 0
            var j = i + 1
            while j < raw.records.count, raw.records[j].type != Wire.eventBatch, raw.records[j].type != Wire.endOfGeneration {
                size += raw.records[j].encoded().count
                j += 1
            }
            raw.records[i].args[3] = UInt64(size)
        }
        return raw.encoded()
    }

    /// Reads `bytes` both ways; they must agree. Returns the serial outcome and the ahead counts.
    static func compare(_ bytes: [UInt8]) -> (OrderAheadTests.Outcome, adopted: Int, discarded: Int) {
        let (serial, _, _, _) = OrderAheadTests.read(TraceBytes(bytes: bytes), ahead: false)
        let (ahead, a, d, _) = OrderAheadTests.read(TraceBytes(bytes: bytes), ahead: true)
        let same = ahead.same(as: serial)
        #expect(same, "\(ahead.events.count) vs \(serial.events.count) events, \(ahead.error ?? "-") vs \(serial.error ?? "-")")
        return (serial, a, d)
    }

    static let running = ["ProcStatus dt=1 p=0 pstatus=1", "GoStatus dt=1 g=1 m=0 gstatus=2"]

    @Test("a region begun in one generation ends in the next")
    func regionAcross() throws {
        let b = try Self.trace([[(0, Self.running + ["UserRegionBegin dt=1 task=0 name_string=1 stack=0"])],
                                [(0, Self.running + ["UserRegionEnd dt=1 task=0 name_string=1 stack=0"])]])
        let (serial, adopted, _) = Self.compare(b)
        #expect(serial.error == nil)
        #expect(adopted == 1)
    }

    @Test("a region ended in the next generation is not the one begun: Go's error, not the guess")
    func regionMisuse() throws {
        let b = try Self.trace([[(0, Self.running + ["UserRegionBegin dt=1 task=0 name_string=1 stack=0"])],
                                [(0, Self.running + ["UserRegionEnd dt=1 task=0 name_string=2 stack=0"])]])
        let (serial, adopted, discarded) = Self.compare(b)
        #expect(serial.error?.contains("misuse of region") == true)
        #expect(adopted == 0 && discarded == 1)
    }

    @Test("a mark assist in flight over the boundary, and one that never began")
    func assists() throws {
        let across = try Self.trace([[(0, Self.running + ["GCMarkAssistBegin dt=1 stack=0"])],
                                     [(0, Self.running + ["GCMarkAssistActive dt=1 g=1", "GCMarkAssistEnd dt=1"])]])
        let (ok, adopted, _) = Self.compare(across)
        #expect(ok.error == nil)
        #expect(adopted == 1)
        let never = try Self.trace([[(0, Self.running)],
                                    [(0, Self.running + ["GCMarkAssistActive dt=1 g=1"])]])
        let (bad, adopted2, discarded) = Self.compare(never)
        #expect(bad.error?.contains("missing active range") == true)
        #expect(adopted2 == 0 && discarded == 1)
    }

    @Test("a proc sweeping over the boundary: its ProcStatus comes before its GCSweepActive or GCSweepEnd")
    func sweepAcross() throws {
        let begun = Self.running + ["GCSweepBegin dt=1 stack=0"]
        for second in [["GCSweepActive dt=1 p=0", "GCSweepEnd dt=1 swept_value=1 reclaimed_value=1"],
                       ["GCSweepEnd dt=1 swept_value=1 reclaimed_value=1"]] {
            let b = try Self.trace([[(0, begun)], [(0, Self.running + second)]])
            let (serial, adopted, _) = Self.compare(b)
            #expect(serial.error == nil, "\(second): \(serial.error ?? "")")
            #expect(adopted == 1, "\(second)")
        }
    }

    @Test("a sweep found active, or ended, in the next generation that never began: Go's error, not the guess")
    func sweepNeverBegun() throws {
        for (second, message) in [("GCSweepActive dt=1 p=0", "missing active range"),
                                  ("GCSweepEnd dt=1 swept_value=1 reclaimed_value=1", "not in-flight")] {
            let b = try Self.trace([[(0, Self.running)], [(0, Self.running + [second])]])
            let (serial, adopted, discarded) = Self.compare(b)
            #expect(serial.error?.contains(message) == true, "\(second): \(serial.error ?? "no error")")
            #expect(adopted == 0 && discarded == 1, "\(second)")
        }
    }

    @Test("a task begun in one generation ends in the next: its parent and type come from the first")
    func taskAcross() throws {
        let b = try Self.trace([[(0, Self.running + ["UserTaskBegin dt=1 task=5 parent_task=0 name_string=2 stack=0"])],
                                [(0, Self.running + ["UserTaskEnd dt=1 task=5 stack=0"])]])
        let (serial, adopted, _) = Self.compare(b)
        #expect(serial.error == nil)
        #expect(adopted == 1)
        // The TaskEnd carries the type string of the TaskBegin a generation before.
        let end = serial.events.first { $0.type == Wire.userTaskEnd }
        #expect(end?.a3 != 0)
    }

    @Test("a thread keeps its goroutine and proc over the boundary without a status event")
    func contextAcross() throws {
        let b = try Self.trace([[(0, Self.running + ["GoStop dt=1 reason_string=1 stack=0", "GoStart dt=1 g=1 g_seq=1"])],
                                [(0, ["GoBlock dt=5 reason_string=1 stack=0"])]])
        let (serial, adopted, _) = Self.compare(b)
        #expect(serial.error == nil)
        #expect(adopted == 1)
    }

    @Test("a proc stolen from a thread in a syscall by another thread: the thread's own events guess wrong")
    func stolenProc() throws {
        let b = try Self.trace([[(0, Self.running + ["GoSyscallBegin dt=1 p_seq=1 stack=0"]),
                                 (1, ["ProcSteal dt=5 p=0 p_seq=2 m=0"])],
                                [(0, ["GoStatus dt=1 g=1 m=0 gstatus=3", "GoSyscallEndBlocked dt=1"])]])
        let (serial, adopted, discarded) = Self.compare(b)
        #expect(serial.error == nil, "\(serial.error ?? "")")
        #expect(adopted == 0 && discarded == 1)
    }
}

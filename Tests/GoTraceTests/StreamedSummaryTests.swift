import Foundation
import Testing
@_spi(Testing) @testable import GoTrace

/// `TraceSummary.stream` (each generation counted on the core that orders it) says exactly what
/// the summary of the loaded trace says, resident bytes aside, whichever core ordered what.
@Suite struct StreamedSummaryTests {
    /// The summary as JSON with its keys sorted, resident bytes left out.
    static func text(_ s: TraceSummary) throws -> String {
        var s = s
        s.residentBytes = nil
        s.residentBytesPerEvent = nil
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return String(decoding: try e.encode(s), as: UTF8.self)
    }

    /// The loaded trace's summary, or its error.
    static func loaded(_ bytes: TraceBytes) -> String {
        do { return try text(TraceSummary(Trace.load(bytes: bytes))) } catch { return "error: \(error)" }
    }

    /// The streamed summary (with the reader set up by `setUp`), or its error, and the reader's
    /// runs: adopted, the stream's own, and those of its own it took back from the second core's
    /// queue.
    static func streamed(_ bytes: TraceBytes, ahead: Bool = true, setUp: (TraceReader) -> Void = { _ in }) -> (String, adopted: Int, inline: Int, claimed: Int) {
        do {
            let r = try TraceReader(bytes: bytes, orderAhead: ahead)
            setUp(r)
            let s = try TraceSummary.stream(r, fileBytes: bytes.count)
            return (try text(s), r.generationsOrderedAhead.adopted, r.aheadAdoptedInline, r.aheadClaimed)
        } catch {
            return ("error: \(error)", 0, 0, 0)
        }
    }

    @Test("every fixture: the streamed summary is the loaded one", arguments: Fixtures.all)
    func fixtures(name: String) throws {
        let bytes = try TraceBytes(path: Fixtures.tracePath(name))
        let want = Self.loaded(bytes)
        let (got, adopted, _, claimed) = Self.streamed(bytes)
        #expect(got == want)
        #expect(!want.hasPrefix("error"))
        if name.hasSuffix("-truncated") { #expect(want.contains("\"lossMessage\":\"Lost ")) }
        // Generations counted where they were ordered, not handed over.
        if name.hasPrefix("generations-") && Fixtures.v2(with: "parsed").contains(name) { #expect(adopted >= 3, "\(name): \(adopted) generations adopted (\(claimed) taken back)") }
        // And with everything ordered on this thread.
        let (serial, _, _, _) = Self.streamed(bytes, ahead: false)
        #expect(serial == want)
    }

    @Test("a second core slower than the stream: the stream counts runs of its own while it waits", arguments: ["generations-go1.27.3", "generations-go1.25.5"])
    func slowRuns(name: String) throws {
        let bytes = try TraceBytes(path: Fixtures.tracePath(name))
        let want = Self.loaded(bytes)
        for oneAtATime in [false, true] {
            let (got, adopted, inline, claimed) = Self.streamed(bytes) {
                $0.aheadRunDelay = 0.05
                $0.aheadOneRunAtATime = oneAtATime
            }
            #expect(got == want, "one at a time \(oneAtATime)")
            // Most of the generations, including after a run thrown away (a run of the stream's
            // own is then still queued for the next one: the second core goes on after it).
            #expect(adopted >= 6, "one at a time \(oneAtATime): \(adopted) adopted (\(claimed) taken back)")
            // Counting, a run of its own costs the stream no more than ordering later would:
            // it makes one whenever it would wait, one run queued or two.
            #expect(inline >= 1, "one at a time \(oneAtATime): \(inline) runs of its own")
        }
    }

    @Test("a second core slow to take its runs: the stream takes queued ones back while it waits", arguments: ["generations-go1.27.3", "generations-go1.25.5"])
    func claimedRuns(name: String) throws {
        let bytes = try TraceBytes(path: Fixtures.tracePath(name))
        let want = Self.loaded(bytes)
        for runDelay in [0, 0.02] {
            let r = try TraceReader(bytes: bytes)
            r.aheadTakeDelay = 0.05
            r.aheadRunDelay = runDelay
            let got = try Self.text(TraceSummary.stream(r, fileBytes: bytes.count))
            #expect(got == want, "run delay \(runDelay)")
            // The fixture's generations take the stream well under the 50 ms the second core
            // waits before each take: while it waits, the next run is still queued.
            #expect(r.aheadClaimed >= 1, "run delay \(runDelay): \(r.aheadClaimed) runs taken back")
        }
    }

    /// The streamed summary with every generation the stream takes back, makes or waits for cut
    /// in two between the cores (`aheadSplitAlways`), and the reader's tails: made, adopted,
    /// ordered on by the stream itself from the cut, and dropped with their first part.
    static func split(_ bytes: TraceBytes, setUp: (TraceReader) -> Void = { _ in }) -> (String, made: Int, adopted: Int, orderedHere: Int, dropped: Int) {
        do {
            let r = try TraceReader(bytes: bytes)
            r.aheadSplitAlways = true
            setUp(r)
            let s = try TraceSummary.stream(r, fileBytes: bytes.count)
            let t = r.aheadTails
            return (try text(s), t.made, t.adopted, t.orderedHere, t.dropped)
        } catch {
            return ("error: \(error)", 0, 0, 0, 0)
        }
    }

    @Test("generations cut in two between the cores: the tails' guesses hold and they are adopted, and the summary is the loaded one", arguments: ["generations-go1.27.3", "generations-go1.25.5", "generations-go1.23.9", "generations-go1.22.10"])
    func splitGenerations(name: String) throws {
        let bytes = try TraceBytes(path: Fixtures.tracePath(name))
        let want = Self.loaded(bytes)
        var made = 0, adopted = 0
        // A second core slower than the stream: the stream makes runs of its own (cut, their
        // tails to the second core) and waits for the second core's (cut, their tails its own).
        // The stream waits for every tail the second core has queued (on these small
        // generations it would mostly take them back before they start).
        for runDelay in [0.0, 0.01, 0.03] {
            let (got, m, a, here, dropped) = Self.split(bytes) {
                $0.aheadRunDelay = runDelay
                $0.aheadTailWait = true
            }
            #expect(got == want, "run delay \(runDelay)")
            #expect(a + here + dropped == m, "run delay \(runDelay): \(m) tails, \(a) adopted, \(here) ordered here, \(dropped) dropped")
            made += m
            adopted += a
        }
        #expect(made >= 3, "\(made) tails made")
        // The guesses at the cut (sequence numbers, threads' goroutines and procs) hold on a real
        // trace, and its ties between threads touch nothing in common, most of the time.
        #expect(adopted * 4 >= made * 3, "\(adopted) of \(made) tails adopted")
    }

    /// A one-generation Go 1.26 trace on two threads, 0 and 5: one runs goroutine 1 and stops
    /// it at tick `stop`, the other starts it at tick 10 (thread 0 on proc 0, thread 5 on proc
    /// 1). The generation is cut where thread 5's batch begins (tick 6: its batch holds most of
    /// the bytes).
    static func handover(stop: Int, stopper: Int = 0, startSeq: Int = 1) throws -> TraceBytes {
        let heap = (1...12).map { "HeapAlloc dt=1 heapalloc_value=\($0)" }
        let batches: [(m: Int, events: [String])]
        if stopper == 0 {
            batches = [(0, ["ProcStatus dt=1 p=0 pstatus=1", "GoStatus dt=1 g=1 m=0 gstatus=2", "GoStop dt=\(stop - 3) reason_string=1 stack=0"]),
                       (5, ["ProcStatus dt=1 p=1 pstatus=1", "GoStart dt=3 g=1 g_seq=\(startSeq)"] + heap)]
        } else {
            batches = [(0, ["ProcStatus dt=1 p=0 pstatus=1", "GoStart dt=8 g=1 g_seq=1"]),
                       (5, ["ProcStatus dt=1 p=1 pstatus=1", "GoStatus dt=1 g=1 m=5 gstatus=2", "GoStop dt=\(stop - 8) reason_string=1 stack=0"] + heap)]
        }
        return TraceBytes(bytes: try OrderAheadGuessTests.trace([batches]))
    }

    @Test("a tail from inside the first generation: its guesses (a running goroutine, its sequence number, the threads' goroutines and procs) hold, and it is adopted")
    func splitHandover() throws {
        let bytes = try Self.handover(stop: 9)
        let want = Self.loaded(bytes)
        #expect(!want.hasPrefix("error"), "\(want)")
        let (got, made, adopted, here, _) = Self.split(bytes) { $0.aheadTailWait = true }
        #expect(got == want)
        #expect(made == 1 && adopted == 1, "\(made) tails, \(adopted) adopted, \(here) ordered here")
    }

    @Test("a tail that guessed a sequence number wrong (a goroutine started with the number after next): not adopted, and the stream's own ordering gives Go's error")
    func splitWrongSequence() throws {
        let bytes = try Self.handover(stop: 9, startSeq: 2)
        let want = Self.loaded(bytes)
        #expect(want.contains("failed to advance"), "\(want)")
        let (got, made, adopted, here, _) = Self.split(bytes) { $0.aheadTailWait = true }
        #expect(got == want)
        #expect(made == 1 && adopted == 0 && here == 1, "\(made) tails, \(adopted) adopted, \(here) ordered here")
    }

    @Test("a tail whose threads have events of the same time touching one goroutine (its stop and its start): not adopted, the stream orders it from the cut", arguments: [0, 5])
    func splitTie(stopper: Int) throws {
        let bytes = try Self.handover(stop: 10, stopper: stopper)
        let want = Self.loaded(bytes)
        #expect(!want.hasPrefix("error"), "\(want)")
        // (The tail's heap takes one of the two first: the start, which is not ready then, or
        // the stop, which makes the start ready: then the two events touch goroutine 1.)
        let (got, made, adopted, here, _) = Self.split(bytes) { $0.aheadTailWait = true }
        #expect(got == want)
        #expect(made == 1 && adopted == 0 && here == 1, "\(made) tails, \(adopted) adopted, \(here) ordered here")
    }

    @Test("a second core slow to take its runs: tails it never started are ordered by the stream from the cut", arguments: ["generations-go1.27.3", "generations-go1.25.5"])
    func splitTailsTakenBack(name: String) throws {
        let bytes = try TraceBytes(path: Fixtures.tracePath(name))
        let want = Self.loaded(bytes)
        let (got, made, adopted, here, _) = Self.split(bytes) { $0.aheadTakeDelay = 0.05 }
        #expect(got == want)
        #expect(made >= 1 && here >= 1, "\(made) tails, \(adopted) adopted, \(here) ordered here")
    }

    @Test("cut and corrupted copies, generations cut in two: the streamed summary is the loaded one, or the same error", arguments: ["generations-go1.27.3", "generations-go1.25.5"])
    func splitDamaged(name: String) throws {
        let data = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Fixtures.tracePath(name))))
        let copies = DamagedCopies.of(data, cuts: 30, corrupted: 60, seed: UInt64(data.count) &+ 11)
        var made = 0
        for (k, d) in copies.enumerated() {
            let want = Self.loaded(TraceBytes(bytes: d))
            let (got, m, _, _, _) = Self.split(TraceBytes(bytes: d)) { $0.aheadRunDelay = k % 3 == 0 ? 0.005 : 0 }
            made += m
            #expect(got == want, "\(name) copy \(k)")
        }
        #expect(made > 0)
    }

    @Test("cut and corrupted copies: the streamed summary is the loaded one, or the same error", arguments: ["generations-go1.27.3", "generations-go1.25.5", "timers-go1.27.3"])
    func damaged(name: String) throws {
        let data = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Fixtures.tracePath(name))))
        let copies = DamagedCopies.of(data, cuts: 40, corrupted: 100, seed: UInt64(data.count) &+ 7)
        var adopted = 0, broken = 0
        for (k, d) in copies.enumerated() {
            let want = Self.loaded(TraceBytes(bytes: d))
            let (got, a, _, _) = Self.streamed(TraceBytes(bytes: d)) { if k % 5 == 0 { $0.aheadRunDelay = 0.005 } }
            adopted += a
            if want.hasPrefix("error") || want.contains("\"error\":") { broken += 1 }
            #expect(got == want, "\(name) copy \(k)")
        }
        #expect(adopted > 0)
        #expect(broken > 0)
    }

    @Test("the time fix after a generation counted elsewhere: max(its own fixed last, last + events)")
    func fixedLastComposes() {
        var rng = SplitMix(seed: 42)
        for _ in 0..<300 {
            let n = Int(rng.next() % 40)
            // Times that often do not increase, around a start that may be above them.
            let times = (0..<n).map { _ in Int64(rng.next() % 60) }
            let start = Int64(rng.next() % 80)
            var serial = start
            for t in times { serial = t > serial ? t : serial + 1 }
            let c = CensusCounter()
            for t in times {
                withUnsafePointer(to: Event(type: 1, time: t, goroutine: noID, proc: noID, thread: noID)) { c.append($0, bad: 0) }
            }
            #expect(max(c.fixedLast, start &+ Int64(c.events)) == serial, "\(times) from \(start)")
        }
    }

    @Test("IDSet counts and merges like Set<Int64>, dense, sparse, negative and huge IDs")
    func idSet() {
        var rng = SplitMix(seed: 9)
        let a = IDSet(), b = IDSet()
        var sa = Set<Int64>(), sb = Set<Int64>()
        for i in 0..<20_000 {
            let id: Int64
            switch i % 4 {
            case 0: id = Int64(rng.next() % 5_000)  // dense
            case 1: id = Int64(bitPattern: rng.next())  // anywhere, negative too
            case 2: id = Int64.max - Int64(rng.next() % 100)
            default: id = Int64.min + Int64(rng.next() % 100)
            }
            if rng.next() % 2 == 0 { a.insert(id); sa.insert(id) } else { b.insert(id); sb.insert(id) }
        }
        #expect(a.count == sa.count && sa.allSatisfy(a.contains))
        #expect(b.count == sb.count && sb.allSatisfy(b.contains))
        #expect(sa.allSatisfy { a.contains($0) } && !sb.subtracting(sa).contains { a.contains($0) })
        a.formUnion(b)
        #expect(a.count == sa.union(sb).count && sa.union(sb).allSatisfy(a.contains))
    }
}

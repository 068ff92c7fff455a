import Foundation
import GoTrace
import Testing
@testable import GoTraceAnalysis

/// Timeline series against `go tool trace`'s own /jsontrace (proc view) counters: "Heap",
/// "Goroutines", "Threads" (goldens in Fixtures/analysis/series), exactly, and the viewer's
/// "GC concurrent mark phase" slices against our GC cycles. Times are ns from the trace start.
@Suite struct SeriesConformanceTests {
    typealias F = MMUFixtures

    @Test("every fixture trace has a series golden")
    func everyFixtureHasGolden() {
        let goldens = Set(F.names("series"))
        #expect(!goldens.isEmpty)
        for t in F.traces { #expect(goldens.contains(t), "no Fixtures/analysis/series/\(t).json") }
    }

    /// Compares rows of integers, reporting the first difference only.
    func compareRows(_ name: String, _ what: String, got: [[Int64]], want: [[Any]]) {
        #expect(got.count == want.count, "\(name) \(what): \(got.count) samples, Go \(want.count)")
        for (i, (g, w)) in zip(got, want).enumerated() {
            let wi = w.map { F.jInt($0) ?? Int64.min }
            if g != wi {
                Issue.record("\(name) \(what) sample \(i): \(g), Go \(wi)")
                return
            }
        }
    }

    @Test("counters equal the trace viewer's", arguments: F.names("series"))
    func counters(_ name: String) throws {
        let golden = try F.golden("series", name)
        let trace = try F.load(name)
        let s = TimelineSeries.compute(trace)
        // The viewer's times are relative to Go's first event (kept in the MMU golden).
        let t0 = try #require(F.jInt(try F.golden("mmu", name)["startTime"]))
        #expect(s.startTime == t0, "\(name): trace start \(s.startTime), Go \(t0)")
        compareRows(name, "Heap", got: s.heap.map { [$0.time - t0, Int64(bitPattern: $0.allocated), Int64(bitPattern: $0.nextGC)] },
                    want: golden["heap"] as? [[Any]] ?? [])
        compareRows(name, "Goroutines", got: s.goroutines.map { [$0.time - t0, $0.running, $0.runnable, $0.gcWaiting] },
                    want: golden["goroutines"] as? [[Any]] ?? [])
        compareRows(name, "Threads", got: s.threads.map { [$0.time - t0, $0.running, $0.inSyscall] },
                    want: golden["threads"] as? [[Any]] ?? [])
    }

    @Test("GC cycles equal the trace viewer's GC slices", arguments: F.names("series"))
    func gcSlices(_ name: String) throws {
        let golden = try F.golden("series", name)
        let trace = try F.load(name)
        let gc = GCAnalysis.compute(trace)
        let t0 = try #require(F.jInt(try F.golden("mmu", name)["startTime"]))
        // The viewer draws each cycle from its start (the trace start for one already running) to
        // its end (the trace end for one still running); sorted by start.
        let got = gc.cycles.map { [$0.start - t0, $0.duration] }.sorted { $0[0] < $1[0] }
        compareRows(name, "GC", got: got, want: golden["gc"] as? [[Any]] ?? [])
    }

    @Test("series are consistent with the event stream", arguments: F.names("series"))
    func consistency(_ name: String) throws {
        let trace = try F.load(name)
        let s = TimelineSeries.compute(trace)
        for (a, b) in zip(s.goroutines, s.goroutines.dropFirst()) { #expect(a.time <= b.time) }
        for (a, b) in zip(s.heap, s.heap.dropFirst()) { #expect(a.time <= b.time) }
        for x in s.syscalls { #expect(x.goroutines >= 0, "\(name): negative syscall count at \(x.time)") }
        // Each heap sample carries the HeapAlloc / HeapGoal values in force after its event (event
        // times are unique), and every change of them has a sample.
        var alloc: UInt64 = 0, goal: UInt64 = 0
        var want: [HeapSample] = []
        for ev in trace.events where ev.type == Wire.heapAlloc || ev.type == Wire.heapGoal {
            if ev.type == Wire.heapAlloc { alloc = ev.metricValue } else { goal = ev.metricValue > 1 << 50 ? 0 : ev.metricValue }
            if want.last.map({ $0.allocated != alloc || $0.goal != goal }) ?? (alloc != 0 || goal != 0) {
                want.append(HeapSample(time: ev.time, allocated: alloc, goal: goal))
            }
        }
        #expect(s.heap == want, "\(name): heap samples")
    }
}

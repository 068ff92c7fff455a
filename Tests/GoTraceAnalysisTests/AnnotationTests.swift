import Foundation
import GoTrace
import Testing
@testable import GoTraceAnalysis

/// Task and region analyses on the annotations fixture (numbers cross-checked against Go's
/// goldens by GoroutineConformanceTests; here: the page-level behaviour built on them).
@Suite struct AnnotationTests {
    static let fixture = "annotations-go1.27.3"

    static func summaries() throws -> GoroutineSummaries {
        try GoroutineSummarizer.summarize(path: GoroutineGoldens.tracePath(fixture)).summaries
    }

    @Test("histogram buckets are Go's (5 per decade, BucketMin truncated)")
    func histogramBuckets() {
        #expect(TimeHistogram.bucket(of: 0) == 0)
        #expect(TimeHistogram.bucket(of: 1) == 0)
        // Values from Go 1.27.3 (`int(math.Log(d) / logDiv)`): exact powers of ten fall one bucket
        // low in floating point, as in Go.
        #expect(TimeHistogram.bucket(of: 10) == 4)
        #expect(TimeHistogram.bucket(of: 12) == 5)
        #expect(TimeHistogram.bucket(of: 10_000) == 19)
        #expect(TimeHistogram.bucket(of: 12_000) == 20)
        #expect(TimeHistogram.bucket(of: 15_848) == 20)
        #expect(TimeHistogram.bucket(of: 15_849) == 21)
        #expect(TimeHistogram.bucketMin(20) == 10_000)
        #expect(TimeHistogram.bucketMin(21) == 15_848)
        var h = TimeHistogram()
        h.add(12_000)
        h.add(30_000)
        #expect(h.count == 2 && h.minBucket == 20 && h.maxBucket == 22)
        #expect(h.rows.map(\.count) == [1, 0, 1])
    }

    @Test("task types, complete-only histograms and the background task")
    func taskTypes() throws {
        let s = try Self.summaries()
        let golden = try GoroutineGoldens.golden(Self.fixture)
        #expect(s.taskTypes.map(\.type) == golden.taskTypes.map(\.type))
        #expect(s.taskTypes.map(\.count) == golden.taskTypes.map(\.count))
        #expect(s.task(id: 0)?.name == "")
        let grandchildren = s.tasks(type: "grandchild-task")
        #expect(grandchildren.count == 3 && grandchildren.allSatisfy { $0.isComplete && $0.parent == 3 })
        #expect(s.tasks(complete: false).map(\.id) == golden.tasks.filter { !$0.complete }.map(\.id))
        // Latency bounds select complete tasks only.
        let all = s.tasks(latMin: 0)
        #expect(all.count == golden.tasks.filter(\.complete).count)
        // Text search: type, region type, log category or message.
        #expect(s.tasks(text: "compute").count == 3)
        #expect(s.tasks(text: "sending").map(\.id) == [7])
    }

    @Test("incomplete tasks and open regions are bounded by the trace")
    func intervals() throws {
        let s = try Self.summaries()
        let unended = try #require(s.tasks(type: "unended-task").first)
        #expect(!unended.isComplete)
        #expect(s.interval(of: unended).end == s.traceEnd)
        for r in s.listedRegions.map({ s.regions[$0] }) {
            let i = s.interval(of: r)
            #expect(i.start >= s.traceStart && i.end <= s.traceEnd && i.start <= i.end)
        }
    }

    @Test("task event list as Go's /usertask page describes it")
    func eventLines() throws {
        let s = try Self.summaries()
        let task = try #require(s.task(id: 6))
        let lines = s.eventLines(of: task)
        #expect(lines.map(\.what) == [
            "task \"grandchild-task\" (ID 6, parent 3) begin",
            "region \"compute\" begin",
            "log (category: result): \"199990000\"",
            "region \"compute\" end",
            "task end",
        ])
        #expect(lines.allSatisfy { $0.goroutine == 24 })
        #expect(lines.first?.elapsed == lines.first.map { $0.time - s.traceStart })
        for (a, b) in zip(lines, lines.dropFirst()) { #expect(b.elapsed == b.time - a.time) }
    }

    @Test("region types group by type and outermost start frame")
    func regionTypes() throws {
        let s = try Self.summaries()
        let golden = try GoroutineGoldens.golden(Self.fixture)
        #expect(s.regionTypes.map(\.type) == golden.regionTypes.map(\.type))
        #expect(s.regionTypes.map { $0.frame?.function ?? "" } == golden.regionTypes.map(\.func))
        let compute = s.regions(type: "compute")
        #expect(compute.count == 3)
        let pc = try #require(s.regionTypes.first { $0.type == "compute" }?.frame?.pc)
        #expect(s.regions(type: "compute", pc: pc).count == 3)
        #expect(s.regions(type: "compute", pc: pc &+ 1).isEmpty)
        let d = compute.map { s.duration(of: s.regions[$0]) }
        #expect(s.regions(type: "compute", latMin: d.max()).count == 1)
        #expect(s.regions(type: "compute", latMax: d.min()).count == 1)
    }

    @Test("logs keep their task, category and message")
    func logs() throws {
        let s = try Self.summaries()
        let golden = try GoroutineGoldens.golden(Self.fixture)
        #expect(s.logs.count == golden.tasks.reduce(0) { $0 + $1.logs.count })
        #expect(s.logs.map(\.time) == s.logs.map(\.time).sorted())
        #expect(s.logs.filter { $0.taskID == 0 }.map(\.message) == ["no task"])
    }

    @Test("Go's %q quoting")
    func quoting() {
        #expect(goQuote("a\"b\\c\n") == "\"a\\\"b\\\\c\\n\"")
        #expect(goQuote("µs") == "\"µs\"")
        #expect(goQuote("\u{01}") == "\"\\x01\"")
    }
}

import Foundation
import GoTrace
import Testing
@testable import GoTraceAnalysis

/// Our goroutine summaries against Go 1.27.3's Summarizer, for every fixture (v1 and v2):
/// exact equality of every nanosecond value, region, task and page aggregate.
@Suite struct GoroutineConformanceTests {
    @Test("goroutine, task and region summaries equal Go's", arguments: GoroutineGoldens.fixtures)
    func matchesGo(fixture: String) throws {
        let golden = try GoroutineGoldens.golden(fixture)
        let path = GoroutineGoldens.tracePath(fixture)
        let ours = GoroutineGoldens.ours(try GoroutineSummarizer.summarize(path: path).summaries)
        #expect(ours.startTime == golden.startTime)
        let diffs = GoroutineGoldens.differences(ours, golden)
        #expect(diffs.isEmpty, Comment(rawValue: "\(fixture):\n" + diffs.joined(separator: "\n")))
        #expect(ours == golden)
    }

    @Test("every fixture has a golden")
    func goldensPresent() {
        let fixtures = GoroutineGoldens.fixtures
        #expect(fixtures.count > 0)
        for f in fixtures {
            #expect(FileManager.default.fileExists(atPath: GoroutineGoldens.goldens.appendingPathComponent(f + ".json").path), "\(f)")
        }
    }

    @Test("a loaded Trace summarizes like the stream when the trace is whole")
    func loadedTraceMatchesStream() throws {
        let path = GoroutineGoldens.tracePath("annotations-go1.27.3")
        let trace = try Trace.load(path: path)
        let a = GoroutineGoldens.ours(GoroutineSummarizer.summarize(trace))
        let b = GoroutineGoldens.ours(try GoroutineSummarizer.summarize(path: path).summaries)
        #expect(a == b)
    }
}

import Testing
@testable import GoTraceAnalysis

@Suite struct AnalysisTests {
    @Test("durations print as Go's time.Duration does")
    func goDuration() {
        #expect(Analysis.goDuration(0) == "0s")
        #expect(Analysis.goDuration(1) == "1ns")
        #expect(Analysis.goDuration(1_500) == "1.5µs")
        #expect(Analysis.goDuration(1_500_000) == "1.5ms")
        #expect(Analysis.goDuration(2_000_000_000) == "2s")
        #expect(Analysis.goDuration(123_456_789_000) == "2m3.456789s")
        #expect(Analysis.goDuration(3_723_000_000_000) == "1h2m3s")
        #expect(Analysis.goDuration(-1_500_000) == "-1.5ms")
    }
}

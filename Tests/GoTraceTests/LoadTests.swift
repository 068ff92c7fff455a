import Foundation
import Testing
@testable import GoTrace

/// The loaded, indexable trace: same events as the stream, Go's partial-trace policy.
@Suite struct LoadTests {
    static let complete = Fixtures.v2(with: "parsed").filter { !$0.hasSuffix("-truncated") }

    @Test("the compact store returns exactly the streamed events", arguments: complete)
    func storeRoundTrip(name: String) throws {
        let bytes = try TraceBytes(path: Fixtures.tracePath(name))
        let reader = try TraceReader(bytes: bytes)
        var streamed: [Event] = []
        while let e = try reader.next() { streamed.append(e) }
        let trace = try Trace.load(bytes: bytes)
        #expect(trace.error == nil)
        #expect(trace.events.count == streamed.count)
        #expect(Array(trace.events) == streamed)
        // Random access, including block boundaries.
        for i in [0, 1, 255, 256, 257, streamed.count / 2, streamed.count - 1] where i >= 0 && i < streamed.count {
            #expect(trace.events.event(at: i) == streamed[i])
        }
        #expect(trace.events.event(at: streamed.count) == nil)
        // The store stays well under the 16 bytes/event target.
        #expect(Double(trace.events.encodedBytes) / Double(streamed.count) <= 16)
    }

    @Test("a broken last generation keeps every complete one", arguments: Fixtures.v2(with: "parsed").filter { $0.hasSuffix("-truncated") })
    func truncated(name: String) throws {
        let want = try Fixtures.expectation(name, "parsed")
        // Go keeps the events up to and including the last Sync it printed.
        let lines = want.stdout.split(separator: "\n", omittingEmptySubsequences: false).filter { $0.hasPrefix("M=") }
        let lastSync = try #require(lines.lastIndex { $0.contains(" Sync ") })
        let trace = try Trace.load(path: Fixtures.tracePath(name))
        #expect(trace.error != nil)
        #expect(trace.events.count == lastSync + 1)
        let msg = try #require(trace.lossMessage)
        #expect(msg.hasPrefix("Lost "))
        #expect(msg.contains("of the latest trace data due to error"))
        #expect(trace.validBytes < trace.fileBytes)
    }

    @Test("summary counts match the event stream")
    func summary() throws {
        let name = try #require(Fixtures.all.first { $0.hasPrefix("annotations-go1.27") })
        let trace = try Trace.load(path: Fixtures.tracePath(name))
        let s = TraceSummary(trace)
        let want = try Fixtures.expectation(name, "parsed").stdout
        func count(_ needle: String) -> Int { want.components(separatedBy: needle).count - 1 }
        #expect(s.tasks == count(" TaskBegin "))
        #expect(s.regions == count(" RegionBegin "))
        #expect(s.logs == count(" Log "))
        #expect(s.events == want.split(separator: "\n").filter { $0.hasPrefix("M=") }.count)
        #expect(s.formatVersion == "go 1.26")
        #expect(s.hasUserAnnotations)
    }
}

import Foundation
import GoTrace
import Testing
@testable import GoTraceAnalysis

/// The viewer's timeline model against `go tool trace`'s own proc-oriented timeline
/// (/jsontrace, Go 1.27.3; goldens in Fixtures/analysis/series): the same goroutine execution
/// slices on the same procs, the same syscall / mark assist / sweep slices, the same STW pauses.
@Suite struct TimelineConformanceTests {
    typealias F = MMUFixtures

    static func model(_ name: String) throws -> TimelineModel {
        try TimelineModel.build(path: F.tracePath(name)).model
    }

    /// Go's `[t, dur, proc, goroutine]` rows, and ours.
    static func slices(_ m: TimelineModel) -> [[Int64]] {
        var out: [[Int64]] = []
        for p in 0..<m.procIDs.count {
            for i in m.procSlices.row(p) {
                let i = Int(i)
                out.append([m.sliceStart[i] - m.traceStart, m.sliceEnd(i) - m.sliceStart[i], m.procIDs[p],
                            m.goroutineIDs[Int(m.sliceG(i))]])
            }
        }
        return out.sorted(by: order)
    }

    /// By proc, then start, then duration, then goroutine.
    static func order(_ a: [Int64], _ b: [Int64]) -> Bool {
        if a[2] != b[2] { return a[2] < b[2] }
        if a[0] != b[0] { return a[0] < b[0] }
        if a[1] != b[1] { return a[1] < b[1] }
        return a[3] < b[3]
    }

    @Test("goroutine slices on procs equal go tool trace's", arguments: F.names("series"))
    func procSlices(_ name: String) throws {
        let golden = try F.golden("series", name)
        let rows: [[Any]] = golden["slices"] as? [[Any]] ?? []
        let want: [[Int64]] = rows.map { (r: [Any]) -> [Int64] in r.map { F.jInt($0) ?? Int64.min } }.sorted(by: Self.order)
        let got = Self.slices(try Self.model(name))
        #expect(got.count == want.count, "\(name): \(got.count) slices, Go \(want.count)")
        for (k, (g, w)) in zip(got, want).enumerated() where g != w {
            Issue.record("\(name) slice \(k): [t, dur, proc, g] = \(g), Go \(w)")
            return
        }
    }

    @Test("syscall, mark assist and sweep slices equal go tool trace's", arguments: F.names("series"))
    func workSlices(_ name: String) throws {
        let golden = try F.golden("series", name)
        let want = (golden["work"] as? [[String: Any]] ?? []).map {
            "\($0["tid"] ?? "") \($0["t"] ?? "") \($0["dur"] ?? "") \($0["name"] ?? "")"
        }.sorted()
        let m = try Self.model(name)
        var got: [String] = []
        for p in 0..<m.procIDs.count {
            let w = m.work[p]
            for k in 0..<w.count where w.kinds[k] != WorkKind.stopTheWorld.rawValue {
                let kind = WorkKind(rawValue: w.kinds[k])?.description ?? ""
                got.append("\(m.procIDs[p]) \(w.starts[k] - m.traceStart) \(w.ends[k] - w.starts[k]) \(kind)")
            }
        }
        got.sort()
        #expect(got.count == want.count, "\(name): \(got.count) work slices, Go \(want.count)")
        let missing = Set(want).subtracting(got), extra = Set(got).subtracting(want)
        #expect(missing.isEmpty && extra.isEmpty, "\(name): Go only \(missing.sorted().prefix(3)), ours only \(extra.sorted().prefix(3))")
    }
}

extension TimelineConformanceTests {
    @Test("stop-the-world slices on procs equal go tool trace's", arguments: F.names("series"))
    func stwSlices(_ name: String) throws {
        let golden = try F.golden("series", name)
        let want = (golden["stw"] as? [[String: Any]] ?? []).map { "\($0["tid"] ?? "") \($0["t"] ?? "") \($0["dur"] ?? "")" }.sorted()
        let m = try Self.model(name)
        var got: [String] = []
        for p in 0..<m.procIDs.count {
            let w = m.work[p]
            for k in 0..<w.count where w.kinds[k] == WorkKind.stopTheWorld.rawValue {
                got.append("\(m.procIDs[p]) \(w.starts[k] - m.traceStart) \(w.ends[k] - w.starts[k])")
            }
        }
        got.sort()
        #expect(got == want, "\(name): \(got.count) STW slices, Go \(want.count); first ours \(got.first ?? "-"), Go \(want.first ?? "-")")
    }
}

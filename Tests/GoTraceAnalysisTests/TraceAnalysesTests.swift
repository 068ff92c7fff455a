import Foundation
import GoTrace
import Testing
@testable import GoTraceAnalysis

/// The one-pass streaming analyses (`TraceAnalyses`, what `gotrace report` runs) against each
/// analysis computed on its own the way the conformance tests check them against go tool trace
/// (summaries from `GoroutineSummarizer.summarize(path:)`; GC, MMU and the profiles over
/// `Trace.load`, the profiles with the broken generation's tail events).
@Suite struct TraceAnalysesTests {
    static func json<T: Encodable>(_ v: T) throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try e.encode(v), as: UTF8.self)
    }

    /// Every difference between the streaming result and the separate analyses of `path`.
    static func differences(path: String) throws -> [String] {
        let a = try TraceAnalyses.compute(path: path)
        var out: [String] = []
        let (summaries, _) = try GoroutineSummarizer.summarize(path: path)
        out += GoroutineGoldens.differences(GoroutineGoldens.ours(a.summaries), GoroutineGoldens.ours(summaries))
            .map { "summaries: " + $0 }
        if a.summaries.goroutines.count != summaries.goroutines.count { out.append("goroutine count") }
        let trace = try Trace.load(path: path)
        let gc = GCAnalysis.compute(trace)
        if a.gc.cycles != gc.cycles { out.append("gc cycles") }
        if a.gc.pauses != gc.pauses { out.append("gc pauses") }
        let mmu = MMUReport.compute(trace, flags: TraceAnalyses.mmuFlags)
        if try json(a.mmu) != json(mmu) { out.append("mmu report") }
        if a.utilization != MutatorUtilizationBuilder.compute(trace, flags: TraceAnalyses.mmuFlags) { out.append("utilization") }
        let tail = PprofProfiles.tailEvents(path: path, of: trace)
        // Go fails when no goroutine matches (a trace with no goroutine at all): nothing to profile.
        let profiles = (try? PprofProfiles.records(PprofKind.allCases, trace: trace, tail: tail))
            ?? Dictionary(uniqueKeysWithValues: PprofKind.allCases.map { ($0, [ProfileRecord]()) })
        for k in PprofKind.allCases where a.profiles[k] != profiles[k] {
            out.append("profile \(k): \(a.profiles[k]?.count ?? -1) records vs \(profiles[k]?.count ?? -1)")
        }
        // The counters, as the viewer's timeline model has them.
        let model = try TimelineModel.build(path: path).model
        for (name, ours, theirs) in [("heap", a.counters.heap, model.heap), ("goroutines", a.counters.goroutines, model.goroutineCounts),
                                     ("threads", a.counters.threads, model.threadCounts), ("syscalls", a.counters.syscalls, model.syscallCounts)]
            where ours.times != theirs.times || ours.maxima != theirs.maxima || ours.lasts != theirs.lasts {
            out.append("counters \(name)")
        }
        // What the viewer's analysis store streams with the kept summaries (never loading the
        // trace): group- and region-restricted profiles and other MMU flags, against the loaded way.
        let keep = a.info.error == nil ? nil : a.info.validEvents
        var restrictions: [ProfileRestriction] = [.allGoroutines]
        restrictions += Set(a.summaries.goroutines.map(\.name)).sorted().map { .goroutinesNamed($0) }
        restrictions += Set(a.summaries.regions.map(\.name)).sorted().map { .regionType($0) }
        restrictions.append(.goroutinesNamed("no.such.function"))
        for r in restrictions {
            let loaded = Result { () throws(ProfileError) in try PprofProfiles.records(PprofKind.allCases, trace: trace, restriction: r, tail: tail) }
            let streamed = Result { () throws(ProfileError) in try PprofProfiles.intervals(r, summaries: a.summaries) }
                .map { try? PprofProfiles.records(PprofKind.allCases, path: path, intervals: $0, restriction: r, keep: keep).records }
            switch (loaded, streamed) {
            case (.success(let l), .success(let s?)):
                for k in PprofKind.allCases where l[k] != s[k] { out.append("\(r) profile \(k): \(s[k]?.count ?? -1) records vs \(l[k]?.count ?? -1)") }
            case (.failure(let l), .failure(let s)) where l.message == s.message: break
            default: out.append("\(r): \(streamed) vs \(loaded)")
            }
        }
        for flags in [UtilFlags.perProc, UtilFlags(rawValue: 31), UtilFlags.pageDefault.union(.workersOnce)] {
            let streamed = try MutatorUtilizationBuilder.compute(path: path, flags: flags, keep: keep)
            if streamed != MutatorUtilizationBuilder.compute(trace, flags: flags) { out.append("utilization \(flags.rawValue)") }
        }
        let alone = try TraceAnalyses.wholeTraceProfiles(path: path)
        for k in PprofKind.allCases where alone.profiles[k] != a.profiles[k] { out.append("wholeTraceProfiles \(k)") }
        if (alone.error == nil) != (a.profileError == nil) { out.append("wholeTraceProfiles error") }
        if a.info.error?.description != trace.error?.description { out.append("error: \(String(describing: a.info.error)) vs \(String(describing: trace.error))") }
        if a.info.validEvents != trace.events.count { out.append("kept events \(a.info.validEvents) vs \(trace.events.count)") }
        return out
    }

    @Test("equal to the separate analyses on every fixture", arguments: GoroutineGoldens.fixtures)
    func fixture(_ name: String) throws {
        let diffs = try Self.differences(path: GoroutineGoldens.tracePath(name))
        #expect(diffs.isEmpty, "\(name): \(diffs)")
    }

    @Test("cut traces: the summaries see the broken generation, the other analyses stop at the last complete one",
          arguments: ["chains-go1.27.3", "gc-go1.23.9", "sync-go1.19", "annotations-go1.25.5"])
    func cut(_ name: String) throws {
        let original = try [UInt8](Data(contentsOf: URL(fileURLWithPath: GoroutineGoldens.tracePath(name))))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gotrace-analyses-\(name)-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var compared = 0
        for k in 1...6 {
            let path = dir.appendingPathComponent("\(k).trace").path
            try Data(original.prefix(original.count * k / 7)).write(to: URL(fileURLWithPath: path))
            // Both sides refuse a trace with no complete generation.
            guard let t = try? Trace.load(path: path), t.events.count > 0 else {
                #expect(throws: TraceError.self) { try TraceAnalyses.compute(path: path) }
                continue
            }
            let diffs = try Self.differences(path: path)
            #expect(diffs.isEmpty, "\(name) cut at \(k)/7: \(diffs)")
            compared += 1
        }
        #expect(compared > 0)
    }
}

import Foundation
import GoTrace
import Testing
@testable import GoTraceAnalysis

/// Our profiles against `go tool trace -pprof=TYPE` (Go 1.27.3) for every fixture and type.
///
/// Goldens (`Fixtures/analysis/pprof/<fixture>.<type>.txt`, made by
/// `scripts/make-analysis-goldens.sh pprof`) hold one line per sample of `go tool pprof -raw`:
/// `COUNT DELAY_NS 0xPC FUNC FILE:LINE | ...` (leaf first). We render our pprof message the same
/// way (through its locations and functions, as pprof does) and compare the multisets of lines.
enum PprofGoldens {
    static let dir: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static let types: [PprofKind] = [.net, .sync, .syscall, .sched]

    static let goldenDir = dir.appendingPathComponent("analysis/pprof")

    static var goldenNames: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: goldenDir.path)) ?? []).filter { $0.hasSuffix(".txt") }
    }

    /// Every fixture trace name (without `.trace`) that has goldens.
    static let fixtures: [String] = Set(goldenNames.compactMap { n -> String? in
        guard n.hasSuffix(".sched.txt"), !n.contains(".region-") else { return nil }
        return String(n.dropLast(".sched.txt".count))
    }).sorted()

    /// Region types with goldens for a fixture ("" for the unnamed inherited regions).
    static func regionTypes(_ fixture: String) -> [String] {
        let prefix = fixture + ".region-"
        return Set(goldenNames.compactMap { n -> String? in
            guard n.hasPrefix(prefix), n.hasSuffix(".sched.txt") else { return nil }
            let t = String(n.dropFirst(prefix.count).dropLast(".sched.txt".count))
            return t == "untyped" ? "" : t
        }).sorted()
    }

    static func tracePath(_ fixture: String) -> String {
        let shared = dir.appendingPathComponent("traces/\(fixture).trace").path
        if FileManager.default.fileExists(atPath: shared) { return shared }
        return goldenDir.appendingPathComponent("traces/\(fixture).trace").path
    }

    /// Sample lines of a golden, or the error line.
    static func golden(_ fixture: String, _ kind: PprofKind, region: String? = nil) throws -> (lines: [String], error: String?) {
        let part = region.map { ".region-\($0.isEmpty ? "untyped" : $0)" } ?? ""
        let url = goldenDir.appendingPathComponent("\(fixture)\(part).\(kind).txt")
        let text = try String(contentsOf: url, encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        lines.removeAll { $0.hasPrefix("#") }
        if let e = lines.first(where: { $0.hasPrefix("error: ") }) { return ([], e) }
        return (lines, nil)
    }

    /// Our profile's samples in the golden's form.
    static func render(_ p: Perftools_Profiles_Profile) -> [String] {
        let s = p.stringTable
        func str(_ i: Int64) -> String { i >= 0 && Int(i) < s.count ? s[Int(i)] : "?" }
        var funcs: [UInt64: Perftools_Profiles_Function] = [:]
        for f in p.function { funcs[f.id] = f }
        var locs: [UInt64: String] = [:]
        for l in p.location {
            var text = "0x" + String(l.address, radix: 16)
            if let line = l.line.first, let f = funcs[line.functionID] {
                text += " \(str(f.name)) \(str(f.filename)):\(line.line)"
            }
            locs[l.id] = text
        }
        return p.sample.map { smp in
            var line = smp.value.map(String.init).joined(separator: " ")
            var sep = " "
            for id in smp.locationID {
                line += sep + (locs[id] ?? "?")
                sep = " | "
            }
            return line
        }
    }
}

@Suite struct PprofConformanceTests {
    @Test("profiles match go tool trace -pprof for every fixture and type",
          arguments: PprofGoldens.fixtures)
    func fixture(_ name: String) throws {
        let trace = try Trace.load(path: PprofGoldens.tracePath(name))
        let tail = PprofProfiles.tailEvents(path: PprofGoldens.tracePath(name), of: trace)
        let spans = ProfileSpans(trace: trace, tail: tail)
        // The streaming way (what the viewer and `gotrace pprof --region` do): intervals from the
        // goroutine summaries, samples from a second pass over the file.
        let pass = try GoroutineSummarizer.summarizeStreaming(path: PprofGoldens.tracePath(name))
        let keep = pass.info.error == nil ? nil : pass.info.validEvents
        var cases: [(ProfileRestriction, String?)] = [(.allGoroutines, nil)]
        for t in PprofGoldens.regionTypes(name) { cases.append((.regionType(t), t)) }
        for (restriction, region) in cases {
            for kind in PprofGoldens.types {
                let want = try PprofGoldens.golden(name, kind, region: region)
                let label = "\(name) \(kind)" + (region.map { " region \"\($0)\"" } ?? "")
                let got: [String]
                do {
                    let records = try PprofProfiles.records(kind, trace: trace, restriction: restriction, tail: tail, spans: spans)
                    let intervals = try PprofProfiles.intervals(restriction, summaries: pass.summaries)
                    let streamed = try PprofProfiles.records([kind], path: PprofGoldens.tracePath(name), intervals: intervals,
                                                             restriction: restriction, keep: keep).records[kind]
                    #expect(streamed == records, "\(label): streamed \(streamed?.count ?? -1) records, loaded \(records.count)")
                    let gz = try PprofProfiles.pprof(kind, records: records, tables: trace.tables)
                    let p = try Perftools_Profiles_Profile(serializedBytes: try PprofGzipTests.gunzipStored(gz))
                    got = PprofGoldens.render(p)
                } catch let e as ProfileError {
                    #expect(want.error == "error: failed to generate pprof: \(e.message)", "\(label)")
                    continue
                }
                #expect(want.error == nil, "\(label): Go failed: \(want.error ?? "")")
                let g = got.sorted(), w = want.lines.sorted()
                #expect(g == w, "\(label): \(PprofConformanceTests.diff(got: g, want: w))")
            }
        }
    }

    static func diff(got: [String], want: [String]) -> String {
        var extra: [String: Int] = [:]
        for l in got { extra[l, default: 0] += 1 }
        for l in want { extra[l, default: 0] -= 1 }
        let plus = extra.filter { $0.value > 0 }.keys.sorted().prefix(5)
        let minus = extra.filter { $0.value < 0 }.keys.sorted().prefix(5)
        return "\(got.count) samples vs Go's \(want.count); only ours: \(Array(plus)); only Go's: \(Array(minus))"
    }
}

import Foundation
import GoTrace
import Testing
@testable import GoTraceAnalysis

/// MMU against Go's own internal/trace (goldens in Fixtures/analysis/mmu, written by
/// scripts/analysis-ref/mmu): utilization functions for all 32 flag sets (point counts, bounds and an
/// exact hash), MMU at fixed windows, and for the /mmu page's flag sets the full functions,
/// Examples, MUD quantiles and the page's plots. Integers exact, floats to 1e-9 relative.
@Suite struct MMUConformanceTests {
    typealias F = MMUFixtures

    @Test("every fixture trace has an MMU golden")
    func everyFixtureHasGolden() {
        let goldens = Set(F.names("mmu"))
        #expect(!goldens.isEmpty)
        for t in F.traces { #expect(goldens.contains(t), "no Fixtures/analysis/mmu/\(t).json") }
    }

    @Test("MMU equals Go's", arguments: F.names("mmu"))
    func conformance(_ name: String) throws {
        let golden = try F.golden("mmu", name)
        let trace = try F.load(name)
        let windows = (golden["windows"] as? [Any] ?? []).compactMap(F.jInt)
        let detailWindows = (golden["detailWindows"] as? [Any] ?? []).compactMap(F.jInt)
        let quantiles = (golden["quantiles"] as? [Any] ?? []).compactMap(F.jDouble)
        let results = golden["results"] as? [[String: Any]] ?? []
        #expect(results.count == 32)
        #expect(F.jInt(golden["events"]) == Int64(trace.events.count), "\(name): event count")
        for r in results {
            let bits = Int(F.jInt(r["flags"]) ?? -1)
            let flags = UtilFlags(rawValue: bits)
            let ctx = "\(name) flags=\(bits)"
            #expect(r["panic"] == nil, "\(ctx): Go panicked: \(r["panic"] ?? "")")
            let util = MutatorUtilizationBuilder.compute(trace, flags: flags)

            // Utilization functions.
            let series = r["series"] as? [[String: Any]] ?? []
            try #require(util.count == series.count, "\(ctx): \(util.count) series, Go has \(series.count)")
            for (i, s) in series.enumerated() {
                #expect(util[i].count == Int(F.jInt(s["points"]) ?? -1), "\(ctx) series \(i): points")
                #expect(util[i].first?.time == F.jInt(s["first"]), "\(ctx) series \(i): first")
                #expect(util[i].last?.time == F.jInt(s["last"]), "\(ctx) series \(i): last")
                #expect(F.fnvHash(util[i]) == s["hash"] as? String, "\(ctx) series \(i): hash")
            }
            let isDetail = [7, 15, 23, 31].contains(bits)
            if !isDetail { #expect(r["util"] == nil && r["examples"] == nil, "\(ctx): golden detail") }
            if isDetail && !util.isEmpty { #expect(r["util"] != nil, "\(ctx): golden util") }
            if let full = r["util"] as? [[[Any]]] {
                #expect(full.count == util.count)
                for (i, s) in full.enumerated() where i < util.count {
                    #expect(s.count == util[i].count)
                    for (j, p) in s.enumerated() where j < util[i].count {
                        let t = F.jInt(p.first), u = F.jDouble(p.last) ?? .nan
                        if util[i][j].time != t || !F.near(util[i][j].util, u) {
                            Issue.record("\(ctx) series \(i) point \(j): (\(util[i][j].time), \(util[i][j].util)), Go (\(t ?? -1), \(u))")
                            break
                        }
                    }
                }
            }

            // MMU at fixed windows.
            let curve = MMUCurve(util)
            let mmu = (r["mmu"] as? [Any] ?? []).compactMap(F.jDouble)
            #expect(mmu.count == windows.count)
            for (w, want) in zip(windows, mmu) {
                let got = curve.mmu(window: w)
                #expect(F.near(got, want), "\(ctx): MMU(\(w)) = \(got), Go \(want)")
            }

            // Examples and MUD.
            if isDetail && !util.isEmpty {
                #expect((r["examples"] as? [[String: Any]])?.count == detailWindows.count)
                #expect((r["mud"] as? [[String: Any]])?.count == detailWindows.count)
                #expect(r["plot"] is [String: Any] && r["plotMUD"] is [String: Any], "\(ctx): golden plots")
            }
            for e in r["examples"] as? [[String: Any]] ?? [] {
                let w = F.jInt(e["window"]) ?? 0
                let want = e["worst"] as? [[String: Any]] ?? []
                let got = curve.examples(window: w, count: 10)
                #expect(got.count == want.count, "\(ctx): Examples(\(w)) count \(got.count), Go \(want.count)")
                for (g, x) in zip(got, want) {
                    let t = F.jInt(x["time"]), u = F.jDouble(x["util"]) ?? .nan
                    #expect(g.time == t && F.near(g.mutatorUtil, u),
                            "\(ctx): Examples(\(w)): (\(g.time), \(g.mutatorUtil)), Go (\(t ?? -1), \(u))")
                }
            }
            for m in r["mud"] as? [[String: Any]] ?? [] {
                let w = F.jInt(m["window"]) ?? 0
                let want = (m["values"] as? [Any] ?? []).compactMap(F.jDouble)
                let got = curve.mud(window: w, quantiles: quantiles)
                #expect(got.count == want.count)
                for (q, (g, x)) in zip(quantiles, zip(got, want)) {
                    #expect(F.near(g, x), "\(ctx): MUD(\(w), q=\(q)) = \(g), Go \(x)")
                }
            }

            // The /mmu page's plots.
            for (key, qs) in [("plot", nil), ("plotMUD", MMUPlot.pageQuantiles)] as [(String, [Double]?)] {
                guard let p = r[key] as? [String: Any] else { continue }
                guard let got = MMUPlot.compute(util: util, curve: curve, quantiles: qs) else {
                    Issue.record("\(ctx): no \(key)")
                    continue
                }
                #expect(got.xMin == F.jInt(p["xMin"]), "\(ctx) \(key): xMin \(got.xMin)")
                #expect(got.xMax == F.jInt(p["xMax"]), "\(ctx) \(key): xMax \(got.xMax)")
                let rows = p["curve"] as? [[Any]] ?? []
                #expect(rows.count == got.curve.count)
                for (i, (g, x)) in zip(got.curve, rows).enumerated() {
                    let want = x.compactMap(F.jDouble)
                    if g.count != want.count || zip(g, want).contains(where: { !F.near($0, $1) }) {
                        Issue.record("\(ctx) \(key) row \(i): \(g), Go \(want)")
                        break
                    }
                }
            }
        }
    }
}

/// Properties of the MMU pieces that Go's goldens do not pin down.
@Suite struct MMUPropertyTests {
    typealias F = MMUFixtures

    @Test("the corrected MUD is a distribution: monotone, from the MMU up", arguments: F.names("mmu"))
    func correctedMUD(_ name: String) throws {
        let trace = try F.load(name)
        for flags: UtilFlags in [.pageDefault, [.pageDefault, .perProc]] {
            let util = MutatorUtilizationBuilder.compute(trace, flags: flags)
            let curve = MMUCurve(util)
            for w: Int64 in [10_000, 1_000_000] {
                let q: [Double] = [0, 0.001, 0.01, 0.05, 0.5]
                let got = curve.mud(window: w, quantiles: q, goCompatible: false)
                let mmu = curve.mmu(window: w)
                #expect(got.count == q.count)
                // p0 is the MMU, except that windows clamped to a shorter series' whole span (per-P
                // mode) have a single position and so no distribution mass: then p0 >= MMU.
                #expect(got[0] >= mmu - 1e-9, "\(name) \(flags) w=\(w): p0 \(got[0]) vs MMU \(mmu)")
                if !flags.contains(.perProc) { #expect(abs(got[0] - mmu) <= 1e-9, "\(name) w=\(w): p0 \(got[0]) vs MMU \(mmu)") }
                for (a, b) in zip(got, got.dropFirst()) { #expect(a <= b + 1e-12, "\(name) \(flags) w=\(w): \(got)") }
                for x in got { #expect(x >= -1e-12 && x <= 1 + 1e-12) }
                // Go's own MUD is the MMU at every quantile (its recording bug).
                for x in curve.mud(window: w, quantiles: q) { #expect(x == mmu) }
            }
        }
    }

    @Test("utilization functions are well formed", arguments: F.names("mmu"))
    func wellFormed(_ name: String) throws {
        let trace = try F.load(name)
        for bits in 0..<32 {
            for s in MutatorUtilizationBuilder.compute(trace, flags: UtilFlags(rawValue: bits)) {
                for (a, b) in zip(s, s.dropFirst()) { #expect(a.time < b.time && a.util != b.util) }
                for u in s { #expect(u.util >= 0 && u.util <= 1) }
            }
        }
    }

    @Test("window durations parse as Go durations")
    func parse() {
        // The CLI's parser lives in the executable; the windows helper is in the library.
        #expect(MMUReport.logWindows(upTo: 25_000) == [1_000, 2_000, 5_000, 10_000, 20_000, 25_000])
        #expect(MMUReport.logWindows(upTo: 0) == [])
    }
}

import Foundation
import GoTrace
import Testing
@testable import GoTraceAnalysis

/// GC cycles and STW pauses checked against the event stream's ranges (paired independently
/// here), the trace viewer's STW slices (goldens in Fixtures/analysis/series), and the
/// straggler definition.
@Suite struct GCAnalysisTests {
    typealias F = MMUFixtures

    struct Range: Equatable, CustomStringConvertible {
        var name: String
        var start: Int64
        var end: Int64
        var description: String { "\(name) [\(start), \(end)]" }
    }

    /// STW and GC mark ranges straight from the events: Begin/End pairs by scope, Active from the
    /// trace start (first generation), open ones to the trace end.
    static func ranges(_ trace: Trace) -> (stw: [Range], gc: [Range]) {
        var stw: [Range] = [], gc: [Range] = []
        var openSTW: [Int64: Int] = [:]
        var openGC: Int?
        var start: Int64?, end: Int64 = 0, syncs = 0
        for ev in trace.events {
            if start == nil { start = ev.time }
            end = ev.time
            switch ev.type {
            case Wire.syncEvent: syncs += 1
            case Wire.stwBegin:
                openSTW[ev.goroutine] = stw.count
                stw.append(Range(name: ev.rangeName(trace.tables), start: ev.time, end: -1))
            case Wire.stwEnd:
                if let i = openSTW.removeValue(forKey: ev.goroutine) {
                    #expect(stw[i].name == ev.rangeName(trace.tables))
                    stw[i].end = ev.time
                }
            case Wire.gcBegin:
                openGC = gc.count
                gc.append(Range(name: "GC", start: ev.time, end: -1))
            case Wire.gcActive where syncs <= 1 && openGC == nil:
                openGC = gc.count
                gc.append(Range(name: "GC", start: start ?? 0, end: -1))
            case Wire.gcEnd:
                if let i = openGC { gc[i].end = ev.time; openGC = nil } else { gc.append(Range(name: "GC", start: start ?? 0, end: ev.time)) }
            default: break
            }
        }
        for i in stw.indices where stw[i].end < 0 { stw[i].end = end }
        for i in gc.indices where gc[i].end < 0 { gc[i].end = end }
        return (stw, gc)
    }

    @Test("GC cycles and STW pauses match the event stream's ranges", arguments: F.traces)
    func matchesRanges(_ name: String) throws {
        let trace = try F.load(name)
        let a = GCAnalysis.compute(trace)
        let (stw, gc) = Self.ranges(trace)
        #expect(a.pauses.map { Range(name: "stop-the-world (\($0.kind))", start: $0.start, end: $0.end) } == stw, "\(name): STW")
        #expect(a.cycles.map { Range(name: "GC", start: $0.start, end: $0.end) } == gc, "\(name): GC")
        for p in a.pauses { #expect(p.duration >= 0) }
        for c in a.cycles { #expect(c.duration >= 0) }
        // The typeCounts agree too.
        #expect(a.pauses.count == trace.typeCounts[Int(Wire.stwBegin)])
        // Worst first.
        let w = a.pausesByDuration
        for (x, y) in zip(w, w.dropFirst()) { #expect(x.duration >= y.duration) }
        #expect(a.totalSTW == stw.reduce(0) { $0 + $1.end - $1.start })
    }

    @Test("stragglers follow the definition", arguments: F.traces)
    func stragglers(_ name: String) throws {
        let trace = try F.load(name)
        let a = GCAnalysis.compute(trace)
        for p in a.pauses {
            var seen = Set<Int64>()
            for s in p.stragglers {
                #expect(s.proc != p.proc, "\(name): the stopping proc is no straggler")
                #expect(seen.insert(s.proc).inserted, "\(name): proc \(s.proc) twice")
                if let t = s.stoppedAt {
                    #expect(t >= p.start && t <= p.end, "\(name): straggler P\(s.proc) stopped at \(t) outside [\(p.start), \(p.end)]")
                    #expect(s.how == "stop" || s.how == "steal")
                }
                if let y = s.yieldTime { #expect(y >= p.start) }
            }
            for (x, y) in zip(p.stragglers, p.stragglers.dropFirst()) {
                #expect((x.stoppedAt ?? .max) >= (y.stoppedAt ?? .max), "\(name): stragglers slowest first")
            }
            #expect(p.stopLatency >= 0 && p.stopLatency <= p.duration)
        }
    }

    @Test("stragglers: independent replay of proc states at each STW start", arguments: F.traces)
    func stragglerReplay(_ name: String) throws {
        let trace = try F.load(name)
        let a = GCAnalysis.compute(trace)
        // Replay proc states; at each STWBegin the running procs other than the event's are the stragglers,
        // and each one's stop time is its next transition out of Running.
        var running: [Int64: Bool] = [:]
        var expected: [(procs: Set<Int64>, stops: [Int64: Int64])] = []
        var pending: [Int64: Int] = [:]  // proc -> index into expected
        for ev in trace.events {
            if ev.type == Wire.stwBegin {
                let procs = Set(running.filter { $0.value && $0.key != ev.proc }.keys)
                expected.append((procs, [:]))
                for p in procs { pending[p] = expected.count - 1 }
            } else if ev.type == Wire.stwEnd {
                pending = [:]
            } else if let st = ev.transition, case .proc(let p) = st.resource {
                if st.procTo == .running {
                    running[p] = true
                } else {
                    if running[p] == true || st.procFrom == .running, let i = pending.removeValue(forKey: p) {
                        expected[i].stops[p] = ev.time
                    }
                    running[p] = false
                }
            }
        }
        try #require(expected.count == a.pauses.count)
        for (p, e) in zip(a.pauses, expected) {
            #expect(Set(p.stragglers.map(\.proc)) == e.procs, "\(name): stragglers of \(p.kind) at \(p.start)")
            for s in p.stragglers { #expect(s.stoppedAt == e.stops[s.proc], "\(name): P\(s.proc) stop time") }
        }
    }

    @Test("STW pauses contain the trace viewer's STW slices", arguments: F.names("series"))
    func viewerSTW(_ name: String) throws {
        let golden = try F.golden("series", name)
        let trace = try F.load(name)
        let a = GCAnalysis.compute(trace)
        let t0 = try #require(F.jInt(try F.golden("mmu", name)["startTime"]))
        // The viewer draws a STW range on the row of the stopping goroutine while it runs, so each
        // slice lies within one of our pauses of the same kind (split where the goroutine stops
        // running inside the pause, e.g. around a GOMAXPROCS change).
        let slices = golden["stw"] as? [[String: Any]] ?? []
        for s in slices {
            let n = s["name"] as? String ?? "", t = (F.jInt(s["t"]) ?? 0) + t0, d = F.jInt(s["dur"]) ?? 0
            let match = a.pauses.first { "stop-the-world (\($0.kind))" == n && $0.start <= t && t + d <= $0.end }
            #expect(match != nil, "\(name): viewer slice \(n) at \(t) dur \(d) is in no pause")
        }
        // Every pause that is not split shows up whole.
        #expect(slices.count >= a.pauses.count, "\(name): \(slices.count) viewer STW slices for \(a.pauses.count) pauses")
    }
}

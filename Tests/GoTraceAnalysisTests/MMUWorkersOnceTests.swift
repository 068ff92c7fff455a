import Foundation
import GoTrace
import Testing
@testable import GoTraceAnalysis

/// `UtilFlags.workersOnce` (not in Go): Go's background-worker accounting counts a worker twice
/// from its second run on (at its start and at the label that follows), so its utilization sticks
/// at 0. With the flag, utilization must equal an independent count: the share of procs running a
/// goroutine whose latest label is a (non-idle) GC worker label.
@Suite struct MMUWorkersOnceTests {
    typealias F = MMUFixtures

    static var v2Fixtures: [String] {
        F.traces.filter { n in !["go1.19", "go1.21.13"].contains { n.contains($0) } }
    }

    @Test("the flag changes nothing without background workers", arguments: ["gc-go1.27.3", "gc-go1.22.10", "gc-go1.19", "sync-go1.25.5"])
    func noWorkers(_ name: String) throws {
        let trace = try F.load(name)
        for bits in 0..<32 where bits & UtilFlags.background.rawValue == 0 {
            let f = UtilFlags(rawValue: bits)
            #expect(MutatorUtilizationBuilder.compute(trace, flags: f) == MutatorUtilizationBuilder.compute(trace, flags: f.union(.workersOnce)),
                    "\(name) flags \(bits)")
        }
    }

    @Test("background workers counted once: utilization is the share of procs not running a worker", arguments: v2Fixtures)
    func matchesIndependentCount(_ name: String) throws {
        let trace = try F.load(name)
        let util = MutatorUtilizationBuilder.compute(trace, flags: [.background, .workersOnce])
        guard let series = util.first else { return }
        // The independent model.
        var gomaxprocs = 0
        var running: [Int64: Bool] = [:]   // goroutine → executing
        var worker: [Int64: Bool] = [:]    // goroutine → latest label is a worker label
        var k = 0
        var checked = 0
        var c = trace.events.cursor()
        while let ev = c.next() {
            switch ev.kind {
            case .metric where ev.type == Wire.procsChange:
                gomaxprocs = Int(ev.metricValue)
            case .stateTransition:
                if let st = ev.transition, case .goroutine(let g) = st.resource { running[g] = st.goTo.isExecuting }
            case .label:
                let l = trace.tables.string(ev.labelStringID)
                worker[ev.goroutine] = l.hasPrefix("GC ") && l != "GC (idle)"
            default: break
            }
            guard gomaxprocs > 0 else { continue }
            let busy = running.filter { $0.value && worker[$0.key] == true }.count
            let want = 1 - Double(min(busy, gomaxprocs)) / Double(gomaxprocs)
            // The utilization function's value at this event (its last point at or before it).
            while k + 1 < series.count && series[k + 1].time <= ev.time { k += 1 }
            if series[k].time > ev.time || ev.time == series.last?.time { continue }
            #expect(abs(series[k].util - want) < 1e-12, "\(name) at \(ev.time): \(series[k].util), independent \(want)")
            if abs(series[k].util - want) >= 1e-12 { return }
            checked += 1
        }
        #expect(checked > 0)
    }

    @Test("on a trace with several GC cycles, Go's accounting sticks at 0 and the fixed one does not")
    func fixesTheStuckCurve() throws {
        let trace = try F.load("gc-go1.27.3")
        let goUtil = MutatorUtilizationBuilder.compute(trace, flags: .background)
        let fixed = MutatorUtilizationBuilder.compute(trace, flags: [.background, .workersOnce])
        let last = trace.events.event(at: trace.events.count - 1)?.time ?? 0
        // Go's function stops changing before the end (stuck), ours runs to the end marker.
        #expect((goUtil.first?.last?.time ?? 0) < last)
        #expect(fixed.first?.last?.time == last)
    }
}

import ArgumentParser
import Foundation
import GoTrace
import GoTraceAnalysis

/// `gotrace regions`: go tool trace's /userregions and /userregion pages in the terminal.
struct RegionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "regions",
        abstract: "User regions by type and start location, with latency histograms (go tool trace's /userregions).",
        discussion: """
            Without options: per (region type, outermost frame of the start stack), the count and a
            histogram of every region's duration (a region without begin or end is bounded by the trace).
            --type NAME lists the instances with goroutine, task, times and Go's time split, longest first.
            Regions of type "" are the task a goroutine inherits from the region it was created in.
            """)

    @Argument(help: "The trace file.")
    var trace: String

    @Option(help: "List the regions of this type.")
    var type: String?

    @Option(help: "With --type: only regions starting at this PC (hex, as the summary prints it).")
    var pc: String?

    @Flag(help: "Print JSON (nanosecond integers) instead of text.")
    var json = false

    struct TypeJSON: Encodable {
        var type: String
        var frame: AnalysisCLI.FrameJSON?
        var count: Int
        var histogram: AnalysisCLI.HistogramJSON
    }

    struct RegionJSON: Encodable {
        var type: String
        var goroutine: Int64
        var taskID: UInt64
        var startTime: Int64?
        var endTime: Int64?
        var durationNs: Int64
        var stats: ExecStats
        var nonOverlapping: [String: Int64]
    }

    func run() throws {
        let s = try AnalysisCLI.summarize(trace)
        if let type { try showType(type, s) } else { try showTypes(s) }
    }

    static func location(_ f: ResolvedFrame?) -> String {
        guard let f else { return "(no stack)" }
        return "\(f.function) @ 0x\(String(f.pc, radix: 16)) \(f.file):\(f.line)"
    }

    func showTypes(_ s: GoroutineSummaries) throws {
        let types = s.regionTypes
        if json {
            try AnalysisCLI.printJSON(types.map {
                TypeJSON(type: $0.type, frame: $0.frame.map(AnalysisCLI.FrameJSON.init), count: $0.count, histogram: .init($0.histogram))
            })
            return
        }
        var t = SummaryTable(["Region type", "Start location", "Count", "Median", "Max"], right: [2, 3, 4])
        for ty in types {
            let dist = Distribution(ty.regions.map { s.duration(of: s.regions[$0]) })
            t.add([goQuote(ty.type), RegionsCommand.location(ty.frame), "\(ty.count)", AnalysisCLI.d(dist.median), AnalysisCLI.d(dist.max)])
        }
        var out = t.render()
        for ty in types {
            out += "\n\(goQuote(ty.type)) at \(RegionsCommand.location(ty.frame)): duration distribution\n" + AnalysisCLI.histogramText(ty.histogram)
        }
        if types.isEmpty { out += "(no regions)\n" }
        AnalysisCLI.write(out)
    }

    func showType(_ type: String, _ s: GoroutineSummaries) throws {
        var pcValue: UInt64?
        if let pc {
            let hex = pc.hasPrefix("0x") ? String(pc.dropFirst(2)) : pc
            guard let v = UInt64(hex, radix: 16) else { throw AnalysisCLI.fail("invalid --pc \(pc) (want hex)") }
            pcValue = v
        }
        var indices = s.regions(type: type, pc: pcValue)
        if indices.isEmpty && !s.listedRegions.contains(where: { s.regions[$0].name == type }) {
            throw AnalysisCLI.fail("no region of type \"\(type)\" in the trace")
        }
        indices.sort { (s.regions[$0].stats.totalTime, $1) > (s.regions[$1].stats.totalTime, $0) }
        let regions = indices.map { s.regions[$0] }
        if json {
            try AnalysisCLI.printJSON(regions.map {
                RegionJSON(type: $0.name, goroutine: $0.goroutine, taskID: $0.taskID, startTime: $0.start?.time, endTime: $0.end?.time,
                           durationNs: s.duration(of: $0), stats: $0.stats, nonOverlapping: $0.stats.nonOverlapping)
            })
            return
        }
        let split = regions.map { $0.stats.nonOverlapping }
        let columns = Set(split.flatMap(\.keys)).sorted(by: ExecStats.columnOrder)
        var t = SummaryTable(["Goroutine", "Task", "Start", "Duration", "Total"] + columns, right: Set(0..<(columns.count + 5)))
        for (i, r) in regions.enumerated() {
            t.add(["\(r.goroutine)", r.taskID == 0 ? "-" : "\(r.taskID)", r.start.map { AnalysisCLI.since($0.time, s) } ?? "(before)",
                   AnalysisCLI.d(s.duration(of: r)) + (r.end == nil ? "+" : ""), AnalysisCLI.d(r.stats.totalTime)]
                  + columns.map { AnalysisCLI.d(split[i][$0] ?? 0) })
        }
        var out = "Regions of type \(goQuote(type))\(pcValue.map { " at 0x" + String($0, radix: 16) } ?? ""): \(regions.count)\n\n" + t.render()
        out += "\nDistribution (min / median / p99 / max):\n"
        var dt = SummaryTable(["Column", "min", "median", "p99", "max"], right: [1, 2, 3, 4])
        dt.add(["Duration"] + { let d = Distribution(regions.map { s.duration(of: $0) }); return [d.min, d.median, d.p99, d.max].map(AnalysisCLI.d) }())
        for (c, d) in s.columnDistributions(regions.map(\.stats)) {
            dt.add([c, AnalysisCLI.d(d.min), AnalysisCLI.d(d.median), AnalysisCLI.d(d.p99), AnalysisCLI.d(d.max)])
        }
        out += dt.render()
        AnalysisCLI.write(out)
    }
}

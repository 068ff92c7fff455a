import ArgumentParser
import Foundation
import GoTrace
import GoTraceAnalysis

/// `gotrace goroutines`: go tool trace's /goroutines and /goroutine pages in the terminal.
struct GoroutinesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "goroutines",
        abstract: "Goroutines grouped by start function, with Go's time split (go tool trace's /goroutines).",
        discussion: """
            Without options: one row per start function (count, total execution time as Go shows it,
            share of all execution, and the distribution of the goroutines' total time).
            --group NAME lists that group's goroutines with every time column (Go's /goroutine page),
            then per-column min / median / p99 / max. --id N shows one goroutine: times, time split,
            ranges, regions, and its first and last transition stacks.
            The unnamed group (no stack seen) is --group "".
            """)

    @Argument(help: "The trace file.")
    var trace: String

    @Option(help: "Sort column. Groups: exec (default), count, name, total. A group's goroutines: total (default), id, or a column name such as \"Sched wait time\" or a unique part of one (e.g. sched, network).")
    var sort: String?

    @Option(help: "List the goroutines whose start function is NAME.")
    var group: String?

    @Option(help: "Show one goroutine.")
    var id: Int64?

    @Flag(help: "Print JSON (nanosecond integers) instead of text.")
    var json = false

    func run() throws {
        let s = try AnalysisCLI.summarize(trace)
        if let id {
            guard let g = s.goroutine(id: id) else { throw AnalysisCLI.fail("no goroutine \(id) in the trace") }
            try showGoroutine(g, s)
        } else if let group {
            guard let grp = s.group(named: group) else { throw AnalysisCLI.fail("no goroutine group \"\(group)\" in the trace") }
            try showGroup(grp, s)
        } else {
            try showGroups(s)
        }
    }

    static func displayName(_ name: String) -> String { name.isEmpty ? "(Inactive, no stack trace sampled)" : name }

    // MARK: Groups

    struct GroupJSON: Encodable {
        var name: String
        var count: Int
        var execTimeNs: Int64
        var execShare: Double
        var columns: [String: Distribution]
    }

    func showGroups(_ s: GoroutineSummaries) throws {
        var groups = s.groups
        let total = s.totalExecTime
        let totals = Dictionary(groups.map { g in (g.name, g.members.reduce(Int64(0)) { $0 &+ s.goroutines[$1].stats.totalTime }) },
                                uniquingKeysWith: { a, _ in a })
        switch (sort ?? "exec").lowercased() {
        case "exec", "execution", "execution time": break
        case "count": groups.sort { $0.count != $1.count ? $0.count > $1.count : $0.name < $1.name }
        case "name": groups.sort { $0.name < $1.name }
        case "total": groups.sort { (totals[$0.name] ?? 0, $1.name) > (totals[$1.name] ?? 0, $0.name) }
        default: throw AnalysisCLI.fail("unknown sort column \"\(sort ?? "")\" (want exec, count, name or total)")
        }
        if json {
            try AnalysisCLI.printJSON(groups.map { g in
                GroupJSON(name: g.name, count: g.count, execTimeNs: g.execTime,
                          execShare: total > 0 ? Double(g.execTime) / Double(total) : 0,
                          columns: Dictionary(s.columnDistributions(of: g.members).map { ($0.column, $0.distribution) },
                                              uniquingKeysWith: { a, _ in a }))
            })
            return
        }
        var t = SummaryTable(["Start location", "Count", "Total execution time", "Exec %", "Total time median", "p99", "max"],
                             right: [1, 2, 3, 4, 5, 6])
        for g in groups {
            let dist = Distribution(g.members.map { s.goroutines[$0].stats.totalTime })
            t.add([GoroutinesCommand.displayName(g.name), "\(g.count)", AnalysisCLI.d(g.execTime),
                   total > 0 ? String(format: "%.2f%%", 100 * Double(g.execTime) / Double(total)) : "",
                   AnalysisCLI.d(dist.median), AnalysisCLI.d(dist.p99), AnalysisCLI.d(dist.max)])
        }
        AnalysisCLI.write(t.render() + "\(s.goroutines.count) goroutines in \(groups.count) groups; total execution time \(AnalysisCLI.d(total))\n")
    }

    // MARK: One group

    struct MemberJSON: Encodable {
        var id: Int64
        var creationTime: Int64
        var startTime: Int64
        var endTime: Int64
        var stats: ExecStats
        var unknownTimeNs: Int64
    }

    struct GroupDetailJSON: Encodable {
        var name: String
        var count: Int
        var execTimeNs: Int64
        var execShare: Double
        var goroutines: [MemberJSON]
        var columns: [String: Distribution]
    }

    func showGroup(_ grp: GoroutineGroup, _ s: GoroutineSummaries) throws {
        let members = grp.members.map { s.goroutines[$0] }
        let stats = members.map { $0.stats.nonOverlapping }
        var names = Set<String>()
        for x in stats { names.formUnion(x.keys) }
        let columns = names.sorted(by: ExecStats.columnOrder)
        var order = Array(members.indices)
        let key = (sort ?? "total").lowercased()
        if key == "id" {
            order.sort { members[$0].id < members[$1].id }
        } else if key == "total" {
            order.sort { (members[$0].stats.totalTime, members[$1].id) > (members[$1].stats.totalTime, members[$0].id) }
        } else {
            let matches = columns.filter { $0.lowercased() == key } + columns.filter { $0.lowercased() != key && $0.lowercased().contains(key) }
            guard let col = matches.first, matches.count == 1 || matches[0].lowercased() == key else {
                throw AnalysisCLI.fail("unknown or ambiguous sort column \"\(sort ?? "")\"; columns: total, id, " + columns.joined(separator: ", "))
            }
            order.sort { (stats[$0][col] ?? 0, members[$1].id) > (stats[$1][col] ?? 0, members[$0].id) }
        }
        let total = s.totalExecTime
        let dists = s.columnDistributions(of: grp.members)
        if json {
            try AnalysisCLI.printJSON(GroupDetailJSON(
                name: grp.name, count: grp.count, execTimeNs: grp.execTime,
                execShare: total > 0 ? Double(grp.execTime) / Double(total) : 0,
                goroutines: order.map { i in
                    let g = members[i]
                    return MemberJSON(id: g.id, creationTime: g.creationTime, startTime: g.startTime, endTime: g.endTime,
                                      stats: g.stats, unknownTimeNs: g.stats.unknownTime)
                },
                columns: Dictionary(dists.map { ($0.column, $0.distribution) }, uniquingKeysWith: { a, _ in a })))
            return
        }
        var out = "Goroutine start location: \(GoroutinesCommand.displayName(grp.name))\n"
        out += "Count: \(grp.count)\n"
        if total > 0 {
            out += "Execution Time: " + String(format: "%.2f%%", 100 * Double(grp.execTime) / Double(total)) + " of total program execution time\n"
        }
        out += "\n"
        var t = SummaryTable(["Goroutine", "Total"] + columns, right: Set(0..<(columns.count + 2)))
        for i in order {
            t.add(["\(members[i].id)", AnalysisCLI.d(members[i].stats.totalTime)] + columns.map { AnalysisCLI.d(stats[i][$0] ?? 0) })
        }
        out += t.render()
        out += "\nDistribution over the group (min / median / p99 / max):\n"
        var dt = SummaryTable(["Column", "min", "median", "p99", "max", "sum"], right: [1, 2, 3, 4, 5])
        for (c, d) in dists {
            dt.add([c, AnalysisCLI.d(d.min), AnalysisCLI.d(d.median), AnalysisCLI.d(d.p99), AnalysisCLI.d(d.max), AnalysisCLI.d(d.sum)])
        }
        out += dt.render()
        // Go's "Special ranges" table.
        let ranged = order.filter { members[$0].stats.totalRangeTime != 0 }
        if !ranged.isEmpty {
            let rangeNames = Set(ranged.flatMap { members[$0].stats.rangeTime.keys }).sorted()
            var rt = SummaryTable(["Goroutine", "Total"] + rangeNames, right: Set(0..<(rangeNames.count + 2)))
            for i in ranged {
                rt.add(["\(members[i].id)", AnalysisCLI.d(members[i].stats.totalTime)]
                       + rangeNames.map { AnalysisCLI.d(members[i].stats.rangeTime[$0] ?? 0) })
            }
            out += "\nSpecial ranges:\n" + rt.render()
        }
        AnalysisCLI.write(out)
    }

    // MARK: One goroutine

    struct RegionJSON: Encodable {
        var taskID: UInt64
        var name: String
        var startTime: Int64?
        var endTime: Int64?
        var durationNs: Int64
        var stats: ExecStats
    }

    struct GoroutineJSON: Encodable {
        var id: Int64
        var name: String
        var pc: String
        var system: Bool
        var creationTime: Int64
        var startTime: Int64
        var endTime: Int64
        var stats: ExecStats
        var nonOverlapping: [String: Int64]
        var regions: [RegionJSON]
        var startStack: [AnalysisCLI.FrameJSON]
        var lastStack: [AnalysisCLI.FrameJSON]
    }

    func showGoroutine(_ g: GoroutineSummary, _ s: GoroutineSummaries) throws {
        let regions = s.regions(of: g)
        if json {
            try AnalysisCLI.printJSON(GoroutineJSON(
                id: g.id, name: g.name, pc: "0x" + String(g.pc, radix: 16), system: g.isSystem, creationTime: g.creationTime,
                startTime: g.startTime, endTime: g.endTime, stats: g.stats, nonOverlapping: g.stats.nonOverlapping,
                regions: regions.map {
                    RegionJSON(taskID: $0.taskID, name: $0.name, startTime: $0.start?.time, endTime: $0.end?.time,
                               durationNs: s.duration(of: $0), stats: $0.stats)
                },
                startStack: s.frames(ofStack: g.startStackID).map(AnalysisCLI.FrameJSON.init),
                lastStack: s.frames(ofStack: g.endStackID).map(AnalysisCLI.FrameJSON.init)))
            return
        }
        let d = AnalysisCLI.d
        var out = "Goroutine \(g.id): \(GoroutinesCommand.displayName(g.name))\(g.isSystem ? " (system)" : "")\n"
        out += "  Created  \(AnalysisCLI.since(g.creationTime, s))s\n"
        out += "  Started  " + (g.startTime != 0 ? AnalysisCLI.since(g.startTime, s) + "s" : "never ran") + "\n"
        out += "  Ended    " + (g.endTime != 0 ? AnalysisCLI.since(g.endTime, s) + "s" : "did not end") + "\n"
        out += "  Total    \(d(g.stats.totalTime))\n\n"
        var t = SummaryTable(["Time split", "Duration", "Share"], right: [1, 2])
        let split = g.stats.nonOverlapping
        for name in split.keys.sorted(by: ExecStats.columnOrder) {
            let v = split[name] ?? 0
            t.add([name, d(v), g.stats.totalTime > 0 ? String(format: "%.1f%%", 100 * Double(v) / Double(g.stats.totalTime)) : ""])
        }
        for name in g.stats.rangeTime.keys.sorted() { t.add(["(range) " + name, d(g.stats.rangeTime[name] ?? 0), ""]) }
        out += t.render()
        if !regions.isEmpty {
            out += "\nRegions:\n"
            var rt = SummaryTable(["Task", "Region", "Start", "Duration", "Execution", "Sched wait", "Blocked", "Syscall", "Unknown"],
                                  right: [0, 2, 3, 4, 5, 6, 7, 8])
            for r in regions {
                rt.add(["\(r.taskID)", r.name.isEmpty ? "(inherited task)" : goQuote(r.name),
                        r.start.map { AnalysisCLI.since($0.time, s) } ?? "(before trace)",
                        d(s.duration(of: r)) + (r.end == nil ? " (open)" : ""), d(r.stats.execTime), d(r.stats.schedWaitTime),
                        d(r.stats.blockTimeByReason.values.reduce(0, &+)), d(r.stats.syscallTime + r.stats.syscallBlockTime),
                        d(r.stats.unknownTime)])
            }
            out += rt.render()
        }
        out += "\nStart stack (first transition stack seen):\n" + AnalysisCLI.stackText(s.frames(ofStack: g.startStackID))
        out += "\nLast stack (last transition stack seen):\n" + AnalysisCLI.stackText(s.frames(ofStack: g.endStackID))
        AnalysisCLI.write(out)
    }
}

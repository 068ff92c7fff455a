import Foundation
import GoTrace
@testable import GoTraceAnalysis

/// The goldens of `scripts/make-analysis-goldens.sh goroutines` (Go 1.27.3's Summarizer run by
/// scripts/analysis-ref/goroutines/main.go) and the same shape built from our summaries.
enum GoroutineGoldens {
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")
    static let traces = root.appendingPathComponent("traces")
    static let goldens = root.appendingPathComponent("analysis/goroutines")

    /// Every fixture trace, sorted.
    static var fixtures: [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: traces.path)) ?? []
        return files.filter { $0.hasSuffix(".trace") }.map { String($0.dropLast(6)) }.sorted()
    }

    static func tracePath(_ name: String) -> String { traces.appendingPathComponent(name + ".trace").path }

    static func golden(_ name: String) throws -> Golden {
        let data = try Data(contentsOf: goldens.appendingPathComponent(name + ".json"))
        return try JSONDecoder().decode(Golden.self, from: data)
    }

    struct Ref: Codable, Equatable {
        var time: Int64
        var kind: String
        var goroutine: Int64
        var resource: Int64?
        var from: String?
        var to: String?
    }

    struct Stats: Codable, Equatable {
        var execTime: Int64
        var schedWaitTime: Int64
        var blockTimeByReason: [String: Int64]
        var syscallTime: Int64
        var syscallBlockTime: Int64
        var totalTime: Int64
        var rangeTime: [String: Int64]
        var unknownTime: Int64
    }

    struct Region: Codable, Equatable {
        var taskID: UInt64
        var name: String
        var start: Ref?
        var end: Ref?
        var stats: Stats

        init(taskID: UInt64, name: String, start: Ref?, end: Ref?, stats: Stats) {
            self.taskID = taskID
            self.name = name
            self.start = start
            self.end = end
            self.stats = stats
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            taskID = try c.decode(UInt64.self, forKey: .taskID)
            name = try c.decode(String.self, forKey: .name)
            start = try c.decodeIfPresent(Ref.self, forKey: .start)
            end = try c.decodeIfPresent(Ref.self, forKey: .end)
            stats = try Stats(from: decoder)
        }
    }

    struct Goroutine: Codable, Equatable {
        var id: Int64
        var name: String
        var pc: UInt64
        var creationTime: Int64
        var startTime: Int64
        var endTime: Int64
        var regions: [Region]
        var stats: Stats

        init(id: Int64, name: String, pc: UInt64, creationTime: Int64, startTime: Int64, endTime: Int64,
             regions: [Region], stats: Stats) {
            self.id = id
            self.name = name
            self.pc = pc
            self.creationTime = creationTime
            self.startTime = startTime
            self.endTime = endTime
            self.regions = regions
            self.stats = stats
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            id = try c.decode(Int64.self, forKey: .id)
            name = try c.decode(String.self, forKey: .name)
            pc = try c.decode(UInt64.self, forKey: .pc)
            creationTime = try c.decode(Int64.self, forKey: .creationTime)
            startTime = try c.decode(Int64.self, forKey: .startTime)
            endTime = try c.decode(Int64.self, forKey: .endTime)
            regions = try c.decode([Region].self, forKey: .regions)
            stats = try Stats(from: decoder)
        }
    }

    struct Log: Codable, Equatable {
        var time: Int64
        var goroutine: Int64
        var category: String
        var message: String
    }

    struct Task: Codable, Equatable {
        var id: UInt64
        var name: String
        var parent: UInt64?
        var children: [UInt64]
        var start: Ref?
        var end: Ref?
        var complete: Bool
        var goroutines: [Int64]
        var logs: [Log]
        var regions: [Region]
    }

    struct Histogram: Codable, Equatable {
        var count: Int
        var minBucket: Int
        var maxBucket: Int
        var buckets: [Int]
        var bucketMins: [Int64]
    }

    struct Group: Codable, Equatable {
        var name: String
        var count: Int
        var execTime: Int64
    }

    struct TaskType: Codable, Equatable {
        var type: String
        var count: Int
        var histogram: Histogram
    }

    struct RegionType: Codable, Equatable {
        var type: String
        var pc: UInt64
        var `func`: String
        var file: String
        var line: UInt64
        var count: Int
        var histogram: Histogram
    }

    struct Golden: Codable, Equatable {
        var startTime: Int64
        var endTime: Int64
        var goroutines: [Goroutine]
        var tasks: [Task]
        var groups: [Group]
        var taskTypes: [TaskType]
        var regionTypes: [RegionType]
    }

    // MARK: Ours in the same shape

    static func ref(_ r: EventRef?) -> Ref? {
        guard let r else { return nil }
        let st = r.kind == .stateTransition && r.resource != noID
        return Ref(time: r.time, kind: r.kind.description, goroutine: r.goroutine, resource: st ? r.resource : nil,
                   from: st ? "\(GoState(rawValue: r.from) ?? .undetermined)" : nil,
                   to: st ? "\(GoState(rawValue: r.to) ?? .undetermined)" : nil)
    }

    static func stats(_ s: ExecStats) -> Stats {
        Stats(execTime: s.execTime, schedWaitTime: s.schedWaitTime, blockTimeByReason: s.blockTimeByReason,
              syscallTime: s.syscallTime, syscallBlockTime: s.syscallBlockTime, totalTime: s.totalTime,
              rangeTime: s.rangeTime, unknownTime: s.unknownTime)
    }

    static func region(_ r: RegionSummary) -> Region {
        Region(taskID: r.taskID, name: r.name, start: ref(r.start), end: ref(r.end), stats: stats(r.stats))
    }

    static func histogram(_ h: TimeHistogram) -> Histogram {
        let rows = h.rows
        return Histogram(count: h.count, minBucket: h.minBucket, maxBucket: h.maxBucket, buckets: rows.map(\.count),
                         bucketMins: rows.isEmpty ? [] : rows.map(\.min) + [TimeHistogram.bucketMin(h.maxBucket + 1)])
    }

    static func ours(_ s: GoroutineSummaries) -> Golden {
        let gs = s.goroutines.map { g in
            Goroutine(id: g.id, name: g.name, pc: g.pc, creationTime: g.creationTime, startTime: g.startTime,
                      endTime: g.endTime, regions: s.regions(of: g).map(region), stats: stats(g.stats))
        }
        let ts = s.tasks.map { t in
            Task(id: t.id, name: t.name, parent: t.parent, children: t.children, start: ref(t.start), end: ref(t.end),
                 complete: t.isComplete, goroutines: t.goroutines,
                 logs: t.logs.map { Log(time: s.logs[$0].time, goroutine: s.logs[$0].goroutine, category: s.logs[$0].category,
                                        message: s.logs[$0].message) },
                 regions: t.regions.map { region(s.regions[$0]) })
        }
        let groups = s.groups.map { Group(name: $0.name, count: $0.count, execTime: $0.execTime) }
        let taskTypes = s.taskTypes.map { TaskType(type: $0.type, count: $0.count, histogram: histogram($0.histogram)) }
        let regionTypes = s.regionTypes.map {
            RegionType(type: $0.type, pc: $0.frame?.pc ?? 0, func: $0.frame?.function ?? "", file: $0.frame?.file ?? "",
                       line: $0.frame?.line ?? 0, count: $0.count, histogram: histogram($0.histogram))
        }
        return Golden(startTime: s.traceStart, endTime: s.traceEnd, goroutines: gs, tasks: ts, groups: groups,
                      taskTypes: taskTypes, regionTypes: regionTypes)
    }

    /// Human-readable differences (at most `limit`), empty when equal.
    static func differences(_ ours: Golden, _ go: Golden, limit: Int = 8) -> [String] {
        var out: [String] = []
        func note(_ s: String) { if out.count < limit { out.append(s) } }
        if ours.startTime != go.startTime || ours.endTime != go.endTime {
            note("trace bounds \(ours.startTime)…\(ours.endTime) vs Go \(go.startTime)…\(go.endTime)")
        }
        let ourG = Dictionary(ours.goroutines.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let goIDs = go.goroutines.map(\.id)
        if ours.goroutines.map(\.id) != goIDs {
            note("goroutine IDs differ: ours \(ours.goroutines.count), Go \(goIDs.count); missing \(Set(goIDs).subtracting(ourG.keys).sorted().prefix(5)), extra \(Set(ourG.keys).subtracting(goIDs).sorted().prefix(5))")
        }
        for g in go.goroutines {
            guard let o = ourG[g.id], o != g else { continue }
            if o.stats != g.stats { note("G\(g.id) stats: ours \(o.stats) Go \(g.stats)") }
            if (o.name, o.pc, o.creationTime, o.startTime, o.endTime) != (g.name, g.pc, g.creationTime, g.startTime, g.endTime) {
                note("G\(g.id) header: ours \(o.name) \(o.pc) \(o.creationTime) \(o.startTime) \(o.endTime), Go \(g.name) \(g.pc) \(g.creationTime) \(g.startTime) \(g.endTime)")
            }
            if o.regions != g.regions {
                note("G\(g.id) regions: ours \(o.regions.count), Go \(g.regions.count); first diff: "
                     + "\(zip(o.regions, g.regions).first { $0 != $1 }.map { "ours \($0.0) Go \($0.1)" } ?? "-")")
            }
        }
        if ours.tasks != go.tasks {
            if ours.tasks.map(\.id) != go.tasks.map(\.id) { note("task IDs differ") }
            for (o, g) in zip(ours.tasks, go.tasks) where o != g { note("task \(g.id): ours \(o) Go \(g)") }
        }
        if ours.groups != go.groups { note("groups: ours \(ours.groups) Go \(go.groups)") }
        if ours.taskTypes != go.taskTypes { note("task types: ours \(ours.taskTypes) Go \(go.taskTypes)") }
        if ours.regionTypes != go.regionTypes { note("region types: ours \(ours.regionTypes) Go \(go.regionTypes)") }
        return out
    }
}

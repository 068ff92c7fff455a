import GoTrace

/// The result of the goroutine analysis: every goroutine, region, task and log of the trace, as
/// `go tool trace`'s goroutine, task and region pages see them.
public struct GoroutineSummaries: Sendable {
    /// Resolves the stack IDs of `EventRef`s and goroutine start/end stacks.
    public let tables: TraceTables
    /// Goroutines by ID (the latest summary of each ID, as Go's map keeps).
    public let goroutines: [GoroutineSummary]
    /// All regions, in order of their begin (or, for begin-less ones, end); goroutines and tasks
    /// refer to them by index. Includes inherited regions (name "") and regions of system
    /// goroutines that Go drops from the goroutine (still listed by their task).
    public let regions: [RegionSummary]
    /// Tasks by ID. Task 0 (the background task) holds logs and regions outside any task.
    public let tasks: [TaskSummary]
    public let logs: [LogEntry]
    /// First and last times of the kept events (cmd/trace's `startTime()`/`endTime()`).
    public let traceStart: Int64
    public let traceEnd: Int64

    init(tables: TraceTables, goroutines: [GoroutineSummary], regions: [RegionSummary], tasks: [TaskSummary],
         logs: [LogEntry], traceStart: Int64, traceEnd: Int64) {
        self.tables = tables
        self.goroutines = goroutines
        self.regions = regions
        self.tasks = tasks
        self.logs = logs
        self.traceStart = traceStart
        self.traceEnd = traceEnd
    }

    /// The goroutine with this ID.
    public func goroutine(id: Int64) -> GoroutineSummary? {
        var lo = 0, hi = goroutines.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if goroutines[mid].id < id { lo = mid + 1 } else { hi = mid }
        }
        return lo < goroutines.count && goroutines[lo].id == id ? goroutines[lo] : nil
    }

    /// The task with this ID.
    public func task(id: UInt64) -> TaskSummary? {
        var lo = 0, hi = tasks.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if tasks[mid].id < id { lo = mid + 1 } else { hi = mid }
        }
        return lo < tasks.count && tasks[lo].id == id ? tasks[lo] : nil
    }

    /// The regions of a goroutine, sorted by start (what Go lists in `GoroutineSummary.Regions`).
    public func regions(of g: GoroutineSummary) -> [RegionSummary] { g.regions.map { regions[$0] } }

    /// Sum of every goroutine's execution time (the /goroutine page's denominator).
    public var totalExecTime: Int64 { goroutines.reduce(0) { $0 &+ $1.stats.execTime } }

    // MARK: Groups (/goroutines)

    /// Goroutines grouped by start function, as the /goroutines page: by total execution time,
    /// descending (ties by name, which Go leaves unspecified).
    public var groups: [GoroutineGroup] {
        var index: [String: Int] = [:]
        var out: [GoroutineGroup] = []
        for (i, g) in goroutines.enumerated() {
            if let k = index[g.name] {
                out[k].members.append(i)
                out[k].execTime &+= g.stats.execTime
            } else {
                index[g.name] = out.count
                out.append(GoroutineGroup(name: g.name, members: [i], execTime: g.stats.execTime))
            }
        }
        out.sort { $0.execTime != $1.execTime ? $0.execTime > $1.execTime : $0.name < $1.name }
        return out
    }

    /// The group of goroutines whose start function is `name` ("" = the unnamed group).
    public func group(named name: String) -> GoroutineGroup? { groups.first { $0.name == name } }

    /// Per-column distributions over a set of goroutines: "Total time", the non-overlapping
    /// columns present in any of them (Go's order: "Execution time" first, then byte-wise), then
    /// the range names (sorted). A goroutine without a column counts as 0, as on Go's page.
    public func columnDistributions(of members: [Int]) -> [(column: String, distribution: Distribution)] {
        columnDistributions(members.map { goroutines[$0].stats })
    }

    /// The same over any stats, e.g. the regions of one type.
    public func columnDistributions(_ stats: [ExecStats]) -> [(column: String, distribution: Distribution)] {
        let nonOverlapping = stats.map(\.nonOverlapping)
        var names = Set<String>()
        var rangeNames = Set<String>()
        for s in nonOverlapping { names.formUnion(s.keys) }
        for s in stats { rangeNames.formUnion(s.rangeTime.keys) }
        var out: [(column: String, distribution: Distribution)] = [("Total time", Distribution(stats.map(\.totalTime)))]
        for name in names.sorted(by: ExecStats.columnOrder) {
            out.append((name, Distribution(nonOverlapping.map { $0[name] ?? 0 })))
        }
        for name in rangeNames.sorted() {
            out.append((name, Distribution(stats.map { $0.rangeTime[name] ?? 0 })))
        }
        return out
    }

    // MARK: Stacks

    /// Frames of a stack as (function, file, line, pc), leaf first.
    public func frames(ofStack id: UInt32) -> [ResolvedFrame] {
        tables.frames(ofStack: id).map {
            ResolvedFrame(pc: $0.pc, function: tables.string($0.funcID), file: tables.string($0.fileID), line: $0.line)
        }
    }
}

/// Goroutines sharing a start function.
public struct GoroutineGroup: Sendable {
    /// Start function ("" when no stack was seen: Go shows "(Inactive, no stack trace sampled)").
    public var name: String
    /// Indices into `GoroutineSummaries.goroutines`.
    public var members: [Int]
    public var execTime: Int64
    public var count: Int { members.count }
}

/// A stack frame with its strings.
public struct ResolvedFrame: Sendable, Hashable, Codable {
    public var pc: UInt64
    public var function: String
    public var file: String
    public var line: UInt64
}

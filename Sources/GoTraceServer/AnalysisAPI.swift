import GoTrace
import GoTraceAnalysis

/// JSON for the analysis pages: every number straight from the analyses (which equal
/// `go tool trace`'s), times in ns relative to the trace start where they are points in time.
extension ViewerSession {
    static func displayName(_ name: String) -> String { name.isEmpty ? "(Inactive, no stack trace sampled)" : name }

    func writeDistribution(_ w: inout JSONWriter, _ d: Distribution) {
        w.beginObject()
        w.field("min", d.min)
        w.field("median", d.median)
        w.field("p99", d.p99)
        w.field("max", d.max)
        w.field("sum", d.sum)
        w.endObject()
    }

    func writeColumns(_ w: inout JSONWriter, _ s: ExecStats) {
        w.beginObject()
        for (k, v) in s.nonOverlapping.sorted(by: { ExecStats.columnOrder($0.key, $1.key) }) { w.field(k, v) }
        for (k, v) in s.rangeTime.sorted(by: { $0.key < $1.key }) { w.field(k, v) }
        w.endObject()
    }

    func writeResolvedStack(_ w: inout JSONWriter, _ frames: [ResolvedFrame]) {
        w.beginArray()
        for f in frames.prefix(256) {
            w.beginObject()
            w.field("func", f.function)
            w.field("file", f.file)
            w.field("line", Int64(clamping: f.line))
            w.endObject()
        }
        w.endArray()
    }

    // MARK: Goroutines

    /// The /goroutines table: groups by start function with the time split summed over the
    /// group and per-column distributions (min / median / p99 / max).
    public func goroutineGroupsJSON() async throws(APIError) -> [UInt8] {
        let s = try await analysis.summaries()
        let total = s.totalExecTime
        var w = JSONWriter()
        w.beginObject()
        w.field("totalExecTime", total)
        w.field("goroutines", s.goroutines.count)
        w.key("groups")
        w.beginArray()
        for g in s.groups {
            w.beginObject()
            w.field("name", g.name)
            w.field("label", Self.displayName(g.name))
            w.field("count", g.count)
            w.field("execTime", g.execTime)
            w.field("execShare", total > 0 ? Double(g.execTime) / Double(total) : 0)
            w.key("columns")
            w.beginObject()
            let dists = s.columnDistributions(of: g.members)
            for (c, d) in dists {
                w.key(c)
                writeDistribution(&w, d)
            }
            w.endObject()
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return w.bytes
    }

    /// One group's goroutines (Go's /goroutine?name= page) with every column.
    public func goroutineGroupJSON(name: String) async throws(APIError) -> [UInt8] {
        let s = try await analysis.summaries()
        guard let g = s.group(named: name) else { throw APIError("no goroutine group \(name)", status: 404) }
        var w = JSONWriter(capacity: 1 << 16)
        w.beginObject()
        w.field("name", g.name)
        w.field("label", Self.displayName(g.name))
        w.field("count", g.count)
        w.field("execTime", g.execTime)
        w.field("totalExecTime", s.totalExecTime)
        w.key("distributions")
        w.beginObject()
        for (c, d) in s.columnDistributions(of: g.members) {
            w.key(c)
            writeDistribution(&w, d)
        }
        w.endObject()
        w.key("goroutines")
        w.beginArray()
        for i in g.members.prefix(Limits.maxList * 4) {
            let x = s.goroutines[i]
            w.beginObject()
            w.field("id", x.id)
            w.field("created", x.creationTime - s.traceStart)
            w.field("start", x.startTime - s.traceStart)
            w.field("end", x.endTime - s.traceStart)
            w.field("total", x.stats.totalTime)
            w.key("columns")
            writeColumns(&w, x.stats)
            w.endObject()
        }
        w.endArray()
        w.field("truncated", g.members.count > Limits.maxList * 4)
        w.endObject()
        return w.bytes
    }

    /// One goroutine: times, time split, ranges, regions, start and end stacks.
    public func goroutineSummaryJSON(id: Int64) async throws(APIError) -> [UInt8] {
        let s = try await analysis.summaries()
        guard let x = s.goroutine(id: id) else { throw APIError("no goroutine \(id)", status: 404) }
        var w = JSONWriter()
        w.beginObject()
        w.field("id", x.id)
        w.field("name", x.name)
        w.field("label", Self.displayName(x.name))
        w.field("created", x.creationTime - s.traceStart)
        w.field("start", x.startTime - s.traceStart)
        w.field("end", x.endTime - s.traceStart)
        w.field("total", x.stats.totalTime)
        w.field("system", x.isSystem)
        w.key("columns")
        writeColumns(&w, x.stats)
        w.key("startStack")
        writeResolvedStack(&w, s.frames(ofStack: x.startStackID))
        w.key("endStack")
        writeResolvedStack(&w, s.frames(ofStack: x.endStackID))
        w.key("regions")
        w.beginArray()
        for r in s.regions(of: x).prefix(Limits.maxList) where !r.name.isEmpty {
            let iv = s.interval(of: r)
            w.beginObject()
            w.field("name", r.name)
            w.field("task", Int64(bitPattern: r.taskID))
            w.field("start", iv.start - s.traceStart)
            w.field("end", iv.end - s.traceStart)
            w.key("columns")
            writeColumns(&w, r.stats)
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return w.bytes
    }

    // MARK: Profiles

    static func restriction(region: String?, group: String?) -> ProfileRestriction {
        if let region { return .regionType(region) }
        if let group { return .goroutinesNamed(group) }
        return .allGoroutines
    }

    /// A profile as a flame graph (call tree root first, merged by function) and a table of
    /// functions with flat and cumulative time.
    public func profileJSON(kind: PprofKind, region: String?, group: String?) async throws(APIError) -> [UInt8] {
        let (records, _) = try await analysis.records(kind, restriction: Self.restriction(region: region, group: group))
        // The tree: node 0 is the root; children by function name.
        var names: [String] = ["root"], values: [Int64] = [0], counts: [UInt64] = [0], parents: [Int] = [-1]
        var children: [[String: Int]] = [[:]]
        var flat: [String: (Int64, UInt64)] = [:], cum: [String: (Int64, UInt64)] = [:]
        var total: Int64 = 0
        for r in records {
            total &+= r.time
            values[0] &+= r.time
            counts[0] &+= r.count
            var node = 0
            var seen = Set<String>()
            // Frames are leaf first: walk from the root.
            for f in r.stack.reversed() {
                let fn = model.tables.string(f.funcID)
                if let c = children[node][fn] {
                    node = c
                } else {
                    let c = names.count
                    names.append(fn)
                    values.append(0)
                    counts.append(0)
                    parents.append(node)
                    children.append([:])
                    children[node][fn] = c
                    node = c
                }
                values[node] &+= r.time
                counts[node] &+= r.count
                if seen.insert(fn).inserted {
                    let c = cum[fn] ?? (0, 0)
                    cum[fn] = (c.0 &+ r.time, c.1 &+ r.count)
                }
            }
            // Samples without a stack are their own entry, so the table adds up to the total.
            let leaf = r.stack.first.map { model.tables.string($0.funcID) } ?? "(no stack)"
            let c = flat[leaf] ?? (0, 0)
            flat[leaf] = (c.0 &+ r.time, c.1 &+ r.count)
        }
        var w = JSONWriter(capacity: 1 << 16)
        w.beginObject()
        w.field("kind", kind.rawValue)
        w.field("unit", kind == .cpu ? "samples" : "ns")
        w.field("total", total)
        w.field("records", records.count)
        // Nodes as flat arrays: name, parent, value, count (parents come before children).
        w.key("nodes")
        w.beginArray()
        for i in names.indices.prefix(200_000) {
            w.beginArray()
            w.value(names[i])
            w.value(parents[i])
            w.value(values[i])
            w.value(Int64(clamping: counts[i]))
            w.endArray()
        }
        w.endArray()
        w.key("top")
        w.beginArray()
        for k in flat.keys where cum[k] == nil { cum[k] = flat[k] }
        let funcs = cum.keys.sorted { (flat[$0]?.0 ?? 0, cum[$0]?.0 ?? 0, $1) > (flat[$1]?.0 ?? 0, cum[$1]?.0 ?? 0, $0) }
        for fn in funcs.prefix(500) {
            w.beginObject()
            w.field("func", fn)
            w.field("flat", flat[fn]?.0 ?? 0)
            w.field("flatCount", Int64(clamping: flat[fn]?.1 ?? 0))
            w.field("cum", cum[fn]?.0 ?? 0)
            w.field("cumCount", Int64(clamping: cum[fn]?.1 ?? 0))
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return w.bytes
    }

    /// The gzip'd pprof file, as `go tool trace -pprof=KIND` writes it.
    public func pprofFile(kind: PprofKind, region: String?, group: String?) async throws(APIError) -> [UInt8] {
        let (records, tables) = try await analysis.records(kind, restriction: Self.restriction(region: region, group: group))
        do {
            return try PprofProfiles.pprof(kind, records: records, tables: tables)
        } catch {
            throw APIError("cannot encode the profile: \(error)", status: 500)
        }
    }

    // MARK: Tasks and regions

    /// The durations a histogram bucket holds, as inclusive latency bounds for Go's filters.
    static func bucketBounds(_ b: Int) -> (Int64, Int64) { (TimeHistogram.bucketMin(b), TimeHistogram.bucketMin(b + 1) - 1) }

    func writeHistogram(_ w: inout JSONWriter, _ h: TimeHistogram) {
        w.beginArray()
        for r in h.rows {
            w.beginArray()
            w.value(r.bucket)
            w.value(r.min)
            w.value(TimeHistogram.bucketMin(r.bucket + 1))
            w.value(r.count)
            w.endArray()
        }
        w.endArray()
    }

    /// Task types with Go's latency histograms; with `type`, its tasks (optionally only those in
    /// histogram bucket `bucket`) with their goroutines and logs.
    public func tasksJSON(type: String?, bucket: Int?) async throws(APIError) -> [UInt8] {
        let s = try await analysis.summaries()
        var w = JSONWriter(capacity: 1 << 14)
        w.beginObject()
        w.key("types")
        w.beginArray()
        for t in s.taskTypes {
            w.beginObject()
            w.field("type", t.type)
            w.field("count", t.count)
            w.key("histogram")
            writeHistogram(&w, t.histogram)
            w.endObject()
        }
        w.endArray()
        if let type {
            let lat = bucket.map(Self.bucketBounds)
            w.key("tasks")
            w.beginArray()
            var n = 0
            for t in s.tasks(type: type, latMin: lat?.0, latMax: lat?.1) {
                n += 1
                if n > Limits.maxList { break }
                let iv = s.interval(of: t)
                w.beginObject()
                w.field("id", Int64(bitPattern: t.id))
                w.field("start", iv.start - s.traceStart)
                w.field("end", iv.end - s.traceStart)
                w.field("duration", s.duration(of: t))
                w.field("complete", t.isComplete)
                w.field("parent", t.parent.map { Int64(bitPattern: $0) } ?? -1)
                w.key("goroutines")
                w.array(t.goroutines)
                w.key("events")
                w.beginArray()
                for e in s.eventLines(of: t).prefix(200) {
                    w.beginObject()
                    w.field("time", e.time - s.traceStart)
                    w.field("goroutine", e.goroutine)
                    w.field("what", e.what)
                    w.endObject()
                }
                w.endArray()
                w.endObject()
            }
            w.endArray()
        }
        w.endObject()
        return w.bytes
    }

    /// Region types by (type, start location) with histograms; with `type`, its regions (and
    /// `pc`, `bucket` to narrow) with their time split.
    public func regionsJSON(type: String?, pc: UInt64?, bucket: Int?) async throws(APIError) -> [UInt8] {
        let s = try await analysis.summaries()
        var w = JSONWriter(capacity: 1 << 14)
        w.beginObject()
        w.key("types")
        w.beginArray()
        for t in s.regionTypes {
            w.beginObject()
            w.field("type", t.type)
            w.field("pc", Int64(bitPattern: t.frame?.pc ?? 0))
            w.field("function", t.frame?.function ?? "")
            w.field("file", t.frame?.file ?? "")
            w.field("line", Int64(clamping: t.frame?.line ?? 0))
            w.field("count", t.count)
            w.key("histogram")
            writeHistogram(&w, t.histogram)
            w.endObject()
        }
        w.endArray()
        if let type {
            let lat = bucket.map(Self.bucketBounds)
            w.key("regions")
            w.beginArray()
            var n = 0
            for i in s.regions(type: type, pc: pc, latMin: lat?.0, latMax: lat?.1) {
                n += 1
                if n > Limits.maxList { break }
                let r = s.regions[i]
                let iv = s.interval(of: r)
                w.beginObject()
                w.field("goroutine", r.goroutine)
                w.field("task", Int64(bitPattern: r.taskID))
                w.field("start", iv.start - s.traceStart)
                w.field("end", iv.end - s.traceStart)
                w.field("duration", s.duration(of: r))
                w.key("columns")
                writeColumns(&w, r.stats)
                w.endObject()
            }
            w.endArray()
        }
        w.endObject()
        return w.bytes
    }

    // MARK: MMU

    /// The MMU curve for `flags` (and with `percentiles` the MUD lines), plus the worst windows of
    /// length `window` (default: 1 ms, or the trace if shorter).
    public func mmuJSON(flags: UtilFlags, window: Int64?) async throws(APIError) -> [UInt8] {
        let util = try await analysis.utilization(flags)
        let curve = MMUCurve(util)
        var w = JSONWriter(capacity: 1 << 14)
        w.beginObject()
        w.field("flags", flags.rawValue)
        w.field("flagNames", flags.description)
        guard let plot = MMUPlot.compute(util: util, curve: curve),
              let mud = MMUPlot.compute(util: util, curve: curve, quantiles: MMUPlot.pageQuantiles) else {
            w.key("curve")
            w.beginArray()
            w.endArray()
            w.endObject()
            return w.bytes
        }
        w.field("xMin", plot.xMin)
        w.field("xMax", plot.xMax)
        w.key("curve")
        w.beginArray()
        for row in plot.curve {
            w.beginArray()
            for v in row { w.value(v) }
            w.endArray()
        }
        w.endArray()
        w.key("quantiles")
        w.beginArray()
        for q in MMUPlot.pageQuantiles { w.value(q) }
        w.endArray()
        // Our MUD (Go's page shows the MMU for every percentile, a known Go bug; see MMUCurve.mud).
        w.key("mud")
        w.beginArray()
        for row in plot.curve {
            let win = Int64(row[0])
            w.beginArray()
            w.value(row[0])
            for v in curve.mud(window: win, quantiles: MMUPlot.pageQuantiles, goCompatible: false) { w.value(v) }
            w.endArray()
        }
        w.endArray()
        _ = mud
        let win = max(1, window ?? min(1_000_000, max(1, duration)))
        w.field("window", win)
        w.key("worst")
        w.beginArray()
        for x in curve.examples(window: win, count: 10) {
            w.beginObject()
            w.field("time", x.time - model.traceStart)
            w.field("duration", win)
            w.field("util", x.mutatorUtil)
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return w.bytes
    }

    // MARK: GC

    /// Every GC cycle and STW pause (worst first), the stragglers that delayed each stop, and
    /// mark assist time by goroutine group.
    public func gcJSON() async throws(APIError) -> [UInt8] {
        let g = try await analysis.gc()
        let s = try await analysis.summaries()
        var w = JSONWriter(capacity: 1 << 14)
        w.beginObject()
        w.key("cycles")
        w.beginArray()
        for c in g.cycles {
            w.beginObject()
            w.field("seq", Int64(clamping: c.seq))
            w.field("start", c.start - g.startTime)
            w.field("duration", c.duration)
            w.field("startsBeforeTrace", c.startsBeforeTrace)
            w.field("endsAfterTrace", c.endsAfterTrace)
            w.endObject()
        }
        w.endArray()
        w.key("pauses")
        w.beginArray()
        for p in g.pauses.sorted(by: { $0.duration != $1.duration ? $0.duration > $1.duration : $0.start < $1.start }).prefix(Limits.maxList) {
            w.beginObject()
            w.field("kind", p.kind)
            w.field("start", p.start - g.startTime)
            w.field("duration", p.duration)
            w.field("stopLatency", p.stopLatency)
            w.field("gc", p.isGC)
            w.field("goroutine", p.goroutine)
            w.field("proc", p.proc)
            w.key("stragglers")
            w.beginArray()
            for st in p.stragglers.prefix(64) {
                w.beginObject()
                w.field("proc", st.proc)
                w.field("goroutine", st.goroutine)
                w.field("name", s.goroutine(id: st.goroutine).map { Self.displayName($0.name) } ?? "")
                w.field("startedAfter", st.startedAfterSTW)
                w.field("stopped", st.stoppedAt.map { $0 - p.start } ?? -1)
                w.field("how", st.how)
                w.field("yieldState", st.yieldState)
                w.field("yieldReason", st.yieldReason)
                w.key("stack")
                writeResolvedStack(&w, s.frames(ofStack: st.yieldStack))
                w.endObject()
            }
            w.endArray()
            w.endObject()
        }
        w.endArray()
        // Mark assist time by start function.
        var assist: [String: (Int64, Int)] = [:]
        for x in s.goroutines {
            let a = x.stats.rangeTime["GC mark assist"] ?? 0
            if a > 0 {
                let v = assist[x.name] ?? (0, 0)
                assist[x.name] = (v.0 + a, v.1 + 1)
            }
        }
        w.key("assists")
        w.beginArray()
        for (name, v) in assist.sorted(by: { $0.value.0 != $1.value.0 ? $0.value.0 > $1.value.0 : $0.key < $1.key }).prefix(500) {
            w.beginObject()
            w.field("group", Self.displayName(name))
            w.field("name", name)
            w.field("time", v.0)
            w.field("goroutines", v.1)
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return w.bytes
    }
}

import GoTrace
import GoTraceAnalysis

/// A request the session refuses, with the message the client gets (HTTP 400 or 404).
public struct APIError: Error, Sendable {
    public var status: Int
    public var message: String
    init(_ message: String, status: Int = 400) {
        self.status = status
        self.message = message
    }
}

/// One loaded trace and the answers the web app asks of it. Immutable after loading, so
/// requests run concurrently without locks. Every answer is bounded: by the pixel width asked
/// for, by track and result limits, and by scan caps.
public final class ViewerSession: Sendable {
    public let path: String
    public let model: TimelineModel
    public let info: TraceStreamInfo
    public let regions: RegionIndex
    /// Go's analyses for the analysis pages, computed on first use.
    let analysis: AnalysisStore
    /// Goroutines grouped by start function, largest total execution time first.
    public let groups: [GoroutineGroup]
    let groupIndex: [String: Int]
    /// Total execution time per dense goroutine.
    let execTime: [Int64]

    /// Limits on what one request may ask for.
    public enum Limits {
        public static let maxWidth = 20_000
        public static let maxTracks = 1_000
        public static let maxFlows = 4_000
        public static let maxList = 5_000
        public static let maxQuery = 200
    }

    public struct GoroutineGroup: Sendable {
        public var name: String
        public var goroutines: [Int]
        public var execTime: Int64
    }

    public init(path: String, model: TimelineModel, info: TraceStreamInfo) {
        self.path = path
        self.model = model
        self.info = info
        regions = RegionIndex(model: model)
        analysis = AnalysisStore(path: path)
        var exec = [Int64](repeating: 0, count: model.goroutineIDs.count)
        for i in 0..<model.sliceCount { exec[Int(model.sliceG(i))] &+= model.sliceEnd(i) - model.sliceStart[i] }
        execTime = exec
        var byName: [String: Int] = [:]
        var gs: [GoroutineGroup] = []
        for g in 0..<model.goroutineIDs.count {
            let name = model.startFunction(g)
            let key = name.isEmpty ? "(unknown)" : name
            if let k = byName[key] {
                gs[k].goroutines.append(g)
                gs[k].execTime &+= exec[g]
            } else {
                byName[key] = gs.count
                gs.append(GoroutineGroup(name: key, goroutines: [g], execTime: exec[g]))
            }
        }
        gs.sort { $0.execTime != $1.execTime ? $0.execTime > $1.execTime : $0.name < $1.name }
        groups = gs
        groupIndex = Dictionary(uniqueKeysWithValues: gs.enumerated().map { ($1.name, $0) })
    }

    /// Loads a trace file (streaming; see `TimelineModel.build`).
    public static func load(path: String, progress: ((Int, Int) -> Void)? = nil) throws(TraceError) -> ViewerSession {
        let (model, info) = try TimelineModel.build(path: path, progress: progress)
        return ViewerSession(path: path, model: model, info: info)
    }

    var duration: Int64 { model.traceEnd &- model.traceStart }

    /// A task's interval: begin (or trace start) to end (or trace end), as Go's `taskInterval`.
    func interval(of t: TimelineTask) -> (start: Int64, end: Int64) {
        (t.start == Int64.min ? model.traceStart : t.start, t.end == Int64.min ? model.traceEnd : t.end)
    }

    // MARK: /api/info

    /// The analysis under way (for the pages' progress line): what it is and how many of the
    /// trace's bytes its pass has read; `busy` false when nothing is being computed.
    public func progressJSON() -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        let p = analysis.progress
        w.field("busy", p != nil)
        w.field("what", p?.what ?? "")
        w.field("read", p?.read ?? 0)
        w.field("total", p?.total ?? 0)
        w.endObject()
        return w.bytes
    }

    public func infoJSON() -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.field("file", path.split(separator: "/").last.map(String.init) ?? path)
        w.field("version", info.version.description)
        w.field("fileBytes", info.fileBytes)
        w.field("events", info.validEvents)
        w.field("duration", duration)
        w.field("start", model.traceStart)
        w.field("generations", info.generations)
        w.key("procs")
        w.array(model.procIDs)
        w.field("threads", model.threadIDs.count)
        w.field("goroutines", model.goroutineIDs.count)
        w.field("groups", groups.count)
        w.field("slices", model.sliceCount)
        w.field("gcCycles", model.gcLane.count)
        w.field("stwPauses", model.stwLane.count)
        var worst: Int64 = 0
        for k in 0..<model.stwLane.count { worst = max(worst, model.stwLane.ends[k] - model.stwLane.starts[k]) }
        w.field("worstSTW", worst)
        w.field("cpuSamples", model.cpuSampleCount)
        w.field("tasks", model.tasks.count)
        w.field("regions", regions.starts.count)
        w.field("logs", model.logs.count)
        w.field("loss", info.lossMessage)
        w.field("error", info.error?.description)
        w.field("residentBytes", model.residentBytes)
        w.endObject()
        return w.bytes
    }

    // MARK: /api/tracks

    func goroutineTrack(_ w: inout JSONWriter, _ g: Int) {
        w.beginObject()
        w.field("id", "g:\(g)")
        w.field("label", model.goroutineName(g))
        w.field("goid", model.goroutineIDs[g])
        if !regions.byGoroutine.row(g).isEmpty { w.field("regions", "r:\(g)") }
        w.endObject()
    }

    func commonTracks(_ w: inout JSONWriter) {
        w.key("counters")
        w.beginArray()
        for (id, label, names) in [("c:goroutines", "Goroutines", ["Running", "Runnable", "GCWaiting"]),
                                   ("c:heap", "Heap", ["Allocated", "Goal"]),
                                   ("c:threads", "Threads", ["Running"]),
                                   ("c:syscalls", "Syscalls", ["InSyscall"])] {
            w.beginObject()
            w.field("id", id)
            w.field("label", label)
            w.key("series")
            w.beginArray()
            for n in names { w.value(n) }
            w.endArray()
            w.endObject()
        }
        w.endArray()
        w.key("lanes")
        w.beginArray()
        var lanes = [("gc", "GC", "spans"), ("stw", "STW", "spans"), ("net", "Network", "instants"),
                     ("timers", "Timers", "instants"), ("sys", "Syscalls", "instants")]
        if !model.logs.isEmpty { lanes.append(("logs", "User logs", "instants")) }
        for (id, label, kind) in lanes {
            w.beginObject()
            w.field("id", id)
            w.field("label", label)
            w.field("shape", kind)
            w.endObject()
        }
        w.endArray()
    }

    /// The rows of a view. `view`: proc, thread, goroutine (`group`/`offset`/`limit` page one
    /// group; without `group` the groups themselves), or a focus (`focus` = goroutine ID,
    /// `task` = task ID).
    public func tracksJSON(view: String, group: String?, offset: Int, limit: Int, filter: String?,
                           focus: Int64?, task: UInt64?) throws(APIError) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.field("view", view)
        commonTracks(&w)
        switch view {
        case "proc":
            w.key("tracks")
            w.beginArray()
            for p in 0..<model.procIDs.count {
                w.beginObject()
                w.field("id", "p:\(p)")
                w.field("label", "Proc \(model.procIDs[p])")
                w.field("work", "w:\(p)")
                if model.cpuSamples[p].count > 0 { w.field("cpu", "cpu:\(p)") }
                w.endObject()
            }
            w.endArray()
        case "thread":
            w.key("tracks")
            w.beginArray()
            for t in 0..<model.threadIDs.count {
                w.beginObject()
                w.field("id", "t:\(t)")
                w.field("label", "Thread \(model.threadIDs[t])")
                w.endObject()
            }
            w.endArray()
        case "goroutine":
            if let focus {
                guard let g = model.goroutineIndex(of: focus) else { throw APIError("no goroutine \(focus)", status: 404) }
                w.field("focus", "g:\(g)")
                w.key("tracks")
                w.beginArray()
                for r in model.relatedGoroutines(g) { goroutineTrack(&w, r) }
                w.endArray()
                let s = model.goroutineSlices.row(g)
                let start = s.first.map { model.sliceReady(Int($0)) } ?? model.traceStart
                let end = s.last.map { model.sliceEnd(Int($0)) } ?? model.traceEnd
                w.field("windowStart", max(min(start, model.goroutineCreated[g] == Int64.min ? start : model.goroutineCreated[g]), model.traceStart) - model.traceStart)
                w.field("windowEnd", end - model.traceStart)
            } else if let task {
                guard let t = model.task(id: task) else { throw APIError("no task \(task)", status: 404) }
                let iv = interval(of: t)
                w.field("windowStart", iv.start - model.traceStart)
                w.field("windowEnd", iv.end - model.traceStart)
                w.key("tasks")
                w.beginArray()
                var queue: [(UInt64, Int)] = [(t.id, 0)]
                var seen: Set<UInt64> = []
                var goroutines: [UInt32] = []
                while let (id, depth) = queue.first, seen.count < Limits.maxList {
                    queue.removeFirst()
                    guard seen.insert(id).inserted, let x = model.task(id: id) else { continue }
                    let xi = interval(of: x)
                    w.beginObject()
                    w.field("id", Int64(bitPattern: x.id))
                    w.field("name", model.tables.string(x.name))
                    w.field("start", xi.start - model.traceStart)
                    w.field("end", xi.end - model.traceStart)
                    w.field("depth", depth)
                    w.field("complete", x.start != Int64.min && x.end != Int64.min)
                    w.endObject()
                    goroutines.append(contentsOf: x.goroutines)
                    queue.append(contentsOf: x.children.map { ($0, depth + 1) })
                }
                w.endArray()
                w.key("tracks")
                w.beginArray()
                var done: Set<UInt32> = []
                for g in goroutines where Int(g) < model.goroutineIDs.count {
                    if done.insert(g).inserted, done.count <= Limits.maxTracks { goroutineTrack(&w, Int(g)) }
                }
                w.endArray()
            } else if let group {
                guard let k = groupIndex[group] else { throw APIError("no goroutine group \(group)", status: 404) }
                let gs = groups[k].goroutines
                w.field("group", group)
                w.field("total", gs.count)
                w.key("tracks")
                w.beginArray()
                let lo = min(max(offset, 0), gs.count)
                for g in gs[lo..<min(gs.count, lo + min(max(limit, 0), Limits.maxList))] { goroutineTrack(&w, g) }
                w.endArray()
            } else {
                w.key("groups")
                w.beginArray()
                let f = filter?.lowercased() ?? ""
                var n = 0
                for g in groups where f.isEmpty || g.name.lowercased().contains(f) {
                    n += 1
                    if n > Limits.maxList { break }
                    w.beginObject()
                    w.field("name", g.name)
                    w.field("count", g.goroutines.count)
                    w.field("execTime", g.execTime)
                    w.endObject()
                }
                w.endArray()
            }
        default:
            throw APIError("unknown view \(view); want proc, thread or goroutine")
        }
        w.endObject()
        return w.bytes
    }

    // MARK: /api/timeline

    /// Level-of-detail data of `tracks` over `[start, end)` (ns from the trace start) at `width`
    /// pixels, plus the names of the goroutines and regions it mentions.
    public func timelineJSON(start: Int64, end: Int64, width: Int, tracks: [String]) throws(APIError) -> [UInt8] {
        guard width > 0, width <= Limits.maxWidth else { throw APIError("width must be 1...\(Limits.maxWidth)") }
        guard end > start else { throw APIError("end must be after start") }
        guard tracks.count <= Limits.maxTracks else { throw APIError("at most \(Limits.maxTracks) tracks per request") }
        let t0 = model.traceStart &+ max(start, -duration), t1 = model.traceStart &+ min(end, 2 * duration + 1)
        guard t1 > t0 else { throw APIError("window outside the trace") }
        let step = max(1, (t1 - t0) / Int64(width))
        var w = JSONWriter(capacity: 1 << 16)
        w.beginObject()
        w.field("start", t0 - model.traceStart)
        w.field("end", t1 - model.traceStart)
        w.field("step", step)
        w.key("tracks")
        w.beginObject()
        var names: Set<Int> = []
        var regionNames: Set<Int> = []
        var logIDs: [Int] = []
        for name in tracks {
            guard let ref = TrackRef(Substring(name)) else { throw APIError("unknown track \(name)") }
            guard let data = model.track(ref, from: t0, to: t1, step: step, regions: regions) else {
                throw APIError("unknown track \(name)", status: 404)
            }
            w.key(name)
            w.beginObject()
            w.field("shape", data.shape.rawValue)
            w.field("stride", data.stride)
            w.key("v")
            w.array(data.values)
            w.endObject()
            if ref == .logs {
                var k = 0
                while k + 1 < data.values.count {
                    if data.values[k + 1] >= 0 && logIDs.count < 5_000 { logIDs.append(Int(data.values[k + 1])) }
                    k += 2
                }
            }
            if data.shape == .spans {
                var k = 0
                while k + 3 < data.values.count {
                    if data.values[k + 2] >= 0 {
                        switch ref {
                        case .proc, .thread, .work:
                            if data.values[k + 3] >= 0 && data.values[k + 3] < Int64(model.goroutineIDs.count) && names.count < 20_000 {
                                names.insert(Int(data.values[k + 3]))
                            }
                        case .regions:
                            regionNames.insert(Int(data.values[k + 2]))
                        default: break
                        }
                    }
                    k += 4
                }
            }
        }
        w.endObject()
        w.key("names")
        w.beginObject()
        for g in names.sorted() { w.field(String(g), model.goroutineName(g)) }
        w.endObject()
        w.key("regionNames")
        w.beginObject()
        for r in regionNames.sorted() where r < regions.regionIDs.count {
            w.field(String(r), model.tables.string(model.regions[regions.regionIDs[r]].name))
        }
        w.endObject()
        w.key("regionTasks")
        w.beginObject()
        for r in regionNames.sorted() where r < regions.regionIDs.count {
            w.field(String(r), Int64(bitPattern: model.regions[regions.regionIDs[r]].task))
        }
        w.endObject()
        w.key("logs")
        w.beginObject()
        for i in logIDs where i < model.logs.count {
            let l = model.logs[i]
            let cat = model.tables.string(l.category)
            w.key(String(i))
            w.beginObject()
            w.field("text", (cat.isEmpty ? "" : "[\(cat)] ") + model.tables.string(l.message))
            w.field("goid", l.goroutine == UInt32.max ? -1 : model.goroutineIDs[Int(l.goroutine)])
            w.field("task", Int64(bitPattern: l.task))
            w.endObject()
        }
        w.endObject()
        w.key("stwKinds")
        w.beginObject()
        if tracks.contains("stw") {
            var kinds: Set<UInt32> = []
            for k in 0..<model.stwLane.count { kinds.insert(model.stwLane.labels[k]) }
            for k in kinds.sorted() { w.field(String(k), model.tables.string(k)) }
        }
        w.endObject()
        w.endObject()
        return w.bytes
    }

    // MARK: /api/flows

    /// Arrows from the event that made a goroutine runnable to where it ran next, for slices that
    /// start in the window. In the goroutine view only arrows between `tracks` are kept.
    public func flowsJSON(view: String, start: Int64, end: Int64, tracks: [String]) throws(APIError) -> [UInt8] {
        guard end > start else { throw APIError("end must be after start") }
        guard ["proc", "thread", "goroutine"].contains(view) else { throw APIError("unknown view \(view)") }
        let t0 = model.traceStart &+ max(start, -duration), t1 = model.traceStart &+ min(end, 2 * duration + 1)
        let visible = Set(tracks.prefix(Limits.maxTracks))
        var w = JSONWriter(capacity: 1 << 14)
        w.beginObject()
        w.key("flows")
        w.beginArray()
        var n = 0
        var i = model.firstSlice(startingAtOrAfter: t0)
        var scanned = 0
        var truncated = false
        while i < model.sliceCount && model.sliceStart[i] < t1 {
            scanned += 1
            if n >= Limits.maxFlows || scanned > 4_000_000 { truncated = true; break }
            defer { i += 1 }
            let kind = model.wakeKind(ofSlice: i)
            if kind == .none || kind == .stopped { continue }
            let g = Int(model.sliceG(i))
            let from: String, to: String
            switch view {
            case "proc":
                guard model.sliceProc(i) >= 0 else { continue }
                to = "p:\(model.sliceProc(i))"
                switch kind {
                case .network: from = "net"
                case .syscallReturn: from = "sys"
                default:
                    guard model.sliceWakerProc(i) >= 0 else { continue }
                    from = "p:\(model.sliceWakerProc(i))"
                }
            case "thread":
                guard model.sliceThread(i) >= 0 else { continue }
                to = "t:\(model.sliceThread(i))"
                let waker = model.sliceWaker(i)
                guard waker != UInt32.max, let ws = model.slice(ofGoroutine: Int(waker), at: model.sliceReady(i)),
                      model.sliceThread(ws) >= 0 else { continue }
                from = "t:\(model.sliceThread(ws))"
            default:
                to = "g:\(g)"
                let waker = model.sliceWaker(i)
                guard waker != UInt32.max else { continue }
                from = "g:\(waker)"
                if !visible.isEmpty && (!visible.contains(from) || !visible.contains(to)) { continue }
            }
            if from == to && model.sliceReady(i) == model.sliceStart[i] { continue }
            w.beginArray()
            w.value(model.sliceReady(i) - model.traceStart)
            w.value(from)
            w.value(model.sliceStart[i] - model.traceStart)
            w.value(to)
            w.value(kind.description)
            w.value(i)
            w.endArray()
            n += 1
        }
        w.endArray()
        w.field("truncated", truncated)
        w.endObject()
        return w.bytes
    }

    // MARK: Stacks

    func writeStack(_ w: inout JSONWriter, _ id: UInt32) {
        w.beginArray()
        for f in model.tables.frames(ofStack: id).prefix(256) {
            w.beginObject()
            w.field("func", model.tables.string(f.funcID))
            w.field("file", model.tables.string(f.fileID))
            w.field("line", Int64(clamping: f.line))
            w.endObject()
        }
        w.endArray()
    }

    func writeSliceRef(_ w: inout JSONWriter, _ i: Int) {
        w.beginObject()
        w.field("slice", i)
        let g = Int(model.sliceG(i))
        w.field("goid", model.goroutineIDs[g])
        w.field("g", g)
        w.field("name", model.goroutineName(g))
        w.field("start", model.sliceStart[i] - model.traceStart)
        w.field("end", model.sliceEnd(i) - model.traceStart)
        w.field("ready", model.sliceReady(i) - model.traceStart)
        w.field("proc", model.sliceProc(i) >= 0 ? model.procIDs[Int(model.sliceProc(i))] : -1)
        w.endObject()
    }

    // MARK: /api/slice

    /// Everything about one execution slice: what ran, when, where, the stacks it started and
    /// ended at, what woke it (and the waker's slice), whom it woke, and its neighbours.
    public func sliceJSON(_ i: Int) throws(APIError) -> [UInt8] {
        guard i >= 0, i < model.sliceCount else { throw APIError("no slice \(i)", status: 404) }
        let g = Int(model.sliceG(i))
        let row = model.goroutineSlices.row(g)
        let pos = model.position(ofSlice: i)
        var w = JSONWriter()
        w.beginObject()
        w.field("slice", i)
        w.field("title", model.goroutineName(g))
        w.field("goid", model.goroutineIDs[g])
        w.field("g", g)
        w.field("start", model.sliceStart[i] - model.traceStart)
        w.field("end", model.sliceEnd(i) - model.traceStart)
        w.field("duration", model.sliceEnd(i) - model.sliceStart[i])
        w.field("proc", model.sliceProc(i) >= 0 ? model.procIDs[Int(model.sliceProc(i))] : -1)
        w.field("thread", model.sliceThread(i) >= 0 ? model.threadIDs[Int(model.sliceThread(i))] : -1)
        w.field("endKind", model.endKind(ofSlice: i).description)
        w.field("endReason", model.endReason(ofSlice: i))
        // Where it resumed: the stack it last stopped at, or its start function for the first slice.
        let prev = pos.flatMap { $0 > 0 ? Int(row[row.startIndex + $0 - 1]) : nil }
        let next = pos.flatMap { $0 + 1 < row.count ? Int(row[row.startIndex + $0 + 1]) : nil }
        w.key("startStack")
        writeStack(&w, prev.map { model.sliceEndStack($0) } ?? model.goroutineStartStack[g])
        w.key("endStack")
        writeStack(&w, model.sliceEndStack(i))
        w.field("index", pos ?? -1)
        w.field("count", row.count)
        w.key("prev")
        if let prev { writeSliceRef(&w, prev) } else { w.null() }
        w.key("next")
        if let next { writeSliceRef(&w, next) } else { w.null() }
        let kind = model.wakeKind(ofSlice: i)
        w.key("wake")
        if kind == .none {
            w.null()
        } else {
            w.beginObject()
            w.field("kind", kind.description)
            w.field("time", model.sliceReady(i) - model.traceStart)
            w.field("latency", model.sliceStart[i] - model.sliceReady(i))
            let waker = model.sliceWaker(i)
            if waker != UInt32.max {
                w.field("goid", model.goroutineIDs[Int(waker)])
                w.field("g", Int(waker))
                w.field("name", model.goroutineName(Int(waker)))
                if let ws = model.slice(ofGoroutine: Int(waker), at: model.sliceReady(i)) {
                    w.key("slice")
                    writeSliceRef(&w, ws)
                }
            }
            w.field("proc", model.sliceWakerProc(i) >= 0 ? model.procIDs[Int(model.sliceWakerProc(i))] : -1)
            w.key("stack")
            writeStack(&w, model.sliceWakeStack(i))
            w.endObject()
        }
        w.key("woke")
        w.beginArray()
        for k in model.wokenBy(goroutine: g, from: model.sliceStart[i], to: model.sliceEnd(i)) {
            writeSliceRef(&w, k)
        }
        w.endArray()
        w.endObject()
        return w.bytes
    }

    // MARK: /api/goroutine

    public func goroutineJSON(id: Int64) throws(APIError) -> [UInt8] {
        guard let g = model.goroutineIndex(of: id) else { throw APIError("no goroutine \(id)", status: 404) }
        let row = model.goroutineSlices.row(g)
        var w = JSONWriter()
        w.beginObject()
        w.field("goid", id)
        w.field("g", g)
        w.field("name", model.goroutineName(g))
        w.field("function", model.startFunction(g))
        w.field("created", model.goroutineCreated[g] == Int64.min ? -1 : model.goroutineCreated[g] - model.traceStart)
        w.field("ended", model.goroutineEnded[g] == Int64.min ? -1 : model.goroutineEnded[g] - model.traceStart)
        let c = model.goroutineCreator[g]
        w.field("creator", c == UInt32.max ? -1 : model.goroutineIDs[Int(c)])
        w.field("creatorName", c == UInt32.max ? nil : model.goroutineName(Int(c)))
        w.key("createStack")
        writeStack(&w, model.goroutineCreateStack[g])
        w.key("startStack")
        writeStack(&w, model.goroutineStartStack[g])
        w.field("slices", row.count)
        w.field("execTime", execTime[g])
        w.field("firstSlice", row.first.map { Int($0) } ?? -1)
        w.field("lastSlice", row.last.map { Int($0) } ?? -1)
        w.endObject()
        return w.bytes
    }

    // MARK: /api/search

    /// Goroutines by ID (`123`, `G123`) or by start function substring, and matching groups.
    public func searchJSON(_ q: String) throws(APIError) -> [UInt8] {
        guard q.utf8.count <= Limits.maxQuery else { throw APIError("query too long") }
        let query = q.trimmingPrefix("G").lowercased()
        var w = JSONWriter()
        w.beginObject()
        w.key("goroutines")
        w.beginArray()
        var n = 0
        if let id = Int64(query), let g = model.goroutineIndex(of: id) {
            w.beginObject()
            w.field("goid", id)
            w.field("g", g)
            w.field("name", model.goroutineName(g))
            w.endObject()
            n += 1
        }
        w.endArray()
        w.key("groups")
        w.beginArray()
        if !q.isEmpty {
            let lower = q.lowercased()
            for grp in groups where grp.name.lowercased().contains(lower) {
                n += 1
                if n > 50 { break }
                w.beginObject()
                w.field("name", grp.name)
                w.field("count", grp.goroutines.count)
                w.field("execTime", grp.execTime)
                w.key("first")
                w.array(grp.goroutines.prefix(10).map { model.goroutineIDs[$0] })
                w.endObject()
            }
        }
        w.endArray()
        w.endObject()
        return w.bytes
    }

    // MARK: /api/select

    /// Totals for a time range: execution per goroutine (top 30), time in runtime work by kind,
    /// GC and STW time, slices and goroutines seen, and the busy time per proc.
    public func selectionJSON(start: Int64, end: Int64) throws(APIError) -> [UInt8] {
        guard end > start else { throw APIError("end must be after start") }
        let t0 = model.traceStart &+ max(start, 0), t1 = model.traceStart &+ min(end, duration)
        guard t1 > t0 else { throw APIError("range outside the trace") }
        func overlap(_ a: Int64, _ b: Int64) -> Int64 { max(0, min(b, t1) - max(a, t0)) }
        // Running time: exact from the procs' busy prefix sums, whatever the range.
        var running: Int64 = 0
        for p in 0..<model.procIDs.count { running += model.busyTime(proc: p, from: t0, to: t1) }
        // Per goroutine and runnable time: from the slices in the range, up to a cap.
        var perG: [Int: Int64] = [:]
        var runnable: Int64 = 0
        var slices = 0
        var approximate = false
        var i = model.firstSlice(startingAtOrAfter: t0)
        var back = i - 1
        var backScanned = 0
        while back >= 0 && backScanned < 10_000 {
            let d = overlap(model.sliceStart[back], model.sliceEnd(back))
            if d > 0 { perG[Int(model.sliceG(back)), default: 0] += d; slices += 1 }
            back -= 1
            backScanned += 1
        }
        var scanned = 0
        while i < model.sliceCount && model.sliceStart[i] < t1 {
            if scanned >= 1_000_000 { approximate = true; break }
            let d = overlap(model.sliceStart[i], model.sliceEnd(i))
            perG[Int(model.sliceG(i)), default: 0] += d
            runnable += overlap(model.sliceReady(i), model.sliceStart[i])
            slices += 1
            scanned += 1
            i += 1
        }
        if approximate {
            // Count the rest without reading them.
            slices += model.firstSlice(startingAtOrAfter: t1) - i
        }
        var work = [Int64](repeating: 0, count: 4)
        for p in 0..<model.work.count {
            let list = model.work[p]
            var lo = 0, hi = list.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if list.starts[mid] < t0 - 10_000_000_000 { lo = mid + 1 } else { hi = mid }
            }
            var k = lo
            var n = 0
            while k < list.count && list.starts[k] < t1 && n < 2_000_000 {
                work[Int(list.kinds[k]) & 3] += overlap(list.starts[k], list.ends[k])
                k += 1
                n += 1
            }
            if n >= 2_000_000 { approximate = true }
        }
        var gc: Int64 = 0, stw: Int64 = 0
        for k in 0..<model.gcLane.count { gc += overlap(model.gcLane.starts[k], model.gcLane.ends[k]) }
        for k in 0..<model.stwLane.count { stw += overlap(model.stwLane.starts[k], model.stwLane.ends[k]) }
        var w = JSONWriter()
        w.beginObject()
        w.field("start", t0 - model.traceStart)
        w.field("end", t1 - model.traceStart)
        w.field("duration", t1 - t0)
        w.field("running", running)
        w.field("runnable", runnable)
        w.field("slices", slices)
        w.field("goroutineCount", perG.count)
        w.field("gc", gc)
        w.field("stw", stw)
        w.field("procs", model.procIDs.count)
        w.key("work")
        w.beginObject()
        for k in 0..<4 { w.field(WorkKind(rawValue: UInt8(k))?.description ?? "", work[k]) }
        w.endObject()
        w.key("goroutines")
        w.beginArray()
        for (g, d) in perG.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }).prefix(30) {
            w.beginObject()
            w.field("goid", model.goroutineIDs[g])
            w.field("name", model.goroutineName(g))
            w.field("running", d)
            w.endObject()
        }
        w.endArray()
        w.field("approximate", approximate)
        w.endObject()
        return w.bytes
    }
}

import Foundation
import GoTrace

/// Tasks of one type, as a row of `go tool trace`'s /usertasks page.
public struct TaskTypeSummary: Sendable {
    public var type: String
    /// All tasks of the type, complete or not.
    public var count: Int
    /// Durations (end − begin) of the complete tasks.
    public var histogram: TimeHistogram
    /// Indices into `GoroutineSummaries.tasks`.
    public var tasks: [Int]
}

/// Regions with the same type and start location, as a row of the /userregions page.
public struct RegionTypeSummary: Sendable {
    public var type: String
    /// Outermost frame of the region's start stack (nil: no start or no stack; Go's zero frame).
    public var frame: ResolvedFrame?
    public var count: Int
    /// Durations of every region (missing start/end: the trace's start/end).
    public var histogram: TimeHistogram
    /// Indices into `GoroutineSummaries.regions`.
    public var regions: [Int]
}

/// One line of a task's event list on the /usertask page.
public struct TaskEventLine: Sendable, Codable {
    public var time: Int64
    /// Since the previous listed event (the first: since the trace start).
    public var elapsed: Int64
    public var goroutine: Int64
    /// Go's `describeEvent` text, e.g. `region "compute" begin`, `log (category: c): "msg"`.
    public var what: String
}

extension GoroutineSummaries {
    // MARK: Tasks

    /// Task types sorted by name (the /usertasks page).
    public var taskTypes: [TaskTypeSummary] {
        var index: [String: Int] = [:]
        var out: [TaskTypeSummary] = []
        for (i, t) in tasks.enumerated() {
            let k: Int
            if let e = index[t.name] {
                k = e
            } else {
                k = out.count
                index[t.name] = k
                out.append(TaskTypeSummary(type: t.name, count: 0, histogram: TimeHistogram(), tasks: []))
            }
            out[k].count += 1
            out[k].tasks.append(i)
            if let s = t.start, let e = t.end { out[k].histogram.add(e.time &- s.time) }
        }
        out.sort { Array($0.type.utf8).lexicographicallyPrecedes(Array($1.type.utf8)) }
        return out
    }

    /// Go's `taskInterval`: begin (or trace start) to end (or trace end).
    public func interval(of t: TaskSummary) -> (start: Int64, end: Int64) {
        (t.start?.time ?? traceStart, t.end?.time ?? traceEnd)
    }

    public func duration(of t: TaskSummary) -> Int64 {
        let i = interval(of: t)
        return i.end &- i.start
    }

    /// Go's task filter: every given condition must hold. `latMin`/`latMax` select complete tasks
    /// whose duration is within the bound; `text` matches the task type, a region type, or a
    /// log's category or message (substring).
    public func tasks(type: String? = nil, complete: Bool? = nil, latMin: Int64? = nil, latMax: Int64? = nil,
                      text: String? = nil) -> [TaskSummary] {
        tasks.filter { t in
            if let type, t.name != type { return false }
            if let complete, t.isComplete != complete { return false }
            if let latMin, !(t.isComplete && duration(of: t) >= latMin) { return false }
            if let latMax, !(t.isComplete && duration(of: t) <= latMax) { return false }
            if let text, !text.isEmpty {
                let hit = t.name.contains(text) || t.regions.contains { regions[$0].name.contains(text) }
                    || t.logs.contains { logs[$0].category.contains(text) || logs[$0].message.contains(text) }
                if !hit { return false }
            }
            return true
        }
    }

    /// The events the /usertask page lists for a task: its begin and end, logs, and its regions'
    /// begins and ends, by time, as Go describes them.
    public func eventLines(of t: TaskSummary) -> [TaskEventLine] {
        enum Item { case ref(EventRef), log(LogEntry) }
        var items: [(time: Int64, item: Item)] = []
        if let s = t.start { items.append((s.time, .ref(s))) }
        if let e = t.end { items.append((e.time, .ref(e))) }
        for l in t.logs { items.append((logs[l].time, .log(logs[l]))) }
        for r in t.regions {
            if let s = regions[r].start { items.append((s.time, .ref(s))) }
            if let e = regions[r].end { items.append((e.time, .ref(e))) }
        }
        // Stable by time, as Go's SortStableFunc.
        let sorted = items.enumerated().sorted {
            $0.element.time != $1.element.time ? $0.element.time < $1.element.time : $0.offset < $1.offset
        }
        var last = traceStart
        var out: [TaskEventLine] = []
        for (_, e) in sorted {
            let what: String, g: Int64
            switch e.item {
            case .log(let l):
                what = l.category.isEmpty ? "log \(goQuote(l.message))" : "log (category: \(l.category)): \(goQuote(l.message))"
                g = l.goroutine
            case .ref(let r):
                what = describe(r)
                g = r.primaryGoroutine
            }
            if what.isEmpty { continue }
            out.append(TaskEventLine(time: e.time, elapsed: e.time &- last, goroutine: g, what: what))
            last = e.time
        }
        return out
    }

    /// Go's `describeEvent` for the events a task or region refers to.
    public func describe(_ r: EventRef) -> String {
        switch r.kind {
        case .stateTransition:
            guard r.resource != noID else { return "" }
            return "\(GoState(rawValue: r.from) ?? .undetermined) -> \(GoState(rawValue: r.to) ?? .undetermined)"
        case .regionBegin: return "region \(goQuote(tables.string(r.stringID))) begin"
        case .regionEnd: return "region \(goQuote(tables.string(r.stringID))) end"
        case .taskBegin:
            return "task \(goQuote(tables.string(r.stringID))) (ID \(r.taskID), parent \(r.parentTaskID)) begin"
        case .taskEnd: return "task end"
        default: return ""
        }
    }

    // MARK: Regions

    /// Go's `regionInterval`: start (or trace start) to end (or trace end).
    public func interval(of r: RegionSummary) -> (start: Int64, end: Int64) {
        (r.start?.time ?? traceStart, r.end?.time ?? traceEnd)
    }

    public func duration(of r: RegionSummary) -> Int64 {
        let i = interval(of: r)
        return i.end &- i.start
    }

    /// The outermost frame of a region's start stack (Go's fingerprint frame), nil if none.
    public func startFrame(of r: RegionSummary) -> ResolvedFrame? {
        guard let s = r.start, s.stackID != 0 else { return nil }
        return frames(ofStack: s.stackID).last
    }

    /// The regions Go's region pages list: every goroutine's regions (by goroutine ID, then start).
    public var listedRegions: [Int] { goroutines.flatMap(\.regions) }

    /// Region types by (type, start frame), sorted by type then PC (the /userregions page).
    public var regionTypes: [RegionTypeSummary] {
        struct Key: Hashable { var type: String; var frame: ResolvedFrame? }
        var index: [Key: Int] = [:]
        var out: [RegionTypeSummary] = []
        for r in listedRegions {
            let region = regions[r]
            let key = Key(type: region.name, frame: startFrame(of: region))
            let k: Int
            if let e = index[key] {
                k = e
            } else {
                k = out.count
                index[key] = k
                out.append(RegionTypeSummary(type: key.type, frame: key.frame, count: 0, histogram: TimeHistogram(), regions: []))
            }
            out[k].count += 1
            out[k].regions.append(r)
            out[k].histogram.add(duration(of: region))
        }
        out.sort { a, b in
            if a.type != b.type { return Array(a.type.utf8).lexicographicallyPrecedes(Array(b.type.utf8)) }
            let pa = a.frame?.pc ?? 0, pb = b.frame?.pc ?? 0
            if pa != pb { return pa < pb }
            return (a.frame?.function ?? "", a.frame?.file ?? "", a.frame?.line ?? 0)
                < (b.frame?.function ?? "", b.frame?.file ?? "", b.frame?.line ?? 0)
        }
        return out
    }

    /// Go's region filter: type, start PC and duration bounds (inclusive).
    public func regions(type: String? = nil, pc: UInt64? = nil, latMin: Int64? = nil, latMax: Int64? = nil) -> [Int] {
        listedRegions.filter { i in
            let r = regions[i]
            if let type, r.name != type { return false }
            if let pc, (startFrame(of: r)?.pc ?? 0) != pc { return false }
            let d = duration(of: r)
            if let latMin, d < latMin { return false }
            if let latMax, d > latMax { return false }
            return true
        }
    }
}

/// Go's `%q` for a string: double-quoted with Go escapes (printable Unicode kept as is).
public func goQuote(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
        switch u {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        case "\r": out += "\\r"
        case "\u{07}": out += "\\a"
        case "\u{08}": out += "\\b"
        case "\u{0C}": out += "\\f"
        case "\u{0B}": out += "\\v"
        default:
            if u.value < 0x20 || u.value == 0x7f {
                out += String(format: "\\x%02x", u.value)
            } else if u.properties.generalCategory == .control || u.properties.generalCategory == .format
                        || u.properties.generalCategory == .unassigned || u.properties.generalCategory == .surrogate {
                out += u.value <= 0xffff ? String(format: "\\u%04x", u.value) : String(format: "\\U%08x", u.value)
            } else {
                out.unicodeScalars.append(u)
            }
        }
    }
    return out + "\""
}

/// The one-screen overview `gotrace stats` prints: what is in a trace, counted in one pass.
public struct TraceSummary: Sendable, Codable {
    public var formatVersion: String
    public var writtenBy: String
    public var fileBytes: Int
    public var validBytes: Int
    public var events: Int
    public var eventsByKind: [String: Int]
    public var firstTime: Int64
    public var lastTime: Int64
    public var durationNanoseconds: Int64
    public var goroutines: Int
    public var procs: Int
    public var threads: Int
    public var generations: Int
    public var gcCycles: Int
    public var stwPauses: Int
    public var cpuSamples: Int
    public var tasks: Int
    public var regions: Int
    public var logs: Int
    public var hasCPUSamples: Bool
    public var hasUserAnnotations: Bool
    public var strings: Int
    public var stacks: Int
    /// Bytes of the loaded events, and per event (nil for a summary streamed without keeping them).
    public var residentBytes: Int?
    public var residentBytesPerEvent: Double?
    public var error: String?
    public var lossMessage: String?

    public init(_ trace: Trace) {
        self.init(version: trace.version, census: trace.census,
                  tables: (trace.tables.strings.count, trace.tables.stackCount), fileBytes: trace.fileBytes,
                  validBytes: trace.validBytes, generations: trace.generations, residentBytes: trace.events.encodedBytes,
                  error: trace.error, lossMessage: trace.lossMessage)
    }

    /// The summary of what a read counted; `residentBytes` nil when nothing was kept.
    init(version: TraceVersion, census c: EventCensus, tables: (strings: Int, stacks: Int), fileBytes: Int, validBytes: Int,
         generations: Int, residentBytes: Int?, error: TraceError?, lossMessage: String?) {
        var byKind = [Int](repeating: 0, count: EventKind.allCases.count)
        for t in 0..<256 where c.typeCounts[t] > 0 {
            byKind[Int(EventKind.ofWireType[t].rawValue)] += c.typeCounts[t]
        }
        let n = c.events, first = c.firstTime, last = c.lastTime
        let gc = c.typeCounts[Int(Wire.gcBegin)], stw = c.typeCounts[Int(Wire.stwBegin)]
        let samples = c.typeCounts[Int(Wire.cpuSample)], tasks = c.typeCounts[Int(Wire.userTaskBegin)]
        let regions = c.typeCounts[Int(Wire.userRegionBegin)], logs = c.typeCounts[Int(Wire.userLog)]
        var kinds: [String: Int] = [:]
        for k in EventKind.allCases where byKind[Int(k.rawValue)] > 0 { kinds[k.description] = byKind[Int(k.rawValue)] }
        formatVersion = version.description
        writtenBy = version.writtenBy
        self.fileBytes = fileBytes
        self.validBytes = validBytes
        events = n
        eventsByKind = kinds
        firstTime = first
        lastTime = last
        durationNanoseconds = last - first
        goroutines = c.goroutines
        procs = c.procs
        threads = c.threads
        self.generations = generations
        gcCycles = gc
        stwPauses = stw
        cpuSamples = samples
        self.tasks = tasks
        self.regions = regions
        self.logs = logs
        hasCPUSamples = samples > 0
        hasUserAnnotations = tasks + regions + logs > 0
        strings = tables.strings
        stacks = tables.stacks
        self.residentBytes = residentBytes
        residentBytesPerEvent = residentBytes.map { n > 0 ? Double($0) / Double(n) : 0 }
        self.error = error?.description
        self.lossMessage = lossMessage
    }
}

/// What one pass over the events counts for the summary (`CensusCounter` counts it, while the
/// trace loads or as it streams by), so that `stats` needs no second pass.
public struct EventCensus: Sendable {
    /// Events of each wire type (index = type, 255 = Sync).
    public internal(set) var typeCounts: [Int]
    public internal(set) var events: Int
    public internal(set) var firstTime: Int64
    public internal(set) var lastTime: Int64
    /// How many goroutines, procs and threads the events name.
    public internal(set) var goroutines: Int
    public internal(set) var procs: Int
    public internal(set) var threads: Int
}

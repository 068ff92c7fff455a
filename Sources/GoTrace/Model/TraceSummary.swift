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
    public var residentBytes: Int
    public var residentBytesPerEvent: Double
    public var error: String?
    public var lossMessage: String?

    public init(_ trace: Trace) {
        var byKind = [Int](repeating: 0, count: EventKind.allCases.count)
        var goroutines = Set<Int64>()
        var procs = Set<Int64>()
        var threads = Set<Int64>()
        var gc = 0, stw = 0, samples = 0, tasks = 0, regions = 0, logs = 0
        var first: Int64 = 0, last: Int64 = 0
        var n = 0
        var lastThread: Int64 = -1
        for e in trace.events {
            if n == 0 { first = e.time }
            last = e.time
            n += 1
            byKind[Int(e.kind.rawValue)] += 1
            if e.thread != lastThread {
                lastThread = e.thread
                if e.thread >= 0 { threads.insert(e.thread) }
            }
            switch e.type {
            case Wire.goCreate, Wire.goCreateBlocked, Wire.goCreateSyscall, Wire.goStatus, Wire.goStatusStack:
                goroutines.insert(Int64(bitPattern: e.a0))
            case Wire.procStatus, Wire.procStart:
                procs.insert(Int64(bitPattern: e.a0))
            case Wire.gcBegin: gc += 1
            case Wire.stwBegin: stw += 1
            case Wire.cpuSample: samples += 1
            case Wire.userTaskBegin: tasks += 1
            case Wire.userRegionBegin: regions += 1
            case Wire.userLog: logs += 1
            default: break
            }
        }
        var kinds: [String: Int] = [:]
        for k in EventKind.allCases where byKind[Int(k.rawValue)] > 0 { kinds[k.description] = byKind[Int(k.rawValue)] }
        formatVersion = trace.version.description
        writtenBy = trace.version.writtenBy
        fileBytes = trace.fileBytes
        validBytes = trace.validBytes
        events = n
        eventsByKind = kinds
        firstTime = first
        lastTime = last
        durationNanoseconds = last - first
        self.goroutines = goroutines.count
        self.procs = procs.count
        self.threads = threads.count
        generations = trace.generations
        gcCycles = gc
        stwPauses = stw
        cpuSamples = samples
        self.tasks = tasks
        self.regions = regions
        self.logs = logs
        hasCPUSamples = samples > 0
        hasUserAnnotations = tasks + regions + logs > 0
        strings = trace.tables.strings.count
        stacks = trace.tables.stackCount
        residentBytes = trace.events.encodedBytes
        residentBytesPerEvent = n > 0 ? Double(trace.events.encodedBytes) / Double(n) : 0
        error = trace.error?.description
        lossMessage = trace.lossMessage
    }
}

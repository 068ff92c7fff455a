import Dispatch
import GoTrace
import GoTraceAnalysis
#if canImport(Glibc)
import Glibc
#endif

// Usage: ReaderBench stream|load|timeline|summaries|analyses|report TRACE
// Prints events, wall seconds and (for load) encoded bytes per event.
let args = CommandLine.arguments
guard args.count == 3 else {
    print("usage: ReaderBench stream|load TRACE")
    exit(2)
}
let start = DispatchTime.now()
do {
    if args[1] == "timeline" {
        // What the viewer loads: the timeline model, reading and building on two threads.
        let (m, info) = try TimelineModel.build(path: args[2])
        let s = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        print("events=\(info.validEvents) slices=\(m.sliceCount) goroutines=\(m.goroutineIDs.count) seconds=\(s) modelBytes=\(m.residentBytes)")
        print(m.memoryBreakdown.map { "\($0.0)=\($0.1 >> 20)MiB" }.joined(separator: " "))
    } else if args[1] == "report" {
        // Every analysis in one streaming pass (what `gotrace report` runs).
        let a = try TraceAnalyses.compute(path: args[2])
        let s = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        let recs = a.profiles.values.reduce(0) { $0 + $1.count }
        print("goroutines=\(a.summaries.goroutines.count) gcCycles=\(a.gc.cycles.count) mmuPoints=\(a.mmu.curve.count) profileRecords=\(recs) seconds=\(s)")
    } else if args[1] == "analyses" {
        // Every analysis go tool trace computes, in one process: load once, then the goroutine
        // summaries (Go's: all events read), GC, MMU (the /mmu page's default flags) and the four
        // blocking profiles.
        var lap = DispatchTime.now()
        func step(_ what: String) {
            let now = DispatchTime.now()
            print("\(what)=\(Double(now.uptimeNanoseconds - lap.uptimeNanoseconds) / 1e9)", terminator: " ")
            lap = now
        }
        let t = try Trace.load(path: args[2])
        step("load")
        let tail = PprofProfiles.tailEvents(path: args[2], of: t)
        var sum = GoroutineSummarizer(tables: t.tables)
        for ev in t.events { sum.add(ev) }
        for ev in tail { sum.add(ev) }
        var goroutines = 0
        do {
            // Reported, then released before the next analysis (as a report would print it).
            let s = sum.finalize(traceStart: t.census.firstTime, traceEnd: t.census.lastTime)
            goroutines = s.goroutines.count
        }
        step("summaries")
        let gc = GCAnalysis.compute(t)
        step("gc")
        let mmu = MMUReport.compute(t, flags: .pageDefault)
        step("mmu")
        let profiles = try PprofProfiles.records([.net, .sync, .syscall, .sched], trace: t, tail: tail)
        let recs = profiles.values.reduce(0) { $0 + $1.count }
        step("pprof")
        let total = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        print("\ngoroutines=\(goroutines) gcCycles=\(gc.cycles.count) mmuPoints=\(mmu.curve.count) profileRecords=\(recs) seconds=\(total)")
    } else if args[1] == "summaries" {
        let r = try TraceReader(path: args[2])
        var sm = GoroutineSummarizer(tables: r.tables)
        var n = 0
        while let ev = try r.next() {
            sm.add(ev)
            n += 1
        }
        let x = sm.finalize()
        let s = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        print("events=\(n) goroutines=\(x.goroutines.count) seconds=\(s)")
    } else if args[1] == "load" {
        let t = try Trace.load(path: args[2])
        let s = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        print("events=\(t.events.count) seconds=\(s) bytesPerEvent=\(Double(t.events.encodedBytes) / Double(max(t.events.count, 1)))")
    } else {
        let r = try TraceReader(path: args[2])
        var n = 0
        var ev = Event(type: 0, time: 0, goroutine: noID, proc: noID, thread: noID)
        while try r.next(into: &ev) { n += 1 }
        let s = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        print("events=\(n) seconds=\(s)")
    }
} catch {
    print("error: \(error)")
    exit(1)
}

import Dispatch
import GoTrace
import GoTraceAnalysis
#if canImport(Glibc)
import Glibc
#endif

// Usage: ReaderBench stream|load|timeline|summaries TRACE
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
        while try r.next() != nil { n += 1 }
        let s = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        print("events=\(n) seconds=\(s)")
    }
} catch {
    print("error: \(error)")
    exit(1)
}

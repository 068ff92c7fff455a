import Dispatch
import GoTrace
#if canImport(Glibc)
import Glibc
#endif

// Usage: ReaderBench stream|load TRACE
// Prints events, wall seconds and (for load) encoded bytes per event.
let args = CommandLine.arguments
guard args.count == 3 else {
    print("usage: ReaderBench stream|load TRACE")
    exit(2)
}
let start = DispatchTime.now()
do {
    if args[1] == "load" {
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

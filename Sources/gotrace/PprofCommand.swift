import ArgumentParser
import GoTrace
import GoTraceAnalysis

#if canImport(Glibc)
import Glibc
#endif

/// `gotrace pprof TYPE TRACE`: a profile as a gzip'd pprof file, as `go tool trace -pprof=TYPE`.
struct Pprof: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a pprof profile of blocking, syscall, scheduler-latency or CPU time.",
        discussion: """
            TYPE is one of:
              net      time blocked on network IO          (go tool trace -pprof=net)
              sync     time blocked on channels, select, sync primitives (-pprof=sync)
              syscall  time in system calls                (-pprof=syscall)
              sched    scheduler latency: runnable until running (-pprof=sched)
              cpu      the CPU samples in the trace (Go 1.19+ traces taken during a CPU profile);
                       values assume runtime/pprof's 100 Hz sampling
            Samples equal go tool trace's. The output is a gzip container with stored (uncompressed)
            deflate blocks, which go tool pprof reads like any gzip'd profile.
            go tool trace's spelling works too: `gotrace -pprof=TYPE TRACE` (to stdout).
            """)

    @Argument(help: "Profile type: net, sync, syscall, sched or cpu.")
    var type: String

    @Argument(help: "The trace file.")
    var trace: String

    @Option(name: .shortAndLong, help: "Write the profile to this file instead of stdout.")
    var output: String?

    @Option(name: .customLong("region"), help: "Only time inside user regions of this type (go tool trace's /regionio?type=NAME etc.).")
    var region: String?

    @Option(name: .customLong("goroutine"), help: "Only goroutines with this start function (go tool trace's /io?name=NAME etc.).")
    var goroutine: String?

    /// Set by the `-pprof=TYPE` spelling: Go's error texts and exit codes.
    @Flag(name: .customLong("go-spelling"), help: .hidden)
    var goSpelling = false

    func run() throws {
        if region != nil && goroutine != nil {
            throw ValidationError("--region and --goroutine cannot be combined")
        }
        let restriction: ProfileRestriction =
            region.map { .regionType($0) } ?? goroutine.map { .goroutinesNamed($0) } ?? .allGoroutines
        let bytes: [UInt8]
        if restriction == .allGoroutines, let streamed = try? TraceAnalyses.wholeTraceProfiles(path: trace) {
            // One streaming pass, nothing kept per event (the same samples as the loaded way).
            guard let kind = PprofKind(rawValue: type), !(goSpelling && kind == .cpu) else {
                fail("unknown pprof type \(type)\n")
            }
            do {
                if let e = streamed.error { throw e }
                bytes = try PprofProfiles.pprof(kind, records: streamed.profiles[kind] ?? [], tables: streamed.tables)
            } catch {
                fail("failed to generate pprof: \(error)\n")
            }
        } else {
            // Two streaming passes (the trace is never loaded): Go's goroutine summaries give the
            // goroutine or region intervals, then the samples are measured against them. As go
            // tool trace, the trace is read before the type is checked.
            let pass: (summaries: GoroutineSummaries, info: TraceStreamInfo)
            do {
                pass = try GoroutineSummarizer.summarizeStreaming(path: trace)
            } catch {
                fail(error.message)
            }
            // What loading would refuse: nothing up to a complete generation.
            if pass.info.validEvents == 0 {
                fail("failed to parse any useful part of the trace: \(pass.info.error?.message ?? "no events")")
            }
            guard let kind = PprofKind(rawValue: type), !(goSpelling && kind == .cpu) else {
                fail("unknown pprof type \(type)\n")
            }
            do {
                let intervals = try PprofProfiles.intervals(restriction, summaries: pass.summaries)
                let keep = pass.info.error == nil ? nil : pass.info.validEvents
                let streamed = try PprofProfiles.records([kind], path: trace, intervals: intervals, restriction: restriction, keep: keep)
                bytes = try PprofProfiles.pprof(kind, records: streamed.records[kind] ?? [], tables: streamed.tables)
            } catch {
                fail("failed to generate pprof: \(error)\n")
            }
        }
        if let output {
            guard let f = fopen(output, "wb") else { fail("open \(output): \(String(cString: strerror(errno)))") }
            let n = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, f) }
            if n != bytes.count || fclose(f) != 0 { fail("write \(output): \(String(cString: strerror(errno)))") }
        } else {
            var off = 0
            bytes.withUnsafeBytes { p in
                while off < p.count, let base = p.baseAddress {
                    let n = Glibc.write(1, base + off, p.count - off)
                    if n <= 0 { break }
                    off += n
                }
            }
            if off != bytes.count { fail("failed to generate pprof: write: \(String(cString: strerror(errno)))\n") }
        }
    }

    /// Prints `message` (and a newline, as Go's logAndDie) to stderr and exits with status 1.
    private func fail(_ message: String) -> Never {
        FileHandleOutput.stderr(message + "\n")
        Glibc.exit(1)
    }
}

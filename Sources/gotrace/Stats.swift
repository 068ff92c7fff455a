import ArgumentParser
import Foundation
import GoTrace

/// `gotrace stats`: read the whole trace (full ordering and validation) and summarise it. By
/// default the events are streamed and counted, nothing kept (the fast path: each generation is
/// counted on the core that orders it); `--load` builds the viewer's compact store instead and
/// adds its size; `--count-events` measures the ordered event stream alone.
struct Stats: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read the whole trace with full ordering and validation and print a summary.")

    @Flag(help: "Print JSON instead of text.")
    var json = false

    @Flag(help: "Load the events into the compact store the viewer and the analyses use, and add its size (resident bytes per event) to the summary. Without it the events are ordered, validated and counted as they stream by, nothing kept: the same summary in a fraction of the time and memory.")
    var load = false

    @Flag(help: "Only hand every event in order to one reader loop, keep nothing, and print how many (events=N): the cost of the ordered event stream itself, as the benchmark's reference reader reads it.")
    var countEvents = false

    @Argument(help: "The trace file.")
    var trace: String

    func validate() throws {
        if load && countEvents { throw ValidationError("--load and --count-events do not go together: --count-events keeps nothing.") }
    }

    func run() throws {
        let started = DispatchTime.now()
        if countEvents {
            var n = 0
            do {
                let reader = try TraceReader(path: trace)
                let batch = UnsafeMutableBufferPointer<Event>.allocate(capacity: 512)
                batch.initialize(repeating: Event(type: 0, time: 0, goroutine: noID, proc: noID, thread: noID))
                defer { batch.deallocate() }
                while true {
                    let k = try reader.next(into: batch)
                    if k == 0 { break }
                    n += k
                }
            } catch {
                FileHandleOutput.stderr("\(error.description)\n")
                throw ExitCode(1)
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
            var out = FileHandleOutput()
            out.write(json ? "{\"events\": \(n), \"seconds\": \(seconds)}\n" : "events=\(n)\n")
            out.flush()
            return
        }
        let s: TraceSummary
        do {
            if load {
                s = TraceSummary(try Trace.load(path: trace, progress: Progress.reporter(for: trace)))
            } else {
                s = try TraceSummary.stream(bytes: TraceBytes(path: trace), progress: Progress.reporter(for: trace))
            }
        } catch {
            Progress.clear()
            FileHandleOutput.stderr("\(error.description)\n")
            throw ExitCode(1)
        }
        Progress.clear()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        if let e = s.error {
            FileHandleOutput.stderr("Encountered error, but able to proceed. Error: \(e)\n")
            if let m = s.lossMessage { FileHandleOutput.stderr(m + "\n") }
        }
        var out = FileHandleOutput()
        defer { out.flush() }
        if json {
            try AnalysisCLI.printJSON(s)
            return
        }
        func row(_ k: String, _ v: String) { out.write(k.padding(toLength: 22, withPad: " ", startingAt: 0) + v + "\n") }
        row("Format", "\(s.formatVersion) (written by \(s.writtenBy))")
        row("File", "\(Trace.byteCount(s.fileBytes)) (\(s.fileBytes) bytes)")
        if s.validBytes != s.fileBytes { row("Valid", "\(Trace.byteCount(s.validBytes))") }
        row("Duration", Duration(s.durationNanoseconds))
        row("Events", "\(s.events)")
        for (k, v) in s.eventsByKind.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }) { row("  " + k, "\(v)") }
        row("Goroutines", "\(s.goroutines)")
        row("Procs", "\(s.procs)")
        row("Threads", "\(s.threads)")
        row("Generations", "\(s.generations)")
        row("GC cycles", "\(s.gcCycles)")
        row("STW pauses", "\(s.stwPauses)")
        row("CPU samples", s.hasCPUSamples ? "\(s.cpuSamples)" : "none")
        row("User annotations", s.hasUserAnnotations ? "\(s.tasks) tasks, \(s.regions) regions, \(s.logs) logs" : "none")
        row("Strings / stacks", "\(s.strings) / \(s.stacks)")
        if let bytes = s.residentBytes, let perEvent = s.residentBytesPerEvent {
            row("Resident events", "\(Trace.byteCount(bytes)) (\(String(format: "%.2f", perEvent)) bytes/event)")
        }
        row("Read in", String(format: "%.3f s (%.1f MB/s)", seconds, Double(s.fileBytes) / 1e6 / max(seconds, 1e-9)))
        if let m = s.lossMessage { row("Partial", m) }
    }

    /// Human duration: ns, µs, ms or s.
    func Duration(_ ns: Int64) -> String {
        let d = Double(ns)
        if ns < 1_000 { return "\(ns) ns" }
        if ns < 1_000_000 { return String(format: "%.3f µs", d / 1e3) }
        if ns < 1_000_000_000 { return String(format: "%.3f ms", d / 1e6) }
        return String(format: "%.3f s", d / 1e9)
    }
}

/// A progress line on stderr for big files when stderr is a terminal.
enum Progress {
    nonisolated(unsafe) static var shown = false

    static func reporter(for path: String) -> ((Int, Int) -> Void)? {
        guard isatty(2) != 0,
              let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? Int,
              size > 100_000_000 else { return nil }
        return { done, total in
            shown = true
            let pct = total > 0 ? Double(done) / Double(total) * 100 : 0
            FileHandleOutput.stderr(String(format: "\rreading %@: %5.1f%% of %@", path, pct, Trace.byteCount(total)))
        }
    }

    static func clear() {
        if shown { FileHandleOutput.stderr("\r\u{1B}[K") }
    }
}

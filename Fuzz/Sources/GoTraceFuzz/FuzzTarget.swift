@_spi(Testing) import GoTrace
import GoTraceAnalysis
import Foundation
#if canImport(Glibc)
import Glibc
#endif

// libFuzzer entry point for GoTrace: every byte string must be rejected with a TraceError or read
// to the end, never crash, trap or hang.
//
// Two input modes, so one corpus explores every trace format:
// - input beginning with "go 1." is the whole file, header included (real traces, Go's corpus);
// - anything else: the first byte picks a valid 16-byte header from `headers`, the rest is the body.

/// Headers the second mode prepends; v2 formats are listed twice to get more of the budget.
let headers: [[UInt8]] = [22, 23, 25, 26, 22, 23, 25, 26, 11, 19, 21, 5, 7, 8, 9, 10].map { minor in
    var h = Array("go 1.\(minor) trace".utf8)
    h += [UInt8](repeating: 0, count: 16 - h.count)
    return h
}

let magic = Array("go 1.".utf8)

/// The file the input stands for.
func traceFile(_ input: UnsafeBufferPointer<UInt8>) -> [UInt8] {
    if input.count >= magic.count, input.prefix(magic.count).elementsEqual(magic) {
        return Array(input)
    }
    guard let first = input.first else { return [] }
    return headers[Int(first) % headers.count] + input.dropFirst()
}

/// Fails loudly (a libFuzzer crash) when an invariant the library promises does not hold.
func check(_ ok: @autoclosure () -> Bool, _ what: @autoclosure () -> String) {
    if !ok() { fatalError("fuzz invariant violated: \(what())") }
}

func checkError(_ e: TraceError) {
    check(!e.message.isEmpty, "empty TraceError message")
    check(!e.description.isEmpty, "empty TraceError description")
}

/// A summary as JSON with sorted keys (to compare two).
func summaryText(_ s: TraceSummary) -> String {
    let e = JSONEncoder()
    e.outputFormatting = [.sortedKeys]
    return (try? e.encode(s)).map { String(decoding: $0, as: UTF8.self) } ?? "unencodable"
}

/// A streamed summary (`what`) equals the loaded one (`loaded`, nil where loading failed) but
/// for the resident bytes, or fails where loading fails.
func checkStreamed(_ what: String, _ loaded: TraceSummary?, _ stream: () throws -> TraceSummary) {
    do {
        let s = try stream()
        if var l = loaded {
            l.residentBytes = nil
            l.residentBytesPerEvent = nil
            check(summaryText(s) == summaryText(l), "\(what) differs from the loaded one")
        } else {
            check(false, "\(what) of a trace that does not load")
        }
    } catch {
        guard let e = error as? TraceError else { return check(false, "\(what) threw \(error)") }
        checkError(e)
        check(loaded == nil, "\(what) failed where loading did not: \(e)")
    }
}

func run(_ file: [UInt8]) {
    let bytes = TraceBytes(bytes: file)
    var sink = 0

    // 1. The streaming reader, every event rendered.
    var streamed: [Event] = []
    var streamError: TraceError?
    do {
        let r = try TraceReader(bytes: bytes)
        let fmt = ParsedFormatter(tables: r.tables)
        do {
            while let ev = try r.next() {
                sink &+= fmt.string(ev).utf8.count
                streamed.append(ev)
            }
            // After the end, next() keeps returning nil.
            let after = try r.next()
            check(after == nil, "event after end of stream")
        } catch {
            checkError(error)
            streamError = error
        }
        sink &+= r.bytesRead &+ r.generationsRead
    } catch {
        checkError(error)
    }

    // 1b. The serial ordering (no generation ordered ahead on a second thread) hands out the same
    // events and the same error.
    do {
        let r = try TraceReader(bytes: bytes, orderAhead: false)
        var n = 0
        var serialError: TraceError?
        do {
            while let ev = try r.next() {
                check(n < streamed.count && streamed[n] == ev, "serial event \(n) differs from the one ordered ahead")
                n += 1
            }
        } catch {
            serialError = error
        }
        check(n == streamed.count, "serial read gave \(n) events, ahead \(streamed.count)")
        check(serialError == streamError, "serial error \(serialError?.description ?? "none") vs ahead \(streamError?.description ?? "none")")
    } catch {
        checkError(error)
    }

    // 2. The whole-trace loader, its stored events re-read, and its summary.
    var loadedSummary: TraceSummary?
    do {
        let t = try Trace.load(bytes: bytes)
        if let e = t.error { checkError(e) }
        // Stored events are not rendered again (the reader's were, and they must be equal): that
        // would double the cost of an execution for no new coverage. Only the first is.
        var n = 0
        for ev in t.events {
            if n == 0 { sink &+= ParsedFormatter(tables: t.tables).string(ev).utf8.count }
            // The store round-trips exactly the events the reader produced.
            check(n < streamed.count && streamed[n] == ev, "stored event \(n) differs from the streamed one")
            n += 1
        }
        check(n == t.events.count, "store iterated \(n) of \(t.events.count) events")
        check(streamError != nil || n == streamed.count, "store kept \(n) of \(streamed.count) events of a good trace")
        if let last = t.events.count > 0 ? t.events.event(at: t.events.count - 1) : nil {
            sink &+= Int(truncatingIfNeeded: last.time)
        }
        let s = TraceSummary(t)
        loadedSummary = s
        sink &+= s.events &+ (t.lossMessage?.utf8.count ?? 0)
    } catch {
        checkError(error)
    }

    // 2b. The streamed summary (generations counted on the thread that orders them) is the
    // loaded one, but for the resident bytes; it fails where loading fails. 2c. Again with
    // every generation cut in two between the cores and the second core's tails waited for
    // (each tail's guesses checked against the state where it starts, on input of any shape).
    checkStreamed("streamed summary", loadedSummary) { try TraceSummary.stream(bytes: bytes) }
    checkStreamed("streamed summary with generations cut in two", loadedSummary) {
        let r = try TraceReader(bytes: bytes)
        r.aheadSplitAlways = true
        r.aheadTailWait = true
        return try TraceSummary.stream(r, fileBytes: bytes.count)
    }

    // 3. The raw record views.
    do {
        try WireDump.dump(bytes) { line in sink &+= line.utf8.count }
    } catch {
        checkError(error)
    }
    do {
        sink &+= try WireDump.footprint(bytes).utf8.count
    } catch {
        checkError(error)
    }

    // 4. The streaming analyses and the viewer's timeline, which read from a file: they must
    // take whatever the reader accepts.
    if writeScratch(file) {
        do {
            let a = try TraceAnalyses.compute(path: scratchPath)
            sink &+= a.summaries.goroutines.count &+ a.summaries.groups.count &+ a.summaries.taskTypes.count
            sink &+= a.summaries.regionTypes.count &+ a.gc.pausesByDuration.count &+ a.mmu.curve.count
            for k in PprofKind.allCases {
                sink &+= (try? PprofProfiles.pprof(k, records: a.profiles[k] ?? [], tables: a.tables))?.count ?? 0
            }
            // What the viewer streams afterwards: a region type's and a goroutine group's profiles
            // (intervals from the summaries), the MMU with other flags.
            let keep = a.info.error == nil ? nil : a.info.validEvents
            var restrictions: [ProfileRestriction] = a.summaries.regionTypes.prefix(1).map { .regionType($0.type) }
            restrictions += a.summaries.groups.prefix(1).map { .goroutinesNamed($0.name) }
            for r in restrictions {
                if let iv = try? PprofProfiles.intervals(r, summaries: a.summaries) {
                    let p = try PprofProfiles.records(PprofKind.allCases, path: scratchPath, intervals: iv, restriction: r, keep: keep)
                    sink &+= p.records.values.reduce(0) { $0 &+ $1.count }
                }
            }
            sink &+= try MutatorUtilizationBuilder.compute(path: scratchPath, flags: [.sweep, .perProc], keep: keep).count
        } catch {
            checkError(error)
        }
        do {
            let (m, _) = try TimelineModel.build(path: scratchPath)
            sink &+= m.sliceCount &+ (m.track(.proc(0), from: m.traceStart, to: m.traceEnd, step: 1_000)?.values.count ?? 0)
        } catch {
            checkError(error)
        }
    }

    blackHole(sink)
}

/// One file per fuzzing process for the path-based readers.
let scratchPath = "/tmp/gotrace-fuzz-\(getpid()).trace"

func writeScratch(_ bytes: [UInt8]) -> Bool {
    guard let f = fopen(scratchPath, "wb") else { return false }
    let n = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, f) }
    return fclose(f) == 0 && n == bytes.count
}

@inline(never)
func blackHole(_ x: Int) {
    withExtendedLifetime(x) {}
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    run(traceFile(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

// SwiftPM links ELF executables with `--defsym main=GoTraceFuzz_main` (so that executables are
// testable), and with `-parse-as-library` the compiler emits no such symbol. Provide it and hand
// control to libFuzzer's driver, which is what libFuzzer's own `main` does.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
) -> CInt

@_cdecl("GoTraceFuzz_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, fuzz)
}

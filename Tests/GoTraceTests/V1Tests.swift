// Tests of the v1 (Go 1.5–1.21 formats) reader: conformance with Go 1.27.3 for 1.11/1.19/1.21
// traces, event counts checked against Go 1.21.13's parser for 1.5–1.10 traces, and hostile input.

import Foundation
import Testing
@testable import GoTrace

// MARK: - Toolchains and files

/// Locates the Go toolchains the v1 tests use as oracles.
enum V1Oracle {
    /// `$GOTRACE_TOOLCHAINS`, else `$HOME/.cache/gotrace/toolchains`, else `/opt/gotrace-toolchains`.
    static func toolchainDir(_ version: String) -> String {
        let env = ProcessInfo.processInfo.environment
        if let root = env["GOTRACE_TOOLCHAINS"], !root.isEmpty { return root + "/go-" + version }
        let home = env["HOME"] ?? NSHomeDirectory()
        let cache = home + "/.cache/gotrace/toolchains/go-" + version
        if FileManager.default.fileExists(atPath: cache) { return cache }
        let opt = "/opt/gotrace-toolchains/go-" + version
        if FileManager.default.fileExists(atPath: opt) { return opt }
        return cache
    }

    struct Missing: Error, CustomStringConvertible {
        var description: String
    }

    /// (go binary, GOROOT) of a toolchain, or why it is unusable.
    static func locate(_ version: String) -> Result<(go: String, goroot: String), Missing> {
        let dir = toolchainDir(version)
        let go = dir + "/bin/go"
        guard FileManager.default.isExecutableFile(atPath: go) else {
            return .failure(Missing(description: "Go \(version) toolchain not found at \(dir); run scripts/install-go.sh \(version)"))
        }
        var root = (try? run(go, ["env", "GOROOT"]))?.stdout.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if root.isEmpty { root = dir + "/lib/python3.11/site-packages/go" }
        guard FileManager.default.fileExists(atPath: root + "/src/internal/trace") else {
            return .failure(Missing(description: "Go \(version) at \(dir) has no source tree (GOROOT \(root)); run scripts/install-go.sh \(version)"))
        }
        return .success((go, root))
    }

    static let go127 = locate("1.27.3")
    static let go121 = locate("1.21.13")

    struct Output {
        var stdout: String
        var stderr: String
        var status: Int32
    }

    static func run(_ exe: String, _ args: [String], env extra: [String: String] = [:], cwd: String = "/") throws -> Output {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        p.currentDirectoryURL = URL(fileURLWithPath: cwd)
        var env = ProcessInfo.processInfo.environment
        env["GOROOT"] = nil
        env["GOTOOLCHAIN"] = "local"
        env["GOFLAGS"] = nil
        for (k, v) in extra { env[k] = v }
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        // Drain stderr concurrently so a chatty child cannot block on a full pipe.
        let errBox = V1DataBox()
        let t = Thread { errBox.data = err.fileHandleForReading.readDataToEndOfFile() }
        t.start()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        while !errBox.done { usleep(1000) }
        return Output(stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: errBox.data, as: UTF8.self),
                      status: p.terminationStatus)
    }

    /// `TZ=UTC go tool trace -d=parsed FILE` with Go 1.27.3.
    static func parsedByGo(_ path: String) throws -> Output {
        let (go, _) = try go127.get()
        return try run(go, ["tool", "trace", "-d=parsed", path], env: ["TZ": "UTC"])
    }

    static let repoRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    static func files(in dir: String, where keep: (String) -> Bool) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return names.filter(keep).sorted().map { dir + "/" + $0 }
    }
}

final class V1DataBox: @unchecked Sendable {
    private let lock = NSLock()
    private var _data = Data()
    private var _done = false
    var data: Data {
        get { lock.lock(); defer { lock.unlock() }; return _data }
        set { lock.lock(); _data = newValue; _done = true; lock.unlock() }
    }
    var done: Bool { lock.lock(); defer { lock.unlock() }; return _done }
}

/// Our `-d=parsed` text for a v1 trace, built from `V1Trace.convert` the way Go's reader
/// streams a converted v1 trace: Sync N=1 (at the first v1 event's time − 1, if there are v1
/// events), the converted events, then either the conversion error or a final Sync at lastTs+1.
func v1ParsedText(_ bytes: [UInt8]) -> (stdout: String, error: String?) {
    let tables = TraceTables()
    return bytes.withUnsafeBytes { buf -> (String, String?) in
        let r: V1Trace.Result
        do throws(TraceError) {
            let minor = try TraceVersion.read(buf).minor
            r = try V1Trace.convert(buffer: buf, minor: minor, tables: tables)
        } catch {
            return ("", error.message)
        }
        let fmt = ParsedFormatter(tables: tables)
        var out = ""
        var syncs: UInt64 = 0
        if let t = r.firstSyncTime {
            syncs += 1
            out += fmt.string(Event(type: Wire.syncEvent, time: t, goroutine: noID, proc: noID, thread: noID, a0: syncs)) + "\n"
        }
        for e in r.events { out += fmt.string(e) + "\n" }
        if let e = r.error { return (out, e.message) }
        syncs += 1
        out += fmt.string(Event(type: Wire.syncEvent, time: r.lastTs + 1, goroutine: noID, proc: noID, thread: noID, a0: syncs)) + "\n"
        return (out, nil)
    }
}

// MARK: - Canonical comparison

/// Canonical comparison of two `-d=parsed` outputs of a v1 trace.
///
/// Go 1.27 merges the per-P event lists of a v1 trace in the order it iterates a Go map, so
/// events with equal timestamps on different Ps come out in a different order from run to run,
/// and the converter's "+1 ns if not after the previous event" tie-break then moves `Time=`
/// values around within such a group. (It also emits the start-up `GoStatus` events of
/// goroutines created before the first Gomaxprocs in map order.) Two outputs are therefore
/// considered equal when:
///  1. the sequences of `Time=` values are identical (the tie-break makes them independent of
///     the order inside a group of equal raw timestamps);
///  2. the multisets of event records with `Time=…` removed are identical (a record is the
///     `M=… P=… G=…` line plus its `TransitionStack=`/`Stack=` blocks);
///  3. for every goroutine `G=g` (g ≠ -1), the subsequence of its records (without `Time=`) is
///     identical, and likewise for every proc `P=p` (p ≠ -1, fake Ps included).
enum V1Canonical {
    struct Record {
        var time: Int64
        var body: String
        var g: Substring
        var p: Substring
    }

    static func records(_ text: String) -> [Record] {
        var out: [Record] = []
        var cur: [Substring] = []
        func flush() {
            guard let first = cur.first else { return }
            var lines = cur
            while let l = lines.last, l.isEmpty { lines.removeLast() }
            var time: Int64 = .min
            var line1 = String(first)
            if let r = line1.range(of: " Time=") {
                let rest = line1[r.upperBound...]
                let num = rest.prefix { $0 == "-" || $0.isNumber }
                time = Int64(num) ?? .min
                line1.removeSubrange(r.lowerBound..<line1.index(r.upperBound, offsetBy: num.count))
            }
            let fields = first.split(separator: " ", maxSplits: 3)
            let p = fields.count > 1 ? fields[1] : ""
            let g = fields.count > 2 ? fields[2] : ""
            out.append(Record(time: time, body: ([Substring(line1)] + lines.dropFirst()).joined(separator: "\n"), g: g, p: p))
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("M=") {
                flush()
                cur = [line]
            } else if !cur.isEmpty {
                cur.append(line)
            }
        }
        flush()
        return out
    }

    /// Differences between `expected` and `actual`, empty when canonically equal.
    static func differences(expected: String, actual: String) -> [String] {
        let a = records(expected), b = records(actual)
        var diffs: [String] = []
        if a.count != b.count { diffs.append("event count: Go \(a.count), ours \(b.count)") }
        if let i = (0..<min(a.count, b.count)).first(where: { a[$0].time != b[$0].time }) ?? (a.count != b.count ? min(a.count, b.count) : nil) {
            let ea = i < a.count ? "\(a[i].time) \(a[i].body.prefix(160))" : "-"
            let eb = i < b.count ? "\(b[i].time) \(b[i].body.prefix(160))" : "-"
            diffs.append("Time sequence differs at event \(i): Go \(ea) | ours \(eb)")
        }
        var ma: [String: Int] = [:], mb: [String: Int] = [:]
        for r in a { ma[r.body, default: 0] += 1 }
        for r in b { mb[r.body, default: 0] += 1 }
        if ma != mb {
            let onlyGo = ma.filter { mb[$0.key] != $0.value }.keys.sorted().prefix(3)
            let onlyUs = mb.filter { ma[$0.key] != $0.value }.keys.sorted().prefix(3)
            diffs.append("multisets differ; Go-only/different counts: \(Array(onlyGo)); ours: \(Array(onlyUs))")
        }
        for (label, key) in [("G", \Record.g), ("P", \Record.p)] {
            var ga: [Substring: [String]] = [:], gb: [Substring: [String]] = [:]
            for r in a where !r[keyPath: key].hasSuffix("=-1") { ga[r[keyPath: key], default: []].append(r.body) }
            for r in b where !r[keyPath: key].hasSuffix("=-1") { gb[r[keyPath: key], default: []].append(r.body) }
            for k in Set(ga.keys).union(gb.keys).sorted() where ga[k] != gb[k] {
                let la = ga[k] ?? [], lb = gb[k] ?? []
                let i = (0..<min(la.count, lb.count)).first { la[$0] != lb[$0] } ?? min(la.count, lb.count)
                diffs.append("per-\(label) order differs for \(k) at \(i): Go \(i < la.count ? String(la[i].prefix(160)) : "-") | ours \(i < lb.count ? String(lb[i].prefix(160)) : "-")")
                break
            }
        }
        return diffs
    }
}

// MARK: - 1. Conformance with Go 1.27.3 (1.11, 1.19, 1.21)

enum V1Cases {
    /// Our fixtures written by Go 1.19/1.20 and 1.21, plus Go 1.27's own tracev1 test traces.
    static let conformance: [String] = {
        let fixtures = V1Oracle.files(in: V1Oracle.repoRoot + "/Fixtures/traces") {
            $0.hasSuffix("-go1.19.trace") || $0.hasSuffix("-go1.21.13.trace") || $0.hasSuffix("-go1.11.trace")
        }
        switch V1Oracle.go127 {
        case .success(let t):
            return fixtures + V1Oracle.files(in: t.goroot + "/src/internal/trace/internal/tracev1/testdata") { !$0.hasPrefix(".") }
        case .failure:
            return fixtures + ["<Go 1.27.3 testdata unavailable>"]
        }
    }()

    /// Go 1.21's test traces in the formats Go 1.27 no longer reads (1.5, 1.7, 1.9, 1.10).
    static let oldFormats: [String] = {
        switch V1Oracle.go121 {
        case .success(let t):
            return V1Oracle.files(in: t.goroot + "/src/internal/trace/testdata") {
                $0.contains("_1_5_") || $0.contains("_1_7_") || $0.contains("_1_8_") || $0.contains("_1_9_") || $0.contains("_1_10_")
            }
        case .failure:
            return ["<Go 1.21.13 testdata unavailable>"]
        }
    }()
}

@Suite("V1 conformance with Go 1.27.3")
struct V1ConformanceTests {
    @Test("canonically identical -d=parsed output", arguments: V1Cases.conformance)
    func conformance(_ path: String) throws {
        // Fails (never skips) without the toolchain.
        let toolchain = V1Oracle.go127
        if case .failure(let m) = toolchain {
            Issue.record(Comment(rawValue: m.description))
            return
        }
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        // Golden: Fixtures/golden/<name>.parsed (made by Go 1.27.3) when present, else run Go.
        let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        let golden = V1Oracle.repoRoot + "/Fixtures/golden/" + name + ".parsed"
        var expected: String
        var expectedErr = ""
        if path.hasPrefix(V1Oracle.repoRoot), let g = FileManager.default.contents(atPath: golden) {
            expected = String(decoding: g, as: UTF8.self)
            if let e = FileManager.default.contents(atPath: golden + ".stderr") {
                expectedErr = String(decoding: e, as: UTF8.self).trimmingCharacters(in: .newlines)
            }
        } else {
            let o = try V1Oracle.parsedByGo(path)
            expected = o.stdout
            expectedErr = o.stderr.trimmingCharacters(in: .newlines)
        }
        let (ours, err) = v1ParsedText(bytes)
        #expect((err ?? "") == expectedErr, "error text for \(name)")
        let diffs = V1Canonical.differences(expected: expected, actual: ours)
        #expect(diffs.isEmpty, "\(name): \(diffs.joined(separator: "\n"))")
        if diffs.isEmpty && expected.isEmpty == false {
            // Sanity: the comparison saw real content.
            #expect(V1Canonical.records(ours).count > 2)
        }
    }

    @Test("conversion is deterministic")
    func deterministic() throws {
        for path in V1Cases.conformance.prefix(40) where FileManager.default.fileExists(atPath: path) {
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            let a = v1ParsedText(bytes), b = v1ParsedText(bytes)
            #expect(a.stdout == b.stdout && a.error == b.error, "\(path)")
        }
    }

    @Test("the comparator notices real differences")
    func comparatorSelfCheck() {
        let base = """
        M=-1 P=-1 G=-1 Sync Time=-1 N=1
        M=1 P=0 G=5 StateTransition Time=10 GoID=5 Runnable->Running Reason=""
        M=2 P=1 G=6 StateTransition Time=10 GoID=6 Runnable->Running Reason=""
        M=-1 P=-1 G=-1 Sync Time=12 N=2

        """
        // Swapping two same-time events on different Ps is tolerated...
        let swapped = """
        M=-1 P=-1 G=-1 Sync Time=-1 N=1
        M=2 P=1 G=6 StateTransition Time=10 GoID=6 Runnable->Running Reason=""
        M=1 P=0 G=5 StateTransition Time=10 GoID=5 Runnable->Running Reason=""
        M=-1 P=-1 G=-1 Sync Time=12 N=2

        """
        #expect(V1Canonical.differences(expected: base, actual: swapped).isEmpty)
        // ...a changed time or content is not.
        #expect(!V1Canonical.differences(expected: base, actual: base.replacingOccurrences(of: "Time=12", with: "Time=13")).isEmpty)
        #expect(!V1Canonical.differences(expected: base, actual: base.replacingOccurrences(of: "GoID=6", with: "GoID=7")).isEmpty)
    }
}

// MARK: - 2. Go 1.5–1.10 formats against Go 1.21.13's parser

/// What `scripts/v1ref` (Go 1.21's `internal/trace.Parse`) reports for one trace.
struct V1RefResult: Decodable {
    var file: String
    var error: String?
    var events: Int
    var counts: [String: Int]
    var facts: [String: Int]

    func n(_ t: UInt8) -> Int { counts[String(t)] ?? 0 }
    func f(_ k: String) -> Int { facts[k] ?? 0 }

    /// Per converted (v2 wire) type, how many events Go 1.27's conversion makes of Go 1.21's
    /// parsed events: GoSysCall → GoSyscallBegin (+ GoSyscallEnd unless the goroutine's next
    /// event is GoSysBlock), GoSysBlock dropped, GoStartLabel → GoStart + GoLabel, the first
    /// Gomaxprocs swallowed, GoCreate/GoStart before it → nothing / GoStatus, plus a synthetic
    /// GoStatus per goroutine created then and never started; first ProcStart/ProcStop of a P →
    /// ProcStatus. Futile wakeups are already removed by Go 1.21 (and by us for these formats).
    var expectedWireCounts: [UInt8: Int] {
        var e: [UInt8: Int] = [:]
        func add(_ w: UInt8, _ k: Int) { if k != 0 { e[w, default: 0] += k } }
        let gomaxprocs = n(V1.gomaxprocs)
        add(Wire.procsChange, gomaxprocs - (gomaxprocs > 0 ? 1 : 0))
        add(Wire.procStatus, f("procStatusFromStart") + f("procStatusFromStop"))
        add(Wire.procStart, n(V1.procStart) - f("procStatusFromStart"))
        add(Wire.procStop, n(V1.procStop) - f("procStatusFromStop"))
        add(Wire.gcBegin, n(V1.gcStart))
        add(Wire.gcEnd, n(V1.gcDone))
        add(Wire.stwBegin, n(V1.stwStart))
        add(Wire.stwEnd, n(V1.stwDone))
        add(Wire.gcSweepBegin, n(V1.gcSweepStart))
        add(Wire.gcSweepEnd, n(V1.gcSweepDone))
        add(Wire.goCreate, n(V1.goCreate) - f("preInitCreates"))
        add(Wire.goStart, n(V1.goStart) - f("preInitStarts") + n(V1.goStartLabel))
        add(Wire.goLabel, n(V1.goStartLabel))
        add(Wire.goDestroy, n(V1.goEnd))
        add(Wire.goBlock, n(V1.goStop) + n(V1.goSleep) + n(V1.goBlock) + n(V1.goBlockSend) + n(V1.goBlockRecv)
            + n(V1.goBlockSelect) + n(V1.goBlockSync) + n(V1.goBlockCond) + n(V1.goBlockNet) + n(V1.goBlockGC))
        add(Wire.goStop, n(V1.goSched) + n(V1.goPreempt))
        add(Wire.goUnblock, n(V1.goUnblock))
        add(Wire.goSyscallBegin, n(V1.goSysCall))
        add(Wire.goSyscallEnd, f("syscallNonBlocked"))
        add(Wire.goSyscallEndBlocked, n(V1.goSysExit))
        add(Wire.goStatus, f("preInitStarts") + n(V1.goWaiting) + n(V1.goInSyscall) + f("syntheticRunnable"))
        add(Wire.heapAlloc, n(V1.heapAlloc))
        add(Wire.heapGoal, n(V1.heapGoal))
        add(Wire.gcMarkAssistBegin, n(V1.gcMarkAssistStart))
        add(Wire.gcMarkAssistEnd, n(V1.gcMarkAssistDone))
        return e
    }
}

enum V1Ref {
    /// Builds scripts/v1ref inside Go 1.21.13's tree (it imports internal/trace) and runs it.
    static func run(_ traces: [String]) throws -> [V1RefResult] {
        let (go, goroot) = try V1Oracle.go121.get()
        let dir = goroot + "/src/cmd/v1ref"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let src = try Data(contentsOf: URL(fileURLWithPath: V1Oracle.repoRoot + "/scripts/v1ref/main.go"))
        let dst = dir + "/main.go"
        if FileManager.default.contents(atPath: dst) != src {
            try src.write(to: URL(fileURLWithPath: dst))
        }
        let bin = NSTemporaryDirectory() + "/gotrace-v1ref-\(getpid())"
        let b = try V1Oracle.run(go, ["build", "-o", bin, "cmd/v1ref"], cwd: goroot + "/src")
        guard b.status == 0 else { throw V1Oracle.Missing(description: "building cmd/v1ref failed: \(b.stderr)") }
        defer { try? FileManager.default.removeItem(atPath: bin) }
        let o = try V1Oracle.run(bin, traces)
        guard o.status == 0 else { throw V1Oracle.Missing(description: "v1ref failed: \(o.stderr)") }
        return try JSONDecoder().decode([V1RefResult].self, from: Data(o.stdout.utf8))
    }
}

@Suite("V1 old formats (1.5–1.10) vs Go 1.21.13")
struct V1OldFormatTests {
    @Test("event counts per converted type match what Go 1.21's parse implies")
    func countsMatchGo121() throws {
        if case .failure(let m) = V1Oracle.go121 {
            Issue.record(Comment(rawValue: m.description))
            return
        }
        let traces = V1Cases.oldFormats
        #expect(traces.count >= 12, "expected Go 1.21's 1.5–1.10 test traces, found \(traces)")
        let refs = try V1Ref.run(traces)
        #expect(refs.count == traces.count)
        var matched = 0
        for ref in refs {
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: ref.file)))
            let name = URL(fileURLWithPath: ref.file).lastPathComponent
            let tables = TraceTables()
            let result: Result<V1Trace.Result, TraceError> = bytes.withUnsafeBytes { buf in
                do throws(TraceError) {
                    let minor = try TraceVersion.read(buf).minor
                    return .success(try V1Trace.convert(buffer: buf, minor: minor, tables: tables))
                } catch {
                    return .failure(error)
                }
            }
            switch result {
            case .failure(let err):
                // Go 1.21 must fail too, with the same text (e.g. stress_1_5_unordered).
                #expect(ref.error == err.message, "\(name): Go 1.21 said \(ref.error ?? "OK"), we said \(err.message)")
                if ref.error == err.message { matched += 1 }
            case .success(let r):
                #expect(ref.error == nil, "\(name): Go 1.21 failed with \(ref.error ?? "") but we parsed it")
                #expect(r.error == nil, "\(name): conversion error \(r.error?.message ?? "")")
                var ours: [UInt8: Int] = [:]
                for e in r.events { ours[e.type, default: 0] += 1 }
                let want = ref.expectedWireCounts
                #expect(ours == want, "\(name): ours \(ours.sorted { $0.key < $1.key }) vs Go 1.21-derived \(want.sorted { $0.key < $1.key })")
                // Times strictly increase after the tie-break.
                #expect(zip(r.events, r.events.dropFirst()).allSatisfy { $0.time < $1.time }, "\(name): times not increasing")
                if ours == want && ref.error == nil { matched += 1 }
            }
        }
        #expect(matched == refs.count, "matched \(matched) of \(refs.count)")
    }

    @Test("Go 1.5 stacks have PCs only; GoCreate start stacks are one frame [pc+1]")
    func go15Stacks() throws {
        guard let path = V1Cases.oldFormats.first(where: { $0.hasSuffix("stress_1_5_good") }) else {
            Issue.record("stress_1_5_good not found (Go 1.21.13 testdata); run scripts/install-go.sh 1.21.13")
            return
        }
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let (text, err) = v1ParsedText(bytes)
        #expect(err == nil)
        // Frames print as "\t @ 0x<pc>\n\t\t:0" (empty function and file, line 0).
        #expect(text.contains("Stack=\n\t @ 0x"))
        #expect(text.contains("\n\t\t:0\n"))
        #expect(text.contains("TransitionStack=\n\t @ 0x"))
    }
}

// MARK: - 3. Hostile input

@Suite("V1 hostile input")
struct V1RobustnessTests {
    static func samples() -> [String] {
        var paths = V1Oracle.files(in: V1Oracle.repoRoot + "/Fixtures/traces") {
            $0.hasSuffix("-go1.19.trace") || $0.hasSuffix("-go1.21.13.trace")
        }.prefix(6).map { $0 }
        for old in V1Cases.oldFormats where old.hasSuffix("http_1_5_good") || old.hasSuffix("http_1_9_good") || old.hasSuffix("stress_start_stop_1_10_good") {
            paths.append(old)
        }
        return paths
    }

    /// Runs the reader; only a TraceError (typed throws) or a result may come out.
    @discardableResult
    static func attempt(_ bytes: [UInt8]) -> String? {
        let tables = TraceTables()
        return bytes.withUnsafeBytes { buf -> String? in
            do throws(TraceError) {
                let minor = try TraceVersion.read(buf).minor
                let r = try V1Trace.convert(buffer: buf, minor: minor, tables: tables)
                // Rendering must not trap either (dangling string/stack IDs print as empty).
                let fmt = ParsedFormatter(tables: tables)
                for e in r.events.prefix(2000) { _ = fmt.string(e) }
                return r.error?.message
            } catch {
                return error.message
            }
        }
    }

    @Test("truncated traces fail cleanly", arguments: samples())
    func truncated(_ path: String) throws {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        var cuts = Set([16, 17, 18, 20, 24, 32, bytes.count - 1, bytes.count - 2, bytes.count - 10])
        for k in 1..<48 { cuts.insert(16 + (bytes.count - 16) * k / 48) }
        var errors = 0
        for cut in cuts.sorted() where cut >= 16 && cut < bytes.count {
            if Self.attempt(Array(bytes[..<cut])) != nil { errors += 1 }
        }
        #expect(errors > 0)
    }

    @Test("corrupted bytes never crash", arguments: samples())
    func corrupted(_ path: String) throws {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        var rng = SplitMix(seed: UInt64(bytes.count))
        for round in 0..<120 {
            var b = bytes
            let flips = 1 + round % 4
            for _ in 0..<flips {
                let i = 16 + Int(rng.next() % UInt64(b.count - 16))
                switch rng.next() % 4 {
                case 0: b[i] = UInt8(truncatingIfNeeded: rng.next())
                case 1: b[i] ^= 0x80
                case 2: b[i] = 0xff
                default: b[i] = 0x00
                }
            }
            Self.attempt(b)
        }
    }

    @Test("crafted hostile records")
    func crafted() {
        func trace(_ minor: Int, _ body: [UInt8]) -> [UInt8] {
            var h = Array("go 1.\(minor) trace".utf8)
            while h.count < 16 { h.append(0) }
            return h + body
        }
        let huge: [UInt8] = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01] // 2^64-1
        let cases: [(Int, [UInt8], String?)] = [
            (21, [], "no EvFrequency event"),
            (21, [0x41, 0x00, 0x00, 0x02, 0x80], nil), // batch then frequency with truncated varint
            (21, [0x41] + [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01] + [0x00], nil), // overlong varint
            (21, [0x41, 0x00, 0x00, 0xc3] + huge, nil), // length-prefixed stack of 2^64-1 bytes
            (19, [0x41, 0x00, 0x00, 0xc3, 0x10, 0x01], nil), // length beyond the data
            (21, [0x41, 0x00, 0x00, 0x25] + huge + [0x05, 0x61], nil), // string with huge id
            (21, [0x41, 0x00, 0x00, 0x25, 0x01] + huge, nil), // string with huge length
            (21, [0x41] + huge + [0x00], nil), // batch for P -1 then nothing
            (21, [0x41, 0x85, 0x80, 0x80, 0x80, 0x10, 0x00], nil), // P beyond int32
            (21, [0x41, 0x00] + huge + [0x02, 0x01, 0x04, 0x00, 0x01, 0x00], nil), // huge base timestamp, Gomaxprocs
            (21, [0x41, 0x00, 0x00, 0x02] + huge + [0x04] + huge + [0x01, 0x00], nil), // negative frequency, event at huge dt
            (21, [0x41, 0x00, 0x00, 0x02, 0x01, 0x0e, 0x00, 0x00, 0x01], nil), // GoStart (wrong args)
            (21, [0x41, 0x00, 0x00, 0x02, 0x01, 0x8e, 0x00, 0x00, 0x01, 0x8e, 0x00, 0x00, 0x01], nil), // GoStart twice
            (21, [0x41, 0x00, 0x00, 0x02, 0x01, 0x24, 0x00], nil), // FutileWakeup → conversion error
            (10, [0x41, 0x00, 0x00, 0x02, 0x01, 0x0e, 0x00, 0x05], nil),
            (5, [0x41, 0x00, 0x00, 0x00, 0x02, 0x01, 0x00, 0xc3, 0x05, 0x07, 0x03, 0x01, 0x02, 0x09], nil),
            (11, [0x41, 0x00, 0x00, 0xf1, 0x01, 0x00], "unknown event type 49"),
        ]
        for (minor, body, want) in cases {
            let got = Self.attempt(trace(minor, body))
            if let want { #expect(got == want, "go 1.\(minor) \(body)") }
        }
    }
}

extension V1RobustnessTests {
    /// Thousands of Ps whose only event can never become ready, plus one P with many events:
    /// Go's merge rescans every blocked P per merged event (quadratic); ours must stop.
    @Test("many blocked Ps do not make the merge quadratic")
    func manyBlockedPs() {
        func uv(_ x: UInt64) -> [UInt8] {
            var x = x, out: [UInt8] = []
            while x >= 0x80 { out.append(UInt8(x & 0x7f) | 0x80); x >>= 7 }
            out.append(UInt8(x))
            return out
        }
        var b = Array("go 1.21 trace\0\0\0".utf8)
        for p in 1...3000 { b += [0x41] + uv(UInt64(p)) + uv(1) + [0x8e] + uv(1) + uv(7) + uv(5) } // GoStart g=7 seq=5
        b += [0x41] + uv(0) + uv(1) + [0x02] + uv(1_000_000)
        for i in 0..<40000 { b += [0x61] + uv(1) + uv(UInt64(i)) } // HeapAlloc
        let start = ContinuousClock.now
        let err = Self.attempt(b)
        #expect(err?.hasPrefix("no consistent ordering of events possible") == true, "got \(err ?? "success")")
        #expect(ContinuousClock.now - start < .seconds(120))
    }
}


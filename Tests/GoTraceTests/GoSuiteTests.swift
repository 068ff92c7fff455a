// Go's own trace reader test suite (Go 1.27.3 `internal/trace/testdata`), run against our reader.
//
//   - every `tests/*.test`: its expectation (SUCCESS, or FAILURE with an error matching a regexp);
//   - every SUCCESS `.test`: our `-d=parsed` text equals Go's (`Fixtures/go-suite/NAME.parsed`);
//   - every `fuzz/FuzzReader` corpus file: reading finishes or throws, and agrees with Go's verdict
//     (`Fixtures/go-suite/fuzz-expected.txt`);
//   - error texts and event counts equal Go's (`fuzz-expected.txt`, `tests-expected.txt`).
//
// The test data is read from the installed toolchain (scripts/install-go.sh 1.27.3); the Go-side
// results are checked in and regenerated from the real Go reader by `scripts/go-suite.sh --regen`.

import Foundation
import Testing
@testable import GoTrace

@Suite("GoSuite")
struct GoSuiteTests {
    // MARK: Inventory

    @Test("Go 1.27.3 toolchain and its trace test data are installed")
    func toolchainInstalled() throws {
        let root = try GoSuite.goroot()
        #expect(GoSuite.testNames.count == 22, "expected Go 1.27.3's 22 .test files under \(GoSuitePaths.testsDir(root))")
        #expect(GoSuite.fuzzNames.count > 0)
    }

    @Test("Checked-in Go verdicts cover exactly Go's test data")
    func goldensCoverTestData() throws {
        _ = try GoSuite.goroot()
        let fuzz = try GoSuite.verdicts("fuzz-expected.txt")
        #expect(Set(fuzz.keys) == Set(GoSuite.fuzzNames), "fuzz-expected.txt is stale; run scripts/go-suite.sh --regen")
        let tests = try GoSuite.verdicts("tests-expected.txt")
        #expect(Set(tests.keys) == Set(GoSuite.testNames), "tests-expected.txt is stale; run scripts/go-suite.sh --regen")
    }

    // MARK: .test files

    @Test("Go .test expectation", arguments: GoSuite.testNames)
    func testExpectation(_ name: String) throws {
        let test = try GoSuite.loadTest(name)
        // A batch's size= must equal the encoded size of its records, or our writer disagrees with
        // Go's. FAILURE cases may break this on purpose (go122-fail-first-gen-first ends with an
        // empty batch claiming 50 bytes), so only SUCCESS cases are held to it.
        if test.expectation == .success {
            let mismatches = test.trace.batchSizeMismatches()
            #expect(mismatches.isEmpty, "raw text: batch size= differs from the encoded records: \(mismatches)")
        }

        let outcome = GoSuite.read(test.trace.encoded())
        switch test.expectation {
        case .success:
            if let e = outcome.error {
                Issue.record("expected SUCCESS, got error after \(outcome.events) events: \(e.message)  [\(e)]")
            }
        case .failure(let pattern):
            guard let e = outcome.error else {
                Issue.record("expected an error matching \(pattern), got none (\(outcome.events) events)")
                return
            }
            #expect(try GoExpectation.matches(pattern: pattern, e.message),
                    "error does not match \(pattern): \(e.message)  [\(e)]")
        }
        #expect(!outcome.stopped, "reader did not finish: \(outcome.stopReason)")
    }

    @Test("Go .test binary encoding equals testtrace.ParseFile's", arguments: GoSuite.testNames)
    func testEncoding(_ name: String) throws {
        let bytes = try GoSuite.loadTest(name).trace.encoded()
        let want = try GoSuite.encodings()[name]
        #expect(want != nil, "no encoding for \(name) in tests-encoded.txt; run scripts/go-suite.sh --regen")
        #expect(want?.length == bytes.count, "length: Go \(want?.length ?? -1), ours \(bytes.count)")
        #expect(want?.fnv == GoSuite.fnv1a64(bytes), "FNV-1a-64 of the encoding differs from Go's")
    }

    @Test("Go .test -d=parsed output", arguments: GoSuite.successTestNames)
    func testParsedOutput(_ name: String) throws {
        let test = try GoSuite.loadTest(name)
        let goldenPath = GoSuitePaths.fixtures + "/\(name).parsed"
        guard let golden = FileManager.default.contents(atPath: goldenPath) else {
            Issue.record("missing \(goldenPath); run scripts/go-suite.sh --regen")
            return
        }
        let outcome = GoSuite.read(test.trace.encoded(), render: true)
        if let e = outcome.error { Issue.record("error after \(outcome.events) events: \(e)") }
        let want = String(decoding: golden, as: UTF8.self)
        if outcome.text != want {
            Issue.record(Comment(rawValue: GoSuite.describeDifference(ours: outcome.text, go: want)))
        }
    }

    @Test("Go .test error text and event count", arguments: GoSuite.testNames)
    func testErrorText(_ name: String) throws {
        let test = try GoSuite.loadTest(name)
        guard let want = try GoSuite.verdicts("tests-expected.txt")[name] else {
            Issue.record("no verdict for \(name) in tests-expected.txt; run scripts/go-suite.sh --regen")
            return
        }
        GoSuite.compare(GoSuite.read(test.trace.encoded()), want)
    }

    // MARK: Fuzz corpus

    @Test("Go fuzz corpus: finishes and agrees with Go", .timeLimit(.minutes(1)), arguments: GoSuite.fuzzNames)
    func fuzzVerdict(_ name: String) throws {
        let bytes = try GoSuite.loadFuzz(name)
        let outcome = GoSuite.read(bytes)
        #expect(!outcome.stopped, "reader did not finish: \(outcome.stopReason)")
        guard let want = try GoSuite.verdicts("fuzz-expected.txt")[name] else {
            Issue.record("no Go verdict for \(name) in fuzz-expected.txt; run scripts/go-suite.sh --regen")
            return
        }
        switch (want.error, outcome.error) {
        case (nil, nil), (.some, .some):
            break
        case (nil, let ours?):
            Issue.record("Go reads this trace (\(want.events) events); ours fails after \(outcome.events): \(ours)")
        case (let go?, nil):
            Issue.record("Go fails after \(want.events) events with \"\(go)\"; ours succeeds with \(outcome.events) events")
        }
    }

    @Test("Go fuzz corpus: error text and event count", .timeLimit(.minutes(1)), arguments: GoSuite.fuzzNames)
    func fuzzErrorText(_ name: String) throws {
        let bytes = try GoSuite.loadFuzz(name)
        guard let want = try GoSuite.verdicts("fuzz-expected.txt")[name] else {
            Issue.record("no Go verdict for \(name) in fuzz-expected.txt; run scripts/go-suite.sh --regen")
            return
        }
        GoSuite.compare(GoSuite.read(bytes), want)
    }
}

// MARK: - Helpers

enum GoSuite {
    /// Stands in for the file lists when the toolchain is missing, so that every parameterized
    /// test fails (with the install hint) instead of running zero cases.
    static let missing = "<Go \(GoToolchain.suiteVersion) toolchain missing: run scripts/install-go.sh \(GoToolchain.suiteVersion)>"

    static func goroot() throws -> String {
        try GoToolchain.goroot.get()
    }

    /// `.test` file names without the extension.
    static let testNames: [String] = {
        guard case .success(let root) = GoToolchain.goroot else { return [missing] }
        return GoSuitePaths.list(GoSuitePaths.testsDir(root), suffix: ".test").map { String($0.dropLast(5)) }
    }()

    /// The `.test` files expecting SUCCESS (those with a `-d=parsed` golden).
    static let successTestNames: [String] = {
        guard case .success = GoToolchain.goroot else { return [missing] }
        return testNames.filter(isSuccess)
    }()

    private static func isSuccess(_ name: String) -> Bool {
        guard let t = try? loadTest(name) else { return true } // let the test itself report the problem
        return t.expectation == .success
    }

    static let fuzzNames: [String] = {
        guard case .success(let root) = GoToolchain.goroot else { return [missing] }
        return GoSuitePaths.list(GoSuitePaths.fuzzDir(root))
    }()

    static func loadTest(_ name: String) throws -> GoTestFile {
        let root = try goroot()
        return try GoTestFile(contents: GoSuitePaths.read(GoSuitePaths.testsDir(root) + "/\(name).test"))
    }

    static func loadFuzz(_ name: String) throws -> [UInt8] {
        let root = try goroot()
        return try GoFuzzCorpus.decode(GoSuitePaths.read(GoSuitePaths.fuzzDir(root) + "/\(name)"))
    }

    // MARK: Go's verdicts

    struct Verdict: Equatable {
        var events: Int
        /// Go's error text, or nil if Go read the whole trace.
        var error: String?
    }

    private static let verdictFiles: [String: Result<[String: Verdict], any Error>] = [
        "fuzz-expected.txt": Result { try parseVerdicts("fuzz-expected.txt") },
        "tests-expected.txt": Result { try parseVerdicts("tests-expected.txt") },
        "mutations-expected.txt": Result { try parseVerdicts("mutations-expected.txt") },
    ]

    private static let encodingFile = Result { () throws -> [String: (length: Int, fnv: UInt64)] in
        let path = GoSuitePaths.fixtures + "/tests-encoded.txt"
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RawTextError("missing \(path); run scripts/go-suite.sh --regen")
        }
        var result: [String: (length: Int, fnv: UInt64)] = [:]
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") where !line.hasPrefix("#") {
            let f = line.split(separator: "\t").map(String.init)
            guard f.count == 3, let n = Int(f[1]), let h = UInt64(f[2], radix: 16) else {
                throw RawTextError("tests-encoded.txt: malformed line: \(line)")
            }
            result[f[0]] = (n, h)
        }
        return result
    }

    /// Length and FNV-1a-64 of each .test file's binary trace as Go's raw.Writer encodes it.
    static func encodings() throws -> [String: (length: Int, fnv: UInt64)] {
        try encodingFile.get()
    }

    static func fnv1a64(_ bytes: [UInt8]) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes {
            h ^= UInt64(b)
            h &*= 0x0000_0100_0000_01b3
        }
        return h
    }

    /// Go's verdicts from a checked-in verdict file.
    static func verdicts(_ file: String) throws -> [String: Verdict] {
        guard let r = verdictFiles[file] else { throw RawTextError("unknown verdict file \(file)") }
        return try r.get()
    }

    /// Parses a verdict file (see scripts/tracecheck/main.go for the format).
    private static func parseVerdicts(_ file: String) throws -> [String: Verdict] {
        let path = GoSuitePaths.fixtures + "/" + file
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RawTextError("missing \(path); run scripts/go-suite.sh --regen")
        }
        var result: [String: Verdict] = [:]
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") where !line.hasPrefix("#") {
            let f = line.split(separator: "\t", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
            guard f.count >= 3, let n = Int(f[1]) else { throw RawTextError("\(file): malformed line: \(line)") }
            switch f[2] {
            case "OK" where f.count == 3:
                result[f[0]] = Verdict(events: n, error: nil)
            case "ERR" where f.count == 4:
                result[f[0]] = Verdict(events: n, error: try GoQuoted.unquoteString(f[3]))
            default:
                throw RawTextError("\(file): malformed line: \(line)")
            }
        }
        return result
    }

    /// Whether our error text is Go's. One allowance: Go's "failed to advance" error ends with a
    /// dump of its ordering state (`dumpOrdering`) in Go map order, which is random; ours stops
    /// after the frontier, so only that part is compared.
    static func sameErrorText(ours: String?, go: String?) -> Bool {
        guard let ours, let go else { return ours == go }
        let advance = "broken trace: failed to advance: frontier:\n"
        if go.hasPrefix(advance), ours.hasPrefix(advance), go.hasPrefix(ours) {
            return go.dropFirst(ours.count).hasPrefix("\n")
        }
        return ours == go
    }

    /// Records issues unless `outcome` has exactly Go's event count and error text.
    static func compare(_ outcome: Outcome, _ want: Verdict, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(sameErrorText(ours: outcome.error?.message, go: want.error),
                "error text: Go \(want.error.map { "\"\($0)\"" } ?? "none"), ours \(outcome.error.map { "\"\($0.message)\" [\($0)]" } ?? "none")",
                sourceLocation: sourceLocation)
        #expect(outcome.events == want.events, "events before EOF/error: Go \(want.events), ours \(outcome.events)",
                sourceLocation: sourceLocation)
    }

    // MARK: Reading with our reader

    struct Outcome {
        var events = 0
        var error: TraceError?
        /// The `-d=parsed` text, when rendering was asked for.
        var text = ""
        /// Reading was abandoned (too many events or too long): the reader looks stuck.
        var stopped = false
        var stopReason = ""
    }

    /// Reads every event, as `go tool trace -d=parsed` would, with a guard against readers that never end.
    static func read(_ bytes: [UInt8], render: Bool = false,
                     maxEvents: Int = 2_000_000, timeLimit: Duration = .seconds(30)) -> Outcome {
        var out = Outcome()
        let clock = ContinuousClock()
        let start = clock.now
        do {
            let reader = try TraceReader(bytes: TraceBytes(bytes: bytes))
            let formatter = ParsedFormatter(tables: reader.tables)
            while let ev = try reader.next() {
                out.events += 1
                if render {
                    out.text += formatter.string(ev)
                    out.text += "\n"
                }
                if out.events >= maxEvents {
                    out.stopped = true
                    out.stopReason = "more than \(maxEvents) events"
                    break
                }
                if out.events & 1023 == 0, clock.now - start > timeLimit {
                    out.stopped = true
                    out.stopReason = "still reading after \(timeLimit)"
                    break
                }
            }
        } catch {
            out.error = error
        }
        return out
    }

    /// A short account of where two texts first differ.
    static func describeDifference(ours: String, go: String) -> String {
        let a = ours.split(separator: "\n", omittingEmptySubsequences: false)
        let b = go.split(separator: "\n", omittingEmptySubsequences: false)
        let n = min(a.count, b.count)
        var first = n
        for i in 0..<n where a[i] != b[i] {
            first = i
            break
        }
        let differing = zip(a, b).filter { $0 != $1 }.count + abs(a.count - b.count)
        var s = "-d=parsed output differs from Go's: \(a.count) lines vs Go's \(b.count), \(differing) differ by position; first at line \(first + 1):\n"
        let lo = max(0, first - 2)
        s += "  ours:\n"
        for i in lo..<min(a.count, first + 3) { s += "    \(i + 1)\(i == first ? ">" : " ") \(a[i])\n" }
        s += "  go:\n"
        for i in lo..<min(b.count, first + 3) { s += "    \(i + 1)\(i == first ? ">" : " ") \(b[i])\n" }
        return s
    }
}

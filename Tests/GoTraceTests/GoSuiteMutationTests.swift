// Beyond Go's own suite: damaged copies of each `.test` file's binary trace (cut short, or one byte
// XORed with 0x01 or 0x80 — see `mutations` in scripts/tracecheck/main.go), read by our reader
// and compared with Go's verdicts in `Fixtures/go-suite/mutations-expected.txt`.

import Testing
@testable import GoTrace

@Suite("GoSuite mutations")
struct GoSuiteMutationTests {
    /// The damaged copies Go judged for `name`, keyed as in the verdict file (`trunc@N`, `xor01@N`, `xor80@N`).
    static func mutations(of name: String) throws -> [(key: String, bytes: [UInt8], want: GoSuite.Verdict)] {
        let bytes = try GoSuite.loadTest(name).trace.encoded()
        let prefix = name + "/"
        let verdicts = try GoSuite.verdicts("mutations-expected.txt").filter { $0.key.hasPrefix(prefix) }
        #expect(!verdicts.isEmpty, "no mutations of \(name) in mutations-expected.txt; run scripts/go-suite.sh --regen")
        var result: [(String, [UInt8], GoSuite.Verdict)] = []
        for (fullKey, want) in verdicts {
            let key = String(fullKey.dropFirst(prefix.count))
            let parts = key.split(separator: "@")
            guard parts.count == 2, let at = Int(parts[1]), at >= 0, at < bytes.count else {
                throw RawTextError("bad mutation \(fullKey) for a \(bytes.count)-byte trace (stale goldens?)")
            }
            var b = bytes
            switch parts[0] {
            case "trunc": b.removeSubrange(at...)
            case "xor01": b[at] ^= 0x01
            case "xor80": b[at] ^= 0x80
            default: throw RawTextError("unknown mutation \(fullKey)")
            }
            result.append((key, b, want))
        }
        return result.sorted { ($0.0.split(separator: "@").last.flatMap { Int($0) } ?? 0, $0.0) < ($1.0.split(separator: "@").last.flatMap { Int($0) } ?? 0, $1.0) }
    }

    @Test("Damaged .test traces: finish and agree with Go", .timeLimit(.minutes(5)), arguments: GoSuite.testNames)
    func verdicts(_ name: String) throws {
        var disagreements: [String] = []
        var total = 0
        for m in try Self.mutations(of: name) {
            total += 1
            let outcome = GoSuite.read(m.bytes, timeLimit: .seconds(10))
            if outcome.stopped {
                disagreements.append("\(m.key): reader did not finish (\(outcome.stopReason))")
            }
            switch (m.want.error, outcome.error) {
            case (nil, let ours?):
                disagreements.append("\(m.key): Go reads it (\(m.want.events) events); ours fails after \(outcome.events): \(ours)")
            case (let go?, nil):
                disagreements.append("\(m.key): Go fails after \(m.want.events) events (\"\(go)\"); ours succeeds with \(outcome.events)")
            default:
                break
            }
        }
        if !disagreements.isEmpty {
            Issue.record(Comment(rawValue: "\(disagreements.count) of \(total) damaged copies disagree with Go:\n" + disagreements.joined(separator: "\n")))
        }
    }

    @Test("Damaged .test traces: error text and event count", .timeLimit(.minutes(5)), arguments: GoSuite.testNames)
    func errorText(_ name: String) throws {
        var differences: [String] = []
        var total = 0
        for m in try Self.mutations(of: name) {
            total += 1
            let outcome = GoSuite.read(m.bytes, timeLimit: .seconds(10))
            let ours = outcome.error?.message
            if !GoSuite.sameErrorText(ours: ours, go: m.want.error) || outcome.events != m.want.events {
                differences.append("\(m.key): Go \(m.want.events) events, \(m.want.error.map { "\"\($0)\"" } ?? "OK"); ours \(outcome.events) events, \(ours.map { "\"\($0)\"" } ?? "OK")")
            }
        }
        if !differences.isEmpty {
            Issue.record(Comment(rawValue: "\(differences.count) of \(total) damaged copies differ from Go:\n" + differences.joined(separator: "\n")))
        }
    }
}

import ArgumentParser
import Foundation
import GoTrace
import GoTraceAnalysis

/// An aligned text table: left-aligned text columns, right-aligned numeric ones.
struct SummaryTable {
    var headers: [String]
    /// Which columns are right-aligned.
    var rightAligned: Set<Int>
    var rows: [[String]] = []

    init(_ headers: [String], right: Set<Int> = []) {
        self.headers = headers
        rightAligned = right
    }

    mutating func add(_ row: [String]) { rows.append(row) }

    func render() -> String {
        var widths = headers.map(\.count)
        for r in rows {
            for (i, c) in r.enumerated() where i < widths.count { widths[i] = max(widths[i], c.count) }
        }
        func line(_ cells: [String]) -> String {
            var out = ""
            for (i, c) in cells.enumerated() where i < widths.count {
                let pad = String(repeating: " ", count: widths[i] - c.count)
                let cell = rightAligned.contains(i) ? pad + c : (i == cells.count - 1 ? c : c + pad)
                out += (i == 0 ? "" : "  ") + cell
            }
            return out + "\n"
        }
        var out = line(headers)
        out += line(widths.map { String(repeating: "-", count: $0) })
        for r in rows { out += line(r) }
        return out
    }
}

/// Shared plumbing of the analysis commands.
enum AnalysisCLI {
    /// Go's parse for the goroutine/task/region pages; a read error is reported and tolerated.
    static func summarize(_ path: String) throws -> GoroutineSummaries {
        do {
            let (s, err) = try GoroutineSummarizer.summarize(path: path)
            if let err { FileHandleOutput.stderr("Encountered error, but able to proceed. Error: \(err.description)\n") }
            return s
        } catch {
            FileHandleOutput.stderr("\(error.description)\n")
            throw ExitCode(1)
        }
    }

    static func d(_ ns: Int64) -> String { Analysis.goDuration(ns) }

    /// Seconds since the trace start, as Go's task page prints them (`%.9f`).
    static func since(_ t: Int64, _ s: GoroutineSummaries) -> String {
        String(format: "%.9f", Double(t &- s.traceStart) / 1e9)
    }

    static func printJSON<T: Encodable>(_ value: T) throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var out = FileHandleOutput()
        out.write(String(decoding: try enc.encode(value), as: UTF8.self) + "\n")
        out.flush()
    }

    static func write(_ s: String) {
        var out = FileHandleOutput()
        out.write(s)
        out.flush()
    }

    static func fail(_ message: String) -> ExitCode {
        FileHandleOutput.stderr(message + "\n")
        return ExitCode(1)
    }

    /// A histogram as text rows: bucket lower bound, bar (up to 40 characters), count.
    static func histogramText(_ h: TimeHistogram, indent: String = "    ") -> String {
        let rows = h.rows
        let maxCount = rows.map(\.count).max() ?? 0
        guard maxCount > 0 else { return "" }
        let labels = rows.map { d($0.min) }
        let w = labels.map(\.count).max() ?? 0
        var out = ""
        for (i, r) in rows.enumerated() {
            let bar = String(repeating: "█", count: r.count * 40 / maxCount)
            out += indent + String(repeating: " ", count: w - labels[i].count) + labels[i] + " " + bar + (bar.isEmpty ? "" : " ") + "\(r.count)\n"
        }
        out += indent + "(buckets are [min, next min); last bound \(d(TimeHistogram.bucketMin(h.maxBucket + 1))))\n"
        return out
    }

    struct HistogramJSON: Encodable {
        var count: Int
        var buckets: [Bucket]
        struct Bucket: Encodable {
            var minNs: Int64
            var maxNs: Int64
            var count: Int
        }

        init(_ h: TimeHistogram) {
            count = h.count
            buckets = h.rows.map { Bucket(minNs: $0.min, maxNs: TimeHistogram.bucketMin($0.bucket + 1), count: $0.count) }
        }
    }

    struct FrameJSON: Encodable {
        var function: String
        var file: String
        var line: UInt64
        var pc: String
        init(_ f: ResolvedFrame) {
            function = f.function
            file = f.file
            line = f.line
            pc = "0x" + String(f.pc, radix: 16)
        }
    }

    static func stackText(_ frames: [ResolvedFrame], indent: String = "    ") -> String {
        if frames.isEmpty { return indent + "(no stack)\n" }
        return frames.map { "\(indent)\($0.function)\n\(indent)    \($0.file):\($0.line) (0x\(String($0.pc, radix: 16)))\n" }.joined()
    }
}

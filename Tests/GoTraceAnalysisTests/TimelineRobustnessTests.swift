import Foundation
import GoTrace
import Testing
@testable import GoTraceAnalysis

/// The timeline builder on damaged traces: truncated and bit-flipped copies of the fixtures of
/// every version. Whatever the bytes, building either fails with a located error or gives a model
/// whose invariants hold and whose queries answer; never a crash, trap or hang.
@Suite struct TimelineRobustnessTests {
    typealias F = MMUFixtures

    /// Deterministic variants: cut at 16 points and 16 single-byte corruptions per trace.
    static func variants(_ bytes: [UInt8], seed: UInt64) -> [[UInt8]] {
        var out: [[UInt8]] = []
        var x = seed | 1
        func next() -> Int {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17
            return Int(truncatingIfNeeded: x & 0x7fff_ffff)
        }
        for _ in 0..<16 where bytes.count > 20 { out.append(Array(bytes.prefix(16 + next() % (bytes.count - 16)))) }
        for _ in 0..<16 where bytes.count > 20 {
            var b = bytes
            let at = 16 + next() % (b.count - 16)
            b[at] ^= UInt8(truncatingIfNeeded: 1 << (next() % 8)) | (next() % 4 == 0 ? 0xff : 0)
            out.append(b)
        }
        return out
    }

    @Test("damaged traces build or fail cleanly, and the model's invariants hold",
          arguments: ["chains-go1.27.3", "gc-go1.23.9", "syscalls-go1.22.10", "sync-go1.19", "net-go1.21.13", "timers-go1.25.5"])
    func damaged(_ name: String) throws {
        let original = try [UInt8](Data(contentsOf: URL(fileURLWithPath: F.tracePath(name))))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gotrace-timeline-\(name)-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var built = 0
        for (k, v) in Self.variants(original, seed: name.utf8.reduce(UInt64(1469598103934665603)) { ($0 ^ UInt64($1)) &* 1099511628211 }).enumerated() {
            let path = dir.appendingPathComponent("\(k).trace").path
            try Data(v).write(to: URL(fileURLWithPath: path))
            let m: TimelineModel
            do {
                m = try TimelineModel.build(path: path).model
            } catch {
                #expect(!error.message.isEmpty)
                continue
            }
            built += 1
            for i in 0..<m.sliceCount {
                #expect(m.sliceEnd(i) >= m.sliceStart[i])
                if i > 0 { #expect(m.sliceStart[i] >= m.sliceStart[i - 1], "\(name) variant \(k): slices out of order") }
            }
            let span = max(1, m.traceEnd &- m.traceStart)
            for p in 0..<m.procIDs.count {
                let d = m.track(.proc(p), from: m.traceStart, to: m.traceEnd &+ 1, step: span / 100 + 1)
                var n: Int64 = 0
                let v = d?.values ?? []
                for j in stride(from: 0, to: v.count, by: 4) { n += v[j + 2] < 0 ? -v[j + 2] : 1 }
                #expect(n == Int64(m.procSlices.row(p).count), "\(name) variant \(k) proc \(p)")
                _ = m.track(.work(p), from: m.traceStart, to: m.traceEnd, step: 1)
            }
            for t in [TrackRef.goroutineCounter, .heapCounter, .gc, .stw, .network] {
                _ = m.track(t, from: m.traceStart, to: m.traceEnd &+ 1, step: span / 50 + 1)
            }
            if m.goroutineIDs.count > 0 { _ = m.relatedGoroutines(0) }
            _ = m.threadSlices
        }
        #expect(built > 0, "\(name): no damaged copy built at all")
    }
}

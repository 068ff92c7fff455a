import Foundation
import GoTrace
@testable import GoTraceAnalysis

/// Fixture traces and the MMU / series goldens made from them by the real Go tool
/// (`scripts/make-analysis-goldens.sh mmu`).
enum MMUFixtures {
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static func tracePath(_ name: String) -> String {
        root.appendingPathComponent("traces").appendingPathComponent(name + ".trace").path
    }

    /// Fixture names (without `.json`) with a golden in `Fixtures/analysis/<section>/`, sorted.
    static func names(_ section: String) -> [String] {
        let dir = root.appendingPathComponent("analysis").appendingPathComponent(section)
        let files = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return files.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
    }

    static func golden(_ section: String, _ name: String) throws -> [String: Any] {
        let url = root.appendingPathComponent("analysis").appendingPathComponent(section).appendingPathComponent(name + ".json")
        let data = try Data(contentsOf: url)
        guard let obj = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw MMUGoldenError("\(url.path): not a JSON object")
        }
        return obj
    }

    /// Every fixture trace (all have goldens; the tests also check that).
    static var traces: [String] {
        let dir = root.appendingPathComponent("traces")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return files.filter { $0.hasSuffix(".trace") }.map { String($0.dropLast(6)) }.sorted()
    }

    /// Loaded traces are shared between the suites.
    nonisolated(unsafe) private static var cache: [String: Trace] = [:]
    private static let lock = NSLock()

    static func load(_ name: String) throws -> Trace {
        lock.lock()
        if let t = cache[name] {
            lock.unlock()
            return t
        }
        lock.unlock()
        let t = try Trace.load(path: tracePath(name))
        lock.lock()
        cache[name] = t
        lock.unlock()
        return t
    }

    // MARK: JSON helpers

    static func jInt(_ v: Any?) -> Int64? {
        if let n = v as? NSNumber { return n.int64Value }
        return nil
    }

    static func jUInt(_ v: Any?) -> UInt64? {
        if let n = v as? NSNumber { return n.uint64Value }
        return nil
    }

    static func jDouble(_ v: Any?) -> Double? {
        if let n = v as? NSNumber { return n.doubleValue }
        return nil
    }

    /// Equal, or within 1e-9 relative.
    static func near(_ a: Double, _ b: Double) -> Bool {
        if a == b { return true }
        if a.isNaN && b.isNaN { return true }
        return abs(a - b) <= 1e-9 * max(abs(a), abs(b))
    }

    /// FNV-1a 64 over (time Int64 LE, util bits LE), as the Go harness hashes a utilization series.
    static func fnvHash(_ s: [MutatorUtil]) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        func byte(_ b: UInt64) {
            h ^= b & 0xff
            h = h &* 0x100_0000_01b3
        }
        for u in s {
            let t = UInt64(bitPattern: u.time), b = u.util.bitPattern
            for i in 0..<8 { byte(t >> (8 * UInt64(i))) }
            for i in 0..<8 { byte(b >> (8 * UInt64(i))) }
        }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

struct MMUGoldenError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}


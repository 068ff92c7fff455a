import Foundation
import Testing
@testable import GoTrace

/// GoSort must leave equal elements exactly where Go's `slices.SortFunc` leaves them. The vectors
/// were recorded from Go 1.27.3 by scripts/gosort-check (see there to regenerate them): each
/// line is `asc|KEYS|PERM` or `desc|KEYS|PERM`, where PERM lists the original indices of the
/// keys in the order slices.SortFunc put (key, index) pairs in, comparing keys only.
struct GoSortTests {
    struct Vector {
        var line: Int
        var descending: Bool
        var keys: [Int]
        var permutation: [Int]
    }

    static let vectorsPath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .appendingPathComponent("Vectors/gosort.txt").path

    static func vectors() throws -> [Vector] {
        let text = try String(contentsOfFile: vectorsPath, encoding: .utf8)
        var out: [Vector] = []
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.isEmpty || line.hasPrefix("#") { continue }
            let parts = line.split(separator: "|", omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0] == "asc" || parts[0] == "desc" else {
                throw VectorError(line: n + 1)
            }
            func ints(_ s: Substring) throws -> [Int] {
                try s.split(separator: " ").map { f in
                    guard let v = Int(f) else { throw VectorError(line: n + 1) }
                    return v
                }
            }
            out.append(Vector(line: n + 1, descending: parts[0] == "desc",
                              keys: try ints(parts[1]), permutation: try ints(parts[2])))
        }
        return out
    }

    struct VectorError: Error { var line: Int }

    /// The permutation GoSort produces for the vector's keys.
    static func permutation(_ v: Vector) -> [Int] {
        var pairs = v.keys.enumerated().map { (key: $0.element, index: $0.offset) }
        if v.descending {
            GoSort.sortFunc(&pairs) { a, b in b.key < a.key ? -1 : (b.key > a.key ? 1 : 0) }
        } else {
            GoSort.sortFunc(&pairs) { a, b in a.key < b.key ? -1 : (a.key > b.key ? 1 : 0) }
        }
        return pairs.map(\.index)
    }

    @Test func vectorsAreThere() throws {
        let vs = try Self.vectors()
        #expect(vs.count > 1000)
        // Sizes 0...300 are all covered, and the footprint shape (256, descending) is present.
        #expect(Set(vs.map(\.keys.count)).isSuperset(of: 0...300))
        #expect(vs.contains { $0.descending && $0.keys.count == 256 })
    }

    @Test func matchesGoSlicesSortFunc() throws {
        var failures = 0
        for v in try Self.vectors() {
            let got = Self.permutation(v)
            if got != v.permutation {
                failures += 1
                if failures <= 5 {
                    Issue.record("gosort.txt line \(v.line) (\(v.keys.count) keys): got \(got.prefix(40)), want \(v.permutation.prefix(40))")
                }
            }
        }
        #expect(failures == 0)
    }

    @Test func sortsLikeSorted() {
        // Beyond the ties, the result must be sorted: check against the standard library on a few
        // pseudo-random arrays of distinct-enough keys.
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for n in [0, 1, 2, 13, 50, 51, 257, 1000] {
            var x: [Int] = (0..<n).map { _ in
                state = state &* 6364136223846793005 &+ 1442695040888963407
                return Int(state >> 40) % 500
            }
            let want = x.sorted()
            GoSort.sortFunc(&x) { a, b in a < b ? -1 : (a > b ? 1 : 0) }
            #expect(x == want)
        }
    }
}

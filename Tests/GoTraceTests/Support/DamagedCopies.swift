/// Damaged copies of a trace for the robustness tests: cut at `cuts` evenly spaced points, and
/// `corrupted` copies with two bytes past the header changed (to 0, 0xff, 0x80, flipped bits, or
/// one up or down), from a fixed seed so that a failure names the same copy every time.
enum DamagedCopies {
    static func of(_ data: [UInt8], cuts: Int, corrupted: Int, seed: UInt64) -> [[UInt8]] {
        var copies: [[UInt8]] = []
        let step = max(1, data.count / cuts)
        for cut in stride(from: 16, to: data.count, by: step) { copies.append(Array(data[0..<cut])) }
        var rng = SplitMix(seed: seed)
        for _ in 0..<corrupted {
            var d = data
            for _ in 0..<2 {
                let i = 16 + Int(rng.next() % UInt64(d.count - 16))
                d[i] = [0x00, 0xff, 0x80, d[i] ^ 0x5a, d[i] &+ 1, d[i] &- 1][Int(rng.next() % 6)]
            }
            copies.append(d)
        }
        return copies
    }
}

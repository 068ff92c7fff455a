/// A hash map from 64-bit IDs (goroutine, proc, thread) to small values, for the per-event hot
/// path of the ordering: open addressing with linear probing and a multiplicative hash, instead
/// of `Dictionary`'s seeded SipHash. Deletion shifts entries back, so no tombstones build up.
struct IDTable<Value> {
    private var keys: [Int64]
    private var values: [Value?]
    private var used: [Bool]
    private(set) var count = 0
    private var mask: Int

    init(capacity: Int = 64) {
        var cap = 16
        while cap < capacity * 2 { cap <<= 1 }
        keys = [Int64](repeating: 0, count: cap)
        values = [Value?](repeating: nil, count: cap)
        used = [Bool](repeating: false, count: cap)
        mask = cap - 1
    }

    @inline(__always) private func slot(_ k: Int64) -> Int {
        Int(truncatingIfNeeded: (UInt64(bitPattern: k) &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }

    /// The slot holding `k`, or nil.
    @inline(__always) func find(_ k: Int64) -> Int? {
        var i = slot(k)
        while used[i] {
            if keys[i] == k { return i }
            i = (i + 1) & mask
        }
        return nil
    }

    @inline(__always) subscript(slot i: Int) -> Value {
        get { values[i].unsafelyUnwrapped }
        _modify {
            var v = values[i].unsafelyUnwrapped
            values[i] = nil
            defer { values[i] = v }
            yield &v
        }
    }

    @inline(__always) subscript(_ k: Int64) -> Value? {
        get { find(k).map { values[$0].unsafelyUnwrapped } }
    }

    mutating func set(_ k: Int64, _ v: Value) {
        if let i = find(k) {
            values[i] = v
            return
        }
        if (count + 1) * 2 > keys.count { grow() }
        var i = slot(k)
        while used[i] { i = (i + 1) & mask }
        used[i] = true
        keys[i] = k
        values[i] = v
        count += 1
    }

    @discardableResult
    mutating func remove(_ k: Int64) -> Value? {
        guard var i = find(k) else { return nil }
        let old = values[i]
        used[i] = false
        values[i] = nil
        count -= 1
        // Backward-shift deletion.
        var j = i
        while true {
            j = (j + 1) & mask
            if !used[j] { break }
            let home = slot(keys[j])
            // Move j into the hole at i if its home is not in (i, j] cyclically.
            let inRange = i <= j ? (home > i && home <= j) : (home > i || home <= j)
            if !inRange {
                keys[i] = keys[j]
                values[i] = values[j]
                used[i] = true
                used[j] = false
                values[j] = nil
                i = j
            }
        }
        return old
    }

    private mutating func grow() {
        let oldKeys = keys, oldValues = values, oldUsed = used
        let cap = keys.count * 2
        keys = [Int64](repeating: 0, count: cap)
        values = [Value?](repeating: nil, count: cap)
        used = [Bool](repeating: false, count: cap)
        mask = cap - 1
        count = 0
        for i in 0..<oldKeys.count where oldUsed[i] {
            var s = slot(oldKeys[i])
            while used[s] { s = (s + 1) & mask }
            used[s] = true
            keys[s] = oldKeys[i]
            values[s] = oldValues[i]
            count += 1
        }
    }

    /// All entries (for the rare whole-map scans).
    func forEach(_ body: (Int64, Value) -> Void) {
        for i in 0..<keys.count where used[i] { body(keys[i], values[i].unsafelyUnwrapped) }
    }
}

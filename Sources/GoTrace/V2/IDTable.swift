/// A hash map from 64-bit IDs (goroutine, proc, thread) to small plain values, for the per-event
/// hot path of the ordering: open addressing with linear probing and a multiplicative hash over
/// raw memory, instead of `Dictionary`'s seeded SipHash and copy-on-write checks. Deletion shifts
/// entries back, so no tombstones build up.
final class IDTable<Value: BitwiseCopyable> {
    private struct Entry {
        // (The flag last: it packs after a value's trailing bytes.)
        var key: Int64
        var value: Value
        var used: Bool
    }

    private var entries: UnsafeMutablePointer<Entry>
    private var capacity: Int
    private var mask: Int
    private(set) var count = 0

    init(capacity: Int = 64) {
        var cap = 16
        while cap < capacity * 2 { cap <<= 1 }
        self.capacity = cap
        mask = cap - 1
        entries = IDTable.allocate(cap)
    }

    deinit { entries.deallocate() }

    private static func allocate(_ n: Int) -> UnsafeMutablePointer<Entry> {
        let p = UnsafeMutablePointer<Entry>.allocate(capacity: n)
        UnsafeMutableRawPointer(p).initializeMemory(as: UInt8.self, repeating: 0, count: n * MemoryLayout<Entry>.stride)
        return p
    }

    @inline(__always) private func home(_ k: Int64) -> Int {
        Int(truncatingIfNeeded: (UInt64(bitPattern: k) &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }

    /// The slot holding `k`, or nil.
    @inline(__always) func find(_ k: Int64) -> Int? {
        var i = home(k)
        while entries[i].used {
            if entries[i].key == k { return i }
            i = (i + 1) & mask
        }
        return nil
    }

    /// The value in a slot returned by `find` (valid until the next insertion or removal).
    @inline(__always) subscript(slot i: Int) -> Value {
        get { entries[i].value }
        set { entries[i].value = newValue }
    }

    @inline(__always) subscript(_ k: Int64) -> Value? {
        guard let i = find(k) else { return nil }
        return entries[i].value
    }

    func set(_ k: Int64, _ v: Value) {
        if let i = find(k) {
            entries[i].value = v
            return
        }
        if (count + 1) * 2 > capacity { grow() }
        var i = home(k)
        while entries[i].used { i = (i + 1) & mask }
        entries[i] = Entry(key: k, value: v, used: true)
        count += 1
    }

    @discardableResult
    func remove(_ k: Int64) -> Value? {
        guard var i = find(k) else { return nil }
        let old = entries[i].value
        entries[i].used = false
        count -= 1
        var j = i
        while true {
            j = (j + 1) & mask
            if !entries[j].used { break }
            let h = home(entries[j].key)
            let inRange = i <= j ? (h > i && h <= j) : (h > i || h <= j)
            if !inRange {
                entries[i] = entries[j]
                entries[j].used = false
                i = j
            }
        }
        return old
    }

    /// Makes room for `n` entries without growing on the way (for a table that is refilled
    /// from empty to about the same size again and again).
    func reserve(_ n: Int) {
        var cap = capacity
        while n * 2 > cap { cap <<= 1 }
        if cap > capacity { rehash(cap) }
    }

    private func grow() { rehash(capacity * 2) }

    /// Moves the entries into a table of `newCapacity` slots (a power of two).
    private func rehash(_ newCapacity: Int) {
        let old = entries, oldCap = capacity
        capacity = newCapacity
        mask = capacity - 1
        entries = IDTable.allocate(capacity)
        count = 0
        for i in 0..<oldCap where old[i].used {
            var s = home(old[i].key)
            while entries[s].used { s = (s + 1) & mask }
            entries[s] = old[i]
            count += 1
        }
        old.deallocate()
    }

    /// Every entry (for the rare whole-map scans).
    func forEach(_ body: (Int64, Value) -> Void) {
        for i in 0..<capacity where entries[i].used { body(entries[i].key, entries[i].value) }
    }
}

/// A set of 64-bit IDs as a sparse bitmap: a word of 64 bits for each run of 64 IDs that has any,
/// in an `IDTable`. Goroutine IDs count up from 1 and are never reused, so the IDs a busy trace
/// creates (some 300,000 in the 50 MB benchmark trace) take a bit each rather than a hash entry,
/// the goroutines created one after the other share a word (and its cache line), and two sets
/// merge a word at a time. (As `Set<Int64>`s the streamed summary's IDs took a tenth of its
/// time, and merging and counting them another 90 ms of a 0.45 s read of the 50 MB trace.)
final class IDSet {
    private let words = IDTable<UInt64>(capacity: 64)

    /// Adds `id`; whether it was not there yet.
    @inline(__always) @discardableResult func insert(_ id: Int64) -> Bool {
        let key = id >> 6
        let bit = UInt64(1) << UInt64(id & 63)
        if let i = words.find(key) {
            let w = words[slot: i]
            words[slot: i] = w | bit
            return w & bit == 0
        }
        words.set(key, bit)
        return true
    }

    @inline(__always) func contains(_ id: Int64) -> Bool {
        guard let i = words.find(id >> 6) else { return false }
        return words[slot: i] & (UInt64(1) << UInt64(id & 63)) != 0
    }

    func formUnion(_ o: IDSet) {
        o.words.forEach { key, w in
            if let i = words.find(key) {
                words[slot: i] |= w
            } else {
                words.set(key, w)
            }
        }
    }

    /// How many IDs.
    var count: Int {
        var n = 0
        words.forEach { _, w in n += w.nonzeroBitCount }
        return n
    }
}

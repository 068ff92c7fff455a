/// A growable array of plain values in raw memory, for the reader's per-event structures (the
/// batch cursors and the frontier heap): element access without bounds, uniqueness or
/// exclusivity checks, and in-place mutation through a stable pointer between growths.
/// Indices are the caller's to keep in range.
final class RawArray<Element: BitwiseCopyable> {
    private(set) var base: UnsafeMutablePointer<Element>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int = 16) {
        self.capacity = max(capacity, 1)
        base = UnsafeMutablePointer<Element>.allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    var isEmpty: Bool { count == 0 }

    @inline(__always) subscript(_ i: Int) -> Element {
        get { base[i] }
        set { base[i] = newValue }
    }

    /// A pointer to element `i`, valid until the next `append`.
    @inline(__always) func pointer(_ i: Int) -> UnsafeMutablePointer<Element> { base + i }

    func append(_ e: Element) {
        if count == capacity {
            let grown = UnsafeMutablePointer<Element>.allocate(capacity: capacity * 2)
            grown.initialize(from: base, count: count)
            base.deallocate()
            base = grown
            capacity *= 2
        }
        (base + count).initialize(to: e)
        count += 1
    }

    func removeLast() { count -= 1 }

    /// Makes room for `n` elements in all.
    func reserve(_ n: Int) {
        guard n > capacity else { return }
        let grown = UnsafeMutablePointer<Element>.allocate(capacity: n)
        grown.initialize(from: base, count: count)
        base.deallocate()
        base = grown
        capacity = n
    }

    func removeAll() { count = 0 }

    @inline(__always) func swapAt(_ i: Int, _ j: Int) {
        let t = base[i]
        base[i] = base[j]
        base[j] = t
    }

    /// The elements as a buffer (for sorting and iteration).
    var buffer: UnsafeMutableBufferPointer<Element> { UnsafeMutableBufferPointer(start: base, count: count) }
}

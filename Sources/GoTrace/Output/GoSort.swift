/// A faithful reimplementation of Go's `slices.SortFunc` (Go 1.27.3): pattern-defeating quicksort
/// with insertion sort for short ranges, heapsort as the depth-limit fallback, ninther pivot
/// selection and xorshift-driven pattern breaking.
///
/// The sort is unstable, but deterministic: it performs exactly the same comparisons and element
/// swaps as Go, so elements that compare equal end up in the same order Go leaves them in. Output
/// that mirrors a Go tool sorting with ties (e.g. `go tool trace -d=footprint`) depends on that.
///
/// `cmp` follows Go's convention: negative if the first argument orders before the second, zero
/// if they are equal, positive otherwise. Only `cmp(x, y) < 0` is ever consulted.
enum GoSort {
    /// Sorts `a` in place exactly as Go's `slices.SortFunc(a, cmp)` would.
    static func sortFunc<T>(_ a: inout [T], _ cmp: (T, T) -> Int) {
        let n = a.count
        withoutActuallyEscaping(cmp) { cmp in
            a.withUnsafeMutableBufferPointer { buf in
                Sorter(data: buf, cmp: cmp).pdqsort(0, n, limit: bitLength(UInt(n)))
            }
        }
    }

    /// Go's `bits.Len`: the number of bits needed to represent `x` (0 for 0).
    static func bitLength(_ x: UInt) -> Int { UInt.bitWidth - x.leadingZeroBitCount }

    private enum SortedHint { case unknown, increasing, decreasing }

    /// Go's `xorshift` generator (13, 7, 17), seeded with the range length.
    private struct XorShift {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return state
        }
    }

    /// The sorting state: the buffer being sorted and the comparison. Ranges are half-open
    /// `[a, b)` indices into the whole buffer, as in Go.
    private struct Sorter<T> {
        let data: UnsafeMutableBufferPointer<T>
        let cmp: (T, T) -> Int

        static var maxInsertion: Int { 12 }
        static var shortestNinther: Int { 50 }
        static var maxSwaps: Int { 4 * 3 }
        static var maxSteps: Int { 5 }
        static var shortestShifting: Int { 50 }

        @inline(__always) func less(_ i: Int, _ j: Int) -> Bool { cmp(data[i], data[j]) < 0 }
        @inline(__always) func swap(_ i: Int, _ j: Int) { data.swapAt(i, j) }

        func insertionSort(_ a: Int, _ b: Int) {
            var i = a + 1
            while i < b {
                var j = i
                while j > a && less(j, j - 1) {
                    swap(j, j - 1)
                    j -= 1
                }
                i += 1
            }
        }

        /// Restores the heap property below `root` in the heap occupying `[first+lo, first+hi)`.
        func siftDown(_ lo: Int, _ hi: Int, first: Int) {
            var root = lo
            while true {
                var child = 2 * root + 1
                if child >= hi { return }
                if child + 1 < hi && less(first + child, first + child + 1) {
                    child += 1
                }
                if !less(first + root, first + child) { return }
                swap(first + root, first + child)
                root = child
            }
        }

        func heapSort(_ a: Int, _ b: Int) {
            let first = a
            let hi = b - a
            var i = (hi - 1) / 2
            while i >= 0 {
                siftDown(i, hi, first: first)
                i -= 1
            }
            i = hi - 1
            while i >= 0 {
                swap(first, first + i)
                siftDown(0, i, first: first)
                i -= 1
            }
        }

        func pdqsort(_ a0: Int, _ b0: Int, limit limit0: Int) {
            var a = a0, b = b0, limit = limit0
            var wasBalanced = true      // whether the last partitioning was reasonably balanced
            var wasPartitioned = true   // whether the range was already partitioned

            while true {
                let length = b - a
                if length <= Self.maxInsertion {
                    insertionSort(a, b)
                    return
                }
                // Too many imbalanced partitions: fall back to heapsort, which is O(n log n).
                if limit == 0 {
                    heapSort(a, b)
                    return
                }
                // The last partitioning was imbalanced: shuffle some elements to break patterns.
                if !wasBalanced {
                    breakPatterns(a, b)
                    limit -= 1
                }

                var (pivot, hint) = choosePivot(a, b)
                if hint == .decreasing {
                    reverseRange(a, b)
                    // The chosen pivot was at `pivot` before the reversal; follow it.
                    pivot = (b - 1) - (pivot - a)
                    hint = .increasing
                }

                // Probably already sorted: try to finish with a few insertion steps.
                if wasBalanced && wasPartitioned && hint == .increasing {
                    if partialInsertionSort(a, b) { return }
                }

                // If the predecessor equals the pivot, everything equal to it can be set aside.
                // (Go tests `a > 0` against the whole slice, not the original range.)
                if a > 0 && !less(a - 1, pivot) {
                    a = partitionEqual(a, b, pivot)
                    continue
                }

                let (mid, alreadyPartitioned) = partition(a, b, pivot)
                wasPartitioned = alreadyPartitioned

                let leftLen = mid - a, rightLen = b - mid
                let balanceThreshold = length / 8
                if leftLen < rightLen {
                    wasBalanced = leftLen >= balanceThreshold
                    pdqsort(a, mid, limit: limit)
                    a = mid + 1
                } else {
                    wasBalanced = rightLen >= balanceThreshold
                    pdqsort(mid + 1, b, limit: limit)
                    b = mid
                }
            }
        }

        /// Partitions `[a, b)` around the element at `pivot`, leaving the pivot at the returned
        /// index; also reports whether no swaps were needed.
        func partition(_ a: Int, _ b: Int, _ pivot: Int) -> (Int, Bool) {
            swap(a, pivot)
            var i = a + 1, j = b - 1   // inclusive bounds of what remains to be partitioned

            while i <= j && less(i, a) { i += 1 }
            while i <= j && !less(j, a) { j -= 1 }
            if i > j {
                swap(j, a)
                return (j, true)
            }
            swap(i, j)
            i += 1
            j -= 1

            while true {
                while i <= j && less(i, a) { i += 1 }
                while i <= j && !less(j, a) { j -= 1 }
                if i > j { break }
                swap(i, j)
                i += 1
                j -= 1
            }
            swap(j, a)
            return (j, false)
        }

        /// Partitions `[a, b)` into elements equal to the pivot (known to be the minimum) and
        /// greater ones; returns where the greater ones start.
        func partitionEqual(_ a: Int, _ b: Int, _ pivot: Int) -> Int {
            swap(a, pivot)
            var i = a + 1, j = b - 1

            while true {
                while i <= j && !less(a, i) { i += 1 }
                while i <= j && less(a, j) { j -= 1 }
                if i > j { break }
                swap(i, j)
                i += 1
                j -= 1
            }
            return i
        }

        /// Tries to sort a nearly sorted range by moving a few out-of-order elements; reports
        /// whether the range ended up sorted.
        func partialInsertionSort(_ a: Int, _ b: Int) -> Bool {
            var i = a + 1
            for _ in 0..<Self.maxSteps {
                while i < b && !less(i, i - 1) { i += 1 }
                if i == b { return true }
                if b - a < Self.shortestShifting { return false }

                swap(i, i - 1)

                // Shift the smaller element left. Go bounds this loop by 1, not by `a`.
                if i - a >= 2 {
                    var j = i - 1
                    while j >= 1 {
                        if !less(j, j - 1) { break }
                        swap(j, j - 1)
                        j -= 1
                    }
                }
                // Shift the greater element right.
                if b - i >= 2 {
                    var j = i + 1
                    while j < b {
                        if !less(j, j - 1) { break }
                        swap(j, j - 1)
                        j += 1
                    }
                }
            }
            return false
        }

        /// Swaps the three middle elements with pseudo-random ones from the range.
        func breakPatterns(_ a: Int, _ b: Int) {
            let length = b - a
            guard length >= 8 else { return }
            var random = XorShift(state: UInt64(length))
            let modulus = UInt64(1) << UInt64(GoSort.bitLength(UInt(length)))

            let middle = a + (length / 4) * 2
            for idx in (middle - 1)...(middle + 1) {
                var other = Int(random.next() & (modulus - 1))
                if other >= length { other -= length }
                swap(idx, a + other)
            }
        }

        /// Chooses a pivot (median of three, or Tukey's ninther for long ranges) and guesses from
        /// the swaps it needed whether the range is increasing or decreasing.
        func choosePivot(_ a: Int, _ b: Int) -> (Int, SortedHint) {
            let l = b - a
            var swaps = 0
            var i = a + l / 4 * 1
            var j = a + l / 4 * 2
            var k = a + l / 4 * 3

            if l >= 8 {
                if l >= Self.shortestNinther {
                    i = medianAdjacent(i, &swaps)
                    j = medianAdjacent(j, &swaps)
                    k = medianAdjacent(k, &swaps)
                }
                j = median(i, j, k, &swaps)
            }

            switch swaps {
            case 0: return (j, .increasing)
            case Self.maxSwaps: return (j, .decreasing)
            default: return (j, .unknown)
            }
        }

        /// Orders the indices `a`, `b` by the elements they point at, counting a swap if needed.
        func order2(_ a: Int, _ b: Int, _ swaps: inout Int) -> (Int, Int) {
            if less(b, a) {
                swaps += 1
                return (b, a)
            }
            return (a, b)
        }

        /// The index of the median of the three elements, after three `order2` steps.
        func median(_ a: Int, _ b: Int, _ c: Int, _ swaps: inout Int) -> Int {
            let (a1, b1) = order2(a, b, &swaps)
            let (b2, _) = order2(b1, c, &swaps)
            let (_, b3) = order2(a1, b2, &swaps)
            return b3
        }

        func medianAdjacent(_ a: Int, _ swaps: inout Int) -> Int {
            median(a - 1, a, a + 1, &swaps)
        }

        func reverseRange(_ a: Int, _ b: Int) {
            var i = a, j = b - 1
            while i < j {
                swap(i, j)
                i += 1
                j -= 1
            }
        }
    }
}

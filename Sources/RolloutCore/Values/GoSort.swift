/// Go's `sort.Sort` as kubectl v1.32 runs it (built with Go 1.23): pattern-defeating quicksort
/// (`src/sort/zsortinterface.go` pdqsort, insertionSort, heapSort, partition, partitionEqual,
/// partialInsertionSort, breakPatterns, choosePivot; `src/sort/sort.go` Sort, xorshift,
/// nextPowerOfTwo), step for step — and `sort.Slice`, the same steps (`zsortfunc.go`). It is not stable, and it is deterministic: elements that
/// compare equal end in an order that depends only on the input's order and length. kubectl
/// sorts events this way (`SortableEvents`, by time only), so events of one second print in
/// the order this gives, which no stable sort reproduces past 12 elements.
enum GoSort {
    private enum Hint { case unknown, increasing, decreasing }

    /// `sort.Sort(data)`, with `less` as `data.Less`.
    static func sort<T>(_ items: inout [T], by less: (T, T) -> Bool) {
        let n = items.count
        guard n > 1 else { return }
        withoutActuallyEscaping(less) { less in
            items.withUnsafeMutableBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return }
                let data = Data(base: base, less: less)
                // limit := bits.Len(uint(n))
                data.pdqsort(0, n, limit: Int.bitWidth - n.leadingZeroBitCount)
            }
        }
    }

    /// The `sort.Interface` the algorithm works through: `Less(i, j)` and `Swap(i, j)` on
    /// positions of one buffer.
    private struct Data<T> {
        let base: UnsafeMutablePointer<T>
        let less: (T, T) -> Bool

        @inline(__always) func less(_ i: Int, _ j: Int) -> Bool { less(base[i], base[j]) }
        @inline(__always) func swap(_ i: Int, _ j: Int) {
            guard i != j else { return }
            Swift.swap(&base[i], &base[j])
        }

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

        /// The heap property on data[lo:hi], the heap's root at `first`.
        func siftDown(_ lo: Int, _ hi: Int, _ first: Int) {
            var root = lo
            while true {
                var child = 2 * root + 1
                if child >= hi { return }
                if child + 1 < hi && less(first + child, first + child + 1) { child += 1 }
                if !less(first + root, first + child) { return }
                swap(first + root, first + child)
                root = child
            }
        }

        func heapSort(_ a: Int, _ b: Int) {
            let first = a, hi = b - a
            var i = (hi - 1) / 2
            while i >= 0 {
                siftDown(i, hi, first)
                i -= 1
            }
            i = hi - 1
            while i >= 0 {
                swap(first, first + i)
                siftDown(0, i, first)
                i -= 1
            }
        }

        /// Sorts data[a:b]; `limit` bad pivots are allowed before falling back to heapsort.
        func pdqsort(_ a: Int, _ b: Int, limit: Int) {
            var a = a, b = b, limit = limit
            let maxInsertion = 12
            var wasBalanced = true, wasPartitioned = true
            while true {
                let length = b - a
                if length <= maxInsertion {
                    insertionSort(a, b)
                    return
                }
                if limit == 0 {
                    heapSort(a, b)
                    return
                }
                if !wasBalanced {
                    breakPatterns(a, b)
                    limit -= 1
                }
                var (pivot, hint) = choosePivot(a, b)
                if hint == .decreasing {
                    reverseRange(a, b)
                    pivot = (b - 1) - (pivot - a)
                    hint = .increasing
                }
                if wasBalanced && wasPartitioned && hint == .increasing {
                    if partialInsertionSort(a, b) { return }
                }
                if a > 0 && !less(a - 1, pivot) {
                    a = partitionEqual(a, b, pivot)
                    continue
                }
                let (mid, alreadyPartitioned) = partition(a, b, pivot)
                wasPartitioned = alreadyPartitioned
                let leftLength = mid - a, rightLength = b - mid
                let balanceThreshold = length / 8
                if leftLength < rightLength {
                    wasBalanced = leftLength >= balanceThreshold
                    pdqsort(a, mid, limit: limit)
                    a = mid + 1
                } else {
                    wasBalanced = rightLength >= balanceThreshold
                    pdqsort(mid + 1, b, limit: limit)
                    b = mid
                }
            }
        }

        /// One quicksort partition around data[pivot]: less before it, the rest after.
        func partition(_ a: Int, _ b: Int, _ pivot: Int) -> (Int, Bool) {
            swap(a, pivot)
            var i = a + 1, j = b - 1
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

        /// data[a:b] (nothing in it less than data[pivot]) as the elements equal to the pivot,
        /// then the greater ones; where the greater ones start.
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

        /// Sorts data[a:b] partly; whether it is sorted at the end.
        func partialInsertionSort(_ a: Int, _ b: Int) -> Bool {
            let maxSteps = 5, shortestShifting = 50
            var i = a + 1
            for _ in 0..<maxSteps {
                while i < b && !less(i, i - 1) { i += 1 }
                if i == b { return true }
                if b - a < shortestShifting { return false }
                swap(i, i - 1)
                // The smaller one to the left (Go's loop runs down to 1, not to a).
                if i - a >= 2 {
                    var j = i - 1
                    while j >= 1 {
                        if !less(j, j - 1) { break }
                        swap(j, j - 1)
                        j -= 1
                    }
                }
                // The greater one to the right.
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

        /// Scatters three elements around the middle, the positions drawn from a xorshift
        /// seeded with the length.
        func breakPatterns(_ a: Int, _ b: Int) {
            let length = b - a
            guard length >= 8 else { return }
            var random = UInt64(length)
            // nextPowerOfTwo: 1 << bits.Len(uint(length))
            let modulus = UInt64(1) << UInt64(Int.bitWidth - length.leadingZeroBitCount)
            var index = a + (length / 4) * 2 - 1
            while index <= a + (length / 4) * 2 + 1 {
                // xorshift.Next as Go 1.23's sort.go has it: << 13, >> 17, << 5 (a later
                // Go shifts by 7 and 17; kubectl v1.32.4, built with go1.23.8, orders events
                // as these shifts do and not as those: GoSortTests' cases of 120 and 51).
                random ^= random << 13
                random ^= random >> 17
                random ^= random << 5
                var other = Int(truncatingIfNeeded: random & (modulus - 1))
                if other >= length { other -= length }
                swap(index, a + other)
                index += 1
            }
        }

        /// A static pivot below 8 elements, the median of three below 50, Tukey's ninther from
        /// there; whether the samples looked increasing or decreasing.
        func choosePivot(_ a: Int, _ b: Int) -> (Int, Hint) {
            let shortestNinther = 50, maxSwaps = 4 * 3
            let l = b - a
            var swaps = 0
            var i = a + l / 4 * 1, j = a + l / 4 * 2, k = a + l / 4 * 3
            if l >= 8 {
                if l >= shortestNinther {
                    i = median(i - 1, i, i + 1, &swaps)
                    j = median(j - 1, j, j + 1, &swaps)
                    k = median(k - 1, k, k + 1, &swaps)
                }
                j = median(i, j, k, &swaps)
            }
            switch swaps {
            case 0: return (j, .increasing)
            case maxSwaps: return (j, .decreasing)
            default: return (j, .unknown)
            }
        }

        func order2(_ a: Int, _ b: Int, _ swaps: inout Int) -> (Int, Int) {
            if less(b, a) {
                swaps += 1
                return (b, a)
            }
            return (a, b)
        }

        func median(_ a: Int, _ b: Int, _ c: Int, _ swaps: inout Int) -> Int {
            let (a1, b1) = order2(a, b, &swaps)
            let (b2, _) = order2(b1, c, &swaps)
            let (_, b3) = order2(a1, b2, &swaps)
            return b3
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

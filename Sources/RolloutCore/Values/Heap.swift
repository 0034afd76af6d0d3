/// Sifting in a heap kept in an array — binary, or with `arity` children a node — whose first
/// element is the one `above` puts above all the others (the timer queue's earliest timer,
/// `FirstInOrder`'s last kept index). The element sifted is held aside while those it passes
/// move into the hole it leaves, and set once where it stops — the same comparisons, and the
/// same heap, as swapping it step by step, without two writes a level, through the array's
/// buffer (no uniqueness check or bounds check per move: a 10,000-replica roll pops some 40,000
/// timers from a heap of thousands).
enum Heap {
    /// The element at `i` rises while it goes above its parent.
    @inline(__always)
    static func siftUp<T>(_ heap: inout [T], from i: Int, arity: Int = 2, above: (T, T) -> Bool) {
        heap.withUnsafeMutableBufferPointer { h in
            guard i > 0, i < h.count else { return }
            let moving = h[i]
            var child = i
            while child > 0 {
                let parent = (child - 1) / arity
                guard above(moving, h[parent]) else { break }
                h[child] = h[parent]
                child = parent
            }
            h[child] = moving
        }
    }

    /// The element at `i` sinks below each child that goes above it.
    @inline(__always)
    static func siftDown<T>(_ heap: inout [T], from i: Int, arity: Int = 2, above: (T, T) -> Bool) {
        heap.withUnsafeMutableBufferPointer { h in
            guard i >= 0, i < h.count else { return }
            let moving = h[i]
            let count = h.count
            var parent = i
            while true {
                let first = arity * parent + 1
                guard first < count else { break }
                // The child that goes above the others (the first of them on a tie, as the
                // left one of two).
                var child = first
                var k = first + 1
                while k < min(first + arity, count) {
                    if above(h[k], h[child]) { child = k }
                    k += 1
                }
                guard above(h[child], moving) else { break }
                h[parent] = h[child]
                parent = child
            }
            h[parent] = moving
        }
    }
}

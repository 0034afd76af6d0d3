/// Sifting in a binary heap kept in an array, whose first element is the one `above` puts
/// above all the others (the timer queue's earliest timer, `FirstInOrder`'s last kept index).
/// The element sifted is held aside while those it passes move into the hole it leaves, and set
/// once where it stops — the same comparisons, and the same heap, as swapping it step by step,
/// without two writes a level, through the array's buffer (no uniqueness check or bounds check
/// per move: a 10,000-replica roll pops some 40,000 timers from a heap of thousands).
enum Heap {
    /// The element at `i` rises while it goes above its parent.
    static func siftUp<T>(_ heap: inout [T], from i: Int, above: (T, T) -> Bool) {
        heap.withUnsafeMutableBufferPointer { h in
            guard i > 0, i < h.count else { return }
            let moving = h[i]
            var child = i
            while child > 0 {
                let parent = (child - 1) / 2
                guard above(moving, h[parent]) else { break }
                h[child] = h[parent]
                child = parent
            }
            h[child] = moving
        }
    }

    /// The element at `i` sinks below each child that goes above it.
    static func siftDown<T>(_ heap: inout [T], from i: Int, above: (T, T) -> Bool) {
        heap.withUnsafeMutableBufferPointer { h in
            guard i >= 0, i < h.count else { return }
            let moving = h[i]
            let count = h.count
            var parent = i
            while true {
                let left = 2 * parent + 1, right = left + 1
                guard left < count else { break }
                // The child that goes above the other (the left one on a tie, as before).
                let child = right < count && above(h[right], h[left]) ? right : left
                guard above(h[child], moving) else { break }
                h[parent] = h[child]
                parent = child
            }
            h[parent] = moving
        }
    }
}

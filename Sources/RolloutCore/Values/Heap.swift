/// Sifting in a binary heap kept in an array, whose first element is the one `above` puts
/// above all the others (the timer queue's earliest timer, `FirstInOrder`'s last kept index).
enum Heap {
    /// The element at `i` rises while it goes above its parent.
    static func siftUp<T>(_ heap: inout [T], from i: Int, above: (T, T) -> Bool) {
        var child = i
        while child > 0 {
            let parent = (child - 1) / 2
            guard above(heap[child], heap[parent]) else { return }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    /// The element at `i` sinks below each child that goes above it.
    static func siftDown<T>(_ heap: inout [T], from i: Int, above: (T, T) -> Bool) {
        var parent = i
        while true {
            let left = 2 * parent + 1, right = left + 1
            var top = parent
            if left < heap.count && above(heap[left], heap[top]) { top = left }
            if right < heap.count && above(heap[right], heap[top]) { top = right }
            if top == parent { return }
            heap.swapAt(parent, top)
            parent = top
        }
    }
}

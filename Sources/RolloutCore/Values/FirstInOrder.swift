/// The first `k` of `0..<n` in a total order `precedes`, in that order: what sorting all of
/// them and taking `k` gives, found with a heap of `k` (n log k comparisons instead of
/// n log n).
enum FirstInOrder {
    static func indices(_ k: Int, of n: Int, by precedes: (Int, Int) -> Bool) -> [Int] {
        guard k > 0 else { return [] }
        guard k < n else { return (0..<n).sorted(by: precedes) }
        // A heap whose root is the last of the `k` kept: a newcomer that precedes it takes
        // its place.
        var heap: [Int] = []
        heap.reserveCapacity(k)
        func siftUp(_ start: Int) {
            var child = start
            while child > 0 {
                let parent = (child - 1) / 2
                guard precedes(heap[parent], heap[child]) else { return }
                heap.swapAt(parent, child)
                child = parent
            }
        }
        func siftDown() {
            var parent = 0
            while true {
                let left = 2 * parent + 1, right = left + 1
                var last = parent
                if left < heap.count && precedes(heap[last], heap[left]) { last = left }
                if right < heap.count && precedes(heap[last], heap[right]) { last = right }
                if last == parent { return }
                heap.swapAt(parent, last)
                parent = last
            }
        }
        for i in 0..<n {
            if heap.count < k {
                heap.append(i)
                siftUp(heap.count - 1)
            } else if let root = heap.first, precedes(i, root) {
                heap[0] = i
                siftDown()
            }
        }
        return heap.sorted(by: precedes)
    }
}

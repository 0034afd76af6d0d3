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
        func above(_ a: Int, _ b: Int) -> Bool { precedes(b, a) }
        for i in 0..<n {
            if heap.count < k {
                heap.append(i)
                Heap.siftUp(&heap, from: heap.count - 1, above: above)
            } else if let root = heap.first, precedes(i, root) {
                heap[0] = i
                Heap.siftDown(&heap, from: 0, above: above)
            }
        }
        return heap.sorted(by: precedes)
    }
}

/// The first `k` of `0..<n` in a total order `precedes`, in that order: what sorting all of
/// them and taking `k` gives. Few of many are found with a heap of `k` (n log k comparisons
/// instead of n log n); more (a ReplicaSet of 10,000 scaled down by a quarter) by selection —
/// the `k` first partitioned ahead of the others, about 2n comparisons — and then sorted.
enum FirstInOrder {
    static func indices(_ k: Int, of n: Int, by precedes: (Int, Int) -> Bool) -> [Int] {
        guard k > 0 else { return [] }
        guard k < n else { return (0..<n).sorted(by: precedes) }
        guard k * 8 < n else { return selected(k, of: n, by: precedes) }
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

    /// The first `k` (0 < k < n) by selection (Hoare's, the pivot the middle of three), then
    /// sorted. The order is total and the indices distinct, so the `k` partitioned ahead are
    /// exactly the first `k`. (Should partitions keep going badly — no input here is made to —
    /// the part left is sorted whole: at worst n log n, as sorting all is.)
    private static func selected(_ k: Int, of n: Int, by precedes: (Int, Int) -> Bool) -> [Int] {
        var a = Array(0..<n)
        var lo = 0, hi = n - 1
        var rounds = 0
        let limit = 2 * (Int.bitWidth - n.leadingZeroBitCount)
        while lo < hi {
            rounds += 1
            if rounds > limit {
                a[lo...hi].sort(by: precedes)
                break
            }
            // The middle of a[lo], a[mid], a[hi], put in the middle.
            let mid = lo + (hi - lo) / 2
            if precedes(a[mid], a[lo]) { a.swapAt(mid, lo) }
            if precedes(a[hi], a[lo]) { a.swapAt(hi, lo) }
            if precedes(a[hi], a[mid]) { a.swapAt(hi, mid) }
            let pivot = a[mid]
            var i = lo, j = hi
            while i <= j {
                while precedes(a[i], pivot) { i += 1 }
                while precedes(pivot, a[j]) { j -= 1 }
                if i <= j {
                    a.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            // a[lo...j] precede a[i...hi]; what lies between is the pivot itself.
            if k - 1 <= j {
                hi = j
            } else if k - 1 >= i {
                lo = i
            } else {
                break
            }
        }
        return a[0..<k].sorted(by: precedes)
    }
}

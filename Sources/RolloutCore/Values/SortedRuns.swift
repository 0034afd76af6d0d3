#if canImport(Glibc)
import Glibc
#endif

/// A k-way merge of runs that are each in byte order already (the store's shards, each sorted
/// by key): one heap of the runs' heads, so merging n items from k runs costs n·log k
/// comparisons instead of sorting them all again. The keys are packed end to end in one
/// buffer and compared with memcmp, so a comparison touches no object and counts no
/// reference.
struct SortedRuns: Sendable {
    private var bytes: [UInt8] = []
    /// Where each key ends in `bytes`; key i starts where key i-1 ends.
    private var ends: [Int] = []
    /// How many keys each run has.
    private(set) var counts: [Int] = []

    init() {}

    /// Adds a run of `count` keys, each given by `key(i)` as byte sequences laid end to end
    /// (a listing's key is its namespace, a NUL, and its name: NUL sorts before every byte a
    /// name can hold, so a namespace sorts before the longer ones it begins).
    mutating func addRun(count: Int, key: (_ index: Int, _ append: (String) -> Void) -> Void) {
        for i in 0..<count {
            key(i) { part in bytes.append(contentsOf: part.utf8) }
            ends.append(bytes.count)
        }
        counts.append(count)
    }

    /// Runs laid end to end: `other`'s runs after these.
    mutating func append(_ other: SortedRuns) {
        let offset = bytes.count
        bytes += other.bytes
        ends += other.ends.map { $0 + offset }
        counts += other.counts
    }

    /// Calls `body(run, index)` for every key, in merged byte order; between equal keys the
    /// lower run comes first, so a single run comes out as it is, sorted or not.
    func merge(_ body: (_ run: Int, _ index: Int) -> Void) {
        var starts: [Int] = []
        starts.reserveCapacity(counts.count)
        var total = 0
        for count in counts { starts.append(total); total += count }
        let live = counts.indices.filter { counts[$0] > 0 }
        if live.count == 1, let run = live.first {
            for index in 0..<counts[run] { body(run, index) }
            return
        }
        var next = [Int](repeating: 0, count: counts.count)
        var heap = live
        var size = heap.count
        // Plain buffers: no exclusivity checks on every comparison of the heap.
        bytes.withUnsafeBufferPointer { bytes in
            ends.withUnsafeBufferPointer { ends in
                starts.withUnsafeBufferPointer { starts in
                    next.withUnsafeMutableBufferPointer { next in
                        heap.withUnsafeMutableBufferPointer { heap in
                            func before(_ a: Int, _ b: Int) -> Bool {
                                let k = starts[a] + next[a], l = starts[b] + next[b]
                                let x = k == 0 ? 0 : ends[k - 1], y = l == 0 ? 0 : ends[l - 1]
                                let m = ends[k] - x, n = ends[l] - y
                                if let base = bytes.baseAddress, min(m, n) > 0 {
                                    let c = memcmp(base + x, base + y, min(m, n))
                                    if c != 0 { return c < 0 }
                                }
                                return m != n ? m < n : a < b
                            }
                            func siftDown() {
                                var i = 0
                                while true {
                                    let left = 2 * i + 1, right = left + 1
                                    var least = i
                                    if left < size, before(heap[left], heap[least]) { least = left }
                                    if right < size, before(heap[right], heap[least]) { least = right }
                                    if least == i { return }
                                    heap.swapAt(i, least)
                                    i = least
                                }
                            }
                            // Heapify by inserting each run in turn, sifting up.
                            for filled in 1..<max(1, size) {
                                var i = filled
                                while i > 0, before(heap[i], heap[(i - 1) / 2]) {
                                    heap.swapAt(i, (i - 1) / 2)
                                    i = (i - 1) / 2
                                }
                            }
                            while size > 0 {
                                let run = heap[0]
                                body(run, next[run])
                                next[run] += 1
                                if next[run] == counts[run] {
                                    heap[0] = heap[size - 1]
                                    size -= 1
                                }
                                siftDown()
                            }
                        }
                    }
                }
            }
        }
    }
}

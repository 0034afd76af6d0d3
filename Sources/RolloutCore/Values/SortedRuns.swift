#if canImport(Glibc)
import Glibc
#endif

/// A k-way merge of runs that are each in byte order already (the store's shards, each sorted
/// by key): a tournament of the runs' heads, so merging n items from k runs costs n·log k
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
            key(i) { part in bytes.appendUTF8(part) }
            ends.append(bytes.count)
        }
        counts.append(count)
    }

    /// Adds one key of two parts joined by a NUL (a listing's namespace and name, as bytes);
    /// `endRun` closes the run of the keys added since the last one.
    mutating func addKey(_ first: UnsafeBufferPointer<UInt8>, _ second: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: first)
        bytes.append(0)
        bytes.append(contentsOf: second)
        ends.append(bytes.count)
    }

    mutating func endRun() {
        counts.append(ends.count - counts.reduce(0, +))
    }

    /// Runs laid end to end: `other`'s runs after these.
    mutating func append(_ other: SortedRuns) {
        let offset = bytes.count
        bytes += other.bytes
        // Appended as a sequence, so the array grows by doubling: reserving exactly what each
        // run adds would copy every end so far once per run (quadratic in the shards).
        ends.append(contentsOf: other.ends.lazy.map { $0 + offset })
        counts += other.counts
    }

    /// The run whose head `merge` hands out first once `parts` are appended in order: the
    /// least first key, the lower run between equal ones; nil when every run is empty. Read
    /// from the parts, before they are laid end to end.
    static func firstRun(among parts: [SortedRuns]) -> Int? {
        var best: (run: Int, part: Int, key: Int)?
        var run = 0
        for (p, part) in parts.enumerated() {
            var start = 0
            for count in part.counts {
                defer { start += count; run += 1 }
                guard count > 0 else { continue }
                if let current = best, !part.key(start, precedes: parts[current.part], current.key) { continue }
                best = (run, p, start)
            }
        }
        return best?.run
    }

    /// Whether key `i` comes before `other`'s key `j`, byte by byte.
    private func key(_ i: Int, precedes other: SortedRuns, _ j: Int) -> Bool {
        bytes.withUnsafeBufferPointer { x in
            other.bytes.withUnsafeBufferPointer { y in
                ByteOrder.precedes(UnsafeBufferPointer(rebasing: x[(i == 0 ? 0 : ends[i - 1])..<ends[i]]),
                                   UnsafeBufferPointer(rebasing: y[(j == 0 ? 0 : other.ends[j - 1])..<other.ends[j]]))
            }
        }
    }

    /// Calls `body(run, index)` for every key, in merged byte order; between equal keys the
    /// lower run comes first, so a single run comes out as it is, sorted or not. The runs'
    /// heads play a tournament whose losers stay in the tree (Knuth's tree of losers, TAOCP
    /// 5.4.1): each key handed out costs one comparison per level, log2 of the runs.
    func merge(_ body: (_ run: Int, _ index: Int) -> Void) {
        let k = counts.count
        var starts: [Int] = []
        starts.reserveCapacity(k)
        var total = 0
        for count in counts { starts.append(total); total += count }
        let live = counts.indices.filter { counts[$0] > 0 }
        if live.count <= 1 {
            if let run = live.first { for index in 0..<counts[run] { body(run, index) } }
            return
        }
        var next = [Int](repeating: 0, count: k)
        // Node 0 holds the winner, nodes 1..<k the losers; run r is the leaf k + r.
        var tree = [Int](repeating: -1, count: k)
        // Plain buffers: no exclusivity checks on every comparison.
        bytes.withUnsafeBufferPointer { bytes in
            ends.withUnsafeBufferPointer { ends in
                starts.withUnsafeBufferPointer { starts in
                    counts.withUnsafeBufferPointer { counts in
                        next.withUnsafeMutableBufferPointer { next in
                            tree.withUnsafeMutableBufferPointer { tree in
                                /// Whether run a's head comes before run b's: a run that is
                                /// done comes after every other.
                                func before(_ a: Int, _ b: Int) -> Bool {
                                    if next[a] == counts[a] { return false }
                                    if next[b] == counts[b] { return true }
                                    let k = starts[a] + next[a], l = starts[b] + next[b]
                                    let x = k == 0 ? 0 : ends[k - 1], y = l == 0 ? 0 : ends[l - 1]
                                    let m = ends[k] - x, n = ends[l] - y
                                    if let base = bytes.baseAddress, min(m, n) > 0 {
                                        let c = memcmp(base + x, base + y, min(m, n))
                                        if c != 0 { return c < 0 }
                                    }
                                    return m != n ? m < n : a < b
                                }
                                /// Run `run`'s new head plays its way up from its leaf.
                                func play(_ run: Int, filling: Bool) {
                                    var winner = run
                                    var node = (run + k) / 2
                                    while node > 0 {
                                        if filling && tree[node] < 0 {
                                            // The first of a match's two players waits there.
                                            tree[node] = winner
                                            return
                                        }
                                        if before(tree[node], winner) { swap(&tree[node], &winner) }
                                        node /= 2
                                    }
                                    tree[0] = winner
                                }
                                for run in 0..<k { play(run, filling: true) }
                                while true {
                                    let run = tree[0]
                                    guard next[run] < counts[run] else { return }
                                    body(run, next[run])
                                    next[run] += 1
                                    play(run, filling: false)
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

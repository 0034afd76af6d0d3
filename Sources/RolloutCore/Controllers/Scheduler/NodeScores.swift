import Foundation

/// The Score plugins of the default profile and their weights: TaintToleration 3,
/// NodeAffinity 2, NodeResourcesFit 1 (LeastAllocated), PodTopologySpread 2 (the system
/// default constraints), InterPodAffinity 2, NodeResourcesBalancedAllocation 1. ImageLocality
/// is left out (0 everywhere).
/// KUBERNETES-scheduling-traffic.md §1.
enum NodeScores {
    static let maxNodeScore = 100

    /// Total weighted scores of the feasible nodes (indices into `states`, whose numbers
    /// `table` holds). `counts`: pods of the pod's ReplicaSet per node (all nodes), nil when
    /// the system default spreading does not apply.
    /// `resources`: the nodes' resource scores kept through the pass (ResourceScores).
    static func totals(_ r: PodRequirements, counts: [Int]?, zoneCounts: [Int] = [], ownSpread: [Int]? = nil, podAffinity: [Int]? = nil, feasible: [Int],
                       states: [NodeState], table: NodeTable, resources: inout ResourceScores) -> [Int] {
        // Nodes are read in place (indices), never copied: this runs for every pod placed.
        let tainted = feasible.contains { table.tainted[$0] }
        let taint = tainted ? normalize(feasible.map { taintRaw(r, states[$0].node) }, reverse: true) : nil
        let affinity = r.preferredTerms.isEmpty ? nil : normalize(feasible.map { affinityRaw(r, states[$0].node) }, reverse: false)
        let spread = ownSpread ?? counts.map { topologySpread(counts: $0, zoneCounts: zoneCounts, feasible: feasible, zoneIndex: table.zoneIndex) }
        // A pass per plugin present (integer sums: the order they are added in cannot show).
        resources.use(r)
        resources.gather(r, feasible, table: table)
        let untainted = taint == nil ? 3 * maxNodeScore : 0
        var totals = resources.withGathered { scores in feasible.indices.map { scores[$0] + untainted } }
        func add(_ scores: [Int]?, weight: Int) {
            guard let scores else { return }
            for k in totals.indices { totals[k] += weight * scores[k] }
        }
        add(taint, weight: 3)
        add(affinity, weight: 2)
        add(spread, weight: 2)
        add(podAffinity, weight: 2)
        return totals
    }

    /// `totals` and then selectHost's search for the best of them, for the pods most are — no
    /// PreferNoSchedule taint on a feasible node, no preferred node affinity, the system default
    /// spreading (`counts`, `zoneCounts` as `totals` takes them), no pod affinity in play — in
    /// two passes over the feasible nodes and no list made: the first finds each node's spread
    /// score and the extremes that normalise them, the second each node's total and the best.
    /// (At Kubernetes' limits 150,000 pods each weigh 500 nodes.) The places in `feasible` of
    /// the nodes with the best total are written to `tiePlaces`, in order; their number is
    /// returned with the best. nil when a feasible node is tainted: `totals` takes it.
    /// `raw`: room for the spread scores, kept through the pass.
    static func bestUntainted(_ r: PodRequirements, counts: [Int], zoneCounts: [Int], feasible: [Int], table: NodeTable,
                              resources: inout ResourceScores, raw: inout [Int], tiePlaces: inout [Int]) -> (best: Int, ties: Int)? {
        let n = feasible.count
        if raw.count < n { raw = [Int](repeating: 0, count: n) }
        if tiePlaces.count < n { tiePlaces = [Int](repeating: 0, count: n) }
        // (Each pass runs over buffers: 500 feasible nodes for each of 150,000 pods at
        // Kubernetes' limits, where checking each array's bounds and reloading it through the
        // structs at every node was most of the work. A node index is checked once, against
        // the per-node arrays, which are as long as each other.)
        let nodes = table.tainted.count
        guard counts.count == nodes, table.zoneIndex.count == nodes, resources.nodes == nodes else { return nil }
        if zoneCounts.isEmpty && n > 0 {
            switch bestWithoutZones(r, counts: counts, feasible: feasible, table: table, resources: &resources, room: &raw, tiePlaces: &tiePlaces) {
            case .found(let best, let ties): return (best, ties)
            case .tainted: return nil
            case .spreadTooWide: break
            }
        }
        // topologySpread, each zone's term made where it is used (the same operations, in the
        // same order, on the same numbers). Its weights count the feasible nodes and their
        // zones, found in the pass that also looks for a taint (nil: `totals` takes it).
        var zones = 0
        let untainted = feasible.withUnsafeBufferPointer { f in
            table.tainted.withUnsafeBufferPointer { tainted in
                table.zoneIndex.withUnsafeBufferPointer { zoneIndex in
                    if zoneCounts.count <= 64 {
                        var seen: UInt64 = 0
                        for i in f {
                            guard i >= 0 && i < nodes, !tainted[i] else { return false }
                            let z = zoneIndex[i]
                            if z >= 0 && z < zoneCounts.count && seen & (1 << UInt64(z)) == 0 { seen |= 1 << UInt64(z); zones += 1 }
                        }
                    } else {
                        var seen = [Bool](repeating: false, count: zoneCounts.count)
                        for i in f {
                            guard i >= 0 && i < nodes, !tainted[i] else { return false }
                            let z = zoneIndex[i]
                            if z >= 0 && z < seen.count && !seen[z] { seen[z] = true; zones += 1 }
                        }
                    }
                    return true
                }
            }
        }
        guard untainted else { return nil }
        let hostWeight = log(Double(n + 2))
        let zoneWeight = log(Double(zones + 2))
        var top = Int.min, bottom = Int.max
        // A node's score is a function of its count and its zone's: the last one made is kept
        // and used again for the next node with the same two (most feasible nodes hold none of
        // the set's pods, and nodes of a zone lie together), the same operations not repeated.
        // (Kept with the node's zone index as it stands, which names one zone or none: the
        // index is checked only when a score is made — seven instructions a node when every
        // node's was. A table of the scores made, by zone and count, was tried: as many
        // instructions, in looking each up, as making the few that differ.)
        feasible.withUnsafeBufferPointer { f in
            counts.withUnsafeBufferPointer { counts in
                zoneCounts.withUnsafeBufferPointer { zoneCounts in
                    table.zoneIndex.withUnsafeBufferPointer { zoneIndex in
                        raw.withUnsafeMutableBufferPointer { raw in
                            var lastCount = -1, lastZone = Int.min, lastValue = 0
                            for k in 0..<n {
                                let i = f[k]
                                let z = zoneIndex[i]
                                let count = counts[i]
                                if count != lastCount || z != lastZone {
                                    var score = Double(count) * hostWeight + 2
                                    if z >= 0 && z < zoneCounts.count { score += Double(zoneCounts[z]) * zoneWeight + 4 }
                                    lastValue = roundedHalfAway(score)
                                    lastCount = count
                                    lastZone = z
                                }
                                raw[k] = lastValue
                                top = max(top, lastValue)
                                bottom = min(bottom, lastValue)
                            }
                        }
                    }
                }
            }
        }
        // The totals (`totals`: resources, the untainted 3 × 100, twice the normalised spread)
        // and the best: a new best starts the ties again. (The normalised spread of the last
        // raw score is kept too: an integer division each node was an eighth of this pass.)
        // (The resource scores read by node, each feasible node's made first: a loop with no
        // call in it.)
        resources.use(r)
        resources.score(r, feasible, table: table)
        var found = Best()
        resources.withScores { scores in feasible.withUnsafeBufferPointer { f in
            raw.withUnsafeBufferPointer { raw in
                tiePlaces.withUnsafeMutableBufferPointer { tiePlaces in
                    var lastRaw = Int.min, lastSpread = 0
                    for k in 0..<n {
                        let value = raw[k]
                        if value != lastRaw {
                            lastSpread = top == 0 ? maxNodeScore : maxNodeScore * (top + bottom - value) / top
                            lastRaw = value
                        }
                        // (Without overflow checks: a resource score is 0–200 and a spread
                        // score 0–100, the raw scores being counts, never below 2.)
                        found.offer(scores[f[k]] &+ 3 * maxNodeScore &+ 2 &* lastSpread, at: k, tiePlaces)
                    }
                }
            }
        } }
        return (found.best, found.ties)
    }

    /// selectHost's search over the totals in feasible order: a new best starts the ties
    /// again, and the place of each total equal to the best is written to `tiePlaces` in turn.
    struct Best {
        var best = Int.min
        var ties = 0

        @inline(__always)
        mutating func offer(_ total: Int, at k: Int, _ tiePlaces: UnsafeMutableBufferPointer<Int>) {
            if total > best {
                best = total
                ties = 0
            }
            if total == best {
                tiePlaces[ties] = k
                ties &+= 1
            }
        }
    }

    enum WithoutZones {
        case found(best: Int, ties: Int)
        case tainted
        case spreadTooWide
    }

    /// `bestUntainted` where no zone term applies (`zoneCounts` empty: no node has a zone, as
    /// on most small clusters and the benchmarks'): a node's spread score is then a function of
    /// its count alone that rises with it (`count × ln(n + 2) + 2`, rounded half away from
    /// zero), so the extremes that normalise the scores are those of the counts, found in the
    /// pass that looks for a taint; each count's normalised score is made once, into a table by
    /// count (`room`); a second pass adds them to the resource scores and finds the best and
    /// its ties. Two passes instead of three and no rounding or division per node, the same
    /// numbers made by the same operations: at 100,000 replicas (420 feasible nodes for each
    /// pod) the three passes were a tenth of the roll's instructions. `spreadTooWide` when the
    /// counts span more than a table should (the three passes take it).
    private static func bestWithoutZones(_ r: PodRequirements, counts: [Int], feasible: [Int], table: NodeTable, resources: inout ResourceScores,
                                         room: inout [Int], tiePlaces: inout [Int]) -> WithoutZones {
        let nodes = table.tainted.count, n = feasible.count
        var low = Int.max, high = Int.min
        // (No node tainted at all, as mostly: each is not asked.)
        let anyTainted = table.taintedCount > 0
        let untainted = feasible.withUnsafeBufferPointer { f in
            table.tainted.withUnsafeBufferPointer { tainted in
                counts.withUnsafeBufferPointer { counts in
                    for i in f {
                        guard i >= 0 && i < nodes, !anyTainted || !tainted[i] else { return false }
                        let c = counts[i]
                        low = min(low, c)
                        high = max(high, c)
                    }
                    return true
                }
            }
        }
        guard untainted else { return .tainted }
        guard low >= 0, high - low < 4096 else { return .spreadTooWide }
        let hostWeight = log(Double(n + 2))
        func raw(_ count: Int) -> Int { roundedHalfAway(Double(count) * hostWeight + 2) }
        let top = raw(high), bottom = raw(low)
        let size = high - low + 1
        if room.count < size { room = [Int](repeating: 0, count: size) }
        for c in low...high {
            room[c - low] = top == 0 ? maxNodeScore : maxNodeScore * (top + bottom - raw(c)) / top
        }
        resources.use(r)
        var found = Best()
        // (The resource scores made where a node's is not kept, in this pass: `score`'s own
        // pass over the nodes was a sixth of the instructions here.)
        resources.withScoring(r, table: table) { scoreOf in
            feasible.withUnsafeBufferPointer { f in
                counts.withUnsafeBufferPointer { counts in
                    room.withUnsafeBufferPointer { spread in
                        tiePlaces.withUnsafeMutableBufferPointer { tiePlaces in
                            for k in 0..<n {
                                let i = f[k]
                                // (Without overflow checks: as in `bestUntainted`.)
                                found.offer(scoreOf(i) &+ 3 * maxNodeScore &+ 2 &* spread[counts[i] &- low], at: k, tiePlaces)
                            }
                        }
                    }
                }
            }
        }
        return .found(best: found.best, ties: found.ties)
    }

    /// NodeResourcesFit (LeastAllocated) + NodeResourcesBalancedAllocation, each weight 1.
    static func resourceScore(_ r: PodRequirements, _ i: Int, table: NodeTable) -> Int {
        leastAllocated(r, nonZeroCPU: table.nonZeroCPU[i], nonZeroMemory: table.nonZeroMemory[i], cpuMillis: table.cpuMillis[i], memoryBytes: table.memoryBytes[i])
            + balancedAllocation(r, cpu: table.cpu[i], memory: table.memory[i], cpuMillis: table.cpuMillis[i], memoryBytes: table.memoryBytes[i])
    }

    /// Each node's `resourceScore` for pods of one set of requests, kept through a scheduling
    /// pass: it reads only the node's requested and allocatable numbers, and placing a pod
    /// changes them on one node (`forget`), so for the next pod of the same ReplicaSet the
    /// other 499 of 500 feasible nodes score as they did.
    struct ResourceScores {
        private struct Requests: Equatable {
            var cpu, memory, nonZeroCPU, nonZeroMemory: Int
        }
        private var requests: Requests?
        private var scores: [Int]
        private var known: [Bool]
        /// The scores of the nodes last gathered (`gather`), in their order.
        private var gathered: [Int] = []

        init(nodes: Int) {
            scores = [Int](repeating: 0, count: nodes)
            known = [Bool](repeating: false, count: nodes)
        }

        /// Each of the nodes `feasible` lists scored (`score`), in its order, for `withGathered`.
        mutating func gather(_ r: PodRequirements, _ feasible: [Int], table: NodeTable) {
            score(r, feasible, table: table)
            if gathered.count < feasible.count { gathered = [Int](repeating: 0, count: feasible.count) }
            let nodes = self.nodes
            gathered.withUnsafeMutableBufferPointer { out in
                scores.withUnsafeBufferPointer { scores in
                    feasible.withUnsafeBufferPointer { f in
                        for k in 0..<f.count {
                            let i = f[k]
                            out[k] = i >= 0 && i < nodes ? scores[i] : resourceScore(r, i, table: table)
                        }
                    }
                }
            }
        }

        /// The scores `gather` found last.
        func withGathered<T>(_ body: (UnsafeBufferPointer<Int>) -> T) -> T {
            gathered.withUnsafeBufferPointer(body)
        }

        /// The nodes it keeps scores for.
        var nodes: Int { min(known.count, scores.count) }

        /// Each of the nodes `feasible` lists scored (`resourceScore`, kept until the node or the
        /// requests change), for `withScores` to read by node, in a pass over buffers (a call per
        /// node reloaded the arrays through the struct at each); a place that is not a node's is
        /// left out (`bestUntainted` has checked them).
        mutating func score(_ r: PodRequirements, _ feasible: [Int], table: NodeTable) {
            let nodes = self.nodes
            withScoring(r, table: table) { scoreOf in
                feasible.withUnsafeBufferPointer { f in
                    for i in f where i >= 0 && i < nodes { _ = scoreOf(i) }
                }
            }
        }

        /// `body` given node `i`'s score (`i` one of the nodes, checked by the caller): the one
        /// kept, or one made and kept (debug builds check a kept one is still right).
        mutating func withScoring<T>(_ r: PodRequirements, table: NodeTable, _ body: ((Int) -> Int) -> T) -> T {
            scores.withUnsafeMutableBufferPointer { scores in
                known.withUnsafeMutableBufferPointer { known in
                    body { i in
                        if !known[i] {
                            scores[i] = resourceScore(r, i, table: table)
                            known[i] = true
                        }
                        #if DEBUG
                        precondition(scores[i] == resourceScore(r, i, table: table), "resource score of node \(i) is stale")
                        #endif
                        return scores[i]
                    }
                }
            }
        }

        /// The kept scores, by node (`score` made those of the nodes it was given).
        func withScores<T>(_ body: (UnsafeBufferPointer<Int>) -> T) -> T {
            scores.withUnsafeBufferPointer(body)
        }

        /// Scores for `r`'s requests from now on: kept ones are dropped when they were for others.
        mutating func use(_ r: PodRequirements) {
            let wanted = Requests(cpu: r.cpu, memory: r.memory, nonZeroCPU: r.nonZeroCPU, nonZeroMemory: r.nonZeroMemory)
            guard wanted != requests else { return }
            requests = wanted
            for i in known.indices { known[i] = false }
        }

        /// Node `i`'s numbers changed.
        mutating func forget(_ i: Int) {
            if known.indices.contains(i) { known[i] = false }
        }
    }

    /// `helper.DefaultNormalizeScore`: scaled to 0–100 by the largest; reversed, fewest best.
    static func normalize(_ raw: [Int], reverse: Bool) -> [Int] {
        let top = raw.max() ?? 0
        if top == 0 { return raw.map { _ in reverse ? maxNodeScore : 0 } }
        return raw.map { v in
            let s = maxNodeScore * v / top
            return reverse ? maxNodeScore - s : s
        }
    }

    /// TaintToleration Score: the PreferNoSchedule taints the pod does not tolerate.
    static func taintRaw(_ r: PodRequirements, _ node: SimNode) -> Int {
        node.taints.filter { $0.effect == "PreferNoSchedule" && !r.tolerates($0) }.count
    }

    /// NodeAffinity Score: the weights of the preferred terms the node matches.
    static func affinityRaw(_ r: PodRequirements, _ node: SimNode) -> Int {
        r.preferredTerms.reduce(0) { $0 + ($1.term.matches(node) ? $1.weight : 0) }
    }

    /// `least_allocated.go` leastResourceScorer on cpu and memory (weight 1 each), with the
    /// non-zero requests: `(allocatable − requested) × 100 / allocatable`, 0 when over.
    static func leastAllocated(_ r: PodRequirements, nonZeroCPU: Int, nonZeroMemory: Int, cpuMillis: Int, memoryBytes: Int) -> Int {
        func score(_ requested: Int, _ allocatable: Int) -> Int {
            guard allocatable > 0, requested <= allocatable else { return 0 }
            return (allocatable - requested) * maxNodeScore / allocatable
        }
        let cpu = score(nonZeroCPU.addingSaturating(r.nonZeroCPU), cpuMillis)
        let memory = score(nonZeroMemory.addingSaturating(r.nonZeroMemory), memoryBytes)
        return (cpu + memory) / 2
    }

    /// `balanced_allocation.go` balancedResourceScorer on the real requests: `(1 − std) × 100`,
    /// std of the cpu and memory fractions (each at most 1) being half their difference.
    static func balancedAllocation(_ r: PodRequirements, cpu: Int, memory: Int, cpuMillis: Int, memoryBytes: Int) -> Int {
        func fraction(_ requested: Int, _ allocatable: Int) -> Double {
            guard allocatable > 0 else { return 1 }
            return min(1, Double(requested) / Double(allocatable))
        }
        let std = abs(fraction(cpu.addingSaturating(r.cpu), cpuMillis) - fraction(memory.addingSaturating(r.memory), memoryBytes)) / 2
        return Int((1 - std) * Double(maxNodeScore))
    }

    /// PodTopologySpread with the system default constraints (`kubernetes.io/hostname` maxSkew 3,
    /// `topology.kubernetes.io/zone` maxSkew 5, ScheduleAnyway), counting the pods of the same
    /// ReplicaSet — the default selector includes `pod-template-hash` — that are not
    /// terminating (`scoring.go` initPreScoreState, Score: Σ count × ln(domains + 2) +
    /// maxSkew − 1, rounded; NormalizeScore: 100 × (max + min − s) / max).
    /// `zoneCounts`: the same pods per zone (by the nodes' `zoneIndex`).
    static func topologySpread(counts: [Int], zoneCounts: [Int], feasible: [Int], zoneIndex: [Int]) -> [Int] {
        let hostWeight = log(Double(feasible.count + 2))
        var seen = Array(repeating: false, count: zoneCounts.count)
        var zones = 0
        for i in feasible {
            let z = zoneIndex[i]
            if z >= 0 && z < seen.count && !seen[z] { seen[z] = true; zones += 1 }
        }
        let zoneWeight = log(Double(zones + 2))
        // Each zone's term once (the same sum: (count × host weight + 2) + (zone term)).
        let zoneTerms = zoneCounts.map { Double($0) * zoneWeight + 4 }
        var raw = [Int](repeating: 0, count: feasible.count)
        var top = Int.min, bottom = Int.max
        for k in feasible.indices {
            let i = feasible[k]
            var score = Double(counts[i]) * hostWeight + 2
            let z = zoneIndex[i]
            if z >= 0 && z < zoneTerms.count { score += zoneTerms[z] }
            let value = roundedHalfAway(score)
            raw[k] = value
            top = max(top, value)
            bottom = min(bottom, value)
        }
        if raw.isEmpty { return [] }
        if top == 0 { return raw.map { _ in maxNodeScore } }
        return raw.map { maxNodeScore * (top + bottom - $0) / top }
    }

    /// `x.rounded()` (half away from zero, as Go's `math.Round`) as an Int, without the call
    /// into libm for the numbers a score is (finite, 0 ≤ x < 2^62): the integer part by
    /// truncation, and the fraction, `x − trunc(x)`, which is exact, against one half.
    @inline(__always)
    static func roundedHalfAway(_ x: Double) -> Int {
        guard x >= 0 && x < 0x1p62 else { return Int(x.rounded()) }
        let whole = Int(x)
        return x - Double(whole) >= 0.5 ? whole + 1 : whole
    }
}

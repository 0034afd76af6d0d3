/// What the system default spreading counts for a pod (NodeScores.topologySpread): the pods of
/// its owner that are on a node and not terminating, per node and per zone. One owner's counts
/// at a time, in two arrays kept for the whole pass: counted again from the owner's pods when
/// the queue comes to a pod of another owner (a pass holds the pods of an instant in name
/// order, so one ReplicaSet's pods mostly come together), and raised by each pod the pass
/// places. Counting again gives what raising would have: a pod the pass placed is on its node
/// by then. (At 1,000 ReplicaSets on 5,000 nodes, an array per owner per pass was 40 MB of
/// fresh memory to clear.)
struct OwnerSpread {
    private(set) var owner: String?
    private(set) var counts: [Int]
    private(set) var zoneCounts: [Int]
    /// The nodes and zones whose counts are not zero, to clear them for the next owner.
    private var countedNodes: [Int] = []
    private var countedZones: [Int] = []

    init(nodes: Int, zones: Int) {
        counts = Array(repeating: 0, count: nodes)
        zoneCounts = Array(repeating: 0, count: zones)
    }

    /// Makes the counts those of `owner`'s pods.
    mutating func count(_ owner: String, in c: Cluster, index: StringMap<Int>, states: [NodeState]) {
        guard owner != self.owner else { return }
        for i in countedNodes { counts[i] = 0 }
        for z in countedZones { zoneCounts[z] = 0 }
        countedNodes.removeAll(keepingCapacity: true)
        countedZones.removeAll(keepingCapacity: true)
        self.owner = owner
        for pod in c.pods(ownedBy: owner) where !pod.gone && !pod.isTerminating {
            guard let node = pod.nodeName, let i = index[node] else { continue }
            add(node: i, zone: states[i].zoneIndex)
        }
    }

    /// A pod of `owner` was placed on node `i` (in zone `zone`, -1 for none).
    mutating func placed(_ owner: String, on i: Int, zone: Int) {
        guard owner == self.owner else { return }
        add(node: i, zone: zone)
    }

    #if DEBUG
    /// Debug builds check, on small clusters, that the counts are what counting the owner's
    /// pods again gives (the ones raised as pods were placed, and those cleared for another
    /// owner).
    func verify(in c: Cluster, index: StringMap<Int>, states: [NodeState]) {
        guard let owner, c.pods.count <= 2_000 else { return }
        var fresh = OwnerSpread(nodes: counts.count, zones: zoneCounts.count)
        fresh.count(owner, in: c, index: index, states: states)
        precondition(fresh.counts == counts && fresh.zoneCounts == zoneCounts, "scheduler: spreading counts of \(owner) are stale")
    }
    #endif

    private mutating func add(node i: Int, zone z: Int) {
        if counts[i] == 0 { countedNodes.append(i) }
        counts[i] += 1
        guard z >= 0 else { return }
        if zoneCounts[z] == 0 { countedZones.append(z) }
        zoneCounts[z] += 1
    }
}

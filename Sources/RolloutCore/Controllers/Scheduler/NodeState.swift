/// A node as the scheduler's snapshot sees it (`framework.NodeInfo`): what its pods request —
/// terminating pods included, until they are gone — their host ports, their priorities, and
/// how many pods of each ReplicaSet it runs (for spreading).
struct NodeState {
    var node: SimNode
    var requested: [String: Int] = [:]
    var nonZeroCPU = 0
    var nonZeroMemory = 0
    var pods = 0
    var ports: [PodRequirements.HostPort] = []
    var priorities: [Int] = []
    /// Pods not terminating, by owning ReplicaSet uid.
    var byOwner: [String: Int] = [:]

    init(_ node: SimNode) { self.node = node }

    var zone: String? { node.labels["topology.kubernetes.io/zone"] }

    mutating func add(_ r: PodRequirements, owner: String, terminating: Bool) {
        for (name, value) in r.requests where value > 0 { requested[name, default: 0] = requested[name, default: 0].addingSaturating(value) }
        nonZeroCPU = nonZeroCPU.addingSaturating(r.nonZeroCPU)
        nonZeroMemory = nonZeroMemory.addingSaturating(r.nonZeroMemory)
        pods += 1
        ports += r.hostPorts
        priorities.append(r.priority)
        if !terminating { byOwner[owner, default: 0] += 1 }
    }
}

/// What a filter plugin says about a node: nothing (it fits), or its reasons, and whether
/// preemption could help (`Unschedulable`) or not (`UnschedulableAndUnresolvable`).
struct FilterFailure {
    var reasons: [String]
    var resolvable: Bool
}

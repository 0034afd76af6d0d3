/// A node as the scheduler's snapshot sees it (`framework.NodeInfo`): what its pods request —
/// terminating pods included, until they are gone — their host ports, their priorities, and
/// how many pods of each ReplicaSet it runs (for spreading). A class: every filter and score
/// of every pod reads it, and a copy of the node with it would cost more than the check.
final class NodeState {
    let node: SimNode
    var cpu = 0
    var memory = 0
    /// Extended resources (and ephemeral-storage) requested, by name.
    var extended: [String: Int] = [:]
    var nonZeroCPU = 0
    var nonZeroMemory = 0
    var pods = 0
    var ports: [PodRequirements.HostPort] = []
    /// The lowest priority of its pods (for the preemption dry run's "victims").
    var lowestPriority = Int.max

    /// `topology.kubernetes.io/zone`, read once, and its place among the cluster's zones (−1: none).
    let zone: String?
    var zoneIndex = -1
    /// The taints the scheduler sees on it (`NodeFilters.taints(of:)`), and whether its own
    /// list has any (the TaintToleration score reads those): found once, so that the filters
    /// and scores of every pod need not copy the node to ask.
    let schedulerTaints: [Taint]
    let hasTaints: Bool

    init(_ node: SimNode) {
        self.node = node
        zone = node.labels["topology.kubernetes.io/zone"]
        schedulerTaints = NodeFilters.taints(of: node)
        hasTaints = !node.taints.isEmpty
    }

    func requested(_ name: String) -> Int {
        switch name {
        case "cpu": return cpu
        case "memory": return memory
        default: return extended[name] ?? 0
        }
    }

    func add(_ u: PodUsage) {
        cpu = cpu.addingSaturating(u.cpu)
        memory = memory.addingSaturating(u.memory)
        if let more = u.extended { for (name, value) in more { extended[name] = extended[name, default: 0].addingSaturating(value) } }
        nonZeroCPU = nonZeroCPU.addingSaturating(u.nonZeroCPU)
        nonZeroMemory = nonZeroMemory.addingSaturating(u.nonZeroMemory)
        pods += 1
        if let hostPorts = u.hostPorts { ports += hostPorts }
        lowestPriority = min(lowestPriority, u.priority)
    }
}

/// What a filter plugin says about a node: nothing (it fits), or its reasons, and whether
/// preemption could help (`Unschedulable`) or not (`UnschedulableAndUnresolvable`).
struct FilterFailure {
    var reasons: [String]
    var resolvable: Bool
}

/// The Filter plugins of the default profile, in its order (`RunFilterPlugins` stops at the
/// first that fails): NodeUnschedulable, NodeName, TaintToleration, NodeAffinity, NodePorts,
/// NodeResourcesFit, PodTopologySpread (the pod's DoNotSchedule constraints), InterPodAffinity. Reasons are kube-scheduler's exact strings
/// (KUBERNETES-scheduling-traffic.md §2).
enum NodeFilters {
    static func check(_ r: PodRequirements, on s: NodeState, spread: [PodTopologySpread.State], affinity: InterPodAffinity.Context?) -> FilterFailure? {
        // In the filters' order; each is asked only when it could fail (a cordon, a node name,
        // a taint, a selector or required term), so that a plain node is not copied to ask.
        if s.node.unschedulable, let failure = nodeUnschedulable(r, s.node) { return failure }
        if r.nodeName != nil, let failure = nodeName(r, s.node) { return failure }
        if !s.schedulerTaints.isEmpty, let failure = taintToleration(r, taints: s.schedulerTaints) { return failure }
        if !r.nodeSelector.isEmpty || r.requiredTerms != nil, let failure = nodeAffinity(r, s.node) { return failure }
        return nodePorts(r, s) ?? nodeResourcesFit(r, s) ?? (spread.isEmpty ? nil : PodTopologySpread.filter(spread, node: s.node))
            ?? affinity.flatMap { InterPodAffinity.filter($0, node: s.node) }
    }

    /// `nodeunschedulable/node_unschedulable.go` Filter: a cordoned node, unless the pod
    /// tolerates `node.kubernetes.io/unschedulable:NoSchedule`.
    static func nodeUnschedulable(_ r: PodRequirements, _ node: SimNode) -> FilterFailure? {
        guard node.unschedulable, !r.tolerates(Taint(key: "node.kubernetes.io/unschedulable", value: "", effect: "NoSchedule")) else { return nil }
        return FilterFailure(reasons: ["node(s) were unschedulable"], resolvable: false)
    }

    /// `nodename/node_name.go` Filter.
    static func nodeName(_ r: PodRequirements, _ node: SimNode) -> FilterFailure? {
        guard let name = r.nodeName, name != node.name else { return nil }
        return FilterFailure(reasons: ["node(s) didn't match the requested node name"], resolvable: false)
    }

    /// The taints a node carries for the scheduler: its own, and `node.kubernetes.io/not-ready`
    /// (NoSchedule) while it is not Ready, as the node lifecycle controller adds it.
    static func taints(of node: SimNode) -> [Taint] {
        node.ready || node.taints.contains(where: { $0.key == NodeLifecycleController.unreachable }) ? node.taints
            : node.taints + [Taint(key: "node.kubernetes.io/not-ready", value: "", effect: "NoSchedule")]
    }

    /// `tainttoleration/taint_toleration.go` Filter: the first NoSchedule or NoExecute taint
    /// the pod does not tolerate, in the node's order.
    static func taintToleration(_ r: PodRequirements, _ node: SimNode) -> FilterFailure? {
        taintToleration(r, taints: taints(of: node))
    }

    /// The same, on a node's scheduler taints found before.
    static func taintToleration(_ r: PodRequirements, taints: [Taint]) -> FilterFailure? {
        guard let taint = taints.first(where: { ($0.effect == "NoSchedule" || $0.effect == "NoExecute") && !r.tolerates($0) }) else { return nil }
        return FilterFailure(reasons: ["node(s) had untolerated taint {\(taint.key): \(taint.value)}"], resolvable: false)
    }

    /// `nodeaffinity/node_affinity.go` Filter: every `nodeSelector` label, and one of the
    /// required terms.
    static func nodeAffinity(_ r: PodRequirements, _ node: SimNode) -> FilterFailure? {
        let selected = r.nodeSelector.allSatisfy { node.labels[$0.key] == $0.value }
        let required = r.requiredTerms.map { terms in terms.contains { $0.matches(node) } } ?? true
        guard !(selected && required) else { return nil }
        return FilterFailure(reasons: ["node(s) didn't match Pod's node affinity/selector"], resolvable: false)
    }

    /// `nodeports/node_ports.go` Filter (`HostPortInfo.CheckConflict`): the same protocol and
    /// port, on the same address or where either is 0.0.0.0.
    static func nodePorts(_ r: PodRequirements, _ s: NodeState) -> FilterFailure? {
        guard !r.hostPorts.isEmpty else { return nil }
        func any(_ ip: String) -> Bool { ip.isEmpty || ip == "0.0.0.0" }
        let clash = r.hostPorts.contains { want in
            s.ports.contains { have in have.port == want.port && have.proto == want.proto && (any(have.ip) || any(want.ip) || have.ip == want.ip) }
        }
        return clash ? FilterFailure(reasons: ["node(s) didn't have free ports for the requested pod ports"], resolvable: true) : nil
    }

    /// `noderesources/fit.go` fitsRequest: the pod count first, then each resource the pod
    /// requests (cpu, memory, extended resources such as `nvidia.com/gpu`) against what is left.
    /// A node that does not list ephemeral-storage is not checked for it (our nodes do not).
    static func nodeResourcesFit(_ r: PodRequirements, _ s: NodeState) -> FilterFailure? {
        // The usual pod, asking for cpu and memory only, on a node it fits: no names compared.
        if r.checksOnlyCPUAndMemory && fitsCPUAndMemory(r, pods: s.pods, maxPods: s.node.maxPods, cpu: s.cpu, allocatableCPU: s.node.cpuMillis,
                                                        memory: s.memory, allocatableMemory: s.node.memoryBytes) {
            return nil
        }
        var reasons: [String] = []
        if s.pods + 1 > s.node.maxPods { reasons.append("Too many pods") }
        for (name, want) in r.checked {
            guard let allocatable = name == "cpu" ? s.node.cpuMillis : name == "memory" ? s.node.memoryBytes : s.node.allocatable[name] else {
                if name == "ephemeral-storage" || name.hasPrefix("hugepages-") { continue }
                reasons.append("Insufficient \(name)")
                continue
            }
            if want > allocatable.subtractingSaturating(s.requested(name)) { reasons.append("Insufficient \(name)") }
        }
        return reasons.isEmpty ? nil : FilterFailure(reasons: reasons, resolvable: true)
    }

    /// fitsRequest when the pod asks for cpu and memory only (`checksOnlyCPUAndMemory`): the
    /// pod count, then each of the two against what is left.
    @inline(__always)
    static func fitsCPUAndMemory(_ r: PodRequirements, pods: Int, maxPods: Int, cpu: Int, allocatableCPU: Int, memory: Int, allocatableMemory: Int) -> Bool {
        pods + 1 <= maxPods
            && (r.cpu <= 0 || r.cpu <= allocatableCPU.subtractingSaturating(cpu))
            && (r.memory <= 0 || r.memory <= allocatableMemory.subtractingSaturating(memory))
    }
}

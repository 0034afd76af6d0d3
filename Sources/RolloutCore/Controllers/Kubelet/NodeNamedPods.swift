/// Pods whose spec names their node (`spec.nodeName` in their template or manifest). The API
/// server stores them bound, so kube-scheduler never queues them: its informer hands a pod that
/// has a node to its cache, where it counts against that node, and only the others to the
/// scheduling queue (`pkg/scheduler/eventhandlers.go` addAllEventHandlers: `assignedPod`).
/// No filter runs for them — a cordoned node, an untolerated NoSchedule taint or a full node
/// stop nothing there — no preemption, and no `Scheduled` event is recorded (EventLog leaves
/// the derived one out).
///
/// The node's kubelet, whose pod source watches `spec.nodeName=<node>`
/// (`pkg/kubelet/config/apiserver.go`), admits such a pod itself (`kubelet.go`
/// HandlePodAdditions → canAdmitPod): after the sysctl allowlist, the predicates' handler
/// (`pkg/kubelet/lifecycle/predicate.go` predicateAdmitHandler.Admit → generalFilter →
/// `scheduler.AdmissionCheck`): NodeResourcesFit with its numbers (`Too many pods` first, then
/// cpu, memory and the extended resources the node has — `removeMissingExtendedResources` drops
/// the others), NodeAffinity (nodeSelector and required terms), NodeName, NodePorts, and then
/// the node's NoExecute taints the pod does not tolerate. The first failure rejects it
/// (KubeletAdmission): `OutOfcpu` with `Node didn't have enough resource: cpu, requested: 500,
/// used: 3800, capacity: 4000` (InsufficientResourceError), or the predicate's name with
/// `Predicate NodeAffinity failed: node(s) didn't match Pod's node affinity/selector`
/// (PredicateFailureError). It is weighed against the node's pods that are not gone and not
/// refused themselves (`filterOutInactivePods`: a rejected pod is Failed), terminating ones
/// included.
///
/// A pod that names a node that does not exist stays Pending, bound to it, with no condition
/// and no event, until the pod GC's orphan pass deletes it (PodGarbageCollector); its
/// ReplicaSet makes another. Its claims are not bound: a WaitForFirstConsumer claim waits for a
/// scheduler that never comes (the PV controller's `findNonScheduledPodsByPVC` skips pods with
/// a node), as the Kubernetes storage documentation warns.
///
/// Not modelled: the kubelet's OS checks and its eviction manager's admission, and a critical
/// pod's preemption of others by the kubelet.
enum NodeNamedPods {
    /// A pod made bound to the node its spec names, or loaded so and not yet seen by a kubelet,
    /// arrives there: bound as the API server stored it, and weighed by the kubelet.
    static func arrive(_ pod: SimPod, in c: Cluster) {
        guard let name = pod.nodeName, pod.isActive, pod.scheduledAt == nil else { return }
        guard let index = c.nodeIndex[name] else {
            // No kubelet will ever see it: the pod GC's business.
            if !c.missingNodes.keys.contains(name) { c.missingNodes[name] = .some(nil) }
            return
        }
        let node = c.nodes[index]
        let r = PodRequirements(template: pod.template)
        pod.nodeRefusal = admission(r, excluding: pod, on: node, in: c)
        pod.usage = r.usage
        // A refused pod never gets a sandbox, and so no address (KubeletAdmission).
        let ip = KubeletAdmission.refusal(pod) != nil ? nil
            : pod.template["spec"]?["hostNetwork"]?.boolValue == true ? node.internalIP : c.nextPodIP(node: name, index: index)
        c.updatePod(pod) { p in
            p.hostIP = node.internalIP
            p.scheduledAt = c.now
            p.ip = ip
            p.epoch += 1
            p.nodeDown = c.downNodes.contains(name)
        }
        c.schedulingEvent(.podChanged)
        Kubelet.scheduleNext(pod, in: c)
    }

    /// `predicateAdmitHandler.Admit`'s answer for a pod with these requirements on `node`: nil
    /// when admitted, else the first failure's reason and message.
    static func admission(_ r: PodRequirements, excluding pod: SimPod, on node: SimNode, in c: Cluster) -> (reason: String, message: String)? {
        let state = NodeState(node)
        for other in c.placements[node.name]?.pods ?? [] where other !== pod && !other.gone && KubeletAdmission.refusal(other) == nil {
            state.add(other.usage ?? PodRequirements(template: other.template).usage)
        }
        // InsufficientResourceError.Error(); the reason `OutOf` and the resource's name.
        func insufficient(_ name: String, _ requested: Int, _ used: Int, _ capacity: Int) -> (reason: String, message: String) {
            ("OutOf" + name, "Node didn't have enough resource: \(name), requested: \(requested), used: \(used), capacity: \(capacity)")
        }
        // noderesources.Fits (fitsRequest): the pod count, then each resource requested.
        if state.pods + 1 > node.maxPods { return insufficient("pods", 1, state.pods, node.maxPods) }
        for (name, want) in r.checked {
            guard let capacity = name == "cpu" ? node.cpuMillis : name == "memory" ? node.memoryBytes : node.allocatable[name] else { continue }
            let used = state.requested(name)
            if want > capacity.subtractingSaturating(used) { return insufficient(name, want, used, capacity) }
        }
        // PredicateFailureError.Error(): `Predicate <name> failed: <reason>`.
        if NodeFilters.nodeAffinity(r, node) != nil {
            return ("NodeAffinity", "Predicate NodeAffinity failed: node(s) didn't match Pod's node affinity/selector")
        }
        if NodeFilters.nodePorts(r, state) != nil {
            return ("NodePorts", "Predicate NodePorts failed: node(s) didn't have free ports for the requested pod ports")
        }
        // generalFilter: only the NoExecute taints (`tainttoleration.ErrReasonNotMatch`).
        if node.taints.contains(where: { $0.effect == "NoExecute" && !r.tolerates($0) }) {
            return ("TaintToleration", "Predicate TaintToleration failed: node(s) had taints that the pod didn't tolerate")
        }
        return nil
    }
}

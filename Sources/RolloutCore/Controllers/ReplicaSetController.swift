/// The ReplicaSet controller: creates or deletes pods until each ReplicaSet has
/// `spec.replicas` active pods, choosing which to delete by Kubernetes' ranking
/// (`controller_utils.go` ActivePodsWithRanks), and writes the ReplicaSet's status.
public enum ReplicaSetController {
    static let component = "replicaset-controller"
    /// Pods the simulation keeps at most.
    public static let maxPods = 250_000

    static func sync(in c: Cluster) -> Bool {
        var changed = false
        for uid in c.replicaSets.keys.sorted() {
            if syncOne(uid, in: c) { changed = true }
        }
        return changed
    }

    static func syncOne(_ uid: String, in c: Cluster) -> Bool {
        guard var rs = c.replicaSets[uid], !rs.deleted else { return false }
        var changed = false
        let owned = c.pods(ownedBy: uid)
        let active = owned.filter(\.isActive)
        let diff = active.count - rs.specReplicas
        if diff < 0 {
            // The simulated cluster holds a bounded number of pods, as a quota would: beyond it
            // creation fails with FailedCreate, instead of exhausting the machine.
            let room = max(0, c.podLimit - c.pods.count)
            for _ in 0..<min(-diff, room) {
                let pod = newPod(for: rs, in: c)
                c.add(pod)
                c.record(reason: "SuccessfulCreate", message: "Created pod: \(pod.name)", kind: "ReplicaSet", name: rs.name, namespace: rs.namespace, uid: rs.uid, component: component)
            }
            if -diff > room {
                let message = "Error creating: pods \"\(rs.name)-\" is forbidden: the simulated cluster holds at most \(c.podLimit) pods"
                if !c.hasEvent(kind: "ReplicaSet", uid: rs.uid, reason: "FailedCreate", message: message) {
                    c.record("Warning", reason: "FailedCreate", message: message, kind: "ReplicaSet", name: rs.name, namespace: rs.namespace, uid: rs.uid, component: component)
                }
            }
            changed = room > 0
        } else if diff > 0 {
            for pod in podsToDelete(active, count: diff) {
                Kubelet.beginTermination(pod.uid, in: c)
                c.record(reason: "SuccessfulDelete", message: "Deleted pod: \(pod.name)", kind: "ReplicaSet", name: rs.name, namespace: rs.namespace, uid: rs.uid, component: component)
            }
            changed = true
        }
        // Status, as replica_set_utils.go computes it.
        let now = c.now
        let current = c.pods(ownedBy: uid)
        let counted = current.filter(\.isActive)
        let ready = counted.filter(\.ready)
        let available = ready.filter { $0.isAvailable(minReadySeconds: rs.minReadySeconds, now: now) }
        let terminating = current.filter { $0.isTerminating && !$0.gone }.count
        if rs.statusReplicas != counted.count || rs.readyReplicas != ready.count || rs.availableReplicas != available.count
            || rs.terminatingReplicas != terminating || rs.observedGeneration != rs.generation {
            rs.statusReplicas = counted.count
            rs.readyReplicas = ready.count
            rs.availableReplicas = available.count
            rs.terminatingReplicas = terminating
            rs.observedGeneration = rs.generation
            c.update(rs)
            changed = true
        }
        // Ready but not yet available: look again just after minReadySeconds has passed (the
        // comparison is strict, so at the instant itself the pod is not yet available; the
        // controller's AddAfter(minReadySeconds) lands a moment after it).
        if rs.minReadySeconds > 0 {
            for pod in ready where !pod.isAvailable(minReadySeconds: rs.minReadySeconds, now: now) {
                if let since = pod.readySince { c.timers.add(.resync, at: since.adding(Duration(seconds: rs.minReadySeconds)).adding(Duration(milliseconds: 1))) }
            }
        }
        return changed
    }

    static func newPod(for rs: SimReplicaSet, in c: Cluster) -> SimPod {
        var name = "\(rs.name)-\(c.randomSuffix())"
        while c.podNames.contains("\(rs.namespace)/\(name)") {
            name = "\(rs.name)-\(c.randomSuffix())"
        }
        var template = Object()
        if let annotations = rs.template["metadata"]?["annotations"] { template["metadata"] = .object(Object(["annotations": annotations])) }
        template["spec"] = rs.template["spec"] ?? .object(Object())
        return SimPod(name: name, namespace: rs.namespace, uid: c.newUID(), ownerUID: rs.uid, ownerName: rs.name,
                      labels: stringMap(rs.template["metadata"]?["labels"]), template: template, created: c.now, behaviour: rs.behaviour)
    }

    /// `getPodsToDelete`: the first `count` pods by ActivePodsWithRanks (§14): unscheduled,
    /// then Pending before Running, not ready before ready, more co-located pods, ready more
    /// recently, more restarts, newer.
    public static func podsToDelete(_ pods: [SimPod], count: Int) -> [SimPod] {
        var onNode: [String: Int] = [:]
        for pod in pods { if let node = pod.nodeName { onNode[node, default: 0] += 1 } }
        func phaseRank(_ p: SimPod) -> Int {
            switch p.state {
            case .running: return 2
            default: return p.phase == "Running" ? 2 : 0
            }
        }
        let ranked = pods.sorted { a, b in
            if a.isScheduled != b.isScheduled { return !a.isScheduled }
            if phaseRank(a) != phaseRank(b) { return phaseRank(a) < phaseRank(b) }
            if a.ready != b.ready { return !a.ready }
            let rankA = a.nodeName.flatMap { onNode[$0] } ?? 0, rankB = b.nodeName.flatMap { onNode[$0] } ?? 0
            if rankA != rankB { return rankA > rankB }
            if a.ready, b.ready, let sa = a.readySince, let sb = b.readySince, sa != sb { return sa > sb }
            if a.restarts != b.restarts { return a.restarts > b.restarts }
            if a.created != b.created { return a.created > b.created }
            return a.uid < b.uid
        }
        return Array(ranked.prefix(count))
    }
}

/// The scheduler: places each pending pod on the node with the most room left for its
/// requests (cpu and memory, as a share of the node), ties by name, among the nodes where it
/// fits (cpu, memory, pod count). A pod that fits nowhere stays Pending with a
/// `FailedScheduling` event in the scheduler's words (`0/1 nodes are available: 1
/// Insufficient cpu.`) and is tried again whenever the controllers run.
enum Scheduler {
    struct Usage {
        var cpu = 0
        var memory = 0
        var pods = 0
    }

    static func schedule(in c: Cluster) -> Bool {
        guard !c.unscheduled.isEmpty else { return false }
        let pending = c.unscheduled.compactMap { c.pods[$0] }.filter { $0.nodeName == nil && $0.isActive }
            .sorted { ($0.created, $0.name) < ($1.created, $1.name) }
        c.unscheduled = Set(pending.map(\.uid))
        if pending.isEmpty { return false }
        var usage: [String: Usage] = [:]
        for pod in c.pods.values where !pod.gone {
            guard let node = pod.nodeName else { continue }
            usage[node, default: Usage()].cpu = usage[node, default: Usage()].cpu.addingSaturating(pod.behaviour.cpuMillis)
            usage[node, default: Usage()].memory = usage[node, default: Usage()].memory.addingSaturating(pod.behaviour.memoryBytes)
            usage[node, default: Usage()].pods += 1
        }
        let nodes = c.nodes.filter { $0.ready && !$0.unschedulable }
        func free(_ node: SimNode) -> Double {
            let u = usage[node.name] ?? Usage()
            return Double(node.cpuMillis.subtractingSaturating(u.cpu)) / Double(max(node.cpuMillis, 1)) + Double(node.memoryBytes.subtractingSaturating(u.memory)) / Double(max(node.memoryBytes, 1))
        }
        // Nodes ordered by room left, most first (then by name); only the chosen node's place
        // changes after each placement, so it is moved rather than everything re-sorted.
        var order: [(room: Double, node: SimNode)] = nodes.map { (free($0), $0) }.sorted { a, b in
            a.room == b.room ? a.node.name < b.node.name : a.room > b.room
        }
        var changed = false
        for pod in pending {
            // VolumeBinding's PreFilter: a claim that does not exist fails the pod on every
            // node, unresolvably (`volume_binding.go` PreFilter; the kubelet never sees it).
            if let claim = pod.behaviour.volumes.first(where: { $0.kind == .persistentVolumeClaim && c.configKeys("PersistentVolumeClaim", namespace: pod.namespace, name: $0.name) == nil }) {
                let n = c.nodes.count
                let message = "0/\(n) nodes are available: persistentvolumeclaim \"\(claim.name)\" not found. preemption: 0/\(n) nodes are available: \(n) Preemption is not helpful for scheduling."
                if pod.schedulingFailure != message {
                    c.updatePod(pod.uid) { $0.schedulingFailure = message }
                    c.record("Warning", reason: "FailedScheduling", message: message, kind: "Pod", name: pod.name, namespace: pod.namespace, uid: pod.uid, component: "default-scheduler")
                }
                continue
            }
            func fits(_ node: SimNode) -> Bool {
                let u = usage[node.name] ?? Usage()
                return u.pods + 1 <= node.maxPods && u.cpu.addingSaturating(pod.behaviour.cpuMillis) <= node.cpuMillis && u.memory.addingSaturating(pod.behaviour.memoryBytes) <= node.memoryBytes
            }
            guard let index = order.firstIndex(where: { fits($0.node) }) else {
                recordFailure(pod, nodes: c.nodes, usage: usage, in: c)
                continue
            }
            let node = order.remove(at: index).node
            usage[node.name, default: Usage()].cpu = usage[node.name, default: Usage()].cpu.addingSaturating(pod.behaviour.cpuMillis)
            usage[node.name, default: Usage()].memory = usage[node.name, default: Usage()].memory.addingSaturating(pod.behaviour.memoryBytes)
            usage[node.name, default: Usage()].pods += 1
            let room = free(node)
            let position = order.firstIndex { $0.room == room ? node.name < $0.node.name : room > $0.room } ?? order.count
            order.insert((room, node), at: position)
            let ip = c.nextPodIP(node: node.name)
            c.updatePod(pod.uid) { p in
                p.nodeName = node.name
                p.hostIP = node.internalIP
                p.scheduledAt = c.now
                p.ip = ip
                p.epoch += 1
                p.schedulingFailure = nil
            }
            c.unscheduled.remove(pod.uid)
            // The Scheduled event is derived from the pod's PodScheduled condition (EventLog).
            Kubelet.scheduleNext(pod.uid, in: c)
            changed = true
        }
        return changed
    }

    static func recordFailure(_ pod: SimPod, nodes: [SimNode], usage: [String: Usage], in c: Cluster) {
        var reasons: [String: Int] = [:]
        for node in nodes {
            if !node.ready || node.unschedulable {
                reasons[node.unschedulable ? "node(s) were unschedulable" : "node(s) were not ready", default: 0] += 1
                continue
            }
            let u = usage[node.name] ?? Usage()
            if u.pods + 1 > node.maxPods { reasons["Too many pods", default: 0] += 1 }
            if u.cpu.addingSaturating(pod.behaviour.cpuMillis) > node.cpuMillis { reasons["Insufficient cpu", default: 0] += 1 }
            if u.memory.addingSaturating(pod.behaviour.memoryBytes) > node.memoryBytes { reasons["Insufficient memory", default: 0] += 1 }
        }
        let details = reasons.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        let message = "0/\(nodes.count) nodes are available: \(details). preemption: 0/\(nodes.count) nodes are available: \(nodes.count) No preemption victims found for incoming pod."
        if pod.schedulingFailure != message {
            c.updatePod(pod.uid) { $0.schedulingFailure = message }
            c.record("Warning", reason: "FailedScheduling", message: message, kind: "Pod", name: pod.name, namespace: pod.namespace, uid: pod.uid, component: "default-scheduler")
        }
    }
}

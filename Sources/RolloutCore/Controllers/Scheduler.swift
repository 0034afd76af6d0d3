/// The scheduler: places each pending pod on the node with the most room left for its
/// requests (cpu, memory, pod count), ties by name. A pod that fits nowhere stays Pending with
/// a `FailedScheduling` event in the scheduler's words (`0/1 nodes are available: 1
/// Insufficient cpu.`) and is tried again whenever the controllers run.
enum Scheduler {
    static func schedule(in c: Cluster) -> Bool {
        let pending = c.pods.values.filter { $0.nodeName == nil && $0.isActive }.sorted { ($0.created, $0.name) < ($1.created, $1.name) }
        if pending.isEmpty { return false }
        var usedCPU: [String: Int] = [:], usedMemory: [String: Int] = [:], usedPods: [String: Int] = [:]
        for pod in c.pods.values where !pod.gone {
            guard let node = pod.nodeName else { continue }
            usedCPU[node, default: 0] += pod.behaviour.cpuMillis
            usedMemory[node, default: 0] += pod.behaviour.memoryBytes
            usedPods[node, default: 0] += 1
        }
        var changed = false
        for pod in pending {
            var reasons: [String: Int] = [:]
            var best: (name: String, free: Double)?
            for node in c.nodes {
                var fits = true
                if !node.ready || node.unschedulable {
                    reasons[node.unschedulable ? "node(s) were unschedulable" : "node(s) were not ready", default: 0] += 1
                    continue
                }
                if (usedPods[node.name] ?? 0) + 1 > node.maxPods { reasons["Too many pods", default: 0] += 1; fits = false }
                if (usedCPU[node.name] ?? 0) + pod.behaviour.cpuMillis > node.cpuMillis { reasons["Insufficient cpu", default: 0] += 1; fits = false }
                if (usedMemory[node.name] ?? 0) + pod.behaviour.memoryBytes > node.memoryBytes { reasons["Insufficient memory", default: 0] += 1; fits = false }
                guard fits else { continue }
                let free = Double(node.cpuMillis - (usedCPU[node.name] ?? 0)) / Double(max(node.cpuMillis, 1))
                    + Double(node.memoryBytes - (usedMemory[node.name] ?? 0)) / Double(max(node.memoryBytes, 1))
                if best == nil || free > best!.free + 1e-12 { best = (node.name, free) }
            }
            if let best {
                usedCPU[best.name, default: 0] += pod.behaviour.cpuMillis
                usedMemory[best.name, default: 0] += pod.behaviour.memoryBytes
                usedPods[best.name, default: 0] += 1
                let ip = c.nextPodIP(node: best.name)
                c.updatePod(pod.uid) { p in
                    p.nodeName = best.name
                    p.scheduledAt = c.now
                    p.ip = ip
                    p.epoch += 1
                    p.schedulingFailure = nil
                }
                // The Scheduled event is derived from the pod's PodScheduled condition (EventLog).
                Kubelet.scheduleNext(pod.uid, in: c)
                changed = true
            } else {
                let details = reasons.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
                let message = "0/\(c.nodes.count) nodes are available: \(details). preemption: 0/\(c.nodes.count) nodes are available: \(c.nodes.count) No preemption victims found for incoming pod."
                if pod.schedulingFailure != message {
                    c.updatePod(pod.uid) { $0.schedulingFailure = message }
                    c.record("Warning", reason: "FailedScheduling", message: message, kind: "Pod", name: pod.name, namespace: pod.namespace, uid: pod.uid, component: "default-scheduler")
                }
            }
        }
        return changed
    }
}

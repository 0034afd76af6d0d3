/// The node lifecycle controller and the taint-eviction controller, for a node whose kubelet
/// stops (`cluster fail-node`) and comes back (`cluster recover-node`)
/// (`pkg/controller/nodelifecycle/node_lifecycle_controller.go` monitorNodeHealth,
/// tryUpdateNodeHealth, processTaintBaseEviction, handleDisruption, ComputeZoneState,
/// doNoExecuteTaintingPass; `pkg/controller/util/node/controller_utils.go` MarkPodsNotReady;
/// `pkg/controller/tainteviction/taint_eviction.go` processPodOnNode, getMinTolerationTime;
/// KUBERNETES-scheduling-traffic.md §6, §10 (d)):
///
/// - The kubelet renews its Lease every 10 s from the node's creation; the controller looks
///   every 5 s (on the clock's 5 s grid) and notes when it first saw the last renewal. At the
///   first look more than 50 s (`--node-monitor-grace-period`, 1.32) after that, Ready becomes
///   Unknown (`NodeStatusUnknown`, "Kubelet stopped posting node status."), the node gets
///   `node.kubernetes.io/unreachable:NoSchedule`, and every pod on it is marked not ready —
///   which takes it out of the Services' endpoints.
/// - At the next look (5 s later) the node is queued for `unreachable:NoExecute`, tainted as
///   its zone's rate limiter allows (0.1 node/s, burst 1: the first at once); not at all in a
///   zone in partial disruption with at most 50 nodes, and no node at all when every zone is
///   fully disrupted (and such taints are lifted).
/// - Each pod on a NoExecute-tainted node is deleted at the taint's time plus its smallest
///   `tolerationSeconds` (300 s from the DefaultTolerationSeconds admission), at once when it
///   does not tolerate the taint, never when it tolerates it for ever. The kubelet cannot
///   confirm, so the pod stays Terminating; its ReplicaSet replaces it at once.
///
/// While the kubelet is down, its pods do not change and answer nothing: the machine is taken
/// to be off. When it comes back, its deleted pods go, and the others' containers start again
/// (the old ones `Unknown`, exit code 255, as after a reboot).
enum NodeLifecycleController {
    static let stoppedAnnotation = "rollout.sim/kubelet-stopped"
    static let restartedAnnotation = "rollout.sim/kubelet-restarted"
    static let component = "node-controller"
    static let taintManager = "taint-eviction-controller"
    /// The DisruptionTarget reason of a pod the taint manager deletes.
    static let takenBy = "DeletionByTaintManager"
    static let unreachable = "node.kubernetes.io/unreachable"
    static let notReady = "node.kubernetes.io/not-ready"

    static let gracePeriod = 50_000
    static let monitorPeriod = 5_000
    static let leaseRenewal = 10_000
    /// `--node-eviction-rate` 0.1 node/s: one token every 10 s per zone.
    static let evictionInterval = 10_000
    static let largeClusterThreshold = 50
    static let unhealthyZoneThreshold = 0.55

    /// When the controller marks the node NotReady, for a kubelet that stopped at `stopped`:
    /// the last renewal before it, the first look at or after that renewal, then the first look
    /// more than the grace period later.
    static func notReadyTime(stopped: Timestamp, created: Timestamp) -> Timestamp {
        let seen = lastRenewal(stopped: stopped, created: created).milliseconds.roundedUp(toMultipleOf: monitorPeriod)
        return Timestamp(milliseconds: seen + gracePeriod + monitorPeriod)
    }

    /// The kubelet's last renewal before it stopped: every 10 s from the node's creation.
    static func lastRenewal(stopped: Timestamp, created: Timestamp) -> Timestamp {
        let sinceCreation = max(0, stopped.milliseconds - created.milliseconds)
        return Timestamp(milliseconds: created.milliseconds + (sinceCreation == 0 ? 0 : (sinceCreation - 1) / leaseRenewal * leaseRenewal))
    }


    enum ZoneState { case normal, fullDisruption, partialDisruption }

    /// ComputeZoneState over the nodes' Ready conditions as the controller last set them.
    static func zoneStates(_ nodes: [SimNode]) -> [String: ZoneState] {
        var counts: [String: (ready: Int, notReady: Int)] = [:]
        for node in nodes where node.labels["node.kubernetes.io/exclude-disruption"] == nil {
            if node.ready { counts[node.zone, default: (0, 0)].ready += 1 } else { counts[node.zone, default: (0, 0)].notReady += 1 }
        }
        return counts.mapValues { c in
            if c.ready == 0 && c.notReady > 0 { return .fullDisruption }
            if c.notReady > 2 && Double(c.notReady) / Double(c.notReady + c.ready) >= unhealthyZoneThreshold { return .partialDisruption }
            return .normal
        }
    }

    @discardableResult
    static func sync(in c: Cluster) -> Bool {
        guard c.outages > 0 else { return false }
        var changed = false
        let now = c.now
        for i in c.nodes.indices {
            guard let stopped = c.nodes[i].stoppedAt else { continue }
            if let restarted = c.nodes[i].restartedAt, restarted <= now {
                recover(i, in: c)
                changed = true
                continue
            }
            guard stopped <= now else {
                c.wake(at: stopped)
                continue
            }
            let name = c.nodes[i].name
            if !c.downNodes.contains(name) {
                c.downNodes.insert(name)
                for pod in c.pods.values where pod.nodeName == name && !pod.gone && !pod.nodeDown {
                    c.updatePod(pod.uid) { p in
                        p.nodeDown = true
                        p.epoch += 1
                    }
                }
                changed = true
            }
            let notReadyAt = notReadyTime(stopped: stopped, created: c.nodes[i].created)
            if c.nodes[i].ready {
                if now >= notReadyAt {
                    markNotReady(i, in: c)
                    changed = true
                } else {
                    c.wake(at: notReadyAt)
                }
            }
            if let restarted = c.nodes[i].restartedAt { c.wake(at: restarted) }
        }
        if noExecuteTainting(in: c) { changed = true }
        if taintEviction(in: c) { changed = true }
        return changed
    }

    /// tryUpdateNodeHealth's Unknown, the NoSchedule taint, MarkPodsNotReady.
    static func markNotReady(_ i: Int, in c: Cluster) {
        let name = c.nodes[i].name
        var node = c.nodes[i].resource
        let heartbeat = c.nodes[i].stoppedAt.map { lastRenewal(stopped: $0, created: c.nodes[i].created) } ?? c.now
        setReady(&node, status: "Unknown", reason: "NodeStatusUnknown", message: "Kubelet stopped posting node status.", heartbeat: heartbeat, at: c.now)
        addTaint(&node, key: unreachable, effect: "NoSchedule", at: nil)
        c.replaceNode(i, node)
        c.record(reason: "NodeNotReady", message: "Node \(name) status is now: NodeNotReady", kind: "Node", name: name, namespace: "default", uid: node.uid, component: component)
        for pod in c.pods.values.sorted(by: { $0.name < $1.name }) where pod.nodeName == name && !pod.gone && pod.ready {
            c.updatePod(pod.uid) { p in
                p.ready = false
                p.readySince = c.now
            }
            c.record("Warning", reason: "NodeNotReady", message: "Node is not ready", kind: "Pod", name: pod.name, namespace: pod.namespace, uid: pod.uid, component: component)
        }
    }

    /// The monitor pass after NotReady queues the node for `unreachable:NoExecute`; the zone's
    /// token bucket decides when it is tainted (doNoExecuteTaintingPass, handleDisruption).
    static func noExecuteTainting(in c: Cluster) -> Bool {
        let states = zoneStates(c.nodes)
        var changed = false
        let allDown = !states.isEmpty && states.values.allSatisfy { $0 == .fullDisruption }
        if allDown {
            // "Controller detected that all Nodes are not-Ready. Entering master disruption mode."
            for i in c.nodes.indices where c.nodes[i].taints.contains(where: { $0.key == unreachable && $0.effect == "NoExecute" }) {
                var node = c.nodes[i].resource
                removeTaint(&node, key: unreachable, effect: "NoExecute")
                c.replaceNode(i, node)
                changed = true
            }
            return changed
        }
        // The last NoExecute taint of each zone: its token bucket.
        var lastTaint: [String: Int] = [:]
        for node in c.nodes {
            if let t = noExecuteTime(node) { lastTaint[node.zone] = max(lastTaint[node.zone] ?? Int.min, t.milliseconds) }
        }
        for i in c.nodes.indices.sorted(by: { (notReadySince(c.nodes[$0]) ?? .init(milliseconds: 0), c.nodes[$0].name) < (notReadySince(c.nodes[$1]) ?? .init(milliseconds: 0), c.nodes[$1].name) }) {
            let node = c.nodes[i]
            guard !node.ready, node.down(at: c.now), noExecuteTime(node) == nil, let since = notReadySince(node) else { continue }
            let zone = states[node.zone] ?? .normal
            let size = c.nodes.filter { $0.zone == node.zone }.count
            if zone == .partialDisruption && size <= largeClusterThreshold { continue }
            var at = since.milliseconds + monitorPeriod
            if let last = lastTaint[node.zone] { at = max(at, last + (zone == .partialDisruption ? evictionInterval * 10 : evictionInterval)) }
            guard at <= c.now.milliseconds else {
                c.wake(at: Timestamp(milliseconds: at))
                continue
            }
            var resource = node.resource
            addTaint(&resource, key: unreachable, effect: "NoExecute", at: c.now)
            c.replaceNode(i, resource)
            lastTaint[node.zone] = c.now.milliseconds
            changed = true
        }
        return changed
    }

    /// processPodOnNode for every pod on a NoExecute-tainted node.
    static func taintEviction(in c: Cluster) -> Bool {
        var changed = false
        for node in c.nodes {
            let noExecute = node.taints.filter { $0.effect == "NoExecute" }
            // Since the unreachable taint was added; a NoExecute taint the node was given
            // otherwise counts from its registration (a fixed time, so the deadline does not move).
            guard !noExecute.isEmpty else { continue }
            let added = noExecuteTime(node) ?? node.created
            for pod in c.pods.values.sorted(by: { $0.name < $1.name }) where pod.nodeName == node.name && !pod.gone && pod.deletion == nil {
                guard let delay = minTolerationSeconds(pod, taints: noExecute) else { continue }
                let at = added.adding(Duration(seconds: delay))
                guard at <= c.now else {
                    c.wake(at: at)
                    continue
                }
                c.record(reason: "TaintManagerEviction", message: "Marking for deletion Pod \(pod.namespace)/\(pod.name)", kind: "Pod", name: pod.name,
                         namespace: pod.namespace, uid: pod.uid, component: taintManager)
                // addConditionAndDeletePod.
                c.updatePod(pod.uid) { $0.disruption = (takenBy, "Taint manager: deleting due to NoExecute taint", c.now) }
                Kubelet.beginTermination(pod.uid, in: c)
                changed = true
            }
        }
        return changed
    }

    /// getMinTolerationTime: 0 when some taint is not tolerated, nil when every one is tolerated
    /// for ever, else the smallest `tolerationSeconds` (negative as 0).
    static func minTolerationSeconds(_ pod: SimPod, taints: [Taint]) -> Int? {
        let tolerations = pod.template["spec"]?["tolerations"]?.arrayValue ?? []
        var least: Int?
        for taint in taints {
            let matching = tolerations.filter { t in
                let tol = PodRequirements.Toleration(key: t["key"]?.stringValue ?? "", op: t["operator"]?.stringValue ?? "", value: t["value"]?.stringValue ?? "",
                                                     effect: t["effect"]?.stringValue ?? "")
                return tol.tolerates(taint)
            }
            if matching.isEmpty { return 0 }
            for t in matching {
                guard let seconds = t["tolerationSeconds"]?.intValue else { continue }
                least = min(least ?? Int.max, max(0, seconds))
            }
        }
        return least
    }

    /// The kubelet reports again: Ready, taints lifted, its deleted pods gone, the others'
    /// containers started anew.
    static func recover(_ i: Int, in c: Cluster) {
        let name = c.nodes[i].name
        let stopped = c.nodes[i].stoppedAt ?? c.now
        var node = c.nodes[i].resource
        let wasReady = c.nodes[i].ready
        setReady(&node, status: "True", reason: "KubeletReady", message: "kubelet is posting ready status", heartbeat: c.now, at: c.now)
        removeTaint(&node, key: unreachable, effect: "NoSchedule")
        removeTaint(&node, key: unreachable, effect: "NoExecute")
        var meta = node.metadata
        var annotations = meta["annotations"]?.objectValue ?? Object()
        annotations[stoppedAnnotation] = nil
        annotations[restartedAnnotation] = nil
        meta["annotations"] = .object(annotations)
        node.metadata = meta
        c.replaceNode(i, node)
        c.downNodes.remove(name)
        if !wasReady {
            c.record(reason: "NodeReady", message: "Node \(name) status is now: NodeReady", kind: "Node", name: name, namespace: "default", uid: node.uid, component: component)
        }
        for pod in c.pods.values.sorted(by: { $0.name < $1.name }) where pod.nodeName == name && !pod.gone {
            c.updatePod(pod.uid) { p in
                p.nodeDown = false
                p.epoch += 1
                if p.deletion != nil {
                    p.gone = true
                    p.ready = false
                    return
                }
                // After the reboot: the old containers are gone, each starts again.
                for j in p.containers.indices {
                    var container = p.containers[j]
                    if case .running(let since) = container.state {
                        container.state = .terminated(SimContainer.Termination(reason: "Unknown", exitCode: 255, startedAt: since, finishedAt: stopped))
                    }
                    container.ready = false
                    container.started = false
                    container.startedAt = nil
                    if p.admittedAt != nil { container.progress = .attempt(at: c.now) }
                    p.containers[j] = container
                }
                if p.ready { p.readySince = c.now }
                p.ready = false
            }
            Kubelet.scheduleNext(pod.uid, in: c)
        }
    }

    static func noExecuteTime(_ node: SimNode) -> Timestamp? {
        (node.resource.value.at("spec", "taints")?.arrayValue ?? []).first { $0["key"]?.stringValue == unreachable && $0["effect"]?.stringValue == "NoExecute" }?["timeAdded"]?
            .stringValue.flatMap(Timestamp.init(parsing:))
    }

    static func notReadySince(_ node: SimNode) -> Timestamp? {
        guard !node.ready else { return nil }
        return (node.resource.value.at("status", "conditions")?.arrayValue ?? []).first { $0["type"]?.stringValue == "Ready" }?["lastTransitionTime"]?
            .stringValue.flatMap(Timestamp.init(parsing:))
    }

    static func setReady(_ node: inout Resource, status: String, reason: String, message: String, heartbeat: Timestamp, at: Timestamp) {
        var conditions = node.value.at("status", "conditions")?.arrayValue ?? []
        let ready = Value.object(Object([
            "type": .string("Ready"), "status": .string(status), "reason": .string(reason), "message": .string(message),
            "lastHeartbeatTime": .string(heartbeat.description), "lastTransitionTime": .string(at.description),
        ]))
        if let j = conditions.firstIndex(where: { $0["type"]?.stringValue == "Ready" }) { conditions[j] = ready } else { conditions.append(ready) }
        node.object.set(["status", "conditions"], .array(conditions))
    }

    static func addTaint(_ node: inout Resource, key: String, effect: String, at: Timestamp?) {
        var taints = node.value.at("spec", "taints")?.arrayValue ?? []
        guard !taints.contains(where: { $0["key"]?.stringValue == key && $0["effect"]?.stringValue == effect }) else { return }
        var taint = Object(["key": .string(key), "effect": .string(effect)])
        if let at { taint["timeAdded"] = .string(at.description) }
        taints.append(.object(taint))
        node.object.set(["spec", "taints"], .array(taints))
    }

    static func removeTaint(_ node: inout Resource, key: String, effect: String) {
        let taints = (node.value.at("spec", "taints")?.arrayValue ?? []).filter { !($0["key"]?.stringValue == key && $0["effect"]?.stringValue == effect) }
        var spec = node.object["spec"]?.objectValue ?? Object()
        spec["taints"] = taints.isEmpty ? nil : .array(taints)
        node.object["spec"] = .object(spec)
    }
}

extension Cluster {
    /// A timer for the node lifecycle controller at `time`, once.
    func wake(at time: Timestamp) {
        guard time > now, !lifecycleWakeups.contains(time.milliseconds) else { return }
        lifecycleWakeups.insert(time.milliseconds)
        timers.add(.resync, at: time)
    }

    func replaceNode(_ i: Int, _ resource: Resource) {
        let images = nodes[i].images
        if nodes[i].stoppedAt != nil { outages -= 1 }
        nodes[i] = SimNode(resource)
        if nodes[i].stoppedAt != nil { outages += 1 }
        nodes[i].images = images
        dirtyNodes.insert(nodes[i].name)
        schedulingEvent(.node)
    }

    /// `cluster fail-node` within a plan: the kubelet stops at `at`.
    public func failNode(_ name: String, at: Timestamp) -> Bool {
        guard let i = nodeIndex[name] else { return false }
        var node = nodes[i].resource
        var meta = node.metadata
        var annotations = meta["annotations"]?.objectValue ?? Object()
        annotations[NodeLifecycleController.stoppedAnnotation] = .string(at.description)
        annotations[NodeLifecycleController.restartedAnnotation] = nil
        meta["annotations"] = .object(annotations)
        node.metadata = meta
        replaceNode(i, node)
        return true
    }
}

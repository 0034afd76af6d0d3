/// `kubectl cordon` and `kubectl uncordon`: mark a node unschedulable (or schedulable again),
/// as kubectl's drain helper does (`RunCordonOrUncordon`: it patches `spec.unschedulable`, and
/// says `already cordoned` when there is nothing to change). The node lifecycle controller
/// then adds (or removes) the taint `node.kubernetes.io/unschedulable:NoSchedule`
/// (`doNoScheduleTaintingPass`). The scheduler's NodeUnschedulable filter keeps new pods off a
/// cordoned node; the pods on it stay.
public enum NodeActions {
    static let type = ResourceType.forObject(apiVersion: "v1", kind: "Node")
    static let unschedulableTaint = "node.kubernetes.io/unschedulable"

    public static func cordon(_ store: StateStore, node name: String, unschedulable: Bool) throws -> String {
        let key = ObjectKey(type: type.storageKey, namespace: "", name: name)
        guard let node = try store.get(key) else { throw StoreError.conflict("Error from server (NotFound): nodes \"\(name)\" not found") }
        let verb = unschedulable ? "cordoned" : "uncordoned"
        guard let updated = cordoned(node, unschedulable) else { return "node/\(name) already \(verb)" }
        try store.update(updated, previous: node)
        try store.commit()
        return "node/\(name) \(verb)"
    }

    /// The node with `spec.unschedulable` set (or removed) and the controller's taint to
    /// match; nil when it already is so.
    static func cordoned(_ node: Resource, _ unschedulable: Bool) -> Resource? {
        let current = node.value.at("spec", "unschedulable")?.boolValue ?? false
        guard current != unschedulable else { return nil }
        var updated = node
        var spec = node.object["spec"]?.objectValue ?? Object()
        spec["unschedulable"] = unschedulable ? .bool(true) : nil
        var taints = (spec["taints"]?.arrayValue ?? []).filter { $0["key"]?.stringValue != unschedulableTaint }
        if unschedulable {
            taints.append(.object(Object(["key": .string(unschedulableTaint), "effect": .string("NoSchedule")])))
        }
        spec["taints"] = taints.isEmpty ? nil : .array(taints)
        updated.object["spec"] = .object(spec)
        return updated
    }
}

extension Cluster {
    /// Cordons or uncordons a node while time runs (drain's first step); false when it
    /// already was so.
    func setUnschedulable(_ name: String, _ value: Bool) -> Bool {
        guard let i = nodeIndex[name], let updated = NodeActions.cordoned(nodes[i].resource, value) else { return false }
        replaceNode(i, updated)
        return true
    }
}

extension NodeActions {
    /// `cluster fail-node NODE --at T`: the node's kubelet stops reporting `after` from now
    /// (the annotation `rollout.sim/kubelet-stopped`); `cluster recover-node` sets when it
    /// reports again (`rollout.sim/kubelet-restarted`). The node lifecycle controller acts on
    /// them as time runs.
    public static func setOutage(_ store: StateStore, node name: String, recover: Bool, after: Duration) throws -> String {
        let key = ObjectKey(type: type.storageKey, namespace: "", name: name)
        guard let node = try store.get(key) else { throw StoreError.conflict("Error from server (NotFound): nodes \"\(name)\" not found") }
        let at = store.clock.adding(after)
        var annotations = node.metadata["annotations"]?.objectValue ?? Object()
        let stopped = annotations[NodeLifecycleController.stoppedAnnotation]?.stringValue.flatMap(Timestamp.init(parsing:))
        if recover {
            guard let stopped, annotations[NodeLifecycleController.restartedAnnotation] == nil || at > stopped else {
                throw StoreError.conflict("node \"\(name)\" has not failed: nothing to recover (see rollout cluster fail-node)")
            }
            guard at >= stopped else {
                throw StoreError.conflict("node \"\(name)\" fails at \(stopped): it cannot recover before that")
            }
            annotations[NodeLifecycleController.restartedAnnotation] = .string(at.description)
        } else {
            if let stopped, annotations[NodeLifecycleController.restartedAnnotation] == nil {
                throw StoreError.conflict("node \"\(name)\" already fails at \(stopped) (recover it first: rollout cluster recover-node \(name))")
            }
            annotations[NodeLifecycleController.stoppedAnnotation] = .string(at.description)
            annotations[NodeLifecycleController.restartedAnnotation] = nil
        }
        var updated = node
        var meta = node.metadata
        meta["annotations"] = .object(annotations)
        updated.metadata = meta
        try store.update(updated, previous: node)
        try store.commit()
        let when = after.milliseconds == 0 ? "now" : "at \(at) (in \(after))"
        return recover ? "node/\(name) kubelet restarts \(when)" : "node/\(name) kubelet stops \(when)"
    }
}

extension NodeActions {
    /// `get nodes` and `get deploy -A` after time ran: what a node event left behind.
    public static func nodeSummary(_ c: Cluster) -> String {
        let nodes = TablePrinter.table(c.nodes.map { $0.encoded() }, type: type, now: c.now, options: TableOptions())
        let deployments = TablePrinter.table(c.deployments.values.sorted { ($0.namespace ?? "", $0.name) < ($1.namespace ?? "", $1.name) },
                                             type: Cluster.deploymentType, now: c.now, options: TableOptions(allNamespaces: true))
        return nodes + "\n" + deployments + "\n"
    }
}

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
        guard let i = nodes.firstIndex(where: { $0.name == name }), let updated = NodeActions.cordoned(nodes[i].resource, value) else { return false }
        let images = nodes[i].images
        nodes[i] = SimNode(updated)
        nodes[i].images = images
        dirtyNodes.insert(name)
        return true
    }
}

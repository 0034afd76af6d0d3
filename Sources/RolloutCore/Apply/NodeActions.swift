/// `kubectl cordon` and `kubectl uncordon`: mark a node unschedulable (or schedulable again),
/// as kubectl's drain helper does (`RunCordonOrUncordon`: it patches `spec.unschedulable`, and
/// says `already cordoned` when there is nothing to change). The scheduler's NodeUnschedulable
/// filter keeps new pods off a cordoned node; the pods on it stay.
public enum NodeActions {
    static let type = ResourceType.forObject(apiVersion: "v1", kind: "Node")

    public static func cordon(_ store: StateStore, node name: String, unschedulable: Bool) throws -> String {
        let key = ObjectKey(type: type.storageKey, namespace: "", name: name)
        guard let node = try store.get(key) else { throw StoreError.conflict("Error from server (NotFound): nodes \"\(name)\" not found") }
        let verb = unschedulable ? "cordoned" : "uncordoned"
        let current = node.value.at("spec", "unschedulable")?.boolValue ?? false
        guard current != unschedulable else { return "node/\(name) already \(verb)" }
        var updated = node
        var spec = node.object["spec"]?.objectValue ?? Object()
        spec["unschedulable"] = unschedulable ? .bool(true) : nil
        updated.object["spec"] = .object(spec)
        try store.update(updated, previous: node)
        try store.commit()
        return "node/\(name) \(verb)"
    }
}

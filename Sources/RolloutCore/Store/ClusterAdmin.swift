/// `rollout cluster init` and `rollout cluster info`.
public enum ClusterAdmin {
    /// Erases everything and creates a fresh cluster of `spec`'s shape.
    public static func initialize(_ store: StateStore, spec: ClusterSpec) throws(StoreError) {
        store.eraseAll()
        try ClusterSetup.populate(store, spec: spec)
        try store.commit()
    }

    /// A summary in the spirit of `kubectl cluster-info`.
    public static func info(_ store: StateStore) throws(StoreError) -> String {
        let nodes = try store.list(ResourceType.forObject(apiVersion: "v1", kind: "Node"))
        var text = "Kubernetes control plane (simulated by rollout) is running from \(store.directory)\n"
        text += "Version: \(ClusterSetup.kubernetesVersion)\n"
        text += "Profile: \(try ClusterProfile.of(store).rawValue)\n"
        text += "Clock: \(store.clock)\n"
        text += "Nodes: \(nodes.count)\n"
        var writer = TabWriter(minWidth: 0, padding: 2)
        writer.add(["  NAME", "CPU", "MEMORY", "PODS"])
        for node in nodes {
            let capacity = node.value.at("status", "allocatable")
            let text = { (key: String) -> String in
                switch capacity?[key] {
                case .string(let s)?: return s
                case .int(let i)?: return String(i)
                default: return "?"
                }
            }
            writer.add(["  " + node.name, text("cpu"), text("memory"), text("pods")])
        }
        text += writer.render()
        var counts: [(String, Int)] = []
        for type in store.storedTypes {
            let n = try store.count(type)
            if n > 0 { counts.append((type.qualifiedPlural, n)) }
        }
        text += "Objects: \(counts.map(\.1).reduce(0, +)) (" + counts.map { "\($0.1) \($0.0)" }.joined(separator: ", ") + ")\n"
        return text
    }
}

/// A Node created by `apply`: its simulated kubelet registers it at once, as a kubelet joining
/// the cluster would (`kubelet_node_status.go` registerWithAPIServer, initialNode): the
/// well-known labels (`kubernetes.io/hostname`, `kubernetes.io/os`, `kubernetes.io/arch`), an
/// InternalIP, node info, a Ready condition, and the capacity the machine has. The API server
/// ignores a manifest's `status`; here its `status.capacity` and `allocatable` (extended
/// resources such as `nvidia.com/gpu` included) are taken as the machine's, as
/// `cluster init --nodes-from` takes them, over the cluster's default shape (4 CPUs, 8Gi, 110 pods).
enum NodeRegistration {
    static func register(_ stored: Resource, manifest: Resource, store: StateStore) throws(StoreError) -> Resource {
        let existing = try store.list(NodeActions.type).count
        var spec = ClusterSpec(profile: try ClusterProfile.of(store), nodes: existing + 1)
        spec.nodeManifests = []
        // One past the nodes there are: a fresh address.
        let registered = ClusterSetup.node(index: existing + 1, spec: spec, from: manifest)
        var node = stored
        var meta = node.metadata
        meta["labels"] = registered.metadata["labels"]
        var annotations = registered.metadata["annotations"]?.objectValue ?? Object()
        for member in stored.metadata["annotations"]?.objectValue?.members ?? [] { annotations[member.key] = member.value }
        meta["annotations"] = .object(annotations)
        node.metadata = meta
        node.object["status"] = registered.object["status"]
        return node
    }
}

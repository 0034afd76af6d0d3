/// The shape of a new cluster: `rollout cluster init --nodes N --cpu C --memory M`.
public struct ClusterSpec: Equatable, Sendable {
    public var nodes: Int
    public var cpu: Quantity
    public var memory: Quantity
    public var pods: Int
    /// The kubelet's time to create and start a container (`rollout.sim/container-start`).
    public var containerStart: Duration
    /// The time of a pull that fetches the image (`rollout.sim/image-pull`).
    public var imagePull: Duration

    public init(nodes: Int = 1, cpu: Quantity = Quantity("4")!, memory: Quantity = Quantity("8Gi")!, pods: Int = 110,
                containerStart: Duration = SimNode.defaultContainerStart, imagePull: Duration = SimNode.defaultImagePull) {
        self.nodes = nodes
        self.cpu = cpu
        self.memory = memory
        self.pods = pods
        self.containerStart = containerStart
        self.imagePull = imagePull
    }
}

/// What a fresh cluster holds: the four namespaces every cluster has and its nodes (the first
/// is control plane and worker at once, as in k3s).
public enum ClusterSetup {
    public static let kubernetesVersion = "v1.32.0"
    static let namespaces = ["default", "kube-node-lease", "kube-public", "kube-system"]

    public static func populate(_ store: StateStore, spec: ClusterSpec) throws(StoreError) {
        for name in namespaces {
            var namespace = Resource(Object(["apiVersion": .string("v1"), "kind": .string("Namespace"), "metadata": .object(Object(["name": .string(name)]))]))
            Defaults.apply(to: &namespace)
            try store.create(namespace)
        }
        for index in 1...max(1, spec.nodes) {
            try store.create(node(index: index, spec: spec))
        }
    }

    /// A Ready node with the given capacity.
    public static func node(index: Int, spec: ClusterSpec) -> Resource {
        let name = "node-\(index)"
        var labels = Object([
            "beta.kubernetes.io/arch": .string("amd64"),
            "beta.kubernetes.io/os": .string("linux"),
            "kubernetes.io/arch": .string("amd64"),
            "kubernetes.io/hostname": .string(name),
            "kubernetes.io/os": .string("linux"),
        ])
        if index == 1 { labels["node-role.kubernetes.io/control-plane"] = .string("true") }
        let resources = Object(["cpu": .string(spec.cpu.text), "memory": .string(spec.memory.text), "pods": .string(String(spec.pods))])
        let ready = Object([
            "type": .string("Ready"), "status": .string("True"), "reason": .string("KubeletReady"),
            "message": .string("kubelet is posting ready status"),
        ])
        let status = Object([
            "capacity": .object(resources),
            "allocatable": .object(resources),
            "conditions": .array([.object(ready)]),
            "addresses": .array([
                .object(Object(["type": .string("InternalIP"), "address": .string("10.0.0.\(index + 1)")])),
                .object(Object(["type": .string("Hostname"), "address": .string(name)])),
            ]),
            "nodeInfo": .object(Object([
                "architecture": .string("amd64"), "operatingSystem": .string("linux"),
                "osImage": .string("rollout simulated node"), "kernelVersion": .string("simulated"),
                "containerRuntimeVersion": .string("simulated://1.0"), "kubeletVersion": .string(kubernetesVersion),
            ])),
        ])
        return Resource(Object([
            "apiVersion": .string("v1"), "kind": .string("Node"),
            "metadata": .object(Object(["name": .string(name), "labels": .object(labels), "annotations": .object(Object([
                "rollout.sim/container-start": .string(spec.containerStart.description),
                "rollout.sim/image-pull": .string(spec.imagePull.description),
            ]))])),
            "spec": .object(Object()),
            "status": .object(status),
        ]))
    }
}

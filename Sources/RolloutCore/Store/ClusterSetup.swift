/// The shape of a new cluster: `rollout cluster init --nodes N --cpu C --memory M`.
public struct ClusterSpec: Sendable {
    public var nodes: Int
    public var cpu: Quantity
    public var memory: Quantity
    public var pods: Int
    /// The kubelet's time to create and start a container (`rollout.sim/container-start`).
    public var containerStart: Duration
    /// The time of a pull that fetches the image (`rollout.sim/image-pull`).
    public var imagePull: Duration
    /// Which distribution the cluster behaves as (`--profile`).
    public var profile: ClusterProfile
    /// `--zones a,b,c`: node i is in zone i mod count (`topology.kubernetes.io/zone`).
    public var zones: [String] = []
    /// `--node-labels` and `--node-taints`: on every node.
    public var labels: [String: String] = [:]
    public var taints: [(key: String, value: String, effect: String)] = []
    /// `--nodes-from FILE`: Node manifests, one node each (their names, labels, taints and
    /// capacity over the defaults); `nodes` is then their count.
    public var nodeManifests: [Resource] = []
    /// Node pools (`--nodes` repeated, each with its own `--zones`, `--cpu`, `--memory`,
    /// `--pods`, `--node-labels`, `--node-taints`): each a shape of its own, nodes numbered on
    /// across pools. Empty: one pool, the fields above.
    public var pools: [ClusterSpec] = []
    /// Kubernetes' own limit (`cluster init --nodes`).
    public static let maxNodes = 5000

    /// Every node's shape, in order: the pools', or this one's.
    var nodeShapes: [(spec: ClusterSpec, slot: Int)] {
        let pools = self.pools.isEmpty ? [self] : self.pools
        return pools.flatMap { pool in (0..<max(1, pool.nodes)).map { (pool, $0) } }
    }

    public init(profile: ClusterProfile = .default, nodes: Int = 1, cpu: Quantity = Quantity("4")!, memory: Quantity = Quantity("8Gi")!, pods: Int = 110,
                containerStart: Duration = SimNode.defaultContainerStart, imagePull: Duration = SimNode.defaultImagePull) {
        self.profile = profile
        self.nodes = nodes
        self.cpu = cpu
        self.memory = memory
        self.pods = pods
        self.containerStart = containerStart
        self.imagePull = imagePull
    }
}

/// What a fresh cluster holds: the two system PriorityClasses and the four namespaces every
/// cluster has, its nodes (the first is control plane and worker at once, as in k3s), the
/// `kubernetes` Service, and the add-ons its profile installs — started before the cluster's
/// clock begins (`bootTime` earlier), so they are running, ready and serving when the first
/// command sees the cluster.
public enum ClusterSetup {
    public static let kubernetesVersion = "v1.32.0"
    static let namespaces = ["default", "kube-node-lease", "kube-public", "kube-system"]
    /// How long before the clock's start the cluster was created: its add-ons have started by then.
    static let bootTime = Duration(seconds: 60)
    /// The generator the add-ons' names and uids come from, apart from the one the user's
    /// objects use, so a profile does not change the names an application's pods get.
    static let bootSeed: UInt64 = 0xB0075EED
    /// The generator of the uids the cluster's own stored objects get (namespaces, nodes, the
    /// `kubernetes` Service, the add-ons' manifests): apart from both the user's (which starts
    /// again where it was when the set-up ends) and the add-ons' controllers', so that no uid
    /// is drawn twice — with one generator replayed, the first objects a user created had the
    /// uids of the cluster's first objects, and their events and owners were mistaken for
    /// each other's.
    static let bootObjectSeed: UInt64 = 0xB0075EED_0B1EC75

    public static func populate(_ store: StateStore, spec: ClusterSpec) throws(StoreError) {
        let start = store.clock
        let random = store.random
        store.random = SeededRandom(seed: bootObjectSeed)
        store.clock = Timestamp(milliseconds: start.milliseconds - bootTime.milliseconds)
        // The system PriorityClasses, which the API server creates at its start
        // (AddSystemPriorityClasses; descriptions from SystemPriorityClasses).
        // (Highest first, as SystemPriorityClasses lists them.)
        for (name, system) in PriorityClasses.system.sorted(by: { $0.value.value > $1.value.value }) {
            var priorityClass = Resource(Object([
                "apiVersion": .string("scheduling.k8s.io/v1"), "kind": .string("PriorityClass"),
                "metadata": .object(Object(["name": .string(name)])), "value": .int(system.value),
                "description": .string(PriorityClasses.systemDescriptions[name] ?? ""),
            ]))
            Defaults.apply(to: &priorityClass)
            try store.create(priorityClass)
        }
        for name in namespaces {
            var metadata = Object(["name": .string(name)])
            if name == "kube-system" { metadata["annotations"] = .object(Object([ClusterProfile.annotation: .string(spec.profile.rawValue)])) }
            var namespace = Resource(Object(["apiVersion": .string("v1"), "kind": .string("Namespace"), "metadata": .object(metadata)]))
            Defaults.apply(to: &namespace)
            try store.create(namespace)
            // The serviceaccounts controller's `default` account of every namespace.
            try store.create(ServiceAccounts.defaultAccount(in: name))
            // And the root CA publisher's ConfigMap.
            try RootCACertPublisher.sync(namespace: name, store: store)
        }
        if spec.nodeManifests.isEmpty {
            let total = spec.nodeShapes.count
            for (i, shape) in spec.nodeShapes.enumerated() {
                var pool = shape.spec
                pool.profile = spec.profile
                pool.containerStart = spec.containerStart
                pool.imagePull = spec.imagePull
                pool.nodes = total
                try store.create(node(index: i + 1, spec: pool, zoneSlot: shape.slot))
            }
        } else {
            for (i, manifest) in spec.nodeManifests.enumerated() { try store.create(node(index: i + 1, spec: spec, from: manifest)) }
        }
        try createAPIServerService(store)
        let manifests = spec.profile.systemManifests
        if !manifests.isEmpty {
            do {
                let decoded = try ManifestDecoder.decode([ManifestSource(name: "<\(spec.profile.rawValue) add-ons>", bytes: Array(manifests.utf8))])
                var options = ApplyOptions()
                options.namespace = "kube-system"
                _ = try Applier.apply(try Applier.prepare(decoded.documents, options: options), to: store, options: options, commit: false)
            } catch let error as StoreError {
                throw error
            } catch {
                throw StoreError.conflict("the \(spec.profile.rawValue) add-ons could not be installed: \(error)")
            }
        }
        // The add-ons start: their pods are scheduled, pulled, started and ready, their
        // endpoints published and the load balancer given its addresses.
        let cluster = try Cluster(store: store)
        cluster.random = SeededRandom(seed: bootSeed)
        _ = EventLoop.run(cluster, timeout: bootTime, until: { _ in false })
        try cluster.save()
        store.clock = start
        store.random = random
    }

    /// The `kubernetes` Service in `default`, its Endpoints and its EndpointSlice, as the API
    /// server's reconciler keeps them: port 443 to the control plane's 6443, no selector.
    static func createAPIServerService(_ store: StateStore) throws(StoreError) {
        let labels = Object(["component": .string("apiserver"), "provider": .string("kubernetes")])
        var service = Resource(Object([
            "apiVersion": .string("v1"), "kind": .string("Service"),
            "metadata": .object(Object(["name": .string("kubernetes"), "namespace": .string("default"), "labels": .object(labels)])),
            "spec": .object(Object([
                "clusterIP": .string("10.43.0.1"),
                "ports": .array([.object(Object(["name": .string("https"), "port": .int(443), "protocol": .string("TCP"), "targetPort": .int(6443)]))]),
                "type": .string("ClusterIP"),
            ])),
        ]))
        Defaults.apply(to: &service)
        Allocation.assignServiceAddresses(&service, store: store)
        try store.create(service)
        let address = "10.0.0.2"
        let port = Object(["name": .string("https"), "port": .int(6443), "protocol": .string("TCP")])
        try store.create(Resource(Object([
            "apiVersion": .string("v1"), "kind": .string("Endpoints"),
            "metadata": .object(Object(["name": .string("kubernetes"), "namespace": .string("default"),
                                        "labels": .object(Object(["endpointslice.kubernetes.io/skip-mirror": .string("true")]))])),
            "subsets": .array([.object(Object(["addresses": .array([.object(Object(["ip": .string(address)]))]), "ports": .array([.object(port)])]))]),
        ])))
        try store.create(Resource(Object([
            "apiVersion": .string("discovery.k8s.io/v1"), "kind": .string("EndpointSlice"),
            "metadata": .object(Object(["name": .string("kubernetes"), "namespace": .string("default"),
                                        "labels": .object(Object([EndpointSliceController.serviceNameLabel: .string("kubernetes")]))])),
            "addressType": .string("IPv4"),
            "endpoints": .array([.object(Object(["addresses": .array([.string(address)]), "conditions": .object(Object(["ready": .bool(true)]))]))]),
            "ports": .array([.object(port)]),
        ])))
    }

    /// A Ready node with the given capacity.
    /// A node of the default shape, with what a manifest says over it: its name, labels,
    /// annotations, taints, unschedulable, and `status.capacity`/`allocatable` (a resource the
    /// manifest names replaces the default's; allocatable defaults to capacity).
    public static func node(index: Int, spec: ClusterSpec, from manifest: Resource) -> Resource {
        var named = spec
        named.nodeManifests = []
        var node = self.node(index: index, spec: named, name: manifest.name)
        var meta = node.metadata
        var labels = meta["labels"]?.objectValue ?? Object()
        for (key, value) in manifest.labels.sorted(by: { $0.key < $1.key }) { labels[key] = .string(value) }
        meta["labels"] = .object(labels)
        var annotations = meta["annotations"]?.objectValue ?? Object()
        for (key, value) in manifest.annotations.sorted(by: { $0.key < $1.key }) { annotations[key] = .string(value) }
        meta["annotations"] = .object(annotations)
        node.metadata = meta
        if let taints = manifest.value.at("spec", "taints") { node.object.set(["spec", "taints"], taints) }
        if let unschedulable = manifest.value.at("spec", "unschedulable") { node.object.set(["spec", "unschedulable"], unschedulable) }
        let capacity = manifest.value.at("status", "capacity")?.objectValue
        let allocatable = manifest.value.at("status", "allocatable")?.objectValue ?? capacity
        for (field, given) in [("capacity", capacity), ("allocatable", allocatable)] {
            guard let given else { continue }
            var merged = node.value.at("status", field)?.objectValue ?? Object()
            for member in given.members { merged[member.key] = member.value }
            node.object.set(["status", field], .object(merged))
        }
        // The kubelet reports its capacity as the API server stores quantities.
        OmitEmpty.roundTrip(&node)
        return node
    }

    static func podCIDR(index: Int) -> String { "10.\(42 + (index - 1) / 256).\((index - 1) % 256).0/24" }

    /// `zoneSlot`: the node's place in its pool, for the round robin over the pool's zones.
    public static func node(index: Int, spec: ClusterSpec, name given: String? = nil, zoneSlot: Int? = nil) -> Resource {
        let name = given ?? spec.profile.nodeName(index)
        var labels = Object([
            "beta.kubernetes.io/arch": .string("amd64"),
            "beta.kubernetes.io/os": .string("linux"),
            "kubernetes.io/arch": .string("amd64"),
            "kubernetes.io/hostname": .string(name),
            "kubernetes.io/os": .string("linux"),
        ])
        if index == 1 {
            labels["node-role.kubernetes.io/control-plane"] = .string(spec.profile == .k3s ? "true" : "")
            // k3s still labels its servers with the old role too.
            if spec.profile == .k3s { labels["node-role.kubernetes.io/master"] = .string("true") }
        }
        if !spec.zones.isEmpty { labels["topology.kubernetes.io/zone"] = .string(spec.zones[(zoneSlot ?? (index - 1)) % spec.zones.count]) }
        for (key, value) in spec.labels.sorted(by: { $0.key < $1.key }) { labels[key] = .string(value) }
        var taints: [Value] = []
        for taint in spec.taints {
            var object = Object(["key": .string(taint.key)])
            if !taint.value.isEmpty { object["value"] = .string(taint.value) }
            object["effect"] = .string(taint.effect)
            taints.append(.object(object))
        }
        // kubeadm (kind) taints its control plane when there are workers to run the pods.
        if index == 1 && spec.profile == .kind && spec.nodes > 1 {
            taints.insert(.object(Object(["key": .string("node-role.kubernetes.io/control-plane"), "effect": .string("NoSchedule")])), at: 0)
        }
        var nodeSpec = Object(["podCIDR": .string(podCIDR(index: index)), "podCIDRs": .array([.string(podCIDR(index: index))])])
        if !taints.isEmpty { nodeSpec["taints"] = .array(taints) }
        let resources = Object(["cpu": .string(CanonicalQuantity.stored(spec.cpu.text) ?? spec.cpu.text),
                                "memory": .string(CanonicalQuantity.stored(spec.memory.text) ?? spec.memory.text), "pods": .string(String(spec.pods))])
        let ready = Object([
            "type": .string("Ready"), "status": .string("True"), "reason": .string("KubeletReady"),
            "message": .string("kubelet is posting ready status"),
        ])
        let status = Object([
            "capacity": .object(resources),
            "allocatable": .object(resources),
            "conditions": .array([.object(ready)]),
            "addresses": .array([
                .object(Object(["type": .string("InternalIP"), "address": .string("10.0.\((index + 1) / 256).\((index + 1) % 256)")])),
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
            // The node IPAM controller's /24 of the cluster CIDR, in the order nodes register
            // (k3s: 10.42.0.0/16; past 256 nodes the next /16s).
            "spec": .object(nodeSpec),
            "status": .object(status),
        ]))
    }
}

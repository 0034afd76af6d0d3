/// Which local Kubernetes distribution a new cluster behaves as (`cluster init --profile`):
/// what runs in `kube-system` on a fresh cluster, how nodes are named, and what gives a
/// LoadBalancer Service its external IP. Kept as the annotation `rollout.sim/profile` on the
/// `kube-system` Namespace.
public enum ClusterProfile: String, CaseIterable, Sendable {
    /// k3s 1.32 (the default, and the README's story): CoreDNS, local-path-provisioner,
    /// metrics-server and Traefik (a LoadBalancer on 80 and 443, IngressClass `traefik`), and
    /// ServiceLB giving each LoadBalancer the nodes' addresses on ports nobody holds yet.
    case k3s
    /// kind: CoreDNS and local-path-provisioner; no load balancer, so LoadBalancers stay
    /// `<pending>` (unless cloud-provider-kind runs on the host).
    case kind
    /// minikube: CoreDNS and the storage provisioner; LoadBalancers stay `<pending>` until
    /// `minikube tunnel` runs.
    case minikube
    /// The nodes, the namespaces and the `kubernetes` Service, nothing installed: no DNS, no
    /// ingress controller, no load balancer.
    case bare
    /// A cluster read from a live one (`cluster import`): nothing is installed, and every
    /// LoadBalancer keeps the status its cloud gave it — rollout does not model that cloud, so
    /// a new one stays `<pending>`.
    case imported

    /// What `cluster init --profile` takes (`imported` comes only from `cluster import`).
    public static let initProfiles: [ClusterProfile] = [.k3s, .kind, .minikube, .bare]

    public static let `default` = ClusterProfile.k3s
    public static let annotation = "rollout.sim/profile"

    /// The name of the `index`th node (from 1), as the distribution names them.
    public func nodeName(_ index: Int) -> String {
        switch self {
        case .k3s, .bare, .imported: return "node-\(index)"
        case .kind: return index == 1 ? "kind-control-plane" : index == 2 ? "kind-worker" : "kind-worker\(index - 1)"
        case .minikube: return index == 1 ? "minikube" : String(format: "minikube-m%02d", index)
        }
    }

    /// The add-ons a fresh cluster of this distribution runs, as manifests applied at start.
    var systemManifests: String {
        switch self {
        case .k3s: return SystemManifests.k3s
        case .kind: return SystemManifests.coreDNS(replicas: 2, image: "registry.k8s.io/coredns/coredns:v1.11.3") + SystemManifests.kindStorage
        case .minikube: return SystemManifests.coreDNS(replicas: 1, image: "registry.k8s.io/coredns/coredns:v1.11.3")
        case .bare, .imported: return ""
        }
    }

    /// Why a LoadBalancer Service gets no external IP here, nil where ServiceLB gives one.
    var noLoadBalancer: String? {
        switch self {
        case .k3s: return nil
        case .kind: return "kind has no load balancer (run cloud-provider-kind on the host to get one)"
        case .minikube: return "minikube gives external IPs only while `minikube tunnel` runs"
        case .bare: return "this cluster has no load balancer implementation (profile bare)"
        case .imported: return "the imported cluster's load balancer had given it no address, and rollout does not model that cloud's load balancer"
        }
    }

    /// The profile of a stored cluster: its `kube-system` Namespace's annotation; a state made
    /// before profiles existed is the default.
    static func of(_ store: StateStore) throws(StoreError) -> ClusterProfile {
        let key = ObjectKey(type: ResourceType.forObject(apiVersion: "v1", kind: "Namespace").storageKey, namespace: "", name: "kube-system")
        guard let namespace = try store.get(key), let text = namespace.annotations[annotation] else { return .default }
        return ClusterProfile(rawValue: text) ?? .default
    }
}

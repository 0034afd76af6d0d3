/// Which pods each Service selects, kept as pods come and change, so that the endpoints
/// controller recomputes only the Services whose pods changed — as the real one is driven by
/// pod events (`endpoints_controller.go` updatePod → getPodServiceMemberships), not by a scan
/// of every pod for every Service at every instant. A pod's labels never change here, so the
/// Services selecting it are found once, through an index of the Services by one pair of their
/// selector; every change to a pod goes through `Cluster.add` or `Cluster.updatePod`, which
/// mark its Services.
struct ServicePods {
    /// Each Service's selector (Services without one select nothing).
    private var selectors: [ObjectKey: [String: String]] = [:]
    /// Services by `namespace`, key and value of the first pair of their selector.
    private var byPair: [String: [ObjectKey]] = [:]
    /// The pods each Service has selected so far (gone ones until `selectedPods` drops them).
    private var pods: [ObjectKey: [SimPod]] = [:]
    /// Services whose endpoints may have changed since the controller last looked.
    var dirty: MarkSet<ObjectKey> = []
    /// Services some of whose pods went since their list was last read.
    private var withGonePods: Set<ObjectKey> = []

    init(services: [ObjectKey: Resource]) {
        for (key, service) in services {
            guard let selector = service.value.at("spec", "selector")?.objectValue, !selector.members.isEmpty else { continue }
            let labels = stringMap(.object(selector))
            guard let first = labels.min(by: { $0.key < $1.key }) else { continue }
            selectors[key] = labels
            byPair[Self.pairKey(service.namespace ?? "default", first.key, first.value), default: []].append(key)
            dirty.insert(key)
        }
    }

    private static func pairKey(_ namespace: String, _ key: String, _ value: String) -> String { "\(namespace)\u{0}\(key)\u{0}\(value)" }

    /// The Services selecting `pod`, found once and kept on the pod.
    mutating func services(of pod: SimPod) -> [ObjectKey] {
        if let known = pod.selectingServices { return known }
        var found: [ObjectKey] = []
        for (key, value) in pod.labels {
            for service in byPair[Self.pairKey(pod.namespace, key, value)] ?? [] {
                if let selector = selectors[service], selector.allSatisfy({ pod.labels[$0.key] == $0.value }) { found.append(service) }
            }
        }
        found.sort()
        pod.selectingServices = found
        for service in found { pods[service, default: []].append(pod) }
        return found
    }

    /// The Services in `namespace` whose selector `labels` satisfy, in key order.
    func services(selecting labels: [String: String], namespace: String) -> [ObjectKey] {
        var found: [ObjectKey] = []
        for (key, value) in labels {
            for service in byPair[Self.pairKey(namespace, key, value)] ?? [] {
                if let selector = selectors[service], selector.allSatisfy({ labels[$0.key] == $0.value }) { found.append(service) }
            }
        }
        return found.sorted()
    }

    /// A pod came or changed: its Services' endpoints are looked at again.
    mutating func touched(_ pod: SimPod) {
        for service in services(of: pod) {
            dirty.insert(service)
            if pod.gone { withGonePods.insert(service) }
        }
    }

    /// The pods the Service has selected, in the order they came; those known to have gone
    /// since the last look are dropped from its list here (a pod read as gone may remain).
    mutating func selectedPods(of service: ObjectKey) -> [SimPod] {
        if withGonePods.remove(service) != nil { pods[service]?.removeAll { $0.gone } }
        return pods[service] ?? []
    }
}

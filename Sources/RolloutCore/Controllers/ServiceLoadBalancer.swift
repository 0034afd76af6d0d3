/// The service load balancer. Under the k3s profile it is ServiceLB (k3s
/// `pkg/cloudprovider/servicelb.go`; KUBERNETES-scheduling-traffic.md §8): each LoadBalancer
/// Service gets a DaemonSet of `klipper-lb` pods holding its ports as host ports on every node,
/// and its `status.loadBalancer.ingress` lists the addresses of the nodes whose pod runs —
/// for `externalTrafficPolicy: Local`, only nodes with a ready endpoint of the Service
/// (getStatus, podIPs). A port an earlier Service's pods hold cannot be had on any node: the
/// later Service stays `<pending>`, and takes the port over when the holder goes. The
/// DaemonSet's pods are not shown (DaemonSets come with issue 16); they are taken to start
/// at once. Under the kind, minikube and bare profiles no load balancer exists and every
/// LoadBalancer stays `<pending>`. An imported cluster's LoadBalancers keep the status they
/// were imported with.
enum ServiceLoadBalancer {
    static let component = "service-lb-controller"

    static func sync(in c: Cluster) -> Bool {
        var changed = false
        var held: [String: String] = [:]
        let balancers = c.services.values.filter { $0.value.at("spec", "type")?.stringValue == "LoadBalancer" }
            .sorted { ($0.creationTimestamp ?? "", $0.namespace ?? "", $0.name) < ($1.creationTimestamp ?? "", $1.namespace ?? "", $1.name) }
        for service in balancers {
            let namespace = service.namespace ?? "default"
            let ports = (service.value.at("spec", "ports")?.arrayValue ?? []).map { "\($0["port"]?.intValue ?? 0)/\($0["protocol"]?.stringValue ?? "TCP")" }
            let holder = ports.lazy.compactMap { port in held[port].map { (port, $0) } }.first
            let previous = ingressIPs(service)
            var addresses: [String] = []
            if c.profile == .imported {
                // The cloud's load balancer is not modelled: what it wrote stays as it is.
                let served = service.value.at("status", "loadBalancer", "ingress")?.arrayValue ?? []
                c.loadBalancerBlocked[service.key] = served.isEmpty ? c.profile.noLoadBalancer : nil
                continue
            } else if let none = c.profile.noLoadBalancer {
                c.loadBalancerBlocked[service.key] = none
            } else if let (port, holderName) = holder {
                c.loadBalancerBlocked[service.key] = "port \(port) is held by service \(holderName)"
                let message = "Port \(port) is held by service \(holderName): the load balancer's pods cannot get host port \(port.split(separator: "/").first ?? "") on any node, so it stays pending until the port is free"
                if !c.hasEvent(kind: "Service", uid: service.uid, reason: "PortInUse", message: message) || !previous.isEmpty {
                    c.record("Warning", reason: "PortInUse", message: message,
                             kind: "Service", name: service.name, namespace: namespace, uid: service.uid, component: component)
                }
            } else {
                for port in ports { held[port] = "\(namespace)/\(service.name)" }
                if !c.hasEvent(kind: "Service", uid: service.uid, reason: "EnsuringLoadBalancer", message: "Ensuring load balancer") {
                    c.record(reason: "EnsuringLoadBalancer", message: "Ensuring load balancer", kind: "Service", name: service.name,
                             namespace: namespace, uid: service.uid, component: component)
                    c.record(reason: "AppliedDaemonSet", message: "Applied LoadBalancer DaemonSet kube-system/\(daemonSetName(service))", kind: "Service",
                             name: service.name, namespace: namespace, uid: service.uid, component: component)
                }
                if service.value.at("spec", "externalTrafficPolicy")?.stringValue == "Local", let local = KubeProxy.localNodes(service, in: c) {
                    addresses = c.nodes.filter { $0.ready && local.contains($0.name) }.compactMap(\.internalIP).sorted()
                } else {
                    addresses = readyNodeAddresses(in: c)
                }
                if addresses.isEmpty {
                    c.loadBalancerBlocked[service.key] = "no node has a ready endpoint of it (externalTrafficPolicy Local), so ServiceLB advertises none"
                    if !previous.isEmpty {
                        c.record("Warning", reason: "UnAvailableLoadBalancer", message: "There are no available nodes for LoadBalancer", kind: "Service",
                                 name: service.name, namespace: namespace, uid: service.uid, component: component)
                    }
                } else {
                    c.loadBalancerBlocked[service.key] = nil
                }
            }
            guard addresses != previous else { continue }
            var updated = service
            updated.object["status"] = .object(Object(["loadBalancer": .object(addresses.isEmpty ? Object() : Object(["ingress": .array(addresses.map {
                .object(Object(["ip": .string($0), "ipMode": .string("VIP")]))
            })]))]))
            if !addresses.isEmpty {
                c.record(reason: "UpdatedLoadBalancer", message: "Updated LoadBalancer with new IPs: [\(previous.joined(separator: " "))] -> [\(addresses.joined(separator: " "))]",
                         kind: "Service", name: service.name, namespace: namespace, uid: service.uid, component: component)
                if previous.isEmpty {
                    c.record(reason: "EnsuredLoadBalancer", message: "Ensured load balancer", kind: "Service", name: service.name,
                             namespace: namespace, uid: service.uid, component: component)
                }
            }
            c.services[service.key] = updated
            c.dirtyServices.insert(service.key)
            changed = true
        }
        return changed
    }

    /// The ready nodes' internal IPs, sorted: what ServiceLB advertises under the Cluster
    /// policy. Made again only when a node changed (`Cluster.nodeChanges`): every sync asked,
    /// and at Kubernetes' limits that was 5,000 nodes copied and their addresses sorted.
    static func readyNodeAddresses(in c: Cluster) -> [String] {
        if let kept = c.readyNodeAddresses, kept.changes == c.nodeChanges { return kept.addresses }
        let addresses = c.nodes.filter(\.ready).compactMap(\.internalIP).sorted()
        c.readyNodeAddresses = (c.nodeChanges, addresses)
        return addresses
    }

    static func ingressIPs(_ service: Resource) -> [String] {
        (service.value.at("status", "loadBalancer", "ingress")?.arrayValue ?? []).compactMap { $0["ip"]?.stringValue }
    }

    /// `svclb-<name, at most 48 characters, not cut at a hyphen>-<first 8 characters of the
    /// uid>` (generateName).
    static func daemonSetName(_ service: Resource) -> String {
        var name = Substring(service.name)
        if name.count > 48 {
            name = name.prefix(48)
            while name.last == "-" { name = name.dropLast() }
        }
        return "svclb-\(name)-\(String(service.uid.prefix(8)))"
    }

    /// Why clients outside cannot reach a LoadBalancer Service now, nil when they can (or it
    /// is no LoadBalancer): it has no external IP.
    static func unreachable(_ key: ObjectKey, in c: Cluster) -> String? {
        guard let service = c.services[key], awaitsExternalIP(service) else { return nil }
        return "no external IP (<pending>): " + (c.loadBalancerBlocked[key] ?? "no load balancer has taken it")
    }

    /// A LoadBalancer Service without an external IP yet.
    static func awaitsExternalIP(_ service: Resource) -> Bool {
        service.value.at("spec", "type")?.stringValue == "LoadBalancer" && (service.value.at("status", "loadBalancer", "ingress")?.arrayValue ?? []).isEmpty
    }
}

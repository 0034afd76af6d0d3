/// The service load balancer, as k3s' ServiceLB: a LoadBalancer Service gets `127.0.0.1` at
/// once, unless an earlier Service holds one of its ports; then it stays `<pending>` with an
/// event naming the holder, and takes the port over when the holder goes.
enum ServiceLoadBalancer {
    static let component = "service-lb-controller"

    static func sync(in c: Cluster) -> Bool {
        var changed = false
        var held: [String: String] = [:]
        let balancers = c.services.values.filter { $0.value.at("spec", "type")?.stringValue == "LoadBalancer" }
            .sorted { ($0.creationTimestamp ?? "", $0.namespace ?? "", $0.name) < ($1.creationTimestamp ?? "", $1.namespace ?? "", $1.name) }
        for service in balancers {
            let ports = (service.value.at("spec", "ports")?.arrayValue ?? []).map { "\($0["port"]?.intValue ?? 0)/\($0["protocol"]?.stringValue ?? "TCP")" }
            let holder = ports.lazy.compactMap { port in held[port].map { (port, $0) } }.first
            var updated = service
            let ingress = service.value.at("status", "loadBalancer", "ingress")?.arrayValue ?? []
            let owner = "\(service.namespace ?? "default")/\(service.name)"
            if let (port, holderName) = holder {
                c.loadBalancerBlocked[service.key] = "port \(port) is held by service \(holderName)"
                if !ingress.isEmpty { updated.object["status"] = .object(Object(["loadBalancer": .object(Object())])) }
                let message = "Port \(port) is held by service \(holderName); the load balancer stays pending until it is free"
                if !c.hasEvent(kind: "Service", uid: service.uid, reason: "PortInUse", message: message) || !ingress.isEmpty {
                    c.record("Warning", reason: "PortInUse", message: message,
                             kind: "Service", name: service.name, namespace: service.namespace ?? "default", uid: service.uid, component: component)
                }
            } else {
                c.loadBalancerBlocked[service.key] = nil
                for port in ports { held[port] = owner }
                if ingress.isEmpty {
                    updated.object["status"] = .object(Object(["loadBalancer": .object(Object(["ingress": .array([
                        .object(Object(["ip": .string("127.0.0.1"), "ipMode": .string("VIP")])),
                    ])]))]))
                    c.record(reason: "EnsuringLoadBalancer", message: "Ensuring load balancer", kind: "Service", name: service.name,
                             namespace: service.namespace ?? "default", uid: service.uid, component: component)
                    c.record(reason: "EnsuredLoadBalancer", message: "Ensured load balancer", kind: "Service", name: service.name,
                             namespace: service.namespace ?? "default", uid: service.uid, component: component)
                }
            }
            if updated != service {
                c.services[service.key] = updated
                c.dirtyServices.insert(service.key)
                changed = true
            }
        }
        return changed
    }

    /// Why clients outside cannot reach a LoadBalancer Service now, nil when they can (or it
    /// is no LoadBalancer): it has no external IP.
    static func unreachable(_ key: ObjectKey, in c: Cluster) -> String? {
        guard let service = c.services[key], service.value.at("spec", "type")?.stringValue == "LoadBalancer",
              (service.value.at("status", "loadBalancer", "ingress")?.arrayValue ?? []).isEmpty else { return nil }
        return "no external IP (<pending>): " + (c.loadBalancerBlocked[key] ?? "no load balancer has taken it")
    }
}

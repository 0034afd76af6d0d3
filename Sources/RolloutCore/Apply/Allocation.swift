/// What the API server assigns to a new Service: a cluster IP (k3s' 10.43.0.0/16 range) and,
/// for NodePort and LoadBalancer services, node ports from 30000–32767. Deterministic: both
/// come from counters in the state.
enum Allocation {
    static func assignServiceAddresses(_ resource: inout Resource, store: StateStore) {
        guard resource.kind == "Service", resource.type.group.isEmpty, var spec = resource.object["spec"]?.objectValue else { return }
        let type = spec["type"]?.stringValue ?? "ClusterIP"
        if type != "ExternalName" {
            if spec["clusterIP"]?.stringValue == nil {
                let n = store.nextCounter("serviceIP") + 9
                spec["clusterIP"] = .string("10.43.\(n / 254 % 256).\(n % 254 + 1)")
            }
            if let ip = spec["clusterIP"], spec["clusterIPs"] == nil { spec["clusterIPs"] = .array([ip]) }
            if spec["ipFamilies"] == nil { spec["ipFamilies"] = .array([.string("IPv4")]) }
            if spec["ipFamilyPolicy"] == nil { spec["ipFamilyPolicy"] = .string("SingleStack") }
        }
        if type == "NodePort" || (type == "LoadBalancer" && spec["allocateLoadBalancerNodePorts"] != .bool(false)) {
            spec.updateEach("ports") { port in
                if port["nodePort"] == nil || port["nodePort"] == .int(0) {
                    port["nodePort"] = .int(30000 + (store.nextCounter("nodePort") * 7919) % 2768)
                }
            }
        }
        resource.object["spec"] = .object(spec)
    }
}

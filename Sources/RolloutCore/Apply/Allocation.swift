/// What the API server assigns to a new Service: a cluster IP (k3s' 10.43.0.0/16 range) and,
/// for NodePort and LoadBalancer services, node ports from 30000–32767. Deterministic: both
/// come from counters in the state.
enum Allocation {
    static func assignServiceAddresses(_ resource: inout Resource, store: StateStore) {
        guard resource.kind == "Service", resource.type.group.isEmpty, var spec = resource.object["spec"]?.objectValue else { return }
        let type = spec["type"]?.stringValue ?? "ClusterIP"
        // What other Services hold (an imported cluster's among them): the allocators skip it,
        // as the API server's bitmap allocators never hand out an address or port twice.
        // Read once per command; what this command allocates is added as it goes. (A Service
        // deleted meanwhile only makes its address skipped.)
        if store.allocated == nil {
            var used = StateStore.Allocated()
            for service in (try? store.list(Cluster.serviceType)) ?? [] {
                for ip in service.value.at("spec", "clusterIPs")?.arrayValue ?? [] { if let ip = ip.stringValue { used.ips.insert(ip) } }
                if let ip = service.value.at("spec", "clusterIP")?.stringValue { used.ips.insert(ip) }
                for port in service.value.at("spec", "ports")?.arrayValue ?? [] { if let n = port["nodePort"]?.intValue { used.nodePorts.insert(n) } }
            }
            store.allocated = used
        }
        var usedIPs = store.allocated?.ips ?? [], usedPorts = store.allocated?.nodePorts ?? []
        defer {
            if let ip = resource.value.at("spec", "clusterIP")?.stringValue { store.allocated?.ips.insert(ip) }
            for port in resource.value.at("spec", "ports")?.arrayValue ?? [] { if let n = port["nodePort"]?.intValue { store.allocated?.nodePorts.insert(n) } }
        }
        if type != "ExternalName" {
            if spec["clusterIP"]?.stringValue == nil {
                var ip = ""
                // At most the range's size of tries: 10.43.0.0/16 has 65,024 addresses here.
                for _ in 0..<65_024 {
                    let n = store.nextCounter("serviceIP") + 9
                    ip = "10.43.\(n / 254 % 256).\(n % 254 + 1)"
                    if !usedIPs.contains(ip) { break }
                }
                spec["clusterIP"] = .string(ip)
            }
            if let ip = spec["clusterIP"], spec["clusterIPs"] == nil { spec["clusterIPs"] = .array([ip]) }
            if spec["ipFamilies"] == nil { spec["ipFamilies"] = .array([.string("IPv4")]) }
            if spec["ipFamilyPolicy"] == nil { spec["ipFamilyPolicy"] = .string("SingleStack") }
        }
        if type == "NodePort" || (type == "LoadBalancer" && spec["allocateLoadBalancerNodePorts"] != .bool(false)) {
            spec.updateEach("ports") { port in
                if port["nodePort"] == nil || port["nodePort"] == .int(0) {
                    var number = 0
                    for _ in 0..<2768 {
                        number = 30000 + (store.nextCounter("nodePort") * 7919) % 2768
                        if !usedPorts.contains(number) { break }
                    }
                    usedPorts.insert(number)
                    port["nodePort"] = .int(number)
                }
            }
        }
        resource.object["spec"] = .object(spec)
    }

    /// What an update keeps of the old Service (`pkg/registry/core/service/storage/storage.go`
    /// beginUpdate → patchAllocatedValues; KUBERNETES-kubelet.md §5): an empty clusterIP or
    /// clusterIPs comes from the old object; between NodePort/LoadBalancer types a port without
    /// a nodePort takes the old port's of the same name ("" for an unnamed port) unless another
    /// port uses that number; a Local LoadBalancer keeps its healthCheckNodePort. First the
    /// fields its new type no longer needs go (`dropTypeDependentFields`). Ports still without
    /// a nodePort are then allocated, as on create.
    static func patchAllocatedValues(_ resource: inout Resource, old: Resource, store: StateStore) {
        guard resource.kind == "Service", resource.type.group.isEmpty,
              var spec = resource.object["spec"]?.objectValue, let oldSpec = old.object["spec"]?.objectValue else { return }
        let type = spec["type"]?.stringValue ?? "ClusterIP", oldType = oldSpec["type"]?.stringValue ?? "ClusterIP"
        dropTypeDependentFields(&resource, old: old)
        spec = resource.object["spec"]?.objectValue ?? spec
        if type != "ExternalName" && oldType != "ExternalName" {
            if spec["clusterIP"]?.stringValue?.isEmpty ?? true, let ip = oldSpec["clusterIP"] { spec["clusterIP"] = ip }
            if spec["clusterIPs"]?.arrayValue?.isEmpty ?? true, let ips = oldSpec["clusterIPs"] { spec["clusterIPs"] = ips }
        }
        let nodePortTypes: Set<String> = ["NodePort", "LoadBalancer"]
        let oldPorts = oldSpec["ports"]?.arrayValue ?? []
        if nodePortTypes.contains(type) && nodePortTypes.contains(oldType) {
            let used = Set((spec["ports"]?.arrayValue ?? []).compactMap { $0["nodePort"]?.intValue }.filter { $0 != 0 })
            var taken = used
            spec.updateEach("ports") { port in
                guard (port["nodePort"]?.intValue ?? 0) == 0 else { return }
                let name = port["name"]?.stringValue ?? ""
                guard let previous = oldPorts.first(where: { ($0["name"]?.stringValue ?? "") == name })?["nodePort"]?.intValue,
                      previous != 0, !taken.contains(previous) else { return }
                port["nodePort"] = .int(previous)
                taken.insert(previous)
            }
            if type == "LoadBalancer", spec["externalTrafficPolicy"]?.stringValue == "Local",
               (spec["healthCheckNodePort"]?.intValue ?? 0) == 0, let check = oldSpec["healthCheckNodePort"] {
                spec["healthCheckNodePort"] = check
            }
        }
        resource.object["spec"] = .object(spec)
        assignServiceAddresses(&resource, store: store)
    }

    /// `dropTypeDependentFields` (`pkg/registry/core/service/strategy.go`, PrepareForUpdate,
    /// before validation): a Service changed to a type that no longer needs a field loses it —
    /// when the update left it as it was (a field the user changed too stays, and validation
    /// says why). Its cluster IPs, IP families and their policy for ExternalName; its node
    /// ports (all, if none changed) for a type without them; its health check node port; its
    /// `allocateLoadBalancerNodePorts` and `loadBalancerClass` when it is no LoadBalancer; its
    /// `externalTrafficPolicy` when it is no longer reachable from outside. (A NodePort
    /// Service applied again without `type` becomes a ClusterIP one without node ports or a
    /// traffic policy, as on a cluster.)
    static func dropTypeDependentFields(_ resource: inout Resource, old: Resource) {
        guard resource.kind == "Service", resource.type.group.isEmpty,
              var spec = resource.object["spec"]?.objectValue, let oldSpec = old.object["spec"]?.objectValue else { return }
        func type(_ s: Object) -> String { s["type"]?.stringValue ?? "ClusterIP" }
        func needsClusterIP(_ s: Object) -> Bool { type(s) != "ExternalName" }
        func needsNodePort(_ s: Object) -> Bool { type(s) == "NodePort" || (type(s) == "LoadBalancer" && s["allocateLoadBalancerNodePorts"] != .bool(false)) }
        func needsHealthCheckPort(_ s: Object) -> Bool { type(s) == "LoadBalancer" && s["externalTrafficPolicy"]?.stringValue == "Local" }
        func externallyAccessible(_ s: Object) -> Bool {
            ["LoadBalancer", "NodePort"].contains(type(s)) || (type(s) == "ClusterIP" && !(s["externalIPs"]?.arrayValue ?? []).isEmpty)
        }
        func same(_ key: String) -> Bool { spec[key] == oldSpec[key] }
        if needsClusterIP(oldSpec) && !needsClusterIP(spec) {
            if same("clusterIP") && same("clusterIPs") {
                spec["clusterIP"] = nil
                spec["clusterIPs"] = nil
            }
            if same("ipFamilies") { spec["ipFamilies"] = nil }
            if same("ipFamilyPolicy") { spec["ipFamilyPolicy"] = nil }
        }
        // sameNodePorts: port by port, in order.
        let ports = spec["ports"]?.arrayValue ?? [], oldPorts = oldSpec["ports"]?.arrayValue ?? []
        let sameNodePorts = ports.count == oldPorts.count
            && zip(ports, oldPorts).allSatisfy { ($0["nodePort"]?.intValue ?? 0) == ($1["nodePort"]?.intValue ?? 0) }
        if needsNodePort(oldSpec) && !needsNodePort(spec) && sameNodePorts {
            spec.updateEach("ports") { port in port["nodePort"] = nil }
        }
        if needsHealthCheckPort(oldSpec) && !needsHealthCheckPort(spec) && same("healthCheckNodePort") { spec["healthCheckNodePort"] = nil }
        if type(oldSpec) == "LoadBalancer" && type(spec) != "LoadBalancer" {
            if spec["allocateLoadBalancerNodePorts"] != nil && same("allocateLoadBalancerNodePorts") { spec["allocateLoadBalancerNodePorts"] = nil }
            if same("loadBalancerClass") { spec["loadBalancerClass"] = nil }
        }
        if externallyAccessible(oldSpec) && !externallyAccessible(spec) && same("externalTrafficPolicy") { spec["externalTrafficPolicy"] = nil }
        resource.object["spec"] = .object(spec)
    }
}

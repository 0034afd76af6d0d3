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
    /// port uses that number; a Local LoadBalancer keeps its healthCheckNodePort. A change to a
    /// type without node ports drops the ones the old object had (dropTypeDependentFields).
    /// Ports still without a nodePort are then allocated, as on create.
    static func patchAllocatedValues(_ resource: inout Resource, old: Resource, store: StateStore) {
        guard resource.kind == "Service", resource.type.group.isEmpty,
              var spec = resource.object["spec"]?.objectValue, let oldSpec = old.object["spec"]?.objectValue else { return }
        let type = spec["type"]?.stringValue ?? "ClusterIP", oldType = oldSpec["type"]?.stringValue ?? "ClusterIP"
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
        } else if !nodePortTypes.contains(type) && nodePortTypes.contains(oldType) {
            let oldNumbers = Set(oldPorts.compactMap { $0["nodePort"]?.intValue })
            spec.updateEach("ports") { port in
                if let number = port["nodePort"]?.intValue, oldNumbers.contains(number) { port["nodePort"] = nil }
            }
        }
        resource.object["spec"] = .object(spec)
        assignServiceAddresses(&resource, store: store)
    }
}

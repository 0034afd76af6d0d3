/// DaemonSet hazards: how its rollouts leave nodes without their agent or stop
/// (`pkg/controller/daemon/update.go` rollingUpdate, `daemon_controller.go` podsShouldBeOnNode;
/// the scheduler's NodePorts filter).
extension Linter {
    static func daemonSetHazards(_ r: Resource, _ document: ManifestDocument, known: KnownObjects) -> [Hazard] {
        var reader = FieldReader()
        let ds = DaemonSet(r, reader: &reader)
        var found: [Hazard] = []
        let spec = FieldPath("spec")
        let rolling = spec / "updateStrategy" / "rollingUpdate"
        func add(_ code: String, _ severity: Hazard.Severity, _ path: FieldPath, _ message: String, fix: String) {
            found.append(hazard(code, severity, r, document, path, message, fix: fix))
        }
        let hostNetwork = r.object["spec"]?["template"]?["spec"]?["hostNetwork"]?.boolValue == true
        let hostPorts = ds.template.spec.containers.flatMap(\.ports).compactMap(\.hostPort).filter { $0 > 0 }
            + (hostNetwork ? ds.template.spec.containers.flatMap(\.ports).map(\.containerPort) : [])
        switch ds.updateStrategy {
        case .onDelete:
            add("on-delete-never-rolls", .warning, spec / "updateStrategy" / "type",
                "updateStrategy OnDelete: a template change rolls no pod; each node keeps the old pod until someone deletes it",
                fix: "use RollingUpdate, or delete the pods node by node after each change")
        case .rollingUpdate(let unavailable, let surge):
            let nodes = known.nodes.count
            let covers = unavailable.percent.map { $0 >= 100 } ?? (nodes > 0 && (unavailable.scaled(total: nodes, roundUp: true) ?? 0) >= nodes)
            if covers {
                add("max-unavailable-all-nodes", .warning, rolling / "maxUnavailable",
                    "maxUnavailable \(unavailable) covers every node\(nodes > 0 ? " (\(nodes) in the cluster)" : ""): a template change takes the pod off every node at once",
                    fix: "roll a few nodes at a time: maxUnavailable: 1 (or 10%)")
            }
            let surging = (surge.scaled(total: 1, roundUp: true) ?? 0) > 0
            if surging, let port = hostPorts.first {
                add("surge-with-host-port", .error, rolling / "maxSurge",
                    "maxSurge with host port \(port): the new pod cannot be placed beside the old one on its node (the port is taken), so the rollout never finishes",
                    fix: "use maxUnavailable: 1 and maxSurge: 0 for a pod that holds a host port")
            } else if !surging, let port = hostPorts.first {
                add("daemonset-node-gap", .warning, rolling / "maxUnavailable",
                    "without a surge each node's new pod is made only once its old pod is gone: host port \(port) is closed on the node from the old pod's SIGTERM until the new one is ready",
                    fix: "keep clients off the node meanwhile (a readiness probe and a preStop delay for the load balancer's health check), or accept the gap node by node")
            }
        }
        found += sysctlHazards(r, document)
        return found
    }
}

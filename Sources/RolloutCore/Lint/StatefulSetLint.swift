/// StatefulSet hazards: how its rollouts drop traffic or stop, per the 1.32 controller
/// (`stateful_set_control.go` processReplica, updateStatefulSet) and its feature gates
/// (`pkg/features/kube_features.go`: MaxUnavailableStatefulSet alpha, off).
extension Linter {
    static func statefulSetHazards(_ r: Resource, _ document: ManifestDocument, known: KnownObjects) -> [Hazard] {
        var reader = FieldReader()
        let set = StatefulSet(r, reader: &reader)
        var found: [Hazard] = []
        let spec = FieldPath("spec")
        func add(_ code: String, _ severity: Hazard.Severity, _ path: FieldPath, _ message: String, fix: String) {
            found.append(hazard(code, severity, r, document, path, message, fix: fix))
        }
        let containers = set.template.spec.containers
        if !set.allowsBurst && set.replicas > 1 && !containers.contains(where: { $0.readinessProbe != nil }) {
            add("ordered-ready-without-readiness", .warning, spec / "template" / "spec" / "containers",
                "OrderedReady waits for each pod to be Ready before the next, but with no readiness probe a pod is Ready as soon as its container starts: the next pod is made, or the next one replaced, before this one can serve",
                fix: "add a readinessProbe that passes only once the pod can serve (replicated, caught up)")
        }
        if case .rollingUpdate(let partition?, _) = set.updateStrategy {
            if partition > 0 {
                add("partition-left", .warning, spec / "updateStrategy" / "rollingUpdate" / "partition",
                    "partition is \(partition): pods below ordinal \(set.startOrdinal + partition) keep the old template for good, and `rollout status` calls the rollout complete once \(max(0, set.replicas - partition)) pods are updated",
                    fix: "set partition back to 0 once the canary ordinals are verified")
            }
        }
        // As written: defaulting drops the field (dropStatefulSetDisabledFields).
        if document.value["spec"]?["updateStrategy"]?["rollingUpdate"]?["maxUnavailable"] != nil {
            add("feature-gate-off", .warning, spec / "updateStrategy" / "rollingUpdate" / "maxUnavailable",
                "maxUnavailable needs the MaxUnavailableStatefulSet feature gate, alpha and off in Kubernetes 1.32: the API server drops the field and pods are updated one at a time",
                fix: "remove maxUnavailable, or enable the gate on the API server and the controller manager")
        }
        if case .onDelete = set.updateStrategy {
            add("on-delete-never-rolls", .warning, spec / "updateStrategy" / "type",
                "updateStrategy OnDelete: a template change rolls no pod; each keeps the old template until someone deletes it",
                fix: "use RollingUpdate, or delete the pods one by one after each change (`rollout delete pod NAME-N`)")
        }
        // The governing Service: without it, or with a cluster IP, the pods have no DNS names.
        if !set.serviceName.isEmpty {
            let namespace = r.namespace ?? "default"
            if let service = known.services["\(namespace)/\(set.serviceName)"] {
                if service.object["spec"]?["clusterIP"]?.stringValue != "None" {
                    add("governing-service-not-headless", .warning, spec / "serviceName",
                        "Service \(set.serviceName) has a cluster IP: CoreDNS gives the pods no names of their own (\(r.name)-0.\(set.serviceName) does not resolve)",
                        fix: "make the governing Service headless (clusterIP: None), next to any Service clients use")
                }
            } else {
                add("governing-service-missing", .warning, spec / "serviceName",
                    "Service \(set.serviceName) is not among the manifests\(known.hasCluster ? " nor in the cluster" : ""): the pods have no DNS names",
                    fix: "add a headless Service \(set.serviceName) (clusterIP: None) selecting the pods")
            }
        }
        found += sysctlHazards(r, document)
        return found
    }
}

/// `replicas-with-hpa`: a Deployment or StatefulSet a HorizontalPodAutoscaler scales (in the
/// manifests or the cluster, `spec.scaleTargetRef` in its namespace) whose manifest sets
/// `spec.replicas`. kubectl's three-way merge sends the field whenever it changes from the last
/// applied value, and the API server sets the live count to it — scaling away what the autoscaler
/// added — until the autoscaler's next sync (15 s by default) scales it back by its metrics.
/// Kubernetes' own advice (the HorizontalPodAutoscaler walkthrough, "Migrating Deployments and
/// StatefulSets to horizontal autoscaling"): leave `spec.replicas` out of the manifest. The
/// autoscaler itself is not simulated.
extension Linter {
    static let autoscalerType = ResourceType.forObject(apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler")

    /// `namespace/Kind/name` of each scale target of `autoscalers`.
    static func scaleTargets(_ autoscalers: [Resource], defaultNamespace: String) -> Set<String> {
        Set(autoscalers.compactMap { hpa in
            guard let ref = hpa.object["spec"]?["scaleTargetRef"], let kind = ref["kind"]?.stringValue, let name = ref["name"]?.stringValue else { return nil }
            return "\(hpa.namespace ?? defaultNamespace)/\(kind)/\(name)"
        })
    }

    static func autoscalerHazards(_ documents: [ManifestDocument], targets: Set<String>, defaultNamespace: String) -> [Hazard] {
        guard !targets.isEmpty else { return [] }
        var found: [Hazard] = []
        for document in documents {
            guard case .object(let object) = document.value, object["spec"]?["replicas"] != nil else { continue }
            var resource = Resource(object)
            guard resource.type.group == "apps", resource.kind == "Deployment" || resource.kind == "StatefulSet" else { continue }
            if (resource.namespace ?? "").isEmpty { resource.namespace = defaultNamespace }
            guard targets.contains("\(resource.namespace ?? defaultNamespace)/\(resource.kind)/\(resource.name)") else { continue }
            let replicas = object["spec"]?["replicas"].map(JSONPath.text) ?? ""
            found.append(hazard("replicas-with-hpa", .warning, resource, document, FieldPath("spec.replicas"),
                                "a HorizontalPodAutoscaler scales it, and the manifest sets replicas: \(replicas): whenever that value changes, apply sets the live count to it — scaling away what the autoscaler added — until the autoscaler's next sync",
                                fix: "remove spec.replicas from the manifest and let the HorizontalPodAutoscaler own it (its minReplicas is the floor)"))
        }
        return found
    }
}

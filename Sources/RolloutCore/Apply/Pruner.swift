/// `apply --prune -l SEL`: delete objects that an earlier apply created (they carry the
/// last-applied annotation), that match the selector, that live in a namespace this apply
/// touched, and that this apply no longer names. Kinds as kubectl's default allowlist.
enum Pruner {
    static let kinds = ["ConfigMap", "Endpoints", "Namespace", "PersistentVolumeClaim", "PersistentVolume", "Pod", "Secret", "Service",
                        "Job", "CronJob", "Ingress", "DaemonSet", "Deployment", "ReplicaSet", "StatefulSet"]

    static func prune(store: StateStore, applied: [ObjectKey], options: ApplyOptions) throws -> [ApplyOutcome] {
        let keep = Set(applied)
        let namespaces = Set(applied.map(\.namespace)).union([options.namespace])
        var outcomes: [ApplyOutcome] = []
        let deleter = Deleter(store: store)
        for kind in kinds {
            guard let type = ResourceType.builtIn.first(where: { $0.kind == kind }) else { continue }
            for resource in try store.list(type) {
                let key = resource.key
                guard !keep.contains(key), resource.annotations[Applier.lastAppliedAnnotation] != nil,
                      !type.namespaced || namespaces.contains(key.namespace),
                      options.selector?.matches(resource.labels) ?? true else { continue }
                // What the API server refuses to delete (DeletionAdmission) is left alone.
                if DeletionAdmission.refusal(resource) != nil { continue }
                if options.dryRun == .none { try deleter.delete(resource) }
                outcomes.append(ApplyOutcome(object: resource.qualifiedName, operation: "pruned" + options.dryRun.suffix, resource: resource))
            }
        }
        return outcomes
    }
}

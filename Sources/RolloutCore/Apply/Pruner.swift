/// `apply --prune -l SEL`: delete objects that an earlier apply created (they carry the
/// last-applied annotation), that match the selector, that live in a namespace this apply
/// visited, and that this apply no longer names — as kubectl 1.32's client-side prune does
/// (`staging/src/k8s.io/kubectl/pkg/cmd/apply/prune.go`, `pruneAll` and `prune`).
///
/// The order is kubectl's: each visited namespace in turn, the namespaced kinds of the default
/// allowlist in its order within it, then the cluster-scoped kinds (Namespace, then
/// PersistentVolume); within a kind, the objects as the API server lists them (by name). The
/// visited namespaces are those of the applied namespaced objects, and `-n` when it was given
/// (`EnforceNamespace`). One difference on purpose: kubectl walks them in a Go map's order,
/// which changes from run to run; here they go in name order.
///
/// kubectl stops at the first delete the API server refuses (an immortal namespace:
/// `DeletionAdmission`) and returns `error pruning nonNamespaced object /v1, Kind=Namespace:
/// namespaces "kube-public" is forbidden: this namespace may not be deleted` — what was applied
/// and pruned before it stays done. A client dry run asks the server nothing, so it is not
/// refused; a server dry run is (admission runs on a dry-run delete).
enum Pruner {
    /// kubectl's default allowlist (`getRESTMappings`), groups and kinds, namespaced and
    /// cluster-scoped apart, each in its order.
    static let namespacedKinds = [("", "ConfigMap"), ("", "Endpoints"), ("", "PersistentVolumeClaim"), ("", "Pod"), ("", "ReplicationController"),
                                  ("", "Secret"), ("", "Service"), ("batch", "Job"), ("batch", "CronJob"), ("networking.k8s.io", "Ingress"),
                                  ("apps", "DaemonSet"), ("apps", "Deployment"), ("apps", "ReplicaSet"), ("apps", "StatefulSet")]
    static let clusterKinds = [("", "Namespace"), ("", "PersistentVolume")]

    /// What a prune did: the objects pruned, in order, and — when the API server refused one —
    /// kubectl's error, after which nothing more was pruned.
    struct Result {
        var outcomes: [ApplyOutcome] = []
        var failure: String?
    }

    /// `applied`: the objects this apply sent; `enforced`: `-n`, when it was given.
    static func prune(store: StateStore, applied: [Resource], enforced: String?, options: ApplyOptions) throws -> Result {
        let keep = Set(applied.map(\.key))
        var visited = Set(applied.filter(\.type.namespaced).map(\.key.namespace))
        if let enforced { visited.insert(enforced) }
        var result = Result()
        let deleter = Deleter(store: store)
        // One kind in one namespace (nil: a cluster-scoped kind); false once a delete is refused.
        func prune(_ type: ResourceType, in namespace: String?) throws -> Bool {
            for resource in try store.list(type, namespace: namespace) {
                guard !keep.contains(resource.key), resource.annotation(Applier.lastAppliedAnnotation) != nil,
                      options.selector?.matches(resource.labels) ?? true else { continue }
                if options.dryRun != .client, let refusal = DeletionAdmission.refusal(resource) {
                    let gvk = "\(type.group)/\(type.version), Kind=\(type.kind)"
                    result.failure = "error pruning \(type.namespaced ? "namespaced" : "nonNamespaced") object \(gvk): \(refusal)"
                    return false
                }
                if options.dryRun == .none { try deleter.delete(resource) }
                result.outcomes.append(ApplyOutcome(object: resource.qualifiedName, operation: "pruned" + options.dryRun.suffix, resource: resource))
            }
            return true
        }
        func type(_ kind: (group: String, kind: String)) -> ResourceType? { ResourceType.builtIn.first { $0.group == kind.group && $0.kind == kind.kind } }
        for namespace in visited.sorted() {
            for kind in namespacedKinds {
                guard let type = type(kind), type.namespaced else { continue }
                guard try prune(type, in: namespace) else { return result }
            }
        }
        for kind in clusterKinds {
            guard let type = type(kind), !type.namespaced else { continue }
            guard try prune(type, in: nil) else { return result }
        }
        return result
    }
}

/// A prune the API server stopped part-way (kubectl returns at the first refused delete): the
/// objects applied and pruned before it are done — stored, unless it was a dry run — and are
/// printed before the error, which exits 1.
public struct PruneFailure: Error, Sendable {
    /// What was applied, then what was pruned, as kubectl printed them.
    public var outcomes: [ApplyOutcome]
    /// kubectl's error, without its `error: ` prefix.
    public var message: String
}

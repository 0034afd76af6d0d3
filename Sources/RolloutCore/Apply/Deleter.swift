/// Deletes objects and, as the garbage collector does with background propagation, every
/// object that names one in `ownerReferences` (a Deployment's ReplicaSets and their Pods);
/// deleting a Namespace deletes everything in it, deleting a Service its Endpoints.
/// A pod whose containers have started is deleted gracefully, as the API server does: it gets
/// a `deletionTimestamp` and stays, Terminating, until the kubelet has stopped it (which
/// happens when a command lets time pass).
///
/// One `Deleter` serves a whole command: the owner index is built once, on the first object
/// that can have dependents, so deleting N objects (`delete cm --all`, a prune, a namespace)
/// costs O(N), not a listing of every stored object per deletion.
public final class Deleter {
    let store: StateStore
    /// `--grace-period`: nil for each pod's own `terminationGracePeriodSeconds`; 0 removes
    /// pods at once (`--force --grace-period=0`), as the API server does for grace 0.
    let gracePeriod: Int?
    /// Owner uid → the keys of the objects naming it, built on first use.
    private var dependents: [String: [ObjectKey]]?

    public init(store: StateStore, gracePeriod: Int? = nil) {
        self.store = store
        self.gracePeriod = gracePeriod
    }

    /// Deletes one object and what it owns; returns the pods left terminating.
    @discardableResult
    public func delete(_ resource: Resource) throws(StoreError) -> [ObjectKey] {
        var terminating: [ObjectKey] = []
        if resource.kind == "Pod" && resource.type.group.isEmpty && gracePeriod != 0 {
            if resource.deletionTimestamp != nil { return [resource.key] }
            // `CheckGracefulDelete` (pod/strategy.go): a pod already terminated (Succeeded or
            // Failed) is deleted at once, grace 0.
            let phase = resource.value.at("status", "phase")?.stringValue
            if resource.value.at("status", "containerStatuses") != nil && phase != "Succeeded" && phase != "Failed" {
                // `CheckGracefulDelete` (pod/strategy.go): the request's grace, else the pod's, a
                // negative one as 1 s; `BeforeDelete` (rest/delete.go): the deletionTimestamp is
                // the request time plus the grace period.
                let requested = gracePeriod ?? resource.value.at("spec", "terminationGracePeriodSeconds")?.intValue ?? 30
                let grace = requested < 0 ? 1 : min(requested, SimulationLimits.maxSeconds)
                var pod = resource
                var meta = pod.metadata
                meta["deletionTimestamp"] = .string(store.clock.adding(Duration(seconds: grace)).description)
                meta["deletionGracePeriodSeconds"] = .int(grace)
                pod.metadata = meta
                try store.writeStatus(pod)
                return [resource.key]
            }
        }
        try store.delete(resource.key)
        // The root CA publisher makes its ConfigMap again (`configMapDeleted`), but in a
        // namespace being deleted (already gone here).
        if RootCACertPublisher.isPublished(resource) { try RootCACertPublisher.sync(namespace: resource.key.namespace, store: store) }
        if resource.kind == "Namespace" && resource.type.group.isEmpty {
            for type in store.storedTypes where type.namespaced {
                for dependent in try store.list(type, namespace: resource.name) {
                    terminating += try delete(dependent)
                }
            }
            return terminating
        }
        if resource.kind == "Service" && resource.type.group.isEmpty {
            for kind in [("v1", "Endpoints"), ("rollout.dev/v1alpha1", "EndpointsPropagation")] {
                let key = ObjectKey(type: ResourceType.forObject(apiVersion: kind.0, kind: kind.1).storageKey, namespace: resource.key.namespace, name: resource.name)
                if try store.get(key) != nil { try store.delete(key) }
            }
        }
        let uid = resource.uid
        guard !uid.isEmpty, resource.type.namespaced else { return terminating }
        for key in try dependentKeys(of: uid) {
            guard let dependent = try store.get(key) else { continue }
            terminating += try delete(dependent)
        }
        return terminating
    }

    /// Removes an object by its key without reading it: for an object whose stored text is
    /// damaged (`delete --force --grace-period=0`). What it owned cannot be known.
    public func forceRemove(_ key: ObjectKey) throws(StoreError) {
        try store.delete(key)
    }

    private func dependentKeys(of uid: String) throws(StoreError) -> [ObjectKey] {
        if dependents == nil {
            var index: [String: [ObjectKey]] = [:]
            for type in store.storedTypes where type.namespaced {
                for object in try store.list(type) {
                    for owner in object.ownerReferences where !owner.uid.isEmpty { index[owner.uid, default: []].append(object.key) }
                }
            }
            dependents = index
        }
        return dependents?[uid] ?? []
    }
}

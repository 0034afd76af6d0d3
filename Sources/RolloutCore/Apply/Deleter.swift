/// Deletes an object and, as the garbage collector does with background propagation, every
/// object that names it in `ownerReferences` (a Deployment's ReplicaSets and their Pods);
/// deleting a Namespace deletes everything in it, deleting a Service its Endpoints.
/// A pod whose containers have started is deleted gracefully, as the API server does: it gets
/// a `deletionTimestamp` and stays, Terminating, until the kubelet has stopped it (which
/// happens when a command lets time pass).
public enum Deleter {
    /// Returns the pods left terminating.
    @discardableResult
    public static func delete(_ resource: Resource, store: StateStore) throws(StoreError) -> [ObjectKey] {
        var terminating: [ObjectKey] = []
        if resource.kind == "Pod" && resource.type.group.isEmpty {
            if resource.deletionTimestamp != nil { return [resource.key] }
            if resource.value.at("status", "containerStatuses") != nil {
                var pod = resource
                var meta = pod.metadata
                meta["deletionTimestamp"] = .string(store.clock.description)
                meta["deletionGracePeriodSeconds"] = .int(resource.value.at("spec", "terminationGracePeriodSeconds")?.intValue ?? 30)
                pod.metadata = meta
                try store.writeStatus(pod)
                return [resource.key]
            }
        }
        try store.delete(resource.key)
        let uid = resource.uid
        if resource.kind == "Namespace" && resource.type.group.isEmpty {
            for type in store.storedTypes where type.namespaced {
                for dependent in try store.list(type, namespace: resource.name) {
                    terminating += try delete(dependent, store: store)
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
        guard !uid.isEmpty, resource.type.namespaced else { return terminating }
        for type in store.storedTypes where type.namespaced {
            for dependent in try store.list(type, namespace: resource.key.namespace) where dependent.ownerReferences.contains(where: { $0.uid == uid }) {
                terminating += try delete(dependent, store: store)
            }
        }
        return terminating
    }
}

/// Deletes an object and, as the garbage collector does with background propagation, every
/// object that names it in `ownerReferences` (a Deployment's ReplicaSets and their Pods);
/// deleting a Namespace deletes everything in it.
public enum Deleter {
    public static func delete(_ resource: Resource, store: StateStore) throws(StoreError) {
        try store.delete(resource.key)
        let uid = resource.uid
        if resource.kind == "Namespace" && resource.type.group.isEmpty {
            for type in store.storedTypes where type.namespaced {
                for dependent in try store.list(type, namespace: resource.name) {
                    try delete(dependent, store: store)
                }
            }
            return
        }
        guard !uid.isEmpty, resource.type.namespaced else { return }
        for type in store.storedTypes where type.namespaced {
            for dependent in try store.list(type, namespace: resource.key.namespace) where dependent.ownerReferences.contains(where: { $0.uid == uid }) {
                try delete(dependent, store: store)
            }
        }
    }
}

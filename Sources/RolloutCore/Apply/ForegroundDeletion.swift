/// Deletion in the foreground (`propagationPolicy: Foreground`), as the garbage collector does
/// it (`pkg/controller/garbagecollector/garbagecollector.go`, `processDeletingDependentsItem`):
/// the object gets a `deletionTimestamp` and the `foregroundDeletion` finalizer and stays; so
/// does each dependent that has dependents of its own (a Deployment's ReplicaSets, owners
/// with `blockOwnerDeletion`), while the rest (their pods) are deleted, gracefully; an object
/// marked so is removed once nothing names it as owner any more — the pods first, then the
/// ReplicaSets, then the Deployment.
public enum ForegroundDeletion {
    public static let finalizer = "foregroundDeletion"

    /// Starts deleting `resource` in the foreground; returns the keys of the objects left
    /// marked (to `collect` later).
    public static func begin(_ resource: Resource, store: StateStore, gracePeriod: Int?) throws(StoreError) -> [ObjectKey] {
        let dependents = try dependents(of: resource, store: store)
        if dependents.isEmpty && !(resource.kind == "Pod" && resource.type.group.isEmpty) {
            // Nothing depends on it: it goes at once, as the finalizer would be removed at once.
            _ = try Deleter(store: store, gracePeriod: gracePeriod).delete(resource)
            return []
        }
        if resource.kind == "Pod" && resource.type.group.isEmpty {
            _ = try Deleter(store: store, gracePeriod: gracePeriod).delete(resource)
            return []
        }
        var marked = resource
        var meta = marked.metadata
        if meta["deletionTimestamp"] == nil { meta["deletionTimestamp"] = .string(store.clock.description) }
        var finalizers = meta["finalizers"]?.arrayValue ?? []
        if !finalizers.contains(.string(finalizer)) { finalizers.append(.string(finalizer)) }
        meta["finalizers"] = .array(finalizers)
        marked.metadata = meta
        try store.writeStatus(marked)
        var keys = [resource.key]
        for dependent in dependents {
            keys += try begin(dependent, store: store, gracePeriod: gracePeriod)
        }
        return keys
    }

    /// Removes the marked objects nothing names as owner any more (in turn: a ReplicaSet goes,
    /// then its Deployment). Returns whether any went; `keys` keeps those still waiting.
    public static func collect(_ keys: inout Set<ObjectKey>, store: StateStore) throws(StoreError) -> Bool {
        var removed = false
        var progress = true
        while progress {
            progress = false
            for key in keys.sorted() {
                guard let object = try store.get(key) else {
                    keys.remove(key)
                    continue
                }
                guard object.metadata["finalizers"]?.arrayValue?.contains(.string(finalizer)) == true else {
                    keys.remove(key)
                    continue
                }
                if try dependents(of: object, store: store).isEmpty {
                    try store.delete(key)
                    keys.remove(key)
                    removed = true
                    progress = true
                }
            }
        }
        return removed
    }

    /// The objects of the namespace whose ownerReferences name `resource`.
    static func dependents(of resource: Resource, store: StateStore) throws(StoreError) -> [Resource] {
        let uid = resource.uid
        guard !uid.isEmpty, resource.type.namespaced else { return [] }
        var found: [Resource] = []
        for type in store.storedTypes where type.namespaced {
            for object in try store.list(type, namespace: resource.namespace ?? "default") where object.ownerReferences.contains(where: { $0.uid == uid }) {
                found.append(object)
            }
        }
        return found
    }

    /// The objects marked when the store was last written (to collect after a restart).
    public static func marked(in store: StateStore) throws(StoreError) -> Set<ObjectKey> {
        var keys = Set<ObjectKey>()
        for type in store.storedTypes where ["Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job"].contains(type.kind) {
            for object in try store.list(type) where object.deletionTimestamp != nil
                && object.metadata["finalizers"]?.arrayValue?.contains(.string(finalizer)) == true {
                keys.insert(object.key)
            }
        }
        return keys
    }
}

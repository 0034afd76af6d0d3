/// `kubectl rollout` and friends on a stored Deployment (`polymorphichelpers/`, §9, §10, §13):
/// scale, set image, pause, resume, restart, undo, history. Each returns kubectl's message;
/// refusals are `RolloutActionError`s with kubectl's wording (exit 1).
public struct RolloutActionError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

public enum RolloutActions {
    static let type = ResourceType.forObject(apiVersion: "apps/v1", kind: "Deployment")

    static let statefulSetType = ResourceType.forObject(apiVersion: "apps/v1", kind: "StatefulSet")

    /// The kind `key` names: a Deployment, StatefulSet or DaemonSet.
    static let daemonSetType = ResourceType.forObject(apiVersion: "apps/v1", kind: "DaemonSet")

    static func type(of key: ObjectKey) -> ResourceType {
        key.type == statefulSetType.storageKey ? statefulSetType : key.type == daemonSetType.storageKey ? daemonSetType : type
    }

    /// A StatefulSet or DaemonSet: its history is ControllerRevisions.
    static func keepsRevisions(_ key: ObjectKey) -> Bool { key.type == statefulSetType.storageKey || key.type == daemonSetType.storageKey }

    public static func deployment(_ store: StateStore, _ key: ObjectKey) throws -> Resource {
        guard let resource = try store.get(key) else { throw StoreError.notFound(type(of: key), key.name) }
        return resource
    }

    /// `deployment.apps/web`, `statefulset.apps/db`.
    static func shown(_ key: ObjectKey) -> String { "\(type(of: key).qualifiedSingular)/\(key.name)" }

    static func save(_ store: StateStore, _ updated: Resource, previous: Resource) throws {
        try store.update(updated, previous: previous)
        try store.commit()
    }

    /// `kubectl scale --replicas N`.
    public static func scale(_ store: StateStore, _ key: ObjectKey, replicas: Int) throws -> String {
        // A DaemonSet has no scale subresource: one pod per node.
        if key.type == daemonSetType.storageKey {
            _ = try deployment(store, key)
            throw RolloutActionError(message: "Error from server (NotFound): the server could not find the requested resource")
        }
        guard replicas <= Int(Int32.max) else { throw RolloutActionError(message: "The \(type(of: key).kind) \"\(key.name)\" is invalid: spec.replicas: Invalid value: \(replicas): must be less than or equal to 2147483647") }
        let d = try deployment(store, key)
        var updated = d
        updated.object.set(["spec", "replicas"], .int(replicas))
        if updated != d { try save(store, updated, previous: d) }
        return "\(shown(key)) scaled"
    }

    /// `kubectl set image deployment/NAME C=IMAGE…` (`*` for every container).
    public static func setImage(_ store: StateStore, _ key: ObjectKey, images: [(container: String, image: String)]) throws -> String {
        let d = try deployment(store, key)
        var updated = d
        var containers = d.object["spec"]?["template"]?["spec"]?["containers"]?.arrayValue ?? []
        for (name, image) in images {
            var found = false
            for i in containers.indices where name == "*" || containers[i]["name"]?.stringValue == name {
                if case .object(var c) = containers[i] {
                    c["image"] = .string(image)
                    containers[i] = .object(c)
                    found = true
                }
            }
            if !found { throw RolloutActionError(message: "unable to find container named \"\(name)\"") }
        }
        updated.object.set(["spec", "template", "spec", "containers"], .array(containers))
        if updated == d { return "\(shown(key)) image unchanged" }
        try save(store, updated, previous: d)
        return "\(shown(key)) image updated"
    }

    public static func pause(_ store: StateStore, _ key: ObjectKey) throws -> String {
        let d = try deployment(store, key)
        // `defaultObjectPauser`: only Deployments pause.
        if d.kind != "Deployment" { throw RolloutActionError(message: "\(type(of: key).qualifiedPlural) \"\(key.name)\" pausing is not supported") }
        if d.object["spec"]?["paused"]?.boolValue == true { throw RolloutActionError(message: "deployments.apps \"\(key.name)\" is already paused") }
        var updated = d
        updated.object.set(["spec", "paused"], .bool(true))
        try save(store, updated, previous: d)
        return "\(shown(key)) paused"
    }

    public static func resume(_ store: StateStore, _ key: ObjectKey) throws -> String {
        let d = try deployment(store, key)
        if d.kind != "Deployment" { throw RolloutActionError(message: "\(type(of: key).qualifiedPlural) \"\(key.name)\" resuming is not supported") }
        if d.object["spec"]?["paused"]?.boolValue != true { throw RolloutActionError(message: "deployments.apps \"\(key.name)\" is not paused") }
        var updated = d
        updated.object.set(["spec", "paused"], nil)
        try save(store, updated, previous: d)
        return "\(shown(key)) resumed"
    }

    /// `kubectl rollout restart`: a new template annotation, hence a new ReplicaSet.
    public static func restart(_ store: StateStore, _ key: ObjectKey) throws -> String {
        let d = try deployment(store, key)
        if d.object["spec"]?["paused"]?.boolValue == true { throw RolloutActionError(message: "can't restart paused deployment (run rollout resume first)") }
        var updated = d
        updated.object.set(["spec", "template", "metadata", "annotations", "kubectl.kubernetes.io/restartedAt"], .string(store.clock.description))
        try save(store, updated, previous: d)
        return "\(shown(key)) restarted"
    }

    /// The Deployment's ReplicaSets, by revision.
    static func revisions(_ store: StateStore, _ d: Resource) throws -> [(revision: Int, rs: Resource)] {
        try store.list(ResourceType.forObject(apiVersion: "apps/v1", kind: "ReplicaSet"), namespace: d.namespace)
            .filter { $0.ownerReferences.contains { $0.uid == d.uid } }
            .compactMap { rs in rs.annotations[DeploymentController.revisionAnnotation].flatMap(Int.init).map { ($0, rs) } }
            .sorted { $0.revision < $1.revision }
    }

    /// `kubectl rollout history`, plus each revision's images and creation time.
    /// kubectl's `DeploymentHistoryViewer`: REVISION and CHANGE-CAUSE; `wide` adds each
    /// revision's images and creation time (rollout's own columns).
    public static func history(_ store: StateStore, _ key: ObjectKey, revision: Int?, wide: Bool = false) throws -> String {
        let d = try deployment(store, key)
        if keepsRevisions(key) { return try RevisionHistory.history(store, d, revision: revision, wide: wide) }
        let all = try revisions(store, d)
        if let revision {
            guard let entry = all.first(where: { $0.revision == revision }) else {
                throw RolloutActionError(message: "unable to find the specified revision")
            }
            // The ReplicaSet's template as it is, its pod-template-hash label included, with the
            // ReplicaSet's change-cause among its annotations (DeploymentHistoryViewer puts
            // getChangeCause(rs) there; checked with kubectl-oracle).
            var template = entry.rs.object["spec"]?["template"]?.objectValue ?? Object()
            if let cause = entry.rs.annotations["kubernetes.io/change-cause"], !cause.isEmpty {
                template.update("metadata") { $0.update("annotations") { $0["kubernetes.io/change-cause"] = .string(cause) } }
            }
            return "deployment.apps/\(key.name) with revision #\(revision)\n" + Describer(now: store.clock, events: []).podTemplateText(.object(template))
        }
        if all.isEmpty { return "No rollout history found.\n" }
        var table = TabWriter(minWidth: 0, padding: 2)
        table.add(["REVISION", "CHANGE-CAUSE"] + (wide ? ["IMAGES", "CREATED"] : []))
        for (revision, rs) in all {
            let cause = rs.annotations["kubernetes.io/change-cause"].flatMap { $0.isEmpty ? nil : $0 } ?? "<none>"
            guard wide else { table.add([String(revision), cause]); continue }
            let images = (rs.value.at("spec", "template", "spec", "containers")?.arrayValue ?? []).compactMap { $0["image"]?.stringValue }
            table.add([String(revision), cause, images.joined(separator: ","), rs.creationTimestamp ?? ""])
        }
        return "deployment.apps/\(key.name) \n" + table.render() + "\n"
    }

    /// What `undo` would do: the patched Deployment, or a message when nothing changes.
    public static func undoTarget(_ store: StateStore, _ key: ObjectKey, toRevision: Int) throws -> (updated: Resource?, previous: Resource, revision: Int) {
        let d = try deployment(store, key)
        let all = try revisions(store, d)
        let target: (revision: Int, rs: Resource)
        if toRevision == 0 {
            guard all.count >= 2 else { throw RolloutActionError(message: "no rollout history found for deployment \"\(key.name)\"") }
            target = all[all.count - 2]
        } else {
            guard let found = all.first(where: { $0.revision == toRevision }) else {
                throw RolloutActionError(message: "unable to find specified revision \(toRevision) in history")
            }
            target = found
        }
        if d.object["spec"]?["paused"]?.boolValue == true {
            throw RolloutActionError(message: "you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume deployment/\(key.name)' and try again")
        }
        let rsTemplate = DeploymentController.withoutHashLabel(target.rs.object["spec"]?["template"]?.objectValue ?? Object())
        let current = d.object["spec"]?["template"]?.objectValue ?? Object()
        if DeploymentController.templatesEqual(rsTemplate, current) { return (nil, d, target.revision) }
        var updated = d
        updated.object.set(["spec", "template"], .object(rsTemplate))
        // The skip-listed annotations stay the Deployment's; the others come from the
        // ReplicaSet, so the old change-cause comes back (rollback.go).
        let skip: Set<String> = [Applier.lastAppliedAnnotation, DeploymentController.revisionAnnotation, DeploymentController.revisionHistoryAnnotation,
                                 DeploymentController.desiredReplicasAnnotation, DeploymentController.maxReplicasAnnotation, "deprecated.deployment.rollback.to"]
        var annotations = Object()
        for (k, v) in d.annotations.sorted(by: { $0.key < $1.key }) where skip.contains(k) { annotations[k] = .string(v) }
        for (k, v) in target.rs.annotations.sorted(by: { $0.key < $1.key }) where !skip.contains(k) { annotations[k] = .string(v) }
        var meta = updated.metadata
        meta["annotations"] = annotations.members.isEmpty ? nil : .object(annotations)
        updated.metadata = meta
        return (updated, d, target.revision)
    }

    /// What `undo` would make of a StatefulSet or DaemonSet: the set with the revision's
    /// template, nil when it has it already.
    public static func revisionUndoTarget(_ store: StateStore, _ key: ObjectKey, toRevision: Int) throws -> (updated: Resource?, previous: Resource) {
        try RevisionHistory.undoTarget(store, try deployment(store, key), toRevision: toRevision)
    }

    /// `kubectl rollout undo --dry-run`: the diff of what would change, and kubectl's line.
    public static func undoDryRun(_ store: StateStore, _ key: ObjectKey, toRevision: Int) throws -> String {
        if keepsRevisions(key) {
            let (updated, previous) = try RevisionHistory.undoTarget(store, try deployment(store, key), toRevision: toRevision)
            guard let updated else { return "\(shown(key)) skipped rollback (current template already matches revision) (dry run)\n" }
            return ObjectDiff.unified(ObjectDiff.pair(live: previous, merged: updated)) + "\(shown(key)) rolled back (dry run)\n"
        }
        let (updated, previous, target) = try undoTarget(store, key, toRevision: toRevision)
        guard let updated else { return "\(shown(key)) skipped rollback (current template already matches revision \(target)) (dry run)\n" }
        return ObjectDiff.unified(ObjectDiff.pair(live: previous, merged: updated)) + "\(shown(key)) rolled back (dry run)\n"
    }

    /// `kubectl rollout undo [--to-revision N]`.
    public static func undo(_ store: StateStore, _ key: ObjectKey, toRevision: Int) throws -> String {
        if keepsRevisions(key) {
            let (updated, previous) = try RevisionHistory.undoTarget(store, try deployment(store, key), toRevision: toRevision)
            guard let updated else { return "\(shown(key)) skipped rollback (current template already matches revision)" }
            try save(store, updated, previous: previous)
            return "\(shown(key)) rolled back"
        }
        let (updated, previous, revision) = try undoTarget(store, key, toRevision: toRevision)
        guard let updated else { return "deployment.apps/\(key.name) skipped rollback (current template already matches revision \(revision))" }
        try save(store, updated, previous: previous)
        return "deployment.apps/\(key.name) rolled back"
    }
}

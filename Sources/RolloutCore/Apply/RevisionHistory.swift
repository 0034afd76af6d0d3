/// `kubectl rollout history` and `undo` for a StatefulSet or DaemonSet, through its
/// ControllerRevisions (`polymorphichelpers/history.go` StatefulSetHistoryViewer and
/// DaemonSetHistoryViewer, both `printHistory`; `rollback.go` StatefulSetRollbacker and
/// DaemonSetRollbacker, findHistory, applyRevision).
enum RevisionHistory {
    /// The revisions the set controls (`controlledHistories`), by revision number.
    static func revisions(_ store: StateStore, _ set: Resource) throws -> [Resource] {
        let all = try store.list(ControllerHistory.type, namespace: set.namespace)
        return ControllerHistory.sorted(all.filter { $0.ownerReferences.contains { $0.kind == set.kind && $0.uid == set.uid } })
    }

    /// `printHistory`: REVISION and CHANGE-CAUSE (the revision's `kubernetes.io/change-cause`,
    /// which it copies from the set's annotations); `--revision N`: the pod template of N.
    /// `wide` adds each revision's images and creation time (rollout's own columns).
    static func history(_ store: StateStore, _ set: Resource, revision: Int?, wide: Bool) throws -> String {
        var byNumber: [Int: Resource] = [:]
        for r in try revisions(store, set) { byNumber[ControllerHistory.number(r)] = r }
        if byNumber.isEmpty { return "No rollout history found.\n" }
        let shown = "\(set.type.qualifiedSingular)/\(set.name)"
        if let revision {
            guard let entry = byNumber[revision] else { throw RolloutActionError(message: "unable to find the specified revision") }
            return "\(shown) with revision #\(revision)\n" + Describer(now: store.clock, events: []).podTemplateText(.object(StatefulSetUtils.template(of: entry)))
        }
        var table = TabWriter(minWidth: 0, padding: 2)
        table.add(["REVISION", "CHANGE-CAUSE"] + (wide ? ["IMAGES", "CREATED"] : []))
        for number in byNumber.keys.sorted() {
            guard let r = byNumber[number] else { continue }
            let cause = r.annotations["kubernetes.io/change-cause"].flatMap { $0.isEmpty ? nil : $0 } ?? "<none>"
            guard wide else { table.add([String(number), cause]); continue }
            let images = (StatefulSetUtils.template(of: r)["spec"]?["containers"]?.arrayValue ?? []).compactMap { $0["image"]?.stringValue }
            table.add([String(number), cause, images.joined(separator: ","), r.creationTimestamp ?? ""])
        }
        return "\(shown) \n" + table.render() + "\n"
    }

    /// What `undo` would do: the set with the revision's template (nil when it has it
    /// already), and the set as it is.
    static func undoTarget(_ store: StateStore, _ set: Resource, toRevision: Int) throws -> (updated: Resource?, previous: Resource) {
        let all = try revisions(store, set)
        if toRevision == 0 && all.count <= 1 { throw RolloutActionError(message: "no last revision to roll back to") }
        let target: Resource
        if toRevision == 0 {
            target = all[all.count - 2]
        } else {
            guard let found = all.first(where: { ControllerHistory.number($0) == toRevision }) else {
                throw RolloutActionError(message: "unable to find specified revision \(toRevision) in history")
            }
            target = found
        }
        let template = StatefulSetUtils.template(of: target)
        let current = (set.object["spec"]?["template"]?.objectValue ?? Object()).withoutNulls
        if DeploymentController.equalIgnoringKeyOrder(.object(template), .object(current)) { return (nil, set) }
        var updated = set
        updated.object.set(["spec", "template"], .object(template))
        return (updated, set)
    }
}

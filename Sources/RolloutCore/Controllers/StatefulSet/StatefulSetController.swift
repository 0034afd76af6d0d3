/// The StatefulSet controller (`pkg/controller/statefulset`, Kubernetes 1.32): syncs the sets
/// something happened to (their object, their pods, a minReadySeconds wait), each as
/// `defaultStatefulSetControl.UpdateStatefulSet` does (`stateful_set_control.go`): revisions,
/// replicas in ordinal order, condemned pods in reverse, the rolling update from the highest
/// ordinal down to the partition, the status, the history limit.
public enum StatefulSetController {
    static let type = ResourceType.forObject(apiVersion: "apps/v1", kind: "StatefulSet")

    static func sync(in c: Cluster) -> Bool {
        guard !c.statefulSetsToSync.isEmpty else { return false }
        let due = c.statefulSetsToSync.sorted()
        c.statefulSetsToSync = []
        var changed = false
        for uid in due {
            guard let key = c.statefulSetKeys[uid], let resource = c.statefulSets[key] else { continue }
            var control = StatefulSetSync(c: c, resource: resource)
            if control.run() { changed = true }
        }
        return changed
    }
}

/// One `UpdateStatefulSet` of one set.
struct StatefulSetSync {
    let c: Cluster
    var resource: Resource
    let set: StatefulSet
    var wrote = false

    init(c: Cluster, resource: Resource) {
        self.c = c
        self.resource = resource
        var reader = FieldReader()
        set = StatefulSet(resource, reader: &reader)
    }

    /// A slot of the replicas: a pod, or the pod `newVersionedStatefulSetPod` would make.
    enum Replica {
        case pod(SimPod)
        case planned(ordinal: Int, revision: String)
    }

    mutating func run() -> Bool {
        guard let selector = set.selector, !selector.isEmpty else { return false }
        // processReplica: a Failed pod (here, one its kubelet rejected) is deleted, and made
        // again under its name by this sync, once it is gone.
        for pod in c.failedStatefulPods.removeValue(forKey: resource.uid) ?? [] where pod.rejection != nil {
            StatefulPodControl.deleteFailed(pod, set: resource, in: c)
            wrote = true
        }
        let pods = c.pods(ownedBy: resource.uid).filter { !$0.gone }
        var revisions = ControllerHistory.sorted(ControllerHistory.owned(by: resource, selector: selector, among: c.revisions(in: resource.namespace ?? "default")))
        let (current, update, collisionCount) = statefulSetRevisions(&revisions)
        var status = updateStatefulSet(current: current, update: update, pods: pods)
        status.collisionCount = collisionCount
        // updateStatefulSetStatus: completeRollingUpdate, then write only what moved.
        if case .rollingUpdate = set.updateStrategy, status.updatedReplicas == status.replicas, status.readyReplicas == status.replicas {
            status.currentReplicas = status.updatedReplicas
            status.currentRevision = status.updateRevision
        }
        let old = set.status
        if status.observedGeneration > old.observedGeneration || status.replicas != old.replicas || status.currentReplicas != old.currentReplicas
            || status.readyReplicas != old.readyReplicas || status.updatedReplicas != old.updatedReplicas || status.currentRevision != old.currentRevision
            || status.availableReplicas != old.availableReplicas || status.updateRevision != old.updateRevision {
            var updated = resource
            var statusObject = status.object
            if let conditions = resource.object["status"]?["conditions"] { statusObject["conditions"] = conditions }
            updated.object["status"] = .object(statusObject)
            c.updateStatefulSet(updated)
            resource = updated
            wrote = true
        }
        // sync (stateful_set.go): with minReadySeconds, look again once it has passed
        // (`enqueueSSAfter`), a moment after, as the informer's delivery would be.
        if set.minReadySeconds > 0 && status.availableReplicas != set.replicas {
            c.timers.add(.statefulSet(uid: resource.uid), at: c.now.adding(Duration(seconds: set.minReadySeconds)).adding(Duration(milliseconds: 1)))
        }
        truncateHistory(revisions, pods: c.pods(ownedBy: resource.uid).filter { !$0.gone }, current: current, update: update)
        return wrote
    }

    /// `getStatefulSetRevisions`: the revision of the current template (found equal to one in
    /// the history — the last, or an older one brought forward with a new number, as a
    /// rollback does — or created), and the current revision named by the status.
    mutating func statefulSetRevisions(_ revisions: inout [Resource]) -> (current: Resource, update: Resource, collisionCount: Int) {
        var collisionCount = set.status.collisionCount ?? 0
        let template = (resource.object["spec"]?["template"]?.objectValue ?? Object()).withoutNulls
        let data = StatefulSetUtils.patch(template: template)
        let next = (revisions.last.map(ControllerHistory.number) ?? 0) + 1
        let equal = revisions.filter { ControllerHistory.equal($0.object["data"], data) }
        var update: Resource
        if let last = revisions.last, let match = equal.last, match.name == last.name {
            update = last
        } else if let match = equal.last {
            update = match
            update.object["revision"] = .int(next)
            c.putRevision(update)
            revisions = ControllerHistory.sorted(revisions.map { $0.name == update.name ? update : $0 })
        } else {
            // A set imported from a cluster, its revisions not with it: the template it has is
            // the revision its status names, so its pods are not taken for another revision's.
            let adopted = revisions.isEmpty && !set.status.updateRevision.isEmpty ? set.status.updateRevision : nil
            update = createRevision(data: data, template: template, number: next, collisionCount: &collisionCount, name: adopted)
            revisions.append(update)
        }
        let current = revisions.first { $0.name == set.status.currentRevision } ?? update
        return (current, update, collisionCount)
    }

    /// `newRevision` + `CreateControllerRevision`: named by the hash of its data and the
    /// collision count, which moves on while the name is taken by other data.
    func createRevision(data: Value, template: Object, number: Int, collisionCount: inout Int, name adopted: String?) -> Resource {
        let namespace = resource.namespace ?? "default"
        while true {
            let hash = adopted.map { name in String(name.dropFirst(resource.name.count + 1)) } ?? ControllerHistory.hash(data: data, probe: collisionCount)
            let name = adopted ?? ControllerHistory.name(prefix: resource.name, hash: hash)
            if let existing = c.controllerRevisions[ObjectKey(type: ControllerHistory.type.storageKey, namespace: namespace, name: name)] {
                if ControllerHistory.equal(existing.object["data"], data) { return existing }
                collisionCount += 1
                continue
            }
            let revision = ControllerHistory.make(owner: resource, name: name, label: (ControllerHistory.hashLabel, hash), template: template, data: data, number: number, in: c)
            c.putRevision(revision)
            return revision
        }
    }

    /// `updateStatefulSet`: returns the status the pods give.
    mutating func updateStatefulSet(current: Resource, update: Resource, pods: [SimPod]) -> StatefulSetStatus {
        var status = StatefulSetStatus()
        status.observedGeneration = resource.generation
        status.currentRevision = current.name
        status.updateRevision = update.name
        let range = set.ordinals
        var replicas: [Replica] = []
        var condemned: [SimPod] = []
        var inRange: [Int: SimPod] = [:]
        for pod in pods {
            let ordinal = StatefulSetUtils.ordinal(of: pod.name, parent: resource.name)
            if range.contains(ordinal) { inRange[ordinal] = pod } else if ordinal >= 0 { condemned.append(pod) }
        }
        for ordinal in range {
            if let pod = inRange[ordinal] { replicas.append(.pod(pod)); continue }
            // newVersionedStatefulSetPod: below the partition (or, with no rollingUpdate, below
            // the current replicas) a pod is made at the current revision.
            var atCurrent = false
            if case .rollingUpdate(let partition, _) = set.updateStrategy {
                atCurrent = partition.map { ordinal < set.startOrdinal + $0 } ?? (ordinal < set.startOrdinal + set.status.currentReplicas)
            }
            replicas.append(.planned(ordinal: ordinal, revision: atCurrent ? current.name : update.name))
        }
        condemned.sort { StatefulSetUtils.ordinal(of: $0.name, parent: resource.name) > StatefulSetUtils.ordinal(of: $1.name, parent: resource.name) }
        let currentTemplate = StatefulSetUtils.template(of: current), updateTemplate = StatefulSetUtils.template(of: update)

        // The first unhealthy pod (its uid): of the replicas in order, else of the condemned from
        // the lowest. A pod not made yet is unhealthy too: "" stands for it (no pod has that uid).
        var firstUnhealthy: String?
        for replica in replicas {
            guard case .pod(let pod) = replica else { if firstUnhealthy == nil { firstUnhealthy = "" }; continue }
            if !StatefulSetUtils.isHealthy(pod), firstUnhealthy == nil { firstUnhealthy = pod.uid }
        }
        for pod in condemned.reversed() where !StatefulSetUtils.isHealthy(pod) && firstUnhealthy == nil { firstUnhealthy = pod.uid }

        func finish() -> StatefulSetStatus {
            let created = replicas.compactMap { if case .pod(let p) = $0 { return p } else { return nil } } + condemned
            count(created, into: &status, current: current.name, update: update.name)
            return status
        }
        if resource.deletionTimestamp != nil { return finish() }
        let monotonic = !set.allowsBurst

        // processReplica for each replica, in order; in monotonic (OrderedReady) mode the first
        // that cannot go on ends the pass.
        for i in replicas.indices {
            if case .planned(let ordinal, let revision) = replicas[i] {
                let template = revision == current.name ? currentTemplate : updateTemplate
                let (pod, forbidden) = StatefulPodControl.newPod(set: resource, spec: set, template: template, ordinal: ordinal, revision: revision, in: c)
                guard StatefulPodControl.create(pod, forbidden: forbidden, set: resource, spec: set, in: c) else { return finish() }
                replicas[i] = .pod(pod)
                wrote = true
                if monotonic { return finish() }
                continue
            }
            guard case .pod(let pod) = replicas[i] else { continue }
            if pod.phase == "Pending" { StatefulPodControl.createMissingClaims(for: pod, set: resource, spec: set, in: c) }
            PersistentVolumeController.bindClaims(of: pod, in: c)
            guard monotonic else { continue }
            if pod.isTerminating || !StatefulSetUtils.isRunningAndReady(pod)
                || !StatefulSetUtils.isRunningAndAvailable(pod, minReadySeconds: set.minReadySeconds, now: c.now) {
                return finish()
            }
        }
        // processCondemned, from the highest ordinal: in monotonic mode one at a time, each only
        // once the others are healthy (the first unhealthy one may go).
        for pod in condemned {
            if pod.isTerminating {
                if monotonic { return finish() }
                continue
            }
            if monotonic && pod.uid != firstUnhealthy
                && (!StatefulSetUtils.isRunningAndReady(pod) || !StatefulSetUtils.isRunningAndAvailable(pod, minReadySeconds: set.minReadySeconds, now: c.now)) {
                return finish()
            }
            StatefulPodControl.delete(pod, set: resource, in: c)
            wrote = true
            if monotonic { return finish() }
        }
        deleteScaledDownClaims()
        // OnDelete: pods are updated only when someone deletes them.
        guard case .rollingUpdate = set.updateStrategy else { return finish() }
        // The rolling update: the highest ordinal not at the update revision is deleted (it
        // comes back at it), down to the partition, waiting for each to be healthy.
        let updateMin = set.partition
        var target = replicas.count - 1
        while target >= updateMin && target >= 0 {
            defer { target -= 1 }
            guard case .pod(let pod) = replicas[target] else { return finish() }
            if StatefulSetUtils.revision(of: pod) != update.name && !pod.isTerminating {
                StatefulPodControl.delete(pod, set: resource, in: c)
                wrote = true
                return finish()
            }
            if !StatefulSetUtils.isHealthy(pod) { return finish() }
        }
        return finish()
    }

    /// `computeReplicaStatus` over the pods that exist.
    func count(_ pods: [SimPod], into status: inout StatefulSetStatus, current: String, update: String) {
        for pod in pods where !pod.gone {
            status.replicas += 1
            if StatefulSetUtils.isRunningAndReady(pod) {
                status.readyReplicas += 1
                if StatefulSetUtils.isRunningAndAvailable(pod, minReadySeconds: set.minReadySeconds, now: c.now) { status.availableReplicas += 1 }
            }
            if !pod.isTerminating {
                let revision = StatefulSetUtils.revision(of: pod)
                if revision == current { status.currentReplicas += 1 }
                if revision == update { status.updatedReplicas += 1 }
            }
        }
    }

    /// `persistentVolumeClaimRetentionPolicy.whenScaled: Delete`: the claims of ordinals
    /// scaled away go once their pod has (the garbage collector, through the owner reference
    /// the controller gives them).
    func deleteScaledDownClaims() {
        guard set.whenScaled == "Delete" else { return }
        let namespace = resource.namespace ?? "default"
        let live = Set(c.pods(ownedBy: resource.uid).filter { !$0.gone }.map(\.name))
        for key in c.claims.keys.sorted() where key.namespace == namespace {
            for claim in set.volumeClaimTemplates where key.name.hasPrefix("\(claim)-\(resource.name)-") {
                let ordinal = StatefulSetUtils.ordinal(of: String(key.name.dropFirst(claim.count + 1)), parent: resource.name)
                if ordinal >= 0, !set.ordinals.contains(ordinal), !live.contains(StatefulSetUtils.podName(resource.name, ordinal)) { c.deleteClaim(key) }
            }
        }
    }

    /// `truncateHistory`: revisions neither current, nor the update, nor any pod's, beyond
    /// `revisionHistoryLimit`, oldest first.
    func truncateHistory(_ revisions: [Resource], pods: [SimPod], current: Resource, update: Resource) {
        var live: Set<String> = [current.name, update.name]
        for pod in pods { live.insert(StatefulSetUtils.revision(of: pod)) }
        let history = revisions.filter { !live.contains($0.name) }
        guard history.count > set.revisionHistoryLimit else { return }
        for revision in history.prefix(history.count - set.revisionHistoryLimit) { c.deleteRevision(revision.key) }
    }
}

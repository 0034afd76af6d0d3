/// The Deployment controller (`pkg/controller/deployment/`): one `sync` per Deployment,
/// in Kubernetes' order (§4): paused → `sync`, scaling event → `sync`, else Recreate or
/// RollingUpdate. The arithmetic is DeploymentMath's; this decides when to apply it and
/// writes the ReplicaSets, the Deployment's status, conditions and events.
public enum DeploymentController {
    static let component = "deployment-controller"
    static let revisionAnnotation = "deployment.kubernetes.io/revision"
    static let revisionHistoryAnnotation = "deployment.kubernetes.io/revision-history"
    static let desiredReplicasAnnotation = "deployment.kubernetes.io/desired-replicas"
    static let maxReplicasAnnotation = "deployment.kubernetes.io/max-replicas"
    static let hashLabel = "pod-template-hash"
    /// `deploymentutil.FailedRSCreateReason`.
    static let failedRSCreateReason = "ReplicaSetCreateError"
    /// deployment_controller.go `maxRetries`: a Deployment whose syncs fail that many times in
    /// a row is dropped from the queue.
    static let maxRetries = 15
    static let replicaSetCountResource = "count/replicasets.apps"

    /// Syncs, in key order, the Deployments something happened to or whose progress
    /// deadline has passed (`Cluster.deploymentsToSync`).
    static func sync(in c: Cluster) -> Bool {
        for (uid, instant) in c.progressDeadlines where c.now.milliseconds > instant {
            c.deploymentsToSync.insert(uid)
        }
        guard c.syncEveryDeployment || !c.deploymentsToSync.isEmpty else { return false }
        let keys = c.syncEveryDeployment ? c.deployments.keys.sorted() : c.deploymentsToSync.compactMap { c.deploymentKeys[$0] }.sorted()
        c.syncEveryDeployment = false
        c.deploymentsToSync = []
        var changed = false
        for key in keys {
            if let uid = c.deployments[key]?.uid { c.progressDeadlines[uid] = nil }
            if syncOne(key, in: c) { changed = true }
        }
        return changed
    }

    /// One `syncDeployment`. Returns whether anything was written.
    static func syncOne(_ key: ObjectKey, in c: Cluster) -> Bool {
        guard let resource = c.deployments[key], resource.deletionTimestamp == nil else { return false }
        var state = DeploymentSync(cluster: c, resource: resource, key: key)
        guard let selector = state.deployment.selector, !selector.isEmpty else { return false }
        state.checkPausedConditions()
        if state.deployment.paused {
            state.syncScaleAndCleanup()
        } else if state.isScalingEvent() {
            state.syncScaleAndCleanup()
        } else if case .recreate = state.deployment.strategy {
            state.rolloutRecreate()
        } else {
            state.rolloutRolling()
        }
        // handleErr: a sync without error forgets the Deployment's failures.
        if !state.createFailed, !c.workloadFailures.isEmpty { c.workloadFailures[resource.uid] = nil }
        return state.commit()
    }

    /// `ComputeHash`: FNV-32a over the template (keys sorted, without the hash label) and the
    /// collision count, printed in decimal and mapped through `SafeEncodeString`'s alphabet.
    public static func templateHash(_ template: Object, collisionCount: Int?) -> String {
        var bytes: [UInt8] = []
        try? JSONWriter.write(Value.object(withoutHashLabel(template)), style: .compact, keys: .sorted, into: &bytes)
        if let collisionCount {
            var n = UInt64(collisionCount)
            for _ in 0..<8 { bytes.append(UInt8(n & 0xFF)); n >>= 8 }
        }
        var hash: UInt32 = 2_166_136_261
        for byte in bytes { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        return String(String(hash).unicodeScalars.map { alphabet[Int($0.value) % alphabet.count] })
    }

    /// A template with its `pod-template-hash` label removed (`EqualIgnoreHash`).
    static func withoutHashLabel(_ template: Object) -> Object {
        var template = template
        guard var meta = template["metadata"]?.objectValue, var labels = meta["labels"]?.objectValue else { return template }
        labels[hashLabel] = nil
        meta["labels"] = labels.members.isEmpty ? nil : .object(labels)
        template["metadata"] = .object(meta)
        return template
    }

    static func templatesEqual(_ a: Object, _ b: Object) -> Bool {
        equalIgnoringKeyOrder(.object(withoutHashLabel(a)), .object(withoutHashLabel(b)))
    }

    /// `a.sortingKeys() == b.sortingKeys()` without building sorted copies (controllers and
    /// timelines compare templates at every instant): maps equal member by member, whatever
    /// their order. A map with a key twice falls back to the sorted comparison.
    static func equalIgnoringKeyOrder(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.object(let x), .object(let y)):
            guard x.count == y.count else { return false }
            // One storage (a template copied into its ReplicaSet, not rebuilt): equal without
            // a look inside.
            if x.members.storagePlace == y.members.storagePlace { return true }
            // The common case: the same keys in the same places. Compared in place — a key
            // there twice is there twice on both sides, in the order a (stable) sort keeps.
            if zip(x.members, y.members).allSatisfy({ $0.key == $1.key }) {
                return zip(x.members, y.members).allSatisfy { equalIgnoringKeyOrder($0.value, $1.value) }
            }
            if Set(x.keys).count < x.count || Set(y.keys).count < y.count { return a.sortingKeys() == b.sortingKeys() }
            for member in x.members {
                guard let other = y[member.key], equalIgnoringKeyOrder(member.value, other) else { return false }
            }
            return true
        case (.array(let x), .array(let y)):
            guard x.count == y.count else { return false }
            if x.storagePlace == y.storagePlace { return true }
            for (u, v) in zip(x, y) where !equalIgnoringKeyOrder(u, v) { return false }
            return true
        default:
            return a == b
        }
    }
}

/// The working state of one sync of one Deployment.
struct DeploymentSync {
    let c: Cluster
    var resource: Resource
    var deployment: Deployment
    let statusAtStart: DeploymentStatus
    var status: DeploymentStatus
    var conditions: [Condition]
    var wrote = false
    /// The new ReplicaSet could not be created: the sync stops there (and is retried).
    var createFailed = false

    /// (`key`: the resource's, as the store keeps it — read once, not at every use.)
    init(cluster: Cluster, resource: Resource, key: ObjectKey) {
        c = cluster
        self.resource = resource
        self.key = key
        deployment = cluster.typed(resource, key: key)
        statusAtStart = deployment.status
        status = deployment.status
        conditions = deployment.status.conditions
    }

    let key: ObjectKey
    var name: String { resource.name }
    var namespace: String { resource.namespace ?? "default" }
    var template: Object { resource.object["spec"]?["template"]?.objectValue ?? Object() }
    var shape: DeploymentShape {
        DeploymentShape(replicas: deployment.replicas, strategy: deployment.strategy, statusReplicas: status.replicas)
    }
    var collisionCount: Int? { resource.object["status"]?["collisionCount"]?.intValue }

    func ownedReplicaSets() -> [SimReplicaSet] {
        c.replicaSets(ownedBy: resource.uid).sorted { ($0.created, $0.name) < ($1.created, $1.name) }
    }

    // MARK: events and conditions

    func event(_ reason: String, _ message: String, type: String = "Normal") {
        c.record(type, reason: reason, message: message, kind: "Deployment", name: name, namespace: namespace, uid: resource.uid, component: DeploymentController.component)
    }

    func condition(_ type: String) -> Condition? { conditions.first { $0.type == type } }

    mutating func setCondition(_ type: String, _ status: String, _ reason: String, _ message: String) {
        let now = c.now.description
        DeploymentProgress.set(Condition(type: type, status: status, reason: reason, message: message, lastUpdateTime: now, lastTransitionTime: now), in: &conditions)
    }

    // MARK: paused

    /// `checkPausedConditions` (§9), only with a progress deadline.
    mutating func checkPausedConditions() {
        guard deployment.progressDeadlineSeconds != Int(Int32.max) else { return }
        let progressing = condition("Progressing")
        if progressing?.reason == "ProgressDeadlineExceeded" { return }
        let pausedCondition = progressing?.reason == "DeploymentPaused"
        if deployment.paused && !pausedCondition {
            setCondition("Progressing", "Unknown", "DeploymentPaused", "Deployment is paused")
        } else if !deployment.paused && pausedCondition {
            setCondition("Progressing", "Unknown", "DeploymentResumed", "Deployment is resumed")
        }
    }

    // MARK: ReplicaSets

    /// `getAllReplicaSetsAndSyncRevision` (§4): the new ReplicaSet (created when allowed) and
    /// the old ones, with the new one's revision brought up to date.
    mutating func newAndOldReplicaSets(create: Bool) -> (new: SimReplicaSet?, old: [SimReplicaSet]) {
        let all = ownedReplicaSets()
        let newRS = all.first { c.templatesEqual($0.template, template) }
        let old = all.filter { $0.uid != newRS?.uid }
        let newRevision = (old.map(\.revision).max() ?? 0).addingSaturating(1)
        if var existing = newRS {
            var rsChanged = false
            if existing.revision < newRevision {
                let previous = existing.revision
                if previous > 0 {
                    var history = existing.annotations[DeploymentController.revisionHistoryAnnotation].map { $0.split(separator: ",").map(String.init) } ?? []
                    history.append(String(previous))
                    var text = history.joined(separator: ",")
                    while text.count > 2000, !history.isEmpty { history.removeFirst(); text = history.joined(separator: ",") }
                    existing.annotations[DeploymentController.revisionHistoryAnnotation] = text
                }
                existing.annotations[DeploymentController.revisionAnnotation] = String(newRevision)
                rsChanged = true
            }
            if copyAnnotations(into: &existing) { rsChanged = true }
            if existing.minReadySeconds != deployment.minReadySeconds {
                existing.minReadySeconds = deployment.minReadySeconds
                rsChanged = true
            }
            if rsChanged { c.update(existing) }
            setDeploymentRevision(existing.revision)
            if condition("Progressing") == nil {
                setCondition("Progressing", "True", "FoundNewReplicaSet", "Found new replica set \"\(existing.name)\"")
            }
            return (existing, old)
        }
        guard create else { return (nil, old) }
        // Create the new ReplicaSet at the size NewRSNewReplicas allows.
        var hash = DeploymentController.templateHash(template, collisionCount: collisionCount)
        // A ReplicaSet of that name with another template: a hash collision. Kubernetes bumps
        // status.collisionCount and tries again (sync.go getNewReplicaSet).
        var rsName = "\(name)-\(hash)"
        while c.hasLiveReplicaSet(named: rsName, namespace: namespace) {
            let count = (collisionCount ?? 0).addingSaturating(1)
            resource.object.set(["status", "collisionCount"], .int(count))
            wrote = true
            hash = DeploymentController.templateHash(template, collisionCount: count)
            rsName = "\(name)-\(hash)"
        }
        var rsTemplate = template
        var meta = rsTemplate["metadata"]?.objectValue ?? Object()
        var labels = meta["labels"]?.objectValue ?? Object()
        labels[DeploymentController.hashLabel] = .string(hash)
        meta["labels"] = .object(labels)
        rsTemplate["metadata"] = .object(meta)
        let allCounts = old.map(\.counts)
        let size = DeploymentMath.newRSNewReplicas(shape, all: allCounts, newSpec: 0)
        var rsLabels = stringMap(meta["labels"])
        rsLabels[DeploymentController.hashLabel] = hash
        var rs = SimReplicaSet(name: rsName, namespace: namespace, uid: c.newUID(), created: c.now, ownerUID: resource.uid, ownerName: name,
                               labels: rsLabels, annotations: [:], template: rsTemplate, hash: hash, specReplicas: size,
                               minReadySeconds: deployment.minReadySeconds, behaviour: AppBehaviour(template: .object(rsTemplate)))
        // CloneSelectorAndAddLabel (sync.go getNewReplicaSet): the Deployment's selector, its
        // matchExpressions included, plus pod-template-hash in matchLabels — not the template's
        // other labels.
        var selector = resource.object["spec"]?["selector"]?.objectValue ?? Object()
        var matchLabels = selector["matchLabels"]?.objectValue ?? Object()
        matchLabels[DeploymentController.hashLabel] = .string(hash)
        selector["matchLabels"] = .object(matchLabels)
        rs.selector = selector
        _ = copyAnnotations(into: &rs)
        rs.annotations[DeploymentController.revisionAnnotation] = String(newRevision)
        rs.annotations[DeploymentController.desiredReplicasAnnotation] = String(deployment.replicas)
        rs.annotations[DeploymentController.maxReplicasAnnotation] = String(deployment.replicas + DeploymentMath.maxSurge(shape))
        if let refusal = replicaSetQuotaRefusal(rsName) {
            // getNewReplicaSet's create error: with a progress deadline, Progressing False
            // (ReplicaSetCreateError) written at once; the Warning event; the sync returns the
            // error — nothing scaled, no status computed (observedGeneration stays) — and
            // handleErr retries it rate-limited, dropping it after maxRetries (15).
            let message = "Failed to create new replica set \"\(rsName)\": replicasets.apps \"\(rsName)\" is forbidden: \(refusal)"
            if deployment.progressDeadlineSeconds != Int(Int32.max) {
                setCondition("Progressing", "False", DeploymentController.failedRSCreateReason, message)
            }
            event(DeploymentController.failedRSCreateReason, message, type: "Warning")
            if c.admissionRefusals[resource.uid] == nil { c.admissionRefusals[resource.uid] = "replicasets.apps \"\(rsName)\" is forbidden: \(refusal)" }
            c.requeueRateLimited(resource.uid, .deployment(uid: resource.uid), maxRetries: DeploymentController.maxRetries)
            createFailed = true
            return (nil, old)
        }
        c.add(rs)
        if size > 0 { event("ScalingReplicaSet", "Scaled up replica set \(rsName) from 0 to \(size)") }
        setDeploymentRevision(newRevision)
        setCondition("Progressing", "True", "NewReplicaSetCreated", "Created new replica set \"\(rsName)\"")
        return (rs, old)
    }

    /// Why ResourceQuota's admission refuses a new ReplicaSet named `name` in this namespace
    /// (a `count/replicasets.apps` quota it would exceed, counting the namespace's ReplicaSets
    /// as the quota controller counts them); nil when it is admitted.
    func replicaSetQuotaRefusal(_ name: String) -> String? {
        let quotas = c.resourceQuotas.quotas(in: namespace)
        guard quotas.contains(where: { $0.hard[DeploymentController.replicaSetCountResource] != nil }) else { return nil }
        let made = Resource(Object(["apiVersion": .string("apps/v1"), "kind": .string("ReplicaSet"),
                                    "metadata": .object(Object(["name": .string(name), "namespace": .string(namespace)]))]))
        return ResourceQuotas.admit(object: made, old: nil, quotas: quotas,
                                    used: ResourceQuotaController.usage(of: quotas, namespace: namespace, in: c)).refusal
    }

    /// The annotations `copyAnnotations` leaves out (`skipCopyAnnotation`), made once: every
    /// sync of every Deployment asks.
    static let notCopied: Set<String> = [Applier.lastAppliedAnnotation, DeploymentController.revisionAnnotation, DeploymentController.revisionHistoryAnnotation,
                                         DeploymentController.desiredReplicasAnnotation, DeploymentController.maxReplicasAnnotation, "deprecated.deployment.rollback.to"]

    /// Deployment annotations the new ReplicaSet carries (change-cause and the like), all but
    /// the skip-listed ones (`SetNewReplicaSetAnnotations`).
    func copyAnnotations(into rs: inout SimReplicaSet) -> Bool {
        var changed = false
        for (key, value) in resource.annotations where !Self.notCopied.contains(key) && rs.annotations[key] != value {
            rs.annotations[key] = value
            changed = true
        }
        return changed
    }

    mutating func setDeploymentRevision(_ revision: Int) {
        if resource.annotation(DeploymentController.revisionAnnotation) != String(revision) {
            resource.setAnnotation(DeploymentController.revisionAnnotation, String(revision))
            wrote = true
        }
    }

    /// `scaleReplicaSetAndRecordEvent`: resize, refresh the desired/max annotations, and say so.
    mutating func scale(_ rs: SimReplicaSet, to size: Int) {
        var rs = rs
        let desired = String(deployment.replicas), maxReplicas = String(deployment.replicas + DeploymentMath.maxSurge(shape))
        let sizeChanged = rs.specReplicas != size
        let annotationsChanged = rs.annotations[DeploymentController.desiredReplicasAnnotation] != desired
            || rs.annotations[DeploymentController.maxReplicasAnnotation] != maxReplicas
        guard sizeChanged || annotationsChanged else { return }
        let before = rs.specReplicas
        rs.specReplicas = size
        rs.annotations[DeploymentController.desiredReplicasAnnotation] = desired
        rs.annotations[DeploymentController.maxReplicasAnnotation] = maxReplicas
        c.update(rs)
        if sizeChanged {
            let direction = size > before ? "up" : "down"
            // 1.32's wording (PR #125118, sync.go scaleReplicaSet; KUBERNETES.md §12).
            event("ScalingReplicaSet", "Scaled \(direction) replica set \(rs.name) from \(before) to \(size)")
        }
    }

    // MARK: writing back

    /// `calculateStatus` (§5).
    func calculatedStatus(new: SimReplicaSet?, all: [SimReplicaSet]) -> DeploymentStatus {
        var s = DeploymentStatus(replicas: all.reduce(0) { $0 + $1.statusReplicas },
                                 updatedReplicas: new?.statusReplicas ?? 0,
                                 readyReplicas: all.reduce(0) { $0 + $1.readyReplicas },
                                 availableReplicas: all.reduce(0) { $0 + $1.availableReplicas },
                                 observedGeneration: resource.generation)
        s.unavailableReplicas = max(0, all.reduce(0) { $0 + $1.specReplicas } - s.availableReplicas)
        return s
    }

    mutating func setAvailableCondition(_ s: DeploymentStatus) {
        if s.availableReplicas >= deployment.replicas - DeploymentMath.maxUnavailable(shape) {
            setCondition("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.")
        } else {
            setCondition("Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability.")
        }
    }

    /// Writes the Deployment when its status, conditions or annotations changed.
    mutating func commit() -> Bool {
        var statusObject = resource.object["status"]?.objectValue ?? Object()
        statusObject["observedGeneration"] = .int(status.observedGeneration)
        for (key, value) in [("replicas", status.replicas), ("updatedReplicas", status.updatedReplicas), ("readyReplicas", status.readyReplicas),
                             ("availableReplicas", status.availableReplicas), ("unavailableReplicas", status.unavailableReplicas)] {
            statusObject[key] = value == 0 ? nil : .int(value)
        }
        statusObject["conditions"] = conditions.isEmpty ? nil : .array(conditions.map { condition in
            var o = Object()
            o["lastTransitionTime"] = condition.lastTransitionTime.map(Value.string)
            o["lastUpdateTime"] = condition.lastUpdateTime.map(Value.string)
            o["message"] = .string(condition.message)
            o["reason"] = .string(condition.reason)
            o["status"] = .string(condition.status)
            o["type"] = .string(condition.type)
            return .object(o)
        })
        var updated = resource
        updated.object["status"] = .object(statusObject)
        guard let stored = c.deployments[key], updated != stored else { return false }
        c.updateDeployment(updated)
        return true
    }
}

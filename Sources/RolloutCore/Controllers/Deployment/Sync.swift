/// `sync` (sync.go, §8–§9 and §12): scaling events, paused Deployments, history clean-up.
extension DeploymentSync {
    /// `isScalingEvent`: an active ReplicaSet whose desired-replicas annotation differs from
    /// `spec.replicas`.
    mutating func isScalingEvent() -> Bool {
        ownedReplicaSets().contains { rs in
            guard rs.specReplicas > 0, let desired = rs.annotations[DeploymentController.desiredReplicasAnnotation].flatMap(Int.init) else { return false }
            return desired != deployment.replicas
        }
    }

    /// `sync`: scale proportionally, clean up when paused, write status (no progress estimate).
    mutating func syncScaleAndCleanup() {
        let (newRS, oldRSs) = newAndOldReplicaSets(create: false)
        let active = oldRSs
        let result = DeploymentMath.scale(shape, new: newRS?.counts, old: active.map(\.counts))
        // Every ReplicaSet written gets fresh desired/max annotations, which ends the event.
        if let new = newRS, let counts = result.new, counts.specReplicas != new.specReplicas || needsAnnotationRefresh(new) {
            scale(new, to: counts.specReplicas)
        }
        for (rs, counts) in zip(active, result.old) where counts.specReplicas != rs.specReplicas || (rs.specReplicas > 0 && needsAnnotationRefresh(rs)) {
            scale(rs, to: counts.specReplicas)
        }
        if deployment.paused { cleanupOldReplicaSets(oldRSs) }
        let all = ownedReplicaSets()
        let fresh = newRS.flatMap { c.replicaSets[$0.uid] }
        var s = calculatedStatus(new: fresh, all: all)
        s.conditions = conditions
        status = s
        setAvailableCondition(s)
    }

    func needsAnnotationRefresh(_ rs: SimReplicaSet) -> Bool {
        rs.annotations[DeploymentController.desiredReplicasAnnotation] != String(deployment.replicas)
            || rs.annotations[DeploymentController.maxReplicasAnnotation] != String(deployment.replicas + DeploymentMath.maxSurge(shape))
    }

    /// `cleanupDeployment` (§12): delete the oldest old ReplicaSets beyond
    /// `revisionHistoryLimit`, only those fully scaled down; the others still use up a slot.
    mutating func cleanupOldReplicaSets(_ oldRSs: [SimReplicaSet]) {
        let limit = deployment.revisionHistoryLimit
        guard limit != Int(Int32.max) else { return }
        let candidates = oldRSs.sorted { ($0.revision, $0.created, $0.name) < ($1.revision, $1.created, $1.name) }
        let excess = candidates.count - limit
        guard excess > 0 else { return }
        for rs in candidates.prefix(excess) where rs.specReplicas == 0 && rs.statusReplicas == 0 && rs.observedGeneration >= rs.generation {
            var deleted = rs
            deleted.deleted = true
            c.update(deleted)
        }
    }
}

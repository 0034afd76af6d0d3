/// `rolloutRecreate` (recreate.go, §7): every old pod goes before a new one starts.
extension DeploymentSync {
    mutating func rolloutRecreate() {
        let (existingNew, oldRSs) = newAndOldReplicaSets(create: false)
        var scaledDown = false
        for rs in oldRSs where rs.specReplicas > 0 {
            scale(rs, to: 0)
            scaledDown = true
        }
        if scaledDown {
            syncRolloutStatus()
            return
        }
        // Old pods still running, terminating ones included, hold the new ReplicaSet back.
        let oldPodsRunning = oldRSs.contains { rs in
            rs.statusReplicas > 0 || c.pods(ownedBy: rs.uid).contains { !$0.gone }
        }
        if oldPodsRunning {
            syncRolloutStatus()
            return
        }
        var new = existingNew
        if new == nil {
            new = newAndOldReplicaSets(create: true).new
            // The create's error ends the sync (nothing scaled, no status computed).
            if createFailed { return }
        }
        if let new, new.specReplicas != deployment.replicas { scale(new, to: deployment.replicas) }
        if DeploymentMath.deploymentComplete(replicas: deployment.replicas, status: statusAtStart, generation: resource.generation) {
            cleanupOldReplicaSets(oldRSs)
        }
        syncRolloutStatus()
    }
}

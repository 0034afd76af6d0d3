/// `rolloutRolling` (rolling.go, §6): create the new ReplicaSet if missing; scale it up if
/// allowed and stop; else scale old ones down and stop; else, when complete, clean up.
extension DeploymentSync {
    mutating func rolloutRolling() {
        let (newRS, oldRSs) = newAndOldReplicaSets(create: true)
        guard let new = newRS else { return }
        let all = oldRSs + [new]
        if let size = DeploymentMath.reconcileNewReplicaSet(shape, all: all.map(\.counts), new: new.counts) {
            scale(new, to: size)
            syncRolloutStatus()
            return
        }
        let active = oldRSs.filter { $0.specReplicas > 0 }
        let (scaledOld, scaled) = DeploymentMath.reconcileOldReplicaSets(shape, all: all.map(\.counts), old: active.map(\.counts), new: new.counts)
        if scaled {
            for (rs, counts) in zip(active, scaledOld) where counts.specReplicas != rs.specReplicas {
                scale(rs, to: counts.specReplicas)
            }
            syncRolloutStatus()
            return
        }
        if DeploymentMath.deploymentComplete(replicas: deployment.replicas, status: statusAtStart, generation: resource.generation) {
            cleanupOldReplicaSets(oldRSs)
        }
        syncRolloutStatus()
    }
}

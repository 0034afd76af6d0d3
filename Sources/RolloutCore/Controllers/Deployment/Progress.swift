/// `syncRolloutStatus` (progress.go, §11): status, the Available condition, and Progressing
/// with Kubernetes' reasons (DeploymentProgress); a timer for the deadline while the rollout
/// has not finished.
extension DeploymentSync {
    mutating func syncRolloutStatus() {
        let all = ownedReplicaSets()
        let new = all.first { DeploymentController.templatesEqual($0.template, template) }
        var s = calculatedStatus(new: new, all: all)
        setAvailableCondition(s)
        let subject = new.map { "ReplicaSet \"\($0.name)\"" } ?? "Deployment \"\(name)\""
        conditions = DeploymentProgress.updatedConditions(conditions, progressDeadlineSeconds: deployment.progressDeadlineSeconds, replicas: deployment.replicas,
                                                          generation: resource.generation, oldStatus: statusAtStart, newStatus: s, now: c.now, subject: subject)
        // Look again when the deadline would pass (+1 s, as enqueueAfter does). Kubernetes
        // requeues "at once" (rate-limited) under a second; here: the first instant past it.
        if let after = DeploymentProgress.requeueAfter(progressDeadlineSeconds: deployment.progressDeadlineSeconds, progressing: condition("Progressing"),
                                                       replicas: deployment.replicas, generation: resource.generation, newStatus: s, now: c.now) {
            let delay = after.milliseconds == 0 ? 1 : after.milliseconds + 1000
            c.timers.add(.resync, at: c.now.adding(Duration(milliseconds: delay)))
        }
        s.conditions = conditions
        status = s
    }
}

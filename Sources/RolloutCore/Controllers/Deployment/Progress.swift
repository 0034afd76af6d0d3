/// `syncRolloutStatus` (progress.go, §11): status, the Available condition, and Progressing
/// with Kubernetes' reasons; a deadline timer when the rollout is still moving.
extension DeploymentSync {
    mutating func syncRolloutStatus() {
        let all = ownedReplicaSets()
        let new = all.first { DeploymentController.templatesEqual($0.template, template) }
        var s = calculatedStatus(new: new, all: all)
        setAvailableCondition(s)
        let deadline = deployment.progressDeadlineSeconds
        let hasDeadline = deadline != Int(Int32.max)
        if !hasDeadline { removeCondition("Progressing") }
        let current = condition("Progressing")
        let isComplete = s.replicas == s.updatedReplicas && current?.reason == "NewReplicaSetAvailable"
        let subject = new.map { "ReplicaSet \"\($0.name)\"" } ?? "Deployment \"\(name)\""
        if hasDeadline && !isComplete {
            if DeploymentMath.deploymentComplete(replicas: deployment.replicas, status: s, generation: resource.generation) {
                setCondition("Progressing", "True", "NewReplicaSetAvailable", "\(subject) has successfully progressed.")
            } else if DeploymentMath.deploymentProgressing(old: statusAtStart, new: s) {
                // Always rewritten, so lastUpdateTime moves and the deadline counts from now.
                let now = c.now.description
                let transition = current?.status == "True" ? current?.lastTransitionTime : now
                conditions.removeAll { $0.type == "Progressing" }
                conditions.append(Condition(type: "Progressing", status: "True", reason: "ReplicaSetUpdated",
                                            message: "\(subject) is progressing.", lastUpdateTime: now, lastTransitionTime: transition))
            } else if DeploymentMath.deploymentTimedOut(progressDeadlineSeconds: deadline, progressing: current, now: c.now) {
                setCondition("Progressing", "False", "ProgressDeadlineExceeded", "\(subject) has timed out progressing.")
            }
        }
        // requeueStuckDeployment: look again when the deadline would pass.
        if hasDeadline, let progressing = condition("Progressing"), progressing.reason != "NewReplicaSetAvailable",
           progressing.reason != "ProgressDeadlineExceeded", let from = progressing.lastUpdateTime.flatMap(Timestamp.init(parsing:)) {
            c.timers.add(.resync, at: Timestamp(milliseconds: max(c.now.milliseconds, from.milliseconds + deadline * 1000 + 1000)))
        }
        s.conditions = conditions
        status = s
    }
}

/// `syncRolloutStatus` (progress.go, §11): status, the Available condition, and Progressing
/// with Kubernetes' reasons (DeploymentProgress); a timer for the deadline while the rollout
/// has not finished.
extension DeploymentSync {
    mutating func syncRolloutStatus() {
        let all = ownedReplicaSets()
        let new = all.first { c.templatesEqual($0.template, template) }
        var s = calculatedStatus(new: new, all: all)
        setAvailableCondition(s)
        let subject = new.map { "ReplicaSet \"\($0.name)\"" } ?? "Deployment \"\(name)\""
        conditions = DeploymentProgress.updatedConditions(conditions, progressDeadlineSeconds: deployment.progressDeadlineSeconds, replicas: deployment.replicas,
                                                          generation: resource.generation, oldStatus: statusAtStart, newStatus: s, now: c.now, subject: subject)
        // Look again when the deadline would pass (+1 s, as enqueueAfter does). Kubernetes
        // requeues "at once" (rate-limited) under a second; here: the first instant past it.
        // requeueStuckDeployment asks for a sync "now" once the deadline has passed. That sync
        // changes something only if DeploymentTimedOut then holds, which it never does for
        // NewReplicaSetAvailable (util.DeploymentTimedOut): Kubernetes then resyncs at its rate
        // limiter's pace to no effect (a completed Deployment that lost a pod); a requeue every
        // millisecond here would stall virtual time, so none is scheduled.
        if let after = DeploymentProgress.requeueAfter(progressDeadlineSeconds: deployment.progressDeadlineSeconds, progressing: condition("Progressing"),
                                                       replicas: deployment.replicas, generation: resource.generation, newStatus: s, now: c.now),
           after.milliseconds > 0 || condition("Progressing")?.reason != "NewReplicaSetAvailable" {
            let delay = after.milliseconds == 0 ? 1 : after.milliseconds + 1000
            c.timers.add(.resync, at: c.now.adding(Duration(milliseconds: delay)))
        }
        // Synced again at the first instant past the deadline, when DeploymentTimedOut turns.
        if let instant = DeploymentProgress.deadline(progressDeadlineSeconds: deployment.progressDeadlineSeconds, progressing: condition("Progressing")) {
            c.progressDeadlines[resource.uid] = instant
        }
        // getReplicaFailures: the new ReplicaSet's ReplicaFailure, else an old one's, moved
        // into the Deployment's conditions (ReplicaSetToDeploymentCondition: its transition
        // time as both times); with none, the Deployment's is removed.
        if let failure = (new.map { [$0] } ?? []).lazy.compactMap(\.replicaFailure).first ?? all.lazy.compactMap(\.replicaFailure).first {
            let since = failure["lastTransitionTime"]?.stringValue
            DeploymentProgress.set(Condition(type: "ReplicaFailure", status: failure["status"]?.stringValue ?? "True", reason: failure["reason"]?.stringValue ?? "",
                                             message: failure["message"]?.stringValue ?? "", lastUpdateTime: since, lastTransitionTime: since), in: &conditions)
        } else {
            conditions.removeAll { $0.type == "ReplicaFailure" }
        }
        s.conditions = conditions
        status = s
    }
}

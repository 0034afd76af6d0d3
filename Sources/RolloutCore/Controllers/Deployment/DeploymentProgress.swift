/// The Progressing condition as `syncRolloutStatus` and `requeueStuckDeployment` decide it
/// (progress.go, §11), as pure functions over the conditions and statuses.
public enum DeploymentProgress {
    /// `SetDeploymentCondition`: same status and reason change nothing; same status keeps the
    /// transition time; the condition moves to the end.
    public static func set(_ new: Condition, in conditions: inout [Condition]) {
        var new = new
        if let current = conditions.first(where: { $0.type == new.type }) {
            if current.status == new.status && current.reason == new.reason { return }
            if current.status == new.status { new.lastTransitionTime = current.lastTransitionTime }
        }
        conditions.removeAll { $0.type == new.type }
        conditions.append(new)
    }

    /// The conditions after a rollout sync's progress estimate. `subject` is `ReplicaSet "x"`,
    /// or `Deployment "d"` when there is no new ReplicaSet.
    public static func updatedConditions(_ conditions: [Condition], progressDeadlineSeconds: Int?, replicas: Int, generation: Int,
                                         oldStatus: DeploymentStatus, newStatus: DeploymentStatus, now: Timestamp, subject: String) -> [Condition] {
        var conditions = conditions
        let hasDeadline = progressDeadlineSeconds.map { $0 != Int(Int32.max) } ?? false
        if !hasDeadline {
            conditions.removeAll { $0.type == "Progressing" }
            return conditions
        }
        let current = conditions.first { $0.type == "Progressing" }
        let isComplete = newStatus.replicas == newStatus.updatedReplicas && current?.reason == "NewReplicaSetAvailable"
        if isComplete { return conditions }
        let time = now.description
        if DeploymentMath.deploymentComplete(replicas: replicas, status: newStatus, generation: generation) {
            set(Condition(type: "Progressing", status: "True", reason: "NewReplicaSetAvailable", message: "\(subject) has successfully progressed.",
                          lastUpdateTime: time, lastTransitionTime: time), in: &conditions)
        } else if DeploymentMath.deploymentProgressing(old: oldStatus, new: newStatus) {
            // Rewritten even with the same reason, so lastUpdateTime moves and the deadline
            // counts from now; the transition time stays while the status stays True.
            var condition = Condition(type: "Progressing", status: "True", reason: "ReplicaSetUpdated", message: "\(subject) is progressing.",
                                      lastUpdateTime: time, lastTransitionTime: time)
            if current?.status == "True" { condition.lastTransitionTime = current?.lastTransitionTime }
            conditions.removeAll { $0.type == "Progressing" }
            set(condition, in: &conditions)
        } else if DeploymentMath.deploymentTimedOut(progressDeadlineSeconds: progressDeadlineSeconds, progressing: current, now: now) {
            set(Condition(type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded", message: "\(subject) has timed out progressing.",
                          lastUpdateTime: time, lastTransitionTime: time), in: &conditions)
        }
        return conditions
    }

    /// The instant (ms) after which `DeploymentMath.deploymentTimedOut` turns true for this
    /// condition; nil when it cannot turn (no deadline, complete, already timed out).
    public static func deadline(progressDeadlineSeconds: Int?, progressing: Condition?) -> Int? {
        guard let deadline = progressDeadlineSeconds, deadline != Int(Int32.max), let condition = progressing,
              condition.reason != "NewReplicaSetAvailable", condition.reason != "ProgressDeadlineExceeded",
              let from = condition.lastUpdateTime.flatMap(Timestamp.init(parsing:)) else { return nil }
        return from.milliseconds.addingSaturating(deadline.multipliedSaturating(by: 1000))
    }

    /// `requeueStuckDeployment`: when to look again for the deadline; nil when there is no
    /// need (no deadline or condition, complete, already timed out), 0 for at once.
    public static func requeueAfter(progressDeadlineSeconds: Int?, progressing: Condition?, replicas: Int, generation: Int,
                                    newStatus: DeploymentStatus, now: Timestamp) -> Duration? {
        guard let deadline = progressDeadlineSeconds, deadline != Int(Int32.max), let progressing else { return nil }
        if DeploymentMath.deploymentComplete(replicas: replicas, status: newStatus, generation: generation) || progressing.reason == "ProgressDeadlineExceeded" {
            return nil
        }
        guard let from = progressing.lastUpdateTime.flatMap(Timestamp.init(parsing:)) else { return nil }
        let after = from.milliseconds.addingSaturating(deadline.multipliedSaturating(by: 1000)).subtractingSaturating(now.milliseconds)
        return Duration(milliseconds: after < 1000 ? 0 : after)
    }
}

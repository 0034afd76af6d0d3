/// The Deployment controller's arithmetic as pure functions over counts
/// (`pkg/controller/deployment/util/deployment_util.go`, `rolling.go`, `sync.go`), so that
/// Kubernetes' own test tables can be run against them directly. The controller decides when
/// to call them; these decide how many.

/// What the arithmetic needs to know of a ReplicaSet.
public struct ReplicaSetCounts: Equatable, Sendable {
    public var name: String
    public var created: Timestamp
    public var specReplicas: Int
    public var statusReplicas = 0
    public var readyReplicas = 0
    public var availableReplicas = 0
    /// `deployment.kubernetes.io/desired-replicas` and `max-replicas`, when set.
    public var desiredReplicasAnnotation: Int?
    public var maxReplicasAnnotation: Int?

    public init(name: String, created: Timestamp = Timestamp(milliseconds: 0), specReplicas: Int, statusReplicas: Int = 0,
                readyReplicas: Int = 0, availableReplicas: Int = 0, desiredReplicasAnnotation: Int? = nil, maxReplicasAnnotation: Int? = nil) {
        self.name = name
        self.created = created
        self.specReplicas = specReplicas
        self.statusReplicas = statusReplicas
        self.readyReplicas = readyReplicas
        self.availableReplicas = availableReplicas
        self.desiredReplicasAnnotation = desiredReplicasAnnotation
        self.maxReplicasAnnotation = maxReplicasAnnotation
    }
}

/// What the arithmetic needs to know of a Deployment.
public struct DeploymentShape: Equatable, Sendable {
    public var replicas: Int
    public var strategy: DeploymentStrategy
    /// `status.replicas`: the fallback size when a ReplicaSet has no max-replicas annotation.
    public var statusReplicas: Int

    public init(replicas: Int, strategy: DeploymentStrategy, statusReplicas: Int = 0) {
        self.replicas = replicas
        self.strategy = strategy
        self.statusReplicas = statusReplicas
    }
}

public enum DeploymentMath {
    /// `ResolveFenceposts`: surge rounds up, unavailability down; both zero becomes
    /// unavailability 1 so a rollout can always move. nil when a value is not an int or "N%".
    public static func resolveFenceposts(maxSurge: IntOrString?, maxUnavailable: IntOrString?, desired: Int) -> (surge: Int, unavailable: Int)? {
        guard let surge = maxSurge.map({ $0.scaled(total: desired, roundUp: true) }) ?? 0,
              var unavailable = maxUnavailable.map({ $0.scaled(total: desired, roundUp: false) }) ?? 0 else { return nil }
        if surge == 0 && unavailable == 0 { unavailable = 1 }
        return (surge, unavailable)
    }

    /// `MaxSurge`: extra pods allowed above `replicas` (0 for Recreate; not clamped).
    public static func maxSurge(_ d: DeploymentShape) -> Int {
        guard case .rollingUpdate(let surge, let unavailable) = d.strategy else { return 0 }
        return resolveFenceposts(maxSurge: surge, maxUnavailable: unavailable, desired: d.replicas)?.surge ?? 0
    }

    /// `MaxUnavailable`: pods allowed below `replicas`, at most `replicas` (0 for Recreate).
    public static func maxUnavailable(_ d: DeploymentShape) -> Int {
        guard case .rollingUpdate(let surge, let unavailable) = d.strategy, d.replicas > 0 else { return 0 }
        let resolved = resolveFenceposts(maxSurge: surge, maxUnavailable: unavailable, desired: d.replicas)?.unavailable ?? 0
        return min(resolved, d.replicas)
    }

    /// `MinAvailable`: `replicas − MaxUnavailable` for RollingUpdate, 0 for Recreate.
    public static func minAvailable(_ d: DeploymentShape) -> Int {
        guard case .rollingUpdate = d.strategy else { return 0 }
        return d.replicas - maxUnavailable(d)
    }

    /// `NewRSNewReplicas`: how big the new ReplicaSet may be now. `all` includes the new one.
    public static func newRSNewReplicas(_ d: DeploymentShape, all: [ReplicaSetCounts], newSpec: Int) -> Int {
        guard case .rollingUpdate = d.strategy else { return d.replicas }
        let current = all.reduce(0) { $0 + $1.specReplicas }
        let maxTotal = d.replicas + maxSurge(d)
        if current >= maxTotal { return newSpec }
        return newSpec + min(maxTotal - current, d.replicas - newSpec)
    }

    /// `reconcileNewReplicaSet`: the new ReplicaSet's size after this sync, nil when unchanged.
    public static func reconcileNewReplicaSet(_ d: DeploymentShape, all: [ReplicaSetCounts], new: ReplicaSetCounts) -> Int? {
        if new.specReplicas == d.replicas { return nil }
        if new.specReplicas > d.replicas { return d.replicas }
        let size = newRSNewReplicas(d, all: all, newSpec: new.specReplicas)
        return size == new.specReplicas ? nil : size
    }

    /// `reconcileOldReplicaSets`: the old ReplicaSets after this sync's scale-down (same order
    /// as given), and whether anything shrank. `all` includes the new ReplicaSet.
    public static func reconcileOldReplicaSets(_ d: DeploymentShape, all: [ReplicaSetCounts], old: [ReplicaSetCounts], new: ReplicaSetCounts?) -> (old: [ReplicaSetCounts], scaled: Bool) {
        let oldPods = old.reduce(0) { $0 + $1.specReplicas }
        if oldPods == 0 { return (old, false) }
        let allPods = all.reduce(0) { $0 + $1.specReplicas }
        let newUnavailable = new.map { $0.specReplicas - $0.availableReplicas } ?? 0
        // The new ReplicaSet's unavailable pods count against the budget, so a broken release
        // never lets the old pods shrink further (rolling.go).
        let maxScaledDown = allPods - minAvailable(d) - newUnavailable
        if maxScaledDown <= 0 { return (old, false) }
        var (cleaned, cleanedCount) = cleanupUnhealthyReplicas(old, maxCleanupCount: maxScaledDown)
        // scaleDownOldReplicaSetsForRollingUpdate sees the old ReplicaSets after clean-up.
        var allAfter = cleaned
        if let new { allAfter.append(new) }
        let (scaledDown, scaledCount) = scaleDownOldReplicaSetsForRollingUpdate(d, all: allAfter, old: cleaned)
        cleaned = scaledDown
        return (cleaned, cleanedCount + scaledCount > 0)
    }

    /// `cleanupUnhealthyReplicas`: oldest first, remove pods that are not available (not yet
    /// created, pending, not ready), at most `maxCleanupCount` in all.
    public static func cleanupUnhealthyReplicas(_ old: [ReplicaSetCounts], maxCleanupCount: Int) -> ([ReplicaSetCounts], Int) {
        var result = old
        var total = 0
        for i in oldestFirst(result) {
            if total >= maxCleanupCount { break }
            let rs = result[i]
            if rs.specReplicas == 0 || rs.specReplicas == rs.availableReplicas { continue }
            let remove = min(maxCleanupCount - total, rs.specReplicas - rs.availableReplicas)
            result[i].specReplicas -= remove
            total += remove
        }
        return (result, total)
    }

    /// `scaleDownOldReplicaSetsForRollingUpdate`: remove available old pods while more than
    /// `MinAvailable` are available in all, oldest ReplicaSet first.
    public static func scaleDownOldReplicaSetsForRollingUpdate(_ d: DeploymentShape, all: [ReplicaSetCounts], old: [ReplicaSetCounts]) -> ([ReplicaSetCounts], Int) {
        let available = all.reduce(0) { $0 + $1.availableReplicas }
        let minimum = minAvailable(d)
        if available <= minimum { return (old, 0) }
        var result = old
        var toRemove = available - minimum
        var total = 0
        for i in oldestFirst(result) {
            if toRemove <= 0 { break }
            if result[i].specReplicas == 0 { continue }
            let remove = min(result[i].specReplicas, toRemove)
            result[i].specReplicas -= remove
            toRemove -= remove
            total += remove
        }
        return (result, total)
    }

    /// Indices by creation time, then name (`ReplicaSetsByCreationTimestamp`).
    static func oldestFirst(_ list: [ReplicaSetCounts]) -> [Int] {
        list.indices.sorted { a, b in
            list[a].created == list[b].created ? list[a].name < list[b].name : list[a].created < list[b].created
        }
    }

    /// `IsSaturated`: the new ReplicaSet runs every desired pod, all available.
    public static func isSaturated(_ d: DeploymentShape, _ rs: ReplicaSetCounts) -> Bool {
        rs.specReplicas == d.replicas && rs.desiredReplicasAnnotation == d.replicas && rs.availableReplicas == d.replicas
    }

    /// `scale` (sync.go): a scaling event. Returns every ReplicaSet's new size (new first when
    /// there is one, then the old ones in the order given); which ones changed is for the
    /// caller to see.
    public static func scale(_ d: DeploymentShape, new: ReplicaSetCounts?, old: [ReplicaSetCounts]) -> (new: ReplicaSetCounts?, old: [ReplicaSetCounts]) {
        var new = new
        var old = old
        // FindActiveOrLatest: the only active ReplicaSet, or the newest if none is active.
        var all = old
        if let new { all.append(new) }
        let active = all.filter { $0.specReplicas > 0 }
        var chosen: String?
        if active.count == 1 {
            chosen = active[0].name
        } else if active.isEmpty {
            chosen = new?.name ?? oldestFirst(old).last.map { old[$0].name }
        }
        if let chosen {
            if new?.name == chosen { new?.specReplicas = d.replicas } else if let i = old.firstIndex(where: { $0.name == chosen }) { old[i].specReplicas = d.replicas }
            return (new, old)
        }
        if let saturated = new, isSaturated(d, saturated) {
            for i in old.indices where old[i].specReplicas > 0 { old[i].specReplicas = 0 }
            return (new, old)
        }
        guard case .rollingUpdate = d.strategy else { return (new, old) }
        let surge = maxSurge(d)
        let allowed = d.replicas > 0 ? d.replicas + surge : 0
        let current = active.reduce(0) { $0 + $1.specReplicas }
        let toAdd = allowed - current
        // Larger ReplicaSets first; ties: newer first when growing, older first when shrinking.
        var order = active
        order.sort { a, b in
            if a.specReplicas != b.specReplicas { return a.specReplicas > b.specReplicas }
            if a.created != b.created { return toAdd > 0 ? a.created > b.created : a.created < b.created }
            return toAdd > 0 ? a.name > b.name : a.name < b.name
        }
        var sizes: [String: Int] = [:]
        var added = 0
        if toAdd != 0 {
            for rs in order {
                let p = proportion(rs, d: d, surge: surge, toAdd: toAdd, added: added)
                sizes[rs.name] = rs.specReplicas + p
                added += p
            }
            if let first = order.first {
                sizes[first.name] = max(0, (sizes[first.name] ?? first.specReplicas) + toAdd - added)
            }
        }
        if let size = new.flatMap({ sizes[$0.name] }) { new?.specReplicas = size }
        for i in old.indices { if let size = sizes[old[i].name] { old[i].specReplicas = size } }
        return (new, old)
    }

    /// `GetReplicaSetProportion`: this ReplicaSet's share of `toAdd`.
    static func proportion(_ rs: ReplicaSetCounts, d: DeploymentShape, surge: Int, toAdd: Int, added: Int) -> Int {
        if rs.specReplicas == 0 || toAdd == 0 || toAdd == added { return 0 }
        let fraction = replicaSetFraction(rs, d: d, surge: surge)
        let allowedLeft = toAdd - added
        return toAdd > 0 ? min(fraction, allowedLeft) : max(fraction, allowedLeft)
    }

    /// `getReplicaSetFraction`: round(spec × (replicas + surge) / size before) − spec, halves
    /// away from zero, with the size before taken from the max-replicas annotation.
    static func replicaSetFraction(_ rs: ReplicaSetCounts, d: DeploymentShape, surge: Int) -> Int {
        if d.replicas == 0 { return -rs.specReplicas }
        let deploymentMax = d.replicas + surge
        var before = rs.maxReplicasAnnotation ?? 0
        if before == 0 { before = d.statusReplicas }
        if before == 0 { return 0 }
        // Integer round-half-away-from-zero of spec × deploymentMax / before (spec ≥ 0).
        // Saturating: the annotation is a string anyone can write; int32 counts cannot overflow.
        let numerator = rs.specReplicas.multipliedSaturating(by: deploymentMax)
        let rounded = (numerator.multipliedSaturating(by: 2).addingSaturating(before)) / before.multipliedSaturating(by: 2)
        return rounded - rs.specReplicas
    }

    // MARK: progress (progress.go, util)

    /// `DeploymentComplete`: every replica updated, no old ones left, all available, and the
    /// latest spec observed.
    public static func deploymentComplete(replicas: Int, status: DeploymentStatus, generation: Int) -> Bool {
        status.updatedReplicas == replicas && status.replicas == replicas && status.availableReplicas == replicas
            && status.observedGeneration >= generation
    }

    /// `DeploymentProgressing`: more updated pods, fewer old pods, more ready or more available.
    public static func deploymentProgressing(old: DeploymentStatus, new: DeploymentStatus) -> Bool {
        new.updatedReplicas > old.updatedReplicas
            || (new.replicas - new.updatedReplicas) < (old.replicas - old.updatedReplicas)
            || new.readyReplicas > old.readyReplicas
            || new.availableReplicas > old.availableReplicas
    }

    /// `DeploymentTimedOut`: no progress for longer than the deadline (strictly), counted
    /// from the Progressing condition's last update.
    public static func deploymentTimedOut(progressDeadlineSeconds: Int?, progressing: Condition?, now: Timestamp) -> Bool {
        guard let deadline = progressDeadlineSeconds, deadline != Int(Int32.max), let condition = progressing else { return false }
        if condition.reason == "NewReplicaSetAvailable" { return false }
        if condition.reason == "ProgressDeadlineExceeded" { return true }
        guard let from = condition.lastUpdateTime.flatMap(Timestamp.init(parsing:)) else { return false }
        return from.milliseconds.addingSaturating(deadline.multipliedSaturating(by: 1000)) < now.milliseconds
    }
}

extension DeploymentStatus {
    public init(replicas: Int = 0, updatedReplicas: Int = 0, readyReplicas: Int = 0, availableReplicas: Int = 0, observedGeneration: Int = 0) {
        self.init(nil)
        self.replicas = replicas
        self.updatedReplicas = updatedReplicas
        self.readyReplicas = readyReplicas
        self.availableReplicas = availableReplicas
        self.observedGeneration = observedGeneration
    }
}

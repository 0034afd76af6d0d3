/// Virtual time (SPEC §3): run every controller until nothing changes, then jump the clock to
/// the next timer, fire what is due, and again — until a condition holds, the timeout passes,
/// or nothing is left to happen. Same state, same timers, same order: same result.
public enum EventLoop {
    public enum Outcome: Equatable, Sendable {
        case conditionMet
        case timedOut
        /// Nothing is scheduled and the condition does not hold: it never will.
        case idle
    }

    /// Longest a wait runs without `--timeout`: a day of virtual time.
    public static let defaultLimit = Duration(seconds: 86_400)

    /// Runs the controllers once to a fixed point at the current instant.
    public static func settle(_ c: Cluster) {
        for _ in 0..<200 {
            var changed = DeploymentController.sync(in: c)
            if ReplicaSetController.sync(in: c) { changed = true }
            if StatefulSetController.sync(in: c) { changed = true }
            if DaemonSetController.sync(in: c) { changed = true }
            if PersistentVolumeController.sync(in: c) { changed = true }
            if Scheduler.schedule(in: c) { changed = true }
            if EndpointsController.sync(in: c) { changed = true }
            if ServiceLoadBalancer.sync(in: c) { changed = true }
            if Traefik.syncStatus(in: c) { changed = true }
            if NodeLifecycleController.sync(in: c) { changed = true }
            if PodGarbageCollector.sync(in: c) { changed = true }
            if DisruptionController.sync(in: c) { changed = true }
            if ResourceQuotaController.sync(in: c) { changed = true }
            if !changed { return }
        }
    }

    /// Lets virtual time pass until `deadline` (none when it has passed): a wait that has
    /// nothing left to happen still waits out its timeout, as kubectl's does.
    public static func advance(_ c: Cluster, to deadline: Timestamp) {
        advance(c, by: Duration(milliseconds: max(0, deadline.milliseconds - c.now.milliseconds)))
    }

    /// Lets `d` of virtual time pass, whatever happens.
    public static func advance(_ c: Cluster, by d: Duration) {
        let end = c.now.adding(d)
        c.timers.add(.resync, at: end)
        _ = run(c, timeout: d, until: { $0.now >= end })
    }

    /// Advances virtual time until `until` holds. `observe` sees the cluster after every
    /// instant (for `--watch` output and timelines).
    public static func run(_ c: Cluster, timeout: Duration?, until: (Cluster) -> Bool, observe: (Cluster) -> Void = { _ in }) -> Outcome {
        let deadline = c.now.adding(timeout ?? defaultLimit)
        while true {
            settle(c)
            c.recordTimelines()
            observe(c)
            if until(c) { return .conditionMet }
            guard let next = c.timers.nextTime else { return .idle }
            if next > deadline {
                c.traffic?.advance(c, until: deadline)
                c.now = deadline
                settle(c)
                c.recordTimelines()
                observe(c)
                return until(c) ? .conditionMet : .timedOut
            }
            c.traffic?.advance(c, until: next)
            c.now = max(c.now, next)
            for action in c.timers.popAll(at: c.now) {
                switch action {
                case .pod(let pod, let epoch): Kubelet.fire(pod, epoch: epoch, in: c)
                case .resync: break
                case .replicaSet(let uid):
                    c.replicaSetsToSync.insert(uid)
                    c.replicaSetPodsMoved(uid)
                case .endpoints(let key): EndpointsController.publish(key, in: c)
                case .statefulSet(let uid): c.statefulSetsToSync.insert(uid)
                case .daemonSet(let uid): c.daemonSetsToSync.insert(uid)
                case .deployment(let uid): c.deploymentsToSync.insert(uid)
                }
            }
            c.discards.handOver()
            c.traffic?.settleInFlight(c)
        }
    }
}

/// Waiting for Deployments to roll out, as `rollout status`, `apply --wait` and `wait` do:
/// virtual time runs until each one is done or failed, reporting every new status message.
public enum RolloutWait {
    public enum Outcome: Equatable, Sendable {
        case done
        case failed(String)
        case timedOut
        case notFound
    }

    public struct Options: Sendable {
        public var timeout: Duration?
        public var failFast = true
        /// Called with the clock before each instant is shown, for `--speed`.
        public init(timeout: Duration? = nil, failFast: Bool = true) {
            self.timeout = timeout
            self.failFast = failFast
        }
    }

    /// Runs until every Deployment in `keys` is done or failed. `report` gets each
    /// Deployment's message whenever it changes, and the virtual time it changed at.
    public static func wait(for keys: [ObjectKey], in c: Cluster, options: Options,
                            report: (ObjectKey, RolloutStatus.Result, Timestamp) -> Void,
                            pace: (Timestamp) -> Void = { _ in }) -> [ObjectKey: Outcome] {
        var last: [ObjectKey: String] = [:]
        var outcomes: [ObjectKey: Outcome] = [:]
        for key in keys where c.workload(key) == nil { outcomes[key] = .notFound }
        // A status is looked at again only when its workload moved (`statusesToEvaluate`):
        // nothing else it reads can change. All of them at the first look.
        var looked = false
        let loopOutcome = EventLoop.run(c, timeout: options.timeout, until: { c in
            let moved = c.statusesToEvaluate
            c.statusesToEvaluate = []
            defer { looked = true }
            for key in keys where outcomes[key] == nil {
                guard let resource = c.workload(key) else { outcomes[key] = .notFound; continue }
                func evaluate() -> RolloutStatus.Result {
                    let result = RolloutStatus.evaluate(resource)
                    if case .waiting = result, options.failFast, let stuck = RolloutStatus.stuckPods(resource, in: c) { return .failed(stuck) }
                    return result
                }
                if looked && !moved.contains(resource.uid) {
                    #if DEBUG
                    precondition(evaluate().message == last[key], "rollout status of \(key.name) moved without its workload being marked")
                    #endif
                    continue
                }
                let result = evaluate()
                if last[key] != result.message {
                    last[key] = result.message
                    report(key, result, c.now)
                }
                switch result {
                case .done: outcomes[key] = .done
                case .failed(let message): outcomes[key] = .failed(message)
                case .waiting: break
                }
            }
            return keys.allSatisfy { outcomes[$0] != nil }
        }, observe: { c in pace(c.now) })
        for key in keys where outcomes[key] == nil {
            guard loopOutcome == .idle else {
                // A StatefulSet or DaemonSet has no progress deadline: one held by a pod that
                // cannot be placed (the scheduler retries it for ever) says so when time is up.
                // (A pod merely slow to become Ready is a plain timeout.)
                let held = c.statefulSets[key].flatMap { stalledStatefulSet($0, in: c, unplaceableOnly: true) }
                    ?? c.daemonSets[key].flatMap { stalledDaemonSet($0, in: c, unplaceableOnly: true) }
                outcomes[key] = held.map { .failed("timed out: " + $0) } ?? .timedOut
                continue
            }
            if let set = c.statefulSets[key], let message = stalledStatefulSet(set, in: c) { outcomes[key] = .failed(message); continue }
            if let ds = c.daemonSets[key], let message = stalledDaemonSet(ds, in: c) { outcomes[key] = .failed(message); continue }
            let paused = c.deployments[key]?.object["spec"]?["paused"]?.boolValue == true
            let kind = c.workload(key)?.kind.lowercased() ?? "deployment"
            // A new ReplicaSet the API server refused (its Progressing condition says why).
            let createError = c.deployments[key].flatMap { d in
                d.object["status"]?["conditions"]?.arrayValue?.first {
                    $0["type"]?.stringValue == "Progressing" && $0["reason"]?.stringValue == DeploymentController.failedRSCreateReason
                }?["message"]?.stringValue
            }
            outcomes[key] = .failed(paused ? "deployment \"\(key.name)\" is paused; resume it with 'rollout resume deployment/\(key.name)'"
                                           : "\(kind) \"\(key.name)\" is not progressing and nothing is left to happen" + (createError.map { ": " + $0 } ?? ""))
        }
        // A rollout is over when its last old pod is gone, not when kubectl's status says
        // done (terminating pods do not count in status.replicas): time runs on until then (at
        // most 10 minutes), so the timeline, its pictures and the traffic replay cover the
        // drain. Also until endpoint changes already on their way reach the Services, so the
        // next command starts from what clients actually see; with traffic, until every
        // endpoint serves (a pod without a readiness probe is "rolled out" before its app has
        // warmed up) and no request runs on a pod that is still being stopped.
        if loopOutcome == .conditionMet {
            let done = keys.filter { outcomes[$0] == .done }
            _ = EventLoop.run(c, timeout: Duration(seconds: 600), until: { c in
                c.pendingEndpoints.isEmpty && !hasTerminatingPods(done, in: c)
                    && (c.traffic.map { $0.allEndpointsServe(c) && !$0.awaitsTerminatingPods(c) } ?? true)
            }, observe: { c in pace(c.now) })
        }
        return outcomes
    }

    /// A StatefulSet whose controller waits for a pod that will not become Ready: which pod,
    /// and — since a rollback does not replace it (processReplica waits on it first, at any
    /// revision) — the forced rollback Kubernetes documents.
    static func stalledStatefulSet(_ set: Resource, in c: Cluster, unplaceableOnly: Bool = false) -> String? {
        let pods = c.pods(ownedBy: set.uid).filter { !$0.gone }
            .sorted { StatefulSetUtils.ordinal(of: $0.name, parent: set.name) < StatefulSetUtils.ordinal(of: $1.name, parent: set.name) }
        guard let pod = pods.first(where: { !StatefulSetUtils.isHealthy($0) }) else { return nil }
        if pod.nodeName == nil, let failure = pod.schedulingFailure {
            return "statefulset \"\(set.name)\" is not progressing: pod \(pod.name) cannot be placed (\(failure)), and the StatefulSet controller waits for it"
        }
        if unplaceableOnly { return nil }
        return "statefulset \"\(set.name)\" is not progressing: pod \(pod.name) is not Running and Ready, and the StatefulSet controller waits for it; "
            + "rolling the template back does not replace it: delete the pod once the template is fixed (a forced rollback)"
    }

    /// A DaemonSet whose rollout waits for a pod that cannot be placed (a surge pod beside one
    /// holding its host port) or will not become Ready: which, and why.
    static func stalledDaemonSet(_ ds: Resource, in c: Cluster, unplaceableOnly: Bool = false) -> String? {
        let pods = c.pods(ownedBy: ds.uid).filter { !$0.gone && !$0.isTerminating }.sorted { ($0.nodeName ?? "", $0.name) < ($1.nodeName ?? "", $1.name) }
        if let pending = pods.first(where: { $0.nodeName == nil }) {
            let node = DaemonSetSync.targetNode(pending).map { " for \($0)" } ?? ""
            return "daemonset \"\(ds.name)\" is not progressing: pod \(pending.name)\(node) cannot be placed: \(pending.schedulingFailure ?? "no node fits it")"
        }
        if unplaceableOnly { return nil }
        guard let unready = pods.first(where: { !StatefulSetUtils.isRunningAndReady($0) }) else { return nil }
        return "daemonset \"\(ds.name)\" is not progressing: pod \(unready.name) on \(unready.nodeName ?? "no node") is not Running and Ready, and the rollout waits for it"
    }

    /// Some pod of these Deployments is being stopped.
    static func hasTerminatingPods(_ keys: [ObjectKey], in c: Cluster) -> Bool {
        keys.contains { key in
            if let set = c.statefulSets[key] ?? c.daemonSets[key] { return c.pods(ownedBy: set.uid).contains { $0.isTerminating && !$0.gone } }
            guard let uid = c.deployments[key]?.uid else { return false }
            return c.replicaSets(ownedBy: uid).contains { rs in c.pods(ownedBy: rs.uid).contains { $0.isTerminating && !$0.gone } }
        }
    }
}

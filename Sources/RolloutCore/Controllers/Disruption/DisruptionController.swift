/// The disruption controller (`pkg/controller/disruption/disruption.go` trySync,
/// getExpectedPodCount, countHealthyPods, updatePdbStatus, failSafe;
/// KUBERNETES-scheduling-traffic.md §5): each PodDisruptionBudget's status from the pods it
/// selects — expectedPods, desiredHealthy, currentHealthy, disruptionsAllowed and the
/// DisruptionAllowed condition. It acts at once on every change, as the informer-driven
/// controller does within milliseconds, so `status.disruptedPods` (evictions the controller has
/// not seen yet) is always empty here.
enum DisruptionController {
    static let component = "controllermanager"

    struct Status: Equatable {
        var expectedPods = 0
        var desiredHealthy = 0
        var currentHealthy = 0
        var disruptionsAllowed = 0
        /// Why the sync failed (the fail-safe: nothing may be disrupted).
        var failure: String?
        /// Pods without a controller, left out of a scale-based count (event UnmanagedPods).
        var unmanaged = false
        var noPods = false
    }

    /// The status of `pdb` given the pods it selects. `scale` gives, for a pod, its controller's
    /// uid and `spec.replicas` (a Deployment through its ReplicaSet), nil for a pod without a
    /// controller, and `.unresolved` when its controller cannot be found.
    enum Scale { case of(uid: String, replicas: Int), unmanaged, unresolved }

    static func status(_ pdb: PodDisruptionBudget, pods: [SimPod], scale: (SimPod) -> Scale) -> Status {
        var s = Status()
        if pods.isEmpty { s.noPods = true }
        // getExpectedPodCount.
        func expectedFromScale() -> Int? {
            var controllers: [String: Int] = [:]
            for pod in pods {
                switch scale(pod) {
                case .of(let uid, let replicas): controllers[uid] = replicas
                case .unmanaged: s.unmanaged = true
                case .unresolved:
                    s.failure = "found no controllers for pod \(GoQuote.quoted(pod.name))"
                    return nil
                }
            }
            return controllers.values.reduce(0, +)
        }
        if let max = pdb.maxUnavailable {
            guard let expected = expectedFromScale() else { return failSafe(s) }
            s.expectedPods = expected
            let unavailable = max.scaled(total: expected, roundUp: true) ?? 0
            s.desiredHealthy = Swift.max(0, expected - unavailable)
        } else if let min = pdb.minAvailable {
            if case .int(let n) = min {
                s.desiredHealthy = n
                s.expectedPods = pods.count
            } else {
                guard let expected = expectedFromScale() else { return failSafe(s) }
                s.expectedPods = expected
                s.desiredHealthy = min.scaled(total: expected, roundUp: true) ?? 0
            }
        }
        // Neither set (policy/v1 has no default for them): expectedPods stays 0, so nothing may
        // be disrupted.
        // countHealthyPods: Ready, not being deleted.
        s.currentHealthy = pods.filter { $0.ready && $0.deletion == nil }.count
        s.disruptionsAllowed = s.expectedPods <= 0 ? 0 : Swift.max(0, s.currentHealthy - s.desiredHealthy)
        return s
    }

    static func failSafe(_ s: Status) -> Status {
        var s = s
        s.disruptionsAllowed = 0
        return s
    }

    /// Brings every budget's status up to date; true when one changed.
    @discardableResult
    static func sync(in c: Cluster) -> Bool {
        guard !c.disruptionBudgets.isEmpty, c.changes != c.disruptionSyncedAt else { return false }
        defer { c.disruptionSyncedAt = c.changes }
        var changed = false
        for key in c.disruptionBudgets.keys.sorted() {
            if sync(key, in: c) { changed = true }
        }
        return changed
    }

    /// The pods a budget selects: its namespace, its selector, not yet gone.
    static func pods(of pdb: PodDisruptionBudget, in c: Cluster) -> [SimPod] {
        c.pods.values.filter { !$0.gone && $0.namespace == pdb.namespace && pdb.selects($0.labels) }.sorted { $0.name < $1.name }
    }

    static func scale(of pod: SimPod, in c: Cluster) -> Scale {
        guard !pod.ownerUID.isEmpty else { return .unmanaged }
        // getPodStatefulSet: a StatefulSet's scale is its own.
        if pod.ownerKind == "StatefulSet" {
            guard let set = c.statefulSetKeys[pod.ownerUID].flatMap({ c.statefulSets[$0] }) else { return .unresolved }
            return .of(uid: set.uid, replicas: set.value.at("spec", "replicas")?.intValue ?? 1)
        }
        guard let rs = c.replicaSets[pod.ownerUID] else { return .unresolved }
        if !rs.ownerUID.isEmpty {
            guard let d = c.deployments.values.first(where: { $0.uid == rs.ownerUID }) else { return .unresolved }
            return .of(uid: rs.ownerUID, replicas: d.value.at("spec", "replicas")?.intValue ?? 1)
        }
        return .of(uid: rs.uid, replicas: rs.specReplicas)
    }

    @discardableResult
    static func sync(_ key: ObjectKey, in c: Cluster) -> Bool {
        guard let resource = c.disruptionBudgets[key] else { return false }
        let pdb = PodDisruptionBudget(resource)
        let pods = pods(of: pdb, in: c)
        let s = status(pdb, pods: pods, scale: { scale(of: $0, in: c) })
        let previous = resource.object["status"]
        let allowed = s.disruptionsAllowed > 0
        let reason = s.failure != nil ? "SyncFailed" : allowed ? "SufficientPods" : "InsufficientPods"
        let oldCondition = previous?["conditions"]?.arrayValue?.first { $0["type"]?.stringValue == "DisruptionAllowed" }
        let conditionStatus = allowed ? "True" : "False"
        // UpdateDisruptionAllowedCondition: the transition time moves only when status changes.
        let transition = oldCondition?["status"]?.stringValue == conditionStatus ? (oldCondition?["lastTransitionTime"] ?? .string(c.now.description)) : .string(c.now.description)
        var condition = Object([
            "type": .string("DisruptionAllowed"), "status": .string(conditionStatus), "reason": .string(reason),
            "message": .string(s.failure ?? ""), "lastTransitionTime": transition, "observedGeneration": .int(pdb.generation),
        ])
        if s.failure == nil { condition["message"] = .string("") }
        let status = Value.object(Object([
            "observedGeneration": .int(pdb.generation),
            "disruptionsAllowed": .int(s.disruptionsAllowed),
            "currentHealthy": .int(s.currentHealthy),
            "desiredHealthy": .int(s.desiredHealthy),
            "expectedPods": .int(s.expectedPods),
            "conditions": .array([.object(condition)]),
        ]))
        guard status != previous else { return false }
        // Its events, as trySync records them — here once per change of the status, since
        // this controller runs at every instant rather than on informer events.
        if s.noPods {
            c.record(reason: "NoPods", message: "No matching pods found", kind: "PodDisruptionBudget", name: pdb.name, namespace: pdb.namespace, uid: resource.uid, component: component)
        }
        if s.unmanaged {
            c.record("Warning", reason: "UnmanagedPods",
                     message: "Pods selected by this PodDisruptionBudget (selector: \(goSelector(pdb.selector))) were found to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. To account for these pods please set \".spec.minAvailable\" field of the PDB to an integer value.",
                     kind: "PodDisruptionBudget", name: pdb.name, namespace: pdb.namespace, uid: resource.uid, component: component)
        }
        if let failure = s.failure {
            c.record("Warning", reason: "CalculateExpectedPodCountFailed", message: "Failed to calculate the number of expected pods: \(failure)",
                     kind: "PodDisruptionBudget", name: pdb.name, namespace: pdb.namespace, uid: resource.uid, component: component)
        }
        var updated = resource
        updated.object["status"] = status
        c.disruptionBudgets[key] = updated
        c.dirtyDisruptionBudgets.insert(key)
        return true
    }

    /// A selector as Go's `%v` of a `*metav1.LabelSelector` prints it.
    static func goSelector(_ selector: LabelSelector?) -> String {
        guard let selector else { return "nil" }
        let labels = selector.requirements.filter { $0.op == .equals }.map { "\($0.key): \($0.values.first ?? "")," }
        let expressions = selector.requirements.filter { $0.op != .equals }.map {
            "LabelSelectorRequirement{Key:\($0.key),Operator:\($0.op.rawValue),Values:[]string{\($0.values.map { "\"\($0)\"" }.joined(separator: ","))},},"
        }
        return "&LabelSelector{MatchLabels:map[string]string{\(labels.joined())},MatchExpressions:[]LabelSelectorRequirement{\(expressions.joined())},}"
    }
}

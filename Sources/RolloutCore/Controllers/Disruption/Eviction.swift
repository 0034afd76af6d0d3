/// The eviction subresource (`pkg/registry/core/pod/storage/eviction.go` EvictionREST.Create,
/// canIgnorePDB, checkAndDecrement, createTooManyRequestsError; KUBERNETES-scheduling-traffic.md
/// §4): a pod is deleted unless a PodDisruptionBudget that selects it allows no disruption now.
enum Eviction {
    enum Result: Equatable {
        /// Accepted: the pod is being deleted (gracefully, with its own grace period).
        case evicted
        /// 404: the pod does not exist (any more).
        case notFound
        /// 429: `message` is what kubectl prints, `cause` the budget's detail.
        case tooManyRequests(message: String, cause: String)
        /// Any other error (500 for more than one budget); kubectl gives up on the pod.
        case failed(String)
    }

    static let violationMessage = "Cannot evict pod as it would violate the pod's disruption budget."
    static let multipleBudgetsMessage = "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support."

    static func evict(_ pod: SimPod?, grace: Int? = nil, in c: Cluster) -> Result {
        guard let pod, !pod.gone else { return .notFound }
        // canIgnorePDB: terminal, pending or already terminating pods are deleted without a budget.
        if pod.deletion != nil || pod.phase == "Pending" || pod.nodeName == nil {
            delete(pod, grace: grace, in: c)
            return .evicted
        }
        let budgets = c.disruptionBudgets.filter { $0.value.namespace == pod.namespace && PodDisruptionBudget($0.value).selects(pod.labels) }.keys.sorted()
        guard let key = budgets.first else {
            delete(pod, grace: grace, in: c)
            return .evicted
        }
        if budgets.count > 1 { return .failed(multipleBudgetsMessage) }
        DisruptionController.sync(key, in: c)
        guard let resource = c.disruptionBudgets[key] else { return .notFound }
        let pdb = PodDisruptionBudget(resource)
        let status = resource.object["status"]
        let current = status?["currentHealthy"]?.intValue ?? 0
        let desired = status?["desiredHealthy"]?.intValue ?? 0
        // A pod that is not Ready does not count as healthy: AlwaysAllow lets it go, and
        // IfHealthyBudget (the default) does when the budget is met.
        if !pod.ready {
            if pdb.unhealthyPodEvictionPolicy == "AlwaysAllow" || (current >= desired && desired > 0) {
                delete(pod, in: c)
                return .evicted
            }
        }
        // checkAndDecrement.
        if (status?["observedGeneration"]?.intValue ?? 0) < pdb.generation {
            return .tooManyRequests(message: violationMessage, cause: "The disruption budget \(pdb.name) is still being processed by the server.")
        }
        guard (status?["disruptionsAllowed"]?.intValue ?? 0) > 0 else {
            return .tooManyRequests(message: violationMessage, cause: "The disruption budget \(pdb.name) needs \(desired) healthy pods and has \(current) currently")
        }
        delete(pod, grace: grace, in: c)
        DisruptionController.sync(key, in: c)
        return .evicted
    }

    /// The DELETE that follows an accepted eviction (addConditionAndDeletePod: the
    /// DisruptionTarget condition first), or `--disable-eviction`'s plain one.
    static func delete(_ pod: SimPod, evicted: Bool = true, grace: Int? = nil, in c: Cluster) {
        if evicted && pod.deletion == nil { c.updatePod(pod.uid) { $0.disruption = ("EvictionByEvictionAPI", "Eviction API: evicting", c.now) } }
        Kubelet.beginTermination(pod.uid, grace: grace, in: c)
    }
}

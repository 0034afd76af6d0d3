/// The resource quota controller (`pkg/controller/resourcequota/resource_quota_controller.go`
/// syncResourceQuota, with the pod evaluator's `UsageStats`): each ResourceQuota's
/// `status.hard` is its `spec.hard`, and `status.used` what the namespace's pods use of each
/// pod resource it tracks — a pod counted while `QuotaV1Pod` holds (not terminal, not deleted
/// longer ago than twice its grace period), `count/pods` for every pod that exists.
///
/// Upstream recalculates after the events that free quota (a pod deleted or finished) and every
/// five minutes; here usage is read from the pods whenever it is needed, which is the same but
/// for a pod stuck terminating past twice its grace period: it stops counting at that instant
/// rather than at the next full resync. Objects other than pods count as loaded (their
/// number does not change while the controllers run), but for the claims and ReplicaSets the
/// controllers make.
enum ResourceQuotaController {
    /// Writes each quota's status where it moved.
    static func sync(in c: Cluster) -> Bool {
        guard !c.resourceQuotas.isEmpty else { return false }
        var changed = false
        for namespace in c.resourceQuotas.namespaces {
            let quotas = c.resourceQuotas.quotas(in: namespace)
            let used = usage(of: quotas, namespace: namespace, in: c)
            for (quota, used) in zip(quotas, used) {
                guard var resource = c.quotaObjects[quota.key] else { continue }
                let hard = quota.hard.names
                var usedObject = Object(), hardObject = Object()
                // (`spec.hard` as stored — each quantity in its canonical form — in key order,
                // as a Go map is written.)
                let written = resource.object["spec"]?["hard"]
                for name in hard {
                    hardObject[name] = written?[name] ?? .string(quota.hard[name]?.text ?? "0")
                    usedObject[name] = .string((used[name] ?? QuotaAmounts.zero).text)
                }
                let status = Value.object(Object(["hard": .object(hardObject), "used": .object(usedObject)]))
                guard resource.object["status"] != status else { continue }
                resource.object["status"] = status
                c.quotaObjects[quota.key] = resource
                c.dirtyQuotas.insert(quota.key)
                changed = true
            }
        }
        return changed
    }

    /// Each quota's `status.used` as the controller computes it (`CalculateUsage`): every
    /// pod resource it tracks, from zero, summed over the pods its scopes match, in uid order.
    static func usage(of quotas: [ResourceQuotas.Quota], namespace: String, in c: Cluster) -> [QuotaAmounts] {
        // The namespace's pods, found by their owners (whose pods share their namespace), not by
        // visiting every pod of the cluster at every pass.
        var pods: [SimPod] = []
        // Pods its kubelet rejected this run are stored, Failed, as finished pods are.
        var rejected = 0
        for (owner, group) in c.podsByOwner {
            guard let first = group.first, owner.isEmpty || first.namespace == namespace else { continue }
            pods += group.filter { !$0.gone && $0.namespace == namespace }
            rejected += group.reduce(0) { $0 + ($1.rejection != nil && $1.namespace == namespace ? 1 : 0) }
        }
        pods.sort { $0.uid < $1.uid }
        var used = ResourceQuotas.usage(of: quotas, pods: pods.map { pod in
            (pod.template["spec"]?.objectValue ?? Object(), PodQuota.charged(deletion: pod.deletion, grace: pod.behaviour.terminationGracePeriodSeconds, now: c.now))
        })
        // Other objects: as loaded, but the claims and ReplicaSets the controllers make.
        var objects = c.quotaCountedObjects[namespace] ?? []
        objects += c.claims.values.filter { ($0.namespace ?? "default") == namespace }.sorted { $0.name < $1.name }
        if quotas.contains(where: { $0.hard[DeploymentController.replicaSetCountResource] != nil }) {
            let sets = c.replicaSets.values.filter { !$0.deleted && $0.namespace == namespace }
            objects += sets.map { _ in Resource(Object(["apiVersion": .string("apps/v1"), "kind": .string("ReplicaSet")])) }
        }
        for (i, counted) in ResourceQuotas.objectsUsage(of: quotas, objects: objects).enumerated() where i < used.count {
            for name in counted.names { used[i][name] = counted[name] }
        }
        // Finished pods are in storage: `count/pods` counts them (not `pods`), in a quota
        // without scopes (their specs are not kept to match scopes against).
        let finished = (c.finishedPods[namespace] ?? 0) + rejected
        if finished > 0 {
            for (i, quota) in quotas.enumerated() where quota.scopes.isEmpty && used[i]["count/pods"] != nil {
                used[i].add("count/pods", QuotaAmounts.Amount(milli: finished * 1000, format: .decimalSI))
            }
        }
        return used
    }
}

/// Quota admission for the pods one sync creates in a namespace: the quotas' usage read once,
/// then each admitted pod added to it, as the plugin adds it to `status.used`
/// (`checkRequest`'s outQuotas). Nil when the namespace has no quota.
struct QuotaSession {
    let quotas: [ResourceQuotas.Quota]
    var used: [QuotaAmounts]

    init?(namespace: String, in c: Cluster) {
        let quotas = c.resourceQuotas.quotas(in: namespace)
        guard !quotas.isEmpty else { return nil }
        self.quotas = quotas
        used = ResourceQuotaController.usage(of: quotas, namespace: namespace, in: c)
    }

    /// Nil when the pod of this spec is admitted (and counted), else why it is refused.
    mutating func admit(_ spec: Object) -> String? {
        let (refusal, after) = ResourceQuotas.admit(spec: spec, quotas: quotas, used: used)
        if refusal == nil { used = after }
        return refusal
    }
}

/// PodDisruptionBudgets that can never allow a voluntary disruption: every `kubectl drain` of a
/// node running one of their pods blocks for ever (the eviction API answers 429 each time).
/// The arithmetic is the disruption controller's (`getExpectedPodCount`: percentages of the
/// controllers' replicas, rounded up): allowed = healthy − desired, at best replicas − desired.
extension Linter {
    /// Why `pdb` never allows a disruption when the workloads it selects want `replicas` pods
    /// in all; nil when it can.
    static func budgetNeverAllows(_ pdb: PodDisruptionBudget, replicas: Int) -> String? {
        if let max = pdb.maxUnavailable {
            let n = max.scaled(total: replicas, roundUp: true) ?? 0
            if n <= 0 { return "maxUnavailable \(max): no pod may ever be evicted" }
            return nil
        }
        guard let min = pdb.minAvailable else {
            return "neither minAvailable nor maxUnavailable is set: the budget expects no pods and allows no disruption"
        }
        let desired = min.scaled(total: replicas, roundUp: true) ?? 0
        guard desired >= replicas, replicas > 0 else { return nil }
        let how = min.percent.map { "minAvailable \($0)% of the \(replicas) replicas it selects rounds up to \(desired)" }
            ?? "minAvailable \(desired) of the \(replicas) replica\(replicas == 1 ? "" : "s") it selects"
        return "\(how): no pod may ever be evicted"
    }

    /// Where a budget's bound is written: the field a `pdb-blocks-drain` points at.
    static func budgetPath(_ pdb: PodDisruptionBudget) -> FieldPath {
        pdb.maxUnavailable != nil ? FieldPath("spec.maxUnavailable") : pdb.minAvailable != nil ? FieldPath("spec.minAvailable") : FieldPath("spec")
    }

    static let budgetFix = "allow one disruption: maxUnavailable: 1, or minAvailable below the replicas (and run at least 2 replicas)"

    /// `pdb-blocks-drain` for the budgets among the manifests, against the Deployments the
    /// manifests and the cluster hold.
    static func budgetHazards(_ budgets: [(Resource, ManifestDocument)], known: KnownObjects) -> [Hazard] {
        var found: [Hazard] = []
        for (resource, document) in budgets {
            let pdb = PodDisruptionBudget(resource)
            let selected = known.deploymentReplicas.filter { key, value in
                key.hasPrefix(pdb.namespace + "/") && pdb.selects(value.labels)
            }
            // Without the workloads' replicas only a budget of zero is certain.
            if selected.isEmpty {
                let zero = pdb.maxUnavailable.map { $0 == .int(0) || $0.percent == 0 } ?? (pdb.minAvailable == nil)
                guard zero else { continue }
            }
            let replicas = selected.values.map(\.replicas).reduce(0, +)
            guard let why = budgetNeverAllows(pdb, replicas: replicas) else { continue }
            let path = budgetPath(pdb)
            found.append(hazard("pdb-blocks-drain", .error, resource, document, path, "\(why), so every drain of a node running one blocks for ever",
                                fix: budgetFix))
        }
        return found
    }
}

import Foundation

/// PodTopologySpread with the pod's own `topologySpreadConstraints`
/// (`podtopologyspread/filtering.go` calPreFilterState, Filter; `scoring.go` for ScheduleAnyway;
/// `common.go` for the defaults of 1.32: nodeAffinityPolicy Honor, nodeTaintsPolicy Ignore,
/// matchLabelKeys merged into the selector; `matchNodeInclusionPolicies`: `nodeAffinityPolicy:
/// Ignore` counts nodes the pod's node selection excludes, `nodeTaintsPolicy: Honor` leaves
/// out nodes with a NoSchedule or NoExecute taint the pod does not tolerate). Pods are counted per domain — the values of the
/// constraint's `topologyKey` on the nodes that have it and match the pod's node selection —
/// skipping terminating pods; a node is refused when its domain's count, plus one if the pod
/// matches the selector itself, exceeds the smallest domain's by more than `maxSkew` (the
/// smallest counting as 0 while there are fewer domains than `minDomains`).
struct SpreadConstraint {
    var maxSkew: Int
    var topologyKey: String
    var hard: Bool
    var selector: LabelSelector?
    var minDomains: Int
    /// `nodeAffinityPolicy` (Honor unless Ignore) and `nodeTaintsPolicy` (Ignore unless Honor).
    var honorsNodeAffinity: Bool
    var honorsTaints: Bool

    init(_ value: Value, podLabels: [String: String]) {
        var reader = FieldReader()
        maxSkew = max(1, value["maxSkew"]?.intValue ?? 1)
        topologyKey = value["topologyKey"]?.stringValue ?? ""
        hard = (value["whenUnsatisfiable"]?.stringValue ?? "DoNotSchedule") == "DoNotSchedule"
        selector = LabelSelector.decode(value["labelSelector"], at: FieldPath(), reader: &reader)
        minDomains = max(1, value["minDomains"]?.intValue ?? 1)
        honorsNodeAffinity = value["nodeAffinityPolicy"]?.stringValue != "Ignore"
        honorsTaints = value["nodeTaintsPolicy"]?.stringValue == "Honor"
        for key in (value["matchLabelKeys"]?.arrayValue ?? []).compactMap(\.stringValue) {
            guard let v = podLabels[key] else { continue }
            selector = selector ?? LabelSelector()
            selector?.requirements.append(.init(key: key, op: .equals, values: [v]))
        }
    }

    func counts(_ labels: [String: String], namespace: String, podNamespace: String) -> Bool {
        guard let selector else { return false }
        return namespace == podNamespace && selector.matches(labels)
    }
}

enum PodTopologySpread {
    struct State {
        var constraint: SpreadConstraint
        /// Matching pods per domain value, over the eligible nodes.
        var domains: [String: Int]
        var minMatch: Int
        var selfMatch: Int
    }

    static func states(_ r: PodRequirements, labels: [String: String], namespace: String, placed: [PlacedPod], nodes: [NodeState]) -> [State] {
        r.spread.map { constraint in
            var domains: [String: Int] = [:]
            var eligible = Array(repeating: false, count: nodes.count)
            for (i, s) in nodes.enumerated() {
                guard let value = s.node.labels[constraint.topologyKey] else { continue }
                if constraint.honorsNodeAffinity && NodeFilters.nodeAffinity(r, s.node) != nil { continue }
                if constraint.honorsTaints && s.node.taints.contains(where: { ($0.effect == "NoSchedule" || $0.effect == "NoExecute") && !r.tolerates($0) }) { continue }
                eligible[i] = true
                domains[value, default: 0] += 0
            }
            for p in placed where !p.terminating && eligible[p.node] && constraint.counts(p.labels, namespace: p.namespace, podNamespace: namespace) {
                if let value = nodes[p.node].node.labels[constraint.topologyKey] { domains[value, default: 0] += 1 }
            }
            let minMatch = domains.count < constraint.minDomains ? 0 : (domains.values.min() ?? 0)
            let selfMatch = constraint.selector?.matches(labels) == true ? 1 : 0
            return State(constraint: constraint, domains: domains, minMatch: minMatch, selfMatch: selfMatch)
        }
    }

    static func filter(_ states: [State], node: SimNode) -> FilterFailure? {
        for s in states where s.constraint.hard {
            guard let value = node.labels[s.constraint.topologyKey] else {
                return FilterFailure(reasons: ["node(s) didn't match pod topology spread constraints (missing required label)"], resolvable: false)
            }
            if (s.domains[value] ?? 0) + s.selfMatch - s.minMatch > s.constraint.maxSkew {
                return FilterFailure(reasons: ["node(s) didn't match pod topology spread constraints"], resolvable: true)
            }
        }
        return nil
    }

    /// ScheduleAnyway constraints (scoring.go): Σ count × ln(domains among the feasible nodes
    /// + 2) + maxSkew − 1, rounded; nodes lacking a key score 0; normalised as the defaults are.
    static func scores(_ states: [State], feasible: [Int], nodes: [NodeState]) -> [Int]? {
        let soft = states.filter { !$0.constraint.hard }
        guard !soft.isEmpty else { return nil }
        var raw: [Int?] = []
        for i in feasible {
            var score = 0.0
            var ignored = false
            for s in soft {
                guard let value = nodes[i].node.labels[s.constraint.topologyKey] else { ignored = true; break }
                let domainCount = Set(feasible.compactMap { nodes[$0].node.labels[s.constraint.topologyKey] }).count
                score += Double(s.domains[value] ?? 0) * log(Double(domainCount + 2)) + Double(s.constraint.maxSkew - 1)
            }
            raw.append(ignored ? nil : Int(score.rounded()))
        }
        let valid = raw.compactMap { $0 }
        let top = valid.max() ?? 0, bottom = valid.min() ?? 0
        return raw.map { value in
            guard let value else { return 0 }
            return top == 0 ? NodeScores.maxNodeScore : NodeScores.maxNodeScore * (top + bottom - value) / top
        }
    }
}

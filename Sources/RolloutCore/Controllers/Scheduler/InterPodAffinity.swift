/// InterPodAffinity's Filter (`interpodaffinity/filtering.go`: PreFilter, Filter,
/// satisfyPodAffinity, satisfyPodAntiAffinity, satisfyExistingPodsAntiAffinity): the pod's
/// required affinity and anti-affinity terms, and the required anti-affinity of the pods
/// already on the nodes — terminating ones included, as they stay in the node's pods until
/// they are gone. A term matches a pod by its label selector (none matches nothing) in its
/// namespaces (none: the namespace of the pod that has the term); domains are the values of
/// the term's `topologyKey` on the nodes.
struct AffinityTerm {
    var selector: LabelSelector?
    var namespaces: [String]
    var topologyKey: String

    init(_ value: Value) {
        var reader = FieldReader()
        selector = LabelSelector.decode(value["labelSelector"], at: FieldPath(), reader: &reader)
        namespaces = (value["namespaces"]?.arrayValue ?? []).compactMap(\.stringValue)
        topologyKey = value["topologyKey"]?.stringValue ?? ""
    }

    /// Whether `pod` (labels, namespace) matches the term of a pod in `owner` namespace.
    func matches(labels: [String: String], namespace: String, termNamespace owner: String) -> Bool {
        guard let selector else { return false }
        return (namespaces.isEmpty ? [owner] : namespaces).contains(namespace) && selector.matches(labels)
    }
}

/// A pod on a node, for the affinity checks.
struct PlacedPod {
    var labels: [String: String]
    var namespace: String
    var node: Int
    var antiAffinity: [AffinityTerm]
    var terminating: Bool
    /// Its own affinity terms, for the scoring's symmetry (nil: none).
    var requirements: PodRequirements?
}

enum InterPodAffinity {
    /// The domains (topology key → values) where each of the pod's terms is met, and those the
    /// existing pods' anti-affinity forbids it; nil when none of this applies to the pod.
    struct Context {
        var affinity: [(key: String, values: Set<String>)]
        /// No pod matches every affinity term anywhere, and the pod matches its own terms:
        /// the first of its group may go anywhere the other rules allow.
        var firstOfGroup: Bool
        var antiAffinity: [(key: String, values: Set<String>)]
        var existing: [(key: String, values: Set<String>)]
    }

    static func context(_ r: PodRequirements, labels: [String: String], namespace: String, placed: [PlacedPod], nodes: [NodeState]) -> Context? {
        let existingAnti = placed.contains { !$0.antiAffinity.isEmpty }
        guard !r.podAffinity.isEmpty || !r.podAntiAffinity.isEmpty || existingAnti else { return nil }
        func domains(_ term: AffinityTerm) -> (key: String, values: Set<String>) {
            var values = Set<String>()
            for p in placed where term.matches(labels: p.labels, namespace: p.namespace, termNamespace: namespace) {
                if let value = nodes[p.node].node.labels[term.topologyKey] { values.insert(value) }
            }
            return (term.topologyKey, values)
        }
        let affinity = r.podAffinity.map(domains)
        let anyMatchesAll = placed.contains { p in r.podAffinity.allSatisfy { $0.matches(labels: p.labels, namespace: p.namespace, termNamespace: namespace) } }
        let selfMatches = r.podAffinity.allSatisfy { $0.matches(labels: labels, namespace: namespace, termNamespace: namespace) }
        var existing: [(key: String, values: Set<String>)] = []
        for p in placed {
            for term in p.antiAffinity where term.matches(labels: labels, namespace: namespace, termNamespace: p.namespace) {
                if let value = nodes[p.node].node.labels[term.topologyKey] { existing.append((term.topologyKey, [value])) }
            }
        }
        return Context(affinity: affinity, firstOfGroup: !r.podAffinity.isEmpty && !anyMatchesAll && selfMatches,
                       antiAffinity: r.podAntiAffinity.map(domains), existing: existing)
    }

    static func filter(_ context: Context, node: SimNode) -> FilterFailure? {
        let labels = node.labels
        if !context.firstOfGroup {
            for (key, values) in context.affinity {
                guard let value = labels[key], values.contains(value) else {
                    return FilterFailure(reasons: ["node(s) didn't match pod affinity rules"], resolvable: false)
                }
            }
        } else if context.affinity.contains(where: { labels[$0.key] == nil }) {
            return FilterFailure(reasons: ["node(s) didn't match pod affinity rules"], resolvable: false)
        }
        for (key, values) in context.antiAffinity {
            if let value = labels[key], values.contains(value) {
                return FilterFailure(reasons: ["node(s) didn't match pod anti-affinity rules"], resolvable: true)
            }
        }
        for (key, values) in context.existing {
            if let value = labels[key], values.contains(value) {
                return FilterFailure(reasons: ["node(s) didn't satisfy existing pods anti-affinity rules"], resolvable: true)
            }
        }
        return nil
    }
}

/// InterPodAffinity's Score (`interpodaffinity/scoring.go` PreScore, processExistingPod, Score,
/// NormalizeScore): for each placed pod, the incoming pod's preferred affinity terms it matches
/// add their weight to its node's domain, preferred anti-affinity terms take it away; the
/// placed pod's own required affinity terms that match the incoming pod add 1
/// (hardPodAffinityWeight), its preferred ones their weight, its preferred anti-affinity ones
/// take it away. A node scores the sum over its domains, scaled from the lowest to the highest
/// to 0–100; nil when nothing of this applies (PreScore's Skip).
extension InterPodAffinity {
    static func scores(_ r: PodRequirements, labels: [String: String], namespace: String, placed: [PlacedPod], feasible: [Int], nodes: [NodeState]) -> [Int]? {
        let placedWithTerms = placed.contains { $0.requirements?.hasPodAffinity == true }
        guard !r.preferredPodAffinity.isEmpty || !r.preferredPodAntiAffinity.isEmpty || placedWithTerms else { return nil }
        var topology: [String: [String: Int]] = [:]
        func add(_ key: String, _ node: Int, _ weight: Int) {
            guard let value = nodes[node].node.labels[key] else { return }
            topology[key, default: [:]][value, default: 0] += weight
        }
        for p in placed {
            for (weight, term) in r.preferredPodAffinity where term.matches(labels: p.labels, namespace: p.namespace, termNamespace: namespace) {
                add(term.topologyKey, p.node, weight)
            }
            for (weight, term) in r.preferredPodAntiAffinity where term.matches(labels: p.labels, namespace: p.namespace, termNamespace: namespace) {
                add(term.topologyKey, p.node, -weight)
            }
            guard let theirs = p.requirements, theirs.hasPodAffinity else { continue }
            for term in theirs.podAffinity where term.matches(labels: labels, namespace: namespace, termNamespace: p.namespace) {
                add(term.topologyKey, p.node, 1)
            }
            for (weight, term) in theirs.preferredPodAffinity where term.matches(labels: labels, namespace: namespace, termNamespace: p.namespace) {
                add(term.topologyKey, p.node, weight)
            }
            for (weight, term) in theirs.preferredPodAntiAffinity where term.matches(labels: labels, namespace: namespace, termNamespace: p.namespace) {
                add(term.topologyKey, p.node, -weight)
            }
        }
        let raw = feasible.map { i in topology.reduce(0) { sum, entry in sum + (nodes[i].node.labels[entry.key].flatMap { entry.value[$0] } ?? 0) } }
        let top = raw.max() ?? 0, bottom = raw.min() ?? 0
        guard top > bottom else { return raw.map { _ in 0 } }
        return raw.map { NodeScores.maxNodeScore * ($0 - bottom) / (top - bottom) }
    }
}

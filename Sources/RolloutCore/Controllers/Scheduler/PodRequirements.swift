/// What the scheduler needs of a pod, decoded once per template: requests (real and with the
/// scheduler's non-zero defaults), node selection, tolerations, host ports, priority.
/// Made once and never changed, it is shared, not copied: a pass of the scheduler hands each
/// pod's around several times, and a copy of its twenty fields retained fourteen references
/// (1.6 % of the quick scale roll's instructions).
final class PodRequirements {
    struct Toleration {
        var key: String
        var op: String
        var value: String
        var effect: String

        /// `ToleratesTaint` (`k8s.io/api/core/v1/toleration.go`).
        func tolerates(_ t: Taint) -> Bool {
            if !effect.isEmpty && effect != t.effect { return false }
            if !key.isEmpty && key != t.key { return false }
            switch op {
            case "Exists": return true
            case "", "Equal": return value == t.value
            default: return false
            }
        }
    }

    struct Expression {
        var key: String
        var op: String
        var values: [String]

        /// `nodeaffinity`'s label-selector requirement (`NodeSelectorRequirementsAsSelector`):
        /// Gt and Lt compare integers; a value that is not one never matches.
        func matches(_ labels: [String: String]) -> Bool {
            let value = labels[key]
            switch op {
            case "In": return value.map { values.contains($0) } ?? false
            case "NotIn": return value.map { !values.contains($0) } ?? true
            case "Exists": return value != nil
            case "DoesNotExist": return value == nil
            case "Gt", "Lt":
                guard let value, let have = Int(value), values.count == 1, let want = Int(values[0]) else { return false }
                return op == "Gt" ? have > want : have < want
            default: return false
            }
        }
    }

    /// A node selector term: expressions on labels and on fields (`metadata.name`), ANDed.
    struct Term {
        var expressions: [Expression]
        var fields: [Expression]

        func matches(_ node: SimNode) -> Bool {
            if expressions.isEmpty && fields.isEmpty { return false }
            return expressions.allSatisfy { $0.matches(node.labels) } && fields.allSatisfy { $0.matches(["metadata.name": node.name]) }
        }
    }

    struct HostPort: Hashable {
        var port: Int
        var proto: String
        var ip: String
    }

    /// Real requests, by resource (cpu in millicores), as `resourcehelper.PodRequests` sums them.
    let requests: [String: Int]
    /// Limits, summed the same way (`resourcehelper.PodLimits`), for `describe node`.
    let limits: [String: Int]
    /// The same for cpu and memory, and for the others (extended resources), apart.
    let cpu: Int
    let memory: Int
    let extended: [String: Int]
    /// The requested resources in fitsRequest's order: cpu, memory, ephemeral-storage, then
    /// the others by name.
    let checked: [(name: String, amount: Int)]
    /// `checked` names cpu and memory at most (most pods): NodeResourcesFit can pass a node
    /// without comparing names.
    let checksOnlyCPUAndMemory: Bool
    /// cpu and memory with 100m and 200Mi for each container that requests none (`NonZeroRequested`).
    let nonZeroCPU: Int
    let nonZeroMemory: Int
    let nodeName: String?
    let nodeSelector: [String: String]
    /// `requiredDuringSchedulingIgnoredDuringExecution` terms (ORed); nil when there are none.
    let requiredTerms: [Term]?
    /// NodeAffinity's PreFilter (`node_affinity.go` PreFilter): when every required term names
    /// nodes by `metadata.name In` (ANDed within a term, ORed across them) — a DaemonSet's pods
    /// name theirs so — only those nodes are filtered; nil: every node; empty: the terms
    /// conflict and no node is.
    let preFilterNodeNames: Set<String>?
    let preferredTerms: [(weight: Int, term: Term)]
    let tolerations: [Toleration]
    let hostPorts: [HostPort]
    let priority: Int
    let preemptionNever: Bool
    /// Required pod affinity and anti-affinity terms.
    let podAffinity: [AffinityTerm]
    let podAntiAffinity: [AffinityTerm]
    /// The pod's own `topologySpreadConstraints` (none: the system defaults apply).
    let spread: [SpreadConstraint]
    /// Preferred pod affinity and anti-affinity terms with their weights.
    let preferredPodAffinity: [(weight: Int, term: AffinityTerm)]
    let preferredPodAntiAffinity: [(weight: Int, term: AffinityTerm)]
    /// Any pod (anti-)affinity at all: what InterPodAffinity's scoring looks at on placed pods.
    var hasPodAffinity: Bool { !podAffinity.isEmpty || !podAntiAffinity.isEmpty || !preferredPodAffinity.isEmpty || !preferredPodAntiAffinity.isEmpty }

    static let defaultMilliCPU = 100
    static let defaultMemory = 200 * 1024 * 1024

    init(template: Object) {
        var reader = FieldReader()
        let spec = PodTemplateSpec(template, at: FieldPath(), reader: &reader).spec
        let raw = template["spec"]
        func request(_ c: Container, _ name: String) -> Int {
            let q = c.resources.requests[name]
            return max(0, name == "cpu" ? (q?.milliValue ?? 0) : (q?.integerValue ?? 0))
        }
        // resourcehelper.PodRequests: app containers and sidecars summed, or the largest
        // regular init container (with the sidecars started before it) if larger.
        func effective(_ value: (Container) -> Int) -> Int {
            var running = 0, peak = 0
            for c in spec.initContainers {
                if c.restartPolicy == "Always" {
                    running = running.addingSaturating(value(c))
                    peak = max(peak, running)
                } else {
                    peak = max(peak, running.addingSaturating(value(c)))
                }
            }
            return max(peak, spec.containers.reduce(running) { $0.addingSaturating(value($1)) })
        }
        let names = Set((spec.initContainers + spec.containers).flatMap { $0.resources.requests.keys })
        var requests: [String: Int] = [:]
        for name in names { requests[name] = effective { request($0, name) } }
        self.requests = requests
        var limits: [String: Int] = [:]
        for name in Set((spec.initContainers + spec.containers).flatMap { $0.resources.limits.keys }) {
            limits[name] = effective { c in
                let q = c.resources.limits[name]
                return max(0, name == "cpu" ? (q?.milliValue ?? 0) : (q?.integerValue ?? 0))
            }
        }
        self.limits = limits
        cpu = requests["cpu"] ?? 0
        memory = requests["memory"] ?? 0
        extended = requests.filter { $0.key != "cpu" && $0.key != "memory" && $0.value > 0 }
        let first = ["cpu", "memory", "ephemeral-storage"]
        checked = (first + requests.keys.filter { !first.contains($0) }.sorted()).compactMap { name in
            requests[name].flatMap { $0 > 0 ? (name, $0) : nil }
        }
        checksOnlyCPUAndMemory = checked.allSatisfy { $0.name == "cpu" || $0.name == "memory" }
        nonZeroCPU = effective { c in c.resources.requests["cpu"] == nil ? Self.defaultMilliCPU : request(c, "cpu") }
        nonZeroMemory = effective { c in c.resources.requests["memory"] == nil ? Self.defaultMemory : request(c, "memory") }
        nodeName = raw?["nodeName"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        nodeSelector = stringMap(raw?["nodeSelector"])
        func expressions(_ value: Value?) -> [Expression] {
            (value?.arrayValue ?? []).map { e in
                Expression(key: e["key"]?.stringValue ?? "", op: e["operator"]?.stringValue ?? "",
                           values: (e["values"]?.arrayValue ?? []).compactMap { $0.stringValue ?? $0.intValue.map(String.init) })
            }
        }
        func term(_ value: Value?) -> Term { Term(expressions: expressions(value?["matchExpressions"]), fields: expressions(value?["matchFields"])) }
        let affinity = raw?["affinity"]?["nodeAffinity"]
        requiredTerms = affinity?["requiredDuringSchedulingIgnoredDuringExecution"]?["nodeSelectorTerms"]?.arrayValue.map { $0.map(term) }
        var named: Set<String>?
        for t in requiredTerms ?? [] {
            var termNames: Set<String>?
            for field in t.fields where field.key == "metadata.name" && field.op == "In" {
                termNames = termNames.map { $0.intersection(field.values) } ?? Set(field.values)
            }
            // A term that names no node leaves every node.
            guard let termNames else { named = nil; break }
            named = (named ?? Set<String>()).union(termNames)
        }
        preFilterNodeNames = named
        preferredTerms = (affinity?["preferredDuringSchedulingIgnoredDuringExecution"]?.arrayValue ?? []).map { p in
            (p["weight"]?.intValue ?? 0, term(p["preference"]))
        }
        tolerations = (raw?["tolerations"]?.arrayValue ?? []).map { t in
            Toleration(key: t["key"]?.stringValue ?? "", op: t["operator"]?.stringValue ?? "", value: t["value"]?.stringValue ?? "",
                       effect: t["effect"]?.stringValue ?? "")
        }
        hostPorts = (spec.initContainers + spec.containers).flatMap { c in
            c.ports.compactMap { p in p.hostPort.flatMap { $0 > 0 ? HostPort(port: $0, proto: p.protocol, ip: p.hostIP ?? "") : nil } }
        }
        // corev1helpers.PodPriority: what admission set (`PriorityClasses.admit`); a pod
        // without one "was created at a time that there was no global default priority
        // class", and has the static default.
        priority = raw?["priority"]?.intValue ?? 0
        preemptionNever = raw?["preemptionPolicy"]?.stringValue == "Never"
        podAffinity = (raw?["affinity"]?["podAffinity"]?["requiredDuringSchedulingIgnoredDuringExecution"]?.arrayValue ?? []).map(AffinityTerm.init)
        podAntiAffinity = (raw?["affinity"]?["podAntiAffinity"]?["requiredDuringSchedulingIgnoredDuringExecution"]?.arrayValue ?? []).map(AffinityTerm.init)
        func weighted(_ value: Value?) -> [(weight: Int, term: AffinityTerm)] {
            (value?.arrayValue ?? []).map { ($0["weight"]?.intValue ?? 0, AffinityTerm($0["podAffinityTerm"] ?? .object(Object()))) }
        }
        preferredPodAffinity = weighted(raw?["affinity"]?["podAffinity"]?["preferredDuringSchedulingIgnoredDuringExecution"])
        preferredPodAntiAffinity = weighted(raw?["affinity"]?["podAntiAffinity"]?["preferredDuringSchedulingIgnoredDuringExecution"])
        let podLabels = stringMap(template["metadata"]?["labels"])
        spread = (raw?["topologySpreadConstraints"]?.arrayValue ?? []).map { SpreadConstraint($0, podLabels: podLabels) }
    }

    func tolerates(_ taint: Taint) -> Bool { tolerations.contains { $0.tolerates(taint) } }

    /// What a placed pod takes from its node, kept on the pod as plain numbers.
    var usage: PodUsage {
        PodUsage(cpu: cpu, memory: memory, nonZeroCPU: nonZeroCPU, nonZeroMemory: nonZeroMemory, priority: priority,
                 extended: extended.isEmpty ? nil : extended, hostPorts: hostPorts.isEmpty ? nil : hostPorts)
    }
}

/// A placed pod's share of its node (NodeInfo's requested, non-zero requested, ports).
struct PodUsage {
    var cpu: Int
    var memory: Int
    var nonZeroCPU: Int
    var nonZeroMemory: Int
    var priority: Int
    var extended: [String: Int]?
    var hostPorts: [PodRequirements.HostPort]?
}

/// A node taint.
struct Taint: Equatable {
    var key: String
    var value: String
    var effect: String
}

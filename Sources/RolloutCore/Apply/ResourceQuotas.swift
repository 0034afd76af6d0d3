/// A resource list as quota sums it (`corev1.ResourceList` under `quota.Add`,
/// `k8s.io/apiserver/pkg/quota/v1/resources.go`): each amount in thousandths of its unit, with
/// the format of the first quantity added — `Quantity.Add` keeps the receiver's, so two
/// `128Mi` make `256Mi` and two `500m` make `1`.
struct QuotaAmounts: Equatable, Sendable {
    struct Amount: Equatable, Sendable {
        var milli: Int
        var format: CanonicalQuantity.Format
        /// `Quantity.String()`.
        var text: String { CanonicalQuantity.text(milli: milli, format: format) }
    }

    private(set) var items: [String: Amount] = [:]

    init() {}

    subscript(name: String) -> Amount? {
        get { items[name] }
        set { items[name] = newValue }
    }

    var names: [String] { items.keys.sorted() }
    var isEmpty: Bool { items.isEmpty }

    /// `quota.Add` of one amount (`Quantity.Add`: a zero takes the other's format).
    mutating func add(_ name: String, _ amount: Amount) {
        if let held = items[name] {
            items[name] = Amount(milli: held.milli.addingSaturating(amount.milli), format: held.milli == 0 ? amount.format : held.format)
        } else {
            items[name] = amount
        }
    }

    mutating func add(_ other: QuotaAmounts) {
        for name in other.names { if let amount = other.items[name] { add(name, amount) } }
    }

    /// `maxResourceList`: the larger of each, the larger one's quantity kept.
    mutating func keepLarger(_ other: QuotaAmounts) {
        for (name, amount) in other.items where items[name].map({ amount.milli > $0.milli }) ?? true { items[name] = amount }
    }

    /// `quota.Mask`: only the named resources.
    func masked(_ names: some Sequence<String>) -> QuotaAmounts {
        var result = QuotaAmounts()
        for name in names { if let amount = items[name] { result.items[name] = amount } }
        return result
    }

    /// `quota.RemoveZeros`.
    func removingZeros() -> QuotaAmounts {
        var result = QuotaAmounts()
        for (name, amount) in items where amount.milli != 0 { result.items[name] = amount }
        return result
    }

    /// `prettyPrint` (`resourcequota/controller.go`): `name=quantity`, sorted, joined by commas.
    var pretty: String { names.map { "\($0)=\(items[$0]?.text ?? "0")" }.joined(separator: ",") }

    /// Each written quantity of an object (`spec.hard`, a container's `requests`); those that do
    /// not parse are left out (validation reports them).
    init(_ value: Value?) {
        for member in value?.objectValue?.members ?? [] {
            guard let text = member.value.stringValue ?? member.value.intValue.map(String.init), let amount = Self.amount(text) else { continue }
            items[member.key] = amount
        }
    }

    static func amount(_ text: String) -> Amount? {
        guard let quantity = Quantity(text), let format = CanonicalQuantity.format(of: text) else { return nil }
        return Amount(milli: quantity.milliValue, format: format)
    }

    static let zero = Amount(milli: 0, format: .decimalSI)
    static let one = Amount(milli: 1000, format: .decimalSI)
}

/// The namespaces' ResourceQuotas, as the API server's quota admission plugin
/// (`k8s.io/apiserver/pkg/admission/plugin/resourcequota/controller.go` CheckRequest) and the
/// resource quota controller (`pkg/controller/resourcequota/resource_quota_controller.go`
/// syncResourceQuota) read them, with the pod evaluator (`pkg/quota/v1/evaluator/core/pods.go`).
/// Pods only: a quota of other objects' counts is stored and shown, not enforced.
public struct ResourceQuotas: Sendable {
    public static let type = ResourceType.forObject(apiVersion: "v1", kind: "ResourceQuota")

    /// A scope (`spec.scopes`, an `Exists`) or a `scopeSelector` expression.
    struct Scope: Sendable, Equatable {
        var name: String
        var op: String
        var values: [String]
    }

    struct Quota: Sendable {
        var key: ObjectKey
        var name: String
        /// `status.hard`: what the controller copies from `spec.hard`.
        var hard: QuotaAmounts
        var scopes: [Scope]
    }

    /// By namespace, in name order (the lister's).
    private(set) var byNamespace: [String: [Quota]] = [:]

    public init(stored: [Resource] = []) {
        for resource in stored {
            let spec = resource.object["spec"]
            var scopes = (spec?["scopes"]?.arrayValue ?? []).compactMap { $0.stringValue }.map { Scope(name: $0, op: "Exists", values: []) }
            for expression in spec?["scopeSelector"]?["matchExpressions"]?.arrayValue ?? [] {
                scopes.append(Scope(name: expression["scopeName"]?.stringValue ?? "", op: expression["operator"]?.stringValue ?? "",
                                    values: (expression["values"]?.arrayValue ?? []).compactMap { $0.stringValue }))
            }
            let namespace = resource.namespace ?? "default"
            byNamespace[namespace, default: []].append(Quota(key: resource.key, name: resource.name, hard: QuotaAmounts(spec?["hard"]), scopes: scopes))
        }
        for namespace in byNamespace.keys { byNamespace[namespace]?.sort { $0.name < $1.name } }
    }

    public init(store: StateStore) throws(StoreError) {
        self.init(stored: try store.list(Self.type))
    }

    public var isEmpty: Bool { byNamespace.isEmpty }
    var namespaces: [String] { byNamespace.keys.sorted() }

    func quotas(in namespace: String) -> [Quota] { byNamespace[namespace] ?? [] }

    /// Each quota's `status.used` as the controller computes it (`CalculateUsage`, the pod
    /// evaluator's `UsageStats`): every pod resource it tracks, from zero, summed over the
    /// pods its scopes match, each with whether `QuotaV1Pod` charges it.
    static func usage(of quotas: [Quota], pods: [(spec: Object, charged: Bool)]) -> [QuotaAmounts] {
        quotas.map { quota in
            let tracked = PodQuota.matchingResources(quota.hard.names)
            var used = QuotaAmounts()
            for name in tracked { used[name] = QuotaAmounts.zero }
            for pod in pods where quota.scopes.allSatisfy({ PodQuota.matchesScope($0, spec: pod.spec) }) {
                used.add(PodQuota.usage(spec: pod.spec, charged: pod.charged).masked(tracked))
            }
            return used
        }
    }

    /// The same of stored pods (apply and the served API admit a pod against them): a pod is
    /// charged unless its phase is terminal or it was deleted longer ago than twice its grace
    /// period (its `deletionTimestamp` plus `deletionGracePeriodSeconds`).
    static func usage(of quotas: [Quota], stored pods: [Resource], now: Timestamp) -> [QuotaAmounts] {
        usage(of: quotas, pods: pods.map { pod in
            let phase = pod.value.at("status", "phase")?.stringValue
            var charged = phase != "Succeeded" && phase != "Failed"
            if let deadline = pod.metadata["deletionTimestamp"]?.stringValue.flatMap(Timestamp.init(parsing:)) {
                let grace = pod.metadata["deletionGracePeriodSeconds"]?.intValue ?? 0
                if now.milliseconds > deadline.milliseconds.addingSaturating(max(0, grace) * 1000) { charged = false }
            }
            return (pod.object["spec"]?.objectValue ?? Object(), charged)
        })
    }

    /// `checkRequest` of a pod create in `namespace` against its quotas, whose `status.used`
    /// is `used` (one list per quota, in order): nil and the quotas' usage with the pod
    /// counted when it is admitted; else the refusal (what follows `pods "name" is forbidden: `).
    static func admit(spec: Object, quotas: [Quota], used: [QuotaAmounts]) -> (refusal: String?, used: [QuotaAmounts]) {
        var interesting: [Int] = []
        for (i, quota) in quotas.enumerated() where PodQuota.matches(quota, spec: spec) {
            let restricted = PodQuota.matchingResources(quota.hard.names)
            if let missing = PodQuota.constraints(required: restricted, spec: spec) {
                return ("failed quota: \(quota.name): \(missing)", used)
            }
            interesting.append(i)
        }
        // A new pod is charged in full (PodUsageFunc: not terminal, not being deleted).
        return charge(PodQuota.usage(spec: spec, charged: true), to: interesting, of: quotas, used: used)
    }

    /// `checkRequest` of another object's create — or an update of a Service or a claim, the
    /// evaluators that handle updates, charged the difference (`SubtractWithNonNegativeResult`)
    /// — against the quotas that count it: those without scopes (`MatchesNoScopeFunc`) that
    /// track one of its resources.
    static func admit(object: Resource, old: Resource?, quotas: [Quota], used: [QuotaAmounts]) -> (refusal: String?, used: [QuotaAmounts]) {
        if old != nil && !(object.type.group.isEmpty && ["Service", "PersistentVolumeClaim"].contains(object.kind)) { return (nil, used) }
        var input = objectUsage(object)
        if let old {
            let before = objectUsage(old)
            var delta = QuotaAmounts()
            for name in input.names {
                guard let now = input[name] else { continue }
                delta[name] = QuotaAmounts.Amount(milli: max(0, now.milli - (before[name]?.milli ?? 0)), format: now.format)
            }
            input = delta
        }
        let tracked = Set(input.names)
        let interesting = quotas.indices.filter { quotas[$0].scopes.isEmpty && quotas[$0].hard.names.contains(where: tracked.contains) }
        return charge(input, to: interesting, of: quotas, used: used)
    }

    /// The end of checkRequest: the request's non-zero usage against each interesting quota's
    /// hard amounts — the first quota exceeded refuses it, naming each resource it exceeds.
    private static func charge(_ usage: QuotaAmounts, to interesting: [Int], of quotas: [Quota], used: [QuotaAmounts]) -> (refusal: String?, used: [QuotaAmounts]) {
        guard !interesting.isEmpty else { return (nil, used) }
        let input = usage.removingZeros()
        guard !input.isEmpty else { return (nil, used) }
        var result = used
        for i in interesting {
            let quota = quotas[i]
            let requested = input.masked(quota.hard.names)
            guard !requested.isEmpty else { continue }
            var newUsage = i < used.count ? used[i] : QuotaAmounts()
            newUsage.add(requested)
            // quota.LessThanOrEqual of the requested resources' new usage against hard.
            let exceeded = requested.names.filter { name in
                guard let limit = quota.hard[name], let now = newUsage[name] else { return false }
                return now.milli > limit.milli
            }
            if !exceeded.isEmpty {
                let held = i < used.count ? used[i] : QuotaAmounts()
                return ("exceeded quota: \(quota.name), requested: \(requested.masked(exceeded).pretty), used: \(held.masked(exceeded).pretty), limited: \(quota.hard.masked(exceeded).pretty)", used)
            }
            if i < result.count { result[i] = newUsage }
        }
        return (nil, result)
    }
}

extension ResourceQuotas {
    /// The quota names that count objects of a core kind besides `count/…` (the legacy
    /// object count names, and the service and claim evaluators' resources).
    static let legacyNames: [String: String] = [
        "services": "Service", "services.loadbalancers": "Service", "services.nodeports": "Service", "configmaps": "ConfigMap", "secrets": "Secret",
        "replicationcontrollers": "ReplicationController", "resourcequotas": "ResourceQuota", "persistentvolumeclaims": "PersistentVolumeClaim",
        "requests.storage": "PersistentVolumeClaim",
    ]

    /// What one object counts (the object count evaluators, `count/<resource>[.<group>]` and a
    /// legacy name; the service evaluator's node ports and load balancers; the claim
    /// evaluator's storage, overall and per StorageClass).
    static func objectUsage(_ object: Resource) -> QuotaAmounts {
        var usage = QuotaAmounts()
        let type = object.type
        usage["count/" + type.qualifiedPlural] = QuotaAmounts.one
        guard type.group.isEmpty else { return usage }
        switch type.kind {
        case "Service":
            usage["services"] = QuotaAmounts.one
            let spec = object.object["spec"]
            let ports = spec?["ports"]?.arrayValue ?? []
            usage["services.loadbalancers"] = QuotaAmounts.zero
            usage["services.nodeports"] = QuotaAmounts.zero
            switch spec?["type"]?.stringValue {
            case "NodePort": usage["services.nodeports"] = QuotaAmounts.Amount(milli: ports.count * 1000, format: .decimalSI)
            case "LoadBalancer":
                usage["services.loadbalancers"] = QuotaAmounts.one
                // Without node ports allocated, those the ports name still count.
                let counted = spec?["allocateLoadBalancerNodePorts"] == .bool(false) ? ports.filter { ($0["nodePort"]?.intValue ?? 0) != 0 }.count : ports.count
                usage["services.nodeports"] = QuotaAmounts.Amount(milli: counted * 1000, format: .decimalSI)
            default: break
            }
        case "ConfigMap": usage["configmaps"] = QuotaAmounts.one
        case "Secret": usage["secrets"] = QuotaAmounts.one
        case "ReplicationController": usage["replicationcontrollers"] = QuotaAmounts.one
        case "ResourceQuota": usage["resourcequotas"] = QuotaAmounts.one
        case "PersistentVolumeClaim":
            usage["persistentvolumeclaims"] = QuotaAmounts.one
            let storage = object.object["spec"]?["resources"]?["requests"]?["storage"]
            let amount = (storage?.stringValue ?? storage?.intValue.map(String.init)).flatMap(QuotaAmounts.amount)
            if let amount { usage["requests.storage"] = amount }
            if let storageClass = object.object["spec"]?["storageClassName"]?.stringValue, !storageClass.isEmpty {
                usage["\(storageClass).storageclass.storage.k8s.io/persistentvolumeclaims"] = QuotaAmounts.one
                if let amount { usage["\(storageClass).storageclass.storage.k8s.io/requests.storage"] = amount }
            }
        default: break
        }
        return usage
    }

    /// The kinds whose objects the quota resources `names` count (pods are the pod
    /// evaluator's): by legacy name, by `count/<resource>[.<group>]` among `types`, and
    /// claims for a StorageClass's names.
    static func countedTypes(_ names: [String], among types: [ResourceType]) -> [ResourceType] {
        var found: [ResourceType] = []
        func add(_ type: ResourceType) { if !found.contains(type) { found.append(type) } }
        let core = { (kind: String) in ResourceType.builtIn.first { $0.group.isEmpty && $0.kind == kind } }
        for name in names {
            if let kind = legacyNames[name], let type = core(kind) {
                add(type)
            } else if name.hasSuffix(".storageclass.storage.k8s.io/persistentvolumeclaims") || name.hasSuffix(".storageclass.storage.k8s.io/requests.storage"),
                      let type = core("PersistentVolumeClaim") {
                add(type)
            } else if name.hasPrefix("count/") {
                let resource = String(name.dropFirst("count/".count))
                if let type = (ResourceType.builtIn + types).first(where: { $0.qualifiedPlural == resource }), !(type.group.isEmpty && type.kind == "Pod") { add(type) }
            }
        }
        return found
    }

    /// Each quota's usage of the objects it counts, from every object in the namespace of the
    /// kinds it counts (`countedTypes`); scoped quotas count pods only.
    static func objectsUsage(of quotas: [Quota], objects: [Resource]) -> [QuotaAmounts] {
        let usages = objects.map(objectUsage)
        return quotas.map { quota in
            var used = QuotaAmounts()
            guard quota.scopes.isEmpty else { return used }
            let tracked = quota.hard.names.filter { !PodQuota.podResources.contains($0) && !PodQuota.matchingResources([$0]).contains($0) }
            for name in tracked { used[name] = QuotaAmounts.zero }
            for usage in usages { used.add(usage.masked(tracked)) }
            return used
        }
    }
}

/// The pod evaluator of quota (`pkg/quota/v1/evaluator/core/pods.go`).
enum PodQuota {
    /// `podResources`.
    static let podResources: Set<String> = ["count/pods", "cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory",
                                            "requests.ephemeral-storage", "limits.cpu", "limits.memory", "limits.ephemeral-storage", "pods"]
    /// `validationSet`: tracking one of these requires every container to set it.
    static let validationSet: Set<String> = ["cpu", "memory", "requests.cpu", "requests.memory", "limits.cpu", "limits.memory"]

    /// `helper.IsNativeResource`: no domain, or a `kubernetes.io/` one.
    static func isNative(_ name: String) -> Bool { !name.contains("/") || name.hasPrefix("kubernetes.io/") }

    /// `MatchingResources`: the quota's resources the evaluator tracks — pod resources,
    /// huge pages (`hugepages-`, `requests.hugepages-`) and extended resources' requests.
    static func matchingResources(_ names: [String]) -> [String] {
        names.filter { name in
            podResources.contains(name) || name.hasPrefix("hugepages-") || name.hasPrefix("requests.hugepages-")
                || (!isNative(name) && name.hasPrefix("requests."))
        }
    }

    /// `QuotaV1Pod`: charged unless deleted longer ago than twice its grace period — the
    /// deletionTimestamp is the request plus the grace period, and a pod stops being charged
    /// once the clock is after that plus the grace period again. (A simulated pod is never
    /// terminal while it exists.)
    static func charged(deletion: Timestamp?, grace: Int, now: Timestamp) -> Bool {
        guard let deletion else { return true }
        return now.milliseconds <= deletion.milliseconds.addingSaturating(2 * max(0, grace) * 1000)
    }

    /// One container's requests or limits.
    private static func list(_ container: Value, _ field: String) -> QuotaAmounts {
        QuotaAmounts(container["resources"]?[field])
    }

    /// `resourcehelper.PodRequests` / `PodLimits`: app containers and sidecars summed, or the
    /// largest regular init container with the sidecars started before it, if larger.
    static func podList(_ spec: Object, _ field: String) -> QuotaAmounts {
        var total = QuotaAmounts()
        for container in spec["containers"]?.arrayValue ?? [] { total.add(list(container, field)) }
        var restartable = QuotaAmounts(), initial = QuotaAmounts()
        for container in spec["initContainers"]?.arrayValue ?? [] {
            var own = list(container, field)
            if container["restartPolicy"]?.stringValue == "Always" {
                total.add(own)
                restartable.add(own)
                own = restartable
            } else {
                own.add(restartable)
            }
            initial.keepLarger(own)
        }
        total.keepLarger(initial)
        return total
    }

    /// `podComputeUsageHelper`.
    static func computeUsage(requests: QuotaAmounts, limits: QuotaAmounts) -> QuotaAmounts {
        var result = QuotaAmounts()
        result["pods"] = QuotaAmounts.one
        for name in ["cpu", "memory", "ephemeral-storage"] {
            if let request = requests[name] {
                result[name] = request
                result["requests." + name] = request
            }
            if let limit = limits[name] { result["limits." + name] = limit }
        }
        for name in requests.names {
            guard let request = requests[name] else { continue }
            if name.hasPrefix("hugepages-") {
                result[name] = request
                result["requests." + name] = request
            }
            // helper.IsExtendedResourceName: not native, not itself a quota name.
            if !isNative(name) && !name.hasPrefix("requests.") { result["requests." + name] = request }
        }
        return result
    }

    /// `PodUsageFunc`: the object count always; the compute resources while `charged`.
    static func usage(spec: Object, charged: Bool) -> QuotaAmounts {
        var result = QuotaAmounts()
        result["count/pods"] = QuotaAmounts.one
        guard charged else { return result }
        result.add(computeUsage(requests: podList(spec, "requests"), limits: podList(spec, "limits")))
        return result
    }

    /// `Constraints`: a quota tracking cpu or memory needs every container (and init
    /// container) to say it — `must specify limits.cpu for: app; limits.memory for: app,sidecar`.
    static func constraints(required: [String], spec: Object) -> String? {
        let requiredSet = Set(required).intersection(validationSet)
        guard !requiredSet.isEmpty else { return nil }
        var missing: [String: Set<String>] = [:]
        for container in (spec["containers"]?.arrayValue ?? []) + (spec["initContainers"]?.arrayValue ?? []) {
            let have = Set(computeUsage(requests: list(container, "requests"), limits: list(container, "limits")).names)
            for name in requiredSet.subtracting(have) { missing[name, default: []].insert(container["name"]?.stringValue ?? "") }
        }
        guard !missing.isEmpty else { return nil }
        return "must specify " + missing.keys.sorted().map { "\($0) for: \((missing[$0] ?? []).sorted().joined(separator: ","))" }.joined(separator: "; ")
    }

    /// `generic.Matches`: the quota tracks one of the pod's resources and every scope matches.
    static func matches(_ quota: ResourceQuotas.Quota, spec: Object) -> Bool {
        !matchingResources(quota.hard.names).isEmpty && quota.scopes.allSatisfy { matchesScope($0, spec: spec) }
    }

    /// `podMatchesScopeFunc`.
    static func matchesScope(_ scope: ResourceQuotas.Scope, spec: Object) -> Bool {
        switch scope.name {
        case "Terminating": return isTerminating(spec)
        case "NotTerminating": return !isTerminating(spec)
        case "BestEffort": return isBestEffort(spec)
        case "NotBestEffort": return !isBestEffort(spec)
        case "PriorityClass":
            let name = spec["priorityClassName"]?.stringValue ?? ""
            switch scope.op {
            case "Exists": return !name.isEmpty
            case "DoesNotExist": return name.isEmpty
            // ScopedResourceSelectorRequirementsAsSelector: a label selector on
            // {PriorityClass: name} (no label when the pod names no class).
            case "In": return !name.isEmpty && scope.values.contains(name)
            case "NotIn": return name.isEmpty || !scope.values.contains(name)
            default: return false
            }
        case "CrossNamespacePodAffinity": return usesCrossNamespacePodAffinity(spec)
        default: return false
        }
    }

    /// `isTerminating`: an `activeDeadlineSeconds` of 0 or more.
    static func isTerminating(_ spec: Object) -> Bool { (spec["activeDeadlineSeconds"]?.intValue ?? -1) >= 0 }

    /// `qos.GetPodQOS` == BestEffort: no container requests or limits cpu or memory.
    static func isBestEffort(_ spec: Object) -> Bool {
        for container in (spec["containers"]?.arrayValue ?? []) + (spec["initContainers"]?.arrayValue ?? []) {
            for field in ["requests", "limits"] {
                for member in container["resources"]?[field]?.objectValue?.members ?? [] where member.key == "cpu" || member.key == "memory" {
                    if let amount = QuotaAmounts.amount(member.value.stringValue ?? member.value.intValue.map(String.init) ?? ""), amount.milli != 0 { return false }
                }
            }
        }
        return true
    }

    /// `usesCrossNamespacePodAffinity`: a pod (anti-)affinity term naming namespaces or a
    /// namespace selector.
    static func usesCrossNamespacePodAffinity(_ spec: Object) -> Bool {
        for kind in ["podAffinity", "podAntiAffinity"] {
            let affinity = spec["affinity"]?[kind]
            let terms = (affinity?["requiredDuringSchedulingIgnoredDuringExecution"]?.arrayValue ?? [])
                + (affinity?["preferredDuringSchedulingIgnoredDuringExecution"]?.arrayValue ?? []).compactMap { $0["podAffinityTerm"] }
            if terms.contains(where: { !($0["namespaces"]?.arrayValue ?? []).isEmpty || $0["namespaceSelector"]?.objectValue != nil }) { return true }
        }
        return false
    }
}

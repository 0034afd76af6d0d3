/// The LimitRanger admission plugin (`plugin/pkg/admission/limitranger/admission.go`), for pods
/// as they are created — applied, served, or made by a ReplicaSet, StatefulSet or DaemonSet:
/// each LimitRange of the namespace gives its `Container` item's `default` limits and
/// `defaultRequest` requests to every container (and init container) that sets none of a
/// resource, noted in the pod's `kubernetes.io/limit-ranger` annotation (PodMutateLimitFunc);
/// then each LimitRange's `min`, `max` and `maxLimitRequestRatio` are checked, per container
/// and for the pod as a whole (PodValidateLimitFunc), and the first LimitRange a pod breaks
/// forbids it with every rule broken. A claim's storage request is checked against the
/// `PersistentVolumeClaim` items (`validateClaim`).
public struct LimitRanges: Sendable {
    public static let type = ResourceType.forObject(apiVersion: "v1", kind: "LimitRange")
    static let annotation = "kubernetes.io/limit-ranger"

    /// One item of `spec.limits`, its quantities as written.
    struct Item: Sendable {
        var type: String
        var max: [(name: String, text: String)]
        var min: [(name: String, text: String)]
        var defaults: [(name: String, text: String)]
        var defaultRequest: [(name: String, text: String)]
        var maxLimitRequestRatio: [(name: String, text: String)]
    }

    /// By namespace, each LimitRange's items, in name order (the lister's).
    private(set) var byNamespace: [String: [[Item]]] = [:]

    public init(stored: [Resource] = []) {
        var named: [String: [(name: String, items: [Item])]] = [:]
        for resource in stored {
            var limits = resource.object
            Self.setDefaults(&limits)
            let items = (limits["spec"]?["limits"]?.arrayValue ?? []).map { item in
                Item(type: item["type"]?.stringValue ?? "", max: Self.pairs(item["max"]), min: Self.pairs(item["min"]),
                     defaults: Self.pairs(item["default"]), defaultRequest: Self.pairs(item["defaultRequest"]),
                     maxLimitRequestRatio: Self.pairs(item["maxLimitRequestRatio"]))
            }
            named[resource.namespace ?? "default", default: []].append((resource.name, items))
        }
        for (namespace, ranges) in named { byNamespace[namespace] = ranges.sorted { $0.name < $1.name }.map(\.items) }
    }

    public init(store: StateStore) throws(StoreError) {
        self.init(stored: try store.list(Self.type))
    }

    public var isEmpty: Bool { byNamespace.isEmpty }

    private static func pairs(_ value: Value?) -> [(name: String, text: String)] {
        (value?.objectValue?.members ?? []).compactMap { member in
            (member.value.stringValue ?? member.value.intValue.map(String.init)).map { (member.key, $0) }
        }.sorted { $0.name < $1.name }
    }

    /// `SetDefaults_LimitRangeItem` (`pkg/apis/core/v1/defaults.go`), on a LimitRange's
    /// `spec.limits`: a Container item's `default` limit is its `max` where unset, its
    /// `defaultRequest` its `default`, else its `min`.
    static func setDefaults(_ object: inout Object) {
        object.update("spec") { spec in
            guard var limits = spec["limits"]?.arrayValue else { return }
            for i in limits.indices {
                guard case .object(var item) = limits[i], item["type"]?.stringValue == "Container" else { continue }
                var defaults = item["default"]?.objectValue ?? Object()
                var requests = item["defaultRequest"]?.objectValue ?? Object()
                for member in item["max"]?.objectValue?.members ?? [] where defaults[member.key] == nil { defaults[member.key] = member.value }
                for member in defaults.members where requests[member.key] == nil { requests[member.key] = member.value }
                for member in item["min"]?.objectValue?.members ?? [] where requests[member.key] == nil { requests[member.key] = member.value }
                // (A Go map is written with its keys sorted.)
                if !defaults.members.isEmpty { item["default"] = .object(Object(defaults.members.sorted { $0.key < $1.key })) }
                if !requests.members.isEmpty { item["defaultRequest"] = .object(Object(requests.members.sorted { $0.key < $1.key })) }
                limits[i] = .object(item)
            }
            spec["limits"] = .array(limits)
        }
    }

    /// PodMutateLimitFunc with every LimitRange of `namespace`: `spec` and the pod's
    /// `annotations` completed.
    func mutate(_ spec: inout Object, annotations: inout Object, namespace: String) {
        for items in byNamespace[namespace] ?? [] {
            // defaultContainerResourceRequirements: the Container items', the last one's winning.
            var requests: [String: String] = [:], limits: [String: String] = [:]
            for item in items where item.type == "Container" {
                for (name, text) in item.defaultRequest { requests[name] = text }
                for (name, text) in item.defaults { limits[name] = text }
            }
            guard !requests.isEmpty || !limits.isEmpty else { continue }
            // mergePodResourceRequirements.
            var notes: [String] = []
            for (field, prefix) in [("containers", "container"), ("initContainers", "init container")] {
                guard var containers = spec[field]?.arrayValue else { continue }
                for i in containers.indices {
                    guard case .object(var container) = containers[i] else { continue }
                    var resources = container["resources"]?.objectValue ?? Object()
                    var setRequests: [String] = [], setLimits: [String] = []
                    var limitList = resources["limits"]?.objectValue ?? Object()
                    for name in limits.keys.sorted() where limitList[name] == nil {
                        limitList[name] = .string(limits[name] ?? "")
                        setLimits.append(name)
                    }
                    var requestList = resources["requests"]?.objectValue ?? Object()
                    for name in requests.keys.sorted() where requestList[name] == nil {
                        requestList[name] = .string(requests[name] ?? "")
                        setRequests.append(name)
                    }
                    guard !setRequests.isEmpty || !setLimits.isEmpty else { continue }
                    if !limitList.members.isEmpty { resources["limits"] = .object(limitList) }
                    if !requestList.members.isEmpty { resources["requests"] = .object(requestList) }
                    container["resources"] = .object(resources)
                    containers[i] = .object(container)
                    let name = container["name"]?.stringValue ?? ""
                    if !setRequests.isEmpty { notes.append(setRequests.joined(separator: ", ") + " request for \(prefix) \(name)") }
                    if !setLimits.isEmpty { notes.append(setLimits.joined(separator: ", ") + " limit for \(prefix) \(name)") }
                }
                spec[field] = .array(containers)
            }
            if !notes.isEmpty { annotations[Self.annotation] = .string("LimitRanger plugin set: " + notes.joined(separator: "; ")) }
        }
    }

    /// Both steps for a pod about to be created in `namespace` from `template` (its
    /// `metadata.annotations` and `spec`): the template completed; why validation refuses
    /// the pod, if it does.
    func admit(_ template: inout Object, namespace: String) -> String? {
        guard byNamespace[namespace] != nil, var spec = template["spec"]?.objectValue else { return nil }
        var metadata = template["metadata"]?.objectValue ?? Object()
        var annotations = metadata["annotations"]?.objectValue ?? Object()
        mutate(&spec, annotations: &annotations, namespace: namespace)
        if !annotations.members.isEmpty {
            metadata["annotations"] = .object(annotations)
            template["metadata"] = .object(metadata)
        }
        template["spec"] = .object(spec)
        return validate(spec, namespace: namespace)
    }

    /// PodValidateLimitFunc with every LimitRange of `namespace`, in order: the first one's
    /// broken rules (`utilerrors.NewAggregate`: one message, or several in brackets), what
    /// follows `pods "name" is forbidden: `; nil when none is broken.
    func validate(_ spec: Object, namespace: String) -> String? {
        for items in byNamespace[namespace] ?? [] {
            var errors: [String] = []
            for item in items {
                if item.type == "Container" {
                    for container in (spec["containers"]?.arrayValue ?? []) + (spec["initContainers"]?.arrayValue ?? []) {
                        errors += Self.check(item, requests: QuotaAmounts(container["resources"]?["requests"]), limits: QuotaAmounts(container["resources"]?["limits"]),
                                             requestTexts: container["resources"]?["requests"], limitTexts: container["resources"]?["limits"])
                    }
                } else if item.type == "Pod" {
                    let requests = PodQuota.podList(spec, "requests"), limits = PodQuota.podList(spec, "limits")
                    errors += Self.check(item, requests: requests, limits: limits, requestTexts: nil, limitTexts: nil)
                }
            }
            // (NewAggregate's Error(): each message once.)
            var seen = Set<String>()
            errors = errors.filter { seen.insert($0).inserted }
            if errors.count == 1 { return errors[0] }
            if errors.count > 1 { return "[" + errors.joined(separator: ", ") + "]" }
        }
        return nil
    }

    /// PersistentVolumeClaimValidateLimitFunc with every LimitRange of `namespace`, in order:
    /// a claim's `spec.resources.requests` against each `PersistentVolumeClaim` item's `min`
    /// (minConstraint, no limits) and `max` (maxRequestConstraint); the first LimitRange's
    /// broken rules, as `validate`'s.
    func validateClaim(_ spec: Object, namespace: String) -> String? {
        let texts = spec["resources"]?["requests"]
        let requests = QuotaAmounts(texts)
        for items in byNamespace[namespace] ?? [] {
            var errors: [String] = []
            for item in items where item.type == "PersistentVolumeClaim" {
                func shown(_ name: String) -> String {
                    let text = texts?[name]?.stringValue ?? texts?[name]?.intValue.map(String.init) ?? ""
                    return CanonicalQuantity.stored(text) ?? text
                }
                for (name, text) in item.min {
                    guard let bound = QuotaAmounts.amount(text) else { continue }
                    let boundText = CanonicalQuantity.stored(text) ?? text
                    guard let request = requests[name] else {
                        errors.append("minimum \(name) usage per PersistentVolumeClaim is \(boundText).  No request is specified")
                        continue
                    }
                    if request.milli < bound.milli { errors.append("minimum \(name) usage per PersistentVolumeClaim is \(boundText), but request is \(shown(name))") }
                }
                for (name, text) in item.max {
                    guard let bound = QuotaAmounts.amount(text) else { continue }
                    let boundText = CanonicalQuantity.stored(text) ?? text
                    guard let request = requests[name] else {
                        errors.append("maximum \(name) usage per PersistentVolumeClaim is \(boundText).  No request is specified")
                        continue
                    }
                    if request.milli > bound.milli { errors.append("maximum \(name) usage per PersistentVolumeClaim is \(boundText), but request is \(shown(name))") }
                }
            }
            var seen = Set<String>()
            errors = errors.filter { seen.insert($0).inserted }
            if errors.count == 1 { return errors[0] }
            if errors.count > 1 { return "[" + errors.joined(separator: ", ") + "]" }
        }
        return nil
    }

    /// minConstraint, maxConstraint and limitRequestRatioConstraint of one item (by resource
    /// name: upstream's order is a Go map's). A quantity is shown as the container wrote it
    /// (as stored), a sum as it adds up.
    private static func check(_ item: Item, requests: QuotaAmounts, limits: QuotaAmounts, requestTexts: Value?, limitTexts: Value?) -> [String] {
        var errors: [String] = []
        let kind = item.type
        func shown(_ name: String, _ amounts: QuotaAmounts, _ texts: Value?) -> String {
            if let text = texts?[name]?.stringValue ?? texts?[name]?.intValue.map(String.init) { return CanonicalQuantity.stored(text) ?? text }
            return amounts[name]?.text ?? "0"
        }
        func enforced(_ text: String) -> (amount: QuotaAmounts.Amount, text: String)? {
            guard let amount = QuotaAmounts.amount(text) else { return nil }
            return (amount, CanonicalQuantity.stored(text) ?? text)
        }
        for (name, text) in item.min {
            guard let (bound, boundText) = enforced(text) else { continue }
            guard let request = requests[name] else {
                errors.append("minimum \(name) usage per \(kind) is \(boundText).  No request is specified")
                continue
            }
            if request.milli < bound.milli {
                errors.append("minimum \(name) usage per \(kind) is \(boundText), but request is \(shown(name, requests, requestTexts))")
            } else if let limit = limits[name], limit.milli < bound.milli {
                errors.append("minimum \(name) usage per \(kind) is \(boundText), but limit is \(shown(name, limits, limitTexts))")
            }
        }
        for (name, text) in item.max {
            guard let (bound, boundText) = enforced(text) else { continue }
            guard let limit = limits[name] else {
                errors.append("maximum \(name) usage per \(kind) is \(boundText).  No limit is specified")
                continue
            }
            if limit.milli > bound.milli {
                errors.append("maximum \(name) usage per \(kind) is \(boundText), but limit is \(shown(name, limits, limitTexts))")
            } else if let request = requests[name], request.milli > bound.milli {
                errors.append("maximum \(name) usage per \(kind) is \(boundText), but request is \(shown(name, requests, requestTexts))")
            }
        }
        for (name, text) in item.maxLimitRequestRatio {
            guard let (bound, boundText) = enforced(text) else { continue }
            guard let request = requests[name], request.milli != 0 else {
                errors.append("\(name) max limit to request ratio per \(kind) is \(boundText), but no request is specified or request is 0")
                continue
            }
            guard let limit = limits[name], limit.milli != 0 else {
                errors.append("\(name) max limit to request ratio per \(kind) is \(boundText), but no limit is specified or limit is 0")
                continue
            }
            let ratio = Double(limit.milli) / Double(request.milli)
            if ratio * 1000 > Double(bound.milli) {
                errors.append("\(name) max limit to request ratio per \(kind) is \(boundText), but provided ratio is \(Self.sixDecimals(ratio))")
            }
        }
        return errors
    }

    /// Go's `%f`: six decimals, rounded.
    static func sixDecimals(_ value: Double) -> String {
        guard value.isFinite, abs(value) < 1e12 else { return String(value) }
        let scaled = Int((abs(value) * 1_000_000).rounded())
        let fraction = String(scaled % 1_000_000)
        return (value < 0 ? "-" : "") + String(scaled / 1_000_000) + "." + String(repeating: "0", count: 6 - fraction.count) + fraction
    }
}

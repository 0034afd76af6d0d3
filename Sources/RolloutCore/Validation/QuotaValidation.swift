/// `ValidateResourceQuota` and `ValidateLimitRange` (`pkg/apis/core/validation/validation.go`,
/// with the resource-name sets of `pkg/apis/core/helper/helpers.go`), in their words, on the
/// defaulted object. A quantity that breaks a rule is shown as its text (`Invalid value:
/// "1500m"`). Each map's keys are checked in name order (upstream's is a Go map's).
extension ObjectValidation {
    /// `standardResources` (IsStandardResourceName), without huge pages.
    static let standardResources: Set<String> = [
        "cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory", "requests.ephemeral-storage", "limits.cpu", "limits.memory",
        "limits.ephemeral-storage", "pods", "services", "replicationcontrollers", "resourcequotas", "secrets", "persistentvolumeclaims", "storage",
        "requests.storage", "services.nodeports", "services.loadbalancers", "configmaps",
    ]
    /// `standardQuotaResources` (IsStandardQuotaResourceName), without huge pages.
    static let standardQuotaResources: Set<String> = [
        "cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory", "requests.storage", "requests.ephemeral-storage", "limits.cpu",
        "limits.memory", "limits.ephemeral-storage", "pods", "services", "replicationcontrollers", "resourcequotas", "secrets",
        "persistentvolumeclaims", "configmaps", "services.nodeports", "services.loadbalancers",
    ]
    /// `standardContainerResources` (IsStandardContainerResourceName), without huge pages.
    static let standardContainerResources: Set<String> = ["cpu", "memory", "ephemeral-storage"]
    /// `integerResources` (IsIntegerResourceName), with extended resources and `count/…`.
    static let integerResources: Set<String> = ["pods", "services", "replicationcontrollers", "resourcequotas", "secrets", "persistentvolumeclaims",
                                                "configmaps", "services.nodeports", "services.loadbalancers"]
    static let quotaScopes: Set<String> = ["Terminating", "NotTerminating", "BestEffort", "NotBestEffort", "PriorityClass", "CrossNamespacePodAffinity"]

    private static func isHugePages(_ name: String) -> Bool { name.hasPrefix("hugepages-") }

    /// validateResourceName: a qualified name; without a domain, a standard resource.
    private static func validateResourceName(_ name: String, at path: FieldPath, reader: inout FieldReader) -> Bool {
        guard Validation.isQualifiedName(name) else {
            reader.fail(path, "Invalid value: \(GoQuote.quoted(name)): \(Validation.qualifiedNameMessage)")
            return false
        }
        if !name.contains("/") && !standardResources.contains(name) && !isHugePages(name) && !name.hasPrefix("requests.hugepages-") && !name.hasPrefix("limits.hugepages-") {
            reader.fail(path, "Invalid value: \(GoQuote.quoted(name)): must be a standard resource type or fully qualified")
            return false
        }
        return true
    }

    /// ValidateResourceQuantityValue: not negative; whole for a resource counted in units.
    private static func validateQuantityValue(_ name: String, _ value: Value?, at path: FieldPath, reader: inout FieldReader) {
        guard let quantity = reader.quantity(value, path) else { return }
        if quantity.compare(Quantity("0")!) < 0 {
            reader.fail(path, "Invalid value: \(GoQuote.quoted(quantity.text)): must be greater than or equal to 0")
        }
        let integer = integerResources.contains(name) || name.hasPrefix("count/") || (!PodQuota.isNative(name) && !name.hasPrefix("requests."))
        if integer && quantity.milliValue % 1000 != 0 {
            reader.fail(path, "Invalid value: \(GoQuote.quoted(quantity.text)): must be an integer")
        }
    }

    static func validateResourceQuota(_ resource: Resource, reader: inout FieldReader) {
        let spec = resource.object["spec"]
        let hardPath = FieldPath("spec.hard")
        let hard = reader.object(spec?["hard"], hardPath)?.members ?? []
        for member in hard.sorted(by: { $0.key < $1.key }) {
            let path = hardPath / member.key
            // ValidateResourceQuotaResourceName.
            _ = validateResourceName(member.key, at: path, reader: &reader)
            if !member.key.contains("/") && !standardQuotaResources.contains(member.key) && !isHugePages(member.key)
                && !member.key.hasPrefix("requests.hugepages-") {
                reader.fail(path, "Invalid value: \(GoQuote.quoted(member.key)): must be a standard resource for quota")
            }
            validateQuantityValue(member.key, member.value, at: path, reader: &reader)
        }
        // validateResourceQuotaScopes.
        let scopes = (reader.array(spec?["scopes"], FieldPath("spec.scopes")) ?? []).compactMap(\.stringValue)
        guard !scopes.isEmpty else { return }
        let shown = "[]core.ResourceQuotaScope{" + scopes.map { GoQuote.quoted($0) }.joined(separator: ", ") + "}"
        let path = FieldPath("spec.scopes")
        let names = hard.map(\.key).sorted()
        for scope in scopes {
            if !quotaScopes.contains(scope) { reader.fail(path, "Invalid value: \(shown): unsupported scope") }
            for name in names where standardQuotaResources.contains(name) && !scopeApplies(scope, to: name) {
                reader.fail(path, "Invalid value: \(shown): unsupported scope applied to resource")
            }
        }
        for pair in [["BestEffort", "NotBestEffort"], ["Terminating", "NotTerminating"]] where pair.allSatisfy(scopes.contains) {
            reader.fail(path, "Invalid value: \(shown): conflicting scopes")
        }
    }

    /// IsResourceQuotaScopeValidForResource.
    static func scopeApplies(_ scope: String, to name: String) -> Bool {
        let compute: Set<String> = ["cpu", "memory", "limits.cpu", "limits.memory", "requests.cpu", "requests.memory"]
        switch scope {
        case "Terminating", "NotTerminating", "NotBestEffort", "PriorityClass", "CrossNamespacePodAffinity": return name == "pods" || compute.contains(name)
        case "BestEffort": return name == "pods"
        default: return true
        }
    }

    /// ValidateLimitRange's comparisons of one resource's values.
    static let limitRangeOrders: [(lower: String, upper: String, field: String, showsLower: Bool, lowerWords: String, upperWords: String)] = [
        ("min", "max", "min", true, "min value", "max value"),
        ("min", "defaultRequest", "defaultRequest", false, "min value", "default request value"),
        ("defaultRequest", "max", "defaultRequest", true, "default request value", "max value"),
        ("defaultRequest", "default", "defaultRequest", true, "default request value", "default limit value"),
        ("min", "default", "default", true, "min value", "default value"),
        ("default", "max", "default", false, "default value", "max value"),
    ]

    static func validateLimitRange(_ resource: Resource, reader: inout FieldReader) {
        let limitsPath = FieldPath("spec.limits")
        var types: Set<String> = []
        for (i, item) in (reader.array(resource.object["spec"]?["limits"], limitsPath) ?? []).enumerated() {
            let path = limitsPath |> i
            let type = reader.string(item["type"], path / "type") ?? ""
            // validateLimitRangeTypeName.
            let qualified = Validation.isQualifiedName(type)
            if !qualified { reader.fail(path / "type", "Invalid value: \(GoQuote.quoted(type)): \(Validation.qualifiedNameMessage)") }
            if qualified && !type.contains("/") && !["Pod", "Container", "PersistentVolumeClaim"].contains(type) {
                reader.fail(path / "type", "Invalid value: \(GoQuote.quoted(type)): must be a standard limit type or fully qualified")
            }
            if !types.insert(type).inserted { reader.fail(path / "type", "Duplicate value: \(GoQuote.quoted(type))") }
            var values: [String: [String: Quantity]] = [:]
            var keys: Set<String> = []
            func read(_ field: String) {
                for member in (reader.object(item[field], path / field)?.members ?? []).sorted(by: { $0.key < $1.key }) {
                    let at = path / field / member.key
                    // validateLimitRangeResourceName: a container's resources for Pod and Container.
                    if validateResourceName(member.key, at: at, reader: &reader), type == "Pod" || type == "Container",
                       !member.key.contains("/"), !standardContainerResources.contains(member.key), !isHugePages(member.key) {
                        reader.fail(at, "Invalid value: \(GoQuote.quoted(member.key)): must be a standard resource for containers")
                    }
                    keys.insert(member.key)
                    if let quantity = reader.quantity(member.value, at) { values[field, default: [:]][member.key] = quantity }
                }
            }
            read("max")
            read("min")
            if type == "Pod" {
                for field in ["default", "defaultRequest"] where !(item[field]?.objectValue?.members.isEmpty ?? true) {
                    reader.fail(path / field, "Forbidden: may not be specified when `type` is 'Pod'")
                }
            } else {
                read("default")
                read("defaultRequest")
            }
            if type == "PersistentVolumeClaim" && values["min"]?["storage"] == nil && values["max"]?["storage"] == nil {
                reader.fail(path / "limits", "Required value: either minimum or maximum storage value is required, but neither was provided")
            }
            read("maxLimitRequestRatio")
            for key in keys.sorted() {
                let min = values["min"]?[key], max = values["max"]?[key], ratio = values["maxLimitRequestRatio"]?[key]
                func text(_ q: Quantity) -> String { CanonicalQuantity.stored(q.text) ?? q.text }
                // Each pair that must be in order, in upstream's order: the smaller field, the
                // larger, where the error is and which of the two it shows, and their words.
                for (lower, upper, field, showsLower, lowerWords, upperWords) in Self.limitRangeOrders {
                    guard let a = values[lower]?[key], let b = values[upper]?[key], a.compare(b) > 0 else { continue }
                    reader.fail(path / field / key, "Invalid value: \(GoQuote.quoted(text(showsLower ? a : b))): \(lowerWords) \(text(a)) is greater than \(upperWords) \(text(b))")
                }
                if let ratio, ratio.compare(Quantity("1")!) < 0 {
                    reader.fail(path / "maxLimitRequestRatio" / key, "Invalid value: \(GoQuote.quoted(text(ratio))): ratio \(text(ratio)) is less than 1")
                }
                if let ratio, let min, let max, min.milliValue > 0 {
                    let limit = Double(max.milliValue) / Double(min.milliValue)
                    if Double(ratio.milliValue) / 1000 > limit {
                        reader.fail(path / "maxLimitRequestRatio" / key,
                                    "Invalid value: \(GoQuote.quoted(text(ratio))): ratio \(text(ratio)) is greater than max/min = \(LimitRanges.sixDecimals(limit))")
                    }
                }
                // IsOvercommitAllowed: huge pages and extended resources are not.
                if isHugePages(key) || !PodQuota.isNative(key), let defaultLimit = values["default"]?[key], let defaultRequest = values["defaultRequest"]?[key],
                   defaultLimit.compare(defaultRequest) != 0 {
                    reader.fail(path / "defaultRequest" / key,
                                "Invalid value: \(GoQuote.quoted(text(defaultRequest))): default value \(text(defaultLimit)) must equal to defaultRequest value \(text(defaultRequest)) in \(key)")
                }
            }
        }
    }
}

/// `ValidatePriorityClass` and `ValidatePriorityClassUpdate`
/// (`pkg/apis/scheduling/validation/validation.go`), with `IsKnownSystemPriorityClass`
/// (`pkg/apis/scheduling/helpers.go`) and `validatePreemptionPolicy`
/// (`pkg/apis/core/validation/validation.go`), in their words.
extension ObjectValidation {
    /// `scheduling.HighestUserDefinablePriority`.
    static let highestUserDefinablePriority = 1_000_000_000
    /// `core.PreemptLowerPriority`, `core.PreemptNever`, in validatePreemptionPolicy's order.
    static let preemptionPolicies = ["PreemptLowerPriority", "Never"]

    static func validatePriorityClass(_ resource: Resource, reader: inout FieldReader) {
        let value = reader.int32(resource.object["value"], FieldPath("value"), goStruct: "PriorityClass") ?? 0
        let globalDefault = reader.bool(resource.object["globalDefault"], FieldPath("globalDefault")) ?? false
        _ = reader.string(resource.object["description"], FieldPath("description"))
        if resource.name.hasPrefix("system-") {
            if let problem = PriorityClasses.systemClassProblem(name: resource.name, value: value, globalDefault: globalDefault) {
                reader.fail(FieldPath("metadata.name"), "Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: \(problem)")
            }
        } else if value > highestUserDefinablePriority {
            reader.fail(FieldPath("value"), "Forbidden: maximum allowed value of a user defined priority is \(highestUserDefinablePriority)")
        }
        if let policy = reader.string(resource.object["preemptionPolicy"], FieldPath("preemptionPolicy")) {
            if policy.isEmpty {
                reader.fail(FieldPath("preemptionPolicy"), "Required value")
            } else if !preemptionPolicies.contains(policy) {
                reader.fail(FieldPath("preemptionPolicy"), "Unsupported value: \(GoQuote.quoted(policy)): supported values: \(preemptionPolicies.map { "\"\($0)\"" }.joined(separator: ", "))")
            }
        }
    }

    /// ValidatePriorityClassUpdate: the value and the preemption policy never change.
    static func validatePriorityClassUpdate(old: Resource, new: Resource, reader: inout FieldReader) {
        if (old.object["value"]?.intValue ?? 0) != (new.object["value"]?.intValue ?? 0) {
            reader.fail(FieldPath("value"), "Forbidden: may not be changed in an update.")
        }
        // (A class stored before its policy was defaulted counts as the default's.)
        let before = old.object["preemptionPolicy"]?.stringValue ?? "PreemptLowerPriority", after = new.object["preemptionPolicy"]?.stringValue ?? "PreemptLowerPriority"
        if before != after {
            reader.fail(FieldPath("preemptionPolicy"), "Invalid value: \(GoQuote.quoted(after)): field is immutable")
        }
    }
}

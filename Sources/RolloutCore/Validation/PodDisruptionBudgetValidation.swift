/// `ValidatePodDisruptionBudgetSpec` (`pkg/apis/policy/validation/validation.go`), with its
/// wording. One difference on purpose: where the API server prints the whole spec as a Go value
/// with pointer addresses (`policy.PodDisruptionBudgetSpec{MinAvailable:(*intstr.IntOrString)(0xc01a…), …}`),
/// the addresses are left out, so the message is the same on every run.
extension ObjectValidation {
    static let unhealthyPodEvictionPolicies = ["AlwaysAllow", "IfHealthyBudget"]

    static func validatePodDisruptionBudget(_ pdb: PodDisruptionBudget, reader: inout FieldReader) {
        let spec = FieldPath("spec")
        if pdb.minAvailable != nil && pdb.maxUnavailable != nil {
            reader.fail(spec, "Invalid value: policy.PodDisruptionBudgetSpec{MinAvailable:\(pdb.minAvailable?.description ?? ""), MaxUnavailable:\(pdb.maxUnavailable?.description ?? "")}: minAvailable and maxUnavailable cannot be both set")
        }
        for (value, field) in [(pdb.minAvailable, "minAvailable"), (pdb.maxUnavailable, "maxUnavailable")] {
            guard let value else { continue }
            // ValidatePositiveIntOrPercent, then IsNotMoreThan100Percent.
            validateIntOrPercent(value, at: spec / field, reader: &reader)
            if let p = value.percent, p > 100 {
                reader.fail(spec / field, "Invalid value: \"\(value)\": must not be greater than 100%")
            }
        }
        if let policy = pdb.unhealthyPodEvictionPolicy, !unhealthyPodEvictionPolicies.contains(policy) {
            reader.fail(spec / "unhealthyPodEvictionPolicy",
                        "Unsupported value: \(GoQuote.quoted(policy)): supported values: \(unhealthyPodEvictionPolicies.map { "\"\($0)\"" }.joined(separator: ", "))")
        }
        for requirement in pdb.selector?.requirements ?? [] where !Validation.isQualifiedName(requirement.key) {
            reader.fail(spec / "selector", "Invalid value: \"\(requirement.key)\": \(Validation.qualifiedNameMessage)")
        }
    }
}

/// `ValidateDeploymentSpec` (`pkg/apis/apps/validation/validation.go`).
extension ObjectValidation {
    static func validateDeployment(_ d: Deployment, reader: inout FieldReader) {
        let spec = FieldPath("spec")
        for (value, field) in [(d.replicas, "replicas"), (d.minReadySeconds, "minReadySeconds"), (d.revisionHistoryLimit, "revisionHistoryLimit"), (d.progressDeadlineSeconds, "progressDeadlineSeconds")] {
            if value < 0 { reader.fail(spec / field, "Invalid value: \(value): must be greater than or equal to 0") }
            // The API stores these as int32.
            if value > Int(Int32.max) { reader.fail(spec / field, "Invalid value: \(value): must be less than or equal to 2147483647") }
        }
        validateWorkloadSelector(d.selector, template: d.template, kind: "deployment", reader: &reader)
        validatePodTemplate(d.template, at: spec / "template", reader: &reader, workload: true)
        validateStrategy(d, reader: &reader)
        if d.progressDeadlineSeconds <= d.minReadySeconds {
            reader.fail(spec / "progressDeadlineSeconds", "Invalid value: \(d.progressDeadlineSeconds): must be greater than minReadySeconds")
        }
    }

    /// A workload's selector: present, not empty, and matching its template's labels.
    static func validateWorkloadSelector(_ selector: LabelSelector?, template: PodTemplateSpec, kind: String, reader: inout FieldReader) {
        let path = FieldPath("spec.selector")
        guard let selector else {
            reader.fail(path, "Required value")
            return
        }
        if selector.isEmpty {
            reader.fail(path, "Invalid value: {}: empty selector is invalid for \(kind)")
            return
        }
        for requirement in selector.requirements where !Validation.isQualifiedName(requirement.key) {
            reader.fail(path, "Invalid value: \"\(requirement.key)\": \(Validation.qualifiedNameMessage)")
        }
        if !selector.matches(template.labels) {
            let labels = template.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
            reader.fail(FieldPath("spec.template.metadata.labels"), "Invalid value: \"\(labels)\": `selector` does not match template `labels` (selector: \(selector))")
        }
    }

    static func validateStrategy(_ d: Deployment, reader: inout FieldReader) {
        let path = FieldPath("spec.strategy")
        switch d.strategy {
        case .recreate:
            if d.recreateWithRollingUpdate {
                reader.fail(path / "rollingUpdate", "Forbidden: may not be specified when strategy `type` is 'Recreate'")
            }
        case .rollingUpdate(let surge, let unavailable):
            let rolling = path / "rollingUpdate"
            validateIntOrPercent(surge, at: rolling / "maxSurge", reader: &reader)
            validateIntOrPercent(unavailable, at: rolling / "maxUnavailable", reader: &reader)
            if let p = unavailable.percent, p > 100 {
                reader.fail(rolling / "maxUnavailable", "Invalid value: \"\(unavailable)\": must not be greater than 100%")
            }
            // Compared on the raw numbers: "0%" counts as zero (validation.go).
            let surgeZero = surge == .int(0) || surge.percent == 0
            let unavailableZero = unavailable == .int(0) || unavailable.percent == 0
            if surgeZero && unavailableZero {
                reader.fail(rolling / "maxUnavailable", "Invalid value: \(unavailable.value == .int(0) ? "0" : "\"\(unavailable)\""): may not be 0 when `maxSurge` is 0")
            }
        }
    }

    static func validateIntOrPercent(_ value: IntOrString, at path: FieldPath, reader: inout FieldReader) {
        switch value {
        case .int(let i) where i < 0:
            reader.fail(path, "Invalid value: \(i): must be greater than or equal to 0")
        case .string(let s) where value.percent == nil:
            reader.fail(path, "Invalid value: \"\(s)\": a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')")
        case .string(let s) where (value.percent ?? 0) < 0:
            reader.fail(path, "Invalid value: \"\(s)\": must be greater than or equal to 0")
        default:
            break
        }
    }
}


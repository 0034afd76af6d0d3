/// `ValidateDaemonSetSpec` and `ValidateRollingUpdateDaemonSet` (`pkg/apis/apps/validation/validation.go`, 1.32).
extension ObjectValidation {
    static func validateDaemonSet(_ d: DaemonSet, reader: inout FieldReader) {
        let spec = FieldPath("spec")
        for (value, field) in [(d.minReadySeconds, "minReadySeconds"), (d.revisionHistoryLimit, "revisionHistoryLimit")] where value < 0 {
            reader.fail(spec / field, "Invalid value: \(value): must be greater than or equal to 0")
        }
        validateWorkloadSelector(d.selector, template: d.template, kind: "daemonset", reader: &reader)
        validatePodTemplate(d.template, at: spec / "template", reader: &reader, workload: true)
        let strategy = spec / "updateStrategy"
        switch d.typeText {
        case "OnDelete":
            break
        case "RollingUpdate", "":
            guard case .rollingUpdate(let unavailable, let surge) = d.updateStrategy else { break }
            let rolling = strategy / "rollingUpdate"
            validateIntOrPercent(unavailable, at: rolling / "maxUnavailable", reader: &reader)
            validateIntOrPercent(surge, at: rolling / "maxSurge", reader: &reader)
            for (value, field) in [(unavailable, "maxUnavailable"), (surge, "maxSurge")] {
                if let p = value.percent, p > 100 { reader.fail(rolling / field, "Invalid value: \"\(value)\": must not be greater than 100%") }
            }
            let hasUnavailable = !(unavailable == .int(0) || unavailable.percent == 0)
            let hasSurge = !(surge == .int(0) || surge.percent == 0)
            if hasUnavailable && hasSurge {
                // An IntOrString prints through its String(): unquoted.
                reader.fail(rolling / "maxSurge", "Invalid value: \(surge): may not be set when maxUnavailable is non-zero")
            } else if !hasUnavailable && !hasSurge {
                reader.fail(rolling / "maxUnavailable", "Required value: cannot be 0 when maxSurge is 0")
            }
        default:
            reader.fail(strategy / "type", "Unsupported value: \"\(d.typeText)\": supported values: \"OnDelete\", \"RollingUpdate\"")
        }
    }
}

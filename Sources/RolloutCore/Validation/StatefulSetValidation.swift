/// `ValidateStatefulSetSpec` and `ValidateStatefulSetUpdate` (`pkg/apis/apps/validation/validation.go`, 1.32).
extension ObjectValidation {
    static func validateStatefulSet(_ s: StatefulSet, reader: inout FieldReader) {
        let spec = FieldPath("spec")
        if !StatefulSet.policies.contains(s.podManagementPolicy) {
            reader.fail(spec / "podManagementPolicy", "Invalid value: \"\(s.podManagementPolicy)\": must be 'OrderedReady' or 'Parallel'")
        }
        switch s.typeText {
        case "", "RollingUpdate":
            if case .rollingUpdate(let partition?, _) = s.updateStrategy, partition < 0 {
                reader.fail(spec / "updateStrategy" / "rollingUpdate" / "partition", "Invalid value: \(partition): must be greater than or equal to 0")
            }
        case "OnDelete":
            if s.hasRollingUpdateBlock {
                reader.fail(spec / "updateStrategy" / "rollingUpdate", "Invalid value: \"rollingUpdate\": only allowed for updateStrategy 'RollingUpdate'")
            }
        default:
            reader.fail(spec / "updateStrategy", "Invalid value: \"\(s.typeText)\": must be 'RollingUpdate' or 'OnDelete'")
        }
        for (value, field) in [(s.whenDeleted, "whenDeleted"), (s.whenScaled, "whenScaled")] where !StatefulSet.retentionPolicies.contains(value) {
            reader.fail(spec / "persistentVolumeClaimRetentionPolicy" / field, "Unsupported value: \"\(value)\": supported values: \"Retain\", \"Delete\"")
        }
        for (value, field) in [(s.replicas, "replicas"), (s.minReadySeconds, "minReadySeconds"), (s.revisionHistoryLimit, "revisionHistoryLimit"), (s.startOrdinal, "ordinals.start")] where value < 0 {
            reader.fail(spec / field, "Invalid value: \(value): must be greater than or equal to 0")
        }
        for (i, name) in s.volumeClaimTemplates.enumerated() where name.isEmpty {
            reader.fail(spec / "volumeClaimTemplates" |> i / "metadata" / "name", "Required value: name or generateName is required")
        }
        validateWorkloadSelector(s.selector, template: s.template, kind: "statefulset", reader: &reader)
        validatePodTemplate(s.template, at: spec / "template", reader: &reader, workload: true)
    }

    /// `ValidateStatefulSetUpdate`: only these fields of the spec may change.
    static func validateStatefulSetUpdate(old: Resource, new: Resource, reader: inout FieldReader) {
        let mutable = ["replicas", "ordinals", "template", "updateStrategy", "revisionHistoryLimit", "persistentVolumeClaimRetentionPolicy", "minReadySeconds"]
        var before = old.object["spec"]?.objectValue ?? Object(), after = new.object["spec"]?.objectValue ?? Object()
        for key in mutable + ["selector"] {
            before[key] = nil
            after[key] = nil
        }
        if !DeploymentController.equalIgnoringKeyOrder(.object(before), .object(after)) {
            reader.fail(FieldPath("spec"), "Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden")
        }
    }
}

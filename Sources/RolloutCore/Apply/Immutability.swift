/// Fields the API server refuses to change once an object exists.
enum Immutability {
    static func check(old: Resource, new: Resource, reader: inout FieldReader) {
        switch (new.type.group, new.kind) {
        case ("apps", "Deployment"), ("apps", "ReplicaSet"), ("apps", "StatefulSet"), ("apps", "DaemonSet"):
            let before = old.object["spec"]?["selector"], after = new.object["spec"]?["selector"]
            if before != nil, before != after {
                let shown = (after?.objectValue).map { LabelSelector.decodeForDisplay($0) } ?? "null"
                reader.fail(FieldPath("spec.selector"), "Invalid value: \(shown): field is immutable (the selector decides which pods the workload owns; to change it, delete the \(new.kind) and create it again)")
            }
            if new.kind == "StatefulSet" { ObjectValidation.validateStatefulSetUpdate(old: old, new: new, reader: &reader) }
        case ("", "Service"):
            if let before = old.object["spec"]?["clusterIP"]?.stringValue, let after = new.object["spec"]?["clusterIP"]?.stringValue, before != after {
                reader.fail(FieldPath("spec.clusterIP"), "Invalid value: \"\(after)\": field is immutable (was \"\(before)\")")
            }
        case ("", "Pod"):
            if mutableView(of: old.object["spec"]) != mutableView(of: new.object["spec"]) {
                reader.fail(FieldPath("spec"), "Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (delete the Pod and create it again, or let a Deployment replace it)")
            }
        case ("scheduling.k8s.io", "PriorityClass"):
            ObjectValidation.validatePriorityClassUpdate(old: old, new: new, reader: &reader)
        default:
            break
        }
    }

    /// A pod spec without the fields an update may change.
    private static func mutableView(of spec: Value?) -> Value? {
        guard var object = spec?.objectValue else { return spec }
        for key in ["activeDeadlineSeconds", "tolerations", "terminationGracePeriodSeconds"] { object[key] = nil }
        for key in ["containers", "initContainers"] {
            object.updateEach(key) { $0["image"] = nil }
        }
        return .object(object)
    }
}

extension LabelSelector {
    /// A selector object printed the way the API server prints it in errors.
    static func decodeForDisplay(_ object: Object) -> String {
        var reader = FieldReader()
        guard let selector = decode(.object(object), at: FieldPath(), reader: &reader) else { return "{}" }
        return "\"\(selector)\""
    }
}

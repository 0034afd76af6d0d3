/// What the API server refuses to delete, in its words (`errors.NewForbidden`: `<resource>
/// "<name>" is forbidden: <reason>`): the immortal namespaces (the NamespaceLifecycle
/// admission plugin, `plugin/pkg/admission/namespace/lifecycle/admission.go`:
/// `default`, `kube-system`, `kube-public` — "this namespace may not be deleted") and the
/// system PriorityClasses (`pkg/registry/scheduling/priorityclass/storage` Delete: "this is
/// a system priority class and cannot be deleted"). Shared by `delete` and the served API.
public enum DeletionAdmission {
    static let immortalNamespaces: Set<String> = ["default", "kube-system", "kube-public"]

    /// The refusal, or nil when the object may go.
    public static func refusal(_ resource: Resource) -> String? {
        let type = resource.type
        if type.group.isEmpty && resource.kind == "Namespace" && immortalNamespaces.contains(resource.name) {
            return "\(type.qualifiedPlural) \"\(resource.name)\" is forbidden: this namespace may not be deleted"
        }
        if type.group == PriorityClasses.type.group && resource.kind == PriorityClasses.type.kind && PriorityClasses.system[resource.name] != nil {
            return "\(type.qualifiedPlural) \"\(resource.name)\" is forbidden: this is a system priority class and cannot be deleted"
        }
        return nil
    }
}

/// The status apiextensions-apiserver's controllers write into a CustomResourceDefinition as
/// soon as it is stored (its spec defaulted first: `Defaults.apply`): the
/// NamingConditionController's `acceptedNames` and `NamesAccepted` (`NoConflicts`, "no
/// conflicts found"), the EstablishingController's `Established` (`InitialNamesAccepted`, "the
/// initial names have been accepted"), and `storedVersions` (every version ever the storage
/// one, the current one added). So `kubectl wait --for condition=established crd/NAME`, the
/// step CI scripts run after installing CRDs, is met through `serve`. (Names that conflict
/// with another CRD's are not looked for: accepted.)
enum CustomResourceDefinitionStatus {
    static func isDefinition(_ r: Resource) -> Bool {
        r.kind == "CustomResourceDefinition" && r.type.group == "apiextensions.k8s.io"
    }

    /// `crd` with its status as the controllers leave it; `live`: what it replaces (its
    /// conditions keep their times while the names stand).
    static func stored(_ crd: Resource, live: Resource?, now: Timestamp) -> Resource {
        var crd = crd
        let spec = crd.object["spec"]?.objectValue ?? Object()
        let names = spec["names"]?.objectValue ?? Object()
        let previous = live?.object["status"]?.objectValue
        let time = (previous?["acceptedNames"] == .object(names) ? previous?["conditions"]?.arrayValue?.first?["lastTransitionTime"] : nil)
            ?? .string(now.description)
        func condition(_ type: String, _ reason: String, _ message: String) -> Value {
            .object(Object(["lastTransitionTime": time, "message": .string(message), "reason": .string(reason), "status": .string("True"), "type": .string(type)]))
        }
        var stored = (previous?["storedVersions"]?.arrayValue ?? []).compactMap(\.stringValue)
        if let storage = (spec["versions"]?.arrayValue ?? []).first(where: { $0["storage"]?.boolValue == true })?["name"]?.stringValue,
           !stored.contains(storage) {
            stored.append(storage)
        }
        crd.object["status"] = .object(Object([
            "acceptedNames": .object(names),
            "conditions": .array([condition("NamesAccepted", "NoConflicts", "no conflicts found"),
                                  condition("Established", "InitialNamesAccepted", "the initial names have been accepted")]),
            "storedVersions": .array(stored.map(Value.string)),
        ]))
        return crd
    }
}

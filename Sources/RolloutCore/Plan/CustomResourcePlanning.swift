/// `missing-crd`: a custom resource the cluster cannot take. `apply` stores custom resources
/// whether or not their CustomResourceDefinition is there (so an app can be tried without its
/// operators), but a cluster refuses them: kubectl's RESTMapper finds no match —
/// `resource mapping not found for name: … no matches for kind "Rollout" in version
/// "argoproj.io/v1alpha1"` / `ensure CRDs are installed first` — and the apply exits 1. `plan`
/// runs against a cluster's state, so it says so, in three shapes:
///
/// - no CustomResourceDefinition, in the cluster or the manifests, serves the kind;
/// - the cluster's serves the kind, but not at that version (`spec.versions[].served`);
/// - the manifests bring the CustomResourceDefinition themselves, and the cluster has none yet:
///   kubectl maps every object before it applies any (`ApplyOptions.GetObjects` visits them all
///   first), so one `kubectl apply` of them all fails for the custom resource the first time,
///   and passes only when run again — the classic first deploy of an operator's app.
struct ServedCustomResources {
    /// `group/Kind` → the versions served, and the definition's name.
    private var served: [String: (versions: Set<String>, name: String)] = [:]

    static let type = ResourceType.forObject(apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition")

    init(_ definitions: [Resource]) {
        for definition in definitions {
            guard let group = definition.object["spec"]?["group"]?.stringValue,
                  let kind = definition.object["spec"]?["names"]?["kind"]?.stringValue else { continue }
            let versions = (definition.object["spec"]?["versions"]?.arrayValue ?? []).filter { $0["served"]?.boolValue == true }.compactMap { $0["name"]?.stringValue }
            served["\(group)/\(kind)"] = (Set(versions), definition.name)
        }
    }

    func versions(group: String, kind: String) -> (versions: Set<String>, name: String)? { served["\(group)/\(kind)"] }

    /// The hazards of the documents of types no built-in API serves, against the cluster's
    /// definitions (`installed`, read before the manifests are applied) and the manifests' own.
    static func hazards(_ candidates: [Applier.Candidate], installed: ServedCustomResources) -> [Hazard] {
        let brought = ServedCustomResources(candidates.map(\.resource).filter { $0.key.type == type.storageKey })
        var found: [Hazard] = []
        for candidate in candidates {
            let resource = candidate.resource
            let group = resource.type.group
            // The API server's own groups need no definition (a kind or version it does not serve
            // is refused before: `ResourceType.unservedProblem`).
            guard !ResourceType.isServedByAPIServer(group: group) else { continue }
            let version = resource.type.version, kind = resource.kind
            let noMatch = "no matches for kind \(GoQuote.quoted(kind)) in version \(GoQuote.quoted(resource.apiVersion))"
            let message: String, fix: String
            if let definition = installed.versions(group: group, kind: kind) {
                guard !definition.versions.contains(version) else { continue }
                message = "the cluster's CustomResourceDefinition \(definition.name) serves \(kind) at \(definition.versions.sorted().joined(separator: ", ")), not \(version): kubectl apply fails for it (\(noMatch))"
                fix = "write the apiVersion the cluster serves (\(definition.versions.sorted().map { "\(group)/\($0)" }.joined(separator: " or "))), or upgrade the operator whose CustomResourceDefinition adds \(version)"
            } else if let definition = brought.versions(group: group, kind: kind), definition.versions.contains(version) {
                message = "its CustomResourceDefinition \(definition.name) is in these manifests but not yet in the cluster: kubectl maps every object before it applies any, so one kubectl apply of them all fails for this object the first time (\(noMatch) / ensure CRDs are installed first)"
                fix = "apply the CustomResourceDefinitions first and wait until they are Established (kubectl apply -f crds/ && kubectl wait --for condition=established crd --all), then the rest"
            } else {
                message = "no CustomResourceDefinition in the cluster or these manifests serves \(kind) at \(resource.apiVersion): kubectl apply fails for it (\(noMatch) / ensure CRDs are installed first)"
                fix = "install the operator's CustomResourceDefinitions (its chart or crds/ folder) before these manifests, or check the apiVersion (rollout get crd)"
            }
            let path = FieldPath("apiVersion")
            found.append(Hazard(code: "missing-crd", severity: .error, object: resource.qualifiedName, path: path, message: message, fix: fix,
                                file: candidate.document.source, location: path.location(in: candidate.document.node)))
        }
        return found
    }
}

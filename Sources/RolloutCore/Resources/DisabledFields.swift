/// The fields of features Kubernetes 1.32 ships switched off — alpha, or beta and off by
/// default — dropped from a pod's spec as the API server drops them on every write:
/// `pkg/api/pod/util.go` `dropDisabledFields`, which every strategy holding a pod or a pod
/// template calls from `PrepareForCreate` and `PrepareForUpdate` (`DropDisabledPodFields`,
/// `DropDisabledTemplateFields`), after the object was decoded and defaulted and before it is
/// validated. A field the object being replaced already uses is kept ("in use": it got in while
/// the feature was on, and the object must stay updatable).
///
/// What is dropped, by the 1.32 default of its feature gate (`pkg/features/kube_features.go`):
///
/// | field | gate | 1.32 |
/// |---|---|---|
/// | `hostUsers` | UserNamespacesSupport | beta, off (on in 1.33) |
/// | `securityContext.supplementalGroupsPolicy` | SupplementalGroupsPolicy | alpha (beta, on, in 1.33) |
/// | `securityContext.seLinuxChangePolicy` | SELinuxChangePolicy | alpha (new in 1.32) |
/// | `resources` (pod-level) | PodLevelResources | alpha (new in 1.32) |
/// | `resourceClaims`, containers' `resources.claims` | DynamicResourceAllocation | beta, off (on in 1.34) |
/// | containers' `resizePolicy` | InPlacePodVerticalScaling | alpha (beta, on, in 1.33) |
/// | `image` volumes and their mounts | ImageVolume | alpha |
/// | projected `clusterTrustBundle` sources | ClusterTrustBundleProjection | alpha |
/// | containers' `securityContext.procMount`: forced to `Default` | ProcMountType | beta, off (on in 1.33) |
///
/// (The defaults from `pkg/features/kube_features.go`'s versioned specs: each gate's entries
/// up to 1.32.) So a manifest that sets one of them stores and hashes the template a 1.32
/// cluster would: applied over a live object without it, nothing rolls (before,
/// `hostUsers: false` or a `resizePolicy` made a new ReplicaSet that a cluster would not make).
enum DisabledFields {
    /// `resource`'s pod spec (a Pod's, or its template's) with the disabled fields dropped,
    /// `old` the stored object the write replaces (nil for a create).
    static func drop(_ resource: inout Resource, old: Resource?) {
        guard let path = podSpecPath(resource) else { return }
        let oldSpec = old.flatMap { podSpecPath($0) == path ? $0.value.at(path)?.objectValue : nil }
        resource.object.visit(path: path[...]) { spec in drop(&spec, old: oldSpec) }
    }

    /// Where the kind keeps its pod spec.
    private static func podSpecPath(_ resource: Resource) -> [String]? {
        switch (resource.type.group, resource.kind) {
        case ("", "Pod"): ["spec"]
        case ("", "PodTemplate"): ["template", "spec"]
        case ("", "ReplicationController"), ("apps", "Deployment"), ("apps", "ReplicaSet"), ("apps", "StatefulSet"),
             ("apps", "DaemonSet"), ("batch", "Job"):
            ["spec", "template", "spec"]
        case ("batch", "CronJob"): ["spec", "jobTemplate", "spec", "template", "spec"]
        default: nil
        }
    }

    /// `dropDisabledFields` for the gates off in 1.32, in its order.
    static func drop(_ spec: inout Object, old: Object?) {
        // UserNamespacesSupport (hostUsersInUse: the old spec sets it; the internal type keeps
        // it in the security context, v1 on the spec).
        if old?["hostUsers"] == nil { spec["hostUsers"] = nil }
        // SupplementalGroupsPolicy (supplementalGroupsPolicyInUse).
        if old?["securityContext"]?["supplementalGroupsPolicy"] == nil {
            spec.visit("securityContext") { $0["supplementalGroupsPolicy"] = nil }
        }
        // dropDisabledPodLevelResources (podLevelResourcesInUse: requests or limits set).
        if !hasEntries(old?["resources"]?["requests"]) && !hasEntries(old?["resources"]?["limits"]) {
            spec["resources"] = nil
        }
        // dropDisabledProcMountField (procMountInUse: a container whose procMount is not
        // Default): a procMount given is forced to Default, not removed — the field was forced
        // to non-nil in 1.12, and removing it would differ from what was stored then.
        let unmasked = anyContainer(of: old) { c in
            guard let mount = c["securityContext"]?["procMount"], mount != .null else { return false }
            return mount != .string("Default")
        }
        if !unmasked {
            visitContainers(&spec) { container in
                container.visit("securityContext") { context in
                    if let mount = context["procMount"], mount != .null { context["procMount"] = .string("Default") }
                }
            }
        }
        // dropDisabledDynamicResourceAllocationFields (dynamicResourceAllocationInUse: the old
        // spec has resourceClaims; containers cannot name claims the pod does not have).
        if !hasEntries(old?["resourceClaims"]) {
            visitContainers(&spec) { container in container.visit("resources") { $0["claims"] = nil } }
            spec["resourceClaims"] = nil
        }
        // dropDisabledClusterTrustBundleProjection (clusterTrustBundleProjectionInUse).
        if !usesProjectedSource("clusterTrustBundle", old) {
            spec.updateEach("volumes") { volume in
                volume.visit("projected") { projected in projected.updateEach("sources") { $0["clusterTrustBundle"] = nil } }
            }
        }
        // InPlacePodVerticalScaling (inPlacePodVerticalScalingInUse: a container or init
        // container with a resize policy).
        if !anyContainer(of: old, lists: ["containers", "initContainers"], { hasEntries($0["resizePolicy"]) }) {
            visitContainers(&spec) { $0["resizePolicy"] = nil }
        }
        // dropImageVolumes (imageVolumesInUse): the image volumes and every mount of them.
        func isImage(_ volume: Value) -> Bool { volume["image"] != nil && volume["image"] != .null }
        if !(old?["volumes"]?.arrayValue ?? []).contains(where: isImage), case .array(let volumes)? = spec["volumes"] {
            let images = Set(volumes.filter(isImage).map { $0["name"]?.stringValue ?? "" })
            if !images.isEmpty {
                let kept = volumes.filter { !isImage($0) }
                spec["volumes"] = kept.isEmpty ? nil : .array(kept)
                visitContainers(&spec) { container in
                    guard case .array(let mounts)? = container["volumeMounts"] else { return }
                    let left = mounts.filter { !images.contains($0["name"]?.stringValue ?? "") }
                    if left.count != mounts.count { container["volumeMounts"] = left.isEmpty ? nil : .array(left) }
                }
            }
        }
        // dropSELinuxChangePolicy (seLinuxChangePolicyInUse).
        if old?["securityContext"]?["seLinuxChangePolicy"] == nil {
            spec.visit("securityContext") { $0["seLinuxChangePolicy"] = nil }
        }
    }

    /// The container lists of a pod spec (`VisitContainers` with `AllContainers`).
    private static let containerLists = ["containers", "initContainers", "ephemeralContainers"]

    /// `body` on every container of `spec`, of every list.
    private static func visitContainers(_ spec: inout Object, _ body: (inout Object) -> Void) {
        for list in containerLists { spec.updateEach(list, body) }
    }

    /// Whether a container of `spec`, in `lists`, satisfies `test`.
    private static func anyContainer(of spec: Object?, lists: [String] = containerLists, _ test: (Value) -> Bool) -> Bool {
        lists.contains { (spec?[$0]?.arrayValue ?? []).contains(where: test) }
    }

    /// A list or map with something in it (Go's `len(x) > 0`).
    private static func hasEntries(_ value: Value?) -> Bool {
        switch value {
        case .array(let items)?: !items.isEmpty
        case .object(let o)?: !o.members.isEmpty
        default: false
        }
    }

    /// Whether a projected volume of `spec` has a source of this kind.
    private static func usesProjectedSource(_ kind: String, _ spec: Object?) -> Bool {
        (spec?["volumes"]?.arrayValue ?? []).contains { volume in
            (volume["projected"]?["sources"]?.arrayValue ?? []).contains { $0[kind] != nil && $0[kind] != .null }
        }
    }
}

extension Object {
    /// Runs `body` on the object at the end of `path` when every step is an object.
    mutating func visit(path: ArraySlice<String>, _ body: (inout Object) -> Void) {
        guard let first = path.first else { return body(&self) }
        visit(first) { $0.visit(path: path.dropFirst(), body) }
    }
}

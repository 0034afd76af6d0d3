/// What the control plane knows about a kind: how kubectl names it on the command line and
/// in output (`deployment.apps/web`), whether it lives in a namespace, and whether `status`
/// belongs to the cluster rather than to the manifest.
public struct ResourceType: Hashable, Sendable {
    public var kind: String
    public var group: String
    public var version: String
    public var plural: String
    public var shortNames: [String]
    public var namespaced: Bool
    /// Kinds with a status subresource: apply never writes `status` from a manifest.
    public var hasStatus: Bool

    public init(kind: String, group: String, version: String, plural: String, shortNames: [String] = [], namespaced: Bool = true, hasStatus: Bool = false) {
        self.kind = kind
        self.group = group
        self.version = version
        self.plural = plural
        self.shortNames = shortNames
        self.namespaced = namespaced
        self.hasStatus = hasStatus
    }

    public var singular: String { kind.lowercased() }
    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }
    /// `deployments.apps`, `pods`: how API errors name the resource.
    public var qualifiedPlural: String { group.isEmpty ? plural : "\(plural).\(group)" }
    /// `deployment.apps`, `pod`: how kubectl's name printer names the kind.
    public var qualifiedSingular: String { group.isEmpty ? singular : "\(singular).\(group)" }
    /// The key objects of this type are stored under: `apps/Deployment`, `Pod`.
    public var storageKey: String { group.isEmpty ? kind : "\(group)/\(kind)" }

    /// The kinds with typed behaviour, plus the generic kinds kubectl users name most often.
    public static let builtIn: [ResourceType] = [
        ResourceType(kind: "Deployment", group: "apps", version: "v1", plural: "deployments", shortNames: ["deploy"], hasStatus: true),
        ResourceType(kind: "ReplicaSet", group: "apps", version: "v1", plural: "replicasets", shortNames: ["rs"], hasStatus: true),
        ResourceType(kind: "Pod", group: "", version: "v1", plural: "pods", shortNames: ["po"], hasStatus: true),
        ResourceType(kind: "Service", group: "", version: "v1", plural: "services", shortNames: ["svc"], hasStatus: true),
        ResourceType(kind: "Endpoints", group: "", version: "v1", plural: "endpoints", shortNames: ["ep"]),
        ResourceType(kind: "Node", group: "", version: "v1", plural: "nodes", shortNames: ["no"], namespaced: false, hasStatus: true),
        ResourceType(kind: "Namespace", group: "", version: "v1", plural: "namespaces", shortNames: ["ns"], namespaced: false, hasStatus: true),
        ResourceType(kind: "Event", group: "", version: "v1", plural: "events", shortNames: ["ev"]),
        ResourceType(kind: "ConfigMap", group: "", version: "v1", plural: "configmaps", shortNames: ["cm"]),
        ResourceType(kind: "Secret", group: "", version: "v1", plural: "secrets"),
        ResourceType(kind: "ServiceAccount", group: "", version: "v1", plural: "serviceaccounts", shortNames: ["sa"]),
        ResourceType(kind: "PersistentVolumeClaim", group: "", version: "v1", plural: "persistentvolumeclaims", shortNames: ["pvc"], hasStatus: true),
        ResourceType(kind: "PersistentVolume", group: "", version: "v1", plural: "persistentvolumes", shortNames: ["pv"], namespaced: false, hasStatus: true),
        ResourceType(kind: "ReplicationController", group: "", version: "v1", plural: "replicationcontrollers", shortNames: ["rc"], hasStatus: true),
        ResourceType(kind: "ResourceQuota", group: "", version: "v1", plural: "resourcequotas", shortNames: ["quota"], hasStatus: true),
        ResourceType(kind: "LimitRange", group: "", version: "v1", plural: "limitranges", shortNames: ["limits"]),
        ResourceType(kind: "StatefulSet", group: "apps", version: "v1", plural: "statefulsets", shortNames: ["sts"], hasStatus: true),
        ResourceType(kind: "DaemonSet", group: "apps", version: "v1", plural: "daemonsets", shortNames: ["ds"], hasStatus: true),
        ResourceType(kind: "ControllerRevision", group: "apps", version: "v1", plural: "controllerrevisions"),
        ResourceType(kind: "Job", group: "batch", version: "v1", plural: "jobs", hasStatus: true),
        ResourceType(kind: "CronJob", group: "batch", version: "v1", plural: "cronjobs", shortNames: ["cj"], hasStatus: true),
        ResourceType(kind: "Ingress", group: "networking.k8s.io", version: "v1", plural: "ingresses", shortNames: ["ing"], hasStatus: true),
        ResourceType(kind: "IngressClass", group: "networking.k8s.io", version: "v1", plural: "ingressclasses", namespaced: false),
        ResourceType(kind: "NetworkPolicy", group: "networking.k8s.io", version: "v1", plural: "networkpolicies", shortNames: ["netpol"]),
        ResourceType(kind: "HorizontalPodAutoscaler", group: "autoscaling", version: "v2", plural: "horizontalpodautoscalers", shortNames: ["hpa"], hasStatus: true),
        ResourceType(kind: "PodDisruptionBudget", group: "policy", version: "v1", plural: "poddisruptionbudgets", shortNames: ["pdb"], hasStatus: true),
        ResourceType(kind: "Role", group: "rbac.authorization.k8s.io", version: "v1", plural: "roles"),
        ResourceType(kind: "RoleBinding", group: "rbac.authorization.k8s.io", version: "v1", plural: "rolebindings"),
        ResourceType(kind: "ClusterRole", group: "rbac.authorization.k8s.io", version: "v1", plural: "clusterroles", namespaced: false),
        ResourceType(kind: "ClusterRoleBinding", group: "rbac.authorization.k8s.io", version: "v1", plural: "clusterrolebindings", namespaced: false),
        ResourceType(kind: "CustomResourceDefinition", group: "apiextensions.k8s.io", version: "v1", plural: "customresourcedefinitions", shortNames: ["crd", "crds"], namespaced: false, hasStatus: true),
        ResourceType(kind: "StorageClass", group: "storage.k8s.io", version: "v1", plural: "storageclasses", shortNames: ["sc"], namespaced: false),
        ResourceType(kind: "PriorityClass", group: "scheduling.k8s.io", version: "v1", plural: "priorityclasses", shortNames: ["pc"], namespaced: false),
        ResourceType(kind: "MutatingWebhookConfiguration", group: "admissionregistration.k8s.io", version: "v1", plural: "mutatingwebhookconfigurations", namespaced: false),
        ResourceType(kind: "ValidatingWebhookConfiguration", group: "admissionregistration.k8s.io", version: "v1", plural: "validatingwebhookconfigurations", namespaced: false),
        ResourceType(kind: "APIService", group: "apiregistration.k8s.io", version: "v1", plural: "apiservices", namespaced: false, hasStatus: true),
    ]

    private static let builtInByGroupAndKind: [String: ResourceType] = Dictionary(
        builtIn.map { ($0.group + "/" + $0.kind, $0) }, uniquingKeysWith: { a, _ in a })

    /// The built-in types of each kind, the first of a group and kind as `builtInByGroupAndKind` keeps it.
    private static let builtInByKind: [String: [ResourceType]] = {
        var byKind: [String: [ResourceType]] = [:]
        for type in builtIn where !(byKind[type.kind] ?? []).contains(where: { $0.group == type.group }) { byKind[type.kind, default: []].append(type) }
        return byKind
    }()

    /// `apiVersion`'s group (what comes before its `/`; none without one) is `group`. (Read
    /// from the strings' bytes at once: through a UTF-8 view's slice, a thousand instructions —
    /// every `Resource.key` asks.)
    static func group(of apiVersion: String, is group: String) -> Bool {
        apiVersion.withUTF8Bytes { version in
            group.withUTF8Bytes { group in
                if group.isEmpty { return !version.contains(UInt8(ascii: "/")) }
                guard version.count > group.count else { return false }
                for k in 0..<group.count where version[k] != group[k] { return false }
                return version[group.count] == UInt8(ascii: "/")
            }
        }
    }

    /// The kinds of the core group (`k8s.io/api/core/v1`'s `addKnownTypes`, the served ones): an
    /// apiVersion `v1` with another kind names nothing — a custom resource cannot be in the core
    /// group.
    static let coreKinds: Set<String> = [
        "Binding", "ComponentStatus", "ConfigMap", "Endpoints", "Event", "LimitRange", "Namespace", "Node", "PersistentVolume",
        "PersistentVolumeClaim", "Pod", "PodTemplate", "ReplicationController", "ResourceQuota", "Secret", "Service", "ServiceAccount",
    ]

    /// Group versions Kubernetes stopped serving, with the release that removed each kind from
    /// them (the deprecated API migration guide, kubernetes.io/docs/reference/using-api/deprecation-guide).
    static let removedVersions: [String: (release: String, kinds: Set<String>)] = [
        "extensions/v1beta1/1.16": ("1.16", ["Deployment", "DaemonSet", "ReplicaSet", "NetworkPolicy"]),
        "extensions/v1beta1/1.22": ("1.22", ["Ingress"]),
        "apps/v1beta1": ("1.16", ["Deployment", "StatefulSet", "ReplicaSet", "DaemonSet", "ControllerRevision"]),
        "apps/v1beta2": ("1.16", ["Deployment", "StatefulSet", "ReplicaSet", "DaemonSet", "ControllerRevision"]),
        "networking.k8s.io/v1beta1": ("1.22", ["Ingress", "IngressClass"]),
        "policy/v1beta1": ("1.25", ["PodDisruptionBudget", "PodSecurityPolicy"]),
        "discovery.k8s.io/v1beta1": ("1.25", ["EndpointSlice"]),
        "events.k8s.io/v1beta1": ("1.25", ["Event"]),
        "flowcontrol.apiserver.k8s.io/v1beta3": ("1.32", ["FlowSchema", "PriorityLevelConfiguration"]),
        "flowcontrol.apiserver.k8s.io/v1beta2": ("1.29", ["FlowSchema", "PriorityLevelConfiguration"]),
        "flowcontrol.apiserver.k8s.io/v1beta1": ("1.26", ["FlowSchema", "PriorityLevelConfiguration"]),
        "storage.k8s.io/v1beta1/1.27": ("1.27", ["CSIStorageCapacity"]),
        "batch/v1beta1": ("1.25", ["CronJob"]),
        "autoscaling/v2beta1": ("1.25", ["HorizontalPodAutoscaler"]),
        "autoscaling/v2beta2": ("1.26", ["HorizontalPodAutoscaler"]),
        "rbac.authorization.k8s.io/v1beta1": ("1.22", ["Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding"]),
        "rbac.authorization.k8s.io/v1alpha1": ("1.22", ["Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding"]),
        "apiextensions.k8s.io/v1beta1": ("1.22", ["CustomResourceDefinition"]),
        "storage.k8s.io/v1beta1": ("1.22", ["StorageClass", "CSIDriver", "CSINode", "VolumeAttachment"]),
        "scheduling.k8s.io/v1beta1": ("1.22", ["PriorityClass"]),
        "scheduling.k8s.io/v1alpha1": ("1.22", ["PriorityClass"]),
        "admissionregistration.k8s.io/v1beta1": ("1.22", ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"]),
        "apiregistration.k8s.io/v1beta1": ("1.22", ["APIService"]),
    ]

    /// Whether the API server itself serves `group` (no CustomResourceDefinition can).
    static func isServedByAPIServer(group: String) -> Bool { group.isEmpty || apiServerGroups[group] != nil }

    /// The groups a Kubernetes 1.32 API server serves by default, beside the core group, with
    /// their versions and kinds (`kubectl api-resources` on 1.32; beta and alpha APIs off by
    /// default left out; `autoscaling/v1` serves HorizontalPodAutoscalers in their older shape).
    /// Other groups — Gateway API's `gateway.networking.k8s.io`, `snapshot.storage.k8s.io`, an
    /// operator's — are CustomResourceDefinitions'.
    static let apiServerGroups: [String: (versions: [String], kinds: Set<String>)] = [
        "admissionregistration.k8s.io": (["v1"], ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
                                                  "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding"]),
        "apiextensions.k8s.io": (["v1"], ["CustomResourceDefinition"]),
        "apiregistration.k8s.io": (["v1"], ["APIService"]),
        "apps": (["v1"], ["ControllerRevision", "DaemonSet", "Deployment", "ReplicaSet", "StatefulSet"]),
        "authentication.k8s.io": (["v1"], ["SelfSubjectReview", "TokenReview"]),
        "authorization.k8s.io": (["v1"], ["LocalSubjectAccessReview", "SelfSubjectAccessReview", "SelfSubjectRulesReview", "SubjectAccessReview"]),
        "autoscaling": (["v1", "v2"], ["HorizontalPodAutoscaler"]),
        "batch": (["v1"], ["CronJob", "Job"]),
        "certificates.k8s.io": (["v1"], ["CertificateSigningRequest"]),
        "coordination.k8s.io": (["v1"], ["Lease"]),
        "discovery.k8s.io": (["v1"], ["EndpointSlice"]),
        "events.k8s.io": (["v1"], ["Event"]),
        "flowcontrol.apiserver.k8s.io": (["v1"], ["FlowSchema", "PriorityLevelConfiguration"]),
        "networking.k8s.io": (["v1"], ["Ingress", "IngressClass", "NetworkPolicy"]),
        "node.k8s.io": (["v1"], ["RuntimeClass"]),
        "policy": (["v1"], ["PodDisruptionBudget"]),
        "rbac.authorization.k8s.io": (["v1"], ["ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"]),
        "scheduling.k8s.io": (["v1"], ["PriorityClass"]),
        "storage.k8s.io": (["v1"], ["CSIDriver", "CSINode", "CSIStorageCapacity", "StorageClass", "VolumeAttachment"]),
    ]

    /// Why Kubernetes 1.32 serves no such type: a kind of a group it knows at a version it does not
    /// serve (`apps/v1beta1` Deployments, removed in 1.16), or a kind the core group has not —
    /// kubectl's `no matches for kind "Deployment" in version "apps/v1beta1"`. Nil when it is
    /// served, and for groups it has no type for here (custom resources: their
    /// CustomResourceDefinitions decide).
    public static func unservedProblem(apiVersion: String, kind: String) -> String? {
        let slash = apiVersion.utf8.firstIndex(of: UInt8(ascii: "/"))
        let group = slash.map { String(apiVersion[..<$0]) } ?? ""
        let version = slash.map { String(apiVersion[apiVersion.index(after: $0)...]) } ?? apiVersion
        let noMatch = "no matches for kind \(GoQuote.quoted(kind)) in version \(GoQuote.quoted(apiVersion))"
        // (A group version may have lost its kinds in several releases: `extensions/v1beta1/1.22`.)
        let removal = removedVersions.first { ($0.key == apiVersion || $0.key.hasPrefix(apiVersion + "/")) && $0.value.kinds.contains(kind) }?.value.release
        if group == "extensions" {
            let use = builtInByKind[kind]?.first.map { ": use \($0.group)/\($0.version)" } ?? ""
            return "\(noMatch): Kubernetes removed it in \(removal ?? "1.22"), with the whole extensions group\(use)"
        }
        if group.isEmpty {
            guard version == "v1" else { return "\(noMatch): the core group is served at v1 only" }
            return coreKinds.contains(kind) ? nil : "\(noMatch): the core group has no such kind, and a custom resource's group has a dot in it"
        }
        guard let api = apiServerGroups[group] else { return nil }
        guard api.kinds.contains(kind) else {
            // A kind gone with its API (PodSecurityPolicy, in 1.25), or one the group never had.
            return "\(noMatch): " + (removal.map { "Kubernetes removed it in \($0)" } ?? "the API server's \(group) group has no such kind")
        }
        let served = api.versions
        guard !served.contains(version) else { return nil }
        let use = served.map { "\(group)/\($0)" }.joined(separator: " or ")
        if let removal { return "\(noMatch): Kubernetes removed it in \(removal): use \(use)" }
        return "\(noMatch): Kubernetes 1.32 serves \(kind) at \(use)"
    }

    /// The kinds `get all` lists, in kubectl's order.
    public static let allCategory = ["Pod", "Service", "DaemonSet", "Deployment", "ReplicaSet", "StatefulSet"]

    /// The type for an object's `apiVersion` and `kind`. Kinds we do not know are namespaced
    /// generic objects named by their lower-cased kind, as kubectl would show a custom resource.
    public static func forObject(apiVersion: String, kind: String) -> ResourceType {
        // A built-in kind is found without making a string: by its kind, then its group as
        // the start of `apiVersion` (every object asks, often several times: `Resource.key`).
        if let candidates = builtInByKind[kind] {
            for candidate in candidates where Self.group(of: apiVersion, is: candidate.group) { return candidate }
        }
        // (The slash found among the bytes: a search by Character measured each one's
        // grapheme boundaries, ~6,000 instructions for every object of a kind not built in —
        // the timelines', at every sample.)
        let slash = apiVersion.utf8.firstIndex(of: UInt8(ascii: "/"))
        let group = slash.map { String(apiVersion[..<$0]) } ?? ""
        let version = slash.map { String(apiVersion[apiVersion.index(after: $0)...]) } ?? apiVersion
        if let known = builtInByGroupAndKind[group + "/" + kind] {
            return known
        }
        // Cluster-scoped kinds of other groups cannot be known without their CRD; most custom
        // resources are namespaced.
        return ResourceType(kind: kind, group: group, version: version, plural: pluralize(kind.lowercased()))
    }

    /// English plural as the API machinery guesses it (`UnsafeGuessKindToResource`).
    static func pluralize(_ singular: String) -> String {
        if singular.hasSuffix("s") || singular.hasSuffix("x") || singular.hasSuffix("z") || singular.hasSuffix("ch") || singular.hasSuffix("sh") {
            return singular + "es"
        }
        if singular.hasSuffix("y"), let before = singular.dropLast().last, !"aeiou".contains(before) {
            return String(singular.dropLast()) + "ies"
        }
        return singular + "s"
    }

    /// Resolves what a user typed (`deploy`, `deployments`, `Deployment`, `deployments.apps`)
    /// against the built-in types and any generic types the store holds.
    public static func resolve(_ name: String, among stored: [ResourceType] = []) -> ResourceType? {
        let lower = name.lowercased()
        for type in builtIn + stored {
            if lower == type.plural || lower == type.singular || type.shortNames.contains(lower)
                || lower == type.qualifiedPlural || lower == type.qualifiedSingular
                || lower == "\(type.plural).\(type.version).\(type.group)" {
                return type
            }
        }
        return nil
    }
}

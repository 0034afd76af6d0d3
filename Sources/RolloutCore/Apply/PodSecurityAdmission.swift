/// The PodSecurity admission plugin (`k8s.io/pod-security-admission`), enforce mode: a pod
/// created in a namespace labelled `pod-security.kubernetes.io/enforce: baseline` or
/// `restricted` must pass that level's checks (`policy/check_*.go`), or it is forbidden —
/// `violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container
/// "app" must set securityContext.allowPrivilegeEscalation=false), …`
/// (AggregateCheckResult.ForbiddenDetail: each failed check's `reason (detail)`, joined by ", ",
/// in the registry's order: the baseline checks, then — for restricted — the restricted ones,
/// each in the order of their source files). A validating plugin: a controller's pod is named.
/// A level that does not parse is `restricted` (PolicyToEvaluate); the checks are 1.32's
/// whatever `enforce-version` names (the version is only shown); `warn` and `audit` labels are
/// not acted on.
public struct PodSecurity: Sendable {
    static let enforceLabel = "pod-security.kubernetes.io/enforce"
    static let enforceVersionLabel = "pod-security.kubernetes.io/enforce-version"

    /// `level:version` by namespace, for those that enforce more than privileged.
    private var enforced: [String: (level: String, shown: String)] = [:]

    public init(namespaces: [Resource] = []) {
        for namespace in namespaces {
            guard let raw = namespace.labels[Self.enforceLabel] else { continue }
            // ParseLevel; an invalid level is the most restrictive.
            let level = ["privileged", "baseline", "restricted"].contains(raw) ? raw : "restricted"
            guard level != "privileged" else { continue }
            let version = namespace.labels[Self.enforceVersionLabel].flatMap { $0 == "latest" || $0.hasPrefix("v1.") ? $0 : nil } ?? "latest"
            enforced[namespace.name] = (level, "\(level):\(version)")
        }
    }

    public init(store: StateStore) throws(StoreError) {
        self.init(namespaces: try store.list(ResourceType.forObject(apiVersion: "v1", kind: "Namespace")))
    }

    /// Why a pod of `spec` is refused in `namespace` (what follows `pods "name" is forbidden: `).
    func admit(_ spec: Object, namespace: String) -> String? {
        guard let (level, shown) = enforced[namespace] else { return nil }
        let failed = Self.evaluate(spec, restricted: level == "restricted")
        guard !failed.isEmpty else { return nil }
        return "violates PodSecurity \"\(shown)\": " + failed.map { $0.detail.isEmpty ? $0.reason : "\($0.reason) (\($0.detail))" }.joined(separator: ", ")
    }

    /// The pod template of a workload (`ValidatePodController`'s kinds), nil for other kinds.
    static func podTemplate(of resource: Resource) -> Value? {
        let spec = resource.object["spec"]
        switch (resource.type.group, resource.kind) {
        case ("apps", "Deployment"), ("apps", "ReplicaSet"), ("apps", "StatefulSet"), ("apps", "DaemonSet"), ("batch", "Job"), ("", "ReplicationController"):
            return spec?["template"]
        case ("batch", "CronJob"): return spec?["jobTemplate"]?["spec"]?["template"]
        case ("", "PodTemplate"): return resource.object["template"]
        default: return nil
        }
    }

    /// The warning a workload's create — or an update that changes its pod template — gets in
    /// an enforcing namespace (ValidatePodController evaluates without enforcing; the `warn`
    /// level defaults to the enforce level): `would violate PodSecurity "restricted:latest": …`,
    /// which kubectl prints as `Warning: …`. Nil when it passes, or is no workload.
    static func workloadWarning(_ resource: Resource, live: Resource?, store: StateStore) throws(StoreError) -> String? {
        let namespace = resource.namespace ?? "default"
        guard let template = podTemplate(of: resource), live.flatMap(podTemplate(of:)) != template,
              let object = try store.get(ObjectKey(type: "Namespace", namespace: "", name: namespace)) else { return nil }
        let policy = PodSecurity(namespaces: [object])
        guard let (level, shown) = policy.enforced[namespace] else { return nil }
        let failed = evaluate(template["spec"]?.objectValue ?? Object(), restricted: level == "restricted")
        guard !failed.isEmpty else { return nil }
        return "would violate PodSecurity \"\(shown)\": " + failed.map { $0.detail.isEmpty ? $0.reason : "\($0.reason) (\($0.detail))" }.joined(separator: ", ")
    }

    // MARK: the checks

    private static func joinQuote(_ items: [String]) -> String { items.isEmpty ? "" : "\"" + items.joined(separator: "\", \"") + "\"" }
    private static func pluralize(_ singular: String, _ plural: String, _ count: Int) -> String { count == 1 ? singular : plural }

    /// Every container, init container first (`visitContainers`; ephemeral ones are not made).
    private static func containers(_ spec: Object) -> [Object] {
        ((spec["initContainers"]?.arrayValue ?? []) + (spec["containers"]?.arrayValue ?? [])).compactMap(\.objectValue)
    }

    private static func name(_ c: Object) -> String { c["name"]?.stringValue ?? "" }

    /// The failed checks of a level, in the registry's order.
    static func evaluate(_ spec: Object, restricted: Bool) -> [(reason: String, detail: String)] {
        var failed: [(String, String)] = []
        func add(_ result: (String, String)?) { if let result { failed.append(result) } }
        // The baseline checks restricted keeps, by file (appArmorProfile, procMount,
        // seLinuxOptions, sysctls and windowsHostProcess are not checked).
        add(hostNamespaces(spec))
        add(hostPorts(spec))
        add(privileged(spec))
        if !restricted {
            // The overlapping baseline checks, which restricted's replace.
            add(capabilitiesBaseline(spec))
            add(hostPathVolumes(spec))
            add(seccompBaseline(spec))
            return failed
        }
        add(allowPrivilegeEscalation(spec))
        add(capabilitiesRestricted(spec))
        add(restrictedVolumes(spec))
        add(runAsNonRoot(spec))
        add(runAsUser(spec))
        add(seccompRestricted(spec))
        return failed
    }

    static func hostNamespaces(_ spec: Object) -> (String, String)? {
        let set = ["hostIPC", "hostNetwork", "hostPID"].filter { spec[$0]?.boolValue == true }
        return set.isEmpty ? nil : ("host namespaces", set.joined(separator: ", "))
    }

    static func hostPorts(_ spec: Object) -> (String, String)? {
        var bad: [String] = [], ports = Set<Int>()
        for c in containers(spec) {
            let used = (c["ports"]?.arrayValue ?? []).compactMap { $0["hostPort"]?.intValue }.filter { $0 != 0 }
            if !used.isEmpty { bad.append(name(c)); ports.formUnion(used) }
        }
        guard !bad.isEmpty else { return nil }
        // (sets.String.List(): the ports sorted as strings.)
        let listed = ports.map(String.init).sorted()
        return ("hostPort", "\(pluralize("container", "containers", bad.count)) \(joinQuote(bad)) \(pluralize("uses", "use", bad.count)) \(pluralize("hostPort", "hostPorts", listed.count)) \(listed.joined(separator: ", "))")
    }

    static func privileged(_ spec: Object) -> (String, String)? {
        let bad = containers(spec).filter { $0["securityContext"]?["privileged"]?.boolValue == true }.map(name)
        return bad.isEmpty ? nil : ("privileged", "\(pluralize("container", "containers", bad.count)) \(joinQuote(bad)) must not set securityContext.privileged=true")
    }

    static let baselineCapabilities: Set<String> = ["AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE",
                                                    "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"]

    static func capabilitiesBaseline(_ spec: Object) -> (String, String)? {
        var bad: [String] = [], extra = Set<String>()
        for c in containers(spec) {
            let added = (c["securityContext"]?["capabilities"]?["add"]?.arrayValue ?? []).compactMap(\.stringValue).filter { !baselineCapabilities.contains($0) }
            if !added.isEmpty { bad.append(name(c)); extra.formUnion(added) }
        }
        return bad.isEmpty ? nil : ("non-default capabilities",
                                    "\(pluralize("container", "containers", bad.count)) \(joinQuote(bad)) must not include \(joinQuote(extra.sorted())) in securityContext.capabilities.add")
    }

    static func hostPathVolumes(_ spec: Object) -> (String, String)? {
        let bad = (spec["volumes"]?.arrayValue ?? []).filter { $0["hostPath"] != nil }.compactMap { $0["name"]?.stringValue }
        return bad.isEmpty ? nil : ("hostPath volumes", "\(pluralize("volume", "volumes", bad.count)) \(joinQuote(bad))")
    }

    /// seccompProfile_baseline (and restricted's first half): `Unconfined` set anywhere.
    static func seccompBaseline(_ spec: Object) -> (String, String)? {
        var setters: [String] = []
        if spec["securityContext"]?["seccompProfile"]?["type"]?.stringValue == "Unconfined" { setters.append("pod") }
        let bad = containers(spec).filter { $0["securityContext"]?["seccompProfile"]?["type"]?.stringValue == "Unconfined" }.map(name)
        if !bad.isEmpty { setters.append("\(pluralize("container", "containers", bad.count)) \(joinQuote(bad))") }
        return setters.isEmpty ? nil : ("seccompProfile", "\(setters.joined(separator: " and ")) must not set securityContext.seccompProfile.type to \"Unconfined\"")
    }

    static func allowPrivilegeEscalation(_ spec: Object) -> (String, String)? {
        let bad = containers(spec).filter { $0["securityContext"]?["allowPrivilegeEscalation"]?.boolValue != false }.map(name)
        return bad.isEmpty ? nil : ("allowPrivilegeEscalation != false",
                                    "\(pluralize("container", "containers", bad.count)) \(joinQuote(bad)) must set securityContext.allowPrivilegeEscalation=false")
    }

    static func capabilitiesRestricted(_ spec: Object) -> (String, String)? {
        var missingDrop: [String] = [], adding: [String] = [], forbidden = Set<String>()
        for c in containers(spec) {
            guard let capabilities = c["securityContext"]?["capabilities"], capabilities.objectValue != nil else {
                missingDrop.append(name(c))
                continue
            }
            if !(capabilities["drop"]?.arrayValue ?? []).contains(.string("ALL")) { missingDrop.append(name(c)) }
            let added = (capabilities["add"]?.arrayValue ?? []).compactMap(\.stringValue).filter { $0 != "NET_BIND_SERVICE" }
            if !added.isEmpty { adding.append(name(c)); forbidden.formUnion(added) }
        }
        var details: [String] = []
        if !missingDrop.isEmpty {
            details.append("\(pluralize("container", "containers", missingDrop.count)) \(joinQuote(missingDrop)) must set securityContext.capabilities.drop=[\"ALL\"]")
        }
        if !adding.isEmpty {
            details.append("\(pluralize("container", "containers", adding.count)) \(joinQuote(adding)) must not include \(joinQuote(forbidden.sorted())) in securityContext.capabilities.add")
        }
        return details.isEmpty ? nil : ("unrestricted capabilities", details.joined(separator: "; "))
    }

    static let allowedVolumeTypes: Set<String> = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"]

    static func restrictedVolumes(_ spec: Object) -> (String, String)? {
        var bad: [String] = [], types = Set<String>()
        for volume in spec["volumes"]?.arrayValue ?? [] {
            let kinds = (volume.objectValue?.members ?? []).map(\.key).filter { $0 != "name" }
            guard let kind = kinds.first, !allowedVolumeTypes.contains(kind) else { continue }
            bad.append(volume["name"]?.stringValue ?? "")
            types.insert(kind)
        }
        guard !bad.isEmpty else { return nil }
        return ("restricted volume types", "\(pluralize("volume", "volumes", bad.count)) \(joinQuote(bad)) \(pluralize("uses", "use", bad.count)) "
                + "\(pluralize("restricted volume type", "restricted volume types", types.count)) \(joinQuote(types.sorted()))")
    }

    static func runAsNonRoot(_ spec: Object) -> (String, String)? {
        var setters: [String] = []
        var podNonRoot = false
        if let value = spec["securityContext"]?["runAsNonRoot"]?.boolValue {
            if value { podNonRoot = true } else { setters.append("pod") }
        }
        var explicit: [String] = [], implicit: [String] = []
        for c in containers(spec) {
            if let value = c["securityContext"]?["runAsNonRoot"]?.boolValue {
                if !value { explicit.append(name(c)) }
            } else if !podNonRoot {
                implicit.append(name(c))
            }
        }
        if !explicit.isEmpty { setters.append("\(pluralize("container", "containers", explicit.count)) \(joinQuote(explicit))") }
        if !setters.isEmpty { return ("runAsNonRoot != true", "\(setters.joined(separator: " and ")) must not set securityContext.runAsNonRoot=false") }
        if !implicit.isEmpty {
            return ("runAsNonRoot != true", "pod or \(pluralize("container", "containers", implicit.count)) \(joinQuote(implicit)) must set securityContext.runAsNonRoot=true")
        }
        return nil
    }

    static func runAsUser(_ spec: Object) -> (String, String)? {
        var setters: [String] = []
        if spec["securityContext"]?["runAsUser"]?.intValue == 0 { setters.append("pod") }
        let bad = containers(spec).filter { $0["securityContext"]?["runAsUser"]?.intValue == 0 }.map(name)
        if !bad.isEmpty { setters.append("\(pluralize("container", "containers", bad.count)) \(joinQuote(bad))") }
        return setters.isEmpty ? nil : ("runAsUser=0", "\(setters.joined(separator: " and ")) must not set runAsUser=0")
    }

    static func seccompRestricted(_ spec: Object) -> (String, String)? {
        func valid(_ type: String?) -> Bool { type == "RuntimeDefault" || type == "Localhost" }
        var setters: [String] = [], values = Set<String>()
        var podSet = false
        if let profile = spec["securityContext"]?["seccompProfile"], profile.objectValue != nil {
            let type = profile["type"]?.stringValue
            if valid(type) { podSet = true } else { setters.append("pod"); values.insert(type ?? "") }
        }
        var explicit: [String] = [], implicit: [String] = []
        for c in containers(spec) {
            if let profile = c["securityContext"]?["seccompProfile"], profile.objectValue != nil {
                let type = profile["type"]?.stringValue
                if !valid(type) { explicit.append(name(c)); values.insert(type ?? "") }
            } else if !podSet {
                implicit.append(name(c))
            }
        }
        if !explicit.isEmpty { setters.append("\(pluralize("container", "containers", explicit.count)) \(joinQuote(explicit))") }
        if !setters.isEmpty {
            return ("seccompProfile", "\(setters.joined(separator: " and ")) must not set securityContext.seccompProfile.type to \(joinQuote(values.sorted()))")
        }
        if !implicit.isEmpty {
            return ("seccompProfile", "pod or \(pluralize("container", "containers", implicit.count)) \(joinQuote(implicit)) must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\"")
        }
        return nil
    }
}

/// The PodSecurity admission plugin (`k8s.io/pod-security-admission`), enforce and warn modes:
/// a pod created in a namespace labelled `pod-security.kubernetes.io/enforce: baseline` or
/// `restricted` must pass that level's checks (`policy/check_*.go`), or it is forbidden —
/// `violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container
/// "app" must set securityContext.allowPrivilegeEscalation=false), …`
/// (AggregateCheckResult.ForbiddenDetail: each failed check's `reason (detail)`, joined by ", ",
/// in the registry's order: check IDs sorted, baseline's before restricted's — `evaluate`). A
/// validating plugin: a controller's pod is named. The `warn` level
/// (`pod-security.kubernetes.io/warn`, defaulting to the enforce level when that is set, valid
/// and stricter: PolicyToEvaluate) gives an admitted pod, and a workload's pod template, the
/// warning `would violate PodSecurity "restricted:latest": …`; a stricter enforce level warns of
/// the namespace's running pods (`namespaceWarnings`), and labels that do not parse make a
/// namespace invalid (`namespaceProblems`). An enforce level stored unparsable is `restricted`,
/// a warn level `privileged`, a version `latest`; the checks are 1.32's whatever version a label
/// names (the version is only shown); `audit` writes only to the audit log, which is not
/// modelled.
public struct PodSecurity: Sendable {
    static let enforceLabel = "pod-security.kubernetes.io/enforce"
    static let enforceVersionLabel = "pod-security.kubernetes.io/enforce-version"
    static let warnLabel = "pod-security.kubernetes.io/warn"
    static let warnVersionLabel = "pod-security.kubernetes.io/warn-version"
    static let auditLabel = "pod-security.kubernetes.io/audit"
    static let auditVersionLabel = "pod-security.kubernetes.io/audit-version"

    /// A level and version, as `LevelVersion.String()` shows them (`restricted:latest`).
    struct LevelVersion: Equatable, Sendable {
        var level: String
        var version: String
        var shown: String { "\(level):\(version)" }
        static let levels = ["privileged", "baseline", "restricted"]
        var rank: Int { Self.levels.firstIndex(of: level) ?? 2 }
    }

    /// A namespace's enforce and warn levels (`api.Policy`; audit left out).
    struct Policy: Equatable, Sendable {
        var enforce = LevelVersion(level: "privileged", version: "latest")
        var warn = LevelVersion(level: "privileged", version: "latest")
    }

    /// The policies of the namespaces with one above privileged.
    private var policies: [String: Policy] = [:]

    public init(namespaces: [Resource] = []) {
        for namespace in namespaces {
            let policy = Self.policy(namespace.labels)
            if policy.enforce.level != "privileged" || policy.warn.level != "privileged" { policies[namespace.name] = policy }
        }
    }

    public init(store: StateStore) throws(StoreError) {
        self.init(namespaces: try store.list(ResourceType.forObject(apiVersion: "v1", kind: "Namespace")))
    }

    /// `PolicyToEvaluate` (`api/helpers.go`) with the defaults privileged:latest: each label
    /// parsed (an enforce level that does not parse is restricted, a warn level privileged —
    /// "fail open for warn" —, a version latest); warn takes the enforce level — and its
    /// version, when warn's is unset — when the warn label is absent and enforce is set, valid
    /// and stricter. `problems` are the labels that do not parse, as the field errors it returns.
    static func policy(_ labels: [String: String]) -> Policy { policyAndProblems(labels).policy }

    static func policyAndProblems(_ labels: [String: String]) -> (policy: Policy, problems: [(label: String, value: String, message: String)]) {
        var p = Policy()
        var problems: [(label: String, value: String, message: String)] = []
        let levelMessage = "must be one of privileged, baseline, restricted", versionMessage = "must be \"latest\" or \"v1.x\""
        func level(_ raw: String) -> (String, valid: Bool) { LevelVersion.levels.contains(raw) ? (raw, true) : ("restricted", false) }
        func version(_ raw: String) -> (String, valid: Bool) {
            if raw == "latest" { return (raw, true) }
            // ParseVersion: `^v1\.(0|[1-9][0-9]*)$`.
            let minor = raw.hasPrefix("v1.") ? Array(raw.utf8.dropFirst(3)) : []
            let digits = !minor.isEmpty && minor.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
            let valid = digits && (minor == [UInt8(ascii: "0")] || minor[0] != UInt8(ascii: "0"))
            return valid ? (raw, true) : ("latest", false)
        }
        // Each label read in PolicyToEvaluate's order (its errors in that order), nil when unset.
        func read(_ label: String, _ parse: (String) -> (String, valid: Bool), _ message: String) -> (value: String, valid: Bool)? {
            guard let raw = labels[label] else { return nil }
            let (value, valid) = parse(raw)
            if !valid { problems.append((label, raw, message)) }
            return (value, valid)
        }
        let enforceLevel = read(enforceLabel, level, levelMessage), enforceVersion = read(enforceVersionLabel, version, versionMessage)
        _ = read(auditLabel, level, levelMessage)
        _ = read(auditVersionLabel, version, versionMessage)
        let warnLevel = read(warnLabel, level, levelMessage), warnVersion = read(warnVersionLabel, version, versionMessage)
        if let enforceLevel { p.enforce.level = enforceLevel.value }
        if let enforceVersion { p.enforce.version = enforceVersion.value }
        // (Fail open for warn.)
        if let warnLevel { p.warn.level = warnLevel.valid ? warnLevel.value : "privileged" }
        if let warnVersion { p.warn.version = warnVersion.value }
        if warnLevel == nil && enforceLevel?.valid == true && p.enforce.rank > p.warn.rank {
            p.warn.level = p.enforce.level
            if warnVersion == nil && enforceVersion?.valid == true { p.warn.version = p.enforce.version }
        }
        return (p, problems)
    }

    /// `ValidateNamespace`: a namespace created with Pod Security labels that do not parse is
    /// invalid; one updated so is too, unless its old labels failed the same way. Each problem as
    /// `metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "strict": must be one
    /// of privileged, baseline, restricted`.
    static func namespaceProblems(_ namespace: Resource, live: Resource?) -> [(path: FieldPath, message: String)] {
        let new = policyAndProblems(namespace.labels).problems
        guard !new.isEmpty else { return [] }
        if let live {
            let old = policyAndProblems(live.labels).problems
            if !old.isEmpty && old.map({ "\($0.label)=\($0.value)" }) == new.map({ "\($0.label)=\($0.value)" }) { return [] }
        }
        return new.map { (FieldPath("metadata") / "labels" / $0.label, "Invalid value: \(GoQuote.quoted($0.value)): \($0.message)") }
    }

    /// `reason (detail), …` of the checks `spec` fails at `level`; nil when it passes.
    private static func failures(_ spec: Object, annotations: [String: String], at level: LevelVersion) -> String? {
        guard level.level != "privileged" else { return nil }
        let failed = evaluate(spec, restricted: level.level == "restricted", annotations: annotations)
        guard !failed.isEmpty else { return nil }
        return failed.map { $0.detail.isEmpty ? $0.reason : "\($0.reason) (\($0.detail))" }.joined(separator: ", ")
    }

    /// Why a pod of `spec` (and `annotations`) is refused in `namespace` (what follows
    /// `pods "name" is forbidden: `).
    func admit(_ spec: Object, annotations: [String: String] = [:], namespace: String) -> String? {
        guard let policy = policies[namespace], let failed = Self.failures(spec, annotations: annotations, at: policy.enforce) else { return nil }
        return "violates PodSecurity \"\(policy.enforce.shown)\": \(failed)"
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

    /// The warning the warn level gives (`EvaluatePod`'s `would violate PodSecurity …`, which
    /// kubectl prints as `Warning: …`): for a pod created and admitted, and for a workload created
    /// — or updated with another pod template — (ValidatePodController evaluates without
    /// enforcing). Nil when it passes, or is neither.
    static func warning(_ resource: Resource, live: Resource?, store: StateStore) throws(StoreError) -> String? {
        if resource.kind == "Namespace" && resource.type.group.isEmpty {
            guard let live else { return nil }
            return try namespaceWarnings(resource, live: live, store: store).map { $0.joined(separator: "\nWarning: ") }
        }
        let namespace = resource.namespace ?? "default"
        let spec: Value?, annotations: [String: String]
        if resource.kind == "Pod" && resource.type.group.isEmpty {
            guard live == nil else { return nil }
            spec = resource.object["spec"]
            annotations = resource.annotations
        } else {
            guard let template = podTemplate(of: resource), live.flatMap(podTemplate(of:)) != template else { return nil }
            spec = template["spec"]
            annotations = stringMap(template["metadata"]?["annotations"])
        }
        guard let object = try store.get(ObjectKey(type: "Namespace", namespace: "", name: namespace)) else { return nil }
        let policy = Self.policy(object.labels)
        guard let failed = failures(spec?.objectValue ?? Object(), annotations: annotations, at: policy.warn) else { return nil }
        return "would violate PodSecurity \"\(policy.warn.shown)\": \(failed)"
    }

    /// `ValidateNamespace` on an update that makes the enforce level stricter (or changes its
    /// version; not to privileged): the namespace's pods evaluated at the new level
    /// (`EvaluatePodsInNamespace`) — `existing pods in namespace "shop" violate the new
    /// PodSecurity enforce level "restricted:latest"`, then one warning per distinct list of
    /// failed checks, with the first pod by name and how many others (`decoratePodWarnings`:
    /// `web-1 (and 3 other pods): allowPrivilegeEscalation != false, …`), sorted. Nil when
    /// nothing is said. (Upstream checks at most 3,000 pods, within a time limit: all are here.)
    static func namespaceWarnings(_ namespace: Resource, live: Resource, store: StateStore) throws(StoreError) -> [String]? {
        let new = policy(namespace.labels).enforce, old = policy(live.labels).enforce
        guard new != old, new.level != "privileged", !(new.version == old.version && new.rank <= old.rank) else { return nil }
        var counts: [String: (first: String, count: Int)] = [:]
        var order: [String] = []
        for pod in try store.list(ResourceType.forObject(apiVersion: "v1", kind: "Pod"), namespace: namespace.name) {
            let failed = evaluate(pod.object["spec"]?.objectValue ?? Object(), restricted: new.level == "restricted", annotations: pod.annotations)
            guard !failed.isEmpty else { continue }
            let reasons = failed.map(\.reason).joined(separator: ", ")
            if let seen = counts[reasons] {
                // (The first by Go's string order: bytes.)
                let first = pod.name.utf8.lexicographicallyPrecedes(seen.first.utf8) ? pod.name : seen.first
                counts[reasons] = (first, seen.count + 1)
            } else {
                counts[reasons] = (pod.name, 1)
                order.append(reasons)
            }
        }
        guard !order.isEmpty else { return nil }
        let decorated = order.map { reasons -> String in
            let c = counts[reasons] ?? (first: "", count: 0)
            switch c.count {
            case 1: return "\(c.first): \(reasons)"
            case 2: return "\(c.first) (and 1 other pod): \(reasons)"
            default: return "\(c.first) (and \(c.count - 1) other pods): \(reasons)"
            }
        }
        return ["existing pods in namespace \(GoQuote.quoted(namespace.name)) violate the new PodSecurity enforce level \(GoQuote.quoted(new.shown))"]
            + decorated.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    // MARK: the checks

    private static func joinQuote(_ items: [String]) -> String { items.isEmpty ? "" : "\"" + items.joined(separator: "\", \"") + "\"" }
    private static func pluralize(_ singular: String, _ plural: String, _ count: Int) -> String { count == 1 ? singular : plural }

    /// Every container, init container first (`visitContainers`; ephemeral ones are not made).
    private static func containers(_ spec: Object) -> [Object] {
        ((spec["initContainers"]?.arrayValue ?? []) + (spec["containers"]?.arrayValue ?? [])).compactMap(\.objectValue)
    }

    private static func name(_ c: Object) -> String { c["name"]?.stringValue ?? "" }

    /// The failed checks of a level, in the registry's order (`policy/registry.go` populate,
    /// since kubernetes#107698: the check IDs sorted, baseline's before restricted's; at
    /// restricted, the baseline checks a restricted one overrides left out — capabilities,
    /// hostPath volumes and seccomp, by `capabilities_restricted`, `restrictedVolumes` and
    /// `seccompProfile_restricted`). `annotations`: the pod's (AppArmor's beta annotations).
    static func evaluate(_ spec: Object, restricted: Bool, annotations: [String: String] = [:]) -> [(reason: String, detail: String)] {
        typealias Check = (Object) -> (String, String)?
        // Baseline, by ID: appArmorProfile, capabilities_baseline, hostNamespaces,
        // hostPathVolumes, hostPorts, privileged, procMount, seLinuxOptions,
        // seccompProfile_baseline, sysctls, windowsHostProcess.
        let baseline: [(check: Check, overridden: Bool)] = [
            ({ appArmorProfile($0, annotations: annotations) }, false), (capabilitiesBaseline, true), (hostNamespaces, false),
            (hostPathVolumes, true), (hostPorts, false), (privileged, false), (procMount, false), (seLinuxOptions, false),
            (seccompBaseline, true), (sysctls, false), (windowsHostProcess, false),
        ]
        // Restricted, by ID: allowPrivilegeEscalation, capabilities_restricted,
        // restrictedVolumes, runAsNonRoot, runAsUser, seccompProfile_restricted.
        let restrictedChecks: [Check] = [allowPrivilegeEscalation, capabilitiesRestricted, restrictedVolumes, runAsNonRoot, runAsUser, seccompRestricted]
        let checks = baseline.filter { !restricted || !$0.overridden }.map(\.check) + (restricted ? restrictedChecks : [])
        return checks.compactMap { $0(spec) }
    }

    /// Strings in Go's order (bytes), as `sets.String.List()` and `sort.Strings` leave them.
    private static func byteSorted(_ items: some Sequence<String>) -> [String] {
        items.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// check_appArmorProfile.go appArmorProfileV1Dot0: `appArmorProfile.type` other than
    /// `RuntimeDefault` or `Localhost` on the pod or a container, or a beta annotation
    /// `container.apparmor.security.beta.kubernetes.io/*` other than empty, `runtime/default` or
    /// `localhost/*`.
    static func appArmorProfile(_ spec: Object, annotations: [String: String]) -> (String, String)? {
        let allowed: Set<String> = ["RuntimeDefault", "Localhost"]
        var setters: [String] = [], values = Set<String>()
        if let profile = spec["securityContext"]?["appArmorProfile"] {
            let type = profile["type"]?.stringValue ?? ""
            if !allowed.contains(type) { setters.append("pod"); values.insert(type) }
        }
        var bad: [String] = []
        for c in containers(spec) {
            guard let profile = c["securityContext"]?["appArmorProfile"] else { continue }
            let type = profile["type"]?.stringValue ?? ""
            if !allowed.contains(type) { bad.append(name(c)); values.insert(type) }
        }
        if !bad.isEmpty { setters.append("\(pluralize("container", "containers", bad.count)) \(joinQuote(bad))") }
        var list = byteSorted(values)
        let forbidden = byteSorted(annotations.filter { key, value in
            key.hasPrefix("container.apparmor.security.beta.kubernetes.io/") && !(value.isEmpty || value == "runtime/default" || value.hasPrefix("localhost/"))
        }.map { "\($0.key)=\(GoQuote.quoted($0.value))" })
        if !forbidden.isEmpty {
            list += forbidden
            setters.append(pluralize("annotation", "annotations", forbidden.count))
        }
        guard !setters.isEmpty else { return nil }
        return (pluralize("forbidden AppArmor profile", "forbidden AppArmor profiles", list.count),
                "\(setters.joined(separator: " and ")) must not set AppArmor profile type to \(joinQuote(list))")
    }

    /// check_procMount.go procMount_1_0: a container's `procMount` other than `Default`.
    static func procMount(_ spec: Object) -> (String, String)? {
        var bad: [String] = [], types = Set<String>()
        for c in containers(spec) {
            guard let type = c["securityContext"]?["procMount"]?.stringValue, type != "Default" else { continue }
            bad.append(name(c))
            types.insert(type)
        }
        return bad.isEmpty ? nil : ("procMount", "\(pluralize("container", "containers", bad.count)) \(joinQuote(bad)) must not set securityContext.procMount to \(joinQuote(byteSorted(types)))")
    }

    /// The SELinux types baseline allows (check_seLinuxOptions.go, `container_engine_t` since 1.31).
    static let seLinuxTypes: Set<String> = ["", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"]

    /// check_seLinuxOptions.go: the pod's or a container's `seLinuxOptions` with another type,
    /// or a user or role.
    static func seLinuxOptions(_ spec: Object) -> (String, String)? {
        var badTypes = Set<String>(), setUser = false, setRole = false
        func valid(_ options: Value) -> Bool {
            var ok = true
            let type = options["type"]?.stringValue ?? ""
            if !seLinuxTypes.contains(type) { ok = false; badTypes.insert(type) }
            if !(options["user"]?.stringValue ?? "").isEmpty { ok = false; setUser = true }
            if !(options["role"]?.stringValue ?? "").isEmpty { ok = false; setRole = true }
            return ok
        }
        var setters: [String] = []
        if let options = spec["securityContext"]?["seLinuxOptions"], !valid(options) { setters.append("pod") }
        var bad: [String] = []
        for c in containers(spec) {
            if let options = c["securityContext"]?["seLinuxOptions"], !valid(options) { bad.append(name(c)) }
        }
        if !bad.isEmpty { setters.append("\(pluralize("container", "containers", bad.count)) \(joinQuote(bad))") }
        guard !setters.isEmpty else { return nil }
        var data: [String] = []
        if !badTypes.isEmpty { data.append("\(pluralize("type", "types", badTypes.count)) \(joinQuote(byteSorted(badTypes)))") }
        if setUser { data.append("user may not be set") }
        if setRole { data.append("role may not be set") }
        return ("seLinuxOptions", "\(setters.joined(separator: " and ")) set forbidden securityContext.seLinuxOptions: \(data.joined(separator: "; "))")
    }

    /// The sysctls baseline allows in 1.32 (check_sysctls.go `sysctlsAllowedV1Dot32`: 1.0's
    /// five, `ip_local_reserved_ports` since 1.27, the keepalive and FIN timeouts since 1.29,
    /// `tcp_rmem` and `tcp_wmem` since 1.32).
    static let safeSysctls: Set<String> = [
        "kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range",
        "net.ipv4.ip_unprivileged_port_start", "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time",
        "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes", "net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem",
    ]

    /// check_sysctls.go: the pod's sysctls outside the safe set, in its order.
    static func sysctls(_ spec: Object) -> (String, String)? {
        let forbidden = (spec["securityContext"]?["sysctls"]?.arrayValue ?? []).map { $0["name"]?.stringValue ?? "" }.filter { !safeSysctls.contains($0) }
        return forbidden.isEmpty ? nil : ("forbidden sysctls", forbidden.joined(separator: ", "))
    }

    /// check_windowsHostProcess.go: `windowsOptions.hostProcess: true` on the pod or a container.
    static func windowsHostProcess(_ spec: Object) -> (String, String)? {
        var setters: [String] = []
        if spec["securityContext"]?["windowsOptions"]?["hostProcess"]?.boolValue == true { setters.append("pod") }
        let bad = containers(spec).filter { $0["securityContext"]?["windowsOptions"]?["hostProcess"]?.boolValue == true }.map(name)
        if !bad.isEmpty { setters.append("\(pluralize("container", "containers", bad.count)) \(joinQuote(bad))") }
        return setters.isEmpty ? nil : ("hostProcess", "\(setters.joined(separator: " and ")) must not set securityContext.windowsOptions.hostProcess=true")
    }

    static func hostNamespaces(_ spec: Object) -> (String, String)? {
        // (check_hostNamespaces.go: network, PID, IPC, each `=true`.)
        let set = ["hostNetwork", "hostPID", "hostIPC"].filter { spec[$0]?.boolValue == true }.map { "\($0)=true" }
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

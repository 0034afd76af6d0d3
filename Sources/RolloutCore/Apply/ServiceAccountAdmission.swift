/// The ServiceAccount admission plugin (`plugin/pkg/admission/serviceaccount/admission.go`),
/// for pods as they are created — applied, served, or made by a ReplicaSet, StatefulSet or
/// DaemonSet:
/// - Admit's lookup (getServiceAccount): a pod's `serviceAccountName` (`default` when unset)
///   must name a ServiceAccount of its namespace, or the pod is forbidden — `error looking up
///   service account default/app: serviceaccount "app" not found`. The `default` account is
///   always there: the serviceaccounts controller makes it in every namespace as the namespace
///   appears.
/// - mountServiceAccountToken, when shouldAutomount says so (the pod's
///   `automountServiceAccountToken`, else the account's, else true): the projected
///   `kube-api-access-xxxxx` volume (TokenVolumeSource: a token of 3607 s, `ca.crt` from the
///   namespace's `kube-root-ca.crt`, the namespace from the downward API) appended to the
///   pod's volumes, and a read-only mount of it at `/var/run/secrets/kubernetes.io/serviceaccount`
///   appended to every init and regular container that mounts nothing there. A volume whose
///   name starts `kube-api-access-` already there is the one mounted, and none is added.
/// - The account's `imagePullSecrets` become the pod's when the pod names none.
/// A mutating plugin: a controller's refused pod is named by its generateName.
///
/// The volume's five random characters (`names.SimpleNameGenerator`) are drawn from the pod's
/// uid (`tokenVolumeName(seed:)`), so that the pods of one ReplicaSet share one admitted
/// template: a controller's template holds the volume under `tokenVolumePlaceholder` (no valid
/// name: a DNS label does not end in `-`), which each pod's object names as it is written
/// (`SimPod.encoded`). A pod applied on its own is named from its namespace and name at once.
///
/// A cluster holding no ServiceAccount at all — an import whose dump left them out — is not
/// checked, and its pods mount the token as the `default` account's would: there, a missing
/// account says nothing about the cluster. (Every profile's add-ons have theirs, so a cluster
/// made by `cluster init` is.)
public struct ServiceAccounts: Sendable {
    public static let type = ResourceType.forObject(apiVersion: "v1", kind: "ServiceAccount")
    static let defaultName = "default"
    /// `DefaultAPITokenMountPath`.
    static let tokenMountPath = "/var/run/secrets/kubernetes.io/serviceaccount"
    /// `ServiceAccountVolumeName + "-"`.
    static let tokenVolumePrefix = "kube-api-access-"
    /// The token volume's name in a template its pods share, until each pod names it.
    static let tokenVolumePlaceholder = tokenVolumePrefix

    /// What the plugin reads of an account.
    struct Account: Sendable {
        var automount: Bool?
        var imagePullSecrets: [Value]
    }

    /// Each stored ServiceAccount by `namespace/name`; nil: none is stored, nothing is checked.
    private var known: [String: Account]?

    public init(stored: [Resource]? = nil) {
        guard let stored, !stored.isEmpty else { return }
        var known: [String: Account] = [:]
        for account in stored {
            known["\(account.namespace ?? "default")/\(account.name)"] = Account(
                automount: account.object["automountServiceAccountToken"]?.boolValue,
                imagePullSecrets: account.object["imagePullSecrets"]?.arrayValue ?? [])
        }
        self.known = known
    }

    public init(store: StateStore) throws(StoreError) {
        self.init(stored: try store.list(Self.type))
    }

    /// Admits a pod of `spec` in `namespace`: why it is refused (what follows
    /// `pods "name" is forbidden: `), or nil with its spec completed — the token volume, under
    /// `tokenVolume` when one is added, and the account's pull secrets.
    func admit(_ spec: inout Object, namespace: String, tokenVolume: String = tokenVolumePlaceholder) -> String? {
        let name = spec["serviceAccountName"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultName
        let account = known?["\(namespace)/\(name)"]
        if known != nil, account == nil, name != Self.defaultName {
            return "error looking up service account \(namespace)/\(name): serviceaccount \"\(name)\" not found"
        }
        // shouldAutomount: the pod's preference wins, then the account's; true by default.
        if spec["automountServiceAccountToken"]?.boolValue ?? account?.automount ?? true {
            Self.mountToken(&spec, volume: tokenVolume)
        }
        if let secrets = account?.imagePullSecrets, !secrets.isEmpty, (spec["imagePullSecrets"]?.arrayValue ?? []).isEmpty {
            // (Each as a LocalObjectReference: its name alone.)
            spec["imagePullSecrets"] = .array(secrets.map { .object(Object(["name": $0["name"] ?? .string("")])) })
        }
        return nil
    }

    /// mountServiceAccountToken.
    private static func mountToken(_ spec: inout Object, volume proposed: String) {
        var volumes = spec["volumes"]?.arrayValue ?? []
        let existing = volumes.lazy.compactMap { $0["name"]?.stringValue }.first { $0.hasPrefix(tokenVolumePrefix) }
        let volumeName = existing ?? proposed
        let mount = Value.object(Object(["mountPath": .string(tokenMountPath), "name": .string(volumeName), "readOnly": .bool(true)]))
        var needsVolume = false
        for field in ["initContainers", "containers"] {
            guard var containers = spec[field]?.arrayValue else { continue }
            for i in containers.indices {
                guard case .object(var container) = containers[i] else { continue }
                var mounts = container["volumeMounts"]?.arrayValue ?? []
                // Existing mounts at the default mount path prevent mounting of the API token.
                guard !mounts.contains(where: { $0["mountPath"]?.stringValue == tokenMountPath }) else { continue }
                mounts.append(mount)
                container["volumeMounts"] = .array(mounts)
                containers[i] = .object(container)
                needsVolume = true
            }
            spec[field] = .array(containers)
        }
        guard existing == nil, needsVolume else { return }
        volumes.append(tokenVolume(named: volumeName))
        spec["volumes"] = .array(volumes)
    }

    /// The volume TokenVolumeSource describes, as the API server stores it (defaultMode 420,
    /// `WarnOnlyBoundTokenExpirationSeconds`).
    static func tokenVolume(named name: String) -> Value {
        .object(Object([
            "name": .string(name),
            "projected": .object(Object([
                "defaultMode": .int(420),
                "sources": .array([
                    .object(Object(["serviceAccountToken": .object(Object(["expirationSeconds": .int(3607), "path": .string("token")]))])),
                    .object(Object(["configMap": .object(Object([
                        "items": .array([.object(Object(["key": .string("ca.crt"), "path": .string("ca.crt")]))]),
                        "name": .string(RootCACertPublisher.configMapName),
                    ]))])),
                    .object(Object(["downwardAPI": .object(Object([
                        "items": .array([.object(Object([
                            "fieldRef": .object(Object(["apiVersion": .string("v1"), "fieldPath": .string("metadata.namespace")])),
                            "path": .string("namespace"),
                        ]))]),
                    ]))])),
                ]),
            ])),
        ]))
    }

    /// `kube-api-access-` and five characters of Kubernetes' name alphabet, drawn from `seed`
    /// (a pod's uid; a pod applied on its own: `namespace/name`).
    static func tokenVolumeName(seed: String) -> String {
        var random = SeededRandom(seed: FNV1a.hash(seed.utf8))
        return tokenVolumePrefix + random.nameSuffix()
    }

    /// Whether the spec has a volume whose name starts `kube-api-access-` (the placeholder
    /// included): asked before a token volume's name is drawn for a pod, which most pods'
    /// specs do not need (a compact pod's is its template's).
    static func mayHoldTokenVolume(_ spec: Object) -> Bool {
        (spec["volumes"]?.arrayValue ?? []).contains { $0["name"]?.stringValue?.hasPrefix(tokenVolumePrefix) == true }
    }

    /// The spec with its token volume named `to` where it is named `from` (the volume and the
    /// containers' mounts of it); false when no volume is named `from`.
    static func renameTokenVolume(_ spec: inout Object, from: String, to: String) -> Bool {
        guard var volumes = spec["volumes"]?.arrayValue,
              let index = volumes.lastIndex(where: { $0["name"]?.stringValue == from }), case .object(var volume) = volumes[index] else { return false }
        volume["name"] = .string(to)
        volumes[index] = .object(volume)
        spec["volumes"] = .array(volumes)
        for field in ["initContainers", "containers"] {
            guard var containers = spec[field]?.arrayValue else { continue }
            for i in containers.indices {
                guard case .object(var container) = containers[i], var mounts = container["volumeMounts"]?.arrayValue else { continue }
                var renamed = false
                for k in mounts.indices {
                    guard case .object(var mount) = mounts[k], mount["name"]?.stringValue == from else { continue }
                    mount["name"] = .string(to)
                    mounts[k] = .object(mount)
                    renamed = true
                }
                guard renamed else { continue }
                container["volumeMounts"] = .array(mounts)
                containers[i] = .object(container)
            }
            spec[field] = .array(containers)
        }
        return true
    }

    /// A shared pod template (`tokenVolumePlaceholder`) as it was before the plugin mounted the
    /// token: the volume and every mount of it taken out (and a list they leave empty); nil
    /// when it has no such volume. What a state written by an earlier rollout stored.
    static func withoutTokenVolume(_ template: Object) -> Object? {
        guard case .object(var spec)? = template["spec"], var volumes = spec["volumes"]?.arrayValue,
              let index = volumes.lastIndex(where: { $0["name"]?.stringValue == tokenVolumePlaceholder }) else { return nil }
        volumes.remove(at: index)
        spec["volumes"] = volumes.isEmpty ? nil : .array(volumes)
        for field in ["initContainers", "containers"] {
            guard var containers = spec[field]?.arrayValue else { continue }
            for i in containers.indices {
                guard case .object(var container) = containers[i], let mounts = container["volumeMounts"]?.arrayValue else { continue }
                let kept = mounts.filter { $0["name"]?.stringValue != tokenVolumePlaceholder }
                guard kept.count != mounts.count else { continue }
                container["volumeMounts"] = kept.isEmpty ? nil : .array(kept)
                containers[i] = .object(container)
            }
            spec[field] = .array(containers)
        }
        var result = template
        result["spec"] = .object(spec)
        return result
    }

    /// The `default` account the serviceaccounts controller
    /// (`pkg/controller/serviceaccount/serviceaccounts_controller.go` syncNamespace) makes in
    /// a namespace as it appears.
    static func defaultAccount(in namespace: String) -> Resource {
        Resource(Object(["apiVersion": .string("v1"), "kind": .string("ServiceAccount"),
                         "metadata": .object(Object(["name": .string(defaultName), "namespace": .string(namespace)]))]))
    }
}

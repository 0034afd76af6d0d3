/// The ServiceAccount admission plugin's lookup (`plugin/pkg/admission/serviceaccount/admission.go`
/// Admit, getServiceAccount), for pods as they are created — applied, served, or made by a
/// ReplicaSet, StatefulSet or DaemonSet: a pod's `serviceAccountName` (`default` when unset)
/// must name a ServiceAccount of its namespace, or the pod is forbidden — `error looking up
/// service account default/app: serviceaccount "app" not found`. The `default` account is
/// always there: the serviceaccounts controller makes it in every namespace as the namespace
/// appears. A mutating plugin: a controller's refused pod is named by its generateName.
///
/// A cluster holding no ServiceAccount at all — an import whose dump left them out — is not
/// checked: there, a missing account says nothing about the cluster. (Every profile's
/// add-ons have theirs, so a cluster made by `cluster init` is.)
public struct ServiceAccounts: Sendable {
    public static let type = ResourceType.forObject(apiVersion: "v1", kind: "ServiceAccount")
    static let defaultName = "default"

    /// `namespace/name` of each stored ServiceAccount; nil: none is stored, nothing is checked.
    private var known: Set<String>?

    public init(stored: [Resource]? = nil) {
        guard let stored, !stored.isEmpty else { return }
        known = Set(stored.map { "\($0.namespace ?? "default")/\($0.name)" })
    }

    public init(store: StateStore) throws(StoreError) {
        self.init(stored: try store.list(Self.type))
    }

    /// Why a pod of `spec` in `namespace` is refused (what follows `pods "name" is forbidden: `);
    /// nil when its account exists.
    func admit(_ spec: Object, namespace: String) -> String? {
        guard let known else { return nil }
        let name = spec["serviceAccountName"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultName
        guard name != Self.defaultName, !known.contains("\(namespace)/\(name)") else { return nil }
        return "error looking up service account \(namespace)/\(name): serviceaccount \"\(name)\" not found"
    }

    /// The `default` account the serviceaccounts controller
    /// (`pkg/controller/serviceaccount/serviceaccounts_controller.go` syncNamespace) makes in
    /// a namespace as it appears.
    static func defaultAccount(in namespace: String) -> Resource {
        Resource(Object(["apiVersion": .string("v1"), "kind": .string("ServiceAccount"),
                         "metadata": .object(Object(["name": .string(defaultName), "namespace": .string(namespace)]))]))
    }
}

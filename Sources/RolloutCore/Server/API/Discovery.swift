/// The API's self-description, in the legacy discovery form
/// (`k8s.io/apimachinery/pkg/apis/meta/v1/types.go`: `APIVersions`, `APIGroupList`,
/// `APIResourceList`). kubectl 1.32 asks `/api` and `/apis` for the aggregated form first
/// (`Accept: application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,…,application/json`);
/// an answer of plain `application/json` makes client-go read the legacy documents
/// (`discovery_client.go`, `ServerGroupsAndResources`), as it does with any older server.
public enum Discovery {
    /// The kinds the server serves: every built-in kind and EndpointSlices. The store's own
    /// bookkeeping (kubelet memory, timelines, endpoint updates in flight) is not served.
    public static let servedTypes: [ResourceType] = ResourceType.builtIn + [EndpointSliceController.type]

    /// The verbs served on every resource so far.
    static let verbs = ["get", "list"]

    static func groups() -> [(name: String, version: String)] {
        var seen: Set<String> = []
        var result: [(String, String)] = []
        for type in servedTypes where !type.group.isEmpty && !seen.contains(type.group) {
            seen.insert(type.group)
            result.append((type.group, type.version))
        }
        return result
    }

    /// The served type a request names: a plural (or, as the API server does not, nothing
    /// else) within the group and version.
    public static func type(group: String, version: String, plural: String) -> ResourceType? {
        servedTypes.first { $0.group == group && $0.version == version && $0.plural == plural }
    }

    public static func knownGroupVersion(group: String, version: String) -> Bool {
        servedTypes.contains { $0.group == group && $0.version == version }
    }

    /// `/api`: `APIVersions`.
    static func coreVersions(serverAddress: String) -> Value {
        .object(Object([
            "kind": .string("APIVersions"), "versions": .array([.string("v1")]),
            "serverAddressByClientCIDRs": .array([.object(Object(["clientCIDR": .string("0.0.0.0/0"), "serverAddress": .string(serverAddress)]))]),
        ]))
    }

    /// `/apis`: `APIGroupList`.
    static func groupList() -> Value {
        .object(Object([
            "kind": .string("APIGroupList"), "apiVersion": .string("v1"),
            "groups": .array(groups().map { group(name: $0.name, version: $0.version) }),
        ]))
    }

    /// `/apis/GROUP`: `APIGroup`.
    static func group(name: String, version: String, withKind: Bool = false) -> Value {
        let groupVersion = Value.object(Object(["groupVersion": .string("\(name)/\(version)"), "version": .string(version)]))
        var o = Object()
        if withKind {
            o["kind"] = .string("APIGroup")
            o["apiVersion"] = .string("v1")
        }
        o["name"] = .string(name)
        o["versions"] = .array([groupVersion])
        o["preferredVersion"] = groupVersion
        return .object(o)
    }

    /// `/api/v1`, `/apis/GROUP/VERSION`: `APIResourceList`, each resource then its
    /// subresources.
    static func resourceList(group: String, version: String) -> Value {
        var resources: [Value] = []
        for type in servedTypes where type.group == group && type.version == version {
            var o = Object([
                "name": .string(type.plural), "singularName": .string(type.singular), "namespaced": .bool(type.namespaced),
                "kind": .string(type.kind), "verbs": .array(verbs.map(Value.string)),
            ])
            if !type.shortNames.isEmpty { o["shortNames"] = .array(type.shortNames.map(Value.string)) }
            if ResourceType.allCategory.contains(type.kind) && ["", "apps"].contains(type.group) { o["categories"] = .array([.string("all")]) }
            resources.append(.object(o))
            if type.hasStatus {
                resources.append(.object(Object([
                    "name": .string(type.plural + "/status"), "singularName": .string(""), "namespaced": .bool(type.namespaced),
                    "kind": .string(type.kind), "verbs": .array([.string("get")]),
                ])))
            }
        }
        return .object(Object([
            "kind": .string("APIResourceList"), "apiVersion": .string("v1"),
            "groupVersion": .string(group.isEmpty ? version : "\(group)/\(version)"), "resources": .array(resources),
        ]))
    }

    /// `/version`: what `kubectl version` prints as the server's version.
    static func version() -> Value {
        let parts = ClusterSetup.kubernetesVersion.dropFirst().split(separator: ".")
        return .object(Object([
            "major": .string(parts.first.map(String.init) ?? "1"), "minor": .string(parts.count > 1 ? String(parts[1]) : "32"),
            "gitVersion": .string(ClusterSetup.kubernetesVersion), "gitCommit": .string("rollout-simulated"), "gitTreeState": .string("clean"),
            "buildDate": .string("2026-12-01T00:00:00Z"), "goVersion": .string("none (rollout, Swift)"), "compiler": .string("swiftc"),
            "platform": .string("linux/amd64"),
        ]))
    }
}

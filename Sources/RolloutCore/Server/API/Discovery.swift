import Foundation

/// The API's self-description, in the legacy discovery form
/// (`k8s.io/apimachinery/pkg/apis/meta/v1/types.go`: `APIVersions`, `APIGroupList`,
/// `APIResourceList`). kubectl 1.32 asks `/api` and `/apis` for the aggregated form first
/// (`Accept: application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,…,application/json`);
/// an answer of plain `application/json` makes client-go read the legacy documents
/// (`discovery_client.go`, `ServerGroupsAndResources`), as it does with any older server.
public enum Discovery {
    /// The kinds the server serves: every built-in kind and EndpointSlices. The store's own
    /// bookkeeping (kubelet memory, timelines, endpoint updates in flight) is not served.
    public static let servedTypes: [ResourceType] = ResourceType.builtIn + [EndpointSliceController.type, EventsV1.type]

    /// The verbs served on every resource, and on the status and scale subresources.
    static let verbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]
    static let subresourceVerbs = ["get", "patch", "update"]

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
                    "kind": .string(type.kind), "verbs": .array(subresourceVerbs.map(Value.string)),
                ])))
            }
            if type.kind == "Pod" && type.group.isEmpty {
                // `kubectl drain` looks for it (`CheckEvictionSupport`).
                resources.append(.object(Object([
                    "name": .string("pods/eviction"), "singularName": .string(""), "namespaced": .bool(true),
                    "group": .string("policy"), "version": .string("v1"), "kind": .string("Eviction"), "verbs": .array([.string("create")]),
                ])))
            }
            if APIServer.scalable(type) {
                resources.append(.object(Object([
                    "name": .string(type.plural + "/scale"), "singularName": .string(""), "namespaced": .bool(type.namespaced),
                    "group": .string("autoscaling"), "version": .string("v1"), "kind": .string("Scale"),
                    "verbs": .array(subresourceVerbs.map(Value.string)),
                ])))
            }
        }
        return .object(Object([
            "kind": .string("APIResourceList"), "apiVersion": .string("v1"),
            "groupVersion": .string(group.isEmpty ? version : "\(group)/\(version)"), "resources": .array(resources),
        ]))
    }

    /// The aggregated form (`apidiscovery.k8s.io/v2` `APIGroupDiscoveryList`): `/api` (the core
    /// group) or `/apis` (the others) with every version's resources in one document, what
    /// kubectl 1.32 asks for first.
    static func aggregated(core: Bool) -> Value {
        var items: [Value] = []
        let names = core ? [""] : groups().map(\.name)
        for name in names {
            let types = servedTypes.filter { $0.group == name }
            guard let version = types.first?.version else { continue }
            var resources: [Value] = []
            for type in types.sorted(by: { $0.plural < $1.plural }) {
                var subresources: [Value] = []
                if type.hasStatus {
                    subresources.append(.object(Object([
                        "subresource": .string("status"),
                        "responseKind": .object(Object(["group": .string(type.group), "version": .string(type.version), "kind": .string(type.kind)])),
                        "verbs": .array(subresourceVerbs.map(Value.string)),
                    ])))
                }
                if type.kind == "Pod" && type.group.isEmpty {
                    subresources.append(.object(Object([
                        "subresource": .string("eviction"),
                        "responseKind": .object(Object(["group": .string("policy"), "version": .string("v1"), "kind": .string("Eviction")])),
                        "verbs": .array([.string("create")]),
                    ])))
                }
                if APIServer.scalable(type) {
                    subresources.append(.object(Object([
                        "subresource": .string("scale"),
                        "responseKind": .object(Object(["group": .string("autoscaling"), "version": .string("v1"), "kind": .string("Scale")])),
                        "verbs": .array(subresourceVerbs.map(Value.string)),
                    ])))
                }
                var resource = Object([
                    "resource": .string(type.plural),
                    "responseKind": .object(Object(["group": .string(type.group), "version": .string(type.version), "kind": .string(type.kind)])),
                    "scope": .string(type.namespaced ? "Namespaced" : "Cluster"), "singularResource": .string(type.singular),
                    "verbs": .array(verbs.map(Value.string)),
                ])
                if !type.shortNames.isEmpty { resource["shortNames"] = .array(type.shortNames.map(Value.string)) }
                if ResourceType.allCategory.contains(type.kind) && ["", "apps"].contains(type.group) { resource["categories"] = .array([.string("all")]) }
                if !subresources.isEmpty { resource["subresources"] = .array(subresources) }
                resources.append(.object(resource))
            }
            items.append(.object(Object([
                "metadata": .object(Object(["name": .string(name), "creationTimestamp": .null])),
                "versions": .array([.object(Object(["version": .string(version), "resources": .array(resources), "freshness": .string("Current")]))]),
            ])))
        }
        return .object(Object([
            "kind": .string("APIGroupDiscoveryList"), "apiVersion": .string("apidiscovery.k8s.io/v2"),
            "metadata": .object(Object()), "items": .array(items),
        ]))
    }

    /// Whether `Accept` asks for the aggregated form (v2; v2beta1 is read the same way).
    static func wantsAggregated(_ accept: String?) -> String? {
        for range in (accept ?? "").split(separator: ",") {
            let text = range.replacingOccurrences(of: " ", with: "")
            if text.contains("as=APIGroupDiscoveryList") && text.contains("g=apidiscovery.k8s.io") {
                if text.contains("v=v2beta1") { return "v2beta1" }
                if text.contains("v=v2") { return "v2" }
            }
        }
        return nil
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

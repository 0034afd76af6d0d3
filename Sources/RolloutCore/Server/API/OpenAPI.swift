/// OpenAPI v3 documents of the served kinds (`/openapi/v3`, `/openapi/v3/apis/apps/v1`): the
/// index of group-versions kubectl reads (`k8s.io/client-go/openapi`, `Paths`), and for each,
/// the paths of its resources with their operations, each tagged with its kind
/// (`x-kubernetes-group-version-kind`) and action, the PATCH ones with the `fieldValidation`
/// parameter. kubectl 1.32 looks for exactly that (`queryParamVerifierV3.HasSupport`,
/// `supportsQueryParamV3`) to leave validation to the server, where the CLI's own
/// validation runs (`ObjectValidation`), instead of validating against schemas itself.
enum OpenAPI {
    /// `/openapi/v3`: each group-version's document and where to fetch it.
    static func index() -> Value {
        var paths = Object()
        for (path, _, _) in groupVersions() {
            let hash = documentHash(path)
            paths[path] = .object(Object(["serverRelativeURL": .string("/openapi/v3/\(path)?hash=\(hash)")]))
        }
        return .object(Object(["paths": .object(paths)]))
    }

    /// `api/v1`, `apis/apps/v1`, … with their group and version.
    static func groupVersions() -> [(path: String, group: String, version: String)] {
        var seen: Set<String> = []
        var result: [(String, String, String)] = []
        for type in Discovery.servedTypes {
            let path = type.group.isEmpty ? "api/\(type.version)" : "apis/\(type.group)/\(type.version)"
            if seen.insert(path).inserted { result.append((path, type.group, type.version)) }
        }
        return result
    }

    /// The document of one group-version (nil: not served).
    static func document(_ path: String) -> Value? {
        guard let gv = groupVersions().first(where: { $0.path == path }) else { return nil }
        var paths = Object()
        for type in Discovery.servedTypes where type.group == gv.group && type.version == gv.version {
            let gvk = Value.object(Object(["group": .string(type.group), "version": .string(type.version), "kind": .string(type.kind)]))
            let base = "/" + path + (type.namespaced ? "/namespaces/{namespace}" : "") + "/" + type.plural
            func operation(_ action: String, _ id: String, _ parameters: [String]) -> Value {
                .object(Object([
                    "operationId": .string(id), "parameters": .array(parameters.map { name in
                        .object(Object(["name": .string(name), "in": .string("query"), "schema": .object(Object(["type": .string("string"), "uniqueItems": .bool(true)]))]))
                    }),
                    "responses": .object(Object(["200": .object(Object(["description": .string("OK")]))])),
                    "x-kubernetes-action": .string(action), "x-kubernetes-group-version-kind": gvk,
                ]))
            }
            let suffix = operationSuffix(type)
            paths[base] = .object(Object([
                "get": operation("list", "list\(suffix)", ["labelSelector", "fieldSelector", "limit", "continue", "resourceVersion", "watch", "timeoutSeconds"]),
                "post": operation("post", "create\(suffix)", ["dryRun", "fieldManager", "fieldValidation"]),
            ]))
            paths[base + "/{name}"] = .object(Object([
                "get": operation("get", "read\(suffix)", []),
                "put": operation("put", "replace\(suffix)", ["dryRun", "fieldManager", "fieldValidation"]),
                "patch": operation("patch", "patch\(suffix)", ["dryRun", "fieldManager", "fieldValidation", "force"]),
                "delete": operation("delete", "delete\(suffix)", ["dryRun", "gracePeriodSeconds", "propagationPolicy"]),
            ]))
        }
        let schemas = Schemas.components(for: Discovery.servedTypes.filter { $0.group == gv.group && $0.version == gv.version })
        return .object(Object([
            "openapi": .string("3.0.0"),
            "info": .object(Object(["title": .string("Kubernetes"), "version": .string(ClusterSetup.kubernetesVersion)])),
            "paths": .object(paths),
            "components": .object(Object(["schemas": .object(schemas)])),
        ]))
    }

    /// `CoreV1NamespacedPod`, `AppsV1NamespacedDeployment`, `CoreV1Node`.
    private static func operationSuffix(_ type: ResourceType) -> String {
        let group = type.group.isEmpty ? "Core" : type.group.split(separator: ".").first.map { $0.prefix(1).uppercased() + $0.dropFirst() } ?? ""
        return group + type.version.prefix(1).uppercased() + type.version.dropFirst() + (type.namespaced ? "Namespaced" : "") + type.kind
    }

    /// `io.k8s.api.apps.v1.Deployment`.
    static func schemaName(_ type: ResourceType) -> String {
        let group = type.group.isEmpty ? "core" : (type.group.hasSuffix(".k8s.io") ? String(type.group.dropLast(".k8s.io".count)) : type.group)
        return "io.k8s.api.\(group).\(type.version).\(type.kind)"
    }

    /// A stable hash of the served kinds of a group-version (kubectl caches by it).
    private static func documentHash(_ path: String) -> String {
        let text = path + Discovery.servedTypes.map { $0.storageKey }.joined(separator: ",") + ClusterSetup.kubernetesVersion
        return String(FNV1a.hash(text.utf8), radix: 16, uppercase: true)
    }
}

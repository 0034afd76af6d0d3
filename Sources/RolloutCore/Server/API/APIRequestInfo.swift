/// What a request path asks for, read as the API server reads it
/// (`k8s.io/apiserver/pkg/endpoints/request/requestinfo.go`, `NewRequestInfo`):
/// `/api/v1/namespaces/NS/pods/NAME/status`, `/apis/apps/v1/deployments`, or a path that is not
/// about resources (`/version`, `/healthz`, discovery).
public struct APIRequestInfo: Equatable, Sendable {
    /// `get`, `list`, `watch`, `create`, `update`, `patch`, `delete`, `deletecollection`.
    public var verb: String
    /// "" for the core group.
    public var group: String
    public var version: String
    public var namespace: String?
    /// The plural (`pods`), "" for a discovery path.
    public var resource: String
    public var name: String?
    public var subresource: String?

    /// `namespaceSubresources`: `/namespaces/NS/status` is the namespace's own subresource.
    static let namespaceSubresources: Set<String> = ["status", "finalize"]

    /// nil for a path outside `/api` and `/apis` or one too short to name a resource (a
    /// discovery document); a path naming too much is returned as is, for the caller to 404.
    public static func parse(method: String, path: String, watchParameter: String?) -> APIRequestInfo? {
        var parts = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard let prefix = parts.first, prefix == "api" || prefix == "apis" else { return nil }
        parts.removeFirst()
        var info = APIRequestInfo(verb: "", group: "", version: "", namespace: nil, resource: "", name: nil, subresource: nil)
        if prefix == "apis" {
            guard parts.count >= 2 else { return nil }
            info.group = parts.removeFirst()
        } else {
            guard parts.count >= 1 else { return nil }
        }
        info.version = parts.removeFirst()
        guard !parts.isEmpty else { return nil }
        // The old `/watch/` prefix.
        var watchPath = false
        if parts.first == "watch" {
            watchPath = true
            parts.removeFirst()
        }
        if parts.first == "namespaces", parts.count > 1 {
            info.namespace = parts[1]
            if parts.count > 2 && !namespaceSubresources.contains(parts[2]) {
                parts.removeFirst(2)
            }
        }
        guard !parts.isEmpty else { return nil }
        info.resource = parts[0]
        if parts.count > 1 { info.name = parts[1] }
        if parts.count > 2 { info.subresource = parts[2] }
        if parts.count > 3 { info.subresource = parts[2...].joined(separator: "/") }
        // `/api/v1/namespaces/NS` names the namespace itself, which has no namespace.
        if info.resource == "namespaces" {
            info.name = info.namespace ?? info.name
            info.namespace = nil
            if parts.count > 2 { info.subresource = parts[2...].joined(separator: "/") } else { info.subresource = nil }
        }
        switch method {
        case "POST": info.verb = "create"
        case "GET", "HEAD": info.verb = "get"
        case "PUT": info.verb = "update"
        case "PATCH": info.verb = "patch"
        case "DELETE": info.verb = "delete"
        default: info.verb = method.lowercased()
        }
        if info.name == nil {
            if info.verb == "get" { info.verb = "list" }
            if info.verb == "delete" { info.verb = "deletecollection" }
        }
        if info.verb == "get" || info.verb == "list" {
            if watchPath { info.verb = "watch" }
            if let watch = watchParameter, watch == "1" || watch == "true" { info.verb = "watch" }
        }
        return info
    }
}

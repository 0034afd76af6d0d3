import Foundation

/// The Kubernetes API over a served cluster: routes each HTTP request to discovery, health,
/// version or a resource handler, and answers with the API server's JSON shapes, status codes
/// and `Status` errors. Objects, validation and printing are the ones the CLI uses.
public final class APIServer: Sendable {
    public let cluster: ServedCluster
    /// With a token, every request but the health checks must carry `Authorization: Bearer TOKEN`.
    public let token: String?
    /// `host:port`, for `/api`'s `serverAddressByClientCIDRs`.
    public let serverAddress: String

    public init(cluster: ServedCluster, token: String?, serverAddress: String) {
        self.cluster = cluster
        self.token = token
        self.serverAddress = serverAddress
    }

    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        let path = request.path.count > 1 && request.path.hasSuffix("/") ? String(request.path.dropLast()) : request.path
        if ["/healthz", "/livez", "/readyz"].contains(path) {
            return request.method == "GET" || request.method == "HEAD" ? .text(200, "ok") : .text(405, "method not allowed\n")
        }
        if let token, request.headers["authorization"] != "Bearer \(token)" {
            return json(APIStatus.unauthorized.code, APIStatus.unauthorized.value)
        }
        do {
            return try route(request, path: path)
        } catch let status as APIStatus {
            return json(status.code, status.value)
        } catch {
            let status = APIStatus(code: 500, reason: "InternalError", message: "Internal error occurred: \(error)")
            return json(500, status.value)
        }
    }

    private func route(_ request: HTTPRequest, path: String) throws -> HTTPResponse {
        let reading = request.method == "GET" || request.method == "HEAD"
        switch path {
        case "/version":
            guard reading else { throw APIStatus(code: 405, reason: "MethodNotAllowed", message: "the server does not allow this method on the requested resource") }
            return json(200, Discovery.version())
        case "/api", "/apis":
            if let version = Discovery.wantsAggregated(request.headers["accept"]) {
                var document = Discovery.aggregated(core: path == "/api")
                if version == "v2beta1", case .object(var o) = document {
                    o["apiVersion"] = .string("apidiscovery.k8s.io/v2beta1")
                    document = .object(o)
                }
                return json(200, document, contentType: "application/json;g=apidiscovery.k8s.io;v=\(version);as=APIGroupDiscoveryList")
            }
            return json(200, path == "/api" ? Discovery.coreVersions(serverAddress: serverAddress) : Discovery.groupList())
        case "/api/v1":
            return json(200, Discovery.resourceList(group: "", version: "v1"))
        default: break
        }
        if path == "/apis/rollout.dev/v1alpha1/traffic" {
            var since: Timestamp?
            if let text = request.parameter("since"), !text.isEmpty {
                guard let time = Timestamp(parsing: text) else {
                    throw APIStatus.badRequest("since: Invalid value: \"\(text)\": expected an RFC 3339 time such as 2025-01-01T00:00:00Z")
                }
                // The API's times are on the wall clock (`WireTime`).
                since = Timestamp(milliseconds: time.milliseconds.addingSaturating(-cluster.wireOffset()))
            }
            return json(200, try cluster.trafficReport(since: since))
        }
        if path == "/openapi/v3" { return json(200, OpenAPI.index()) }
        if path.hasPrefix("/openapi/v3/") {
            guard let document = OpenAPI.document(String(path.dropFirst("/openapi/v3/".count))) else { throw APIStatus.noResource }
            return json(200, document)
        }
        let parts = path.split(separator: "/").map(String.init)
        if parts.count == 2 && parts[0] == "apis" {
            guard let group = Discovery.groups().first(where: { $0.name == parts[1] }) else { throw APIStatus.noResource }
            return json(200, Discovery.group(name: group.name, version: group.version, withKind: true))
        }
        if parts.count == 3 && parts[0] == "apis" {
            guard Discovery.knownGroupVersion(group: parts[1], version: parts[2]) else { throw APIStatus.noResource }
            return json(200, Discovery.resourceList(group: parts[1], version: parts[2]))
        }
        guard let info = APIRequestInfo.parse(method: request.method, path: path, watchParameter: request.parameter("watch")) else {
            return .text(404, "404 page not found\n")
        }
        guard let type = Discovery.type(group: info.group, version: info.version, plural: info.resource) else {
            throw APIStatus.noResource
        }
        if type.namespaced == false && info.namespace != nil && info.resource != "namespaces" { throw APIStatus.noResource }
        // The kubelet's endpoints: the simulated containers run no processes.
        if type.kind == "Pod" && type.group.isEmpty, let subresource = info.subresource, ["log", "exec", "attach", "portforward", "proxy"].contains(subresource) {
            let what = subresource == "log" ? "container logs are" : "\(subresource) is"
            throw APIStatus(code: 400, reason: "BadRequest",
                            message: "\(what) not supported by the simulated cluster: its containers run no processes (see `kubectl describe pod \(info.name ?? "")` and `kubectl get events` for what happened to them)")
        }
        if type.kind == "Pod" && type.group.isEmpty && info.subresource == "eviction" {
            guard info.verb == "create" else { throw APIStatus.methodNotSupported(type, verb: info.verb) }
            return try evict(info, request)
        }
        if let subresource = info.subresource, !(subresource == "status" && type.hasStatus), !(subresource == "scale" && Self.scalable(type)) {
            throw APIStatus.noResource
        }
        switch info.verb {
        case "get" where info.subresource == nil || info.subresource == "status":
            return try get(type, info, request)
        case "get" where info.subresource == "scale" && Self.scalable(type):
            return try get(type, info, request, scale: true)
        case "list":
            return try list(type, info, request)
        case "watch":
            return try watch(type, info, request)
        // (A POST names a collection, a PUT or PATCH one object: anything else is 405, as
        // the API server's routes answer.)
        case "create" where info.subresource == nil && info.name == nil:
            return try create(type, info, request)
        case "update" where info.name != nil:
            return try update(type, info, request)
        case "patch" where info.name != nil:
            return try patch(type, info, request)
        case "delete" where info.subresource == nil:
            return try delete(type, info, request)
        case "deletecollection":
            return try deleteCollection(type, info, request)
        default:
            throw APIStatus.methodNotSupported(type, verb: info.verb)
        }
    }

    // MARK: reads

    private func get(_ type: ResourceType, _ info: APIRequestInfo, _ request: HTTPRequest, scale: Bool = false) throws -> HTTPResponse {
        let name = info.name ?? ""
        let key = ObjectKey(type: type.storageKey, namespace: type.namespaced ? (info.namespace ?? "default") : "", name: name)
        let (object, now) = try cluster.read { store, now -> (Resource?, Timestamp) in
            let view = EventsV1.isEventsV1(type)
            let stored = view ? ObjectKey(type: EventsV1.coreType.storageKey, namespace: key.namespace, name: name) : key
            if let object = try store.get(stored) { return (view ? EventsV1.fromCore(object) : object, now) }
            // A pod's routine lifecycle events are derived from its status, not stored.
            guard Self.isCoreEvent(type) || view else { return (nil, now) }
            return (try EventLog.list(store, namespace: key.namespace).first { $0.name == name }.map { view ? EventsV1.fromCore($0) : $0 }, now)
        }
        guard let object else { throw APIStatus.notFound(type, name: name) }
        if scale { return json(200, Self.scale(of: object).value) }
        if let tableVersion = try tableVersion(request) {
            return json(200, APITable.table([object], type: type, now: now, resourceVersion: object.resourceVersion, continueToken: nil, remaining: nil,
                                            include: try include(request), apiVersion: tableVersion), table: tableVersion)
        }
        return json(200, object.value)
    }

    private func list(_ type: ResourceType, _ info: APIRequestInfo, _ request: HTTPRequest) throws -> HTTPResponse {
        let selection = try selection(type, request)
        var limit = 0
        if let text = request.parameter("limit"), !text.isEmpty {
            guard let n = Int(text), n >= 0 else { throw APIStatus.badRequest("limit: Invalid value: \"\(text)\": must be a non-negative integer") }
            limit = n
        }
        var after: (namespace: String, name: String)?
        if let token = request.parameter("continue"), !token.isEmpty {
            guard let decoded = ContinueToken.decode(token) else {
                throw APIStatus(code: 400, reason: "BadRequest", message: "continue key is not valid: \(token)")
            }
            after = decoded
        }
        let tableVersion = try tableVersion(request)
        let include = try include(request)
        let (objects, now, resourceVersion) = try cluster.read { store, now in
            let namespace = type.namespaced ? info.namespace : nil
            // Events: the stored ones and those derived from pods' status (`EventLog`), in the
            // API server's order, by namespace and name.
            let view = EventsV1.isEventsV1(type)
            var objects = Self.isCoreEvent(type) || view ? try EventLog.list(store, namespace: namespace) : try store.list(type, namespace: namespace)
            if view { objects = objects.map(EventsV1.fromCore) }
            return (objects, now, String(store.resourceVersion))
        }
        var selected = objects.filter(selection.matches)
        if let after {
            selected = selected.filter { object in
                let namespace = object.namespace ?? ""
                return namespace == after.namespace ? ByteOrder.precedes(after.name, object.name) : ByteOrder.precedes(after.namespace, namespace)
            }
        }
        var continueToken: String?
        var remaining: Int?
        if limit > 0 && selected.count > limit {
            remaining = selected.count - limit
            selected = Array(selected.prefix(limit))
            if let last = selected.last { continueToken = ContinueToken.encode(namespace: last.namespace ?? "", name: last.name) }
        }
        if let tableVersion {
            return json(200, APITable.table(selected, type: type, now: now, resourceVersion: resourceVersion, continueToken: continueToken,
                                            remaining: remaining, include: include, apiVersion: tableVersion), table: tableVersion)
        }
        var metadata = Object(["resourceVersion": .string(resourceVersion)])
        if let continueToken { metadata["continue"] = .string(continueToken) }
        if let remaining { metadata["remainingItemCount"] = .int(remaining) }
        return json(200, .object(Object([
            "kind": .string(type.kind + "List"), "apiVersion": .string(type.apiVersion), "metadata": .object(metadata),
            "items": .array(selected.map(\.value)),
        ])))
    }

    static func isCoreEvent(_ type: ResourceType) -> Bool { type.kind == "Event" && type.group.isEmpty }

    /// `labelSelector` and `fieldSelector`; 400 when one cannot be read or names a field the
    /// kind is not selected by.
    func selection(_ type: ResourceType, _ request: HTTPRequest) throws -> Selection {
        var selection = Selection()
        if let text = request.parameter("labelSelector"), !text.isEmpty {
            do { selection.labels = try LabelSelector.parse(text) } catch { throw APIStatus.badRequest(error.description) }
        }
        if let text = request.parameter("fieldSelector"), !text.isEmpty {
            do { selection.fields = try FieldSelector.parse(text) } catch { throw APIStatus.badRequest(error.message) }
            if let field = selection.fields?.unsupportedField(for: type) { throw APIStatus.badRequest("field label not supported: \(field)") }
        }
        return selection
    }

    // MARK: content negotiation

    /// The Table version asked for in `Accept` (`meta.k8s.io/v1` or `v1beta1`), nil for plain
    /// objects; 406 when nothing acceptable is offered (protobuf only).
    func tableVersion(_ request: HTTPRequest) throws -> String? {
        guard let accept = request.headers["accept"], !accept.isEmpty else { return nil }
        var plain = false
        for range in accept.split(separator: ",") {
            let fields = range.split(separator: ";").map { $0.trimmed(of: " \t") }
            guard let media = fields.first?.lowercased() else { continue }
            var parameters: [String: String] = [:]
            for field in fields.dropFirst() {
                let pair = field.split(separator: "=", maxSplits: 1).map { String($0).trimmed(of: " \t") }
                if pair.count == 2 { parameters[pair[0].lowercased()] = pair[1] }
            }
            guard media == "application/json" || media == "*/*" || media == "application/*" else { continue }
            if parameters["as"] == "Table" && (parameters["g"] ?? "meta.k8s.io") == "meta.k8s.io" {
                return "meta.k8s.io/" + (parameters["v"] ?? "v1")
            }
            if parameters["as"] == nil { plain = true }
        }
        if plain { return nil }
        throw APIStatus(code: 406, reason: "NotAcceptable", message: "only the following media types are accepted: application/json, application/yaml")
    }

    func include(_ request: HTTPRequest) throws -> APITable.Include {
        guard let text = request.parameter("includeObject"), !text.isEmpty else { return .metadata }
        guard let include = APITable.Include(rawValue: text) else {
            throw APIStatus.badRequest("includeObject: Unsupported value: \"\(text)\": supported values: \"None\", \"Metadata\", \"Object\"")
        }
        return include
    }

    /// A JSON answer; `warnings` go in `Warning` headers (RFC 7234 code 299), which kubectl
    /// prints as `Warning: …`.
    func json(_ status: Int, _ value: Value, table: String? = nil, warnings: [String] = [], contentType: String? = nil) -> HTTPResponse {
        var body: [UInt8] = []
        try? JSONWriter.write(WireTime.shift(WireForm.value(value), by: cluster.wireOffset()), style: .compact, into: &body)
        body.append(UInt8(ascii: "\n"))
        let contentType = contentType ?? table.map { "application/json;as=Table;v=\($0.dropFirst("meta.k8s.io/".count));g=meta.k8s.io" } ?? "application/json"
        var headers = [("Content-Type", contentType), ("Cache-Control", "no-cache, private")]
        for warning in warnings {
            let quoted = warning.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").filter { !$0.isNewline }
            headers.append(("Warning", "299 - \"\(quoted)\""))
        }
        return HTTPResponse(status: status, headers: headers, body: body)
    }
}

/// The `continue` token of a paged list: where the next page starts, opaque to clients.
enum ContinueToken {
    static func encode(namespace: String, name: String) -> String {
        Base64.encode(Array("\(namespace)\u{0}\(name)".utf8))
    }

    static func decode(_ token: String) -> (namespace: String, name: String)? {
        guard let bytes = Base64.decode(token), let text = String(validating: bytes, as: UTF8.self) else { return nil }
        let parts = text.split(separator: "\u{0}", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        return (String(parts[0]), String(parts[1]))
    }
}

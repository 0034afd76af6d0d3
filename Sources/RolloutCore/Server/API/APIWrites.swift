/// Writes through the API: create (POST), update (PUT), patch (PATCH) and delete (DELETE) of
/// objects and of their `status` and `scale` subresources, with `dryRun=All`. Each goes
/// through the checks `rollout apply` makes (`ObjectValidation`, `Admission`), so the API
/// accepts and refuses exactly what the CLI does, with the API server's status codes:
/// 201/200, 404 NotFound, 409 AlreadyExists and Conflict (resourceVersion preconditions), 422
/// Invalid (the field errors as causes), 400 BadRequest (an unreadable body, a namespace that
/// differs from the path's).
extension APIServer {
    struct Body {
        var resource: Resource
        var document: ManifestDocument
    }

    /// The request body as an object, with its parsed form for error locations.
    func body(_ request: HTTPRequest) throws -> Body {
        // kubectl's typed clients (`kubectl create configmap`, …) send protobuf; its other
        // commands send JSON.
        let contentType = (request.headers["content-type"] ?? "").lowercased()
        var bytes = request.body
        if contentType.hasPrefix("application/vnd.kubernetes.protobuf") || request.body.starts(with: Protobuf.magic) {
            let decoded: Value
            do throws(Protobuf.Unreadable) {
                decoded = try Protobuf.decode(request.body)
            } catch {
                throw APIStatus(code: 415, reason: "UnsupportedMediaType",
                                message: "protobuf request bodies are read for Namespaces, ConfigMaps, Secrets, ServiceAccounts, Services, ResourceQuotas, PriorityClasses and Deployments only (\(error.message)): send JSON or YAML (`kubectl create … --dry-run=client -o yaml | kubectl apply -f -` makes the same object)")
            }
            bytes = []
            try? JSONWriter.write(decoded, style: .compact, into: &bytes)
        }
        let documents: [ManifestDocument]
        do {
            documents = try ManifestDecoder.decode([ManifestSource(name: "", bytes: bytes)], expandLists: false).documents
        } catch {
            throw APIStatus.badRequest("the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf (\(error.description))")
        }
        guard documents.count == 1, let document = documents.first, case .object(let object) = document.value else {
            throw APIStatus.badRequest("the body of the request must be one object")
        }
        // Times in a request are the API's: moved back onto the cluster's clock.
        let local = WireTime.shift(.object(object.withoutNulls), by: -cluster.wireOffset()).objectValue ?? object
        return Body(resource: Resource(local), document: document)
    }

    /// A patched or replaced object's parsed form (for error locations).
    func document(of resource: Resource) throws -> ManifestDocument {
        var bytes: [UInt8] = []
        try? JSONWriter.write(resource.value, style: .compact, into: &bytes)
        guard let document = try? ManifestDecoder.decode([ManifestSource(name: "", bytes: bytes)], expandLists: false).documents.first else {
            throw APIStatus(code: 500, reason: "InternalError", message: "Internal error occurred: the object cannot be read back")
        }
        return document
    }

    /// `dryRun=All`: checked, answered, not stored.
    func dryRun(_ request: HTTPRequest) throws -> Bool {
        try dryRun(request.query.filter { $0.name == "dryRun" }.map(\.value))
    }

    func dryRun(_ values: [String]) throws -> Bool {
        if let bad = values.first(where: { $0 != "All" }) {
            throw APIStatus.badRequest("Invalid dry run value \"\(bad)\": supported values are \"All\"")
        }
        return !values.isEmpty
    }

    /// A DELETE's options: from its body when it has one — DeleteOptions, as kubectl and
    /// client-go send them (`{"propagationPolicy":"Background","dryRun":["All"]}`) — else from
    /// its query, as the API server reads them (`handlers/delete.go` DeleteResource: the body
    /// decoded when non-empty, else `ParameterCodec.DecodeParameters` of the query).
    struct DeleteOptions {
        var gracePeriod: Int?
        var propagation: String?
        var dryRun = false
    }

    func deleteOptions(_ request: HTTPRequest) throws -> DeleteOptions {
        var options = DeleteOptions()
        if !request.body.isEmpty {
            let body: Value
            let contentType = (request.headers["content-type"] ?? "").lowercased()
            if contentType.hasPrefix("application/vnd.kubernetes.protobuf") || request.body.starts(with: Protobuf.magic) {
                do throws(Protobuf.Unreadable) { body = try Protobuf.decode(request.body) } catch {
                    throw APIStatus(code: 415, reason: "UnsupportedMediaType", message: "the DeleteOptions could not be read from protobuf (\(error.message)): send them as JSON")
                }
            } else {
                do { body = try JSONReader.parse(request.body) } catch {
                    throw APIStatus.badRequest("the body of the request was in an unknown format - accepted media types include: application/json, application/vnd.kubernetes.protobuf (\(error))")
                }
            }
            guard body.objectValue != nil else { throw APIStatus.badRequest("the body of the request is not a DeleteOptions object") }
            if let grace = body["gracePeriodSeconds"], grace != .null {
                guard let n = grace.intValue else { throw APIStatus.badRequest("gracePeriodSeconds: Invalid value: \(grace)") }
                options.gracePeriod = n
            }
            options.propagation = body["propagationPolicy"]?.stringValue
            if let values = body["dryRun"], values != .null {
                guard let list = values.arrayValue, list.allSatisfy({ $0.stringValue != nil }) else {
                    throw APIStatus.badRequest("dryRun: Invalid value: \(values): a list of strings")
                }
                options.dryRun = try dryRun(list.compactMap(\.stringValue))
            }
            return options
        }
        if let text = request.parameter("gracePeriodSeconds") {
            guard let n = Int(text) else { throw APIStatus.badRequest("gracePeriodSeconds: Invalid value: \"\(text)\"") }
            options.gracePeriod = n
        }
        options.propagation = request.parameter("propagationPolicy")
        options.dryRun = try dryRun(request)
        return options
    }

    func key(_ type: ResourceType, _ info: APIRequestInfo, name: String) -> ObjectKey {
        ObjectKey(type: type.storageKey, namespace: type.namespaced ? (info.namespace ?? "default") : "", name: name)
    }

    // MARK: create

    func create(_ type: ResourceType, _ info: APIRequestInfo, _ request: HTTPRequest) throws -> HTTPResponse {
        var body = try body(request)
        var resource = body.resource
        try checkKind(resource, type)
        let view = EventsV1.isEventsV1(type)
        if view { resource = EventsV1.toCore(resource) }
        let type = view ? EventsV1.coreType : type
        if type.namespaced {
            let namespace = info.namespace ?? "default"
            if let written = resource.namespace, !written.isEmpty, written != namespace {
                throw APIStatus.badRequest("the namespace of the provided object does not match the namespace sent on the request")
            }
            resource.namespace = namespace
        } else if info.namespace != nil {
            throw APIStatus.noResource
        } else {
            // Cleared, not refused: `rest.BeforeCreate` (EnsureObjectNamespaceMatchesRequestNamespace).
            resource.namespace = nil
        }
        let generateName = resource.name.isEmpty ? resource.metadata["generateName"]?.stringValue : nil
        let dryRun = try dryRun(request)
        body.resource = resource
        let manager = Self.manager(request)
        let (stored, warnings) = try cluster.write { store, now -> (Resource, [String]) in
            var resource = resource
            // `generateName`: the prefix and five random characters, a name not taken
            // (`SimpleNameGenerator`; the API server's own retry on a taken one, here before).
            if let prefix = generateName, !prefix.isEmpty {
                for _ in 0..<16 {
                    resource.metadata["name"] = .string(String(prefix.prefix(58)) + store.random.nameSuffix())
                    if try store.get(resource.key) == nil { break }
                }
            }
            return try self.createObject(resource, type: type, root: body.document.node, store: store, dryRun: dryRun,
                                         fieldValidation: request.parameter("fieldValidation")) { object in
                FieldOwnership.recordUpdate(old: nil, new: &object, manager: manager, time: now.description, subresource: nil)
            }
        }
        return json(201, (view ? EventsV1.fromCore(stored) : stored).value, warnings: warnings)
    }

    /// The field manager of a write: `fieldManager`, else the client's name from its
    /// User-Agent (`kubectl/v1.32.4 (linux/amd64) …` → `kubectl`), as the API server names it.
    static func manager(_ request: HTTPRequest) -> String {
        if let given = request.parameter("fieldManager"), !given.isEmpty { return String(given.prefix(128)) }
        let agent = request.headers["user-agent"] ?? ""
        let name = agent.split(separator: "/").first.map(String.init) ?? ""
        return name.isEmpty ? "unknown" : String(name.prefix(128))
    }

    /// Creates an object as the API server does: its namespace must exist, its name be free,
    /// no resourceVersion given; server fields and status dropped, defaults set, validated,
    /// admitted, stored (not with a dry run). `own` records who owns its fields.
    func createObject(_ resource: Resource, type: ResourceType, root: YAMLNode, store: StateStore, dryRun: Bool, fieldValidation: String? = nil,
                      own: (inout Resource) -> Void) throws -> (Resource, [String]) {
        let namespaces = try store.list(ResourceType.forObject(apiVersion: "v1", kind: "Namespace")).map(\.name)
        if type.namespaced, !namespaces.contains(resource.namespace ?? "default") {
            throw APIStatus(code: 404, reason: "NotFound", message: "namespaces \"\(resource.namespace ?? "default")\" not found", name: resource.namespace, kind: "namespaces")
        }
        if try store.get(resource.key) != nil { throw APIStatus.alreadyExists(type, name: resource.name) }
        if let version = resource.metadata["resourceVersion"]?.stringValue, !version.isEmpty {
            throw APIStatus(code: 500, reason: "InternalError", message: "resourceVersion should not be set on objects to be created")
        }
        var object = resource
        for key in FieldOwnership.serverFields where object.metadata[key] != nil { object.metadata[key] = nil }
        if type.hasStatus { object.object["status"] = nil }
        object = Secret.foldingStringData(object)
        let dropped = try Self.decodeFields(&object, validation: fieldValidation)
        Defaults.apply(to: &object)
        var (invalid, warnings) = ObjectValidation.check(object, root: root, file: "")
        if let invalid { throw Self.invalid(type, name: object.name, invalid) }
        warnings = dropped + warnings
        var (admitted, problems) = try Admission.admit(object, live: nil, root: root, source: "", store: store)
        if let first = problems.first { throw Self.invalid(type, name: object.name, first) }
        if let warning = try PodSecurity.warning(admitted, live: nil, store: store) { warnings.append(warning) }
        own(&admitted)
        if dryRun { return (admitted, warnings) }
        return (try Admission.persist(admitted, live: nil, manifest: resource, store: store), warnings)
    }

    /// The request's field validation (`fieldValidation`: Strict, Warn — the default — or
    /// Ignore) on the fields the object's type has no place for: a 400 BadRequest worded as the
    /// API server's strict decoder words it, or the fields dropped, with a warning each (Warn).
    /// On an update, the unknown fields the live object holds itself (one imported from a newer
    /// cluster) are left as they are: the request did not bring them.
    static func decodeFields(_ object: inout Resource, validation: String?, live: Resource? = nil) throws -> [String] {
        let own = Set(live.map { UnknownFields.find($0).map(\.path) } ?? [])
        let unknown = UnknownFields.find(object).filter { !own.contains($0.path) }
        guard !unknown.isEmpty else { return [] }
        if validation == "Strict" {
            let version = object.apiVersion.split(separator: "/").last.map(String.init) ?? object.apiVersion
            throw APIStatus.badRequest("\(object.kind) in version \"\(version)\" cannot be handled as a \(object.kind): strict decoding error: "
                                       + unknown.map { "unknown field \"\($0.path)\"" }.joined(separator: ", "))
        }
        UnknownFields.drop(&object, keeping: own)
        return validation == "Ignore" ? [] : unknown.map { "unknown field \"\($0.path)\"" }
    }

    // MARK: update and patch

    func update(_ type: ResourceType, _ info: APIRequestInfo, _ request: HTTPRequest) throws -> HTTPResponse {
        var body = try body(request)
        try checkKind(body.resource, type)
        if EventsV1.isEventsV1(type) {
            let name = info.name ?? ""
            guard body.resource.name == name else { throw APIStatus.badRequest("the name of the object (\(body.resource.name)) does not match the name on the URL (\(name))") }
            body.resource = EventsV1.toCore(body.resource)
            let stored = body.resource
            return try replace(EventsV1.coreType, info, request, subresource: nil, manager: Self.manager(request), present: EventsV1.fromCore) { _ in stored }
        }
        let name = info.name ?? ""
        if body.resource.name != name {
            throw APIStatus.badRequest("the name of the object (\(body.resource.name)) does not match the name on the URL (\(name))")
        }
        return try replace(type, info, request, subresource: info.subresource, manager: Self.manager(request)) { _ in body.resource }
    }

    func patch(_ type: ResourceType, _ info: APIRequestInfo, _ request: HTTPRequest) throws -> HTTPResponse {
        let contentType = (request.headers["content-type"] ?? "").split(separator: ";").first.map { $0.trimmed(of: " \t").lowercased() } ?? ""
        if contentType == "application/apply-patch+yaml" { return try serverSideApply(type, info, request) }
        var patch: Value
        do { patch = try JSONReader.parse(request.body) } catch {
            throw APIStatus.badRequest("error decoding patch: \(error)")
        }
        if case .object = patch { patch = WireTime.shift(patch, by: -cluster.wireOffset()) }
        let change = patch
        // events.k8s.io Events are patched in their own shape and kept as core ones.
        let view = EventsV1.isEventsV1(type)
        let storedType = view ? EventsV1.coreType : type
        let present: ((Resource) -> Resource)? = view ? { EventsV1.fromCore($0) } : nil
        return try replace(storedType, info, request, subresource: info.subresource, manager: Self.manager(request), present: present) { stored throws -> Resource in
            let live = view ? EventsV1.fromCore(stored) : stored
            let result: Value
            switch contentType {
            case "application/merge-patch+json":
                result = Patches.mergePatch(live.value, change)
            case "application/json-patch+json":
                do { result = try Patches.jsonPatch(live.value, change) } catch let error as Patches.PatchError {
                    throw APIStatus(code: 422, reason: "Invalid", message: error.message)
                }
            case "application/strategic-merge-patch+json":
                guard ResourceType.builtIn.contains(where: { $0.storageKey == type.storageKey }) || type == EndpointSliceController.type || view else {
                    throw APIStatus(code: 415, reason: "UnsupportedMediaType", message: "strategic merge patch is not supported for \(type.qualifiedPlural)")
                }
                do { result = try Patches.strategicMergePatch(live.value, change) } catch let error as Patches.PatchError {
                    throw APIStatus.badRequest(error.message)
                }
            default:
                throw APIStatus(code: 415, reason: "UnsupportedMediaType", message: "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json")
            }
            guard case .object(let object) = result else { throw APIStatus.badRequest("the patch does not leave an object") }
            let patched = Resource(object.withoutNulls)
            return view ? EventsV1.toCore(patched) : patched
        }
    }

    /// An update made from the live object: the whole object (`subresource` nil), its
    /// status, or its scale.
    /// `manager`: who owns what the write changes (`operation: Update`); nil for a
    /// server-side apply, whose `change` sets the managed fields itself.
    /// `present`: the object as the client's kind shows it (events.k8s.io Events).
    private func replace(_ type: ResourceType, _ info: APIRequestInfo, _ request: HTTPRequest, subresource: String?, manager: String?,
                         present: ((Resource) -> Resource)? = nil, _ change: @escaping (Resource) throws -> Resource) throws -> HTTPResponse {
        let name = info.name ?? ""
        let key = key(type, info, name: name)
        let dryRun = try dryRun(request)
        if let subresource, !["status", "scale"].contains(subresource) || (subresource == "scale" && !Self.scalable(type)) {
            throw APIStatus.noResource
        }
        let (result, warnings) = try cluster.write { store, now -> (Value, [String]) in
            guard let live = try store.get(key) else { throw APIStatus.notFound(type, name: name) }
            var object: Resource
            var setsOwners = false
            if subresource == "scale" {
                let scale = try change(Self.scale(of: live))
                try Self.checkPreconditions(scale, live: live, type: type)
                guard let replicas = scale.value.at("spec", "replicas")?.intValue else {
                    throw APIStatus(code: 422, reason: "Invalid", message: "Scale.autoscaling \"\(name)\" is invalid: spec.replicas: Invalid value: must be an integer")
                }
                object = live
                var spec = object.object["spec"]?.objectValue ?? Object()
                spec["replicas"] = .int(replicas)
                object.object["spec"] = .object(spec)
            } else {
                object = try change(live)
                try checkKind(object, type)
                try Self.checkPreconditions(object, live: live, type: type)
                // The name and namespace are the path's.
                if object.name != live.name { throw APIStatus.badRequest("the name of the object (\(object.name)) does not match the name on the URL (\(name))") }
                object.namespace = type.namespaced ? live.namespace : nil
                if type.hasStatus {
                    if subresource == "status" {
                        // A status write changes only the status.
                        var kept = live
                        kept.object["status"] = object.object["status"]
                        object = kept
                    } else {
                        object.object["status"] = live.object["status"]
                    }
                }
                object.metadata["selfLink"] = nil
                // The server keeps who owns what, unless the request sets it (as kubectl does
                // when it moves a client-side applied object to server-side apply); an apply
                // has worked it out already.
                setsOwners = manager != nil && object.metadata["managedFields"] != nil && object.metadata["managedFields"] != live.metadata["managedFields"]
                if manager != nil && !setsOwners { object.metadata["managedFields"] = live.metadata["managedFields"] }
                object = Secret.foldingStringData(object)
            }
            let dropped = try Self.decodeFields(&object, validation: request.parameter("fieldValidation"), live: live)
            Defaults.apply(to: &object, old: live)
            // PrepareForUpdate, before validation: a Service loses what its new type does not
            // need (a NodePort Service patched to `type: null` keeps no node ports).
            Allocation.dropTypeDependentFields(&object, old: live)
            let document = try document(of: object)
            var (invalid, warnings) = ObjectValidation.check(object, root: document.node, file: "")
            if let invalid { throw Self.invalid(type, name: name, invalid) }
            warnings = dropped + warnings
            var (admitted, problems) = try Admission.admit(object, live: live, root: document.node, source: "", store: store)
            if let first = problems.first { throw Self.invalid(type, name: name, first) }
            if subresource == nil, let warning = try PodSecurity.warning(admitted, live: live, store: store) { warnings.append(warning) }
            if let manager, admitted != live, !setsOwners {
                FieldOwnership.recordUpdate(old: live, new: &admitted, manager: manager, time: now.description, subresource: subresource)
            }
            let stored: Resource
            if dryRun || admitted == live {
                stored = dryRun ? store.updated(admitted, previous: live) : live
            } else if subresource == "status" {
                var written = admitted
                written.metadata = live.metadata
                try store.writeStatus(written)
                stored = try store.get(key) ?? written
            } else {
                stored = try Admission.persist(admitted, live: live, manifest: object, store: store)
            }
            if subresource == "scale" { return (Self.scale(of: stored).value, warnings) }
            return ((present?(stored) ?? stored).value, warnings)
        }
        return json(200, result, warnings: warnings)
    }

    /// Server-side apply (`application/apply-patch+yaml`): the configuration, YAML or JSON,
    /// applied by `fieldManager` (required), creating the object when there is none;
    /// conflicts with other managers' fields are a 409 Conflict naming each, unless `force`.
    func serverSideApply(_ type: ResourceType, _ info: APIRequestInfo, _ request: HTTPRequest) throws -> HTTPResponse {
        guard let manager = request.parameter("fieldManager"), !manager.isEmpty else {
            throw APIStatus(code: 422, reason: "Invalid", message: "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch",
                            causes: [APIStatus.Cause(reason: "FieldValueRequired", message: "Required value: is required for apply patch", field: "fieldManager")])
        }
        guard info.subresource == nil else { throw APIStatus(code: 415, reason: "UnsupportedMediaType", message: "server-side apply of a subresource is not supported by the simulated cluster") }
        let body = try body(request)
        var config = body.resource
        try checkKind(config, type)
        let name = info.name ?? ""
        guard config.name == name else {
            throw APIStatus.badRequest("the name of the object (\(config.name)) does not match the name on the URL (\(name))")
        }
        if config.metadata["managedFields"] != nil {
            throw APIStatus.badRequest("metadata.managedFields must be nil")
        }
        config.namespace = type.namespaced ? info.namespace ?? "default" : nil
        let force = request.parameter("force") == "true"
        let dryRun = try dryRun(request)
        let key = key(type, info, name: name)
        let exists = try cluster.read { store, _ in try store.get(key) != nil }
        func conflict(_ error: FieldOwnership.Conflict) -> APIStatus {
            let lines = error.conflicts.map { "conflict with \"\($0.manager)\"" + ($0.apiVersion.isEmpty ? "" : " using \($0.apiVersion)") + ": \(FieldOwnership.describe($0.path))" }
            let message = error.conflicts.count == 1 ? "Apply failed with 1 conflict: \(lines[0])"
                : "Apply failed with \(error.conflicts.count) conflicts: " + lines.joined(separator: "\n")
            return APIStatus(code: 409, reason: "Conflict", message: message, name: name, group: type.group, kind: type.plural,
                             causes: error.conflicts.map { APIStatus.Cause(reason: "FieldManagerConflict", message: "conflict with \"\($0.manager)\"" + ($0.apiVersion.isEmpty ? "" : " using \($0.apiVersion)"),
                                                                          field: FieldOwnership.describe($0.path)) })
        }
        if !exists {
            let (stored, warnings) = try cluster.write { store, now -> (Resource, [String]) in
                try self.createObject(config, type: type, root: body.document.node, store: store, dryRun: dryRun) { object in
                    if let applied = try? FieldOwnership.apply(config, to: nil, manager: manager, force: force, time: now.description) {
                        object.metadata["managedFields"] = applied.metadata["managedFields"]
                    }
                }
            }
            return json(201, stored.value, warnings: warnings)
        }
        let now = cluster.now().description
        return try replace(type, info, request, subresource: nil, manager: nil) { live in
            do { return try FieldOwnership.apply(config, to: live, manager: manager, force: force, time: now) } catch let error as FieldOwnership.Conflict { throw conflict(error) }
        }
    }

    // MARK: eviction

    /// `POST …/pods/NAME/eviction` (policy/v1 Eviction, `EvictionREST.Create`): the pod is
    /// deleted unless a PodDisruptionBudget selecting it allows no disruption now — a 429
    /// TooManyRequests with the budget's cause, which `kubectl drain` retries — exactly as
    /// `rollout drain` evicts (`Eviction.evict`).
    func evict(_ info: APIRequestInfo, _ request: HTTPRequest) throws -> HTTPResponse {
        let name = info.name ?? ""
        let namespace = info.namespace ?? "default"
        var grace: Int?
        if !request.body.isEmpty {
            guard case .object(let body)? = try? JSONReader.parse(request.body) else {
                throw APIStatus.badRequest("the body of the request must be an Eviction")
            }
            if let bodyName = body["metadata"]?["name"]?.stringValue, !bodyName.isEmpty, bodyName != name {
                throw APIStatus.badRequest("name in URL does not match name in Eviction object")
            }
            grace = body["deleteOptions"]?["gracePeriodSeconds"]?.intValue
        }
        let podType = ResourceType.forObject(apiVersion: "v1", kind: "Pod")
        let result = try cluster.act { c -> Eviction.Result in
            let pod = c.pods.values.first { $0.name == name && $0.namespace == namespace && !$0.gone }
            return Eviction.evict(pod, grace: grace, in: c)
        }
        switch result {
        case .evicted:
            return json(201, .object(Object(["kind": .string("Status"), "apiVersion": .string("v1"), "metadata": .object(Object()), "status": .string("Success")])))
        case .notFound:
            throw APIStatus.notFound(podType, name: name)
        case .tooManyRequests(let message, let cause):
            throw APIStatus(code: 429, reason: "TooManyRequests", message: message,
                            causes: [APIStatus.Cause(reason: "DisruptionBudget", message: cause, field: "")])
        case .failed(let message):
            throw APIStatus(code: 500, reason: "InternalError", message: message)
        }
    }

    /// `Scale` (autoscaling/v1) of a Deployment, ReplicaSet or StatefulSet.
    static func scale(of resource: Resource) -> Resource {
        var metadata = Object()
        for key in ["name", "namespace", "uid", "resourceVersion", "creationTimestamp"] { metadata[key] = resource.metadata[key] }
        let selector = resource.value.at("spec", "selector")?.objectValue.map { LabelSelector.decodeForDisplay($0).trimmingCharacters(in: "\"") } ?? ""
        return Resource(Object([
            "kind": .string("Scale"), "apiVersion": .string("autoscaling/v1"), "metadata": .object(metadata),
            "spec": .object(Object(["replicas": .int(resource.value.at("spec", "replicas")?.intValue ?? 1)])),
            "status": .object(Object(["replicas": .int(resource.value.at("status", "replicas")?.intValue ?? 0), "selector": .string(selector)])),
        ]))
    }

    static func scalable(_ type: ResourceType) -> Bool {
        type.group == "apps" && ["Deployment", "ReplicaSet", "StatefulSet"].contains(type.kind)
    }

    /// `resourceVersion` and `uid` given with an update must be the live ones
    /// (`OptimisticLockErrorMsg`, `Precondition failed: UID in precondition`).
    static func checkPreconditions(_ object: Resource, live: Resource, type: ResourceType) throws {
        if let uid = object.metadata["uid"]?.stringValue, !uid.isEmpty, uid != live.uid {
            throw APIStatus.conflict(type, name: live.name, "Precondition failed: UID in precondition: \(uid), UID in object meta: \(live.uid)")
        }
        if let version = object.metadata["resourceVersion"]?.stringValue, !version.isEmpty, version != live.resourceVersion {
            throw APIStatus.conflict(type, name: live.name, "the object has been modified; please apply your changes to the latest version and try again")
        }
    }

    func checkKind(_ resource: Resource, _ type: ResourceType) throws {
        guard resource.kind == type.kind, resource.type.group == type.group else {
            throw APIStatus.badRequest("the API version in the data (\(resource.apiVersion)) does not match the expected API version (\(type.apiVersion))"
                                       + (resource.kind == type.kind ? "" : " or kind (\(resource.kind)) does not match \(type.kind)"))
        }
    }

    /// `errors.NewInvalid`: `Deployment.apps "web" is invalid: spec.replicas: Invalid value: …`,
    /// each field error a cause.
    static func invalid(_ type: ResourceType, name: String, _ error: ValidationError) -> APIStatus {
        // admission.NewForbidden: the plugin's message, already `pods "name" is forbidden: …`.
        if error.isForbidden, let first = error.errors.first {
            return APIStatus(code: 403, reason: "Forbidden", message: first.message, name: name, group: type.group, kind: type.plural)
        }
        let causes = error.errors.map { field -> APIStatus.Cause in
            let reason: String
            switch field.message {
            case let m where m.hasPrefix("Required value"): reason = "FieldValueRequired"
            case let m where m.hasPrefix("Unsupported value"): reason = "FieldValueNotSupported"
            case let m where m.hasPrefix("Forbidden"): reason = "FieldValueForbidden"
            case let m where m.hasPrefix("Duplicate value"): reason = "FieldValueDuplicate"
            case let m where m.hasPrefix("Too long"): reason = "FieldValueTooLong"
            default: reason = "FieldValueInvalid"
            }
            return APIStatus.Cause(reason: reason, message: field.message, field: field.path.components.isEmpty ? "" : "\(field.path)")
        }
        let lines = error.errors.map { ($0.path.components.isEmpty ? "" : "\($0.path): ") + $0.message }
        let kind = type.group.isEmpty ? type.kind : "\(type.kind).\(type.group)"
        return APIStatus(code: 422, reason: "Invalid", message: "\(kind) \"\(name)\" is invalid: " + (lines.count == 1 ? lines[0] : "[" + lines.joined(separator: ", ") + "]"),
                         name: name, group: type.group, kind: type.kind, causes: causes)
    }

    // MARK: delete

    /// `DELETE` on a collection: every object the label and field selectors match, each as a
    /// delete of it would (`deletecollection`); answers with the list of what went.
    func deleteCollection(_ type: ResourceType, _ info: APIRequestInfo, _ request: HTTPRequest) throws -> HTTPResponse {
        let selection = try selection(type, request)
        let options = try deleteOptions(request)
        let grace = options.gracePeriod, dryRun = options.dryRun
        let namespace = type.namespaced ? info.namespace : nil
        let items = try cluster.write { store, _ -> [Value] in
            let matched = try store.list(type, namespace: namespace).filter(selection.matches)
            // The registry's DeleteCollection deletes each through Delete: a refusal fails it.
            if let refusal = matched.lazy.compactMap(DeletionAdmission.refusal).first {
                throw APIStatus(code: 403, reason: "Forbidden", message: refusal, group: type.group, kind: type.plural)
            }
            if dryRun { return matched.map(\.value) }
            let deleter = Deleter(store: store, gracePeriod: grace)
            var gone: [Value] = []
            for object in matched {
                // (An earlier deletion may have taken it with its owner.)
                guard try store.get(object.key) != nil else { continue }
                try deleter.delete(object)
                gone.append((try store.get(object.key) ?? object).value)
            }
            return gone
        }
        return json(200, .object(Object([
            "kind": .string(type.kind + "List"), "apiVersion": .string(type.apiVersion),
            "metadata": .object(Object()), "items": .array(items),
        ])))
    }

    func delete(_ type: ResourceType, _ info: APIRequestInfo, _ request: HTTPRequest) throws -> HTTPResponse {
        let type = EventsV1.isEventsV1(type) ? EventsV1.coreType : type
        let name = info.name ?? ""
        let key = key(type, info, name: name)
        let options = try deleteOptions(request)
        let grace = options.gracePeriod, propagation = options.propagation, dryRun = options.dryRun
        if let propagation, !["Orphan", "Background", "Foreground"].contains(propagation) {
            throw APIStatus(code: 422, reason: "Invalid", message: "DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Unsupported value: \"\(propagation)\": supported values: \"Foreground\", \"Background\", \"Orphan\"")
        }
        var marked: [ObjectKey] = []
        let result = try cluster.write { store, _ -> Value in
            guard let live = try store.get(key) else { throw APIStatus.notFound(type, name: name) }
            if let refusal = DeletionAdmission.refusal(live) {
                throw APIStatus(code: 403, reason: "Forbidden", message: refusal, name: name, group: type.group, kind: type.plural)
            }
            if dryRun { return live.value }
            if propagation == "Orphan" {
                try store.delete(key)
            } else if propagation == "Foreground" {
                // Returned as it is now, marked, until its dependents are gone.
                marked = try ForegroundDeletion.begin(live, store: store, gracePeriod: grace)
                if let still = try store.get(key) { return still.value }
            } else {
                let terminating = try Deleter(store: store, gracePeriod: grace).delete(live)
                // A pod stopping gracefully is returned as it is now, with its deletionTimestamp.
                if terminating.contains(key), let pod = try store.get(key) { return pod.value }
            }
            return .object(Object([
                "kind": .string("Status"), "apiVersion": .string("v1"), "metadata": .object(Object()), "status": .string("Success"),
                "details": .object(Object(["name": .string(name), "group": .string(type.group), "kind": .string(type.plural), "uid": .string(live.uid)])),
            ]))
        }
        if !marked.isEmpty { cluster.deletingInForeground(marked) }
        return json(200, result)
    }
}

/// Watches (`?watch=1`): a chunked stream of `{"type":…,"object":…}` lines, as the API server
/// writes them (`apiserver/pkg/endpoints/handlers/watch.go`): from `resourceVersion` N, every
/// change after N; without one (or `0`), the objects as they are now as ADDED, then every
/// change; a version older than the changes kept gets an ERROR event with a 410 Expired Status
/// (`too old resource version`); BOOKMARK events carry the latest version when
/// `allowWatchBookmarks` is set; the stream ends after `timeoutSeconds` (at most 30 minutes),
/// when the client goes, or when the server stops. With `as=Table`, each object is a Table of
/// its row, the column definitions in the first event only, as kubectl's `get -w` reads them.
extension APIServer {
    static let maxWatchSeconds = 1800.0
    /// How often an idle watch with bookmarks is told the latest resourceVersion.
    static let bookmarkSeconds = 1.0
    static let podStorageKey = ResourceType.forObject(apiVersion: "v1", kind: "Pod").storageKey

    func watch(_ type: ResourceType, _ info: APIRequestInfo, _ request: HTTPRequest) throws -> HTTPResponse {
        let selection = try selection(type, request)
        guard let journal = cluster.store.journal else { throw APIStatus(code: 500, reason: "InternalError", message: "Internal error occurred: watches need a served store") }
        let tableVersion = try tableVersion(request)
        let include = try include(request)
        let bookmarks = request.parameter("allowWatchBookmarks") == "true"
        var timeout = Self.maxWatchSeconds
        if let text = request.parameter("timeoutSeconds"), !text.isEmpty {
            guard let n = Int(text), n >= 0 else { throw APIStatus.badRequest("timeoutSeconds: Invalid value: \"\(text)\"") }
            if n > 0 { timeout = min(Double(n), Self.maxWatchSeconds) }
        }
        let namespace = type.namespaced ? info.namespace : nil
        // events.k8s.io Events are the core ones, shown in their own shape.
        let view = EventsV1.isEventsV1(type)
        let stored = view ? EventsV1.coreType : type
        // A pod's routine events are derived from its status (`EventLog`): a watch of Events
        // derives them from the pods' changes, each sent once (and again when its count moves).
        let events = view || Self.isCoreEvent(type)
        let name = info.name ?? selection.fields?.terms.first { $0.field == "metadata.name" && $0.equals }?.value
        // Where in the journal the watch starts (nil: too old).
        var start: Int?
        var initial: [Resource] = []
        let requested = request.parameter("resourceVersion") ?? ""
        if requested.isEmpty || requested == "0" {
            // The objects as they are, then what changes.
            let (objects, position) = try cluster.read { store, _ in
                // Events: the stored ones and those derived from pods' status, as a list has them.
                let objects = events ? try EventLog.list(store, namespace: namespace) : try store.list(stored, namespace: namespace)
                return (objects.map { view ? EventsV1.fromCore($0) : $0 }, journal.latestSequence)
            }
            initial = objects.filter { object in (name == nil || object.name == name) && selection.matches(object) }
            start = position
        } else {
            guard let n = Int(requested), n >= 0 else { throw APIStatus.badRequest("resourceVersion: Invalid value: \"\(requested)\": must be a number") }
            start = journal.start(after: n)
        }
        // The derived events there are already are not news.
        var known: [String: Value] = [:]
        if events && initial.isEmpty {
            for event in try cluster.read({ store, _ in try EventLog.list(store, namespace: namespace) }) { known[event.name] = event.value["count"] }
        }
        let alreadyDerived = ReadOnly(known)
        let requestedVersion = requested
        let contentType = tableVersion.map { "application/json;as=Table;v=\($0.dropFirst("meta.k8s.io/".count));g=meta.k8s.io" } ?? "application/json"
        let cluster = self.cluster
        let initialObjects = ReadOnly(initial)
        let (from, seconds) = (start, timeout)
        return HTTPResponse(status: 200, headers: [("Content-Type", contentType), ("Cache-Control", "no-cache, private")]) { writer in
            var first = true
            func send(_ kind: String, _ object: Resource) -> Bool {
                var value = object.value
                if let tableVersion {
                    value = APITable.table([object], type: type, now: cluster.now(), resourceVersion: object.resourceVersion,
                                           continueToken: nil, remaining: nil, include: include, apiVersion: tableVersion)
                    if !first, case .object(var table) = value {
                        table["columnDefinitions"] = .array([])
                        value = .object(table)
                    }
                }
                first = false
                var line: [UInt8] = []
                try? JSONWriter.write(.object(Object(["type": .string(kind), "object": WireTime.shift(WireForm.value(value), by: cluster.wireOffset())])), style: .compact, into: &line)
                line.append(UInt8(ascii: "\n"))
                return writer.write(line)
            }
            func expired() {
                let status = APIStatus(code: 410, reason: "Expired", message: "too old resource version: \(requestedVersion) (\(journal.oldestResourceVersion))")
                var line: [UInt8] = []
                try? JSONWriter.write(.object(Object(["type": .string("ERROR"), "object": status.value])), style: .compact, into: &line)
                line.append(UInt8(ascii: "\n"))
                _ = writer.write(line)
            }
            guard var position = from else { return expired() }
            var derived = alreadyDerived.value
            for object in initialObjects.value {
                if events { derived[object.name] = object.value["count"] ?? object.value["deprecatedCount"] }
                if !send("ADDED", object) { return }
            }
            let end = cluster.seconds() + seconds
            while true {
                let left = end - cluster.seconds()
                if left <= 0 { return }
                guard let wait = journal.changes(after: position, timeout: min(left, bookmarks ? Self.bookmarkSeconds : left)) else { return expired() }
                switch wait {
                case .closed:
                    return
                case .timedOut(let latest):
                    if bookmarks && cluster.seconds() < end {
                        let bookmark = Resource(Object(["kind": .string(type.kind), "apiVersion": .string(type.apiVersion),
                                                        "metadata": .object(Object(["resourceVersion": .string(String(latest))]))]))
                        var line: [UInt8] = []
                        try? JSONWriter.write(.object(Object(["type": .string("BOOKMARK"), "object": bookmark.value])), style: .compact, into: &line)
                        line.append(UInt8(ascii: "\n"))
                        guard writer.write(line) else { return }
                    }
                case .changes(let changes, let last):
                    for change in changes where (namespace == nil || change.namespace == namespace) {
                        if events && change.type == Self.podStorageKey && change.kind != .deleted {
                            guard let pod = change.object else { continue }
                            // Derived as a list derives them: not where a stored event says the same.
                            let derivedEvents = (try? cluster.read { store, now -> [Resource] in
                                var owners = EventLog.NodeNamedOwners()
                                return EventLog.lifecycleEvents(of: pod, now: now, stored: EventLog.storedKeys(try store.list(stored, namespace: pod.namespace).filter {
                                    $0.value.at("involvedObject", "uid")?.stringValue == pod.uid
                                }), nodeNamed: try owners.namesItsNode(pod, store: store))
                            }) ?? []
                            for event in derivedEvents where name == nil || event.name == name {
                                let count = event.value["count"]
                                let seen = derived[event.name]
                                if seen == count { continue }
                                derived[event.name] = count
                                let shown = view ? EventsV1.fromCore(event) : event
                                guard selection.matches(shown) else { continue }
                                guard send(seen == nil ? "ADDED" : "MODIFIED", shown) else { return }
                            }
                            continue
                        }
                        guard change.type == stored.storageKey, name == nil || change.name == name else { continue }
                        guard let object = change.object.map({ view ? EventsV1.fromCore($0) : $0 }), selection.matches(object) else { continue }
                        if events { derived[object.name] = object.value["count"] ?? object.value["deprecatedCount"] }
                        guard send(change.kind.rawValue, object) else { return }
                    }
                    position = last
                }
            }
        }
    }
}

/// A list's or watch's label and field selectors.
struct Selection {
    var labels: LabelSelector?
    var fields: FieldSelector?

    func matches(_ object: Resource) -> Bool {
        (labels?.matches(object.labels) ?? true) && (fields?.matches(object) ?? true)
    }
}

/// The compact stored form of an event the simulation recorded: the fields `SimEvent` reads
/// back, as a compact pod's line holds a pod's (`CompactPod`), with no template (an empty id).
/// A kubelet's `Pulling` event is 0.6 kB of JSON in full, about a third of it so. Readers get
/// the full Event (`expand`: the SimEvent encoded again); debug builds check at every save that
/// it is the object replaced (`StateStore.Prepared`).
enum CompactEvent {
    /// The line of an event (as stored: its resourceVersion set) in compact form.
    static func line(_ resource: Resource) throws(StoreError) -> [UInt8] {
        let e = SimEvent(loading: resource)
        var members: [Object.Member] = []
        func add(_ key: String, _ value: Value) { members.append(Object.Member(key: key, value: value)) }
        if let version = resource.metadata["resourceVersion"] { add("rv", version) }
        add("kind", .string(e.involvedKind))
        add("object", .string(e.involvedName))
        add("uid", .string(e.involvedUID))
        add("type", .string(e.type))
        add("reason", .string(e.reason))
        add("message", .string(e.message))
        add("component", .string(e.component))
        add("first", .int(e.first.milliseconds))
        add("last", .int(e.last.milliseconds))
        add("count", .int(e.count))
        var bytes: [UInt8] = [CompactPod.mark, 0x09]
        do {
            try JSONWriter.write(.object(Object(members)), style: .compact, into: &bytes)
        } catch {
            throw .conflict("event \(e.namespace)/\(e.name) holds a number JSON cannot store (\(error.value))")
        }
        return bytes
    }

    /// The event a compact line stands for, and its resourceVersion; checked as strictly as
    /// `StoredObjects` checks a stored event.
    static func event(_ o: Object, namespace: String, name: String) -> Result<(event: SimEvent, resourceVersion: String?), CompactPod.Damage> {
        var reader = CompactPod.Reader(object: o)
        let kind = reader.string("kind"), object = reader.string("object"), uid = reader.string("uid"), type = reader.string("type")
        let reason = reader.string("reason"), message = reader.string("message"), component = reader.string("component")
        let first = reader.time("first"), last = reader.time("last"), count = reader.int("count"), version = reader.string("rv")
        if let problem = reader.problem { return .failure(CompactPod.Damage(reason: problem)) }
        guard let kind, let object, let uid, let type, let reason, let message, let component, let first, let last, let count else {
            return .failure(CompactPod.Damage(reason: "its compact line lacks a field"))
        }
        guard StoredObjects.int32.contains(count) else {
            return .failure(CompactPod.Damage(reason: "count: Invalid value: \(count): must be between 0 and \(Int32.max)"))
        }
        let e = SimEvent(namespace: namespace, involvedKind: kind, involvedName: object, involvedUID: uid, type: type, reason: reason,
                         message: message, component: component, first: first, last: last, count: count, name: name)
        return .success((e, version))
    }

    /// The full Event a compact line stands for.
    static func expand(_ o: Object, namespace: String, name: String) -> Result<Resource, CompactPod.Damage> {
        switch event(o, namespace: namespace, name: name) {
        case .failure(let damage): return .failure(damage)
        case .success(let read):
            var resource = read.event.encoded()
            if let version = read.resourceVersion {
                var meta = resource.metadata
                meta["resourceVersion"] = .string(version)
                resource.metadata = meta
            }
            return .success(resource)
        }
    }
}

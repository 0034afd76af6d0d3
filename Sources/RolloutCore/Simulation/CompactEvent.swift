/// The compact stored form of an event the simulation recorded: the fields `SimEvent` reads
/// back, as a compact pod's line holds a pod's (`CompactPod`), with no template (an empty id).
/// A kubelet's `Pulling` event is 0.6 kB of JSON in full, about a third of it so. Readers get
/// the full Event (`expand`: the SimEvent encoded again); debug builds check at every save that
/// it is the object replaced (`StateStore.Prepared`).
enum CompactEvent {
    /// The line of an event (as stored: its resourceVersion set) in compact form
    /// (`CompactLineWriter`).
    static func line(_ resource: Resource) throws(StoreError) -> [UInt8] {
        try line(SimEvent(loading: resource), resourceVersion: resource.metadata["resourceVersion"])
    }

    /// The line of an event as its object reads back (`SimEvent.writtenForm`), with this
    /// resourceVersion.
    static func line(_ e: SimEvent, resourceVersion: Value?) throws(StoreError) -> [UInt8] {
        var w = CompactLineWriter(prefix: [CompactPod.mark, 0x09])
        w.open(UInt8(ascii: "{"))
        if let version = resourceVersion {
            w.key(EventMember.rv)
            do {
                try w.value(version)
            } catch {
                throw .conflict("event \(e.namespace)/\(e.name) holds a number JSON cannot store (\(error.value))")
            }
        }
        w.key(EventMember.kind); w.string(e.involvedKind)
        w.key(EventMember.object); w.string(e.involvedName)
        w.key(EventMember.uid); w.string(e.involvedUID)
        w.key(EventMember.type); w.string(e.type)
        w.key(EventMember.reason); w.string(e.reason)
        w.key(EventMember.message); w.string(e.message)
        w.key(EventMember.component); w.string(e.component)
        w.key(EventMember.first); w.int(e.first.milliseconds)
        w.key(EventMember.last); w.int(e.last.milliseconds)
        w.key(EventMember.count); w.int(e.count)
        w.close(UInt8(ascii: "}"))
        return w.finished()
    }

    /// The event a compact line stands for, and its resourceVersion; checked as strictly as
    /// `StoredObjects` checks a stored event.
    static func event(_ o: Object, namespace: String, name: String) -> Result<(event: SimEvent, resourceVersion: String?), CompactPod.Damage> {
        var reader = CompactPod.Reader(object: o)
        let kind = reader.string(EventMember.kind), object = reader.string(EventMember.object), uid = reader.string(EventMember.uid)
        let type = reader.string(EventMember.type), reason = reader.string(EventMember.reason), message = reader.string(EventMember.message)
        let component = reader.string(EventMember.component), first = reader.time(EventMember.first), last = reader.time(EventMember.last)
        let count = reader.int(EventMember.count), version = reader.string(EventMember.rv)
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
    static func expand(_ event: SimEvent, resourceVersion: String?) -> Resource {
        var resource = event.encoded()
        if let resourceVersion {
            var meta = resource.metadata
            meta["resourceVersion"] = .string(resourceVersion)
            resource.metadata = meta
        }
        return resource
    }
}

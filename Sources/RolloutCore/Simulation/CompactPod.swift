import Foundation

/// The compact stored form of a pod that runs its ReplicaSet's template unchanged: a line of
/// what the simulation reads back (`StoredPod`) and the id of the template, which its shard's
/// file holds once for all its pods (`PodTemplateBlob`). A 10,000-replica Deployment's pods
/// are 2.5 kB of JSON each in full, about 0.5 kB so; loading reads no spec or status text and
/// saving writes none.
///
/// Whoever reads such a pod from the store gets the full object, made by loading it as the
/// simulation does and encoding it again (`expand`). The simulation writes a pod compact only
/// when that gives back the object it would have written in full; debug builds (the tests)
/// check it at every save (`StateStore.Prepared`).
enum CompactPod {
    /// A compact line is this byte, the template's id, a tab and the fields as JSON: it cannot
    /// be taken for a JSON object, which starts with `{`.
    static let mark: UInt8 = 0x01

    /// The template id and the JSON of a compact line, nil for a full one.
    static func split(_ line: ArraySlice<UInt8>) -> (id: String, json: ArraySlice<UInt8>)? {
        guard line.first == mark, let tab = line.firstIndex(of: 0x09) else { return nil }
        return (String(decoding: line[(line.startIndex + 1)..<tab], as: UTF8.self), line[(tab + 1)...])
    }

    /// The line of a pod in compact form (`CompactLineWriter`: as writing these members as a
    /// JSON object would).
    static func line(_ stored: StoredPod, template: PodTemplateBlob) -> [UInt8] {
        var w = CompactLineWriter(prefix: [mark] + Array(template.id.utf8) + [0x09])
        func time(_ member: some CompactMember, _ t: Timestamp?) {
            if let t { w.key(member); w.int(t.milliseconds) }
        }
        func string(_ member: PodMember, _ s: String?) {
            if let s { w.key(member); w.string(s) }
        }
        func termination(_ t: SimContainer.Termination) {
            w.open(UInt8(ascii: "["))
            w.string(t.reason); w.int(t.exitCode); w.int(t.startedAt.milliseconds); w.int(t.finishedAt.milliseconds)
            w.close(UInt8(ascii: "]"))
        }
        w.open(UInt8(ascii: "{"))
        string(.rv, stored.resourceVersion)
        string(.uid, stored.uid)
        time(PodMember.created, stored.created)
        w.key(PodMember.labels)
        // (Its ReplicaSet's labels, as they are most often — a loaded pod's the very
        // dictionary, compared without being read — written as the template has them.)
        if let shared = template.labels, stored.labels == shared.labels {
            w.written(shared.line)
        } else {
            w.labels(stored.labels)
        }
        if let owner = stored.owner {
            w.key(PodMember.owner)
            w.open(UInt8(ascii: "["))
            w.string(owner.kind); w.string(owner.name); w.string(owner.uid)
            w.close(UInt8(ascii: "]"))
        }
        string(.node, stored.nodeName)
        string(.ip, stored.ip)
        string(.hostIP, stored.hostIP)
        time(PodMember.scheduled, stored.scheduledAt)
        if stored.ready { w.key(PodMember.ready); w.bool(true) }
        time(PodMember.readySince, stored.readySince)
        time(PodMember.initialized, stored.initializedAt)
        time(PodMember.admitted, stored.admittedAt)
        if let disruption = stored.disruption {
            w.key(PodMember.disruption)
            w.open(UInt8(ascii: "["))
            w.string(disruption.reason); w.string(disruption.message); w.int(disruption.at.milliseconds)
            w.close(UInt8(ascii: "]"))
        }
        w.key(PodMember.containers)
        w.open(UInt8(ascii: "["))
        for c in stored.containers {
            w.open(UInt8(ascii: "{"))
            w.key(ContainerMember.name); w.string(c.name)
            w.key(ContainerMember.restarts); w.int(c.restarts)
            if c.ready { w.key(ContainerMember.ready); w.bool(true) }
            if c.started { w.key(ContainerMember.started); w.bool(true) }
            switch c.state {
            case .running(let since)?: time(ContainerMember.running, since)
            case .waiting(let reason, let message)?:
                w.key(ContainerMember.waiting)
                w.open(UInt8(ascii: "["))
                w.string(reason)
                if let message { w.string(message) }
                w.close(UInt8(ascii: "]"))
            case .terminated(let t)?: w.key(ContainerMember.terminated); termination(t)
            case nil: break
            }
            if let last = c.last { w.key(ContainerMember.last); termination(last) }
            w.close(UInt8(ascii: "}"))
        }
        w.close(UInt8(ascii: "]"))
        time(PodMember.deletion, stored.deletion)
        if let grace = stored.deletionGrace { w.key(PodMember.grace); w.int(grace) }
        string(.unschedulable, stored.unschedulable)
        string(.nominated, stored.nominated)
        w.close(UInt8(ascii: "}"))
        return w.finished()
    }

    /// What a compact line says, or why it cannot be read.
    static func stored(_ object: Object, namespace: String, name: String) -> Result<StoredPod, Damage> {
        var reader = Reader(object: object)
        return reader.read(namespace: namespace, name: name)
    }

    struct Damage: Error { var reason: String }

    /// Times as the API's RFC 3339 text can hold them: years 0 to 9999.
    static let times = -62_167_219_200_000...253_402_300_800_999

    /// A compact line as stored: what it says, its template (none for an event,
    /// `CompactEvent`) and its key.
    struct Line: @unchecked Sendable {
        /// What the line says: read at once (`CompactLineReader`), or its JSON object, for
        /// `Reader` to read and say what is wrong with it.
        enum Fields {
            case json(Object)
            case pod(StoredPod)
            case event(SimEvent, resourceVersion: String?)
        }

        var fields: Fields
        var template: PodTemplateBlob?
        var namespace: String
        var name: String

        init(object: Object, template: PodTemplateBlob?, namespace: String, name: String) {
            self.init(fields: .json(object), template: template, namespace: namespace, name: name)
        }

        init(fields: Fields, template: PodTemplateBlob?, namespace: String, name: String) {
            self.fields = fields
            self.template = template
            self.namespace = namespace
            self.name = name
        }

        /// The line of `json` (after the template's id; `pod`: it has one), read at once when
        /// `CompactLineReader` takes it, else parsed by `parse`, which throws when it is not
        /// even JSON.
        static func read(_ json: ArraySlice<UInt8>, template: PodTemplateBlob?, pod: Bool, namespace: String, name: String,
                         parse: (ArraySlice<UInt8>) throws(StoreError) -> Object) throws(StoreError) -> Line {
            if pod, let stored = CompactLineReader.pod(json, namespace: namespace, name: name, labels: template?.labels) {
                return Line(fields: .pod(stored), template: template, namespace: namespace, name: name)
            }
            if !pod, let read = CompactLineReader.event(json, namespace: namespace, name: name) {
                return Line(fields: .event(read.event, resourceVersion: read.resourceVersion), template: template, namespace: namespace, name: name)
            }
            return Line(object: try parse(json), template: template, namespace: namespace, name: name)
        }

        /// What it says of a pod, or why it cannot be read.
        func pod() -> Result<StoredPod, Damage> {
            switch fields {
            case .pod(let stored): return .success(stored)
            case .json(let object): return CompactPod.stored(object, namespace: namespace, name: name)
            case .event: return .failure(Damage(reason: "it is stored as an event's compact line"))
            }
        }

        /// What it says of an event and its resourceVersion, or why it cannot be read.
        func event() -> Result<(event: SimEvent, resourceVersion: String?), Damage> {
            switch fields {
            case .event(let event, let version): return .success((event, version))
            case .json(let object): return CompactEvent.event(object, namespace: namespace, name: name)
            case .pod: return .failure(Damage(reason: "it is stored as a pod's compact line"))
            }
        }

        /// The full object it stands for.
        func expanded() -> Result<Resource, Damage> {
            guard let template else { return event().map { CompactEvent.expand($0.event, resourceVersion: $0.resourceVersion) } }
            if let damage = template.damage { return .failure(Damage(reason: damage)) }
            return pod().map { CompactPod.expand($0, template: template) }
        }
    }

    /// A stored object as read: in full, or a compact pod.
    enum Stored: @unchecked Sendable {
        case full(Resource)
        case compact(Line)

        /// The object in full (a compact pod expanded).
        func resource() -> Result<Resource, Damage> {
            switch self {
            case .full(let resource): return .success(resource)
            case .compact(let line): return line.expanded()
            }
        }
    }

    /// The full Pod object a compact line stands for: loaded as the simulation loads it and
    /// encoded again, with the resourceVersion it was stored under.
    static func expand(_ stored: StoredPod, template: PodTemplateBlob) -> Resource {
        let pod = SimPod.make(stored, template: template.template, keptMetadata: nil, behaviour: template.behaviour, memory: nil,
                              now: stored.created)
        pod.schedulingFailure = stored.unschedulable
        var resource = pod.encoded(now: stored.created)
        if let version = stored.resourceVersion {
            var meta = resource.metadata
            meta["resourceVersion"] = .string(version)
            resource.metadata = meta
        }
        return resource
    }

    /// Reads a compact line's fields strictly: a damaged line is an error, never a guess.
    /// (Also `CompactEvent`'s reader.)
    struct Reader {
        let object: Object
        var problem: String?

        static let times = CompactPod.times

        mutating func fail(_ text: String) { if problem == nil { problem = text } }

        mutating func string(_ member: some CompactMember, in o: Object? = nil) -> String? {
            let key = member.name
            guard let v = (o ?? object)[key] else { return nil }
            guard case .string(let s) = v else { fail("\(key) is not a string"); return nil }
            return s
        }

        mutating func int(_ member: some CompactMember, in o: Object? = nil) -> Int? {
            let key = member.name
            guard let v = (o ?? object)[key] else { return nil }
            guard case .int(let n) = v else { fail("\(key) is not an integer"); return nil }
            return n
        }

        mutating func time(_ member: some CompactMember, in o: Object? = nil) -> Timestamp? {
            guard let n = int(member, in: o) else { return nil }
            guard Self.times.contains(n) else { fail("\(member.name) is not a time"); return nil }
            return Timestamp(milliseconds: n)
        }

        mutating func time(_ v: Value, _ what: String) -> Timestamp? {
            guard case .int(let n) = v, Self.times.contains(n) else { fail("\(what) is not a time"); return nil }
            return Timestamp(milliseconds: n)
        }

        mutating func bool(_ member: some CompactMember, in o: Object? = nil) -> Bool {
            let key = member.name
            guard let v = (o ?? object)[key] else { return false }
            guard case .bool(let b) = v else { fail("\(key) is not a boolean"); return false }
            return b
        }

        mutating func strings(_ v: Value?, _ what: String, count: ClosedRange<Int>) -> [Value]? {
            guard let v else { return nil }
            guard case .array(let items) = v, count.contains(items.count) else { fail("\(what) is malformed"); return nil }
            return items
        }

        mutating func termination(_ v: Value?, _ what: String) -> SimContainer.Termination? {
            guard let items = strings(v, what, count: 4...4) else { return nil }
            guard case .string(let reason) = items[0], case .int(let code) = items[1],
                  let started = time(items[2], what), let finished = time(items[3], what) else {
                fail("\(what) is malformed")
                return nil
            }
            return SimContainer.Termination(reason: reason, exitCode: code, startedAt: started, finishedAt: finished)
        }

        mutating func read(namespace: String, name: String) -> Result<StoredPod, Damage> {
            var labels: [String: String] = [:]
            if let v = object[PodMember.labels.name] {
                guard case .object(let o) = v else { return .failure(Damage(reason: "labels is not a map")) }
                for m in o.members {
                    guard case .string(let s) = m.value else { return .failure(Damage(reason: "label \(m.key) is not a string")) }
                    labels[m.key] = s
                }
            }
            var owner: StoredPod.Owner?
            if let items = strings(object[PodMember.owner.name], PodMember.owner.name, count: 3...3) {
                guard case .string(let kind) = items[0], case .string(let ownerName) = items[1], case .string(let uid) = items[2] else {
                    return .failure(Damage(reason: "owner is malformed"))
                }
                owner = StoredPod.Owner(kind: kind, name: ownerName, uid: uid)
            }
            var disruption: StoredPod.Disruption?
            if let items = strings(object[PodMember.disruption.name], PodMember.disruption.name, count: 3...3) {
                guard case .string(let reason) = items[0], case .string(let message) = items[1], let at = time(items[2], PodMember.disruption.name) else {
                    return .failure(Damage(reason: "disruption is malformed"))
                }
                disruption = StoredPod.Disruption(reason: reason, message: message, at: at)
            }
            var containers: [StoredPod.Container] = []
            if let v = object[PodMember.containers.name] {
                guard case .array(let items) = v else { return .failure(Damage(reason: "containers is not a list")) }
                for item in items {
                    guard case .object(let c) = item, let containerName = string(ContainerMember.name, in: c) else {
                        return .failure(Damage(reason: "a container has no name"))
                    }
                    var state: SimContainer.State?
                    if c[ContainerMember.running.name] != nil {
                        guard let since = time(ContainerMember.running, in: c) else { return .failure(Damage(reason: problem ?? "running is malformed")) }
                        state = .running(since: since)
                    } else if let items = strings(c[ContainerMember.waiting.name], ContainerMember.waiting.name, count: 1...2) {
                        guard case .string(let reason) = items[0] else { return .failure(Damage(reason: "waiting is malformed")) }
                        var message: String?
                        if items.count == 2 {
                            guard case .string(let m) = items[1] else { return .failure(Damage(reason: "waiting is malformed")) }
                            message = m
                        }
                        state = .waiting(reason, message: message)
                    } else if let t = termination(c[ContainerMember.terminated.name], ContainerMember.terminated.name) {
                        state = .terminated(t)
                    }
                    // As StoredObjects checks restartCount: what a kubelet could have counted.
                    let restarts = int(ContainerMember.restarts, in: c) ?? 0
                    guard StoredObjects.int32.contains(restarts) else {
                        return .failure(Damage(reason: "containers[\(containers.count)].restarts: Invalid value: \(restarts): must be between 0 and \(Int32.max)"))
                    }
                    containers.append(StoredPod.Container(name: containerName, restarts: restarts, ready: bool(ContainerMember.ready, in: c), state: state,
                                                          last: termination(c[ContainerMember.last.name], ContainerMember.last.name),
                                                          started: bool(ContainerMember.started, in: c)))
                }
            }
            guard let uid = string(PodMember.uid), let created = time(PodMember.created) else {
                return .failure(Damage(reason: problem ?? "it has no uid or creation time"))
            }
            let stored = StoredPod(name: name, namespace: namespace, uid: uid, owner: owner, labels: labels, created: created,
                                   nodeName: string(PodMember.node), ip: string(PodMember.ip), hostIP: string(PodMember.hostIP),
                                   scheduledAt: time(PodMember.scheduled), ready: bool(PodMember.ready), readySince: time(PodMember.readySince),
                                   initializedAt: time(PodMember.initialized), disruption: disruption, admittedAt: time(PodMember.admitted),
                                   containers: containers, deletion: time(PodMember.deletion), deletionGrace: int(PodMember.grace),
                                   unschedulable: string(PodMember.unschedulable), nominated: string(PodMember.nominated),
                                   resourceVersion: string(PodMember.rv))
            if let problem { return .failure(Damage(reason: problem)) }
            return .success(stored)
        }
    }
}

/// A ReplicaSet's pod template as its compact pods share it: the `spec.template` it was made
/// from (whose AppBehaviour the pods run) and the pod template with admission's defaults
/// (`ReplicaSetController.podTemplate`). Stored once per shard, named by a hash of its text.
final class PodTemplateBlob: @unchecked Sendable {
    let id: String
    /// `{"source":…,"template":…}` as the shard file holds it.
    let json: [UInt8]
    let source: Object
    let template: Object
    let behaviour: AppBehaviour
    /// Why the template cannot be used (its line is damaged, or missing): every pod naming it
    /// is damaged then, and can be force-deleted, as any damaged object can.
    let damage: String?
    /// The labels of the ReplicaSet's template — a pod's labels when its ReplicaSet made it
    /// and nobody changed them — with their compact line's bytes (`CompactLineWriter.labels`)
    /// and their listing row's (`ListingRow.encodeLabels`): a pod's line whose labels are those
    /// bytes is given this dictionary at load (`CompactLineReader`), shared, instead of one made
    /// for each pod (a tenth of reading a pod's line, and one dictionary in memory for all of
    /// its ReplicaSet's pods), and a pod with these labels is written with these bytes. Nil
    /// when the template has no labels or one is not a string.
    let labels: SharedLabels?

    struct SharedLabels: @unchecked Sendable {
        let labels: [String: String]
        let line: [UInt8]
        let row: [UInt8]
    }

    /// `labels`: the ReplicaSet's pod labels as the cluster holds them (`Cluster.PodTemplate`),
    /// kept as this template's when they are its labels — its pods have that very dictionary,
    /// so a save compares theirs with it without reading them.
    init(source: Object, template: Object, labels podLabels: [String: String]? = nil) throws(StoreError) {
        var bytes: [UInt8] = []
        do {
            try JSONWriter.write(.object(Object(["source": .object(source), "template": .object(template)])), style: .compact, into: &bytes)
        } catch {
            throw .conflict("a pod template holds a number JSON cannot store (\(error.value))")
        }
        json = bytes
        id = Self.hash(bytes)
        self.source = source
        self.template = template
        behaviour = AppBehaviour(template: .object(source))
        damage = nil
        let made = Self.labels(of: source)
        if let made, let podLabels, podLabels == made.labels {
            labels = SharedLabels(labels: podLabels, line: made.line, row: made.row)
        } else {
            labels = made
        }
    }

    /// A template read from a shard file.
    init(id: String, json: ArraySlice<UInt8>) {
        self.id = id
        self.json = Array(json)
        guard case .object(let o)? = try? JSONReader.parse(json), case .object(let source)? = o["source"], case .object(let template)? = o["template"] else {
            source = Object()
            template = Object()
            behaviour = AppBehaviour(template: .object(Object()))
            damage = "its pod template \(id) is damaged (not a source and a template)"
            labels = nil
            return
        }
        self.source = source
        self.template = template
        behaviour = AppBehaviour(template: .object(source))
        damage = nil
        labels = Self.labels(of: source)
    }

    /// `labels` of the ReplicaSet's template (`source`; the pod template made from it leaves
    /// the labels to each pod's line).
    private static func labels(of template: Object) -> SharedLabels? {
        guard case .object(let metadata)? = template["metadata"], case .object(let o)? = metadata["labels"], !o.members.isEmpty else { return nil }
        var labels: [String: String] = [:]
        for m in o.members {
            guard case .string(let value) = m.value, labels.updateValue(value, forKey: m.key) == nil else { return nil }
        }
        var w = CompactLineWriter(prefix: [])
        w.labels(labels)
        var row: [UInt8] = []
        ListingRow.encodeLabels(labels, into: &row)
        return SharedLabels(labels: labels, line: w.finished(), row: row)
    }

    /// A template a compact line names that its table's templates file does not hold, or
    /// that cannot be read (`reason`: why the file cannot).
    init(missing id: String, because reason: String? = nil) {
        self.id = id
        json = []
        source = Object()
        template = Object()
        behaviour = AppBehaviour(template: .object(Object()))
        unreadable = reason
        labels = nil
        damage = reason.map { "its pod template \(id) cannot be read: \($0)" } ?? "it names pod template \(id), which its table's templates file does not hold"
    }

    /// Why the templates file could not be read, if that is why this template is missing.
    private(set) var unreadable: String?

    private let lock = NSLock()
    private var matched: StringMap<Bool> = [:]

    /// Whether this is the template a ReplicaSet's pods now start from (its `spec.template`
    /// and the pod template made from it); asked for each of its pods at load, so compared once.
    func matches(_ shared: Cluster.PodTemplate, replicaSet uid: String) -> Bool {
        lock.lock()
        let known = matched[uid]
        lock.unlock()
        if let known { return known }
        // (A template written before pods mounted their account's token: the same but for
        // that volume — its pods are the ReplicaSet's, and have it, as on a cluster.)
        let result = source == shared.source
            && (template == shared.template || ServiceAccounts.withoutTokenVolume(shared.template).map { template == $0 } == true)
        lock.lock()
        matched[uid] = result
        lock.unlock()
        return result
    }

    /// 16 hex digits of FNV-1a over the text.
    static func hash(_ bytes: [UInt8]) -> String {
        let digits = String(FNV1a.hash(bytes), radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

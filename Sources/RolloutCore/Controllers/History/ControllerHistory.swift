/// ControllerRevisions, the history StatefulSets and DaemonSets keep of their templates
/// (`pkg/controller/history/controller_history.go`).
public enum ControllerHistory {
    public static let type = ResourceType.forObject(apiVersion: "apps/v1", kind: "ControllerRevision")
    /// `ControllerRevisionHashLabel`.
    public static let hashLabel = "controller.kubernetes.io/hash"

    /// `HashControllerRevision`: FNV-1 (`fnv.New32`, not 1a) over the revision's data, then
    /// the collision count in decimal, printed in decimal through `SafeEncodeString`. The data
    /// is our JSON of it (keys sorted), not Go's bytes: names have upstream's shape, not its
    /// values (as `pod-template-hash`, DeploymentController.templateHash).
    public static func hash(data: Value, probe: Int?) -> String {
        var bytes: [UInt8] = []
        try? JSONWriter.write(data, style: .compact, keys: .sorted, into: &bytes)
        if let probe { bytes += Array(String(probe).utf8) }
        var hash: UInt32 = 2_166_136_261
        for byte in bytes { hash = (hash &* 16_777_619) ^ UInt32(byte) }
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        return String(String(hash).unicodeScalars.map { alphabet[Int($0.value) % alphabet.count] })
    }

    /// `ControllerRevisionName`: the prefix cut to 223 bytes, a dash, the hash.
    public static func name(prefix: String, hash: String) -> String {
        let cut = prefix.utf8.count > 223 ? String(decoding: Array(prefix.utf8.prefix(223)), as: UTF8.self) : prefix
        return "\(cut)-\(hash)"
    }

    /// `NewControllerRevision` (and the DaemonSet's `snapshot`): a revision of `owner`'s
    /// template, named `name`, labelled with the template's labels and `label` (the hash),
    /// annotated as the owner is, owned by it.
    static func make(owner: Resource, name: String, label: (key: String, value: String), template: Object, data: Value, number: Int, in c: Cluster) -> Resource {
        var labels = template["metadata"]?["labels"]?.objectValue ?? Object()
        labels[label.key] = .string(label.value)
        var meta = Object(["name": .string(name), "namespace": .string(owner.namespace ?? "default"), "uid": .string(c.newUID()),
                           "creationTimestamp": .string(c.now.description), "labels": .object(labels)])
        if let annotations = owner.metadata["annotations"], annotations.objectValue?.count ?? 0 > 0 { meta["annotations"] = annotations }
        meta["ownerReferences"] = .array([.object(Object([
            "apiVersion": .string("apps/v1"), "kind": .string(owner.kind), "name": .string(owner.name), "uid": .string(owner.uid),
            "controller": .bool(true), "blockOwnerDeletion": .bool(true),
        ]))])
        return Resource(Object([
            "apiVersion": .string("apps/v1"), "kind": .string("ControllerRevision"), "metadata": .object(meta), "data": data, "revision": .int(number),
        ]))
    }

    /// A revision's `revision` number.
    public static func number(_ r: Resource) -> Int { r.object["revision"]?.intValue ?? 0 }

    /// `SortControllerRevisions`: by revision, then creation time, then name.
    public static func sorted(_ revisions: [Resource]) -> [Resource] {
        revisions.sorted { a, b in
            let (ra, rb) = (number(a), number(b))
            if ra != rb { return ra < rb }
            let (ca, cb) = (a.creationTimestamp ?? "", b.creationTimestamp ?? "")
            return ca == cb ? a.name < b.name : ca < cb
        }
    }

    /// `EqualRevision`: the same data. Compared as values with nulls left out, keys in any
    /// order, so that a revision imported from a cluster (Go's bytes, `creationTimestamp: null`)
    /// equals ours for the same template.
    public static func equal(_ a: Value?, _ b: Value?) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        func clean(_ v: Value) -> Value { v.objectValue.map { .object($0.withoutNulls) } ?? v }
        return DeploymentController.equalIgnoringKeyOrder(clean(a), clean(b))
    }

    /// The revisions a controller owns (`ListControllerRevisions`: matching its selector and
    /// owned by it or by no controller).
    static func owned(by owner: Resource, selector: LabelSelector?, among all: [Resource]) -> [Resource] {
        all.filter { r in
            guard r.namespace == owner.namespace, selector?.matches(r.labels) ?? false else { return false }
            return r.ownerReferences.isEmpty || r.ownerReferences.contains { $0.uid == owner.uid }
        }
    }
}

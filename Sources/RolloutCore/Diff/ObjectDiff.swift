/// `rollout diff`: the live object and the object apply would make, both printed as
/// `kubectl get -o yaml` prints them, without the fields that change on every write or belong
/// to the cluster (`managedFields`, `resourceVersion`, `generation`, `status`), with Secret
/// values masked as kubectl masks them.
public enum ObjectDiff {
    public struct Pair: Sendable {
        /// `apps.v1.Deployment.default.web`: the file name kubectl gives both sides.
        public var name: String
        public var live: String
        public var merged: String
    }

    public static func pair(live: Resource?, merged: Resource?) -> Pair {
        let reference = merged ?? live ?? Resource(Object())
        var liveValue = live.map { clean($0) }
        var mergedValue = merged.map { clean($0) }
        if reference.kind == "Secret" && reference.type.group.isEmpty {
            mask(&liveValue, &mergedValue)
            liveValue = liveValue.map(maskLastApplied)
            mergedValue = mergedValue.map(maskLastApplied)
        }
        let type = reference.type
        let group = type.group.isEmpty ? "" : "\(type.group)."
        var name = "\(group)\(type.version).\(type.kind)."
        if type.namespaced { name += "\(reference.namespace ?? "default")." }
        name += reference.name
        return Pair(name: name, live: liveValue.map { YAMLWriter.string(.object($0)) } ?? "",
                    merged: mergedValue.map { YAMLWriter.string(.object($0)) } ?? "")
    }

    /// `diff -u -N LIVE/<name> MERGED/<name>` and its hunks; empty when equal.
    public static func unified(_ pair: Pair) -> String {
        let hunks = UnifiedDiff.hunks(old: lines(pair.live), new: lines(pair.merged))
        if hunks.isEmpty { return "" }
        return "diff -u -N LIVE/\(pair.name) MERGED/\(pair.name)\n--- LIVE/\(pair.name)\n+++ MERGED/\(pair.name)\n" + hunks
    }

    static func lines(_ text: String) -> [String] {
        var parts = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if parts.last == "" { parts.removeLast() }
        return parts
    }

    static func clean(_ resource: Resource) -> Object {
        var object = resource.object
        object["status"] = nil
        var meta = resource.metadata
        for key in ["managedFields", "resourceVersion", "generation"] { meta[key] = nil }
        object["metadata"] = .object(meta)
        return object
    }

    /// The last-applied annotation of a Secret holds its values too: mask them there as well
    /// (kubectl leaves them visible; we promise never to show a Secret value).
    static func maskLastApplied(_ object: Object) -> Object {
        var object = object
        guard var meta = object["metadata"]?.objectValue, var annotations = meta["annotations"]?.objectValue,
              let text = annotations[Applier.lastAppliedAnnotation]?.stringValue,
              case .object(var applied)? = try? JSONReader.parse(text) else { return object }
        for field in ["data", "stringData"] {
            guard var values = applied[field]?.objectValue else { continue }
            for i in values.members.indices { values.members[i].value = .string("***") }
            applied[field] = .object(values)
        }
        annotations[Applier.lastAppliedAnnotation] = ((try? JSONWriter.string(.object(applied))).map { .string($0 + "\n") })
        meta["annotations"] = .object(annotations)
        object["metadata"] = .object(meta)
        return object
    }

    /// kubectl's masker: equal values become `***`; changed ones `*** (before)` and
    /// `*** (after)`, so a reader learns which keys changed and nothing else.
    static func mask(_ live: inout Object?, _ merged: inout Object?) {
        for field in ["data", "stringData"] {
            let before = live?[field]?.objectValue, after = merged?[field]?.objectValue
            if var before {
                for i in before.members.indices {
                    let key = before.members[i].key
                    let changed = after?[key] != nil && after?[key] != before.members[i].value
                    before.members[i].value = .string(changed ? "*** (before)" : "***")
                }
                live?[field] = .object(before)
            }
            if var after {
                for i in after.members.indices {
                    let key = after.members[i].key
                    let changed = before?[key] != nil && before?[key] != after.members[i].value
                    after.members[i].value = .string(changed ? "*** (after)" : "***")
                }
                merged?[field] = .object(after)
            }
        }
    }

    /// What `apply` would change, object by object: live against merged (`rollout diff`).
    public static func pairs(_ candidates: [Applier.Candidate], store: StateStore) throws(StoreError) -> [Pair] {
        var pairs: [Pair] = []
        for candidate in candidates {
            let live = try store.get(candidate.resource.key)
            // kubectl diff sends the same patch as apply (dry run): the same preconditions.
            try Applier.checkPreconditions(candidate, live: live)
            let merged = Applier.makeObject(candidate, live: live).object
            pairs.append(pair(live: live, merged: merged))
        }
        return pairs
    }
}

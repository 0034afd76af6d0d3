/// kubectl's client-side apply merge: given the configuration applied last time (the
/// `last-applied-configuration` annotation), the live object and the new configuration,
/// compute the new object. Fields in the new configuration win; fields the last
/// configuration had and the new one lacks are removed; everything else in the live object
/// (defaults, fields set by the cluster or by other clients) is kept.
///
/// Lists of built-in kinds merge by their strategic merge key, as `kubectl apply` does for
/// built-in types (containers by `name`, container ports by `containerPort`, …); all other
/// lists, and every list of other kinds, are replaced whole (JSON merge patch semantics).
public enum ThreeWayMerge {
    public static func merge(lastApplied: Value?, live: Value, desired: Value, strategicLists: Bool) -> Value {
        merge(original: lastApplied, live: live, desired: desired, parentKey: nil, strategic: strategicLists)
    }

    private static func merge(original: Value?, live: Value?, desired: Value, parentKey: String?, strategic: Bool) -> Value {
        switch (live, desired) {
        case (.object(var result)?, .object(let wanted)):
            let before = original?.objectValue
            for member in wanted.members {
                if member.value == .null {
                    result[member.key] = nil
                } else {
                    result[member.key] = merge(original: before?[member.key], live: result[member.key], desired: member.value, parentKey: member.key, strategic: strategic)
                }
            }
            for member in before?.members ?? [] where wanted[member.key] == nil {
                result[member.key] = nil
            }
            // `patchStrategy: retainKeys` (Deployment `strategy`, DaemonSet and StatefulSet
            // `updateStrategy`): keys the new configuration leaves out are cleared, so switching
            // to `type: Recreate` drops the defaulted `rollingUpdate`.
            if strategic, let parentKey, Self.retainKeysFields.contains(parentKey) {
                result.members.removeAll { wanted[$0.key] == nil }
            }
            return .object(result)
        case (.array(let liveItems)?, .array(let wantedItems)):
            guard strategic, let parentKey, let mergeKey = mergeKey(for: parentKey, items: wantedItems + liveItems) else { return desired }
            return .array(mergeList(original: original?.arrayValue ?? [], live: liveItems, desired: wantedItems, mergeKey: mergeKey, strategic: strategic))
        default:
            return desired
        }
    }

    static let retainKeysFields: Set<String> = ["strategy", "updateStrategy"]

    /// Whether kubectl's three-way patch is `{}` — then, and only then, it prints `unchanged`
    /// (`apply.go` applyOneObject). `CreateThreeWayMergePatch` (`strategicpatch/patch.go`;
    /// `CreateThreeWayJSONMergePatch` for kinds without a Go type) is the changes from the live
    /// object to the configuration sent, deletions ignored (`diffMaps(current, modified)`), and
    /// the deletions from the last configuration to it, changes ignored (`diffMaps(original,
    /// modified)`). A value differs as decoded JSON does: `0.5` is not `500m`, though the API
    /// server stores one as the other and the object does not change. Lists merged by a key are
    /// compared item by item, the order alone making no patch (`handleSliceDiff` writes
    /// `$setElementOrder` only with a change); other lists are compared whole.
    public static func patchIsEmpty(lastApplied: Value?, live: Value, desired: Value, strategicLists: Bool) -> Bool {
        noChanges(current: live, modified: desired, parentKey: nil, strategic: strategicLists)
            && noDeletions(original: lastApplied, modified: desired, parentKey: nil, strategic: strategicLists)
    }

    /// `diffMaps(current, modified)` with IgnoreDeletions: every value the configuration sends
    /// is there already.
    private static func noChanges(current: Value?, modified: Value, parentKey: String?, strategic: Bool) -> Bool {
        switch (current, modified) {
        case (.object(let have)?, .object(let wanted)):
            // A key the live object lacks is sent, even as null.
            return wanted.members.allSatisfy { member in
                guard let value = have[member.key] else { return false }
                return noChanges(current: value, modified: member.value, parentKey: member.key, strategic: strategic)
            }
        case (.array(let haveItems)?, .array(let wantedItems)):
            guard strategic, let parentKey, let key = mergeKey(for: parentKey, items: wantedItems + haveItems),
                  wantedItems.allSatisfy({ $0[key] != nil }), haveItems.allSatisfy({ $0[key] != nil }) else { return haveItems == wantedItems }
            return wantedItems.allSatisfy { item in
                guard let match = haveItems.first(where: { $0[key] == item[key] }) else { return false }
                return noChanges(current: match, modified: item, parentKey: nil, strategic: strategic)
            }
        default:
            return current == modified
        }
    }

    /// `diffMaps(original, modified)` with IgnoreChangesAndAdditions: nothing the last
    /// configuration had is left out of this one (a key, or an item of a list merged by a key).
    private static func noDeletions(original: Value?, modified: Value, parentKey: String?, strategic: Bool) -> Bool {
        switch (original, modified) {
        case (.object(let before)?, .object(let wanted)):
            return before.members.allSatisfy { member in
                guard let value = wanted[member.key] else { return false }
                return noDeletions(original: member.value, modified: value, parentKey: member.key, strategic: strategic)
            }
        case (.array(let beforeItems)?, .array(let wantedItems)):
            guard strategic, let parentKey, let key = mergeKey(for: parentKey, items: wantedItems + beforeItems),
                  wantedItems.allSatisfy({ $0[key] != nil }), beforeItems.allSatisfy({ $0[key] != nil }) else { return true }
            return beforeItems.allSatisfy { item in
                guard let match = wantedItems.first(where: { $0[key] == item[key] }) else { return false }
                return noDeletions(original: item, modified: match, parentKey: nil, strategic: strategic)
            }
        default:
            return true
        }
    }

    /// The strategic merge key of a list field of a built-in kind, from its field name.
    static func mergeKey(for field: String, items: [Value]) -> String? {
        switch field {
        case "containers", "initContainers", "ephemeralContainers", "env", "volumes", "imagePullSecrets":
            return "name"
        case "hostAliases": return "ip"
        case "volumeMounts": return "mountPath"
        case "volumeDevices": return "devicePath"
        case "ports":
            if items.contains(where: { $0["containerPort"] != nil }) { return "containerPort" }
            if items.contains(where: { $0["port"] != nil }) { return "port" }
            return nil
        default: return nil
        }
    }

    private static func mergeList(original: [Value], live: [Value], desired: [Value], mergeKey: String, strategic: Bool) -> [Value] {
        func key(_ v: Value) -> Value? { v[mergeKey] }
        // Items without a key cannot be matched: fall back to replacing the list.
        guard desired.allSatisfy({ key($0) != nil }), live.allSatisfy({ key($0) != nil }) else { return desired }
        var result: [Value] = []
        var used: Set<Int> = []
        for item in desired {
            let k = key(item)
            let liveIndex = live.indices.first { !used.contains($0) && key(live[$0]) == k }
            if let liveIndex { used.insert(liveIndex) }
            let before = original.first { key($0) == k }
            result.append(merge(original: before, live: liveIndex.map { live[$0] }, desired: item, parentKey: nil, strategic: strategic))
        }
        // Items the cluster or another client added stay; items this configuration had
        // before and dropped now go.
        for (i, item) in live.enumerated() where !used.contains(i) {
            if !original.contains(where: { key($0) == key(item) }) { result.append(item) }
        }
        return result
    }
}

extension Value {
    /// The same value with every object's keys in Go's order, as `json.Marshal` of a map
    /// writes them (kubectl's last-applied annotation).
    public func sortingKeys() -> Value {
        switch self {
        case .object(let object):
            return .object(Object(YAMLWriter.sortedMembers(object).map { Object.Member(key: $0.key, value: $0.value.sortingKeys()) }))
        case .array(let items):
            return .array(items.map { $0.sortingKeys() })
        default:
            return self
        }
    }
}

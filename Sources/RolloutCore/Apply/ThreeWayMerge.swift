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

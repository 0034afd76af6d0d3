/// Who owns which fields of an object (`metadata.managedFields`), and server-side apply, as
/// `sigs.k8s.io/structured-merge-diff` keeps them for the API server
/// (`apiserver/pkg/endpoints/handlers/fieldmanager`): a field set is the set of paths an
/// applied configuration or a write names — `f:NAME` for a field, `k:{"name":"app"}` for an
/// item of a list merged by key, `v:VALUE` for an item of a set of values, `.` for a map or
/// item itself — written as FieldsV1 (a tree of those keys). An apply owns exactly what its
/// configuration names; a field it named before and names no more is removed, unless another
/// manager owns it; setting a field another manager owns to another value is a conflict
/// unless forced, when the field changes owner. Any other write owns what it changed.
enum FieldOwnership {
    typealias Path = [String]

    /// Fields the API server sets and no manager owns (`ResetFieldsStrategy`, metadata).
    static let serverFields: Set<String> = ["uid", "resourceVersion", "generation", "creationTimestamp", "managedFields", "selfLink", "deletionTimestamp", "deletionGracePeriodSeconds"]

    // MARK: field sets

    /// The paths an object names (`ToFieldSet`). `status` counts only for status writes.
    static func fieldSet(_ object: Value, type: ResourceType, status: Bool = false) -> Set<Path> {
        var paths = Set<Path>()
        guard case .object(let o) = object else { return paths }
        for member in o.members {
            switch member.key {
            case "apiVersion", "kind": continue
            case "status" where type.hasStatus && !status: continue
            case "metadata":
                guard case .object(let meta) = member.value else { continue }
                for m in meta.members where !serverFields.contains(m.key) && m.key != "name" && m.key != "namespace" {
                    collect(m.value, field: m.key, at: ["f:metadata"], into: &paths)
                }
                if !meta.members.contains(where: { !serverFields.contains($0.key) && $0.key != "name" && $0.key != "namespace" }) { continue }
            default:
                collect(member.value, field: member.key, at: [], into: &paths)
            }
        }
        return paths
    }

    private static func collect(_ value: Value, field: String, at base: Path, into paths: inout Set<Path>) {
        let path = base + ["f:" + field]
        switch value {
        case .object(let o):
            paths.insert(path + ["."])
            for member in o.members { collect(member.value, field: member.key, at: path, into: &paths) }
        case .array(let items):
            if let key = ThreeWayMerge.mergeKey(for: field, items: items), items.allSatisfy({ $0[key] != nil }) {
                for item in items {
                    let itemPath = path + [itemKey(item, key)]
                    paths.insert(itemPath + ["."])
                    for member in item.objectValue?.members ?? [] { collect(member.value, field: member.key, at: itemPath, into: &paths) }
                }
            } else if Patches.primitiveMergeFields.contains(field) {
                for item in items { paths.insert(path + ["v:" + compact(item)]) }
            } else {
                paths.insert(path)
            }
        default:
            paths.insert(path)
        }
    }

    /// `k:{"name":"app"}`: the item's merge key and value, as JSON.
    static func itemKey(_ item: Value, _ key: String) -> String {
        "k:" + compact(.object(Object([Object.Member(key: key, value: item[key] ?? .null)])))
    }

    private static func compact(_ value: Value) -> String {
        (try? JSONWriter.string(value)) ?? ""
    }

    /// What is at `path` in `object` (nil: absent).
    static func value(at path: Path, in object: Value) -> Value? {
        var current: Value = object
        for element in path {
            if element == "." { return current }
            if element.hasPrefix("f:") {
                guard let next = current[String(element.dropFirst(2))] else { return nil }
                current = next
            } else if element.hasPrefix("k:") {
                guard case .array(let items) = current, case .object(let key)? = try? JSONReader.parse(String(element.dropFirst(2))),
                      let item = items.first(where: { item in key.members.allSatisfy { item[$0.key] == $0.value } }) else { return nil }
                current = item
            } else if element.hasPrefix("v:") {
                guard case .array(let items) = current, let wanted = try? JSONReader.parse(String(element.dropFirst(2))), items.contains(wanted) else { return nil }
                return wanted
            } else {
                return nil
            }
        }
        return current
    }

    /// `.spec.replicas`, `.spec.template.spec.containers[name="app"].image`: how conflicts
    /// name a field.
    static func describe(_ path: Path) -> String {
        var text = ""
        for element in path where element != "." {
            if element.hasPrefix("f:") { text += "." + element.dropFirst(2) }
            else if element.hasPrefix("k:"), case .object(let key)? = try? JSONReader.parse(String(element.dropFirst(2))) {
                text += "[" + key.members.map { "\($0.key)=\(compact($0.value))" }.joined(separator: ",") + "]"
            } else if element.hasPrefix("v:") { text += "[=" + element.dropFirst(2) + "]" }
        }
        return text
    }

    // MARK: FieldsV1

    static func encode(_ paths: Set<Path>) -> Value {
        var root = Object()
        for path in paths.sorted(by: { $0.lexicographicallyPrecedes($1) }) { insert(path[...], into: &root) }
        return .object(root)
    }

    private static func insert(_ path: ArraySlice<String>, into object: inout Object) {
        guard let first = path.first else { return }
        var child = object[first]?.objectValue ?? Object()
        insert(path.dropFirst(), into: &child)
        object[first] = .object(child)
    }

    static func decode(_ value: Value?) -> Set<Path> {
        var paths = Set<Path>()
        func walk(_ value: Value, _ path: Path) {
            guard case .object(let o) = value, !o.members.isEmpty else {
                if !path.isEmpty { paths.insert(path) }
                return
            }
            for member in o.members { walk(member.value, path + [member.key]) }
        }
        if let value { walk(value, []) }
        return paths
    }

    // MARK: managedFields

    struct Entry {
        var manager: String
        var operation: String
        var apiVersion: String
        var time: String
        var subresource: String?
        var fields: Set<Path>

        var value: Value {
            var o = Object([
                "manager": .string(manager), "operation": .string(operation), "apiVersion": .string(apiVersion),
                "time": .string(time), "fieldsType": .string("FieldsV1"), "fieldsV1": FieldOwnership.encode(fields),
            ])
            if let subresource { o["subresource"] = .string(subresource) }
            return .object(o)
        }
    }

    static func entries(of object: Resource) -> [Entry] {
        (object.metadata["managedFields"]?.arrayValue ?? []).compactMap { e in
            guard let manager = e["manager"]?.stringValue, let operation = e["operation"]?.stringValue else { return nil }
            return Entry(manager: manager, operation: operation, apiVersion: e["apiVersion"]?.stringValue ?? "",
                         time: e["time"]?.stringValue ?? "", subresource: e["subresource"]?.stringValue, fields: decode(e["fieldsV1"]))
        }
    }

    static func setEntries(_ entries: [Entry], on object: inout Resource) {
        let kept = entries.filter { !$0.fields.isEmpty }
        object.metadata["managedFields"] = kept.isEmpty ? nil : .array(kept.map(\.value))
    }

    /// A write other than an apply (`operation: Update`): `manager` owns the fields it
    /// changed (set or changed in value), which leave their other owners; fields it removed
    /// leave everyone.
    static func recordUpdate(old: Resource?, new: inout Resource, manager: String, time: String, subresource: String?) {
        let type = new.type
        let status = subresource == "status"
        let before = old.map { fieldSet($0.value, type: type, status: status) } ?? []
        let after = fieldSet(new.value, type: type, status: status)
        var changed = Set<Path>()
        for path in after where !before.contains(path) || (path.last != "." && value(at: path, in: old?.value ?? .null) != value(at: path, in: new.value)) {
            changed.insert(path)
        }
        let removed = before.subtracting(after)
        var entries = old.map(entries(of:)) ?? []
        for i in entries.indices {
            entries[i].fields.subtract(removed)
            if entries[i].manager != manager || entries[i].operation != "Update" { entries[i].fields.subtract(changed.filter { $0.last != "." }) }
        }
        if !changed.isEmpty {
            if let i = entries.firstIndex(where: { $0.manager == manager && $0.operation == "Update" && $0.subresource == subresource }) {
                entries[i].fields.formUnion(changed)
                entries[i].time = time
            } else {
                entries.append(Entry(manager: manager, operation: "Update", apiVersion: type.apiVersion, time: time, subresource: subresource, fields: changed))
            }
        }
        setEntries(entries, on: &new)
    }

    struct Conflict: Error {
        var conflicts: [(manager: String, apiVersion: String, path: Path)]
    }

    /// Server-side apply of `config` by `manager` to `live` (nil: the object is created).
    static func apply(_ config: Resource, to live: Resource?, manager: String, force: Bool, time: String) throws(Conflict) -> Resource {
        let type = config.type
        let applied = fieldSet(config.value, type: type)
        var entries = live.map(entries(of:)) ?? []
        let previous = entries.first { $0.manager == manager && $0.operation == "Apply" }?.fields ?? []
        // Conflicts: a field another manager owns, set here to another value.
        var conflicts: [(String, String, Path)] = []
        if let live {
            for entry in entries where !(entry.manager == manager && entry.operation == "Apply") {
                for path in applied.intersection(entry.fields) where path.last != "." {
                    if value(at: path, in: config.value) != value(at: path, in: live.value) { conflicts.append((entry.manager, entry.apiVersion, path)) }
                }
            }
        }
        var force = force
        if !conflicts.isEmpty && !force && manager == "kubectl", let live,
           let annotation = live.annotations[Applier.lastAppliedAnnotation], let lastApplied = try? JSONReader.parse(annotation) {
            // `lastAppliedManager.Apply`: kubectl moving an object from client-side apply to
            // server-side apply takes over the fields its last-applied configuration set, where
            // the live object still has them as it set them.
            let allowed = fieldSet(lastApplied, type: type).filter { value(at: $0, in: lastApplied) == value(at: $0, in: live.value) }
            if conflicts.allSatisfy({ allowed.contains($0.2) }) { force = true }
        }
        if !conflicts.isEmpty && !force {
            throw Conflict(conflicts: conflicts.sorted { ($0.0, describe($0.2)) < ($1.0, describe($1.2)) })
        }
        // Forced: the fields change owner.
        let taken = Set(conflicts.map(\.2))
        for i in entries.indices where !(entries[i].manager == manager && entries[i].operation == "Apply") { entries[i].fields.subtract(taken) }
        // The configuration merged in, as a strategic merge patch of it would.
        var result: Value
        if let live {
            var patch = config
            for key in serverFields { patch.metadata[key] = nil }
            result = (try? Patches.strategicMergePatch(live.value, patch.value)) ?? config.value
        } else {
            result = config.value
        }
        // Fields this manager applied before, applies no more, and nobody else owns: removed,
        // deepest first.
        let others = entries.filter { !($0.manager == manager && $0.operation == "Apply") }.reduce(into: Set<Path>()) { $0.formUnion($1.fields) }
        let dropped = previous.subtracting(applied).filter { path in
            let node = path.last == "." ? Array(path.dropLast()) : path
            return !others.contains { $0.starts(with: node) }
        }
        for path in dropped.sorted(by: { $0.count > $1.count }) {
            result = remove(path.last == "." ? Array(path.dropLast()) : path, from: result)
        }
        entries.removeAll { $0.manager == manager && $0.operation == "Apply" }
        entries.append(Entry(manager: manager, operation: "Apply", apiVersion: type.apiVersion, time: time, subresource: nil, fields: applied))
        var object = Resource(result.objectValue ?? config.object)
        setEntries(entries, on: &object)
        return object
    }

    /// `value` without what is at `path` (a field, an item of a keyed list, a value of a set).
    static func remove(_ path: Path, from value: Value) -> Value {
        guard let first = path.first else { return value }
        let rest = Array(path.dropFirst())
        switch value {
        case .object(var o):
            guard first.hasPrefix("f:") else { return value }
            let name = String(first.dropFirst(2))
            guard let child = o[name] else { return value }
            if rest.isEmpty { o[name] = nil } else { o[name] = remove(rest, from: child) }
            return .object(o)
        case .array(var items):
            if first.hasPrefix("k:"), case .object(let key)? = try? JSONReader.parse(String(first.dropFirst(2))),
               let i = items.firstIndex(where: { item in key.members.allSatisfy { item[$0.key] == $0.value } }) {
                if rest.isEmpty { items.remove(at: i) } else { items[i] = remove(rest, from: items[i]) }
            } else if first.hasPrefix("v:"), let wanted = try? JSONReader.parse(String(first.dropFirst(2))) {
                items.removeAll { $0 == wanted }
            }
            return .array(items)
        default:
            return value
        }
    }
}

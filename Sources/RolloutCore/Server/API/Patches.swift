import Foundation

/// The three patch types the API server takes (`staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go`):
/// JSON merge patch (RFC 7386), JSON patch (RFC 6902) and the strategic merge patch of
/// built-in kinds (`k8s.io/apimachinery/pkg/util/strategicpatch/patch.go`,
/// `StrategicMergePatch`), whose lists merge by their key (`ThreeWayMerge.mergeKey`, the
/// `patchMergeKey` tags) and which carries directives: `$patch: replace|delete|merge`,
/// `$retainKeys`, `$setElementOrder/FIELD` and `$deleteFromPrimitiveList/FIELD` — what kubectl's
/// apply, scale, set image, rollout restart/pause/resume/undo send.
enum Patches {
    struct PatchError: Error, Equatable {
        var message: String
    }

    // MARK: JSON merge patch

    /// RFC 7386: objects merge, `null` removes, anything else replaces.
    static func mergePatch(_ target: Value, _ patch: Value) -> Value {
        guard case .object(let changes) = patch else { return patch }
        var result = target.objectValue ?? Object()
        for member in changes.members {
            if member.value == .null {
                result[member.key] = nil
            } else {
                result[member.key] = mergePatch(result[member.key] ?? .null, member.value)
            }
        }
        return .object(result)
    }

    // MARK: JSON patch

    /// RFC 6902: `add`, `remove`, `replace`, `move`, `copy`, `test`, in order; any failure
    /// fails the whole patch.
    static func jsonPatch(_ target: Value, _ patch: Value) throws(PatchError) -> Value {
        guard case .array(let operations) = patch else { throw PatchError(message: "json: cannot unmarshal object into Go value of type jsonpatch.Patch") }
        var document = target
        for operation in operations {
            guard let op = operation["op"]?.stringValue else { throw PatchError(message: "Unexpected kind: missing op") }
            guard let path = operation["path"]?.stringValue else { throw PatchError(message: "missing path in \"\(op)\" operation") }
            let pointer = try Self.pointer(path)
            switch op {
            case "add":
                guard let value = operation["value"] else { throw PatchError(message: "missing value in \"add\" operation") }
                document = try add(document, pointer, value)
            case "remove":
                document = try remove(document, pointer).0
            case "replace":
                guard let value = operation["value"] else { throw PatchError(message: "missing value in \"replace\" operation") }
                _ = try get(document, pointer)
                document = try set(document, pointer, value)
            case "move", "copy":
                guard let fromText = operation["from"]?.stringValue else { throw PatchError(message: "missing from in \"\(op)\" operation") }
                let from = try Self.pointer(fromText)
                let value = try get(document, from)
                if op == "move" {
                    if pointer.count > from.count && Array(pointer.prefix(from.count)) == from { throw PatchError(message: "move into its own child") }
                    document = try remove(document, from).0
                }
                document = try add(document, pointer, value)
            case "test":
                guard let value = operation["value"] else { throw PatchError(message: "missing value in \"test\" operation") }
                guard try get(document, pointer) == value else { throw PatchError(message: "testing value \(path) failed: test failed") }
            default:
                throw PatchError(message: "Unexpected kind: \(op)")
            }
        }
        return document
    }

    private static func pointer(_ text: String) throws(PatchError) -> [String] {
        if text.isEmpty { return [] }
        guard text.hasPrefix("/") else { throw PatchError(message: "JSON pointer must be empty or start with a \"/\": \(text)") }
        return text.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
    }

    private static func get(_ document: Value, _ pointer: [String]) throws(PatchError) -> Value {
        var current = document
        for token in pointer {
            switch current {
            case .object(let o):
                guard let next = o[token] else { throw PatchError(message: "doc is missing path: /\(pointer.joined(separator: "/"))") }
                current = next
            case .array(let items):
                guard let i = Int(token), items.indices.contains(i) else { throw PatchError(message: "doc is missing path: /\(pointer.joined(separator: "/"))") }
                current = items[i]
            default:
                throw PatchError(message: "doc is missing path: /\(pointer.joined(separator: "/"))")
            }
        }
        return current
    }

    private static func add(_ document: Value, _ pointer: [String], _ value: Value) throws(PatchError) -> Value {
        guard let token = pointer.first else { return value }
        let rest = Array(pointer.dropFirst())
        switch document {
        case .object(var o):
            if rest.isEmpty {
                o[token] = value
            } else {
                guard let child = o[token] else { throw PatchError(message: "doc is missing path: /\(pointer.joined(separator: "/"))") }
                o[token] = try add(child, rest, value)
            }
            return .object(o)
        case .array(var items):
            if rest.isEmpty {
                if token == "-" { items.append(value); return .array(items) }
                guard let i = Int(token), i >= 0, i <= items.count else { throw PatchError(message: "add operation does not apply: index \(token) out of bounds") }
                items.insert(value, at: i)
                return .array(items)
            }
            guard let i = Int(token), items.indices.contains(i) else { throw PatchError(message: "doc is missing path: /\(pointer.joined(separator: "/"))") }
            items[i] = try add(items[i], rest, value)
            return .array(items)
        default:
            throw PatchError(message: "doc is missing path: /\(pointer.joined(separator: "/"))")
        }
    }

    /// Sets an existing member or item where it is (a replace keeps the key's place).
    private static func set(_ document: Value, _ pointer: [String], _ value: Value) throws(PatchError) -> Value {
        guard let token = pointer.first else { return value }
        let rest = Array(pointer.dropFirst())
        switch document {
        case .object(var o):
            guard let child = o[token] else { throw PatchError(message: "doc is missing path: /\(pointer.joined(separator: "/"))") }
            o[token] = try set(child, rest, value)
            return .object(o)
        case .array(var items):
            guard let i = Int(token), items.indices.contains(i) else { throw PatchError(message: "doc is missing path: /\(pointer.joined(separator: "/"))") }
            items[i] = try set(items[i], rest, value)
            return .array(items)
        default:
            throw PatchError(message: "doc is missing path: /\(pointer.joined(separator: "/"))")
        }
    }

    private static func remove(_ document: Value, _ pointer: [String]) throws(PatchError) -> (Value, Value) {
        guard let token = pointer.first else { throw PatchError(message: "unable to remove the whole document") }
        let rest = Array(pointer.dropFirst())
        switch document {
        case .object(var o):
            guard let child = o[token] else { throw PatchError(message: "Unable to remove nonexistent key: \(token): missing value") }
            if rest.isEmpty {
                o[token] = nil
                return (.object(o), child)
            }
            let (changed, removed) = try remove(child, rest)
            o[token] = changed
            return (.object(o), removed)
        case .array(var items):
            guard let i = Int(token), items.indices.contains(i) else { throw PatchError(message: "Unable to access invalid index: \(token)") }
            if rest.isEmpty {
                let removed = items.remove(at: i)
                return (.array(items), removed)
            }
            let (changed, removed) = try remove(items[i], rest)
            items[i] = changed
            return (.array(items), removed)
        default:
            throw PatchError(message: "doc is missing path: /\(pointer.joined(separator: "/"))")
        }
    }

    // MARK: strategic merge patch

    /// Lists of primitives whose patch strategy is merge (`metadata.finalizers`).
    static let primitiveMergeFields: Set<String> = ["finalizers"]

    static func strategicMergePatch(_ original: Value, _ patch: Value) throws(PatchError) -> Value {
        guard case .object(let changes) = patch else { throw PatchError(message: "unable to find api field in struct for the patch: the patch is not an object") }
        return .object(try mergeObject(original.objectValue ?? Object(), changes, field: nil))
    }

    private static func mergeObject(_ original: Object, _ patch: Object, field: String?) throws(PatchError) -> Object {
        if let directive = patch["$patch"] {
            switch directive.stringValue {
            case "replace"?: return stripped(patch)
            case "delete"?: return Object()
            case "merge"?: break
            default: throw PatchError(message: "Unknown patch type: \(directive)")
            }
        }
        var result = original
        var orders: [String: [Value]] = [:]
        var primitiveDeletions: [String: [Value]] = [:]
        for member in patch.members {
            let key = member.key
            if key == "$patch" || key == "$retainKeys" { continue }
            if key.hasPrefix("$setElementOrder/") {
                orders[String(key.dropFirst("$setElementOrder/".count))] = member.value.arrayValue ?? []
                continue
            }
            if key.hasPrefix("$deleteFromPrimitiveList/") {
                primitiveDeletions[String(key.dropFirst("$deleteFromPrimitiveList/".count))] = member.value.arrayValue ?? []
                continue
            }
            if member.value == .null {
                result[key] = nil
                continue
            }
            switch (result[key], member.value) {
            case (.object(let before)?, .object(let changes)):
                result[key] = .object(try mergeObject(before, changes, field: key))
            case (.array(let before)?, .array(let changes)):
                result[key] = .array(try mergeList(before, changes, field: key))
            case (_, .object(let changes)):
                // A new map: its directives apply to nothing.
                result[key] = .object(try mergeObject(Object(), changes, field: key))
            case (_, .array(let changes)):
                result[key] = .array(try mergeList([], changes, field: key))
            default:
                result[key] = member.value
            }
        }
        for (key, values) in primitiveDeletions {
            if case .array(let items)? = result[key] { result[key] = .array(items.filter { !values.contains($0) }) }
        }
        for (key, order) in orders {
            guard case .array(let items)? = result[key] else { continue }
            result[key] = .array(ordered(items, by: order, field: key))
        }
        if case .array(let keep)? = patch["$retainKeys"] {
            let kept = Set(keep.compactMap(\.stringValue))
            result.members.removeAll { !kept.contains($0.key) }
        }
        return result
    }

    private static func mergeList(_ original: [Value], _ patch: [Value], field: String) throws(PatchError) -> [Value] {
        // `[{"$patch": "replace"}, …]`: the list is the other items.
        if patch.contains(where: { $0["$patch"] == .string("replace") && $0.objectValue?.count == 1 }) {
            return patch.filter { !($0["$patch"] == .string("replace") && $0.objectValue?.count == 1) }.map(strippedValue)
        }
        if patch.allSatisfy({ $0.objectValue == nil }) {
            guard primitiveMergeFields.contains(field) else { return patch }
            var result = original
            for item in patch where !result.contains(item) { result.append(item) }
            return result
        }
        guard let mergeKey = ThreeWayMerge.mergeKey(for: field, items: patch + original),
              patch.allSatisfy({ $0[mergeKey] != nil }) else {
            return patch.map(strippedValue)
        }
        var result = original
        for item in patch {
            let key = item[mergeKey]
            let index = result.firstIndex { $0[mergeKey] == key }
            if item["$patch"] == .string("delete") {
                result.removeAll { $0[mergeKey] == key }
                continue
            }
            guard case .object(let changes) = item else { continue }
            if let index, case .object(let before) = result[index] {
                result[index] = .object(try mergeObject(before, changes, field: nil))
            } else {
                result.append(.object(try mergeObject(Object(), changes, field: nil)))
            }
        }
        return result
    }

    /// `$setElementOrder`: the items it names in its order, then the others as they were.
    private static func ordered(_ items: [Value], by order: [Value], field: String) -> [Value] {
        let key = ThreeWayMerge.mergeKey(for: field, items: items)
        func identity(_ v: Value) -> Value { key.flatMap { v[$0] } ?? v }
        var remaining = items
        var result: [Value] = []
        for wanted in order {
            let id = key.flatMap { wanted[$0] } ?? wanted
            if let i = remaining.firstIndex(where: { identity($0) == id }) { result.append(remaining.remove(at: i)) }
        }
        return result + remaining
    }

    private static func stripped(_ object: Object) -> Object {
        var result = Object()
        for member in object.members where !member.key.hasPrefix("$") {
            result[member.key] = strippedValue(member.value)
        }
        return result
    }

    private static func strippedValue(_ value: Value) -> Value {
        switch value {
        case .object(let o): return .object(stripped(o))
        case .array(let items): return .array(items.map(strippedValue))
        default: return value
        }
    }
}

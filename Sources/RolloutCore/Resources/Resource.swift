/// One object as the control plane stores it: the whole document, unknown fields included,
/// with typed access to what every object has (`apiVersion`, `kind`, `metadata`).
public struct Resource: Equatable, Sendable {
    public var object: Object

    public init(_ object: Object) { self.object = object }

    public var value: Value { .object(object) }
    public var apiVersion: String { object["apiVersion"]?.stringValue ?? "" }
    public var kind: String { object["kind"]?.stringValue ?? "" }
    public var type: ResourceType { ResourceType.forObject(apiVersion: apiVersion, kind: kind) }

    public var metadata: Object {
        get { if case .object(let m)? = object["metadata"] { return m } else { return Object() } }
        set { object["metadata"] = .object(newValue) }
    }

    public var name: String { metadata["name"]?.stringValue ?? "" }
    public var namespace: String? {
        get { metadata["namespace"]?.stringValue }
        set { metadata["namespace"] = newValue.map(Value.string) }
    }
    public var uid: String { metadata["uid"]?.stringValue ?? "" }
    public var resourceVersion: String { metadata["resourceVersion"]?.stringValue ?? "" }
    public var generation: Int {
        if case .int(let g)? = metadata["generation"] { return g }
        return 0
    }
    public var creationTimestamp: String? { metadata["creationTimestamp"]?.stringValue }
    public var deletionTimestamp: String? { metadata["deletionTimestamp"]?.stringValue }

    public var labels: [String: String] { stringMap(metadata["labels"]) }
    public var annotations: [String: String] { stringMap(metadata["annotations"]) }

    /// `annotations[key]` without the dictionary of them all made (a Deployment's hold its
    /// whole last-applied manifest, and its controller asks for one at every sync): the last
    /// member under `key` whose value is a string, as `annotations` keeps it.
    public func annotation(_ key: String) -> String? {
        guard case .object(let metadata)? = object["metadata"], case .object(let annotations)? = metadata["annotations"] else { return nil }
        for member in annotations.members.reversed() where member.key == key {
            if let text = member.value.stringValue { return text }
        }
        return nil
    }

    public mutating func setAnnotation(_ key: String, _ value: String?) {
        var meta = metadata
        var annotations: Object
        if case .object(let a)? = meta["annotations"] { annotations = a } else { annotations = Object() }
        annotations[key] = value.map(Value.string)
        meta["annotations"] = annotations.members.isEmpty ? nil : .object(annotations)
        metadata = meta
    }

    public var ownerReferences: [(kind: String, name: String, uid: String)] {
        guard case .array(let refs)? = metadata["ownerReferences"] else { return [] }
        return refs.compactMap { ref in
            guard let kind = ref["kind"]?.stringValue, let name = ref["name"]?.stringValue else { return nil }
            return (kind, name, ref["uid"]?.stringValue ?? "")
        }
    }

    /// As kubectl's JSON and YAML printers show it: without `metadata.managedFields`
    /// (`--show-managed-fields=false`, the default).
    public var hidingManagedFields: Resource {
        guard metadata["managedFields"] != nil else { return self }
        var copy = self
        copy.metadata["managedFields"] = nil
        return copy
    }

    /// `deployment.apps/web`: how kubectl's name printer writes the object.
    public var qualifiedName: String { "\(type.qualifiedSingular)/\(name)" }

    /// The object's identity in the store.
    public var key: ObjectKey {
        let type = type, metadata = metadata
        return ObjectKey(type: type.storageKey, namespace: type.namespaced ? (metadata["namespace"]?.stringValue ?? "default") : "",
                         name: metadata["name"]?.stringValue ?? "")
    }
}

/// Identity of a stored object: its storage type key, namespace ("" for cluster-scoped), name.
public struct ObjectKey: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var type: String
    public var namespace: String
    public var name: String

    public init(type: String, namespace: String, name: String) {
        self.type = type
        self.namespace = namespace
        self.name = name
    }

    public static func < (a: ObjectKey, b: ObjectKey) -> Bool {
        (a.type, a.namespace, a.name) < (b.type, b.namespace, b.name)
    }

    public var description: String { namespace.isEmpty ? "\(type) \(name)" : "\(type) \(namespace)/\(name)" }

    /// Hashed by `KeyHash` (the cluster's dictionaries of Services, Endpoints and slices are
    /// looked up at every sync), consistently with `hash(into:)`.
    public func _rawHashValue(seed: Int) -> Int { KeyHash.hash(type, namespace, name, seed: seed) }

    public func hash(into hasher: inout Hasher) { hasher.combine(_rawHashValue(seed: 0)) }
}

/// The string values of a `map[string]string` field; entries of other types are skipped
/// (validation reports them).
func stringMap(_ value: Value?) -> [String: String] {
    guard case .object(let object)? = value else { return [:] }
    var result: [String: String] = [:]
    for member in object.members {
        if let s = member.value.stringValue { result[member.key] = s }
    }
    return result
}

extension Value {
    /// Follows object keys; nil as soon as one is missing or not an object.
    public func at(_ keys: String...) -> Value? { at(keys) }

    public func at(_ keys: [String]) -> Value? {
        var current: Value? = self
        for key in keys { current = current?[key] }
        return current
    }

    public var intValue: Int? {
        switch self {
        case .int(let i): return i
        case .float(let d) where d == d.rounded() && abs(d) < 1e15: return Int(d)
        default: return nil
        }
    }

    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    public var arrayValue: [Value]? {
        if case .array(let a) = self { return a }
        return nil
    }

    public var objectValue: Object? {
        if case .object(let o) = self { return o }
        return nil
    }
}

extension Object {
    /// Sets `value` at a key path, creating objects on the way; replaces non-objects.
    public mutating func set(_ keys: [String], _ value: Value?) {
        guard let first = keys.first else { return }
        if keys.count == 1 { self[first] = value; return }
        var child = self[first]?.objectValue ?? Object()
        child.set(Array(keys.dropFirst()), value)
        self[first] = .object(child)
    }
}

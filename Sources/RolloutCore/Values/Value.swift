/// A decoded document: the JSON data model Kubernetes works in (sigs.k8s.io/yaml turns YAML
/// into exactly this before decoding objects). Mappings keep their key order.
public enum Value: Equatable, Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
    case array([Value])
    case object(Object)

    public subscript(key: String) -> Value? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The name of the value's type, as error messages say it.
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .int: return "integer"
        case .float: return "number"
        case .string: return "string"
        case .array: return "list"
        case .object: return "map"
        }
    }
}

/// An ordered JSON object. Lookups are linear: Kubernetes objects have few keys per level.
public struct Object: Equatable, Sendable {
    public struct Member: Equatable, Sendable {
        public var key: String
        public var value: Value
        public init(key: String, value: Value) {
            self.key = key
            self.value = value
        }
    }

    public var members: [Member]

    public init(_ members: [Member] = []) { self.members = members }

    public init(_ pairs: KeyValuePairs<String, Value>) {
        // (Room made first: `map` over the pairs grew the array as it went, a second
        // allocation for most objects.)
        var members: [Member] = []
        members.reserveCapacity(pairs.count)
        for (key, value) in pairs { members.append(Member(key: key, value: value)) }
        self.members = members
    }

    public var count: Int { members.count }
    public var keys: [String] { members.map(\.key) }

    public func index(of key: String) -> Int? {
        // Keys of another length are passed over without a call into String's comparison (a
        // Kubernetes object's keys mostly differ in length; their lengths are stored).
        let length = key.utf8.count
        return members.firstIndex { $0.key.utf8.count == length && $0.key == key }
    }

    /// Reading returns the value; writing replaces it in place or appends a new key.
    public subscript(key: String) -> Value? {
        get { index(of: key).map { members[$0].value } }
        set {
            if let i = index(of: key) {
                if let newValue { members[i].value = newValue } else { members.remove(at: i) }
            } else if let newValue {
                members.append(Member(key: key, value: newValue))
            }
        }
    }
}

extension Object {
    /// The object as Go decodes it into the API types: a field set to `null` is a field not set
    /// (`creationTimestamp: null` in a manifest `kubectl create --dry-run -o yaml` wrote, or in
    /// a template kubectl sends back, is no field at all), in nested objects and list items too.
    public var withoutNulls: Object {
        var result = Object()
        result.members.reserveCapacity(members.count)
        for member in members where member.value != .null {
            switch member.value {
            case .object(let o): result.members.append(Member(key: member.key, value: .object(o.withoutNulls)))
            case .array(let items): result.members.append(Member(key: member.key, value: .array(items.map { $0.objectValue.map { .object($0.withoutNulls) } ?? $0 })))
            default: result.members.append(member)
            }
        }
        return result
    }
}

extension Value {
    /// Whether `a` and `b` are one object: the same members in one place in memory (one was
    /// copied from the other, or both from a third). Such values are equal, and telling reads
    /// only the values, not the objects they hold — which, for the 100,000 endpoints of a
    /// Service compared at a sync, lie all over memory.
    @inline(__always)
    static func sameObject(_ a: Value, _ b: Value) -> Bool {
        if case .object(let x) = a, case .object(let y) = b { return x.members.storagePlace == y.members.storagePlace }
        return false
    }

    /// `a == b` for two runs of values; an element that is the same object in both
    /// (`sameObject`) is passed over without its members being compared.
    static func equalElements(_ a: ArraySlice<Value>, _ b: ArraySlice<Value>) -> Bool {
        guard a.count == b.count else { return false }
        return a.withUnsafeBufferPointer { x in
            b.withUnsafeBufferPointer { y in
                for k in x.indices where !sameObject(x[k], y[k]) && x[k] != y[k] { return false }
                return true
            }
        }
    }

    /// `a == b`, lists compared as `equalElements` compares them.
    static func equalLists(_ a: Value, _ b: Value) -> Bool {
        if case .array(let x) = a, case .array(let y) = b { return equalElements(x[...], y[...]) }
        return a == b
    }
}

extension Array {
    /// Where the array keeps its elements: two arrays at one place hold the same elements
    /// (while one of them holds the storage, it is not let go and its memory reused). Empty
    /// arrays may share one place.
    var storagePlace: UInt { withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) } }
}

/// The fields a manifest writes that its kind's API type has no place for — a typo such as
/// `imagePulPolicy`, a field of a newer Kubernetes, a field one level off. The API server's
/// decoder finds them (apimachinery `strict decoding error: unknown field "<path>"`), and what it
/// does with them is the request's field validation (`--validate` of kubectl apply and create):
/// `Strict`, kubectl's default, refuses the object; `Warn`, the server's own default (kubectl
/// diff's requests), drops each with a warning; `Ignore` drops them silently. Either way no
/// stored object holds one. Known for the kinds `OmitEmpty` knows the types of (from k8s.io/api
/// v0.32.9); other kinds keep what they are given.
public enum FieldValidation: String, Sendable {
    case strict, warn, ignore

    /// `--validate`'s values: strict (or true), warn, ignore (or false).
    public init?(flag: String) {
        switch flag {
        case "strict", "true": self = .strict
        case "warn": self = .warn
        case "ignore", "false": self = .ignore
        default: return nil
        }
    }
}

enum UnknownFields {
    struct Found: Equatable {
        var path: FieldPath
        /// A known field of the same struct it was most likely meant to be.
        var suggestion: String?
    }

    /// Every unknown field of the object, in the order written.
    static func find(_ resource: Resource) -> [Found] {
        guard let root = OmitEmpty.root(of: resource) else { return [] }
        var found: [Found] = []
        walk(.object(resource.object), type: root, at: FieldPath(), into: &found)
        return found
    }

    /// The object without its unknown fields (what Warn and Ignore store); with `keeping`, those
    /// at these paths stay (a live object's own, which an update of it does not bring).
    static func drop(_ resource: inout Resource, keeping: Set<FieldPath> = []) {
        let gone = find(resource).filter { !keeping.contains($0.path) }
        guard !gone.isEmpty else { return }
        var value = Value.object(resource.object)
        for found in gone { value = removing(found.path.components[...], from: value) }
        if case .object(let object) = value { resource.object = object }
    }

    /// `value` without the field at `path` (a map's key at its end; each step a key or an index
    /// into what `find` walked).
    private static func removing(_ path: ArraySlice<FieldPath.Component>, from value: Value) -> Value {
        guard let step = path.first else { return value }
        switch (step, value) {
        case (.key(let key), .object(var object)):
            if path.count == 1 {
                object[key] = nil
            } else if let child = object[key] {
                object[key] = removing(path.dropFirst(), from: child)
            }
            return .object(object)
        case (.index(let i), .array(var items)) where items.indices.contains(i):
            items[i] = removing(path.dropFirst(), from: items[i])
            return .array(items)
        default:
            return value
        }
    }

    private static func walk(_ value: Value, type: String, at path: FieldPath, into found: inout [Found]) {
        guard case .object(let object) = value, let fields = OmitEmpty.fields[type] else { return }
        for member in object.members {
            let here = path / member.key
            guard let field = fields[member.key] else {
                found.append(Found(path: here, suggestion: suggestion(for: member.key, among: fields.keys)))
                continue
            }
            switch field {
            case .object(let t?), .pointer(let t?, _):
                walk(member.value, type: t, at: here, into: &found)
            case .collection(let t?, _):
                switch member.value {
                case .array(let items): for (i, item) in items.enumerated() { walk(item, type: t, at: here.index(i), into: &found) }
                case .object(let map): for entry in map.members { walk(entry.value, type: t, at: here / entry.key, into: &found) }
                default: break
                }
            default: break
            }
        }
    }

    /// The known field a key most likely meant: the same but for case, else the nearest within
    /// two edits (ties: the first in name order).
    static func suggestion<S: Sequence>(for key: String, among known: S) -> String? where S.Element == String {
        let names = known.sorted()
        let k = Array(key.utf8)
        if k.count <= 64 {
            let lower = key.lowercased()
            if let same = names.first(where: { $0.utf8.count == k.count && $0.lowercased() == lower }) { return same }
        }
        var best: (name: String, distance: Int)?
        for name in names where abs(name.utf8.count - k.count) <= 2 {
            // (Lengths two apart or more cannot be within two edits: a long key costs nothing.)
            let d = distance(k, Array(name.utf8))
            if d <= 2 && d < (best?.distance ?? Int.max) { best = (name, d) }
        }
        return best?.name
    }

    /// Levenshtein distance.
    static func distance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}

/// Reads typed fields out of a document, collecting an error with the field path (and the
/// source position, when the document came from YAML) for every value of the wrong type.
/// Where YAML 1.1 resolution produced the wrong type (`on` read as a boolean, `1.10` as a
/// number), the error says so and shows how to quote it.
public struct FieldReader {
    public private(set) var errors: [FieldError] = []
    /// What the API server accepts but warns about (`Warning: …` from kubectl).
    public private(set) var warnings: [FieldError] = []
    let root: YAMLNode?

    public init(root: YAMLNode? = nil) { self.root = root }

    public mutating func fail(_ path: FieldPath, _ message: String) {
        let error = FieldError(path, message, location: path.location(in: root))
        // Some fields are read by more than one rule; report each problem once.
        if !errors.contains(error) { errors.append(error) }
    }

    public mutating func warn(_ path: FieldPath, _ message: String) {
        warnings.append(FieldError(path, message, location: path.location(in: root)))
    }

    public mutating func required(_ path: FieldPath) {
        fail(path, "Required value")
    }

    /// `concealing`: a Secret's value, never shown in the message.
    public mutating func string(_ value: Value?, _ path: @autoclosure () -> FieldPath, concealing: Bool = false) -> String? {
        guard let value, value != .null else { return nil }
        if case .string(let s) = value { return s }
        let path = path()
        fail(path, concealing ? "expected a string, found \(value.typeName) (the value is not shown: it belongs to a Secret; quote it)" : wrongType(value, expected: "a string", path: path))
        return nil
    }

    public mutating func int(_ value: Value?, _ path: @autoclosure () -> FieldPath) -> Int? {
        guard let value, value != .null else { return nil }
        if case .int(let i) = value { return i }
        if case .float(let d) = value, d == d.rounded(), abs(d) < 1e15 { return Int(d) }
        let path = path()
        fail(path, wrongType(value, expected: "an integer", path: path))
        return nil
    }

    /// A field the API types as int32 (`goStruct` is the Go type that holds it, for the
    /// decoder's message). A number outside int32 fails to decode on a real API server, before
    /// validation; here it is an error at its path, and the value read is clamped into int32 so
    /// that a lenient reader (the simulation) gets a number it can compute with.
    public mutating func int32(_ value: Value?, _ path: @autoclosure () -> FieldPath, goStruct: String) -> Int? {
        guard let number = int(value, path()) else { return nil }
        guard !Self.int32Range.contains(number) else { return number }
        let path = path()
        let goField = path.components.compactMap { if case .key(let k) = $0 { return k } else { return nil } }.joined(separator: ".")
        return outsideInt32(number, path, goTarget: "Go struct field \(goStruct).\(goField)")
    }

    static let int32Range = Int(Int32.min)...Int(Int32.max)

    /// The decoder's refusal of a number past int32 (`goTarget`: what Go names as its
    /// destination), and the number clamped for lenient readers.
    private mutating func outsideInt32(_ number: Int, _ path: FieldPath, goTarget: String) -> Int {
        fail(path, "Invalid value: \(number): must fit in 32 bits, from -2147483648 to 2147483647 (the API server cannot decode it: json: cannot unmarshal number \(number) into \(goTarget) of type int32)")
        return number.clamped(to: Self.int32Range)
    }

    public mutating func bool(_ value: Value?, _ path: @autoclosure () -> FieldPath) -> Bool? {
        guard let value, value != .null else { return nil }
        if case .bool(let b) = value { return b }
        let path = path()
        fail(path, wrongType(value, expected: "a boolean (true or false)", path: path))
        return nil
    }

    public mutating func object(_ value: Value?, _ path: @autoclosure () -> FieldPath, concealing: Bool = false) -> Object? {
        guard let value, value != .null else { return nil }
        if case .object(let o) = value { return o }
        let path = path()
        fail(path, concealing ? "expected a map, found \(value.typeName) (the value is not shown: it belongs to a Secret)" : wrongType(value, expected: "a map", path: path))
        return nil
    }

    public mutating func array(_ value: Value?, _ path: @autoclosure () -> FieldPath) -> [Value]? {
        guard let value, value != .null else { return nil }
        if case .array(let a) = value { return a }
        let path = path()
        fail(path, wrongType(value, expected: "a list", path: path))
        return nil
    }

    /// A `map[string]string` (labels, annotations, selectors): every value must be a string.
    public mutating func stringMap(_ value: Value?, _ path: @autoclosure () -> FieldPath, concealing: Bool = false) -> [String: String] {
        guard let object = object(value, path(), concealing: concealing) else { return [:] }
        var result: [String: String] = [:]
        for member in object.members {
            if let s = string(member.value, path() / member.key, concealing: concealing) { result[member.key] = s }
        }
        return result
    }

    public mutating func intOrString(_ value: Value?, _ path: @autoclosure () -> FieldPath) -> IntOrString? {
        guard let value, value != .null else { return nil }
        switch value {
        case .int(let i):
            let path = path()
            // intstr.IntOrString holds an int32.
            guard !Self.int32Range.contains(i) else { return .int(i) }
            return .int(outsideInt32(i, path, goTarget: "Go value"))
        case .string(let s): return .string(s)
        default:
            let path = path()
            fail(path, wrongType(value, expected: "an integer or a string", path: path))
            return nil
        }
    }

    public mutating func quantity(_ value: Value?, _ path: @autoclosure () -> FieldPath) -> Quantity? {
        guard let value, value != .null else { return nil }
        let text: String
        switch value {
        case .string(let s): text = s
        case .int(let i): text = String(i)
        case .float(let d): text = JSONWriter.formatFloat(d)
        default:
            let path = path()
            fail(path, wrongType(value, expected: "a quantity such as 100m, 128Mi or 1.5", path: path))
            return nil
        }
        guard let q = Quantity(text) else {
            fail(path(), "Invalid value: \"\(text)\": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$' (e.g. 100m, 128Mi, 1.5)")
            return nil
        }
        return q
    }

    /// "expected a string, found boolean true"; with the YAML 1.1 story when the source shows
    /// a plain scalar that a user most likely meant as text.
    func wrongType(_ value: Value, expected: String, path: FieldPath) -> String {
        let found: String
        switch value {
        case .bool(let b): found = "boolean \(b)"
        case .int(let i): found = "integer \(i)"
        case .float(let d): found = "number \(d.isFinite ? JSONWriter.formatFloat(d) : String(d))"
        case .null: found = "null"
        case .string(let s): found = "string \"\(s)\""
        case .array: found = "a list"
        case .object: found = "a map"
        }
        var message = "expected \(expected), found \(found)"
        if expected == "a string", let node = path.node(in: root), case .scalar(let text, .plain) = node.content, node.tag == nil, !text.isEmpty {
            switch value {
            case .bool:
                message += " (YAML 1.1 reads '\(text)' as a boolean; quote it: \"\(text)\")"
            case .int, .float:
                message += " (YAML reads '\(text)' as a number; quote it: \"\(text)\")"
            case .null:
                message += " (YAML reads '\(text)' as null; quote it: \"\(text)\")"
            default: break
            }
        }
        return message
    }
}

/// Turns nodes into values under a schema: resolves scalars, honours the standard tags,
/// stringifies non-string keys as sigs.k8s.io/yaml does, applies `<<` merge keys (Kubernetes
/// schema), and reports duplicate keys (the last value wins, in the first key's place).
public struct Resolver {
    public let schema: YAMLSchema
    public private(set) var warnings: [YAMLWarning] = []

    private static let scalarTags: Set<String> = [YAMLTag.str, YAMLTag.int, YAMLTag.bool, YAMLTag.float, YAMLTag.null]

    public init(schema: YAMLSchema) {
        self.schema = schema
    }

    private let stack = StackGuard()

    public mutating func value(of node: YAMLNode) throws(YAMLError) -> Value {
        if !stack.hasRoom() {
            throw YAMLError(location: node.location, message: "document is nested too deeply to resolve on this thread's stack")
        }
        switch node.content {
        case .scalar(let text, let style):
            return try scalarValue(text, style: style, node: node)
        case .sequence(let items):
            if let tag = node.tag, Self.scalarTags.contains(tag) || tag == YAMLTag.map {
                throw mismatch(node, tag: tag, kind: "a sequence")
            }
            var values: [Value] = []
            values.reserveCapacity(items.count)
            for item in items { values.append(try value(of: item)) }
            return .array(values)
        case .mapping(let pairs):
            if let tag = node.tag, Self.scalarTags.contains(tag) || tag == YAMLTag.seq {
                throw mismatch(node, tag: tag, kind: "a mapping")
            }
            var builder = ObjectBuilder(count: pairs.count)
            try fill(&builder, with: pairs)
            return .object(builder.object)
        }
    }

    private func mismatch(_ node: YAMLNode, tag: String, kind: String) -> YAMLError {
        YAMLError(location: node.location, message: "the tag !!\(tag.dropFirst(YAMLTag.prefix.count)) cannot be given to \(kind)")
    }

    // MARK: - Mappings

    private struct ObjectBuilder {
        var object = Object()
        /// Line and column where each key was first seen, for duplicate warnings (8 bytes a
        /// key: a mapping can have millions).
        var places: [(line: UInt32, column: UInt32)] = []
        /// Key to member index, built only for large maps.
        var indexByKey: [String: Int] = [:]

        init(count: Int) {
            object.members.reserveCapacity(count)
        }

        func find(_ key: String) -> Int? {
            if object.members.count > 12 { return indexByKey[key] }
            return object.members.firstIndex { $0.key == key }
        }

        mutating func set(_ key: String, _ value: Value, at location: SourceLocation) -> (line: UInt32, column: UInt32)? {
            if let index = find(key) {
                object.members[index].value = value
                return places[index]
            }
            object.members.append(Object.Member(key: key, value: value))
            places.append((UInt32(clamping: location.line), UInt32(clamping: location.column)))
            if object.members.count > 12 {
                if indexByKey.isEmpty {
                    for (i, member) in object.members.enumerated() { indexByKey[member.key] = i }
                } else {
                    indexByKey[key] = object.members.count - 1
                }
            }
            return nil
        }
    }

    private mutating func fill(_ builder: inout ObjectBuilder, with pairs: [YAMLNode.Pair]) throws(YAMLError) {
        for pair in pairs {
            if schema == .kubernetes && isMergeKey(pair.key) {
                try merge(pair.value, into: &builder)
                continue
            }
            let key = try keyString(pair.key)
            let value = try value(of: pair.value)
            if let first = builder.set(key, value, at: pair.key.location) {
                warnings.append(YAMLWarning(
                    location: pair.key.location,
                    message: "duplicate key \"\(key)\" (first at line \(first.line), column \(first.column)); the last value wins"))
            }
        }
    }

    private func isMergeKey(_ node: YAMLNode) -> Bool {
        guard case .scalar(let text, let style) = node.content, text.utf8.count == 2, text == "<<" else { return false }
        return (style == .plain && node.tag == nil) || node.tag == YAMLTag.merge
    }

    /// go-yaml v2: the merged keys are written where `<<` stands, so later keys override them;
    /// in a list of maps, earlier maps take precedence.
    private mutating func merge(_ node: YAMLNode, into builder: inout ObjectBuilder) throws(YAMLError) {
        switch node.content {
        case .mapping(let pairs):
            try fillSilently(&builder, with: pairs)
        case .sequence(let items):
            for item in items.reversed() {
                guard case .mapping(let pairs) = item.content else {
                    throw YAMLError(location: item.location, message: "a merge key '<<' takes a mapping or a list of mappings; found a \(item.kindName) in the list")
                }
                try fillSilently(&builder, with: pairs)
            }
        case .scalar:
            throw YAMLError(location: node.location, message: "a merge key '<<' takes a mapping or a list of mappings; found a scalar")
        }
    }

    private mutating func fillSilently(_ builder: inout ObjectBuilder, with pairs: [YAMLNode.Pair]) throws(YAMLError) {
        for pair in pairs {
            if isMergeKey(pair.key) {
                try merge(pair.value, into: &builder)
                continue
            }
            _ = builder.set(try keyString(pair.key), try value(of: pair.value), at: pair.key.location)
        }
    }

    /// JSON keys are strings: ints, floats, booleans and null are written the way
    /// sigs.k8s.io/yaml writes them; collections cannot be keys.
    private mutating func keyString(_ node: YAMLNode) throws(YAMLError) -> String {
        if case .scalar = node.content {} else {
            throw YAMLError(location: node.location, message: "a \(node.kindName) cannot be a mapping key here; JSON and Kubernetes need string keys")
        }
        switch try value(of: node) {
        case .string(let s): return s
        case .int(let i): return String(i)
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .float(let d): return JSONWriter.formatFloat(d)
        case .array, .object: return ""
        }
    }

    // MARK: - Scalars

    private func scalarValue(_ text: String, style: ScalarStyle, node: YAMLNode) throws(YAMLError) -> Value {
        guard let tag = node.tag else {
            return style == .plain ? schema.resolvePlain(text) : .string(text)
        }
        switch tag {
        case "!", YAMLTag.str, YAMLTag.binary, YAMLTag.timestamp:
            return .string(text)
        case YAMLTag.null:
            if style != .plain || schema.resolvePlain(text) == .null { return .null }
            throw YAMLError(location: node.location, message: "cannot read '\(text)' as !!null; expected null, ~ or nothing")
        case YAMLTag.bool:
            if case .bool(let b) = schema.resolvePlain(text) { return .bool(b) }
            throw YAMLError(location: node.location, message: "cannot read '\(text)' as !!bool; expected true or false")
        case YAMLTag.int:
            if case .int(let i) = schema.resolvePlain(text) { return .int(i) }
            throw YAMLError(location: node.location, message: "cannot read '\(text)' as !!int; expected an integer")
        case YAMLTag.float:
            switch schema.resolvePlain(text) {
            case .float(let d): return .float(d)
            case .int(let i): return .float(Double(i))
            default: throw YAMLError(location: node.location, message: "cannot read '\(text)' as !!float; expected a number")
            }
        case YAMLTag.map, YAMLTag.seq:
            if text.isEmpty && style == .plain {
                return tag == YAMLTag.map ? .object(Object()) : .array([])
            }
            throw mismatch(node, tag: tag, kind: "a scalar")
        default:
            // Other tags are kept on the node; the value stays the text as written.
            return .string(text)
        }
    }
}

extension YAMLNode {
    var kindName: String {
        switch content {
        case .scalar: return "scalar"
        case .sequence: return "sequence"
        case .mapping: return "mapping"
        }
    }
}

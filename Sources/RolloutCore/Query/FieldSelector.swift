/// A field selector (`fieldSelector=spec.nodeName=node-1,status.phase!=Running`), as the API
/// server reads it (`k8s.io/apimachinery/pkg/fields/selector.go`, `ParseSelector`): terms
/// joined by `,`, each `field=value`, `field==value` or `field!=value`, with `\` escaping `,`,
/// `=`, `!` and itself in values. Only the fields each kind indexes may be used
/// (`AddFieldLabelConversionFunc` in `pkg/apis/*/v1/conversion.go`); any other is refused with
/// the API server's `field label not supported` error. Read by the served API's lists and
/// watches and by `get --field-selector`.
public struct FieldSelector: Equatable, Sendable {
    public struct Term: Equatable, Sendable {
        var field: String
        var value: String
        var equals: Bool
    }

    public var terms: [Term]

    public struct ParseError: Error, Equatable {
        public var message: String
    }

    public static func parse(_ text: String) throws(ParseError) -> FieldSelector {
        var terms: [Term] = []
        for part in split(text, on: ",") where !part.isEmpty {
            let op: String, field: String, raw: String
            if let range = unescapedRange(of: "!=", in: part) {
                op = "!="; field = String(part[..<range.lowerBound]); raw = String(part[range.upperBound...])
            } else if let range = unescapedRange(of: "==", in: part) {
                op = "=="; field = String(part[..<range.lowerBound]); raw = String(part[range.upperBound...])
            } else if let range = unescapedRange(of: "=", in: part) {
                op = "="; field = String(part[..<range.lowerBound]); raw = String(part[range.upperBound...])
            } else {
                throw ParseError(message: "invalid selector: '\(text)'; can't understand '\(part)'")
            }
            guard !field.isEmpty else { throw ParseError(message: "invalid selector: '\(text)'; can't understand '\(part)'") }
            terms.append(Term(field: field, value: unescape(raw), equals: op != "!="))
        }
        return FieldSelector(terms: terms)
    }

    /// Fields each kind can be selected by, besides `metadata.name` and `metadata.namespace`.
    static func supported(_ type: ResourceType) -> Set<String> {
        switch (type.group, type.kind) {
        case ("", "Pod"):
            return ["spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "spec.hostNetwork",
                    "status.phase", "status.podIP", "status.podIPs", "status.nominatedNodeName"]
        case ("", "Event"):
            return ["involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid", "involvedObject.apiVersion",
                    "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type"]
        case ("", "Node"): return ["spec.unschedulable"]
        case ("", "Namespace"): return ["status.phase"]
        case ("", "Secret"): return ["type"]
        case ("apps", "ReplicaSet"): return ["status.replicas"]
        default: return []
        }
    }

    /// The first field the kind cannot be selected by.
    public func unsupportedField(for type: ResourceType) -> String? {
        let allowed = Self.supported(type).union(["metadata.name", "metadata.namespace"])
        return terms.first { !allowed.contains($0.field) }?.field
    }

    public func matches(_ resource: Resource) -> Bool {
        terms.allSatisfy { term in (Self.fieldValue(term.field, of: resource) == term.value) == term.equals }
    }

    /// A field's value as the selector compares it (the conversion functions' strings).
    static func fieldValue(_ field: String, of resource: Resource) -> String {
        switch field {
        case "metadata.name": return resource.name
        case "metadata.namespace": return resource.namespace ?? ""
        case "spec.hostNetwork", "spec.unschedulable":
            return resource.value.at(field.split(separator: ".").map(String.init))?.boolValue == true ? "true" : "false"
        case "source": return resource.value.at("source", "component")?.stringValue ?? ""
        case "status.podIPs": return resource.value.at("status", "podIPs")?.arrayValue?.first?["ip"]?.stringValue ?? ""
        case "status.replicas": return String(resource.value.at("status", "replicas")?.intValue ?? 0)
        default:
            let value = resource.value.at(field.split(separator: ".").map(String.init))
            switch value {
            case .string(let s)?: return s
            case .int(let n)?: return String(n)
            case .bool(let b)?: return b ? "true" : "false"
            default: return ""
            }
        }
    }

    private static func split(_ text: String, on separator: Character) -> [String] {
        var parts: [String] = []
        var current = ""
        var escaped = false
        for c in text {
            if escaped { current.append(c); escaped = false; continue }
            if c == "\\" { current.append(c); escaped = true; continue }
            if c == separator { parts.append(current); current = ""; continue }
            current.append(c)
        }
        parts.append(current)
        return parts
    }

    private static func unescapedRange(of op: String, in text: String) -> Range<String.Index>? {
        var index = text.startIndex
        var escaped = false
        while index < text.endIndex {
            if escaped { escaped = false } else if text[index] == "\\" { escaped = true } else if text[index...].hasPrefix(op) {
                return index..<text.index(index, offsetBy: op.count)
            }
            index = text.index(after: index)
        }
        return nil
    }

    private static func unescape(_ text: String) -> String {
        var result = ""
        var escaped = false
        for c in text {
            if escaped { result.append(c); escaped = false } else if c == "\\" { escaped = true } else { result.append(c) }
        }
        return result
    }
}

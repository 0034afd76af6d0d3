/// A label selector: `matchLabels` plus `matchExpressions`, or the `-l` syntax
/// (`app=web,tier!=db,env in (a,b),!legacy`).
public struct LabelSelector: Equatable, Sendable, CustomStringConvertible {
    public enum Operator: String, Sendable {
        case equals = "=", notEquals = "!=", `in` = "In", notIn = "NotIn", exists = "Exists", doesNotExist = "DoesNotExist"
    }

    public struct Requirement: Equatable, Sendable {
        public var key: String
        public var op: Operator
        public var values: [String]
    }

    public var requirements: [Requirement]

    public init(requirements: [Requirement] = []) { self.requirements = requirements }

    public init(matchLabels: [String: String]) {
        requirements = matchLabels.sorted { $0.key < $1.key }.map { Requirement(key: $0.key, op: .equals, values: [$0.value]) }
    }

    /// An empty selector matches everything (as `-l ""` does); `selector: {}` on a workload is
    /// rejected by validation before it gets here.
    public var isEmpty: Bool { requirements.isEmpty }

    public func matches(_ labels: [String: String]) -> Bool {
        requirements.allSatisfy { r in
            let value = labels[r.key]
            switch r.op {
            case .equals: return value == r.values.first
            case .notEquals: return value != r.values.first
            case .in: return value.map(r.values.contains) ?? false
            case .notIn: return value.map { !r.values.contains($0) } ?? true
            case .exists: return value != nil
            case .doesNotExist: return value == nil
            }
        }
    }

    /// kubectl's rendering: `app=web,tier in (a,b)`.
    public var description: String {
        requirements.map { r in
            switch r.op {
            case .equals: return "\(r.key)=\(r.values.first ?? "")"
            case .notEquals: return "\(r.key)!=\(r.values.first ?? "")"
            case .in: return "\(r.key) in (\(r.values.joined(separator: ",")))"
            case .notIn: return "\(r.key) notin (\(r.values.joined(separator: ",")))"
            case .exists: return r.key
            case .doesNotExist: return "!\(r.key)"
            }
        }.joined(separator: ",")
    }

    /// Parses the `-l` flag syntax. Throws a message on anything it cannot read.
    public static func parse(_ text: String) throws(SelectorSyntaxError) -> LabelSelector {
        var requirements: [Requirement] = []
        for part in splitTopLevel(text) {
            let term = part.trimmingSpaces
            if term.isEmpty { continue }
            if term.hasPrefix("!") {
                requirements.append(Requirement(key: String(term.dropFirst()).trimmingSpaces, op: .doesNotExist, values: []))
            } else if let r = term.range(of: "!=") {
                requirements.append(Requirement(key: String(term[..<r.lowerBound]).trimmingSpaces, op: .notEquals, values: [String(term[r.upperBound...]).trimmingSpaces]))
            } else if let r = term.range(of: "==") ?? term.range(of: "=") {
                requirements.append(Requirement(key: String(term[..<r.lowerBound]).trimmingSpaces, op: .equals, values: [String(term[r.upperBound...]).trimmingSpaces]))
            } else if let open = term.firstIndex(of: "("), term.hasSuffix(")") {
                let head = term[..<open].split(separator: " ", omittingEmptySubsequences: true)
                guard head.count == 2, head[1] == "in" || head[1] == "notin" else {
                    throw SelectorSyntaxError(selector: text, message: "unable to parse requirement: \(term)")
                }
                let values = term[term.index(after: open)..<term.index(before: term.endIndex)].split(separator: ",").map { String($0).trimmingSpaces }
                requirements.append(Requirement(key: String(head[0]), op: head[1] == "in" ? .in : .notIn, values: values))
            } else if !term.contains(" ") {
                requirements.append(Requirement(key: term, op: .exists, values: []))
            } else {
                throw SelectorSyntaxError(selector: text, message: "unable to parse requirement: \(term)")
            }
            if let last = requirements.last, last.key.isEmpty || !Validation.isQualifiedName(last.key) {
                throw SelectorSyntaxError(selector: text, message: "unable to parse requirement: invalid label key \"\(last.key)\"")
            }
        }
        return LabelSelector(requirements: requirements)
    }

    /// Splits on commas outside parentheses.
    private static func splitTopLevel(_ text: String) -> [String] {
        var parts: [String] = [], current = "", depth = 0
        for c in text {
            if c == "(" { depth += 1 } else if c == ")" { depth -= 1 }
            if c == "," && depth == 0 { parts.append(current); current = "" } else { current.append(c) }
        }
        parts.append(current)
        return parts
    }
}

/// A `-l` value that is not a label selector. Exit code 2.
public struct SelectorSyntaxError: Error, Sendable, CustomStringConvertible {
    public var selector: String
    public var message: String
    public var description: String { "unable to parse \"\(selector)\": \(message)" }
}

extension StringProtocol {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}

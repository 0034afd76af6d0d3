import Foundation

/// What `wait --for` waits for, as kubectl 1.32 reads and checks it
/// (`staging/src/k8s.io/kubectl/pkg/cmd/wait/wait.go` conditionFuncFor, ConditionalWait,
/// JSONPathWait, IsDeleted; `create.go` IsCreated): `delete`, `create`,
/// `condition=NAME[=VALUE]` (VALUE `true` by default), or `jsonpath=EXPRESSION[=VALUE]`
/// (without a value: any value found).
public enum WaitCondition: Sendable {
    case delete
    /// The objects named exist (kubectl 1.31+): RunWait polls every `createPollInterval`
    /// until none of them is NotFound, then each is met as it is.
    case create
    case condition(name: String, status: String)
    case jsonPath(JSONPath, value: String?)

    /// kubectl's own words for what it does not take (exit 1 there: `cmdutil.CheckErr`).
    public struct Problem: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// conditionFuncFor.
    public static func parse(_ text: String) throws(Problem) -> WaitCondition {
        if text.lowercased() == "delete" { return .delete }
        if text.lowercased() == "create" { return .create }
        if text.hasPrefix("condition=") {
            var name = String(text.dropFirst("condition=".count))
            var value = "true"
            if let equals = name.firstIndex(of: "=") {
                value = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            return .condition(name: name, status: value)
        }
        if text.hasPrefix("jsonpath=") {
            // processJSONPathInput: split at single `=` (a `==` stays), one or two parts.
            let parts = splitJSONPathInput(String(text.dropFirst("jsonpath=".count)))
            guard parts.count == 1 || parts.count == 2 else {
                throw Problem(message: "jsonpath wait format must be --for=jsonpath='{.status.readyReplicas}'=3 or --for=jsonpath='{.status.readyReplicas}'")
            }
            let expression = try relaxed(parts[0])
            guard !expression.isEmpty else { throw Problem(message: "jsonpath expression cannot be empty") }
            var value: String?
            if parts.count == 2 {
                let trimmed = String(parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "'\"")))
                guard !trimmed.isEmpty else {
                    throw Problem(message: "jsonpath wait has to have a value after equal sign, like --for=jsonpath='{.status.readyReplicas}'=3")
                }
                value = trimmed
            }
            do {
                return .jsonPath(try JSONPath(expression), value: value)
            } catch {
                throw Problem(message: error.message)
            }
        }
        throw Problem(message: "unrecognized condition: \(GoQuote.quoted(text))")
    }

    /// RunWait's poll for `create` (`wait.PollUntilContextTimeout`, 500 ms, the first look at once).
    public static let createPollInterval = Duration(milliseconds: 500)

    /// splitJSONPathInput: `a==b=c` is `a==b` and `c`.
    static func splitJSONPathInput(_ input: String) -> [String] {
        var output: [String] = []
        var element = ""
        let characters = Array(input)
        var i = 0
        while i < characters.count {
            if characters[i] == "=" {
                if i + 1 < characters.count && characters[i + 1] == "=" {
                    element += "=="
                    i += 2
                    continue
                }
                output.append(element)
                element = ""
                i += 1
                continue
            }
            element.append(characters[i])
            i += 1
        }
        output.append(element)
        return output
    }

    /// `get`'s RelaxedJSONPathExpression: `{.a.b}`, `{a.b}`, `.a.b` and `a.b` are `{.a.b}`; an
    /// empty one stays empty.
    static func relaxed(_ path: String) throws(Problem) -> String {
        if path.isEmpty { return path }
        var field: Substring
        if path.hasPrefix("{") && path.hasSuffix("}") && path.count >= 2 {
            field = path.dropFirst().dropLast()
        } else {
            field = Substring(path)
        }
        if field.hasPrefix(".") { field = field.dropFirst() }
        guard !field.isEmpty, !field.contains("{"), !field.contains("}") else {
            throw Problem(message: "unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'")
        }
        return "{.\(field)}"
    }

    /// Whether `object` (nil: it does not exist, or no longer) meets the condition. `delete`:
    /// gone, or another object under its name (`startUID` is the one waited on). A condition
    /// (checkCondition): the first condition of that type, names and statuses compared
    /// case-insensitively, not counted while its observed generation (its own, or the
    /// status') is below `metadata.generation`. A JSONPath (JSONPathWait.checkCondition): its
    /// one value, as Go's `%v` prints it, equal to the value but for surrounding spaces — or
    /// any value when none was given; more than one value, or a map or list, is an error.
    public func isMet(by object: Resource?, startUID: String? = nil) throws(Problem) -> Bool {
        switch self {
        case .delete:
            guard let object else { return true }
            if let startUID, !startUID.isEmpty, object.uid != startUID { return true }
            return false
        case .create:
            return object != nil
        case .condition(let name, let status):
            guard let object else { return false }
            let value = object.value
            for condition in value.at("status", "conditions")?.arrayValue ?? [] {
                guard let type = condition["type"]?.stringValue, type.lowercased() == name.lowercased(),
                      let current = condition["status"]?.stringValue else { continue }
                if let generation = value.at("metadata", "generation")?.intValue {
                    let observed = condition["observedGeneration"]?.intValue ?? value.at("status", "observedGeneration")?.intValue
                    if let observed, observed < generation { return false }
                }
                return current.lowercased() == status.lowercased()
            }
            return false
        case .jsonPath(let path, let expected):
            guard let object else { return false }
            let values = path.values(object.value)
            guard let first = values.first else { return false }
            guard values.count == 1 else { throw Problem(message: "given jsonpath expression matches more than one value") }
            guard let expected else { return true }
            switch first {
            case .object, .array: throw Problem(message: "jsonpath leads to a nested object or list which is not supported")
            default:
                return CustomColumns.goValue(first).trimmingCharacters(in: .whitespacesAndNewlines) == expected.trimmingCharacters(in: .whitespacesAndNewlines)
            }
        }
    }
}

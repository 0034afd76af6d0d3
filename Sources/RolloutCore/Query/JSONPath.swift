/// kubectl's JSONPath templates (`-o jsonpath=…`; `k8s.io/client-go/util/jsonpath`, as
/// kubectl's JSONPathPrinter runs it: missing keys print nothing): text outside braces as is;
/// inside, `$` / `@`, `.field` (a `\.` escapes a dot), `..field` (recursive descent), `.*`,
/// `[n]`, `[-n]`, `[start:end:step]`, `[*]`, `['a','b']`, filters `[?(@.x == "y")]` (`==`,
/// `!=`, `<`, `<=`, `>`, `>=`, or a bare path for existence), `{range …}…{end}` and string
/// literals (`{"\n"}`). Results of one expression are joined by spaces; strings print raw,
/// numbers and booleans as Go prints them, maps and lists as compact JSON with sorted keys.
public struct JSONPath: Sendable {
    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    indirect enum Node: Sendable {
        case text(String)
        case path([Segment])
        case range([Segment], [Node])
    }

    enum Segment: Sendable {
        case field(String)
        case wildcard
        case recursive(String?)
        case index(Int)
        case slice(Int?, Int?, Int)
        case union([String])
        case filter([Segment], String?, FilterValue?)
    }

    enum FilterValue: Sendable {
        case string(String)
        case number(Double)
    }

    let nodes: [Node]

    public init(_ template: String) throws(ParseError) {
        var parser = Parser(Array(template))
        nodes = try parser.parseTemplate()
    }

    /// The values of a template that is one expression (`{.status.phase}`) found in `root`,
    /// as client-go's FindResults lists them with missing keys allowed (none for a missing
    /// key, and for any other template).
    func values(_ root: Value) -> [Value] {
        guard nodes.count == 1, case .path(let segments) = nodes[0] else { return [] }
        return Self.evaluate(segments, current: root, root: root)
    }

    /// The template applied to `root`.
    public func execute(_ root: Value) -> String {
        var out = ""
        render(nodes, current: root, root: root, into: &out)
        return out
    }

    func render(_ nodes: [Node], current: Value, root: Value, into out: inout String) {
        for node in nodes {
            switch node {
            case .text(let text): out += text
            case .path(let segments):
                out += Self.evaluate(segments, current: current, root: root).map(Self.text).joined(separator: " ")
            case .range(let segments, let body):
                for item in Self.evaluate(segments, current: current, root: root) {
                    // `{range .items[*]}`: each element; `{range .x}` over a list: its elements.
                    render(body, current: item, root: root, into: &out)
                }
            }
        }
    }

    static func text(_ value: Value) -> String {
        switch value {
        case .string(let s): return s
        case .int(let i): return String(i)
        case .float(let d): return JSONWriter.formatFloat(d)
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .array, .object: return (try? JSONWriter.string(value, keys: .sorted)) ?? ""
        }
    }

    static func evaluate(_ segments: [Segment], current: Value, root: Value) -> [Value] {
        var values = [current]
        for segment in segments {
            var next: [Value] = []
            for value in values {
                switch segment {
                case .field(let name):
                    if let v = value[name] { next.append(v) }
                case .wildcard:
                    switch value {
                    case .object(let o): next += o.members.map(\.value)
                    case .array(let a): next += a
                    default: break
                    }
                case .recursive(let name):
                    descend(value, name: name, into: &next)
                case .index(let i):
                    guard case .array(let a) = value else { continue }
                    let k = i < 0 ? a.count + i : i
                    if k >= 0 && k < a.count { next.append(a[k]) }
                case .slice(let start, let end, let step):
                    guard case .array(let a) = value, step != 0 else { continue }
                    func clamp(_ x: Int) -> Int { x < 0 ? max(0, a.count + x) : min(a.count, x) }
                    let from = clamp(start ?? 0), to = clamp(end ?? a.count)
                    var k = from
                    while k < to { next.append(a[k]); k = k.addingSaturating(max(1, step)) }
                case .union(let names):
                    for name in names {
                        if let i = Int(name) {
                            if case .array(let a) = value, i >= 0 && i < a.count { next.append(a[i]) }
                        } else if let v = value[name] {
                            next.append(v)
                        }
                    }
                case .filter(let path, let op, let literal):
                    guard case .array(let a) = value else { continue }
                    for item in a where matches(item, path: path, op: op, literal: literal, root: root) { next.append(item) }
                }
            }
            values = next
        }
        return values
    }

    static func descend(_ value: Value, name: String?, into out: inout [Value]) {
        switch value {
        case .object(let o):
            if let name, let v = o[name] { out.append(v) }
            for member in o.members { descend(member.value, name: name, into: &out) }
        case .array(let a):
            if name == nil { out += a }
            for item in a { descend(item, name: name, into: &out) }
        default:
            break
        }
    }

    static func matches(_ item: Value, path: [Segment], op: String?, literal: FilterValue?, root: Value) -> Bool {
        let found = evaluate(path, current: item, root: root)
        guard let op, let literal else { return !found.isEmpty }
        return found.contains { v in
            switch (v, literal) {
            case (.string(let s), .string(let l)):
                switch op {
                case "==": return s == l
                case "!=": return s != l
                case "<": return s < l
                case "<=": return s <= l
                case ">": return s > l
                case ">=": return s >= l
                default: return false
                }
            case (.int, .number(let l)), (.float, .number(let l)):
                let d: Double
                if case .int(let i) = v { d = Double(i) } else if case .float(let f) = v { d = f } else { return false }
                switch op {
                case "==": return d == l
                case "!=": return d != l
                case "<": return d < l
                case "<=": return d <= l
                case ">": return d > l
                case ">=": return d >= l
                default: return false
                }
            case (.bool(let b), .string(let l)):
                return op == "==" ? String(b) == l : op == "!=" ? String(b) != l : false
            default:
                return op == "!="
            }
        }
    }

    struct Parser {
        let chars: [Character]
        var i = 0

        init(_ chars: [Character]) { self.chars = chars }

        mutating func fail(_ message: String) -> ParseError { ParseError(message: message) }

        mutating func parseTemplate() throws(ParseError) -> [Node] {
            var stack: [([Segment], [Node])] = []
            var nodes: [Node] = []
            var text = ""
            while i < chars.count {
                let c = chars[i]
                guard c == "{" else { text.append(c); i += 1; continue }
                if !text.isEmpty { nodes.append(.text(text)); text = "" }
                i += 1
                guard let close = closingBrace(from: i) else { throw fail("unclosed action") }
                let inner = String(chars[i..<close]).trimmingSpaces
                i = close + 1
                if inner.hasPrefix("range ") || inner == "range" {
                    let path = String(inner.dropFirst(5)).trimmingSpaces
                    var p = Parser(Array(path))
                    stack.append((try p.parsePath(), nodes))
                    nodes = []
                } else if inner == "end" {
                    guard let (segments, outer) = stack.popLast() else { throw fail("not in range, nothing to end") }
                    nodes = outer + [.range(segments, nodes)]
                } else if inner.hasPrefix("\"") || inner.hasPrefix("'") {
                    nodes.append(.text(try Self.literal(inner)))
                } else if inner.isEmpty {
                    continue
                } else {
                    var p = Parser(Array(inner))
                    nodes.append(.path(try p.parsePath()))
                }
            }
            if !text.isEmpty { nodes.append(.text(text)) }
            guard stack.isEmpty else { throw fail("unclosed range") }
            return nodes
        }

        /// The `}` that ends the action starting at `from`, skipping quoted text.
        func closingBrace(from: Int) -> Int? {
            var k = from
            var quote: Character?
            while k < chars.count {
                let c = chars[k]
                if let q = quote {
                    if c == "\\" { k += 2; continue }
                    if c == q { quote = nil }
                } else if c == "\"" || c == "'" {
                    quote = c
                } else if c == "}" {
                    return k
                }
                k += 1
            }
            return nil
        }

        static func literal(_ text: String) throws(ParseError) -> String {
            guard let quote = text.first, text.count >= 2, text.last == quote else { throw ParseError(message: "unterminated string: \(text)") }
            var out = ""
            var escaped = false
            for c in text.dropFirst().dropLast() {
                if escaped {
                    switch c {
                    case "n": out.append("\n")
                    case "t": out.append("\t")
                    case "r": out.append("\r")
                    default: out.append(c)
                    }
                    escaped = false
                } else if c == "\\" {
                    escaped = true
                } else {
                    out.append(c)
                }
            }
            return out
        }

        mutating func parsePath() throws(ParseError) -> [Segment] {
            var segments: [Segment] = []
            if i < chars.count && (chars[i] == "$" || chars[i] == "@") { i += 1 }
            while i < chars.count {
                let c = chars[i]
                if c == "." {
                    if i + 1 < chars.count && chars[i + 1] == "." {
                        i += 2
                        let name = readName()
                        segments.append(.recursive(name.isEmpty ? nil : name))
                        continue
                    }
                    i += 1
                    if i < chars.count && chars[i] == "*" { i += 1; segments.append(.wildcard); continue }
                    let name = readName()
                    if !name.isEmpty { segments.append(.field(name)) }
                } else if c == "[" {
                    segments.append(try parseBracket())
                } else if c == " " {
                    i += 1
                } else {
                    throw fail("unrecognized character in action: \(String(c))")
                }
            }
            return segments
        }

        /// A field name: up to the next `.` or `[`, with `\.` for a dot inside it.
        mutating func readName() -> String {
            var name = ""
            while i < chars.count {
                let c = chars[i]
                if c == "\\" && i + 1 < chars.count { name.append(chars[i + 1]); i += 2; continue }
                if c == "." || c == "[" || c == " " { break }
                name.append(c)
                i += 1
            }
            return name
        }

        mutating func parseBracket() throws(ParseError) -> Segment {
            i += 1
            // The closing bracket, outside quotes and parentheses.
            var k = i, depth = 0
            var quote: Character?
            while k < chars.count {
                let c = chars[k]
                if let q = quote { if c == q { quote = nil } } else if c == "'" || c == "\"" { quote = c } else if c == "(" { depth += 1 } else if c == ")" { depth -= 1 } else if c == "]" && depth == 0 { break }
                k += 1
            }
            guard k < chars.count else { throw fail("unterminated array") }
            let inner = String(chars[i..<k]).trimmingSpaces
            i = k + 1
            if inner == "*" { return .wildcard }
            if inner.hasPrefix("?(") && inner.hasSuffix(")") { return try filter(String(inner.dropFirst(2).dropLast())) }
            if inner.contains(":") {
                let parts = inner.split(separator: ":", omittingEmptySubsequences: false).map { String($0).trimmingSpaces }
                guard parts.count <= 3 else { throw fail("invalid array index \(inner)") }
                func number(_ s: String) throws(ParseError) -> Int? {
                    if s.isEmpty { return nil }
                    guard let n = Int(s) else { throw ParseError(message: "invalid array index \(inner)") }
                    return n
                }
                return .slice(try number(parts[0]), try number(parts[1]), parts.count == 3 ? (try number(parts[2]) ?? 1) : 1)
            }
            if let n = Int(inner) { return .index(n) }
            let names = inner.split(separator: ",").map { String($0).trimmingSpaces }.map { name -> String in
                if (name.hasPrefix("'") || name.hasPrefix("\"")) && name.count >= 2 { return String(name.dropFirst().dropLast()) }
                return name
            }
            guard !names.isEmpty else { throw fail("invalid array index \(inner)") }
            return names.count == 1 && Int(names[0]) == nil ? .field(names[0]) : .union(names)
        }

        func filter(_ text: String) throws(ParseError) -> Segment {
            for op in ["==", "!=", "<=", ">=", "<", ">"] {
                guard let r = text.range(of: op) else { continue }
                var left = Parser(Array(String(text[..<r.lowerBound]).trimmingSpaces))
                let right = String(text[r.upperBound...]).trimmingSpaces
                let value: FilterValue
                if right.hasPrefix("\"") || right.hasPrefix("'") {
                    value = .string(try Self.literal(right))
                } else if let d = Double(right) {
                    value = .number(d)
                } else {
                    value = .string(right)
                }
                return .filter(try left.parsePath(), op, value)
            }
            var path = Parser(Array(text.trimmingSpaces))
            return .filter(try path.parsePath(), nil, nil)
        }
    }
}

/// kubectl's `-o custom-columns=HEADER:PATH,…` and `custom-columns-file=` (`customcolumn.go`):
/// each PATH a relaxed JSONPath (braces and the leading dot optional); a cell is every result
/// joined by commas, Go's `%v` of each (`map[k:v]` for maps) with ESC and CR shown as `^[` and
/// `\r`, `<none>` when there is none.
public struct CustomColumns: Sendable {
    public var headers: [String]
    let paths: [JSONPath]

    public init(spec: String) throws(JSONPath.ParseError) {
        var headers: [String] = [], paths: [JSONPath] = []
        for column in spec.split(separator: ",", omittingEmptySubsequences: false) {
            let parts = column.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else {
                throw JSONPath.ParseError(message: "unexpected custom-columns spec: \(column), expected <header>:<json-path-expr>")
            }
            headers.append(String(parts[0]))
            paths.append(try JSONPath(Self.relaxed(String(parts[1]))))
        }
        self.headers = headers
        self.paths = paths
    }

    /// The file form: headers on the first line, paths on the second, separated by spaces.
    public init(file text: String) throws(JSONPath.ParseError) {
        let lines = text.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        guard lines.count == 2, lines[0].count == lines[1].count else {
            throw JSONPath.ParseError(message: "invalid template file: expected a line of headers and a line of paths, as many of each")
        }
        try self.init(spec: zip(lines[0], lines[1]).map { "\($0):\($1)" }.joined(separator: ","))
    }

    /// `RelaxedJSONPathExpression`: `.a.b`, `a.b` and `{.a.b}` are the same.
    static func relaxed(_ path: String) -> String {
        if path.hasPrefix("{") && path.hasSuffix("}") { return path }
        return "{" + (path.hasPrefix(".") || path.hasPrefix("[") ? "" : ".") + path + "}"
    }

    public func row(_ object: Value) -> [String] {
        paths.map { path in
            // Each value through kubectl's terminalEscaper (`printers.EscapeTerminal`).
            guard case .path(let segments)? = path.nodes.first, path.nodes.count == 1 else { return TerminalEscaper.escaped(path.execute(object)) }
            let values = JSONPath.evaluate(segments, current: object, root: object)
            return values.isEmpty ? "<none>" : values.map { TerminalEscaper.escaped(Self.goValue($0)) }.joined(separator: ",")
        }
    }

    /// Go's `%v` of a decoded JSON value.
    static func goValue(_ value: Value) -> String {
        switch value {
        case .object(let o): return "map[" + o.members.sorted { $0.key < $1.key }.map { "\($0.key):\(goValue($0.value))" }.joined(separator: " ") + "]"
        case .array(let a): return "[" + a.map(goValue).joined(separator: " ") + "]"
        case .null: return "<nil>"
        default: return JSONPath.text(value)
        }
    }
}

/// Writes values as YAML the way `kubectl -o yaml` prints them: keys sorted, two-space indent,
/// list items at their key's indentation (`- ` under `key:`), strings quoted only when they
/// would read back as something else, multi-line strings as literal blocks.
public enum YAMLWriter {
    public static func string(_ value: Value) -> String {
        var out: [UInt8] = []
        write(value, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends one document (ending in a newline) to `out`.
    public static func write(_ value: Value, into out: inout String) {
        var bytes: [UInt8] = []
        write(value, into: &bytes)
        out += String(decoding: bytes, as: UTF8.self)
    }

    /// Appends one document (ending in a newline) to `out`, as UTF-8: what `render` prints,
    /// written straight into its output (a huge document is never held twice).
    public static func write(_ value: Value, into out: inout [UInt8]) {
        switch value {
        case .object(let object) where !object.members.isEmpty:
            writeObject(object, indent: 0, into: &out)
        case .array(let items) where !items.isEmpty:
            writeArray(items, indent: 0, into: &out)
        default:
            out.append(contentsOf: inline(value, indent: 0).utf8)
            out.append(contentsOf: "\n".utf8)
        }
    }

    /// `object` as `write` writes it (a document), the list under `key` made of `count` items
    /// that `item` gives one at a time, the text handed to `emit` as it piles up. The same
    /// bytes as writing it whole.
    public static func write(_ object: Object, streaming key: String, count: Int, item: (Int) -> Value, emit: ([UInt8]) -> Void) {
        var out: [UInt8] = []
        let order = keyOrder(object)
        for i in object.members.indices {
            let member = object.members[order?[i] ?? i]
            guard member.key == key, count > 0 else {
                writeObject(Object([member]), indent: 0, into: &out)
                continue
            }
            out.append(contentsOf: scalarText(member.key, indent: 0, isKey: true).utf8)
            out.append(contentsOf: ":\n".utf8)
            // As `writeValue` writes a list under a key at indent 0: its items one by one.
            for j in 0..<count {
                writeArray([item(j)], indent: 0, into: &out)
                if out.count >= 1 << 20 {
                    emit(out)
                    out.removeAll(keepingCapacity: true)
                }
            }
        }
        if object.members.isEmpty { write(.object(object), into: &out) }
        emit(out)
    }

    /// Keys in Go's order: byte-wise comparison of the UTF-8 text.
    static func sortedMembers(_ object: Object) -> [Object.Member] {
        object.members.sorted { ByteOrder.precedes($0.key, $1.key) }
    }

    /// The same order as positions into `members`: 8 bytes a member instead of a copy.
    static func sortedIndices(_ object: Object) -> [Int] {
        let members = object.members
        return members.indices.sorted { ByteOrder.precedes(members[$0].key, members[$1].key) }
    }

    /// `sortedIndices`, or nil when the members are in that order already (no positions made).
    static func keyOrder(_ object: Object) -> [Int]? {
        let members = object.members
        var i = 1
        while i < members.count {
            if ByteOrder.precedes(members[i].key, members[i - 1].key) { return sortedIndices(object) }
            i += 1
        }
        return nil
    }

    private static func spaces(_ n: Int) -> String { String(repeating: " ", count: n) }

    /// `n` spaces, appended as bytes (no string made for each line's indentation).
    private static func appendSpaces(_ n: Int, to out: inout [UInt8]) {
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: max(0, n)))
    }

    private static func writeObject(_ object: Object, indent: Int, into out: inout [UInt8], firstLinePrefixed: Bool = false) {
        let order = keyOrder(object)
        for i in object.members.indices {
            let member = object.members[order?[i] ?? i]
            if !(firstLinePrefixed && i == 0) { appendSpaces(indent, to: &out) }
            out.append(contentsOf: scalarText(member.key, indent: indent, isKey: true).utf8)
            out.append(contentsOf: ":".utf8)
            writeValue(member.value, indent: indent, nestedObjectIndent: indent + 2, into: &out)
        }
    }

    private static func writeArray(_ items: [Value], indent: Int, into out: inout [UInt8], firstLinePrefixed: Bool = false) {
        for (i, item) in items.enumerated() {
            if !(firstLinePrefixed && i == 0) { appendSpaces(indent, to: &out) }
            out.append(contentsOf: "-".utf8)
            switch item {
            case .object(let object) where !object.members.isEmpty:
                out.append(contentsOf: " ".utf8)
                writeObject(object, indent: indent + 2, into: &out, firstLinePrefixed: true)
            case .array(let nested) where !nested.isEmpty:
                out.append(contentsOf: " ".utf8)
                writeArray(nested, indent: indent + 2, into: &out, firstLinePrefixed: true)
            default:
                writeValue(item, indent: indent, nestedObjectIndent: indent + 2, into: &out)
            }
        }
    }

    /// The part after `key:` or `-`: a scalar on the same line, or a nested block.
    private static func writeValue(_ value: Value, indent: Int, nestedObjectIndent: Int, into out: inout [UInt8]) {
        switch value {
        case .object(let object) where !object.members.isEmpty:
            out.append(contentsOf: "\n".utf8)
            writeObject(object, indent: nestedObjectIndent, into: &out)
        case .array(let items) where !items.isEmpty:
            out.append(contentsOf: "\n".utf8)
            // kubectl writes a list at the same indentation as its key.
            writeArray(items, indent: indent, into: &out)
        default:
            out.append(contentsOf: " ".utf8)
            if case .string(let s) = value, let folded = folded(s, indent: indent, after: out) {
                out.append(contentsOf: folded.utf8)
            } else {
                out.append(contentsOf: inline(value, indent: indent).utf8)
            }
            out.append(contentsOf: "\n".utf8)
        }
    }

    /// go-yaml's emitter (`best_width` 80, which kubectl's printer keeps) breaks a long plain
    /// or quoted scalar at a space once the line has passed 80 characters
    /// (`yaml_emitter_write_plain_scalar`, `_single_quoted_scalar`, `_double_quoted_scalar`):
    /// the continuation is indented two past the key or the dash (`indent`), and reads back as
    /// the same string. nil when the scalar stays on its line (its style is a literal block, or
    /// the line cannot reach the width). `out` ends with the line the scalar continues.
    static let bestWidth = 80

    private static func folded(_ s: String, indent: Int, after out: [UInt8]) -> String? {
        // Bytes bound characters from above: a line that cannot pass the width in bytes
        // cannot in characters.
        let lineStart = (out.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 }) ?? 0
        guard out.count - lineStart + s.utf8.count + 2 > bestWidth else { return nil }
        let style = style(for: s, isKey: false)
        guard style != .literal else { return nil }
        let column = String(decoding: out[lineStart...], as: UTF8.self).unicodeScalars.count
        return fold(s, style: style, column: column, indent: indent + 2)
    }

    /// The scalar as the emitter writes it from `column`, breaking as it does; continuation
    /// lines start at `indent`. Columns count characters (Unicode scalars), as go-yaml does.
    static func fold(_ s: String, style: StringStyle, column start: Int, indent: Int) -> String {
        let scalars = Array(s.unicodeScalars)
        var text = ""
        var column = start
        func put(_ piece: String, width: Int) {
            text += piece
            column += width
        }
        func breakLine() {
            text += "\n" + spaces(indent)
            column = indent
        }
        var spaced = false
        switch style {
        case .literal:
            return scalarText(s, indent: indent - 2, isKey: false)
        case .plain, .singleQuoted:
            // (A plain scalar neither starts nor ends with a space: the quoted form's bounds
            // hold for both.)
            let quoted = style == .singleQuoted
            if quoted { put("'", width: 1) }
            for (i, scalar) in scalars.enumerated() {
                if scalar == " " {
                    if !spaced && column > bestWidth && i != 0 && i != scalars.count - 1 && scalars[i + 1] != " " {
                        breakLine()
                    } else {
                        put(" ", width: 1)
                    }
                    spaced = true
                } else {
                    if quoted && scalar == "'" { put("'", width: 1) }
                    text.unicodeScalars.append(scalar)
                    column += 1
                    spaced = false
                }
            }
            if quoted { put("'", width: 1) }
        case .doubleQuoted:
            put("\"", width: 1)
            for (i, scalar) in scalars.enumerated() {
                let escaped = scalar == " " ? nil : doubleQuotedEscape(scalar)
                if let escaped {
                    put(escaped, width: escaped.unicodeScalars.count)
                    spaced = false
                } else if scalar == " " {
                    if !spaced && column > bestWidth && i > 0 && i < scalars.count - 1 {
                        breakLine()
                        // A space after the break would be taken for indentation: escaped.
                        if scalars[i + 1] == " " { put("\\", width: 1) }
                    } else {
                        put(" ", width: 1)
                    }
                    spaced = true
                } else {
                    text.unicodeScalars.append(scalar)
                    column += 1
                    spaced = false
                }
            }
            put("\"", width: 1)
        }
        return text
    }

    private static func inline(_ value: Value, indent: Int) -> String {
        switch value {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .float(let d):
            if d.isNaN { return ".nan" }
            if d.isInfinite { return d < 0 ? "-.inf" : ".inf" }
            return d.description  // shortest round-trip form, always with '.' or an exponent
        case .string(let s): return scalarText(s, indent: indent, isKey: false)
        case .array: return "[]"
        case .object: return "{}"
        }
    }

    // MARK: - Strings

    enum StringStyle: Equatable { case plain, singleQuoted, doubleQuoted, literal }

    static func style(for s: String, isKey: Bool) -> StringStyle {
        if s.isEmpty { return .doubleQuoted }
        // Printable ASCII only (most names and values): no break and nothing to escape, so the
        // loop below would find nothing.
        if s.withUTF8Bytes({ $0.allSatisfy { $0 >= 0x20 && $0 <= 0x7E } }) {
            if readsAsNonString(s) { return .doubleQuoted }
            return isPlainSafe(s) ? .plain : .singleQuoted
        }
        var hasBreak = false
        var spaceBeforeBreak = false
        var previous: Unicode.Scalar = "\n"
        for scalar in s.unicodeScalars {
            if scalar == "\n" {
                hasBreak = true
                if previous == " " { spaceBeforeBreak = true }
            } else if !isPrintable(scalar) {
                return .doubleQuoted
            }
            previous = scalar
        }
        if hasBreak {
            let first = s.unicodeScalars.first
            if isKey || spaceBeforeBreak || first == " " || first == "\n" || previous == " " { return .doubleQuoted }
            return .literal
        }
        if readsAsNonString(s) { return .doubleQuoted }
        return isPlainSafe(s) ? .plain : .singleQuoted
    }

    /// Printable in YAML and not a line break to any YAML version (tab is escaped, as libyaml does).
    private static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x20...0x7E: return true
        case 0xA0...0xD7FF: return scalar.value != 0x2028 && scalar.value != 0x2029
        case 0xE000...0xFFFD: return scalar.value != 0xFEFF
        case 0x10000...0x10FFFF: return true
        default: return false
        }
    }

    /// Plain text that either schema (or a YAML 1.1 reader) would not read back as this string.
    static func readsAsNonString(_ s: String) -> Bool {
        if s == "<<" || s == "=" { return true }
        // Whatever either schema reads as other than a string, and every YAML 1.1 number,
        // starts with a byte go-yaml's resolver looks twice at (a digit, a sign, a dot, `~`, or
        // the first letter of a word it knows, `KubernetesScalars.mayBeSpecial`): other text is
        // a string to all three, without asking them.
        if let first = s.utf8.first, !KubernetesScalars.mayBeSpecial(first) { return false }
        if case .string = YAMLSchema.kubernetes.resolvePlain(s) {} else { return true }
        if case .string = YAMLSchema.core.resolvePlain(s) {} else { return true }
        return looksLikeYAML11Number(s)
    }

    /// YAML 1.1 sexagesimal numbers (`1:30`) and timestamps, which older readers turn into
    /// numbers and dates.
    private static func looksLikeYAML11Number(_ s: String) -> Bool {
        guard let first = s.utf8.first, (first >= 0x30 && first <= 0x39) || first == UInt8(ascii: "-") || first == UInt8(ascii: "+") else {
            return false
        }
        // Only `0123456789:._-+TtZz ` and a space; a colon, or two dashes. (All ASCII: each byte
        // is a character.)
        var colon = false, dashes = 0
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "+"), UInt8(ascii: "T"), UInt8(ascii: "t"),
                 UInt8(ascii: "Z"), UInt8(ascii: "z"), UInt8(ascii: " "):
                continue
            case UInt8(ascii: ":"): colon = true
            case UInt8(ascii: "-"): dashes += 1
            default: return false
            }
        }
        return colon || dashes >= 2
    }

    /// libyaml's rules for a plain scalar in block context.
    static func isPlainSafe(_ s: String) -> Bool {
        // (A document marker only counts as characters: `---` then a combining mark is not one.)
        let lead = s.utf8.first
        let marker = (lead == UInt8(ascii: "-") || lead == UInt8(ascii: ".")) && s.utf8.count >= 3 && (s.hasPrefix("---") || s.hasPrefix("..."))
        return s.withUTF8Bytes { isPlainSafe($0, startsWithMarker: marker) }
    }

    private static func isPlainSafe(_ bytes: UnsafeBufferPointer<UInt8>, startsWithMarker: Bool) -> Bool {
        guard let first = bytes.first, let last = bytes.last else { return false }
        if first == 0x20 || last == 0x20 || last == UInt8(ascii: ":") { return false }
        if startsWithMarker { return false }
        let second: UInt8 = bytes.count > 1 ? bytes[1] : 0x20
        switch first {
        case UInt8(ascii: "-"), UInt8(ascii: "?"), UInt8(ascii: ":"):
            if second == 0x20 { return false }
        case UInt8(ascii: ","), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}"),
             UInt8(ascii: "#"), UInt8(ascii: "&"), UInt8(ascii: "*"), UInt8(ascii: "!"), UInt8(ascii: "|"),
             UInt8(ascii: ">"), UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "%"), UInt8(ascii: "@"),
             UInt8(ascii: "`"):
            return false
        default:
            break
        }
        for i in 1..<bytes.count {
            if bytes[i] == UInt8(ascii: ":") && i + 1 < bytes.count && bytes[i + 1] == 0x20 { return false }
            if bytes[i] == UInt8(ascii: "#") && bytes[i - 1] == 0x20 { return false }
        }
        return true
    }

    static func scalarText(_ s: String, indent: Int, isKey: Bool) -> String {
        switch style(for: s, isKey: isKey) {
        case .plain:
            return s
        case .singleQuoted:
            return "'" + s.replacingAll("'", with: "''") + "'"
        case .doubleQuoted:
            return doubleQuoted(s)
        case .literal:
            return literalBlock(s, indent: indent + 2)
        }
    }

    private static func literalBlock(_ s: String, indent: Int) -> String {
        var lines = s.split(separator: "\n", omittingEmptySubsequences: false)
        var header = "|"
        if s.hasSuffix("\n") {
            lines.removeLast()
            if s.hasSuffix("\n\n") { header = "|+" }
        } else {
            header = "|-"
        }
        let pad = spaces(indent)
        var text = header
        for line in lines {
            text += "\n"
            if !line.isEmpty { text += pad + line }
        }
        return text
    }

    static func doubleQuoted(_ s: String) -> String {
        // Printable ASCII with no quote or backslash (a timestamp, a number's text) is itself.
        if s.withUTF8Bytes({ $0.allSatisfy { $0 >= 0x20 && $0 <= 0x7E && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") } }) { return "\"" + s + "\"" }
        var out = "\""
        for scalar in s.unicodeScalars {
            if let escaped = doubleQuotedEscape(scalar) { out += escaped } else { out.unicodeScalars.append(scalar) }
        }
        return out + "\""
    }

    /// How a double-quoted scalar writes `scalar`: an escape, or nil for itself.
    private static func doubleQuotedEscape(_ scalar: Unicode.Scalar) -> String? {
        switch scalar {
        case "\"": return "\\\""
        case "\\": return "\\\\"
        case "\n": return "\\n"
        case "\t": return "\\t"
        case "\r": return "\\r"
        case "\0": return "\\0"
        case "\u{07}": return "\\a"
        case "\u{08}": return "\\b"
        case "\u{0B}": return "\\v"
        case "\u{0C}": return "\\f"
        case "\u{1B}": return "\\e"
        case "\u{85}": return "\\N"
        case "\u{2028}": return "\\L"
        case "\u{2029}": return "\\P"
        default:
            if isPrintable(scalar) { return nil }
            return scalar.value <= 0xFF ? "\\x" + hex(scalar.value, width: 2) : "\\u" + hex(scalar.value, width: 4)
        }
    }

    private static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}

/// How untagged plain scalars turn into values.
public enum YAMLSchema: String, Sendable, CaseIterable {
    /// As Kubernetes' decoder does (sigs.k8s.io/yaml over go-yaml v2, YAML 1.1 words).
    case kubernetes
    /// The YAML 1.2 core schema.
    case core

    /// The syntax corners where go-yaml and the YAML 1.2 spec part ways follow the schema:
    /// Kubernetes mode reads what kubectl reads, core mode what the spec and its test suite say.
    public var syntaxRules: YAMLSyntaxRules {
        self == .kubernetes ? .goYAML : .spec
    }

    /// The value of an untagged plain scalar.
    public func resolvePlain(_ text: String) -> Value {
        switch self {
        case .kubernetes: return KubernetesScalars.resolve(text)
        case .core: return CoreScalars.resolve(text)
        }
    }
}

/// go-yaml v2's resolve rules (resolve.go), which Kubernetes applies to every manifest.
enum KubernetesScalars {
    static func resolve(_ text: String) -> Value {
        guard let first = text.utf8.first else { return .null }
        // Most scalars are names and words: rule them out on the first byte before comparing.
        guard mayBeSpecial(first) else { return .string(text) }
        if text.utf8.count <= 5 {
            if let word = resolveWord(text) { return word }
        }
        // Only text starting with a sign, a digit or a dot can be a number.
        guard first == UInt8(ascii: "+") || first == UInt8(ascii: "-") || first == UInt8(ascii: ".")
                || (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")) else {
            return .string(text)
        }
        let plain = text.utf8.contains(UInt8(ascii: "_")) ? text.replacingAll("_", with: "") : text
        if let int = GoNumberSyntax.parseInt(plain) { return .int(int) }
        if GoNumberSyntax.isYAMLStyleFloat(plain), let double = Double(plain), double.isFinite {
            return .float(double)
        }
        if plain.hasPrefix("0b"), let int = Int(plain.dropFirst(2), radix: 2) { return .int(int) }
        if plain.hasPrefix("-0b"), let int = Int(plain.dropFirst(3), radix: 2) { return .int(-int) }
        return .string(text)
    }

    static func mayBeSpecial(_ first: UInt8) -> Bool {
        switch first {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
             UInt8(ascii: "~"), UInt8(ascii: "n"), UInt8(ascii: "N"), UInt8(ascii: "y"), UInt8(ascii: "Y"),
             UInt8(ascii: "t"), UInt8(ascii: "T"), UInt8(ascii: "f"), UInt8(ascii: "F"), UInt8(ascii: "o"),
             UInt8(ascii: "O"):
            return true
        default:
            return false
        }
    }

    /// go-yaml v2's table of special words, keyed by their bytes packed into an integer so a
    /// lookup costs no string comparison.
    private static let words: [UInt64: Value] = {
        var table: [UInt64: Value] = [:]
        for word in ["~", "null", "Null", "NULL"] { table[packWord(word)] = .null }
        for word in ["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"] { table[packWord(word)] = .bool(true) }
        for word in ["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"] { table[packWord(word)] = .bool(false) }
        for word in [".nan", ".NaN", ".NAN"] { table[packWord(word)] = .float(.nan) }
        for word in [".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"] { table[packWord(word)] = .float(.infinity) }
        for word in ["-.inf", "-.Inf", "-.INF"] { table[packWord(word)] = .float(-.infinity) }
        return table
    }()

    /// The UTF-8 bytes of a word of at most 7 bytes, packed (with its length) into an integer.
    static func packWord(_ text: String) -> UInt64 {
        var packed = UInt64(text.utf8.count)
        for b in text.utf8 { packed = packed << 8 | UInt64(b) }
        return packed
    }

    private static func resolveWord(_ text: String) -> Value? {
        words[packWord(text)]
    }
}

/// The YAML 1.2 core schema (10.3.2).
enum CoreScalars {
    static func resolve(_ text: String) -> Value {
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        case ".nan", ".NaN", ".NAN": return .float(.nan)
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .float(.infinity)
        case "-.inf", "-.Inf", "-.INF": return .float(-.infinity)
        default: break
        }
        let bytes = Array(text.utf8)
        if bytes.count > 2 && bytes[0] == UInt8(ascii: "0") {
            let digits = String(decoding: bytes[2...], as: UTF8.self)
            if bytes[1] == UInt8(ascii: "o"), digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x37 }),
               let value = Int(digits, radix: 8) { return .int(value) }
            if bytes[1] == UInt8(ascii: "x"), let value = Int(digits, radix: 16),
               digits.utf8.allSatisfy({ GoNumberSyntax.isHexDigit($0) }) { return .int(value) }
        }
        var i = 0
        if i < bytes.count && (bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+")) { i += 1 }
        if i < bytes.count && bytes[i...].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            if let value = Int(text.hasPrefix("+") ? String(text.dropFirst()) : text) { return .int(value) }
            if let value = Double(text) { return .float(value) }
        }
        if GoNumberSyntax.isYAMLStyleFloat(text), let value = Double(text) { return .float(value) }
        return .string(text)
    }
}

/// Number syntax as Go's strconv and go-yaml accept it.
enum GoNumberSyntax {
    static func isHexDigit(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66)
    }

    /// strconv.ParseInt(s, 0, 64): optional sign, then `0x`/`0o`/`0b` prefixes, a leading `0`
    /// meaning octal, or decimal digits.
    static func parseInt(_ text: String) -> Int? {
        var bytes = Substring(text).utf8[...]
        var negative = false
        if let sign = bytes.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
            negative = sign == UInt8(ascii: "-")
            bytes = bytes.dropFirst()
        }
        guard !bytes.isEmpty else { return nil }
        var radix = 10
        if bytes.first == UInt8(ascii: "0") && bytes.count > 1 {
            let second = bytes[bytes.index(after: bytes.startIndex)]
            switch second {
            case UInt8(ascii: "x"), UInt8(ascii: "X"): radix = 16; bytes = bytes.dropFirst(2)
            case UInt8(ascii: "o"), UInt8(ascii: "O"): radix = 8; bytes = bytes.dropFirst(2)
            case UInt8(ascii: "b"), UInt8(ascii: "B"): radix = 2; bytes = bytes.dropFirst(2)
            default: radix = 8; bytes = bytes.dropFirst(1)
            }
            guard !bytes.isEmpty else { return nil }
        }
        var magnitude: UInt64 = 0
        for b in bytes {
            let digit: UInt64
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt64(b - 0x30)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt64(b - 0x61 + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt64(b - 0x41 + 10)
            default: return nil
            }
            guard digit < UInt64(radix) else { return nil }
            let (times, overflow1) = magnitude.multipliedReportingOverflow(by: UInt64(radix))
            let (sum, overflow2) = times.addingReportingOverflow(digit)
            if overflow1 || overflow2 { return nil }
            magnitude = sum
        }
        if negative {
            if magnitude == UInt64(Int.max) + 1 { return Int.min }
            guard magnitude <= UInt64(Int.max) else { return nil }
            return -Int(magnitude)
        }
        guard magnitude <= UInt64(Int.max) else { return nil }
        return Int(magnitude)
    }

    /// go-yaml's `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
    static func isYAMLStyleFloat(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        var i = 0
        func digits() -> Int {
            let start = i
            while i < bytes.count && bytes[i] >= 0x30 && bytes[i] <= 0x39 { i += 1 }
            return i - start
        }
        if i < bytes.count && (bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+")) { i += 1 }
        if i < bytes.count && bytes[i] == UInt8(ascii: ".") {
            i += 1
            if digits() == 0 { return false }
        } else {
            if digits() == 0 { return false }
            if i < bytes.count && bytes[i] == UInt8(ascii: ".") {
                i += 1
                _ = digits()
            }
        }
        if i < bytes.count && (bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E")) {
            i += 1
            if i < bytes.count && (bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+")) { i += 1 }
            if digits() == 0 { return false }
        }
        return i == bytes.count
    }
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var result = ""
        result.reserveCapacity(utf8.count)
        for character in self {
            if character == target { result += replacement } else { result.append(character) }
        }
        return result
    }
}

/// Syntax details on which Kubernetes' parser (go-yaml, a libyaml port) and the YAML 1.2 spec
/// disagree. Real manifests depend on go-yaml's leniency; the test suite checks the spec.
public struct YAMLSyntaxRules: Sendable, Equatable {
    /// A block scalar's last line counts as ending in a line break even at the end of the input
    /// without one (spec; yaml-test-suite L24T-01, JEF9-02). go-yaml keeps no final newline there.
    public var endOfInputEndsLine: Bool
    /// Continuation lines of a quoted scalar must be indented past the enclosing block (spec;
    /// yaml-test-suite QB6E). go-yaml accepts them at any indentation.
    public var quotedContinuationMustBeIndented: Bool

    public static let goYAML = YAMLSyntaxRules(endOfInputEndsLine: false, quotedContinuationMustBeIndented: false)
    public static let spec = YAMLSyntaxRules(endOfInputEndsLine: true, quotedContinuationMustBeIndented: true)
}

import Foundation

/// A strict JSON (RFC 8259) reader. Integers that fit in `Int` stay integers; other numbers
/// become `Double`. Object key order is kept.
public struct JSONReader {
    public struct Error: Swift.Error, CustomStringConvertible, Sendable {
        public var offset: Int
        public var message: String
        public var description: String { "at byte \(offset): \(message)" }
    }

    /// The text, borrowed for the length of one `parse`.
    private let bytes: UnsafeBufferPointer<UInt8>
    private var i = 0
    private var depth = 0
    /// Members and items of the objects and arrays being read, innermost last: each is built
    /// at its exact size when it closes, instead of growing by doubling as it is read.
    private var memberStack: [Object.Member] = []
    private var itemStack: [Value] = []

    public static func parse(_ text: String) throws(Error) -> Value {
        try parse(Array(text.utf8))
    }

    public static func parse(_ bytes: [UInt8]) throws(Error) -> Value {
        try bytes.withUnsafeBufferPointer { buffer throws(Error) in try parse(buffer) }
    }

    /// A line of a larger buffer, read where it lies.
    public static func parse(_ bytes: ArraySlice<UInt8>) throws(Error) -> Value {
        try bytes.withUnsafeBufferPointer { buffer throws(Error) in try parse(buffer) }
    }

    private static func parse(_ buffer: UnsafeBufferPointer<UInt8>) throws(Error) -> Value {
        var reader = JSONReader(bytes: buffer)
        reader.skipWhitespace()
        let value = try reader.parseValue()
        reader.skipWhitespace()
        if reader.i != buffer.count { throw reader.fail("unexpected content after the JSON value") }
        return value
    }

    private init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    private func fail(_ message: String) -> Error { Error(offset: i, message: message) }

    private mutating func skipWhitespace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
    }

    private mutating func expect(_ literal: String, _ value: Value) throws(Error) -> Value {
        for b in literal.utf8 {
            guard i < bytes.count, bytes[i] == b else { throw fail("invalid literal, expected \(literal)") }
            i += 1
        }
        return value
    }

    private mutating func parseValue() throws(Error) -> Value {
        guard i < bytes.count else { throw fail("unexpected end of input") }
        switch bytes[i] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): return try expect("true", .bool(true))
        case UInt8(ascii: "f"): return try expect("false", .bool(false))
        case UInt8(ascii: "n"): return try expect("null", .null)
        default: return try parseNumber()
        }
    }

    private mutating func enter() throws(Error) {
        depth += 1
        if depth > YAMLLimits.maxDepth { throw fail("nested deeper than \(YAMLLimits.maxDepth) levels") }
    }

    /// Members of an object looked for one by one before a table of their keys is made.
    static let linearMembers = 16

    private mutating func parseObject() throws(Error) -> Value {
        try enter()
        i += 1
        skipWhitespace()
        if i < bytes.count && bytes[i] == UInt8(ascii: "}") { i += 1; depth -= 1; return .object(Object()) }
        let base = memberStack.count
        // A repeated key keeps its first place and takes the last value. Past a few members
        // the keys are looked up in a table, so that an object of thousands of members (a
        // state's counters) is not read in quadratic time.
        var positions: [String: Int] = [:]
        while true {
            skipWhitespace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw fail("expected a string key") }
            let key = try parseString()
            skipWhitespace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw fail("expected ':'") }
            i += 1
            skipWhitespace()
            let value = try parseValue()
            let large = memberStack.count - base > Self.linearMembers
            if large && positions.isEmpty {
                for j in base..<memberStack.count { positions[memberStack[j].key] = j }
            }
            if let existing = large ? positions[key] : memberStack[base...].firstIndex(where: { $0.key.utf8.count == key.utf8.count && $0.key == key }) {
                memberStack[existing].value = value
            } else {
                if large { positions[key] = memberStack.count }
                memberStack.append(Object.Member(key: key, value: value))
            }
            skipWhitespace()
            guard i < bytes.count else { throw fail("unexpected end of input in an object") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "}") { i += 1; break }
            throw fail("expected ',' or '}'")
        }
        depth -= 1
        let object = Object(Array(memberStack[base...]))
        memberStack.removeSubrange(base...)
        return .object(object)
    }

    private mutating func parseArray() throws(Error) -> Value {
        try enter()
        i += 1
        skipWhitespace()
        if i < bytes.count && bytes[i] == UInt8(ascii: "]") { i += 1; depth -= 1; return .array([]) }
        let base = itemStack.count
        while true {
            skipWhitespace()
            let item: Value
            if let made = controllersEndpoint() { item = made } else { item = try parseValue() }
            itemStack.append(item)
            skipWhitespace()
            guard i < bytes.count else { throw fail("unexpected end of input in an array") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "]") { i += 1; break }
            throw fail("expected ',' or ']'")
        }
        depth -= 1
        let items = Array(itemStack[base...])
        itemStack.removeSubrange(base...)
        return .array(items)
    }

    // MARK: endpoints as the controllers write them

    /// An item of a list that is an EndpointSlice's endpoint as the EndpointSlice controller
    /// writes it (`EndpointSliceController.endpoint(for:ip:publishNotReady:)`: one address, the
    /// three conditions, the node if any, the pod's `targetRef`) or an Endpoints' address as the
    /// Endpoints controller does (`EndpointsController.address(for:ip:)`), read straight into
    /// the value the general path makes of the same text — each key where the controller puts
    /// it, no whitespace, the conditions one of the eight values the controller shares
    /// (`EndpointSliceController.Conditions.value`). nil, nothing read, for any other text,
    /// which the general path reads (and says what is wrong with). A state's slices and
    /// Endpoints list every pod behind a Service (150,000 of each at Kubernetes' limits); read
    /// key by key, member by member, they were the largest part of the objects read in full
    /// when a cluster loads. Debug builds (the tests) read each one both ways and check it.
    private mutating func controllersEndpoint() -> Value? {
        // (Its objects and list are one and two levels in: as deep as the general path allows.)
        guard i < bytes.count, bytes[i] == UInt8(ascii: "{"), depth + 2 <= YAMLLimits.maxDepth else { return nil }
        let start = i
        let made: Value?
        if take("{\"addresses\":[") {
            made = sliceEndpoint()
        } else if take("{\"ip\":") {
            made = endpointsAddress()
        } else {
            made = nil
        }
        guard let made else {
            i = start
            return nil
        }
        #if DEBUG
        precondition((try? Self.parse(UnsafeBufferPointer(rebasing: bytes[start..<i]))) == made,
                     "an endpoint reads otherwise in general: \(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self))")
        #endif
        return made
    }

    /// The rest of a slice's endpoint after `{"addresses":[`.
    private mutating func sliceEndpoint() -> Value? {
        guard let ip = plainString(), take("],\"conditions\":{\"ready\":"), let ready = plainBool(), take(",\"serving\":"),
              let serving = plainBool(), take(",\"terminating\":"), let terminating = plainBool(), take("}") else { return nil }
        var node: String?
        if take(",\"nodeName\":") {
            guard let name = plainString() else { return nil }
            node = name
        }
        guard take(",\"targetRef\":"), let ref = podReference() else { return nil }
        var zone: String?
        if take(",\"zone\":") {
            guard let z = plainString() else { return nil }
            zone = z
        }
        guard take("}") else { return nil }
        let addresses = Object.Member(key: "addresses", value: .array([.string(ip)]))
        let conditions = Object.Member(key: "conditions",
                                       value: EndpointSliceController.Conditions(ready: ready, serving: serving, terminating: terminating).value)
        let targetRef = Object.Member(key: "targetRef", value: ref)
        if let zone {
            var members = [addresses, conditions]
            if let node { members.append(Object.Member(key: "nodeName", value: .string(node))) }
            return .object(Object(members + [targetRef, Object.Member(key: "zone", value: .string(zone))]))
        }
        guard let node else { return .object(Object([addresses, conditions, targetRef])) }
        return .object(Object([addresses, conditions, Object.Member(key: "nodeName", value: .string(node)), targetRef]))
    }

    /// The rest of an Endpoints' address after `{"ip":`.
    private mutating func endpointsAddress() -> Value? {
        guard let ip = plainString(), take(",\"nodeName\":"), let node = plainString(), take(",\"targetRef\":"), let ref = podReference(),
              take("}") else { return nil }
        return .object(Object([Object.Member(key: "ip", value: .string(ip)), Object.Member(key: "nodeName", value: .string(node)),
                               Object.Member(key: "targetRef", value: ref)]))
    }

    /// A pod's reference as `SimPod.targetRef` writes it.
    private mutating func podReference() -> Value? {
        guard take("{\"kind\":\"Pod\",\"name\":"), let name = plainString(), take(",\"namespace\":"), let namespace = plainString(),
              take(",\"uid\":"), let uid = plainString(), take("}") else { return nil }
        return .object(Object([Object.Member(key: "kind", value: .string("Pod")), Object.Member(key: "name", value: .string(name)),
                               Object.Member(key: "namespace", value: .string(namespace)), Object.Member(key: "uid", value: .string(uid))]))
    }

    /// `text` next (moved past), or nothing moved.
    private mutating func take(_ text: StaticString) -> Bool {
        let length = text.utf8CodeUnitCount
        guard bytes.count - i >= length, let base = bytes.baseAddress, memcmp(base + i, text.utf8Start, length) == 0 else { return false }
        i += length
        return true
    }

    /// A string as the general path reads it, or nil (nothing moved).
    private mutating func plainString() -> String? {
        guard i < bytes.count, bytes[i] == UInt8(ascii: "\""), case .text(let text, let end) = Self.scanString(bytes, quote: i) else { return nil }
        i = end
        return text
    }

    private mutating func plainBool() -> Bool? {
        if take("true") { return true }
        if take("false") { return false }
        return nil
    }

    private mutating func parseString() throws(Error) -> String {
        switch Self.scanString(bytes, quote: i) {
        case .text(let text, let end):
            i = end
            return text
        case .failure(let message, let at):
            i = at
            throw fail(message)
        }
    }

    /// A string read, and the offset past its closing quote; or what is wrong, and where.
    enum StringScan {
        case text(String, end: Int)
        case failure(String, at: Int)
    }

    /// The string whose opening quote is at `quote`. `unicodeEscapes` false: a `\u` escape is
    /// a failure (`CompactLineReader` leaves such strings to this reader).
    static func scanString(_ bytes: UnsafeBufferPointer<UInt8>, quote: Int, unicodeEscapes: Bool = true) -> StringScan {
        var i = quote + 1
        // Fast path: no escapes, the common case, decodes the bytes in place.
        let start = i
        // Eight bytes at a time while none is a quote, a backslash or a control character
        // (nor 0xE2, which the writer's test also stops at: then byte by byte).
        if let base = bytes.baseAddress {
            while i + 8 <= bytes.count && !JSONWriter.mayNeedEscaping(UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)) { i += 8 }
        }
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") {
                return .text(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self), end: i + 1)
            }
            if b == UInt8(ascii: "\\") || b < 0x20 { break }
            i += 1
        }
        /// Four hex digits at `i`, or the failure.
        func hex4(_ i: inout Int) -> Result<UInt32, StringScanFailure> {
            guard i + 4 <= bytes.count else { return .failure(StringScanFailure(message: "truncated \\u escape", at: i)) }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let b = bytes[i]
                let digit: UInt32
                switch b {
                case 0x30...0x39: digit = UInt32(b - 0x30)
                case 0x41...0x46: digit = UInt32(b - 0x41 + 10)
                case 0x61...0x66: digit = UInt32(b - 0x61 + 10)
                default: return .failure(StringScanFailure(message: "invalid hex digit in \\u escape", at: i))
                }
                value = value * 16 + digit
                i += 1
            }
            return .success(value)
        }
        var out: [UInt8] = Array(bytes[start..<i])
        while true {
            guard i < bytes.count else { return .failure("unterminated string", at: i) }
            let b = bytes[i]
            if b == UInt8(ascii: "\"") { i += 1; break }
            if b < 0x20 { return .failure("control character in a string", at: i) }
            if b != UInt8(ascii: "\\") { out.append(b); i += 1; continue }
            guard i + 1 < bytes.count else { return .failure("unterminated escape", at: i) }
            let e = bytes[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u") where unicodeEscapes:
                var code: UInt32
                switch hex4(&i) {
                case .success(let value): code = value
                case .failure(let failure): return .failure(failure.message, at: failure.at)
                }
                if code >= 0xD800 && code < 0xDC00, i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") {
                    i += 2
                    let low: UInt32
                    switch hex4(&i) {
                    case .success(let value): low = value
                    case .failure(let failure): return .failure(failure.message, at: failure.at)
                    }
                    guard low >= 0xDC00 && low < 0xE000 else { return .failure("invalid surrogate pair", at: i) }
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                }
                let scalar = Unicode.Scalar(code) ?? "\u{FFFD}"
                out.append(contentsOf: Array(String(Character(scalar)).utf8))
            default: return .failure("invalid escape", at: i)
            }
        }
        return .text(String(decoding: out, as: UTF8.self), end: i)
    }

    struct StringScanFailure: Swift.Error {
        var message: String
        var at: Int
    }

    private mutating func parseNumber() throws(Error) -> Value {
        let start = i
        var isInteger = true
        if i < bytes.count && bytes[i] == UInt8(ascii: "-") { i += 1 }
        let digitsStart = i
        while i < bytes.count && bytes[i] >= 0x30 && bytes[i] <= 0x39 { i += 1 }
        if i == digitsStart { throw fail("expected a value") }
        if bytes[digitsStart] == 0x30 && i - digitsStart > 1 { throw fail("leading zero in a number") }
        if i < bytes.count && bytes[i] == UInt8(ascii: ".") {
            isInteger = false
            i += 1
            let fractionStart = i
            while i < bytes.count && bytes[i] >= 0x30 && bytes[i] <= 0x39 { i += 1 }
            if i == fractionStart { throw fail("expected digits after '.'") }
        }
        if i < bytes.count && (bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E")) {
            isInteger = false
            i += 1
            if i < bytes.count && (bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-")) { i += 1 }
            let exponentStart = i
            while i < bytes.count && bytes[i] >= 0x30 && bytes[i] <= 0x39 { i += 1 }
            if i == exponentStart { throw fail("expected digits in the exponent") }
        }
        if isInteger && i - digitsStart <= 18 {
            var value = 0
            for j in digitsStart..<i { value = value * 10 + Int(bytes[j] - 0x30) }
            return .int(bytes[start] == UInt8(ascii: "-") ? -value : value)
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
        if isInteger, let int = Int(text) { return .int(int) }
        guard let double = Double(text) else { throw fail("invalid number") }
        return .float(double)
    }
}

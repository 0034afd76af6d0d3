/// Writes values as JSON the way Go's encoding/json does (kubectl -o json, what the API server
/// stores), minus HTML escaping: compact on one line, or pretty with a 4-space indent.
public enum JSONWriter {
    public enum Style: Sendable { case compact, pretty }

    /// The order objects' members are written in: as they are, or Go's (byte-wise keys, as
    /// `Value.sortingKeys` orders them) without a sorted copy of the value being made.
    public enum KeyOrder: Sendable { case asGiven, sorted }

    public struct NonFiniteNumberError: Error, Sendable {
        public var value: Double
    }

    public static func string(_ value: Value, style: Style = .compact, keys: KeyOrder = .asGiven) throws(NonFiniteNumberError) -> String {
        var out: [UInt8] = []
        try write(value, style: style, keys: keys, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    public static func write(_ value: Value, style: Style, keys: KeyOrder = .asGiven, into out: inout [UInt8]) throws(NonFiniteNumberError) {
        try write(value, style: style, sorted: keys == .sorted, level: 0, into: &out)
    }

    /// `object` as `write` writes it, the array under `key` made of `count` items that `item`
    /// gives one at a time, the text handed to `emit` as it piles up: a List of 150,000 pods
    /// is never held whole, as values or as text. The same bytes as writing it whole.
    public static func write(_ object: Object, streaming key: String, count: Int, item: (Int) -> Value, style: Style, keys: KeyOrder = .asGiven,
                             emit: ([UInt8]) -> Void) throws(NonFiniteNumberError) {
        let sorted = keys == .sorted
        var out: [UInt8] = []
        out.append(UInt8(ascii: "{"))
        let order = sorted ? YAMLWriter.keyOrder(object) : nil
        for i in object.members.indices {
            let member = object.members[order?[i] ?? i]
            if i > 0 { out.append(UInt8(ascii: ",")) }
            if style == .pretty { newline(1, &out) }
            writeString(member.key, into: &out)
            out.append(UInt8(ascii: ":"))
            if style == .pretty { out.append(0x20) }
            guard member.key == key else {
                try write(member.value, style: style, sorted: sorted, level: 1, into: &out)
                continue
            }
            // As `.array` is written at level 1, one item at a time.
            out.append(UInt8(ascii: "["))
            for j in 0..<count {
                if j > 0 { out.append(UInt8(ascii: ",")) }
                if style == .pretty { newline(2, &out) }
                try write(item(j), style: style, sorted: sorted, level: 2, into: &out)
                if out.count >= 1 << 20 {
                    emit(out)
                    out.removeAll(keepingCapacity: true)
                }
            }
            if style == .pretty && count > 0 { newline(1, &out) }
            out.append(UInt8(ascii: "]"))
        }
        if style == .pretty && !object.members.isEmpty { newline(0, &out) }
        out.append(UInt8(ascii: "}"))
        emit(out)
    }

    private static func newline(_ level: Int, _ out: inout some ByteOutput & ~Copyable) {
        out.append(0x0A)
        for _ in 0..<(level * 4) { out.append(0x20) }
    }

    /// `value` at `level`, appended to `out` (through a `ByteSink`).
    private static func write(_ value: Value, style: Style, sorted: Bool, level: Int, into out: inout [UInt8]) throws(NonFiniteNumberError) {
        var sink = ByteSink(capacity: 1024)
        try write(value, style: style, sorted: sorted, level: level, into: &sink)
        sink.move(to: &out)
    }

    /// `value` as `write(_:style:keys:into:)` writes it, with its members as given.
    static func write(_ value: Value, style: Style, into out: inout ByteSink) throws(NonFiniteNumberError) {
        try write(value, style: style, sorted: false, level: 0, into: &out)
    }

    private static func write(_ value: Value, style: Style, sorted: Bool, level: Int, into out: inout ByteSink) throws(NonFiniteNumberError) {
        switch value {
        case .null: out.append("null")
        case .bool(let b): out.append(b ? "true" : "false")
        case .int(let i): writeInt(i, into: &out)
        case .float(let d):
            guard d.isFinite else { throw NonFiniteNumberError(value: d) }
            var text = formatFloat(d)
            text.withUTF8 { out.appendBytes($0) }
        case .string(let s): writeString(s, into: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                if style == .pretty { newline(level + 1, &out) }
                try write(item, style: style, sorted: sorted, level: level + 1, into: &out)
            }
            if style == .pretty && !items.isEmpty { newline(level, &out) }
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            if style == .compact && !sorted && writeControllersEndpoint(object, into: &out) { return }
            out.append(UInt8(ascii: "{"))
            let order = sorted ? YAMLWriter.keyOrder(object) : nil
            for i in object.members.indices {
                let member = object.members[order?[i] ?? i]
                if i > 0 { out.append(UInt8(ascii: ",")) }
                if style == .pretty { newline(level + 1, &out) }
                writeString(member.key, into: &out)
                out.append(UInt8(ascii: ":"))
                if style == .pretty { out.append(0x20) }
                try write(member.value, style: style, sorted: sorted, level: level + 1, into: &out)
            }
            if style == .pretty && !object.members.isEmpty { newline(level, &out) }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    // MARK: endpoints as the controllers write them

    /// An EndpointSlice's endpoint or an Endpoints' address in its controller's form — the
    /// members `JSONReader` reads without its general path (`controllersEndpoint`), in that
    /// order, with those values — written in compact style with its keys as literal text,
    /// the same bytes as member by member. false, nothing written, for any other object. (A
    /// state's slices and Endpoints list every pod behind a Service: 300,000 such objects at
    /// the 150,000-pod roll's save.) Debug builds (the tests) write each one both ways and
    /// check it.
    private static func writeControllersEndpoint(_ object: Object, into out: inout ByteSink) -> Bool {
        var m = object.members[...]
        // A slice's endpoint names its node's zone last, when the node has one.
        var zone: String?
        if let last = m.last, last.key == "zone" {
            guard case .string(let z) = last.value else { return false }
            zone = z
            m = m.dropLast()
        }
        guard m.count == 3 || m.count == 4 else { return false }
        #if DEBUG
        let start = out.written
        defer {
            if out.written != start {
                // (Its keys, and its members', are in byte order: Go's key order, which the
                // general path writes and this one never does, gives the same text.)
                var general = ByteSink(capacity: 256)
                try? write(.object(object), style: .compact, sorted: true, level: 0, into: &general)
                precondition(out.written(from: start) == general.copied(), "an endpoint is written otherwise in general: \(object)")
            }
        }
        #endif
        if m[0].key == "addresses" {
            guard case .array(let addresses) = m[0].value, addresses.count == 1, case .string(let ip) = addresses[0], m[1].key == "conditions",
                  case .object(let c) = m[1].value, let conditions = conditions(c) else { return false }
            var node: String?
            if m.count == 4 {
                guard m[2].key == "nodeName", case .string(let name) = m[2].value else { return false }
                node = name
            }
            guard m[m.count - 1].key == "targetRef", case .object(let ref) = m[m.count - 1].value, let pod = podReference(ref) else { return false }
            out.append("{\"addresses\":[")
            writeString(ip, into: &out)
            out.append("],\"conditions\":{\"ready\":")
            out.append(conditions.ready ? "true" : "false")
            out.append(",\"serving\":")
            out.append(conditions.serving ? "true" : "false")
            out.append(",\"terminating\":")
            out.append(conditions.terminating ? "true" : "false")
            out.append(UInt8(ascii: "}"))
            writeEnd(node: node, pod: pod, zone: zone, into: &out)
            return true
        }
        guard zone == nil, m.count == 3, m[0].key == "ip", case .string(let ip) = m[0].value, m[1].key == "nodeName", case .string(let node) = m[1].value,
              m[2].key == "targetRef", case .object(let ref) = m[2].value, let pod = podReference(ref) else { return false }
        out.append("{\"ip\":")
        writeString(ip, into: &out)
        writeEnd(node: node, pod: pod, into: &out)
        return true
    }

    /// An endpoint's or address's last members — its node, when it has one, and the pod's
    /// reference — and its closing brace.
    private static func writeEnd(node: String?, pod: (name: String, namespace: String, uid: String), zone: String? = nil, into out: inout ByteSink) {
        if let node {
            out.append(",\"nodeName\":")
            writeString(node, into: &out)
        }
        out.append(",\"targetRef\":{\"kind\":\"Pod\",\"name\":")
        writeString(pod.name, into: &out)
        out.append(",\"namespace\":")
        writeString(pod.namespace, into: &out)
        out.append(",\"uid\":")
        writeString(pod.uid, into: &out)
        out.append(UInt8(ascii: "}"))
        if let zone {
            out.append(",\"zone\":")
            writeString(zone, into: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    /// An endpoint's conditions in the controller's form (`ready`, `serving`, `terminating`,
    /// each a boolean), else nil.
    private static func conditions(_ c: Object) -> (ready: Bool, serving: Bool, terminating: Bool)? {
        let m = c.members
        guard m.count == 3, m[0].key == "ready", case .bool(let ready) = m[0].value, m[1].key == "serving", case .bool(let serving) = m[1].value,
              m[2].key == "terminating", case .bool(let terminating) = m[2].value else { return nil }
        return (ready, serving, terminating)
    }

    /// A pod's reference as `SimPod.targetRef` makes it: its name, namespace and uid.
    private static func podReference(_ ref: Object) -> (name: String, namespace: String, uid: String)? {
        let m = ref.members
        guard m.count == 4, m[0].key == "kind", m[0].value == .string("Pod"), m[1].key == "name", case .string(let name) = m[1].value,
              m[2].key == "namespace", case .string(let namespace) = m[2].value, m[3].key == "uid", case .string(let uid) = m[3].value else { return nil }
        return (name, namespace, uid)
    }


    /// An integer in decimal, as `String(i)` spells it, without making the String.
    static func writeInt(_ i: Int, into out: inout some ByteOutput & ~Copyable) {
        if i >= 0 && i < 10 {
            out.append(UInt8(truncatingIfNeeded: 0x30 + i))
            return
        }
        // The magnitude as an unsigned number (Int.min has no positive Int).
        var n = i.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: 20 digits at most
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                count += 1
                buffer[24 - count] = UInt8(truncatingIfNeeded: 0x30 + n % 10)
                n /= 10
            } while n > 0
            if i < 0 { out.append(UInt8(ascii: "-")) }
            out.appendBytes(UnsafeBufferPointer(rebasing: buffer.bindMemory(to: UInt8.self)[(24 - count)...]))
        }
    }

    static func writeString(_ s: String, into out: inout some ByteOutput & ~Copyable) {
        out.append(UInt8(ascii: "\""))
        // Contiguous UTF-8 lets runs of plain bytes be copied at once.
        var text = s
        text.withUTF8 { appendEscaped($0, into: &out) }
        out.append(UInt8(ascii: "\""))
    }

    static func appendEscaped(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout some ByteOutput & ~Copyable) {
        guard let base = bytes.baseAddress else { return }
        var runStart = 0
        var i = 0
        let count = bytes.count
        while i < count {
            // Eight bytes at a time while none of them needs a look.
            if i + 8 <= count {
                if !mayNeedEscaping(UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)) {
                    i += 8
                    continue
                }
            } else {
                // The last one to seven bytes as one word, the rest of it spaces (which need no
                // escaping): most strings are short, and most of a short one is its tail.
                var tail: UInt64 = 0x2020_2020_2020_2020
                withUnsafeMutableBytes(of: &tail) { $0.baseAddress?.copyMemory(from: base + i, byteCount: count - i) }
                if !mayNeedEscaping(tail) { break }
            }
            let b = base[i]
            if b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") {
                out.appendBytes(UnsafeBufferPointer(start: base + runStart, count: i - runStart))
                out.append(UInt8(ascii: "\\"))
                switch b {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(b)
                case 0x0A: out.append(UInt8(ascii: "n"))
                case 0x0D: out.append(UInt8(ascii: "r"))
                case 0x09: out.append(UInt8(ascii: "t"))
                default:
                    out.append(UInt8(ascii: "u")); out.append(UInt8(ascii: "0")); out.append(UInt8(ascii: "0"))
                    out.append(hexDigits[Int(b >> 4)]); out.append(hexDigits[Int(b & 0xF)])
                }
                i += 1
                runStart = i
            } else if b == 0xE2 && i + 2 < count && base[i + 1] == 0x80 && (base[i + 2] == 0xA8 || base[i + 2] == 0xA9) {
                // U+2028 and U+2029 are escaped, as Go does, so the output is also valid JavaScript.
                out.appendBytes(UnsafeBufferPointer(start: base + runStart, count: i - runStart))
                out.append(base[i + 2] == 0xA8 ? "\\u2028" as StaticString : "\\u2029")
                i += 3
                runStart = i
            } else {
                i += 1
            }
        }
        out.appendBytes(UnsafeBufferPointer(start: base + runStart, count: count - runStart))
    }

    /// Whether any of the eight bytes of `word` is below 0x20, `"`, `\\` or 0xE2 (which starts
    /// U+2028/U+2029): the bit tricks for a zero byte (`(v - 0x01…) & ~v & 0x80…`) and a byte
    /// below n ≤ 128 (`(v - n·0x01…) & ~v & 0x80…`), exact as to whether any byte matches.
    @inline(__always)
    static func mayNeedEscaping(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let control = (word &- ones &* 0x20) & ~word & highs
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        let e2 = word ^ (ones &* 0xE2)
        let zero = ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | ((e2 &- ones) & ~e2)
        return (control | (zero & highs)) != 0
    }

    /// Go's float64 JSON form: shortest round-trip digits, `%f` style unless the exponent is
    /// below -6 or at least 21, then `%e` (`1e-7`, `1e+21`).
    public static func formatFloat(_ d: Double) -> String {
        if d == 0 { return d.sign == .minus ? "-0" : "0" }
        let (digits, pointPosition) = shortestDigits(abs(d))
        let sign = d < 0 ? "-" : ""
        let magnitude = abs(d)
        if magnitude < 1e-6 || magnitude >= 1e21 {
            let exponent = pointPosition - 1
            var mantissa = String(digits.prefix(1))
            if digits.count > 1 { mantissa += "." + digits.dropFirst() }
            let exponentText = exponent < 0 ? "-" + String(-exponent) : "+" + (exponent < 10 ? "0" : "") + String(exponent)
            return sign + mantissa + "e" + exponentText
        }
        if pointPosition <= 0 {
            return sign + "0." + String(repeating: "0", count: -pointPosition) + digits
        }
        if pointPosition >= digits.count {
            return sign + digits + String(repeating: "0", count: pointPosition - digits.count)
        }
        let split = digits.index(digits.startIndex, offsetBy: pointPosition)
        return sign + digits[..<split] + "." + digits[split...]
    }

    /// The shortest decimal digits that read back as `d` (d > 0), and where the point goes:
    /// d = 0.DIGITS × 10^pointPosition.
    static func shortestDigits(_ d: Double) -> (String, Int) {
        let text = d.description  // Swift prints the shortest round-trip form.
        var mantissa = Substring(text)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            exponent = Int(text[text.index(after: e)...]) ?? 0
        }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        let integerPart = parts.first.map(String.init) ?? ""
        let fractionPart = parts.count > 1 ? String(parts[1]) : ""
        var digits = Substring(integerPart + fractionPart)
        var point = integerPart.count + exponent
        while digits.first == "0" { digits = digits.dropFirst(); point -= 1 }
        while digits.last == "0" { digits = digits.dropLast() }
        return (digits.isEmpty ? "0" : String(digits), point)
    }
}

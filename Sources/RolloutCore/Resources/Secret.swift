/// A Secret as the API server stores it: `stringData` is a write-only convenience, folded into
/// `data` (base64 of the string's UTF-8 bytes, replacing a `data` key of the same name) and
/// never stored or returned (`pkg/apis/core/v1/conversion.go`, `Convert_v1_Secret_To_core_Secret`).
public enum Secret {
    static func isSecret(_ resource: Resource) -> Bool { resource.kind == "Secret" && resource.type.group.isEmpty }

    /// The Secret with `stringData` merged into `data`; other objects unchanged.
    public static func foldingStringData(_ resource: Resource) -> Resource {
        guard isSecret(resource), let stringData = resource.object["stringData"] else { return resource }
        var result = resource
        result.object["stringData"] = nil
        guard case .object(let entries) = stringData, !entries.members.isEmpty else { return result }
        var data = resource.object["data"]?.objectValue ?? Object()
        for member in entries.members {
            guard let text = member.value.stringValue else { continue }
            data[member.key] = .string(Base64.encode(Array(text.utf8)))
        }
        result.object["data"] = .object(data)
        return result
    }
}

/// Standard base64 with padding (RFC 4648 §4), as Go's `encoding/base64.StdEncoding`.
public enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    public static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i < bytes.count {
            let b0 = bytes[i], b1 = i + 1 < bytes.count ? bytes[i + 1] : 0, b2 = i + 2 < bytes.count ? bytes[i + 2] : 0
            out.append(alphabet[Int(b0 >> 2)])
            out.append(alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)])
            out.append(i + 1 < bytes.count ? alphabet[Int((b1 & 0x0F) << 2 | b2 >> 6)] : UInt8(ascii: "="))
            out.append(i + 2 < bytes.count ? alphabet[Int(b2 & 0x3F)] : UInt8(ascii: "="))
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes of a padded base64 text; nil when it is not one.
    public static func decode(_ text: String) -> [UInt8]? {
        let input = Array(text.utf8)
        guard input.count % 4 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(input.count / 4 * 3)
        var i = 0
        while i < input.count {
            var values: [UInt8] = []
            var padding = 0
            for byte in input[i..<i + 4] {
                if byte == UInt8(ascii: "=") { padding += 1; values.append(0); continue }
                guard padding == 0, let value = alphabet.firstIndex(of: byte) else { return nil }
                values.append(UInt8(value))
            }
            guard padding <= 2, padding == 0 || i + 4 == input.count else { return nil }
            out.append(values[0] << 2 | values[1] >> 4)
            if padding < 2 { out.append(values[1] << 4 | values[2] >> 2) }
            if padding < 1 { out.append(values[2] << 6 | values[3]) }
            i += 4
        }
        return out
    }

    /// How many bytes a valid base64 text decodes to.
    public static func decodedLength(_ text: String) -> Int {
        let padding = text.utf8.reversed().prefix { $0 == UInt8(ascii: "=") }.count
        return max(0, text.utf8.count / 4 * 3 - padding)
    }
}

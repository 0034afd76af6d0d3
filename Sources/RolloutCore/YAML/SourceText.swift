/// Input bytes with a file name; checks encoding and turns scanner marks into locations.
struct SourceText: Sendable {
    let file: String
    /// The input plus four zero bytes of padding for look-ahead.
    let paddedBytes: [UInt8]
    let byteCount: Int

    init(file: String, bytes: [UInt8]) {
        self.file = file
        self.byteCount = bytes.count
        var padded = bytes
        padded.append(contentsOf: [0, 0, 0, 0])
        self.paddedBytes = padded
    }

    func location(of mark: Mark) -> SourceLocation {
        SourceLocation(file: file, line: mark.line + 1, column: mark.column + 1)
    }

    func error(_ message: String, at mark: Mark) -> YAMLError {
        YAMLError(location: location(of: mark), message: message, sourceLine: lineText(containing: mark.index))
    }

    /// The text of the line holding byte `index`, without its line break.
    func lineText(containing index: Int) -> String {
        let clamped = min(max(index, 0), byteCount)
        var start = clamped
        while start > 0 && paddedBytes[start - 1] != 0x0A && paddedBytes[start - 1] != 0x0D { start -= 1 }
        var end = clamped
        while end < byteCount && paddedBytes[end] != 0x0A && paddedBytes[end] != 0x0D { end += 1 }
        return String(decoding: paddedBytes[start..<end], as: UTF8.self)
    }

    /// Rejects invalid UTF-8 and characters YAML does not allow (c-printable), with a position.
    func validateCharacters() throws(YAMLError) {
        let problem = paddedBytes.withUnsafeBufferPointer { bytes in
            Self.firstBadCharacter(in: UnsafeBufferPointer(rebasing: bytes[0..<byteCount]))
        }
        if let problem {
            throw error("found \(problem.what); YAML input must be printable UTF-8",
                        at: Mark(index: problem.index, line: problem.line, column: problem.column))
        }
    }

    /// The first byte that is not printable UTF-8 as YAML's c-printable allows, with its line and
    /// column (from 0), or nil when every character is allowed. Shared by the scanner and the
    /// direct JSON path of `render`, so both accept the same characters.
    static func firstBadCharacter(in bytes: UnsafeBufferPointer<UInt8>) -> (what: String, index: Int, line: Int, column: Int)? {
        let byteCount = bytes.count
        // Fast pass over printable ASCII; only on anything else does the careful pass run,
        // which also counts lines and columns for the error.
        var allPlain = true
        for i in 0..<byteCount {
            let b = bytes[i]
            if b >= 0x20 && b < 0x7F { continue }
            if b == 0x0A || b == 0x0D || b == 0x09 { continue }
            allPlain = false
            break
        }
        if allPlain { return nil }
        var i = 0
        var line = 0
        var column = 0
        while i < byteCount {
            let b = bytes[i]
            if b < 0x80 {
                if b == 0x0A {
                    line += 1; column = 0; i += 1; continue
                }
                if b == 0x0D {
                    if i + 1 >= byteCount || bytes[i + 1] != 0x0A { line += 1; column = 0 } else { column += 1 }
                    i += 1; continue
                }
                if b < 0x20 && b != 0x09 || b == 0x7F {
                    return ("control character U+\(hex(UInt32(b)))", i, line, column)
                }
                i += 1; column += 1; continue
            }
            var length = 0
            var scalar: UInt32 = 0
            if b & 0xE0 == 0xC0 { length = 2; scalar = UInt32(b & 0x1F) }
            else if b & 0xF0 == 0xE0 { length = 3; scalar = UInt32(b & 0x0F) }
            else if b & 0xF8 == 0xF0 { length = 4; scalar = UInt32(b & 0x07) }
            else { return ("invalid UTF-8 byte 0x\(hex(UInt32(b)))", i, line, column) }
            if i + length > byteCount {
                return ("truncated UTF-8 sequence", i, line, column)
            }
            for k in 1..<length {
                let continuation = bytes[i + k]
                guard continuation & 0xC0 == 0x80 else {
                    return ("invalid UTF-8 sequence", i, line, column)
                }
                scalar = scalar << 6 | UInt32(continuation & 0x3F)
            }
            let minimum: UInt32 = length == 2 ? 0x80 : length == 3 ? 0x800 : 0x10000
            if scalar < minimum || scalar > 0x10FFFF || (scalar >= 0xD800 && scalar <= 0xDFFF) {
                return ("invalid UTF-8 sequence", i, line, column)
            }
            // c-printable: NEL, and everything from U+00A0 except surrogates and U+FFFE/U+FFFF.
            if (scalar >= 0x80 && scalar < 0xA0 && scalar != 0x85) || scalar == 0xFFFE || scalar == 0xFFFF {
                return ("non-printable character U+\(hex(scalar))", i, line, column)
            }
            i += length
            column += 1
        }
        return nil
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return digits.count < 4 && value > 0xFF ? String(repeating: "0", count: 4 - digits.count) + digits
            : (digits.count == 1 ? "0" + digits : digits)
    }
}

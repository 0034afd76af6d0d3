/// Go's `strconv.Quote`, which the API server's `%q` and kubectl use to show a value in a
/// message: printable characters as they are, `\a \b \f \n \r \t \v` by name, other control
/// and invisible characters as `\x1b`, `\u200b`, `\U000e0001`. A value from a manifest shown
/// this way can never move the cursor, change colours or ring the bell on a terminal.
public enum GoQuote {
    /// `"web\x1b[31m"`, with the quotes.
    public static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            if scalar == "\"" || scalar == "\\" {
                out += "\\" + String(scalar)
            } else if isPrintable(scalar) {
                out.unicodeScalars.append(scalar)
            } else {
                out += escape(scalar)
            }
        }
        return out + "\""
    }

    /// The text with every character a terminal would act on escaped as in `quoted`, but
    /// newlines and tabs kept and no quotes added: for whole messages that quote input.
    /// `keepingLines: false` escapes newlines and tabs too: for one-line pieces (a field path,
    /// an object's name) inside a message.
    public static func escapingControls(_ text: String, keepingLines: Bool = true) -> String {
        let kept = { (scalar: Unicode.Scalar) in isPrintable(scalar) || (keepingLines && (scalar == "\n" || scalar == "\t")) }
        guard !text.unicodeScalars.allSatisfy(kept) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            if kept(scalar) {
                out.unicodeScalars.append(scalar)
            } else {
                out += escape(scalar)
            }
        }
        return out
    }

    /// Go's `unicode.IsPrint`: letters, marks, numbers, punctuation, symbols and the ASCII
    /// space; no other spaces, no control, format, private-use or unassigned characters.
    public static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value < 0x80 { return scalar.value >= 0x20 && scalar.value < 0x7F }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .nonspacingMark, .spacingMark, .enclosingMark,
             .decimalNumber, .letterNumber, .otherNumber,
             .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation,
             .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
            return true
        default:
            return false
        }
    }

    private static func escape(_ scalar: Unicode.Scalar) -> String {
        switch scalar.value {
        case 0x07: return "\\a"
        case 0x08: return "\\b"
        case 0x0C: return "\\f"
        case 0x0A: return "\\n"
        case 0x0D: return "\\r"
        case 0x09: return "\\t"
        case 0x0B: return "\\v"
        case 0..<0x80: return "\\x" + hex(scalar.value, digits: 2)
        case 0x80..<0x10000: return "\\u" + hex(scalar.value, digits: 4)
        default: return "\\U" + hex(scalar.value, digits: 8)
        }
    }

    private static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}

/// kubectl's `terminalEscaper` (`cli-runtime/pkg/printers/terminal.go`, issue #101695), which
/// `describe`'s PrefixWriter writes every line through (`WriteEscaped`): ESC becomes `^[` and a
/// carriage return `\r`, so an annotation or a ConfigMap's data cannot colour, move or
/// overwrite what the terminal shows. Everything else passes as it is.
public enum TerminalEscaper {
    public static func escaped(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x1B || $0 == 0x0D }) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 8)
        for byte in text.utf8 {
            switch byte {
            case 0x1B: out += [UInt8(ascii: "^"), UInt8(ascii: "[")]
            case 0x0D: out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            default: out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

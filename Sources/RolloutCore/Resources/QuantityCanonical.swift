/// The text the API server stores for a quantity: a manifest's `cpu: 1000m`, `memory: 1024Mi`,
/// `cpu: 0.5` or `cpu: 2` (a number) are read into a `resource.Quantity` and written back as
/// `"1"`, `"1Gi"`, `"500m"` and `"2"` (apimachinery `pkg/api/resource`, v0.32: ParseQuantity,
/// CanonicalizeBytes, MarshalJSON). Two manifests that differ only in how a quantity is written
/// store the same object, so re-applying one as the other changes nothing — no new
/// ReplicaSet, no rollout.
public enum CanonicalQuantity {
    /// The stored text of a quantity written as `text`; nil when it does not parse
    /// (ParseQuantity's error: validation reports it, and the text is left as written).
    ///
    /// ParseQuantity keeps the text as written when it is already in canonical form (its fast
    /// path's `s: str`), sign and all; otherwise MarshalJSON writes `CanonicalizeBytes`.
    public static func stored(_ text: String) -> String? {
        let s = Array(text.utf8)
        if s.isEmpty { return nil }
        if text == "0" { return "0" }
        guard let parsed = parse(s), let (base, exponent, format) = interpret(parsed.suffix) else { return nil }
        let num = parsed.num, denom = parsed.denom
        // The fast path: an int64 amount (value × 10^scale), when its digits fit.
        var precision = 0, scale = 0, multiplier = 1
        switch format {
        case .decimalSI, .decimalExponent:
            scale = exponent
            precision = 18 - num.count - denom.count
        case .binarySI:
            if exponent >= 0 && denom.isEmpty {
                multiplier = 1 << exponent
                // `int32(float32(exponent)*3/10)`: exponents are multiples of 10 here.
                precision = 15 - num.count - exponent * 3 / 10 - 1
            } else {
                precision = -1
            }
        }
        if precision >= 0 {
            scale -= denom.count
            if scale >= -9 {
                let shifted = num + denom
                var value = 0
                for d in shifted { value = value * 10 + Int(d - 0x30) }
                let (result, overflow) = value.multipliedReportingOverflow(by: multiplier)
                if !overflow {
                    // "if the number is in canonical form, reuse the string"
                    switch format {
                    case .binarySI:
                        if exponent % 10 == 0 && value & 0x07 != 0 { return text }
                    case .decimalSI, .decimalExponent:
                        if scale % 3 == 0 && !(shifted.count >= 3 && shifted.suffix(3).allSatisfy { $0 == 0x30 }) && shifted.first != 0x30 { return text }
                    }
                    return canonical(Decimal(negative: !parsed.positive, digits: Array(String(result).utf8), exponent: scale), format: format)
                }
            }
        }
        // The inf.Dec path: the exact value of the number as written, the suffix applied.
        var amount = Decimal(negative: !parsed.positive, digits: Array(num + denom), exponent: -denom.count)
        if base == 10 {
            amount.exponent += exponent
        } else {
            for _ in 0..<exponent { amount.double() }
        }
        let negative = amount.negative
        amount.negative = false
        // Non-zero values are rounded up to the nearest nano (inf.RoundUp, on the magnitude).
        if !amount.isZero { amount.roundUp(toExponent: -9) }
        var slowFormat = format
        if format == .binarySI && amount.compare(Decimal.maxInt64) > 0 { amount = Decimal.maxInt64 }
        if format == .binarySI && !amount.isZero && amount.compare(Decimal.one) < 0 { slowFormat = .decimalSI }
        amount.negative = negative
        return canonical(amount, format: slowFormat)
    }

    /// The stored form of a quantity written as a string or a number (the JSON text kubectl
    /// sends for it); nil when it is already that, or is no quantity (validation's to report).
    static func stored(_ value: Value) -> Value? {
        let text: String
        switch value {
        case .string(let s): text = s
        case .int(let i): text = String(i)
        case .float(let d) where d.isFinite: text = JSONWriter.formatFloat(d)
        default: return nil
        }
        guard let stored = stored(text) else { return nil }
        return value == .string(stored) ? nil : .string(stored)
    }

    enum Format: Sendable { case decimalExponent, binarySI, decimalSI }

    /// The format a quantity written as `text` keeps (its suffix's: `Mi` binary, `m` or none
    /// decimal, `e3` exponent); nil when it does not parse.
    static func format(of text: String) -> Format? {
        guard let parsed = parse(Array(text.utf8)) else { return nil }
        return interpret(parsed.suffix)?.format
    }

    /// `Quantity.String()` of an amount held in thousandths of its unit, in `format`: a sum
    /// of quantities (`Quantity.Add` keeps the receiver's format) printed as the API prints
    /// it — `1500m`, `2`, `256Mi`.
    static func text(milli: Int, format: Format) -> String {
        // (Whole amounts as integers: `canonical` reads a binary amount's integer value.)
        let whole = milli % 1000 == 0
        let digits = Array(String(whole ? (milli / 1000).magnitude : milli.magnitude).utf8)
        return canonical(Decimal(negative: milli < 0, digits: digits, exponent: whole ? 0 : -3), format: format)
    }

    /// `parseQuantityString`: sign, the digits before and after the point (leading zeros
    /// dropped; "0" when none), and the suffix; nil on ErrFormatWrong.
    static func parse(_ s: [UInt8]) -> (positive: Bool, num: [UInt8], denom: [UInt8], suffix: [UInt8])? {
        func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
        var positive = true
        var pos = 0
        let end = s.count
        if pos < end {
            if s[0] == UInt8(ascii: "-") { positive = false; pos += 1 } else if s[0] == UInt8(ascii: "+") { pos += 1 }
        }
        while pos < end && s[pos] == 0x30 { pos += 1 }
        if pos >= end { return (positive, [0x30], [], []) }
        var i = pos
        while i < end && isDigit(s[i]) { i += 1 }
        var num = Array(s[pos..<i])
        if i >= end { return (positive, num, [], []) }
        pos = i
        if num.isEmpty { num = [0x30] }
        var denom: [UInt8] = []
        if s[pos] == UInt8(ascii: ".") {
            pos += 1
            i = pos
            while i < end && isDigit(s[i]) { i += 1 }
            denom = Array(s[pos..<i])
            if i >= end { return (positive, num, denom, []) }
            pos = i
        }
        let suffixStart = pos
        let letters = Array("eEinumkKMGTP".utf8)
        i = pos
        while i < end && letters.contains(s[i]) { i += 1 }
        if i >= end { return (positive, num, denom, Array(s[suffixStart...])) }
        pos = i
        if s[pos] == UInt8(ascii: "-") || s[pos] == UInt8(ascii: "+") { pos += 1 }
        i = pos
        while i < end && isDigit(s[i]) { i += 1 }
        if i >= end { return (positive, num, denom, Array(s[suffixStart...])) }
        return nil
    }

    /// `quantitySuffixer.interpret`: the base, its exponent and the format a suffix names.
    static func interpret(_ suffix: [UInt8]) -> (base: Int, exponent: Int, format: Format)? {
        switch String(decoding: suffix, as: UTF8.self) {
        case "": return (10, 0, .decimalSI)
        case "n": return (10, -9, .decimalSI)
        case "u": return (10, -6, .decimalSI)
        case "m": return (10, -3, .decimalSI)
        case "k": return (10, 3, .decimalSI)
        case "M": return (10, 6, .decimalSI)
        case "G": return (10, 9, .decimalSI)
        case "T": return (10, 12, .decimalSI)
        case "P": return (10, 15, .decimalSI)
        case "E": return (10, 18, .decimalSI)
        case "Ki": return (2, 10, .binarySI)
        case "Mi": return (2, 20, .binarySI)
        case "Gi": return (2, 30, .binarySI)
        case "Ti": return (2, 40, .binarySI)
        case "Pi": return (2, 50, .binarySI)
        case "Ei": return (2, 60, .binarySI)
        default:
            // `e`/`E` and a decimal exponent (strconv.ParseInt: an optional sign, digits). An
            // exponent past int32, which Go would wrap, is left unread (the text stays as written).
            guard suffix.count > 1, suffix[0] == UInt8(ascii: "e") || suffix[0] == UInt8(ascii: "E"),
                  let power = Int32(String(decoding: suffix.dropFirst(), as: UTF8.self)) else { return nil }
            return (10, Int(power), .decimalExponent)
        }
    }

    /// `CanonicalizeBytes` and the suffix: a binary quantity of 1024 or more that is whole is
    /// written in powers of 1024, anything else in powers of 1000.
    static func canonical(_ value: Decimal, format: Format) -> String {
        if value.isZero { return "0" }
        var format = format
        var whole: Int?
        if format == .binarySI {
            var magnitude = value
            magnitude.negative = false
            if magnitude.compare(Decimal.thousand24) < 0 {
                format = .decimalSI
            } else if let integer = magnitude.integerValue {
                whole = integer
            } else {
                // Not whole (AsScale(0) is not exact): shown as DecimalSI, not rounded.
                format = .decimalSI
            }
        }
        if format == .binarySI, var amount = whole {
            // AsCanonicalBase1024Bytes (removeInt64Factors by 1024).
            var times = 0
            while amount >= 1024 && amount % 1024 == 0 {
                amount /= 1024
                times += 1
            }
            let suffixes = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"]
            return (value.negative ? "-" : "") + String(amount) + (times < suffixes.count ? suffixes[times] : "")
        }
        // AsCanonicalBytes: the factors of ten moved into the exponent, then the exponent
        // brought down to a multiple of three.
        var digits = value.digits
        var exponent = value.exponent
        while digits.count > 1, digits.last == 0x30 {
            digits.removeLast()
            exponent += 1
        }
        while exponent % 3 != 0 {
            digits.append(0x30)
            exponent -= 1
        }
        let number = (value.negative ? "-" : "") + String(decoding: digits, as: UTF8.self)
        switch format {
        case .decimalExponent:
            return exponent == 0 ? number : number + "e" + String(exponent)
        case .decimalSI, .binarySI:
            // (A power of ten with no SI suffix — past `E` — gets none, as upstream's lookup.)
            let suffixes: [Int: String] = [-9: "n", -6: "u", -3: "m", 0: "", 3: "k", 6: "M", 9: "G", 12: "T", 15: "P", 18: "E"]
            return number + (suffixes[exponent] ?? "")
        }
    }

    /// An exact decimal: `digits` (ASCII, no leading zeros but for zero itself) × 10^`exponent`.
    struct Decimal {
        var negative: Bool
        var digits: [UInt8]
        var exponent: Int

        init(negative: Bool, digits: [UInt8], exponent: Int) {
            self.negative = negative
            var digits = digits
            while digits.count > 1, digits.first == 0x30 { digits.removeFirst() }
            self.digits = digits.isEmpty ? [0x30] : digits
            self.exponent = exponent
        }

        static let one = Decimal(negative: false, digits: [0x31], exponent: 0)
        static let thousand24 = Decimal(negative: false, digits: Array("1024".utf8), exponent: 0)
        /// `maxAllowed`: the largest int64.
        static let maxInt64 = Decimal(negative: false, digits: Array(String(Int64.max).utf8), exponent: 0)

        var isZero: Bool { digits.allSatisfy { $0 == 0x30 } }

        /// Multiplies by two (a binary suffix, one power at a time).
        mutating func double() {
            var carry: UInt8 = 0
            for i in digits.indices.reversed() {
                let d = (digits[i] - 0x30) * 2 + carry
                digits[i] = d % 10 + 0x30
                carry = d / 10
            }
            if carry > 0 { digits.insert(carry + 0x30, at: 0) }
        }

        /// Rounds the magnitude up (away from zero) to a multiple of 10^`target`.
        mutating func roundUp(toExponent target: Int) {
            guard exponent < target else { return }
            let drop = target - exponent
            if drop >= digits.count {
                digits = isZero ? [0x30] : [0x31]
            } else {
                let dropped = digits[(digits.count - drop)...]
                digits.removeLast(drop)
                if dropped.contains(where: { $0 != 0x30 }) { increment() }
            }
            exponent = target
            self = Decimal(negative: negative, digits: digits, exponent: exponent)
        }

        private mutating func increment() {
            for i in digits.indices.reversed() {
                if digits[i] == 0x39 {
                    digits[i] = 0x30
                } else {
                    digits[i] += 1
                    return
                }
            }
            digits.insert(0x31, at: 0)
        }

        /// The value when whole and within Int (non-negative magnitudes only).
        var integerValue: Int? {
            var digits = digits, exponent = exponent
            guard digits.count + exponent <= 19 else { return nil }
            while exponent < 0 {
                guard digits.last == 0x30 || digits == [0x30] else { return nil }
                if digits.count > 1 { digits.removeLast() }
                exponent += 1
            }
            var value = 0
            for d in digits + Array(repeating: 0x30, count: exponent) {
                let (m, o1) = value.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(Int(d - 0x30))
                if o1 || o2 { return nil }
                value = a
            }
            return negative ? -value : value
        }

        /// Compares magnitudes of two non-negative decimals: -1, 0 or 1.
        func compare(_ other: Decimal) -> Int {
            if isZero || other.isZero { return isZero == other.isZero ? 0 : (isZero ? -1 : 1) }
            // The place of the leading digit decides, then the digits aligned.
            let lead = digits.count + exponent, otherLead = other.digits.count + other.exponent
            if lead != otherLead { return lead < otherLead ? -1 : 1 }
            let n = max(digits.count, other.digits.count)
            for i in 0..<n {
                let a = i < digits.count ? digits[i] : 0x30
                let b = i < other.digits.count ? other.digits[i] : 0x30
                if a != b { return a < b ? -1 : 1 }
            }
            return 0
        }
    }
}

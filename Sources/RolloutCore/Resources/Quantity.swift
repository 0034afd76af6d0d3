/// A Kubernetes resource quantity (`100m`, `128Mi`, `1.5`, `2e3`), parsed exactly: the value is
/// kept as an integer number of a base unit scaled by a power of ten, so `0.1` and `100m` are
/// equal and no binary floating point is involved.
public struct Quantity: Equatable, Sendable, CustomStringConvertible {
    /// The text as written, printed back unchanged.
    public var text: String
    /// value = mantissa × 10^exponent (binary suffixes are folded into the mantissa).
    var mantissa: Int
    var exponent: Int

    public var description: String { text }

    /// Parses Kubernetes' quantity grammar: sign, digits with an optional fraction, then one
    /// of the binary (`Ki`…`Ei`), decimal (`n u m k M G T P E`) or exponent (`e3`, `E-2`)
    /// suffixes. Returns nil for anything else or for values too large to hold.
    public init?(_ text: String) {
        self.text = text
        var bytes = Array(text.utf8)[...]
        guard !bytes.isEmpty else { return nil }
        var negative = false
        if bytes.first == UInt8(ascii: "+") || bytes.first == UInt8(ascii: "-") {
            negative = bytes.first == UInt8(ascii: "-")
            bytes = bytes.dropFirst()
        }
        var mantissa = 0
        var exponent = 0
        var digits = 0
        var sawPoint = false
        while let b = bytes.first, (b >= 0x30 && b <= 0x39) || b == UInt8(ascii: ".") {
            bytes = bytes.dropFirst()
            if b == UInt8(ascii: ".") {
                if sawPoint { return nil }
                sawPoint = true
                continue
            }
            digits += 1
            let (m1, o1) = mantissa.multipliedReportingOverflow(by: 10)
            let (m2, o2) = m1.addingReportingOverflow(Int(b - 0x30))
            if o1 || o2 { return nil }
            mantissa = m2
            if sawPoint { exponent -= 1 }
        }
        guard digits > 0 else { return nil }
        let suffix = String(decoding: bytes, as: UTF8.self)
        if let power = Self.binaryPower(suffix) {
            for _ in 0..<power {
                let (m, o) = mantissa.multipliedReportingOverflow(by: 1024)
                if o { return nil }
                mantissa = m
            }
        } else if let power = Self.decimalPower(suffix) {
            exponent += power
        } else if let first = suffix.first, first == "e" || first == "E", let power = Int(suffix.dropFirst()), abs(power) < 40 {
            exponent += power
        } else {
            return nil
        }
        self.mantissa = negative ? -mantissa : mantissa
        self.exponent = exponent
    }

    /// The power of 1024 of a binary suffix (`Ki` … `Ei`), and the power of ten of a decimal one
    /// (`n` … `E`, none: 0), as `resource.Quantity` reads them. (Matched, not looked up in
    /// tables made for every quantity: a load of 5,000 nodes parses 60,000 of them.)
    static func binaryPower(_ suffix: String) -> Int? {
        switch suffix {
        case "Ki": return 1
        case "Mi": return 2
        case "Gi": return 3
        case "Ti": return 4
        case "Pi": return 5
        case "Ei": return 6
        default: return nil
        }
    }

    static func decimalPower(_ suffix: String) -> Int? {
        switch suffix {
        case "n": return -9
        case "u": return -6
        case "m": return -3
        case "": return 0
        case "k": return 3
        case "M": return 6
        case "G": return 9
        case "T": return 12
        case "P": return 15
        case "E": return 18
        default: return nil
        }
    }

    /// The value in thousandths, rounded up as Kubernetes' `MilliValue` does (cpu `100m` = 100).
    public var milliValue: Int { scaledValue(byPowerOfTen: 3) }

    /// The value in base units, rounded up (memory `128Mi` = 134217728).
    public var integerValue: Int { scaledValue(byPowerOfTen: 0) }

    private func scaledValue(byPowerOfTen shift: Int) -> Int {
        var e = exponent + shift
        var m = mantissa
        while e > 0 {
            let (next, overflow) = m.multipliedReportingOverflow(by: 10)
            if overflow { return m < 0 ? Int.min : Int.max }
            m = next
            e -= 1
        }
        var remainder = false
        while e < 0 {
            if m % 10 != 0 { remainder = true }
            m /= 10
            e += 1
        }
        return remainder && m >= 0 ? m + 1 : m
    }

    public static func == (a: Quantity, b: Quantity) -> Bool { a.compare(b) == 0 }

    /// -1, 0 or 1: exact comparison of two quantities.
    public func compare(_ other: Quantity) -> Int {
        // Bring both to the smaller exponent; fall back to milli-values if that overflows.
        let e = min(exponent, other.exponent)
        func widen(_ q: Quantity) -> Int? {
            var m = q.mantissa
            for _ in 0..<(q.exponent - e) {
                let (next, overflow) = m.multipliedReportingOverflow(by: 10)
                if overflow { return nil }
                m = next
            }
            return m
        }
        if let a = widen(self), let b = widen(other) { return a < b ? -1 : (a > b ? 1 : 0) }
        let a = milliValue, b = other.milliValue
        return a < b ? -1 : (a > b ? 1 : 0)
    }
}

/// A duration as Go's `time.ParseDuration` reads it (`5s`, `1m30s`, `250ms`, `1.5h`), kept
/// in milliseconds: the simulation's resolution.
public struct Duration: Equatable, Comparable, Sendable, CustomStringConvertible {
    public var milliseconds: Int

    public init(milliseconds: Int) { self.milliseconds = milliseconds }
    public init(seconds: Int) { self.milliseconds = seconds.multipliedSaturating(by: 1000) }

    public static func < (a: Duration, b: Duration) -> Bool { a.milliseconds < b.milliseconds }

    public var seconds: Double { Double(milliseconds) / 1000 }

    /// Go's `Duration.String` form, e.g. `1m30s`, `500ms`, `0s`.
    public var description: String {
        if milliseconds == 0 { return "0s" }
        if milliseconds > -1000 && milliseconds < 1000 { return "\(milliseconds)ms" }
        var ms = milliseconds.magnitude
        var text = milliseconds < 0 ? "-" : ""
        let hours = ms / 3_600_000
        ms %= 3_600_000
        let minutes = ms / 60_000
        ms %= 60_000
        if hours > 0 { text += "\(hours)h" }
        if hours > 0 || minutes > 0 { text += "\(minutes)m" }
        let seconds = ms / 1000, fraction = ms % 1000
        if fraction == 0 {
            text += "\(seconds)s"
        } else {
            var digits = String(fraction)
            digits = String(repeating: "0", count: 3 - digits.count) + digits
            while digits.hasSuffix("0") { digits.removeLast() }
            text += "\(seconds).\(digits)s"
        }
        return text
    }

    /// Parses `[-+]?(\d+(\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)` repeated; `0` alone is allowed.
    /// Returns nil for anything else; sub-millisecond parts round down.
    public init?(parsing text: String) {
        var rest = Substring(text)
        var negative = false
        if rest.first == "-" || rest.first == "+" {
            negative = rest.first == "-"
            rest = rest.dropFirst()
        }
        if rest == "0" { self.milliseconds = 0; return }
        guard !rest.isEmpty else { return nil }
        let units: [(String, Double)] = [("ns", 1e-6), ("us", 1e-3), ("µs", 1e-3), ("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000)]
        var total = 0.0
        while !rest.isEmpty {
            let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            guard !number.isEmpty, number != ".", let amount = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            let unitText = rest.prefix { !($0.isASCII && ($0.isNumber || $0 == ".")) }
            guard let unit = units.first(where: { $0.0 == unitText }) else { return nil }
            rest = rest.dropFirst(unitText.count)
            total += amount * unit.1
            guard total < 1e15 else { return nil }
        }
        self.milliseconds = Int(total.rounded(.down)) * (negative ? -1 : 1)
    }
}

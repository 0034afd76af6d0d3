/// The arguments of coreutils' `sleep` (`sleep 10`, `sleep 0.5`, `sleep 1m 30s`, `sleep inf`,
/// `sleep 1e3`, `sleep 0x10`): each a number (what `strtod` reads: decimal, exponent, hex,
/// `inf`/`infinity`) with an optional suffix `s`, `m`, `h` or `d`; the pause is their sum.
/// nil when an argument is not one (sleep would refuse to run, so the hook takes no time).
public enum SleepArguments {
    public static func duration(_ arguments: [String]) -> Duration? {
        var total = 0.0
        var any = false
        for argument in arguments {
            // The end of the sleep command in a shell line: `sleep 5 && nginx -s quit`.
            if argument.hasPrefix("-") || argument.hasPrefix("#") || ["&&", "||", ">", "2>&1"].contains(argument) { break }
            guard let seconds = seconds(argument) else { return any ? clamp(total) : nil }
            total += seconds
            any = true
        }
        return any ? clamp(total) : nil
    }

    static func seconds(_ argument: String) -> Double? {
        var number = Substring(argument.lowercased())
        let hex = number.hasPrefix("0x")
        var multiplier = 1.0
        // `d` is a hex digit, so strtod keeps it in `0x1d`; `inf` and `infinity` end in
        // letters that are no suffix.
        if let last = number.last, let unit = ["s": 1.0, "m": 60, "h": 3600, "d": 86_400][last],
           !(hex && last == "d") {
            multiplier = unit
            number = number.dropLast()
        }
        let value: Double?
        if ["inf", "infinity", "+inf", "+infinity"].contains(number) {
            value = .infinity
        } else if hex {
            value = UInt64(number.dropFirst(2), radix: 16).map { Double($0) }
        } else if !number.isEmpty, number.allSatisfy({ $0.isASCII && ($0.isNumber || ".e+-".contains($0)) }) {
            value = Double(number)
        } else {
            value = nil
        }
        guard let value, value >= 0 else { return nil }
        return value * multiplier
    }

    private static func clamp(_ seconds: Double) -> Duration {
        let bounded = min(seconds, Double(SimulationLimits.maxSeconds))
        return Duration(milliseconds: Int(clamping: (bounded * 1000).rounded(.down)))
    }
}

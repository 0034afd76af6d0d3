/// `maxSurge`, `maxUnavailable`, `targetPort`: an integer or a string (`"25%"`, `"http"`).
public enum IntOrString: Equatable, Sendable, CustomStringConvertible {
    case int(Int)
    case string(String)

    public var description: String {
        switch self {
        case .int(let i): return String(i)
        case .string(let s): return s
        }
    }

    /// The percentage of `"N%"`, nil for anything else.
    public var percent: Int? {
        guard case .string(let s) = self, s.hasSuffix("%"), let p = Int(s.dropLast()), !s.hasPrefix("+") else { return nil }
        return p
    }

    public var value: Value {
        switch self {
        case .int(let i): return .int(i)
        case .string(let s): return .string(s)
        }
    }

    /// `GetScaledValueFromIntOrPercent`: an int as is; `"p%"` of `total`, rounded up or down.
    public func scaled(total: Int, roundUp: Bool) -> Int? {
        switch self {
        case .int(let i): return i
        case .string:
            guard let p = percent else { return nil }
            return roundUp ? (p * total + 99) / 100 : p * total / 100
        }
    }
}

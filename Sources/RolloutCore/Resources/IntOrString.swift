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

    /// `GetScaledValueFromIntOrPercent`: an int as is; `"p%"` of `total`, rounded up or down,
    /// computed in float64 as Kubernetes does (`math.Ceil(float64(value) * float64(total) / 100)`).
    /// A result past int32 — `"9223372036854775807%"` of 3, which Go turns into an undefined
    /// int — is clamped to int32, the range of every count it is compared with.
    public func scaled(total: Int, roundUp: Bool) -> Int? {
        switch self {
        case .int(let i): return i
        case .string:
            guard let p = percent else { return nil }
            let exact = Double(p) * Double(total) / 100
            return Int(clamping: roundUp ? exact.rounded(.up) : exact.rounded(.down)).clamped(to: Int(Int32.min)...Int(Int32.max))
        }
    }
}

/// Arithmetic that clamps instead of trapping. Durations, counts and times come from manifests
/// and state files; the API server accepts int64 grace periods and int32 probe settings whose
/// products overflow, so the simulation computes with these wherever such a value takes part.
extension Int {
    public func addingSaturating(_ other: Int) -> Int {
        let (result, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : result
    }

    public func subtractingSaturating(_ other: Int) -> Int {
        let (result, overflow) = subtractingReportingOverflow(other)
        return overflow ? (other < 0 ? .max : .min) : result
    }

    public func multipliedSaturating(by other: Int) -> Int {
        let (result, overflow) = multipliedReportingOverflow(by: other)
        return overflow ? ((self < 0) == (other < 0) ? .max : .min) : result
    }

    /// This value forced into `range`.
    public func clamped(to range: ClosedRange<Int>) -> Int {
        Swift.min(Swift.max(self, range.lowerBound), range.upperBound)
    }

    /// An exact Int for a finite double in range, else the nearest bound (NaN: 0).
    public init(clamping double: Double) {
        if double.isNaN { self = 0 }
        else if double >= 9.223372036854775e18 { self = .max }
        else if double <= -9.223372036854775e18 { self = .min }
        else { self = Int(double) }
    }
}

extension Int {
    /// The first multiple of `step` at or after this (a controller's next tick on its grid).
    func roundedUp(toMultipleOf step: Int) -> Int {
        let r = ((self % step) + step) % step
        return r == 0 ? self : self + step - r
    }
}

/// The bounds the simulation computes within. The API server accepts an int64 grace period and
/// int32 probe settings, and coreutils' `sleep inf` sleeps for ever; the simulation caps every
/// duration it reads at 100 years (far past any grace period or deadline that ends a rollout),
/// so times and their sums stay exact and no arithmetic can overflow.
public enum SimulationLimits {
    /// 100 years, in seconds.
    public static let maxSeconds = 3_153_600_000
    public static let maxMilliseconds = maxSeconds * 1000

    static func bounded(_ duration: Duration) -> Duration {
        Duration(milliseconds: duration.milliseconds.clamped(to: 0...maxMilliseconds))
    }

    /// Probe settings as the kubelet reads them: int32 (validation rejects anything else, a
    /// damaged state is clamped), never negative.
    static func bounded(_ probe: Probe) -> Probe {
        var p = probe
        let int32 = 0...Int(Int32.max)
        p.initialDelaySeconds = p.initialDelaySeconds.clamped(to: int32)
        p.timeoutSeconds = p.timeoutSeconds.clamped(to: int32)
        p.periodSeconds = p.periodSeconds.clamped(to: int32)
        p.successThreshold = p.successThreshold.clamped(to: int32)
        p.failureThreshold = p.failureThreshold.clamped(to: int32)
        return p
    }
}

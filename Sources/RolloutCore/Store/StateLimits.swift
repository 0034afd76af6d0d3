/// The ranges the numbers in a state directory can take. Anything outside them was not written
/// by rollout: it is reported as damage when the state is read, before any arithmetic on it.
public enum StateLimits {
    /// The cluster clock, in milliseconds since 1970: up to the last instant of year 9999,
    /// the largest time RFC 3339 (and Kubernetes' `metav1.Time`) can write.
    public static let clock: ClosedRange<Int> = 0...253_402_300_799_999
    /// resourceVersion, commit numbers and counters: 2^53, exact in every JSON reader.
    public static let counter: ClosedRange<Int> = 0...(1 << 53)
    /// Objects of one type.
    public static let objectsPerType: ClosedRange<Int> = 0...(1 << 31)
}

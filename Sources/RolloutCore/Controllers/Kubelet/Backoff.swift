/// `flowcontrol.Backoff` as the kubelet uses it (`staging/src/k8s.io/client-go/util/flowcontrol/
/// backoff.go` at v0.32.0; KUBERNETES-kubelet.md §2): 10 s doubling to 300 s, an entry that
/// was not moved on for 600 s counts as expired (1.32's `HasExpiredFunc` for containers, the
/// default 2 × max for images).
enum Backoff {
    static let initial = 10_000
    static let max = 300_000
    /// The pod worker's requeue after a failed sync (`backOffPeriod`, 10 s; its random jitter
    /// of up to 50 % is left out): how often a pod in back-off or with an error is retried.
    static let retry = 10_000

    /// `IsInBackOffSince(key, eventTime)`: `now − eventTime < backoff` for a live entry.
    static func inBackOff(_ entry: BackoffEntry?, since event: Timestamp, now: Timestamp) -> Bool {
        guard let entry, !expired(entry, at: event) else { return false }
        return now.milliseconds - event.milliseconds < entry.backoff
    }

    /// `IsInBackOffSinceUpdate(key, now)`: `now − lastUpdate < backoff` for a live entry (of a
    /// back-off whose maximum is `max`).
    static func inBackOffSinceUpdate(_ entry: BackoffEntry?, now: Timestamp, max: Int = max) -> Bool {
        guard let entry, !expired(entry, at: now, max: max) else { return false }
        return now.milliseconds - entry.lastUpdate.milliseconds < entry.backoff
    }

    /// `Next(key, eventTime)`: the initial back-off for a new or expired entry, else doubled up
    /// to the maximum; `lastUpdate` is now. (The kubelet's 10 s and 5 min unless given: the
    /// DaemonSet controller's failedPodsBackoff is another `flowcontrol.Backoff`.)
    static func next(_ entry: BackoffEntry?, event: Timestamp, now: Timestamp, initial: Int = initial, max: Int = max) -> BackoffEntry {
        guard let entry, !expired(entry, at: event, max: max) else { return BackoffEntry(backoff: initial, lastUpdate: now) }
        return BackoffEntry(backoff: min(entry.backoff * 2, max), lastUpdate: now)
    }

    /// `hasExpired`: idle for more than twice the maximum (10 min for the kubelet).
    static func expired(_ entry: BackoffEntry, at event: Timestamp, max: Int = max) -> Bool {
        event.milliseconds - entry.lastUpdate.milliseconds > 2 * max
    }
}

/// `flowcontrol.Backoff` as the kubelet uses it (`staging/src/k8s.io/client-go/util/flowcontrol/
/// backoff.go` at v0.32.0; KUBERNETES-kubelet.md §2): 10 s doubling to 300 s, an entry that
/// was not moved on for 600 s counts as expired (1.32's `HasExpiredFunc` for containers, the
/// default 2 × max for images).
enum Backoff {
    static let initial = 10_000
    static let max = 300_000
    static let expiry = 600_000
    /// The pod worker's requeue after a failed sync (`backOffPeriod`, 10 s; its random jitter
    /// of up to 50 % is left out): how often a pod in back-off or with an error is retried.
    static let retry = 10_000

    /// `IsInBackOffSince(key, eventTime)`: `now − eventTime < backoff` for a live entry.
    static func inBackOff(_ entry: BackoffEntry?, since event: Timestamp, now: Timestamp) -> Bool {
        guard let entry, !expired(entry, at: event) else { return false }
        return now.milliseconds - event.milliseconds < entry.backoff
    }

    /// `IsInBackOffSinceUpdate(key, now)`: `now − lastUpdate < backoff` for a live entry.
    static func inBackOffSinceUpdate(_ entry: BackoffEntry?, now: Timestamp) -> Bool {
        guard let entry, !expired(entry, at: now) else { return false }
        return now.milliseconds - entry.lastUpdate.milliseconds < entry.backoff
    }

    /// `Next(key, eventTime)`: the initial back-off for a new or expired entry, else doubled up
    /// to the maximum; `lastUpdate` is now.
    static func next(_ entry: BackoffEntry?, event: Timestamp, now: Timestamp) -> BackoffEntry {
        guard let entry, !expired(entry, at: event) else { return BackoffEntry(backoff: initial, lastUpdate: now) }
        return BackoffEntry(backoff: min(entry.backoff * 2, max), lastUpdate: now)
    }

    static func expired(_ entry: BackoffEntry, at event: Timestamp) -> Bool {
        event.milliseconds - entry.lastUpdate.milliseconds > expiry
    }
}

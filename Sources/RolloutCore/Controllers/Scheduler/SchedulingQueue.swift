/// kube-scheduler's queue for pods that did not fit (`pkg/scheduler/backend/queue/scheduling_queue.go`;
/// KUBERNETES-scheduling-traffic.md §3): a pod that failed waits in unschedulablePods until a
/// cluster event one of its rejecting plugins cares about (queueing hints, on in 1.32), then
/// goes to backoffQ until its back-off ends — 1 s after the first failure, doubling to 10 s
/// (`calculateBackoffDuration`), popped by `flushBackoffQCompleted` on its 1 s ticks — and is
/// tried again. With no such event it is retried anyway once it has waited more than 5 minutes
/// (`flushUnschedulablePodsLeftover`, every 30 s). Each failed attempt records FailedScheduling
/// again (counted into one event series, as the recorder does).
///
/// The events, by the plugins that registered for them: a node added or changed (cordon,
/// taints, labels, readiness) for every plugin; an assigned pod deleted for NodeResourcesFit,
/// NodePorts, InterPodAffinity and PodTopologySpread; a pod added, bound or changed for
/// InterPodAffinity and PodTopologySpread. The hint functions' finer checks (does the new
/// node match the selector?) are not modelled: a relevant event requeues the pod, and an
/// attempt that fails again costs only a longer back-off.
struct SchedulingQueueEntry {
    enum Event: Int, CaseIterable { case node, assignedPodDeleted, podChanged }

    var attempts = 0
    var failedAt: Timestamp
    /// The events that would requeue it, and the cluster's counts of them when it failed.
    var wants: Set<Event>
    var seen: [Event: Int]
    /// When an event (or the 5-minute flush) moved it out of unschedulablePods.
    var requeuedAt: Timestamp?

    static let initialBackoff = 1_000
    static let maxBackoff = 10_000
    static let unschedulableTimeout = 300_000
    static let flushUnschedulablePeriod = 30_000
    static let flushBackoffPeriod = 1_000

    /// `calculateBackoffDuration`: 1 s doubled per earlier attempt, at most 10 s.
    static func backoff(attempts: Int) -> Int {
        var duration = initialBackoff
        for _ in 1..<max(1, attempts) {
            if duration > maxBackoff - duration { return maxBackoff }
            duration += duration
        }
        return duration
    }

    /// The events that can make a node pass the filters that failed, from their reasons.
    static func events(for reasons: Set<String>) -> Set<Event> {
        var wants: Set<Event> = [.node]
        for reason in reasons {
            if reason.hasPrefix("Insufficient") || reason == "Too many pods" || reason.contains("free ports") { wants.insert(.assignedPodDeleted) }
            if reason.contains("affinity rules") || reason.contains("anti-affinity") || reason.contains("topology spread") {
                wants.formUnion([.assignedPodDeleted, .podChanged])
            }
        }
        return wants
    }

    /// When the pod may be tried again, given the cluster's event counts now; nil while it
    /// waits for an event (the caller wakes the loop at the flush then).
    mutating func readyAt(now: Timestamp, counts: [Event: Int]) -> Timestamp? {
        if requeuedAt == nil, wants.contains(where: { (counts[$0] ?? 0) > (seen[$0] ?? 0) }) { requeuedAt = now }
        if requeuedAt == nil, now >= flushTime { requeuedAt = flushTime }
        guard let requeuedAt else { return nil }
        let expiry = failedAt.milliseconds + Self.backoff(attempts: attempts)
        // Still backing off when requeued: backoffQ, popped on the next 1 s tick after expiry.
        if requeuedAt.milliseconds < expiry { return Timestamp(milliseconds: expiry.roundedUp(toMultipleOf: Self.flushBackoffPeriod)) }
        return requeuedAt
    }

    /// The first 30 s flush more than 5 minutes after the failure.
    var flushTime: Timestamp {
        Timestamp(milliseconds: (failedAt.milliseconds + Self.unschedulableTimeout + 1).roundedUp(toMultipleOf: Self.flushUnschedulablePeriod))
    }

}

extension Cluster {
    /// A cluster event the scheduling queue listens to.
    func schedulingEvent(_ event: SchedulingQueueEntry.Event) {
        schedulingEventCounts[event, default: 0] += 1
    }
}

extension Cluster {
    /// A controller's `queue.AddRateLimited` after a failed sync of the workload `uid` (the
    /// ReplicaSet, StatefulSet and DaemonSet controllers' processNextWorkItem), under the
    /// controllers' default rate limiter (`workqueue.DefaultTypedControllerRateLimiter`): again
    /// after 5 ms, doubling with each failure since its last good sync, at most 1,000 s. (Its
    /// overall bucket, 10 a second with a burst of 100, is not modelled.) Any event that queues
    /// the workload meanwhile syncs it at once, as upstream.
    ///
    /// The delaying queue holds an item once (`waitingForQueue`): a requeue while an earlier
    /// one is still waiting keeps the earlier time, so two failures at one instant — a sync
    /// and the one its own status update queues — leave one retry, 5 ms on, whose failure
    /// waits 20 ms, and so on.
    ///
    /// With `maxRetries` (the Deployment controller's handleErr: 15), a workload that failed
    /// that many times since its last good sync is dropped instead (`queue.Forget`): it syncs
    /// again only when something queues it, and its back-off starts over.
    func requeueRateLimited(_ uid: String, _ action: TimerQueue.Action, maxRetries: Int? = nil) {
        let failures = workloadFailures[uid] ?? 0
        if let maxRetries, failures >= maxRetries {
            workloadFailures[uid] = nil
            return
        }
        let delay = failures >= 18 ? 1_000_000 : min(1_000_000, 5 << failures)
        workloadFailures[uid] = failures + 1
        let at = now.adding(Duration(milliseconds: delay))
        if let waiting = workloadRetries[uid], waiting > now, waiting <= at { return }
        workloadRetries[uid] = at
        timers.add(action, at: at)
    }
}

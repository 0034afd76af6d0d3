/// What `kubectl get pods` shows for a pod: READY, STATUS and RESTARTS as the server-side
/// printer computes them (`pkg/printers/internalversion/printers.go` printPod, 1.32;
/// KUBERNETES-kubelet.md §3).
public struct PodSummary: Equatable, Sendable {
    public var readyContainers = 0
    /// App containers plus restartable init containers (sidecars).
    public var totalContainers = 0
    public var status = "Pending"
    public var restarts = 0
    /// The newest `lastState.terminated.finishedAt` among the counted containers.
    public var lastRestart: Timestamp?

    /// RESTARTS without a clock: the count alone.
    public var restartsText: String { String(restarts) }

    /// RESTARTS as kubectl prints it at `now`: `6 (66s ago)` once a container has restarted.
    public func restartsText(now: Timestamp) -> String {
        PodSummary.restartsText(restarts, last: lastRestart, now: now)
    }

    public static func restartsText(_ restarts: Int, last: Timestamp?, now: Timestamp) -> String {
        guard restarts != 0, let last else { return String(restarts) }
        return "\(restarts) (\(humanDuration(milliseconds: now.milliseconds.subtractingSaturating(last.milliseconds))) ago)"
    }

    public init(_ pod: Resource) {
        let o = pod.value
        let spec = o["spec"]
        let initSpecs = spec?["initContainers"]?.arrayValue ?? []
        let sidecars = Set(initSpecs.filter { $0["restartPolicy"]?.stringValue == "Always" }.compactMap { $0["name"]?.stringValue })
        totalContainers = (spec?["containers"]?.arrayValue?.count ?? 0) + sidecars.count
        let phase = o.at("status", "phase")?.stringValue ?? "Pending"
        var reason = o.at("status", "reason")?.stringValue ?? phase
        let conditions = o.at("status", "conditions")?.arrayValue ?? []
        if conditions.contains(where: { $0["type"]?.stringValue == "PodScheduled" && $0["reason"]?.stringValue == "SchedulingGated" }) {
            reason = "SchedulingGated"
        }
        func finished(_ status: Value) -> Timestamp? {
            status.at("lastState", "terminated", "finishedAt")?.stringValue.flatMap(Timestamp.init(parsing:))
        }
        func later(_ a: Timestamp?, _ b: Timestamp?) -> Timestamp? {
            guard let b else { return a }
            guard let a else { return b }
            return max(a, b)
        }
        var restarts = 0, sidecarRestarts = 0
        var last: Timestamp?, sidecarLast: Timestamp?
        var initializing = false
        for (i, c) in (o.at("status", "initContainerStatuses")?.arrayValue ?? []).enumerated() {
            let count = c["restartCount"]?.intValue ?? 0
            restarts += count
            last = later(last, finished(c))
            let isSidecar = c["name"]?.stringValue.map(sidecars.contains) ?? false
            if isSidecar {
                sidecarRestarts += count
                sidecarLast = later(sidecarLast, finished(c))
            }
            let terminated = c.at("state", "terminated")
            if let terminated, terminated["exitCode"]?.intValue == 0 { continue }
            if isSidecar && c["started"]?.boolValue == true {
                if c["ready"]?.boolValue == true { readyContainers += 1 }
                continue
            }
            if let terminated {
                if let r = terminated["reason"]?.stringValue, !r.isEmpty {
                    reason = "Init:" + r
                } else if let signal = terminated["signal"]?.intValue, signal != 0 {
                    reason = "Init:Signal:\(signal)"
                } else {
                    reason = "Init:ExitCode:\(terminated["exitCode"]?.intValue ?? 0)"
                }
            } else if let waiting = c.at("state", "waiting")?["reason"]?.stringValue, !waiting.isEmpty, waiting != "PodInitializing" {
                reason = "Init:" + waiting
            } else {
                reason = "Init:\(i)/\(initSpecs.count)"
            }
            initializing = true
            break
        }
        let initialized = conditions.contains { $0["type"]?.stringValue == "Initialized" && $0["status"]?.stringValue == "True" }
        if !initializing || initialized {
            restarts = sidecarRestarts
            last = sidecarLast
            var hasRunning = false
            for c in (o.at("status", "containerStatuses")?.arrayValue ?? []).reversed() {
                restarts += c["restartCount"]?.intValue ?? 0
                last = later(last, finished(c))
                if let waiting = c.at("state", "waiting")?["reason"]?.stringValue, !waiting.isEmpty {
                    reason = waiting
                } else if let terminated = c.at("state", "terminated") {
                    if let r = terminated["reason"]?.stringValue, !r.isEmpty {
                        reason = r
                    } else if let signal = terminated["signal"]?.intValue, signal != 0 {
                        reason = "Signal:\(signal)"
                    } else {
                        reason = "ExitCode:\(terminated["exitCode"]?.intValue ?? 0)"
                    }
                } else if c["ready"]?.boolValue == true, c.at("state", "running") != nil {
                    hasRunning = true
                    readyContainers += 1
                }
            }
            if reason == "Completed" && hasRunning {
                let ready = conditions.contains { $0["type"]?.stringValue == "Ready" && $0["status"]?.stringValue == "True" }
                reason = ready ? "Running" : "NotReady"
            }
        }
        if pod.deletionTimestamp != nil {
            if o.at("status", "reason")?.stringValue == "NodeLost" {
                reason = "Unknown"
            } else if phase != "Succeeded" && phase != "Failed" {
                reason = "Terminating"
            }
        }
        status = reason
        self.restarts = restarts
        lastRestart = last
    }
}

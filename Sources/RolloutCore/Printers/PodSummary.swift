/// What `kubectl get pods` shows for a pod: ready containers, the STATUS column's reason
/// (`printPod` in kubectl's printers: waiting/terminated reasons win over the phase,
/// `Terminating` when deletion is under way) and restarts.
public struct PodSummary: Equatable, Sendable {
    public var readyContainers = 0
    public var totalContainers = 0
    public var status = "Pending"
    public var restarts = 0

    public var restartsText: String { String(restarts) }

    public init(_ pod: Resource) {
        let o = pod.value
        totalContainers = o.at("spec", "containers")?.arrayValue?.count ?? 0
        status = o.at("status", "reason")?.stringValue ?? o.at("status", "phase")?.stringValue ?? "Pending"
        for (i, initStatus) in (o.at("status", "initContainerStatuses")?.arrayValue ?? []).enumerated() {
            restarts += initStatus["restartCount"]?.intValue ?? 0
            if let reason = initStatus.at("state", "terminated", "reason")?.stringValue, reason != "Completed" {
                status = "Init:\(reason)"
            } else if let reason = initStatus.at("state", "waiting", "reason")?.stringValue, reason != "PodInitializing" {
                status = "Init:\(reason)"
            } else if initStatus.at("state", "terminated") == nil {
                status = "Init:\(i)/\(o.at("spec", "initContainers")?.arrayValue?.count ?? 0)"
            }
        }
        for containerStatus in o.at("status", "containerStatuses")?.arrayValue ?? [] {
            restarts += containerStatus["restartCount"]?.intValue ?? 0
            if let reason = containerStatus.at("state", "waiting", "reason")?.stringValue, !reason.isEmpty {
                status = reason
            } else if let reason = containerStatus.at("state", "terminated", "reason")?.stringValue, !reason.isEmpty {
                status = reason
            } else if containerStatus.at("state", "running") != nil, containerStatus["ready"]?.boolValue == true {
                readyContainers += 1
            }
        }
        if pod.deletionTimestamp != nil { status = "Terminating" }
    }
}

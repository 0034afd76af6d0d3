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
        self.init(printing: ResourcePodFields(pod))
    }

    /// printPod over what it reads of a pod, whichever form holds it: a stored object
    /// (`ResourcePodFields`) or a simulated pod before it is written (`SimPodFields`, which the
    /// debug build checks against its written object at every save).
    init(printing pod: some PrintedPod) {
        let spec = pod.spec
        totalContainers = spec.containers + spec.sidecars.count
        let phase = pod.phase ?? "Pending"
        var reason = pod.reason ?? phase
        if pod.schedulingGated {
            reason = "SchedulingGated"
        }
        func later(_ a: Timestamp?, _ b: Timestamp?) -> Timestamp? {
            guard let b else { return a }
            guard let a else { return b }
            return max(a, b)
        }
        var restarts = 0, sidecarRestarts = 0
        var last: Timestamp?, sidecarLast: Timestamp?
        var initializing = false
        for (i, c) in pod.initContainerStatuses.enumerated() {
            let count = c.restartCount
            restarts += count
            last = later(last, c.lastFinished)
            let isSidecar = c.name.map(spec.sidecars.contains) ?? false
            if isSidecar {
                sidecarRestarts += count
                sidecarLast = later(sidecarLast, c.lastFinished)
            }
            let terminated = c.terminated
            if let terminated, terminated.exitCode == 0 { continue }
            if isSidecar && c.started {
                if c.ready { readyContainers += 1 }
                continue
            }
            if let terminated {
                if let r = terminated.reason, !r.isEmpty {
                    reason = "Init:" + r
                } else if let signal = terminated.signal, signal != 0 {
                    reason = "Init:Signal:\(signal)"
                } else {
                    reason = "Init:ExitCode:\(terminated.exitCode ?? 0)"
                }
            } else if let waiting = c.waitingReason, !waiting.isEmpty, waiting != "PodInitializing" {
                reason = "Init:" + waiting
            } else {
                reason = "Init:\(i)/\(spec.initContainers)"
            }
            initializing = true
            break
        }
        if !initializing || pod.initialized {
            restarts = sidecarRestarts
            last = sidecarLast
            var hasRunning = false
            for c in pod.containerStatuses.reversed() {
                restarts += c.restartCount
                last = later(last, c.lastFinished)
                if let waiting = c.waitingReason, !waiting.isEmpty {
                    reason = waiting
                } else if let terminated = c.terminated {
                    if let r = terminated.reason, !r.isEmpty {
                        reason = r
                    } else if let signal = terminated.signal, signal != 0 {
                        reason = "Signal:\(signal)"
                    } else {
                        reason = "ExitCode:\(terminated.exitCode ?? 0)"
                    }
                } else if c.ready, c.isRunning {
                    hasRunning = true
                    readyContainers += 1
                }
            }
            if reason == "Completed" && hasRunning {
                reason = pod.readyCondition ? "Running" : "NotReady"
            }
        }
        if pod.deleting {
            if pod.reason == "NodeLost" {
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

/// What printPod reads of a pod's spec: its containers, its init containers and which of
/// those are sidecars (`restartPolicy: Always`).
struct PrintedPodSpec: Equatable, Sendable {
    var containers: Int
    var initContainers: Int
    var sidecars: Set<String>

    init(_ spec: Value?) {
        let initSpecs = spec?["initContainers"]?.arrayValue ?? []
        containers = spec?["containers"]?.arrayValue?.count ?? 0
        initContainers = initSpecs.count
        sidecars = Set(initSpecs.filter { $0["restartPolicy"]?.stringValue == "Always" }.compactMap { $0["name"]?.stringValue })
    }
}

/// What printPod reads of one container status.
protocol PrintedContainerStatus {
    var name: String? { get }
    /// `restartCount`, 0 when absent.
    var restartCount: Int { get }
    /// `lastState.terminated.finishedAt`.
    var lastFinished: Timestamp? { get }
    /// `state.terminated`, if present (whatever it holds).
    var terminated: PrintedTermination? { get }
    /// `state.waiting.reason`.
    var waitingReason: String? { get }
    /// `state.running` is present.
    var isRunning: Bool { get }
    /// `ready: true`.
    var ready: Bool { get }
    /// `started: true`.
    var started: Bool { get }
}

struct PrintedTermination {
    var reason: String?
    var signal: Int?
    var exitCode: Int?
}

/// What printPod reads of a pod.
protocol PrintedPod {
    associatedtype ContainerStatus: PrintedContainerStatus
    var spec: PrintedPodSpec { get }
    /// `status.phase`.
    var phase: String? { get }
    /// `status.reason`.
    var reason: String? { get }
    /// A PodScheduled condition with reason SchedulingGated.
    var schedulingGated: Bool { get }
    /// Initialized is True.
    var initialized: Bool { get }
    /// Ready is True.
    var readyCondition: Bool { get }
    var initContainerStatuses: [ContainerStatus] { get }
    var containerStatuses: [ContainerStatus] { get }
    /// It has a deletionTimestamp.
    var deleting: Bool { get }
}

/// A stored Pod object as printPod reads it.
struct ResourcePodFields: PrintedPod {
    struct ContainerStatus: PrintedContainerStatus {
        let value: Value
        var name: String? { value["name"]?.stringValue }
        var restartCount: Int { value["restartCount"]?.intValue ?? 0 }
        var lastFinished: Timestamp? { value.at("lastState", "terminated", "finishedAt")?.stringValue.flatMap(Timestamp.init(parsing:)) }
        var terminated: PrintedTermination? {
            value.at("state", "terminated").map { t in
                PrintedTermination(reason: t["reason"]?.stringValue, signal: t["signal"]?.intValue, exitCode: t["exitCode"]?.intValue)
            }
        }
        var waitingReason: String? { value.at("state", "waiting")?["reason"]?.stringValue }
        var isRunning: Bool { value.at("state", "running") != nil }
        var ready: Bool { value["ready"]?.boolValue == true }
        var started: Bool { value["started"]?.boolValue == true }
    }

    let spec: PrintedPodSpec
    let phase: String?
    let reason: String?
    let schedulingGated: Bool
    let initialized: Bool
    let readyCondition: Bool
    let initContainerStatuses: [ContainerStatus]
    let containerStatuses: [ContainerStatus]
    let deleting: Bool

    init(_ pod: Resource) {
        let o = pod.value
        spec = PrintedPodSpec(o["spec"])
        phase = o.at("status", "phase")?.stringValue
        reason = o.at("status", "reason")?.stringValue
        let conditions = o.at("status", "conditions")?.arrayValue ?? []
        func has(_ type: String, _ member: String, _ value: String) -> Bool {
            conditions.contains { $0["type"]?.stringValue == type && $0[member]?.stringValue == value }
        }
        schedulingGated = has("PodScheduled", "reason", "SchedulingGated")
        initialized = has("Initialized", "status", "True")
        readyCondition = has("Ready", "status", "True")
        initContainerStatuses = (o.at("status", "initContainerStatuses")?.arrayValue ?? []).map(ContainerStatus.init)
        containerStatuses = (o.at("status", "containerStatuses")?.arrayValue ?? []).map(ContainerStatus.init)
        deleting = pod.deletionTimestamp != nil
    }
}

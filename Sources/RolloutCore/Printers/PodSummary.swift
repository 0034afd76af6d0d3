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
        self.init(printing: PrintedPod(pod))
    }

    /// printPod over what it reads of a pod (`PrintedPod`).
    init(printing pod: PrintedPod) {
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

/// What printPod reads of a pod, whichever form holds it: a stored object (`init(_:)`) or a
/// simulated pod before it is written (`init(simulated:)`, which debug builds check against
/// its written object at every save).
struct PrintedPod {
    /// What printPod reads of one container status.
    struct ContainerStatus {
        var name: String?
        /// `restartCount`, 0 when absent.
        var restartCount: Int
        /// `lastState.terminated.finishedAt`.
        var lastFinished: Timestamp?
        /// `state.terminated`, if present (whatever it holds).
        var terminated: Termination?
        /// `state.waiting.reason`.
        var waitingReason: String?
        /// `state.running` is present.
        var isRunning: Bool
        /// `ready: true`.
        var ready: Bool
        /// `started: true`.
        var started: Bool
    }

    struct Termination {
        var reason: String?
        var signal: Int?
        var exitCode: Int?
    }

    var spec: PrintedPodSpec
    /// `status.phase`.
    var phase: String?
    /// `status.reason`.
    var reason: String?
    /// A PodScheduled condition with reason SchedulingGated.
    var schedulingGated: Bool
    /// Initialized is True.
    var initialized: Bool
    /// Ready is True.
    var readyCondition: Bool
    var initContainerStatuses: [ContainerStatus]
    var containerStatuses: [ContainerStatus]
    /// It has a deletionTimestamp.
    var deleting: Bool
}

extension PrintedPod {
    /// A stored Pod object as printPod reads it.
    init(_ pod: Resource) {
        let o = pod.value
        func status(_ value: Value) -> ContainerStatus {
            ContainerStatus(name: value["name"]?.stringValue, restartCount: value["restartCount"]?.intValue ?? 0,
                            lastFinished: value.at("lastState", "terminated", "finishedAt")?.stringValue.flatMap(Timestamp.init(parsing:)),
                            terminated: value.at("state", "terminated").map { t in
                                Termination(reason: t["reason"]?.stringValue, signal: t["signal"]?.intValue, exitCode: t["exitCode"]?.intValue)
                            },
                            waitingReason: value.at("state", "waiting")?["reason"]?.stringValue, isRunning: value.at("state", "running") != nil,
                            ready: value["ready"]?.boolValue == true, started: value["started"]?.boolValue == true)
        }
        let conditions = o.at("status", "conditions")?.arrayValue ?? []
        func has(_ type: String, _ member: String, _ value: String) -> Bool {
            conditions.contains { $0["type"]?.stringValue == type && $0[member]?.stringValue == value }
        }
        self.init(spec: PrintedPodSpec(o["spec"]), phase: o.at("status", "phase")?.stringValue, reason: o.at("status", "reason")?.stringValue,
                  schedulingGated: has("PodScheduled", "reason", "SchedulingGated"), initialized: has("Initialized", "status", "True"),
                  readyCondition: has("Ready", "status", "True"),
                  initContainerStatuses: (o.at("status", "initContainerStatuses")?.arrayValue ?? []).map(status),
                  containerStatuses: (o.at("status", "containerStatuses")?.arrayValue ?? []).map(status),
                  deleting: pod.deletionTimestamp != nil)
    }
}

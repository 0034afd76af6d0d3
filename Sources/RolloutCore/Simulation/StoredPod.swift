/// A stored pod as the simulation reads it back: every field `SimPod.load` takes from the
/// Pod object, resolved (times parsed, defaults applied), and the two it shows without reading
/// back (the unschedulable message and the resourceVersion). The JSON path (`init(_:)`) and
/// the compact line (`CompactPod`) both make one of these, and `SimPod.make` turns either into
/// the same SimPod.
struct StoredPod: Equatable, Sendable {
    struct Owner: Equatable, Sendable {
        var kind: String, name: String, uid: String
    }

    struct Container: Equatable, Sendable {
        var name: String
        var restarts: Int
        var ready: Bool
        /// nil: no state the kubelet's status names (the container keeps its initial state).
        var state: SimContainer.State?
        var last: SimContainer.Termination?
        var started: Bool
    }

    struct Disruption: Equatable, Sendable {
        var reason: String, message: String, at: Timestamp
    }

    var name: String
    var namespace: String
    var uid: String
    /// The first owner of a kind the simulation manages.
    var owner: Owner?
    var labels: [String: String]
    var created: Timestamp
    var nodeName: String?
    var ip: String?
    var hostIP: String?
    /// PodScheduled True.
    var scheduledAt: Timestamp?
    /// Ready True, and the Ready condition's transition time whatever its status.
    var ready: Bool
    var readySince: Timestamp?
    /// Initialized True (only read for a scheduled pod).
    var initializedAt: Timestamp?
    var disruption: Disruption?
    /// PodReadyToStartContainers True.
    var admittedAt: Timestamp?
    /// Init container statuses, then app container statuses; the first of each name.
    var containers: [Container]
    /// When deletion was requested (`Resource.deletionRequested`) and the grace it was given.
    var deletion: Timestamp?
    var deletionGrace: Int?
    /// PodScheduled False's message: shown, not read back.
    var unschedulable: String?
    /// `status.nominatedNodeName`: where preemption made room for it (read back: the scheduler
    /// tries that node first and other pods leave its room to it).
    var nominated: String? = nil
    var resourceVersion: String?
}

extension StoredPod {
    /// What `SimPod.load` reads from a Pod object.
    init(_ r: Resource) {
        let o = r.value
        name = r.name
        namespace = r.namespace ?? "default"
        uid = r.uid
        owner = r.ownerReferences.first { SimPod.simulatedOwners.contains($0.kind) }.map { Owner(kind: $0.kind, name: $0.name, uid: $0.uid) }
        labels = r.labels
        created = r.creationTimestamp.flatMap(Timestamp.init(parsing:)) ?? Timestamp(milliseconds: 0)
        nodeName = o.at("spec", "nodeName")?.stringValue
        ip = o.at("status", "podIP")?.stringValue
        hostIP = o.at("status", "hostIP")?.stringValue
        // The first condition of each type with status True (and the first Ready one whatever
        // its status, the first PodScheduled False), found in one pass over the conditions.
        var scheduledTrue: Value?, readyTrue: Value?, readyFirst: Value?, initializedTrue: Value?, disruptionTrue: Value?
        var admittedTrue: Value?, scheduledFalse: Value?
        for condition in o.at("status", "conditions")?.arrayValue ?? [] {
            let type = condition["type"]?.stringValue, status = condition["status"]?.stringValue
            if type == "Ready" && readyFirst == nil { readyFirst = condition }
            if status == "True" {
                switch type {
                case "PodScheduled" where scheduledTrue == nil: scheduledTrue = condition
                case "Ready" where readyTrue == nil: readyTrue = condition
                case "Initialized" where initializedTrue == nil: initializedTrue = condition
                case "DisruptionTarget" where disruptionTrue == nil: disruptionTrue = condition
                case "PodReadyToStartContainers" where admittedTrue == nil: admittedTrue = condition
                default: break
                }
            } else if status == "False" && type == "PodScheduled" && scheduledFalse == nil {
                scheduledFalse = condition
            }
        }
        func time(_ v: Value?) -> Timestamp? { v?.stringValue.flatMap(Timestamp.init(parsing:)) }
        scheduledAt = time(scheduledTrue?["lastTransitionTime"])
        ready = time(readyTrue?["lastTransitionTime"]) != nil
        readySince = time(readyFirst?["lastTransitionTime"])
        initializedAt = scheduledAt == nil ? nil : time(initializedTrue?["lastTransitionTime"])
        let created = created
        disruption = disruptionTrue.map { target in
            Disruption(reason: target["reason"]?.stringValue ?? "", message: target["message"]?.stringValue ?? "", at: time(target["lastTransitionTime"]) ?? created)
        }
        admittedAt = time(admittedTrue?["lastTransitionTime"])
        unschedulable = scheduledFalse?["message"]?.stringValue
        nominated = o.at("status", "nominatedNodeName")?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        let statuses = (o.at("status", "initContainerStatuses")?.arrayValue ?? []) + (o.at("status", "containerStatuses")?.arrayValue ?? [])
        var seen: Set<String> = []
        containers = []
        for status in statuses {
            guard let name = status["name"]?.stringValue, seen.insert(name).inserted else { continue }
            func termination(_ t: Value?) -> SimContainer.Termination? {
                guard let t, let finished = time(t["finishedAt"]) else { return nil }
                return SimContainer.Termination(reason: t["reason"]?.stringValue ?? "Error", exitCode: t["exitCode"]?.intValue ?? 1,
                                                startedAt: time(t["startedAt"]) ?? finished, finishedAt: finished)
            }
            var state: SimContainer.State?
            if let running = status.at("state", "running") {
                state = .running(since: time(running["startedAt"]) ?? created)
            } else if let waiting = status.at("state", "waiting") {
                state = .waiting(waiting["reason"]?.stringValue ?? "ContainerCreating", message: waiting["message"]?.stringValue)
            } else if let terminated = termination(status.at("state", "terminated")) {
                state = .terminated(terminated)
            }
            containers.append(Container(name: name, restarts: max(0, status["restartCount"]?.intValue ?? 0), ready: status["ready"]?.boolValue == true,
                                        state: state, last: termination(status.at("lastState", "terminated")), started: status["started"]?.boolValue == true))
        }
        deletion = r.deletionRequested
        deletionGrace = r.metadata["deletionGracePeriodSeconds"]?.intValue
        resourceVersion = r.metadata["resourceVersion"]?.stringValue
    }
}

extension SimPod {
    /// A SimPod from what was stored: the second half of `load`, shared by the JSON and the
    /// compact forms so that both give the same pod.
    static func make(_ s: StoredPod, template: Object, keptMetadata: Object?, behaviour: AppBehaviour, memory: Resource?, now: Timestamp) -> SimPod {
        let pod = SimPod(name: s.name, namespace: s.namespace, uid: s.uid, ownerUID: s.owner?.uid ?? "", ownerName: s.owner?.name ?? "",
                         labels: s.labels, template: template, created: s.created, behaviour: behaviour)
        if let owner = s.owner { pod.ownerKind = owner.kind }
        pod.keptMetadata = keptMetadata
        pod.nodeName = s.nodeName
        pod.ip = s.ip
        pod.hostIP = s.hostIP
        pod.scheduledAt = s.scheduledAt
        pod.ready = s.ready
        pod.readySince = s.readySince
        pod.initializedAt = s.initializedAt
        if let d = s.disruption { pod.disruption = (d.reason, d.message, d.at) }
        pod.admittedAt = s.admittedAt
        pod.nominatedNodeName = s.nominated
        for (i, b) in behaviour.containers.enumerated() where i < pod.containers.count {
            guard let status = s.containers.first(where: { $0.name == b.name }) else { continue }
            var c = pod.containers[i]
            c.restarts = status.restarts
            c.ready = status.ready
            if let state = status.state { c.state = state }
            c.last = status.last
            c.started = status.started
            if c.started, case .running(let start) = c.state {
                // The startup probe passed at its first passing tick (Prober.startup).
                if case .started(let t) = Prober.startup(b, start: start, anchor: pod.admittedAt ?? start) { c.startedAt = t } else { c.startedAt = start }
            }
            pod.containers[i] = c
        }
        if pod.admittedAt == nil, pod.everStarted { pod.admittedAt = pod.scheduledAt }
        if let memory { KubeletMemory.apply(memory, to: pod) }
        // A scheduled pod whose volumes are still missing tries again at once.
        if pod.scheduledAt != nil, pod.admittedAt == nil, pod.mountRetry == nil, !behaviour.volumes.isEmpty {
            pod.mountRetry = (now, 0)
        }
        // The kubelet works from when deletion was requested: deletionTimestamp minus the grace
        // period, which `delete --grace-period N` may have given this pod (CheckGracefulDelete).
        pod.deletion = s.deletion
        if pod.deletion != nil, let grace = s.deletionGrace {
            pod.behaviour.terminationGracePeriodSeconds = grace < 0 ? 1 : min(grace, SimulationLimits.maxSeconds)
        }
        return pod
    }
}

/// A pod as the simulation tracks it. Saved as a Pod object with the status kubectl shows.
/// A class: controllers visit every pod at every instant, and copying them would dominate.
public final class SimPod {
    public enum ContainerState: Equatable, Sendable {
        /// ContainerCreating, ErrImagePull, ImagePullBackOff, CrashLoopBackOff.
        case waiting(String)
        case running(since: Timestamp)
        case terminated(String)
    }

    public var name: String
    public var namespace: String
    public var uid: String
    public var ownerUID: String
    public var ownerName: String
    public var labels: [String: String]
    /// The pod template's `metadata.annotations` and `spec`, as the ReplicaSet's template has them.
    public var template: Object
    public var created: Timestamp
    public var nodeName: String?
    public var ip: String?
    public var state: ContainerState = .waiting("ContainerCreating")
    public var ready = false
    public var readySince: Timestamp?
    public var restarts = 0
    /// When the container last exited (CrashLoopBackOff waits from here).
    public var lastFinished: Timestamp?
    public var deletion: Timestamp?
    /// Terminal: the pod is gone (removed when saved).
    public var gone = false
    public var behaviour: AppBehaviour
    /// Increases on every transition that makes earlier timers of this pod stale.
    var epoch = 0
    var scheduledAt: Timestamp?
    /// Set once SIGTERM is sent: the app drains and stops serving.
    public var sigtermAt: Timestamp?
    /// The container has run at least once (a pod that never started goes at once on delete).
    public var everStarted = false
    /// The last FailedScheduling message, so a pod that keeps not fitting records it once.
    var schedulingFailure: String?

    public init(name: String, namespace: String, uid: String, ownerUID: String, ownerName: String, labels: [String: String],
         template: Object, created: Timestamp, behaviour: AppBehaviour) {
        self.name = name
        self.namespace = namespace
        self.uid = uid
        self.ownerUID = ownerUID
        self.ownerName = ownerName
        self.labels = labels
        self.template = template
        self.created = created
        self.behaviour = behaviour
    }

    public var isTerminating: Bool { deletion != nil }
    public var isScheduled: Bool { nodeName != nil }

    /// Counted by its ReplicaSet: not terminating, not terminal.
    public var isActive: Bool { deletion == nil && !gone }

    /// `IsPodAvailable` as Kubernetes 1.32 has it (`pkg/api/v1/pod/util.go`; KUBERNETES.md §15):
    /// ready, and either `minReadySeconds` is 0 or the pod has been ready for strictly longer
    /// (1.34 made it inclusive, PR #132122).
    public func isAvailable(minReadySeconds: Int, now: Timestamp) -> Bool {
        guard ready, let since = readySince else { return false }
        return minReadySeconds == 0 || since.milliseconds + minReadySeconds * 1000 < now.milliseconds
    }

    /// The phase kubectl shows before reasons: Pending until the container has run.
    public var phase: String {
        switch state {
        case .running: return "Running"
        case .terminated: return "Running"
        case .waiting(let reason): return reason == "CrashLoopBackOff" ? "Running" : "Pending"
        }
    }
}

/// A ReplicaSet as the simulation tracks it. Saved as a ReplicaSet object.
public struct SimReplicaSet: Sendable {
    public var name: String
    public var namespace: String
    public var uid: String
    public var created: Timestamp
    public var ownerUID: String
    public var ownerName: String
    public var labels: [String: String]
    public var annotations: [String: String]
    /// `spec.template` with the `pod-template-hash` label, as stored.
    public var template: Object
    public var hash: String
    public var specReplicas: Int
    public var minReadySeconds: Int
    /// `spec.selector` as stored: the Deployment's selector plus `pod-template-hash`.
    public var selector = Object()
    public var statusReplicas = 0
    public var readyReplicas = 0
    public var availableReplicas = 0
    public var terminatingReplicas = 0
    public var generation = 1
    public var observedGeneration = 1
    public var behaviour: AppBehaviour
    public var deleted = false
    /// The stored object this came from, for fields we do not model.
    var resource: Resource?

    public var revision: Int { annotations["deployment.kubernetes.io/revision"].flatMap(Int.init) ?? 0 }

    public var counts: ReplicaSetCounts {
        ReplicaSetCounts(name: name, created: created, specReplicas: specReplicas, statusReplicas: statusReplicas,
                         readyReplicas: readyReplicas, availableReplicas: availableReplicas,
                         desiredReplicasAnnotation: annotations["deployment.kubernetes.io/desired-replicas"].flatMap(Int.init),
                         maxReplicasAnnotation: annotations["deployment.kubernetes.io/max-replicas"].flatMap(Int.init))
    }
}

/// One event, aggregated like the API server's event series: same object, reason and
/// message count up.
public struct SimEvent: Sendable {
    public var namespace: String
    public var involvedKind: String
    public var involvedName: String
    public var involvedUID: String
    public var type: String
    public var reason: String
    public var message: String
    public var component: String
    public var first: Timestamp
    public var last: Timestamp
    public var count: Int
    public var name: String

    /// The series key of an aggregated event ("(combined from similar events): …").
    var aggregateSeriesKey: String? {
        message.hasPrefix("(combined from similar events): ") ? "aggregate|\(component)|\(involvedKind)|\(involvedUID)|\(type)|\(reason)" : nil
    }
}

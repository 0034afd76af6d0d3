/// One container of a simulated pod: the status the kubelet reports for it, and what the
/// kubelet remembers about it (its place in a create attempt, a kill under way, back-off).
public struct SimContainer: Equatable, Sendable {
    public struct Termination: Equatable, Sendable {
        public var reason: String
        public var exitCode: Int
        public var startedAt: Timestamp
        public var finishedAt: Timestamp
    }

    public enum State: Equatable, Sendable {
        /// ContainerCreating, PodInitializing, ErrImagePull, ImagePullBackOff,
        /// CrashLoopBackOff, CreateContainerConfigError; the message as the kubelet writes it.
        case waiting(String, message: String? = nil)
        case running(since: Timestamp)
        case terminated(Termination)
    }

    /// What the kubelet is doing for this container, and until when.
    public enum Progress: Equatable, Sendable {
        case none
        /// The next attempt to create it (pull, config, create) is at this time.
        case attempt(at: Timestamp)
        /// Pulling its image until then.
        case pulling(until: Timestamp)
        /// Created; it runs from then.
        case starting(at: Timestamp)
        /// Being stopped: SIGTERM at `sigterm` (after preStop), gone at `exit`. `restart`
        /// for a liveness or startup kill, with the exited instance before the killed one.
        case stopping(sigterm: Timestamp, exit: Timestamp, restart: Bool, previousExit: Timestamp?)

        /// When the kubelet next acts on it: the attempt, the pull's end, the start, the exit.
        var due: Timestamp? {
            switch self {
            case .none: return nil
            case .attempt(let at), .pulling(until: let at), .starting(let at): return at
            case .stopping(_, let exit, _, _): return exit
            }
        }
    }

    public var name: String
    public var state: State = .waiting("ContainerCreating")
    /// `lastState.terminated`: the instance before this one.
    public var last: Termination? {
        get { rare?.fields.last }
        set { if newValue != nil || rare != nil { updateRare { $0.last = newValue } } }
    }
    public var restarts = 0
    public var ready = false
    /// The startup probe has passed (or there is none) since this instance started.
    public var started = false
    /// When `started` became true: readiness probes run from then.
    public var startedAt: Timestamp?
    var progress: Progress = .none
    /// The crash back-off of this container (`flowcontrol.Backoff` entry).
    var backoff: BackoffEntry? {
        get { rare?.fields.backoff }
        set { if newValue != nil || rare != nil { updateRare { $0.backoff = newValue } } }
    }
    /// Image pull back-off (`imageBackOff`, keyed by pod and image).
    var pullBackoff: BackoffEntry? {
        get { rare?.fields.pullBackoff }
        set { if newValue != nil || rare != nil { updateRare { $0.pullBackoff = newValue } } }
    }
    /// When the first attempt to pull this container's image was made (for `fail-for`).
    var firstPullAttempt: Timestamp? {
        get { rare?.fields.firstPullAttempt }
        set { if newValue != nil || rare != nil { updateRare { $0.firstPullAttempt = newValue } } }
    }

    /// What few containers have — an earlier instance, a crash or pull back-off, a first pull
    /// attempt — in one object made when one is set: a roll's containers carry one reference
    /// instead of 112 bytes each. Replaced at each change, never changed, so that copies of a
    /// container stay apart.
    private struct RareFields: Equatable, Sendable {
        var last: Termination?
        var backoff: BackoffEntry?
        var pullBackoff: BackoffEntry?
        var firstPullAttempt: Timestamp?
    }
    private final class Rare: Sendable {
        let fields: RareFields
        init(_ fields: RareFields) { self.fields = fields }
    }
    private var rare: Rare?
    private mutating func updateRare(_ change: (inout RareFields) -> Void) {
        var fields = rare?.fields ?? RareFields()
        change(&fields)
        rare = fields == RareFields() ? nil : Rare(fields)
    }

    public static func == (a: SimContainer, b: SimContainer) -> Bool {
        a.name == b.name && a.state == b.state && a.restarts == b.restarts && a.ready == b.ready && a.started == b.started
            && a.startedAt == b.startedAt && a.progress == b.progress && (a.rare === b.rare || a.rare?.fields == b.rare?.fields)
    }

    public init(name: String) { self.name = name }

    /// What stands in a pod's list while the kubelet works on the container taken out of it
    /// (`Kubelet.withContainer`).
    static let placeholder = SimContainer(name: "")

    public var isRunning: Bool { if case .running = state { return true } else { return false } }
    public var runningSince: Timestamp? { if case .running(let since) = state { return since } else { return nil } }
    public var waitingReason: String? { if case .waiting(let reason, _) = state { return reason } else { return nil } }
    /// Exited 0 (a regular init container that is done).
    public var completed: Bool { if case .terminated(let t) = state { return t.exitCode == 0 } else { return false } }
}

/// A `flowcontrol.Backoff` entry: the current back-off and when it was last moved on.
struct BackoffEntry: Equatable, Sendable {
    var backoff: Int
    var lastUpdate: Timestamp
}

/// How many of one owner's pods the ReplicaSet controller's status counts (`replica_set_utils.go`
/// calculateStatus): those not terminating (not gone), how many of those are Ready, and are
/// Ready with a time (available when `minReadySeconds` is 0), and those terminating. Kept as
/// the pods change — every change goes through a pod's property observers — so that a sync
/// of a ReplicaSet of 100,000 pods does not visit them all to count.
final class PodCounts {
    private(set) var active = 0
    private(set) var ready = 0
    private(set) var readyWithTime = 0
    private(set) var terminating = 0

    /// One pod's part in the counts.
    struct Share: Equatable {
        var active = false
        var ready = false
        var readyWithTime = false
        var terminating = false

        init() {}

        init(_ pod: SimPod) {
            active = pod.isActive
            ready = active && pod.ready
            readyWithTime = ready && pod.readySince != nil
            terminating = !pod.gone && pod.deletion != nil
        }
    }

    func add(_ share: Share, _ sign: Int) {
        if share.active { active += sign }
        if share.ready { ready += sign }
        if share.readyWithTime { readyWithTime += sign }
        if share.terminating { terminating += sign }
    }
}

/// What names a pod uniquely: its namespace and name (kept apart, not joined into one string
/// to hash).
struct PodName: Hashable {
    let namespace: String
    let name: String
    /// Both strings folded by `KeyHash` from the process's seed, once (as `HashedString`'s):
    /// every pod made checks its random name is free, a look-up that finds nothing after
    /// passing three keys on average in a set of 300,000 at Kubernetes' limits — each compare
    /// a read of another name's bytes, unless their fingerprints already differ.
    let fingerprint: UInt64

    init(namespace: String, name: String) {
        self.namespace = namespace
        self.name = name
        fingerprint = KeyHash.fingerprint(namespace, name)
    }

    init(_ pod: SimPod) { self.init(namespace: pod.namespace, name: pod.name) }

    static func == (a: PodName, b: PodName) -> Bool { a.fingerprint == b.fingerprint && a.name == b.name && a.namespace == b.namespace }

    /// Hashed by `KeyHash` (its fingerprint, the table's seed mixed in), consistently with
    /// `hash(into:)`.
    func _rawHashValue(seed: Int) -> Int { KeyHash.mixed(fingerprint, seed: seed) }

    func hash(into hasher: inout Hasher) { hasher.combine(fingerprint) }
}

/// What few pods have (SimPod.rare): a StatefulSet's pod's hostname, a volume's retry, a
/// scheduling failure and its queue entry, a nomination, kept metadata, a disruption, a
/// rejection.
final class SimPodRare {
    var hostname: (name: String, subdomain: String)?
    var mountRetry: (at: Timestamp, failures: Int)?
    var schedulingFailure: String?
    var nominatedNodeName: String?
    var queue: SchedulingQueueEntry?
    var keptMetadata: Object?
    var disruption: (reason: String, message: String, at: Timestamp)?
    var rejection: (reason: String, message: String, at: Timestamp)?
    var nodeRefusal: (reason: String, message: String)?
}

/// A pod as the simulation tracks it. Saved as a Pod object with the status kubectl shows.
/// A class: controllers visit every pod at every instant, and copying them would dominate.
public final class SimPod {
    // What the controllers read of every pod at every sync comes first, together: a Service's
    // endpoints and kube-proxy's requests visit each of its pods (150,000 at Kubernetes'
    // limits, which no cache holds), and each field they read on another cache line of the
    // object was another miss (a class's stored properties lie in the order declared).
    /// Terminal: the pod is gone (removed when saved). Its endpoint values are let go then:
    /// no Service lists a gone pod, and a roll holds every pod it replaced until the save.
    public var gone = false {
        didSet {
            if gone { endpointValues = EndpointsController.EndpointValues() }
            recount()
        }
    }
    public var deletion: Timestamp? { didSet { if deletion != oldValue { endpointStamp &+= 1; recount() } } }
    /// The pod's Ready condition.
    public var ready = false { didSet { if ready != oldValue { endpointStamp &+= 1; recount() } } }
    public var ip: String? { didSet { if ip != oldValue { endpointStamp &+= 1; addressStamp &+= 1 } } }
    public var nodeName: String? { didSet { if nodeName != oldValue { endpointStamp &+= 1; addressStamp &+= 1 } } }
    /// Moves whenever what its address and endpoint show moves: its address, node, readiness
    /// or deletion (its name and uid never change).
    private(set) var endpointStamp = 0
    /// Moves whenever what its Endpoints address shows moves: its IP or node (not its
    /// readiness or deletion, which say only which list the address is in).
    private(set) var addressStamp = 0
    /// Its place in the cluster's `podsByHandle`, given when the cluster took it (`hold`),
    /// never another's: -1 before.
    var handle = -1
    /// For each Service whose selector matches it (`selectingServices`), its number
    /// (`ServicePods.number(of:)`) and this pod's arrival among its pods: the order it is
    /// listed in (EndpointBook).
    var endpointPlaces: [(service: Int, arrival: Int)] = []
    /// Its Endpoints address and slice endpoint as last made (EndpointsController.sync), with
    /// the `addressStamp` and the `endpointStamp` they were made at.
    var endpointValues = EndpointsController.EndpointValues()
    public var uid: String
    public var name: String
    public var namespace: String
    public var ownerUID: String
    public var ownerName: String
    /// The controller's kind: `ReplicaSet` (also when there is none) or `StatefulSet`.
    public var ownerKind = "ReplicaSet"
    public var labels: [String: String]
    /// The pod template's `metadata.annotations` and `spec`, as the ReplicaSet's template has them.
    public var template: Object
    public var created: Timestamp
    /// The node's InternalIP (`status.hostIP`).
    public var hostIP: String?
    /// Init containers, then app containers, as `behaviour.containers`.
    public var containers: [SimContainer]
    public var readySince: Timestamp? { didSet { recount() } }
    /// When the volumes were mounted and the sandbox made (PodReadyToStartContainers): the
    /// probe workers start then and tick from there (`prober_manager.go` AddPod).
    public var admittedAt: Timestamp?
    /// The next volume mount attempt and how many failed, while a volume is missing.
    var mountRetry: (at: Timestamp, failures: Int)? {
        get { rare?.mountRetry }
        set { if newValue != nil || rare != nil { rareFields().mountRetry = newValue } }
    }
    /// The Initialized condition: every init step done, once.
    public var initializedAt: Timestamp?
    /// Its owner's counts (`Cluster.podCounts(of:)`), which it is counted in from the moment it
    /// joins the cluster; every change to what they count moves them (`recount`).
    var counts: PodCounts? {
        didSet {
            if oldValue === counts { return }
            oldValue?.add(counted, -1)
            counted = PodCounts.Share(self)
            counts?.add(counted, 1)
        }
    }
    /// What it adds to `counts` now.
    private var counted = PodCounts.Share()
    public var behaviour: AppBehaviour
    /// Increases on every transition that makes earlier timers of this pod stale.
    var epoch = 0
    /// Changed since the cluster last saved it: it is in `Cluster.dirtyPods`.
    var dirty = false
    var scheduledAt: Timestamp?
    /// `spec.hostname` and `spec.subdomain` (a StatefulSet's pods: their name and the set's
    /// Service), from its behaviour: an endpoint of the Service the subdomain names carries the
    /// hostname. (Kept on the pod: reading them through `behaviour` at each endpoint made
    /// copied the whole behaviour.)
    var hostname: (name: String, subdomain: String)? { rare?.hostname }
    /// Some volume is a PersistentVolumeClaim: its claims are bound when it is scheduled.
    let mountsClaims: Bool
    /// The last FailedScheduling message.
    var schedulingFailure: String? {
        get { rare?.schedulingFailure }
        set { if newValue != nil || rare != nil { rareFields().schedulingFailure = newValue } }
    }
    /// `status.nominatedNodeName`: the node preemption made room on (DefaultPreemption).
    var nominatedNodeName: String? {
        get { rare?.nominatedNodeName }
        set { if newValue != nil || rare != nil { rareFields().nominatedNodeName = newValue } }
    }
    /// Its place in the scheduler's queue after a failed attempt (SchedulingQueue).
    var queue: SchedulingQueueEntry? {
        get { rare?.queue }
        set { if newValue != nil || rare != nil { rareFields().queue = newValue } }
    }
    /// What it takes from its node, as the scheduler counts it (from its template, once).
    var usage: PodUsage?
    /// Its node's kubelet is down: nothing changes and nothing answers until it is back.
    public var nodeDown = false
    /// The Services whose selector matches its labels (ServicePods), once found.
    var selectingServices: [ObjectKey]?
    /// In `Cluster.unscheduled`.
    var awaitsNode = false
    /// Its place in its node's list of pods (`NodePlacement.pods`), -1 when in none.
    var placementSlot = -1
    /// That placement's number (`NodePlacement.number`), -1 when in none: two pods of one
    /// cluster placed on one node have the same number.
    var placementNumber = -1
    /// Made by a ReplicaSet under a name no pod of the cluster had since its last save
    /// (`ReplicaSetController.newPod`): no pod that went since has its name.
    var nameIsFresh = false
    /// The object reference to it an address or endpoint lists (`targetRef`): the one kept
    /// (`keepTargetRef`: its name, namespace and uid never change), else one made for the
    /// asker. Reading it never changes the pod, so the Endpoints controller's syncs of several
    /// Services, side by side on the machine's cores, may read the same pod.
    var targetRef: Value {
        keptTargetRef ?? .object(Object(["kind": .string("Pod"), "name": .string(name), "namespace": .string(namespace), "uid": .string(uid)]))
    }
    private var keptTargetRef: Value?

    /// Makes `targetRef` once and keeps it (on the cluster's own thread, before any sync that
    /// lists the pod runs).
    func keepTargetRef() {
        if keptTargetRef == nil { keptTargetRef = targetRef }
    }
    /// Metadata kept from the stored pod that no ReplicaSet owns (SimPod.keptMetadataKeys).
    var keptMetadata: Object? {
        get { rare?.keptMetadata }
        set { if newValue != nil || rare != nil { rareFields().keptMetadata = newValue } }
    }
    /// The DisruptionTarget condition (eviction API, taint manager): reason, message, when.
    public var disruption: (reason: String, message: String, at: Timestamp)? {
        get { rare?.disruption }
        set { if newValue != nil || rare != nil { rareFields().disruption = newValue } }
    }
    /// Rejected by its node's kubelet (KubeletAdmission): the reason, the message and when. The
    /// pod is then `gone` from every controller's count but stored, Failed, as it is.
    public var rejection: (reason: String, message: String, at: Timestamp)? {
        get { rare?.rejection }
        set { if newValue != nil || rare != nil { rareFields().rejection = newValue } }
    }
    /// Refused by its node's kubelet when it arrived there bound (NodeNamedPods: a pod that
    /// names its node and does not fit it), rejected at `KubeletAdmission.due`.
    var nodeRefusal: (reason: String, message: String)? {
        get { rare?.nodeRefusal }
        set { if newValue != nil || rare != nil { rareFields().nodeRefusal = newValue } }
    }
    /// The fields above that few pods ever set, apart: made at the first set of one (a roll's
    /// pods carry one reference instead of some 290 bytes each — at 100,000 replicas, 200,000
    /// pods in memory at the save).
    private var rare: SimPodRare?
    private func rareFields() -> SimPodRare {
        if let rare { return rare }
        let made = SimPodRare()
        rare = made
        return made
    }
    /// Gone, and so removed from the store at the save, with its events: not a rejected pod,
    /// which stays.
    var goesAtSave: Bool { gone && rejection == nil }

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
        mountsClaims = behaviour.volumes.contains { $0.kind == .persistentVolumeClaim }
        containers = behaviour.containers.map { SimContainer(name: $0.name) }
        if let name = behaviour.hostname { rareFields().hostname = (name, behaviour.subdomain ?? "") }
        if behaviour.containers.contains(where: { $0.role != .app }) {
            for i in containers.indices { containers[i].state = .waiting("PodInitializing") }
        }
    }

    public var isTerminating: Bool { deletion != nil }
    public var isScheduled: Bool { nodeName != nil }

    /// Counted by its ReplicaSet: not terminating, not terminal.
    public var isActive: Bool { deletion == nil && !gone }

    /// Some container has run: a pod that never started goes at once on delete.
    public var everStarted: Bool {
        containers.contains { $0.isRunning || $0.restarts > 0 || { if case .terminated = $0.state { return true } else { return false } }($0) }
    }

    /// The container that answers Service traffic: the first app container.
    public var servingIndex: Int? { behaviour.containers.firstIndex { $0.role == .app } }

    /// When the serving container got SIGTERM, if it has.
    public var sigtermAt: Timestamp? {
        guard let i = servingIndex, i < containers.count, case .stopping(let sigterm, _, let restart, _) = containers[i].progress, !restart,
              deletion != nil else { return nil }
        return sigterm
    }

    /// The most restarts of any app container or sidecar (`MaxContainerRestarts`, which counts
    /// restartable init containers since 1.32, PR #124952): what scale-down ranks by.
    public var restarts: Int {
        // (A loop over both lists in step: no list is made, no container copied. The
        // ReplicaSet controller reads it for every pod it ranks for deletion.)
        let roles = behaviour.containers
        var most: Int?
        for i in 0..<min(containers.count, roles.count) where roles[i].keepsRunning {
            most = max(most ?? containers[i].restarts, containers[i].restarts)
        }
        return most ?? 0
    }

    /// Its share of its owner's counts, moved when what they count changed.
    private func recount() {
        let share = PodCounts.Share(self)
        guard share != counted else { return }
        counts?.add(counted, -1)
        counts?.add(share, 1)
        counted = share
    }

    /// `IsPodAvailable` as Kubernetes 1.32 has it (`pkg/api/v1/pod/util.go`; KUBERNETES.md §15):
    /// ready, and either `minReadySeconds` is 0 or the pod has been ready for strictly longer
    /// (1.34 made it inclusive, PR #132122).
    public func isAvailable(minReadySeconds: Int, now: Timestamp) -> Bool {
        guard ready, let since = readySince else { return false }
        return minReadySeconds == 0 || since.milliseconds + minReadySeconds * 1000 < now.milliseconds
    }

    /// `status.phase` (`getPhase` in kubelet_pods.go, restartPolicy Always): Pending while a
    /// regular init container is pending or an app container waits without having run;
    /// Running from then on.
    public var phase: String {
        if rejection != nil { return "Failed" }
        // (By index, both lists in step: no container or behaviour copied — the ReplicaSet
        // controller asks for every pod it ranks.)
        let behaviours = behaviour.containers
        for i in 0..<min(containers.count, behaviours.count) {
            switch (behaviours[i].role, containers[i].state) {
            case (.regularInit, .running): return "Pending"
            case (.regularInit, .waiting), (.app, .waiting): if containers[i].last == nil { return "Pending" }
            default: continue
            }
        }
        return "Running"
    }
}

/// A ReplicaSet as the simulation tracks it. Saved as a ReplicaSet object. A value, its fields
/// held in one box shared by its copies until one of them changes (copy on write): every
/// Deployment and ReplicaSet sync copies ReplicaSets out of the cluster, and a copy of two dozen
/// fields retained each — half of them strings, dictionaries and objects spread over the heap —
/// was 3 % of a roll's simulation at Kubernetes' limits.
public struct SimReplicaSet: Sendable {
    /// The fields, each read and changed through the property of its name.
    struct Fields {
        var name: String
        var namespace: String
        var uid: String
        var created: Timestamp
        var ownerUID: String
        var ownerName: String
        var labels: [String: String]
        var annotations: [String: String] { didSet { numbers = AnnotationNumbers(annotations) } }
        /// What the Deployment controller reads of `annotations` as numbers, read again
        /// whenever they change: every sync asks each of a Deployment's ReplicaSets for them.
        var numbers: AnnotationNumbers
        /// `spec.template` with the `pod-template-hash` label, as stored.
        var template: Object
        var hash: String
        var specReplicas: Int
        var minReadySeconds: Int
        /// `spec.selector` as stored: the Deployment's selector plus `pod-template-hash`.
        var selector: Object = Object()
        var statusReplicas: Int = 0
        var readyReplicas: Int = 0
        var availableReplicas: Int = 0
        var terminatingReplicas: Int = 0
        var generation: Int = 1
        var observedGeneration: Int = 1
        /// `status.conditions`' ReplicaFailure (the only condition a ReplicaSet has): set when
        /// creating or deleting its pods failed, removed once a sync manages them without error
        /// (`calculateStatus`, replica_set_utils.go).
        var replicaFailure: Object?
        var behaviour: AppBehaviour
        var deleted: Bool = false
        /// `metadata.deletionTimestamp` and `finalizers` of a ReplicaSet deleted in the foreground
        /// (`propagationPolicy: Foreground`): it stays until its pods are gone, and makes none.
        var deletionTimestamp: Value?
        var finalizers: Value?
        /// The stored object this came from, for fields we do not model.
        var resource: Resource?
    }

    /// The revision, desired-replicas and max-replicas annotations as numbers (nil when
    /// absent or not a number).
    struct AnnotationNumbers {
        var revision: Int?
        var desiredReplicas: Int?
        var maxReplicas: Int?

        init(_ annotations: [String: String]) {
            revision = annotations[DeploymentController.revisionAnnotation].flatMap(Int.init)
            desiredReplicas = annotations[DeploymentController.desiredReplicasAnnotation].flatMap(Int.init)
            maxReplicas = annotations[DeploymentController.maxReplicasAnnotation].flatMap(Int.init)
        }
    }

    private final class Box: @unchecked Sendable {
        var fields: Fields
        init(_ fields: Fields) { self.fields = fields }
    }

    private var box: Box

    /// The box, this value's own before it changes.
    private var owned: Box {
        mutating get {
            if !isKnownUniquelyReferenced(&box) { box = Box(box.fields) }
            return box
        }
    }

    public init(name: String, namespace: String, uid: String, created: Timestamp, ownerUID: String, ownerName: String,
                labels: [String: String], annotations: [String: String], template: Object, hash: String, specReplicas: Int,
                minReadySeconds: Int, behaviour: AppBehaviour) {
        box = Box(Fields(name: name, namespace: namespace, uid: uid, created: created, ownerUID: ownerUID, ownerName: ownerName, labels: labels,
                         annotations: annotations, numbers: AnnotationNumbers(annotations), template: template, hash: hash,
                         specReplicas: specReplicas, minReadySeconds: minReadySeconds, behaviour: behaviour))
    }

    public var name: String { get { box.fields.name } _modify { yield &owned.fields.name } }
    public var namespace: String { get { box.fields.namespace } _modify { yield &owned.fields.namespace } }
    public var uid: String { get { box.fields.uid } _modify { yield &owned.fields.uid } }
    public var created: Timestamp { get { box.fields.created } _modify { yield &owned.fields.created } }
    public var ownerUID: String { get { box.fields.ownerUID } _modify { yield &owned.fields.ownerUID } }
    public var ownerName: String { get { box.fields.ownerName } _modify { yield &owned.fields.ownerName } }
    public var labels: [String: String] { get { box.fields.labels } _modify { yield &owned.fields.labels } }
    public var annotations: [String: String] { get { box.fields.annotations } _modify { yield &owned.fields.annotations } }
    public var template: Object { get { box.fields.template } _modify { yield &owned.fields.template } }
    public var hash: String { get { box.fields.hash } _modify { yield &owned.fields.hash } }
    public var specReplicas: Int { get { box.fields.specReplicas } _modify { yield &owned.fields.specReplicas } }
    public var minReadySeconds: Int { get { box.fields.minReadySeconds } _modify { yield &owned.fields.minReadySeconds } }
    public var selector: Object { get { box.fields.selector } _modify { yield &owned.fields.selector } }
    public var statusReplicas: Int { get { box.fields.statusReplicas } _modify { yield &owned.fields.statusReplicas } }
    public var readyReplicas: Int { get { box.fields.readyReplicas } _modify { yield &owned.fields.readyReplicas } }
    public var availableReplicas: Int { get { box.fields.availableReplicas } _modify { yield &owned.fields.availableReplicas } }
    public var terminatingReplicas: Int { get { box.fields.terminatingReplicas } _modify { yield &owned.fields.terminatingReplicas } }
    public var generation: Int { get { box.fields.generation } _modify { yield &owned.fields.generation } }
    public var observedGeneration: Int { get { box.fields.observedGeneration } _modify { yield &owned.fields.observedGeneration } }
    public var replicaFailure: Object? { get { box.fields.replicaFailure } _modify { yield &owned.fields.replicaFailure } }
    public var behaviour: AppBehaviour { get { box.fields.behaviour } _modify { yield &owned.fields.behaviour } }
    public var deleted: Bool { get { box.fields.deleted } _modify { yield &owned.fields.deleted } }
    public var deletionTimestamp: Value? { get { box.fields.deletionTimestamp } _modify { yield &owned.fields.deletionTimestamp } }
    public var finalizers: Value? { get { box.fields.finalizers } _modify { yield &owned.fields.finalizers } }
    var resource: Resource? { get { box.fields.resource } _modify { yield &owned.fields.resource } }

    public var revision: Int { box.fields.numbers.revision ?? 0 }

    public var counts: ReplicaSetCounts {
        ReplicaSetCounts(name: name, created: created, specReplicas: specReplicas, statusReplicas: statusReplicas,
                         readyReplicas: readyReplicas, availableReplicas: availableReplicas,
                         desiredReplicasAnnotation: box.fields.numbers.desiredReplicas, maxReplicasAnnotation: box.fields.numbers.maxReplicas)
    }
}

/// One event, aggregated like the API server's event series: same object, reason and
/// message count up.
public struct SimEvent: Equatable, Sendable {
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
    /// Changed since the last save (`Cluster.save` writes it), and written to the store (by
    /// this command or an earlier one): the cluster's own marks, kept on the event instead
    /// of in sets of names hashed at every change.
    var dirty = false
    var stored = false
    /// For an event an earlier command stored and this one read back (`StoredEvents`), its
    /// last time when it was read: the save numbers such events first, by that time, name and
    /// namespace, as when every stored event was read in that order ahead of this run's.
    var loadedLast: Timestamp?

    static let combinedPrefix = "(combined from similar events): "

    /// The series the event counts: its object, reason and message, or for an aggregated one
    /// ("(combined from similar events): …") its aggregation key.
    var seriesKey: EventSeriesKey {
        message.hasPrefix(Self.combinedPrefix)
            ? .aggregate(EventAggregateKey(component: component, kind: involvedKind, uid: involvedUID, type: type, reason: reason))
            : .plain(kind: involvedKind, uid: involvedUID, reason: reason, message: message)
    }

    /// `seriesKey == key`, the fields compared where they are (no key made: each look-up in
    /// `EventSeriesIndex` asks, and making the key copied four or five strings).
    func counts(_ key: EventSeriesKey) -> Bool {
        switch key {
        case .plain(let kind, let uid, let reason, let message):
            return self.message == message && involvedUID == uid && self.reason == reason && involvedKind == kind
                && !message.hasPrefix(Self.combinedPrefix)
        case .aggregate(let key):
            return involvedUID == key.uid && reason == key.reason && message.hasPrefix(Self.combinedPrefix)
                && involvedKind == key.kind && type == key.type && component == key.component
        }
    }
}

/// client-go's EventAggregator key (`getEventKey` without the message): the events of one
/// reason about one object from one component.
struct EventAggregateKey: Hashable {
    var component: String
    var kind: String
    var uid: String
    var type: String
    var reason: String

    /// The object and reason alone, which all but tell keys apart (equal keys hash alike; the
    /// few that differ only in the rest are told apart by `==`): every event recorded hashes
    /// its key, and the other fields are the same few words over and over.
    func hash(into hasher: inout Hasher) { hasher.combine(_rawHashValue(seed: 0)) }

    /// By `KeyHash`.
    func _rawHashValue(seed: Int) -> Int { KeyHash.hash(uid, reason, seed: seed) }
}

/// What `Cluster.record` counts repeats of. Fields, not one joined string: nothing is made for
/// a key, and no field's text can be mistaken for a separator.
enum EventSeriesKey: Hashable {
    case plain(kind: String, uid: String, reason: String, message: String)
    case aggregate(EventAggregateKey)

    /// The object and reason alone, as `EventAggregateKey` hashes: the message, the longest
    /// field, is left to `==` (the series of one object and reason are a handful).
    func hash(into hasher: inout Hasher) { hasher.combine(_rawHashValue(seed: 0)) }

    /// By `KeyHash`.
    func _rawHashValue(seed: Int) -> Int {
        switch self {
        case .plain(_, let uid, let reason, _):
            return KeyHash.hash(uid, reason, seed: seed)
        case .aggregate(let key):
            return key._rawHashValue(seed: seed ^ 1)
        }
    }
}

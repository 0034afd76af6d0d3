/// The control plane's working state while virtual time runs: typed pods and ReplicaSets,
/// the Deployments, Services and Nodes as stored, the timer queue and the events recorded.
/// Loaded from the store, advanced by the event loop, written back with `save()`; the command
/// then commits. Nothing here reads the wall clock or global randomness.
public final class Cluster {
    let store: StateStore
    public var now: Timestamp
    public var random: SeededRandom

    public internal(set) var deployments: [ObjectKey: Resource] = [:]
    public internal(set) var replicaSets: StringMap<SimReplicaSet> = [:]
    public internal(set) var pods: StringMap<SimPod> = [:]
    public var services: [ObjectKey: Resource] = [:] {
        // Without `oldValue`, which would copy the dictionary on every change to a Service.
        didSet { serviceChanges &+= 1 }
    }
    /// Moves with every change to `services`: what the traffic replay read from a Service
    /// stands while it has not moved.
    private(set) var serviceChanges = 0
    var endpoints: [ObjectKey: Resource] = [:]
    public internal(set) var nodes: [SimNode] = [] {
        // Without `oldValue`, which would copy the array on every change to a node.
        didSet {
            nodeChanges += 1
            if nodes.count != nodeIndex.count { nodeIndex = Self.index(of: nodes) }
        }
    }
    /// Where each node is in `nodes`, by name (the nodes keep their places).
    var nodeIndex: StringMap<Int> = [:]
    /// Whether some node has a zone (then endpoints name theirs), found again when `nodeChanges` moved.
    private var zonedNodes = (at: -1, any: false)
    var hasZonedNodes: Bool {
        if zonedNodes.at != nodeChanges { zonedNodes = (nodeChanges, nodes.contains { !$0.zone.isEmpty }) }
        return zonedNodes.any
    }

    /// Each node's place by name, the first of a name kept.
    private static func index(of nodes: [SimNode]) -> StringMap<Int> {
        var index = StringMap<Int>(minimumCapacity: nodes.count)
        for (i, node) in nodes.enumerated() where index[node.name] == nil { index[node.name] = i }
        return index
    }
    /// The events this run recorded, and the stored ones it counted on again (read back from
    /// `storedEvents` when their series recurred).
    public internal(set) var events: [SimEvent] = []

    var timelines: [ObjectKey: Timeline] = [:]
    /// Requests replayed through Services while time runs, when asked for. (A served cluster
    /// hands its recorder to each cluster it loads again: the boxes its routes kept are
    /// the last one's, and are let go.)
    public var traffic: TrafficRecorder? { didSet { if traffic !== oldValue { traffic?.attached() } } }
    var dirtyTimelines: Set<ObjectKey> = []
    /// Deployments (by uid) whose pods, ReplicaSets, object or Service endpoints changed since
    /// their timeline was last sampled; every one at the first sample.
    var timelinesToSample: MarkSet<String> = []
    var sampleEveryTimeline = true
    /// The Deployments (by uid) whose timelines count each Service's endpoints.
    var timelineServiceReaders: [ObjectKey: Set<String>] = [:]
    /// A pod of the ReplicaSet `uid` moved (or became available): its Deployment's timeline is
    /// sampled and its rollout status looked at again. The Deployment controller watches
    /// Deployments and ReplicaSets, and pods only for a Recreate (`deployment_controller.go`
    /// NewDeploymentController: the pod informer's one handler is deletePod, which queues a
    /// Recreate Deployment whose pods are all gone): a pod that moves the ReplicaSet's status
    /// syncs the Deployment through the ReplicaSet controller's status write (`update(_:)`),
    /// and a sync for the pod alone, before that write, changed nothing. A Recreate is synced
    /// at every move of its pods (it waits for its old pods to go).
    func replicaSetPodsMoved(_ uid: String) {
        guard let deployment = deployment(owning: uid), !deployment.isEmpty else { return }
        if recreateDeployments.contains(deployment) { deploymentsToSync.insert(deployment) }
        workloadMoved(deployment)
    }
    /// The Deployments (by uid) whose strategy is Recreate.
    private(set) var recreateDeployments: Set<String> = []

    /// Keeps `recreateDeployments` as a Deployment, loaded or written, is.
    private func noteStrategy(_ resource: Resource, key: ObjectKey? = nil) {
        if case .recreate = typed(resource, key: key).strategy {
            recreateDeployments.insert(resource.uid)
        } else if !recreateDeployments.isEmpty {
            recreateDeployments.remove(resource.uid)
        }
    }

    /// Deployments (by uid) the Deployment controller syncs at its next pass: what its
    /// informers would queue (a Deployment, its ReplicaSets or their pods changed), those
    /// whose progress deadline has since passed (`progressDeadlines`), and every one at the
    /// first pass. A Deployment nothing happened to would sync to no change.
    var deploymentsToSync: MarkSet<String> = []
    var syncEveryDeployment = true
    /// The instant (ms) after which each Deployment's progress deadline has passed
    /// (DeploymentTimedOut), while one runs.
    var progressDeadlines: StringMap<Int> = [:]
    /// Deployment keys by uid.
    var deploymentKeys: StringMap<ObjectKey> = [:]

    func deploymentMoved(_ uid: String) {
        deploymentsToSync.insert(uid)
        workloadMoved(uid)
    }

    /// Workloads (by uid) whose object, ReplicaSets or pods moved since `RolloutWait` last
    /// looked: the only ones whose rollout status can have changed.
    var statusesToEvaluate: MarkSet<String> = []

    /// A Deployment, StatefulSet or DaemonSet (by uid), its ReplicaSets or its pods moved: its
    /// timeline is sampled and its rollout status looked at again.
    func workloadMoved(_ uid: String) {
        timelinesToSample.insert(uid)
        statusesToEvaluate.insert(uid)
    }
    /// StatefulSets as stored, their status the StatefulSet controller's to write; keys by uid.
    public internal(set) var statefulSets: [ObjectKey: Resource] = [:]
    var statefulSetKeys: [String: ObjectKey] = [:]
    /// StatefulSets (by uid) whose object or pods moved since their last sync; all at load.
    var statefulSetsToSync: Set<String> = []
    var dirtyStatefulSets: Set<ObjectKey> = []
    /// DaemonSets as stored, their status the DaemonSet controller's to write; keys by uid;
    /// those to sync; `nodeChanges` when they last looked at the nodes.
    public internal(set) var daemonSets: [ObjectKey: Resource] = [:]
    var daemonSetKeys: [String: ObjectKey] = [:]
    var daemonSetsToSync: Set<String> = []
    var dirtyDaemonSets: Set<ObjectKey> = []
    var daemonSetNodeChanges = -1
    /// ControllerRevisions, PersistentVolumeClaims and PersistentVolumes, as stored and as
    /// the controllers changed them.
    var controllerRevisions = WrittenObjects()
    var claims = WrittenObjects()
    var volumes = WrittenObjects()
    /// The default StorageClass (`storageclass.kubernetes.io/is-default-class`) and each
    /// class's provisioner and reclaim policy.
    var defaultStorageClass: String?
    var provisioners: [String: String] = [:]
    var reclaimPolicies: [String: String] = [:]
    /// The PriorityClasses a new pod's priority comes from (Priority admission).
    var priorityClasses = PriorityClasses()
    var replicaSetsByOwner: StringMap<[String]> = [:]
    /// Each ReplicaSet's owner (its Deployment's uid, "" for none), by ReplicaSet uid: what a
    /// pod's every change asks, without copying the whole ReplicaSet out of `replicaSets`.
    private var replicaSetOwners: StringMap<String> = [:] { didSet { lastOwnerFound = nil } }
    /// The last answer of `deployment(owning:)`: a ReplicaSet's pods change in runs (a
    /// Deployment scaling one up, the kubelet starting its pods), and the uid compares equal
    /// at once where hashing it would not. Forgotten whenever an owner is written.
    private var lastOwnerFound: (replicaSet: String, deployment: String?)?

    /// The uid of the Deployment owning a ReplicaSet (by uid); nil (or "") for none.
    private func deployment(owning replicaSet: String) -> String? {
        if let last = lastOwnerFound, last.replicaSet == replicaSet { return last.deployment }
        let deployment = replicaSetOwners[replicaSet]
        lastOwnerFound = (replicaSet, deployment)
        return deployment
    }
    /// Pods by owning ReplicaSet uid: the references themselves, so controllers visiting every
    /// pod at every instant do no dictionary lookups.
    var podsByOwner: StringMap<[SimPod]> = [:]
    /// Each owner's pod counts (by uid), which its pods keep (`SimPod.counts`).
    private var podCountsByOwner: StringMap<PodCounts> = [:]
    /// Owners some of whose pods went since their list was last read: the next read drops them
    /// (every reader skips gone pods; they stay in `pods` until saved).
    private var ownersWithGonePods: Set<String> = []
    var timers = TimerQueue()
    /// The template each ReplicaSet's new pods start from (ReplicaSetController.podTemplate),
    /// by ReplicaSet uid: one copy in memory for all its pods, loaded or new.
    struct PodTemplate {
        /// The ReplicaSet's `spec.template` it was made from.
        var source: Object
        var template: Object
        var labels: [String: String]
        /// Why the API server refuses its pods (a mutating admission plugin's message, before
        /// the pod has its name), if it does.
        var forbidden: String? = nil
        /// Why the validating plugins — LimitRanger, then PodSecurity — refuse them (once
        /// named), if they do.
        var limitRefusal: String? = nil
        /// Their behaviour, when admission changed what it is made from (LimitRanger's
        /// defaults: the QoS class); nil: the ReplicaSet's.
        var behaviour: AppBehaviour? = nil
    }
    var podTemplates: StringMap<PodTemplate> = [:]
    var dirtyDeployments: Set<ObjectKey> = []
    var dirtyReplicaSets: Set<String> = []
    /// ReplicaSets whose pods, spec or clock-driven availability may have moved since the
    /// ReplicaSet controller last synced them: what its informers would queue (replica_set.go
    /// addPod/updatePod/deletePod, updateRS, enqueueRSAfter). Every ReplicaSet at load.
    var replicaSetsToSync: MarkSet<String> = []
    /// Pods changed since the last save, each once (`SimPod.dirty`), in the order they changed.
    private(set) var dirtyPods: [SimPod] = []
    func podChanged(_ pod: SimPod) {
        if !pod.dirty {
            pod.dirty = true
            dirtyPods.append(pod)
        }
    }
    var dirtyServices: Set<ObjectKey> = []
    var dirtyEndpoints: Set<ObjectKey> = []
    var deletedObjects: [ObjectKey] = []
    var eventSequence = 0
    /// Most pods the cluster holds (`ReplicaSetController.maxPods`); tests lower it.
    public var podLimit = ReplicaSetController.maxPods
    /// Endpoint propagation delay (SPEC §3, default 1 s).
    public var endpointPropagation = Duration(seconds: 1)
    /// Endpoint updates waiting for the propagation delay, per Service.
    var pendingEndpoints: [ObjectKey: [EndpointsController.PendingEndpoints]] = [:]
    /// Each Service's EndpointSlices as published (keyed like its Endpoints), in order.
    var endpointSlices: [ObjectKey: [Resource]] = [:]
    var dirtySlices: Set<ObjectKey> = []
    var deletedSlices: Set<ObjectKey> = []
    var pendingKeysAtLoad: Set<ObjectKey> = []
    /// ConfigMaps, Secrets and PersistentVolumeClaims by `Kind/namespace/name`, with their keys.
    var configObjects: [String: Set<String>] = [:]
    /// The KubeletMemory objects stored when the command began.
    var storedMemories: Set<ObjectKey> = []
    var dirtyNodes: Set<String> = []
    /// LoadBalancer Services left `<pending>`, with what holds their port.
    var loadBalancerBlocked: [ObjectKey: String] = [:]
    /// Ingresses (their status is Traefik's to write) and IngressClasses by name.
    var ingresses: [ObjectKey: Resource] = [:]
    var ingressClasses: [String: Resource] = [:]
    var dirtyIngresses: Set<ObjectKey> = []
    /// Traefik's addresses as last written into the Ingresses' status.
    var syncedTraefikAddresses: Value?
    /// Counts every change to a pod or a Deployment: a controller that depends on nothing else
    /// (the disruption controller) skips a pass when it has not moved.
    var changes = 0
    /// `changes` when the disruption controller last synced.
    var disruptionSyncedAt = -1
    /// Nodes with a kubelet outage set (stopped, maybe restarted): the node lifecycle
    /// controller has nothing to do while there is none.
    var outages = 0
    /// How many of each event the scheduling queue listens to have happened (SchedulingQueue).
    var schedulingEventCounts: [SchedulingQueueEntry.Event: Int] = [:]
    /// Nodes pods are bound to that do not exist, and when the pod GC first saw each missing.
    var missingNodes: [String: Timestamp?] = [:]
    /// The pod GC's last pass this run (on its 20 s grid): a node first missing later in that
    /// instant waits for the next pass (PodGarbageCollector).
    var podGCPassAt: Timestamp?
    /// The last pod of each ReplicaSet (by uid) its node's kubelet rejected this run
    /// (KubeletAdmission): its name, the reason and the message.
    var rejectedPods: [String: (pod: String, reason: String, message: String)] = [:]
    /// Nodes whose kubelet is down now, and the node lifecycle controller's timers set.
    var downNodes: Set<String> = []
    var lifecycleWakeups: Set<Int> = []
    /// PodDisruptionBudgets, their status the disruption controller's to write.
    var disruptionBudgets: [ObjectKey: Resource] = [:]
    var dirtyDisruptionBudgets: Set<ObjectKey> = []
    /// The namespaces' ResourceQuotas and LimitRanges, as admission reads them, and the quota
    /// objects whose status the resource quota controller keeps (`ResourceQuotaController`).
    var resourceQuotas = ResourceQuotas()
    var quotaObjects: [ObjectKey: Resource] = [:]
    var dirtyQuotas: Set<ObjectKey> = []
    var limitRanges = LimitRanges()
    var serviceAccounts = ServiceAccounts()
    var podSecurity = PodSecurity()
    /// Finished (Succeeded, Failed) pods by namespace: not simulated, but in `count/pods`.
    var finishedPods: [String: Int] = [:]
    /// The finished pods stored (as loaded, and the rejected ones a save stored), for the pod
    /// GC's threshold (`PodGarbageCollector`); those it deleted, which the save removes; and
    /// the pods rejected this run that are still in `pods`.
    var terminatedPods: [TerminatedPod] = []
    var terminatedPodsDeleted: [ObjectKey] = []
    var rejectedInMemory = 0
    /// A StatefulSet's pods (by the set's uid) its kubelet rejected, which the controller
    /// deletes at its next sync (StatefulSetController).
    var failedStatefulPods: [String: [SimPod]] = [:]
    /// A DaemonSet's pods (by the set's uid) its kubelet rejected, not yet deleted, and the
    /// controller's failedPodsBackoff by `uid/node` (DaemonSetSync).
    var failedDaemonPods: [String: [SimPod]] = [:]
    var failedDaemonPodsBackoff: [String: BackoffEntry] = [:]
    /// kube-controller-manager's `--terminated-pod-gc-threshold` (12,500, k3s' too).
    var terminatedPodThreshold = PodGarbageCollector.terminatedPodThreshold
    /// By namespace, the objects its quotas count that no controller makes (ConfigMaps,
    /// Services, `count/…` kinds), as loaded.
    var quotaCountedObjects: [String: [Resource]] = [:]
    /// Failed syncs of each workload (by uid) since its last good one: its rate-limited
    /// requeue's backoff (`requeueRateLimited`).
    var workloadFailures: [String: Int] = [:]
    /// When each workload's rate-limited retry is due, while it waits.
    var workloadRetries: [String: Timestamp] = [:]
    /// The first refusal of the API server's admission (ServiceAccount, Priority, LimitRanger,
    /// ResourceQuota) each ReplicaSet, StatefulSet or DaemonSet (by uid) met since the cluster
    /// was loaded: what `plan` reports of quotas and limits.
    var admissionRefusals: [String: String] = [:]
    static let ingressType = ResourceType.forObject(apiVersion: "networking.k8s.io/v1", kind: "Ingress")
    /// The distribution the cluster behaves as (`cluster init --profile`).
    public internal(set) var profile: ClusterProfile = .default

    static let deploymentType = ResourceType.forObject(apiVersion: "apps/v1", kind: "Deployment")
    static let replicaSetType = ResourceType.forObject(apiVersion: "apps/v1", kind: "ReplicaSet")
    static let podType = ResourceType.forObject(apiVersion: "v1", kind: "Pod")
    static let serviceType = ResourceType.forObject(apiVersion: "v1", kind: "Service")
    static let endpointsType = ResourceType.forObject(apiVersion: "v1", kind: "Endpoints")
    static let nodeType = ResourceType.forObject(apiVersion: "v1", kind: "Node")
    static let eventType = ResourceType.forObject(apiVersion: "v1", kind: "Event")
    static let configMapType = ResourceType.forObject(apiVersion: "v1", kind: "ConfigMap")
    static let secretType = ResourceType.forObject(apiVersion: "v1", kind: "Secret")
    /// Where endpoint updates still in flight are kept between commands.
    static let pendingEndpointsType = ResourceType.forObject(apiVersion: "rollout.dev/v1alpha1", kind: "EndpointsPropagation")

    /// A stored event as the cluster keeps it, or why it cannot be.
    private static func loadedEvent(_ stored: CompactPod.Stored) -> Result<SimEvent, StoredObjects.Damage> {
        let e: Resource
        switch stored {
        case .full(let resource): e = resource
        case .compact(let line):
            func damage(_ problem: String) -> StoredObjects.Damage {
                var placeholder = Self.placeholder(line)
                placeholder.object["kind"] = .string("Event")
                return StoredObjects.Damage(resource: placeholder, problems: [problem])
            }
            guard line.template == nil else { return .failure(damage("it is stored as a pod's compact line")) }
            // A compact event (CompactEvent): its fields as they stand.
            switch line.event() {
            case .success(let read):
                var event = read.event
                event.stored = true
                return .success(event)
            case .failure(let problem): return .failure(damage(problem.reason))
            }
        }
        let problems = StoredObjects.problems(e)
        guard problems.isEmpty else { return .failure(StoredObjects.Damage(resource: e, problems: problems)) }
        var event = SimEvent(loading: e)
        event.stored = true
        return .success(event)
    }

    /// Loads every object the controllers work on. An object that could not have been stored
    /// (StoredObjects) is damage, reported before time runs.
    public init(store: StateStore) throws(StoreError) {
        self.store = store
        now = store.clock
        random = store.random
        for (name, offset) in store.counters where name.hasPrefix(Self.podIPCounter) {
            placement(of: String(name.dropFirst(Self.podIPCounter.count))).lastReserved = offset
        }
        eventSequence = store.counters["event"] ?? 0
        profile = try ClusterProfile.of(store)
        func list(_ type: ResourceType) throws(StoreError) -> [Resource] {
            // (Not kept parsed by the store: the cluster holds them, Discards lets go of what
            // replaced ones held.)
            let objects = try store.list(type, keep: false)
            // (Eight at a time at least: a Service's hundred EndpointSlices of 100 endpoints each
            // are checked on every core, not on one while the other waits.)
            let problems = Parallel.map(objects.count, grain: 8) { StoredObjects.problems(objects[$0]) }
            if let i = problems.firstIndex(where: { !$0.isEmpty }) { throw store.damaged(objects[i], problems[i]) }
            return objects
        }
        for d in try list(Self.deploymentType) {
            deployments[d.key] = d
            deploymentKeys[d.uid] = d.key
            noteStrategy(d)
        }
        for set in try list(StatefulSetController.type) {
            statefulSets[set.key] = set
            statefulSetKeys[set.uid] = set.key
            statefulSetsToSync.insert(set.uid)
        }
        for set in try list(DaemonSetController.type) {
            daemonSets[set.key] = set
            daemonSetKeys[set.uid] = set.key
            daemonSetsToSync.insert(set.uid)
        }
        for revision in try list(ControllerHistory.type) { controllerRevisions.load(revision) }
        for volume in try list(PersistentVolumeController.type) { volumes.load(volume) }
        let storageClasses = try store.list(StorageAdmission.classType)
        for storageClass in storageClasses {
            if let provisioner = storageClass.object["provisioner"]?.stringValue { provisioners[storageClass.name] = provisioner }
            if let policy = storageClass.object["reclaimPolicy"]?.stringValue { reclaimPolicies[storageClass.name] = policy }
        }
        defaultStorageClass = StorageAdmission.defaultClass(storageClasses)
        priorityClasses = try PriorityClasses(store: store)
        limitRanges = try LimitRanges(store: store)
        serviceAccounts = try ServiceAccounts(store: store)
        podSecurity = try PodSecurity(store: store)
        for r in try list(Self.replicaSetType) {
            let rs = SimReplicaSet(loading: r)
            replicaSets[rs.uid] = rs
            replicaSetNames.insert(PodName(namespace: rs.namespace, name: rs.name))
            replicaSetOwners[rs.uid] = rs.ownerUID
            replicaSetsByOwner[rs.ownerUID, default: []].append(rs.uid)
            replicaSetsToSync.insert(rs.uid)
        }
        // What the kubelet remembers about pods mid-start, crash-looping or pulling in vain.
        var memories: [ObjectKey: Resource] = [:]
        for m in try list(KubeletMemory.type) { memories[m.key] = m }
        storedMemories = Set(memories.keys)
        for kind in [Self.configMapType, Self.secretType, StatefulPodControl.claimType] {
            for object in try store.list(kind) {
                if kind == StatefulPodControl.claimType { claims.load(object) }
                var keys = Set((object.object["data"]?.objectValue?.members ?? []).map(\.key))
                keys.formUnion((object.object["binaryData"]?.objectValue?.members ?? []).map(\.key))
                keys.formUnion((object.object["stringData"]?.objectValue?.members ?? []).map(\.key))
                configObjects["\(kind.kind)/\(object.namespace ?? "default")/\(object.name)"] = keys
            }
        }
        // (Made on every core: 5,000 nodes at Kubernetes' limits, each read through its typed form.)
        let listedNodes = ReadOnly(try list(Self.nodeType))
        nodes = Parallel.map(listedNodes.value.count, grain: 8) { SimNode(listedNodes.value[$0]) }
        // (Property observers do not run in an initializer.)
        nodeIndex = Self.index(of: nodes)
        downNodes = Set(nodes.filter { $0.down(at: now) }.map(\.name))
        outages = nodes.filter { $0.stoppedAt != nil }.count
        // Pods are the bulk: read a batch at a time, each pod on its own, on every core, where
        // its stored form is checked, turned into a SimPod and freed. Pods of one ReplicaSet
        // hold one copy of what they share, as new ones do.
        for rs in replicaSets.values where podTemplates[rs.uid] == nil { podTemplates[rs.uid] = ReplicaSetController.podTemplate(for: rs, classes: priorityClasses, limits: limitRanges, accounts: serviceAccounts, security: podSecurity) }
        let inputs = ReadOnly((replicaSets: replicaSets, templates: podTemplates, memories: memories, now: now))
        // Room for twice the stored pods: a rollout of them all makes as many again (the gone
        // ones stay until saved), and growing there rehashes every uid, once per doubling.
        // (The count is the manifest's word until its shards are read: what is reserved on it
        // is bounded — a state edited to say 2^31 pods is not a 100 GB allocation.)
        pods.reserveCapacity(2 * min(try store.count(Self.podType), Self.podsReservedAtMost))
        try store.forEachBatch(Self.podType, transform: { stored -> LoadedPod in
            let full: Resource
            switch stored {
            case .full(let resource): full = resource
            case .compact(let line) where line.template == nil:
                return .damaged(Self.placeholder(line), ["it is stored as an event's compact line"])
            case .compact(let line):
                // A compact pod (CompactPod) of a ReplicaSet that still has the template it was
                // written with is made from its line as it stands; any other is read in full.
                if let pod = Self.loadCompact(line, replicaSets: inputs.value.replicaSets, templates: inputs.value.templates,
                                              memories: inputs.value.memories, now: inputs.value.now) {
                    return pod
                }
                switch line.expanded() {
                case .success(let resource): full = resource
                case .failure(let damage): return .damaged(Self.placeholder(line), [damage.reason])
                }
            }
            let p = full
            let problems = StoredObjects.problems(p)
            if !problems.isEmpty { return .damaged(p, problems) }
            // A finished pod (an imported Job's): the kubelet does not run it again and no
            // controller counts it (`FilterActivePods`); it stays as it is until deleted.
            if SimPod.isTerminal(p) {
                return .finished(TerminatedPod(namespace: p.namespace ?? "default", name: p.name,
                                               created: p.creationTimestamp.flatMap(Timestamp.init(parsing:)) ?? Timestamp(milliseconds: 0),
                                               evicted: p.value.at("status", "reason")?.stringValue == "Evicted"))
            }
            let owner = p.ownerReferences.first { $0.kind == "ReplicaSet" }
            // An orphan (its ReplicaSet deleted) behaves as its own annotations and spec say.
            let behaviour = owner.flatMap { inputs.value.replicaSets[$0.uid]?.behaviour } ?? AppBehaviour(template: .object(Object([
                "metadata": .object(Object(["annotations": p.metadata["annotations"] ?? .object(Object())])),
                "spec": p.object["spec"] ?? .object(Object()),
            ])))
            let memory = inputs.value.memories[ObjectKey(type: KubeletMemory.type.storageKey, namespace: p.namespace ?? "default", name: p.name)]
            let pod = SimPod.load(p, behaviour: behaviour, memory: memory, now: inputs.value.now)
            if let shared = owner.flatMap({ inputs.value.templates[$0.uid] }) {
                // Its token volume under the name the shared template holds it by (written
                // under this pod's own: `SimPod.encoded`).
                var own = pod.template["spec"]?.objectValue ?? Object()
                if ServiceAccounts.mayHoldTokenVolume(own),
                   ServiceAccounts.renameTokenVolume(&own, from: ServiceAccounts.tokenVolumeName(seed: pod.uid), to: ServiceAccounts.tokenVolumePlaceholder) {
                    pod.template["spec"] = .object(own)
                }
                if pod.template == shared.template {
                    pod.template = shared.template
                    // Made by admission (LimitRanger's defaults), not from the ReplicaSet's template.
                    if let admitted = shared.behaviour { pod.behaviour = admitted }
                }
                if pod.labels == shared.labels { pod.labels = shared.labels }
            }
            return .pod(pod)
        }) { (batch: [LoadedPod]) throws(StoreError) in
            for loaded in batch {
                if case .damaged(let p, let problems) = loaded { throw store.damaged(p, problems) }
            }
            for loaded in batch {
                if case .pod(let pod) = loaded { self.adopt(pod) }
                if case .finished(let pod) = loaded {
                    self.finishedPods[pod.namespace, default: 0] += 1
                    self.terminatedPods.append(pod)
                }
            }
        }
        for s in try list(Self.serviceType) { services[s.key] = s }
        servicePods = ServicePods(services: services)
        // In uid order (`pods.keys.sorted()`, found by sorting integers: StringOrder).
        let loaded = Array(pods.values)
        let podsInOrder = StringOrder.sortedIndices(count: loaded.count) { loaded[$0].uid }.map { loaded[$0] }
        for e in try list(Self.endpointsType) { endpoints[e.key] = e }
        for i in try list(Self.ingressType) { ingresses[i.key] = i }
        for i in try list(IngressClassAdmission.type) { ingressClasses[i.name] = i }
        for b in try list(PodDisruptionBudget.type) { disruptionBudgets[b.key] = b }
        let quotas = try list(ResourceQuotas.type)
        resourceQuotas = ResourceQuotas(stored: quotas)
        for q in quotas { quotaObjects[q.key] = q }
        for namespace in resourceQuotas.namespaces {
            let names = Set(resourceQuotas.quotas(in: namespace).flatMap { $0.hard.names }).sorted()
            for type in ResourceQuotas.countedTypes(names, among: store.storedTypes)
            where !(type.group.isEmpty && type.kind == "PersistentVolumeClaim") && !(type.group == "apps" && type.kind == "ReplicaSet") {
                quotaCountedObjects[namespace, default: []] += try store.list(type, namespace: namespace)
            }
        }
        for slice in try list(EndpointSliceController.type) {
            guard let service = slice.labels[EndpointSliceController.serviceNameLabel] else { continue }
            endpointSlices[ObjectKey(type: Self.endpointsType.storageKey, namespace: slice.namespace ?? "default", name: service), default: []].append(slice)
        }
        for key in endpointSlices.keys {
            endpointSlices[key]?.sort { ($0.creationTimestamp ?? "", $0.name) < ($1.creationTimestamp ?? "", $1.name) }
        }
        // The last two lists are read before the events (the store is read on this thread
        // only) and their damage reported after the events', as it was when they were read
        // after them.
        let pendingList = Result { () throws(StoreError) in try list(Self.pendingEndpointsType) }
        let timelineList = Result { () throws(StoreError) in try list(Timeline.type) }
        // Endpoint updates still propagating when the last command stopped (their timers set
        // before the kubelet's, as always).
        for pending in (try? pendingList.get()) ?? [] {
            let key = ObjectKey(type: Self.endpointsType.storageKey, namespace: pending.namespace ?? "default", name: pending.name)
            for item in pending.object["updates"]?.arrayValue ?? [] {
                guard let at = item["at"]?.stringValue.flatMap(Timestamp.init(parsing:)), let subsets = item["subsets"] else { continue }
                // A state from before EndpointSlices: the slices follow the Endpoints.
                let endpoints = item["endpoints"] ?? EndpointsController.endpoints(fromSubsets: subsets)
                pendingEndpoints[key, default: []].append(EndpointsController.PendingEndpoints(at: at, subsets: subsets, endpoints: endpoints,
                                                                                               overCapacity: item["overCapacity"]?.boolValue ?? false))
                timers.add(.endpoints(key), at: max(at, now))
            }
        }
        pendingKeysAtLoad = Set(pendingEndpoints.keys)
        for t in (try? timelineList.get()) ?? [] {
            if let timeline = Timeline(t) { timelines[Timeline.workloadKey(t)] = timeline }
        }
        // Events, the most numerous after pods, are not read into SimEvents: each one's key,
        // series, last time and pod are kept (`StoredEvents`), from its compact line without
        // its strings made (`CompactLineReader.eventSummary`; any other line read in full, as
        // strictly as before). Read on every core, in no order, no key sorted or looked up —
        // while a thread of its own makes the pods' indices and timers (`indexLoadedPods`),
        // which reads no stored object and changes nothing the reading reads (a pod is only
        // found there, by its uid in a copy of the table of pods).
        let loadedPods = ReadOnly(pods)
        let cluster = ReadOnly(self)
        let inOrder = ReadOnly(podsInOrder)
        let refParts = Parallel.alongside({ cluster.value.indexLoadedPods(inOrder.value) }) {
            Result { () throws(StoreError) in
                try store.readAllParts(Self.eventType, fast: { key, json in
                    CompactLineReader.eventSummary(json).map { summary in
                        StoredEvents.Ref(key: key, series: summary.series, last: summary.last, pod: summary.podUID.flatMap { loadedPods.value[$0] })
                    }
                }, transform: { stored in
                    Self.loadedEvent(stored).map { event in
                        StoredEvents.Ref(key: Table.Key(namespace: event.namespace, name: event.name), series: EventSeriesHash.of(event.seriesKey),
                                         last: event.last.milliseconds, pod: event.involvedKind == "Pod" ? loadedPods.value[event.involvedUID] : nil)
                    }
                })
            }
        }
        storedEvents = StoredEvents(parts: try refParts.get())
        _ = try pendingList.get()
        _ = try timelineList.get()
        // In the order the kubelet takes them (HandlePodAdditions sorts by creation).
        for pod in nodeNamedArrivals.sorted(by: { ($0.created, $0.name) < ($1.created, $1.name) }) { NodeNamedPods.arrive(pod, in: self) }
        nodeNamedArrivals = []
    }

    /// The loaded pods whose spec names their node and which no kubelet admitted yet
    /// (`indexLoadedPods`), until the load is done.
    private var nodeNamedArrivals: [SimPod] = []

    /// The indices and timers of the pods just loaded, in uid order: each pod's Services, then
    /// one pass for the counts and indices and each pod's next transition (the kubelet's
    /// timers are set in that order). (Two passes, the first in the dictionary's order, read
    /// every pod twice: at 100,000 pods, two cache misses each. `deployment(owning:)` asks the
    /// last owner first, not hashing its uid again.) Reads no stored object.
    private func indexLoadedPods(_ podsInOrder: [SimPod]) {
        for pod in podsInOrder { _ = servicePods.services(of: pod) }
        podNames.reserveCapacity(pods.capacity)
        for pod in podsInOrder {
            if !pod.gone, let deployment = deployment(owning: pod.ownerUID), !deployment.isEmpty { liveCount(deployment).live += 1 }
            if !pod.gone, pod.ownerKind != "ReplicaSet", !pod.ownerUID.isEmpty { liveCount(pod.ownerUID).live += 1 }
            podNames.insert(PodName(pod))
            if pod.nodeName == nil && pod.isActive { awaitNode(pod) }
            if let node = pod.nodeName, !pod.gone { placement(of: node).add(pod) }
            // Bound by its own spec and not yet admitted by a kubelet (stored Pending, without
            // the condition a binding writes): it arrives at its node once everything is loaded.
            if pod.scheduledAt == nil, pod.nodeName != nil, pod.isActive, pod.behaviour.nodeName != nil { nodeNamedArrivals.append(pod) }
            Kubelet.scheduleNext(pod, in: self)
        }
        // Pods bound to a node that is gone (`delete node`): the pod GC's business.
        for node in Set(pods.values.filter { !$0.gone }.compactMap(\.nodeName)) where nodeIndex[node] == nil { missingNodes[node] = .some(nil) }
    }

    /// A compact pod whose ReplicaSet still has the template its line names, made as
    /// `SimPod.load` makes it from the full object; nil for any other (read in full then), or
    /// `.damaged` when its line cannot be read.
    private static func loadCompact(_ line: CompactPod.Line, replicaSets: StringMap<SimReplicaSet>,
                                    templates: StringMap<PodTemplate>, memories: [ObjectKey: Resource], now: Timestamp) -> LoadedPod? {
        guard let template = line.template else { return nil }
        if let damage = template.damage { return .damaged(placeholder(line), [damage]) }
        let fields: StoredPod
        switch line.pod() {
        case .success(let s): fields = s
        case .failure(let damage): return .damaged(placeholder(line), [damage.reason])
        }
        guard let owner = fields.owner, owner.kind == "ReplicaSet", let rs = replicaSets[owner.uid], let shared = templates[owner.uid],
              template.matches(shared, replicaSet: owner.uid) else { return nil }
        let memory = memories.isEmpty ? nil : memories[ObjectKey(type: KubeletMemory.type.storageKey, namespace: line.namespace, name: line.name)]
        let pod = SimPod.make(fields, template: shared.template, keptMetadata: nil, behaviour: rs.behaviour, memory: memory, now: now)
        if pod.labels == shared.labels { pod.labels = shared.labels }
        return .pod(pod)
    }

    /// A damaged compact pod, as the error names it.
    private static func placeholder(_ line: CompactPod.Line) -> Resource {
        Resource(Object(["apiVersion": .string("v1"), "kind": .string("Pod"),
                         "metadata": .object(Object(["name": .string(line.name), "namespace": .string(line.namespace)]))]))
    }

    /// A pod as read from the store, on the core that read it.
    private enum LoadedPod {
        case pod(SimPod)
        /// Succeeded or Failed: not loaded (but counted, by namespace, for `count/pods`, and
        /// kept for the pod GC's threshold of terminated pods).
        case finished(TerminatedPod)
        case damaged(Resource, [String])
    }

    /// A pod read from the store joins the cluster: a node whose kubelet is down, a deletion no
    /// controller has acted on yet, the indices.
    private func adopt(_ pod: SimPod) {
        // On a node whose kubelet is down, nothing happens to it.
        if let node = pod.nodeName, downNodes.contains(node) { pod.nodeDown = true }
        // Deleted by a command that ran no controllers (`delete pod`): the kubelet starts
        // stopping it as of the request.
        if let deletion = pod.deletion, !pod.nodeDown, !pod.containers.contains(where: { if case .stopping = $0.progress { return true } else { return false } }) {
            Termination.begin(pod, from: deletion, in: self)
            podChanged(pod)
        }
        hold(pod)
        podsByOwner[pod.ownerUID, default: []].append(pod)
        pod.counts = podCounts(of: pod.ownerUID)
        if !pod.gone { podsHeld += 1 }
    }

    /// The pods the cluster took, by handle (`SimPod.handle`, the next place here; places are
    /// not given again): nil once let go, as `pods` lets it go. kube-proxy's choice names its
    /// pods so (`KubeProxy.Choice.pod`): no uid hashed per request.
    private(set) var podsByHandle: [SimPod?] = []
    /// Each pod's handle finds what its uid finds in `pods`: false once two pods held one uid
    /// (a state written by an older build), when the uid is asked instead.
    private(set) var handlesExact = true

    /// `pods[pod.uid] = pod`, with the pod's handle given.
    private func hold(_ pod: SimPod) {
        if self.pod(handle: pod.handle) !== pod {
            pod.handle = podsByHandle.count
            podsByHandle.append(pod)
        }
        if let other = pods.updateValue(pod, forKey: pod.uid), other !== pod { handlesExact = false }
    }

    /// The pod with this handle while the cluster holds it.
    func pod(handle: Int) -> SimPod? {
        handle >= 0 && handle < podsByHandle.count ? podsByHandle[handle] : nil
    }

    // MARK: indices

    func replicaSets(ownedBy uid: String) -> [SimReplicaSet] {
        // (One pass: each ReplicaSet, a large value, copied once — every Deployment sync asks.)
        var owned: [SimReplicaSet] = []
        for rs in replicaSetsByOwner[uid] ?? [] {
            if let found = replicaSets[rs], !found.deleted { owned.append(found) }
        }
        return owned
    }

    /// The counts of the pods `uid` owns (PodCounts).
    func podCounts(of uid: String) -> PodCounts {
        if let known = podCountsByOwner[uid] { return known }
        let made = PodCounts()
        podCountsByOwner[uid] = made
        return made
    }

    /// How many pods `uid` owns that are active (not terminating, not gone), read without
    /// keeping counts for an owner that has none yet (a reader's question, as `rollout status`
    /// asks it, leaves the cluster as it was).
    func activePodCount(of uid: String) -> Int { podCountsByOwner[uid]?.active ?? 0 }

    /// The namespace and name of every ReplicaSet in `replicaSets`, deleted ones too (none
    /// leaves it, and a name never changes): looked at before the ReplicaSets themselves.
    private var replicaSetNames: Set<PodName> = []

    /// Whether a ReplicaSet not deleted has this name (a new one's name taken, `getNewReplicaSet`):
    /// the ReplicaSets are visited only when one of that name is known. (Visiting all of them
    /// for each new one copied each, at Kubernetes' limits 2,000 ReplicaSets for each of 1,000.)
    func hasLiveReplicaSet(named name: String, namespace: String) -> Bool {
        guard replicaSetNames.contains(PodName(namespace: namespace, name: name)) else { return false }
        return replicaSets.values.contains { $0.name == name && $0.namespace == namespace && !$0.deleted }
    }

    func pods(ownedBy uid: String) -> [SimPod] {
        if ownersWithGonePods.remove(uid) != nil { podsByOwner[uid]?.removeAll { $0.gone } }
        return podsByOwner[uid] ?? []
    }

    func add(_ rs: SimReplicaSet) {
        replicaSets[rs.uid] = rs
        replicaSetNames.insert(PodName(namespace: rs.namespace, name: rs.name))
        replicaSetOwners[rs.uid] = rs.ownerUID
        replicaSetsByOwner[rs.ownerUID, default: []].append(rs.uid)
        dirtyReplicaSets.insert(rs.uid)
        replicaSetsToSync.insert(rs.uid)
        if !rs.ownerUID.isEmpty { deploymentMoved(rs.ownerUID) }
    }

    func add(_ pod: SimPod) {
        changes += 1
        if !pod.gone { podsHeld += 1 }
        if let deployment = deployment(owning: pod.ownerUID), !deployment.isEmpty {
            podCame(deployment)
        }
        hold(pod)
        // A pod whose spec names its node is stored bound to it, never queued (NodeNamedPods).
        if pod.nodeName == nil, let named = pod.behaviour.nodeName { pod.nodeName = named }
        if pod.nodeName == nil { awaitNode(pod) } else { placementMoved(pod, wasOn: nil, wasGone: true) }
        podNames.insert(PodName(pod))
        podsByOwner[pod.ownerUID, default: []].append(pod)
        pod.counts = podCounts(of: pod.ownerUID)
        podChanged(pod)
        servicePods.touched(pod)
        replicaSetsToSync.insert(pod.ownerUID)
        replicaSetPodsMoved(pod.ownerUID)
        if setPodMoved(pod), !pod.gone {
            podCame(pod.ownerUID)
        }
        if pod.scheduledAt == nil, pod.nodeName != nil, pod.behaviour.nodeName != nil { NodeNamedPods.arrive(pod, in: self) }
    }

    /// One more pod of a workload (by uid) exists: its count, and its most at once since the
    /// last sample (each dictionary found once).
    private func podCame(_ workload: String) {
        let count = liveCount(workload)
        count.live += 1
        count.peak = max(count.peak, count.live)
    }

    /// The workload's (by uid) live count, made at 0 when it has none: the last one found is
    /// asked first (the pods of one ReplicaSet change in runs), its uid not hashed again.
    func liveCount(_ workload: String) -> LiveCount {
        if let last = lastLiveCount, last.workload == workload { return last.count }
        let count: LiveCount
        if let known = liveCounts[workload] {
            count = known
        } else {
            count = LiveCount()
            liveCounts[workload] = count
        }
        lastLiveCount = (workload, count)
        return count
    }

    /// A pod of a StatefulSet or DaemonSet moved: its controller syncs it, its timeline is
    /// sampled. False for any other pod.
    private func setPodMoved(_ pod: SimPod) -> Bool {
        switch pod.ownerKind {
        case "StatefulSet": statefulSetsToSync.insert(pod.ownerUID)
        case "DaemonSet": daemonSetsToSync.insert(pod.ownerUID)
        default: return false
        }
        workloadMoved(pod.ownerUID)
        return true
    }

    func update(_ rs: SimReplicaSet) {
        // (A name is indexed once: a ReplicaSet's status changes at most syncs.)
        if replicaSets.updateValue(rs, forKey: rs.uid) == nil { replicaSetNames.insert(PodName(namespace: rs.namespace, name: rs.name)) }
        replicaSetOwners[rs.uid] = rs.ownerUID
        dirtyReplicaSets.insert(rs.uid)
        replicaSetsToSync.insert(rs.uid)
        if !rs.ownerUID.isEmpty { deploymentMoved(rs.ownerUID) }
    }

    func updatePod(_ uid: String, _ body: (SimPod) -> Void) {
        guard let pod = pods[uid] else { return }
        updatePod(pod, body)
    }

    /// `updatePod` of a pod in hand, which must be the cluster's own (`pods[pod.uid]`): its
    /// callers found it there a moment before, so its uid is not hashed again.
    func updatePod(_ pod: SimPod, _ body: (SimPod) -> Void) {
        #if DEBUG
        precondition(pods[pod.uid] === pod, "updatePod: pod \(pod.uid) is not the cluster's own")
        #endif
        changes += 1
        let wasGone = pod.gone, wasOn = pod.nodeName
        body(pod)
        if pod.gone != wasGone || pod.nodeName != wasOn { placementMoved(pod, wasOn: wasOn, wasGone: wasGone) }
        podChanged(pod)
        servicePods.touched(pod)
        replicaSetsToSync.insert(pod.ownerUID)
        replicaSetPodsMoved(pod.ownerUID)
        if setPodMoved(pod), pod.gone && !wasGone { liveCount(pod.ownerUID).live -= 1 }
        if pod.gone && !wasGone {
            podsHeld -= 1
            ownersWithGonePods.insert(pod.ownerUID)
        }
        if pod.gone && !wasGone, let deployment = deployment(owning: pod.ownerUID), !deployment.isEmpty {
            liveCount(deployment).live -= 1
        }
        if pod.gone && !wasGone && pod.nodeName != nil { schedulingEvent(.assignedPodDeleted) }
    }

    /// Pods of each Deployment (by uid) that exist now, and the most that existed at once
    /// since the last timeline sample: a pod created and gone within one instant counts.
    final class LiveCount {
        var live = 0
        var peak = 0
    }
    private var liveCounts: StringMap<LiveCount> = [:]
    private var lastLiveCount: (workload: String, count: LiveCount)?
    /// Pods that exist (not gone): what the pod limit counts.
    var podsHeld = 0
    /// kube-proxy's choice among each Service's endpoints as its slices stand (KubeProxy.choice),
    /// in a box that stays the Service's for the cluster's life: a route's requests keep it
    /// (`TrafficRecorder.Lane`) and find the choice without a look-up.
    private(set) var proxyChoices: [ObjectKey: KubeProxy.ChoiceBox] = [:]

    /// The box of kube-proxy's choice for a Service (its endpoints' key), made when first asked.
    func proxyChoice(_ key: ObjectKey) -> KubeProxy.ChoiceBox {
        if let box = proxyChoices[key] { return box }
        let box = KubeProxy.ChoiceBox()
        proxyChoices[key] = box
        return box
    }
    /// Whether a ReplicaSet holds a Deployment's template, answers kept (TemplateMatches).
    let templateMatches = TemplateMatches()

    /// `DeploymentController.templatesEqual`, asked of `templateMatches`.
    func templatesEqual(_ a: Object, _ b: Object) -> Bool { templateMatches.equal(a, b) }
    /// The pods each Service selects, and which Services' endpoints to look at again.
    var servicePods = ServicePods(services: [:])
    /// The pods (not gone) bound to each node; the nodes whose pods changed since the
    /// scheduler last summed what they request; and changes to the nodes themselves. The
    /// scheduler keeps its sums (`nodeUsage`) between passes, recounting only those nodes,
    /// or all of them when the nodes changed. Each node's pods and the addresses they hold are
    /// its `NodePlacement`, found once at a change.
    private(set) var placements: StringMap<NodePlacement> = [:]
    /// The same placements by their numbers, in the order they were made.
    private(set) var placementsByNumber: [NodePlacement] = []
    private(set) var usageChangedNodes: Set<String> = []
    /// Counts the scheduler's recounts (`recountedUsage`): a node whose `usageMark` is this one
    /// is in `usageChangedNodes` already.
    private var usageEpoch = 0
    var nodeChanges = 0
    var nodeUsage: (nodeChanges: Int, states: [NodeState], zones: Int, table: NodeTable)?
    /// The ready nodes' addresses, sorted, when `nodeChanges` was `changes`
    /// (`ServiceLoadBalancer.readyNodeAddresses`).
    var readyNodeAddresses: (changes: Int, addresses: [String])?

    /// Keeps `placements` right after a pod was bound, went, or came.
    func placementMoved(_ pod: SimPod, wasOn: String?, wasGone: Bool) {
        if let old = wasOn, !wasGone {
            // The one the pod is in, when it is in one (it is, if placed through here).
            let n = pod.placementNumber
            let placement = n >= 0 && n < placementsByNumber.count ? placementsByNumber[n] : placement(of: old)
            #if DEBUG
            precondition(placement === placements[old], "pod \(pod.name): placed as on another node than \(old)")
            #endif
            placement.remove(pod)
            usageChanged(old, placement)
        }
        if let new = pod.nodeName, !pod.gone {
            let placement = placement(of: new)
            placement.add(pod)
            usageChanged(new, placement)
        }
    }

    /// The node's placement, made when it has none yet.
    private func placement(of node: String) -> NodePlacement {
        if let known = placements[node] { return known }
        let made = NodePlacement(number: placementsByNumber.count)
        placements[node] = made
        placementsByNumber.append(made)
        return made
    }

    /// The node's pods changed since the scheduler last summed them.
    private func usageChanged(_ node: String, _ placement: NodePlacement) {
        guard placement.usageMark != usageEpoch else { return }
        placement.usageMark = usageEpoch
        usageChangedNodes.insert(node)
    }

    /// The scheduler summed every node's pods again (`usageChangedNodes` emptied).
    func recountedUsage() {
        usageChangedNodes = []
        usageEpoch += 1
    }
    /// What each Service's endpoints were last computed from (EndpointsController.sync).
    var endpointBooks: [ObjectKey: EndpointBook] = [:]
    /// The endpoints each Service's published slices list, in order (EndpointsController).
    var publishedEndpoints: [ObjectKey: Value] = [:]
    /// What publishes replaced, let go of on another core (Discards).
    let discards = Discards()
    /// Times a pod claimed a transition already due right after its sync (a kubelet bug the
    /// loop survives by moving on a millisecond); tests expect none.
    var overdueTransitions = 0

    /// The Deployment, StatefulSet or DaemonSet stored under `key`.
    public func workload(_ key: ObjectKey) -> Resource? {
        switch key.type {
        case StatefulSetController.type.storageKey: return statefulSets[key]
        case DaemonSetController.type.storageKey: return daemonSets[key]
        default: return deployments[key]
        }
    }

    func updateDaemonSet(_ resource: Resource) {
        changes += 1
        daemonSets[resource.key] = resource
        daemonSetKeys[resource.uid] = resource.key
        dirtyDaemonSets.insert(resource.key)
        daemonSetsToSync.insert(resource.uid)
        workloadMoved(resource.uid)
    }

    func updateStatefulSet(_ resource: Resource) {
        changes += 1
        statefulSets[resource.key] = resource
        statefulSetKeys[resource.uid] = resource.key
        dirtyStatefulSets.insert(resource.key)
        statefulSetsToSync.insert(resource.uid)
        workloadMoved(resource.uid)
    }

    /// The ControllerRevisions of a namespace, in name order.
    func revisions(in namespace: String) -> [Resource] {
        controllerRevisions.objects.filter { $0.key.namespace == namespace }.sorted { $0.key.name < $1.key.name }.map(\.value)
    }

    func putRevision(_ revision: Resource) { controllerRevisions.put(revision) }

    func deleteRevision(_ key: ObjectKey) { controllerRevisions.delete(key) }

    /// A claim written: pods that mount it find it (`configObjects`).
    func putClaim(_ claim: Resource) {
        claims.put(claim)
        configObjects["PersistentVolumeClaim/\(claim.namespace ?? "default")/\(claim.name)"] = []
    }

    func deleteClaim(_ key: ObjectKey) {
        claims.delete(key)
        configObjects["PersistentVolumeClaim/\(key.namespace)/\(key.name)"] = nil
    }

    /// The provisioner of a StorageClass, when the cluster has it.
    func storageProvisioner(_ storageClass: String?) -> String? { storageClass.flatMap { provisioners[$0] } }

    /// A StorageClass's `reclaimPolicy` (Delete by default).
    func reclaimPolicy(_ storageClass: String?) -> String { storageClass.flatMap { reclaimPolicies[$0] } ?? "Delete" }

    func putVolume(_ volume: Resource) { volumes.put(volume) }

    func deleteVolume(_ key: ObjectKey) { volumes.delete(key) }

    /// Each Deployment as `Deployment` reads it, by key, read again after each change: the
    /// controller and the timelines ask at every instant something moved.
    private var typedDeployments: [ObjectKey: Deployment] = [:]

    /// `Deployment(resource)` of a Deployment as `deployments` holds it.
    func typed(_ resource: Resource, key known: ObjectKey? = nil) -> Deployment {
        var reader = FieldReader()
        let key = known ?? resource.key
        if let known = typedDeployments[key] {
            #if DEBUG
            // Every change to a Deployment goes through `updateDeployment`, which forgets it.
            precondition(known == Deployment(resource, reader: &reader), "Deployment \(resource.key.name) changed without updateDeployment")
            #endif
            return known
        }
        let deployment = Deployment(resource, reader: &reader)
        typedDeployments[key] = deployment
        return deployment
    }

    func updateDeployment(_ resource: Resource) {
        changes += 1
        // (The key and uid read once: each reading looks up four members.)
        let key = resource.key, uid = resource.uid
        // A change of status alone (most of the controller's writes) is read into the kept
        // typed form; any other change has it read again at its next use.
        if let previous = deployments[key], var kept = typedDeployments[key], Self.sameExceptStatus(previous, resource) {
            kept.status = DeploymentStatus(resource.object["status"]?.objectValue)
            typedDeployments[key] = kept
        } else {
            typedDeployments[key] = nil
        }
        deployments[key] = resource
        deploymentKeys[uid] = key
        noteStrategy(resource, key: key)
        dirtyDeployments.insert(key)
        deploymentMoved(uid)
    }

    /// The two objects are the same but for their `status`.
    static func sameExceptStatus(_ a: Resource, _ b: Resource) -> Bool {
        a.object.members.filter { $0.key != "status" } == b.object.members.filter { $0.key != "status" }
    }

    /// A new uid from the seeded generator.
    func newUID() -> String { random.uuid() }

    /// Five characters of Kubernetes' name alphabet, as `generateName` adds.
    func randomSuffix() -> String { random.nameSuffix() }

    /// The keys of a ConfigMap or Secret, nil when there is none.
    func configKeys(_ kind: String, namespace: String, name: String) -> Set<String>? {
        configObjects["\(kind)/\(namespace)/\(name)"]
    }

    func node(named name: String) -> SimNode? {
        nodeIndex[name].map { nodes[$0] }
    }

    /// What the kubelet asks of the node a pod is bound to at every pull and start, each field
    /// read where it lies (`nodes[i].field`): a whole `SimNode` copied out costs a retain and a
    /// release of each of its parts — as handing `nodes[i]` to a closure did, even one that
    /// borrows it, at each of 150,000 pulls. Nil when the pod is on no node the cluster has.
    func nodeHasImage(_ image: String, of pod: SimPod) -> Bool? {
        guard let i = nodeIndex(of: pod) else { return nil }
        return nodes[i].images.contains(image)
    }

    func nodeContainerStart(of pod: SimPod) -> Duration? {
        guard let i = nodeIndex(of: pod) else { return nil }
        return nodes[i].containerStart
    }

    func nodeImagePull(of pod: SimPod) -> Duration? {
        guard let i = nodeIndex(of: pod) else { return nil }
        return nodes[i].imagePull
    }

    /// Where the node a pod is bound to is in `nodes`: kept on the node's placement when the pod
    /// is in it (`NodePlacement.nodeSlot`, used while the node there has the pod's node's name —
    /// names are unique), else found by name. (Four name hashes a pod, at its pull and start.)
    private func nodeIndex(of pod: SimPod) -> Int? {
        guard let name = pod.nodeName else { return nil }
        let n = pod.placementNumber
        guard n >= 0 && n < placementsByNumber.count else { return nodeIndex[name] }
        let placement = placementsByNumber[n]
        if let i = placement.nodeSlot, i < nodes.count, nodes[i].name == name {
            #if DEBUG
            precondition(nodeIndex[name] == i, "node \(name): kept at \(i), indexed at \(nodeIndex[name].map(String.init) ?? "none")")
            #endif
            return i
        }
        guard let i = nodeIndex[name] else { return nil }
        placement.nodeSlot = i
        return i
    }

    /// A pull finished on the pod's node: the image is present there from now on
    /// (`status.images`).
    func pullFinished(image: String, on pod: SimPod) {
        guard let node = pod.nodeName, let i = nodeIndex(of: pod), !nodes[i].images.contains(image) else { return }
        // Not a change the scheduler or the DaemonSet controller looks at (ImageLocality is not
        // simulated): counted as one, every pull would have them recount every node.
        let changes = nodeChanges
        nodes[i].images.insert(image)
        nodeChanges = changes
        dirtyNodes.insert(node)
    }

    static let podIPCounter = "podIP/"

    /// The next free address of the node's pod range (PodAddresses: host-local's round robin),
    /// reserved; nil when the pods on the node hold every address of it. `index`: the node's
    /// place in `nodes` when the caller knows it (the scheduler does), checked by its name.
    /// (What is held and the last reserved offset are the node's placement's: one look-up.)
    func nextPodIP(node: String, index: Int? = nil) -> String? {
        let i = index.flatMap { $0 < nodes.count && nodes[$0].name == node ? $0 : nil } ?? nodeIndex[node] ?? 0
        let range = (i < nodes.count ? nodes[i].podRange : nil) ?? PodRange(nodeIndex: i)
        let placement = placement(of: node)
        guard let found = PodAddresses.next(in: range, lastReserved: placement.lastReserved, isHeld: placement.holds(number:)) else { return nil }
        placement.lastReserved = found.offset
        return found.ip
    }

    // MARK: events

    /// Records an event, counting repeats of the same reason and message on the same object.
    /// Returns where its series is in `events`.
    @discardableResult
    func record(_ type: String = "Normal", reason: String, message: String, kind: String, name: String, namespace: String, uid: String, component: String) -> Int {
        var message = message
        var seriesKey = EventSeriesKey.plain(kind: kind, uid: uid, reason: reason, message: message)
        // client-go's EventAggregator (tools/record/events_cache.go, EventAggregate): the
        // messages of one reason about one object are collected until 10 minutes pass with
        // none (the window restarts at each event, `record.lastTimestamp = now`); the 10th
        // different one, and every new one after it, becomes one event "(combined from similar
        // events): …", and the set is cut back to 9 (`PopAny`). Which message upstream drops is
        // Go's map order, so random; here it is the one just added, so the first nine stay and
        // their repeats are recorded as themselves, one of the outcomes upstream can have.
        let aggregateKey = EventAggregateKey(component: component, kind: kind, uid: uid, type: type, reason: reason)
        // Found or made at once (the key is hashed once) and changed in place: copying the set
        // out and back would make this quadratic. A new key starts as one seen now with no
        // message, which the steps below make (now, [message]), not combined.
        let combined = Self.aggregate(message, now: now, into: &aggregateEntries[aggregateSlot(aggregateKey)])
        if combined {
            message = .joined(SimEvent.combinedPrefix, message)
            seriesKey = .aggregate(aggregateKey)
        }
        // The series' place, or this new event's (the key hashed once either way); the series
        // recorded last is asked first, its key compared, not hashed (a ReplicaSet scaled up
        // by 2,500 pods counts them all on one combined event).
        let place: Int
        if let last = lastSeries, last.place < events.count, last.key == seriesKey {
            place = last.place
            #if DEBUG
            precondition(eventSeries.index(of: seriesKey, in: events) == place, "events: the series recorded last moved")
            #endif
        } else {
            place = eventSeries.claim(seriesKey, next: events.count, in: events)
            lastSeries = (seriesKey, place)
        }
        // A series no event of this run has may be a stored one's: read back to that place.
        if place == events.count, let stored = readBackStored(seriesKey) { events.append(stored) }
        if place < events.count {
            events[place].count += 1
            events[place].last = now
            events[place].message = message
            events[place].dirty = true
            return place
        }
        // As the API server's recorder names events: the object, then the time in nanoseconds
        // (made unique within a millisecond by a counter), so names sort by time.
        eventSequence += 1
        let suffix = String(UInt64(max(0, now.milliseconds)) &* 1_000_000 &+ UInt64(eventSequence % 1_000_000), radix: 16)
        var event = SimEvent(namespace: namespace, involvedKind: kind, involvedName: name, involvedUID: uid, type: type, reason: reason,
                             message: message, component: component, first: now, last: now, count: 1, name: .joined(name, ".", suffix))
        event.dirty = true
        events.append(event)
        return events.count - 1
    }

    /// Records `count` occurrences of an event, the first at `first` and the last now (the
    /// failed probes before a kill, found when the kill is).
    func recordSeries(_ type: String, reason: String, message: String, kind: String, name: String, namespace: String, uid: String, component: String,
                      first: Timestamp, count: Int) {
        let saved = now
        now = first
        let i = record(type, reason: reason, message: message, kind: kind, name: name, namespace: namespace, uid: uid, component: component)
        now = saved
        guard count > 1 else { return }
        events[i].count += count - 1
        events[i].last = now
        events[i].dirty = true
    }

    /// One more event for an aggregation key: its window restarts if 10 minutes passed since
    /// its last, the message joins its set, and the 10th different one is combined (and left
    /// out of the set).
    private static func aggregate(_ message: String, now: Timestamp, into entry: inout (last: Timestamp, messages: Set<HashedString>)) -> Bool {
        if now.milliseconds - entry.last.milliseconds > 600_000 { entry.messages = [] }
        entry.last = now
        // With nine in the set, a new one would be the 10th, combined and taken out again:
        // asked, not inserted and removed (a ReplicaSet's "Created pod: …" are all new).
        if entry.messages.count >= 9 { return !entry.messages.contains(HashedString(message)) }
        entry.messages.insert(HashedString(message))
        return false
    }

    func hasEvent(kind: String, uid: String, reason: String, message: String) -> Bool {
        let key = EventSeriesKey.plain(kind: kind, uid: uid, reason: reason, message: message)
        if eventSeries.index(of: key, in: events) != nil { return true }
        return storedEvents.candidates(EventSeriesHash.of(key)).contains { storedEvent(storedEvents[$0])?.seriesKey == key }
    }

    /// The stored event of a series no event of this run has (`StoredEvents`), read back and
    /// taken out of the stored ones; of two or more, the latest by last time, then name, then
    /// namespace — the one counted on when every stored event was read, in that order, and the
    /// last of a series kept. Nil when none is stored.
    private func readBackStored(_ key: EventSeriesKey) -> SimEvent? {
        guard storedEvents.liveCount > 0 else { return nil }
        var best: (ref: Int, event: SimEvent)?
        for i in storedEvents.candidates(EventSeriesHash.of(key)) {
            guard let event = storedEvent(storedEvents[i]), event.seriesKey == key else { continue }
            if let best, (best.event.last.milliseconds, best.event.name, best.event.namespace) > (event.last.milliseconds, event.name, event.namespace) {
                continue
            }
            best = (i, event)
        }
        guard let (ref, found) = best else { return nil }
        storedEvents.take(ref)
        var event = found
        event.stored = true
        event.loadedLast = event.last
        return event
    }

    /// A stored event read back; nil when it no longer can be (its shard's files went since
    /// the load read it: the commit, which needs them, says so).
    private func storedEvent(_ ref: StoredEvents.Ref) -> SimEvent? {
        guard let stored = try? store.storedForm(ObjectKey(type: Self.eventType.storageKey, namespace: ref.key.namespace, name: ref.key.name)),
              case .success(let event) = Self.loadedEvent(stored) else { return nil }
        return event
    }

    /// Where a stored event stood when every stored event was read at load: by last time, then
    /// name, then namespace (as `String` orders them).
    private static func loadOrder(_ event: SimEvent) -> (Int, String, String) {
        ((event.loadedLast ?? event.last).milliseconds, event.name, event.namespace)
    }

    /// The events earlier commands stored that none of this run's has read back.
    var storedEvents = StoredEvents()
    /// client-go's aggregation of each key (component, object, type, reason): its last time
    /// and messages, in `aggregateEntries` at the place `aggregateSlots` gives.
    private var aggregateSlots: [EventAggregateKey: Int] = [:]
    private var aggregateEntries: [(last: Timestamp, messages: Set<HashedString>)] = []
    /// The key recorded last and its place, asked first: its key compared, not hashed.
    private var lastAggregate: (key: EventAggregateKey, slot: Int)?
    /// The series recorded last and its place in `events`, asked first (forgotten when the
    /// save moves the events).
    private var lastSeries: (key: EventSeriesKey, place: Int)?

    /// Where `key`'s aggregation is in `aggregateEntries`; a new key's made there, as seen now
    /// with no message (hashed once either way).
    private func aggregateSlot(_ key: EventAggregateKey) -> Int {
        if let last = lastAggregate, last.key == key {
            #if DEBUG
            precondition(aggregateSlots[key] == last.slot, "events: the aggregation recorded last moved")
            #endif
            return last.slot
        }
        let next = aggregateEntries.count
        let slot = Self.value(&aggregateSlots[key, default: next])
        if slot == next { aggregateEntries.append((now, [])) }
        lastAggregate = (key, slot)
        return slot
    }

    /// The value in place (a dictionary's default is put there when asked so).
    private static func value(_ value: inout Int) -> Int { value }
    /// Where each event series (object, reason, message) is in `events`.
    var eventSeries = EventSeriesIndex()
    /// The namespace and name of every pod that exists, for unique generated names.
    var podNames: Set<PodName> = []
    /// The most stored pods room is made for at load (`init(store:)`): four times
    /// Kubernetes' limit of 150,000.
    static let podsReservedAtMost = 600_000
    /// Pods waiting for a node, each once (`SimPod.awaitsNode`), in no particular order (the
    /// scheduler orders them): the pods themselves, not their uids, which were hashed as they
    /// came, at each bind and for each pod still waiting at every pass. One that was bound,
    /// or went, stays until the scheduler's next pass drops it.
    private(set) var unscheduled: [SimPod] = []

    /// The pod waits for a node (once, however often it is said).
    func awaitNode(_ pod: SimPod) {
        guard !pod.awaitsNode else { return }
        pod.awaitsNode = true
        unscheduled.append(pod)
    }

    /// The pods still waiting for a node (not bound, not deleted, not gone), which are kept:
    /// the others are dropped.
    func stillAwaitingNode() -> [SimPod] {
        var waiting: [SimPod] = []
        for pod in unscheduled {
            if pod.nodeName == nil && pod.isActive {
                waiting.append(pod)
            } else {
                pod.awaitsNode = false
            }
        }
        unscheduled = waiting
        return waiting
    }
    /// Where the scheduler's next search for feasible nodes starts (`nextStartNodeIndex`).
    var nextStartNodeIndex = 0

    // MARK: saving

    /// The most prepared pods or events the save hands the store at once
    /// (`StateStore.put(contentsOf:)`).
    static let storeRun = 4096

    /// The object prepared at `i`, moved out of `results` (which keeps `.success(nil)` there):
    /// not copied, so its strings and arrays are not retained now and released with the list
    /// (at the 150,000-pod roll's save, 450,000 objects spread over memory).
    private static func take(_ i: Int, from results: inout [Result<StateStore.Prepared?, StoreError>]) throws(StoreError) -> StateStore.Prepared? {
        var result: Result<StateStore.Prepared?, StoreError> = .success(nil)
        swap(&result, &results[i])
        switch consume result {
        case .success(let prepared): return prepared
        case .failure(let error): throw error
        }
    }

    /// Writes every changed object back to the store, removes deleted ones, and moves the
    /// store's clock and generator to where the simulation left them.
    /// `final`: the cluster is neither run nor saved again (the command reads it and exits):
    /// what only a later run needs is left undone — the events and pods that went are not taken
    /// out of memory, nor the events' series found again (at 100,000 replicas 500,000 events
    /// moved and 100,000 pods let go, each looked up by its uid).
    public func save(final: Bool = false) throws(StoreError) {
        store.clock = now
        store.random = random
        // Each node's last reserved address; the old single counter (before per-node ranges)
        // and nodes that went are dropped. Made apart and set once: every change of the
        // store's counters compares them all.
        var counters = store.counters.filter { $0.key != "podIP" && !$0.key.hasPrefix(Self.podIPCounter) }
        for (node, placement) in placements where nodeIndex[node] != nil {
            if let offset = placement.lastReserved { counters[Self.podIPCounter + node] = offset }
        }
        counters["event"] = eventSequence
        store.counters = counters
        for key in dirtyDeployments.sorted() {
            guard let resource = deployments[key], let previous = try store.get(key) else { continue }
            if resource != previous { try store.writeStatus(resource) }
        }
        for uid in dirtyReplicaSets.sorted() {
            guard let rs = replicaSets[uid] else { continue }
            let key = ObjectKey(type: Self.replicaSetType.storageKey, namespace: rs.namespace, name: rs.name)
            if rs.deleted {
                try store.delete(key)
                continue
            }
            try store.put(rs.encoded(), creating: false)
        }
        for key in dirtyStatefulSets.sorted() {
            guard let resource = statefulSets[key], let previous = try store.get(key) else { continue }
            if resource != previous { try store.writeStatus(resource) }
        }
        dirtyStatefulSets = []
        for key in dirtyDaemonSets.sorted() {
            guard let resource = daemonSets[key], let previous = try store.get(key) else { continue }
            if resource != previous { try store.writeStatus(resource) }
        }
        dirtyDaemonSets = []
        try controllerRevisions.save(to: store)
        try claims.save(to: store)
        try volumes.save(to: store)
        // Pods are encoded and serialized on every core, then stored in order: each pod's
        // kubelet memory (if any) and then the pod, as one write after the other would number
        // them.
        // (Only the pods still there are sorted when no watch sees the others go: a deletion
        // takes no resourceVersion and a table removes its keys as a set, so the gone pods'
        // order changes nothing stored — half of a roll's changed pods, 150,000 uids at
        // Kubernetes' limits, each read from a pod no cache holds. A served store's watches
        // see the deletions in uid order, as before.)
        let changedPods: [SimPod]
        if store.journal == nil {
            var live: [SimPod] = [], gone: [SimPod] = []
            live.reserveCapacity(dirtyPods.count)
            for pod in dirtyPods {
                if pod.goesAtSave { gone.append(pod) } else { live.append(pod) }
            }
            changedPods = StringOrder.sortedIndices(count: live.count) { live[$0].uid }.map { live[$0] } + gone
        } else {
            changedPods = StringOrder.sortedIndices(count: dirtyPods.count) { dirtyPods[$0].uid }.map { dirtyPods[$0] }
        }
        let memoryInputs = ReadOnly(changedPods)
        let memories = Parallel.map(changedPods.count, grain: 64) { i -> Resource? in
            memoryInputs.value[i].gone ? nil : KubeletMemory.encode(memoryInputs.value[i])
        }
        var podVersions: [Int] = []
        podVersions.reserveCapacity(changedPods.count)
        var version = store.nextResourceVersion
        for (pod, memory) in zip(changedPods, memories) {
            if memory != nil { version += 1 }
            podVersions.append(pod.goesAtSave ? 0 : version)
            if !pod.goesAtSave { version += 1 }
        }
        // A pod that runs its ReplicaSet's template unchanged, with nothing for the kubelet to
        // remember, is stored compact (CompactPod): its template once in its table.
        var compactTemplates = [PodTemplateBlob?](repeating: nil, count: changedPods.count)
        var blobs: StringMap<PodTemplateBlob> = [:]
        for (i, pod) in changedPods.enumerated() where !pod.gone && memories[i] == nil && pod.keptMetadata == nil && pod.ownerKind == "ReplicaSet" {
            // (A template admission changed the behaviour of — LimitRanger's defaults — is not
            // one a compact line can stand on: its blob's behaviour is the ReplicaSet's.)
            guard replicaSets[pod.ownerUID] != nil, let shared = podTemplates[pod.ownerUID], shared.behaviour == nil, pod.template == shared.template else { continue }
            // (Its kubelet refuses it, or it waits at a node no kubelet runs on, NodeNamedPods:
            // the status it has is not one a compact line writes.)
            if KubeletAdmission.refusal(pod) != nil || (pod.scheduledAt == nil && pod.behaviour.nodeName != nil) { continue }
            if let blob = blobs[pod.ownerUID] {
                compactTemplates[i] = blob
            } else {
                let blob = try PodTemplateBlob(source: shared.source, template: shared.template, labels: shared.labels)
                blobs[pod.ownerUID] = blob
                compactTemplates[i] = blob
            }
        }
        let encodingInputs = ReadOnly((pods: changedPods, versions: podVersions, now: now, templates: compactTemplates))
        var encodings = Parallel.map(changedPods.count, grain: 64) { i -> Result<StateStore.Prepared?, StoreError> in
            let pod = encodingInputs.value.pods[i]
            if pod.goesAtSave { return .success(nil) }
            let version = encodingInputs.value.versions[i]
            do throws(StoreError) {
                guard let blob = encodingInputs.value.templates[i] else {
                    return .success(try StateStore.Prepared(pod.encoded(now: encodingInputs.value.now), resourceVersion: version))
                }
                // Written compact straight from the pod (`SimPodRecord`), not through its object.
                let prepared = StateStore.Prepared(key: ObjectKey(type: Self.podType.storageKey, namespace: pod.namespace, name: pod.name), kind: "Pod",
                                                   resourceVersion: version, compact: CompactPod.line(pod.stored(resourceVersion: version), template: blob),
                                                   row: pod.listingRow(), template: blob)
                #if DEBUG
                let full = try StateStore.Prepared(pod.encoded(now: encodingInputs.value.now), resourceVersion: version, compact: .pod(blob))
                precondition(prepared.writesTheSame(as: full), "pod \(pod.namespace)/\(pod.name) written without its object differs from its object's writing")
                #endif
                return .success(prepared)
            } catch { return .failure(error) }
        }
        // A StatefulSet's pod comes back under the name of the one it replaces: the old one is
        // deleted first (a watch sees it go, then the new one come), its memory is the new one's.
        // (A pod made under a fresh name, `SimPod.nameIsFresh` — every pod a ReplicaSet made —
        // cannot be that new one: of a roll's changed pods none is looked for.)
        let liveNames = Set(changedPods.filter { !$0.gone && !$0.nameIsFresh }.map(PodName.init))
        var replaced: Set<String> = []
        for pod in changedPods where !liveNames.isEmpty && pod.gone && liveNames.contains(PodName(pod)) {
            replaced.insert(pod.uid)
            try store.delete(ObjectKey(type: Self.podType.storageKey, namespace: pod.namespace, name: pod.name))
        }
        #if DEBUG
        let allLiveNames = Set(changedPods.filter { !$0.gone }.map(PodName.init))
        precondition(Set(changedPods.filter { $0.gone && allLiveNames.contains(PodName($0)) }.map(\.uid)) == replaced,
                     "a pod made under a fresh name has the name of one that went")
        #endif
        // The pods that went are removed together (`StateStore.delete(_:)` with the keys),
        // before the others are written.
        // (Their keys, each hashed as it is made, made on every core.)
        let goneInputs = ReadOnly((pods: changedPods, replaced: replaced))
        try store.delete(type: Self.podType.storageKey, Parallel.map(changedPods.count, grain: 1024) { i -> Table.Key? in
            let pod = goneInputs.value.pods[i]
            guard pod.goesAtSave, goneInputs.value.replaced.isEmpty || !goneInputs.value.replaced.contains(pod.uid) else { return nil }
            return Table.Key(namespace: pod.namespace, name: pod.name)
        }.compactMap { $0 })
        // Finished pods the pod GC deleted (its threshold of terminated pods).
        if !terminatedPodsDeleted.isEmpty {
            try store.delete(type: Self.podType.storageKey, terminatedPodsDeleted.map { Table.Key(namespace: $0.namespace, name: $0.name) })
            terminatedPodsDeleted = []
        }
        // (A pod is read only when it may have been replaced or may have a memory stored: of a
        // 100,000-replica roll's 200,000 changed pods, none is, and each read was a cache miss.
        // The pods are stored together, `put(contentsOf:)`, those before a memory first.)
        // (In runs of at most `storeRun`: a list of all of them would be a second copy of the
        // prepared ones, 200 MB more at the 150,000-pod roll's save.)
        var pending: [StateStore.Prepared] = []
        pending.reserveCapacity(min(changedPods.count, Self.storeRun))
        func flush() throws(StoreError) {
            try store.put(contentsOf: pending)
            pending.removeAll(keepingCapacity: true)
        }
        for i in changedPods.indices {
            if !replaced.isEmpty && replaced.contains(changedPods[i].uid) { continue }
            if memories[i] != nil || !storedMemories.isEmpty {
                let pod = changedPods[i]
                let memoryKey = ObjectKey(type: KubeletMemory.type.storageKey, namespace: pod.namespace, name: pod.name)
                if let memory = memories[i] {
                    try flush()
                    try store.put(memory, creating: false)
                    storedMemories.insert(memoryKey)
                } else if storedMemories.contains(memoryKey) {
                    try flush()
                    try store.delete(memoryKey)
                    storedMemories.remove(memoryKey)
                }
            }
            guard let prepared = try Self.take(i, from: &encodings) else { continue }
            pending.append(consume prepared)
            if pending.count == Self.storeRun { try flush() }
        }
        try flush()
        // Memories of pods deleted by other means (`delete --force`, a namespace).
        for key in storedMemories.sorted() where !podNames.contains(PodName(namespace: key.namespace, name: key.name)) {
            try store.delete(key)
            storedMemories.remove(key)
        }
        for name in dirtyNodes.sorted() {
            guard let node = self.node(named: name) else { continue }
            try store.writeStatus(node.encoded())
        }
        dirtyNodes = []
        for key in dirtyServices.sorted() {
            if let resource = services[key] { try store.writeStatus(resource) }
        }
        for key in dirtyIngresses.sorted() {
            if let resource = ingresses[key] { try store.writeStatus(resource) }
        }
        dirtyIngresses = []
        for key in dirtyDisruptionBudgets.sorted() {
            if let resource = disruptionBudgets[key] { try store.writeStatus(resource) }
        }
        dirtyDisruptionBudgets = []
        for key in dirtyQuotas.sorted() {
            if let resource = quotaObjects[key] { try store.writeStatus(resource) }
        }
        dirtyQuotas = []
        for key in dirtyEndpoints.sorted() {
            guard let resource = endpoints[key] else { continue }
            try store.put(resource, creating: false)
        }
        let slicesByKey = Dictionary(endpointSlices.values.flatMap { $0 }.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        for key in dirtySlices.sorted() {
            if let slice = slicesByKey[key] { try store.put(slice, creating: false) }
        }
        for key in deletedSlices.sorted() where slicesByKey[key] == nil {
            if try store.get(key) != nil { try store.delete(key) }
        }
        dirtySlices = []
        deletedSlices = []
        // Events about pods that are gone go with them (Kubernetes keeps them for an hour;
        // a 10,000-pod rollout would otherwise store five events per pod it replaced).
        // Changed events are encoded and serialized on every core, numbered in the order
        // they are stored.
        // (Read through the buffer: each event's two fields, not a copy of the event — 300,000
        // of them at Kubernetes' limits, each copy retaining and releasing nine strings.)
        // (A pod's events mostly lie together, a kubelet sync recording several at once: the
        // pod looked up last is asked first, its uid not hashed again.)
        // (In runs on every core, each with its last pod.)
        let goes = events.withUnsafeBufferPointer { buffer -> [Bool] in
            let inputs = ReadOnly((events: buffer, pods: pods))
            let run = 8192
            let runs = Parallel.map((buffer.count + run - 1) / run) { k -> [Bool] in
                let buffer = inputs.value.events
                var last: (uid: String, gone: Bool)?
                return (k * run..<min(buffer.count, (k + 1) * run)).map { i -> Bool in
                    guard buffer[i].involvedKind == "Pod" else { return false }
                    if let last, last.uid == buffer[i].involvedUID { return last.gone }
                    let gone = inputs.value.pods[buffer[i].involvedUID]?.goesAtSave == true
                    last = (buffer[i].involvedUID, gone)
                    return gone
                }
            }
            return Array(runs.joined())
        }
        // Numbered in the order the events would stand in had every stored one been read at
        // load, ahead of this run's, by last time, name and namespace: those read back first
        // (`SimEvent.loadedLast`), in that order, then the others as they were recorded.
        var eventVersions = [Int](repeating: 0, count: events.count)
        var eventVersion = store.nextResourceVersion
        var numbering = events.indices.filter { !goes[$0] && events[$0].dirty }
        if numbering.contains(where: { events[$0].loadedLast != nil }) {
            let readBack = numbering.filter { events[$0].loadedLast != nil }.sorted { Self.loadOrder(events[$0]) < Self.loadOrder(events[$1]) }
            numbering = readBack + numbering.filter { events[$0].loadedLast == nil }
        }
        for i in numbering {
            eventVersions[i] = eventVersion
            eventVersion += 1
        }
        // (In a scope of its own: the tasks' copy of the events is let go before the marks are
        // set, which would otherwise copy them all.)
        var preparedEvents = { [events] () -> [Result<StateStore.Prepared?, StoreError>] in
            let eventInputs = ReadOnly((events: events, versions: eventVersions))
            return Parallel.map(events.count, grain: 256) { i -> Result<StateStore.Prepared?, StoreError> in
                let version = eventInputs.value.versions[i]
                if version == 0 { return .success(nil) }
                let event = eventInputs.value.events[i]
                do throws(StoreError) {
                    // Written compact straight from the event (`SimPodRecord`), not through its object.
                    let prepared = StateStore.Prepared(key: ObjectKey(type: Self.eventType.storageKey, namespace: event.namespace, name: event.name),
                                                       kind: "Event", resourceVersion: version,
                                                       compact: try CompactEvent.line(event.writtenForm, resourceVersion: .string(String(version))),
                                                       row: event.listingRow(), template: nil)
                    #if DEBUG
                    let full = try StateStore.Prepared(event.encoded(), resourceVersion: version, compact: .event)
                    precondition(prepared.writesTheSame(as: full), "event \(event.namespace)/\(event.name) written without its object differs from its object's writing")
                    #endif
                    return .success(prepared)
                } catch { return .failure(error) }
            }
        }()
        // The ones that go are removed together (`StateStore.delete(_:)` with the keys), before
        // the changed ones are written: this run's, and the stored ones none of this run's read
        // back (`StoredEvents`) about a pod that went. A served store's watches see them go in
        // the order the events would stand in had every stored one been read (see above).
        let goneRun = events.indices.filter { goes[$0] && (!events[$0].dirty || events[$0].stored) }
        let goneStored = storedEvents.live { $0.pod?.goesAtSave == true }
        if store.journal != nil {
            var goneEvents: [(key: ObjectKey, loaded: (Int, String, String)?)] = []
            for i in goneRun {
                goneEvents.append((ObjectKey(type: Self.eventType.storageKey, namespace: events[i].namespace, name: events[i].name),
                                   events[i].loadedLast == nil ? nil : Self.loadOrder(events[i])))
            }
            storedEvents.forEach(goneStored) { key, last in
                goneEvents.append((ObjectKey(type: Self.eventType.storageKey, namespace: key.namespace, name: key.name), (last, key.name, key.namespace)))
            }
            let loaded = goneEvents.filter { $0.loaded != nil }.sorted { a, b in
                guard let x = a.loaded, let y = b.loaded else { return false }
                return x < y
            }
            try store.delete(loaded.map(\.key) + goneEvents.filter { $0.loaded == nil }.map(\.key))
        } else {
            // (Table keys: a stored one's as read, with its hash.)
            var goneKeys: [Table.Key] = []
            goneKeys.reserveCapacity(goneRun.count + goneStored.count)
            for i in goneRun { goneKeys.append(Table.Key(namespace: events[i].namespace, name: events[i].name)) }
            storedEvents.forEach(goneStored) { key, _ in goneKeys.append(key) }
            try store.delete(type: Self.eventType.storageKey, goneKeys)
        }
        if !final {
            for i in goneStored { storedEvents.take(i) }
            storedEvents.dropTaken()
        }
        // Written in the order they were numbered in, in runs (`put(contentsOf:)`).
        for i in numbering {
            guard let prepared = try Self.take(i, from: &preparedEvents) else { continue }
            pending.append(consume prepared)
            events[i].stored = true
            if pending.count == Self.storeRun { try flush() }
        }
        try flush()
        var someGo = false
        for i in events.indices {
            if goes[i] { someGo = true }
            events[i].dirty = false
        }
        if someGo && !final {
            // The kept ones moved down in place, in order (swapped in the buffer: none copied,
            // so none of their strings retained and let go again); the gone ones then dropped.
            let kept = events.withUnsafeMutableBufferPointer { buffer in
                var kept = 0
                for i in buffer.indices where !goes[i] {
                    if kept != i { buffer.swapAt(kept, i) }
                    kept += 1
                }
                return kept
            }
            events.removeLast(events.count - kept)
            eventSeries = EventSeriesIndex(capacity: events.count)
            lastSeries = nil
            for (i, e) in events.enumerated() { eventSeries.set(e.seriesKey, i, in: events) }
        }
        // Endpoint updates in flight: kept so the next command publishes them on time.
        for key in Set(pendingEndpoints.keys).union(pendingKeysAtLoad).sorted() {
            let storedKey = ObjectKey(type: Self.pendingEndpointsType.storageKey, namespace: key.namespace, name: key.name)
            if let updates = pendingEndpoints[key], !updates.isEmpty {
                try store.put(Resource(Object([
                    "apiVersion": .string("rollout.dev/v1alpha1"), "kind": .string("EndpointsPropagation"),
                    "metadata": .object(Object(["name": .string(key.name), "namespace": .string(key.namespace)])),
                    "updates": .array(updates.map { update in
                        var item = Object(["at": .string(Timestamp(milliseconds: update.at.milliseconds).description), "subsets": update.subsets,
                                           "endpoints": update.endpoints])
                        if update.overCapacity { item["overCapacity"] = .bool(true) }
                        return .object(item)
                    }),
                ])), creating: false)
            } else if try store.get(storedKey) != nil {
                try store.delete(storedKey)
            }
        }
        pendingKeysAtLoad = Set(pendingEndpoints.keys)
        // Failed requests go on the timelines of the Deployments behind the Services. They
        // belong to the rollout: what earlier commands recorded before this recording began is
        // kept (a later `status` on a finished rollout adds, never erases).
        if let traffic {
            // In route order: windows of two routes that start together, for the same reason,
            // stay in one order (a dictionary's would change from run to run).
            let routes = traffic.trafficInRouteOrder
            // Each Service's routes, in route order: a workload's are found from its Services
            // (at Kubernetes' limits 1,000 Deployments, each with one of 1,000 routes).
            var routesOf: [ObjectKey: [Int]] = [:]
            for (i, route) in routes.enumerated() { routesOf[route.service, default: []].append(i) }
            for (key, resource) in Array(deployments) + Array(statefulSets) + Array(daemonSets) {
                guard var timeline = timelines[key] else { continue }
                let services = Set(TrafficRecorder.services(selecting: resource, in: self) + [resource.key])
                let indices: [Int] = services.flatMap { routesOf[$0] ?? [] }.sorted()
                let windows = indices.flatMap { routes[$0].windows }.map { w in
                    TrafficRecorder.Window(start: w.start + traffic.start.milliseconds - timeline.start.milliseconds,
                                           end: w.end + traffic.start.milliseconds - timeline.start.milliseconds, reason: w.reason, failed: w.failed)
                }.filter { $0.end >= 0 }
                let recordingStart = traffic.start.milliseconds - timeline.start.milliseconds
                let merged = (timeline.failures.filter { $0.start < recordingStart } + windows).sorted { ($0.start, $0.reason) < ($1.start, $1.reason) }
                if merged != timeline.failures {
                    timeline.failures = merged
                    timelines[key] = timeline
                    dirtyTimelines.insert(key)
                }
            }
        }
        for key in dirtyTimelines.sorted() {
            guard let timeline = timelines[key] else { continue }
            try store.put(timeline.resource(name: Timeline.storedName(key), namespace: key.namespace), creating: false)
        }
        dirtyTimelines = []
        dirtyDeployments = []
        dirtyReplicaSets = []
        for pod in dirtyPods { pod.dirty = false }
        dirtyPods = []
        dirtyServices = []
        dirtyEndpoints = []
        if final { return }
        // Forget pods and ReplicaSets that are gone, so a long run does not keep them. (The
        // gone ones are found first: a loop over `pods` that removed from it as it went would
        // iterate a copy, every pod retained and let go.)
        var owners: Set<String> = []
        for pod in pods.values.filter(\.gone) {
            pods[pod.uid] = nil
            // A rejected pod is stored now: finished, as if loaded so.
            if pod.rejection != nil {
                finishedPods[pod.namespace, default: 0] += 1
                terminatedPods.append(TerminatedPod(namespace: pod.namespace, name: pod.name, created: pod.created, evicted: false))
                rejectedInMemory -= 1
            }
            if pod.handle >= 0 && pod.handle < podsByHandle.count { podsByHandle[pod.handle] = nil }
            owners.insert(pod.ownerUID)
            // Not when a StatefulSet's new pod holds the name again, nor a rejected pod's, which
            // stays stored under it.
            if pod.rejection == nil, !(podsByOwner[pod.ownerUID] ?? []).contains(where: { !$0.gone && $0.name == pod.name && $0.namespace == pod.namespace }) {
                podNames.remove(PodName(pod))
            }
        }
        for owner in owners { podsByOwner[owner]?.removeAll { $0.gone } }
    }
}

/// A node and what is placed on it.
public struct SimNode: Sendable {
    public var name: String
    public var cpuMillis: Int
    public var memoryBytes: Int
    public var maxPods: Int
    public var ready: Bool
    public var unschedulable: Bool
    /// Images present on the node (`status.images`).
    public var images: Set<String>
    /// Sandbox, create and start of a container: `rollout.sim/container-start` on the node.
    public var containerStart: Duration
    /// A pull that has to fetch the image: `rollout.sim/image-pull` on the node.
    public var imagePull: Duration
    /// The node's InternalIP address.
    public var internalIP: String?
    public var labels: [String: String] { didSet { zone = labels[Self.zoneLabel] ?? "" } }
    /// `spec.taints`.
    var taints: [Taint]
    /// Every allocatable resource (cpu in millicores, the others in units): extended resources
    /// such as `nvidia.com/gpu` included.
    var allocatable: [String: Int]
    var resource: Resource
    /// When its kubelet stops reporting (`cluster fail-node`): `rollout.sim/kubelet-stopped`.
    public var stoppedAt: Timestamp?
    /// When it reports again (`cluster recover-node`): `rollout.sim/kubelet-restarted`.
    public var restartedAt: Timestamp?
    public var created: Timestamp
    /// `spec.podCIDR`, where its pods get their addresses.
    var podRange: PodRange?
    /// `topology.kubernetes.io/zone`, "" without one: the node lifecycle controller's zones,
    /// and its pods' endpoints' (kept as the labels change: every endpoint made reads it).
    public private(set) var zone: String
    static let zoneLabel = "topology.kubernetes.io/zone"

    public static let defaultContainerStart = Duration(seconds: 1)
    public static let defaultImagePull = Duration(seconds: 3)

    init(_ resource: Resource) {
        self.resource = resource
        internalIP = (resource.value.at("status", "addresses")?.arrayValue ?? []).first { $0["type"]?.stringValue == "InternalIP" }?["address"]?.stringValue
        images = Set((resource.value.at("status", "images")?.arrayValue ?? []).flatMap { ($0["names"]?.arrayValue ?? []).compactMap(\.stringValue) })
        let annotations = resource.annotations
        containerStart = annotations["rollout.sim/container-start"].flatMap(Duration.init(parsing:)).map(SimulationLimits.bounded) ?? Self.defaultContainerStart
        imagePull = annotations["rollout.sim/image-pull"].flatMap(Duration.init(parsing:)).map(SimulationLimits.bounded) ?? Self.defaultImagePull
        var reader = FieldReader()
        let node = Node(resource, reader: &reader)
        name = resource.name
        cpuMillis = node.allocatable["cpu"]?.milliValue ?? 4000
        memoryBytes = node.allocatable["memory"]?.integerValue ?? (8 << 30)
        maxPods = node.allocatable["pods"]?.integerValue ?? 110
        unschedulable = node.unschedulable
        labels = resource.labels
        zone = resource.labels[Self.zoneLabel] ?? ""
        taints = (resource.value.at("spec", "taints")?.arrayValue ?? []).map { t in
            Taint(key: t["key"]?.stringValue ?? "", value: t["value"]?.stringValue ?? "", effect: t["effect"]?.stringValue ?? "")
        }
        var allocatable: [String: Int] = [:]
        for (name, q) in node.allocatable { allocatable[name] = name == "cpu" ? q.milliValue : q.integerValue }
        allocatable["cpu"] = cpuMillis
        allocatable["memory"] = memoryBytes
        self.allocatable = allocatable
        ready = (resource.value.at("status", "conditions")?.arrayValue ?? []).contains { $0["type"]?.stringValue == "Ready" && $0["status"]?.stringValue == "True" }
        stoppedAt = annotations[NodeLifecycleController.stoppedAnnotation].flatMap(Timestamp.init(parsing:))
        restartedAt = annotations[NodeLifecycleController.restartedAnnotation].flatMap(Timestamp.init(parsing:))
        created = resource.creationTimestamp.flatMap(Timestamp.init(parsing:)) ?? Timestamp(milliseconds: 0)
        podRange = resource.value.at("spec", "podCIDR")?.stringValue.flatMap(PodRange.init(cidr:))
    }

    /// The kubelet is not running at `time`.
    func down(at time: Timestamp) -> Bool {
        guard let stoppedAt, stoppedAt <= time else { return false }
        return restartedAt.map { $0 > time } ?? true
    }

    /// The node with its images, as the kubelet reports them.
    func encoded() -> Resource {
        var r = resource
        r.object.set(["status", "images"], .array(images.sorted().map { .object(Object(["names": .array([.string($0)])])) }))
        return r
    }
}

/// Timers in virtual time, in a deterministic order: by time, then by when they were set.
struct TimerQueue {
    enum Action {
        /// A pod's next kubelet transition; stale when the pod's epoch moved on. The pod
        /// itself, not its uid: a pod stays in `Cluster.pods` from its creation to the save,
        /// so the timer needs no look-up to find it.
        case pod(SimPod, epoch: Int)
        /// Run the controllers again (progress deadlines, waits).
        case resync
        /// A ReplicaSet's pods may have become available (minReadySeconds): the controller's
        /// `enqueueRSAfter`, then every controller runs.
        case replicaSet(uid: String)
        /// Publish a Service's pending endpoints.
        case endpoints(ObjectKey)
        /// A StatefulSet's minReadySeconds has passed (`enqueueSSAfter`).
        case statefulSet(uid: String)
        /// A DaemonSet's minReadySeconds has passed (`enqueueDaemonSetAfter`).
        case daemonSet(uid: String)
        /// A Deployment's failed sync is retried (`handleErr`'s `AddRateLimited`).
        case deployment(uid: String)
    }

    /// The timers due at one instant, in the order they were set, each instant's list once:
    /// the heap orders the instants, not the timers. Most timers are set for an instant others
    /// already wait for (a roll's pods start, probe and stop in steps), so a timer set is an
    /// append — to the list set last, found without a look-up, or to the one its instant has —
    /// and a pop takes a whole list. (A heap of every timer held some 300,000 at the
    /// 150,000-pod roll, each pop a sift through its levels, each level a likely miss.) Lists of
    /// past instants are reused with their room.
    private struct Entry { var time: Timestamp; var list: Int }
    private var heap: [Entry] = []
    private var lists: [[Action]] = []
    private var freeLists: [Int] = []
    /// Each waiting instant's list (by milliseconds).
    private var listAt: [Int: Int] = [:]
    /// The instant a timer was last set for, and its list.
    private var last: (time: Int, list: Int)?

    var isEmpty: Bool { heap.isEmpty }
    var nextTime: Timestamp? { heap.first?.time }

    mutating func add(_ action: Action, at time: Timestamp) {
        let t = time.milliseconds
        if let last, last.time == t {
            lists[last.list].append(action)
            return
        }
        if let list = listAt[t] {
            lists[list].append(action)
            last = (t, list)
            return
        }
        let list: Int
        if let free = freeLists.popLast() {
            list = free
        } else {
            list = lists.count
            lists.append([])
        }
        lists[list].append(action)
        listAt[t] = list
        last = (t, list)
        heap.append(Entry(time: time, list: list))
        Heap.siftUp(&heap, from: heap.count - 1, arity: Self.arity, above: Self.less)
    }

    mutating func popAll(at time: Timestamp) -> [Action] {
        var result: [Action] = []
        while let first = heap.first, first.time <= time {
            // (The first list handed over whole; later ones appended and kept with their room.)
            if result.isEmpty {
                swap(&result, &lists[first.list])
            } else {
                result.append(contentsOf: lists[first.list])
                lists[first.list].removeAll(keepingCapacity: true)
            }
            freeLists.append(first.list)
            listAt[first.time.milliseconds] = nil
            if last?.list == first.list { last = nil }
            heap.swapAt(0, heap.count - 1)
            heap.removeLast()
            Heap.siftDown(&heap, from: 0, arity: Self.arity, above: Self.less)
        }
        return result
    }

    /// Four children a node: half the levels of a binary heap, and a node's children side by
    /// side in one or two cache lines. The instants are distinct, so the order is total and
    /// the timers come out as from a heap of every timer by (time, order set).
    static var arity: Int { 4 }

    private static func less(_ a: Entry, _ b: Entry) -> Bool {
        a.time < b.time
    }
}

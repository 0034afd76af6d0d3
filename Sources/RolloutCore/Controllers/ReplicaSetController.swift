/// The ReplicaSet controller: creates or deletes pods until each ReplicaSet has
/// `spec.replicas` active pods, choosing which to delete by Kubernetes' ranking
/// (`controller_utils.go` ActivePodsWithRanks), and writes the ReplicaSet's status.
public enum ReplicaSetController {
    static let component = "replicaset-controller"
    /// Pods the simulation keeps at most.
    public static let maxPods = 250_000

    /// Syncs the ReplicaSets something happened to (`Cluster.replicaSetsToSync`, what the
    /// controller's informers queue), in uid order. A ReplicaSet nothing happened to would
    /// sync to no change, so skipping it changes nothing but the time taken.
    static func sync(in c: Cluster) -> Bool {
        guard !c.replicaSetsToSync.isEmpty else { return false }
        let due = c.replicaSetsToSync.sorted()
        c.replicaSetsToSync = []
        var changed = false
        for uid in due {
            if syncOne(uid, in: c) { changed = true }
        }
        return changed
    }

    static func syncOne(_ uid: String, in c: Cluster) -> Bool {
        guard var rs = c.replicaSets[uid], !rs.deleted else { return false }
        var changed = false
        // Its pods are counted as they change (PodCounts), not visited at every sync.
        let counts = c.podCounts(of: uid)
        #if DEBUG
        verify(counts, of: c.pods(ownedBy: uid), replicaSet: rs.name)
        #endif
        let activeCount = counts.active
        // syncReplicaSet: a ReplicaSet being deleted manages no replicas (`rs.DeletionTimestamp == nil`).
        let diff = rs.deletionTimestamp == nil ? activeCount - rs.specReplicas : 0
        // manageReplicas' error: the API server's refusal of a pod (its name the
        // generateName), recorded as `Error creating: <error>` (createPods) and kept in the
        // ReplicaFailure condition below.
        var manageError: String?
        var created = 0
        if diff < 0 {
            // The simulated cluster holds a bounded number of pods, as a quota would: beyond it
            // creation fails with FailedCreate, instead of exhausting the machine.
            let room = max(0, c.podLimit - c.podsHeld)
            if let forbidden = template(for: rs, in: c).forbidden {
                // slowStartBatch stops at the first refusal (a mutating plugin's: the pod is
                // named by its generateName), recorded at each sync — the recorder counts the
                // repeats — and the sync is retried with the controller's back-off; what the
                // refusal needs (an account, a class) comes with an apply, which loads the
                // cluster again and syncs every ReplicaSet.
                manageError = "pods \"\(rs.name)-\" is forbidden: \(forbidden)"
                c.record("Warning", reason: "FailedCreate", message: "Error creating: pods \"\(rs.name)-\" is forbidden: \(forbidden)", kind: "ReplicaSet",
                         name: rs.name, namespace: rs.namespace, uid: rs.uid, component: component)
                c.requeueRateLimited(rs.uid, .replicaSet(uid: rs.uid))
                if c.admissionRefusals[rs.uid] == nil { c.admissionRefusals[rs.uid] = manageError }
                changed = true
            } else {
                let made = template(for: rs, in: c)
                var quota = QuotaSession(namespace: rs.namespace, in: c)
                // slowStartBatch (controller_utils.go): creations in batches of 1, 2, 4, …, those
                // of a batch side by side; the batch in which the API server refuses one is the
                // last. A refusal of the validating admission plugins (LimitRanger, then
                // ResourceQuota) names the pod, whose name was generated first; each is recorded
                // (createPods: `Error creating: <error>`), and the first is the sync's error.
                var remaining = min(-diff, room), batch = 1
                while remaining > 0 {
                    let size = min(batch, remaining)
                    var refused = false
                    for _ in 0..<size {
                        let name = newPodName(for: rs, in: c)
                        if let refusal = made.limitRefusal ?? quota?.admit(made.template["spec"]?.objectValue ?? Object()) {
                            let error = "pods \"\(name)\" is forbidden: \(refusal)"
                            if manageError == nil { manageError = error }
                            if c.admissionRefusals[rs.uid] == nil { c.admissionRefusals[rs.uid] = error }
                            c.record("Warning", reason: "FailedCreate", message: "Error creating: " + error, kind: "ReplicaSet", name: rs.name, namespace: rs.namespace,
                                     uid: rs.uid, component: component)
                            refused = true
                            continue
                        }
                        let pod = newPod(named: name, for: rs, in: c)
                        c.add(pod)
                        created += 1
                        c.record(reason: "SuccessfulCreate", message: .joined("Created pod: ", pod.name), kind: "ReplicaSet", name: rs.name, namespace: rs.namespace, uid: rs.uid, component: component)
                        changed = true
                    }
                    remaining -= size
                    if refused {
                        c.requeueRateLimited(rs.uid, .replicaSet(uid: rs.uid))
                        changed = true
                        break
                    }
                    batch *= 2
                }
                if manageError == nil && -diff > room {
                    // Room may come with any other pod's going: look again at every pass (the
                    // simulation's own limit, recorded once).
                    c.replicaSetsToSync.insert(rs.uid)
                    let error = "pods \"\(rs.name)-\" is forbidden: the simulated cluster holds at most \(c.podLimit) pods"
                    manageError = error
                    if !c.hasEvent(kind: "ReplicaSet", uid: rs.uid, reason: "FailedCreate", message: "Error creating: " + error) {
                        c.record("Warning", reason: "FailedCreate", message: "Error creating: " + error, kind: "ReplicaSet", name: rs.name, namespace: rs.namespace,
                                 uid: rs.uid, component: component)
                    }
                }
            }
        } else if diff > 0 {
            let owned = c.pods(ownedBy: uid)
            // Related pods: those of every ReplicaSet of the same Deployment (getIndirectlyRelatedPods).
            let related = rs.ownerUID.isEmpty ? owned : c.replicaSets(ownedBy: rs.ownerUID).flatMap { c.pods(ownedBy: $0.uid) }
            for pod in podsToDelete(owned.filter(\.isActive), count: diff, related: related, now: c.now) {
                Kubelet.beginTermination(pod, in: c)
                c.record(reason: "SuccessfulDelete", message: .joined("Deleted pod: ", pod.name), kind: "ReplicaSet", name: rs.name, namespace: rs.namespace, uid: rs.uid, component: component)
            }
            changed = true
        }
        // A sync without error forgets the ReplicaSet's failures (processNextWorkItem: Forget).
        if manageError == nil, !c.workloadFailures.isEmpty { c.workloadFailures[uid] = nil }
        // Status, as replica_set_utils.go computes it: from the counts, and with a
        // minReadySeconds from one pass over the pods (availability moves with time then).
        let now = c.now
        // (calculateStatus counts the active pods listed before manageReplicas: pods this sync
        // made are counted by the next, which their creation queues — `addPod`. A ReplicaSet
        // whose pods its kubelet rejects (KubeletAdmission) so goes one down and up again at
        // each turn, which the Deployment controller takes for progress.)
        let counted = created > 0 ? activeCount : counts.active, ready = counts.ready, terminating = counts.terminating
        var available = counts.readyWithTime
        var waitingForMinReady: [Timestamp] = []
        if rs.minReadySeconds != 0 {
            available = 0
            for pod in c.pods(ownedBy: uid) where pod.isActive && pod.ready {
                if pod.isAvailable(minReadySeconds: rs.minReadySeconds, now: now) {
                    available += 1
                } else if let since = pod.readySince {
                    waitingForMinReady.append(since)
                }
            }
        }
        // calculateStatus: ReplicaFailure set (FailedCreate: the sync wanted more pods) when
        // manageReplicas failed and none is set, removed when it did not fail; an existing
        // one stays as it is.
        var failure = rs.replicaFailure
        if let manageError, failure == nil {
            failure = Object(["type": .string("ReplicaFailure"), "status": .string("True"), "lastTransitionTime": .string(now.description),
                              "reason": .string("FailedCreate"), "message": .string(manageError)])
        } else if manageError == nil {
            failure = nil
        }
        if rs.statusReplicas != counted || rs.readyReplicas != ready || rs.availableReplicas != available
            || rs.terminatingReplicas != terminating || rs.observedGeneration != rs.generation || failure != rs.replicaFailure {
            rs.replicaFailure = failure
            rs.statusReplicas = counted
            rs.readyReplicas = ready
            rs.availableReplicas = available
            rs.terminatingReplicas = terminating
            rs.observedGeneration = rs.generation
            c.update(rs)
            changed = true
        }
        // Ready but not yet available: look again just after minReadySeconds has passed (the
        // comparison is strict, so at the instant itself the pod is not yet available; the
        // controller's AddAfter(minReadySeconds) lands a moment after it).
        for since in waitingForMinReady {
            c.timers.add(.replicaSet(uid: uid), at: since.adding(Duration(seconds: rs.minReadySeconds)).adding(Duration(milliseconds: 1)))
        }
        return changed
    }

    #if DEBUG
    /// The kept counts are what a pass over the pods finds.
    private static func verify(_ counts: PodCounts, of pods: [SimPod], replicaSet: String) {
        let fresh = PodCounts()
        for pod in pods { fresh.add(PodCounts.Share(pod), 1) }
        precondition(fresh.active == counts.active && fresh.ready == counts.ready && fresh.readyWithTime == counts.readyWithTime
                     && fresh.terminating == counts.terminating, "ReplicaSet \(replicaSet): kept pod counts are stale")
    }
    #endif

    static func newPod(for rs: SimReplicaSet, in c: Cluster) -> SimPod {
        newPod(named: newPodName(for: rs, in: c), for: rs, in: c)
    }

    /// The name the API server generates for a pod of `rs` (`generateName` and five random
    /// characters), one no pod has.
    static func newPodName(for rs: SimReplicaSet, in c: Cluster) -> String {
        var name = String.joined(rs.name, "-", c.randomSuffix())
        while c.podNames.contains(PodName(namespace: rs.namespace, name: name)) {
            name = .joined(rs.name, "-", c.randomSuffix())
        }
        return name
    }

    static func newPod(named name: String, for rs: SimReplicaSet, in c: Cluster) -> SimPod {
        let made = template(for: rs, in: c)
        let pod = SimPod(name: name, namespace: rs.namespace, uid: c.newUID(), ownerUID: rs.uid, ownerName: rs.name,
                         labels: made.labels, template: made.template, created: c.now, behaviour: made.behaviour ?? rs.behaviour)
        pod.nameIsFresh = true
        return pod
    }

    /// `podTemplate(for:classes:limits:accounts:security:)`, made once per ReplicaSet and shared by its pods
    /// (`Cluster.podTemplates`), until the template changes.
    static func template(for rs: SimReplicaSet, in c: Cluster) -> Cluster.PodTemplate {
        if let kept = c.podTemplates[rs.uid], kept.source == rs.template { return kept }
        let made = podTemplate(for: rs, classes: c.priorityClasses, limits: c.limitRanges, accounts: c.serviceAccounts, security: c.podSecurity)
        c.podTemplates[rs.uid] = made
        return made
    }

    /// What each pod of `rs` starts from: its template's annotations and spec, admitted
    /// (`Defaults.podAdmission`, `PriorityClasses.admit`, the namespace's LimitRanges'
    /// defaults and limits), and its labels.
    static func podTemplate(for rs: SimReplicaSet, classes: PriorityClasses, limits: LimitRanges, accounts: ServiceAccounts, security: PodSecurity) -> Cluster.PodTemplate {
        var template = Object()
        if let annotations = rs.template["metadata"]?["annotations"] { template["metadata"] = .object(Object(["annotations": annotations])) }
        var spec = rs.template["spec"]?.objectValue ?? Object()
        Defaults.podAdmission(&spec)
        // The mutating plugins in the API server's order: ServiceAccount before Priority.
        // (The account's pull secrets, when it gives the pods some, are the kubelet's business:
        // the pods behave as their admitted template says. Its token volume is not: every
        // namespace has the CA bundle it projects.)
        let pullSecrets = spec["imagePullSecrets"]
        let forbidden = accounts.admit(&spec, namespace: rs.namespace) ?? classes.admit(&spec)
        let accountsSecrets = spec["imagePullSecrets"] != pullSecrets
        template["spec"] = .object(spec)
        let before = template
        let limitRefusal = limits.admit(&template, namespace: rs.namespace) ?? security.admit(template["spec"]?.objectValue ?? Object(), annotations: stringMap(template["metadata"]?["annotations"]), namespace: rs.namespace)
        return Cluster.PodTemplate(source: rs.template, template: template, labels: stringMap(rs.template["metadata"]?["labels"]), forbidden: forbidden,
                                   limitRefusal: limitRefusal, behaviour: template != before || accountsSecrets ? AppBehaviour(template: .object(template)) : nil)
    }

    /// `getPodsToDelete` (replica_set.go): when only some of the pods go, the first `count` by
    /// `ActivePodsWithRanks.Less` (controller_utils.go; KUBERNETES.md §14,
    /// KUBERNETES-kubelet.md): unscheduled first, then Pending before Running, not ready before
    /// ready, lower `controller.kubernetes.io/pod-deletion-cost`, more active related pods on
    /// the same node (`related`: the pods of every ReplicaSet of the same Deployment), ready more
    /// recently, more restarts, newer. Times compare as the API holds them (whole seconds) and,
    /// with LogarithmicScaleDown (locked on since 1.31), in log2 buckets of their age at `now`,
    /// pods in one bucket by uid. When every pod goes, none is ranked.
    public static func podsToDelete(_ pods: [SimPod], count: Int, related: [SimPod]? = nil, now: Timestamp? = nil) -> [SimPod] {
        guard count < pods.count else { return Array(pods.prefix(max(0, count))) }
        let onNode = RelatedOnNode(pods, related: related ?? pods)
        // Everything a comparison needs, read once per pod (a comparison then costs no hashing).
        struct Rank {
            var scheduled: Bool
            /// podPhaseToOrdinal: Pending 0, Unknown 1, Running 2.
            var phase: Int
            var ready: Bool
            var cost: Int
            var onNode: Int
            /// Whole seconds and log2 bucket of the ready time and the creation time.
            var readySeconds: Int?
            var readyBucket: Int
            var restarts: Int
            var createdSeconds: Int
            var createdBucket: Int
            /// The uid's first 16 bytes as numbers (`PackedPrefix`), nil when not ASCII: two
            /// uids whose numbers differ are in the order of those numbers.
            var uid: PackedPrefix?
        }
        let ranks = pods.map { pod -> Rank in
            let readySeconds = pod.ready ? pod.readySince.map(wholeSeconds) : nil
            let createdSeconds = wholeSeconds(pod.created)
            return Rank(scheduled: pod.isScheduled, phase: pod.phase == "Running" ? 2 : 0, ready: pod.ready, cost: pod.deletionCost,
                        onNode: onNode.count(pod), readySeconds: readySeconds,
                        readyBucket: readySeconds.flatMap { s in now.map { logarithmicRank(s, now: $0) } } ?? 0,
                        restarts: pod.restarts, createdSeconds: createdSeconds, createdBucket: now.map { logarithmicRank(createdSeconds, now: $0) } ?? 0,
                        uid: PackedPrefix(pod.uid))
        }
        /// `pods[a].uid < pods[b].uid`, by the packed prefixes when they differ.
        func uidPrecedes(_ a: Int, _ b: Int) -> Bool {
            if let x = ranks[a].uid, let y = ranks[b].uid, x.high != y.high || x.low != y.low {
                return x.high != y.high ? x.high < y.high : x.low < y.low
            }
            return pods[a].uid < pods[b].uid
        }
        /// Whether `a` goes before `b` by the time rule: more recent first; with
        /// LogarithmicScaleDown, times in one log2 bucket tie and go by uid.
        func recentFirst(_ a: Int, _ sa: Int, _ ba: Int, _ b: Int, _ sb: Int, _ bb: Int) -> Bool? {
            if sa == sb { return nil }
            guard now != nil else { return sa > sb }
            return ba == bb ? uidPrecedes(a, b) : ba < bb
        }
        func precedes(_ i: Int, _ j: Int) -> Bool {
            let a = ranks[i], b = ranks[j]
            if a.scheduled != b.scheduled { return !a.scheduled }
            if a.phase != b.phase { return a.phase < b.phase }
            if a.ready != b.ready { return !a.ready }
            if a.cost != b.cost { return a.cost < b.cost }
            if a.onNode != b.onNode { return a.onNode > b.onNode }
            if let sa = a.readySeconds, let sb = b.readySeconds, let first = recentFirst(i, sa, a.readyBucket, j, sb, b.readyBucket) { return first }
            if a.restarts != b.restarts { return a.restarts > b.restarts }
            if let first = recentFirst(i, a.createdSeconds, a.createdBucket, j, b.createdSeconds, b.createdBucket) { return first }
            return uidPrecedes(i, j)
        }
        // The order is total (the uid breaks the last tie), so the first `count` of it are the
        // `count` least: found without sorting all (`FirstInOrder`) — kept in a heap when few
        // of many are wanted (a ReplicaSet of 10,000 scaled down by the few pods that just
        // became available), partitioned ahead of the others when more are.
        return FirstInOrder.indices(count, of: pods.count, by: precedes).map { pods[$0] }
    }

    /// How many active related pods are on each pod's node (`getPodsRankedByRelatedPodsOnSameNode`
    /// counts them by node name). A cluster's own pods are counted by their placement's number
    /// (`SimPod.placementNumber`, one per node), in an array: the names were 60,000 hashes at a
    /// 10,000-replica roll. Pods made apart from a cluster (no number) are counted by name.
    struct RelatedOnNode {
        private var byNumber: [Int] = []
        private var byName: [String: Int]?

        init(_ pods: [SimPod], related: [SimPod]) {
            // (Only the active related pods are counted; the ranked ones are all looked up.)
            func placed(_ pod: SimPod) -> Bool { pod.nodeName == nil || pod.placementNumber >= 0 }
            guard related.allSatisfy({ !$0.isActive || placed($0) }), pods.allSatisfy(placed) else {
                byName = Self.byName(related)
                return
            }
            var highest = -1
            for pod in related where pod.isActive && pod.nodeName != nil { highest = max(highest, pod.placementNumber) }
            byNumber = [Int](repeating: 0, count: highest + 1)
            for pod in related where pod.isActive && pod.nodeName != nil { byNumber[pod.placementNumber] += 1 }
            #if DEBUG
            if pods.count <= 2_000 {
                let names = Self.byName(related)
                for pod in pods { precondition(count(pod) == pod.nodeName.flatMap { names[$0] } ?? 0, "pods to delete: \(pod.name)'s related pods on its node miscounted") }
            }
            #endif
        }

        private static func byName(_ related: [SimPod]) -> [String: Int] {
            var counts: [String: Int] = [:]
            for pod in related where pod.isActive { if let node = pod.nodeName { counts[node, default: 0] += 1 } }
            return counts
        }

        func count(_ pod: SimPod) -> Int {
            guard let node = pod.nodeName else { return 0 }
            if let byName { return byName[node] ?? 0 }
            let n = pod.placementNumber
            return n >= 0 && n < byNumber.count ? byNumber[n] : 0
        }
    }

    private static func wholeSeconds(_ t: Timestamp) -> Int { t.milliseconds - ((t.milliseconds % 1000) + 1000) % 1000 }

    /// `logarithmicRankDiff`'s rank: floor(log2(age in nanoseconds)), -1 for no age.
    static func logarithmicRank(_ milliseconds: Int, now: Timestamp) -> Int {
        let age = now.milliseconds.subtractingSaturating(milliseconds)
        guard age > 0 else { return -1 }
        // floor(log2(x)) of a positive double is its binary exponent.
        return Int((Double(age) * 1_000_000).exponent)
    }
}

extension SimPod {
    /// `controller.kubernetes.io/pod-deletion-cost` (an int32; anything else counts as 0, as
    /// `GetDeletionCostFromPodAnnotations`'s error is ignored by the ranking).
    var deletionCost: Int {
        guard let text = template["metadata"]?["annotations"]?["controller.kubernetes.io/pod-deletion-cost"]?.stringValue,
              let cost = Int32(text) else { return 0 }
        return Int(cost)
    }
}

/// The DaemonSet controller (`pkg/controller/daemon`, Kubernetes 1.32): for each DaemonSet
/// something happened to (its object, its pods, the nodes), `syncDaemonSet`: the history
/// (`constructHistory`), `manage` (a pod on every node that should run one, none elsewhere),
/// then — once what manage asked for is done, as the expectations wait for it — the rolling
/// update (update.go), the history limit, and the status.
public enum DaemonSetController {
    static let type = ResourceType.forObject(apiVersion: "apps/v1", kind: "DaemonSet")
    static let component = "daemonset-controller"
    /// `DefaultDaemonSetUniqueLabelKey`: the hash of the template a pod was made from.
    static let hashLabel = "controller-revision-hash"
    /// `DaemonSetTemplateGenerationKey`.
    static let generationLabel = "pod-template-generation"

    static func sync(in c: Cluster) -> Bool {
        // The nodes changed: every DaemonSet looks again (addNode, updateNode, deleteNode).
        if c.nodeChanges != c.daemonSetNodeChanges {
            c.daemonSetNodeChanges = c.nodeChanges
            c.daemonSetsToSync.formUnion(c.daemonSets.values.map(\.uid))
        }
        guard !c.daemonSetsToSync.isEmpty else { return false }
        let due = c.daemonSetsToSync.sorted()
        c.daemonSetsToSync = []
        var changed = false
        for uid in due {
            guard let key = c.daemonSetKeys[uid], let resource = c.daemonSets[key] else { continue }
            var control = DaemonSetSync(c: c, resource: resource)
            if control.run() { changed = true }
        }
        return changed
    }
}

/// One `syncDaemonSet`.
struct DaemonSetSync {
    let c: Cluster
    var resource: Resource
    let ds: DaemonSet
    var wrote = false

    init(c: Cluster, resource: Resource) {
        self.c = c
        self.resource = resource
        var reader = FieldReader()
        ds = DaemonSet(resource, reader: &reader)
    }

    mutating func run() -> Bool {
        guard let selector = ds.selector else { return false }
        if selector.isEmpty {
            let message = "This daemon set is selecting all pods. A non-empty selector is required."
            if !c.hasEvent(kind: "DaemonSet", uid: resource.uid, reason: "SelectingAll", message: message) {
                c.record("Warning", reason: "SelectingAll", message: message, kind: "DaemonSet", name: resource.name, namespace: resource.namespace ?? "default",
                         uid: resource.uid, component: DaemonSetController.component)
            }
            return false
        }
        let (current, old) = constructHistory()
        let hash = current.labels[DaemonSetController.hashLabel] ?? ""
        if resource.deletionTimestamp == nil {
            // Pods asked for now are seen at the next sync (expectations): the rolling update
            // waits for it.
            if !manage(hash: hash), case .rollingUpdate = ds.updateStrategy {
                rollingUpdate(hash: hash)
            }
            cleanupHistory(old, hash: hash)
        }
        updateStatus(hash: hash, observe: resource.deletionTimestamp == nil)
        return wrote
    }

    // MARK: nodes and pods

    /// `NewPod` + `NodeShouldRunDaemonPod`: whether a pod of this set should start on `node`,
    /// and whether one there may keep running (an untolerated NoSchedule taint keeps new pods
    /// off but lets running ones stay; NoExecute evicts).
    static func shouldRun(_ requirements: PodRequirements, nodeName: String?, on node: SimNode) -> (run: Bool, keep: Bool) {
        if let nodeName, !nodeName.isEmpty, nodeName != node.name { return (false, false) }
        guard NodeFilters.nodeAffinity(requirements, node) == nil else { return (false, false) }
        guard NodeFilters.taintToleration(requirements, taints: node.taints) != nil else { return (true, true) }
        let evicting = node.taints.contains { $0.effect == "NoExecute" && !requirements.tolerates($0) }
        return (false, !evicting)
    }

    /// The set's pod template as its pods get it: `AddOrUpdateDaemonPodTolerations`.
    static func podSpec(_ template: Object) -> Object {
        var spec = template["spec"]?.objectValue ?? Object()
        var tolerations = spec["tolerations"]?.arrayValue ?? []
        var wanted: [(String, String)] = [("node.kubernetes.io/not-ready", "NoExecute"), ("node.kubernetes.io/unreachable", "NoExecute"),
                                          ("node.kubernetes.io/disk-pressure", "NoSchedule"), ("node.kubernetes.io/memory-pressure", "NoSchedule"),
                                          ("node.kubernetes.io/pid-pressure", "NoSchedule"), ("node.kubernetes.io/unschedulable", "NoSchedule")]
        if spec["hostNetwork"]?.boolValue == true { wanted.append(("node.kubernetes.io/network-unavailable", "NoSchedule")) }
        for (key, effect) in wanted {
            let toleration = Value.object(Object(["key": .string(key), "operator": .string("Exists"), "effect": .string(effect)]))
            // AddOrUpdateTolerationInPodSpec: the same key and effect is replaced, else added.
            if let i = tolerations.firstIndex(where: { $0["key"]?.stringValue == key && $0["effect"]?.stringValue == effect }) {
                tolerations[i] = toleration
            } else {
                tolerations.append(toleration)
            }
        }
        spec["tolerations"] = .array(tolerations)
        return spec
    }

    var requirements: PodRequirements {
        var template = resource.object["spec"]?["template"]?.objectValue ?? Object()
        template["spec"] = .object(Self.podSpec(template))
        return PodRequirements(template: template)
    }

    /// `getNodesToDaemonPods`: the set's pods by the node they are for, oldest first,
    /// terminating ones included.
    func podsByNode() -> [String: [SimPod]] {
        var byNode: [String: [SimPod]] = [:]
        for pod in c.pods(ownedBy: resource.uid) where !pod.gone {
            byNode[pod.nodeName ?? DaemonSetSync.targetNode(pod) ?? "", default: []].append(pod)
        }
        // podByCreationTimestampAndPhase: scheduled first, then by creation time (whole
        // seconds, as the API holds it), then by name.
        for key in byNode.keys {
            byNode[key]?.sort { a, b in
                if (a.nodeName == nil) != (b.nodeName == nil) { return a.nodeName != nil }
                let (sa, sb) = (a.created.milliseconds / 1000, b.created.milliseconds / 1000)
                return sa == sb ? a.name < b.name : sa < sb
            }
        }
        return byNode
    }

    /// `GetTargetNodeName`: the node a pod not yet bound is meant for (its node affinity's
    /// `metadata.name`).
    static func targetNode(_ pod: SimPod) -> String? {
        let terms = pod.template["spec"]?["affinity"]?["nodeAffinity"]?["requiredDuringSchedulingIgnoredDuringExecution"]?["nodeSelectorTerms"]?.arrayValue ?? []
        for term in terms {
            for field in term["matchFields"]?.arrayValue ?? [] where field["key"]?.stringValue == "metadata.name" {
                if let node = field["values"]?.arrayValue?.first?.stringValue { return node }
            }
        }
        return nil
    }

    func isUpdated(_ pod: SimPod, hash: String) -> Bool {
        // IsPodUpdated: the template generation or the hash matches.
        let generation = String(DaemonSet.templateGeneration(resource))
        return (!hash.isEmpty && pod.labels[DaemonSetController.hashLabel] == hash) || pod.labels[DaemonSetController.generationLabel] == generation
    }

    /// `AllowsSurge`: a surge of at least one pod out of one (`SurgeCount(ds, 1)`).
    var allowsSurge: Bool {
        guard case .rollingUpdate(_, let surge) = ds.updateStrategy else { return false }
        return (surge.scaled(total: 1, roundUp: true) ?? 0) > 0
    }

    // MARK: manage

    /// `manage`: the pods each node should have. Returns whether it created or deleted any.
    mutating func manage(hash: String) -> Bool {
        let byNode = podsByNode()
        let r = requirements
        let nodeName = resource.object["spec"]?["template"]?["spec"]?["nodeName"]?.stringValue
        var create: [String] = [], delete: [SimPod] = []
        let surge = allowsSurge
        // The pods its nodes' kubelets rejected (Failed), by node, until deleted.
        var failed: [String: [SimPod]] = [:]
        for pod in c.failedDaemonPods[resource.uid] ?? [] where pod.rejection != nil { failed[pod.nodeName ?? "", default: []].append(pod) }
        var deletedFailed = false
        for node in c.nodes.sorted(by: { $0.name < $1.name }) {
            let (run, keep) = Self.shouldRun(r, nodeName: nodeName, on: node)
            let pods = byNode[node.name] ?? []
            if let here = failed[node.name] {
                // podsShouldBeOnNode: a failed daemon pod is deleted — "often fighting with
                // kubelet that rejects pods", under failedPodsBackoff (1 s doubling to 15 min,
                // keyed by set and node); the node gets a pod again once it has none.
                if keep || run { deletedFailed = deleteFailed(here, on: node.name) || deletedFailed }
                continue
            }
            if run && pods.isEmpty { create.append(node.name); continue }
            if keep {
                let running = pods.filter { !$0.isTerminating }
                if !surge {
                    // More than one: all but the oldest go.
                    if running.count > 1 { delete += running.dropFirst() }
                    continue
                }
                if running.count <= 1 {
                    if running.isEmpty && run { create.append(node.name) }
                    continue
                }
                // Surging: the oldest new and the oldest old may stay together while the new
                // one is not available and the old one is ready.
                var oldestNew: SimPod?, oldestOld: SimPod?
                for pod in running {
                    if isUpdated(pod, hash: hash) {
                        if oldestNew == nil { oldestNew = pod; continue }
                    } else if oldestOld == nil { oldestOld = pod; continue }
                    delete.append(pod)
                }
                if let new = oldestNew, let old = oldestOld {
                    if !old.ready || new.isAvailable(minReadySeconds: ds.minReadySeconds, now: c.now) { delete.append(old) }
                }
            } else {
                delete += pods.filter { !$0.isTerminating }
            }
        }
        // Pods for nodes that do not exist, never scheduled (getUnscheduledPodsWithoutNode).
        let names = Set(c.nodes.map(\.name))
        for (node, pods) in byNode where !names.contains(node) {
            delete += pods.filter { $0.nodeName == nil && !$0.isTerminating }
        }
        syncNodes(delete: delete, create: create, hash: hash)
        return !create.isEmpty || !delete.isEmpty || deletedFailed
    }

    /// The failed pods of `node` deleted, unless its back-off holds them (then the set is
    /// synced again when it ends: `enqueueDaemonSetAfter`). Whether any was deleted.
    mutating func deleteFailed(_ pods: [SimPod], on node: String) -> Bool {
        let key = resource.uid + "/" + node
        let namespace = resource.namespace ?? "default"
        var deleted = false
        for pod in pods {
            // flowcontrol.Backoff: IsInBackOffSinceUpdate, then Next.
            let entry = c.failedDaemonPodsBackoff[key]
            if let entry, Backoff.inBackOffSinceUpdate(entry, now: c.now, max: Self.failedPodsMaxBackoff) {
                c.timers.add(.daemonSet(uid: resource.uid), at: entry.lastUpdate.adding(Duration(milliseconds: entry.backoff)))
                continue
            }
            c.failedDaemonPodsBackoff[key] = Backoff.next(entry, event: c.now, now: c.now, initial: Self.failedPodsInitialBackoff, max: Self.failedPodsMaxBackoff)
            c.record("Warning", reason: "FailedDaemonPod", message: "Found failed daemon pod \(pod.namespace)/\(pod.name) on node \(node), will try to kill it",
                     kind: "DaemonSet", name: resource.name, namespace: namespace, uid: resource.uid, component: DaemonSetController.component)
            KubeletAdmission.deleteRejected(pod, in: c)
            c.failedDaemonPods[resource.uid]?.removeAll { $0 === pod }
            c.record(reason: "SuccessfulDelete", message: "Deleted pod: \(pod.name)", kind: "DaemonSet", name: resource.name, namespace: namespace,
                     uid: resource.uid, component: DaemonSetController.component)
            c.daemonSetsToSync.insert(resource.uid)
            wrote = true
            deleted = true
        }
        return deleted
    }

    /// `failedPodsBackoff`: `flowcontrol.NewBackOff(1*time.Second, 15*time.Minute)`.
    static let failedPodsInitialBackoff = 1_000
    static let failedPodsMaxBackoff = 15 * 60_000

    /// `syncNodes`: deletes, then creates a pod for each node named, pinned to it by node
    /// affinity (`ReplaceDaemonSetPodNodeNameNodeAffinity`), labelled with the hash and the
    /// template generation.
    mutating func syncNodes(delete: [SimPod], create: [String], hash: String) {
        let namespace = resource.namespace ?? "default"
        for pod in delete {
            Kubelet.beginTermination(pod.uid, in: c)
            c.record(reason: "SuccessfulDelete", message: "Deleted pod: \(pod.name)", kind: "DaemonSet", name: resource.name, namespace: namespace,
                     uid: resource.uid, component: DaemonSetController.component)
            wrote = true
        }
        guard !create.isEmpty else { return }
        let template = resource.object["spec"]?["template"]?.objectValue ?? Object()
        var labels = stringMap(template["metadata"]?["labels"])
        labels[DaemonSetController.hashLabel] = hash
        labels[DaemonSetController.generationLabel] = String(DaemonSet.templateGeneration(resource))
        var quota = QuotaSession(namespace: namespace, in: c)
        // syncNodes' batches (1, 2, 4, …): the batch in which the API server refuses a pod once
        // it is named (LimitRanger's validation, ResourceQuota) is the last; each refusal is
        // recorded, and the DaemonSet is synced again with the controller's backoff.
        var batchEnd = 1, batchSize = 1, refused = false
        for (index, node) in create.enumerated() {
            if index == batchEnd {
                if refused { break }
                batchSize *= 2
                batchEnd += batchSize
            }
            guard c.podsHeld < c.podLimit else {
                let message = "Error creating: pods \"\(resource.name)-\" is forbidden: the simulated cluster holds at most \(c.podLimit) pods"
                if !c.hasEvent(kind: "DaemonSet", uid: resource.uid, reason: "FailedCreate", message: message) {
                    c.record("Warning", reason: "FailedCreate", message: message, kind: "DaemonSet", name: resource.name, namespace: namespace,
                             uid: resource.uid, component: DaemonSetController.component)
                }
                return
            }
            var spec = Self.podSpec(template)
            var affinity = spec["affinity"]?.objectValue ?? Object()
            var nodeAffinity = affinity["nodeAffinity"]?.objectValue ?? Object()
            nodeAffinity["requiredDuringSchedulingIgnoredDuringExecution"] = .object(Object(["nodeSelectorTerms": .array([.object(Object([
                "matchFields": .array([.object(Object(["key": .string("metadata.name"), "operator": .string("In"), "values": .array([.string(node)])]))]),
            ]))])]))
            affinity["nodeAffinity"] = .object(nodeAffinity)
            spec["affinity"] = .object(affinity)
            Defaults.podAdmission(&spec)
            if let forbidden = c.serviceAccounts.admit(&spec, namespace: namespace) ?? c.priorityClasses.admit(&spec) {
                // syncNodes: the batch stops at the first refusal (a mutating plugin's: the pod
                // is named by its generateName), recorded at each sync and retried with the
                // back-off.
                let message = "Error creating: pods \"\(resource.name)-\" is forbidden: \(forbidden)"
                c.record("Warning", reason: "FailedCreate", message: message, kind: "DaemonSet", name: resource.name, namespace: namespace,
                         uid: resource.uid, component: DaemonSetController.component)
                c.requeueRateLimited(resource.uid, .daemonSet(uid: resource.uid))
                if c.admissionRefusals[resource.uid] == nil { c.admissionRefusals[resource.uid] = "pods \"\(resource.name)-\" is forbidden: \(forbidden)" }
                wrote = true
                return
            }
            var podTemplate = Object()
            if let annotations = template["metadata"]?["annotations"] { podTemplate["metadata"] = .object(Object(["annotations": annotations])) }
            podTemplate["spec"] = .object(spec)
            let limitRefusal = c.limitRanges.admit(&podTemplate, namespace: namespace) ?? c.podSecurity.admit(podTemplate["spec"]?.objectValue ?? Object(),
                                                                                                                annotations: stringMap(podTemplate["metadata"]?["annotations"]), namespace: namespace)
            var name = "\(resource.name)-\(c.randomSuffix())"
            while c.podNames.contains(PodName(namespace: namespace, name: name)) { name = "\(resource.name)-\(c.randomSuffix())" }
            if let refusal = limitRefusal ?? quota?.admit(podTemplate["spec"]?.objectValue ?? Object()) {
                c.record("Warning", reason: "FailedCreate", message: "Error creating: pods \"\(name)\" is forbidden: \(refusal)", kind: "DaemonSet",
                         name: resource.name, namespace: namespace, uid: resource.uid, component: DaemonSetController.component)
                if !refused { c.requeueRateLimited(resource.uid, .daemonSet(uid: resource.uid)) }
                if c.admissionRefusals[resource.uid] == nil { c.admissionRefusals[resource.uid] = "pods \"\(name)\" is forbidden: \(refusal)" }
                refused = true
                wrote = true
                continue
            }
            let pod = SimPod(name: name, namespace: namespace, uid: c.newUID(), ownerUID: resource.uid, ownerName: resource.name, labels: labels,
                             template: podTemplate, created: c.now, behaviour: AppBehaviour(template: .object(podTemplate)))
            pod.ownerKind = "DaemonSet"
            c.add(pod)
            c.record(reason: "SuccessfulCreate", message: "Created pod: \(name)", kind: "DaemonSet", name: resource.name, namespace: namespace,
                     uid: resource.uid, component: DaemonSetController.component)
            wrote = true
        }
        if !refused { c.workloadFailures[resource.uid] = nil }
    }
}

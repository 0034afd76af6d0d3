/// Making and deleting a StatefulSet's pods and claims, with the events the controller records
/// (`stateful_pod_control.go`: CreateStatefulPod, DeleteStatefulPod, createPersistentVolumeClaims,
/// recordPodEvent, recordClaimEvent).
enum StatefulPodControl {
    static let component = "statefulset-controller"
    static let claimType = ResourceType.forObject(apiVersion: "v1", kind: "PersistentVolumeClaim")

    /// `newStatefulSetPod` with `initIdentity` and `updateStorage`, at `revision`: the
    /// template's labels and annotations, the pod-name, pod-index and revision labels, the
    /// hostname and subdomain, each claim template's volume in place of the template's own;
    /// and why the API server would refuse it (`PriorityClasses.admit`), if it would.
    static func newPod(set: Resource, spec: StatefulSet, template: Object, ordinal: Int, revision: String, in c: Cluster) -> (pod: SimPod, forbidden: String?) {
        let name = StatefulSetUtils.podName(set.name, ordinal)
        var labels = stringMap(template["metadata"]?["labels"])
        labels[StatefulSetUtils.podNameLabel] = name
        labels[StatefulSetUtils.podIndexLabel] = String(ordinal)
        labels[StatefulSetUtils.revisionLabel] = revision
        var podSpec = template["spec"]?.objectValue ?? Object()
        podSpec["hostname"] = .string(name)
        if !spec.serviceName.isEmpty { podSpec["subdomain"] = .string(spec.serviceName) }
        if !spec.volumeClaimTemplates.isEmpty {
            let claims = Set(spec.volumeClaimTemplates)
            let own = (podSpec["volumes"]?.arrayValue ?? []).filter { !claims.contains($0["name"]?.stringValue ?? "") }
            let claimVolumes: [Value] = spec.volumeClaimTemplates.map { claim in
                .object(Object(["name": .string(claim), "persistentVolumeClaim": .object(Object([
                    "claimName": .string(StatefulSetUtils.claimName(claim, set: set.name, ordinal: ordinal)),
                ]))]))
            }
            podSpec["volumes"] = .array(claimVolumes + own)
        }
        Defaults.podAdmission(&podSpec)
        var forbidden = c.serviceAccounts.admit(&podSpec, namespace: set.namespace ?? "default") ?? c.priorityClasses.admit(&podSpec)
        var podTemplate = Object()
        if let annotations = template["metadata"]?["annotations"] { podTemplate["metadata"] = .object(Object(["annotations": annotations])) }
        podTemplate["spec"] = .object(podSpec)
        // LimitRanger's defaults and limits (the pod has its name: the message is the same).
        if let refusal = c.limitRanges.admit(&podTemplate, namespace: set.namespace ?? "default")
            ?? c.podSecurity.admit(podTemplate["spec"]?.objectValue ?? Object(), annotations: stringMap(podTemplate["metadata"]?["annotations"]),
                                   namespace: set.namespace ?? "default"), forbidden == nil { forbidden = refusal }
        let pod = SimPod(name: name, namespace: set.namespace ?? "default", uid: c.newUID(), ownerUID: set.uid, ownerName: set.name, labels: labels,
                         template: podTemplate, created: c.now, behaviour: AppBehaviour(template: .object(podTemplate)))
        pod.ownerKind = "StatefulSet"
        return (pod, forbidden)
    }

    /// `CreateStatefulPod`: the claims first (those missing), then the pod. False when the
    /// API server refuses it (`forbidden`: an admission plugin's message) or the simulated
    /// cluster holds no more pods (as a quota would refuse it).
    static func create(_ pod: SimPod, forbidden: String? = nil, set: Resource, spec: StatefulSet, in c: Cluster) -> Bool {
        if let failed = createMissingClaims(for: pod, set: set, spec: spec, in: c) {
            // A claim the API server refused: the pod is not created (recordPodEvent with the
            // claims' error), and the sync is retried with the back-off.
            c.record("Warning", reason: "FailedCreate", message: "create Pod \(pod.name) in StatefulSet \(set.name) failed error: \(failed)", kind: "StatefulSet",
                     name: set.name, namespace: pod.namespace, uid: set.uid, component: component)
            c.requeueRateLimited(set.uid, .statefulSet(uid: set.uid))
            if c.admissionRefusals[set.uid] == nil { c.admissionRefusals[set.uid] = failed }
            return false
        }
        // ResourceQuota's admission, last of the plugins; a refusal is retried with the
        // controller's backoff (the sync fails: `queue.AddRateLimited`) and recorded each time.
        var quota = QuotaSession(namespace: pod.namespace, in: c)
        if forbidden == nil, let refusal = quota?.admit(pod.template["spec"]?.objectValue ?? Object()) {
            let message = "create Pod \(pod.name) in StatefulSet \(set.name) failed error: pods \"\(pod.name)\" is forbidden: \(refusal)"
            c.record("Warning", reason: "FailedCreate", message: message, kind: "StatefulSet", name: set.name, namespace: pod.namespace, uid: set.uid, component: component)
            c.requeueRateLimited(set.uid, .statefulSet(uid: set.uid))
            if c.admissionRefusals[set.uid] == nil { c.admissionRefusals[set.uid] = "pods \"\(pod.name)\" is forbidden: \(refusal)" }
            return false
        }
        let refusal = forbidden.map { "pods \"\(pod.name)\" is forbidden: \($0)" }
            ?? (c.podsHeld < c.podLimit ? nil : "the simulated cluster holds at most \(c.podLimit) pods")
        if let refusal {
            // recordPodEvent: `create Pod <name> in StatefulSet <set> failed error: <err>`.
            let message = "create Pod \(pod.name) in StatefulSet \(set.name) failed error: \(refusal)"
            if forbidden != nil {
                // An admission plugin's refusal: recorded at each sync, retried with the back-off.
                c.record("Warning", reason: "FailedCreate", message: message, kind: "StatefulSet", name: set.name, namespace: pod.namespace, uid: set.uid, component: component)
                c.requeueRateLimited(set.uid, .statefulSet(uid: set.uid))
                if c.admissionRefusals[set.uid] == nil { c.admissionRefusals[set.uid] = refusal }
            } else if !c.hasEvent(kind: "StatefulSet", uid: set.uid, reason: "FailedCreate", message: message) {
                c.record("Warning", reason: "FailedCreate", message: message, kind: "StatefulSet", name: set.name, namespace: pod.namespace, uid: set.uid, component: component)
            }
            return false
        }
        c.add(pod)
        c.workloadFailures[set.uid] = nil
        c.record(reason: "SuccessfulCreate", message: "create Pod \(pod.name) in StatefulSet \(set.name) successful",
                 kind: "StatefulSet", name: set.name, namespace: pod.namespace, uid: set.uid, component: component)
        return true
    }

    /// `createPersistentVolumeClaims` for the claims of `pod` that do not exist.
    /// (The API server's admission of each claim: the namespace's LimitRanges' claim limits,
    /// then its quotas. What it refuses is recorded — `create Claim data-db-0 for Pod db-0 in
    /// StatefulSet db failed error: …` — and the errors come back as createPersistentVolumeClaims
    /// returns them, `failed to create PVC data-db-0: …`, several in brackets.)
    @discardableResult
    static func createMissingClaims(for pod: SimPod, set: Resource, spec: StatefulSet, in c: Cluster) -> String? {
        var failures: [String] = []
        let ordinal = StatefulSetUtils.ordinal(of: pod.name, parent: set.name)
        let templates = set.object["spec"]?["volumeClaimTemplates"]?.arrayValue ?? []
        let selectorLabels = set.object["spec"]?["selector"]?["matchLabels"]?.objectValue ?? Object()
        for template in templates {
            guard let claim = template["metadata"]?["name"]?.stringValue else { continue }
            let name = StatefulSetUtils.claimName(claim, set: set.name, ordinal: ordinal)
            let key = ObjectKey(type: claimType.storageKey, namespace: pod.namespace, name: name)
            guard c.claims[key] == nil else { continue }
            var labels = template["metadata"]?["labels"]?.objectValue ?? Object()
            for member in selectorLabels.members { labels[member.key] = member.value }
            var meta = Object(["name": .string(name), "namespace": .string(pod.namespace), "uid": .string(c.newUID()),
                               "creationTimestamp": .string(c.now.description)])
            if !labels.members.isEmpty { meta["labels"] = .object(labels) }
            meta["finalizers"] = .array([.string("kubernetes.io/pvc-protection")])
            // whenDeleted: Delete — the claim is the set's (`setOwnerRef`, no controller flag),
            // so deleting the set deletes it (the garbage collector, `rollout delete`).
            if spec.whenDeleted == "Delete" {
                meta["ownerReferences"] = .array([.object(Object([
                    "apiVersion": .string("apps/v1"), "kind": .string("StatefulSet"), "name": .string(set.name), "uid": .string(set.uid),
                ]))])
            }
            var claimSpec = template["spec"]?.objectValue ?? Object()
            // The DefaultStorageClass admission plugin: the default class when none is named.
            if claimSpec["storageClassName"] == nil, let defaultClass = c.defaultStorageClass { claimSpec["storageClassName"] = .string(defaultClass) }
            claimSpec.setDefault("volumeMode", .string("Filesystem"))
            let claimObject = Resource(Object([
                "apiVersion": .string("v1"), "kind": .string("PersistentVolumeClaim"), "metadata": .object(meta),
                "spec": .object(claimSpec), "status": .object(Object(["phase": .string("Pending")])),
            ]))
            let quotas = c.resourceQuotas.quotas(in: pod.namespace)
            let quotaRefusal = quotas.isEmpty ? nil : ResourceQuotas.admit(object: claimObject, old: nil, quotas: quotas, used: ResourceQuotas.objectsUsage(
                of: quotas, objects: c.claims.values.filter { ($0.namespace ?? "default") == pod.namespace }.sorted { $0.name < $1.name })).refusal
            if let refusal = c.limitRanges.validateClaim(claimSpec, namespace: pod.namespace) ?? quotaRefusal {
                let error = "persistentvolumeclaims \"\(name)\" is forbidden: \(refusal)"
                c.record("Warning", reason: "FailedCreate", message: "create Claim \(name) for Pod \(pod.name) in StatefulSet \(set.name) failed error: \(error)",
                         kind: "StatefulSet", name: set.name, namespace: pod.namespace, uid: set.uid, component: component)
                failures.append("failed to create PVC \(name): \(error)")
                continue
            }
            c.putClaim(claimObject)
            c.record(reason: "SuccessfulCreate", message: "create Claim \(name) Pod \(pod.name) in StatefulSet \(set.name) success",
                     kind: "StatefulSet", name: set.name, namespace: pod.namespace, uid: set.uid, component: component)
        }
        // errorutils.NewAggregate.
        return failures.isEmpty ? nil : failures.count == 1 ? failures[0] : "[" + failures.joined(separator: ", ") + "]"
    }

    /// `DeleteStatefulPod`: a graceful delete, as the API server takes it.
    /// `DeleteStatefulPod` of a pod its kubelet rejected (Failed: deleted at once, grace 0 —
    /// `CheckGracefulDelete`): it goes at the save, its name free for the pod made again.
    static func deleteFailed(_ pod: SimPod, set: Resource, in c: Cluster) {
        KubeletAdmission.deleteRejected(pod, in: c)
        c.record(reason: "SuccessfulDelete", message: "delete Pod \(pod.name) in StatefulSet \(set.name) successful",
                 kind: "StatefulSet", name: set.name, namespace: pod.namespace, uid: set.uid, component: component)
    }

    static func delete(_ pod: SimPod, set: Resource, in c: Cluster) {
        Kubelet.beginTermination(pod.uid, in: c)
        c.record(reason: "SuccessfulDelete", message: "delete Pod \(pod.name) in StatefulSet \(set.name) successful",
                 kind: "StatefulSet", name: set.name, namespace: pod.namespace, uid: set.uid, component: component)
    }
}

/// What `rollout status` says about a Deployment: kubectl's `DeploymentStatusViewer`
/// messages (`polymorphichelpers/rollout_status.go`, §13), plus — beyond kubectl — a failure
/// as soon as every new pod is stuck in CrashLoopBackOff or ImagePullBackOff.
public enum RolloutStatus {
    public enum Result: Equatable, Sendable {
        case waiting(String)
        case done(String)
        case failed(String)

        public var message: String {
            switch self {
            case .waiting(let m), .done(let m), .failed(let m): return m
            }
        }
    }

    public static func evaluate(_ resource: Resource) -> Result {
        if resource.kind == "StatefulSet" { return statefulSet(resource) }
        if resource.kind == "DaemonSet" { return daemonSet(resource) }
        // Only what the viewer reads: `spec.replicas` as `Deployment` reads it (the same
        // reader, the same default) and the status — not the template, which decoding the
        // whole Deployment parsed for every look (`apply --wait` on 1,000 Deployments looks
        // at each one that moved, at every instant).
        var reader = FieldReader()
        let spec = reader.object(resource.object["spec"], FieldPath("spec")) ?? Object()
        let replicas = reader.int32(spec["replicas"], FieldPath("spec") / "replicas", goStruct: "DeploymentSpec") ?? 1
        let name = resource.name
        let s = DeploymentStatus(resource.object["status"]?.objectValue)
        guard resource.generation <= s.observedGeneration else {
            return .waiting("Waiting for deployment spec update to be observed...")
        }
        if s.conditions.first(where: { $0.type == "Progressing" })?.reason == "ProgressDeadlineExceeded" {
            return .failed("deployment \"\(name)\" exceeded its progress deadline")
        }
        if s.updatedReplicas < replicas {
            return .waiting("Waiting for deployment \"\(name)\" rollout to finish: \(s.updatedReplicas) out of \(replicas) new replicas have been updated...")
        }
        if s.replicas > s.updatedReplicas {
            return .waiting("Waiting for deployment \"\(name)\" rollout to finish: \(s.replicas - s.updatedReplicas) old replicas are pending termination...")
        }
        if s.availableReplicas < s.updatedReplicas {
            return .waiting("Waiting for deployment \"\(name)\" rollout to finish: \(s.availableReplicas) of \(s.updatedReplicas) updated replicas are available...")
        }
        return .done("deployment \"\(name)\" successfully rolled out")
    }

    /// kubectl's `StatefulSetStatusViewer` (`polymorphichelpers/rollout_status.go`): an error
    /// for OnDelete; with a `rollingUpdate` (a partition, 0 by default) the partitioned
    /// messages, otherwise the revisions compared.
    static func statefulSet(_ resource: Resource) -> Result {
        var reader = FieldReader()
        let set = StatefulSet(resource, reader: &reader)
        let s = set.status
        guard case .rollingUpdate(let partition, _) = set.updateStrategy else {
            return .failed("rollout status is only available for RollingUpdate strategy type")
        }
        if s.observedGeneration == 0 || resource.generation > s.observedGeneration {
            return .waiting("Waiting for statefulset spec update to be observed...")
        }
        if s.readyReplicas < set.replicas {
            return .waiting("Waiting for \(set.replicas - s.readyReplicas) pods to be ready...")
        }
        if let partition {
            if s.updatedReplicas < set.replicas - partition {
                return .waiting("Waiting for partitioned roll out to finish: \(s.updatedReplicas) out of \(set.replicas - partition) new pods have been updated...")
            }
            return .done("partitioned roll out complete: \(s.updatedReplicas) new pods have been updated...")
        }
        if s.updateRevision != s.currentRevision {
            return .waiting("waiting for statefulset rolling update to complete \(s.updatedReplicas) pods at revision \(s.updateRevision)...")
        }
        return .done("statefulset rolling update complete \(s.currentReplicas) pods at revision \(s.currentRevision)...")
    }

    /// kubectl's `DaemonSetStatusViewer`: an error for OnDelete, else the updated, then the
    /// available pods against those desired.
    static func daemonSet(_ resource: Resource) -> Result {
        var reader = FieldReader()
        let ds = DaemonSet(resource, reader: &reader)
        let s = ds.status
        guard case .rollingUpdate = ds.updateStrategy else { return .failed("rollout status is only available for RollingUpdate strategy type") }
        guard resource.generation <= s.observedGeneration else { return .waiting("Waiting for daemon set spec update to be observed...") }
        if s.updatedNumberScheduled < s.desiredNumberScheduled {
            return .waiting("Waiting for daemon set \"\(resource.name)\" rollout to finish: \(s.updatedNumberScheduled) out of \(s.desiredNumberScheduled) new pods have been updated...")
        }
        if s.numberAvailable < s.desiredNumberScheduled {
            return .waiting("Waiting for daemon set \"\(resource.name)\" rollout to finish: \(s.numberAvailable) of \(s.desiredNumberScheduled) updated pods are available...")
        }
        return .done("daemon set \"\(resource.name)\" successfully rolled out")
    }

    /// Every pod of the new ReplicaSet waits in CrashLoopBackOff or ImagePullBackOff: the
    /// rollout cannot finish by itself. The message names a pod and its reason.
    public static func stuckPods(_ resource: Resource, in c: Cluster) -> String? {
        if resource.kind == "DaemonSet" {
            // Its kubelets refuse the pods (KubeletAdmission): deleted under a back-off and made again.
            if let rejected = c.rejectedPods[resource.uid] {
                return "daemon set \"\(resource.name)\" failed: its pods are rejected by their node's kubelet (\(rejected.reason)): pod \(rejected.pod): \(rejected.message)"
            }
            // A surge pod its node cannot take because the old pod there holds its host port:
            // the old pod goes only once the new one is available, so neither ever moves.
            let live = c.pods(ownedBy: resource.uid).filter { !$0.gone && !$0.isTerminating }
            for pod in live.sorted(by: { $0.name < $1.name }) where pod.nodeName == nil && pod.schedulingFailure?.contains("didn't have free ports") == true {
                guard let node = DaemonSetSync.targetNode(pod), live.contains(where: { $0.nodeName == node && $0.uid != pod.uid }) else { continue }
                return "daemon set \"\(resource.name)\" failed: pod \(pod.name) for \(node) cannot be placed: the old pod there holds its host port, and goes only once the new one is available (maxSurge with a host port)"
            }
            // Pods of the new template stuck: the rollout cannot pass them.
            let generation = String(DaemonSet.templateGeneration(resource))
            let pods = c.pods(ownedBy: resource.uid).filter { $0.isActive && !$0.ready && $0.labels[DaemonSetController.generationLabel] == generation }
            for pod in pods.sorted(by: { ($0.nodeName ?? "", $0.name) < ($1.nodeName ?? "", $1.name) }) {
                if let why = Kubelet.stuck(pod) { return "daemon set \"\(resource.name)\" failed: pod \(pod.name) on \(pod.nodeName ?? "no node") is in \(why.reason): \(why.detail)" }
            }
            return nil
        }
        if resource.kind == "StatefulSet" {
            // Its kubelet refuses the pod (KubeletAdmission): deleted and made again, for good.
            if let rejected = c.rejectedPods[resource.uid] {
                return "statefulset \"\(resource.name)\" failed: its pods are rejected by their node's kubelet (\(rejected.reason)): pod \(rejected.pod): \(rejected.message)"
            }
            // The controller waits for its pods one at a time: one stuck at the update
            // revision holds the rollout for good.
            let update = resource.object["status"]?["updateRevision"]?.stringValue ?? ""
            let pods = c.pods(ownedBy: resource.uid).filter { $0.isActive && !$0.ready && StatefulSetUtils.revision(of: $0) == update }
            for pod in pods.sorted(by: { StatefulSetUtils.ordinal(of: $0.name, parent: resource.name) < StatefulSetUtils.ordinal(of: $1.name, parent: resource.name) }) {
                if let why = Kubelet.stuck(pod) { return "statefulset \"\(resource.name)\" failed: pod \(pod.name) is in \(why.reason), and the rollout waits for it: pod \(pod.name) \(why.detail)" }
            }
            return nil
        }
        guard let template = resource.object["spec"]?["template"]?.objectValue else { return nil }
        guard let new = c.replicaSets(ownedBy: resource.uid).first(where: { c.templatesEqual($0.template, template) }) else { return nil }
        // Its kubelet refuses every pod of the template (KubeletAdmission): each is rejected and
        // another made in its place, for good.
        if let rejected = c.rejectedPods[new.uid] {
            return "deployment \"\(resource.name)\" failed: its new pods are rejected by their node's kubelet (\(rejected.reason)): pod \(rejected.pod): \(rejected.message)"
        }
        // Its template names a node that does not exist (NodeNamedPods): no kubelet ever runs
        // its pods; the pod GC deletes each and another is made, for good.
        if let node = new.behaviour.nodeName, c.nodeIndex[node] == nil {
            return "deployment \"\(resource.name)\" failed: its pod template names node \"\(node)\" (spec.nodeName), which does not exist: its pods stay Pending until the pod GC deletes them"
        }
        // Its active pods counted as they change (PodCounts), and visited only until one is
        // not stuck — mostly the first: every Deployment that moved is asked at every instant
        // it waits, and visiting all its pods each time was a trip to memory per pod.
        let active = c.activePodCount(of: new.uid)
        guard active > 0, active >= new.specReplicas else { return nil }
        var stuck: [(pod: SimPod, reason: String, detail: String)] = []
        for pod in c.pods(ownedBy: new.uid) where pod.isActive {
            guard let why = Kubelet.stuck(pod) else { return nil }
            stuck.append((pod, why.reason, why.detail))
        }
        #if DEBUG
        precondition(stuck.count == active, "rollout status: kept count of active pods of ReplicaSet \(new.name) differs from its pods")
        #endif
        let reason = stuck.map(\.reason).sorted().first ?? ""
        guard let example = stuck.sorted(by: { $0.pod.name < $1.pod.name }).first(where: { $0.reason == reason }) else { return nil }
        let detail = example.detail
        return "deployment \"\(resource.name)\" failed: all \(stuck.count) new pods are in \(reason): pod \(example.pod.name) \(detail)"
    }
}

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
        var reader = FieldReader()
        let d = Deployment(resource, reader: &reader)
        let name = resource.name
        let s = d.status
        guard resource.generation <= s.observedGeneration else {
            return .waiting("Waiting for deployment spec update to be observed...")
        }
        if s.conditions.first(where: { $0.type == "Progressing" })?.reason == "ProgressDeadlineExceeded" {
            return .failed("deployment \"\(name)\" exceeded its progress deadline")
        }
        if s.updatedReplicas < d.replicas {
            return .waiting("Waiting for deployment \"\(name)\" rollout to finish: \(s.updatedReplicas) out of \(d.replicas) new replicas have been updated...")
        }
        if s.replicas > s.updatedReplicas {
            return .waiting("Waiting for deployment \"\(name)\" rollout to finish: \(s.replicas - s.updatedReplicas) old replicas are pending termination...")
        }
        if s.availableReplicas < s.updatedReplicas {
            return .waiting("Waiting for deployment \"\(name)\" rollout to finish: \(s.availableReplicas) of \(s.updatedReplicas) updated replicas are available...")
        }
        return .done("deployment \"\(name)\" successfully rolled out")
    }

    /// Every pod of the new ReplicaSet waits in CrashLoopBackOff or ImagePullBackOff: the
    /// rollout cannot finish by itself. The message names a pod and its reason.
    public static func stuckPods(_ resource: Resource, in c: Cluster) -> String? {
        guard let template = resource.object["spec"]?["template"]?.objectValue else { return nil }
        guard let new = c.replicaSets(ownedBy: resource.uid).first(where: { DeploymentController.templatesEqual($0.template, template) }) else { return nil }
        let pods = c.pods(ownedBy: new.uid).filter(\.isActive)
        guard !pods.isEmpty, pods.count >= new.specReplicas else { return nil }
        var stuck: [(pod: SimPod, reason: String, detail: String)] = []
        for pod in pods {
            guard let why = Kubelet.stuck(pod) else { return nil }
            stuck.append((pod, why.reason, why.detail))
        }
        let reason = stuck.map(\.reason).sorted().first ?? ""
        guard let example = stuck.sorted(by: { $0.pod.name < $1.pod.name }).first(where: { $0.reason == reason }) else { return nil }
        let detail = example.detail
        return "deployment \"\(resource.name)\" failed: all \(pods.count) new pods are in \(reason): pod \(example.pod.name) \(detail)"
    }
}

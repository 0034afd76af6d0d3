/// What the kubelet needs from the API before a pod can run: the ConfigMaps and Secrets of
/// its containers' environment (`kubelet_pods.go` makeEnvironmentVariables) and of its volumes
/// (`pkg/volume/configmap`, `pkg/volume/secret` SetUpAt; KUBERNETES-kubelet.md §4).
enum ConfigReferences {
    /// The error of the first reference that cannot be resolved, worded as the kubelet words
    /// it, or nil when every one resolves (optional ones may be missing).
    static func missing(_ references: [ConfigReference], namespace: String, in c: Cluster) -> String? {
        for ref in references where !ref.optional {
            guard let keys = c.configKeys(ref.kind.rawValue, namespace: namespace, name: ref.name) else {
                return "\(ref.resource) \"\(ref.name)\" not found"
            }
            if let key = ref.key, !keys.contains(key) {
                return "couldn't find key \(key) in \(ref.kind.rawValue) \(namespace)/\(ref.name)"
            }
        }
        return nil
    }
}

extension ConfigReference {
    var resource: String { kind.resource }
}

/// Mounting a pod's volumes before its containers start. A missing ConfigMap or Secret fails
/// the mount, which the volume manager retries after 0.5 s, doubling up to 2 min 2 s
/// (`goroutinemap/exponentialbackoff`), each failure a `FailedMount` event; the pod stays
/// ContainerCreating with no probe workers. A missing claim keeps the pod from being
/// scheduled at all (Scheduler, VolumeBinding).
enum VolumeMounts {
    static let initialRetry = 500
    static let maxRetry = 122_000

    /// Mounts now if every volume can be; otherwise records the failure and the next try.
    static func mount(_ pod: SimPod, in c: Cluster) -> Bool {
        if let retry = pod.mountRetry, retry.at > c.now { return false }
        if let (volume, message) = failure(pod.behaviour.volumes, namespace: pod.namespace, in: c) {
            c.record("Warning", reason: "FailedMount", message: "MountVolume.SetUp failed for volume \"\(volume)\" : \(message)",
                     kind: "Pod", name: pod.name, namespace: pod.namespace, uid: pod.uid, component: Kubelet.component)
            let failures = (pod.mountRetry?.failures ?? 0) + 1
            let wait = min(initialRetry << min(failures - 1, 20), maxRetry)
            pod.mountRetry = (Timestamp(milliseconds: c.now.milliseconds.addingSaturating(wait)), failures)
            return false
        }
        pod.mountRetry = nil
        pod.admittedAt = c.now
        return true
    }

    static func failure(_ volumes: [VolumeReference], namespace: String, in c: Cluster) -> (String, String)? {
        for v in volumes where !v.optional && v.kind != .persistentVolumeClaim {
            let resource = v.kind == .configMap ? "configmap" : "secret"
            guard let keys = c.configKeys(v.kind.rawValue, namespace: namespace, name: v.name) else {
                return (v.volume, "\(resource) \"\(v.name)\" not found")
            }
            if let key = v.keys.first(where: { !keys.contains($0) }) {
                return (v.volume, v.kind == .configMap ? "configmap references non-existent config key: \(key)" : "references non-existent secret key: \(key)")
            }
        }
        return nil
    }
}

/// The pod's image pull secrets as the kubelet fetches them before each sync's pulls
/// (`kubelet_pods.go` getPullSecretsForPod): a named Secret that does not exist is skipped — the
/// pull goes ahead without it — with the Warning `FailedToRetrieveImagePullSecret`, `Unable to
/// retrieve some image pull secrets (regcred); attempting to pull the image may not succeed.`;
/// entries without a name are ignored. (Recorded at the pod's first sync; the kubelet's later
/// syncs repeat it, which is not counted here. A registry that needs the secret is not
/// modelled: the pull succeeds.)
enum ImagePullSecrets {
    static func check(_ pod: SimPod, in c: Cluster) {
        let names = pod.behaviour.imagePullSecrets
        guard !names.isEmpty else { return }
        let missing = names.filter { c.configKeys("Secret", namespace: pod.namespace, name: $0) == nil }
        guard !missing.isEmpty else { return }
        c.record("Warning", reason: "FailedToRetrieveImagePullSecret",
                 message: "Unable to retrieve some image pull secrets (\(missing.joined(separator: ", "))); attempting to pull the image may not succeed.",
                 kind: "Pod", name: pod.name, namespace: pod.namespace, uid: pod.uid, component: Kubelet.component)
    }
}

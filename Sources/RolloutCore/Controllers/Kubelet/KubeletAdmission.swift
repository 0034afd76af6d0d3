/// The kubelet's admission of a pod bound to its node (`kubelet.go` HandlePodAdditions →
/// canAdmitPod, which asks each admit handler in the order NewMainKubelet adds them). Modelled:
/// the sysctl allowlist (`pkg/kubelet/sysctl/allowlist.go` patternAllowlist.Admit and
/// validateSysctl, against `safe_sysctls.go`' SafeSysctlAllowlist plus `--allowed-unsafe-sysctls`,
/// which k3s leaves empty), and for a pod that names its node — which no scheduler checked —
/// the predicates' handler (NodeNamedPods). A pod refused is rejected (`rejectPod`): a Warning event with the
/// handler's reason and message, and its status becomes Failed — `reason` the handler's,
/// `message` "Pod was rejected: " and its message, its `qosClass`, a `startTime` (the status
/// manager's updateStatusInternal sets one) and no conditions (mergePodStatus drops those the
/// kubelet owns, PodScheduled among them, and the rejection sets none). None of its containers
/// runs and it gets no address. Its ReplicaSet no longer counts it (`FilterActivePods`) and
/// makes another, which is rejected in turn: the Failed pods stay, until the pod GC's
/// threshold of terminated pods (PodGarbageCollector) deletes the oldest.
///
/// Every controller's pods and bare pods: a StatefulSet deletes its pod once it is Failed and
/// makes it again under its name (`stateful_set_control.go` processReplica, `isFailed`;
/// StatefulSetController); a DaemonSet deletes a failed pod under its failedPodsBackoff and then
/// makes another for the node (`podsShouldBeOnNode`; DaemonSetSync).
enum KubeletAdmission {
    /// `sysctl.ForbiddenReason`.
    static let sysctlForbidden = "SysctlForbidden"
    /// How long after its creation a pod the kubelet refuses is rejected. Kubernetes does not
    /// pace this loop — each turn is the API's round trips: the pod made, bound, seen by the
    /// kubelet, its status written, seen by the ReplicaSet controller — and a cluster makes a
    /// pod each second or so (kubernetes/kubernetes#72593: one each 1–3 s); here each turn
    /// takes one second, so that virtual time moves between them.
    static let rejectionDelay = Duration(seconds: 1)

    /// The kubelet's refusal of a pod with these sysctls (PodSpec.sysctls, names as written):
    /// the first one, in order, the allowlist lacks, worded as validateSysctl words it — the
    /// name as the kubelet reads it (`convertSysctlVariableToDotsSeparator`: a name whose first
    /// separator is a slash has its slashes and dots swapped). nil when every one is allowed.
    /// (A `net.*` or IPC sysctl with `hostNetwork` or `hostIPC`, which the kubelet refuses too,
    /// never gets here: the API server's validation refuses it, `ObjectValidation.validateSysctls`.)
    static func sysctlRefusal(_ names: [String?]) -> String? {
        for name in names {
            guard let name else { continue }
            let read = dotsSeparated(name)
            if !PodSecurity.safeSysctls.contains(read) { return "forbidden sysctl: \(GoQuote.quoted(read)) not allowlisted" }
        }
        return nil
    }

    /// `convertSysctlVariableToDotsSeparator` (`pkg/kubelet/sysctl/util` NormalizeName).
    static func dotsSeparated(_ name: String) -> String {
        guard let first = name.firstIndex(where: { $0 == "." || $0 == "/" }), name[first] == "/" else { return name }
        return String(name.map { $0 == "." ? "/" : $0 == "/" ? "." : $0 })
    }

    /// Why the kubelet refuses this pod (reason, message), nil when it admits it or admission
    /// is not modelled for its kind.
    static func refusal(_ pod: SimPod) -> (reason: String, message: String)? {
        guard pod.ownerKind == "ReplicaSet" || pod.ownerKind == "StatefulSet" || pod.ownerKind == "DaemonSet" else { return nil }
        // The sysctl allowlist's handler comes before the predicates' (NewMainKubelet's order).
        if let message = pod.behaviour.sysctlRefusal { return (sysctlForbidden, message) }
        return pod.nodeRefusal
    }

    /// When a pod the kubelet refuses is rejected.
    static func due(_ pod: SimPod) -> Timestamp { pod.created.adding(rejectionDelay) }

    /// `rejectPod`: the event, and the pod Failed — gone from every controller's count, stored
    /// as it is (`SimPod.rejection`).
    static func reject(_ pod: SimPod, reason: String, message: String, in c: Cluster) {
        c.record("Warning", reason: reason, message: message, kind: "Pod", name: pod.name, namespace: pod.namespace, uid: pod.uid, component: Kubelet.component)
        pod.rejection = (reason, message, c.now)
        pod.ready = false
        pod.gone = true
        c.rejectedInMemory += 1
        if !pod.ownerUID.isEmpty { c.rejectedPods[pod.ownerUID] = (pod.name, reason, message) }
        // Its StatefulSet deletes it at its next sync, and makes it again.
        if pod.ownerKind == "StatefulSet" { c.failedStatefulPods[pod.ownerUID, default: []].append(pod) }
        // Its DaemonSet counts it on its node until it deletes it, under a back-off.
        if pod.ownerKind == "DaemonSet" { c.failedDaemonPods[pod.ownerUID, default: []].append(pod) }
    }

    /// A rejected pod deleted (by its StatefulSet or DaemonSet, or the pod GC) before it was
    /// stored: a Failed pod goes at once (CheckGracefulDelete: grace 0), at the save, as any
    /// deleted pod, its events with it.
    static func deleteRejected(_ pod: SimPod, in c: Cluster) {
        c.updatePod(pod) { $0.rejection = nil }
        c.rejectedInMemory -= 1
    }
}

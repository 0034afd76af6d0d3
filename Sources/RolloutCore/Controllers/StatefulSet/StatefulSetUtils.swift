/// What `stateful_set_utils.go` works out for the StatefulSet controller: ordinals, pod
/// identity, revisions of the template, and the pod predicates.
enum StatefulSetUtils {
    static let podNameLabel = "statefulset.kubernetes.io/pod-name"
    /// `apps.kubernetes.io/pod-index` (PodIndexLabel, on by default since 1.28).
    static let podIndexLabel = "apps.kubernetes.io/pod-index"
    /// `ControllerRevisionHashLabelKey`: the revision a pod was made from.
    static let revisionLabel = "controller-revision-hash"

    /// `getParentNameAndOrdinal`: the ordinal of `NAME-N` for the set `parent`, -1 otherwise.
    static func ordinal(of podName: String, parent: String) -> Int {
        guard let dash = podName.lastIndex(of: "-"), podName[..<dash] == parent else { return -1 }
        let digits = podName[podName.index(after: dash)...]
        guard !digits.isEmpty, digits.allSatisfy(\.isASCIIDigit), let n = Int(digits), n <= Int(Int32.max) else { return -1 }
        return n
    }

    /// `getPodName`.
    static func podName(_ set: String, _ ordinal: Int) -> String { "\(set)-\(ordinal)" }

    /// `getPersistentVolumeClaimName`.
    static func claimName(_ claim: String, set: String, ordinal: Int) -> String { "\(claim)-\(set)-\(ordinal)" }

    /// `getPatch`: the template, marked to replace, under `spec` — a revision's data.
    static func patch(template: Object) -> Value {
        var t = template
        t["$patch"] = .string("replace")
        return .object(Object(["spec": .object(Object(["template": .object(t)]))]))
    }

    /// `ApplyRevision`'s result for the template: the revision's template.
    static func template(of revision: Resource) -> Object {
        var t = revision.object["data"]?["spec"]?["template"]?.objectValue ?? Object()
        t["$patch"] = nil
        return t.withoutNulls
    }

    /// `isRunningAndReady`.
    static func isRunningAndReady(_ pod: SimPod) -> Bool { pod.phase == "Running" && pod.ready }

    /// `isRunningAndAvailable` (`IsPodAvailable`, strict as 1.32 has it).
    static func isRunningAndAvailable(_ pod: SimPod, minReadySeconds: Int, now: Timestamp) -> Bool {
        pod.phase == "Running" && pod.isAvailable(minReadySeconds: minReadySeconds, now: now)
    }

    /// `isHealthy`: running, ready and not terminating.
    static func isHealthy(_ pod: SimPod) -> Bool { isRunningAndReady(pod) && !pod.isTerminating }

    static func revision(of pod: SimPod) -> String { pod.labels[revisionLabel] ?? "" }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}

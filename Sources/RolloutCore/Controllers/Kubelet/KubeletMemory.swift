/// What a kubelet keeps in memory and Kubernetes' pod status does not show — a start under way
/// (pulling, creating), a kill under way, the crash and image back-off entries, a volume
/// mount's retry — kept between commands as a `rollout.dev/v1alpha1 KubeletMemory` object named
/// after the pod, only while there is something to remember.
enum KubeletMemory {
    static let type = ResourceType.forObject(apiVersion: "rollout.dev/v1alpha1", kind: "KubeletMemory")

    static func encode(_ pod: SimPod) -> Resource? {
        var containers: [Value] = []
        func ms(_ t: Timestamp) -> Value { .int(t.milliseconds) }
        func entry(_ e: BackoffEntry) -> Value { .object(Object(["backoff": .int(e.backoff), "lastUpdate": ms(e.lastUpdate)])) }
        for c in pod.containers {
            var o = Object()
            switch c.progress {
            case .none: break
            case .attempt(let at): o["progress"] = .object(Object(["step": .string("attempt"), "at": ms(at)]))
            case .pulling(let until): o["progress"] = .object(Object(["step": .string("pulling"), "at": ms(until)]))
            case .starting(let at): o["progress"] = .object(Object(["step": .string("starting"), "at": ms(at)]))
            case .stopping(_, _, false, _) where pod.deletion != nil:
                // A deletion's stops follow from the request (Termination.begin at load).
                break
            case .stopping(let sigterm, let exit, let restart, let previous):
                var p = Object(["step": .string("stopping"), "at": ms(sigterm), "exit": ms(exit), "restart": .bool(restart)])
                if let previous { p["previousExit"] = ms(previous) }
                o["progress"] = .object(p)
            }
            if let b = c.backoff { o["backoff"] = entry(b) }
            if let b = c.pullBackoff { o["pullBackoff"] = entry(b) }
            if let t = c.firstPullAttempt { o["firstPullAttempt"] = ms(t) }
            if !o.members.isEmpty {
                o["name"] = .string(c.name)
                containers.append(.object(o))
            }
        }
        var top = Object()
        if let retry = pod.mountRetry { top["mountRetry"] = .object(Object(["at": ms(retry.at), "failures": .int(retry.failures)])) }
        if containers.isEmpty && top.members.isEmpty { return nil }
        top["containers"] = .array(containers)
        // The pod it belongs to: a later pod of the same name starts with a clean slate.
        top["podUID"] = .string(pod.uid)
        var object = Object([
            "apiVersion": .string("rollout.dev/v1alpha1"), "kind": .string("KubeletMemory"),
            "metadata": .object(Object(["name": .string(pod.name), "namespace": .string(pod.namespace)])),
        ])
        for member in top.members { object[member.key] = member.value }
        return Resource(object)
    }

    static func apply(_ memory: Resource, to pod: SimPod) {
        let o = memory.object
        guard o["podUID"]?.stringValue == pod.uid else { return }
        func time(_ v: Value?) -> Timestamp? { v?.intValue.map { Timestamp(milliseconds: $0) } }
        func entry(_ v: Value?) -> BackoffEntry? {
            guard let backoff = v?["backoff"]?.intValue, let last = time(v?["lastUpdate"]) else { return nil }
            return BackoffEntry(backoff: backoff.clamped(to: 0...Backoff.max), lastUpdate: last)
        }
        if let at = time(o["mountRetry"]?["at"]) { pod.mountRetry = (at, max(0, o["mountRetry"]?["failures"]?.intValue ?? 1)) }
        for item in o["containers"]?.arrayValue ?? [] {
            guard let i = pod.containers.firstIndex(where: { $0.name == item["name"]?.stringValue }) else { continue }
            var c = pod.containers[i]
            if let p = item["progress"], let at = time(p["at"]) {
                switch p["step"]?.stringValue {
                case "attempt": c.progress = .attempt(at: at)
                case "pulling": c.progress = .pulling(until: at)
                case "starting": c.progress = .starting(at: at)
                case "stopping":
                    c.progress = .stopping(sigterm: at, exit: time(p["exit"]) ?? at, restart: p["restart"]?.boolValue ?? false, previousExit: time(p["previousExit"]))
                default: break
                }
            }
            c.backoff = entry(item["backoff"])
            c.pullBackoff = entry(item["pullBackoff"])
            c.firstPullAttempt = time(item["firstPullAttempt"])
            pod.containers[i] = c
        }
    }
}

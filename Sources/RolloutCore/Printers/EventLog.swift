/// Every event a user can see: the stored ones, plus the routine lifecycle events of each pod
/// (Scheduled, Pulled, Created, Started, Killing), which are derived from the pod's own status
/// instead of being stored — the same facts, at the same times, with kubelet's wording.
public enum EventLog {
    static let eventType = ResourceType.forObject(apiVersion: "v1", kind: "Event")
    static let podType = ResourceType.forObject(apiVersion: "v1", kind: "Pod")

    public static func list(_ store: StateStore, namespace: String?) throws(StoreError) -> [Resource] {
        var events = try store.list(eventType, namespace: namespace)
        for pod in try store.list(podType, namespace: namespace) { events += lifecycleEvents(of: pod, now: store.clock) }
        return events
    }

    /// The events about `objects`: the stored ones of their namespaces, plus the lifecycle
    /// events of those that are pods — without reading every pod of the cluster.
    public static func events(about objects: [Resource], store: StateStore) throws(StoreError) -> [Resource] {
        let uids = Set(objects.map(\.uid))
        var events: [Resource] = []
        for namespace in Set(objects.map { $0.namespace ?? "" }).sorted() {
            events += try store.list(eventType, namespace: namespace.isEmpty ? nil : namespace)
                .filter { $0.value.at("involvedObject", "uid")?.stringValue.map(uids.contains) ?? false }
        }
        for pod in objects where pod.kind == "Pod" && pod.type.group.isEmpty { events += lifecycleEvents(of: pod, now: store.clock) }
        return events
    }

    /// The routine events of one pod, from its status; `now` counts the failed readiness
    /// probes of a pod that never gets ready.
    public static func lifecycleEvents(of pod: Resource, now: Timestamp) -> [Resource] {
        let o = pod.value
        let namespace = pod.namespace ?? "default"
        var result: [Resource] = []
        func event(_ n: Int, _ reason: String, _ message: String, _ component: String, _ at: String, type: String = "Normal", count: Int = 1, last: String? = nil) {
            result.append(Resource(Object([
                "apiVersion": .string("v1"), "kind": .string("Event"),
                "metadata": .object(Object(["name": .string("\(pod.name).\(n)"), "namespace": .string(namespace), "creationTimestamp": .string(at)])),
                "involvedObject": .object(Object(["apiVersion": .string("v1"), "kind": .string("Pod"), "name": .string(pod.name),
                                                  "namespace": .string(namespace), "uid": .string(pod.uid)])),
                "type": .string(type), "reason": .string(reason), "message": .string(message),
                "source": .object(Object(["component": .string(component)])),
                "firstTimestamp": .string(at), "lastTimestamp": .string(last ?? at), "count": .int(count),
            ])))
        }
        let conditions = o.at("status", "conditions")?.arrayValue ?? []
        guard let scheduled = conditions.first(where: { $0["type"]?.stringValue == "PodScheduled" && $0["status"]?.stringValue == "True" })?["lastTransitionTime"]?.stringValue,
              let node = o.at("spec", "nodeName")?.stringValue else { return result }
        event(1, "Scheduled", "Successfully assigned \(namespace)/\(pod.name) to \(node)", "default-scheduler", scheduled)
        let container = o.at("spec", "containers")?.arrayValue?.first
        let name = container?["name"]?.stringValue ?? "app"
        let image = container?["image"]?.stringValue ?? ""
        let status = o.at("status", "containerStatuses")?.arrayValue?.first
        let started = status?["started"]?.boolValue == true || (status?["restartCount"]?.intValue ?? 0) > 0
        if started, let scheduledTime = Timestamp(parsing: scheduled) {
            let pull = pod.annotations["rollout.sim/pull"].flatMap(Duration.init(parsing:)) ?? Duration(milliseconds: 0)
            let at = scheduledTime.adding(pull).description
            event(2, "Pulled", pull.milliseconds > 0 ? "Successfully pulled image \"\(image)\" in \(pull) (\(pull) including waiting)" : "Container image \"\(image)\" already present on machine", "kubelet", at)
            event(3, "Created", "Created container: \(name)", "kubelet", at)
            event(4, "Started", "Started container \(name)", "kubelet", at)
        }
        // A readiness probe that never passes fails at every period (one event series).
        if started, pod.annotations["rollout.sim/ready"] == "never", let probe = container?["readinessProbe"],
           let running = status?.at("state", "running", "startedAt")?.stringValue.flatMap(Timestamp.init(parsing:)) {
            // Probe settings are int32 (validated on apply); clamped here all the same.
            let int32 = 0...Int(Int32.max)
            let period = max(1, (probe["periodSeconds"]?.intValue ?? 10).clamped(to: int32)) * 1000
            let first = running.milliseconds + (probe["initialDelaySeconds"]?.intValue ?? 0).clamped(to: int32) * 1000
            let end = pod.deletionRequested?.milliseconds ?? now.milliseconds
            if end >= first {
                let count = (end - first) / period + 1
                let failure = probe["httpGet"] != nil ? "HTTP probe failed with statuscode: 503" : "probe failed"
                event(6, "Unhealthy", "Readiness probe failed: \(failure)", "kubelet", Timestamp(milliseconds: first).description, type: "Warning",
                      count: count, last: Timestamp(milliseconds: first + (count - 1) * period).description)
            }
        }
        if let deletion = pod.deletionRequested, started {
            event(5, "Killing", "Stopping container \(name)", "kubelet", deletion.description)
        }
        return result
    }
}

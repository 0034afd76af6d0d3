/// Every event a user can see: the stored ones, plus those derived from each pod's status
/// instead of being stored — the same facts, at the same times, with the scheduler's and
/// kubelet's wording: Scheduled; for each container's first instance, when nothing went wrong
/// before it started, `Pulled` (image already present), `Created` and `Started`; `Killing`
/// when the pod is deleted; and failed readiness probes, one per tick. A 10,000-pod rollout
/// would otherwise store five events per pod. What the kubelet records itself (pulls, errors,
/// restarts, probe kills) is stored, and a derived event is left out when a stored one says
/// the same.
public enum EventLog {
    static let eventType = ResourceType.forObject(apiVersion: "v1", kind: "Event")
    static let podType = ResourceType.forObject(apiVersion: "v1", kind: "Pod")

    /// Every event, in the API server's order (by namespace, then name, byte by byte), as a
    /// list of Events through the API has them and `kubectl get events` prints them.
    public static func list(_ store: StateStore, namespace: String?) throws(StoreError) -> [Resource] {
        var events = try store.list(eventType, namespace: namespace)
        let stored = storedKeys(events)
        var owners = NodeNamedOwners()
        for pod in try store.list(podType, namespace: namespace) {
            events += lifecycleEvents(of: pod, now: store.clock, stored: stored, nodeNamed: try owners.namesItsNode(pod, store: store))
        }
        return events.sorted(by: listOrder)
    }

    /// The API server's order of a list: by namespace, then name, byte by byte.
    static func listOrder(_ a: Resource, _ b: Resource) -> Bool {
        (a.namespace ?? "") == (b.namespace ?? "") ? ByteOrder.precedes(a.name, b.name) : ByteOrder.precedes(a.namespace ?? "", b.namespace ?? "")
    }

    /// Events as `kubectl events` prints them, in any format (`pkg/cmd/events/events.go` Run):
    /// listed in the API server's order, then `sort.Sort(SortableEvents(...))` by `eventTime`
    /// — the series' last observed time, else lastTimestamp unless zero, else eventTime — in Go's
    /// unstable sort (`GoSort`): the events of one second come in the order it leaves them, not
    /// by name.
    public static func kubectlEventsOrder(_ events: [Resource]) -> [Resource] {
        var timed = events.sorted(by: listOrder).map { event -> (time: Int, event: Resource) in
            let o = event.value
            let time = o.at("series", "lastObservedTime").flatMap(goTime(_:)) ?? goTime(o["lastTimestamp"]) ?? goTime(o["eventTime"]) ?? Int.min
            return (time, event)
        }
        GoSort.sort(&timed) { $0.time < $1.time }
        return timed.map(\.event)
    }

    /// Events as `kubectl describe` lists them under an object (describe.go DescribeEvents:
    /// `sort.Sort(event.SortableEvents(...))` of the events listed by a field selector, in the
    /// API server's order; `pkg/util/event` compares lastTimestamp only, zero when absent).
    public static func describeOrder(_ events: [Resource]) -> [Resource] {
        var timed = events.sorted(by: listOrder).map { (time: goTime($0.value["lastTimestamp"]) ?? Int.min, event: $0) }
        GoSort.sort(&timed) { $0.time < $1.time }
        return timed.map(\.event)
    }

    /// A time as kubectl reads it into a `metav1.Time` or `MicroTime`, in milliseconds; nil
    /// when absent or null (Go's zero time, before every other).
    private static func goTime(_ value: Value?) -> Int? {
        value?.stringValue.flatMap(Timestamp.init(parsing:))?.milliseconds
    }

    /// The events about `objects`: the stored ones of their namespaces, plus the lifecycle
    /// events of those that are pods — without reading every pod of the cluster.
    public static func events(about objects: [Resource], store: StateStore) throws(StoreError) -> [Resource] {
        let uids = Set(objects.map(\.uid))
        var events: [Resource] = []
        for namespace in Set(objects.map { $0.namespace ?? "" }).sorted() {
            events += try store.events(about: uids, namespace: namespace.isEmpty ? nil : namespace)
        }
        let stored = storedKeys(events)
        var owners = NodeNamedOwners()
        for pod in objects where pod.kind == "Pod" && pod.type.group.isEmpty {
            events += lifecycleEvents(of: pod, now: store.clock, stored: stored, nodeNamed: try owners.namesItsNode(pod, store: store))
        }
        return events
    }

    static func derivedName(_ at: String, _ n: Int) -> String {
        let ms = Timestamp(parsing: at)?.milliseconds ?? 0
        return String(UInt64(max(0, ms)) &* 1_000_000 &+ UInt64(n), radix: 16)
    }

    /// `uid|reason|message` of the stored events about pods, for leaving derived twins out.
    static func storedKeys(_ events: [Resource]) -> Set<String> {
        var keys = Set<String>()
        for e in events where e.value.at("involvedObject", "kind")?.stringValue == "Pod" {
            let o = e.value
            keys.insert("\(o.at("involvedObject", "uid")?.stringValue ?? "")|\(o["reason"]?.stringValue ?? "")|\(o["message"]?.stringValue ?? "")")
        }
        return keys
    }

    /// Which pods named their node in their own spec (NodeNamedPods), which no scheduler
    /// assigned — their status cannot tell, as the kubelet writes the same PodScheduled
    /// condition: a controller's pod by its controller's template (each controller read once),
    /// a pod without one by what was applied (`last-applied-configuration`). (A pod without a
    /// controller made through `serve` without that annotation is taken as scheduled.)
    struct NodeNamedOwners {
        private var templates: [String: Bool] = [:]

        mutating func namesItsNode(_ pod: Resource, store: StateStore) throws(StoreError) -> Bool {
            guard let node = pod.value.at("spec", "nodeName")?.stringValue, !node.isEmpty else { return false }
            func named(_ spec: Value?) -> Bool { !(spec?["nodeName"]?.stringValue ?? "").isEmpty }
            let refs = pod.metadata["ownerReferences"]?.arrayValue ?? []
            guard let owner = refs.first(where: { $0["controller"]?.boolValue == true }) ?? refs.first else {
                guard let applied = pod.annotations[Applier.lastAppliedAnnotation], let value = try? JSONReader.parse(applied) else { return false }
                return named(value["spec"])
            }
            let kind = owner["kind"]?.stringValue ?? "", name = owner["name"]?.stringValue ?? ""
            let key = "\(kind)/\(pod.namespace ?? "")/\(name)"
            if let known = templates[key] { return known }
            let apiVersion = owner["apiVersion"]?.stringValue ?? "apps/v1"
            let type = ResourceType.forObject(apiVersion: apiVersion, kind: kind)
            let controller = try store.get(ObjectKey(type: type.storageKey, namespace: pod.namespace ?? "", name: name))
            let answer = named(controller?.value.at("spec", "template", "spec"))
            templates[key] = answer
            return answer
        }
    }

    /// The events of one pod derived from its status: Scheduled (not for a pod that named its
    /// node, `nodeNamed`: no scheduler saw it), and the failed readiness probes counted up to
    /// `now` (one per tick, too many to store). The kubelet's other events are recorded as they
    /// happen.
    public static func lifecycleEvents(of pod: Resource, now: Timestamp, stored: Set<String> = [], nodeNamed: Bool = false) -> [Resource] {
        let o = pod.value
        let namespace = pod.namespace ?? "default"
        var result: [Resource] = []
        func event(_ n: Int, _ reason: String, _ message: String, _ component: String, _ at: String, type: String = "Normal", count: Int = 1, last: String? = nil) {
            result.append(Resource(Object([
                "apiVersion": .string("v1"), "kind": .string("Event"),
                // Named as the recorder names events (the time in nanoseconds, in hex) so that
                // stored and derived events of one second sort as they happened.
                "metadata": .object(Object(["name": .string("\(pod.name).\(derivedName(at, n))"), "namespace": .string(namespace), "creationTimestamp": .string(at)])),
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
        let assigned = "Successfully assigned \(namespace)/\(pod.name) to \(node)"
        // (Stored for a pod its kubelet will reject, which loses the condition: KubeletAdmission.)
        if !nodeNamed && !stored.contains("\(pod.uid)|Scheduled|\(assigned)") { event(1, "Scheduled", assigned, "default-scheduler", scheduled) }
        // The first instance of each container, started without trouble.
        let allStatuses = (o.at("status", "initContainerStatuses")?.arrayValue ?? []) + (o.at("status", "containerStatuses")?.arrayValue ?? [])
        let specs = (o.at("spec", "initContainers")?.arrayValue ?? []) + (o.at("spec", "containers")?.arrayValue ?? [])
        var n = 2
        for status in allStatuses where (status["restartCount"]?.intValue ?? 0) == 0 {
            let name = status["name"]?.stringValue ?? ""
            let started = status.at("state", "running", "startedAt")?.stringValue ?? status.at("state", "terminated", "startedAt")?.stringValue
            guard let started, !stored.contains("\(pod.uid)|Created|Created container \(name)") else { continue }
            let image = specs.first { $0["name"]?.stringValue == name }?["image"]?.stringValue ?? status["image"]?.stringValue ?? ""
            let pulled = ["Pulling|Pulling image \"\(image)\"", "Pulled|Container image \"\(image)\" already present on machine"].contains { stored.contains("\(pod.uid)|\($0)") }
            if !pulled {
                event(n, "Pulled", "Container image \"\(image)\" already present on machine", "kubelet", started)
                n += 1
            }
            event(n, "Created", "Created container \(name)", "kubelet", started)
            event(n + 1, "Started", "Started container \(name)", "kubelet", started)
            n += 2
        }
        // A deleted pod: each container that runs is told to stop — by its kubelet, which the
        // taint manager only deletes pods from here when it is down.
        let byTaintManager = (o.at("status", "conditions")?.arrayValue ?? []).contains {
            $0["type"]?.stringValue == "DisruptionTarget" && $0["reason"]?.stringValue == NodeLifecycleController.takenBy
        }
        if let deletion = pod.deletionRequested, !byTaintManager {
            for status in allStatuses {
                let name = status["name"]?.stringValue ?? ""
                guard status.at("state", "running") != nil || (status.at("state", "terminated", "finishedAt")?.stringValue.flatMap(Timestamp.init(parsing:)).map { $0 >= deletion } ?? false),
                      !stored.contains("\(pod.uid)|Killing|Stopping container \(name)") else { continue }
                event(n, "Killing", "Stopping container \(name)", "kubelet", deletion.description)
                n += 1
            }
        }
        // Readiness probes that fail are counted at every tick (one series per message): while
        // the app warms up, and while it says it is not ready.
        let statuses = (o.at("status", "initContainerStatuses")?.arrayValue ?? []) + (o.at("status", "containerStatuses")?.arrayValue ?? [])
        guard statuses.contains(where: { $0["ready"]?.boolValue != true && $0.at("state", "running") != nil }) else { return result }
        let template = Value.object(Object(["metadata": .object(Object(["annotations": pod.metadata["annotations"] ?? .object(Object())])),
                                            "spec": o["spec"] ?? .object(Object())]))
        let behaviour = AppBehaviour(template: template)
        let end = min(pod.deletionTimestamp.flatMap(Timestamp.init(parsing:))?.milliseconds ?? Int.max, now.milliseconds)
        n = max(n, 100)
        for b in behaviour.containers {
            guard let probe = b.readinessProbe, let status = statuses.first(where: { $0["name"]?.stringValue == b.name }),
                  status["started"]?.boolValue == true,
                  let start = status.at("state", "running", "startedAt")?.stringValue.flatMap(Timestamp.init(parsing:)) else { continue }
            let conditions = o.at("status", "conditions")?.arrayValue ?? []
            let admitted = conditions.first { $0["type"]?.stringValue == "PodReadyToStartContainers" }?["lastTransitionTime"]?.stringValue.flatMap(Timestamp.init(parsing:)) ?? start
            guard case .started(let started) = Prober.startup(b, start: start, anchor: admitted) else { continue }
            for window in Prober.readinessFailures(probe, b, start: start, started: started, until: end) {
                let message = "Readiness probe failed: \(ProbeMessages.failure(probe, warm: window.warm, ip: o.at("status", "podIP")?.stringValue ?? "", container: b))"
                n += 1
                event(n, "Unhealthy", message, "kubelet", Timestamp(milliseconds: window.first).description, type: "Warning",
                      count: window.count, last: Timestamp(milliseconds: window.last).description)
            }
        }
        return result
    }
}

/// Which pods each Service selects, kept as pods come and change, so that the endpoints
/// controller recomputes only the Services whose pods changed — as the real one is driven by
/// pod events (`endpoints_controller.go` updatePod → getPodServiceMemberships), not by a scan
/// of every pod for every Service at every instant. A pod's labels never change here, so the
/// Services selecting it are found once, through an index of the Services by one pair of their
/// selector; every change to a pod goes through `Cluster.add` or `Cluster.updatePod`, which
/// mark its Services.
struct ServicePods {
    /// A pair of a selector, in its namespace.
    private struct Pair: Hashable {
        var namespace: String, key: String, value: String
    }

    /// A number for each Service with a selector (Services without one select nothing), in
    /// key order: numbers sort as their keys do. Pods keep their arrival under it
    /// (`SimPod.endpointPlaces`).
    private var numbers: [ObjectKey: Int] = [:]
    /// By Service number: its key and selector.
    private var keys: [ObjectKey] = []
    private var selectors: [[String: String]] = []
    /// Service numbers by the first pair of their selector.
    private var byPair: [Pair: [Int]] = [:]
    /// By Service number: the pods it has selected so far (gone ones until `selectedPods`
    /// drops them).
    private var pods: [[SimPod]] = []
    /// Services (by number) whose endpoints may have changed since the controller last looked
    /// (`takeDirty`), each once, and whether each is among them.
    private var dirtyNumbers: [Int] = []
    private var isDirty: [Bool] = []
    /// By Service number: some of its pods went since its list was last read.
    private var withGonePods: [Bool] = []
    /// By Service number: the next arrival, and the pods changed since the endpoints
    /// controller last took them (`takeTouched`), a pod as often as it changed.
    private var arrivals: [Int] = []
    private var touchedPods: [[SimPod]] = []
    /// The last pod's labels, namespace and Services (`services(of:)`): the pods of one
    /// ReplicaSet share one labels dictionary, which compares equal to itself at once, and
    /// come in runs.
    private var lastSelection: Selection?
    /// The same for the last pod of each owner (by uid; "" for pods without one): loaded in
    /// uid order, the pods of a thousand ReplicaSets come one owner after another, no run
    /// longer than a pod.
    /// (At most `ownersKept` owners: then all are let go, so that a long-lived served cluster,
    /// whose ReplicaSets come and go, does not keep every owner it ever saw.)
    private var selectionsByOwner: StringMap<Selection> = [:]
    static let ownersKept = 4096
    /// (With the Services' keys as `services(of:)` gives them: one list, shared by every pod
    /// of the selection, not one made for each.)
    private typealias Selection = (labels: [String: String], namespace: String, numbers: [Int], services: [ObjectKey])

    init(services: [ObjectKey: Resource]) {
        for key in services.keys.sorted() {
            guard let service = services[key], let selector = service.value.at("spec", "selector")?.objectValue, !selector.members.isEmpty else { continue }
            let labels = stringMap(.object(selector))
            guard let first = labels.min(by: { $0.key < $1.key }) else { continue }
            let n = keys.count
            numbers[key] = n
            keys.append(key)
            selectors.append(labels)
            pods.append([])
            arrivals.append(0)
            touchedPods.append([])
            isDirty.append(false)
            withGonePods.append(false)
            byPair[Pair(namespace: service.namespace ?? "default", key: first.key, value: first.value), default: []].append(n)
            markDirty(n)
        }
    }

    /// The numbers of the Services in `namespace` whose selector `labels` satisfy, in order.
    private func numbers(selecting labels: [String: String], namespace: String) -> [Int] {
        var found: [Int] = []
        for (key, value) in labels {
            for n in byPair[Pair(namespace: namespace, key: key, value: value)] ?? [] where selectors[n].allSatisfy({ labels[$0.key] == $0.value }) {
                found.append(n)
            }
        }
        return found.sorted()
    }

    /// The Services selecting `pod`, found once and kept on the pod.
    mutating func services(of pod: SimPod) -> [ObjectKey] {
        if let known = pod.selectingServices { return known }
        let found: [Int], services: [ObjectKey]
        if let last = lastSelection, last.labels == pod.labels, last.namespace == pod.namespace {
            (found, services) = (last.numbers, last.services)
        } else if let known = selectionsByOwner[pod.ownerUID], known.labels == pod.labels, known.namespace == pod.namespace {
            (found, services) = (known.numbers, known.services)
            lastSelection = known
        } else {
            found = numbers(selecting: pod.labels, namespace: pod.namespace)
            services = found.map { keys[$0] }
            lastSelection = (pod.labels, pod.namespace, found, services)
            if selectionsByOwner.count >= Self.ownersKept { selectionsByOwner.removeAll(keepingCapacity: true) }
            selectionsByOwner[pod.ownerUID] = lastSelection
        }
        pod.selectingServices = services
        pod.endpointPlaces = []
        for n in found {
            pods[n].append(pod)
            // Its place in the order of the Service's list: the number of pods that came before.
            pod.endpointPlaces.append((n, arrivals[n]))
            arrivals[n] += 1
        }
        return services
    }

    /// The Service's number (`numbers`), nil for one without a selector.
    func number(of service: ObjectKey) -> Int? { numbers[service] }

    /// The Services in `namespace` whose selector `labels` satisfy, in key order.
    func services(selecting labels: [String: String], namespace: String) -> [ObjectKey] {
        numbers(selecting: labels, namespace: namespace).map { keys[$0] }
    }

    /// A pod came or changed: its Services' endpoints are looked at again. (By their numbers,
    /// the pod's places: a Service's key, three Strings, neither copied nor hashed.)
    mutating func touched(_ pod: SimPod) {
        if pod.selectingServices == nil { _ = services(of: pod) }
        for place in pod.endpointPlaces where touchedPods.indices.contains(place.service) {
            markDirty(place.service)
            if pod.gone { withGonePods[place.service] = true }
            touchedPods[place.service].append(pod)
        }
    }

    private mutating func markDirty(_ n: Int) {
        guard !isDirty[n] else { return }
        isDirty[n] = true
        dirtyNumbers.append(n)
    }

    /// Whether some Service's endpoints may have changed since `takeDirty` was last called.
    var hasDirty: Bool { !dirtyNumbers.isEmpty }

    /// The Services whose endpoints may have changed since the last call, in key order (their
    /// numbers' order), no longer marked.
    mutating func takeDirty() -> [ObjectKey] {
        let taken = dirtyNumbers.sorted()
        dirtyNumbers = []
        for n in taken { isDirty[n] = false }
        return taken.map { keys[$0] }
    }

    /// The Service's pods changed since the last call (each as often as it changed).
    mutating func takeTouched(_ service: ObjectKey) -> [SimPod] {
        guard let n = numbers[service], touchedPods.indices.contains(n), !touchedPods[n].isEmpty else { return [] }
        var taken: [SimPod] = []
        swap(&taken, &touchedPods[n])
        return taken
    }

    /// Drops from the Service's list the pods known to have gone, once they are as many as
    /// those that have not (what `selectedPods` does at every call; a list the endpoints
    /// controller follows by `takeTouched` needs it only to stay small).
    mutating func dropGonePods(of service: ObjectKey, live: Int) {
        guard let n = numbers[service], withGonePods[n], pods[n].count > 2 * live + 64 else { return }
        withGonePods[n] = false
        pods[n].removeAll { $0.gone }
    }

    /// The pods the Service has selected, in the order they came; those known to have gone
    /// since the last look are dropped from its list here (a pod read as gone may remain).
    mutating func selectedPods(of service: ObjectKey) -> [SimPod] {
        guard let n = numbers[service] else { return [] }
        if withGonePods[n] {
            withGonePods[n] = false
            pods[n].removeAll { $0.gone }
        }
        return pods[n]
    }
}

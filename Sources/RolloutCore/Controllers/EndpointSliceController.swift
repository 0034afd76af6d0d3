/// The EndpointSlice controller (`staging/src/k8s.io/endpointslice` reconciler and
/// `podToEndpoint`; KUBERNETES-scheduling-traffic.md §7): every selected pod that has an IP,
/// terminating ones included, with the conditions kube-proxy reads — `serving` (the pod is
/// Ready), `terminating` (it has a deletionTimestamp) and `ready` (`publishNotReadyAddresses`, or
/// serving and not terminating) — in slices of at most 100 endpoints labelled
/// `kubernetes.io/service-name`, owned by the Service. Published with the Endpoints, after the
/// same propagation delay.
enum EndpointSliceController {
    static let type = ResourceType.forObject(apiVersion: "discovery.k8s.io/v1", kind: "EndpointSlice")
    static let storageKey = type.storageKey
    static let maxEndpointsPerSlice = 100
    static let serviceNameLabel = "kubernetes.io/service-name"
    static let managedByLabel = "endpointslice.kubernetes.io/managed-by"

    /// The endpoints a Service's slices should list, in IP order; `pods`: its selected pods
    /// that have an IP. `endpoint` makes each one (`endpoint(for:ip:publishNotReady:)`, or a
    /// kept copy of what it made).
    /// `order`: the pods' indices in that order, when already found.
    static func desiredEndpoints(_ service: Resource, pods: [SimPod], order: [Int]? = nil, zones: EndpointsController.NodeZones? = nil,
                                 endpoint: ((SimPod, String, Bool, String?) -> Value)? = nil) -> [Value] {
        let make = endpoint ?? { Self.endpoint(for: $0, ip: $1, publishNotReady: $2, hostname: $3, zone: zones?.zone(of: $0)) }
        let publishNotReady = publishesNotReady(service)
        var result: [Value] = []
        result.reserveCapacity(pods.count)
        for i in order ?? EndpointAddressOrder.sortedIndices(count: pods.count, address: { pods[$0].ip ?? "" }) {
            let pod = pods[i]
            guard let ip = pod.ip else { continue }
            result.append(make(pod, ip, publishNotReady, EndpointsController.hostname(of: pod, in: service)))
        }
        return result
    }

    /// `spec.publishNotReadyAddresses`: every pod's endpoint ready, terminating ones too.
    static func publishesNotReady(_ service: Resource) -> Bool {
        service.value.at("spec", "publishNotReadyAddresses")?.boolValue == true
    }

    /// One pod's endpoint (`podToEndpoint`).
    /// What does not change is shared: the conditions (eight ways to be), the pod's
    /// `targetRef` (`SimPod.targetRef`).
    /// `zone`: the pod's node's `topology.kubernetes.io/zone` label, when it has one.
    static func endpoint(for pod: SimPod, ip: String, publishNotReady: Bool, hostname: String? = nil, zone: String? = nil) -> Value {
        // (As one literal of its final size: one allocation, where an array reserved and
        // appended to went through the growing path.)
        let addresses = Object.Member(key: "addresses", value: .array([.string(ip)]))
        let conditions = Object.Member(key: "conditions", value: Conditions(pod, publishNotReady: publishNotReady).value)
        let targetRef = Object.Member(key: "targetRef", value: pod.targetRef)
        // ShouldSetHostname: the pod's hostname, for the Service its subdomain names; and
        // podToEndpoint's zone, from the node's label.
        if hostname != nil || zone != nil {
            var members = [addresses, conditions]
            if let hostname { members.append(Object.Member(key: "hostname", value: .string(hostname))) }
            if let node = pod.nodeName { members.append(Object.Member(key: "nodeName", value: .string(node))) }
            members.append(targetRef)
            if let zone { members.append(Object.Member(key: "zone", value: .string(zone))) }
            return .object(Object(members))
        }
        if let node = pod.nodeName {
            return .object(Object([addresses, conditions, Object.Member(key: "nodeName", value: .string(node)), targetRef]))
        }
        return .object(Object([addresses, conditions, targetRef]))
    }

    /// `podToEndpoint`'s conditions of a pod's endpoint.
    struct Conditions {
        var ready: Bool
        var serving: Bool
        var terminating: Bool

        init(_ pod: SimPod, publishNotReady: Bool) {
            serving = pod.ready
            terminating = pod.isTerminating
            ready = publishNotReady || (serving && !terminating)
        }

        init(ready: Bool, serving: Bool, terminating: Bool) {
            self.ready = ready
            self.serving = serving
            self.terminating = terminating
        }

        /// The three as bits: ready 4, serving 2, terminating 1.
        var bits: UInt8 { (ready ? 4 : 0) | (serving ? 2 : 0) | (terminating ? 1 : 0) }

        init(bits: UInt8) {
            self.init(ready: bits & 4 != 0, serving: bits & 2 != 0, terminating: bits & 1 != 0)
        }

        /// As an endpoint lists them.
        var value: Value { Self.values[Int(bits)] }

        private static let values: [Value] = (0..<8).map { bits in
            .object(Object(["ready": .bool(bits & 4 != 0), "serving": .bool(bits & 2 != 0), "terminating": .bool(bits & 1 != 0)]))
        }

        /// Where each of `values` keeps its members: they live as long as the process, so an
        /// object whose members lie there is that one.
        private static let storages: [UInt] = values.map { ($0.objectValue ?? Object()).members.storagePlace }

        /// The conditions `o` is when it is one of `values` itself (not a copy), else nil.
        init?(sharing o: Object) {
            let storage = o.members.storagePlace
            guard storage != 0, let bits = Self.storages.firstIndex(of: storage) else { return nil }
            self.init(bits: UInt8(bits))
        }
    }

    /// Writes the Service's slices for `endpoints`: the existing slices are reused in order, new
    /// ones get a generated name, and slices no longer needed go. A Service with no endpoints
    /// keeps one empty slice, as the controller does.
    static func publish(_ serviceKey: ObjectKey, endpoints: [Value], ports: [Value], in c: Cluster) {
        let service = c.services[ObjectKey(type: Cluster.serviceType.storageKey, namespace: serviceKey.namespace, name: serviceKey.name)]
        let existing = c.endpointSlices[serviceKey] ?? []
        var chunks: [Range<Int>] = stride(from: 0, to: endpoints.count, by: maxEndpointsPerSlice).map { $0..<min($0 + maxEndpointsPerSlice, endpoints.count) }
        if chunks.isEmpty { chunks = [0..<0] }
        let wantedPorts = Value.array(ports)
        var slices: [Resource] = []
        for (i, chunk) in chunks.enumerated() {
            var slice: Resource
            if i < existing.count {
                slice = existing[i]
            } else {
                var labels = Object([managedByLabel: .string("endpointslice-controller.k8s.io"), serviceNameLabel: .string(serviceKey.name)])
                for (k, v) in (service?.labels ?? [:]).sorted(by: { $0.key < $1.key }) where labels[k] == nil { labels[k] = .string(v) }
                var meta = Object([
                    "name": .string("\(serviceKey.name)-\(c.randomSuffix())"), "generateName": .string("\(serviceKey.name)-"),
                    "namespace": .string(serviceKey.namespace), "uid": .string(c.newUID()),
                    "creationTimestamp": .string(c.now.description), "labels": .object(labels),
                ])
                if let service {
                    meta["ownerReferences"] = .array([.object(Object([
                        "apiVersion": .string("v1"), "kind": .string("Service"), "name": .string(service.name), "uid": .string(service.uid),
                        "controller": .bool(true), "blockOwnerDeletion": .bool(true),
                    ]))])
                }
                slice = Resource(Object(["apiVersion": .string("discovery.k8s.io/v1"), "kind": .string("EndpointSlice"), "metadata": .object(meta),
                                         "addressType": .string("IPv4")]))
            }
            // A slice whose endpoints are the same objects as before keeps its list: its
            // endpoints are neither copied nor compared member by member (at a sync of a
            // Service of 100,000 pods, most of its 1,000 slices). What is set is only what
            // differs, so a slice that changed is one whose endpoints or ports did.
            var changed = i >= existing.count
            if chunk.isEmpty {
                if slice.object["endpoints"] != nil {
                    slice.object["endpoints"] = nil
                    changed = true
                }
            } else if case .array(let old)? = slice.object["endpoints"], Value.equalElements(old[...], endpoints[chunk]) {
            } else {
                slice.object["endpoints"] = .array(Array(endpoints[chunk]))
                changed = true
            }
            if slice.object["ports"] != wantedPorts {
                slice.object["ports"] = wantedPorts
                changed = true
            }
            if changed {
                // (The slice's key from its namespace and name: its type is this controller's,
                // every version of it stored under one key — `Resource.key` resolves the type
                // again, a thousand slices at every publish at Kubernetes' limits.)
                let key = ObjectKey(type: Self.storageKey, namespace: slice.namespace ?? "default", name: slice.name)
                #if DEBUG
                precondition(key == slice.key, "slice \(slice.name): stored under \(slice.key), not \(key)")
                #endif
                c.dirtySlices.insert(key)
            }
            slices.append(slice)
        }
        if existing.count > slices.count {
            for gone in existing[slices.count...] { c.deletedSlices.insert(gone.key) }
        }
        // What they replaced, with its lists of endpoints, is let go of on another core (Discards).
        if let replaced = c.endpointSlices.updateValue(slices, forKey: serviceKey) { c.discards.add(replaced) }
        if let box = c.proxyChoices[serviceKey], let replaced = box.choice {
            c.discards.add(replaced)
            box.choice = nil
        }
    }

    /// The ports of a Service's slices: each Service port's target on the pods, with its name
    /// ("" when unnamed) and protocol.
    static func ports(_ service: Resource, sample: SimPod?) -> [Value] {
        (service.value.at("spec", "ports")?.arrayValue ?? []).map { port in
            .object(Object([
                "name": port["name"] ?? .string(""),
                "port": .int(EndpointsController.targetPort(port, pod: sample)),
                "protocol": port["protocol"] ?? .string("TCP"),
            ]))
        }
    }
}

/// kube-proxy's choice of endpoints for a Service (`pkg/proxy/topology.go`
/// CategorizeEndpoints, with `endpointslicecache.go`'s defaults: a missing `ready` or `serving`
/// is true, a missing `terminating` false): the ready endpoints; only when there is none, those
/// that are serving and terminating (a pod in its `preStop` whose readiness still passes).
enum KubeProxy {
    /// The pods (uids) requests to the Service go to, as kube-proxy sees its slices now; with
    /// `node`, the Local policy's list: endpoints on that node only, chosen the same way.
    static func targets(_ serviceKey: ObjectKey, node: String? = nil, in c: Cluster) -> [String] {
        guard let node else { return choice(serviceKey, in: c).targets }
        return read(serviceKey, node: node, in: c).targets
    }

    /// The choice among all the Service's endpoints. Every request and every timeline sample
    /// asks; the answer changes only when the slices are published again.
    static func choice(_ serviceKey: ObjectKey, in c: Cluster) -> Choice {
        choice(c.proxyChoice(serviceKey), serviceKey, in: c)
    }

    /// `choice(serviceKey, in: c)` from the Service's box (`Cluster.proxyChoice`), kept by
    /// whoever asks again and again.
    static func choice(_ box: ChoiceBox, _ serviceKey: ObjectKey, in c: Cluster) -> Choice {
        fill(box, serviceKey, in: c)
        return box.choice ?? Choice()
    }

    /// Makes the box's choice again when its slices changed since it was made.
    static func fill(_ box: ChoiceBox, _ serviceKey: ObjectKey, in c: Cluster) {
        #if DEBUG
        precondition(c.proxyChoices[serviceKey] === box, "kube-proxy's choice for \(serviceKey.name) asked from another box")
        #endif
        if box.choice == nil { box.choice = read(serviceKey, node: nil, in: c) }
    }

    /// A Service's choice as last made (`choice`), nil when its slices changed since.
    final class ChoiceBox {
        var choice: Choice?
        /// `choice.count` and `choice.pod`, read where the box keeps the choice (`fill` first).
        var count: Int { choice?.count ?? 0 }
        func pod(_ i: Int, in c: Cluster) -> SimPod? { choice?.pod(i, in: c) }
    }

    /// The choice as the published slices give it: a missing `ready` or `serving` is true, a
    /// missing `terminating` false.
    /// (Each endpoint's members are read in one pass, the first of each key counting, as a
    /// lookup finds it: after every publish the Choice of a 100,000-pod Service is read anew.)
    static func read(_ serviceKey: ObjectKey, node: String?, in c: Cluster) -> Choice {
        var choice = Choice()
        for slice in c.endpointSlices[serviceKey] ?? [] {
            guard case .array(let endpoints)? = slice.object["endpoints"] else { continue }
            for e in endpoints.indices {
                // (Keys are told apart by their stored lengths first, as `Object.index(of:)`
                // does: a key of another length is passed over without comparing its text; and
                // members are reached by index, so only the three wanted are copied out.)
                var nodeName: Value?, conditions: Value?, targetRef: Value?
                if case .object(let o) = endpoints[e] {
                    for m in o.members.indices {
                        switch o.members[m].key.utf8.count {
                        case 8 where nodeName == nil && o.members[m].key == "nodeName": nodeName = o.members[m].value
                        case 10 where conditions == nil && o.members[m].key == "conditions": conditions = o.members[m].value
                        case 9 where targetRef == nil && o.members[m].key == "targetRef": targetRef = o.members[m].value
                        default: break
                        }
                    }
                }
                if let node, nodeName?.stringValue != node { continue }
                choice.add(targetRef?["uid"]?.stringValue, conditionsRead(conditions))
            }
        }
        return choice
    }

    /// An endpoint's conditions: one of the eight the controller writes (`Conditions.value`),
    /// known by its storage at once; any other read member by member.
    private static func conditionsRead(_ conditions: Value?) -> EndpointSliceController.Conditions {
        guard case .object(let o)? = conditions else { return EndpointSliceController.Conditions(ready: true, serving: true, terminating: false) }
        if let shared = EndpointSliceController.Conditions(sharing: o) { return shared }
        var ready: Bool?, serving: Bool?, terminating: Bool?
        for m in o.members.indices {
            switch o.members[m].key.utf8.count {
            case 5 where ready == nil && o.members[m].key == "ready": ready = o.members[m].value.boolValue ?? true
            case 7 where serving == nil && o.members[m].key == "serving": serving = o.members[m].value.boolValue ?? true
            case 11 where terminating == nil && o.members[m].key == "terminating": terminating = o.members[m].value.boolValue ?? false
            default: break
            }
        }
        return EndpointSliceController.Conditions(ready: ready ?? true, serving: serving ?? true, terminating: terminating ?? false)
    }

    /// CategorizeEndpoints, endpoint by endpoint in the slices' order: the ready endpoints,
    /// else the serving and terminating ones, as indices into what names their pods — the uids
    /// read from the slices, or the endpoints the Endpoints controller just published, with
    /// their conditions as bits and their pods' handles (`init(endpoints:conditions:handles:)`),
    /// which are not read again.
    struct Choice: Equatable {
        private var uids: [String] = []
        private var endpoints: [Value]?
        /// The handles of the endpoints' pods (`SimPod.handle`), when all have one.
        private var handles: [Int32]?
        private var readyAt: [Int32] = []
        private var fallbackAt: [Int32] = []
        /// The endpoints ready, a pod named or not: what a timeline counts.
        private(set) var readyCount = 0

        init() {}

        /// The choice among `endpoints` (each naming its pod in `targetRef`, as the
        /// controller writes them), whose conditions are `conditions` (`Conditions.bits`) and
        /// whose pods have these handles (`SimPod.handle`; nil, or one -1, when not all have).
        init(endpoints: [Value], conditions: [UInt8], handles: [Int32]?) {
            self.endpoints = endpoints
            if let handles, handles.count == endpoints.count, !handles.contains(where: { $0 < 0 }) { self.handles = handles }
            conditions.withUnsafeBufferPointer { bits in
                for i in bits.indices {
                    if bits[i] & 4 != 0 {
                        readyAt.append(Int32(truncatingIfNeeded: i))
                    } else if bits[i] & 3 == 3 {
                        fallbackAt.append(Int32(truncatingIfNeeded: i))
                    }
                }
            }
            readyCount = readyAt.count
        }

        mutating func add(_ uid: String?, _ conditions: EndpointSliceController.Conditions) {
            if conditions.ready { readyCount += 1 }
            guard let uid else { return }
            if conditions.ready {
                readyAt.append(Int32(truncatingIfNeeded: uids.count))
            } else if conditions.serving && conditions.terminating {
                fallbackAt.append(Int32(truncatingIfNeeded: uids.count))
            } else {
                return
            }
            uids.append(uid)
        }

        /// The pod (uid) the endpoint at this index names.
        private func uid(_ index: Int32) -> String {
            guard let endpoints else { return uids[Int(index)] }
            return Self.targetUID(endpoints[Int(index)])
        }

        /// `endpoint["targetRef"]["uid"]`. The endpoints here are the controller's own
        /// (`endpoint(for:)`: `targetRef` last, and in it — `SimPod.targetRef` — `uid` last, each
        /// key once), so the last members are looked at first. Any other shape is looked up by
        /// name.
        static func targetUID(_ endpoint: Value) -> String {
            if case .object(let o) = endpoint, let ref = o.members.last, ref.key == "targetRef",
               case .object(let r) = ref.value, let uid = r.members.last, uid.key == "uid", case .string(let s) = uid.value {
                return s
            }
            return endpoint["targetRef"]?["uid"]?.stringValue ?? ""
        }

        /// The ready endpoints' pods, and the serving and terminating ones', in order.
        var ready: [String] { readyAt.map(uid) }
        var fallback: [String] { fallbackAt.map(uid) }

        /// How many pods requests go to: the ready ones, else the serving and terminating ones.
        var count: Int { readyAt.isEmpty ? fallbackAt.count : readyAt.count }

        /// The uid of the `i`th of them (`0..<count`).
        func target(_ i: Int) -> String { uid((readyAt.isEmpty ? fallbackAt : readyAt)[i]) }

        /// The cluster's pod of the `i`th of them (`0..<count`): `c.pods[target(i)]`, found by
        /// its handle when the endpoints came with their pods' (`Cluster.pod(handle:)` answers
        /// what the uid finds, nil once the cluster let the pod go). Every request asks —
        /// 400,000 of them at Kubernetes' limits — and the endpoint's `targetRef` read and its
        /// uid hashed were a third of a request's time.
        func pod(_ i: Int, in c: Cluster) -> SimPod? {
            // (The element read from its list, not the list chosen first: that copied it.)
            let index = readyAt.isEmpty ? fallbackAt[i] : readyAt[i]
            guard c.handlesExact, let handle = handles?[Int(index)] else { return c.pods[uid(index)] }
            let pod = c.pod(handle: Int(handle))
            #if DEBUG
            precondition(pod === c.pods[uid(index)], "kube-proxy's pod of \(uid(index)) by its handle is not the cluster's")
            #endif
            return pod
        }

        var targets: [String] { readyAt.isEmpty ? fallback : ready }

        static func == (a: Choice, b: Choice) -> Bool { a.readyCount == b.readyCount && a.ready == b.ready && a.fallback == b.fallback }
    }

    /// Where a request to the Service lands under a `Local` traffic policy
    /// (`UsesLocalEndpoints`): external traffic (`externalTrafficPolicy` of a LoadBalancer or
    /// NodePort Service) reaches the nodes k3s' ServiceLB advertises — those with a ready
    /// endpoint of the Service; in-cluster traffic (`internalTrafficPolicy`) comes from clients
    /// on every ready node. nil under the Cluster policy (the default).
    static func localNodes(_ service: Resource, in c: Cluster) -> [String]? {
        guard usesLocalEndpoints(service) else { return nil }
        let type = service.value.at("spec", "type")?.stringValue ?? "ClusterIP"
        let external = type == "LoadBalancer" || type == "NodePort"
        let key = ObjectKey(type: Cluster.endpointsType.storageKey, namespace: service.namespace ?? "default", name: service.name)
        let nodes = c.nodes.filter(\.ready).map(\.name)
        guard external else { return nodes }
        return nodes.filter { node in
            (c.endpointSlices[key] ?? []).contains { slice in
                (slice.object["endpoints"]?.arrayValue ?? []).contains { $0["nodeName"]?.stringValue == node && ($0["conditions"]?["ready"]?.boolValue ?? true) }
            }
        }
    }

    /// The Service's traffic policy for its clients (external for a LoadBalancer or NodePort
    /// Service, internal for any other) is `Local`.
    static func usesLocalEndpoints(_ service: Resource) -> Bool {
        let type = service.value.at("spec", "type")?.stringValue ?? "ClusterIP"
        let external = type == "LoadBalancer" || type == "NodePort"
        return service.value.at("spec", external ? "externalTrafficPolicy" : "internalTrafficPolicy")?.stringValue == "Local"
    }
}

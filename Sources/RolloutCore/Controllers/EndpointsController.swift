/// The Endpoints controller (`pkg/controller/endpoint/` syncService): each Service with a
/// selector lists its pods that are not terminating and have an IP — Ready ones under
/// `addresses`, the others under `notReadyAddresses`; with `publishNotReadyAddresses` every pod,
/// terminating ones too, under `addresses`. Its EndpointSlices change with it
/// (EndpointSliceController). Both are visible after the propagation delay (SPEC §3, default
/// 1 s), the time kube-proxy takes to act on a change. An Endpoints object holds at most 1,000
/// addresses (`truncateEndpoints`): beyond, it is cut and annotated
/// `endpoints.kubernetes.io/over-capacity: truncated`, while the slices list every endpoint.
enum EndpointsController {
    /// `maxCapacity` of `pkg/controller/endpoint/endpoints_controller.go`.
    static let maxCapacity = 1000
    /// `v1.EndpointsOverCapacity`, set to "truncated".
    static let overCapacityAnnotation = "endpoints.kubernetes.io/over-capacity"

    /// Looks again at the Services whose pods changed (ServicePods).
    ///
    /// In three steps: on the cluster's thread, each Service's changed pods, its book and —
    /// when the book cannot follow them — its selected pods are taken (`Job`); then each
    /// Service's endpoints are made from them (`make`) side by side on the machine's cores,
    /// which changes no pod and nothing of the cluster (the addresses and endpoints made are
    /// kept on the pods afterwards, `MadeValues`); then, in Service order on the cluster's
    /// thread, what changed is put on its way. The order of the last step is the order a loop
    /// over the Services had, so what is published, and when, does not depend on the threads.
    /// (At Kubernetes' limits a thousand Services change at once, a fifth of the simulation.)
    static func sync(in c: Cluster) -> Bool {
        guard c.servicePods.hasDirty else { return false }
        var jobs: [Job] = []
        let zones = NodeZones(c)
        for key in c.servicePods.takeDirty() {
            let touched = c.servicePods.takeTouched(key)
            guard let service = c.services[key] else {
                c.endpointBooks[key] = nil
                continue
            }
            // Taken out while worked on, so that its lists change in place.
            let kept = c.endpointBooks.removeValue(forKey: key)
            // Every pod an address or endpoint may be made for has its reference kept now: a
            // pod that changed (joined, moved), or every selected one when they are all read.
            for pod in touched { pod.keepTargetRef() }
            var selected: [SimPod]?
            if kept == nil || kept?.service != service { selected = selectedPods(key, in: c) }
            jobs.append(Job(key: key, service: service, number: c.servicePods.number(of: key), touched: touched, book: kept, selected: selected, zones: zones))
        }
        // Each job moved out of the list to its task (a placeholder left behind), so that its
        // book's lists are its own and change in place there, not copied.
        let outcomes = Parallel.map(handing: jobs.count, take: { i in
            var job = Job(key: jobs[i].key, service: jobs[i].service)
            swap(&job, &jobs[i])
            return job
        }) { _, job in make(&job) }
        var changed = false
        for var outcome in outcomes {
            if case .needsPods(var job) = outcome.result {
                // The book could not follow what changed (rare): made again from all the pods.
                job.selected = selectedPods(job.key, in: c)
                outcome = make(&job)
            }
            outcome.made.keep()
            guard case .made(let key, let book, let update, let followed) = outcome.result else {
                if case .unchanged(let key, let book) = outcome.result { c.endpointBooks[key] = book }
                continue
            }
            if followed {
                #if DEBUG
                let selected = c.servicePods.selectedPods(of: key).filter { !$0.gone && $0.ip != nil }
                precondition(selected.count == book.members.count && zip(selected, book.members).allSatisfy { $0 === $1.pod }, "endpoints of \(key.name): followed pods differ")
                let fresh = desiredSubsets(book.service, pods: selected)
                precondition(fresh.subsets == update.subsets && fresh.overCapacity == update.overCapacity, "endpoints of \(key.name): followed subsets differ")
                precondition(Value.array(EndpointSliceController.desiredEndpoints(book.service, pods: selected, zones: zones)) == update.endpoints, "endpoints of \(key.name): followed endpoints differ")
                #endif
                c.servicePods.dropGonePods(of: key, live: book.members.count)
            }
            c.endpointBooks[key] = book
            let endpointsKey = ObjectKey(type: Cluster.endpointsType.storageKey, namespace: key.namespace, name: key.name)
            // What the last update on its way will leave, else what is published.
            let target = c.pendingEndpoints[endpointsKey]?.last
                ?? PendingEndpoints(at: c.now, subsets: c.endpoints[endpointsKey]?.object["subsets"] ?? .array([]),
                                    endpoints: publishedEndpoints(endpointsKey, in: c),
                                    overCapacity: c.endpoints[endpointsKey]?.annotation(overCapacityAnnotation) != nil)
            let noSlicesYet = c.pendingEndpoints[endpointsKey] == nil && c.endpointSlices[endpointsKey] == nil
            // (The endpoints that did not move are the same objects as in the target: they are
            // passed over without being read.)
            if update.subsets != target.subsets || !Value.equalLists(update.endpoints, target.endpoints) || update.overCapacity != target.overCapacity
                || noSlicesYet {
                var update = update
                update.at = c.now.adding(c.endpointPropagation)
                c.pendingEndpoints[endpointsKey, default: []].append(update)
                c.timers.add(.endpoints(endpointsKey), at: update.at)
                changed = true
            }
        }
        return changed
    }

    /// The Service's selected pods that have an IP, with their references kept (`keepTargetRef`).
    private static func selectedPods(_ key: ObjectKey, in c: Cluster) -> [SimPod] {
        let selected = c.servicePods.selectedPods(of: key).filter { !$0.gone && $0.ip != nil }
        for pod in selected { pod.keepTargetRef() }
        return selected
    }

    /// One Service's sync, as taken on the cluster's thread: its pods changed since
    /// (`ServicePods.takeTouched`), its book, and its selected pods when the book cannot be
    /// followed (none, or of another Service object).
    struct Job {
        var key: ObjectKey
        var service: Resource
        /// Its number in ServicePods, under which its pods keep their arrivals.
        var number: Int?
        var touched: [SimPod] = []
        var book: EndpointBook?
        var selected: [SimPod]?
        /// The nodes' zones, when some node has one (`NodeZones`).
        var zones: NodeZones?
    }

    /// Where each node is and its zone, read by the syncs side by side (the arrays shared, not
    /// copied): an endpoint names its pod's node's zone (podToEndpoint).
    struct NodeZones: @unchecked Sendable {
        var nodes: [SimNode]
        var index: StringMap<Int>

        init?(_ c: Cluster) {
            guard c.hasZonedNodes else { return nil }
            nodes = c.nodes
            index = c.nodeIndex
        }

        func zone(of pod: SimPod) -> String? {
            guard let name = pod.nodeName, let i = index[name], i < nodes.count, !nodes[i].zone.isEmpty else { return nil }
            return nodes[i].zone
        }
    }

    /// What one Service's sync made, with the addresses and endpoints to keep on its pods.
    struct Outcome {
        enum Result {
            /// Nothing it shows moved: the book is kept as it is.
            case unchanged(ObjectKey, EndpointBook)
            /// The Service's endpoints as they are now (`update.at` still to be set), and the
            /// book they were made with; `followed`: by following the changed pods.
            case made(ObjectKey, EndpointBook, update: PendingEndpoints, followed: Bool)
            /// The book cannot follow the change: the selected pods are needed.
            case needsPods(Job)
        }
        var result: Result
        var made: MadeValues
    }

    /// A Service's endpoints made from its job, reading its pods and changing none of them:
    /// the changed pods followed into its book, or with its selected pods taken, the
    /// endpoints made from all of them. (Run side by side for several Services.)
    private static func make(_ job: inout Job) -> Outcome {
        var made = MadeValues()
        let service = job.service
        let zones = job.zones
        let publishNotReady = EndpointSliceController.publishesNotReady(service)
        if var book = job.book, book.service == service, let change = book.change(job.touched) {
            // The pods that changed are followed into the kept lists and orders.
            job.book = nil
            if change.isEmpty { return Outcome(result: .unchanged(job.key, book), made: made) }
            book.apply(change) { pod, ip in
                (made.endpoint(pod, ip: ip, publishNotReady: publishNotReady, hostname: hostname(of: pod, in: service), zone: zones?.zone(of: pod)),
                 EndpointSliceController.Conditions(pod, publishNotReady: publishNotReady).bits)
            }
            // (A book that can say what changed has its orders; were they lost, the endpoints
            // are made from all the pods below, as with no book.)
            if let subsets = book.subsets(service, address: { made.address($0, ip: $1, hostname: hostname(of: $0, in: service)) }), let ordered = book.ordered {
                let update = PendingEndpoints(at: .clusterEpoch, subsets: subsets.subsets, endpoints: .array(ordered.endpoints),
                                              overCapacity: subsets.overCapacity, conditions: ordered.stable.map(\.conditions),
                                              handles: ordered.stable.map(\.handle))
                return Outcome(result: .made(job.key, book, update: update, followed: true), made: made)
            }
        }
        guard let selected = job.selected else { return Outcome(result: .needsPods(job), made: made) }
        let previous = job.book
        job.book = nil
        // When none of it moved since this Service was last looked at, what it would make is
        // what is already published or on its way.
        if let previous, previous.same(service: service, pods: selected) { return Outcome(result: .unchanged(job.key, previous), made: made) }
        // Both lists are in address order, the Endpoints' ties by uid, the slices' as given:
        // one sort finds both, and it stands until the pods or their addresses move.
        let orders: (stable: [Int], tieBroken: [Int])
        if let previous, let kept = previous.orders, previous.sameAddresses(selected) {
            orders = kept
            #if DEBUG
            let fresh = EndpointAddressOrder.orders(count: selected.count, address: { selected[$0].ip ?? "" }, tieBreak: { selected[$0].uid })
            precondition(fresh.stable == kept.stable && fresh.tieBroken == kept.tieBroken, "endpoints of \(job.key.name): kept address order is stale")
            #endif
        } else {
            orders = EndpointAddressOrder.orders(count: selected.count, address: { selected[$0].ip ?? "" }, tieBreak: { selected[$0].uid })
        }
        var book = EndpointBook(service: service, number: job.number, pods: selected)
        // Each pod's address and endpoint are made again only when what they show moved.
        let subsets = desiredSubsets(service, pods: selected, order: orders.tieBroken, address: { made.address($0, ip: $1, hostname: $2) })
        let endpoints = EndpointSliceController.desiredEndpoints(service, pods: selected, order: orders.stable) { pod, ip, _, hostname in
            made.endpoint(pod, ip: ip, publishNotReady: publishNotReady, hostname: hostname, zone: zones?.zone(of: pod))
        }
        let conditions = orders.stable.map { EndpointSliceController.Conditions(selected[$0], publishNotReady: publishNotReady).bits }
        let handles = orders.stable.map { Int32(exactly: selected[$0].handle) ?? -1 }
        book.keep(orders: orders, endpoints: endpoints, conditions: conditions)
        let update = PendingEndpoints(at: .clusterEpoch, subsets: subsets.subsets, endpoints: .array(endpoints), overCapacity: subsets.overCapacity,
                                      conditions: conditions, handles: handles)
        return Outcome(result: .made(job.key, book, update: update, followed: false), made: made)
    }

    /// The addresses and endpoints one sync made for its pods (`EndpointValues`): each pod's
    /// own as last made when what it shows has not moved since, else one made now — kept on
    /// the pod only afterwards, on the cluster's thread (`keep`), since syncs run side by side.
    /// A pod keeps the last made for it; two made for one pod are equal.
    struct MadeValues {
        private var addresses: [(pod: SimPod, stamp: Int, value: Value)] = []
        private var endpoints: [(pod: SimPod, stamp: Int, publishNotReady: Bool, value: Value)] = []

        /// A pod's address, as made when its `addressStamp` was last what it is: a pod that
        /// turns ready or terminating keeps its address (the same value, not an equal one
        /// made again).
        /// (A pod listed under its hostname — by its governing Service, `hostname(of:in:)` — is
        /// made afresh each time: what a pod keeps is its value for every other Service.)
        mutating func address(_ pod: SimPod, ip: String, hostname: String?) -> Value {
            if let hostname { return EndpointsController.address(for: pod, ip: ip, hostname: hostname) }
            if let kept = pod.endpointValues.address, kept.stamp == pod.addressStamp { return kept.value }
            let value = EndpointsController.address(for: pod, ip: ip)
            addresses.append((pod, pod.addressStamp, value))
            return value
        }

        /// A pod's slice endpoint, as made when its `endpointStamp` was last what it is.
        /// (A pod's zone is its node's, which moves only with its node: kept with the rest.)
        mutating func endpoint(_ pod: SimPod, ip: String, publishNotReady: Bool, hostname: String?, zone: @autoclosure () -> String?) -> Value {
            if let hostname { return EndpointSliceController.endpoint(for: pod, ip: ip, publishNotReady: publishNotReady, hostname: hostname, zone: zone()) }
            if let kept = pod.endpointValues.endpoint, kept.stamp == pod.endpointStamp, kept.publishNotReady == publishNotReady { return kept.value }
            let value = EndpointSliceController.endpoint(for: pod, ip: ip, publishNotReady: publishNotReady, zone: zone())
            endpoints.append((pod, pod.endpointStamp, publishNotReady, value))
            return value
        }

        /// Kept on the pods, in the order made.
        func keep() {
            for made in addresses { made.pod.endpointValues.address = (made.stamp, made.value) }
            for made in endpoints { made.pod.endpointValues.endpoint = (made.stamp, made.publishNotReady, made.value) }
        }
    }

    /// The endpoints of a Service's published slices, in order: as the last update published
    /// them, or read from the slices once.
    static func publishedEndpoints(_ key: ObjectKey, in c: Cluster) -> Value {
        if let known = c.publishedEndpoints[key] { return known }
        let endpoints = Value.array((c.endpointSlices[key] ?? []).flatMap { $0.object["endpoints"]?.arrayValue ?? [] })
        c.publishedEndpoints[key] = endpoints
        return endpoints
    }

    /// Publishes the endpoint updates that are due.
    static func publish(_ key: ObjectKey, in c: Cluster) {
        guard var pending = c.pendingEndpoints[key] else { return }
        var latest: PendingEndpoints?
        while let first = pending.first, first.at <= c.now {
            latest = first
            pending.removeFirst()
        }
        c.pendingEndpoints[key] = pending.isEmpty ? nil : pending
        guard let latest else { return }
        let subsets = latest.subsets
        let serviceKey = ObjectKey(type: Cluster.serviceType.storageKey, namespace: key.namespace, name: key.name)
        if let service = c.services[serviceKey] {
            let sample = (latest.endpoints.arrayValue ?? []).lazy.compactMap { $0["targetRef"]?["uid"]?.stringValue }.compactMap { c.pods[$0] }.first
            let endpoints = latest.endpoints.arrayValue ?? []
            EndpointSliceController.publish(key, endpoints: endpoints, ports: EndpointSliceController.ports(service, sample: sample), in: c)
            // kube-proxy's choice among them, from the conditions and pod handles made with them:
            // the slices just written need not be read back (an update loaded from the state
            // has none).
            if let conditions = latest.conditions, conditions.count == endpoints.count {
                let choice = KubeProxy.Choice(endpoints: endpoints, conditions: conditions, handles: latest.handles)
                #if DEBUG
                precondition(choice == KubeProxy.read(key, node: nil, in: c), "endpoints of \(key.name): kube-proxy's choice differs from its slices")
                #endif
                c.proxyChoice(key).choice = choice
            }
            // The slices list these endpoints in this order (`publish` cuts them in hundreds).
            if let replaced = c.publishedEndpoints.updateValue(latest.endpoints, forKey: key) { c.discards.add(replaced) }
        }
        var resource = c.endpoints[key] ?? Resource(Object([
            "apiVersion": .string("v1"), "kind": .string("Endpoints"),
            "metadata": .object(Object(["name": .string(key.name), "namespace": .string(key.namespace), "uid": .string(c.newUID()),
                                        "creationTimestamp": .string(c.now.description)])),
        ]))
        if let service = c.services[ObjectKey(type: Cluster.serviceType.storageKey, namespace: key.namespace, name: key.name)], !service.labels.isEmpty {
            var meta = resource.metadata
            meta["labels"] = service.metadata["labels"]
            resource.metadata = meta
        }
        // syncService: the over-capacity mark is set when the addresses were cut, and removed
        // when they fit again.
        if latest.overCapacity != (resource.annotation(overCapacityAnnotation) != nil) {
            var meta = resource.metadata
            var annotations = meta["annotations"]?.objectValue ?? Object()
            annotations[overCapacityAnnotation] = latest.overCapacity ? .string("truncated") : nil
            meta["annotations"] = annotations.count == 0 ? nil : .object(annotations)
            resource.metadata = meta
        }
        resource.object["subsets"] = subsets == .array([]) ? nil : subsets
        // (What it replaced, with its addresses, is let go of on another core: Discards.)
        if let replaced = c.endpoints.updateValue(resource, forKey: key) { c.discards.add(replaced) }
        c.dirtyEndpoints.insert(key)
        // The timelines that count this Service's endpoints are sampled again.
        c.timelinesToSample.formUnion(c.timelineServiceReaders[serviceKey] ?? [])
    }

    /// `pods`: the Service's selected pods that have an IP.
    /// `address` makes each address (`address(for:ip:)`, or a kept copy of what it made).
    /// `overCapacity`: more than `maxCapacity` addresses, cut as `truncateEndpoints` cuts them
    /// (all subsets here are one: every pod of a Service has its ports): the ready ones first,
    /// each list in its sorted order (`SortSubsets`: by IP, byte by byte, then by pod uid).
    /// `order`: the pods' indices in that order, when already found.
    static func desiredSubsets(_ service: Resource, pods: [SimPod], order: [Int]? = nil,
                               address: (SimPod, String, String?) -> Value = { address(for: $0, ip: $1, hostname: $2) }) -> (subsets: Value, overCapacity: Bool) {
        // LessEndpointAddress (pkg/api/v1/endpoints/util.go): by address, then by pod uid.
        let order = order ?? EndpointAddressOrder.sortedIndices(count: pods.count, address: { pods[$0].ip ?? "" }, tieBreak: { pods[$0].uid })
        let publishNotReady = EndpointSliceController.publishesNotReady(service)
        return subsets(service, count: order.count, state: { i in
            let pod = pods[order[i]]
            return ((pod.isActive || publishNotReady) && pod.ip != nil, pod.ready || publishNotReady)
        }, pod: { pods[order[$0]] }, address: { i in
            let pod = pods[order[i]]
            return address(pod, pod.ip ?? "", hostname(of: pod, in: service))
        })
    }

    /// `desiredSubsets` of `count` pods in their order, each one's `state` saying whether it is
    /// listed (active or published not ready, with an IP) and whether as ready; `pod` and
    /// `address` give a listed one's pod and address (`EndpointBook.subsets` reads them from
    /// its orders).
    static func subsets(_ service: Resource, count: Int, state: (Int) -> (listed: Bool, ready: Bool), pod: (Int) -> SimPod,
                        address: (Int) -> Value) -> (subsets: Value, overCapacity: Bool) {
        // Each list is kept to its first `maxCapacity`, which is all truncation can keep of
        // it; the totals say whether it cuts (10,000 pods behind a Service are counted, not
        // listed, at every sync).
        // (The places alone: each address is read where it is listed, not kept with a
        // retained copy of it — every sync lists all of a Service's pods.)
        var ready: [Int] = [], notReady: [Int] = []
        var readyCount = 0, notReadyCount = 0
        for i in 0..<count {
            let (listed, isReady) = state(i)
            guard listed else { continue }
            // With the capacity's ready addresses found and one more beyond them, the cut is
            // known: those ready ones and no not-ready one (the rest need not be looked at —
            // a Service of 10,000 ready pods is read to its 1,001st).
            if ready.count == maxCapacity {
                readyCount += 1
                break
            }
            if isReady {
                readyCount += 1
                if ready.count < maxCapacity { ready.append(i) }
            } else {
                notReadyCount += 1
                if notReady.count < maxCapacity { notReady.append(i) }
            }
        }
        if ready.isEmpty && notReady.isEmpty { return (.array([]), false) }
        let overCapacity = readyCount + notReadyCount > maxCapacity
        if overCapacity {
            // truncateEndpoints: the ready addresses up to the capacity, then the not-ready ones
            // up to what is left (a single subset's share is all of it).
            notReady = Array(notReady.prefix(maxCapacity - ready.count))
        }
        func addresses(_ list: [Int]) -> Value {
            .array(list.map(address))
        }
        let samplePod = (ready.first ?? notReady.first).map(pod)
        let ports: [Value] = (service.value.at("spec", "ports")?.arrayValue ?? []).map { port in
            var o = Object()
            if let name = port["name"] { o["name"] = name }
            o["port"] = .int(targetPort(port, pod: samplePod))
            o["protocol"] = port["protocol"] ?? .string("TCP")
            return .object(o)
        }
        var subset = Object()
        if !ready.isEmpty { subset["addresses"] = addresses(ready) }
        if !notReady.isEmpty { subset["notReadyAddresses"] = addresses(notReady) }
        subset["ports"] = .array(ports)
        return (.array([.object(subset)]), overCapacity)
    }

    /// One pod's address in an Endpoints subset.
    static func address(for pod: SimPod, ip: String, hostname: String? = nil) -> Value {
        if let hostname {
            return .object(Object(["hostname": .string(hostname), "ip": .string(ip), "nodeName": pod.nodeName.map(Value.string) ?? .null,
                                   "targetRef": pod.targetRef]))
        }
        return .object(Object(["ip": .string(ip), "nodeName": pod.nodeName.map(Value.string) ?? .null, "targetRef": pod.targetRef]))
    }

    /// ShouldSetHostname (`pkg/controller/util/endpoint/controller_utils.go`): a pod with a
    /// hostname whose subdomain is the Service's name, in its namespace, is listed under that
    /// hostname (how a StatefulSet's pods get their DNS names through its governing Service).
    static func hostname(of pod: SimPod, in service: Resource) -> String? {
        guard let hostname = pod.hostname, hostname.subdomain == service.name, pod.namespace == (service.namespace ?? "default") else { return nil }
        return hostname.name
    }

    /// A pod's address and endpoint as last made, with its `addressStamp` and `endpointStamp` then.
    struct EndpointValues {
        var address: (stamp: Int, value: Value)?
        var endpoint: (stamp: Int, publishNotReady: Bool, value: Value)?
    }

    /// The slices' endpoints an Endpoints object's subsets amount to (for states written
    /// before EndpointSlices): addresses ready, the others neither ready nor serving.
    static func endpoints(fromSubsets subsets: Value) -> Value {
        var result: [(String, Value)] = []
        for subset in subsets.arrayValue ?? [] {
            for (field, ready) in [("addresses", true), ("notReadyAddresses", false)] {
                for address in subset[field]?.arrayValue ?? [] {
                    guard let ip = address["ip"]?.stringValue else { continue }
                    var endpoint = Object(["addresses": .array([.string(ip)]),
                                           "conditions": .object(Object(["ready": .bool(ready), "serving": .bool(ready), "terminating": .bool(false)]))])
                    if let node = address["nodeName"], node != .null { endpoint["nodeName"] = node }
                    if let ref = address["targetRef"] { endpoint["targetRef"] = ref }
                    result.append((ip, .object(endpoint)))
                }
            }
        }
        return .array(result.sorted { $0.0 < $1.0 }.map(\.1))
    }

    /// An update on its way to the Endpoints and EndpointSlices of a Service.
    struct PendingEndpoints {
        var at: Timestamp
        var subsets: Value
        /// The slices' endpoints, all of them in order.
        var endpoints: Value
        /// The subsets were cut to `maxCapacity` addresses.
        var overCapacity = false
        /// The conditions of `endpoints`, in order (`Conditions.bits`), and the handles of
        /// the pods they name (`SimPod.handle`), when made here (not kept in the state).
        var conditions: [UInt8]? = nil
        var handles: [Int32]? = nil
    }

    /// A Service port's target on a pod: a number, or a named container port looked up.
    static func targetPort(_ port: Value, pod: SimPod?) -> Int {
        switch port["targetPort"] {
        case .int(let n)?: return n
        case .string(let name)?:
            for container in pod?.template["spec"]?["containers"]?.arrayValue ?? [] {
                for p in container["ports"]?.arrayValue ?? [] where p["name"]?.stringValue == name {
                    return p["containerPort"]?.intValue ?? 0
                }
            }
            return 0
        default: return port["port"]?.intValue ?? 0
        }
    }
}

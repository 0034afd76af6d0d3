/// How long a request takes: a fixed time (`50ms`), or a range (`20ms-2s`) each request's time is
/// drawn from, uniformly, by the replay's own seeded generator — the same on every run.
public struct RequestTime: Equatable, Sendable {
    public var min: Duration
    public var max: Duration

    public init(_ fixed: Duration) {
        min = fixed
        max = fixed
    }

    /// `50ms`, `2s`, `20ms-2s`; nil for anything else (negative, or a range whose end comes first).
    public init?(parsing text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        if parts.count == 1, let d = Duration(parsing: text), d.milliseconds >= 0 {
            self.init(d)
            return
        }
        guard parts.count == 2, let a = Duration(parsing: String(parts[0])), let b = Duration(parsing: String(parts[1])),
              a.milliseconds >= 0, a.milliseconds <= b.milliseconds else { return nil }
        self.init(a)
        max = b
    }

    func draw(_ random: inout SeededRandom) -> Int {
        let low = SimulationLimits.bounded(min).milliseconds, high = SimulationLimits.bounded(max).milliseconds
        guard high > low else { return low }
        return low + Int(random.next() % UInt64(high - low + 1))
    }
}

/// Requests through Services while virtual time runs (SPEC §5): each Service gets `rps`
/// requests per second at evenly spaced instants; each goes to the next endpoint (round robin)
/// of the Service's published view at that instant, and fails when there is none or when the
/// pod behind it is not serving — still warming up, past SIGTERM, or gone.
public final class TrafficRecorder {
    public struct Window: Equatable, Sendable {
        /// Milliseconds of virtual time since the recording started.
        public var start: Int
        public var end: Int
        public var reason: String
        public var failed: Int

        public init(start: Int, end: Int, reason: String, failed: Int) {
            self.start = start
            self.end = end
            self.reason = reason
            self.failed = failed
        }
    }

    /// Where replayed requests go: straight to a Service (kube-proxy), through an Ingress rule
    /// (Traefik) whose backend is that Service, or to a DaemonSet's host port on each node.
    public struct Route: Hashable, Comparable, Sendable {
        /// The Service the requests are meant for (for a host port, the DaemonSet).
        public var service: ObjectKey
        public var ingress: ObjectKey?
        public var host: String = ""
        public var path: String = ""
        /// A DaemonSet's host port: clients spread over the nodes that run it (an outside load
        /// balancer or DNS round robin), each request answered by the pod on its node.
        public var hostPort: Int?

        public init(service: ObjectKey, ingress: ObjectKey? = nil, host: String = "", path: String = "", hostPort: Int? = nil) {
            self.service = service
            self.ingress = ingress
            self.host = host
            self.path = path
            self.hostPort = hostPort
        }

        /// `service/web-api`, `ingress/web-api api.example.com/v1` (`*` for any host), or
        /// `daemonset/proxy host port 80`.
        public var label: String {
            if let hostPort { return "daemonset/\(service.name) host port \(hostPort)" }
            guard let ingress else { return "service/\(service.name)" }
            return "ingress/\(ingress.name) \(host.isEmpty ? "*" : host)\(path)"
        }

        public static func < (a: Route, b: Route) -> Bool {
            (a.hostPort != nil ? 2 : a.ingress == nil ? 0 : 1, a.ingress?.name ?? a.service.name, a.service, a.host, a.path, a.hostPort ?? 0)
                < (b.hostPort != nil ? 2 : b.ingress == nil ? 0 : 1, b.ingress?.name ?? b.service.name, b.service, b.host, b.path, b.hostPort ?? 0)
        }
    }

    public struct ServiceTraffic: Equatable, Sendable {
        public var route: Route
        public var service: ObjectKey { route.service }
        public var requests = 0
        public var failed = 0
        public var windows: [Window] = []
    }

    public let rps: Int
    public let start: Timestamp
    /// How long a request takes when nothing says otherwise (`--request-time`); a Service's
    /// `rollout.sim/request-time` annotation sets its own.
    public let requestTime: RequestTime
    /// The default request time: a few tens of milliseconds, as a typical API call.
    public static let defaultRequestTime = RequestTime(Duration(milliseconds: 50))
    /// Draws request times from ranges, and nothing else: the cluster's own generator is not touched.
    var random = SeededRandom(seed: 0x7E0_5EED)
    /// Keep-alive connections of each route's clients (`rollout.sim/keep-alive: N`): the pod
    /// (uid) and container instance each is open to, nil until dialled.
    struct Connection {
        var pod: String
        var instance: Int
    }
    /// One route's requests: its counts, its round robins and keep-alive connections, and
    /// what its Service says about them (`ServiceFacts`), read again when a Service changed.
    /// Lanes are kept in the order their routes came (requests in flight name their lane);
    /// `order` lists them in route order, the order each instant's requests go out in.
    struct Lane {
        var stats: ServiceTraffic
        /// The next endpoint (or node, or Traefik server) in round robin.
        var turn = 0
        /// The next node that takes a `Local` policy's requests, in round robin.
        var nodeTurn = 0
        var connections: [Connection?] = []
        var nextConnection = 0
        var facts: ServiceFacts?
        /// `Cluster.serviceChanges` when `facts` were read.
        var factsRead = -1
        /// The keys of the route's Service and of its endpoints, made once: every request
        /// asks (600,000 of them in a minute at Kubernetes' limits).
        let serviceKey: ObjectKey
        let endpointsKey: ObjectKey
        /// The box of kube-proxy's choice for the Service (`Cluster.proxyChoice`), found at the
        /// first request: the others read it without hashing the key.
        var choice: KubeProxy.ChoiceBox?

        init(stats: ServiceTraffic) {
            self.stats = stats
            let key = stats.route.service
            serviceKey = ObjectKey(type: Cluster.serviceType.storageKey, namespace: key.namespace, name: key.name)
            endpointsKey = ObjectKey(type: Cluster.endpointsType.storageKey, namespace: key.namespace, name: key.name)
        }
    }

    /// What requests along a route take from the Service it is meant for (a Service of that
    /// name, for a host port's DaemonSet).
    struct ServiceFacts {
        /// Its traffic policy is `Local` (KubeProxy.localNodes).
        var local: Bool
        /// A LoadBalancer without an external IP (ServiceLoadBalancer.unreachable).
        var awaitsExternalIP: Bool
        var keepAlive: Int?
        var requestTime: RequestTime?

        init(_ service: Resource?) {
            local = service.map(KubeProxy.usesLocalEndpoints) ?? false
            awaitsExternalIP = service.map(ServiceLoadBalancer.awaitsExternalIP) ?? false
            keepAlive = service.flatMap(TrafficRecorder.keepAlive(of:))
            requestTime = service.flatMap(TrafficRecorder.requestTime(of:))
        }
    }

    private var lanes: [Lane] = []
    private var order: [Int] = []
    /// In route order.
    public private(set) var routes: [Route] = []
    /// Traefik's routers, found once: Ingresses do not change while time runs.
    var routers: [Traefik.Router]?
    /// Requests being served: they fail if their container stops before they end.
    struct InFlight {
        /// Its route's lane.
        var lane: Int
        var pod: String
        var container: Int
        var instance: Int
        var end: Int
    }
    var inFlight: [InFlight] = []
    var sent = 0
    /// Requests sent to the Ingress controller's Service, for its round robin.
    var controllerTurn = 0
    /// Each route's requests and failures so far.
    public var traffic: [Route: ServiceTraffic] { Dictionary(uniqueKeysWithValues: lanes.map { ($0.stats.route, $0.stats) }) }
    /// The same in route order.
    public var trafficInRouteOrder: [ServiceTraffic] { order.map { lanes[$0].stats } }
    /// Requests per Service a replay sends at most.
    public static let maxRequests = 2_000_000
    public private(set) var truncated = false

    /// Records traffic to `services` (straight) and along `routes` from `start` on.
    public init(rps: Int, services: [ObjectKey], routes: [Route] = [], start: Timestamp, requestTime: RequestTime = TrafficRecorder.defaultRequestTime) {
        self.rps = rps
        self.requestTime = requestTime
        self.start = start
        track(services.map { Route(service: $0) } + routes)
    }

    /// Now replaying through another cluster (`Cluster.traffic`): what the routes kept of the
    /// last one is let go.
    func attached() {
        for i in lanes.indices { lanes[i].choice = nil }
    }

    /// Also records traffic along these routes from now on (a served cluster's Services as
    /// they come); routes already recorded keep their counts.
    public func track(_ more: [Route]) {
        let new = Set(more).subtracting(routes)
        guard !new.isEmpty else { return }
        for route in new.sorted() { lanes.append(Lane(stats: ServiceTraffic(route: route))) }
        order = lanes.indices.sorted { lanes[$0].stats.route < lanes[$1].stats.route }
        routes = order.map { lanes[$0].stats.route }
        // Traefik's routers are read again for the new routes.
        routers = nil
    }

    /// The Ingress rules (as Traefik routes them) in front of these Deployments whose Service
    /// already serves: one route per rule path, requested at its host and path.
    public static func ingressRoutes(selecting deployments: [Resource], in c: Cluster) -> [Route] {
        let serving = Set(servingServices(selecting: deployments, in: c))
        var routes: [Route] = []
        for router in Traefik.routers(in: c) where serving.contains(router.service) {
            let host = router.host.hasPrefix("*.") ? "www" + router.host.dropFirst(1) : router.host
            routes.append(Route(service: router.service, ingress: router.ingress, host: host, path: router.path.isEmpty ? "/" : router.path))
        }
        return routes
    }

    /// The Services in front of a Deployment: same namespace, selector matching its pods.
    /// Found through the cluster's index of Services by selector (ServicePods), not by
    /// comparing every Service's selector: 1,000 Deployments behind 1,000 Services made that a
    /// million comparisons at every save.
    public static func services(selecting deployment: Resource, in c: Cluster) -> [ObjectKey] {
        let labels = stringMap(deployment.object["spec"]?["template"]?["metadata"]?["labels"])
        return c.servicePods.services(selecting: labels, namespace: deployment.namespace ?? "default")
    }

    /// Of those, the ones already serving (a ready endpoint): a brand-new app has no clients
    /// yet, so its first rollout is not replayed.
    public static func servingServices(selecting deployments: [Resource], in c: Cluster) -> [ObjectKey] {
        Set(deployments.flatMap { services(selecting: $0, in: c) }).filter { key in
            let endpoints = c.endpoints[ObjectKey(type: Cluster.endpointsType.storageKey, namespace: key.namespace, name: key.name)]
            return (endpoints?.object["subsets"]?.arrayValue ?? []).contains { !($0["addresses"]?.arrayValue ?? []).isEmpty }
        }.sorted()
    }

    /// Sends the requests due in [now, until), with the cluster as it is now (nothing changes
    /// between two instants of the event loop).
    func advance(_ c: Cluster, until end: Timestamp) {
        guard rps > 0 else { return }
        while true {
            // A bound on the replay, so a day-long wait at a high rate cannot run away.
            if sent >= Self.maxRequests {
                truncated = true
                return
            }
            let at = start.milliseconds + sent * 1000 / rps
            guard at < end.milliseconds else { return }
            sent += 1
            for lane in order {
                let route = lanes[lane].stats.route
                if route.hostPort != nil { sendToNode(lane, at: at, in: c) } else if route.ingress != nil { sendThroughIngress(lane, at: at, in: c) } else { send(lane, at: at, in: c) }
            }
        }
    }

    /// To a DaemonSet's host port: the nodes that run its pods in turn, no health check in
    /// front; the node's pod answers if its app is up (a pod being replaced leaves the port
    /// closed until the new one has started), whatever its readiness.
    private func sendToNode(_ lane: Int, at: Int, in c: Cluster) {
        let route = lanes[lane].stats.route
        guard let ds = c.daemonSets[route.service] else { return }
        var stats = lanes[lane].stats
        stats.requests += 1
        var byNode: [String: [SimPod]] = [:]
        for pod in c.pods(ownedBy: ds.uid) where !pod.gone { if let node = pod.nodeName { byNode[node, default: []].append(pod) } }
        let nodes = byNode.keys.sorted()
        var failure: String?
        if nodes.isEmpty {
            failure = "no node runs a pod of it"
        } else {
            let node = nodes[lanes[lane].turn % nodes.count]
            lanes[lane].turn += 1
            let pods = (byNode[node] ?? []).sorted { $0.created < $1.created }
            if let pod = pods.first(where: { Self.notServing($0, at: at) == nil }), let i = pod.servingIndex {
                occupy(lane, pod, container: i, at: at, time: facts(lane, in: c).requestTime)
            } else {
                failure = "\(node): host port closed, " + (pods.last.flatMap { Self.notServing($0, at: at) } ?? "no pod")
            }
        }
        if let failure { stats.fail(at - start.milliseconds, failure, rps: rps) }
        lanes[lane].stats = stats
    }

    /// What the route's Service says (`ServiceFacts`), read again when a Service changed.
    private func facts(_ lane: Int, in c: Cluster) -> ServiceFacts {
        if let facts = lanes[lane].facts, lanes[lane].factsRead == c.serviceChanges { return facts }
        let facts = ServiceFacts(c.services[lanes[lane].serviceKey])
        lanes[lane].facts = facts
        lanes[lane].factsRead = c.serviceChanges
        return facts
    }

    /// The host ports of these DaemonSets whose pods run already: a route each (a DaemonSet on
    /// the host network: its container ports).
    public static func hostPortRoutes(selecting workloads: [Resource], in c: Cluster) -> [Route] {
        var routes: [Route] = []
        for ds in workloads where ds.kind == "DaemonSet" && ds.type.group == "apps" {
            guard c.pods(ownedBy: ds.uid).contains(where: { !$0.gone && $0.ready }) else { continue }
            let spec = ds.object["spec"]?["template"]?["spec"]
            let hostNetwork = spec?["hostNetwork"]?.boolValue == true
            var ports: [Int] = []
            for container in spec?["containers"]?.arrayValue ?? [] {
                for port in container["ports"]?.arrayValue ?? [] {
                    if let p = port["hostPort"]?.intValue, p > 0 { ports.append(p) } else if hostNetwork, let p = port["containerPort"]?.intValue { ports.append(p) }
                }
            }
            for port in Set(ports).sorted() { routes.append(Route(service: ds.key, hostPort: port)) }
        }
        return routes
    }

    /// Through Traefik: the router that matches the request's host and path, then one of the
    /// ready endpoints of its Service, round robin.
    private func sendThroughIngress(_ lane: Int, at: Int, in c: Cluster) {
        let route = lanes[lane].stats.route
        var stats = lanes[lane].stats
        stats.requests += 1
        if routers == nil { routers = Traefik.routers(in: c) }
        var failure: String?
        let turn = controllerTurn
        controllerTurn += 1
        switch Traefik.handle(host: route.host, path: route.path, routers: routers ?? [], turn: turn, in: c) {
        case .failed(let why):
            failure = why
        case .served(let router, let servers):
            let index = lanes[lane].turn % servers.count
            lanes[lane].turn += 1
            let pod = c.pods[servers[index]]
            failure = Self.notServing(pod, at: at)
            if failure == nil, let pod, let i = pod.servingIndex {
                occupy(lane, pod, container: i, at: at, time: Self.requestTime(of: router.service, in: c))
            }
        }
        if let failure { stats.fail(at - start.milliseconds, failure, rps: rps) }
        lanes[lane].stats = stats
    }

    private func send(_ lane: Int, at: Int, in c: Cluster) {
        let facts = facts(lane, in: c)
        // (The lane's counts are changed where they are: a copy per request retained and
        // released the route's strings and the failure windows, at Kubernetes' limits
        // 600,000 times a minute.)
        lanes[lane].stats.requests += 1
        // kube-proxy's view: the Service's EndpointSlices as published, ready endpoints first,
        // serving-terminating ones when none is ready.
        // (The choice is read where its box keeps it, `ChoiceBox.count` and `pod`: a copy per
        // request retained and released its five lists; and the route's keys are read only
        // when needed, not copied for every request.)
        let box: KubeProxy.ChoiceBox
        if let known = lanes[lane].choice {
            box = known
        } else {
            box = c.proxyChoice(lanes[lane].endpointsKey)
            lanes[lane].choice = box
        }
        if box.choice == nil { KubeProxy.fill(box, lanes[lane].endpointsKey, in: c) }
        // A Local traffic policy: the request lands on a node (round robin over those that
        // take it) and only that node's endpoints may serve it (a choice of its own).
        var local: KubeProxy.Choice?
        var localNode: String?
        if facts.local, let service = c.services[lanes[lane].stats.route.service], let nodes = KubeProxy.localNodes(service, in: c) {
            if nodes.isEmpty {
                local = KubeProxy.Choice()
            } else {
                let node = nodes[lanes[lane].nodeTurn % nodes.count]
                lanes[lane].nodeTurn += 1
                localNode = node
                local = KubeProxy.read(lanes[lane].endpointsKey, node: node, in: c)
            }
        }
        let count = local?.count ?? box.count
        var failure: String?
        // A LoadBalancer Service is replayed as its clients outside reach it: through its
        // external IP, which a `<pending>` one does not have.
        if facts.awaitsExternalIP, let unreachable = ServiceLoadBalancer.unreachable(lanes[lane].serviceKey, in: c) {
            failure = unreachable
        } else {
            // A keep-alive client sends on its next connection; a new one is dialled through
            // kube-proxy when that one is not open.
            let slot = facts.keepAlive.map { nextSlot(lane, pool: $0) }
            if let slot, let reused = reuse(lane, slot: slot, at: at, in: c) {
                // On a kept-alive connection: to its pod, whatever the endpoints say now.
                failure = reused.failure
                if failure == nil, let pod = reused.pod, let i = pod.servingIndex { occupy(lane, pod, container: i, at: at, time: facts.requestTime) }
            } else if count == 0 {
                failure = localNode.map { "no endpoint on \($0) (Local traffic policy)" } ?? "no ready endpoints"
            } else {
                let index = lanes[lane].turn % count
                lanes[lane].turn += 1
                let pod: SimPod?
                if let local { pod = local.pod(index, in: c) } else { pod = box.pod(index, in: c) }
                failure = Self.notServing(pod, at: at)
                if failure == nil, let pod, let i = pod.servingIndex {
                    // Dialled: a keep-alive client keeps the connection for its next requests.
                    if let slot { lanes[lane].connections[slot] = Connection(pod: pod.uid, instance: pod.containers[i].restarts) }
                    // Served: it occupies its container until it ends.
                    occupy(lane, pod, container: i, at: at, time: facts.requestTime)
                }
            }
        }
        if let failure { lanes[lane].stats.fail(at - start.milliseconds, failure, rps: rps) }
    }

    /// `service/NAME: unreachable from outside: no external IP (<pending>): port 80/TCP is held by
    /// service default/other` for each LoadBalancer Service in front of these Deployments that
    /// clients outside cannot reach.
    public static func unreachableServices(selecting deployments: [Resource], in c: Cluster) -> [String] {
        Set(deployments.flatMap { services(selecting: $0, in: c) }).sorted().compactMap { key in
            ServiceLoadBalancer.unreachable(key, in: c).map { "service/\(key.name): unreachable from outside: \($0)" }
        }
    }

    /// A Service's `rollout.sim/request-time` (a time or a range).
    static func requestTime(of key: ObjectKey, in c: Cluster) -> RequestTime? {
        c.services[ObjectKey(type: Cluster.serviceType.storageKey, namespace: key.namespace, name: key.name)].flatMap(requestTime(of:))
    }

    static func requestTime(of service: Resource) -> RequestTime? {
        service.annotation("rollout.sim/request-time").flatMap(RequestTime.init(parsing:))
    }

    /// A Service's `rollout.sim/keep-alive: N`: its clients keep N connections open and send
    /// each request on the next one (1–1000; nil: a new connection per request).
    static func keepAlive(of service: Resource) -> Int? {
        guard let text = service.annotation("rollout.sim/keep-alive"), let n = Int(text), n > 0 else { return nil }
        return min(n, 1000)
    }

    /// The next of the route's `pool` connections, in turn.
    func nextSlot(_ lane: Int, pool: Int) -> Int {
        if lanes[lane].connections.count != pool { lanes[lane].connections = Array(repeating: nil, count: pool) }
        let slot = lanes[lane].nextConnection % pool
        lanes[lane].nextConnection = slot + 1
        return slot
    }

    /// A request on a kept-alive connection (`slot`): nil when that connection
    /// is not open (the request dials a new one through kube-proxy). A connection to a pod the
    /// app closed gracefully — at SIGTERM, when a server stops (Go's Shutdown, GOAWAY) — is
    /// re-dialled without loss; one whose container died without closing it (a crash, a kill
    /// without SIGTERM first) fails the request sent on it (connection reset), and the client
    /// dials anew for the next.
    func reuse(_ lane: Int, slot: Int, at: Int, in c: Cluster) -> (failure: String?, pod: SimPod?)? {
        guard let connection = lanes[lane].connections[slot] else { return nil }
        let reset = "connection reset (its container died with the connection open)"
        // An exited instance closed its connections if it was stopped (SIGTERM first), not
        // if it crashed or was OOM-killed.
        func closedGracefully(_ t: SimContainer.Termination?) -> Bool {
            guard let t else { return true }
            return t.exitCode == 143 || (t.exitCode == 137 && t.reason != "OOMKilled")
        }
        guard let pod = c.pods[connection.pod], let i = pod.servingIndex, i < pod.containers.count else {
            lanes[lane].connections[slot] = nil
            return nil
        }
        if pod.gone {
            lanes[lane].connections[slot] = nil
            return pod.deletion != nil ? nil : (reset, nil)
        }
        let container = pod.containers[i]
        if case .stopping(let sigterm, _, _, _) = container.progress, sigterm.milliseconds <= at {
            lanes[lane].connections[slot] = nil
            return nil
        }
        if container.restarts != connection.instance {
            lanes[lane].connections[slot] = nil
            return closedGracefully(container.last) ? nil : (reset, nil)
        }
        switch container.state {
        case .running:
            return (Self.notServing(pod, at: at), pod)
        case .terminated(let t):
            lanes[lane].connections[slot] = nil
            return closedGracefully(t) ? nil : (reset, nil)
        case .waiting:
            lanes[lane].connections[slot] = nil
            return closedGracefully(container.last) ? nil : (reset, nil)
        }
    }

    /// A served request occupies its container for its time.
    /// `time`: the Service's own request time, if it says one.
    func occupy(_ lane: Int, _ pod: SimPod, container i: Int, at: Int, time: RequestTime?) {
        let time = (time ?? requestTime).draw(&random)
        if time > 0 {
            inFlight.append(InFlight(lane: lane, pod: pod.uid, container: i, instance: pod.containers[i].restarts, end: at.addingSaturating(time)))
        }
    }

    /// After the cluster changed at `c.now`: requests still running on a container that has
    /// stopped fail — SIGKILLed at the end of its grace period, exited after its drain, or
    /// restarted; those that ended by now succeeded.
    func settleInFlight(_ c: Cluster) {
        guard !inFlight.isEmpty else { return }
        let now = c.now.milliseconds
        // Those still running are moved up in place (the array keeps its room for the next
        // requests: rebuilt at every instant, it grew again each time).
        var still = 0
        for j in inFlight.indices {
            let request = inFlight[j]
            guard request.end > now else { continue }
            let failure: String?
            if let pod = c.pods[request.pod], request.container < pod.containers.count {
                let container = pod.containers[request.container]
                if pod.nodeDown {
                    failure = "in flight when its node went down"
                } else if pod.gone {
                    failure = Self.killedReason(container)
                } else if container.restarts != request.instance {
                    failure = "in flight when its container restarted"
                } else if case .terminated = container.state {
                    failure = Self.killedReason(container)
                } else {
                    failure = nil
                }
            } else {
                failure = "in flight when its pod was killed (SIGKILL)"
            }
            guard let failure else {
                inFlight[still] = request
                still += 1
                continue
            }
            lanes[request.lane].stats.fail(now - start.milliseconds, failure, rps: rps)
        }
        inFlight.removeLast(inFlight.count - still)
    }

    /// Some request still runs on a pod that is being deleted: whether it completes is not
    /// known yet.
    func awaitsTerminatingPods(_ c: Cluster) -> Bool {
        inFlight.contains { $0.end > c.now.milliseconds && (c.pods[$0.pod].map { $0.isTerminating && !$0.gone } ?? false) }
    }

    static func killedReason(_ container: SimContainer) -> String {
        if case .terminated(let t) = container.state, t.exitCode == 143 { return "in flight when its app exited (SIGTERM + drain)" }
        return "in flight when its pod was killed (SIGKILL)"
    }
}

extension TrafficRecorder.ServiceTraffic {
    /// One window per cause while it lasts: failures of one reason less than a second apart
    /// belong together, even with other causes' failures between them (windows of different
    /// causes may overlap).
    mutating func fail(_ t: Int, _ failure: String, rps: Int) {
        failed += 1
        if let i = windows.lastIndex(where: { $0.reason == failure }), t - windows[i].end <= max(1000, 1000 / max(rps, 1) + 1) {
            windows[i].end = t
            windows[i].failed += 1
        } else {
            windows.append(TrafficRecorder.Window(start: t, end: t, reason: failure, failed: 1))
        }
    }
}

extension TrafficRecorder {
    /// Every pod behind the recorded Services answers requests now.
    func allEndpointsServe(_ c: Cluster) -> Bool {
        for key in Set(routes.map(\.service)) {
            let endpointsKey = ObjectKey(type: Cluster.endpointsType.storageKey, namespace: key.namespace, name: key.name)
            let choice = KubeProxy.choice(endpointsKey, in: c)
            // (Each endpoint's pod by its handle, `Choice.pod`: at every instant of a drain,
            // every endpoint of every Service is asked — 150,000 at Kubernetes' limits.)
            for i in 0..<choice.count where Self.notServing(choice.pod(i, in: c), at: c.now.milliseconds) != nil { return false }
        }
        return true
    }

    /// Why the pod cannot answer a request at `at` (ms since the epoch), nil when it can. The
    /// first app container serves; an app failing only its readiness probe
    /// (`rollout.sim/unready-after`) still answers.
    static func notServing(_ pod: SimPod?, at: Int) -> String? {
        guard let pod, !pod.gone else { return "pod already gone (killed)" }
        if pod.nodeDown { return "its node is down (no reply)" }
        guard let i = pod.servingIndex, i < pod.containers.count else { return "container not running" }
        // (Its fields read in place, not the container copied: every request asks.)
        if case .stopping(let sigterm, _, let restart, _) = pod.containers[i].progress, sigterm.milliseconds <= at {
            return restart ? "container killed by its probe (past SIGTERM)" : "pod past SIGTERM (shutting down)"
        }
        guard case .running(let since) = pod.containers[i].state else { return "container not running" }
        if at < since.milliseconds + pod.behaviour.containers[i].startup.milliseconds { return "pod still warming up" }
        return nil
    }

    /// `service/web-api: 150 requests, 12 failed` and one line per failure window.
    public func report() -> String {
        var text = ""
        // No time passed: nothing was sent, nothing to say.
        if sent == 0 { return text }
        for lane in order {
            let s = lanes[lane].stats, route = s.route
            text += "\(route.label): \(s.requests) requests at \(rps)/s, \(s.failed) failed\(truncated ? " (the replay stopped at \(Self.maxRequests) requests)" : "")\n"
            for w in s.windows.sorted(by: { ($0.start, $0.reason) < ($1.start, $1.reason) }) {
                let span = w.start == w.end ? "t=\(Self.seconds(w.start))" : "t=\(Self.seconds(w.start))–\(Self.seconds(w.end))"
                text += "  \(span): \(w.failed) failed, \(w.reason)\n"
            }
        }
        return text
    }

    static func seconds(_ ms: Int) -> String {
        ms % 1000 == 0 ? "\(ms / 1000)s" : "\(JSONWriter.formatFloat(Double(ms) / 1000))s"
    }
}

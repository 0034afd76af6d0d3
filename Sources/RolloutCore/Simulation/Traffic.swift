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

    public struct ServiceTraffic: Equatable, Sendable {
        public var service: ObjectKey
        public var requests = 0
        public var failed = 0
        public var windows: [Window] = []
    }

    public let rps: Int
    public let start: Timestamp
    let services: [ObjectKey]
    var sent = 0
    var roundRobin: [ObjectKey: Int] = [:]
    public private(set) var traffic: [ObjectKey: ServiceTraffic] = [:]
    /// Requests per Service a replay sends at most.
    public static let maxRequests = 2_000_000
    public private(set) var truncated = false

    /// Records traffic to `services` from `start` on.
    public init(rps: Int, services: [ObjectKey], start: Timestamp) {
        self.rps = rps
        self.services = services.sorted()
        self.start = start
        for key in self.services { traffic[key] = ServiceTraffic(service: key) }
    }

    /// The Services in front of a Deployment: same namespace, selector matching its pods.
    public static func services(selecting deployment: Resource, in c: Cluster) -> [ObjectKey] {
        let labels = stringMap(deployment.object["spec"]?["template"]?["metadata"]?["labels"])
        return c.services.values.filter { service in
            let selector = stringMap(service.value.at("spec", "selector"))
            return service.namespace == deployment.namespace && !selector.isEmpty && selector.allSatisfy { labels[$0.key] == $0.value }
        }.map(\.key).sorted()
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
            for key in services { send(to: key, at: at, in: c) }
        }
    }

    private func send(to key: ObjectKey, at: Int, in c: Cluster) {
        guard var stats = traffic[key] else { return }
        stats.requests += 1
        let endpointsKey = ObjectKey(type: Cluster.endpointsType.storageKey, namespace: key.namespace, name: key.name)
        // kube-proxy's view: the Service's EndpointSlices as published, ready endpoints first,
        // serving-terminating ones when none is ready.
        let targets = KubeProxy.targets(endpointsKey, in: c)
        var failure: String?
        if targets.isEmpty {
            failure = "no ready endpoints"
        } else {
            let index = roundRobin[key, default: 0] % targets.count
            roundRobin[key, default: 0] += 1
            failure = Self.notServing(c.pods[targets[index]], at: at)
        }
        if let failure {
            stats.failed += 1
            let t = at - start.milliseconds
            // One window per cause while it lasts: failures of one reason less than a second
            // apart belong together, even with other causes' failures between them (windows
            // of different causes may overlap).
            if let i = stats.windows.lastIndex(where: { $0.reason == failure }), t - stats.windows[i].end <= max(1000, 1000 / rps + 1) {
                stats.windows[i].end = t
                stats.windows[i].failed += 1
            } else {
                stats.windows.append(Window(start: t, end: t, reason: failure, failed: 1))
            }
        }
        traffic[key] = stats
    }

    /// Every pod behind the recorded Services answers requests now.
    func allEndpointsServe(_ c: Cluster) -> Bool {
        for key in services {
            let endpointsKey = ObjectKey(type: Cluster.endpointsType.storageKey, namespace: key.namespace, name: key.name)
            for uid in KubeProxy.targets(endpointsKey, in: c) where Self.notServing(c.pods[uid], at: c.now.milliseconds) != nil { return false }
        }
        return true
    }

    /// Why the pod cannot answer a request at `at` (ms since the epoch), nil when it can. The
    /// first app container serves; an app failing only its readiness probe
    /// (`rollout.sim/unready-after`) still answers.
    static func notServing(_ pod: SimPod?, at: Int) -> String? {
        guard let pod, !pod.gone else { return "pod already gone (killed)" }
        guard let i = pod.servingIndex, i < pod.containers.count else { return "container not running" }
        let c = pod.containers[i]
        if case .stopping(let sigterm, _, let restart, _) = c.progress, sigterm.milliseconds <= at {
            return restart ? "container killed by its probe (past SIGTERM)" : "pod past SIGTERM (shutting down)"
        }
        guard case .running(let since) = c.state else { return "container not running" }
        if at < since.milliseconds + pod.behaviour.containers[i].startup.milliseconds { return "pod still warming up" }
        return nil
    }

    /// `service/web-api: 150 requests, 12 failed` and one line per failure window.
    public func report() -> String {
        var text = ""
        // No time passed: nothing was sent, nothing to say.
        if sent == 0 { return text }
        for key in services {
            guard let s = traffic[key] else { continue }
            text += "service/\(key.name): \(s.requests) requests at \(rps)/s, \(s.failed) failed\(truncated ? " (the replay stopped at \(Self.maxRequests) requests)" : "")\n"
            for w in s.windows {
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

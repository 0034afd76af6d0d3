/// The k3s profile's ingress controller: Traefik v3's Kubernetes Ingress provider
/// (KUBERNETES-scheduling-traffic.md §9; traefik `pkg/provider/kubernetes/ingress/kubernetes.go`
/// loadConfigurationFromIngresses, shouldProcessIngress, loadRouter, buildHostRule,
/// loadService; `pkg/muxer/http/mux.go` for the priority, `wrr.go` for the 503).
///
/// Which Ingresses it serves: those whose `ingressClassName` names an IngressClass of
/// controller `traefik.io/ingress-controller`, and those without a class whose
/// `kubernetes.io/ingress.class` annotation is absent, empty or `traefik`. Each rule path
/// becomes a router: `Host(`h`) && PathPrefix(`/p`)` (`Path` for `Exact`; `PathPrefix` — a
/// plain string prefix — for `Prefix` and `ImplementationSpecific`), priority the rule's
/// length, so the longest rule wins. `defaultBackend` counts only on an Ingress without rules
/// (`PathPrefix(`/`)`, lowest priority). A router whose Service or port does not exist is
/// dropped (a request it would have taken gets `404 page not found`). Traefik reads the
/// EndpointSlices itself, as published, and sends only to ready endpoints — never to
/// terminating ones, where kube-proxy falls back to serving-terminating endpoints; with no
/// ready endpoint the router answers `503 no available server` (the chart's
/// `allowEmptyServices: true`).
enum Traefik {
    static let controllerName = "traefik.io/ingress-controller"
    static let serviceKey = ObjectKey(type: Cluster.serviceType.storageKey, namespace: "kube-system", name: "traefik")

    struct Router {
        var ingress: ObjectKey
        var rule: String
        var priority: Int
        var host: String
        var path: String
        var exact: Bool
        var service: ObjectKey
        /// The target port of the backend, as Traefik resolves it (`nil`: port not found).
        var port: Ingress.Backend
    }

    /// Whether Traefik runs in this cluster (its Service exists).
    static func installed(in c: Cluster) -> Bool { c.services[serviceKey] != nil }

    /// Whether Traefik serves this Ingress (shouldProcessIngress with the chart's settings).
    static func processes(_ ingress: Ingress, in c: Cluster) -> Bool {
        guard installed(in: c) else { return false }
        if let name = ingress.className {
            return c.ingressClasses[name]?.value.at("spec", "controller")?.stringValue == controllerName
        }
        let annotation = ingress.annotations[Ingress.classAnnotation] ?? ""
        return annotation.isEmpty || annotation == "traefik"
    }

    /// Every router, highest priority first (ties by Ingress and rule, as a stable order).
    static func routers(in c: Cluster) -> [Router] {
        var routers: [Router] = []
        for key in c.ingresses.keys.sorted() {
            guard let resource = c.ingresses[key] else { continue }
            var reader = FieldReader()
            let ingress = Ingress(resource, reader: &reader)
            guard processes(ingress, in: c) else { continue }
            let serviceKey = { (name: String) in ObjectKey(type: Cluster.serviceType.storageKey, namespace: ingress.namespace, name: name) }
            if ingress.rules.isEmpty, let backend = ingress.defaultBackend, let name = backend.service {
                routers.append(Router(ingress: key, rule: "PathPrefix(`/`)", priority: Int(Int32.min), host: "", path: "/", exact: false,
                                      service: serviceKey(name), port: backend))
            }
            for rule in ingress.rules {
                for path in rule.paths {
                    guard let name = path.backend.service else { continue }
                    var parts: [String] = []
                    if !rule.host.isEmpty { parts.append(hostRule(rule.host)) }
                    let exact = path.pathType == "Exact"
                    if !path.path.isEmpty { parts.append("\(exact ? "Path" : "PathPrefix")(`\(path.path)`)") }
                    let text = parts.joined(separator: " && ")
                    routers.append(Router(ingress: key, rule: text, priority: text.count, host: rule.host, path: path.path, exact: exact,
                                          service: serviceKey(name), port: path.backend))
                }
            }
        }
        return routers.enumerated().sorted { a, b in
            a.element.priority != b.element.priority ? a.element.priority > b.element.priority : a.offset < b.offset
        }.map(\.element)
    }

    /// buildHostRule: `Host(`h`)`, or `HostRegexp(`^[a-zA-Z0-9-]+\.example\.com$`)` for `*.example.com`.
    static func hostRule(_ host: String) -> String {
        guard host.hasPrefix("*.") else { return "Host(`\(host)`)" }
        return "HostRegexp(`^[a-zA-Z0-9-]+\\." + host.dropFirst(2).replacingOccurrences(of: ".", with: "\\.") + "$`)"
    }

    /// Whether a request for `host` and `path` matches the router.
    static func matches(_ router: Router, host: String, path: String) -> Bool {
        if !router.host.isEmpty {
            let h = host.lowercased(), rule = router.host.lowercased()
            if rule.hasPrefix("*.") {
                let suffix = String(rule.dropFirst(1))
                guard h.hasSuffix(suffix), !h.dropLast(suffix.count).isEmpty, !h.dropLast(suffix.count).contains(".") else { return false }
            } else if h != rule {
                return false
            }
        }
        if router.path.isEmpty { return true }
        return router.exact ? path == router.path : path.hasPrefix(router.path)
    }

    /// The Service port a backend names (by number: the Service's `port`; by name: its name).
    static func servicePort(_ backend: Ingress.Backend, of service: Resource) -> Value? {
        (service.value.at("spec", "ports")?.arrayValue ?? []).first { port in
            if let name = backend.portName, !name.isEmpty { return port["name"]?.stringValue == name }
            return port["port"]?.intValue == backend.portNumber
        }
    }

    enum Outcome {
        case served(router: Router, servers: [String])
        case failed(String)
    }

    /// What Traefik does with a request for `host` and `path`: which router takes it and the
    /// servers (pod uids) it may go to, or why it fails.
    /// `turn` picks the Traefik pod kube-proxy sends the request to (round robin).
    static func handle(host: String, path: String, routers: [Router], turn: Int = 0, in c: Cluster) -> Outcome {
        // The request reaches Traefik through its LoadBalancer and kube-proxy.
        if let why = ServiceLoadBalancer.unreachable(serviceKey, in: c) { return .failed("Traefik unreachable: \(why)") }
        let controllerEndpoints = ObjectKey(type: Cluster.endpointsType.storageKey, namespace: serviceKey.namespace, name: serviceKey.name)
        let controllers = KubeProxy.targets(controllerEndpoints, in: c)
        if controllers.isEmpty { return .failed("Traefik unreachable: no ready endpoints") }
        // kube-proxy still lists it, but the Traefik pod does not answer (gone, past SIGTERM, node down).
        if let why = TrafficRecorder.notServing(c.pods[controllers[turn % controllers.count]], at: c.now.milliseconds) {
            return .failed("Traefik unreachable: \(why)")
        }
        for router in routers where matches(router, host: host, path: path) {
            // A router whose Service or port is missing was never built: the next one decides.
            guard let service = c.services[router.service], servicePort(router.port, of: service) != nil else { continue }
            let endpointsKey = ObjectKey(type: Cluster.endpointsType.storageKey, namespace: router.service.namespace, name: router.service.name)
            let servers = readyEndpoints(endpointsKey, in: c)
            if servers.isEmpty { return .failed("503 no available server (Traefik sends only to ready endpoints, never to terminating ones)") }
            return .served(router: router, servers: servers)
        }
        return .failed("404 page not found (no Ingress rule matches)")
    }

    /// The ready endpoints of the Service's published EndpointSlices (pod uids).
    static func readyEndpoints(_ key: ObjectKey, in c: Cluster) -> [String] {
        (c.endpointSlices[key] ?? []).flatMap { slice in
            (slice.object["endpoints"]?.arrayValue ?? []).compactMap { endpoint -> String? in
                guard endpoint["conditions"]?["ready"]?.boolValue ?? true else { return nil }
                return endpoint["targetRef"]?["uid"]?.stringValue
            }
        }
    }

    /// `publishedService: kube-system/traefik`: each Ingress Traefik serves shows Traefik's
    /// load-balancer addresses in its status (updateIngressStatus).
    static func syncStatus(in c: Cluster) -> Bool {
        guard !c.ingresses.isEmpty, let traefik = c.services[serviceKey] else { return false }
        let addresses = traefik.value.at("status", "loadBalancer", "ingress") ?? .array([])
        // Ingresses and classes do not change while time runs: only Traefik's addresses can.
        guard addresses != c.syncedTraefikAddresses else { return false }
        c.syncedTraefikAddresses = addresses
        var changed = false
        for key in c.ingresses.keys.sorted() {
            guard var resource = c.ingresses[key] else { continue }
            var reader = FieldReader()
            guard processes(Ingress(resource, reader: &reader), in: c) else { continue }
            let entries = Value.array((addresses.arrayValue ?? []).compactMap { entry in
                entry["ip"].map { .object(Object(["ip": $0])) }
            })
            let status = Value.object(Object(["loadBalancer": .object(entries.arrayValue?.isEmpty ?? true ? Object() : Object(["ingress": entries]))]))
            guard resource.object["status"] != status else { continue }
            resource.object["status"] = status
            c.ingresses[key] = resource
            c.dirtyIngresses.insert(key)
            changed = true
        }
        return changed
    }
}

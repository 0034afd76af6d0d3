/// `rollout lint`: the zero-downtime hazards of a set of manifests, without a cluster (SPEC §5).
/// Each check names the Kubernetes behaviour it guards against.
public enum Linter {
    /// Endpoint propagation the checks assume: the simulated cluster's default (SPEC §3).
    public static let endpointPropagation = Duration(seconds: 1)

    struct Workload {
        var resource: Resource
        var deployment: Deployment
        var document: ManifestDocument
        var behaviour: AppBehaviour
    }

    /// `cluster`: the ConfigMaps, Secrets and claims the cluster holds, when there is one;
    /// those among the manifests are added.
    public static func lint(_ documents: [ManifestDocument], defaultNamespace: String = "default", cluster: KnownObjects = KnownObjects()) -> [Hazard] {
        var hazards: [Hazard] = []
        var known = cluster
        var workloads: [Workload] = []
        var services: [(Resource, Service, ManifestDocument)] = []
        var ingresses: [(Resource, ManifestDocument)] = []
        var budgets: [(Resource, ManifestDocument)] = []
        var statefulSets: [(Resource, ManifestDocument)] = []
        var daemonSets: [(Resource, ManifestDocument)] = []
        for document in documents {
            guard case .object(let object) = document.value else { continue }
            var resource = Resource(object)
            if resource.type.namespaced && (resource.namespace ?? "").isEmpty { resource.namespace = defaultNamespace }
            Defaults.apply(to: &resource)
            known.add(resource)
            var reader = FieldReader(root: document.node)
            switch (resource.type.group, resource.kind) {
            case ("apps", "Deployment"):
                let d = Deployment(resource, reader: &reader)
                workloads.append(Workload(resource: resource, deployment: d, document: document,
                                          behaviour: AppBehaviour(template: resource.object["spec"]?["template"])))
            case ("", "Service"):
                services.append((resource, Service(resource, reader: &reader), document))
            case ("networking.k8s.io", "Ingress"):
                ingresses.append((resource, document))
            case ("policy", "PodDisruptionBudget"):
                budgets.append((resource, document))
            case ("apps", "StatefulSet"):
                statefulSets.append((resource, document))
            case ("apps", "DaemonSet"):
                daemonSets.append((resource, document))
            default:
                break
            }
        }
        for w in workloads {
            hazards += deploymentHazards(w, defaultedRequests: known.defaultedRequests.contains(w.resource.namespace ?? defaultNamespace))
                + referenceHazards(w, known: known) + nodeSelectionHazards(w, nodes: known.nodes)
        }
        hazards += serviceHazards(services, workloads: workloads, known: known)
        for (resource, document) in ingresses { hazards += ingressHazards(resource, document, known: known) }
        hazards += budgetHazards(budgets, known: known)
        for (resource, document) in statefulSets { hazards += statefulSetHazards(resource, document, known: known) }
        for (resource, document) in daemonSets { hazards += daemonSetHazards(resource, document, known: known) }
        hazards += autoscalerHazards(documents, targets: known.autoscaled, defaultNamespace: defaultNamespace)
        return hazards
    }

    static func hazard(_ code: String, _ severity: Hazard.Severity, _ resource: Resource, _ document: ManifestDocument, _ path: FieldPath,
                       _ message: String, fix: String) -> Hazard {
        Hazard(code: code, severity: severity, object: resource.qualifiedName, path: path, message: message, fix: fix,
               file: document.source, location: path.location(in: document.node))
    }

    /// `defaultedRequests`: the namespace's LimitRanges give containers default requests.
    static func deploymentHazards(_ w: Workload, defaultedRequests: Bool = false) -> [Hazard] {
        var found: [Hazard] = []
        let d = w.deployment, b = w.behaviour, r = w.resource, doc = w.document
        let spec = FieldPath("spec")
        let podSpec = spec / "template" / "spec"
        func add(_ code: String, _ severity: Hazard.Severity, _ path: FieldPath, _ message: String, fix: String) {
            found.append(hazard(code, severity, r, doc, path, message, fix: fix))
        }
        // Rollout parameters.
        if case .rollingUpdate(let surge, let unavailable) = d.strategy {
            let surgeZero = surge == .int(0) || surge.percent == 0
            let unavailableZero = unavailable == .int(0) || unavailable.percent == 0
            if surgeZero && unavailableZero {
                add("surge-and-unavailable-zero", .error, spec / "strategy" / "rollingUpdate",
                    "maxSurge and maxUnavailable are both 0: the API server rejects this (no pod could ever be replaced)",
                    fix: "allow one extra pod: maxSurge: 1 (or 25%), maxUnavailable: 0")
            }
            let shape = DeploymentShape(replicas: d.replicas, strategy: d.strategy)
            let maxUnavailable = DeploymentMath.maxUnavailable(shape)
            if d.replicas < 2 {
                let window = maxUnavailable >= 1 ? "maxUnavailable resolves to \(maxUnavailable), so the only pod goes before its replacement is ready" : "one pod is a single point of failure: any node or pod restart is an outage"
                add("single-replica", maxUnavailable >= 1 ? .error : .warning, spec / "replicas",
                    "replicas is \(d.replicas): \(window)", fix: "run at least 2 replicas (and keep maxUnavailable below them)")
            } else if maxUnavailable >= d.replicas {
                add("unavailable-covers-replicas", .error, spec / "strategy" / "rollingUpdate" / "maxUnavailable",
                    "maxUnavailable resolves to \(maxUnavailable) of \(d.replicas) replicas: every old pod may go before a new one is ready",
                    fix: "lower maxUnavailable (0 keeps full capacity; use maxSurge to go faster)")
            }
        } else if d.replicas > 0 {
            add("recreate-outage", .warning, spec / "strategy" / "type",
                "strategy Recreate stops every old pod before any new one starts: an outage on every rollout",
                fix: "use RollingUpdate unless two versions must never run together")
        }
        for (i, container) in d.template.spec.containers.enumerated() {
            let c = podSpec / "containers" |> i
            if container.readinessProbe == nil {
                let warmup = b.startup.milliseconds > 0 ? " (the app needs \(b.startup) to warm up)" : ""
                add("no-readiness-probe", .error, c,
                    "container \(container.name) has no readinessProbe: its pods get traffic the moment they start\(warmup)",
                    fix: "add a readinessProbe that passes only once the app serves (an httpGet on a health endpoint)")
            } else if let probe = container.readinessProbe {
                if b.startup.milliseconds > 0, probe.handlers.contains(where: { if case .tcpSocket = $0 { return true } else { return false } }) {
                    add("readiness-before-warmup", .warning, c / "readinessProbe",
                        "a tcpSocket readiness probe passes as soon as the port opens, before the \(b.startup) warm-up ends",
                        fix: "probe an HTTP endpoint that answers only once the app is warm")
                }
                if let liveness = container.livenessProbe, liveness.handlers == probe.handlers,
                   liveness.periodSeconds == probe.periodSeconds, liveness.initialDelaySeconds == probe.initialDelaySeconds {
                    add("liveness-equals-readiness", .warning, c / "livenessProbe",
                        "the liveness probe is the readiness probe: a slow or overloaded pod is restarted instead of just taken out of rotation",
                        fix: "give liveness a cheaper endpoint, a longer period and a higher failureThreshold")
                }
            }
            let tag = Defaults.imageTag(container.image)
            if tag == nil || tag == "latest" {
                add("mutable-image-tag", .warning, c / "image",
                    "image \"\(container.image)\" is \(tag == nil ? "untagged" : ":latest"): a rollback or a new node may run different code",
                    fix: "pin a version tag or a digest")
            }
            if container.resources.requests.isEmpty && !defaultedRequests {
                add("no-resource-requests", .warning, c / "resources",
                    "container \(container.name) requests no cpu or memory: the scheduler cannot reserve room for the surge pods",
                    fix: "set resources.requests.cpu and .memory")
            }
        }
        // Termination: endpoints lag the pod's deletion; a pod must keep serving meanwhile.
        if !b.hasPreStop && endpointPropagation.milliseconds > 0 {
            add("no-prestop-delay", .error, podSpec / "containers" |> 0,
                "no preStop hook: SIGTERM arrives while the endpoints still send traffic (they take \(endpointPropagation) to drop the pod)",
                fix: "add lifecycle.preStop: {sleep: {seconds: 5}} (or an exec sleep) so the pod serves until it is out of rotation")
        }
        let grace = b.terminationGracePeriodSeconds * 1000
        let needed = b.preStop.milliseconds + b.shutdown.milliseconds
        if needed > grace {
            add("grace-too-short", .error, podSpec / "terminationGracePeriodSeconds",
                "terminationGracePeriodSeconds \(b.terminationGracePeriodSeconds) is shorter than preStop (\(b.preStop)) + shutdown (\(b.shutdown)): the app is killed mid-drain",
                fix: "set terminationGracePeriodSeconds to at least \((needed + 999) / 1000 + 5)")
        }
        // Readiness gates: conditions a controller outside the core sets; not modelled.
        let gates = (r.object["spec"]?["template"]?["spec"]?["readinessGates"]?.arrayValue ?? []).compactMap { $0["conditionType"]?.stringValue }
        if !gates.isEmpty {
            add("readiness-gate", .warning, podSpec / "readinessGates",
                "pods are Ready only once a controller sets \(gates.map { "\"\($0)\"" }.joined(separator: ", ")) True (a load balancer controller, after its health checks); this simulation sets it as the containers become ready, so its rollout is faster than the cluster's, and on a cluster without that controller the pods are never Ready",
                fix: "check that the cluster runs the controller that sets the gate, and allow for its health checks in progressDeadlineSeconds")
        }
        found += sysctlHazards(r, doc)
        return found
    }

    static func serviceHazards(_ services: [(Resource, Service, ManifestDocument)], workloads: [Workload], known: KnownObjects = KnownObjects()) -> [Hazard] {
        var found: [Hazard] = []
        var ports: [String: String] = [:]
        // Ports the cluster's other LoadBalancers hold — on a fresh k3s cluster (what lint
        // assumes without a state), Traefik's 80 and 443.
        let manifestKeys = Set(services.map { "\($0.0.namespace ?? "default")/\($0.0.name)" })
        let clusterBalancers = known.services.filter { !manifestKeys.contains($0.key) && $0.value.value.at("spec", "type")?.stringValue == "LoadBalancer" }
            .values.sorted { ($0.creationTimestamp ?? "", $0.namespace ?? "", $0.name) < ($1.creationTimestamp ?? "", $1.namespace ?? "", $1.name) }
        for balancer in clusterBalancers {
            for port in balancer.value.at("spec", "ports")?.arrayValue ?? [] {
                let id = "\(port["port"]?.intValue ?? 0)/\(port["protocol"]?.stringValue ?? "TCP")"
                if ports[id] == nil { ports[id] = "service/\(balancer.name) in \(balancer.namespace ?? "default") (already in the cluster)" }
            }
        }
        if !known.hasCluster {
            for id in ["80/TCP", "443/TCP"] { ports[id] = "service/traefik in kube-system (k3s' Traefik, on a fresh cluster of the default profile)" }
        }
        for (r, service, doc) in services {
            if service.type == "LoadBalancer" {
                for (i, port) in service.ports.enumerated() {
                    let id = "\(port.port)/\(port.protocol)"
                    if let holder = ports[id] {
                        found.append(hazard("load-balancer-port-conflict", .error, r, doc, FieldPath("spec.ports") |> i / "port",
                                            "LoadBalancer port \(id) is also wanted by \(holder): only one gets it, the other stays <pending>",
                                            fix: "give each LoadBalancer Service its own port, or route through one ingress"))
                    } else {
                        ports[id] = r.qualifiedName
                    }
                }
            }
            guard !service.selector.isEmpty else { continue }
            let selected = workloads.filter { w in
                w.resource.namespace == r.namespace && service.selector.allSatisfy { w.deployment.template.labels[$0.key] == $0.value }
            }
            let manifestDeployments = Set(workloads.map { "\($0.resource.namespace ?? "default")/\($0.resource.name)" })
            let inCluster = known.deployments.contains { key, template in
                !manifestDeployments.contains(key) && key.hasPrefix("\(r.namespace ?? "default")/")
                    && service.selector.allSatisfy { template.labels[$0.key] == $0.value }
            }
            if selected.isEmpty && inCluster { continue }
            if selected.isEmpty {
                found.append(hazard("service-selects-nothing", .error, r, doc, FieldPath("spec.selector"),
                                    "the selector \(TablePrinter.labelsText(service.selector)) matches no Deployment's or StatefulSet's pod template in these manifests\(known.hasCluster ? " or the cluster" : ""): the Service has no endpoints",
                                    fix: "make spec.selector match the labels of the pods that should serve"))
                continue
            }
            for (i, port) in service.ports.enumerated() {
                guard case .string(let name) = port.targetPort else { continue }
                let named = selected.contains { w in w.deployment.template.spec.containers.contains { $0.ports.contains { $0.name == name } } }
                if !named {
                    found.append(hazard("target-port-unknown", .error, r, doc, FieldPath("spec.ports") |> i / "targetPort",
                                        "targetPort \"\(name)\" names no container port of the selected pods: traffic goes nowhere",
                                        fix: "name the container port \"\(name)\", or use its number"))
                }
            }
        }
        return found
    }

    /// With the cluster's nodes known: a `nodeSelector` or required node affinity no node
    /// satisfies (`no-matching-node`), or nodes that match but all carry a NoSchedule or
    /// NoExecute taint the pods do not tolerate (`untolerated-taint`) — the pods would stay
    /// Pending with the scheduler's reason (NodeAffinity, TaintToleration filters). A template
    /// that names its node (`spec.nodeName`) is weighed as its kubelet weighs it instead
    /// (NodeNamedPods): a node the cluster does not have, a selector the node does not match,
    /// an untolerated NoExecute taint.
    static func nodeSelectionHazards(_ w: Workload, nodes: [SimNode]) -> [Hazard] {
        guard !nodes.isEmpty, w.deployment.replicas > 0 else { return [] }
        var template = w.resource.object["spec"]?["template"]?.objectValue ?? Object()
        var spec = template["spec"]?.objectValue ?? Object()
        Defaults.podAdmission(&spec)
        template["spec"] = .object(spec)
        let r = PodRequirements(template: template)
        let podSpec = FieldPath("spec.template.spec")
        // A template that names its node: no scheduler weighs its pods, the node's kubelet
        // does (NodeNamedPods) — a cordon or a NoSchedule taint is no obstacle there.
        if let name = r.nodeName {
            guard let node = nodes.first(where: { $0.name == name }) else {
                return [hazard("no-matching-node", .error, w.resource, w.document, podSpec / "nodeName",
                               "spec.nodeName names node \"\(name)\", which the cluster does not have: no scheduler places such pods and no kubelet runs them, so every pod stays Pending until the pod GC deletes it and another is made",
                               fix: "name one of the cluster's nodes (rollout get nodes), or select nodes with a nodeSelector and let the scheduler place the pods")]
            }
            if NodeFilters.nodeAffinity(r, node) != nil {
                let path = r.nodeSelector.isEmpty ? podSpec / "affinity" / "nodeAffinity" : podSpec / "nodeSelector"
                return [hazard("no-matching-node", .error, w.resource, w.document, path,
                               "the node spec.nodeName names (\(name)) does not match the nodeSelector or node affinity: its kubelet rejects every pod (NodeAffinity), and another is made in its place",
                               fix: "make the nodeSelector or node affinity match that node's labels (rollout get nodes --show-labels), or drop spec.nodeName")]
            }
            let untolerated = node.taints.filter { $0.effect == "NoExecute" && !r.tolerates($0) }.map { "{\($0.key): \($0.value)}" }
            guard untolerated.isEmpty else {
                return [hazard("untolerated-taint", .error, w.resource, w.document, podSpec,
                               "the node spec.nodeName names (\(name)) has an untolerated NoExecute taint (\(untolerated.joined(separator: ", "))): its kubelet rejects every pod (TaintToleration), and another is made in its place",
                               fix: "add a toleration for the node's taint, or run the pods elsewhere")]
            }
            return []
        }
        let selected = nodes.filter { NodeFilters.nodeAffinity(r, $0) == nil }
        if selected.isEmpty {
            let path = r.nodeSelector.isEmpty ? podSpec / "affinity" / "nodeAffinity" : podSpec / "nodeSelector"
            return [hazard("no-matching-node", .error, w.resource, w.document, path,
                           "no node of the cluster matches: \(nodes.count) node(s) didn't match Pod's node affinity/selector, so every pod stays Pending",
                           fix: "make the nodeSelector or node affinity match a node's labels (rollout get nodes --show-labels)")]
        }
        let tolerated = selected.filter { NodeFilters.taintToleration(r, $0) == nil }
        guard tolerated.isEmpty else { return [] }
        let taints = Set(selected.flatMap { NodeFilters.taints(of: $0) }.filter { ($0.effect == "NoSchedule" || $0.effect == "NoExecute") && !r.tolerates($0) }.map { "{\($0.key): \($0.value)}" }).sorted()
        return [hazard("untolerated-taint", .error, w.resource, w.document, podSpec,
                       "every node it may run on has an untolerated taint (\(taints.joined(separator: ", "))), so every pod stays Pending",
                       fix: "add a toleration for the nodes' taint, or schedule the pods elsewhere")]
    }
}

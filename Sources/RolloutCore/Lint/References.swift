/// `missing-reference`: ConfigMaps, Secrets and PersistentVolumeClaims a Deployment's pods need
/// that are neither among the manifests being linted nor in the cluster. On a cluster such a
/// pod waits: `CreateContainerConfigError` for an environment reference
/// (`makeEnvironmentVariables`), `ContainerCreating` with `FailedMount` for a volume, Pending
/// for a claim — and the rollout stalls until its progress deadline. A `priorityClassName` no
/// PriorityClass has (the system ones always exist) is one too: the API server forbids every
/// pod (`PriorityClasses.admit`), so none is created.
public struct KnownObjects: Sendable {
    /// `Kind/namespace/name` → keys (empty for claims).
    var objects: [String: Set<String>] = [:]
    /// Services by `namespace/name`, and IngressClasses by name (whether marked default).
    var services: [String: Resource] = [:]
    var ingressClasses: [String: Bool] = [:]
    /// PriorityClasses' names.
    var priorityClasses: Set<String> = []
    /// ServiceAccounts by `namespace/name`; whether the cluster holds any (an import without
    /// them says nothing of what it has: `ServiceAccounts`).
    var serviceAccounts: Set<String> = []
    var clusterHasServiceAccounts = false
    /// Namespaces whose LimitRanges give containers default requests (`defaultRequest`, or
    /// what SetDefaults_LimitRangeItem makes it from `default`, `max` and `min`).
    var defaultedRequests: Set<String> = []
    /// Deployments' pod templates by `namespace/name` (StatefulSets' by `namespace/statefulset:name`).
    var deployments: [String: PodTemplateSpec] = [:]
    /// Deployments' replicas and pod labels by `namespace/name`, for PodDisruptionBudgets.
    var deploymentReplicas: [String: (replicas: Int, labels: [String: String])] = [:]
    /// Whether a cluster's objects were added: without one, lint assumes a fresh cluster of
    /// the default profile (k3s, whose IngressClass `traefik` is the default).
    public private(set) var hasCluster = false
    /// The cluster's nodes (labels, taints), for the node-selection checks.
    var nodes: [SimNode] = []
    /// `namespace/Kind/name` of what a HorizontalPodAutoscaler scales.
    var autoscaled: Set<String> = []

    public init() {}

    /// The kinds `add` keeps, for callers listing them from a store.
    public static let kinds: [(apiVersion: String, kind: String)] = [
        ("v1", "ConfigMap"), ("v1", "Secret"), ("v1", "PersistentVolumeClaim"), ("v1", "Service"), ("networking.k8s.io/v1", "IngressClass"),
        ("apps/v1", "Deployment"), ("apps/v1", "StatefulSet"), ("apps/v1", "DaemonSet"), ("v1", "Node"),
        ("scheduling.k8s.io/v1", "PriorityClass"), ("v1", "LimitRange"), ("v1", "ServiceAccount"),
        ("autoscaling/v2", "HorizontalPodAutoscaler"),
    ]

    /// Adds a cluster's object (`add` for the manifests' own).
    public mutating func addFromCluster(_ resource: Resource) {
        hasCluster = true
        if resource.kind == "ServiceAccount" && resource.type.group.isEmpty { clusterHasServiceAccounts = true }
        add(resource)
    }

    public mutating func add(_ resource: Resource) {
        if resource.kind == "Node" && resource.type.group.isEmpty { nodes.append(SimNode(resource)) }
        if resource.kind == "Deployment" && resource.type.group == "apps" {
            var reader = FieldReader()
            let d = Deployment(resource, reader: &reader)
            deployments["\(resource.namespace ?? "default")/\(resource.name)"] = d.template
            deploymentReplicas["\(resource.namespace ?? "default")/\(resource.name)"] = (d.replicas, d.template.labels)
        }
        // A StatefulSet's pods too: Services and budgets select them (keyed apart from Deployments).
        if resource.kind == "StatefulSet" && resource.type.group == "apps" {
            var reader = FieldReader()
            let set = StatefulSet(resource, reader: &reader)
            deployments["\(resource.namespace ?? "default")/statefulset:\(resource.name)"] = set.template
            deploymentReplicas["\(resource.namespace ?? "default")/statefulset:\(resource.name)"] = (set.replicas, set.template.labels)
        }
        if resource.kind == "DaemonSet" && resource.type.group == "apps" {
            var reader = FieldReader()
            deployments["\(resource.namespace ?? "default")/daemonset:\(resource.name)"] = DaemonSet(resource, reader: &reader).template
        }
        if resource.kind == "Service" && resource.type.group.isEmpty { services["\(resource.namespace ?? "default")/\(resource.name)"] = resource }
        if resource.kind == "IngressClass" && resource.type.group == "networking.k8s.io" {
            ingressClasses[resource.name] = resource.annotations[Ingress.defaultClassAnnotation] == "true"
        }
        if resource.kind == "HorizontalPodAutoscaler" && resource.type.group == "autoscaling" {
            autoscaled.formUnion(Linter.scaleTargets([resource], defaultNamespace: "default"))
        }
        if resource.kind == "PriorityClass" && resource.type.group == PriorityClasses.type.group { priorityClasses.insert(resource.name) }
        if resource.kind == "ServiceAccount" && resource.type.group.isEmpty { serviceAccounts.insert("\(resource.namespace ?? "default")/\(resource.name)") }
        if resource.kind == "LimitRange" && resource.type.group.isEmpty {
            var limits = resource.object
            LimitRanges.setDefaults(&limits)
            let items = limits["spec"]?["limits"]?.arrayValue ?? []
            if items.contains(where: { $0["type"]?.stringValue == "Container" && !($0["defaultRequest"]?.objectValue?.members.isEmpty ?? true) }) {
                defaultedRequests.insert(resource.namespace ?? "default")
            }
        }
        guard resource.type.group.isEmpty, ["ConfigMap", "Secret", "PersistentVolumeClaim"].contains(resource.kind) else { return }
        var keys = Set<String>()
        for field in ["data", "binaryData", "stringData"] {
            keys.formUnion((resource.object[field]?.objectValue?.members ?? []).map(\.key))
        }
        objects["\(resource.kind)/\(resource.namespace ?? "default")/\(resource.name)"] = keys
    }

    func keys(_ kind: String, _ namespace: String, _ name: String) -> Set<String>? {
        // Every namespace holds the root CA publisher's ConfigMap, with `ca.crt` alone (it puts
        // its data back over any other): a cluster has it, and a namespace these manifests
        // create gets it as it appears.
        if kind == "ConfigMap" && name == RootCACertPublisher.configMapName { return ["ca.crt"] }
        return objects["\(kind)/\(namespace)/\(name)"]
    }
}

extension Linter {
    static func referenceHazards(_ w: Workload, known: KnownObjects) -> [Hazard] {
        var found: [Hazard] = []
        let namespace = w.resource.namespace ?? "default"
        let podSpec = FieldPath("spec") / "template" / "spec"
        let spec = w.resource.object["spec"]?["template"]?["spec"]
        func check(_ kind: String, _ name: String?, key: String?, optional: Bool, at path: FieldPath, what: String, outcome: String) {
            guard let name, !name.isEmpty, !optional else { return }
            guard let keys = known.keys(kind, namespace, name) else {
                found.append(hazard("missing-reference", .warning, w.resource, w.document, path,
                                    "\(what) needs \(kind) \"\(name)\", which is neither in these manifests nor in the cluster: \(outcome)",
                                    fix: "apply the \(kind) with (or before) the Deployment, or mark the reference optional: true"))
                return
            }
            if let key, !keys.contains(key) {
                found.append(hazard("missing-reference", .warning, w.resource, w.document, path,
                                    "\(what) needs key \"\(key)\" of \(kind) \"\(name)\", which has no such key: \(outcome)",
                                    fix: "add the key to the \(kind), or mark the reference optional: true"))
            }
        }
        if let name = spec?["priorityClassName"]?.stringValue, !name.isEmpty, !known.priorityClasses.contains(name), !PriorityClasses().contains(name) {
            found.append(hazard("missing-reference", .warning, w.resource, w.document, podSpec / "priorityClassName",
                                "its pods need PriorityClass \"\(name)\", which is neither in these manifests nor in the cluster: the API server forbids every pod (no PriorityClass with name \(name) was found), none is created and the rollout stalls",
                                fix: "apply the PriorityClass with (or before) the Deployment, or name an existing class"))
        }
        // A ServiceAccount, checked against a cluster that holds them (accounts usually come
        // from elsewhere than an app's manifests: without a cluster nothing is said).
        let account = spec?["serviceAccountName"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 } ?? spec?["serviceAccount"]?.stringValue ?? ""
        if known.hasCluster, known.clusterHasServiceAccounts, !account.isEmpty, account != ServiceAccounts.defaultName,
           !known.serviceAccounts.contains("\(namespace)/\(account)") {
            let field = spec?["serviceAccountName"]?.stringValue.map { !$0.isEmpty } == true ? "serviceAccountName" : "serviceAccount"
            found.append(hazard("missing-reference", .warning, w.resource, w.document, podSpec / field,
                                "its pods need ServiceAccount \"\(account)\", which is neither in these manifests nor in the cluster: the API server forbids every pod (error looking up service account \(namespace)/\(account): serviceaccount \"\(account)\" not found), none is created and the rollout stalls",
                                fix: "apply the ServiceAccount with (or before) the workload, or name an existing one"))
        }
        for field in ["initContainers", "containers"] {
            for (i, container) in (spec?[field]?.arrayValue ?? []).enumerated() {
                let c = podSpec / field |> i
                let name = container["name"]?.stringValue ?? ""
                let configError = "its pods wait in CreateContainerConfigError and the rollout stalls"
                for (j, variable) in (container["env"]?.arrayValue ?? []).enumerated() {
                    for (refField, kind) in [("configMapKeyRef", "ConfigMap"), ("secretKeyRef", "Secret")] {
                        guard let ref = variable["valueFrom"]?[refField] else { continue }
                        check(kind, ref["name"]?.stringValue, key: ref["key"]?.stringValue, optional: ref["optional"]?.boolValue == true,
                              at: c / "env" |> j / "valueFrom" / refField, what: "container \(name) (env \(variable["name"]?.stringValue ?? ""))", outcome: configError)
                    }
                }
                for (j, source) in (container["envFrom"]?.arrayValue ?? []).enumerated() {
                    for (refField, kind) in [("configMapRef", "ConfigMap"), ("secretRef", "Secret")] {
                        guard let ref = source[refField] else { continue }
                        check(kind, ref["name"]?.stringValue, key: nil, optional: ref["optional"]?.boolValue == true,
                              at: c / "envFrom" |> j / refField, what: "container \(name) (envFrom)", outcome: configError)
                    }
                }
            }
        }
        for (i, volume) in (spec?["volumes"]?.arrayValue ?? []).enumerated() {
            let v = podSpec / "volumes" |> i
            let name = volume["name"]?.stringValue ?? ""
            let mountError = "its pods stay ContainerCreating (FailedMount) and the rollout stalls"
            func items(_ source: Value) -> [String] { (source["items"]?.arrayValue ?? []).compactMap { $0["key"]?.stringValue } }
            func sourceCheck(_ source: Value?, _ kind: String, nameField: String, at path: FieldPath) {
                guard let source else { return }
                let keys = items(source)
                check(kind, source[nameField]?.stringValue, key: nil, optional: source["optional"]?.boolValue == true, at: path, what: "volume \(name)", outcome: mountError)
                for key in keys {
                    if let have = known.keys(kind, namespace, source[nameField]?.stringValue ?? ""), !have.contains(key), source["optional"]?.boolValue != true {
                        check(kind, source[nameField]?.stringValue, key: key, optional: false, at: path, what: "volume \(name)", outcome: mountError)
                    }
                }
            }
            sourceCheck(volume["configMap"], "ConfigMap", nameField: "name", at: v / "configMap")
            sourceCheck(volume["secret"], "Secret", nameField: "secretName", at: v / "secret")
            for (k, source) in (volume["projected"]?["sources"]?.arrayValue ?? []).enumerated() {
                let p = v / "projected" / "sources" |> k
                sourceCheck(source["configMap"], "ConfigMap", nameField: "name", at: p / "configMap")
                sourceCheck(source["secret"], "Secret", nameField: "name", at: p / "secret")
            }
            if let claim = volume["persistentVolumeClaim"] {
                check("PersistentVolumeClaim", claim["claimName"]?.stringValue, key: nil, optional: false, at: v / "persistentVolumeClaim",
                      what: "volume \(name)", outcome: "its pods cannot be scheduled (persistentvolumeclaim not found) and the rollout stalls")
            }
        }
        return found
    }
}

/// Ingress checks (`ingress-backend`): what Traefik would do with each backend and class — a
/// backend whose Service or port does not exist gets no router (404), an Ingress no
/// IngressClass names is served by no controller.
extension Linter {
    static func ingressHazards(_ resource: Resource, _ document: ManifestDocument, known: KnownObjects) -> [Hazard] {
        var found: [Hazard] = []
        var reader = FieldReader(root: document.node)
        let ingress = Ingress(resource, reader: &reader)
        var classes = known.ingressClasses
        if !known.hasCluster && classes["traefik"] == nil { classes["traefik"] = true }
        if let name = ingress.className {
            if classes[name] == nil {
                found.append(hazard("ingress-class-missing", .warning, resource, document, FieldPath("spec.ingressClassName"),
                                    "IngressClass \"\(name)\" is neither in these manifests nor in the cluster: no ingress controller serves this Ingress, so its hosts get no traffic",
                                    fix: "name an IngressClass the cluster has (k3s: traefik), or apply the IngressClass"))
            }
        } else if ingress.annotations[Ingress.classAnnotation] == nil && !classes.values.contains(true) {
            found.append(hazard("ingress-class-missing", .warning, resource, document, FieldPath("spec"),
                                "no ingressClassName and no default IngressClass: no ingress controller may serve this Ingress",
                                fix: "set spec.ingressClassName to the cluster's IngressClass"))
        }
        for backend in ingress.backends {
            guard let name = backend.service, !name.isEmpty else { continue }
            let at = backend.at / "service"
            guard let service = known.services["\(ingress.namespace)/\(name)"] else {
                found.append(hazard("ingress-backend-missing", .warning, resource, document, at / "name",
                                    "Service \"\(name)\" is neither in these manifests nor in the cluster: the ingress controller drops this route and answers 404",
                                    fix: "apply the Service with the Ingress, or fix the name"))
                continue
            }
            if Traefik.servicePort(backend, of: service) == nil {
                let ports = (service.value.at("spec", "ports")?.arrayValue ?? []).map { p in
                    (p["name"]?.stringValue).map { "\($0) (\(p["port"]?.intValue ?? 0))" } ?? String(p["port"]?.intValue ?? 0)
                }
                let wanted = backend.portName.map { "port \"\($0)\"" } ?? "port \(backend.portNumber ?? 0)"
                found.append(hazard("ingress-port-not-exposed", .error, resource, document, at / "port",
                                    "Service \"\(name)\" exposes no \(wanted) (it has \(ports.isEmpty ? "no ports" : ports.joined(separator: ", "))): the ingress controller drops this route and answers 404",
                                    fix: "use one of the Service's ports (by its port number or name), not the container's"))
            }
        }
        return found
    }
}

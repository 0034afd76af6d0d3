/// `kubectl describe`: the layout of kubectl's describers (`pkg/describe/describe.go`),
/// written through a tab writer (minwidth 0, padding 2) so the columns line up the same way.
/// Secret values never appear: only their sizes.
public struct Describer {
    let now: Timestamp
    /// Events in the store, by the uid of the object they are about, in the order given:
    /// looked up for each object described (`describe pods` of 2,000 pods once filtered all
    /// 10,000 events for each pod, 10 s).
    let events: [String: [Resource]]
    /// Objects the description refers to (a Deployment's ReplicaSets, a Service's Endpoints,
    /// a node's pods), indexed once: `describe nodes` once filtered every pod of the cluster
    /// for each node.
    let related: Related

    public init(now: Timestamp, events: [Resource], related: [Resource] = []) {
        self.now = now
        var byUID: [String: [Resource]] = [:]
        for event in events {
            guard let uid = event.value.at("involvedObject", "uid")?.stringValue, !uid.isEmpty else { continue }
            byUID[uid, default: []].append(event)
        }
        self.events = byUID
        self.related = Related(related)
    }

    /// The related objects by what descriptions look them up by, each list in the order given;
    /// an object given twice (a pod both of a described ReplicaSet's namespace and on a
    /// described node) counts once.
    struct Related {
        private var owned: [String: [Resource]] = [:]
        private var named: [String: Resource] = [:]
        private var onNode: [String: [Resource]] = [:]
        private var slices: [String: [Resource]] = [:]
        private var claimants: [String: [Resource]] = [:]
        private var inNamespace: [String: [Resource]] = [:]

        init(_ objects: [Resource]) {
            for object in objects {
                let name = Self.key(object.kind, object.namespace ?? "", object.name)
                guard named[name] == nil else { continue }
                named[name] = object
                inNamespace[Self.key(object.kind, object.namespace ?? ""), default: []].append(object)
                var owners: Set<String> = []
                for owner in object.ownerReferences where owners.insert(owner.uid).inserted { owned[owner.uid, default: []].append(object) }
                if object.kind == "Pod", let node = object.value.at("spec", "nodeName")?.stringValue { onNode[node, default: []].append(object) }
                if object.kind == "Pod" {
                    for volume in object.value.at("spec", "volumes")?.arrayValue ?? [] {
                        guard let claim = volume.at("persistentVolumeClaim", "claimName")?.stringValue else { continue }
                        claimants[Self.key(object.namespace ?? "", claim), default: []].append(object)
                    }
                }
                if object.kind == "EndpointSlice", let service = object.labels[EndpointSliceController.serviceNameLabel] {
                    slices[Self.key(object.namespace ?? "", service), default: []].append(object)
                }
            }
        }

        private static func key(_ parts: String...) -> String { parts.joined(separator: "\u{0}") }

        /// The objects of `kind` one of whose owner references names `uid`.
        func owned(by uid: String, kind: String) -> [Resource] { (owned[uid] ?? []).filter { $0.kind == kind } }
        func named(_ kind: String, namespace: String?, name: String) -> Resource? { named[Self.key(kind, namespace ?? "", name)] }
        /// The pods whose spec.nodeName is `node`.
        func pods(on node: String) -> [Resource] { onNode[node] ?? [] }
        /// The pods with a volume of the claim `name` (one entry per such volume).
        func pods(claiming name: String, namespace: String) -> [Resource] { claimants[Self.key(namespace, name)] ?? [] }
        /// The objects of `kind` in `namespace`, in the order given.
        func all(_ kind: String, namespace: String) -> [Resource] { inNamespace[Self.key(kind, namespace)] ?? [] }
        /// The EndpointSlices labelled as `service`'s.
        func slices(of service: String, namespace: String) -> [Resource] { slices[Self.key(namespace, service)] ?? [] }
    }

    public func describe(_ r: Resource) -> String {
        var w = Lines()
        switch (r.type.group, r.kind) {
        case ("apps", "Deployment"): deployment(r, &w)
        case ("apps", "ReplicaSet"): replicaSet(r, &w)
        case ("apps", "StatefulSet"): statefulSet(r, &w)
        case ("apps", "DaemonSet"): daemonSet(r, &w)
        case ("", "Pod"): pod(r, &w)
        case ("", "Service"): service(r, &w)
        case ("", "Node"): node(r, &w)
        case ("", "Namespace"): namespace(r, &w)
        case ("", "Secret"): secret(r, &w)
        case ("", "ConfigMap"): configMap(r, &w)
        case ("networking.k8s.io", "Ingress"): ingress(r, &w)
        case ("networking.k8s.io", "IngressClass"): ingressClass(r, &w)
        case ("policy", "PodDisruptionBudget"): podDisruptionBudget(r, &w)
        case ("", "Endpoints"): endpoints(r, &w)
        case ("", "PersistentVolumeClaim"): persistentVolumeClaim(r, &w)
        case ("", "PersistentVolume"): persistentVolume(r, &w)
        case ("storage.k8s.io", "StorageClass"): storageClass(r, &w)
        case ("discovery.k8s.io", "EndpointSlice"): endpointSlice(r, &w)
        case ("scheduling.k8s.io", "PriorityClass"): priorityClass(r, &w)
        case ("", "ResourceQuota"): resourceQuota(r, &w)
        case ("", "LimitRange"): limitRange(r, &w)
        default: generic(r, &w)
        }
        var tab = TabWriter(minWidth: 0, padding: 2)
        // (Escaped before the alignment, as each PrefixWriter.Write is.)
        tab.write(TerminalEscaper.escaped(w.text))
        // rollout's own lines come after kubectl's, aligned on their own: kubectl's layout
        // stays as kubectl prints it.
        var extra = Lines()
        if r.kind == "StatefulSet" && r.type.group == "apps" { governingService(r, &extra) }
        guard !extra.text.isEmpty else { return tab.render() }
        var own = TabWriter(minWidth: 0, padding: 2)
        own.write(extra.text)
        return tab.render() + own.render()
    }

    struct Lines {
        var text = ""
        mutating func add(_ level: Int, _ cells: String...) { add(level, cells) }
        mutating func add(_ level: Int, _ cells: [String]) {
            text += String(repeating: "  ", count: level) + cells.joined(separator: "\t") + "\n"
        }
    }

    /// Name, Namespace, (CreationTimestamp,) Labels and Annotations, as most describers start.
    private func header(_ r: Resource, _ w: inout Lines, created: Bool = true) {
        w.add(0, "Name:", r.name)
        if r.type.namespaced { w.add(0, "Namespace:", r.namespace ?? "") }
        if created, let time = r.creationTimestamp.flatMap(Timestamp.init(parsing:)) { w.add(0, "CreationTimestamp:", time.rfc1123) }
        labelsAndAnnotations(r, &w)
    }

    /// The last-applied annotation is left out, as kubectl leaves it out.
    private func labelsAndAnnotations(_ r: Resource, _ w: inout Lines) {
        map(0, "Labels:", r.labels, separator: "=", &w)
        annotations(0, "Annotations:", r.annotations, &w)
    }

    private func map(_ level: Int, _ title: String, _ values: [String: String], separator: String, _ w: inout Lines) {
        let sorted = values.sorted { $0.key < $1.key }
        guard let first = sorted.first else { w.add(level, title, "<none>"); return }
        w.add(level, title, "\(first.key)\(separator)\(first.value)")
        for entry in sorted.dropFirst() { w.add(level, "", "\(entry.key)\(separator)\(entry.value)") }
    }

    /// `printAnnotationsMultiline`: keys in order, the last-applied annotation left out; a value
    /// holding a newline, or making its line longer than maxAnnotationLen (140 bytes of key,
    /// `: ` and value; one trailing newline trimmed first), goes below its key, each of its lines
    /// two spaces in and cut at 138 bytes with `...` (`shorten`).
    private func annotations(_ level: Int, _ title: String, _ values: [String: String], _ w: inout Lines) {
        let sorted = values.filter { $0.key != Applier.lastAppliedAnnotation }.sorted { $0.key < $1.key }
        guard !sorted.isEmpty else { w.add(level, title, "<none>"); return }
        for (i, entry) in sorted.enumerated() {
            // Bytes, as Go's strings: "\r\n" is one Character to Swift.
            var value = Array(entry.value.utf8)
            if value.last == UInt8(ascii: "\n") { value.removeLast() }
            let cell = i == 0 ? title : ""
            if value.count + entry.key.utf8.count + 2 > Self.maxAnnotationLength || value.contains(UInt8(ascii: "\n")) {
                w.add(level, cell, "\(entry.key):")
                for line in value.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
                    w.add(level, "", "  " + Self.shorten(Array(line), Self.maxAnnotationLength - 2))
                }
            } else {
                w.add(level, cell, "\(entry.key): \(String(decoding: value, as: UTF8.self))")
            }
        }
    }

    private func deployment(_ r: Resource, _ w: inout Lines) {
        var reader = FieldReader()
        let d = Deployment(r, reader: &reader)
        header(r, &w)
        w.add(0, "Selector:", d.selector?.description ?? "<none>")
        let s = d.status
        w.add(0, "Replicas:", "\(d.replicas) desired | \(s.updatedReplicas) updated | \(s.replicas) total | \(s.availableReplicas) available | \(s.unavailableReplicas) unavailable")
        w.add(0, "StrategyType:", d.strategy.typeName)
        w.add(0, "MinReadySeconds:", String(d.minReadySeconds))
        if case .rollingUpdate(let surge, let unavailable) = d.strategy {
            w.add(0, "RollingUpdateStrategy:", "\(unavailable) max unavailable, \(surge) max surge")
        }
        if d.paused { w.add(0, "Paused:", "true") }
        podTemplate(r.value.at("spec", "template"), level: 0, &w)
        conditions(s.conditions, &w)
        let owned = related.owned(by: r.uid, kind: "ReplicaSet")
        // FindNewReplicaSet: the oldest (by creation, then name) whose template is the
        // Deployment's but for the hash label — none while the controller has not made it (a
        // paused Deployment's new template, a create the API server refused).
        let template = r.value.at("spec", "template")?.objectValue ?? Object()
        let new = owned.sorted { ($0.creationTimestamp ?? "", $0.name) < ($1.creationTimestamp ?? "", $1.name) }
            .first { DeploymentController.templatesEqual($0.value.at("spec", "template")?.objectValue ?? Object(), template) }
        // kubectl 1.32 lists every old ReplicaSet, those scaled to zero included
        // (describe.go DeploymentDescriber, GetAllReplicaSetsInChunks; checked with kubectl-oracle).
        let old = owned.filter { $0 != new }
        func summary(_ rs: Resource) -> String {
            "\(rs.name) (\(rs.value.at("status", "replicas")?.intValue ?? 0)/\(rs.value.at("spec", "replicas")?.intValue ?? 0) replicas created)"
        }
        w.add(0, "OldReplicaSets:", old.isEmpty ? "<none>" : old.map(summary).joined(separator: ", "))
        w.add(0, "NewReplicaSet:", new.map(summary) ?? "<none>")
        eventsSection(r, &w)
    }

    /// `describeEndpoints`: each subset's ready and not-ready addresses (`<none>` for none),
    /// its ports (a port of no name `<unset>`) and a blank line, then the events.
    private func endpoints(_ r: Resource, _ w: inout Lines) {
        w.add(0, "Name:", r.name)
        w.add(0, "Namespace:", r.namespace ?? "")
        labelsAndAnnotations(r, &w)
        w.add(0, "Subsets:")
        for subset in r.object["subsets"]?.arrayValue ?? [] {
            for (title, field) in [("Addresses:", "addresses"), ("NotReadyAddresses:", "notReadyAddresses")] {
                let ips = (subset[field]?.arrayValue ?? []).map { $0["ip"]?.stringValue ?? "" }.joined(separator: ",")
                w.add(1, title, ips.isEmpty ? "<none>" : ips)
            }
            let ports = subset["ports"]?.arrayValue ?? []
            if !ports.isEmpty {
                w.add(1, "Ports:")
                w.add(2, "Name", "Port", "Protocol")
                w.add(2, "----", "----", "--------")
                for port in ports {
                    let name = port["name"]?.stringValue ?? ""
                    w.add(2, name.isEmpty ? "<unset>" : name, String(port["port"]?.intValue ?? 0), port["protocol"]?.stringValue ?? "")
                }
            }
            w.text += "\n"
        }
        eventsSection(r, &w)
    }

    /// `describeReplicaSet`: name, namespace and selector first, and no creation time.
    private func replicaSet(_ r: Resource, _ w: inout Lines) {
        let o = r.value
        w.add(0, "Name:", r.name)
        w.add(0, "Namespace:", r.namespace ?? "")
        w.add(0, "Selector:", o.at("spec", "selector")?.objectValue.map { LabelSelector.decodeForDisplay($0).trimmingCharacters(in: "\"") } ?? "<none>")
        labelsAndAnnotations(r, &w)
        if let owner = r.ownerReferences.first { w.add(0, "Controlled By:", "\(owner.kind)/\(owner.name)") }
        w.add(0, "Replicas:", "\(o.at("status", "replicas")?.intValue ?? 0) current / \(o.at("spec", "replicas")?.intValue ?? 1) desired")
        podsStatus(r, &w)
        podTemplate(o.at("spec", "template"), level: 0, &w)
        // describeReplicaSet writes "%v \t%v\t%v\n": a space after the type.
        let conditions = o.at("status", "conditions")?.arrayValue ?? []
        if !conditions.isEmpty {
            w.add(0, "Conditions:")
            w.add(1, "Type", "Status", "Reason")
            w.add(1, "----", "------", "------")
            for c in conditions { w.add(1, "\(c["type"]?.stringValue ?? "") ", c["status"]?.stringValue ?? "", c["reason"]?.stringValue ?? "") }
        }
        eventsSection(r, &w)
    }

    /// `StatefulSetDescriber`: replicas, the update strategy and partition, the pods by
    /// phase, the template, the claim templates, the events.
    private func statefulSet(_ r: Resource, _ w: inout Lines) {
        let o = r.value
        w.add(0, "Name:", r.name)
        w.add(0, "Namespace:", r.namespace ?? "")
        if let time = r.creationTimestamp.flatMap(Timestamp.init(parsing:)) { w.add(0, "CreationTimestamp:", time.rfc1123) }
        w.add(0, "Selector:", o.at("spec", "selector")?.objectValue.map { LabelSelector.decodeForDisplay($0).trimmingCharacters(in: "\"") } ?? "<none>")
        labelsAndAnnotations(r, &w)
        w.add(0, "Replicas:", "\(o.at("spec", "replicas")?.intValue ?? 1) desired | \(o.at("status", "replicas")?.intValue ?? 0) total")
        w.add(0, "Update Strategy:", o.at("spec", "updateStrategy", "type")?.stringValue ?? "")
        if let rolling = o.at("spec", "updateStrategy", "rollingUpdate"), let partition = rolling["partition"]?.intValue {
            w.add(1, "Partition:", String(partition))
            if let maxUnavailable = rolling["maxUnavailable"] { w.add(1, "MaxUnavailable:", maxUnavailable.stringValue ?? maxUnavailable.intValue.map(String.init) ?? "") }
        }
        podsStatus(r, &w)
        podTemplate(o.at("spec", "template"), level: 0, &w)
        // describeVolumeClaimTemplates.
        let claims = o.at("spec", "volumeClaimTemplates")?.arrayValue ?? []
        if claims.isEmpty {
            w.add(0, "Volume Claims:", "<none>")
        } else {
            w.add(0, "Volume Claims:")
            for claim in claims {
                w.add(1, "Name:", claim.at("metadata", "name")?.stringValue ?? "")
                w.add(1, "StorageClass:", claim.at("metadata", "annotations", StorageAdmission.betaClassAnnotation)?.stringValue
                      ?? claim.at("spec", "storageClassName")?.stringValue ?? "")
                map(1, "Labels:", stringMap(claim.at("metadata", "labels")), separator: "=", &w)
                map(1, "Annotations:", stringMap(claim.at("metadata", "annotations")), separator: "=", &w)
                w.add(1, "Capacity:", claim.at("spec", "resources", "requests", "storage").flatMap { $0.stringValue ?? $0.intValue.map(String.init) } ?? "<default>")
                let modes = (claim.at("spec", "accessModes")?.arrayValue ?? []).compactMap(\.stringValue)
                w.add(1, "Access Modes:", "[\(modes.joined(separator: " "))]")
            }
        }
        eventsSection(r, &w)
    }

    /// `getPodStatusForController`: the pods the object controls, by phase.
    private func podsStatus(_ r: Resource, _ w: inout Lines) {
        var phases: [String: Int] = [:]
        for pod in related.owned(by: r.uid, kind: "Pod") {
            phases[pod.value.at("status", "phase")?.stringValue ?? "Pending", default: 0] += 1
        }
        w.add(0, "Pods Status:", "\(phases["Running"] ?? 0) Running / \(phases["Pending"] ?? 0) Waiting / \(phases["Succeeded"] ?? 0) Succeeded / \(phases["Failed"] ?? 0) Failed")
    }

    /// `describeDaemonSet`: the counts on lines of their own (no tab: kubectl writes them
    /// with a space), the pods by phase, the template, the events.
    private func daemonSet(_ r: Resource, _ w: inout Lines) {
        let o = r.value
        w.add(0, "Name:", r.name)
        w.add(0, "Selector:", o.at("spec", "selector")?.objectValue.map { LabelSelector.decodeForDisplay($0).trimmingCharacters(in: "\"") } ?? "<none>")
        let nodeSelector = stringMap(o.at("spec", "template", "spec", "nodeSelector"))
        w.add(0, "Node-Selector:", nodeSelector.isEmpty ? "<none>" : TablePrinter.labelsText(nodeSelector))
        labelsAndAnnotations(r, &w)
        let status = { (key: String) in o.at("status", key)?.intValue ?? 0 }
        w.text += "Desired Number of Nodes Scheduled: \(status("desiredNumberScheduled"))\n"
        w.text += "Current Number of Nodes Scheduled: \(status("currentNumberScheduled"))\n"
        w.text += "Number of Nodes Scheduled with Up-to-date Pods: \(status("updatedNumberScheduled"))\n"
        w.text += "Number of Nodes Scheduled with Available Pods: \(status("numberAvailable"))\n"
        w.text += "Number of Nodes Misscheduled: \(status("numberMisscheduled"))\n"
        podsStatus(r, &w)
        podTemplate(o.at("spec", "template"), level: 0, &w)
        eventsSection(r, &w)
    }

    /// Beyond kubectl: the Service that gives the pods their DNS names (`spec.serviceName`),
    /// and the names, `POD.SERVICE.NAMESPACE.svc.cluster.local` — which CoreDNS serves only
    /// for a headless Service that exists (`kubernetes` plugin, pod records of headless
    /// Services' endpoints).
    private func governingService(_ r: Resource, _ w: inout Lines) {
        let pods = related.owned(by: r.uid, kind: "Pod")
        guard let name = r.value.at("spec", "serviceName")?.stringValue, !name.isEmpty else { return }
        let namespace = r.namespace ?? "default"
        guard let service = related.named("Service", namespace: namespace, name: name) else {
            w.add(0, "Governing Service:", "\(name) (not found: the pods have no DNS names)")
            return
        }
        guard service.value.at("spec", "clusterIP")?.stringValue == "None" else {
            w.add(0, "Governing Service:", "\(name) (not headless: the pods have no DNS names of their own)")
            return
        }
        w.add(0, "Governing Service:", "\(name) (headless)")
        let names = pods.map(\.name).sorted { StatefulSetUtils.ordinal(of: $0, parent: r.name) < StatefulSetUtils.ordinal(of: $1, parent: r.name) }
        guard let first = names.first else { w.add(0, "Pod DNS Names:", "<none>"); return }
        w.add(0, "Pod DNS Names:", "\(first).\(name).\(namespace).svc.cluster.local")
        for pod in names.dropFirst() { w.add(0, "", "\(pod).\(name).\(namespace).svc.cluster.local") }
    }

    /// A pod template as `rollout history --revision` prints it: kubectl's `printTemplate`
    /// (`polymorphichelpers/history.go`) writes `DescribePodTemplate` through a bare
    /// PrefixWriter, with no tabwriter: the tabs stay, a continuation line starts with its
    /// tab, and a blank line ends it.
    public func podTemplateText(_ template: Value) -> String {
        var w = Lines()
        podTemplate(template, level: 0, &w)
        let lines = TerminalEscaper.escaped(w.text).split(separator: "\n", omittingEmptySubsequences: false).map { line -> Substring in
            let trimmed = line.drop { $0 == " " }
            return trimmed.hasPrefix("\t") ? trimmed : line
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `DescribePodTemplate`: labels, annotations, containers, volumes, node selectors and
    /// tolerations, two spaces in.
    private func podTemplate(_ template: Value?, level: Int, _ w: inout Lines) {
        w.add(level, "Pod Template:")
        map(level + 1, "Labels:", stringMap(template?.at("metadata", "labels")), separator: "=", &w)
        let annotations = stringMap(template?.at("metadata", "annotations"))
        if !annotations.isEmpty { self.annotations(level + 1, "Annotations:", annotations, &w) }
        let spec = template?["spec"]
        if let account = spec?["serviceAccountName"]?.stringValue, !account.isEmpty { w.add(level + 1, "Service Account:", account) }
        if !(spec?["initContainers"]?.arrayValue ?? []).isEmpty {
            containers(spec?["initContainers"]?.arrayValue ?? [], label: "Init Containers", level: level + 1, &w, inTemplate: true)
        }
        containers(spec?["containers"]?.arrayValue ?? [], label: "Containers", level: level + 1, &w, inTemplate: true)
        volumes(spec?["volumes"]?.arrayValue ?? [], level: level + 1, inTemplate: true, &w)
        if let name = spec?["priorityClassName"]?.stringValue, !name.isEmpty { w.add(level + 1, "Priority Class Name:", name) }
        let nodeSelector = stringMap(spec?["nodeSelector"])
        map(level + 1, "Node-Selectors:", nodeSelector, separator: "=", &w)
        tolerations(spec?["tolerations"]?.arrayValue ?? [], level: level + 1, &w)
    }

    /// `describeContainers`: a pod's containers at two spaces with their statuses, a
    /// template's at three (`describe.go`).
    /// `pod`: the pod the containers are of (nil for a template), whose fields an env var's
    /// `fieldRef` shows.
    private func containers(_ list: [Value], label: String, level: Int, _ w: inout Lines, statuses: [Value] = [], inTemplate: Bool = false, pod: Resource? = nil) {
        w.add(level, label + ":")
        for container in list {
            let name = container["name"]?.stringValue ?? ""
            if inTemplate { w.add(level, " \(name):") } else { w.add(level + 1, "\(name):") }
            // Fields sit four spaces in, under a pod's and a template's containers alike.
            let fieldLevel = inTemplate ? level + 1 : level + 2
            let status = statuses.first { $0["name"]?.stringValue == name }
            if let status { w.add(fieldLevel, "Container ID:", status["containerID"]?.stringValue ?? "") }
            w.add(fieldLevel, "Image:", container["image"]?.stringValue ?? "")
            if let status { w.add(fieldLevel, "Image ID:", status["imageID"]?.stringValue ?? "") }
            let ports = (container["ports"]?.arrayValue ?? []).map { "\($0["containerPort"]?.intValue ?? 0)/\($0["protocol"]?.stringValue ?? "TCP")" }
            w.add(fieldLevel, ports.count > 1 ? "Ports:" : "Port:", ports.isEmpty ? "<none>" : ports.joined(separator: ", "))
            let hostPorts = (container["ports"]?.arrayValue ?? []).map { "\($0["hostPort"]?.intValue ?? 0)/\($0["protocol"]?.stringValue ?? "TCP")" }
            w.add(fieldLevel, hostPorts.count > 1 ? "Host Ports:" : "Host Port:", hostPorts.isEmpty ? "<none>" : hostPorts.joined(separator: ", "))
            // describeContainerBasicInfo: the container's seccomp profile, a Localhost one's file under it.
            if let profile = container.at("securityContext", "seccompProfile") {
                let type = profile["type"]?.stringValue ?? ""
                w.add(fieldLevel, "SeccompProfile:", type)
                if type == "Localhost" { w.add(fieldLevel + 1, "LocalhostProfile:", profile["localhostProfile"]?.stringValue ?? "") }
            }
            for (field, title) in [("command", "Command:"), ("args", "Args:")] {
                let words = (container[field]?.arrayValue ?? []).compactMap(\.stringValue)
                if words.isEmpty { continue }
                w.add(fieldLevel, title)
                for word in words {
                    for line in word.split(separator: "\n", omittingEmptySubsequences: false) { w.add(fieldLevel + 1, String(line)) }
                }
            }
            if let status {
                containerState("State", status["state"], fieldLevel, &w)
                if let last = status["lastState"], last["terminated"] != nil { containerState("Last State", last, fieldLevel, &w) }
                w.add(fieldLevel, "Ready:", status["ready"]?.boolValue == true ? "True" : "False")
                w.add(fieldLevel, "Restart Count:", String(status["restartCount"]?.intValue ?? 0))
            }
            for kind in ["limits", "requests"] {
                let values = stringMapOfQuantities(container.at("resources", kind))
                if values.isEmpty { continue }
                w.add(fieldLevel, kind.prefix(1).uppercased() + kind.dropFirst() + ":")
                for (key, value) in values.sorted(by: { $0.key < $1.key }) { w.add(fieldLevel + 1, "\(key):", value) }
            }
            for (field, title) in [("livenessProbe", "Liveness:"), ("readinessProbe", "Readiness:"), ("startupProbe", "Startup:")] {
                if let probe = container[field] { w.add(fieldLevel, title, probeText(probe)) }
            }
            let envFrom = container["envFrom"]?.arrayValue ?? []
            if !envFrom.isEmpty {
                w.add(fieldLevel, "Environment Variables from:")
                for source in envFrom {
                    let (ref, from) = source["configMapRef"].map { ($0, "ConfigMap") } ?? (source["secretRef"] ?? .null, "Secret")
                    let optional = ref["optional"]?.boolValue == true
                    let prefix = source["prefix"]?.stringValue ?? ""
                    w.add(fieldLevel + 1, ref["name"]?.stringValue ?? "", prefix.isEmpty ? from : "\(from) with prefix '\(prefix)'", "Optional: \(optional)")
                }
            }
            let env = container["env"]?.arrayValue ?? []
            if env.isEmpty {
                w.add(fieldLevel, "Environment:", "<none>")
            } else {
                w.add(fieldLevel, "Environment:")
                for variable in env { environmentVariable(variable, fieldLevel + 1, &w, pod: pod) }
            }
            let mounts = (container["volumeMounts"]?.arrayValue ?? []).sorted { ($0["mountPath"]?.stringValue ?? "") < ($1["mountPath"]?.stringValue ?? "") }
            if mounts.isEmpty {
                w.add(fieldLevel, "Mounts:", "<none>")
            } else {
                w.add(fieldLevel, "Mounts:")
                for mount in mounts {
                    var flags = [mount["readOnly"]?.boolValue == true ? "ro" : "rw"]
                    if let sub = mount["subPath"]?.stringValue, !sub.isEmpty { flags.append("path=\(GoQuote.quoted(sub))") }
                    w.add(fieldLevel + 1, "\(mount["mountPath"]?.stringValue ?? "") from \(mount["name"]?.stringValue ?? "") (\(flags.joined(separator: ",")))")
                }
            }
        }
    }

    /// `describeStatus`: Running with its start, Waiting with a reason, Terminated with
    /// reason, exit code, start and finish.
    private func containerState(_ title: String, _ state: Value?, _ level: Int, _ w: inout Lines) {
        let time = Self.goTime
        if let running = state?["running"] {
            w.add(level, "\(title):", "Running")
            w.add(level + 1, "Started:", time(running["startedAt"]))
        } else if let terminated = state?["terminated"] {
            w.add(level, "\(title):", "Terminated")
            if let reason = terminated["reason"]?.stringValue, !reason.isEmpty { w.add(level + 1, "Reason:", reason) }
            if let message = terminated["message"]?.stringValue, !message.isEmpty { w.add(level + 1, "Message:", message) }
            w.add(level + 1, "Exit Code:", String(terminated["exitCode"]?.intValue ?? 0))
            if let signal = terminated["signal"]?.intValue, signal > 0 { w.add(level + 1, "Signal:", String(signal)) }
            w.add(level + 1, "Started:", time(terminated["startedAt"]))
            w.add(level + 1, "Finished:", time(terminated["finishedAt"]))
        } else {
            w.add(level, "\(title):", "Waiting")
            if let reason = state?["waiting"]?["reason"]?.stringValue, !reason.isEmpty { w.add(level + 1, "Reason:", reason) }
        }
    }

    /// `describeContainerEnvVars`: values line by line; references as kubectl words them.
    private func environmentVariable(_ variable: Value, _ level: Int, _ w: inout Lines, pod: Resource?) {
        let name = variable["name"]?.stringValue ?? ""
        guard let from = variable["valueFrom"] else {
            let lines = (variable["value"]?.stringValue ?? "").split(separator: "\n", omittingEmptySubsequences: false)
            w.add(level, "\(name):", String(lines.first ?? ""))
            for line in lines.dropFirst() { w.add(level, "", String(line)) }
            return
        }
        if let ref = from["configMapKeyRef"] {
            w.add(level, "\(name):", "<set to the key '\(ref["key"]?.stringValue ?? "")' of config map '\(ref["name"]?.stringValue ?? "")'>",
                  "Optional: \(ref["optional"]?.boolValue == true)")
        } else if let ref = from["secretKeyRef"] {
            w.add(level, "\(name):", "<set to the key '\(ref["key"]?.stringValue ?? "")' in secret '\(ref["name"]?.stringValue ?? "")'>",
                  "Optional: \(ref["optional"]?.boolValue == true)")
        } else if let ref = from["fieldRef"] {
            let path = ref["fieldPath"]?.stringValue ?? ""
            let value = pod.map { Self.podField(path, of: $0) } ?? ""
            w.add(level, "\(name):", "\(value) (\(ref["apiVersion"]?.stringValue ?? ""):\(path))")
        } else if let ref = from["resourceFieldRef"] {
            w.add(level, "\(name):", "\(ref["containerName"]?.stringValue ?? "") (\(ref["resource"]?.stringValue ?? ""))")
        } else {
            w.add(level, "\(name):", "")
        }
    }

    /// What describe shows of a pod's field (`EnvValueRetriever`): the path goes through the
    /// scheme's field-label conversion first, then `fieldpath.ExtractFieldPathAsString`; only
    /// the name and the namespace pass both (labels, annotations and the uid are not field
    /// labels, spec and status fields are not extracted), so every other path shows nothing,
    /// as kubectl-oracle shows.
    static func podField(_ path: String, of pod: Resource) -> String {
        switch path {
        case "metadata.name": return pod.name
        case "metadata.namespace": return pod.namespace ?? ""
        default: return ""
        }
    }

    /// `describeVolumes` for the sources `rollout` reads; others as `<unknown>`.
    private func volumes(_ list: [Value], level: Int, inTemplate: Bool, _ w: inout Lines) {
        guard !list.isEmpty else { w.add(level, "Volumes:", "<none>"); return }
        w.add(level, "Volumes:")
        let nameLevel = inTemplate ? level : level + 1
        let fieldLevel = inTemplate ? level + 1 : level + 2
        let indent = String(repeating: "  ", count: fieldLevel)
        func lines(_ first: String, _ rest: [(String, String)]) {
            w.text += indent + first + "\n"
            for (key, value) in rest { w.text += "    \(key):\t\(value)\n" }
        }
        for volume in list {
            w.add(nameLevel, (inTemplate ? " " : "") + "\(volume["name"]?.stringValue ?? ""):")
            func optional(_ v: Value?) -> String { v?["optional"]?.boolValue == true ? "true" : "false" }
            if let cm = volume["configMap"] {
                lines("Type:\tConfigMap (a volume populated by a ConfigMap)", [("Name", cm["name"]?.stringValue ?? ""), ("Optional", optional(cm))])
            } else if let secret = volume["secret"] {
                lines("Type:\tSecret (a volume populated by a Secret)", [("SecretName", secret["secretName"]?.stringValue ?? ""), ("Optional", optional(secret))])
            } else if let claim = volume["persistentVolumeClaim"] {
                lines("Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)",
                      [("ClaimName", claim["claimName"]?.stringValue ?? ""), ("ReadOnly", claim["readOnly"]?.boolValue == true ? "true" : "false")])
            } else if let empty = volume["emptyDir"] {
                lines("Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)",
                      [("Medium", empty["medium"]?.stringValue ?? ""), ("SizeLimit", empty["sizeLimit"].map(scalarText) ?? "<unset>")])
            } else if let host = volume["hostPath"] {
                let source = Self.hostPathSource(host)
                lines("Type:\t" + source.type, source.fields)
            } else if let projected = volume["projected"] {
                lines("Type:\tProjected (a volume that contains injected data from multiple sources)", [])
                for source in projected["sources"]?.arrayValue ?? [] {
                    // kubectl prints the *bool itself: `<nil>` when unset.
                    func pointer(_ v: Value?) -> String { v?["optional"]?.boolValue.map { String($0) } ?? "<nil>" }
                    if let secret = source["secret"] {
                        lines("SecretName:\t\(secret["name"]?.stringValue ?? "")", [("SecretOptionalName", pointer(secret))])
                    } else if source["downwardAPI"] != nil {
                        lines("DownwardAPI:\ttrue", [])
                    } else if let cm = source["configMap"] {
                        lines("ConfigMapName:\t\(cm["name"]?.stringValue ?? "")", [("ConfigMapOptional", pointer(cm))])
                    } else if let token = source["serviceAccountToken"] {
                        lines("TokenExpirationSeconds:\t\(token["expirationSeconds"]?.intValue ?? 3607)", [])
                    }
                }
            } else {
                w.add(nameLevel + 1, "<unknown>")
            }
        }
    }

    /// `printPodTolerationsMultiline`: `key=value:Effect op=Exists for 300s`.
    /// `printTolerationsMultilineWithIndent`: sorted by key ("to print tolerations in the
    /// sorted order") with Go's sort.Slice — the pdqsort of `GoSort`, which leaves more than 12
    /// tolerations of one key in an order of its own.
    private func tolerations(_ list: [Value], level: Int, _ w: inout Lines) {
        guard !list.isEmpty else { w.add(level, "Tolerations:", "<none>"); return }
        var keyed = list.map { (key: $0["key"]?.stringValue ?? "", toleration: $0) }
        GoSort.sort(&keyed) { ByteOrder.precedes($0.key, $1.key) }
        let sorted = keyed.map(\.toleration)
        for (i, t) in sorted.enumerated() {
            var text = t["key"]?.stringValue ?? ""
            if let value = t["value"]?.stringValue, !value.isEmpty { text += "=" + value }
            if let effect = t["effect"]?.stringValue, !effect.isEmpty { text += ":" + effect }
            if t["operator"]?.stringValue == "Exists", t["value"]?.stringValue?.isEmpty ?? true {
                text += text.isEmpty ? "op=Exists" : " op=Exists"
            }
            if let seconds = t["tolerationSeconds"]?.intValue { text += " for \(seconds)s" }
            w.add(level, i == 0 ? "Tolerations:" : "", text)
        }
    }

    private func stringMapOfQuantities(_ value: Value?) -> [String: String] {
        var result: [String: String] = [:]
        for member in value?.objectValue?.members ?? [] {
            switch member.value {
            case .string(let s): result[member.key] = s
            case .int(let i): result[member.key] = String(i)
            case .float(let d): result[member.key] = JSONWriter.formatFloat(d)
            default: break
            }
        }
        return result
    }

    /// `http-get http://:8080/healthz delay=0s timeout=1s period=10s #success=1 #failure=3`.
    private func probeText(_ probe: Value) -> String {
        var text: String
        if let http = probe["httpGet"] {
            let port = http["port"].map { $0.intValue.map(String.init) ?? ($0.stringValue ?? "") } ?? ""
            text = "http-get \((http["scheme"]?.stringValue ?? "HTTP").lowercased())://\(http["host"]?.stringValue ?? ""):\(port)\(http["path"]?.stringValue ?? "")"
        } else if let tcp = probe["tcpSocket"] {
            text = "tcp-socket :\(tcp["port"].map { $0.intValue.map(String.init) ?? ($0.stringValue ?? "") } ?? "")"
        } else if let exec = probe["exec"] {
            text = "exec [\((exec["command"]?.arrayValue ?? []).compactMap(\.stringValue).joined(separator: " "))]"
        } else if let grpc = probe["grpc"] {
            text = "grpc <pod>:\(grpc["port"]?.intValue ?? 0)"
        } else {
            text = "unknown"
        }
        let n = { (key: String, fallback: Int) in probe[key]?.intValue ?? fallback }
        text += " delay=\(n("initialDelaySeconds", 0))s timeout=\(n("timeoutSeconds", 1))s period=\(n("periodSeconds", 10))s #success=\(n("successThreshold", 1)) #failure=\(n("failureThreshold", 3))"
        return text
    }

    /// A Deployment's conditions: describeDeployment writes "%v \t%v\t%v\n", a space after
    /// the type.
    private func conditions(_ conditions: [Condition], _ w: inout Lines) {
        guard !conditions.isEmpty else { return }
        w.add(0, "Conditions:")
        w.add(1, "Type", "Status", "Reason")
        w.add(1, "----", "------", "------")
        for c in conditions { w.add(1, c.type + " ", c.status, c.reason) }
    }

    /// `describePod` (describe.go), field by field.
    private func pod(_ r: Resource, _ w: inout Lines) {
        let o = r.value
        w.add(0, "Name:", r.name)
        w.add(0, "Namespace:", r.namespace ?? "")
        if let priority = o.at("spec", "priority")?.intValue { w.add(0, "Priority:", String(priority)) }
        if let name = o.at("spec", "priorityClassName")?.stringValue, !name.isEmpty { w.add(0, "Priority Class Name:", name) }
        if let account = o.at("spec", "serviceAccountName")?.stringValue, !account.isEmpty { w.add(0, "Service Account:", account) }
        w.add(0, "Node:", o.at("spec", "nodeName")?.stringValue.map { "\($0)/\(o.at("status", "hostIP")?.stringValue ?? "")" } ?? "<none>")
        if let start = o.at("status", "startTime")?.stringValue.flatMap(Timestamp.init(parsing:)) { w.add(0, "Start Time:", start.rfc1123) }
        labelsAndAnnotations(r, &w)
        let phase = o.at("status", "phase")?.stringValue ?? "Pending"
        // "Terminating (lasts <until deletionTimestamp>)" and the grace.
        if let deadline = r.deletionTimestamp.flatMap(Timestamp.init(parsing:)), phase != "Failed", phase != "Succeeded" {
            w.add(0, "Status:", "Terminating (lasts \(humanDuration(milliseconds: max(0, deadline.milliseconds - now.milliseconds))))")
            w.add(0, "Termination Grace Period:", "\(o.at("metadata", "deletionGracePeriodSeconds")?.intValue ?? 30)s")
        } else {
            w.add(0, "Status:", phase)
        }
        if let reason = o.at("status", "reason")?.stringValue, !reason.isEmpty { w.add(0, "Reason:", reason) }
        if let message = o.at("status", "message")?.stringValue, !message.isEmpty { w.add(0, "Message:", message) }
        w.add(0, "IP:", o.at("status", "podIP")?.stringValue ?? "")
        let ips = o.at("status", "podIPs")?.arrayValue ?? []
        if ips.isEmpty {
            w.add(0, "IPs:", "<none>")
        } else {
            w.add(0, "IPs:")
            for ip in ips { w.add(1, "IP:", ip["ip"]?.stringValue ?? "") }
        }
        if let owner = r.ownerReferences.first { w.add(0, "Controlled By:", "\(owner.kind)/\(owner.name)") }
        if let nominated = o.at("status", "nominatedNodeName")?.stringValue, !nominated.isEmpty { w.add(0, "NominatedNodeName:", nominated) }
        let inits = o.at("spec", "initContainers")?.arrayValue ?? []
        if !inits.isEmpty {
            containers(inits, label: "Init Containers", level: 0, &w, statuses: o.at("status", "initContainerStatuses")?.arrayValue ?? [], pod: r)
        }
        containers(o.at("spec", "containers")?.arrayValue ?? [], label: "Containers", level: 0, &w, statuses: o.at("status", "containerStatuses")?.arrayValue ?? [], pod: r)
        let conditions = o.at("status", "conditions")?.arrayValue ?? []
        // describePod: each readiness gate with its condition's status (`<none>` unset).
        let gates = (o.at("spec", "readinessGates")?.arrayValue ?? []).map { $0["conditionType"]?.stringValue ?? "" }
        if !gates.isEmpty {
            w.add(0, "Readiness Gates:")
            w.add(1, "Type", "Status")
            for gate in gates {
                let status = conditions.first { $0["type"]?.stringValue == gate }?["status"]?.stringValue ?? "<none>"
                w.add(1, "\(gate) ", "\(status) ")
            }
        }
        if !conditions.isEmpty {
            w.add(0, "Conditions:")
            w.add(1, "Type", "Status")
            // describe.go writes "%v \t%v \n": a space after each cell.
            for c in conditions { w.add(1, "\(c["type"]?.stringValue ?? "") ", "\(c["status"]?.stringValue ?? "") ") }
        }
        volumes(o.at("spec", "volumes")?.arrayValue ?? [], level: 0, inTemplate: false, &w)
        w.add(0, "QoS Class:", o.at("status", "qosClass")?.stringValue ?? "BestEffort")
        map(0, "Node-Selectors:", stringMap(o.at("spec", "nodeSelector")), separator: "=", &w)
        tolerations(o.at("spec", "tolerations")?.arrayValue ?? [], level: 0, &w)
        eventsSection(r, &w)
    }

    private func service(_ r: Resource, _ w: inout Lines) {
        let o = r.value
        header(r, &w, created: false)
        let selector = stringMap(o.at("spec", "selector"))
        w.add(0, "Selector:", selector.isEmpty ? "<none>" : TablePrinter.labelsText(selector))
        let type = o.at("spec", "type")?.stringValue ?? "ClusterIP"
        w.add(0, "Type:", type)
        w.add(0, "IP Family Policy:", o.at("spec", "ipFamilyPolicy")?.stringValue ?? "SingleStack")
        w.add(0, "IP Families:", (o.at("spec", "ipFamilies")?.arrayValue ?? []).compactMap(\.stringValue).joined(separator: ","))
        w.add(0, "IP:", o.at("spec", "clusterIP")?.stringValue ?? "None")
        w.add(0, "IPs:", (o.at("spec", "clusterIPs")?.arrayValue ?? []).compactMap(\.stringValue).joined(separator: ","))
        // buildIngressString: each address with its ipMode, joined by ", ".
        let ingress = (o.at("status", "loadBalancer", "ingress")?.arrayValue ?? []).map { entry -> String in
            if let ip = entry["ip"]?.stringValue, !ip.isEmpty { return ip + (entry["ipMode"]?.stringValue.map { " (\($0))" } ?? "") }
            return entry["hostname"]?.stringValue ?? ""
        }
        if let desired = o.at("spec", "loadBalancerIP")?.stringValue, !desired.isEmpty { w.add(0, "Desired LoadBalancer IP:", desired) }
        if !ingress.isEmpty { w.add(0, "LoadBalancer Ingress:", ingress.joined(separator: ", ")) }
        // Each port's endpoints from the Service's EndpointSlices, those of that port's name
        // only (describeService: formatEndpointSlices(endpointSlices, sets.New(sp.Name))).
        let slices = related.slices(of: r.name, namespace: r.namespace ?? "")
        for port in o.at("spec", "ports")?.arrayValue ?? [] {
            let name = port["name"]?.stringValue ?? "<unset>"
            let proto = port["protocol"]?.stringValue ?? "TCP"
            w.add(0, "Port:", name, "\(port["port"]?.intValue ?? 0)/\(proto)")
            let target = port["targetPort"].map { $0.intValue.map(String.init) ?? ($0.stringValue ?? "") } ?? ""
            w.add(0, "TargetPort:", "\(target)/\(proto)")
            if let nodePort = port["nodePort"]?.intValue { w.add(0, "NodePort:", name, "\(nodePort)/\(proto)") }
            w.add(0, "Endpoints:", Self.formatEndpointSlices(slices, portName: port["name"]?.stringValue ?? ""))
        }
        w.add(0, "Session Affinity:", o.at("spec", "sessionAffinity")?.stringValue ?? "None")
        if let policy = o.at("spec", "externalTrafficPolicy")?.stringValue { w.add(0, "External Traffic Policy:", policy) }
        w.add(0, "Internal Traffic Policy:", o.at("spec", "internalTrafficPolicy")?.stringValue ?? "Cluster")
        eventsSection(r, &w)
    }

    private func node(_ r: Resource, _ w: inout Lines) {
        let o = r.value
        w.add(0, "Name:", r.name)
        let roles = r.labels.keys.filter { $0.hasPrefix("node-role.kubernetes.io/") }.map { String($0.dropFirst("node-role.kubernetes.io/".count)) }.sorted()
        w.add(0, "Roles:", roles.isEmpty ? "<none>" : roles.joined(separator: ","))
        labelsAndAnnotations(r, &w)
        let created = r.creationTimestamp.flatMap(Timestamp.init(parsing:))
        if let created { w.add(0, "CreationTimestamp:", created.rfc1123) }
        // printNodeTaintsMultiline: sorted by effect, then key; `key=value:Effect`.
        let taints = (o.at("spec", "taints")?.arrayValue ?? []).map { t -> (sort: String, text: String) in
            let key = t["key"]?.stringValue ?? "", value = t["value"]?.stringValue ?? "", effect = t["effect"]?.stringValue ?? ""
            return (effect + "," + key, value.isEmpty ? "\(key):\(effect)" : "\(key)=\(value):\(effect)")
        }.sorted { $0.sort < $1.sort }
        if taints.isEmpty { w.add(0, "Taints:", "<none>") }
        for (i, taint) in taints.enumerated() { w.add(0, i == 0 ? "Taints:" : "", taint.text) }
        w.add(0, "Unschedulable:", o.at("spec", "unschedulable")?.boolValue == true ? "true" : "false")
        // The node's Lease (kube-node-lease): renewed by its kubelet every 10 s from its
        // registration, the last renewal before it stopped when it is down.
        if let created {
            let stopped = r.annotations[NodeLifecycleController.stoppedAnnotation].flatMap(Timestamp.init(parsing:))
            let until = stopped.map { min($0, now) } ?? now
            let renewed = NodeLifecycleController.lastRenewal(stopped: Timestamp(milliseconds: until.milliseconds + 1), created: created)
            w.add(0, "Lease:")
            w.add(1, "HolderIdentity:", r.name)
            w.add(1, "AcquireTime:", "<unset>")
            w.add(1, "RenewTime:", renewed.rfc1123)
        }
        // describeNode's conditions: with the heartbeat and transition times (RFC 1123Z); a
        // node registered by `cluster init` has posted them when it was created.
        conditionsTable(o.at("status", "conditions")?.arrayValue ?? [], time: ("LastHeartbeatTime", "lastHeartbeatTime"), &w) { v in
            (v?.stringValue.flatMap(Timestamp.init(parsing:)) ?? created)?.rfc1123 ?? ""
        }
        w.add(0, "Addresses:")
        for address in o.at("status", "addresses")?.arrayValue ?? [] {
            w.add(1, "\(address["type"]?.stringValue ?? ""):", address["address"]?.stringValue ?? "")
        }
        for section in ["Capacity", "Allocatable"] {
            w.add(0, "\(section):")
            for (key, value) in stringMapOfQuantities(o.at("status", section.lowercased())).sorted(by: { $0.key < $1.key }) {
                w.add(1, "\(key):", value)
            }
        }
        w.add(0, "System Info:")
        for (key, title) in [("machineID", "Machine ID"), ("systemUUID", "System UUID"), ("bootID", "Boot ID"), ("kernelVersion", "Kernel Version"),
                             ("osImage", "OS Image"), ("operatingSystem", "Operating System"), ("architecture", "Architecture"),
                             ("containerRuntimeVersion", "Container Runtime Version"), ("kubeletVersion", "Kubelet Version"), ("kubeProxyVersion", "Kube-Proxy Version")] {
            w.add(1, "\(title):", o.at("status", "nodeInfo", key)?.stringValue ?? "")
        }
        if let cidr = o.at("spec", "podCIDR")?.stringValue, !cidr.isEmpty {
            w.add(0, "PodCIDR:", cidr)
            w.add(0, "PodCIDRs:", (o.at("spec", "podCIDRs")?.arrayValue ?? []).compactMap(\.stringValue).joined(separator: ","))
        }
        nodePods(r, &w)
        eventsSection(r, &w)
    }

    /// describeNodeResource: the node's pods that are not finished, with their requests and
    /// limits as fractions of what the node can allocate (truncated percentages), then the
    /// totals (`Allocated resources`).
    private func nodePods(_ r: Resource, _ w: inout Lines) {
        let allocatable = r.value.at("status", "allocatable")
        func amount(_ name: String) -> Int {
            guard let text = allocatable?[name]?.stringValue ?? allocatable?[name]?.intValue.map(String.init), let q = Quantity(text) else { return 0 }
            return name == "cpu" ? q.milliValue : q.integerValue
        }
        let pods = related.pods(on: r.name)
            .filter { !["Succeeded", "Failed"].contains($0.value.at("status", "phase")?.stringValue ?? "") }
            .sorted { ($0.namespace ?? "", $0.name) < ($1.namespace ?? "", $1.name) }
        func cell(_ value: Int, _ name: String) -> String {
            let total = amount(name)
            let percent = total > 0 ? Int(Double(value) / Double(total) * 100) : 0
            return "\(Self.quantityText(value, name)) (\(percent)%)"
        }
        w.add(0, "Non-terminated Pods:", "(\(pods.count) in total)")
        // kubectl's format has an empty column after Name ("Name\t\tCPU Requests").
        w.add(1, "Namespace", "Name", "", "CPU Requests", "CPU Limits", "Memory Requests", "Memory Limits", "Age")
        w.add(1, "---------", "----", "", "------------", "----------", "---------------", "-------------", "---")
        var requested: [String: Int] = [:], limited: [String: Int] = [:]
        for pod in pods {
            let needs = PodRequirements(template: Object(["spec": pod.object["spec"] ?? .object(Object())]))
            for (name, value) in needs.requests { requested[name, default: 0] += value }
            for (name, value) in needs.limits { limited[name, default: 0] += value }
            let age = pod.creationTimestamp.flatMap(Timestamp.init(parsing:)).map { humanDuration(milliseconds: now.milliseconds - $0.milliseconds) } ?? "<unknown>"
            w.add(1, pod.namespace ?? "", pod.name, "", cell(needs.requests["cpu"] ?? 0, "cpu"), cell(needs.limits["cpu"] ?? 0, "cpu"),
                  cell(needs.requests["memory"] ?? 0, "memory"), cell(needs.limits["memory"] ?? 0, "memory"), age)
        }
        w.add(0, "Allocated resources:")
        w.add(1, "(Total limits may be over 100 percent, i.e., overcommitted.)")
        w.add(1, "Resource", "Requests", "Limits")
        w.add(1, "--------", "--------", "------")
        for name in ["cpu", "memory", "ephemeral-storage"] {
            w.add(1, name, cell(requested[name] ?? 0, name), cell(limited[name] ?? 0, name))
        }
        // Extended resources the node offers: plain counts.
        let standard: Set<String> = ["cpu", "memory", "ephemeral-storage", "pods"]
        for name in (allocatable?.objectValue?.members.map(\.key) ?? []).filter({ !standard.contains($0) && !$0.hasPrefix("hugepages-") }).sorted() {
            w.add(1, name, String(requested[name] ?? 0), String(limited[name] ?? 0))
        }
    }

    /// A summed quantity as the API prints it: millicores (`250m`, `2`), bytes in the largest
    /// binary unit that divides them (`512Mi`, `1Gi`), else plain.
    static func quantityText(_ value: Int, _ name: String) -> String {
        if value == 0 { return "0" }
        if name == "cpu" { return value % 1000 == 0 ? String(value / 1000) : "\(value)m" }
        for (suffix, size) in [("Ei", 1 << 60), ("Pi", 1 << 50), ("Ti", 1 << 40), ("Gi", 1 << 30), ("Mi", 1 << 20), ("Ki", 1 << 10)] where value % size == 0 {
            return "\(value / size)\(suffix)"
        }
        return String(value)
    }

    /// describeNamespace, with DescribeResourceQuotas and DescribeLimitRanges of the
    /// namespace's quotas (by name) and limit ranges.
    private func namespace(_ r: Resource, _ w: inout Lines) {
        header(r, &w, created: false)
        w.add(0, "Status:", r.value.at("status", "phase")?.stringValue ?? "Active")
        w.add(0, "")
        let quotas = related.all("ResourceQuota", namespace: r.name).sorted { $0.name < $1.name }
        if quotas.isEmpty {
            w.add(0, "No resource quota.")
        } else {
            w.add(0, "Resource Quotas")
            for quota in quotas {
                w.add(1, "Name:", quota.name)
                quotaScopes(quota, level: 1, &w)
                quotaTable(quota, level: 1, rule: "---", &w)
            }
        }
        w.add(0, "")
        let ranges = related.all("LimitRange", namespace: r.name)
        if ranges.isEmpty {
            w.add(0, "No LimitRange resource.")
        } else {
            w.add(0, "Resource Limits")
            w.add(0, " Type", "Resource", "Min", "Max", "Default Request", "Default Limit", "Max Limit/Request Ratio")
            w.add(0, " ----", "--------", "---", "---", "---------------", "-------------", "-----------------------")
            for range in ranges { limitRangeRows(range, prefix: " ", &w) }
        }
    }

    /// describeQuota.
    private func resourceQuota(_ r: Resource, _ w: inout Lines) {
        w.add(0, "Name:", r.name)
        w.add(0, "Namespace:", r.namespace ?? "default")
        quotaScopes(r, level: 0, &w)
        quotaTable(r, level: 0, rule: "----", &w)
    }

    /// A quota's scopes, sorted, each with its help text (`helpTextForResourceQuotaScope`):
    /// ` * text` in describeQuota, `* text` one level in in DescribeResourceQuotas. (Neither
    /// shows a `scopeSelector`.)
    private func quotaScopes(_ r: Resource, level: Int, _ w: inout Lines) {
        let scopes = (r.value.at("spec", "scopes")?.arrayValue ?? []).compactMap(\.stringValue).sorted()
        guard !scopes.isEmpty else { return }
        w.add(level, "Scopes:", scopes.joined(separator: ", "))
        for scope in scopes {
            guard let help = Self.quotaScopeHelp[scope] else { continue }
            w.add(level, (level == 0 ? " * " : "* ") + help)
        }
    }

    static let quotaScopeHelp = [
        "Terminating": "Matches all pods that have an active deadline. These pods have a limited lifespan on a node before being actively terminated by the system.",
        "NotTerminating": "Matches all pods that do not have an active deadline. These pods usually include long running pods whose container command is not expected to terminate.",
        "BestEffort": "Matches all pods that do not have resource requirements set. These pods have a best effort quality of service.",
        "NotBestEffort": "Matches all pods that have at least one resource requirement set. These pods have a burstable or guaranteed quality of service.",
    ]

    /// Each resource of `status.hard`, by name, with its used and hard quantities.
    private func quotaTable(_ r: Resource, level: Int, rule: String, _ w: inout Lines) {
        w.add(level, "Resource", "Used", "Hard")
        w.add(level, "--------", rule, rule)
        let status = r.value["status"]
        for name in (status?["hard"]?.objectValue?.members.map(\.key) ?? []).sorted() {
            let quantity = { (field: String) in status?[field]?[name].flatMap { $0.stringValue ?? $0.intValue.map(String.init) } ?? "0" }
            w.add(level, name, quantity("used"), quantity("hard"))
        }
    }

    /// describeLimitRange.
    private func limitRange(_ r: Resource, _ w: inout Lines) {
        w.add(0, "Name:", r.name)
        w.add(0, "Namespace:", r.namespace ?? "default")
        w.add(0, "Type", "Resource", "Min", "Max", "Default Request", "Default Limit", "Max Limit/Request Ratio")
        w.add(0, "----", "--------", "---", "---", "---------------", "-------------", "-----------------------")
        limitRangeRows(r, prefix: "", &w)
    }

    /// describeLimitRangeSpec: a row per item and resource it names, `-` where a field does not.
    /// (kubectl's order of an item's resources is a Go map's; by name here.)
    private func limitRangeRows(_ r: Resource, prefix: String, _ w: inout Lines) {
        for item in r.value.at("spec", "limits")?.arrayValue ?? [] {
            let fields = ["min", "max", "defaultRequest", "default", "maxLimitRequestRatio"]
            let names = Set(fields.flatMap { item[$0]?.objectValue?.members.map(\.key) ?? [] }).sorted()
            for name in names {
                let cells = fields.map { field in item[field]?[name].flatMap { $0.stringValue ?? $0.intValue.map(String.init) } ?? "-" }
                w.add(0, [prefix + (item["type"]?.stringValue ?? ""), name] + cells)
            }
        }
    }

    private func secret(_ r: Resource, _ w: inout Lines) {
        header(r, &w, created: false)
        w.add(0, "")
        w.add(0, "Type:", r.object["type"]?.stringValue ?? "Opaque")
        w.add(0, "")
        w.add(0, "Data")
        w.add(0, "====")
        var sizes: [String: Int] = [:]
        for member in r.object["data"]?.objectValue?.members ?? [] { sizes[member.key] = Base64.decodedLength(member.value.stringValue ?? "") }
        for member in r.object["stringData"]?.objectValue?.members ?? [] { sizes[member.key] = member.value.stringValue?.utf8.count ?? 0 }
        for (key, size) in sizes.sorted(by: { $0.key < $1.key }) { w.add(0, "\(key):", "\(size) bytes") }
    }

    private func configMap(_ r: Resource, _ w: inout Lines) {
        header(r, &w, created: false)
        w.add(0, "")
        w.add(0, "Data")
        w.add(0, "====")
        for member in YAMLWriter.sortedMembers(r.object["data"]?.objectValue ?? Object()) {
            w.add(0, "\(member.key):")
            w.add(0, "----")
            w.add(0, member.value.stringValue ?? "")
            w.add(0, "")
        }
        w.add(0, "")
        w.add(0, "BinaryData")
        w.add(0, "====")
        w.add(0, "")
        eventsSection(r, &w)
    }

    /// describePersistentVolumeClaim and printPersistentVolumeClaim (describe.go): the class
    /// (the beta annotation first, GetPersistentVolumeClaimClass), the phase or how long it has
    /// been terminating, the volume; capacity and access modes once bound; the pods that mount
    /// it or own it (getPodsForPVC), by name (printPodsMultiline); its conditions and events.
    private func persistentVolumeClaim(_ r: Resource, _ w: inout Lines) {
        let o = r.value
        w.add(0, "Name:", r.name)
        w.add(0, "Namespace:", r.namespace ?? "")
        w.add(0, "StorageClass:", r.annotations[StorageAdmission.betaClassAnnotation] ?? o.at("spec", "storageClassName")?.stringValue ?? "")
        w.add(0, "Status:", terminating(r) ?? o.at("status", "phase")?.stringValue ?? "")
        let volume = o.at("spec", "volumeName")?.stringValue ?? ""
        w.add(0, "Volume:", volume)
        labelsAndAnnotations(r, &w)
        w.add(0, "Finalizers:", finalizers(r))
        let bound = !volume.isEmpty
        w.add(0, "Capacity:", bound ? quantity(o.at("status", "capacity", "storage")) : "")
        w.add(0, "Access Modes:", bound ? Self.accessModes(o.at("status", "accessModes")) : "")
        if let mode = o.at("spec", "volumeMode")?.stringValue { w.add(0, "VolumeMode:", mode) }
        if let source = o.at("spec", "dataSource"), source.objectValue != nil {
            w.add(0, "DataSource:")
            if let group = source["apiGroup"]?.stringValue { w.add(1, "APIGroup:", group) }
            w.add(1, "Kind:", source["kind"]?.stringValue ?? "")
            w.add(1, "Name:", source["name"]?.stringValue ?? "")
        }
        // getPodsForPVC: the namespace's pods with a volume of this claim (once per volume), then
        // its owners that are pods and not listed yet.
        var users = related.pods(claiming: r.name, namespace: r.namespace ?? "")
        for owner in r.ownerReferences where owner.kind == "Pod" {
            guard let pod = related.named("Pod", namespace: r.namespace, name: owner.name), pod.uid == owner.uid,
                  !users.contains(where: { $0.uid == pod.uid }) else { continue }
            users.append(pod)
        }
        var names = users.map(\.name)
        GoSort.sort(&names) { ByteOrder.precedes($0, $1) }
        w.add(0, "Used By:", names.first ?? "<none>")
        for name in names.dropFirst() { w.add(0, "", name) }
        conditionsTable(o.at("status", "conditions")?.arrayValue ?? [], time: ("LastProbeTime", "lastProbeTime"), &w, format: Self.goTime)
        eventsSection(r, &w)
    }

    /// describePersistentVolume (describe.go): class, phase, claim, reclaim policy, access
    /// modes, capacity, node affinity (printVolumeNodeAffinity), message and source.
    private func persistentVolume(_ r: Resource, _ w: inout Lines) {
        let o = r.value
        w.add(0, "Name:", r.name)
        labelsAndAnnotations(r, &w)
        w.add(0, "Finalizers:", finalizers(r))
        w.add(0, "StorageClass:", r.annotations[StorageAdmission.betaClassAnnotation] ?? o.at("spec", "storageClassName")?.stringValue ?? "")
        w.add(0, "Status:", terminating(r) ?? o.at("status", "phase")?.stringValue ?? "")
        if let claim = o.at("spec", "claimRef"), claim.objectValue != nil {
            w.add(0, "Claim:", (claim["namespace"]?.stringValue ?? "") + "/" + (claim["name"]?.stringValue ?? ""))
        } else {
            w.add(0, "Claim:", "")
        }
        w.add(0, "Reclaim Policy:", o.at("spec", "persistentVolumeReclaimPolicy")?.stringValue ?? "")
        w.add(0, "Access Modes:", Self.accessModes(o.at("spec", "accessModes")))
        if let mode = o.at("spec", "volumeMode")?.stringValue { w.add(0, "VolumeMode:", mode) }
        w.add(0, "Capacity:", quantity(o.at("spec", "capacity", "storage")))
        if let required = o.at("spec", "nodeAffinity", "required"), required.objectValue != nil {
            w.add(0, "Node Affinity:", "")
            let terms = required["nodeSelectorTerms"]?.arrayValue ?? []
            w.add(1, "Required Terms:", terms.isEmpty ? "<none>" : "")
            for (i, term) in terms.enumerated() {
                let expressions = (term["matchExpressions"]?.arrayValue ?? []).map { e -> String in
                    let text = "\(e["key"]?.stringValue ?? "") \((e["operator"]?.stringValue ?? "").lowercased())"
                    let values = (e["values"]?.arrayValue ?? []).compactMap(\.stringValue)
                    return values.isEmpty ? text : "\(text) [\(values.joined(separator: ", "))]"
                }
                w.add(2, "Term \(i):", expressions.first ?? "<none>")
                for e in expressions.dropFirst() { w.add(2, "", e) }
            }
        } else {
            w.add(0, "Node Affinity:", "<none>")
        }
        w.add(0, "Message:", o.at("status", "message")?.stringValue ?? "")
        w.add(0, "Source:")
        let spec = o["spec"]
        func lines(_ type: String, _ rest: [(String, String)]) {
            w.add(2, "Type:", type)
            for (key, value) in rest { w.text += "    \(key):\t\(value)\n" }
        }
        func flag(_ v: Value?) -> String { v?.boolValue == true ? "true" : "false" }
        if let host = spec?["hostPath"], host.objectValue != nil {
            let source = Self.hostPathSource(host)
            lines(source.type, source.fields)
        } else if let nfs = spec?["nfs"], nfs.objectValue != nil {
            lines("NFS (an NFS mount that lasts the lifetime of a pod)",
                  [("Server", nfs["server"]?.stringValue ?? ""), ("Path", nfs["path"]?.stringValue ?? ""), ("ReadOnly", flag(nfs["readOnly"]))])
        } else if let local = spec?["local"], local.objectValue != nil {
            lines("LocalVolume (a persistent volume backed by local storage on a node)", [("Path", local["path"]?.stringValue ?? "")])
        } else if let csi = spec?["csi"], csi.objectValue != nil {
            lines("CSI (a Container Storage Interface (CSI) volume source)",
                  [("Driver", csi["driver"]?.stringValue ?? ""), ("FSType", csi["fsType"]?.stringValue ?? ""),
                   ("VolumeHandle", csi["volumeHandle"]?.stringValue ?? ""), ("ReadOnly", flag(csi["readOnly"]))])
            // printCSIPersistentVolumeAttributesMultiline: key=value sorted, each cut at 140.
            let attributes = stringMap(csi["volumeAttributes"]).map { "\($0.key)=\($0.value)" }.sorted()
            w.add(2, "VolumeAttributes:", attributes.first.map(Self.cutAnnotation) ?? "<none>")
            for line in attributes.dropFirst() { w.add(2, "", Self.cutAnnotation(line)) }
        } else {
            // (The other sources, cloud disks of other kinds, are shown as kubectl shows none.)
            w.add(1, "<unknown>")
        }
        eventsSection(r, &w)
    }

    /// A conditions table as describeNode and describePersistentVolumeClaim write one (`%v \t%v
    /// \t%s \t%s \t%v \t%v`, the heading's dashes as kubectl's): type, status, a heartbeat or
    /// probe time, the transition time, reason, message; nothing when there are none.
    private func conditionsTable(_ conditions: [Value], time: (title: String, key: String), _ w: inout Lines, format: (Value?) -> String) {
        guard !conditions.isEmpty else { return }
        w.add(0, "Conditions:")
        w.add(1, "Type", "Status", time.title, "LastTransitionTime", "Reason", "Message")
        w.add(1, "----", "------", "-----------------", "------------------", "------", "-------")
        for c in conditions {
            w.add(1, (c["type"]?.stringValue ?? "") + " ", (c["status"]?.stringValue ?? "") + " ", format(c[time.key]) + " ",
                  format(c["lastTransitionTime"]) + " ", (c["reason"]?.stringValue ?? "") + " ", c["message"]?.stringValue ?? "")
        }
    }

    /// A time as describe formats it (RFC 1123Z), Go's zero time when absent.
    static func goTime(_ value: Value?) -> String {
        value?.stringValue.flatMap(Timestamp.init(parsing:))?.rfc1123 ?? "Mon, 01 Jan 0001 00:00:00 +0000"
    }

    /// describeStorageClass (describe.go): whether it is the default (the annotation or its
    /// beta form), every annotation and parameter as `labels.FormatLabels` writes them, the
    /// expansion flag (`printBoolPtr`), mount options, reclaim policy, binding mode and the
    /// allowed topologies (printAllowedTopologies).
    private func storageClass(_ r: Resource, _ w: inout Lines) {
        let o = r.value
        w.add(0, "Name:", r.name)
        let isDefault = r.annotations[StorageAdmission.defaultClassAnnotation] == "true"
            || r.annotations["storageclass.beta.kubernetes.io/is-default-class"] == "true"
        w.add(0, "IsDefaultClass:", isDefault ? "Yes" : "No")
        w.add(0, "Annotations:", Self.formatLabels(r.annotations))
        w.add(0, "Provisioner:", o["provisioner"]?.stringValue ?? "")
        w.add(0, "Parameters:", Self.formatLabels(stringMap(o["parameters"])))
        w.add(0, "AllowVolumeExpansion:", o["allowVolumeExpansion"]?.boolValue.map { $0 ? "True" : "False" } ?? "<unset>")
        let options = (o["mountOptions"]?.arrayValue ?? []).compactMap(\.stringValue)
        if options.isEmpty {
            w.add(0, "MountOptions:", "<none>")
        } else {
            w.add(0, "MountOptions:")
            for option in options { w.add(1, option) }
        }
        if let policy = o["reclaimPolicy"]?.stringValue { w.add(0, "ReclaimPolicy:", policy) }
        if let mode = o["volumeBindingMode"]?.stringValue { w.add(0, "VolumeBindingMode:", mode) }
        if let topologies = o["allowedTopologies"]?.arrayValue {
            w.add(0, "AllowedTopologies:", topologies.isEmpty ? "<none>" : "")
            for (i, term) in topologies.enumerated() {
                let expressions = (term["matchLabelExpressions"]?.arrayValue ?? []).map { e -> String in
                    let values = (e["values"]?.arrayValue ?? []).compactMap(\.stringValue)
                    let text = "\(e["key"]?.stringValue ?? "") in"
                    return values.isEmpty ? text : "\(text) [\(values.joined(separator: ", "))]"
                }
                w.add(1, "Term \(i):", expressions.first ?? "<none>")
                for e in expressions.dropFirst() { w.add(1, "", e) }
            }
        }
        eventsSection(r, &w)
    }

    /// describeEndpointSliceV1 (describe.go): the address type, the ports table (`<unset>` for
    /// a port without a name or number), each endpoint's addresses, readiness, hostname,
    /// target, node and zone.
    private func endpointSlice(_ r: Resource, _ w: inout Lines) {
        let o = r.value
        w.add(0, "Name:", r.name)
        w.add(0, "Namespace:", r.namespace ?? "")
        labelsAndAnnotations(r, &w)
        w.add(0, "AddressType:", o["addressType"]?.stringValue ?? "")
        let ports = o["ports"]?.arrayValue ?? []
        if ports.isEmpty {
            w.add(0, "Ports: <unset>")
        } else {
            w.add(0, "Ports:")
            w.add(1, "Name", "Port", "Protocol")
            w.add(1, "----", "----", "--------")
            for port in ports {
                let name = port["name"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 } ?? "<unset>"
                w.add(1, name, port["port"]?.intValue.map(String.init) ?? "<unset>", port["protocol"]?.stringValue ?? "TCP")
            }
        }
        let endpoints = o["endpoints"]?.arrayValue ?? []
        if endpoints.isEmpty {
            w.add(0, "Endpoints: <none>")
        } else {
            w.add(0, "Endpoints:")
            for endpoint in endpoints {
                let addresses = (endpoint["addresses"]?.arrayValue ?? []).compactMap(\.stringValue).joined(separator: ", ")
                w.add(1, "- Addresses:", addresses.isEmpty ? "<none>" : addresses)
                w.add(2, "Conditions:")
                w.add(3, "Ready:", endpoint.at("conditions", "ready")?.boolValue.map { $0 ? "true" : "false" } ?? "<unset>")
                w.add(2, "Hostname:", endpoint["hostname"]?.stringValue ?? "<unset>")
                if let target = endpoint["targetRef"], target.objectValue != nil {
                    w.add(2, "TargetRef:", "\(target["kind"]?.stringValue ?? "")/\(target["name"]?.stringValue ?? "")")
                }
                w.add(2, "NodeName:", endpoint["nodeName"]?.stringValue ?? "<unset>")
                w.add(2, "Zone:", endpoint["zone"]?.stringValue ?? "<unset>")
            }
        }
        eventsSection(r, &w)
    }

    /// describePriorityClass (describe.go): value, global default, preemption policy,
    /// description and annotations (`labels.FormatLabels`).
    private func priorityClass(_ r: Resource, _ w: inout Lines) {
        let o = r.value
        w.add(0, "Name:", r.name)
        w.add(0, "Value:", String(o["value"]?.intValue ?? 0))
        w.add(0, "GlobalDefault:", o["globalDefault"]?.boolValue == true ? "true" : "false")
        w.add(0, "PreemptionPolicy:", o["preemptionPolicy"]?.stringValue ?? "PreemptLowerPriority")
        w.add(0, "Description:", o["description"]?.stringValue ?? "")
        w.add(0, "Annotations:", Self.formatLabels(r.annotations))
        eventsSection(r, &w)
    }

    /// labels.FormatLabels: `key=value` pairs sorted as whole strings, joined by commas;
    /// `<none>` for none.
    static func formatLabels(_ values: [String: String]) -> String {
        var pairs = values.map { "\($0.key)=\($0.value)" }
        pairs.sort { ByteOrder.precedes($0, $1) }
        return pairs.isEmpty ? "<none>" : pairs.joined(separator: ",")
    }

    /// printHostPathVolumeSource, shared by a pod's volumes and a PersistentVolume's source:
    /// the path and the type, `<none>` when unset (the API server defaults it to "").
    static func hostPathSource(_ host: Value) -> (type: String, fields: [(String, String)]) {
        ("HostPath (bare host directory volume)", [("Path", host["path"]?.stringValue ?? ""), ("HostPathType", host["type"]?.stringValue ?? "<none>")])
    }

    /// `Terminating (lasts 5m)` for an object being deleted.
    private func terminating(_ r: Resource) -> String? {
        guard let at = r.metadata["deletionTimestamp"]?.stringValue.flatMap(Timestamp.init(parsing:)) else { return nil }
        return "Terminating (lasts \(humanDuration(milliseconds: now.milliseconds - at.milliseconds)))"
    }

    /// Go's `%v` of a string list: `[a b]`.
    private func finalizers(_ r: Resource) -> String {
        "[" + (r.metadata["finalizers"]?.arrayValue ?? []).compactMap(\.stringValue).joined(separator: " ") + "]"
    }

    /// A quantity as stored (`0`, the zero Quantity's text, when absent).
    private func quantity(_ value: Value?) -> String {
        value.map(scalarText) ?? "0"
    }

    /// storageutil.GetAccessModesAsString: RWO, ROX, RWX, RWOP, in that order, each once.
    static func accessModes(_ value: Value?) -> String {
        let modes = Set((value?.arrayValue ?? []).compactMap(\.stringValue))
        return [("ReadWriteOnce", "RWO"), ("ReadOnlyMany", "ROX"), ("ReadWriteMany", "RWX"), ("ReadWriteOncePod", "RWOP")]
            .filter { modes.contains($0.0) }.map(\.1).joined(separator: ",")
    }

    /// kubectl's `maxAnnotationLen`.
    static let maxAnnotationLength = 140

    /// `shorten`: more than `length` bytes are cut there and end in `...`.
    static func shorten(_ bytes: [UInt8], _ length: Int) -> String {
        String(decoding: bytes.prefix(length), as: UTF8.self) + (bytes.count > length ? "..." : "")
    }

    /// maxAnnotationLen: a line longer than 140 bytes is cut there and ends in `...`.
    static func cutAnnotation(_ line: String) -> String {
        shorten(Array(line.utf8), maxAnnotationLength)
    }

    /// Unstructured objects: metadata, then every other field, nested, as kubectl does.
    private func generic(_ r: Resource, _ w: inout Lines) {
        header(r, &w, created: false)
        w.add(0, "API Version:", r.apiVersion)
        w.add(0, "Kind:", r.kind)
        for member in YAMLWriter.sortedMembers(r.object) where !["apiVersion", "kind", "metadata"].contains(member.key) {
            field(member.key, member.value, level: 0, &w)
        }
        eventsSection(r, &w)
    }

    private func field(_ key: String, _ value: Value, level: Int, _ w: inout Lines) {
        let title = key.prefix(1).uppercased() + key.dropFirst() + ":"
        switch value {
        case .object(let object):
            w.add(level, title)
            for member in YAMLWriter.sortedMembers(object) { field(member.key, member.value, level: level + 1, &w) }
        case .array(let items):
            w.add(level, title)
            for item in items {
                if case .object(let object) = item {
                    for member in YAMLWriter.sortedMembers(object) { field(member.key, member.value, level: level + 1, &w) }
                } else {
                    w.add(level + 1, scalarText(item))
                }
            }
        default:
            w.add(level, title, scalarText(value))
        }
    }

    private func scalarText(_ value: Value) -> String {
        switch value {
        case .string(let s): return s
        case .int(let i): return String(i)
        case .float(let d): return JSONWriter.formatFloat(d)
        case .bool(let b): return String(b)
        case .null: return "<nil>"
        default: return ""
        }
    }

    /// describePodDisruptionBudgetV1: the bound that is set, the selector, the status counts.
    private func podDisruptionBudget(_ r: Resource, _ w: inout Lines) {
        let pdb = PodDisruptionBudget(r)
        let o = r.value
        w.add(0, "Name:", r.name)
        w.add(0, "Namespace:", r.namespace ?? "")
        if let min = pdb.minAvailable { w.add(0, "Min available:", min.description) } else if let max = pdb.maxUnavailable { w.add(0, "Max unavailable:", max.description) }
        w.add(0, "Selector:", pdb.selector.map(\.description) ?? "")
        w.add(0, "Status:")
        for (title, field) in [("Allowed disruptions:", "disruptionsAllowed"), ("Current:", "currentHealthy"), ("Desired:", "desiredHealthy"), ("Total:", "expectedPods")] {
            w.add(2, title, String(o.at("status", field)?.intValue ?? 0))
        }
        eventsSection(r, &w)
    }

    /// describeIngressV1: the rules as a Host / Path / Backends table, each backend with the
    /// endpoints of its Service's slices on that port (describeBackendV1, formatEndpointSlices).
    private func ingress(_ r: Resource, _ w: inout Lines) {
        let o = r.value
        var reader = FieldReader()
        let ingress = Ingress(r, reader: &reader)
        w.add(0, "Name:", r.name)
        map(0, "Labels:", r.labels, separator: "=", &w)
        w.add(0, "Namespace:", r.namespace ?? "")
        let addresses = Set((o.at("status", "loadBalancer", "ingress")?.arrayValue ?? []).compactMap { $0["ip"]?.stringValue ?? $0["hostname"]?.stringValue }).sorted()
        w.add(0, "Address:", addresses.joined(separator: ","))
        w.add(0, "Ingress Class:", ingress.className ?? "<none>")
        let defaultBackend = ingress.defaultBackend.map { backendText($0, namespace: ingress.namespace) } ?? "<default>"
        w.add(0, "Default backend:", defaultBackend)
        let tls = o.at("spec", "tls")?.arrayValue ?? []
        if !tls.isEmpty {
            w.add(0, "TLS:")
            for t in tls {
                let hosts = (t["hosts"]?.arrayValue ?? []).compactMap(\.stringValue).joined(separator: ",")
                if let secret = t["secretName"]?.stringValue, !secret.isEmpty { w.add(1, "\(secret) terminates \(hosts)") } else { w.add(1, "SNI routes \(hosts)") }
            }
        }
        w.add(0, "Rules:")
        w.add(1, "Host", "Path", "Backends")
        w.add(1, "----", "----", "--------")
        var count = 0
        for rule in ingress.rules where rule.hasHTTP {
            count += 1
            w.add(1, rule.host.isEmpty ? "*" : rule.host, "")
            for path in rule.paths { w.add(2, "", "\(path.path) ", backendText(path.backend, namespace: ingress.namespace)) }
        }
        if count == 0 { w.add(1, "*", "*", defaultBackend) }
        annotations(0, "Annotations:", r.annotations, &w)
        eventsSection(r, &w)
    }

    /// `web-api:http (10.42.0.7:8080,10.42.0.8:8080 + 1 more...)`: serviceBackendStringer, then
    /// the endpoints of the Service's slices on the backend's port (formatEndpointSlices).
    private func backendText(_ backend: Ingress.Backend, namespace: String) -> String {
        guard let name = backend.service else { return "" }
        let text = "\(name):\(backend.portNumber.map(String.init) ?? backend.portName ?? "")"
        guard let service = related.named("Service", namespace: namespace, name: name) else {
            return "\(text) (<error: services \"\(name)\" not found>)"
        }
        let portName = Traefik.servicePort(backend, of: service)?["name"]?.stringValue ?? ""
        return "\(text) (\(Self.formatEndpointSlices(related.slices(of: name, namespace: namespace), portName: portName)))"
    }

    /// kubectl's formatEndpointSlices (`describe/helpers`), quirks included: `<none>` without a
    /// slice; the ready endpoints (a missing condition is ready) of the ports named `portName`
    /// (each address of a slice without ports), at most three listed, the count of the rest
    /// after them — "" when slices exist and none match.
    static func formatEndpointSlices(_ slices: [Resource], portName: String) -> String {
        if slices.isEmpty { return "<none>" }
        var list: [String] = [], count = 0, more = false
        for slice in slices {
            let ports = slice.value["ports"]?.arrayValue ?? []
            let endpoints = slice.value["endpoints"]?.arrayValue ?? []
            for port in ports.isEmpty ? [Value.null] : ports where port == .null || (port["name"]?.stringValue ?? "") == portName {
                for endpoint in endpoints {
                    if list.count == 3 { more = true }
                    guard endpoint["conditions"]?["ready"]?.boolValue ?? true, let address = endpoint["addresses"]?.arrayValue?.first?.stringValue else { continue }
                    if !more { list.append(port == .null ? address : "\(address):\(port["port"]?.intValue ?? 0)") }
                    count += 1
                }
            }
        }
        return list.joined(separator: ",") + (more ? " + \(count - 3) more..." : "")
    }

    /// describeIngressClassV1.
    private func ingressClass(_ r: Resource, _ w: inout Lines) {
        let o = r.value
        w.add(0, "Name:", r.name)
        labelsAndAnnotations(r, &w)
        w.add(0, "Controller:", o.at("spec", "controller")?.stringValue ?? "")
        if let p = o.at("spec", "parameters") {
            w.add(0, "Parameters:")
            if let group = p["apiGroup"]?.stringValue { w.add(1, "APIGroup:", group) }
            w.add(1, "Kind:", p["kind"]?.stringValue ?? "")
            w.add(1, "Name:", p["name"]?.stringValue ?? "")
        }
        eventsSection(r, &w)
    }

    private func eventsSection(_ r: Resource, _ w: inout Lines) {
        let mine = EventLog.describeOrder(r.uid.isEmpty ? [] : events[r.uid] ?? [])
        guard !mine.isEmpty else { w.add(0, "Events:", "<none>"); return }
        w.add(0, "Events:")
        w.add(1, "Type", "Reason", "Age", "From", "Message")
        w.add(1, "----", "------", "----", "----", "-------")
        for event in mine {
            let o = event.value
            let last = o["lastTimestamp"]?.stringValue.flatMap(Timestamp.init(parsing:))
            let ageText = last.map { humanDuration(milliseconds: now.milliseconds - $0.milliseconds) } ?? "<unknown>"
            let count = o["count"]?.intValue ?? 1
            let first = o["firstTimestamp"]?.stringValue.flatMap(Timestamp.init(parsing:))
            let shownAge = count > 1 ? "\(ageText) (x\(count) over \(first.map { humanDuration(milliseconds: now.milliseconds - $0.milliseconds) } ?? ageText))" : ageText
            w.add(1, o["type"]?.stringValue ?? "Normal", o["reason"]?.stringValue ?? "", shownAge,
                  o.at("source", "component")?.stringValue ?? "", o["message"]?.stringValue ?? "")
        }
    }
}

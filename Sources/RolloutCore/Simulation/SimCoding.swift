/// Turning the simulation's typed pods, ReplicaSets and events into the objects kubectl shows,
/// and back. Everything the kubelet's timers need is read back from Kubernetes' own status
/// fields (start times, condition transition times, restart counts, deletion timestamps), so a
/// later command resumes exactly where the last one stopped.
extension SimReplicaSet {
    init(loading r: Resource) {
        let o = r.value
        let owner = r.ownerReferences.first { $0.kind == "Deployment" }
        let template = o.at("spec", "template")?.objectValue ?? Object()
        self.init(name: r.name, namespace: r.namespace ?? "default", uid: r.uid,
                  created: r.creationTimestamp.flatMap(Timestamp.init(parsing:)) ?? Timestamp(milliseconds: 0),
                  ownerUID: owner?.uid ?? "", ownerName: owner?.name ?? "", labels: r.labels, annotations: r.annotations,
                  template: template, hash: r.labels["pod-template-hash"] ?? "", specReplicas: o.at("spec", "replicas")?.intValue ?? 1,
                  minReadySeconds: o.at("spec", "minReadySeconds")?.intValue ?? 0, behaviour: AppBehaviour(template: .object(template)))
        selector = o.at("spec", "selector")?.objectValue ?? Object()
        statusReplicas = o.at("status", "replicas")?.intValue ?? 0
        readyReplicas = o.at("status", "readyReplicas")?.intValue ?? 0
        availableReplicas = o.at("status", "availableReplicas")?.intValue ?? 0
        terminatingReplicas = o.at("status", "terminatingReplicas")?.intValue ?? 0
        generation = r.generation
        observedGeneration = o.at("status", "observedGeneration")?.intValue ?? 0
        replicaFailure = (o.at("status", "conditions")?.arrayValue ?? []).lazy.compactMap(\.objectValue).first { $0["type"]?.stringValue == "ReplicaFailure" }
        deletionTimestamp = r.metadata["deletionTimestamp"]
        finalizers = r.metadata["finalizers"]
        resource = r
    }

    func encoded() -> Resource {
        var meta = Object([
            "name": .string(name), "namespace": .string(namespace), "uid": .string(uid),
            "creationTimestamp": .string(created.description), "generation": .int(generation),
            "labels": .object(Object(labels.sorted { $0.key < $1.key }.map { Object.Member(key: $0.key, value: .string($0.value)) })),
        ])
        // A ReplicaSet someone applied directly has no owner, and keeps everything it was given.
        if !ownerUID.isEmpty {
            meta["ownerReferences"] = .array([.object(Object([
                "apiVersion": .string("apps/v1"), "kind": .string("Deployment"), "name": .string(ownerName), "uid": .string(ownerUID),
                "controller": .bool(true), "blockOwnerDeletion": .bool(true),
            ]))])
        }
        if !annotations.isEmpty {
            meta["annotations"] = .object(Object(annotations.sorted { $0.key < $1.key }.map { Object.Member(key: $0.key, value: .string($0.value)) }))
        }
        if let deletionTimestamp { meta["deletionTimestamp"] = deletionTimestamp }
        if let finalizers { meta["finalizers"] = finalizers }
        if ownerUID.isEmpty, var base = resource {
            var baseMeta = base.metadata
            for member in meta.members { baseMeta[member.key] = member.value }
            base.metadata = baseMeta
            base.object.set(["spec", "replicas"], .int(specReplicas))
            base.object["status"] = .object(statusObject())
            return base
        }
        // A state written before the selector was kept: the template's labels, as then.
        let storedSelector = selector.members.isEmpty
            ? Object(["matchLabels": .object(template["metadata"]?["labels"]?.objectValue ?? Object())]) : selector
        let status = statusObject()
        return Resource(Object([
            "apiVersion": .string("apps/v1"), "kind": .string("ReplicaSet"),
            "metadata": .object(meta),
            "spec": .object(Object([
                "replicas": .int(specReplicas), "minReadySeconds": .int(minReadySeconds),
                "selector": .object(storedSelector),
                "template": .object(template),
            ])),
            "status": .object(status),
        ]))
    }
}

extension SimReplicaSet {
    func statusObject() -> Object {
        var status = Object([
            "replicas": .int(statusReplicas), "fullyLabeledReplicas": .int(statusReplicas),
            "observedGeneration": .int(observedGeneration),
        ])
        if readyReplicas > 0 { status["readyReplicas"] = .int(readyReplicas) }
        if availableReplicas > 0 { status["availableReplicas"] = .int(availableReplicas) }
        if terminatingReplicas > 0 { status["terminatingReplicas"] = .int(terminatingReplicas) }
        if let replicaFailure { status["conditions"] = .array([.object(replicaFailure)]) }
        return status
    }
}

extension SimPod {
    /// `Succeeded` or `Failed`: a pod whose containers will not run again.
    static func isTerminal(_ r: Resource) -> Bool {
        let phase = r.value.at("status", "phase")?.stringValue
        return phase == "Succeeded" || phase == "Failed"
    }

    /// The metadata of a pod no ReplicaSet owns that the simulation does not model but keeps:
    /// a DaemonSet's, StatefulSet's, Job's or Node's ownerReferences, and its generateName.
    static let keptMetadataKeys = ["ownerReferences", "generateName", "finalizers"]
    /// The controllers whose pods the simulation manages.
    static let simulatedOwners: Set<String> = ["ReplicaSet", "StatefulSet", "DaemonSet"]

    static func load(_ r: Resource, behaviour: AppBehaviour, memory: Resource?, now: Timestamp) -> SimPod {
        let stored = StoredPod(r)
        var template = Object()
        if let annotations = r.metadata["annotations"] { template["metadata"] = .object(Object(["annotations": annotations])) }
        var spec = r.value["spec"]?.objectValue ?? Object()
        spec["nodeName"] = nil
        template["spec"] = .object(spec)
        var kept: Object?
        if stored.owner == nil {
            let meta = r.metadata
            let members = Object(keptMetadataKeys.compactMap { key in meta[key].map { Object.Member(key: key, value: $0) } })
            if !members.members.isEmpty { kept = members }
        }
        return make(stored, template: template, keptMetadata: kept, behaviour: behaviour, memory: memory, now: now)
    }

    func encoded(now: Timestamp) -> Resource {
        var meta = Object([
            "name": .string(name), "namespace": .string(namespace), "uid": .string(uid),
            "creationTimestamp": .string(created.description),
            "labels": .object(Object(labels.sorted { $0.key < $1.key }.map { Object.Member(key: $0.key, value: .string($0.value)) })),
        ])
        if !ownerUID.isEmpty {
            if ownerKind != "StatefulSet" { meta["generateName"] = .string(ownerName + "-") }
            meta["ownerReferences"] = .array([.object(Object([
                "apiVersion": .string("apps/v1"), "kind": .string(ownerKind), "name": .string(ownerName), "uid": .string(ownerUID),
                "controller": .bool(true), "blockOwnerDeletion": .bool(true),
            ]))])
        }
        for member in keptMetadata?.members ?? [] { meta[member.key] = member.value }
        if let annotations = template["metadata"]?["annotations"], annotations.objectValue?.count ?? 0 > 0 { meta["annotations"] = annotations }
        if let deletion {
            // As the API server writes it: the request time plus the grace period.
            meta["deletionTimestamp"] = .string(deletion.adding(Duration(seconds: behaviour.terminationGracePeriodSeconds)).description)
            meta["deletionGracePeriodSeconds"] = .int(behaviour.terminationGracePeriodSeconds)
        }
        var spec = template["spec"]?.objectValue ?? Object()
        // The service account token's volume, named for this pod (ServiceAccounts).
        if ServiceAccounts.mayHoldTokenVolume(spec) {
            _ = ServiceAccounts.renameTokenVolume(&spec, from: ServiceAccounts.tokenVolumePlaceholder, to: ServiceAccounts.tokenVolumeName(seed: uid))
        }
        if let nodeName { spec["nodeName"] = .string(nodeName) }
        return Resource(Object([
            "apiVersion": .string("v1"), "kind": .string("Pod"),
            "metadata": .object(meta), "spec": .object(spec), "status": .object(statusObject()),
        ]))
    }

    /// The status the kubelet reports (`kubelet_pods.go` generateAPIPodStatus,
    /// convertToAPIContainerStatuses; `status/generate.go` for the conditions), conditions in
    /// the order it writes them.
    func statusObject() -> Object {
        func condition(_ type: String, _ on: Bool, _ since: Timestamp?, reason: String? = nil, message: String? = nil) -> Value {
            var o = Object(["type": .string(type), "status": .string(on ? "True" : "False"),
                            "lastTransitionTime": .string((since ?? created).description)])
            if !on, let reason { o["reason"] = .string(reason) }
            if !on, let message { o["message"] = .string(message) }
            return .object(o)
        }
        if let rejection {
            // `rejectPod`'s status as the status manager writes it (KubeletAdmission): the
            // fields in PodStatus' order.
            return Object([
                "phase": .string("Failed"), "message": .string("Pod was rejected: " + rejection.message), "reason": .string(rejection.reason),
                "startTime": .string(rejection.at.description), "qosClass": .string(behaviour.qosClass),
            ])
        }
        if scheduledAt != nil, admittedAt == nil, deletion == nil, KubeletAdmission.refusal(self) != nil {
            // Bound, and its kubelet about to reject it: the API holds what the binding wrote
            // (the kubelet reports nothing before it) — nothing, for a pod made bound
            // (NodeNamedPods), which is how a later load knows its kubelet has yet to weigh it.
            if behaviour.nodeName != nil { return Object(["phase": .string("Pending"), "qosClass": .string(behaviour.qosClass)]) }
            return Object(["phase": .string("Pending"), "conditions": .array([condition("PodScheduled", true, scheduledAt)]), "qosClass": .string(behaviour.qosClass)])
        }
        var status = Object(["phase": .string(phase)])
        // Set by the eviction API or the taint manager, kept by the kubelet.
        let disruptionCondition: [Value] = disruption.map { d in
            [.object(Object(["type": .string("DisruptionTarget"), "status": .string("True"), "lastTransitionTime": .string(d.at.description),
                             "reason": .string(d.reason), "message": .string(d.message)]))]
        } ?? []
        guard let scheduledAt, let nodeName else {
            // Made bound to a node no kubelet runs on (NodeNamedPods): no scheduler, no
            // kubelet, no condition but what the pod GC sets.
            if nodeName != nil, behaviour.nodeName != nil {
                if !disruptionCondition.isEmpty { status["conditions"] = .array(disruptionCondition) }
                status["qosClass"] = .string(behaviour.qosClass)
                return status
            }
            status["conditions"] = .array([condition("PodScheduled", false, created, reason: "Unschedulable", message: schedulingFailure)] + disruptionCondition)
            if let nominatedNodeName { status["nominatedNodeName"] = .string(nominatedNodeName) }
            status["qosClass"] = .string(behaviour.qosClass)
            return status
        }
        let b = behaviour.containers
        let unready = b.indices.filter { b[$0].role != .regularInit && !containers[$0].ready }.map { b[$0].name }
        let incomplete = b.indices.filter { b[$0].role == .regularInit ? !containers[$0].completed : (b[$0].role == .sidecar && !containers[$0].started) }.map { b[$0].name }
        let notReadyMessage = "containers with unready status: [\(unready.joined(separator: " "))]"
        // The readiness gates' conditions, set by a controller outside the kubelet and so first
        // (mergePodStatus keeps conditions it does not own ahead of its own): here True from the
        // moment the containers are ready, as a controller whose checks pass at once sets them.
        // (One list, made once: a pod's status is written at every save.)
        var conditions: [Value] = []
        conditions.reserveCapacity((ready ? behaviour.readinessGates.count : 0) + 5 + disruptionCondition.count)
        if ready {
            for gate in behaviour.readinessGates {
                conditions.append(.object(Object(["type": .string(gate), "status": .string("True"), "lastTransitionTime": .string((readySince ?? scheduledAt).description)])))
            }
        }
        conditions.append(condition("PodReadyToStartContainers", admittedAt != nil, admittedAt ?? scheduledAt))
        conditions.append(condition("Initialized", initializedAt != nil, initializedAt ?? scheduledAt, reason: "ContainersNotInitialized",
                                    message: "containers with incomplete status: [\(incomplete.joined(separator: " "))]"))
        conditions.append(condition("Ready", ready, readySince ?? scheduledAt, reason: "ContainersNotReady", message: notReadyMessage))
        conditions.append(condition("ContainersReady", ready, readySince ?? scheduledAt, reason: "ContainersNotReady", message: notReadyMessage))
        conditions.append(condition("PodScheduled", true, scheduledAt))
        conditions += disruptionCondition
        status["conditions"] = .array(conditions)
        // Kept once the pod is bound: 1.32's API server does not clear it at binding
        // (ClearingNominatedNodeNameAfterBinding, alpha in 1.34, on from 1.35, does).
        if let nominatedNodeName { status["nominatedNodeName"] = .string(nominatedNodeName) }
        status["hostIP"] = .string(hostIP ?? nodeName)
        status["hostIPs"] = .array([.object(Object(["ip": .string(hostIP ?? nodeName)]))])
        if let ip {
            status["podIP"] = .string(ip)
            status["podIPs"] = .array([.object(Object(["ip": .string(ip)]))])
        }
        status["startTime"] = .string(scheduledAt.description)
        var initStatuses: [Value] = []
        var appStatuses: [Value] = []
        let mounts = volumeMountStatuses()
        for (i, c) in containers.enumerated() where i < b.count {
            var status = containerStatus(c, b[i])
            if let listed = mounts[c.name] { status["volumeMounts"] = listed }
            let value = Value.object(status)
            if b[i].role == .app { appStatuses.append(value) } else { initStatuses.append(value) }
        }
        if !initStatuses.isEmpty { status["initContainerStatuses"] = .array(initStatuses) }
        status["containerStatuses"] = .array(appStatuses)
        status["qosClass"] = .string(behaviour.qosClass)
        return status
    }

    /// Each container's `volumeMounts` as the kubelet reports them in its status
    /// (convertToAPIContainerStatuses, RecursiveReadOnlyMounts — beta, on since 1.31: the
    /// default waiting status lists the spec's mounts, and later statuses keep them): name,
    /// path, and for a read-only one `recursiveReadOnly` as resolveRecursiveReadOnly resolves
    /// it — `Enabled` when asked for (`Enabled` or `IfPossible`: k3s' containerd 2 supports it)
    /// on a mount without propagation, else `Disabled`. By container name; the service account
    /// token's volume under this pod's name for it (`ServiceAccounts`).
    func volumeMountStatuses() -> [String: Value] {
        guard case .object(let spec)? = template["spec"] else { return [:] }
        var result: [String: Value] = [:]
        var tokenVolume: String?
        for field in ["initContainers", "containers"] {
            for container in spec[field]?.arrayValue ?? [] {
                guard let name = container["name"]?.stringValue, let mounts = container["volumeMounts"]?.arrayValue, !mounts.isEmpty else { continue }
                result[name] = .array(mounts.map { mount in
                    var volume = mount["name"]?.stringValue ?? ""
                    if volume == ServiceAccounts.tokenVolumePlaceholder {
                        if tokenVolume == nil { tokenVolume = ServiceAccounts.tokenVolumeName(seed: uid) }
                        volume = tokenVolume ?? volume
                    }
                    var status = Object(["name": .string(volume), "mountPath": mount["mountPath"] ?? .string("")])
                    if mount["readOnly"]?.boolValue == true {
                        status["readOnly"] = .bool(true)
                        let asked = mount["recursiveReadOnly"]?.stringValue
                        let propagation = mount["mountPropagation"]?.stringValue ?? "None"
                        let enabled = (asked == "Enabled" || asked == "IfPossible") && propagation == "None"
                        status["recursiveReadOnly"] = .string(enabled ? "Enabled" : "Disabled")
                    }
                    return .object(status)
                })
            }
        }
        return result
    }

    func containerStatus(_ c: SimContainer, _ b: ContainerBehaviour) -> Object {
        func termination(_ t: SimContainer.Termination) -> Value {
            .object(Object(["exitCode": .int(t.exitCode), "reason": .string(t.reason), "startedAt": .string(t.startedAt.description),
                            "finishedAt": .string(t.finishedAt.description), "containerID": .string(containerID(c.name, instance: max(0, c.restarts - 1)))]))
        }
        var state = Object()
        switch c.state {
        case .waiting(let reason, let message):
            var w = Object(["reason": .string(reason)])
            if let message { w["message"] = .string(message) }
            state["waiting"] = .object(w)
        case .running(let since): state["running"] = .object(Object(["startedAt": .string(since.description)]))
        case .terminated(let t): state["terminated"] = termination(t)
        }
        let hasRun = c.isRunning || c.last != nil || { if case .terminated = c.state { return true } else { return false } }()
        var o = Object(["name": .string(c.name), "image": .string(b.image), "imageID": .string(hasRun ? b.imageID : "")])
        if hasRun { o["containerID"] = .string(containerID(c.name, instance: c.restarts)) }
        o["ready"] = .bool(c.ready)
        o["restartCount"] = .int(c.restarts)
        o["started"] = .bool(c.isRunning && c.started)
        o["state"] = .object(state)
        o["lastState"] = .object(c.last.map { Object(["terminated": termination($0)]) } ?? Object())
        return o
    }

    /// `containerd://` and 64 hex digits, from the pod, the container and its instance: the
    /// digits of `hex64("\(uid)/\(container)/\(instance)")`, the text never made.
    func containerID(_ container: String, instance: Int) -> String {
        Self.containerID(pod: uid, container: container, instance: instance)
    }

    static func containerID(pod uid: String, container: String, instance: Int) -> String {
        var rounds = FNVRounds()
        rounds.mix(uid)
        rounds.mix(UInt8(ascii: "/"))
        rounds.mix(container)
        rounds.mix(UInt8(ascii: "/"))
        var digits: [UInt8] = []
        JSONWriter.writeInt(instance, into: &digits)
        for byte in digits { rounds.mix(byte) }
        return rounds.hex(prefix: "containerd://")
    }

    /// What a container of `image` shows as its imageID (`ContainerBehaviour.imageID` keeps it).
    static func imageID(_ image: String) -> String {
        let repository = image.split(separator: "@").first.map(String.init) ?? image
        let name = repository.lastIndex(of: ":").map { i in repository[i...].contains("/") ? repository : String(repository[..<i]) } ?? repository
        return "\(name)@sha256:" + Self.hex64(image)
    }

    /// 64 hex digits from FNV-1a over the text, four rounds with different seeds (each round's
    /// hash as 16 digits, zero-padded).
    static func hex64(_ text: String) -> String {
        var rounds = FNVRounds()
        rounds.mix(text)
        return rounds.hex(prefix: "")
    }
}

/// `SimPod.hex64`'s four FNV-1a rounds (seeds one apart), run in one pass over the bytes, and
/// their digits written straight into the string: every container of every pod saved asks.
struct FNVRounds {
    private static let prime = FNV1a.prime
    private var h0 = FNV1a.offsetBasis, h1 = FNV1a.offsetBasis &+ 1
    private var h2 = FNV1a.offsetBasis &+ 2, h3 = FNV1a.offsetBasis &+ 3

    mutating func mix(_ byte: UInt8) {
        let b = UInt64(byte)
        h0 = (h0 ^ b) &* Self.prime
        h1 = (h1 ^ b) &* Self.prime
        h2 = (h2 ^ b) &* Self.prime
        h3 = (h3 ^ b) &* Self.prime
    }

    mutating func mix(_ text: String) {
        text.withUTF8Bytes { for byte in $0 { mix(byte) } }
    }

    /// `prefix` (ASCII), then the four hashes as 16 hex digits each.
    func hex(prefix: StaticString) -> String {
        let start = prefix.utf8CodeUnitCount
        return String(unsafeUninitializedCapacity: start + 64) { buffer in
            for k in 0..<start { buffer[k] = prefix.utf8Start[k] }
            for (round, hash) in [h0, h1, h2, h3].enumerated() {
                for digit in 0..<16 {
                    let nibble = UInt8(truncatingIfNeeded: hash >> UInt64(60 - 4 * digit)) & 0xF
                    buffer[start + 16 * round + digit] = nibble < 10 ? 0x30 + nibble : 0x57 + nibble
                }
            }
            return start + 64
        }
    }
}

extension SimEvent {
    init(loading r: Resource) {
        let o = r.value
        name = r.name
        namespace = r.namespace ?? "default"
        involvedKind = o.at("involvedObject", "kind")?.stringValue ?? ""
        involvedName = o.at("involvedObject", "name")?.stringValue ?? ""
        involvedUID = o.at("involvedObject", "uid")?.stringValue ?? ""
        type = o["type"]?.stringValue ?? "Normal"
        reason = o["reason"]?.stringValue ?? ""
        message = o["message"]?.stringValue ?? ""
        component = o.at("source", "component")?.stringValue ?? ""
        first = o["firstTimestamp"]?.stringValue.flatMap(Timestamp.init(parsing:)) ?? Timestamp(milliseconds: 0)
        last = o["lastTimestamp"]?.stringValue.flatMap(Timestamp.init(parsing:)) ?? first
        count = o["count"]?.intValue ?? 1
    }

    func encoded() -> Resource {
        Resource(Object([
            "apiVersion": .string("v1"), "kind": .string("Event"),
            "metadata": .object(Object(["name": .string(name), "namespace": .string(namespace), "creationTimestamp": .string(first.description)])),
            "involvedObject": .object(Object([
                "kind": .string(involvedKind), "name": .string(involvedName), "namespace": .string(namespace), "uid": .string(involvedUID),
                "apiVersion": .string(["Deployment", "ReplicaSet", "StatefulSet", "DaemonSet"].contains(involvedKind) ? "apps/v1" : "v1"),
            ])),
            "type": .string(type), "reason": .string(reason), "message": .string(message),
            "source": .object(Object(["component": .string(component)])),
            "firstTimestamp": .string(first.description), "lastTimestamp": .string(last.description), "count": .int(count),
        ]))
    }
}

/// Turning the simulation's typed pods, ReplicaSets and events into the objects kubectl shows,
/// and back. Everything the kubelet's timers need is read back from Kubernetes' own status
/// fields (start times, condition transition times, restart counts, deletion timestamps), so a
/// later command resumes exactly where the last one stopped.
extension SimReplicaSet {
    init(loading r: Resource) {
        let o = r.value
        name = r.name
        namespace = r.namespace ?? "default"
        uid = r.uid
        created = r.creationTimestamp.flatMap(Timestamp.init(parsing:)) ?? Timestamp(milliseconds: 0)
        let owner = r.ownerReferences.first { $0.kind == "Deployment" }
        ownerUID = owner?.uid ?? ""
        ownerName = owner?.name ?? ""
        labels = r.labels
        annotations = r.annotations
        template = o.at("spec", "template")?.objectValue ?? Object()
        hash = r.labels["pod-template-hash"] ?? ""
        specReplicas = o.at("spec", "replicas")?.intValue ?? 1
        minReadySeconds = o.at("spec", "minReadySeconds")?.intValue ?? 0
        selector = o.at("spec", "selector")?.objectValue ?? Object()
        statusReplicas = o.at("status", "replicas")?.intValue ?? 0
        readyReplicas = o.at("status", "readyReplicas")?.intValue ?? 0
        availableReplicas = o.at("status", "availableReplicas")?.intValue ?? 0
        terminatingReplicas = o.at("status", "terminatingReplicas")?.intValue ?? 0
        generation = r.generation
        observedGeneration = o.at("status", "observedGeneration")?.intValue ?? 0
        behaviour = AppBehaviour(template: .object(template))
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
        return status
    }
}

extension SimPod {
    static func load(_ r: Resource, behaviour: AppBehaviour) -> SimPod {
        let o = r.value
        let owner = r.ownerReferences.first { $0.kind == "ReplicaSet" }
        var template = Object()
        if let annotations = r.metadata["annotations"] { template["metadata"] = .object(Object(["annotations": annotations])) }
        var spec = o["spec"]?.objectValue ?? Object()
        spec["nodeName"] = nil
        template["spec"] = .object(spec)
        let pod = SimPod(name: r.name, namespace: r.namespace ?? "default", uid: r.uid, ownerUID: owner?.uid ?? "", ownerName: owner?.name ?? "",
                         labels: r.labels, template: template,
                         created: r.creationTimestamp.flatMap(Timestamp.init(parsing:)) ?? Timestamp(milliseconds: 0), behaviour: behaviour)
        pod.nodeName = o.at("spec", "nodeName")?.stringValue
        pod.ip = o.at("status", "podIP")?.stringValue
        let conditions = o.at("status", "conditions")?.arrayValue ?? []
        func conditionTime(_ type: String) -> Timestamp? {
            conditions.first { $0["type"]?.stringValue == type && $0["status"]?.stringValue == "True" }?["lastTransitionTime"]?.stringValue.flatMap(Timestamp.init(parsing:))
        }
        pod.scheduledAt = conditionTime("PodScheduled")
        pod.readySince = conditionTime("Ready")
        pod.ready = pod.readySince != nil
        let container = o.at("status", "containerStatuses")?.arrayValue?.first
        pod.restarts = container?["restartCount"]?.intValue ?? 0
        if let running = container?.at("state", "running") {
            pod.state = .running(since: running["startedAt"]?.stringValue.flatMap(Timestamp.init(parsing:)) ?? pod.created)
        } else if let waiting = container?.at("state", "waiting")?["reason"]?.stringValue {
            pod.state = .waiting(waiting)
        } else if let terminated = container?.at("state", "terminated")?["reason"]?.stringValue {
            pod.state = .terminated(terminated)
        }
        pod.everStarted = container?["started"]?.boolValue == true || pod.restarts > 0 || container?.at("state", "running") != nil
        pod.lastFinished = container?.at("lastState", "terminated", "finishedAt")?.stringValue.flatMap(Timestamp.init(parsing:))
        // The kubelet works from when deletion was requested: deletionTimestamp minus the grace
        // period, which `delete --grace-period N` may have given this pod (CheckGracefulDelete).
        pod.deletion = r.deletionRequested
        if pod.deletion != nil, let grace = r.metadata["deletionGracePeriodSeconds"]?.intValue {
            pod.behaviour.terminationGracePeriodSeconds = grace < 0 ? 1 : min(grace, SimulationLimits.maxSeconds)
        }
        return pod
    }

    func encoded(now: Timestamp) -> Resource {
        var meta = Object([
            "name": .string(name), "namespace": .string(namespace), "uid": .string(uid),
            "creationTimestamp": .string(created.description),
            "labels": .object(Object(labels.sorted { $0.key < $1.key }.map { Object.Member(key: $0.key, value: .string($0.value)) })),
        ])
        if !ownerUID.isEmpty {
            meta["generateName"] = .string(ownerName + "-")
            meta["ownerReferences"] = .array([.object(Object([
                "apiVersion": .string("apps/v1"), "kind": .string("ReplicaSet"), "name": .string(ownerName), "uid": .string(ownerUID),
                "controller": .bool(true), "blockOwnerDeletion": .bool(true),
            ]))])
        }
        if let annotations = template["metadata"]?["annotations"], annotations.objectValue?.count ?? 0 > 0 { meta["annotations"] = annotations }
        if let deletion {
            // As the API server writes it: the request time plus the grace period.
            meta["deletionTimestamp"] = .string(deletion.adding(Duration(seconds: behaviour.terminationGracePeriodSeconds)).description)
            meta["deletionGracePeriodSeconds"] = .int(behaviour.terminationGracePeriodSeconds)
        }
        var spec = template["spec"]?.objectValue ?? Object()
        if let nodeName { spec["nodeName"] = .string(nodeName) }
        func condition(_ type: String, _ on: Bool, _ since: Timestamp?) -> Value {
            .object(Object(["type": .string(type), "status": .string(on ? "True" : "False"),
                            "lastTransitionTime": .string((since ?? created).description)]))
        }
        var status = Object(["phase": .string(phase)])
        var conditions: [Value] = [condition("PodScheduled", scheduledAt != nil, scheduledAt)]
        if scheduledAt != nil {
            conditions.append(condition("Initialized", true, scheduledAt))
            conditions.append(condition("ContainersReady", ready, readySince ?? scheduledAt))
            conditions.append(condition("Ready", ready, readySince ?? scheduledAt))
        } else {
            status["reason"] = nil
        }
        status["conditions"] = .array(conditions)
        if let nodeName, let scheduledAt {
            status["hostIP"] = .string(nodeName)
            status["startTime"] = .string(scheduledAt.description)
        }
        if let ip {
            status["podIP"] = .string(ip)
            status["podIPs"] = .array([.object(Object(["ip": .string(ip)]))])
        }
        if scheduledAt != nil {
            let containerName = (spec["containers"]?.arrayValue?.first?["name"]?.stringValue) ?? "app"
            let image = (spec["containers"]?.arrayValue?.first?["image"]?.stringValue) ?? ""
            var stateObject = Object()
            switch state {
            case .waiting(let reason): stateObject["waiting"] = .object(Object(["reason": .string(reason)]))
            case .running(let since): stateObject["running"] = .object(Object(["startedAt": .string(since.description)]))
            case .terminated(let reason): stateObject["terminated"] = .object(Object(["reason": .string(reason), "finishedAt": .string(now.description)]))
            }
            var container = Object([
                "name": .string(containerName), "image": .string(image), "ready": .bool(ready),
                "restartCount": .int(restarts), "started": .bool({ if case .running = state { return true } else { return false } }()),
                "state": .object(stateObject),
            ])
            if let lastFinished {
                container["lastState"] = .object(Object(["terminated": .object(Object(["reason": .string("Error"), "exitCode": .int(1), "finishedAt": .string(lastFinished.description)]))]))
            }
            status["containerStatuses"] = .array([.object(container)])
        }
        let object = Object([
            "apiVersion": .string("v1"), "kind": .string("Pod"),
            "metadata": .object(meta), "spec": .object(spec), "status": .object(status),
        ])
        return Resource(object)
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
                "apiVersion": .string(involvedKind == "Deployment" || involvedKind == "ReplicaSet" ? "apps/v1" : "v1"),
            ])),
            "type": .string(type), "reason": .string(reason), "message": .string(message),
            "source": .object(Object(["component": .string(component)])),
            "firstTimestamp": .string(first.description), "lastTimestamp": .string(last.description), "count": .int(count),
        ]))
    }
}

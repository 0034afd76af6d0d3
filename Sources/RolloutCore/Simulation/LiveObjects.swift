/// The objects the controllers change, as they stand now — what a save would store — for
/// whatever reads the cluster while virtual time runs (`get -w`, `wait`).
extension Cluster {
    /// Whether the controllers hold and change objects of this type (else the store's are
    /// current while time runs).
    public static func holdsLive(_ type: ResourceType) -> Bool {
        switch (type.group, type.kind) {
        case ("", "Pod"), ("apps", "ReplicaSet"), ("apps", "Deployment"), ("apps", "StatefulSet"), ("apps", "DaemonSet"), ("", "Node"), ("", "Service"),
             ("", "Endpoints"), ("discovery.k8s.io", "EndpointSlice"), ("policy", "PodDisruptionBudget"), ("", "PersistentVolumeClaim"),
             ("", "PersistentVolume"), ("apps", "ControllerRevision"):
            return true
        default:
            return false
        }
    }

    /// Every object of the type as the cluster has it now, nil for a type it does not hold. A
    /// pod its kubelet rejected is there, Failed, until deleted.
    public func liveObjects(_ type: ResourceType) -> [Resource]? {
        switch (type.group, type.kind) {
        case ("", "Pod"): return pods.values.filter { !$0.goesAtSave }.map { $0.encoded(now: now) }
        case ("apps", "ReplicaSet"): return replicaSets.values.filter { !$0.deleted }.map { $0.encoded() }
        case ("apps", "Deployment"): return Array(deployments.values)
        case ("apps", "StatefulSet"): return Array(statefulSets.values)
        case ("apps", "DaemonSet"): return Array(daemonSets.values)
        case ("", "Node"): return nodes.map { $0.encoded() }
        case ("", "Service"): return Array(services.values)
        case ("", "Endpoints"): return Array(endpoints.values)
        case ("discovery.k8s.io", "EndpointSlice"): return endpointSlices.values.flatMap { $0 }
        case ("policy", "PodDisruptionBudget"): return Array(disruptionBudgets.values)
        case ("", "PersistentVolumeClaim"): return Array(claims.values)
        case ("", "PersistentVolume"): return Array(volumes.values)
        case ("apps", "ControllerRevision"): return Array(controllerRevisions.values)
        default: return nil
        }
    }

    /// One object as the cluster has it now; nil when it has none under that name (or does
    /// not hold the type). A pod is found by `uid` when given (the one waited on), without
    /// encoding the others.
    public func liveObject(_ type: ResourceType, namespace: String, name: String, uid: String? = nil) -> Resource? {
        let key = ObjectKey(type: type.storageKey, namespace: type.namespaced ? namespace : "", name: name)
        switch (type.group, type.kind) {
        case ("", "Pod"):
            if let uid, let pod = pods[uid], !pod.goesAtSave, pod.name == name, pod.namespace == namespace { return pod.encoded(now: now) }
            guard let pod = pods.values.first(where: { $0.name == name && $0.namespace == namespace && !$0.goesAtSave }) else { return nil }
            return pod.encoded(now: now)
        case ("apps", "ReplicaSet"):
            return replicaSets.values.first { $0.name == name && $0.namespace == namespace && !$0.deleted }?.encoded()
        case ("apps", "Deployment"): return deployments[key]
        case ("apps", "StatefulSet"): return statefulSets[key]
        case ("apps", "DaemonSet"): return daemonSets[key]
        case ("", "Service"): return services[key]
        case ("", "Endpoints"): return endpoints[key]
        case ("policy", "PodDisruptionBudget"): return disruptionBudgets[key]
        case ("", "PersistentVolumeClaim"): return claims[key]
        case ("", "PersistentVolume"): return volumes[key]
        case ("apps", "ControllerRevision"): return controllerRevisions[key]
        case ("", "Node"): return nodes.first { $0.name == name }?.encoded()
        case ("discovery.k8s.io", "EndpointSlice"): return endpointSlices.values.lazy.flatMap { $0 }.first { $0.name == name && ($0.namespace ?? "default") == namespace }
        default: return liveObjects(type)?.first { $0.name == name && (!type.namespaced || ($0.namespace ?? "default") == namespace) }
        }
    }
}

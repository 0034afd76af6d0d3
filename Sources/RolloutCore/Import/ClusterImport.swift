/// `rollout cluster import`: a live cluster's objects, as `kubectl get … -o yaml|json` (or the
/// API server itself) prints them, become the cluster's state — kept as they are live: uid,
/// resourceVersion, generation, creationTimestamp, the last-applied annotation, allocated
/// cluster IPs and node ports, owner references and status. `managedFields` and the old
/// `selfLink` are dropped (kubectl 1.32 prints neither by default). The clock is set to the
/// newest time written in the objects, so that ages read as they did when the dump was taken.
///
/// Everything is checked before anything is written: one object the simulation could not run
/// means nothing changes (exit 2). Objects of kinds rollout does not simulate are kept and
/// shown as they are.
public enum ClusterImport {
    public struct Report: Sendable {
        /// How many objects of each type, by `kubectl get`'s plural (`deployments.apps`).
        public var counts: [(type: String, count: Int)] = []
        public var clock: Timestamp = .clusterEpoch
        /// What the user should know: objects added, kinds kept but not simulated.
        public var notes: [String] = []
        public var total: Int { counts.map(\.count).reduce(0, +) }
    }

    /// The times in an object that say it was live then: the newest of them, over every object,
    /// is when the dump was taken (or just after). `deletionTimestamp` is a deadline, not a
    /// time something happened, and is left out.
    static let timeFields: Set<String> = [
        "creationTimestamp", "lastTransitionTime", "lastHeartbeatTime", "lastUpdateTime", "lastProbeTime",
        "startedAt", "finishedAt", "startTime", "time", "firstTimestamp", "lastTimestamp", "renewTime",
    ]

    /// Kinds whose pods, owned by them, run here only as they are: their controllers are not
    /// simulated, so nothing replaces such a pod when it goes.
    static let unsimulatedOwners: Set<String> = ["Job", "Node"]

    /// Reads `documents` (already flattened: `List`s and typed lists give their items) and, if
    /// every object can be run, replaces the cluster in `store` with them.
    public static func run(_ documents: [ManifestDocument], into store: StateStore) throws -> Report {
        var report = Report()
        var problems: [ValidationError] = []
        var objects: [Resource] = []
        var seen: [ObjectKey: String] = [:]
        var newest: Timestamp?
        for document in documents {
            guard case .object(let object) = document.value else {
                problems.append(ValidationError(file: document.source, object: "document", errors: [
                    FieldError(FieldPath(), "expected an object with apiVersion, kind and metadata, found \(document.value.typeName)", location: document.node.location),
                ]))
                continue
            }
            for time in times(in: .object(object)) where newest.map({ time > $0 }) ?? true { newest = time }
            var resource = served(Resource(object))
            // What a 1.32 API server would serve for it: its defaults, applied as on every read
            // from storage (a pod's admission defaults are not: admission ran when it was made).
            // Fields of features off by default are kept: the cluster stores them, so they are
            // in use (`DisabledFields`), and its ReplicaSets' hashes were made with them.
            if resource.kind != "Pod" && resource.kind != "Namespace" {
                let stored = resource
                Defaults.apply(to: &resource, old: stored)
            }
            // (An older cluster's dump may hold versions 1.32 no longer serves: kept as stored.)
            let (invalid, _) = ObjectValidation.check(resource, root: document.node, file: document.source, served: false)
            if let invalid {
                problems.append(invalid)
                continue
            }
            // Kubernetes' size limits on the object as it would be stored (etcd's request size,
            // the annotations' total), as apply checks them.
            let tooLarge = SizeLimits.storageProblems(resource)
            if !tooLarge.isEmpty {
                problems.append(ValidationError(file: document.source, object: resource.qualifiedName,
                                                errors: tooLarge.map { FieldError($0.path, $0.message, location: $0.path.location(in: document.node)) }))
                continue
            }
            let damage = StoredObjects.problems(resource)
            if !damage.isEmpty {
                problems.append(ValidationError(file: document.source, object: resource.qualifiedName, errors: damage.map { FieldError(FieldPath(), $0, location: document.node.location) }))
                continue
            }
            if let first = seen[resource.key] {
                problems.append(ValidationError(file: document.source, object: resource.qualifiedName, errors: [
                    FieldError(FieldPath(), "appears twice (first in \(first)); a cluster holds one object of a kind by that name\(resource.type.namespaced ? " in a namespace" : "")", location: document.node.location),
                ]))
                continue
            }
            seen[resource.key] = document.source
            objects.append(resource)
        }
        if !problems.isEmpty { throw ValidationErrors(objects: problems) }
        let clock = newest ?? store.clock
        guard StateLimits.clock.contains(clock.milliseconds) else {
            throw StoreError.conflict("the newest time in the input, \(clock), is outside the years 1970 to 9999")
        }
        report.clock = clock

        store.eraseAll()
        store.clock = clock
        var counts: [String: Int] = [:]
        for resource in objects { counts[resource.type.qualifiedPlural, default: 0] += 1 }
        report.counts = counts.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        objects += impliedObjects(objects, report: &report)
        // The profile lives on `kube-system`: an imported cluster keeps its load balancers'
        // addresses and installs nothing.
        let namespaceType = ResourceType.forObject(apiVersion: "v1", kind: "Namespace").storageKey
        if let i = objects.firstIndex(where: { $0.key.type == namespaceType && $0.name == "kube-system" }) {
            objects[i].setAnnotation(ClusterProfile.annotation, ClusterProfile.imported.rawValue)
        }
        // Every object as it is served, so the simulation and the printers see production.
        for resource in objects {
            var resource = resource
            var meta = resource.metadata
            if meta["uid"]?.stringValue?.isEmpty ?? true { meta["uid"] = .string(store.random.uuid()) }
            if meta["creationTimestamp"]?.stringValue == nil { meta["creationTimestamp"] = .string(clock.description) }
            if resource.type.hasStatus, meta["generation"] == nil { meta["generation"] = .int(1) }
            resource.metadata = meta
            try store.insertAsServed(resource)
        }
        report.notes += notes(objects)
        // Every namespace of a cluster holds the root CA publisher's ConfigMap; a dump that left
        // it out (or ConfigMaps altogether) gets it, one that has it keeps its own bundle.
        let published = try RootCACertPublisher.syncAll(store: store, restoring: false)
        if !published.isEmpty {
            report.notes.append("ConfigMap \(RootCACertPublisher.configMapName) added to \(published.count) \(published.count == 1 ? "namespace" : "namespaces") without it, as the root CA publisher keeps one in each")
        }
        // The simulation must be able to run what was imported: load it once before committing.
        _ = try Cluster(store: store)
        try store.commit()
        return report
    }

    /// An object as the API server stores it, without what kubectl leaves out: managedFields
    /// (hidden by `kubectl get` since 1.21) and selfLink (no longer set since 1.20). A
    /// namespaced object without a namespace is in `default`; a cluster-scoped one has none.
    static func served(_ resource: Resource) -> Resource {
        var resource = resource
        var meta = resource.metadata
        meta["managedFields"] = nil
        meta["selfLink"] = nil
        if resource.type.namespaced {
            if meta["namespace"]?.stringValue?.isEmpty ?? true { meta["namespace"] = .string("default") }
        } else {
            meta["namespace"] = nil
        }
        resource.metadata = meta
        return resource
    }

    /// Every time a live object records, anywhere in it.
    static func times(in value: Value) -> [Timestamp] {
        var found: [Timestamp] = []
        func walk(_ value: Value, depth: Int) {
            guard depth < 64 else { return }
            switch value {
            case .object(let object):
                for member in object.members {
                    if timeFields.contains(member.key), let text = member.value.stringValue, let time = Timestamp(parsing: text) {
                        found.append(time)
                    } else {
                        walk(member.value, depth: depth + 1)
                    }
                }
            case .array(let items):
                for item in items { walk(item, depth: depth + 1) }
            default:
                break
            }
        }
        walk(value, depth: 0)
        return found
    }

    /// What a cluster holding these objects has that the input may not show: the namespaces
    /// every cluster has and those its objects live in, `kube-system` marked as an imported
    /// cluster, and a node for each node name pods are bound to that is not in the input (so
    /// that the pod garbage collector does not take them for pods of a deleted node).
    static func impliedObjects(_ objects: [Resource], report: inout Report) -> [Resource] {
        var added: [Resource] = []
        let namespaceType = ResourceType.forObject(apiVersion: "v1", kind: "Namespace").storageKey
        var namespaces = Set(objects.filter { $0.key.type == namespaceType }.map(\.name))
        var needed = Set(ClusterSetup.namespaces)
        for resource in objects where resource.type.namespaced { needed.insert(resource.key.namespace) }
        let impliedNamespaces = needed.subtracting(namespaces).sorted()
        if !impliedNamespaces.isEmpty {
            report.notes.append("namespaces added, as every cluster has them or objects live in them: \(impliedNamespaces.joined(separator: ", "))")
        }
        for name in impliedNamespaces {
            var namespace = Resource(Object(["apiVersion": .string("v1"), "kind": .string("Namespace"), "metadata": .object(Object(["name": .string(name)]))]))
            Defaults.apply(to: &namespace)
            added.append(namespace)
            namespaces.insert(name)
        }
        let nodeType = ResourceType.forObject(apiVersion: "v1", kind: "Node").storageKey
        let nodes = Set(objects.filter { $0.key.type == nodeType }.map(\.name))
        let boundTo = Set(objects.filter { $0.kind == "Pod" && $0.type.group.isEmpty }.compactMap { $0.value.at("spec", "nodeName")?.stringValue }.filter { !$0.isEmpty })
        let missing = boundTo.subtracting(nodes).sorted()
        var spec = ClusterSpec(profile: .imported, nodes: nodes.count + missing.count)
        spec.nodeManifests = []
        for (i, name) in missing.enumerated() {
            let manifest = Resource(Object(["apiVersion": .string("v1"), "kind": .string("Node"), "metadata": .object(Object(["name": .string(name)]))]))
            added.append(ClusterSetup.node(index: nodes.count + i + 1, spec: spec, from: manifest))
        }
        if !missing.isEmpty {
            report.notes.append("\(missing.count) node\(missing.count == 1 ? "" : "s") added for the pods bound to \(missing.count == 1 ? "it" : "them") (\(missing.prefix(3).joined(separator: ", "))\(missing.count > 3 ? ", …" : "")): not in the input, so with the default shape (\(spec.cpu.text) CPUs, \(spec.memory.text), \(spec.pods) pods); include nodes in the dump for their real capacity")
        } else if nodes.isEmpty, objects.contains(where: { ["Deployment", "ReplicaSet", "Pod"].contains($0.kind) }) {
            report.notes.append("no nodes in the input: new pods will stay Pending; include nodes in the dump (kubectl get … nodes)")
        }
        return added
    }

    /// What the report says about objects kept but not run.
    static func notes(_ objects: [Resource]) -> [String] {
        var notes: [String] = []
        let pods = objects.filter { $0.kind == "Pod" && $0.type.group.isEmpty }
        let terminal = pods.filter { ["Succeeded", "Failed"].contains($0.value.at("status", "phase")?.stringValue ?? "") }
        if !terminal.isEmpty {
            notes.append("\(terminal.count) finished pod\(terminal.count == 1 ? "" : "s") (Succeeded or Failed) kept as \(terminal.count == 1 ? "it is" : "they are"): the kubelet does not run \(terminal.count == 1 ? "it" : "them") again")
        }
        var byOwner: [String: Int] = [:]
        for pod in pods where !terminal.contains(where: { $0.uid == pod.uid }) {
            if let owner = pod.ownerReferences.first(where: { unsimulatedOwners.contains($0.kind) }) { byOwner[owner.kind, default: 0] += 1 }
        }
        // A StatefulSet's or DaemonSet's pods are its controller's, when it came with them.
        for kind in ["StatefulSet", "DaemonSet"] {
            let sets = Set(objects.filter { $0.kind == kind && $0.type.group == "apps" }.map(\.uid))
            let orphans = pods.filter { pod in
                !terminal.contains(where: { $0.uid == pod.uid }) && pod.ownerReferences.contains { $0.kind == kind && !sets.contains($0.uid) }
            }.count
            if orphans > 0 {
                notes.append("\(orphans) pod\(orphans == 1 ? "" : "s") of \(kind)s not in the input run\(orphans == 1 ? "s" : "") as imported; nothing replaces \(orphans == 1 ? "it" : "them") when \(orphans == 1 ? "it goes" : "they go") (include the \(kind)s to have their controller run them)")
            }
        }
        for (kind, count) in byOwner.sorted(by: { $0.key < $1.key }) {
            notes.append("\(count) \(kind == "Node" ? "static (mirror) pod" : "pod")\(count == 1 ? "" : "s")\(kind == "Node" ? "" : " of \(kind)s") run\(count == 1 ? "s" : "") as imported; \(kind == "Node" ? "the kubelet's manifests are" : "the \(kind) controller is") not simulated, so nothing replaces \(count == 1 ? "it" : "them") when \(count == 1 ? "it goes" : "they go")")
        }
        var unsimulated: [String: Int] = [:]
        for resource in objects where !simulatedTypes.contains(resource.type.storageKey) { unsimulated[resource.type.qualifiedPlural, default: 0] += 1 }
        if !unsimulated.isEmpty {
            notes.append("kept as they are, not simulated: " + unsimulated.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", "))
        }
        return notes
    }

    /// The types the controllers act on or read; the rest is stored and shown only.
    static let simulatedTypes: Set<String> = Set([
        ("apps/v1", "Deployment"), ("apps/v1", "ReplicaSet"), ("v1", "Pod"), ("v1", "Service"), ("v1", "Endpoints"), ("v1", "Node"),
        ("v1", "Namespace"), ("v1", "ConfigMap"), ("v1", "Secret"), ("v1", "PersistentVolumeClaim"), ("v1", "Event"),
        ("discovery.k8s.io/v1", "EndpointSlice"), ("networking.k8s.io/v1", "Ingress"), ("networking.k8s.io/v1", "IngressClass"),
        ("policy/v1", "PodDisruptionBudget"), ("apps/v1", "StatefulSet"), ("apps/v1", "DaemonSet"), ("apps/v1", "ControllerRevision"),
    ].map { ResourceType.forObject(apiVersion: $0.0, kind: $0.1).storageKey })
}

import RolloutCore

enum DescribeCommand {
    static let help = """
    Show details of objects, with their conditions and events, in kubectl's layout.
    Secret values are never shown, only their sizes.

    Usage:
      rollout describe TYPE [NAME...] | TYPE/NAME... [-l SELECTOR] [-A] [options]

    Examples:
      rollout describe deployment web
      rollout describe svc/web
      rollout describe pods -l app=web

    Options:
      -l, --selector=      Only objects with these labels
      -A, --all-namespaces Describe objects of every namespace

    """ + Global.helpText

    static func run(_ args: [String], io: inout CommandIO) throws -> Int32 {
        let parsed = try Arguments(args, specs: Global.specs + [
            .init(names: ["-l", "--selector"], takesValue: true),
            .init(names: ["-A", "--all-namespaces"], takesValue: false),
        ])
        if parsed.flag("--help") { io.out(help + "\n"); return 0 }
        let selector = try Global.selector(parsed)
        let namespace = Global.namespace(parsed)
        let allNamespaces = parsed.flag("--all-namespaces")
        let store = try Global.openStore(parsed, writable: false)
        defer { store.close() }
        let query = try ResourceQuery.parse(parsed.positional, storedTypes: store.storedTypes)
        var objects: [Resource] = []
        var missing: [String] = []
        for request in query.requests {
            if request.names.isEmpty {
                objects += try store.list(request.type, namespace: allNamespaces ? nil : namespace).filter { selector?.matches($0.labels) ?? true }
            } else {
                for name in request.names {
                    let key = ObjectKey(type: request.type.storageKey, namespace: request.type.namespaced ? namespace : "", name: name)
                    if let object = try store.get(key) { objects.append(object) } else {
                        missing.append("Error from server (NotFound): \(request.type.qualifiedPlural) \"\(name)\" not found")
                    }
                }
            }
        }
        let events = try EventLog.events(about: objects, store: store)
        // What the descriptions refer to, from the namespaces described only.
        var related: [Resource] = []
        let namespaces = Set(objects.compactMap(\.namespace)).sorted()
        for (kind, needed, apiVersion) in [("Deployment", "ReplicaSet", "apps/v1"), ("ReplicaSet", "Pod", "v1"), ("StatefulSet", "Pod", "v1"), ("DaemonSet", "Pod", "v1"), ("StatefulSet", "Service", "v1"), ("Service", "EndpointSlice", "discovery.k8s.io/v1"),
                                           ("Ingress", "Service", "v1"), ("Ingress", "EndpointSlice", "discovery.k8s.io/v1"),
                                           ("PersistentVolumeClaim", "Pod", "v1")]
        where objects.contains(where: { $0.kind == kind }) {
            for namespace in namespaces { related += try store.list(ResourceType.forObject(apiVersion: apiVersion, kind: needed), namespace: namespace) }
        }
        // A namespace's quotas and limit ranges (describeNamespace).
        for namespace in objects where namespace.kind == "Namespace" && namespace.type.group.isEmpty {
            related += try store.list(ResourceQuotas.type, namespace: namespace.name) + store.list(LimitRanges.type, namespace: namespace.name)
        }
        // A node's pods, from every namespace (describe node: Non-terminated Pods): found by
        // the NODE cell of the stored listing rows, and only those pods read.
        let nodes = Set(objects.filter { $0.kind == "Node" && $0.type.group.isEmpty }.map(\.name))
        if !nodes.isEmpty {
            related += try store.pods(onNodes: nodes)
        }
        let describer = Describer(now: store.clock, events: events, related: related)
        for (i, object) in objects.enumerated() {
            if i > 0 { io.out("\n\n") }
            io.out(describer.describe(object))
        }
        if objects.isEmpty && missing.isEmpty {
            io.err(allNamespaces ? "No resources found\n" : "No resources found in \(namespace) namespace.\n")
        }
        io.flush()
        for line in missing { io.err(line + "\n") }
        return missing.isEmpty ? 0 : 1
    }
}

import RolloutCore

enum ClusterCommand {
    static let help = """
    Manage the embedded, simulated cluster.

    Usage:
      rollout cluster init [--profile k3s|kind|minikube|bare] [--nodes N | --nodes-from FILE] [--zones A,B,…] [--cpu C]
                           [--memory M] [--pods P] [--node-labels K=V,…] [--node-taints K=V:EFFECT,…]
                           [--container-start D] [--image-pull D] [options]
      rollout cluster import -f FILE|DIR|- [-R] [options]
      rollout cluster info [options]
      rollout cluster fail-node NODE [--at=0s] [--for=0s] [--traffic=10] [options]
      rollout cluster recover-node NODE [--at=0s] [--for=0s] [--traffic=10] [options]

    `init` erases the cluster in the state directory and starts a new one as the --profile
    distribution runs it (default k3s): k3s has CoreDNS, local-path-provisioner, metrics-server
    and Traefik (a LoadBalancer on ports 80 and 443, and the default IngressClass `traefik`),
    and ServiceLB gives each LoadBalancer the nodes' addresses on ports nobody holds yet; kind
    and minikube run CoreDNS and give LoadBalancers no address (`<pending>`), as they do
    without cloud-provider-kind or `minikube tunnel`; bare installs nothing. The add-ons are
    started a minute before the clock begins, so they serve from the start. N nodes (default 1,
    at most 5000), spread round robin over --zones (label topology.kubernetes.io/zone), each
    with the --node-labels and --node-taints given (effects NoSchedule, PreferNoSchedule,
    NoExecute; kind taints its control plane when it has workers); --nodes repeated makes node
    pools, each --nodes starting one that the --zones, --cpu, --memory, --pods, --node-labels
    and --node-taints after it shape (nodes numbered on across pools); or one node per Node
    manifest in --nodes-from FILE, whose name, labels, taints and status.capacity (and
    allocatable) go over those defaults; and
    with C CPUs (default 4), M memory (default 8Gi) and room for P pods (default 110) each,
    the namespaces default, kube-system, kube-public and kube-node-lease, and the clock at
    2025-01-01T00:00:00Z. Each node's kubelet takes --container-start (default 1s) to create a
    container's sandbox and start it, and --image-pull (default 3s) for a pull that has to
    fetch the image (IfNotPresent with the image not yet on the node, or Always); a pod's
    rollout.sim/pull annotation overrides the pull time. `info` shows the cluster: where its state lives, its clock, its
    nodes and how many objects it holds.

    `import` makes a live cluster's objects the cluster's state, as they are live: give it
    what `kubectl get deploy,rs,pods,svc,endpoints,endpointslices,cm,secret,ing,ingressclass,pdb,nodes,namespaces -A -o yaml`
    prints (a List, typed lists, or single objects; YAML or JSON). uid, resourceVersion,
    generation, creation times, the last-applied annotation, allocated cluster IPs and node
    ports, owner references and status are kept (managedFields dropped); pods run and are
    ready as their status says; ReplicaSets keep their revisions, so `history` and `undo`
    continue from production's; nodes keep their capacity, labels and taints; LoadBalancers
    keep their addresses. The clock is set to the newest time in the objects. Kinds rollout
    does not simulate are kept and shown as they are. Then `diff`, `plan` and `apply` compare
    against production's objects. Nothing is changed if any object is invalid (exit 2).

    `fail-node` makes a node's kubelet stop reporting --at from now (a machine that dies):
    its pods stop answering at once; about 50s later (the 1.32 node monitor grace period,
    checked every 5s) the node is NotReady, its pods are marked not ready and leave the
    endpoints, and it is tainted node.kubernetes.io/unreachable; 300s after the NoExecute
    taint (the pods' default tolerationSeconds) its pods are deleted and replaced elsewhere —
    unless every zone is down. `recover-node` brings the kubelet back. With --for, time runs
    that long after the change, with --traffic requests per second through every Service
    that serves, and the failed requests are reported; `rollout plan --fail-node` predicts the
    same without changing the state.

    Examples:
      rollout cluster init --nodes 3 --cpu 8 --memory 32Gi
      rollout cluster init --profile kind --nodes 2
      rollout cluster init --nodes 6 --zones a,b,c --node-labels pool=general
      rollout cluster init --nodes 3 --zones a,b,c --cpu 4 --nodes 2 --zones a,b --cpu 16 --memory 64Gi --node-labels pool=big
      rollout cluster init --nodes-from nodes.yaml
      rollout cluster init --container-start 2s --image-pull 20s
      kubectl get deploy,rs,pods,svc,endpoints,endpointslices,cm,secret,ing,ingressclass,pdb,nodes,namespaces -A -o yaml > prod.yaml
      rollout cluster import -f prod.yaml
      rollout cluster info
      rollout cluster fail-node node-2 --for 6m

    """ + Global.helpText

    static func run(_ args: [String], io: inout CommandIO) throws -> Int32 {
        let parsed = try Arguments(args, specs: Global.specs + Global.fileSpecs + [
            .init(names: ["--profile"], takesValue: true),
            .init(names: ["--nodes"], takesValue: true),
            .init(names: ["--zones"], takesValue: true),
            .init(names: ["--nodes-from"], takesValue: true),
            .init(names: ["--node-labels"], takesValue: true),
            .init(names: ["--node-taints"], takesValue: true),
            .init(names: ["--cpu"], takesValue: true),
            .init(names: ["--memory"], takesValue: true),
            .init(names: ["--pods"], takesValue: true),
            .init(names: ["--container-start"], takesValue: true),
            .init(names: ["--image-pull"], takesValue: true),
            .init(names: ["--at"], takesValue: true),
            .init(names: ["--for"], takesValue: true),
            .init(names: ["--traffic"], takesValue: true),
            .init(names: ["--request-time"], takesValue: true),
        ])
        if parsed.flag("--help") || parsed.positional.isEmpty { io.out(help + "\n"); return parsed.flag("--help") ? 0 : 2 }
        switch parsed.positional[0] {
        case "init":
            var spec = ClusterSpec()
            if let text = parsed.last("--profile") {
                guard let profile = ClusterProfile(rawValue: text), ClusterProfile.initProfiles.contains(profile) else {
                    throw UsageError(message: "invalid argument \"\(text)\" for \"--profile\" flag: expected one of \(ClusterProfile.initProfiles.map(\.rawValue).joined(separator: ", "))")
                }
                spec.profile = profile
            }
            // Node pools: each --nodes after the first starts a new pool; --zones, --cpu,
            // --memory, --pods, --node-labels and --node-taints apply to the pool they follow
            // (before any --nodes: to the first).
            var pools: [ClusterSpec] = [ClusterSpec()]
            var poolHasNodes = false
            for (name, value) in parsed.ordered where poolFlags.contains(name) {
                if name == "--nodes" {
                    if poolHasNodes { pools.append(ClusterSpec()) }
                    poolHasNodes = true
                }
                try applyPoolFlag(name, value, to: &pools[pools.count - 1])
            }
            let total = pools.map(\.nodes).reduce(0, +)
            guard total <= ClusterSpec.maxNodes else {
                throw UsageError(message: "invalid argument \"\(total)\" for \"--nodes\" flag: at most \(ClusterSpec.maxNodes) nodes in all (Kubernetes' own limit)")
            }
            if let first = pools.first {
                let profile = spec.profile
                spec = first
                spec.profile = profile
            }
            if pools.count > 1 {
                spec.pools = pools
                spec.nodes = total
            }
            if let path = parsed.last("--nodes-from") {
                guard parsed.last("--nodes") == nil, pools.count == 1 else { throw UsageError(message: "--nodes and --nodes-from cannot be given together") }
                let documents = try ManifestDecoder.decode(try ManifestPaths.sources(for: [path], recursive: false)).documents
                var options = ApplyOptions()
                options.namespace = ""
                let nodes = try Applier.prepare(documents, options: options)
                for candidate in nodes where candidate.resource.kind != "Node" || !candidate.resource.type.group.isEmpty {
                    throw UsageError(message: "\(candidate.document.source): expected Node objects, found \(candidate.resource.kind) \"\(candidate.resource.name)\"")
                }
                guard (1...ClusterSpec.maxNodes).contains(nodes.count) else {
                    throw UsageError(message: "\(path): expected from 1 to \(ClusterSpec.maxNodes) Node objects, found \(nodes.count)")
                }
                guard Set(nodes.map(\.resource.name)).count == nodes.count else { throw UsageError(message: "\(path): two Nodes have the same name") }
                spec.nodeManifests = nodes.map(\.resource)
                spec.nodes = nodes.count
            }
            for flag in ["--container-start", "--image-pull"] {
                guard let text = parsed.last(flag) else { continue }
                guard let d = Duration(parsing: text), d.milliseconds >= 0, d.milliseconds <= 86_400_000 else {
                    throw UsageError(message: "invalid argument \"\(text)\" for \"\(flag)\" flag: expected a duration from 0s to 24h, such as 1s or 500ms")
                }
                if flag == "--container-start" { spec.containerStart = d } else { spec.imagePull = d }
            }
            let store = try Global.openStore(parsed, writable: true, reset: true)
            defer { store.close() }
            try ClusterAdmin.initialize(store, spec: spec)
            if let path = parsed.last("--nodes-from") {
                io.out("Cluster initialised in \(store.directory) (\(spec.profile.rawValue)): \(spec.nodes) node\(spec.nodes == 1 ? "" : "s") from \(path); clock at \(store.clock).\n")
                return 0
            }
            if spec.pools.count > 1 {
                let shapes = spec.pools.map { "\($0.nodes) with \($0.cpu) CPU, \($0.memory) memory and \($0.pods) pods" }.joined(separator: "; ")
                io.out("Cluster initialised in \(store.directory) (\(spec.profile.rawValue)): \(spec.nodes) nodes in \(spec.pools.count) pools (\(shapes)); clock at \(store.clock).\n")
                return 0
            }
            io.out("Cluster initialised in \(store.directory) (\(spec.profile.rawValue)): \(spec.nodes) node\(spec.nodes == 1 ? "" : "s") with \(spec.cpu) CPU, \(spec.memory) memory and \(spec.pods) pods each; clock at \(store.clock).\n")
            return 0
        case "import":
            guard parsed.positional.count == 1 else { throw UsageError(message: "unexpected argument \"\(parsed.positional[1])\"; give the objects with -f") }
            let documents = try Global.readManifests(parsed, io: &io, verb: "cluster import")
            let store = try Global.openStore(parsed, writable: true, reset: true)
            defer { store.close() }
            let report = try ClusterImport.run(documents, into: store)
            io.out("Cluster imported into \(store.directory): \(report.total) object\(report.total == 1 ? "" : "s") (\(report.counts.map { "\($0.count) \($0.type)" }.joined(separator: ", "))); clock at \(report.clock), the newest time in them.\n")
            for note in report.notes { io.out("  note: \(note)\n") }
            return 0
        case "info":
            let store = try Global.openStore(parsed, writable: false)
            defer { store.close() }
            io.out(try ClusterAdmin.info(store))
            return 0
        case "fail-node", "recover-node":
            guard parsed.positional.count == 2 else {
                throw UsageError(message: "USAGE: cluster \(parsed.positional[0]) NODE [--at=0s] [--for=0s]\nSee 'rollout cluster -h' for help and examples")
            }
            let at = try duration(parsed, "--at")
            let runFor = try duration(parsed, "--for")
            let name = parsed.positional[1].hasPrefix("node/") ? String(parsed.positional[1].dropFirst(5)) : parsed.positional[1]
            let store = try Global.openStore(parsed, writable: true)
            defer { store.close() }
            io.out(try NodeActions.setOutage(store, node: name, recover: parsed.positional[0] == "recover-node", after: at) + "\n")
            guard runFor.milliseconds > 0 else { return 0 }
            let cluster = try Cluster(store: store)
            KeptUntilExit.keep(cluster)
            let rps = try Global.trafficRate(parsed)
            let services = TrafficRecorder.servingServices(selecting: Array(cluster.deployments.values), in: cluster)
            if rps > 0 && !services.isEmpty {
                cluster.traffic = TrafficRecorder(rps: rps, services: services, start: cluster.now, requestTime: try Global.requestTime(parsed))
            }
            EventLoop.advance(cluster, by: runFor)
            try cluster.save()
            try store.commit()
            io.out("\(runFor) later (\(cluster.now)):\n")
            io.out(NodeActions.nodeSummary(cluster))
            if let traffic = cluster.traffic { io.out(traffic.report()) }
            return 0
        default:
            throw UsageError(message: "unknown command \"\(parsed.positional[0])\" for \"rollout cluster\"; expected init, import, info, fail-node or recover-node")
        }
        }

    static let poolFlags: Set<String> = ["--nodes", "--zones", "--node-labels", "--node-taints", "--cpu", "--memory", "--pods"]

    /// One node-pool flag onto its pool.
    static func applyPoolFlag(_ name: String, _ text: String, to spec: inout ClusterSpec) throws {
        switch name {
        case "--nodes":
            guard let n = Int(text), (1...ClusterSpec.maxNodes).contains(n) else {
                throw UsageError(message: "invalid argument \"\(text)\" for \"--nodes\" flag: expected a number from 1 to \(ClusterSpec.maxNodes)")
            }
            spec.nodes = n
        case "--zones":
            let zones = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard zones.allSatisfy({ !$0.isEmpty && Validation.isLabelValue($0) }) else {
                throw UsageError(message: "invalid argument \"\(text)\" for \"--zones\" flag: expected zone names separated by commas, each a valid label value")
            }
            spec.zones = zones
        case "--node-labels":
            for pair in text.split(separator: ",") {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                guard parts.count == 2, Validation.isQualifiedName(parts[0]), Validation.isLabelValue(parts[1]) else {
                    throw UsageError(message: "invalid argument \"\(text)\" for \"--node-labels\" flag: expected KEY=VALUE pairs separated by commas")
                }
                spec.labels[parts[0]] = parts[1]
            }
        case "--node-taints":
            for item in text.split(separator: ",") {
                let keyValue = item.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
                let effect = item.split(separator: ":", maxSplits: 1).dropFirst().first.map(String.init) ?? ""
                let parts = keyValue.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                guard let key = parts.first, Validation.isQualifiedName(key), parts.count == 1 || Validation.isLabelValue(parts[1]),
                      ["NoSchedule", "PreferNoSchedule", "NoExecute"].contains(effect) else {
                    throw UsageError(message: "invalid argument \"\(text)\" for \"--node-taints\" flag: expected KEY[=VALUE]:EFFECT separated by commas, EFFECT one of NoSchedule, PreferNoSchedule, NoExecute")
                }
                spec.taints.append((key, parts.count > 1 ? parts[1] : "", effect))
            }
        case "--cpu":
            guard let q = Quantity(text), q.milliValue > 0 else { throw UsageError(message: "invalid argument \"\(text)\" for \"--cpu\" flag: expected a quantity such as 4 or 500m") }
            spec.cpu = q
        case "--memory":
            guard let q = Quantity(text), q.integerValue > 0 else { throw UsageError(message: "invalid argument \"\(text)\" for \"--memory\" flag: expected a quantity such as 8Gi or 512Mi") }
            spec.memory = q
        case "--pods":
            guard let n = Int(text), n > 0 else { throw UsageError(message: "invalid argument \"\(text)\" for \"--pods\" flag: expected a positive number") }
            // Each node's pods get addresses from its /24 pod range: .2 to .254 (PodAddresses).
            guard n <= PodRange.nodeRange.count else {
                throw UsageError(message: "invalid argument \"\(text)\" for \"--pods\" flag: at most \(PodRange.nodeRange.count), the addresses of a node's /24 pod range (k3s' node-cidr-mask-size 24)")
            }
            spec.pods = n
        default:
            break
        }
    }

    static func duration(_ parsed: Arguments, _ flag: String) throws -> Duration {
        guard let text = parsed.last(flag) else { return Duration(milliseconds: 0) }
        guard let d = Duration(parsing: text), d.milliseconds >= 0, d.milliseconds <= 86_400_000 else {
            throw UsageError(message: "invalid argument \"\(text)\" for \"\(flag)\" flag: expected a duration from 0s to 24h, such as 30s or 6m")
        }
        return d
    }
}

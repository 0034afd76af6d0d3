/// `rollout plan --drain NODE` and `rollout plan --fail-node NODE`: the cluster as it is (plus
/// any manifests, applied and rolled out first) put through a node drain or a node failure,
/// with requests replayed through the Services in front of the workloads on that node. Reports,
/// per Deployment, the fewest pods available and when; per Service, the failed requests;
/// whether the drain finished and how long it took, or what blocked it; the pods left Pending;
/// and the node hazards. Nothing is committed.
public enum NodeEvent: Sendable {
    case drain(String, DrainOptions)
    case fail(String)

    public var node: String {
        switch self {
        case .drain(let node, _), .fail(let node): return node
        }
    }
}

public struct NodeEventReport: Sendable {
    public struct Workload: Sendable {
        public var name: String
        public var namespace: String
        public var replicas: Int
        /// Its pods on the node when the event began.
        public var podsOnNode: Int
        public var lowestAvailable: Int
        /// Seconds since the event began when the lowest count was first reached.
        public var lowestAt: Double
        public var availableAtEnd: Int
        /// Its pods that no node would take at the end, and the scheduler's reason.
        public var pending: Int
        public var pendingReason: String?
    }

    public struct Line: Sendable {
        public var at: Double
        public var stream: DrainLine.Stream
        public var text: String
    }

    public var event: NodeEvent
    public var changes: [ApplyOutcome]
    /// kubectl's lines (drain), or the node lifecycle's steps (failure), with their times.
    public var lines: [Line]
    /// Drain: finished (`node/x drained`). Failure: every pod that was on it replaced.
    public var finished: Bool
    /// Why it did not finish.
    public var blocked: String?
    /// Seconds from the event to the end of the drain, or until the workloads were whole again.
    public var durationSeconds: Double
    public var workloads: [Workload]
    public var traffic: [TrafficRecorder.ServiceTraffic]
    public var rps: Int
    public var hazards: [Hazard]

    public var failedRequests: Int { traffic.reduce(0) { $0 + $1.failed } }

    /// `blocked` (the drain cannot finish, or pods found no node), `downtime`, `hazard` or `safe`.
    public var verdict: (result: String, reasons: [String]) {
        var blockedReasons: [String] = []
        if let blocked { blockedReasons.append(blocked) }
        for w in workloads where w.pending > 0 { blockedReasons.append("deployment.apps/\(w.name): \(w.pending) pod\(w.pending == 1 ? "" : "s") left Pending") }
        if !blockedReasons.isEmpty { return ("blocked", blockedReasons) }
        let lost = traffic.filter { $0.failed > 0 }.map { "\($0.route.label): \($0.failed) of \($0.requests) requests failed" }
        if !lost.isEmpty { return ("downtime", lost) }
        let errors = hazards.filter { $0.severity == .error }.map { "\($0.object): \($0.code)" }
        if !errors.isEmpty { return ("hazard", errors) }
        return ("safe", [])
    }

    var title: String {
        switch event {
        case .drain(let node, _):
            if finished { return "drain node/\(node): drained in \(PlanReport.seconds(durationSeconds))" }
            return "drain node/\(node): not drained after \(PlanReport.seconds(durationSeconds)): \(blocked ?? "")"
        case .fail(let node):
            if finished { return "failure of node/\(node): its workloads were whole again after \(PlanReport.seconds(durationSeconds))" }
            return "failure of node/\(node): not recovered after \(PlanReport.seconds(durationSeconds)): \(blocked ?? "")"
        }
    }

    public var text: String {
        var out = changes.isEmpty ? "" : changes.map { "\($0.object) \($0.operation)\n" }.joined() + "\n"
        out += title + "\n"
        // A refusal retried every 5 s is shown once, with how often it was repeated.
        func refused(_ i: Int) -> Bool {
            i + 1 < lines.count && lines[i].text.hasPrefix("evicting pod ") && lines[i + 1].text.hasSuffix(Eviction.violationMessage)
        }
        var first: [String: Int] = [:]
        var repeats: [Int: (count: Int, from: Double, to: Double)] = [:]
        var skipped = Set<Int>()
        for i in lines.indices where refused(i) {
            if let f = first[lines[i].text] {
                skipped.formUnion([i, i + 1])
                let r = repeats[f] ?? (0, lines[i].at, lines[i].at)
                repeats[f] = (r.count + 1, r.from, lines[i].at)
            } else {
                first[lines[i].text] = i
            }
        }
        var shown: [(stamp: String, text: String)] = []
        for (i, line) in lines.enumerated() where !skipped.contains(i) {
            shown.append(("t=\(PlanReport.seconds(line.at))", line.text))
            if i > 0, let r = repeats[i - 1], refused(i - 1) {
                shown.append(("t=\(PlanReport.seconds(r.from))–\(PlanReport.seconds(r.to))", "(the same \(r.count) more time\(r.count == 1 ? "" : "s"), every 5s)"))
            }
        }
        let width = shown.map(\.stamp.count).max() ?? 0
        for line in shown {
            out += "  " + line.stamp.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + line.text + "\n"
        }
        for w in workloads {
            out += "\ndeployment.apps/\(w.name)\(w.namespace == "default" ? "" : " -n \(w.namespace)"): \(w.podsOnNode) of \(w.replicas) pod\(w.replicas == 1 ? "" : "s") on node/\(event.node)\n"
            out += "  available: at least \(w.lowestAvailable) (from t=\(PlanReport.seconds(w.lowestAt))), \(w.availableAtEnd) at the end"
            out += w.pending > 0 ? "; \(w.pending) Pending: \(w.pendingReason ?? "")\n" : "\n"
        }
        if traffic.contains(where: { $0.requests > 0 }) { out += "\n" + TrafficRecorder.ServiceTraffic.text(traffic, rps: rps) }
        out += hazards.isEmpty ? "\nno hazards found\n" : "\n" + hazards.map(\.text).joined()
        let v = verdict
        out += "\nverdict: \(v.result)" + (v.reasons.isEmpty ? "" : " (\(v.reasons.joined(separator: "; ")))") + "\n"
        return out
    }

    public var json: Value {
        let kind: String
        switch event {
        case .drain: kind = "drain"
        case .fail: kind = "fail-node"
        }
        return .object(Object([
            "event": .object(Object([
                "kind": .string(kind), "node": .string(event.node), "finished": .bool(finished),
                "blocked": blocked.map { .string($0) } ?? .null,
                "durationSeconds": .float(durationSeconds),
                "lines": .array(lines.map { .object(Object(["t": .float($0.at), "stream": .string($0.stream == .out ? "stdout" : "stderr"), "text": .string($0.text)])) }),
            ])),
            "changes": .array(changes.map { .object(Object(["object": .string($0.object), "operation": .string($0.operation)])) }),
            "deployments": .array(workloads.map { w in
                .object(Object([
                    "name": .string(w.name), "namespace": .string(w.namespace), "replicas": .int(w.replicas), "podsOnNode": .int(w.podsOnNode),
                    "lowestAvailable": .int(w.lowestAvailable), "lowestAt": .float(w.lowestAt), "availableAtEnd": .int(w.availableAtEnd),
                    "pending": .int(w.pending), "pendingReason": w.pendingReason.map { .string($0) } ?? .null,
                ]))
            }),
            "services": .array(traffic.map(\.json)),
            "hazards": .array(hazards.map(\.json)),
            "verdict": .string(verdict.result),
            "reasons": .array(verdict.reasons.map { .string($0) }),
        ]))
    }
}

extension Planner {
    /// How long a plan follows a node event when nothing else ends it: the drain, or the
    /// failure's NotReady, eviction after 300 s, and the replacements.
    public static let nodeEventLimit = Duration(seconds: 1800)
    /// After a drain, time runs until the evicted pods' replacements are available (at most this).
    public static let settleAfterDrain = Duration(seconds: 600)

    public static func plan(_ event: NodeEvent, documents: [ManifestDocument], store: StateStore, options: ApplyOptions, rps: Int,
                            timeout: Duration? = nil, requestTime: RequestTime = TrafficRecorder.defaultRequestTime) throws -> NodeEventReport {
        var applyOptions = options
        applyOptions.dryRun = .none
        let changes = documents.isEmpty ? [] : try Applier.apply(try Applier.prepare(documents, options: applyOptions), to: store, options: applyOptions, commit: false)
        let c = try Cluster(store: store)
        let node = event.node
        guard c.nodes.contains(where: { $0.name == node }) else { throw StoreError.conflict("Error from server (NotFound): nodes \"\(node)\" not found") }
        // The manifests' rollouts first: the node event meets the cluster they leave.
        let rolled = changes.filter { $0.resource.kind == "Deployment" && $0.resource.type.group == "apps" && $0.operation != "unchanged" }.map(\.resource.key)
        if !rolled.isEmpty { _ = RolloutWait.wait(for: rolled, in: c, options: .init(timeout: timeout), report: { _, _, _ in }) }
        EventLoop.settle(c)

        // The Deployments with pods on the node, and what serves them.
        var onNode: [ObjectKey: Int] = [:]
        var ownerOf: [String: ObjectKey] = [:]
        for (key, d) in c.deployments {
            for rs in c.replicaSets(ownedBy: d.uid) {
                ownerOf[rs.uid] = key
                let count = c.pods(ownedBy: rs.uid).filter { $0.isActive && $0.nodeName == node }.count
                if count > 0 { onNode[key, default: 0] += count }
            }
        }
        let affected = onNode.keys.sorted { ($0.namespace, $0.name) < ($1.namespace, $1.name) }
        let resources = affected.compactMap { c.deployments[$0] }
        let services = TrafficRecorder.servingServices(selecting: resources, in: c)
        if rps > 0 && !services.isEmpty {
            c.traffic = TrafficRecorder(rps: rps, services: services, routes: TrafficRecorder.ingressRoutes(selecting: resources, in: c),
                                        start: c.now, requestTime: requestTime)
        }
        let start = c.now
        func seconds(_ t: Timestamp) -> Double { Double(t.milliseconds - start.milliseconds) / 1000 }
        func available(_ key: ObjectKey) -> Int {
            guard let d = c.deployments[key] else { return 0 }
            let minReady = d.value.at("spec", "minReadySeconds")?.intValue ?? 0
            return c.replicaSets(ownedBy: d.uid).flatMap { c.pods(ownedBy: $0.uid) }.filter { $0.isActive && $0.isAvailable(minReadySeconds: minReady, now: c.now) }.count
        }
        var lowest: [ObjectKey: (count: Int, at: Timestamp)] = [:]
        for key in affected { lowest[key] = (available(key), start) }
        let observe: (Cluster) -> Void = { _ in
            for key in affected {
                let n = available(key)
                if n < lowest[key]?.count ?? Int.max { lowest[key] = (n, c.now) }
            }
        }
        let hazards = nodeHazards(c, node: node, documents: documents, options: options)
        var lines: [NodeEventReport.Line] = []
        var finished = false
        var blocked: String?
        var end = start
        let limit = timeout ?? nodeEventLimit
        func desired(_ key: ObjectKey) -> Int { c.deployments[key]?.value.at("spec", "replicas")?.intValue ?? 1 }
        func whole() -> Bool {
            affected.allSatisfy { key in
                guard let d = c.deployments[key] else { return true }
                let onIt = c.replicaSets(ownedBy: d.uid).flatMap { c.pods(ownedBy: $0.uid) }.contains { $0.isActive && $0.nodeName == node }
                return !onIt && available(key) >= desired(key)
            }
        }
        switch event {
        case .drain(_, var drainOptions):
            if drainOptions.timeout == nil, timeout != nil { drainOptions.timeout = timeout }
            let result = Drain.run(node, in: c, options: drainOptions, emit: { lines.append(.init(at: seconds($0.at), stream: $0.stream, text: $0.text)) }, observe: observe)
            end = result.finishedAt
            finished = result.drained
            if result.waitingOnDownNode {
                blocked = "evicted pods stay Terminating: the node's kubelet is down and cannot confirm (kubectl drain would wait for ever)"
            } else if result.blockedForever {
                blocked = "\(result.pendingPods.count) pod\(result.pendingPods.count == 1 ? "" : "s") can never be evicted: \(blockingBudgets(c, node: node).joined(separator: ", ")) allows no disruption and nothing will change that (kubectl drain would retry every 5s for ever)"
            } else if !result.drained {
                blocked = result.lines.last?.text ?? "not drained"
            }
            // The replacements: until they are available (the pods a blocked drain left on the
            // node count, as they still serve).
            _ = EventLoop.run(c, timeout: settleAfterDrain, until: { _ in affected.allSatisfy { available($0) >= desired($0) } }, observe: observe)
        case .fail:
            _ = c.failNode(node, at: c.now)
            lines.append(.init(at: 0, stream: .out, text: "node/\(node) kubelet stopped (its pods stop answering)"))
            var seen: Set<String> = []
            let outcome = EventLoop.run(c, timeout: limit, until: { _ in whole() }, observe: { cluster in
                observe(cluster)
                // The node lifecycle's steps, as `events` would show them.
                if let n = cluster.nodes.first(where: { $0.name == node }) {
                    if !n.ready && seen.insert("notready").inserted {
                        lines.append(.init(at: seconds(cluster.now), stream: .out, text: "node/\(node) NotReady (Kubelet stopped posting node status.): its pods marked not ready and taken out of the endpoints"))
                    }
                    if let t = NodeLifecycleController.noExecuteTime(n), seen.insert("noexecute").inserted {
                        lines.append(.init(at: seconds(t), stream: .out, text: "node/\(node) tainted node.kubernetes.io/unreachable:NoExecute"))
                    }
                }
                let deleted = cluster.pods.values.filter { $0.nodeName == node && $0.deletion != nil && !$0.gone }.sorted { ($0.namespace, $0.name) < ($1.namespace, $1.name) }
                for pod in deleted where seen.insert(pod.uid).inserted {
                    lines.append(.init(at: seconds(cluster.now), stream: .out, text: "pod \(pod.namespace)/\(pod.name) deleted by the taint manager (stays Terminating: its kubelet cannot confirm)"))
                }
            })
            end = c.now
            finished = outcome == .conditionMet
            if !finished {
                let states = NodeLifecycleController.zoneStates(c.nodes)
                // (With nothing on the node, the workloads are whole at once: finished.)
                if !states.isEmpty && states.values.allSatisfy({ $0 == .fullDisruption }) {
                    blocked = "every zone is down, so the node lifecycle controller evicts nothing (its pods wait for the node to come back)"
                } else {
                    blocked = "its workloads were not whole again within \(limit)"
                }
            }
        }
        var workloads: [NodeEventReport.Workload] = []
        for key in affected {
            guard let d = c.deployments[key] else { continue }
            let pending = c.replicaSets(ownedBy: d.uid).flatMap { c.pods(ownedBy: $0.uid) }.filter { $0.isActive && $0.nodeName == nil }
            let low = lowest[key] ?? (0, start)
            workloads.append(.init(name: key.name, namespace: key.namespace, replicas: desired(key), podsOnNode: onNode[key] ?? 0,
                                   lowestAvailable: low.count, lowestAt: seconds(low.at), availableAtEnd: available(key), pending: pending.count,
                                   pendingReason: pending.first?.schedulingFailure))
        }
        let traffic = c.traffic.map { recorder in recorder.traffic.values.sorted { $0.route < $1.route } } ?? []
        return NodeEventReport(event: event, changes: changes, lines: lines, finished: finished, blocked: blocked,
                               durationSeconds: seconds(end), workloads: workloads, traffic: traffic, rps: rps, hazards: hazards)
    }

    /// The budgets selecting pods on the node that allow no disruption now.
    static func blockingBudgets(_ c: Cluster, node: String) -> [String] {
        c.disruptionBudgets.values.filter { pdb in
            (pdb.value.at("status", "disruptionsAllowed")?.intValue ?? 0) == 0
                && c.pods.values.contains { $0.nodeName == node && !$0.gone && $0.deletion == nil && $0.namespace == pdb.namespace && PodDisruptionBudget(pdb).selects($0.labels) }
        }.map { "poddisruptionbudget.policy/\($0.name)" + (($0.namespace ?? "default") == "default" ? "" : " -n \($0.namespace ?? "")") }.sorted()
    }
}

extension Planner {
    /// The hazards of a node event: what lint finds in the manifests, plus, from the cluster,
    /// budgets that can never allow a disruption (`pdb-blocks-drain`) and workloads whose
    /// replicas all run on one node (`replicas-on-one-node`) or in one zone
    /// (`replicas-in-one-zone`), which one drain or one failure takes down whole.
    static func nodeHazards(_ c: Cluster, node: String, documents: [ManifestDocument], options: ApplyOptions) -> [Hazard] {
        var known = KnownObjects()
        for d in c.deployments.values { known.addFromCluster(d) }
        var hazards = documents.isEmpty ? [] : Linter.lint(documents, defaultNamespace: options.namespace, cluster: known)
        let fromManifests = Set(hazards.map(\.object))
        func document(_ kind: String, _ key: ObjectKey) -> ManifestDocument? {
            documents.first { $0.value["kind"]?.stringValue == kind && $0.value["metadata"]?["name"]?.stringValue == key.name }
        }
        for key in c.disruptionBudgets.keys.sorted() {
            guard let resource = c.disruptionBudgets[key], !fromManifests.contains(resource.qualifiedName) else { continue }
            let pdb = PodDisruptionBudget(resource)
            let selected = c.deployments.values.filter { d in
                d.namespace == pdb.namespace && pdb.selects(stringMap(d.object["spec"]?["template"]?["metadata"]?["labels"]))
            }
            guard !selected.isEmpty else { continue }
            let replicas = selected.map { $0.value.at("spec", "replicas")?.intValue ?? 1 }.reduce(0, +)
            guard let why = Linter.budgetNeverAllows(pdb, replicas: replicas) else { continue }
            let doc = document("PodDisruptionBudget", key)
            let path = Linter.budgetPath(pdb)
            hazards.append(Hazard(code: "pdb-blocks-drain", severity: .error, object: resource.qualifiedName, path: path,
                                  message: "\(why), so every drain of a node running one blocks for ever", fix: Linter.budgetFix,
                                  file: doc?.source ?? "", location: doc.flatMap { path.location(in: $0.node) }))
        }
        let zoned = Set(c.nodes.map(\.zone)).count > 1
        var zoneOf: [String: String] = [:]
        for n in c.nodes { zoneOf[n.name] = n.zone }
        for key in c.deployments.keys.sorted(by: { ($0.namespace, $0.name) < ($1.namespace, $1.name) }) {
            guard let d = c.deployments[key] else { continue }
            let replicas = d.value.at("spec", "replicas")?.intValue ?? 1
            let placed = c.replicaSets(ownedBy: d.uid).flatMap { c.pods(ownedBy: $0.uid) }.filter { $0.isActive }.compactMap(\.nodeName)
            guard placed.contains(node) else { continue }
            let doc = document("Deployment", key)
            if replicas == 1 && !fromManifests.contains(d.qualifiedName) {
                let path = FieldPath("spec.replicas")
                hazards.append(Hazard(code: "single-replica", severity: .warning, object: d.qualifiedName, path: path,
                                      message: "its only pod runs on node/\(node): the app is down until its replacement is ready elsewhere",
                                      fix: "run at least 2 replicas, spread over nodes, with a PodDisruptionBudget of maxUnavailable: 1",
                                      file: doc?.source ?? "", location: doc.flatMap { path.location(in: $0.node) }))
            }
            guard replicas >= 2, placed.count >= 2 else { continue }
            let path = FieldPath("spec.template.spec")
            if Set(placed).count == 1 {
                hazards.append(Hazard(code: "replicas-on-one-node", severity: .warning, object: d.qualifiedName, path: path,
                                      message: "all \(placed.count) pods run on node/\(node): draining or losing it takes the app down whole",
                                      fix: "spread them: topologySpreadConstraints with topologyKey kubernetes.io/hostname and whenUnsatisfiable: DoNotSchedule (or required podAntiAffinity), and room on other nodes",
                                      file: doc?.source ?? "", location: doc.flatMap { path.location(in: $0.node) }))
            } else if zoned, Set(placed.compactMap { zoneOf[$0] }).count == 1, let zone = placed.first.flatMap({ zoneOf[$0] }) {
                hazards.append(Hazard(code: "replicas-in-one-zone", severity: .warning, object: d.qualifiedName, path: path,
                                      message: "all \(placed.count) pods run in zone \(zone): losing it takes the app down whole",
                                      fix: "spread them: topologySpreadConstraints with topologyKey topology.kubernetes.io/zone and whenUnsatisfiable: DoNotSchedule",
                                      file: doc?.source ?? "", location: doc.flatMap { path.location(in: $0.node) }))
            }
        }
        return hazards
    }
}

/// `rollout plan` (SPEC §5): apply manifests to the cluster as it is, run every rollout they
/// cause to its end (or failure) with traffic through the Services, and report what would
/// happen — without keeping any of it: the store is never committed.
public struct PlanReport: Sendable {
    public struct DeploymentPlan: Sendable {
        public var name: String
        public var namespace: String
        public var replicas: Int
        public var maxSurge: Int
        public var maxUnavailable: Int
        /// How the percentages were rounded, e.g. `25% of 3 = 0.75, rounded up to 1`.
        public var surgeRounding: String
        public var unavailableRounding: String
        public var durationSeconds: Double
        public var maxPods: Int
        public var minAvailable: Int
        /// `complete`, `failed: ProgressDeadlineExceeded`, `failed: CrashLoopBackOff`, `paused`, `unchanged`.
        public var outcome: String
        /// `Deployment` or `StatefulSet`.
        public var kind = "Deployment"

        /// `deployment.apps/web`, `statefulset.apps/db`.
        public var shown: String { "\(kind.lowercased()).apps/\(name)" }
    }

    public var changes: [ApplyOutcome]
    public var deployments: [DeploymentPlan]
    public var traffic: [TrafficRecorder.ServiceTraffic]
    public var rps: Int
    public var hazards: [Hazard]
    /// An SVG chart of each rollout that ran.
    public var charts: [(name: String, svg: String)] = []
    /// Services in front of planned Deployments whose traffic was not replayed: nothing served
    /// before (a brand-new app has no clients), so there is no baseline to lose.
    public var unreplayed: [String] = []
    /// What the manifests change, as `rollout diff` prints it.
    public var diff = ""

    public var failedRequests: Int { traffic.reduce(0) { $0 + $1.failed } }

    /// `failed` (a rollout fails), `downtime` (a request fails), `hazard` (lint or the run found
    /// an error) or `safe`, the first that holds, and why.
    public var verdict: (result: String, reasons: [String]) {
        let failed = deployments.filter { $0.outcome.hasPrefix("failed") }.map { "\($0.shown): \($0.outcome)" }
        if !failed.isEmpty { return ("failed", failed) }
        let lost = traffic.filter { $0.failed > 0 }.map { "\($0.route.label): \($0.failed) of \($0.requests) requests failed" }
        if !lost.isEmpty { return ("downtime", lost) }
        let errors = hazards.filter { $0.severity == .error }.map { "\($0.object): \($0.code)" }
        if !errors.isEmpty { return ("hazard", errors) }
        return ("safe", [])
    }

    public var text: String {
        // What happens to each object, as the JSON and Markdown say it: a patch kubectl would
        // call `configured` that changes nothing (`ApplyOutcome.said`) is `unchanged` here.
        var out = changes.isEmpty ? "No changes.\n" : changes.map { "\($0.object) \($0.operation)\n" }.joined()
        for d in deployments {
            out += "\n\(d.shown): \(d.outcome)"
            if d.outcome != "unchanged" && d.outcome != "paused" { out += " in \(Self.seconds(d.durationSeconds))" }
            out += "\n"
            out += "  maxSurge \(d.maxSurge) (\(d.surgeRounding)), maxUnavailable \(d.maxUnavailable) (\(d.unavailableRounding))\n"
            out += "  pods: at most \(d.maxPods) at once, terminating ones included (\(d.replicas) desired); at least \(d.minAvailable) available\n"
        }
        if !traffic.isEmpty { out += "\n" + TrafficRecorder.ServiceTraffic.text(traffic, rps: rps) }
        for service in unreplayed { out += "\nservice/\(service): no traffic replayed: nothing served before (a new app has no clients yet)\n" }
        out += hazards.isEmpty ? "\nno hazards found\n" : "\n" + hazards.map(\.text).joined()
        let v = verdict
        out += "\nverdict: \(v.result)" + (v.reasons.isEmpty ? "" : " (\(v.reasons.joined(separator: "; ")))") + "\n"
        return out
    }

    public var json: Value {
        .object(Object([
            "changes": .array(changes.map { .object(Object(["object": .string($0.object), "operation": .string($0.operation)])) }),
            "deployments": .array(deployments.map { d in
                .object(Object([
                    "name": .string(d.name), "namespace": .string(d.namespace), "replicas": .int(d.replicas),
                    "maxSurge": .int(d.maxSurge), "maxUnavailable": .int(d.maxUnavailable),
                    "durationSeconds": d.durationSeconds == d.durationSeconds.rounded() && abs(d.durationSeconds) < 1e15 ? .int(Int(d.durationSeconds)) : .float(d.durationSeconds),
                    "maxPods": .int(d.maxPods), "minAvailable": .int(d.minAvailable), "outcome": .string(d.outcome),
                ]))
            }),
            "services": .array(traffic.map(\.json)),
            // As `lint -o json` prints them: with file, line, column and fix.
            "hazards": .array(hazards.map(\.json)),
            "unreplayed": .array(unreplayed.map { .string($0) }),
            "verdict": .string(verdict.result),
            "reasons": .array(verdict.reasons.map { .string($0) }),
        ]))
    }

    static func seconds(_ s: Double) -> String { s == s.rounded() ? "\(Int(s))s" : "\(JSONWriter.formatFloat(s))s" }
}

public enum Planner {
    /// How long the traffic of a Service change without a rollout is replayed.
    public static let serviceChangeWindow = Duration(seconds: 10)

    /// Plans `documents` against the state in `store`. Nothing is committed; close the store
    /// without committing and the state is exactly as before.
    public static func plan(_ documents: [ManifestDocument], store: StateStore, options: ApplyOptions, rps: Int, timeout: Duration? = nil,
                            requestTime: RequestTime = TrafficRecorder.defaultRequestTime) throws -> PlanReport {
        var dryRun = options
        dryRun.dryRun = .none
        let candidates = try Applier.prepare(documents, options: dryRun)
        // The diff, before anything is applied (for `plan -o markdown`).
        let diff = try ObjectDiff.pairs(candidates, store: store).map(ObjectDiff.unified).joined()
        // The cluster's CustomResourceDefinitions before the manifests add theirs.
        let installed = ServedCustomResources(try store.list(ServedCustomResources.type))
        let changes = try Applier.apply(candidates, to: store, options: dryRun, commit: false)
        let cluster = try Cluster(store: store)
        let keys = changes.filter { ["Deployment", "StatefulSet", "DaemonSet"].contains($0.resource.kind) && $0.resource.type.group == "apps" }.map(\.resource.key)
        // A changed Service affects the Deployments behind it even when they do not change.
        let changedServices = Set(changes.filter { $0.resource.kind == "Service" && $0.resource.type.group.isEmpty && $0.operation != "unchanged" }.map(\.resource.key))
        let behindChangedServices = cluster.deployments.values.filter { d in
            !keys.contains(d.key) && !Set(TrafficRecorder.services(selecting: d, in: cluster)).isDisjoint(with: changedServices)
        }.map(\.key).sorted()
        let affected = (keys + behindChangedServices).compactMap { cluster.workload($0) }
        let services = TrafficRecorder.servingServices(selecting: affected, in: cluster)
        let routes = TrafficRecorder.ingressRoutes(selecting: affected, in: cluster) + TrafficRecorder.hostPortRoutes(selecting: affected, in: cluster)
        if rps > 0 && (!services.isEmpty || !routes.isEmpty) {
            cluster.traffic = TrafficRecorder(rps: rps, services: services, routes: routes, start: cluster.now, requestTime: requestTime)
        }
        let start = cluster.now
        var finished: [ObjectKey: Timestamp] = [:]
        var watched = keys.filter { key in
            guard let d = cluster.workload(key) else { return false }
            return d.object["spec"]?["paused"]?.boolValue != true
        }
        let changed = Set(changes.filter { $0.operation != "unchanged" }.map(\.resource.key))
        watched = watched.filter { changed.contains($0) }
        let outcomes = RolloutWait.wait(for: watched, in: cluster, options: .init(timeout: timeout), report: { key, result, at in
            if case .waiting = result { return }
            finished[key] = at
        })
        // Nothing rolls, but a Service changed: its traffic is replayed for a while.
        if watched.isEmpty && !changedServices.isEmpty && cluster.traffic != nil {
            cluster.timers.add(.resync, at: cluster.now.adding(serviceChangeWindow))
            _ = EventLoop.run(cluster, timeout: serviceChangeWindow, until: { _ in false })
        }
        var plans: [PlanReport.DeploymentPlan] = []
        for key in keys {
            if let ds = cluster.daemonSets[key] {
                plans.append(daemonSetPlan(ds, key: key, in: cluster, changed: changed.contains(key), outcome: outcomes[key],
                                           duration: Double((finished[key] ?? cluster.now).milliseconds - start.milliseconds) / 1000))
                continue
            }
            if let set = cluster.statefulSets[key] {
                plans.append(statefulSetPlan(set, key: key, in: cluster, changed: changed.contains(key), outcome: outcomes[key],
                                             duration: Double((finished[key] ?? cluster.now).milliseconds - start.milliseconds) / 1000))
                continue
            }
            guard let resource = cluster.deployments[key] else { continue }
            var reader = FieldReader()
            let d = Deployment(resource, reader: &reader)
            let shape = DeploymentShape(replicas: d.replicas, strategy: d.strategy)
            var surgeRounding = "Recreate", unavailableRounding = "Recreate"
            if case .rollingUpdate(let surge, let unavailable) = d.strategy {
                surgeRounding = rounding(surge, of: d.replicas, up: true)
                unavailableRounding = rounding(unavailable, of: d.replicas, up: false)
                if DeploymentMath.resolveFenceposts(maxSurge: surge, maxUnavailable: unavailable, desired: d.replicas).map({ $0.surge == 0 && $0.unavailable == 1 }) == true,
                   unavailable.scaled(total: d.replicas, roundUp: false) == 0 {
                    unavailableRounding += "; both 0, so 1 as Kubernetes does"
                }
            }
            let samples = cluster.timelines[key]?.samples ?? []
            let outcome: String
            if d.paused {
                outcome = "paused"
            } else if !changed.contains(key) {
                outcome = "unchanged"
            } else {
                switch outcomes[key] ?? .timedOut {
                case .done: outcome = "complete"
                case .failed(let message):
                    outcome = message.contains("progress deadline") ? "failed: ProgressDeadlineExceeded"
                        : message.contains("CrashLoopBackOff") ? "failed: CrashLoopBackOff"
                        : message.contains("ImagePullBackOff") ? "failed: ImagePullBackOff" : "failed: \(message)"
                case .timedOut: outcome = "failed: timed out"
                case .notFound: outcome = "deleted"
                }
            }
            let end = finished[key] ?? cluster.now
            plans.append(PlanReport.DeploymentPlan(
                name: key.name, namespace: key.namespace, replicas: d.replicas,
                maxSurge: DeploymentMath.maxSurge(shape), maxUnavailable: DeploymentMath.maxUnavailable(shape),
                surgeRounding: surgeRounding, unavailableRounding: unavailableRounding,
                durationSeconds: Double(end.milliseconds - start.milliseconds) / 1000,
                maxPods: samples.map { $0.current + $0.terminating }.max() ?? d.replicas,
                minAvailable: samples.map(\.available).min() ?? d.status.availableReplicas,
                outcome: outcome))
        }
        let traffic = cluster.traffic.map { recorder in recorder.traffic.values.sorted { $0.route < $1.route } } ?? []
        // References are checked against the cluster as the plan leaves it (the manifests applied).
        var known = KnownObjects()
        for (apiVersion, kind) in KnownObjects.kinds {
            for object in try store.list(ResourceType.forObject(apiVersion: apiVersion, kind: kind)) { known.addFromCluster(object) }
        }
        var hazards = Linter.lint(documents, defaultNamespace: options.namespace, cluster: known)
        hazards += ServedCustomResources.hazards(candidates, installed: installed)
        // Capacity: pods the plan could not place (the surge, usually) — SPEC §5.
        for key in keys {
            guard let resource = cluster.deployments[key] else { continue }
            let stuck = cluster.replicaSets(ownedBy: resource.uid).flatMap { cluster.pods(ownedBy: $0.uid) }.filter { $0.isActive && $0.nodeName == nil }
            guard let example = stuck.first else { continue }
            let document = documents.first { $0.value["metadata"]?["name"]?.stringValue == key.name && $0.value["kind"]?.stringValue == "Deployment" }
            let why = example.schedulingFailure ?? "no node has room"
            // What kept them off every node, by the scheduler's reasons.
            let (code, path, fix): (String, FieldPath, String) =
                why.contains("pod anti-affinity rules") ? ("anti-affinity-deadlock", FieldPath("spec.template.spec.affinity.podAntiAffinity"),
                    "with required anti-affinity a surge pod needs a node free of the old pods: allow maxUnavailable: 1 (and maxSurge: 0), add a node, or make the anti-affinity preferred")
                : why.contains("node affinity/selector") ? ("no-matching-node", FieldPath("spec.template.spec"),
                    "make the nodeSelector or node affinity match a node's labels (rollout get nodes --show-labels)")
                : why.contains("untolerated taint") ? ("untolerated-taint", FieldPath("spec.template.spec"),
                    "add a toleration for the nodes' taint, or schedule the pods elsewhere")
                : ("insufficient-capacity", FieldPath("spec.template.spec.containers[0].resources.requests"),
                    "lower maxSurge or the requests, or add nodes (rollout cluster init --nodes N --cpu C --memory M)")
            // Lint already said it from the manifests and the nodes.
            if hazards.contains(where: { $0.code == code && $0.object == resource.qualifiedName }) { continue }
            let anchor = document.flatMap { path.location(in: $0.node) ?? FieldPath("spec.template.spec.containers").location(in: $0.node) }
            hazards.append(Hazard(code: code, severity: .error, object: resource.qualifiedName, path: path,
                                  message: "\(stuck.count) pod\(stuck.count == 1 ? "" : "s") could not be scheduled during the rollout: \(why)",
                                  fix: fix, file: document?.source ?? "", location: anchor))
        }
        // Pods the API server refused during the rollout: a ResourceQuota with no room for the
        // surge, a quota that needs requests every container does not set, a LimitRange's
        // bounds (the ReplicaSet's FailedCreate).
        for key in keys {
            // A Deployment's through its ReplicaSets; a StatefulSet's or DaemonSet's its own.
            let workload = cluster.deployments[key] ?? cluster.statefulSets[key] ?? cluster.daemonSets[key]
            guard let resource = workload,
                  let refusal = resource.kind == "Deployment"
                    // (Its own: the create of its new ReplicaSet.)
                    ? cluster.admissionRefusals[resource.uid]
                        ?? cluster.replicaSets(ownedBy: resource.uid).sorted(by: { $0.uid < $1.uid }).lazy.compactMap({ cluster.admissionRefusals[$0.uid] }).first
                    : cluster.admissionRefusals[resource.uid]
            else { continue }
            // (A missing ServiceAccount or PriorityClass is lint's `missing-reference`.)
            guard refusal.contains("exceeded quota:") || refusal.contains("failed quota:") || refusal.contains(" usage per ")
                    || refusal.contains("max limit to request ratio") || refusal.contains("violates PodSecurity") else { continue }
            let document = documents.first { $0.value["metadata"]?["name"]?.stringValue == key.name && $0.value["kind"]?.stringValue == resource.kind }
            let (code, path, fix): (String, FieldPath, String) =
                refusal.hasPrefix("replicasets.apps \"") ? ("quota-exceeded", FieldPath("spec.revisionHistoryLimit"),
                    "give the ResourceQuota room for one more ReplicaSet (a rollout makes a new one while the old ones stay), or lower revisionHistoryLimit so that fewer old ones are kept")
                : refusal.contains("exceeded quota:") && resource.kind == "Deployment" ? ("quota-exceeded", FieldPath("spec.strategy"),
                    "give the ResourceQuota room for the surge (replicas + maxSurge pods and their requests), or roll with maxSurge: 0 and maxUnavailable: 1")
                : refusal.contains("exceeded quota:") ? ("quota-exceeded", FieldPath("spec.template.spec"),
                    "give the ResourceQuota room for every pod of the rollout (and the surge, if any)")
                : refusal.contains("failed quota:") ? ("quota-needs-resources", FieldPath("spec.template.spec.containers[0].resources"),
                    "set the requests and limits the quota tracks on every container, or give the namespace a LimitRange with defaults")
                : refusal.contains("violates PodSecurity") ? ("pod-security", FieldPath("spec.template.spec"),
                    "give the pods the securityContext the namespace's Pod Security level asks for (allowPrivilegeEscalation: false, capabilities drop ALL, runAsNonRoot, seccompProfile RuntimeDefault for restricted)")
                : refusal.contains("persistentvolumeclaims \"") ? ("limit-range", FieldPath("spec.volumeClaimTemplates"),
                    "keep each claim's storage request within the namespace's LimitRange (rollout describe limitrange)")
                : ("limit-range", FieldPath("spec.template.spec.containers[0].resources"),
                    "keep each container's requests and limits within the namespace's LimitRange (rollout describe limitrange)")
            let anchor = document.flatMap { path.location(in: $0.node) ?? FieldPath("spec").location(in: $0.node) }
            hazards.append(Hazard(code: code, severity: .error, object: resource.qualifiedName, path: path,
                                  message: "the API server refused \(refusal.hasPrefix("replicasets.apps \"") ? "the new ReplicaSet" : "pods") during the rollout: \(refusal)", fix: fix, file: document?.source ?? "", location: anchor))
        }
        // A LoadBalancer in front of a planned Deployment that stays <pending>: nobody outside
        // reaches the app (k3s: Traefik holds 80 and 443).
        for key in cluster.services.keys.sorted() {
            guard let service = cluster.services[key], let why = ServiceLoadBalancer.unreachable(key, in: cluster),
                  changedServices.contains(key) || affected.contains(where: { TrafficRecorder.services(selecting: $0, in: cluster).contains(key) }) else { continue }
            let document = documents.first { $0.value["metadata"]?["name"]?.stringValue == key.name && $0.value["kind"]?.stringValue == "Service" }
            hazards.append(Hazard(code: "load-balancer-pending", severity: .error, object: service.qualifiedName, path: FieldPath("spec.ports"),
                                  message: "clients outside cannot reach it: \(why)",
                                  fix: "use a port nobody holds, or route it through the Ingress controller that holds the port",
                                  file: document?.source ?? "", location: document.flatMap { FieldPath("spec.ports").location(in: $0.node) }))
        }
        // A LoadBalancer found pending says more than the port conflict lint saw in the manifests.
        let pending = Set(hazards.filter { $0.code == "load-balancer-pending" }.map(\.object))
        hazards.removeAll { $0.code == "load-balancer-port-conflict" && pending.contains($0.object) }
        var report = PlanReport(changes: changes, deployments: plans, traffic: traffic, rps: rps, hazards: hazards)
        report.diff = diff
        let replayed = Set(services)
        report.unreplayed = Set(keys.compactMap { cluster.deployments[$0] }.flatMap { TrafficRecorder.services(selecting: $0, in: cluster) })
            .subtracting(replayed).sorted().map(\.name)
        // Failed requests onto the timelines (as saving would), then the pictures.
        try cluster.save()
        for key in watched {
            if let timeline = try Timeline.load(store, deployment: key) {
                report.charts.append((key.name, TimelineChart.svg(timeline, title: "\(key.type.dropFirst("apps/".count).lowercased()).apps/\(key.name), revision \(timeline.revision) (planned)")))
            }
        }
        return report
    }

    /// `25% of 3 = 0.75, rounded up to 1`, or `an absolute 2`.
    /// A DaemonSet's line of the plan: surge and unavailability of the nodes that run it, both
    /// rounded up (SurgeCount, UnavailableCount).
    static func daemonSetPlan(_ resource: Resource, key: ObjectKey, in cluster: Cluster, changed: Bool, outcome: RolloutWait.Outcome?, duration: Double) -> PlanReport.DeploymentPlan {
        var reader = FieldReader()
        let ds = DaemonSet(resource, reader: &reader)
        let samples = cluster.timelines[key]?.samples ?? []
        let desired = ds.status.desiredNumberScheduled
        var text = "unchanged"
        if changed {
            switch outcome ?? .timedOut {
            case .done: text = "complete"
            case .failed(let message):
                text = message.contains("CrashLoopBackOff") ? "failed: CrashLoopBackOff" : message.contains("ImagePullBackOff") ? "failed: ImagePullBackOff" : "failed: \(message)"
            case .timedOut: text = "failed: timed out"
            case .notFound: text = "deleted"
            }
        }
        let (surge, unavailable) = ds.rollingLimits(desired: desired)
        var surgeRounding = "OnDelete", unavailableRounding = "OnDelete: pods change only when deleted"
        if case .rollingUpdate(let u, let s) = ds.updateStrategy {
            func nodes(_ v: IntOrString) -> String { v.percent == nil ? "absolute, of \(desired) node\(desired == 1 ? "" : "s")" : rounding(v, of: desired, up: true) }
            surgeRounding = nodes(s)
            unavailableRounding = nodes(u)
            if (u.scaled(total: desired, roundUp: true) ?? 0) == 0 && unavailable == 1 { unavailableRounding += "; both 0, so 1 as the controller does" }
        }
        return PlanReport.DeploymentPlan(
            name: key.name, namespace: key.namespace, replicas: desired, maxSurge: surge, maxUnavailable: unavailable,
            surgeRounding: surgeRounding, unavailableRounding: unavailableRounding, durationSeconds: duration,
            maxPods: samples.map { $0.current + $0.terminating }.max() ?? desired,
            minAvailable: samples.map(\.available).min() ?? ds.status.numberAvailable, outcome: text, kind: "DaemonSet")
    }

    /// A StatefulSet's line of the plan: no surge, one pod at a time (none with OnDelete).
    static func statefulSetPlan(_ resource: Resource, key: ObjectKey, in cluster: Cluster, changed: Bool, outcome: RolloutWait.Outcome?, duration: Double) -> PlanReport.DeploymentPlan {
        var reader = FieldReader()
        let set = StatefulSet(resource, reader: &reader)
        let samples = cluster.timelines[key]?.samples ?? []
        var text = "unchanged"
        if changed {
            switch outcome ?? .timedOut {
            case .done: text = "complete"
            case .failed(let message):
                text = message.contains("CrashLoopBackOff") ? "failed: CrashLoopBackOff" : message.contains("ImagePullBackOff") ? "failed: ImagePullBackOff"
                    : message.contains("not Running and Ready") ? "failed: a pod never becomes Ready" : "failed: \(message)"
            case .timedOut: text = "failed: timed out"
            case .notFound: text = "deleted"
            }
        }
        var order = "one pod at a time, highest ordinal first"
        if set.partition > 0 { order += ", down to ordinal \(set.startOrdinal + set.partition)" }
        let onDelete: Bool = { if case .onDelete = set.updateStrategy { return true } else { return false } }()
        return PlanReport.DeploymentPlan(
            name: key.name, namespace: key.namespace, replicas: set.replicas, maxSurge: 0, maxUnavailable: onDelete ? 0 : min(1, set.replicas),
            surgeRounding: "a StatefulSet makes no extra pod", unavailableRounding: onDelete ? "OnDelete: pods change only when deleted" : order,
            durationSeconds: duration, maxPods: samples.map { $0.current + $0.terminating }.max() ?? set.replicas,
            minAvailable: samples.map(\.available).min() ?? set.status.availableReplicas, outcome: text, kind: "StatefulSet")
    }

    static func rounding(_ value: IntOrString, of total: Int, up: Bool) -> String {
        guard let p = value.percent else { return "absolute" }
        let exact = Double(p) * Double(total) / 100
        let result = value.scaled(total: total, roundUp: up) ?? 0
        if exact == exact.rounded() { return "\(p)% of \(total)" }
        return "\(p)% of \(total) = \(JSONWriter.formatFloat(exact)), rounded \(up ? "up" : "down") to \(result)"
    }
}

extension TrafficRecorder.ServiceTraffic {
    /// `service/web-api: 150 requests at 10/s, 12 failed` and a line per failure window, for
    /// each route: how `plan` prints its traffic.
    static func text(_ traffic: [TrafficRecorder.ServiceTraffic], rps: Int) -> String {
        var out = ""
        for s in traffic {
            out += "\(s.route.label): \(s.requests) requests at \(rps)/s, \(s.failed) failed\n"
            for w in s.windows {
                let span = w.start == w.end ? "t=\(TrafficRecorder.seconds(w.start))" : "t=\(TrafficRecorder.seconds(w.start))–\(TrafficRecorder.seconds(w.end))"
                out += "  \(span): \(w.failed) failed, \(w.reason)\n"
            }
        }
        return out
    }

    /// The route's figures as `plan -o json` prints them.
    var json: Value {
        .object(Object([
            "name": .string(service.name), "namespace": .string(service.namespace),
            "ingress": route.ingress.map { .object(Object(["name": .string($0.name), "host": .string(route.host), "path": .string(route.path)])) } ?? .null,
            "requests": .int(requests), "failed": .int(failed),
            "windows": .array(windows.map { .object(Object(["start": .float(Double($0.start) / 1000), "end": .float(Double($0.end) / 1000),
                                                            "failed": .int($0.failed), "reason": .string($0.reason)])) }),
        ]))
    }
}

/// The availability of a Deployment over virtual time during its last rollout: one sample per
/// moment the counts changed (SPEC §4 `timeline`). Recorded while time runs, kept in the state
/// as a `RolloutTimeline` object named after the Deployment.
public struct Timeline: Equatable, Sendable {
    public struct Sample: Equatable, Sendable {
        /// Seconds of virtual time since the rollout started.
        public var t: Double
        public var desired: Int
        /// Pods not terminating.
        public var current: Int
        public var terminating: Int
        public var updated: Int
        public var ready: Int
        public var available: Int
        public var oldReady: Int
        public var newReady: Int
        /// Ready addresses the Services selecting these pods publish.
        public var endpoints: Int
        /// The most pods that existed at once during this moment (a pod created and gone at
        /// one instant counts); at least `current + terminating`.
        public var peak: Int

        /// Pods at the end of the moment.
        public var pods: Int { current + terminating }

        func sameCounts(_ o: Sample) -> Bool {
            [desired, current, terminating, updated, ready, available, oldReady, newReady, endpoints, peak]
                == [o.desired, o.current, o.terminating, o.updated, o.ready, o.available, o.oldReady, o.newReady, o.endpoints, o.peak]
        }

        public var json: Value {
            var o = Object([
                "t": t == t.rounded() && abs(t) < 1e15 ? .int(Int(t)) : .float(t), "desired": .int(desired), "current": .int(current),
                "terminating": .int(terminating), "updated": .int(updated), "ready": .int(ready), "available": .int(available),
                "oldReady": .int(oldReady), "newReady": .int(newReady), "endpoints": .int(endpoints),
            ])
            // Only when pods came and went within the moment.
            if peak > pods { o["peak"] = .int(peak) }
            return .object(o)
        }

        public init(desired: Int, current: Int, terminating: Int, updated: Int, ready: Int, available: Int, oldReady: Int, newReady: Int, endpoints: Int, t: Double,
                    peak: Int? = nil) {
            self.t = t
            self.peak = max(peak ?? 0, current + terminating)
            self.desired = desired
            self.current = current
            self.terminating = terminating
            self.updated = updated
            self.ready = ready
            self.available = available
            self.oldReady = oldReady
            self.newReady = newReady
            self.endpoints = endpoints
        }

        init?(_ v: Value) {
            guard let t = v["t"].flatMap({ $0.intValue.map(Double.init) ?? { if case .float(let d) = $0 { return d } else { return nil } }($0) }) else { return nil }
            let n = { (k: String) in v[k]?.intValue ?? 0 }
            self.init(desired: n("desired"), current: n("current"), terminating: n("terminating"), updated: n("updated"), ready: n("ready"),
                      available: n("available"), oldReady: n("oldReady"), newReady: n("newReady"), endpoints: n("endpoints"), t: t,
                      peak: v["peak"]?.intValue)
        }
    }

    public var revision: Int
    public var start: Timestamp
    public var samples: [Sample]
    /// Failed requests through the Services in front, when traffic was replayed: windows in
    /// milliseconds since `start`.
    public var failures: [TrafficRecorder.Window] = []
    /// The counts just before the rollout began (the previous rollout's last moment), for charts.
    public var before: Sample?
    /// The bounds drawn on charts: replicas + maxSurge and replicas − maxUnavailable.
    public var maxPods: Int = 0
    public var minAvailable: Int = 0
    /// What the rollout changed, for a picture's header: `image app:1 → app:2, 3 replicas,
    /// RollingUpdate (maxSurge 1, maxUnavailable 0)`.
    public var change: String = ""

    static let type = ResourceType.forObject(apiVersion: "rollout.dev/v1alpha1", kind: "RolloutTimeline")

    func resource(name: String, namespace: String) -> Resource {
        var r = Resource(Object([
            "apiVersion": .string("rollout.dev/v1alpha1"), "kind": .string("RolloutTimeline"),
            "metadata": .object(Object(["name": .string(name), "namespace": .string(namespace), "creationTimestamp": .string(start.description)])),
            "revision": .int(revision), "start": .string(start.description),
            "maxPods": .int(maxPods), "minAvailable": .int(minAvailable),
            "samples": .array(samples.map(\.json)),
            "before": before.map(\.json) ?? .null,
            "failures": .array(failures.map { .object(Object(["start": .int($0.start), "end": .int($0.end), "failed": .int($0.failed), "reason": .string($0.reason)])) }),
            "change": .string(change),
        ]))
        if name.hasPrefix(Self.statefulSetPrefix) { r.object["workload"] = .string("StatefulSet") }
        if name.hasPrefix(Self.daemonSetPrefix) { r.object["workload"] = .string("DaemonSet") }
        return r
    }

    public init(revision: Int, start: Timestamp, samples: [Sample], failures: [TrafficRecorder.Window] = [], maxPods: Int = 0, minAvailable: Int = 0,
                before: Sample? = nil) {
        self.before = before
        self.revision = revision
        self.start = start
        self.samples = samples
        self.failures = failures
        self.maxPods = maxPods
        self.minAvailable = minAvailable
    }

    init?(_ r: Resource) {
        guard let start = r.object["start"]?.stringValue.flatMap(Timestamp.init(parsing:)) else { return nil }
        revision = r.object["revision"]?.intValue ?? 0
        self.start = start
        samples = (r.object["samples"]?.arrayValue ?? []).compactMap(Sample.init)
        before = r.object["before"].flatMap(Sample.init)
        maxPods = r.object["maxPods"]?.intValue ?? 0
        minAvailable = r.object["minAvailable"]?.intValue ?? 0
        change = r.object["change"]?.stringValue ?? ""
        failures = (r.object["failures"]?.arrayValue ?? []).compactMap { w in
            guard let start = w["start"]?.intValue, let end = w["end"]?.intValue else { return nil }
            return TrafficRecorder.Window(start: start, end: end, reason: w["reason"]?.stringValue ?? "", failed: w["failed"]?.intValue ?? 0)
        }
    }

    /// Reads the stored timeline of a Deployment or StatefulSet.
    public static func load(_ store: StateStore, deployment key: ObjectKey) throws(StoreError) -> Timeline? {
        try store.get(ObjectKey(type: type.storageKey, namespace: key.namespace, name: storedName(key))).flatMap(Timeline.init)
    }

    static let statefulSetPrefix = "statefulset:"

    /// A Deployment's timeline is stored under its name, a StatefulSet's under
    /// `statefulset:NAME`, a DaemonSet's under `daemonset:NAME` (a colon no object name has),
    /// with `workload` naming the kind.
    static let daemonSetPrefix = "daemonset:"

    static func storedName(_ key: ObjectKey) -> String {
        switch key.type {
        case StatefulSetController.type.storageKey: return statefulSetPrefix + key.name
        case DaemonSetController.type.storageKey: return daemonSetPrefix + key.name
        default: return key.name
        }
    }

    /// The workload a stored timeline is of.
    static func workloadKey(_ stored: Resource) -> ObjectKey {
        let namespace = stored.namespace ?? "default"
        if stored.object["workload"]?.stringValue == "StatefulSet", stored.name.hasPrefix(statefulSetPrefix) {
            return ObjectKey(type: StatefulSetController.type.storageKey, namespace: namespace, name: String(stored.name.dropFirst(statefulSetPrefix.count)))
        }
        if stored.object["workload"]?.stringValue == "DaemonSet", stored.name.hasPrefix(daemonSetPrefix) {
            return ObjectKey(type: DaemonSetController.type.storageKey, namespace: namespace, name: String(stored.name.dropFirst(daemonSetPrefix.count)))
        }
        return ObjectKey(type: Cluster.deploymentType.storageKey, namespace: namespace, name: stored.name)
    }
}

extension Cluster {
    /// `image app:1 → app:2, 3 replicas, RollingUpdate (maxSurge 1, maxUnavailable 0)`: the
    /// images of the previous ReplicaSet and the new template, and the strategy.
    func changeSummary(_ resource: Resource, deployment d: Deployment, shape: DeploymentShape) -> String {
        let template = resource.object["spec"]?["template"]?.objectValue ?? Object()
        func images(_ t: Object) -> String {
            (t["spec"]?["containers"]?.arrayValue ?? []).compactMap { $0["image"]?.stringValue }.joined(separator: ", ")
        }
        let sets = replicaSets(ownedBy: resource.uid)
        let new = sets.first { templatesEqual($0.template, template) }
        let previous = sets.filter { $0.uid != new?.uid }.max { $0.revision < $1.revision }
        let now = images(template)
        /// `repo:1.4.2 → 1.5.0` when only the tag changed.
        func arrow(_ old: String, _ new: String) -> String {
            if old == new { return new }
            if let o = old.lastIndex(of: ":"), let n = new.lastIndex(of: ":"), old[..<o] == new[..<n], !old.contains(","), !old[o...].contains("/") {
                return "\(old) → \(new[new.index(after: n)...])"
            }
            return "\(old) → \(new)"
        }
        var parts = ["image " + (previous.map { arrow(images($0.template), now) } ?? now)]
        parts.append("\(d.replicas) replica\(d.replicas == 1 ? "" : "s")")
        if case .rollingUpdate = d.strategy {
            parts.append("RollingUpdate (maxSurge \(DeploymentMath.maxSurge(shape)), maxUnavailable \(DeploymentMath.maxUnavailable(shape)))")
        } else {
            parts.append("Recreate")
        }
        return parts.joined(separator: ", ")
    }

    /// Adds a sample for every Deployment whose counts changed; a new revision starts a new
    /// timeline.
    func recordTimelines() {
        // Only the Deployments something happened to (`timelinesToSample`): for the others the
        // counts are the ones last sampled, which adds nothing.
        guard sampleEveryTimeline || !timelinesToSample.isEmpty else { return }
        let due = timelinesToSample
        let all = sampleEveryTimeline
        timelinesToSample = []
        sampleEveryTimeline = false
        for (key, resource) in deployments where all || due.contains(resource.uid) {
            var revision = resource.annotation(DeploymentController.revisionAnnotation).flatMap(Int.init) ?? 0
            // A rollout begins when the template changes, not when its ReplicaSet appears: a
            // Recreate creates the new ReplicaSet only once every old pod is gone
            // (rolloutRecreate), and that wait is part of the rollout.
            let template = resource.object["spec"]?["template"]?.objectValue ?? Object()
            let owned = replicaSets(ownedBy: resource.uid)
            if revision > 0, resource.object["spec"]?["paused"]?.boolValue != true,
               !owned.contains(where: { templatesEqual($0.template, template) }) {
                revision += 1
            }
            guard revision > 0 else { continue }
            var timeline = self.timeline(key, revision: revision)
            let d = typed(resource)
            let shape = DeploymentShape(replicas: d.replicas, strategy: d.strategy)
            timeline.maxPods = d.replicas + DeploymentMath.maxSurge(shape)
            timeline.minAvailable = d.replicas - DeploymentMath.maxUnavailable(shape)
            if timeline.change.isEmpty { timeline.change = changeSummary(resource, deployment: d, shape: shape) }
            var sample = Timeline.Sample(desired: resource.object["spec"]?["replicas"]?.intValue ?? 1, current: 0, terminating: 0, updated: 0, ready: 0,
                                         available: 0, oldReady: 0, newReady: 0, endpoints: 0, t: Double(now.milliseconds - timeline.start.milliseconds) / 1000)
            // Each ReplicaSet's pods as its counts have them (PodCounts, kept as the pods
            // change): not terminating (`isActive`), of those Ready, and Ready with a time —
            // available when minReadySeconds is 0; and terminating. Its pods are visited only
            // for a later availability, which moves with the clock.
            for rs in owned {
                let isNew = templatesEqual(rs.template, template)
                let counts = podCounts(of: rs.uid)
                #if DEBUG
                Self.verifySample(counts, of: pods(ownedBy: rs.uid), replicaSet: rs.name)
                #endif
                sample.terminating += counts.terminating
                sample.current += counts.active
                if isNew { sample.updated += counts.active }
                sample.ready += counts.ready
                if isNew { sample.newReady += counts.ready } else { sample.oldReady += counts.ready }
                if rs.minReadySeconds == 0 {
                    sample.available += counts.readyWithTime
                } else {
                    for pod in pods(ownedBy: rs.uid) where pod.isActive && pod.isAvailable(minReadySeconds: rs.minReadySeconds, now: now) {
                        sample.available += 1
                    }
                }
            }
            finishSample(&sample, of: resource, template: template, timeline: timeline, key: key)
        }
        recordStatefulSetTimelines(all: all, due: due)
        recordDaemonSetTimelines(all: all, due: due)
    }

    #if DEBUG
    /// Debug builds check the counts a sample reads against the ReplicaSet's pods, as a visit
    /// of each counts them: not gone, terminating or not, Ready, and Ready with a time.
    static func verifySample(_ counts: PodCounts, of pods: [SimPod], replicaSet: String) {
        var terminating = 0, current = 0, ready = 0, readyWithTime = 0
        for pod in pods where !pod.gone {
            if pod.isTerminating { terminating += 1; continue }
            current += 1
            if pod.ready { ready += 1 }
            if pod.isAvailable(minReadySeconds: 0, now: Timestamp(milliseconds: 0)) { readyWithTime += 1 }
        }
        precondition(counts.terminating == terminating && counts.active == current && counts.ready == ready && counts.readyWithTime == readyWithTime,
                     "timeline: kept pod counts of ReplicaSet \(replicaSet) differ from its pods")
    }
    #endif

    /// Completes a workload's sample — its peak, the endpoints in front of it — and adds it to
    /// the timeline as a new moment, or in place of this instant's earlier one.
    func finishSample(_ sample: inout Timeline.Sample, of resource: Resource, template: Object, timeline: Timeline, key: ObjectKey) {
        var timeline = timeline
        // Pods that came and went within the moment: more at once than at its start or end.
        let before = timeline.samples.last?.pods ?? 0
        sample.peak = sample.pods
        let count = liveCount(resource.uid)
        if count.peak > max(before, sample.pods) { sample.peak = count.peak }
        count.peak = sample.pods
        // The ready endpoints of the first Service (by namespace and name) selecting its
        // pods, as its published EndpointSlices list them: the same addresses as its
        // Endpoints' `addresses`, but all of them past the Endpoints' 1,000 (a state from
        // before slices: its Endpoints, until the slices are published).
        let labels = stringMap(template["metadata"]?["labels"])
        if let service = servicePods.services(selecting: labels, namespace: resource.namespace ?? "default").first {
            timelineServiceReaders[service, default: []].insert(resource.uid)
            let endpointsKey = ObjectKey(type: Cluster.endpointsType.storageKey, namespace: service.namespace, name: service.name)
            if endpointSlices[endpointsKey] != nil {
                sample.endpoints += KubeProxy.choice(endpointsKey, in: self).readyCount
            } else {
                for subset in endpoints[endpointsKey]?.object["subsets"]?.arrayValue ?? [] {
                    sample.endpoints += (subset["addresses"]?.arrayValue ?? []).count
                }
            }
        }
        if let last = timeline.samples.last, last.sameCounts(sample) { timelines[key] = timeline; return }
        // Several passes at one instant make one moment: keep its final counts and its peak.
        if let last = timeline.samples.last, last.t == sample.t {
            sample.peak = max(sample.peak, last.peak)
            timeline.samples.removeLast()
        }
        if let last = timeline.samples.last, last.sameCounts(sample) { timelines[key] = timeline; dirtyTimelines.insert(key); return }
        timeline.samples.append(sample)
        timelines[key] = timeline
        dirtyTimelines.insert(key)
    }

    /// The workload's timeline for the rollout to `revision`: the one under way, or a new one
    /// that starts now, the last one's final moment before it (its pods all old ones now).
    func timeline(_ key: ObjectKey, revision: Int) -> Timeline {
        guard let timeline = timelines[key], timeline.revision != revision else {
            return timelines[key] ?? Timeline(revision: revision, start: now, samples: [])
        }
        var previous = timeline.samples.last
        if let p = previous {
            previous?.oldReady = p.oldReady + p.newReady
            previous?.newReady = 0
            previous?.updated = 0
        }
        var next = Timeline(revision: revision, start: now, samples: [])
        next.before = previous
        return next
    }

    /// A StatefulSet's or DaemonSet's pods counted for a sample, `isNew` telling the updated.
    func count(_ resource: Resource, desired: Int, minReadySeconds: Int, since start: Timestamp, isNew: (SimPod) -> Bool) -> Timeline.Sample {
        var sample = Timeline.Sample(desired: desired, current: 0, terminating: 0, updated: 0, ready: 0, available: 0, oldReady: 0, newReady: 0,
                                     endpoints: 0, t: Double(now.milliseconds - start.milliseconds) / 1000)
        for pod in pods(ownedBy: resource.uid) where !pod.gone {
            if pod.isTerminating { sample.terminating += 1; continue }
            let new = isNew(pod)
            sample.current += 1
            if new { sample.updated += 1 }
            if pod.ready {
                sample.ready += 1
                if new { sample.newReady += 1 } else { sample.oldReady += 1 }
            }
            if pod.isAvailable(minReadySeconds: minReadySeconds, now: now) { sample.available += 1 }
        }
        return sample
    }

    /// The images of a revision's template, as a timeline's change line shows them.
    func images(_ revision: Resource?) -> String {
        (revision.map(StatefulSetUtils.template)?["spec"]?["containers"]?.arrayValue ?? []).compactMap { $0["image"]?.stringValue }.joined(separator: ", ")
    }

    /// A DaemonSet's rollouts, numbered by its current revision: one pod per node that should
    /// run one, at most maxSurge more, at least maxUnavailable fewer available.
    func recordDaemonSetTimelines(all: Bool, due: MarkSet<String>) {
        for (key, resource) in daemonSets where all || due.contains(resource.uid) {
            var reader = FieldReader()
            let ds = DaemonSet(resource, reader: &reader)
            let template = (resource.object["spec"]?["template"]?.objectValue ?? Object()).withoutNulls
            let data = StatefulSetUtils.patch(template: template)
            let owned = revisions(in: resource.namespace ?? "default").filter { $0.ownerReferences.contains { $0.uid == resource.uid } }
            guard let current = owned.first(where: { ControllerHistory.equal($0.object["data"], data) }) else { continue }
            let number = ControllerHistory.number(current)
            var timeline = self.timeline(key, revision: number)
            let desired = ds.status.desiredNumberScheduled
            let (surge, unavailable) = ds.rollingLimits(desired: desired)
            timeline.maxPods = desired + surge
            timeline.minAvailable = max(0, desired - unavailable)
            if timeline.change.isEmpty {
                let previous = owned.filter { $0.name != current.name }.max { ControllerHistory.number($0) < ControllerHistory.number($1) }
                let old = images(previous), new = images(current)
                var parts = ["image " + (old.isEmpty || old == new ? new : "\(old) → \(new)"), "\(desired) node\(desired == 1 ? "" : "s")"]
                switch ds.updateStrategy {
                case .onDelete: parts.append("OnDelete")
                case .rollingUpdate: parts.append("RollingUpdate (maxSurge \(surge), maxUnavailable \(unavailable))")
                }
                timeline.change = parts.joined(separator: ", ")
            }
            let generation = String(DaemonSet.templateGeneration(resource))
            let hash = current.labels[DaemonSetController.hashLabel] ?? ""
            var sample = count(resource, desired: desired, minReadySeconds: ds.minReadySeconds, since: timeline.start) {
                $0.labels[DaemonSetController.hashLabel] == hash || $0.labels[DaemonSetController.generationLabel] == generation
            }
            finishSample(&sample, of: resource, template: template, timeline: timeline, key: key)
        }
    }

    /// A StatefulSet's rollouts, numbered by its update revision's number: at most
    /// `replicas` pods (no surge), one unavailable at a time.
    func recordStatefulSetTimelines(all: Bool, due: MarkSet<String>) {
        for (key, resource) in statefulSets where all || due.contains(resource.uid) {
            var reader = FieldReader()
            let set = StatefulSet(resource, reader: &reader)
            let namespace = resource.namespace ?? "default"
            func revision(_ name: String) -> Resource? {
                name.isEmpty ? nil : controllerRevisions[ObjectKey(type: ControllerHistory.type.storageKey, namespace: namespace, name: name)]
            }
            guard let update = revision(set.status.updateRevision) else { continue }
            let number = ControllerHistory.number(update)
            var timeline = self.timeline(key, revision: number)
            timeline.maxPods = set.replicas
            timeline.minAvailable = max(0, set.replicas - 1)
            if timeline.change.isEmpty {
                let current = revision(set.status.currentRevision)
                let old = current?.name == update.name ? "" : images(current), new = images(update)
                var parts = ["image " + (old.isEmpty || old == new ? new : "\(old) → \(new)")]
                parts.append("\(set.replicas) replica\(set.replicas == 1 ? "" : "s")")
                switch set.updateStrategy {
                case .onDelete: parts.append("OnDelete")
                case .rollingUpdate: parts.append("RollingUpdate (one pod at a time, highest ordinal first\(set.partition > 0 ? ", partition \(set.partition)" : ""))")
                }
                parts.append(set.podManagementPolicy)
                timeline.change = parts.joined(separator: ", ")
            }
            var sample = count(resource, desired: set.replicas, minReadySeconds: set.minReadySeconds, since: timeline.start) {
                StatefulSetUtils.revision(of: $0) == update.name
            }
            finishSample(&sample, of: resource, template: resource.object["spec"]?["template"]?.objectValue ?? Object(), timeline: timeline, key: key)
        }
    }
}

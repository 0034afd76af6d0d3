/// The DaemonSet's rolling update, history and status (`pkg/controller/daemon/update.go`:
/// rollingUpdate, updatedDesiredNodeCounts, findUpdatedPodsOnNode, constructHistory,
/// cleanupHistory; `daemon_controller.go` updateDaemonSetStatus). Nodes are taken in name
/// order where upstream ranges over a map (an order Go randomises): which nodes go first
/// differs, how many go at once does not.
extension DaemonSetSync {
    /// `updatedDesiredNodeCounts`: the surge and the unavailability allowed, both rounded up
    /// (`GetScaledValueFromIntOrPercent(…, true)` in SurgeCount and UnavailableCount), and the
    /// nodes that should run a pod; both 0 is taken as 1 unavailable.
    func desiredCounts(_ byNode: inout [String: [SimPod]]) -> (surge: Int, unavailable: Int, desired: Int) {
        let r = requirements
        let nodeName = resource.object["spec"]?["template"]?["spec"]?["nodeName"]?.stringValue
        var desired = 0
        for node in c.nodes where Self.shouldRun(r, nodeName: nodeName, on: node).run {
            desired += 1
            if byNode[node.name] == nil { byNode[node.name] = [] }
        }
        let (surge, unavailable) = ds.rollingLimits(desired: desired)
        return (surge, unavailable, desired)
    }

    /// `findUpdatedPodsOnNode`: the node's new and old pod (terminating ones left out); not ok
    /// with two of either.
    func updatedPods(_ pods: [SimPod], hash: String) -> (new: SimPod?, old: SimPod?, ok: Bool) {
        var new: SimPod?, old: SimPod?
        for pod in pods where !pod.isTerminating {
            if isUpdated(pod, hash: hash) {
                if new != nil { return (nil, nil, false) }
                new = pod
            } else {
                if old != nil { return (nil, nil, false) }
                old = pod
            }
        }
        return (new, old, true)
    }

    /// `rollingUpdate`.
    mutating func rollingUpdate(hash: String) {
        var byNode = podsByNode()
        let (maxSurge, maxUnavailable, desired) = desiredCounts(&byNode)
        let now = c.now
        func available(_ pod: SimPod) -> Bool { pod.isAvailable(minReadySeconds: ds.minReadySeconds, now: now) }
        let nodes = byNode.keys.sorted()
        if maxSurge == 0 {
            // Delete just enough old pods to stay within maxUnavailable; manage makes the new.
            var unavailable = 0
            var replacements: [SimPod] = [], candidates: [SimPod] = []
            for node in nodes {
                let (new, old, ok) = updatedPods(byNode[node] ?? [], hash: hash)
                guard ok else { unavailable += 1; continue }
                switch (new, old) {
                case (nil, nil), (.some, .some): unavailable += 1
                case (let new?, nil): if !available(new) { unavailable += 1 }
                case (nil, let old?):
                    if !available(old) {
                        replacements.append(old)
                        unavailable += 1
                    } else if unavailable < maxUnavailable {
                        candidates.append(old)
                    }
                }
            }
            let remaining = max(0, min(maxUnavailable - unavailable, candidates.count))
            syncNodes(delete: replacements + candidates.prefix(remaining), create: [], hash: hash)
            return
        }
        // Surging: a new pod beside each old one, up to maxSurge at once; an old pod goes once
        // the new one beside it is available. On a node the set should no longer run on, an
        // available old pod goes only while as many as should run stay available.
        let r = requirements
        let nodeName = resource.object["spec"]?["template"]?["spec"]?["nodeName"]?.stringValue
        func shouldRun(_ name: String) -> Bool { c.node(named: name).map { Self.shouldRun(r, nodeName: nodeName, on: $0).run } ?? false }
        var oldToDelete: [SimPod] = [], notRunToDelete: [SimPod] = []
        var candidateNodes: [String] = [], allowedNodes: [String] = []
        var surging = 0, availableCount = 0
        for node in nodes {
            let (new, old, ok) = updatedPods(byNode[node] ?? [], hash: hash)
            guard ok else { surging += 1; continue }
            if let old { if available(old) { availableCount += 1 } } else if let new, available(new) { availableCount += 1 }
            guard let old else { continue }
            guard let new else {
                if !available(old) {
                    if !shouldRun(node) { oldToDelete.append(old); continue }
                    allowedNodes.append(node)
                } else if !shouldRun(node) {
                    notRunToDelete.append(old)
                } else if surging < maxSurge {
                    candidateNodes.append(node)
                }
                continue
            }
            if !available(new) { surging += 1; continue }
            oldToDelete.append(old)
        }
        let deletable = availableCount - desired
        if deletable > 0 { oldToDelete += notRunToDelete.prefix(deletable) }
        let remaining = max(0, min(maxSurge - surging, candidateNodes.count))
        syncNodes(delete: oldToDelete, create: allowedNodes + candidateNodes.prefix(remaining), hash: hash)
    }

    // MARK: history

    /// `constructHistory`: the revision of the current template (made, or found by its data
    /// and brought to the newest number), and the others.
    mutating func constructHistory() -> (current: Resource, old: [Resource]) {
        let namespace = resource.namespace ?? "default"
        let template = (resource.object["spec"]?["template"]?.objectValue ?? Object()).withoutNulls
        let data = StatefulSetUtils.patch(template: template)
        let all = ControllerHistory.sorted(c.revisions(in: namespace).filter { $0.ownerReferences.contains { $0.uid == resource.uid } })
        let matching = all.filter { ControllerHistory.equal($0.object["data"], data) }
        let old = all.filter { !ControllerHistory.equal($0.object["data"], data) }
        let next = (old.map(ControllerHistory.number).max() ?? 0) + 1
        if !matching.isEmpty {
            // dedupCurHistories: the highest revision is kept.
            var current = matching.max { ControllerHistory.number($0) < ControllerHistory.number($1) } ?? matching[0]
            for duplicate in matching where duplicate.name != current.name { c.deleteRevision(duplicate.key) }
            if ControllerHistory.number(current) < next {
                current.object["revision"] = .int(next)
                c.putRevision(current)
            }
            return (current, old)
        }
        // snapshot: `ComputeHash(&ds.Spec.Template, ds.Status.CollisionCount)`, named `NAME-HASH`.
        var collision = resource.object["status"]?["collisionCount"]?.intValue
        while true {
            let hash = DeploymentController.templateHash(template, collisionCount: collision)
            let name = ControllerHistory.name(prefix: resource.name, hash: hash)
            let key = ObjectKey(type: ControllerHistory.type.storageKey, namespace: namespace, name: name)
            if let taken = c.controllerRevisions[key], !ControllerHistory.equal(taken.object["data"], data) {
                collision = (collision ?? 0) + 1
                continue
            }
            let revision = ControllerHistory.make(owner: resource, name: name, label: (DaemonSetController.hashLabel, hash), template: template, data: data, number: next, in: c)
            c.putRevision(revision)
            if let collision, collision != resource.object["status"]?["collisionCount"]?.intValue {
                resource.object.set(["status", "collisionCount"], .int(collision))
                c.updateDaemonSet(resource)
            }
            return (revision, old)
        }
    }

    /// `cleanupHistory`: beyond `revisionHistoryLimit` old revisions, the oldest go, but not
    /// one a pod (terminating ones included) still has the hash of.
    func cleanupHistory(_ old: [Resource], hash: String) {
        var toKill = old.count - ds.revisionHistoryLimit
        guard toKill > 0 else { return }
        let live = Set(c.pods(ownedBy: resource.uid).filter { !$0.gone }.compactMap { $0.labels[DaemonSetController.hashLabel] })
        for revision in ControllerHistory.sorted(old) where toKill > 0 {
            if live.contains(revision.labels[DaemonSetController.hashLabel] ?? "") { continue }
            c.deleteRevision(revision.key)
            toKill -= 1
        }
    }

    // MARK: status

    /// `updateDaemonSetStatus`: per node that should run a pod, its oldest pod counted.
    mutating func updateStatus(hash: String, observe: Bool) {
        let byNode = podsByNode()
        let r = requirements
        let nodeName = resource.object["spec"]?["template"]?["spec"]?["nodeName"]?.stringValue
        var s = DaemonSetStatus()
        for node in c.nodes {
            let pods = byNode[node.name] ?? []
            if Self.shouldRun(r, nodeName: nodeName, on: node).run {
                s.desiredNumberScheduled += 1
                guard let pod = pods.first else { continue }
                s.currentNumberScheduled += 1
                if pod.ready {
                    s.numberReady += 1
                    if pod.isAvailable(minReadySeconds: ds.minReadySeconds, now: c.now) { s.numberAvailable += 1 }
                }
                if isUpdated(pod, hash: hash) { s.updatedNumberScheduled += 1 }
            } else if !pods.isEmpty {
                s.numberMisscheduled += 1
            }
        }
        s.numberUnavailable = s.desiredNumberScheduled - s.numberAvailable
        s.observedGeneration = observe ? resource.generation : ds.status.observedGeneration
        // storeDaemonSetStatus: written only when something moved.
        if s != ds.status {
            var statusObject = s.object
            for key in ["collisionCount", "conditions"] { if let v = resource.object["status"]?[key] { statusObject[key] = v } }
            resource.object["status"] = .object(statusObject)
            c.updateDaemonSet(resource)
            wrote = true
        }
        // A last look once minReadySeconds has passed (enqueueDaemonSetAfter).
        if ds.minReadySeconds > 0 && s.numberReady != s.numberAvailable {
            c.timers.add(.daemonSet(uid: resource.uid), at: c.now.adding(Duration(seconds: ds.minReadySeconds)).adding(Duration(milliseconds: 1)))
        }
    }
}

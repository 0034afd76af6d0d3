/// A simulated pod written compact (`CompactPod`) without making its object: what the store
/// keeps of it (`StoredPod`) and its listing row, read off the SimPod as `encoded(now:)` writes
/// them and `StoredPod(_:)` and `ListingRow(_:)` read them back — times through their text
/// (`Timestamp.readBack`), conditions and container statuses as `statusObject()` writes them.
/// A 10,000-replica rollout saves 10,000 such pods; making each object only to take it apart
/// again was a seventh of its instructions. Debug builds (the tests) check both against that
/// round trip at every save (`Cluster.save`).
extension SimPod {
    /// Whether `statusObject()` writes the scheduled form (conditions, IPs, container statuses).
    fileprivate var scheduledStatus: Bool { scheduledAt != nil && nodeName != nil }

    /// `spec.nodeName` as `encoded(now:)` writes it.
    private var specNodeName: String? { nodeName ?? template["spec"]?["nodeName"]?.stringValue }

    /// `StoredPod(encoded(now:))` stamped with `resourceVersion`.
    func stored(resourceVersion: Int) -> StoredPod {
        let createdBack = created.readBack ?? Timestamp(milliseconds: 0)
        func termination(_ t: SimContainer.Termination) -> SimContainer.Termination? {
            guard let finished = t.finishedAt.readBack else { return nil }
            return SimContainer.Termination(reason: t.reason, exitCode: t.exitCode, startedAt: t.startedAt.readBack ?? finished, finishedAt: finished)
        }
        var stored = StoredPod(
            name: name, namespace: namespace, uid: uid,
            owner: !ownerUID.isEmpty && Self.simulatedOwners.contains(ownerKind) ? StoredPod.Owner(kind: ownerKind, name: ownerName, uid: ownerUID) : nil,
            labels: labels, created: createdBack, nodeName: specNodeName, ip: nil, hostIP: nil, scheduledAt: nil, ready: false,
            readySince: nil, initializedAt: nil,
            disruption: disruption.map { StoredPod.Disruption(reason: $0.reason, message: $0.message, at: $0.at.readBack ?? createdBack) },
            admittedAt: nil, containers: [], deletion: nil, deletionGrace: nil, unschedulable: nil, resourceVersion: String(resourceVersion))
        if let scheduledAt, let nodeName {
            stored.ip = ip
            stored.hostIP = hostIP ?? nodeName
            stored.scheduledAt = scheduledAt.readBack
            let readyTime = (readySince ?? scheduledAt).readBack
            stored.ready = ready && readyTime != nil
            stored.readySince = readyTime
            stored.initializedAt = stored.scheduledAt == nil ? nil : initializedAt.flatMap(\.readBack)
            stored.admittedAt = admittedAt.flatMap(\.readBack)
            // (A pod's containers are few: their names are compared, not hashed into a set made
            // for each pod saved, which cost a thousand instructions; a set past 16.)
            let statuses = containerStatuses(init: true) + containerStatuses(init: false)
            var seen: Set<String>? = statuses.count > 16 ? [] : nil
            for (k, c) in statuses.enumerated() where seen?.insert(c.name).inserted ?? !statuses[..<k].contains(where: { $0.name == c.name }) {
                let state: SimContainer.State?
                switch c.state {
                case .running(let since): state = .running(since: since.readBack ?? createdBack)
                case .waiting: state = c.state
                case .terminated(let t): state = termination(t).map { .terminated($0) }
                }
                stored.containers.append(StoredPod.Container(name: c.name, restarts: max(0, c.restarts), ready: c.ready, state: state,
                                                             last: c.last.flatMap(termination), started: c.isRunning && c.started))
            }
        } else if nodeName == nil || behaviour.nodeName == nil {
            // (A pod made bound to a node no kubelet runs on has no PodScheduled condition.)
            stored.unschedulable = schedulingFailure
        }
        stored.nominated = nominatedNodeName
        if let deletion {
            let grace = behaviour.terminationGracePeriodSeconds
            stored.deletion = deletion.adding(Duration(seconds: grace)).readBack.map { Resource.deletionRequested(deadline: $0, grace: grace) }
            stored.deletionGrace = grace
        }
        return stored
    }

    /// `ListingRow(encoded(now:))`.
    func listingRow() -> ListingRow {
        ListingRow(namespace: namespace, name: name, labels: labels,
                   cells: TablePrinter.podCells(name: name, summary: PodSummary(printing: PrintedPod(simulated: self)), ip: scheduledStatus ? ip : nil,
                                                node: specNodeName, nominated: nominatedNodeName, created: created.readBack, gates: readinessGates))
    }

    /// READINESS GATES as `statusObject()` writes the gates' conditions: all passed while the
    /// pod is ready.
    fileprivate var readinessGates: (passed: Int, total: Int) {
        let total = behaviour.readinessGates.count
        return (scheduledStatus && ready ? total : 0, total)
    }

    /// The container statuses `statusObject()` writes (scheduled pods only): init containers'
    /// (regular and sidecar) or app containers', in order.
    fileprivate func containerStatuses(init: Bool) -> [SimContainer] {
        guard scheduledStatus else { return [] }
        let b = behaviour.containers
        return containers.indices.filter { $0 < b.count && (b[$0].role != .app) == `init` }.map { containers[$0] }
    }
}

extension PrintedPod {
    /// A SimPod as printPod would read its written object (`statusObject()`).
    init(simulated pod: SimPod) {
        func status(_ c: SimContainer) -> ContainerStatus {
            var terminated: Termination?
            if case .terminated(let t) = c.state { terminated = Termination(reason: t.reason, signal: nil, exitCode: t.exitCode) }
            return ContainerStatus(name: c.name, restartCount: c.restarts, lastFinished: c.last?.finishedAt.readBack, terminated: terminated,
                                   waitingReason: c.waitingReason, isRunning: c.isRunning, ready: c.ready, started: c.isRunning && c.started)
        }
        self.init(spec: PrintedPodSpec(pod.template["spec"]), phase: pod.phase, reason: nil, schedulingGated: false,
                  initialized: pod.scheduledStatus && pod.initializedAt != nil, readyCondition: pod.scheduledStatus && pod.ready,
                  initContainerStatuses: pod.containerStatuses(init: true).map(status),
                  containerStatuses: pod.containerStatuses(init: false).map(status), deleting: pod.deletion != nil)
    }
}

/// An event written compact without its object, as pods are (above): `SimEvent(loading:)` and
/// `ListingRow(_:)` of `encoded()`, checked against them by debug builds at every save.
extension SimEvent {
    /// `SimEvent(loading: encoded())`: its times to the second.
    var writtenForm: SimEvent {
        let firstBack = first.readBack ?? Timestamp(milliseconds: 0)
        return SimEvent(namespace: namespace, involvedKind: involvedKind, involvedName: involvedName, involvedUID: involvedUID, type: type,
                        reason: reason, message: message, component: component, first: firstBack, last: last.readBack ?? firstBack,
                        count: count, name: name)
    }

    /// `ListingRow(encoded())`.
    func listingRow() -> ListingRow {
        ListingRow(namespace: namespace, name: name, labels: [:],
                   cells: TablePrinter.eventCells(lastSeen: last.readBack, type: type, reason: reason, kind: involvedKind, name: involvedName,
                                                  message: message))
    }
}

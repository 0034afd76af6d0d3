/// The scheduler, as kube-scheduler's default profile runs it (`pkg/scheduler/schedule_one.go`
/// schedulePod, findNodesThatFitPod, prioritizeNodes, selectHost): pending pods by priority,
/// then age (PrioritySort); for each, the filter plugins on every node (or, from 100 nodes on,
/// until enough feasible ones are found, from a rotating start: numFeasibleNodesToFind), the
/// score plugins on the feasible ones, and the best total. Ties are broken by a choice seeded by
/// the pod's uid where upstream picks at random. A pod that fits nowhere stays Pending with a
/// `FailedScheduling` event in the scheduler's words (FitError) and goes back to the queue,
/// tried again after a relevant cluster event and its back-off (SchedulingQueue) — unless
/// pods of lower priority can make room: then DefaultPreemption deletes them and nominates the
/// pod to their node (Preemption), which it is tried on first, the other pods of no higher
/// priority leaving it the room (RunFilterPluginsWithNominatedPods).
enum Scheduler {
    static func schedule(in c: Cluster) -> Bool {
        guard !c.unscheduled.isEmpty else { return false }
        let waiting = c.stillAwaitingNode()
        // The scheduling queue: a pod that failed is tried again after a cluster event it
        // cares about and its back-off, or after 5 minutes (SchedulingQueue).
        let pending = waiting.filter { pod in
            guard var entry = pod.queue else { return true }
            defer { pod.queue = entry }
            guard let ready = entry.readyAt(now: c.now, counts: c.schedulingEventCounts) else {
                c.wake(at: entry.flushTime)
                return false
            }
            if ready > c.now { c.wake(at: ready); return false }
            return true
        }
        if pending.isEmpty { return false }
        // Decoded once per template in a pass; what a placed pod takes is kept on it.
        var requirements: StringMap<PodRequirements> = [:]
        // The last ReplicaSet's: asked for pod after pod of one ReplicaSet, whose uid compares
        // equal at once where hashing it would not.
        var lastShared: (owner: String, requirements: PodRequirements)?
        func needs(_ pod: SimPod) -> PodRequirements {
            // A ReplicaSet's pods share one template; a StatefulSet's differ (hostname, claims)
            // and a DaemonSet's (the node each is pinned to).
            let shared = !pod.ownerUID.isEmpty && pod.ownerKind == "ReplicaSet"
            if shared, let last = lastShared, last.owner == pod.ownerUID { return last.requirements }
            let key = shared ? pod.ownerUID : "pod:" + pod.uid
            let r: PodRequirements
            if let known = requirements[key] {
                r = known
            } else {
                r = PodRequirements(template: pod.template)
                requirements[key] = r
            }
            if shared { lastShared = (pod.ownerUID, r) }
            return r
        }
        let index = c.nodeIndex
        // The pods preemption nominated to a node, waiting for it (the scheduler's nominator):
        // a pod of no higher priority leaves them their room there (addGENominatedPods).
        var nominated: [Int: [(uid: String, usage: PodUsage)]] = [:]
        for pod in waiting where !pod.gone {
            guard let node = pod.nominatedNodeName, let i = index[node] else { continue }
            nominated[i, default: []].append((pod.uid, needs(pod).usage))
        }
        // The pods on nodes, for inter-pod affinity: only when some pod has such terms.
        var placed: [PlacedPod] = []
        let affinityMatters = pending.contains { needs($0).hasPodAffinity || !needs($0).spread.isEmpty }
            || replicaSetsHavePodAffinity(c)
        // What every node's pods request, summed: kept between passes (`Cluster.nodeUsage`),
        // the nodes whose pods changed recounted, everything when a node changed.
        func summed(_ state: NodeState) -> NodeState {
            for pod in c.placements[state.node.name]?.pods ?? [] {
                #if DEBUG
                precondition(c.pods[pod.uid] === pod, "scheduler: node \(state.node.name) holds a pod \(pod.uid) the cluster does not")
                #endif
                guard !pod.gone else { continue }
                if pod.usage == nil { pod.usage = needs(pod).usage }
                if let usage = pod.usage { state.add(usage) }
            }
            return state
        }
        var kept: [NodeState]
        let zoneCount: Int
        // The same numbers in arrays, for the loops over the nodes; taken out of the cluster
        // while this pass changes them, and put back at the end.
        var table: NodeTable
        if let usage = c.nodeUsage, usage.nodeChanges == c.nodeChanges {
            kept = usage.states
            zoneCount = usage.zones
            table = usage.table
            c.nodeUsage = nil
            for name in c.usageChangedNodes {
                guard let i = index[name] else { continue }
                let fresh = NodeState(c.nodes[i])
                fresh.zoneIndex = kept[i].zoneIndex
                kept[i] = summed(fresh)
                table.set(i, kept[i])
            }
        } else {
            // Zones are numbered in the order of the nodes.
            var zoneNumbers: [String: Int] = [:]
            for node in c.nodes {
                guard let zone = node.labels["topology.kubernetes.io/zone"], zoneNumbers[zone] == nil else { continue }
                zoneNumbers[zone] = zoneNumbers.count
            }
            zoneCount = zoneNumbers.count
            kept = c.nodes.map { node in
                let state = NodeState(node)
                state.zoneIndex = state.zone.flatMap { zoneNumbers[$0] } ?? -1
                return summed(state)
            }
            table = NodeTable(kept)
        }
        c.recountedUsage()
        let nodeChanges = c.nodeChanges
        #if DEBUG
        verifyUsage(kept, table: table, summed: summed, in: c)
        #endif
        let states = kept
        if affinityMatters {
            for pod in c.pods.values where !pod.gone {
                guard let node = pod.nodeName, let i = index[node] else { continue }
                let theirs = needs(pod)
                placed.append(PlacedPod(labels: pod.labels, namespace: pod.namespace, node: i, antiAffinity: theirs.podAntiAffinity, terminating: pod.isTerminating,
                                        requirements: theirs.hasPodAffinity ? theirs : nil))
            }
        }
        // For the system default spreading: the pods (not terminating) of one owner per node.
        var spread = OwnerSpread(nodes: states.count, zones: zoneCount)
        // The scheduling queue's order (queuesort PrioritySort.Less): by priority, highest
        // first, then the earlier queued — here by creation, then name, then namespace: a total
        // order, so that pods queued at one instant are taken in the same order at every run
        // (the waiting pods come from a set, whose order is not). Each priority's pods (almost
        // always one priority) by `StringOrder`: times as integers and names by their packed
        // prefixes, not as Strings — the pods of a scale-up share their time and their names'
        // first bytes.
        let entries = pending.map { ($0, needs($0)) }
        var queue: [(SimPod, PodRequirements)] = []
        queue.reserveCapacity(entries.count)
        for (_, group) in Dictionary(grouping: entries.indices, by: { entries[$0].1.priority }).sorted(by: { $0.key > $1.key }) {
            let order = StringOrder.sortedIndices(count: group.count, number: { entries[group[$0]].0.created.milliseconds },
                                                  string: { entries[group[$0]].0.name }, tie: { a, b in
                let x = entries[group[a]].0.namespace, y = entries[group[b]].0.namespace
                return x != y ? x < y : nil
            })
            for i in order { queue.append(entries[group[i]]) }
        }
        var changed = false
        // The feasible nodes of each pod, in one buffer kept through the pass (up to
        // `numFeasibleNodesToFind` of them: 500 of 5,000 nodes, which grown for every pod was
        // ten allocations).
        let limit = numFeasibleNodesToFind(states.count)
        var feasible: [Int] = []
        feasible.reserveCapacity(min(limit, states.count))
        // Where the filter loop writes them first: through its buffer, not appended one by one
        // (each append asked whether the array was shared — 500 nodes for each of 150,000 pods).
        var found = [Int](repeating: 0, count: states.count)
        var resources = NodeScores.ResourceScores(nodes: states.count)
        // Where the best totals of a pod lie among its feasible nodes, and its nodes' spread
        // scores (`NodeScores.bestUntainted`), kept through the pass.
        var tiePlaces: [Int] = []
        var rawSpread: [Int] = []
        for (pod, r) in queue {
            // VolumeBinding's PreFilter: a claim that does not exist fails the pod on every
            // node, unresolvably (`volume_binding.go` PreFilter; the kubelet never sees it).
            if let claim = pod.behaviour.volumes.first(where: { $0.kind == .persistentVolumeClaim && c.configKeys("PersistentVolumeClaim", namespace: pod.namespace, name: $0.name) == nil }) {
                let n = c.nodes.count
                fail(pod, "0/\(n) nodes are available: persistentvolumeclaim \"\(claim.name)\" not found. preemption: 0/\(n) nodes are available: \(n) Preemption is not helpful for scheduling.", reasons: [], in: c)
                continue
            }
            guard !states.isEmpty else {
                fail(pod, "no nodes available to schedule pods", reasons: [], in: c)
                continue
            }
            let affinity = affinityMatters ? InterPodAffinity.context(r, labels: pod.labels, namespace: pod.namespace, placed: placed, nodes: states) : nil
            let topology = r.spread.isEmpty ? [] : PodTopologySpread.states(r, labels: pod.labels, namespace: pod.namespace, placed: placed, nodes: states)
            // findNodesThatPassFilters: from the rotating start, until enough nodes fit.
            feasible.removeAll(keepingCapacity: true)
            var failures: [Int: FilterFailure] = [:]
            var processed = 0
            // A pod with no filter of its own before NodeResourcesFit, asking for cpu and
            // memory only, fits an open node with room without `NodeFilters.check` being asked
            // (it says the same); every other case is asked.
            let plain = r.nodeName == nil && r.nodeSelector.isEmpty && r.requiredTerms == nil && r.hostPorts.isEmpty && r.checksOnlyCPUAndMemory
                && topology.isEmpty && affinity == nil && nominated.isEmpty
            // RunFilterPluginsWithNominatedPods: on a node with nominated pods of no lower
            // priority (other than this one), the filters run with them added.
            func fits(_ i: Int, _ state: NodeState) -> FilterFailure? {
                if let waiting = nominated[i] {
                    let others = waiting.filter { $0.uid != pod.uid && $0.usage.priority >= r.priority }
                    if !others.isEmpty {
                        let trial = state.copy()
                        for other in others { trial.add(other.usage) }
                        return NodeFilters.check(r, on: trial, spread: topology, affinity: affinity)
                    }
                }
                return NodeFilters.check(r, on: state, spread: topology, affinity: affinity)
            }
            // NodeAffinity's PreFilter: a pod that names its nodes is filtered on those alone (in
            // the nodes' order; upstream's is a set's); the others are absent from the
            // diagnosis. Names that conflict leave none (`pod affinity terms conflict`).
            let only = r.preFilterNodeNames.map { names in names.compactMap { index[$0] }.sorted() }
            // evaluateNominatedNode: the node preemption made room on is tried first, alone.
            let nominatedFit = pod.nominatedNodeName.flatMap { index[$0] }.flatMap { i in fits(i, states[i]) == nil ? i : nil }
            // (The index wraps by a compare, not a division per step: 500 steps for each of
            // 150,000 pods at Kubernetes' limits.)
            // (Such a pod's nodes are read one element each, `NodeTable.Room`, from a buffer.)
            let start = c.nextStartNodeIndex % states.count
            var count = 0
            let roomy = plain && table.room.count == states.count
            // Every room fits (NodeTable.everyRoomFits, mostly so): the nodes are the next
            // `limit` from the start, none asked.
            let everyRoomFits = roomy && nominatedFit == nil && only == nil && table.everyRoomFits(NodeTable.Room.Fit(r))
            if let nominatedFit {
                found[0] = nominatedFit
                count = 1
            } else if let only {
                for i in only {
                    processed += 1
                    if let failure = fits(i, states[i]) {
                        failures[i] = failure
                    } else if count < limit {
                        found[count] = i
                        count += 1
                    }
                }
            } else {
                found.withUnsafeMutableBufferPointer { buffer in table.room.withUnsafeBufferPointer { room in
                    // A node its room does not show fitting (every node, for a pod that is not
                    // plain) is asked of NodeFilters, which keeps why it fails.
                    func checked(_ i: Int) -> Bool {
                        guard let failure = fits(i, states[i]) else { return true }
                        failures[i] = failure
                        return false
                    }
                    // (The rooms are scanned by `NodeTable.Room.Fit.run`, which stops at a node
                    // whose room does not fit: a loop with nothing else in it, its counts kept in
                    // registers — 420 nodes for each of 100,000 pods, at 46–69 instructions a node when
                    // the counts were reloaded through their captures and the pod's class.)
                    let n = states.count
                    var i = start, scanned = 0, kept = 0
                    if everyRoomFits {
                        let take = min(limit, n)
                        for _ in 0..<take {
                            buffer[kept] = i
                            kept += 1
                            i += 1
                            if i == n { i = 0 }
                        }
                        scanned = take
                    }
                    if roomy {
                        let fit = NodeTable.Room.Fit(r)
                        while scanned < n && kept < limit {
                            fit.run(room, from: &i, scanned: &scanned, into: buffer, kept: &kept, limit: limit)
                            guard scanned < n && kept < limit else { break }
                            scanned += 1
                            if checked(i) {
                                buffer[kept] = i
                                kept += 1
                            }
                            i += 1
                            if i == n { i = 0 }
                        }
                        #if DEBUG
                        var k = start
                        for _ in 0..<scanned {
                            let s = states[k]
                            let fits = !s.node.unschedulable && s.schedulerTaints.isEmpty
                                && NodeFilters.fitsCPUAndMemory(r, pods: s.pods, maxPods: s.node.maxPods, cpu: s.cpu, allocatableCPU: s.node.cpuMillis,
                                                                memory: s.memory, allocatableMemory: s.node.memoryBytes)
                            precondition(room[k].fits(r) == fits && fit.fits(room[k]) == fits, "scheduler: node \(k)'s room is stale")
                            k = k + 1 == n ? 0 : k + 1
                        }
                        #endif
                    } else {
                        while scanned < n {
                            scanned += 1
                            if checked(i) {
                                buffer[kept] = i
                                kept += 1
                                if kept >= limit { break }
                            }
                            i += 1
                            if i == n { i = 0 }
                        }
                    }
                    count = kept
                    processed = scanned
                } }
            }
            feasible.append(contentsOf: found[0..<count])
            c.nextStartNodeIndex = (c.nextStartNodeIndex + processed) % states.count
            guard !feasible.isEmpty else {
                // PostFilter: DefaultPreemption.
                var message = FitError.message(nodes: states.count, failures: failures, absent: only.map { states.count - $0.count } ?? 0,
                                               preFilter: r.preFilterNodeNames?.isEmpty == true ? "pod affinity terms conflict" : nil)
                var nomination = pod.nominatedNodeName
                switch Preemption.preempt(pod, r, states: states, failures: failures, index: index, usage: { needs($0).usage }, fits: fits, in: c) {
                case .notEligible(let text):
                    message += " preemption: " + text
                case .notHelpful(let text):
                    message += " preemption: " + text
                    nomination = nil
                case .nominated(let candidate):
                    let node = states[candidate.node].node.name
                    Preemption.prepare(candidate, for: pod, priority: r.priority, node: node, usage: { needs($0).usage }, in: c)
                    nomination = node
                    // The pods of lower priority nominated there are no longer (prepare); the
                    // victims still hold the node until they are gone, and the pod waits.
                    nominated[candidate.node]?.removeAll { $0.usage.priority < r.priority }
                    nominated[candidate.node, default: []].append((pod.uid, r.usage))
                }
                if nomination != pod.nominatedNodeName, let old = pod.nominatedNodeName.flatMap({ index[$0] }) {
                    nominated[old]?.removeAll { $0.uid == pod.uid }
                }
                if nomination != pod.nominatedNodeName { c.updatePod(pod) { $0.nominatedNodeName = nomination } }
                fail(pod, message, reasons: Set(failures.values.flatMap(\.reasons)), in: c)
                continue
            }
            let chosen: Int
            if feasible.count == 1 {
                chosen = feasible[0]
            } else {
                let systemDefault = r.spread.isEmpty && !pod.ownerUID.isEmpty
                if systemDefault {
                    spread.count(pod.ownerUID, in: c, index: index, states: states)
                    #if DEBUG
                    spread.verify(in: c, index: index, states: states)
                    #endif
                }
                // selectHost among the best: the tie the seed picks, in feasible order.
                let ties: Int
                if systemDefault && !affinityMatters && r.preferredTerms.isEmpty,
                   let found = NodeScores.bestUntainted(r, counts: spread.counts, zoneCounts: spread.zoneCounts, feasible: feasible, table: table,
                                                        resources: &resources, raw: &rawSpread, tiePlaces: &tiePlaces) {
                    ties = found.ties
                    #if DEBUG
                    let totals = NodeScores.totals(r, counts: spread.counts, zoneCounts: spread.zoneCounts, feasible: feasible, states: states, table: table, resources: &resources)
                    let best = totals.max() ?? Int.min
                    precondition(found.best == best && Array(tiePlaces.prefix(ties)) == totals.indices.filter { totals[$0] == best },
                                 "scheduler: the untainted nodes' best differs from the totals'")
                    #endif
                } else {
                    let own = r.spread.isEmpty ? nil : PodTopologySpread.scores(topology, feasible: feasible, nodes: states)
                    let podAffinity = affinityMatters ? InterPodAffinity.scores(r, labels: pod.labels, namespace: pod.namespace, placed: placed, feasible: feasible, nodes: states) : nil
                    let totals = NodeScores.totals(r, counts: systemDefault ? spread.counts : nil, zoneCounts: systemDefault ? spread.zoneCounts : [], ownSpread: own,
                                                   podAffinity: podAffinity, feasible: feasible, states: states, table: table, resources: &resources)
                    // (Without a branch on the scores, which vary from node to node: the best by
                    // `max`, and the places of the ties written each time, the count moved on
                    // only for a tie.)
                    var best = Int.min
                    for total in totals { best = max(best, total) }
                    if tiePlaces.count < totals.count { tiePlaces = [Int](repeating: 0, count: totals.count) }
                    var counted = 0
                    for k in totals.indices {
                        tiePlaces[counted] = k
                        counted &+= totals[k] == best ? 1 : 0
                    }
                    ties = counted
                }
                chosen = feasible[tiePlaces[Int(seed(pod.uid) % UInt64(ties))]]
            }
            pod.usage = r.usage
            states[chosen].add(r.usage)
            table.set(chosen, states[chosen])
            resources.forget(chosen)
            if affinityMatters {
                placed.append(PlacedPod(labels: pod.labels, namespace: pod.namespace, node: chosen, antiAffinity: r.podAntiAffinity, terminating: false,
                                        requirements: r.hasPodAffinity ? r : nil))
            }
            spread.placed(pod.ownerUID, on: chosen, zone: states[chosen].zoneIndex)
            // Assumed: no longer a nominated pod (the nominator lets it go; the API keeps
            // `status.nominatedNodeName` in 1.32).
            if let old = pod.nominatedNodeName.flatMap({ index[$0] }) { nominated[old]?.removeAll { $0.uid == pod.uid } }
            bind(pod, to: states[chosen], at: chosen, in: c)
            changed = true
        }
        // The kept sums have the pods this pass bound: their nodes, marked by the binding, need
        // no recount (nothing else moved while it ran).
        c.recountedUsage()
        c.nodeUsage = (nodeChanges, kept, zoneCount, table)
        return changed
    }

    #if DEBUG
    /// Debug builds check, on clusters small enough to recount at every pass, that the sums
    /// kept between passes are what counting every node's pods again gives.
    static func verifyUsage(_ kept: [NodeState], table: NodeTable, summed: (NodeState) -> NodeState, in c: Cluster) {
        guard c.pods.count <= 2_000 else { return }
        let fresh = NodeTable(c.nodes.indices.map { i in
            let state = NodeState(c.nodes[i])
            state.zoneIndex = kept[i].zoneIndex
            let s = summed(state)
            precondition(s.lowestPriority == kept[i].lowestPriority && s.extended == kept[i].extended
                         && Set(s.ports) == Set(kept[i].ports) && s.ports.count == kept[i].ports.count, "scheduler: kept sums of node \(c.nodes[i].name) are stale")
            return s
        })
        precondition(fresh == table && NodeTable(kept) == table, "scheduler: kept node table is stale")
    }
    #endif

    /// Whether a ReplicaSet's template has pod affinity or anti-affinity (which bears on every
    /// later pod it matches: required anti-affinity as a filter, the rest in scoring).
    static func replicaSetsHavePodAffinity(_ c: Cluster) -> Bool {
        c.replicaSets.values.contains { rs in
            !rs.deleted && (rs.template["spec"]?["affinity"]?["podAntiAffinity"] != nil || rs.template["spec"]?["affinity"]?["podAffinity"] != nil)
        }
    }

    /// `numFeasibleNodesToFind` with the adaptive percentage (percentageOfNodesToScore 0):
    /// every node below 100; else 50 − nodes/125 percent, at least 5 %, at least 100 nodes.
    static func numFeasibleNodesToFind(_ n: Int) -> Int {
        if n < 100 { return n }
        let percentage = max(5, 50 - n / 125)
        return max(100, n * percentage / 100)
    }

    /// FNV-1a of the uid: the seeded tie-break.
    static func seed(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        text.withUTF8Bytes { for byte in $0 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 } }
        return hash
    }

    /// Binds the pod to the node of `state`, `c.nodes[index]` (its fields read in place: a
    /// node copied out at each bind was retained and released field by field).
    static func bind(_ pod: SimPod, to state: NodeState, at index: Int, in c: Cluster) {
        let name = state.node.name, internalIP = state.node.internalIP
        // A pod on the node's network has the node's address (`hostNetwork`: the kubelet
        // reports the host IPs as the pod IPs); the others take the next of the node's range.
        // (None for a pod its kubelet will reject: it never gets a sandbox, KubeletAdmission.)
        let ip = KubeletAdmission.refusal(pod) != nil ? nil : pod.template["spec"]?["hostNetwork"]?.boolValue == true ? internalIP : c.nextPodIP(node: name, index: index)
        c.updatePod(pod) { p in
            p.nodeName = name
            p.hostIP = internalIP
            p.scheduledAt = c.now
            p.ip = ip
            p.epoch += 1
            p.schedulingFailure = nil
            p.queue = nil
            // Bound to a node whose kubelet has stopped but is not yet NotReady: it never starts.
            p.nodeDown = c.downNodes.contains(name)
        }
        c.schedulingEvent(.podChanged)
        // VolumeBinding's PreBind: its Pending claims bound on this node.
        if pod.mountsClaims { PersistentVolumeController.bindClaims(of: pod, in: c) }
        // The Scheduled event is derived from the pod's PodScheduled condition (EventLog) — but
        // a pod its kubelet will reject loses that condition (KubeletAdmission): its event is
        // recorded.
        if KubeletAdmission.refusal(pod) != nil {
            c.record(reason: "Scheduled", message: "Successfully assigned \(pod.namespace)/\(pod.name) to \(name)", kind: "Pod", name: pod.name,
                     namespace: pod.namespace, uid: pod.uid, component: "default-scheduler")
        }
        Kubelet.scheduleNext(pod, in: c)
    }

    /// A failed attempt: FailedScheduling (again), and back to the queue with one more attempt.
    static func fail(_ pod: SimPod, _ message: String, reasons: Set<String>, in c: Cluster) {
        c.updatePod(pod) { p in
            p.schedulingFailure = message
            p.queue = SchedulingQueueEntry(attempts: (p.queue?.attempts ?? 0) + 1, failedAt: c.now, wants: SchedulingQueueEntry.events(for: reasons),
                                           seen: c.schedulingEventCounts, requeuedAt: nil)
        }
        c.record("Warning", reason: "FailedScheduling", message: message, kind: "Pod", name: pod.name, namespace: pod.namespace, uid: pod.uid, component: "default-scheduler")
        c.wake(at: pod.queue?.flushTime ?? c.now)
    }
}

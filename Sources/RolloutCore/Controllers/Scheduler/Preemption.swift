/// DefaultPreemption, the PostFilter of the default profile, as kube-scheduler 1.32 runs it when
/// a pod fits no node (`pkg/scheduler/framework/preemption/preemption.go` Evaluator.Preempt,
/// findCandidates, DryRunPreemption, SelectCandidate, pickOneNodeForPreemption,
/// prepareCandidate, getLowerPriorityNominatedPods; `plugins/defaultpreemption/default_preemption.go`
/// PodEligibleToPreemptOthers, SelectVictimsOnNode, filterPodsWithPDBViolation,
/// podTerminatingByPreemption; `pkg/scheduler/util/utils.go` MoreImportantPod,
/// GetEarliestPodStartTime): on each node whose filters failed for a reason that removing pods
/// can change, every pod of lower priority is taken away; if the pod then fits, the pods are
/// given back from the most important down, those a PodDisruptionBudget would miss first, as
/// long as it still fits; of the nodes that work, the one with the fewest budget violations,
/// then the lowest highest-priority victim, the smallest sum of priorities, the fewest victims
/// and the latest start among its highest-priority victims is chosen. Its victims get the
/// DisruptionTarget condition (PreemptionByScheduler), are deleted with their own grace period
/// and get a `Preempted` event; the pod is nominated to the node (`status.nominatedNodeName`)
/// and scheduled there once they are gone, other pods of no higher priority leaving it the room.
///
/// Where it differs on purpose: upstream examines the nodes from a random offset, side by side,
/// and picks among equal candidates in a map's order; here from the first node, in order, and
/// the first of equals. The dry run takes the victims' resources and host ports away; the
/// counts of PodTopologySpread and InterPodAffinity keep them (upstream removes them through
/// the plugins' PreFilterExtensions), so a pod held back only by spreading or anti-affinity
/// against pods of lower priority does not preempt them here.
enum Preemption {
    /// A pod of lower priority on a candidate node.
    struct Victim {
        let pod: SimPod
        let usage: PodUsage
        /// `status.startTime` in milliseconds (when it was bound, in the simulation).
        let start: Int
        var priority: Int { usage.priority }
    }

    struct Candidate {
        let node: Int
        let victims: [Victim]
        let pdbViolations: Int
    }

    enum Outcome {
        /// PodEligibleToPreemptOthers said no: the message, and the nomination stays.
        case notEligible(String)
        /// No node where preemption helps: the dry run's message (a FitError of its own), and
        /// the nomination is cleared.
        case notHelpful(String)
        /// The victims on the chosen node are going: the pod is nominated there.
        case nominated(Candidate)
    }

    static let reason = "PreemptionByScheduler"
    /// SelectVictimsOnNode's status for a node without a pod of lower priority.
    static let noVictims = FilterFailure(reasons: ["No preemption victims found for incoming pod"], resolvable: false)

    /// `Evaluator.Preempt` for `pod`, which fits no node (`failures`: why, node by node). `fits`
    /// runs the filters on a node's state as RunFilterPluginsWithNominatedPods does (the
    /// node's nominated pods of no lower priority added).
    static func preempt(_ pod: SimPod, _ r: PodRequirements, states: [NodeState], failures: [Int: FilterFailure], index: StringMap<Int>,
                        usage: (SimPod) -> PodUsage, fits: (Int, NodeState) -> FilterFailure?, in c: Cluster) -> Outcome {
        // 1) PodEligibleToPreemptOthers.
        if r.preemptionNever { return .notEligible("not eligible due to preemptionPolicy=Never.") }
        if let nominated = pod.nominatedNodeName {
            // A nominated node the filters rejected unresolvably (or that is gone) is no reason
            // to wait: the pod may preempt again.
            if let i = index[nominated], let failure = failures[i], failure.resolvable,
               pods(on: i, states: states, in: c).contains(where: { usage($0).priority < r.priority && terminatingByPreemption($0) }) {
                return .notEligible("not eligible due to a terminating pod on the nominated node.")
            }
        }
        // 2) findCandidates: the nodes whose failure is Unschedulable (not ...AndUnresolvable).
        // (In the nodes' order without sorting; and where no such node runs a pod of lower
        // priority — a cluster of one priority, however many pods wait — the dry run's answer
        // is known without the budgets being read: every one of them has no victim.)
        let n = states.count
        let potential = (0..<n).filter { failures[$0]?.resolvable == true }
        guard !potential.isEmpty else { return .notHelpful(dryRunMessage(nodes: n, statuses: [:])) }
        guard potential.contains(where: { states[$0].lowestPriority < r.priority }) else {
            return .notHelpful(dryRunMessage(nodes: n, statuses: Dictionary(uniqueKeysWithValues: potential.map { ($0, noVictims) })))
        }
        let budgets = Budgets(c)
        // calculateNumCandidates: 10 % of the potential nodes, at least 100, at most all.
        let wanted = min(potential.count, max(potential.count * 10 / 100, 100))
        var nonViolating: [Candidate] = [], violating: [Candidate] = []
        var statuses: [Int: FilterFailure] = [:]
        for i in potential {
            switch selectVictims(on: i, pod: pod, r, states: states, budgets: budgets, usage: usage, fits: fits, in: c) {
            case .success(let candidate):
                if candidate.pdbViolations == 0 { nonViolating.append(candidate) } else { violating.append(candidate) }
            case .failure(let failure):
                statuses[i] = failure.status
            }
            if !nonViolating.isEmpty && nonViolating.count + violating.count >= wanted { break }
        }
        let candidates = nonViolating + violating
        guard !candidates.isEmpty else { return .notHelpful(dryRunMessage(nodes: n, statuses: statuses)) }
        return .nominated(pickOne(candidates))
    }

    /// prepareCandidate: each victim not already going gets the DisruptionTarget condition, is
    /// deleted with its own grace period and gets a `Preempted` event (type Normal, from the
    /// scheduler); pods of lower priority nominated to the node lose their nomination.
    static func prepare(_ candidate: Candidate, for pod: SimPod, priority: Int, node: String, usage: (SimPod) -> PodUsage, in c: Cluster) {
        for victim in candidate.victims where victim.pod.deletion == nil {
            c.updatePod(victim.pod) { $0.disruption = (reason, "default-scheduler: preempting to accommodate a higher priority pod", c.now) }
            Kubelet.beginTermination(victim.pod, in: c)
            c.record("Normal", reason: "Preempted", message: "Preempted by pod \(pod.uid) on node \(node)", kind: "Pod", name: victim.pod.name,
                     namespace: victim.pod.namespace, uid: victim.pod.uid, component: "default-scheduler")
        }
        for other in c.stillAwaitingNode() where other !== pod && other.nominatedNodeName == node && usage(other).priority < priority {
            c.updatePod(other) { $0.nominatedNodeName = nil }
        }
    }

    /// The pods on node `i` the scheduler counts (terminating ones included, until gone).
    static func pods(on i: Int, states: [NodeState], in c: Cluster) -> [SimPod] {
        (c.placements[states[i].node.name]?.pods ?? []).filter { !$0.gone }
    }

    /// podTerminatingByPreemption: being deleted, with DisruptionTarget True for the scheduler.
    static func terminatingByPreemption(_ pod: SimPod) -> Bool {
        pod.deletion != nil && pod.disruption?.reason == reason
    }

    /// Why a node is no candidate, as the dry run's status says.
    struct NoCandidate: Error {
        let status: FilterFailure
    }

    /// SelectVictimsOnNode.
    static func selectVictims(on i: Int, pod: SimPod, _ r: PodRequirements, states: [NodeState], budgets: Budgets,
                              usage: (SimPod) -> PodUsage, fits: (Int, NodeState) -> FilterFailure?, in c: Cluster) -> Result<Candidate, NoCandidate> {
        // (The node's lowest priority says so without its pods being read: a cluster of pods of
        // one priority has no victim anywhere, however many pods wait.)
        guard states[i].lowestPriority < r.priority else { return .failure(NoCandidate(status: noVictims)) }
        var potential: [Victim] = []
        var trial = states[i].empty()
        for other in pods(on: i, states: states, in: c) {
            let u = usage(other)
            if u.priority < r.priority {
                potential.append(Victim(pod: other, usage: u, start: (other.scheduledAt ?? c.now).milliseconds))
            } else {
                trial.add(u)
            }
        }
        guard !potential.isEmpty else { return .failure(NoCandidate(status: noVictims)) }
        // Without all of them, the pod must fit.
        if let failure = fits(i, trial) { return .failure(NoCandidate(status: failure)) }
        GoSort.sort(&potential, by: moreImportant)
        let (violatingPods, nonViolatingPods) = budgets.split(potential)
        var victims: [Victim] = []
        var violations = 0
        // reprievePod: back on the node if the pod still fits with it.
        func reprieve(_ v: Victim) -> Bool {
            let before = trial.copy()
            trial.add(v.usage)
            if fits(i, trial) == nil { return true }
            trial = before
            victims.append(v)
            return false
        }
        for v in violatingPods where !reprieve(v) { violations += 1 }
        for v in nonViolatingPods { _ = reprieve(v) }
        if !violatingPods.isEmpty && !nonViolatingPods.isEmpty { GoSort.sort(&victims, by: moreImportant) }
        guard !victims.isEmpty else {
            return .failure(NoCandidate(status: FilterFailure(reasons: ["expected at least one victim pod on node \"\(states[i].node.name)\""], resolvable: false)))
        }
        return .success(Candidate(node: i, victims: victims, pdbViolations: violations))
    }

    /// MoreImportantPod: the higher priority, then the earlier start.
    static func moreImportant(_ a: Victim, _ b: Victim) -> Bool {
        a.priority != b.priority ? a.priority > b.priority : a.start < b.start
    }

    /// pickOneNodeForPreemption, each criterion deciding only among the candidates the ones
    /// before left tied.
    static func pickOne(_ candidates: [Candidate]) -> Candidate {
        let scores: [(Candidate) -> Int] = [
            { -$0.pdbViolations },
            { -($0.victims.first?.priority ?? 0) },
            // Every priority moved up by 2^31, so that negative priorities count as small.
            { -$0.victims.reduce(0) { $0 + $1.priority + (Int(Int32.max) + 1) } },
            { -$0.victims.count },
            { earliestStart(of: $0.victims) },
        ]
        var remaining = candidates
        for score in scores {
            guard remaining.count > 1 else { break }
            let best = remaining.map(score).max() ?? 0
            remaining = remaining.filter { score($0) == best }
        }
        return remaining[0]
    }

    /// GetEarliestPodStartTime: the earliest start among the victims of the highest priority.
    static func earliestStart(of victims: [Victim]) -> Int {
        guard var earliest = victims.first?.start, var highest = victims.first?.priority else { return Int.min }
        for v in victims {
            if v.priority == highest {
                earliest = min(earliest, v.start)
            } else if v.priority > highest {
                highest = v.priority
                earliest = v.start
            }
        }
        return earliest
    }

    /// The dry run's FitError when no node is a candidate: its statuses counted, every other
    /// node `Preemption is not helpful for scheduling` (SetAbsentNodesStatus).
    static func dryRunMessage(nodes n: Int, statuses: [Int: FilterFailure]) -> String {
        var counts: [String: Int] = [:]
        for status in statuses.values { for reason in status.reasons { counts[reason, default: 0] += 1 } }
        if n > statuses.count { counts["Preemption is not helpful for scheduling", default: 0] += n - statuses.count }
        return "0/\(n) nodes are available: " + FitError.histogram(counts) + "."
    }

    /// The PodDisruptionBudgets as filterPodsWithPDBViolation reads them: namespace, selector
    /// (nil or empty matches nothing here), `status.disruptionsAllowed` and
    /// `status.disruptedPods`.
    struct Budgets {
        struct Budget {
            let namespace: String
            let selector: LabelSelector?
            let allowed: Int
            let disrupted: Set<String>
        }
        let all: [Budget]

        init(_ c: Cluster) {
            all = c.disruptionBudgets.keys.sorted().compactMap { key in
                guard let resource = c.disruptionBudgets[key] else { return nil }
                let pdb = PodDisruptionBudget(resource)
                let status = resource.object["status"]
                return Budget(namespace: pdb.namespace, selector: pdb.selector, allowed: status?["disruptionsAllowed"]?.intValue ?? 0,
                              disrupted: Set(status?["disruptedPods"]?.objectValue?.members.map(\.key) ?? []))
            }
        }

        /// filterPodsWithPDBViolation: in order, each pod charged to every budget that selects
        /// it; a pod that takes a budget below zero violates it.
        func split(_ pods: [Victim]) -> (violating: [Victim], nonViolating: [Victim]) {
            var allowed = all.map(\.allowed)
            var violating: [Victim] = [], nonViolating: [Victim] = []
            for v in pods {
                var violated = false
                if !v.pod.labels.isEmpty {
                    for (k, budget) in all.enumerated() where budget.namespace == v.pod.namespace {
                        guard let selector = budget.selector, !selector.requirements.isEmpty, selector.matches(v.pod.labels),
                              !budget.disrupted.contains(v.pod.name) else { continue }
                        allowed[k] -= 1
                        if allowed[k] < 0 { violated = true }
                    }
                }
                if violated { violating.append(v) } else { nonViolating.append(v) }
            }
            return (violating, nonViolating)
        }
    }
}

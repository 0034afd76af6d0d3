/// `framework.FitError.Error()` and DefaultPreemption's message
/// (KUBERNETES-scheduling-traffic.md §2): every reason of every node counted, each
/// `<count> <reason>`, sorted as whole strings, then `preemption: ` and the dry run's
/// histogram — `Preemption is not helpful for scheduling` for a node whose failure is
/// unresolvable, `No preemption victims found for incoming pod` for one without a pod of lower
/// priority, else the node's reasons again.
enum FitError {
    static func message(_ r: PodRequirements, nodes: [NodeState], failures: [Int: FilterFailure]) -> String {
        let n = nodes.count
        var counts: [String: Int] = [:]
        for failure in failures.values { for reason in failure.reasons { counts[reason, default: 0] += 1 } }
        // Nodes not evaluated (none here: filtering stops only once enough nodes fit).
        var text = "0/\(n) nodes are available: " + histogram(counts) + "."
        if r.preemptionNever {
            return text + " preemption: not eligible due to preemptionPolicy=Never."
        }
        var preemption: [String: Int] = [:]
        for (i, failure) in failures {
            guard failure.resolvable else { preemption["Preemption is not helpful for scheduling", default: 0] += 1; continue }
            guard nodes[i].lowestPriority < r.priority else {
                preemption["No preemption victims found for incoming pod", default: 0] += 1
                continue
            }
            // A node with lower-priority pods: upstream's dry run would evict them and, if the
            // pod then fits, preempt. Preemption is not simulated: the node keeps its reasons.
            for reason in failure.reasons { preemption[reason, default: 0] += 1 }
        }
        let notEvaluated = n - failures.count
        if notEvaluated > 0 { preemption["Preemption is not helpful for scheduling", default: 0] += notEvaluated }
        text += " preemption: 0/\(n) nodes are available: " + histogram(preemption) + "."
        return text
    }

    static func histogram(_ counts: [String: Int]) -> String {
        counts.map { "\($0.value) \($0.key)" }.sorted().joined(separator: ", ")
    }
}

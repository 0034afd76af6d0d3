/// `framework.FitError.Error()` (KUBERNETES-scheduling-traffic.md §2): every reason of every
/// node counted, each `<count> <reason>`, sorted as whole strings. DefaultPreemption's message
/// follows it (`Preemption`).
enum FitError {
    static func message(nodes n: Int, failures: [Int: FilterFailure]) -> String {
        var counts: [String: Int] = [:]
        for failure in failures.values { for reason in failure.reasons { counts[reason, default: 0] += 1 } }
        // Nodes not evaluated (none here: filtering stops only once enough nodes fit).
        return "0/\(n) nodes are available: " + histogram(counts) + "."
    }

    static func histogram(_ counts: [String: Int]) -> String {
        counts.map { "\($0.value) \($0.key)" }.sorted().joined(separator: ", ")
    }
}

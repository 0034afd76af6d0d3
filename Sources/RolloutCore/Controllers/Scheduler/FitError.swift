/// `framework.FitError.Error()` (KUBERNETES-scheduling-traffic.md §2): every reason of every
/// node counted, each `<count> <reason>`, sorted as whole strings. DefaultPreemption's message
/// follows it (`Preemption`).
enum FitError {
    /// `absent`: nodes a PreFilter left out (`node(s) didn't satisfy plugin(s) [NodeAffinity]`,
    /// SetAbsentNodesStatus); `preFilter`: a PreFilter's rejection, written instead of the
    /// histogram. (Filtering stops early only once enough nodes fit: no other node goes
    /// unevaluated when none does.)
    static func message(nodes n: Int, failures: [Int: FilterFailure], absent: Int = 0, preFilter: String? = nil) -> String {
        if let preFilter { return "0/\(n) nodes are available: \(preFilter)." }
        var counts: [String: Int] = [:]
        for failure in failures.values { for reason in failure.reasons { counts[reason, default: 0] += 1 } }
        if absent > 0 { counts["node(s) didn't satisfy plugin(s) [NodeAffinity]", default: 0] += absent }
        return "0/\(n) nodes are available: " + histogram(counts) + "."
    }

    static func histogram(_ counts: [String: Int]) -> String {
        counts.map { "\($0.value) \($0.key)" }.sorted().joined(separator: ", ")
    }
}

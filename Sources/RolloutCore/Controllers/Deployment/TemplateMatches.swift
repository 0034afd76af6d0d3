/// `DeploymentController.templatesEqual` (EqualIgnoreHash) answers, kept by where the two
/// templates keep their members: the Deployment controller asks for every sync of every
/// Deployment, and the timelines for every sample, whether each of its ReplicaSets holds its
/// template — at 1,000 Deployments whose old ReplicaSets were loaded (no storage shared with
/// the Deployment's spec) a walk of both pod specs each time. A template's members, while
/// the entry holds them, cannot be let go and their memory reused, so templates found at the
/// same two places are the same two templates: the answer stands.
final class TemplateMatches {
    private struct Places: Hashable {
        var a: UInt
        var b: UInt
    }

    private var known: [Places: (a: Object, b: Object, equal: Bool)] = [:]
    /// Entries kept at most (then all are let go): a command's templates are a few per
    /// Deployment.
    static let capacity = 8192

    func equal(_ a: Object, _ b: Object) -> Bool {
        let places = Places(a: a.members.storagePlace, b: b.members.storagePlace)
        if let entry = known[places] { return entry.equal }
        let equal = DeploymentController.templatesEqual(a, b)
        if known.count >= Self.capacity { known.removeAll(keepingCapacity: true) }
        known[places] = (a, b, equal)
        return equal
    }
}

/// The cluster a CI plan starts from when production's state is not at hand: a fresh cluster
/// of the default profile with the base branch's manifests applied and rolled out, as they
/// run before the change (`plan --baseline-ref REF`).
public enum Baseline {
    /// Applies `documents` to the fresh cluster in `store` and lets every Deployment roll out
    /// (at most `timeout` of virtual time); commits. Returns the objects applied.
    @discardableResult
    public static func load(_ documents: [ManifestDocument], into store: StateStore, options: ApplyOptions, timeout: Duration? = nil) throws -> [ApplyOutcome] {
        guard !documents.isEmpty else { return [] }
        let outcomes = try Applier.apply(try Applier.prepare(documents, options: options), to: store, options: options, commit: false)
        let cluster = try Cluster(store: store)
        let keys = outcomes.filter { $0.resource.kind == "Deployment" && $0.resource.type.group == "apps" }.map(\.resource.key)
        _ = RolloutWait.wait(for: keys, in: cluster, options: .init(timeout: timeout), report: { _, _, _ in })
        try cluster.save()
        try store.commit()
        return outcomes
    }
}

import Foundation
import XCTest
@testable import RolloutCore

/// A bare cluster (no add-ons) of `nodes` nodes in a temporary state, `yaml` applied, loaded.
func bareCluster(_ test: XCTestCase, nodes: Int, zones: [String] = [], _ yaml: String) throws -> (StateStore, Cluster) {
    var spec = ClusterSpec(profile: .bare, nodes: nodes)
    spec.zones = zones
    let store = try StateStore(directory: try temporaryDirectory(test).appendingPathComponent("s").path, writable: true, newCluster: spec)
    test.addTeardownBlock { store.close() }
    try applyYAML(yaml, to: store)
    return (store, try Cluster(store: store))
}

/// Saves the cluster, applies `yaml` and loads again, as a second `rollout apply` would.
func reapplyYAML(_ yaml: String, _ store: StateStore, _ c: Cluster) throws -> Cluster {
    try c.save()
    try store.commit()
    try applyYAML(yaml, to: store)
    return try Cluster(store: store)
}

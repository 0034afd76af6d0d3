import XCTest
@testable import RolloutCore

/// A new ReplicaSet's name is taken when a ReplicaSet not being deleted has it in its namespace
/// (`pkg/controller/deployment/sync.go` getNewReplicaSet: the create fails with AlreadyExists
/// and collisionCount is bumped; testHashCollisionBumpsCollisionCount runs the whole of it).
/// `Cluster.hasLiveReplicaSet` answers from its name index first, then the ReplicaSets.
final class ReplicaSetNameTests: XCTestCase {
    func testANameIsTakenByALiveReplicaSetOfItsNamespaceOnly() throws {
        let store = try StateStore(directory: try temporaryDirectory(self).appendingPathComponent("s").path, writable: true, newCluster: ClusterSpec(profile: .bare))
        addTeardownBlock { store.close() }
        try store.put(Resource(Object([
            "apiVersion": .string("apps/v1"), "kind": .string("ReplicaSet"),
            "metadata": .object(Object(["name": .string("web-abc"), "namespace": .string("default"), "uid": .string("stored")])),
            "spec": .object(Object([
                "replicas": .int(0),
                "selector": .object(Object(["matchLabels": .object(Object(["app": .string("web")]))])),
                "template": .object(Object([
                    "metadata": .object(Object(["labels": .object(Object(["app": .string("web")]))])),
                    "spec": .object(Object(["containers": .array([.object(Object(["name": .string("c"), "image": .string("i")]))])])),
                ])),
            ])),
        ])), creating: true)
        try store.commit()
        let cluster = try Cluster(store: store)
        XCTAssertTrue(cluster.hasLiveReplicaSet(named: "web-abc", namespace: "default"), "one read from the store")
        XCTAssertFalse(cluster.hasLiveReplicaSet(named: "web-abc", namespace: "other"))
        XCTAssertFalse(cluster.hasLiveReplicaSet(named: "web-abd", namespace: "default"))
        var made = try XCTUnwrap(cluster.replicaSets["stored"])
        made.uid = "made"
        made.name = "web-xyz"
        cluster.add(made)
        XCTAssertTrue(cluster.hasLiveReplicaSet(named: "web-xyz", namespace: "default"), "one the controllers made")
        var stored = try XCTUnwrap(cluster.replicaSets["stored"])
        stored.deleted = true
        cluster.update(stored)
        XCTAssertFalse(cluster.hasLiveReplicaSet(named: "web-abc", namespace: "default"), "a deleted one's name is free")
        XCTAssertTrue(cluster.hasLiveReplicaSet(named: "web-xyz", namespace: "default"))
    }
}

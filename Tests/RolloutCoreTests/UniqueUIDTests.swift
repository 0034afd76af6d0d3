import Foundation
import XCTest
@testable import RolloutCore

/// Every object of a state has its own uid: the cluster's set-up draws the uids of its stored
/// objects from a generator of their own (`ClusterSetup.bootObjectSeed`). With the user's
/// generator replayed after the set-up, the first objects a user created had the uids of the
/// cluster's first objects: `postgres-0` had the `traefik` Service's, and `describe pod`
/// listed the load balancer's events under it.
final class UniqueUIDTests: XCTestCase {
    func testEveryObjectOfAStateHasItsOwnUID() throws {
        for profile in ["k3s", "kind", "minikube", "bare"] {
            let state = try temporaryDirectory(self).appendingPathComponent("state").path
            XCTAssertEqual(try RolloutRun.run(["cluster", "init", "--profile", profile, "--nodes", "3", "--state", state]).status, 0)
            for manifest in ["examples/manifests/", "examples/statefulset/postgres.yaml", "examples/daemonset/node-exporter.yaml"] {
                let run = try RolloutRun.run(["apply", "-f", manifest, "--wait", "--timeout", "120s", "--state", state])
                XCTAssertNotEqual(run.status, 2, run.stderr)
            }
            let store = try StateStore(directory: state, writable: false)
            defer { store.close() }
            var owners: [String: String] = [:]
            for type in ResourceType.builtIn {
                for object in try store.list(type) {
                    let uid = object.uid
                    guard !uid.isEmpty else { continue }
                    if let other = owners[uid] { XCTFail("\(profile): \(object.qualifiedName) has the uid of \(other): \(uid)") }
                    owners[uid] = object.qualifiedName
                }
            }
            XCTAssertGreaterThan(owners.count, 30, profile)
            // And each event names the object that has its uid.
            for event in try store.list(Cluster.eventType) {
                guard let uid = event.object["involvedObject"]?["uid"]?.stringValue, let owner = owners[uid],
                      let kind = event.object["involvedObject"]?["kind"]?.stringValue, let name = event.object["involvedObject"]?["name"]?.stringValue else { continue }
                XCTAssertTrue(owner.hasSuffix("/\(name)") && owner.lowercased().hasPrefix(kind.lowercased()), "\(profile): an event about \(kind)/\(name) names the uid of \(owner)")
            }
        }
    }
}

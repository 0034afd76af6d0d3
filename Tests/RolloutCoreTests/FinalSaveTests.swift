import Foundation
import XCTest
@testable import RolloutCore

/// `Cluster.save(final: true)` — the save a command makes before it exits (`apply --wait`,
/// `rollout status`) — leaves out only what a later run of the same cluster would need (the
/// gone pods and events taken out of memory): the state it writes is the same, file for file
/// and byte for byte, as a save that keeps the cluster running.
final class FinalSaveTests: XCTestCase {
    private static let app = """
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: web}
    spec:
      replicas: 6
      selector: {matchLabels: {app: web}}
      strategy: {rollingUpdate: {maxSurge: 2, maxUnavailable: 1}}
      template:
        metadata: {labels: {app: web}, annotations: {rollout.sim/startup: 3s, rollout.sim/shutdown: 2s}}
        spec:
          containers:
          - {name: app, image: "app:IMAGE", readinessProbe: {httpGet: {port: 80}, periodSeconds: 1}, lifecycle: {preStop: {sleep: {seconds: 2}}}}
    ---
    apiVersion: v1
    kind: Service
    metadata: {name: web}
    spec:
      selector: {app: web}
      ports: [{port: 80}]
    """

    /// Every file of the state after a first rollout and a second one saved `final` or not.
    private func rolledTwice(final: Bool) throws -> [String: Data] {
        let directory = try temporaryDirectory(self, "final-save").appendingPathComponent("s")
        let store = try StateStore(directory: directory.path, writable: true, newCluster: ClusterSpec(profile: .bare, nodes: 2))
        defer { store.close() }
        let key = ObjectKey(type: "apps/Deployment", namespace: "default", name: "web")
        for image in ["1", "2"] {
            try applyYAML(Self.app.replacingOccurrences(of: "IMAGE", with: image), to: store)
            let cluster = try Cluster(store: store)
            cluster.traffic = TrafficRecorder(rps: 10, services: TrafficRecorder.servingServices(selecting: Array(cluster.deployments.values), in: cluster),
                                              start: cluster.now)
            let outcome = RolloutWait.wait(for: [key], in: cluster, options: .init(timeout: Duration(seconds: 600)), report: { _, _, _ in })
            XCTAssertEqual(outcome[key], .done, "image \(image)")
            if image == "2" {
                // Pods and events went in this rollout: the final save has something to leave out.
                XCTAssertTrue(cluster.pods.values.contains(where: \.gone), "old pods went")
            }
            try cluster.save(final: final && image == "2")
            try store.commit()
        }
        var files: [String: Data] = [:]
        for name in try FileManager.default.subpathsOfDirectory(atPath: directory.path).sorted() where !name.hasSuffix("lock") {
            var isDirectory: ObjCBool = false
            let path = directory.appendingPathComponent(name).path
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[name] = try Data(contentsOf: URL(fileURLWithPath: path))
            }
        }
        return files
    }

    func testAFinalSaveWritesWhatASaveWrites() throws {
        let kept = try rolledTwice(final: false), final = try rolledTwice(final: true)
        XCTAssertGreaterThan(kept.count, 10)
        XCTAssertEqual(kept.keys.sorted(), final.keys.sorted())
        for (name, bytes) in kept { XCTAssertEqual(bytes, final[name], name) }
    }
}

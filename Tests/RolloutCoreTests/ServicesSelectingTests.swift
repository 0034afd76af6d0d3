import Foundation
import XCTest
@testable import RolloutCore

/// The Services in front of a Deployment, found through the cluster's selector index
/// (ServicePods), are the ones a comparison of every Service's selector finds: same namespace,
/// a non-empty selector, every pair of it among the template's labels.
final class ServicesSelectingTests: XCTestCase {
    func testTheIndexFindsWhatComparingEverySelectorFinds() throws {
        let store = try StateStore(directory: try temporaryDirectory(self).appendingPathComponent("s").path, writable: true, newCluster: ClusterSpec(profile: .bare))
        defer { store.close() }
        func deployment(_ name: String, _ namespace: String, _ labels: String) -> String {
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: \(name), namespace: \(namespace)}
            spec:
              replicas: 1
              selector: {matchLabels: {app: \(name)}}
              template:
                metadata: {labels: {app: \(name)\(labels)}}
                spec: {containers: [{name: c, image: "i:1"}]}
            ---

            """
        }
        func service(_ name: String, _ namespace: String, _ selector: String) -> String {
            "apiVersion: v1\nkind: Service\nmetadata: {name: \(name), namespace: \(namespace)}\nspec: {selector: {\(selector)}, ports: [{port: 80}]}\n---\n"
        }
        var yaml = "apiVersion: v1\nkind: Namespace\nmetadata: {name: other}\n---\n"
        yaml += deployment("web", "default", ", tier: front, track: stable")
        yaml += deployment("api", "default", ", tier: back")
        yaml += deployment("web", "other", ", tier: front")
        yaml += service("web", "default", "app: web")
        yaml += service("front", "default", "tier: front")
        yaml += service("stable-front", "default", "tier: front, track: stable")
        yaml += service("canary-front", "default", "tier: front, track: canary")
        yaml += service("all-back", "default", "tier: back")
        yaml += service("web", "other", "app: web")
        yaml += "apiVersion: v1\nkind: Service\nmetadata: {name: headless-none}\nspec: {clusterIP: None, ports: [{port: 80}]}\n"
        _ = try Applier.apply(try ManifestDecoder.decode([ManifestSource(name: "t.yaml", bytes: Array(yaml.utf8))]).documents, to: store, options: ApplyOptions())
        let cluster = try Cluster(store: store)
        XCTAssertEqual(cluster.deployments.count, 3)
        for deployment in cluster.deployments.values {
            let labels = stringMap(deployment.object["spec"]?["template"]?["metadata"]?["labels"])
            let compared = cluster.services.values.filter { service in
                let selector = stringMap(service.value.at("spec", "selector"))
                return service.namespace == deployment.namespace && !selector.isEmpty && selector.allSatisfy { labels[$0.key] == $0.value }
            }.map(\.key).sorted()
            XCTAssertEqual(TrafficRecorder.services(selecting: deployment, in: cluster), compared, deployment.qualifiedName)
        }
        let web = try XCTUnwrap(cluster.deployments.values.first { $0.name == "web" && $0.namespace == "default" })
        XCTAssertEqual(TrafficRecorder.services(selecting: web, in: cluster).map(\.name), ["front", "stable-front", "web"])
    }
}

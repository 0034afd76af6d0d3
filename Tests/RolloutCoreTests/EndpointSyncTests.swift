import XCTest
@testable import RolloutCore

/// The Endpoints controller makes the endpoints of the Services whose pods changed side by side
/// on the machine's cores (`EndpointsController.sync`: taken, made, put on their way in Service
/// order), each Service's from what its pods are, as one Service at a time would. Here several
/// Deployments roll at once behind Services that share pods — one per Deployment, one selecting
/// every pod, one publishing the not-ready addresses of the first Deployment's pods — and after
/// every instant what each Service's Endpoints and slices are on their way to be is what its
/// pods make now (syncService's `desiredSubsets` and the slice reconciler's endpoints, from the
/// pods its selector picks, read from the cluster: `pkg/controller/endpoint/`
/// endpoints_controller.go syncService, `staging/src/k8s.io/endpointslice` reconciler), and
/// what a pod keeps of its address and endpoint is what it shows now.
final class EndpointSyncTests: XCTestCase {
    private func yaml(image: String) -> String {
        var documents: [String] = []
        for i in 0..<6 {
            documents.append("""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: app-\(i)}
            spec:
              replicas: 8
              strategy: {rollingUpdate: {maxSurge: \(1 + i % 3), maxUnavailable: \(i % 2)}}
              selector: {matchLabels: {app: app-\(i)}}
              template:
                metadata:
                  labels: {app: app-\(i), tier: web}
                  annotations: {rollout.sim/pull: 0s}
                spec:
                  terminationGracePeriodSeconds: 5
                  containers:
                  - name: app
                    image: \(image)
                    readinessProbe: {httpGet: {path: /, port: 80}, initialDelaySeconds: \(2 + i), periodSeconds: 1}
                    lifecycle: {preStop: {sleep: {seconds: \(1 + i % 2)}}}

            """)
            documents.append("apiVersion: v1\nkind: Service\nmetadata: {name: app-\(i)}\nspec:\n  selector: {app: app-\(i)}\n  ports: [{port: 80}]\n")
        }
        documents.append("apiVersion: v1\nkind: Service\nmetadata: {name: tier}\nspec:\n  selector: {tier: web}\n  ports: [{port: 80}]\n")
        documents.append("apiVersion: v1\nkind: Service\nmetadata: {name: app-0-all}\nspec:\n  selector: {app: app-0}\n  publishNotReadyAddresses: true\n  ports: [{port: 80}]\n")
        return documents.joined(separator: "---\n")
    }

    /// Every Service's Endpoints and slices as last put on their way (or published), against
    /// what its pods make now; every pod's kept address and endpoint against what it shows.
    private func check(_ c: Cluster, _ context: String) {
        // What the instant's publishes replaced went to the other core (Discards).
        XCTAssertTrue(c.discards.isEmpty, "\(context): discards kept past the instant")
        for (key, service) in c.services where service.value.at("spec", "selector") != nil {
            let selector = stringMap(service.value.at("spec", "selector"))
            // (Every address is a pod's own here, so the order the pods are given in does not
            // matter: both lists are sorted by address.)
            let pods = c.pods.values.filter { pod in
                pod.namespace == key.namespace && !pod.gone && pod.ip != nil && selector.allSatisfy { pod.labels[$0.key] == $0.value }
            }.sorted { $0.uid < $1.uid }
            let endpointsKey = ObjectKey(type: Cluster.endpointsType.storageKey, namespace: key.namespace, name: key.name)
            let target = c.pendingEndpoints[endpointsKey]?.last
            let subsets = target?.subsets ?? c.endpoints[endpointsKey]?.object["subsets"] ?? .array([])
            let endpoints = target?.endpoints ?? EndpointsController.publishedEndpoints(endpointsKey, in: c)
            XCTAssertEqual(subsets, EndpointsController.desiredSubsets(service, pods: pods).subsets, "\(context): subsets of \(key.name)")
            XCTAssertEqual(endpoints, .array(EndpointSliceController.desiredEndpoints(service, pods: pods, zones: EndpointsController.NodeZones(c))),
                           "\(context): endpoints of \(key.name)")
        }
        for pod in c.pods.values {
            if let kept = pod.endpointValues.address, kept.stamp == pod.addressStamp {
                XCTAssertEqual(kept.value, EndpointsController.address(for: pod, ip: pod.ip ?? ""), "\(context): address kept by \(pod.name)")
            }
            if let kept = pod.endpointValues.endpoint, kept.stamp == pod.endpointStamp {
                XCTAssertEqual(kept.value, EndpointSliceController.endpoint(for: pod, ip: pod.ip ?? "", publishNotReady: kept.publishNotReady,
                                                                            zone: EndpointsController.NodeZones(c)?.zone(of: pod)),
                               "\(context): endpoint kept by \(pod.name)")
            }
        }
    }

    func testServicesSyncedSideBySideMakeWhatTheirPodsShow() throws {
        try roll(zones: [])
    }

    /// On nodes labelled with zones, each endpoint names its node's (podToEndpoint: `zone` from
    /// the node's `topology.kubernetes.io/zone`), and a saved state reads back the same.
    func testEndpointsNameTheirNodesZones() throws {
        let c = try roll(zones: ["a", "b"])
        let zoneOfNode = Dictionary(uniqueKeysWithValues: c.nodes.map { ($0.name, $0.labels["topology.kubernetes.io/zone"]) })
        XCTAssertEqual(Set(zoneOfNode.values.compactMap { $0 }), ["a", "b"])
        var named = 0
        for (key, slices) in c.endpointSlices where key.name == "tier" {
            for endpoint in slices.flatMap({ $0.object["endpoints"]?.arrayValue ?? [] }) {
                let node = try XCTUnwrap(endpoint["nodeName"]?.stringValue)
                XCTAssertEqual(endpoint["zone"]?.stringValue, zoneOfNode[node] ?? nil, "endpoint on \(node)")
                named += 1
            }
        }
        XCTAssertEqual(named, 48)
        try c.save()
        try c.store.commit()
        let reloaded = try Cluster(store: c.store)
        func endpoints(_ c: Cluster) -> [ObjectKey: [Value]] { c.endpointSlices.mapValues { $0.flatMap { $0.object["endpoints"]?.arrayValue ?? [] } } }
        XCTAssertEqual(endpoints(reloaded), endpoints(c))
    }

    @discardableResult
    private func roll(zones: [String]) throws -> Cluster {
        let (store, first) = try bareCluster(self, nodes: 4, zones: zones, yaml(image: "app:1"))
        var instants = 0
        _ = EventLoop.run(first, timeout: Duration(seconds: 40), until: { _ in false }) { c in
            instants += 1
            self.check(c, "set-up at \(c.now)")
        }
        let c = try reapplyYAML(yaml(image: "app:2"), store, first)
        _ = EventLoop.run(c, timeout: Duration(seconds: 90), until: { _ in false }) { c in
            instants += 1
            self.check(c, "roll at \(c.now)")
        }
        XCTAssertGreaterThan(instants, 40)
        // The roll is over: every Service lists its pods of the new image, all ready.
        let ready = c.pods.values.filter { !$0.gone && $0.ready }
        XCTAssertEqual(ready.count, 48)
        XCTAssertTrue(ready.allSatisfy { $0.template["spec"]?["containers"]?.arrayValue?.first?["image"] == .string("app:2") })
        let tier = ObjectKey(type: Cluster.endpointsType.storageKey, namespace: "default", name: "tier")
        XCTAssertEqual(c.endpoints[tier]?.object["subsets"]?.arrayValue?.first?["addresses"]?.arrayValue?.count, 48)
        return c
    }
}

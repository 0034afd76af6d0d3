import Foundation
import XCTest
@testable import RolloutCore

/// A node whose kubelet stops, as the node lifecycle controller and the taint-eviction
/// controller of 1.32 handle it (KUBERNETES-scheduling-traffic.md §6, §10 (d);
/// `pkg/controller/nodelifecycle/node_lifecycle_controller.go` monitorNodeHealth,
/// tryUpdateNodeHealth, processTaintBaseEviction, handleDisruption, ComputeZoneState;
/// `config/v1alpha1/defaults.go` (grace period 50 s in 1.32); `controller_utils.go`
/// MarkPodsNotReady; `tainteviction/taint_eviction.go` processPodOnNode).
final class NodeLifecycleTests: XCTestCase {
    func cluster(nodes: Int, zones: [String] = [], replicas: Int, seconds: Int = 30) throws -> Cluster {
        var spec = ClusterSpec(profile: .bare, nodes: nodes)
        spec.zones = zones
        let store = try StateStore(directory: try temporaryDirectory(self).appendingPathComponent("s").path, writable: true, newCluster: spec)
        addTeardownBlock { store.close() }
        let yaml = DisruptionTests.deployment(replicas: replicas) + """
        apiVersion: v1
        kind: Service
        metadata: {name: app}
        spec: {selector: {app: app}, ports: [{port: 80}]}
        """
        _ = try Applier.apply(try ManifestDecoder.decode([ManifestSource(name: "t.yaml", bytes: Array(yaml.utf8))]).documents, to: store, options: ApplyOptions())
        let c = try Cluster(store: store)
        EventLoop.advance(c, by: Duration(seconds: seconds))
        return c
    }

    func node(_ c: Cluster, _ name: String) -> SimNode? { c.nodes.first { $0.name == name } }

    /// `cluster recover-node`: the kubelet reports again from now.
    func restart(_ c: Cluster, _ name: String) throws {
        var resource = try XCTUnwrap(node(c, name)).resource
        var meta = resource.metadata
        var annotations = meta["annotations"]?.objectValue ?? Object()
        annotations[NodeLifecycleController.restartedAnnotation] = .string(c.now.description)
        meta["annotations"] = .object(annotations)
        resource.metadata = meta
        c.replaceNode(try XCTUnwrap(c.nodes.firstIndex { $0.name == name }), resource)
    }
    func taints(_ c: Cluster, _ name: String) -> [String] { node(c, name)?.taints.map { "\($0.key):\($0.effect)" } ?? [] }
    func podsOn(_ c: Cluster, _ name: String) -> [SimPod] { c.pods.values.filter { !$0.gone && $0.nodeName == name } }

    // The kubelet renews its Lease every 10 s from the node's registration (60 s before the
    // clock's epoch, T0); the controller looks every 5 s. It stops at F = T0+30s: the last
    // renewal was at T0+20s (the one due at T0+30s never happens), seen by the look at T0+20s;
    // the first look more than 50 s later is at T0+75s = F+45s: Ready=Unknown, the
    // unreachable:NoSchedule taint, the pods marked not ready. The next look (F+50s) taints
    // unreachable:NoExecute — the first node of its zone, so at once (burst 1) — and the pods,
    // tolerating it for 300 s (DefaultTolerationSeconds), are deleted at F+350s and replaced on
    // the other nodes. Requests: a third of them (round robin over three endpoints) go to the
    // dead pod from F until the endpoints drop it, 1 s (propagation) after NotReady.
    func testNodeFailureTimeline() throws {
        let c = try cluster(nodes: 3, replicas: 3)
        XCTAssertEqual(c.now.milliseconds - (node(c, "node-2")?.created.milliseconds ?? 0), 90_000)
        let service = ObjectKey(type: Cluster.serviceType.storageKey, namespace: "default", name: "app")
        c.traffic = TrafficRecorder(rps: 10, services: [service], start: c.now)
        let failed = c.now
        XCTAssertTrue(c.failNode("node-2", at: failed))
        let victim = try XCTUnwrap(podsOn(c, "node-2").first)
        EventLoop.advance(c, by: Duration(milliseconds: 44_999))
        XCTAssertEqual(node(c, "node-2")?.ready, true)
        XCTAssertTrue(victim.nodeDown, "the machine is off: its pods answer nothing")
        EventLoop.advance(c, by: Duration(milliseconds: 1))
        let conditions = node(c, "node-2")?.resource.value.at("status", "conditions")?.arrayValue?.first
        XCTAssertEqual(node(c, "node-2")?.ready, false)
        XCTAssertEqual(conditions?["status"]?.stringValue, "Unknown")
        XCTAssertEqual(conditions?["reason"]?.stringValue, "NodeStatusUnknown")
        XCTAssertEqual(conditions?["message"]?.stringValue, "Kubelet stopped posting node status.")
        XCTAssertEqual(conditions?["lastHeartbeatTime"]?.stringValue, failed.adding(Duration(seconds: -10)).description)
        XCTAssertEqual(taints(c, "node-2"), ["node.kubernetes.io/unreachable:NoSchedule"])
        XCTAssertFalse(victim.ready)
        XCTAssertTrue(c.events.contains { $0.reason == "NodeNotReady" && $0.message == "Node node-2 status is now: NodeNotReady" && $0.involvedKind == "Node" })
        XCTAssertTrue(c.events.contains { $0.reason == "NodeNotReady" && $0.message == "Node is not ready" && $0.involvedUID == victim.uid && $0.type == "Warning" })
        EventLoop.advance(c, by: Duration(seconds: 5))
        XCTAssertEqual(taints(c, "node-2"), ["node.kubernetes.io/unreachable:NoSchedule", "node.kubernetes.io/unreachable:NoExecute"])
        XCTAssertEqual(NodeLifecycleController.noExecuteTime(try XCTUnwrap(node(c, "node-2"))), failed.adding(Duration(seconds: 50)))
        EventLoop.advance(c, by: Duration(milliseconds: 299_999))
        XCTAssertNil(victim.deletion)
        EventLoop.advance(c, by: Duration(milliseconds: 1))
        XCTAssertEqual(victim.deletion, failed.adding(Duration(seconds: 350)))
        XCTAssertEqual(victim.disruption?.reason, "DeletionByTaintManager")
        XCTAssertTrue(c.events.contains { $0.reason == "TaintManagerEviction" && $0.message == "Marking for deletion Pod default/\(victim.name)" })
        EventLoop.advance(c, by: Duration(seconds: 30))
        XCTAssertFalse(victim.gone, "its kubelet cannot confirm: it stays Terminating")
        XCTAssertEqual(c.pods.values.filter { $0.isActive && $0.ready }.compactMap(\.nodeName).sorted().filter { $0 != "node-2" }.count, 3)
        let traffic = try XCTUnwrap(c.traffic?.traffic.values.first)
        XCTAssertEqual(traffic.windows.map(\.reason), ["its node is down (no reply)"])
        let window = try XCTUnwrap(traffic.windows.first)
        XCTAssertLessThan(window.start, 300)
        XCTAssertLessThan(window.end, 46_000)
        XCTAssertGreaterThan(window.end, 45_000)
        XCTAssertEqual(Double(traffic.failed), 46 * 10 / 3, accuracy: 2)
    }

    // handleDisruption: every zone fully disrupted (here the only node) is "master disruption
    // mode": no NoExecute taint, no eviction; the pods wait for the node.
    func testEveryZoneDownEvictsNothing() throws {
        let c = try cluster(nodes: 1, replicas: 2)
        _ = c.failNode("node-1", at: c.now)
        EventLoop.advance(c, by: Duration(seconds: 900))
        XCTAssertEqual(node(c, "node-1")?.ready, false)
        XCTAssertEqual(taints(c, "node-1"), ["node.kubernetes.io/unreachable:NoSchedule"])
        XCTAssertEqual(podsOn(c, "node-1").filter { $0.deletion == nil }.count, 2)
    }

    // The per-zone eviction rate (--node-eviction-rate 0.1/s, burst 1): two nodes of zone a
    // NotReady in the same pass (zone a fully disrupted, zone b not, so not master mode): the
    // first tainted at once, the second 10 s later.
    func testTheZoneRateLimiter() throws {
        let c = try cluster(nodes: 4, zones: ["a", "b"], replicas: 4)
        let failed = c.now
        _ = c.failNode("node-1", at: failed)
        _ = c.failNode("node-3", at: failed)
        EventLoop.advance(c, by: Duration(seconds: 120))
        let times = ["node-1", "node-3"].compactMap { node(c, $0).flatMap(NodeLifecycleController.noExecuteTime) }.map { ($0.milliseconds - failed.milliseconds) / 1000 }
        XCTAssertEqual(times, [50, 60])
    }

    // ComputeZoneState: more than 2 NotReady nodes making at least 55 % of a zone is
    // PartialDisruption; in a zone of at most 50 nodes the rate is 0: nothing is tainted.
    func testPartialDisruptionStopsEvictions() throws {
        let c = try cluster(nodes: 4, replicas: 4)
        for name in ["node-1", "node-2", "node-3"] { _ = c.failNode(name, at: c.now) }
        EventLoop.advance(c, by: Duration(seconds: 600))
        XCTAssertEqual(c.nodes.filter { !$0.ready }.count, 3)
        XCTAssertTrue(c.nodes.allSatisfy { !$0.taints.contains { $0.effect == "NoExecute" } })
        XCTAssertTrue(c.pods.values.allSatisfy { $0.deletion == nil })
    }

    // The kubelet comes back: Ready, taints gone, its deleted pods removed; a pod that was
    // not deleted starts its containers again (the old ones Unknown, exit code 255).
    func testRecovery() throws {
        let c = try cluster(nodes: 2, replicas: 2)
        let failed = c.now
        _ = c.failNode("node-2", at: failed)
        EventLoop.advance(c, by: Duration(seconds: 400))
        let deleted = try XCTUnwrap(podsOn(c, "node-2").first)
        XCTAssertNotNil(deleted.deletion)
        try restart(c, "node-2")
        EventLoop.advance(c, by: Duration(seconds: 1))
        XCTAssertEqual(node(c, "node-2")?.ready, true)
        XCTAssertEqual(taints(c, "node-2"), [])
        XCTAssertTrue(deleted.gone)
        XCTAssertTrue(c.events.contains { $0.reason == "NodeReady" && $0.message == "Node node-2 status is now: NodeReady" })

        // Back before the eviction: the pod stays, its container restarted.
        let d = try cluster(nodes: 2, replicas: 2)
        _ = d.failNode("node-2", at: d.now)
        EventLoop.advance(d, by: Duration(seconds: 100))
        let kept = try XCTUnwrap(podsOn(d, "node-2").first)
        try restart(d, "node-2")
        EventLoop.advance(d, by: Duration(seconds: 10))
        XCTAssertNil(kept.deletion)
        XCTAssertTrue(kept.ready)
        XCTAssertEqual(kept.containers.first?.restarts, 1)
        XCTAssertEqual(kept.containers.first?.last?.reason, "Unknown")
        XCTAssertEqual(kept.containers.first?.last?.exitCode, 255)
    }
}

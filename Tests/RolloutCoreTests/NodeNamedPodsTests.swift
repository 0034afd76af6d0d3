import Foundation
import XCTest
@testable import RolloutCore

/// Pods whose template names their node (`spec.nodeName`): stored bound, never queued by
/// kube-scheduler (`pkg/scheduler/eventhandlers.go` addAllEventHandlers, `assignedPod`), admitted
/// by the node's kubelet (`pkg/kubelet/lifecycle/predicate.go` predicateAdmitHandler.Admit →
/// generalFilter → `scheduler.AdmissionCheck`): NodeNamedPods.
final class NodeNamedPodsTests: XCTestCase {
    func cluster(nodes: Int = 2, cpu: String = "4", memory: String = "8Gi", pods: Int = 110,
                 taints: [(key: String, value: String, effect: String)] = [], _ yaml: String) throws -> (StateStore, Cluster) {
        var spec = ClusterSpec(profile: .bare, nodes: nodes, cpu: try XCTUnwrap(Quantity(cpu)), memory: try XCTUnwrap(Quantity(memory)), pods: pods)
        spec.taints = taints
        let store = try StateStore(directory: try temporaryDirectory(self).appendingPathComponent("s").path, writable: true, newCluster: spec)
        addTeardownBlock { store.close() }
        try applyYAML(yaml, to: store)
        return (store, try Cluster(store: store))
    }

    /// A Deployment of `replicas` nginx pods with `spec` in their pod spec and `container`'s
    /// fields in the container (the image pulled, as a cluster's first pull is).
    static func deployment(_ name: String = "web", replicas: Int = 3, spec: String, container: String = "") -> String {
        deploymentYAML(name, replicas: replicas, annotations: "", spec: (spec.isEmpty ? "" : spec + "\n") + "containers: [{name: app, image: \"nginx:1.27\"\(container)}]")
    }

    func pods(_ c: Cluster, _ app: String) -> [SimPod] {
        c.pods.values.filter { $0.labels["app"] == app }.sorted { ($0.created, $0.name) < ($1.created, $1.name) }
    }

    /// A NoSchedule taint on every node (and no toleration) keeps the scheduler's pods Pending
    /// — FailedScheduling — but not those that name their node: no filter runs for them, no
    /// Scheduled event is recorded or derived, and they run.
    func testTheSchedulerNeverSeesThem() throws {
        let yaml = Self.deployment(spec: "nodeName: node-2") + "---\n" + Self.deployment("free", replicas: 1, spec: "")
        let (store, c) = try cluster(taints: [("dedicated", "db", "NoSchedule")], yaml)
        EventLoop.advance(c, by: Duration(seconds: 30))
        XCTAssertEqual(pods(c, "web").map { "\($0.nodeName ?? "-") \($0.ready)" }, ["node-2 true", "node-2 true", "node-2 true"])
        XCTAssertEqual(pods(c, "free").map { $0.nodeName ?? "-" }, ["-"])
        let named = Set(pods(c, "web").map(\.uid))
        XCTAssertFalse(c.events.contains { named.contains($0.involvedUID) && ($0.reason == "FailedScheduling" || $0.reason == "Scheduled") })
        XCTAssertTrue(c.events.contains { $0.involvedName.hasPrefix("free-") && $0.reason == "FailedScheduling" })
        try c.save()
        try store.commit()
        let derived = try EventLog.list(store, namespace: nil).filter { $0.value["reason"]?.stringValue == "Scheduled" }
        XCTAssertEqual(derived, [], "no scheduler assigned them")
        // Their status is what the kubelet writes for any pod: PodScheduled True among its own.
        let stored = try XCTUnwrap(store.list(Cluster.podType).first { $0.labels["app"] == "web" })
        XCTAssertEqual(stored.value.at("status", "conditions")?.arrayValue?.compactMap { $0["type"]?.stringValue },
                       ["PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"])
        // A bare pod that names its node, applied: the same.
        try applyYAML("apiVersion: v1\nkind: Pod\nmetadata: {name: bare}\nspec:\n  nodeName: node-1\n  containers: [{name: app, image: \"nginx:1.27\"}]\n", to: store)
        let next = try Cluster(store: store)
        EventLoop.advance(next, by: Duration(seconds: 10))
        XCTAssertEqual(next.pods.values.first { $0.name == "bare" }.map { "\($0.nodeName ?? "-") \($0.ready)" }, "node-1 true")
        try next.save()
        try store.commit()
        XCTAssertFalse(try EventLog.list(store, namespace: nil).contains { $0.value["reason"]?.stringValue == "Scheduled" })
    }

    /// The kubelet's predicates, table-driven: the first failure of AdmissionCheck (resources in
    /// fitsRequest's order — the pod count, cpu, memory, the node's extended resources —, then
    /// NodeAffinity, NodeName, NodePorts), then an untolerated NoExecute taint. The pods arrive
    /// in the order their ReplicaSet made them; the ones admitted count for the next.
    func testTheKubeletsPredicates() throws {
        let cases: [(name: String, pods: Int, taints: [(key: String, value: String, effect: String)], spec: String, container: String,
                     expected: (reason: String, message: String)?)] = [
            ("fits", 110, [], "nodeName: node-1", #", resources: {requests: {cpu: "1"}}"#, nil),
            ("cpu", 110, [], "nodeName: node-1", #", resources: {requests: {cpu: "1500m"}}"#,
             ("OutOfcpu", "Node didn't have enough resource: cpu, requested: 1500, used: 3000, capacity: 4000")),
            ("memory", 110, [], "nodeName: node-1", #", resources: {requests: {memory: "3Gi"}}"#,
             ("OutOfmemory", "Node didn't have enough resource: memory, requested: 3221225472, used: 6442450944, capacity: 8589934592")),
            // The pod count comes first, whatever else fails.
            ("pods", 2, [], "nodeName: node-1", #", resources: {requests: {cpu: "1500m"}}"#,
             ("OutOfpods", "Node didn't have enough resource: pods, requested: 1, used: 2, capacity: 2")),
            // removeMissingExtendedResources: a resource the node does not have is not checked.
            ("extended the node lacks", 110, [], "nodeName: node-1", #", resources: {requests: {nvidia.com/gpu: "1"}, limits: {nvidia.com/gpu: "1"}}"#, nil),
            ("node selector", 110, [], "nodeName: node-1\nnodeSelector: {disktype: ssd}", "",
             ("NodeAffinity", "Predicate NodeAffinity failed: node(s) didn't match Pod's node affinity/selector")),
            ("host port", 110, [], "nodeName: node-1", ", ports: [{containerPort: 80, hostPort: 8080}]",
             ("NodePorts", "Predicate NodePorts failed: node(s) didn't have free ports for the requested pod ports")),
            ("NoExecute", 110, [("dedicated", "db", "NoExecute")], "nodeName: node-1", "",
             ("TaintToleration", "Predicate TaintToleration failed: node(s) had taints that the pod didn't tolerate")),
            ("NoExecute tolerated", 110, [("dedicated", "db", "NoExecute")], "nodeName: node-1\ntolerations: [{key: dedicated, operator: Exists}]", "", nil),
            ("NoSchedule", 110, [("dedicated", "db", "NoSchedule")], "nodeName: node-1", "", nil),
        ]
        for test in cases {
            let (_, c) = try cluster(nodes: 1, pods: test.pods, taints: test.taints, Self.deployment(spec: test.spec, container: test.container))
            EventLoop.settle(c)
            let made = pods(c, "web")
            let refused = made.compactMap { KubeletAdmission.refusal($0) }
            if let expected = test.expected {
                // Every pod but the first admitted is refused when the node itself refuses.
                XCTAssertEqual(refused.first?.reason, expected.reason, test.name)
                XCTAssertEqual(refused.first?.message, expected.message, test.name)
                XCTAssertNil(made.last?.ip, "\(test.name): a refused pod gets no address")
            } else {
                XCTAssertEqual(refused.count, 0, test.name)
                XCTAssertTrue(made.allSatisfy { $0.ip != nil }, test.name)
            }
            // Rejected one second after its creation (KubeletAdmission.rejectionDelay): Failed
            // with the reason, the event, and the fail-fast's message.
            EventLoop.advance(c, by: Duration(seconds: 1))
            if let expected = test.expected {
                let rejected = try XCTUnwrap(made.first { $0.rejection != nil }, test.name)
                XCTAssertEqual(rejected.rejection?.reason, expected.reason, test.name)
                XCTAssertTrue(c.events.contains { $0.involvedUID == rejected.uid && $0.type == "Warning" && $0.reason == expected.reason && $0.message == expected.message }, test.name)
                XCTAssertEqual(rejected.phase, "Failed", test.name)
            } else {
                XCTAssertFalse(made.contains { $0.rejection != nil }, test.name)
            }
        }
    }

    /// The kubelet weighs a pod against the pods it admitted: a pod it refused (Failed at
    /// once upstream; here still waiting for its rejection) takes nothing.
    func testRefusedPodsTakeNoRoom() throws {
        let (_, c) = try cluster(nodes: 1, Self.deployment(replicas: 4, spec: "nodeName: node-1", container: #", resources: {requests: {cpu: "1500m"}}"#)
                                    + "---\n" + Self.deployment("small", replicas: 1, spec: "nodeName: node-1", container: #", resources: {requests: {cpu: "900m"}}"#))
        EventLoop.settle(c)
        XCTAssertEqual(pods(c, "web").map { KubeletAdmission.refusal($0)?.reason ?? "admitted" }.sorted(), ["OutOfcpu", "OutOfcpu", "admitted", "admitted"])
        XCTAssertEqual(pods(c, "small").map { KubeletAdmission.refusal($0)?.reason ?? "admitted" }, ["admitted"], "3,000m of 4,000m taken: 900m fits")
    }

    /// A refused pod saved before its rejection (an `apply` without `--wait`) is stored Pending
    /// with nothing a binding writes; the next command's kubelet weighs it again and rejects it
    /// on time, not admits it.
    func testARefusalOutlivesTheCommand() throws {
        let (store, c) = try cluster(nodes: 1, Self.deployment(spec: "nodeName: node-1", container: #", resources: {requests: {cpu: "1500m"}}"#))
        let start = c.now
        EventLoop.settle(c)
        try c.save()
        try store.commit()
        let stored = try store.list(Cluster.podType).filter { $0.value.at("status", "conditions") == nil }
        XCTAssertEqual(stored.count, 1)
        XCTAssertEqual(stored.first?.value["status"], .object(Object(["phase": .string("Pending"), "qosClass": .string("Burstable")])))
        let next = try Cluster(store: store)
        EventLoop.advance(next, by: Duration(seconds: 1))
        let rejected = pods(next, "web").filter { $0.rejection != nil }
        XCTAssertEqual(rejected.map(\.name), stored.map(\.name))
        XCTAssertEqual(rejected.first?.rejection?.at, start.adding(Duration(seconds: 1)))
    }

    /// A pod that names a node the cluster does not have: Pending, bound to it, no condition,
    /// no event; the pod GC's orphan pass (`gc_controller.go` gcOrphaned, gcCheckPeriod 20 s,
    /// quarantineTime 40 s) sees it at its pass at 0 s and deletes it at its pass at 40 s; the
    /// ReplicaSet's replacement, made after that pass, is first seen at 60 s and deleted at 100 s.
    func testAMissingNodeLeavesThemToThePodGC() throws {
        let (store, c) = try cluster(nodes: 1, Self.deployment(replicas: 1, spec: "nodeName: node-9"))
        let start = c.now
        XCTAssertEqual(start.milliseconds % PodGarbageCollector.period, 0, "on the pod GC's grid")
        EventLoop.settle(c)
        let first = try XCTUnwrap(pods(c, "web").first)
        XCTAssertEqual(first.nodeName, "node-9")
        XCTAssertNil(first.scheduledAt)
        XCTAssertEqual(first.statusObject()["conditions"], nil)
        XCTAssertEqual(first.statusObject()["phase"], .string("Pending"))
        XCTAssertFalse(c.events.contains { $0.involvedUID == first.uid })
        EventLoop.advance(c, by: Duration(milliseconds: 39_999))
        XCTAssertFalse(first.gone)
        EventLoop.advance(c, by: Duration(milliseconds: 1))
        XCTAssertTrue(first.gone)
        XCTAssertEqual(first.disruption?.reason, "DeletionByPodGC")
        let second = try XCTUnwrap(pods(c, "web").first { !$0.gone })
        XCTAssertEqual(second.created, start.adding(Duration(seconds: 40)))
        EventLoop.advance(c, by: Duration(milliseconds: 59_999))
        XCTAssertFalse(second.gone)
        EventLoop.advance(c, by: Duration(milliseconds: 1))
        XCTAssertTrue(second.gone)
        // The fail-fast says why.
        try c.save()
        try store.commit()
        let deployment = try XCTUnwrap(store.get(ObjectKey(type: ResourceType.forObject(apiVersion: "apps/v1", kind: "Deployment").storageKey, namespace: "default", name: "web")))
        XCTAssertEqual(RolloutStatus.stuckPods(deployment, in: try Cluster(store: store)),
                       "deployment \"web\" failed: its pod template names node \"node-9\" (spec.nodeName), which does not exist: its pods stay Pending until the pod GC deletes them")
    }
}

/// Through the built binary: a cordoned node runs the pods that name it; one too small
/// rejects them, and `apply --wait` says so.
final class NodeNamedPodsCommandTests: XCTestCase {
    func testCordonedRunsThemAndAFullNodeRejectsThem() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: RolloutRun.binary.path), "rollout binary not built")
        let s = try Scratch(self)
        XCTAssertEqual(try s.run("cluster", "init", "--nodes", "2", "--cpu", "4").status, 0)
        XCTAssertEqual(try s.run("cordon", "node-2").status, 0)
        let web = try s.write(NodeNamedPodsTests.deployment(replicas: 2, spec: "nodeName: node-2"), "web.yaml")
        var run = try s.run("apply", "-f", web, "--wait")
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.hasSuffix("deployment \"web\" successfully rolled out\n"), run.stdout)
        let wide = try s.run("get", "pods", "-l", "app=web", "-o", "wide", "--no-headers").stdout.split(separator: "\n")
        XCTAssertEqual(wide.count, 2)
        XCTAssertTrue(wide.allSatisfy { $0.contains(" Running ") && $0.contains(" node-2 ") }, wide.joined(separator: "\n"))
        let pod = String(try XCTUnwrap(wide.first?.split(separator: " ").first))
        let described = try s.run("describe", "pod", pod).stdout
        XCTAssertFalse(described.contains("default-scheduler"), described)
        XCTAssertTrue(described.contains("  Normal  Pulling  "), described)
        // node-2 holds coredns (100m) and two of these at 1,500m: the third is refused.
        let big = try s.write(NodeNamedPodsTests.deployment("big", replicas: 3, spec: "nodeName: node-2", container: #", resources: {requests: {cpu: "1500m"}}"#), "big.yaml")
        run = try s.run("apply", "-f", big, "--wait")
        XCTAssertEqual(run.status, 1)
        let rejected = try XCTUnwrap(try s.run("get", "pods", "-l", "app=big", "--no-headers").stdout.split(separator: "\n").first { $0.contains(" OutOfcpu ") })
        let name = String(try XCTUnwrap(rejected.split(separator: " ").first))
        XCTAssertEqual(run.stderr, "error: deployment \"big\" failed: its new pods are rejected by their node's kubelet (OutOfcpu): pod \(name): Node didn't have enough resource: cpu, requested: 1500, used: 3100, capacity: 4000\n")
        let failed = try s.run("describe", "pod", name).stdout
        for line in ["Node:             node-2/\n", "Status:           Failed\n", "Reason:           OutOfcpu\n",
                     "Message:          Pod was rejected: Node didn't have enough resource: cpu, requested: 1500, used: 3100, capacity: 4000\n",
                     "  Warning  OutOfcpu  0s    kubelet  Node didn't have enough resource: cpu, requested: 1500, used: 3100, capacity: 4000\n"] {
            XCTAssertTrue(failed.contains(line), "\(line)\n\(failed)")
        }
        // lint, with the cluster: a node the cluster does not have.
        let ghost = try s.write(NodeNamedPodsTests.deployment("ghost", replicas: 1, spec: "nodeName: node-9"), "ghost.yaml")
        let lint = try s.run("lint", "-f", ghost)
        XCTAssertTrue(lint.stdout.contains("no-matching-node") && lint.stdout.contains("spec.nodeName names node \"node-9\""), lint.stdout)
    }
}

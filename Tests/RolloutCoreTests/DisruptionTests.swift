import Foundation
import XCTest
@testable import RolloutCore

/// PodDisruptionBudgets, the eviction API and `kubectl drain` (KUBERNETES-scheduling-traffic.md
/// §4, §5; `pkg/controller/disruption/disruption.go` getExpectedPodCount, countHealthyPods,
/// updatePdbStatus; `pkg/registry/core/pod/storage/eviction.go` EvictionREST.Create,
/// checkAndDecrement; `staging/src/k8s.io/kubectl/pkg/drain/drain.go` evictPods,
/// waitForDelete; `pkg/cmd/drain/drain.go` RunDrain, deleteOrEvictPodsSimple).
final class DisruptionTests: XCTestCase {
    /// A bare cluster of `nodes` nodes in one zone, with `yaml` applied and `seconds` run.
    func cluster(nodes: Int, zones: [String] = [], _ yaml: String, seconds: Int = 30) throws -> (StateStore, Cluster) {
        var spec = ClusterSpec(profile: .bare, nodes: nodes)
        spec.zones = zones
        let store = try StateStore(directory: try temporaryDirectory(self).appendingPathComponent("s").path, writable: true, newCluster: spec)
        addTeardownBlock { store.close() }
        try apply(yaml, to: store)
        let c = try Cluster(store: store)
        EventLoop.advance(c, by: Duration(seconds: seconds))
        return (store, c)
    }

    func apply(_ yaml: String, to store: StateStore) throws {
        _ = try Applier.apply(try ManifestDecoder.decode([ManifestSource(name: "t.yaml", bytes: Array(yaml.utf8))]).documents, to: store, options: ApplyOptions())
    }

    static func deployment(_ name: String = "app", replicas: Int, extra: String = "", annotations: String = "{}") -> String {
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: \(name)}
        spec:
          replicas: \(replicas)
          selector: {matchLabels: {app: \(name)}}
          template:
            metadata: {labels: {app: \(name)}, annotations: \(annotations)}
            spec:
              containers:
              - name: app
                image: app:1
        \(extra)
        ---

        """
    }

    static func budget(_ spec: String, name: String = "app", selector: String = "{matchLabels: {app: app}}") -> String {
        """
        apiVersion: policy/v1
        kind: PodDisruptionBudget
        metadata: {name: \(name)}
        spec:
          selector: \(selector)
        \(spec.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        ---

        """
    }

    func status(_ c: Cluster, _ name: String = "app") -> [Int] {
        let s = c.disruptionBudgets.values.first { $0.name == name }?.object["status"]
        return ["expectedPods", "desiredHealthy", "currentHealthy", "disruptionsAllowed"].map { s?[$0]?.intValue ?? -1 }
    }

    // §5's examples and getExpectedPodCount's branches: an integer minAvailable counts the
    // matching pods; percentages and maxUnavailable scale the controllers' replicas, rounded
    // up (GetScaledValueFromIntOrPercent, roundUp=true); allowed = healthy − desired, ≥ 0, and 0
    // when no pod is expected.
    func testBudgetStatusAsTheDisruptionControllerComputesIt() throws {
        let cases: [(spec: String, replicas: Int, expected: [Int])] = [
            ("minAvailable: 3", 3, [3, 3, 3, 0]),
            ("minAvailable: 2", 3, [3, 2, 3, 1]),
            ("maxUnavailable: 25%", 3, [3, 2, 3, 1]),     // ceil(0.75) = 1 → desired 2
            ("minAvailable: 50%", 3, [3, 2, 3, 1]),       // ceil(1.5) = 2
            ("minAvailable: 90%", 3, [3, 3, 3, 0]),       // ceil(2.7) = 3
            ("maxUnavailable: 0", 3, [3, 3, 3, 0]),
            ("maxUnavailable: 1", 5, [5, 4, 5, 1]),
            ("minAvailable: 5", 3, [3, 5, 3, 0]),         // more than exist: never negative
            ("{}", 3, [0, 0, 3, 0]),                        // neither: nothing expected, nothing allowed
        ]
        for (spec, replicas, expected) in cases {
            let yaml = Self.deployment(replicas: replicas) + Self.budget(spec == "{}" ? "" : spec)
            let (_, c) = try cluster(nodes: 2, yaml)
            XCTAssertEqual(status(c), expected, spec)
            let condition = c.disruptionBudgets.values.first?.value.at("status", "conditions")?.arrayValue?.first
            XCTAssertEqual(condition?["reason"]?.stringValue, expected[3] > 0 ? "SufficientPods" : "InsufficientPods", spec)
        }
    }

    // A pod without a controller cannot be counted by scale: left out, with UnmanagedPods.
    func testUnmanagedPodsAreLeftOutOfAScaleBasedBudget() throws {
        let pod = """
        apiVersion: v1
        kind: Pod
        metadata: {name: lone, labels: {app: app}}
        spec: {containers: [{name: app, image: app:1}]}
        ---

        """
        let (_, c) = try cluster(nodes: 1, Self.deployment(replicas: 2) + pod + Self.budget("maxUnavailable: 1"))
        XCTAssertEqual(status(c), [2, 1, 3, 2])
        XCTAssertTrue(c.events.contains { $0.reason == "UnmanagedPods" && $0.message.hasPrefix("Pods selected by this PodDisruptionBudget (selector: &LabelSelector{MatchLabels:map[string]string{app: app,},") })
    }

    // checkAndDecrement: no disruption allowed → 429 with the budget's detail; more than one
    // budget → 500; a pod that is not Ready goes without budget under AlwaysAllow, and under
    // IfHealthyBudget only while the budget is met.
    func testTheEvictionAPI() throws {
        var (_, c) = try cluster(nodes: 2, Self.deployment(replicas: 3) + Self.budget("minAvailable: 3"))
        let pods = c.pods.values.filter { !$0.gone }.sorted { $0.name < $1.name }
        XCTAssertEqual(Eviction.evict(pods[0], in: c), .tooManyRequests(message: "Cannot evict pod as it would violate the pod's disruption budget.",
                                                                         cause: "The disruption budget app needs 3 healthy pods and has 3 currently"))
        XCTAssertNil(pods[0].deletion)

        (_, c) = try cluster(nodes: 2, Self.deployment(replicas: 3) + Self.budget("minAvailable: 1") + Self.budget("minAvailable: 1", name: "other"))
        XCTAssertEqual(Eviction.evict(c.pods.values.first { !$0.gone }, in: c), .failed("This pod has more than one PodDisruptionBudget, which the eviction subresource does not support."))

        for (policy, expected) in [("AlwaysAllow", true), ("IfHealthyBudget", false)] {
            // A pod that never gets ready (its readiness probe fails), and a budget not met.
            let unready = Self.deployment(replicas: 2, extra: "        readinessProbe: {exec: {command: [check]}, periodSeconds: 1}",
                                          annotations: "{rollout.sim/ready: never}")
            (_, c) = try cluster(nodes: 2, unready + Self.budget("minAvailable: 1\nunhealthyPodEvictionPolicy: \(policy)"))
            let pod = try XCTUnwrap(c.pods.values.filter { !$0.gone }.sorted { $0.name < $1.name }.first)
            XCTAssertFalse(pod.ready)
            XCTAssertEqual(Eviction.evict(pod, in: c) == .evicted, expected, policy)
        }
    }

    // The drain the issue asks for: blocked by a budget, then unblocked when a replacement is
    // ready. Two nodes, four pods (two each, by the default spreading), maxUnavailable 1. kubectl
    // starts every eviction at once: the first is accepted, the second refused (429) and
    // retried 5 s later (evictPods' time.Sleep), each retry printing `evicting pod` again. The
    // evicted pod's replacement lands on node-1 (node-2 is cordoned), where the image is present:
    // created at 0 s, started 1 s later (the node's container-start), ready without a probe —
    // so the retry at 5 s is accepted. `pod/… evicted` is printed at the first 1 s poll
    // (waitForDelete's PollImmediate) that finds the pod gone.
    func testADrainBlockedByABudgetUntilAReplacementIsReady() throws {
        let (_, c) = try cluster(nodes: 2, Self.deployment(replicas: 4) + Self.budget("maxUnavailable: 1"))
        let onNode2 = c.pods.values.filter { !$0.gone && $0.nodeName == "node-2" }.map(\.name).sorted()
        XCTAssertEqual(onNode2.count, 2)
        let start = c.now
        let result = Drain.run("node-2", in: c, options: DrainOptions())
        let lines = result.lines.map { "\(($0.at.milliseconds - start.milliseconds) / 1000)s \($0.stream == .out ? "out" : "err") \($0.text)" }
        XCTAssertEqual(lines, [
            "0s out node/node-2 cordoned",
            "0s out evicting pod default/\(onNode2[0])",
            "0s out evicting pod default/\(onNode2[1])",
            "0s err error when evicting pods/\"\(onNode2[1])\" -n \"default\" (will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget.",
            "1s out pod/\(onNode2[0]) evicted",
            "5s out evicting pod default/\(onNode2[1])",
            "6s out pod/\(onNode2[1]) evicted",
            "6s out node/node-2 drained",
        ])
        XCTAssertTrue(result.drained)
        XCTAssertEqual(result.refusals, 1)
        XCTAssertEqual(c.nodes.first { $0.name == "node-2" }?.unschedulable, true)
        XCTAssertEqual(c.pods.values.filter { !$0.gone && $0.isActive }.compactMap(\.nodeName).sorted(), ["node-1", "node-1", "node-1", "node-1"])
    }

    // A budget that never allows a disruption, and --timeout 12s: attempts at 0, 5, 10; the
    // one at 15 prints `evicting pod` and then finds the context done (evictPods checks it after
    // printing): `global timeout reached: 12s`, then RunDrain's lines; the last one bare.
    func testADrainThatTimesOut() throws {
        let (_, c) = try cluster(nodes: 2, Self.deployment(replicas: 2) + Self.budget("minAvailable: 2"))
        let pod = try XCTUnwrap(c.pods.values.first { !$0.gone && $0.nodeName == "node-2" }?.name)
        var options = DrainOptions()
        options.timeout = Duration(seconds: 12)
        let start = c.now
        let result = Drain.run("node-2", in: c, options: options)
        let error = "error when evicting pods/\"\(pod)\" -n \"default\": global timeout reached: 12s"
        let retry = "error when evicting pods/\"\(pod)\" -n \"default\" (will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget."
        XCTAssertEqual(result.lines.map { "\(($0.at.milliseconds - start.milliseconds) / 1000)s \($0.text)" }, [
            "0s node/node-2 cordoned",
            "0s evicting pod default/\(pod)", "0s " + retry,
            "5s evicting pod default/\(pod)", "5s " + retry,
            "10s evicting pod default/\(pod)", "10s " + retry,
            "15s evicting pod default/\(pod)",
            "15s There are pending pods in node \"node-2\" when an error occurred: \(error)",
            "15s pod/\(pod)",
            "15s error: unable to drain node \"node-2\" due to error: \(error), continuing command...",
            "15s There are pending nodes to be drained:",
            "15s  node-2",
            "15s " + error,
        ])
        XCTAssertFalse(result.drained)
    }

    // filters.go: a pod with an emptyDir, and one without a controller, refuse the drain
    // unless their flags are given; the errors are grouped per message (`errors()`:
    // "cannot delete %s: %s", with unmanagedFatal's own odd grammar, "Pods declare no controller").
    func testDrainFilters() throws {
        let yaml = Self.deployment(replicas: 1, extra: """
                volumeMounts: [{name: scratch, mountPath: /tmp}]
              volumes: [{name: scratch, emptyDir: {}}]
        """) + """
        apiVersion: v1
        kind: Pod
        metadata: {name: lone}
        spec: {containers: [{name: app, image: app:1}]}
        """
        var (_, c) = try cluster(nodes: 1, yaml)
        let pod = try XCTUnwrap(c.pods.values.first { !$0.gone && $0.name.hasPrefix("app-") }?.name)
        var result = Drain.run("node-1", in: c, options: DrainOptions())
        // Two groups: an aggregate, "[a, b]" (utilerrors.aggregate.Error; upstream's order is a
        // Go map's, ours sorted by message).
        let refusal = "[cannot delete Pods declare no controller (use --force to override): default/lone, cannot delete Pods with local storage (use --delete-emptydir-data to override): default/\(pod)]"
        XCTAssertEqual(result.lines.map(\.text), [
            "node/node-1 cordoned",
            "error: unable to drain node \"node-1\" due to error: \(refusal), continuing command...",
            "There are pending nodes to be drained:", " node-1", refusal,
        ])
        (_, c) = try cluster(nodes: 1, yaml)
        var options = DrainOptions()
        options.deleteEmptyDirData = true
        options.force = true
        result = Drain.run("node-1", in: c, options: options)
        XCTAssertEqual(result.lines.filter { $0.stream == .err }.map(\.text),
                       ["Warning: deleting Pods that declare no controller: default/lone; deleting Pods with local storage: default/\(pod)"])
        XCTAssertTrue(result.drained)
    }
}

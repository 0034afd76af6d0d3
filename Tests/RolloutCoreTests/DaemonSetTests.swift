import Foundation
import XCTest
@testable import RolloutCore

/// DaemonSets as the 1.32 controller runs them (`pkg/controller/daemon/daemon_controller.go`
/// manage, podsShouldBeOnNode, NodeShouldRunDaemonPod, syncNodes, updateDaemonSetStatus;
/// `update.go` rollingUpdate, updatedDesiredNodeCounts, findUpdatedPodsOnNode,
/// constructHistory, cleanupHistory; `util/daemonset_util.go` AddOrUpdateDaemonPodTolerations,
/// SurgeCount, UnavailableCount; kubectl's DaemonSetStatusViewer).
///
/// As in StatefulSetTests, pods have their image and no probe: Ready 1 s after they are made,
/// gone at once when deleted unless `rollout.sim/shutdown` says otherwise.
final class DaemonSetTests: XCTestCase {
    func cluster(nodes: Int, _ yaml: String) throws -> (StateStore, Cluster) { try bareCluster(self, nodes: nodes, yaml) }
    func apply(_ yaml: String, to store: StateStore) throws { try applyYAML(yaml, to: store) }
    func reapply(_ yaml: String, _ store: StateStore, _ c: Cluster) throws -> Cluster { try reapplyYAML(yaml, store, c) }

    static func daemonSet(image: String = "agent:1", strategy: String = "{}", annotations: String = "{rollout.sim/pull: 0s}", spec: String = "") -> String {
        """
        apiVersion: apps/v1
        kind: DaemonSet
        metadata: {name: agent}
        spec:
          updateStrategy: \(strategy)
          selector: {matchLabels: {app: agent}}
          template:
            metadata: {labels: {app: agent}, annotations: \(annotations)}
            spec:
              \(spec)
              containers:
              - name: agent
                image: \(image)
        """
    }

    /// Per instant: how many pods of each template generation exist, and how many are being
    /// deleted, as `T: gN=count … terminating=count`.
    func run(_ c: Cluster, seconds: Int) -> [String] {
        let start = c.now.milliseconds
        var lines: [String] = []
        _ = EventLoop.run(c, timeout: Duration(seconds: seconds), until: { _ in false }, observe: { c in
            let pods = c.pods.values.filter { !$0.gone && $0.ownerKind == "DaemonSet" }
            var counts: [String: Int] = [:]
            for pod in pods where !pod.isTerminating { counts["g" + (pod.labels[DaemonSetController.generationLabel] ?? "?") + (pod.ready ? "" : "-unready"), default: 0] += 1 }
            let terminating = pods.filter(\.isTerminating).count
            let line = counts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ") + (terminating > 0 ? " terminating=\(terminating)" : "")
            let t = c.now.milliseconds - start
            if let last = lines.last, last.hasPrefix("\(t): ") { lines.removeLast() }
            if lines.last?.split(separator: ":", maxSplits: 1).last.map({ $0.dropFirst() == line[...] }) == true { return }
            lines.append("\(t): \(line)")
        })
        return lines
    }

    func status(_ c: Cluster) -> DaemonSetStatus {
        var reader = FieldReader()
        return DaemonSet(c.daemonSets.values.first!, reader: &reader).status
    }

    // One pod per node, each pinned by node affinity to its node, with the automatic
    // tolerations; the status counts them (updateDaemonSetStatus).
    func testOnePodPerNodeWithTheDaemonTolerations() throws {
        let (_, c) = try cluster(nodes: 3, Self.daemonSet())
        XCTAssertEqual(run(c, seconds: 5), ["0: g1-unready=3", "1000: g1=3"])
        let pods = c.pods.values.filter { !$0.gone }
        XCTAssertEqual(Set(pods.compactMap(\.nodeName)), ["node-1", "node-2", "node-3"])
        for pod in pods {
            XCTAssertEqual(DaemonSetSync.targetNode(pod), pod.nodeName)
            XCTAssertTrue(pod.name.hasPrefix("agent-"))
            let tolerations = (pod.template["spec"]?["tolerations"]?.arrayValue ?? []).map { "\($0["key"]?.stringValue ?? ""):\($0["effect"]?.stringValue ?? "")" }
            XCTAssertEqual(tolerations, ["node.kubernetes.io/not-ready:NoExecute", "node.kubernetes.io/unreachable:NoExecute", "node.kubernetes.io/disk-pressure:NoSchedule",
                                         "node.kubernetes.io/memory-pressure:NoSchedule", "node.kubernetes.io/pid-pressure:NoSchedule", "node.kubernetes.io/unschedulable:NoSchedule"])
        }
        let s = status(c)
        XCTAssertEqual([s.desiredNumberScheduled, s.currentNumberScheduled, s.numberReady, s.updatedNumberScheduled, s.numberAvailable, s.numberUnavailable, s.numberMisscheduled],
                       [3, 3, 3, 3, 3, 0, 0])
        XCTAssertEqual(RolloutStatus.evaluate(c.daemonSets.values.first!), .done("daemon set \"agent\" successfully rolled out"))
    }

    // Which nodes: a nodeSelector, an untolerated NoSchedule taint (none made; a cordoned node
    // is tolerated), and nodes added and removed (NodeShouldRunDaemonPod).
    func testNodesChosenAddedAndRemoved() throws {
        let (store, c0) = try cluster(nodes: 3, Self.daemonSet(spec: "nodeSelector: {kubernetes.io/hostname: node-2}"))
        _ = run(c0, seconds: 5)
        XCTAssertEqual(c0.pods.values.filter { !$0.gone }.compactMap(\.nodeName), ["node-2"])
        var c = try reapply(Self.daemonSet(), store, c0)
        _ = try NodeActions.cordon(store, node: "node-3", unschedulable: true)
        try apply("apiVersion: v1\nkind: Node\nmetadata: {name: node-9}\nspec: {taints: [{key: dedicated, value: db, effect: NoSchedule}]}\n---\napiVersion: v1\nkind: Node\nmetadata: {name: node-4}\n", to: store)
        c = try reapply(Self.daemonSet(), store, c)
        _ = run(c, seconds: 5)
        XCTAssertEqual(c.pods.values.filter { !$0.gone }.compactMap(\.nodeName).sorted(), ["node-1", "node-2", "node-3", "node-4"])
        XCTAssertEqual(status(c).desiredNumberScheduled, 4)
        // A node deleted: its pod is the pod GC's (it goes after the 40 s quarantine); the
        // DaemonSet no longer counts the node.
        try c.save()
        try store.commit()
        _ = try Deleter(store: store).delete(try XCTUnwrap(store.get(ObjectKey(type: "Node", namespace: "", name: "node-4"))))
        c = try Cluster(store: store)
        _ = run(c, seconds: 90)
        XCTAssertEqual(c.pods.values.filter { !$0.gone }.compactMap(\.nodeName).sorted(), ["node-1", "node-2", "node-3"])
        XCTAssertEqual([status(c).desiredNumberScheduled, status(c).currentNumberScheduled], [3, 3])
    }

    // maxUnavailable, rounded up over the nodes that should run a pod (UnavailableCount:
    // GetScaledValueFromIntOrPercent(…, true)): 25% of 10 is 3 at a time, where a Deployment
    // would round it down to 2. Without a surge, a node's new pod is made only once its old
    // pod is gone (podsShouldBeOnNode counts the terminating pod as the node's): here 2 s of
    // shutdown, then 1 s to start.
    func testMaxUnavailableRoundsUpOnTenNodes() throws {
        let slow = "{rollout.sim/pull: 0s, rollout.sim/shutdown: 2s}"
        let (store, c0) = try cluster(nodes: 10, Self.daemonSet(annotations: slow))
        _ = run(c0, seconds: 5)
        let c = try reapply(Self.daemonSet(image: "agent:2", strategy: "{rollingUpdate: {maxUnavailable: 25%}}", annotations: slow), store, c0)
        XCTAssertEqual(run(c, seconds: 30), [
            "0: g1=7 terminating=3",
            "2000: g1=7 g2-unready=3",
            "3000: g1=4 g2=3 terminating=3",
            "5000: g1=4 g2=3 g2-unready=3",
            "6000: g1=1 g2=6 terminating=3",
            "8000: g1=1 g2=6 g2-unready=3",
            "9000: g2=9 terminating=1",
            "11000: g2=9 g2-unready=1",
            "12000: g2=10",
        ])
        XCTAssertEqual(RolloutStatus.evaluate(c.daemonSets.values.first!), .done("daemon set \"agent\" successfully rolled out"))
    }

    // maxSurge (maxUnavailable 0), rounded up too (SurgeCount): 25% of 10 is 3 new pods beside
    // the old ones at once; each old one goes when the new one on its node is available.
    func testMaxSurgeRoundsUpOnTenNodes() throws {
        let slow = "{rollout.sim/pull: 0s, rollout.sim/shutdown: 2s}"
        let (store, c0) = try cluster(nodes: 10, Self.daemonSet(annotations: slow))
        _ = run(c0, seconds: 5)
        let c = try reapply(Self.daemonSet(image: "agent:2", strategy: "{rollingUpdate: {maxSurge: 25%, maxUnavailable: 0}}", annotations: slow), store, c0)
        // Each deleted old pod takes 2 s to go, so the deletions of consecutive seconds overlap.
        XCTAssertEqual(run(c, seconds: 30), [
            "0: g1=10 g2-unready=3",
            "1000: g1=7 g2=3 g2-unready=3 terminating=3",
            "2000: g1=4 g2=6 g2-unready=3 terminating=6",
            "3000: g1=1 g2=9 g2-unready=1 terminating=6",
            "4000: g2=10 terminating=4",
            "5000: g2=10 terminating=1",
            "6000: g2=10",
        ])
    }

    // A new pod that never becomes Ready counts against maxUnavailable for good: the update
    // stops at the first node, and the wait says which pod holds it.
    func testANeverReadyPodStopsTheUpdate() throws {
        let (store, c0) = try cluster(nodes: 3, Self.daemonSet())
        _ = run(c0, seconds: 5)
        let broken = Self.daemonSet(image: "agent:2", annotations: "{rollout.sim/pull: 0s, rollout.sim/ready: never}")
            .replacingOccurrences(of: "image: agent:2", with: "image: agent:2\n        readinessProbe: {exec: {command: [\"true\"]}}")
        let c = try reapply(broken, store, c0)
        let key = try XCTUnwrap(c.daemonSets.keys.first)
        let outcome = RolloutWait.wait(for: [key], in: c, options: RolloutWait.Options(), report: { _, _, _ in })[key]
        let stuck = try XCTUnwrap(c.pods.values.first { !$0.gone && $0.labels[DaemonSetController.generationLabel] == "2" })
        XCTAssertEqual(outcome, .failed("daemonset \"agent\" is not progressing: pod \(stuck.name) on \(stuck.nodeName ?? "") is not Running and Ready, and the rollout waits for it"))
        XCTAssertEqual(c.pods.values.filter { !$0.gone && $0.labels[DaemonSetController.generationLabel] == "1" }.count, 2)
    }

    // minReadySeconds: a new pod counts against maxUnavailable until it has been ready for
    // longer than minReadySeconds; the controller looks again minReadySeconds after the sync
    // that saw it ready (`enqueueDaemonSetAfter`, a moment after: 1 ms here), so node-2's pod
    // is replaced at 6.001 s, not at 1 s.
    func testMinReadySecondsHoldsTheNextNode() throws {
        let yaml = Self.daemonSet().replacingOccurrences(of: "  updateStrategy: {}", with: "  updateStrategy: {}\n  minReadySeconds: 5")
        let (store, c0) = try cluster(nodes: 2, yaml)
        _ = run(c0, seconds: 10)
        let c = try reapply(yaml.replacingOccurrences(of: "agent:1", with: "agent:2"), store, c0)
        XCTAssertEqual(run(c, seconds: 30), ["0: g1=1 g2-unready=1", "1000: g1=1 g2=1", "6001: g2=1 g2-unready=1", "7001: g2=2"])
        XCTAssertEqual(status(c).numberAvailable, 2)
    }

    // OnDelete (updateDaemonSet runs no rolling update): nothing changes until a pod is
    // deleted; manage then makes its node's new pod from the current template.
    func testOnDeleteReplacesOnlyDeletedPods() throws {
        let (store, c0) = try cluster(nodes: 2, Self.daemonSet(strategy: "{type: OnDelete}"))
        _ = run(c0, seconds: 5)
        let c = try reapply(Self.daemonSet(image: "agent:2", strategy: "{type: OnDelete}"), store, c0)
        XCTAssertEqual(run(c, seconds: 30), ["0: g1=2"])
        let pod = try XCTUnwrap(c.pods.values.first { !$0.gone && $0.nodeName == "node-1" })
        Kubelet.beginTermination(pod.uid, in: c)
        XCTAssertEqual(run(c, seconds: 10), ["0: g1=1 g2-unready=1", "1000: g1=1 g2=1"])
        XCTAssertEqual([status(c).updatedNumberScheduled, status(c).desiredNumberScheduled], [1, 2])
    }

    // A DaemonSet whose surge and unavailability are both 0 cannot be stored (validation); the
    // controller would take 1 unavailable.
    func testValidationOfTheStrategy() throws {
        func errors(_ strategy: String) -> [String] {
            var r = Resource(try! ManifestDecoder.decode([ManifestSource(name: "t.yaml", bytes: Array(Self.daemonSet(strategy: strategy).utf8))]).documents[0].value.objectValue!)
            Defaults.apply(to: &r)
            return ObjectValidation.validate(r, file: "t.yaml")?.errors.map { "\($0.path): \($0.message)" } ?? []
        }
        XCTAssertEqual(errors("{}"), [])
        XCTAssertEqual(errors("{rollingUpdate: {maxUnavailable: 0}}"), ["spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0"])
        XCTAssertEqual(errors("{rollingUpdate: {maxSurge: 1}}"), ["spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: 1: may not be set when maxUnavailable is non-zero"])
        XCTAssertEqual(errors("{rollingUpdate: {maxUnavailable: 0, maxSurge: 120%}}"), ["spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: \"120%\": must not be greater than 100%"])
        XCTAssertEqual(errors("{type: Sometimes}"), ["spec.updateStrategy.type: Unsupported value: \"Sometimes\": supported values: \"OnDelete\", \"RollingUpdate\""])
    }

    // lint, and the surge hazard run: a surge pod needs the host port its node's old pod holds
    // (the scheduler's NodePorts filter), so it stays Pending and the rollout never finishes.
    func testLintAndAHostPortThatCannotSurge() throws {
        func codes(_ yaml: String) throws -> [String] {
            Linter.lint(try ManifestDecoder.decode([ManifestSource(name: "t.yaml", bytes: Array(yaml.utf8))]).documents).map(\.code)
        }
        func proxy(_ strategy: String, image: String = "proxy:1") -> String {
            """
            apiVersion: apps/v1
            kind: DaemonSet
            metadata: {name: proxy}
            spec:
              updateStrategy: \(strategy)
              selector: {matchLabels: {app: proxy}}
              template:
                metadata: {labels: {app: proxy}, annotations: {rollout.sim/pull: 0s}}
                spec:
                  containers: [{name: proxy, image: "\(image)", ports: [{containerPort: 80, hostPort: 80}]}]
            """
        }
        XCTAssertEqual(try codes(Self.daemonSet()), [])
        XCTAssertEqual(try codes(Self.daemonSet(strategy: "{type: OnDelete}")), ["on-delete-never-rolls"])
        XCTAssertEqual(try codes(Self.daemonSet(strategy: "{rollingUpdate: {maxUnavailable: 100%}}")), ["max-unavailable-all-nodes"])
        XCTAssertEqual(try codes(proxy("{}")), ["daemonset-node-gap"])
        XCTAssertEqual(try codes(proxy("{rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}")), ["surge-with-host-port"])
        let (store, c0) = try cluster(nodes: 2, proxy("{rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}"))
        _ = run(c0, seconds: 5)
        let c = try reapply(proxy("{rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}", image: "proxy:2"), store, c0)
        let key = try XCTUnwrap(c.daemonSets.keys.first)
        let outcome = RolloutWait.wait(for: [key], in: c, options: RolloutWait.Options(timeout: Duration(seconds: 300)), report: { _, _, _ in })[key]
        let pending = c.pods.values.filter { !$0.gone && $0.nodeName == nil }
        XCTAssertEqual(pending.count, 1)
        let failure = try XCTUnwrap(pending.first?.schedulingFailure)
        XCTAssertTrue(failure.contains("didn't have free ports"), failure)
        XCTAssertEqual(outcome, .failed("daemon set \"proxy\" failed: pod \(pending[0].name) for \(DaemonSetSync.targetNode(pending[0]) ?? "") cannot be placed: the old pod there holds its host port, and goes only once the new one is available (maxSurge with a host port)"))
    }

    // Traffic to a host port, clients spreading over the nodes in turn (10/s over 2 nodes): a
    // node answers nothing from its old pod's deletion until the new one runs, 1 s here; node-1
    // at 0–1 s (requests at 0, 200 … 800 ms), then node-2 at 1–2 s (1100 … 1900 ms): 10 fail.
    func testHostPortTrafficFailsWhileANodesPodIsReplaced() throws {
        let yaml = """
        apiVersion: apps/v1
        kind: DaemonSet
        metadata: {name: proxy}
        spec:
          selector: {matchLabels: {app: proxy}}
          template:
            metadata: {labels: {app: proxy}, annotations: {rollout.sim/pull: 0s}}
            spec:
              containers: [{name: proxy, image: "proxy:1", ports: [{containerPort: 80, hostPort: 8080}]}]
        """
        let (store, c0) = try cluster(nodes: 2, yaml)
        _ = run(c0, seconds: 5)
        let c = try reapply(yaml.replacingOccurrences(of: "proxy:1", with: "proxy:2"), store, c0)
        let routes = TrafficRecorder.hostPortRoutes(selecting: Array(c.daemonSets.values), in: c)
        XCTAssertEqual(routes.map(\.label), ["daemonset/proxy host port 8080"])
        c.traffic = TrafficRecorder(rps: 10, services: [], routes: routes, start: c.now)
        let key = try XCTUnwrap(c.daemonSets.keys.first)
        XCTAssertEqual(RolloutWait.wait(for: [key], in: c, options: RolloutWait.Options(), report: { _, _, _ in })[key], .done)
        let stats = try XCTUnwrap(c.traffic?.traffic.values.first)
        XCTAssertEqual(stats.failed, 10)
        XCTAssertEqual(stats.windows.map { "\($0.start)–\($0.end): \($0.failed) \($0.reason)" }, [
            "0–800: 5 node-1: host port closed, container not running",
            "1100–1900: 5 node-2: host port closed, container not running",
        ])
    }

    // `drain` and a DaemonSet's pod (kubectl's drain.go daemonSetFilter, before the other
    // filters): an error without --ignore-daemonsets; with it a warning, the pod left where it
    // is — its toleration of node.kubernetes.io/unschedulable keeps it on the cordoned node.
    // (The same transcript as kubectl 1.32's against `rollout serve`.)
    func testDrainLeavesDaemonSetPods() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: RolloutRun.binary.path), "rollout binary not built")
        let state = try temporaryDirectory(self).appendingPathComponent("s").path
        func run(_ args: [String]) throws -> RolloutRun { try RolloutRun.run(args + ["--state", state]) }
        XCTAssertEqual(try run(["cluster", "init", "--nodes", "2"]).status, 0)
        XCTAssertEqual(try run(["apply", "-f", "examples/daemonset/", "--wait"]).status, 0)
        func podOnNode2() throws -> String? {
            try run(["get", "pods", "-n", "kube-system", "-l", "app=node-exporter", "-o", "wide"]).stdout.split(separator: "\n")
                .first { $0.contains(" node-2 ") }.map { "kube-system/" + ($0.split(separator: " ").first ?? "") }
        }
        let pod = try XCTUnwrap(podOnNode2())
        let refused = try run(["drain", "node-2", "--delete-emptydir-data"])
        XCTAssertEqual(refused.status, 1)
        XCTAssertEqual(refused.stdout, "node/node-2 cordoned\n")
        XCTAssertEqual(refused.stderr, """
        error: unable to drain node "node-2" due to error: cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): \(pod), continuing command...
        There are pending nodes to be drained:
         node-2
        cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): \(pod)

        """)
        let drained = try run(["drain", "node-2", "--delete-emptydir-data", "--ignore-daemonsets"])
        XCTAssertEqual(drained.status, 0, drained.stderr)
        XCTAssertTrue(drained.stderr.hasPrefix("Warning: ") && drained.stderr.contains("ignoring DaemonSet-managed Pods: \(pod)\n"), drained.stderr)
        XCTAssertTrue(drained.stdout.hasSuffix("node/node-2 drained\n"), drained.stdout)
        XCTAssertEqual(try podOnNode2(), pod)
    }

    // kubectl's DaemonSetStatusViewer, message by message.
    func testStatusViewerMessages() throws {
        func viewed(_ strategy: String, _ status: String, generation: Int = 1) -> RolloutStatus.Result {
            let yaml = Self.daemonSet(strategy: strategy).replacingOccurrences(of: "metadata: {name: agent}", with: "metadata: {name: agent, generation: \(generation)}") + "\nstatus: \(status)\n"
            var r = Resource(try! ManifestDecoder.decode([ManifestSource(name: "t.yaml", bytes: Array(yaml.utf8))]).documents[0].value.objectValue!)
            Defaults.apply(to: &r)
            return RolloutStatus.evaluate(r)
        }
        XCTAssertEqual(viewed("{}", "{observedGeneration: 1}", generation: 2), .waiting("Waiting for daemon set spec update to be observed..."))
        XCTAssertEqual(viewed("{}", "{observedGeneration: 1, desiredNumberScheduled: 3, updatedNumberScheduled: 1}"),
                       .waiting("Waiting for daemon set \"agent\" rollout to finish: 1 out of 3 new pods have been updated..."))
        XCTAssertEqual(viewed("{}", "{observedGeneration: 1, desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 2}"),
                       .waiting("Waiting for daemon set \"agent\" rollout to finish: 2 of 3 updated pods are available..."))
        XCTAssertEqual(viewed("{}", "{observedGeneration: 1, desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 3}"),
                       .done("daemon set \"agent\" successfully rolled out"))
        XCTAssertEqual(viewed("{type: OnDelete}", "{observedGeneration: 1}"), .failed("rollout status is only available for RollingUpdate strategy type"))
    }

    // History: a revision per template (named by ComputeHash of the template), pods labelled
    // with its hash and the template generation (the API server's count of template changes);
    // a template seen before brought to the newest number (constructHistory); undo back to it.
    func testHistoryAndUndoThroughControllerRevisions() throws {
        let (store, c0) = try cluster(nodes: 2, Self.daemonSet())
        _ = run(c0, seconds: 5)
        var c = try reapply(Self.daemonSet(image: "agent:2"), store, c0)
        _ = run(c, seconds: 10)
        try c.save()
        try store.commit()
        let key = ObjectKey(type: "apps/DaemonSet", namespace: "default", name: "agent")
        XCTAssertEqual(try store.get(key)?.annotations[DaemonSet.templateGenerationAnnotation], "2")
        XCTAssertEqual(try RolloutActions.history(store, key, revision: nil), "daemonset.apps/agent \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n")
        XCTAssertEqual(try RolloutActions.undo(store, key, toRevision: 0), "daemonset.apps/agent rolled back")
        c = try Cluster(store: store)
        _ = run(c, seconds: 10)
        XCTAssertEqual(ControllerHistory.sorted(Array(c.controllerRevisions.values)).map(ControllerHistory.number), [2, 3])
        XCTAssertEqual(c.pods.values.filter { !$0.gone }.map { $0.behaviour.containers.first?.image ?? "" }, ["agent:1", "agent:1"])
        XCTAssertEqual(c.pods.values.filter { !$0.gone }.map { $0.labels[DaemonSetController.generationLabel] ?? "" }, ["3", "3"])
        for r in c.controllerRevisions.values {
            XCTAssertEqual(r.name, "agent-" + DeploymentController.templateHash(StatefulSetUtils.template(of: r), collisionCount: nil))
        }
        try c.save()
        try store.commit()
        XCTAssertEqual(try RolloutActions.undo(store, key, toRevision: 3), "daemonset.apps/agent skipped rollback (current template already matches revision)")
        XCTAssertThrowsError(try RolloutActions.scale(store, key, replicas: 3))
    }
}

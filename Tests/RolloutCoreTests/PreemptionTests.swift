import Foundation
import XCTest
@testable import RolloutCore

/// DefaultPreemption as kube-scheduler 1.32 runs it (`pkg/scheduler/framework/preemption/preemption.go`
/// Evaluator.Preempt, DryRunPreemption, pickOneNodeForPreemption, prepareCandidate;
/// `plugins/defaultpreemption/default_preemption.go` SelectVictimsOnNode,
/// PodEligibleToPreemptOthers, filterPodsWithPDBViolation; `schedule_one.go`
/// evaluateNominatedNode; `framework/runtime/framework.go` RunFilterPluginsWithNominatedPods).
extension SchedulerTests {
    static let priorityClass = "apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: critical}\nvalue: 1000\n"

    func livePods(_ c: Cluster, _ name: String) -> [SimPod] {
        c.pods.values.filter { !$0.gone && $0.name.hasPrefix(name + "-") }.sorted { $0.name < $1.name }
    }

    // Two nodes of 4 cpu, each running two pods of priority 0 that ask for 1.5 cpu; a pod of
    // priority 1000 asking for 2 cpu fits neither. Its first attempt fails with the FitError
    // alone (a PostFilter that succeeds adds nothing to the message) and preempts: on each node
    // removing both low pods lets it fit, giving the first back (the pods sorted by
    // MoreImportantPod; equal, so in the node's order) still lets it fit, giving the second
    // back does not — one victim a node, everything else equal, so the first node. The victim
    // gets DisruptionTarget (PreemptionByScheduler), a Preempted event and its deletion at that
    // instant; the pod is nominated to node-1 and bound there once the victim is gone, on the
    // scheduling queue's timing (requeued by the deletion, after its 1 s back-off), and keeps
    // `status.nominatedNodeName` (1.32 does not clear it at binding). The victim's replacement
    // has nothing of lower priority to preempt.
    func testAHigherPriorityPodPreemptsTheLeastImportantPodItNeeds() throws {
        let store = try cluster(nodes: 2)
        _ = try run(store, replicas: 4, name: "batch", requests: "{cpu: 1500m}")
        try applyYAML(Self.priorityClass, to: store)
        try applyYAML(deploymentYAML("api", replicas: 1, spec: "priorityClassName: critical\ncontainers:\n- name: app\n  image: app:1\n  resources: {requests: {cpu: \"2\"}}"), to: store)
        let c = try Cluster(store: store)
        XCTAssertEqual(placement(c, "batch"), ["node-1": 2, "node-2": 2])
        let before = Set(livePods(c, "batch").map(\.uid))
        var failedAt: Timestamp?, victimGoneAt: Timestamp?, boundAt: Timestamp?
        var victim: SimPod?
        var messages: [String] = []
        _ = EventLoop.run(c, timeout: Duration(seconds: 60), until: { _ in false }, observe: { c in
            guard let api = self.livePods(c, "api").first else { return }
            if failedAt == nil, let failure = api.schedulingFailure { failedAt = c.now; messages.append(failure) }
            if victim == nil { victim = c.pods.values.first { before.contains($0.uid) && $0.deletion != nil } }
            if victimGoneAt == nil, victim?.gone == true { victimGoneAt = c.now }
            if boundAt == nil, api.nodeName != nil { boundAt = c.now }
        })
        let api = try XCTUnwrap(livePods(c, "api").first)
        XCTAssertEqual(messages, ["0/2 nodes are available: 2 Insufficient cpu."])
        let preempted = try XCTUnwrap(victim)
        XCTAssertEqual(preempted.nodeName, "node-1")
        XCTAssertEqual(preempted.disruption?.reason, "PreemptionByScheduler")
        XCTAssertEqual(preempted.disruption?.message, "default-scheduler: preempting to accommodate a higher priority pod")
        XCTAssertEqual(preempted.disruption?.at, failedAt)
        XCTAssertEqual(preempted.deletion, failedAt)
        XCTAssertEqual(c.pods.values.filter { before.contains($0.uid) && $0.deletion != nil }.count, 1, "one victim only")
        let event = try XCTUnwrap(c.events.first { $0.reason == "Preempted" })
        XCTAssertEqual(event.message, "Preempted by pod \(api.uid) on node node-1")
        XCTAssertEqual(event.involvedName, preempted.name)
        XCTAssertEqual(event.type, "Normal")
        XCTAssertEqual(event.component, "default-scheduler")
        // Bound on node-1 at the first back-off tick after both the victim went and its 1 s
        // back-off ended (SchedulingQueueEntry.readyAt).
        let failed = try XCTUnwrap(failedAt), gone = try XCTUnwrap(victimGoneAt), bound = try XCTUnwrap(boundAt)
        let expiry = failed.milliseconds + 1_000
        XCTAssertEqual(bound.milliseconds, gone.milliseconds >= expiry ? gone.milliseconds : expiry.roundedUp(toMultipleOf: 1_000))
        XCTAssertEqual(api.nodeName, "node-1")
        XCTAssertEqual(api.nominatedNodeName, "node-1")
        // The replacement waits: nothing on either node has a lower priority than its own.
        XCTAssertEqual(placement(c, "batch"), ["node-1": 1, "node-2": 2, "<pending>": 1])
        XCTAssertEqual(failure(c, "batch"), "0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.")
        try c.save()
        try store.commit()
        // Stored and printed as kubectl shows it (NOMINATED NODE, describe's NominatedNodeName).
        let wide = try RolloutRun.run(["get", "pods", "-o", "wide", "--state", store.directory])
        let line = try XCTUnwrap(wide.stdout.split(separator: "\n").first { $0.hasPrefix(api.name) })
        XCTAssertEqual(line.split(separator: " ", omittingEmptySubsequences: true)[7], "node-1")
        XCTAssertTrue(try RolloutRun.run(["describe", "pod", api.name, "--state", store.directory]).stdout.contains("\nNominatedNodeName:  node-1\n"))
    }

    // pickOneNodeForPreemption's second criterion: of two nodes where one victim each makes
    // room, the one whose highest-priority victim has the lower priority.
    func testTheNodeWithTheLeastImportantVictimsIsChosen() throws {
        let store = try cluster(nodes: 2)
        try applyYAML("apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: middle}\nvalue: 100\n", to: store)
        try applyYAML("apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: low}\nvalue: 10\n", to: store)
        _ = try run(store, replicas: 1, name: "middle", spec: "priorityClassName: middle\nnodeSelector: {kubernetes.io/hostname: node-1}", requests: "{cpu: 3}")
        _ = try run(store, replicas: 1, name: "low", spec: "priorityClassName: low\nnodeSelector: {kubernetes.io/hostname: node-2}", requests: "{cpu: 3}")
        try applyYAML(Self.priorityClass, to: store)
        let c = try run(store, name: "api", spec: "priorityClassName: critical", requests: "{cpu: 2}")
        XCTAssertEqual(placement(c, "api"), ["node-2": 1])
        XCTAssertEqual(livePods(c, "api").first?.nominatedNodeName, "node-2")
        XCTAssertEqual(placement(c, "middle"), ["node-1": 1])
    }

    // filterPodsWithPDBViolation and the first criterion: a victim that would take a
    // PodDisruptionBudget below zero makes its node a worse candidate than one with no
    // violation, though the node comes first.
    func testANodeWhoseVictimWouldBreakABudgetIsAvoided() throws {
        let store = try cluster(nodes: 2)
        // (The guarded pod starts later: without its budget its node would win the last
        // criterion, the latest start.)
        _ = try run(store, replicas: 1, name: "free", spec: "nodeSelector: {kubernetes.io/hostname: node-2}", requests: "{cpu: 3}")
        _ = try run(store, replicas: 1, name: "guarded", spec: "nodeSelector: {kubernetes.io/hostname: node-1}", requests: "{cpu: 3}")
        try applyYAML("apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: guarded}\nspec:\n  minAvailable: 1\n  selector: {matchLabels: {app: guarded}}\n", to: store)
        try applyYAML(Self.priorityClass, to: store)
        let c = try run(store, name: "api", spec: "priorityClassName: critical", requests: "{cpu: 2}")
        XCTAssertEqual(placement(c, "api"), ["node-2": 1])
        XCTAssertEqual(placement(c, "guarded"), ["node-1": 1])
        // With no other choice the budget does not stop preemption (it is only a preference).
        // (node-2's free cpu is 2 now, and its pod as important as this one.)
        let more = try run(store, name: "more", spec: "priorityClassName: critical", requests: "{cpu: 3}")
        XCTAssertEqual(placement(more, "more"), ["node-1": 1])
        XCTAssertEqual(livePods(more, "guarded").filter { $0.nodeName == "node-1" }.count, 0)
    }

    // RunFilterPluginsWithNominatedPods: a pod nominated to a node keeps its room there from
    // pods of no higher priority, which are filtered with it counted (addGENominatedPods) while
    // it waits in the queue. node-1 has 2 cpu free, node-2 1.6: a pod of 1.5 cpu would score
    // node-1 higher (LeastAllocated), but node-1's room is the nominated pod's. (A nominated pod
    // that is tried and cannot preempt loses its nomination — Preempt's "not helpful" result
    // clears it — so it waits here in its back-off, as after a preemption.)
    func testANominatedPodKeepsItsRoomFromLowerPriorityPods() throws {
        func prepared() throws -> StateStore {
            let store = try cluster(nodes: 2)
            try applyYAML(Self.priorityClass, to: store)
            _ = try run(store, replicas: 1, name: "one", spec: "priorityClassName: critical\nnodeSelector: {kubernetes.io/hostname: node-1}", requests: "{cpu: 2}")
            _ = try run(store, replicas: 1, name: "two", spec: "priorityClassName: critical\nnodeSelector: {kubernetes.io/hostname: node-2}", requests: "{cpu: 2400m}")
            _ = try run(store, replicas: 1, name: "big", spec: "priorityClassName: critical", requests: "{cpu: 3}")
            try applyYAML(deploymentYAML("small", replicas: 1, spec: "containers:\n- name: app\n  image: app:1\n  resources: {requests: {cpu: 1500m}}"), to: store)
            return store
        }
        for nominate in [true, false] {
            let c = try Cluster(store: try prepared())
            let big = try XCTUnwrap(livePods(c, "big").first)
            XCTAssertNil(big.nodeName)
            XCTAssertNil(big.nominatedNodeName, "nothing of lower priority to preempt")
            // As after a preemption: nominated to node-1, backing off.
            c.updatePod(big) { p in
                if nominate { p.nominatedNodeName = "node-1" }
                p.queue = SchedulingQueueEntry(attempts: 4, failedAt: c.now, wants: [.node], seen: c.schedulingEventCounts, requeuedAt: nil)
            }
            EventLoop.advance(c, by: Duration(seconds: 5))
            XCTAssertNil(big.nodeName)
            XCTAssertEqual(placement(c, "small"), [nominate ? "node-2" : "node-1": 1], nominate ? "the room is the nominated pod's" : "without a nomination")
        }
    }

    // PodEligibleToPreemptOthers: while a victim of the pod's preemption is still terminating on
    // its nominated node, another failed attempt preempts nothing more and says why.
    func testWhileItsVictimsTerminateThePodWaits() throws {
        let store = try cluster(nodes: 1)
        try applyYAML(deploymentYAML("batch", replicas: 2, spec: "terminationGracePeriodSeconds: 30\ncontainers:\n- name: app\n  image: app:1\n  resources: {requests: {cpu: 1500m}}\n  lifecycle: {preStop: {sleep: {seconds: 20}}}"), to: store)
        let first = try Cluster(store: store)
        EventLoop.advance(first, by: Duration(seconds: 10))
        XCTAssertEqual(placement(first, "batch"), ["node-1": 2])
        try first.save()
        try store.commit()
        try applyYAML(Self.priorityClass, to: store)
        try applyYAML(deploymentYAML("api", replicas: 1, spec: "priorityClassName: critical\ncontainers:\n- name: app\n  image: app:1\n  resources: {requests: {cpu: \"2\"}}"), to: store)
        // A node change requeues the pod while the victim is still stopping (its preStop
        // runs 20 s).
        let c = try Cluster(store: store)
        EventLoop.advance(c, by: Duration(seconds: 3))
        XCTAssertEqual(livePods(c, "batch").filter { $0.deletion != nil }.count, 1)
        c.schedulingEvent(.node)
        EventLoop.advance(c, by: Duration(seconds: 3))
        let api = try XCTUnwrap(livePods(c, "api").first)
        XCTAssertNil(api.nodeName)
        XCTAssertEqual(api.nominatedNodeName, "node-1")
        XCTAssertEqual(api.schedulingFailure, "0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to a terminating pod on the nominated node.")
        XCTAssertEqual(livePods(c, "batch").filter { $0.deletion != nil }.count, 1, "no second victim")
        EventLoop.advance(c, by: Duration(seconds: 30))
        XCTAssertEqual(api.nodeName, "node-1")
    }
}

extension SchedulerTests {
    // NodeAffinity's PreFilter (node_affinity.go PreFilter; schedule_one.go findNodesThatFitPod,
    // SetAbsentNodesStatus): required terms that name nodes by `metadata.name In` — as a
    // DaemonSet's pods do — restrict filtering to those nodes, the others counted as
    // `node(s) didn't satisfy plugin(s) [NodeAffinity]`, unresolvable, so preemption does not
    // look at them; terms whose names do not meet conflict (KUBERNETES-scheduling-traffic.md
    // §2's worked examples).
    func testAPodThatNamesItsNodesIsFilteredOnThoseAlone() throws {
        let named = "affinity:\n  nodeAffinity:\n    requiredDuringSchedulingIgnoredDuringExecution:\n      nodeSelectorTerms:\n"
        let store = try cluster(nodes: 3, cpu: "1")
        let one = try run(store, name: "one", spec: named + "      - matchFields: [{key: metadata.name, operator: In, values: [node-2]}]", requests: "{cpu: 2}")
        XCTAssertEqual(failure(one, "one"), "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't satisfy plugin(s) [NodeAffinity]. preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.")
        let conflict = try run(store, name: "two", spec: named + "      - matchFields: [{key: metadata.name, operator: In, values: [node-1]}, {key: metadata.name, operator: In, values: [node-2]}]")
        XCTAssertEqual(failure(conflict, "two"), "0/3 nodes are available: pod affinity terms conflict. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.")
        // A term that names no node leaves every node to the filters (ORed terms).
        let open = try run(store, name: "three", spec: named + "      - matchFields: [{key: metadata.name, operator: In, values: [node-2]}]\n      - matchExpressions: [{key: kubernetes.io/os, operator: In, values: [linux]}]", requests: "{cpu: 2}")
        XCTAssertEqual(failure(open, "three"), "0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.")
    }

    // A DaemonSet's pod of system-node-critical priority preempts on its own node: the other
    // nodes are absent from the dry run, so the victim is the lower-priority pod where the
    // DaemonSet pod must run.
    func testADaemonSetPodPreemptsOnItsOwnNode() throws {
        let store = try cluster(nodes: 2)
        _ = try run(store, replicas: 4, name: "batch", requests: "{cpu: 1500m}")
        try applyYAML("""
            apiVersion: apps/v1
            kind: DaemonSet
            metadata: {name: agent}
            spec:
              selector: {matchLabels: {app: agent}}
              template:
                metadata: {labels: {app: agent}}
                spec:
                  priorityClassName: system-node-critical
                  containers:
                  - {name: agent, image: "agent:1", resources: {requests: {cpu: "2"}}}

            """, to: store)
        let c = try Cluster(store: store)
        EventLoop.advance(c, by: Duration(seconds: 30))
        XCTAssertEqual(placement(c, "agent"), ["node-1": 1, "node-2": 1])
        // Each was nominated to its own node, and runs there.
        for agent in livePods(c, "agent") { XCTAssertEqual(agent.nominatedNodeName, agent.nodeName) }
        XCTAssertEqual(placement(c, "batch"), ["node-1": 1, "node-2": 1, "<pending>": 2])
        XCTAssertEqual(c.events.filter { $0.reason == "Preempted" }.count, 2)
    }
}

import Foundation
import XCTest
@testable import RolloutCore

/// kube-scheduler 1.32's default profile (KUBERNETES-scheduling-traffic.md §1–2): each filter
/// plugin, the scoring that spreads a Deployment, and FailedScheduling in upstream's words
/// (`pkg/scheduler/framework/types.go` FitError.Error; the plugin files named in each test).
final class SchedulerTests: XCTestCase {
    /// A bare cluster of `nodes` nodes; `edit` changes each node (labels, taints, capacity).
    func cluster(nodes: Int, cpu: String = "4", edit: (Int, inout Resource) -> Void = { _, _ in }) throws -> StateStore {
        let store = try StateStore(directory: try temporaryDirectory(self).appendingPathComponent("s").path, writable: true,
                                   newCluster: ClusterSpec(profile: .bare, nodes: nodes, cpu: Quantity(cpu)!))
        addTeardownBlock { store.close() }
        for (i, var node) in try store.list(Cluster.nodeType).sorted(by: { $0.name < $1.name }).enumerated() {
            edit(i, &node)
            try store.put(node, creating: false)
        }
        try store.commit()
        return store
    }

    /// Applies a Deployment of `replicas` pods with `spec` under its pod spec, runs 30 s.
    func run(_ store: StateStore, replicas: Int = 1, name: String = "app", spec: String = "", requests: String = "") throws -> Cluster {
        let container = "containers:\n- name: app\n  image: app:1" + (requests.isEmpty ? "" : "\n  resources: {requests: \(requests)}")
        try applyYAML(deploymentYAML(name, replicas: replicas, annotations: "", spec: spec + "\n" + container), to: store)
        let cluster = try Cluster(store: store)
        _ = EventLoop.run(cluster, timeout: Duration(seconds: 30), until: { _ in false })
        try cluster.save()
        try store.commit()
        return cluster
    }

    func placement(_ c: Cluster, _ name: String = "app") -> [String: Int] {
        var counts: [String: Int] = [:]
        for pod in c.pods.values where !pod.gone && pod.name.hasPrefix(name + "-") { counts[pod.nodeName ?? "<pending>", default: 0] += 1 }
        return counts
    }

    func failure(_ c: Cluster, _ name: String = "app") -> String? {
        c.pods.values.filter { !$0.gone && $0.name.hasPrefix(name + "-") && $0.nodeName == nil }.first?.schedulingFailure
    }

    static func label(_ node: inout Resource, _ key: String, _ value: String) {
        var labels = node.metadata["labels"]?.objectValue ?? Object()
        labels[key] = .string(value)
        var meta = node.metadata
        meta["labels"] = .object(labels)
        node.metadata = meta
    }

    static func taint(_ node: inout Resource, _ key: String, _ value: String, _ effect: String) {
        var spec = node.object["spec"]?.objectValue ?? Object()
        spec["taints"] = .array((spec["taints"]?.arrayValue ?? []) + [.object(Object(["key": .string(key), "value": .string(value), "effect": .string(effect)]))])
        node.object["spec"] = .object(spec)
    }

    // §10(b): NodeAffinity fails on every node, unresolvably: no preemption candidate.
    func testNodeSelectorMatchingNoNode() throws {
        let c = try run(try cluster(nodes: 3), spec: "nodeSelector: {disktype: ssd}")
        XCTAssertEqual(failure(c), "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.")
    }

    // §2's worked example: one node with the wrong label (unresolvable), two without room for
    // the cpu (resolvable, but no pod of lower priority to evict). Reasons sorted as strings.
    func testMixedReasonsAndThePreemptionTail() throws {
        let store = try cluster(nodes: 3, cpu: "1") { i, node in Self.label(&node, "disktype", i == 0 ? "hdd" : "ssd") }
        _ = try run(store, replicas: 2, name: "filler", spec: "nodeSelector: {disktype: ssd}", requests: "{cpu: 800m}")
        let c = try run(store, spec: "nodeSelector: {disktype: ssd}", requests: "{cpu: 500m}")
        XCTAssertEqual(placement(c, "filler"), ["node-2": 1, "node-3": 1])
        XCTAssertEqual(failure(c), "0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.")
    }

    // §10(a): ten pods without requests on three identical nodes end 4/3/3 — PodTopologySpread's
    // system default (hostname maxSkew 3, weight 2) strictly prefers the emptier node
    // (scoring.go Score, NormalizeScore), LeastAllocated on the 100m/200Mi defaults agrees.
    func testDefaultSpreadingOfTenPodsOverThreeNodes() throws {
        let c = try run(try cluster(nodes: 3), replicas: 10)
        let counts = placement(c)
        XCTAssertEqual(counts.values.reduce(0, +), 10)
        XCTAssertEqual(counts.count, 3, "\(counts)")
        XCTAssertLessThanOrEqual((counts.values.max() ?? 0) - (counts.values.min() ?? 0), 1, "\(counts)")
    }

    // The system default spreading counts each pod's own ReplicaSet (the default selector
    // includes `pod-template-hash`; scoring.go initPreScoreState): two Deployments placed in
    // one pass, 5 pods of `a` then 4 of `b` on three nodes, each spread within one pod. The
    // scheduler keeps one owner's counts at a time (OwnerSpread); debug builds check them
    // against a recount at every pod scored, so counts carried over from `a` to `b`, or not
    // raised as `a`'s pods are placed, fail here.
    func testDefaultSpreadingCountsEachReplicaSetApart() throws {
        let store = try cluster(nodes: 3)
        let container = "containers:\n- name: app\n  image: app:1"
        try applyYAML(deploymentYAML("a", replicas: 5, annotations: "", spec: container) + "\n---\n"
                      + deploymentYAML("b", replicas: 4, annotations: "", spec: container), to: store)
        let c = try Cluster(store: store)
        _ = EventLoop.run(c, timeout: Duration(seconds: 30), until: { _ in false })
        for (name, replicas) in [("a", 5), ("b", 4)] {
            let counts = placement(c, name)
            XCTAssertEqual(counts.values.reduce(0, +), replicas, name)
            XCTAssertEqual(counts.count, 3, "\(name): \(counts)")
            XCTAssertLessThanOrEqual((counts.values.max() ?? 0) - (counts.values.min() ?? 0), 1, "\(name): \(counts)")
        }
    }

    // TaintToleration: a NoSchedule taint keeps untolerating pods off its node; tolerated, it
    // does not. With every node tainted, the first untolerated taint is named
    // (`{key: value}`; taint_toleration.go Filter).
    func testTaintsAndTolerations() throws {
        var store = try cluster(nodes: 2) { i, node in if i == 0 { Self.taint(&node, "dedicated", "gpu", "NoSchedule") } }
        var c = try run(store, replicas: 4)
        XCTAssertEqual(placement(c), ["node-2": 4])
        c = try run(store, replicas: 4, name: "gpu", spec: "tolerations: [{key: dedicated, operator: Equal, value: gpu, effect: NoSchedule}]\nnodeSelector: {kubernetes.io/hostname: node-1}")
        XCTAssertEqual(placement(c, "gpu"), ["node-1": 4])
        store = try cluster(nodes: 2) { _, node in Self.taint(&node, "dedicated", "", "NoExecute") }
        c = try run(store)
        XCTAssertEqual(failure(c), "0/2 nodes are available: 2 node(s) had untolerated taint {dedicated: }. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.")
        // PreferNoSchedule only scores (weight 3): the pods avoid the node while the other has room.
        store = try cluster(nodes: 2) { i, node in if i == 1 { Self.taint(&node, "spot", "true", "PreferNoSchedule") } }
        c = try run(store, replicas: 3)
        XCTAssertEqual(placement(c)["node-1"], 3, "\(placement(c))")
    }

    // NodeAffinity's required terms (ORed, expressions ANDed) with every operator
    // (NodeSelectorRequirementsAsSelector; Gt and Lt compare integers).
    func testRequiredNodeAffinityOperators() throws {
        let cases: [(String, String)] = [
            ("{key: tier, operator: In, values: [gold]}", "node-2"),
            ("{key: tier, operator: NotIn, values: [gold, silver]}", "node-1"),
            ("{key: gpu, operator: Exists}", "node-3"),
            ("{key: tier, operator: DoesNotExist}", "node-1"),
            ("{key: cores, operator: Gt, values: ['16']}", "node-3"),
            ("{key: cores, operator: Lt, values: ['16']}", "node-2"),
        ]
        for (expression, node) in cases {
            let store = try cluster(nodes: 3) { i, n in
                if i == 1 { Self.label(&n, "tier", "gold"); Self.label(&n, "cores", "8") }
                if i == 2 { Self.label(&n, "tier", "silver"); Self.label(&n, "gpu", "a100"); Self.label(&n, "cores", "32") }
            }
            let spec = "affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [\(expression)]}]}}}"
            let c = try run(store, replicas: 2, spec: spec)
            XCTAssertEqual(placement(c), [node: 2], expression)
        }
    }

    // NodePorts: a host port held on the only node (node_ports.go; a resolvable failure, and
    // no pod of lower priority to evict).
    func testHostPortConflict() throws {
        let store = try cluster(nodes: 1)
        let yaml = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: proxy}\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: proxy}}\n  template:\n    metadata: {labels: {app: proxy}}\n    spec:\n      containers:\n      - {name: proxy, image: proxy:1, ports: [{containerPort: 8080, hostPort: 80}]}\n"
        _ = try Applier.apply(try ManifestDecoder.decode([ManifestSource(name: "p.yaml", bytes: Array(yaml.utf8))]).documents, to: store, options: ApplyOptions())
        let c = try Cluster(store: store)
        _ = EventLoop.run(c, timeout: Duration(seconds: 10), until: { _ in false })
        XCTAssertEqual(placement(c, "proxy"), ["node-1": 1, "<pending>": 1])
        XCTAssertEqual(failure(c, "proxy"), "0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.")
    }

    // NodeResourcesFit on an extended resource the nodes do not have, and on one they have.
    func testExtendedResources() throws {
        var c = try run(try cluster(nodes: 2), requests: "{nvidia.com/gpu: 1}")
        XCTAssertEqual(failure(c), "0/2 nodes are available: 2 Insufficient nvidia.com/gpu. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.")
        let store = try cluster(nodes: 2) { i, node in
            guard i == 1 else { return }
            node.object.set(["status", "allocatable", "nvidia.com/gpu"], .string("2"))
            node.object.set(["status", "capacity", "nvidia.com/gpu"], .string("2"))
        }
        c = try run(store, replicas: 3, requests: "{nvidia.com/gpu: 1}")
        XCTAssertEqual(placement(c), ["node-2": 2, "<pending>": 1])
        XCTAssertEqual(failure(c), "0/2 nodes are available: 2 Insufficient nvidia.com/gpu. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.")
    }

    // NodeUnschedulable: a cordoned node takes no new pod; preemptionPolicy Never changes the tail.
    func testCordonedNodeAndPreemptionPolicyNever() throws {
        // (The policy comes from the pod's PriorityClass: Priority admission forbids a pod
        // that writes one other than its class's.)
        let store = try cluster(nodes: 2) { _, node in node.object.set(["spec", "unschedulable"], .bool(true)) }
        try applyYAML("apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: batch}\nvalue: 1000\npreemptionPolicy: Never\n", to: store)
        let c = try run(store, spec: "priorityClassName: batch")
        XCTAssertEqual(failure(c), "0/2 nodes are available: 2 node(s) were unschedulable. preemption: not eligible due to preemptionPolicy=Never.")
    }

    // numFeasibleNodesToFind (schedule_one.go): all nodes below 100, then 50 − n/125 percent,
    // at least 5 % and 100 nodes.
    func testFeasibleNodesToFind() {
        XCTAssertEqual(Scheduler.numFeasibleNodesToFind(99), 99)
        XCTAssertEqual(Scheduler.numFeasibleNodesToFind(100), 100)
        XCTAssertEqual(Scheduler.numFeasibleNodesToFind(1000), 420)
        XCTAssertEqual(Scheduler.numFeasibleNodesToFind(5000), 500)
    }

    // InterPodAffinity (filtering.go): required anti-affinity by hostname with a surge. Three
    // replicas fill the three nodes; the surge pod of the next rollout matches every node's old
    // pod, so it fits nowhere (a resolvable reason, no pod of lower priority to evict) and, with
    // maxUnavailable 0, no old pod ever goes: the rollout deadlocks until its progress deadline.
    func testRequiredAntiAffinityDeadlocksTheSurge() throws {
        let store = try cluster(nodes: 3)
        let anti = "affinity: {podAntiAffinity: {requiredDuringSchedulingIgnoredDuringExecution: [{labelSelector: {matchLabels: {app: app}}, topologyKey: kubernetes.io/hostname}]}}"
        var c = try run(store, replicas: 3, spec: anti)
        XCTAssertEqual(placement(c), ["node-1": 1, "node-2": 1, "node-3": 1])
        let yaml = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: app}
        spec:
          replicas: 3
          progressDeadlineSeconds: 60
          strategy: {rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}
          selector: {matchLabels: {app: app}}
          template:
            metadata: {labels: {app: app}}
            spec:
              \(anti)
              containers:
              - name: app
                image: app:2
        """
        _ = try Applier.apply(try ManifestDecoder.decode([ManifestSource(name: "v2.yaml", bytes: Array(yaml.utf8))]).documents, to: store, options: ApplyOptions())
        c = try Cluster(store: store)
        let key = try XCTUnwrap(c.deployments.keys.first { $0.name == "app" })
        let outcome = RolloutWait.wait(for: [key], in: c, options: .init(timeout: Duration(seconds: 300)), report: { _, _, _ in })
        XCTAssertEqual(outcome[key], .failed("deployment \"app\" exceeded its progress deadline"))
        XCTAssertEqual(placement(c)["<pending>"], 1)
        XCTAssertEqual(failure(c), "0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.")
    }

    // Required pod affinity: next to a pod of app=cache (the first of a group that matches its own
    // terms may go anywhere); without any, and not matching itself, nowhere. Existing pods'
    // anti-affinity keeps matching pods off their nodes.
    func testPodAffinityAndExistingAntiAffinity() throws {
        let store = try cluster(nodes: 3)
        let cacheAnti = "nodeSelector: {kubernetes.io/hostname: node-2}\naffinity: {podAntiAffinity: {requiredDuringSchedulingIgnoredDuringExecution: [{labelSelector: {matchLabels: {app: batch}}, topologyKey: kubernetes.io/hostname}]}}"
        _ = try run(store, replicas: 1, name: "cache", spec: cacheAnti)
        var c = try run(store, replicas: 2, name: "web", spec: "affinity: {podAffinity: {requiredDuringSchedulingIgnoredDuringExecution: [{labelSelector: {matchLabels: {app: cache}}, topologyKey: kubernetes.io/hostname}]}}")
        XCTAssertEqual(placement(c, "web"), ["node-2": 2])
        c = try run(store, replicas: 1, name: "lonely", spec: "affinity: {podAffinity: {requiredDuringSchedulingIgnoredDuringExecution: [{labelSelector: {matchLabels: {app: nothing}}, topologyKey: kubernetes.io/hostname}]}}")
        XCTAssertEqual(failure(c, "lonely"), "0/3 nodes are available: 3 node(s) didn't match pod affinity rules. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.")
        c = try run(store, replicas: 4, name: "batch")
        XCTAssertNil(placement(c, "batch")["node-2"], "the cache's anti-affinity keeps batch pods off node-2: \(placement(c, "batch"))")
        c = try run(store, replicas: 1, name: "pinned", spec: "nodeSelector: {kubernetes.io/hostname: node-2}")
        XCTAssertEqual(placement(c, "pinned"), ["node-2": 1], "pods the term does not match are not kept off")
    }

    // The pod's own topologySpreadConstraints (podtopologyspread/filtering.go): DoNotSchedule
    // by zone, maxSkew 1, on two zones of two nodes. Four replicas go two per zone. With zone
    // b's nodes tainted, zone b still counts as a domain (nodeTaintsPolicy Ignore) with 0 pods,
    // so zone a takes one pod (skew 1) and the next would make it 2: refused, a resolvable
    // reason; the tainted nodes fail first on the taint. The inclusion policies change which
    // nodes make domains.
    func testOwnTopologySpreadConstraints() throws {
        let spread = "topologySpreadConstraints: [{maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: app}}}]"
        var store = try cluster(nodes: 4) { i, node in Self.label(&node, "topology.kubernetes.io/zone", i < 2 ? "a" : "b") }
        var c = try run(store, replicas: 4, spec: spread)
        let counts = placement(c)
        XCTAssertEqual((counts["node-1"] ?? 0) + (counts["node-2"] ?? 0), 2, "\(counts)")
        XCTAssertEqual((counts["node-3"] ?? 0) + (counts["node-4"] ?? 0), 2, "\(counts)")
        store = try cluster(nodes: 4) { i, node in
            Self.label(&node, "topology.kubernetes.io/zone", i < 2 ? "a" : "b")
            if i >= 2 { Self.taint(&node, "maintenance", "", "NoSchedule") }
        }
        c = try run(store, replicas: 2, spec: spread)
        XCTAssertEqual(placement(c)["<pending>"], 1)
        XCTAssertEqual(failure(c), "0/4 nodes are available: 2 node(s) didn't match pod topology spread constraints, 2 node(s) had untolerated taint {maintenance: }. preemption: 0/4 nodes are available: 2 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.")
        // nodeTaintsPolicy: Honor (matchNodeInclusionPolicies): the tainted zone is no domain, so
        // both pods fit in zone a.
        c = try run(store, replicas: 2, name: "honor", spec: spread.replacingOccurrences(of: "{app: app}}", with: "{app: honor}}, nodeTaintsPolicy: Honor"))
        XCTAssertNil(placement(c, "honor")["<pending>"], "\(placement(c, "honor"))")
        // nodeAffinityPolicy: Ignore: zone b counts although the pods select zone a — the second
        // pod would make the skew 2.
        store = try cluster(nodes: 4) { i, node in Self.label(&node, "topology.kubernetes.io/zone", i < 2 ? "a" : "b") }
        let selectA = "nodeSelector: {topology.kubernetes.io/zone: a}\n"
        c = try run(store, replicas: 2, name: "ignore", spec: selectA + spread.replacingOccurrences(of: "{app: app}}", with: "{app: ignore}}, nodeAffinityPolicy: Ignore"))
        XCTAssertEqual(placement(c, "ignore")["<pending>"], 1)
        c = try run(store, replicas: 2, name: "honored", spec: selectA + spread.replacingOccurrences(of: "{app: app}}", with: "{app: honored}}"))
        XCTAssertNil(placement(c, "honored")["<pending>"], "Honor (the default): zone b is not a domain")
        // A node without the constraint's key fails unresolvably.
        c = try run(try cluster(nodes: 2), spec: "topologySpreadConstraints: [{maxSkew: 1, topologyKey: rack, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: app}}}]")
        XCTAssertEqual(failure(c), "0/2 nodes are available: 2 node(s) didn't match pod topology spread constraints (missing required label). preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.")
    }

    // InterPodAffinity's Score (scoring.go, weight 2): a preferred affinity of weight 100 to the
    // cache pod's node outweighs spreading and resources, so both replicas join it; a preferred
    // anti-affinity to it keeps them off its node. The cache pod's own preferred affinity to
    // the web pods (symmetry, processExistingPod) draws a later web pod too.
    func testPreferredPodAffinityScores() throws {
        var store = try cluster(nodes: 3)
        _ = try run(store, replicas: 1, name: "cache", spec: "nodeSelector: {kubernetes.io/hostname: node-2}")
        var c = try run(store, replicas: 2, name: "web", spec: "affinity: {podAffinity: {preferredDuringSchedulingIgnoredDuringExecution: [{weight: 100, podAffinityTerm: {labelSelector: {matchLabels: {app: cache}}, topologyKey: kubernetes.io/hostname}}]}}")
        XCTAssertEqual(placement(c, "web"), ["node-2": 2])
        c = try run(store, replicas: 2, name: "batch", spec: "affinity: {podAntiAffinity: {preferredDuringSchedulingIgnoredDuringExecution: [{weight: 100, podAffinityTerm: {labelSelector: {matchLabels: {app: cache}}, topologyKey: kubernetes.io/hostname}}]}}")
        XCTAssertNil(placement(c, "batch")["node-2"], "\(placement(c, "batch"))")
        store = try cluster(nodes: 3)
        _ = try run(store, replicas: 1, name: "cache", spec: "nodeSelector: {kubernetes.io/hostname: node-3}\naffinity: {podAffinity: {preferredDuringSchedulingIgnoredDuringExecution: [{weight: 100, podAffinityTerm: {labelSelector: {matchLabels: {app: web}}, topologyKey: kubernetes.io/hostname}}]}}")
        c = try run(store, replicas: 1, name: "web")
        XCTAssertEqual(placement(c, "web"), ["node-3": 1], "the cache's preferred affinity draws the web pod")
    }

    // scheduling_queue.go: calculateBackoffDuration (1 s doubled per attempt, at most 10 s);
    // a relevant event during the back-off sends the pod to backoffQ, popped on the 1 s tick
    // after it ends; after it, straight to activeQ; an event the rejecting plugins did not
    // register for leaves it waiting; flushUnschedulablePodsLeftover (every 30 s) retries it
    // once it has waited more than 5 minutes.
    func testTheSchedulingQueue() {
        XCTAssertEqual((1...6).map { SchedulingQueueEntry.backoff(attempts: $0) }, [1000, 2000, 4000, 8000, 10000, 10000])
        let t0 = Timestamp(milliseconds: 990_000)   // on the 30 s grid
        func entry(_ attempts: Int, _ reasons: Set<String>) -> SchedulingQueueEntry {
            SchedulingQueueEntry(attempts: attempts, failedAt: t0, wants: SchedulingQueueEntry.events(for: reasons), seen: [:], requeuedAt: nil)
        }
        let at = { (ms: Int) in Timestamp(milliseconds: t0.milliseconds + ms) }
        // Insufficient cpu, third attempt (4 s back-off); a pod deleted 1.5 s later: backoffQ.
        var e = entry(3, ["Insufficient cpu"])
        XCTAssertEqual(e.readyAt(now: at(1500), counts: [.assignedPodDeleted: 1]), at(4000))
        // The same event after the back-off: at once.
        e = entry(3, ["Insufficient cpu"])
        XCTAssertEqual(e.readyAt(now: at(6500), counts: [.assignedPodDeleted: 1]), at(6500))
        // A node selector no node matches: a pod deleted is no reason to try again.
        e = entry(1, ["node(s) didn't match Pod's node affinity/selector"])
        XCTAssertNil(e.readyAt(now: at(6500), counts: [.assignedPodDeleted: 1]))
        XCTAssertEqual(e.flushTime, at(330_000), "the first 30 s flush more than 300 s later")
        XCTAssertEqual(e.readyAt(now: at(330_000), counts: [.assignedPodDeleted: 1]), at(330_000))
        // But a node event is.
        e = entry(1, ["node(s) didn't match Pod's node affinity/selector"])
        XCTAssertEqual(e.readyAt(now: at(20_000), counts: [.node: 1]), at(20_000))
    }

    // The queue's order (`pkg/scheduler/framework/plugins/queuesort/priority_sort.go` Less:
    // higher priority first, then the earlier queued; pods queued at one instant are taken in
    // creation order and then, here, by name and namespace, so that a run repeats): pods
    // applied at once, whose names share their first 16 bytes and more, and one name in eight
    // namespaces, bind in that order — each takes the next address of the one node.
    func testPodsQueuedAtOnceAreTakenByNameThenNamespace() throws {
        // Then again with one pod of a higher priority, which goes first; the others keep their
        // order. (Its priority is set on the pod as the Priority admission plugin would have
        // set it.)
        for critical in [false, true] {
            let store = try cluster(nodes: 1)
            let namespaces = ["ns-h", "ns-c", "ns-a", "ns-f", "ns-b", "ns-g", "ns-e", "ns-d"]
            let names = ["pod-with-a-long-common-prefix-10", "pod-with-a-long-common-prefix-9", "pod-with-a-long-common-prefix-1", "a-first", "z-last"]
            var yaml = namespaces.map { "apiVersion: v1\nkind: Namespace\nmetadata: {name: \($0)}\n" }.joined(separator: "---\n")
            func pod(_ name: String, _ namespace: String) -> String {
                "---\napiVersion: v1\nkind: Pod\nmetadata: {name: \(name), namespace: \(namespace)}\nspec:\n  containers:\n  - {name: app, image: app:1}\n"
            }
            for name in names { yaml += pod(name, "default") }
            for namespace in namespaces { yaml += pod("web", namespace) }
            if critical { yaml += pod("zz-critical", "ns-h") }
            try applyYAML(yaml, to: store)
            let c = try Cluster(store: store)
            if critical, let pod = c.pods.values.first(where: { $0.name == "zz-critical" }) {
                var spec = pod.template["spec"]?.objectValue ?? Object()
                spec["priority"] = .int(2_000_000_000)
                pod.template["spec"] = .object(spec)
            }
            _ = EventLoop.run(c, timeout: Duration(seconds: 30), until: { _ in false })
            let pods = c.pods.values.filter { !$0.gone && $0.ip != nil }
            XCTAssertEqual(pods.count, names.count + namespaces.count + (critical ? 1 : 0))
            XCTAssertEqual(Set(pods.map(\.created)).count, 1, "created at one instant")
            func lastOctet(_ ip: String?) -> Int { Int(ip?.split(separator: ".").last ?? "") ?? -1 }
            let order = pods.sorted { lastOctet($0.ip) < lastOctet($1.ip) }.map { "\($0.namespace)/\($0.name)" }
            let expected = (names.map { "default/\($0)" } + namespaces.map { "\($0)/web" }).sorted { a, b in
                let x = a.split(separator: "/"), y = b.split(separator: "/")
                return x[1] != y[1] ? x[1] < y[1] : x[0] < y[0]
            }
            XCTAssertEqual(order, (critical ? ["ns-h/zz-critical"] : []) + expected)
        }
    }

    // A pod no node will ever take, with nothing happening: tried at 0 s, then by the 5-minute
    // flush at 330 s and 660 s — one FailedScheduling series of 3.
    func testAPodThatNeverFitsIsRetriedEveryFiveMinutes() throws {
        let c = try run(try cluster(nodes: 2), spec: "nodeSelector: {disktype: ssd}")
        EventLoop.advance(c, by: Duration(seconds: 631))
        let event = try XCTUnwrap(c.events.first { $0.reason == "FailedScheduling" })
        XCTAssertEqual(event.count, 3)
        XCTAssertEqual(event.last.milliseconds - event.first.milliseconds, 660_000)
    }

    // The scheduler keeps each node's summed requests between passes and recounts a node when
    // one of its pods goes (Cluster.nodeUsage, Cluster.placements). A pod that did not fit takes the
    // room a deleted pod leaves once that pod is gone, and not before; its replacement, newer,
    // waits (PrioritySort: older first). Upstream recomputes NodeInfo from the cache at every
    // cycle (`pkg/scheduler/backend/cache` UpdateSnapshot); the sums are the same.
    func testRoomLeftByAPodThatWentIsTaken() throws {
        let store = try cluster(nodes: 1, cpu: "1")
        for name in ["a", "b"] {
            let yaml = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: \(name)}\nspec:\n  replicas: 1\n  selector: {matchLabels: {app: \(name)}}\n  template:\n    metadata: {labels: {app: \(name)}}\n    spec:\n      containers:\n      - {name: app, image: app:1, resources: {requests: {cpu: 600m}}}\n"
            _ = try Applier.apply(try ManifestDecoder.decode([ManifestSource(name: "\(name).yaml", bytes: Array(yaml.utf8))]).documents, to: store, options: ApplyOptions())
        }
        let c = try Cluster(store: store)
        EventLoop.advance(c, by: Duration(seconds: 10))
        XCTAssertEqual(placement(c, "a"), ["node-1": 1])
        XCTAssertEqual(placement(c, "b"), ["<pending>": 1])
        let first = try XCTUnwrap(c.pods.values.first { $0.name.hasPrefix("a-") && !$0.gone })
        Kubelet.beginTermination(first.uid, in: c)
        var goneAt: Timestamp?
        var placedAt: Timestamp?
        _ = EventLoop.run(c, timeout: Duration(seconds: 60), until: { _ in false }, observe: { c in
            if goneAt == nil, first.gone { goneAt = c.now }
            if placedAt == nil, c.pods.values.contains(where: { $0.name.hasPrefix("b-") && !$0.gone && $0.nodeName != nil }) { placedAt = c.now }
        })
        let gone = try XCTUnwrap(goneAt, "the deleted pod goes within its grace period")
        let placed = try XCTUnwrap(placedAt, "the pending pod takes the room it left")
        XCTAssertGreaterThanOrEqual(placed, gone)
        XCTAssertEqual(placement(c, "b"), ["node-1": 1])
        XCTAssertEqual(placement(c, "a"), ["<pending>": 1])
    }

    /// findNodesThatPassFilters (`pkg/scheduler/schedule_one.go`): from the rotating start, each
    /// node filtered in turn until numFeasibleNodesToFind fit or every node was looked at. For
    /// a pod asking for cpu and memory only, the scheduler scans the nodes' rooms with
    /// `NodeTable.Room.Fit.run`, which keeps the nodes that fit and stops at the first that
    /// does not, for the filters to say why (`Scheduler.schedule`). Checked here against the
    /// loop it replaced, which asked `Room.fits` of every node: random rooms (closed, full,
    /// short of cpu or memory, overcommitted), starts and limits, for requests of nothing,
    /// zeros, cpu only and both — a node that does not fit is passed over as the filters
    /// would fail it, and the scan taken up again after it.
    func testTheRoomScanKeepsTheNodesThatFitAndStopsWhereTheFiltersMustSay() throws {
        var random = SeededRandom(seed: 11)
        for requests in [#"{}"#, #"{"cpu":"0","memory":"0"}"#, #"{"cpu":"250m"}"#, #"{"cpu":"1","memory":"1Gi"}"#] {
            let template = try XCTUnwrap(try JSONReader.parse(#"{"spec":{"containers":[{"name":"app","image":"app:1","resources":{"requests":\#(requests)}}]}}"#).objectValue)
            let r = PodRequirements(template: template)
            let fit = NodeTable.Room.Fit(r)
            for _ in 0..<300 {
                let n = Int.random(in: 1...40, using: &random)
                let rooms = (0..<n).map { _ in
                    NodeTable.Room(open: Int.random(in: 0..<8, using: &random) > 0, pods: Int.random(in: -1...3, using: &random),
                                   cpu: Int.random(in: -500...2_000, using: &random), memory: Int.random(in: -(1 << 30)...(4 << 30), using: &random))
                }
                for room in rooms { XCTAssertEqual(fit.fits(room), room.fits(r), "\(requests) \(room)") }
                let start = Int.random(in: 0..<n, using: &random), limit = Int.random(in: 1...n, using: &random)
                // The loop it replaced.
                var expected: [Int] = [], expectedScanned = 0, i = start
                while expectedScanned < n {
                    expectedScanned += 1
                    if rooms[i].fits(r) {
                        expected.append(i)
                        if expected.count >= limit { break }
                    }
                    i = (i + 1) % n
                }
                // The scheduler's: runs of fitting nodes, each node that does not fit passed over.
                var out = [Int](repeating: -1, count: n)
                var at = start, scanned = 0, kept = 0, runs = 0
                rooms.withUnsafeBufferPointer { rooms in
                    out.withUnsafeMutableBufferPointer { out in
                        while scanned < n && kept < limit {
                            runs += 1
                            fit.run(rooms, from: &at, scanned: &scanned, into: out, kept: &kept, limit: limit)
                            guard scanned < n && kept < limit else { break }
                            XCTAssertFalse(rooms[at].fits(r), "a run stops only at a node that does not fit")
                            scanned += 1
                            at = (at + 1) % n
                        }
                    }
                }
                XCTAssertEqual(Array(out.prefix(kept)), expected, "\(requests) from \(start), limit \(limit)")
                XCTAssertEqual(scanned, expectedScanned)
                XCTAssertLessThanOrEqual(runs, n - expected.count + 1)
            }
        }
        // Given no room for every node, or a start that is not a node, it scans nothing.
        let rooms = [NodeTable.Room(open: true, pods: 1, cpu: 1, memory: 1), NodeTable.Room(open: true, pods: 1, cpu: 1, memory: 1)]
        let fit = NodeTable.Room.Fit(PodRequirements(template: Object()))
        for (start, room) in [(0, 1), (2, 2), (-1, 2)] {
            var out = [Int](repeating: -1, count: room)
            var at = start, scanned = 0, kept = 0
            rooms.withUnsafeBufferPointer { rooms in
                out.withUnsafeMutableBufferPointer { out in fit.run(rooms, from: &at, scanned: &scanned, into: out, kept: &kept, limit: 2) }
            }
            XCTAssertEqual([at, scanned, kept], [start, 0, 0])
        }
    }

    /// The spreading score's rounding (`scoring.go` Score: `math.Round`, half away from zero)
    /// done without libm: the same Int as `rounded()` for halves, the largest double below a
    /// half, numbers past 2^52 (all integers) and random scores.
    func testSpreadScoreRoundsAsRoundedDoes() {
        var values: [Double] = [0, 0.5, 1.5, 2.5, 0.49999999999999994, 1.4999999999999998, 4.500000000000001, 0x1p52, 0x1p52 + 1, 0x1p53 + 2, 0x1p62 - 512, 7.0, 1e-300]
        var random = SeededRandom(seed: 3)
        for _ in 0..<20_000 {
            values.append(Double(Int.random(in: 0..<200, using: &random)) * log(Double(Int.random(in: 2..<600, using: &random))) + 2
                          + Double(Int.random(in: 0..<100, using: &random)) * log(Double(Int.random(in: 2..<6, using: &random))) + 4)
            values.append(Double(Int.random(in: 0..<1_000_000, using: &random)) / 8)
        }
        for x in values {
            XCTAssertEqual(NodeScores.roundedHalfAway(x), Int(x.rounded()), "\(x)")
        }
    }
}

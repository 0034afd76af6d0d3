import Foundation
import RolloutCore
import XCTest

/// Whole rollouts in the simulated control plane, checked at every instant against the
/// worked traces of KUBERNETES.md: surge and availability bounds, the broken release that
/// stops at old 8 / new 5 and fails at its deadline, Recreate, proportional scaling.
final class RolloutScenarioTests: XCTestCase {
    struct Sample: Equatable {
        var t: Int
        var old: Int
        var new: Int
        var available: Int
        var terminating: Int
    }

    func deployment(replicas: Int, image: String, surge: String = "3", unavailable: String = "2", annotations: String = "",
                    strategy: String? = nil, deadline: Int = 600, readiness: Bool = true) -> String {
        let strategyText = strategy ?? "strategy: {rollingUpdate: {maxSurge: \(surge), maxUnavailable: \(unavailable)}}"
        return """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          replicas: \(replicas)
          progressDeadlineSeconds: \(deadline)
          selector: {matchLabels: {app: web}}
          \(strategyText)
          template:
            metadata:
              labels: {app: web}
              annotations: {rollout.sim/startup: 5s\(annotations)}
            spec:
              containers:
              - name: web
                image: \(image)
        \(readiness ? "        readinessProbe: {httpGet: {path: /, port: 8080}, periodSeconds: 1}" : "")

        """
    }

    func apply(_ yaml: String, to store: StateStore) throws {
        let documents = try ManifestDecoder.decode([ManifestSource(name: "test.yaml", bytes: Array(yaml.utf8))]).documents
        _ = try Applier.apply(documents, to: store, options: ApplyOptions())
    }

    /// Applies `first`, waits for it, applies `second`, and samples every instant until done.
    func rollout(from first: String, to second: String, timeout: Duration = Duration(seconds: 3600)) throws -> (samples: [Sample], outcome: RolloutWait.Outcome, cluster: Cluster) {
        let store = try StateStore(directory: try temporaryDirectory(self).appendingPathComponent("s").path, writable: true, newCluster: ClusterSpec(profile: .bare))
        addTeardownBlock { store.close() }
        try apply(first, to: store)
        var cluster = try Cluster(store: store)
        let key = ObjectKey(type: "apps/Deployment", namespace: "default", name: "web")
        XCTAssertEqual(RolloutWait.wait(for: [key], in: cluster, options: .init(), report: { _, _, _ in })[key], .done)
        try cluster.save()
        try store.commit()
        try apply(second, to: store)
        cluster = try Cluster(store: store)
        let start = cluster.now.milliseconds
        let template = try XCTUnwrap(cluster.deployments[key]?.object["spec"]?["template"]?.objectValue)
        var samples: [Sample] = []
        let outcomes = RolloutWait.wait(for: [key], in: cluster, options: .init(timeout: timeout), report: { _, _, _ in }, pace: { _ in
            var sample = Sample(t: (cluster.now.milliseconds - start) / 1000, old: 0, new: 0, available: 0, terminating: 0)
            for pod in cluster.pods.values where !pod.gone {
                if pod.isTerminating { sample.terminating += 1; continue }
                let isNew = cluster.replicaSets[pod.ownerUID].map { DeploymentControllerProbe.templatesEqual($0.template, template) } ?? false
                if isNew { sample.new += 1 } else { sample.old += 1 }
                if pod.ready { sample.available += 1 }
            }
            if samples.last.map({ $0.old != sample.old || $0.new != sample.new || $0.available != sample.available || $0.terminating != sample.terminating }) ?? true {
                samples.append(sample)
            }
        })
        return (samples, outcomes[key] ?? .notFound, cluster)
    }

    func testRollingUpdateStaysWithinSurgeAndAvailability() throws {
        let (samples, outcome, _) = try rollout(from: deployment(replicas: 10, image: "app:1"), to: deployment(replicas: 10, image: "app:2"))
        XCTAssertEqual(outcome, .done)
        XCTAssertFalse(samples.isEmpty)
        for s in samples {
            XCTAssertLessThanOrEqual(s.old + s.new, 13, "never more than replicas + surge non-terminating pods: \(s)")
            XCTAssertGreaterThanOrEqual(s.available, 8, "never fewer than replicas − unavailable ready pods: \(s)")
        }
        XCTAssertEqual(samples.last.map { [$0.old, $0.new] }, [0, 10])
        // At once: sync1 creates the new ReplicaSet at 3 and takes the old one 10→8; sync2,
        // triggered by that change in the same instant, takes the new one to 5 (§6).
        XCTAssertEqual(samples.first.map { [$0.old, $0.new, $0.terminating] }, [8, 5, 2])
    }

    func testReleaseThatNeverGetsReadyStopsAtOld8New5AndFailsAtTheDeadline() throws {
        let broken = deployment(replicas: 10, image: "app:2", annotations: ", rollout.sim/ready: never", deadline: 120)
        let (samples, outcome, cluster) = try rollout(from: deployment(replicas: 10, image: "app:1", deadline: 120), to: broken)
        XCTAssertEqual(outcome, .failed("deployment \"web\" exceeded its progress deadline"))
        XCTAssertEqual(samples.last.map { [$0.old, $0.new, $0.available] }, [8, 5, 8])
        for s in samples { XCTAssertGreaterThanOrEqual(s.available, 8, "\(s)") }
        // The deadline counts from the last progress (the second scale-up at t=0), strictly after 120 s.
        let progressing = try XCTUnwrap(cluster.deployments.values.first?.value.at("status", "conditions")?.arrayValue?.first { $0["type"]?.stringValue == "Progressing" })
        XCTAssertEqual(progressing["reason"]?.stringValue, "ProgressDeadlineExceeded")
        XCTAssertEqual(progressing["message"]?.stringValue, "ReplicaSet \"\(try XCTUnwrap(cluster.replicaSets.values.first { $0.revision == 2 }?.name))\" has timed out progressing.")
    }

    func testOneReplicaWithoutSurgeHasAWindowWithNothingAvailable() throws {
        // §19: replicas 1, maxSurge 0, maxUnavailable 1: the old pod goes before the new one is ready.
        let (samples, outcome, _) = try rollout(from: deployment(replicas: 1, image: "app:1", surge: "0", unavailable: "1"),
                                                to: deployment(replicas: 1, image: "app:2", surge: "0", unavailable: "1"))
        XCTAssertEqual(outcome, .done)
        XCTAssertTrue(samples.contains { $0.available == 0 }, "\(samples)")
    }

    func testRecreateNeverRunsOldAndNewTogether() throws {
        let recreate = "strategy: {type: Recreate}"
        let (samples, outcome, _) = try rollout(from: deployment(replicas: 4, image: "app:1", strategy: recreate),
                                                to: deployment(replicas: 4, image: "app:2", strategy: recreate))
        XCTAssertEqual(outcome, .done)
        for s in samples {
            XCTAssertFalse(s.new > 0 && (s.old > 0 || s.terminating > 0), "old and new pods together: \(s)")
        }
        XCTAssertEqual(samples.last.map { [$0.old, $0.new] }, [0, 4])
    }

    func testCrashLoopFailsFast() throws {
        let crashing = deployment(replicas: 2, image: "app:2", surge: "1", unavailable: "0", annotations: ", rollout.sim/crash-after: 2s")
        let (_, outcome, cluster) = try rollout(from: deployment(replicas: 2, image: "app:1", surge: "1", unavailable: "0"), to: crashing)
        guard case .failed(let message) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertTrue(message.hasPrefix("deployment \"web\" failed: all 1 new pods are in CrashLoopBackOff: pod web-"), message)
        XCTAssertEqual(cluster.pods.values.filter { !$0.isTerminating && !$0.gone }.count, 3, "2 old pods still serve")
    }

    /// Applies each manifest in turn, waiting for each rollout (or until it stalls).
    func applyAll(_ manifests: [String], timeout: Duration = Duration(seconds: 60)) throws -> (StateStore, Cluster) {
        let store = try StateStore(directory: try temporaryDirectory(self).appendingPathComponent("s").path, writable: true, newCluster: ClusterSpec(profile: .bare))
        addTeardownBlock { store.close() }
        var cluster = try Cluster(store: store)
        let key = ObjectKey(type: "apps/Deployment", namespace: "default", name: "web")
        for manifest in manifests {
            try cluster.save()
            try store.commit()
            try apply(manifest, to: store)
            cluster = try Cluster(store: store)
            _ = RolloutWait.wait(for: [key], in: cluster, options: .init(timeout: timeout), report: { _, _, _ in })
        }
        try cluster.save()
        try store.commit()
        return (store, cluster)
    }

    func testRevisionHistoryLimitKeepsTheNewestOldReplicaSets() throws {
        // §12: with limit 2 after revisions 1..5, revisions 3 and 4 stay besides the current 5.
        let manifests = (1...5).map { deployment(replicas: 2, image: "app:\($0)").replacingOccurrences(of: "  replicas: 2\n", with: "  replicas: 2\n  revisionHistoryLimit: 2\n") }
        let (_, cluster) = try applyAll(manifests)
        XCTAssertEqual(cluster.replicaSets.values.filter { !$0.deleted }.map(\.revision).sorted(), [3, 4, 5])
    }

    func testScalingMidRolloutIsProportional() throws {
        // §8: a stalled rollout at old 8 / new 5 (max-replicas 13), scaled 10 -> 15 with surge 3:
        // 3 more to old, 2 to new.
        let broken = deployment(replicas: 10, image: "app:2", annotations: ", rollout.sim/ready: never")
        let scaled = broken.replacingOccurrences(of: "replicas: 10", with: "replicas: 15")
        let (_, cluster) = try applyAll([deployment(replicas: 10, image: "app:1"), broken, scaled], timeout: Duration(seconds: 30))
        let sizes = cluster.replicaSets.values.filter { !$0.deleted }.sorted { $0.revision < $1.revision }.map(\.specReplicas)
        XCTAssertEqual(sizes, [11, 7])
    }

    func testPausedTemplateChangesMakeOneReplicaSetOnResume() throws {
        let paused = { (image: String) in self.deployment(replicas: 3, image: image).replacingOccurrences(of: "  replicas: 3\n", with: "  replicas: 3\n  paused: true\n") }
        let (_, cluster) = try applyAll([deployment(replicas: 3, image: "app:1"), paused("app:2"), paused("app:3"), deployment(replicas: 3, image: "app:3")])
        let revisions = cluster.replicaSets.values.filter { !$0.deleted }.sorted { $0.revision < $1.revision }
        XCTAssertEqual(revisions.map(\.revision), [1, 2], "app:2 never got a ReplicaSet")
        XCTAssertEqual(revisions.last?.template["spec"]?["containers"]?.arrayValue?.first?["image"], .string("app:3"))
        let progressing = cluster.deployments.values.first?.value.at("status", "conditions")?.arrayValue?.first { $0["type"]?.stringValue == "Progressing" }
        XCTAssertEqual(progressing?["reason"]?.stringValue, "NewReplicaSetAvailable")
    }

    func testUnschedulablePodsWaitWithAFailedSchedulingEvent() throws {
        let big = deployment(replicas: 3, image: "app:1").replacingOccurrences(of: "        image: app:1\n", with: "        image: app:1\n        resources: {requests: {cpu: \"3\"}}\n")
        let (_, cluster) = try applyAll([big], timeout: Duration(seconds: 30))
        let pending = cluster.pods.values.filter { $0.nodeName == nil }
        XCTAssertEqual(pending.count, 2, "one pod of 3 CPU fits the default 4-CPU node")
        XCTAssertTrue(cluster.events.contains { $0.reason == "FailedScheduling" && $0.message.hasPrefix("0/1 nodes are available: 1 Insufficient cpu.") })
    }

    func testHashCollisionBumpsCollisionCount() throws {
        let store = try StateStore(directory: try temporaryDirectory(self).appendingPathComponent("s").path, writable: true, newCluster: ClusterSpec(profile: .bare))
        addTeardownBlock { store.close() }
        try apply(deployment(replicas: 2, image: "app:1"), to: store)
        let key = ObjectKey(type: "apps/Deployment", namespace: "default", name: "web")
        let template = try XCTUnwrap(try store.get(key)?.object["spec"]?["template"]?.objectValue)
        // Someone else's ReplicaSet already has the name the new one would get.
        let taken = "web-\(DeploymentController.templateHash(template, collisionCount: nil))"
        try store.put(Resource(Object([
            "apiVersion": .string("apps/v1"), "kind": .string("ReplicaSet"),
            "metadata": .object(Object(["name": .string(taken), "namespace": .string("default"), "uid": .string("other")])),
            "spec": .object(Object([
                "replicas": .int(0),
                "selector": .object(Object(["matchLabels": .object(Object(["other": .string("x")]))])),
                "template": .object(Object([
                    "metadata": .object(Object(["labels": .object(Object(["other": .string("x")]))])),
                    "spec": .object(Object(["containers": .array([.object(Object(["name": .string("c"), "image": .string("i")]))])])),
                ])),
            ])),
        ])), creating: true)
        try store.commit()
        let cluster = try Cluster(store: store)
        XCTAssertEqual(RolloutWait.wait(for: [key], in: cluster, options: .init(), report: { _, _, _ in })[key], .done)
        let created = cluster.replicaSets.values.filter { $0.ownerName == "web" }
        XCTAssertEqual(created.count, 1)
        XCTAssertNotEqual(created.first?.name, taken)
        XCTAssertEqual(created.first?.name, "web-\(DeploymentController.templateHash(template, collisionCount: 1))")
        XCTAssertEqual(cluster.deployments[key]?.value.at("status", "collisionCount"), .int(1))
    }

    func testPreStopLongerThanTheGracePeriodGetsSIGKILLTwoSecondsAfterSIGTERM() throws {
        // §17: preStop 45 s, grace 30 s: SIGTERM at 30 s, SIGKILL at 32 s (the app would drain for 60 s).
        let slow = deployment(replicas: 1, image: "app:1", annotations: ", rollout.sim/shutdown: 60s")
            .replacingOccurrences(of: "        image: app:1\n", with: "        image: app:1\n        lifecycle: {preStop: {sleep: {seconds: 45}}}\n")
            .replacingOccurrences(of: "      containers:", with: "      terminationGracePeriodSeconds: 30\n      containers:")
        let (store, _) = try applyAll([slow])
        let pod = try XCTUnwrap(try store.list(ResourceType.forObject(apiVersion: "v1", kind: "Pod")).first)
        try Deleter(store: store).delete(pod)
        try store.commit()
        let deleted = try Cluster(store: store)
        let start = deleted.now.milliseconds
        var sigterm: Int?
        let outcome = EventLoop.run(deleted, timeout: Duration(seconds: 300), until: { c in c.pods[pod.uid].map { $0.gone } ?? true }, observe: { c in
            if sigterm == nil, let at = c.pods[pod.uid]?.sigtermAt { sigterm = at.milliseconds - start }
        })
        XCTAssertEqual(outcome, .conditionMet)
        XCTAssertEqual(sigterm, 30_000)
        XCTAssertEqual(deleted.now.milliseconds - start, 32_000)
    }

    func testImagePullFailureFailsFast() throws {
        let (_, outcome, cluster) = try rollout(from: deployment(replicas: 2, image: "app:1", surge: "1", unavailable: "0"),
                                                to: deployment(replicas: 2, image: "app:404", surge: "1", unavailable: "0", annotations: ", rollout.sim/pull: fail"))
        guard case .failed(let message) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertTrue(message.contains("are in ImagePullBackOff") && message.contains("image \"app:404\" cannot be pulled"), message)
        XCTAssertTrue(cluster.events.contains { $0.reason == "Failed" && $0.message.hasPrefix("Failed to pull image \"app:404\"") })
    }

    func testBarePodsAndReplicaSetsRunToo() throws {
        let store = try StateStore(directory: try temporaryDirectory(self).appendingPathComponent("s").path, writable: true, newCluster: ClusterSpec(profile: .bare))
        addTeardownBlock { store.close() }
        try apply("""
        apiVersion: v1
        kind: Pod
        metadata: {name: solo, labels: {app: solo}}
        spec: {containers: [{name: app, image: "solo:1"}]}
        ---
        apiVersion: apps/v1
        kind: ReplicaSet
        metadata: {name: pool}
        spec:
          replicas: 2
          selector: {matchExpressions: [{key: app, operator: In, values: [pool]}]}
          template:
            metadata: {labels: {app: pool}}
            spec: {containers: [{name: app, image: "pool:1"}]}

        """, to: store)
        try store.commit()
        let cluster = try Cluster(store: store)
        _ = EventLoop.run(cluster, timeout: Duration(seconds: 10), until: { _ in false })
        try cluster.save()
        let pods = try store.list(ResourceType.forObject(apiVersion: "v1", kind: "Pod"))
        XCTAssertEqual(pods.count, 3)
        XCTAssertTrue(pods.allSatisfy { $0.value.at("status", "phase")?.stringValue == "Running" })
        let solo = try XCTUnwrap(pods.first { $0.name == "solo" })
        XCTAssertNil(solo.metadata["ownerReferences"], "a bare pod has no owner")
        let pool = try XCTUnwrap(try store.get(ObjectKey(type: "apps/ReplicaSet", namespace: "default", name: "pool")))
        XCTAssertNil(pool.metadata["ownerReferences"])
        XCTAssertNotNil(pool.value.at("spec", "selector", "matchExpressions"), "the ReplicaSet keeps the selector it was given")
        XCTAssertEqual(pool.value.at("status", "readyReplicas"), .int(2))
    }

    func testSameInputsGiveTheSameEventsAndNames() throws {
        func run() throws -> [String] {
            let (_, _, cluster) = try rollout(from: deployment(replicas: 5, image: "app:1"), to: deployment(replicas: 5, image: "app:2"))
            return cluster.events.map { "\($0.last) \($0.involvedName) \($0.reason) \($0.message)" }
        }
        XCTAssertEqual(try run(), try run())
    }
}

/// Test access to the controller's template comparison.
enum DeploymentControllerProbe {
    static func templatesEqual(_ a: Object, _ b: Object) -> Bool {
        var x = a, y = b
        for t in [0, 1] {
            var template = t == 0 ? x : y
            if var meta = template["metadata"]?.objectValue, var labels = meta["labels"]?.objectValue {
                labels["pod-template-hash"] = nil
                meta["labels"] = .object(labels)
                template["metadata"] = .object(meta)
            }
            if t == 0 { x = template } else { y = template }
        }
        return Value.object(x).sortingKeys() == Value.object(y).sortingKeys()
    }
}

import Foundation
import XCTest
@testable import RolloutCore

/// The Deployment and ReplicaSet controllers against Kubernetes 1.32: KUBERNETES.md as
/// corrected on 2026-12-01 (§15 strict availability, §12 the scaling-event wording) and the
/// new ReplicaSet's selector (issue 10, deliverable 6).
final class ControllerFidelityTests: XCTestCase {
    // `IsPodAvailable` (pkg/api/v1/pod/util.go, 1.32): Ready && (minReadySeconds == 0 ||
    // readyLTT + minReadySeconds < now). Ready for 51 s with minReadySeconds 51 is not yet
    // available; 1.34 (PR #132122) made it `<=`.
    func testIsPodAvailableIsStrictAsIn132() {
        let readySince = Timestamp.clusterEpoch
        let cases: [(name: String, minReady: Int, after: Int, ready: Bool, available: Bool)] = [
            ("minReadySeconds 0: available once ready", 0, 0, true, true),
            ("not ready is never available", 0, 60_000, false, false),
            ("ready for exactly minReadySeconds: not yet", 51, 51_000, true, false),
            ("a millisecond past it: available", 51, 51_001, true, true),
            ("well before", 51, 10_000, true, false),
        ]
        for c in cases {
            let pod = SimPod(name: "p", namespace: "default", uid: "u", ownerUID: "o", ownerName: "rs", labels: [:],
                             template: Object(), created: readySince, behaviour: AppBehaviour(template: nil))
            pod.ready = c.ready
            pod.readySince = c.ready ? readySince : nil
            XCTAssertEqual(pod.isAvailable(minReadySeconds: c.minReady, now: Timestamp(milliseconds: readySince.milliseconds + c.after)), c.available, c.name)
        }
    }

    // With the strict rule a discrete clock must look again just after readyLTT +
    // minReadySeconds (the ReplicaSet controller's AddAfter(minReadySeconds) lands after it):
    // the rollout completes, and no pod counts as available at the boundary itself.
    func testARolloutWithMinReadySecondsCompletesJustAfterTheBoundary() throws {
        let yaml = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          replicas: 2
          minReadySeconds: 10
          selector: {matchLabels: {app: web}}
          strategy: {rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}
          template:
            metadata: {labels: {app: web}}
            spec: {containers: [{name: app, image: "app:1"}]}
        """
        let store = try StateStore(directory: try temporaryDirectory(self).appendingPathComponent("s").path, writable: true, newCluster: ClusterSpec(profile: .bare))
        defer { store.close() }
        _ = try Applier.apply(try ManifestDecoder.decode([ManifestSource(name: "web.yaml", bytes: Array(yaml.utf8))]).documents, to: store, options: ApplyOptions())
        let cluster = try Cluster(store: store)
        let key = ObjectKey(type: "apps/Deployment", namespace: "default", name: "web")
        var availableAt: [Int: Int] = [:]
        let outcome = EventLoop.run(cluster, timeout: Duration(seconds: 120), until: { c in
            c.deployments[key].map(RolloutStatus.evaluate).map { if case .done = $0 { return true } else { return false } } ?? false
        }, observe: { c in
            let available = c.replicaSets.values.reduce(0) { $0 + $1.availableReplicas }
            if availableAt[available] == nil { availableAt[available] = c.now.milliseconds - Timestamp.clusterEpoch.milliseconds }
        })
        XCTAssertEqual(outcome, .conditionMet)
        // Without annotations or probes the pods pull "app:1" (a first pull on the node: the
        // default 3 s), start (the default 1 s) and are ready at 4 s: available at 14.001 s.
        XCTAssertEqual(availableAt[2], 14_001, "\(availableAt)")
        XCTAssertNil(availableAt[1], "both pods became available at the same instant: \(availableAt)")
    }

    // deployment_controller.go NewDeploymentController: the Deployment controller's informers
    // are Deployments and ReplicaSets; of pods only deletePod, which queues a Recreate
    // Deployment. A pod that moves is its Deployment's to sample and look at again; it queues
    // the Deployment for a sync only through its ReplicaSet's status write — or, under
    // Recreate, at once.
    func testAPodQueuesItsDeploymentThroughItsReplicaSetUnlessRecreate() throws {
        func deployment(_ name: String, strategy: String) -> String {
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: \(name)}
            spec:
              replicas: 2
              selector: {matchLabels: {app: \(name)}}
              strategy: \(strategy)
              template:
                metadata: {labels: {app: \(name)}}
                spec: {containers: [{name: app, image: "app:1"}]}
            """
        }
        let (_, c) = try bareCluster(self, nodes: 1, deployment("rolling", strategy: "{}") + "\n---\n" + deployment("recreate", strategy: "{type: Recreate}"))
        let keys = ["rolling", "recreate"].map { ObjectKey(type: "apps/Deployment", namespace: "default", name: $0) }
        let outcome = EventLoop.run(c, timeout: Duration(seconds: 60), until: { c in
            keys.allSatisfy { key in c.deployments[key].map(RolloutStatus.evaluate).map { if case .done = $0 { return true } else { return false } } ?? false }
        })
        XCTAssertEqual(outcome, .conditionMet)
        let uids = try keys.map { try XCTUnwrap(c.deployments[$0]?.uid) }
        XCTAssertEqual(c.recreateDeployments, [uids[1]])
        func pod(of uid: String) throws -> SimPod {
            try XCTUnwrap(c.pods.values.filter { p in c.replicaSets[p.ownerUID]?.ownerUID == uid && !p.gone }.min { $0.name < $1.name })
        }
        // A move that leaves the ReplicaSet's status as it was (a restart count, here).
        c.deploymentsToSync = []
        c.statusesToEvaluate = []
        c.timelinesToSample = []
        for uid in uids { c.updatePod(try pod(of: uid)) { $0.epoch += 1 } }
        XCTAssertFalse(c.deploymentsToSync.contains(uids[0]), "a RollingUpdate Deployment is not queued by a pod")
        XCTAssertTrue(c.deploymentsToSync.contains(uids[1]), "a Recreate Deployment is queued by its pods")
        for uid in uids {
            XCTAssertTrue(c.statusesToEvaluate.contains(uid) && c.timelinesToSample.contains(uid), "a moved pod's Deployment is looked at again")
        }
        // A move that changes its ReplicaSet's status (the pod is no longer ready): the
        // ReplicaSet controller writes it, and that queues the Deployment.
        c.deploymentsToSync = []
        c.updatePod(try pod(of: uids[0])) { $0.ready = false }
        XCTAssertFalse(c.deploymentsToSync.contains(uids[0]))
        _ = ReplicaSetController.sync(in: c)
        XCTAssertTrue(c.deploymentsToSync.contains(uids[0]), "the ReplicaSet's status write queues its Deployment")
    }

    // sync.go scaleReplicaSet, 1.32 (PR #125118): "Scaled up|down replica set <rs> from <old>
    // to <new>", creation included.
    func testScalingEventsUse132Wording() throws {
        let root = try temporaryDirectory(self)
        let state = root.appendingPathComponent("s").path
        XCTAssertEqual(try RolloutRun.run(["apply", "--state", state, "-f", "examples/manifests/web-api.yaml", "--wait"]).status, 0)
        XCTAssertEqual(try RolloutRun.run(["scale", "deployment/web-api", "--replicas", "1", "--state", state]).status, 0)
        XCTAssertEqual(try RolloutRun.run(["status", "deployment/web-api", "--state", state]).status, 0)
        let events = try RolloutRun.run(["events", "--state", state]).stdout
        XCTAssertTrue(events.range(of: #"Scaled up replica set web-api-[a-z0-9]+ from 0 to 3"#, options: .regularExpression) != nil, events)
        XCTAssertTrue(events.range(of: #"Scaled down replica set web-api-[a-z0-9]+ from 3 to 1"#, options: .regularExpression) != nil, events)
        XCTAssertFalse(events.contains(" to 1 from 3"), events)
    }

    // sync.go getNewReplicaSet: the new ReplicaSet's selector is CloneSelectorAndAddLabel of
    // the Deployment's selector (matchExpressions kept), its labels the template's plus the
    // hash — a template label outside the selector is not selected on.
    func testTheReplicaSetSelectorIsTheDeploymentsPlusTheHash() throws {
        let root = try temporaryDirectory(self)
        let state = root.appendingPathComponent("s").path
        let file = root.appendingPathComponent("web.yaml")
        try Data("""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          replicas: 1
          selector:
            matchLabels: {app: web}
            matchExpressions: [{key: tier, operator: In, values: [front, edge]}]
          template:
            metadata: {labels: {app: web, tier: front, version: "1.4"}}
            spec: {containers: [{name: app, image: "app:1"}]}
        """.utf8).write(to: file)
        XCTAssertEqual(try RolloutRun.run(["apply", "--state", state, "-f", file.path, "--wait"]).status, 0)
        let json = try RolloutRun.run(["get", "rs", "-o", "json", "--state", state]).stdout
        let list = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let rs = try XCTUnwrap((list["items"] as? [[String: Any]])?.first)
        let hash = try XCTUnwrap(((rs["metadata"] as? [String: Any])?["labels"] as? [String: String])?["pod-template-hash"])
        let selector = try XCTUnwrap((rs["spec"] as? [String: Any])?["selector"] as? [String: Any])
        XCTAssertEqual(selector["matchLabels"] as? [String: String], ["app": "web", "pod-template-hash": hash])
        let expressions = try XCTUnwrap(selector["matchExpressions"] as? [[String: Any]])
        XCTAssertEqual(expressions.first?["key"] as? String, "tier")
        XCTAssertEqual(expressions.first?["values"] as? [String], ["front", "edge"])
        XCTAssertEqual((rs["metadata"] as? [String: Any])?["labels"] as? [String: String], ["app": "web", "tier": "front", "version": "1.4", "pod-template-hash": hash])
        // The state reloads and rolls on with that selector.
        XCTAssertEqual(try RolloutRun.run(["set", "image", "deployment/web", "app=app:2", "--state", state]).status, 0)
        XCTAssertEqual(try RolloutRun.run(["status", "deployment/web", "--state", state]).status, 0)
    }

    // rest/delete.go BeforeDelete (KUBERNETES-kubelet.md, graceful deletion): the first graceful
    // delete sets deletionTimestamp = now + grace and deletionGracePeriodSeconds = grace;
    // kubectl's describePod shows "Terminating (lasts <until then>)" and the grace period. The
    // kubelet still works from the request: preStop 10 s, then 3 s of drain, gone at 13 s.
    func testADeletedPodsDeletionTimestampIsTheRequestPlusItsGracePeriod() throws {
        let root = try temporaryDirectory(self)
        let state = root.appendingPathComponent("s").path
        XCTAssertEqual(try RolloutRun.run(["apply", "--state", state, "-f", "examples/manifests/web-api.yaml", "--wait"]).status, 0)
        let clock = { () throws -> Timestamp in
            let info = try RolloutRun.run(["cluster", "info", "--state", state]).stdout
            let line = try XCTUnwrap(info.split(separator: "\n").first { $0.hasPrefix("Clock: ") })
            return try XCTUnwrap(Timestamp(parsing: String(line.dropFirst("Clock: ".count))))
        }
        let requested = try clock()
        let pod = try XCTUnwrap(try RolloutRun.run(["get", "pods", "-o", "name", "--state", state]).stdout.split(separator: "\n").first).dropFirst(4)
        XCTAssertEqual(try RolloutRun.run(["delete", "pod", String(pod), "--wait=false", "--state", state]).status, 0)
        let json = try RolloutRun.run(["get", "pod", String(pod), "-o", "json", "--state", state]).stdout
        XCTAssertTrue(json.contains("\"deletionTimestamp\": \"\(requested.adding(Duration(seconds: 30)))\""), json)
        XCTAssertTrue(json.contains("\"deletionGracePeriodSeconds\": 30"), json)
        let described = try RolloutRun.run(["describe", "pod", String(pod), "--state", state]).stdout
        XCTAssertTrue(described.contains("Status:                    Terminating (lasts 30s)") || described.range(of: #"Status:\s+Terminating \(lasts 30s\)"#, options: .regularExpression) != nil, described)
        XCTAssertTrue(described.range(of: #"Termination Grace Period:\s+30s"#, options: .regularExpression) != nil, described)
        // A later command resumes from the request time, not from the deletionTimestamp.
        XCTAssertEqual(try RolloutRun.run(["delete", "pod", String(pod), "--wait", "--state", state]).status, 0)
        XCTAssertEqual(try clock().milliseconds - requested.milliseconds, 13_000)
    }

    // storage.go beginUpdate → patchAllocatedValues (KUBERNETES-kubelet.md §5): an update that
    // omits the allocated values keeps them, a port changed under the same (empty) name keeps
    // its nodePort, and a change to ClusterIP drops the node ports (dropTypeDependentFields).
    func testServiceUpdatesKeepTheAllocatedValues() throws {
        let root = try temporaryDirectory(self)
        let state = root.appendingPathComponent("s").path
        func apply(_ type: String?, _ port: Int, name: String? = nil) throws -> [String: Any] {
            let file = root.appendingPathComponent("svc-\(UUID().uuidString).yaml")
            let typeLine = type.map { "  type: \($0)\n" } ?? ""
            let nameField = name.map { ", name: \($0)" } ?? ""
            try Data("apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n\(typeLine)  selector: {app: a}\n  ports: [{port: \(port), targetPort: 8080\(nameField)}]\n".utf8).write(to: file)
            let run = try RolloutRun.run(["apply", "--state", state, "-f", file.path])
            XCTAssertEqual(run.status, 0, run.stderr)
            let json = try RolloutRun.run(["get", "svc", "s", "-o", "json", "--state", state]).stdout
            return try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])?["spec"] as? [String: Any])
        }
        func nodePort(_ spec: [String: Any]) -> Int? { ((spec["ports"] as? [[String: Any]])?.first?["nodePort"] as? NSNumber)?.intValue }
        let created = try apply("NodePort", 80)
        let allocated = try XCTUnwrap(nodePort(created))
        let clusterIP = try XCTUnwrap(created["clusterIP"] as? String)
        let moved = try apply("NodePort", 8080)
        XCTAssertEqual(nodePort(moved), allocated, "the unnamed port keeps its node port")
        XCTAssertEqual(moved["clusterIP"] as? String, clusterIP)
        // Naming the same port is a patch of that list entry (merged by `port`): the node port
        // the server set stays, as with kubectl apply.
        XCTAssertEqual(nodePort(try apply("NodePort", 8080, name: "http")), allocated)
        // Another port under another name matches no old port: a new node port.
        let renamed = try apply("NodePort", 9090, name: "web")
        XCTAssertNotNil(nodePort(renamed))
        XCTAssertNotEqual(nodePort(renamed), allocated, "a port under another name gets a new node port")
        let plain = try apply(nil, 9090, name: "web")
        XCTAssertNil(nodePort(plain), "ClusterIP has no node ports")
        XCTAssertEqual(plain["clusterIP"] as? String, clusterIP)
        XCTAssertNil(plain["externalTrafficPolicy"], "nor a traffic policy: it is no longer reachable from outside")
        XCTAssertEqual(plain["type"] as? String, "ClusterIP")
    }

    /// `dropTypeDependentFields` (`pkg/registry/core/service/strategy.go`): what a Service's new
    /// type no longer needs goes, when the update left it as it was.
    func testAServiceLosesWhatItsNewTypeDoesNotNeed() throws {
        func service(_ spec: String) throws -> Resource {
            Resource(try XCTUnwrap(try JSONReader.parse(#"{"apiVersion":"v1","kind":"Service","metadata":{"name":"s"},"spec":"# + spec + "}").objectValue))
        }
        let nodePort = #"{"type":"NodePort","clusterIP":"10.43.0.9","clusterIPs":["10.43.0.9"],"ipFamilies":["IPv4"],"ipFamilyPolicy":"SingleStack","externalTrafficPolicy":"Cluster","ports":[{"port":80,"nodePort":30080}]}"#
        let balancer = #"{"type":"LoadBalancer","externalTrafficPolicy":"Local","healthCheckNodePort":31000,"allocateLoadBalancerNodePorts":true,"loadBalancerClass":"x","ports":[{"port":80,"nodePort":30080}]}"#
        let cases: [(name: String, old: String, new: String, left: String)] = [
            ("NodePort to ClusterIP, node ports as they were", nodePort,
             #"{"type":"ClusterIP","clusterIP":"10.43.0.9","clusterIPs":["10.43.0.9"],"ipFamilies":["IPv4"],"ipFamilyPolicy":"SingleStack","externalTrafficPolicy":"Cluster","ports":[{"port":80,"nodePort":30080}]}"#,
             #"{"type":"ClusterIP","clusterIP":"10.43.0.9","clusterIPs":["10.43.0.9"],"ipFamilies":["IPv4"],"ipFamilyPolicy":"SingleStack","ports":[{"port":80}]}"#),
            // A node port the update changed stays (validation then refuses it).
            ("NodePort to ClusterIP, a node port changed", nodePort, #"{"type":"ClusterIP","ports":[{"port":80,"nodePort":30081}]}"#,
             #"{"type":"ClusterIP","ports":[{"port":80,"nodePort":30081}]}"#),
            ("NodePort to ExternalName", nodePort,
             #"{"type":"ExternalName","externalName":"example.com","clusterIP":"10.43.0.9","clusterIPs":["10.43.0.9"],"ipFamilies":["IPv4"],"ipFamilyPolicy":"SingleStack","externalTrafficPolicy":"Cluster","ports":[{"port":80,"nodePort":30080}]}"#,
             #"{"type":"ExternalName","externalName":"example.com","ports":[{"port":80}]}"#),
            ("LoadBalancer to NodePort", balancer,
             #"{"type":"NodePort","externalTrafficPolicy":"Local","healthCheckNodePort":31000,"allocateLoadBalancerNodePorts":true,"loadBalancerClass":"x","ports":[{"port":80,"nodePort":30080}]}"#,
             #"{"type":"NodePort","externalTrafficPolicy":"Local","ports":[{"port":80,"nodePort":30080}]}"#),
            ("the same type", nodePort, nodePort, nodePort),
        ]
        for c in cases {
            var updated = try service(c.new)
            Allocation.dropTypeDependentFields(&updated, old: try service(c.old))
            XCTAssertEqual(updated.object["spec"], try service(c.left).object["spec"], c.name)
        }
    }

    /// kubectl's `DeploymentStatusViewer.Status` (staging/src/k8s.io/kubectl/pkg/
    /// polymorphichelpers/rollout_status.go), in its order: the spec not yet observed, the
    /// progress deadline exceeded, new replicas still to update (`*deployment.Spec.Replicas`,
    /// which the API server defaults to 1), old ones pending termination, updated ones not yet
    /// available, done. `spec.replicas` is read as the Deployment's own decoding reads it: a
    /// value that is not a number is no value (1).
    func testDeploymentStatusMessagesAreKubectls() throws {
        func deployment(_ spec: String, _ status: String, generation: Int = 1) throws -> Resource {
            let json = #"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","generation":"# + String(generation) + #"},"spec":"# + spec
                + #","status":"# + status + "}"
            return Resource(try XCTUnwrap(try JSONReader.parse(json).objectValue))
        }
        let cases: [(spec: String, status: String, generation: Int, message: String)] = [
            (#"{"replicas":3}"#, #"{"observedGeneration":1}"#, 2, "Waiting for deployment spec update to be observed..."),
            (#"{"replicas":3}"#, #"{"observedGeneration":1,"conditions":[{"type":"Progressing","status":"False","reason":"ProgressDeadlineExceeded"}]}"#, 1,
             "deployment \"web\" exceeded its progress deadline"),
            (#"{"replicas":3}"#, #"{"observedGeneration":1,"replicas":4,"updatedReplicas":1}"#, 1,
             "Waiting for deployment \"web\" rollout to finish: 1 out of 3 new replicas have been updated..."),
            (#"{}"#, #"{"observedGeneration":1}"#, 1, "Waiting for deployment \"web\" rollout to finish: 0 out of 1 new replicas have been updated..."),
            (#"{"replicas":"3"}"#, #"{"observedGeneration":1}"#, 1, "Waiting for deployment \"web\" rollout to finish: 0 out of 1 new replicas have been updated..."),
            (#"{"replicas":3}"#, #"{"observedGeneration":1,"replicas":4,"updatedReplicas":3}"#, 1,
             "Waiting for deployment \"web\" rollout to finish: 1 old replicas are pending termination..."),
            (#"{"replicas":3}"#, #"{"observedGeneration":1,"replicas":3,"updatedReplicas":3,"availableReplicas":2}"#, 1,
             "Waiting for deployment \"web\" rollout to finish: 2 of 3 updated replicas are available..."),
            (#"{"replicas":3}"#, #"{"observedGeneration":1,"replicas":3,"updatedReplicas":3,"availableReplicas":3}"#, 1, "deployment \"web\" successfully rolled out"),
            (#"{"replicas":0}"#, #"{"observedGeneration":1}"#, 1, "deployment \"web\" successfully rolled out"),
        ]
        for (spec, status, generation, message) in cases {
            XCTAssertEqual(RolloutStatus.evaluate(try deployment(spec, status, generation: generation)).message, message, "\(spec) \(status)")
        }
    }
}

/// client-go's event aggregation (staging/src/k8s.io/client-go/tools/record/events_cache.go,
/// EventAggregator.EventAggregate, maxEvents 10, maxIntervalInSeconds 600): what the recorder
/// stores for an object that keeps reporting one reason with different messages.
final class EventAggregationTests: XCTestCase {
    func testTheTenthDifferentMessageIsCombinedAndTheWindowRestartsAtEachEvent() throws {
        let store = try StateStore(directory: try temporaryDirectory(self).appendingPathComponent("s").path, writable: true, newCluster: ClusterSpec(profile: .bare, nodes: 1))
        addTeardownBlock { store.close() }
        let c = try Cluster(store: store)
        let start = c.now
        func record(_ message: String, atSecond second: Int) {
            c.now = Timestamp(milliseconds: start.milliseconds + second * 1000)
            _ = c.record("Warning", reason: "FailedMount", message: message, kind: "Pod", name: "p", namespace: "default", uid: "u1", component: "kubelet")
        }
        func messages() -> [String] { c.events.filter { $0.involvedUID == "u1" }.map { "\($0.message) x\($0.count)" } }
        // Nine different messages are nine events; the tenth is the first combined one
        // (`Len() < maxEvents` is false at 10).
        for n in 1...10 { record("m\(n)", atSecond: n) }
        XCTAssertEqual(messages(), (1...9).map { "m\($0) x1" } + ["(combined from similar events): m10 x1"])
        // PopAny cut the set back to nine: a repeat of one kept is recorded as itself; a new
        // message joins the combined event, which counts it.
        record("m3", atSecond: 20)
        record("m11", atSecond: 30)
        XCTAssertEqual(messages(), ["m1 x1", "m2 x1", "m3 x2"] + (4...9).map { "m\($0) x1" } + ["(combined from similar events): m11 x2"])
        // Events 9 minutes apart keep the window open past 10 minutes from the first
        // (interval is measured from the last event) ...
        record("m12", atSecond: 30 + 540)
        record("m13", atSecond: 30 + 1080)
        XCTAssertEqual(messages().last, "(combined from similar events): m13 x4")
        // ... and more than 10 minutes of quiet starts a new set: m14 is an event of its own.
        record("m14", atSecond: 30 + 1080 + 601)
        XCTAssertEqual(messages().last, "m14 x1")
    }

    /// A series is its object, reason and message (EventCorrelator's `getEventKey` joins them
    /// with no separator a field may not hold): two reasons and messages that read the same
    /// once joined are two series, each counting its own repeats, here and after a reload.
    func testSeriesAreTheirFieldsNotTheirJoinedText() throws {
        let directory = try temporaryDirectory(self).appendingPathComponent("s").path
        var store = try StateStore(directory: directory, writable: true, newCluster: ClusterSpec(profile: .bare, nodes: 1))
        var c = try Cluster(store: store)
        func record(_ reason: String, _ message: String) {
            _ = c.record("Normal", reason: reason, message: message, kind: "Pod", name: "p", namespace: "default", uid: "u1", component: "kubelet")
        }
        func counts() -> [String] { c.events.filter { $0.involvedUID == "u1" }.map { "\($0.reason)/\($0.message) x\($0.count)" }.sorted() }
        record("A|B", "c")
        record("A", "B|c")
        record("A|B", "c")
        XCTAssertEqual(counts(), ["A/B|c x1", "A|B/c x2"])
        try c.save()
        try store.commit()
        store.close()
        store = try StateStore(directory: directory, writable: true)
        addTeardownBlock { store.close() }
        c = try Cluster(store: store)
        // Stored events are read back when their series recurs (`StoredEvents`): the one
        // counted on is in the cluster's events, the other stays as stored.
        record("A", "B|c")
        XCTAssertEqual(counts(), ["A/B|c x2"])
        XCTAssertTrue(c.hasEvent(kind: "Pod", uid: "u1", reason: "A", message: "B|c"))
        XCTAssertTrue(c.hasEvent(kind: "Pod", uid: "u1", reason: "A|B", message: "c"), "a stored series not read back")
        XCTAssertFalse(c.hasEvent(kind: "Pod", uid: "u1", reason: "A|B|c", message: ""))
        try c.save()
        let stored = try store.list(ResourceType.forObject(apiVersion: "v1", kind: "Event")).filter { $0.value.at("involvedObject", "uid") == .string("u1") }
        XCTAssertEqual(stored.map { "\($0.object["reason"]?.stringValue ?? "")/\($0.object["message"]?.stringValue ?? "") x\($0.object["count"]?.intValue ?? 0)" }.sorted(),
                       ["A/B|c x2", "A|B/c x2"])
    }
}

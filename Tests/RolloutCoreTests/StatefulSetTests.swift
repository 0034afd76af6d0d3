import Foundation
import XCTest
@testable import RolloutCore

/// StatefulSets as the 1.32 controller rolls them (`pkg/controller/statefulset/stateful_set_control.go`
/// updateStatefulSet, processReplica, processCondemned, getStatefulSetRevisions, truncateHistory;
/// `stateful_set_utils.go` newVersionedStatefulSetPod, initIdentity, updateStorage, getPatch;
/// `pkg/controller/history/controller_history.go`; kubectl's `polymorphichelpers`
/// StatefulSetStatusViewer, StatefulSetHistoryViewer, StatefulSetRollbacker).
///
/// Pods here have their image (`rollout.sim/pull: 0s`) and no probe: each runs, and is Ready,
/// 1 s after it is created (the node's container start), and goes at once when deleted (no
/// preStop, an app that exits on SIGTERM). So in OrderedReady mode each step of the controller
/// is one second apart, and every expected time below follows from that and the controller.
final class StatefulSetTests: XCTestCase {
    func cluster(nodes: Int = 3, _ yaml: String) throws -> (StateStore, Cluster) { try bareCluster(self, nodes: nodes, yaml) }
    func apply(_ yaml: String, to store: StateStore) throws { try applyYAML(yaml, to: store) }
    func reapply(_ yaml: String, _ store: StateStore, _ c: Cluster) throws -> Cluster { try reapplyYAML(yaml, store, c) }

    static func set(_ name: String = "web", replicas: Int = 3, image: String = "app:1", policy: String = "OrderedReady",
                    strategy: String = "{}", minReadySeconds: Int = 0, annotations: String = "{rollout.sim/pull: 0s}", claims: Bool = false) -> String {
        """
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: \(name)}
        spec:
          serviceName: \(name)
          replicas: \(replicas)
          podManagementPolicy: \(policy)
          updateStrategy: \(strategy)
          minReadySeconds: \(minReadySeconds)
          selector: {matchLabels: {app: \(name)}}
          template:
            metadata: {labels: {app: \(name)}, annotations: \(annotations)}
            spec:
              containers:
              - name: app
                image: \(image)
        \(claims ? """
          volumeClaimTemplates:
          - metadata: {name: data}
            spec:
              accessModes: [ReadWriteOnce]
              resources: {requests: {storage: 1Gi}}
        """ : "")
        """
    }

    /// Runs `seconds` of virtual time and logs, for each instant something happened at, what
    /// happened to each pod: `T: name created REV; name deleted; name gone; name ready`, the
    /// entries of one instant in alphabetical order (T in ms since the log began; pods there
    /// at the start are not "created", a deletion made before is not logged).
    func run(_ c: Cluster, seconds: Int) -> [String] {
        let start = c.now.milliseconds
        var lines: [String] = []
        var known: [String: (pod: SimPod, ready: Bool, deleted: Bool)] = [:]
        for pod in c.pods.values where !pod.gone && pod.ownerKind == "StatefulSet" { known[pod.uid] = (pod, pod.ready, pod.isTerminating) }
        _ = EventLoop.run(c, timeout: Duration(seconds: seconds), until: { _ in false }, observe: { c in
            let t = c.now.milliseconds - start
            var log: [String] = []
            defer {
                // An instant may take several passes of the loop (timers due at it): one line.
                if let last = lines.last, last.hasPrefix("\(t): ") {
                    log += last.dropFirst("\(t): ".count).components(separatedBy: "; ")
                    lines.removeLast()
                }
                if !log.isEmpty { lines.append("\(t): " + log.sorted().joined(separator: "; ")) }
            }
            let sorted = known.values.sorted { $0.pod.name < $1.pod.name }
            for k in sorted where k.pod.isTerminating && !k.deleted {
                log.append("\(k.pod.name) deleted")
                known[k.pod.uid]?.deleted = true
            }
            for k in sorted where k.pod.gone {
                log.append("\(k.pod.name) gone")
                known[k.pod.uid] = nil
            }
            for pod in c.pods.values.sorted(by: { $0.name < $1.name }) where pod.ownerKind == "StatefulSet" && !pod.gone && known[pod.uid] == nil {
                known[pod.uid] = (pod, false, pod.isTerminating)
                log.append("\(pod.name) created \(StatefulSetUtils.revision(of: pod).split(separator: "-").last ?? "")")
            }
            for k in known.values.sorted(by: { $0.pod.name < $1.pod.name }) where k.pod.ready && !k.ready {
                log.append("\(k.pod.name) ready")
                known[k.pod.uid]?.ready = true
            }
        })
        return lines
    }

    /// The revision names' hashes, in order of first appearance, as r1, r2, …: logs compare
    /// without the hashes' values.
    func symbolic(_ log: [String]) -> [String] {
        var names: [String: String] = [:]
        return log.map { line in
            var words = line.split(separator: " ").map(String.init)
            for i in words.indices.dropFirst() where words[i - 1] == "created" {
                let hash = words[i].hasSuffix(";") ? String(words[i].dropLast()) : words[i]
                if names[hash] == nil { names[hash] = "r\(names.count + 1)" }
                words[i] = (names[hash] ?? "") + (words[i].hasSuffix(";") ? ";" : "")
            }
            return words.joined(separator: " ")
        }
    }

    func status(_ c: Cluster, _ name: String = "web") -> StatefulSetStatus {
        var reader = FieldReader()
        return StatefulSet(c.statefulSets.values.first { $0.name == name }!, reader: &reader).status
    }

    // OrderedReady (processReplica, monotonic): each pod is created only when the one before
    // it is Running and Ready, in ordinal order, one per sync.
    func testOrderedReadyCreatesInOrdinalOrderEachAfterTheLastIsReady() throws {
        let (_, c) = try cluster(Self.set())
        XCTAssertEqual(symbolic(run(c, seconds: 10)), [
            "0: web-0 created r1",
            "1000: web-0 ready; web-1 created r1",
            "2000: web-1 ready; web-2 created r1",
            "3000: web-2 ready",
        ])
        let s = status(c)
        XCTAssertEqual([s.replicas, s.readyReplicas, s.currentReplicas, s.updatedReplicas, s.availableReplicas, s.observedGeneration], [3, 3, 3, 3, 3, 1])
        XCTAssertEqual(s.currentRevision, s.updateRevision)
        XCTAssertEqual(s.collisionCount, 0)
    }

    // Parallel (allowsBurst: runForAll through slowStartBatch): every pod at once.
    func testParallelCreatesEveryPodAtOnce() throws {
        let (_, c) = try cluster(Self.set(policy: "Parallel"))
        XCTAssertEqual(symbolic(run(c, seconds: 10)), [
            "0: web-0 created r1; web-1 created r1; web-2 created r1",
            "1000: web-0 ready; web-1 ready; web-2 ready",
        ])
    }

    // The rolling update: from the highest ordinal down, each pod deleted only once the one
    // above it is back, healthy, at the update revision; a deleted pod comes back under its
    // name at the update revision (newVersionedStatefulSetPod).
    func testRollingUpdateGoesFromTheHighestOrdinalDownOneAtATime() throws {
        let (store, c0) = try cluster(Self.set())
        _ = run(c0, seconds: 10)
        let c = try reapply(Self.set(image: "app:2"), store, c0)
        XCTAssertEqual(symbolic(run(c, seconds: 20)), [
            "0: web-2 created r1; web-2 deleted; web-2 gone",
            "1000: web-1 created r1; web-1 deleted; web-1 gone; web-2 ready",
            "2000: web-0 created r1; web-0 deleted; web-0 gone; web-1 ready",
            "3000: web-0 ready",
        ])
        let s = status(c)
        XCTAssertEqual([s.replicas, s.readyReplicas, s.currentReplicas, s.updatedReplicas], [3, 3, 3, 3])
        // completeRollingUpdate: every pod updated and ready, the update revision is current.
        XCTAssertEqual(s.currentRevision, s.updateRevision)
        XCTAssertTrue(c.pods.values.filter { !$0.gone }.allSatisfy { $0.behaviour.containers.first?.image == "app:2" })
    }

    // partition: ordinals below it keep the current revision; the status says so, and kubectl's
    // viewer calls the partitioned rollout complete.
    func testPartitionLeavesTheLowerOrdinalsAtTheCurrentRevision() throws {
        let (store, c0) = try cluster(Self.set(replicas: 4))
        _ = run(c0, seconds: 10)
        let c = try reapply(Self.set(replicas: 4, image: "app:2", strategy: "{type: RollingUpdate, rollingUpdate: {partition: 2}}"), store, c0)
        XCTAssertEqual(symbolic(run(c, seconds: 20)), [
            "0: web-3 created r1; web-3 deleted; web-3 gone",
            "1000: web-2 created r1; web-2 deleted; web-2 gone; web-3 ready",
            "2000: web-2 ready",
        ])
        let s = status(c)
        XCTAssertEqual([s.replicas, s.currentReplicas, s.updatedReplicas], [4, 2, 2])
        XCTAssertNotEqual(s.currentRevision, s.updateRevision)
        let images = c.pods.values.filter { !$0.gone }.sorted { $0.name < $1.name }.map { $0.behaviour.containers.first?.image ?? "" }
        XCTAssertEqual(images, ["app:1", "app:1", "app:2", "app:2"])
        XCTAssertEqual(RolloutStatus.evaluate(c.statefulSets.values.first!).message, "partitioned roll out complete: 2 new pods have been updated...")
    }

    // OnDelete: the template changes the update revision and nothing else; a pod deleted by
    // hand comes back at it.
    func testOnDeleteRollsNothingUntilAPodIsDeleted() throws {
        let (store, c0) = try cluster(Self.set(strategy: "{type: OnDelete}"))
        _ = run(c0, seconds: 10)
        let c = try reapply(Self.set(image: "app:2", strategy: "{type: OnDelete}"), store, c0)
        XCTAssertEqual(run(c, seconds: 20), [])
        XCTAssertEqual([status(c).currentReplicas, status(c).updatedReplicas], [3, 0])
        let pod = try XCTUnwrap(c.pods.values.first { $0.name == "web-1" && !$0.gone })
        Kubelet.beginTermination(pod.uid, in: c)
        XCTAssertEqual(symbolic(run(c, seconds: 5)), ["0: web-1 created r1; web-1 gone", "1000: web-1 ready"])
        XCTAssertEqual(c.pods.values.first { $0.name == "web-1" && !$0.gone }?.behaviour.containers.first?.image, "app:2")
        XCTAssertEqual([status(c).currentReplicas, status(c).updatedReplicas], [2, 1])
        XCTAssertEqual(RolloutStatus.evaluate(c.statefulSets.values.first!), .failed("rollout status is only available for RollingUpdate strategy type"))
    }

    // A pod of the new revision that never becomes ready holds an OrderedReady rollout for
    // good (processReplica returns at the first pod not Running and Ready); rolling the
    // template back does not replace it either — Kubernetes' "forced rollback": the pod must
    // be deleted by hand, and then comes back at the (old) update revision.
    func testANeverReadyPodBlocksOrderedReadyAndARollbackNeedsTheForcedDelete() throws {
        let (store, c0) = try cluster(Self.set())
        _ = run(c0, seconds: 10)
        let broken = Self.set(image: "app:2", annotations: "{rollout.sim/pull: 0s, rollout.sim/ready: never}")
        let c1 = try reapply(broken.replacingOccurrences(of: "image: app:2", with: "image: app:2\n        readinessProbe: {exec: {command: [\"true\"]}}"), store, c0)
        XCTAssertEqual(symbolic(run(c1, seconds: 120)), ["0: web-2 created r1; web-2 deleted; web-2 gone"])
        XCTAssertEqual(RolloutStatus.evaluate(c1.statefulSets.values.first!).message, "Waiting for 1 pods to be ready...")
        let key = try XCTUnwrap(c1.statefulSets.keys.first)
        XCTAssertEqual(RolloutWait.wait(for: [key], in: c1, options: RolloutWait.Options(), report: { _, _, _ in })[key],
                       .failed("statefulset \"web\" is not progressing: pod web-2 is not Running and Ready, and the StatefulSet controller waits for it; rolling the template back does not replace it: delete the pod once the template is fixed (a forced rollback)"))
        let c2 = try reapply(Self.set(), store, c1)
        XCTAssertEqual(run(c2, seconds: 120), [], "the rollback leaves the broken pod where it is")
        let stuck = try XCTUnwrap(c2.pods.values.first { $0.name == "web-2" && !$0.gone })
        Kubelet.beginTermination(stuck.uid, in: c2)
        let log = run(c2, seconds: 10)
        XCTAssertEqual(symbolic(log), ["0: web-2 created r1; web-2 gone", "1000: web-2 ready"])
        XCTAssertEqual(c2.pods.values.filter { !$0.gone }.map { $0.behaviour.containers.first?.image ?? "" }, ["app:1", "app:1", "app:1"])
        XCTAssertEqual(status(c2).readyReplicas, 3)
    }

    // minReadySeconds: in OrderedReady mode the next pod waits until the last is available —
    // noticed when the sync requeued after minReadySeconds runs (`enqueueSSAfter` from the sync
    // at which the pod became ready, plus the informer's moment: 1 ms here).
    func testMinReadySecondsHoldsTheNextPodUntilTheRequeue() throws {
        let (_, c) = try cluster(Self.set(replicas: 2, minReadySeconds: 5))
        XCTAssertEqual(symbolic(run(c, seconds: 20)), ["0: web-0 created r1", "1000: web-0 ready", "6001: web-1 created r1", "7001: web-1 ready"])
        XCTAssertEqual(status(c).availableReplicas, 2)
    }

    // A pod the nodes have no room for holds OrderedReady (no progress deadline for a
    // StatefulSet): the wait, when its time is up, says which pod and the scheduler's reason.
    func testAPodWithNoRoomHoldsTheRolloutAndTheWaitSaysWhy() throws {
        let big = Self.set(replicas: 3).replacingOccurrences(of: "image: app:1", with: "image: app:1\n        resources: {requests: {cpu: 3}}")
        let (_, c) = try cluster(nodes: 2, big)
        let key = try XCTUnwrap(c.statefulSets.keys.first)
        let outcome = RolloutWait.wait(for: [key], in: c, options: RolloutWait.Options(timeout: Duration(seconds: 600)), report: { _, _, _ in })[key]
        let pending = try XCTUnwrap(c.pods.values.first { !$0.gone && $0.nodeName == nil })
        XCTAssertEqual(pending.name, "web-2")
        XCTAssertEqual(outcome, .failed("timed out: statefulset \"web\" is not progressing: pod web-2 cannot be placed (\(pending.schedulingFailure ?? "")), and the StatefulSet controller waits for it"))
        XCTAssertTrue(pending.schedulingFailure?.contains("Insufficient cpu") == true, pending.schedulingFailure ?? "")
        // A rollout merely slower than the timeout is a plain timeout.
        let (_, slow) = try cluster(Self.set(replicas: 5))
        let slowKey = try XCTUnwrap(slow.statefulSets.keys.first)
        XCTAssertEqual(RolloutWait.wait(for: [slowKey], in: slow, options: RolloutWait.Options(timeout: Duration(seconds: 2)), report: { _, _, _ in })[slowKey], .timedOut)
    }

    // Scaling down (processCondemned): the highest ordinal first, one at a time, each once the
    // last is gone (its app takes 2 s to exit on SIGTERM here).
    func testScaleDownDeletesFromTheHighestOrdinal() throws {
        let slow = "{rollout.sim/pull: 0s, rollout.sim/shutdown: 2s}"
        let (store, c0) = try cluster(Self.set(replicas: 4, annotations: slow))
        _ = run(c0, seconds: 10)
        let c = try reapply(Self.set(replicas: 1, annotations: slow), store, c0)
        XCTAssertEqual(run(c, seconds: 10), ["0: web-3 deleted", "2000: web-2 deleted; web-3 gone", "4000: web-1 deleted; web-2 gone", "6000: web-1 gone"])
    }

    // Identity (initIdentity, updateIdentity, updateStorage): name, hostname, subdomain, the
    // pod-name and pod-index labels, the revision label, one claim per template per ordinal,
    // bound once its pod is scheduled (k3s' local-path: WaitForFirstConsumer).
    func testPodsHaveStableIdentityAndClaims() throws {
        let (store, c) = try cluster(Self.set(replicas: 2, claims: true))
        _ = run(c, seconds: 10)
        try c.save()
        let pod = try XCTUnwrap(store.get(ObjectKey(type: "Pod", namespace: "default", name: "web-1")))
        XCTAssertEqual(pod.labels["statefulset.kubernetes.io/pod-name"], "web-1")
        XCTAssertEqual(pod.labels["apps.kubernetes.io/pod-index"], "1")
        XCTAssertEqual(pod.labels["controller-revision-hash"], status(c).updateRevision)
        XCTAssertEqual(pod.value.at("spec", "hostname")?.stringValue, "web-1")
        XCTAssertEqual(pod.value.at("spec", "subdomain")?.stringValue, "web")
        XCTAssertNil(pod.metadata["generateName"])
        XCTAssertEqual(pod.ownerReferences.first?.kind, "StatefulSet")
        XCTAssertEqual(pod.value.at("spec", "volumes")?.arrayValue?.first?["persistentVolumeClaim"]?["claimName"]?.stringValue, "data-web-1")
        let claim = try XCTUnwrap(store.get(ObjectKey(type: "PersistentVolumeClaim", namespace: "default", name: "data-web-1")))
        XCTAssertEqual(claim.value.at("status", "phase")?.stringValue, "Bound")
        XCTAssertEqual(claim.labels, ["app": "web"])
        // The volume the provisioner made for it, bound to it.
        let volumeName = try XCTUnwrap(claim.value.at("spec", "volumeName")?.stringValue)
        let volume = try XCTUnwrap(store.get(ObjectKey(type: "PersistentVolume", namespace: "", name: volumeName)))
        XCTAssertEqual(volume.value.at("spec", "claimRef", "name")?.stringValue, "data-web-1")
        XCTAssertEqual(volume.value.at("spec", "claimRef", "uid")?.stringValue, claim.uid)
        XCTAssertEqual(volume.value.at("status", "phase")?.stringValue, "Bound")
        XCTAssertEqual(c.events.filter { $0.reason == "SuccessfulCreate" }.map(\.message), [
            "create Claim data-web-0 Pod web-0 in StatefulSet web success", "create Pod web-0 in StatefulSet web successful",
            "create Claim data-web-1 Pod web-1 in StatefulSet web success", "create Pod web-1 in StatefulSet web successful",
        ])
    }

    // persistentVolumeClaimRetentionPolicy: whenScaled Delete — the claims of ordinals scaled
    // away go once their pods have; whenDeleted Delete — the claims are the set's, so deleting
    // the set deletes them; Retain (the default) keeps them.
    func testClaimRetentionPolicy() throws {
        let policy = "  persistentVolumeClaimRetentionPolicy: {whenScaled: Delete, whenDeleted: Delete}\n  serviceName: web"
        let yaml = Self.set(replicas: 3, claims: true).replacingOccurrences(of: "  serviceName: web", with: policy)
        let (store, c0) = try cluster(yaml)
        _ = run(c0, seconds: 10)
        XCTAssertEqual(c0.claims.keys.map(\.name).sorted(), ["data-web-0", "data-web-1", "data-web-2"])
        let c = try reapply(yaml.replacingOccurrences(of: "replicas: 3", with: "replicas: 1"), store, c0)
        _ = run(c, seconds: 10)
        XCTAssertEqual(c.claims.keys.map(\.name).sorted(), ["data-web-0"])
        // reclaimVolume: their volumes (reclaimPolicy Delete, the class's default) went with them.
        XCTAssertEqual(c.volumes.count, 1)
        try c.save()
        try store.commit()
        _ = try Deleter(store: store).delete(try XCTUnwrap(store.get(ObjectKey(type: "apps/StatefulSet", namespace: "default", name: "web"))))
        XCTAssertNil(try store.get(ObjectKey(type: "PersistentVolumeClaim", namespace: "default", name: "data-web-0")))
        // A class whose reclaimPolicy is Retain: the volume stays, Released.
        let retain = "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: keep, annotations: {storageclass.kubernetes.io/is-default-class: \"true\"}}\nprovisioner: example.com/disk\nreclaimPolicy: Retain\n---\n"
        let (kept0, r0) = try cluster(retain + yaml)
        _ = run(r0, seconds: 10)
        let r1 = try reapply(retain + yaml.replacingOccurrences(of: "replicas: 3", with: "replicas: 1"), kept0, r0)
        _ = run(r1, seconds: 10)
        XCTAssertEqual(r1.volumes.values.map { $0.value.at("status", "phase")?.stringValue ?? "" }.sorted(), ["Bound", "Released", "Released"])
        XCTAssertEqual(r1.volumes.values.first?.value.at("spec", "storageClassName")?.stringValue, "keep")
        // Retain (the default policy) keeps the claims.
        let (kept, k0) = try cluster(Self.set(replicas: 2, claims: true))
        _ = run(k0, seconds: 10)
        try k0.save()
        _ = try Deleter(store: kept).delete(try XCTUnwrap(kept.get(ObjectKey(type: "apps/StatefulSet", namespace: "default", name: "web"))))
        XCTAssertNotNil(try kept.get(ObjectKey(type: "PersistentVolumeClaim", namespace: "default", name: "data-web-1")))
    }

    // History through ControllerRevisions: one per template, numbered; a template seen before
    // is the revision found equal, renumbered (getStatefulSetRevisions), so `undo` makes no new
    // revision; revisionHistoryLimit keeps that many revisions no pod uses (truncateHistory).
    func testRevisionsAreReusedOnRollbackAndTruncatedToTheLimit() throws {
        let (store, c0) = try cluster(Self.set(replicas: 1))
        _ = run(c0, seconds: 5)
        var c = try reapply(Self.set(replicas: 1, image: "app:2"), store, c0)
        _ = run(c, seconds: 5)
        c = try reapply(Self.set(replicas: 1), store, c)
        _ = run(c, seconds: 5)
        let revisions = ControllerHistory.sorted(Array(c.controllerRevisions.values))
        XCTAssertEqual(revisions.map(ControllerHistory.number), [2, 3])
        XCTAssertEqual(revisions.last?.name, status(c).updateRevision)
        XCTAssertEqual(StatefulSetUtils.template(of: revisions[1])["spec"]?["containers"]?.arrayValue?.first?["image"]?.stringValue, "app:1")
        // Names: the set's name and the hash of the data and the collision count.
        for r in revisions {
            XCTAssertEqual(r.name, ControllerHistory.name(prefix: "web", hash: r.labels[ControllerHistory.hashLabel] ?? ""))
            XCTAssertEqual(r.labels[ControllerHistory.hashLabel], ControllerHistory.hash(data: r.object["data"]!, probe: 0))
        }
        let limited = Self.set(replicas: 1, image: "app:9").replacingOccurrences(of: "  replicas: 1", with: "  replicas: 1\n  revisionHistoryLimit: 0")
        c = try reapply(limited, store, c)
        _ = run(c, seconds: 5)
        XCTAssertEqual(ControllerHistory.sorted(Array(c.controllerRevisions.values)).map(ControllerHistory.number), [4])
    }

    // lint: the hazards of a StatefulSet's rollouts, each with what it guards against: the
    // OrderedReady gate is the Ready condition (processReplica), a partition stops the update
    // for good (updateStatefulSet's updateMin), OnDelete stops it altogether, maxUnavailable is
    // dropped with its gate off (dropStatefulSetDisabledFields), and the pods' DNS names need
    // a headless governing Service.
    func testLintFindsStatefulSetHazards() throws {
        func codes(_ yaml: String) throws -> [String] {
            Linter.lint(try ManifestDecoder.decode([ManifestSource(name: "t.yaml", bytes: Array(yaml.utf8))]).documents).map(\.code)
        }
        let headless = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {clusterIP: None, selector: {app: web}, ports: [{port: 80}]}\n---\n"
        let probed = Self.set().replacingOccurrences(of: "image: app:1", with: "image: app:1\n        readinessProbe: {tcpSocket: {port: 80}}")
        XCTAssertEqual(try codes(headless + probed), [])
        XCTAssertEqual(try codes(headless + Self.set()), ["ordered-ready-without-readiness"])
        XCTAssertEqual(try codes(headless + Self.set(policy: "Parallel")), [])
        XCTAssertEqual(try codes(headless + probed.replacingOccurrences(of: "updateStrategy: {}", with: "updateStrategy: {rollingUpdate: {partition: 1}}")), ["partition-left"])
        XCTAssertEqual(try codes(headless + probed.replacingOccurrences(of: "updateStrategy: {}", with: "updateStrategy: {rollingUpdate: {maxUnavailable: 2}}")), ["feature-gate-off"])
        XCTAssertEqual(try codes(headless + probed.replacingOccurrences(of: "updateStrategy: {}", with: "updateStrategy: {type: OnDelete}")), ["on-delete-never-rolls"])
        XCTAssertEqual(try codes(probed), ["governing-service-missing"])
        XCTAssertEqual(try codes(headless.replacingOccurrences(of: "clusterIP: None, ", with: "") + probed), ["governing-service-not-headless"])
    }

    // End to end on the example: the rollout's timeline (no pod beyond the replicas, one
    // unavailable at a time), and `plan` of a broken template: the highest ordinal is replaced
    // and never becomes Ready, so the rollout fails there — the lower ordinals keep serving.
    func testTimelineAndPlanOfAStatefulSet() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: RolloutRun.binary.path), "rollout binary not built")
        let state = try temporaryDirectory(self).appendingPathComponent("s").path
        XCTAssertEqual(try RolloutRun.run(["apply", "-f", "examples/statefulset/", "--wait", "--state", state]).status, 0)
        XCTAssertEqual(try RolloutRun.run(["set", "image", "sts/postgres", "postgres=postgres:16.6", "--state", state]).status, 0)
        let status = try RolloutRun.run(["status", "statefulset/postgres", "--state", state])
        XCTAssertEqual(status.stdout.split(separator: "\n").first, "Waiting for partitioned roll out to finish: 0 out of 3 new pods have been updated...")
        XCTAssertTrue(status.stdout.contains("partitioned roll out complete: 3 new pods have been updated...\n"), status.stdout)
        let json = try RolloutRun.run(["timeline", "sts/postgres", "-o", "json", "--state", state]).stdout
        let samples = json.split(separator: "\n").compactMap { try? JSONReader.parse(Array($0.utf8)) }
        XCTAssertGreaterThan(samples.count, 4)
        XCTAssertEqual(samples.map { ($0["current"]?.intValue ?? 0) + ($0["terminating"]?.intValue ?? 0) }.max(), 3, "no surge")
        XCTAssertEqual(samples.map { $0["available"]?.intValue ?? 0 }.min(), 2, "one pod unavailable at a time")
        XCTAssertEqual(samples.last?["newReady"]?.intValue, 3)
        let table = try RolloutRun.run(["timeline", "statefulset/postgres", "--state", state]).stdout
        XCTAssertTrue(table.hasPrefix("statefulset.apps/postgres revision 2, from "), table)
        let broken = try String(contentsOfFile: Corpus.packageRoot.appendingPathComponent("examples/statefulset/postgres.yaml").path, encoding: .utf8)
            .replacingOccurrences(of: "rollout.sim/startup: 4s", with: "rollout.sim/ready: never")
        let manifest = try temporaryDirectory(self).appendingPathComponent("postgres.yaml")
        try broken.write(to: manifest, atomically: true, encoding: .utf8)
        let plan = try RolloutRun.run(["plan", "-f", manifest.path, "--state", state])
        XCTAssertTrue(plan.stdout.contains("statefulset.apps/postgres: failed: a pod never becomes Ready in "), plan.stdout)
        XCTAssertTrue(plan.stdout.contains("  maxSurge 0 (a StatefulSet makes no extra pod), maxUnavailable 1 (one pod at a time, highest ordinal first)\n"), plan.stdout)
        XCTAssertTrue(plan.stdout.hasSuffix("verdict: failed (statefulset.apps/postgres: failed: a pod never becomes Ready)\n"), plan.stdout)
    }

    // The verbs on a StatefulSet, end to end: kubectl's lines, exit codes and refusals.
    func testVerbsOnAStatefulSet() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: RolloutRun.binary.path), "rollout binary not built")
        let state = try temporaryDirectory(self).appendingPathComponent("s").path
        func run(_ args: [String]) throws -> RolloutRun { try RolloutRun.run(args + ["--state", state]) }
        XCTAssertEqual(try run(["apply", "-f", "examples/statefulset/", "--wait"]).status, 0)
        XCTAssertEqual(try run(["set", "image", "sts/postgres", "postgres=postgres:16.6"]).stdout, "statefulset.apps/postgres image updated\n")
        XCTAssertEqual(try run(["status", "sts/postgres"]).status, 0)
        let dry = try run(["undo", "statefulset/postgres", "--dry-run"])
        XCTAssertTrue(dry.stdout.contains("-      - image: postgres:16.6\n+      - image: postgres:16.4\n"), dry.stdout)
        XCTAssertTrue(dry.stdout.hasSuffix("statefulset.apps/postgres rolled back (dry run)\n"), dry.stdout)
        XCTAssertEqual(try run(["undo", "statefulset/postgres", "--to-revision=9"]).stderr, "error: unable to find specified revision 9 in history\n")
        XCTAssertEqual(try run(["undo", "statefulset/postgres", "--to-revision=2"]).stdout, "statefulset.apps/postgres skipped rollback (current template already matches revision)\n")
        XCTAssertEqual(try run(["undo", "statefulset/postgres"]).stdout, "statefulset.apps/postgres rolled back\n")
        XCTAssertEqual(try run(["status", "sts/postgres"]).status, 0)
        XCTAssertEqual(try run(["history", "sts/postgres"]).stdout, "statefulset.apps/postgres \nREVISION  CHANGE-CAUSE\n2         <none>\n3         <none>\n\n")
        XCTAssertEqual(try run(["restart", "sts/postgres"]).stdout, "statefulset.apps/postgres restarted\n")
        XCTAssertEqual(try run(["scale", "sts/postgres", "--replicas=2"]).stdout, "statefulset.apps/postgres scaled\n")
        let paused = try run(["pause", "sts/postgres"])
        XCTAssertEqual([String(paused.status), paused.stderr], ["1", "error: statefulsets.apps \"postgres\" pausing is not supported\n"])
        XCTAssertEqual(try run(["status", "replicaset/x"]).stderr, "error: no status viewer has been implemented for replicaset\n")
        let status = try run(["status", "sts/postgres"])
        XCTAssertEqual(status.status, 0)
        XCTAssertTrue(status.stdout.contains("partitioned roll out complete: 2 new pods have been updated...\n"), status.stdout)
        XCTAssertEqual(try run(["get", "pods", "-l", "app=postgres", "-o", "name"]).stdout, "pod/postgres-0\npod/postgres-1\n")
    }

    // kubectl's StatefulSetStatusViewer, message by message.
    func testStatusViewerMessages() throws {
        func viewed(_ spec: String, _ status: String, generation: Int = 1) -> RolloutStatus.Result {
            let yaml = """
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: db, generation: \(generation)}
            spec: \(spec)
            status: \(status)
            """
            let doc = try! ManifestDecoder.decode([ManifestSource(name: "t.yaml", bytes: Array(yaml.utf8))]).documents[0]
            var r = Resource(doc.value.objectValue!)
            Defaults.apply(to: &r)
            return RolloutStatus.evaluate(r)
        }
        let cases: [(String, String, Int, RolloutStatus.Result)] = [
            ("{replicas: 3}", "{observedGeneration: 0}", 1, .waiting("Waiting for statefulset spec update to be observed...")),
            ("{replicas: 3}", "{observedGeneration: 1}", 2, .waiting("Waiting for statefulset spec update to be observed...")),
            ("{replicas: 3}", "{observedGeneration: 1, readyReplicas: 2}", 1, .waiting("Waiting for 1 pods to be ready...")),
            ("{replicas: 3, updateStrategy: {rollingUpdate: {partition: 1}}}", "{observedGeneration: 1, readyReplicas: 3, updatedReplicas: 1}", 1,
             .waiting("Waiting for partitioned roll out to finish: 1 out of 2 new pods have been updated...")),
            ("{replicas: 3}", "{observedGeneration: 1, readyReplicas: 3, updatedReplicas: 3}", 1, .done("partitioned roll out complete: 3 new pods have been updated...")),
            // type written without rollingUpdate: defaulting leaves rollingUpdate out, and the
            // viewer compares the revisions.
            ("{replicas: 2, updateStrategy: {type: RollingUpdate}}", "{observedGeneration: 1, readyReplicas: 2, updatedReplicas: 1, currentRevision: db-a, updateRevision: db-b}", 1,
             .waiting("waiting for statefulset rolling update to complete 1 pods at revision db-b...")),
            ("{replicas: 2, updateStrategy: {type: RollingUpdate}}", "{observedGeneration: 1, readyReplicas: 2, currentReplicas: 2, currentRevision: db-b, updateRevision: db-b}", 1,
             .done("statefulset rolling update complete 2 pods at revision db-b...")),
            ("{replicas: 2, updateStrategy: {type: OnDelete}}", "{observedGeneration: 1}", 1, .failed("rollout status is only available for RollingUpdate strategy type")),
        ]
        for (spec, status, generation, expected) in cases {
            XCTAssertEqual(viewed(spec, status, generation: generation), expected, "\(spec) \(status)")
        }
    }

    // SetDefaults_StatefulSet, and dropStatefulSetDisabledFields: maxUnavailable is dropped
    // (MaxUnavailableStatefulSet is alpha, off in 1.32).
    func testDefaultsAndTheDroppedMaxUnavailable() throws {
        let yaml = """
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: db}
        spec:
          updateStrategy: {rollingUpdate: {maxUnavailable: 2}}
          selector: {matchLabels: {app: db}}
          template: {metadata: {labels: {app: db}}, spec: {containers: [{name: db, image: db}]}}
        """
        var r = Resource(try ManifestDecoder.decode([ManifestSource(name: "t.yaml", bytes: Array(yaml.utf8))]).documents[0].value.objectValue!)
        Defaults.apply(to: &r)
        let spec = try XCTUnwrap(r.object["spec"])
        XCTAssertEqual(spec["replicas"], .int(1))
        XCTAssertEqual(spec["revisionHistoryLimit"], .int(10))
        XCTAssertEqual(spec["podManagementPolicy"], .string("OrderedReady"))
        XCTAssertEqual(spec["updateStrategy"]?["type"], .string("RollingUpdate"))
        XCTAssertEqual(spec["updateStrategy"]?["rollingUpdate"]?.objectValue, Object(["partition": .int(0)]))
        XCTAssertEqual(spec["persistentVolumeClaimRetentionPolicy"]?.objectValue, Object(["whenDeleted": .string("Retain"), "whenScaled": .string("Retain")]))
    }

    // ValidateStatefulSetSpec and ValidateStatefulSetUpdate.
    func testValidation() throws {
        func errors(_ spec: String) -> [String] {
            let yaml = """
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: db}
            spec: \(spec)
            """
            var r = Resource(try! ManifestDecoder.decode([ManifestSource(name: "t.yaml", bytes: Array(yaml.utf8))]).documents[0].value.objectValue!)
            Defaults.apply(to: &r)
            return ObjectValidation.validate(r, file: "t.yaml")?.errors.map { "\($0.path): \($0.message)" } ?? []
        }
        let template = "selector: {matchLabels: {app: db}}, template: {metadata: {labels: {app: db}}, spec: {containers: [{name: db, image: db}]}}"
        XCTAssertEqual(errors("{\(template)}"), [])
        XCTAssertEqual(errors("{podManagementPolicy: Random, \(template)}"), ["spec.podManagementPolicy: Invalid value: \"Random\": must be 'OrderedReady' or 'Parallel'"])
        XCTAssertEqual(errors("{updateStrategy: {type: OnDelete, rollingUpdate: {partition: 1}}, \(template)}"),
                       ["spec.updateStrategy.rollingUpdate: Invalid value: \"rollingUpdate\": only allowed for updateStrategy 'RollingUpdate'"])
        XCTAssertEqual(errors("{updateStrategy: {rollingUpdate: {partition: -1}}, \(template)}"),
                       ["spec.updateStrategy.rollingUpdate.partition: Invalid value: -1: must be greater than or equal to 0"])
        XCTAssertEqual(errors("{selector: {}, template: {metadata: {labels: {app: db}}, spec: {containers: [{name: db, image: db}]}}}"),
                       ["spec.selector: Invalid value: {}: empty selector is invalid for statefulset"])
        // Only some fields may change.
        let (store, _) = try cluster(Self.set(claims: false))
        XCTAssertThrowsError(try apply(Self.set(claims: true), to: store)) { error in
            XCTAssertTrue("\(error)".contains("spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"), "\(error)")
        }
        XCTAssertNoThrow(try apply(Self.set(replicas: 5, image: "app:3", minReadySeconds: 3), to: store))
    }
}

extension StatefulSetTests {
    // ShouldSetHostname (pkg/controller/util/endpoint/controller_utils.go), as the Endpoints
    // controller (syncService) and the EndpointSlice reconciler (podToEndpoint) use it: a pod
    // with a hostname is listed under it by the Service its subdomain names — the governing
    // Service, which gives each pod its DNS name — and by no other.
    func testTheGoverningServiceListsEachPodUnderItsHostname() throws {
        let state = try temporaryDirectory(self).appendingPathComponent("s").path
        XCTAssertEqual(try RolloutRun.run(["apply", "-f", "examples/statefulset/postgres.yaml", "--wait", "--state", state]).status, 0)
        let get = { (args: [String]) in try RolloutRun.run(["get"] + args + ["--state", state]).stdout }
        XCTAssertEqual(try get(["endpoints", "postgres-headless", "-o", "jsonpath={.subsets[0].addresses[*].hostname}"]), "postgres-0 postgres-1 postgres-2")
        XCTAssertEqual(try get(["endpointslices", "-l", "kubernetes.io/service-name=postgres-headless", "-o", "jsonpath={.items[0].endpoints[*].hostname}"]),
                       "postgres-0 postgres-1 postgres-2")
        XCTAssertEqual(try get(["endpoints", "postgres", "-o", "jsonpath={.subsets[0].addresses[*].hostname}"]), "")
        XCTAssertEqual(try get(["endpointslices", "-l", "kubernetes.io/service-name=postgres", "-o", "jsonpath={.items[0].endpoints[*].hostname}"]), "")
        // (kubectl's JSON order: the hostname after the conditions.)
        let slice = try get(["endpointslices", "-l", "kubernetes.io/service-name=postgres-headless", "-o", "json"])
        XCTAssertTrue(slice.contains("\"terminating\": false\n                    },\n                    \"hostname\": \"postgres-0\",\n                    \"nodeName\": \"node-1\","), slice)
        // describeEndpointSliceV1 (kubectl 1.32 describe.go).
        let described = try RolloutRun.run(["describe", "endpointslices", "-l", "kubernetes.io/service-name=postgres-headless", "--state", state]).stdout
        XCTAssertEqual(described.split(separator: "\n", omittingEmptySubsequences: false).dropFirst().prefix(18).joined(separator: "\n"), """
            Namespace:    default
            Labels:       app=postgres
                          endpointslice.kubernetes.io/managed-by=endpointslice-controller.k8s.io
                          kubernetes.io/service-name=postgres-headless
            Annotations:  <none>
            AddressType:  IPv4
            Ports:
              Name      Port  Protocol
              ----      ----  --------
              postgres  5432  TCP
            Endpoints:
              - Addresses:  10.42.0.6
                Conditions:
                  Ready:    true
                Hostname:   postgres-0
                TargetRef:  Pod/postgres-0
                NodeName:   node-1
                Zone:       <unset>
            """)
    }
}

import RolloutCore
import XCTest

/// Kubernetes' own test tables for the Deployment controller's arithmetic, transcribed as data:
/// `util/deployment_util_test.go` (fenceposts, NewRSNewReplicas, MaxUnavailable, MinAvailable,
/// DeploymentComplete/Progressing/TimedOut), `rolling_test.go` (reconcile new and old
/// ReplicaSets, clean-up of unhealthy replicas, scale-down) and `sync_test.go` (TestScale:
/// proportional scaling). Their test helper `newDeployment` defaults to maxSurge 0 and
/// maxUnavailable 0, as here.
final class DeploymentMathTests: XCTestCase {
    func rolling(_ replicas: Int, surge: IntOrString = .int(0), unavailable: IntOrString = .int(0)) -> DeploymentShape {
        DeploymentShape(replicas: replicas, strategy: .rollingUpdate(maxSurge: surge, maxUnavailable: unavailable))
    }

    func testResolveFenceposts() {
        let cases: [(surge: String?, unavailable: String?, desired: Int, expected: (Int, Int)?)] = [
            ("0%", "0%", 0, (0, 1)), ("39%", "39%", 10, (4, 3)), ("oops", "39%", 10, nil), ("55%", "urg", 10, nil),
            (nil, "39%", 10, (0, 3)), ("39%", nil, 10, (4, 0)), (nil, nil, 10, (0, 1)),
        ]
        for (i, c) in cases.enumerated() {
            let got = DeploymentMath.resolveFenceposts(maxSurge: c.surge.map(IntOrString.string), maxUnavailable: c.unavailable.map(IntOrString.string), desired: c.desired)
            XCTAssertEqual(got.map { [$0.surge, $0.unavailable] }, c.expected.map { [$0.0, $0.1] }, "case \(i)")
        }
        // KUBERNETES.md §3: the default 25%/25% at several sizes.
        let defaults: [(Int, Int, Int)] = [(1, 1, 0), (2, 1, 0), (3, 1, 0), (4, 1, 1), (5, 2, 1), (8, 2, 2), (10, 3, 2), (100, 25, 25)]
        for (n, surge, unavailable) in defaults {
            let d = rolling(n, surge: .string("25%"), unavailable: .string("25%"))
            XCTAssertEqual(DeploymentMath.maxSurge(d), surge, "surge at \(n)")
            XCTAssertEqual(DeploymentMath.maxUnavailable(d), unavailable, "unavailable at \(n)")
        }
    }

    func testMaxUnavailableAndMinAvailable() {
        let cases: [(String, DeploymentShape, Int, Int)] = [
            ("less than replicas", rolling(10, surge: .int(1), unavailable: .int(5)), 5, 5),
            ("equal replicas", rolling(10, surge: .int(1), unavailable: .int(10)), 10, 0),
            ("greater than replicas", rolling(5, surge: .int(1), unavailable: .int(10)), 5, 0),
            ("replicas is 0", rolling(0, surge: .int(1), unavailable: .int(10)), 0, 0),
            ("Recreate", DeploymentShape(replicas: 10, strategy: .recreate), 0, 0),
            ("percent less", rolling(10, surge: .int(1), unavailable: .string("50%")), 5, 5),
            ("percent 60%", rolling(10, surge: .int(1), unavailable: .string("60%")), 6, 4),
            ("percent equal", rolling(10, surge: .int(1), unavailable: .string("100%")), 10, 0),
            ("percent greater", rolling(5, surge: .int(1), unavailable: .string("100%")), 5, 0),
        ]
        for (name, d, maxUnavailable, minAvailable) in cases {
            XCTAssertEqual(DeploymentMath.maxUnavailable(d), maxUnavailable, name)
            XCTAssertEqual(DeploymentMath.minAvailable(d), minAvailable, name)
        }
    }

    func testNewRSNewReplicas() {
        let rs5 = ReplicaSetCounts(name: "rs5", specReplicas: 5)
        let cases: [(String, DeploymentStrategy, Int, Int, Int, Int)] = [
            ("can not scale up - to newRSReplicas", .rollingUpdate(maxSurge: .int(1), maxUnavailable: .int(1)), 1, 5, 1, 5),
            ("scale up - to depReplicas", .rollingUpdate(maxSurge: .int(10), maxUnavailable: .int(1)), 6, 2, 10, 6),
            ("recreate - to depReplicas", .recreate, 3, 1, 1, 3),
        ]
        for (name, strategy, replicas, newReplicas, _, expected) in cases {
            let d = DeploymentShape(replicas: replicas, strategy: strategy)
            XCTAssertEqual(DeploymentMath.newRSNewReplicas(d, all: [rs5], newSpec: newReplicas), expected, name)
        }
    }

    func testReconcileNewReplicaSet() {
        // rolling_test.go: deploymentReplicas, maxSurge, oldReplicas, newReplicas, expected (nil: no scaling).
        let cases: [(Int, Int, Int, Int, Int?)] = [
            (10, 0, 10, 0, nil), (10, 2, 10, 0, 2), (10, 2, 5, 0, 7), (10, 2, 10, 2, nil), (10, 2, 2, 11, 10),
        ]
        for (i, c) in cases.enumerated() {
            let new = ReplicaSetCounts(name: "foo-v2", specReplicas: c.3), old = ReplicaSetCounts(name: "foo-v2", specReplicas: c.2)
            let d = rolling(c.0, surge: .int(c.1), unavailable: .int(0))
            XCTAssertEqual(DeploymentMath.reconcileNewReplicaSet(d, all: [new, old], new: new), c.4, "scenario \(i)")
        }
    }

    func testReconcileOldReplicaSets() {
        // deploymentReplicas, maxUnavailable, oldReplicas, newReplicas, readyOld, readyNew, scale expected, expected old.
        let cases: [(Int, Int, Int, Int, Int, Int, Bool, Int?)] = [
            (10, 0, 10, 0, 10, 0, true, 9), (10, 2, 10, 0, 10, 0, true, 8), (10, 2, 10, 0, 8, 0, true, 8),
            (10, 2, 10, 0, 9, 0, true, 8), (10, 2, 8, 2, 8, 0, false, nil),
        ]
        for (i, c) in cases.enumerated() {
            let new = ReplicaSetCounts(name: "foo-new", specReplicas: c.3, availableReplicas: c.5)
            let old = ReplicaSetCounts(name: "foo-old", specReplicas: c.2, availableReplicas: c.4)
            let d = rolling(c.0, surge: .int(0), unavailable: .int(c.1))
            let (result, scaled) = DeploymentMath.reconcileOldReplicaSets(d, all: [old, new], old: [old], new: new)
            XCTAssertEqual(scaled, c.6, "scenario \(i)")
            if let expected = c.7 { XCTAssertEqual(result[0].specReplicas, expected, "scenario \(i)") }
        }
    }

    func testCleanupUnhealthyReplicas() {
        // oldReplicas, readyPods, maxCleanupCount, cleaned up.
        let cases: [(Int, Int, Int, Int)] = [(10, 8, 1, 1), (10, 8, 3, 2), (10, 8, 0, 0), (10, 10, 3, 0)]
        for (i, c) in cases.enumerated() {
            let old = ReplicaSetCounts(name: "foo-v2", specReplicas: c.0, availableReplicas: c.1)
            XCTAssertEqual(DeploymentMath.cleanupUnhealthyReplicas([old], maxCleanupCount: c.2).1, c.3, "scenario \(i)")
        }
    }

    func testScaleDownOldReplicaSetsForRollingUpdate() {
        // deploymentReplicas, maxUnavailable, readyPods, oldReplicas, expected old (nil: no scaling).
        let cases: [(Int, Int, Int, Int, Int?)] = [(10, 0, 10, 10, 9), (10, 2, 10, 10, 8), (10, 2, 8, 10, nil), (10, 2, 10, 0, nil), (10, 2, 1, 10, nil)]
        for (i, c) in cases.enumerated() {
            let old = ReplicaSetCounts(name: "foo-v2", specReplicas: c.3, availableReplicas: c.2)
            let d = rolling(c.0, surge: .int(0), unavailable: .int(c.1))
            let (result, scaled) = DeploymentMath.scaleDownOldReplicaSetsForRollingUpdate(d, all: [old], old: [old])
            if let expected = c.4 {
                XCTAssertEqual(result[0].specReplicas, expected, "scenario \(i)")
            } else {
                XCTAssertEqual(scaled, 0, "scenario \(i)")
            }
        }
    }

    func testProportionalScaling() {
        let newer = Timestamp(parsing: "2016-05-20T02:00:00Z")!, old = Timestamp(parsing: "2016-05-20T01:00:00Z")!, older = Timestamp(parsing: "2016-05-20T00:00:00Z")!
        struct Case {
            var name: String
            var replicas: Int, surge: Int = 0, unavailable: Int = 0
            var oldReplicas: Int, oldSurge: Int = 0
            var new: (String, Int)?
            var olds: [(String, Int, Timestamp)]
            var expectedNew: Int?
            var expectedOld: [Int]
            var desiredOverride: [String: Int] = [:]
            var newAvailable: Int = 0
        }
        let cases: [Case] = [
            Case(name: "normal scaling event: 10 -> 12", replicas: 12, oldReplicas: 10, new: ("foo-v1", 10), olds: [], expectedNew: 12, expectedOld: []),
            Case(name: "normal scaling event: 10 -> 5", replicas: 5, oldReplicas: 10, new: ("foo-v1", 10), olds: [], expectedNew: 5, expectedOld: []),
            Case(name: "proportional scaling: 5 -> 10", replicas: 10, oldReplicas: 5, new: ("foo-v2", 2), olds: [("foo-v1", 3, old)], expectedNew: 4, expectedOld: [6]),
            Case(name: "proportional scaling: 5 -> 3", replicas: 3, oldReplicas: 5, new: ("foo-v2", 2), olds: [("foo-v1", 3, old)], expectedNew: 1, expectedOld: [2]),
            Case(name: "proportional scaling: 9 -> 4", replicas: 4, oldReplicas: 9, new: ("foo-v2", 8), olds: [("foo-v1", 1, old)], expectedNew: 4, expectedOld: [0]),
            Case(name: "proportional scaling: 7 -> 10", replicas: 10, oldReplicas: 7, new: ("foo-v3", 2), olds: [("foo-v2", 3, old), ("foo-v1", 2, older)], expectedNew: 3, expectedOld: [4, 3]),
            Case(name: "proportional scaling: 13 -> 8", replicas: 8, oldReplicas: 13, new: ("foo-v3", 2), olds: [("foo-v2", 8, old), ("foo-v1", 3, older)], expectedNew: 1, expectedOld: [5, 2]),
            Case(name: "leftover distribution: 3 -> 4", replicas: 4, oldReplicas: 3, new: ("foo-v3", 1), olds: [("foo-v2", 1, old), ("foo-v1", 1, older)], expectedNew: 2, expectedOld: [1, 1]),
            Case(name: "leftover distribution: 3 -> 2", replicas: 2, oldReplicas: 3, new: ("foo-v3", 1), olds: [("foo-v2", 1, old), ("foo-v1", 1, older)], expectedNew: 1, expectedOld: [1, 0]),
            Case(name: "proportional scaling (no new rs): 4 -> 5", replicas: 5, oldReplicas: 4, new: nil, olds: [("foo-v2", 2, old), ("foo-v1", 2, older)], expectedNew: nil, expectedOld: [3, 2]),
            Case(name: "proportional scaling: 6 -> 0", replicas: 0, oldReplicas: 6, new: ("foo-v3", 3), olds: [("foo-v2", 2, old), ("foo-v1", 1, older)], expectedNew: 0, expectedOld: [0, 0]),
            Case(name: "proportional scaling: 0 -> 6", replicas: 6, oldReplicas: 6, new: ("foo-v3", 0), olds: [("foo-v2", 0, old), ("foo-v1", 0, older)], expectedNew: 6, expectedOld: [0, 0]),
            Case(name: "failed rs update", replicas: 5, oldReplicas: 5, new: ("foo-v3", 2), olds: [("foo-v2", 1, old), ("foo-v1", 1, older)], expectedNew: 2, expectedOld: [2, 1], desiredOverride: ["foo-v2": 3]),
            Case(name: "deployment with surge pods", replicas: 20, surge: 2, oldReplicas: 10, oldSurge: 2, new: ("foo-v2", 6), olds: [("foo-v1", 6, old)], expectedNew: 11, expectedOld: [11]),
            Case(name: "change both surge and size", replicas: 50, surge: 6, oldReplicas: 10, oldSurge: 3, new: ("foo-v2", 5), olds: [("foo-v1", 8, old)], expectedNew: 22, expectedOld: [34]),
            Case(name: "change both size and template", replicas: 14, oldReplicas: 10, new: nil, olds: [("foo-v2", 7, newer), ("foo-v1", 3, old)], expectedNew: nil, expectedOld: [10, 4]),
            Case(name: "saturated but broken new replica set does not affect old pods", replicas: 2, surge: 1, unavailable: 1, oldReplicas: 2, oldSurge: 1,
                 new: ("foo-v2", 2), olds: [("foo-v1", 1, old)], expectedNew: 2, expectedOld: [1]),
        ]
        for c in cases {
            let oldDeployment = rolling(c.oldReplicas, surge: .int(c.oldSurge), unavailable: .int(c.name.hasPrefix("saturated") ? 1 : 0))
            func annotated(_ name: String, _ spec: Int, _ created: Timestamp) -> ReplicaSetCounts {
                let desired = c.desiredOverride[name] ?? c.oldReplicas
                return ReplicaSetCounts(name: name, created: created, specReplicas: spec, desiredReplicasAnnotation: desired,
                                        maxReplicasAnnotation: desired + DeploymentMath.maxSurge(oldDeployment))
            }
            var new = c.new.map { annotated($0.0, $0.1, newer) }
            new?.availableReplicas = c.newAvailable
            let olds = c.olds.map { annotated($0.0, $0.1, $0.2) }
            let d = rolling(c.replicas, surge: .int(c.surge), unavailable: .int(c.unavailable))
            let result = DeploymentMath.scale(d, new: new, old: olds)
            XCTAssertEqual(result.new?.specReplicas, c.expectedNew, c.name)
            XCTAssertEqual(result.old.map(\.specReplicas), c.expectedOld, c.name)
        }
        // KUBERNETES.md §8: old 8 / new 5 with max-replicas 13, scaled 10 -> 15 with surge 3: 3 to old, 2 to new.
        let d = rolling(15, surge: .int(3), unavailable: .int(2))
        let result = DeploymentMath.scale(d, new: ReplicaSetCounts(name: "new", created: newer, specReplicas: 5, maxReplicasAnnotation: 13),
                                          old: [ReplicaSetCounts(name: "old", created: old, specReplicas: 8, maxReplicasAnnotation: 13)])
        XCTAssertEqual(result.new?.specReplicas, 7)
        XCTAssertEqual(result.old.map(\.specReplicas), [11])
    }

    func testDeploymentComplete() {
        // desired, current, updated, available, maxUnavailable, maxSurge, expected.
        let cases: [(String, Int, Int, Int, Int, Bool)] = [
            ("min but not all pods become available", 5, 5, 5, 4, false), ("min availability is not honored", 5, 5, 5, 3, false),
            ("complete", 5, 5, 5, 5, true), ("all pods are available but not updated", 5, 5, 4, 5, false),
            ("still running old pods", 1, 2, 1, 1, false), ("one replica deployment never comes up", 1, 1, 1, 0, false),
        ]
        for (name, desired, current, updated, available, expected) in cases {
            let status = DeploymentStatus(replicas: current, updatedReplicas: updated, availableReplicas: available)
            XCTAssertEqual(DeploymentMath.deploymentComplete(replicas: desired, status: status, generation: 0), expected, name)
        }
    }

    func testDeploymentProgressing() {
        // old (current, updated, ready, available), new (same), expected.
        let cases: [(String, [Int], [Int], Bool)] = [
            ("updated pods", [10, 4, 4, 4], [10, 6, 4, 4], true), ("not progressing", [10, 4, 4, 4], [10, 4, 4, 4], false),
            ("old pods removed", [10, 4, 6, 6], [8, 4, 6, 6], true), ("less new pods", [10, 7, 3, 3], [10, 6, 3, 3], false),
            ("less overall but more new pods", [10, 4, 7, 7], [8, 8, 5, 5], true), ("more ready pods", [10, 10, 9, 8], [10, 10, 10, 8], true),
            ("more available pods", [10, 10, 10, 9], [10, 10, 10, 10], true),
        ]
        for (name, o, n, expected) in cases {
            let old = DeploymentStatus(replicas: o[0], updatedReplicas: o[1], readyReplicas: o[2], availableReplicas: o[3])
            let new = DeploymentStatus(replicas: n[0], updatedReplicas: n[1], readyReplicas: n[2], availableReplicas: n[3])
            XCTAssertEqual(DeploymentMath.deploymentProgressing(old: old, new: new), expected, name)
        }
    }

    func testDeploymentTimedOut() {
        func condition(_ reason: String, _ from: String) -> Condition {
            Condition(type: "Progressing", status: "True", reason: reason, message: "", lastUpdateTime: from, lastTransitionTime: from)
        }
        let now = Timestamp(parsing: "2016-01-01T00:01:20Z")!
        let cases: [(String, Int?, Condition?, Bool)] = [
            ("nil progressDeadlineSeconds - no timeout", nil, condition("", "2016-01-01T00:01:09Z"), false),
            ("infinite progressDeadlineSeconds - no timeout", Int(Int32.max), condition("", "2016-01-01T00:01:09Z"), false),
            ("10s, 00:01:20 - 00:01:09 => 11s", 10, condition("", "2016-01-01T00:01:09Z"), true),
            ("10s, 00:01:20 - 00:01:11 => 9s", 10, condition("", "2016-01-01T00:01:11Z"), false),
            ("previous status was a complete deployment", 10, condition("NewReplicaSetAvailable", "2016-01-01T00:00:00Z"), false),
            ("exactly at the deadline is not yet late", 10, condition("", "2016-01-01T00:01:10Z"), false),
        ]
        for (name, deadline, progressing, expected) in cases {
            XCTAssertEqual(DeploymentMath.deploymentTimedOut(progressDeadlineSeconds: deadline, progressing: progressing, now: now), expected, name)
        }
    }

    /// KUBERNETES.md §6's worked trace, on the arithmetic alone: replicas 10, surge 3,
    /// unavailable 2, pods ready at once.
    func testWorkedRollingTrace() {
        let d = rolling(10, surge: .int(3), unavailable: .int(2))
        var old = ReplicaSetCounts(name: "old", created: Timestamp(milliseconds: 0), specReplicas: 10, availableReplicas: 10)
        var new = ReplicaSetCounts(name: "new", created: Timestamp(milliseconds: 1), specReplicas: 0)
        var steps: [String] = []
        for sync in 0..<8 {
            // Pods created in the previous sync are ready now.
            new.availableReplicas = new.specReplicas
            old.availableReplicas = old.specReplicas
            if let size = DeploymentMath.reconcileNewReplicaSet(d, all: [old, new], new: new) {
                new.specReplicas = size
                steps.append("new→\(size)")
                // Only the sync that created the new ReplicaSet goes on to the old ones (§19).
                if sync > 0 { continue }
            }
            let (olds, scaled) = DeploymentMath.reconcileOldReplicaSets(d, all: [old, new], old: [old], new: new)
            if scaled {
                old.specReplicas = olds[0].specReplicas
                old.availableReplicas = min(old.availableReplicas, old.specReplicas)
                steps.append("old→\(old.specReplicas)")
            }
            XCTAssertLessThanOrEqual(old.specReplicas + new.specReplicas, 13)
            XCTAssertGreaterThanOrEqual(old.availableReplicas + new.availableReplicas, 8)
        }
        XCTAssertEqual(steps, ["new→3", "old→8", "new→5", "old→3", "new→10", "old→0"])
    }
}

/// `progress_test.go`: TestRequeueStuckDeployment and TestSyncRolloutStatus, as data.
final class DeploymentProgressTests: XCTestCase {
    let testTime = "2017-02-15T18:49:00Z"

    func status(_ replicas: Int, _ updated: Int, _ available: Int) -> DeploymentStatus {
        DeploymentStatus(replicas: replicas, updatedReplicas: updated, availableReplicas: available)
    }

    func testRequeueStuckDeployment() {
        let failed = Condition(type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded", message: "")
        let stuck = Condition(type: "Progressing", status: "True", reason: "", message: "", lastUpdateTime: testTime)
        let cases: [(String, Int?, Int, DeploymentStatus, Condition?, String?, Int?)] = [
            ("nil progressDeadlineSeconds specified", nil, 4, status(3, 3, 2), nil, nil, nil),
            ("infinite progressDeadlineSeconds specified", Int(Int32.max), 4, status(3, 3, 2), nil, nil, nil),
            ("no progressing condition found", 60, 4, status(3, 3, 2), nil, nil, nil),
            ("complete deployment does not need to be requeued", 60, 3, status(3, 3, 3), nil, nil, nil),
            ("already failed deployment does not need to be requeued", 60, 3, status(3, 3, 0), failed, nil, nil),
            ("stuck deployment - 30s", 60, 3, status(3, 3, 1), stuck, "2017-02-15T18:49:30Z", 30_000),
            ("stuck deployment - 1s", 60, 3, status(3, 3, 1), stuck, "2017-02-15T18:49:59Z", 1000),
            ("failed deployment - less than a second => now", 60, 3, status(3, 3, 1), stuck, "2017-02-15T18:49:59.001Z", 0),
            ("failed deployment - now", 60, 3, status(3, 3, 1), stuck, "2017-02-15T18:50:00Z", 0),
            ("failed deployment - 1s after deadline", 60, 3, status(3, 3, 1), stuck, "2017-02-15T18:50:01Z", 0),
            ("failed deployment - 60s after deadline", 60, 3, status(3, 3, 1), stuck, "2017-02-15T18:51:00Z", 0),
        ]
        for (name, deadline, replicas, newStatus, condition, now, expected) in cases {
            let at = now.flatMap(Timestamp.init(parsing:)) ?? Timestamp(parsing: testTime)!
            let got = DeploymentProgress.requeueAfter(progressDeadlineSeconds: deadline, progressing: condition, replicas: replicas, generation: 0, newStatus: newStatus, now: at)
            XCTAssertEqual(got?.milliseconds, expected, name)
        }
    }

    func testSyncRolloutStatus() {
        let failedTimedOut = Condition(type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded", message: "")
        let newRSAvailable = Condition(type: "Progressing", status: "True", reason: "NewReplicaSetAvailable", message: "", lastUpdateTime: testTime, lastTransitionTime: testTime)
        let replicaSetUpdated = Condition(type: "Progressing", status: "True", reason: "ReplicaSetUpdated", message: "", lastUpdateTime: testTime, lastTransitionTime: testTime)
        // name, deadline, replicas, current status (d.Status), conditions, new status (from the
        // ReplicaSets), expected status+reason (nil: no condition), expected last update and
        // transition kept at testTime.
        typealias Case = (String, Int?, Int, DeploymentStatus, [Condition], DeploymentStatus, (String, String)?, Bool, Bool)
        let cases: [Case] = [
            ("General: remove Progressing condition without a deadline", nil, 3, status(2, 2, 2), [replicaSetUpdated], status(3, 2, 3), nil, false, false),
            ("General: do not estimate progress of deployment with only one active ReplicaSet", 60, 3, status(3, 3, 3), [newRSAvailable], status(3, 3, 3),
             ("True", "NewReplicaSetAvailable"), true, true),
            ("DeploymentProgressing: dont update lastTransitionTime if deployment already has Progressing=True", 60, 3, status(2, 2, 2), [replicaSetUpdated],
             status(3, 2, 3), ("True", "ReplicaSetUpdated"), false, true),
            ("DeploymentProgressing: update everything if deployment has Progressing=False", 60, 3, status(2, 2, 2), [failedTimedOut], status(3, 2, 3),
             ("True", "ReplicaSetUpdated"), false, false),
            ("DeploymentProgressing: create Progressing condition if it does not exist", 60, 3, status(2, 2, 2), [], status(3, 2, 3),
             ("True", "ReplicaSetUpdated"), false, false),
            ("DeploymentComplete: dont update lastTransitionTime if deployment already has Progressing=True", 60, 3, status(3, 3, 3), [replicaSetUpdated],
             status(3, 3, 3), ("True", "NewReplicaSetAvailable"), false, true),
            ("DeploymentComplete: update everything if deployment has Progressing=False", 60, 3, status(3, 3, 3), [failedTimedOut], status(3, 3, 3),
             ("True", "NewReplicaSetAvailable"), false, false),
            ("DeploymentComplete: create Progressing condition if it does not exist", 60, 3, status(3, 3, 3), [], status(3, 3, 3),
             ("True", "NewReplicaSetAvailable"), false, false),
            ("DeploymentComplete: defend against NPE when newRS=nil", 60, 0, status(3, 3, 3), [replicaSetUpdated], status(0, 0, 0),
             ("True", "NewReplicaSetAvailable"), false, true),
            ("DeploymentTimedOut: update status if rollout exceeds Progress Deadline", 60, 3, status(2, 2, 2), [replicaSetUpdated], status(2, 2, 2),
             ("False", "ProgressDeadlineExceeded"), false, false),
            ("DeploymentTimedOut: do not update status if deployment has existing timedOut condition", 60, 3, status(2, 2, 2),
             [Condition(type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded", message: "", lastUpdateTime: testTime, lastTransitionTime: testTime)],
             status(2, 2, 2), ("False", "ProgressDeadlineExceeded"), true, true),
        ]
        let now = Timestamp(parsing: "2026-11-25T00:00:00Z")!
        for (name, deadline, replicas, old, conditions, new, expected, keepUpdate, keepTransition) in cases {
            let result = DeploymentProgress.updatedConditions(conditions, progressDeadlineSeconds: deadline, replicas: replicas, generation: 0,
                                                              oldStatus: old, newStatus: new, now: now, subject: "ReplicaSet \"foo\"")
            let condition = result.first { $0.type == "Progressing" }
            XCTAssertEqual(condition.map { [$0.status, $0.reason] }, expected.map { [$0.0, $0.1] }, name)
            if keepUpdate { XCTAssertEqual(condition?.lastUpdateTime, testTime, "\(name): lastUpdateTime") }
            if keepTransition { XCTAssertEqual(condition?.lastTransitionTime, testTime, "\(name): lastTransitionTime") }
            if !keepTransition && expected != nil { XCTAssertEqual(condition?.lastTransitionTime, now.description, "\(name): lastTransitionTime moves") }
        }
    }
}

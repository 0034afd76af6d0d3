import Foundation
import XCTest
@testable import RolloutCore

/// ResourceQuota and LimitRange on pod creation: the quota admission plugin
/// (`k8s.io/apiserver/pkg/admission/plugin/resourcequota/controller.go` CheckRequest,
/// prettyPrint), the pod evaluator (`pkg/quota/v1/evaluator/core/pods.go` PodUsageFunc,
/// QuotaV1Pod, Constraints, podMatchesScopeFunc), the resource quota controller's usage
/// (`generic.CalculateUsageStats`), the LimitRanger plugin
/// (`plugin/pkg/admission/limitranger/admission.go` mergePodResourceRequirements,
/// PodValidateLimitFunc) and SetDefaults_LimitRangeItem (`pkg/apis/core/v1/defaults.go`).
final class ResourceQuotaTests: XCTestCase {
    private func object(_ json: String) -> Object { (try? JSONReader.parse(json))?.objectValue ?? Object() }

    private func quotas(_ json: String...) -> [ResourceQuotas.Quota] {
        ResourceQuotas(stored: json.map { Resource(object($0)) }).quotas(in: "default")
    }

    // quota.Add over Quantity.Add: the receiver's format is kept, but a zero takes the
    // other's (`if q.i.value == 0 { q.Format = y.Format }`); String() is the canonical form.
    func testAmountsAddAsQuantitiesDo() {
        let cases: [(adds: [String], text: String)] = [
            (["500m", "500m"], "1"),
            (["250m", "250m", "250m"], "750m"),
            (["128Mi", "128Mi"], "256Mi"),
            (["1Gi", "512Mi"], "1536Mi"),
            (["100M", "100M"], "200M"),
            // The controller's sums start from a zero of DecimalSI: the first quantity's format.
            (["0", "256Mi", "512Mi"], "768Mi"),
            (["1", "1", "1"], "3"),
            (["1.5", "500m"], "2"),
        ]
        for c in cases {
            var amounts = QuotaAmounts()
            for text in c.adds { amounts.add("x", QuotaAmounts.amount(text)!) }
            XCTAssertEqual(amounts["x"]?.text, c.text, "\(c.adds)")
        }
        var list = QuotaAmounts()
        list.add("requests.cpu", QuotaAmounts.amount("100m")!)
        list.add("pods", QuotaAmounts.one)
        XCTAssertEqual(list.pretty, "pods=1,requests.cpu=100m")
    }

    // PodUsageFunc: count/pods always; pods, cpu/requests.cpu, limits.*, memory… from
    // PodRequests and PodLimits — app containers and sidecars summed, or the largest regular
    // init container (with the sidecars before it) if larger — while QuotaV1Pod charges it.
    func testPodUsage() {
        let spec = object(#"""
        {"initContainers":[
          {"name":"setup","resources":{"requests":{"cpu":"2"},"limits":{"memory":"1Gi"}}},
          {"name":"proxy","restartPolicy":"Always","resources":{"requests":{"cpu":"100m","memory":"64Mi"}}}],
         "containers":[
          {"name":"app","resources":{"requests":{"cpu":"250m","memory":"128Mi","nvidia.com/gpu":"1"},"limits":{"memory":"256Mi"}}},
          {"name":"log","resources":{"requests":{"cpu":"50m"}}}]}
        """#)
        let usage = PodQuota.usage(spec: spec, charged: true)
        let shown = Dictionary(uniqueKeysWithValues: usage.names.map { ($0, usage[$0]?.text ?? "") })
        XCTAssertEqual(shown, [
            "count/pods": "1", "pods": "1",
            // max(setup 2, app 250m + log 50m + proxy 100m) = 2.
            "cpu": "2", "requests.cpu": "2",
            // app 128Mi + proxy 64Mi.
            "memory": "192Mi", "requests.memory": "192Mi",
            // max(setup 1Gi, app 256Mi): 1Gi.
            "limits.memory": "1Gi",
            // An extended resource's request, as quota names it.
            "requests.nvidia.com/gpu": "1",
        ])
        XCTAssertEqual(PodQuota.usage(spec: spec, charged: false).names, ["count/pods"])
    }

    // QuotaV1Pod: deletionTimestamp is the request plus the grace period, and a pod stops
    // being charged once the clock is after deletionTimestamp plus the grace period again.
    func testADeletedPodIsChargedForTwiceItsGracePeriod() {
        let deleted = Timestamp(milliseconds: 100_000)
        XCTAssertTrue(PodQuota.charged(deletion: nil, grace: 30, now: Timestamp(milliseconds: 999_999)))
        XCTAssertTrue(PodQuota.charged(deletion: deleted, grace: 30, now: Timestamp(milliseconds: 160_000)))
        XCTAssertFalse(PodQuota.charged(deletion: deleted, grace: 30, now: Timestamp(milliseconds: 160_001)))
        XCTAssertFalse(PodQuota.charged(deletion: deleted, grace: 0, now: Timestamp(milliseconds: 100_001)))
    }

    // CheckRequest for a pod create, case by case: the quotas, their status.used, the pod →
    // admitted or the refusal after `pods "name" is forbidden: `.
    func testCheckRequestTable() {
        let compute = #"{"kind":"ResourceQuota","apiVersion":"v1","metadata":{"name":"compute","namespace":"default"},"spec":{"hard":{"pods":"3","requests.cpu":"1","limits.memory":"1Gi"}}}"#
        let count = #"{"kind":"ResourceQuota","apiVersion":"v1","metadata":{"name":"count","namespace":"default"},"spec":{"hard":{"pods":"2","services":"5"}}}"#
        let bestEffort = #"{"kind":"ResourceQuota","apiVersion":"v1","metadata":{"name":"free","namespace":"default"},"spec":{"hard":{"pods":"0"},"scopes":["BestEffort"]}}"#
        let critical = #"{"kind":"ResourceQuota","apiVersion":"v1","metadata":{"name":"critical","namespace":"default"},"spec":{"hard":{"pods":"1"},"scopeSelector":{"matchExpressions":[{"scopeName":"PriorityClass","operator":"In","values":["high"]}]}}}"#
        let sized = #"{"containers":[{"name":"app","resources":{"requests":{"cpu":"250m"},"limits":{"memory":"256Mi"}}}]}"#
        let bare = #"{"containers":[{"name":"app"},{"name":"sidecar","resources":{"requests":{"cpu":"10m"}}}]}"#
        func used(_ pairs: [String: String]) -> QuotaAmounts {
            var amounts = QuotaAmounts()
            for (name, text) in pairs { amounts[name] = QuotaAmounts.amount(text) }
            return amounts
        }
        struct Case {
            var name: String
            var quotas: [ResourceQuotas.Quota]
            var used: [QuotaAmounts]
            var spec: String
            var refusal: String?
        }
        let cases = [
            Case(name: "room", quotas: quotas(compute), used: [used(["pods": "2", "requests.cpu": "500m", "limits.memory": "512Mi"])], spec: sized, refusal: nil),
            Case(name: "no room for one more pod", quotas: quotas(compute), used: [used(["pods": "3", "requests.cpu": "750m", "limits.memory": "768Mi"])], spec: sized,
                 refusal: "exceeded quota: compute, requested: pods=1, used: pods=3, limited: pods=3"),
            // Every exceeded resource, sorted; the others are not named.
            Case(name: "cpu and pods", quotas: quotas(compute), used: [used(["pods": "3", "requests.cpu": "900m", "limits.memory": "0"])], spec: sized,
                 refusal: "exceeded quota: compute, requested: pods=1,requests.cpu=250m, used: pods=3,requests.cpu=900m, limited: pods=3,requests.cpu=1"),
            // Constraints: a tracked cpu or memory resource every container must set.
            Case(name: "must specify", quotas: quotas(compute), used: [used(["pods": "0", "requests.cpu": "0", "limits.memory": "0"])], spec: bare,
                 refusal: "failed quota: compute: must specify limits.memory for: app,sidecar; requests.cpu for: app"),
            // A count quota needs nothing of the containers.
            Case(name: "count only", quotas: quotas(count), used: [used(["pods": "1", "services": "0"])], spec: bare, refusal: nil),
            Case(name: "count full", quotas: quotas(count), used: [used(["pods": "2"])], spec: bare,
                 refusal: "exceeded quota: count, requested: pods=1, used: pods=2, limited: pods=2"),
            // A BestEffort-scoped quota matches pods without requests or limits only.
            Case(name: "scope matches", quotas: quotas(bestEffort), used: [used(["pods": "0"])], spec: #"{"containers":[{"name":"app"}]}"#,
                 refusal: "exceeded quota: free, requested: pods=1, used: pods=0, limited: pods=0"),
            Case(name: "scope does not match", quotas: quotas(bestEffort), used: [used(["pods": "0"])], spec: sized, refusal: nil),
            Case(name: "priority class in", quotas: quotas(critical), used: [used(["pods": "1"])], spec: #"{"priorityClassName":"high","containers":[{"name":"app"}]}"#,
                 refusal: "exceeded quota: critical, requested: pods=1, used: pods=1, limited: pods=1"),
            Case(name: "priority class not in", quotas: quotas(critical), used: [used(["pods": "1"])], spec: #"{"containers":[{"name":"app"}]}"#, refusal: nil),
            // Quotas in name order; the first that refuses says so.
            Case(name: "two quotas", quotas: quotas(count, compute), used: [used(["pods": "3", "requests.cpu": "0", "limits.memory": "0"]), used(["pods": "2"])], spec: sized,
                 refusal: "exceeded quota: compute, requested: pods=1, used: pods=3, limited: pods=3"),
        ]
        for c in cases {
            let (refusal, after) = ResourceQuotas.admit(spec: object(c.spec), quotas: c.quotas, used: c.used)
            XCTAssertEqual(refusal, c.refusal, c.name)
            if c.name == "room" { XCTAssertEqual(after.first?["requests.cpu"]?.text, "750m", "the admitted pod is added to status.used") }
        }
    }

    // The controller's usage: from zero for every tracked resource; a pod deleted longer
    // ago than twice its grace period keeps only its count/pods; a terminal one likewise.
    func testStoredPodsUsage() {
        let quota = quotas(#"{"kind":"ResourceQuota","apiVersion":"v1","metadata":{"name":"q","namespace":"default"},"spec":{"hard":{"pods":"9","count/pods":"9","requests.memory":"9Gi","limits.cpu":"9"}}}"#)
        func pod(_ extra: String) -> Resource {
            Resource(object(#"{"kind":"Pod","apiVersion":"v1","metadata":{"name":"p","namespace":"default"\#(extra)},"spec":{"containers":[{"name":"a","resources":{"requests":{"memory":"100Mi"}}}]}}"#))
        }
        let pods = [pod(""), pod(#","deletionTimestamp":"2025-01-01T00:00:30Z","deletionGracePeriodSeconds":30"#),
                    pod(#","deletionTimestamp":"2025-01-01T00:00:10Z","deletionGracePeriodSeconds":30"#)]
        let now = Timestamp(parsing: "2025-01-01T00:00:50Z")!
        let used = ResourceQuotas.usage(of: quota, stored: pods, now: now)[0]
        XCTAssertEqual(used.names.map { "\($0)=\(used[$0]!.text)" }, ["count/pods=3", "limits.cpu=0", "pods=2", "requests.memory=200Mi"])
    }

    // SetDefaults_LimitRangeItem, then mergePodResourceRequirements (the annotation, sorted
    // names, containers then init containers) and PodValidateLimitFunc's messages.
    func testLimitRanger() {
        var range = object(#"{"kind":"LimitRange","apiVersion":"v1","metadata":{"name":"l","namespace":"default"},"spec":{"limits":[{"type":"Container","max":{"cpu":"2"},"default":{"memory":"256Mi"},"min":{"cpu":"50m"}},{"type":"Pod","max":{"memory":"1Gi"}}]}}"#)
        LimitRanges.setDefaults(&range)
        // default.cpu from max; defaultRequest from default (both), before min, which would
        // have given cpu 50m.
        XCTAssertEqual(range["spec"]?["limits"]?.arrayValue?.first?["default"], .object(object(#"{"cpu":"2","memory":"256Mi"}"#)))
        XCTAssertEqual(range["spec"]?["limits"]?.arrayValue?.first?["defaultRequest"], .object(object(#"{"cpu":"2","memory":"256Mi"}"#)))
        let limits = LimitRanges(stored: [Resource(range)])
        var template = object(#"{"spec":{"initContainers":[{"name":"init","resources":{"requests":{"cpu":"100m"}}}],"containers":[{"name":"app"}]}}"#)
        XCTAssertNil(limits.admit(&template, namespace: "default"))
        XCTAssertEqual(template["metadata"]?["annotations"]?[LimitRanges.annotation],
                       .string("LimitRanger plugin set: cpu, memory request for container app; cpu, memory limit for container app; memory request for init container init; cpu, memory limit for init container init"))
        XCTAssertEqual(template["spec"]?["containers"]?.arrayValue?.first?["resources"], .object(object(#"{"limits":{"cpu":"2","memory":"256Mi"},"requests":{"cpu":"2","memory":"256Mi"}}"#)))
        // Another namespace is left alone.
        var elsewhere = object(#"{"spec":{"containers":[{"name":"app"}]}}"#)
        XCTAssertNil(limits.admit(&elsewhere, namespace: "other"))
        XCTAssertNil(elsewhere["metadata"])
        let strict = LimitRanges(stored: [Resource(object(#"{"kind":"LimitRange","apiVersion":"v1","metadata":{"name":"s","namespace":"default"},"spec":{"limits":[{"type":"Container","min":{"cpu":"100m"},"maxLimitRequestRatio":{"memory":"2"}},{"type":"Pod","max":{"cpu":"1"}}]}}"#))])
        let cases: [(spec: String, refusal: String?)] = [
            (#"{"containers":[{"name":"a","resources":{"requests":{"cpu":"100m","memory":"1Gi"},"limits":{"cpu":"1","memory":"2Gi"}}}]}"#, nil),
            (#"{"containers":[{"name":"a","resources":{"requests":{"cpu":"50m","memory":"1Gi"},"limits":{"cpu":"1","memory":"2Gi"}}}]}"#,
             "minimum cpu usage per Container is 100m, but request is 50m"),
            // Several broken rules: NewAggregate's brackets (each item's resources by name here).
            (#"{"containers":[{"name":"a","resources":{"requests":{"memory":"1Gi"},"limits":{"cpu":"1500m","memory":"3Gi"}}}]}"#,
             "[minimum cpu usage per Container is 100m.  No request is specified, memory max limit to request ratio per Container is 2, but provided ratio is 3.000000, maximum cpu usage per Pod is 1, but limit is 1500m]"),
            (#"{"containers":[{"name":"a","resources":{"requests":{"cpu":"1"}}}]}"#,
             "[memory max limit to request ratio per Container is 2, but no request is specified or request is 0, maximum cpu usage per Pod is 1.  No limit is specified]"),
        ]
        for c in cases {
            XCTAssertEqual(strict.validate(object(c.spec), namespace: "default"), c.refusal, c.spec)
        }
    }

    /// A Deployment of 3 behind a quota of 3 pods, rolled with maxSurge 1 and maxUnavailable
    /// 0: the surge pod is refused, so nothing ever rolls. Its ReplicaSet's creations fail
    /// (createPods: `Error creating: …`, each pod named: quota admission is a validating
    /// plugin, after the name is generated) and it is retried as processNextWorkItem's
    /// `AddRateLimited` does — 5 ms doubling, and a retry already waiting is kept
    /// (`waitingForQueue`): the first failure, the one its own status update queues at the
    /// same instant, then 5, 25, 65, 145, 305, 625 and 1,265 ms after.
    func testASurgeTheQuotaHasNoRoomForStopsTheRollout() throws {
        let quota = "apiVersion: v1\nkind: ResourceQuota\nmetadata: {name: compute}\nspec:\n  hard: {pods: \"3\"}\n---\n"
        let (store, c) = try rolledOutThenChanged { image in
            quota + deploymentYAML("web", replicas: 3, spec: "containers: [{name: app, image: \(image)}]")
                .replacingOccurrences(of: "  replicas: 3\n", with: "  replicas: 3\n  strategy: {rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}\n")
        }
        let start = c.now
        func failures(after milliseconds: Int) -> Int {
            EventLoop.advance(c, by: Duration(milliseconds: start.milliseconds + milliseconds - c.now.milliseconds))
            let rs = c.replicaSets.values.first { $0.specReplicas == 1 }
            return rs.flatMap { c.workloadFailures[$0.uid] } ?? 0
        }
        XCTAssertEqual(failures(after: 0), 2)
        XCTAssertEqual(failures(after: 4), 2)
        XCTAssertEqual(failures(after: 5), 3)
        XCTAssertEqual(failures(after: 25), 4)
        XCTAssertEqual(failures(after: 1_264), 8)
        XCTAssertEqual(failures(after: 1_265), 9)
        XCTAssertEqual(c.pods.values.filter { !$0.gone }.count, 3, "no surge pod")
        let rs = try XCTUnwrap(c.replicaSets.values.first { $0.specReplicas == 1 })
        let failure = try XCTUnwrap(rs.replicaFailure)
        XCTAssertTrue((failure["message"]?.stringValue ?? "").hasSuffix("\" is forbidden: exceeded quota: compute, requested: pods=1, used: pods=3, limited: pods=3"),
                      "\(failure)")
        XCTAssertTrue((failure["message"]?.stringValue ?? "").hasPrefix("pods \"\(rs.name)-"), "the pod's generated name, not the generateName")
        // The quota's status, as the controller writes it.
        try c.save()
        let stored = try XCTUnwrap(try store.get(ObjectKey(type: "ResourceQuota", namespace: "default", name: "compute")))
        XCTAssertEqual(stored.value["status"], .object(object(#"{"hard":{"pods":"3"},"used":{"pods":"3"}}"#)))
    }

    /// A state (bare, two nodes) where `web("nginx:1.25")` was applied and ran 30 s — every pod
    /// of it up (checked) — then `web("nginx:1.26")` applied; with the cluster loaded from it.
    private func rolledOutThenChanged(_ web: (String) -> String) throws -> (StateStore, Cluster) {
        let store = try StateStore(directory: try temporaryDirectory(self).appendingPathComponent("s").path, writable: true,
                                   newCluster: ClusterSpec(profile: .bare, nodes: 2))
        addTeardownBlock { store.close() }
        try applyYAML(web("nginx:1.25"), to: store)
        let first = try Cluster(store: store)
        EventLoop.advance(first, by: Duration(seconds: 30))
        XCTAssertEqual(first.pods.values.filter { !$0.gone && $0.ready }.count, first.deployments.values.first?.value.at("spec", "replicas")?.intValue)
        try first.save()
        try store.commit()
        try applyYAML(web("nginx:1.26"), to: store)
        return (store, try Cluster(store: store))
    }

    /// A `count/replicasets.apps` quota with no room stops a rollout before its first pod: the
    /// Deployment controller's create of the new ReplicaSet is refused (sync.go
    /// getNewReplicaSet: `Failed to create new replica set "web-…": replicasets.apps "web-…"
    /// is forbidden: exceeded quota: …`, the Warning ReplicaSetCreateError, Progressing False
    /// with that reason since the Deployment has a progress deadline), the sync returns there —
    /// nothing scaled, observedGeneration not moved — and handleErr retries it rate-limited:
    /// the first failure and the one its status update queues at once, then 5, 25, 65 … ms
    /// after, until 15 requeues (maxRetries) drop it, 163.825 s in: 16 syncs in all.
    /// `describe` then has no NewReplicaSet (FindNewReplicaSet matches templates).
    func testAReplicaSetQuotaWithNoRoomStopsTheRollout() throws {
        let quota = "apiVersion: v1\nkind: ResourceQuota\nmetadata: {name: rs-limit}\nspec:\n  hard: {count/replicasets.apps: \"1\"}\n---\n"
        let (store, c) = try rolledOutThenChanged { image in quota + deploymentYAML("web", replicas: 2, spec: "containers: [{name: app, image: \(image)}]") }
        let start = c.now
        let uid = try XCTUnwrap(c.deployments.values.first?.uid)
        func failures(after milliseconds: Int) -> Int {
            EventLoop.advance(c, by: Duration(milliseconds: start.milliseconds + milliseconds - c.now.milliseconds))
            return c.workloadFailures[uid] ?? 0
        }
        XCTAssertEqual(failures(after: 0), 2)
        XCTAssertEqual(failures(after: 4), 2)
        XCTAssertEqual(failures(after: 5), 3)
        XCTAssertEqual(failures(after: 25), 4)
        XCTAssertEqual(failures(after: 81_904), 14)
        XCTAssertEqual(failures(after: 81_905), 15)
        XCTAssertEqual(failures(after: 163_824), 15)
        XCTAssertEqual(failures(after: 163_825), 0, "dropped after its 15th requeue: its failures forgotten")
        XCTAssertEqual(c.workloadRetries[uid].map { $0 > c.now }, false, "no retry waits")
        XCTAssertEqual(c.replicaSets.count, 1, "no new ReplicaSet")
        XCTAssertEqual(c.pods.values.filter { !$0.gone }.count, 2, "the old pods serve on")
        let name = "web-" + DeploymentController.templateHash(try XCTUnwrap(c.deployments.values.first?.object["spec"]?["template"]?.objectValue), collisionCount: nil)
        let message = "Failed to create new replica set \"\(name)\": replicasets.apps \"\(name)\" is forbidden: exceeded quota: rs-limit, requested: count/replicasets.apps=1, used: count/replicasets.apps=1, limited: count/replicasets.apps=1"
        let events = c.events.filter { $0.reason == "ReplicaSetCreateError" }
        XCTAssertEqual(events.map(\.count), [16])
        XCTAssertEqual(events.map(\.message), [message])
        XCTAssertEqual(events.map(\.type), ["Warning"])
        try c.save()
        try store.commit()
        let deployment = try XCTUnwrap(try store.get(ObjectKey(type: Cluster.deploymentType.storageKey, namespace: "default", name: "web")))
        let progressing = deployment.value.at("status", "conditions")?.arrayValue?.first { $0["type"]?.stringValue == "Progressing" }
        XCTAssertEqual(progressing?["status"]?.stringValue, "False")
        XCTAssertEqual(progressing?["reason"]?.stringValue, "ReplicaSetCreateError")
        XCTAssertEqual(progressing?["message"]?.stringValue, message)
        XCTAssertEqual(deployment.generation, 2)
        XCTAssertEqual(deployment.value.at("status", "observedGeneration")?.intValue, 1, "the failed sync computed no status")
    }

    /// The same end to end: `plan` names the refusal (`quota-exceeded` at revisionHistoryLimit)
    /// and fails the rollout; `apply --wait` fails it with the condition's message; `describe`
    /// shows the condition, the old ReplicaSet as old and no new one (byte-equal with kubectl
    /// through `serve`, checked by hand), the Warning counted 16 times.
    func testAReplicaSetQuotaEndToEnd() throws {
        let scratch = try Scratch(self)
        XCTAssertEqual(try scratch.run("cluster", "init", "--nodes", "2").status, 0)
        let quota = "apiVersion: v1\nkind: ResourceQuota\nmetadata: {name: rs-limit}\nspec:\n  hard: {count/replicasets.apps: \"1\"}\n---\n"
        let v1 = try scratch.write(quota + deploymentYAML("web", replicas: 2, spec: "containers: [{name: app, image: nginx:1.25}]"), "v1.yaml")
        let v2 = try scratch.write(quota + deploymentYAML("web", replicas: 2, spec: "containers: [{name: app, image: nginx:1.26}]"), "v2.yaml")
        XCTAssertEqual(try scratch.run("apply", "-f", v1, "--wait").status, 0)
        let plan = try scratch.run("plan", "-f", v2).stdout
        XCTAssertTrue(plan.contains("error[quota-exceeded] deployment.apps/web: spec.revisionHistoryLimit: the API server refused the new ReplicaSet during the rollout: replicasets.apps \"web-"), plan)
        XCTAssertTrue(plan.contains("verdict: failed"), plan)
        let run = try scratch.run("apply", "-f", v2, "--wait")
        XCTAssertEqual(run.status, 1, run.stdout + run.stderr)
        XCTAssertTrue(run.stdout.contains("Waiting for deployment spec update to be observed..."), run.stdout)
        XCTAssertTrue((run.stdout + run.stderr).contains("is not progressing and nothing is left to happen: Failed to create new replica set \"web-"), run.stdout + run.stderr)
        let described = try scratch.run("describe", "deployment", "web").stdout
        let old = try XCTUnwrap(try scratch.run("get", "rs", "-o", "name").stdout.split(separator: "\n").first).dropFirst("replicaset.apps/".count)
        XCTAssertTrue(described.contains("  Progressing    False   ReplicaSetCreateError\nOldReplicaSets:  \(old) (2/2 replicas created)\nNewReplicaSet:   <none>\n"), described)
        XCTAssertTrue(described.contains("Warning  ReplicaSetCreateError  0s (x16 over 2m43s)  deployment-controller  Failed to create new replica set"), described)
    }

    /// A StatefulSet `db` of `replicas` postgres pods, with a claim template `data` of `claim`
    /// storage when one is given.
    static func database(replicas: Int, claim: String? = nil) -> String {
        var text = """
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: db}
        spec:
          replicas: \(replicas)
          serviceName: db
          selector: {matchLabels: {app: db}}
          template:
            metadata: {labels: {app: db}}
            spec:
              containers: [{name: db, image: postgres:16}]

        """
        if let claim {
            text += "  volumeClaimTemplates:\n  - metadata: {name: data}\n    spec:\n      accessModes: [ReadWriteOnce]\n      resources: {requests: {storage: \(claim)}}\n"
        }
        return text
    }


    /// End to end, with the built binary: a full quota stops a surge (`plan` says why, at the
    /// Deployment's strategy), while `maxSurge: 0` rolls as each old pod goes — its pod is
    /// counted until it is gone, so the new one comes at the first retry after that; a bare
    /// pod over the quota is refused by `apply` (exit 2, nothing stored).
    func testQuotasEndToEnd() throws {
        let scratch = try Scratch(self)
        XCTAssertEqual(try scratch.run("cluster", "init", "--profile", "bare", "--nodes", "2").status, 0)
        let quota = "apiVersion: v1\nkind: ResourceQuota\nmetadata: {name: compute}\nspec:\n  hard: {pods: \"3\"}\n---\n"
        func web(_ image: String, surge: Int, unavailable: Int) -> String {
            quota + deploymentYAML("web", replicas: 3, spec: "terminationGracePeriodSeconds: 5\ncontainers: [{name: app, image: \(image)}]")
                .replacingOccurrences(of: "  replicas: 3\n", with: "  replicas: 3\n  strategy: {rollingUpdate: {maxSurge: \(surge), maxUnavailable: \(unavailable)}}\n")
        }
        XCTAssertEqual(try scratch.run("apply", "-f", try scratch.write(web("nginx:1.25", surge: 1, unavailable: 0), "v1.yaml"), "--wait").status, 0)
        let plan = try scratch.run("plan", "-f", try scratch.write(web("nginx:1.26", surge: 1, unavailable: 0), "v2.yaml"), "--baseline-state", scratch.state)
        XCTAssertTrue(plan.stdout.contains("deployment.apps/web: failed: ProgressDeadlineExceeded"), plan.stdout)
        XCTAssertTrue(plan.stdout.contains("v2.yaml:12:13: error[quota-exceeded] deployment.apps/web: spec.strategy: the API server refused pods during the rollout: pods \"web-"), plan.stdout)
        XCTAssertTrue(plan.stdout.contains("\" is forbidden: exceeded quota: compute, requested: pods=1, used: pods=3, limited: pods=3\n"), plan.stdout)
        // One old pod stops (5 s of grace, no preStop: it exits at SIGTERM), its quota comes
        // back as it goes, and the new ReplicaSet's next retry makes the pod.
        let rolled = try scratch.run("apply", "-f", try scratch.write(web("nginx:1.26", surge: 0, unavailable: 1), "v3.yaml"), "--wait", "--timeout", "5m")
        XCTAssertEqual(rolled.status, 0, rolled.stdout + rolled.stderr)
        XCTAssertEqual(try scratch.run("get", "quota", "compute", "-o", "jsonpath={.status.used.pods}/{.status.hard.pods}").stdout, "3/3")
        let events = try scratch.run("get", "events", "-o", "jsonpath={range .items[*]}{.reason}: {.message}{\"\\n\"}{end}").stdout
        XCTAssertTrue(events.contains("is forbidden: exceeded quota: compute, requested: pods=1, used: pods=3, limited: pods=3"), events)
        XCTAssertEqual(try scratch.run("get", "pods", "-o", "jsonpath={range .items[*]}{.spec.containers[0].image}{\"\\n\"}{end}").stdout,
                       "nginx:1.26\nnginx:1.26\nnginx:1.26\n")
        // A bare pod with no room: refused as the API server refuses it.
        let pod = try scratch.write("apiVersion: v1\nkind: Pod\nmetadata: {name: extra}\nspec:\n  containers: [{name: app, image: nginx}]\n", "pod.yaml")
        let refused = try scratch.run("apply", "-f", pod)
        XCTAssertEqual(refused.status, 2)
        XCTAssertTrue(refused.stderr.contains("pod/extra: spec: pods \"extra\" is forbidden: exceeded quota: compute, requested: pods=1, used: pods=3, limited: pods=3"), refused.stderr)
        XCTAssertEqual(try scratch.run("get", "pod", "extra").status, 1)
    }

    /// A StatefulSet's next pod and a DaemonSet's pods meet the quota too: refused by name
    /// (`create Pod db-1 in StatefulSet db failed error: pods "db-1" is forbidden: …`, the
    /// DaemonSet's generated names), retried with the back-off — the StatefulSet's identical
    /// message aggregated into one event with a count, as the recorder does.
    func testStatefulSetsAndDaemonSetsMeetTheQuota() throws {
        let scratch = try Scratch(self)
        XCTAssertEqual(try scratch.run("cluster", "init", "--profile", "bare", "--nodes", "2").status, 0)
        let manifests = """
        apiVersion: v1
        kind: ResourceQuota
        metadata: {name: two}
        spec:
          hard: {pods: "2"}
        ---
        \(Self.database(replicas: 3))
        ---
        apiVersion: apps/v1
        kind: DaemonSet
        metadata: {name: agent}
        spec:
          selector: {matchLabels: {app: agent}}
          template:
            metadata: {labels: {app: agent}}
            spec:
              containers: [{name: a, image: agent:1}]

        """
        let file = try scratch.write(manifests, "all.yaml")
        let plan = try scratch.run("plan", "-f", file, "--baseline-state", scratch.state)
        XCTAssertTrue(plan.stdout.contains("error[quota-exceeded] statefulset.apps/db: spec.template.spec: the API server refused pods during the rollout: pods \"db-1\" is forbidden: exceeded quota: two"), plan.stdout)
        XCTAssertTrue(plan.stdout.contains("error[quota-exceeded] daemonset.apps/agent: spec.template.spec: the API server refused pods during the rollout: pods \"agent-"), plan.stdout)
        let applied = try scratch.run("apply", "-f", file, "--wait", "--timeout", "20s")
        XCTAssertEqual(applied.status, 1, applied.stdout)
        XCTAssertEqual(try scratch.run("get", "pods", "-o", "name").stdout.split(separator: "\n").count, 2)
        let events = try scratch.run("get", "events", "-o", "jsonpath={range .items[*]}{.reason} {.count}: {.message}{\"\\n\"}{end}").stdout
        XCTAssertTrue(events.contains("create Pod db-1 in StatefulSet db failed error: pods \"db-1\" is forbidden: exceeded quota: two, requested: pods=1, used: pods=2, limited: pods=2\n"), events)
        XCTAssertTrue(events.split(separator: "\n").contains { $0.hasPrefix("FailedCreate ") && $0.contains("StatefulSet db failed") && !$0.hasPrefix("FailedCreate 1:") }, events)
        XCTAssertTrue(events.contains("FailedCreate 1: Error creating: pods \"agent-"), events)
        XCTAssertTrue(events.contains("\" is forbidden: exceeded quota: two, requested: pods=1, used: pods=2, limited: pods=2\n"), events)
    }

    /// ValidateResourceQuota and ValidateLimitRange (`pkg/apis/core/validation/validation.go`:
    /// ValidateResourceQuotaResourceName, ValidateResourceQuantityValue,
    /// validateResourceQuotaScopes, validateLimitRangeTypeName, validateContainerResourceName),
    /// on the defaulted LimitRange: what the API server refuses is refused.
    func testQuotaAndLimitRangeValidation() throws {
        let cases: [(yaml: String, errors: [String])] = [
            ("kind: ResourceQuota\nmetadata: {name: q}\nspec:\n  hard: {pods: \"10\", requests.cpu: 1500m, count/deployments.apps: \"2\", requests.nvidia.com/gpu: \"1\"}\n", []),
            ("kind: ResourceQuota\nmetadata: {name: q}\nspec:\n  hard: {pods: 1500m, memory: -1Gi, request.cpu: \"1\"}\n", [
                "spec.hard.memory: Invalid value: \"-1Gi\": must be greater than or equal to 0",
                "spec.hard.pods: Invalid value: \"1500m\": must be an integer",
                "spec.hard[request.cpu]: Invalid value: \"request.cpu\": must be a standard resource type or fully qualified",
                "spec.hard[request.cpu]: Invalid value: \"request.cpu\": must be a standard resource for quota",
            ]),
            ("kind: ResourceQuota\nmetadata: {name: q}\nspec:\n  hard: {pods: \"1\", requests.cpu: \"1\"}\n  scopes: [BestEffort, NotBestEffort, Sometimes]\n", [
                "spec.scopes: Invalid value: []core.ResourceQuotaScope{\"BestEffort\", \"NotBestEffort\", \"Sometimes\"}: unsupported scope applied to resource",
                "spec.scopes: Invalid value: []core.ResourceQuotaScope{\"BestEffort\", \"NotBestEffort\", \"Sometimes\"}: unsupported scope",
                "spec.scopes: Invalid value: []core.ResourceQuotaScope{\"BestEffort\", \"NotBestEffort\", \"Sometimes\"}: conflicting scopes",
            ]),
            ("kind: LimitRange\nmetadata: {name: l}\nspec:\n  limits:\n  - {type: Container, max: {cpu: \"2\"}, min: {cpu: 100m}, maxLimitRequestRatio: {cpu: \"4\"}}\n  - {type: PersistentVolumeClaim, max: {storage: 10Gi}}\n", []),
            // max 1 with min 2: default and defaultRequest come from max (1), below min.
            ("kind: LimitRange\nmetadata: {name: l}\nspec:\n  limits:\n  - {type: Container, max: {cpu: \"1\"}, min: {cpu: \"2\"}}\n", [
                "spec.limits[0].min.cpu: Invalid value: \"2\": min value 2 is greater than max value 1",
                "spec.limits[0].defaultRequest.cpu: Invalid value: \"1\": min value 2 is greater than default request value 1",
                "spec.limits[0].default.cpu: Invalid value: \"2\": min value 2 is greater than default value 1",
            ]),
            ("kind: LimitRange\nmetadata: {name: l}\nspec:\n  limits:\n  - {type: Pod, default: {cpu: \"1\"}, maxLimitRequestRatio: {memory: 500m}}\n  - {type: Pod}\n  - {type: Node}\n  - {type: PersistentVolumeClaim}\n", [
                "spec.limits[0].default: Forbidden: may not be specified when `type` is 'Pod'",
                "spec.limits[0].maxLimitRequestRatio.memory: Invalid value: \"500m\": ratio 500m is less than 1",
                "spec.limits[1].type: Duplicate value: \"Pod\"",
                "spec.limits[2].type: Invalid value: \"Node\": must be a standard limit type or fully qualified",
                "spec.limits[3].limits: Required value: either minimum or maximum storage value is required, but neither was provided",
            ]),
            ("kind: LimitRange\nmetadata: {name: l}\nspec:\n  limits:\n  - {type: Container, min: {cpu: \"1\"}, max: {cpu: \"2\"}, maxLimitRequestRatio: {cpu: \"3\"}}\n", [
                "spec.limits[0].maxLimitRequestRatio.cpu: Invalid value: \"3\": ratio 3 is greater than max/min = 2.000000",
            ]),
        ]
        for c in cases {
            let document = try XCTUnwrap(try ManifestDecoder.decode([ManifestSource(name: "t.yaml", bytes: Array(("apiVersion: v1\n" + c.yaml).utf8))]).documents.first)
            var resource = Resource(document.value.objectValue ?? Object())
            Defaults.apply(to: &resource)
            let errors = ObjectValidation.validate(resource, file: "t.yaml")?.errors.map { "\($0.path): \($0.message)" } ?? []
            XCTAssertEqual(errors, c.errors, c.yaml)
        }
    }

    /// The object count evaluators (`count/<resource>[.<group>]`, the legacy names), the service
    /// evaluator (`pkg/quota/v1/evaluator/core/services.go` Usage: node ports of NodePort and
    /// LoadBalancer Services, a LoadBalancer's own count) and the claim evaluator's storage,
    /// checked on create — and on a Service's or claim's update, charged the difference.
    func testObjectQuotas() {
        func resource(_ json: String) -> Resource { Resource(object(json)) }
        let nodePort = resource(#"{"apiVersion":"v1","kind":"Service","metadata":{"name":"np","namespace":"default"},"spec":{"type":"NodePort","ports":[{"port":80},{"port":443}]}}"#)
        let balancer = resource(#"{"apiVersion":"v1","kind":"Service","metadata":{"name":"np","namespace":"default"},"spec":{"type":"LoadBalancer","allocateLoadBalancerNodePorts":false,"ports":[{"port":80,"nodePort":30080},{"port":443}]}}"#)
        let claim = resource(#"{"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"data","namespace":"default"},"spec":{"storageClassName":"fast","resources":{"requests":{"storage":"10Gi"}}}}"#)
        let deployment = resource(#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default"}}"#)
        func shown(_ usage: QuotaAmounts) -> [String] { usage.names.map { "\($0)=\(usage[$0]!.text)" } }
        XCTAssertEqual(shown(ResourceQuotas.objectUsage(nodePort)), ["count/services=1", "services=1", "services.loadbalancers=0", "services.nodeports=2"])
        XCTAssertEqual(shown(ResourceQuotas.objectUsage(balancer)), ["count/services=1", "services=1", "services.loadbalancers=1", "services.nodeports=1"])
        XCTAssertEqual(shown(ResourceQuotas.objectUsage(claim)), [
            "count/persistentvolumeclaims=1", "fast.storageclass.storage.k8s.io/persistentvolumeclaims=1", "fast.storageclass.storage.k8s.io/requests.storage=10Gi",
            "persistentvolumeclaims=1", "requests.storage=10Gi",
        ])
        XCTAssertEqual(shown(ResourceQuotas.objectUsage(deployment)), ["count/deployments.apps=1"])
        let quota = quotas(#"{"kind":"ResourceQuota","apiVersion":"v1","metadata":{"name":"objects","namespace":"default"},"spec":{"hard":{"services.loadbalancers":"0","services.nodeports":"2","count/deployments.apps":"1","requests.storage":"5Gi"}}}"#,
                           #"{"kind":"ResourceQuota","apiVersion":"v1","metadata":{"name":"scoped","namespace":"default"},"spec":{"hard":{"pods":"0"},"scopes":["BestEffort"]}}"#)
        func check(_ object: Resource, old: Resource? = nil, stored: [Resource]) -> String? {
            ResourceQuotas.admit(object: object, old: old, quotas: quota, used: ResourceQuotas.objectsUsage(of: quota, objects: stored)).refusal
        }
        XCTAssertNil(check(nodePort, stored: []))
        XCTAssertEqual(check(nodePort, stored: [nodePort]), "exceeded quota: objects, requested: services.nodeports=2, used: services.nodeports=2, limited: services.nodeports=2")
        // A NodePort Service made a LoadBalancer: its load balancer is charged, its node ports are not again.
        XCTAssertEqual(check(balancer, old: nodePort, stored: [nodePort]),
                       "exceeded quota: objects, requested: services.loadbalancers=1, used: services.loadbalancers=0, limited: services.loadbalancers=0")
        XCTAssertEqual(check(claim, stored: []), "exceeded quota: objects, requested: requests.storage=10Gi, used: requests.storage=0, limited: requests.storage=5Gi")
        XCTAssertNil(check(deployment, stored: []))
        XCTAssertEqual(check(deployment, stored: [deployment]), "exceeded quota: objects, requested: count/deployments.apps=1, used: count/deployments.apps=1, limited: count/deployments.apps=1")
        // The generic evaluators handle creates only: a Deployment's update is not charged.
        XCTAssertNil(check(deployment, old: deployment, stored: [deployment]))
        let usage = ResourceQuotas.objectsUsage(of: quota, objects: [nodePort, deployment, claim])
        XCTAssertEqual(shown(usage[0]), ["count/deployments.apps=1", "requests.storage=10Gi", "services.loadbalancers=0", "services.nodeports=2"])
        XCTAssertTrue(usage[1].isEmpty, "a scoped quota counts pods only")
        XCTAssertEqual(ResourceQuotas.countedTypes(["services.nodeports", "count/deployments.apps", "count/widgets.example.com", "pods", "count/pods"],
                                                   among: [ResourceType.forObject(apiVersion: "example.com/v1", kind: "Widget")]).map(\.kind),
                       ["Service", "Deployment", "Widget"])
    }

    /// PersistentVolumeClaimValidateLimitFunc: a claim's storage request within a LimitRange's
    /// `PersistentVolumeClaim` item (minConstraint, maxRequestConstraint); a StatefulSet's claim
    /// refused so is not made, and neither is its pod (CreateStatefulPod returns the claims'
    /// error: `failed to create PVC …`), both recorded and retried; `apply` of such a claim is
    /// refused and `plan` says `limit-range` at the claim templates.
    func testClaimsMeetTheLimitRange() throws {
        let limits = LimitRanges(stored: [Resource(object(#"{"kind":"LimitRange","apiVersion":"v1","metadata":{"name":"s","namespace":"default"},"spec":{"limits":[{"type":"PersistentVolumeClaim","min":{"storage":"1Gi"},"max":{"storage":"5Gi"}}]}}"#))])
        XCTAssertNil(limits.validateClaim(object(#"{"resources":{"requests":{"storage":"2Gi"}}}"#), namespace: "default"))
        XCTAssertEqual(limits.validateClaim(object(#"{"resources":{"requests":{"storage":"500Mi"}}}"#), namespace: "default"),
                       "minimum storage usage per PersistentVolumeClaim is 1Gi, but request is 500Mi")
        XCTAssertEqual(limits.validateClaim(object(#"{"resources":{"requests":{"storage":"10Gi"}}}"#), namespace: "default"),
                       "maximum storage usage per PersistentVolumeClaim is 5Gi, but request is 10Gi")
        XCTAssertEqual(limits.validateClaim(object(#"{"resources":{}}"#), namespace: "default"),
                       "[minimum storage usage per PersistentVolumeClaim is 1Gi.  No request is specified, maximum storage usage per PersistentVolumeClaim is 5Gi.  No request is specified]")
        XCTAssertNil(limits.validateClaim(object(#"{"resources":{"requests":{"storage":"10Gi"}}}"#), namespace: "other"))

        let scratch = try Scratch(self)
        XCTAssertEqual(try scratch.run("cluster", "init").status, 0)
        let manifests = """
        apiVersion: v1
        kind: LimitRange
        metadata: {name: storage}
        spec:
          limits:
          - {type: PersistentVolumeClaim, max: {storage: 5Gi}}
        ---
        \(Self.database(replicas: 1, claim: "10Gi"))
        """
        let file = try scratch.write(manifests, "db.yaml")
        let plan = try scratch.run("plan", "-f", file, "--baseline-state", scratch.state)
        XCTAssertTrue(plan.stdout.contains("error[limit-range] statefulset.apps/db: spec.volumeClaimTemplates: the API server refused pods during the rollout: failed to create PVC data-db-0: persistentvolumeclaims \"data-db-0\" is forbidden: maximum storage usage per PersistentVolumeClaim is 5Gi, but request is 10Gi"), plan.stdout)
        XCTAssertEqual(try scratch.run("apply", "-f", file, "--wait", "--timeout", "20s").status, 1)
        XCTAssertEqual(try scratch.run("get", "pvc,pods", "-o", "name").stdout, "")
        let events = try scratch.run("get", "events", "-o", "jsonpath={range .items[?(@.reason==\"FailedCreate\")]}{.message}{\"\\n\"}{end}").stdout
        XCTAssertEqual(events, """
            create Claim data-db-0 for Pod db-0 in StatefulSet db failed error: persistentvolumeclaims "data-db-0" is forbidden: maximum storage usage per PersistentVolumeClaim is 5Gi, but request is 10Gi
            create Pod db-0 in StatefulSet db failed error: failed to create PVC data-db-0: persistentvolumeclaims "data-db-0" is forbidden: maximum storage usage per PersistentVolumeClaim is 5Gi, but request is 10Gi

            """)
        let claim = try scratch.write("apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: big}\nspec:\n  accessModes: [ReadWriteOnce]\n  resources: {requests: {storage: 20Gi}}\n", "pvc.yaml")
        let refused = try scratch.run("apply", "-f", claim)
        XCTAssertEqual(refused.status, 2)
        XCTAssertTrue(refused.stderr.contains("persistentvolumeclaims \"big\" is forbidden: maximum storage usage per PersistentVolumeClaim is 5Gi, but request is 20Gi"), refused.stderr)
    }

    /// A finished pod (an imported Job's, Succeeded) is in storage: PodUsageFunc counts it under
    /// `count/pods` — "count/pods tracks all pods independent of state" — and not under `pods`.
    func testFinishedPodsCountOnlyAsObjects() throws {
        let store = try StateStore(directory: try temporaryDirectory(self).appendingPathComponent("s").path, writable: true,
                                   newCluster: ClusterSpec(profile: .bare, nodes: 1))
        addTeardownBlock { store.close() }
        try applyYAML("apiVersion: v1\nkind: ResourceQuota\nmetadata: {name: q}\nspec:\n  hard: {pods: \"5\", count/pods: \"5\"}\n", to: store)
        _ = try store.create(Resource(object(#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"done","namespace":"default"},"spec":{"containers":[{"name":"c","image":"busybox"}]},"status":{"phase":"Succeeded"}}"#)))
        let c = try Cluster(store: store)
        EventLoop.settle(c)
        let status = c.quotaObjects[ObjectKey(type: "ResourceQuota", namespace: "default", name: "q")]?.value["status"]?["used"]
        XCTAssertEqual(status, .object(object(#"{"count/pods":"1","pods":"0"}"#)))
    }
}

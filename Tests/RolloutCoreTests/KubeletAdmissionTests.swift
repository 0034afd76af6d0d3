import Foundation
import XCTest
@testable import RolloutCore

/// The kubelet's admission of a pod (`kubelet.go` HandlePodAdditions → canAdmitPod →
/// `rejectPod`), for the sysctl allowlist (`pkg/kubelet/sysctl/allowlist.go` Admit,
/// validateSysctl; `safe_sysctls.go`): KubeletAdmission.
final class KubeletAdmissionTests: XCTestCase {
    /// validateSysctl's wording, the name as convertSysctlVariableToDotsSeparator reads it, the
    /// first refused name in order.
    func testSysctlRefusals() {
        let cases: [(names: [String?], expected: String?)] = [
            ([], nil),
            (["net.ipv4.ip_local_port_range", "kernel.shm_rmid_forced", "net.ipv4.tcp_wmem"], nil),
            // A name whose first separator is a slash: slashes and dots swapped.
            (["kernel/shm_rmid_forced", "net/ipv4/tcp_syncookies"], nil),
            (["net.core.somaxconn"], #"forbidden sysctl: "net.core.somaxconn" not allowlisted"#),
            (["net/core/somaxconn"], #"forbidden sysctl: "net.core.somaxconn" not allowlisted"#),
            // A dot first: read as written (the slash stays).
            (["net.ipv4.conf/eth0.forwarding"], #"forbidden sysctl: "net.ipv4.conf/eth0.forwarding" not allowlisted"#),
            (["net.ipv4.tcp_rmem", "vm.max_map_count", "kernel.msgmax"], #"forbidden sysctl: "vm.max_map_count" not allowlisted"#),
            ([nil, "kernel.msgmax"], #"forbidden sysctl: "kernel.msgmax" not allowlisted"#),
        ]
        for (names, expected) in cases {
            XCTAssertEqual(KubeletAdmission.sysctlRefusal(names), expected, "\(names)")
        }
        XCTAssertEqual(KubeletAdmission.dotsSeparated("net/ipv4/conf/eth0.100/forwarding"), "net.ipv4.conf.eth0/100.forwarding")
        XCTAssertEqual(KubeletAdmission.dotsSeparated("plain"), "plain")
    }
}

/// A DaemonSet whose pods the kubelet rejects (`daemon_controller.go` podsShouldBeOnNode: "This
/// is a critical place where DS is often fighting with kubelet that rejects pods"): each failed
/// pod is deleted under failedPodsBackoff (`flowcontrol.NewBackOff(1s, 15m)`:
/// IsInBackOffSinceUpdate, Next doubling), with a `FailedDaemonPod` event, and the node gets
/// another once it has none. Made at 0 s and rejected a second after each creation: deleted at
/// 1 s (back-off 1 s), 2 s (2 s), 4 s (4 s), 8 s, 16 s and 32 s, a new pod made each time.
final class DaemonSetRejectionTests: XCTestCase {
    func testFailedPodsAreDeletedUnderTheBackoff() throws {
        let yaml = KubeletAdmissionCommandTests.redis.replacingOccurrences(of: "kind: Deployment", with: "kind: DaemonSet")
            .replacingOccurrences(of: "  replicas: 2\n", with: "").replacingOccurrences(of: "  progressDeadlineSeconds: 20\n", with: "")
        let (_, c) = try bareCluster(self, nodes: 1, yaml)
        let start = c.now
        EventLoop.advance(c, by: Duration(seconds: 40))
        let pods = c.pods.values.filter { $0.ownerKind == "DaemonSet" }.sorted { $0.created < $1.created }
        XCTAssertEqual(pods.map { ($0.created.milliseconds - start.milliseconds) / 1000 }, [0, 1, 2, 4, 8, 16, 32])
        XCTAssertEqual(pods.map { $0.rejection != nil }, [false, false, false, false, false, false, true], "the last waits out its back-off")
        XCTAssertTrue(pods.allSatisfy(\.gone))
        let failed = c.events.filter { $0.reason == "FailedDaemonPod" }
        XCTAssertEqual(failed.reduce(0) { $0 + $1.count }, 6)
        XCTAssertEqual(failed.first?.message, "Found failed daemon pod default/\(pods[0].name) on node node-1, will try to kill it")
        XCTAssertEqual(c.failedDaemonPodsBackoff.values.map(\.backoff), [32_000])
    }
}

/// The pod GC's threshold of terminated pods (`pkg/controller/podgc/gc_controller.go`
/// gcTerminated, byEvictionAndCreationTimestamp; gcCheckPeriod 20 s), on the pods the kubelet
/// rejects, the threshold lowered from 12,500 to 5.
final class TerminatedPodGCTests: XCTestCase {
    static let redis = KubeletAdmissionCommandTests.redis

    func failed(_ store: StateStore) throws -> [(name: String, created: String)] {
        try store.list(Cluster.podType).filter { $0.value.at("status", "phase")?.stringValue == "Failed" }
            .map { ($0.name, $0.creationTimestamp ?? "") }
    }

    func testTheOldestGoAtEachPass() throws {
        var (store, c) = try bareCluster(self, nodes: 1, Self.redis)
        c.terminatedPodThreshold = 5
        EventLoop.advance(c, by: Duration(seconds: 45))
        try c.save()
        try store.commit()
        // Two pods rejected each second from 1 s, each made a second before. At 20 s, 40 of them
        // (made at 0–19 s): the 35 oldest go. At 40 s, those 5 and 40 more (made at 20–39 s):
        // 40 go, the 5 newest stay — both made at 39 s and 38 s, and of the two made at 37 s
        // the one whose name sorts last. Then 10 more, made at 40–44 s.
        var kept = try failed(store)
        XCTAssertEqual(kept.count, 15)
        let created = Dictionary(grouping: kept, by: \.created).mapValues(\.count)
        XCTAssertEqual(created, ["2025-01-01T00:00:37Z": 1, "2025-01-01T00:00:38Z": 2, "2025-01-01T00:00:39Z": 2, "2025-01-01T00:00:40Z": 2,
                                 "2025-01-01T00:00:41Z": 2, "2025-01-01T00:00:42Z": 2, "2025-01-01T00:00:43Z": 2, "2025-01-01T00:00:44Z": 2])
        // The next command: the 15 stored are finished pods, the oldest; at 60 s, 15 + 30 rejected since: 40 go.
        c = try Cluster(store: store)
        c.terminatedPodThreshold = 5
        EventLoop.advance(c, by: Duration(seconds: 20))
        try c.save()
        try store.commit()
        kept = try failed(store)
        XCTAssertEqual(kept.count, 15)
        XCTAssertEqual(kept.map(\.created).min(), "2025-01-01T00:00:57Z")
        XCTAssertEqual(try store.list(Cluster.podType).count, 17, "and the two waiting for their rejection")
    }
}

/// A Deployment whose pods set a sysctl the kubelet refuses, through the built binary.
final class KubeletAdmissionCommandTests: XCTestCase {
    var state = ""

    override func setUpWithError() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: RolloutRun.binary.path), "rollout binary not built")
        state = try temporaryDirectory(self, "rollout-admission").appendingPathComponent("state").path
    }

    func rollout(_ arguments: String...) throws -> RolloutRun { try RolloutRun.run(arguments + ["--state", state]) }

    static let redis = """
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: redis}
    spec:
      replicas: 2
      progressDeadlineSeconds: 20
      selector: {matchLabels: {app: redis}}
      template:
        metadata: {labels: {app: redis}}
        spec:
          securityContext:
            sysctls: [{name: net.core.somaxconn, value: "1024"}]
          containers: [{name: redis, image: "redis:7"}]
    """

    func manifest() throws -> String {
        let url = try temporaryDirectory(self, "rollout-manifests").appendingPathComponent("redis.yaml")
        try Self.redis.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// Each pod is bound, then rejected (KubeletAdmission.rejectionDelay, 1 s, after its
    /// creation): the Warning event, status Failed with `Pod was rejected: …`, no conditions,
    /// no address. `apply --wait` fails at the first rejection instead of waiting out the
    /// deadline; the ReplicaSet has made the next two.
    func testRejectedPodsAndTheFailFast() throws {
        XCTAssertEqual(try rollout("cluster", "init").status, 0)
        let run = try rollout("apply", "-f", try manifest(), "--wait")
        XCTAssertEqual(run.status, 1, run.stderr)
        let pods = try rollout("get", "pods", "-o", "json").stdout
        let items = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(pods.utf8)) as? [String: Any])?["items"] as? [[String: Any]])
        let rejected = items.filter { ($0["status"] as? [String: Any])?["phase"] as? String == "Failed" }
        let pending = items.filter { ($0["status"] as? [String: Any])?["phase"] as? String == "Pending" }
        XCTAssertEqual(rejected.count, 2, pods)
        XCTAssertEqual(pending.count, 2, pods)
        let first = try XCTUnwrap(rejected.first)
        let name = try XCTUnwrap((first["metadata"] as? [String: Any])?["name"] as? String)
        XCTAssertEqual(run.stderr, "error: deployment \"redis\" failed: its new pods are rejected by their node's kubelet (SysctlForbidden): pod \(try XCTUnwrap((rejected.last?["metadata"] as? [String: Any])?["name"] as? String)): forbidden sysctl: \"net.core.somaxconn\" not allowlisted\n")
        // rejectPod's status as the status manager writes it: no conditions, no IPs.
        XCTAssertEqual(first["status"] as? NSDictionary, [
            "phase": "Failed", "reason": "SysctlForbidden", "message": "Pod was rejected: forbidden sysctl: \"net.core.somaxconn\" not allowlisted",
            "startTime": "2025-01-01T00:00:01Z", "qosClass": "BestEffort",
        ] as NSDictionary)
        XCTAssertEqual((first["spec"] as? [String: Any])?["nodeName"] as? String, "node-1")
        // The next two: bound at 1 s, nothing reported by their kubelet yet (no address either).
        for pod in pending {
            XCTAssertEqual(pod["status"] as? NSDictionary, [
                "phase": "Pending", "qosClass": "BestEffort",
                "conditions": [["type": "PodScheduled", "status": "True", "lastTransitionTime": "2025-01-01T00:00:01Z"]],
            ] as NSDictionary)
        }
        let listed = try rollout("get", "pod", name).stdout
        let column = { (text: String) in text.padding(toLength: name.count + 3, withPad: " ", startingAt: 0) }
        XCTAssertEqual(listed, column("NAME") + "READY   STATUS            RESTARTS   AGE\n" + column(name) + "0/1     SysctlForbidden   0          1s\n")
        let described = try rollout("describe", "pod", name).stdout
        for line in ["Node:             node-1/\n", "Status:           Failed\n", "Reason:           SysctlForbidden\n",
                     "Message:          Pod was rejected: forbidden sysctl: \"net.core.somaxconn\" not allowlisted\n", "IP:               \n", "IPs:              <none>\n",
                     "  Normal   Scheduled        1s    default-scheduler  Successfully assigned default/\(name) to node-1\n",
                     "  Warning  SysctlForbidden  0s    kubelet            forbidden sysctl: \"net.core.somaxconn\" not allowlisted\n"] {
            XCTAssertTrue(described.contains(line), "\(line)\n\(described)")
        }
    }

    /// A StatefulSet's pod is rejected too; its controller deletes it at its next sync
    /// (`stateful_set_control.go` processReplica, `isFailed`) and makes it again under its name
    /// (each second here: made at 0 s, rejected and made again at 1 s, …, the last at 10 s).
    /// OrderedReady: redis-1 is never made. `apply --wait` fails at the first rejection.
    func testAStatefulSetDeletesAndRemakesItsRejectedPod() throws {
        XCTAssertEqual(try rollout("cluster", "init").status, 0)
        let url = try temporaryDirectory(self, "rollout-manifests").appendingPathComponent("redis-sts.yaml")
        try Self.redis.replacingOccurrences(of: "kind: Deployment", with: "kind: StatefulSet")
            .replacingOccurrences(of: "  progressDeadlineSeconds: 20\n", with: "  serviceName: redis\n")
            .write(to: url, atomically: true, encoding: .utf8)
        var run = try rollout("apply", "-f", url.path, "--wait")
        XCTAssertEqual(run.status, 1)
        XCTAssertEqual(run.stderr, "error: statefulset \"redis\" failed: its pods are rejected by their node's kubelet (SysctlForbidden): pod redis-0: forbidden sysctl: \"net.core.somaxconn\" not allowlisted\n")
        run = try rollout("apply", "-f", url.path, "--wait", "--no-fail-fast", "--timeout", "9s")
        XCTAssertEqual(run.status, 1)
        // Only the pod made last is there, waiting for its rejection: none is kept Failed.
        XCTAssertEqual(try rollout("get", "pods", "--no-headers").stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).prefix(3).joined(separator: " ") },
                       ["redis-0 0/1 Pending"])
        let counts = try rollout("get", "events", "-o", "jsonpath={range .items[*]}{.involvedObject.kind} {.reason}={.count}{\"\\n\"}{end}").stdout
            .split(separator: "\n").filter { $0.hasPrefix("StatefulSet ") }
        XCTAssertEqual(counts, ["StatefulSet SuccessfulCreate=11", "StatefulSet SuccessfulDelete=10"])
        XCTAssertEqual(try rollout("get", "statefulset", "redis", "-o", "jsonpath={.status.replicas}/{.status.readyReplicas}").stdout, "1/")
    }

    /// Without the fail-fast: a pod rejected each second for each replica, the Failed ones kept
    /// (stored, and loaded again as finished pods by the next command). Each replacement raises
    /// the ReplicaSet's count again after the rejection lowered it (calculateStatus counts the
    /// pods listed before manageReplicas), which the Deployment controller takes for progress
    /// (DeploymentProgressing: updatedReplicas rose), so the 20 s deadline never passes, as
    /// in a cluster (kubernetes/kubernetes#72593).
    func testTheLoopGoesOnAndKeepsProgressing() throws {
        XCTAssertEqual(try rollout("cluster", "init").status, 0)
        let run = try rollout("apply", "-f", try manifest(), "--wait", "--no-fail-fast", "--timeout", "30s")
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.stderr.hasPrefix("error: timed out waiting for"), run.stderr)
        func statuses() throws -> [String: Int] {
            var counted: [String: Int] = [:]
            for line in try rollout("get", "pods", "--no-headers").stdout.split(separator: "\n") {
                counted[String(line.split(separator: " ", omittingEmptySubsequences: true)[2]), default: 0] += 1
            }
            return counted
        }
        // Rejections at 1, 2, …, 30 s, two each.
        XCTAssertEqual(try statuses(), ["SysctlForbidden": 60, "Pending": 2])
        let conditions = try rollout("get", "deployment", "redis", "-o", "jsonpath={range .status.conditions[*]}{.type}={.status}/{.reason} {end}").stdout
        XCTAssertEqual(conditions, "Available=False/MinimumReplicasUnavailable Progressing=True/ReplicaSetUpdated ")
        XCTAssertEqual(try rollout("get", "rs", "-o", "jsonpath={.items[0].status.replicas}").stdout, "2")
        // The next command loads the Failed pods as finished: counted by no controller, kept.
        XCTAssertEqual(try rollout("apply", "-f", try manifest(), "--wait", "--no-fail-fast", "--timeout", "5s").status, 1)
        XCTAssertEqual(try statuses(), ["SysctlForbidden": 70, "Pending": 2])
    }
}

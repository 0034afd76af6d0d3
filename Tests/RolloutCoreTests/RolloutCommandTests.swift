import Foundation
import XCTest

/// End-to-end: the rollout verbs on the examples, through the built binary, against a
/// temporary state — kubectl's messages, exit codes, and golden files for status, history,
/// events and timeline.
final class RolloutCommandTests: XCTestCase {
    var state = ""

    override func setUpWithError() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: RolloutRun.binary.path), "rollout binary not built")
        state = try temporaryDirectory(self, "rollout-verbs").appendingPathComponent("state").path
    }

    @discardableResult
    func rollout(_ arguments: String...) throws -> RolloutRun {
        try RolloutRun.run(arguments + ["--state", state])
    }

    func testTheExampleStory() throws {
        var run = try rollout("apply", "-f", "examples/manifests/", "--wait")
        XCTAssertEqual(run.status, 0, run.stderr)
        try assertGolden(run.stdout, "rollout/apply-wait.txt")
        try assertGolden(try rollout("get", "svc,deploy,rs").stdout, "rollout/get-after-apply.txt")
        // A new image, watched.
        run = try rollout("apply", "-f", "examples/releases/web-api-1.5.0.yaml")
        XCTAssertEqual(run.stdout, "deployment.apps/web-api configured\nservice/web-api unchanged\n")
        run = try rollout("status", "deployment/web-api")
        XCTAssertEqual(run.status, 0)
        try assertGolden(run.stdout, "rollout/status-1.5.0.txt")
        try assertGolden(try rollout("timeline", "deployment/web-api", "-o", "json").stdout, "rollout/timeline-1.5.0.jsonl")
        // A broken release stalls with the old pods serving, and fails at its deadline.
        try rollout("apply", "-f", "examples/releases/web-api-1.6.0-rc1-broken.yaml")
        run = try rollout("status", "deployment/web-api")
        XCTAssertEqual(run.status, 1)
        XCTAssertEqual(run.stderr, "error: deployment \"web-api\" exceeded its progress deadline\n")
        let pods = try rollout("get", "pods", "-l", "app=web-api").stdout
        XCTAssertEqual(pods.components(separatedBy: "1/1").count - 1, 3, "the three old pods still serve:\n\(pods)")
        XCTAssertEqual(pods.components(separatedBy: "0/1").count - 1, 1, "one new pod, never ready:\n\(pods)")
        try assertGolden(try rollout("describe", "deployment", "web-api").stdout, "rollout/describe-broken.txt")
        // Undo goes back to 1.5.0, re-numbered as revision 4.
        XCTAssertEqual(try rollout("undo", "deployment/web-api").stdout, "deployment.apps/web-api rolled back\n")
        XCTAssertEqual(try rollout("status", "deployment/web-api").status, 0)
        try assertGolden(try rollout("history", "deployment/web-api").stdout, "rollout/history.txt")
        try assertGolden(try rollout("events", "--for", "deployment/web-api").stdout, "rollout/events.txt")
        XCTAssertTrue(try rollout("history", "deployment/web-api", "--revision", "4").stdout.hasPrefix("deployment.apps/web-api with revision #4\nPod Template:\n"))
        // The revision's template carries its ReplicaSet's change-cause among its annotations,
        // as DeploymentHistoryViewer prints it (checked with kubectl-oracle).
        let cause = try XCTUnwrap(try rollout("get", "rs", "-l", "app=web-api", "-o", "jsonpath={range .items[*]}{.metadata.annotations.deployment\\.kubernetes\\.io/revision} {.metadata.annotations.kubernetes\\.io/change-cause}{\"\\n\"}{end}").stdout
            .split(separator: "\n").first { $0.hasPrefix("4 ") }?.dropFirst(2))
        XCTAssertFalse(cause.isEmpty)
        XCTAssertTrue(try rollout("history", "deployment/web-api", "--revision", "4").stdout.contains("  Annotations:\tkubernetes.io/change-cause: \(cause)\n"))
    }

    func testSpecVerbsAndTheirRefusals() throws {
        try rollout("apply", "-f", "examples/manifests/web-api.yaml", "--wait")
        XCTAssertEqual(try rollout("pause", "deployment/web-api").stdout, "deployment.apps/web-api paused\n")
        var run = try rollout("pause", "deployment/web-api")
        XCTAssertEqual(run.status, 1)
        XCTAssertEqual(run.stderr, "error: deployments.apps \"web-api\" is already paused\n")
        run = try rollout("restart", "deployment/web-api")
        XCTAssertEqual(run.stderr, "error: can't restart paused deployment (run rollout resume first)\n")
        run = try rollout("undo", "deployment/web-api")
        XCTAssertEqual(run.stderr, "error: no rollout history found for deployment \"web-api\"\n")
        // Paused: a new image makes no new ReplicaSet.
        XCTAssertEqual(try rollout("set", "image", "deployment/web-api", "web-api=app:2").stdout, "deployment.apps/web-api image updated\n")
        run = try rollout("status", "deployment/web-api", "--timeout", "30s")
        XCTAssertEqual(run.status, 1)
        XCTAssertEqual(run.stderr, "error: deployment \"web-api\" is paused; resume it with 'rollout resume deployment/web-api'\n")
        XCTAssertEqual(try rollout("get", "rs", "-o", "name").stdout.split(separator: "\n").count, 1)
        XCTAssertEqual(try rollout("resume", "deployment/web-api").stdout, "deployment.apps/web-api resumed\n")
        XCTAssertEqual(try rollout("resume", "deployment/web-api").stderr, "error: deployments.apps \"web-api\" is not paused\n")
        XCTAssertEqual(try rollout("status", "deployment/web-api").status, 0)
        XCTAssertEqual(try rollout("get", "rs", "-o", "name").stdout.split(separator: "\n").count, 2)
        XCTAssertEqual(try rollout("scale", "deployment/web-api", "--replicas", "5").stdout, "deployment.apps/web-api scaled\n")
        XCTAssertEqual(try rollout("wait", "--for=condition=Available", "deployment/web-api").stdout, "deployment.apps/web-api condition met\n")
        XCTAssertTrue(try rollout("get", "deploy", "web-api").stdout.contains("5/5"))
        XCTAssertEqual(try rollout("set", "image", "deployment/web-api", "nope=x").stderr, "error: unable to find container named \"nope\"\n")
        XCTAssertEqual(try rollout("restart", "deployment/web-api").stdout, "deployment.apps/web-api restarted\n")
        XCTAssertEqual(try rollout("undo", "deployment/web-api", "--to-revision", "9").stderr, "error: unable to find specified revision 9 in history\n")
        XCTAssertEqual(try rollout("status", "deployment/nope").status, 1)
        XCTAssertEqual(try rollout("status", "web-api").status, 2)
        for verb in ["status", "history", "undo", "pause", "resume", "restart", "scale", "set", "wait", "events", "timeline"] {
            XCTAssertEqual(try RolloutRun.run([verb, "--help"]).status, 0, verb)
        }
    }

    func testMessagesOfTheLessTravelledPaths() throws {
        XCTAssertEqual(try rollout("events").stderr, "No events found in default namespace.\n")
        try rollout("apply", "-f", "examples/manifests/web-api.yaml")
        var run = try rollout("timeline", "deployment/web-api")
        XCTAssertEqual(run.status, 1)
        XCTAssertEqual(run.stderr, "error: no rollout of deployment \"web-api\" has been watched yet; run 'rollout status deployment/web-api' or 'rollout apply --wait' first\n")
        run = try rollout("wait", "--for=condition=Available", "deployment/web-api", "--timeout", "2s")
        XCTAssertEqual(run.status, 1, "5 s of warm-up do not fit in 2 s")
        XCTAssertEqual(run.stderr, "error: timed out waiting for the condition on deployments/web-api\n")
        XCTAssertEqual(try rollout("wait", "--for=ready", "deployment/web-api").status, 2)
        try rollout("status", "deployment/web-api")
        XCTAssertEqual(try rollout("history", "deployment/web-api", "--revision", "7").stderr, "error: unable to find the specified revision\n")
        XCTAssertEqual(try rollout("scale", "deployment/web-api").status, 2)
        XCTAssertEqual(try rollout("set", "image", "deployment/web-api").status, 2)
        XCTAssertEqual(try rollout("timeline", "deployment/web-api", "-o", "png").status, 2)
        try rollout("set", "image", "deployment/web-api", "web-api=app:2")
        try rollout("status", "deployment/web-api")
        run = try rollout("undo", "deployment/web-api", "--dry-run")
        XCTAssertEqual(run.status, 0)
        XCTAssertTrue(run.stdout.contains("-        image: app:2\n+        image: ghcr.io/example/web-api:1.4.2\n"), run.stdout)
        XCTAssertTrue(run.stdout.hasSuffix("deployment.apps/web-api rolled back (dry run)\n"), run.stdout)
        XCTAssertTrue(try rollout("get", "deploy", "web-api", "-o", "yaml").stdout.contains("image: app:2"), "the dry run changed nothing")
        XCTAssertTrue(try rollout("timeline", "deployment/web-api", "-o", "svg").stdout.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        XCTAssertTrue(try rollout("timeline", "deployment/web-api", "-o", "chart").stdout.contains("█ old ready"))
    }

    func testCrashLoopFailsFastUnlessAsked() throws {
        let manifest = try temporaryDirectory(self).appendingPathComponent("crash.yaml")
        try """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: crash}
        spec:
          replicas: 2
          minReadySeconds: 10
          selector: {matchLabels: {app: crash}}
          template:
            metadata: {labels: {app: crash}, annotations: {rollout.sim/crash-after: 3s}}
            spec: {containers: [{name: app, image: "app:1"}]}
        """.write(to: manifest, atomically: true, encoding: .utf8)
        let run = try rollout("apply", "-f", manifest.path, "--wait")
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.stderr.hasPrefix("error: deployment \"crash\" failed: all 2 new pods are in CrashLoopBackOff: pod crash-"), run.stderr)
        XCTAssertTrue(try rollout("get", "pods").stdout.contains("CrashLoopBackOff"))
        XCTAssertEqual(try rollout("status", "deployment/crash", "--no-fail-fast", "--timeout", "2m").stderr, "error: timed out waiting for the condition\n")
    }

    func testDeletedPodsPassThroughTerminating() throws {
        func clock() throws -> String {
            try XCTUnwrap(try rollout("cluster", "info").stdout.split(separator: "\n").first { $0.hasPrefix("Clock: ") }.map(String.init))
        }
        try rollout("apply", "-f", "examples/manifests/web-api.yaml", "--wait")
        let pods = try rollout("get", "pods", "-o", "name").stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(pods.count, 3)
        // --wait=false: no time passes; the pod is still stopping.
        XCTAssertEqual(try rollout("delete", pods[0], "--wait=false").stdout, "pod \"\(pods[0].dropFirst(4))\" deleted\n")
        XCTAssertTrue(try rollout("get", pods[0]).stdout.contains("Terminating"), "no time passed: the pod is still stopping")
        XCTAssertEqual(try clock(), "Clock: 2025-01-01T00:00:10Z")
        // kubectl's delete waits by default until the pod is gone (`delete.go` DeleteResult →
        // `cmdwait.IsDeleted`). apply --wait ends at 10 s: the pods pull (3 s) and start (1 s) at
        // 4 s, their readiness probe (manual trigger at start, then every 5 s,
        // initialDelaySeconds 2) passes at 9 s when the 5 s warm-up is over, and the endpoints
        // see them 1 s later. preStop sleeps 10 s, then the app drains for 3 s: gone 13 s after
        // the delete, and the ReplicaSet's replacements (made at 10 s) serve by then.
        XCTAssertEqual(try rollout("delete", pods[1]).stdout, "pod \"\(pods[1].dropFirst(4))\" deleted\n")
        XCTAssertEqual(try clock(), "Clock: 2025-01-01T00:00:23Z")
        let left = try rollout("get", "pods", "--no-headers").stdout.split(separator: "\n")
        XCTAssertEqual(left.count, 3, left.joined(separator: "\n"))
        XCTAssertTrue(left.allSatisfy { $0.contains(" 1/1 ") && $0.contains(" Running ") }, left.joined(separator: "\n"))
        XCTAssertFalse(left.contains { pods[0...1].map { String($0.dropFirst(4)) }.contains(String($0.split(separator: " ")[0])) })
        // A Deployment is gone at once: its pods, deleted in the background by the garbage
        // collector, are not waited for (kubectl waits for the objects it named).
        XCTAssertEqual(try rollout("delete", "deploy", "web-api").stdout, "deployment.apps \"web-api\" deleted\n")
        XCTAssertEqual(try clock(), "Clock: 2025-01-01T00:00:23Z")
        XCTAssertEqual(try rollout("get", "pods", "--no-headers").stdout.split(separator: "\n").filter { $0.contains(" Terminating ") }.count, 3)
        // A namespace is gone when its pods are (the namespace controller's finalizer): its
        // delete waits for them, 13 s.
        let namespace = try temporaryDirectory(self).appendingPathComponent("team.yaml")
        try "apiVersion: v1\nkind: Namespace\nmetadata: {name: team}\n".write(to: namespace, atomically: true, encoding: .utf8)
        try rollout("apply", "-f", namespace.path)
        try rollout("apply", "-f", "examples/manifests/web-api.yaml", "-n", "team", "--wait")
        // (7 s: the image is on the nodes now — no pull — so the pods start at 1 s and are
        // ready at 6 s, in the endpoints at 7 s.)
        XCTAssertEqual(try clock(), "Clock: 2025-01-01T00:00:30Z")
        XCTAssertEqual(try rollout("delete", "namespace", "team").stdout, "namespace \"team\" deleted\n")
        XCTAssertEqual(try clock(), "Clock: 2025-01-01T00:00:43Z")
        XCTAssertEqual(try rollout("get", "pods", "-n", "team", "-o", "name").stdout, "")
    }

    /// A pod that cannot stop (its node's kubelet is down) is waited for as kubectl waits: the
    /// whole timeout (a week unless `--timeout`), then `timed out waiting for the condition`.
    func testDeleteWaitTimesOutOnAPodThatCannotStop() throws {
        try rollout("apply", "-f", "examples/manifests/web-api.yaml", "--wait")
        let wide = try rollout("get", "pods", "-o", "wide", "--no-headers").stdout.split(separator: "\n")
        let first = try XCTUnwrap(wide.first).split(separator: " ", omittingEmptySubsequences: true)
        let (pod, node) = (String(first[0]), String(first[6]))
        try rollout("cluster", "fail-node", node)
        let run = try rollout("delete", "pod", pod, "--timeout=2m")
        XCTAssertEqual(run.status, 1)
        XCTAssertEqual(run.stdout, "pod \"\(pod)\" deleted\n")
        XCTAssertEqual(run.stderr, "error: timed out waiting for the condition on pods/\(pod)\n")
        XCTAssertTrue(try rollout("cluster", "info").stdout.contains("Clock: 2025-01-01T00:02:10Z"))
        XCTAssertTrue(try rollout("get", "pod", pod).stdout.contains(" Terminating "))
        XCTAssertEqual(try rollout("delete", "pod", pod, "--timeout=soon").status, 2)
        XCTAssertEqual(try rollout("delete", "pod", pod, "--wait=maybe").status, 2)
        // A dry run does not wait.
        XCTAssertEqual(try rollout("delete", "pod", pod, "--dry-run=client").stdout, "pod \"\(pod)\" deleted (dry run)\n")
        XCTAssertTrue(try rollout("cluster", "info").stdout.contains("Clock: 2025-01-01T00:02:10Z"))
    }

    func testSecondLoadBalancerOnAHeldPortStaysPending() throws {
        let dir = try temporaryDirectory(self)
        let other = dir.appendingPathComponent("other.yaml")
        try """
        apiVersion: v1
        kind: Service
        metadata: {name: other-proxy}
        spec:
          type: LoadBalancer
          selector: {app: other}
          ports: [{name: http, port: 8081}]
        """.write(to: other, atomically: true, encoding: .utf8)
        try rollout("apply", "-f", "examples/manifests/", "--wait")
        try rollout("apply", "-f", other.path)
        try rollout("status", "deployment/web-api")
        let services = try rollout("get", "svc", "other-proxy").stdout
        XCTAssertTrue(services.contains("<pending>"), services)
        XCTAssertTrue(try rollout("events", "--for", "service/other-proxy").stdout.contains("Port 8081/TCP is held by service default/web-api"))
        // ServiceLB gives the node's address (k3s getStatus: the nodes whose svclb pod runs).
        XCTAssertTrue(try rollout("get", "svc", "web-api").stdout.contains(" 10.0.0.2 "))
        try rollout("delete", "svc", "web-api")
        try rollout("status", "deployment/web-api")
        XCTAssertTrue(try rollout("get", "svc", "other-proxy").stdout.contains(" 10.0.0.2 "), "the port is handed over when the holder goes")
        let events = try rollout("events", "--for", "service/other-proxy").stdout
        XCTAssertTrue(events.contains("Updated LoadBalancer with new IPs: [] -> [10.0.0.2]"), events)
    }
}

/// `--speed` paces virtual time against the wall clock; `events -o json` is a List.
final class PacingAndJSONTests: XCTestCase {
    func testSpeedPacesTheClockAndEventsAreJSON() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: RolloutRun.binary.path), "rollout binary not built")
        let state = try temporaryDirectory(self).appendingPathComponent("s").path
        let start = Date()
        // 5 s of virtual time at 25× speed: at least 0.2 s of wall time.
        let run = try RolloutRun.run(["apply", "-f", "examples/manifests/web-api.yaml", "--wait", "--speed", "25", "--state", state])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(start), 0.19)
        let json = try RolloutRun.run(["events", "-o", "json", "--state", state]).stdout
        let value = try XCTUnwrap(try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        XCTAssertEqual(value["kind"] as? String, "List")
        let items = try XCTUnwrap(value["items"] as? [[String: Any]])
        XCTAssertTrue(items.contains { ($0["reason"] as? String) == "ScalingReplicaSet" })
        XCTAssertTrue(items.contains { ($0["reason"] as? String) == "Scheduled" }, "pod lifecycle events are listed too")
        XCTAssertEqual(try RolloutRun.run(["status", "deployment/web-api", "--speed", "0", "--state", state]).status, 2)
    }
}

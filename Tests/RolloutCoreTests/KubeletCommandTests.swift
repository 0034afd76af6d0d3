import Foundation
import XCTest

/// The user-facing edges of issues 10 and 11 through the built binary: flags, their errors
/// (exit 2, nothing changed), and what a manifest's mistakes look like.
final class KubeletCommandTests: XCTestCase {
    var state = ""

    override func setUpWithError() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: RolloutRun.binary.path), "rollout binary not built")
        state = try temporaryDirectory(self, "rollout-kubelet-cli").appendingPathComponent("state").path
    }

    func rollout(_ arguments: String...) throws -> RolloutRun { try RolloutRun.run(arguments + ["--state", state]) }

    func write(_ text: String, _ name: String) throws -> String {
        let url = try temporaryDirectory(self, "rollout-manifests").appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    static let app = """
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: app}
    spec:
      replicas: 1
      selector: {matchLabels: {app: app}}
      template:
        metadata: {labels: {app: app}, annotations: {ANNOTATIONS}}
        spec:
          containers: [{name: web, image: "app:1"VOLUMES}]
          VOLUMESPEC
    """

    func manifest(annotations: String = "", volumes: String = "", volumeSpec: String = "") -> String {
        Self.app.replacingOccurrences(of: "ANNOTATIONS", with: annotations).replacingOccurrences(of: "VOLUMESPEC", with: volumeSpec)
            .replacingOccurrences(of: "VOLUMES", with: volumes)
    }

    func testClusterTimingFlags() throws {
        var run = try rollout("cluster", "init", "--container-start", "2s", "--image-pull", "20s")
        XCTAssertEqual(run.status, 0, run.stderr)
        let node = try rollout("get", "node", "node-1", "-o", "yaml").stdout
        XCTAssertTrue(node.contains("rollout.sim/container-start: 2s") && node.contains("rollout.sim/image-pull: 20s"), node)
        // A first pull of 20 s, then 2 s to start: available at 22 s.
        XCTAssertEqual(try rollout("apply", "-f", try write(manifest(), "a.yaml"), "--wait").status, 0)
        XCTAssertTrue(try rollout("cluster", "info").stdout.contains("Clock: 2025-01-01T00:00:22Z"))
        for (flag, value) in [("--container-start", "fast"), ("--image-pull", "-1s"), ("--image-pull", "25h")] {
            run = try rollout("cluster", "init", flag, value)
            XCTAssertEqual(run.status, 2, "\(flag) \(value)")
            XCTAssertEqual(run.stderr, "error: invalid argument \"\(value)\" for \"\(flag)\" flag: expected a duration from 0s to 24h, such as 1s or 500ms\n")
        }
        XCTAssertTrue(try rollout("cluster", "info").stdout.contains("Clock: 2025-01-01T00:00:22Z"), "nothing changed")
    }

    func testTrafficFlagErrors() throws {
        let path = try write(manifest(), "a.yaml")
        var run = try rollout("apply", "-f", path, "--wait", "--request-time", "soon")
        XCTAssertEqual(run.status, 2)
        XCTAssertEqual(run.stderr, "error: invalid argument \"soon\" for \"--request-time\" flag: expected a duration from 0s to 1h, such as 50ms or 2s, or a range such as 20ms-2s\n")
        run = try rollout("apply", "-f", path, "--wait", "--fail-on", "hazard")
        XCTAssertEqual(run.status, 2)
        XCTAssertEqual(run.stderr, "error: invalid argument \"hazard\" for \"--fail-on\" flag: expected downtime\n")
        XCTAssertEqual(try rollout("get", "deployments").stderr, "No resources found in default namespace.\n", "nothing applied")
    }

    func testPerContainerAnnotationsAreChecked() throws {
        let run = try rollout("apply", "-f", try write(manifest(annotations: "rollout.sim/startup.api: 5s, rollout.sim/exit-code: \"300\""), "a.yaml"))
        XCTAssertEqual(run.status, 2)
        XCTAssertTrue(run.stderr.contains("spec.template.metadata.annotations[rollout.sim/startup.api]: Invalid value: \"rollout.sim/startup.api\": no container named \"api\" in this pod (containers: web)"), run.stderr)
        XCTAssertTrue(run.stderr.contains("spec.template.metadata.annotations[rollout.sim/exit-code]: Invalid value: \"300\": expected an exit code from 0 to 255, or OOMKilled"), run.stderr)
    }

    // An OOM kill as containerd reports it: reason OOMKilled, exit code 137, in Last State.
    func testOOMKilledInDescribe() throws {
        XCTAssertEqual(try rollout("apply", "-f", try write(manifest(annotations: "rollout.sim/crash-after: 5s, rollout.sim/exit-code: OOMKilled"), "a.yaml")).status, 0)
        _ = try rollout("wait", "--for=condition=Progressing=False", "deployment/app", "--timeout", "15s")
        let described = try rollout("describe", "pods").stdout
        XCTAssertTrue(described.range(of: #"Last State:\s+Terminated\n\s+Reason:\s+OOMKilled\n\s+Exit Code:\s+137"#, options: .regularExpression) != nil, described)
    }

    // VolumeBinding's PreFilter (KUBERNETES-scheduling-traffic.md §2, §10(b) for the message's
    // form): a claim that does not exist leaves the pod Pending on every node, no preemption.
    func testMissingClaimKeepsThePodPending() throws {
        let yaml = manifest(volumes: ", volumeMounts: [{name: d, mountPath: /data}]", volumeSpec: "volumes: [{name: d, persistentVolumeClaim: {claimName: data}}]")
        XCTAssertEqual(try rollout("apply", "-f", try write(yaml, "a.yaml")).status, 0)
        _ = try rollout("wait", "--for=condition=Available", "deployment/app", "--timeout", "5s")
        XCTAssertTrue(try rollout("get", "pods").stdout.contains("0/1     Pending"))
        XCTAssertTrue(try rollout("events").stdout.contains(
            "FailedScheduling    Pod/app-"), "the scheduler's event")
        XCTAssertTrue(try rollout("describe", "pods").stdout.contains(
            "0/1 nodes are available: persistentvolumeclaim \"data\" not found. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling."))
        // lint against this cluster: the claim is missing there too.
        XCTAssertTrue(try rollout("lint", "-f", try write(yaml, "b.yaml")).stdout.contains("warning[missing-reference]"))
        let claim = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data}\nspec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}\n"
        XCTAssertEqual(try rollout("apply", "-f", try write(claim, "c.yaml")).status, 0)
        XCTAssertFalse(try rollout("lint", "-f", try write(yaml, "d.yaml")).stdout.contains("missing-reference"), "lint reads the cluster's claims")
        XCTAssertEqual(try rollout("wait", "--for=condition=Available", "deployment/app", "--timeout", "10s").status, 0)
    }
}

import Foundation
import XCTest
@testable import RolloutCore

/// PodDisruptionBudgets through the commands: validation as the API server's
/// (`pkg/apis/policy/validation/validation.go` ValidatePodDisruptionBudgetSpec), the
/// `pdb-blocks-drain` lint, kubectl's `get pdb` and `describe pdb`
/// (`pkg/printers/internalversion/printers.go` printPodDisruptionBudget;
/// `staging/src/k8s.io/kubectl/pkg/describe/describe.go` describePodDisruptionBudgetV1), and
/// `cluster fail-node` end to end.
final class DisruptionBudgetCommandTests: XCTestCase {
    var state = ""

    override func setUpWithError() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: RolloutRun.binary.path), "rollout binary not built")
        state = try temporaryDirectory(self).appendingPathComponent("s").path
    }

    func rollout(_ args: String...) throws -> RolloutRun { try RolloutRun.run(args + ["--state", state]) }

    func write(_ text: String) throws -> String {
        let path = try temporaryDirectory(self).appendingPathComponent("m.yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// A Deployment of three replicas labelled app=web.
    static let web = """
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: web}
    spec:
      replicas: 3
      selector: {matchLabels: {app: web}}
      template:
        metadata: {labels: {app: web}}
        spec: {containers: [{name: web, image: web:1}]}
    """

    static func budget(_ spec: String) -> String {
        "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web}}\n" + spec
    }

    func testValidation() throws {
        let cases: [(spec: String, error: String)] = [
            ("  minAvailable: 1\n  maxUnavailable: 1\n", "spec: Invalid value: policy.PodDisruptionBudgetSpec{MinAvailable:1, MaxUnavailable:1}: minAvailable and maxUnavailable cannot be both set"),
            ("  minAvailable: -1\n", "spec.minAvailable: Invalid value: -1: must be greater than or equal to 0"),
            ("  maxUnavailable: 150%\n", "spec.maxUnavailable: Invalid value: \"150%\": must not be greater than 100%"),
            ("  maxUnavailable: half\n", "spec.maxUnavailable: Invalid value: \"half\": a valid percent string must be a numeric string followed by an ending '%'"),
            ("  maxUnavailable: 1\n  unhealthyPodEvictionPolicy: Never\n",
             "spec.unhealthyPodEvictionPolicy: Unsupported value: \"Never\": supported values: \"AlwaysAllow\", \"IfHealthyBudget\""),
        ]
        for (spec, error) in cases {
            let run = try rollout("apply", "-f", try write(Self.budget(spec)))
            XCTAssertEqual(run.status, 2, spec)
            XCTAssertTrue(run.stderr.contains(error), "\(spec)\n\(run.stderr)")
            XCTAssertTrue(run.stderr.contains("(line "), "a position: \(run.stderr)")
        }
    }

    // Linter.budgetNeverAllows: the disruption controller's arithmetic at its best case, every
    // selected pod healthy: allowed = replicas − desired ≤ 0 blocks every drain.
    func testPdbBlocksDrainLint() throws {
        let deployment = """
        \(Self.web)
        ---

        """
        let cases: [(spec: String, message: String?)] = [
            ("  maxUnavailable: 0\n", "maxUnavailable 0: no pod may ever be evicted"),
            ("  maxUnavailable: 0%\n", "maxUnavailable 0%: no pod may ever be evicted"),
            ("  minAvailable: 3\n", "minAvailable 3 of the 3 replicas it selects: no pod may ever be evicted"),
            ("  minAvailable: 90%\n", "minAvailable 90% of the 3 replicas it selects rounds up to 3: no pod may ever be evicted"),
            ("  minAvailable: 50%\n", nil),
            ("  minAvailable: 2\n", nil),
            ("  maxUnavailable: 10%\n", nil),   // ceil(0.3) = 1
        ]
        for (spec, message) in cases {
            let hazards = Linter.lint(try ManifestDecoder.decode([ManifestSource(name: "m.yaml", bytes: Array((deployment + Self.budget(spec)).utf8))]).documents)
                .filter { $0.code == "pdb-blocks-drain" }
            XCTAssertEqual(hazards.first.map { String($0.message.prefix(while: { $0 != "," })) }, message, spec)
            if message != nil { XCTAssertEqual(hazards.first?.location?.line, 16, spec) }
        }
    }

    func testGetAndDescribe() throws {
        XCTAssertEqual(try rollout("cluster", "init", "--profile", "bare", "--nodes", "2").status, 0)
        let manifests = """
        \(Self.web)
        ---
        apiVersion: policy/v1
        kind: PodDisruptionBudget
        metadata: {name: web}
        spec: {minAvailable: 50%, selector: {matchLabels: {app: web}}}
        ---
        apiVersion: policy/v1
        kind: PodDisruptionBudget
        metadata: {name: other}
        spec: {maxUnavailable: 1, selector: {matchLabels: {app: none}}}
        """
        XCTAssertEqual(try rollout("apply", "-f", try write(manifests), "--wait").status, 0)
        XCTAssertEqual(try rollout("get", "pdb").stdout, """
        NAME    MIN AVAILABLE   MAX UNAVAILABLE   ALLOWED DISRUPTIONS   AGE
        other   N/A             1                 0                     4s
        web     50%             N/A               1                     4s

        """)
        XCTAssertEqual(try rollout("describe", "pdb", "web").stdout, """
        Name:           web
        Namespace:      default
        Min available:  50%
        Selector:       app=web
        Status:
            Allowed disruptions:  1
            Current:              3
            Desired:              2
            Total:                3
        Events:                   <none>

        """)
        XCTAssertTrue(try rollout("describe", "pdb", "other").stdout.contains("Normal  NoPods  4s    controllermanager  No matching pods found"))
    }

    // `cluster fail-node --for`: the kubelet stops at F = 5 s (the rollout's end); its last
    // renewal was at 0 s (every 10 s from the nodes' registration at −60 s), seen at 0 s, so
    // NotReady at 55 s = F + 50 s; a third of the requests (round robin over three endpoints)
    // are lost until the endpoints drop the pod 1 s later.
    func testFailNodeCommand() throws {
        XCTAssertEqual(try rollout("cluster", "init", "--profile", "bare", "--nodes", "3").status, 0)
        let manifests = """
        \(Self.web)
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec: {selector: {app: web}, ports: [{port: 80}]}
        """
        XCTAssertEqual(try rollout("apply", "-f", try write(manifests), "--wait").status, 0)
        var run = try rollout("cluster", "fail-node", "node-2", "--for", "1m")
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.hasPrefix("node/node-2 kubelet stops now\n1m0s later (2025-01-01T00:01:05Z):\n"), run.stdout)
        XCTAssertTrue(run.stdout.contains("node-2   NotReady   <none>"), run.stdout)
        XCTAssertTrue(run.stdout.contains("service/web: 600 requests at 10/s, 170 failed\n  t=0.1s–50.8s: 170 failed, its node is down (no reply)\n"), run.stdout)
        XCTAssertEqual(try rollout("cluster", "fail-node", "node-2").stderr, "error: node \"node-2\" already fails at 2025-01-01T00:00:05Z (recover it first: rollout cluster recover-node node-2)\n")
        run = try rollout("cluster", "recover-node", "node-2", "--for", "10s")
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("node-2   Ready    <none>"), run.stdout)
        XCTAssertTrue(try rollout("get", "nodes", "node-2", "-o", "yaml").stdout.contains("rollout.sim/kubelet") == false)
        XCTAssertEqual(try rollout("cluster", "fail-node", "node-9").status, 1)
        // --at: the kubelet stops later; until then the node stays Ready.
        run = try rollout("cluster", "fail-node", "node-3", "--at", "2m", "--for", "30s")
        XCTAssertTrue(run.stdout.hasPrefix("node/node-3 kubelet stops at 2025-01-01T00:03:15Z (in 2m0s)\n"), run.stdout)
        XCTAssertTrue(run.stdout.contains("node-3   Ready"), run.stdout)
        XCTAssertEqual(try rollout("cluster", "fail-node", "node-3", "--at", "soon").status, 2)
    }

    // `rollout drain`'s exits: drained (0); a node that does not exist, a budget that can never
    // allow the eviction, a node whose kubelet is down (1, each said on stderr); bad flags (2).
    func testDrainCommandExits() throws {
        XCTAssertEqual(try rollout("cluster", "init", "--profile", "bare", "--nodes", "2").status, 0)
        let manifests = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          replicas: 2
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec: {containers: [{name: web, image: web:1}]}
        ---
        apiVersion: policy/v1
        kind: PodDisruptionBudget
        metadata: {name: web}
        spec: {maxUnavailable: 0, selector: {matchLabels: {app: web}}}
        """
        XCTAssertEqual(try rollout("apply", "-f", try write(manifests), "--wait").status, 0)
        // --dry-run: kubectl's lines with "(dry run)", and nothing changes.
        var run = try rollout("drain", "node-2", "--dry-run=client")
        XCTAssertEqual(run.status, 0)
        XCTAssertTrue(run.stdout.hasPrefix("node/node-2 cordoned (dry run)\nevicting pod default/web-"), run.stdout)
        XCTAssertTrue(run.stdout.hasSuffix(" (dry run)\nnode/node-2 drained (dry run)\n"), run.stdout)
        XCTAssertFalse(try rollout("get", "nodes").stdout.contains("SchedulingDisabled"))
        // --pod-selector: only its pods (none here), so the budget is never asked.
        XCTAssertEqual(try rollout("drain", "node-2", "--pod-selector", "app=other").stdout, "node/node-2 cordoned\nnode/node-2 drained\n")
        XCTAssertEqual(try rollout("uncordon", "node-2").status, 0)
        run = try rollout("drain", "node-9")
        XCTAssertEqual(run.status, 1)
        XCTAssertEqual(run.stderr, "Error from server (NotFound): nodes \"node-9\" not found\n")
        run = try rollout("drain", "node-2")
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.stdout.hasPrefix("node/node-2 cordoned\nevicting pod default/web-"), run.stdout)
        XCTAssertTrue(run.stderr.hasSuffix("error: the drain of node \"node-2\" can never finish: 1 pod(s) cannot be evicted without violating a PodDisruptionBudget and nothing left in the cluster will change that (kubectl would retry every 5s until interrupted)\n"), run.stderr)
        XCTAssertTrue(try rollout("get", "nodes").stdout.contains("node-2   Ready,SchedulingDisabled"), "the cordon stays")
        XCTAssertEqual(try rollout("drain", "node-2", "--disable-eviction").status, 0, "a plain delete ignores the budget")
        XCTAssertTrue(try rollout("get", "pods", "-o", "wide").stdout.contains("node-2") == false)
        run = try rollout("uncordon", "node-2")
        XCTAssertEqual(run.stdout, "node/node-2 uncordoned\n")
        XCTAssertEqual(try rollout("drain", "node-1", "--timeout", "soon").status, 2)
        XCTAssertEqual(try rollout("drain").status, 2)
        // A node whose kubelet is down: the evicted pods stay Terminating.
        XCTAssertEqual(try rollout("delete", "pdb", "web").status, 0)
        XCTAssertEqual(try rollout("cluster", "fail-node", "node-1").status, 0)
        run = try rollout("drain", "node-1")
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.stderr.contains("its kubelet is down, so the evicted pods stay Terminating"), run.stderr)
        XCTAssertEqual(try rollout("cluster", "recover-node", "node-2").stderr, "error: node \"node-2\" has not failed: nothing to recover (see rollout cluster fail-node)\n")
    }

    // The pod GC's orphan pass (gc_controller.go gcOrphaned: passes every 20 s, a missing node
    // quarantined 40 s): the rollout ends at 4 s (pull 3 s, start 1 s); node-2 is deleted then;
    // the next run notices it at the 20 s pass and deletes its pods at 60 s; their replacements
    // start on node-1 at once (the image is there) — 14 s old at 74 s.
    func testPodsOfADeletedNodeAreCollected() throws {
        XCTAssertEqual(try rollout("cluster", "init", "--profile", "bare", "--nodes", "2").status, 0)
        XCTAssertEqual(try rollout("apply", "-f", try write(Self.web), "--wait").status, 0)
        let onNode2 = try rollout("get", "pods", "-o", "wide").stdout.split(separator: "\n").filter { $0.contains(" node-2 ") }.count
        XCTAssertGreaterThan(onNode2, 0)
        XCTAssertEqual(try rollout("delete", "node", "node-2").stdout, "node \"node-2\" deleted\n")
        let watched = try rollout("get", "pods", "-w", "--output-watch-events", "-o", "wide", "--timeout", "70s").stdout.split(separator: "\n")
        XCTAssertEqual(watched.filter { $0.hasPrefix("DELETED") && $0.contains(" node-2 ") }.count, onNode2, watched.joined(separator: "\n"))
        let pods = try rollout("get", "pods", "-o", "wide").stdout.split(separator: "\n").dropFirst()
        XCTAssertEqual(pods.count, 3)
        XCTAssertTrue(pods.allSatisfy { $0.contains(" node-1 ") }, pods.joined(separator: "\n"))
        XCTAssertEqual(pods.filter { $0.contains(" 14s ") }.count, onNode2, "replaced at 60 s: \(pods.joined(separator: "\n"))")
    }

    // drain --grace-period 2 (the eviction's DeleteOptions.gracePeriodSeconds): the web API's
    // 10 s preStop is cut at 2 s, SIGTERM then, SIGKILL 2 s later at the earliest
    // (kuberuntime's minimumGracePeriodInSeconds) — gone at 4 s instead of 13 s.
    func testDrainGracePeriod() throws {
        XCTAssertEqual(try rollout("cluster", "init", "--profile", "bare", "--nodes", "2").status, 0)
        XCTAssertEqual(try rollout("apply", "-f", "examples/manifests/web-api.yaml", "--wait").status, 0)
        var run = try rollout("plan", "--drain", "node-2")
        XCTAssertTrue(run.stdout.hasPrefix("drain node/node-2: drained in 13s\n"), run.stdout)
        run = try rollout("plan", "--drain", "node-2", "--grace-period", "2")
        XCTAssertTrue(run.stdout.hasPrefix("drain node/node-2: drained in 4s\n"), run.stdout)
        XCTAssertEqual(try rollout("drain", "node-2", "--grace-period", "soon").status, 2)
    }
}

import Foundation
import XCTest

/// `rollout plan`: predictions on a copy of the state, which stays byte-identical; exit codes
/// for `--fail-on`; the JSON fields CI reads.
final class PlanTests: XCTestCase {
    var state = ""

    override func setUpWithError() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: RolloutRun.binary.path), "rollout binary not built")
        state = try temporaryDirectory(self).appendingPathComponent("s").path
    }

    func rollout(_ args: String...) throws -> RolloutRun { try RolloutRun.run(args + ["--state", state]) }

    /// Every file of the state directory with its bytes.
    func snapshot() throws -> [String: Data] {
        var files: [String: Data] = [:]
        let root = URL(fileURLWithPath: state)
        guard let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { return files }
        for case let url as URL in enumerator {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[url.path] = try Data(contentsOf: url)
            }
        }
        return files
    }

    // `plan -o markdown` for $GITHUB_STEP_SUMMARY: the same facts as the text, the verdict first,
    // the diff folded; the exit code does not depend on the format.
    func testPlanAsMarkdown() throws {
        XCTAssertEqual(try rollout("apply", "-f", "examples/manifests/", "-f", "examples/unsafe/", "--wait").status, 0)
        let before = try snapshot()
        let run = try rollout("plan", "-f", "examples/releases/naive-api-2.yaml", "-o", "markdown", "--fail-on", "downtime")
        XCTAssertEqual(run.status, 1)
        try assertGolden(run.stdout, "plan/naive-api-2.md")
        XCTAssertTrue(run.stdout.hasPrefix("## rollout plan: downtime\n\n**Verdict: downtime** — service/naive-api: 49 of 110 requests failed\n"))
        XCTAssertTrue(run.stdout.contains("| naive-api | complete | 6s | 1 | 0 | 6 | 3 of 3 |"))
        XCTAssertTrue(run.stdout.contains("at `examples/releases/naive-api-2.yaml:15:9`"))
        XCTAssertTrue(run.stdout.contains("<details><summary>Diff (1 object)</summary>\n\n```diff\n"))
        XCTAssertTrue(run.stdout.contains("-      - image: naive-api:1\n+      - image: naive-api:2\n") || run.stdout.contains("-      - image: naive-api:1\n+      - image: naive-api:2"))
        XCTAssertEqual(try snapshot(), before, "the state is untouched")
        XCTAssertEqual(try rollout("plan", "-f", "examples/releases/naive-api-2.yaml", "-o", "html").status, 2)
    }

    func testPlanPredictsAndChangesNothing() throws {
        XCTAssertEqual(try rollout("apply", "-f", "examples/manifests/", "--wait").status, 0)
        XCTAssertEqual(try rollout("apply", "-f", "examples/unsafe/", "--wait").status, 0)
        let before = try snapshot()
        var run = try rollout("plan", "-f", "examples/releases/web-api-1.5.0.yaml", "--fail-on", "downtime", "--fail-on", "hazard")
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        try assertGolden(run.stdout, "plan/web-api-1.5.0.txt")
        let unsafe = try temporaryDirectory(self).appendingPathComponent("naive-v2.yaml")
        try String(contentsOfFile: "examples/unsafe/naive-api.yaml", encoding: .utf8).replacingOccurrences(of: "naive-api:1", with: "naive-api:2")
            .write(to: unsafe, atomically: true, encoding: .utf8)
        run = try rollout("plan", "-f", unsafe.path, "--fail-on", "downtime", "-o", "json")
        XCTAssertEqual(run.status, 1, "requests would fail")
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let deployment = try XCTUnwrap((json["deployments"] as? [[String: Any]])?.first)
        XCTAssertEqual(deployment["name"] as? String, "naive-api")
        XCTAssertEqual(deployment["namespace"] as? String, "default")
        XCTAssertEqual(deployment["maxSurge"] as? Int, 1)
        XCTAssertEqual(deployment["maxUnavailable"] as? Int, 0)
        XCTAssertEqual(deployment["outcome"] as? String, "complete")
        XCTAssertNotNil(deployment["durationSeconds"])
        XCTAssertNotNil(deployment["maxPods"])
        XCTAssertNotNil(deployment["minAvailable"])
        let service = try XCTUnwrap((json["services"] as? [[String: Any]])?.first)
        XCTAssertEqual(service["name"] as? String, "naive-api")
        // As TrafficTests.testUnsafeRolloutDropsRequestsForFiveSeconds: 11 s of requests, 89
        // lost here (which requests meet a pod past SIGTERM depends on the round robin's order,
        // the pods' addresses in byte order).
        XCTAssertEqual(service["requests"] as? Int, 110)
        XCTAssertEqual(service["failed"] as? Int, 89)
        let codes = (json["hazards"] as? [[String: Any]])?.compactMap { $0["code"] as? String } ?? []
        XCTAssertEqual(Set(codes), ["no-readiness-probe", "no-prestop-delay", "no-resource-requests"])
        XCTAssertEqual(try rollout("plan", "-f", unsafe.path, "--fail-on", "hazard").status, 3, "a hazard, told apart from downtime")
        XCTAssertEqual(try rollout("plan", "-f", unsafe.path, "--fail-on", "hazard,downtime").status, 1, "downtime wins")
        XCTAssertEqual(try rollout("plan", "-f", unsafe.path).status, 0, "without --fail-on, a plan only reports")
        // A broken release: the predicted outcome, and still nothing changed.
        run = try rollout("plan", "-f", "examples/releases/web-api-1.6.0-rc1-broken.yaml", "-o", "json", "--fail-on", "downtime")
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.stdout.contains("\"outcome\": \"failed: ProgressDeadlineExceeded\""), run.stdout)
        XCTAssertEqual(try rollout("plan", "-f", unsafe.path, "--fail-on", "never").status, 2)
        XCTAssertEqual(try snapshot(), before, "plan leaves the state byte-identical")
    }

    func testSurgeWithoutCapacityIsAHazard() throws {
        let dir = try temporaryDirectory(self)
        let manifest = { (image: String) in """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: big}
        spec:
          replicas: 3
          progressDeadlineSeconds: 60
          selector: {matchLabels: {app: big}}
          strategy: {rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}
          template:
            metadata: {labels: {app: big}}
            spec:
              containers:
              - name: app
                image: \(image)
                resources: {requests: {cpu: "1", memory: 1Gi}}
                readinessProbe: {httpGet: {path: /, port: 80}}
                lifecycle: {preStop: {sleep: {seconds: 5}}}
        """ }
        let v1 = dir.appendingPathComponent("v1.yaml"), v2 = dir.appendingPathComponent("v2.yaml")
        try manifest("big:1").write(to: v1, atomically: true, encoding: .utf8)
        try manifest("big:2").write(to: v2, atomically: true, encoding: .utf8)
        // 3.2 CPUs: the k3s add-ons request 200m (CoreDNS and metrics-server), the three
        // replicas the other 3; the surge pod fits nowhere.
        XCTAssertEqual(try rollout("cluster", "init", "--cpu", "3200m").status, 0)
        XCTAssertEqual(try rollout("apply", "-f", v1.path, "--wait").status, 0)
        let run = try rollout("plan", "-f", v2.path, "--fail-on", "hazard")
        XCTAssertEqual(run.status, 3)
        XCTAssertTrue(run.stdout.contains("deployment.apps/big: failed: ProgressDeadlineExceeded in 61s"), run.stdout)
        XCTAssertTrue(run.stdout.contains("error[insufficient-capacity] deployment.apps/big: spec.template.spec.containers[0].resources.requests: 1 pod could not be scheduled during the rollout: 0/1 nodes are available: 1 Insufficient cpu."), run.stdout)
    }

    // Required anti-affinity by hostname, three replicas on three nodes, maxSurge 1 and
    // maxUnavailable 0: the surge pod fits nowhere (InterPodAffinity), no old pod may go, and the
    // rollout fails at its progress deadline (60 s + the controller's look just after). The plan
    // names the cause and its field.
    func testPlanFindsTheAntiAffinityDeadlock() throws {
        let v1 = try String(contentsOfFile: "Tests/RolloutCoreTests/Fixtures/scheduling/anti-affinity.yaml", encoding: .utf8)
        let dir = try temporaryDirectory(self)
        let v2 = dir.appendingPathComponent("v2.yaml")
        try v1.replacingOccurrences(of: "web:1", with: "web:2").write(to: v2, atomically: true, encoding: .utf8)
        XCTAssertEqual(try rollout("cluster", "init", "--nodes", "3").status, 0)
        XCTAssertEqual(try rollout("apply", "-f", "Tests/RolloutCoreTests/Fixtures/scheduling/anti-affinity.yaml", "--wait").status, 0)
        let run = try rollout("plan", "-f", v2.path, "--fail-on", "downtime")
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.stdout.contains("deployment.apps/web: failed: ProgressDeadlineExceeded in 61s"), run.stdout)
        XCTAssertTrue(run.stdout.contains("v2.yaml:14:11: error[anti-affinity-deadlock] deployment.apps/web: spec.template.spec.affinity.podAntiAffinity: 1 pod could not be scheduled during the rollout: 0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules."), run.stdout)
    }

    /// `missing-crd`: a custom resource kubectl cannot map on the cluster planned against
    /// (`no matches for kind … ensure CRDs are installed first`), in its three shapes — no
    /// definition anywhere, the definition only in the same manifests (kubectl maps every object
    /// before it applies any: `ApplyOptions.GetObjects`), the cluster's definition serving other
    /// versions — and none once the cluster has it. The verdict is `hazard`; `--fail-on hazard`
    /// fails the job (exit 3).
    func testPlanSaysACustomResourceTheClusterCannotTake() throws {
        XCTAssertEqual(try rollout("cluster", "init", "--nodes", "1").status, 0)
        let dir = try temporaryDirectory(self)
        func write(_ name: String, _ text: String) throws -> String {
            let url = dir.appendingPathComponent(name)
            try text.write(to: url, atomically: true, encoding: .utf8)
            return url.path
        }
        let definition = """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: widgets.example.com}
            spec:
              group: example.com
              names: {kind: Widget, plural: widgets, singular: widget}
              scope: Namespaced
              versions:
              - {name: v1beta1, served: false, storage: false, schema: {openAPIV3Schema: {type: object}}}
              - {name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}}

            """
        let widget = "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: 3}\n"
        let alone = try write("widget.yaml", widget)
        let together = try write("both.yaml", definition + "---\n" + widget)
        let older = try write("older.yaml", widget.replacingOccurrences(of: "example.com/v1", with: "example.com/v1beta1"))

        var run = try rollout("plan", "-f", alone, "--fail-on", "hazard")
        XCTAssertEqual(run.status, 3, run.stdout)
        XCTAssertTrue(run.stdout.contains("widget.yaml:1:13: error[missing-crd] widget.example.com/w: apiVersion: no CustomResourceDefinition in the cluster or these manifests serves Widget at example.com/v1: kubectl apply fails for it (no matches for kind \"Widget\" in version \"example.com/v1\" / ensure CRDs are installed first)\n"), run.stdout)
        XCTAssertTrue(run.stdout.hasSuffix("verdict: hazard (widget.example.com/w: missing-crd)\n"), run.stdout)
        run = try rollout("plan", "-f", together)
        XCTAssertTrue(run.stdout.contains("both.yaml:12:13: error[missing-crd] widget.example.com/w: apiVersion: its CustomResourceDefinition widgets.example.com is in these manifests but not yet in the cluster: kubectl maps every object before it applies any"), run.stdout)

        XCTAssertEqual(try rollout("apply", "-f", try write("crd.yaml", definition)).status, 0)
        run = try rollout("plan", "-f", alone, "--fail-on", "hazard")
        XCTAssertEqual(run.status, 0, run.stdout)
        XCTAssertFalse(run.stdout.contains("missing-crd"), run.stdout)
        run = try rollout("plan", "-f", older)
        XCTAssertTrue(run.stdout.contains("error[missing-crd] widget.example.com/w: apiVersion: the cluster's CustomResourceDefinition widgets.example.com serves Widget at v1, not v1beta1"), run.stdout)
        // A kind the API server serves itself needs no definition (a Lease here).
        let lease = try write("lease.yaml", "apiVersion: coordination.k8s.io/v1\nkind: Lease\nmetadata: {name: leader}\nspec: {holderIdentity: a}\n")
        run = try rollout("plan", "-f", lease)
        XCTAssertFalse(run.stdout.contains("missing-crd"), run.stdout)
    }

    /// The commands of the README's "Will my deploy drop traffic?" (the k3s story): their exit
    /// codes and verdicts, and its pictures, which are what `plan --svg` draws (regenerate with
    /// UPDATE_GOLDEN=1). The blocks themselves are checked, in order, by ReadmeConsoleTests.
    func testReadmeStory() throws {
        var run = try RolloutRun.run(["lint", "-f", "examples/unsafe/"])
        XCTAssertEqual(run.status, 1)
        XCTAssertEqual(try rollout("apply", "-f", "examples/manifests/", "-f", "examples/unsafe/", "--wait").status, 0)
        run = try rollout("plan", "-f", "examples/releases/naive-api-2.yaml", "--fail-on", "downtime")
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.stdout.contains("service/naive-api: 110 requests at 10/s, 49 failed\n"), run.stdout)
        run = try rollout("plan", "-f", "examples/releases/web-api-1.5.0.yaml", "--fail-on", "downtime")
        XCTAssertEqual(run.status, 0)
        XCTAssertTrue(run.stdout.hasSuffix("service/web-api: 350 requests at 10/s, 0 failed\ningress/web-api api.example.com/: 350 requests at 10/s, 0 failed\n\nno hazards found\n\nverdict: safe\n"), run.stdout)
        // The pictures.
        let dir = try temporaryDirectory(self)
        for (release, picture) in [("naive-api-2", "naive-api-rollout"), ("web-api-1.5.0", "web-api-rollout")] {
            let svg = dir.appendingPathComponent("\(picture).svg").path
            XCTAssertEqual(try rollout("plan", "-f", "examples/releases/\(release).yaml", "--svg", svg).status, 0)
            let drawn = try String(contentsOfFile: svg, encoding: .utf8)
            let shown = Corpus.packageRoot.appendingPathComponent("docs/\(picture).svg")
            if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] != nil { try drawn.write(to: shown, atomically: true, encoding: .utf8) }
            XCTAssertEqual(drawn, try String(contentsOf: shown, encoding: .utf8), "docs/\(picture).svg is not what plan --svg draws now")
        }
        // The k3s trap: the web API's LoadBalancer moved to port 80, which Traefik holds.
        let port80 = "examples/releases/web-api-port-80.yaml"
        run = try rollout("lint", "-f", port80)
        XCTAssertEqual(run.status, 1)
        run = try rollout("plan", "-f", port80, "--fail-on", "downtime")
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.stdout.contains("error[load-balancer-pending]"), run.stdout)
        XCTAssertEqual(try rollout("plan", "-f", port80, "--fail-on", "hazard").status, 3, "only a hazard asked for: 3")
        run = try rollout("apply", "-f", port80, "--wait", "--fail-on", "downtime")
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(try rollout("get", "svc", "web-api").stdout.contains("<pending>"))
    }
}

import Foundation
import XCTest

/// Requests replayed through Services during rollouts (SPEC §5), with exact, deterministic
/// counts: the unsafe example drops every request for 5 s of each rollout; the safe one none.
final class TrafficTests: XCTestCase {
    var state = ""

    override func setUpWithError() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: RolloutRun.binary.path), "rollout binary not built")
        state = try temporaryDirectory(self).appendingPathComponent("s").path
    }

    func rollout(_ args: String...) throws -> RolloutRun { try RolloutRun.run(args + ["--state", state]) }

    func testUnsafeRolloutDropsRequestsForFiveSeconds() throws {
        let v1 = "examples/unsafe/naive-api.yaml"
        XCTAssertEqual(try rollout("apply", "-f", v1, "--wait").status, 0)
        let v2 = try temporaryDirectory(self).appendingPathComponent("v2.yaml")
        try String(contentsOfFile: v1, encoding: .utf8).replacingOccurrences(of: "naive-api:1", with: "naive-api:2").write(to: v2, atomically: true, encoding: .utf8)
        let run = try rollout("apply", "-f", v2.path, "--wait")
        XCTAssertEqual(run.status, 0, "kubectl would call it rolled out")
        // The v1 pods started at 4 s (first pull of the image, 3 s, then 1 s to start) and are
        // Ready at once without a readiness probe: the first apply returned at 5 s, when the
        // endpoints listed them, with 4 s of their 5 s warm-up left (t=0–3.9 s). v2's first pod
        // pulls and starts at 4 s, the next ones (image now on the node) at 5 s and 6 s; each
        // is Ready at once, so an old pod gets SIGTERM at each step while the endpoints still
        // list it for 1 s (of the requests of 4–6.9 s, those round robin sends to it: which
        // ones depends on the order of the endpoints, by pod IP: the add-ons hold 10.42.0.2–5,
        // v1 .6–.8, v2 .9–.11, and byte order puts .10 and .11 first), and each new pod gets
        // traffic 1 s after it started, during its warm-up (5–10.9 s).
        XCTAssertTrue(run.stdout.hasSuffix("""
        service/naive-api: 110 requests at 10/s, 91 failed
          t=0s–3.9s: 40 failed, pod still warming up
          t=4.2s–6.7s: 9 failed, pod past SIGTERM (shutting down)
          t=5s–10.9s: 42 failed, pod still warming up

        """), run.stdout)
    }

    func testSafeRolloutDropsNothing() throws {
        _ = try rollout("apply", "-f", "examples/manifests/web-api.yaml", "--wait")
        let run = try rollout("apply", "-f", "examples/releases/web-api-1.5.0.yaml", "--wait")
        // Until the last old pod is gone: deleted at 21 s, it drains 10 s (preStop) + 3 s
        // (shutdown) and goes at 34 s — 35 s of requests, none lost.
        XCTAssertTrue(run.stdout.hasSuffix("service/web-api: 350 requests at 10/s, 0 failed\n"), run.stdout)
        let quiet = try rollout("apply", "-f", "examples/manifests/web-api.yaml", "--wait", "--traffic", "0")
        XCTAssertFalse(quiet.stdout.contains("requests"), quiet.stdout)
        XCTAssertEqual(try rollout("status", "deployment/web-api", "--traffic", "fast").status, 2)
    }

    func testRollbackOnFailure() throws {
        _ = try rollout("apply", "-f", "examples/manifests/web-api.yaml", "--wait")
        let run = try rollout("apply", "-f", "examples/releases/web-api-1.6.0-rc1-broken.yaml", "--wait", "--rollback-on-failure")
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.stdout.contains("error: deployment \"web-api\" exceeded its progress deadline\nrolling back deployment \"web-api\" to revision 1\n"), run.stdout)
        XCTAssertTrue(run.stdout.contains("deployment \"web-api\" successfully rolled out\n"), run.stdout)
        XCTAssertEqual(run.stderr, "error: rollout failed; rolled back deployment.apps/web-api\n")
        XCTAssertTrue(try rollout("get", "deploy", "web-api", "-o", "yaml").stdout.contains("image: ghcr.io/example/web-api:1.4.2"))
        XCTAssertTrue(try rollout("get", "deploy", "web-api").stdout.contains("3/3"))
    }
}

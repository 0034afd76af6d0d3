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
        // No readiness probe: the rollout finishes at once, every old pod gets SIGTERM while the
        // endpoints still list it for 1 s, then the new pods get traffic during their 5 s warm-up.
        XCTAssertTrue(run.stdout.hasSuffix("""
        service/naive-api: 50 requests at 10/s, 50 failed
          t=0s–0.9s: 10 failed, pod past SIGTERM (shutting down)
          t=1s–4.9s: 40 failed, pod still warming up

        """), run.stdout)
    }

    func testSafeRolloutDropsNothing() throws {
        _ = try rollout("apply", "-f", "examples/manifests/web-api.yaml", "--wait")
        let run = try rollout("apply", "-f", "examples/releases/web-api-1.5.0.yaml", "--wait")
        XCTAssertTrue(run.stdout.hasSuffix("service/web-api: 160 requests at 10/s, 0 failed\n"), run.stdout)
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

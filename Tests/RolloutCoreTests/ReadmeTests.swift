import Foundation
import XCTest

/// The README's "A zero-downtime deploy, in virtual time" is real output: its commands are run
/// here on a fresh state, and every block the README shows must be what they print now.
final class ReadmeTests: XCTestCase {
    var state = ""

    override func setUpWithError() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: RolloutRun.binary.path), "rollout binary not built")
        state = try temporaryDirectory(self, "rollout-readme").appendingPathComponent("state").path
    }

    func rollout(_ arguments: String...) throws -> String { try RolloutRun.run(arguments + ["--state", state]).stdout }

    /// "A first session", on a fresh (default: k3s) state.
    func testTheFirstSessionIsRealOutput() throws {
        let readme = try String(contentsOf: Corpus.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        for (output, what) in [(try rollout("apply", "-f", "examples/manifests/"), "apply"), (try rollout("get", "all"), "get all")] {
            XCTAssertTrue(readme.contains(String(output.dropLast())), "README does not show \(what) as it is now:\n\(output)")
        }
    }

    func testTheZeroDowntimeStoryIsRealOutput() throws {
        let readme = try String(contentsOf: Corpus.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        func assertShown(_ output: String, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
            let text = output.hasSuffix("\n") ? String(output.dropLast()) : output
            XCTAssertTrue(readme.contains(text), "README does not show \(what) as it is now:\n\(text)", file: file, line: line)
        }
        _ = try rollout("apply", "-f", "examples/manifests/", "--wait")
        let listing = try rollout("get", "pods,svc,ing").split(separator: "\n").map(String.init)
        XCTAssertTrue(listing.contains("pod/web-api-64f8779644-47xm5   1/1     Running   0          10s"), listing.joined(separator: "\n"))
        for row in listing where row.hasPrefix("NAME") || row.hasPrefix("pod/web-api-64f8779644-47xm5") || row.hasPrefix("service/") || row.hasPrefix("ingress") {
            assertShown(row, "get pods,svc,ing")
        }
        _ = try rollout("apply", "-f", "examples/releases/web-api-1.5.0.yaml")
        assertShown(try rollout("status", "deployment/web-api"), "status")
        assertShown(try rollout("timeline", "deployment/web-api"), "timeline")
        assertShown(try rollout("timeline", "deployment/web-api", "-o", "chart"), "timeline -o chart")
        _ = try rollout("apply", "-f", "examples/releases/web-api-1.6.0-rc1-broken.yaml")
        _ = try rollout("status", "deployment/web-api")
        assertShown(try rollout("get", "pods", "-l", "app=web-api"), "get pods -l app=web-api")
        _ = try rollout("undo", "deployment/web-api")
        _ = try rollout("status", "deployment/web-api")
        for arguments in [["history", "deployment/web-api"], ["history", "deployment/web-api", "-o", "wide"]] {
            let history = try RolloutRun.run(arguments + ["--state", state]).stdout.split(separator: "\n").dropFirst().joined(separator: "\n")
            assertShown(history, arguments.joined(separator: " "))
        }
    }

    /// "Will a node drain drop traffic?": a three-node k3s cluster, drains planned and run, a
    /// budget that blocks them, a node that dies — each block the README shows is what the
    /// commands print now, with their exit codes.
    func testTheNodeDrainStoryIsRealOutput() throws {
        let readme = try String(contentsOf: Corpus.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        func assertShown(_ output: String, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
            let text = output.hasSuffix("\n") ? String(output.dropLast()) : output
            XCTAssertTrue(readme.contains(text), "README does not show \(what) as it is now:\n\(text)", file: file, line: line)
        }
        func run(_ arguments: String...) throws -> RolloutRun { try RolloutRun.run(arguments + ["--state", state]) }
        XCTAssertEqual(try run("cluster", "init", "--nodes", "3", "--zones", "a,b,c").status, 0)
        XCTAssertEqual(try run("apply", "-f", "examples/manifests/", "--wait").status, 0)
        assertShown(try rollout("get", "pods", "-A", "-o", "wide"), "get pods -A -o wide")
        var result = try run("plan", "--drain", "node-2", "--delete-emptydir-data", "--fail-on", "downtime")
        XCTAssertEqual(result.status, 1)
        assertShown(result.stdout, "plan --drain node-2")
        XCTAssertTrue(result.stdout.contains("ingress/web-api api.example.com/: 140 requests at 10/s, 140 failed"), result.stdout)
        XCTAssertEqual(try run("scale", "deployment/traefik", "-n", "kube-system", "--replicas", "2").status, 0)
        XCTAssertEqual(try run("status", "deployment/traefik", "-n", "kube-system").status, 0)
        XCTAssertEqual(try run("apply", "-f", "examples/maintenance/web-api-pdb.yaml").status, 0)
        result = try run("plan", "--drain", "node-2", "--delete-emptydir-data")
        XCTAssertEqual(result.status, 0)
        assertShown(String(result.stdout[try XCTUnwrap(result.stdout.range(of: "service/traefik:")).lowerBound...]), "plan --drain with two Traefiks")
        result = try run("plan", "--drain", "node-2", "--delete-emptydir-data", "-f", "examples/maintenance/web-api-pdb-strict.yaml", "--fail-on", "downtime")
        XCTAssertEqual(result.status, 1)
        assertShown(result.stdout, "plan --drain with the strict budget")
        XCTAssertTrue(result.stdout.contains("verdict: blocked"), result.stdout)
        XCTAssertEqual(try run("apply", "-f", "examples/maintenance/web-api-pdb-strict.yaml").status, 0)
        result = try run("drain", "node-2", "--delete-emptydir-data", "--timeout", "30s")
        XCTAssertEqual(result.status, 1)
        for line in (result.stdout + result.stderr).split(separator: "\n") { assertShown(String(line), "drain --timeout 30s") }
        XCTAssertTrue(result.stderr.hasSuffix("error when evicting pods/\"web-api-64f8779644-pzlx4\" -n \"default\": global timeout reached: 30s\n"), result.stderr)
        XCTAssertEqual(try run("uncordon", "node-2").status, 0)
        XCTAssertEqual(try run("apply", "-f", "examples/maintenance/web-api-pdb.yaml").status, 0)
        result = try run("plan", "--fail-node", "node-3")
        XCTAssertEqual(result.status, 0)
        assertShown(result.stdout, "plan --fail-node node-3")
    }
}

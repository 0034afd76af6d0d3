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
        XCTAssertTrue(listing.contains("pod/web-api-64f8779644-47xm5   1/1       Running   0          10s"), listing.joined(separator: "\n"))
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
        let history = try rollout("history", "deployment/web-api").split(separator: "\n").dropFirst().joined(separator: "\n")
        assertShown(history, "history")
    }
}

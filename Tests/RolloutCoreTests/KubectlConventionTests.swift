import Foundation
import XCTest
@testable import RolloutCore

/// kubectl's habits on the command line (issue 13, point 3): global flags before the verb,
/// `version` and `--version`, `help COMMAND`, and cobra's "Did you mean this?" for a mistyped
/// verb or flag (`cobra/command.go` findSuggestions: within two edits, or a prefix).
final class KubectlConventionTests: XCTestCase {
    var state = ""

    override func setUpWithError() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: RolloutRun.binary.path), "rollout binary not built")
        state = try temporaryDirectory(self).appendingPathComponent("s").path
    }

    func testGlobalFlagsBeforeTheVerb() throws {
        XCTAssertEqual(try RolloutRun.run(["--state", state, "cluster", "init", "--profile", "bare"]).status, 0)
        let before = try RolloutRun.run(["--state=\(state)", "-n", "kube-system", "get", "ns"])
        XCTAssertEqual(before.status, 0, before.stderr)
        XCTAssertEqual(before.stdout, try RolloutRun.run(["get", "ns", "--state", state]).stdout)
        XCTAssertEqual(try RolloutRun.run(["--state", state, "--bogus", "get", "ns"]).status, 2, "an unknown flag before the verb is no verb")
    }

    func testVersionAndHelp() throws {
        XCTAssertEqual(try RolloutRun.run(["version"]).stdout, "Client Version: rollout v0.12.0\nServer Version: v1.32.0 (the embedded, simulated cluster)\n")
        XCTAssertEqual(try RolloutRun.run(["--version"]).stdout, "rollout version v0.12.0\n")
        XCTAssertEqual(try RolloutRun.run(["help", "drain"]).stdout, try RolloutRun.run(["drain", "--help"]).stdout)
        XCTAssertTrue(try RolloutRun.run(["help"]).stdout.hasPrefix("rollout: a kubectl-style rollout orchestrator"))
    }

    func testDidYouMean() throws {
        var run = try RolloutRun.run(["aply", "-f", "x.yaml"])
        XCTAssertEqual(run.status, 2)
        XCTAssertEqual(run.stderr, "error: unknown command \"aply\" for \"rollout\"\n\nDid you mean this?\n\tapply\n\nRun 'rollout --help' for usage.\n")
        run = try RolloutRun.run(["rollbak"])
        XCTAssertEqual(run.stderr, "error: unknown command \"rollbak\" for \"rollout\"\nRun 'rollout --help' for usage.\n", "nothing near: no suggestion")
        run = try RolloutRun.run(["scale", "deployment/web", "--replica", "2", "--state", state])
        XCTAssertEqual(run.status, 2)
        XCTAssertTrue(run.stderr.hasPrefix("error: unknown flag: --replica\n\nDid you mean this?\n\t--replicas\n"), run.stderr)
        XCTAssertEqual(Suggestions.near("stat", among: ["status", "set", "scale", "apply"]), ["status", "set"])
    }
}

import Foundation
import XCTest
@testable import RolloutCore

/// `get --field-selector`: the list's field selector as the API server reads it
/// (`fields.ParseSelector`; the fields each kind indexes, `AddFieldLabelConversionFunc`), its
/// refusals worded as kubectl's builder wraps them (`cli-runtime/pkg/resource/selector.go`
/// Selector.Visit: `Unable to find %q that match label selector %q, field selector %q: %v`) —
/// the same lines kubectl 1.32 prints against `rollout serve`.
final class GetFieldSelectorTests: XCTestCase {
    func testFieldSelectors() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: RolloutRun.binary.path), "rollout binary not built")
        let s = try Scratch(self)
        XCTAssertEqual(try s.run("cluster", "init", "--nodes", "2").status, 0)
        XCTAssertEqual(try s.run("apply", "-f", "examples/manifests/web-api.yaml", "--wait").status, 0)
        func names(_ arguments: String...) throws -> [String] {
            try RolloutRun.run(["get"] + arguments + ["-o", "name", "--state", s.state]).stdout.split(separator: "\n").map(String.init)
        }
        let pods = try names("pods")
        XCTAssertEqual(pods.count, 3)
        XCTAssertEqual(try names("pods", "--field-selector", "status.phase=Running"), pods)
        XCTAssertEqual(try names("pods", "--field-selector", "status.phase==Running,metadata.name!=nothing"), pods)
        let none = try s.run("get", "pods", "--field-selector", "status.phase!=Running")
        XCTAssertEqual([none.stdout, none.stderr, String(none.status)], ["", "No resources found in default namespace.\n", "0"])
        // By node, across namespaces: the wide listing's NODE column says the same.
        let wide = try s.run("get", "pods", "-A", "-o", "wide", "--no-headers").stdout.split(separator: "\n")
        let onFirst = wide.filter { $0.split(separator: " ", omittingEmptySubsequences: true)[7] == "node-1" }
        XCTAssertEqual(try names("pods", "-A", "--field-selector", "spec.nodeName=node-1").count, onFirst.count)
        XCTAssertFalse(onFirst.isEmpty)
        XCTAssertTrue(try names("pods", "-A", "--field-selector", "metadata.namespace=kube-system").allSatisfy { !pods.contains($0) })
        // Events, stored and derived, by the object they are about.
        let events = try s.run("get", "events", "--field-selector", "involvedObject.kind=Deployment", "--no-headers").stdout.split(separator: "\n")
        XCTAssertFalse(events.isEmpty)
        XCTAssertTrue(events.allSatisfy { $0.contains(" deployment/web-api ") }, events.joined(separator: "\n"))
        // The API server's refusals, as kubectl words them; exit 1, nothing listed.
        let cases: [(arguments: [String], stderr: String)] = [
            (["pods", "--field-selector", "foo=bar"],
             #"Error from server (BadRequest): Unable to find "/v1, Resource=pods" that match label selector "", field selector "foo=bar": field label not supported: foo"#),
            (["pods", "--field-selector", "foo"],
             #"Error from server (BadRequest): Unable to find "/v1, Resource=pods" that match label selector "", field selector "foo": invalid selector: 'foo'; can't understand 'foo'"#),
            (["deploy", "-l", "app=web-api", "--field-selector", "status.replicas=3"],
             #"Error from server (BadRequest): Unable to find "apps/v1, Resource=deployments" that match label selector "app=web-api", field selector "status.replicas=3": field label not supported: status.replicas"#),
        ]
        for c in cases {
            let run = try RolloutRun.run(["get"] + c.arguments + ["--state", s.state])
            XCTAssertEqual([run.stdout, run.stderr, String(run.status)], ["", c.stderr + "\n", "1"], c.arguments.joined(separator: " "))
            let watched = try RolloutRun.run(["get"] + c.arguments + ["-w", "--state", s.state])
            XCTAssertEqual([watched.stdout, watched.stderr, String(watched.status)], ["", c.stderr + "\n", "1"], "-w " + c.arguments.joined(separator: " "))
        }
    }

    /// A watch with a field selector: an object is ADDED once it matches (the API server's
    /// filtered watch), here each pod once its phase is Running — pulled (3 s) and started
    /// (1 s) — and MODIFIED while it still matches (ready at 9 s).
    func testAWatchWithAFieldSelector() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: RolloutRun.binary.path), "rollout binary not built")
        let s = try Scratch(self)
        XCTAssertEqual(try s.run("cluster", "init").status, 0)
        XCTAssertEqual(try s.run("apply", "-f", "examples/manifests/web-api.yaml").status, 0)
        let run = try s.run("get", "pods", "-w", "--field-selector", "status.phase=Running", "--output-watch-events", "--timeout", "30s")
        XCTAssertEqual(run.status, 0, run.stderr)
        let lines = run.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true) }
        XCTAssertEqual(lines.map { String($0[0]) }, ["EVENT", "ADDED", "ADDED", "ADDED", "MODIFIED", "MODIFIED", "MODIFIED"], run.stdout)
        XCTAssertEqual(lines.dropFirst().map { "\($0[2]) \($0[3]) \($0[5])" }, ["0/1 Running 4s", "0/1 Running 4s", "0/1 Running 4s", "1/1 Running 9s", "1/1 Running 9s", "1/1 Running 9s"])
    }
}

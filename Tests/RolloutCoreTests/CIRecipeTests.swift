import Foundation
import XCTest

/// `examples/ci/rollout-gate.sh` as a pipeline runs it: in a git repository whose base
/// revision holds the web API, a safe change (a new image) passes with exit 0, an unsafe one
/// (the web API without its readiness probe and preStop) fails with 1 — downtime — and the
/// Markdown summary says why, in `$GITHUB_STEP_SUMMARY` too. Also `plan --baseline-state`.
final class CIRecipeTests: XCTestCase {
    var repository = URL(fileURLWithPath: "/")

    override func setUpWithError() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: RolloutRun.binary.path), "rollout binary not built")
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: "/usr/bin/git"), "git absent")
        repository = try temporaryDirectory(self, "rollout-ci")
    }

    @discardableResult
    func shell(_ script: String, environment: [String: String] = [:]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", script]
        process.currentDirectoryURL = repository
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, stdout, stderr)
    }

    func testTheGateOnASafeAndAnUnsafeChange() throws {
        let root = Corpus.packageRoot.path
        let gate = root + "/examples/ci/rollout-gate.sh"
        XCTAssertEqual(try shell("""
        set -e
        git init -q -b main . && git config user.email ci@example.com && git config user.name ci
        mkdir k8s && cp "\(root)/examples/manifests/web-api.yaml" k8s/
        git add k8s && git commit -qm base
        """).status, 0)
        let summaryPath = repository.appendingPathComponent("step-summary.md").path
        let environment = ["ROLLOUT": RolloutRun.binary.path, "GITHUB_STEP_SUMMARY": summaryPath]
        // A new image: rolled out with the readiness probe and preStop, nothing lost.
        try shell("sed -i 's/web-api:1.4.2/web-api:1.5.0/' k8s/web-api.yaml")
        var run = try shell("\(gate) k8s main", environment: environment)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stderr.contains("baseline: main: 2 objects applied and rolled out on a fresh cluster"), run.stderr)
        XCTAssertTrue(run.stderr.hasSuffix("rollout-gate: safe\n"), run.stderr)
        var summary = try String(contentsOfFile: repository.appendingPathComponent("rollout-summary.md").path, encoding: .utf8)
        XCTAssertTrue(summary.hasPrefix("## rollout plan: safe\n"), summary)
        XCTAssertTrue(summary.contains("| `service/web-api` | 350 | 0 |"), summary)
        XCTAssertTrue(summary.contains("-        image: ghcr.io/example/web-api:1.4.2\n+        image: ghcr.io/example/web-api:1.5.0\n"), summary)
        // The README's "Use it in CI" shows this report, up to its folded diff.
        let readme = try String(contentsOf: Corpus.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let shown = String(summary[..<(summary.range(of: "<details>")?.lowerBound ?? summary.endIndex)]).trimmingCharacters(in: .newlines)
        XCTAssertTrue(readme.contains("```markdown\n" + shown + "\n```"), "README does not show the gate's report as it is now:\n" + shown)
        // The same app without its probe and preStop hook: requests fail.
        try shell("git checkout -q k8s && sed -i 's/web-api:1.4.2/web-api:1.5.0/; /readinessProbe:/,/failureThreshold: 3/d; /lifecycle:/,/sleep 10/d' k8s/web-api.yaml")
        run = try shell("\(gate) k8s main", environment: environment)
        XCTAssertEqual(run.status, 1, run.stdout + run.stderr)
        XCTAssertTrue(run.stderr.hasSuffix("rollout-gate: requests or a rollout would fail (see rollout-summary.md)\n"), run.stderr)
        summary = try String(contentsOfFile: repository.appendingPathComponent("rollout-summary.md").path, encoding: .utf8)
        XCTAssertTrue(summary.hasPrefix("## rollout plan: downtime\n"), summary)
        XCTAssertTrue(summary.contains("`no-readiness-probe`"), summary)
        XCTAssertTrue(summary.contains("k8s/web-api.yaml:"), summary)
        let step = try String(contentsOfFile: summaryPath, encoding: .utf8)
        XCTAssertTrue(step.contains("## rollout plan: safe") && step.contains("## rollout plan: downtime"), "both runs appended to the step summary")
        // A revision git does not know is bad input.
        XCTAssertEqual(try shell("\(gate) k8s no-such-branch", environment: environment).status, 1)
    }

    /// The gate against production: a `kubectl get … -A -o yaml` dump (here printed by
    /// `rollout get` from a cluster the app runs on) given as ROLLOUT_BASELINE_DUMP is imported
    /// and planned against; the plan is the same as against the cluster it was dumped from.
    func testTheGateAgainstAProductionDump() throws {
        let root = Corpus.packageRoot.path
        let production = repository.appendingPathComponent("production").path
        XCTAssertEqual(try RolloutRun.run(["apply", "-f", root + "/examples/manifests/web-api.yaml", "--wait", "--state", production]).status, 0)
        let dump = try RolloutRun.run(["get", "deploy,rs,pods,svc,endpoints,endpointslices,cm,secret,sa,ing,ingressclass,pdb,quota,limits,nodes,namespaces", "-A", "-o", "yaml", "--state", production])
        XCTAssertEqual(dump.status, 0, dump.stderr)
        try dump.stdout.write(to: repository.appendingPathComponent("production.yaml"), atomically: true, encoding: .utf8)
        try shell("mkdir k8s && sed 's/web-api:1.4.2/web-api:1.5.0/' \(root)/examples/manifests/web-api.yaml > k8s/web-api.yaml")
        let run = try shell("\(root)/examples/ci/rollout-gate.sh k8s", environment: ["ROLLOUT": RolloutRun.binary.path, "ROLLOUT_BASELINE_DUMP": "production.yaml"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stderr.hasPrefix("Cluster imported into "), run.stderr)
        let summary = try String(contentsOfFile: repository.appendingPathComponent("rollout-summary.md").path, encoding: .utf8)
        XCTAssertTrue(summary.hasPrefix("## rollout plan: safe\n"), summary)
        XCTAssertTrue(summary.contains("| `service/web-api` | 350 | 0 |"), summary)
        // Imported, the state plans exactly as the one it was dumped from.
        let imported = repository.appendingPathComponent("imported").path
        XCTAssertEqual(try RolloutRun.run(["cluster", "import", "-f", repository.appendingPathComponent("production.yaml").path, "--state", imported]).status, 0)
        let release = root + "/examples/releases/web-api-1.5.0.yaml"
        let fromImport = try RolloutRun.run(["plan", "-f", release, "--baseline-state", imported]).stdout
        XCTAssertEqual(fromImport, try RolloutRun.run(["plan", "-f", release, "--baseline-state", production]).stdout)
        XCTAssertTrue(fromImport.contains("verdict: safe"), fromImport)
    }

    func testPlanAgainstABaselineState() throws {
        let state = repository.appendingPathComponent("prod").path
        let root = Corpus.packageRoot.path
        XCTAssertEqual(try RolloutRun.run(["apply", "-f", root + "/examples/manifests/web-api.yaml", "--wait", "--state", state]).status, 0)
        func snapshot() throws -> [String: Data] {
            var files: [String: Data] = [:]
            for case let url as URL in FileManager.default.enumerator(at: URL(fileURLWithPath: state), includingPropertiesForKeys: nil) ?? FileManager.DirectoryEnumerator() {
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue { files[url.path] = try Data(contentsOf: url) }
            }
            return files
        }
        let before = try snapshot()
        let run = try RolloutRun.run(["plan", "-f", root + "/examples/releases/web-api-1.5.0.yaml", "--baseline-state", state, "--state", repository.appendingPathComponent("unused").path])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("service/web-api: 350 requests at 10/s, 0 failed"), run.stdout)
        XCTAssertEqual(try snapshot(), before, "the baseline state is left as it was")
        XCTAssertFalse(FileManager.default.fileExists(atPath: repository.appendingPathComponent("unused").path))
        XCTAssertEqual(try RolloutRun.run(["plan", "-f", root + "/examples/releases/web-api-1.5.0.yaml", "--baseline-state", repository.appendingPathComponent("none").path]).status, 2)
    }
}

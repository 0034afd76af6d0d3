import Foundation
import XCTest

/// `get pods` and `describe pod` for a pod with a regular init container, a native sidecar and
/// a crash-looping app, through the built binary: golden files, and — when kubectl is at hand —
/// the real kubectl's `describe pod` (kubectl-oracle) on the same objects.
final class PodPrinterTests: XCTestCase {
    var state = ""

    override func setUpWithError() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: RolloutRun.binary.path), "rollout binary not built")
        state = try temporaryDirectory(self, "rollout-pods").appendingPathComponent("state").path
    }

    @discardableResult
    func rollout(_ arguments: String...) throws -> RolloutRun { try RolloutRun.run(arguments + ["--state", state]) }

    /// migrate (pulled 3 s, started at 4, runs 2 s) is done at 6; proxy is pulled and starts at
    /// 10; app at 14. app exits 5 s after each start: 19 → restarted at once (20), 25 →
    /// CrashLoopBackOff 10 s → 36, 41 → 20 s → 62, 67 → 40 s → 108, 113 → back-off 80 s. At
    /// 120 s: 4 restarts, the last exit 7 s ago.
    func makeState() throws {
        XCTAssertEqual(try rollout("apply", "-f", "Tests/RolloutCoreTests/Fixtures/pods/multi-container.yaml").status, 0)
        XCTAssertEqual(try rollout("wait", "--for=condition=Progressing=False", "deployment/crash", "--timeout", "120s").status, 1)
    }

    func testGetAndDescribeAMultiContainerPod() throws {
        try makeState()
        let pods = try rollout("get", "pods")
        // READY counts the sidecar, which is ready: 1/2.
        XCTAssertTrue(pods.stdout.contains("1/2     CrashLoopBackOff   4 (7s ago)   2m"), pods.stdout)
        try assertGolden(try rollout("describe", "pods").stdout, "pods/describe-multi-container.txt")
    }

    func testDescribePodMatchesKubectl() throws {
        let oracle = Corpus.packageRoot.deletingLastPathComponent().appendingPathComponent("shared/tools/kubectl-oracle/oracle")
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/kubectl"), FileManager.default.isExecutableFile(atPath: oracle.path) else {
            print("SKIPPED: kubectl or kubectl-oracle absent; describe pod was not compared with kubectl")
            throw XCTSkip("kubectl absent")
        }
        try makeState()
        let process = Process()
        process.executableURL = oracle
        process.arguments = ["--rollout", RolloutRun.binary.path, "--state", state, "--", "describe", "pods"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let theirs = String(decoding: data, as: UTF8.self)
        XCTAssertEqual(process.terminationStatus, 0)
        // The oracle moves times to the wall clock (ages stay): compare without dates, and up
        // to the events, whose ages may differ by the second the oracle took.
        func comparable(_ text: String) -> String {
            let upToEvents = text.components(separatedBy: "\nEvents:").first ?? text
            return upToEvents.replacingOccurrences(of: #"[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000"#, with: "DATE", options: .regularExpression)
        }
        let ours = try rollout("describe", "pods").stdout
        XCTAssertEqual(comparable(ours), comparable(theirs))
        XCTAssertTrue(theirs.contains("Init Containers:"), theirs)
    }
}

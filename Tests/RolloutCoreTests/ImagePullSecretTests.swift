import Foundation
import XCTest

/// `getPullSecretsForPod` (`pkg/kubelet/kubelet_pods.go`): an image pull secret that does not
/// exist is skipped with the Warning `FailedToRetrieveImagePullSecret` — `Unable to retrieve
/// some image pull secrets (%s); attempting to pull the image may not succeed.`, the missing
/// names joined by ", " — and the pod starts (the pull is attempted without it); an entry with
/// no name is ignored, and a Secret that exists says nothing.
final class ImagePullSecretTests: XCTestCase {
    func testAMissingPullSecretIsAWarningNotAStall() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: RolloutRun.binary.path), "rollout binary not built")
        let s = try Scratch(self)
        XCTAssertEqual(try s.run("cluster", "init", "--nodes", "1").status, 0)
        let spec = "imagePullSecrets: [{name: regcred}, {name: present}, {name: mirror}, {name: \"\"}]\ncontainers: [{name: app, image: registry.example.com/app:1}]"
        let manifest = try s.write("""
            apiVersion: v1
            kind: Secret
            metadata: {name: present}
            type: kubernetes.io/dockerconfigjson
            data: {.dockerconfigjson: e30=}
            ---
            \(deploymentYAML("web", replicas: 1, spec: spec))
            """, "web.yaml")
        let run = try s.run("apply", "-f", manifest, "--wait", "--timeout", "60s")
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        let events = try s.run("events").stdout.split(separator: "\n").filter { $0.contains("FailedToRetrieveImagePullSecret") }
        XCTAssertEqual(events.count, 1, "\(events)")
        XCTAssertTrue(events.first?.hasSuffix("Unable to retrieve some image pull secrets (regcred, mirror); attempting to pull the image may not succeed.") ?? false, "\(events)")
        XCTAssertTrue(try s.run("events").stdout.contains("Pulling image \"registry.example.com/app:1\""))
    }
}

@testable import RolloutCore
import XCTest

/// An embedded template's metadata as the 1.32 API server encodes it (apimachinery v0.32.9
/// `pkg/apis/meta/v1/types.go`: `CreationTimestamp Time json:"creationTimestamp,omitempty"` — a
/// struct, which `omitempty` never leaves out, and `Time.MarshalJSON` writes the zero time as
/// `null`): `creationTimestamp: null` in every Deployment's, StatefulSet's (and its claim
/// templates'), CronJob's (both levels) template, as `kubectl get -o yaml` shows on a cluster.
final class WireFormTests: XCTestCase {
    func value(_ yaml: String) throws -> Value {
        try XCTUnwrap(try ManifestDecoder.decode([ManifestSource(name: "w", bytes: Array(yaml.utf8))]).documents.first?.value)
    }

    func testTemplatesCarryTheZeroCreationTime() throws {
        let deployment = WireForm.value(try value("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d, creationTimestamp: '2025-01-01T00:00:00Z'}\nspec: {template: {metadata: {labels: {app: d}}, spec: {}}}\n"))
        XCTAssertEqual(deployment.at("spec", "template", "metadata"), .object(Object(["labels": .object(Object(["app": .string("d")])), "creationTimestamp": .null])))
        XCTAssertEqual(deployment.at("metadata", "creationTimestamp"), .string("2025-01-01T00:00:00Z"), "the object's own time is its own")
        XCTAssertEqual(YAMLWriter.string(deployment).contains("  template:\n    metadata:\n      creationTimestamp: null\n      labels:\n"), true)
        let set = WireForm.value(try value("apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: s}\nspec: {template: {spec: {}}, volumeClaimTemplates: [{metadata: {name: data}}]}\n"))
        XCTAssertEqual(set.at("spec", "template", "metadata"), .object(Object(["creationTimestamp": .null])), "a template without metadata gets it")
        XCTAssertEqual(set.at("spec", "volumeClaimTemplates")?.arrayValue?.first?.at("metadata", "creationTimestamp"), .null)
        let cron = WireForm.value(try value("apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec: {jobTemplate: {spec: {template: {spec: {}}}}}\n"))
        XCTAssertEqual(cron.at("spec", "jobTemplate", "metadata", "creationTimestamp"), .null)
        XCTAssertEqual(cron.at("spec", "jobTemplate", "spec", "template", "metadata", "creationTimestamp"), .null)
        // A list's items; kinds with no template, and the Table and Status kinds, as they are.
        let list = WireForm.value(.object(Object(["kind": .string("DeploymentList"), "apiVersion": .string("apps/v1"), "items": .array([deployment])])))
        XCTAssertEqual(list.at("items")?.arrayValue?.first, deployment)
        let service = try value("apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {template: {}}\n")
        XCTAssertEqual(WireForm.value(service), service)
    }

    /// `get -o yaml` prints it; what is stored does not hold it (the template's hash and the
    /// comparison of templates never see it).
    func testGetPrintsItAndTheStateDoesNotHoldIt() throws {
        let dir = try temporaryDirectory(self)
        let state = dir.appendingPathComponent("state").path
        XCTAssertEqual(try RolloutRun.run(["--state", state, "cluster", "init", "--profile", "bare"]).status, 0)
        XCTAssertEqual(try RolloutRun.run(["--state", state, "apply", "-f", "examples/manifests/web-api.yaml"]).status, 0)
        let yaml = try RolloutRun.run(["--state", state, "get", "deploy", "web-api", "-o", "yaml"]).stdout
        XCTAssertTrue(yaml.contains("        rollout.sim/startup: 5s\n      creationTimestamp: null\n      labels:\n"), yaml)
        let json = try RolloutRun.run(["--state", state, "get", "deploy", "-o", "json"]).stdout
        XCTAssertTrue(json.contains("\"creationTimestamp\": null"), json)
        let store = try StateStore(directory: state, writable: false)
        defer { store.close() }
        let stored = try XCTUnwrap(try store.list(ResourceType.forObject(apiVersion: "apps/v1", kind: "Deployment")).first)
        XCTAssertNil(stored.value.at("spec", "template", "metadata", "creationTimestamp"))
    }
}

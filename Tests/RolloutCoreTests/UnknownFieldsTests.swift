@testable import RolloutCore
import Foundation
import XCTest

/// Fields a kind's API type has no place for. The API server's decoder reports each (apimachinery
/// `runtime/serializer/json`: `strict decoding error: unknown field "<path>"`); the request's
/// field validation decides (apiserver `handlers/create.go`, `patch.go`): Strict — kubectl apply's
/// and create's default `--validate=strict` — refuses the object, Warn (the server's default, as
/// kubectl diff's requests get) drops each with the warning `unknown field "<path>"`, Ignore drops
/// them silently.
final class UnknownFieldsTests: XCTestCase {
    func resource(_ yaml: String) throws -> Resource {
        Resource(try XCTUnwrap(try ManifestDecoder.decode([ManifestSource(name: "u", bytes: Array(yaml.utf8))]).documents.first?.value.objectValue))
    }

    static let manifest = """
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: web, lables: {app: web}}
    spec:
      replica: 2
      selector: {matchLabels: {app: web}}
      template:
        metadata: {labels: {app: web}}
        spec:
          containers:
          - name: app
            image: web
            imagePulPolicy: Always
            ImagePullPolicy: Always
            resources: {requests: {cpu: 100m}}
            readinessProbe: {httpGet: {path: /, port: 80, shceme: HTTP}}
          volumes:
          - name: data
            emptyDir: {}
            sizeLimit: 1Gi
      zzz: 1
    """

    func testEveryUnknownFieldIsFoundWithItsPathAndTheFieldMeant() throws {
        let found = UnknownFields.find(try resource(Self.manifest))
        XCTAssertEqual(found.map { "\($0.path)" }, [
            "metadata.lables", "spec.replica", "spec.template.spec.containers[0].imagePulPolicy", "spec.template.spec.containers[0].ImagePullPolicy",
            "spec.template.spec.containers[0].readinessProbe.httpGet.shceme", "spec.template.spec.volumes[0].sizeLimit", "spec.zzz",
        ])
        XCTAssertEqual(found.map(\.suggestion), ["labels", "replicas", "imagePullPolicy", "imagePullPolicy", "scheme", nil, nil])
        // Maps of free keys (labels, requests) and self-marshalling values (a Quantity, an
        // IntOrString port) have no fields to be unknown.
        var dropped = try resource(Self.manifest)
        UnknownFields.drop(&dropped)
        XCTAssertEqual(UnknownFields.find(dropped), [])
        XCTAssertNil(dropped.value.at("spec", "replica"))
        XCTAssertEqual(dropped.value.at("spec", "template", "spec", "containers")?.arrayValue?.first?.at("resources", "requests", "cpu"), .string("100m"))
        // A budget's misspelt minimum (which left it protecting nothing), an Ingress's rules.
        XCTAssertEqual(UnknownFields.find(try resource("apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: b}\nspec: {minAvailabe: 1}\n")),
                       [UnknownFields.Found(path: FieldPath("spec.minAvailabe"), suggestion: "minAvailable")])
        XCTAssertEqual(UnknownFields.find(try resource("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i}\nspec: {rulez: []}\n")).map(\.suggestion), ["rules"])
        // autoscaling/v2's type is known; v1's (another shape), and a kind of no table, keep what they are given.
        XCTAssertEqual(UnknownFields.find(try resource("apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\nspec: {targetCPUUtilizationPercentage: 50}\n")).count, 1)
        XCTAssertEqual(UnknownFields.find(try resource("apiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\nspec: {targetCPUUtilizationPercentage: 50}\n")), [])
        XCTAssertEqual(UnknownFields.find(try resource("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {anything: 1}\n")), [])
        XCTAssertEqual(UnknownFields.distance(Array("kitten".utf8), Array("sitting".utf8)), 3)
        // A hostile key (100,000 bytes, 2,000 of them) is no quadratic work: no field is near it.
        let long = String(repeating: "x", count: 100_000)
        let keys = (0..<2_000).map { "k\($0)\(long)" }
        let started = Date()
        XCTAssertTrue(keys.allSatisfy { UnknownFields.suggestion(for: $0, among: ["replicas", "selector", "template"]) == nil })
        XCTAssertLessThan(Date().timeIntervalSince(started), 10)
    }

    /// The served API on an update: what the live object holds of its own (imported from a newer
    /// cluster) is not the request's and stays; what the request brings is judged.
    func testAnUpdateKeepsTheLiveObjectsOwnUnknownFields() throws {
        let live = try resource("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 1, fromNewerCluster: true}\n")
        var scaled = try resource("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 2, fromNewerCluster: true}\n")
        XCTAssertEqual(try APIServer.decodeFields(&scaled, validation: "Strict", live: live), [])
        XCTAssertEqual(scaled.value.at("spec", "fromNewerCluster"), .bool(true))
        var typo = try resource("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replica: 2, fromNewerCluster: true}\n")
        XCTAssertThrowsError(try APIServer.decodeFields(&typo, validation: "Strict", live: live)) { error in
            XCTAssertEqual((error as? APIStatus)?.message, "Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: unknown field \"spec.replica\"")
        }
        var ignored = typo
        XCTAssertEqual(try APIServer.decodeFields(&ignored, validation: "Ignore", live: live), [], "Ignore: dropped without a warning")
        XCTAssertNil(ignored.value.at("spec", "replica"))
        XCTAssertEqual(try APIServer.decodeFields(&typo, validation: nil, live: live), ["unknown field \"spec.replica\""])
        XCTAssertNil(typo.value.at("spec", "replica"))
        XCTAssertEqual(typo.value.at("spec", "fromNewerCluster"), .bool(true))
    }

    func testValidateFlagStrictWarnAndIgnore() throws {
        let dir = try temporaryDirectory(self)
        let state = dir.appendingPathComponent("state").path
        let file = dir.appendingPathComponent("web.yaml").path
        let manifest = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers:
              - name: app
                image: web
                imagePulPolicy: Always
        """
        try manifest.write(toFile: file, atomically: true, encoding: .utf8)
        XCTAssertEqual(try RolloutRun.run(["--state", state, "cluster", "init", "--profile", "bare"]).status, 0)
        let strict = try RolloutRun.run(["--state", state, "apply", "-f", file])
        XCTAssertEqual(strict.status, 2)
        XCTAssertEqual(strict.stderr, "error: \(file): deployment.apps/web: spec.template.spec.containers[0].imagePulPolicy: strict decoding error: unknown field \"imagePulPolicy\", did you mean \"imagePullPolicy\"? (line 12, column 25)\n")
        XCTAssertEqual(try RolloutRun.run(["--state", state, "get", "deploy"]).stderr, "No resources found in default namespace.\n", "nothing applied")
        XCTAssertEqual(try RolloutRun.run(["--state", state, "lint", "-f", file]).status == 0, false, "lint refuses it too")
        let bad = try RolloutRun.run(["--state", state, "apply", "-f", file, "--validate=maybe"])
        XCTAssertEqual(bad.status, 2)
        XCTAssertEqual(bad.stderr, "error: invalid - validate option \"maybe\"; must be one of: strict (or true), warn, ignore (or false)\n")
        let warn = try RolloutRun.run(["--state", state, "apply", "-f", file, "--validate=warn"])
        XCTAssertEqual(warn.status, 0, warn.stderr)
        XCTAssertEqual(warn.stderr, "Warning: unknown field \"spec.template.spec.containers[0].imagePulPolicy\"\n")
        XCTAssertEqual(warn.stdout, "deployment.apps/web created\n")
        let stored = try RolloutRun.run(["--state", state, "get", "deploy", "web", "-o", "jsonpath={.spec.template.spec.containers[0]}"]).stdout
        XCTAssertFalse(stored.contains("imagePulPolicy"), stored)
        // kubectl diff's requests get the server's default, Warn: a warning, and no difference.
        let diff = try RolloutRun.run(["--state", state, "diff", "-f", file])
        XCTAssertEqual(diff.status, 0, diff.stdout)
        XCTAssertEqual(diff.stderr, "Warning: unknown field \"spec.template.spec.containers[0].imagePulPolicy\"\n")
        let version = { try RolloutRun.run(["--state", state, "get", "deploy", "web", "-o", "jsonpath={.metadata.resourceVersion}"]).stdout }
        let before = try version()
        let ignore = try RolloutRun.run(["--state", state, "apply", "-f", file, "--validate=false"])
        XCTAssertEqual(ignore.stderr, "")
        // kubectl sends the unknown field again in its patch, which is so not `{}`: it says
        // `configured`, though the server drops the field and nothing changes (`apply.go`
        // applyOneObject; kubectl 1.32 says the same through `rollout serve`).
        XCTAssertEqual(ignore.stdout, "deployment.apps/web configured\n")
        XCTAssertEqual(try version(), before, "nothing stored")
        XCTAssertFalse(before.isEmpty)
        // Deleting by file reads only the names.
        XCTAssertEqual(try RolloutRun.run(["--state", state, "delete", "-f", file]).stdout, "deployment.apps \"web\" deleted\n")
    }
}

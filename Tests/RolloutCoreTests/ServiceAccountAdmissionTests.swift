import Foundation
import XCTest
@testable import RolloutCore

/// The ServiceAccount admission plugin's lookup (`plugin/pkg/admission/serviceaccount/admission.go`
/// Admit and getServiceAccount: `error looking up service account %s/%s: %w`, the lister's
/// NotFound for `serviceaccount`), the v1 conversion of the deprecated `serviceAccount` field
/// (`Convert_v1_PodSpec_To_core_PodSpec`), and the controllers' retries of a refused pod.
final class ServiceAccountAdmissionTests: XCTestCase {
    private func account(_ name: String, _ namespace: String = "default") -> Resource {
        Resource(Object(["apiVersion": .string("v1"), "kind": .string("ServiceAccount"),
                         "metadata": .object(Object(["name": .string(name), "namespace": .string(namespace)]))]))
    }

    func testLookupTable() {
        let accounts = ServiceAccounts(stored: [account("runner"), account("other", "team")])
        func spec(_ fields: [String: String]) -> Object {
            var spec = Object(fields.map { Object.Member(key: $0.key, value: .string($0.value)) }.sorted { $0.key < $1.key })
            Defaults.podAdmission(&spec)
            return spec
        }
        let cases: [(String, [String: String], String, String?)] = [
            ("unset: default, which the controller makes in every namespace", [:], "default", nil),
            ("default named", ["serviceAccountName": "default"], "team", nil),
            ("stored", ["serviceAccountName": "runner"], "default", nil),
            ("stored in another namespace", ["serviceAccountName": "other"], "default",
             "error looking up service account default/other: serviceaccount \"other\" not found"),
            ("missing", ["serviceAccountName": "app"], "default", "error looking up service account default/app: serviceaccount \"app\" not found"),
            // The deprecated field names the account when serviceAccountName does not.
            ("deprecated field", ["serviceAccount": "app"], "default", "error looking up service account default/app: serviceaccount \"app\" not found"),
            ("both: serviceAccountName wins", ["serviceAccount": "app", "serviceAccountName": "runner"], "default", nil),
        ]
        for (name, fields, namespace, refusal) in cases {
            XCTAssertEqual(accounts.admit(spec(fields), namespace: namespace), refusal, name)
        }
        // A cluster holding no account at all (an import that left them out) is not checked.
        XCTAssertNil(ServiceAccounts(stored: []).admit(spec(["serviceAccountName": "app"]), namespace: "default"))
    }

    /// End to end: a Deployment naming an account nobody made creates no pod — FailedCreate
    /// with the generateName (a mutating plugin: the name is not generated yet), recorded at
    /// each of the ReplicaSet controller's rate-limited retries, counted by the recorder — lint
    /// against the cluster says so, a bare pod is refused by `apply`, and once the account is
    /// applied the pods come.
    func testAMissingServiceAccountStopsTheRollout() throws {
        let scratch = try Scratch(self)
        XCTAssertEqual(try scratch.run("cluster", "init", "--nodes", "2").status, 0)
        let app = try scratch.write(deploymentYAML("app", replicas: 2, spec: "serviceAccountName: app-runner\ncontainers: [{name: app, image: nginx:1.25}]"), "app.yaml")
        let lint = try scratch.run("lint", "-f", app)
        XCTAssertTrue(lint.stdout.contains("warning[missing-reference] deployment.apps/app: spec.template.spec.serviceAccountName: its pods need ServiceAccount \"app-runner\""), lint.stdout)
        let stalled = try scratch.run("apply", "-f", app, "--wait", "--timeout", "60s")
        XCTAssertEqual(stalled.status, 1)
        let hash = try XCTUnwrap(try scratch.run("get", "rs", "-o", "jsonpath={.items[0].metadata.name}").stdout.split(separator: "-").last)
        let events = try scratch.run("get", "events", "-o", "jsonpath={range .items[?(@.reason==\"FailedCreate\")]}{.count} {.message}{\"\\n\"}{end}").stdout
        let message = "Error creating: pods \"app-\(hash)-\" is forbidden: error looking up service account default/app-runner: serviceaccount \"app-runner\" not found"
        let line = try XCTUnwrap(events.split(separator: "\n").first { $0.hasSuffix(message) }, events)
        // Retried at 5 ms doubling (the first failure and the one its status update queues at
        // once, then 5, 25, 65 ms … 40.945 s after): 14 syncs in the first minute.
        XCTAssertEqual(line.split(separator: " ").first, "14")
        XCTAssertEqual(try scratch.run("get", "pods", "-l", "app=app", "-o", "name").stdout, "")
        let pod = try scratch.write("apiVersion: v1\nkind: Pod\nmetadata: {name: bare}\nspec:\n  serviceAccount: app-runner\n  containers: [{name: app, image: nginx}]\n", "pod.yaml")
        let refused = try scratch.run("apply", "-f", pod)
        XCTAssertEqual(refused.status, 2)
        XCTAssertTrue(refused.stderr.contains("pods \"bare\" is forbidden: error looking up service account default/app-runner: serviceaccount \"app-runner\" not found"), refused.stderr)
        XCTAssertEqual(try scratch.run("apply", "-f", try scratch.write("apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: app-runner}\n", "sa.yaml")).status, 0)
        XCTAssertEqual(try scratch.run("status", "deployment/app").status, 0)
        XCTAssertEqual(try scratch.run("get", "pods", "-l", "app=app", "-o", "jsonpath={range .items[*]}{.spec.serviceAccountName}{\"\\n\"}{end}").stdout, "app-runner\napp-runner\n")
        XCTAssertFalse(try scratch.run("lint", "-f", app).stdout.contains("missing-reference"))
    }
}

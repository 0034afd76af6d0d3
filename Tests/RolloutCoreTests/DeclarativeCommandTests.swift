import Foundation
import XCTest

/// End-to-end: the built binary against a temporary `--state`, for every verb of the
/// declarative core and every exit code (0 success, 1 failed/not found, 2 bad input).
final class DeclarativeCommandTests: XCTestCase {
    var state = ""
    var work: URL!

    override func setUpWithError() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: RolloutRun.binary.path), "rollout binary not built")
        work = try temporaryDirectory(self, "rollout-e2e")
        state = work.appendingPathComponent("state").path
    }

    @discardableResult
    func rollout(_ arguments: String..., stdin: String? = nil, environment: [String: String] = [:]) throws -> RolloutRun {
        try RolloutRun.run(arguments + ["--state", state], stdin: stdin, environment: environment)
    }

    func write(_ name: String, _ text: String) throws -> String {
        let url = work.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    static let web = """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
      labels: {app: web}
    spec:
      replicas: 2
      selector:
        matchLabels: {app: web}
      template:
        metadata:
          labels: {app: web}
        spec:
          containers:
          - name: web
            image: nginx:1.27
            env:
            - {name: MODE, value: fast}
            - {name: DEBUG, value: "1"}
    ---
    apiVersion: v1
    kind: Service
    metadata:
      name: web
      labels: {app: web}
    spec:
      selector: {app: web}
      ports:
      - port: 80
        targetPort: 8080

    """

    // MARK: apply

    func testApplyCreatesThenReportsUnchangedThenConfigured() throws {
        let path = try write("web.yaml", Self.web)
        var run = try rollout("apply", "-f", path)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.stdout, "deployment.apps/web created\nservice/web created\n")
        run = try rollout("apply", "-f", path)
        XCTAssertEqual(run.stdout, "deployment.apps/web unchanged\nservice/web unchanged\n")
        _ = try write("web.yaml", Self.web.replacingOccurrences(of: "nginx:1.27", with: "nginx:1.28"))
        run = try rollout("apply", "-f", path)
        XCTAssertEqual(run.stdout, "deployment.apps/web configured\nservice/web unchanged\n")
        run = try rollout("get", "deploy", "web", "-o", "json")
        XCTAssertTrue(run.stdout.contains("\"image\": \"nginx:1.28\""))
        XCTAssertTrue(run.stdout.contains("\"generation\": 2"), "a spec change bumps generation")
        XCTAssertTrue(run.stdout.contains("\"resourceVersion\": \""))
    }

    func testDryRunChangesNothing() throws {
        let path = try write("web.yaml", Self.web)
        var run = try rollout("apply", "-f", path, "--dry-run=client")
        XCTAssertEqual(run.stdout, "deployment.apps/web created (dry run)\nservice/web created (dry run)\n")
        run = try rollout("apply", "-f", path, "--dry-run=server")
        XCTAssertEqual(run.stdout, "deployment.apps/web created (server dry run)\nservice/web created (server dry run)\n")
        run = try rollout("get", "deploy")
        XCTAssertEqual(run.stdout, "")
        XCTAssertEqual(run.stderr, "No resources found in default namespace.\n")
        run = try rollout("apply", "-f", path, "--dry-run=maybe")
        XCTAssertEqual(run.status, 2)
    }

    func testThreeWayMergeRemovesDroppedFieldsAndKeepsClusterFields() throws {
        let path = try write("web.yaml", Self.web)
        try rollout("apply", "-f", path)
        let before = try rollout("get", "svc", "web", "-o", "json").stdout
        let clusterIP = before.components(separatedBy: "\"clusterIP\": \"").dropFirst().first?.prefix { $0 != "\"" }
        XCTAssertNotNil(clusterIP)
        // Drop the DEBUG variable and the replicas field; change the Service's target port.
        let edited = Self.web.replacingOccurrences(of: "        - {name: DEBUG, value: \"1\"}\n", with: "")
            .replacingOccurrences(of: "  replicas: 2\n", with: "")
            .replacingOccurrences(of: "targetPort: 8080", with: "targetPort: 9090")
        _ = try write("web.yaml", edited)
        let run = try rollout("apply", "-f", path)
        XCTAssertEqual(run.stdout, "deployment.apps/web configured\nservice/web configured\n")
        let deployment = try rollout("get", "deploy", "web", "-o", "yaml").stdout
        XCTAssertFalse(deployment.contains("DEBUG"), "a variable removed from the manifest is removed")
        XCTAssertTrue(deployment.contains("replicas: 1"), "a removed field falls back to its default")
        let service = try rollout("get", "svc", "web", "-o", "json").stdout
        XCTAssertTrue(service.contains("\"clusterIP\": \"\(clusterIP ?? "")\""), "the cluster-assigned IP is kept")
        XCTAssertTrue(service.contains("\"targetPort\": 9090"))
    }

    func testOneInvalidDocumentMeansNothingIsApplied() throws {
        let bad = Self.web + """
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: settings
        data:
          enabled: on

        """
        let path = try write("bad.yaml", bad)
        let run = try rollout("apply", "-f", path)
        XCTAssertEqual(run.status, 2)
        XCTAssertEqual(run.stdout, "")
        XCTAssertTrue(run.stderr.contains("bad.yaml: configmap/settings: data.enabled: expected a string, found boolean true (YAML 1.1 reads 'on' as a boolean; quote it: \"on\") (line 37, column 12)"), run.stderr)
        XCTAssertEqual(try rollout("get", "deploy", "-o", "name").stdout, "", "nothing was applied")
    }

    func testParseErrorIsExitTwoWithAPosition() throws {
        let path = try write("broken.yaml", "apiVersion: v1\nkind: [ConfigMap\n")
        let run = try rollout("apply", "-f", path)
        XCTAssertEqual(run.status, 2)
        XCTAssertTrue(run.stderr.hasPrefix("error: \(path):"), run.stderr)
    }

    func testImmutableSelectorIsRefused() throws {
        let path = try write("web.yaml", Self.web)
        try rollout("apply", "-f", path)
        _ = try write("web.yaml", Self.web.replacingOccurrences(of: "{app: web}", with: "{app: web2}"))
        let run = try rollout("apply", "-f", path)
        XCTAssertEqual(run.status, 2)
        XCTAssertTrue(run.stderr.contains("deployment.apps/web: spec.selector: Invalid value: \"app=web2\": field is immutable"), run.stderr)
    }

    func testMissingNamespaceIsNotFound() throws {
        let path = try write("ns.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: nowhere\n")
        let run = try rollout("apply", "-f", path)
        XCTAssertEqual(run.status, 1)
        XCTAssertEqual(run.stderr, "Error from server (NotFound): error when creating \"\(path)\": namespaces \"nowhere\" not found\n")
        let withNamespace = try write("ns2.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: nowhere\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: nowhere\n")
        XCTAssertEqual(try rollout("apply", "-f", withNamespace).stdout, "namespace/nowhere created\nconfigmap/c created\n")
        // (With the root CA publisher's, made as the namespace appeared.)
        XCTAssertEqual(try rollout("get", "cm", "-n", "nowhere", "-o", "name").stdout, "configmap/c\nconfigmap/kube-root-ca.crt\n")
    }

    func testPruneDeletesWhatTheManifestsNoLongerHold() throws {
        let path = try write("web.yaml", Self.web)
        try rollout("apply", "-f", path)
        var run = try rollout("apply", "-f", path, "--prune")
        XCTAssertEqual(run.status, 2, "prune without -l or --all is refused")
        let onlyDeployment = try write("only.yaml", Self.web.components(separatedBy: "---")[0])
        run = try rollout("apply", "-f", onlyDeployment, "--prune", "-l", "app=web")
        XCTAssertEqual(run.stdout, "deployment.apps/web unchanged\nservice/web pruned\n")
        // The API server's own Service stays: prune only touches what apply created.
        XCTAssertEqual(try rollout("get", "svc", "-o", "name").stdout, "service/kubernetes\n")
    }

    // MARK: get

    func testGetTablesAndFormats() throws {
        try rollout("apply", "-f", "examples/manifests/")
        try assertGolden(try rollout("get", "all").stdout, "commands/get-all.txt")
        try assertGolden(try rollout("get", "deploy,svc", "-o", "wide", "--show-labels").stdout, "commands/get-wide-labels.txt")
        try assertGolden(try rollout("get", "nodes,ns").stdout, "commands/get-nodes-namespaces.txt")
        XCTAssertEqual(try rollout("get", "deployments.apps/web-api", "-o", "name").stdout, "deployment.apps/web-api\n")
        XCTAssertEqual(try rollout("get", "po").stderr, "No resources found in default namespace.\n")
        XCTAssertEqual(try rollout("get", "deploy", "-l", "app=nothing").stderr, "No resources found in default namespace.\n")
        XCTAssertEqual(try rollout("get", "deploy", "-l", "app!=web-api", "-o", "name").stderr, "No resources found in default namespace.\n")
        // In the API's order, namespace then name: the k3s add-ons in kube-system come after.
        XCTAssertEqual(try rollout("get", "deploy", "-A", "-o", "name").stdout,
                       "deployment.apps/web-api\ndeployment.apps/coredns\ndeployment.apps/local-path-provisioner\ndeployment.apps/metrics-server\ndeployment.apps/traefik\n")
        XCTAssertEqual(try rollout("get", "deploy", "-l", "k8s-app=kube-dns", "-A", "-o", "name").stdout, "deployment.apps/coredns\n")
        XCTAssertTrue(try rollout("get", "deploy", "-A").stdout.hasPrefix("NAMESPACE     NAME      "))
        XCTAssertEqual(try rollout("get", "ing").stdout, """
        NAME      CLASS     HOSTS             ADDRESS   PORTS   AGE
        web-api   traefik   api.example.com             80      0s

        """)
        let list = try rollout("get", "deploy", "-o", "json").stdout
        XCTAssertTrue(list.hasPrefix("{\n    \"apiVersion\": \"v1\",\n    \"items\": ["), list)
        let yaml = try rollout("get", "deploy", "web-api", "-o", "yaml").stdout
        XCTAssertTrue(yaml.hasPrefix("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n"), yaml)
    }

    func testGetErrors() throws {
        var run = try rollout("get", "widgets")
        XCTAssertEqual(run.status, 1)
        XCTAssertEqual(run.stderr, "error: the server doesn't have a resource type \"widgets\"\n")
        run = try rollout("get", "deploy", "nope")
        XCTAssertEqual(run.status, 1)
        XCTAssertEqual(run.stderr, "Error from server (NotFound): deployments.apps \"nope\" not found\n")
        run = try rollout("get", "deploy", "-o", "xml")
        XCTAssertEqual(run.status, 2)
        run = try rollout("get", "deploy", "--bogus")
        XCTAssertEqual(run.status, 2)
        XCTAssertEqual(run.stderr, "error: unknown flag: --bogus\n")
        run = try rollout("get", "deploy", "-l", "a in (b")
        XCTAssertEqual(run.status, 2)
        run = try rollout("get")
        XCTAssertEqual(run.status, 2)
    }

    // MARK: describe

    func testDescribe() throws {
        try rollout("apply", "-f", "examples/manifests/")
        try assertGolden(try rollout("describe", "deployment", "web-api").stdout, "commands/describe-deployment.txt")
        try assertGolden(try rollout("describe", "svc/web-api").stdout, "commands/describe-service.txt")
        let run = try rollout("describe", "deploy", "nope")
        XCTAssertEqual(run.status, 1)
        XCTAssertEqual(run.stderr, "Error from server (NotFound): deployments.apps \"nope\" not found\n")
    }

    // MARK: delete

    func testDeleteByNameFileAndSelector() throws {
        let path = try write("web.yaml", Self.web)
        try rollout("apply", "-f", path)
        var run = try rollout("delete", "deploy", "web")
        XCTAssertEqual(run.stdout, "deployment.apps \"web\" deleted\n")
        run = try rollout("delete", "deploy", "web")
        XCTAssertEqual(run.status, 1)
        XCTAssertEqual(run.stderr, "Error from server (NotFound): deployments.apps \"web\" not found\n")
        XCTAssertEqual(try rollout("delete", "deploy", "web", "--ignore-not-found").status, 0)
        try rollout("apply", "-f", path)
        run = try rollout("delete", "-f", path, "--wait")
        XCTAssertEqual(run.stdout, "deployment.apps \"web\" deleted\nservice \"web\" deleted\n")
        try rollout("apply", "-f", path)
        run = try rollout("delete", "svc,deploy", "-l", "app=web")
        XCTAssertEqual(run.stdout, "service \"web\" deleted\ndeployment.apps \"web\" deleted\n")
        XCTAssertEqual(try rollout("delete", "deploy").status, 2, "a type without names, -l or --all is refused")
    }

    // MARK: diff

    func testDiffExitCodesAndOutput() throws {
        let path = try write("web.yaml", Self.web)
        var run = try rollout("diff", "-f", path)
        XCTAssertEqual(run.status, 1, "creating is a difference")
        XCTAssertTrue(run.stdout.hasPrefix("diff -u -N LIVE/apps.v1.Deployment.default.web MERGED/apps.v1.Deployment.default.web\n--- LIVE/apps.v1.Deployment.default.web\n+++ MERGED/apps.v1.Deployment.default.web\n@@ -0,0 +1,"), run.stdout)
        try rollout("apply", "-f", path)
        run = try rollout("diff", "-f", path)
        XCTAssertEqual(run.status, 0)
        XCTAssertEqual(run.stdout, "")
        _ = try write("web.yaml", Self.web.replacingOccurrences(of: "nginx:1.27", with: "nginx:1.28"))
        run = try rollout("diff", "-f", path)
        XCTAssertEqual(run.status, 1)
        try assertGolden(run.stdout.replacingOccurrences(of: work.path, with: "WORK"), "commands/diff-image.txt")
        XCTAssertEqual(try rollout("diff", "-f", try write("bad.yaml", "kind: [")).status, 2)
    }

    func testDiffMasksSecretsAndHonoursExternalDiff() throws {
        let secret = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  password: aHVudGVyMg==\n  user: YWRtaW4=\n"
        let path = try write("secret.yaml", secret)
        try rollout("apply", "-f", path)
        _ = try write("secret.yaml", secret.replacingOccurrences(of: "aHVudGVyMg==", with: "czNjcjN0"))
        var run = try rollout("diff", "-f", path)
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.stdout.contains("-  password: '*** (before)'\n+  password: '*** (after)'\n"), run.stdout)
        XCTAssertTrue(run.stdout.contains("   user: '***'\n"), run.stdout)
        XCTAssertFalse(run.stdout.contains("czNjcjN0") || run.stdout.contains("aHVudGVyMg=="))
        // The last-applied annotation would show the values: kubectl's masker hides them too.
        XCTAssertFalse(run.stdout.contains("hunter"))
        run = try rollout("diff", "-f", path, environment: ["KUBECTL_EXTERNAL_DIFF": "diff -r"])
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.stdout.contains("/LIVE/v1.Secret.default.db") || run.stdout.contains("diff -r"), run.stdout)
        run = try rollout("diff", "-f", path, environment: ["ROLLOUT_EXTERNAL_DIFF": "false"])
        XCTAssertEqual(run.status, 1, "the program's status passes through")
    }

    // MARK: cluster

    func testClusterInitAndInfo() throws {
        var run = try rollout("cluster", "info")
        XCTAssertEqual(run.status, 0)
        XCTAssertTrue(run.stdout.contains("Nodes: 1\n"), run.stdout)
        try rollout("apply", "-f", try write("web.yaml", Self.web))
        run = try rollout("cluster", "init", "--nodes", "3", "--cpu", "8", "--memory", "32Gi")
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(try rollout("get", "nodes", "-o", "name").stdout, "node/node-1\nnode/node-2\nnode/node-3\n")
        XCTAssertEqual(try rollout("get", "deploy", "-o", "name").stdout, "", "init erases the cluster")
        XCTAssertTrue(try rollout("get", "node", "node-2", "-o", "yaml").stdout.contains("memory: 32Gi"))
        XCTAssertEqual(try rollout("cluster", "init", "--nodes", "zero").status, 2)
        XCTAssertEqual(try rollout("cluster", "frobnicate").status, 2)
    }

    func testHelpForEveryVerb() throws {
        XCTAssertEqual(try RolloutRun.run(["render", "--help"]).status, 0)
        for verb in ["apply", "get", "describe", "delete", "diff", "cluster"] {
            let run = try rollout(verb, "--help")
            XCTAssertEqual(run.status, 0, verb)
            XCTAssertTrue(run.stdout.contains("Usage:\n  rollout \(verb)"), "\(verb): \(run.stdout)")
        }
        XCTAssertEqual(try rollout("frobnicate").status, 2)
    }
}

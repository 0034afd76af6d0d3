import Foundation
import XCTest
@testable import RolloutCore

/// A `rollout serve` process for a test: started on a free port, stopped with SIGTERM.
final class ServeProcess {
    let process = Process()
    let url: String
    let kubeconfig: String
    let stdout: URL
    let stderr: URL

    init(state: String, arguments: [String] = [], in test: XCTestCase) throws {
        let directory = try temporaryDirectory(test, "serve")
        kubeconfig = directory.appendingPathComponent("kubeconfig").path
        stdout = directory.appendingPathComponent("out")
        stderr = directory.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: stdout.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderr.path, contents: nil)
        process.executableURL = RolloutRun.binary
        process.arguments = ["serve", "--state", state, "--port", "0", "--kubeconfig-out", kubeconfig] + arguments
        process.standardOutput = try FileHandle(forWritingTo: stdout)
        process.standardError = try FileHandle(forWritingTo: stderr)
        try process.run()
        var found: String?
        for _ in 0..<200 {
            let text = (try? String(contentsOf: stdout, encoding: .utf8)) ?? ""
            if let range = text.range(of: #"http://127\.0\.0\.1:[0-9]+"#, options: .regularExpression) {
                found = String(text[range])
                break
            }
            if !process.isRunning { break }
            usleep(50_000)
        }
        guard let found else {
            process.terminate()
            throw NSError(domain: "serve", code: 1, userInfo: [NSLocalizedDescriptionKey: "rollout serve did not start: " + ((try? String(contentsOf: stderr, encoding: .utf8)) ?? "")])
        }
        url = found
        let process = self.process
        test.addTeardownBlock { if process.isRunning { process.terminate(); process.waitUntilExit() } }
    }

    /// SIGTERM, then its exit status and output.
    func stop() -> (status: Int32, stdout: String) {
        process.terminate()
        process.waitUntilExit()
        return (process.terminationStatus, (try? String(contentsOf: stdout, encoding: .utf8)) ?? "")
    }

    var log: String { (try? String(contentsOf: stderr, encoding: .utf8)) ?? "" }

    /// Bytes sent on a fresh connection, and what came back before the server closed it or
    /// `timeout` passed.
    /// A connected socket (-1 if the connection failed).
    func connection() -> Int32 {
        guard let port = Int(url.split(separator: ":").last ?? "") else { return -1 }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port)).bigEndian
        inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr)
        let connected = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard connected == 0 else { close(fd); return -1 }
        return fd
    }

    func raw(_ bytes: [UInt8], timeout: Double = 5) throws -> String {
        let fd = connection()
        guard fd >= 0 else { return "" }
        defer { close(fd) }
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var received: [UInt8] = []
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 100) >= 0 else { break }
            if poller.revents == 0 { continue }
            var buffer = [UInt8](repeating: 0, count: 65536)
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            received += buffer[0..<n]
        }
        return String(decoding: received, as: UTF8.self)
    }
}

/// `rollout serve` end to end (issue 15): the built binary serving a state, kubectl (when
/// present) reading it, and the state's one writer.
final class ServeCommandTests: XCTestCase {
    /// A new cluster's state in a temporary directory, served with `arguments`.
    private func servedNewCluster(_ prefix: String, arguments: [String]) throws -> ServeProcess {
        let state = try temporaryDirectory(self, prefix).appendingPathComponent("state").path
        XCTAssertEqual(try RolloutRun.run(["cluster", "init", "--state", state]).status, 0)
        return try ServeProcess(state: state, arguments: arguments, in: self)
    }

    /// kubectl's answer, asked once more when it differs from ours by `agrees`: kubectl counts
    /// ages on its own clock as it prints, from times the server shifted to the wall clock when
    /// it answered (`WireTime`, whole seconds), so under load the two can straddle a second and
    /// an age read one more. A real difference is there the second time too.
    private func kubectlAgreeing(_ arguments: [String], kubeconfig: String, _ agrees: (String) -> Bool) throws -> (status: Int32, out: String, err: String) {
        let first = try kubectl(arguments, kubeconfig: kubeconfig)
        return agrees(first.out) ? first : try kubectl(arguments, kubeconfig: kubeconfig)
    }

    private func kubectl(_ arguments: [String], kubeconfig: String) throws -> (status: Int32, out: String, err: String) {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/kubectl") else {
            print("SKIPPED: kubectl absent; the served API is not checked with it")
            throw XCTSkip("kubectl absent")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/kubectl")
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["KUBECONFIG"] = kubeconfig
        environment["HOME"] = FileManager.default.temporaryDirectory.path
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }

    /// kubectl's `get`, `describe` and `version` on a served state print what `rollout` prints
    /// on a copy of it. The clock is all but stopped (`--speed 0.000001`), so ages agree.
    func testKubectlReadsWhatRolloutReads() throws {
        let directory = try temporaryDirectory(self, "serve-kubectl")
        let state = directory.appendingPathComponent("state").path, copy = directory.appendingPathComponent("copy").path
        XCTAssertEqual(try RolloutRun.run(["apply", "-f", "examples/manifests/", "--wait", "--state", state]).status, 0)
        try FileManager.default.copyItem(atPath: state, toPath: copy)
        let server = try ServeProcess(state: state, arguments: ["--speed", "0.000001"], in: self)
        // The API shows times on the wall clock (`WireTime`): absolute times differ, ages agree.
        func timesOut(_ text: String) -> String {
            text.replacingOccurrences(of: #"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z"#, with: "<time>", options: .regularExpression)
                .replacingOccurrences(of: #"[A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} \+0000"#, with: "<time>", options: .regularExpression)
        }
        for command in [["get", "deploy,rs,pods,svc,ep", "-o", "wide"], ["get", "pods", "-A"], ["get", "nodes", "-o", "wide"], ["get", "all"],
                        ["get", "pods", "--show-labels", "-l", "app=web-api"], ["get", "endpointslices"], ["get", "deployment", "web-api", "-o", "yaml"],
                        ["get", "ns"], ["get", "ingress"], ["describe", "deployment", "web-api"], ["describe", "service", "web-api"],
                        ["describe", "pod", "-l", "app=web-api"]] {
            let ours = try RolloutRun.run(command + ["--state", copy])
            let theirs = try kubectlAgreeing(command, kubeconfig: server.kubeconfig) { timesOut($0) == timesOut(ours.stdout) }
            XCTAssertEqual(timesOut(theirs.out), timesOut(ours.stdout), command.joined(separator: " "))
            XCTAssertEqual(theirs.status, ours.status, command.joined(separator: " "))
        }
        // Events in the API server's order (namespace, name), stored and derived alike.
        let events = try kubectl(["get", "events", "-A"], kubeconfig: server.kubeconfig).out
        XCTAssertEqual(events, try RolloutRun.run(["get", "events", "-A", "--state", copy]).stdout)
        XCTAssertGreaterThan(events.split(separator: "\n").count, 20)
        // explain reads the served OpenAPI schemas.
        let explained = try kubectl(["explain", "deployment.spec.strategy"], kubeconfig: server.kubeconfig).out
        XCTAssertTrue(explained.hasPrefix("GROUP:      apps\nKIND:       Deployment\nVERSION:    v1\n\nFIELD: strategy <DeploymentStrategy>\n"), explained)
        XCTAssertTrue(explained.contains("  rollingUpdate\t<RollingUpdateDeployment>\n"), explained)
        XCTAssertTrue(explained.contains("  type\t<string>\n  enum: Recreate, RollingUpdate\n"), explained)
        XCTAssertTrue(try kubectl(["explain", "deployment.spec.strategy.rollingUpdate.maxSurge"], kubeconfig: server.kubeconfig).out.contains("FIELD: maxSurge <IntOrString>"))
        XCTAssertTrue(try kubectl(["explain", "pod.spec.containers.readinessProbe"], kubeconfig: server.kubeconfig).out.contains("FIELD: readinessProbe <Probe>"))
        XCTAssertTrue(try kubectl(["explain", "service.spec.type"], kubeconfig: server.kubeconfig).out.contains("    LoadBalancer\n"))
        // The kubeconfig may hold a token: only its owner reads it.
        let mode = try FileManager.default.attributesOfItem(atPath: server.kubeconfig)[.posixPermissions] as? NSNumber
        XCTAssertEqual(mode?.intValue, 0o600)
        XCTAssertTrue(try String(contentsOfFile: server.kubeconfig, encoding: .utf8).contains("current-context: rollout\n"))
        let missing = try kubectl(["get", "pod", "nope"], kubeconfig: server.kubeconfig)
        XCTAssertEqual(missing.status, 1)
        XCTAssertEqual(missing.err, "Error from server (NotFound): pods \"nope\" not found\n")
        XCTAssertTrue(try kubectl(["version"], kubeconfig: server.kubeconfig).out.contains("Server Version: \(ClusterSetup.kubernetesVersion)\n"))
        let stopped = server.stop()
        XCTAssertEqual(stopped.status, 0)
        XCTAssertTrue(stopped.stdout.hasSuffix("Stopped; the state is saved.\n"), stopped.stdout)
    }

    /// A StatefulSet and a DaemonSet rolled to a second revision: kubectl's printers (get,
    /// describe) and its status viewers, history viewers (`printHistory`, `printTemplate`) and
    /// DeploymentHistoryViewer on the served state print what `rollout` prints on a copy —
    /// but for `rollout describe statefulset`'s own lines, the governing Service and the pods'
    /// DNS names, which kubectl does not print.
    func testKubectlReadsStatefulSetsAsRolloutDoes() throws {
        let directory = try temporaryDirectory(self, "serve-sts")
        let state = directory.appendingPathComponent("state").path, copy = directory.appendingPathComponent("copy").path
        XCTAssertEqual(try RolloutRun.run(["apply", "-f", "examples/statefulset/", "-f", "examples/daemonset/", "--wait", "--state", state]).status, 0)
        XCTAssertEqual(try RolloutRun.run(["set", "image", "statefulset/postgres", "postgres=postgres:16.6", "--state", state]).status, 0)
        XCTAssertEqual(try RolloutRun.run(["status", "sts/postgres", "--state", state]).status, 0)
        XCTAssertEqual(try RolloutRun.run(["set", "image", "ds/node-exporter", "node-exporter=prom/node-exporter:v1.8.2", "-n", "kube-system", "--state", state]).status, 0)
        XCTAssertEqual(try RolloutRun.run(["status", "ds/node-exporter", "-n", "kube-system", "--state", state]).status, 0)
        try FileManager.default.copyItem(atPath: state, toPath: copy)
        let server = try ServeProcess(state: state, arguments: ["--speed", "0.000001"], in: self)
        func timesOut(_ text: String) -> String {
            text.replacingOccurrences(of: #"[A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} \+0000"#, with: "<time>", options: .regularExpression)
        }
        // rollout's own lines, after kubectl's (Describer.describe).
        func kubectlOnly(_ text: String) -> String {
            guard let range = text.range(of: "Governing Service:") else { return text }
            return String(text[..<range.lowerBound])
        }
        for command in [["get", "sts,pods,pvc,pv,controllerrevisions", "-o", "wide"], ["get", "statefulset", "postgres", "-o", "yaml"],
                        ["describe", "statefulset", "postgres"], ["describe", "pod", "postgres-0"],
                        ["rollout", "history", "statefulset/postgres"], ["rollout", "history", "statefulset/postgres", "--revision=1"],
                        ["rollout", "history", "deployment/coredns", "-n", "kube-system", "--revision=1"],
                        ["rollout", "status", "statefulset/postgres"],
                        ["get", "ds,controllerrevisions", "-n", "kube-system", "-o", "wide"], ["describe", "daemonset", "node-exporter", "-n", "kube-system"],
                        ["rollout", "history", "daemonset/node-exporter", "-n", "kube-system"],
                        ["rollout", "history", "daemonset/node-exporter", "-n", "kube-system", "--revision=2"],
                        ["rollout", "status", "daemonset/node-exporter", "-n", "kube-system"]] {
            let ours = try RolloutRun.run((command.first == "rollout" ? Array(command.dropFirst()) : command) + ["--state", copy])
            func timesAnyForm(_ text: String) -> String {
                timesOut(text).replacingOccurrences(of: #"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z"#, with: "<time>", options: .regularExpression)
            }
            let expected = kubectlOnly(timesAnyForm(ours.stdout))
            let theirs = try kubectlAgreeing(command, kubeconfig: server.kubeconfig) { timesAnyForm($0) == expected }
            XCTAssertEqual(timesAnyForm(theirs.out), expected, command.joined(separator: " "))
            XCTAssertEqual(theirs.status, ours.status, command.joined(separator: " "))
        }
        XCTAssertTrue(try RolloutRun.run(["describe", "sts", "postgres", "--state", copy]).stdout.contains("""
        Governing Service:  postgres-headless (headless)
        Pod DNS Names:      postgres-0.postgres-headless.default.svc.cluster.local
                            postgres-1.postgres-headless.default.svc.cluster.local
                            postgres-2.postgres-headless.default.svc.cluster.local
        """))
        // kubectl's pause refuses a StatefulSet and a DaemonSet, as rollout does.
        for target in [["statefulset/postgres"], ["daemonset/node-exporter", "-n", "kube-system"]] {
            let paused = try kubectl(["rollout", "pause"] + target, kubeconfig: server.kubeconfig)
            let ours = try RolloutRun.run(["pause"] + target + ["--state", copy])
            XCTAssertEqual(paused.err, ours.stderr)
            XCTAssertEqual(paused.status, ours.status)
        }
    }

    /// A CustomResourceDefinition kubectl applies is stored as apiextensions-apiserver leaves
    /// it: names defaulted, `conversion: {strategy: None}`, NamesAccepted and Established True,
    /// storedVersions — so `kubectl wait --for condition=established`, the step CI scripts run
    /// after installing CRDs, is met — and `kubectl get crd` prints the default table
    /// convertor's NAME and CREATED AT.
    func testKubectlWaitsForAnEstablishedDefinition() throws {
        let directory = try temporaryDirectory(self, "serve-crd")
        let server = try servedNewCluster("serve-crd-state", arguments: ["--speed", "0.000001"])
        let file = directory.appendingPathComponent("crd.yaml").path
        try """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: widgets.example.com}
        spec:
          group: example.com
          names: {kind: Widget, plural: widgets, shortNames: [wg]}
          scope: Namespaced
          versions:
          - name: v1
            served: true
            storage: true
            schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
        """.write(toFile: file, atomically: true, encoding: .utf8)
        let applied = try kubectl(["apply", "-f", file], kubeconfig: server.kubeconfig)
        XCTAssertEqual(applied.status, 0, applied.err)
        let waited = try kubectl(["wait", "--for", "condition=established", "--timeout=10s", "crd/widgets.example.com"], kubeconfig: server.kubeconfig)
        XCTAssertEqual(waited.status, 0, waited.err)
        XCTAssertEqual(waited.out, "customresourcedefinition.apiextensions.k8s.io/widgets.example.com condition met\n")
        let status = try kubectl(["get", "crd", "widgets.example.com", "-o",
                                  "jsonpath={.spec.names.singular} {.spec.names.listKind} {.spec.conversion.strategy} {.status.acceptedNames.kind} {.status.conditions[*].reason} {.status.storedVersions}"],
                                 kubeconfig: server.kubeconfig)
        XCTAssertEqual(status.out, "widget WidgetList None Widget NoConflicts InitialNamesAccepted [\"v1\"]")
        let listed = try kubectl(["get", "crd"], kubeconfig: server.kubeconfig).out
        XCTAssertTrue(listed.hasPrefix("NAME                  CREATED AT\nwidgets.example.com   20"), listed)
    }

    /// kubectl apply sends `fieldValidation=Strict` (its default `--validate=strict`): an
    /// unknown field is refused with the strict decoder's words; `--validate=warn` sends Warn
    /// and the field is dropped with a warning (apiserver `handlers/create.go`, `patch.go`).
    func testKubectlFieldValidation() throws {
        let directory = try temporaryDirectory(self, "serve-fields")
        let server = try servedNewCluster("serve-fields-state", arguments: ["--speed", "0.000001"])
        let file = directory.appendingPathComponent("web.yaml").path
        try """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers:
              - {name: app, image: 'web:1', imagePulPolicy: Always}
        """.write(toFile: file, atomically: true, encoding: .utf8)
        let strict = try kubectl(["apply", "-f", file], kubeconfig: server.kubeconfig)
        XCTAssertNotEqual(strict.status, 0)
        XCTAssertEqual(strict.err, "Error from server (BadRequest): error when creating \"\(file)\": Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: unknown field \"spec.template.spec.containers[0].imagePulPolicy\"\n")
        let warn = try kubectl(["apply", "-f", file, "--validate=warn"], kubeconfig: server.kubeconfig)
        XCTAssertEqual(warn.status, 0, warn.err)
        XCTAssertEqual(warn.err, "Warning: unknown field \"spec.template.spec.containers[0].imagePulPolicy\"\n")
        XCTAssertEqual(try kubectl(["get", "deploy", "web", "-o", "jsonpath={.spec.template.spec.containers[0]}"], kubeconfig: server.kubeconfig).out.contains("imagePulPolicy"), false)
    }

    /// kubectl's writes through the served API: apply (client-side: GET, then POST or a
    /// strategic merge PATCH), scale (the scale subresource), set image, rollout
    /// pause/resume/restart/history/undo (a JSON patch of the template), diff (a server-side
    /// dry run) and delete; each prints what `rollout` prints for the same change on a copy.
    /// The clock is all but stopped; the controllers still act on each write at once.
    func testKubectlChangesTheServedCluster() throws {
        let directory = try temporaryDirectory(self, "serve-writes")
        let state = directory.appendingPathComponent("state").path, copy = directory.appendingPathComponent("copy").path
        XCTAssertEqual(try RolloutRun.run(["cluster", "init", "--state", state]).status, 0)
        XCTAssertEqual(try RolloutRun.run(["cluster", "init", "--state", copy]).status, 0)
        let server = try ServeProcess(state: state, arguments: ["--speed", "0.000001"], in: self)
        let k = server.kubeconfig
        for (theirs, ours) in [(["apply", "-f", "examples/manifests/"], ["apply", "-f", "examples/manifests/"]),
                               (["apply", "-f", "examples/manifests/"], ["apply", "-f", "examples/manifests/"]),
                               (["scale", "deployment/web-api", "--replicas=4"], ["scale", "deployment/web-api", "--replicas=4"]),
                               (["rollout", "pause", "deployment/web-api"], ["pause", "deployment/web-api"]),
                               (["rollout", "resume", "deployment/web-api"], ["resume", "deployment/web-api"]),
                               (["set", "image", "deployment/web-api", "web-api=ghcr.io/example/web-api:1.5.0"], ["set", "image", "deployment/web-api", "web-api=ghcr.io/example/web-api:1.5.0"])] {
            let kubectlRun = try kubectl(theirs, kubeconfig: k)
            XCTAssertEqual(kubectlRun.out, try RolloutRun.run(ours + ["--state", copy]).stdout, theirs.joined(separator: " ") + kubectlRun.err)
            XCTAssertEqual(kubectlRun.status, 0, kubectlRun.err)
        }
        XCTAssertEqual(try kubectl(["rollout", "history", "deployment/web-api"], kubeconfig: k).out,
                       "deployment.apps/web-api \nREVISION  CHANGE-CAUSE\n1         release 1.4.2\n2         release 1.4.2\n\n")
        XCTAssertEqual(try kubectl(["rollout", "undo", "deployment/web-api", "--to-revision=1"], kubeconfig: k).out, "deployment.apps/web-api rolled back\n")
        // Back to revision 1's ReplicaSet, not a third one.
        XCTAssertEqual(try kubectl(["get", "deploy", "web-api", "-o", "jsonpath={.spec.template.spec.containers[0].image}"], kubeconfig: k).out, "ghcr.io/example/web-api:1.4.2")
        XCTAssertEqual(try kubectl(["get", "rs", "-o", "name"], kubeconfig: k).out.split(separator: "\n").count, 2)
        XCTAssertEqual(try kubectl(["rollout", "restart", "deployment/web-api"], kubeconfig: k).out, "deployment.apps/web-api restarted\n")
        // diff: a server-side dry run of the change, nothing changed.
        let changed = directory.appendingPathComponent("web-api.yaml")
        let manifest = try String(contentsOf: Corpus.packageRoot.appendingPathComponent("examples/manifests/web-api.yaml"), encoding: .utf8)
        try manifest.replacingOccurrences(of: "replicas: 3", with: "replicas: 6").write(to: changed, atomically: true, encoding: .utf8)
        let diff = try kubectl(["diff", "-f", changed.path], kubeconfig: k)
        XCTAssertEqual(diff.status, 1)
        XCTAssertTrue(diff.out.contains("\n-  replicas: 4\n+  replicas: 6\n"), diff.out)
        XCTAssertEqual(try kubectl(["get", "deploy", "web-api", "-o", "jsonpath={.spec.replicas}"], kubeconfig: k).out, "4")
        let deleted = try kubectl(["delete", "-f", "examples/manifests/"], kubeconfig: k)
        XCTAssertEqual(deleted.out, try RolloutRun.run(["delete", "-f", "examples/manifests/", "--state", copy]).stdout)
        XCTAssertEqual(try kubectl(["get", "deployments"], kubeconfig: k).err, "No resources found in default namespace.\n")
        XCTAssertEqual(server.stop().status, 0)
    }

    /// Two new bare clusters in a temporary directory: one to serve to kubectl, and its copy
    /// for `rollout`.
    private func bareStateAndCopy(_ prefix: String) throws -> (directory: URL, state: String, copy: String) {
        let directory = try temporaryDirectory(self, prefix)
        let state = directory.appendingPathComponent("state").path, copy = directory.appendingPathComponent("copy").path
        for s in [state, copy] { XCTAssertEqual(try RolloutRun.run(["cluster", "init", "--profile", "bare", "--state", s]).status, 0) }
        return (directory, state, copy)
    }

    /// `apply --prune`, with kubectl itself as the reference: kubectl on a served state prints
    /// what `rollout apply` prints on a copy of it — out and err, the exit status, and what is
    /// left — through a client dry run (everything listed, nothing asked), a server dry run
    /// (refused at `kube-public`, nothing deleted: the DELETE's body says dryRun), and the
    /// prune itself, which stops there with `alpha` gone and `team` kept. kubectl's default
    /// allowlist names ReplicationControllers, so discovery must serve them or kubectl stops
    /// before pruning anything. (kubectl's own log line about a deprecation is left out.)
    func testKubectlPrunesAsRolloutDoes() throws {
        let (directory, state, copy) = try bareStateAndCopy("serve-prune")
        let configMap = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: default, labels: {set: a}}\n"
        let namespaces = ["alpha", "kube-public", "team"].map { "apiVersion: v1\nkind: Namespace\nmetadata: {name: \($0), labels: {set: a}}\n---\n" }.joined()
        let all = directory.appendingPathComponent("all.yaml"), one = directory.appendingPathComponent("cm.yaml")
        try (namespaces + configMap).write(to: all, atomically: true, encoding: .utf8)
        try configMap.write(to: one, atomically: true, encoding: .utf8)
        let server = try ServeProcess(state: state, arguments: ["--speed", "0.000001"], in: self)
        let k = server.kubeconfig
        func kubectlLines(_ text: String) -> String {
            text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.contains("] Deprecated: kubectl apply will no longer prune") }.joined(separator: "\n")
        }
        for arguments in [["apply", "-f", all.path],
                          ["apply", "-f", one.path, "--prune", "-l", "set=a", "--dry-run=client"],
                          ["apply", "-f", one.path, "--prune", "-l", "set=a", "--dry-run=server"],
                          ["get", "namespaces", "-o", "name"],
                          ["apply", "-f", one.path, "--prune", "-l", "set=a"],
                          ["get", "namespaces", "-o", "name"],
                          ["apply", "-f", one.path, "--prune", "-l", "set=a"]] {
            let theirs = try kubectl(arguments, kubeconfig: k)
            let ours = try RolloutRun.run(arguments + ["--state", copy])
            let label = arguments.joined(separator: " ")
            XCTAssertEqual(theirs.out, ours.stdout, label)
            XCTAssertEqual(kubectlLines(theirs.err), ours.stderr, label)
            XCTAssertEqual(theirs.status, ours.status, label)
        }
        XCTAssertEqual(server.stop().status, 0)
    }

    /// ResourceQuotas and LimitRanges as kubectl 1.32 describes them — describeQuota (scopes
    /// with their help texts), describeLimitRange, describeNamespace's DescribeResourceQuotas
    /// and DescribeLimitRanges — with the pods a Deployment made under them (LimitRanger's
    /// default request counted by the quota), and a pod the quota has no room for refused in
    /// the API server's words: kubectl on the served state, then `rollout` on the state the
    /// server leaves. (Each LimitRange item names one resource: kubectl lists an item's
    /// resources in a Go map's order.)
    func testKubectlDescribesQuotasAsRolloutDoes() throws {
        let (directory, state, _) = try bareStateAndCopy("serve-quota")
        let file = directory.appendingPathComponent("quota.yaml"), pod = directory.appendingPathComponent("pod.yaml")
        try """
        apiVersion: v1
        kind: ResourceQuota
        metadata: {name: compute}
        spec:
          hard: {pods: "3", requests.cpu: "1", limits.memory: 2Gi}
        ---
        apiVersion: v1
        kind: ResourceQuota
        metadata: {name: best-effort}
        spec:
          hard: {pods: "2"}
          scopes: [BestEffort, NotTerminating]
        ---
        apiVersion: v1
        kind: LimitRange
        metadata: {name: defaults}
        spec:
          limits:
          - {type: Container, max: {cpu: "2"}, min: {cpu: 50m}, default: {cpu: 500m}, defaultRequest: {cpu: 100m}}
          - {type: Pod, max: {memory: 1Gi}}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          replicas: 3
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers: [{name: app, image: nginx, resources: {limits: {memory: 256Mi}}}]

        """.write(to: file, atomically: true, encoding: .utf8)
        try "apiVersion: v1\nkind: Pod\nmetadata: {name: extra}\nspec:\n  containers: [{name: app, image: nginx, resources: {limits: {memory: 64Mi}}}]\n"
            .write(to: pod, atomically: true, encoding: .utf8)
        let server = try ServeProcess(state: state, arguments: ["--speed", "0.000001"], in: self)
        XCTAssertEqual(try kubectl(["apply", "-f", file.path], kubeconfig: server.kubeconfig).status, 0)
        let refused = try kubectl(["apply", "-f", pod.path], kubeconfig: server.kubeconfig)
        XCTAssertEqual(refused.status, 1)
        XCTAssertEqual(refused.err, "Error from server (Forbidden): error when creating \"\(pod.path)\": pods \"extra\" is forbidden: "
                       + "exceeded quota: compute, requested: pods=1, used: pods=3, limited: pods=3\n")
        let views = [["describe", "quota"], ["describe", "limits"], ["describe", "namespace", "default"], ["get", "quota"], ["get", "limits"]]
        var theirs: [[String]: String] = [:]
        for arguments in views { theirs[arguments] = try kubectl(arguments, kubeconfig: server.kubeconfig).out }
        XCTAssertEqual(server.stop().status, 0)
        XCTAssertTrue(theirs[["describe", "quota"]]?.contains("requests.cpu   300m   1\n") ?? false, theirs[["describe", "quota"]] ?? "")
        for arguments in views {
            XCTAssertEqual(try RolloutRun.run(arguments + ["--state", state]).stdout, theirs[arguments], arguments.joined(separator: " "))
        }
    }

    /// kubectl's describers on annotations and text a terminal would act on: the root CA
    /// publisher's ConfigMap (its long description cut at 138 bytes below its key:
    /// `printAnnotationsMultiline`, maxAnnotationLen 140), a value with newlines and one with a
    /// carriage return, a value just short of the limit, a pod template's annotations, and ESC
    /// and CR shown as `^[` and `\r` (`terminalEscaper`) — in `describe`, custom columns, a
    /// table's cells (an image name) and `events`; and a pod's readiness gates (READINESS GATES,
    /// `describe pod`'s section).
    /// kubectl through `serve` against `rollout` on the same state.
    func testKubectlDescribesAnnotationsAndControlsAsRolloutDoes() throws {
        let (directory, state, _) = try bareStateAndCopy("serve-annotations")
        let file = directory.appendingPathComponent("notes.yaml")
        let nearLimit = String(repeating: "y", count: 134)  // 4 + 2 + 134 = 140: on one line
        let overLimit = String(repeating: "x", count: 200)
        try """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: notes
          annotations:
            edge: "\(nearLimit)"
            long: "\(overLimit)"
            multi: "line one\\nline two\\n"
            crlf: "a\\r\\nb"
            colour: "x\\e[31my"
        data: {k: "red\\e[31m\\rtext"}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          replicas: 1
          selector: {matchLabels: {app: web}}
          template:
            metadata:
              labels: {app: web}
              annotations: {desc: "\(overLimit)", two: "p\\nq"}
            spec:
              readinessGates: [{conditionType: target-health.elbv2.k8s.aws/k8s-web}]
              containers: [{name: app, image: "nginx\\e[31m"}]

        """.write(to: file, atomically: true, encoding: .utf8)
        XCTAssertEqual(try RolloutRun.run(["apply", "-f", file.path, "--wait", "--state", state]).status, 0)
        let server = try ServeProcess(state: state, arguments: ["--speed", "0.000001"], in: self)
        let views = [["describe", "cm", "notes"], ["describe", "cm", "kube-root-ca.crt"], ["describe", "cm", "kube-root-ca.crt", "-n", "kube-system"],
                     ["get", "cm", "notes", "-o", "custom-columns=N:.metadata.name,C:.metadata.annotations.colour,D:.data.k"],
                     ["get", "deploy", "web", "-o", "wide"], ["events", "--for", "deployment/web"], ["get", "pods", "-o", "wide"]]
        var theirs: [[String]: String] = [:]
        for arguments in views { theirs[arguments] = try kubectl(arguments, kubeconfig: server.kubeconfig).out }
        // (The Deployment's pod template and the pod's gates and conditions: their times are shown
        // on the served wall clock.)
        let template = try kubectl(["describe", "deploy", "web"], kubeconfig: server.kubeconfig).out
        let pod = try kubectl(["describe", "pods", "-l", "app=web"], kubeconfig: server.kubeconfig).out
        XCTAssertEqual(server.stop().status, 0)
        XCTAssertTrue(theirs[["describe", "cm", "notes"]]?.contains("red^[[31m\\rtext\n") ?? false, theirs[["describe", "cm", "notes"]] ?? "")
        XCTAssertTrue(theirs[["describe", "cm", "kube-root-ca.crt"]]?.contains("or kubern...\n") ?? false, theirs[["describe", "cm", "kube-root-ca.crt"]] ?? "")
        XCTAssertTrue(theirs[["get", "deploy", "web", "-o", "wide"]]?.contains("   nginx^[[31m   ") ?? false, theirs[["get", "deploy", "web", "-o", "wide"]] ?? "")
        XCTAssertTrue(theirs[["get", "pods", "-o", "wide"]]?.hasSuffix("   1/1\n") ?? false, theirs[["get", "pods", "-o", "wide"]] ?? "")
        for arguments in views {
            XCTAssertEqual(try RolloutRun.run(arguments + ["--state", state]).stdout, theirs[arguments], arguments.joined(separator: " "))
        }
        let ours = try RolloutRun.run(["describe", "deploy", "web", "--state", state]).stdout
        func podTemplate(_ text: String) -> String { text.components(separatedBy: "Pod Template:").last?.components(separatedBy: "Conditions:").first ?? "" }
        XCTAssertTrue(podTemplate(template).contains("      \(String(repeating: "x", count: 138))...\n"), template)
        XCTAssertEqual(podTemplate(ours), podTemplate(template))
        func gates(_ text: String) -> String { text.components(separatedBy: "Readiness Gates:").last?.components(separatedBy: "Volumes:").first ?? "" }
        XCTAssertTrue(gates(pod).contains("  target-health.elbv2.k8s.aws/k8s-web   True \n"), pod)
        XCTAssertEqual(gates(try RolloutRun.run(["describe", "pods", "-l", "app=web", "--state", state]).stdout), gates(pod))
    }

    /// `configured` or `unchanged`, as kubectl decides it: by whether its patch is `{}`, not
    /// whether the object changes — a quantity written `0.5` (stored `500m`) and `1024Mi`
    /// (`1Gi`) make kubectl say `configured` at every apply, though nothing changes; a client dry
    /// run says `configured` for every object that exists. kubectl on a served state against
    /// `rollout` on a copy.
    func testKubectlSaysConfiguredAsRolloutDoes() throws {
        let (directory, state, copy) = try bareStateAndCopy("serve-configured")
        let file = directory.appendingPathComponent("app.yaml")
        try """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: q}
        spec:
          selector: {matchLabels: {app: q}}
          template:
            metadata: {labels: {app: q}}
            spec:
              containers:
              - name: c
                image: nginx
                ports: [{containerPort: 80, protocol: TCP}]
                resources: {requests: {cpu: 0.5, memory: 1024Mi}}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: q}
        spec:
          selector: {app: q}
          ports: [{port: 80, targetPort: 80}]
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: q}
        data: {a: "1"}

        """.write(to: file, atomically: true, encoding: .utf8)
        // A NodePort Service applied again without its type: kubectl patches `type: null`,
        // and the server drops the node ports before validating (`dropTypeDependentFields`).
        let nodePort = directory.appendingPathComponent("np.yaml"), plain = directory.appendingPathComponent("plain.yaml")
        try "apiVersion: v1\nkind: Service\nmetadata: {name: np}\nspec:\n  type: NodePort\n  selector: {app: np}\n  ports: [{port: 80}]\n"
            .write(to: nodePort, atomically: true, encoding: .utf8)
        try "apiVersion: v1\nkind: Service\nmetadata: {name: np}\nspec:\n  selector: {app: np}\n  ports: [{port: 80}]\n".write(to: plain, atomically: true, encoding: .utf8)
        let server = try ServeProcess(state: state, arguments: ["--speed", "0.000001"], in: self)
        for arguments in [["apply", "-f", file.path], ["apply", "-f", file.path], ["apply", "-f", file.path, "--dry-run=client"],
                          ["apply", "-f", file.path, "--dry-run=server"], ["apply", "-f", nodePort.path], ["apply", "-f", plain.path],
                          ["get", "svc", "np", "-o", "jsonpath={.spec}"]] {
            let theirs = try kubectl(arguments, kubeconfig: server.kubeconfig)
            let ours = try RolloutRun.run(arguments + ["--state", copy])
            XCTAssertEqual(theirs.out, ours.stdout, arguments.joined(separator: " ") + theirs.err)
            XCTAssertEqual(theirs.status, ours.status)
        }
        XCTAssertEqual(server.stop().status, 0)
    }

    /// Watches, as kubectl's waiting commands use them: `rollout status` follows the rollout
    /// to its end with `rollout status`'s lines, `wait` sees the condition, `get -w` prints
    /// each change. The clock runs at 20×, so a rollout of the example takes about a second.
    func testKubectlWaitsOnWatches() throws {
        let server = try servedNewCluster("serve-watch", arguments: ["--speed", "20"])
        let k = server.kubeconfig
        XCTAssertEqual(try kubectl(["apply", "-f", "examples/manifests/web-api.yaml"], kubeconfig: k).status, 0)
        let status = try kubectl(["rollout", "status", "deployment/web-api", "--timeout=60s"], kubeconfig: k)
        XCTAssertEqual(status.status, 0, status.err)
        let lines = status.out.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.last, "deployment \"web-api\" successfully rolled out")
        // Every line is one `rollout status` prints (DeploymentStatusViewer).
        let waiting = #"^Waiting for deployment "web-api" rollout to finish: ([0-9]+ (of|out of) 3 (updated|new) replicas (are available|have been updated)|[0-9]+ old replicas are pending termination)\.\.\.$"#
        for line in lines.dropLast() { XCTAssertNotNil(line.range(of: waiting, options: .regularExpression), line) }
        let wait = try kubectl(["wait", "--for=condition=Available", "deployment/web-api", "--timeout=60s"], kubeconfig: k)
        XCTAssertEqual(wait.out, "deployment.apps/web-api condition met\n")
        // get -w: the listing, then a line per change while it watches.
        let watcher = Process()
        watcher.executableURL = URL(fileURLWithPath: "/usr/bin/kubectl")
        watcher.arguments = ["get", "deployment", "web-api", "-w", "--request-timeout=4s"]
        watcher.environment = ["KUBECONFIG": k, "HOME": FileManager.default.temporaryDirectory.path, "PATH": "/usr/bin:/bin"]
        let out = Pipe()
        watcher.standardOutput = out
        watcher.standardError = FileHandle.nullDevice
        try watcher.run()
        usleep(1_000_000)
        XCTAssertEqual(try kubectl(["scale", "deployment/web-api", "--replicas=1"], kubeconfig: k).status, 0)
        let seen = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        watcher.waitUntilExit()
        let rows = seen.split(separator: "\n")
        XCTAssertEqual(rows.first?.hasPrefix("NAME      READY   UP-TO-DATE   AVAILABLE   AGE"), true, seen)
        XCTAssertTrue(rows.dropFirst().contains { $0.hasPrefix("web-api   1/1 ") }, seen)
        XCTAssertEqual(server.stop().status, 0)
    }

    /// A client that is not kubectl (Python's standard library, `Fixtures/serve/client.py`):
    /// list+watch of pods, the scale subresource, and 50 watches with 20 writers racing on
    /// one object through resourceVersion preconditions — no update lost, every watch sees
    /// the last write, in resourceVersion order.
    func testAnotherClientAndManyAtOnce() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") else {
            print("SKIPPED: python3 absent")
            throw XCTSkip("python3 absent")
        }
        let directory = try temporaryDirectory(self, "serve-python")
        let state = directory.appendingPathComponent("state").path
        XCTAssertEqual(try RolloutRun.run(["apply", "-f", "examples/manifests/", "--wait", "--state", state]).status, 0)
        let server = try ServeProcess(state: state, arguments: ["--token", "py-t0ken", "--speed", "10"], in: self)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [Corpus.fixture("serve/client.py").path, server.url, "py-t0ken"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, text)
        XCTAssertEqual(text.split(separator: "\n").filter { $0.hasPrefix("ok ") }.count, 7, text)
        XCTAssertEqual(server.stop().status, 0)
    }

    /// `kubectl apply --server-side`: created, applied again, a conflict with the replicas
    /// `kubectl scale` set (kubectl's own message, exit 1), then forced.
    func testKubectlServerSideApply() throws {
        let server = try servedNewCluster("serve-ssa", arguments: ["--speed", "0.000001"])
        let k = server.kubeconfig
        let created = try kubectl(["apply", "--server-side", "-f", "examples/manifests/web-api.yaml"], kubeconfig: k)
        XCTAssertEqual(created.out, "deployment.apps/web-api serverside-applied\nservice/web-api serverside-applied\n", created.err)
        XCTAssertEqual(try kubectl(["apply", "--server-side", "-f", "examples/manifests/web-api.yaml"], kubeconfig: k).status, 0)
        XCTAssertEqual(try kubectl(["scale", "deployment/web-api", "--replicas=5"], kubeconfig: k).status, 0)
        let conflict = try kubectl(["apply", "--server-side", "-f", "examples/manifests/web-api.yaml"], kubeconfig: k)
        XCTAssertEqual(conflict.status, 1)
        XCTAssertTrue(conflict.err.hasPrefix("error: Apply failed with 1 conflict: conflict with \"kubectl\" using apps/v1: .spec.replicas\nPlease review the fields above"), conflict.err)
        XCTAssertEqual(try kubectl(["apply", "--server-side", "--force-conflicts", "-f", "examples/manifests/web-api.yaml"], kubeconfig: k).status, 0)
        XCTAssertEqual(try kubectl(["get", "deploy", "web-api", "-o", "jsonpath={.spec.replicas}"], kubeconfig: k).out, "3")
        XCTAssertEqual(server.stop().status, 0)
    }

    /// kubectl's typed clients send protobuf (`kubectl create namespace`, `configmap`,
    /// `secret`, `serviceaccount`, `deployment`, `service`, `quota`, `priorityclass`): read from `generated.proto`'s field
    /// numbers; the API
    /// server's defaults apply (a Secret without a type is Opaque, `SetDefaults_Secret`). Other
    /// kinds are refused, saying what to send.
    func testKubectlCreateSendsProtobuf() throws {
        let server = try servedNewCluster("serve-protobuf", arguments: ["--speed", "0.000001"])
        let k = server.kubeconfig
        XCTAssertEqual(try kubectl(["create", "namespace", "team"], kubeconfig: k).out, "namespace/team created\n")
        XCTAssertEqual(try kubectl(["create", "configmap", "settings", "-n", "team", "--from-literal=a=1", "--from-literal=b=two"], kubeconfig: k).out, "configmap/settings created\n")
        XCTAssertEqual(try kubectl(["create", "secret", "generic", "creds", "-n", "team", "--from-literal=user=admin"], kubeconfig: k).out, "secret/creds created\n")
        XCTAssertEqual(try kubectl(["create", "serviceaccount", "robot", "-n", "team"], kubeconfig: k).out, "serviceaccount/robot created\n")
        XCTAssertEqual(try kubectl(["get", "cm", "settings", "-n", "team", "-o", "jsonpath={.data}"], kubeconfig: k).out, #"{"a":"1","b":"two"}"#)
        XCTAssertEqual(try kubectl(["get", "secret", "creds", "-n", "team", "-o", "jsonpath={.type} {.data.user}"], kubeconfig: k).out, "Opaque YWRtaW4=")
        XCTAssertEqual(try kubectl(["get", "ns", "team", "-o", "jsonpath={.metadata.labels}"], kubeconfig: k).out, #"{"kubernetes.io/metadata.name":"team"}"#)
        // A Deployment and a Service made from protobuf are the ones made from the same
        // command's JSON (`--dry-run=client -o json | kubectl apply`): same template, same
        // ReplicaSet name (its hash).
        XCTAssertEqual(try kubectl(["create", "deployment", "web", "-n", "team", "--image=nginx:1.25", "--replicas=2", "--port=8080"], kubeconfig: k).status, 0)
        XCTAssertEqual(try kubectl(["create", "service", "nodeport", "web", "-n", "team", "--tcp=81:http"], kubeconfig: k).status, 0)
        XCTAssertEqual(try kubectl(["create", "namespace", "json"], kubeconfig: k).status, 0)
        let directory = try temporaryDirectory(self, "serve-protobuf-json")
        for (command, file) in [(["create", "deployment", "web", "-n", "json", "--image=nginx:1.25", "--replicas=2", "--port=8080"], "d.json"),
                                (["create", "service", "nodeport", "web", "-n", "json", "--tcp=81:http"], "s.json")] {
            let json = try kubectl(command + ["--dry-run=client", "-o", "json"], kubeconfig: k).out
            let path = directory.appendingPathComponent(file).path
            try json.write(toFile: path, atomically: true, encoding: .utf8)
            XCTAssertEqual(try kubectl(["apply", "-f", path], kubeconfig: k).status, 0)
        }
        for query in ["jsonpath={.spec.template}", "jsonpath={.spec.replicas} {.spec.selector}"] {
            XCTAssertEqual(try kubectl(["get", "deploy", "web", "-n", "team", "-o", query], kubeconfig: k).out,
                           try kubectl(["get", "deploy", "web", "-n", "json", "-o", query], kubeconfig: k).out, query)
        }
        XCTAssertEqual(try kubectl(["get", "rs", "-n", "team", "-o", "name"], kubeconfig: k).out, try kubectl(["get", "rs", "-n", "json", "-o", "name"], kubeconfig: k).out)
        XCTAssertEqual(try kubectl(["get", "svc", "web", "-n", "team", "-o", "jsonpath={.spec.type} {.spec.ports[0].name} {.spec.ports[0].port} {.spec.ports[0].targetPort} {.spec.selector}"], kubeconfig: k).out,
                       "NodePort 81-http 81 http {\"app\":\"web\"}")
        // `kubectl create quota` and `priorityclass`: generated.proto's ResourceQuota (hard,
        // scopes) and PriorityClass (value, globalDefault, description, preemptionPolicy).
        XCTAssertEqual(try kubectl(["create", "quota", "q", "-n", "team", "--hard=pods=4,requests.cpu=2", "--scopes=NotTerminating"], kubeconfig: k).out,
                       "resourcequota/q created\n")
        XCTAssertEqual(try kubectl(["get", "quota", "q", "-n", "team", "-o", "jsonpath={.spec.hard} {.spec.scopes}"], kubeconfig: k).out,
                       #"{"pods":"4","requests.cpu":"2"} ["NotTerminating"]"#)
        XCTAssertEqual(try kubectl(["create", "priorityclass", "high", "--value=1000", "--description=urgent", "--preemption-policy=Never"], kubeconfig: k).out,
                       "priorityclass.scheduling.k8s.io/high created\n")
        XCTAssertEqual(try kubectl(["get", "pc", "high", "-o", "jsonpath={.value} {.description} {.preemptionPolicy}"], kubeconfig: k).out, "1000 urgent Never")
        let refused = try kubectl(["create", "job", "once", "--image=busybox"], kubeconfig: k)
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.err.contains("(Job (batch/v1) is not read from protobuf)"), refused.err)
        XCTAssertEqual(server.stop().status, 0)
    }

    /// `kubectl drain` through the eviction subresource: cordoned, its pods evicted as their
    /// budget allows, "drained" once they are gone.
    func testKubectlDrains() throws {
        let state = try temporaryDirectory(self, "serve-drain").appendingPathComponent("state").path
        XCTAssertEqual(try RolloutRun.run(["cluster", "init", "--nodes", "3", "--state", state]).status, 0)
        XCTAssertEqual(try RolloutRun.run(["apply", "-f", "examples/manifests/", "--wait", "--state", state]).status, 0)
        let server = try ServeProcess(state: state, arguments: ["--speed", "20"], in: self)
        let k = server.kubeconfig
        let budget = try temporaryDirectory(self, "serve-drain-pdb").appendingPathComponent("pdb.yaml")
        try "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: web-api}\nspec:\n  minAvailable: 2\n  selector: {matchLabels: {app: web-api}}\n"
            .write(to: budget, atomically: true, encoding: .utf8)
        XCTAssertEqual(try kubectl(["apply", "-f", budget.path], kubeconfig: k).status, 0)
        let node = try kubectl(["get", "pods", "-l", "app=web-api", "-o", "jsonpath={.items[0].spec.nodeName}"], kubeconfig: k).out
        let drained = try kubectl(["drain", node, "--ignore-daemonsets", "--delete-emptydir-data", "--timeout=60s"], kubeconfig: k)
        XCTAssertEqual(drained.status, 0, drained.err)
        XCTAssertTrue(drained.out.hasPrefix("node/\(node) cordoned\n"), drained.out)
        XCTAssertTrue(drained.out.hasSuffix("node/\(node) drained\n"), drained.out)
        XCTAssertEqual(try kubectl(["get", "pods", "-A", "--field-selector", "spec.nodeName=\(node)", "-o", "name"], kubeconfig: k).out, "")
        XCTAssertEqual(server.stop().status, 0)
    }

    /// One writer per state: while it is served, commands that would change it are refused
    /// with where the server is (and change nothing); readers still read; after SIGTERM the
    /// state is saved, with the clock moved on, and writable again.
    func testAServedStateHasOneWriter() throws {
        let directory = try temporaryDirectory(self, "serve-writer")
        let state = directory.appendingPathComponent("state").path
        XCTAssertEqual(try RolloutRun.run(["apply", "-f", "examples/manifests/", "--state", state]).status, 0)
        let server = try ServeProcess(state: state, arguments: ["--speed", "100"], in: self)
        let refused = try RolloutRun.run(["scale", "deployment/web-api", "--replicas", "1", "--state", state])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.hasPrefix("error: the state \(state) is served by `rollout serve` (pid \(server.process.processIdentifier)) at \(server.url); change it through the server (KUBECONFIG=\(server.kubeconfig) kubectl …), or stop the server first"), refused.stderr)
        XCTAssertEqual(try RolloutRun.run(["get", "deployments", "--state", state]).status, 0, "reads are not refused")
        usleep(1_500_000)
        let stopped = server.stop()
        XCTAssertEqual(stopped.status, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: state + "/serve.json"))
        // 1.5 s at 100×: the rollout is done, as a 150 s `status` would have left it.
        let deployment = try RolloutRun.run(["get", "deployment", "web-api", "--state", state]).stdout
        XCTAssertTrue(deployment.contains(" 3/3 "), deployment)
        XCTAssertEqual(try RolloutRun.run(["scale", "deployment/web-api", "--replicas", "1", "--state", state]).status, 0)
    }

    /// Nothing a client sends stops the server: a malformed request gets 400 and its
    /// connection closed, a silent connection holds nobody up, many clients at once are all
    /// answered; a request without the token is 401.
    func testTheServerOutlivesBadClients() throws {
        let server = try servedNewCluster("serve-robust", arguments: ["--token", "t0ken", "--v=1"])
        XCTAssertTrue(try server.raw(Array("GARBAGE\r\n\r\n".utf8)).hasPrefix("HTTP/1.1 400 Bad Request\r\n"))
        XCTAssertTrue(try server.raw(Array("POST /api/v1/namespaces HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n".utf8)).hasPrefix("HTTP/1.1 413 "))
        // Connected, and saying nothing (nor half a request) while others are served.
        let silent = server.connection(), half = server.connection()
        defer { close(silent); close(half) }
        XCTAssertGreaterThanOrEqual(silent, 0)
        _ = Array("GET /api/v1/no".utf8).withUnsafeBytes { send(half, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        XCTAssertTrue(try server.raw(Array("GET /api/v1/nodes HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8)).hasPrefix("HTTP/1.1 401 Unauthorized\r\n"))
        let answers = UnsafeMutableBufferPointer<Bool>.allocate(capacity: 40)
        defer { answers.deallocate() }
        answers.initialize(repeating: false)
        let shared = ReadOnly((server, answers))
        DispatchQueue.concurrentPerform(iterations: 40) { i in
            let reply = (try? shared.value.0.raw(Array("GET /api/v1/nodes HTTP/1.1\r\nAuthorization: Bearer t0ken\r\nConnection: close\r\n\r\n".utf8))) ?? ""
            shared.value.1[i] = reply.hasPrefix("HTTP/1.1 200 OK\r\n") && reply.contains("\"kind\":\"NodeList\"")
        }
        XCTAssertEqual(answers.filter { $0 }.count, 40)
        XCTAssertTrue(try server.raw(Array("GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n".utf8)).hasSuffix("\r\n\r\nok"))
        // `Expect: 100-continue`: the go-ahead comes before the body is sent.
        XCTAssertEqual(try server.raw(Array("POST /api/v1/namespaces/default/configmaps HTTP/1.1\r\nContent-Length: 10\r\nExpect: 100-continue\r\n\r\n".utf8), timeout: 1),
                       "HTTP/1.1 100 Continue\r\n\r\n")
        XCTAssertTrue(server.log.contains("GET /api/v1/nodes 200 "), "--v=1 logs each request")
        XCTAssertEqual(server.stop().status, 0)
    }

    func testServeRefusesWhatIsUnsafeOrInvalid() throws {
        let directory = try temporaryDirectory(self, "serve-flags")
        let state = directory.appendingPathComponent("state").path
        var run = try RolloutRun.run(["serve", "--address", "0.0.0.0", "--state", state])
        XCTAssertEqual(run.status, 2)
        XCTAssertTrue(run.stderr.hasPrefix("error: refusing to serve on 0.0.0.0 without --token"), run.stderr)
        run = try RolloutRun.run(["serve", "--port", "70000", "--state", state])
        XCTAssertEqual(run.status, 2)
        run = try RolloutRun.run(["serve", "--speed", "0", "--state", state])
        XCTAssertEqual(run.status, 2)
        run = try RolloutRun.run(["serve", "--address", "localhost", "--token", "x", "--state", state])
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.stderr.contains("invalid address \"localhost\""), run.stderr)
        // A port another server holds: said, exit 1, and the state left unserved.
        let first = try ServeProcess(state: state, in: self)
        let port = String(first.url.split(separator: ":").last ?? "")
        let other = try temporaryDirectory(self, "serve-flags-other").appendingPathComponent("state").path
        run = try RolloutRun.run(["serve", "--port", port, "--state", other])
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.stderr.hasPrefix("error: cannot listen on 127.0.0.1:\(port): "), run.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: other + "/serve.json"))
        XCTAssertEqual(first.stop().status, 0)
    }
}

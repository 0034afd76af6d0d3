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

    /// The real kubectl's output on the same objects (kubectl-oracle), when it is at hand.
    func kubectl(_ arguments: [String]) throws -> String {
        let oracle = Corpus.packageRoot.deletingLastPathComponent().appendingPathComponent("shared/tools/kubectl-oracle/oracle")
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/kubectl"), FileManager.default.isExecutableFile(atPath: oracle.path) else {
            print("SKIPPED: kubectl or kubectl-oracle absent; not compared with kubectl")
            throw XCTSkip("kubectl absent")
        }
        let process = Process()
        process.executableURL = oracle
        process.arguments = ["--rollout", RolloutRun.binary.path, "--state", state, "--"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        return String(decoding: data, as: UTF8.self)
    }

    // `rollout history` as kubectl's DeploymentHistoryViewer prints it (REVISION, CHANGE-CAUSE),
    // and the table writer's spacing (minwidth 6, padding 3) on kubectl's own NAME/AGE table.
    func testHistoryAndTableSpacingMatchKubectl() throws {
        XCTAssertEqual(try RolloutRun.run(["apply", "-f", "examples/manifests/web-api.yaml", "--wait", "--state", state]).status, 0)
        XCTAssertEqual(try RolloutRun.run(["apply", "-f", "examples/releases/web-api-1.5.0.yaml", "--wait", "--state", state]).status, 0)
        let ours = try RolloutRun.run(["history", "deployment/web-api", "--state", state]).stdout
        XCTAssertEqual(ours, "deployment.apps/web-api \nREVISION  CHANGE-CAUSE\n1         release 1.4.2\n2         release 1.5.0\n\n")
        XCTAssertTrue(try RolloutRun.run(["history", "deployment/web-api", "-o", "wide", "--state", state]).stdout.contains("REVISION  CHANGE-CAUSE   IMAGES"))
        XCTAssertEqual(try kubectl(["rollout", "history", "deployment/web-api"]), ours)
        // describe deployment names the old ReplicaSet scaled to zero, as kubectl 1.32 does.
        let described = try RolloutRun.run(["describe", "deployment", "web-api", "--state", state]).stdout
        let line = { (text: String) in text.split(separator: "\n").first { $0.hasPrefix("OldReplicaSets:") }.map(String.init) }
        XCTAssertEqual(line(described), "OldReplicaSets:  web-api-64f8779644 (0/0 replicas created)")
        XCTAssertEqual(line(try kubectl(["describe", "deployment", "web-api"])), line(described))
        // The oracle serves no tables: kubectl prints NAME and AGE itself, through the same writer.
        // (The age may be a second later: the oracle takes wall-clock time.)
        let theirs = try kubectl(["get", "deploy"])
        XCTAssertTrue(theirs.hasPrefix("NAME      AGE\nweb-api   4"), theirs)
        XCTAssertTrue(try RolloutRun.run(["get", "deploy", "--state", state]).stdout.hasPrefix("NAME      READY   UP-TO-DATE   AVAILABLE   AGE\nweb-api   3/3 "))
    }

    // `-o jsonpath`: kubectl's documented forms (kubernetes.io/docs/reference/kubectl/jsonpath),
    // each compared with what the real kubectl prints for the same objects.
    func testJSONPathMatchesKubectl() throws {
        XCTAssertEqual(try RolloutRun.run(["apply", "-f", "examples/manifests/web-api.yaml", "--wait", "--state", state]).status, 0)
        let templates = [
            "{.kind}", "{['kind']}", "{.items[*].metadata.name}", "{.items[0].metadata.name}", "{.items[-1:].metadata.name}",
            "{.items[0:2].spec.containers[*].image}", "{.items[::2].metadata.name}", "{..containerPort}",
            "{.items[?(@.metadata.name==\"nothing\")].metadata.name}", "{.items[*].metadata.labels}",
            "{range .items[*]}[{.metadata.name}, {.status.phase}] {end}",
            "{range .items[*]}{.metadata.name}{\"\\t\"}{.status.podIP}{\"\\n\"}{end}",
            "{.items[*].status.conditions[?(@.type==\"Ready\")].status}", "{.items[0].spec.containers[0].ports}",
            "{.items[*].spec.nodeName} and {.items[0].metadata.missing}",
        ]
        for template in templates {
            let ours = try RolloutRun.run(["get", "pods", "-o", "jsonpath=" + template, "--state", state])
            XCTAssertEqual(ours.status, 0, template + ours.stderr)
            XCTAssertEqual(ours.stdout, try kubectl(["get", "pods", "-o", "jsonpath=" + template]), template)
        }
        let one = try RolloutRun.run(["get", "deploy", "web-api", "-o", "jsonpath={.spec.replicas}/{.status.readyReplicas} {.spec.selector}", "--state", state]).stdout
        XCTAssertEqual(one, "3/3 {\"matchLabels\":{\"app\":\"web-api\"}}")
        XCTAssertEqual(try RolloutRun.run(["get", "pods", "-o", "jsonpath={range .items[*]}", "--state", state]).status, 2, "an unclosed range")
        let file = try temporaryDirectory(self).appendingPathComponent("template.txt")
        try "{.spec.replicas}".write(to: file, atomically: true, encoding: .utf8)
        XCTAssertEqual(try RolloutRun.run(["get", "deploy", "web-api", "-o", "jsonpath-file=" + file.path, "--state", state]).stdout, "3")
        XCTAssertEqual(try RolloutRun.run(["get", "deploy", "-o", "jsonpath-file=/nonexistent", "--state", state]).status, 2)
    }

    // `-o custom-columns` (customcolumn.go): relaxed paths, every result joined by commas, Go's
    // `%v` for maps, `<none>` for nothing — compared with kubectl; and the file form.
    func testCustomColumnsMatchKubectl() throws {
        XCTAssertEqual(try RolloutRun.run(["apply", "-f", "examples/manifests/web-api.yaml", "--wait", "--state", state]).status, 0)
        let spec = "custom-columns=NAME:.metadata.name,IMAGE:.spec.containers[*].image,LABELS:metadata.labels,NODE:{.spec.nodeName},PORTS:..containerPort,X:.nope"
        let ours = try RolloutRun.run(["get", "pods", "-o", spec, "--state", state])
        XCTAssertEqual(ours.status, 0, ours.stderr)
        XCTAssertTrue(ours.stdout.hasPrefix("NAME                       IMAGE                           LABELS"), ours.stdout)
        XCTAssertEqual(ours.stdout, try kubectl(["get", "pods", "-o", spec]))
        let file = try temporaryDirectory(self).appendingPathComponent("columns.txt")
        try "NAME   IMAGE\n.metadata.name   .spec.containers[0].image\n".write(to: file, atomically: true, encoding: .utf8)
        let fromFile = try RolloutRun.run(["get", "pods", "-o", "custom-columns-file=" + file.path, "--state", state]).stdout
        XCTAssertEqual(fromFile.split(separator: "\n").count, 4)
        XCTAssertTrue(fromFile.hasPrefix("NAME                       IMAGE\nweb-api-"), fromFile)
        XCTAssertEqual(try RolloutRun.run(["get", "pods", "-o", "custom-columns=NAME", "--state", state]).stderr,
                       "error: unexpected custom-columns spec: NAME, expected <header>:<json-path-expr>\n")
    }

    // `rollout completion bash` loads in bash and completes verbs, types and flags; zsh's
    // goes through bashcompinit; fish's names the verbs. `apply -o yaml` and `events -o yaml`
    // print YAML as kubectl's printers do.
    func testCompletionAndYAMLOutputs() throws {
        let script = """
        source <("\(RolloutRun.binary.path)" completion bash) || exit 9
        complete -p rollout
        COMP_WORDS=(rollout ge); COMP_CWORD=1; _rollout; echo "${COMPREPLY[@]}"
        COMP_WORDS=(rollout get dep); COMP_CWORD=2; _rollout; echo "${COMPREPLY[@]}"
        COMP_WORDS=(rollout drain --st); COMP_CWORD=2; _rollout; echo "${COMPREPLY[@]}"
        """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", script]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        XCTAssertEqual(String(decoding: data, as: UTF8.self), "complete -o default -F _rollout rollout\nget\ndeploy deployments\n--state\n")
        XCTAssertTrue(try RolloutRun.run(["completion", "zsh"]).stdout.hasPrefix("#compdef rollout\n"))
        XCTAssertTrue(try RolloutRun.run(["completion", "fish"]).stdout.contains("-a 'apply cluster completion cordon"))
        XCTAssertEqual(try RolloutRun.run(["completion", "tcsh"]).stderr, "error: Unsupported shell type \"tcsh\".\n")
        XCTAssertEqual(try RolloutRun.run(["help", "completion"]).stdout, try RolloutRun.run(["completion", "--help"]).stdout)
        let applied = try RolloutRun.run(["apply", "-f", "examples/manifests/web-api.yaml", "-o", "yaml", "--state", state]).stdout
        XCTAssertTrue(applied.hasPrefix("apiVersion: apps/v1\nkind: Deployment\n"), applied)
        XCTAssertTrue(applied.contains("\n---\napiVersion: v1\nkind: Service\n"), applied)
        XCTAssertTrue(try RolloutRun.run(["events", "-o", "yaml", "--state", state]).stdout.hasPrefix("apiVersion: v1\nitems:"))
    }

    // `get -w`: the table, then each row again when it changes while virtual time runs, the
    // columns as wide as the header's (RememberWidths); the header comes with the first rows
    // when there were none. The web API's pods: created and pulling at 0 s, running at 4 s (3 s
    // pull, 1 s start), ready at 9 s (readiness probe, initial delay 2 s, period 5 s, after the
    // 5 s warm-up).
    func testGetWatch() throws {
        XCTAssertEqual(try RolloutRun.run(["cluster", "init", "--profile", "bare", "--state", state]).status, 0)
        XCTAssertEqual(try RolloutRun.run(["apply", "-f", "examples/manifests/web-api.yaml", "--state", state]).status, 0)
        let run = try RolloutRun.run(["get", "pods", "-w", "--timeout", "30s", "--state", state])
        XCTAssertEqual(run.status, 0, run.stderr)
        let lines = run.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "NAME                       READY   STATUS              RESTARTS   AGE")
        XCTAssertEqual(lines.count, 10, run.stdout)
        XCTAssertEqual(lines.filter { $0.contains("0/1     ContainerCreating   0          0s") }.count, 3, run.stdout)
        XCTAssertEqual(lines.filter { $0.contains("0/1     Running             0          4s") }.count, 3, run.stdout)
        XCTAssertEqual(lines.filter { $0.contains("1/1     Running             0          9s") }.count, 3, run.stdout)
        // Time passed for good: the pods are 30 s old now.
        XCTAssertTrue(try RolloutRun.run(["get", "pods", "--state", state]).stdout.contains("30s"))
        XCTAssertEqual(try RolloutRun.run(["get", "pods,svc", "-w", "--state", state]).status, 2)
        // --output-watch-events: an EVENT column; a rollout adds pods, modifies them, deletes the old ones.
        XCTAssertEqual(try RolloutRun.run(["apply", "-f", "examples/releases/web-api-1.5.0.yaml", "--state", state]).status, 0)
        let events = try RolloutRun.run(["get", "pods", "-w", "--output-watch-events", "--timeout", "60s", "--state", state]).stdout
        let first = events.split(separator: "\n").map { String($0.prefix { $0 != " " }) }
        XCTAssertEqual(first.first, "EVENT")
        XCTAssertEqual(first.dropFirst().prefix(3), ["ADDED", "ADDED", "ADDED"])
        XCTAssertEqual(first.filter { $0 == "DELETED" }.count, 3, events)
        XCTAssertEqual(first.filter { $0 == "ADDED" }.count, 6, events)
        XCTAssertTrue(first.contains("MODIFIED"), events)
    }

    // describe node (describeNode, describeNodeResource): taints, the pods on it with their
    // requests and limits as truncated percentages of allocatable, the totals — the same lines as
    // kubectl's for the same objects, except those the oracle cannot serve as a cluster would
    // (dates it shifts, the node's Lease, condition times it leaves zero) and pods' ages.
    func testDescribeNodeMatchesKubectl() throws {
        XCTAssertEqual(try RolloutRun.run(["cluster", "init", "--profile", "bare", "--nodes", "2", "--state", state]).status, 0)
        XCTAssertEqual(try RolloutRun.run(["apply", "-f", "examples/manifests/web-api.yaml", "--wait", "--state", state]).status, 0)
        XCTAssertEqual(try RolloutRun.run(["cordon", "node-2", "--state", state]).status, 0)
        let ours = try RolloutRun.run(["describe", "node", "node-2", "--state", state]).stdout
        XCTAssertTrue(ours.contains("Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n  Resource           Requests    Limits\n"), ours)
        XCTAssertTrue(ours.contains("Lease:\n  HolderIdentity:  node-2\n  AcquireTime:     <unset>\n"), ours)
        func comparable(_ text: String) -> [String] {
            var lines: [String] = []
            var inLease = false
            for line in text.split(separator: "\n").map(String.init) {
                if line.hasPrefix("Lease:") { inLease = true; continue }
                if inLease && line.hasPrefix("  ") { continue }
                inLease = false
                if line.hasPrefix("CreationTimestamp:") || line.hasPrefix("  Ready ") { continue }
                // A pod row's age is the oracle's wall clock: compare up to it.
                lines.append(line.hasPrefix("  default ") ? String(line.dropLast(4)) : line)
            }
            return lines
        }
        XCTAssertEqual(comparable(ours), comparable(try kubectl(["describe", "node", "node-2"])))
    }

    // describeNodeResource lists a node's pods with the field selector
    // `spec.nodeName=NODE,status.phase!=Succeeded,status.phase!=Failed` (describe.go): each
    // node its own pods, every pod once, whatever else is described beside it. The pods are
    // found by the stored rows' NODE column, so they must be the ones `get pods -o wide` puts
    // on each node; and a pod both on a described node and of a described ReplicaSet counts
    // once in the ReplicaSet's Pods Status (it once counted twice).
    func testDescribeNodesShowsEachNodesOwnPods() throws {
        XCTAssertEqual(try RolloutRun.run(["cluster", "init", "--profile", "bare", "--nodes", "3", "--state", state]).status, 0)
        XCTAssertEqual(try RolloutRun.run(["apply", "-f", "examples/manifests/web-api.yaml", "--wait", "--state", state]).status, 0)
        var wide: [String: [String]] = [:]
        for line in try RolloutRun.run(["get", "pods", "-o", "wide", "--state", state]).stdout.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ").map(String.init)
            XCTAssertGreaterThan(fields.count, 6, String(line))
            if fields.count > 6 { wide[fields[6], default: []].append(fields[0]) }
        }
        XCTAssertEqual(wide.values.map(\.count).reduce(0, +), 3)
        var each: [String] = []
        for node in ["node-1", "node-2", "node-3"] {
            let run = try RolloutRun.run(["describe", "node", node, "--state", state])
            XCTAssertEqual(run.status, 0, run.stderr)
            let pods = (wide[node] ?? []).sorted()
            XCTAssertTrue(run.stdout.contains("Non-terminated Pods:          (\(pods.count) in total)\n"), run.stdout)
            let listed = run.stdout.split(separator: "\n").filter { $0.hasPrefix("  default ") }.map { String($0.split(separator: " ")[1]) }
            XCTAssertEqual(listed, pods, node)
            each.append(run.stdout)
        }
        XCTAssertEqual(try RolloutRun.run(["describe", "nodes", "--state", state]).stdout, each.joined(separator: "\n\n"))
        let replicaSet = try RolloutRun.run(["get", "rs", "-o", "name", "--state", state]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let both = try RolloutRun.run(["describe", replicaSet, "node/node-1", "node/node-2", "node/node-3", "--state", state]).stdout
        XCTAssertTrue(both.contains("Pods Status:    3 Running / 0 Waiting / 0 Succeeded / 0 Failed\n"), both)
        XCTAssertTrue(both.hasSuffix(each.joined(separator: "\n\n")), both)
    }

    // `-L`: a column per label key, headed by its last path segment in capitals, empty where
    // the label is missing — as kubectl heads and fills them.
    func testLabelColumns() throws {
        XCTAssertEqual(try RolloutRun.run(["cluster", "init", "--profile", "bare", "--nodes", "2", "--zones", "a,b", "--nodes", "1", "--node-labels", "pool=big",
                                           "--state", state]).status, 0)
        let ours = try RolloutRun.run(["get", "nodes", "-L", "topology.kubernetes.io/zone,pool", "--state", state]).stdout
        XCTAssertEqual(ours, """
        NAME     STATUS   ROLES           AGE   VERSION   ZONE   POOL
        node-1   Ready    control-plane   60s   v1.32.0   a      \n\
        node-2   Ready    <none>          60s   v1.32.0   b      \n\
        node-3   Ready    <none>          60s   v1.32.0          big

        """)
        XCTAssertTrue(try kubectl(["get", "nodes", "-L", "topology.kubernetes.io/zone,pool"]).hasPrefix("NAME     AGE   ZONE   POOL\n"))
    }

    // `--no-headers`: the rows alone, laid out without the header line, so a column is as wide
    // as its widest cell (UP-TO-DATE no longer widens its column of zeros), no blank line
    // between kinds (kubectl's get.go `Run` adds one only `!o.NoHeaders`), in watches and
    // custom columns too; "No resources found" still goes to stderr.
    func testNoHeaders() throws {
        XCTAssertEqual(try RolloutRun.run(["apply", "-f", "examples/manifests/", "--state", state]).status, 0)
        func ours(_ arguments: String...) throws -> RolloutRun { try RolloutRun.run(arguments + ["--state", state]) }
        XCTAssertEqual(try ours("get", "deploy", "--no-headers").stdout, "web-api   0/3   0     0     0s\n")
        XCTAssertEqual(try ours("get", "deploy", "web-api", "-o", "wide", "--no-headers").stdout.split(separator: "\n").count, 1)
        XCTAssertEqual(try ours("get", "deploy,svc", "--no-headers").stdout, """
            deployment.apps/web-api   0/3   0     0     0s
            service/kubernetes   ClusterIP      10.43.0.1    <none>      443/TCP          60s
            service/web-api      LoadBalancer   10.43.0.11   <pending>   8081:32383/TCP   0s

            """)
        XCTAssertEqual(try ours("get", "deploy", "-o", "custom-columns=NAME:.metadata.name,REPLICAS:.spec.replicas", "--no-headers").stdout, "web-api   3\n")
        let none = try ours("get", "pods", "--no-headers")
        XCTAssertEqual(none.stdout, "")
        XCTAssertEqual(none.stderr, "No resources found in default namespace.\n")
        let watched = try ours("get", "deploy", "-w", "--no-headers", "--timeout", "30s")
        XCTAssertEqual(watched.stdout, "web-api   0/3   0     0     0s\nweb-api   0/3   3     0     0s\nweb-api   3/3   3     3     9s\n")
        // kubectl's own printer (its NAME and AGE columns) on the same objects: no header and
        // no blank line between the kinds either.
        let theirs = try kubectl(["get", "deploy,svc", "--no-headers"])
        XCTAssertFalse(theirs.contains("NAME"), theirs)
        XCTAssertFalse(theirs.contains("\n\n"), theirs)
        XCTAssertEqual(theirs.split(separator: "\n").map { $0.split(separator: " ").first.map(String.init) ?? "" },
                       try ours("get", "deploy,svc", "--no-headers").stdout.split(separator: "\n").map { $0.split(separator: " ").first.map(String.init) ?? "" })
    }

    // Hostile templates: a parse error (exit 2 on the command line) or an answer, never a trap —
    // a step of Int.max once overflowed the slice's index.
    func testJSONPathNeverTraps() throws {
        let value = Value.object(Object(["items": .array((0..<5).map { .object(Object(["n": .int($0)])) })]))
        let templates = ["{.items[1:3:9223372036854775807].n}", "{.items[-9223372036854775807].n}", "{.items[9223372036854775807:].n}",
                         "{.items[?(@.n > 9223372036854775807)].n}", "{..}", "{.items[*]['n','x']}", "{.a\\}", "{.items[?()]}"]
        for template in templates {
            if let path = try? JSONPath(template) { _ = path.execute(value) }
        }
        XCTAssertEqual(try JSONPath("{.items[1:3:9223372036854775807].n}").execute(value), "1")
        XCTAssertEqual(try JSONPath("{.items[?(@.n >= 3)].n}").execute(value), "3 4")
        for bad in ["{", "{[", "{range .items[*]}", "{end}", "{.items[0:99999999999999999999]}"] {
            XCTAssertThrowsError(try JSONPath(bad), bad)
        }
    }

    /// Colour on a terminal only (https://no-color.org): `script` gives the command a TTY; the
    /// markers are painted there, and not with NO_COLOR, --no-color, TERM=dumb or a pipe.
    func testColourOnATerminalOnly() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "script (util-linux) absent")
        func terminal(_ command: String, environment: [String: String] = [:]) throws -> String {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
            process.arguments = ["-qc", "\(RolloutRun.binary.path) \(command)", "/dev/null"]
            process.currentDirectoryURL = Corpus.packageRoot
            var env = ProcessInfo.processInfo.environment
            env["NO_COLOR"] = nil
            env["TERM"] = "xterm"
            for (key, value) in environment { env[key] = value }
            process.environment = env
            let out = Pipe()
            process.standardOutput = out
            try process.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return String(decoding: data, as: UTF8.self)
        }
        let painted = try terminal("lint -f examples/unsafe/")
        XCTAssertTrue(painted.contains("\u{1B}[31m\u{1B}[1merror[no-readiness-probe]\u{1B}[0m deployment.apps/naive-api"), painted)
        XCTAssertTrue(painted.contains("\u{1B}[33mwarning[no-resource-requests]\u{1B}[0m"), painted)
        for (command, environment) in [("lint -f examples/unsafe/", ["NO_COLOR": "1"]), ("lint -f examples/unsafe/ --no-color", [:]), ("lint -f examples/unsafe/", ["TERM": "dumb"])] {
            XCTAssertFalse(try terminal(command, environment: environment).contains("\u{1B}["), "\(command) \(environment)")
        }
        XCTAssertFalse(try RolloutRun.run(["lint", "-f", "examples/unsafe/"]).stdout.contains("\u{1B}["), "not a terminal")
        XCTAssertEqual(TerminalColour.paint("--- a\n+++ b\n@@ -1 +1 @@\n-x\n+y\n z", .diff),
                       "\u{1B}[1m--- a\u{1B}[0m\n\u{1B}[1m+++ b\u{1B}[0m\n\u{1B}[36m@@ -1 +1 @@\u{1B}[0m\n\u{1B}[31m-x\u{1B}[0m\n\u{1B}[32m+y\u{1B}[0m\n z")
    }
}

extension KubectlConventionTests {
    // describe pod as kubectl 1.32 writes it (checked with kubectl-oracle): an env var's
    // `fieldRef` shows the pod's name or namespace (EnvValueRetriever: the only paths that are
    // both field labels and extracted by ExtractFieldPathAsString) and nothing for others,
    // with the `apiVersion` the API server defaults (SetDefaults_ObjectFieldSelector: v1);
    // tolerations sorted by key (printTolerationsMultilineWithIndent).
    func testDescribePodResolvesFieldRefsAndSortsTolerations() throws {
        XCTAssertEqual(try RolloutRun.run(["cluster", "init", "--profile", "bare", "--state", state]).status, 0)
        let pod = """
        apiVersion: v1
        kind: Pod
        metadata: {name: probe, labels: {app: probe}}
        spec:
          containers:
          - name: c
            image: "busybox:1.36"
            env:
            - name: POD_NAME
              valueFrom: {fieldRef: {fieldPath: metadata.name}}
            - name: APP
              valueFrom: {fieldRef: {fieldPath: "metadata.labels['app']"}}
            - name: NODE
              valueFrom: {fieldRef: {fieldPath: spec.nodeName}}
          tolerations:
          - {key: zeta, operator: Exists}
          - {key: alpha, operator: Equal, value: "1", effect: NoSchedule}

        """
        let file = try temporaryDirectory(self).appendingPathComponent("pod.yaml")
        try pod.write(to: file, atomically: true, encoding: .utf8)
        XCTAssertEqual(try RolloutRun.run(["apply", "-f", file.path, "--state", state]).status, 0)
        let describe = try RolloutRun.run(["describe", "pod", "probe", "--state", state]).stdout
        XCTAssertTrue(describe.contains("      POD_NAME:  probe (v1:metadata.name)\n      APP:        (v1:metadata.labels['app'])\n      NODE:       (v1:spec.nodeName)\n"), describe)
        // (Aligned past the token volume's `TokenExpirationSeconds:`, as kubectl aligns it.)
        XCTAssertTrue(describe.contains("Tolerations:                 alpha=1:NoSchedule\n                             node.kubernetes.io/not-ready:NoExecute op=Exists for 300s\n                             node.kubernetes.io/unreachable:NoExecute op=Exists for 300s\n                             zeta op=Exists\n"), describe)
    }
}

extension KubectlConventionTests {
    // describeEndpoints (kubectl 1.32 describe.go; this text is what kubectl-oracle printed
    // for the same state): addresses joined by commas, `<none>` for none, the ports table,
    // a blank line after each subset.
    func testDescribeEndpointsAsKubectl() throws {
        XCTAssertEqual(try RolloutRun.run(["cluster", "init", "--profile", "bare", "--nodes", "2", "--state", state]).status, 0)
        XCTAssertEqual(try RolloutRun.run(["apply", "-f", "examples/manifests/", "--wait", "--state", state]).status, 0)
        XCTAssertEqual(try RolloutRun.run(["describe", "endpoints", "web-api", "--state", state]).stdout, """
        Name:         web-api
        Namespace:    default
        Labels:       app=web-api
        Annotations:  <none>
        Subsets:
          Addresses:          10.42.0.2,10.42.0.3,10.42.1.2
          NotReadyAddresses:  <none>
          Ports:
            Name  Port  Protocol
            ----  ----  --------
            http  8080  TCP

        Events:  <none>

        """)
    }
}

extension KubectlConventionTests {
    // printStorageClass (pkg/printers/internalversion/printers.go): "(default)" after the
    // default class's name; k3s' local-path.
    func testGetStorageClassesAsKubectl() throws {
        XCTAssertEqual(try RolloutRun.run(["cluster", "init", "--state", state]).status, 0)
        XCTAssertEqual(try RolloutRun.run(["get", "storageclasses", "--state", state]).stdout, """
        NAME                   PROVISIONER             RECLAIMPOLICY   VOLUMEBINDINGMODE      ALLOWVOLUMEEXPANSION   AGE
        local-path (default)   rancher.io/local-path   Delete          WaitForFirstConsumer   false                  60s

        """)
    }
}

extension KubectlConventionTests {
    // The API server refuses to delete the immortal namespaces (NamespaceLifecycle admission:
    // default, kube-system, kube-public) and the system PriorityClasses (the priorityclass
    // registry's Delete), in errors.NewForbidden's words; the others in the same command go,
    // and the exit status is 1. Nothing of kube-system is touched.
    func testImmortalNamespacesAndSystemPriorityClassesAreNotDeleted() throws {
        XCTAssertEqual(try RolloutRun.run(["cluster", "init", "--state", state]).status, 0)
        let pods = try RolloutRun.run(["get", "pods", "-n", "kube-system", "-o", "name", "--state", state]).stdout
        let run = try RolloutRun.run(["delete", "namespace", "kube-system", "default", "kube-public", "kube-node-lease", "--state", state])
        XCTAssertEqual(run.status, 1)
        XCTAssertEqual(run.stdout, "namespace \"kube-node-lease\" deleted\n")
        XCTAssertEqual(run.stderr, """
        Error from server (Forbidden): namespaces "kube-system" is forbidden: this namespace may not be deleted
        Error from server (Forbidden): namespaces "default" is forbidden: this namespace may not be deleted
        Error from server (Forbidden): namespaces "kube-public" is forbidden: this namespace may not be deleted

        """)
        XCTAssertEqual(try RolloutRun.run(["get", "pods", "-n", "kube-system", "-o", "name", "--state", state]).stdout, pods)
        XCTAssertFalse(pods.isEmpty)
        // A system class applied as an object (as a real cluster has it) is refused too.
        let file = try temporaryDirectory(self).appendingPathComponent("pc.yaml")
        try "apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: system-node-critical}\nvalue: 2000001000\n".write(to: file, atomically: true, encoding: .utf8)
        XCTAssertEqual(try RolloutRun.run(["apply", "-f", file.path, "--state", state]).status, 0)
        let pc = try RolloutRun.run(["delete", "priorityclass", "system-node-critical", "--state", state])
        XCTAssertEqual(pc.status, 1)
        XCTAssertEqual(pc.stderr, "Error from server (Forbidden): priorityclasses.scheduling.k8s.io \"system-node-critical\" is forbidden: this is a system priority class and cannot be deleted\n")
    }
}

extension KubectlConventionTests {
    // `apply --prune` as kubectl 1.32's client-side prune (`kubectl/pkg/cmd/apply/prune.go`):
    // `pruneAll` walks each visited namespace's namespaced kinds (the default allowlist's order,
    // `getRESTMappings`), then Namespace, then PersistentVolume, and returns at the first
    // delete the API server refuses — the NamespaceLifecycle plugin's Forbidden for an immortal
    // namespace (`plugin/pkg/admission/namespace/lifecycle/admission.go`), wrapped as `error
    // pruning nonNamespaced object /v1, Kind=Namespace: …` (schema.GroupVersionKind.String);
    // `cmdutil.CheckErr` prints it after `error: ` and exits 1. What was applied and pruned
    // before it stays: the applies went to the server first (`PrintAndPrunePostProcessor`
    // prunes after them).
    func testPruneStopsAtADeleteTheServerRefuses() throws {
        XCTAssertEqual(try RolloutRun.run(["cluster", "init", "--profile", "bare", "--state", state]).status, 0)
        let dir = try temporaryDirectory(self)
        let configMap = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, labels: {set: a}}\n"
        let namespace = { (name: String) in "apiVersion: v1\nkind: Namespace\nmetadata: {name: \(name), labels: {set: a}}\n---\n" }
        let first = dir.appendingPathComponent("all.yaml"), second = dir.appendingPathComponent("cm.yaml")
        try (namespace("alpha") + namespace("kube-public") + namespace("team") + configMap).write(to: first, atomically: true, encoding: .utf8)
        try configMap.write(to: second, atomically: true, encoding: .utf8)
        // `kube-public`, made by the cluster, has no last-applied annotation: kubectl warns as
        // it patches one in (`apply.go` applyOneObject, `warningNoLastAppliedConfigAnnotation`,
        // the object named by its plural without a group) — not in a client dry run, which
        // sends no patch.
        let warning = "Warning: resource namespaces/kube-public is missing the kubectl.kubernetes.io/last-applied-configuration annotation which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.\n"
        XCTAssertEqual(try RolloutRun.run(["apply", "-f", first.path, "--dry-run=client", "--state", state]).stderr, "")
        XCTAssertEqual(try RolloutRun.run(["apply", "-f", first.path, "--dry-run=server", "--state", state]).stderr, warning)
        let applied = try RolloutRun.run(["apply", "-f", first.path, "--state", state])
        XCTAssertEqual(applied.status, 0)
        XCTAssertEqual(applied.stderr, warning)
        XCTAssertEqual(try RolloutRun.run(["apply", "-f", first.path, "--state", state]).stderr, "", "patched in: no warning the second time")
        // A client dry run asks the server nothing: every one is listed as pruned.
        let client = try RolloutRun.run(["apply", "-f", second.path, "--prune", "-l", "set=a", "--dry-run=client", "--state", state])
        XCTAssertEqual(client.status, 0, client.stderr)
        XCTAssertEqual(client.stdout, "configmap/c configured (dry run)\nnamespace/alpha pruned (dry run)\nnamespace/kube-public pruned (dry run)\nnamespace/team pruned (dry run)\n")
        let refusal = "error: error pruning nonNamespaced object /v1, Kind=Namespace: namespaces \"kube-public\" is forbidden: this namespace may not be deleted\n"
        // A server dry run is refused as the delete would be; nothing is stored either way.
        let server = try RolloutRun.run(["apply", "-f", second.path, "--prune", "-l", "set=a", "--dry-run=server", "--state", state])
        XCTAssertEqual(server.status, 1)
        XCTAssertEqual(server.stdout, "configmap/c unchanged (server dry run)\nnamespace/alpha pruned (server dry run)\n")
        XCTAssertEqual(server.stderr, refusal)
        let namespaces = "namespace/alpha\nnamespace/default\nnamespace/kube-node-lease\nnamespace/kube-public\nnamespace/kube-system\nnamespace/team\n"
        XCTAssertEqual(try RolloutRun.run(["get", "namespaces", "-o", "name", "--state", state]).stdout, namespaces)
        // Namespaces are listed by name: alpha goes, kube-public is refused, team is not reached.
        let pruned = try RolloutRun.run(["apply", "-f", second.path, "--prune", "-l", "set=a", "--state", state])
        XCTAssertEqual(pruned.status, 1)
        XCTAssertEqual(pruned.stdout, "configmap/c unchanged\nnamespace/alpha pruned\n")
        XCTAssertEqual(pruned.stderr, refusal)
        XCTAssertEqual(try RolloutRun.run(["get", "namespaces", "-o", "name", "--state", state]).stdout,
                       namespaces.replacingOccurrences(of: "namespace/alpha\n", with: ""))
        // With --wait (rollout's own flag) the same: what was done is stored, nothing is waited
        // for, exit 1; `-o name` prints the names kubectl's printer would.
        let beta = dir.appendingPathComponent("beta.yaml")
        try (namespace("beta") + configMap).write(to: beta, atomically: true, encoding: .utf8)
        XCTAssertEqual(try RolloutRun.run(["apply", "-f", beta.path, "--state", state]).status, 0)
        let waited = try RolloutRun.run(["apply", "-f", second.path, "--prune", "-l", "set=a", "--wait", "-o", "name", "--state", state])
        XCTAssertEqual(waited.status, 1)
        XCTAssertEqual(waited.stdout, "configmap/c\nnamespace/beta\n")
        XCTAssertEqual(waited.stderr, refusal)
        XCTAssertFalse(try RolloutRun.run(["get", "namespaces", "-o", "name", "--state", state]).stdout.contains("namespace/beta"), "pruned and stored")
    }

    // The order and the namespaces of a prune (`pruneAll`): every namespaced kind of each
    // visited namespace before the cluster-scoped kinds; a namespace is visited when an applied
    // namespaced object is in it (`MarkNamespaceVisited`), or when `-n` names it (`Run`:
    // `if o.EnforceNamespace { o.VisitedNamespaces.Insert(o.Namespace) }`) — not otherwise,
    // so a file of cluster-scoped objects prunes no namespaced one.
    func testPruneWalksTheVisitedNamespacesThenTheClusterScopedKinds() throws {
        XCTAssertEqual(try RolloutRun.run(["cluster", "init", "--profile", "bare", "--state", state]).status, 0)
        let dir = try temporaryDirectory(self)
        func object(_ kind: String, _ name: String, namespace: String? = nil) -> String {
            let apiVersion = kind == "Deployment" ? "apps/v1" : "v1"
            var text = "apiVersion: \(apiVersion)\nkind: \(kind)\nmetadata: {name: \(name)\(namespace.map { ", namespace: \($0)" } ?? ""), labels: {set: a}}\n"
            if kind == "Service" { text += "spec: {ports: [{port: 80}]}\n" }
            if kind == "Deployment" {
                text += "spec: {selector: {matchLabels: {app: d}}, template: {metadata: {labels: {app: d}}, spec: {containers: [{name: c, image: nginx}]}}}\n"
            }
            return text + "---\n"
        }
        let everything = dir.appendingPathComponent("all.yaml")
        try (object("Namespace", "zeta") + object("Namespace", "other") + object("Deployment", "web") + object("Service", "web")
             + object("ConfigMap", "settings") + object("ConfigMap", "far", namespace: "other") + object("ConfigMap", "kept"))
            .write(to: everything, atomically: true, encoding: .utf8)
        XCTAssertEqual(try RolloutRun.run(["apply", "-f", everything.path, "--state", state]).status, 0)
        // Only the Namespaces again: no namespace is visited, so only the cluster-scoped kinds
        // are pruned (none: both Namespaces are applied).
        let namespaces = dir.appendingPathComponent("ns.yaml")
        try (object("Namespace", "zeta") + object("Namespace", "other")).write(to: namespaces, atomically: true, encoding: .utf8)
        let none = try RolloutRun.run(["apply", "-f", namespaces.path, "--prune", "-l", "set=a", "--state", state])
        XCTAssertEqual(none.status, 0, none.stderr)
        XCTAssertEqual(none.stdout, "namespace/zeta unchanged\nnamespace/other unchanged\n")
        // `-n default` given: `default` is visited, its labelled objects go (ConfigMaps, then
        // the Service, then the Deployment: the allowlist's order; by name within a kind);
        // `other` is not, its ConfigMap is not listed.
        let enforced = try RolloutRun.run(["apply", "-f", namespaces.path, "-n", "default", "--prune", "-l", "set=a", "--dry-run=client", "--state", state])
        XCTAssertEqual(enforced.status, 0, enforced.stderr)
        XCTAssertEqual(enforced.stdout, "namespace/zeta configured (dry run)\nnamespace/other configured (dry run)\nconfigmap/kept pruned (dry run)\n"
                       + "configmap/settings pruned (dry run)\nservice/web pruned (dry run)\ndeployment.apps/web pruned (dry run)\n")
        // One ConfigMap of `default` applied: the other objects of `default` go first, then the
        // Namespaces no longer applied — `namespace/zeta pruned` after `deployment.apps/web`,
        // though Namespace comes third in kubectl's allowlist.
        let kept = dir.appendingPathComponent("kept.yaml")
        try object("ConfigMap", "kept").write(to: kept, atomically: true, encoding: .utf8)
        let run = try RolloutRun.run(["apply", "-f", kept.path, "--prune", "-l", "set=a", "--state", state])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.stdout, "configmap/kept unchanged\nconfigmap/settings pruned\nservice/web pruned\ndeployment.apps/web pruned\nnamespace/other pruned\nnamespace/zeta pruned\n")
        XCTAssertEqual(try RolloutRun.run(["get", "namespaces", "-o", "name", "--state", state]).stdout,
                       "namespace/default\nnamespace/kube-node-lease\nnamespace/kube-public\nnamespace/kube-system\n")
    }
}

extension KubectlConventionTests {
    /// Rows of `events` or of describe's Events section without the age column (kubectl-oracle
    /// shifts times by the wall clock, which may pass a second boundary between the two runs):
    /// each line's cells, split where two spaces or more part them.
    private func rowsWithoutAges(_ text: String, ageColumn: Int) -> [[String]] {
        text.split(separator: "\n").map { line in
            var cells = line.split(separator: "  ", omittingEmptySubsequences: true).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            if cells.count > ageColumn { cells.remove(at: ageColumn) }
            return cells
        }
    }

    // `kubectl events` lists events in the API server's order and sorts them by time alone with
    // Go's unstable sort (events.go Run: sort.Sort(SortableEvents)); describe does the same with
    // lastTimestamp (describe.go DescribeEvents, pkg/util/event SortableEvents). Events of one
    // second therefore print in the order that sort leaves them, not by name: past 12 events
    // the two differ. Checked against the real kubectl on the examples (65 events, most in
    // two seconds) and on 60 events about one Service in four seconds.
    func testEventsOfOneSecondPrintInKubectlsOrder() throws {
        XCTAssertEqual(try RolloutRun.run(["apply", "-f", "examples/manifests/", "--wait", "--state", state]).status, 0)
        XCTAssertEqual(try RolloutRun.run(["apply", "-f", "examples/releases/web-api-1.5.0.yaml", "--wait", "--state", state]).status, 0)
        let ours = try RolloutRun.run(["events", "-A", "--state", state]).stdout
        // The case exercises ties: by (time, name) the rows would come in another order.
        let names = { (json: String) -> [String] in
            let list = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
            return (list?["items"] as? [[String: Any]] ?? []).compactMap { ($0["metadata"] as? [String: Any])?["name"] as? String }
        }
        let ourJSON = try RolloutRun.run(["events", "-A", "-o", "json", "--state", state]).stdout
        XCTAssertEqual(names(ourJSON).count, 65)
        XCTAssertNotEqual(names(ourJSON), names(try RolloutRun.run(["get", "events", "-A", "-o", "json", "--state", state]).stdout))
        XCTAssertEqual(rowsWithoutAges(ours, ageColumn: 1), rowsWithoutAges(try kubectl(["events", "-A"]), ageColumn: 1))
        XCTAssertEqual(names(ourJSON), names(try kubectl(["events", "-A", "-o", "json"])))
        XCTAssertEqual(rowsWithoutAges(try RolloutRun.run(["events", "--state", state]).stdout, ageColumn: 0),
                       rowsWithoutAges(try kubectl(["events"]), ageColumn: 0))

        // 60 events about the Service, in four seconds: describe's Events section.
        let uid = try RolloutRun.run(["get", "service", "web-api", "-o", "jsonpath={.metadata.uid}", "--state", state]).stdout
        XCTAssertFalse(uid.isEmpty)
        let events = (0..<60).map { i in
            let at = "2025-01-01T00:00:0\((i * 7919 + 3) % 4)Z"
            return """
            apiVersion: v1
            kind: Event
            metadata: {name: web-api.x\(i), namespace: default}
            involvedObject: {apiVersion: v1, kind: Service, name: web-api, namespace: default, uid: \(uid)}
            reason: R\(i)
            message: m\(i)
            type: Normal
            source: {component: test}
            firstTimestamp: "\(at)"
            lastTimestamp: "\(at)"
            count: 1

            """
        }.joined(separator: "---\n")
        let file = try temporaryDirectory(self).appendingPathComponent("events.yaml")
        try events.write(to: file, atomically: true, encoding: .utf8)
        XCTAssertEqual(try RolloutRun.run(["apply", "-f", file.path, "--state", state]).status, 0)
        let section = { (text: String) in text.components(separatedBy: "\nEvents:\n").last ?? "" }
        let described = section(try RolloutRun.run(["describe", "service", "web-api", "--state", state]).stdout)
        // The heading and its dashes, the service controller's four events and the sixty.
        XCTAssertEqual(described.split(separator: "\n").count, 2 + 4 + 60)
        XCTAssertEqual(rowsWithoutAges(described, ageColumn: 2), rowsWithoutAges(section(try kubectl(["describe", "service", "web-api"])), ageColumn: 2))
    }
}

extension KubectlConventionTests {
    // printTolerationsMultilineWithIndent sorts by key with sort.Slice (Go 1.23's pdqsort):
    // past 12 tolerations those of one key are not left in the order written. The text is what
    // kubectl v1.32 printed for this pod through kubectl-oracle.
    func testDescribePodSortsManyTolerationsAsKubectl() throws {
        XCTAssertEqual(try RolloutRun.run(["cluster", "init", "--profile", "bare", "--state", state]).status, 0)
        let tolerations = (0..<16).map { "  - {key: \(["b", "a", "c"][$0 % 3]), operator: Equal, value: \"v\($0)\", effect: NoSchedule}" }
        let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: probe}\nspec:\n  containers:\n  - {name: c, image: \"busybox:1.36\"}\n  tolerations:\n"
            + tolerations.joined(separator: "\n") + "\n"
        let file = try temporaryDirectory(self).appendingPathComponent("pod.yaml")
        try pod.write(to: file, atomically: true, encoding: .utf8)
        XCTAssertEqual(try RolloutRun.run(["apply", "-f", file.path, "--state", state]).status, 0)
        let section = { (text: String) -> String in
            guard let start = text.range(of: "\nTolerations:"), let end = text.range(of: "\nEvents:", range: start.upperBound..<text.endIndex) else { return "" }
            return String(text[start.lowerBound..<end.lowerBound])
        }
        let ours = section(try RolloutRun.run(["describe", "pod", "probe", "--state", state]).stdout)
        let values = [7, 1, 13, 10, 4, 12, 6, 9, 3, 0, 15, 5, 8, 11, 2, 14]
        // (Aligned past the token volume's `TokenExpirationSeconds:`, as kubectl aligns it.)
        let indent = "\n" + String(repeating: " ", count: 29)
        let expected = values.enumerated().map { i, v in (i == 0 ? "\nTolerations:" + String(repeating: " ", count: 17) : indent) + "\(["b", "a", "c"][v % 3])=v\(v):NoSchedule" }.joined()
            + indent + "node.kubernetes.io/not-ready:NoExecute op=Exists for 300s" + indent + "node.kubernetes.io/unreachable:NoExecute op=Exists for 300s"
        XCTAssertEqual(ours, expected)
        XCTAssertEqual(section(try kubectl(["describe", "pod", "probe"])), ours)
    }
}

extension KubectlConventionTests {
    // describePersistentVolumeClaim and describePersistentVolume (kubectl 1.32 describe.go:
    // printPersistentVolumeClaim, printPodsMultiline, printVolumeNodeAffinity,
    // printNodeSelectorTermsMultilineWithIndent, printHostPathVolumeSource,
    // GetAccessModesAsString). A claim applied on its own gets what the API server gives it
    // (the default StorageClass, the protection finalizer, Filesystem, Pending: the
    // DefaultStorageClass and StorageObjectInUseProtection plugins, SetDefaults_*), and is bound
    // on the node its first pod is scheduled to (local-path is WaitForFirstConsumer).
    func testDescribeClaimsAndVolumesAsKubectl() throws {
        XCTAssertEqual(try RolloutRun.run(["cluster", "init", "--nodes", "1", "--state", state]).status, 0)
        let dir = try temporaryDirectory(self)
        let claim = dir.appendingPathComponent("claim.yaml")
        try "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: scratch, labels: {team: a}}\nspec:\n  accessModes: [ReadWriteOncePod, ReadWriteOnce]\n  resources: {requests: {storage: 1Gi}}\n"
            .write(to: claim, atomically: true, encoding: .utf8)
        XCTAssertEqual(try RolloutRun.run(["apply", "-f", claim.path, "--state", state]).status, 0)
        XCTAssertEqual(try RolloutRun.run(["describe", "pvc", "scratch", "--state", state]).stdout, """
            Name:          scratch
            Namespace:     default
            StorageClass:  local-path
            Status:        Pending
            Volume:        
            Labels:        team=a
            Annotations:   <none>
            Finalizers:    [kubernetes.io/pvc-protection]
            Capacity:      
            Access Modes:  
            VolumeMode:    Filesystem
            Used By:       <none>
            Events:        <none>

            """)
        let app = dir.appendingPathComponent("app.yaml")
        try deploymentYAML("app", replicas: 1, spec: "containers:\n- {name: app, image: \"app:1\"}\nvolumes:\n- name: data\n  persistentVolumeClaim: {claimName: scratch}")
            .write(to: app, atomically: true, encoding: .utf8)
        XCTAssertEqual(try RolloutRun.run(["apply", "-f", app.path, "--wait", "--state", state]).status, 0)
        let pod = try RolloutRun.run(["get", "pods", "-l", "app=app", "-o", "jsonpath={.items[0].metadata.name}", "--state", state]).stdout
        let uid = try RolloutRun.run(["get", "pvc", "scratch", "-o", "jsonpath={.metadata.uid}", "--state", state]).stdout
        XCTAssertFalse(pod.isEmpty || uid.isEmpty)
        XCTAssertEqual(try RolloutRun.run(["describe", "pvc", "scratch", "--state", state]).stdout, """
            Name:          scratch
            Namespace:     default
            StorageClass:  local-path
            Status:        Bound
            Volume:        pvc-\(uid)
            Labels:        team=a
            Annotations:   pv.kubernetes.io/bind-completed: yes
                           pv.kubernetes.io/bound-by-controller: yes
                           volume.beta.kubernetes.io/storage-provisioner: rancher.io/local-path
                           volume.kubernetes.io/selected-node: node-1
                           volume.kubernetes.io/storage-provisioner: rancher.io/local-path
            Finalizers:    [kubernetes.io/pvc-protection]
            Capacity:      1Gi
            Access Modes:  RWO,RWOP
            VolumeMode:    Filesystem
            Used By:       \(pod)
            Events:        <none>

            """)
        XCTAssertEqual(try RolloutRun.run(["describe", "pv", "pvc-\(uid)", "--state", state]).stdout, """
            Name:              pvc-\(uid)
            Labels:            <none>
            Annotations:       local.path.provisioner/selected-node: node-1
                               pv.kubernetes.io/provisioned-by: rancher.io/local-path
            Finalizers:        [kubernetes.io/pv-protection]
            StorageClass:      local-path
            Status:            Bound
            Claim:             default/scratch
            Reclaim Policy:    Delete
            Access Modes:      RWO,RWOP
            VolumeMode:        Filesystem
            Capacity:          1Gi
            Node Affinity:     
              Required Terms:  
                Term 0:        kubernetes.io/hostname in [node-1]
            Message:           
            Source:
                Type:          HostPath (bare host directory volume)
                Path:          /var/lib/rancher/k3s/storage/pvc-\(uid)_default_scratch
                HostPathType:  DirectoryOrCreate
            Events:            <none>

            """)
    }
}

extension KubectlConventionTests {
    // describeStorageClass and describePriorityClass (kubectl 1.32 describe.go): annotations and
    // parameters as labels.FormatLabels writes them (pairs sorted as whole strings — `a.b=1`
    // before `a=2` —, joined by commas), printBoolPtr, mount options one a line,
    // printAllowedTopologies; a PriorityClass's value, global default, policy, description.
    func testDescribeStorageAndPriorityClassesAsKubectl() throws {
        XCTAssertEqual(try RolloutRun.run(["cluster", "init", "--profile", "bare", "--state", state]).status, 0)
        let file = try temporaryDirectory(self).appendingPathComponent("classes.yaml")
        try """
            apiVersion: storage.k8s.io/v1
            kind: StorageClass
            metadata:
              name: fast
              annotations: {a: "2", a.b: "1"}
            provisioner: ebs.csi.aws.com
            parameters: {type: gp3, iops: "3000"}
            allowVolumeExpansion: true
            mountOptions: [noatime, nodiratime]
            reclaimPolicy: Retain
            volumeBindingMode: WaitForFirstConsumer
            allowedTopologies:
            - matchLabelExpressions:
              - {key: topology.kubernetes.io/zone, values: [eu-west-1a, eu-west-1b]}
            ---
            apiVersion: scheduling.k8s.io/v1
            kind: PriorityClass
            metadata: {name: batch}
            value: 100
            description: Jobs that can wait.

            """.write(to: file, atomically: true, encoding: .utf8)
        XCTAssertEqual(try RolloutRun.run(["apply", "-f", file.path, "--state", state]).status, 0)
        let described = try RolloutRun.run(["describe", "storageclass", "fast", "--state", state]).stdout
        let lastApplied = try XCTUnwrap(described.split(separator: "\n").first { $0.hasPrefix("Annotations:") })
        // (The annotation's JSON ends in a newline, which ends the tab writer's block of aligned
        // lines there, as it does in kubectl's output for k3s' local-path.)
        XCTAssertTrue(lastApplied.hasPrefix("Annotations:     a.b=1,a=2,kubectl.kubernetes.io/last-applied-configuration={"), String(lastApplied))
        XCTAssertTrue(described.hasPrefix("Name:            fast\nIsDefaultClass:  No\n"), described)
        XCTAssertTrue(described.hasSuffix("""
            Provisioner:           ebs.csi.aws.com
            Parameters:            iops=3000,type=gp3
            AllowVolumeExpansion:  True
            MountOptions:
              noatime
              nodiratime
            ReclaimPolicy:      Retain
            VolumeBindingMode:  WaitForFirstConsumer
            AllowedTopologies:  
              Term 0:           topology.kubernetes.io/zone in [eu-west-1a, eu-west-1b]
            Events:             <none>

            """), described)
        XCTAssertEqual(try RolloutRun.run(["describe", "priorityclass", "batch", "--state", state]).stdout, """
            Name:              batch
            Value:             100
            GlobalDefault:     false
            PreemptionPolicy:  PreemptLowerPriority
            Description:       Jobs that can wait.
            Annotations:       kubectl.kubernetes.io/last-applied-configuration={"apiVersion":"scheduling.k8s.io/v1","description":"Jobs that can wait.","kind":"PriorityClass","metadata":{"annotations":{},"name":"batch"},"value":100}

            Events:  <none>

            """)
    }
}

extension KubectlConventionTests {
    // printHostPathVolumeSource (describe.go), one for pod volumes and volumes' sources: the
    // type as set (the API server defaults it to ""), `<none>` when absent.
    func testAHostPathSourceWithoutTypeSaysNone() {
        let unset = Describer.hostPathSource(.object(Object(["path": .string("/data")])))
        XCTAssertEqual(unset.type, "HostPath (bare host directory volume)")
        XCTAssertEqual(unset.fields.map { "\($0.0)=\($0.1)" }, ["Path=/data", "HostPathType=<none>"])
        XCTAssertEqual(Describer.hostPathSource(.object(Object(["path": .string("/data"), "type": .string("")]))).fields.last?.1, "")
    }
}

extension KubectlConventionTests {
    // A patch that changes nothing: kubectl says `configured` (`apply.go` applyOneObject: only
    // a `{}` patch is `unchanged`; `0.5` is sent again where the object holds `500m`), the
    // object and its resourceVersion stay, and `plan`, which says what happens, says
    // `unchanged` and predicts no rollout.
    func testAPatchThatChangesNothingIsConfiguredButNothingMoves() throws {
        XCTAssertEqual(try RolloutRun.run(["cluster", "init", "--profile", "bare", "--state", state]).status, 0)
        let file = try temporaryDirectory(self).appendingPathComponent("app.yaml")
        try """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: q}
        spec:
          selector: {matchLabels: {app: q}}
          template:
            metadata: {labels: {app: q}}
            spec:
              containers: [{name: c, image: "nginx:1.27", resources: {requests: {cpu: 0.5}}}]

        """.write(to: file, atomically: true, encoding: .utf8)
        XCTAssertEqual(try RolloutRun.run(["apply", "-f", file.path, "--state", state]).stdout, "deployment.apps/q created\n")
        let version = try RolloutRun.run(["get", "deploy", "q", "-o", "jsonpath={.metadata.resourceVersion}", "--state", state]).stdout
        XCTAssertEqual(try RolloutRun.run(["get", "deploy", "q", "-o", "jsonpath={.spec.template.spec.containers[0].resources.requests.cpu}", "--state", state]).stdout, "500m")
        XCTAssertEqual(try RolloutRun.run(["apply", "-f", file.path, "--state", state]).stdout, "deployment.apps/q configured\n")
        XCTAssertEqual(try RolloutRun.run(["get", "deploy", "q", "-o", "jsonpath={.metadata.resourceVersion}", "--state", state]).stdout, version)
        let plan = try RolloutRun.run(["plan", "-f", file.path, "--state", state])
        XCTAssertTrue(plan.stdout.hasPrefix("deployment.apps/q unchanged\n\ndeployment.apps/q: unchanged\n"), plan.stdout)
    }
}

extension KubectlConventionTests {
    // Real manifests (GKE's samples among them) write a namespace on cluster-scoped objects and
    // colons in RBAC names. The API server clears the namespace before validating
    // (`rest.BeforeCreate`: EnsureObjectNamespaceMatchesRequestNamespace) and validates RBAC
    // names as path segments (`ValidateRBACName` → IsValidPathSegmentName), so both are
    // created — they were refused here.
    func testAClusterScopedObjectsNamespaceIsClearedAndRBACNamesMayHaveColons() throws {
        XCTAssertEqual(try RolloutRun.run(["cluster", "init", "--profile", "bare", "--state", state]).status, 0)
        let file = try temporaryDirectory(self).appendingPathComponent("rbac.yaml")
        try """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: "gmp-system:collector:reader", namespace: gmp-system}
        rules: [{apiGroups: [""], resources: [secrets], verbs: [get]}]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: "gmp-system:collector:reader", namespace: gmp-system}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "gmp-system:collector:reader"}
        subjects: [{kind: ServiceAccount, name: collector, namespace: gmp-system}]

        """.write(to: file, atomically: true, encoding: .utf8)
        let run = try RolloutRun.run(["apply", "-f", file.path, "--state", state])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.stdout, "clusterrole.rbac.authorization.k8s.io/gmp-system:collector:reader created\nclusterrolebinding.rbac.authorization.k8s.io/gmp-system:collector:reader created\n")
        XCTAssertEqual(try RolloutRun.run(["get", "clusterrolebinding", "gmp-system:collector:reader", "-o", "jsonpath={.metadata.namespace}|{.metadata.name}", "--state", state]).stdout,
                       "|gmp-system:collector:reader")
        XCTAssertEqual(try RolloutRun.run(["apply", "-f", file.path, "--state", state]).stdout,
                       "clusterrole.rbac.authorization.k8s.io/gmp-system:collector:reader unchanged\nclusterrolebinding.rbac.authorization.k8s.io/gmp-system:collector:reader unchanged\n")
    }
}

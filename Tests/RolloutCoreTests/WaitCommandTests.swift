import Foundation
import XCTest
@testable import RolloutCore

/// `wait --for` as kubectl 1.32 reads and checks it (`staging/src/k8s.io/kubectl/pkg/cmd/wait/
/// wait.go`: conditionFuncFor, processJSONPathInput, splitJSONPathInput, ConditionalWait.
/// checkCondition, JSONPathWait.checkCondition, IsDeleted).
final class WaitConditionTests: XCTestCase {
    func testParsing() throws {
        guard case .delete = try WaitCondition.parse("Delete") else { return XCTFail("delete") }
        guard case .condition(let name, let status) = try WaitCondition.parse("condition=Ready") else { return XCTFail("condition") }
        XCTAssertEqual(name, "Ready")
        XCTAssertEqual(status, "true", "the default value")
        guard case .condition(let name2, let status2) = try WaitCondition.parse("condition=Progressing=False") else { return XCTFail("condition=value") }
        XCTAssertEqual([name2, status2], ["Progressing", "False"])
        let refused: [(String, String)] = [
            ("ready", "unrecognized condition: \"ready\""),
            ("", "unrecognized condition: \"\""),
            ("jsonpath={.a}=b=c", "jsonpath wait format must be --for=jsonpath='{.status.readyReplicas}'=3 or --for=jsonpath='{.status.readyReplicas}'"),
            ("jsonpath={.a}=", "jsonpath wait has to have a value after equal sign, like --for=jsonpath='{.status.readyReplicas}'=3"),
            ("jsonpath={.a}=''", "jsonpath wait has to have a value after equal sign, like --for=jsonpath='{.status.readyReplicas}'=3"),
            ("jsonpath=", "jsonpath expression cannot be empty"),
        ]
        for (text, message) in refused {
            XCTAssertThrowsError(try WaitCondition.parse(text), text) { XCTAssertEqual(($0 as? WaitCondition.Problem)?.message, message, text) }
        }
        // A `==` stays in the expression (a filter's comparison).
        XCTAssertEqual(WaitCondition.splitJSONPathInput("a.b.c====d.e.f===g.h.i==="), ["a.b.c====d.e.f==", "g.h.i==", ""])
        for (path, relaxed) in [("{.status.phase}", "{.status.phase}"), (".status.phase", "{.status.phase}"), ("status.phase", "{.status.phase}"), ("{status.phase}", "{.status.phase}")] {
            XCTAssertEqual(try WaitCondition.relaxed(path), relaxed)
        }
    }

    func object(_ yaml: String) throws -> Resource {
        let documents = try ManifestDecoder.decode([ManifestSource(name: "o.yaml", bytes: Array(yaml.utf8))]).documents
        return Resource(try XCTUnwrap(documents.first?.value.objectValue))
    }

    func testChecks() throws {
        let deployment = try object("""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, uid: u1, generation: 3}
        status:
          observedGeneration: 2
          readyReplicas: 3
          conditions: [{type: Available, status: "True"}, {type: Progressing, status: "True", observedGeneration: 3}]
        """)
        let cases: [(String, Bool)] = [
            // A condition older than the object's generation does not count (status' observedGeneration 2 < 3).
            ("condition=Available", false),
            // Its own observedGeneration is current; names and values compared ignoring case.
            ("condition=progressing=TRUE", true),
            ("condition=Progressing=False", false),
            ("condition=Missing", false),
            ("jsonpath={.status.readyReplicas}=3", true),
            ("jsonpath={.status.readyReplicas}=' 3 '", true),
            ("jsonpath=.status.readyReplicas=4", false),
            ("jsonpath={.status.readyReplicas}", true),
            ("jsonpath={.status.missing}", false),
            ("jsonpath={.status.conditions[?(@.type==\"Available\")].status}=True", true),
            ("delete", false),
        ]
        for (text, expected) in cases {
            XCTAssertEqual(try WaitCondition.parse(text).isMet(by: deployment, startUID: "u1"), expected, text)
        }
        XCTAssertTrue(try WaitCondition.parse("delete").isMet(by: nil))
        XCTAssertTrue(try WaitCondition.parse("delete").isMet(by: deployment, startUID: "another"), "another object under the name")
        XCTAssertFalse(try WaitCondition.parse("condition=Available").isMet(by: nil))
        for (text, message) in [("jsonpath={.status.conditions}=x", "jsonpath leads to a nested object or list which is not supported"),
                                ("jsonpath={.status.conditions[*].type}=Available", "given jsonpath expression matches more than one value")] {
            XCTAssertThrowsError(try WaitCondition.parse(text).isMet(by: deployment), text) {
                XCTAssertEqual(($0 as? WaitCondition.Problem)?.message, message, text)
            }
        }
        // Without a value, a map found is a value (matchAnyValue comes before the type check).
        XCTAssertTrue(try WaitCondition.parse("jsonpath={.status}").isMet(by: deployment))
    }
}

/// `rollout wait` through the built binary.
final class WaitCommandTests: XCTestCase {
    var state = ""

    override func setUpWithError() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: RolloutRun.binary.path), "rollout binary not built")
        state = try temporaryDirectory(self, "rollout-wait").appendingPathComponent("state").path
    }

    @discardableResult
    func rollout(_ arguments: String...) throws -> RolloutRun { try RolloutRun.run(arguments + ["--state", state]) }

    static let web = """
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: web}
    spec:
      replicas: 2
      selector: {matchLabels: {app: web}}
      template:
        metadata: {labels: {app: web}, annotations: {rollout.sim/startup: 5s}}
        spec:
          containers:
          - name: web
            image: "web:1"
            readinessProbe: {httpGet: {path: /, port: 80}, periodSeconds: 1}
    """

    func manifest() throws -> String {
        let url = try temporaryDirectory(self, "rollout-manifests").appendingPathComponent("web.yaml")
        try Self.web.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// A StatefulSet `db` (Service `db`) of `replicas` pods running `container` (flow style),
    /// written to a file: its path.
    func statefulSet(replicas: Int, annotations: String = "{}", container: String, claims: String = "") throws -> String {
        let url = try temporaryDirectory(self, "rollout-manifests").appendingPathComponent("db.yaml")
        try """
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: db}
        spec:
          replicas: \(replicas)
          serviceName: db
          selector: {matchLabels: {app: db}}
          template:
            metadata: {labels: {app: db}, annotations: \(annotations)}
            spec:
              containers: [\(container)]
        \(claims)
        """.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    func pods() throws -> [String] { try rollout("get", "pods", "-o", "name").stdout.split(separator: "\n").map(String.init) }

    /// Right after an apply, the pods a selector finds are the ReplicaSet's (the controllers act
    /// first); each is printed as it is met, in the API server's order; virtual time stops at
    /// the last.
    func testPodsBySelectorAndTheClock() throws {
        XCTAssertEqual(try rollout("cluster", "init").status, 0)
        try rollout("apply", "-f", try manifest())
        let run = try rollout("wait", "--for=condition=Ready", "pod", "-l", "app=web", "--timeout", "1m")
        XCTAssertEqual(run.status, 0, run.stderr)
        let names = try pods()
        XCTAssertEqual(names.count, 2)
        XCTAssertEqual(run.stdout, names.map { $0 + " condition met\n" }.joined())
        // Both pulled side by side (3 s), started (1 s), serving after 5 s of start-up, when the
        // probe's tick (every second from the start) passes: Ready at 9 s.
        let clock = try rollout("cluster", "info").stdout
        XCTAssertTrue(clock.contains("Clock: 2025-01-01T00:00:09Z"), clock)
        // One look (--timeout=0), a JSONPath value, and --all.
        XCTAssertEqual(try rollout("wait", "--for=jsonpath={.status.phase}=Running", "pods", "--all", "--timeout=0").stdout, names.map { $0 + " condition met\n" }.joined())
        let once = try rollout("wait", "--for=jsonpath={.status.phase}=Pending", names[0], "--timeout=0")
        XCTAssertEqual(once.status, 1)
        XCTAssertEqual(once.stderr, "error: condition not met for pods/\(names[0].dropFirst("pod/".count))\n")
    }

    /// --for=create (kubectl 1.31+, `create.go` IsCreated; RunWait polls every 500 ms, the
    /// first look at once, until no object named is NotFound): a StatefulSet makes db-1 once
    /// db-0 is ready — pulled (3 s), started (1 s), serving after its 5 s start-up at the
    /// probe's tick: 9 s, a multiple of the poll, where the wait ends. One timeout for the poll
    /// (`timed out waiting for the condition`, the clock run out); `0` looks once; a selector
    /// waits for nothing.
    func testCreate() throws {
        XCTAssertEqual(try rollout("cluster", "init").status, 0)
        try rollout("apply", "-f", try statefulSet(replicas: 2, annotations: "{rollout.sim/startup: 5s}",
                                                   container: #"{name: db, image: "db:1", readinessProbe: {httpGet: {path: /, port: 80}, periodSeconds: 1}}"#))
        func clock() throws -> String { try XCTUnwrap(try rollout("cluster", "info").stdout.split(separator: "\n").first { $0.hasPrefix("Clock: ") }.map(String.init)) }
        var run = try rollout("wait", "--for=create", "pod/db-1", "pod/db-0", "--timeout=1m")
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.stdout, "pod/db-1 condition met\npod/db-0 condition met\n")
        XCTAssertEqual(try clock(), "Clock: 2025-01-01T00:00:09Z")
        run = try rollout("wait", "--for=Create", "pod/nope", "--timeout=2s")
        XCTAssertEqual(run.status, 1)
        XCTAssertEqual(run.stderr, "error: timed out waiting for the condition\n")
        XCTAssertEqual(try clock(), "Clock: 2025-01-01T00:00:11Z")
        run = try rollout("wait", "--for=create", "pod/nope", "--timeout=0")
        XCTAssertEqual(run.stderr, "error: timed out waiting for the condition\n")
        XCTAssertEqual(try clock(), "Clock: 2025-01-01T00:00:11Z")
        run = try rollout("wait", "--for=create", "pod", "-l", "app=nothing")
        XCTAssertEqual(run.stderr, "error: no matching resources found\n")
        XCTAssertEqual(try rollout("wait", "--for=create", "pod", "-l", "app=db").stdout, "pod/db-0 condition met\npod/db-1 condition met\n")
    }

    /// --for=delete: a pod deleted with its grace period is gone once it has stopped; a name
    /// not found is already deleted (kubectl ignores NotFound for delete), and any other
    /// condition on it is NotFound.
    func testDeleteAndTheErrors() throws {
        XCTAssertEqual(try rollout("cluster", "init").status, 0)
        try rollout("apply", "-f", try manifest(), "--wait")
        let pod = try XCTUnwrap(try pods().first)
        try rollout("delete", pod, "--wait=false")
        var run = try rollout("wait", "--for=delete", pod, "--timeout=1m")
        XCTAssertEqual(run.stdout, "\(pod) condition met\n", run.stderr)
        XCTAssertFalse(try pods().contains(pod))
        run = try rollout("wait", "--for=delete", "pod/gone-already")
        XCTAssertEqual([run.stdout, run.stderr], ["", ""])
        XCTAssertEqual(run.status, 0)
        run = try rollout("wait", "--for=condition=Ready", "pod/gone-already")
        XCTAssertEqual([run.stderr, String(run.status)], ["Error from server (NotFound): pods \"gone-already\" not found\n", "1"])
        run = try rollout("wait", "--for=condition=Ready", "pod", "-l", "app=nothing")
        XCTAssertEqual([run.stderr, String(run.status)], ["error: no matching resources found\n", "1"])
        run = try rollout("wait", "--for=condition=Ready", "pods")
        XCTAssertEqual([run.stderr, String(run.status)], ["error: resource(s) were provided, but no name was specified\n", "1"])
        // The clock as `cluster info` shows it, in milliseconds.
        let clock = { () throws -> Int? in
            let line = try self.rollout("cluster", "info").stdout.split(separator: "\n").first { $0.hasPrefix("Clock: ") }
            return line.flatMap { $0.dropFirst("Clock: ".count).split(separator: " ").first }.flatMap { Timestamp(parsing: String($0))?.milliseconds }
        }
        let start = try XCTUnwrap(try clock())
        run = try rollout("wait", "--for=condition=Bogus", "node/node-1", "--timeout=5s")
        XCTAssertEqual([run.stderr, String(run.status)], ["error: timed out waiting for the condition on nodes/node-1\n", "1"])
        // Nothing was left to happen, and the wait still took its 5 s, as kubectl's blocks.
        XCTAssertEqual(try clock(), start + 5000)
        XCTAssertEqual(try rollout("wait", "--for=condition=Ready", "node", "--all").stdout, "node/node-1 condition met\n")
        run = try rollout("wait", "--for=delete", "pod/x", "--timeout", "soon")
        XCTAssertEqual([run.stderr, String(run.status)], ["error: invalid argument \"soon\" for \"--timeout\" flag: expected a duration such as 30s or 5m\n", "2"])
        // A negative timeout is a week (kubectl's); nothing to wait for here.
        XCTAssertEqual(try rollout("wait", "--for=delete", "pod/x", "--timeout=-1s").status, 0)
        run = try rollout("wait", "--for=ready", "pod", "--all")
        XCTAssertEqual([run.stderr, String(run.status)], ["error: unrecognized condition: \"ready\"\n", "2"])
    }

    /// A claim the controllers bind (a StatefulSet's, on local-path's WaitForFirstConsumer) is
    /// read as they change it: `kubectl wait --for=jsonpath='{.status.phase}'=Bound pvc/…`.
    func testAClaimBoundWhileWaiting() throws {
        XCTAssertEqual(try rollout("cluster", "init").status, 0)
        try rollout("apply", "-f", try statefulSet(replicas: 1, container: #"{name: db, image: "postgres:16", volumeMounts: [{name: data, mountPath: /data}]}"#, claims: """
          volumeClaimTemplates:
          - metadata: {name: data}
            spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
        """))
        let run = try rollout("wait", "--for=jsonpath={.status.phase}=Bound", "pvc/data-db-0")
        XCTAssertEqual([run.stdout, run.stderr], ["persistentvolumeclaim/data-db-0 condition met\n", ""])
    }
}

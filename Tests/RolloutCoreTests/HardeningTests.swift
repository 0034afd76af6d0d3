import Foundation
import XCTest
@testable import RolloutCore

/// Regressions for the hostile-input probe of issue 9, each reproducing a finding as the probe
/// found it, through the built binary on a temporary `--state`: the command must refuse with
/// exit 2 (bad input) or 1 (damage), change nothing, and never crash or touch a foreign file.
final class HardeningTests: XCTestCase {
    private func state() throws -> String { try temporaryDirectory(self).appendingPathComponent("s").path }

    private func apply(_ yaml: String, state: String, _ extra: [String] = []) throws -> RolloutRun {
        let file = URL(fileURLWithPath: state).deletingLastPathComponent().appendingPathComponent("m-\(UUID().uuidString).yaml")
        try Data(yaml.utf8).write(to: file)
        return try RolloutRun.run(["apply", "--state", state, "-f", file.path] + extra)
    }

    /// Every file below `directory` with its bytes: "nothing changed" is this, unchanged.
    private func snapshot(_ directory: String) -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: directory)
        while let name = enumerator?.nextObject() as? String {
            if let data = FileManager.default.contents(atPath: "\(directory)/\(name)") { files[name] = data }
        }
        return files
    }

    // Finding 1: a NUL in apiVersion or kind became part of a shard file name, was cut there,
    // and overwrote another type's objects.
    func testNULInTypeNamesIsRejectedAndNeverReachesAFileName() throws {
        let s = try state()
        XCTAssertEqual(try apply("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: keep}\nspec: {selector: {matchLabels: {a: b}}, template: {metadata: {labels: {a: b}}, spec: {containers: [{name: c, image: i}]}}}\n", state: s).status, 0)
        let before = snapshot(s)
        let cases = [
            "apiVersion: \"apps.Deployment_2_0.objects\\0/v1\"\nkind: Deployment\nmetadata: {name: evil}\n",
            "apiVersion: v1\nkind: \"W\\0evil\"\nmetadata: {name: evil}\n",
        ]
        for yaml in cases {
            let run = try apply(yaml, state: s)
            XCTAssertEqual(run.status, 2, run.stderr)
            XCTAssertTrue(run.stderr.contains("\\x00"), "the NUL is shown escaped: \(run.stderr)")
            XCTAssertFalse(run.stderr.contains("\u{0}"), run.stderr)
        }
        XCTAssertEqual(snapshot(s), before, "nothing changed")
        XCTAssertTrue(try RolloutRun.run(["get", "deploy", "keep", "--state", s]).stdout.contains("keep"))
    }

    // Storage file names come from an encoding any accepted type fits, never from the raw
    // type: however a type is spelled, its files are plain, visible, unique names that the
    // loader accepts back.
    func testShardFileNamesAreSafeUniqueAndLoadable() {
        let types = ["apps/Deployment", "Pod", ".hidden/Widget", "a\u{0}b/C", "../../etc/passwd", String(repeating: "X", count: 400), "", "-rf/x"]
        var names: Set<String> = []
        for (ordinal, type) in types.enumerated() {
            let base = StorageNames.shardBase(type: type, commit: 7, ordinal: ordinal, shard: 3)
            XCTAssertTrue(StorageNames.isShardBase(base), "\(type) → \(base)")
            XCTAssertTrue(StorageNames.isStoreFile(base + ".objects"), base)
            XCTAssertFalse(base.hasPrefix(".") || base.hasPrefix("-") || base.contains("/") || base.contains("\u{0}"), base)
            XCTAssertLessThanOrEqual(base.utf8.count, StorageNames.baseLimit, base)
            names.insert(base)
        }
        XCTAssertEqual(names.count, types.count, "no two types share a file")
        // Names of the earlier layout still load; names that are paths or hidden do not.
        XCTAssertTrue(StorageNames.isShardBase("apps.Deployment_3_0"))
        for bad in ["../x_1", ".hidden_1", "a/b_1", "x\u{0}_1", "", "lock"] { XCTAssertFalse(StorageNames.isShardBase(bad), bad) }
        XCTAssertFalse(StorageNames.isStoreFile("notes.txt"))
    }

    // Finding 3: `apiVersion: .hidden/v1` was accepted, and every later command failed.
    func testHiddenGroupsAndKindsAreRejected() throws {
        let s = try state()
        for yaml in ["apiVersion: .hidden/v1\nkind: Widget\nmetadata: {name: a}\n", "apiVersion: example.com/v1\nkind: .Widget\nmetadata: {name: a}\n"] {
            let run = try apply(yaml, state: s)
            XCTAssertEqual(run.status, 2, run.stderr)
        }
        XCTAssertEqual(try RolloutRun.run(["get", "all", "--state", s]).status, 0, "the state still reads")
    }

    // Finding 10: names and types the API server refuses were accepted.
    func testTypeMetaAndNamesAreValidatedAsTheAPIServerDoes() throws {
        let s = try state()
        let cases: [(String, String)] = [
            ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ''}\n", "metadata.name: Required value: name or generateName is required"),
            ("apiVersion: ''\nkind: ConfigMap\nmetadata: {name: a}\n", "apiVersion: Required value"),
            ("apiVersion: v1\nkind: ''\nmetadata: {name: a}\n", "kind: Required value"),
            ("apiVersion: a/b/c/d\nkind: Widget\nmetadata: {name: a}\n", "unexpected GroupVersion string: a/b/c/d"),
            ("apiVersion: example.com/V1\nkind: Widget\nmetadata: {name: a}\n", "version \"V1\": a DNS-1035 label"),
            ("apiVersion: v1\nkind: \"Wid\\nget\"\nmetadata: {name: a}\n", "kind: Invalid value: \"Wid\\nget\": may have mixed case, but should otherwise match"),
            ("apiVersion: v1\nkind: \(String(repeating: "W", count: 300))\nmetadata: {name: a}\n", "must be no more than 63 characters"),
            ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: \(String(repeating: "a", count: 254))}\n", "must be no more than 253 characters"),
        ]
        for (yaml, expected) in cases {
            let run = try apply(yaml, state: s)
            XCTAssertEqual(run.status, 2, "\(yaml): \(run.stderr)")
            XCTAssertTrue(run.stderr.contains(expected), "\(yaml): \(run.stderr)")
            XCTAssertEqual(run.stderr.split(separator: "\n").count, run.stderr.components(separatedBy: "error: ").count - 1, "one line per error: \(run.stderr)")
        }
        XCTAssertEqual(try RolloutRun.run(["get", "cm", "-o", "name", "--state", s]).stdout, "configmap/kube-root-ca.crt\n", "only the root CA publisher's")
    }

    // Finding 12: ESC, BEL and NUL from a manifest reached the terminal raw.
    func testControlCharactersAreEscapedInEveryMessage() throws {
        let s = try state()
        let cases = [
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: \"a\\e[31mred\", labels: {\"k\\a\": \"v\\0\"}}\n",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\ndata: {a: \"x\\e]0;title\\a\"}\n  bad: [\n",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\ndata: \u{1b}[2J\u{07}: [unclosed\n",
        ]
        for yaml in cases {
            let run = try apply(yaml, state: s)
            XCTAssertEqual(run.status, 2, run.stderr)
            for control in ["\u{1b}", "\u{07}", "\u{0}"] { XCTAssertFalse(run.stderr.contains(control), "raw control character in: \(run.stderr.debugDescription)") }
        }
        XCTAssertEqual(GoQuote.quoted("a\u{1b}[31m\u{07}\u{0}\"\\\u{200b}é"), "\"a\\x1b[31m\\a\\x00\\\"\\\\\\u200bé\"")
        let excerpt = YAMLError.caretExcerpt(line: "a\u{1b}b: c", column: 3)
        XCTAssertEqual(excerpt, "  a\\x1bb: c\n       ^", "the caret moves by what is shown")
    }

    // Finding 4: with state.json missing, a read-only `get` started a new cluster and deleted
    // the files in objects/ — through a symlink, someone else's files.
    func testAMissingManifestOrALinkedObjectsFolderIsNeverCleanedUp() throws {
        let root = try temporaryDirectory(self)
        let victim = root.appendingPathComponent("documents")
        try FileManager.default.createDirectory(at: victim, withIntermediateDirectories: true)
        try Data("private key".utf8).write(to: victim.appendingPathComponent("id_ed25519"))
        let linked = root.appendingPathComponent("linked").path
        try FileManager.default.createDirectory(atPath: linked, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: "\(linked)/objects", withDestinationPath: victim.path)
        var run = try RolloutRun.run(["get", "all", "--state", linked])
        XCTAssertEqual(run.status, 1, run.stderr)
        XCTAssertTrue(run.stderr.contains("symbolic link"), run.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: victim.path), ["id_ed25519"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: linked), ["objects"], "no lock file left behind")

        let s = root.appendingPathComponent("s").path
        XCTAssertEqual(try apply("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n", state: s).status, 0)
        try FileManager.default.removeItem(atPath: "\(s)/state.json")
        let before = snapshot(s)
        for arguments in [["get", "all"], ["get", "cm", "a"], ["apply", "-f", "examples/manifests/"]] {
            run = try RolloutRun.run(arguments + ["--state", s])
            XCTAssertEqual(run.status, 1, run.stderr)
            XCTAssertTrue(run.stderr.contains("state.json is damaged: it is missing, but"), run.stderr)
        }
        XCTAssertEqual(snapshot(s), before, "nothing changed")
        // cluster init starts over, removing only the store's own files.
        try Data("mine".utf8).write(to: URL(fileURLWithPath: "\(s)/objects/notes.txt"))
        XCTAssertEqual(try RolloutRun.run(["cluster", "init", "--state", s]).status, 0)
        XCTAssertTrue(FileManager.default.fileExists(atPath: "\(s)/objects/notes.txt"))
        XCTAssertEqual(try RolloutRun.run(["get", "cm", "-o", "name", "--state", s]).stdout, "configmap/kube-root-ca.crt\n", "only the root CA publisher's")
    }

    // Links planted inside the state directory are never followed, whatever their name.
    func testLinksInsideTheStateAreRefused() throws {
        let root = try temporaryDirectory(self)
        let s = root.appendingPathComponent("s").path
        XCTAssertEqual(try RolloutRun.run(["get", "all", "--state", s]).status, 0)
        let outside = root.appendingPathComponent("outside").path
        try Data("outside".utf8).write(to: URL(fileURLWithPath: outside))
        let shard = try XCTUnwrap(FileIO.filesIn("\(s)/objects").first { $0.hasPrefix("Node_") && $0.hasSuffix(".objects") })
        try FileManager.default.removeItem(atPath: "\(s)/objects/\(shard)")
        try FileManager.default.createSymbolicLink(atPath: "\(s)/objects/\(shard)", withDestinationPath: outside)
        let run = try RolloutRun.run(["get", "nodes", "-o", "yaml", "--state", s])
        XCTAssertEqual(run.status, 1, run.stderr)
        XCTAssertTrue(run.stderr.contains("symbolic link"), run.stderr)
        XCTAssertEqual(try String(contentsOfFile: outside, encoding: .utf8), "outside")
    }

    // Finding 13: the foreign-directory check left a `lock` file in the directory it refused.
    func testARefusedDirectoryIsLeftAsItWas() throws {
        let foreign = try temporaryDirectory(self).appendingPathComponent("home").path
        try FileManager.default.createDirectory(atPath: foreign, withIntermediateDirectories: true)
        try Data("notes".utf8).write(to: URL(fileURLWithPath: "\(foreign)/notes.txt"))
        for arguments in [["get", "all"], ["apply", "-f", "examples/manifests/"], ["cluster", "init"]] {
            let run = try RolloutRun.run(arguments + ["--state", foreign])
            XCTAssertEqual(run.status, 1, run.stderr)
            XCTAssertTrue(run.stderr.contains("is not a rollout state: it holds other files (notes.txt)"), run.stderr)
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: foreign), ["notes.txt"])
        }
    }

    // Finding 11: a Secret's value was echoed in a type error, and stringData was stored and
    // returned. The API server folds stringData into data (conversion.go) and never returns it.
    func testSecretValuesAreNeverShownOrStoredAsStringData() throws {
        let s = try state()
        for yaml in ["apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {pin: 98765432}\n",
                     "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {pin: 98765432}\n",
                     "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: 98765432\n"] {
            let run = try apply(yaml, state: s)
            XCTAssertEqual(run.status, 2, run.stderr)
            XCTAssertFalse(run.stderr.contains("98765432"), run.stderr)
        }
        var run = try apply("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {a: YWJj, pin: b2xk}\nstringData: {pin: \"98765432\"}\n", state: s)
        XCTAssertEqual(run.status, 0, run.stderr)
        run = try RolloutRun.run(["get", "secret", "s", "-o", "json", "--state", s])
        XCTAssertFalse(run.stdout.contains("stringData"), run.stdout)
        XCTAssertTrue(run.stdout.contains("\"pin\": \"OTg3NjU0MzI=\""), "stringData wins over data of the same key: \(run.stdout)")
        XCTAssertTrue(run.stdout.contains("\"a\": \"YWJj\""), run.stdout)
        for (name, data) in snapshot(s) {
            XCTAssertNil(String(decoding: data, as: UTF8.self).range(of: "98765432"), "\(name) holds the plain value")
        }
        XCTAssertEqual(Base64.encode(Array("98765432".utf8)), "OTg3NjU0MzI=")
        XCTAssertEqual(Base64.encode(Array("ab".utf8)), "YWI=")
        XCTAssertEqual(Base64.encode([]), "")
    }

    // Deliverable 4 and finding 10: size limits as the API server and etcd have them, with
    // 1.32's wording (apimachinery v0.32 field.TooLong: "may not be more than N bytes").
    func testSizeLimitsAsKubernetesHasThem() throws {
        let s = try state()
        let cases: [(String, String)] = [
            // 300 KiB of data fits a ConfigMap, but not the last-applied annotation apply adds.
            ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {a: \(String(repeating: "x", count: 300 * 1024))}\n",
             "metadata.annotations: Too long: may not be more than 262144 bytes"),
            ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {a: \(String(repeating: "x", count: 5 * 1024 * 1024))}\n",
             "[]: Too long: may not be more than 1048576 bytes"),
            ("apiVersion: v1\nkind: Secret\nmetadata: {name: a}\nstringData: {a: \(String(repeating: "x", count: 1024 * 1024 + 1))}\n",
             "data: Too long: may not be more than 1048576 bytes"),
            ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, annotations: {a: \(String(repeating: "x", count: 262_144))}}\n",
             "metadata.annotations: Too long: may not be more than 262144 bytes"),
            ("apiVersion: example.com/v1\nkind: Blob\nmetadata: {name: a}\nspec: {a: \(String(repeating: "x", count: 1600 * 1024))}\n",
             "Request entity too large: limit is 3145728"),
        ]
        // With client-side apply the annotation limit comes first; etcd's own limit is what
        // the stored object meets when it is large for another reason.
        let blob = Resource(Object(["apiVersion": .string("example.com/v1"), "kind": .string("Blob"),
                                    "metadata": .object(Object(["name": .string("a")])),
                                    "spec": .object(Object(["a": .string(String(repeating: "x", count: 1600 * 1024))]))]))
        XCTAssertEqual(SizeLimits.storageProblems(blob).map(\.message).first?.hasPrefix("etcdserver: request is too large"), true)
        for (yaml, expected) in cases {
            let run = try apply(yaml, state: s)
            XCTAssertEqual(run.status, 2, "\(expected): \(run.stderr.prefix(300))")
            XCTAssertTrue(run.stderr.contains(expected), "\(expected): \(run.stderr.prefix(300))")
        }
        XCTAssertEqual(try RolloutRun.run(["get", "cm", "-o", "name", "--state", s]).stdout, "configmap/kube-root-ca.crt\n", "only the root CA publisher's")
        // Just under the limits is fine: 250 KiB of data fits with its annotation.
        let run = try apply("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {a: \(String(repeating: "x", count: 120 * 1024))}\n", state: s)
        XCTAssertEqual(run.status, 0, run.stderr)
    }

    // Finding 2: values the API server accepts (or would refuse) made every later command trap
    // (SIGILL, exit 132), even after the Deployment was deleted. Each goes through the commands
    // the probe ran, as the probe ran them.
    func testValuesThatTrappedEveryLaterCommand() throws {
        func deployment(sleep: String = "sleep 5", grace: String = "30", surge: String = "1", probe: String = "initialDelaySeconds: 1") -> String {
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              replicas: 2
              selector: {matchLabels: {app: web}}
              strategy: {rollingUpdate: {maxSurge: \(surge)}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  terminationGracePeriodSeconds: \(grace)
                  containers:
                  - name: c
                    image: nginx
                    readinessProbe: {httpGet: {port: 80}, \(probe)}
                    lifecycle: {preStop: {exec: {command: ["sh", "-c", "\(sleep)"]}}}
            """
        }
        let big = "9223372036854775807"
        let cases: [(String, Int32)] = [
            (deployment(sleep: "sleep inf"), 0), (deployment(sleep: "sleep 1e300"), 0), (deployment(grace: big), 0),
            (deployment(surge: "\"\(big)%\""), 0), (deployment(surge: big), 2),
            (deployment(probe: "initialDelaySeconds: \(big)"), 2), (deployment(probe: "periodSeconds: \(big)"), 2),
            (deployment(probe: "successThreshold: \(big)"), 2), (deployment(probe: "failureThreshold: \(big)"), 2),
            (deployment(probe: "periodSeconds: 2147483647, successThreshold: 2147483647, failureThreshold: 2147483647, initialDelaySeconds: 2147483647"), 0),
        ]
        for (yaml, applyStatus) in cases {
            let s = try state()
            let file = URL(fileURLWithPath: s).deletingLastPathComponent().appendingPathComponent("d-\(UUID().uuidString).yaml")
            try Data(yaml.utf8).write(to: file)
            var run = try RolloutRun.run(["apply", "--state", s, "-f", file.path])
            XCTAssertEqual(run.status, applyStatus, "\(yaml)\n\(run.stderr)")
            if applyStatus == 2 {
                XCTAssertTrue(run.stderr.contains("must fit in 32 bits") && run.stderr.contains("of type int32"), run.stderr)
                continue
            }
            let commands = [["status", "deploy/web", "--timeout", "2h"], ["set", "image", "deploy/web", "c=nginx:2"], ["apply", "-f", file.path, "--wait", "--timeout", "2h"],
                            ["wait", "--for=condition=Available", "deploy/web", "--timeout", "2h"], ["plan", "-f", file.path], ["lint", "-f", file.path],
                            ["delete", "deploy/web"], ["status", "deploy/web"], ["get", "pods"], ["events"]]
            for arguments in commands {
                run = try RolloutRun.run(arguments + (arguments[0] == "lint" ? [] : ["--state", s]))
                XCTAssertTrue([0, 1].contains(run.status), "\(arguments) exited \(run.status): \(yaml)\n\(run.stderr)")
            }
        }
    }

    // Finding 9: a paced `status --speed` held the exclusive lock; a `get` waited 15 s. Readers
    // now see the last commit while a writer works.
    func testAPacedStatusDoesNotBlockReaders() throws {
        let s = try state()
        XCTAssertEqual(try RolloutRun.run(["apply", "--state", s, "-f", "examples/manifests/web-api.yaml"]).status, 0)
        let process = Process()
        process.executableURL = RolloutRun.binary
        process.arguments = ["status", "deploy/web-api", "--speed", "2", "--state", s]
        process.currentDirectoryURL = Corpus.packageRoot
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        Thread.sleep(forTimeInterval: 1)
        XCTAssertTrue(process.isRunning, "the paced rollout takes several seconds")
        let started = Date()
        let run = try RolloutRun.run(["get", "deploy", "--state", s])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertLessThan(Date().timeIntervalSince(started), 2, "get waited for the paced writer")
        XCTAssertTrue(process.isRunning, "the reader did not wait for the writer to finish")
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        XCTAssertTrue(try RolloutRun.run(["get", "deploy", "--state", s]).stdout.contains("3/3"), "the rollout was committed at the end")
    }

    // Finding 13: on a state the user may not write, `status` printed "successfully rolled out"
    // and then failed; without a `lock` file the state could not be read at all. Run as
    // nobody (setpriv), since root may write anything.
    func testAReadOnlyStateIsReadableAndWritersStopBeforeTheyStart() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else { throw XCTSkip("setpriv is not installed") }
        let asNobody = ["--reuid=65534", "--regid=65534", "--clear-groups", RolloutRun.binary.path]
        func runAsNobody(_ arguments: [String]) throws -> RolloutRun {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            process.arguments = asNobody + arguments
            let out = Pipe(), err = Pipe()
            process.standardOutput = out
            process.standardError = err
            try process.run()
            let stdout = out.fileHandleForReading.readDataToEndOfFile(), stderr = err.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return RolloutRun(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
        }
        guard (try? runAsNobody(["--help"]))?.status == 0 else { throw XCTSkip("nobody cannot run the built binary here") }
        let root = try temporaryDirectory(self)
        chmod(root.path, 0o755)
        let s = root.appendingPathComponent("s").path
        XCTAssertEqual(try RolloutRun.run(["apply", "--state", s, "-f", "examples/manifests/"]).status, 0)
        for name in ["lock", "commit.lock"] { try? FileManager.default.removeItem(atPath: "\(s)/\(name)") }
        for path in [s, "\(s)/objects"] { chmod(path, 0o755) }
        for name in ["state.json"] + FileIO.filesIn("\(s)/objects").map({ "objects/\($0)" }) { chmod("\(s)/\(name)", 0o644) }
        let before = FileIO.filesIn(s)
        var run = try runAsNobody(["get", "deploy", "--state", s])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("web-api"), run.stdout)
        run = try runAsNobody(["status", "deploy/web-api", "--state", s])
        XCTAssertEqual(run.status, 1)
        XCTAssertEqual(run.stdout, "", "nothing is reported as rolled out before the command fails")
        XCTAssertTrue(run.stderr.contains("the state cannot be written"), run.stderr)
        XCTAssertEqual(FileIO.filesIn(s), before, "no lock file was created")
    }
}

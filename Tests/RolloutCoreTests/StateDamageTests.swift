import Foundation
import XCTest
@testable import RolloutCore

/// Issue 9, findings 5 and 7 and deliverable 3: a state edited to extreme or ill-typed values is
/// damage (exit 1, the file named, nothing changed) — never a trap or a spin — and a damaged
/// object can always be removed; bulk deletes are linear.
final class StateDamageTests: XCTestCase {
    static let web = """
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: web}
    spec:
      replicas: 2
      selector: {matchLabels: {app: web}}
      template:
        metadata: {labels: {app: web}, annotations: {rollout.sim/startup: 2s}}
        spec:
          containers: [{name: app, image: "app:1", readinessProbe: {httpGet: {port: 80}, periodSeconds: 1}}]
    """

    /// A state with `web` rolled out, made through the binary as a user would.
    private func rolledOut() throws -> String {
        let root = try temporaryDirectory(self)
        let s = root.appendingPathComponent("s").path
        let file = root.appendingPathComponent("web.yaml")
        try Data(Self.web.utf8).write(to: file)
        XCTAssertEqual(try RolloutRun.run(["apply", "--state", s, "-f", file.path, "--wait"]).status, 0)
        return s
    }

    /// Rewrites the first stored object of a type (`Pod`, `apps/Deployment`) with `edit`. A pod
    /// stored compact (CompactPod) is first written in full, as states before compact pods and
    /// pods that are not stored compact hold it.
    private func editObject(_ s: String, type prefix: String, _ edit: (inout [String: Any]) -> Void) throws {
        let file = try XCTUnwrap(FileIO.filesIn("\(s)/objects").first { $0.hasPrefix(prefix + "_") && $0.hasSuffix(".objects") }, prefix)
        var lines = try String(contentsOfFile: "\(s)/objects/\(file)", encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let index = 0
        var fields = lines[index].split(separator: "\t", maxSplits: 2).map(String.init)
        if fields[2].hasPrefix("\u{1}") {
            let full = try RolloutRun.run(["get", prefix.lowercased(), fields[1], "-n", fields[0], "-o", "json", "--state", s])
            XCTAssertEqual(full.status, 0, full.stderr)
            fields[2] = full.stdout
        }
        var object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(fields[2].utf8)) as? [String: Any])
        edit(&object)
        let json = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        lines[index] = [fields[0], fields[1], json].joined(separator: "\t")
        try lines.joined(separator: "\n").write(toFile: "\(s)/objects/\(file)", atomically: false, encoding: .utf8)
    }

    /// Rewrites the first compact pod's line (`CompactPod`): its fields with `edit`, or the
    /// whole line (after the key) with `line`.
    private func editCompactPod(_ s: String, type prefix: String = "Pod", line replace: ((String) -> String)? = nil, fields edit: (inout [String: Any]) -> Void = { _ in }) throws {
        let file = try XCTUnwrap(FileIO.filesIn("\(s)/objects").first { $0.hasPrefix(prefix + "_") && $0.hasSuffix(".objects") })
        var lines = try String(contentsOfFile: "\(s)/objects/\(file)", encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let index = try XCTUnwrap(lines.firstIndex { $0.split(separator: "\t", maxSplits: 2).last?.hasPrefix("\u{1}") == true })
        let fields = lines[index].split(separator: "\t", maxSplits: 3).map(String.init)
        if let replace {
            lines[index] = [fields[0], fields[1], replace(fields[2] + "\t" + fields[3])].joined(separator: "\t")
        } else {
            var object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(fields[3].utf8)) as? [String: Any])
            edit(&object)
            lines[index] = [fields[0], fields[1], fields[2], String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)].joined(separator: "\t")
        }
        try lines.joined(separator: "\n").write(toFile: "\(s)/objects/\(file)", atomically: false, encoding: .utf8)
    }

    /// Rewrites the pod template (CompactPod) of the pods in the default namespace, in the
    /// pods' templates file.
    private func editPodTemplate(_ s: String, _ replace: (String) -> String) throws {
        let podFile = try XCTUnwrap(FileIO.filesIn("\(s)/objects").first { $0.hasPrefix("Pod_") && $0.hasSuffix(".objects") })
        let pod = try XCTUnwrap(try String(contentsOfFile: "\(s)/objects/\(podFile)", encoding: .utf8).split(separator: "\n")
            .first { $0.hasPrefix("default\t") }?.split(separator: "\t", maxSplits: 3).map(String.init))
        let file = try XCTUnwrap(FileIO.filesIn("\(s)/objects").first { $0.hasPrefix("Pod_") && $0.hasSuffix(".templates") })
        var lines = try String(contentsOfFile: "\(s)/objects/\(file)", encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let index = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("\t" + pod[2].dropFirst() + "\t") })
        let fields = lines[index].split(separator: "\t", maxSplits: 1).map(String.init)
        lines[index] = "\t" + fields[0] + "\t" + replace(fields[1])
        try lines.joined(separator: "\n").write(toFile: "\(s)/objects/\(file)", atomically: false, encoding: .utf8)
    }

    private func editManifest(_ s: String, _ edit: (inout [String: Any]) -> Void) throws {
        var manifest = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(s)/state.json"))) as? [String: Any])
        edit(&manifest)
        try JSONSerialization.data(withJSONObject: manifest).write(to: URL(fileURLWithPath: "\(s)/state.json"))
    }

    private func snapshot(_ s: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in FileIO.filesIn(s) + FileIO.filesIn("\(s)/objects").map({ "objects/\($0)" }) where name != "objects" {
            files[name] = FileManager.default.contents(atPath: "\(s)/\(name)")
        }
        return files
    }

    // Finding 7: each corruption the probe made, and every command it crashed or hung.
    func testCorruptedValuesAreDamageNotATrapOrASpin() throws {
        let big = Int64.max, small = Int64.min
        let cases: [(String, (String) throws -> Void, String)] = [
            ("clock -2^63", { try self.editManifest($0) { $0["clock"] = small } }, "clock -9223372036854775808 is outside"),
            ("resourceVersion Int.max", { try self.editManifest($0) { $0["resourceVersion"] = big } }, "resourceVersion 9223372036854775807 is outside"),
            ("table count Int.max", { try self.editManifest($0) { m in
                var tables = m["tables"] as? [String: Any] ?? [:]
                var pods = tables["Pod"] as? [String: Any] ?? [:]
                pods["count"] = big
                tables["Pod"] = pods
                m["tables"] = tables
            } }, "table entry Pod is malformed"),
            ("generation Int.max", { try self.editObject($0, type: "apps.Deployment") { o in
                var meta = o["metadata"] as? [String: Any] ?? [:]
                meta["generation"] = big
                o["metadata"] = meta
            } }, "metadata.generation: Invalid value: 9223372036854775807"),
            ("replicas Int.max", { try self.editObject($0, type: "apps.ReplicaSet") { o in
                var spec = o["spec"] as? [String: Any] ?? [:]
                spec["replicas"] = big
                o["spec"] = spec
            } }, "spec.replicas: Invalid value: 9223372036854775807"),
            ("revision Int.max", { try self.editObject($0, type: "apps.ReplicaSet") { o in
                var meta = o["metadata"] as? [String: Any] ?? [:]
                meta["annotations"] = ["deployment.kubernetes.io/revision": "99999999999999999999"]
                o["metadata"] = meta
            } }, "deployment.kubernetes.io/revision"),
            ("pod status \"x\"", { try self.editObject($0, type: "Pod") { $0["status"] = "x" } }, "status: expected a map, found string \"x\""),
            ("restartCount Int.max", { try self.editObject($0, type: "Pod") { o in
                var status = o["status"] as? [String: Any] ?? [:]
                var containers = status["containerStatuses"] as? [[String: Any]] ?? [[:]]
                containers[0]["restartCount"] = big
                status["containerStatuses"] = containers
                o["status"] = status
            } }, "restartCount: Invalid value: 9223372036854775807"),
            // Compact pods (CompactPod): their lines are checked as strictly as full ones.
            ("compact restarts Int.max", { try self.editCompactPod($0, fields: { o in
                var containers = o["containers"] as? [[String: Any]] ?? [[:]]
                containers[0]["restarts"] = big
                o["containers"] = containers
            }) }, "containers[0].restarts: Invalid value: 9223372036854775807"),
            ("compact running not a time", { try self.editCompactPod($0, fields: { o in
                var containers = o["containers"] as? [[String: Any]] ?? [[:]]
                containers[0]["running"] = big
                o["containers"] = containers
            }) }, "running is not a time"),
            ("compact uid missing", { try self.editCompactPod($0, fields: { $0["uid"] = nil }) }, "it has no uid or creation time"),
            ("compact line not JSON", { try self.editCompactPod($0, line: { $0 + "}" }) }, "is damaged"),
            ("compact template missing", { try self.editCompactPod($0, line: { "\u{1}0000000000000000" + $0.drop { $0 != "\t" } }) },
             "names pod template 0000000000000000, which its table's templates file does not hold"),
            // A line of the other kind: a pod's in the form of an event's (no template).
            ("compact pod in an event's form", { try self.editCompactPod($0, line: { "\u{1}" + $0.drop { $0 != "\t" } }) },
             "it is stored as an event's compact line"),
            ("templates file cut short", { s in
                let file = try XCTUnwrap(FileIO.filesIn("\(s)/objects").first { $0.hasSuffix(".templates") })
                let text = try String(contentsOfFile: "\(s)/objects/\(file)", encoding: .utf8)
                try String(text.dropLast(10)).write(toFile: "\(s)/objects/\(file)", atomically: false, encoding: .utf8)
            }, "cannot be read: state file"),
            ("pod template damaged", { try self.editPodTemplate($0) { _ in "{\"source\":5}" } }, "is damaged (not a source and a template)"),
            // Events are read on every core, as pods are: the first damaged one is still the error.
            ("event count Int.max", { try self.editObject($0, type: "Event") { $0["count"] = big } }, "count: Invalid value: 9223372036854775807"),
            // Compact events (CompactEvent) likewise.
            ("compact event count Int.max", { try self.editCompactPod($0, type: "Event", fields: { $0["count"] = big }) },
             "count: Invalid value: 9223372036854775807"),
            ("compact event reason missing", { try self.editCompactPod($0, type: "Event", fields: { $0["reason"] = nil }) },
             "its compact line lacks a field"),
            ("spec.template 5", { try self.editObject($0, type: "apps.Deployment") { o in
                var spec = o["spec"] as? [String: Any] ?? [:]
                spec["template"] = 5
                o["spec"] = spec
            } }, "spec.template: expected a map, found integer 5"),
        ]
        for (name, corrupt, expected) in cases {
            let s = try rolledOut()
            try corrupt(s)
            let before = try snapshot(s)
            let started = Date()
            for arguments in [["status", "deploy/web"], ["wait", "--for=condition=Available", "deploy/web"], ["apply", "-f", "examples/manifests/", "--wait"], ["plan", "-f", "examples/manifests/"]] {
                let run = try RolloutRun.run(arguments + ["--state", s])
                XCTAssertEqual(run.status, 1, "\(name): \(arguments): \(run.stderr)")
                XCTAssertTrue(run.stderr.contains("is damaged") && run.stderr.contains(expected), "\(name): \(arguments): \(run.stderr)")
            }
            XCTAssertLessThan(Date().timeIntervalSince(started), 20, "\(name): no spin")
            XCTAssertEqual(try snapshot(s), before, "\(name): nothing changed")
        }
    }

    // `describe` reads its objects' events without expanding the others
    // (`StateStore.events(about:namespace:)`): a damaged event of the namespaces it reads is
    // still the error, as it is for `get events` — a node's events are of every namespace.
    func testDescribeReportsADamagedEvent() throws {
        let big = Int64.max
        let cases: [(String, (String) throws -> Void, String)] = [
            ("compact event count Int.max", { try self.editCompactPod($0, type: "Event", fields: { $0["count"] = big }) },
             "count: Invalid value: 9223372036854775807"),
            ("compact event reason missing", { try self.editCompactPod($0, type: "Event", fields: { $0["reason"] = nil }) },
             "its compact line lacks a field"),
            ("compact line not JSON", { try self.editCompactPod($0, type: "Event", line: { $0 + "}" }) }, "is damaged"),
        ]
        for (name, corrupt, expected) in cases {
            let s = try rolledOut()
            try corrupt(s)
            for arguments in [["get", "events"], ["describe", "deploy/web"], ["describe", "nodes"]] {
                let run = try RolloutRun.run(arguments + ["--state", s])
                XCTAssertEqual(run.status, 1, "\(name): \(arguments): \(run.stderr)")
                XCTAssertTrue(run.stderr.contains("is damaged") && run.stderr.contains(expected), "\(name): \(arguments): \(run.stderr)")
            }
        }
    }

    // The damage message names `cluster init` as a way out: it must work on a state.json
    // that no longer parses, and leave a working cluster.
    func testClusterInitErasesAStateWhoseManifestIsGarbage() throws {
        let s = try rolledOut()
        try Data("{\"apiVersion\": ".utf8).write(to: URL(fileURLWithPath: "\(s)/state.json"))
        var run = try RolloutRun.run(["get", "pods", "--state", s])
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.stderr.contains("state.json is damaged: not valid JSON"), run.stderr)
        run = try RolloutRun.run(["cluster", "init", "--state", s])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(try RolloutRun.run(["get", "deploy", "--state", s]).stderr, "No resources found in default namespace.\n")
        // The new cluster's only pods are its add-ons'.
        let pods = try RolloutRun.run(["get", "pods", "-A", "-o", "name", "--state", s]).stdout
        XCTAssertEqual(pods.split(separator: "\n").count, 4, pods)
        XCTAssertFalse(pods.contains("pod/web"), "the old pods are gone")
    }

    // A table's count in state.json is the manifest's word, not its objects': edited to 2^31 it
    // was trusted by a reservation at load (`status` and `apply` aborted allocating 100 GB),
    // edited to 0 the next commit of anything left the table out of the manifest (every pod
    // lost). Now neither: the count is never trusted with memory, and one its files belie is
    // found out by counting the objects, which the next commit writes back.
    func testATableCountThatLiesIsNeitherFatalNorLossy() throws {
        let configMap = try temporaryDirectory(self).appendingPathComponent("cm.yaml")
        try Data("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {a: b}\n".utf8).write(to: configMap)
        for lie in [1 << 31, 0, 1] {
            let s = try rolledOut()
            let before = try RolloutRun.run(["get", "pods", "-A", "-o", "name", "--state", s]).stdout
            let manifest = URL(fileURLWithPath: "\(s)/state.json")
            var state = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: manifest)) as? [String: Any])
            var tables = try XCTUnwrap(state["tables"] as? [String: Any])
            var pods = try XCTUnwrap(tables["Pod"] as? [String: Any])
            let truth = try XCTUnwrap(pods["count"] as? Int)
            XCTAssertEqual(before.split(separator: "\n").count, truth)
            pods["count"] = lie
            tables["Pod"] = pods
            state["tables"] = tables
            try JSONSerialization.data(withJSONObject: state).write(to: manifest)
            var run = try RolloutRun.run(["status", "deploy/web", "--state", s])
            XCTAssertEqual(run.status, 0, "count \(lie): \(run.stderr)")
            XCTAssertEqual(run.stdout, "deployment \"web\" successfully rolled out\n", "count \(lie)")
            run = try RolloutRun.run(["apply", "-f", configMap.path, "--state", s])
            XCTAssertEqual(run.status, 0, "count \(lie): \(run.stderr)")
            XCTAssertEqual(try RolloutRun.run(["get", "pods", "-A", "-o", "name", "--state", s]).stdout, before, "count \(lie): the pods are all kept")
            let written = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: manifest)) as? [String: Any])
            XCTAssertEqual(((written["tables"] as? [String: Any])?["Pod"] as? [String: Any])?["count"] as? Int, truth, "count \(lie): the objects' count is written back")
        }
    }

    // Deliverable 3: a damaged or poisoned object can always be removed, as kubectl removes one.
    func testADamagedObjectCanBeForceDeleted() throws {
        let s = try rolledOut()
        try editObject(s, type: "Pod") { $0["status"] = "x" }
        let pod = try XCTUnwrap(try RolloutRun.run(["get", "pods", "-o", "name", "--state", s]).stdout.split(separator: "\n").first).dropFirst("pod/".count)
        var run = try RolloutRun.run(["status", "deploy/web", "--state", s])
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.stderr.contains("remove it with 'rollout delete pod \(pod) -n default --force --grace-period=0'"), run.stderr)
        run = try RolloutRun.run(["delete", "pod", String(pod), "--force", "--grace-period=0", "--state", s])
        XCTAssertEqual(run.status, 0, run.stderr)
        // kubectl's words (delete.go): the warning, and "force deleted".
        XCTAssertEqual(run.stdout, "pod \"\(pod)\" force deleted\n")
        XCTAssertEqual(run.stderr, "Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n")
        run = try RolloutRun.run(["status", "deploy/web", "--state", s])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("successfully rolled out"), run.stdout)

        // An object whose stored text does not parse at all: removed by its key, unread.
        let file = try XCTUnwrap(FileIO.filesIn("\(s)/objects").first { $0.hasPrefix("Pod_") && $0.hasSuffix(".objects") })
        var lines = try String(contentsOfFile: "\(s)/objects/\(file)", encoding: .utf8).split(separator: "\n").map(String.init)
        let index = 0
        let fields = lines[index].split(separator: "\t", maxSplits: 2).map(String.init)
        lines[index] = "\(fields[0])\t\(fields[1])\t{\"unterminated"
        try (lines.joined(separator: "\n") + "\n").write(toFile: "\(s)/objects/\(file)", atomically: false, encoding: .utf8)
        XCTAssertEqual(try RolloutRun.run(["delete", "pod", fields[1], "--state", s]).status, 1)
        run = try RolloutRun.run(["delete", "pod", fields[1], "--force", "--state", s])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(try RolloutRun.run(["status", "deploy/web", "--state", s]).status, 0)
    }

    // A damaged pod template damages the compact pods that name it (CompactPod), not their
    // file: each can still be force-deleted by name, and the ReplicaSet makes new ones.
    func testPodsOfADamagedTemplateCanBeForceDeleted() throws {
        let s = try rolledOut()
        let pods = try RolloutRun.run(["get", "pods", "-o", "name", "--state", s]).stdout.split(separator: "\n").map { String($0.dropFirst("pod/".count)) }
        XCTAssertEqual(pods.count, 2)
        try editPodTemplate(s) { _ in "{\"source\":5}" }
        var run = try RolloutRun.run(["get", "pod", pods[0], "-o", "yaml", "--state", s])
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.stderr.contains("its pod template") && run.stderr.contains("is damaged"), run.stderr)
        // The listing reads the rows only: it still works.
        XCTAssertEqual(try RolloutRun.run(["get", "pods", "--state", s]).status, 0)
        for pod in pods {
            run = try RolloutRun.run(["delete", "pod", pod, "--force", "--grace-period=0", "--state", s])
            XCTAssertEqual(run.status, 0, run.stderr)
        }
        run = try RolloutRun.run(["status", "deploy/web", "--state", s])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("successfully rolled out"), run.stdout)
        // The damaged line is not written again: no pod names it.
        let file = try XCTUnwrap(FileIO.filesIn("\(s)/objects").first { $0.hasPrefix("Pod_") && $0.hasSuffix(".objects") })
        let templates = try XCTUnwrap(FileIO.filesIn("\(s)/objects").first { $0.hasPrefix("Pod_") && $0.hasSuffix(".templates") })
        XCTAssertFalse(try String(contentsOfFile: "\(s)/objects/\(templates)", encoding: .utf8).contains("{\"source\":5}"))
        _ = file
    }

    // kubectl's delete.go: --grace-period=0 without --force is 1 s; --now is 1 s.
    func testGracePeriodFlagsFollowKubectl() throws {
        let s = try rolledOut()
        let pods = try RolloutRun.run(["get", "pods", "-o", "name", "--state", s]).stdout.split(separator: "\n").map { String($0.dropFirst(4)) }
        XCTAssertEqual(pods.count, 2)
        var run = try RolloutRun.run(["delete", "pod", pods[0], "--grace-period=0", "--wait=false", "--state", s])
        XCTAssertEqual(run.stdout, "pod \"\(pods[0])\" deleted\n")
        XCTAssertEqual(run.stderr, "")
        let deleted = try RolloutRun.run(["get", "pod", pods[0], "-o", "json", "--state", s]).stdout
        XCTAssertTrue(deleted.contains("\"deletionGracePeriodSeconds\": 1"), deleted)
        run = try RolloutRun.run(["delete", "pod", pods[1], "--now", "--grace-period=5", "--state", s])
        XCTAssertEqual(run.status, 2)
        XCTAssertEqual(run.stderr, "error: --now and --grace-period cannot be specified together\n")
        run = try RolloutRun.run(["delete", "pod", pods[1], "--grace-period=soon", "--state", s])
        XCTAssertEqual(run.status, 2)
        XCTAssertTrue(run.stderr.hasPrefix("error: invalid argument \"soon\" for \"--grace-period\" flag"), run.stderr)
        run = try RolloutRun.run(["delete", "pod", pods[1], "--now", "--wait=false", "--state", s])
        XCTAssertEqual(run.status, 0, run.stderr)
        let now = try RolloutRun.run(["get", "pod", pods[1], "-o", "json", "--state", s]).stdout
        XCTAssertTrue(now.contains("\"deletionGracePeriodSeconds\": 1"), now)
    }

    // Finding 5: each deletion listed every stored object again (8k ConfigMaps took 29 s).
    func testBulkDeletionIsLinear() throws {
        func seconds(_ count: Int, _ body: (StateStore) throws -> Void) throws -> Double {
            let store = try bareStore(try temporaryDirectory(self).appendingPathComponent("s").path)
            defer { store.close() }
            for i in 0..<count {
                try store.create(Resource(Object(["apiVersion": .string("v1"), "kind": .string("ConfigMap"),
                                                  "metadata": .object(Object(["name": .string("cm-\(i)"), "namespace": .string("default")]))])))
            }
            try store.commit()
            let started = Date()
            try body(store)
            try store.commit()
            XCTAssertEqual(try store.count(ResourceType.forObject(apiVersion: "v1", kind: "ConfigMap")), 0)
            return Date().timeIntervalSince(started)
        }
        let type = ResourceType.forObject(apiVersion: "v1", kind: "ConfigMap")
        let deleteAll = { (store: StateStore) throws in
            let deleter = Deleter(store: store)
            for object in try store.list(type) { try deleter.delete(object) }
        }
        let small = try seconds(1000, deleteAll), large = try seconds(8000, deleteAll)
        // Linear is ×8; quadratic was ×60 and more. Generous for a noisy machine.
        XCTAssertLessThan(large / max(small, 0.001), 24, "1k: \(small) s, 8k: \(large) s")
        // Namespace deletion of the same 8k objects.
        let namespaceTime = try seconds(8000) { store in
            let namespace = try XCTUnwrap(try store.get(ObjectKey(type: "Namespace", namespace: "", name: "default")))
            try Deleter(store: store).delete(namespace)
        }
        XCTAssertLessThan(namespaceTime / max(small, 0.001), 24, "namespace of 8k: \(namespaceTime) s")
    }

    // A completed Deployment that loses a pod has a Progressing condition that can never time
    // out (NewReplicaSetAvailable): its requeue-now must not stall virtual time.
    func testACompletedDeploymentThatLosesAPodDoesNotStallTime() throws {
        let crashing = Self.web.replacingOccurrences(of: "rollout.sim/startup: 2s", with: "rollout.sim/startup: 2s, rollout.sim/crash-after: 30s")
        let store = try bareStore(try temporaryDirectory(self).appendingPathComponent("s").path)
        defer { store.close() }
        let documents = try ManifestDecoder.decode([ManifestSource(name: "web.yaml", bytes: Array(crashing.utf8))]).documents
        _ = try Applier.apply(documents, to: store, options: ApplyOptions())
        let cluster = try Cluster(store: store)
        let key = ObjectKey(type: "apps/Deployment", namespace: "default", name: "web")
        XCTAssertEqual(RolloutWait.wait(for: [key], in: cluster, options: .init(), report: { _, _, _ in })[key], .done)
        let started = Date()
        var instants = 0
        let outcome = EventLoop.run(cluster, timeout: Duration(seconds: 3600), until: { _ in false }, observe: { _ in instants += 1 })
        XCTAssertEqual(outcome, .timedOut)
        XCTAssertLessThan(instants, 5000, "an hour of crash loops is a few hundred instants, not one per millisecond")
        XCTAssertLessThan(Date().timeIntervalSince(started), 10)
    }
}

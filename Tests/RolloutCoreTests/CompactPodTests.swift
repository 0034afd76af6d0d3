import Foundation
import XCTest
@testable import RolloutCore

/// Issue 14: pods that run their ReplicaSet's template unchanged are stored compact
/// (`CompactPod`): what the simulation reads back, and their template once per shard file.
/// Every command reads them as the full Pod objects they stand for; states written before
/// (format v1alpha1, every pod in full) read and roll the same. (Debug builds, which run these
/// tests, also check at every save that each compact line expands to the object it replaces:
/// `StateStore.Prepared`.)
final class CompactPodTests: XCTestCase {
    static let web = """
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: web}
    spec:
      replicas: 3
      selector: {matchLabels: {app: web}}
      template:
        metadata: {labels: {app: web}, annotations: {rollout.sim/startup: 2s, rollout.sim/shutdown: 1s}}
        spec:
          containers: [{name: app, image: "app:1", readinessProbe: {httpGet: {port: 80}, periodSeconds: 1}}]
    ---
    apiVersion: v1
    kind: Service
    metadata: {name: web}
    spec: {selector: {app: web}, ports: [{port: 80}]}
    """

    private func state(_ name: String, manifest: String = CompactPodTests.web) throws -> (state: String, file: URL) {
        let root = try temporaryDirectory(self)
        let s = root.appendingPathComponent(name).path
        let file = root.appendingPathComponent("\(name).yaml")
        try Data(manifest.utf8).write(to: file)
        let run = try RolloutRun.run(["apply", "--state", s, "-f", file.path, "--wait"])
        XCTAssertEqual(run.status, 0, run.stderr)
        return (s, file)
    }

    private func podFiles(_ s: String) -> [String] {
        FileIO.filesIn("\(s)/objects").filter { $0.hasPrefix("Pod_") && $0.hasSuffix(".objects") }.map { "\(s)/objects/\($0)" }
    }

    private func lines(_ path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    func testPodsOfAReplicaSetAreStoredCompactWithTheirTemplateOnce() throws {
        let s = try state("s").state
        let file = try XCTUnwrap(podFiles(s).first)
        let all = try lines(file)
        let templatesFile = try XCTUnwrap(FileIO.filesIn("\(s)/objects").first { $0.hasPrefix("Pod_") && $0.hasSuffix(".templates") })
        let templates = try lines("\(s)/objects/\(templatesFile)")
        let web = all.filter { $0.hasPrefix("default\tweb-") }
        XCTAssertEqual(web.count, 3)
        // Each pod: its key, then U+0001, its template's id, a tab and its fields.
        let ids = Set(web.map { $0.split(separator: "\t")[2] })
        XCTAssertEqual(ids.count, 1, "the three pods share one template")
        let id = String(try XCTUnwrap(ids.first).dropFirst())
        XCTAssertTrue(try XCTUnwrap(ids.first).hasPrefix("\u{1}"))
        XCTAssertEqual(templates.filter { $0.hasPrefix("\t\(id)\t{\"source\":") }.count, 1, "its template once in the table's templates file")
        XCTAssertEqual(templates.count, 5, "the add-ons' four and web's")
        XCTAssertLessThan(web.map(\.utf8.count).max() ?? 0, 800, "a compact line is a fraction of the 2.5 kB object")
        // Read, it is the full Pod.
        let name = String(web[0].split(separator: "\t")[1])
        let run = try RolloutRun.run(["get", "pod", name, "-o", "json", "--state", s])
        XCTAssertEqual(run.status, 0, run.stderr)
        let pod = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(pod["kind"] as? String, "Pod")
        let spec = try XCTUnwrap(pod["spec"] as? [String: Any])
        XCTAssertEqual(spec["nodeName"] as? String, "node-1")
        XCTAssertEqual(spec["dnsPolicy"] as? String, "ClusterFirst", "admission's defaults, from the template")
        XCTAssertEqual((pod["status"] as? [String: Any])?["phase"] as? String, "Running")
        XCTAssertEqual((pod["metadata"] as? [String: Any])?["generateName"] as? String, String(name.dropLast(5)))
    }

    /// A state written before compact pods (format v1alpha1, every pod in full) is read and
    /// rolled exactly as the same state with compact pods.
    func testAStateWithPodsInFullReadsAndRollsTheSame() throws {
        let (compact, file) = try state("compact")
        let full = try temporaryDirectory(self).appendingPathComponent("full").path
        try FileManager.default.copyItem(atPath: compact, toPath: full)
        // Every compact line (pods' and events') written in full, the templates dropped, the
        // format as it was.
        let eventFiles = FileIO.filesIn("\(full)/objects").filter { $0.hasPrefix("Event_") && $0.hasSuffix(".objects") }.map { "\(full)/objects/\($0)" }
        XCTAssertFalse(eventFiles.isEmpty)
        for path in podFiles(full) + eventFiles {
            let kind = path.contains("/Event_") ? "event" : "pod"
            var out: [String] = []
            for line in try lines(path) {
                let fields = line.split(separator: "\t", maxSplits: 2).map(String.init)
                guard fields[2].hasPrefix("\u{1}") else { out.append(line); continue }
                let run = try RolloutRun.run(["get", kind, fields[1], "-n", fields[0], "-o", "json", "--state", compact])
                XCTAssertEqual(run.status, 0, run.stderr)
                var json: [UInt8] = []
                try JSONWriter.write(try JSONReader.parse(run.stdout), style: .compact, into: &json)
                out.append([fields[0], fields[1], String(decoding: json, as: UTF8.self)].joined(separator: "\t"))
            }
            try (out.joined(separator: "\n") + "\n").write(toFile: path, atomically: false, encoding: .utf8)
        }
        let manifest = "\(full)/state.json"
        var state = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: manifest))) as? [String: Any])
        XCTAssertEqual(state["apiVersion"] as? String, "rollout.dev/v1alpha2")
        state["apiVersion"] = "rollout.dev/v1alpha1"
        var tables = try XCTUnwrap(state["tables"] as? [String: Any])
        var pods = try XCTUnwrap(tables["Pod"] as? [String: Any])
        let templates = try XCTUnwrap(pods.removeValue(forKey: "templates") as? String)
        try FileManager.default.removeItem(atPath: "\(full)/objects/\(templates).templates")
        tables["Pod"] = pods
        state["tables"] = tables
        try JSONSerialization.data(withJSONObject: state).write(to: URL(fileURLWithPath: manifest))
        XCTAssertFalse(try lines(try XCTUnwrap(podFiles(full).first)).contains { $0.contains("\t\u{1}") })

        func read(_ s: String) throws -> [String] {
            try [["get", "pods", "-A", "-o", "json"], ["get", "pods", "-A", "-o", "wide"], ["describe", "pods"], ["get", "events"]].map { arguments in
                let run = try RolloutRun.run(arguments + ["--state", s])
                XCTAssertEqual(run.status, 0, run.stderr)
                return run.stdout
            }
        }
        XCTAssertEqual(try read(full), try read(compact))
        // The same roll from both.
        try Data(Self.web.replacingOccurrences(of: "app:1", with: "app:2").utf8).write(to: file)
        let rolls = try [compact, full].map { s in try RolloutRun.run(["apply", "-f", file.path, "--wait", "--state", s]) }
        XCTAssertEqual(rolls[0].status, 0, rolls[0].stderr)
        XCTAssertEqual(rolls[0].stdout, rolls[1].stdout)
        XCTAssertTrue(rolls[0].stdout.contains("successfully rolled out"), rolls[0].stdout)
        XCTAssertEqual(try read(full), try read(compact))
        // Written again, the state is in the new format, its pods compact.
        XCTAssertTrue(try String(contentsOfFile: manifest, encoding: .utf8).contains("\"rollout.dev/v1alpha2\""))
        XCTAssertTrue(try lines(try XCTUnwrap(podFiles(full).first)).contains { $0.hasPrefix("default\tweb-") && $0.contains("\t\u{1}") })
        XCTAssertTrue(FileIO.filesIn("\(full)/objects").contains { $0.hasPrefix("Pod_") && $0.hasSuffix(".templates") })
    }

    /// The simulation's events are stored compact too (CompactEvent), and read in full.
    func testEventsAreStoredCompact() throws {
        let s = try state("s").state
        let files = FileIO.filesIn("\(s)/objects").filter { $0.hasPrefix("Event_") && $0.hasSuffix(".objects") }
        let all = try files.flatMap { try lines("\(s)/objects/\($0)") }
        XCTAssertFalse(all.isEmpty)
        XCTAssertTrue(all.allSatisfy { $0.split(separator: "\t", maxSplits: 2)[2].hasPrefix("\u{1}\t{\"rv\":") }, all.joined(separator: "\n"))
        let run = try RolloutRun.run(["get", "events", "-o", "json", "--state", s])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("\"reason\": \"ScalingReplicaSet\""), run.stdout)
        XCTAssertTrue(run.stdout.contains("\"component\": \"deployment-controller\""), run.stdout)
        // `describe` takes the events about its objects without expanding the others
        // (`StateStore.events(about:namespace:)`): the same events, in the same order, as the
        // whole listing filtered by the involved object's uid.
        let store = try StateStore(directory: s, writable: false)
        defer { store.close() }
        let type = ResourceType.forObject(apiVersion: "v1", kind: "Event")
        let listed = try store.list(type)
        let involved = listed.compactMap { $0.value.at("involvedObject", "uid")?.stringValue }
        XCTAssertGreaterThan(Set(involved).count, 2)
        for uids in [Set<String>(), Set(involved), Set(involved.prefix(1)), Set(involved.suffix(2)), ["no-such-uid"]] {
            for namespace in [nil, "default", "kube-system"] {
                let filtered = try store.list(type, namespace: namespace).filter { $0.value.at("involvedObject", "uid")?.stringValue.map(uids.contains) ?? false }
                XCTAssertEqual(try store.events(about: uids, namespace: namespace), filtered, "\(uids) in \(namespace ?? "all")")
            }
        }
    }

    /// Templates no pod names are dropped when every shard has been read; a pod read and kept
    /// parsed still names its template while its shard's file holds its compact line.
    func testTemplatesOfPodsReadInFullAreKept() throws {
        let root = try temporaryDirectory(self)
        let s = root.appendingPathComponent("s").path
        XCTAssertEqual(try RolloutRun.run(["cluster", "init", "--nodes", "3", "--pods", "250", "--state", s]).status, 0)
        let file = root.appendingPathComponent("web.yaml")
        try Data(Self.web.replacingOccurrences(of: "replicas: 3", with: "replicas: 600").utf8).write(to: file)
        let applied = try RolloutRun.run(["apply", "--state", s, "-f", file.path, "--wait"])
        XCTAssertEqual(applied.status, 0, applied.stderr)
        XCTAssertGreaterThan(podFiles(s).count, 1, "the pods span shards")
        let store = try StateStore(directory: s, writable: true)
        let pods = try store.list(ResourceType.forObject(apiVersion: "v1", kind: "Pod"))
        XCTAssertEqual(pods.filter { $0.name.hasPrefix("web-") }.count, 600)
        // One pod written again (in full): its shard only.
        var pod = try XCTUnwrap(pods.first { $0.name.hasPrefix("web-") })
        pod.setAnnotation("touched", "yes")
        try store.writeStatus(pod)
        try store.commit()
        store.close()
        let run = try RolloutRun.run(["get", "pods", "-o", "json", "--state", s])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.stdout.components(separatedBy: "\"kind\": \"Pod\"").count - 1, 600)
    }

    func testAStateOfAnotherFormatIsRefusedByName() throws {
        let s = try state("s").state
        let manifest = "\(s)/state.json"
        try (try String(contentsOfFile: manifest, encoding: .utf8))
            .replacingOccurrences(of: "\"rollout.dev/v1alpha2\"", with: "\"rollout.dev/v1alpha9\"")
            .write(toFile: manifest, atomically: false, encoding: .utf8)
        let run = try RolloutRun.run(["get", "pods", "--state", s])
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.stderr.contains("state format rollout.dev/v1alpha9 is not one this rollout reads (rollout.dev/v1alpha1, rollout.dev/v1alpha2)"), run.stderr)
    }

    /// A pod the kubelet remembers something about (a crash loop's back-off) is stored in full,
    /// with its KubeletMemory beside it; once nothing is remembered it is compact again.
    func testAPodWithKubeletMemoryIsStoredInFull() throws {
        let crashing = Self.web.replacingOccurrences(of: "rollout.sim/startup: 2s,", with: "rollout.sim/crash-after: 1s,")
        let root = try temporaryDirectory(self)
        let s = root.appendingPathComponent("s").path
        let file = root.appendingPathComponent("crash.yaml")
        try Data(crashing.utf8).write(to: file)
        XCTAssertEqual(try RolloutRun.run(["apply", "--state", s, "-f", file.path]).status, 0)
        // Virtual time runs on while the pods crash and back off.
        _ = try RolloutRun.run(["wait", "--for=condition=Progressing=False", "deployment/web", "--timeout", "15s", "--state", s])
        let web = try lines(try XCTUnwrap(podFiles(s).first)).filter { $0.hasPrefix("default\tweb-") }
        XCTAssertEqual(web.count, 3)
        XCTAssertTrue(FileIO.filesIn("\(s)/objects").contains { $0.hasPrefix("rollout.dev.KubeletMemory_") }, "the back-off is remembered")
        XCTAssertTrue(web.allSatisfy { $0.split(separator: "\t", maxSplits: 2)[2].hasPrefix("{\"apiVersion\":\"v1\",\"kind\":\"Pod\"") }, web.joined(separator: "\n"))
        let pods = try RolloutRun.run(["get", "pods", "--state", s])
        XCTAssertTrue(pods.stdout.contains("CrashLoopBackOff") || pods.stdout.contains("Error"), pods.stdout)
    }
}

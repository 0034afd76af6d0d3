import Foundation
import XCTest
@testable import RolloutCore

/// One run of the built `rollout` binary: exit status, stdout and stderr.
struct RolloutRun {
    var status: Int32
    var stdout: String
    var stderr: String

    static var binary: URL { Bundle.main.bundleURL.appendingPathComponent("rollout") }

    /// `unset`: variables taken out of the environment the test runs in.
    /// `fileSizeLimit`: run under `ulimit -f` of that many blocks (the shell's unit: 512 bytes
    /// for dash, 1,024 for bash), so that a write past it fails.
    static func run(_ arguments: [String], stdin: String? = nil, in directory: URL? = nil, environment: [String: String] = [:], unset: [String] = [],
                    fileSizeLimit: Int? = nil) throws -> RolloutRun {
        let process = Process()
        if let fileSizeLimit {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "ulimit -f \(fileSizeLimit) && exec \"$0\" \"$@\"", binary.path] + arguments
        } else {
            process.executableURL = binary
            process.arguments = arguments
        }
        process.currentDirectoryURL = directory ?? Corpus.packageRoot
        var env = ProcessInfo.processInfo.environment
        env["ROLLOUT_STATE"] = nil
        env["KUBECTL_EXTERNAL_DIFF"] = nil
        env["ROLLOUT_EXTERNAL_DIFF"] = nil
        for key in unset { env[key] = nil }
        for (key, value) in environment { env[key] = value }
        process.environment = env
        // stdout and stderr go to files: no pipe can fill up and block the child.
        let outURL = FileManager.default.temporaryDirectory.appendingPathComponent("rollout-out-\(UUID().uuidString)")
        let errURL = FileManager.default.temporaryDirectory.appendingPathComponent("rollout-err-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        let input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        input.fileHandleForWriting.closeFile()
        process.waitUntilExit()
        try out.close()
        try err.close()
        let stdoutData = try Data(contentsOf: outURL), stderrData = try Data(contentsOf: errURL)
        return RolloutRun(status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self), stderr: String(decoding: stderrData, as: UTF8.self))
    }
}

/// A temporary directory removed when the test ends.
func temporaryDirectory(_ test: XCTestCase, _ prefix: String = "rollout-test") throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url
}

/// A Deployment `name` of `replicas` pods labelled `app: name`, with `annotations` on its pods
/// (by default its image is on every node, `rollout.sim/pull: 0s`) and `spec` as its pod spec.
func deploymentYAML(_ name: String = "web", replicas: Int = 1, annotations: String = "rollout.sim/pull: 0s", spec: String) -> String {
    """
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: \(name)}
    spec:
      replicas: \(replicas)
      selector: {matchLabels: {app: \(name)}}
      template:
        metadata:
          labels: {app: \(name)}
          annotations: {\(annotations)}
        spec:
    \(spec.split(separator: "\n").map { "      " + $0 }.joined(separator: "\n"))

    """
}

/// A Service `web` on port 80 and a Deployment `web` of `replicas` running `container` (a
/// flow-style container), applied.
func applyWeb(replicas: Int, container: String, to store: StateStore) throws {
    try applyYAML("""
    apiVersion: v1
    kind: Service
    metadata: {name: web}
    spec:
      selector: {app: web}
      ports: [{port: 80}]
    ---

    """ + deploymentYAML("web", replicas: replicas, spec: "containers: [\(container)]"), to: store)
}

/// A fresh state of a bare cluster of `nodes` with `applyWeb` applied, loaded and run for a
/// minute; with the key of the Service's endpoints.
func webCluster(_ test: XCTestCase, nodes: Int, replicas: Int, container: String) throws -> (store: StateStore, cluster: Cluster, key: ObjectKey) {
    let store = try StateStore(directory: try temporaryDirectory(test).appendingPathComponent("s").path, writable: true,
                               newCluster: ClusterSpec(profile: .bare, nodes: nodes))
    test.addTeardownBlock { store.close() }
    try applyWeb(replicas: replicas, container: container, to: store)
    let c = try Cluster(store: store)
    EventLoop.advance(c, by: Duration(seconds: 60))
    return (store, c, ObjectKey(type: Cluster.endpointsType.storageKey, namespace: "default", name: "web"))
}

/// Applies `yaml` to `store` as `rollout apply` does, without running time.
func applyYAML(_ yaml: String, to store: StateStore) throws {
    _ = try Applier.apply(try ManifestDecoder.decode([ManifestSource(name: "t.yaml", bytes: Array(yaml.utf8))]).documents,
                          to: store, options: ApplyOptions())
}

/// A test's own folder with a state in it, for runs of the built binary: `run` names the
/// state (`--state`), `write` puts a file in the folder and gives its path.
struct Scratch {
    let directory: URL
    let state: String

    init(_ test: XCTestCase) throws {
        directory = try temporaryDirectory(test)
        state = directory.appendingPathComponent("state").path
    }

    func run(_ arguments: String...) throws -> RolloutRun { try RolloutRun.run(arguments + ["--state", state]) }

    func write(_ text: String, _ name: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }
}

/// A `.bare` cluster's store for tests that count ConfigMaps as plain table rows: made as
/// `cluster init` makes it, then without the root CA publisher's `kube-root-ca.crt` in each
/// namespace (removed from storage directly, so nothing makes them again). A directory that
/// holds a state already is opened as it is.
func bareStore(_ directory: String) throws -> StateStore {
    let fresh = !FileManager.default.fileExists(atPath: directory)
    let store = try StateStore(directory: directory, writable: true, newCluster: ClusterSpec(profile: .bare))
    guard fresh else { return store }
    let type = ResourceType.forObject(apiVersion: "v1", kind: "ConfigMap")
    for published in try store.list(type) where published.name == RootCACertPublisher.configMapName {
        try store.delete(published.key)
    }
    try store.commit()
    return store
}

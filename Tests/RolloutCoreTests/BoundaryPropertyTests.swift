import Foundation
import XCTest
@testable import RolloutCore

/// Issue 9, deliverable 2: every numeric field the simulation reads, at every boundary value
/// (0, ±1, int32 and int64 extremes, beyond int64, huge percentages, `inf`, NaN-like text),
/// alone and in seeded random combinations. Each manifest is either refused by validation
/// (what `apply` reports with exit 2) or runs through apply, a rollout to the next image,
/// status, plan and lint without a trap. A trap here ends the test process: the run fails.
final class BoundaryPropertyTests: XCTestCase {
    /// Where a value goes: a placeholder in the manifest below.
    static let fields = [
        "REPLICAS", "MIN_READY", "HISTORY", "DEADLINE", "SURGE", "UNAVAILABLE", "GRACE",
        "R_DELAY", "R_PERIOD", "R_SUCCESS", "R_FAILURE", "R_TIMEOUT", "L_DELAY", "L_PERIOD", "L_FAILURE",
        "SLEEP_SECONDS", "SLEEP_ARG", "STARTUP", "SHUTDOWN", "PULL", "CRASH", "CPU", "MEMORY",
        "CONTAINER_PORT", "SERVICE_PORT", "TARGET_PORT",
    ]

    static let defaults: [String: String] = [
        "REPLICAS": "3", "MIN_READY": "0", "HISTORY": "10", "DEADLINE": "600", "SURGE": "1", "UNAVAILABLE": "0", "GRACE": "30",
        "R_DELAY": "1", "R_PERIOD": "2", "R_SUCCESS": "1", "R_FAILURE": "3", "R_TIMEOUT": "1", "L_DELAY": "5", "L_PERIOD": "10",
        "L_FAILURE": "3", "SLEEP_SECONDS": "2", "SLEEP_ARG": "5", "STARTUP": "\"3s\"", "SHUTDOWN": "\"2s\"", "PULL": "\"1s\"",
        "CRASH": "\"1h\"", "CPU": "100m", "MEMORY": "64Mi", "CONTAINER_PORT": "8080", "SERVICE_PORT": "80", "TARGET_PORT": "8080",
    ]

    static let boundaries = [
        "0", "1", "-1", "2147483647", "2147483648", "-2147483648", "-2147483649",
        "9223372036854775807", "-9223372036854775808", "9223372036854775808", "1e300", "-1e300", "1.5",
        "\"inf\"", "\"-inf\"", "\"NaN\"", ".nan", ".inf", "\"\"", "\"0%\"", "\"100%\"", "\"-1%\"", "\"2147483648%\"",
        "\"9223372036854775807%\"", "\"99999999999999999999%\"", "\"1e400\"", "\"9223372036854775807s\"", "\"-5s\"", "\"5\"",
    ]

    static let template = """
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: web}
    spec:
      replicas: REPLICAS
      minReadySeconds: MIN_READY
      revisionHistoryLimit: HISTORY
      progressDeadlineSeconds: DEADLINE
      selector: {matchLabels: {app: web}}
      strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: SURGE, maxUnavailable: UNAVAILABLE}}
      template:
        metadata:
          labels: {app: web}
          annotations: {rollout.sim/startup: STARTUP, rollout.sim/shutdown: SHUTDOWN, rollout.sim/pull: PULL, rollout.sim/crash-after: CRASH}
        spec:
          terminationGracePeriodSeconds: GRACE
          containers:
          - name: app
            image: IMAGE
            ports: [{containerPort: CONTAINER_PORT, name: http}]
            resources: {requests: {cpu: CPU, memory: MEMORY}}
            readinessProbe: {httpGet: {port: http}, initialDelaySeconds: R_DELAY, periodSeconds: R_PERIOD, successThreshold: R_SUCCESS, failureThreshold: R_FAILURE, timeoutSeconds: R_TIMEOUT}
            livenessProbe: {tcpSocket: {port: http}, initialDelaySeconds: L_DELAY, periodSeconds: L_PERIOD, failureThreshold: L_FAILURE}
            lifecycle: {preStop: {exec: {command: ["sh", "-c", "sleep SLEEP_ARG"]}}}
          - name: side
            image: side:1
            lifecycle: {preStop: {sleep: {seconds: SLEEP_SECONDS}}}
    ---
    apiVersion: v1
    kind: Service
    metadata: {name: web}
    spec:
      selector: {app: web}
      ports: [{port: SERVICE_PORT, targetPort: TARGET_PORT}]
    """

    static func manifest(_ values: [String: String], image: String) -> String {
        var text = template.replacingOccurrences(of: "IMAGE", with: image)
        // Longest names first: R_DELAY must not eat into a longer placeholder.
        for field in fields.sorted(by: { $0.count > $1.count }) {
            var value = values[field] ?? defaults[field] ?? "0"
            // A sleep argument is a word inside a string.
            if field == "SLEEP_ARG" { value = value.replacingOccurrences(of: "\"", with: "") }
            text = text.replacingOccurrences(of: field, with: value)
        }
        return text
    }

    private func documents(_ yaml: String) throws -> [ManifestDocument] {
        try ManifestDecoder.decode([ManifestSource(name: "boundary.yaml", bytes: Array(yaml.utf8))]).documents
    }

    /// Runs one case; returns whether validation accepted it.
    private func exercise(_ values: [String: String], name: String) throws -> Bool {
        let first = Self.manifest(values, image: "app:1"), second = Self.manifest(values, image: "app:2")
        let firstDocuments: [ManifestDocument]
        do { firstDocuments = try documents(first) } catch let error as YAMLError {
            XCTFail("\(name): the template must parse: \(error)")
            return false
        }
        _ = Linter.lint(firstDocuments)
        let candidates: [Applier.Candidate]
        do {
            candidates = try Applier.prepare(firstDocuments, options: ApplyOptions())
        } catch is ValidationErrors {
            return false
        }
        let store = try StateStore(directory: try temporaryDirectory(self, "boundary").appendingPathComponent("s").path, writable: true, newCluster: ClusterSpec(profile: .bare))
        defer { store.close() }
        do {
            _ = try Applier.apply(candidates, to: store, options: ApplyOptions())
        } catch is ValidationErrors {
            return false
        }
        let key = ObjectKey(type: "apps/Deployment", namespace: "default", name: "web")
        // int32's largest replica count is valid: a few hundred pods show what it does, without
        // creating the 250,000 the simulated cluster would hold.
        var cluster = try Cluster(store: store)
        cluster.podLimit = 200
        _ = RolloutWait.wait(for: [key], in: cluster, options: .init(timeout: Duration(seconds: 7200)), report: { _, _, _ in })
        try cluster.save()
        try store.commit()
        // plan runs a cluster of its own, with the full pod limit: int32's largest replica
        // count there means 250,000 pending pods, minutes of scheduling (a scale limit, not a
        // trap); plan is exercised for every other value.
        if (Int(values["REPLICAS"] ?? "") ?? 0) < 10_000 {
            _ = try Planner.plan(try documents(second), store: store, options: ApplyOptions(), rps: 10, timeout: Duration(seconds: 7200))
        }
        _ = try Applier.apply(try Applier.prepare(try documents(second), options: ApplyOptions()), to: store, options: ApplyOptions())
        cluster = try Cluster(store: store)
        cluster.podLimit = 200
        cluster.traffic = TrafficRecorder(rps: 10, services: TrafficRecorder.servingServices(selecting: Array(cluster.deployments.values), in: cluster), start: cluster.now)
        _ = RolloutWait.wait(for: [key], in: cluster, options: .init(timeout: Duration(seconds: 7200)), report: { _, _, _ in })
        try cluster.save()
        try store.commit()
        // The pods of the old revision terminate: a deletion with the largest grace period.
        let deleter = Deleter(store: store)
        for pod in try store.list(ResourceType.forObject(apiVersion: "v1", kind: "Pod")) { try deleter.delete(pod) }
        try store.commit()
        let again = try Cluster(store: store)
        again.podLimit = 200
        _ = EventLoop.run(again, timeout: Duration(seconds: 3600), until: { _ in false })
        _ = try EventLog.events(about: try store.list(ResourceType.forObject(apiVersion: "v1", kind: "Pod")), store: store)
        return true
    }

    func testEveryNumericFieldAtEveryBoundary() throws {
        var accepted = 0, refused = 0
        for field in Self.fields {
            for value in Self.boundaries {
                if try exercise([field: value], name: "\(field)=\(value)") { accepted += 1 } else { refused += 1 }
            }
        }
        // Both outcomes happen: the test is not vacuous in either direction.
        XCTAssertGreaterThan(accepted, 80)
        XCTAssertGreaterThan(refused, 300)
    }

    func testRandomCombinationsOfBoundaries() throws {
        var random = SeededRandom(seed: 0x9_2026)
        var accepted = 0
        for round in 0..<150 {
            var values: [String: String] = [:]
            for _ in 0..<(1 + Int(random.next() % 6)) {
                let field = Self.fields[Int(random.next() % UInt64(Self.fields.count))]
                values[field] = Self.boundaries[Int(random.next() % UInt64(Self.boundaries.count))]
            }
            if try exercise(values, name: "round \(round): \(values)") { accepted += 1 }
        }
        XCTAssertGreaterThan(accepted, 4)
    }
}

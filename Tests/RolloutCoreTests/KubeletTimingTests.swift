import RolloutCore
import XCTest

/// The kubelet's timing as pure functions: readiness from probes and warm-up, liveness kills,
/// and the ReplicaSet controller's deletion ranking (KUBERNETES.md §14, §15, §17).
final class KubeletTimingTests: XCTestCase {
    func behaviour(_ yaml: String) throws -> AppBehaviour {
        let value = try ManifestDecoder.decode([ManifestSource(name: "t", bytes: Array(yaml.utf8))]).documents[0].value
        return AppBehaviour(template: value)
    }

    func template(startup: String = "0s", probe: String? = nil, liveness: String? = nil, extra: String = "") -> String {
        """
        metadata:
          annotations: {rollout.sim/startup: \(startup)\(extra)}
        spec:
          containers:
          - name: app
            image: app:1
        \(probe.map { "    readinessProbe: {httpGet: {path: /, port: 80}, \($0)}" } ?? "")
        \(liveness.map { "    livenessProbe: {httpGet: {path: /, port: 80}, \($0)}" } ?? "")
        """
    }

    func testReadinessTiming() throws {
        let start = Timestamp(milliseconds: 0)
        // startup, probe parameters, expected ready second (nil: never).
        let cases: [(String, String?, String, Int?)] = [
            ("no probe: ready at start", nil, "0s", 0),
            ("no probe, slow app: still ready at start (nothing checks)", nil, "30s", 0),
            ("probe at once, app ready at once", "periodSeconds: 10", "0s", 0),
            ("default period 10 s, warm-up 5 s: the second probe", "periodSeconds: 10", "5s", 10),
            ("period 5, warm-up 5: exactly on a probe", "periodSeconds: 5", "5s", 5),
            ("initial delay 2, period 5, warm-up 5", "initialDelaySeconds: 2, periodSeconds: 5", "5s", 5),
            ("initial delay 12 beyond warm-up", "initialDelaySeconds: 12, periodSeconds: 5", "0s", 15),
            ("successThreshold 3", "periodSeconds: 2, successThreshold: 3", "3s", 8),
        ]
        for (name, probe, startup, expected) in cases {
            let b = try behaviour(template(startup: startup, probe: probe))
            XCTAssertEqual(b.readyTime(start: start).map { $0.milliseconds / 1000 }, expected, name)
        }
        XCTAssertNil(try behaviour(template(probe: "periodSeconds: 1", extra: ", rollout.sim/ready: never")).readyTime(start: start))
    }

    func testLivenessKillsAnAppThatWarmsUpTooSlowly() throws {
        let start = Timestamp(milliseconds: 0)
        // Probes at 0, 10, 20 fail while the app warms up for 60 s: killed at the 3rd failure.
        XCTAssertEqual(try behaviour(template(startup: "60s", liveness: "periodSeconds: 10")).livenessKillTime(start: start)?.milliseconds, 20_000)
        XCTAssertNil(try behaviour(template(startup: "15s", liveness: "periodSeconds: 10")).livenessKillTime(start: start), "serving by the third probe")
        XCTAssertNil(try behaviour(template(startup: "60s", liveness: "initialDelaySeconds: 90, periodSeconds: 10")).livenessKillTime(start: start))
    }

    func testPreStopDurations() throws {
        let sleep = try behaviour("spec:\n  containers:\n  - name: a\n    image: a\n    lifecycle: {preStop: {sleep: {seconds: 7}}}\n")
        XCTAssertEqual(sleep.preStop.milliseconds, 7000)
        let exec = try behaviour("spec:\n  containers:\n  - name: a\n    image: a\n    lifecycle: {preStop: {exec: {command: [/bin/sh, -c, 'sleep 15; nginx -s quit']}}}\n")
        XCTAssertEqual(exec.preStop.milliseconds, 15_000)
        let http = try behaviour("spec:\n  containers:\n  - name: a\n    image: a\n    lifecycle: {preStop: {httpGet: {path: /drain, port: 80}}}\n")
        XCTAssertEqual(http.preStop.milliseconds, 0)
        XCTAssertTrue(http.hasPreStop)
    }

    func testDeletionRanking() throws {
        let b = try behaviour(template())
        func pod(_ name: String, node: String?, running: Bool, ready: Bool, readySince: Int? = nil, restarts: Int = 0, created: Int = 0) -> SimPod {
            let p = SimPod(name: name, namespace: "default", uid: name, ownerUID: "rs", ownerName: "rs", labels: [:], template: Object(),
                           created: Timestamp(milliseconds: created * 1000), behaviour: b)
            p.nodeName = node
            if running { p.state = .running(since: Timestamp(milliseconds: 0)) }
            p.ready = ready
            p.readySince = readySince.map { Timestamp(milliseconds: $0 * 1000) }
            p.restarts = restarts
            return p
        }
        let pods = [
            pod("ready-old", node: "n1", running: true, ready: true, readySince: 10, created: 1),
            pod("ready-recent", node: "n1", running: true, ready: true, readySince: 50, created: 1),
            pod("unscheduled", node: nil, running: false, ready: false, created: 5),
            pod("pending", node: "n1", running: false, ready: false, created: 2),
            pod("not-ready", node: "n1", running: true, ready: false, created: 3),
            pod("ready-restarted", node: "n1", running: true, ready: true, readySince: 10, restarts: 2, created: 1),
        ]
        XCTAssertEqual(ReplicaSetController.podsToDelete(pods, count: 6).map(\.name),
                       ["unscheduled", "pending", "not-ready", "ready-recent", "ready-restarted", "ready-old"])
    }
}

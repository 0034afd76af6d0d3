@testable import RolloutCore
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
            let b = try behaviour(template(startup: startup, probe: probe)).containers[0]
            XCTAssertEqual(Prober.readiness(b, start: start, started: start).first.map { $0.at.milliseconds / 1000 }, expected, name)
        }
        XCTAssertTrue(Prober.readiness(try behaviour(template(probe: "periodSeconds: 1", extra: ", rollout.sim/ready: never")).containers[0], start: start, started: start).isEmpty)
    }

    func testLivenessKillsAnAppThatWarmsUpTooSlowly() throws {
        let start = Timestamp(milliseconds: 0)
        // Probes at 0, 10, 20 fail while the app warms up for 60 s: killed at the 3rd failure.
        func kill(_ b: AppBehaviour) -> Int? { Prober.livenessKill(b.containers[0], start: start, started: start, anchor: start)?.milliseconds }
        XCTAssertEqual(kill(try behaviour(template(startup: "60s", liveness: "periodSeconds: 10"))), 20_000)
        XCTAssertNil(kill(try behaviour(template(startup: "15s", liveness: "periodSeconds: 10"))), "serving by the third probe")
        XCTAssertNil(kill(try behaviour(template(startup: "60s", liveness: "initialDelaySeconds: 90, periodSeconds: 10"))))
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

    // getPodsToDelete and ActivePodsWithRanks.Less (pkg/controller/replicaset/replica_set.go,
    // pkg/controller/controller_utils.go; KUBERNETES.md §14), rule by rule.
    func testDeletionRanking() throws {
        let b = try behaviour(template())
        func pod(_ name: String, node: String?, running: Bool = true, ready: Bool = true, readySince: Int? = 10, restarts: Int = 0, created: Int = 1, cost: String? = nil) -> SimPod {
            var template = Object()
            if let cost { template["metadata"] = .object(Object(["annotations": .object(Object(["controller.kubernetes.io/pod-deletion-cost": .string(cost)]))])) }
            let p = SimPod(name: name, namespace: "default", uid: name, ownerUID: "rs", ownerName: "rs", labels: [:], template: template,
                           created: Timestamp(milliseconds: created * 1000), behaviour: b)
            p.nodeName = node
            if running { p.containers[0].state = .running(since: Timestamp(milliseconds: 0)) }
            p.ready = ready
            p.readySince = ready ? readySince.map { Timestamp(milliseconds: $0 * 1000) } : nil
            p.containers[0].restarts = restarts
            return p
        }
        let ladder = [
            pod("ready-old", node: "n1", readySince: 10),
            pod("ready-recent", node: "n1", readySince: 50),
            pod("unscheduled", node: nil, running: false, ready: false, created: 5),
            pod("pending", node: "n1", running: false, ready: false, created: 2),
            pod("not-ready", node: "n1", ready: false, created: 3),
            pod("ready-restarted", node: "n1", readySince: 10, restarts: 2),
        ]
        let cases: [(name: String, pods: [SimPod], count: Int, related: [SimPod]?, now: Int?, expected: [String])] = [
            ("rules 1, 2, 3, 6, 7 with exact times", ladder, 5, nil, nil, ["unscheduled", "pending", "not-ready", "ready-recent", "ready-restarted"]),
            ("every pod goes: no ranking", ladder, 6, nil, nil, ladder.map(\.name)),
            // 4: a lower pod-deletion-cost goes first, before co-location and ready time.
            ("rule 4, deletion cost", [pod("cheap-old", node: "n1", readySince: 10, cost: "-5"), pod("dear-recent", node: "n1", readySince: 50, cost: "100"),
                                      pod("default-cost", node: "n1", readySince: 50)], 2, nil, nil, ["cheap-old", "default-cost"]),
            ("an invalid cost counts as 0", [pod("a", node: "n1", readySince: 10, cost: "many"), pod("b", node: "n1", readySince: 50, cost: "1")], 1, nil, nil, ["a"]),
            // 5: more active related pods (every ReplicaSet of the Deployment) on the node first.
            ("rule 5, related pods of the other ReplicaSet", [pod("on-n1", node: "n1", readySince: 50), pod("on-n2", node: "n2", readySince: 10)], 1,
             [pod("on-n1", node: "n1"), pod("on-n2", node: "n2"), pod("new-1", node: "n2"), pod("new-2", node: "n2"), pod("gone", node: "n1", ready: false)], nil, ["on-n2"]),
            // 8 with LogarithmicScaleDown: ages 100 s and 99 s share bucket floor(log2(ns)) = 36,
            // so uid order decides; 10 s (bucket 33) against 100 s (36): the newer goes first.
            ("rule 8, one log2 bucket: uid order", [pod("b-newer", node: "n1", ready: false, created: 901), pod("a-older", node: "n1", ready: false, created: 900)], 1, nil, 1000, ["a-older"]),
            ("rule 8, different buckets: newer first", [pod("a-older", node: "n1", ready: false, created: 900), pod("b-newer", node: "n1", ready: false, created: 990)], 1, nil, 1000, ["b-newer"]),
            ("rule 6, one log2 bucket: uid order", [pod("b-later", node: "n1", readySince: 901), pod("a-earlier", node: "n1", readySince: 900)], 1, nil, 1000, ["a-earlier"]),
            // The uid order is the Strings' (compared by their first 16 bytes as numbers when
            // those differ): uids alike in 16 bytes, and uids that are not ASCII.
            ("uid order beyond 16 bytes", [pod("0123456789abcdef-z", node: "n1", readySince: 901), pod("0123456789abcdef-a", node: "n1", readySince: 900),
                                          pod("0123456789abcdef", node: "n1", readySince: 902)], 2, nil, 1000, ["0123456789abcdef", "0123456789abcdef-a"]),
            ("uid order in bytes 9 to 16", [pod("01234567-b", node: "n1", readySince: 901), pod("01234567-a", node: "n1", readySince: 900)], 1, nil, 1000, ["01234567-a"]),
            ("uid order outside ASCII", [pod("é-a", node: "n1", readySince: 901), pod("e-b", node: "n1", readySince: 900)], 1, nil, 1000, ["e-b"]),
        ]
        for c in cases {
            let chosen = ReplicaSetController.podsToDelete(c.pods, count: c.count, related: c.related, now: c.now.map { Timestamp(milliseconds: $0 * 1000) })
            XCTAssertEqual(chosen.map(\.name), c.expected, c.name)
        }
        XCTAssertEqual(ReplicaSetController.logarithmicRank(900_000, now: Timestamp(milliseconds: 1_000_000)), 36)
        XCTAssertEqual(ReplicaSetController.logarithmicRank(990_000, now: Timestamp(milliseconds: 1_000_000)), 33)
        XCTAssertEqual(ReplicaSetController.logarithmicRank(1_000_000, now: Timestamp(milliseconds: 1_000_000)), -1)
    }

    // coreutils sleep (src/sleep.c): each argument is what xstrtod reads (decimal, exponent,
    // hex, inf) with an optional s/m/h/d suffix, and the pause is their sum.
    func testSleepArgumentsAsCoreutilsReadsThem() {
        let cap = SimulationLimits.maxSeconds * 1000
        let cases: [([String], Int?)] = [
            (["10"], 10_000), (["0.5"], 500), (["1m", "30s"], 90_000), (["2d"], 172_800_000), (["1.5h"], 5_400_000),
            (["1e3"], 1_000_000), (["0x10"], 16_000), (["0x1d"], 29_000), (["inf"], cap), (["infinity"], cap), (["1e300"], cap),
            (["5", "&&", "nginx"], 5_000), (["abc"], nil), ([], nil), (["-1"], nil),
        ]
        for (arguments, expected) in cases {
            XCTAssertEqual(SleepArguments.duration(arguments)?.milliseconds, expected, "\(arguments)")
        }
    }
}

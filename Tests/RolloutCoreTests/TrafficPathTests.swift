import Foundation
import XCTest
@testable import RolloutCore

/// The traffic path of issue 11: EndpointSlices as the EndpointSlice controller keeps them, the
/// Endpoints controller's `publishNotReadyAddresses`, and kube-proxy's choice of endpoints
/// (`pkg/proxy/topology.go` CategorizeEndpoints; KUBERNETES-scheduling-traffic.md §7, §10(e)).
final class TrafficPathTests: XCTestCase {
    var state = ""

    override func setUpWithError() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: RolloutRun.binary.path), "rollout binary not built")
        state = try temporaryDirectory(self, "rollout-traffic-path").appendingPathComponent("state").path
    }

    func rollout(_ arguments: String...) throws -> RolloutRun { try RolloutRun.run(arguments + ["--state", state]) }

    func write(_ text: String, _ name: String) throws -> String {
        let url = try temporaryDirectory(self, "rollout-manifests").appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// examples/manifests/web-api.yaml with the Recreate strategy.
    func recreate(image: String) throws -> String {
        var text = try String(contentsOfFile: "examples/manifests/web-api.yaml", encoding: .utf8)
        text = text.replacingOccurrences(of: "    type: RollingUpdate\n    rollingUpdate:\n      maxSurge: 1\n      maxUnavailable: 0\n", with: "    type: Recreate\n")
        return text.replacingOccurrences(of: "web-api:1.4.2", with: image)
    }

    // Recreate with a 10 s preStop sleep, readiness probe and 3 s drain. At 0 the old pods are
    // deleted; their readiness probe keeps passing (the kubelet keeps readiness probes during
    // shutdown), so from 1 s (propagation) their endpoints are serving and terminating: no
    // endpoint is ready, and kube-proxy falls back to them — the requests of 0–10 s are served.
    // SIGTERM at 10 s (preStop over): the app stops accepting (10–12.9 s, 30 failed), exits at
    // 13, and the slices drop it at 14 (13–13.9 s: the pod is gone, 10 failed). The new pods are
    // created at 13, pull the new image (3 s), start at 17, pass their readiness probe at 22 (5 s
    // warm-up, probes at 17 and 22) and are listed at 23: 14–22.9 s, nothing to send to (90).
    func testRecreateWithPreStopFallsBackToServingTerminatingEndpoints() throws {
        XCTAssertEqual(try rollout("apply", "-f", try write(try recreate(image: "ghcr.io/example/web-api:1.4.2"), "v1.yaml"), "--wait").status, 0)
        let run = try rollout("apply", "-f", try write(try recreate(image: "ghcr.io/example/web-api:1.5.0"), "v2.yaml"), "--wait")
        XCTAssertTrue(run.stdout.hasSuffix("""
        service/web-api: 230 requests at 10/s, 130 failed
          t=10s–12.9s: 30 failed, pod past SIGTERM (shutting down)
          t=13s–13.9s: 10 failed, pod already gone (killed)
          t=14s–22.9s: 90 failed, no ready endpoints

        """), run.stdout)
        // The timeline starts when the template changed (10 s, when the second apply began),
        // not when the new ReplicaSet appeared (13 s, once the old pods were gone: Recreate),
        // so the picture holds all 130 failures and the 13 s without any pod.
        let chart = try rollout("timeline", "deployment/web-api", "-o", "chart").stdout
        XCTAssertTrue(chart.hasPrefix("deployment.apps/web-api revision 2, from 2025-01-01T00:00:10Z\n"), chart)
        XCTAssertTrue(chart.contains("0s   ░░░   old 0 new 0 terminating 3\n"), chart)
        let svg = try rollout("timeline", "deployment/web-api", "-o", "svg").stdout
        XCTAssertTrue(svg.contains("downtime: 130 failed requests"), svg)
    }

    // The EndpointSlice of a Service mid-rollout: a terminating pod is listed, not ready but
    // serving (podToEndpoint); the Endpoints object leaves it out (syncService). kubectl's
    // columns: NAME ADDRESSTYPE PORTS ENDPOINTS AGE.
    func testEndpointSlicesListTerminatingPods() throws {
        XCTAssertEqual(try rollout("apply", "-f", "examples/manifests/web-api.yaml", "--wait").status, 0)
        let slices = try rollout("get", "endpointslices").stdout
        XCTAssertTrue(slices.hasPrefix("NAME"), slices)
        // The API server's own slice for `kubernetes`, then the Service's (the k3s add-ons'
        // pods took 10.42.0.2–5, host-local's first addresses of node-1's range).
        XCTAssertTrue(slices.contains("kubernetes      IPv4          6443    10.0.0.2   "), slices)
        XCTAssertTrue(slices.contains("IPv4          8080    10.42.0.6,10.42.0.7,10.42.0.8   "), slices)
        let pod = try XCTUnwrap(try rollout("get", "pods", "-o", "name").stdout.split(separator: "\n").first.map(String.init))
        XCTAssertEqual(try rollout("delete", pod, "--wait=false").status, 0)
        // One second of virtual time: the change reaches the slices and the Endpoints.
        _ = try rollout("wait", "--for=condition=Progressing=False", "deployment/web-api", "--timeout", "1s")
        let json = try rollout("get", "endpointslices", "-l", "kubernetes.io/service-name=web-api", "-o", "json").stdout
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let endpoints = ((object["items"] as? [[String: Any]])?.first?["endpoints"] as? [[String: Any]]) ?? []
        let deleted = try XCTUnwrap(endpoints.first { ($0["targetRef"] as? [String: Any])?["name"] as? String == String(pod.dropFirst(4)) })
        XCTAssertEqual(deleted["conditions"] as? [String: Bool], ["ready": false, "serving": true, "terminating": true])
        // The two other pods are ready; the replacement (scheduled at once, not ready for a few
        // seconds) is listed as neither ready nor serving.
        XCTAssertEqual(endpoints.count, 4)
        XCTAssertEqual(endpoints.filter { ($0["conditions"] as? [String: Bool])?["ready"] == true }.count, 2)
        XCTAssertEqual(endpoints.filter { ($0["conditions"] as? [String: Bool]) == ["ready": false, "serving": false, "terminating": false] }.count, 1)
        XCTAssertFalse(try rollout("get", "endpoints", "web-api", "-o", "yaml").stdout.contains(String(pod.dropFirst(4))))
        let described = try rollout("get", "endpointslices", "-o", "yaml").stdout
        XCTAssertTrue(described.contains("kubernetes.io/service-name: web-api"), described)
        XCTAssertTrue(described.contains("endpointslice.kubernetes.io/managed-by: endpointslice-controller.k8s.io"), described)
    }

    // publishNotReadyAddresses: every pod is an address of the Endpoints and a ready endpoint of
    // the slices (syncService, podToEndpoint), so a pod that is still warming up gets requests.
    func testPublishNotReadyAddressesSendsToPodsThatAreNotReady() throws {
        let manifest = try String(contentsOfFile: "examples/manifests/web-api.yaml", encoding: .utf8)
            .replacingOccurrences(of: "  type: LoadBalancer\n", with: "  type: LoadBalancer\n  publishNotReadyAddresses: true\n")
        XCTAssertTrue(manifest.contains("publishNotReadyAddresses"))
        let path = try write(manifest, "web.yaml")
        XCTAssertEqual(try rollout("apply", "-f", path, "--wait").status, 0)
        let run = try rollout("apply", "-f", try write(manifest.replacingOccurrences(of: "web-api:1.4.2", with: "web-api:1.5.0"), "v2.yaml"), "--wait")
        // Each new pod is listed (1 s after it got its IP) while it pulls, starts and warms up:
        // requests to it fail until it serves.
        XCTAssertTrue(run.stdout.contains("failed, container not running") || run.stdout.contains("failed, pod still warming up"), run.stdout)
        XCTAssertFalse(run.stdout.contains(", 0 failed"), run.stdout)
    }

    // The evidence belongs to the rollout: a later `status`, `wait` or `get` on the finished
    // rollout adds its own (none) and erases nothing; chart and SVG agree on the count.
    func testFailureRecordsSurviveLaterCommands() throws {
        XCTAssertEqual(try rollout("apply", "-f", "examples/unsafe/naive-api.yaml", "--wait").status, 0)
        let run = try rollout("apply", "-f", "examples/releases/naive-api-2.yaml", "--wait")
        XCTAssertTrue(run.stdout.contains("service/naive-api: 110 requests at 10/s, 91 failed"), run.stdout)
        func counts() throws -> (chart: Int, svg: String?) {
            let chart = try rollout("timeline", "deployment/naive-api", "-o", "chart").stdout
            // The FAILED column follows "terminating N" when a moment had failures.
            let failed = chart.split(separator: "\n").compactMap { line -> Int? in
                let cells = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
                guard let i = cells.firstIndex(of: "terminating"), cells.count > i + 2 else { return nil }
                return Int(cells[i + 2])
            }.reduce(0, +)
            let svg = try rollout("timeline", "deployment/naive-api", "-o", "svg").stdout
            return (failed, svg.range(of: #"\d+ failed requests"#, options: .regularExpression).map { String(svg[$0]) })
        }
        XCTAssertEqual(try counts().chart, 91)
        XCTAssertEqual(try counts().svg, "91 failed requests")
        XCTAssertEqual(try rollout("status", "deployment/naive-api").status, 0)
        _ = try rollout("wait", "--for=condition=Available", "deployment/naive-api")
        _ = try rollout("get", "all")
        XCTAssertEqual(try counts().chart, 91)
        XCTAssertEqual(try counts().svg, "91 failed requests")
    }

    // Requests that take time (a Service's `rollout.sim/request-time: 12s`). One replica, its
    // successor pulled and started at 4 s and ready at once: the old pod is deleted at 4 and
    // leaves the endpoints at 5, so it took the requests sent at 0–4.9 s. Its preStop sleeps 5 s
    // (SIGTERM at 9); its app would drain for 20 s, but the grace period is 10 s: SIGKILL at 14
    // (killContainer: 10 − 5 s of preStop). Requests sent after 2.0 s still run then (2.1 …
    // 4.9 s: 29 of them) and fail; the one sent at 2.0 s ends at 14.0, as the kill comes.
    // With a 30 s grace period the app exits after its drain, at 29 s, when all of them are
    // done: lint's grace-too-short, seen as failed requests only when requests outlive it.
    func testRequestsInFlightWhenThePodIsKilled() throws {
        let v1 = try String(contentsOfFile: "Tests/RolloutCoreTests/Fixtures/pods/long-requests.yaml", encoding: .utf8)
        XCTAssertEqual(try rollout("apply", "-f", try write(v1, "v1.yaml"), "--wait").status, 0)
        var run = try rollout("apply", "-f", try write(v1.replacingOccurrences(of: "app:1", with: "app:2"), "v2.yaml"), "--wait")
        XCTAssertTrue(run.stdout.hasSuffix("""
        service/web: 150 requests at 10/s, 29 failed
          t=14s: 29 failed, in flight when its pod was killed (SIGKILL)

        """), run.stdout)
        state = try temporaryDirectory(self, "rollout-traffic-path").appendingPathComponent("state").path
        let patient = v1.replacingOccurrences(of: "terminationGracePeriodSeconds: 10", with: "terminationGracePeriodSeconds: 30")
        XCTAssertEqual(try rollout("apply", "-f", try write(patient, "p1.yaml"), "--wait").status, 0)
        run = try rollout("apply", "-f", try write(patient.replacingOccurrences(of: "app:1", with: "app:2"), "p2.yaml"), "--wait")
        XCTAssertTrue(run.stdout.hasSuffix("service/web: 300 requests at 10/s, 0 failed\n"), run.stdout)
        // Short requests (the default 50 ms) never outlive even the short grace period.
        state = try temporaryDirectory(self, "rollout-traffic-path").appendingPathComponent("state").path
        let quick = v1.replacingOccurrences(of: "  annotations: {rollout.sim/request-time: 12s}\n", with: "")
        XCTAssertEqual(try rollout("apply", "-f", try write(quick, "q1.yaml"), "--wait").status, 0)
        run = try rollout("apply", "-f", try write(quick.replacingOccurrences(of: "app:1", with: "app:2"), "q2.yaml"), "--wait")
        XCTAssertTrue(run.stdout.hasSuffix(" 0 failed\n"), run.stdout)
        XCTAssertTrue(try rollout("lint", "-f", try write(v1, "lint.yaml")).stdout.contains("error[grace-too-short]"))
    }

    // A LoadBalancer left <pending> because another Service holds its port (k3s' ServiceLB,
    // KUBERNETES-scheduling-traffic.md §8): clients outside cannot reach the app, however well
    // it rolled. `apply --wait` says so after "successfully rolled out", the replay counts every
    // request as failed with the holder named, and `plan` reports it as a hazard.
    func testAPendingLoadBalancerIsDowntime() throws {
        let shop = try String(contentsOfFile: "Tests/RolloutCoreTests/Fixtures/pods/shop-on-port-80.yaml", encoding: .utf8)
        XCTAssertEqual(try rollout("apply", "-f", "examples/manifests/", "--wait").status, 0)
        var run = try rollout("apply", "-f", try write(shop, "shop.yaml"), "--wait")
        // On k3s (the default profile) Traefik's LoadBalancer holds 80 and 443 from the start.
        let why = "no external IP (<pending>): port 80/TCP is held by service kube-system/traefik"
        XCTAssertTrue(run.stdout.hasSuffix("deployment \"shop\" successfully rolled out\nservice/shop: unreachable from outside: \(why)\n"), run.stdout)
        let v2 = try write(shop.replacingOccurrences(of: "shop:1", with: "shop:2"), "shop2.yaml")
        run = try rollout("plan", "-f", v2, "--fail-on", "downtime")
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.stdout.contains("service/shop: 60 requests at 10/s, 60 failed\n  t=0s–5.9s: 60 failed, \(why)\n"), run.stdout)
        XCTAssertTrue(run.stdout.contains("error[load-balancer-pending] service/shop: spec.ports: clients outside cannot reach it: \(why)"), run.stdout)
        run = try rollout("apply", "-f", v2, "--wait")
        XCTAssertTrue(run.stdout.hasSuffix("service/shop: unreachable from outside: \(why)\n"), run.stdout)
    }

    // The verdict CI reads: plan -o json's `verdict` and `reasons`, hazards with file, line,
    // column and fix as lint prints them; `apply --wait --fail-on downtime` failing a real
    // apply that dropped requests; and a brand-new app's plan saying no traffic was replayed.
    func testVerdictsForCI() throws {
        var run = try rollout("plan", "-f", "examples/unsafe/naive-api.yaml", "--fail-on", "downtime")
        XCTAssertEqual(run.status, 0, "nothing served before: nothing to lose")
        XCTAssertTrue(run.stdout.contains("service/naive-api: no traffic replayed: nothing served before (a new app has no clients yet)"), run.stdout)
        XCTAssertTrue(run.stdout.hasSuffix("verdict: hazard (deployment.apps/naive-api: no-readiness-probe; deployment.apps/naive-api: no-prestop-delay)\n"), run.stdout)
        XCTAssertEqual(run.stderr, "warning: service/naive-api: nothing served before this plan, so there was no traffic to lose; --fail-on downtime checked nothing for it\n")
        XCTAssertEqual(try rollout("apply", "-f", "examples/unsafe/naive-api.yaml", "--wait").status, 0)
        run = try rollout("plan", "-f", "examples/releases/naive-api-2.yaml", "-o", "json")
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(json["verdict"] as? String, "downtime")
        XCTAssertEqual(json["reasons"] as? [String], ["service/naive-api: 91 of 110 requests failed"])
        let hazard = try XCTUnwrap((json["hazards"] as? [[String: Any]])?.first { $0["code"] as? String == "no-readiness-probe" })
        XCTAssertEqual(hazard["file"] as? String, "examples/releases/naive-api-2.yaml")
        XCTAssertNotNil(hazard["line"] as? Int)
        XCTAssertNotNil(hazard["column"] as? Int)
        XCTAssertNotNil(hazard["fix"] as? String)
        run = try rollout("apply", "-f", "examples/releases/naive-api-2.yaml", "--wait", "--fail-on", "downtime")
        XCTAssertEqual(run.status, 1)
        XCTAssertEqual(run.stderr, "error: 91 requests failed during the rollout (--fail-on downtime)\n")
        XCTAssertTrue(run.stdout.contains("deployment \"naive-api\" successfully rolled out\n"), run.stdout)
        run = try rollout("apply", "-f", "examples/manifests/web-api.yaml", "--wait", "--fail-on", "downtime")
        XCTAssertEqual(run.status, 0, run.stderr)
    }

    // internalTrafficPolicy: Local (UsesLocalEndpoints, CategorizeEndpoints' local list): a
    // client's request may only go to an endpoint on its own node. With two replicas on three
    // nodes, the clients on the third node have none: every third request fails, where the
    // Cluster policy (the default) loses none. The k3s add-ons are scheduled by priority
    // (local-path-provisioner and metrics-server are system-node-critical, CoreDNS and Traefik
    // system-cluster-critical): Traefik and local-path-provisioner sit on node-3, CoreDNS on
    // node-1, metrics-server on node-2; node-3 holds the most by the scorers' non-zero
    // requests (two pods of no requests, 100m and 200Mi each, against one of 100m and 70Mi),
    // so the replicas go to node-1 and node-2: node-3 has no endpoint.
    func testLocalTrafficPolicyDropsRequestsFromNodesWithoutEndpoints() throws {
        let local = try String(contentsOfFile: "Tests/RolloutCoreTests/Fixtures/pods/local-traffic.yaml", encoding: .utf8)
        for (manifest, expectFailures) in [(local, true), (local.replacingOccurrences(of: "  internalTrafficPolicy: Local\n", with: ""), false)] {
            state = try temporaryDirectory(self, "rollout-traffic-path").appendingPathComponent("state").path
            XCTAssertEqual(try rollout("cluster", "init", "--nodes", "3").status, 0)
            XCTAssertEqual(try rollout("apply", "-f", try write(manifest, "v1.yaml"), "--wait").status, 0)
            XCTAssertEqual(Set(try rollout("get", "pods", "-o", "wide").stdout.split(separator: "\n").dropFirst().compactMap { $0.split(separator: " ", omittingEmptySubsequences: true).dropFirst(6).first.map(String.init) }),
                           ["node-1", "node-2"])
            let run = try rollout("apply", "-f", try write(manifest.replacingOccurrences(of: "api:1", with: "api:2"), "v2.yaml"), "--wait")
            if expectFailures {
                // The first requests, before any surge pod exists: 1 in 3 lands on node-3.
                // (k3s' add-ons fill node-3 first: the scheduler takes them by priority, the
                // system-node-critical ones first.)
                XCTAssertTrue(run.stdout.contains("t=0.2s–4.7s: 16 failed, no endpoint on node-3 (Local traffic policy)"), run.stdout)
            } else {
                // Until the last old pod is gone (its 3 s preStop after its deletion at 9 s).
                XCTAssertTrue(run.stdout.hasSuffix("service/api: 120 requests at 10/s, 0 failed\n"), run.stdout)
            }
        }
    }

    // Slices hold at most 100 endpoints (maxEndpointsPerSlice).
    func testSlicesSplitAtAHundredEndpoints() throws {
        let manifest = try String(contentsOfFile: "examples/manifests/web-api.yaml", encoding: .utf8)
            .replacingOccurrences(of: "replicas: 3", with: "replicas: 250")
            .replacingOccurrences(of: "cpu: 250m", with: "cpu: 10m").replacingOccurrences(of: "memory: 256Mi", with: "memory: 16Mi")
        XCTAssertEqual(try rollout("cluster", "init", "--nodes", "3").status, 0)
        XCTAssertEqual(try rollout("apply", "-f", try write(manifest, "big.yaml"), "--wait").status, 0)
        let json = try rollout("get", "endpointslices", "-l", "kubernetes.io/service-name=web-api", "-o", "json").stdout
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let counts = ((object["items"] as? [[String: Any]]) ?? []).map { (($0["endpoints"] as? [Any]) ?? []).count }.sorted()
        XCTAssertEqual(counts, [50, 100, 100])
        XCTAssertTrue(try rollout("get", "endpointslices").stdout.contains(" + 97 more..."))
    }

    // Keep-alive clients (`rollout.sim/keep-alive: 4`): four connections, each request on the
    // next. One replica that crashes 10 s after each start (v1 started 4 s into the first
    // apply, which returned at 5: the crash is 9 s into the second) while v2 warms up for 30 s.
    // Per request, kube-proxy still lists the crashed pod for the 1 s propagation: 9–9.9 s fail
    // (container not running). With keep-alive the first request on each of the 4 connections
    // to it gets a connection reset (the process died without closing them, 9.0–9.3 s); the
    // client re-dials through kube-proxy, which still sends it to the dead pod (9.4–9.9 s).
    // From 10 s the pod is unready in the slices until its restart (1 s) is published at 11;
    // the second crash (20 s) waits 10 s of back-off.
    func testKeepAliveConnectionsAreResetByACrash() throws {
        let v1 = try String(contentsOfFile: "Tests/RolloutCoreTests/Fixtures/pods/keep-alive.yaml", encoding: .utf8)
        let v2 = v1.replacingOccurrences(of: "ws:1", with: "ws:2")
            .replacingOccurrences(of: "annotations: {rollout.sim/crash-after: 10s}", with: "annotations: {rollout.sim/startup: 30s}")
            .replacingOccurrences(of: "          image: ws:2\n", with: "          image: ws:2\n          readinessProbe: {httpGet: {path: /, port: 80}, periodSeconds: 5}\n")
        XCTAssertNotEqual(v1, v2)
        XCTAssertEqual(try rollout("apply", "-f", try write(v1, "v1.yaml"), "--wait").status, 0)
        var run = try rollout("apply", "-f", try write(v2, "v2.yaml"), "--wait")
        XCTAssertTrue(run.stdout.contains("""
        service/ws: 350 requests at 10/s, 150 failed
          t=9s–9.3s: 4 failed, connection reset (its container died with the connection open)
          t=9.4s–9.9s: 6 failed, container not running
          t=10s–10.9s: 10 failed, no ready endpoints
          t=20s–20.3s: 4 failed, connection reset (its container died with the connection open)
        """), run.stdout)
        // The same rollout with a connection per request.
        state = try temporaryDirectory(self, "rollout-traffic-path").appendingPathComponent("state").path
        let perRequest = { (text: String) in text.replacingOccurrences(of: "  annotations: {rollout.sim/keep-alive: \"4\"}\n", with: "") }
        XCTAssertEqual(try rollout("apply", "-f", try write(perRequest(v1), "p1.yaml"), "--wait").status, 0)
        run = try rollout("apply", "-f", try write(perRequest(v2), "p2.yaml"), "--wait")
        XCTAssertTrue(run.stdout.contains("""
        service/ws: 350 requests at 10/s, 150 failed
          t=9s–9.9s: 10 failed, container not running
          t=10s–10.9s: 10 failed, no ready endpoints
        """), run.stdout)
        XCTAssertFalse(run.stdout.contains("connection reset"), run.stdout)
    }

    // Request times drawn from a range (`rollout.sim/request-time: 8s-16s`) by the replay's own
    // seeded generator: of the 50 requests the old pod takes (0–4.9 s), those still running at
    // its SIGKILL (14 s) fail — some, not all, and the same ones on every run.
    func testRequestTimesFromARangeAreDeterministic() throws {
        let v1 = try String(contentsOfFile: "Tests/RolloutCoreTests/Fixtures/pods/long-requests.yaml", encoding: .utf8)
            .replacingOccurrences(of: "rollout.sim/request-time: 12s", with: "rollout.sim/request-time: 8s-16s")
        var outputs: [String] = []
        for _ in 0..<2 {
            state = try temporaryDirectory(self, "rollout-traffic-path").appendingPathComponent("state").path
            XCTAssertEqual(try rollout("apply", "-f", try write(v1, "v1.yaml"), "--wait").status, 0)
            outputs.append(try rollout("apply", "-f", try write(v1.replacingOccurrences(of: "app:1", with: "app:2"), "v2.yaml"), "--wait").stdout)
        }
        XCTAssertEqual(outputs[0], outputs[1])
        let failed = try XCTUnwrap(outputs[0].range(of: #"t=14s: (\d+) failed, in flight when its pod was killed \(SIGKILL\)"#, options: .regularExpression)
            .map { Int(outputs[0][$0].split(separator: " ")[1]) ?? 0 })
        XCTAssertGreaterThan(failed, 0, outputs[0])
        XCTAssertLessThan(failed, 50, outputs[0])
        XCTAssertEqual(try rollout("plan", "-f", try write(v1, "v3.yaml"), "--request-time", "2s-1s").status, 2, "a range must not run backwards")
    }

    /// A cluster of one node without zones, and the key of a Service "web"'s endpoints.
    private func oneNodeCluster() throws -> (Cluster, ObjectKey) {
        var spec = ClusterSpec(profile: .bare, nodes: 1)
        spec.zones = []
        let store = try StateStore(directory: try temporaryDirectory(self).appendingPathComponent("s").path, writable: true, newCluster: spec)
        addTeardownBlock { store.close() }
        return (try Cluster(store: store), ObjectKey(type: Cluster.endpointsType.storageKey, namespace: "default", name: "web"))
    }

    /// How kube-proxy reads published slices (`pkg/proxy/endpointslicecache.go`
    /// addEndpoints: a missing `ready` or `serving` is true, a missing `terminating` false;
    /// CategorizeEndpoints: ready ones, else serving and terminating ones): odd endpoints too —
    /// no conditions, a condition that is not a boolean, a key twice (the first counts, as a
    /// lookup finds it), an endpoint that is not an object, one on another node.
    func testKubeProxyReadsEachEndpointAsALookupDoes() throws {
        let (c, key) = try oneNodeCluster()
        func slice(_ endpoints: String) throws -> Resource {
            guard case .object(let o) = try JSONReader.parse(#"{"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"name":"s"},"endpoints":"# + endpoints + "}") else {
                throw XCTSkip("not an object")
            }
            return Resource(o)
        }
        // Keys twice (JSON reading keeps one of each; objects made in code need not).
        func member(_ key: String, _ json: String) throws -> Object.Member { Object.Member(key: key, value: try JSONReader.parse(json)) }
        let twice = Value.object(Object([
            try member("conditions", #"{"ready":false,"serving":true,"terminating":true}"#), try member("conditions", #"{"ready":true}"#),
            try member("targetRef", #"{"uid":"e"}"#), try member("targetRef", #"{"uid":"x"}"#), try member("nodeName", #""n2""#), try member("nodeName", #""n1""#),
        ]))
        var second = try slice(#"[7,{"conditions":{"ready":false,"serving":false,"terminating":true},"targetRef":{"name":"no-uid"}},"# +
                               #"{"conditions":{"ready":true},"nodeName":"n2"}]"#)
        second.object["endpoints"] = .array([twice] + (second.object["endpoints"]?.arrayValue ?? []))
        c.endpointSlices[key] = [
            try slice(#"[{"conditions":{"ready":true,"serving":true,"terminating":false},"nodeName":"n1","targetRef":{"uid":"a"}},"# +
                      #"{"conditions":{"ready":false,"serving":true,"terminating":true},"nodeName":"n2","targetRef":{"uid":"b"}},"# +
                      #"{"targetRef":{"uid":"c"},"nodeName":"n1"},"# +
                      #"{"conditions":{"ready":"yes","serving":false},"targetRef":{"uid":"d"}}]"#),
            second,
            try slice(#""not a list""#),
        ]
        let all = KubeProxy.read(key, node: nil, in: c)
        // a ready; b serving and terminating; c no conditions (ready); d "yes" is not a boolean
        // (ready); e's first conditions say not ready but serving and terminating, its first
        // targetRef is e; 7 counts as ready with no pod; the no-uid one is not ready; the last
        // is ready, no pod.
        XCTAssertEqual(all.ready, ["a", "c", "d"])
        XCTAssertEqual(all.fallback, ["b", "e"])
        XCTAssertEqual(all.readyCount, 5)
        let n1 = KubeProxy.read(key, node: "n1", in: c)
        XCTAssertEqual(n1.ready, ["a", "c"])
        XCTAssertEqual(n1.fallback, [])
        XCTAssertEqual(n1.readyCount, 2, "e's first nodeName is n2")
    }

    /// ServiceLB advertises the ready nodes (k3s `servicelb.go` getStatus → podIPs): a node
    /// that goes NotReady leaves the addresses and one that comes back rejoins them, though
    /// the ready nodes' addresses are kept between syncs (`readyNodeAddresses`, made again
    /// when a node changes).
    func testLoadBalancerAddressesFollowTheReadyNodes() throws {
        let store = try StateStore(directory: try temporaryDirectory(self).appendingPathComponent("s").path, writable: true,
                                   newCluster: ClusterSpec(profile: .k3s, nodes: 3))
        addTeardownBlock { store.close() }
        let c = try Cluster(store: store)
        let traefik = ObjectKey(type: Cluster.serviceType.storageKey, namespace: "kube-system", name: "traefik")
        func advertised() -> [String] { c.services[traefik].map(ServiceLoadBalancer.ingressIPs) ?? [] }
        _ = ServiceLoadBalancer.sync(in: c)
        XCTAssertEqual(advertised(), ["10.0.0.2", "10.0.0.3", "10.0.0.4"])
        XCTAssertFalse(ServiceLoadBalancer.sync(in: c), "nothing moved")
        c.nodes[1].ready = false
        XCTAssertTrue(ServiceLoadBalancer.sync(in: c))
        XCTAssertEqual(advertised(), ["10.0.0.2", "10.0.0.4"])
        c.nodes[1].ready = true
        XCTAssertTrue(ServiceLoadBalancer.sync(in: c))
        XCTAssertEqual(advertised(), ["10.0.0.2", "10.0.0.3", "10.0.0.4"])
    }

    /// The eight conditions the controller writes are known by their storage; the same
    /// conditions read back from JSON (copies) are read member by member — the same choice.
    func testSharedConditionsReadAsTheirCopiesDo() throws {
        let (c, key) = try oneNodeCluster()
        var endpoints: [Value] = []
        for bits in 0..<16 {
            let conditions = EndpointSliceController.Conditions(ready: bits & 4 != 0, serving: bits & 2 != 0, terminating: bits & 1 != 0)
            let shared = try XCTUnwrap(conditions.value.objectValue)
            XCTAssertNotNil(EndpointSliceController.Conditions(sharing: shared))
            let copy = try XCTUnwrap(try JSONReader.parse(try JSONWriter.string(conditions.value)).objectValue)
            XCTAssertEqual(copy, shared)
            XCTAssertNil(EndpointSliceController.Conditions(sharing: copy), "a copy is read member by member")
            endpoints.append(.object(Object(["conditions": bits < 8 ? .object(shared) : .object(copy), "targetRef": .object(Object(["uid": .string("u\(bits % 8)")]))])))
        }
        c.endpointSlices[key] = [Resource(Object(["apiVersion": .string("discovery.k8s.io/v1"), "kind": .string("EndpointSlice"),
                                                  "metadata": .object(Object(["name": .string("s")])), "endpoints": .array(endpoints)]))]
        let choice = KubeProxy.read(key, node: nil, in: c)
        // Ready: bits 4–7 (u4…u7), shared then copied; none falls back while some are ready.
        XCTAssertEqual(choice.ready, ["u4", "u5", "u6", "u7", "u4", "u5", "u6", "u7"])
        XCTAssertEqual(choice.readyCount, 8)
        XCTAssertEqual(choice.fallback, ["u3", "u3"], "serving and terminating, not ready: bits 3")
    }

}

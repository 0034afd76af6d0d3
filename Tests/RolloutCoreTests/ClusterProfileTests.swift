import Foundation
import XCTest

/// `cluster init --profile`: what each distribution runs on a fresh cluster and how it treats
/// LoadBalancer Services (KUBERNETES-scheduling-traffic.md §8: k3s `servicelb.go` getStatus and
/// podIPs, kind's and minikube's missing load balancer; kubectl's `loadBalancerStatusStringer`).
final class ClusterProfileTests: XCTestCase {
    var state = ""

    override func setUpWithError() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: RolloutRun.binary.path), "rollout binary not built")
        state = try temporaryDirectory(self, "rollout-profile").appendingPathComponent("state").path
    }

    func rollout(_ arguments: String...) throws -> RolloutRun { try RolloutRun.run(arguments + ["--state", state]) }

    func testEachProfileStartsWhatItsDistributionRuns() throws {
        let expected: [(profile: String, nodes: String, pods: [String], lb: String)] = [
            ("k3s", "node/node-1\nnode/node-2\n", ["coredns-", "local-path-provisioner-", "metrics-server-", "traefik-"], "10.0.0.2,10.0.0.3"),
            ("kind", "node/kind-control-plane\nnode/kind-worker\n", ["coredns-", "coredns-"], "<pending>"),
            ("minikube", "node/minikube\nnode/minikube-m02\n", ["coredns-"], "<pending>"),
            ("bare", "node/node-1\nnode/node-2\n", [], "<pending>"),
        ]
        for e in expected {
            state = try temporaryDirectory(self, "rollout-profile").appendingPathComponent("state").path
            let run = try rollout("cluster", "init", "--profile", e.profile, "--nodes", "2")
            XCTAssertEqual(run.status, 0, run.stderr)
            XCTAssertTrue(run.stdout.hasPrefix("Cluster initialised in \(state) (\(e.profile)): 2 nodes"), run.stdout)
            XCTAssertEqual(try rollout("get", "nodes", "-o", "name").stdout, e.nodes, e.profile)
            let pods = try rollout("get", "pods", "-n", "kube-system", "-o", "wide").stdout.split(separator: "\n").dropFirst()
            XCTAssertEqual(pods.count, e.pods.count, e.profile)
            for (row, prefix) in zip(pods.sorted(), e.pods) {
                XCTAssertTrue(row.hasPrefix(prefix) && row.contains(" 1/1 ") && row.contains(" Running "), "\(e.profile): \(row)")
            }
            XCTAssertTrue(try rollout("cluster", "info").stdout.contains("Profile: \(e.profile)\n"))
            XCTAssertEqual(try rollout("get", "svc", "kubernetes", "-o", "name").stdout, "service/kubernetes\n", "every cluster has it")
            XCTAssertEqual(try rollout("apply", "-f", "examples/manifests/web-api.yaml", "--wait").status, 0)
            let wide = try rollout("get", "svc", "web-api", "-o", "wide").stdout
            XCTAssertTrue(wide.contains(" \(e.lb) "), "\(e.profile): \(wide)")
        }
        XCTAssertTrue(try rollout("get", "svc", "web-api").stdout.contains(" <pending> "))
        XCTAssertEqual(try rollout("cluster", "init", "--profile", "eks").stderr,
                       "error: invalid argument \"eks\" for \"--profile\" flag: expected one of k3s, kind, minikube, bare\n")
    }

    /// `loadBalancerStatusStringer` (pkg/printers/internalversion/printers.go) cuts a load
    /// balancer's addresses to 16 characters only when not wide, but kubectl 1.32 prints the
    /// API server's tables, which its table convertor makes wide (`TableConvertor.ConvertToTable`
    /// in pkg/printers/storage/storage.go: `printers.GenerateOptions{Wide: true}`): the
    /// addresses are whole, -o wide or not, as kubectl shows them from `rollout serve`.
    func testLoadBalancerAddressesAreShownWhole() throws {
        XCTAssertEqual(try rollout("cluster", "init", "--nodes", "3").status, 0)
        XCTAssertTrue(try rollout("get", "svc", "traefik", "-n", "kube-system").stdout.contains(" 10.0.0.2,10.0.0.3,10.0.0.4 "))
        XCTAssertTrue(try rollout("get", "svc", "traefik", "-n", "kube-system", "-o", "wide").stdout.contains(" 10.0.0.2,10.0.0.3,10.0.0.4 "))
    }

    // A LoadBalancer on kind: no load balancer, so clients outside never reach the app, and
    // `apply --wait` says why after the rollout.
    func testKindLeavesLoadBalancersPending() throws {
        XCTAssertEqual(try rollout("cluster", "init", "--profile", "kind").status, 0)
        let run = try rollout("apply", "-f", "examples/manifests/web-api.yaml", "--wait")
        XCTAssertTrue(run.stdout.hasSuffix("service/web-api: unreachable from outside: no external IP (<pending>): kind has no load balancer (run cloud-provider-kind on the host to get one)\n"), run.stdout)
        // And no ingress controller: the Ingress is served by nobody, so it is not replayed.
        XCTAssertTrue(try rollout("lint", "-f", "examples/manifests/").stdout.contains("warning[ingress-class-missing]"))
    }

    // externalTrafficPolicy: Local on k3s: ServiceLB advertises only the nodes with a ready
    // endpoint (getStatus → podIPs filtered by endpoints); one replica on three nodes gives one
    // address.
    func testLocalPolicyAdvertisesOnlyNodesWithAReadyEndpoint() throws {
        XCTAssertEqual(try rollout("cluster", "init", "--nodes", "3").status, 0)
        let manifest = try String(contentsOfFile: "examples/manifests/web-api.yaml", encoding: .utf8)
            .replacingOccurrences(of: "replicas: 3", with: "replicas: 1")
            .replacingOccurrences(of: "  type: LoadBalancer\n", with: "  type: LoadBalancer\n  externalTrafficPolicy: Local\n")
        let path = try temporaryDirectory(self).appendingPathComponent("local.yaml")
        try manifest.write(to: path, atomically: true, encoding: .utf8)
        XCTAssertEqual(try rollout("apply", "-f", path.path, "--wait").status, 0)
        let node = try XCTUnwrap(try rollout("get", "pods", "-o", "wide").stdout.split(separator: "\n").dropFirst().first?
            .split(separator: " ", omittingEmptySubsequences: true).dropFirst(6).first.map(String.init))
        let address = ["node-1": "10.0.0.2", "node-2": "10.0.0.3", "node-3": "10.0.0.4"][node]
        let services = try rollout("get", "svc", "web-api", "-o", "wide").stdout
        XCTAssertTrue(services.contains(" \(address ?? "?") "), services)
        XCTAssertFalse(services.contains(","), services)
        // Recreated, the one pod goes before the next is ready: no node has a ready endpoint,
        // ServiceLB advertises none, and clients outside find no external IP until the new
        // pod is ready (the replay reads the Service again as its status changes).
        let recreated = manifest.replacingOccurrences(of: "    type: RollingUpdate\n    rollingUpdate:\n      maxSurge: 1\n      maxUnavailable: 0\n", with: "    type: Recreate\n")
            .replacingOccurrences(of: "web-api:1.4.2", with: "web-api:1.4.3")
        XCTAssertNotEqual(recreated, manifest)
        try recreated.write(to: path, atomically: true, encoding: .utf8)
        let roll = try rollout("apply", "-f", path.path, "--wait").stdout
        XCTAssertTrue(roll.contains(" failed, no external IP (<pending>): no node has a ready endpoint of it (externalTrafficPolicy Local), so ServiceLB advertises none\n"), roll)
        XCTAssertTrue(try rollout("get", "svc", "web-api").stdout.contains(" 10.0.0."), "advertised again")
    }

    // Node pools: zones round robin, labels and taints on every node, kind's control-plane
    // taint; a Deployment spreads over nodes and zones (PodTopologySpread's system defaults:
    // hostname maxSkew 3 and zone maxSkew 5, scoring.go).
    func testNodePoolsWithZonesLabelsAndTaints() throws {
        XCTAssertEqual(try rollout("cluster", "init", "--profile", "bare", "--nodes", "6", "--zones", "a,b,c", "--node-labels", "pool=general",
                                   "--node-taints", "spot=true:PreferNoSchedule").status, 0)
        let nodes = try rollout("get", "nodes", "-o", "json").stdout
        let items = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(nodes.utf8)) as? [String: Any])?["items"] as? [[String: Any]])
        let zones = items.compactMap { (($0["metadata"] as? [String: Any])?["labels"] as? [String: String])?["topology.kubernetes.io/zone"] }
        XCTAssertEqual(zones.sorted(), ["a", "a", "b", "b", "c", "c"])
        XCTAssertTrue(items.allSatisfy { (($0["metadata"] as? [String: Any])?["labels"] as? [String: String])?["pool"] == "general" })
        XCTAssertTrue(items.allSatisfy { (($0["spec"] as? [String: Any])?["taints"] as? [[String: String]]) == [["key": "spot", "value": "true", "effect": "PreferNoSchedule"]] })
        let manifest = try String(contentsOfFile: "examples/manifests/web-api.yaml", encoding: .utf8).replacingOccurrences(of: "replicas: 3", with: "replicas: 6")
        let path = try temporaryDirectory(self).appendingPathComponent("six.yaml")
        try manifest.write(to: path, atomically: true, encoding: .utf8)
        XCTAssertEqual(try rollout("apply", "-f", path.path, "--wait").status, 0)
        let wide = try rollout("get", "pods", "-o", "wide").stdout.split(separator: "\n").dropFirst()
        let placed = wide.compactMap { $0.split(separator: " ", omittingEmptySubsequences: true).dropFirst(6).first.map(String.init) }
        XCTAssertEqual(Set(placed).count, 6, "one pod per node: \(placed)")
        // kind taints its control plane once it has workers, and CoreDNS tolerates it.
        state = try temporaryDirectory(self, "rollout-profile").appendingPathComponent("state").path
        XCTAssertEqual(try rollout("cluster", "init", "--profile", "kind", "--nodes", "2").status, 0)
        XCTAssertTrue(try rollout("get", "node", "kind-control-plane", "-o", "yaml").stdout.contains("key: node-role.kubernetes.io/control-plane"))
        XCTAssertEqual(try rollout("apply", "-f", path.path, "--wait").status, 0)
        XCTAssertFalse(try rollout("get", "pods", "-o", "wide").stdout.contains("kind-control-plane"), "no app pod on the tainted control plane")
        for (flag, value) in [("--nodes", "5001"), ("--zones", "a,,B"), ("--node-labels", "=x"), ("--node-taints", "a=b:Soon")] {
            XCTAssertEqual(try rollout("cluster", "init", flag, value).status, 2, flag)
        }
    }

    // Node pools: --nodes repeated, each pool shaped by the flags after it (zones round robin
    // within the pool), nodes numbered on.
    func testRepeatedNodeFlagsMakePools() throws {
        let run = try rollout("cluster", "init", "--profile", "bare", "--nodes", "3", "--zones", "a,b,c", "--cpu", "4",
                              "--nodes", "2", "--zones", "a,b", "--cpu", "16", "--memory", "64Gi", "--node-labels", "pool=big")
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("5 nodes in 2 pools (3 with 4 CPU, 8Gi memory and 110 pods; 2 with 16 CPU, 64Gi memory and 110 pods)"), run.stdout)
        let items = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(try rollout("get", "nodes", "-o", "json").stdout.utf8)) as? [String: Any])?["items"] as? [[String: Any]])
        let rows = items.map { item -> String in
            let meta = item["metadata"] as? [String: Any]
            let labels = meta?["labels"] as? [String: String] ?? [:]
            let cpu = ((item["status"] as? [String: Any])?["capacity"] as? [String: Any])?["cpu"] as? String ?? ""
            return "\(meta?["name"] as? String ?? "") \(labels["topology.kubernetes.io/zone"] ?? "-") \(cpu) \(labels["pool"] ?? "-")"
        }
        XCTAssertEqual(rows, ["node-1 a 4 -", "node-2 b 4 -", "node-3 c 4 -", "node-4 a 16 big", "node-5 b 16 big"])
        XCTAssertEqual(try rollout("cluster", "init", "--nodes", "3000", "--nodes", "2001").stderr,
                       "error: invalid argument \"5001\" for \"--nodes\" flag: at most 5000 nodes in all (Kubernetes' own limit)\n")
    }

    // A Node applied as an object: its kubelet registers it (the well-known labels, an address,
    // Ready, the capacity its manifest gives) and the scheduler uses it — here the only node
    // whose taint the GPU pods tolerate and with the extended resource they request.
    func testANodeAppliedAsAnObjectJoinsTheCluster() throws {
        XCTAssertEqual(try rollout("cluster", "init", "--profile", "bare", "--nodes", "1").status, 0)
        let dir = try temporaryDirectory(self)
        let node = dir.appendingPathComponent("node.yaml").path
        try """
        apiVersion: v1
        kind: Node
        metadata: {name: gpu-1, labels: {pool: gpu}}
        spec: {taints: [{key: nvidia.com/gpu, effect: NoSchedule}]}
        status: {capacity: {cpu: "8", memory: 32Gi, nvidia.com/gpu: "2", pods: "110"}}
        """.write(toFile: node, atomically: true, encoding: .utf8)
        XCTAssertEqual(try rollout("apply", "-f", node).stdout, "node/gpu-1 created\n")
        XCTAssertEqual(try rollout("get", "nodes").stdout, """
        NAME     STATUS   ROLES           AGE   VERSION
        gpu-1    Ready    <none>          0s    v1.32.0
        node-1   Ready    control-plane   60s   v1.32.0

        """)
        XCTAssertEqual(try rollout("apply", "-f", node).stdout, "node/gpu-1 unchanged\n")
        let app = dir.appendingPathComponent("app.yaml").path
        try """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: train}
        spec:
          replicas: 2
          selector: {matchLabels: {app: train}}
          template:
            metadata: {labels: {app: train}}
            spec:
              tolerations: [{key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}]
              containers: [{name: train, image: train:1, resources: {limits: {nvidia.com/gpu: "1"}}}]
        """.write(toFile: app, atomically: true, encoding: .utf8)
        XCTAssertEqual(try rollout("apply", "-f", app, "--wait").status, 0)
        let wide = try rollout("get", "pods", "-o", "wide").stdout
        XCTAssertEqual(wide.components(separatedBy: "gpu-1").count - 1, 2, wide)
    }

    // kubectl cordon / uncordon (drain.go RunCordonOrUncordon): the node shows
    // SchedulingDisabled and the scheduler's NodeUnschedulable filter keeps new pods off it.
    func testCordonAndUncordon() throws {
        XCTAssertEqual(try rollout("cluster", "init", "--profile", "bare", "--nodes", "2").status, 0)
        XCTAssertEqual(try rollout("cordon", "node-2").stdout, "node/node-2 cordoned\n")
        XCTAssertEqual(try rollout("cordon", "node/node-2").stdout, "node/node-2 already cordoned\n")
        XCTAssertTrue(try rollout("get", "nodes").stdout.contains("node-2   Ready,SchedulingDisabled   <none>"))
        XCTAssertEqual(try rollout("apply", "-f", "examples/manifests/web-api.yaml", "--wait").status, 0)
        XCTAssertFalse(try rollout("get", "pods", "-o", "wide").stdout.contains("node-2"))
        XCTAssertEqual(try rollout("uncordon", "node-2").stdout, "node/node-2 uncordoned\n")
        let missing = try rollout("cordon", "node-9")
        XCTAssertEqual(missing.status, 1)
        XCTAssertEqual(missing.stderr, "Error from server (NotFound): nodes \"node-9\" not found\n")
        XCTAssertEqual(try rollout("cordon").status, 2)
    }

    // --nodes-from: one node per Node manifest, its name, labels, taints and capacity over the
    // defaults; a GPU pod goes to the only node with GPUs once it tolerates the node's taint.
    func testNodesFromManifests() throws {
        let file = try temporaryDirectory(self).appendingPathComponent("nodes.yaml")
        try """
        apiVersion: v1
        kind: Node
        metadata:
          name: gpu-1
          labels: {topology.kubernetes.io/zone: eu-1a, pool: gpu}
        spec:
          taints: [{key: nvidia.com/gpu, value: "true", effect: NoSchedule}]
        status:
          capacity: {cpu: "16", memory: 64Gi, nvidia.com/gpu: "4"}
        ---
        apiVersion: v1
        kind: Node
        metadata:
          name: general-1
          labels: {topology.kubernetes.io/zone: eu-1b}

        """.write(to: file, atomically: true, encoding: .utf8)
        let run = try rollout("cluster", "init", "--profile", "bare", "--nodes-from", file.path)
        XCTAssertEqual(run.stdout, "Cluster initialised in \(state) (bare): 2 nodes from \(file.path); clock at 2025-01-01T00:00:00Z.\n", run.stderr)
        let info = try rollout("cluster", "info").stdout
        XCTAssertTrue(info.contains("  general-1  4    8Gi     110\n  gpu-1      16   64Gi    110\n"), info)
        let manifest = try temporaryDirectory(self).appendingPathComponent("train.yaml")
        try """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: train}
        spec:
          replicas: 1
          selector: {matchLabels: {app: train}}
          template:
            metadata: {labels: {app: train}}
            spec:
              tolerations: [{key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}]
              containers:
              - {name: train, image: train:1, resources: {requests: {nvidia.com/gpu: 2}, limits: {nvidia.com/gpu: 2}}}

        """.write(to: manifest, atomically: true, encoding: .utf8)
        XCTAssertEqual(try rollout("apply", "-f", manifest.path, "--wait").status, 0)
        XCTAssertTrue(try rollout("get", "pods", "-o", "wide").stdout.contains(" gpu-1 "))
        let bad = try temporaryDirectory(self).appendingPathComponent("bad.yaml")
        try "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n".write(to: bad, atomically: true, encoding: .utf8)
        let refused = try rollout("cluster", "init", "--nodes-from", bad.path)
        XCTAssertEqual(refused.status, 2)
        XCTAssertTrue(refused.stderr.contains("expected Node objects, found ConfigMap \"x\""), refused.stderr)
        XCTAssertEqual(try rollout("cluster", "init", "--nodes", "2", "--nodes-from", file.path).status, 2)
    }
}

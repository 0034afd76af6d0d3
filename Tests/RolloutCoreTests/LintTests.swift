import Foundation
@testable import RolloutCore
import XCTest

/// Every hazard code, with a manifest that triggers it and the clean manifest that does not;
/// and `rollout lint`'s exit codes.
final class LintTests: XCTestCase {
    static let clean = """
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: web}
    spec:
      replicas: 3
      selector: {matchLabels: {app: web}}
      strategy: {rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}
      template:
        metadata:
          labels: {app: web}
          annotations: {rollout.sim/startup: 5s, rollout.sim/shutdown: 3s}
        spec:
          terminationGracePeriodSeconds: 30
          containers:
          - name: web
            image: app:1.2.3
            ports: [{name: http, containerPort: 8080}]
            resources: {requests: {cpu: 100m, memory: 128Mi}}
            readinessProbe: {httpGet: {path: /ready, port: http}, periodSeconds: 2}
            livenessProbe: {httpGet: {path: /alive, port: http}, periodSeconds: 10, failureThreshold: 6}
            lifecycle: {preStop: {sleep: {seconds: 5}}}
    ---
    apiVersion: v1
    kind: Service
    metadata: {name: web}
    spec:
      type: LoadBalancer
      selector: {app: web}
      ports: [{name: http, port: 8081, targetPort: http}]

    """

    func codes(_ yaml: String) throws -> [String] {
        let documents = try ManifestDecoder.decode([ManifestSource(name: "t.yaml", bytes: Array(yaml.utf8))]).documents
        return Linter.lint(documents).map(\.code)
    }

    func testCleanManifestHasNoHazards() throws {
        XCTAssertEqual(try codes(Self.clean), [])
    }

    func testEachHazard() throws {
        let c = Self.clean
        let cases: [(String, String)] = [
            ("no-readiness-probe", c.replacingOccurrences(of: "        readinessProbe: {httpGet: {path: /ready, port: http}, periodSeconds: 2}\n", with: "")),
            ("readiness-before-warmup", c.replacingOccurrences(of: "readinessProbe: {httpGet: {path: /ready, port: http}, periodSeconds: 2}", with: "readinessProbe: {tcpSocket: {port: http}, periodSeconds: 2}")),
            ("no-prestop-delay", c.replacingOccurrences(of: "        lifecycle: {preStop: {sleep: {seconds: 5}}}\n", with: "")),
            ("grace-too-short", c.replacingOccurrences(of: "terminationGracePeriodSeconds: 30", with: "terminationGracePeriodSeconds: 6")),
            ("single-replica", c.replacingOccurrences(of: "replicas: 3", with: "replicas: 1")),
            ("unavailable-covers-replicas", c.replacingOccurrences(of: "maxUnavailable: 0}", with: "maxUnavailable: 3}")),
            ("surge-and-unavailable-zero", c.replacingOccurrences(of: "maxSurge: 1", with: "maxSurge: 0")),
            ("liveness-equals-readiness", c.replacingOccurrences(of: "livenessProbe: {httpGet: {path: /alive, port: http}, periodSeconds: 10, failureThreshold: 6}", with: "livenessProbe: {httpGet: {path: /ready, port: http}, periodSeconds: 2}")),
            ("mutable-image-tag", c.replacingOccurrences(of: "image: app:1.2.3", with: "image: app:latest")),
            ("mutable-image-tag", c.replacingOccurrences(of: "image: app:1.2.3", with: "image: registry.local:5000/app")),
            ("no-resource-requests", c.replacingOccurrences(of: "        resources: {requests: {cpu: 100m, memory: 128Mi}}\n", with: "")),
            ("recreate-outage", c.replacingOccurrences(of: "strategy: {rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}", with: "strategy: {type: Recreate}")),
            ("replicas-with-hpa", c + "---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web}\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  minReplicas: 3\n  maxReplicas: 10\n"),
            ("readiness-gate", c.replacingOccurrences(of: "      terminationGracePeriodSeconds: 30\n", with: "      terminationGracePeriodSeconds: 30\n      readinessGates: [{conditionType: target-health.elbv2.k8s.aws/web}]\n")),
            // The kubelet's allowlist (safe_sysctls.go): an unsafe one beside a safe one.
            ("unsafe-sysctl", c.replacingOccurrences(of: "      terminationGracePeriodSeconds: 30\n", with: "      terminationGracePeriodSeconds: 30\n      securityContext: {sysctls: [{name: net.ipv4.tcp_rmem, value: 4096 87380 6291456}, {name: net.core.somaxconn, value: \"1024\"}]}\n")),
            ("service-selects-nothing", c.replacingOccurrences(of: "selector: {app: web}\n  ports", with: "selector: {app: wbe}\n  ports")),
            ("target-port-unknown", c.replacingOccurrences(of: "targetPort: http}", with: "targetPort: https}")),
            ("load-balancer-port-conflict", c + "---\napiVersion: v1\nkind: Service\nmetadata: {name: other}\nspec:\n  type: LoadBalancer\n  selector: {app: web}\n  ports: [{name: http, port: 8081, targetPort: http}]\n"),
        ]
        for (code, yaml) in cases {
            let found = try codes(yaml)
            XCTAssertTrue(found.contains(code), "\(code): found \(found)")
            XCTAssertEqual(Set(found).subtracting([code, "no-prestop-delay"]).count <= 1, true, "\(code): \(found)")
        }
    }

    /// safe_sysctls.go's allowlist: 1.32's twelve pass (none reported), each other one is
    /// reported at its place.
    func testSysctlsTheKubeletRefuses() throws {
        let safe = PodSecurity.safeSysctls.sorted().map { "{name: \($0), value: \"1\"}" }.joined(separator: ", ")
        let yaml = Self.clean.replacingOccurrences(of: "      terminationGracePeriodSeconds: 30\n",
                                                   with: "      terminationGracePeriodSeconds: 30\n      securityContext: {sysctls: [\(safe), {name: vm.max_map_count, value: \"262144\"}, {name: kernel.msgmax, value: \"1\"}]}\n")
        let documents = try ManifestDecoder.decode([ManifestSource(name: "t.yaml", bytes: Array(yaml.utf8))]).documents
        let found = Linter.lint(documents).filter { $0.code == "unsafe-sysctl" }
        XCTAssertEqual(PodSecurity.safeSysctls.count, 12)
        XCTAssertEqual(found.map(\.path.description), ["spec.template.spec.securityContext.sysctls[12].name", "spec.template.spec.securityContext.sysctls[13].name"])
        XCTAssertTrue(found.first?.message.hasPrefix("sysctl \"vm.max_map_count\" is not one the kubelet allows") ?? false, "\(found)")
    }

    // missing-reference: what the kubelet would not find (makeEnvironmentVariables, the
    // configmap/secret volume plugins, VolumeBinding), unless optional, in the manifests or in
    // the cluster.
    // With the cluster's nodes (a state): the scheduler's NodeAffinity and TaintToleration
    // filters on every node, before anything is applied.
    func testNodeSelectionAgainstTheClustersNodes() throws {
        var cluster = KnownObjects()
        for i in 1...2 {
            var spec = ClusterSpec(profile: .bare, nodes: 2)
            spec.labels = ["pool": "general"]
            spec.taints = i == 2 ? [("dedicated", "db", "NoSchedule")] : []
            cluster.addFromCluster(ClusterSetup.node(index: i, spec: spec))
        }
        let select = { (fragment: String) in Self.clean.replacingOccurrences(of: "      containers:\n", with: fragment + "      containers:\n") }
        let cases: [(name: String, yaml: String, expected: [String])] = [
            ("matches node-1", select("      nodeSelector: {pool: general}\n"), []),
            ("matches nothing", select("      nodeSelector: {disktype: ssd}\n"), ["no-matching-node spec.template.spec.nodeSelector"]),
            ("affinity matches nothing", select("      affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: pool, operator: In, values: [gpu]}]}]}}}\n"),
             ["no-matching-node spec.template.spec.affinity.nodeAffinity"]),
            ("only the tainted node", select("      nodeSelector: {kubernetes.io/hostname: node-2}\n"), ["untolerated-taint spec.template.spec"]),
            ("tolerated", select("      nodeSelector: {kubernetes.io/hostname: node-2}\n      tolerations: [{key: dedicated, operator: Exists}]\n"), []),
            // A template that names its node is weighed as its kubelet weighs it
            // (`predicate.go` generalFilter): a NoSchedule taint is no obstacle there.
            ("named, NoSchedule-tainted", select("      nodeName: node-2\n"), []),
            ("named, missing", select("      nodeName: node-7\n"), ["no-matching-node spec.template.spec.nodeName"]),
            ("named, not selected", select("      nodeName: node-1\n      nodeSelector: {disktype: ssd}\n"), ["no-matching-node spec.template.spec.nodeSelector"]),
        ]
        for c in cases {
            let documents = try ManifestDecoder.decode([ManifestSource(name: "t.yaml", bytes: Array(c.yaml.utf8))]).documents
            let found = Linter.lint(documents, cluster: cluster).filter { $0.code == "no-matching-node" || $0.code == "untolerated-taint" }
            XCTAssertEqual(found.map { "\($0.code) \($0.path)" }, c.expected, c.name)
        }
        // A NoExecute taint on the node a template names: its kubelet rejects each pod
        // (generalFilter's taint check), unless the pods tolerate it.
        var tainted = KnownObjects()
        var spec = ClusterSpec(profile: .bare, nodes: 1)
        spec.taints = [("dedicated", "db", "NoExecute")]
        tainted.addFromCluster(ClusterSetup.node(index: 1, spec: spec))
        for (fragment, expected) in [("      nodeName: node-1\n", ["untolerated-taint spec.template.spec"]),
                                     ("      nodeName: node-1\n      tolerations: [{key: dedicated, operator: Exists}]\n", [])] {
            let documents = try ManifestDecoder.decode([ManifestSource(name: "t.yaml", bytes: Array(select(fragment).utf8))]).documents
            let found = Linter.lint(documents, cluster: tainted).filter { $0.code == "no-matching-node" || $0.code == "untolerated-taint" }
            XCTAssertEqual(found.map { "\($0.code) \($0.path)" }, expected, fragment)
            if let message = found.first?.message {
                XCTAssertTrue(message.hasPrefix("the node spec.nodeName names (node-1) has an untolerated NoExecute taint ({dedicated: db})"), message)
            }
        }
        // Without a cluster nothing is assumed about nodes.
        let documents = try ManifestDecoder.decode([ManifestSource(name: "t.yaml", bytes: Array(select("      nodeSelector: {disktype: ssd}\n").utf8))]).documents
        XCTAssertFalse(Linter.lint(documents).contains { $0.code == "no-matching-node" })
    }

    func testMissingReferences() throws {
        let env = "        env: [{name: MODE, valueFrom: {configMapKeyRef: {name: settings, key: mode}}}]\n"
        let withEnv = Self.clean.replacingOccurrences(of: "        lifecycle:", with: env + "        lifecycle:")
        let configMap = "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {mode: fast}\n"
        let volumes = { (source: String) in
            Self.clean.replacingOccurrences(of: "      containers:\n", with: "      volumes: [{name: v, \(source)}]\n      containers:\n")
        }
        var cluster = KnownObjects()
        cluster.add(Resource(Object(["apiVersion": .string("v1"), "kind": .string("Secret"),
                                     "metadata": .object(Object(["name": .string("tls"), "namespace": .string("default")])),
                                     "data": .object(Object(["tls.crt": .string("eA==")]))])))
        let cases: [(name: String, yaml: String, expected: [String])] = [
            ("env ConfigMap missing", withEnv, ["spec.template.spec.containers[0].env[0].valueFrom.configMapKeyRef"]),
            ("env ConfigMap in the manifests", withEnv + configMap, []),
            ("env key missing from it", withEnv + configMap.replacingOccurrences(of: "mode: fast", with: "other: x"), ["spec.template.spec.containers[0].env[0].valueFrom.configMapKeyRef"]),
            ("optional", withEnv.replacingOccurrences(of: "key: mode}", with: "key: mode, optional: true}"), []),
            ("envFrom Secret missing", Self.clean.replacingOccurrences(of: "        lifecycle:", with: "        envFrom: [{secretRef: {name: creds}}]\n        lifecycle:"),
             ["spec.template.spec.containers[0].envFrom[0].secretRef"]),
            ("Secret volume in the cluster", volumes("secret: {secretName: tls}"), []),
            ("Secret volume key missing in the cluster's", volumes("secret: {secretName: tls, items: [{key: tls.key, path: k}]}"), ["spec.template.spec.volumes[0].secret"]),
            ("ConfigMap volume missing", volumes("configMap: {name: nginx-conf}"), ["spec.template.spec.volumes[0].configMap"]),
            ("projected source missing", volumes("projected: {sources: [{configMap: {name: ca}}]}"), ["spec.template.spec.volumes[0].projected.sources[0].configMap"]),
            ("claim missing", volumes("persistentVolumeClaim: {claimName: data}"), ["spec.template.spec.volumes[0].persistentVolumeClaim"]),
        ]
        for c in cases {
            let documents = try ManifestDecoder.decode([ManifestSource(name: "t.yaml", bytes: Array(c.yaml.utf8))]).documents
            let found = Linter.lint(documents, cluster: cluster).filter { $0.code == "missing-reference" }
            XCTAssertEqual(found.map(\.path.description), c.expected, c.name)
            XCTAssertTrue(found.allSatisfy { $0.severity == .warning }, c.name)
        }
        let documents = try ManifestDecoder.decode([ManifestSource(name: "t.yaml", bytes: Array(withEnv.utf8))]).documents
        XCTAssertEqual(Linter.lint(documents).first { $0.code == "missing-reference" }?.message,
                       "container web (env MODE) needs ConfigMap \"settings\", which is neither in these manifests nor in the cluster: its pods wait in CreateContainerConfigError and the rollout stalls")
    }

    /// `replicas-with-hpa` from a cluster's HorizontalPodAutoscaler (its `scaleTargetRef`, in its
    /// namespace, of either autoscaling version), and not for another target, another namespace,
    /// or a manifest that leaves `spec.replicas` out.
    func testReplicasWithAnAutoscalerInTheCluster() throws {
        func hpa(_ target: String, kind: String = "Deployment", namespace: String = "default", apiVersion: String = "autoscaling/v2") -> Resource {
            Resource(Object(["apiVersion": .string(apiVersion), "kind": .string("HorizontalPodAutoscaler"),
                             "metadata": .object(Object(["name": .string("a"), "namespace": .string(namespace)])),
                             "spec": .object(Object(["scaleTargetRef": .object(Object(["apiVersion": .string("apps/v1"), "kind": .string(kind), "name": .string(target)]))]))]))
        }
        let cases: [(String, Resource, String, Bool)] = [
            ("targets it", hpa("web"), Self.clean, true),
            ("autoscaling/v1", hpa("web", apiVersion: "autoscaling/v1"), Self.clean, true),
            ("another Deployment", hpa("api"), Self.clean, false),
            ("another kind", hpa("web", kind: "StatefulSet"), Self.clean, false),
            ("another namespace", hpa("web", namespace: "shop"), Self.clean, false),
            ("replicas left out", hpa("web"), Self.clean.replacingOccurrences(of: "  replicas: 3\n", with: ""), false),
        ]
        for (name, autoscaler, yaml, expected) in cases {
            var cluster = KnownObjects()
            cluster.addFromCluster(autoscaler)
            let documents = try ManifestDecoder.decode([ManifestSource(name: "t.yaml", bytes: Array(yaml.utf8))]).documents
            let found = Linter.lint(documents, cluster: cluster).filter { $0.code == "replicas-with-hpa" }
            XCTAssertEqual(found.map(\.path.description), expected ? ["spec.replicas"] : [], name)
        }
    }

    func testHazardsNameFileLineAndFix() throws {
        let yaml = Self.clean.replacingOccurrences(of: "terminationGracePeriodSeconds: 30", with: "terminationGracePeriodSeconds: 6")
        let documents = try ManifestDecoder.decode([ManifestSource(name: "web.yaml", bytes: Array(yaml.utf8))]).documents
        let hazard = try XCTUnwrap(Linter.lint(documents).first)
        XCTAssertEqual(hazard.text, """
        web.yaml:13:38: error[grace-too-short] deployment.apps/web: spec.template.spec.terminationGracePeriodSeconds: terminationGracePeriodSeconds 6 is shorter than preStop (5s) + shutdown (3s): the app is killed mid-drain
            fix: set terminationGracePeriodSeconds to at least 13

        """)
    }

    func testLintCommandExitCodes() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: RolloutRun.binary.path), "rollout binary not built")
        let dir = try temporaryDirectory(self)
        func file(_ name: String, _ text: String) throws -> String {
            let url = dir.appendingPathComponent(name)
            try text.write(to: url, atomically: true, encoding: .utf8)
            return url.path
        }
        XCTAssertEqual(try RolloutRun.run(["lint", "-f", "examples/manifests/"]).stdout, "no hazards found\n")
        let warningOnly = try file("w.yaml", Self.clean.replacingOccurrences(of: "image: app:1.2.3", with: "image: app:latest"))
        XCTAssertEqual(try RolloutRun.run(["lint", "-f", warningOnly]).status, 0)
        XCTAssertEqual(try RolloutRun.run(["lint", "-f", warningOnly, "--strict"]).status, 1)
        let broken = try file("e.yaml", Self.clean.replacingOccurrences(of: "        lifecycle: {preStop: {sleep: {seconds: 5}}}\n", with: ""))
        var run = try RolloutRun.run(["lint", "-f", broken])
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.stdout.hasSuffix("1 error, 0 warnings\n"), run.stdout)
        run = try RolloutRun.run(["lint", "-f", broken, "-o", "json"])
        let line = try XCTUnwrap(run.stdout.split(separator: "\n").first)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        XCTAssertEqual(object["code"] as? String, "no-prestop-delay")
        XCTAssertEqual(object["severity"] as? String, "error")
        let invalid = try file("i.yaml", Self.clean.replacingOccurrences(of: "maxSurge: 1", with: "maxSurge: 0"))
        run = try RolloutRun.run(["lint", "-f", invalid])
        XCTAssertEqual(run.status, 2, "0/0 is rejected by validation")
        XCTAssertTrue(run.stdout.contains("error[surge-and-unavailable-zero]"))
    }
}

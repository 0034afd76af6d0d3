import Foundation
import XCTest
@testable import RolloutCore

/// Ingress on the k3s profile: Traefik v3's Kubernetes Ingress provider
/// (KUBERNETES-scheduling-traffic.md §9; traefik `pkg/provider/kubernetes/ingress/kubernetes.go`
/// loadRouter, buildHostRule, loadService; `pkg/muxer/http/matcher.go` pathPrefix; `mux.go`
/// priority = len(rule); `wrr.go` errNoAvailableServer), the API server's Ingress validation
/// (`pkg/apis/networking/validation/validation.go`) and DefaultIngressClass admission
/// (`plugin/pkg/admission/network/defaultingressclass/admission.go` getDefaultClass).
final class IngressTests: XCTestCase {
    func store(_ profile: ClusterProfile = .k3s) throws -> StateStore {
        let store = try StateStore(directory: try temporaryDirectory(self).appendingPathComponent("s").path, writable: true, newCluster: ClusterSpec(profile: profile))
        addTeardownBlock { store.close() }
        return store
    }

    func apply(_ yaml: String, to store: StateStore) throws -> [ApplyOutcome] {
        try Applier.apply(try ManifestDecoder.decode([ManifestSource(name: "t.yaml", bytes: Array(yaml.utf8))]).documents, to: store, options: ApplyOptions())
    }

    func fixture(_ name: String) throws -> String {
        try String(contentsOf: Corpus.packageRoot.appendingPathComponent("Tests/RolloutCoreTests/Fixtures/ingress/\(name)"), encoding: .utf8)
    }

    static let extra = """
    ---
    apiVersion: networking.k8s.io/v1
    kind: Ingress
    metadata: {name: extras}
    spec:
      rules:
        - host: "*.example.org"
          http:
            paths:
              - {path: /exact, pathType: Exact, backend: {service: {name: api, port: {number: 80}}}}
        - host: shop.example.com
          http:
            paths:
              - {path: /wrong-port, pathType: Prefix, backend: {service: {name: web, port: {number: 9999}}}}
    ---
    apiVersion: networking.k8s.io/v1
    kind: Ingress
    metadata: {name: fallback, annotations: {kubernetes.io/ingress.class: traefik}}
    spec:
      defaultBackend: {service: {name: web, port: {name: http}}}
    ---
    apiVersion: networking.k8s.io/v1
    kind: Ingress
    metadata: {name: ignored-default}
    spec:
      defaultBackend: {service: {name: api, port: {name: http}}}
      rules:
        - host: other.example.com
          http:
            paths:
              - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 8080}}}}
    ---
    apiVersion: networking.k8s.io/v1
    kind: Ingress
    metadata: {name: nginx-only}
    spec:
      ingressClassName: nginx
      rules:
        - host: nginx.example.com
          http:
            paths:
              - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 8080}}}}

    """

    /// Where Traefik sends each request: the Service of the router that takes it, or why not.
    func testRoutingAsTraefikDoes() throws {
        let store = try store()
        _ = try apply(try fixture("shop.yaml") + Self.extra, to: store)
        let cluster = try Cluster(store: store)
        _ = EventLoop.run(cluster, timeout: Duration(seconds: 30), until: { _ in false })
        let routers = Traefik.routers(in: cluster)
        // The longest rule first — the wildcard's HostRegexp (61 characters), then
        // `Host(`shop.example.com`) && PathPrefix(`/wrong-port`)` (52) … `… PathPrefix(`/`)`
        // (42); the default backend last.
        XCTAssertEqual(routers.first?.rule, "HostRegexp(`^[a-zA-Z0-9-]+\\.example\\.org$`) && Path(`/exact`)")
        XCTAssertEqual(routers.dropFirst().first?.rule, "Host(`shop.example.com`) && PathPrefix(`/wrong-port`)")
        XCTAssertEqual(routers.last?.rule, "PathPrefix(`/`)")
        XCTAssertTrue(routers.contains { $0.rule == "HostRegexp(`^[a-zA-Z0-9-]+\\.example\\.org$`) && Path(`/exact`)" }, routers.map(\.rule).joined(separator: "\n"))
        XCTAssertFalse(routers.contains { $0.ingress.name == "nginx-only" }, "class nginx: no IngressClass of Traefik's controller")
        XCTAssertFalse(routers.contains { $0.ingress.name == "ignored-default" && $0.rule == "PathPrefix(`/`)" }, "a defaultBackend beside rules is ignored")
        let cases: [(host: String, path: String, expected: String)] = [
            ("shop.example.com", "/api/orders", "api"),
            ("shop.example.com", "/apis", "api"),          // PathPrefix is a plain string prefix
            ("SHOP.example.com", "/", "web"),              // hosts match without case
            ("shop.example.com", "/index.html", "web"),
            ("shop.example.com", "/wrong-port/x", "web"),  // no such port: the router is dropped, the next rule takes it
            ("a.example.org", "/exact", "api"),
            ("a.example.org", "/exact/more", "web"),       // Exact does not match; the default backend does
            ("a.b.example.org", "/exact", "web"),          // the wildcard covers one label
            ("other.example.com", "/", "web"),
            ("nginx.example.com", "/", "web"),             // only the default backend serves it
        ]
        for c in cases {
            switch Traefik.handle(host: c.host, path: c.path, routers: routers, in: cluster) {
            case .served(let router, let servers):
                XCTAssertEqual(router.service.name, c.expected, "\(c.host)\(c.path)")
                XCTAssertEqual(servers.count, 2, "\(c.host)\(c.path): the two ready pods")
            case .failed(let why):
                XCTFail("\(c.host)\(c.path): \(why)")
            }
        }
        // Without the default backend nothing takes an unknown host: Traefik's 404.
        let withoutDefault = routers.filter { $0.ingress.name != "fallback" }
        guard case .failed(let why) = Traefik.handle(host: "unknown.example.net", path: "/", routers: withoutDefault, in: cluster) else {
            return XCTFail("an unknown host is not served")
        }
        XCTAssertEqual(why, "404 page not found (no Ingress rule matches)")
        // Traefik writes its address into the status of the Ingresses it serves, not others'.
        try cluster.save()
        let ingresses = try store.list(Cluster.ingressType)
        XCTAssertEqual(ingresses.first { $0.name == "shop" }?.value.at("status", "loadBalancer", "ingress")?.arrayValue?.first?["ip"]?.stringValue, "10.0.0.2")
        XCTAssertNil(ingresses.first { $0.name == "nginx-only" }?.value.at("status", "loadBalancer", "ingress"))
    }

    // A Recreate rollout of the api (2 replicas, readiness every 1 s, 5 s preStop, new image),
    // seen through the Service and through the Ingress. At 0 the old pods are deleted; from 1 s
    // (propagation) the slices list them serving and terminating. kube-proxy falls back to them
    // (CategorizeEndpoints) until they exit at 5 s (preStop over, no drain) and leave the slices
    // at 6: 5.0–5.9 s fail as "pod already gone" (10). The new pods are created at 5, pull
    // (3 s) and start at 9, ready at their first probe, listed at 10: 6–9.9 s have no endpoint
    // (40). Traefik sends only to ready endpoints: every request of 1–9.9 s gets a 503 (90). The
    // web Service behind "/" of the same host rolls nothing and loses nothing.
    func testRecreateDropsIngressTrafficWhereKubeProxyFallsBack() throws {
        let directory = try temporaryDirectory(self)
        let state = directory.appendingPathComponent("state").path
        let v1 = directory.appendingPathComponent("v1.yaml"), v2 = directory.appendingPathComponent("v2.yaml")
        let shop = try fixture("shop.yaml")
        try shop.write(to: v1, atomically: true, encoding: .utf8)
        try shop.replacingOccurrences(of: "example/api:1", with: "example/api:2").write(to: v2, atomically: true, encoding: .utf8)
        XCTAssertEqual(try RolloutRun.run(["apply", "-f", v1.path, "--wait", "--state", state]).status, 0)
        let run = try RolloutRun.run(["apply", "-f", v2.path, "--wait", "--state", state])
        XCTAssertTrue(run.stdout.hasSuffix("""
        service/api: 100 requests at 10/s, 50 failed
          t=5s–5.9s: 10 failed, pod already gone (killed)
          t=6s–9.9s: 40 failed, no ready endpoints
        service/web: 100 requests at 10/s, 0 failed
        ingress/shop shop.example.com/api: 100 requests at 10/s, 90 failed
          t=1s–9.9s: 90 failed, 503 no available server (Traefik sends only to ready endpoints, never to terminating ones)
        ingress/shop shop.example.com/: 100 requests at 10/s, 0 failed

        """), run.stdout)
        // Rolling back to api:1 in a plan: the image is on the node, so the new pods start at 6,
        // are ready at once and listed at 7 — Traefik answers 503 from 1 to 6.9 s (60).
        let plan = try RolloutRun.run(["plan", "-f", v1.path, "-o", "json", "--state", state])
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(plan.stdout.utf8)) as? [String: Any])
        let routes = (json["services"] as? [[String: Any]]) ?? []
        let viaIngress = routes.compactMap { $0["ingress"] as? [String: Any] }
        XCTAssertEqual(viaIngress.compactMap { $0["path"] as? String }.sorted(), ["/", "/api"])
        XCTAssertEqual(routes.first { ($0["ingress"] as? [String: Any])?["path"] as? String == "/api" }?["failed"] as? Int, 60)
    }

    func testValidationAsTheAPIServer() throws {
        func errors(_ spec: String) throws -> [String] {
            let yaml = "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i}\nspec:\n" + spec
            let document = try XCTUnwrap(try ManifestDecoder.decode([ManifestSource(name: "i.yaml", bytes: Array(yaml.utf8))]).documents.first)
            guard case .object(let object) = document.value else { return ["not an object"] }
            return ObjectValidation.validate(Resource(object), root: document.node, file: "i.yaml")?.errors.map { "\($0.path): \($0.message)" } ?? []
        }
        let path = "spec.rules[0].http.paths[0]"
        let table: [(String, [String])] = [
            ("  ingressClassName: traefik\n", ["spec: Invalid value: \"\": either `defaultBackend` or `rules` must be specified"]),
            ("  rules: [{host: a.example.com, http: {paths: [{path: /, backend: {service: {name: web, port: {number: 80}}}}]}}]\n",
             ["\(path).pathType: Required value: pathType must be specified"]),
            ("  rules: [{http: {paths: [{path: api, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]\n",
             ["\(path).path: Invalid value: \"api\": must be an absolute path"]),
            ("  rules: [{http: {paths: [{path: /a, pathType: Regex, backend: {service: {name: web, port: {number: 80}}}}]}}]\n",
             ["\(path).pathType: Unsupported value: \"Regex\": supported values: \"Exact\", \"ImplementationSpecific\", \"Prefix\""]),
            ("  rules: [{http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80, name: http}}}}]}}]\n",
             ["\(path).backend: Invalid value: \"\": cannot set both port name & port number"]),
            ("  rules: [{http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web}}}]}}]\n",
             ["\(path).backend: Required value: port name or number is required"]),
            ("  rules: [{http: {paths: [{path: /, pathType: Prefix, backend: {}}]}}]\n",
             ["\(path).backend: Invalid value: \"\": resource or service backend is required"]),
            ("  rules: [{host: 10.0.0.1, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]\n",
             ["spec.rules[0].host: Invalid value: \"10.0.0.1\": must be a DNS name, not an IP address"]),
            ("  rules: [{host: \"*.example.com\", http: {paths: [{path: /, pathType: ImplementationSpecific, backend: {service: {name: web, port: {number: 80}}}}]}}]\n", []),
        ]
        for (spec, expected) in table {
            XCTAssertEqual(try errors(spec), expected, spec)
        }
    }

    /// DefaultIngressClass: the default class on create, none over an explicit class or the
    /// annotation, the newest default when several are marked.
    func testDefaultIngressClassAdmission() throws {
        let store = try store()
        func ingress(_ name: String, _ extra: String = "") -> String {
            "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: \(name)\(extra)}\nspec: {defaultBackend: {service: {name: web, port: {number: 80}}}}\n"
        }
        func className(_ outcomes: [ApplyOutcome]) -> String? { outcomes.first?.resource.value.at("spec", "ingressClassName")?.stringValue }
        XCTAssertEqual(className(try apply(ingress("a"), to: store)), "traefik")
        XCTAssertNil(className(try apply(ingress("b", ", annotations: {kubernetes.io/ingress.class: nginx}"), to: store)))
        store.clock = Timestamp(milliseconds: store.clock.milliseconds + 1000)
        _ = try apply("apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata: {name: nginx, annotations: {ingressclass.kubernetes.io/is-default-class: \"true\"}}\nspec: {controller: k8s.io/ingress-nginx}\n", to: store)
        XCTAssertEqual(className(try apply(ingress("c"), to: store)), "nginx", "the newest default wins")
        // Applying the same manifest again keeps the admitted class (it is not in last-applied).
        XCTAssertEqual(try apply(ingress("a"), to: store).first?.operation, "unchanged")
    }

    func testLintChecksIngressBackendsWithPositions() throws {
        let yaml = try fixture("shop.yaml") + """
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: bad}
        spec:
          ingressClassName: nginx
          rules:
            - http:
                paths:
                  - {path: /a, pathType: Prefix, backend: {service: {name: api, port: {number: 8080}}}}
                  - {path: /b, pathType: Prefix, backend: {service: {name: nope, port: {number: 80}}}}
                  - {path: /c, pathType: Prefix, backend: {service: {name: web, port: {name: http}}}}

        """
        let documents = try ManifestDecoder.decode([ManifestSource(name: "bad.yaml", bytes: Array(yaml.utf8))]).documents
        let found = Linter.lint(documents).filter { $0.object == "ingress.networking.k8s.io/bad" }
            .map { "\($0.location.map { "\($0.line):\($0.column)" } ?? "-") \($0.code) \($0.path)" }
        XCTAssertEqual(found, [
            "70:21 ingress-class-missing spec.ingressClassName",
            "74:79 ingress-port-not-exposed spec.rules[0].http.paths[0].backend.service.port",
            "75:68 ingress-backend-missing spec.rules[0].http.paths[1].backend.service.name",
        ])
    }

    /// `describe ingress` and `describe ingressclass` as kubectl's describeIngressV1 and
    /// describeIngressClassV1 lay them out (the rules table, each backend with the ready
    /// endpoints of its Service's slices on that port, formatEndpointSlices), and a
    /// LoadBalancer's `LoadBalancer Ingress` with its ipMode (buildIngressString).
    func testDescribeIngressAsKubectl() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: RolloutRun.binary.path), "rollout binary not built")
        let state = try temporaryDirectory(self).appendingPathComponent("state").path
        func rollout(_ arguments: String...) throws -> String { try RolloutRun.run(arguments + ["--state", state]).stdout }
        _ = try rollout("apply", "-f", "examples/manifests/", "--wait")
        try assertGolden(try rollout("describe", "ingress", "web-api"), "ingress/describe-ingress.txt")
        try assertGolden(try rollout("describe", "ingressclass", "traefik"), "ingress/describe-ingressclass.txt")
        XCTAssertTrue(try rollout("describe", "service", "web-api").contains("LoadBalancer Ingress:     10.0.0.2 (VIP)\n"))
    }

    // Requests through an Ingress first reach Traefik (its LoadBalancer, then kube-proxy): with
    // Traefik scaled to zero, every Ingress request fails, while the Services still serve.
    func testIngressRequestsNeedTraefik() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: RolloutRun.binary.path), "rollout binary not built")
        let directory = try temporaryDirectory(self)
        let state = directory.appendingPathComponent("state").path
        func rollout(_ arguments: String...) throws -> RolloutRun { try RolloutRun.run(arguments + ["--state", state]) }
        let v1 = directory.appendingPathComponent("v1.yaml"), v2 = directory.appendingPathComponent("v2.yaml")
        let shop = try fixture("shop.yaml")
        try shop.write(to: v1, atomically: true, encoding: .utf8)
        try shop.replacingOccurrences(of: "example/web:1", with: "example/web:2").write(to: v2, atomically: true, encoding: .utf8)
        XCTAssertEqual(try rollout("apply", "-f", v1.path, "--wait").status, 0)
        XCTAssertEqual(try rollout("scale", "deployment/traefik", "--replicas", "0", "-n", "kube-system").status, 0)
        let run = try rollout("apply", "-f", v2.path, "--wait")
        XCTAssertTrue(run.stdout.contains("failed, Traefik unreachable: no ready endpoints"), run.stdout)
        XCTAssertTrue(run.stdout.contains("service/api: "), run.stdout)
    }
}

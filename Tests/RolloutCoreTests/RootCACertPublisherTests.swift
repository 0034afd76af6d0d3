import Foundation
import XCTest
@testable import RolloutCore

/// The root CA certificate publisher (`pkg/controller/certificates/rootcacertpublisher/publisher.go`):
/// `kube-root-ca.crt` in every namespace (`namespaceAdded` → `syncNamespace` creates it, with
/// `Data{"ca.crt": rootCA}` and the `kubernetes.io/description` annotation `Description`),
/// made again when deleted (`configMapDeleted`), its data and annotation put back when updated
/// (`configMapUpdated`; `reflect.DeepEqual(cm.Data, data)` and a non-empty annotation leave it,
/// everything else of the ConfigMap kept), none in a namespace that is gone.
final class RootCACertPublisherTests: XCTestCase {
    /// `Description` in publisher.go, word for word.
    static let upstreamDescription = "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters."

    private func published(_ s: Scratch, _ namespace: String) throws -> [String: Any]? {
        let run = try s.run("get", "cm", RootCACertPublisher.configMapName, "-n", namespace, "-o", "json")
        guard run.status == 0 else { return nil }
        return try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
    }

    private func uid(_ object: [String: Any]?) -> String? { (object?["metadata"] as? [String: Any])?["uid"] as? String }

    func testEveryNamespaceHasItAndItComesBack() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: RolloutRun.binary.path), "rollout binary not built")
        let s = try Scratch(self)
        XCTAssertEqual(try s.run("cluster", "init", "--nodes", "1").status, 0)
        // `cluster init`'s namespaces, each with its ConfigMap.
        let all = try s.run("get", "cm", "-A", "-o", "name")
        XCTAssertEqual(all.stdout.components(separatedBy: "configmap/kube-root-ca.crt\n").count - 1,
                       try s.run("get", "ns", "-o", "name").stdout.split(separator: "\n").count, all.stdout)
        let first = try XCTUnwrap(try published(s, "default"))
        XCTAssertEqual(first["data"] as? [String: String], ["ca.crt": RootCACertPublisher.rootCA])
        let meta = try XCTUnwrap(first["metadata"] as? [String: Any])
        XCTAssertEqual(meta["annotations"] as? [String: String], ["kubernetes.io/description": Self.upstreamDescription])
        XCTAssertTrue(RootCACertPublisher.rootCA.hasPrefix("-----BEGIN CERTIFICATE-----\n") && RootCACertPublisher.rootCA.hasSuffix("-----END CERTIFICATE-----\n"))
        // kubectl's columns: one key.
        XCTAssertEqual(try s.run("get", "cm").stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).prefix(2).joined(separator: " ") },
                       ["NAME DATA", "kube-root-ca.crt 1"])

        // A namespace applied gets one as it appears.
        let namespace = try s.write("apiVersion: v1\nkind: Namespace\nmetadata: {name: team}\n", "ns.yaml")
        XCTAssertEqual(try s.run("apply", "-f", namespace).stdout, "namespace/team created\n")
        XCTAssertNotNil(try published(s, "team"))

        // Deleted: made again, a new object.
        let deleted = try s.run("delete", "cm", RootCACertPublisher.configMapName, "-n", "team")
        XCTAssertEqual(deleted.stdout, "configmap \"kube-root-ca.crt\" deleted\n", deleted.stderr)
        let again = try XCTUnwrap(try published(s, "team"))
        XCTAssertNotEqual(uid(again), uid(try published(s, "default")))
        XCTAssertEqual(again["data"] as? [String: String], ["ca.crt": RootCACertPublisher.rootCA])

        // Updated: the client's update is answered, then data and description are put back;
        // the labels and other annotations the update gave it stay.
        let edited = try s.write("""
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: kube-root-ca.crt
              namespace: team
              labels: {owner: me}
              annotations: {kubernetes.io/description: mine, note: kept}
            data: {ca.crt: not a bundle, extra: x}
            """, "cm.yaml")
        let applied = try s.run("apply", "-f", edited)
        XCTAssertEqual(applied.stdout, "configmap/kube-root-ca.crt configured\n", applied.stderr)
        let restored = try XCTUnwrap(try published(s, "team"))
        XCTAssertEqual(restored["data"] as? [String: String], ["ca.crt": RootCACertPublisher.rootCA])
        let restoredMeta = try XCTUnwrap(restored["metadata"] as? [String: Any])
        XCTAssertEqual(restoredMeta["labels"] as? [String: String], ["owner": "me"])
        let annotations = try XCTUnwrap(restoredMeta["annotations"] as? [String: String])
        XCTAssertEqual(annotations["kubernetes.io/description"], Self.upstreamDescription)
        XCTAssertEqual(annotations["note"], "kept")
        XCTAssertEqual(uid(restored), uid(again))

        // A namespace deleted takes it along; nothing makes it again.
        XCTAssertEqual(try s.run("delete", "ns", "team").status, 0)
        XCTAssertEqual(try s.run("get", "cm", "-n", "team", "-o", "name").stdout, "")
    }

    /// The wrong verdict this fixes: a pod projecting the bundle (as manifests that mount a
    /// token of their own audience do) waited ContainerCreating for a ConfigMap every cluster
    /// has, and plan and lint called the reference missing.
    func testAPodMountingTheBundleStarts() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: RolloutRun.binary.path), "rollout binary not built")
        let s = try Scratch(self)
        XCTAssertEqual(try s.run("cluster", "init", "--nodes", "1").status, 0)
        let spec = """
            containers:
            - name: app
              image: nginx:1.27
              volumeMounts: [{name: identity, mountPath: /var/run/identity}]
            volumes:
            - name: identity
              projected:
                sources:
                - serviceAccountToken: {audience: vault, path: token, expirationSeconds: 3600}
                - configMap: {name: kube-root-ca.crt, items: [{key: ca.crt, path: ca.crt}]}
            """
        let deployment = deploymentYAML(replicas: 2, spec: spec).replacingOccurrences(of: "metadata: {name: web}", with: "metadata: {name: web, namespace: vault}")
        let manifest = try s.write("apiVersion: v1\nkind: Namespace\nmetadata: {name: vault}\n---\n" + deployment, "web.yaml")
        let lint = try RolloutRun.run(["lint", manifest])
        XCTAssertFalse(lint.stdout.contains("missing-reference"), lint.stdout)
        let plan = try s.run("plan", "-f", manifest)
        XCTAssertFalse(plan.stdout.contains("missing-reference"), plan.stdout)
        let run = try s.run("apply", "-f", manifest, "--wait", "--timeout", "2m", "-n", "vault")
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        XCTAssertTrue(run.stdout.contains("deployment \"web\" successfully rolled out"), run.stdout)
    }

    /// A state written before the publisher was modelled has none; the namespaces an apply
    /// writes to get theirs (never another's data put over an existing one), as a cluster has
    /// had them all along.
    func testAnOlderStateGetsItWhereItIsWrittenTo() throws {
        let directory = try temporaryDirectory(self).appendingPathComponent("s").path
        let store = try bareStore(directory)
        defer { store.close() }
        let type = ResourceType.forObject(apiVersion: "v1", kind: "ConfigMap")
        XCTAssertEqual(try store.count(type), 0)
        let document = try XCTUnwrap(try ManifestDecoder.decode([ManifestSource(name: "cm.yaml", bytes: Array("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n".utf8))]).documents.first)
        _ = try Applier.apply([document], to: store, options: ApplyOptions())
        XCTAssertEqual(try store.list(type).map { "\($0.namespace ?? "")/\($0.name)" }, ["default/c", "default/kube-root-ca.crt"])
    }

    /// An import keeps a dump's own bundle (its cluster's CA) and adds the ConfigMap where the
    /// dump has none: `default`, and the three namespaces every cluster has, which the import
    /// adds.
    func testAnImportKeepsItsOwnAndAddsTheMissing() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: RolloutRun.binary.path), "rollout binary not built")
        let s = try Scratch(self)
        let dump = try s.write("""
            apiVersion: v1
            kind: List
            items:
            - {apiVersion: v1, kind: Namespace, metadata: {name: default}}
            - {apiVersion: v1, kind: Namespace, metadata: {name: shop}}
            - apiVersion: v1
              kind: ConfigMap
              metadata: {name: kube-root-ca.crt, namespace: shop, creationTimestamp: "2025-03-01T00:00:00Z"}
              data: {ca.crt: "their bundle"}
            """, "dump.yaml")
        let run = try s.run("cluster", "import", "-f", dump)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("note: ConfigMap kube-root-ca.crt added to 4 namespaces without it, as the root CA publisher keeps one in each\n"), run.stdout)
        XCTAssertEqual((try published(s, "shop")?["data"] as? [String: String]), ["ca.crt": "their bundle"])
        XCTAssertEqual((try published(s, "default")?["data"] as? [String: String]), ["ca.crt": RootCACertPublisher.rootCA])
    }
}

import Foundation
import RolloutCore
import XCTest

/// `rollout cluster import` on real API-server output: `../shared/corpus/cluster-dumps/`, whose
/// index.tsv gives each file's kinds and object counts. What a live object carries must survive
/// (uid, resourceVersion, status, allocated addresses, owner references), each object's own
/// last-applied configuration must diff as unchanged (kubectl `apply/apply.go`
/// GetModifiedConfiguration records `"annotations":{}` for a manifest without annotations),
/// and the whole-cluster k3s set must run: history continuing from production's revision.
final class ClusterImportTests: XCTestCase {
    func dumps() throws -> (URL, [[String: String]]) {
        let root = try Corpus.directory("cluster-dumps", for: "cluster import of real API-server output")
        return (root, try Corpus.readIndex(root.appendingPathComponent("index.tsv")))
    }

    /// Reads a dump file as `cluster import -f` does.
    func documents(_ urls: [URL]) throws -> [ManifestDocument] {
        try ManifestDecoder.decode(try urls.map { ManifestSource(name: $0.lastPathComponent, bytes: Array(try Data(contentsOf: $0))) }).documents
    }

    func importing(_ urls: [URL]) throws -> (StateStore, ClusterImport.Report, [ManifestDocument]) {
        let store = try StateStore(directory: try temporaryDirectory(self, "import").appendingPathComponent("s").path, writable: true,
                                   newCluster: ClusterSpec(profile: .bare))
        addTeardownBlock { store.close() }
        let docs = try documents(urls)
        return (store, try ClusterImport.run(docs, into: store), docs)
    }

    /// `objects: Pod=25` or `Node=2, Node=5` in index.tsv's notes: counts per kind.
    func expectedCounts(_ notes: String) -> [String: Int] {
        guard let start = notes.range(of: "objects: ") else { return [:] }
        let text = notes[start.upperBound...].prefix { $0 != ";" }
        var counts: [String: Int] = [:]
        for part in text.split(separator: ",") {
            let pair = part.trimmingCharacters(in: .whitespaces).split(separator: "=")
            if pair.count == 2, let n = Int(pair[1]) { counts[String(pair[0]), default: 0] += n }
        }
        return counts
    }

    func testEveryDumpImportsWithItsObjectsAsTheyAreLive() throws {
        let (root, rows) = try dumps()
        XCTAssertEqual(rows.count, 31)
        for row in rows {
            let path = try XCTUnwrap(row["path"])
            let (store, report, docs) = try importing([root.appendingPathComponent(path)])
            let expected = expectedCounts(row["notes"] ?? "")
            XCTAssertFalse(expected.isEmpty, path)
            // The input's objects by kind, as the index counts them (implied namespaces and
            // nodes are not the input's).
            var imported: [String: Int] = [:]
            for document in docs { imported[document.value["kind"]?.stringValue ?? "?", default: 0] += 1 }
            XCTAssertEqual(imported, expected, path)
            XCTAssertEqual(report.total, expected.values.reduce(0, +), path)
            for document in docs {
                let given = Resource(try XCTUnwrap(document.value.objectValue))
                let live = try XCTUnwrap(try store.get(given.key), "\(path): \(given.key)")
                XCTAssertEqual(live.uid, given.uid, "\(path): \(given.key)")
                XCTAssertEqual(live.resourceVersion, given.resourceVersion, "\(path): \(given.key)")
                XCTAssertEqual(live.creationTimestamp, given.creationTimestamp, "\(path): \(given.key)")
                XCTAssertNil(live.metadata["managedFields"], "\(path): \(given.key)")
                XCTAssertEqual(live.object["status"], given.object["status"], "\(path): \(given.key) status")
                XCTAssertEqual(live.metadata["ownerReferences"], given.metadata["ownerReferences"], "\(path): \(given.key)")
                XCTAssertEqual(live.annotations[Applier.lastAppliedAnnotation], given.annotations[Applier.lastAppliedAnnotation], "\(path): \(given.key)")
                if given.kind == "Service" {
                    XCTAssertEqual(live.value.at("spec", "clusterIP"), given.value.at("spec", "clusterIP"), "\(path): \(given.key)")
                    XCTAssertEqual((live.value.at("spec", "ports")?.arrayValue ?? []).map { $0["nodePort"] },
                                   (given.value.at("spec", "ports")?.arrayValue ?? []).map { $0["nodePort"] }, "\(path): \(given.key)")
                }
            }
            // The clock is the newest time the objects record: ages read as they did then.
            XCTAssertEqual(store.clock, report.clock, path)
            XCTAssertFalse(try store.list(ResourceType.forObject(apiVersion: "v1", kind: "Namespace")).isEmpty, path)
        }
    }

    /// Each object's own last-applied configuration, applied again, changes nothing: diff is
    /// empty and apply says `unchanged`.
    func testEachLastAppliedConfigurationDiffsAsUnchanged() throws {
        let (root, rows) = try dumps()
        var checked = 0
        for row in rows {
            let path = try XCTUnwrap(row["path"])
            let (store, _, docs) = try importing([root.appendingPathComponent(path)])
            for document in docs {
                guard let text = Resource(try XCTUnwrap(document.value.objectValue)).annotations[Applier.lastAppliedAnnotation] else { continue }
                let manifest = try ManifestDecoder.decode([ManifestSource(name: "last-applied.json", bytes: Array(text.utf8))]).documents
                let candidates = try Applier.prepare(manifest, options: ApplyOptions())
                let pairs = try ObjectDiff.pairs(candidates, store: store)
                XCTAssertEqual(pairs.count, 1)
                XCTAssertEqual(pairs.first.map(ObjectDiff.unified), "", "\(path): \(text)")
                var options = ApplyOptions()
                options.dryRun = .server
                XCTAssertEqual(try Applier.apply(candidates, to: store, options: options).map(\.operation), ["unchanged (server dry run)"], path)
                checked += 1
            }
        }
        // index.tsv: last-applied 1 in the nri pods and services, 1 in the kubescape Service.
        XCTAssertEqual(checked, 3)
    }

    /// The troubleshoot support bundle: one k3s cluster (Deployment → ReplicaSet → Pod,
    /// Service → EndpointSlice). Imported whole, its references resolve, its LoadBalancer keeps
    /// the address k3s' ServiceLB gave it, its finished Job pods stay as they were, and a new
    /// image rolls out as revision 2 (the bundle's ReplicaSets are revision 1), reusing the
    /// production ReplicaSet on undo (`getNewReplicaSet` matches templates with EqualIgnoreHash).
    func testTheK3sSupportBundleRunsAndItsHistoryContinues() throws {
        let (root, rows) = try dumps()
        let files = rows.compactMap(\.["path"]).filter { $0.hasPrefix("replicatedhq__troubleshoot/test__baselines__") }.map { root.appendingPathComponent($0) }
        XCTAssertEqual(files.count, 9)
        let (store, report, _) = try importing(files)
        XCTAssertEqual(report.clock.description, "2025-12-10T17:26:28Z")
        let rsType = ResourceType.forObject(apiVersion: "apps/v1", kind: "ReplicaSet")
        let deployments = Dictionary(uniqueKeysWithValues: try store.list(ResourceType.forObject(apiVersion: "apps/v1", kind: "Deployment")).map { ($0.uid, $0.name) })
        for rs in try store.list(rsType) { XCTAssertNotNil(deployments[rs.ownerReferences.first?.uid ?? ""], rs.name) }
        let replicaSets = Set(try store.list(rsType).map(\.uid))
        let pods = try store.list(ResourceType.forObject(apiVersion: "v1", kind: "Pod"))
        XCTAssertEqual(pods.filter { replicaSets.contains($0.ownerReferences.first?.uid ?? "") }.count, 4)
        let jobPods = pods.filter { $0.ownerReferences.first?.kind == "Job" }
        XCTAssertEqual(jobPods.count, 2)
        store.close()

        // The same state through the built binary, as a user runs it.
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: RolloutRun.binary.path), "rollout binary not built")
        let state = store.directory
        func rollout(_ args: String...) throws -> RolloutRun { try RolloutRun.run(args + ["--state", state, "-n", "kube-system"]) }
        let traefik = try rollout("get", "deploy", "traefik", "-o", "yaml").stdout
        let manifest = try temporaryDirectory(self).appendingPathComponent("traefik.yaml")
        // The live object as a manifest, with a new image.
        var object = try XCTUnwrap(try ManifestDecoder.decode([ManifestSource(name: "live", bytes: Array(traefik.utf8))]).documents.first?.value.objectValue)
        var meta = try XCTUnwrap(object["metadata"]?.objectValue)
        for key in ["uid", "resourceVersion", "creationTimestamp", "generation"] { meta[key] = nil }
        object["metadata"] = .object(meta)
        object["status"] = nil
        let live = YAMLWriter.string(.object(object))
        XCTAssertTrue(live.contains("image: rancher/mirrored-library-traefik:2.11.10\n"))
        try live.replacingOccurrences(of: "image: rancher/mirrored-library-traefik:2.11.10", with: "image: rancher/mirrored-library-traefik:2.11.11")
            .write(to: manifest, atomically: true, encoding: .utf8)
        let diff = try rollout("diff", "-f", manifest.path)
        XCTAssertEqual(diff.status, 1, diff.stderr)
        let changed = diff.stdout.split(separator: "\n").filter { ($0.hasPrefix("+") || $0.hasPrefix("-")) && !$0.hasPrefix("+++") && !$0.hasPrefix("---") }
        // The image, and the last-applied annotation kubectl adds on a first apply.
        XCTAssertEqual(changed.count, 4, diff.stdout)
        XCTAssertTrue(changed.contains("-        image: rancher/mirrored-library-traefik:2.11.10"), diff.stdout)
        XCTAssertTrue(changed.contains("+        image: rancher/mirrored-library-traefik:2.11.11"), diff.stdout)
        XCTAssertTrue(changed.contains("+    kubectl.kubernetes.io/last-applied-configuration: |"), diff.stdout)

        let applied = try rollout("apply", "-f", manifest.path, "--wait")
        XCTAssertEqual(applied.status, 0, applied.stderr)
        XCTAssertTrue(applied.stdout.hasPrefix("deployment.apps/traefik configured\n"), applied.stdout)
        XCTAssertEqual(try rollout("history", "deployment/traefik").stdout, "deployment.apps/traefik \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n")
        XCTAssertEqual(try rollout("undo", "deployment/traefik").status, 0)
        XCTAssertEqual(try rollout("status", "deployment/traefik").status, 0)
        XCTAssertEqual(try rollout("history", "deployment/traefik").stdout, "deployment.apps/traefik \nREVISION  CHANGE-CAUSE\n2         <none>\n3         <none>\n\n")
        let rs = try rollout("get", "rs", "-o", "name").stdout
        XCTAssertTrue(rs.contains("replicaset.apps/traefik-57b79cf995\n"), rs)
        XCTAssertEqual(try rollout("get", "rs", "traefik-57b79cf995", "-o", "jsonpath={.metadata.annotations.deployment\\.kubernetes\\.io/revision}").stdout, "3")
        // The LoadBalancer keeps the address it was imported with; the Job pods are untouched.
        XCTAssertEqual(try rollout("get", "svc", "traefik", "-o", "jsonpath={.status.loadBalancer.ingress[0].ip}").stdout, "172.17.0.2")
        let pod = try rollout("get", "pod", "helm-install-traefik-5wnn9", "-o", "json").stdout
        let original = try XCTUnwrap(files.first { $0.lastPathComponent.contains("pods__kube-system") })
        let dumped = try documents([original]).first { Resource($0.value.objectValue ?? Object()).name == "helm-install-traefik-5wnn9" }
        XCTAssertEqual(try JSONReader.parse(Array(pod.utf8))["status"]?.sortingKeys(), dumped?.value["status"]?.sortingKeys())
    }

    /// `apply -f` of a dump: a warning pointing at `cluster import`; on a cluster where the
    /// objects do not exist, the API server refuses a create that carries a resourceVersion
    /// (etcd3 `store.Create`: ErrResourceVersionSetOnCreate); on the cluster it came from it
    /// applies, status ignored and allocated fields kept.
    func testApplyingADumpWarnsAndKeepsTheServersRules() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: RolloutRun.binary.path), "rollout binary not built")
        let (root, _) = try dumps()
        let dump = root.appendingPathComponent("kubescape__regolibrary/rules__unauthenticated-service__test__pass__input__service.yaml").path
        let fresh = try temporaryDirectory(self).appendingPathComponent("fresh").path
        let ns = try temporaryDirectory(self).appendingPathComponent("ns.yaml")
        try "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: new-namespace\n".write(to: ns, atomically: true, encoding: .utf8)
        XCTAssertEqual(try RolloutRun.run(["apply", "-f", ns.path, "--state", fresh]).status, 0)
        let refused = try RolloutRun.run(["apply", "-f", dump, "--state", fresh])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("Warning: \(dump) looks like the output of 'kubectl get -o yaml' (service/operator has metadata.uid, metadata.resourceVersion, metadata.creationTimestamp, status)"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("run 'rollout cluster import -f \(dump)'"), refused.stderr)
        XCTAssertTrue(refused.stderr.hasSuffix("Error from server: error when creating \"\(dump)\": resourceVersion should not be set on objects to be created\n"), refused.stderr)
        XCTAssertEqual(try RolloutRun.run(["get", "svc", "-n", "new-namespace", "--state", fresh]).stderr, "No resources found in new-namespace namespace.\n")

        let imported = try temporaryDirectory(self).appendingPathComponent("imported").path
        let run = try RolloutRun.run(["cluster", "import", "-f", dump, "--state", imported])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.stdout.split(separator: "\n").first.map(String.init),
                       "Cluster imported into \(imported): 1 object (1 services); clock at 2024-07-15T11:38:56Z, the newest time in them.")
        let again = try RolloutRun.run(["apply", "-f", dump, "--state", imported])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(again.stdout, "service/operator configured\n")
        let stored = try RolloutRun.run(["get", "svc", "operator", "-n", "new-namespace", "-o", "jsonpath={.spec.clusterIP} {.spec.ports[0].nodePort}", "--state", imported]).stdout
        XCTAssertEqual(stored, "10.105.77.60 31624")
        // A resourceVersion that is no longer the live one: the update's precondition fails.
        let stale = try String(contentsOfFile: dump, encoding: .utf8).replacingOccurrences(of: "resourceVersion: \"", with: "resourceVersion: \"1")
        let conflict = try RolloutRun.run(["apply", "-f", "-", "--state", imported], stdin: stale)
        XCTAssertEqual(conflict.status, 1)
        XCTAssertTrue(conflict.stderr.hasSuffix("Error from server (Conflict): error when applying patch to service/operator from \"<stdin>\": Operation cannot be fulfilled on services \"operator\": the object has been modified; please apply your changes to the latest version and try again\n"), conflict.stderr)
    }

    /// Hardening: a time with a fraction of 20 digits (Go's time.Parse takes any length)
    /// once overflowed the time reader and stopped the process mid-import; it imports, read to
    /// the millisecond.
    func testATimeWithALongFractionImports() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: RolloutRun.binary.path), "rollout binary not built")
        let state = try temporaryDirectory(self, "long-fraction").appendingPathComponent("s").path
        let dump = """
        apiVersion: v1
        kind: Pod
        metadata: {name: p, namespace: default, uid: p1, resourceVersion: "7", creationTimestamp: "2025-01-01T00:00:00.99999999999999999999Z"}
        spec: {nodeName: node-1, containers: [{name: a, image: "a:1"}]}
        status: {phase: Pending}

        """
        let run = try RolloutRun.run(["cluster", "import", "-f", "-", "--state", state], stdin: dump)
        XCTAssertEqual(run.status, 0, run.stderr)
        // Kept as the API server gave it; the simulation reads it to the millisecond.
        let pod = try RolloutRun.run(["get", "pod", "p", "-o", "jsonpath={.metadata.creationTimestamp}", "--state", state])
        XCTAssertEqual(pod.status, 0, pod.stderr)
        XCTAssertEqual(pod.stdout, "2025-01-01T00:00:00.99999999999999999999Z")
        let describe = try RolloutRun.run(["describe", "pod", "p", "--state", state])
        XCTAssertEqual(describe.status, 0, describe.stderr)
        XCTAssertTrue(describe.stdout.hasPrefix("Name:         p\nNamespace:    default\nNode:         node-1/\n"), describe.stdout)
        // A command that runs the controllers reads it too.
        let apply = try RolloutRun.run(["apply", "-f", "-", "--wait", "--state", state],
                                       stdin: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {k: v}\n")
        XCTAssertEqual(apply.status, 0, apply.stderr)
    }

    /// A new Service never gets an address or node port an imported one holds: the API
    /// server's allocators are bitmaps of what is in use (`ipallocator`, `portallocator`).
    /// 10.43.0.11 and 32383 are the first address and port this cluster's counters hand out.
    func testNewServicesSkipTheImportedAddresses() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: RolloutRun.binary.path), "rollout binary not built")
        let state = try temporaryDirectory(self).appendingPathComponent("s").path
        let dump = """
        {"apiVersion": "v1", "kind": "ServiceList", "items": [
          {"metadata": {"name": "prod", "namespace": "default", "uid": "9b1c", "resourceVersion": "41", "creationTimestamp": "2025-06-01T10:00:00Z"},
           "spec": {"type": "NodePort", "clusterIP": "10.43.0.11", "clusterIPs": ["10.43.0.11"], "selector": {"app": "prod"},
                    "ports": [{"port": 80, "protocol": "TCP", "targetPort": 80, "nodePort": 32383}]},
           "status": {"loadBalancer": {}}}]}
        """
        XCTAssertEqual(try RolloutRun.run(["cluster", "import", "-f", "-", "--state", state], stdin: dump).status, 0)
        let service = "apiVersion: v1\nkind: Service\nmetadata:\n  name: new\nspec:\n  type: NodePort\n  selector: {app: new}\n  ports: [{port: 80}]\n"
        XCTAssertEqual(try RolloutRun.run(["apply", "-f", "-", "--state", state], stdin: service).stdout, "service/new created\n")
        let new = try RolloutRun.run(["get", "svc", "new", "-o", "jsonpath={.spec.clusterIP} {.spec.ports[0].nodePort}", "--state", state]).stdout
        XCTAssertEqual(new, "10.43.0.12 31998")
    }

    /// Kinds not simulated are kept and shown as they are (an imported StatefulSet is
    /// simulated, shown as imported until time runs): StatefulSets and DaemonSets with
    /// kubectl's columns (`pkg/printers/internalversion/printers.go` AddHandlers:
    /// statefulSetColumnDefinitions — Ready as readyReplicas/replicas — and
    /// daemonSetColumnDefinitions — Node Selector as labels.FormatLabels), anything else with
    /// NAME and AGE.
    func testUnsimulatedKindsAreKeptAndShown() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: RolloutRun.binary.path), "rollout binary not built")
        let state = try temporaryDirectory(self).appendingPathComponent("s").path
        let dump = """
        apiVersion: v1
        kind: List
        items:
        - apiVersion: apps/v1
          kind: StatefulSet
          metadata: {name: db, namespace: default, uid: a1, resourceVersion: "10", creationTimestamp: "2025-03-01T10:00:00Z", generation: 2}
          spec:
            replicas: 2
            serviceName: db
            selector: {matchLabels: {app: db}}
            template:
              metadata: {labels: {app: db}}
              spec: {containers: [{name: db, image: postgres:16}]}
          status: {replicas: 2, readyReplicas: 1, currentReplicas: 2, updatedReplicas: 2, availableReplicas: 1, observedGeneration: 2}
        - apiVersion: apps/v1
          kind: DaemonSet
          metadata: {name: agent, namespace: default, uid: d1, resourceVersion: "12", creationTimestamp: "2025-03-01T09:00:00Z", generation: 1}
          spec:
            selector: {matchLabels: {app: agent}}
            template:
              metadata: {labels: {app: agent}}
              spec: {nodeSelector: {kubernetes.io/os: linux}, containers: [{name: agent, image: agent:1}]}
          status: {desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3, numberAvailable: 2, numberMisscheduled: 0}
        - apiVersion: example.com/v1
          kind: Widget
          metadata: {name: w, namespace: default, uid: w1, resourceVersion: "11", creationTimestamp: "2025-02-28T10:00:00Z"}
          spec: {size: 3}

        """
        let run = try RolloutRun.run(["cluster", "import", "-f", "-", "--state", state], stdin: dump)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("  note: kept as they are, not simulated: 1 widgets.example.com\n"), run.stdout)
        XCTAssertEqual(try RolloutRun.run(["get", "sts,ds,widgets", "-o", "wide", "--state", state]).stdout, """
        NAME                  READY   AGE   CONTAINERS   IMAGES
        statefulset.apps/db   1/2     0s    db           postgres:16

        NAME                   DESIRED   CURRENT   READY   UP-TO-DATE   AVAILABLE   NODE SELECTOR            AGE   CONTAINERS   IMAGES    SELECTOR
        daemonset.apps/agent   3         3         2       3            2           kubernetes.io/os=linux   60m   agent        agent:1   app=agent

        NAME                   AGE
        widget.example.com/w   24h

        """)
        XCTAssertTrue(try RolloutRun.run(["get", "widget", "w", "-o", "yaml", "--state", state]).stdout.contains("spec:\n  size: 3\n"))
    }

    /// What the report says about a dump of pods alone (nri-kubernetes' minikube capture): the
    /// node they are bound to is added, the namespaces too, and the pods no simulated controller
    /// owns are named. A finished pod is deleted at once, as `CheckGracefulDelete`
    /// (`pkg/registry/core/pod/strategy.go`) gives a Succeeded or Failed pod grace 0; a running
    /// one is Terminating for its grace period. A stray argument is a usage error.
    func testTheReportAndFinishedPods() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: RolloutRun.binary.path), "rollout binary not built")
        let (root, _) = try dumps()
        let dump = root.appendingPathComponent("newrelic__nri-kubernetes/internal__testutil__data__1_34__pods.yaml").path
        let state = try temporaryDirectory(self).appendingPathComponent("s").path
        let run = try RolloutRun.run(["cluster", "import", "-f", dump, "--state", state])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.stdout, """
        Cluster imported into \(state): 25 objects (25 pods); clock at 2026-01-13T18:40:12Z, the newest time in them.
          note: namespaces added, as every cluster has them or objects live in them: default, kube-node-lease, kube-public, kube-system, scraper
          note: 1 node added for the pods bound to it (datagen-1-34): not in the input, so with the default shape (4 CPUs, 8Gi, 110 pods); include nodes in the dump for their real capacity
          note: 5 finished pods (Succeeded or Failed) kept as they are: the kubelet does not run them again
          note: 2 pods of StatefulSets not in the input run as imported; nothing replaces them when they go (include the StatefulSets to have their controller run them)
          note: 3 pods of DaemonSets not in the input run as imported; nothing replaces them when they go (include the DaemonSets to have their controller run them)
          note: 1 pod of Jobs runs as imported; the Job controller is not simulated, so nothing replaces it when it goes
          note: 4 static (mirror) pods run as imported; the kubelet's manifests are not simulated, so nothing replaces them when they go
          note: ConfigMap kube-root-ca.crt added to 5 namespaces without it, as the root CA publisher keeps one in each

        """)
        XCTAssertEqual(try RolloutRun.run(["cluster", "info", "--state", state]).stdout.split(separator: "\n").dropFirst(2).first, "Profile: imported")
        XCTAssertEqual(try RolloutRun.run(["delete", "pod", "e2e-failjob-nkct8", "-n", "scraper", "--state", state]).status, 0)
        XCTAssertEqual(try RolloutRun.run(["get", "pod", "e2e-failjob-nkct8", "-n", "scraper", "--state", state]).stderr,
                       "Error from server (NotFound): pods \"e2e-failjob-nkct8\" not found\n")
        XCTAssertEqual(try RolloutRun.run(["delete", "pod", "e2e-statefulset-0", "-n", "scraper", "--wait=false", "--state", state]).status, 0)
        XCTAssertTrue(try RolloutRun.run(["get", "pod", "e2e-statefulset-0", "-n", "scraper", "--state", state]).stdout.contains(" Terminating "))
        let usage = try RolloutRun.run(["cluster", "import", "prod.yaml", "--state", state])
        XCTAssertEqual(usage.status, 2)
        XCTAssertEqual(usage.stderr, "error: unexpected argument \"prod.yaml\"; give the objects with -f\n")
    }

    /// Bad input changes nothing: exit 2 with the file, the object and the field.
    func testInvalidInputChangesNothing() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: RolloutRun.binary.path), "rollout binary not built")
        let state = try temporaryDirectory(self).appendingPathComponent("s").path
        XCTAssertEqual(try RolloutRun.run(["cluster", "init", "--state", state]).status, 0)
        let before = try RolloutRun.run(["get", "all", "-A", "--state", state]).stdout
        let dump = """
        apiVersion: v1
        kind: List
        items:
        - apiVersion: apps/v1
          kind: Deployment
          metadata: {name: web, namespace: default, uid: u1, resourceVersion: "5"}
          spec:
            replicas: -1
            selector: {matchLabels: {app: web}}
            template:
              metadata: {labels: {app: web}}
              spec: {containers: [{name: web, image: nginx}]}
        - apiVersion: v1
          kind: Service
          metadata: {name: web, namespace: default}
          spec: {ports: [{port: 80}]}
        - apiVersion: v1
          kind: Service
          metadata: {name: web, namespace: default}
          spec: {ports: [{port: 81}]}

        """
        let run = try RolloutRun.run(["cluster", "import", "-f", "-", "--state", state], stdin: dump)
        XCTAssertEqual(run.status, 2)
        XCTAssertEqual(run.stdout, "")
        XCTAssertTrue(run.stderr.contains("error: <stdin>: deployment.apps/web: spec.replicas: Invalid value: -1: must be greater than or equal to 0 (line 8, column 15)"), run.stderr)
        XCTAssertTrue(run.stderr.contains("error: <stdin>: service/web: appears twice (first in <stdin>)"), run.stderr)
        XCTAssertEqual(try RolloutRun.run(["get", "all", "-A", "--state", state]).stdout, before)
    }
}

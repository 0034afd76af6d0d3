import Foundation
import XCTest
@testable import RolloutCore

/// The ServiceAccount admission plugin's lookup (`plugin/pkg/admission/serviceaccount/admission.go`
/// Admit and getServiceAccount: `error looking up service account %s/%s: %w`, the lister's
/// NotFound for `serviceaccount`), the v1 conversion of the deprecated `serviceAccount` field
/// (`Convert_v1_PodSpec_To_core_PodSpec`), and the controllers' retries of a refused pod.
final class ServiceAccountAdmissionTests: XCTestCase {
    private func account(_ name: String, _ namespace: String = "default") -> Resource {
        Resource(Object(["apiVersion": .string("v1"), "kind": .string("ServiceAccount"),
                         "metadata": .object(Object(["name": .string(name), "namespace": .string(namespace)]))]))
    }

    func testLookupTable() {
        let accounts = ServiceAccounts(stored: [account("runner"), account("other", "team")])
        func spec(_ fields: [String: String]) -> Object {
            var spec = Object(fields.map { Object.Member(key: $0.key, value: .string($0.value)) }.sorted { $0.key < $1.key })
            Defaults.podAdmission(&spec)
            return spec
        }
        let cases: [(String, [String: String], String, String?)] = [
            ("unset: default, which the controller makes in every namespace", [:], "default", nil),
            ("default named", ["serviceAccountName": "default"], "team", nil),
            ("stored", ["serviceAccountName": "runner"], "default", nil),
            ("stored in another namespace", ["serviceAccountName": "other"], "default",
             "error looking up service account default/other: serviceaccount \"other\" not found"),
            ("missing", ["serviceAccountName": "app"], "default", "error looking up service account default/app: serviceaccount \"app\" not found"),
            // The deprecated field names the account when serviceAccountName does not.
            ("deprecated field", ["serviceAccount": "app"], "default", "error looking up service account default/app: serviceaccount \"app\" not found"),
            ("both: serviceAccountName wins", ["serviceAccount": "app", "serviceAccountName": "runner"], "default", nil),
        ]
        for (name, fields, namespace, refusal) in cases {
            var admitted = spec(fields)
            XCTAssertEqual(accounts.admit(&admitted, namespace: namespace), refusal, name)
            // A refused pod is left as it was.
            if refusal != nil { XCTAssertEqual(admitted, spec(fields), name) }
        }
        // A cluster holding no account at all (an import that left them out) is not checked.
        var unchecked = spec(["serviceAccountName": "app"])
        XCTAssertNil(ServiceAccounts(stored: []).admit(&unchecked, namespace: "default"))
    }

    /// End to end: a Deployment naming an account nobody made creates no pod — FailedCreate
    /// with the generateName (a mutating plugin: the name is not generated yet), recorded at
    /// each of the ReplicaSet controller's rate-limited retries, counted by the recorder — lint
    /// against the cluster says so, a bare pod is refused by `apply`, and once the account is
    /// applied the pods come.
    func testAMissingServiceAccountStopsTheRollout() throws {
        let scratch = try Scratch(self)
        XCTAssertEqual(try scratch.run("cluster", "init", "--nodes", "2").status, 0)
        let app = try scratch.write(deploymentYAML("app", replicas: 2, spec: "serviceAccountName: app-runner\ncontainers: [{name: app, image: nginx:1.25}]"), "app.yaml")
        let lint = try scratch.run("lint", "-f", app)
        XCTAssertTrue(lint.stdout.contains("warning[missing-reference] deployment.apps/app: spec.template.spec.serviceAccountName: its pods need ServiceAccount \"app-runner\""), lint.stdout)
        let stalled = try scratch.run("apply", "-f", app, "--wait", "--timeout", "60s")
        XCTAssertEqual(stalled.status, 1)
        let hash = try XCTUnwrap(try scratch.run("get", "rs", "-o", "jsonpath={.items[0].metadata.name}").stdout.split(separator: "-").last)
        let events = try scratch.run("get", "events", "-o", "jsonpath={range .items[?(@.reason==\"FailedCreate\")]}{.count} {.message}{\"\\n\"}{end}").stdout
        let message = "Error creating: pods \"app-\(hash)-\" is forbidden: error looking up service account default/app-runner: serviceaccount \"app-runner\" not found"
        let line = try XCTUnwrap(events.split(separator: "\n").first { $0.hasSuffix(message) }, events)
        // Retried at 5 ms doubling (the first failure and the one its status update queues at
        // once, then 5, 25, 65 ms … 40.945 s after): 14 syncs in the first minute.
        XCTAssertEqual(line.split(separator: " ").first, "14")
        XCTAssertEqual(try scratch.run("get", "pods", "-l", "app=app", "-o", "name").stdout, "")
        let pod = try scratch.write("apiVersion: v1\nkind: Pod\nmetadata: {name: bare}\nspec:\n  serviceAccount: app-runner\n  containers: [{name: app, image: nginx}]\n", "pod.yaml")
        let refused = try scratch.run("apply", "-f", pod)
        XCTAssertEqual(refused.status, 2)
        XCTAssertTrue(refused.stderr.contains("pods \"bare\" is forbidden: error looking up service account default/app-runner: serviceaccount \"app-runner\" not found"), refused.stderr)
        XCTAssertEqual(try scratch.run("apply", "-f", try scratch.write("apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: app-runner}\n", "sa.yaml")).status, 0)
        XCTAssertEqual(try scratch.run("status", "deployment/app").status, 0)
        XCTAssertEqual(try scratch.run("get", "pods", "-l", "app=app", "-o", "jsonpath={range .items[*]}{.spec.serviceAccountName}{\"\\n\"}{end}").stdout, "app-runner\napp-runner\n")
        XCTAssertFalse(try scratch.run("lint", "-f", app).stdout.contains("missing-reference"))
    }

    private func container(_ name: String, mounts: [(String, String)] = []) -> Value {
        var c = Object(["name": .string(name), "image": .string("nginx")])
        if !mounts.isEmpty {
            c["volumeMounts"] = .array(mounts.map { .object(Object(["mountPath": .string($0.1), "name": .string($0.0)])) })
        }
        return .object(c)
    }

    private func mounts(_ spec: Object, _ field: String) -> [[String]] {
        (spec[field]?.arrayValue ?? []).map { c in
            (c["volumeMounts"]?.arrayValue ?? []).map { "\($0["name"]?.stringValue ?? "") \($0["mountPath"]?.stringValue ?? "")\($0["readOnly"]?.boolValue == true ? " ro" : "")" }
        }
    }

    /// mountServiceAccountToken and shouldAutomount (admission.go): the projected volume
    /// appended last (TokenVolumeSource), a read-only mount appended to every init and regular
    /// container that has nothing at the token's path, a `kube-api-access-` volume already there
    /// mounted instead of a new one; the pod's automountServiceAccountToken wins over its
    /// account's, which wins over the default (true); the account's imagePullSecrets go to a pod
    /// that names none.
    func testTokenVolumeTable() throws {
        var noMount = account("quiet")
        noMount.object["automountServiceAccountToken"] = .bool(false)
        var puller = account("puller")
        puller.object["imagePullSecrets"] = .array([.object(Object(["name": .string("registry")]))])
        let accounts = ServiceAccounts(stored: [account("default"), noMount, puller])
        let path = ServiceAccounts.tokenMountPath, token = "kube-api-access-abcde"
        struct Case {
            var name: String
            var spec: [String: Value]
            var volumes: [String]
            var initMounts: [[String]]
            var mounts: [[String]]
            var pullSecrets: [String] = []
        }
        let cases: [Case] = [
            Case(name: "every container mounts the token, the volume is appended last",
                 spec: ["containers": .array([container("a", mounts: [("data", "/data")]), container("b")]),
                        "volumes": .array([.object(Object(["name": .string("data"), "emptyDir": .object(Object())]))])],
                 volumes: ["data", token], initMounts: [], mounts: [["data /data", "\(token) \(path) ro"], ["\(token) \(path) ro"]]),
            Case(name: "init containers too, before the others",
                 spec: ["initContainers": .array([container("setup")]), "containers": .array([container("a")])],
                 volumes: [token], initMounts: [["\(token) \(path) ro"]], mounts: [["\(token) \(path) ro"]]),
            Case(name: "a container with something at the path is left alone",
                 spec: ["containers": .array([container("a", mounts: [("own", path)]), container("b")]),
                        "volumes": .array([.object(Object(["name": .string("own"), "emptyDir": .object(Object())]))])],
                 volumes: ["own", token], initMounts: [], mounts: [["own \(path)"], ["\(token) \(path) ro"]]),
            Case(name: "no container needs it: no volume",
                 spec: ["containers": .array([container("a", mounts: [("own", path)])]),
                        "volumes": .array([.object(Object(["name": .string("own"), "emptyDir": .object(Object())]))])],
                 volumes: ["own"], initMounts: [], mounts: [["own \(path)"]]),
            Case(name: "a kube-api-access- volume already there is the one mounted",
                 spec: ["containers": .array([container("a")]),
                        "volumes": .array([.object(Object(["name": .string("kube-api-access-zzzzz"), "emptyDir": .object(Object())]))])],
                 volumes: ["kube-api-access-zzzzz"], initMounts: [], mounts: [["kube-api-access-zzzzz \(path) ro"]]),
            Case(name: "the account says no", spec: ["serviceAccountName": .string("quiet"), "containers": .array([container("a")])],
                 volumes: [], initMounts: [], mounts: [[]]),
            Case(name: "the pod says yes over its account",
                 spec: ["serviceAccountName": .string("quiet"), "automountServiceAccountToken": .bool(true), "containers": .array([container("a")])],
                 volumes: [token], initMounts: [], mounts: [["\(token) \(path) ro"]]),
            Case(name: "the pod says no", spec: ["automountServiceAccountToken": .bool(false), "containers": .array([container("a")])],
                 volumes: [], initMounts: [], mounts: [[]]),
            Case(name: "the account's pull secrets", spec: ["serviceAccountName": .string("puller"), "containers": .array([container("a")])],
                 volumes: [token], initMounts: [], mounts: [["\(token) \(path) ro"]], pullSecrets: ["registry"]),
            Case(name: "the pod's own pull secrets are kept",
                 spec: ["serviceAccountName": .string("puller"), "containers": .array([container("a")]),
                        "imagePullSecrets": .array([.object(Object(["name": .string("mine")]))])],
                 volumes: [token], initMounts: [], mounts: [["\(token) \(path) ro"]], pullSecrets: ["mine"]),
        ]
        for c in cases {
            var spec = Object(c.spec.sorted { $0.key < $1.key }.map { Object.Member(key: $0.key, value: $0.value) })
            Defaults.podAdmission(&spec)
            XCTAssertNil(accounts.admit(&spec, namespace: "default", tokenVolume: token), c.name)
            XCTAssertEqual((spec["volumes"]?.arrayValue ?? []).map { $0["name"]?.stringValue ?? "" }, c.volumes, c.name)
            XCTAssertEqual(mounts(spec, "initContainers"), c.initMounts, c.name)
            XCTAssertEqual(mounts(spec, "containers"), c.mounts, c.name)
            XCTAssertEqual((spec["imagePullSecrets"]?.arrayValue ?? []).map { $0["name"]?.stringValue ?? "" }, c.pullSecrets, c.name)
        }
        // TokenVolumeSource, as a 1.32 API server returns it (a real pod's, from the corpus'
        // cluster dumps: newrelic__nri-kubernetes, coredns).
        let volume = ServiceAccounts.tokenVolume(named: "kube-api-access-kgwcw")
        XCTAssertEqual(YAMLWriter.string(volume), """
            name: kube-api-access-kgwcw
            projected:
              defaultMode: 420
              sources:
              - serviceAccountToken:
                  expirationSeconds: 3607
                  path: token
              - configMap:
                  items:
                  - key: ca.crt
                    path: ca.crt
                  name: kube-root-ca.crt
              - downwardAPI:
                  items:
                  - fieldRef:
                      apiVersion: v1
                      fieldPath: metadata.namespace
                    path: namespace

            """)
        // Five characters of Kubernetes' name alphabet, the same for the same pod.
        let name = ServiceAccounts.tokenVolumeName(seed: "0b1c")
        XCTAssertEqual(name, ServiceAccounts.tokenVolumeName(seed: "0b1c"))
        XCTAssertNotEqual(name, ServiceAccounts.tokenVolumeName(seed: "0b1d"))
        XCTAssertTrue(name.hasPrefix("kube-api-access-") && name.count == 21 && name.dropFirst(16).allSatisfy { "bcdfghjklmnpqrstvwxz2456789".contains($0) }, name)
    }

    /// A state written before pods mounted their token keeps its pods compact: a stored pod
    /// template that is the shared one but for the token volume (`withoutTokenVolume`, the
    /// exact inverse of the plugin's mount) matches it, and its pods load from the shared one
    /// (with the token). Any other difference does not match.
    func testTemplatesWrittenBeforeTheTokenStillMatch() throws {
        let specs: [Object] = [
            Object(["containers": .array([container("a")])]),
            Object(["initContainers": .array([container("setup")]), "containers": .array([container("a", mounts: [("d", "/d")]), container("b")]),
                    "volumes": .array([.object(Object(["name": .string("d"), "emptyDir": .object(Object())]))])]),
        ]
        let accounts = ServiceAccounts(stored: [account("default")])
        for before in specs {
            var spec = before
            Defaults.podAdmission(&spec)
            let admittedBefore = spec
            XCTAssertNil(accounts.admit(&spec, namespace: "default"))
            XCTAssertNotEqual(spec, admittedBefore)
            let shared = Object(["spec": .object(spec)]), old = Object(["spec": .object(admittedBefore)])
            XCTAssertEqual(ServiceAccounts.withoutTokenVolume(shared), old)
            let source = Object(["spec": .object(before)])
            let template = Cluster.PodTemplate(source: source, template: shared, labels: [:])
            XCTAssertTrue(try PodTemplateBlob(source: source, template: old).matches(template, replicaSet: "rs-1"))
            XCTAssertTrue(try PodTemplateBlob(source: source, template: shared).matches(template, replicaSet: "rs-1"))
            var other = admittedBefore
            other["hostname"] = .string("x")
            XCTAssertFalse(try PodTemplateBlob(source: source, template: Object(["spec": .object(other)])).matches(template, replicaSet: "rs-1"))
        }
        XCTAssertNil(ServiceAccounts.withoutTokenVolume(Object(["spec": .object(Object(["containers": .array([container("a")])]))])))
    }

    /// End to end: each pod of a Deployment mounts a token volume of its own name, as
    /// `kubectl describe pod` prints it (describe.go: `<path> from <volume> (ro)`,
    /// printProjectedVolumeSource); a bare pod's is there as `apply` stores it; an account with
    /// automountServiceAccountToken false gives its pods none; its imagePullSecrets reach the
    /// kubelet, which says when one is missing.
    func testPodsMountTheirAccountsToken() throws {
        let scratch = try Scratch(self)
        XCTAssertEqual(try scratch.run("cluster", "init", "--nodes", "2").status, 0)
        let app = try scratch.write(deploymentYAML("app", replicas: 2, spec: "containers: [{name: app, image: nginx:1.25}]"), "app.yaml")
        XCTAssertEqual(try scratch.run("apply", "-f", app, "--wait").status, 0)
        let listed = try scratch.run("get", "pods", "-l", "app=app", "-o",
                                     "jsonpath={range .items[*]}{.spec.volumes[0].name} {.spec.containers[0].volumeMounts[0].name} {.spec.containers[0].volumeMounts[0].mountPath} {.spec.containers[0].volumeMounts[0].readOnly}{\"\\n\"}{end}").stdout
        let rows = listed.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        XCTAssertEqual(rows.count, 2, listed)
        for row in rows {
            XCTAssertEqual(row.count, 4, listed)
            XCTAssertTrue(row[0].hasPrefix("kube-api-access-") && row[0].count == 21, listed)
            XCTAssertEqual(Array(row.dropFirst()), [row[0], "/var/run/secrets/kubernetes.io/serviceaccount", "true"], listed)
        }
        XCTAssertNotEqual(rows[0][0], rows[1][0], "each pod names its own")
        let pod = try XCTUnwrap(try scratch.run("get", "pods", "-l", "app=app", "-o", "name").stdout.split(separator: "\n").first)
        let described = try scratch.run("describe", String(pod)).stdout
        let volume = try XCTUnwrap(rows.first { described.contains($0[0]) }?[0])
        XCTAssertTrue(described.contains("    Mounts:\n      /var/run/secrets/kubernetes.io/serviceaccount from \(volume) (ro)\n"), described)
        XCTAssertTrue(described.contains("""
            Volumes:
              \(volume):
                Type:                    Projected (a volume that contains injected data from multiple sources)
                TokenExpirationSeconds:  3607
                ConfigMapName:           kube-root-ca.crt
                ConfigMapOptional:       <nil>
                DownwardAPI:             true
            """), described)
        // The kubelet lists each container's mounts in its status (convertToAPIContainerStatuses,
        // RecursiveReadOnlyMounts): a read-only one with its resolved recursive mode.
        let rro = try scratch.write("""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: rro}
            spec:
              replicas: 1
              selector: {matchLabels: {app: rro}}
              template:
                metadata: {labels: {app: rro}}
                spec:
                  initContainers:
                  - {name: setup, image: busybox:1.36, volumeMounts: [{name: data, mountPath: /data}]}
                  containers:
                  - name: app
                    image: nginx:1.27
                    volumeMounts:
                    - {name: data, mountPath: /data, readOnly: true, recursiveReadOnly: IfPossible}
                    - {name: data, mountPath: /plain, readOnly: true}
                  volumes:
                  - {name: data, emptyDir: {}}
            """, "rro.yaml")
        XCTAssertEqual(try scratch.run("apply", "-f", rro, "--wait").status, 0)
        let rroVolume = try scratch.run("get", "pods", "-l", "app=rro", "-o", "jsonpath={.items[0].spec.volumes[1].name}").stdout
        let statuses = try scratch.run("get", "pods", "-l", "app=rro", "-o",
                                       "jsonpath={range .items[0].status.initContainerStatuses[*]}{.name}: {.volumeMounts}{\"\\n\"}{end}{range .items[0].status.containerStatuses[*]}{.name}: {.volumeMounts}{\"\\n\"}{end}").stdout
        let token = "{\"mountPath\":\"/var/run/secrets/kubernetes.io/serviceaccount\",\"name\":\"\(rroVolume)\",\"readOnly\":true,\"recursiveReadOnly\":\"Disabled\"}"
        XCTAssertEqual(statuses, """
            setup: [{"mountPath":"/data","name":"data"},\(token)]
            app: [{"mountPath":"/data","name":"data","readOnly":true,"recursiveReadOnly":"Enabled"},{"mountPath":"/plain","name":"data","readOnly":true,"recursiveReadOnly":"Disabled"},\(token)]

            """)

        // The ReplicaSet's template is not a pod's: no token there.
        XCTAssertEqual(try scratch.run("get", "rs", "-o", "jsonpath={.items[0].spec.template.spec.volumes}").stdout, "")

        // A bare pod, and an account that mounts nothing but gives a pull secret nobody made.
        let quiet = try scratch.write("""
            apiVersion: v1
            kind: ServiceAccount
            metadata: {name: quiet}
            automountServiceAccountToken: false
            imagePullSecrets: [{name: registry}]
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: solo}
            spec:
              containers: [{name: app, image: nginx:1.25}]
            ---
            \(deploymentYAML("quiet", replicas: 1, spec: "serviceAccountName: quiet\ncontainers: [{name: app, image: nginx:1.25}]"))
            """, "pods.yaml")
        let applied = try scratch.run("apply", "-f", quiet, "--wait", "--timeout", "60s")
        XCTAssertEqual(applied.status, 0, applied.stdout + applied.stderr)
        let solo = try scratch.run("get", "pod", "solo", "-o", "jsonpath={.spec.volumes[*].name} {.spec.containers[0].volumeMounts[*].name}").stdout
        let soloVolume = ServiceAccounts.tokenVolumeName(seed: "default/solo")
        XCTAssertEqual(solo, "\(soloVolume) \(soloVolume)")
        let silent = try scratch.run("get", "pods", "-l", "app=quiet", "-o", "jsonpath={.items[*].spec.volumes}|{.items[*].spec.imagePullSecrets[*].name}").stdout
        XCTAssertEqual(silent, "|registry")
        // getPullSecretsForPod: the account's secret is missing — the kubelet says so, and pulls.
        let events = try scratch.run("events").stdout.split(separator: "\n").filter { $0.contains("FailedToRetrieveImagePullSecret") }
        XCTAssertEqual(events.count, 1, "\(events)")
        XCTAssertTrue(events.first?.hasSuffix("Unable to retrieve some image pull secrets (registry); attempting to pull the image may not succeed.") ?? false, "\(events)")
        // Applied again, the bare pod is unchanged (its volume is the server's: kept by the merge).
        let again = try scratch.run("apply", "-f", quiet)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stdout.contains("pod/solo unchanged"), again.stdout)
    }
}

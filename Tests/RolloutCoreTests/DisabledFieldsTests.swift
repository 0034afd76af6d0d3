@testable import RolloutCore
import XCTest

/// The API server drops the fields of features that are off (`pkg/api/pod/util.go`
/// `dropDisabledFields`, from each strategy's PrepareForCreate/PrepareForUpdate through
/// `DropDisabledPodFields` / `DropDisabledTemplateFields`), unless the object being replaced
/// already uses them (`hostUsersInUse`, `supplementalGroupsPolicyInUse`,
/// `podLevelResourcesInUse`, `dynamicResourceAllocationInUse`,
/// `clusterTrustBundleProjectionInUse`, `inPlacePodVerticalScalingInUse`, `imageVolumesInUse`,
/// `seLinuxChangePolicyInUse`, `procMountInUse`). In 1.32 the gates behind them are off by
/// default (`pkg/features/kube_features.go`, each gate's versioned specs up to 1.32):
/// UserNamespacesSupport (beta, on only from 1.33), SupplementalGroupsPolicy (alpha),
/// SELinuxChangePolicy (alpha), PodLevelResources (alpha), DynamicResourceAllocation (beta,
/// off), InPlacePodVerticalScaling (alpha), ImageVolume (alpha), ClusterTrustBundleProjection
/// (alpha), ProcMountType (beta, off).
final class DisabledFieldsTests: XCTestCase {
    /// A Deployment whose pod spec has `specExtra` under its spec and `containerExtra` in its
    /// container.
    func deployment(_ specExtra: String, container containerExtra: String = "") -> String {
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
        \(specExtra.split(separator: "\n", omittingEmptySubsequences: false).map { "      " + $0 }.joined(separator: "\n"))
              containers:
              - name: app
                image: nginx
        \(containerExtra.split(separator: "\n", omittingEmptySubsequences: false).map { "        " + $0 }.joined(separator: "\n"))
        """
    }

    func resource(_ yaml: String) throws -> Resource {
        Resource(try XCTUnwrap(try ManifestDecoder.decode([ManifestSource(name: "d", bytes: Array(yaml.utf8))]).documents.first?.value.objectValue))
    }

    func stored(_ yaml: String, old: String? = nil) throws -> Resource {
        var r = try resource(yaml)
        let previous = try old.map { var o = try resource($0); Defaults.apply(to: &o); return o }
        Defaults.apply(to: &r, old: previous)
        return r
    }

    func spec(_ r: Resource) -> Object { r.value.at("spec", "template", "spec")?.objectValue ?? Object() }

    /// Each field alone: dropped on a create; kept on an update of an object that has it.
    func testEachFieldIsDroppedUnlessTheReplacedObjectUsesIt() throws {
        let cases: [(name: String, spec: String, container: String, gone: (Object) -> Bool)] = [
            ("hostUsers", "hostUsers: false", "", { $0["hostUsers"] == nil }),
            ("supplementalGroupsPolicy", "securityContext: {supplementalGroupsPolicy: Strict}", "", { $0["securityContext"]?["supplementalGroupsPolicy"] == nil }),
            ("seLinuxChangePolicy", "securityContext: {seLinuxChangePolicy: MountOption}", "", { $0["securityContext"]?["seLinuxChangePolicy"] == nil }),
            ("pod-level resources", "resources: {limits: {cpu: '1'}}", "", { $0["resources"] == nil }),
            ("resourceClaims", "resourceClaims: [{name: gpu, resourceClaimTemplateName: gpu}]", "resources: {claims: [{name: gpu}]}",
             { $0["resourceClaims"] == nil && $0["containers"]?.arrayValue?.first?["resources"]?["claims"] == nil }),
            ("resizePolicy", "", "resizePolicy: [{resourceName: cpu, restartPolicy: NotRequired}]",
             { $0["containers"]?.arrayValue?.first?["resizePolicy"] == nil }),
            ("clusterTrustBundle", "volumes: [{name: ca, projected: {sources: [{clusterTrustBundle: {name: ca, path: ca.pem}}, {configMap: {name: x}}]}}]", "",
             { ($0["volumes"]?.arrayValue?.first?["projected"]?["sources"]?.arrayValue ?? []).allSatisfy { $0["clusterTrustBundle"] == nil } }),
            ("image volume", "volumes: [{name: data, image: {reference: 'quay.io/x:1'}}]", "volumeMounts: [{name: data, mountPath: /data}]",
             { $0["volumes"] == nil && $0["containers"]?.arrayValue?.first?["volumeMounts"] == nil }),
            // (Forced to Default, not removed: dropDisabledProcMountField.)
            ("procMount", "", "securityContext: {procMount: Unmasked}",
             { $0["containers"]?.arrayValue?.first?["securityContext"]?["procMount"] == .string("Default") }),
        ]
        for c in cases {
            let yaml = deployment(c.spec, container: c.container)
            let created = try stored(yaml)
            XCTAssertTrue(c.gone(spec(created)), "\(c.name) kept on a create: \(spec(created))")
            // The replaced object has it (stored while the feature was on): it stays.
            var withIt = try resource(yaml)
            Defaults.apply(to: &withIt, old: withIt)
            var updated = try resource(yaml)
            Defaults.apply(to: &updated, old: withIt)
            XCTAssertFalse(c.gone(spec(updated)), "\(c.name) dropped although the stored object uses it")
            XCTAssertEqual(updated, withIt, c.name)
            // Replacing an object without it: dropped again.
            XCTAssertTrue(c.gone(spec(try stored(yaml, old: deployment("")))), "\(c.name) kept over an object without it")
        }
    }

    /// What is left around a dropped field is as the server leaves it: the pod's
    /// `securityContext` (a pointer it keeps) and a container's `resources` (a struct) stay,
    /// the other volumes and mounts stay in order, and what no field of these touches is
    /// untouched.
    func testWhatIsAroundADroppedFieldStays() throws {
        let created = try stored(deployment("""
            securityContext: {supplementalGroupsPolicy: Strict, runAsNonRoot: true}
            volumes:
            - {name: cache, emptyDir: {}}
            - {name: data, image: {reference: 'quay.io/x:1'}}
            - {name: conf, configMap: {name: conf}}
            """, container: """
            resources: {requests: {cpu: 100m}, claims: [{name: gpu}]}
            volumeMounts: [{name: cache, mountPath: /cache}, {name: data, mountPath: /data}, {name: conf, mountPath: /conf}]
            """))
        let s = spec(created)
        XCTAssertEqual(s["securityContext"], .object(Object(["runAsNonRoot": .bool(true)])))
        XCTAssertEqual(s["volumes"]?.arrayValue?.compactMap { $0["name"]?.stringValue }, ["cache", "conf"])
        let container = s["containers"]?.arrayValue?.first
        XCTAssertEqual(container?["volumeMounts"]?.arrayValue?.compactMap { $0["name"]?.stringValue }, ["cache", "conf"])
        XCTAssertEqual(container?["resources"], .object(Object(["requests": .object(Object(["cpu": .string("100m")]))])))
        // Only the security context's own field goes: with nothing else in it, `{}` is left.
        XCTAssertEqual(spec(try stored(deployment("securityContext: {seLinuxChangePolicy: Recursive}")))["securityContext"], .object(Object()))
        // A procMount of Default stays as it is; one given where the stored object already
        // unmasks stays too.
        XCTAssertEqual(spec(try stored(deployment("", container: "securityContext: {procMount: Default}")))["containers"]?.arrayValue?.first?["securityContext"]?["procMount"], .string("Default"))
        // A manifest without any of them is stored as before.
        var plain = try resource(deployment(""))
        Defaults.apply(to: &plain)
        XCTAssertEqual(try stored(deployment("")), plain)
    }

    /// Every kind that holds a pod spec: a Pod's own, a template's, a CronJob's job template's.
    func testEveryKindWithAPodSpecDropsThem() throws {
        let pod = try stored("""
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          hostUsers: false
          containers: [{name: app, image: nginx, resizePolicy: [{resourceName: cpu, restartPolicy: NotRequired}]}]
        """)
        XCTAssertNil(pod.value.at("spec", "hostUsers"))
        XCTAssertNil(pod.value.at("spec", "containers")?.arrayValue?.first?["resizePolicy"])
        let cron = try stored("""
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: c}
        spec:
          schedule: '* * * * *'
          jobTemplate:
            spec:
              template:
                spec:
                  restartPolicy: Never
                  hostUsers: false
                  containers: [{name: app, image: busybox}]
        """)
        XCTAssertNil(cron.value.at("spec", "jobTemplate", "spec", "template", "spec", "hostUsers"))
        XCTAssertNotNil(cron.value.at("spec", "jobTemplate", "spec", "template", "spec", "containers"))
        for (kind, apiVersion) in [("StatefulSet", "apps/v1"), ("DaemonSet", "apps/v1"), ("ReplicaSet", "apps/v1"), ("Job", "batch/v1")] {
            let r = try stored("""
            apiVersion: \(apiVersion)
            kind: \(kind)
            metadata: {name: x}
            spec:
              selector: {matchLabels: {app: x}}
              template:
                metadata: {labels: {app: x}}
                spec:
                  restartPolicy: \(kind == "Job" ? "Never" : "Always")
                  hostUsers: false
                  containers: [{name: app, image: nginx}]
            """)
            XCTAssertNil(r.value.at("spec", "template", "spec", "hostUsers"), kind)
            XCTAssertNotNil(r.value.at("spec", "template", "spec", "containers"), kind)
        }
    }

    /// A cluster that runs with a gate on stores the field: imported, it is in use and kept
    /// (its ReplicaSets' pod-template-hashes were made with it), and the manifest that has it
    /// applies over it without dropping it.
    func testAnImportedObjectKeepsTheFieldsItsClusterStored() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: RolloutRun.binary.path), "rollout binary not built")
        let dir = try temporaryDirectory(self)
        let state = dir.appendingPathComponent("state").path
        let dump = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: default, uid: d1, resourceVersion: "12", generation: 1, creationTimestamp: "2025-06-01T10:00:00Z"}
        spec:
          replicas: 0
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              hostUsers: false
              containers: [{name: app, image: nginx}]

        """
        let run = try RolloutRun.run(["cluster", "import", "-f", "-", "--state", state], stdin: dump)
        XCTAssertEqual(run.status, 0, run.stderr)
        let kept = try RolloutRun.run(["get", "deploy", "web", "-o", "jsonpath={.spec.template.spec.hostUsers}", "--state", state])
        XCTAssertEqual(kept.stdout, "false", kept.stderr)
        var manifest = try resource(dump)
        manifest.metadata = Object(["name": .string("web")])
        let yaml = try XCTUnwrap(try? JSONWriter.string(manifest.value, keys: .sorted))
        let apply = try RolloutRun.run(["apply", "-f", "-", "--state", state], stdin: yaml)
        XCTAssertEqual(apply.status, 0, apply.stderr)
        // (The last-applied annotation is new: a Deployment's generation counts annotations.)
        XCTAssertEqual(try RolloutRun.run(["get", "deploy", "web", "-o", "jsonpath={.metadata.generation} {.spec.template.spec.hostUsers}", "--state", state]).stdout,
                       "2 false")
        XCTAssertEqual(try RolloutRun.run(["apply", "-f", "-", "--state", state], stdin: yaml).stdout, "deployment.apps/web unchanged\n")
    }

    /// End to end: a Deployment applied, then the same manifest with `hostUsers: false` and a
    /// `resizePolicy`: a 1.32 cluster stores neither, so its template does not change and no
    /// ReplicaSet is made (before, this rolled every pod); `get -o yaml` shows neither, and
    /// the last-applied annotation keeps them as written.
    func testAManifestWithDisabledFieldsRollsNothing() throws {
        let dir = try temporaryDirectory(self)
        let state = dir.appendingPathComponent("state").path
        try deployment("").write(to: dir.appendingPathComponent("a.yaml"), atomically: true, encoding: .utf8)
        try deployment("hostUsers: false", container: "resizePolicy: [{resourceName: memory, restartPolicy: RestartContainer}]")
            .write(to: dir.appendingPathComponent("b.yaml"), atomically: true, encoding: .utf8)
        XCTAssertEqual(try RolloutRun.run(["--state", state, "cluster", "init"]).status, 0)
        XCTAssertEqual(try RolloutRun.run(["--state", state, "apply", "-f", dir.appendingPathComponent("a.yaml").path, "--wait"]).status, 0)
        let again = try RolloutRun.run(["--state", state, "apply", "-f", dir.appendingPathComponent("b.yaml").path, "--wait"])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(try RolloutRun.run(["--state", state, "get", "rs", "-o", "name"]).stdout.split(separator: "\n").count, 1)
        let yaml = try RolloutRun.run(["--state", state, "get", "deploy", "web", "-o", "yaml"]).stdout
        let withoutAnnotation = yaml.split(separator: "\n").filter { !$0.contains("last-applied-configuration") && !$0.contains("{\"apiVersion\"") }.joined(separator: "\n")
        XCTAssertFalse(withoutAnnotation.contains("hostUsers"), yaml)
        XCTAssertFalse(withoutAnnotation.contains("resizePolicy"), yaml)
        XCTAssertTrue(yaml.contains("hostUsers"), "the last-applied annotation keeps the manifest as written")
    }
}

@testable import RolloutCore
import XCTest

/// The API server decodes a manifest into the typed object and encodes it back: encoding/json
/// leaves out each `omitempty` field holding its type's zero (k8s.io/api v0.32.9
/// `core/v1/types.go`, `apps/v1/types.go`: e.g. `HostNetwork bool json:"hostNetwork,omitempty"`,
/// `MinReadySeconds int32 json:"minReadySeconds,omitempty"`, `Env []EnvVar json:"env,omitempty"`),
/// keeps pointers that are set (`Privileged *bool`, `Replicas *int32`,
/// `TerminationGracePeriodSeconds *int64`) and structs (`Resources ResourceRequirements`), and
/// defaulting then runs on what is left (`SetDefaults_Probe`: a `periodSeconds` of 0 or none is 10).
final class OmitEmptyTests: XCTestCase {
    func defaulted(_ yaml: String) throws -> Resource {
        var resource = Resource(try XCTUnwrap(try ManifestDecoder.decode([ManifestSource(name: "d", bytes: Array(yaml.utf8))]).documents.first?.value.objectValue))
        Defaults.apply(to: &resource)
        return resource
    }

    func testZeroValuesOfOmitemptyFieldsAreLeftOut() throws {
        let written = try defaulted("""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, labels: {}, annotations: {}, finalizers: []}
        spec:
          replicas: 0
          minReadySeconds: 0
          paused: false
          selector: {matchLabels: {app: web}, matchExpressions: []}
          template:
            metadata: {labels: {app: web}, annotations: {}}
            spec:
              hostNetwork: false
              hostPID: false
              nodeSelector: {}
              tolerations: []
              imagePullSecrets: []
              serviceAccountName: ""
              terminationGracePeriodSeconds: 0
              unknownField: ""
              containers:
              - name: app
                image: web
                args: []
                env: []
                stdin: false
                ports: [{containerPort: 80, hostPort: 0, name: ""}]
                resources: {requests: {}}
                securityContext: {privileged: false}
                readinessProbe: {httpGet: {path: /, port: 80, host: ""}, initialDelaySeconds: 0, periodSeconds: 0}
              - name: typo
                image: web
                stdin: "no"
        """)
        let plain = try defaulted("""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          replicas: 0
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              terminationGracePeriodSeconds: 0
              unknownField: ""
              containers:
              - name: app
                image: web
                ports: [{containerPort: 80}]
                resources: {}
                securityContext: {privileged: false}
                readinessProbe: {httpGet: {path: /, port: 80}}
              - name: typo
                image: web
                stdin: "no"
        """)
        XCTAssertEqual(written.value.sortingKeys(), plain.value.sortingKeys())
        // What was kept, spelled out: set pointers, a struct, an unknown field, a wrong type.
        let spec = try XCTUnwrap(written.value.at("spec", "template", "spec"))
        XCTAssertEqual(written.value.at("spec", "replicas"), .int(0))
        XCTAssertEqual(spec["terminationGracePeriodSeconds"], .int(0))
        XCTAssertEqual(spec["unknownField"], .string(""))
        let containers = try XCTUnwrap(spec["containers"]?.arrayValue)
        XCTAssertEqual(containers[0].at("securityContext", "privileged"), .bool(false))
        XCTAssertEqual(containers[0]["resources"], .object(Object()))
        XCTAssertEqual(containers[0].at("readinessProbe", "periodSeconds"), .int(10), "defaulted after the zero was left out")
        XCTAssertEqual(containers[1]["stdin"], .string("no"), "a wrong type is left for validation")
        XCTAssertNil(written.value.at("metadata", "labels"))
        XCTAssertNil(spec["hostNetwork"])
    }

    /// Services, StatefulSet claim templates and CronJobs go through the same round trip;
    /// a kind outside the table (a custom resource's) is left as written.
    func testOtherKinds() throws {
        let service = try defaulted("""
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec: {selector: {app: web}, externalIPs: [], ports: [{name: "", port: 80, nodePort: 0}]}
        """)
        XCTAssertNil(service.value.at("spec", "externalIPs"))
        XCTAssertEqual(service.value.at("spec", "ports")?.arrayValue?.first?["name"], nil)
        XCTAssertEqual(service.value.at("spec", "ports")?.arrayValue?.first?["nodePort"], nil)
        let cron = try defaulted("""
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: c}
        spec: {schedule: "* * * * *", jobTemplate: {spec: {template: {spec: {hostNetwork: false, containers: [{name: c, image: c}]}}}}}
        """)
        XCTAssertNil(cron.value.at("spec", "jobTemplate", "spec", "template", "spec", "hostNetwork"))
        let configMap = try defaulted("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {}\n")
        XCTAssertNil(configMap.value["data"])
        let ingress = try defaulted("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i, labels: {}}\nspec: {rules: []}\n")
        XCTAssertNil(ingress.value.at("spec", "rules"))
        let widget = try defaulted("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w, labels: {}}\nspec: {rules: []}\n")
        XCTAssertEqual(widget.value.at("spec", "rules"), .array([]))
        // The table says what upstream's tags say for the fields above.
        XCTAssertEqual(OmitEmptyTable.structs["PodSpec"]?.contains("hostNetwork=zb "), true)
        XCTAssertEqual(OmitEmptyTable.structs["DeploymentSpec"]?.contains("minReadySeconds=zn "), true)
        XCTAssertEqual(OmitEmptyTable.structs["PodSpec"]?.contains(" containers=l:Container "), true, "containers has no omitempty")
        // Every entry of the table read, each as its code says.
        for (name, text) in OmitEmptyTable.structs {
            XCTAssertEqual(OmitEmpty.fields[name]?.count, text.split(separator: " ").count, name)
        }
        guard case .collection("Container", omitEmpty: false)? = OmitEmpty.fields["PodSpec"]?["containers"],
              case .bool? = OmitEmpty.fields["PodSpec"]?["hostNetwork"], case .number? = OmitEmpty.fields["DeploymentSpec"]?["minReadySeconds"],
              case .string? = OmitEmpty.fields["Container"]?["image"], case .pointer("Probe", omitEmpty: true)? = OmitEmpty.fields["Container"]?["readinessProbe"],
              case .pointer("LabelSelector", omitEmpty: false)? = OmitEmpty.fields["DeploymentSpec"]?["selector"],
              case .pointer(nil, omitEmpty: true)? = OmitEmpty.fields["DeploymentSpec"]?["replicas"],
              case .keep? = OmitEmpty.fields["Container"]?["name"], case .object("ObjectMeta")? = OmitEmpty.fields["Deployment"]?["metadata"] else {
            return XCTFail("a code read wrongly")
        }
    }

    /// The verdict: a Deployment applied again with `hostNetwork: false` and `env: []` written
    /// out is the same object to the API server — no new ReplicaSet (before, every pod rolled).
    func testWritingZeroValuesRollsNothing() throws {
        let dir = try temporaryDirectory(self)
        let state = dir.appendingPathComponent("state").path
        func manifest(_ extra: String, _ env: String) -> String {
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              replicas: 2
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:\(extra)
                  containers:
                  - name: app
                    image: 'nginx:1.27'\(env)
            """
        }
        try manifest("", "").write(to: dir.appendingPathComponent("a.yaml"), atomically: true, encoding: .utf8)
        try manifest("\n      hostNetwork: false\n      nodeSelector: {}", "\n        env: []").write(to: dir.appendingPathComponent("b.yaml"), atomically: true, encoding: .utf8)
        XCTAssertEqual(try RolloutRun.run(["--state", state, "cluster", "init"]).status, 0)
        XCTAssertEqual(try RolloutRun.run(["--state", state, "apply", "-f", dir.appendingPathComponent("a.yaml").path, "--wait"]).status, 0)
        let again = try RolloutRun.run(["--state", state, "apply", "-f", dir.appendingPathComponent("b.yaml").path, "--wait"])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(try RolloutRun.run(["--state", state, "get", "rs", "-o", "name"]).stdout.split(separator: "\n").count, 1)
        let yaml = try RolloutRun.run(["--state", state, "get", "deploy", "web", "-o", "yaml"]).stdout
        // (The last-applied annotation keeps them as written; the object does not.)
        XCTAssertFalse(yaml.contains("hostNetwork: false\n"), yaml)
        XCTAssertFalse(yaml.contains("nodeSelector: {}\n"), yaml)
        XCTAssertFalse(yaml.contains("env: []\n"), yaml)
    }
}

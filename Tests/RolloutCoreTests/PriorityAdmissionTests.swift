import Foundation
import XCTest
@testable import RolloutCore

/// The Priority admission plugin (`plugin/pkg/admission/priority/admission.go`: admitPod,
/// getDefaultPriority, getDefaultPriorityClass; the system classes from
/// `pkg/apis/scheduling/helpers.go` SystemPriorityClasses) on every way a pod is created.
final class PriorityAdmissionTests: XCTestCase {
    static func priorityClass(_ name: String, value: Int, never: Bool = false, globalDefault: Bool = false) -> Resource {
        var object = Object(["apiVersion": .string("scheduling.k8s.io/v1"), "kind": .string("PriorityClass"),
                             "metadata": .object(Object(["name": .string(name)])), "value": .int(value)])
        if never { object["preemptionPolicy"] = .string("Never") }
        if globalDefault { object["globalDefault"] = .bool(true) }
        return Resource(object)
    }

    // admitPod on create, case by case: (classes stored, the pod's spec as written) → its
    // priority, policy and class name, or the Forbidden message.
    func testAdmitPodTable() throws {
        let high = Self.priorityClass("high", value: 1_000_000)
        let batch = Self.priorityClass("batch", value: 10, never: true)
        let defaultTen = Self.priorityClass("default-ten", value: 10, globalDefault: true)
        let defaultFive = Self.priorityClass("default-five", value: 5, never: true, globalDefault: true)
        struct Case {
            var name: String
            var stored: [Resource]
            var spec: Object
            var priority: Int? = nil
            var policy: String? = nil
            var className: String? = nil
            var forbidden: String? = nil
        }
        let cases: [Case] = [
            // No class, no global default: DefaultPriorityWhenNoDefaultClassExists and
            // PreemptLowerPriority; the class name stays empty.
            Case(name: "no class", stored: [high], spec: Object(), priority: 0, policy: "PreemptLowerPriority", className: nil),
            Case(name: "system-node-critical", stored: [], spec: Object(["priorityClassName": .string("system-node-critical")]),
                 priority: 2_000_001_000, policy: "PreemptLowerPriority", className: "system-node-critical"),
            Case(name: "system-cluster-critical", stored: [], spec: Object(["priorityClassName": .string("system-cluster-critical")]),
                 priority: 2_000_000_000, policy: "PreemptLowerPriority", className: "system-cluster-critical"),
            Case(name: "user class", stored: [high, batch], spec: Object(["priorityClassName": .string("high")]),
                 priority: 1_000_000, policy: "PreemptLowerPriority", className: "high"),
            Case(name: "class that never preempts", stored: [high, batch], spec: Object(["priorityClassName": .string("batch")]),
                 priority: 10, policy: "Never", className: "batch"),
            // Global defaults: the lowest value wins, and its name is written into the pod.
            Case(name: "global default", stored: [defaultTen, high], spec: Object(), priority: 10, policy: "PreemptLowerPriority", className: "default-ten"),
            Case(name: "two global defaults", stored: [defaultTen, defaultFive], spec: Object(), priority: 5, policy: "Never", className: "default-five"),
            // A written priority or policy equal to the computed one is taken.
            Case(name: "priority written equal", stored: [high], spec: Object(["priorityClassName": .string("high"), "priority": .int(1_000_000)]),
                 priority: 1_000_000, policy: "PreemptLowerPriority", className: "high"),
            Case(name: "unknown class", stored: [high], spec: Object(["priorityClassName": .string("nope")]),
                 forbidden: "no PriorityClass with name nope was found"),
            Case(name: "priority written, differing", stored: [], spec: Object(["priority": .int(5)]),
                 forbidden: "the integer value of priority (5) must not be provided in pod spec; priority admission controller computed 0 from the given PriorityClass name"),
            Case(name: "policy written, differing", stored: [], spec: Object(["preemptionPolicy": .string("Never")]),
                 forbidden: "the string value of PreemptionPolicy (Never) must not be provided in pod spec; priority admission controller computed PreemptLowerPriority from the given PriorityClass name"),
            Case(name: "policy written, differing from the class's", stored: [batch], spec: Object(["priorityClassName": .string("batch"), "preemptionPolicy": .string("PreemptLowerPriority")]),
                 forbidden: "the string value of PreemptionPolicy (PreemptLowerPriority) must not be provided in pod spec; priority admission controller computed Never from the given PriorityClass name"),
            // A stored class of a system name (which validation forbids) does not replace it.
            Case(name: "system name stored", stored: [Self.priorityClass("system-node-critical", value: 7)],
                 spec: Object(["priorityClassName": .string("system-node-critical")]), priority: 2_000_001_000, policy: "PreemptLowerPriority", className: "system-node-critical"),
        ]
        for c in cases {
            var spec = c.spec
            let forbidden = PriorityClasses(stored: c.stored).admit(&spec)
            XCTAssertEqual(forbidden, c.forbidden, c.name)
            guard c.forbidden == nil else { continue }
            XCTAssertEqual(spec["priority"]?.intValue, c.priority, c.name)
            XCTAssertEqual(spec["preemptionPolicy"]?.stringValue, c.policy, c.name)
            XCTAssertEqual(spec["priorityClassName"]?.stringValue, c.className, c.name)
        }
    }

    var state = ""

    func rollout(_ arguments: String...) throws -> RolloutRun {
        try RolloutRun.run(arguments, environment: ["ROLLOUT_STATE": state])
    }

    func write(_ text: String, _ name: String) throws -> String {
        let url = try temporaryDirectory(self).appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    // k3s' add-ons carry their classes (CoreDNS and Traefik system-cluster-critical,
    // metrics-server and local-path-provisioner system-node-critical): their pods run at those
    // priorities, as `kubectl describe pod` shows on a real k3s.
    func testSystemAddOnsRunAtTheirClassesPriorities() throws {
        state = try temporaryDirectory(self).appendingPathComponent("state").path
        XCTAssertEqual(try rollout("cluster", "init").status, 0)
        let run = try rollout("get", "pods", "-n", "kube-system", "-o", "jsonpath={range .items[*]}{.metadata.labels.k8s-app}{.metadata.labels.app}{.metadata.labels.app\\.kubernetes\\.io/name} {.spec.priority} {.spec.preemptionPolicy}{\"\\n\"}{end}")
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(Set(run.stdout.split(separator: "\n").map(String.init)), [
            "kube-dns 2000000000 PreemptLowerPriority", "local-path-provisioner 2000001000 PreemptLowerPriority",
            "metrics-server 2000001000 PreemptLowerPriority", "traefik 2000000000 PreemptLowerPriority",
        ])
        let coredns = try XCTUnwrap(try rollout("get", "pods", "-n", "kube-system", "-o", "name").stdout.split(separator: "\n").first { $0.hasPrefix("pod/coredns-") })
        let describe = try rollout("describe", "-n", "kube-system", String(coredns)).stdout
        XCTAssertTrue(describe.contains("\nPriority:             2000000000\nPriority Class Name:  system-cluster-critical\n"), describe)
    }

    // A pod applied with a class no one defined is refused as the API server refuses it
    // (admission.NewForbidden: `pods "one" is forbidden: …`), placed in the manifest, exit 2,
    // nothing stored; with the class applied first it is created at the class's priority.
    func testAppliedPodOfAnUnknownClassIsForbidden() throws {
        state = try temporaryDirectory(self).appendingPathComponent("state").path
        XCTAssertEqual(try rollout("cluster", "init", "--profile", "bare").status, 0)
        let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: one}\nspec:\n  priorityClassName: high\n  containers: [{name: c, image: \"busybox:1.36\"}]\n"
        let refused = try rollout("apply", "-f", try write(pod, "pod.yaml"))
        XCTAssertEqual(refused.status, 2, refused.stdout)
        XCTAssertTrue(refused.stderr.contains("pod/one: spec.priorityClassName: pods \"one\" is forbidden: no PriorityClass with name high was found (line 5, column 22)"), refused.stderr)
        XCTAssertEqual(try rollout("get", "pods", "-o", "name").stdout, "")
        let classes = "apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: high}\nvalue: 1000000\n---\n" + pod
        let applied = try rollout("apply", "-f", try write(classes, "both.yaml"))
        XCTAssertEqual(applied.status, 0, applied.stderr)
        XCTAssertEqual(try rollout("get", "pod", "one", "-o", "jsonpath={.spec.priority} {.spec.priorityClassName}").stdout, "1000000 high")
        // A written priority that differs from the class's is refused too.
        let written = pod.replacingOccurrences(of: "name: one", with: "name: two").replacingOccurrences(of: "  priorityClassName: high\n", with: "  priorityClassName: high\n  priority: 5\n")
        let differing = try rollout("apply", "-f", try write(written, "two.yaml"))
        XCTAssertEqual(differing.status, 2)
        XCTAssertTrue(differing.stderr.contains("pods \"two\" is forbidden: the integer value of priority (5) must not be provided in pod spec; priority admission controller computed 1000000 from the given PriorityClass name"), differing.stderr)
    }

    // A ReplicaSet whose pods are forbidden creates none: `FailedCreate` with the API
    // server's words, the pod named by its generateName (`extractResourceName`, "name object
    // name generation has not occurred yet"); the rollout cannot progress. Once the class is
    // applied, the next sync creates them at its priority.
    func testReplicaSetPodsOfAnUnknownClassFailToCreate() throws {
        state = try temporaryDirectory(self).appendingPathComponent("state").path
        XCTAssertEqual(try rollout("cluster", "init", "--profile", "bare", "--nodes", "2").status, 0)
        let web = deploymentYAML("web", replicas: 2, spec: "priorityClassName: critical-web\ncontainers:\n- name: web\n  image: nginx:1.27")
        let stalled = try rollout("apply", "-f", try write(web, "web.yaml"), "--wait", "--timeout", "30s")
        XCTAssertEqual(stalled.status, 1, stalled.stdout)
        XCTAssertTrue(stalled.stderr.contains("timed out waiting for deployment \"web\""), stalled.stderr)
        XCTAssertEqual(try rollout("get", "pods", "-o", "name").stdout, "")
        let events = try rollout("get", "events", "-o", "jsonpath={range .items[*]}{.reason}: {.message}{\"\\n\"}{end}").stdout
        let hash = try XCTUnwrap(try rollout("get", "rs", "-o", "jsonpath={.items[0].metadata.name}").stdout.split(separator: "-").last)
        XCTAssertTrue(events.contains("FailedCreate: Error creating: pods \"web-\(hash)-\" is forbidden: no PriorityClass with name critical-web was found\n"), events)
        // The refusal is the ReplicaSet's ReplicaFailure condition (calculateStatus in
        // replica_set_utils.go: FailedCreate, the create error's text), which the Deployment
        // takes over (progress.go getReplicaFailures, ReplicaSetToDeploymentCondition).
        let failure = "ReplicaFailure True FailedCreate pods \"web-\(hash)-\" is forbidden: no PriorityClass with name critical-web was found"
        let conditions = "jsonpath={range .items[*].status.conditions[?(@.type==\"ReplicaFailure\")]}{.type} {.status} {.reason} {.message}{end}"
        XCTAssertEqual(try rollout("get", "rs", "-o", conditions).stdout, failure)
        XCTAssertEqual(try rollout("get", "deployments", "-o", conditions).stdout, failure)
        // describeReplicaSet: "%v \t%v\t%v\n" (a space after the type), after the template.
        XCTAssertTrue(try rollout("describe", "rs").stdout.contains("Conditions:\n  Type             Status  Reason\n  ----             ------  ------\n  ReplicaFailure   True    FailedCreate\nEvents:"))
        let lint = try rollout("lint", "-f", try write(web, "web2.yaml"))
        XCTAssertTrue(lint.stdout.contains("warning[missing-reference] deployment.apps/web: spec.template.spec.priorityClassName: its pods need PriorityClass \"critical-web\""), lint.stdout)
        let priorityClass = "apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: critical-web}\nvalue: 100000\n"
        XCTAssertEqual(try rollout("apply", "-f", try write(priorityClass, "class.yaml")).status, 0)
        let status = try rollout("status", "deployment/web")
        XCTAssertEqual(status.status, 0, status.stdout + status.stderr)
        XCTAssertEqual(try rollout("get", "pods", "-o", "jsonpath={range .items[*]}{.spec.priority}{\"\\n\"}{end}").stdout, "100000\n100000\n")
        // A sync that manages its pods without error removes the condition, and the Deployment's goes with it.
        XCTAssertEqual(try rollout("get", "rs", "-o", conditions).stdout, "")
        XCTAssertEqual(try rollout("get", "deployments", "-o", conditions).stdout, "")
        // With the class in the cluster, lint finds nothing missing.
        XCTAssertFalse(try rollout("lint", "-f", try write(web, "web3.yaml")).stdout.contains("missing-reference"))
    }
}

extension PriorityAdmissionTests {
    // The other controllers refuse the same way: a StatefulSet records recordPodEvent's
    // `create Pod web-0 in StatefulSet web failed error: pods "web-0" is forbidden: …` (its pods
    // have their names before admission), a DaemonSet `Error creating: pods "agent-" is
    // forbidden: …` (syncNodes, a generateName); neither creates a pod.
    func testStatefulSetAndDaemonSetPodsOfAnUnknownClassFailToCreate() throws {
        state = try temporaryDirectory(self).appendingPathComponent("state").path
        XCTAssertEqual(try rollout("cluster", "init", "--profile", "bare", "--nodes", "2").status, 0)
        let manifests = """
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: web}
        spec:
          serviceName: web
          replicas: 2
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              priorityClassName: gold
              containers: [{name: web, image: "nginx:1.27"}]
        ---
        apiVersion: apps/v1
        kind: DaemonSet
        metadata: {name: agent}
        spec:
          selector: {matchLabels: {app: agent}}
          template:
            metadata: {labels: {app: agent}}
            spec:
              priorityClassName: gold
              containers: [{name: agent, image: "agent:1"}]

        """
        let stalled = try rollout("apply", "-f", try write(manifests, "both.yaml"), "--wait", "--timeout", "20s")
        XCTAssertEqual(stalled.status, 1, stalled.stdout + stalled.stderr)
        XCTAssertEqual(try rollout("get", "pods", "-o", "name").stdout, "")
        let events = try rollout("get", "events", "-o", "jsonpath={range .items[*]}{.involvedObject.kind} {.reason}: {.message}{\"\\n\"}{end}").stdout
        XCTAssertTrue(events.contains("StatefulSet FailedCreate: create Pod web-0 in StatefulSet web failed error: pods \"web-0\" is forbidden: no PriorityClass with name gold was found\n"), events)
        XCTAssertTrue(events.contains("DaemonSet FailedCreate: Error creating: pods \"agent-\" is forbidden: no PriorityClass with name gold was found\n"), events)
        // With the class: both run their pods at its priority.
        let gold = "apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: gold}\nvalue: 5000\n"
        XCTAssertEqual(try rollout("apply", "-f", try write(gold, "gold.yaml")).status, 0)
        XCTAssertEqual(try rollout("status", "statefulset/web").status, 0)
        XCTAssertEqual(try rollout("status", "daemonset/agent").status, 0)
        XCTAssertEqual(try rollout("get", "pods", "-o", "jsonpath={range .items[*]}{.spec.priority}{\"\\n\"}{end}").stdout, "5000\n5000\n5000\n5000\n")
    }
}

extension PriorityAdmissionTests {
    // ValidatePriorityClass / ValidatePriorityClassUpdate (pkg/apis/scheduling/validation/
    // validation.go), IsKnownSystemPriorityClass (pkg/apis/scheduling/helpers.go),
    // validatePreemptionPolicy (pkg/apis/core/validation/validation.go): class → messages.
    func testPriorityClassValidationTable() {
        let cases: [(Resource, [String])] = [
            (Self.priorityClass("high", value: 1_000_000_000), []),
            (Self.priorityClass("too-high", value: 1_000_000_001), ["value: Forbidden: maximum allowed value of a user defined priority is 1000000000"]),
            (Self.priorityClass("low", value: -5, never: true), []),
            (Self.priorityClass("system-critical-ish", value: 5),
             ["metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: system-critical-ish is not a known system priority class"]),
            (Self.priorityClass("system-node-critical", value: 5),
             ["metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: value of system-node-critical PriorityClass must be 2000001000"]),
            (Self.priorityClass("system-cluster-critical", value: 2_000_000_000, globalDefault: true),
             ["metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: globalDefault of system-cluster-critical PriorityClass must be false"]),
            (Self.priorityClass("system-cluster-critical", value: 2_000_000_000), []),
        ]
        for (resource, expected) in cases {
            let messages = ObjectValidation.validate(resource, file: "pc.yaml")?.errors.map { "\($0.path): \($0.message)" } ?? []
            XCTAssertEqual(messages, expected, resource.name)
        }
        var badPolicy = Self.priorityClass("odd", value: 1)
        badPolicy.object["preemptionPolicy"] = .string("Sometimes")
        XCTAssertEqual(ObjectValidation.validate(badPolicy, file: "pc.yaml")?.errors.map(\.message),
                       ["Unsupported value: \"Sometimes\": supported values: \"PreemptLowerPriority\", \"Never\""])
        var reader = FieldReader()
        Immutability.check(old: Self.priorityClass("high", value: 10), new: Self.priorityClass("high", value: 11, never: true), reader: &reader)
        XCTAssertEqual(reader.errors.map { "\($0.path): \($0.message)" },
                       ["value: Forbidden: may not be changed in an update.", "preemptionPolicy: Invalid value: \"Never\": field is immutable"])
    }

    // validatePriorityClass (the plugin): one global default at a time — a second is
    // forbidden on create, and so is marking another class default; the default itself may be
    // applied again.
    func testOnlyOneGlobalDefault() throws {
        state = try temporaryDirectory(self).appendingPathComponent("state").path
        XCTAssertEqual(try rollout("cluster", "init", "--profile", "bare").status, 0)
        let first = "apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: normal}\nvalue: 100\nglobalDefault: true\n"
        XCTAssertEqual(try rollout("apply", "-f", try write(first, "normal.yaml")).status, 0)
        XCTAssertEqual(try rollout("apply", "-f", try write(first + "description: the usual\n", "normal2.yaml")).stdout, "priorityclass.scheduling.k8s.io/normal configured\n")
        let second = first.replacingOccurrences(of: "normal", with: "other")
        let refused = try rollout("apply", "-f", try write(second, "other.yaml"))
        XCTAssertEqual(refused.status, 2)
        XCTAssertTrue(refused.stderr.contains("priorityclass.scheduling.k8s.io/other: globalDefault: priorityclasses.scheduling.k8s.io \"other\" is forbidden: PriorityClass normal is already marked as default. Only one default can exist (line 5, column 16)"), refused.stderr)
        // printPriorityClass's columns, the policy defaulted (SetDefaults_PriorityClass); the
        // system classes stored at the cluster's start (AddSystemPriorityClasses).
        XCTAssertEqual(try rollout("get", "priorityclasses").stdout, """
        NAME                      VALUE        GLOBAL-DEFAULT   AGE   PREEMPTIONPOLICY
        normal                    100          true             0s    PreemptLowerPriority
        system-cluster-critical   2000000000   false            60s   PreemptLowerPriority
        system-node-critical      2000001000   false            60s   PreemptLowerPriority

        """)
        // A pod with no class gets the default's name and value.
        let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: one}\nspec:\n  containers: [{name: c, image: \"busybox:1.36\"}]\n"
        XCTAssertEqual(try rollout("apply", "-f", try write(pod, "pod.yaml")).status, 0)
        XCTAssertEqual(try rollout("get", "pod", "one", "-o", "jsonpath={.spec.priority} {.spec.priorityClassName} {.spec.preemptionPolicy}").stdout, "100 normal PreemptLowerPriority")
    }
}

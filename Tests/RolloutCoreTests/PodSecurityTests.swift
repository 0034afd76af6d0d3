import Foundation
import XCTest
@testable import RolloutCore

/// The PodSecurity admission plugin in enforce mode (`k8s.io/pod-security-admission`: the
/// namespace's `pod-security.kubernetes.io/enforce` label, PolicyToEvaluate; the checks of
/// `policy/check_*.go` in the registry's order — check IDs sorted, baseline's first,
/// kubernetes#107698, as the docs' `kubectl label --dry-run=server` output shows it:
/// "non-default capabilities, host namespaces, hostPath volumes", "host namespaces, hostPath
/// volumes, privileged" —; `AggregateCheckResult.ForbiddenDetail`; the admission's
/// `violates PodSecurity %q: %s`).
final class PodSecurityTests: XCTestCase {
    private func object(_ json: String) -> Object { (try? JSONReader.parse(json))?.objectValue ?? Object() }

    private func namespace(_ labels: String) -> Resource {
        Resource(object(#"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"team","labels":\#(labels)}}"#))
    }

    func testChecksTable() {
        let restricted = PodSecurity(namespaces: [namespace(#"{"pod-security.kubernetes.io/enforce":"restricted"}"#)])
        let baseline = PodSecurity(namespaces: [namespace(#"{"pod-security.kubernetes.io/enforce":"baseline","pod-security.kubernetes.io/enforce-version":"v1.30"}"#)])
        let privileged = PodSecurity(namespaces: [namespace(#"{"pod-security.kubernetes.io/enforce":"privileged"}"#)])
        let garbled = PodSecurity(namespaces: [namespace(#"{"pod-security.kubernetes.io/enforce":"strict"}"#)])
        let plain = #"{"containers":[{"name":"app"}]}"#
        let hardened = #"{"securityContext":{"runAsNonRoot":true,"seccompProfile":{"type":"RuntimeDefault"}},"containers":[{"name":"app","securityContext":{"allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"],"add":["NET_BIND_SERVICE"]}}}]}"#
        let cases: [(PodSecurity, String, String?)] = [
            (restricted, plain, #"violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "app" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "app" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "app" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "app" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")"#),
            (restricted, hardened, nil),
            // Explicitly wrong values, two containers, restricted volumes and runAsUser=0.
            (restricted, #"{"securityContext":{"runAsNonRoot":false,"runAsUser":0,"seccompProfile":{"type":"Unconfined"}},"volumes":[{"name":"data","hostPath":{"path":"/d"}},{"name":"cfg","configMap":{"name":"c"}}],"initContainers":[{"name":"init","securityContext":{"allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"],"add":["SYS_ADMIN","NET_RAW"]}}}],"containers":[{"name":"app","ports":[{"containerPort":80,"hostPort":8080}],"securityContext":{"allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"]}}}]}"#,
             #"violates PodSecurity "restricted:latest": hostPort (container "app" uses hostPort 8080), unrestricted capabilities (container "init" must not include "NET_RAW", "SYS_ADMIN" in securityContext.capabilities.add), restricted volume types (volume "data" uses restricted volume type "hostPath"), runAsNonRoot != true (pod must not set securityContext.runAsNonRoot=false), runAsUser=0 (pod must not set runAsUser=0), seccompProfile (pod must not set securityContext.seccompProfile.type to "Unconfined")"#),
            (baseline, plain, nil),
            (baseline, #"{"hostPID":true,"hostNetwork":true,"volumes":[{"name":"sock","hostPath":{"path":"/run"}}],"containers":[{"name":"a","securityContext":{"privileged":true,"capabilities":{"add":["NET_ADMIN","CHOWN"]}}},{"name":"b","securityContext":{"seccompProfile":{"type":"Unconfined"}}}]}"#,
             #"violates PodSecurity "baseline:v1.30": non-default capabilities (container "a" must not include "NET_ADMIN" in securityContext.capabilities.add), host namespaces (hostNetwork=true, hostPID=true), hostPath volumes (volume "sock"), privileged (container "a" must not set securityContext.privileged=true), seccompProfile (container "b" must not set securityContext.seccompProfile.type to "Unconfined")"#),
            (privileged, #"{"hostPID":true,"containers":[{"name":"a","securityContext":{"privileged":true}}]}"#, nil),
            // A level that does not parse is the most restrictive.
            (garbled, plain, #"violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "app" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "app" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "app" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "app" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")"#),
        ]
        for (policy, spec, refusal) in cases {
            XCTAssertEqual(policy.admit(object(spec), namespace: "team"), refusal, spec)
        }
        XCTAssertNil(restricted.admit(object(plain), namespace: "default"), "a namespace without the label is privileged")
    }

    /// The baseline checks beyond capabilities, host namespaces and ports, hostPath, privileged
    /// and seccomp (`policy/check_appArmorProfile.go` appArmorProfileV1Dot0,
    /// `check_procMount.go`, `check_seLinuxOptions.go` — `container_engine_t` allowed since
    /// 1.31 —, `check_sysctls.go` with 1.32's safe set, `check_windowsHostProcess.go`), with
    /// the details their tests expect (TestCheckAppArmor_Forbidden, TestSELinuxOptions'
    /// "invalid pod and containers", TestProcMount), in the registry's order: appArmorProfile
    /// first, then … procMount, seLinuxOptions, seccompProfile_baseline, sysctls,
    /// windowsHostProcess. The first restricted case is a 1.32 API server's own refusal of such
    /// a pod (its order and wording: seLinuxOptions and sysctls before the restricted checks).
    func testTheOtherBaselineChecks() {
        let restricted = PodSecurity(namespaces: [namespace(#"{"pod-security.kubernetes.io/enforce":"restricted","pod-security.kubernetes.io/enforce-version":"v1.32"}"#)])
        let baseline = PodSecurity(namespaces: [namespace(#"{"pod-security.kubernetes.io/enforce":"baseline"}"#)])
        let cases: [(PodSecurity, String, [String: String], String?)] = [
            (restricted, #"{"securityContext":{"seLinuxOptions":{"user":"u","role":"r"},"sysctls":[{"name":"net.core.somaxconn","value":"1024"},{"name":"kernel.msgmax","value":"65536"}]},"containers":[{"name":"my-pod"}]}"#, [:],
             #"violates PodSecurity "restricted:v1.32": seLinuxOptions (pod set forbidden securityContext.seLinuxOptions: user may not be set; role may not be set), forbidden sysctls (net.core.somaxconn, kernel.msgmax), allowPrivilegeEscalation != false (container "my-pod" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "my-pod" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "my-pod" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "my-pod" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")"#),
            (baseline, #"{"securityContext":{"seLinuxOptions":{"type":"foo","user":"bar","role":"baz"}},"containers":[{"name":"a","securityContext":{"seLinuxOptions":{"type":"container_t"}}},{"name":"b","securityContext":{"seLinuxOptions":{"type":"container_init_t"}}},{"name":"c","securityContext":{"seLinuxOptions":{"type":"container_kvm_t"}}},{"name":"d","securityContext":{"seLinuxOptions":{"type":"bar"}}},{"name":"e","securityContext":{"seLinuxOptions":{"user":"bar"}}},{"name":"f","securityContext":{"seLinuxOptions":{"role":"baz"}}},{"name":"g","securityContext":{"seLinuxOptions":{"type":"container_engine_t"}}}]}"#, [:],
             #"violates PodSecurity "baseline:latest": seLinuxOptions (pod and containers "d", "e", "f" set forbidden securityContext.seLinuxOptions: types "bar", "foo"; user may not be set; role may not be set)"#),
            (baseline, #"{"containers":[{"name":"a"},{"name":"b","securityContext":{}},{"name":"c","securityContext":{"procMount":"Default"}},{"name":"d","securityContext":{"procMount":"Unmasked"}},{"name":"e","securityContext":{"procMount":"other"}}]}"#, [:],
             #"violates PodSecurity "baseline:latest": procMount (containers "d", "e" must not set securityContext.procMount to "Unmasked", "other")"#),
            (baseline, #"{"securityContext":{"appArmorProfile":{"type":"Unconfined"}},"containers":[{"name":"foo"}]}"#, [:],
             #"violates PodSecurity "baseline:latest": forbidden AppArmor profile (pod must not set AppArmor profile type to "Unconfined")"#),
            (baseline, #"{"securityContext":{"appArmorProfile":{"type":"RuntimeDefault"}},"initContainers":[{"name":"i","securityContext":{"appArmorProfile":{"type":"Localhost","localhostProfile":"p"}}}],"containers":[{"name":"foo","securityContext":{"appArmorProfile":{"type":"Unconfined"}}}]}"#,
             ["container.apparmor.security.beta.kubernetes.io/foo": "unconfined", "container.apparmor.security.beta.kubernetes.io/i": "localhost/p",
              "container.apparmor.security.beta.kubernetes.io/a": "runtime/default", "other": "unconfined"],
             #"violates PodSecurity "baseline:latest": forbidden AppArmor profiles (container "foo" and annotation must not set AppArmor profile type to "Unconfined", "container.apparmor.security.beta.kubernetes.io/foo="unconfined"")"#),
            // 1.32's safe sysctls pass; others are listed in the pod's order.
            (baseline, #"{"securityContext":{"sysctls":[{"name":"net.ipv4.tcp_rmem","value":"4096 87380 6291456"},{"name":"net.ipv4.tcp_keepalive_time","value":"60"},{"name":"net.ipv4.ip_local_reserved_ports","value":"8080"},{"name":"vm.max_map_count","value":"262144"}]},"containers":[{"name":"a"}]}"#, [:],
             #"violates PodSecurity "baseline:latest": forbidden sysctls (vm.max_map_count)"#),
            (baseline, #"{"securityContext":{"windowsOptions":{"hostProcess":true}},"containers":[{"name":"a","securityContext":{"windowsOptions":{"hostProcess":true}}},{"name":"b","securityContext":{"windowsOptions":{"hostProcess":false}}}]}"#, [:],
             #"violates PodSecurity "baseline:latest": hostProcess (pod and container "a" must not set securityContext.windowsOptions.hostProcess=true)"#),
            // All of them at once, in the registry's order.
            (baseline, #"{"securityContext":{"sysctls":[{"name":"kernel.sem","value":"1"}],"appArmorProfile":{"type":"Unconfined"}},"containers":[{"name":"a","securityContext":{"procMount":"Unmasked","seLinuxOptions":{"type":"spc_t"},"privileged":true,"windowsOptions":{"hostProcess":true}}}]}"#, [:],
             #"violates PodSecurity "baseline:latest": forbidden AppArmor profile (pod must not set AppArmor profile type to "Unconfined"), privileged (container "a" must not set securityContext.privileged=true), procMount (container "a" must not set securityContext.procMount to "Unmasked"), seLinuxOptions (container "a" set forbidden securityContext.seLinuxOptions: type "spc_t"), forbidden sysctls (kernel.sem), hostProcess (container "a" must not set securityContext.windowsOptions.hostProcess=true)"#),
        ]
        for (policy, spec, annotations, refusal) in cases {
            XCTAssertEqual(policy.admit(object(spec), annotations: annotations, namespace: "team"), refusal, spec)
        }
    }

    /// End to end: a Deployment whose pods set an unsafe sysctl, in a namespace enforcing
    /// baseline, makes no pod — the ReplicaSet's FailedCreate names the check — and `plan`
    /// says `pod-security`.
    func testABaselineNamespaceRefusesUnsafeSysctls() throws {
        let scratch = try Scratch(self)
        XCTAssertEqual(try scratch.run("cluster", "init", "--nodes", "1").status, 0)
        let app = try scratch.write("""
            apiVersion: v1
            kind: Namespace
            metadata: {name: team, labels: {pod-security.kubernetes.io/enforce: baseline}}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: redis, namespace: team}
            spec:
              replicas: 1
              selector: {matchLabels: {app: redis}}
              template:
                metadata: {labels: {app: redis}}
                spec:
                  securityContext:
                    sysctls: [{name: net.core.somaxconn, value: "1024"}]
                  containers: [{name: redis, image: redis:7}]
            """, "redis.yaml")
        let plan = try scratch.run("plan", "-f", app).stdout
        XCTAssertTrue(plan.contains("error[pod-security] deployment.apps/redis"), plan)
        XCTAssertTrue(plan.contains("violates PodSecurity \"baseline:latest\": forbidden sysctls (net.core.somaxconn)"), plan)
        XCTAssertEqual(try scratch.run("apply", "-f", app, "--wait", "--timeout", "30s").status, 1)
        let events = try scratch.run("events", "-n", "team").stdout
        XCTAssertTrue(events.contains("FailedCreate"), events)
        XCTAssertTrue(events.contains("is forbidden: violates PodSecurity \"baseline:latest\": forbidden sysctls (net.core.somaxconn)"), events)
    }

    /// `PolicyToEvaluate` (`pod-security-admission/api/helpers.go`, the cases of its
    /// `TestPolicyToEvaluate` and more): each label parsed against the defaults
    /// privileged:latest, an enforce level that does not parse restricted (and then not
    /// defaulting warn), a warn level that does not parse privileged, a version not matching
    /// `^v1\.([0-9]|[1-9][0-9]*)$` latest; warn defaults to the enforce level (and version, when
    /// warn's is unset) only when the warn label is absent and enforce is valid and stricter.
    func testPolicyToEvaluate() {
        typealias LV = PodSecurity.LevelVersion
        let cases: [([String: String], enforce: String, warn: String)] = [
            ([:], "privileged:latest", "privileged:latest"),
            (["pod-security.kubernetes.io/enforce": "baseline"], "baseline:latest", "baseline:latest"),
            (["pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/enforce-version": "v1.29"], "restricted:v1.29", "restricted:v1.29"),
            (["pod-security.kubernetes.io/enforce": "baseline", "pod-security.kubernetes.io/warn": "restricted"], "baseline:latest", "restricted:latest"),
            (["pod-security.kubernetes.io/warn": "restricted"], "privileged:latest", "restricted:latest"),
            // An explicit warn label wins, even a weaker one.
            (["pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/warn": "privileged"], "restricted:latest", "privileged:latest"),
            // Warn's own version stays; enforce's is taken only when warn's is unset.
            (["pod-security.kubernetes.io/enforce": "baseline", "pod-security.kubernetes.io/enforce-version": "v1.30", "pod-security.kubernetes.io/warn-version": "v1.28"],
             "baseline:v1.30", "baseline:v1.28"),
            // An enforce level that does not parse is restricted, and warn is not defaulted to it.
            (["pod-security.kubernetes.io/enforce": "strict"], "restricted:latest", "privileged:latest"),
            // A warn level that does not parse fails open (upstream's "enforce warn error" case).
            (["pod-security.kubernetes.io/warn": "strict"], "privileged:latest", "privileged:latest"),
            (["pod-security.kubernetes.io/enforce": "baseline", "pod-security.kubernetes.io/warn": "foo"], "baseline:latest", "privileged:latest"),
            (["pod-security.kubernetes.io/enforce": "baseline", "pod-security.kubernetes.io/enforce-version": "v1.05"], "baseline:latest", "baseline:latest"),
            (["pod-security.kubernetes.io/enforce": "baseline", "pod-security.kubernetes.io/enforce-version": "1.30"], "baseline:latest", "baseline:latest"),
            (["pod-security.kubernetes.io/enforce": "baseline", "pod-security.kubernetes.io/enforce-version": "v1.0"], "baseline:v1.0", "baseline:v1.0"),
        ]
        for (labels, enforce, warn) in cases {
            let policy = PodSecurity.policy(labels)
            XCTAssertEqual(policy.enforce.shown, enforce, "\(labels)")
            XCTAssertEqual(policy.warn.shown, warn, "\(labels)")
        }
    }

    /// `ValidateNamespace`: Pod Security labels that do not parse make a namespace invalid on
    /// create, and on update unless its old labels failed the same way (`field.Invalid` at
    /// `metadata.labels[…]`, ParseLevel's and ParseVersion's messages).
    func testNamespaceLabelsMustParse() throws {
        let scratch = try Scratch(self)
        XCTAssertEqual(try scratch.run("cluster", "init").status, 0)
        let bad = try scratch.write("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n  labels: {pod-security.kubernetes.io/enforce: strict, pod-security.kubernetes.io/warn-version: \"1.30\"}\n", "bad.yaml")
        let refused = try scratch.run("apply", "-f", bad)
        XCTAssertEqual(refused.status, 2)
        XCTAssertEqual(refused.stderr, """
            error: \(bad): namespace/team: metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "strict": must be one of privileged, baseline, restricted (line 5, column 48)
            error: \(bad): namespace/team: metadata.labels[pod-security.kubernetes.io/warn-version]: Invalid value: "1.30": must be "latest" or "v1.x" (line 5, column 97)

            """)
        XCTAssertEqual(try scratch.run("get", "ns", "team").status, 1, "nothing created")
        XCTAssertEqual(try scratch.run("apply", "-f", try scratch.write("apiVersion: v1\nkind: Namespace\nmetadata: {name: team}\n", "ok.yaml")).status, 0)
        XCTAssertEqual(try scratch.run("apply", "-f", bad).status, 2, "an update to labels that do not parse")
        // Stored so already (an import keeps what its cluster had): an update that leaves them
        // failing the same way is allowed; the enforce level reads as restricted.
        let imported = try Scratch(self)
        let dump = try imported.write("apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Namespace\n  metadata: {name: team, labels: {pod-security.kubernetes.io/enforce: strict}}\n", "dump.yaml")
        XCTAssertEqual(try imported.run("cluster", "import", "-f", dump).status, 0)
        let relabelled = try imported.write("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n  labels: {pod-security.kubernetes.io/enforce: strict, owner: shop}\n", "ns.yaml")
        let kept = try imported.run("apply", "-f", relabelled)
        XCTAssertEqual(kept.status, 0, kept.stderr)
        XCTAssertEqual(PodSecurity.policy(["pod-security.kubernetes.io/enforce": "strict"]).enforce.shown, "restricted:latest")
    }

    /// `ValidateNamespace` → `EvaluatePodsInNamespace`: labelling a namespace with a stricter
    /// enforce level warns of its running pods — the summary, then each distinct list of failed
    /// checks (reasons only) with its first pod by name and how many others
    /// (`decoratePodWarnings`), sorted — as the Pod Security docs' `kubectl label
    /// --dry-run=server` shows; nothing is refused or stopped. Relaxing it says nothing.
    func testAStricterEnforceLevelWarnsOfRunningPods() throws {
        let scratch = try Scratch(self)
        XCTAssertEqual(try scratch.run("cluster", "init").status, 0)
        let ns = { (labels: String) in try scratch.write("apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {\(labels)}}\n", "ns.yaml") }
        XCTAssertEqual(try scratch.run("apply", "-f", try ns("team: a")).status, 0)
        let web = try scratch.write(deploymentYAML("web", replicas: 2, spec: "containers: [{name: app, image: nginx:1.25}]")
            .replacingOccurrences(of: "metadata: {name: web}", with: "metadata: {name: web, namespace: shop}"), "web.yaml")
        XCTAssertEqual(try scratch.run("apply", "-f", web, "--wait", "--timeout", "60s").status, 0)
        let agent = try scratch.write("apiVersion: v1\nkind: Pod\nmetadata: {name: agent, namespace: shop}\nspec:\n  hostNetwork: true\n  containers: [{name: c, image: agent}]\n", "agent.yaml")
        XCTAssertEqual(try scratch.run("apply", "-f", agent).status, 0)
        let pods = try scratch.run("get", "pods", "-n", "shop", "-o", "name").stdout.split(separator: "\n").map { $0.replacingOccurrences(of: "pod/", with: "") }.filter { $0.hasPrefix("web-") }.sorted()
        XCTAssertEqual(pods.count, 2)
        let restricted = try scratch.run("apply", "-f", try ns("pod-security.kubernetes.io/enforce: restricted"))
        XCTAssertEqual(restricted.status, 0, restricted.stderr)
        XCTAssertEqual(restricted.stdout, "namespace/shop configured\n")
        XCTAssertEqual(restricted.stderr, """
            Warning: existing pods in namespace "shop" violate the new PodSecurity enforce level "restricted:latest"
            Warning: agent: host namespaces, allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, seccompProfile
            Warning: \(pods[0]) (and 1 other pod): allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, seccompProfile

            """)
        XCTAssertEqual(try scratch.run("get", "pods", "-n", "shop", "-o", "name").stdout.split(separator: "\n").count, 3, "running pods stay")
        XCTAssertEqual(try scratch.run("apply", "-f", try ns("pod-security.kubernetes.io/enforce: baseline")).stderr, "", "a relaxed level says nothing")
    }

    /// The rollout the Pod Security docs recommend — enforce baseline, warn restricted: pods are
    /// admitted, and a workload (or a pod) that baseline admits but restricted would not is
    /// warned of at the warn level; a namespace that only warns refuses nothing.
    func testTheWarnLevelWarnsWithoutRefusing() throws {
        let scratch = try Scratch(self)
        XCTAssertEqual(try scratch.run("cluster", "init").status, 0)
        let labels = "{pod-security.kubernetes.io/enforce: baseline, pod-security.kubernetes.io/warn: restricted, pod-security.kubernetes.io/warn-version: v1.32}"
        XCTAssertEqual(try scratch.run("apply", "-f", try scratch.write("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels: \(labels)\n", "ns.yaml")).status, 0)
        let plain = try scratch.write(deploymentYAML("web", replicas: 2, spec: "containers: [{name: app, image: nginx:1.25}]")
            .replacingOccurrences(of: "metadata: {name: web}", with: "metadata: {name: web, namespace: shop}"), "web.yaml")
        let applied = try scratch.run("apply", "-f", plain, "--wait", "--timeout", "60s")
        XCTAssertEqual(applied.status, 0, applied.stderr)
        XCTAssertTrue(applied.stderr.hasPrefix("Warning: would violate PodSecurity \"restricted:v1.32\": allowPrivilegeEscalation != false (container \"app\""), applied.stderr)
        XCTAssertEqual(try scratch.run("get", "pods", "-n", "shop", "-o", "name").stdout.split(separator: "\n").count, 2)
        let pod = try scratch.write("apiVersion: v1\nkind: Pod\nmetadata: {name: bare, namespace: shop}\nspec:\n  containers: [{name: c, image: nginx}]\n", "pod.yaml")
        let admitted = try scratch.run("apply", "-f", pod)
        XCTAssertEqual(admitted.status, 0, admitted.stderr)
        XCTAssertEqual(admitted.stdout, "pod/bare created\n")
        XCTAssertTrue(admitted.stderr.hasPrefix("Warning: would violate PodSecurity \"restricted:v1.32\": allowPrivilegeEscalation != false (container \"c\""), admitted.stderr)
        // Baseline still refuses what it forbids.
        let privileged = try scratch.write("apiVersion: v1\nkind: Pod\nmetadata: {name: root, namespace: shop}\nspec:\n  hostNetwork: true\n  containers: [{name: c, image: nginx}]\n", "root.yaml")
        let refused = try scratch.run("apply", "-f", privileged)
        XCTAssertEqual(refused.status, 2)
        XCTAssertTrue(refused.stderr.contains("violates PodSecurity \"baseline:latest\": host namespaces (hostNetwork=true)"), refused.stderr)
    }

    /// End to end: a Deployment in a restricted namespace makes no pod (FailedCreate with the
    /// pod's generated name: PodSecurity validates once the name is made), `plan` says
    /// `pod-security`, a hardened one rolls, and a bare pod is refused by `apply`.
    func testARestrictedNamespaceRefusesPlainPods() throws {
        let scratch = try Scratch(self)
        XCTAssertEqual(try scratch.run("cluster", "init").status, 0)
        XCTAssertEqual(try scratch.run("apply", "-f", try scratch.write("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: secure\n  labels: {pod-security.kubernetes.io/enforce: restricted}\n", "ns.yaml")).status, 0)
        let plain = try scratch.write(deploymentYAML("web", replicas: 2, spec: "containers: [{name: app, image: nginx:1.25}]")
            .replacingOccurrences(of: "metadata: {name: web}", with: "metadata: {name: web, namespace: secure}"), "web.yaml")
        let plan = try scratch.run("plan", "-f", plain, "--baseline-state", scratch.state)
        XCTAssertTrue(plan.stdout.contains("error[pod-security] deployment.apps/web: spec.template.spec: the API server refused pods during the rollout: pods \"web-"), plan.stdout)
        XCTAssertTrue(plan.stdout.contains("\" is forbidden: violates PodSecurity \"restricted:latest\": allowPrivilegeEscalation != false"), plan.stdout)
        // ValidatePodController: a workload's create is not refused, but warned of (the warn
        // level defaulting to the enforce level), which kubectl prints before its line.
        let applied = try scratch.run("apply", "-f", plain, "--wait", "--timeout", "10s")
        XCTAssertEqual(applied.status, 1)
        XCTAssertTrue(applied.stderr.hasPrefix("Warning: would violate PodSecurity \"restricted:latest\": allowPrivilegeEscalation != false (container \"app\" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities"), applied.stderr)
        XCTAssertEqual(applied.stdout.split(separator: "\n").first, "deployment.apps/web created")
        XCTAssertFalse(try scratch.run("apply", "-f", plain).stderr.contains("would violate"), "an unchanged template is not evaluated again")
        XCTAssertEqual(try scratch.run("get", "pods", "-n", "secure", "-o", "name").stdout, "")
        let hardened = try scratch.write(deploymentYAML("good", replicas: 1, spec: """
            securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
            containers: [{name: app, image: nginx:1.25, securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}}]
            """).replacingOccurrences(of: "metadata: {name: good}", with: "metadata: {name: good, namespace: secure}"), "good.yaml")
        XCTAssertEqual(try scratch.run("apply", "-f", hardened, "--wait", "--timeout", "60s").status, 0)
        let pod = try scratch.write("apiVersion: v1\nkind: Pod\nmetadata: {name: bare, namespace: secure}\nspec:\n  containers: [{name: c, image: nginx}]\n", "pod.yaml")
        let refused = try scratch.run("apply", "-f", pod)
        XCTAssertEqual(refused.status, 2)
        XCTAssertTrue(refused.stderr.contains("pods \"bare\" is forbidden: violates PodSecurity \"restricted:latest\": allowPrivilegeEscalation != false (container \"c\""), refused.stderr)
    }
}

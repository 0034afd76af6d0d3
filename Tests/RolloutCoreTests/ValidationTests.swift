import RolloutCore
import XCTest

/// Every validation rule, each with a manifest that breaks it and the message it gives
/// (field path and wording), plus the valid base that passes.
final class ValidationTests: XCTestCase {
    static let deployment = """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
      labels: {app: web}
    spec:
      replicas: 3
      selector:
        matchLabels: {app: web}
      template:
        metadata:
          labels: {app: web}
        spec:
          containers:
          - name: web
            image: nginx:1.27
            ports:
            - {name: http, containerPort: 8080}
            readinessProbe:
              httpGet: {path: /healthz, port: http}
            resources:
              requests: {cpu: 100m, memory: 128Mi}
              limits: {memory: 256Mi}
    """

    static let service = """
    apiVersion: v1
    kind: Service
    metadata:
      name: web
    spec:
      selector: {app: web}
      ports:
      - {name: http, port: 80, targetPort: http}
    """

    /// Errors of the first document of `yaml`, as `path: message` lines.
    func errors(_ yaml: String) throws -> [String] {
        let documents = try ManifestDecoder.decode([ManifestSource(name: "test.yaml", bytes: Array(yaml.utf8))]).documents
        var options = ApplyOptions()
        options.namespace = "default"
        do {
            _ = try Applier.prepare(documents, options: options)
            return []
        } catch let error as ValidationErrors {
            return error.objects.flatMap { $0.errors.map { "\($0.path): \($0.message)" } }
        }
    }

    func testValidBaseManifests() throws {
        XCTAssertEqual(try errors(Self.deployment), [])
        XCTAssertEqual(try errors(Self.service), [])
    }

    func testRules() throws {
        let d = Self.deployment, s = Self.service
        let cases: [(name: String, yaml: String, expected: String)] = [
            ("name must be DNS-1123", d.replacingOccurrences(of: "name: web\n  labels", with: "name: Web_1\n  labels"),
             "metadata.name: Invalid value: \"Web_1\": a lowercase RFC 1123 subdomain"),
            ("name required", d.replacingOccurrences(of: "  name: web\n  labels", with: "  labels"), "metadata.name: Required value"),
            ("label value", d.replacingOccurrences(of: "labels: {app: web}\nspec", with: "labels: {app: \"a b\"}\nspec"),
             "metadata.labels.app: Invalid value: \"a b\": a valid label must be an empty string"),
            ("label key", d.replacingOccurrences(of: "labels: {app: web}\nspec", with: "labels: {\"-bad\": x}\nspec"),
             "metadata.labels: Invalid value: \"-bad\": name part must consist of"),
            ("replicas non-negative", d.replacingOccurrences(of: "replicas: 3", with: "replicas: -1"),
             "spec.replicas: Invalid value: -1: must be greater than or equal to 0"),
            ("selector required", d.replacingOccurrences(of: "  selector:\n    matchLabels: {app: web}\n", with: ""), "spec.selector: Required value"),
            ("selector empty", d.replacingOccurrences(of: "    matchLabels: {app: web}\n", with: "    matchLabels: {}\n"),
             "spec.selector: Invalid value: {}: empty selector is invalid for deployment"),
            ("selector must match template", d.replacingOccurrences(of: "      labels: {app: web}\n    spec", with: "      labels: {app: api}\n    spec"),
             "spec.template.metadata.labels: Invalid value: \"app=api\": `selector` does not match template `labels`"),
            ("containers required", d.components(separatedBy: "      containers:")[0] + "      containers: []\n", "spec.template.spec.containers: Required value"),
            ("container name", d.replacingOccurrences(of: "- name: web\n", with: "- name: Web\n"),
             "spec.template.spec.containers[0].name: Invalid value: \"Web\": a lowercase RFC 1123 label"),
            ("image required", d.replacingOccurrences(of: "        image: nginx:1.27\n", with: ""), "spec.template.spec.containers[0].image: Required value"),
            ("port range", d.replacingOccurrences(of: "containerPort: 8080", with: "containerPort: 70000"),
             "spec.template.spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive"),
            // IsValidPortName (`apimachinery/pkg/util/validation`): each broken rule an error.
            ("port name", d.replacingOccurrences(of: "{name: http,", with: "{name: HTTP_1,"),
             "spec.template.spec.containers[0].ports[0].name: Invalid value: \"HTTP_1\": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)"),
            ("port name without a letter", d.replacingOccurrences(of: "{name: http,", with: "{name: \"8080\","),
             "spec.template.spec.containers[0].ports[0].name: Invalid value: \"8080\": must contain at least one letter (a-z)"),
            ("port name too long", d.replacingOccurrences(of: "{name: http,", with: "{name: sixteen-chars-xx,"),
             "spec.template.spec.containers[0].ports[0].name: Invalid value: \"sixteen-chars-xx\": must be no more than 15 characters"),
            ("port name with two hyphens", d.replacingOccurrences(of: "{name: http,", with: "{name: a--b,"),
             "spec.template.spec.containers[0].ports[0].name: Invalid value: \"a--b\": must not contain consecutive hyphens"),
            ("port name ending in a hyphen", d.replacingOccurrences(of: "{name: http,", with: "{name: http-,"),
             "spec.template.spec.containers[0].ports[0].name: Invalid value: \"http-\": must not begin or end with a hyphen"),
            ("duplicate port name", d.replacingOccurrences(of: "- {name: http, containerPort: 8080}", with: "- {name: http, containerPort: 8080}\n        - {name: http, containerPort: 9090}"),
             "spec.template.spec.containers[0].ports[1].name: Duplicate value: \"http\""),
            ("protocol", d.replacingOccurrences(of: "containerPort: 8080}", with: "containerPort: 8080, protocol: tcp}"),
             "spec.template.spec.containers[0].ports[0].protocol: Unsupported value: \"tcp\": supported values: \"SCTP\", \"TCP\", \"UDP\""),
            ("quantity", d.replacingOccurrences(of: "cpu: 100m", with: "cpu: 2 cores"),
             "spec.template.spec.containers[0].resources.requests.cpu: Invalid value: \"2 cores\": quantities must match"),
            ("requests above limits", d.replacingOccurrences(of: "memory: 128Mi", with: "memory: 1Gi"),
             "spec.template.spec.containers[0].resources.requests.memory: Invalid value: \"1Gi\": must be less than or equal to memory limit of 256Mi"),
            // validateSysctls and ValidateHostSysctl (validation.go): the name's grammar, once,
            // and no net.* one with hostNetwork, no IPC one with hostIPC (NormalizeName first).
            ("sysctl name", d.replacingOccurrences(of: "      containers:", with: "      securityContext: {sysctls: [{name: net..core, value: \"1\"}]}\n      containers:"),
             "spec.template.spec.securityContext.sysctls[0].name: Invalid value: \"net..core\": must have at most 253 characters and match regex ^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$"),
            ("sysctl twice", d.replacingOccurrences(of: "      containers:", with: "      securityContext: {sysctls: [{name: net.core.somaxconn, value: \"1\"}, {name: net.core.somaxconn, value: \"2\"}]}\n      containers:"),
             "spec.template.spec.securityContext.sysctls[1].name: Duplicate value: \"net.core.somaxconn\""),
            ("net sysctl with hostNetwork", d.replacingOccurrences(of: "      containers:", with: "      hostNetwork: true\n      securityContext: {sysctls: [{name: net.ipv4.ip_unprivileged_port_start, value: \"0\"}]}\n      containers:"),
             "spec.template.spec.securityContext.sysctls[0].name: Invalid value: \"net.ipv4.ip_unprivileged_port_start\": may not be specified when 'hostNetwork' is true"),
            ("IPC sysctl with hostIPC, slashes", d.replacingOccurrences(of: "      containers:", with: "      hostIPC: true\n      securityContext: {sysctls: [{name: kernel/shm_rmid_forced, value: \"1\"}]}\n      containers:"),
             "spec.template.spec.securityContext.sysctls[0].name: Invalid value: \"kernel/shm_rmid_forced\": may not be specified when 'hostIPC' is true"),
            // ValidatePodSpec → ValidateNodeName (NameIsDNSSubdomain).
            ("node name", d.replacingOccurrences(of: "      containers:", with: "      nodeName: Node_1\n      containers:"),
             "spec.template.spec.nodeName: Invalid value: \"Node_1\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"),
            ("restart policy", d.replacingOccurrences(of: "      containers:", with: "      restartPolicy: Never\n      containers:"),
             "spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\""),
            ("probe handler", d.replacingOccurrences(of: "httpGet: {path: /healthz, port: http}", with: "periodSeconds: 5"),
             "spec.template.spec.containers[0].readinessProbe: Required value: must specify a handler type"),
            // (0 is no error: the decoded zero is an omitted field, which SetDefaults_Probe makes 10.)
            ("probe period", d.replacingOccurrences(of: "httpGet: {path: /healthz, port: http}", with: "httpGet: {path: /healthz, port: http}\n          periodSeconds: -1"),
             "spec.template.spec.containers[0].readinessProbe.periodSeconds: Invalid value: -1: must be greater than or equal to 1"),
            ("both zero", d.replacingOccurrences(of: "  replicas: 3\n", with: "  replicas: 3\n  strategy:\n    rollingUpdate: {maxSurge: 0, maxUnavailable: 0}\n"),
             "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0"),
            ("zero percent counts as zero", d.replacingOccurrences(of: "  replicas: 3\n", with: "  replicas: 3\n  strategy:\n    rollingUpdate: {maxSurge: \"0%\", maxUnavailable: 0}\n"),
             "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0"),
            ("bad percent", d.replacingOccurrences(of: "  replicas: 3\n", with: "  replicas: 3\n  strategy:\n    rollingUpdate: {maxSurge: \"two\"}\n"),
             "spec.strategy.rollingUpdate.maxSurge: Invalid value: \"two\": a valid percent string must be"),
            ("unavailable above 100%", d.replacingOccurrences(of: "  replicas: 3\n", with: "  replicas: 3\n  strategy:\n    rollingUpdate: {maxUnavailable: \"150%\"}\n"),
             "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: \"150%\": must not be greater than 100%"),
            ("recreate with rollingUpdate", d.replacingOccurrences(of: "  replicas: 3\n", with: "  replicas: 3\n  strategy:\n    type: Recreate\n    rollingUpdate: {maxSurge: 1}\n"),
             "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"),
            ("strategy type", d.replacingOccurrences(of: "  replicas: 3\n", with: "  replicas: 3\n  strategy:\n    type: BlueGreen\n"),
             "spec.strategy.type: Unsupported value: \"BlueGreen\": supported values: \"Recreate\", \"RollingUpdate\""),
            ("deadline above minReady", d.replacingOccurrences(of: "  replicas: 3\n", with: "  replicas: 3\n  minReadySeconds: 30\n  progressDeadlineSeconds: 30\n"),
             "spec.progressDeadlineSeconds: Invalid value: 30: must be greater than minReadySeconds"),
            ("simulation annotation duration", d.replacingOccurrences(of: "      labels: {app: web}\n    spec", with: "      labels: {app: web}\n      annotations: {rollout.sim/startup: soon}\n    spec"),
             "spec.template.metadata.annotations[rollout.sim/startup]: Invalid value: \"soon\": expected a duration such as 5s or 1m30s"),
            ("unknown simulation annotation", d.replacingOccurrences(of: "      labels: {app: web}\n    spec", with: "      labels: {app: web}\n      annotations: {rollout.sim/warmup: 5s}\n    spec"),
             "spec.template.metadata.annotations[rollout.sim/warmup]: Unsupported value: \"rollout.sim/warmup\""),
            ("YAML 1.1 boolean", d.replacingOccurrences(of: "        image: nginx:1.27\n", with: "        image: nginx:1.27\n        env:\n        - {name: DEBUG, value: on}\n"),
             "spec.template.spec.containers[0].env[0].value: expected a string, found boolean true (YAML 1.1 reads 'on' as a boolean; quote it: \"on\")"),
            ("YAML number where a string is needed", d.replacingOccurrences(of: "labels: {app: web}\nspec", with: "labels: {app: web, version: 1.10}\nspec"),
             "metadata.labels.version: expected a string, found number 1.1 (YAML reads '1.10' as a number; quote it: \"1.10\")"),
            ("wrong type", d.replacingOccurrences(of: "replicas: 3", with: "replicas: three"),
             "spec.replicas: expected an integer, found string \"three\""),
            ("service name is DNS-1035", s.replacingOccurrences(of: "name: web\nspec", with: "name: 1web\nspec"),
             "metadata.name: Invalid value: \"1web\": a DNS-1035 label"),
            ("service ports required", s.components(separatedBy: "  ports:")[0], "spec.ports: Required value"),
            ("service port range", s.replacingOccurrences(of: "port: 80,", with: "port: 0,"),
             "spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive"),
            ("service duplicate port", s + "\n  - {name: other, port: 80}", "spec.ports[1]: Duplicate value: {\"port\": 80, \"protocol\": \"TCP\"}"),
            ("service port names needed", s + "\n  - {port: 81}", "spec.ports[1].name: Required value"),
            ("service type", s.replacingOccurrences(of: "  selector:", with: "  type: Ingress\n  selector:"),
             "spec.type: Unsupported value: \"Ingress\""),
            // ValidatePortNumOrName: a number written as a string is a name with no letter.
            ("target port as a string", s.replacingOccurrences(of: "targetPort: http}", with: "targetPort: \"80\"}"),
             "spec.ports[0].targetPort: Invalid value: \"80\": must contain at least one letter (a-z)"),
            ("node port on ClusterIP", s.replacingOccurrences(of: "targetPort: http}", with: "targetPort: http, nodePort: 30080}"),
             "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"),
            ("configmap data must be strings", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {replicas: 3}\n",
             "data.replicas: expected a string, found integer 3 (YAML reads '3' as a number; quote it: \"3\")"),
            ("secret data must be base64", "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {password: hunter2}\n",
             "data.password: Invalid value: illegal base64 data"),
            ("kind required", "apiVersion: v1\nmetadata: {name: x}\n", "kind: Required value"),
            // RBAC's names are path segments (`ValidateRBACName`: `system:controller:x` is one).
            ("role name with a slash", "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: a/b}\n",
             "metadata.name: Invalid value: \"a/b\": may not contain '/'"),
            ("role name dot-dot", "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: \"..\"}\n",
             "metadata.name: Invalid value: \"..\": may not be '..'"),
        ]
        for c in cases {
            let found = try errors(c.yaml)
            XCTAssertTrue(found.contains { $0.hasPrefix(c.expected) }, "\(c.name): expected \(c.expected)\ngot \(found)")
        }
    }

    func testErrorsNameFileObjectAndPosition() throws {
        let yaml = Self.deployment.replacingOccurrences(of: "replicas: 3", with: "replicas: -2")
        let documents = try ManifestDecoder.decode([ManifestSource(name: "web.yaml", bytes: Array(yaml.utf8))]).documents
        XCTAssertThrowsError(try Applier.prepare(documents, options: ApplyOptions())) { error in
            XCTAssertEqual("\(error)", "web.yaml: deployment.apps/web: spec.replicas: Invalid value: -2: must be greater than or equal to 0 (line 7, column 13)")
        }
    }

    func testDuplicateContainerPortIsAWarningAsInKubernetes() throws {
        let yaml = Self.deployment.replacingOccurrences(of: "- {name: http, containerPort: 8080}", with: "- {name: http, containerPort: 8080}\n        - {name: alt, containerPort: 8080}")
        let documents = try ManifestDecoder.decode([ManifestSource(name: "web.yaml", bytes: Array(yaml.utf8))]).documents
        let candidates = try Applier.prepare(documents, options: ApplyOptions())
        XCTAssertEqual(candidates.first?.warnings, ["web.yaml: deployment.apps/web: spec.template.spec.containers[0].ports[1]: duplicate port definition with spec.template.spec.containers[0].ports[0]"])
    }
}

/// `ValidatePodSpec` and `ValidatePodTemplateSpec` (`pkg/apis/core/validation/validation.go`),
/// the rules a rollout depends on, plus the `rollout.sim/*` annotations.
extension ObjectValidation {
    static func validatePodTemplate(_ template: PodTemplateSpec, at path: FieldPath, reader: inout FieldReader, workload: Bool) {
        validateLabels(template.labels, at: path / "metadata" / "labels", reader: &reader)
        validateAnnotations(template.annotations, at: path / "metadata" / "annotations", reader: &reader)
        if workload && template.spec.restartPolicy != "Always" {
            reader.fail(path / "spec" / "restartPolicy", "Unsupported value: \"\(template.spec.restartPolicy)\": supported values: \"Always\"")
        }
        validatePodSpec(template.spec, annotations: template.annotations, at: path / "spec", reader: &reader, annotationsPath: path / "metadata" / "annotations")
    }

    static func validatePodSpec(_ spec: PodSpec, annotations: [String: String], at path: FieldPath, reader: inout FieldReader, annotationsPath: FieldPath = FieldPath("metadata.annotations")) {
        if spec.containers.isEmpty {
            reader.fail(path / "containers", "Required value")
        }
        if !["Always", "OnFailure", "Never"].contains(spec.restartPolicy) {
            reader.fail(path / "restartPolicy", "Unsupported value: \"\(spec.restartPolicy)\": supported values: \"Always\", \"OnFailure\", \"Never\"")
        }
        if spec.terminationGracePeriodSeconds < 0 {
            reader.fail(path / "terminationGracePeriodSeconds", "Invalid value: \(spec.terminationGracePeriodSeconds): must be greater than or equal to 0")
        }
        var names: Set<String> = []
        var portNames: Set<String> = []
        for (key, containers) in [("initContainers", spec.initContainers), ("containers", spec.containers)] {
            for (i, container) in containers.enumerated() {
                let c = path / key |> i
                validateContainer(container, at: c, reader: &reader)
                if !container.name.isEmpty && !names.insert(container.name).inserted {
                    reader.fail(c / "name", "Duplicate value: \"\(container.name)\"")
                }
                for (j, port) in container.ports.enumerated() {
                    if let name = port.name, !name.isEmpty, !portNames.insert(name).inserted {
                        reader.fail(c / "ports" |> j / "name", "Duplicate value: \"\(name)\"")
                    }
                }
            }
        }
        // ValidatePodSpec: `ValidateNodeName` (NameIsDNSSubdomain) of a node the pod names.
        if let node = spec.nodeName, !node.isEmpty {
            for message in Validation.dns1123SubdomainErrors(node) { reader.fail(path / "nodeName", "Invalid value: \(GoQuote.quoted(node)): \(message)") }
        }
        validateSysctls(spec, at: path / "securityContext" / "sysctls", reader: &reader)
        validateSimulationAnnotations(annotations, containers: names, at: annotationsPath, reader: &reader)
    }

    /// `validateSysctls` (validation.go, on create: AllowNamespacedSysctlsForHostNetAndHostIPC
    /// off): each name a sysctl name (`IsValidSysctlName`, slashes allowed), once, and
    /// ValidateHostSysctl's — no `net.*` one with `hostNetwork`, no IPC one (`kernel.sem`,
    /// `kernel.shm*`, `kernel.msg*`, `fs.mqueue.*`) with `hostIPC` — by the namespace
    /// `GetNamespace` reads from the normalized name.
    static func validateSysctls(_ spec: PodSpec, at path: FieldPath, reader: inout FieldReader) {
        var seen: Set<String> = []
        for (i, name) in spec.sysctls.enumerated() {
            guard let name else { continue }
            let p = path |> i / "name"
            if name.isEmpty {
                reader.fail(p, "Required value")
            } else if !isValidSysctlName(name) {
                reader.fail(p, "Invalid value: \(GoQuote.quoted(name)): must have at most 253 characters and match regex ^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$")
            } else if seen.contains(name) {
                reader.fail(p, "Duplicate value: \(GoQuote.quoted(name))")
            }
            let normalized = normalizedSysctl(name)
            let ipc = normalized == "kernel.sem" || ["kernel.shm", "kernel.msg", "fs.mqueue."].contains { normalized.hasPrefix($0) }
            if spec.hostNetwork && normalized.hasPrefix("net.") {
                reader.fail(p, "Invalid value: \(GoQuote.quoted(name)): may not be specified when 'hostNetwork' is true")
            } else if spec.hostIPC && ipc {
                reader.fail(p, "Invalid value: \(GoQuote.quoted(name)): may not be specified when 'hostIPC' is true")
            }
            seen.insert(name)
        }
    }

    /// `sysctlContainSlashRegexp`: segments of `[a-z0-9]([-_a-z0-9]*[a-z0-9])?` joined by `.` or
    /// `/`, at most 253 characters.
    static func isValidSysctlName(_ name: String) -> Bool {
        guard name.utf8.count <= 253 else { return false }
        var segment: [UInt8] = []
        func valid(_ s: [UInt8]) -> Bool {
            guard let first = s.first, let last = s.last else { return false }
            func alnum(_ b: UInt8) -> Bool { (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) }
            return alnum(first) && alnum(last) && s.allSatisfy { alnum($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") }
        }
        for b in name.utf8 {
            if b == UInt8(ascii: ".") || b == UInt8(ascii: "/") {
                guard valid(segment) else { return false }
                segment = []
            } else {
                segment.append(b)
            }
        }
        return valid(segment)
    }

    /// `NormalizeName` (component-helpers/node/util/sysctl): a name whose first separator is a
    /// slash has its slashes and dots swapped.
    static func normalizedSysctl(_ name: String) -> String {
        guard let first = name.first(where: { $0 == "." || $0 == "/" }), first == "/" else { return name }
        return String(name.map { $0 == "/" ? "." : $0 == "." ? "/" : $0 })
    }

    static func validateContainer(_ container: Container, at path: FieldPath, reader: inout FieldReader) {
        if container.name.isEmpty {
            reader.fail(path / "name", "Required value")
        } else if !Validation.isDNS1123Label(container.name) {
            reader.fail(path / "name", "Invalid value: \"\(container.name)\": \(Validation.dns1123LabelMessage)")
        }
        if container.image.trimmingSpaces.isEmpty {
            reader.fail(path / "image", "Required value")
        } else if container.image != container.image.trimmingSpaces {
            reader.fail(path / "image", "Invalid value: \"\(container.image)\": must not have leading or trailing whitespace")
        }
        if let policy = container.imagePullPolicy, !["Always", "IfNotPresent", "Never"].contains(policy) {
            reader.fail(path / "imagePullPolicy", "Unsupported value: \"\(policy)\": supported values: \"Always\", \"IfNotPresent\", \"Never\"")
        }
        var seenPorts: [String: Int] = [:]
        // validateContainerPorts (`pkg/apis/core/validation`): the name (each of
        // IsValidPortName's messages; a name given twice: `validatePodSpec` above), then the
        // number (0: required).
        for (i, port) in container.ports.enumerated() {
            let p = path / "ports" |> i
            if let name = port.name, !name.isEmpty {
                for message in Validation.portNameErrors(name) { reader.fail(p / "name", "Invalid value: \(GoQuote.quoted(name)): \(message)") }
            }
            if port.containerPort == 0 {
                reader.fail(p / "containerPort", "Required value")
            } else if !(1...65535).contains(port.containerPort) {
                reader.fail(p / "containerPort", "Invalid value: \(port.containerPort): must be between 1 and 65535, inclusive")
            }
            if !["TCP", "UDP", "SCTP"].contains(port.protocol) {
                reader.fail(p / "protocol", "Unsupported value: \"\(port.protocol)\": supported values: \"SCTP\", \"TCP\", \"UDP\"")
            }
            // The API server accepts a repeated port with a warning (warnings.go), and so do we:
            // real manifests (ingress-nginx's) list one port twice under two names.
            let id = "\(port.containerPort)/\(port.protocol)"
            if let first = seenPorts[id] {
                reader.warn(path / "ports" |> i, "duplicate port definition with \(path / "ports" |> first)")
            } else {
                seenPorts[id] = i
            }
        }
        for (i, variable) in container.env.enumerated() where variable.name.isEmpty {
            reader.fail(path / "env" |> i / "name", "Required value")
        }
        for (name, request) in container.resources.requests {
            if request.compare(Quantity("0")!) < 0 {
                reader.fail(path / "resources" / "requests" / name, "Invalid value: \"\(request)\": must be greater than or equal to 0")
            }
            if let limit = container.resources.limits[name], request.compare(limit) > 0 {
                reader.fail(path / "resources" / "requests" / name, "Invalid value: \"\(request)\": must be less than or equal to \(name) limit of \(limit)")
            }
        }
        let probes: [(String, Probe?)] = [("readinessProbe", container.readinessProbe), ("livenessProbe", container.livenessProbe), ("startupProbe", container.startupProbe)]
        for (field, probe) in probes {
            guard let probe else { continue }
            validateProbe(probe, at: path / field, liveness: field != "readinessProbe", reader: &reader)
        }
    }

    static func validateProbe(_ probe: Probe, at path: FieldPath, liveness: Bool, reader: inout FieldReader) {
        if probe.handlers.isEmpty {
            reader.fail(path, "Required value: must specify a handler type (exec, httpGet, tcpSocket or grpc)")
        } else if probe.handlers.count > 1 {
            reader.fail(path, "Forbidden: may not specify more than 1 handler type")
        }
        for (value, field) in [(probe.initialDelaySeconds, "initialDelaySeconds"), (probe.timeoutSeconds, "timeoutSeconds"), (probe.periodSeconds, "periodSeconds"), (probe.successThreshold, "successThreshold"), (probe.failureThreshold, "failureThreshold")] {
            let minimum = field == "initialDelaySeconds" ? 0 : 1
            if value < minimum {
                reader.fail(path / field, "Invalid value: \(value): must be greater than or equal to \(minimum)")
            }
        }
        if liveness && probe.successThreshold != 1 {
            reader.fail(path / "successThreshold", "Invalid value: \(probe.successThreshold): must be 1")
        }
        for handler in probe.handlers {
            switch handler {
            case .httpGet(_, let port), .tcpSocket(let port): validateTargetPort(port, at: path, reader: &reader)
            default: break
            }
        }
    }

    /// `ValidatePortNumOrName`: a number in range, or a name with each of IsValidPortName's
    /// messages an error of its own (`"80"`, a number written as a string, has no letter).
    static func validateTargetPort(_ port: IntOrString, at path: FieldPath, reader: inout FieldReader) {
        switch port {
        case .int(let n) where !(1...65535).contains(n):
            reader.fail(path, "Invalid value: \(n): must be between 1 and 65535, inclusive")
        case .string(let s):
            for message in Validation.portNameErrors(s) { reader.fail(path, "Invalid value: \(GoQuote.quoted(s)): \(message)") }
        default:
            break
        }
    }

    /// The annotations that tell the simulation how the application behaves (SPEC §3); each
    /// may also be written per container, `rollout.sim/startup.CONTAINER`.
    public static let simulationAnnotations = ["rollout.sim/pull", "rollout.sim/startup", "rollout.sim/shutdown", "rollout.sim/ready", "rollout.sim/crash-after",
                                               "rollout.sim/exit-code", "rollout.sim/unready-after", "rollout.sim/unready-for"]

    static func validateSimulationAnnotations(_ annotations: [String: String], containers: Set<String>, at path: FieldPath, reader: inout FieldReader) {
        for (key, value) in annotations.sorted(by: { $0.key < $1.key }) where key.hasPrefix("rollout.sim/") {
            let p = path / key
            // The per-container form: the general key, a dot, a container of this pod.
            var general = key
            if !simulationAnnotations.contains(key), let dot = key.lastIndex(of: "."), simulationAnnotations.contains(String(key[..<dot])) {
                general = String(key[..<dot])
                let container = String(key[key.index(after: dot)...])
                if !containers.contains(container) {
                    reader.fail(p, "Invalid value: \"\(key)\": no container named \"\(container)\" in this pod (containers: \(containers.sorted().joined(separator: ", ")))")
                    continue
                }
            }
            switch general {
            case "rollout.sim/pull":
                let failFor = value.hasPrefix("fail-for=") ? Duration(parsing: String(value.dropFirst("fail-for=".count))) : nil
                if value != "fail" && failFor.map({ $0.milliseconds >= 0 }) != true && Duration(parsing: value).map({ $0.milliseconds >= 0 }) != true {
                    reader.fail(p, "Invalid value: \"\(value)\": expected a duration such as 5s or 1m30s, fail, or fail-for=DURATION")
                }
            case "rollout.sim/ready":
                if value != "never" && value != "always" {
                    reader.fail(p, "Invalid value: \"\(value)\": expected never (readiness never passes) or always")
                }
            case "rollout.sim/startup", "rollout.sim/shutdown", "rollout.sim/crash-after", "rollout.sim/unready-after", "rollout.sim/unready-for":
                if Duration(parsing: value).map({ $0.milliseconds >= 0 }) != true {
                    reader.fail(p, "Invalid value: \"\(value)\": expected a duration such as 5s or 1m30s")
                }
            case "rollout.sim/exit-code":
                if value != "OOMKilled" && Int(value).map({ (0...255).contains($0) }) != true {
                    reader.fail(p, "Invalid value: \"\(value)\": expected an exit code from 0 to 255, or OOMKilled")
                }
            default:
                reader.fail(p, "Unsupported value: \"\(key)\": supported annotations: \(simulationAnnotations.joined(separator: ", ")), each also as KEY.CONTAINER")
            }
        }
    }
}

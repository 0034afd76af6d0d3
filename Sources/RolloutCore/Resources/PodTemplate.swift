/// A probe as the kubelet runs it, with Kubernetes' defaults filled in.
public struct Probe: Equatable, Sendable {
    public enum Handler: Equatable, Sendable {
        case exec([String])
        case httpGet(path: String, port: IntOrString)
        case tcpSocket(port: IntOrString)
        case grpc(port: Int)
    }

    public var handlers: [Handler] = []
    public var initialDelaySeconds = 0
    public var timeoutSeconds = 1
    public var periodSeconds = 10
    public var successThreshold = 1
    public var failureThreshold = 3
    /// `terminationGracePeriodSeconds` of a liveness or startup probe: the grace of its kills.
    public var terminationGracePeriodSeconds: Int?

    init(_ object: Object, at path: FieldPath, reader: inout FieldReader) {
        handlers = Probe.handlers(object, at: path, reader: &reader)
        initialDelaySeconds = reader.int32(object["initialDelaySeconds"], path / "initialDelaySeconds", goStruct: "Probe") ?? 0
        timeoutSeconds = reader.int32(object["timeoutSeconds"], path / "timeoutSeconds", goStruct: "Probe") ?? 1
        periodSeconds = reader.int32(object["periodSeconds"], path / "periodSeconds", goStruct: "Probe") ?? 10
        successThreshold = reader.int32(object["successThreshold"], path / "successThreshold", goStruct: "Probe") ?? 1
        failureThreshold = reader.int32(object["failureThreshold"], path / "failureThreshold", goStruct: "Probe") ?? 3
        terminationGracePeriodSeconds = reader.int(object["terminationGracePeriodSeconds"], path / "terminationGracePeriodSeconds")
    }

    /// The handlers written (exactly one is valid), shared by probes and lifecycle hooks.
    static func handlers(_ object: Object, at path: FieldPath, reader: inout FieldReader) -> [Handler] {
        var handlers: [Handler] = []
        if let exec = reader.object(object["exec"], path / "exec") {
            let command = (reader.array(exec["command"], path / "exec" / "command") ?? []).enumerated().compactMap { i, v in
                reader.string(v, path / "exec" / "command" |> i)
            }
            handlers.append(.exec(command))
        }
        if let http = reader.object(object["httpGet"], path / "httpGet") {
            let port = reader.intOrString(http["port"], path / "httpGet" / "port")
            if port == nil && http["port"] == nil { reader.required(path / "httpGet" / "port") }
            handlers.append(.httpGet(path: reader.string(http["path"], path / "httpGet" / "path") ?? "/", port: port ?? .int(0)))
        }
        if let tcp = reader.object(object["tcpSocket"], path / "tcpSocket") {
            let port = reader.intOrString(tcp["port"], path / "tcpSocket" / "port")
            if port == nil && tcp["port"] == nil { reader.required(path / "tcpSocket" / "port") }
            handlers.append(.tcpSocket(port: port ?? .int(0)))
        }
        if let grpc = reader.object(object["grpc"], path / "grpc") {
            handlers.append(.grpc(port: reader.int32(grpc["port"], path / "grpc" / "port", goStruct: "GRPCAction") ?? 0))
        }
        return handlers
    }
}

/// `lifecycle.preStop`: what runs before SIGTERM.
public enum PreStopHook: Equatable, Sendable {
    case handler(Probe.Handler)
    case sleep(seconds: Int)
}

public struct ContainerPort: Equatable, Sendable {
    public var name: String?
    public var containerPort: Int
    public var `protocol`: String
    public var hostPort: Int?
    public var hostIP: String?
}

public struct EnvVar: Equatable, Sendable {
    public var name: String
    public var value: String?
}

/// A container's reference to a ConfigMap or Secret (`env[].valueFrom`, `envFrom`), which the
/// kubelet resolves before it creates the container (`makeEnvironmentVariables`).
public struct ConfigReference: Equatable, Sendable {
    public enum Kind: String, Sendable {
        case configMap = "ConfigMap"
        case secret = "Secret"
        /// `configmap "x" not found`, as the kubelet's watch-based managers word it.
        public var resource: String { self == .configMap ? "configmap" : "secret" }
    }
    public var kind: Kind
    public var name: String
    /// The key read (`valueFrom`); nil for a whole object (`envFrom`).
    public var key: String?
    public var optional: Bool
}

/// A volume's reference to a ConfigMap, Secret or PersistentVolumeClaim (projected sources
/// included), mounted before any container starts.
public struct VolumeReference: Equatable, Sendable {
    public enum Kind: String, Sendable {
        case configMap = "ConfigMap"
        case secret = "Secret"
        case persistentVolumeClaim = "PersistentVolumeClaim"
    }
    public var volume: String
    public var kind: Kind
    public var name: String
    /// Keys listed in `items`.
    public var keys: [String]
    public var optional: Bool
}

public struct ResourceRequirements: Equatable, Sendable {
    public var requests: [String: Quantity] = [:]
    public var limits: [String: Quantity] = [:]
}

public struct Container: Equatable, Sendable {
    public var name: String
    public var image: String
    public var ports: [ContainerPort] = []
    public var env: [EnvVar] = []
    public var resources = ResourceRequirements()
    public var readinessProbe: Probe?
    public var livenessProbe: Probe?
    public var startupProbe: Probe?
    public var preStop: PreStopHook?
    public var imagePullPolicy: String?
    /// `Always` on a native sidecar (an init container only).
    public var restartPolicy: String?
    public var configReferences: [ConfigReference] = []

    init(_ object: Object, at path: FieldPath, reader: inout FieldReader) {
        name = reader.string(object["name"], path / "name") ?? ""
        image = reader.string(object["image"], path / "image") ?? ""
        imagePullPolicy = reader.string(object["imagePullPolicy"], path / "imagePullPolicy")
        restartPolicy = reader.string(object["restartPolicy"], path / "restartPolicy")
        for (i, item) in (reader.array(object["ports"], path / "ports") ?? []).enumerated() {
            let p = path / "ports" |> i
            guard let port = reader.object(item, p) else { continue }
            let number = reader.int32(port["containerPort"], p / "containerPort", goStruct: "ContainerPort")
            if number == nil && port["containerPort"] == nil { reader.required(p / "containerPort") }
            ports.append(ContainerPort(name: reader.string(port["name"], p / "name"), containerPort: number ?? 0,
                                       protocol: reader.string(port["protocol"], p / "protocol") ?? "TCP",
                                       hostPort: reader.int32(port["hostPort"], p / "hostPort", goStruct: "ContainerPort"),
                                       hostIP: reader.string(port["hostIP"], p / "hostIP")))
        }
        for (i, item) in (reader.array(object["env"], path / "env") ?? []).enumerated() {
            let p = path / "env" |> i
            guard let variable = reader.object(item, p) else { continue }
            env.append(EnvVar(name: reader.string(variable["name"], p / "name") ?? "", value: reader.string(variable["value"], p / "value")))
            if let from = reader.object(variable["valueFrom"], p / "valueFrom") {
                for (field, kind) in [("configMapKeyRef", ConfigReference.Kind.configMap), ("secretKeyRef", .secret)] {
                    guard let ref = reader.object(from[field], p / "valueFrom" / field) else { continue }
                    configReferences.append(ConfigReference(kind: kind, name: reader.string(ref["name"], p / "valueFrom" / field / "name") ?? "",
                                                            key: reader.string(ref["key"], p / "valueFrom" / field / "key") ?? "",
                                                            optional: reader.bool(ref["optional"], p / "valueFrom" / field / "optional") ?? false))
                }
            }
        }
        for (i, item) in (reader.array(object["envFrom"], path / "envFrom") ?? []).enumerated() {
            let p = path / "envFrom" |> i
            guard let source = reader.object(item, p) else { continue }
            for (field, kind) in [("configMapRef", ConfigReference.Kind.configMap), ("secretRef", .secret)] {
                guard let ref = reader.object(source[field], p / field) else { continue }
                configReferences.append(ConfigReference(kind: kind, name: reader.string(ref["name"], p / field / "name") ?? "", key: nil,
                                                        optional: reader.bool(ref["optional"], p / field / "optional") ?? false))
            }
        }
        for (i, item) in (reader.array(object["args"], path / "args") ?? []).enumerated() { _ = reader.string(item, path / "args" |> i) }
        for (i, item) in (reader.array(object["command"], path / "command") ?? []).enumerated() { _ = reader.string(item, path / "command" |> i) }
        if let res = reader.object(object["resources"], path / "resources") {
            for field in ["requests", "limits"] {
                var quantities: [String: Quantity] = [:]
                for member in reader.object(res[field], path / "resources" / field)?.members ?? [] {
                    if let q = reader.quantity(member.value, path / "resources" / field / member.key) { quantities[member.key] = q }
                }
                if field == "requests" { resources.requests = quantities } else { resources.limits = quantities }
            }
        }
        if let probe = reader.object(object["readinessProbe"], path / "readinessProbe") { readinessProbe = Probe(probe, at: path / "readinessProbe", reader: &reader) }
        if let probe = reader.object(object["livenessProbe"], path / "livenessProbe") { livenessProbe = Probe(probe, at: path / "livenessProbe", reader: &reader) }
        if let probe = reader.object(object["startupProbe"], path / "startupProbe") { startupProbe = Probe(probe, at: path / "startupProbe", reader: &reader) }
        let preStopPath = path / "lifecycle" / "preStop"
        if let lifecycle = reader.object(object["lifecycle"], path / "lifecycle"), let pre = reader.object(lifecycle["preStop"], preStopPath) {
            if let sleep = reader.object(pre["sleep"], preStopPath / "sleep") {
                preStop = .sleep(seconds: reader.int(sleep["seconds"], preStopPath / "sleep" / "seconds") ?? 0)
            } else if let handler = Probe.handlers(pre, at: preStopPath, reader: &reader).first {
                preStop = .handler(handler)
            }
        }
    }
}

public struct PodSpec: Equatable, Sendable {
    public var containers: [Container] = []
    public var initContainers: [Container] = []
    public var terminationGracePeriodSeconds = 30
    public var restartPolicy = "Always"
    public var nodeName: String?
    public var volumes: [VolumeReference] = []
    /// `hostNetwork`, `hostIPC` and the names of `securityContext.sysctls` (as written; their
    /// types are the schema's to check).
    public var hostNetwork = false
    public var hostIPC = false
    public var sysctls: [String?] = []

    init(_ object: Object, at path: FieldPath, reader: inout FieldReader) {
        hostNetwork = object["hostNetwork"]?.boolValue ?? false
        hostIPC = object["hostIPC"]?.boolValue ?? false
        sysctls = (object["securityContext"]?["sysctls"]?.arrayValue ?? []).map { $0["name"]?.stringValue }
        let items = reader.array(object["containers"], path / "containers")
        for (i, item) in (items ?? []).enumerated() {
            if let c = reader.object(item, path / "containers" |> i) { containers.append(Container(c, at: path / "containers" |> i, reader: &reader)) }
        }
        for (i, item) in (reader.array(object["initContainers"], path / "initContainers") ?? []).enumerated() {
            if let c = reader.object(item, path / "initContainers" |> i) { initContainers.append(Container(c, at: path / "initContainers" |> i, reader: &reader)) }
        }
        terminationGracePeriodSeconds = reader.int(object["terminationGracePeriodSeconds"], path / "terminationGracePeriodSeconds") ?? 30
        restartPolicy = reader.string(object["restartPolicy"], path / "restartPolicy") ?? "Always"
        nodeName = reader.string(object["nodeName"], path / "nodeName")
        for (i, item) in (reader.array(object["volumes"], path / "volumes") ?? []).enumerated() {
            let p = path / "volumes" |> i
            guard let volume = reader.object(item, p) else { continue }
            let name = reader.string(volume["name"], p / "name") ?? ""
            func reference(_ source: Object, _ at: FieldPath, _ kind: VolumeReference.Kind, nameField: String) -> VolumeReference {
                let keys = (reader.array(source["items"], at / "items") ?? []).enumerated().compactMap { j, item in
                    reader.object(item, at / "items" |> j).flatMap { reader.string($0["key"], at / "items" |> j / "key") }
                }
                return VolumeReference(volume: name, kind: kind, name: reader.string(source[nameField], at / nameField) ?? "", keys: keys,
                                       optional: reader.bool(source["optional"], at / "optional") ?? false)
            }
            if let cm = reader.object(volume["configMap"], p / "configMap") { volumes.append(reference(cm, p / "configMap", .configMap, nameField: "name")) }
            if let secret = reader.object(volume["secret"], p / "secret") { volumes.append(reference(secret, p / "secret", .secret, nameField: "secretName")) }
            if let claim = reader.object(volume["persistentVolumeClaim"], p / "persistentVolumeClaim") {
                volumes.append(VolumeReference(volume: name, kind: .persistentVolumeClaim,
                                               name: reader.string(claim["claimName"], p / "persistentVolumeClaim" / "claimName") ?? "", keys: [], optional: false))
            }
            if let projected = reader.object(volume["projected"], p / "projected") {
                for (j, source) in (reader.array(projected["sources"], p / "projected" / "sources") ?? []).enumerated() {
                    let sp = p / "projected" / "sources" |> j
                    guard let source = reader.object(source, sp) else { continue }
                    if let cm = reader.object(source["configMap"], sp / "configMap") { volumes.append(reference(cm, sp / "configMap", .configMap, nameField: "name")) }
                    if let secret = reader.object(source["secret"], sp / "secret") { volumes.append(reference(secret, sp / "secret", .secret, nameField: "name")) }
                }
            }
        }
    }
}

/// A pod template (or a pod's own metadata and spec).
public struct PodTemplateSpec: Equatable, Sendable {
    public var labels: [String: String] = [:]
    public var annotations: [String: String] = [:]
    public var spec: PodSpec

    init(_ object: Object, at path: FieldPath, reader: inout FieldReader) {
        let meta = reader.object(object["metadata"], path / "metadata") ?? Object()
        labels = reader.stringMap(meta["labels"], path / "metadata" / "labels")
        annotations = reader.stringMap(meta["annotations"], path / "metadata" / "annotations")
        let specPath = path / "spec"
        spec = PodSpec(reader.object(object["spec"], specPath) ?? Object(), at: specPath, reader: &reader)
    }
}

infix operator |> : MultiplicationPrecedence
/// `path / "containers" |> 0` is `containers[0]`.
public func |> (path: FieldPath, index: Int) -> FieldPath { path.index(index) }

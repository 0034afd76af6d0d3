/// `spec.strategy` of a Deployment.
public enum DeploymentStrategy: Equatable, Sendable {
    case rollingUpdate(maxSurge: IntOrString, maxUnavailable: IntOrString)
    case recreate

    public var typeName: String {
        if case .recreate = self { return "Recreate" }
        return "RollingUpdate"
    }
}

/// The status the Deployment controller writes.
public struct DeploymentStatus: Equatable, Sendable {
    public var observedGeneration = 0
    public var replicas = 0
    public var updatedReplicas = 0
    public var readyReplicas = 0
    public var availableReplicas = 0
    public var unavailableReplicas = 0
    public var conditions: [Condition] = []

    init(_ object: Object?) {
        guard let object else { return }
        let int = { (key: String) in object[key]?.intValue ?? 0 }
        observedGeneration = int("observedGeneration")
        replicas = int("replicas")
        updatedReplicas = int("updatedReplicas")
        readyReplicas = int("readyReplicas")
        availableReplicas = int("availableReplicas")
        unavailableReplicas = int("unavailableReplicas")
        conditions = Condition.list(object["conditions"])
    }
}

/// A status condition (`Available`, `Progressing`, `Ready`, …).
public struct Condition: Equatable, Sendable {
    public var type: String
    public var status: String
    public var reason: String
    public var message: String
    public var lastUpdateTime: String?
    public var lastTransitionTime: String?

    public init(type: String, status: String, reason: String, message: String, lastUpdateTime: String? = nil, lastTransitionTime: String? = nil) {
        self.type = type
        self.status = status
        self.reason = reason
        self.message = message
        self.lastUpdateTime = lastUpdateTime
        self.lastTransitionTime = lastTransitionTime
    }

    static func list(_ value: Value?) -> [Condition] {
        (value?.arrayValue ?? []).compactMap { item in
            guard let type = item["type"]?.stringValue else { return nil }
            return Condition(type: type, status: item["status"]?.stringValue ?? "Unknown", reason: item["reason"]?.stringValue ?? "",
                             message: item["message"]?.stringValue ?? "", lastUpdateTime: item["lastUpdateTime"]?.stringValue,
                             lastTransitionTime: item["lastTransitionTime"]?.stringValue)
        }
    }
}

/// A Deployment, decoded with Kubernetes' defaults (SPEC §2).
public struct Deployment: Equatable, Sendable {
    public var metadata: ObjectMeta
    public var replicas: Int
    public var selector: LabelSelector?
    public var template: PodTemplateSpec
    public var strategy: DeploymentStrategy
    public var minReadySeconds: Int
    public var revisionHistoryLimit: Int
    public var progressDeadlineSeconds: Int
    public var paused: Bool
    public var status: DeploymentStatus
    /// `rollingUpdate` written under `type: Recreate`, which validation forbids.
    public var recreateWithRollingUpdate = false

    public init(_ resource: Resource, reader: inout FieldReader) {
        let object = resource.object
        metadata = ObjectMeta(of: object, reader: &reader)
        let spec = FieldPath("spec")
        let s = reader.object(object["spec"], spec) ?? Object()
        replicas = reader.int32(s["replicas"], spec / "replicas", goStruct: "DeploymentSpec") ?? 1
        selector = LabelSelector.decode(s["selector"], at: spec / "selector", reader: &reader)
        template = PodTemplateSpec(reader.object(s["template"], spec / "template") ?? Object(), at: spec / "template", reader: &reader)
        let strategyObject = reader.object(s["strategy"], spec / "strategy") ?? Object()
        let type = reader.string(strategyObject["type"], spec / "strategy" / "type") ?? "RollingUpdate"
        if type != "Recreate" && type != "RollingUpdate" {
            reader.fail(spec / "strategy" / "type", "Unsupported value: \"\(type)\": supported values: \"Recreate\", \"RollingUpdate\"")
        }
        if type == "Recreate" {
            strategy = .recreate
            recreateWithRollingUpdate = strategyObject["rollingUpdate"].map { $0 != .null } ?? false
        } else {
            let rolling = reader.object(strategyObject["rollingUpdate"], spec / "strategy" / "rollingUpdate") ?? Object()
            let path = spec / "strategy" / "rollingUpdate"
            strategy = .rollingUpdate(maxSurge: reader.intOrString(rolling["maxSurge"], path / "maxSurge") ?? .string("25%"),
                                      maxUnavailable: reader.intOrString(rolling["maxUnavailable"], path / "maxUnavailable") ?? .string("25%"))
        }
        minReadySeconds = reader.int32(s["minReadySeconds"], spec / "minReadySeconds", goStruct: "DeploymentSpec") ?? 0
        revisionHistoryLimit = reader.int32(s["revisionHistoryLimit"], spec / "revisionHistoryLimit", goStruct: "DeploymentSpec") ?? 10
        progressDeadlineSeconds = reader.int32(s["progressDeadlineSeconds"], spec / "progressDeadlineSeconds", goStruct: "DeploymentSpec") ?? 600
        paused = reader.bool(s["paused"], spec / "paused") ?? false
        status = DeploymentStatus(object["status"]?.objectValue)
    }
}

/// A ReplicaSet, decoded with Kubernetes' defaults.
public struct ReplicaSet: Equatable, Sendable {
    public var metadata: ObjectMeta
    public var replicas: Int
    public var minReadySeconds: Int
    public var selector: LabelSelector?
    public var template: PodTemplateSpec

    public init(_ resource: Resource, reader: inout FieldReader) {
        let object = resource.object
        metadata = ObjectMeta(of: object, reader: &reader)
        let spec = FieldPath("spec")
        let s = reader.object(object["spec"], spec) ?? Object()
        replicas = reader.int32(s["replicas"], spec / "replicas", goStruct: "ReplicaSetSpec") ?? 1
        minReadySeconds = reader.int32(s["minReadySeconds"], spec / "minReadySeconds", goStruct: "ReplicaSetSpec") ?? 0
        selector = LabelSelector.decode(s["selector"], at: spec / "selector", reader: &reader)
        template = PodTemplateSpec(reader.object(s["template"], spec / "template") ?? Object(), at: spec / "template", reader: &reader)
    }
}

extension LabelSelector {
    /// Reads a `metav1.LabelSelector`; nil when absent.
    static func decode(_ value: Value?, at path: FieldPath, reader: inout FieldReader) -> LabelSelector? {
        guard let object = reader.object(value, path) else { return nil }
        var selector = LabelSelector(matchLabels: reader.stringMap(object["matchLabels"], path / "matchLabels"))
        for (i, item) in (reader.array(object["matchExpressions"], path / "matchExpressions") ?? []).enumerated() {
            let p = path / "matchExpressions" |> i
            guard let expression = reader.object(item, p) else { continue }
            let key = reader.string(expression["key"], p / "key") ?? ""
            let opText = reader.string(expression["operator"], p / "operator") ?? ""
            let values = (reader.array(expression["values"], p / "values") ?? []).enumerated().compactMap { j, v in reader.string(v, p / "values" |> j) }
            guard let op = Operator(rawValue: opText), [.in, .notIn, .exists, .doesNotExist].contains(op) else {
                reader.fail(p / "operator", "Unsupported value: \"\(opText)\": supported values: \"In\", \"NotIn\", \"Exists\", \"DoesNotExist\"")
                continue
            }
            if (op == .in || op == .notIn) && values.isEmpty {
                reader.fail(p / "values", "Required value: must be specified when `operator` is 'In' or 'NotIn'")
            }
            if (op == .exists || op == .doesNotExist) && !values.isEmpty {
                reader.fail(p / "values", "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'")
            }
            selector.requirements.append(Requirement(key: key, op: op, values: values))
        }
        return selector
    }
}

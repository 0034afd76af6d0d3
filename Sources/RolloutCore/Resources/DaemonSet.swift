/// `spec.updateStrategy` of a DaemonSet.
public enum DaemonSetUpdateStrategy: Equatable, Sendable {
    case rollingUpdate(maxUnavailable: IntOrString, maxSurge: IntOrString)
    case onDelete
}

/// The status the DaemonSet controller writes (`apps/v1` DaemonSetStatus).
public struct DaemonSetStatus: Equatable, Sendable {
    public var currentNumberScheduled = 0
    public var numberMisscheduled = 0
    public var desiredNumberScheduled = 0
    public var numberReady = 0
    public var observedGeneration = 0
    public var updatedNumberScheduled = 0
    public var numberAvailable = 0
    public var numberUnavailable = 0

    public init() {}

    init(_ object: Object?) {
        guard let object else { return }
        let int = { (key: String) in object[key]?.intValue ?? 0 }
        currentNumberScheduled = int("currentNumberScheduled")
        numberMisscheduled = int("numberMisscheduled")
        desiredNumberScheduled = int("desiredNumberScheduled")
        numberReady = int("numberReady")
        observedGeneration = int("observedGeneration")
        updatedNumberScheduled = int("updatedNumberScheduled")
        numberAvailable = int("numberAvailable")
        numberUnavailable = int("numberUnavailable")
    }

    /// As the API server stores it: the four required counts always, the others when not 0.
    var object: Object {
        var o = Object([
            "currentNumberScheduled": .int(currentNumberScheduled), "numberMisscheduled": .int(numberMisscheduled),
            "desiredNumberScheduled": .int(desiredNumberScheduled), "numberReady": .int(numberReady),
        ])
        if observedGeneration != 0 { o["observedGeneration"] = .int(observedGeneration) }
        if updatedNumberScheduled != 0 { o["updatedNumberScheduled"] = .int(updatedNumberScheduled) }
        if numberAvailable != 0 { o["numberAvailable"] = .int(numberAvailable) }
        if numberUnavailable != 0 { o["numberUnavailable"] = .int(numberUnavailable) }
        return o
    }
}

/// A DaemonSet, decoded with Kubernetes' defaults (`SetDefaults_DaemonSet`).
public struct DaemonSet: Equatable, Sendable {
    public var metadata: ObjectMeta
    public var selector: LabelSelector?
    public var template: PodTemplateSpec
    public var updateStrategy: DaemonSetUpdateStrategy
    public var minReadySeconds: Int
    public var revisionHistoryLimit: Int
    public var status: DaemonSetStatus
    /// `spec.updateStrategy.type` as written, for validation.
    var typeText: String
    var hasRollingUpdateBlock: Bool

    /// `deprecated.daemonset.template.generation`: the API server counts template changes in it
    /// (`pkg/registry/apps/daemonset/strategy.go`), and pods carry it as `pod-template-generation`.
    public static let templateGenerationAnnotation = "deprecated.daemonset.template.generation"

    public init(_ resource: Resource, reader: inout FieldReader) {
        let object = resource.object
        metadata = ObjectMeta(of: object, reader: &reader)
        let spec = FieldPath("spec")
        let s = reader.object(object["spec"], spec) ?? Object()
        selector = LabelSelector.decode(s["selector"], at: spec / "selector", reader: &reader)
        template = PodTemplateSpec(reader.object(s["template"], spec / "template") ?? Object(), at: spec / "template", reader: &reader)
        let strategyPath = spec / "updateStrategy"
        let strategy = reader.object(s["updateStrategy"], strategyPath) ?? Object()
        typeText = reader.string(strategy["type"], strategyPath / "type") ?? ""
        let rolling = reader.object(strategy["rollingUpdate"], strategyPath / "rollingUpdate")
        hasRollingUpdateBlock = rolling != nil
        if typeText == "OnDelete" {
            updateStrategy = .onDelete
        } else {
            let path = strategyPath / "rollingUpdate"
            updateStrategy = .rollingUpdate(maxUnavailable: rolling.flatMap { reader.intOrString($0["maxUnavailable"], path / "maxUnavailable") } ?? .int(1),
                                            maxSurge: rolling.flatMap { reader.intOrString($0["maxSurge"], path / "maxSurge") } ?? .int(0))
        }
        minReadySeconds = reader.int32(s["minReadySeconds"], spec / "minReadySeconds", goStruct: "DaemonSetSpec") ?? 0
        revisionHistoryLimit = reader.int32(s["revisionHistoryLimit"], spec / "revisionHistoryLimit", goStruct: "DaemonSetSpec") ?? 10
        status = DaemonSetStatus(object["status"]?.objectValue)
    }

    /// `updatedDesiredNodeCounts`: the surge and the unavailability allowed over `desired`
    /// nodes, both rounded up (SurgeCount, UnavailableCount: `GetScaledValueFromIntOrPercent(…,
    /// true)`); both 0 is taken as 1 unavailable. OnDelete: none.
    public func rollingLimits(desired: Int) -> (surge: Int, unavailable: Int) {
        guard case .rollingUpdate(let unavailableValue, let surgeValue) = updateStrategy else { return (0, 0) }
        var unavailable = unavailableValue.scaled(total: desired, roundUp: true) ?? 0
        let surge = surgeValue.scaled(total: desired, roundUp: true) ?? 0
        if desired > 0 && unavailable == 0 && surge == 0 { unavailable = 1 }
        return (surge, unavailable)
    }

    /// The stored template generation (1 when absent).
    public static func templateGeneration(_ resource: Resource) -> Int {
        resource.annotations[templateGenerationAnnotation].flatMap(Int.init) ?? 1
    }
}

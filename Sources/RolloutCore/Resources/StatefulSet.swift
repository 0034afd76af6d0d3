/// `spec.updateStrategy` of a StatefulSet.
public enum StatefulSetUpdateStrategy: Equatable, Sendable {
    /// `partition` is nil when `rollingUpdate` is absent: written as `type: RollingUpdate` with
    /// no `rollingUpdate`, which defaulting leaves so (`SetDefaults_StatefulSet` fills it in only
    /// when the type was empty). `maxUnavailable` is read but only honoured with the
    /// MaxUnavailableStatefulSet gate, alpha and off in 1.32.
    case rollingUpdate(partition: Int?, maxUnavailable: IntOrString?)
    case onDelete

    public var typeName: String {
        if case .onDelete = self { return "OnDelete" }
        return "RollingUpdate"
    }
}

/// The status the StatefulSet controller writes (`apps/v1` StatefulSetStatus).
public struct StatefulSetStatus: Equatable, Sendable {
    public var observedGeneration = 0
    public var replicas = 0
    public var readyReplicas = 0
    public var currentReplicas = 0
    public var updatedReplicas = 0
    public var availableReplicas = 0
    public var currentRevision = ""
    public var updateRevision = ""
    public var collisionCount: Int?

    public init() {}

    init(_ object: Object?) {
        guard let object else { return }
        let int = { (key: String) in object[key]?.intValue ?? 0 }
        observedGeneration = int("observedGeneration")
        replicas = int("replicas")
        readyReplicas = int("readyReplicas")
        currentReplicas = int("currentReplicas")
        updatedReplicas = int("updatedReplicas")
        availableReplicas = int("availableReplicas")
        currentRevision = object["currentRevision"]?.stringValue ?? ""
        updateRevision = object["updateRevision"]?.stringValue ?? ""
        collisionCount = object["collisionCount"]?.intValue
    }

    /// As the API server stores it: zero counts left out (`omitempty`), `replicas` always.
    var object: Object {
        var o = Object()
        if observedGeneration != 0 { o["observedGeneration"] = .int(observedGeneration) }
        o["replicas"] = .int(replicas)
        if readyReplicas != 0 { o["readyReplicas"] = .int(readyReplicas) }
        if currentReplicas != 0 { o["currentReplicas"] = .int(currentReplicas) }
        if updatedReplicas != 0 { o["updatedReplicas"] = .int(updatedReplicas) }
        if !currentRevision.isEmpty { o["currentRevision"] = .string(currentRevision) }
        if !updateRevision.isEmpty { o["updateRevision"] = .string(updateRevision) }
        if let collisionCount { o["collisionCount"] = .int(collisionCount) }
        o["availableReplicas"] = .int(availableReplicas)
        return o
    }
}

/// A StatefulSet, decoded with Kubernetes' defaults (`pkg/apis/apps/v1/defaults.go`
/// SetDefaults_StatefulSet).
public struct StatefulSet: Equatable, Sendable {
    public var metadata: ObjectMeta
    public var replicas: Int
    public var selector: LabelSelector?
    public var template: PodTemplateSpec
    public var serviceName: String
    /// `OrderedReady` (the default) or `Parallel`.
    public var podManagementPolicy: String
    public var updateStrategy: StatefulSetUpdateStrategy
    public var minReadySeconds: Int
    public var revisionHistoryLimit: Int
    /// `spec.ordinals.start` (StatefulSetStartOrdinal, GA in 1.31).
    public var startOrdinal: Int
    /// The claim templates' names, in order.
    public var volumeClaimTemplates: [String]
    /// `persistentVolumeClaimRetentionPolicy` (StatefulSetAutoDeletePVC, beta and on in 1.32).
    public var whenDeleted: String
    public var whenScaled: String
    public var status: StatefulSetStatus

    public static let policies = ["OrderedReady", "Parallel"]
    public static let retentionPolicies = ["Retain", "Delete"]

    public init(_ resource: Resource, reader: inout FieldReader) {
        let object = resource.object
        metadata = ObjectMeta(of: object, reader: &reader)
        let spec = FieldPath("spec")
        let s = reader.object(object["spec"], spec) ?? Object()
        replicas = reader.int32(s["replicas"], spec / "replicas", goStruct: "StatefulSetSpec") ?? 1
        selector = LabelSelector.decode(s["selector"], at: spec / "selector", reader: &reader)
        template = PodTemplateSpec(reader.object(s["template"], spec / "template") ?? Object(), at: spec / "template", reader: &reader)
        serviceName = reader.string(s["serviceName"], spec / "serviceName") ?? ""
        podManagementPolicy = reader.string(s["podManagementPolicy"], spec / "podManagementPolicy") ?? "OrderedReady"
        let strategyPath = spec / "updateStrategy"
        let strategyObject = reader.object(s["updateStrategy"], strategyPath) ?? Object()
        let type = reader.string(strategyObject["type"], strategyPath / "type") ?? ""
        let rolling = reader.object(strategyObject["rollingUpdate"], strategyPath / "rollingUpdate")
        let rollingPath = strategyPath / "rollingUpdate"
        let partition = rolling.map { reader.int32($0["partition"], rollingPath / "partition", goStruct: "RollingUpdateStatefulSetStrategy") ?? 0 }
        let maxUnavailable = rolling.flatMap { reader.intOrString($0["maxUnavailable"], rollingPath / "maxUnavailable") }
        switch type {
        case "OnDelete": updateStrategy = .onDelete
        // An empty type defaults to RollingUpdate with `rollingUpdate: {partition: 0}`.
        case "": updateStrategy = .rollingUpdate(partition: partition ?? 0, maxUnavailable: maxUnavailable)
        default: updateStrategy = .rollingUpdate(partition: partition, maxUnavailable: maxUnavailable)
        }
        minReadySeconds = reader.int32(s["minReadySeconds"], spec / "minReadySeconds", goStruct: "StatefulSetSpec") ?? 0
        revisionHistoryLimit = reader.int32(s["revisionHistoryLimit"], spec / "revisionHistoryLimit", goStruct: "StatefulSetSpec") ?? 10
        let ordinals = reader.object(s["ordinals"], spec / "ordinals")
        startOrdinal = ordinals.flatMap { reader.int32($0["start"], spec / "ordinals" / "start", goStruct: "StatefulSetOrdinals") } ?? 0
        volumeClaimTemplates = (reader.array(s["volumeClaimTemplates"], spec / "volumeClaimTemplates") ?? []).enumerated().map { i, v in
            let p = spec / "volumeClaimTemplates" |> i
            let meta = reader.object(v, p).flatMap { reader.object($0["metadata"], p / "metadata") } ?? Object()
            return reader.string(meta["name"], p / "metadata" / "name") ?? ""
        }
        let retention = reader.object(s["persistentVolumeClaimRetentionPolicy"], spec / "persistentVolumeClaimRetentionPolicy") ?? Object()
        whenDeleted = reader.string(retention["whenDeleted"], spec / "persistentVolumeClaimRetentionPolicy" / "whenDeleted") ?? "Retain"
        whenScaled = reader.string(retention["whenScaled"], spec / "persistentVolumeClaimRetentionPolicy" / "whenScaled") ?? "Retain"
        status = StatefulSetStatus(object["status"]?.objectValue)
        typeText = type
        hasRollingUpdateBlock = rolling != nil
    }

    /// `spec.updateStrategy.rollingUpdate` is written, for validation.
    var hasRollingUpdateBlock: Bool

    /// `spec.updateStrategy.type` as written ("" when absent), for validation.
    var typeText: String

    /// `allowsBurst`: Parallel pod management creates and deletes without waiting.
    public var allowsBurst: Bool { podManagementPolicy == "Parallel" }

    /// `getStartOrdinal` / `getEndOrdinal`: the ordinals the replicas have.
    public var ordinals: Range<Int> { startOrdinal..<(startOrdinal + max(0, replicas)) }

    /// The partition, 0 for OnDelete or a RollingUpdate written without `rollingUpdate`.
    public var partition: Int {
        if case .rollingUpdate(let p, _) = updateStrategy { return p ?? 0 }
        return 0
    }
}

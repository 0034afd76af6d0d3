/// A `policy/v1` PodDisruptionBudget, decoded once for validation, `lint`, the disruption
/// controller and the eviction API.
public struct PodDisruptionBudget: Sendable {
    public static let type = ResourceType.forObject(apiVersion: "policy/v1", kind: "PodDisruptionBudget")

    public var namespace: String
    public var name: String
    public var minAvailable: IntOrString?
    public var maxUnavailable: IntOrString?
    /// nil matches no pod; an empty selector (`selector: {}`) every pod of the namespace
    /// (policy/v1 semantics).
    public var selector: LabelSelector?
    /// `IfHealthyBudget` (also when unset) or `AlwaysAllow`.
    public var unhealthyPodEvictionPolicy: String?
    public var generation: Int

    public init(_ resource: Resource, reader: inout FieldReader) {
        namespace = resource.namespace ?? "default"
        name = resource.name
        generation = resource.generation
        let spec = FieldPath("spec")
        let s = resource.object["spec"]
        minAvailable = reader.intOrString(s?["minAvailable"], spec / "minAvailable")
        maxUnavailable = reader.intOrString(s?["maxUnavailable"], spec / "maxUnavailable")
        selector = LabelSelector.decode(s?["selector"], at: spec / "selector", reader: &reader)
        unhealthyPodEvictionPolicy = reader.string(s?["unhealthyPodEvictionPolicy"], spec / "unhealthyPodEvictionPolicy")
    }

    /// Reads a stored budget (validated when it was applied).
    public init(_ resource: Resource) {
        var reader = FieldReader()
        self.init(resource, reader: &reader)
    }

    public func selects(_ labels: [String: String]) -> Bool {
        selector?.matches(labels) ?? false
    }
}

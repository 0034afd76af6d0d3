/// The Priority admission plugin (`plugin/pkg/admission/priority/admission.go`: admitPod,
/// getDefaultPriority, getDefaultPriorityClass), shared by every way a pod is created — applied,
/// served, or made by a ReplicaSet, StatefulSet or DaemonSet: on create, a pod's
/// `spec.priority` and `spec.preemptionPolicy` come from its PriorityClass — the one
/// `priorityClassName` names; with none named, the global default (the lowest value among the
/// classes marked `globalDefault`), whose name the pod then gets; with no global default,
/// priority 0 and `PreemptLowerPriority`. A name no class has, or a priority or policy
/// written in the pod that differs from the class's, is forbidden. The system classes
/// (`SystemPriorityClasses`, `pkg/apis/scheduling/helpers.go`) always exist: the API server
/// creates them at every start.
public struct PriorityClasses: Sendable {
    public static let type = ResourceType.forObject(apiVersion: "scheduling.k8s.io/v1", kind: "PriorityClass")

    /// What admission takes from a class.
    struct Class: Sendable, Equatable {
        var value: Int
        /// `PreemptLowerPriority` unless the class says `Never` (SetDefaults_PriorityClass).
        var preemptionPolicy: String
        var globalDefault: Bool
    }

    /// `scheduling.SystemCriticalPriority` (2 × HighestUserDefinablePriority) and the two
    /// classes at and above it.
    static let systemCriticalPriority = 2_000_000_000
    static let system: [String: Class] = [
        "system-node-critical": Class(value: systemCriticalPriority + 1000, preemptionPolicy: "PreemptLowerPriority", globalDefault: false),
        "system-cluster-critical": Class(value: systemCriticalPriority, preemptionPolicy: "PreemptLowerPriority", globalDefault: false),
    ]
    /// Their descriptions, as the API server stores them (`SystemPriorityClasses`).
    static let systemDescriptions = [
        "system-node-critical": "Used for system critical pods that must not be moved from their current node.",
        "system-cluster-critical": "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.",
    ]

    private var classes: [String: Class]

    /// The system classes and the stored ones (a stored class of a system name does not
    /// replace it: validation forbids one that differs).
    public init(stored: [Resource] = []) {
        classes = Self.system
        for resource in stored where Self.system[resource.name] == nil {
            guard let value = resource.object["value"]?.intValue else { continue }
            classes[resource.name] = Class(value: value, preemptionPolicy: resource.object["preemptionPolicy"]?.stringValue ?? "PreemptLowerPriority",
                                           globalDefault: resource.object["globalDefault"]?.boolValue ?? false)
        }
    }

    /// The classes of a state: the system ones and those stored.
    public init(store: StateStore) throws(StoreError) {
        self.init(stored: try store.list(Self.type))
    }

    /// IsKnownSystemPriorityClass: why a class of a `system-` name is not one of the system
    /// classes as they are (nil when it is).
    static func systemClassProblem(name: String, value: Int, globalDefault: Bool) -> String? {
        guard let known = system[name] else { return "\(name) is not a known system priority class" }
        if known.value != value { return "value of \(name) PriorityClass must be \(known.value)" }
        if known.globalDefault != globalDefault { return "globalDefault of \(name) PriorityClass must be \(known.globalDefault)" }
        return nil
    }

    /// validatePriorityClass (the plugin's check of PriorityClass writes): a class marked
    /// global default while another already is — on create, or an update of another class —
    /// is forbidden (the message after `priorityclasses.scheduling.k8s.io "name" is
    /// forbidden: `).
    func admitClass(_ resource: Resource) -> String? {
        guard resource.object["globalDefault"]?.boolValue == true, let (name, _) = globalDefault, name != resource.name else { return nil }
        return "PriorityClass \(name) is already marked as default. Only one default can exist"
    }

    /// Whether a class of this name exists.
    func contains(_ name: String) -> Bool { classes[name] != nil }

    /// getDefaultPriorityClass: of the classes marked global default, the lowest value
    /// ("in case more than one global default priority class is added as a result of a race
    /// condition"); ties, which the lister's order decides upstream, by name here.
    private var globalDefault: (name: String, class: Class)? {
        var chosen: (name: String, class: Class)?
        for (name, one) in classes where one.globalDefault {
            if let c = chosen, c.class.value < one.value || (c.class.value == one.value && c.name < name) { continue }
            chosen = (name, one)
        }
        return chosen
    }

    /// admitPod on create: completes the pod's spec, or says why the pod is forbidden (the
    /// message after `pods "name" is forbidden: `).
    func admit(_ spec: inout Object) -> String? {
        let name = spec["priorityClassName"]?.stringValue ?? ""
        let priority: Int, preemptionPolicy: String
        if name.isEmpty {
            if let (defaultName, defaultClass) = globalDefault {
                spec["priorityClassName"] = .string(defaultName)
                (priority, preemptionPolicy) = (defaultClass.value, defaultClass.preemptionPolicy)
            } else {
                // scheduling.DefaultPriorityWhenNoDefaultClassExists.
                (priority, preemptionPolicy) = (0, "PreemptLowerPriority")
            }
        } else {
            guard let named = classes[name] else { return "no PriorityClass with name \(name) was found" }
            (priority, preemptionPolicy) = (named.value, named.preemptionPolicy)
        }
        if let written = spec["priority"], written != .null, written.intValue != priority {
            return "the integer value of priority (\(Self.text(written))) must not be provided in pod spec; priority admission controller computed \(priority) from the given PriorityClass name"
        }
        spec["priority"] = .int(priority)
        if let written = spec["preemptionPolicy"], written != .null, written.stringValue != preemptionPolicy {
            return "the string value of PreemptionPolicy (\(Self.text(written))) must not be provided in pod spec; priority admission controller computed \(preemptionPolicy) from the given PriorityClass name"
        }
        spec["preemptionPolicy"] = .string(preemptionPolicy)
        return nil
    }

    private static func text(_ value: Value) -> String {
        value.intValue.map(String.init) ?? value.stringValue ?? "\(value)"
    }
}

/// What the API server's encoder writes of an object that rollout does not store: the
/// `metadata` of an embedded template (a Deployment's, ReplicaSet's, StatefulSet's and its claim
/// templates', DaemonSet's, Job's, CronJob's, ReplicationController's, PodTemplate's) always,
/// with its `creationTimestamp` — a `metav1.Time`, a struct `omitempty` cannot leave out,
/// whose zero value marshals as `null` (k8s.io/apimachinery v0.32 `ObjectMeta`: `json:
/// "creationTimestamp,omitempty"`; `omitzero`, which leaves it out, came in v0.34). So
/// `get -o yaml` and the served API show `creationTimestamp: null` there, as a 1.32 cluster
/// does. Only printed and served: what is stored, compared and hashed never holds it.
public enum WireForm {
    /// An object, or a list of them (`items`), as encoded.
    public static func value(_ value: Value) -> Value {
        guard case .object(var object) = value else { return value }
        if object["kind"]?.stringValue?.hasSuffix("List") == true, case .array(let items)? = object["items"] {
            object["items"] = .array(items.map(encoded))
            return .object(object)
        }
        return encoded(value)
    }

    static func encoded(_ value: Value) -> Value {
        guard case .object(var object) = value, let kind = object["kind"]?.stringValue else { return value }
        let apiVersion = object["apiVersion"]?.stringValue ?? ""
        let group = apiVersion.split(separator: "/", maxSplits: 1).count == 2 ? String(apiVersion.split(separator: "/")[0]) : ""
        switch (group, kind) {
        case ("apps", "Deployment"), ("apps", "ReplicaSet"), ("apps", "DaemonSet"), ("batch", "Job"), ("", "ReplicationController"):
            object.visit("spec") { $0.visit("template") { template(&$0) } }
        case ("apps", "StatefulSet"):
            object.visit("spec") { spec in
                spec.visit("template") { template(&$0) }
                spec.updateEach("volumeClaimTemplates") { template(&$0) }
            }
        case ("batch", "CronJob"):
            object.visit("spec") { $0.visit("jobTemplate") { jobTemplate in
                template(&jobTemplate)
                jobTemplate.visit("spec") { $0.visit("template") { template(&$0) } }
            } }
        case ("", "PodTemplate"):
            object.visit("template") { template(&$0) }
        default:
            return value
        }
        return .object(object)
    }

    /// A template's metadata, with the zero creation time written as the encoder writes it.
    static func template(_ template: inout Object) {
        var meta = template["metadata"]?.objectValue ?? Object()
        guard template["metadata"] == nil || template["metadata"]?.objectValue != nil, meta["creationTimestamp"] == nil else { return }
        meta["creationTimestamp"] = .null
        template["metadata"] = .object(meta)
    }
}

/// What the API server's round trip through the typed object does to a manifest: decoding into
/// the Go struct and encoding it back (encoding/json) leaves out every field tagged `omitempty`
/// whose value is its type's zero — `hostNetwork: false`, `minReadySeconds: 0`, `env: []`,
/// `nodeSelector: {}`, `annotations: {}`, a `null` pointer — and writes every
/// `resource.Quantity` in its canonical form (`CanonicalQuantity`: `1000m` as `"1"`), so a
/// manifest that writes them otherwise stores the same object. Without this, adding or removing
/// `hostNetwork: false`, or writing `cpu: "1"` as `1000m`, made the Deployment controller find a
/// new template (and roll every pod) where a cluster finds none, and a plan against production's
/// state, which never holds such forms, predicted rollouts that would not happen.
///
/// Only fields whose JSON type is the Go field's are touched (a wrong type is validation's to
/// report), structs and self-marshalling types (Time, IntOrString) are never dropped, unknown
/// fields are kept as written (`UnknownFields`), and a `status` — the controllers' — has its
/// quantities written so but nothing left out.
enum OmitEmpty {
    /// One field: how its zero value is encoded, and the struct its value (or its elements) is.
    enum Field {
        /// An omitempty string, bool or number: dropped when "", false, 0 (or null).
        case string, bool, number
        /// Kept as written.
        case keep
        /// A struct, never omitted.
        case object(String?)
        /// A pointer: dropped when null if omitempty.
        case pointer(String?, omitEmpty: Bool)
        /// A slice or a map: dropped when empty or null if omitempty.
        case collection(String?, omitEmpty: Bool)
    }

    /// The fields of each struct, read once from the table (byte by byte: read by Characters
    /// it cost ~20 M instructions, a tenth of a 10,000-replica roll's apply).
    static let fields: [String: [String: Field]] = {
        var result: [String: [String: Field]] = [:]
        result.reserveCapacity(OmitEmptyTable.structs.count)
        for (name, text) in OmitEmptyTable.structs {
            var fields: [String: Field] = [:]
            let bytes = Array(text.utf8)
            var i = 0
            while i < bytes.count {
                // key=code[:Type], entries separated by one space.
                var end = i
                while end < bytes.count && bytes[end] != UInt8(ascii: " ") { end += 1 }
                if let eq = bytes[i..<end].firstIndex(of: UInt8(ascii: "=")) {
                    let key = String(decoding: bytes[i..<eq], as: UTF8.self)
                    let codeStart = eq + 1
                    let colon = bytes[codeStart..<end].firstIndex(of: UInt8(ascii: ":"))
                    let type = colon.map { String(decoding: bytes[($0 + 1)..<end], as: UTF8.self) }
                    let code = bytes[codeStart..<(colon ?? end)]
                    fields[key] = field(code.first ?? 0, code.count > 1 ? code[code.startIndex + 1] : 0, type)
                }
                i = end + 1
            }
            result[name] = fields
        }
        return result
    }()

    /// A field's code (`docs/generators/omitempty_table.py`): its letter, the second letter of a
    /// `z` code, and the struct it names.
    private static func field(_ letter: UInt8, _ second: UInt8, _ type: String?) -> Field {
        switch letter {
        case UInt8(ascii: "z"):
            switch second {
            case UInt8(ascii: "s"): return .string
            case UInt8(ascii: "b"): return .bool
            default: return .number
            }
        case UInt8(ascii: "o"): return .object(type)
        case UInt8(ascii: "p"): return .pointer(type, omitEmpty: true)
        case UInt8(ascii: "n"): return .pointer(type, omitEmpty: false)
        case UInt8(ascii: "L"), UInt8(ascii: "M"): return .collection(type, omitEmpty: true)
        case UInt8(ascii: "l"), UInt8(ascii: "m"): return .collection(type, omitEmpty: false)
        default: return .keep
        }
    }

    /// The root struct of each kind pruned, by API group and kind (and version where a group
    /// serves two of different shapes: only autoscaling/v2's HorizontalPodAutoscaler is known).
    static func root(group: String, version: String, kind: String) -> String? {
        switch group {
        case "": return coreKinds.contains(kind) ? kind : nil
        case "apps": return ["Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "ControllerRevision"].contains(kind) ? kind : nil
        case "batch": return ["Job", "CronJob"].contains(kind) ? kind : nil
        case "networking.k8s.io": return ["Ingress", "IngressClass", "NetworkPolicy"].contains(kind) ? kind : nil
        case "policy": return kind == "PodDisruptionBudget" ? kind : nil
        case "autoscaling": return kind == "HorizontalPodAutoscaler" && version == "v2" ? kind : nil
        case "rbac.authorization.k8s.io": return ["Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding"].contains(kind) ? kind : nil
        case "storage.k8s.io": return kind == "StorageClass" ? kind : nil
        case "scheduling.k8s.io": return kind == "PriorityClass" ? kind : nil
        default: return nil
        }
    }

    static let coreKinds: Set<String> = ["Pod", "Service", "PersistentVolumeClaim", "PersistentVolume", "ConfigMap", "Secret", "ServiceAccount",
                                         "Namespace", "Node", "Endpoints", "LimitRange", "ResourceQuota", "ReplicationController", "PodTemplate"]

    /// (The version as the object writes it: the registry knows one version per kind.)
    static func root(of resource: Resource) -> String? {
        let apiVersion = resource.object["apiVersion"]?.stringValue ?? ""
        let version = apiVersion.split(separator: "/").last.map(String.init) ?? apiVersion
        return root(group: resource.type.group, version: version, kind: resource.kind)
    }

    /// The round trip of a resource: its `apiVersion` and `kind` as written (they say what it
    /// is), its `status` with nothing left out.
    static func roundTrip(_ resource: inout Resource) {
        guard let root = root(of: resource), let fields = fields[root] else { return }
        var object = resource.object
        var changed = false
        for member in object.members where member.key != "apiVersion" && member.key != "kind" {
            guard let field = fields[member.key] else { continue }
            switch prune(member.value, field, leavingOut: member.key != "status") {
            case .none: continue
            case .drop:
                object[member.key] = nil
                changed = true
            case .replace(let value):
                object[member.key] = value
                changed = true
            }
        }
        if changed { resource.object = object }
    }

    enum Outcome {
        case none, drop
        case replace(Value)
    }

    /// What the round trip makes of `value`, a field of this kind; `leavingOut`: whether its
    /// omitempty zeros are left out (not in a status).
    static func prune(_ value: Value, _ field: Field, leavingOut: Bool = true) -> Outcome {
        let omit = { (drop: Bool) -> Outcome in drop && leavingOut ? .drop : .none }
        switch field {
        case .keep: return .none
        case .string: return omit(value == .null || value == .string(""))
        case .bool: return omit(value == .null || value == .bool(false))
        case .number:
            switch value {
            case .null, .int(0): return omit(true)
            case .float(let d) where d == 0: return omit(true)
            default: return .none
            }
        case .object(let type): return descend(value, type, leavingOut: leavingOut)
        case .pointer(let type, let omitEmpty):
            if value == .null { return omit(omitEmpty) }
            return descend(value, type, leavingOut: leavingOut)
        case .collection(let type, let omitEmpty):
            switch value {
            case .null: return omit(omitEmpty)
            case .array(let items):
                if items.isEmpty && omitEmpty && leavingOut { return .drop }
                guard let type else { return .none }
                var pruned = items, changed = false
                for i in items.indices {
                    if case .replace(let v) = descend(items[i], type, leavingOut: leavingOut) { pruned[i] = v; changed = true }
                }
                return changed ? .replace(.array(pruned)) : .none
            case .object(let map):
                if map.members.isEmpty && omitEmpty && leavingOut { return .drop }
                guard let type else { return .none }
                var pruned = map, changed = false
                for member in map.members {
                    if case .replace(let v) = descend(member.value, type, leavingOut: leavingOut) { pruned[member.key] = v; changed = true }
                }
                return changed ? .replace(.object(pruned)) : .none
            default: return .none
            }
        }
    }

    /// A value of struct `type` through the round trip: a Quantity written as stored, a
    /// struct's fields pruned (anything else is left).
    static func descend(_ value: Value, _ type: String?, leavingOut: Bool = true) -> Outcome {
        if type == "Quantity" { return CanonicalQuantity.stored(value).map(Outcome.replace) ?? .none }
        guard let type, let fields = fields[type], case .object(var object) = value else { return .none }
        var changed = false
        for member in object.members {
            guard let field = fields[member.key] else { continue }
            switch prune(member.value, field, leavingOut: leavingOut) {
            case .none: continue
            case .drop:
                object[member.key] = nil
                changed = true
            case .replace(let v):
                object[member.key] = v
                changed = true
            }
        }
        return changed ? .replace(.object(object)) : .none
    }
}

/// The protobuf bodies kubectl's typed clients send (`kubectl create namespace`, `configmap`,
/// `secret`, `serviceaccount`, `deployment`, `service`, `quota`, `priorityclass`), read into the JSON form the rest of
/// the API takes: the `k8s\0` envelope (`runtime.Unknown`: its TypeMeta, then the object's
/// bytes), and the messages of `k8s.io/api/{core,apps,scheduling}/v1/generated.proto` for those kinds,
/// field number by field number. proto2 writes every field that is not a pointer, zero or
/// not: zero values of such fields are left out, as Go's JSON leaves them (`omitempty`). A
/// field not described here that holds more than a zero value makes the body unreadable
/// rather than read wrong; a body of another kind, or one that cannot be read, is refused
/// (415), saying what to send instead.
enum Protobuf {
    static let magic: [UInt8] = [0x6B, 0x38, 0x73, 0x00]

    /// What a field holds, and its JSON name.
    indirect enum Kind: Sendable {
        case string, int64, int32, bool
        /// `intstr.IntOrString`: type 1 (0 int, 1 string), intVal 2, strVal 3.
        case intOrString
        /// `bytes`: base64 in JSON.
        case bytes
        case message([Int: (String, Kind)])
        /// `map<string, …>`: entries of key 1 and value 2.
        case map(Kind)
        case repeated(Kind)
        /// `metav1.Time`: seconds 1 and nanos 2, as RFC 3339.
        case time
        /// `resource.Quantity`: its string, field 1.
        case quantity
        /// Read past: what the API server ignores in a create (`status`).
        case ignored
    }

    static let ownerReference: Kind = .message([1: ("kind", .string), 3: ("name", .string), 4: ("uid", .string), 5: ("apiVersion", .string),
                                                  6: ("controller", .bool), 7: ("blockOwnerDeletion", .bool)])
    static let objectMeta: Kind = .message([
        1: ("name", .string), 2: ("generateName", .string), 3: ("namespace", .string), 5: ("uid", .string), 6: ("resourceVersion", .string),
        7: ("generation", .int64), 8: ("creationTimestamp", .time), 9: ("deletionTimestamp", .time), 10: ("deletionGracePeriodSeconds", .int64),
        11: ("labels", .map(.string)), 12: ("annotations", .map(.string)), 13: ("ownerReferences", .repeated(ownerReference)),
        14: ("finalizers", .repeated(.string)),
    ])
    static let localObjectReference: Kind = .message([1: ("name", .string)])
    static let objectReference: Kind = .message([1: ("kind", .string), 2: ("namespace", .string), 3: ("name", .string), 4: ("uid", .string),
                                                   5: ("apiVersion", .string), 6: ("resourceVersion", .string), 7: ("fieldPath", .string)])

    static let labelSelector: Kind = .message([1: ("matchLabels", .map(.string)),
                                               2: ("matchExpressions", .repeated(.message([1: ("key", .string), 2: ("operator", .string), 3: ("values", .repeated(.string))])))])
    static let resourceList: Kind = .map(.string)
    static let container: Kind = .message([
        1: ("name", .string), 2: ("image", .string), 3: ("command", .repeated(.string)), 4: ("args", .repeated(.string)), 5: ("workingDir", .string),
        6: ("ports", .repeated(.message([1: ("name", .string), 2: ("hostPort", .int32), 3: ("containerPort", .int32), 4: ("protocol", .string), 5: ("hostIP", .string)]))),
        7: ("env", .repeated(.message([1: ("name", .string), 2: ("value", .string)]))),
        8: ("resources", .message([1: ("limits", .map(.quantity)), 2: ("requests", .map(.quantity))])),
        13: ("terminationMessagePath", .string), 14: ("imagePullPolicy", .string), 20: ("terminationMessagePolicy", .string),
    ])
    static let podTemplate: Kind = .message([
        1: ("metadata", objectMeta),
        2: ("spec", .message([2: ("containers", .repeated(container)), 3: ("restartPolicy", .string), 4: ("terminationGracePeriodSeconds", .int64),
                             6: ("dnsPolicy", .string), 7: ("nodeSelector", .map(.string)), 8: ("serviceAccountName", .string),
                             19: ("schedulerName", .string), 20: ("initContainers", .repeated(container))])),
    ])

    /// Fields of the kinds below that are pointers in the Go types.
    static let pointerFields: Set<String> = ["replicas", "revisionHistoryLimit", "progressDeadlineSeconds", "terminationGracePeriodSeconds",
                                             "immutable", "automountServiceAccountToken", "deletionGracePeriodSeconds", "controller", "blockOwnerDeletion",
                                             "gracePeriodSeconds", "orphanDependents"]

    /// The kinds read, by `apiVersion/kind`.
    static let kinds: [String: [Int: (String, Kind)]] = [
        "v1/Namespace": [1: ("metadata", objectMeta), 2: ("spec", .message([1: ("finalizers", .repeated(.string))])), 3: ("status", .ignored)],
        "v1/ConfigMap": [1: ("metadata", objectMeta), 2: ("data", .map(.string)), 3: ("binaryData", .map(.bytes)), 4: ("immutable", .bool)],
        "v1/Secret": [1: ("metadata", objectMeta), 2: ("data", .map(.bytes)), 3: ("type", .string), 4: ("stringData", .map(.string)), 5: ("immutable", .bool)],
        "v1/ServiceAccount": [1: ("metadata", objectMeta), 2: ("secrets", .repeated(objectReference)),
                              3: ("imagePullSecrets", .repeated(localObjectReference)), 4: ("automountServiceAccountToken", .bool)],
        "v1/ResourceQuota": [
            1: ("metadata", objectMeta),
            2: ("spec", .message([1: ("hard", .map(.quantity)), 2: ("scopes", .repeated(.string)),
                                 3: ("scopeSelector", .message([1: ("matchExpressions", .repeated(.message([1: ("scopeName", .string), 2: ("operator", .string),
                                                                                                             3: ("values", .repeated(.string))])))]))])),
            3: ("status", .ignored),
        ],
        "scheduling.k8s.io/v1/PriorityClass": [1: ("metadata", objectMeta), 2: ("value", .int32), 3: ("globalDefault", .bool), 4: ("description", .string),
                                               5: ("preemptionPolicy", .string)],
        "apps/v1/Deployment": [
            1: ("metadata", objectMeta),
            2: ("spec", .message([
                1: ("replicas", .int32), 2: ("selector", labelSelector), 3: ("template", podTemplate),
                4: ("strategy", .message([1: ("type", .string), 2: ("rollingUpdate", .message([1: ("maxUnavailable", .intOrString), 2: ("maxSurge", .intOrString)]))])),
                5: ("minReadySeconds", .int32), 6: ("revisionHistoryLimit", .int32), 7: ("paused", .bool), 9: ("progressDeadlineSeconds", .int32),
            ])),
            3: ("status", .ignored),
        ],
        "v1/Service": [
            1: ("metadata", objectMeta),
            2: ("spec", .message([
                1: ("ports", .repeated(.message([1: ("name", .string), 2: ("protocol", .string), 3: ("port", .int32), 4: ("targetPort", .intOrString),
                                                 5: ("nodePort", .int32), 6: ("appProtocol", .string)]))),
                2: ("selector", .map(.string)), 3: ("clusterIP", .string), 4: ("type", .string), 5: ("externalIPs", .repeated(.string)),
                7: ("sessionAffinity", .string), 10: ("externalName", .string), 11: ("externalTrafficPolicy", .string),
                13: ("publishNotReadyAddresses", .bool), 18: ("clusterIPs", .repeated(.string)), 22: ("internalTrafficPolicy", .string),
            ])),
            3: ("status", .ignored),
        ],
    ]

    /// `metav1.DeleteOptions` (`apimachinery/pkg/apis/meta/v1/generated.proto`): its pointer
    /// fields keep their zeros (`gracePeriodSeconds: 0` is a force delete).
    static let deleteOptions: [Int: (String, Kind)] = [
        1: ("gracePeriodSeconds", .int64), 2: ("preconditions", .message([1: ("uid", .string), 2: ("resourceVersion", .string)])),
        3: ("orphanDependents", .bool), 4: ("propagationPolicy", .string), 5: ("dryRun", .repeated(.string)),
    ]

    struct Unreadable: Error {
        var message: String
    }

    /// The object a `k8s\0` body holds, as JSON would have it.
    static func decode(_ body: [UInt8]) throws(Unreadable) -> Value {
        guard body.starts(with: magic) else { throw Unreadable(message: "not a Kubernetes protobuf body") }
        var reader = Reader(bytes: body[magic.count...])
        var apiVersion = "", kind = ""
        var raw: ArraySlice<UInt8>?
        while !reader.atEnd {
            let (field, wire) = try reader.key()
            switch (field, wire) {
            case (1, 2):
                var typeMeta = Reader(bytes: try reader.lengthDelimited())
                while !typeMeta.atEnd {
                    let (f, w) = try typeMeta.key()
                    if w == 2, f == 1 { apiVersion = try typeMeta.string() } else if w == 2, f == 2 { kind = try typeMeta.string() } else { try typeMeta.skip(w) }
                }
            case (2, 2): raw = try reader.lengthDelimited()
            case (3, 2), (4, 2):
                let value = try reader.string()
                if field == 3 && !value.isEmpty { throw Unreadable(message: "content encoding \(value) is not read") }
            default: try reader.skip(wire)
            }
        }
        // DeleteOptions come in any group's version (`metav1.AddToGroupVersion` registers them
        // in each), as a typed client's DELETE body.
        guard let fields = kind == "DeleteOptions" ? deleteOptions : kinds["\(apiVersion)/\(kind)"] else { throw Unreadable(message: "\(kind.isEmpty ? "this kind" : kind) (\(apiVersion)) is not read from protobuf") }
        guard let raw else { throw Unreadable(message: "the body holds no object") }
        guard case .object(var object) = try message(raw, fields) else { throw Unreadable(message: "the object is not a message") }
        object.members.insert(Object.Member(key: "kind", value: .string(kind)), at: 0)
        object.members.insert(Object.Member(key: "apiVersion", value: .string(apiVersion)), at: 0)
        return .object(object)
    }

    private static func message(_ bytes: ArraySlice<UInt8>, _ fields: [Int: (String, Kind)]) throws(Unreadable) -> Value {
        var reader = Reader(bytes: bytes)
        var object = Object()
        while !reader.atEnd {
            let (number, wire) = try reader.key()
            guard let (name, kind) = fields[number] else {
                // A field not described here: nothing lost if it is empty (`status: {}`),
                // else the body is not read rather than read wrong.
                // (proto2 writes every field that is not a pointer, zero or not.)
                if wire == 2, try reader.lengthDelimited().isEmpty { continue }
                if wire == 0, try reader.varint() == 0 { continue }
                throw Unreadable(message: "field \(number) is not read")
            }
            switch kind {
            case .repeated(let element):
                var items = object[name]?.arrayValue ?? []
                items.append(try value(&reader, element, wire: wire))
                object[name] = .array(items)
            case .map(let valueKind):
                guard wire == 2 else { throw Unreadable(message: "field \(name) is not a map entry") }
                var entry = Reader(bytes: try reader.lengthDelimited())
                var key = "", entryValue: Value = valueKind.isString ? .string("") : .null
                while !entry.atEnd {
                    let (f, w) = try entry.key()
                    if f == 1, w == 2 { key = try entry.string() } else if f == 2 { entryValue = try value(&entry, valueKind, wire: w) } else { try entry.skip(w) }
                }
                var map = object[name]?.objectValue ?? Object()
                map[key] = entryValue
                object[name] = .object(map)
            case .ignored:
                try reader.skip(wire)
            default:
                // proto2 writes a field that is not a pointer even when it is zero; Go's JSON
                // leaves such fields out (`omitempty`). A pointer field is written only when
                // set, so its zero stays (`replicas: 0`).
                let decoded = try value(&reader, kind, wire: wire)
                if decoded == .string("") { continue }
                if (decoded == .int(0) || decoded == .bool(false)) && !Self.pointerFields.contains(name) { continue }
                object[name] = decoded
            }
        }
        return .object(object)
    }

    private static func value(_ reader: inout Reader, _ kind: Kind, wire: Int) throws(Unreadable) -> Value {
        switch kind {
        case .string:
            guard wire == 2 else { throw Unreadable(message: "a string is not length-delimited") }
            return .string(try reader.string())
        case .bytes:
            guard wire == 2 else { throw Unreadable(message: "bytes are not length-delimited") }
            return .string(Base64.encode(Array(try reader.lengthDelimited())))
        case .int64:
            guard wire == 0 else { throw Unreadable(message: "an integer is not a varint") }
            return .int(Int(truncatingIfNeeded: try reader.varint()))
        case .bool:
            guard wire == 0 else { throw Unreadable(message: "a boolean is not a varint") }
            return .bool(try reader.varint() != 0)
        case .message(let fields):
            guard wire == 2 else { throw Unreadable(message: "a message is not length-delimited") }
            return try message(try reader.lengthDelimited(), fields)
        case .quantity:
            // `resource.Quantity`: its string form, field 1.
            guard wire == 2 else { throw Unreadable(message: "a quantity is not length-delimited") }
            var inner = Reader(bytes: try reader.lengthDelimited())
            var text = ""
            while !inner.atEnd {
                let (f, w) = try inner.key()
                if f == 1, w == 2 { text = try inner.string() } else { try inner.skip(w) }
            }
            return .string(text)
        case .time:
            guard wire == 2 else { throw Unreadable(message: "a time is not length-delimited") }
            var time = Reader(bytes: try reader.lengthDelimited())
            var seconds = 0
            while !time.atEnd {
                let (f, w) = try time.key()
                if f == 1, w == 0 { seconds = Int(truncatingIfNeeded: try time.varint()) } else { try time.skip(w) }
            }
            // The zero time is a time not set (JSON `null`).
            return seconds == 0 ? .string("") : .string(Timestamp(milliseconds: seconds.multipliedSaturating(by: 1000)).description)
        case .intOrString:
            guard wire == 2 else { throw Unreadable(message: "an IntOrString is not length-delimited") }
            var inner = Reader(bytes: try reader.lengthDelimited())
            var type = 0, int = 0, string = ""
            while !inner.atEnd {
                let (f, w) = try inner.key()
                switch (f, w) {
                case (1, 0): type = Int(truncatingIfNeeded: try inner.varint())
                case (2, 0): int = Int(Int32(truncatingIfNeeded: try inner.varint()))
                case (3, 2): string = try inner.string()
                default: try inner.skip(w)
                }
            }
            return type == 1 ? .string(string) : .int(int)
        case .int32:
            guard wire == 0 else { throw Unreadable(message: "an integer is not a varint") }
            return .int(Int(Int32(truncatingIfNeeded: try reader.varint())))
        case .map, .repeated, .ignored:
            throw Unreadable(message: "a nested list or map")
        }
    }

    /// The protobuf wire format: varints, and length-delimited fields.
    struct Reader {
        var bytes: ArraySlice<UInt8>

        var atEnd: Bool { bytes.isEmpty }

        mutating func varint() throws(Unreadable) -> UInt64 {
            var result: UInt64 = 0
            var shift: UInt64 = 0
            while let byte = bytes.first {
                bytes = bytes.dropFirst()
                result |= UInt64(byte & 0x7F) << shift
                if byte & 0x80 == 0 { return result }
                shift += 7
                if shift > 63 { throw Unreadable(message: "a varint is too long") }
            }
            throw Unreadable(message: "the body ends inside a varint")
        }

        mutating func key() throws(Unreadable) -> (Int, Int) {
            let key = try varint()
            guard key >> 3 <= UInt64(Int32.max) else { throw Unreadable(message: "a field number is out of range") }
            return (Int(key >> 3), Int(key & 7))
        }

        mutating func lengthDelimited() throws(Unreadable) -> ArraySlice<UInt8> {
            let length = try varint()
            guard length <= UInt64(bytes.count) else { throw Unreadable(message: "a field is longer than the body") }
            let value = bytes.prefix(Int(length))
            bytes = bytes.dropFirst(Int(length))
            return value
        }

        mutating func string() throws(Unreadable) -> String {
            guard let text = String(validating: try lengthDelimited(), as: UTF8.self) else { throw Unreadable(message: "a string is not UTF-8") }
            return text
        }

        mutating func skip(_ wire: Int) throws(Unreadable) {
            switch wire {
            case 0: _ = try varint()
            case 1: guard bytes.count >= 8 else { throw Unreadable(message: "the body ends inside a field") }; bytes = bytes.dropFirst(8)
            case 2: _ = try lengthDelimited()
            case 5: guard bytes.count >= 4 else { throw Unreadable(message: "the body ends inside a field") }; bytes = bytes.dropFirst(4)
            default: throw Unreadable(message: "wire type \(wire) is not read")
            }
        }
    }
}

extension Protobuf.Kind {
    var isString: Bool {
        if case .string = self { return true }
        return false
    }
}

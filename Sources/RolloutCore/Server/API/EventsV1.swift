/// `events.k8s.io/v1` Events: the same events as the core ones, in the newer shape, as the
/// API server serves one stored event in both (`pkg/apis/events/v1/conversion.go`,
/// `Convert_core_Event_To_v1_Event` and back): `involvedObject` is `regarding`, `message`
/// `note`, `source` `deprecatedSource`, `firstTimestamp`, `lastTimestamp` and `count` the
/// `deprecated…` fields, `reportingComponent` `reportingController`.
enum EventsV1 {
    static let type = ResourceType(kind: "Event", group: "events.k8s.io", version: "v1", plural: "events", shortNames: ["ev"])
    /// Where they are kept: with the core ones.
    static let coreType = ResourceType.forObject(apiVersion: "v1", kind: "Event")

    static func isEventsV1(_ type: ResourceType) -> Bool { type.group == "events.k8s.io" && type.kind == "Event" }

    /// A core event in the `events.k8s.io/v1` shape (field order as `events/v1` types.go).
    static func fromCore(_ event: Resource) -> Resource {
        let o = event.object
        var result = Object(["kind": .string("Event"), "apiVersion": .string("events.k8s.io/v1"), "metadata": o["metadata"] ?? .object(Object())])
        result["eventTime"] = o["eventTime"] ?? .null
        if let series = o["series"] { result["series"] = series }
        if let controller = o["reportingComponent"]?.stringValue, !controller.isEmpty {
            result["reportingController"] = .string(controller)
        } else if let component = o["source"]?["component"] {
            result["reportingController"] = component
        }
        if let instance = o["reportingInstance"]?.stringValue, !instance.isEmpty {
            result["reportingInstance"] = .string(instance)
        } else if let host = o["source"]?["host"] {
            result["reportingInstance"] = host
        }
        for (from, to) in [("action", "action"), ("reason", "reason"), ("involvedObject", "regarding"), ("related", "related"), ("message", "note"),
                           ("type", "type"), ("source", "deprecatedSource"), ("firstTimestamp", "deprecatedFirstTimestamp"),
                           ("lastTimestamp", "deprecatedLastTimestamp"), ("count", "deprecatedCount")] {
            if let value = o[from] { result[to] = value }
        }
        return Resource(result)
    }

    /// An `events.k8s.io/v1` event as the core one it is stored as.
    static func toCore(_ event: Resource) -> Resource {
        let o = event.object
        var result = Object(["apiVersion": .string("v1"), "kind": .string("Event"), "metadata": o["metadata"] ?? .object(Object())])
        for (from, to) in [("regarding", "involvedObject"), ("reason", "reason"), ("note", "message"), ("deprecatedSource", "source"),
                           ("deprecatedFirstTimestamp", "firstTimestamp"), ("deprecatedLastTimestamp", "lastTimestamp"), ("deprecatedCount", "count"),
                           ("type", "type"), ("eventTime", "eventTime"), ("series", "series"), ("action", "action"), ("related", "related"),
                           ("reportingController", "reportingComponent"), ("reportingInstance", "reportingInstance")] {
            if let value = o[from], value != .null { result[to] = value }
        }
        return Resource(result)
    }
}

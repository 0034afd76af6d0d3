/// A Pod: its metadata and spec, and the status the kubelet reports.
public struct Pod: Equatable, Sendable {
    public var metadata: ObjectMeta
    public var spec: PodSpec
    public var phase: String
    public var podIP: String?

    public init(_ resource: Resource, reader: inout FieldReader) {
        let object = resource.object
        metadata = ObjectMeta(of: object, reader: &reader)
        spec = PodSpec(reader.object(object["spec"], FieldPath("spec")) ?? Object(), at: FieldPath("spec"), reader: &reader)
        phase = object["status"]?["phase"]?.stringValue ?? "Pending"
        podIP = object["status"]?["podIP"]?.stringValue
    }
}

/// Endpoints: the addresses a Service sends traffic to.
public struct Endpoints: Equatable, Sendable {
    public struct Subset: Equatable, Sendable {
        public var addresses: [String]
        public var notReadyAddresses: [String]
        public var ports: [Int]
    }

    public var metadata: ObjectMeta
    public var subsets: [Subset]

    public init(_ resource: Resource, reader: inout FieldReader) {
        let object = resource.object
        metadata = ObjectMeta(of: object, reader: &reader)
        subsets = []
        for (i, item) in (reader.array(object["subsets"], FieldPath("subsets")) ?? []).enumerated() {
            let p = FieldPath("subsets") |> i
            guard let subset = reader.object(item, p) else { continue }
            func ips(_ key: String) -> [String] {
                (reader.array(subset[key], p / key) ?? []).enumerated().compactMap { j, address in
                    reader.string(address["ip"], p / key |> j / "ip")
                }
            }
            let ports = (reader.array(subset["ports"], p / "ports") ?? []).enumerated().compactMap { j, port in
                reader.int32(port["port"], p / "ports" |> j / "port", goStruct: "EndpointPort")
            }
            subsets.append(Subset(addresses: ips("addresses"), notReadyAddresses: ips("notReadyAddresses"), ports: ports))
        }
    }
}

/// A Node and the capacity the scheduler fits pods into.
public struct Node: Equatable, Sendable {
    public var metadata: ObjectMeta
    public var capacity: [String: Quantity]
    public var allocatable: [String: Quantity]
    public var unschedulable: Bool

    public init(_ resource: Resource, reader: inout FieldReader) {
        let object = resource.object
        metadata = ObjectMeta(of: object, reader: &reader)
        unschedulable = reader.bool(object["spec"]?["unschedulable"], FieldPath("spec.unschedulable")) ?? false
        func quantities(_ key: String) -> [String: Quantity] {
            var result: [String: Quantity] = [:]
            let path = FieldPath("status") / key
            for member in reader.object(object["status"]?[key], path)?.members ?? [] {
                if let q = reader.quantity(member.value, path / member.key) { result[member.key] = q }
            }
            return result
        }
        capacity = quantities("capacity")
        allocatable = quantities("allocatable")
        if allocatable.isEmpty { allocatable = capacity }
    }
}

/// A Namespace.
public struct Namespace: Equatable, Sendable {
    public var metadata: ObjectMeta
    public var phase: String

    public init(_ resource: Resource, reader: inout FieldReader) {
        let object = resource.object
        metadata = ObjectMeta(of: object, reader: &reader)
        phase = object["status"]?["phase"]?.stringValue ?? "Active"
    }
}

extension Resource {
    /// When a terminating pod's deletion was requested. The API server writes
    /// `deletionTimestamp` as the request time plus the grace period and keeps the period in
    /// `deletionGracePeriodSeconds` (`rest/delete.go` BeforeDelete), so the request is their
    /// difference.
    public var deletionRequested: Timestamp? {
        guard let deadline = deletionTimestamp.flatMap(Timestamp.init(parsing:)) else { return nil }
        return Self.deletionRequested(deadline: deadline, grace: metadata["deletionGracePeriodSeconds"]?.intValue ?? 0)
    }

    static func deletionRequested(deadline: Timestamp, grace: Int) -> Timestamp {
        deadline.adding(Duration(seconds: -max(0, min(grace, SimulationLimits.maxSeconds))))
    }
}

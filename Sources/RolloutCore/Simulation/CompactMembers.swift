/// The members of a compact line (`CompactPod`, `CompactEvent`), named once for all three that
/// handle them: `CompactLineWriter` writes them in the order of their cases, `CompactLineReader`
/// takes a line at once only in that order (any other falls back to the full reader), and
/// `CompactPod.Reader` looks them up by the same keys.
protocol CompactMember: CaseIterable, RawRepresentable where RawValue == Int {
    /// The member's key in the line's JSON.
    var key: StaticString { get }
}

extension CompactMember {
    /// The key as text: the full reader's lookups and its messages.
    var name: String { key.description }

    /// Every key, in the writer's order.
    static var keys: [StaticString] { allCases.map(\.key) }
}

/// A pod's line: what `StoredPod` holds.
enum PodMember: Int, CompactMember {
    case rv, uid, created, labels, owner, node, ip, hostIP, scheduled, ready, readySince, initialized, admitted, disruption, containers,
         deletion, grace, unschedulable, nominated

    var key: StaticString {
        switch self {
        case .rv: "rv"
        case .uid: "uid"
        case .created: "created"
        case .labels: "labels"
        case .owner: "owner"
        case .node: "node"
        case .ip: "ip"
        case .hostIP: "hostIP"
        case .scheduled: "scheduled"
        case .ready: "ready"
        case .readySince: "readySince"
        case .initialized: "initialized"
        case .admitted: "admitted"
        case .disruption: "disruption"
        case .containers: "containers"
        case .deletion: "deletion"
        case .grace: "grace"
        case .unschedulable: "unschedulable"
        case .nominated: "nominated"
        }
    }
}

/// One container of a pod's line (`StoredPod.Container`).
enum ContainerMember: Int, CompactMember {
    case name, restarts, ready, started, running, waiting, terminated, last

    var key: StaticString {
        switch self {
        case .name: "name"
        case .restarts: "restarts"
        case .ready: "ready"
        case .started: "started"
        case .running: "running"
        case .waiting: "waiting"
        case .terminated: "terminated"
        case .last: "last"
        }
    }
}

/// An event's line: what `SimEvent` reads back.
enum EventMember: Int, CompactMember {
    case rv, kind, object, uid, type, reason, message, component, first, last, count

    var key: StaticString {
        switch self {
        case .rv: "rv"
        case .kind: "kind"
        case .object: "object"
        case .uid: "uid"
        case .type: "type"
        case .reason: "reason"
        case .message: "message"
        case .component: "component"
        case .first: "first"
        case .last: "last"
        case .count: "count"
        }
    }
}

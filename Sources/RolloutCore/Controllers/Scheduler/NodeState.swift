/// A node as the scheduler's snapshot sees it (`framework.NodeInfo`): what its pods request —
/// terminating pods included, until they are gone — their host ports, their priorities, and
/// how many pods of each ReplicaSet it runs (for spreading). A class: every filter and score
/// of every pod reads it, and a copy of the node with it would cost more than the check.
final class NodeState {
    let node: SimNode
    var cpu = 0
    var memory = 0
    /// Extended resources (and ephemeral-storage) requested, by name.
    var extended: [String: Int] = [:]
    var nonZeroCPU = 0
    var nonZeroMemory = 0
    var pods = 0
    var ports: [PodRequirements.HostPort] = []
    /// The lowest priority of its pods (for the preemption dry run's "victims").
    var lowestPriority = Int.max

    /// `topology.kubernetes.io/zone`, read once, and its place among the cluster's zones (−1: none).
    let zone: String?
    var zoneIndex = -1
    /// The taints the scheduler sees on it (`NodeFilters.taints(of:)`), and whether its own
    /// list has any (the TaintToleration score reads those): found once, so that the filters
    /// and scores of every pod need not copy the node to ask.
    let schedulerTaints: [Taint]
    let hasTaints: Bool

    init(_ node: SimNode) {
        self.node = node
        zone = node.labels["topology.kubernetes.io/zone"]
        schedulerTaints = NodeFilters.taints(of: node)
        hasTaints = !node.taints.isEmpty
    }

    func requested(_ name: String) -> Int {
        switch name {
        case "cpu": return cpu
        case "memory": return memory
        default: return extended[name] ?? 0
        }
    }

    /// A copy to try pods on (preemption's dry run, a node's nominated pods added).
    func copy() -> NodeState {
        let c = NodeState(node, zone: zone, schedulerTaints: schedulerTaints, hasTaints: hasTaints)
        c.zoneIndex = zoneIndex
        c.cpu = cpu
        c.memory = memory
        c.extended = extended
        c.nonZeroCPU = nonZeroCPU
        c.nonZeroMemory = nonZeroMemory
        c.pods = pods
        c.ports = ports
        c.lowestPriority = lowestPriority
        return c
    }

    /// The node with no pod counted: what a copy starts from.
    func empty() -> NodeState {
        let c = NodeState(node, zone: zone, schedulerTaints: schedulerTaints, hasTaints: hasTaints)
        c.zoneIndex = zoneIndex
        return c
    }

    private init(_ node: SimNode, zone: String?, schedulerTaints: [Taint], hasTaints: Bool) {
        self.node = node
        self.zone = zone
        self.schedulerTaints = schedulerTaints
        self.hasTaints = hasTaints
    }

    func add(_ u: PodUsage) {
        cpu = cpu.addingSaturating(u.cpu)
        memory = memory.addingSaturating(u.memory)
        if let more = u.extended { for (name, value) in more { extended[name] = extended[name, default: 0].addingSaturating(value) } }
        nonZeroCPU = nonZeroCPU.addingSaturating(u.nonZeroCPU)
        nonZeroMemory = nonZeroMemory.addingSaturating(u.nonZeroMemory)
        pods += 1
        if let hostPorts = u.hostPorts { ports += hostPorts }
        lowestPriority = min(lowestPriority, u.priority)
    }
}

/// The numbers the filters and scores of every pod read, node by node, in plain arrays: the
/// same as the nodes' `NodeState`s (kept equal by `set`, called on every state changed), read
/// by the scheduler's loops over thousands of nodes without reaching into an object per node.
struct NodeTable: Equatable {
    var cpu: [Int] = []
    var memory: [Int] = []
    var nonZeroCPU: [Int] = []
    var nonZeroMemory: [Int] = []
    var cpuMillis: [Int] = []
    var memoryBytes: [Int] = []
    var zoneIndex: [Int] = []
    /// Has taints of its own, of any effect (the TaintToleration score reads them), and how
    /// many have (none: a pass over the nodes need not ask each).
    private(set) var tainted: [Bool] = []
    private(set) var taintedCount = 0
    /// Each node as the filters of a pod that asks for cpu and memory only read it
    /// (`Room.fits`): the filter loop of such a pod reads one element a node.
    private(set) var room: [Room] = []
    /// Rooms closed (cordoned, tainted for the scheduler), and a bound below every room's pods,
    /// cpu and memory, exact unless a room grew since it was made (`everyRoomFits`).
    private(set) var closedCount = 0
    private var leastRoom = Room(open: true, pods: Int.max, cpu: Int.max, memory: Int.max)
    private var leastExact = true

    struct Room: Equatable {
        /// Neither cordoned nor tainted for the scheduler: a pod that names no node, selects
        /// none, wants no host port and has no spreading or affinity of its own passes every
        /// filter before NodeResourcesFit here (`NodeFilters.check`).
        var open: Bool
        /// Pods it may still take (`maxPods − pods`), cpu and memory left (saturating).
        var pods: Int
        var cpu: Int
        var memory: Int

        init(open: Bool, pods: Int, cpu: Int, memory: Int) {
            self.open = open
            self.pods = pods
            self.cpu = cpu
            self.memory = memory
        }

        init(_ s: NodeState) {
            open = !s.node.unschedulable && s.schedulerTaints.isEmpty
            pods = s.node.maxPods.subtractingSaturating(s.pods)
            cpu = s.node.cpuMillis.subtractingSaturating(s.cpu)
            memory = s.node.memoryBytes.subtractingSaturating(s.memory)
        }

        /// Open, and `noderesources/fit.go` fitsRequest for a pod asking for cpu and memory
        /// only (`NodeFilters.fitsCPUAndMemory`, which compares the same numbers: `pods + 1 <=
        /// maxPods` is `maxPods − pods >= 1` for the counts a node has, never negative).
        @inline(__always)
        func fits(_ r: PodRequirements) -> Bool {
            open && pods >= 1 && (r.cpu <= 0 || r.cpu <= cpu) && (r.memory <= 0 || r.memory <= memory)
        }

        /// `fits` for one pod's requests, read once for a loop over the nodes: a request of
        /// none (or less) is one every room's number passes.
        struct Fit {
            let cpu: Int
            let memory: Int

            init(_ r: PodRequirements) {
                cpu = r.cpu <= 0 ? Int.min : r.cpu
                memory = r.memory <= 0 ? Int.min : r.memory
            }

            @inline(__always)
            func fits(_ room: Room) -> Bool {
                room.open && room.pods >= 1 && cpu <= room.cpu && memory <= room.memory
            }

            /// findNodesThatPassFilters' loop over nodes whose room fits: from node `i` on,
            /// wrapping at the last, each one that fits written to `out` at `kept`, until
            /// `limit` are kept, every node is scanned, or node `i` does not fit (left for the
            /// filters to say why). `i`, `scanned` and `kept` are where it stopped.
            /// (`out` holds a place for every node: each is written at `kept`, which is at most
            /// `scanned`, below the count while the loop runs.) Not inlined: on its own the loop
            /// keeps everything in registers (20 instructions a node; 30 inlined into the
            /// scheduler's pass, which reloaded its buffers from the stack).
            @inline(never)
            func run(_ rooms: UnsafeBufferPointer<Room>, from i: inout Int, scanned: inout Int, into out: UnsafeMutableBufferPointer<Int>,
                     kept: inout Int, limit: Int) {
                let n = rooms.count
                guard out.count >= n, i >= 0, i < n else { return }
                var at = i, seen = scanned, count = kept
                while seen < n && count < limit && fits(rooms[at]) {
                    out[count] = at
                    count &+= 1
                    seen &+= 1
                    at &+= 1
                    if at == n { at = 0 }
                }
                i = at
                scanned = seen
                kept = count
            }
        }
    }

    init(_ states: [NodeState]) {
        for s in states { append(s) }
    }

    mutating func append(_ s: NodeState) {
        cpu.append(s.cpu)
        memory.append(s.memory)
        nonZeroCPU.append(s.nonZeroCPU)
        nonZeroMemory.append(s.nonZeroMemory)
        cpuMillis.append(s.node.cpuMillis)
        memoryBytes.append(s.node.memoryBytes)
        zoneIndex.append(s.zoneIndex)
        tainted.append(s.hasTaints)
        if s.hasTaints { taintedCount += 1 }
        let made = Room(s)
        room.append(made)
        if !made.open { closedCount += 1 }
        leastRoom = Room(open: true, pods: min(leastRoom.pods, made.pods), cpu: min(leastRoom.cpu, made.cpu), memory: min(leastRoom.memory, made.memory))
    }

    /// Node `i`'s state changed (recounted, or a pod added).
    mutating func set(_ i: Int, _ s: NodeState) {
        cpu[i] = s.cpu
        memory[i] = s.memory
        nonZeroCPU[i] = s.nonZeroCPU
        nonZeroMemory[i] = s.nonZeroMemory
        cpuMillis[i] = s.node.cpuMillis
        memoryBytes[i] = s.node.memoryBytes
        zoneIndex[i] = s.zoneIndex
        if tainted[i] != s.hasTaints { taintedCount += s.hasTaints ? 1 : -1 }
        tainted[i] = s.hasTaints
        let old = room[i], made = Room(s)
        room[i] = made
        if old.open != made.open { closedCount += made.open ? -1 : 1 }
        // A room that grew may have been the least: the bound stays below, no longer exact.
        if made.pods > old.pods || made.cpu > old.cpu || made.memory > old.memory { leastExact = false }
        leastRoom = Room(open: true, pods: min(leastRoom.pods, made.pods), cpu: min(leastRoom.cpu, made.cpu), memory: min(leastRoom.memory, made.memory))
    }

    /// Whether every room fits the pod (`Room.Fit.fits` of each): none closed and its requests
    /// within the least room's — a bound kept as rooms change (below every room's numbers;
    /// made exact again, a pass over the rooms, only when it fails while not exact).
    mutating func everyRoomFits(_ fit: Room.Fit) -> Bool {
        func fitsLeast() -> Bool { closedCount == 0 && leastRoom.pods >= 1 && fit.cpu <= leastRoom.cpu && fit.memory <= leastRoom.memory }
        if fitsLeast() { return true }
        if leastExact || closedCount > 0 { return false }
        var least = Room(open: true, pods: Int.max, cpu: Int.max, memory: Int.max)
        for r in room { least = Room(open: true, pods: min(least.pods, r.pods), cpu: min(least.cpu, r.cpu), memory: min(least.memory, r.memory)) }
        leastRoom = least
        leastExact = true
        return fitsLeast()
    }

    /// The tables hold the same numbers (the bound and counts kept beside them are not
    /// compared: a kept table's bound may be below a fresh one's).
    static func == (a: NodeTable, b: NodeTable) -> Bool {
        a.cpu == b.cpu && a.memory == b.memory && a.nonZeroCPU == b.nonZeroCPU && a.nonZeroMemory == b.nonZeroMemory && a.cpuMillis == b.cpuMillis
            && a.memoryBytes == b.memoryBytes && a.zoneIndex == b.zoneIndex && a.tainted == b.tainted && a.room == b.room
    }
}

/// What a filter plugin says about a node: nothing (it fits), or its reasons, and whether
/// preemption could help (`Unschedulable`) or not (`UnschedulableAndUnresolvable`).
struct FilterFailure {
    var reasons: [String]
    var resolvable: Bool
}

/// What is placed on one node (`Cluster.placements`, by node name): the pods (not gone) bound to
/// it and the addresses they hold. Every change to a pod's node goes through
/// `Cluster.placementMoved`, which finds the node's placement once (the node's name hashed once,
/// where a dictionary per index hashed it at each of four or five look-ups), and neither list
/// shifts hashed keys when a pod leaves: a dictionary's removal moves the keys after the removed
/// one, hashing each again (at 10,000 replicas, 2,500 instructions a pod that went).
final class NodePlacement {
    /// The pods themselves (the scheduler sums what they request without looking each up), in
    /// no particular order; each knows its place (`SimPod.placementSlot`), the last one taking
    /// the place of one that leaves.
    private(set) var pods: [SimPod] = []
    /// The addresses those pods hold, each with how many hold it (a state written before
    /// per-node ranges may have two): what the node may not hand out again. An IPv4 address
    /// written as dotted decimal (every address a node hands out) is kept as its number, any
    /// other as its text. An address no pod holds any longer stays at 0 (a node's addresses
    /// are its range's, a few hundred), so a pod that leaves changes a count in place.
    private var v4: [UInt32: Int32] = [:]
    private var others: [String: Int] = [:]
    /// `Cluster.usageEpoch` when the node was last marked as changed since the scheduler's sums.
    var usageMark = -1
    /// The node's place in `Cluster.nodes` when last found (`Cluster.nodeIndex(of:)` checks
    /// the node there still has this one's name).
    var nodeSlot: Int?
    /// The node's last reserved pod address, as its offset in the node's pod range
    /// (host-local's `last_reserved_ip`); kept in the state's counters as `podIP/NODE`.
    var lastReserved: Int?
    /// Its place in `Cluster.placementsByNumber` (a cluster's placements are never taken out):
    /// each pod in it knows it (`SimPod.placementNumber`), so what a pod's node is found from
    /// needs no hash of the node's name, and pods on one node are told by a number.
    let number: Int

    init(number: Int = -1) {
        self.number = number
    }

    func add(_ pod: SimPod) {
        if let ip = pod.ip {
            if let n = Self.dottedIPv4(ip) { v4[n, default: 0] += 1 } else { others[ip, default: 0] += 1 }
        }
        guard place(of: pod) == nil else { return }
        pod.placementSlot = pods.count
        pod.placementNumber = number
        pods.append(pod)
    }

    func remove(_ pod: SimPod) {
        if let ip = pod.ip {
            if let n = Self.dottedIPv4(ip) { Self.release(&v4[n]) } else { Self.release(&others[ip]) }
        }
        guard let slot = place(of: pod) else { return }
        let last = pods.removeLast()
        if slot < pods.count {
            pods[slot] = last
            last.placementSlot = slot
        }
        pod.placementSlot = -1
        pod.placementNumber = -1
    }

    /// Whether a pod on the node holds the address.
    func holds(_ ip: String) -> Bool {
        if let n = Self.dottedIPv4(ip) { return holds(number: n) }
        return others[ip, default: 0] > 0
    }

    /// Whether a pod on the node holds the IPv4 address with this number (as `holds` its
    /// dotted text: any other text of it is not the same address).
    func holds(number n: UInt32) -> Bool {
        v4[n, default: 0] > 0
    }

    /// Where the pod is in `pods`, if it is there.
    private func place(of pod: SimPod) -> Int? {
        let slot = pod.placementSlot
        if slot >= 0 && slot < pods.count && pods[slot] === pod { return slot }
        return nil
    }

    private static func release<Count: BinaryInteger>(_ held: inout Count?) {
        guard let count = held, count > 0 else { return }
        held = count - 1
    }

    /// The address as a number when it is IPv4 written as `PodRange.dotted` writes it: four
    /// decimal numbers to 255, none with a leading zero — exactly one text per number, so two
    /// addresses are the same number when they are the same text. nil for anything else.
    static func dottedIPv4(_ ip: String) -> UInt32? {
        ip.withUTF8Bytes { bytes -> UInt32? in
            guard bytes.count >= 7 && bytes.count <= 15 else { return nil }
            var n: UInt32 = 0, octet: UInt32 = 0, digits = 0, dots = 0
            for byte in bytes {
                if byte == UInt8(ascii: ".") {
                    guard digits > 0, dots < 3 else { return nil }
                    n = n << 8 | octet
                    (octet, digits, dots) = (0, 0, dots + 1)
                } else {
                    guard byte >= 0x30 && byte <= 0x39, digits < 3, !(digits == 1 && octet == 0) else { return nil }
                    octet = octet * 10 + UInt32(byte - 0x30)
                    guard octet <= 255 else { return nil }
                    digits += 1
                }
            }
            guard digits > 0, dots == 3 else { return nil }
            return n << 8 | octet
        }
    }
}

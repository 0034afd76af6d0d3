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
    /// per-node ranges may have two): what the node may not hand out again. An address no pod
    /// holds any longer stays at 0 (a node's addresses are its range's, a few hundred), so a
    /// pod that leaves changes a count in place.
    private var addresses: [HeldAddress: Int] = [:]
    /// `Cluster.usageEpoch` when the node was last marked as changed since the scheduler's sums.
    var usageMark = -1

    func add(_ pod: SimPod) {
        if let ip = pod.ip { addresses[HeldAddress(ip), default: 0] += 1 }
        guard place(of: pod) == nil else { return }
        pod.placementSlot = pods.count
        pods.append(pod)
    }

    func remove(_ pod: SimPod) {
        if let ip = pod.ip { Self.release(&addresses[HeldAddress(ip)]) }
        guard let slot = place(of: pod) else { return }
        let last = pods.removeLast()
        if slot < pods.count {
            pods[slot] = last
            last.placementSlot = slot
        }
        pod.placementSlot = -1
    }

    /// Whether a pod on the node holds the address.
    func holds(_ ip: String) -> Bool { addresses[HeldAddress(ip), default: 0] > 0 }

    /// Where the pod is in `pods`, if it is there.
    private func place(of pod: SimPod) -> Int? {
        let slot = pod.placementSlot
        if slot >= 0 && slot < pods.count && pods[slot] === pod { return slot }
        return nil
    }

    private static func release(_ held: inout Int?) {
        guard let count = held, count > 0 else { return }
        held = count - 1
    }
}

/// An address as a node's placement keys it: packed into two numbers when the whole of it fits
/// (`PackedPrefix`: every IPv4 address, most IPv6 ones), which hash and compare without the
/// String's bytes being read; else the String itself. Two keys are equal exactly when their
/// addresses are.
struct HeldAddress: Hashable {
    private let high: UInt64
    private let low: UInt64
    private let unpacked: String?

    init(_ ip: String) {
        if let packed = PackedPrefix(ip), packed.isWhole {
            (high, low, unpacked) = (packed.high, packed.low, nil)
        } else {
            (high, low, unpacked) = (0, 0, ip)
        }
    }
}

/// Pod addresses as k3s' flannel hands them out through the host-local IPAM plugin
/// (containernetworking/plugins `plugins/ipam/host-local/backend/allocator`): each node has its
/// pod range, `spec.podCIDR` (a /24 of 10.42.0.0/16 on k3s), whose first address is the
/// bridge's gateway and whose last is the broadcast address, so a /24 gives pods .2 to .254
/// (`Range.Canonicalize`: RangeStart after the network address, RangeEnd before the broadcast;
/// `RangeIter.Next` skips the gateway). Each new pod gets the next free address after the one
/// the node reserved last (`GetIter`: round robin from `last_reserved_ip`, wrapping around the
/// range), never one a pod on the node still holds. An address is held until its pod is gone.
public struct PodRange: Equatable, Sendable {
    /// The range `cluster init` gives each node (a /24): 253 pod addresses.
    public static let nodeRange = PodRange(network: 0, prefixLength: 24)

    /// The network address, as a 32-bit number.
    var network: UInt32
    var prefixLength: Int

    /// How many addresses pods can get: the range minus network, gateway and broadcast.
    public var count: Int { max(0, (1 << (32 - prefixLength)) - 3) }

    /// The `offset`th pod address (0: network + 2).
    func address(_ offset: Int) -> String {
        Self.dotted(number(offset))
    }

    /// The `offset`th pod address as a 32-bit number.
    func number(_ offset: Int) -> UInt32 {
        network &+ UInt32(truncatingIfNeeded: offset + 2)
    }

    /// An IPv4 address as text, `a.b.c.d`: written digit by digit into the string's own
    /// storage (at most 15 bytes), not interpolated, since the kubelet tries one per address
    /// it looks at.
    static func dotted(_ n: UInt32) -> String {
        String(unsafeUninitializedCapacity: 15) { buffer in
            var at = 0
            for shift in [24, 16, 8, 0] as [UInt32] {
                let octet = (n >> shift) & 0xFF
                if octet >= 100 { buffer[at] = 0x30 + UInt8(octet / 100); at += 1 }
                if octet >= 10 { buffer[at] = 0x30 + UInt8(octet / 10 % 10); at += 1 }
                buffer[at] = 0x30 + UInt8(octet % 10)
                at += 1
                if shift > 0 { buffer[at] = UInt8(ascii: "."); at += 1 }
            }
            return at
        }
    }

    /// A `spec.podCIDR` such as `10.42.3.0/24` (IPv4, /8 to /30); nil for anything else.
    init?(cidr: String) {
        let parts = cidr.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let length = Int(parts[1]), (8...30).contains(length) else { return nil }
        let octets = parts[0].split(separator: ".", omittingEmptySubsequences: false).compactMap { UInt8($0) }
        guard octets.count == 4 else { return nil }
        let address = octets.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        let mask = UInt32.max << UInt32(32 - length)
        self.init(network: address & mask, prefixLength: length)
    }

    init(network: UInt32, prefixLength: Int) {
        self.network = network
        self.prefixLength = prefixLength
    }

    /// A node stored without a pod range: the /24 its place among the nodes would get
    /// (`ClusterSetup.podCIDR`).
    init(nodeIndex i: Int) {
        self.init(network: UInt32(10) << 24 | UInt32(42 + i / 256) << 16 | UInt32(i % 256) << 8, prefixLength: 24)
    }
}

enum PodAddresses {
    /// The address the node reserves for a pod it is about to start, and the offset to
    /// remember as its last reserved; nil when every address of the range is held (host-local:
    /// "no IP addresses available in range set"). `isHeld` is asked of each address looked at
    /// as its number (`PodRange.dotted` writes it); only the one found is written as text.
    static func next(in range: PodRange, lastReserved: Int?, isHeld: (UInt32) -> Bool) -> (ip: String, offset: Int)? {
        let size = range.count
        guard size > 0 else { return nil }
        // From the last reserved address + 1, or from the start when there is none (or it is
        // no longer in the range).
        let start = lastReserved.flatMap { (0..<size).contains($0) ? $0 + 1 : nil } ?? 0
        for step in 0..<size {
            let offset = (start + step) % size
            if !isHeld(range.number(offset)) { return (range.address(offset), offset) }
        }
        return nil
    }
}

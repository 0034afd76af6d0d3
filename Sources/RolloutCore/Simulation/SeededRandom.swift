/// SplitMix64: a small, fast, seeded generator. The control plane's only source of
/// randomness (uids, pod name suffixes), so the same state always replays the same way.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    public private(set) var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Five characters of Kubernetes' name alphabet, as `generateName` adds
    /// (`SimpleNameGenerator`, `utilrand.String(5)`).
    public mutating func nameSuffix() -> String {
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        return String((0..<5).map { _ in alphabet[Int(next() % UInt64(alphabet.count))] })
    }

    /// A version-4-shaped UUID, as Kubernetes gives every object.
    public mutating func uuid() -> String {
        let a = next(), b = next()
        let hex = { (v: UInt64, digits: Int) -> String in
            let s = String(v, radix: 16)
            return String(repeating: "0", count: max(0, digits - s.count)) + s
        }
        let time = hex(a >> 32, 8)
        let mid = hex((a >> 16) & 0xFFFF, 4)
        let version = hex(0x4000 | (a & 0x0FFF), 4)
        let variant = hex(0x8000 | ((b >> 48) & 0x3FFF), 4)
        let node = hex(b & 0xFFFF_FFFF_FFFF, 12)
        return "\(time)-\(mid)-\(version)-\(variant)-\(node)"
    }
}

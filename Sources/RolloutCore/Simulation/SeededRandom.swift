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

    /// Kubernetes' name alphabet (`utilrand`: no vowels, no 0, 1, 3), as bytes.
    private static let alphabet: [UInt8] = Array("bcdfghjklmnpqrstvwxz2456789".utf8)

    /// Five characters of Kubernetes' name alphabet, as `generateName` adds
    /// (`SimpleNameGenerator`, `utilrand.String(5)`).
    public mutating func nameSuffix() -> String {
        var bytes: (UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0)
        let count = UInt64(Self.alphabet.count)
        bytes.0 = Self.alphabet[Int(next() % count)]
        bytes.1 = Self.alphabet[Int(next() % count)]
        bytes.2 = Self.alphabet[Int(next() % count)]
        bytes.3 = Self.alphabet[Int(next() % count)]
        bytes.4 = Self.alphabet[Int(next() % count)]
        return withUnsafeBytes(of: &bytes) { String(decoding: $0, as: UTF8.self) }
    }

    /// A version-4-shaped UUID, as Kubernetes gives every object: 8-4-4-4-12 lowercase hex
    /// digits, written straight into its 36 bytes.
    public mutating func uuid() -> String {
        let a = next(), b = next()
        return String(unsafeUninitializedCapacity: 36) { out in
            var i = 0
            func hex(_ v: UInt64, _ digits: Int) {
                for shift in stride(from: (digits - 1) * 4, through: 0, by: -4) {
                    let nibble = UInt8((v >> UInt64(shift)) & 0xF)
                    out[i] = nibble < 10 ? 0x30 + nibble : 0x57 + nibble
                    i += 1
                }
            }
            func dash() { out[i] = UInt8(ascii: "-"); i += 1 }
            hex(a >> 32, 8); dash()
            hex((a >> 16) & 0xFFFF, 4); dash()
            hex(0x4000 | (a & 0x0FFF), 4); dash()
            hex(0x8000 | ((b >> 48) & 0x3FFF), 4); dash()
            hex(b & 0xFFFF_FFFF_FFFF, 12)
            return i
        }
    }
}

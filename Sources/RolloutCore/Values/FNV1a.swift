/// 64-bit FNV-1a: the project's stable, seedless hash of bytes (template ids, served document
/// hashes, names drawn from a pod's uid), where Swift's `Hasher` differs from run to run.
/// (`FNVRounds` runs four at once; `EventSeriesHash` feeds fields one by one.)
enum FNV1a {
    static let offsetBasis: UInt64 = 0xcbf29ce484222325
    static let prime: UInt64 = 0x100000001b3

    static func hash(_ bytes: some Sequence<UInt8>) -> UInt64 {
        var hash = offsetBasis
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* prime }
        return hash
    }
}

/// The names of the files in a state directory's `objects/` folder. A type's name never
/// becomes a path: a shard file is named by a readable, lossy prefix of its type (letters,
/// digits, `.` and `-` only; nothing else, so no NUL, no `/`, no leading dot) followed by the
/// commit, the type's position among the tables that commit wrote and the shard index. The
/// suffix alone makes every name unique, so two types can never share a file however their
/// prefixes look; `state.json` records which file holds which type.
enum StorageNames {
    /// Longest readable prefix kept from a type key.
    static let prefixLimit = 48
    /// Longest shard base name accepted from a manifest (prefix plus three numbers).
    static let baseLimit = 160

    /// `apps.Deployment_7-0_3` for shard 3 of `apps/Deployment`, the first table of commit 7.
    static func shardBase(type: String, commit: Int, ordinal: Int, shard: Int) -> String {
        var prefix: [UInt8] = []
        for byte in type.utf8 {
            if prefix.count >= prefixLimit { break }
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                prefix.append(byte)
            case UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "/"):
                // Never a leading dot (a hidden file) or dash (an option to a shell tool).
                prefix.append(prefix.isEmpty ? UInt8(ascii: "x") : byte == UInt8(ascii: "/") ? UInt8(ascii: ".") : byte)
            default:
                prefix.append(UInt8(ascii: "x"))
            }
        }
        if prefix.isEmpty { prefix = Array("type".utf8) }
        return "\(String(decoding: prefix, as: UTF8.self))_\(commit)-\(ordinal)_\(shard)"
    }

    /// Whether a shard base read from `state.json` is one `shardBase` could have made (or an
    /// earlier release made: `apps.Deployment_3_0`): a plain file name in `objects/`.
    static func isShardBase(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, bytes.count <= baseLimit, isAlphanumeric(first) else { return false }
        return bytes.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") }
            && bytes.contains(UInt8(ascii: "_"))
    }

    /// Whether a file in `objects/` is one the store writes: a shard's `.objects` or `.rows`
    /// file, a table's `.templates` (CompactPod), or a temporary file of an interrupted write.
    /// Only these are ever removed.
    static func isStoreFile(_ name: String) -> Bool {
        if name.hasPrefix(".tmp-") { return true }
        for suffix in [".objects", ".rows", ".templates"] where name.hasSuffix(suffix) {
            return isShardBase(String(name.dropLast(suffix.count)))
        }
        return false
    }

    private static func isAlphanumeric(_ b: UInt8) -> Bool {
        (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39)
    }
}

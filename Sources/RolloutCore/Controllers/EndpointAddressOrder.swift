/// The order a Service's endpoints are listed in: by address, compared as strings
/// (`LessEndpointAddress` in pkg/api/v1/endpoints/util.go compares `a.IP < b.IP`, Go's byte
/// order), ties kept as given. An address of up to 16 ASCII bytes is packed into two big-endian
/// numbers, zero-padded, whose order is its byte order (a shorter prefix first, as a zero byte
/// sorts before any character), so a Service's 10,000 addresses sort by comparing integers
/// instead of strings at every sync; any other string is compared as a String, exactly as
/// before.
enum EndpointAddressOrder {
    struct Key {
        var high: UInt64 = 0
        var low: UInt64 = 0
        /// At most 16 bytes, each ASCII and not zero: the packed numbers order it.
        var packed = true
    }

    static func key(_ address: String) -> Key {
        var key = Key()
        var count = 0
        for byte in address.utf8 {
            guard count < 16, byte != 0, byte < 0x80 else { key.packed = false; break }
            if count < 8 { key.high |= UInt64(byte) << (56 - 8 * count) } else { key.low |= UInt64(byte) << (56 - 8 * (count - 8)) }
            count += 1
        }
        return key
    }

    /// The indices of `addresses` in the order `addresses.sorted(by: <)` (a stable sort) gives,
    /// with `tieBreak` (e.g. pod uids) compared among equal addresses before their indices.
    static func sortedIndices(_ addresses: [String], tieBreak: [String]? = nil) -> [Int] {
        sortedIndices(count: addresses.count, address: { addresses[$0] }, tieBreak: tieBreak.map { uids in { uids[$0] } })
    }

    /// `0..<count` ordered by `address(i)` as Strings order them, then by `tieBreak(i)`, then by
    /// index.
    static func sortedIndices(count: Int, address: (Int) -> String, tieBreak: ((Int) -> String)? = nil) -> [Int] {
        var entries: [(key: Key, index: Int)] = []
        entries.reserveCapacity(count)
        for i in 0..<count { entries.append((key(address(i)), i)) }
        entries.sort { a, b in
            if a.key.packed && b.key.packed {
                if a.key.high != b.key.high { return a.key.high < b.key.high }
                if a.key.low != b.key.low { return a.key.low < b.key.low }
            } else {
                let x = address(a.index), y = address(b.index)
                if x != y { return x < y }
            }
            if let tieBreak {
                let x = tieBreak(a.index), y = tieBreak(b.index)
                if x != y { return x < y }
            }
            return a.index < b.index
        }
        return entries.map(\.index)
    }
}

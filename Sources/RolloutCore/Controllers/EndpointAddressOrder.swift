/// The order a Service's endpoints are listed in: by address, compared as strings
/// (`LessEndpointAddress` in pkg/api/v1/endpoints/util.go compares `a.IP < b.IP`, Go's byte
/// order), ties kept as given. An address of up to 16 ASCII bytes, none zero, is packed whole
/// (`PackedPrefix`) into two numbers whose order is its byte order, so a Service's 10,000
/// addresses sort by comparing integers instead of strings at every sync; any other string is
/// compared as a String, exactly as before.
enum EndpointAddressOrder {
    /// `0..<count` ordered by `address(i)` as Strings order them, then by `tieBreak(i)` (e.g.
    /// pod uids), then by index: the order a stable sort by address (and tie-break) gives.
    static func sortedIndices(count: Int, address: (Int) -> String, tieBreak: ((Int) -> String)? = nil) -> [Int] {
        guard let packed = packedOrder(count: count, address: address) else {
            return sortedAsStrings(count: count, address: address, tieBreak: tieBreak)
        }
        guard let tieBreak else { return packed.map(\.index) }
        return breakingTies(packed, by: tieBreak)
    }

    /// Both orders of `sortedIndices` at once, from one sort by address: ties in the given
    /// order (`stable`, the EndpointSlices' order) and ties by `tieBreak` (`tieBroken`, the
    /// Endpoints' order). With no two addresses equal they are the same.
    static func orders(count: Int, address: (Int) -> String, tieBreak: (Int) -> String) -> (stable: [Int], tieBroken: [Int]) {
        guard let packed = packedOrder(count: count, address: address) else {
            return withoutActuallyEscaping(tieBreak) { tieBreak in
                (sortedAsStrings(count: count, address: address, tieBreak: nil), sortedAsStrings(count: count, address: address, tieBreak: tieBreak))
            }
        }
        return (packed.map(\.index), breakingTies(packed, by: tieBreak))
    }

    private typealias Packed = [(high: UInt64, low: UInt64, index: Int)]

    /// The usual case: every address packed, sorted by numbers alone (a comparison the
    /// compiler inlines), ties by index. nil when some address cannot be packed.
    private static func packedOrder(count: Int, address: (Int) -> String) -> Packed? {
        var packed: Packed = []
        packed.reserveCapacity(count)
        for i in 0..<count {
            guard let key = PackedPrefix(address(i)), key.isWhole else { return nil }
            packed.append((key.high, key.low, i))
        }
        packed.sort { a, b in a.high != b.high ? a.high < b.high : a.low != b.low ? a.low < b.low : a.index < b.index }
        return packed
    }

    /// The packed order with each run of equal addresses sorted by the tie-break, then index.
    private static func breakingTies(_ packed: Packed, by tieBreak: (Int) -> String) -> [Int] {
        var order = packed.map(\.index)
        var start = 0
        while start < packed.count {
            var end = start + 1
            while end < packed.count && packed[end].high == packed[start].high && packed[end].low == packed[start].low { end += 1 }
            if end - start > 1 {
                order[start..<end].sort { a, b in
                    let x = tieBreak(a), y = tieBreak(b)
                    return x != y ? x < y : a < b
                }
            }
            start = end
        }
        return order
    }

    /// The general case: some address is not packed, and every comparison is a String one.
    private static func sortedAsStrings(count: Int, address: (Int) -> String, tieBreak: ((Int) -> String)?) -> [Int] {
        var entries = Array(0..<count)
        let addresses = entries.map(address)
        entries.sort { a, b in
            if addresses[a] != addresses[b] { return addresses[a] < addresses[b] }
            if let tieBreak {
                let x = tieBreak(a), y = tieBreak(b)
                if x != y { return x < y }
            }
            return a < b
        }
        return entries
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// Strings ordered byte by byte in UTF-8, as the API server lists keys (etcd sorts bytes) and
/// as kubectl sorts map keys: compared with memcmp, not character by character.
enum ByteOrder {
    static func precedes(_ a: String, _ b: String) -> Bool {
        var a = a, b = b
        return a.withUTF8 { x in b.withUTF8 { y in precedes(x, y) } }
    }

    static func precedes(_ x: UnsafeBufferPointer<UInt8>, _ y: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = min(x.count, y.count)
        if n > 0, let p = x.baseAddress, let q = y.baseAddress {
            let c = memcmp(p, q, n)
            if c != 0 { return c < 0 }
        }
        return x.count < y.count
    }

    /// The same bytes, compared with memcmp (`elementsEqual` goes through an iterator per byte).
    static func equal(_ x: UnsafeBufferPointer<UInt8>, _ y: UnsafeBufferPointer<UInt8>) -> Bool {
        guard x.count == y.count else { return false }
        guard x.count > 0, let p = x.baseAddress, let q = y.baseAddress else { return true }
        return memcmp(p, q, x.count) == 0
    }
}

extension String {
    /// The string's UTF-8 bytes as one buffer (its own storage when it has some): for loops
    /// over every byte, where `utf8`'s iterator costs several times as much per byte (a
    /// store's shard hash of a pod's key was 1,000 instructions).
    @inline(__always)
    func withUTF8Bytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        var text = self
        return text.withUTF8(body)
    }
}

/// A string's first 16 bytes packed into two big-endian numbers, zero-padded: their order
/// is the byte order of those prefixes, a shorter prefix first (a missing byte counts as a
/// zero, below any character). Used where thousands of strings are sorted (a Service's
/// addresses, the save's pod uids) to compare integers instead of Strings.
struct PackedPrefix {
    var high: UInt64 = 0
    var low: UInt64 = 0
    /// The bytes read: the string's length up to 16, or 17 when it is longer.
    var length = 0
    /// Some byte read is zero (it packs as the padding does).
    var hasZero = false

    /// nil when one of the first 17 bytes is outside ASCII, where `String`'s `<` (Unicode
    /// scalars after canonical composition, which may join a 16th byte with a combining
    /// mark after it) is not byte order.
    init?(_ string: String) {
        var high: UInt64 = 0, low: UInt64 = 0, length = 0, hasZero = false
        let ascii = string.withUTF8Bytes { bytes -> Bool in
            for byte in bytes {
                guard byte < 0x80 else { return false }
                if length == 16 { length = 17; break }
                if byte == 0 { hasZero = true }
                if length < 8 { high |= UInt64(byte) << (56 - 8 * length) } else { low |= UInt64(byte) << (56 - 8 * (length - 8)) }
                length += 1
            }
            return true
        }
        guard ascii else { return nil }
        (self.high, self.low, self.length, self.hasZero) = (high, low, length, hasZero)
    }

    /// The whole string is packed, and nothing but it packs the same.
    var isWhole: Bool { length <= 16 && !hasZero }
}

/// Strings in the order `String`'s `<` gives them, found by sorting integers: the first 16
/// bytes of each (`PackedPrefix`; all ASCII, where that order is byte order); strings whose
/// numbers are equal are compared as Strings. With a byte outside ASCII in some string's
/// first 17 every string is compared as a String. The save numbers its pods in uid order:
/// 300,000 uids at the 150,000-pod roll, which sorted as Strings took half a second.
enum StringOrder {
    /// `0..<count` by `string(i)`, ties by index.
    static func sortedIndices(count: Int, _ string: (Int) -> String) -> [Int] {
        sortedIndices(count: count, number: { _ in 0 }, string: string, tie: { _, _ in nil })
    }

    /// `0..<count` by `number(i)`, then `string(i)`, then `tie(a, b)` (nil: neither goes
    /// first), then index: what a stable sort by those keys gives. The numbers and the
    /// strings' packed prefixes are compared as integers; where both are equal, strings wholly
    /// in ASCII are compared byte by byte from a copy of their bytes made once (their order is
    /// byte order), any others as Strings. (Events are read back by time, name and namespace:
    /// at 10,000 replicas 20,000 of them, whose times repeat and whose names — a pod's name, a
    /// dot, a number — share their first 16 bytes with hundreds of others.)
    static func sortedIndices(count: Int, number: (Int) -> Int, string: (Int) -> String, tie: (Int, Int) -> Bool?) -> [Int] {
        /// The whole order, from `string(i)` on, for strings compared as Strings.
        func stringPrecedes(_ a: Int, _ b: Int) -> Bool {
            let x = string(a), y = string(b)
            if x != y { return x < y }
            return tie(a, b) ?? (a < b)
        }
        // `third`: an ASCII string's bytes 16 to 24, packed as the first 16 are, so that names
        // that share their first 16 bytes (a pod's events: its ReplicaSet's name, a dash, its
        // own suffix) are mostly told apart without comparing their bytes.
        var keys: [(number: Int, high: UInt64, low: UInt64, third: UInt64, index: Int)] = []
        keys.reserveCapacity(count)
        // Each string's bytes, one after another: string i's are bytes[starts[i]..<starts[i + 1]],
        // starts[i] negative (its bytes left out) when one is outside ASCII.
        var bytes: [UInt8] = []
        var starts: [Int] = []
        starts.reserveCapacity(count + 1)
        for i in 0..<count {
            let text = string(i)
            guard let packed = PackedPrefix(text) else {
                return (0..<count).sorted { a, b in
                    let m = number(a), n = number(b)
                    return m != n ? m < n : stringPrecedes(a, b)
                }
            }
            let start = bytes.count
            var third: UInt64 = 0
            let ascii = text.withUTF8Bytes { utf8 -> Bool in
                var bits: UInt8 = 0
                for byte in utf8 { bits |= byte }
                guard bits < 0x80 else { return false }
                bytes.append(contentsOf: utf8)
                for k in min(16, utf8.count)..<min(24, utf8.count) { third |= UInt64(utf8[k]) << (56 - 8 * (k - 16)) }
                return true
            }
            keys.append((number(i), packed.high, packed.low, third, i))
            starts.append(ascii ? start : -1 - start)
        }
        starts.append(bytes.count)
        /// Where string i's bytes end: where the next one's begin.
        func end(_ i: Int) -> Int { starts[i + 1] < 0 ? -1 - starts[i + 1] : starts[i + 1] }
        bytes.withUnsafeBufferPointer { all in
            keys.sort { a, b in
                if a.number != b.number { return a.number < b.number }
                if a.high != b.high { return a.high < b.high }
                if a.low != b.low { return a.low < b.low }
                let x = starts[a.index], y = starts[b.index]
                guard x >= 0 && y >= 0 else { return stringPrecedes(a.index, b.index) }
                // (Both ASCII: unequal packed bytes 16 to 24 decide as the bytes do, padding
                // below every byte — a string ending there is a prefix of the other.)
                if a.third != b.third { return a.third < b.third }
                let p = UnsafeBufferPointer(rebasing: all[x..<end(a.index)]), q = UnsafeBufferPointer(rebasing: all[y..<end(b.index)])
                if !ByteOrder.equal(p, q) { return ByteOrder.precedes(p, q) }
                return tie(a.index, b.index) ?? (a.index < b.index)
            }
        }
        return keys.map(\.index)
    }
}

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

    /// `a + b + c`, made at once in storage of their exact length: an interpolation or `+`
    /// starts small and grows as it goes — about a thousand instructions for a
    /// "Created pod: …", made for every pod a ReplicaSet creates or deletes.
    static func joined(_ a: String, _ b: String, _ c: String = "") -> String {
        let count = a.utf8.count + b.utf8.count + c.utf8.count
        // (Up to 15 bytes a string holds in itself: nothing is allocated either way.)
        guard count > 15 else { return a + b + c }
        return String(unsafeUninitializedCapacity: count) { buffer in
            var end = 0
            func put(_ part: String) {
                end = part.withUTF8Bytes { bytes in
                    guard bytes.count > 0, let from = bytes.baseAddress, let to = buffer.baseAddress, end + bytes.count <= buffer.count else { return end }
                    (to + end).initialize(from: from, count: bytes.count)
                    return end + bytes.count
                }
            }
            put(a)
            put(b)
            put(c)
            return end
        }
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
    /// (`parallelFrom`: from how many strings on they are sorted in parts, on every core.)
    static func sortedIndices(count: Int, number: (Int) -> Int, string: (Int) -> String, tie: (Int, Int) -> Bool?,
                              parallelFrom: Int = parallelFrom) -> [Int] {
        /// The whole order, from `string(i)` on, for strings compared as Strings.
        func stringPrecedes(_ a: Int, _ b: Int) -> Bool {
            let x = string(a), y = string(b)
            if x != y { return x < y }
            return tie(a, b) ?? (a < b)
        }
        func fallback() -> [Int] {
            (0..<count).sorted { a, b in
                let m = number(a), n = number(b)
                return m != n ? m < n : stringPrecedes(a, b)
            }
        }
        // Many strings (a save's 300,000 uids at Kubernetes' limits): read and sorted in parts
        // on every core, then merged — the order is total (the index breaks the last tie), so
        // the merge gives what one sort gives.
        let partCount = count >= parallelFrom ? max(2, Parallel.cores) : 1
        guard partCount > 1 else {
            guard let part = sortedPart(0..<count, number: number, string: string, stringPrecedes: stringPrecedes, tie: tie) else { return fallback() }
            return part.keys.map(\.index)
        }
        return withoutActuallyEscaping(number) { number in
            withoutActuallyEscaping(string) { string in
                withoutActuallyEscaping(stringPrecedes) { stringPrecedes in
                    withoutActuallyEscaping(tie) { tie in
                        let shared = ReadOnly((number: number, string: string, stringPrecedes: stringPrecedes, tie: tie))
                        let made = Parallel.map(partCount) { p -> Part? in
                            let range = (count * p / partCount)..<(count * (p + 1) / partCount)
                            return sortedPart(range, number: shared.value.number, string: shared.value.string,
                                              stringPrecedes: shared.value.stringPrecedes, tie: shared.value.tie)
                        }
                        let parts = made.compactMap { $0 }
                        guard parts.count == partCount else { return fallback() }
                        let texts = ReadOnly(parts.map(\.text.view))
                        return withExtendedLifetime(parts.map(\.text)) {
                            Parallel.merged(parts.indices.map { p in parts[p].keys.map { (part: p, key: $0) } }) { a, b in
                                Self.precedes(texts.value[a.part], a.key, texts.value[b.part], b.key,
                                              stringPrecedes: shared.value.stringPrecedes, tie: shared.value.tie)
                            }.map(\.key.index)
                        }
                    }
                }
            }
        }
    }

    /// The strings of `range` as a part, its keys sorted; nil when one is not all ASCII in its
    /// first 17 bytes (`Part`).
    private static func sortedPart(_ range: Range<Int>, number: (Int) -> Int, string: (Int) -> String,
                                   stringPrecedes: (Int, Int) -> Bool, tie: (Int, Int) -> Bool?) -> Part? {
        guard var part = Part(range, number: number, string: string) else { return nil }
        let text = part.text.view
        withExtendedLifetime(part.text) {
            part.keys.sort { precedes(text, $0, text, $1, stringPrecedes: stringPrecedes, tie: tie) }
        }
        return part
    }

    /// From this many strings on, they are sorted in parts on every core: the 20,000 pods a
    /// 10,000-replica roll saves took 3 ms on one core while the other waited.
    static let parallelFrom = 8_192

    /// A string's sort key: its number, its first 16 bytes packed, bytes 16 to 24 packed (ASCII
    /// strings: names that share their first 16 bytes — a pod's events: its ReplicaSet's name,
    /// a dash, its own suffix — are mostly told apart without comparing their bytes), its index.
    typealias Key = (number: Int, high: UInt64, low: UInt64, third: UInt64, index: Int)

    /// Whether `a` (of the part whose text is `p`) goes before `b` (of `q`'s): the numbers, the
    /// packed bytes, then the bytes of strings wholly in ASCII (their order is byte order; any
    /// others as Strings, `stringPrecedes`), then `tie`, then the index.
    private static func precedes(_ p: Text.View, _ a: Key, _ q: Text.View, _ b: Key,
                                 stringPrecedes: (Int, Int) -> Bool, tie: (Int, Int) -> Bool?) -> Bool {
        if a.number != b.number { return a.number < b.number }
        if a.high != b.high { return a.high < b.high }
        if a.low != b.low { return a.low < b.low }
        guard let x = p.bytes(of: a.index), let y = q.bytes(of: b.index) else { return stringPrecedes(a.index, b.index) }
        // (Both ASCII: unequal packed bytes 16 to 24 decide as the bytes do, padding below
        // every byte — a string ending there is a prefix of the other.)
        if a.third != b.third { return a.third < b.third }
        if !ByteOrder.equal(x, y) { return ByteOrder.precedes(x, y) }
        return tie(a.index, b.index) ?? (a.index < b.index)
    }

    /// The keys of the strings of a range of indices, and their text.
    struct Part {
        var keys: [Key] = []
        let text: Text

        /// nil when a string's first 17 bytes are not all ASCII (`PackedPrefix`): all are then
        /// compared as Strings.
        init?(_ range: Range<Int>, number: (Int) -> Int, string: (Int) -> String) {
            keys.reserveCapacity(range.count)
            // Each string's bytes, one after another: string i's are
            // bytes[starts[i - lower]..<starts[i - lower + 1]], starts negative (its bytes left
            // out) when one is outside ASCII.
            var bytes: [UInt8] = []
            var starts: [Int] = []
            starts.reserveCapacity(range.count + 1)
            for i in range {
                let text = string(i)
                guard let packed = PackedPrefix(text) else { return nil }
                let at = bytes.count
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
                starts.append(ascii ? at : -1 - at)
            }
            starts.append(bytes.count)
            text = Text(bytes: bytes, starts: starts, lower: range.lowerBound)
        }
    }

    /// A part's bytes and where each string's lie, held in memory of their own so that a
    /// comparison reads them through plain pointers (`View`), nothing retained.
    final class Text: @unchecked Sendable {
        private let bytes: UnsafeMutableBufferPointer<UInt8>
        private let starts: UnsafeMutableBufferPointer<Int>
        private let lower: Int

        init(bytes: [UInt8], starts: [Int], lower: Int) {
            self.bytes = .allocate(capacity: bytes.count)
            _ = self.bytes.initialize(from: bytes)
            self.starts = .allocate(capacity: starts.count)
            _ = self.starts.initialize(from: starts)
            self.lower = lower
        }

        deinit {
            bytes.deallocate()
            starts.deallocate()
        }

        /// Valid while the Text is.
        var view: View { View(bytes: UnsafeBufferPointer(bytes), starts: UnsafeBufferPointer(starts), lower: lower) }

        struct View: @unchecked Sendable {
            let bytes: UnsafeBufferPointer<UInt8>
            let starts: UnsafeBufferPointer<Int>
            let lower: Int

            /// String i's bytes, nil when one is outside ASCII.
            func bytes(of i: Int) -> UnsafeBufferPointer<UInt8>? {
                let k = i - lower
                guard starts[k] >= 0 else { return nil }
                let next = starts[k + 1]
                return UnsafeBufferPointer(rebasing: bytes[starts[k]..<(next < 0 ? -1 - next : next)])
            }
        }
    }
}

extension Array where Element == UInt8 {
    /// The string's UTF-8 bytes appended at once: `append(contentsOf: s.utf8)` goes a byte at
    /// a time through the view's iterator (some 300 instructions for a listing cell, of which a
    /// rollout's save writes ten for every pod).
    mutating func appendUTF8(_ s: String) {
        s.withUTF8Bytes { append(contentsOf: $0) }
    }
}

/// A cheaper hash for the keys the simulation looks up most — a pod's uid, an object's key,
/// a pod's namespace and name, an event's aggregation key — than Swift's own. `Hasher` runs
/// SipHash-1-3 over a String's bytes and finishes with four more rounds: at 10,000 replicas
/// some 400,000 look-ups of such keys cost ~450 instructions each, most of it hashing. Here
/// each ASCII string is folded eight bytes at a time by a 64×64→128-bit multiply (wyhash's
/// `mum`), from the seed the Dictionary or Set passes (`_rawHashValue(seed:)`: per process
/// and per table, as Swift seeds its own hashes).
///
/// Equal keys hash alike, as `Hashable` requires, under Swift's `==` for Strings (canonical
/// equivalence): a string whose scalars are all ASCII is hashed by its bytes; a string whose
/// scalars are ASCII but for the three that are canonically equivalent to an ASCII character
/// (U+212A KELVIN SIGN to "K", U+037E GREEK QUESTION MARK to ";", U+1FEF GREEK VARIA to "`")
/// is hashed by the bytes of the ASCII string it equals; any other string — its normalised
/// form not ASCII, so equal to no ASCII string — by Swift's own hash of it.
/// Nothing printed or stored depends on a hash: only the order of a dictionary's iteration,
/// which was never relied on (it differs from process to process).
enum KeyHash {
    // wyhash's default secret.
    static let p0: UInt64 = 0xa076_1d64_78bd_642f
    static let p1: UInt64 = 0xe703_7ed1_a0b4_28db
    static let p2: UInt64 = 0x8ebc_6af0_9c88_c6e3
    static let p3: UInt64 = 0x5899_65cc_7537_4cc3

    /// The 128-bit product of `a` and `b`, its halves xor-ed.
    @inline(__always)
    static func mum(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let r = a.multipliedFullWidth(by: b)
        return r.high ^ r.low
    }

    /// The state a key's hash starts from.
    @inline(__always)
    static func start(_ seed: Int) -> UInt64 { UInt64(bitPattern: Int64(seed)) ^ p0 }

    /// The hash of a state: what `_rawHashValue(seed:)` returns.
    @inline(__always)
    static func finish(_ h: UInt64) -> Int { Int(truncatingIfNeeded: mum(h ^ p2, p3)) }

    /// Folds one string into `h`: its length, then its bytes eight at a time.
    /// (Its bytes read where the String keeps them, not through a copy of it: `withUTF8` on a
    /// `var` retained and released the string at every hash.)
    @inline(__always)
    static func fold(_ s: String, into h: inout UInt64) {
        let start = h
        if let folded = s.utf8.withContiguousStorageIfAvailable({ fold($0, into: start) }), let folded {
            h = folded
        } else {
            h = slow(s, start)
        }
    }

    /// `bytes` folded into `h`; nil when some byte is outside ASCII.
    @inline(__always)
    static func fold(_ bytes: UnsafeBufferPointer<UInt8>, into h: UInt64) -> UInt64? {
        let n = bytes.count
        var h = mum(h ^ UInt64(truncatingIfNeeded: n) ^ p1, p0)
        guard n > 0, let base = bytes.baseAddress else { return h }
        let raw = UnsafeRawPointer(base)
        var high: UInt64 = 0
        if n < 8 {
            var word: UInt64 = 0
            for i in 0..<n { word |= UInt64(base[i]) &<< UInt64(8 &* i) }
            high = word
            h = mum(h ^ word ^ p3, p1)
        } else {
            var i = 0
            while i &+ 8 <= n {
                let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                high |= word
                h = mum(h ^ word ^ p2, p1)
                i &+= 8
            }
            // The last bytes as the last eight, overlapping the word before.
            if i < n {
                let word = raw.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self)
                high |= word
                h = mum(h ^ word ^ p3, p1)
            }
        }
        return high & 0x8080_8080_8080_8080 == 0 ? h : nil
    }

    /// A string with a byte outside ASCII: the ASCII string it equals folded in, when its
    /// scalars are ASCII or one of the three equivalent to ASCII ones; otherwise its own
    /// (normalising) hash, which equals no ASCII string's.
    static func slow(_ s: String, _ h: UInt64) -> UInt64 {
        var ascii: [UInt8] = []
        ascii.reserveCapacity(s.utf8.count)
        for scalar in s.unicodeScalars {
            switch scalar.value {
            case 0..<0x80: ascii.append(UInt8(scalar.value))
            case 0x212A: ascii.append(UInt8(ascii: "K"))
            case 0x037E: ascii.append(UInt8(ascii: ";"))
            case 0x1FEF: ascii.append(UInt8(ascii: "`"))
            default:
                var hasher = Hasher()
                hasher.combine(s)
                return mum(h ^ UInt64(bitPattern: Int64(hasher.finalize())) ^ p3, p2)
            }
        }
        return ascii.withUnsafeBufferPointer { fold($0, into: h) } ?? h
    }

    /// One string's hash from `seed`.
    static func hash(_ s: String, seed: Int) -> Int {
        var h = start(seed)
        fold(s, into: &h)
        return finish(h)
    }

    /// The hash of the strings of a key made of two, from `seed`, each folded in turn.
    @inline(__always)
    static func hash(_ a: String, _ b: String, seed: Int) -> Int {
        var h = start(seed)
        fold(a, into: &h)
        fold(b, into: &h)
        return finish(h)
    }

    /// The hash of a key made of three strings.
    @inline(__always)
    static func hash(_ a: String, _ b: String, _ c: String, seed: Int) -> Int {
        var h = start(seed)
        fold(a, into: &h)
        fold(b, into: &h)
        fold(c, into: &h)
        return finish(h)
    }
}

/// A String hashed by `KeyHash`, equal as Strings are. Its text is folded once, when the key
/// is made, from the process's seed (`fingerprint`); a table mixes its own seed into that
/// (`_rawHashValue(seed:)`), and two keys whose fingerprints differ are unequal without their
/// texts being compared. (A look-up in the 300,000 pods of the 150,000-pod roll compared its
/// uid with those of the one or two other keys it met on its way, each compare a read of
/// another string's bytes, another cache miss — and a table that grew folded every key's text
/// again.) Equal texts have equal fingerprints (`KeyHash`: equal under Swift's `==`, equal
/// hashes), so unequal fingerprints mean unequal texts.
public struct HashedString: Hashable, Sendable {
    public let text: String
    let fingerprint: UInt64

    @inline(__always)
    public init(_ text: String) {
        self.text = text
        fingerprint = KeyHash.fingerprint(text)
    }

    @inline(__always)
    public static func == (a: HashedString, b: HashedString) -> Bool { a.fingerprint == b.fingerprint && a.text == b.text }
    @inline(__always)
    public func _rawHashValue(seed: Int) -> Int { KeyHash.mixed(fingerprint, seed: seed) }
    public func hash(into hasher: inout Hasher) { hasher.combine(fingerprint) }
}

extension KeyHash {
    /// Where a `HashedString`'s fingerprint starts: from the process's seed, as Swift seeds its
    /// own hashes (fixed when `SWIFT_DETERMINISTIC_HASHING` is set), so that no input can be
    /// made to collide without knowing it.
    static let processStart: UInt64 = {
        var hasher = Hasher()
        hasher.combine(0x6B65_7968_6173_68 as UInt64)
        return start(hasher.finalize())
    }()

    /// A key's strings folded in turn from the process's seed: its fingerprint.
    @inline(__always)
    static func fingerprint(_ a: String) -> UInt64 {
        var h = processStart
        fold(a, into: &h)
        return h
    }

    @inline(__always)
    static func fingerprint(_ a: String, _ b: String) -> UInt64 {
        var h = processStart
        fold(a, into: &h)
        fold(b, into: &h)
        return h
    }

    /// A value made once (a fingerprint, `Table.Key`'s FNV-1a) with a table's seed mixed in:
    /// what its `_rawHashValue(seed:)` returns.
    @inline(__always)
    static func mixed(_ value: UInt64, seed: Int) -> Int { finish(start(seed) ^ value) }
}

/// `[String: Value]` with its keys hashed by `KeyHash` (`HashedString`): for the cluster's
/// dictionaries keyed by uids and node names, looked up several times for every pod that
/// changes. The same operations as a Dictionary's, by String.
public struct StringMap<Value> {
    var storage: [HashedString: Value]

    public init() { storage = [:] }
    public init(minimumCapacity: Int) { storage = Dictionary(minimumCapacity: minimumCapacity) }

    public subscript(key: String) -> Value? {
        @inline(__always) get { storage[HashedString(key)] }
        @inline(__always) set { storage[HashedString(key)] = newValue }
        @inline(__always) _modify { yield &storage[HashedString(key)] }
    }

    public subscript(key: String, default defaultValue: @autoclosure () -> Value) -> Value {
        @inline(__always) get { storage[HashedString(key), default: defaultValue()] }
        @inline(__always) _modify { yield &storage[HashedString(key), default: defaultValue()] }
    }

    @discardableResult
    public mutating func updateValue(_ value: Value, forKey key: String) -> Value? { storage.updateValue(value, forKey: HashedString(key)) }
    @discardableResult
    public mutating func removeValue(forKey key: String) -> Value? { storage.removeValue(forKey: HashedString(key)) }
    public mutating func removeAll(keepingCapacity: Bool = false) { storage.removeAll(keepingCapacity: keepingCapacity) }
    public mutating func reserveCapacity(_ n: Int) { storage.reserveCapacity(n) }

    /// The entries `isIncluded` keeps, as a map (as `Dictionary.filter` gives a dictionary).
    public func filter(_ isIncluded: ((key: String, value: Value)) throws -> Bool) rethrows -> StringMap<Value> {
        var kept = StringMap()
        kept.storage = try storage.filter { try isIncluded((key: $0.key.text, value: $0.value)) }
        return kept
    }

    public var count: Int { storage.count }
    public var isEmpty: Bool { storage.isEmpty }
    public var capacity: Int { storage.capacity }
    public var values: Dictionary<HashedString, Value>.Values { storage.values }
    public var keys: LazyMapSequence<Dictionary<HashedString, Value>.Keys, String> { storage.keys.lazy.map(\.text) }
}

extension StringMap: Sequence {
    public func makeIterator() -> LazyMapSequence<[HashedString: Value], (key: String, value: Value)>.Iterator {
        storage.lazy.map { (key: $0.key.text, value: $0.value) }.makeIterator()
    }
}

extension StringMap: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, Value)...) {
        storage = Dictionary(minimumCapacity: elements.count)
        for (k, v) in elements { storage[HashedString(k)] = v }
    }
}

extension StringMap: Sendable where Value: Sendable {}

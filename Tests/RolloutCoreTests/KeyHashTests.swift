import XCTest
@testable import RolloutCore

/// Issue 14: the keys the simulation looks up most (`HashedString` in `StringMap`, `ObjectKey`,
/// `PodName`, `EventAggregateKey`, `EventSeriesKey`, `Table.Key`) are hashed by `KeyHash`
/// instead of `Hasher`. What `Hashable` asks of them is checked here: keys that are equal
/// (Swift's `==` on Strings is canonical equivalence) hash alike under every seed; a
/// `StringMap` does what a `[String: V]` does, operation for operation; and the hashes of
/// uids, and of names that differ in one character, spread over a table's buckets.
/// (`HashedString` and `PodName` fold their strings once, into a fingerprint a table mixes its
/// seed into, and compare fingerprints before texts: the same checks hold of them.)
final class KeyHashTests: XCTestCase {
    /// Pairs Swift's `==` calls equal, with different bytes: the three scalars canonically
    /// equivalent to an ASCII one, and precomposed against decomposed letters; and strings of
    /// every length around the eight-byte words the hash folds.
    private static let equalPairs: [(String, String)] = [
        ("K", "\u{212A}"), (";", "\u{037E}"), ("`", "\u{1FEF}"),
        ("uid-K-7", "uid-\u{212A}-7"), ("a;b;c;d;e;f;g;h;i", "a\u{037E}b;c\u{037E}d;e;f;g;h;i"),
        ("caf\u{E9}", "cafe\u{301}"), ("\u{E9}t\u{E9}-\u{212A}", "e\u{301}te\u{301}-K"), ("\u{212B}", "A\u{30A}"),
        ("", ""), ("a", "a"), ("abcdefg", "abcdefg"), ("abcdefgh", "abcdefgh"), ("abcdefghi", "abcdefghi"),
        ("0123456789abcdef", "0123456789abcdef"), ("95114859-a8ae-4a41-b9ce-5cf056728be1", "95114859-a8ae-4a41-b9ce-5cf056728be1"),
    ]

    private static let seeds = [0, 1, -1, 0x5EED, Int.max, Int.min, 1 << 40]

    func testEqualStringsHashAlikeUnderEverySeed() {
        for (a, b) in Self.equalPairs {
            XCTAssertEqual(a, b, "the pair is equal as Strings: \(a.unicodeScalars.map(\.value)) \(b.unicodeScalars.map(\.value))")
            XCTAssertEqual(HashedString(a), HashedString(b))
            for seed in Self.seeds {
                XCTAssertEqual(KeyHash.hash(a, seed: seed), KeyHash.hash(b, seed: seed), "\(Array(a.utf8)) and \(Array(b.utf8)) under seed \(seed)")
                XCTAssertEqual(HashedString(a)._rawHashValue(seed: seed), HashedString(b)._rawHashValue(seed: seed))
            }
            var x = Hasher(), y = Hasher()
            HashedString(a).hash(into: &x)
            HashedString(b).hash(into: &y)
            XCTAssertEqual(x.finalize(), y.finalize())
        }
    }

    /// Strings that differ as Strings differ as keys, whether their bytes decide it (ASCII:
    /// another byte, another length) or Swift's comparison does (a byte outside ASCII).
    func testUnequalStringsAreUnequalKeys() {
        let pairs: [(String, String)] = [
            ("a", "b"), ("abc", "abd"), ("abc", "abcd"), ("", "a"), ("K", "k"), ("\u{212A}", "k"), ("\u{212A}", "KK"),
            ("caf\u{E9}", "cafe"), ("e\u{301}", "e"), ("\u{E9}", "\u{E8}"), ("95114859-a8ae-4a41-b9ce-5cf056728be1", "95114859-a8ae-4a41-b9ce-5cf056728be2"),
        ]
        for (a, b) in pairs {
            XCTAssertNotEqual(a, b)
            XCTAssertNotEqual(HashedString(a), HashedString(b), "\(Array(a.utf8)) and \(Array(b.utf8))")
            XCTAssertNotEqual(HashedString(b), HashedString(a))
            XCTAssertNotEqual(PodName(namespace: "ns", name: a), PodName(namespace: "ns", name: b))
            XCTAssertNotEqual(PodName(namespace: a, name: "n"), PodName(namespace: b, name: "n"))
        }
        // A key made once and one made again from an equal string are equal (their
        // fingerprints, folded from the process's seed when each was made, agree).
        for (a, b) in Self.equalPairs {
            XCTAssertEqual(HashedString(a).fingerprint, HashedString(b).fingerprint)
            XCTAssertEqual(PodName(namespace: a, name: b).fingerprint, PodName(namespace: b, name: a).fingerprint)
            XCTAssertEqual(PodName(namespace: a, name: b), PodName(namespace: b, name: a))
        }
    }

    /// The keys made of several strings: equal keys hash alike; the fields are told apart
    /// (a string's length is folded in before its bytes), so moving a character from one field
    /// to the next makes another hash.
    func testKeysOfSeveralStrings() {
        for (a, b) in Self.equalPairs {
            for seed in Self.seeds {
                XCTAssertEqual(ObjectKey(type: "Pod", namespace: a, name: a)._rawHashValue(seed: seed),
                               ObjectKey(type: "Pod", namespace: b, name: b)._rawHashValue(seed: seed))
                XCTAssertEqual(PodName(namespace: a, name: b)._rawHashValue(seed: seed), PodName(namespace: b, name: a)._rawHashValue(seed: seed))
                // (A store's key equals only a key of the same ASCII-ness — the API server
                // compares bytes — so of these pairs only those alike in it are equal there.)
                let (p, q) = (Table.Key(namespace: a, name: a), Table.Key(namespace: b, name: b))
                XCTAssertEqual(p == q, p.ascii == q.ascii, "Table.Key: \(a)")
                if p == q { XCTAssertEqual(p._rawHashValue(seed: seed), q._rawHashValue(seed: seed), "Table.Key: \(a)") }
                let x = EventAggregateKey(component: "kubelet", kind: "Pod", uid: a, type: "Normal", reason: a)
                let y = EventAggregateKey(component: "kubelet", kind: "Pod", uid: b, type: "Normal", reason: b)
                XCTAssertEqual(x._rawHashValue(seed: seed), y._rawHashValue(seed: seed))
                XCTAssertEqual(EventSeriesKey.aggregate(x)._rawHashValue(seed: seed), EventSeriesKey.aggregate(y)._rawHashValue(seed: seed))
                XCTAssertEqual(EventSeriesKey.plain(kind: "Pod", uid: a, reason: "Pulled", message: "m")._rawHashValue(seed: seed),
                               EventSeriesKey.plain(kind: "Pod", uid: b, reason: "Pulled", message: "m")._rawHashValue(seed: seed))
            }
        }
        XCTAssertNotEqual(PodName(namespace: "ab", name: "c")._rawHashValue(seed: 7), PodName(namespace: "a", name: "bc")._rawHashValue(seed: 7))
        XCTAssertNotEqual(ObjectKey(type: "Pod", namespace: "", name: "default")._rawHashValue(seed: 7),
                          ObjectKey(type: "Pod", namespace: "default", name: "")._rawHashValue(seed: 7))
        // The equal keys are one entry of a set.
        XCTAssertEqual(Set(Self.equalPairs.flatMap { [PodName(namespace: "ns", name: $0.0), PodName(namespace: "ns", name: $0.1)] }).count,
                       Set(Self.equalPairs.map(\.0)).count)
    }

    /// A `StringMap` and a `[String: Int]` given the same operations — sets, removals, updates,
    /// defaults — over keys that include the equal pairs above hold the same entries after each.
    func testStringMapDoesWhatADictionaryDoes() {
        let pool = Self.equalPairs.flatMap { [$0.0, $0.1] } + (0..<40).map { "pod-\($0)" } + ["ü", "u\u{308}", "\u{1F600}", "a\u{0}b"]
        var map = StringMap<Int>()
        var dictionary: [String: Int] = [:]
        var state: UInt64 = 0x9E37_79B9
        func next(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(n))
        }
        for step in 0..<4_000 {
            let key = pool[next(pool.count)]
            switch next(5) {
            case 0: map[key] = step; dictionary[key] = step
            case 1: XCTAssertEqual(map.removeValue(forKey: key), dictionary.removeValue(forKey: key))
            case 2: XCTAssertEqual(map.updateValue(step, forKey: key), dictionary.updateValue(step, forKey: key))
            case 3: map[key, default: 0] += 1; dictionary[key, default: 0] += 1
            default: map[key] = nil; dictionary[key] = nil
            }
            XCTAssertEqual(map.count, dictionary.count, "after step \(step)")
            XCTAssertEqual(map.isEmpty, dictionary.isEmpty)
            for probe in pool { XCTAssertEqual(map[probe], dictionary[probe], "\(probe) after step \(step)") }
        }
        XCTAssertEqual(Dictionary(uniqueKeysWithValues: map.map { ($0.key, $0.value) }), dictionary)
        XCTAssertEqual(Set(map.keys), Set(dictionary.keys))
        XCTAssertEqual(map.values.sorted(), dictionary.values.sorted())
        XCTAssertEqual(Dictionary(uniqueKeysWithValues: map.filter { $0.value % 2 == 0 }.map { ($0.key, $0.value) }), dictionary.filter { $0.value % 2 == 0 })
        let literal: StringMap<Int> = ["K": 1, "x": 2]
        XCTAssertEqual(literal["\u{212A}"], 1)
        map.removeAll()
        XCTAssertTrue(map.isEmpty)
    }

    /// The hashes spread: 100,000 uids as the cluster makes them, and 100,000 names that differ
    /// only in their last digits, fill a table of 2^17 buckets (the low bits, as Swift's tables
    /// take them) about as random numbers would — no bucket with more than 12 (a random spread
    /// has ~8 at most), no two whole hashes alike — and the seed moves every hash.
    func testHashesSpreadOverBuckets() {
        var state: UInt64 = 1
        func hex(_ n: Int) -> String {
            var s = ""
            for _ in 0..<n {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                s.append(Character(Unicode.Scalar(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: (state >> 60) % 10) + ((state >> 60) >= 10 ? 39 : 0))))
            }
            return s
        }
        let uids = (0..<100_000).map { _ in "\(hex(8))-\(hex(4))-4\(hex(3))-8\(hex(3))-\(hex(12))" }
        let names = (0..<100_000).map { "app-0003-58cd4dd468-\($0)" }
        for keys in [uids, names] {
            for seed in [0, 0x5EED] {
                let hashes = keys.map { KeyHash.hash($0, seed: seed) }
                XCTAssertEqual(Set(hashes).count, Set(keys).count, "whole hashes collide")
                var buckets = [Int](repeating: 0, count: 1 << 17)
                for h in hashes { buckets[h & ((1 << 17) - 1)] += 1 }
                XCTAssertLessThanOrEqual(buckets.max() ?? 0, 12, "a bucket holds \(buckets.max() ?? 0) keys")
            }
            let moved = keys.prefix(1_000).filter { KeyHash.hash($0, seed: 1) != KeyHash.hash($0, seed: 2) }.count
            XCTAssertEqual(moved, 1_000, "the seed moves every hash")
        }
    }
}

import XCTest
@testable import RolloutCore

/// `ByteOrder.precedes` orders as the bytes of UTF-8 do (etcd's key order, which the API server
/// lists in): the same answers as comparing the UTF-8 views element by element, for prefixes,
/// empty strings, long strings and characters outside ASCII, where Swift's own `<` differs.
final class ByteOrderTests: XCTestCase {
    func testAgreesWithTheUTF8Bytes() {
        let strings = ["", "a", "ab", "b", "a-1", "a-10", "a-9", "A", "web-7d9f8c-abcde", "web-7d9f8c-abcdf",
                       "é", "e\u{301}", "z", "ß", "日本", "long-name-of-a-pod-0123456789-abcdefghij", "long-name-of-a-pod-0123456789-abcdefghik"]
        for a in strings {
            for b in strings {
                XCTAssertEqual(ByteOrder.precedes(a, b), a.utf8.lexicographicallyPrecedes(b.utf8), "\(a) < \(b)")
            }
        }
        // Where Swift's String comparison (canonical equivalence) and bytes disagree.
        XCTAssertFalse(ByteOrder.precedes("é", "e\u{301}"))
        XCTAssertTrue(ByteOrder.precedes("e\u{301}", "é"))
    }

    /// `String.joined` (messages and names the controllers make for every pod) is `a + b + c`
    /// for empty, short (held in the string itself), long and non-ASCII parts.
    func testJoinedIsConcatenation() {
        let parts = ["", "a", "Created pod: ", "web-7d4b9c8f5-x2k9q", "caf\u{E9} \u{1F600}", String(repeating: "long ", count: 40), "-", "e\u{301}"]
        for a in parts {
            for b in parts {
                for c in parts {
                    let joined = String.joined(a, b, c)
                    XCTAssertEqual(joined, a + b + c)
                    XCTAssertEqual(Array(joined.utf8), Array(a.utf8) + Array(b.utf8) + Array(c.utf8))
                }
                XCTAssertEqual(String.joined(a, b), a + b)
            }
        }
    }
}

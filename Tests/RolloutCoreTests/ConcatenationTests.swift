import XCTest
@testable import RolloutCore

/// `String.concatenating` (one allocation of the exact size) gives what `a + b + c` gives: empty
/// parts, small strings kept inline, long ones on the heap, multi-byte characters, and a part
/// made from a substring.
final class ConcatenationTests: XCTestCase {
    func testConcatenatingIsPlusForEveryKindOfPart() {
        let long = String(repeating: "web-7d9f8b6c5-", count: 9)
        let parts = ["", "-", "Created pod: ", long, "ünïcødé ✓", "😀", String(long.dropFirst(3)), "(combined from similar events): "]
        for a in parts {
            for b in parts {
                for c in parts {
                    let joined = String.concatenating(a, b, c)
                    XCTAssertEqual(joined, a + b + c)
                    XCTAssertEqual(joined.utf8.count, a.utf8.count + b.utf8.count + c.utf8.count)
                }
                XCTAssertEqual(String.concatenating(a, b), a + b)
            }
        }
    }
}

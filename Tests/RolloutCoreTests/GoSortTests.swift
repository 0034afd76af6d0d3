import XCTest
@testable import RolloutCore

/// Go's `sort.Sort` (`GoSort`, a port of Go 1.23's pdqsort in `src/sort/zsortinterface.go`):
/// kubectl sorts events with it by time alone (`SortableEvents` in `pkg/cmd/events/events.go`
/// and `pkg/util/event`), so the events of one second print in the order it leaves them.
final class GoSortTests: XCTestCase {
    struct Case: Sendable {
        let count: Int
        /// The second of the event listed at each index (events listed by name: ev-0000, ...).
        let second: @Sendable (Int) -> Int
        /// The order the real kubectl v1.32.4 (go1.23.8) printed them in: `kubectl events` on
        /// these events served by kubectl-oracle, each an index into the listed order.
        let kubectl: [Int]
    }

    static let cases: [Case] = [
        // 600 equal: in order already, which the partial insertion sort finds
        Case(count: 600, second: { _ in 0 },
             kubectl: Array(0..<600)),
        // 100 in three seconds, interleaved
        Case(count: 100, second: { ($0 * 37) % 3 },
             kubectl: [36, 99, 96, 3, 93, 90, 6, 87, 84, 9, 81, 78, 12, 75, 72, 15, 69, 66, 18, 63, 60, 21, 57, 54,
                       24, 51, 0, 27, 48, 45, 30, 42, 39, 33, 49, 67, 34, 37, 1, 97, 40, 94, 31, 43, 4, 91, 46, 88,
                       28, 7, 85, 25, 52, 82, 10, 55, 79, 22, 58, 76, 13, 61, 73, 19, 64, 70, 16, 17, 8, 35, 65,
                       71, 14, 62, 74, 20, 59, 77, 11, 56, 80, 23, 53, 83, 68, 50, 86, 26, 47, 89, 5, 29, 92, 44,
                       41, 95, 2, 32, 98, 38]),
        // 257 in five seconds, scattered
        Case(count: 257, second: { ($0 * 7919 + 3) % 5 },
             kubectl: [53, 253, 248, 3, 243, 238, 233, 228, 8, 223, 218, 213, 208, 13, 203, 198, 193, 188, 18, 183,
                       178, 173, 168, 23, 163, 158, 153, 148, 28, 143, 138, 133, 128, 33, 123, 118, 113, 108, 38,
                       103, 98, 93, 88, 43, 83, 78, 73, 68, 48, 63, 58, 192, 207, 152, 157, 27, 147, 57, 252, 162,
                       2, 167, 62, 247, 142, 242, 22, 67, 47, 172, 237, 137, 72, 132, 177, 32, 127, 77, 232, 182,
                       7, 187, 82, 227, 122, 222, 17, 87, 42, 117, 217, 197, 92, 112, 202, 37, 107, 97, 212, 52,
                       12, 102, 101, 156, 206, 211, 106, 96, 11, 216, 201, 111, 41, 36, 91, 196, 116, 221, 16, 191,
                       86, 121, 226, 81, 186, 231, 126, 76, 6, 181, 236, 131, 46, 31, 176, 21, 136, 71, 241, 171,
                       66, 141, 246, 61, 166, 251, 146, 56, 1, 161, 256, 151, 51, 26, 205, 75, 255, 150, 25, 55,
                       160, 50, 145, 250, 60, 165, 245, 65, 140, 240, 170, 5, 30, 135, 70, 175, 235, 130, 20, 100,
                       180, 45, 125, 230, 80, 185, 225, 85, 120, 220, 190, 10, 0, 35, 90, 195, 115, 215, 15, 95,
                       200, 110, 40, 210, 155, 105, 204, 39, 104, 209, 14, 99, 109, 199, 214, 114, 94, 194, 119,
                       219, 189, 89, 34, 9, 224, 124, 84, 44, 184, 229, 19, 79, 129, 179, 234, 134, 74, 174, 139,
                       239, 169, 69, 29, 4, 244, 144, 64, 49, 164, 249, 24, 59, 149, 159, 254, 154, 54]),
        // 64 decreasing, four to a second: reversed, then sorted
        Case(count: 64, second: { (64 - $0) / 4 },
             kubectl: [63, 62, 61, 60, 59, 58, 57, 53, 56, 55, 54, 50, 51, 52, 49, 45, 48, 47, 46, 44, 43, 42, 41,
                       40, 39, 38, 37, 33, 36, 35, 34, 31, 29, 32, 30, 26, 28, 27, 25, 24, 23, 22, 21, 17, 20, 19,
                       18, 16, 15, 14, 13, 9, 12, 11, 10, 8, 7, 6, 5, 4, 3, 2, 1, 0]),
        // 120 in eleven seconds (squares modulo 11)
        Case(count: 120, second: { ($0 * $0) % 11 },
             kubectl: [11, 55, 66, 44, 77, 33, 88, 110, 0, 22, 99, 89, 67, 1, 100, 10, 56, 65, 98, 45, 43, 21, 12,
                       23, 109, 54, 76, 111, 78, 87, 34, 32, 105, 83, 93, 28, 27, 6, 38, 39, 115, 71, 104, 5, 72,
                       94, 116, 17, 61, 49, 50, 60, 16, 82, 90, 35, 119, 57, 2, 112, 108, 9, 13, 101, 64, 97, 46,
                       42, 68, 20, 24, 53, 86, 31, 79, 75, 29, 18, 37, 117, 114, 81, 73, 59, 84, 4, 40, 7, 26, 51,
                       70, 106, 92, 48, 62, 95, 103, 15, 47, 8, 14, 63, 102, 96, 19, 69, 91, 107, 25, 36, 41, 85,
                       30, 113, 80, 3, 58, 74, 118, 52]),
        // 51 alternating between two seconds
        Case(count: 51, second: { $0 % 2 },
             kubectl: [12, 2, 38, 14, 4, 46, 6, 44, 8, 42, 10, 40, 28, 50, 48, 36, 16, 34, 18, 32, 20, 30, 22, 0,
                       24, 26, 23, 27, 25, 29, 21, 31, 19, 33, 17, 35, 15, 37, 13, 39, 11, 41, 9, 43, 7, 45, 5, 47,
                       3, 49, 1]),
    ]

    // Equal keys in every pattern tried end where kubectl leaves them: the insertion sort (up
    // to 12), the median of three and Tukey's ninther (from 50), the partitions around a
    // pivot and around its equals, the partial insertion sort, the reversal of a decreasing
    // run and the pattern breaking after an unbalanced partition.
    func testEqualKeysEndWhereKubectlLeavesThem() {
        for (n, c) in Self.cases.enumerated() {
            var items = (0..<c.count).map { (second: c.second($0), index: $0) }
            GoSort.sort(&items) { $0.second < $1.second }
            XCTAssertEqual(items.map(\.index), c.kubectl, "case \(n): \(c.count) events")
        }
    }

    // Whatever the input, the result is sorted and a permutation of it.
    func testAnyInputComesOutSorted() {
        var random = SeededRandom(seed: 14)
        for count in Array(0...80) + [99, 100, 128, 257, 1000, 4096] {
            for range in [1, 2, 3, 10, 1_000_000] {
                let keys = (0..<count).map { _ in Int.random(in: 0..<range, using: &random) }
                for input in [keys, keys.sorted(), Array(keys.sorted().reversed())] {
                    var items = input.enumerated().map { (key: $0.element, index: $0.offset) }
                    GoSort.sort(&items) { $0.key < $1.key }
                    XCTAssertEqual(items.map(\.key), input.sorted(), "count \(count), range \(range)")
                    XCTAssertEqual(items.map(\.index).sorted(), Array(0..<count))
                }
            }
        }
    }
}

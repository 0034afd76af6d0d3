import XCTest
@testable import RolloutCore

/// `Parallel.map` spreads work over the cores and must give what a loop gives, in order, for
/// any count and grain (the store's listings and commits, the cluster's load and save rely on
/// it for byte-identical output).
final class ParallelTests: XCTestCase {
    func testResultsComeInInputOrder() {
        for count in [0, 1, 2, 3, 7, 64, 1000, 4099] {
            for grain in [1, 5, 64, 256, 10_000] {
                let squares = Parallel.map(count, grain: grain) { $0 * $0 }
                XCTAssertEqual(squares, (0..<count).map { $0 * $0 }, "count \(count), grain \(grain)")
            }
        }
    }

    func testEachItemRunsOnce() {
        let strings = Parallel.map(10_000, grain: 1) { String($0) }
        XCTAssertEqual(Set(strings).count, 10_000)
        XCTAssertEqual(strings.last, "9999")
    }
}

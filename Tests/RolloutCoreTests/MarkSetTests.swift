import XCTest
@testable import RolloutCore

/// `MarkSet` (the cluster's sets of things to sync, whose repeated marks skip hashing) holds
/// exactly what a `Set` given the same inserts, unions and emptyings holds.
final class MarkSetTests: XCTestCase {
    func testRandomMarksHoldWhatASetHolds() {
        var random = SeededRandom(seed: 7)
        let values = ["rs-a", "rs-b", "rs-c", "rs-" + "a", String("rs-a".reversed().reversed())]
        for round in 0..<500 {
            var marks: MarkSet<String> = []
            var set: Set<String> = []
            for _ in 0..<Int.random(in: 0..<40, using: &random) {
                switch Int.random(in: 0..<10, using: &random) {
                case 0:
                    marks = []
                    set = []
                case 1:
                    let more = Set((0..<2).map { _ in values[Int.random(in: 0..<values.count, using: &random)] })
                    marks.formUnion(more)
                    set.formUnion(more)
                default:
                    let value = values[Int.random(in: 0..<values.count, using: &random)]
                    marks.insert(value)
                    set.insert(value)
                }
                XCTAssertEqual(marks.members, set, "round \(round)")
                XCTAssertEqual(marks.isEmpty, set.isEmpty)
                XCTAssertEqual(marks.count, set.count)
                XCTAssertEqual(Set(marks), set)
                for value in values { XCTAssertEqual(marks.contains(value), set.contains(value)) }
            }
        }
    }
}

import XCTest
@testable import RolloutCore

/// What the simulation hands to `Discards` is held there until handed over, then let go of on
/// another core: afterwards the only holder left is the caller's own (a list it changes is
/// changed in place, not copied), and nothing is kept here. A pile that grows to
/// `handOverCount` is handed over without waiting for the instant's end.
final class DiscardsTests: XCTestCase {
    func testHandedOverValuesAreLetGoOf() {
        let discards = Discards()
        var kept: [Value] = [.string("a"), .string("b")]
        var handed: [Value] = [.string("c"), .string("d")]
        discards.add(.array(kept))
        discards.add(.array(handed))
        // While the pile holds a list too, a change copies it.
        let keptPlace = kept.storagePlace
        kept[0] = .string("x")
        XCTAssertNotEqual(kept.storagePlace, keptPlace)
        XCTAssertFalse(discards.isEmpty)
        discards.handOver()
        XCTAssertTrue(discards.isEmpty)
        Discards.drain()
        // Let go of there: the list is this test's alone and changes in place.
        let place = handed.storagePlace
        handed[0] = .string("x")
        XCTAssertEqual(handed.storagePlace, place)
    }

    func testAFullPileIsHandedOverAtOnce() {
        let discards = Discards()
        for i in 0..<(Discards.handOverCount - 1) { discards.add(.int(i)) }
        XCTAssertFalse(discards.isEmpty)
        discards.add(.int(-1))
        XCTAssertTrue(discards.isEmpty)
        Discards.drain()
    }
}

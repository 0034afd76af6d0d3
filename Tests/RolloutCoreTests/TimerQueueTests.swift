import XCTest
@testable import RolloutCore

/// `TimerQueue` (virtual time's timers, SPEC §3) gives every timer back once, at the first
/// `popAll` at or after its time, timers due together in the order they were set: what sorting
/// all the timers set so far by (time, order set) and taking those due gives. Slots of fired
/// timers are reused by later ones; none is lost or given twice.
final class TimerQueueTests: XCTestCase {
    func testTimersComeBackOnceInTimeThenSetOrder() {
        var random = SeededRandom(seed: 53)
        for round in 0..<200 {
            var queue = TimerQueue()
            // The reference: (time, order set, name) of the timers not yet given back.
            var pending: [(time: Int, order: Int, name: String)] = []
            var order = 0
            var now = 0
            for _ in 0..<Int.random(in: 1..<120, using: &random) {
                if Int.random(in: 0..<3, using: &random) > 0 {
                    // Set one, at or after now (virtual time never goes back), often at a time
                    // another has.
                    let time = now + Int.random(in: 0..<(round % 2 == 0 ? 4 : 40), using: &random)
                    order += 1
                    let name = "rs-\(order)"
                    queue.add(.replicaSet(uid: name), at: Timestamp(milliseconds: time))
                    pending.append((time, order, name))
                } else {
                    now += Int.random(in: 0..<10, using: &random)
                    let due = pending.filter { $0.time <= now }.sorted { ($0.time, $0.order) < ($1.time, $1.order) }.map(\.name)
                    pending.removeAll { $0.time <= now }
                    let fired = queue.popAll(at: Timestamp(milliseconds: now)).map { action -> String in
                        if case .replicaSet(let uid) = action { return uid }
                        return "?"
                    }
                    XCTAssertEqual(fired, due, "round \(round) at \(now)")
                }
                XCTAssertEqual(queue.nextTime?.milliseconds, pending.map(\.time).min(), "round \(round)")
                XCTAssertEqual(queue.isEmpty, pending.isEmpty)
            }
        }
    }
}

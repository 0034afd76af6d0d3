import XCTest
@testable import RolloutCore

/// `TimerQueue` (virtual time's timers, SPEC §3) gives every timer back once, at the first
/// `popAll` at or after its time, timers due together in the order they were set: what sorting
/// all the timers set so far by (time, order set) and taking those due gives. The lists of
/// instants that fired are reused by later ones; no timer is lost or given twice.
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

    /// `Heap`'s sifting with any number of children a node (the queue's four, `TimerQueue.arity`;
    /// `FirstInOrder`'s two): pushing values and popping the first each time gives them in the
    /// order sorting gives, ties (equal keys, told apart by their place) included.
    func testHeapsOfEveryArityPopInSortedOrder() {
        XCTAssertEqual(TimerQueue.arity, 4)
        var random = SeededRandom(seed: 61)
        for arity in [2, 3, 4, 8] {
            for round in 0..<50 {
                let values = (0..<Int.random(in: 0..<300, using: &random)).map { ($0, Int.random(in: 0..<(round % 2 == 0 ? 5 : 1000), using: &random)) }
                let above: ((Int, Int), (Int, Int)) -> Bool = { a, b in a.1 != b.1 ? a.1 < b.1 : a.0 < b.0 }
                var heap: [(Int, Int)] = []
                var popped: [(Int, Int)] = []
                for (k, value) in values.enumerated() {
                    heap.append(value)
                    Heap.siftUp(&heap, from: heap.count - 1, arity: arity, above: above)
                    // Now and then the first taken out, as timers fire between others set.
                    if k % 7 == 3, !heap.isEmpty {
                        popped.append(heap[0])
                        heap.swapAt(0, heap.count - 1)
                        heap.removeLast()
                        Heap.siftDown(&heap, from: 0, arity: arity, above: above)
                    }
                }
                while !heap.isEmpty {
                    popped.append(heap[0])
                    heap.swapAt(0, heap.count - 1)
                    heap.removeLast()
                    Heap.siftDown(&heap, from: 0, arity: arity, above: above)
                }
                // Each pop is the first of what was in the heap then: the whole is sorted
                // within each stretch between pushes, and every value comes out once.
                XCTAssertEqual(popped.map(\.0).sorted(), values.map(\.0), "arity \(arity), round \(round)")
                var reference: [(Int, Int)] = []
                var out: [(Int, Int)] = []
                for (k, value) in values.enumerated() {
                    reference.append(value)
                    if k % 7 == 3 {
                        let first = reference.indices.min { above(reference[$0], reference[$1]) }!
                        out.append(reference.remove(at: first))
                    }
                }
                out += reference.sorted(by: above)
                XCTAssertTrue(popped.elementsEqual(out, by: { $0 == $1 }), "arity \(arity), round \(round)")
            }
        }
    }
}

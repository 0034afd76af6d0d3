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

    /// Items started in a given order (`map(_:startingWith:)`, the commit's dearest shards
    /// first) still come back in index order, each run once; an order that is not the indices
    /// each once (short, repeated, out of range) is not followed, and the result is the same.
    func testItemsStartedInAnOrderComeBackInIndexOrder() {
        for count in [0, 1, 2, 3, 9, 500] {
            let orders: [[Int]] = [Array((0..<count).reversed()), (0..<count).map { ($0 * 7) % max(count, 1) }, Array(0..<count / 2),
                                   Array(repeating: 0, count: count), (0..<count).map { $0 + 1 }]
            for order in orders {
                let squares = Parallel.map(count, startingWith: order) { $0 * $0 }
                XCTAssertEqual(squares, (0..<count).map { $0 * $0 }, "count \(count), order \(order.prefix(5))")
            }
        }
        let strings = Parallel.map(2_000, startingWith: Array((0..<2_000).reversed())) { String($0) }
        XCTAssertEqual(Set(strings).count, 2_000)
        XCTAssertEqual(strings.first, "0")
    }

    /// Work that waits on the disk (`waiting`, the commit's fsyncs and removals) runs on more
    /// threads than the cores: tasks that sleep are under way together beyond the core count;
    /// results still come back in index order, each run once, with any thread count; one
    /// thread takes them in turn.
    func testWaitingTasksRunBeyondTheCoresAndComeBackInIndexOrder() {
        for count in [0, 1, 2, 3, 9, 500] {
            for threads in [0, 1, 2, 8] {
                let squares = Parallel.waiting(count, threads: threads) { $0 * $0 }
                XCTAssertEqual(squares, (0..<count).map { $0 * $0 }, "count \(count), threads \(threads)")
            }
        }
        let log = Log()
        _ = Parallel.waiting(20, threads: 1) { log.add($0) }
        XCTAssertEqual(log.taken, Array(0..<20))
        let strings = Parallel.waiting(2_000, threads: 8) { String($0) }
        XCTAssertEqual(Set(strings).count, 2_000)
        XCTAssertEqual(strings.last, "1999")
        let threads = 4 * Parallel.cores
        let active = Log()
        _ = Parallel.waiting(threads, threads: threads) { i in
            active.enter()
            usleep(50_000)
            active.leave()
            return i
        }
        XCTAssertGreaterThan(active.most, Parallel.cores, "tasks that wait ran at most \(active.most) at once")
    }

    /// What the tasks did, under a lock.
    private final class Log: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var taken: [Int] = []
        private var now = 0
        private(set) var most = 0
        func add(_ i: Int) { lock.lock(); taken.append(i); lock.unlock() }
        func enter() { lock.lock(); now += 1; most = max(most, now); lock.unlock() }
        func leave() { lock.lock(); now -= 1; lock.unlock() }
    }

    /// Items handed to the tasks (`map(handing:take:)`) are each taken once, in order, come
    /// back in order, and are changed in place: an array a task owns grows in its own storage,
    /// not in a copy (nothing else holds it), and what the task drops is let go of.
    func testHandedItemsAreOwnedByTheirTasks() {
        final class Token {}
        for count in [0, 1, 2, 5, 64] {
            var sources = (0..<count).map { i -> [Int]? in
                var a = [Int](repeating: i, count: 4)
                a.reserveCapacity(8)
                return a
            }
            let places = sources.map { $0?.storagePlace ?? 0 }
            var taken: [Int] = []
            let results = Parallel.map(handing: count, take: { i -> [Int] in
                taken.append(i)
                defer { sources[i] = nil }
                return sources[i] ?? []
            }) { i, items -> (place: UInt, items: [Int]) in
                items.append(-i)
                return (items.storagePlace, items)
            }
            XCTAssertEqual(taken, Array(0..<count), "count \(count): taken in order")
            XCTAssertEqual(results.map(\.items), (0..<count).map { [Int](repeating: $0, count: 4) + [-$0] }, "count \(count)")
            XCTAssertEqual(results.map(\.place), places, "count \(count): changed in place")
        }
        var tokens: [Token?] = [Token(), Token(), Token()]
        weak let dropped = tokens[1]
        let left = Parallel.map(handing: 3, take: { i -> [Token] in
            defer { tokens[i] = nil }
            return tokens[i].map { [$0] } ?? []
        }) { _, held -> Int in
            held.removeAll()
            return held.count
        }
        XCTAssertEqual(left, [0, 0, 0])
        XCTAssertNil(dropped, "what a task drops is let go of")
    }

    // `alongside`: the work runs on a thread of its own at the same time as the body (it
    // waits for a signal the body gives), and is over when the result comes back.
    func testWorkAlongsideRunsAtTheSameTimeAndIsDoneOnReturn() {
        final class Box: @unchecked Sendable {
            var sawBody = false
            var finished = false
        }
        let box = Box()
        let bodyStarted = DispatchSemaphore(value: 0)
        let result = Parallel.alongside({
            box.sawBody = bodyStarted.wait(timeout: .now() + 30) == .success
            box.finished = true
        }) { () -> Int in
            bodyStarted.signal()
            return (1...100).reduce(0, +)
        }
        XCTAssertEqual(result, 5050)
        XCTAssertTrue(box.sawBody, "the work ran while the body did")
        XCTAssertTrue(box.finished, "the work is done when the result comes back")
        // What the work held is let go of before the result comes back (the thread itself may
        // end later): a caller may check that nothing kept it.
        final class Token: @unchecked Sendable {}
        for _ in 0..<50 {
            weak var kept: Token?
            do {
                let token = Token()
                kept = token
                _ = Parallel.alongside({ _ = token }) { 0 }
            }
            XCTAssertNil(kept, "the work's captures are let go of when alongside returns")
        }
    }
}

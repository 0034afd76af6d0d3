import XCTest
@testable import RolloutCore

/// `FirstInOrder` (the ReplicaSet controller's pick of the few pods to delete among many) gives
/// what sorting all and taking the first `k` gives, for every `k`, with many equal keys (the
/// order breaks ties by index, as the controller's breaks them by uid).
final class FirstInOrderTests: XCTestCase {
    func testFirstKAreTheSortedPrefix() {
        var random = SeededRandom(seed: 5)
        for round in 0..<300 {
            let n = Int.random(in: 0..<60, using: &random)
            let keys = (0..<n).map { _ in Int.random(in: 0..<6, using: &random) }
            let precedes = { (i: Int, j: Int) -> Bool in keys[i] != keys[j] ? keys[i] < keys[j] : i < j }
            let sorted = (0..<n).sorted(by: precedes)
            for k in 0...(n + 1) {
                XCTAssertEqual(FirstInOrder.indices(k, of: n, by: precedes), Array(sorted.prefix(k)), "round \(round), k \(k): \(keys)")
            }
        }
    }

    /// Many: a quarter of 10,000 (the ReplicaSet scaled down in a roll, found by selection), in
    /// orders that make a simple partition go badly — sorted, reversed, all equal but the
    /// tie-break, organ pipe — and random ones.
    func testSelectionOfManyIsTheSortedPrefix() {
        var random = SeededRandom(seed: 7)
        let n = 10_000
        let orders: [(String, [Int])] = [
            ("sorted", Array(0..<n)), ("reversed", Array((0..<n).reversed())), ("equal", Array(repeating: 3, count: n)),
            ("organ pipe", (0..<n).map { min($0, n - $0) }), ("random", (0..<n).map { _ in Int.random(in: 0..<50, using: &random) }),
        ]
        for (name, keys) in orders {
            let precedes = { (i: Int, j: Int) -> Bool in keys[i] != keys[j] ? keys[i] < keys[j] : i > j }
            let sorted = (0..<n).sorted(by: precedes)
            for k in [1, 1_249, 1_250, 2_500, 5_000, 9_999] {
                XCTAssertEqual(FirstInOrder.indices(k, of: n, by: precedes), Array(sorted.prefix(k)), "\(name), k \(k)")
            }
        }
    }
}

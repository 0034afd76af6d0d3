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
}

import XCTest
@testable import RolloutCore

/// `EventSeriesIndex` (where each event series is in the cluster's events, the keys read back
/// from the events) answers what a dictionary from `EventSeriesKey` to index answers, through
/// growth, replaced entries, keys equal in uid and reason but not in message or kind (same
/// hash bits, told apart by comparison), and aggregated series; `SimEvent.counts(_:)` answers
/// what comparing the event's `seriesKey` answers.
final class EventSeriesIndexTests: XCTestCase {
    func testRandomSeriesFindWhatADictionaryFinds() {
        var random = SeededRandom(seed: 11)
        let uids = ["u1", "u2", "u3", String(repeating: "x", count: 36)]
        let reasons = ["Pulled", "Created", "Started", "Killing"]
        let messages = ["a", "b", "(combined from similar events): a", "(combined from similar events): c"]
        func event(_ r: inout SeededRandom) -> SimEvent {
            func pick(_ list: [String]) -> String { list[Int.random(in: 0..<list.count, using: &r)] }
            return SimEvent(namespace: "default", involvedKind: pick(["Pod", "ReplicaSet"]), involvedName: "n", involvedUID: pick(uids), type: pick(["Normal", "Warning"]),
                            reason: pick(reasons), message: pick(messages), component: pick(["kubelet", "default-scheduler"]), first: .clusterEpoch,
                            last: .clusterEpoch, count: 1, name: "e")
        }
        for round in 0..<200 {
            var events: [SimEvent] = []
            var index = EventSeriesIndex(capacity: round % 3 == 0 ? Int.random(in: 0..<20, using: &random) : 0)
            var model: [EventSeriesKey: Int] = [:]
            for _ in 0..<Int.random(in: 0..<120, using: &random) {
                let candidate = event(&random)
                let key = candidate.seriesKey
                if Int.random(in: 0..<4, using: &random) == 0 {
                    // As a load or a save's rebuild: the series moves to a new event.
                    events.append(candidate)
                    index.set(key, events.count - 1, in: events)
                    model[key] = events.count - 1
                } else {
                    // As `record`: the series found, or a new one at the next index.
                    let place = index.claim(key, next: events.count, in: events)
                    let expected = model[key] ?? events.count
                    XCTAssertEqual(place, expected, "round \(round)")
                    if model[key] == nil {
                        model[key] = events.count
                        events.append(candidate)
                    }
                }
                XCTAssertEqual(index.count, model.count, "round \(round)")
            }
            for _ in 0..<50 {
                let key = event(&random).seriesKey
                XCTAssertEqual(index.index(of: key, in: events), model[key], "round \(round): \(key)")
                // What the index compares with: the event's key, without making it.
                let other = event(&random)
                XCTAssertEqual(other.counts(key), other.seriesKey == key, "round \(round): \(key) against \(other.seriesKey)")
                for e in events.prefix(8) { XCTAssertEqual(e.counts(key), e.seriesKey == key, "round \(round): \(key) against \(e.seriesKey)") }
            }
        }
    }
}

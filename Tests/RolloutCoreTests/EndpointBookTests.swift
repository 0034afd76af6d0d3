import XCTest
@testable import RolloutCore

/// `EndpointBook` follows the pods that changed into the kept lists instead of sorting them
/// all again; what it keeps must be what the sort gives at every step: the selected pods in
/// the order they came, the slices' order (`LessEndpointAddress` without the uid: by address,
/// ties as listed) with each pod's endpoint as it is now, and the Endpoints' order (by
/// address, then uid; `pkg/api/v1/endpoints/util.go`) — with pods getting addresses out of the
/// order they came in, sharing addresses (ties), moving and going, a few or many at a time.
final class EndpointBookTests: XCTestCase {
    private let service = Resource(Object([
        "apiVersion": .string("v1"), "kind": .string("Service"),
        "metadata": .object(Object(["name": .string("web"), "namespace": .string("default")])),
        "spec": .object(Object(["selector": .object(Object(["app": .string("web")]))])),
    ]))

    /// What each pod's endpoint shows in this test: enough to tell a stale one.
    private func endpoint(_ pod: SimPod, _ ip: String) -> Value { .string("\(pod.uid) \(ip) \(pod.ready) \(pod.isTerminating)") }

    /// Its conditions as kube-proxy's choice takes them (`podToEndpoint`, not publishing not-ready ones).
    private func conditions(_ pod: SimPod) -> UInt8 { EndpointSliceController.Conditions(pod, publishNotReady: false).bits }

    func testFollowsPodsAsASortOrdersThem() {
        var random = SeededRandom(seed: 14)
        // Addresses from a small pool, so that many pods share one (hostNetwork pods do), in
        // byte order unlike number order; uids alike in their first 16 bytes or not.
        let pool = ["10.42.0.10", "10.42.0.9", "10.42.1.2", "10.42.0.100", "10.0.0.1", "10.42.0.9"]
        var pods: [SimPod] = []
        func arrive() {
            let n = pods.count
            let uid = n % 3 == 0 ? String(format: "0123456789abcdef-%04d", (n * 7919) % 1000) : String(format: "%08x-uid", UInt32(truncatingIfNeeded: random.next()))
            let pod = SimPod(name: "web-\(n)", namespace: "default", uid: uid, ownerUID: "rs", ownerName: "rs", labels: ["app": "web"],
                             template: Object(), created: Timestamp(milliseconds: 0), behaviour: AppBehaviour(template: nil))
            pod.endpointPlaces = [(service: 0, arrival: n)]
            pods.append(pod)
        }
        for _ in 0..<30 { arrive() }
        func selected() -> [SimPod] { pods.filter { !$0.gone && $0.ip != nil } }
        func made(_ chosen: [SimPod]) -> (orders: (stable: [Int], tieBroken: [Int]), endpoints: [Value], conditions: [UInt8]) {
            let orders = EndpointAddressOrder.orders(count: chosen.count, address: { chosen[$0].ip ?? "" }, tieBreak: { chosen[$0].uid })
            return (orders, orders.stable.map { endpoint(chosen[$0], chosen[$0].ip ?? "") }, orders.stable.map { conditions(chosen[$0]) })
        }
        let first = selected()
        var book = EndpointBook(service: service, number: 0, pods: first)
        let start = made(first)
        book.keep(orders: start.orders, endpoints: start.endpoints, conditions: start.conditions)
        var followed = 0
        for step in 0..<400 {
            // Sometimes many at once (a batch of new pods getting addresses; now and then most
            // of the pods, so that each one is found a step or two from the one before it in
            // every order), mostly a few.
            let count = step % 40 == 7 ? 150 : step % 25 == 0 ? 20 : Int(random.next() % 4) + 1
            var touched: [SimPod] = []
            for _ in 0..<count {
                if random.next() % 4 == 0 { arrive() }
                let pod = pods[Int(random.next() % UInt64(pods.count))]
                guard !pod.gone else { continue }
                switch random.next() % 12 {
                case 0, 1, 2, 3: pod.ip = pod.ip ?? pool[Int(random.next() % UInt64(pool.count))]
                case 4, 5, 6: pod.ready.toggle()
                case 7: pod.deletion = pod.deletion ?? Timestamp(milliseconds: step)
                case 8: pod.gone = true
                default: break
                }
                touched.append(pod)
                // A pod may be touched twice in one instant.
                if random.next() % 5 == 0 { touched.append(pod) }
            }
            guard let change = book.change(touched) else { return XCTFail("step \(step): the book could not follow") }
            if change.isEmpty { continue }
            followed += 1
            book.apply(change) { pod, ip in (endpoint(pod, ip), conditions(pod)) }
            let chosen = selected()
            let expected = made(chosen)
            XCTAssertEqual(book.members.map(\.pod.uid), chosen.map(\.uid), "step \(step): members")
            XCTAssertEqual(book.members.map(\.stamp), chosen.map(\.endpointStamp), "step \(step): stamps")
            XCTAssertEqual(book.ordered?.endpoints, expected.endpoints, "step \(step): slices' order and endpoints")
            XCTAssertEqual(book.ordered?.stable.map(\.conditions), expected.conditions, "step \(step): the endpoints' conditions")
            XCTAssertEqual(book.ordered?.tieBrokenPods.map(\.uid), expected.orders.tieBroken.map { chosen[$0].uid }, "step \(step): Endpoints' order")
            // The subsets read from the book (each pod's bits and kept address) are the ones
            // made from the pods (`desiredSubsets`), terminating and not-ready pods too.
            let fromBook = book.subsets(service) { EndpointsController.address(for: $0, ip: $1) }
            let fromPods = EndpointsController.desiredSubsets(service, pods: chosen)
            XCTAssertEqual(fromBook?.subsets, fromPods.subsets, "step \(step): subsets")
            XCTAssertEqual(fromBook?.overCapacity, fromPods.overCapacity, "step \(step): over capacity")
        }
        XCTAssertGreaterThan(followed, 150)
        XCTAssertGreaterThan(selected().count, 10)
    }

    /// The galloping search (`EndpointBook.lowerBound(from:count:_:)`) finds what a search of the
    /// whole list finds, from any start up to the place sought: next to it, far from it, at
    /// either end, in lists with runs of equal keys and in empty ones.
    func testLowerBoundFromAStartIsTheFirstPlaceNotBefore() {
        var random = SeededRandom(seed: 21)
        for round in 0..<2000 {
            let count = round < 20 ? round % 4 : Int(random.next() % 300)
            let keys = (0..<count).map { _ in Int(random.next() % 50) }.sorted()
            let sought = Int(random.next() % 52) - 1
            let expected = keys.firstIndex { $0 >= sought } ?? count
            let from = expected == 0 ? 0 : Int(random.next() % UInt64(expected + 1))
            for start in Set([from, 0, expected]) {
                XCTAssertEqual(EndpointBook.lowerBound(from: start, count: count) { keys[$0] < sought }, expected,
                               "round \(round): \(keys) for \(sought) from \(start)")
            }
        }
    }

    /// An address that does not pack whole (a long IPv6 one) is not followed: the sort decides.
    func testLongAddressesAreNotFollowed() {
        let pod = SimPod(name: "web-0", namespace: "default", uid: "u0", ownerUID: "rs", ownerName: "rs", labels: ["app": "web"],
                         template: Object(), created: Timestamp(milliseconds: 0), behaviour: AppBehaviour(template: nil))
        pod.endpointPlaces = [(service: 0, arrival: 0)]
        pod.ip = "fd00:10:244:1::2a"
        var book = EndpointBook(service: service, number: 0, pods: [pod])
        book.keep(orders: (stable: [0], tieBroken: [0]), endpoints: [endpoint(pod, pod.ip ?? "")], conditions: [conditions(pod)])
        XCTAssertNil(book.ordered)
        XCTAssertNil(book.change([pod]))
    }

    /// The in-place merge (`EndpointBook.merge`) gives what a merge from the front gives —
    /// with ties (a new one goes before an equal one of the list), empty lists on either side,
    /// and reference-counted elements that must each stay exactly once.
    func testMergeInPlaceIsAMergeFromTheFront() {
        final class Item { let key: Int, tag: Int; init(_ key: Int, _ tag: Int) { self.key = key; self.tag = tag } }
        func front(_ list: [Item], _ new: [Item]) -> [Item] {
            var out: [Item] = [], i = 0, j = 0
            while i < list.count || j < new.count {
                if j == new.count || (i < list.count && list[i].key < new[j].key) { out.append(list[i]); i += 1 } else { out.append(new[j]); j += 1 }
            }
            return out
        }
        var random = SeededRandom(seed: 9)
        for round in 0..<500 {
            let range = Int(random.next() % 20) + 1
            var list = (0..<Int(random.next() % 40)).map { Item(Int(random.next() % UInt64(range)), $0) }.sorted { $0.key < $1.key }
            let new = (0..<Int(random.next() % 12)).map { Item(Int(random.next() % UInt64(range)), 1000 + $0) }.sorted { $0.key < $1.key }
            let expected = front(list, new)
            EndpointBook.merge(new, into: &list) { $0.key < $1.key }
            XCTAssertEqual(list.map(\.tag), expected.map(\.tag), "round \(round)")
            XCTAssertTrue(zip(list, expected).allSatisfy { $0 === $1 }, "round \(round)")
        }
    }

    // The slices and the updates on their way compare endpoint lists by `Value.equalElements`:
    // it must say what `==` says — an endpoint that is the same object in both is passed over
    // unread, one made apart is compared member by member.
    func testEqualElementsIsEquality() {
        func endpoint(_ ip: String, ready: Bool) -> Value {
            .object(Object(["addresses": .array([.string(ip)]), "conditions": .object(Object(["ready": .bool(ready)]))]))
        }
        let a = endpoint("10.0.0.1", ready: true), b = endpoint("10.0.0.2", ready: false)
        let aAgain = endpoint("10.0.0.1", ready: true)
        XCTAssertTrue(Value.sameObject(a, a))
        XCTAssertFalse(Value.sameObject(a, aAgain), "made apart: equal, not the same object")
        XCTAssertFalse(Value.sameObject(.string("x"), .string("x")), "only objects are told apart by place")
        let cases: [(x: [Value], y: [Value])] = [
            ([], []), ([a], [a]), ([a, b], [a, b]), ([a, b], [aAgain, b]), ([a], [b]), ([a, b], [b, a]), ([a], [a, b]),
            ([a, .null], [a, .null]), ([.object(Object())], [.object(Object())]), ([.object(Object())], [a]),
            ([.int(1), .string("x")], [.int(1), .string("x")]), ([.int(1)], [.float(1)]),
        ]
        for (x, y) in cases {
            XCTAssertEqual(Value.equalElements(x[...], y[...]), x == y, "\(x) vs \(y)")
            XCTAssertEqual(Value.equalLists(.array(x), .array(y)), x == y, "\(x) vs \(y)")
            if x.count > 1 { XCTAssertEqual(Value.equalElements(x[1...], y[1...]), x[1...] == y[1...], "slices of \(x) vs \(y)") }
        }
        XCTAssertFalse(Value.equalLists(.array([a]), .object(Object())))
        XCTAssertTrue(Value.equalLists(.string("x"), .string("x")))
    }
}

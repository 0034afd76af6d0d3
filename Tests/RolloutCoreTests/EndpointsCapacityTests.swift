import XCTest
@testable import RolloutCore

/// An Endpoints object holds at most 1,000 addresses; past that the Endpoints controller cuts
/// it and marks it `endpoints.kubernetes.io/over-capacity: truncated`, while the EndpointSlices
/// (what kube-proxy reads) list every endpoint. Expectations from
/// `pkg/controller/endpoint/endpoints_controller.go` (syncService, truncateEndpoints,
/// addressSubset; maxCapacity 1000) and `pkg/api/v1/endpoints/util.go` (LessEndpointAddress:
/// by IP byte by byte, then by pod uid); KUBERNETES-scheduling-traffic.md §7.
final class EndpointsCapacityTests: XCTestCase {
    private let service = Resource(Object([
        "apiVersion": .string("v1"), "kind": .string("Service"),
        "metadata": .object(Object(["name": .string("web"), "namespace": .string("default")])),
        "spec": .object(Object(["selector": .object(Object(["app": .string("web")])),
                                "ports": .array([.object(Object(["port": .int(80)]))])])),
    ]))

    private func pods(ready: Int, notReady: Int) -> [SimPod] {
        (0..<(ready + notReady)).map { i in
            let pod = SimPod(name: "web-\(i)", namespace: "default", uid: String(format: "uid-%05d", i), ownerUID: "rs", ownerName: "rs",
                             labels: ["app": "web"], template: Object(), created: Timestamp(milliseconds: 0), behaviour: AppBehaviour(template: nil))
            // Addresses whose byte order is not their number order (10.42.1.10 < 10.42.1.9).
            pod.ip = "10.42.\(i / 250).\(i % 250 + 2)"
            pod.ready = i < ready
            return pod
        }
    }

    /// The address and endpoint a pod's values keep are made again when what they show moves
    /// (its `endpointStamp`), and let go when the pod goes: no Service lists it again.
    func testKeptEndpointValuesFollowThePodAndGoWithIt() {
        let pod = pods(ready: 1, notReady: 0)[0]
        let stamp = pod.endpointStamp
        pod.endpointValues.address = (stamp, .string("kept"))
        pod.endpointValues.endpoint = (stamp, false, .string("kept"))
        pod.ready = false
        XCTAssertNotEqual(pod.endpointStamp, stamp)
        pod.gone = true
        XCTAssertNil(pod.endpointValues.address)
        XCTAssertNil(pod.endpointValues.endpoint)
    }

    private func ips(_ subsets: Value, _ field: String) -> [String] {
        (subsets.arrayValue?.first?[field]?.arrayValue ?? []).compactMap { $0["ip"]?.stringValue }
    }

    /// truncateEndpoints on one subset: ready addresses past 1,000 are cut to the first 1,000
    /// (and every not-ready one dropped); otherwise only the not-ready ones are cut, to what the
    /// ready ones leave; at 1,000 or fewer nothing is cut.
    func testAddressesPastOneThousandAreCutReadyFirst() {
        let cases: [(name: String, ready: Int, notReady: Int, addresses: Int, notReadyAddresses: Int, over: Bool)] = [
            ("all fit", 600, 400, 600, 400, false),
            ("one too many, not ready cut", 600, 401, 600, 400, true),
            ("ready past capacity: the first 1,000, no not-ready", 1100, 50, 1000, 0, true),
            ("none ready", 0, 1200, 0, 1000, true),
            ("exactly the capacity ready", 1000, 0, 1000, 0, false),
            // (The walk in address order stops at the first address past the capacity's ready
            // ones; these not-ready ones lie before and after the 1,000th ready one.)
            ("the capacity ready and one not ready", 1000, 1, 1000, 0, true),
            ("the capacity ready and many not ready", 1000, 700, 1000, 0, true),
            ("one short of the capacity ready", 999, 300, 999, 1, true),
        ]
        for c in cases {
            let pods = pods(ready: c.ready, notReady: c.notReady)
            let (subsets, over) = EndpointsController.desiredSubsets(service, pods: pods)
            XCTAssertEqual(over, c.over, c.name)
            let ready = ips(subsets, "addresses"), notReady = ips(subsets, "notReadyAddresses")
            XCTAssertEqual(ready.count, c.addresses, c.name)
            XCTAssertEqual(notReady.count, c.notReadyAddresses, c.name)
            // Each list is the first of its sorted addresses (IP bytes): cut from the end.
            let allReady = pods.filter(\.ready).compactMap(\.ip).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            let allNotReady = pods.filter { !$0.ready }.compactMap(\.ip).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            XCTAssertEqual(ready, Array(allReady.prefix(c.addresses)), c.name)
            XCTAssertEqual(notReady, Array(allNotReady.prefix(c.notReadyAddresses)), c.name)
        }
        // The slices are not cut: every endpoint.
        XCTAssertEqual(EndpointSliceController.desiredEndpoints(service, pods: pods(ready: 1100, notReady: 50)).count, 1150)
    }

    /// Two pods at one address (an address reused after its pod went, still listed while it
    /// terminates elsewhere) are ordered by uid, as LessEndpointAddress orders them.
    func testEqualAddressesAreOrderedByPodUID() {
        let pods = pods(ready: 3, notReady: 0)
        pods[0].ip = "10.42.0.9"
        pods[2].ip = "10.42.0.9"
        let (subsets, _) = EndpointsController.desiredSubsets(service, pods: pods.reversed())
        let refs = (subsets.arrayValue?.first?["addresses"]?.arrayValue ?? []).compactMap { $0["targetRef"]?["uid"]?.stringValue }
        XCTAssertEqual(refs, ["uid-00001", "uid-00000", "uid-00002"], "10.42.0.3 first, then the two at 10.42.0.9 by uid")
    }

    /// The Service `web` and a Deployment `web` of `replicas` running `container`, applied.
    /// A Deployment of 1,100 replicas behind a Service: the Endpoints carry 1,000 addresses and
    /// the over-capacity mark, the slices all 1,100 endpoints in 11 slices of 100, and the
    /// rollout's timeline counts 1,100 ready endpoints. Scaled to 900, the Endpoints hold them
    /// all and the mark goes.
    func testAServiceOfElevenHundredPodsKeepsAThousandAddressesAndEverySlice() throws {
        let store = try StateStore(directory: try temporaryDirectory(self).appendingPathComponent("s").path, writable: true,
                                   newCluster: ClusterSpec(profile: .bare, nodes: 12))
        addTeardownBlock { store.close() }
        func apply(replicas: Int) throws {
            try applyWeb(replicas: replicas, container: "{name: app, image: app:1, readinessProbe: {httpGet: {path: /, port: 80}, initialDelaySeconds: 5}}", to: store)
        }
        try apply(replicas: 1100)
        var c = try Cluster(store: store)
        let key = ObjectKey(type: Cluster.endpointsType.storageKey, namespace: "default", name: "web")
        // A cut update still on its way when the command ends is saved with its mark.
        var steps = 0
        while c.pendingEndpoints[key]?.last?.overCapacity != true, steps < 100 {
            EventLoop.advance(c, by: Duration(milliseconds: 100))
            steps += 1
        }
        XCTAssertEqual(c.pendingEndpoints[key]?.last?.overCapacity, true)
        try c.save()
        try store.commit()
        c = try Cluster(store: store)
        XCTAssertEqual(c.pendingEndpoints[key]?.last?.overCapacity, true, "kept across commands")
        EventLoop.advance(c, by: Duration(seconds: 60))
        var endpoints = try XCTUnwrap(c.endpoints[key])
        XCTAssertEqual(ips(endpoints.object["subsets"] ?? .null, "addresses").count, 1000)
        XCTAssertNil(endpoints.object["subsets"]?.arrayValue?.first?["notReadyAddresses"])
        XCTAssertEqual(endpoints.annotations[EndpointsController.overCapacityAnnotation], "truncated")
        let slices = c.endpointSlices[key] ?? []
        XCTAssertEqual(slices.map { $0.object["endpoints"]?.arrayValue?.count ?? 0 }, Array(repeating: 100, count: 11))
        let timeline = try XCTUnwrap(c.timelines[ObjectKey(type: "apps/Deployment", namespace: "default", name: "web")])
        XCTAssertEqual(timeline.samples.last?.endpoints, 1100, "the timeline counts the slices' ready endpoints, not the cut Endpoints")
        XCTAssertEqual(timeline.samples.map(\.endpoints).max(), 1100)
        try c.save()
        try store.commit()

        try apply(replicas: 900)
        c = try Cluster(store: store)
        EventLoop.advance(c, by: Duration(seconds: 60))
        endpoints = try XCTUnwrap(c.endpoints[key])
        XCTAssertEqual(ips(endpoints.object["subsets"] ?? .null, "addresses").count, 900)
        XCTAssertNil(endpoints.annotations[EndpointsController.overCapacityAnnotation], "under capacity again: the mark is removed")
        XCTAssertEqual((c.endpointSlices[key] ?? []).reduce(0) { $0 + ($1.object["endpoints"]?.arrayValue?.count ?? 0) }, 900)
    }

    /// The packed order of addresses is String order (LessEndpointAddress compares the IPs as
    /// strings, then pod uids), ties in the given order, as the stable sort it replaces: IPv4,
    /// IPv6 past 16 bytes, prefixes, equal addresses, and strings the packing leaves to String
    /// comparison (non-ASCII, a zero byte).
    func testAddressOrderIsStringOrderWithTiesInGivenOrder() {
        var random = SeededRandom(seed: 14)
        let pieces = ["10.42.", "10.4", "1", "0", "9", "255.", ".", "fd00::", "fd00:0:0:0:0:0:0:", "a", "é", "e\u{301}", "\u{0}", ":"]
        for round in 0..<200 {
            let count = 1 + Int.random(in: 0..<60, using: &random)
            let addresses = (0..<count).map { _ in (0..<(1 + Int.random(in: 0..<6, using: &random))).map { _ in pieces[Int.random(in: 0..<pieces.count, using: &random)] }.joined() }
            let uids = (0..<count).map { _ in "uid-\(Int.random(in: 0..<4, using: &random))" }
            let expected = addresses.enumerated().sorted { $0.element < $1.element }.map(\.offset)
            XCTAssertEqual(EndpointAddressOrder.sortedIndices(count: count, address: { addresses[$0] }), expected, "round \(round): \(addresses)")
            let withUIDs = addresses.indices.sorted { a, b in
                addresses[a] == addresses[b] ? (uids[a] == uids[b] ? a < b : uids[a] < uids[b]) : addresses[a] < addresses[b]
            }
            XCTAssertEqual(EndpointAddressOrder.sortedIndices(count: count, address: { addresses[$0] }, tieBreak: { uids[$0] }), withUIDs,
                           "round \(round): \(addresses) \(uids)")
            // Both at once, as the Endpoints controller asks for them.
            let both = EndpointAddressOrder.orders(count: count, address: { addresses[$0] }, tieBreak: { uids[$0] })
            XCTAssertEqual(both.stable, expected, "round \(round): \(addresses)")
            XCTAssertEqual(both.tieBroken, withUIDs, "round \(round): \(addresses) \(uids)")
        }
    }

    /// The controller keeps a Service's address order while the same pods stand at the same
    /// addresses; a pod that goes and its replacement bound at the same instant leave as many
    /// pods as before, others, and the addresses are sorted again (LessEndpointAddress: by IP
    /// byte by byte, then by pod uid). Debug builds also check every kept order against a
    /// fresh sort.
    func testAPodReplacedWithinAnInstantIsSortedAgain() throws {
        let (_, c, key) = try webCluster(self, nodes: 2, replicas: 12, container: "{name: app, image: app:1}")
        func live() -> [SimPod] { c.pods.values.filter { !$0.gone && $0.ip != nil && $0.deletion == nil } }
        func lessEndpointAddress(_ a: SimPod, _ b: SimPod) -> Bool {
            a.ip == b.ip ? a.uid < b.uid : ByteOrder.precedes(a.ip ?? "", b.ip ?? "")
        }
        XCTAssertEqual(live().count, 12)
        // The pod with the lowest address goes at once; its replacement comes at the next free
        // address of its node, which sorts elsewhere.
        let first = try XCTUnwrap(live().min(by: lessEndpointAddress))
        c.updatePod(first.uid) { $0.gone = true }
        EventLoop.settle(c)
        let pods = live()
        XCTAssertEqual(pods.count, 12, "replaced within the instant")
        let pending = try XCTUnwrap(c.pendingEndpoints[key]?.last)
        XCTAssertEqual(ips(pending.subsets, "addresses") + ips(pending.subsets, "notReadyAddresses"),
                       pods.filter(\.ready).sorted(by: lessEndpointAddress).compactMap(\.ip) + pods.filter { !$0.ready }.sorted(by: lessEndpointAddress).compactMap(\.ip))
        XCTAssertFalse(ips(pending.subsets, "addresses").contains(first.ip ?? ""))
    }

    /// `StringOrder` (the order the save numbers pods in, by uid) is String's `<`, ties by
    /// index: uids sharing their first 16 bytes or more, prefixes of one another, strings shorter
    /// than 16 bytes, a zero byte, and non-ASCII strings (compared as Strings, where
    /// canonically equal ones are equal).
    func testStringOrderIsStringOrder() {
        var random = SeededRandom(seed: 41)
        let pieces = ["0f8fad5b-d9cb-469f-a165-70867728950e", "0f8fad5b-d9cb-46", "0f8fad5b-d9cb-469f-", "7c9e6679", "-", "a", "B", "z", "\u{0}", "é", "e\u{301}", "1"]
        for round in 0..<300 {
            // Two rounds in three all ASCII (sorted by the packed numbers).
            let usable = round % 3 == 0 ? pieces : pieces.filter { $0.utf8.allSatisfy { $0 < 0x80 } }
            let count = Int.random(in: 0..<50, using: &random)
            let strings = (0..<count).map { _ in (0..<Int.random(in: 0..<4, using: &random)).map { _ in usable[Int.random(in: 0..<usable.count, using: &random)] }.joined() }
            let expected = strings.indices.sorted { a, b in strings[a] != strings[b] ? strings[a] < strings[b] : a < b }
            XCTAssertEqual(StringOrder.sortedIndices(count: count) { strings[$0] }, expected, "round \(round): \(strings)")
            // Sorted in parts and merged, as many strings are.
            let inParts = StringOrder.sortedIndices(count: count, number: { _ in 0 }, string: { strings[$0] }, tie: { _, _ in nil }, parallelFrom: 0)
            XCTAssertEqual(inParts, expected, "round \(round) in parts: \(strings)")
        }
    }

    /// Past `StringOrder.parallelFrom` the strings are sorted in parts on every core and
    /// merged: the order is the one sort's — uids alike in their first 16 or 24 bytes, repeated
    /// ones (ties by index), across the parts' boundary.
    func testManyStringsSortedInPartsAreInStringOrder() {
        var random = SeededRandom(seed: 47)
        let count = StringOrder.parallelFrom + 1_001
        let strings = (0..<count).map { i -> String in
            let n = Int.random(in: 0..<20_000, using: &random)
            return i % 3 == 0 ? String(format: "0f8fad5b-d9cb-469f-a165-%012d", n) : String(format: "0f8fad5b-d9cb-46%08d", n)
        }
        let expected = strings.indices.sorted { a, b in strings[a] != strings[b] ? strings[a] < strings[b] : a < b }
        XCTAssertEqual(StringOrder.sortedIndices(count: count) { strings[$0] }, expected)
    }

    /// The same with a number first and a second string after (the order events are read
    /// back in: time, name, namespace, as `sorted` by those keys gives it, ties by index):
    /// repeated times, names as above, repeated namespaces.
    func testStringOrderWithANumberFirstAndATieAfterIsTheKeysOrder() {
        var random = SeededRandom(seed: 43)
        let pieces = ["0f8fad5b-d9cb-469f-a165-70867728950e", "0f8fad5b-d9cb-46", "big-7c9f8d6b5-abcde.", "7c9e6679", "-", "a", "B", "\u{0}", "é", "e\u{301}", "1"]
        for round in 0..<300 {
            let usable = round % 3 == 0 ? pieces : pieces.filter { $0.utf8.allSatisfy { $0 < 0x80 } }
            let count = Int.random(in: 0..<60, using: &random)
            let rows = (0..<count).map { _ in
                (time: Int.random(in: -2..<3, using: &random),
                 name: (0..<Int.random(in: 0..<4, using: &random)).map { _ in usable[Int.random(in: 0..<usable.count, using: &random)] }.joined(),
                 namespace: ["default", "kube-system", "é"][Int.random(in: 0..<3, using: &random)])
            }
            let expected = rows.indices.sorted { a, b in
                let x = rows[a], y = rows[b]
                if x.time != y.time { return x.time < y.time }
                if x.name != y.name { return x.name < y.name }
                if x.namespace != y.namespace { return x.namespace < y.namespace }
                return a < b
            }
            let found = StringOrder.sortedIndices(count: count, number: { rows[$0].time }, string: { rows[$0].name },
                                                  tie: { a, b in rows[a].namespace != rows[b].namespace ? rows[a].namespace < rows[b].namespace : nil })
            XCTAssertEqual(found, expected, "round \(round): \(rows)")
            let inParts = StringOrder.sortedIndices(count: count, number: { rows[$0].time }, string: { rows[$0].name },
                                                    tie: { a, b in rows[a].namespace != rows[b].namespace ? rows[a].namespace < rows[b].namespace : nil },
                                                    parallelFrom: 0)
            XCTAssertEqual(inParts, expected, "round \(round) in parts: \(rows)")
        }
    }
}

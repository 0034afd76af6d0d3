import XCTest
@testable import RolloutCore

/// What a node holds (`NodePlacement`): the pods the scheduler sums (upstream's NodeInfo.Pods,
/// `pkg/scheduler/framework/types.go` AddPod / RemovePod, where a removal also moves the last
/// pod into the removed one's place) and the addresses host-local may not hand out again
/// (`plugins/ipam/host-local/backend/allocator/allocator.go` GetIter skips reserved ones).
final class NodePlacementTests: XCTestCase {
    private func pod(_ n: Int, ip: String?) -> SimPod {
        let pod = SimPod(name: "web-\(n)", namespace: "default", uid: "uid-\(n)", ownerUID: "rs", ownerName: "rs", labels: [:],
                         template: Object(), created: Timestamp(milliseconds: 0), behaviour: AppBehaviour(template: nil))
        pod.ip = ip
        return pod
    }

    func testPodsComeAndGoEachOnce() {
        let placement = NodePlacement()
        let pods = (0..<5).map { pod($0, ip: "10.42.0.\($0 + 2)") }
        for p in pods { placement.add(p) }
        placement.add(pods[1])
        XCTAssertEqual(placement.pods.count, 5, "a pod added twice is there once")
        placement.remove(pods[1])
        XCTAssertEqual(Set(placement.pods.map(ObjectIdentifier.init)), Set([0, 2, 3, 4].map { ObjectIdentifier(pods[$0]) }))
        placement.remove(pods[1])
        XCTAssertEqual(placement.pods.count, 4, "a pod not there is not removed again")
        placement.remove(pods[4])
        placement.remove(pods[0])
        XCTAssertEqual(Set(placement.pods.map(ObjectIdentifier.init)), Set([2, 3].map { ObjectIdentifier(pods[$0]) }))
        for p in placement.pods {
            XCTAssertTrue(placement.pods[p.placementSlot] === p, "each pod knows its place after the others moved")
        }
        XCTAssertEqual(pods[0].placementSlot, -1)
        // A pod of another node's list is not removed from this one.
        let other = NodePlacement()
        let stranger = pod(9, ip: nil)
        other.add(stranger)
        placement.remove(stranger)
        XCTAssertEqual(placement.pods.count, 2)
        XCTAssertTrue(other.pods.first === stranger)
    }

    /// An address is held while some pod on the node holds it (a state from before per-node
    /// ranges may have two on one), whatever its form: IPv4 in dotted decimal (kept as a
    /// number), IPv6 or IPv4 written otherwise (kept as text).
    func testAnAddressIsHeldUntilItsLastPodLeaves() {
        let long = "2001:0db8:85a3:0000:0000:8a2e:0370:7334"
        for ip in ["10.42.0.7", "fd00::7", long, "10.42.0.07"] {
            let placement = NodePlacement()
            let a = pod(1, ip: ip), b = pod(2, ip: ip)
            XCTAssertFalse(placement.holds(ip))
            placement.add(a)
            placement.add(b)
            placement.remove(a)
            XCTAssertTrue(placement.holds(ip), "\(ip): still held by the second pod")
            placement.remove(b)
            XCTAssertFalse(placement.holds(ip), "\(ip): free once both left")
            placement.remove(b)
            placement.add(a)
            XCTAssertTrue(placement.holds(ip), "\(ip): a count never goes below none")
        }
        let placement = NodePlacement()
        placement.add(pod(1, ip: "10.42.0.7"))
        for free in ["10.42.0.70", "10.42.0.", "fd00::7", long, "10.42.0.7\u{0}", "10.42.0.07", "010.42.0.7"] {
            XCTAssertFalse(placement.holds(free), "\(free) is another address")
        }
    }

    /// Exactly the texts `PodRange.dotted` writes are read as numbers, each back to its own.
    func testOnlyDottedDecimalIPv4IsReadAsANumber() {
        var random = SeededRandom(seed: 7)
        for n in [0, 1, 255, 256, 0x0A2A0007, 0xFFFFFFFF] + (0..<2000).map({ _ in UInt32(truncatingIfNeeded: random.next()) }) {
            XCTAssertEqual(NodePlacement.dottedIPv4(PodRange.dotted(n)), n)
        }
        for text in ["", "10.42.0", "10.42.0.7.", ".10.42.0.7", "10.42..7", "10.42.0.256", "10.42.0.07", "00.1.2.3", "1.2.3.4.5",
                     "10.42.0.1000", "10 .42.0.7", "10.42.0.7 ", "fd00::7", "1.2.3.-4", "１.2.3.4"] {
            XCTAssertNil(NodePlacement.dottedIPv4(text), text)
        }
    }
}

import XCTest
@testable import RolloutCore

/// Pod addresses as k3s' flannel gets them from the host-local IPAM plugin
/// (containernetworking/plugins `plugins/ipam/host-local/backend/allocator/`: range.go
/// Canonicalize — RangeStart after the network address, RangeEnd before the broadcast, the
/// gateway the first address; range_set.go and allocator.go RangeIter.Next — the gateway
/// skipped; allocator.go Get and GetIter — round robin from the last reserved address,
/// wrapping, skipping addresses in use, "no IP addresses available" when all are).
final class PodAddressTests: XCTestCase {
    /// An address written digit by digit reads as the interpolated text it replaced.
    func testAnAddressIsWrittenAsItsDottedText() {
        var random = SeededRandom(seed: 4)
        let edges: [UInt32] = [0, 1, 9, 10, 99, 100, 255, 256, 0x0A2A0302, 0xFFFFFFFF, 0x64646464, 0x09630A00]
        for n in edges + (0..<5000).map({ _ in UInt32(truncatingIfNeeded: random.next()) }) {
            XCTAssertEqual(PodRange.dotted(n), "\(n >> 24).\((n >> 16) & 0xFF).\((n >> 8) & 0xFF).\(n & 0xFF)")
        }
    }

    func testARangeIsThePodCIDRLessNetworkGatewayAndBroadcast() throws {
        let range = try XCTUnwrap(PodRange(cidr: "10.42.3.0/24"))
        XCTAssertEqual(range.count, 253)
        XCTAssertEqual(range.address(0), "10.42.3.2", "10.42.3.1 is the bridge's gateway")
        XCTAssertEqual(range.address(252), "10.42.3.254", "10.42.3.255 is the broadcast address")
        let wide = try XCTUnwrap(PodRange(cidr: "10.244.2.0/23"))
        XCTAssertEqual(wide.count, 509)
        XCTAssertEqual(wide.address(253), "10.244.2.255", "inside a /23 .255 is an ordinary address")
        XCTAssertEqual(wide.address(508), "10.244.3.254")
        XCTAssertEqual(PodRange(cidr: "10.42.3.7/24"), range, "the network of an address given inside it")
        for bad in ["10.42.3.0", "10.42.3.0/31", "10.42.3.0/7", "fd00::/64", "10.42.300.0/24", "10.42.3/24", ""] {
            XCTAssertNil(PodRange(cidr: bad), bad)
        }
        XCTAssertEqual(PodRange(nodeIndex: 257).address(0), "10.43.1.2", "a node without a podCIDR: the /24 of its place")
    }

    func testTheNextAddressFollowsTheLastReservedSkippingHeldOnes() throws {
        let range = try XCTUnwrap(PodRange(cidr: "10.42.0.0/24"))
        let cases: [(name: String, last: Int?, held: Set<String>, ip: String?)] = [
            ("first pod of the node", nil, [], "10.42.0.2"),
            ("after the last reserved", 0, [], "10.42.0.3"),
            ("a held address is skipped", 0, ["10.42.0.3"], "10.42.0.4"),
            ("a freed address is not reused before the range comes round", 5, ["10.42.0.7"], "10.42.0.8"),
            ("after .254, round to .2", 252, [], "10.42.0.2"),
            ("round, past held ones", 252, ["10.42.0.2", "10.42.0.3"], "10.42.0.4"),
            ("a last reserved outside the range: from the start", 999, [], "10.42.0.2"),
            ("every address held", 10, Set((0..<253).map { range.address($0) }), nil),
        ]
        for c in cases {
            XCTAssertEqual(PodAddresses.next(in: range, lastReserved: c.last, isHeld: { c.held.contains(PodRange.dotted($0)) })?.ip, c.ip, c.name)
        }
    }

    /// A node's pods cannot outnumber the addresses of its /24: `cluster init --pods` stops at
    /// 253 with kubectl's wording for a bad flag, exit 2, and nothing made.
    func testMorePodsPerNodeThanTheRangeHoldsIsRefused() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: RolloutRun.binary.path), "rollout binary not built")
        let state = try temporaryDirectory(self).appendingPathComponent("s").path
        let refused = try RolloutRun.run(["cluster", "init", "--pods", "254", "--state", state])
        XCTAssertEqual(refused.status, 2)
        XCTAssertEqual(refused.stderr, "error: invalid argument \"254\" for \"--pods\" flag: at most 253, the addresses of a node's /24 pod range (k3s' node-cidr-mask-size 24)\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: state))
        XCTAssertEqual(try RolloutRun.run(["cluster", "init", "--pods", "253", "--state", state]).status, 0)
    }

    /// One node, a Deployment `db` of 60 replicas that stays, and `web` of 100 replicas rolled
    /// four times, one command each: 560 pods created, the range comes round twice and must
    /// step over db's addresses (and pods still terminating). Every pod alive at any time has
    /// its own address in 10.42.0.2–254, db the first ones, and the round robin goes on across
    /// commands.
    func testPodsOnANodeNeverShareAnAddress() throws {
        let directory = try temporaryDirectory(self).appendingPathComponent("s").path
        let store = try StateStore(directory: directory, writable: true, newCluster: ClusterSpec(profile: .bare, nodes: 1, cpu: Quantity("64")!, pods: 250))
        addTeardownBlock { store.close() }
        var firstAddresses: [String] = []
        for version in 1...5 {
            try applyYAML(deploymentYAML("db", replicas: 60, spec: "containers: [{name: db, image: db:1}]") + "---\n"
                          + deploymentYAML("web", replicas: 100, spec: "containers: [{name: app, image: \"app:\(version)\"}]"), to: store)
            let c = try Cluster(store: store)
            for _ in 0..<120 {
                EventLoop.advance(c, by: Duration(milliseconds: 500))
                let live = c.pods.values.filter { !$0.gone && $0.nodeName != nil }
                let ips = live.compactMap(\.ip)
                XCTAssertEqual(ips.count, live.count, "every bound pod has an address")
                XCTAssertEqual(Set(ips).count, ips.count, "v\(version): no two live pods share an address")
                XCTAssertTrue(ips.allSatisfy { ip in (2...254).contains(Int(ip.split(separator: ".").last ?? "") ?? 0) && ip.hasPrefix("10.42.0.") })
            }
            if version == 1 {
                firstAddresses = c.pods.values.filter { $0.name.hasPrefix("db-") }.compactMap(\.ip)
            }
            try c.save()
            try store.commit()
        }
        XCTAssertEqual(Set(firstAddresses), Set((2...61).map { "10.42.0.\($0)" }), "db, created first: .2 to .61")
        XCTAssertNotNil(store.counters["podIP/node-1"], "the node's last reserved address is kept between commands")
        XCTAssertNil(store.counters["podIP"])
    }
}

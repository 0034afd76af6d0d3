import XCTest
@testable import RolloutCore

/// kube-proxy's choice reaches a request's pod by the pod's handle (`SimPod.handle`, its place
/// in `Cluster.podsByHandle`) instead of hashing the uid its endpoint names: the answer must be
/// the one the uid gives (`c.pods[uid]`) — the same pod while the cluster holds it, nothing
/// once the cluster let it go — so that `TrafficRecorder.notServing` says the same.
final class PodHandleTests: XCTestCase {
    func testAHandleFindsWhatTheUidFindsUntilThePodIsLetGo() throws {
        let (store, loaded, key) = try webCluster(self, nodes: 3, replicas: 4, container: "{name: app, image: app:1}")
        var c = loaded
        func checkChoice(_ step: String) {
            let choice = KubeProxy.choice(key, in: c)
            XCTAssertGreaterThan(choice.count, 0, step)
            for i in 0..<choice.count {
                let byUID = c.pods[choice.target(i)]
                XCTAssertNotNil(byUID, step)
                XCTAssertTrue(choice.pod(i, in: c) === byUID, "\(step): endpoint \(i)")
            }
        }
        checkChoice("first roll")
        let first = Array(c.pods.values)
        XCTAssertEqual(Set(first.map(\.handle)).count, first.count, "each pod its own handle")
        for pod in first { XCTAssertTrue(c.pod(handle: pod.handle) === pod) }
        XCTAssertTrue(c.handlesExact)
        try c.save()
        try store.commit()

        // A new template: the old pods go; the save forgets them, and their handles with them.
        try applyWeb(replicas: 4, container: "{name: app, image: app:2}", to: store)
        c = try Cluster(store: store)
        let old = Array(c.pods.values)
        EventLoop.advance(c, by: Duration(seconds: 120))
        checkChoice("second roll")
        XCTAssertTrue(old.allSatisfy(\.gone))
        try c.save()
        for pod in old {
            XCTAssertNil(c.pods[pod.uid])
            XCTAssertNil(c.pod(handle: pod.handle), "a pod let go is found by neither")
        }
        for pod in c.pods.values { XCTAssertTrue(c.pod(handle: pod.handle) === pod) }
        XCTAssertNil(c.pod(handle: -1))
        XCTAssertNil(c.pod(handle: Int.max))
    }

    /// The book's entries carry the handle in 32 bits, in the room the entry had anyway: the
    /// orders sorted and merged at every sync move no more bytes than before.
    func testAnEntryWithItsHandleTakesNoMoreRoom() {
        XCTAssertEqual(MemoryLayout<EndpointBook.Entry>.stride, 32)
    }
}

import XCTest
@testable import RolloutCore

/// A ReplicaSet's revision and its desired- and max-replicas annotations, as the Deployment
/// controller reads them (`deploymentutil.Revision`, `getIntFromAnnotation`: absent or not a
/// number reads as none, a revision as 0), are kept parsed and follow every change to its
/// annotations: set, changed in place, replaced, removed, in a copy that changed while the
/// original did not.
final class SimReplicaSetTests: XCTestCase {
    private func replicaSet(_ annotations: [String: String]) -> SimReplicaSet {
        SimReplicaSet(name: "web-1", namespace: "default", uid: "rs-1", created: Timestamp(milliseconds: 0), ownerUID: "d-1", ownerName: "web",
                      labels: [:], annotations: annotations, template: Object(), hash: "1", specReplicas: 3, minReadySeconds: 0,
                      behaviour: AppBehaviour(template: nil))
    }

    private func read(_ rs: SimReplicaSet) -> [Int?] {
        [rs.revision, rs.counts.desiredReplicasAnnotation, rs.counts.maxReplicasAnnotation]
    }

    func testAnnotationNumbersFollowTheAnnotations() {
        var rs = replicaSet(["deployment.kubernetes.io/revision": "4", "deployment.kubernetes.io/desired-replicas": "10"])
        XCTAssertEqual(read(rs), [4, 10, nil])
        rs.annotations["deployment.kubernetes.io/max-replicas"] = "13"
        XCTAssertEqual(read(rs), [4, 10, 13])
        let before = rs
        rs.annotations["deployment.kubernetes.io/revision"] = "5"
        rs.annotations["deployment.kubernetes.io/desired-replicas"] = "x"
        XCTAssertEqual(read(rs), [5, nil, 13])
        XCTAssertEqual(read(before), [4, 10, 13], "the copy taken before keeps its own")
        rs.annotations = [:]
        XCTAssertEqual(read(rs), [0, nil, nil])
        XCTAssertEqual(read(replicaSet(["deployment.kubernetes.io/revision": " 7"])), [0, nil, nil])
    }
}

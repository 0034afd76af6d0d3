@testable import RolloutCore
import XCTest

/// `EqualIgnoreHash` (`util/deployment_util.go`): two pod templates are the same apart from the
/// `pod-template-hash` label, whatever the order of their keys. The comparison without sorted
/// copies must answer exactly as the sorted one does, on reordered, changed and malformed maps.
final class TemplateEqualityTests: XCTestCase {
    func template(_ yaml: String) throws -> Object {
        try XCTUnwrap(try ManifestDecoder.decode([ManifestSource(name: "t", bytes: Array(yaml.utf8))]).documents.first?.value.objectValue)
    }

    func testKeyOrderDoesNotMatterAndTheHashLabelIsIgnored() throws {
        let a = try template("metadata: {labels: {app: web, pod-template-hash: abc}}\nspec: {containers: [{name: web, image: 'web:1', ports: [{containerPort: 80}]}], dnsPolicy: ClusterFirst}\n")
        let reordered = try template("spec: {dnsPolicy: ClusterFirst, containers: [{ports: [{containerPort: 80}], image: 'web:1', name: web}]}\nmetadata: {labels: {pod-template-hash: xyz, app: web}}\n")
        let otherImage = try template("metadata: {labels: {app: web}}\nspec: {containers: [{name: web, image: 'web:2', ports: [{containerPort: 80}]}], dnsPolicy: ClusterFirst}\n")
        let containersReordered = try template("metadata: {labels: {app: web}}\nspec: {containers: [{name: b, image: x}, {name: web, image: 'web:1'}], dnsPolicy: ClusterFirst}\n")
        let extraField = try template("metadata: {labels: {app: web}}\nspec: {containers: [{name: web, image: 'web:1', ports: [{containerPort: 80}]}], dnsPolicy: ClusterFirst, hostNetwork: false}\n")
        XCTAssertTrue(DeploymentController.templatesEqual(a, reordered))
        XCTAssertFalse(DeploymentController.templatesEqual(a, otherImage))
        XCTAssertFalse(DeploymentController.templatesEqual(a, containersReordered), "list order matters")
        XCTAssertFalse(DeploymentController.templatesEqual(a, extraField))
        // Against the sorted comparison, on every pair, both ways.
        let all = [a, reordered, otherImage, containersReordered, extraField]
        for x in all {
            for y in all {
                let sorted = Value.object(DeploymentController.withoutHashLabel(x)).sortingKeys() == Value.object(DeploymentController.withoutHashLabel(y)).sortingKeys()
                XCTAssertEqual(DeploymentController.templatesEqual(x, y), sorted)
            }
        }
        // A map with a key twice (only a damaged state could hold one) falls back to sorting.
        let twice = Value.object(Object([Object.Member(key: "a", value: .int(1)), Object.Member(key: "a", value: .int(2))]))
        let swapped = Value.object(Object([Object.Member(key: "a", value: .int(2)), Object.Member(key: "a", value: .int(1))]))
        XCTAssertEqual(DeploymentController.equalIgnoringKeyOrder(twice, twice), twice.sortingKeys() == twice.sortingKeys())
        XCTAssertEqual(DeploymentController.equalIgnoringKeyOrder(twice, swapped), twice.sortingKeys() == swapped.sortingKeys())
        XCTAssertFalse(DeploymentController.equalIgnoringKeyOrder(.int(1), .float(1)))
    }

    /// Every pair of small maps (keys a and b, each at most twice, values 1–2, in every order):
    /// in place, by lookup, or sorted, the answer is the sorted comparison's.
    /// A ReplicaSet's template made from its Deployment's shares the spec's storage: equal at
    /// once there, and a change beside the shared part (or inside a copy of it) still found.
    func testSharedStorageIsEqualAndChangesBesideItAreNot() throws {
        let deployment = try template("metadata: {labels: {app: web}}\nspec: {containers: [{name: web, image: 'web:1'}], dnsPolicy: ClusterFirst}\n")
        var replicaSet = deployment
        var meta = try XCTUnwrap(replicaSet["metadata"]?.objectValue)
        meta["labels"] = .object(Object(["app": .string("web"), DeploymentController.hashLabel: .string("abc")]))
        replicaSet["metadata"] = .object(meta)
        XCTAssertTrue(DeploymentController.templatesEqual(deployment, replicaSet))
        var otherLabel = replicaSet
        otherLabel["metadata"] = .object(Object(["labels": .object(Object(["app": .string("api")]))]))
        XCTAssertFalse(DeploymentController.templatesEqual(deployment, otherLabel), "the spec is shared, the labels differ")
        var otherImage = replicaSet
        otherImage["spec"] = .object(Object([Object.Member(key: "containers", value: .array([.object(Object(["name": .string("web"), "image": .string("web:2")]))])),
                                             Object.Member(key: "dnsPolicy", value: .string("ClusterFirst"))]))
        XCTAssertFalse(DeploymentController.templatesEqual(deployment, otherImage))
        XCTAssertTrue(DeploymentController.equalIgnoringKeyOrder(.array([]), .array([])))
    }

    func testEveryArrangementOfSmallMapsAgreesWithSorting() {
        var maps: [Value] = []
        let members = [("a", 1), ("a", 2), ("b", 1), ("b", 2)].map { Object.Member(key: $0.0, value: .int($0.1)) }
        func build(_ chosen: [Object.Member], _ rest: [Object.Member]) {
            if !chosen.isEmpty { maps.append(.object(Object(chosen))) }
            guard chosen.count < 3 else { return }
            for (i, m) in rest.enumerated() { build(chosen + [m], Array(rest[..<i]) + Array(rest[(i + 1)...])) }
        }
        build([], members + members)
        XCTAssertGreaterThan(maps.count, 100)
        for x in maps {
            for y in maps {
                XCTAssertEqual(DeploymentController.equalIgnoringKeyOrder(x, y), x.sortingKeys() == y.sortingKeys(), "\(x) vs \(y)")
            }
        }
    }

    /// Kept answers (`TemplateMatches`, asked at every Deployment sync and timeline sample) are
    /// `templatesEqual`'s: for the same two templates again, equal copies elsewhere in memory,
    /// a template changed in place after it was asked about (a new storage), an empty template,
    /// and past the capacity, where every entry is let go.
    func testKeptAnswersAreTheComparisonsAnswers() throws {
        let matches = TemplateMatches()
        let deployment = try template("metadata: {labels: {app: web}}\nspec: {containers: [{name: web, image: 'web:1'}]}\n")
        var replicaSet = try template("metadata: {labels: {app: web, pod-template-hash: abc}}\nspec: {containers: [{name: web, image: 'web:1'}]}\n")
        XCTAssertTrue(matches.equal(deployment, replicaSet))
        XCTAssertTrue(matches.equal(deployment, replicaSet), "kept")
        replicaSet["spec"] = .object(Object(["containers": .array([.object(Object(["name": .string("web"), "image": .string("web:2")]))])]))
        XCTAssertFalse(matches.equal(deployment, replicaSet), "changed in place: another storage")
        XCTAssertFalse(matches.equal(replicaSet, deployment))
        XCTAssertTrue(matches.equal(Object(), Object()))
        XCTAssertFalse(matches.equal(Object(), deployment))
        var random = SeededRandom(seed: 9)
        var kept: [Object] = []
        for i in 0..<(TemplateMatches.capacity + 100) {
            let image = "web:\(Int.random(in: 1...3, using: &random))"
            let t = Object(["metadata": .object(Object(["labels": .object(Object(["app": .string("web"), "n": .string("\(i % 7)")]))])),
                            "spec": .object(Object(["containers": .array([.object(Object(["name": .string("web"), "image": .string(image)]))])]))])
            if kept.count < 50 { kept.append(t) }
            let other = kept[i % kept.count]
            XCTAssertEqual(matches.equal(t, other), DeploymentController.templatesEqual(t, other), "\(i)")
            XCTAssertEqual(matches.equal(other, t), DeploymentController.templatesEqual(other, t), "\(i)")
        }
    }
}

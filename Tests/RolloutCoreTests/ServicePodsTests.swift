import XCTest
@testable import RolloutCore

/// The Services selecting each pod (`ServicePods.services(of:)`, what the endpoints
/// controller's `getPodServiceMemberships` finds) are those whose whole selector the pod's
/// labels satisfy, in its namespace — whether the pod before it had the same labels (one
/// dictionary, or an equal one), other labels, or the same labels in another namespace, and
/// whether the last pod of its owner had its labels or others (an owner's pods interleaved
/// with other owners', as pods loaded in uid order are; pods without an owner).
final class ServicePodsTests: XCTestCase {
    private func service(_ name: String, _ namespace: String, _ selector: [String: String]) -> (ObjectKey, Resource) {
        let resource = Resource(Object([
            "apiVersion": .string("v1"), "kind": .string("Service"),
            "metadata": .object(Object(["name": .string(name), "namespace": .string(namespace)])),
            "spec": .object(Object(["selector": .object(Object(selector.sorted { $0.key < $1.key }.map { Object.Member(key: $0.key, value: .string($0.value)) }))])),
        ]))
        return (resource.key, resource)
    }

    func testEachPodGetsTheServicesItsLabelsSatisfyWhateverCameBefore() {
        let services = Dictionary(uniqueKeysWithValues: [
            service("web", "default", ["app": "web"]),
            service("web-canary", "default", ["app": "web", "track": "canary"]),
            service("api", "default", ["app": "api"]),
            service("web", "other", ["app": "web"]),
        ])
        var index = ServicePods(services: services)
        let web: [String: String] = ["app": "web", "pod-template-hash": "1"]
        let canary: [String: String] = ["app": "web", "track": "canary", "pod-template-hash": "2"]
        let api: [String: String] = ["app": "api"]
        var random = SeededRandom(seed: 5)
        for i in 0..<400 {
            // Runs of one shared dictionary, equal copies, others, and other namespaces.
            let pick = Int.random(in: 0..<6, using: &random)
            let labels = [web, canary, api, ["app": "web", "pod-template-hash": "1"], ["app": "none"], web][pick]
            let namespace = pick == 5 ? "other" : (Int.random(in: 0..<8, using: &random) == 0 ? "third" : "default")
            let owner = ["rs-1", "rs-2", "rs-3", ""][Int.random(in: 0..<4, using: &random)]
            let pod = SimPod(name: "p-\(i)", namespace: namespace, uid: "u-\(i)", ownerUID: owner, ownerName: owner, labels: labels,
                             template: Object(), created: Timestamp(milliseconds: 0), behaviour: AppBehaviour(template: nil))
            let found = index.services(of: pod)
            XCTAssertEqual(found, index.services(selecting: labels, namespace: namespace), "pod \(i)")
            var expected: [ObjectKey] = []
            for (key, resource) in services where key.namespace == namespace {
                let selector = stringMap(resource.value.at("spec", "selector"))
                if selector.allSatisfy({ labels[$0.key] == $0.value }) { expected.append(key) }
            }
            XCTAssertEqual(found, expected.sorted(), "pod \(i): \(labels) in \(namespace)")
        }
    }

    /// More owners than are kept (`ownersKept`: then all are let go): each pod still gets the
    /// Services its labels satisfy, owners seen before the letting go or after.
    func testOwnersPastWhatIsKeptStillGetTheirServices() {
        let services = Dictionary(uniqueKeysWithValues: [service("web", "default", ["app": "web"]), service("api", "default", ["app": "api"])])
        var index = ServicePods(services: services)
        let web = ServicePods(services: services).services(selecting: ["app": "web"], namespace: "default")
        let api = ServicePods(services: services).services(selecting: ["app": "api"], namespace: "default")
        for i in 0..<(2 * ServicePods.ownersKept + 10) {
            // Each owner twice, apart, its two pods' labels differing for odd owners.
            let owner = "rs-\(i % (ServicePods.ownersKept + 5))"
            let labels: [String: String] = i % 2 == 0 ? ["app": "web"] : ["app": "api"]
            let pod = SimPod(name: "p-\(i)", namespace: "default", uid: "u-\(i)", ownerUID: owner, ownerName: owner, labels: labels,
                             template: Object(), created: Timestamp(milliseconds: 0), behaviour: AppBehaviour(template: nil))
            XCTAssertEqual(index.services(of: pod), i % 2 == 0 ? web : api, "pod \(i) of \(owner)")
        }
    }
}

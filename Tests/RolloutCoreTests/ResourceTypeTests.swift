import XCTest
@testable import RolloutCore

/// `ResourceType.forObject` finds a built-in kind by its kind and the group its `apiVersion`
/// starts with, whatever the version (as the API machinery's RESTMapper maps a group and
/// kind); any other kind is a namespaced generic type named by its lower-cased kind.
final class ResourceTypeTests: XCTestCase {
    func testBuiltInKindsAreFoundByGroupAndKind() {
        for type in ResourceType.builtIn {
            let found = ResourceType.forObject(apiVersion: type.apiVersion, kind: type.kind)
            XCTAssertEqual(found.storageKey, type.storageKey, type.kind)
            XCTAssertEqual(found.namespaced, type.namespaced, type.kind)
            // Another version of the same group is the same type.
            XCTAssertEqual(ResourceType.forObject(apiVersion: type.group.isEmpty ? "v2" : "\(type.group)/v9", kind: type.kind), found, type.kind)
        }
    }

    func testOtherGroupsAndKindsAreGeneric() {
        let cases: [(apiVersion: String, kind: String, storageKey: String, namespaced: Bool, plural: String)] = [
            ("apps/v1", "Deployment", "apps/Deployment", true, "deployments"),
            ("v1", "Node", "Node", false, "nodes"),
            // The core group has no Deployment: a generic kind of the core group.
            ("v1", "Deployment", "Deployment", true, "deployments"),
            // A group that starts like a known one is another group.
            ("apps.example.com/v1", "Deployment", "apps.example.com/Deployment", true, "deployments"),
            ("app/v1", "Deployment", "app/Deployment", true, "deployments"),
            ("/v1", "Pod", "Pod", true, "pods"),
            ("apps/", "Deployment", "apps/Deployment", true, "deployments"),
            ("example.com/v1", "Policy", "example.com/Policy", true, "policies"),
            ("", "Pod", "Pod", true, "pods"),
            // Split at its slash, whatever comes before it (the slash found among the bytes).
            ("ü.example/v1beta1", "Widget", "ü.example/Widget", true, "widgets"),
            ("rollout.dev/v1alpha1", "RolloutTimeline", "rollout.dev/RolloutTimeline", true, "rollouttimelines"),
        ]
        for c in cases {
            let type = ResourceType.forObject(apiVersion: c.apiVersion, kind: c.kind)
            XCTAssertEqual(type.storageKey, c.storageKey, "\(c.apiVersion) \(c.kind)")
            XCTAssertEqual(type.namespaced, c.namespaced, "\(c.apiVersion) \(c.kind)")
            XCTAssertEqual(type.plural, c.plural, "\(c.apiVersion) \(c.kind)")
            // A generic kind's version is what follows the slash (all of it without one).
            if !ResourceType.builtIn.contains(type) {
                let version = c.apiVersion.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).last.map(String.init) ?? ""
                XCTAssertEqual(type.version, version, "\(c.apiVersion) \(c.kind)")
            }
        }
    }

    /// An object's key: its type's storage key, its namespace (`default` when it names none;
    /// "" for a cluster-scoped kind) and its name.
    func testResourceKey() throws {
        func key(_ json: String) throws -> ObjectKey {
            guard case .object(let o) = try JSONReader.parse(json) else { throw XCTSkip("not an object") }
            return Resource(o).key
        }
        XCTAssertEqual(try key(#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"shop"}}"#),
                       ObjectKey(type: "apps/Deployment", namespace: "shop", name: "web"))
        XCTAssertEqual(try key(#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"}}"#), ObjectKey(type: "Pod", namespace: "default", name: "p"))
        XCTAssertEqual(try key(#"{"apiVersion":"v1","kind":"Node","metadata":{"name":"n1","namespace":"x"}}"#), ObjectKey(type: "Node", namespace: "", name: "n1"))
        XCTAssertEqual(try key(#"{"apiVersion":"v1","kind":"Pod"}"#), ObjectKey(type: "Pod", namespace: "default", name: ""))
    }

    /// An `apiVersion`'s group is what comes before its slash, none without one: matched byte
    /// for byte (a group that is a prefix of another's is not it).
    func testAnAPIVersionsGroupIsWhatComesBeforeItsSlash() {
        let cases: [(String, String, Bool)] = [
            ("apps/v1", "apps", true), ("apps/v1", "", false), ("v1", "", true), ("v1", "apps", false),
            ("appsx/v1", "apps", false), ("app/v1", "apps", false), ("apps", "apps", false), ("apps/", "apps", true),
            ("", "", true), ("", "apps", false), ("/v1", "", false), ("discovery.k8s.io/v1", "discovery.k8s.io", true),
            ("r\u{E9}seau.example/v1", "r\u{E9}seau.example", true), ("re\u{301}seau.example/v1", "r\u{E9}seau.example", false),
        ]
        for (apiVersion, group, expected) in cases {
            XCTAssertEqual(ResourceType.group(of: apiVersion, is: group), expected, "\(apiVersion) \(group)")
        }
    }


    /// One annotation read alone is what the dictionary of them all has under its key: none
    /// without metadata or annotations, a value that is not a string left out, and of a key
    /// given twice the last string.
    func testOneAnnotationIsWhatTheDictionaryOfThemAllHas() {
        let m = Object.Member.init
        let cases: [Object] = [
            Object(),
            Object([m("metadata", .string("x"))]),
            Object([m("metadata", .object(Object([m("annotations", .array([]))])))]),
            Object([m("metadata", .object(Object([m("annotations", .object(Object([m("a", .string("1")), m("b", .int(2)), m("c", .null)])))])))]),
            Object([m("metadata", .object(Object([m("annotations", .object(Object([m("a", .string("1")), m("a", .string("2")), m("b", .string("3")), m("b", .int(4))])))])))]),
        ]
        for object in cases {
            let resource = Resource(object)
            for key in ["a", "b", "c", "d"] {
                XCTAssertEqual(resource.annotation(key), resource.annotations[key], "\(key) in \(Value.object(object))")
            }
        }
    }

}

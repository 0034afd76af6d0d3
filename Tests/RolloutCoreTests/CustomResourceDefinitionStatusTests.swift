import Foundation
import XCTest
@testable import RolloutCore

/// A CustomResourceDefinition as apiextensions-apiserver stores it (its spec defaulted by
/// `Defaults.apply`: SetDefaults_CustomResourceDefinitionSpec, SetDefaults_CustomResourceConversion; the
/// NamingConditionController's acceptedNames and NamesAccepted, the EstablishingController's
/// Established; storedVersions only ever growing).
final class CustomResourceDefinitionStatusTests: XCTestCase {
    private func crd(storage: String, versions: [String], names: String = #"{"kind":"Widget","plural":"widgets"}"#) throws -> Resource {
        let list = versions.map { #"{"name":"\#($0)","served":true,"storage":\#($0 == storage)}"# }.joined(separator: ",")
        var defined = Resource(try XCTUnwrap(JSONReader.parse(#"""
            {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"widgets.example.com"},
             "spec":{"group":"example.com","names":\#(names),"scope":"Namespaced","versions":[\#(list)]}}
            """#).objectValue))
        Defaults.apply(to: &defined)
        return defined
    }

    func testStatusAsTheControllersWriteIt() throws {
        let t0 = try XCTUnwrap(Timestamp(parsing: "2025-01-01T00:00:00Z")), t1 = try XCTUnwrap(Timestamp(parsing: "2025-01-01T00:05:00Z"))
        let created = CustomResourceDefinitionStatus.stored(try crd(storage: "v1", versions: ["v1"]), live: nil, now: t0)
        XCTAssertEqual(created.value.at("spec", "names"), .object(Object(["kind": .string("Widget"), "plural": .string("widgets"),
                                                                          "singular": .string("widget"), "listKind": .string("WidgetList")])))
        XCTAssertEqual(created.value.at("spec", "conversion", "strategy"), .string("None"))
        XCTAssertEqual(created.value.at("status", "acceptedNames"), created.value.at("spec", "names"))
        let conditions = created.value.at("status", "conditions")?.arrayValue ?? []
        XCTAssertEqual(conditions.map { "\($0["type"]?.stringValue ?? "") \($0["status"]?.stringValue ?? "") \($0["reason"]?.stringValue ?? "") \($0["message"]?.stringValue ?? "") \($0["lastTransitionTime"]?.stringValue ?? "")" },
                       ["NamesAccepted True NoConflicts no conflicts found 2025-01-01T00:00:00Z",
                        "Established True InitialNamesAccepted the initial names have been accepted 2025-01-01T00:00:00Z"])
        XCTAssertEqual(created.value.at("status", "storedVersions"), .array([.string("v1")]))
        // A new storage version: stored versions grow; the names stand, so do the conditions' times.
        let moved = CustomResourceDefinitionStatus.stored(try crd(storage: "v2", versions: ["v1", "v2"]), live: created, now: t1)
        XCTAssertEqual(moved.value.at("status", "storedVersions"), .array([.string("v1"), .string("v2")]))
        XCTAssertEqual(moved.value.at("status", "conditions")?.arrayValue?.first?["lastTransitionTime"], .string("2025-01-01T00:00:00Z"))
        // New names: accepted anew, at the update's time.
        let renamed = CustomResourceDefinitionStatus.stored(try crd(storage: "v2", versions: ["v1", "v2"], names: #"{"kind":"Widget","plural":"widgets","shortNames":["wg"]}"#),
                                                            live: moved, now: t1)
        XCTAssertEqual(renamed.value.at("status", "acceptedNames", "shortNames"), .array([.string("wg")]))
        XCTAssertEqual(renamed.value.at("status", "conditions")?.arrayValue?.first?["lastTransitionTime"], .string("2025-01-01T00:05:00Z"))
        XCTAssertEqual(renamed.value.at("status", "storedVersions"), .array([.string("v1"), .string("v2")]))
    }
}

import Foundation
import XCTest
@testable import RolloutCore

/// `get -o json|yaml` of several objects prints a `List` (kind List, `metadata.resourceVersion`
/// "", as kubectl prints one) of the objects `get NAME -o json|yaml` prints one by one. The
/// List is written item by item as it goes out (`JSONWriter`/`YAMLWriter`
/// `write(_:streaming:…)`); here the whole command's text is checked against the List made of
/// the single objects and written whole.
final class ListOutputTests: XCTestCase {
    func testAListIsTheSingleObjectsInAListWrittenWhole() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: RolloutRun.binary.path), "rollout binary not built")
        let state = try temporaryDirectory(self).appendingPathComponent("s").path
        XCTAssertEqual(try RolloutRun.run(["cluster", "init", "--state", state]).status, 0)
        let names = try RolloutRun.run(["get", "pods", "-n", "kube-system", "-o", "name", "--state", state]).stdout
            .split(separator: "\n").map { String($0.dropFirst("pod/".count)) }
        XCTAssertGreaterThan(names.count, 1)
        let singles = try names.map { name -> Value in
            let run = try RolloutRun.run(["get", "pod", name, "-n", "kube-system", "-o", "json", "--state", state])
            XCTAssertEqual(run.status, 0, run.stderr)
            return try JSONReader.parse(Array(run.stdout.utf8))
        }
        func list(_ items: [Value]) -> Value {
            .object(Object(["apiVersion": .string("v1"), "items": .array(items), "kind": .string("List"),
                            "metadata": .object(Object(["resourceVersion": .string("")]))]))
        }
        let json = try RolloutRun.run(["get", "pods", "-n", "kube-system", "-o", "json", "--state", state])
        XCTAssertEqual(json.status, 0, json.stderr)
        XCTAssertEqual(json.stdout, try JSONWriter.string(list(singles), style: .pretty) + "\n")
        let yaml = try RolloutRun.run(["get", "pods", "-n", "kube-system", "-o", "yaml", "--state", state])
        XCTAssertEqual(yaml.status, 0, yaml.stderr)
        XCTAssertEqual(yaml.stdout, YAMLWriter.string(list(singles)))
        // No objects: an empty List, and no "No resources found" (kubectl prints the List).
        let empty = try RolloutRun.run(["get", "deploy", "-n", "nowhere", "-o", "json", "--state", state])
        XCTAssertEqual(empty.status, 0, empty.stderr)
        XCTAssertEqual(empty.stdout, try JSONWriter.string(list([]), style: .pretty) + "\n")
        XCTAssertEqual(try RolloutRun.run(["get", "deploy", "-n", "nowhere", "-o", "yaml", "--state", state]).stdout, YAMLWriter.string(list([])))
    }
}

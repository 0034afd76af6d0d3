import XCTest
@testable import RolloutCore

/// The patch types of the API (`apiserver/pkg/endpoints/handlers/patch.go`): JSON merge patch
/// (RFC 7386), JSON patch (RFC 6902) and strategic merge patch
/// (`apimachinery/pkg/util/strategicpatch/patch.go`, `StrategicMergePatch`), with the cases its
/// tests (`patch_test.go`) and kubectl's commands exercise.
final class ServePatchTests: XCTestCase {
    private func json(_ text: String) -> Value {
        (try? JSONReader.parse(text)) ?? .null
    }

    func testMergePatch() {
        // RFC 7386, appendix A (a selection).
        let cases: [(String, String, String)] = [
            (#"{"a":"b"}"#, #"{"a":"c"}"#, #"{"a":"c"}"#),
            (#"{"a":"b"}"#, #"{"b":"c"}"#, #"{"a":"b","b":"c"}"#),
            (#"{"a":"b"}"#, #"{"a":null}"#, #"{}"#),
            (#"{"a":{"b":"c"}}"#, #"{"a":{"b":"d","c":null}}"#, #"{"a":{"b":"d"}}"#),
            (#"{"a":[{"b":"c"}]}"#, #"{"a":[1]}"#, #"{"a":[1]}"#),
            (#"{"e":null}"#, #"{"a":1}"#, #"{"e":null,"a":1}"#),
        ]
        for (target, patch, expected) in cases {
            XCTAssertEqual(Patches.mergePatch(json(target), json(patch)), json(expected), "\(target) + \(patch)")
        }
    }

    func testJSONPatch() throws {
        let document = json(#"{"spec":{"template":{"metadata":{"labels":{"app":"web"}}},"list":[1,2,3]},"metadata":{"annotations":{"a":"1"}}}"#)
        // What `kubectl rollout undo` sends (`getDeploymentPatch`): two replaces.
        let undo = json(#"[{"op":"replace","path":"/spec/template","value":{"spec":{}}},{"op":"replace","path":"/metadata/annotations","value":{"b":"2"}}]"#)
        XCTAssertEqual(try Patches.jsonPatch(document, undo), json(#"{"spec":{"template":{"spec":{}},"list":[1,2,3]},"metadata":{"annotations":{"b":"2"}}}"#))
        let list = json(#"[{"op":"add","path":"/spec/list/1","value":9},{"op":"remove","path":"/spec/list/0"},{"op":"add","path":"/spec/list/-","value":4},{"op":"test","path":"/spec/list/0","value":9},{"op":"copy","from":"/spec/list","path":"/copy"},{"op":"move","from":"/copy","path":"/moved"}]"#)
        XCTAssertEqual(try Patches.jsonPatch(document, list)["moved"], json("[9,2,3,4]"))
        XCTAssertEqual(try Patches.jsonPatch(json(#"{"a~b":{"c/d":1}}"#), json(#"[{"op":"replace","path":"/a~0b/c~1d","value":2}]"#)), json(#"{"a~b":{"c/d":2}}"#))
        for bad in [#"[{"op":"test","path":"/spec/list/0","value":7}]"#, #"[{"op":"remove","path":"/nope"}]"#, #"[{"op":"replace","path":"/nope","value":1}]"#,
                    #"[{"op":"add","path":"/spec/list/9","value":1}]"#, #"[{"op":"frobnicate","path":"/a"}]"#, #"{"op":"add"}"#] {
            XCTAssertThrowsError(try Patches.jsonPatch(document, json(bad)), bad)
        }
    }

    func testStrategicMergePatch() throws {
        let deployment = json(#"""
        {"metadata":{"name":"web","finalizers":["a"]},
         "spec":{"replicas":3,"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1}},
          "template":{"spec":{"containers":[{"name":"app","image":"app:1","env":[{"name":"A","value":"1"},{"name":"B","value":"2"}]},{"name":"side","image":"side:1"}]}}}}
        """#)
        let cases: [(String, String, String)] = [
            // `kubectl set image`: a container merged by name, with the list's order.
            ("set image", #"{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"app"},{"name":"side"}],"containers":[{"image":"app:2","name":"app"}]}}}}"#,
             #"[{"name":"app","image":"app:2","env":[{"name":"A","value":"1"},{"name":"B","value":"2"}]},{"name":"side","image":"side:1"}]"#),
            // A new container is appended; `$setElementOrder` puts it first.
            ("new container ordered", #"{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"init"},{"name":"app"},{"name":"side"}],"containers":[{"name":"init","image":"i:1"}]}}}}"#,
             #"[{"name":"init","image":"i:1"},{"name":"app","image":"app:1","env":[{"name":"A","value":"1"},{"name":"B","value":"2"}]},{"name":"side","image":"side:1"}]"#),
            // `$patch: delete` removes the item with that key.
            ("delete an item", #"{"spec":{"template":{"spec":{"containers":[{"name":"side","$patch":"delete"}]}}}}"#,
             #"[{"name":"app","image":"app:1","env":[{"name":"A","value":"1"},{"name":"B","value":"2"}]}]"#),
            // An env var removed by `null` inside a merged item, one changed.
            ("nested list", #"{"spec":{"template":{"spec":{"containers":[{"name":"app","env":[{"name":"B","$patch":"delete"},{"name":"A","value":"9"}]}]}}}}"#,
             #"[{"name":"app","image":"app:1","env":[{"name":"A","value":"9"}]},{"name":"side","image":"side:1"}]"#),
            // `[{"$patch": "replace"}, …]`: the list is replaced.
            ("replace a list", #"{"spec":{"template":{"spec":{"containers":[{"$patch":"replace"},{"name":"only","image":"o:1"}]}}}}"#,
             #"[{"name":"only","image":"o:1"}]"#),
        ]
        for (name, patch, containers) in cases {
            let result = try Patches.strategicMergePatch(deployment, json(patch))
            XCTAssertEqual(result.at("spec", "template", "spec", "containers"), json(containers), name)
            XCTAssertEqual(result.at("spec", "replicas"), .int(3), name)
        }
        // Maps merge, `null` removes; `$retainKeys` (strategy) drops the keys it does not name.
        let recreate = try Patches.strategicMergePatch(deployment, json(#"{"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate","rollingUpdate":null}}}"#))
        XCTAssertEqual(recreate.at("spec", "strategy"), json(#"{"type":"Recreate"}"#))
        // `kubectl rollout pause`, then `resume` (`{"spec":{"paused":null}}`).
        let paused = try Patches.strategicMergePatch(deployment, json(#"{"spec":{"paused":true}}"#))
        XCTAssertEqual(paused.at("spec", "paused"), .bool(true))
        XCTAssertNil(try Patches.strategicMergePatch(paused, json(#"{"spec":{"paused":null}}"#)).at("spec", "paused"))
        // finalizers merge as a set; `$deleteFromPrimitiveList` removes.
        XCTAssertEqual(try Patches.strategicMergePatch(deployment, json(#"{"metadata":{"finalizers":["b","a"]}}"#)).at("metadata", "finalizers"), json(#"["a","b"]"#))
        XCTAssertEqual(try Patches.strategicMergePatch(deployment, json(#"{"metadata":{"$deleteFromPrimitiveList/finalizers":["a"]}}"#)).at("metadata", "finalizers"), json("[]"))
        // `$patch: replace` on a map.
        XCTAssertEqual(try Patches.strategicMergePatch(deployment, json(#"{"spec":{"strategy":{"$patch":"replace","type":"Recreate"}}}"#)).at("spec", "strategy"), json(#"{"type":"Recreate"}"#))
        XCTAssertThrowsError(try Patches.strategicMergePatch(deployment, json(#"{"spec":{"$patch":"explode"}}"#)))
    }
}

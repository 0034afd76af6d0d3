import RolloutCore
import XCTest

/// Syntax features, one case each, checked through their JSON form.
final class ParserTests: XCTestCase {
    func testFeatures() throws {
        let cases: [(name: String, yaml: String, json: String)] = [
            ("block mapping", "a: 1\nb: two\n", #"{"a":1,"b":"two"}"#),
            ("indentless list under a key", "items:\n- a\n- b\nnext: 1\n", #"{"items":["a","b"],"next":1}"#),
            ("indented list", "items:\n  - a\n  - {b: c}\n", #"{"items":["a",{"b":"c"}]}"#),
            ("compact nested mapping", "- name: x\n  image: z\n", #"[{"name":"x","image":"z"}]"#),
            ("flow collections", "{a: [1, 2, {b: c}], d: []}", #"{"a":[1,2,{"b":"c"}],"d":[]}"#),
            ("flow pair in sequence", "[a: b, c]", #"[{"a":"b"},"c"]"#),
            ("JSON-like key adjacent value", #"{"a":b}"#, #"{"a":"b"}"#),
            ("plain multi-line folding", "a: one\n  two\n\n  three\n", #"{"a":"one two\nthree"}"#),
            ("colon inside plain", "url: http://x:80/a\n", #"{"url":"http://x:80/a"}"#),
            ("hash inside plain", "a: b#c # comment\n", #"{"a":"b#c"}"#),
            ("single quoted escape", "a: 'it''s'\n", #"{"a":"it's"}"#),
            ("double quoted escapes", #"a: "t\tn\n\u00e9\x41\/\\\"""# + "\n", #"{"a":"t\tn\né A/\\\""}"#.replacingOccurrences(of: "é A", with: "éA")),
            ("double quoted line folding", "a: \"x\n  y\\\n  z\"\n", #"{"a":"x yz"}"#),
            ("literal block", "a: |\n  l1\n   l2\n\nb: 1\n", #"{"a":"l1\n l2\n","b":1}"#),
            ("literal strip", "a: |-\n  x\n\n", #"{"a":"x"}"#),
            ("literal keep", "a: |+\n  x\n\n", #"{"a":"x\n\n"}"#),
            ("folded block", "a: >\n  one\n  two\n\n  three\n", #"{"a":"one two\nthree\n"}"#),
            ("explicit indentation", "a: |2\n   lead\n", #"{"a":" lead\n"}"#),
            ("anchors and aliases", "a: &x {k: v}\nb: *x\n", #"{"a":{"k":"v"},"b":{"k":"v"}}"#),
            ("explicit key", "? a\n: b\n", #"{"a":"b"}"#),
            ("tag directive", "%TAG !e! tag:example.com,2000:\n---\na: !e!foo 1\n", #"{"a":"1"}"#),
            ("yaml directive", "%YAML 1.2\n---\na: 1\n", #"{"a":1}"#),
            ("BOM", "\u{FEFF}a: 1\n", #"{"a":1}"#),
            ("CRLF", "a: 1\r\nb: |\r\n  x\r\n  y\r\n", #"{"a":1,"b":"x\ny\n"}"#),
            ("comments everywhere", "# head\na: 1 # tail\n# mid\nb: [1, # in flow\n  2]\n", #"{"a":1,"b":[1,2]}"#),
            ("empty value", "a:\nb: ~\n", #"{"a":null,"b":null}"#),
            ("key order kept", "z: 1\na: 2\nm: 3\n", #"{"z":1,"a":2,"m":3}"#),
        ]
        for c in cases {
            do {
                let value = try decodeOne(c.yaml)
                XCTAssertEqual(try JSONWriter.string(value), c.json, c.name)
            } catch {
                XCTFail("\(c.name): \(error)")
            }
        }
    }

    func testDocuments() throws {
        let documents = try YAMLParser.parse("a: 1\n---\nb: 2\n...\n---\n# empty\n--- text\n", file: "m.yaml")
        XCTAssertEqual(documents.count, 4)
        XCTAssertNil(documents[2].root)
        XCTAssertEqual(documents[3].root?.scalarText, "text")
    }

    func testNodesKnowTheirPositions() throws {
        let documents = try YAMLParser.parse("a: 1\nlist:\n  - x\n  - key: v\n", file: "pos.yaml")
        guard case .mapping(let pairs)? = documents.first?.root?.content else { return XCTFail("not a mapping") }
        XCTAssertEqual(pairs[1].key.location, SourceLocation(file: "pos.yaml", line: 2, column: 1))
        guard case .sequence(let items) = pairs[1].value.content else { return XCTFail("not a list") }
        XCTAssertEqual(items[0].location, SourceLocation(file: "pos.yaml", line: 3, column: 5))
        XCTAssertEqual(items[1].location.line, 4)
    }

    func testDuplicateKeysWarnAndLastWins() throws {
        let documents = try YAMLParser.parse("a: 1\nb: 2\na: 3\n", file: "dup.yaml")
        var resolver = Resolver(schema: .kubernetes)
        let value = try resolver.value(of: try XCTUnwrap(documents[0].root))
        XCTAssertEqual(value, .object(Object(["a": .int(3), "b": .int(2)])))
        XCTAssertEqual(resolver.warnings.map(\.description),
                       ["dup.yaml:3:1: warning: duplicate key \"a\" (first at line 1, column 1); the last value wins"])
    }
}

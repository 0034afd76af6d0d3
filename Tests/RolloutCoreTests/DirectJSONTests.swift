import Foundation
@testable import RolloutCore
import XCTest

/// `render -o json`'s direct path (DirectJSON) against the general one (parser, resolver,
/// JSONWriter): wherever the direct path answers, its bytes must be the general path's, and it
/// must not answer where the general path fails or warns.
final class DirectJSONTests: XCTestCase {
    enum Agreement: Equatable { case direct, gaveUp }

    /// The general path's output, or nil when it throws or warns.
    static func general(_ bytes: [UInt8], schema: YAMLSchema) -> [UInt8]? {
        var output: [UInt8] = []
        do {
            let warnings = try ManifestDecoder.forEachDocument(in: [ManifestSource(name: "in.yaml", bytes: bytes)], schema: schema) { document throws(YAMLError) in
                try Render.append(document, format: .json, first: false, to: &output)
            }
            return warnings.isEmpty ? output : nil
        } catch {
            return nil
        }
    }

    /// Checks one input; the failure message quotes it.
    @discardableResult
    static func agree(_ bytes: [UInt8], schema: YAMLSchema = .kubernetes, _ what: String,
                      file: StaticString = #filePath, line: UInt = #line) -> Agreement {
        var direct: [UInt8] = Array("prefix".utf8)
        let answered = DirectJSON.transcode(bytes, schema: schema, into: &direct)
        XCTAssertEqual(Array(direct.prefix(6)), Array("prefix".utf8), "\(what): the output before was changed", file: file, line: line)
        guard answered else {
            XCTAssertEqual(direct.count, 6, "\(what): gave up but left output behind", file: file, line: line)
            return .gaveUp
        }
        let general = general(bytes, schema: schema)
        let text = String(decoding: bytes.prefix(400), as: UTF8.self)
        guard let general else {
            XCTFail("\(what): answered where the general path fails or warns:\n\(text)", file: file, line: line)
            return .direct
        }
        let got = String(decoding: direct.dropFirst(6), as: UTF8.self)
        XCTAssertEqual(got, String(decoding: general, as: UTF8.self), "\(what):\n\(text)", file: file, line: line)
        return .direct
    }

    /// Each construct the direct path takes, with the JSON YAML gives it (the YAML 1.2 spec's
    /// examples and go-yaml v2's resolve.go for the Kubernetes schema); each must be answered
    /// directly, and the general path must print the same.
    func testConstructsItTakes() {
        let cases: [(String, String)] = [
            ("a: b\n", #"{"a":"b"}"#),
            ("a: 1\nb: 1.50\nc: true\nd: ~\ne: null\nf: on\ng: 0x1F\nh: 017\ni: 1_000\nj: -.5\nk: 1e3\n",
             #"{"a":1,"b":1.5,"c":true,"d":null,"e":null,"f":true,"g":31,"h":15,"i":1000,"j":-0.5,"k":1000}"#),
            ("a:\nb: # nothing\nc: x\n", #"{"a":null,"b":null,"c":"x"}"#),
            ("a:\n  b:\n    c: d\n  e: f\ng: h\n", #"{"a":{"b":{"c":"d"},"e":"f"},"g":"h"}"#),
            ("a:\n- x\n- y\n- w\nb: z\n", #"{"a":["x",true,"w"],"b":"z"}"#),
            ("a:\n  - x\n  -\n  - - w\n    - z\n", #"{"a":["x",null,["w","z"]]}"#),
            ("- name: a\n  args:\n  - x\n  image: b\n-   name: c\n", #"[{"name":"a","args":["x"],"image":"b"},{"name":"c"}]"#),
            ("a: \"q \\\"x\\\" \\\\ \\n\\t\\/\"\nb: 'it''s # not a comment'\n", #"{"a":"q \"x\" \\ \n\t/","b":"it's # not a comment"}"#),
            ("\"k 1\": v\n'k 2' : v\n", #"{"k 1":"v","k 2":"v"}"#),
            ("a: http://x:80/y#z # comment\nb: a:b\n", #"{"a":"http://x:80/y#z","b":"a:b"}"#),
            ("a: {b: c, d: [1, \"2\", '3', {}], e: []}\n", #"{"a":{"b":"c","d":[1,"2","3",{}],"e":[]}}"#),
            ("a: |\n  line 1\n\n    indented\n  line 3\nb: x\n", #"{"a":"line 1\n\n  indented\nline 3\n","b":"x"}"#),
            ("a: |-\n  x\n\n\nb: |+\n  y\n\n\nc: >\n  one\n  two\n\n  three\nd: >-\n  z\n", #"{"a":"x","b":"y\n\n\n","c":"one two\nthree\n","d":"z"}"#),
            ("a: |\n\n  x\n", #"{"a":"\nx\n"}"#),
            ("# head\n---\na: 1\n--- # second\n- 2\n---\n---\nb: 3", "{\"a\":1}\n[2]\n{\"b\":3}"),
            ("  a: 1\n  b: 2\n", #"{"a":1,"b":2}"#),
            ("a: é ü\n", #"{"a":"é ü"}"#),
            ("kind: Deployment\n", #"{"kind":"Deployment"}"#),
            ("[a, b]\n", #"["a","b"]"#),
            ("a: -1\nb: -x\nc: ?y\nd: :z\n", #"{"a":-1,"b":"-x","c":"?y","d":":z"}"#),
        ]
        for (yaml, json) in cases {
            let bytes = Array(yaml.utf8)
            XCTAssertEqual(Self.agree(bytes, yaml), .direct, "not taken directly:\n\(yaml)")
            var output: [UInt8] = []
            _ = DirectJSON.transcode(bytes, schema: .kubernetes, into: &output)
            XCTAssertEqual(String(decoding: output, as: UTF8.self), json + "\n", yaml)
        }
    }

    /// What the direct path leaves to the general one: each must give up (and the general path
    /// then prints, warns or fails as before).
    func testConstructsItLeavesToTheGeneralPath() {
        let cases = [
            "a: &x 1\nb: *x\n", "a: !!str 1\n", "%YAML 1.2\n---\na: 1\n", "a: 1\n...\n", "? a\n: b\n",
            "<<: {a: 1}\n", "a: one\n  two\n", "a: \"one\n  two\"\n", "a: [1,\n  2]\n", "a:\tb\n", "a: b\r\n",
            "a: 1\na: 2\n", "kind: List\nitems: []\n", "kind: DeploymentList\nitems: []\n", "kind:\n  PodList\n", "just a scalar\n",
            "1: a\n", "on: push\n", "a: .inf\n", "a: |2\n   x\n", "a: |\n  x", "a: >\n  x\n    y\n", "a: b: c\n",
            "a: - b\n", "a: [b, ]\n", "a: {b}\n", "a: \"\\u00e9\"\n", "- a\n  - b\n", "a:\n  b: 1\n c: 2\n",
            "\u{FEFF}a: b\n", "a: \u{2028}\n", "a: 1 #c\n b: 2\n", "a: 'x'y\n", "a: b # c\nb\n",
            String(repeating: "[", count: 70) + String(repeating: "]", count: 70) + "\n",
        ]
        for yaml in cases {
            XCTAssertEqual(Self.agree(Array(yaml.utf8), yaml), .gaveUp, "taken directly:\n\(yaml)")
        }
    }

    /// Every case of the YAML test suite, under both schemas: the direct path answers only
    /// where the general path agrees byte for byte.
    func testYAMLTestSuiteAgrees() throws {
        let corpus = try Corpus.directory("yaml-test-suite", for: "the direct JSON path on the YAML test suite")
        let rows = try Corpus.readIndex(corpus.appendingPathComponent("index.tsv"))
        var direct = 0
        for row in rows {
            guard let id = row["id"], let input = FileManager.default.contents(atPath: corpus.appendingPathComponent(id).appendingPathComponent("in.yaml").path) else { continue }
            for schema in YAMLSchema.allCases where Self.agree(Array(input), schema: schema, "yaml-test-suite \(id) (\(schema))") == .direct {
                direct += 1
            }
        }
        print("direct JSON path: \(direct) of \(rows.count * 2) YAML test suite cases (both schemas) taken directly")
        XCTAssertGreaterThan(direct, 50)
    }

    /// The real manifests: most are taken directly, all agree; then mutations of them (a byte
    /// dropped, an indicator inserted, a line's indentation changed, a line repeated), seeded,
    /// which reach the edges where the direct path must give up.
    func testManifestsAndTheirMutationsAgree() throws {
        let corpus = try Corpus.directory("manifests", for: "the direct JSON path on the manifest corpus")
        let rows = try Corpus.readIndex(corpus.appendingPathComponent("index.tsv"))
        var inputs: [[UInt8]] = []
        var direct = 0
        for row in rows {
            guard let path = row["path"], let bytes = FileManager.default.contents(atPath: corpus.appendingPathComponent(path).path) else { continue }
            inputs.append(Array(bytes))
            if Self.agree(Array(bytes), "manifest \(path)") == .direct { direct += 1 }
        }
        print("direct JSON path: \(direct) of \(inputs.count) real manifests taken directly")
        XCTAssertGreaterThan(direct * 10, inputs.count * 8, "the direct path should take most real manifests")

        var random = SeededRandom(seed: 14)
        let small = inputs.filter { $0.count < 3000 && !$0.isEmpty }
        let inserts = Array(" :-#'\"|>[]{},\n&*!?%".utf8)
        var mutantsDirect = 0
        for round in 0..<3000 {
            var bytes = small[Int(random.next() % UInt64(small.count))]
            for _ in 0..<(1 + Int(random.next() % UInt64(3))) {
                let at = Int(random.next() % UInt64(bytes.count))
                switch Int(random.next() % UInt64(4)) {
                case 0: bytes.remove(at: at)
                case 1: bytes.insert(inserts[Int(random.next() % UInt64(inserts.count))], at: at)
                case 2:
                    // A line's indentation one more or one less.
                    var start = at
                    while start > 0 && bytes[start - 1] != 0x0A { start -= 1 }
                    if Int(random.next() % UInt64(2)) == 0 { bytes.insert(0x20, at: start) } else if bytes[start] == 0x20 { bytes.remove(at: start) }
                default:
                    var start = at
                    while start > 0 && bytes[start - 1] != 0x0A { start -= 1 }
                    var end = at
                    while end < bytes.count && bytes[end] != 0x0A { end += 1 }
                    bytes.insert(contentsOf: bytes[start..<min(end + 1, bytes.count)], at: start)
                }
                if bytes.isEmpty { break }
            }
            // Every other mutant under the core schema, whose syntax rules differ at the edges.
            let schema: YAMLSchema = round % 2 == 0 ? .kubernetes : .core
            if Self.agree(bytes, schema: schema, "mutant \(round) (\(schema))") == .direct { mutantsDirect += 1 }
        }
        print("direct JSON path: \(mutantsDirect) of 3000 mutants taken directly")
    }

    /// `render` maps a file and the direct path gives its pages back as it reads through; when
    /// it gives up at the last document, the general path reads the whole file again, from
    /// pages the kernel brings back from the file, and prints what it prints from memory.
    func testAMappedFileGivenBackThenReadTheGeneralWay() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("direct-json-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // 2.5 MB in 2,500 ConfigMaps, each with a kilobyte of text.
        let lines = String(repeating: "    a line of a file held in a ConfigMap, fifty-ish bytes\n", count: 17)
        var text = ""
        for n in 0..<2_500 {
            text += "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-\(n)}\ndata:\n  key: \"value \(n)\"\n  text: |\n" + lines
        }
        // A small file is read, not mapped.
        let small = directory.appendingPathComponent("small.yaml").path
        try "a: 1\n".write(toFile: small, atomically: true, encoding: .utf8)
        XCTAssertNil(try ManifestPaths.sources(for: [small], recursive: false, mapFiles: true).first?.mapped)
        let direct = text + "---\na: 1\n"
        let late = text + "---\na: &x 1\nb: *x\n"
        for (name, content, taken) in [("direct.yaml", direct, true), ("late.yaml", late, false)] {
            let path = directory.appendingPathComponent(name).path
            try content.write(toFile: path, atomically: true, encoding: .utf8)
            let sources = try ManifestPaths.sources(for: [path], recursive: false, mapFiles: true)
            let mapped = try XCTUnwrap(sources.first?.mapped, "a regular file is mapped")
            XCTAssertGreaterThan(mapped.buffer.count, 2 << 20)
            let (output, warnings) = try Render.render(sources, schema: .kubernetes, format: .json)
            XCTAssertEqual(warnings, [])
            XCTAssertEqual(output, Self.general(Array(content.utf8), schema: .kubernetes), name)
            var again: [UInt8] = []
            XCTAssertEqual(DirectJSON.transcode(Array(content.utf8), schema: .kubernetes, into: &again), taken, name)
            // Every page given back reads again as the file holds it.
            mapped.release(before: mapped.buffer.count)
            XCTAssertEqual(Array(mapped.buffer), Array(content.utf8), name)
        }
    }

    /// The character check, eight bytes at a time, against the bytes one by one: printable
    /// ASCII and line feeds pass, tabs, carriage returns, other controls and DEL do not, and
    /// bytes from 0x80 pass as valid UTF-8 only.
    func testCharacterCheckWordAtATimeAsByteByByte() {
        var random = SeededRandom(seed: 7)
        let pool: [UInt8] = [0x61, 0x20, 0x0A, 0x7E, 0x7F, 0x09, 0x0D, 0x00, 0x1F, 0xC3, 0xA9, 0x80, 0xFF]
        for round in 0..<20_000 {
            let length = Int(random.next() % 30)
            var bytes = [UInt8](repeating: 0x61, count: length)
            for _ in 0..<Int(random.next() % 3) where length > 0 {
                bytes[Int(random.next() % UInt64(length))] = pool[Int(random.next() % UInt64(pool.count))]
            }
            let asciiOK = bytes.allSatisfy { $0 >= 0x20 && $0 < 0x7F || $0 == 0x0A || $0 >= 0x80 }
            // Beyond ASCII, UTF-8 is the scanner's check (the word loop only decides what needs it).
            let expected = asciiOK && (bytes.allSatisfy { $0 < 0x80 } || bytes.withUnsafeBufferPointer { SourceText.firstBadCharacter(in: $0) == nil })
            XCTAssertEqual(bytes.withUnsafeBufferPointer { DirectJSON.acceptsCharacters($0) }, expected, "round \(round): \(bytes)")
        }
    }

    /// `Render.render` mixes the paths per source, in order, and keeps the general path's
    /// warnings and errors.
    func testRenderUsesBothPathsInOrder() throws {
        let sources = [
            ManifestSource(name: "a.yaml", bytes: Array("a: 1\n".utf8)),
            ManifestSource(name: "b.yaml", bytes: Array("b: &x 2\nc: *x\nb: 3\n".utf8)),
            ManifestSource(name: "c.yaml", bytes: Array("- d\n".utf8)),
        ]
        let (output, warnings) = try Render.render(sources, schema: .kubernetes, format: .json)
        XCTAssertEqual(String(decoding: output, as: UTF8.self), "{\"a\":1}\n{\"b\":3,\"c\":2}\n[\"d\"]\n")
        XCTAssertEqual(warnings.map(\.description), ["b.yaml:3:1: warning: duplicate key \"b\" (first at line 1, column 1); the last value wins"])
        XCTAssertThrowsError(try Render.render([sources[0], ManifestSource(name: "bad.yaml", bytes: Array("a: [\n".utf8))], schema: .kubernetes, format: .json))
    }
}

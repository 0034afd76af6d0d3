import Foundation
@testable import RolloutCore
import XCTest

/// The YAML and JSON writers: kubectl's layout and quoting, Go's number format, and a
/// round trip for every value in the corpus.
final class WriterTests: XCTestCase {
    func testYAMLStringStyles() {
        // As kubectl -o yaml quotes them (checked against kubectl 1.32 create configmap -o yaml).
        let cases: [(String, String)] = [
            ("plain", "plain"), ("123", "\"123\""), ("yes", "\"yes\""), ("null", "\"null\""), ("", "\"\""),
            ("x: y", "'x: y'"), ("  lead", "'  lead'"), ("tab\tx", "\"tab\\tx\""), ("0755", "\"0755\""),
            ("y", "\"y\""), ("1.10", "\"1.10\""), ("1:30", "\"1:30\""), ("- dash", "'- dash'"), ("-dash", "-dash"),
            ("#x", "'#x'"), ("a #b", "'a #b'"), ("a#b", "a#b"), ("it's", "it's"), ("'q'", "'''q'''"),
            ("*star", "'*star'"), ("<<", "\"<<\""), ("trailing ", "'trailing '"), ("café", "café"),
            ("bell\u{7}", "\"bell\\a\""), ("http://x:80", "http://x:80"), ("a,b[c]", "a,b[c]"),
        ]
        for (string, expected) in cases {
            XCTAssertEqual(YAMLWriter.string(.string(string)), expected + "\n", string)
        }
    }

    /// The writer's quick answers (printable ASCII, a first byte no schema looks twice at, byte
    /// loops) give the style the full rules give, kept here as they were written first: both
    /// schemas asked, then libyaml's plain-scalar rules on characters.
    func testQuickStylesAreTheFullRulesStyles() {
        func readsAsNonString(_ s: String) -> Bool {
            if s == "<<" || s == "=" { return true }
            if case .string = YAMLSchema.kubernetes.resolvePlain(s) {} else { return true }
            if case .string = YAMLSchema.core.resolvePlain(s) {} else { return true }
            guard let first = s.utf8.first, (first >= 0x30 && first <= 0x39) || first == UInt8(ascii: "-") || first == UInt8(ascii: "+") else { return false }
            let allowed = Set("0123456789:._-+TtZz ".utf8)
            return s.utf8.allSatisfy { allowed.contains($0) } && (s.contains(":") || s.filter({ $0 == "-" }).count >= 2)
        }
        func isPlainSafe(_ s: String) -> Bool {
            let bytes = Array(s.utf8)
            guard let first = bytes.first, let last = bytes.last else { return false }
            if first == 0x20 || last == 0x20 || last == UInt8(ascii: ":") { return false }
            if bytes.count >= 3 && (s.hasPrefix("---") || s.hasPrefix("...")) { return false }
            let second: UInt8 = bytes.count > 1 ? bytes[1] : 0x20
            if [UInt8(ascii: "-"), UInt8(ascii: "?"), UInt8(ascii: ":")].contains(first) && second == 0x20 { return false }
            if Array(",[]{}#&*!|>'\"%@`".utf8).contains(first) { return false }
            for i in 1..<bytes.count {
                if bytes[i] == UInt8(ascii: ":") && i + 1 < bytes.count && bytes[i + 1] == 0x20 { return false }
                if bytes[i] == UInt8(ascii: "#") && bytes[i - 1] == 0x20 { return false }
            }
            return true
        }
        func style(_ s: String, isKey: Bool) -> YAMLWriter.StringStyle {
            if s.isEmpty { return .doubleQuoted }
            var hasBreak = false, spaceBeforeBreak = false
            var previous: Unicode.Scalar = "\n"
            for scalar in s.unicodeScalars {
                if scalar == "\n" {
                    hasBreak = true
                    if previous == " " { spaceBeforeBreak = true }
                } else if YAMLWriter.doubleQuoted(String(scalar)) != "\"\(scalar)\"" && scalar != "\"" && scalar != "\\" {
                    return .doubleQuoted
                }
                previous = scalar
            }
            if hasBreak {
                let first = s.unicodeScalars.first
                return isKey || spaceBeforeBreak || first == " " || first == "\n" || previous == " " ? .doubleQuoted : .literal
            }
            if readsAsNonString(s) { return .doubleQuoted }
            return isPlainSafe(s) ? .plain : .singleQuoted
        }
        var strings = ["", " ", "<<", "=", "~", "-", "--", "---", "---x", "---\u{301}", "...", "...\u{301}x", ".", "..", "-.inf", "+.INF", ".nan", ".NaN",
                       "0o17", "0x1F", "0b101", "-0b1", "1_000", "1e5", "-1.5e-3", "+7", "007", "12:30:45", "2025-01-01", "2025-01-01T00:00:00Z",
                       "1 2", "1-2", "1-2-3", "-1-2", "+1:2", "9z", "Zulu", "yes", "No", "ON", "off", "y", "N", "true", "FALSE", "null", "NULL",
                       "Null", "nul", "nulls", "tru", "o", "of", "offf", "x: y", "x:y", "x:", ":x", ": x", "? x", "?x", "- x", "-x", "#x", "a #b",
                       "a#b", "'", "\"", "%x", "@x", "`x", "!x", "&x", "*x", "|", ">", "{}", "[]", ",", "café", "\u{1F600}", "e\u{301}",
                       "tab\tx", "line\nbreak", "trailing \nspace", "\nlead", "end\n", "bell\u{7}", "\u{85}", "\u{2028}", "\u{FEFF}x",
                       "K", "\u{212A}", "trailing ", " lead", "http://x:80/a#b", "nginx:1.27", "app.kubernetes.io/name", "10.42.0.7", "100m", "1Gi"]
        let alphabet = Array("09az.-+_: #'\"\n\tTZe~<=".unicodeScalars) + ["\u{301}", "\u{E9}", "\u{7}"]
        var seed: UInt64 = 0x9E3779B97F4A7C15
        for _ in 0..<20_000 {
            var text = ""
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            let length = Int(seed >> 60) % 7
            for _ in 0..<length {
                seed = seed &* 6364136223846793005 &+ 1442695040888963407
                text.unicodeScalars.append(alphabet[Int(seed >> 33) % alphabet.count])
            }
            strings.append(text)
        }
        for text in strings {
            for isKey in [false, true] {
                XCTAssertEqual(YAMLWriter.style(for: text, isKey: isKey), style(text, isKey: isKey), "\(text.debugDescription) key: \(isKey)")
            }
            XCTAssertEqual(YAMLWriter.readsAsNonString(text), readsAsNonString(text), text.debugDescription)
            XCTAssertEqual(YAMLWriter.isPlainSafe(text), isPlainSafe(text), text.debugDescription)
        }
    }

    /// A List written item by item (`get -o json|yaml` of many objects) is byte for byte the
    /// List written whole: no items, one, and many, nested and multi-line, in both layouts.
    func testAListWrittenItemByItemIsTheListWrittenWhole() throws {
        let item = try decodeOne("""
        kind: Pod
        apiVersion: v1
        metadata: {name: p, labels: {b: "2", a: "1"}}
        spec:
          containers:
          - name: app
            args: [a, "", "yes"]
            env: []
          script: |
            #!/bin/sh
            echo hi
        status: {}
        """)
        let other = try decodeOne("{kind: Pod, apiVersion: v1, metadata: {name: q}, spec: {nested: [[1, 2], [], {}], f: 1.5}}")
        let big = Value.object(Object(["data": .string(String(repeating: "x", count: 1000)), "more": other]))
        for items in [[], [item], [item, other, item], Array(repeating: big, count: 3000)] {
            let whole = Object(["apiVersion": .string("v1"), "items": .array(items), "kind": .string("List"),
                                "metadata": .object(Object(["resourceVersion": .string("")]))])
            var list = whole
            list["items"] = .array([])
            for style in [JSONWriter.Style.pretty, .compact] {
                var streamed: [UInt8] = [], chunks = 0
                try JSONWriter.write(list, streaming: "items", count: items.count, item: { items[$0] }, style: style) { streamed += $0; chunks += 1 }
                XCTAssertEqual(String(decoding: streamed, as: UTF8.self), try JSONWriter.string(.object(whole), style: style), "\(items.count) items, \(style)")
                if items.count == 3000 { XCTAssertGreaterThan(chunks, 1, "handed out as it piles up") }
            }
            var streamed: [UInt8] = []
            YAMLWriter.write(list, streaming: "items", count: items.count, item: { items[$0] }) { streamed += $0 }
            XCTAssertEqual(String(decoding: streamed, as: UTF8.self), YAMLWriter.string(.object(whole)), "\(items.count) items, yaml")
        }
    }

    func testYAMLLayoutGolden() throws {
        let value = try decodeOne("""
        kind: ConfigMap
        apiVersion: v1
        data:
          script: |
            #!/bin/sh
            echo hi
          strip: "no newline\\nat end"
          keep: "two\\n\\n"
          empty: {}
          none: []
        list:
          - a
          - [b, c]
          - {name: x, ports: [{port: 80}]}
          - {}
        replicas: 3
        ratio: 0.5
        big: 1e21
        missing: null
        """)
        try assertGolden(YAMLWriter.string(value), "writer-layout.golden.yaml")
    }

    func testJSONNumbersAsGoWritesThem() throws {
        let cases: [(Double, String)] = [
            (1, "1"), (0.5, "0.5"), (-2.25, "-2.25"), (1e21, "1e+21"), (1e20, "100000000000000000000"),
            (1e-7, "1e-7"), (0.000001, "0.000001"), (123456.789, "123456.789"), (1.5e300, "1.5e+300"), (-0.0, "-0"),
        ]
        for (number, expected) in cases {
            XCTAssertEqual(JSONWriter.formatFloat(number), expected, "\(number)")
        }
        XCTAssertThrowsError(try JSONWriter.string(.float(.infinity)))
    }

    func testJSONStylesAndEscapes() throws {
        let value = Value.object(Object(["s": .string("q\"\\\n\u{1}\u{2028}é"), "a": .array([.int(1), .null, .bool(false)]), "o": .object(Object())]))
        XCTAssertEqual(try JSONWriter.string(value), #"{"s":"q\"\\\n\u0001\u2028é","a":[1,null,false],"o":{}}"#)
        XCTAssertEqual(try JSONWriter.string(value, style: .pretty), """
        {
            "s": "q\\"\\\\\\n\\u0001\\u2028é",
            "a": [
                1,
                null,
                false
            ],
            "o": {}
        }
        """)
        XCTAssertEqual(try JSONReader.parse(try JSONWriter.string(value)), value)
    }

    /// For every value in the corpus, the emitted YAML reads back as the same value.
    /// A repeated key keeps its first place and takes the last value (as encoding/json
    /// unmarshals into a map, and as our Object replaces), however many members the object
    /// has: past 16 the reader looks keys up in a table instead of one by one.
    /// Strings are escaped eight bytes at a time where no byte needs a look (a string's last
    /// one to seven bytes as one word padded with spaces): the same output as
    /// escaping byte by byte (encoding/json's rules: `\"`, `\\`, `\n`, `\r`, `\t`, other controls
    /// as `\u00XX`, U+2028/U+2029 as `\u2028`/`\u2029`), for every special byte at every offset
    /// of strings of every length up to 24, and for 20,000 seeded strings.
    func testStringEscapesWordAtATimeAsByteByByte() throws {
        func reference(_ s: String) -> String {
            var out = "\""
            for scalar in s.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                case "\u{2028}": out += "\\u2028"
                case "\u{2029}": out += "\\u2029"
                default:
                    if scalar.value < 0x20 {
                        out += "\\u00" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
                    } else {
                        out.unicodeScalars.append(scalar)
                    }
                }
            }
            return out + "\""
        }
        let specials: [String] = ["\"", "\\", "\n", "\u{1}", "\u{1F}", "\u{2028}", "\u{2029}", "\u{2027}", "é", "\u{7F}", " "]
        for length in 0...24 {
            for offset in 0..<max(1, length) {
                for special in specials {
                    var s = String(repeating: "a", count: length)
                    if length > 0 {
                        let index = s.index(s.startIndex, offsetBy: offset)
                        s.replaceSubrange(index...index, with: special)
                    }
                    XCTAssertEqual(try JSONWriter.string(.string(s)), reference(s), "\(length) \(offset) \(special.debugDescription)")
                }
            }
        }
        var random = SeededRandom(seed: 2028)
        let alphabet: [String] = ["a", "Z", "0", " ", "\"", "\\", "\n", "\t", "\u{0}", "\u{1B}", "é", "\u{2028}", "\u{2029}", "€", "😀", "/", "<"]
        for _ in 0..<20_000 {
            let length = Int(random.next() % 40)
            let s = (0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }.joined()
            XCTAssertEqual(try JSONWriter.string(.string(s)), reference(s))
        }
        // The word test itself, against the bytes one by one.
        for _ in 0..<20_000 {
            var word = random.next()
            if random.next() % 2 == 0 {
                let shift = UInt64(random.next() % 8) * 8
                let byte: UInt64 = [0x00, 0x1F, 0x20, 0x21, 0x22, 0x23, 0x5B, 0x5C, 0x5D, 0xE1, 0xE2, 0xE3, 0x7F, 0x80][Int(random.next() % 14)]
                word = word & ~(0xFF << shift) | byte << shift
            }
            let expected = (0..<8).contains { k -> Bool in
                let b = UInt8(truncatingIfNeeded: word >> (UInt64(k) * 8))
                return b < 0x20 || b == 0x22 || b == 0x5C || b == 0xE2
            }
            XCTAssertEqual(JSONWriter.mayNeedEscaping(word), expected, String(word, radix: 16))
        }
    }

    func testRepeatedKeysInLargeObjectsAsInSmallOnes() throws {
        for size in [3, 16, 17, 18, 40, 5000] {
            var text = "{"
            for i in 0..<size { text += "\"k\(i)\": \(i), " }
            // Repeats of the first, a middle one, the last, and one past the table's start.
            text += "\"k0\": \"first\", \"k\(size / 2)\": \"middle\", \"k\(size - 1)\": \"last\", \"k\(min(size - 1, 17))\": \"past\", \"new\": true}"
            var expected = Object((0..<size).map { Object.Member(key: "k\($0)", value: .int($0)) })
            expected["k0"] = .string("first")
            expected["k\(size / 2)"] = .string("middle")
            expected["k\(size - 1)"] = .string("last")
            expected["k\(min(size - 1, 17))"] = .string("past")
            expected["new"] = .bool(true)
            XCTAssertEqual(try JSONReader.parse(text), .object(expected), "\(size) members")
        }
    }

    /// Writing with `keys: .sorted` is writing `sortingKeys()`'s copy, byte for byte: the same
    /// stable byte-wise order, repeated keys kept in the order given, in both styles and in a
    /// streamed List — over hand-made objects and every corpus document.
    func testSortedKeysAsWrittenAreSortingKeysWritten() throws {
        var values: [Value] = [
            .object(Object([Object.Member(key: "b", value: .int(1)), Object.Member(key: "a", value: .int(2)), Object.Member(key: "b", value: .int(3)),
                            Object.Member(key: "", value: .null), Object.Member(key: "é", value: .bool(true)), Object.Member(key: "Z", value: .string("z")),
                            Object.Member(key: "aa", value: .array([.object(Object(["y": .int(1), "x": .object(Object(["d": .int(1), "c": .int(2)]))])), .int(5)]))])),
            .object(Object()), .array([]), .string("x"), .object(Object(["a": .int(1), "b": .int(2)])),
        ]
        let corpus = try Corpus.directory("manifests", for: "sorted keys")
        for row in try Corpus.readIndex(corpus.appendingPathComponent("index.tsv")).prefix(300) {
            guard let path = row["path"] else { continue }
            let bytes = try Array(Data(contentsOf: corpus.appendingPathComponent(path)))
            values += try ManifestDecoder.decode([ManifestSource(name: path, bytes: bytes)], expandLists: false).documents.map(\.value)
        }
        XCTAssertGreaterThan(values.count, 300)
        for value in values {
            for style in [JSONWriter.Style.compact, .pretty] {
                XCTAssertEqual(try JSONWriter.string(value, style: style, keys: .sorted), try JSONWriter.string(value.sortingKeys(), style: style))
            }
            XCTAssertEqual(YAMLWriter.string(value), YAMLWriter.string(value.sortingKeys()))
        }
        for yaml in [false, true] {
            var streamed: [UInt8] = [], whole: [UInt8] = []
            try ObjectList.write(count: values.count, item: { values[$0] }, yaml: yaml) { streamed += $0 }
            let list = Value.object(ObjectList.object(values.map { $0.sortingKeys() }))
            whole = yaml ? Array(YAMLWriter.string(list).utf8) : Array((try JSONWriter.string(list, style: .pretty) + "\n").utf8)
            XCTAssertEqual(String(decoding: streamed, as: UTF8.self), String(decoding: whole, as: UTF8.self), yaml ? "yaml" : "json")
        }
    }

    func testYAMLRoundTripOverCorpus() throws {
        let corpus = try Corpus.directory("manifests", for: "the YAML round trip")
        let rows = try Corpus.readIndex(corpus.appendingPathComponent("index.tsv"))
        var checked = 0
        for row in rows {
            guard let path = row["path"] else { continue }
            let bytes = try Array(Data(contentsOf: corpus.appendingPathComponent(path)))
            let documents = try ManifestDecoder.decode([ManifestSource(name: path, bytes: bytes)], expandLists: false).documents
            for document in documents {
                let yaml = YAMLWriter.string(document.value)
                let reread = try ManifestDecoder.decode([ManifestSource(name: "emitted", bytes: Array(yaml.utf8))], expandLists: false).documents
                XCTAssertEqual(reread.count, 1, path)
                XCTAssert(valuesMatch(reread.first?.value ?? .null, document.value, keyOrderMatters: false), "\(path) does not round-trip:\n\(yaml.prefix(2000))")
                // Core schema readers (YAML 1.2) read the same values too.
                let core = try ManifestDecoder.decode([ManifestSource(name: "emitted", bytes: Array(yaml.utf8))], schema: .core, expandLists: false).documents
                XCTAssert(valuesMatch(core.first?.value ?? .null, document.value, keyOrderMatters: false), "\(path) reads differently under the core schema")
                checked += 1
            }
        }
        print("YAML round trip: \(checked) corpus documents read back identically")
        XCTAssertGreaterThan(checked, 2000)
    }
}

/// go-yaml's line breaking (`best_width` 80; `yaml_emitter_write_plain_scalar`,
/// `_single_quoted_scalar`, `_double_quoted_scalar` in sigs.k8s.io/yaml's goyaml.v2), which
/// kubectl's `-o yaml` keeps. Expected texts are what kubectl 1.32 printed for the same values
/// (`kubectl create configmap … --dry-run=client -o yaml`, and `get pod -o yaml` through
/// kubectl-oracle); 300 random strings of spaces, quotes, escapes and non-ASCII words matched
/// it byte for byte when this was written.
final class YAMLLineBreakTests: XCTestCase {
    func testLongScalarsBreakAsKubectlPrintsThem() {
        let data = Object([
            "a": .string("this is a long value with many words that goes past the eighty column limit of the emitter for sure yes"),
            "b": .string("it's a 'quoted' value: with colon-space so single quoted and long enough to pass eighty columns for sure ok"),
            "c": .string("tab\there and a long value with many words that goes past the eighty column limit of the emitter for sure"),
            "d": .string("word  double  spaces in a long value with many words that goes past the eighty column limit of it"),
            "e": .string("averyveryveryveryveryveryveryveryveryveryveryveryveryverylongwordwithoutspaces andthenmorewordsafterwards here"),
        ])
        XCTAssertEqual(YAMLWriter.string(.object(Object(["data": .object(data)]))), """
        data:
          a: this is a long value with many words that goes past the eighty column limit of
            the emitter for sure yes
          b: 'it''s a ''quoted'' value: with colon-space so single quoted and long enough
            to pass eighty columns for sure ok'
          c: "tab\\there and a long value with many words that goes past the eighty column
            limit of the emitter for sure"
          d: word  double  spaces in a long value with many words that goes past the eighty
            column limit of it
          e: averyveryveryveryveryveryveryveryveryveryveryveryveryverylongwordwithoutspaces
            andthenmorewordsafterwards here

        """)
        // In lists and nested maps: two past the dash or the key; characters, not bytes.
        let container = Object([
            "args": .array([.string("this is a long argument with many words that goes past the eighty column limit of the emitter for sure yes and more words to wrap twice over the limit again and again")]),
            "env": .array([
                .object(Object(["name": .string("YY"), "value": .string("ünïcödé wörds ärë cöüntëd äs rünës nöt bytës sö thïs lïnë wräps lätër thän ä bytë cöünt wöüld")])),
                .object(Object(["name": .string("ZZ"), "value": .string("trailing space at the break point             x y z a b c d e f g h i j k l m n o p q r s t u v w")])),
            ]),
        ])
        XCTAssertEqual(YAMLWriter.string(.object(Object(["spec": .object(Object(["containers": .array([.object(container)])]))]))), """
        spec:
          containers:
          - args:
            - this is a long argument with many words that goes past the eighty column limit
              of the emitter for sure yes and more words to wrap twice over the limit again
              and again
            env:
            - name: YY
              value: ünïcödé wörds ärë cöüntëd äs rünës nöt bytës sö thïs lïnë wräps lätër
                thän ä bytë cöünt wöüld
            - name: ZZ
              value: trailing space at the break point             x y z a b c d e f g h i
                j k l m n o p q r s t u v w

        """)
        // A key never breaks; a literal block is left as it is.
        let key = String(repeating: "k ", count: 50) + "end"
        XCTAssertEqual(YAMLWriter.string(.object(Object([key: .string("v")]))), "\(key): v\n")
        let line = (1...8).map { "echo hello world \($0)" }.joined(separator: " ")
        XCTAssertEqual(YAMLWriter.string(.object(Object(["s": .string(line + "\nnext\n")]))), "s: |\n  \(line)\n  next\n")
        // A space before a line break makes it double-quoted, and that breaks.
        XCTAssertEqual(YAMLWriter.string(.object(Object(["data": .object(Object(["s": .string(String(repeating: "echo hello world ", count: 5) + "\nnext")]))]))), """
        data:
          s: "echo hello world echo hello world echo hello world echo hello world echo hello
            world \\nnext"

        """)
    }

    // Whatever breaks, reads back as the same string.
    func testBrokenScalarsReadBackUnchanged() throws {
        var random = SplitMix64(seed: 80)
        let words = ["a", "bb", "ccc", "dddd", "it's", "'q'", "x#", "ü", "wörd", "tab\tx", "  ", "\"dq\"", "back\\slash", "hh:", String(repeating: "long", count: 12)]
        for _ in 0..<300 {
            let count = Int(random.next() % 36) + 5
            var text = (0..<count).map { _ in words[Int(random.next() % UInt64(words.count))] }.joined(separator: " ")
            if random.next() % 5 == 0 { text += " " }
            let written = YAMLWriter.string(.object(Object(["data": .object(Object(["key": .string(text)]))])))
            let read = try ManifestDecoder.decode([ManifestSource(name: "w.yaml", bytes: Array(written.utf8))]).documents.first?.value
            XCTAssertEqual(read?.at("data", "key"), .string(text), written)
        }
    }
}

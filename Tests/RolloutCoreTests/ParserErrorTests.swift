import RolloutCore
import XCTest

/// Every error names file:line:column, shows the line with a caret, and says what was expected.
final class ParserErrorTests: XCTestCase {
    func testErrorMessages() {
        let cases: [(name: String, yaml: String, line: Int, column: Int, message: String)] = [
            ("bad indentation", "a:\n  b: 1\n   c: 2\n", 3, 5, "mapping values are not allowed here"),
            ("over-indented key", "spec:\n  a: 1\n    b: 2\n", 3, 6, "the key would span several lines"),
            ("list item out of place", "a:\n  b: 1\n - c\n", 3, 2, "indented more than the mapping whose keys start at column 1"),
            ("tab indentation", "a:\n\tb: 1\n", 2, 1, "tab character where indentation is expected"),
            ("unclosed flow", "a: [1, 2\n", 2, 1, "expected ']'"),
            ("unclosed quote", "a: \"abc\n", 1, 4, "closing double quote"),
            ("bad escape", "a: \"\\q\"\n", 1, 5, "unknown escape sequence"),
            ("undefined alias", "a: *nope\n", 1, 4, "undefined alias '*nope'"),
            ("reserved character", "a: @x\n", 1, 4, "reserved character '@'"),
            ("missing colon", "a: 1\nb\n", 2, 1, "could not find expected ':'"),
            ("content after ...", "a: 1\n... x\n", 2, 5, "did not expect content after the document end marker"),
            ("comment glued to value", "a: \"x\"# c\n", 1, 7, "comment must be separated"),
            ("undefined tag handle", "a: !e!x 1\n", 1, 4, "undefined tag handle '!e!'"),
            ("two anchors", "a: &x &y 1\n", 1, 7, "only one anchor"),
            ("bad int tag", "a: !!int abc\n", 1, 4, "cannot read 'abc' as !!int"),
        ]
        for c in cases {
            do {
                _ = try decodeOne(c.yaml)
                XCTFail("\(c.name): accepted")
            } catch let error as YAMLError {
                XCTAssertEqual(error.location.file, "test.yaml", c.name)
                XCTAssertEqual(error.location.line, c.line, "\(c.name): \(error)")
                XCTAssertEqual(error.location.column, c.column, "\(c.name): \(error)")
                XCTAssert(error.message.contains(c.message), "\(c.name): \(error.message)")
            } catch {
                XCTFail("\(c.name): \(error)")
            }
        }
    }

    func testErrorShowsLineAndCaret() {
        XCTAssertThrowsError(try decodeOne("name: web\nports: [80, 81\n")) { error in
            XCTAssertEqual(String(describing: error), "test.yaml:3:1: unexpected end of stream inside a flow collection; expected ']'\n  \n  ^")
        }
        XCTAssertThrowsError(try decodeOne("a: 1\n  b: 2\n")) { error in
            XCTAssertEqual(String(describing: error), """
            test.yaml:2:4: mapping values are not allowed here: the key would span several lines; check the indentation of this line and the one above
                b: 2
                 ^
            """)
        }
    }

    func testInvalidUTF8AndControlCharacters() {
        let cases: [(bytes: [UInt8], line: Int, column: Int, message: String)] = [
            (Array("a: ".utf8) + [0xFF] + Array("\n".utf8), 1, 4, "invalid UTF-8"),
            (Array("a: b\nc: ".utf8) + [0xC3], 2, 4, "truncated UTF-8"),
            (Array("a: ".utf8) + [0xED, 0xA0, 0x80], 1, 4, "invalid UTF-8"),
            (Array("a: x".utf8) + [0x00], 1, 5, "control character U+00"),
            (Array("a: x".utf8) + [0x07], 1, 5, "control character U+07"),
        ]
        for c in cases {
            XCTAssertThrowsError(try YAMLParser.parse(c.bytes, file: "bin.yaml")) { error in
                guard let error = error as? YAMLError else { return XCTFail("\(error)") }
                XCTAssertEqual(error.location.line, c.line, error.description)
                XCTAssertEqual(error.location.column, c.column, error.description)
                XCTAssert(error.message.contains(c.message), error.message)
            }
        }
    }
}

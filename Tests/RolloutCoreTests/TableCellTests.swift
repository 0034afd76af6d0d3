import Foundation
import XCTest
@testable import RolloutCore

/// A table cell as kubectl 1.32's printTable (`cli-runtime/pkg/printers/tableprinter.go`) writes
/// it: cut at its first `\n`, `\r` or form feed with `...` after it (a multi-line event message —
/// an exec probe's output — shows its first line), ESC as `^[` (`WriteEscaped`); the store's own
/// separators and tabs as spaces (they would break the row file or the columns).
final class TableCellTests: XCTestCase {
    func testCellsAreCutAtTheirFirstLineBreak() {
        let cases: [(String, String)] = [
            ("plain", "plain"),
            ("first\nsecond", "first..."),
            ("windows\r\nline", "windows..."),
            ("feed\u{0C}page", "feed..."),
            ("trailing\n", "trailing..."),
            ("a\tb", "a b"),
            ("sep\u{1F}x\u{01}y\u{02}z", "sep x y z"),
            ("\nleading", "..."),
        ]
        for (input, expected) in cases {
            var text = input
            let cut = text.withUTF8 { ListingRow.tableCell($0) }
            XCTAssertEqual(String(decoding: cut, as: UTF8.self), expected, input.debugDescription)
        }
    }

    /// End to end: an imported event whose message has several lines (and one with a tab and a
    /// CR LF) is listed by `get events` as kubectl lists it (the bytes kubectl 1.32 printed for
    /// these events through `serve` when this was written).
    func testGetEventsShowsAMultiLineMessagesFirstLine() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: RolloutRun.binary.path), "rollout binary not built")
        let s = try Scratch(self)
        let event = { (name: String, reason: String, message: String) in
            """
            - apiVersion: v1
              kind: Event
              metadata: {name: \(name), namespace: default, creationTimestamp: "2025-03-01T00:00:00Z"}
              involvedObject: {kind: Pod, name: p1, namespace: default}
              reason: \(reason)
              type: Warning
              message: "\(message)"
              firstTimestamp: "2025-03-01T00:00:00Z"
              lastTimestamp: "2025-03-01T00:00:00Z"
              count: 1
            """
        }
        let dump = try s.write("apiVersion: v1\nkind: List\nitems:\n" + event("p1.1", "Unhealthy", "Readiness probe failed: cat: /tmp/healthy: No such file\\ntail line\\n")
                               + "\n" + event("p1.2", "Odd", "a\\tb\\r\\nc") + "\n", "dump.yaml")
        XCTAssertEqual(try s.run("cluster", "import", "-f", dump).status, 0)
        XCTAssertEqual(try s.run("get", "events").stdout, """
            LAST SEEN   TYPE      REASON      OBJECT   MESSAGE
            0s          Warning   Unhealthy   pod/p1   Readiness probe failed: cat: /tmp/healthy: No such file...
            0s          Warning   Odd         pod/p1   a b...

            """)
        // `events` (printOneEvent): the message whole, trimmed, through EscapeTerminal (CR as
        // `\r`); its tab starts a cell and its newline a line, the columns kept across it (the
        // tab writer's RememberWidths) — as kubectl 1.32 printed it.
        XCTAssertEqual(try s.run("events").stdout, """
            LAST SEEN   TYPE      REASON      OBJECT   MESSAGE
            0s          Warning   Unhealthy   Pod/p1   Readiness probe failed: cat: /tmp/healthy: No such file
            tail line
            0s          Warning   Odd         Pod/p1   a     b\\r
            c

            """)
    }
}

import Foundation
import RolloutCore
import XCTest

/// Quantities, durations, int-or-percent, selectors, names, timestamps and ages: the small
/// value types every rule is built on.
final class ResourceValueTests: XCTestCase {
    func testQuantities() {
        let cases: [(text: String, milli: Int?, value: Int?)] = [
            ("100m", 100, 1), ("1", 1000, 1), ("1.5", 1500, 2), ("0.1", 100, 1), ("250m", 250, 1),
            ("128Mi", 134_217_728_000, 134_217_728), ("1Gi", 1_073_741_824_000, 1_073_741_824), ("2k", 2_000_000, 2000),
            ("1e3", 1_000_000, 1000), ("1E-3", 1, 1), ("500u", 1, 1), ("+3", 3000, 3), ("-1", -1000, -1), ("1.5Gi", nil, 1_610_612_736),
            ("", nil, nil), ("2 cores", nil, nil), ("1.2.3", nil, nil), ("1Xi", nil, nil), ("m", nil, nil), ("99999999999999999999", nil, nil),
            // Every suffix `resource.Quantity` reads (suffix.go): binary powers of 1024, decimal powers of ten.
            ("1Ki", 1_024_000, 1_024), ("1Mi", 1_048_576_000, 1_048_576), ("1Ti", nil, 1 << 40), ("1Pi", nil, 1 << 50), ("1Ei", nil, 1 << 60),
            ("1n", 1, 1), ("3M", 3_000_000_000, 3_000_000), ("2G", nil, 2_000_000_000), ("1T", nil, 1_000_000_000_000),
            ("1P", nil, 1_000_000_000_000_000), ("1E", nil, 1_000_000_000_000_000_000), ("1Zi", nil, nil), ("1K", nil, nil), ("1mi", nil, nil),
        ]
        for c in cases {
            let q = Quantity(c.text)
            if c.value == nil {
                XCTAssertNil(q, c.text)
                continue
            }
            XCTAssertEqual(q?.integerValue, c.value, c.text)
            if let milli = c.milli { XCTAssertEqual(q?.milliValue, milli, c.text) }
        }
        XCTAssertEqual(Quantity("100m"), Quantity("0.1"))
        XCTAssertEqual(Quantity("1Ki")?.compare(Quantity("1k")!), 1)
        XCTAssertEqual(Quantity("1Gi")?.description, "1Gi", "printed as written")
    }

    func testDurations() {
        let cases: [(String, Int?)] = [
            ("5s", 5000), ("1m30s", 90_000), ("250ms", 250), ("1.5h", 5_400_000), ("0", 0), ("2h45m", 9_900_000),
            ("1us", 0), ("-3s", -3000), ("", nil), ("5", nil), ("5 s", nil), ("s", nil), ("1d", nil), (".s", nil),
        ]
        for (text, ms) in cases {
            XCTAssertEqual(Duration(parsing: text)?.milliseconds, ms, text)
        }
        XCTAssertEqual(Duration(milliseconds: 90_000).description, "1m30s")
        XCTAssertEqual(Duration(milliseconds: 1500).description, "1.5s")
        XCTAssertEqual(Duration(milliseconds: 3_600_000).description, "1h0m0s")
    }

    func testIntOrPercentScaling() {
        // deployment_util_test.go's ResolveFenceposts rounding: surge rounds up, unavailable down.
        let cases: [(IntOrString, Int, Bool, Int?)] = [
            (.string("25%"), 10, true, 3), (.string("25%"), 10, false, 2), (.string("25%"), 1, true, 1), (.string("25%"), 1, false, 0),
            (.int(3), 10, true, 3), (.string("0%"), 5, true, 0), (.string("100%"), 7, false, 7), (.string("abc"), 5, true, nil), (.string("5"), 5, true, nil),
        ]
        for (value, total, up, expected) in cases {
            XCTAssertEqual(value.scaled(total: total, roundUp: up), expected, "\(value) of \(total)")
        }
    }

    func testLabelSelectors() throws {
        let labels = ["app": "web", "tier": "front", "env": "prod"]
        let cases: [(String, Bool)] = [
            ("app=web", true), ("app==web", true), ("app!=web", false), ("app=web,tier=front", true), ("app=web,tier=back", false),
            ("env in (prod,staging)", true), ("env notin (prod)", false), ("tier", true), ("!tier", false), ("missing", false),
            ("!missing", true), ("missing!=x", true), ("", true),
        ]
        for (text, expected) in cases {
            XCTAssertEqual(try LabelSelector.parse(text).matches(labels), expected, text)
        }
        for bad in ["a in (b", "a b c", "in (x)", "=x"] {
            XCTAssertThrowsError(try LabelSelector.parse(bad), bad)
        }
        XCTAssertEqual(try LabelSelector.parse("b=2,a in (x,y)").description, "b=2,a in (x,y)")
    }

    func testNames() {
        XCTAssertTrue(Validation.isDNS1123Subdomain("web.example-1"))
        XCTAssertFalse(Validation.isDNS1123Subdomain("Web"))
        XCTAssertFalse(Validation.isDNS1123Subdomain("web-"))
        XCTAssertFalse(Validation.isDNS1123Subdomain(String(repeating: "a", count: 254)))
        XCTAssertTrue(Validation.isDNS1123Label("a1-b"))
        XCTAssertFalse(Validation.isDNS1123Label("a.b"))
        XCTAssertFalse(Validation.isDNS1123Label(String(repeating: "a", count: 64)))
        XCTAssertTrue(Validation.isDNS1035Label("web"))
        XCTAssertFalse(Validation.isDNS1035Label("1web"))
        XCTAssertTrue(Validation.isQualifiedName("app.kubernetes.io/name"))
        XCTAssertFalse(Validation.isQualifiedName("a/b/c"))
        XCTAssertFalse(Validation.isQualifiedName("-x"))
        XCTAssertTrue(Validation.isLabelValue(""))
        XCTAssertTrue(Validation.isLabelValue("v1.2_3"))
        XCTAssertFalse(Validation.isLabelValue("has space"))
        XCTAssertTrue(Validation.isPortName("http-alt"))
        XCTAssertFalse(Validation.isPortName("8080"))
        XCTAssertFalse(Validation.isPortName("a--b"))
        XCTAssertFalse(Validation.isPortName("sixteen-chars-xx"))
        // IsValidPortName's messages, every rule broken one each, in its order.
        XCTAssertEqual(Validation.portNameErrors("http-alt"), [])
        XCTAssertEqual(Validation.portNameErrors("8080"), ["must contain at least one letter (a-z)"])
        XCTAssertEqual(Validation.portNameErrors("HTTP_1"), ["must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)", "must contain at least one letter (a-z)"])
        XCTAssertEqual(Validation.portNameErrors(""), ["must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)", "must contain at least one letter (a-z)"])
        XCTAssertEqual(Validation.portNameErrors("-a--very-long-name-"), ["must be no more than 15 characters", "must not contain consecutive hyphens", "must not begin or end with a hyphen"])
    }

    /// The name rules are upstream's regular expressions and lengths
    /// (`k8s.io/apimachinery/pkg/util/validation/validation.go`: IsDNS1123Label,
    /// IsDNS1123Subdomain, IsValidLabelValue, IsQualifiedName), on random strings of the
    /// characters that matter: cases, digits, `-`, `.`, `_`, `/`, a space, a letter outside
    /// ASCII; short ones, and long ones around the 63 and 253 limits.
    func testNameRulesAreUpstreamsExpressions() throws {
        func matcher(_ pattern: String) throws -> (String) -> Bool {
            let regex = try NSRegularExpression(pattern: "^(?:" + pattern + ")$")
            return { s in regex.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil }
        }
        let label = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
        let dns1123Label = try matcher(label)
        let dns1123Subdomain = try matcher(label + "(\\." + label + ")*")
        let qualifiedName = try matcher("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]")
        let labelValue = try matcher("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?")
        func isQualifiedName(_ s: String) -> Bool {
            let parts = s.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard parts.count <= 2, let name = parts.last else { return false }
            if parts.count == 2 && !(!parts[0].isEmpty && parts[0].utf8.count <= 253 && dns1123Subdomain(parts[0])) { return false }
            return !name.isEmpty && name.utf8.count <= 63 && qualifiedName(name)
        }
        var random = SeededRandom(seed: 47)
        let alphabet = ["a", "z", "0", "9", "A", "-", ".", "_", "/", " ", "é"]
        var valid = (label: 0, subdomain: 0, value: 0, qualified: 0)
        /// `count` characters drawn from `chars`, first and last from `ends`.
        func run(_ count: Int, _ chars: [String], ends: [String]) -> String {
            (0..<count).map { i in (i == 0 || i == count - 1 ? ends : chars)[Int.random(in: 0..<(i == 0 || i == count - 1 ? ends : chars).count, using: &random)] }.joined()
        }
        func subdomain(_ total: Int) -> String {
            var labels: [String] = []
            while labels.joined(separator: ".").utf8.count < total { labels.append(run(Int.random(in: 1..<30, using: &random), ["a", "0", "-"], ends: ["a", "0"])) }
            return labels.joined(separator: ".")
        }
        for round in 0..<6_000 {
            var s: String
            switch round % 4 {
            case 0: s = run(Int.random(in: 0..<12, using: &random), alphabet, ends: alphabet)
            case 1: s = subdomain(Int.random(in: 230..<262, using: &random))
            case 2: s = subdomain(Int.random(in: 1..<40, using: &random)) + "/" + run(Int.random(in: 1..<66, using: &random), ["a", "A", "0", "-", "_", "."], ends: ["a", "Z", "9"])
            default: s = run(Int.random(in: 55..<70, using: &random), ["a", "A", "0", "-", "_", "."], ends: ["a", "Z", "9"])
            }
            // One time in three, one character replaced by any of them.
            if !s.isEmpty && Int.random(in: 0..<3, using: &random) == 0 {
                var characters = Array(s)
                characters[Int.random(in: 0..<characters.count, using: &random)] = Character(alphabet[Int.random(in: 0..<alphabet.count, using: &random)])
                s = String(characters)
            }
            let count = s.utf8.count
            XCTAssertEqual(Validation.isDNS1123Label(s), count <= 63 && dns1123Label(s), s)
            XCTAssertEqual(Validation.isDNS1123Subdomain(s), count <= 253 && dns1123Subdomain(s), s)
            XCTAssertEqual(Validation.isLabelValue(s), count <= 63 && labelValue(s), s)
            XCTAssertEqual(Validation.isQualifiedName(s), isQualifiedName(s), s)
            valid.label += dns1123Label(s) && count <= 63 ? 1 : 0
            valid.subdomain += dns1123Subdomain(s) && count > 63 ? 1 : 0
            valid.value += labelValue(s) && count > 0 ? 1 : 0
            valid.qualified += isQualifiedName(s) && s.contains("/") ? 1 : 0
        }
        // Each rule is met often enough to be tested both ways (long subdomains included).
        XCTAssertGreaterThan(valid.label, 50)
        XCTAssertGreaterThan(valid.subdomain, 20)
        XCTAssertGreaterThan(valid.value, 200)
        XCTAssertGreaterThan(valid.qualified, 20)
    }

    func testTimestamps() {
        XCTAssertEqual(Timestamp.clusterEpoch.description, "2025-01-01T00:00:00Z")
        XCTAssertEqual(Timestamp.clusterEpoch.rfc1123, "Wed, 01 Jan 2025 00:00:00 +0000")
        let cases = ["1970-01-01T00:00:00Z", "2000-02-29T12:34:56Z", "2024-12-31T23:59:59Z", "2100-03-01T00:00:00Z", "1969-07-20T20:17:40Z"]
        for text in cases {
            XCTAssertEqual(Timestamp(parsing: text)?.description, text)
        }
        XCTAssertEqual(Timestamp(parsing: "2025-01-01T00:00:01.5Z")?.milliseconds, Timestamp.clusterEpoch.milliseconds + 1500)
        // Written in seconds (metav1.Time's RFC 3339): milliseconds are dropped, towards the
        // past before 1970 too; the first and last instants of four-digit years.
        XCTAssertEqual(Timestamp(milliseconds: 1999).description, "1970-01-01T00:00:01Z")
        XCTAssertEqual(Timestamp(milliseconds: -1).description, "1969-12-31T23:59:59Z")
        XCTAssertEqual(Timestamp(milliseconds: -62_135_596_800_000).description, "0001-01-01T00:00:00Z")
        XCTAssertEqual(Timestamp(milliseconds: 253_402_300_799_999).description, "9999-12-31T23:59:59Z")
        // Every second of a leap day and of a year's last day, and a spread of other times,
        // read back as written.
        var random = SeededRandom(seed: 1970)
        var instants = (0..<86_400).flatMap { [951_782_400 + $0, 1_735_603_200 + $0] }
        instants += (0..<20_000).map { _ in Int(random.next() % 253_402_300_800) - 62_135_596_800 }
        for seconds in instants {
            let text = Timestamp(milliseconds: seconds * 1000 + 999).description
            XCTAssertEqual(Timestamp(parsing: text)?.milliseconds, seconds * 1000, text)
        }
        XCTAssertNil(Timestamp(parsing: "2025-13-01T00:00:00Z"))
        XCTAssertNil(Timestamp(parsing: "yesterday"))
        // A fraction of any length, read to the millisecond as Go's time.Parse reads it to the
        // nanosecond (time/format.go parseNanoseconds drops digits past the ninth): 20 digits
        // once overflowed the reader (`cluster import` of such an object stopped the process).
        let epoch = Timestamp.clusterEpoch.milliseconds
        let fractions: [(String, Int?)] = [
            ("1", 100), ("12", 120), ("123", 123), ("1239", 123), ("999999999", 999), ("99999999999999999999", 999),
            (String(repeating: "9", count: 400), 999), ("000000000000000000000001", 0), ("", nil), ("1a", nil), ("12345678901234567890x", nil),
        ]
        for (fraction, millis) in fractions {
            XCTAssertEqual(Timestamp(parsing: "2025-01-01T00:00:00.\(fraction)Z")?.milliseconds, millis.map { epoch + $0 }, fraction)
        }
    }

    func testHumanDurationMatchesKubectl() {
        // k8s.io/apimachinery/pkg/util/duration: duration_test.go's table.
        let cases: [(Int, String)] = [
            (-2, "<invalid>"), (0, "0s"), (1, "1s"), (119, "119s"), (120, "2m"), (150, "2m30s"), (600, "10m"), (179 * 60, "179m"),
            (3 * 3600, "3h"), (3 * 3600 + 60, "3h1m"), (8 * 3600, "8h"), (47 * 3600, "47h"), (48 * 3600, "2d"), (49 * 3600, "2d1h"),
            (8 * 86400, "8d"), (367 * 86400, "367d"), (730 * 86400, "2y"), (731 * 86400, "2y1d"), (8 * 365 * 86400, "8y"),
        ]
        for (seconds, text) in cases {
            XCTAssertEqual(humanDuration(milliseconds: seconds * 1000), text, "\(seconds)s")
        }
    }

    func testTabWriterAlignsLikeGo() {
        var table = TabWriter()
        table.add(["NAME", "READY", "AGE"])
        table.add(["a-much-longer-name", "1/1", "5s"])
        // minwidth 6, padding 3 (cli-runtime GetNewTabWriter), as kubectl-oracle's `get` shows.
        XCTAssertEqual(table.render(), "NAME                 READY   AGE\na-much-longer-name   1/1     5s\n")
        // Blocks: a line without a tab ends the column block above it.
        var describe = TabWriter(minWidth: 0, padding: 2)
        describe.write("Name:\tweb\nLong Label:\tx\nTemplate:\n  Labels:\tapp=web\n")
        XCTAssertEqual(describe.render(), "Name:        web\nLong Label:  x\nTemplate:\n  Labels:  app=web\n")
    }

    /// `write` splits at the bytes `\t` and `\n`, as Go's tabwriter does: the lines and cells
    /// String's split gave (kept here as the reference) for any text without a CR LF, and for
    /// a CR LF a line ending at the LF with the CR in its last cell.
    func testTabWriterSplitsTextAtTabAndNewlineBytes() {
        func reference(_ text: String) -> String {
            var writer = TabWriter(minWidth: 0, padding: 2)
            var parts = text.split(separator: "\n", omittingEmptySubsequences: false)
            if parts.last == "" { parts.removeLast() }
            for line in parts { writer.add(line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)) }
            return writer.render()
        }
        let alphabet: [Unicode.Scalar] = ["a", "b", " ", "\t", "\n", "é", "\u{301}", "\u{1F600}", ":"]
        var texts = ["", "a", "a\n", "a\n\n", "\n", "\t", "a\n\t", "\t\t\n", "x\ty\nlong cell\tz\n  nested\n"]
        var seed: UInt64 = 42
        for _ in 0..<3_000 {
            var text = ""
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            for _ in 0..<Int(seed >> 59) {
                seed = seed &* 6364136223846793005 &+ 1442695040888963407
                text.unicodeScalars.append(alphabet[Int(seed >> 33) % alphabet.count])
            }
            texts.append(text)
        }
        for text in texts {
            var writer = TabWriter(minWidth: 0, padding: 2)
            writer.write(text)
            XCTAssertEqual(writer.render(), reference(text), text.debugDescription)
        }
        var crlf = TabWriter(minWidth: 0, padding: 2)
        crlf.write("a\tb\r\ncc\td\n")
        XCTAssertEqual(crlf.render(), "a   b\r\ncc  d\n")
    }
}

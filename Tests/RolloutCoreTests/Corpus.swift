import Foundation
import RolloutCore
import XCTest

/// Locates `../shared/corpus` beside the package; nil (and the tests skip, saying so) when absent.
enum Corpus {
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var root: URL? {
        if let override = ProcessInfo.processInfo.environment["ROLLOUT_CORPUS"] {
            return URL(fileURLWithPath: override)
        }
        let url = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus")
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }

    /// A folder of the corpus; when absent the test is skipped with a visible message.
    static func directory(_ name: String, for what: String) throws -> URL {
        guard let url = root?.appendingPathComponent(name), FileManager.default.fileExists(atPath: url.path) else {
            print("SKIPPED: ../shared/corpus/\(name) is absent; \(what) was not checked")
            throw XCTSkip("corpus absent")
        }
        return url
    }

    /// Rows of a tab-separated index with a header line, as dictionaries.
    static func readIndex(_ url: URL) throws -> [[String: String]] {
        let text = try String(contentsOf: url, encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        guard !lines.isEmpty else { return [] }
        let header = lines.removeFirst().split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        return lines.map { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            var row: [String: String] = [:]
            for (i, name) in header.enumerated() { row[name] = i < fields.count ? fields[i] : "" }
            return row
        }
    }

    static func fixture(_ name: String) -> URL {
        packageRoot.appendingPathComponent("Tests/RolloutCoreTests/Fixtures").appendingPathComponent(name)
    }
}

/// Value equality for conformance checks: numbers compare by value (Python writes `1.0`, Go `1`),
/// NaN equals NaN.
func valuesMatch(_ a: Value, _ b: Value, keyOrderMatters: Bool = true) -> Bool {
    switch (a, b) {
    case (.int(let x), .int(let y)): return x == y
    case (.float(let x), .float(let y)): return x == y || (x.isNaN && y.isNaN)
    case (.int(let x), .float(let y)), (.float(let y), .int(let x)): return Double(x) == y
    case (.array(let x), .array(let y)):
        return x.count == y.count && zip(x, y).allSatisfy { valuesMatch($0, $1, keyOrderMatters: keyOrderMatters) }
    case (.object(let x), .object(let y)):
        guard x.count == y.count else { return false }
        if keyOrderMatters {
            return zip(x.members, y.members).allSatisfy { $0.key == $1.key && valuesMatch($0.value, $1.value) }
        }
        return x.members.allSatisfy { member in
            y[member.key].map { valuesMatch(member.value, $0, keyOrderMatters: false) } ?? false
        }
    default: return a == b
    }
}

/// Compares `text` with a golden file under Fixtures/; `UPDATE_GOLDEN=1 swift test` rewrites
/// the golden files instead, on purpose.
func assertGolden(_ text: String, _ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
    let url = Corpus.fixture(name)
    if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
        try text.write(to: url, atomically: true, encoding: .utf8)
        return
    }
    let golden = try String(contentsOf: url, encoding: .utf8)
    XCTAssertEqual(text, golden, "differs from Fixtures/\(name) (regenerate with UPDATE_GOLDEN=1 swift test)", file: file, line: line)
}

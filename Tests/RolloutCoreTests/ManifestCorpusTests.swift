import Foundation
import RolloutCore
import XCTest

/// Real manifests: each must render (Kubernetes schema, lists not expanded) to exactly the
/// documents of its `.json` sibling; the invalid ones must be rejected with a position.
final class ManifestCorpusTests: XCTestCase {
    func testEveryManifestRendersToItsJSON() throws {
        let corpus = try Corpus.directory("manifests", for: "the manifest corpus")
        let rows = try Corpus.readIndex(corpus.appendingPathComponent("index.tsv"))
        XCTAssertGreaterThan(rows.count, 1000)
        var failures: [String] = []
        var documents = 0
        for row in rows {
            guard let path = row["path"] else { continue }
            let url = corpus.appendingPathComponent(path)
            do {
                let bytes = try Array(Data(contentsOf: url))
                let decoded = try ManifestDecoder.decode([ManifestSource(name: path, bytes: bytes)], expandLists: false)
                guard case .array(let expected) = try JSONReader.parse(Array(Data(contentsOf: URL(fileURLWithPath: url.path + ".json")))) else {
                    failures.append("\(path): expected JSON is not an array"); continue
                }
                let got = decoded.documents.map(\.value)
                documents += got.count
                if !valuesMatch(.array(got), .array(expected)) {
                    failures.append("\(path): \(firstDifference(.array(got), .array(expected)))")
                }
                // Rendering to JSON and reading it back must give the same documents.
                let json = try Render.text(of: decoded.documents, format: .json)
                let reread = try json.split(separator: "\n").map { try JSONReader.parse(String($0)) }
                if !valuesMatch(.array(reread), .array(expected)) { failures.append("\(path): JSON output does not read back") }
            } catch {
                failures.append("\(path): \(error)")
            }
        }
        print("manifest corpus: \(rows.count - failures.count)/\(rows.count) files, \(documents) documents match their JSON")
        XCTAssert(failures.isEmpty, failures.prefix(20).joined(separator: "\n"))
    }

    func testInvalidManifestsAreRejectedWithAPosition() throws {
        let corpus = try Corpus.directory("manifests-invalid", for: "rejection of invalid manifests")
        let rows = try Corpus.readIndex(corpus.appendingPathComponent("index.tsv"))
        XCTAssertGreaterThan(rows.count, 0)
        for row in rows {
            guard let path = row["path"] else { continue }
            let bytes = try Array(Data(contentsOf: corpus.appendingPathComponent(path)))
            do {
                _ = try ManifestDecoder.decode([ManifestSource(name: path, bytes: bytes)])
                XCTFail("\(path) was accepted; PyYAML says: \(row["pyyaml_error"] ?? "")")
            } catch {
                XCTAssertEqual(error.location.file, path)
                XCTAssertGreaterThan(error.location.line, 1, "\(path): \(error)")
                XCTAssert(error.description.contains("^"), "\(path): no caret in \(error)")
            }
        }
    }

    /// Where two values first differ, as a path, for readable failures.
    private func firstDifference(_ a: Value, _ b: Value, path: String = "$") -> String {
        switch (a, b) {
        case (.array(let x), .array(let y)):
            if x.count != y.count { return "\(path): \(x.count) items, expected \(y.count)" }
            for (i, (p, q)) in zip(x, y).enumerated() where !valuesMatch(p, q) {
                return firstDifference(p, q, path: "\(path)[\(i)]")
            }
        case (.object(let x), .object(let y)):
            if x.keys != y.keys { return "\(path): keys \(x.keys), expected \(y.keys)" }
            for member in x.members where !valuesMatch(member.value, y[member.key] ?? .null) {
                return firstDifference(member.value, y[member.key] ?? .null, path: "\(path).\(member.key)")
            }
        default: break
        }
        return "\(path): got \((try? JSONWriter.string(a)) ?? "?"), expected \((try? JSONWriter.string(b)) ?? "?")"
    }
}

import Foundation
import RolloutCore
import XCTest

/// Every real Deployment, Service and Pod of the manifest corpus validates and applies to a
/// fresh cluster; the few that are rejected are listed, with the reason, in
/// Fixtures/corpus-apply-rejections.tsv, and the test fails if that list goes stale.
final class CorpusApplyTests: XCTestCase {
    func testCorpusWorkloadsApply() throws {
        let corpus = try Corpus.directory("manifests", for: "the manifest corpus")
        let rows = try Corpus.readIndex(corpus.appendingPathComponent("index.tsv"))
        let expectedRejections = try loadRejections()
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("corpus-apply-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        var rejected: [String: String] = [:]
        var applied = 0
        for row in rows {
            guard let path = row["path"], let kinds = row["kinds"],
                  kinds.split(separator: ",").contains(where: { ["Deployment", "Service", "Pod"].contains($0) }) else { continue }
            let bytes = try Array(Data(contentsOf: corpus.appendingPathComponent(path)))
            let decoded = try ManifestDecoder.decode([ManifestSource(name: path, bytes: bytes)])
            let workloads = decoded.documents.filter {
                guard let kind = $0.value["kind"]?.stringValue, let apiVersion = $0.value["apiVersion"]?.stringValue else { return false }
                return (kind == "Deployment" && apiVersion == "apps/v1") || ((kind == "Service" || kind == "Pod") && apiVersion == "v1")
            }
            if workloads.isEmpty { continue }
            var options = ApplyOptions()
            options.namespace = "default"
            // A cluster per file: samples reuse names (several `frontend` Deployments) freely.
            let store = try StateStore(directory: "\(root)/\(applied)", writable: true, newCluster: ClusterSpec(profile: .bare))
            defer { store.close() }
            do {
                // Namespaces the manifests name are created first, as a user would.
                for namespace in Set(workloads.compactMap { $0.value["metadata"]?["namespace"]?.stringValue }) {
                    let manifest = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: \(namespace)\n"
                    let ns = try ManifestDecoder.decode([ManifestSource(name: "ns", bytes: Array(manifest.utf8))]).documents
                    _ = try Applier.apply(ns, to: store, options: options)
                }
                // And the ServiceAccounts the file defines, which its pods may need (the
                // ServiceAccount admission plugin refuses a pod whose account is missing).
                let accounts = decoded.documents.filter { $0.value["kind"]?.stringValue == "ServiceAccount" && $0.value["apiVersion"]?.stringValue == "v1" }
                if !accounts.isEmpty { _ = try Applier.apply(accounts, to: store, options: options) }
                applied += try Applier.apply(workloads, to: store, options: options).count
            } catch {
                rejected[path] = "\(error)".replacingOccurrences(of: "\n", with: " | ")
            }
        }
        print("corpus apply: \(applied) objects applied, \(rejected.count) files rejected")
        for (path, reason) in rejected.sorted(by: { $0.key < $1.key }) where expectedRejections[path] == nil {
            XCTFail("unexpected rejection: \(path): \(reason)")
        }
        for path in expectedRejections.keys.sorted() where rejected[path] == nil {
            XCTFail("\(path) is listed in corpus-apply-rejections.tsv but applies now; remove it from the list")
        }
        for (path, reason) in rejected where expectedRejections[path].map({ !reason.contains($0) }) == true {
            XCTFail("\(path) is rejected for another reason than listed: \(reason)")
        }
        XCTAssertGreaterThan(applied, 500)
    }

    /// path TAB a fragment of the expected message.
    private func loadRejections() throws -> [String: String] {
        let text = try String(contentsOf: Corpus.fixture("corpus-apply-rejections.tsv"), encoding: .utf8)
        var result: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: "\t", maxSplits: 1).map(String.init)
            if parts.count == 2 { result[parts[0]] = parts[1] }
        }
        return result
    }
}

import Foundation
import XCTest

/// Runs the built `rollout` binary, as a user would, and checks stdout, stderr and exit code.
final class RenderCommandTests: XCTestCase {
    typealias Result = RolloutRun

    static var binary: URL { RolloutRun.binary }

    func rollout(_ arguments: [String], stdin: String? = nil, in directory: URL? = nil) throws -> Result {
        try RolloutRun.run(arguments, stdin: stdin, in: directory)
    }

    private func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("rollout-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    override func setUpWithError() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: Self.binary.path), "rollout binary not built at \(Self.binary.path)")
    }

    func testRendersTheExamplesAsYAML() throws {
        let result = try rollout(["render", "-f", "examples/manifests/"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stderr, "")
        // Files in name order: web-api-ingress.yaml, then web-api.yaml.
        XCTAssert(result.stdout.hasPrefix("apiVersion: networking.k8s.io/v1\nkind: Ingress\n"), result.stdout)
        XCTAssert(result.stdout.contains("\n---\napiVersion: apps/v1\nkind: Deployment\n"), result.stdout)
        XCTAssert(result.stdout.contains("\n---\napiVersion: v1\nkind: Service\n"), result.stdout)
        XCTAssert(result.stdout.contains("      containers:\n      - env:\n        - name: LOG_LEVEL\n          value: info\n"), result.stdout)
        XCTAssert(result.stdout.contains("        image: ghcr.io/example/web-api:1.4.2\n"), result.stdout)
    }

    /// Output that cannot be written (a full disk, a file-size limit: here 1 block) is an
    /// error, exit 1, not an output cut short with exit 0; what was written is the output's
    /// beginning.
    func testOutputThatCannotBeWrittenIsAnError() throws {
        let whole = try rollout(["render", "-f", "examples/manifests/", "-o", "json"])
        XCTAssertEqual(whole.status, 0, whole.stderr)
        XCTAssertGreaterThan(whole.stdout.utf8.count, 1024)
        let cut = try RolloutRun.run(["render", "-f", "examples/manifests/", "-o", "json"], fileSizeLimit: 1)
        XCTAssertEqual(cut.status, 1)
        XCTAssertEqual(cut.stderr, "error: cannot write to standard output: File too large\n")
        XCTAssertFalse(cut.stdout.isEmpty)
        XCTAssertLessThan(cut.stdout.utf8.count, whole.stdout.utf8.count)
        XCTAssertTrue(whole.stdout.hasPrefix(cut.stdout))
    }

    /// Standard output that another program made non-blocking (a shared pipe): a write that
    /// finds the pipe full waits until it takes more (`poll`) instead of dropping the rest —
    /// 150 KB through a 64 KB pipe its reader empties late arrive whole, as they do through a
    /// file.
    func testOutputToANonBlockingPipeArrivesWhole() throws {
        let directory = try temporaryDirectory()
        let manifest = directory.appendingPathComponent("many.yaml")
        try (1...500).map { "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-\($0)}\ndata: {k: \(String(repeating: "x", count: 250))}\n" }
            .joined().write(to: manifest, atomically: true, encoding: .utf8)
        let whole = try rollout(["render", "-f", manifest.path, "-o", "json"])
        XCTAssertEqual(whole.status, 0, whole.stderr)
        XCTAssertGreaterThan(whole.stdout.utf8.count, 150_000)

        let process = Process()
        process.executableURL = Self.binary
        process.arguments = ["render", "-f", manifest.path, "-o", "json"]
        let output = Pipe()
        let writing = output.fileHandleForWriting.fileDescriptor
        XCTAssertEqual(fcntl(writing, F_SETFL, fcntl(writing, F_GETFL) | O_NONBLOCK), 0)
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The pipe fills (64 KB) long before it is read: the writer meets EAGAIN.
        usleep(300_000)
        let read = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        XCTAssertEqual(read.count, whole.stdout.utf8.count)
        XCTAssertEqual(String(decoding: read, as: UTF8.self), whole.stdout)
    }

    func testRendersJSONOneDocumentPerLine() throws {
        let result = try rollout(["render", "-f", "examples/manifests/web-api.yaml", "-o", "json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 2)
        XCTAssert(lines[0].hasPrefix(#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web-api""#), String(lines[0]))
        XCTAssert(lines[1].contains(#""type":"LoadBalancer""#))
        XCTAssert(lines[1].contains(#""port":8081"#))
    }

    func testReadsStandardInputWithBothSchemas() throws {
        let input = "env: {value: on, mode: 0755, tag: 1.10}\n---\n---\nkind: Other\n"
        let kubernetes = try rollout(["render", "-f", "-", "-o", "json"], stdin: input)
        XCTAssertEqual(kubernetes.stdout, "{\"env\":{\"value\":true,\"mode\":493,\"tag\":1.1}}\n{\"kind\":\"Other\"}\n")
        let core = try rollout(["render", "-f", "-", "-o=json", "--schema", "core"], stdin: input)
        XCTAssertEqual(core.stdout, "{\"env\":{\"value\":\"on\",\"mode\":755,\"tag\":1.1}}\n{\"kind\":\"Other\"}\n")
    }

    /// `-f` takes what a shell can name: a symbolic link (followed), a named pipe (read to its
    /// end), and a file whose size reads as 0 although it has content (as under /proc).
    func testReadsLinksPipesAndFilesThatReportNoSize() throws {
        let directory = try temporaryDirectory()
        let target = directory.appendingPathComponent("target.yaml")
        try "a: 1\n".write(to: target, atomically: true, encoding: .utf8)
        let link = directory.appendingPathComponent("link.yaml")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: target)
        let linked = try rollout(["render", "-f", link.path, "-o", "json"])
        XCTAssertEqual(linked.status, 0, linked.stderr)
        XCTAssertEqual(linked.stdout, "{\"a\":1}\n")

        let pipe = directory.appendingPathComponent("pipe.yaml").path
        XCTAssertEqual(mkfifo(pipe, 0o600), 0)
        let writer = Thread {
            if let handle = FileHandle(forWritingAtPath: pipe) {
                handle.write(Data("b: [x]\n".utf8))
                try? handle.close()
            }
        }
        writer.start()
        let piped = try rollout(["render", "-f", pipe, "-o", "json"])
        XCTAssertEqual(piped.status, 0, piped.stderr)
        XCTAssertEqual(piped.stdout, "{\"b\":[\"x\"]}\n")

        // /proc/self/limits is a regular file of size 0 with text: it reads as one plain scalar
        // folded over its lines (read by its size alone, it printed nothing).
        let proc = try rollout(["render", "-f", "/proc/self/limits", "-o", "json"])
        XCTAssertEqual(proc.status, 0, proc.stderr)
        XCTAssert(proc.stdout.hasPrefix("\"Limit "), proc.stdout)
    }

    func testExpandsLists() throws {
        let input = "apiVersion: v1\nkind: List\nitems:\n- {kind: ConfigMap, metadata: {name: a}}\n- {kind: Secret, metadata: {name: b}}\n"
        let result = try rollout(["render", "-f", "-", "-o", "json"], stdin: input)
        XCTAssertEqual(result.stdout, "{\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\"}}\n{\"kind\":\"Secret\",\"metadata\":{\"name\":\"b\"}}\n")
    }

    func testFoldersRecurseOnlyWithR() throws {
        let dir = try temporaryDirectory()
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("nested"), withIntermediateDirectories: true)
        try "kind: A\n".write(to: dir.appendingPathComponent("a.yaml"), atomically: true, encoding: .utf8)
        try "{\"kind\": \"B\"}".write(to: dir.appendingPathComponent("b.json"), atomically: true, encoding: .utf8)
        try "kind: Ignored\n".write(to: dir.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        try "kind: C\n".write(to: dir.appendingPathComponent("nested/c.yml"), atomically: true, encoding: .utf8)
        XCTAssertEqual(try rollout(["render", "-f", dir.path, "-o", "json"]).stdout, "{\"kind\":\"A\"}\n{\"kind\":\"B\"}\n")
        XCTAssertEqual(try rollout(["render", "-R", "-f", dir.path, "-o", "json"]).stdout, "{\"kind\":\"A\"}\n{\"kind\":\"B\"}\n{\"kind\":\"C\"}\n")
    }

    func testParseErrorExitsTwoWithPositionAndCaret() throws {
        let dir = try temporaryDirectory()
        let file = dir.appendingPathComponent("bad.yaml")
        try "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n   labels: {}\n".write(to: file, atomically: true, encoding: .utf8)
        let result = try rollout(["render", "-f", file.path])
        XCTAssertEqual(result.status, 2)
        XCTAssertEqual(result.stdout, "", "nothing is printed when a document is bad")
        XCTAssertEqual(result.stderr, "error: \(file.path):5:10: mapping values are not allowed here: the key would span several lines; check the indentation of this line and the one above\n     labels: {}\n           ^\n")
    }

    func testNonFiniteNumberCannotBeJSON() throws {
        let result = try rollout(["render", "-f", "-", "-o", "json"], stdin: "a: 1\n---\nratio: .inf\n")
        XCTAssertEqual(result.status, 2)
        XCTAssertEqual(result.stdout, "")
        XCTAssert(result.stderr.hasPrefix("error: <stdin>:3:1: this document holds the number inf, which JSON cannot represent"), result.stderr)
        let yaml = try rollout(["render", "-f", "-"], stdin: "ratio: .inf\n")
        XCTAssertEqual(yaml.stdout, "ratio: .inf\n")
    }

    func testDuplicateKeyIsAWarning() throws {
        let result = try rollout(["render", "-f", "-"], stdin: "a: 1\nb: 2\na: 3\n")
        XCTAssertEqual(result.status, 0)
        XCTAssertEqual(result.stdout, "a: 3\nb: 2\n")
        XCTAssertEqual(result.stderr, "<stdin>:3:1: warning: duplicate key \"a\" (first at line 1, column 1); the last value wins\n")
    }

    func testUsageErrors() throws {
        let cases: [([String], String)] = [
            (["render"], "error: must specify one of -f and -k"),
            (["render", "-f", "does/not/exist.yaml"], "error: the path \"does/not/exist.yaml\" does not exist"),
            (["render", "-f", "examples/manifests", "-o", "xml"], "error: unable to match a printer suitable for the output format \"xml\""),
            (["render", "-f", "examples/manifests", "--schema", "yaml11"], "error: invalid argument \"yaml11\" for \"--schema\" flag"),
            (["render", "--bogus"], "error: unknown flag: --bogus"),
            (["frobnicate"], "error: unknown command \"frobnicate\" for \"rollout\""),
        ]
        for (arguments, message) in cases {
            let result = try rollout(arguments)
            XCTAssertEqual(result.status, 2, arguments.joined(separator: " "))
            XCTAssert(result.stderr.hasPrefix(message), "\(arguments): \(result.stderr)")
        }
    }

    func testHelp() throws {
        let help = try rollout(["render", "--help"])
        XCTAssertEqual(help.status, 0)
        XCTAssert(help.stdout.contains("rollout render -f PATH... [-R] [-o yaml|json] [--schema kubernetes|core]"))
        let top = try rollout(["--help"])
        XCTAssertEqual(top.status, 0)
        XCTAssert(top.stdout.contains("render"))
    }
}

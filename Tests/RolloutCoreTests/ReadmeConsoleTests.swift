import Foundation
import XCTest

/// The README cannot drift: every ```console block is run, in the order the README shows them,
/// as one shell session from a fresh state (`~/.rollout` in an empty home, a copy of
/// `examples/` as the working folder, the built `rollout` on the PATH), and what each `$ `
/// command prints (stdout and stderr, as a terminal shows them) must be the lines under it.
/// A line `...` stands for any number of lines; trailing spaces and trailing blank lines do
/// not count. `UPDATE_GOLDEN=1` rewrites the blocks with what the commands print now.
final class ReadmeConsoleTests: XCTestCase {
    struct Command {
        var line: Int          // where the `$ ` line is in the README (0-based)
        var text: String
        var expected: [String] // the lines shown under it, up to the next command or the block's end
    }

    static func commands(in lines: [String]) -> [Command] {
        var commands: [Command] = []
        var inBlock = false
        for (i, line) in lines.enumerated() {
            if line == "```console" { inBlock = true; continue }
            if inBlock && line.hasPrefix("```") { inBlock = false; continue }
            guard inBlock else { continue }
            if line.hasPrefix("$ ") {
                commands.append(Command(line: i, text: String(line.dropFirst(2)), expected: []))
            } else if !commands.isEmpty {
                commands[commands.count - 1].expected.append(line)
            }
        }
        return commands
    }

    static func trimmed(_ lines: [String]) -> [String] {
        var lines = lines.map { String($0.reversed().drop { $0 == " " }.reversed()) }
        while lines.last == "" { lines.removeLast() }
        return lines
    }

    /// Whether `actual` is `expected`, each `...` line standing for any lines.
    static func matches(_ expected: ArraySlice<String>, _ actual: ArraySlice<String>) -> Bool {
        guard let first = expected.first else { return actual.isEmpty }
        if first == "..." {
            let rest = expected.dropFirst()
            return (actual.startIndex...actual.endIndex).contains { matches(rest, actual[$0...]) }
        }
        guard let line = actual.first, line == first else { return false }
        return matches(expected.dropFirst(), actual.dropFirst())
    }

    /// What the README should show for a command that printed `actual`: the output itself,
    /// keeping a single `...` with as many lines around it as were shown.
    static func updated(_ expected: [String], actual: [String]) -> [String] {
        let shown = trimmed(expected)
        if matches(shown[...], actual[...]) { return expected }
        var result = actual
        if shown.filter({ $0 == "..." }).count == 1, let cut = shown.firstIndex(of: "...") {
            let head = cut, tail = shown.count - cut - 1
            if head + tail < actual.count { result = Array(actual.prefix(head)) + ["..."] + Array(actual.suffix(tail)) }
        }
        let blanks = expected.reversed().prefix { $0.trimmingCharacters(in: .whitespaces).isEmpty }.count
        return result + Array(repeating: "", count: blanks)
    }

    func testEveryConsoleBlockRunsInOrderFromAFreshState() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: RolloutRun.binary.path), "rollout binary not built")
        let readmeURL = Corpus.packageRoot.appendingPathComponent("README.md")
        let readme = try String(contentsOf: readmeURL, encoding: .utf8)
        var lines = readme.components(separatedBy: "\n")
        let commands = Self.commands(in: lines)
        XCTAssertGreaterThan(commands.count, 40)

        let root = try temporaryDirectory(self, "rollout-readme")
        let home = root.appendingPathComponent("home"), work = root.appendingPathComponent("work"), out = root.appendingPathComponent("out")
        for folder in [home, work, out] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        try FileManager.default.copyItem(at: Corpus.packageRoot.appendingPathComponent("examples"), to: work.appendingPathComponent("examples"))
        var script = """
        export HOME='\(home.path)' PATH='\(RolloutRun.binary.deletingLastPathComponent().path)':"$PATH" NO_COLOR=1
        unset ROLLOUT_STATE KUBECTL_EXTERNAL_DIFF ROLLOUT_EXTERNAL_DIFF
        cd '\(work.path)'
        last=0

        """
        for (k, command) in commands.enumerated() {
            // `( exit $last )` gives each command the previous one's status, for `echo $?`.
            script += "( exit $last )\n{\n\(command.text)\n} > '\(out.path)/\(k)' 2>&1\nlast=$?\n"
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", script]
        try process.run()
        process.waitUntilExit()

        let update = ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1"
        var replacements: [(Command, [String])] = []
        for (k, command) in commands.enumerated() {
            let printed = try String(contentsOf: out.appendingPathComponent("\(k)"), encoding: .utf8)
                .replacingOccurrences(of: home.path, with: "~").replacingOccurrences(of: work.path + "/", with: "")
            let actual = Self.trimmed(printed.components(separatedBy: "\n"))
            let shown = Self.trimmed(command.expected)
            if Self.matches(shown[...], actual[...]) { continue }
            if update {
                replacements.append((command, Self.updated(command.expected, actual: actual)))
            } else {
                XCTFail("README.md:\(command.line + 1): `\(command.text)` printed\n\(actual.joined(separator: "\n"))\n--- but the README shows\n\(shown.joined(separator: "\n"))")
            }
        }
        if update && !replacements.isEmpty {
            for (command, new) in replacements.reversed() {
                lines.replaceSubrange((command.line + 1)..<(command.line + 1 + command.expected.count), with: new)
            }
            try lines.joined(separator: "\n").write(to: readmeURL, atomically: true, encoding: .utf8)
        }
    }
}

import Foundation
import RolloutCore

/// `plan --baseline-ref REF`: the manifests the `-f` paths held at a git revision, read with
/// git itself (`git ls-tree`, `git show`) into a temporary folder; `--baseline-state DIR`: a
/// copy of a state, so the plan never touches the original.
enum BaselineSources {
    /// Runs git with `arguments`; its standard output, or a failure with its message.
    static func git(_ arguments: [String]) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do { try process.run() } catch { throw CommandFailure(message: "cannot run git: \(error.localizedDescription)") }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CommandFailure(message: "git \(arguments.joined(separator: " ")): \(message.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        return data
    }

    /// The files under `paths` (relative to the working directory) as they were at `ref`,
    /// written under `into` at the same relative places; the paths to read them from. A path
    /// that did not exist at `ref` gives nothing (a new app has no baseline).
    static func extract(ref: String, paths: [String], into directory: String) throws -> [String] {
        let root = String(decoding: try git(["rev-parse", "--show-toplevel"]), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let cwd = FileManager.default.currentDirectoryPath
        var written: [String] = []
        for path in paths where path != "-" {
            let absolute = path.hasPrefix("/") ? path : cwd + "/" + path
            let standardized = URL(fileURLWithPath: absolute).standardizedFileURL.path
            guard standardized == root || standardized.hasPrefix(root + "/") else {
                throw UsageError(message: "--baseline-ref: \(path) is outside the git repository at \(root)")
            }
            let relative = standardized == root ? "." : String(standardized.dropFirst(root.count + 1))
            let listing = String(decoding: try git(["-C", root, "ls-tree", "-r", "--name-only", ref, "--", relative]), as: UTF8.self)
            for file in listing.split(separator: "\n").map(String.init) where [".yaml", ".yml", ".json"].contains(where: { file.hasSuffix($0) }) {
                let data = try git(["-C", root, "show", "\(ref):\(file)"])
                let target = directory + "/" + file
                try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                guard FileManager.default.createFile(atPath: target, contents: data) else { throw CommandFailure(message: "cannot write \(target)") }
                written.append(target)
            }
        }
        return written
    }
}

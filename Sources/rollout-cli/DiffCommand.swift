import Foundation
import RolloutCore

enum DiffCommand {
    static let help = """
    Diff the live objects against what apply would make them: a unified diff of both in
    `get -o yaml` form, without fields that only add noise (managedFields, resourceVersion,
    generation, status). Secret values are masked. Nothing is changed.

    Set KUBECTL_EXTERNAL_DIFF or ROLLOUT_EXTERNAL_DIFF (which wins) to a command, e.g.
    "diff -u" or "colordiff -N -u", to compare the LIVE and MERGED folders with it instead.

    Exit status: 0 no differences, 1 differences, 2 error (bad input or a failed diff program).

    Usage:
      rollout diff -f PATH... [-R] [options]

    Examples:
      rollout diff -f examples/manifests/
      ROLLOUT_EXTERNAL_DIFF="diff -u --color=always" rollout diff -f web.yaml

    Options:
      -f, --filename=[]    Files, folders (.yaml, .yml, .json) or - for standard input
      -R, --recursive      Walk folders given with -f recursively
      -l, --selector=      Only diff objects with these labels

    """ + Global.helpText

    static func run(_ args: [String], io: inout CommandIO) throws -> Int32 {
        let parsed = try Arguments(args, specs: Global.specs + Global.fileSpecs + [
            .init(names: ["-l", "--selector"], takesValue: true),
        ])
        if parsed.flag("--help") { io.out(help + "\n"); return 0 }
        if let extra = parsed.positional.first { throw UsageError(message: "unexpected argument \"\(extra)\"; give manifests with -f") }
        var options = ApplyOptions()
        options.namespace = Global.namespace(parsed)
        options.namespaceExplicit = parsed.last("--namespace") != nil
        options.selector = try Global.selector(parsed)
        // kubectl diff's dry-run requests name no field validation: the server's own, Warn.
        options.fieldValidation = .warn
        let candidates = try Applier.prepare(try Global.readManifests(parsed, io: &io, verb: "diff"), options: options)
        for warning in candidates.flatMap(\.warnings) + Applier.dumpWarnings(candidates) { io.err("Warning: \(warning)\n") }
        let store = try Global.openStore(parsed, writable: false)
        defer { store.close() }
        let pairs = try ObjectDiff.pairs(candidates, store: store)
        let environment = ProcessEnvironment.current()
        if let command = environment["ROLLOUT_EXTERNAL_DIFF"] ?? environment["KUBECTL_EXTERNAL_DIFF"], !command.isEmpty {
            io.flush()
            return try external(command, pairs: pairs)
        }
        io.palette = .diff
        var differs = false
        for pair in pairs {
            let text = ObjectDiff.unified(pair)
            if !text.isEmpty {
                io.out(text)
                differs = true
            }
        }
        return differs ? 1 : 0
    }

    /// Writes LIVE/ and MERGED/ folders and runs the user's diff program on them, as kubectl
    /// does. Its exit status passes through; above 1 means the program failed.
    static func external(_ command: String, pairs: [ObjectDiff.Pair]) throws -> Int32 {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("rollout-diff-\(getpid())")
        let live = root.appendingPathComponent("LIVE"), merged = root.appendingPathComponent("MERGED")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: live, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: merged, withIntermediateDirectories: true)
        for pair in pairs {
            try Data(pair.live.utf8).write(to: live.appendingPathComponent(pair.name))
            try Data(pair.merged.utf8).write(to: merged.appendingPathComponent(pair.name))
        }
        let words = command.split(separator: " ").map(String.init)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = words + [live.path, merged.path]
        do { try process.run() } catch {
            throw UsageError(message: "failed to run \"\(command)\": \(error.localizedDescription)")
        }
        process.waitUntilExit()
        let status = process.terminationStatus
        if status > 1 {
            FileHandle.standardError.write(Data("error: \(words.first ?? command) exited with status \(status)\n".utf8))
            return 2
        }
        return status
    }
}

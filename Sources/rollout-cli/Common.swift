import Foundation
import RolloutCore

/// Flags every command that touches the cluster accepts (SPEC §4).
enum Global {
    static let specs: [Arguments.Spec] = [
        .init(names: ["--state"], takesValue: true),
        .init(names: ["-n", "--namespace"], takesValue: true),
        .init(names: ["--no-color"], takesValue: false),
        .init(names: ["-h", "--help"], takesValue: false),
    ]

    static let helpText = """
    Global options:
          --state=DIR          State directory (default $ROLLOUT_STATE, else ~/.rollout)
      -n, --namespace=NAME     Namespace (default "default")
          --no-color           Plain output (also when NO_COLOR is set or stdout is not a terminal)
      -h, --help               Show this help
    """

    static func openStore(_ parsed: Arguments, writable: Bool) throws -> StateStore {
        let directory = StateStore.directory(flag: parsed.last("--state"), environment: ProcessInfo.processInfo.environment)
        return try StateStore(directory: directory, writable: writable)
    }

    static func namespace(_ parsed: Arguments) -> String {
        parsed.last("--namespace") ?? "default"
    }

    /// Reads the manifests named by `-f` (and `-R`), printing parser warnings to stderr.
    static func readManifests(_ parsed: Arguments, io: inout CommandIO, verb: String) throws -> [ManifestDocument] {
        let paths = parsed.all("--filename")
        if paths.isEmpty { throw UsageError(message: "must specify one of -f and -k\nSee 'rollout \(verb) --help' for usage.") }
        let sources = try ManifestPaths.sources(for: paths, recursive: parsed.flag("--recursive"))
        let decoded = try ManifestDecoder.decode(sources)
        for warning in decoded.warnings { io.err("warning: \(warning.description)\n") }
        if decoded.documents.isEmpty { throw UsageError(message: "no objects passed to \(verb)") }
        return decoded.documents
    }

    static func selector(_ parsed: Arguments) throws -> LabelSelector? {
        guard let text = parsed.last("--selector") else { return nil }
        return try LabelSelector.parse(text)
    }

    static let fileSpecs: [Arguments.Spec] = [
        .init(names: ["-f", "--filename"], takesValue: true),
        .init(names: ["-R", "--recursive"], takesValue: false),
    ]
}

import Foundation
import RolloutCore

/// The verbs, their one-line summaries and their entry points.
let commands: [(name: String, summary: String, run: ([String], inout CommandIO) throws -> Int32)] = [
    ("apply", "Create or update objects from manifests (three-way merge)", ApplyCommand.run),
    ("get", "List objects with kubectl's columns", GetCommand.run),
    ("describe", "Show details of objects, with conditions and events", DescribeCommand.run),
    ("delete", "Delete objects by file, name or label selector", DeleteCommand.run),
    ("diff", "Diff live objects against what apply would make them", DiffCommand.run),
    ("status", "Watch a rollout (Deployment, StatefulSet, DaemonSet) until it finishes", StatusCommand.run),
    ("wait", "Wait for objects to meet a condition in virtual time", ObserveCommands.wait),
    ("events", "List events with virtual timestamps", ObserveCommands.events),
    ("timeline", "Show a workload's last rollout over time", ObserveCommands.timeline),
    ("history", "List a workload's revisions (rollout history)", RolloutCommands.history),
    ("undo", "Roll a workload back to an earlier revision", RolloutCommands.undo),
    ("pause", "Pause a Deployment's rollouts", RolloutCommands.pause),
    ("resume", "Resume a paused Deployment", RolloutCommands.resume),
    ("restart", "Roll every pod of a workload", RolloutCommands.restart),
    ("scale", "Set a Deployment's or StatefulSet's replica count", RolloutCommands.scale),
    ("set", "Set a workload's container images (set image)", RolloutCommands.setImage),
    ("plan", "Predict a deploy: changes, rollouts, failed requests, hazards", PlanCommand.run),
    ("lint", "Find zero-downtime hazards in manifests (no cluster needed)", LintCommand.run),
    ("cordon", "Mark nodes as unschedulable", NodeCommands.cordon),
    ("uncordon", "Mark nodes as schedulable", NodeCommands.uncordon),
    ("drain", "Drain a node: cordon, then evict its pods (PodDisruptionBudgets respected)", DrainCommand.run),
    ("cluster", "Create (init), import or inspect (info) the embedded cluster", ClusterCommand.run),
    ("render", "Print manifests as they are read, as YAML or JSON", RenderCommand.run),
    ("serve", "Serve the cluster's Kubernetes API, for kubectl and client libraries", ServeCommand.run),
]

// (Made when asked for: as a constant it was made at every start, an eighth of a start's work.)
var usage: String {
    """
rollout: a kubectl-style rollout orchestrator with an embedded, simulated control plane.

Usage:
  rollout COMMAND [options]

Commands:
\((commands.map { ($0.name, $0.summary) } + [("completion", "Print a shell completion script (bash, zsh, fish)")])
    .map { "  " + $0.0.padding(toLength: 12, withPad: " ", startingAt: 0) + $0.1 }.joined(separator: "\n"))

Use "rollout COMMAND --help" (or "rollout help COMMAND") for more information about a command;
"rollout version" for the version.
"""
}

// kubectl takes its global flags before the verb too: `rollout --state X -n ns get pods`.
let arguments = Global.movingGlobalFlagsAfterTheVerb(Array(CommandLine.arguments.dropFirst()))
// Huge pages for the heap (HugePages): started once more with glibc's tunable, which the
// started process then takes out of its environment. Before anything is printed or a thread
// started; should the start fail, this process goes on as it was started.
// (The environment read once, for the huge-page step and the colour choice below.)
var startEnvironment = ProcessEnvironment.current()
switch HugePages.step(verb: arguments.first, environment: startEnvironment,
                      mode: try? String(contentsOfFile: HugePages.modeFile, encoding: .utf8),
                      reportsFreePages: HugePages.reportsFreePages()) {
case .relaunch(let variables):
    for (name, value) in variables { setenv(name, value, 1) }
    execv("/proc/self/exe", CommandLine.unsafeArgv)
    for name in variables.keys { unsetenv(name) }
case .clear(let names):
    for name in names {
        unsetenv(name)
        startEnvironment[name] = nil
    }
case .none:
    break
}
// A file-size limit (`ulimit -f`) reached makes a write fail (EFBIG) instead of killing the
// process with SIGXFSZ: the state's commit then says which file it could not write and that
// nothing was stored, and a cut output is an error (below), not a core dump.
signal(SIGXFSZ, SIG_IGN)
var io = CommandIO()
io.colour = Colour.enabled(arguments: arguments, environment: startEnvironment)
var status: Int32
if arguments.isEmpty || ["-h", "--help"].contains(arguments[0]) || arguments == ["help"] {
    io.out(usage + "\n")
    status = 0
} else if arguments[0] == "--version" {
    io.out("rollout version \(rolloutVersion)\n")
    status = 0
} else if arguments[0] == "version" {
    io.out("Client Version: rollout \(rolloutVersion)\nServer Version: \(ClusterSetup.kubernetesVersion) (the embedded, simulated cluster)\n")
    status = 0
} else if arguments[0] == "help", arguments[1] == "completion" {
    io.out(CompletionCommand.help + "\n")
    status = 0
} else if arguments[0] == "help", let command = commands.first(where: { $0.name == arguments[1] }) {
    // `rollout help apply`: the command's own help.
    status = runReportingErrors(&io) { io in try command.run(["--help"], &io) }
} else if arguments[0] == "completion" {
    let verbs = commands.map(\.name) + ["completion", "help", "version"]
    status = runReportingErrors(&io) { io in try CompletionCommand.run(Array(arguments.dropFirst()), verbs: verbs, io: &io) }
} else if let command = commands.first(where: { $0.name == arguments[0] }) {
    status = runReportingErrors(&io) { io in try command.run(Array(arguments.dropFirst()), &io) }
} else {
    let typed = arguments[0] == "help" ? arguments[1] : arguments[0]
    // cobra's findSuggestions: names within 2 edits, or that start with what was typed.
    let suggestions = Suggestions.near(typed, among: commands.map(\.name) + ["version", "help", "completion"])
    let hint = suggestions.isEmpty ? "" : "\n\nDid you mean this?\n" + suggestions.map { "\t\($0)\n" }.joined()
    io.err("error: unknown command \"\(typed)\" for \"rollout\"\(hint)\nRun 'rollout --help' for usage.\n")
    status = 2
}
io.flush()
if let failure = io.outputFailure {
    io.err("error: cannot write to standard output: \(failure)\n")
    if status == 0 { status = 1 }
}
exit(status)

/// Maps every error type to its message and exit code, in one place.
func runReportingErrors(_ io: inout CommandIO, _ body: (inout CommandIO) throws -> Int32) -> Int32 {
    do {
        return try body(&io)
    } catch let error as RolloutActionError {
        io.flush()
        io.err("error: \(error.message)\n")
        return 1
    } catch let error as CommandFailure {
        io.flush()
        io.err("error: \(error.message)\n")
        return 1
    } catch let error as UsageError {
        io.err("error: \(error.message)\n")
        return 2
    } catch let error as YAMLError {
        io.flush()
        io.err("error: \(error.description)\n")
        return 2
    } catch let error as ManifestPathError {
        io.err("error: \(error.message)\n")
        return 2
    } catch let error as ValidationErrors {
        io.flush()
        io.err(error.description.split(separator: "\n").map { "error: \($0)\n" }.joined())
        return 2
    } catch let error as SelectorSyntaxError {
        io.err("error: \(error)\n")
        return 2
    } catch let error as ResourceQuery.Error {
        io.err("error: \(error)\n")
        if case .unknownType = error { return 1 }
        return 2
    } catch let error as StoreError {
        io.flush()
        if case .conflict(let message) = error, message.hasPrefix("Error from server") {
            io.err(message + "\n")
        } else {
            io.err("error: \(error)\n")
        }
        return 1
    } catch {
        io.err("error: \(error)\n")
        return 1
    }
}

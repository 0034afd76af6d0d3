import RolloutCore

/// The `kubectl rollout`-style verbs that change a Deployment's spec: scale, set image, pause,
/// resume, restart, undo; and history. Each prints kubectl's line; time does not move.
enum RolloutCommands {
    static func help(_ usage: String, _ summary: String, _ examples: String, options: String = "") -> String {
        """
        \(summary)

        Usage:
          \(usage)

        Examples:
        \(examples)

        \(options.isEmpty ? "" : "Options:\n" + options + "\n\n")\(Global.helpText)
        """
    }

    /// Parses the common shape: flags, then `deployment/NAME` or `deployment NAME`.
    static func parse(_ args: [String], extra: [Arguments.Spec], verb: String, help text: String, io: inout CommandIO) throws -> (Arguments, ObjectKey)? {
        let parsed = try Arguments(args, specs: Global.specs + extra)
        if parsed.flag("--help") { io.out(text + "\n"); return nil }
        return (parsed, try Global.deploymentKey(parsed.positional, namespace: Global.namespace(parsed), verb: verb, kinds: workloadKinds))
    }

    /// The kinds these verbs take (pause and resume answer a StatefulSet with kubectl's refusal).
    static let workloadKinds: Set<String> = ["Deployment", "StatefulSet", "DaemonSet"]

    static func withStore<T>(_ parsed: Arguments, _ body: (StateStore) throws -> T) throws -> T {
        let store = try Global.openStore(parsed, writable: true)
        defer { store.close() }
        return try body(store)
    }

    static func scale(_ args: [String], io: inout CommandIO) throws -> Int32 {
        let text = help("rollout scale (deployment|statefulset)/NAME --replicas=N [options]", "Set a Deployment's or StatefulSet's replica count, as `kubectl scale` does.",
                        "  rollout scale deployment/web-api --replicas=5", options: "      --replicas=N     The new number of replicas (required)")
        guard let (parsed, key) = try parse(args, extra: [.init(names: ["--replicas"], takesValue: true)], verb: "scale", help: text, io: &io) else { return 0 }
        guard let replicasText = parsed.last("--replicas"), let replicas = Int(replicasText), replicas >= 0 else {
            throw UsageError(message: "The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0")
        }
        io.out(try withStore(parsed) { try RolloutActions.scale($0, key, replicas: replicas) } + "\n")
        return 0
    }

    static func setImage(_ args: [String], io: inout CommandIO) throws -> Int32 {
        let text = help("rollout set image (deployment|statefulset|daemonset)/NAME CONTAINER=IMAGE... [options]", "Update container images of a workload's pod template, as `kubectl set image` does.",
                        "  rollout set image deployment/web-api web-api=ghcr.io/example/web-api:1.5.0\n  rollout set image deployment/web-api '*=nginx:1.27'")
        var rest = args
        guard rest.first == "image" else {
            if rest.contains("--help") || rest.contains("-h") { io.out(text + "\n"); return 0 }
            throw UsageError(message: "unknown command \"\(rest.first ?? "")\" for \"rollout set\"; expected image")
        }
        rest.removeFirst()
        let parsed = try Arguments(rest, specs: Global.specs)
        if parsed.flag("--help") { io.out(text + "\n"); return 0 }
        let target = parsed.positional.prefix { !$0.contains("=") }
        let assignments = parsed.positional.dropFirst(target.count)
        let key = try Global.deploymentKey(Array(target), namespace: Global.namespace(parsed), verb: "set image", kinds: workloadKinds)
        var images: [(String, String)] = []
        for assignment in assignments {
            let parts = assignment.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { throw UsageError(message: "invalid image assignment \"\(assignment)\": expected CONTAINER=IMAGE") }
            images.append((parts[0], parts[1]))
        }
        if images.isEmpty { throw UsageError(message: "at least one image update is required") }
        io.out(try withStore(parsed) { try RolloutActions.setImage($0, key, images: images) } + "\n")
        return 0
    }

    /// A verb that takes only `deployment/NAME` (or `statefulset/NAME`, `daemonset/NAME`) and prints one line.
    static func simple(_ args: [String], io: inout CommandIO, verb: String, summary: String,
                       action: (StateStore, ObjectKey) throws -> String) throws -> Int32 {
        let text = help("rollout \(verb) (deployment|statefulset|daemonset)/NAME [options]", summary, "  rollout \(verb) deployment/web-api")
        guard let (parsed, key) = try parse(args, extra: [], verb: verb, help: text, io: &io) else { return 0 }
        io.out(try withStore(parsed) { try action($0, key) } + "\n")
        return 0
    }

    static func pause(_ args: [String], io: inout CommandIO) throws -> Int32 {
        try simple(args, io: &io, verb: "pause", summary: "Pause a Deployment: template changes make no new ReplicaSet until it is resumed.", action: RolloutActions.pause)
    }

    static func resume(_ args: [String], io: inout CommandIO) throws -> Int32 {
        try simple(args, io: &io, verb: "resume", summary: "Resume a paused Deployment.", action: RolloutActions.resume)
    }

    static func restart(_ args: [String], io: inout CommandIO) throws -> Int32 {
        try simple(args, io: &io, verb: "restart", summary: "Roll every pod of a Deployment, StatefulSet or DaemonSet by stamping its template with kubectl.kubernetes.io/restartedAt.",
                   action: RolloutActions.restart)
    }

    static func history(_ args: [String], io: inout CommandIO) throws -> Int32 {
        let text = help("rollout history (deployment|statefulset|daemonset)/NAME [--revision=N] [-o wide] [options]",
                        "List a workload's revisions with their change-cause (with -o wide, also their images and creation time), or show one revision's pod template.",
                        "  rollout history deployment/web-api\n  rollout history deployment/web-api -o wide\n  rollout history deployment/web-api --revision=2",
                        options: "      --revision=N     Show the pod template of revision N\n  -o, --output=        wide: also the images and creation time")
        guard let (parsed, key) = try parse(args, extra: [.init(names: ["--revision"], takesValue: true), .init(names: ["-o", "--output"], takesValue: true)],
                                            verb: "history", help: text, io: &io) else { return 0 }
        let output = parsed.last("--output")
        if let output, output != "wide" {
            throw UsageError(message: "unable to match a printer suitable for the output format \"\(output)\", allowed formats are: wide")
        }
        var revision: Int?
        if let t = parsed.last("--revision") {
            guard let n = Int(t), n >= 0 else { throw UsageError(message: "invalid argument \"\(t)\" for \"--revision\" flag: expected a number") }
            revision = n == 0 ? nil : n
        }
        let store = try Global.openStore(parsed, writable: false)
        defer { store.close() }
        io.out(try RolloutActions.history(store, key, revision: revision, wide: output == "wide"))
        return 0
    }

    static func undo(_ args: [String], io: inout CommandIO) throws -> Int32 {
        let text = help("rollout undo (deployment|statefulset|daemonset)/NAME [--to-revision=N] [--dry-run] [options]",
                        "Roll a workload back to the previous revision (or revision N). With --dry-run, show the diff of what would change.",
                        "  rollout undo deployment/web-api\n  rollout undo deployment/web-api --to-revision=1 --dry-run",
                        options: "      --to-revision=0  The revision to go back to (0: the previous one)\n      --dry-run        Print the diff of the change; change nothing")
        guard let (parsed, key) = try parse(args, extra: [.init(names: ["--to-revision"], takesValue: true), .init(names: ["--dry-run"], takesValue: false)],
                                            verb: "undo", help: text, io: &io) else { return 0 }
        let revisionText = parsed.last("--to-revision") ?? "0"
        guard let revision = Int(revisionText), revision >= 0 else { throw UsageError(message: "invalid argument \"\(revisionText)\" for \"--to-revision\" flag") }
        let dryRun = parsed.values["--dry-run"] != nil && parsed.last("--dry-run") != "false" && parsed.last("--dry-run") != "none"
        return try withStore(parsed) { store in
            if dryRun {
                io.out(try RolloutActions.undoDryRun(store, key, toRevision: revision))
                return 0
            }
            io.out(try RolloutActions.undo(store, key, toRevision: revision) + "\n")
            return 0
        }
    }
}

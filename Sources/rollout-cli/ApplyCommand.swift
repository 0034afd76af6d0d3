import RolloutCore

enum ApplyCommand {
    static let help = """
    Apply a configuration to objects by file name or stdin. Objects are created if they do not
    exist yet and otherwise updated with a three-way merge (the last applied configuration, the
    live object and the new configuration), as kubectl's client-side apply does. Every document
    is validated first: if one is invalid, nothing is applied.

    Usage:
      rollout apply -f PATH... [-R] [--dry-run=none|client|server] [--prune -l SELECTOR] [--wait] [options]

    Examples:
      # Apply every manifest in a folder
      rollout apply -f examples/manifests/

      # See what would change, without changing anything
      rollout apply -f web.yaml --dry-run=client

      # Apply the app's manifests and delete objects of the app that are no longer in them
      rollout apply -f k8s/ --prune -l app=web

    Options:
      -f, --filename=[]    Files, folders (.yaml, .yml, .json) or - for standard input
      -R, --recursive      Walk folders given with -f recursively
          --dry-run=none   none, client or server: print what would happen, store nothing
          --validate=strict  strict (or true): refuse a field the object's type does not have, as
                           the API server's strict field validation does; warn: drop it with a
                           warning; ignore (or false): drop it silently
          --prune          Delete objects that an earlier apply created and these files no longer
                           contain (needs -l, or --all for every applied object)
      -l, --selector=      Only apply (and prune) objects with these labels, e.g. app=web
          --all            With --prune: consider every object, not only labelled ones
      -o, --output=        name (kind/name only), yaml or json: the objects as stored
          --wait           Then wait for every Deployment applied to roll out (as `rollout status`)
          --timeout=0s     With --wait: virtual time to wait at most
          --speed=X        With --wait: run the clock at X times wall-clock speed
          --no-fail-fast   With --wait: keep waiting when all new pods are in CrashLoopBackOff
          --rollback-on-failure
                           With --wait: when a rollout fails (deadline, crash loop, bad image),
                           undo it to the previous revision, wait for that, and exit 1
          --traffic=10     With --wait: requests per second replayed through each Service in front
                           of the Deployments (0: none); failed requests are reported
          --request-time=50ms  How long each replayed request takes, or a range (20ms-2s) each
                           request's time is drawn from (seeded: the same on every run); one
                           still running when its container stops fails
          --fail-on=downtime   With --wait: exit 1 when a replayed request failed or a
                           LoadBalancer in front stays <pending>, even if the rollout succeeded

    """ + Global.helpText

    static func run(_ args: [String], io: inout CommandIO) throws -> Int32 {
        let parsed = try Arguments(args, specs: Global.specs + Global.fileSpecs + [
            .init(names: ["--dry-run"], takesValue: true),
            .init(names: ["--prune"], takesValue: false),
            .init(names: ["--all"], takesValue: false),
            .init(names: ["-l", "--selector"], takesValue: true),
            .init(names: ["-o", "--output"], takesValue: true),
            .init(names: ["--wait"], takesValue: false),
            .init(names: ["--no-fail-fast"], takesValue: false),
            .init(names: ["--rollback-on-failure"], takesValue: false),
            .init(names: ["--fail-on"], takesValue: true),
            .init(names: ["--validate"], takesValue: true),
        ] + Global.waitSpecs)
        if parsed.flag("--help") { io.out(help + "\n"); return 0 }
        if let extra = parsed.positional.first { throw UsageError(message: "unexpected argument \"\(extra)\"; give manifests with -f") }
        var options = ApplyOptions()
        options.namespace = Global.namespace(parsed)
        options.namespaceExplicit = parsed.last("--namespace") != nil
        let dryRunText = parsed.last("--dry-run") ?? "none"
        guard let dryRun = DryRun(rawValue: dryRunText == "true" ? "client" : dryRunText) else {
            throw UsageError(message: "Invalid dry-run value (\(dryRunText)). Must be \"none\", \"server\", or \"client\".")
        }
        options.dryRun = dryRun
        let validate = parsed.last("--validate") ?? "strict"
        guard let fieldValidation = FieldValidation(flag: validate) else {
            throw UsageError(message: "invalid - validate option \"\(validate)\"; must be one of: strict (or true), warn, ignore (or false)")
        }
        options.fieldValidation = fieldValidation
        options.selector = try Global.selector(parsed)
        options.prune = parsed.flag("--prune")
        if options.prune && options.selector == nil && !parsed.flag("--all") {
            throw UsageError(message: "all resources selected for prune without explicitly passing --all. To prune all resources, pass the --all flag. If you did not mean to prune all resources, specify a label selector")
        }
        let output = parsed.last("--output")
        if let output, !["name", "yaml", "json"].contains(output) {
            throw UsageError(message: "unable to match a printer suitable for the output format \"\(output)\", allowed formats are: json,name,yaml")
        }
        // Every flag is checked before anything is applied: a bad one changes nothing.
        let timeout = try Global.timeout(parsed)
        var pacer = try Global.pacer(parsed)
        _ = try Global.trafficRate(parsed)
        _ = try Global.requestTime(parsed)
        let failOn = Set(parsed.all("--fail-on").flatMap { $0.split(separator: ",").map(String.init) })
        if let bad = failOn.first(where: { $0 != "downtime" }) {
            throw UsageError(message: "invalid argument \"\(bad)\" for \"--fail-on\" flag: expected downtime")
        }
        let candidates = try Applier.prepare(try Global.readManifests(parsed, io: &io, verb: "apply"), options: options)
        for warning in candidates.flatMap(\.warnings) + Applier.dumpWarnings(candidates) { io.err("Warning: \(warning)\n") }
        let store = try Global.openStore(parsed, writable: true)
        defer { store.close() }
        let waiting = parsed.flag("--wait") && options.dryRun == .none
        let outcomes: [ApplyOutcome]
        do {
            outcomes = try Applier.apply(candidates, to: store, options: options, commit: !waiting)
        } catch let failure as PruneFailure {
            // kubectl stops at a delete the API server refuses: what it applied and pruned
            // before stays (nothing is waited for), is printed, and the error exits 1.
            if options.dryRun == .none { try store.commit() }
            try print(failure.outcomes, output: output, io: &io)
            throw CommandFailure(message: failure.message)
        }
        // With --wait the controllers' objects are loaded (and checked) before anything is
        // committed: a damaged state is reported with nothing changed.
        let loaded = waiting ? try Cluster(store: store) : nil
        KeptUntilExit.keep(loaded)
        if waiting { try store.commit() }
        try print(outcomes, output: output, io: &io)
        guard let cluster = loaded else { return 0 }
        // Wait for every Deployment this apply named, as `rollout status` would.
        let keys = outcomes.filter { ["Deployment", "StatefulSet", "DaemonSet"].contains($0.resource.kind) && $0.resource.type.group == "apps" && $0.operation != "pruned" }.map(\.resource.key)
        // The Deployments behind an applied Service: a Service change can cut them off.
        let appliedServices = Set(outcomes.filter { $0.resource.kind == "Service" && $0.resource.type.group.isEmpty }.map(\.resource.key))
        let behindServices = cluster.deployments.values.filter { d in
            !keys.contains(d.key) && !Set(TrafficRecorder.services(selecting: d, in: cluster)).isDisjoint(with: appliedServices)
        }.map(\.key).sorted()
        try Global.startTraffic(parsed, cluster: cluster, deployments: keys)
        let results = try Global.waitForRollouts(keys, cluster: cluster, store: store,
                                                 options: RolloutWait.Options(timeout: timeout, failFast: !parsed.flag("--no-fail-fast")),
                                                 pacer: &pacer, io: &io, alsoReachable: behindServices)
        var failures: [String] = []
        var failedKeys: [ObjectKey] = []
        for key in keys {
            switch results[key] ?? .timedOut {
            case .done: break
            case .failed(let message): failures.append(message); failedKeys.append(key)
            case .timedOut: failures.append("timed out waiting for \(key.type.dropFirst("apps/".count).lowercased()) \"\(key.name)\""); failedKeys.append(key)
            case .notFound: failures.append("\(key.type.dropFirst("apps/".count).lowercased()) \"\(key.name)\" has been deleted")
            }
        }
        // --fail-on downtime: requests failed while it rolled, or clients outside cannot reach it.
        if failures.isEmpty && failOn.contains("downtime") {
            let lost = cluster.traffic?.traffic.values.reduce(0) { $0 + $1.failed } ?? 0
            let unreachable = TrafficRecorder.unreachableServices(selecting: (keys + behindServices).compactMap { cluster.workload($0) }, in: cluster)
            if lost > 0 || !unreachable.isEmpty {
                throw CommandFailure(message: lost > 0 ? "\(lost) request\(lost == 1 ? "" : "s") failed during the rollout (--fail-on downtime)"
                                                       : "clients outside cannot reach the app (--fail-on downtime)")
            }
        }
        if failures.isEmpty { return 0 }
        // --rollback-on-failure: undo each failed rollout to its previous revision and wait for
        // that, as Nomad's auto_revert and ECS' circuit breaker do. The exit status stays 1.
        if parsed.flag("--rollback-on-failure") {
            for failure in failures { io.out("error: \(failure)\n") }
            var rolledBack: [ObjectKey] = []
            for key in failedKeys {
                let kind = key.type.dropFirst("apps/".count).lowercased()
                do {
                    if kind != "deployment" {
                        // The revision before the newest (StatefulSetRollbacker, DaemonSetRollbacker: findHistory).
                        let (updated, _) = try RolloutActions.revisionUndoTarget(store, key, toRevision: 0)
                        guard updated != nil else { continue }
                        io.out("rolling back \(kind) \"\(key.name)\" to its previous revision\n")
                        _ = try RolloutActions.undo(store, key, toRevision: 0)
                        rolledBack.append(key)
                        continue
                    }
                    let (updated, _, revision) = try RolloutActions.undoTarget(store, key, toRevision: 0)
                    guard updated != nil else { continue }
                    io.out("rolling back deployment \"\(key.name)\" to revision \(revision)\n")
                    _ = try RolloutActions.undo(store, key, toRevision: revision)
                    rolledBack.append(key)
                } catch let error as RolloutActionError {
                    io.out("error: cannot roll back \(kind) \"\(key.name)\": \(error.message)\n")
                }
            }
            if !rolledBack.isEmpty {
                let again = try Cluster(store: store)
                KeptUntilExit.keep(again)
                try Global.startTraffic(parsed, cluster: again, deployments: rolledBack)
                let undone = try Global.waitForRollouts(rolledBack, cluster: again, store: store,
                                                        options: RolloutWait.Options(timeout: timeout), pacer: &pacer, io: &io)
                let restored = rolledBack.filter { undone[$0] == .done }.map { "\($0.type.dropFirst("apps/".count).lowercased()).apps/\($0.name)" }
                io.flush()
                throw CommandFailure(message: "rollout failed; \(restored.isEmpty ? "the rollback did not finish either" : "rolled back " + restored.joined(separator: ", "))")
            }
        }
        throw CommandFailure(message: failures.joined(separator: "\nerror: "))
    }

    /// Each outcome as kubectl prints it: `kind/name created`, or the object itself for `-o`
    /// (YAML documents separated by `---`, JSON objects one after another), or its name.
    private static func print(_ outcomes: [ApplyOutcome], output: String?, io: inout CommandIO) throws {
        for (i, outcome) in outcomes.enumerated() {
            if let warning = outcome.warning {
                io.flush()
                io.err("Warning: \(warning)\n")
            }
            switch output {
            case "yaml"?: io.out((i > 0 ? "---\n" : "") + YAMLWriter.string(WireForm.value(outcome.resource.value)))
            case "json"?: io.out(try JSONWriter.string(WireForm.value(outcome.resource.value), style: .pretty, keys: .sorted) + "\n")
            case "name"?: io.out(outcome.object + "\n")
            default: io.out(outcome.line + "\n")
            }
        }
    }
}

import RolloutCore

/// `rollout cordon NODE…` and `rollout uncordon NODE…`, as kubectl's.
enum NodeCommands {
    static func cordon(_ args: [String], io: inout CommandIO) throws -> Int32 { try run(args, io: &io, cordon: true) }
    static func uncordon(_ args: [String], io: inout CommandIO) throws -> Int32 { try run(args, io: &io, cordon: false) }

    static func run(_ args: [String], io: inout CommandIO, cordon: Bool) throws -> Int32 {
        let verb = cordon ? "cordon" : "uncordon"
        let text = """
        \(cordon ? "Mark nodes as unschedulable: new pods go elsewhere, the pods on them stay." : "Mark nodes as schedulable again.")

        Usage:
          rollout \(verb) NODE... [options]

        Examples:
          rollout \(verb) node-2

        """ + Global.helpText
        let parsed = try Arguments(args, specs: Global.specs)
        if parsed.flag("--help") { io.out(text + "\n"); return 0 }
        guard !parsed.positional.isEmpty else { throw UsageError(message: "USAGE: \(verb) NODE [flags]\nSee 'rollout \(verb) -h' for help and examples") }
        let store = try Global.openStore(parsed, writable: true)
        defer { store.close() }
        for name in parsed.positional {
            io.out(try NodeActions.cordon(store, node: name.hasPrefix("node/") ? String(name.dropFirst(5)) : name, unschedulable: cordon) + "\n")
        }
        return 0
    }
}

/// `rollout drain NODE`, as `kubectl drain`, in virtual time.
enum DrainCommand {
    static let help = """
    Drain a node for maintenance, as kubectl drain does: cordon it, then evict every pod on it
    through the eviction API, which refuses while a PodDisruptionBudget would be violated
    (retried every 5s), and wait for each pod to be gone. Time is virtual: the controllers run
    meanwhile, so replacements start elsewhere. Prints kubectl's lines.

    Exit status: 0 drained; 1 when pods could not be evicted (a refusing filter, --timeout, or a
    budget that can never allow it); 2 bad input.

    Usage:
      rollout drain NODE [--ignore-daemonsets] [--delete-emptydir-data] [--force] [--timeout=0s] [--disable-eviction]
                         [--pod-selector=SEL] [--grace-period=-1] [--dry-run=none|client|server] [options]

    Examples:
      rollout drain node-2 --ignore-daemonsets --delete-emptydir-data
      rollout plan --drain node-2      # the same, predicted, with traffic

    Options:
          --ignore-daemonsets     Ignore DaemonSet-managed pods
          --delete-emptydir-data  Continue even if there are pods using emptyDir (local data that will be deleted)
          --force                 Continue even if there are pods that do not declare a controller
          --disable-eviction      Delete pods instead of evicting them: bypasses PodDisruptionBudgets
          --timeout=0s            How long to wait before giving up (0: for ever)
          --pod-selector=SEL      Only the pods this label selector matches
          --grace-period=-1       Seconds each pod gets to stop (negative: its own terminationGracePeriodSeconds)
          --dry-run=none          client or server: print what would be evicted, change nothing

    """ + Global.helpText

    static func run(_ args: [String], io: inout CommandIO) throws -> Int32 {
        let parsed = try Arguments(args, specs: Global.specs + [
            .init(names: ["--ignore-daemonsets"], takesValue: false), .init(names: ["--delete-emptydir-data"], takesValue: false),
            .init(names: ["--force"], takesValue: false), .init(names: ["--disable-eviction"], takesValue: false),
            .init(names: ["--timeout"], takesValue: true), .init(names: ["--pod-selector"], takesValue: true),
            .init(names: ["--dry-run"], takesValue: true), .init(names: ["--grace-period"], takesValue: true),
        ])
        if parsed.flag("--help") { io.out(help + "\n"); return 0 }
        guard parsed.positional.count == 1, let given = parsed.positional.first else {
            throw UsageError(message: "USAGE: drain NODE [flags]\nSee 'rollout drain -h' for help and examples")
        }
        let options = try Global.drainOptions(parsed)
        let store = try Global.openStore(parsed, writable: true)
        defer { store.close() }
        let cluster = try Cluster(store: store)
        KeptUntilExit.keep(cluster)
        let name = given.hasPrefix("node/") ? String(given.dropFirst(5)) : given
        guard cluster.nodes.contains(where: { $0.name == name }) else {
            throw StoreError.conflict("Error from server (NotFound): nodes \"\(name)\" not found")
        }
        var out = io
        let result = Drain.run(name, in: cluster, options: options, emit: { line in
            switch line.stream {
            case .out: out.out(line.text + "\n")
            case .err:
                out.flush()
                out.err(line.text + "\n")
            }
        })
        io = out
        // A dry run changes nothing.
        if options.dryRun == .none {
            try cluster.save()
            try store.commit()
        }
        io.flush()
        if result.waitingOnDownNode {
            io.err("error: the drain of node \"\(name)\" can never finish: its kubelet is down, so the evicted pods stay Terminating (kubectl would wait until interrupted; --timeout bounds it)\n")
            return 1
        }
        if result.blockedForever {
            io.err("error: the drain of node \"\(name)\" can never finish: \(result.pendingPods.count) pod(s) cannot be evicted without violating a PodDisruptionBudget and nothing left in the cluster will change that (kubectl would retry every 5s until interrupted)\n")
            return 1
        }
        return result.drained ? 0 : 1
    }
}

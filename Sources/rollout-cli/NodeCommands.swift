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

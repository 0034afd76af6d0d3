import RolloutCore

enum LintCommand {
    static let help = """
    Find the zero-downtime hazards in manifests, without a cluster: each with a code, the field,
    what goes wrong during a rollout, and the fix.

    Errors (drop requests or block rollouts): no-readiness-probe, no-prestop-delay,
    grace-too-short, single-replica (with maxUnavailable ≥ 1), unavailable-covers-replicas,
    surge-and-unavailable-zero, service-selects-nothing, target-port-unknown,
    load-balancer-port-conflict. Warnings: readiness-before-warmup, liveness-equals-readiness,
    mutable-image-tag, no-resource-requests, recreate-outage, readiness-gate, replicas-with-hpa,
    single-replica (otherwise),
    missing-reference (a ConfigMap, Secret or PersistentVolumeClaim the pods need that is
    neither in the manifests nor in the cluster of --state, when that state exists).

    Exit status: 0 no errors (no warnings either with --strict); 1 errors (or warnings with
    --strict); 2 the manifests do not parse or validate.

    Usage:
      rollout lint -f PATH... [-R] [--strict] [-o text|json]

    Examples:
      rollout lint -f examples/manifests/
      rollout lint -f k8s/ -R --strict -o json

    Options:
      -f, --filename=[]    Files, folders (.yaml, .yml, .json) or - for standard input
      -R, --recursive      Walk folders given with -f recursively
          --strict         Warnings fail too
      -o, --output=text    text, or json (one JSON object per hazard, one per line)
      -n, --namespace=     Namespace for objects that name none (default "default")
          --state=DIR      The cluster whose objects references may name (default
                           $ROLLOUT_STATE or ~/.rollout; none is needed)
    """

    static func run(_ args: [String], io: inout CommandIO) throws -> Int32 {
        let parsed = try Arguments(args, specs: Global.fileSpecs + [
            .init(names: ["--strict"], takesValue: false), .init(names: ["-o", "--output"], takesValue: true),
            .init(names: ["-n", "--namespace"], takesValue: true), .init(names: ["-h", "--help"], takesValue: false),
            .init(names: ["--no-color"], takesValue: false), .init(names: ["--state"], takesValue: true),
        ])
        if parsed.flag("--help") { io.out(help + "\n"); return 0 }
        if let extra = parsed.positional.first { throw UsageError(message: "unexpected argument \"\(extra)\"; give manifests with -f") }
        let output = parsed.last("--output") ?? "text"
        guard output == "text" || output == "json" else {
            throw UsageError(message: "unable to match a printer suitable for the output format \"\(output)\", allowed formats are: json,text")
        }
        let documents = try Global.readManifests(parsed, io: &io, verb: "lint")
        let hazards = Linter.lint(documents, defaultNamespace: Global.namespace(parsed), cluster: try Global.knownObjects(parsed))
        var invalid: ValidationErrors?
        var options = ApplyOptions()
        options.namespace = Global.namespace(parsed)
        do { _ = try Applier.prepare(documents, options: options) } catch let error as ValidationErrors { invalid = error }
        if output == "json" {
            for hazard in hazards { io.out(try JSONWriter.string(hazard.json) + "\n") }
        } else {
            io.palette = .hazards
            for hazard in hazards { io.out(hazard.text) }
            let errors = hazards.filter { $0.severity == .error }.count, warnings = hazards.count - errors
            io.out(hazards.isEmpty ? "no hazards found\n" : "\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")\n")
        }
        if let invalid { throw invalid }
        let failing = hazards.contains { $0.severity == .error || parsed.flag("--strict") }
        return failing ? 1 : 0
    }
}

import Foundation
import RolloutCore

enum PlanCommand {
    static let help = """
    Predict what applying manifests would do, without doing it: on a copy of the cluster, apply
    them and run every rollout they cause to its end (or failure), with requests through the
    Services in front. Prints the changes; per Deployment the resolved maxSurge and
    maxUnavailable (and how they were rounded), the predicted duration, the most pods at once,
    the fewest available, and the outcome; per Service and per Ingress rule (through Traefik)
    the requests sent and failed, with the windows they failed in and why; the hazards `rollout
    lint` finds, and a LoadBalancer left <pending>; and a verdict: safe, hazard, downtime or
    failed. A change to Services alone replays their traffic for 10s. The state is never
    changed.

    Exit status: 0; 1 with --fail-on downtime when a request or a rollout failed; 3 with
    --fail-on hazard when there is an error-level hazard and no downtime; 2 bad input.

    With --drain NODE or --fail-node NODE, the cluster as it is (plus the manifests, rolled out
    first) goes through that node event instead: a kubectl drain (cordon, evictions that
    PodDisruptionBudgets may refuse, retried every 5s) or a node whose kubelet stops (NotReady
    after about 50s, eviction 300s later, replacements elsewhere). Prints the drain's kubectl
    lines or the node's steps with their times; per Deployment that had pods on the node, the
    fewest available and when, and the pods left Pending; per Service the failed requests; the
    hazards (also pdb-blocks-drain, replicas-on-one-node, replicas-in-one-zone); and a verdict:
    safe, hazard, downtime, or blocked (the drain cannot finish, or pods found no node).

    Usage:
      rollout plan -f PATH... [-R] [--traffic=10] [--fail-on=downtime|hazard] [--timeout=D] [-o text|json] [options]
      rollout plan --drain NODE [-f PATH...] [--ignore-daemonsets] [--delete-emptydir-data] [--force] [--disable-eviction] [options]
      rollout plan --fail-node NODE [-f PATH...] [options]

    Examples:
      rollout plan -f examples/releases/web-api-1.5.0.yaml
      rollout plan -f k8s/ --fail-on downtime -o json     # in CI, before merging
      rollout plan -f k8s/ --baseline-ref origin/main --fail-on downtime,hazard -o markdown
      rollout plan --drain node-2 --delete-emptydir-data   # will maintenance drop traffic?
      rollout plan --fail-node node-2 --traffic 50

    Options:
      -f, --filename=[]    Files, folders (.yaml, .yml, .json) or - for standard input
      -R, --recursive      Walk folders given with -f recursively
          --traffic=10     Requests per second through each Service (0: none)
          --request-time=50ms  How long each request takes, or a range (20ms-2s) drawn from with
                           a fixed seed (a Service's rollout.sim/request-time sets its own); one
                           still running when its container stops fails
          --fail-on=       downtime or hazard (repeat for both)
          --timeout=1d     Virtual time a rollout may take at most
          --svg=FILE       Also write a chart of each rollout (as `timeline -o svg`)
          --baseline-ref=REF  Plan against the -f paths as they were at git revision REF,
                           applied and rolled out on a fresh cluster (CI: the base branch)
          --baseline-state=DIR  Plan against the state in DIR (left unchanged)
          --drain=NODE     Plan a kubectl drain of NODE (with drain's --ignore-daemonsets,
                           --delete-emptydir-data, --force, --disable-eviction)
          --fail-node=NODE Plan the failure of NODE (its kubelet stops for good)
      -o, --output=text    text; markdown (for $GITHUB_STEP_SUMMARY or a pull-request comment:
                           the verdict, rollouts, requests, failure windows, hazards, the diff
                           folded); or json: changes, deployments (name, namespace, maxSurge,
                           maxUnavailable, durationSeconds, maxPods, minAvailable, outcome),
                           services (name, namespace, ingress, requests, failed, windows),
                           hazards (with file, line, column and fix), verdict, reasons

    """ + Global.helpText

    static func run(_ args: [String], io: inout CommandIO) throws -> Int32 {
        let parsed = try Arguments(args, specs: Global.specs + Global.fileSpecs + Global.waitSpecs + [
            .init(names: ["--fail-on"], takesValue: true), .init(names: ["-o", "--output"], takesValue: true),
            .init(names: ["--svg"], takesValue: true),
            .init(names: ["--baseline-ref"], takesValue: true), .init(names: ["--baseline-state"], takesValue: true),
            .init(names: ["--drain"], takesValue: true), .init(names: ["--fail-node"], takesValue: true),
            .init(names: ["--ignore-daemonsets"], takesValue: false), .init(names: ["--delete-emptydir-data"], takesValue: false),
            .init(names: ["--force"], takesValue: false), .init(names: ["--disable-eviction"], takesValue: false),
            .init(names: ["--pod-selector"], takesValue: true), .init(names: ["--grace-period"], takesValue: true),
        ])
        if parsed.flag("--help") { io.out(help + "\n"); return 0 }
        if let extra = parsed.positional.first { throw UsageError(message: "unexpected argument \"\(extra)\"; give manifests with -f") }
        let failOn = Set(parsed.all("--fail-on").flatMap { $0.split(separator: ",").map(String.init) })
        if let bad = failOn.first(where: { $0 != "downtime" && $0 != "hazard" }) {
            throw UsageError(message: "invalid argument \"\(bad)\" for \"--fail-on\" flag: expected downtime or hazard")
        }
        let output = parsed.last("--output") ?? "text"
        guard output == "text" || output == "json" || output == "markdown" else {
            throw UsageError(message: "unable to match a printer suitable for the output format \"\(output)\", allowed formats are: json,markdown,text")
        }
        var options = ApplyOptions()
        options.namespace = Global.namespace(parsed)
        options.namespaceExplicit = parsed.last("--namespace") != nil
        if parsed.last("--drain") != nil || parsed.last("--fail-node") != nil {
            return try nodeEvent(parsed, options: options, output: output, failOn: failOn, io: &io)
        }
        let documents = try Global.readManifests(parsed, io: &io, verb: "plan")
        let baseline = try baselineStore(parsed, options: options, io: &io)
        let store = try baseline?.store ?? Global.openStore(parsed, writable: true)
        // Never committed: closing the store drops everything the plan did (and a temporary
        // baseline goes with it).
        defer {
            store.close()
            if let temporary = baseline?.temporary { try? FileManager.default.removeItem(atPath: temporary) }
        }
        let report = try Planner.plan(documents, store: store, options: options, rps: try Global.trafficRate(parsed), timeout: try Global.timeout(parsed),
                                      requestTime: try Global.requestTime(parsed))
        switch output {
        case "json": io.out(try JSONWriter.string(report.json, style: .pretty) + "\n")
        case "markdown": io.out(report.markdown)
        default:
            io.palette = .hazards
            io.out(report.text)
        }
        if let path = parsed.last("--svg") {
            // One chart per Deployment that rolled: FILE for the first, FILE-NAME.svg for others.
            for (i, chart) in report.charts.enumerated() {
                let file = i == 0 ? path : (path.hasSuffix(".svg") ? String(path.dropLast(4)) : path) + "-\(chart.name).svg"
                do { try chart.svg.write(toFile: file, atomically: true, encoding: .utf8) } catch {
                    throw CommandFailure(message: "cannot write \(file): \(error.localizedDescription)")
                }
            }
        }
        if failOn.contains("downtime") {
            for service in report.unreplayed {
                io.err("warning: service/\(service): nothing served before this plan, so there was no traffic to lose; --fail-on downtime checked nothing for it\n")
            }
        }
        let downtime = report.failedRequests > 0 || report.deployments.contains { $0.outcome.hasPrefix("failed") }
        let hazard = report.hazards.contains { $0.severity == .error }
        // 1: requests failed or a rollout failed; 3: an error-level hazard, without downtime
        // (2 is bad input), so CI can tell them apart without reading the text.
        if failOn.contains("downtime") && downtime { return 1 }
        if failOn.contains("hazard") && hazard { return 3 }
        return 0
    }

    /// `plan --drain NODE` / `plan --fail-node NODE`.
    static func nodeEvent(_ parsed: Arguments, options: ApplyOptions, output: String, failOn: Set<String>, io: inout CommandIO) throws -> Int32 {
        if parsed.last("--drain") != nil && parsed.last("--fail-node") != nil { throw UsageError(message: "--drain and --fail-node cannot be given together") }
        let event: NodeEvent
        if let node = parsed.last("--drain") {
            event = .drain(node.hasPrefix("node/") ? String(node.dropFirst(5)) : node, try Global.drainOptions(parsed))
        } else {
            let node = parsed.last("--fail-node") ?? ""
            event = .fail(node.hasPrefix("node/") ? String(node.dropFirst(5)) : node)
        }
        let documents = parsed.all("--filename").isEmpty ? [] : try Global.readManifests(parsed, io: &io, verb: "plan")
        let store = try Global.openStore(parsed, writable: true)
        defer { store.close() }
        let report = try Planner.plan(event, documents: documents, store: store, options: options, rps: try Global.trafficRate(parsed),
                                      timeout: try Global.timeout(parsed), requestTime: try Global.requestTime(parsed))
        if output != "json" { io.palette = .hazards }
        io.out(output == "json" ? try JSONWriter.string(report.json, style: .pretty) + "\n" : report.text)
        let v = report.verdict.result
        if failOn.contains("downtime") && (v == "blocked" || v == "downtime") { return 1 }
        if failOn.contains("hazard") && report.hazards.contains(where: { $0.severity == .error }) { return 3 }
        return 0
    }

    /// `--baseline-ref REF`: a fresh cluster (the default profile) in a temporary state, with the
    /// `-f` paths as they were at REF applied and rolled out; `--baseline-state DIR`: the plan
    /// runs on DIR (never committed, so DIR is left as it was). nil: the usual `--state`.
    static func baselineStore(_ parsed: Arguments, options: ApplyOptions, io: inout CommandIO) throws -> (store: StateStore, temporary: String?)? {
        if let directory = parsed.last("--baseline-state") {
            guard parsed.last("--baseline-ref") == nil else { throw UsageError(message: "--baseline-ref and --baseline-state cannot be given together") }
            guard FileManager.default.fileExists(atPath: directory + "/state.json") else {
                throw UsageError(message: "--baseline-state \(directory): no rollout state there (make one with rollout cluster init, apply or cluster import)")
            }
            return (try StateStore(directory: directory, writable: true), nil)
        }
        guard let ref = parsed.last("--baseline-ref") else { return nil }
        let work = NSTemporaryDirectory() + "rollout-baseline-\(ProcessInfo.processInfo.processIdentifier)"
        try? FileManager.default.removeItem(atPath: work)
        let files = try BaselineSources.extract(ref: ref, paths: parsed.all("--filename"), into: work + "/manifests")
        let store = try StateStore(directory: work + "/state", writable: true, newCluster: ClusterSpec())
        do {
            let documents = files.isEmpty ? [] : try ManifestDecoder.decode(try ManifestPaths.sources(for: files, recursive: false)).documents
            let applied = try Baseline.load(documents, into: store, options: options)
            io.err("baseline: \(ref): \(applied.count) object\(applied.count == 1 ? "" : "s") applied and rolled out on a fresh cluster\n")
        } catch {
            store.close()
            try? FileManager.default.removeItem(atPath: work)
            throw error
        }
        return (store, work)
    }
}

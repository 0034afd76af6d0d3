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

    /// `reset`: `cluster init`, which may open a damaged state to erase it.
    static func openStore(_ parsed: Arguments, writable: Bool, reset: Bool = false) throws -> StateStore {
        let directory = StateStore.directory(flag: parsed.last("--state"), environment: ProcessEnvironment.current())
        let store = try StateStore(directory: directory, writable: writable, reset: reset)
        KeptUntilExit.keep(store)
        return store
    }

    /// The ConfigMaps, Secrets and claims of the state, if a state exists there (lint needs
    /// none and never creates one).
    static func knownObjects(_ parsed: Arguments) throws -> KnownObjects {
        let directory = StateStore.directory(flag: parsed.last("--state"), environment: ProcessEnvironment.current())
        var known = KnownObjects()
        guard FileManager.default.fileExists(atPath: directory + "/state.json") else { return known }
        let store = try StateStore(directory: directory, writable: false)
        defer { store.close() }
        for (apiVersion, kind) in KnownObjects.kinds {
            for object in try store.list(ResourceType.forObject(apiVersion: apiVersion, kind: kind)) { known.addFromCluster(object) }
        }
        return known
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

    static let waitSpecs: [Arguments.Spec] = [
        .init(names: ["--timeout"], takesValue: true),
        .init(names: ["--speed"], takesValue: true),
        .init(names: ["--traffic"], takesValue: true),
        .init(names: ["--request-time"], takesValue: true),
    ]

    /// `--traffic RPS`: requests per second replayed through each Service (default 10, 0: none).
    static func trafficRate(_ parsed: Arguments) throws -> Int {
        guard let text = parsed.last("--traffic") else { return 10 }
        guard let rps = Int(text), (0...10_000).contains(rps) else {
            throw UsageError(message: "invalid argument \"\(text)\" for \"--traffic\" flag: expected requests per second from 0 to 10000")
        }
        return rps
    }

    /// Starts replaying requests through the Services in front of these Deployments.
    static func startTraffic(_ parsed: Arguments, cluster: Cluster, deployments: [ObjectKey]) throws {
        let rps = try trafficRate(parsed)
        guard rps > 0 else { return }
        let resources = deployments.compactMap { cluster.workload($0) }
        let services = TrafficRecorder.servingServices(selecting: resources, in: cluster)
        let routes = TrafficRecorder.ingressRoutes(selecting: resources, in: cluster) + TrafficRecorder.hostPortRoutes(selecting: resources, in: cluster)
        guard !services.isEmpty || !routes.isEmpty else { return }
        cluster.traffic = TrafficRecorder(rps: rps, services: services, routes: routes, start: cluster.now, requestTime: try requestTime(parsed))
    }

    /// `--request-time`: how long each replayed request takes (default 50ms).
    static func requestTime(_ parsed: Arguments) throws -> RequestTime {
        guard let text = parsed.last("--request-time") else { return TrafficRecorder.defaultRequestTime }
        guard let time = RequestTime(parsing: text), time.max.milliseconds <= 3_600_000 else {
            throw UsageError(message: "invalid argument \"\(text)\" for \"--request-time\" flag: expected a duration from 0s to 1h, such as 50ms or 2s, or a range such as 20ms-2s")
        }
        return time
    }

    /// kubectl drain's flags.
    static func drainOptions(_ parsed: Arguments) throws -> DrainOptions {
        var options = DrainOptions()
        options.ignoreDaemonSets = parsed.flag("--ignore-daemonsets")
        options.deleteEmptyDirData = parsed.flag("--delete-emptydir-data")
        options.force = parsed.flag("--force")
        options.disableEviction = parsed.flag("--disable-eviction")
        options.timeout = try timeout(parsed)
        if let text = parsed.last("--pod-selector") { options.podSelector = try LabelSelector.parse(text) }
        if let text = parsed.last("--grace-period") {
            guard let n = Int(text) else { throw UsageError(message: "invalid argument \"\(text)\" for \"--grace-period\" flag: expected a number of seconds") }
            options.gracePeriod = n < 0 ? nil : n
        }
        if let text = parsed.last("--dry-run") {
            guard let dryRun = DryRun(rawValue: text == "true" ? "client" : text) else {
                throw UsageError(message: "Invalid dry-run value (\(text)). Must be \"none\", \"server\", or \"client\".")
            }
            options.dryRun = dryRun
        }
        return options
    }

    /// `--timeout`: a Go duration of virtual time; 0 or absent means the default limit.
    static func timeout(_ parsed: Arguments) throws -> Duration? {
        guard let text = parsed.last("--timeout") else { return nil }
        guard let duration = Duration(parsing: text), duration.milliseconds >= 0 else {
            throw UsageError(message: "invalid argument \"\(text)\" for \"--timeout\" flag: expected a duration such as 30s or 5m")
        }
        return duration.milliseconds == 0 ? nil : duration
    }

    static func pacer(_ parsed: Arguments) throws -> Pacer {
        guard let text = parsed.last("--speed") else { return Pacer(speed: nil) }
        guard let speed = Double(text), speed > 0, speed.isFinite else {
            throw UsageError(message: "invalid argument \"\(text)\" for \"--speed\" flag: expected a positive number")
        }
        return Pacer(speed: speed)
    }

    /// Runs virtual time until the rollouts finish, printing each new status line (failures are
    /// reported by the caller, as errors), then saves the cluster and commits, and prints the
    /// traffic report when requests were replayed.
    static func waitForRollouts(_ keys: [ObjectKey], cluster: Cluster, store: StateStore, options: RolloutWait.Options,
                                pacer: inout Pacer, io: inout CommandIO, alsoReachable: [ObjectKey] = []) throws -> [ObjectKey: RolloutWait.Outcome] {
        // Lines go out as they happen: with --speed, the user watches the rollout live.
        let outcomes = RolloutWait.wait(for: keys, in: cluster, options: options, report: { _, result, _ in
            if case .failed = result { return }
            io.out(result.message + "\n")
            io.flush()
        }, pace: { pacer.pace(to: $0) })
        // The last save of this cluster: what follows only reads it.
        try cluster.save(final: true)
        try store.commit()
        if let traffic = cluster.traffic { io.out(traffic.report()) }
        // A rolled-out app that clients outside cannot reach is not "successfully" out.
        for line in TrafficRecorder.unreachableServices(selecting: (keys + alsoReachable).compactMap { cluster.workload($0) }, in: cluster) {
            io.out(line + "\n")
        }
        return outcomes
    }

    /// `deployment/NAME`, `deploy/NAME`, or `deployment NAME`.
    /// `deployment/NAME`, `deploy/NAME`, or `deployment NAME` — or, where the verb works on
    /// them (`kinds`), `statefulset/NAME`, `sts/NAME`.
    static func deploymentKey(_ positional: [String], namespace: String, verb: String, kinds: Set<String> = ["Deployment"]) throws -> ObjectKey {
        var name: String?
        var kind = "Deployment"
        func known(_ text: String) -> ResourceType? {
            guard let type = ResourceType.resolve(text), type.group == "apps" else { return nil }
            return type
        }
        if positional.count == 1, let slash = positional[0].firstIndex(of: "/") {
            let type = String(positional[0][..<slash])
            guard let resolved = known(type), kinds.contains(resolved.kind) else {
                let what = verb == "status" ? "status viewer" : verb == "history" ? "history viewer" : verb == "undo" ? "rollbacker" : "\(verb)"
                throw UsageError(message: "no \(what) has been implemented for \(type)")
            }
            kind = resolved.kind
            name = String(positional[0][positional[0].index(after: slash)...])
        } else if positional.count == 2, let resolved = known(positional[0]), kinds.contains(resolved.kind) {
            kind = resolved.kind
            name = positional[1]
        }
        guard let name, !name.isEmpty else {
            let shapes = kinds.sorted().map { "\($0.lowercased())/NAME" }.joined(separator: " or ")
            throw UsageError(message: "expected \(shapes)\nSee 'rollout \(verb) --help' for usage.")
        }
        return ObjectKey(type: "apps/\(kind)", namespace: namespace, name: name)
    }

    static let fileSpecs: [Arguments.Spec] = [
        .init(names: ["-f", "--filename"], takesValue: true),
        .init(names: ["-R", "--recursive"], takesValue: false),
    ]
}

/// The operation failed (rollout failed, timed out): `error: <message>`, exit 1.
struct CommandFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// `--speed X`: sleeps so that virtual time passes at X times wall-clock speed. The wall clock
/// is read here, in the CLI, never in RolloutCore.
struct Pacer {
    let speed: Double?
    private var start: (virtual: Int, wall: Double)?

    init(speed: Double?) { self.speed = speed }

    mutating func pace(to virtual: Timestamp) {
        guard let speed else { return }
        let wall = Date().timeIntervalSince1970
        guard let start else {
            self.start = (virtual.milliseconds, wall)
            return
        }
        let due = start.wall + Double(virtual.milliseconds - start.virtual) / 1000 / speed
        if due > wall { usleep(UInt32(min((due - wall) * 1_000_000, 4_000_000_000))) }
    }
}

/// This build's version (`rollout version`, `rollout --version`).
let rolloutVersion = "v0.12.0"

extension Global {
    /// kubectl takes global flags on either side of the verb: those before it
    /// (`rollout --state X -n ns get pods`) are moved after it, where every command reads them.
    static func movingGlobalFlagsAfterTheVerb(_ args: [String]) -> [String] {
        var leading: [String] = []
        var i = 0
        while i < args.count, args[i].hasPrefix("-"), args[i] != "-", args[i] != "--" {
            let arg = args[i]
            let name = arg.split(separator: "=", maxSplits: 1).first.map(String.init) ?? arg
            guard let spec = specs.first(where: { $0.names.contains(name) }), !["-h", "--help"].contains(name) else { break }
            leading.append(arg)
            i += 1
            if spec.takesValue && !arg.contains("=") && i < args.count {
                leading.append(args[i])
                i += 1
            }
        }
        guard !leading.isEmpty, i < args.count else { return args }
        return [args[i]] + leading + args[(i + 1)...]
    }
}

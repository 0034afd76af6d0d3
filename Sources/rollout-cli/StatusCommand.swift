import Foundation
import RolloutCore

enum StatusCommand {
    static let help = """
    Watch the rollout of a Deployment, StatefulSet or DaemonSet until it finishes, as `kubectl rollout status` does:
    virtual time runs, the controllers act, and each new status line is printed. Beyond kubectl,
    it fails at once when every new pod is stuck in CrashLoopBackOff or ImagePullBackOff.

    Exit status: 0 rolled out; 1 failed (progress deadline exceeded, pods stuck), timed out or not found.

    Usage:
      rollout status (deployment|statefulset|daemonset)/NAME [--watch=true] [--revision=N] [--timeout=0s] [--speed=X] [--no-fail-fast] [options]

    Examples:
      rollout status deployment/web-api
      rollout status deploy web-api --timeout 5m
      rollout status deployment/web-api --speed 10     # ten times wall-clock speed, live

    Options:
      -w, --watch=true     Watch until done; --watch=false prints the current status once
          --revision=N     Fail unless the Deployment is at revision N
          --timeout=0s     Virtual time to wait at most (0: a day)
          --speed=X        Run the clock at X times wall-clock speed (default: as fast as possible)
          --no-fail-fast   Keep waiting when every new pod is in CrashLoopBackOff or ImagePullBackOff
          --traffic=10     Requests per second replayed through each Service in front of the
                           Deployment while it rolls (0: none); failures are reported at the end
          --request-time=50ms  How long each replayed request takes, or a range (20ms-2s) each
                           request's time is drawn from (seeded: the same on every run); one
                           still running when its container stops fails

    """ + Global.helpText

    static func run(_ args: [String], io: inout CommandIO) throws -> Int32 {
        let parsed = try Arguments(args, specs: Global.specs + Global.waitSpecs + [
            .init(names: ["-w", "--watch"], takesValue: false),
            .init(names: ["--no-fail-fast"], takesValue: false),
            .init(names: ["--revision"], takesValue: true),
        ])
        if parsed.flag("--help") { io.out(help + "\n"); return 0 }
        let key = try Global.deploymentKey(parsed.positional, namespace: Global.namespace(parsed), verb: "status", kinds: ["Deployment", "StatefulSet", "DaemonSet"])
        let store = try Global.openStore(parsed, writable: true)
        defer { store.close() }
        let cluster = try Cluster(store: store)
        KeptUntilExit.keep(cluster)
        let kind = String(key.type.dropFirst("apps/".count))
        guard let deployment = cluster.workload(key) else {
            throw StoreError.notFound(ResourceType.forObject(apiVersion: "apps/v1", kind: kind), key.name)
        }
        // --revision N: the rollout being watched must be that revision (rollout_status.go).
        if let text = parsed.last("--revision"), kind == "Deployment" {
            guard let wanted = Int(text), wanted >= 0 else { throw UsageError(message: "invalid argument \"\(text)\" for \"--revision\" flag") }
            let running = deployment.annotations["deployment.kubernetes.io/revision"].flatMap(Int.init) ?? 0
            if wanted > 0 && running != wanted {
                throw CommandFailure(message: "desired revision (\(wanted)) is different from the running revision (\(running))")
            }
        }
        if parsed.last("--watch") == "false" {
            EventLoop.settle(cluster)
            guard let current = cluster.workload(key) else { throw StoreError.notFound(ResourceType.forObject(apiVersion: "apps/v1", kind: kind), key.name) }
            let result = RolloutStatus.evaluate(current)
            try cluster.save()
            try store.commit()
            if case .failed(let message) = result { throw CommandFailure(message: message) }
            io.out(result.message + "\n")
            return 0
        }
        var options = RolloutWait.Options(timeout: try Global.timeout(parsed), failFast: !parsed.flag("--no-fail-fast"))
        options.timeout = try Global.timeout(parsed)
        var pacer = try Global.pacer(parsed)
        try Global.startTraffic(parsed, cluster: cluster, deployments: [key])
        let outcomes = try Global.waitForRollouts([key], cluster: cluster, store: store, options: options, pacer: &pacer, io: &io)
        switch outcomes[key] ?? .timedOut {
        case .done: return 0
        case .failed(let message): throw CommandFailure(message: message)
        case .timedOut: throw CommandFailure(message: "timed out waiting for the condition")
        case .notFound: throw CommandFailure(message: "object has been deleted")
        }
    }
}

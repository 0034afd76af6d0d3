/// How a pod's application behaves, from its template: the `rollout.sim/*` annotations
/// (SPEC §3), its probes, its `preStop` hook and its grace period. Resolved once per
/// ReplicaSet; every pod of it behaves the same.
public struct AppBehaviour: Equatable, Sendable {
    /// Image pull time; nil when the pull fails.
    public var pull: Duration?
    /// From container start until the app serves.
    public var startup: Duration
    /// From SIGTERM until the app has drained and exits.
    public var shutdown: Duration
    /// `rollout.sim/ready: never`: readiness never passes.
    public var readyNever: Bool
    /// The process exits this long after each start (CrashLoopBackOff).
    public var crashAfter: Duration?
    public var readinessProbe: Probe?
    public var livenessProbe: Probe?
    /// How long `preStop` runs (`sleep` hooks and `sleep N` commands), 0 without one.
    public var preStop: Duration
    public var hasPreStop: Bool
    public var terminationGracePeriodSeconds: Int
    /// Requests summed over containers: cpu in millicores, memory in bytes.
    public var cpuMillis: Int
    public var memoryBytes: Int

    public init(template: Value?) {
        var reader = FieldReader()
        let spec = PodTemplateSpec(template?.objectValue ?? Object(), at: FieldPath(), reader: &reader)
        let annotations = spec.annotations
        let duration = { (key: String) in annotations[key].flatMap(Duration.init(parsing:)) }
        pull = annotations["rollout.sim/pull"] == "fail" ? nil : (duration("rollout.sim/pull") ?? Duration(milliseconds: 0))
        startup = duration("rollout.sim/startup") ?? Duration(milliseconds: 0)
        shutdown = duration("rollout.sim/shutdown") ?? Duration(milliseconds: 0)
        readyNever = annotations["rollout.sim/ready"] == "never"
        crashAfter = duration("rollout.sim/crash-after")
        let main = spec.spec.containers.first
        readinessProbe = main?.readinessProbe.map(SimulationLimits.bounded)
        livenessProbe = main?.livenessProbe.map(SimulationLimits.bounded)
        // The API server takes any int64 and treats a negative grace period as 1 s
        // (`pkg/api/pod/warnings.go`, `pod/strategy.go` CheckGracefulDelete).
        let grace = spec.spec.terminationGracePeriodSeconds
        terminationGracePeriodSeconds = grace < 0 ? 1 : min(grace, SimulationLimits.maxSeconds)
        hasPreStop = spec.spec.containers.contains { $0.preStop != nil }
        preStop = Duration(milliseconds: spec.spec.containers.map { Self.preStopDuration($0.preStop).milliseconds }.max() ?? 0)
        startup = SimulationLimits.bounded(startup)
        shutdown = SimulationLimits.bounded(shutdown)
        pull = pull.map(SimulationLimits.bounded)
        crashAfter = crashAfter.map(SimulationLimits.bounded)
        cpuMillis = spec.spec.containers.reduce(0) { $0.addingSaturating(max(0, $1.resources.requests["cpu"]?.milliValue ?? 0)) }
        memoryBytes = spec.spec.containers.reduce(0) { $0.addingSaturating(max(0, $1.resources.requests["memory"]?.integerValue ?? 0)) }
    }

    /// `sleep: {seconds: N}`, or an exec hook whose command runs `sleep ARG...` (the common
    /// way to wait for endpoint propagation), read as coreutils' sleep reads its arguments;
    /// other hooks take no time. At most `SimulationLimits.maxSeconds` (`sleep inf` included):
    /// the grace period ends every preStop hook long before.
    static func preStopDuration(_ hook: PreStopHook?) -> Duration {
        switch hook {
        case .sleep(let seconds)?: return Duration(seconds: max(0, min(seconds, SimulationLimits.maxSeconds)))
        case .handler(.exec(let command))?:
            let words = command.joined(separator: " ").split(whereSeparator: { $0 == " " || $0 == ";" || $0 == "&" || $0 == "\n" || $0 == "|" }).map(String.init)
            guard let i = words.firstIndex(of: "sleep") else { return Duration(milliseconds: 0) }
            return SleepArguments.duration(Array(words[(i + 1)...])) ?? Duration(milliseconds: 0)
        default: return Duration(milliseconds: 0)
        }
    }

    /// When the pod becomes Ready after its container started at `start`, or nil if never:
    /// without a readiness probe at start; with one at the `successThreshold`-th passing probe,
    /// probes running at `start + k × periodSeconds` from `initialDelaySeconds` on, passing once
    /// the app serves (`pkg/kubelet/prober/worker.go`).
    public func readyTime(start: Timestamp) -> Timestamp? {
        if readyNever { return nil }
        guard let probe = readinessProbe else { return start }
        // Probe settings are int32 and durations bounded, so these sums stay far from overflow;
        // only the product of two int32 settings needs saturating.
        let period = max(1, probe.periodSeconds) * 1000
        // A tcpSocket probe passes once the port is open, warm or not.
        let portOnly = probe.handlers.allSatisfy { if case .tcpSocket = $0 { return true } else { return false } } && !probe.handlers.isEmpty
        let serving = start.milliseconds + (portOnly ? 0 : startup.milliseconds)
        let firstAllowed = start.milliseconds + probe.initialDelaySeconds * 1000
        var k = (max(firstAllowed, serving) - start.milliseconds + period - 1) / period
        if k < 0 { k = 0 }
        let firstPass = start.milliseconds + k * period
        return Timestamp(milliseconds: firstPass.addingSaturating((max(1, probe.successThreshold) - 1).multipliedSaturating(by: period)))
    }

    /// When the liveness probe kills a container started at `start` that is not yet serving:
    /// after `failureThreshold` failed probes. nil when liveness never fails.
    public func livenessKillTime(start: Timestamp) -> Timestamp? {
        guard let probe = livenessProbe else { return nil }
        let period = max(1, probe.periodSeconds) * 1000
        let serving = start.milliseconds + startup.milliseconds
        var k = (probe.initialDelaySeconds * 1000 + period - 1) / period
        var failures = 0
        while true {
            let t = start.milliseconds + k * period
            if t >= serving { return nil }
            failures += 1
            if failures >= max(1, probe.failureThreshold) { return Timestamp(milliseconds: t) }
            k += 1
            if k > 100_000 { return nil }
        }
    }
}

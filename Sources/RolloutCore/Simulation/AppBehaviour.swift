/// How a pod's application behaves, from its template: the `rollout.sim/*` annotations
/// (SPEC §3), its containers and their probes, `preStop` hooks and grace period. Resolved once
/// per ReplicaSet; every pod of it behaves the same.
///
/// Each annotation applies to every container unless its per-container form, the key followed
/// by `.` and the container's name, overrides it: `rollout.sim/startup.web: 20s`.
public struct AppBehaviour: Equatable, Sendable {
    /// The fields, in one object the copies share (as ContainerBehaviour's): every pod of a
    /// ReplicaSet holds its behaviour, which inline was 120 bytes of each pod and a dozen
    /// references retained at each copy; a change makes a new object (`update`).
    private struct Fields: Equatable, Sendable {
        var containers: [ContainerBehaviour]
        var terminationGracePeriodSeconds: Int
        var volumes: [VolumeReference]
        var qosClass: String
        var hostname: String?
        var subdomain: String?
        var readinessGates: [String]
        var imagePullSecrets: [String]
        var sysctlRefusal: String?
        var nodeName: String?
    }

    private final class Box: Sendable {
        let fields: Fields
        init(_ fields: Fields) { self.fields = fields }
    }

    private var box: Box

    private mutating func update(_ change: (inout Fields) -> Void) {
        var fields = box.fields
        change(&fields)
        box = Box(fields)
    }

    /// Init containers (regular and restartable, in spec order), then app containers.
    public var containers: [ContainerBehaviour] {
        get { box.fields.containers }
        set { update { $0.containers = newValue } }
    }
    public var terminationGracePeriodSeconds: Int {
        get { box.fields.terminationGracePeriodSeconds }
        set { update { $0.terminationGracePeriodSeconds = newValue } }
    }
    /// ConfigMaps, Secrets and claims the pod's volumes need before any container starts.
    public var volumes: [VolumeReference] {
        get { box.fields.volumes }
        set { update { $0.volumes = newValue } }
    }
    /// `status.qosClass` (`pkg/apis/core/v1/helper/qos` GetPodQOS).
    public var qosClass: String {
        get { box.fields.qosClass }
        set { update { $0.qosClass = newValue } }
    }
    /// `spec.hostname` and `spec.subdomain` (a StatefulSet's pods: their name and the set's
    /// Service): an endpoint of the Service named by the subdomain carries the hostname.
    public var hostname: String? {
        get { box.fields.hostname }
        set { update { $0.hostname = newValue } }
    }
    public var subdomain: String? {
        get { box.fields.subdomain }
        set { update { $0.subdomain = newValue } }
    }
    /// `spec.readinessGates`' condition types, in order.
    public var readinessGates: [String] {
        get { box.fields.readinessGates }
        set { update { $0.readinessGates = newValue } }
    }
    /// `spec.imagePullSecrets`' names, those without one left out (getPullSecretsForPod).
    public var imagePullSecrets: [String] {
        get { box.fields.imagePullSecrets }
        set { update { $0.imagePullSecrets = newValue } }
    }
    /// Why the kubelet's sysctl allowlist refuses the pod (KubeletAdmission), nil when it does not.
    public var sysctlRefusal: String? {
        get { box.fields.sysctlRefusal }
        set { update { $0.sysctlRefusal = newValue } }
    }
    /// `spec.nodeName` as the template sets it: the pod is made bound to that node, and the
    /// scheduler never sees it (NodeNamedPods).
    public var nodeName: String? {
        get { box.fields.nodeName }
        set { update { $0.nodeName = newValue } }
    }

    public static func == (a: AppBehaviour, b: AppBehaviour) -> Bool {
        a.box === b.box || a.box.fields == b.box.fields
    }

    public init(template: Value?) {
        var reader = FieldReader()
        let spec = PodTemplateSpec(template?.objectValue ?? Object(), at: FieldPath(), reader: &reader)
        let annotations = spec.annotations
        var containers: [ContainerBehaviour] = []
        for c in spec.spec.initContainers {
            containers.append(ContainerBehaviour(c, role: c.restartPolicy == "Always" ? .sidecar : .regularInit, annotations: annotations))
        }
        for c in spec.spec.containers { containers.append(ContainerBehaviour(c, role: .app, annotations: annotations)) }
        // The API server takes any int64 and treats a negative grace period as 1 s
        // (`pkg/api/pod/warnings.go`, `pod/strategy.go` CheckGracefulDelete).
        let grace = spec.spec.terminationGracePeriodSeconds
        let terminationGracePeriodSeconds = grace < 0 ? 1 : min(grace, SimulationLimits.maxSeconds)
        let all = spec.spec.initContainers + spec.spec.containers
        let tracked = ["cpu", "memory"]
        let anySet = all.contains { c in tracked.contains { c.resources.requests[$0] != nil || c.resources.limits[$0] != nil } }
        let guaranteed = !all.isEmpty && all.allSatisfy { c in
            tracked.allSatisfy { name in
                guard let limit = c.resources.limits[name] else { return false }
                return c.resources.requests[name].map { $0.milliValue == limit.milliValue } ?? true
            }
        }
        let qosClass = !anySet ? "BestEffort" : guaranteed ? "Guaranteed" : "Burstable"
        let hostname = template?["spec"]?["hostname"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        let subdomain = template?["spec"]?["subdomain"]?.stringValue
        let readinessGates = (template?["spec"]?["readinessGates"]?.arrayValue ?? []).compactMap { $0["conditionType"]?.stringValue }
        let imagePullSecrets = (template?["spec"]?["imagePullSecrets"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }.filter { !$0.isEmpty }
        let sysctlRefusal = KubeletAdmission.sysctlRefusal(spec.spec.sysctls)
        let nodeName = template?["spec"]?["nodeName"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        box = Box(Fields(containers: containers, terminationGracePeriodSeconds: terminationGracePeriodSeconds, volumes: spec.spec.volumes,
                         qosClass: qosClass, hostname: hostname, subdomain: subdomain, readinessGates: readinessGates,
                         imagePullSecrets: imagePullSecrets, sysctlRefusal: sysctlRefusal, nodeName: nodeName))
    }

    /// The app containers.
    public var apps: [ContainerBehaviour] { containers.filter { $0.role == .app } }
    /// The first app container: what pod-wide checks (lint) look at.
    public var main: ContainerBehaviour? { apps.first }

    public var startup: Duration { main?.startup ?? Duration(milliseconds: 0) }
    public var shutdown: Duration { main?.shutdown ?? Duration(milliseconds: 0) }
    public var readinessProbe: Probe? { main?.readinessProbe }
    public var livenessProbe: Probe? { main?.livenessProbe }
    /// The longest preStop hook of the app containers.
    public var preStop: Duration { Duration(milliseconds: apps.map(\.preStop.milliseconds).max() ?? 0) }
    public var hasPreStop: Bool { apps.contains { $0.hasPreStop } }

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
}

/// One container's application, image and probes.
public struct ContainerBehaviour: Equatable, Sendable {
    public enum Role: Equatable, Sendable {
        /// An init container that runs to completion before the next step.
        case regularInit
        /// An init container with `restartPolicy: Always` (native sidecar).
        case sidecar
        case app
    }

    /// How image pulls go: `rollout.sim/pull`.
    public enum Pull: Equatable, Sendable {
        /// Pulls take the node's default time (`rollout.sim/image-pull` on the node).
        case nodeDefault
        /// Pulls take this long.
        case takes(Duration)
        /// Pulls fail (`fail`), or fail until this long after the first attempt (`fail-for=2m`).
        case fails(for: Duration?)
    }

    /// How the process ends when it exits by itself: `rollout.sim/exit-code`.
    public enum Exit: Equatable, Sendable {
        case code(Int)
        case oomKilled
    }

    /// The fields, in one object the copies share: a container's behaviour is read at every
    /// step of its pod (`Kubelet.step`, `nextTransition`), and a copy of twenty fields retained
    /// and released a dozen references (at 10,000 replicas, 2 % of the roll's simulation).
    /// Nothing changes them once made.
    private struct Fields: Equatable, Sendable {
        var name: String
        var image: String
        var imageID: String
        var role: Role
        var pullPolicy: String
        var pull: Pull
        var startup: Duration
        var shutdown: Duration
        var readyNever: Bool
        var crashAfter: Duration?
        var exit: Exit
        var unreadyAfter: Duration?
        var unreadyFor: Duration?
        var readinessProbe: Probe?
        var livenessProbe: Probe?
        var startupProbe: Probe?
        var preStop: Duration
        var hasPreStop: Bool
        var ports: [ContainerPort]
        var configReferences: [ConfigReference]
    }

    private final class Box: Sendable {
        let fields: Fields
        init(_ fields: Fields) { self.fields = fields }
    }

    private let box: Box

    public var name: String { box.fields.name }
    public var image: String { box.fields.image }
    /// What a container that ran shows as its `imageID` (`SimPod.imageID`), made once for the
    /// pods that share this behaviour, not at each pod's save.
    public var imageID: String { box.fields.imageID }
    public var role: Role { box.fields.role }
    /// `Always`, `IfNotPresent` or `Never` (defaulted from the tag).
    public var pullPolicy: String { box.fields.pullPolicy }
    public var pull: Pull { box.fields.pull }
    /// From container start until the app serves; for a regular init container, until it
    /// exits 0.
    public var startup: Duration { box.fields.startup }
    /// From SIGTERM until the app has drained and exits.
    public var shutdown: Duration { box.fields.shutdown }
    /// `rollout.sim/ready: never`: the readiness probe never passes.
    public var readyNever: Bool { box.fields.readyNever }
    /// The process exits this long after each start.
    public var crashAfter: Duration? { box.fields.crashAfter }
    public var exit: Exit { box.fields.exit }
    /// `rollout.sim/unready-after`: the readiness probe fails from this long after start...
    public var unreadyAfter: Duration? { box.fields.unreadyAfter }
    /// ... for this long (`rollout.sim/unready-for`), or for good.
    public var unreadyFor: Duration? { box.fields.unreadyFor }
    public var readinessProbe: Probe? { box.fields.readinessProbe }
    public var livenessProbe: Probe? { box.fields.livenessProbe }
    public var startupProbe: Probe? { box.fields.startupProbe }
    /// How long `preStop` runs (`sleep` hooks and `sleep N` commands), 0 without one.
    public var preStop: Duration { box.fields.preStop }
    public var hasPreStop: Bool { box.fields.hasPreStop }
    /// Container ports, for Services' named target ports.
    public var ports: [ContainerPort] { box.fields.ports }
    /// ConfigMap and Secret references of `env` and `envFrom`.
    public var configReferences: [ConfigReference] { box.fields.configReferences }

    public static func == (a: ContainerBehaviour, b: ContainerBehaviour) -> Bool {
        a.box === b.box || a.box.fields == b.box.fields
    }

    init(_ c: Container, role: Role, annotations: [String: String]) {
        let own = { (key: String) in annotations["rollout.sim/\(key).\(c.name)"] ?? annotations["rollout.sim/\(key)"] }
        let duration = { (key: String) in own(key).flatMap(Duration.init(parsing:)).map(SimulationLimits.bounded) }
        let tag = Defaults.imageTag(c.image)
        let pull: Pull
        switch own("pull") {
        case "fail"?: pull = .fails(for: nil)
        case let text? where text.hasPrefix("fail-for="):
            pull = .fails(for: Duration(parsing: String(text.dropFirst("fail-for=".count))).map(SimulationLimits.bounded) ?? Duration(milliseconds: 0))
        case let text?: pull = Duration(parsing: text).map { .takes(SimulationLimits.bounded($0)) } ?? .nodeDefault
        case nil: pull = .nodeDefault
        }
        let exit: Exit
        switch own("exit-code") {
        case "OOMKilled"?: exit = .oomKilled
        case let text?: exit = .code(Int(text).map { min(max($0, 0), 255) } ?? 1)
        case nil: exit = .code(1)
        }
        box = Box(Fields(name: c.name, image: c.image, imageID: SimPod.imageID(c.image), role: role,
                         pullPolicy: c.imagePullPolicy ?? (tag == nil || tag == "latest" ? "Always" : "IfNotPresent"), pull: pull,
                         startup: duration("startup") ?? Duration(milliseconds: 0), shutdown: duration("shutdown") ?? Duration(milliseconds: 0),
                         readyNever: own("ready") == "never", crashAfter: duration("crash-after"), exit: exit,
                         unreadyAfter: duration("unready-after"), unreadyFor: duration("unready-for"),
                         readinessProbe: c.readinessProbe.map(SimulationLimits.bounded), livenessProbe: c.livenessProbe.map(SimulationLimits.bounded),
                         startupProbe: c.startupProbe.map(SimulationLimits.bounded), preStop: AppBehaviour.preStopDuration(c.preStop),
                         hasPreStop: c.preStop != nil, ports: c.ports, configReferences: c.configReferences))
    }

    /// When a regular init container exits 0: after `startup`, unless it crashes first — and
    /// with `crash-after` and no `startup` of its own, it is the crash that ends it (a
    /// migration that fails after 3 s). nil for containers that keep running.
    public var completesAfter: Duration? {
        guard role == .regularInit else { return nil }
        if crashAfter != nil && startup.milliseconds == 0 { return nil }
        return startup
    }
    /// Kept running for the pod's life (app containers and sidecars).
    public var keepsRunning: Bool { role != .regularInit }

    /// The exit reason and code containerd reports for an exit by itself
    /// (`internal/cri/server/helpers.go`: Completed for 0, Error otherwise, OOMKilled).
    public var exitStatus: (reason: String, code: Int) {
        switch exit {
        case .oomKilled: return ("OOMKilled", 137)
        case .code(let code): return (code == 0 ? "Completed" : "Error", code)
        }
    }
}

/// The simulated kubelet, one pod worker per pod (`pkg/kubelet/pod_workers.go`,
/// `kuberuntime_manager.go` SyncPod; KUBERNETES-kubelet.md): volumes first, then init
/// containers one after another (native sidecars kept running), then the app containers; image
/// pulls with back-off, ConfigMap and Secret references, the prober, crashes and probe kills
/// restarted under the crash back-off, and termination (`preStop`, SIGTERM, SIGKILL at the end
/// of the grace period, sidecars last). Each pod has one pending timer, at the earliest moment
/// any of its containers changes by itself.
enum Kubelet {
    static let component = "kubelet"

    /// When this pod next changes by itself, nil when it waits for nothing.
    static func nextTransition(_ pod: SimPod, now: Timestamp) -> Timestamp? {
        guard let scheduled = pod.scheduledAt, !pod.gone else { return nil }
        if pod.admittedAt == nil && pod.deletion == nil {
            // A pod its kubelet refuses waits only for its rejection (KubeletAdmission).
            if KubeletAdmission.refusal(pod) != nil { return max(scheduled, KubeletAdmission.due(pod)) }
            return pod.mountRetry?.at ?? scheduled
        }
        // (The earliest kept as it is found, the containers read by index: no list made, no
        // behaviour copied — every pod asks after every sync.)
        var earliest: Timestamp?
        let behaviours = pod.behaviour.containers
        for i in 0..<min(behaviours.count, pod.containers.count) {
            if let t = nextTransition(pod, i, behaviours[i], now: now) { earliest = min(earliest ?? t, t) }
        }
        return earliest
    }

    /// Container `i`'s next change by itself, its fields read where they lie (not the
    /// container copied out: a retain and release of each of its strings, for every container
    /// of every pod after every sync).
    static func nextTransition(_ pod: SimPod, _ i: Int, _ b: ContainerBehaviour, now: Timestamp) -> Timestamp? {
        switch pod.containers[i].progress {
        case .attempt(let at): return at
        case .pulling(let until): return until
        case .starting(let at): return at
        case .stopping(_, let exit, _, _): return exit
        case .none: break
        }
        guard case .running(let start) = pod.containers[i].state, pod.deletion == nil, let anchor = pod.admittedAt else { return nil }
        var earliest: Timestamp?
        func consider(_ t: Timestamp) { earliest = min(earliest ?? t, t) }
        if let crash = b.crashAfter { consider(start.adding(crash)) }
        if let done = b.completesAfter { consider(start.adding(done)) }
        if !pod.containers[i].started {
            switch Prober.startup(b, start: start, anchor: anchor) {
            case .started(let t), .killed(let t): consider(t)
            }
        } else if let started = pod.containers[i].startedAt {
            if let kill = Prober.livenessKill(b, start: start, started: started, anchor: anchor) { consider(kill) }
            if b.role != .regularInit {
                // The published result now, and the next change after now.
                let flips = Prober.readiness(b, start: start, started: started)
                let current = flips.last(where: { $0.at <= now })?.ready ?? false
                if current != pod.containers[i].ready {
                    consider(now)
                } else if let next = flips.first(where: { $0.at > now }) {
                    consider(next.at)
                }
            }
        }
        return earliest
    }

    static func scheduleNext(_ uid: String, in c: Cluster, afterSync: Bool = false) {
        guard let pod = c.pods[uid] else { return }
        scheduleNext(pod, in: c, afterSync: afterSync)
    }

    /// `scheduleNext` of a pod in hand, the cluster's own (`pods[pod.uid]`).
    static func scheduleNext(_ pod: SimPod, in c: Cluster, afterSync: Bool = false) {
        #if DEBUG
        precondition(c.pods[pod.uid] === pod, "scheduleNext: pod \(pod.uid) is not the cluster's own")
        #endif
        guard !pod.gone, !pod.nodeDown, let time = nextTransition(pod, now: c.now) else { return }
        // Right after a sync nothing is due any more; should something claim to be, time still
        // moves on rather than the loop spinning at one instant.
        let earliest = afterSync ? c.now.adding(Duration(milliseconds: 1)) : c.now
        if afterSync && time <= c.now { c.overdueTransitions += 1 }
        c.timers.add(.pod(pod, epoch: pod.epoch), at: max(time, earliest))
    }

    /// Runs the pod worker for what is due now.
    static func fire(_ pod: SimPod, epoch: Int, in c: Cluster) {
        guard pod.epoch == epoch, !pod.gone, !pod.nodeDown else { return }
        #if DEBUG
        // A pod leaves `Cluster.pods` only gone (at a save), and none replaces it.
        precondition(c.pods[pod.uid] === pod, "a kubelet timer fired for pod \(pod.uid), which is not the cluster's own")
        #endif
        c.updatePod(pod) { p in
            p.epoch += 1
            sync(p, in: c)
        }
        scheduleNext(pod, in: c, afterSync: true)
    }

    /// One pod sync at `c.now`: everything due is done, in order, until nothing changes.
    static func sync(_ pod: SimPod, in c: Cluster) {
        guard pod.scheduledAt != nil, !pod.gone else { return }
        if pod.deletion != nil {
            Termination.sync(pod, in: c)
            return
        }
        if pod.admittedAt == nil {
            // HandlePodAdditions: admission comes before the pod worker mounts anything.
            if let refused = KubeletAdmission.refusal(pod) {
                if c.now >= KubeletAdmission.due(pod) { KubeletAdmission.reject(pod, reason: refused.reason, message: refused.message, in: c) }
                return
            }
            guard VolumeMounts.mount(pod, in: c) else { return }
            ImagePullSecrets.check(pod, in: c)
        }
        for _ in 0..<(4 * pod.containers.count + 4) {
            var changed = false
            for i in pod.containers.indices where i < pod.behaviour.containers.count {
                if step(pod, i, in: c) { changed = true }
            }
            if updatePodConditions(pod, in: c) { changed = true }
            if !changed { break }
        }
    }

    /// Whether container `i` may be started: every init step before it is done (regular init
    /// containers exited 0, sidecars running and started); app containers once the pod is
    /// initialised (`computeInitContainerActions`).
    static func mayStart(_ pod: SimPod, _ i: Int) -> Bool {
        let b = pod.behaviour.containers
        if b[i].role == .app { return pod.initializedAt != nil }
        for j in 0..<i where b[j].role != .app {
            let c = pod.containers[j]
            if b[j].role == .regularInit ? !c.completed : !(c.isRunning && c.started) { return false }
        }
        return true
    }

    /// Moves container `i` on by what is due now. Returns whether anything changed.
    static func step(_ pod: SimPod, _ i: Int, in c: Cluster) -> Bool {
        // Waiting for a time still to come: nothing to do (the first switch of `step(_:_:_:in:)`
        // returns false), and neither the container nor its behaviour is copied.
        if let due = pod.containers[i].progress.due, due > c.now { return false }
        // A running container with nothing under way (most steps of a sync, and the last look
        // that finds nothing more): what is due is found from its few fields read in place, and
        // it is copied out only when something is (a copy and its destruction, a retain and a
        // release of each of its strings, cost 3 % of a roll).
        if case .none = pod.containers[i].progress, case .running(let start) = pod.containers[i].state, i < pod.behaviour.containers.count {
            let b = pod.behaviour.containers[i]
            guard let due = runningStep(pod, b, start: start, started: pod.containers[i].started, startedAt: pod.containers[i].startedAt,
                                        ready: pod.containers[i].ready, now: c.now) else { return false }
            withContainer(pod, i) { perform(due, pod, &$0, b, start: start, in: c) }
            return true
        }
        #if DEBUG
        let before = pod.containers[i]
        #endif
        let changed = withContainer(pod, i) { step(pod, i, &$0, in: c) }
        // A step that finds nothing to do leaves the container as it was.
        #if DEBUG
        precondition(changed || before == pod.containers[i], "kubelet: container \(before.name) of \(pod.name) changed by a step that said it did not")
        #endif
        return changed
    }

    /// Container `i` moved out of the pod while `body` changes it, a placeholder in its place,
    /// then moved back: neither copied nor written over (a copy and its write-back retained and
    /// released each of its strings, at every step of every container). What a step calls reads
    /// the container it is given, never the pod's list at `i` (other containers, `j < i`, as
    /// `mayStart` does, are in place).
    @inline(__always)
    private static func withContainer<R>(_ pod: SimPod, _ i: Int, _ body: (inout SimContainer) -> R) -> R {
        var container = SimContainer.placeholder
        swap(&container, &pod.containers[i])
        defer {
            #if DEBUG
            precondition(pod.containers[i] == SimContainer.placeholder, "kubelet: pod \(pod.name)'s container \(container.name) was written while taken out")
            #endif
            swap(&container, &pod.containers[i])
        }
        return body(&container)
    }

    /// `step(_:_:in:)` on the container taken out (changed in place).
    private static func step(_ pod: SimPod, _ i: Int, _ container: inout SimContainer, in c: Cluster) -> Bool {
        let now = c.now
        let b = pod.behaviour.containers[i]
        switch container.progress {
        case .none:
            break
        case .attempt(let at):
            guard at <= now else { return false }
            ContainerStart.attempt(pod, &container, b, in: c)
            return true
        case .pulling(let until):
            guard until <= now else { return false }
            ContainerStart.pulled(pod, &container, b, in: c)
            return true
        case .starting(let at):
            guard at <= now else { return false }
            ContainerStart.started(pod, &container, b, at: at, in: c)
            return true
        case .stopping(_, let exit, let restart, let previousExit):
            guard exit <= now else { return false }
            Termination.exited(pod, &container, b, at: exit, in: c)
            if restart { ContainerStart.restart(pod, &container, b, previousExit: previousExit, in: c) }
            return true
        }
        switch container.state {
        case .waiting:
            // Never run and its turn has come.
            if container.last == nil && container.restarts == 0 && mayStart(pod, i) {
                container.progress = .attempt(at: now)
                return true
            }
            return false
        case .terminated:
            return false
        case .running(let start):
            guard let due = runningStep(pod, b, start: start, started: container.started, startedAt: container.startedAt, ready: container.ready, now: now) else {
                return false
            }
            perform(due, pod, &container, b, start: start, in: c)
            return true
        }
    }

    /// What is due now for a running container that started at `start` (nothing under way).
    enum RunningStep {
        /// The process exits by itself: a crash, or a regular init container's end (exit 0).
        case crash(Timestamp), complete(Timestamp)
        /// The startup probe passed, or failed it.
        case started(Timestamp), startupKill(Timestamp)
        /// The liveness probe failed it.
        case livenessKill(Timestamp)
        /// Its readiness flipped.
        case ready(Bool)
    }

    /// What is due now for a running container, from what it is (`started`, `startedAt`,
    /// `ready`) and its behaviour; nil when nothing is. (The container's other fields are not
    /// read: it need not be copied out to be asked.)
    static func runningStep(_ pod: SimPod, _ b: ContainerBehaviour, start: Timestamp, started: Bool, startedAt: Timestamp?, ready: Bool,
                            now: Timestamp) -> RunningStep? {
        guard let anchor = pod.admittedAt else { return nil }
        // The process exits by itself: crash, or a regular init container's end.
        let crash = b.crashAfter.map { start.adding($0) }
        let done = b.completesAfter.map { start.adding($0) }
        if let crash, crash <= now, done.map({ crash <= $0 }) ?? true { return .crash(crash) }
        if let done, done <= now { return .complete(done) }
        if !started {
            switch Prober.startup(b, start: start, anchor: anchor) {
            case .started(let t) where t <= now: return .started(t)
            case .killed(let t) where t <= now: return .startupKill(t)
            default: return nil
            }
        }
        guard let startedAt else { return nil }
        if let kill = Prober.livenessKill(b, start: start, started: startedAt, anchor: anchor), kill <= now { return .livenessKill(kill) }
        if b.role != .regularInit {
            let isReady = Prober.readiness(b, start: start, started: startedAt).last(where: { $0.at <= now })?.ready ?? false
            if isReady != ready { return .ready(isReady) }
        }
        return nil
    }

    /// Does what `runningStep` found due to the running container (changed in place).
    private static func perform(_ due: RunningStep, _ pod: SimPod, _ container: inout SimContainer, _ b: ContainerBehaviour, start: Timestamp,
                                in c: Cluster) {
        let anchor = pod.admittedAt ?? start
        switch due {
        case .crash(let crash):
            let status = b.exitStatus
            container.state = .terminated(SimContainer.Termination(reason: status.reason, exitCode: status.code, startedAt: start, finishedAt: crash))
            container.ready = false
            container.started = false
            if b.role != .regularInit || status.code != 0 {
                ContainerStart.restart(pod, &container, b, previousExit: crash, in: c)
            }
        case .complete(let done):
            // A regular init container that exited 0 counts as ready (`ready: true`).
            container.state = .terminated(SimContainer.Termination(reason: "Completed", exitCode: 0, startedAt: start, finishedAt: done))
            container.ready = true
        case .started(let t):
            container.started = true
            container.startedAt = t
            if b.role == .regularInit { container.ready = false }
        case .startupKill(let t):
            if let probe = b.startupProbe {
                recordProbeFailures(pod, container.name, "Startup", probe, b, start: start, anchor: anchor, last: t, in: c)
            }
            Termination.kill(pod, &container, b, reason: "Container \(container.name) failed startup probe, will be restarted",
                             grace: b.startupProbe?.terminationGracePeriodSeconds, in: c)
        case .livenessKill(let kill):
            if let probe = b.livenessProbe {
                recordProbeFailures(pod, container.name, "Liveness", probe, b, start: start, anchor: anchor, last: kill, in: c)
            }
            container.ready = false
            Termination.kill(pod, &container, b, reason: "Container \(container.name) failed liveness probe, will be restarted",
                             grace: b.livenessProbe?.terminationGracePeriodSeconds, in: c)
        case .ready(let ready):
            container.ready = ready
        }
    }

    /// The `failureThreshold` failed probes before a kill, as one event series (`Unhealthy`,
    /// recorded on every counted failure, `prober.go`).
    static func recordProbeFailures(_ pod: SimPod, _ container: String, _ kind: String, _ probe: Probe, _ b: ContainerBehaviour,
                                    start: Timestamp, anchor: Timestamp, last: Timestamp, in c: Cluster) {
        let count = max(1, probe.failureThreshold)
        let first = Timestamp(milliseconds: last.milliseconds - (count - 1) * Prober.period(probe))
        c.recordSeries("Warning", reason: "Unhealthy", message: "\(kind) probe failed: \(ProbeMessages.failure(probe, warm: false, ip: pod.ip ?? "", container: b))",
                       kind: "Pod", name: pod.name, namespace: pod.namespace, uid: pod.uid, component: component, first: first, count: count)
    }

    /// Initialized, and Ready from the containers (`status/generate.go`): ready when every app
    /// container and sidecar is ready.
    static func updatePodConditions(_ pod: SimPod, in c: Cluster) -> Bool {
        var changed = false
        let b = pod.behaviour.containers
        if pod.initializedAt == nil {
            let done = b.indices.allSatisfy { j in
                switch b[j].role {
                case .app: return true
                case .regularInit: return pod.containers[j].completed
                case .sidecar: return pod.containers[j].isRunning && pod.containers[j].started
                }
            }
            if done {
                pod.initializedAt = c.now
                changed = true
            }
        }
        let ready = pod.initializedAt != nil && b.indices.allSatisfy { b[$0].role == .regularInit || pod.containers[$0].ready }
        if ready != pod.ready {
            pod.ready = ready
            pod.readySince = c.now
            changed = true
        }
        return changed
    }

    /// The API server's graceful delete: the pod gets a deletionTimestamp, leaves its
    /// ReplicaSet's count and the ready endpoints at once, and the kubelet stops it.
    /// `grace`: the request's grace period (`DeleteOptions.gracePeriodSeconds`), nil for the pod's own.
    static func beginTermination(_ uid: String, grace: Int? = nil, in c: Cluster) {
        guard let pod = c.pods[uid] else { return }
        beginTermination(pod, grace: grace, in: c)
    }

    /// `beginTermination` of a pod in hand, which must be the cluster's own (as `updatePod`'s):
    /// the ReplicaSet controller's, from the ReplicaSet's own pods, its uid not hashed again.
    static func beginTermination(_ pod: SimPod, grace: Int? = nil, in c: Cluster) {
        guard pod.deletion == nil, !pod.gone else { return }
        // CheckGracefulDelete: a request's grace replaces the pod's; below 1 s counts as 1 s.
        if let grace { pod.behaviour.terminationGracePeriodSeconds = max(1, min(grace, SimulationLimits.maxSeconds)) }
        // Ready stays as it is: the kubelet keeps probing until the containers exit (§15);
        // the pod leaves the endpoints and its ReplicaSet's count because it is terminating.
        c.updatePod(pod) { p in
            p.deletion = c.now
            p.epoch += 1
            // A kubelet that is down stops nothing: the pod stays Terminating.
            if !p.nodeDown { Termination.begin(p, in: c) }
        }
        // An update for the scheduler: a terminating pod no longer counts for spreading.
        if pod.nodeName != nil { c.schedulingEvent(.podChanged) }
        scheduleNext(pod, in: c)
    }
}

extension Kubelet {
    /// Why this pod can never run, when that is certain from its behaviour: an image that no
    /// pull will fetch, or a container in back-off that fails every start the same way.
    /// nil while it may yet run (a missing ConfigMap may be created, a pull may recover).
    static func stuck(_ pod: SimPod) -> (reason: String, detail: String)? {
        for (c, b) in zip(pod.containers, pod.behaviour.containers) {
            let prefix = b.role == .app ? "" : "Init:"
            switch c.waitingReason {
            case "ErrImagePull"?, "ImagePullBackOff"?:
                if case .fails(nil) = b.pull { return (prefix + "ImagePullBackOff", "image \"\(b.image)\" cannot be pulled") }
            case "ErrImageNeverPull"?:
                return (prefix + "ErrImageNeverPull", "image \"\(b.image)\" is not present with pull policy of Never")
            case "CrashLoopBackOff"?:
                if failsEveryStart(b) { return (prefix + "CrashLoopBackOff", "its container \(b.name) keeps exiting (\(c.restarts) restarts)") }
            default:
                continue
            }
        }
        return nil
    }

    /// Every instance exits or is killed: it crashes (before a regular init container's end),
    /// or its startup or liveness probe fails it whatever the tick phase.
    static func failsEveryStart(_ b: ContainerBehaviour) -> Bool {
        if let crash = b.crashAfter, b.completesAfter.map({ crash <= $0 }) ?? true { return b.role != .regularInit || b.exitStatus.code != 0 }
        // The worst and best tick phases: a kill in both is a kill in all.
        let start = Timestamp(milliseconds: 0)
        for phase in [0, 999] {
            let anchor = Timestamp(milliseconds: -phase)
            switch Prober.startup(b, start: start, anchor: anchor) {
            case .killed: continue
            case .started(let t):
                if Prober.livenessKill(b, start: start, started: t, anchor: anchor) == nil { return false }
            }
        }
        return true
    }
}

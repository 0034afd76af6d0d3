/// Stopping containers (`kuberuntime_container.go` killContainer, `killContainersWithSyncResult`;
/// `kuberuntime_termination_order.go`; KUBERNETES-kubelet.md §2, §3): `Killing`, the preStop
/// hook, SIGTERM, SIGKILL at the end of the grace period — at least 2 s after SIGTERM. On pod
/// deletion every container stops at once, except that sidecars get SIGTERM only after every
/// app container and every later sidecar has exited, in reverse order.
enum Termination {
    /// `minimumGracePeriodInSeconds`.
    static let minimumAfterSIGTERM = 2000

    /// SIGTERM and exit of a container told to stop at `from` with `grace` seconds, its preStop
    /// hook taking `preStop`, after waiting until `waitUntil` for its turn (sidecars).
    static func times(from: Timestamp, grace: Int, preStop: Duration, shutdown: Duration, waitUntil: Timestamp? = nil) -> (sigterm: Timestamp, exit: Timestamp) {
        let graceMs = grace.multipliedSaturating(by: 1000)
        let preStopTaken = min(preStop.milliseconds, graceMs)
        var sigterm = from.milliseconds.addingSaturating(preStopTaken)
        // The hook's whole seconds come off the grace period, then any wait for the turn.
        var remaining = graceMs - (preStopTaken / 1000) * 1000
        if let waitUntil, waitUntil.milliseconds > sigterm {
            let waited = min(waitUntil.milliseconds - sigterm, max(0, remaining))
            sigterm += waited
            remaining -= waited
        }
        let afterTerm = max(remaining, minimumAfterSIGTERM)
        return (Timestamp(milliseconds: sigterm), Timestamp(milliseconds: sigterm.addingSaturating(min(shutdown.milliseconds, afterTerm))))
    }

    /// A liveness or startup kill: the container stops, then restarts.
    static func kill(_ pod: SimPod, _ container: inout SimContainer, _ b: ContainerBehaviour, reason: String, grace probeGrace: Int?, in c: Cluster) {
        c.record(reason: "Killing", message: reason, kind: "Pod", name: pod.name, namespace: pod.namespace, uid: pod.uid, component: Kubelet.component)
        let grace = probeGrace.map { $0 < 0 ? 1 : min($0, SimulationLimits.maxSeconds) } ?? pod.behaviour.terminationGracePeriodSeconds
        let t = times(from: c.now, grace: grace, preStop: b.preStop, shutdown: b.shutdown)
        // The restart that follows in the same sync sees the status from before the kill.
        container.progress = .stopping(sigterm: t.sigterm, exit: t.exit, restart: true, previousExit: container.last?.finishedAt)
    }

    /// Pod deletion: every running container is told to stop at `from` (the request; now,
    /// unless the request was made by a command that ran no controllers); the rest never start.
    static func begin(_ pod: SimPod, from: Timestamp? = nil, in c: Cluster) {
        let now = from ?? c.now
        let b = pod.behaviour.containers
        let grace = pod.behaviour.terminationGracePeriodSeconds
        var exits: [Int: Timestamp] = [:]
        // (Each container's progress set where it lies: a copy taken out and written back
        // retained and released its strings, for every container of every pod deleted.)
        for i in pod.containers.indices where i < b.count {
            switch pod.containers[i].progress {
            case .attempt, .pulling, .starting: pod.containers[i].progress = .none
            case .stopping(let sigterm, let exit, _, _):
                pod.containers[i].progress = .stopping(sigterm: sigterm, exit: exit, restart: false, previousExit: nil)
                exits[i] = exit
                continue
            case .none: break
            }
            // Exited since the request (a pod loaded mid-termination): it counts for the order.
            if case .terminated(let t) = pod.containers[i].state, t.finishedAt >= now {
                exits[i] = t.finishedAt
                continue
            }
            guard pod.containers[i].isRunning else { continue }
            // `Killing: Stopping container …` is derived from the deletion when shown (EventLog).
            if b[i].role == .sidecar { continue }
            let t = times(from: now, grace: grace, preStop: b[i].preStop, shutdown: b[i].shutdown)
            pod.containers[i].progress = .stopping(sigterm: t.sigterm, exit: t.exit, restart: false, previousExit: nil)
            exits[i] = t.exit
        }
        // Sidecars, last first: each waits for the app containers and the sidecars after it.
        for i in b.indices.reversed() where b[i].role == .sidecar && pod.containers[i].isRunning {
            let waitUntil = exits.filter { $0.key > i || b[$0.key].role == .app }.map(\.value).max()
            let t = times(from: now, grace: grace, preStop: b[i].preStop, shutdown: b[i].shutdown, waitUntil: waitUntil)
            pod.containers[i].progress = .stopping(sigterm: t.sigterm, exit: t.exit, restart: false, previousExit: nil)
            exits[i] = t.exit
        }
        if !pod.containers.contains(where: { if case .stopping = $0.progress { return true } else { return false } }) { pod.gone = true }
    }

    /// The container's process is gone: it exited after SIGTERM (143) or was SIGKILLed (137).
    static func exited(_ pod: SimPod, _ container: inout SimContainer, _ b: ContainerBehaviour, at: Timestamp, in c: Cluster) {
        guard case .stopping(let sigterm, let exit, _, _) = container.progress else { return }
        let start = container.runningSince ?? at
        let killed = exit.milliseconds - sigterm.milliseconds < b.shutdown.milliseconds
        container.state = .terminated(SimContainer.Termination(reason: "Error", exitCode: killed ? 137 : 143, startedAt: start, finishedAt: exit))
        container.ready = false
        container.started = false
        container.progress = .none
    }

    /// A terminating pod: containers exit as their times come; the pod goes when none runs.
    static func sync(_ pod: SimPod, in c: Cluster) {
        for i in pod.containers.indices where i < pod.behaviour.containers.count {
            guard case .stopping(_, let exit, _, _) = pod.containers[i].progress, exit <= c.now else { continue }
            exited(pod, &pod.containers[i], pod.behaviour.containers[i], at: exit, in: c)
        }
        let stopping = pod.containers.contains { if case .stopping = $0.progress { return true } else { return false } }
        if !stopping {
            pod.gone = true
            pod.ready = false
        }
    }
}

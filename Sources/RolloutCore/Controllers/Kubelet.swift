/// The simulated kubelet: image pull, container start, readiness, crashes and back-off,
/// liveness kills, and termination (`preStop`, SIGTERM, SIGKILL at the end of the grace
/// period, `pkg/kubelet/kuberuntime/kuberuntime_container.go`). Each pod has one pending
/// transition at a time, computed from its status, so a later command resumes exactly.
enum Kubelet {
    static let component = "kubelet"

    /// CrashLoopBackOff delay before restart number `restarts`: 10 s doubling, at most 5 min.
    static func backoff(restarts: Int) -> Duration {
        Duration(seconds: min(300, 10 << min(max(restarts - 1, 0), 5)))
    }

    /// When this pod next changes by itself, nil when it waits for nothing.
    static func nextTransition(_ pod: SimPod) -> Timestamp? {
        let b = pod.behaviour
        if let deletion = pod.deletion {
            guard pod.everStarted else { return deletion }
            let grace = b.terminationGracePeriodSeconds * 1000
            let preStopTaken = min(b.preStop.milliseconds, grace)
            let sigterm = Timestamp(milliseconds: deletion.milliseconds + preStopTaken)
            guard let sentAt = pod.sigtermAt else { return sigterm }
            // preStop and SIGTERM share the grace period, but the app always gets 2 s (§17).
            let afterTerm = max(grace - (preStopTaken / 1000) * 1000, 2000)
            return Timestamp(milliseconds: min(sentAt.milliseconds + b.shutdown.milliseconds, sentAt.milliseconds + afterTerm))
        }
        guard let scheduled = pod.scheduledAt else { return nil }
        switch pod.state {
        case .waiting("ContainerCreating"):
            return b.pull.map { scheduled.adding($0) } ?? scheduled
        case .waiting("ErrImagePull"):
            return scheduled.adding(Duration(seconds: 10))
        case .waiting("CrashLoopBackOff"):
            return (pod.lastFinished ?? scheduled).adding(backoff(restarts: pod.restarts))
        case .running(let since):
            var candidates: [Timestamp] = []
            if !pod.ready, let ready = b.readyTime(start: since) { candidates.append(ready) }
            if let crash = b.crashAfter { candidates.append(since.adding(crash)) }
            if let kill = b.livenessKillTime(start: since) { candidates.append(kill) }
            return candidates.min()
        default:
            return nil
        }
    }

    static func scheduleNext(_ uid: String, in c: Cluster) {
        guard let pod = c.pods[uid], !pod.gone, let time = nextTransition(pod) else { return }
        c.timers.add(.pod(uid: uid, epoch: pod.epoch), at: max(time, c.now))
    }

    /// Applies the transition due now.
    static func fire(_ uid: String, epoch: Int, in c: Cluster) {
        guard let pod = c.pods[uid], pod.epoch == epoch, !pod.gone else { return }
        let now = c.now
        let container = pod.containerName
        var warmUp = Duration(milliseconds: 0)

        var events: [(String, String, String)] = []
        c.updatePod(uid) { p in
            p.epoch += 1
            if p.deletion != nil {
                // A pod that never ran goes at once; a running one gets SIGTERM (after preStop),
                // then goes when it exits or is killed.
                if !p.everStarted {
                    p.gone = true
                } else if p.sigtermAt == nil {
                    p.sigtermAt = now
                } else {
                    p.gone = true
                    p.ready = false
                }
                return
            }
            switch p.state {
            case .waiting("ContainerCreating"):
                if p.behaviour.pull == nil {
                    p.state = .waiting("ErrImagePull")
                    events.append(("Warning", "Failed", "Failed to pull image \"\(p.image)\": rpc error: code = NotFound desc = failed to pull and unpack image \"\(p.image)\": not found"))
                    events.append(("Warning", "Failed", "Error: ErrImagePull"))
                } else {
                    // Pulled, Created and Started are not stored: EventLog derives them from the
                    // pod's status when asked (a 10,000-pod rollout would write 30,000 events).
                    p.state = .running(since: now)
                    p.everStarted = true
                    warmUp = p.behaviour.startup
                }
            case .waiting("ErrImagePull"):
                p.state = .waiting("ImagePullBackOff")
                events.append(("Normal", "BackOff", "Back-off pulling image \"\(p.image)\""))
                events.append(("Warning", "Failed", "Error: ImagePullBackOff"))
            case .waiting("CrashLoopBackOff"):
                p.state = .running(since: now)
                warmUp = p.behaviour.startup
                events.append(("Normal", "Started", "Started container \(container)"))
            case .running(let since):
                if let crash = p.behaviour.crashAfter, since.adding(crash) <= now {
                    p.restarts += 1
                    p.lastFinished = now
                    p.ready = false
                    p.readySince = nil
                    p.state = .waiting("CrashLoopBackOff")
                    events.append(("Warning", "BackOff", "Back-off restarting failed container \(container) in pod \(p.name)_\(p.namespace)(\(p.uid))"))
                } else if let kill = p.behaviour.livenessKillTime(start: since), kill <= now {
                    p.restarts += 1
                    p.ready = false
                    p.readySince = nil
                    p.state = .running(since: now)
                    events.append(("Warning", "Unhealthy", "Liveness probe failed: HTTP probe failed with statuscode: 503"))
                    events.append(("Normal", "Killing", "Container \(container) failed liveness probe, will be restarted"))
                } else if !p.ready, let ready = p.behaviour.readyTime(start: since), ready <= now {
                    p.ready = true
                    p.readySince = now
                }
            default:
                break
            }
        }

        // The moment the app starts serving is no transition of the pod's status, but traffic
        // and waits care: look again then.
        if warmUp.milliseconds > 0 { c.timers.add(.resync, at: now.adding(warmUp)) }
        for (type, reason, message) in events {
            c.record(type, reason: reason, message: message, kind: "Pod", name: pod.name, namespace: pod.namespace, uid: pod.uid, component: component)
        }
        scheduleNext(uid, in: c)
    }

    /// The API server's graceful delete: the pod gets a deletionTimestamp, leaves its
    /// ReplicaSet's count and the ready endpoints at once, and the kubelet stops it.
    static func beginTermination(_ uid: String, in c: Cluster) {
        guard let pod = c.pods[uid], pod.deletion == nil, !pod.gone else { return }
        // Ready stays as it is: the kubelet keeps probing until the containers exit (§15);
        // the pod leaves the endpoints and its ReplicaSet's count because it is terminating.
        c.updatePod(uid) { p in
            p.deletion = c.now
            p.epoch += 1
        }
        scheduleNext(uid, in: c)
    }
}

extension SimPod {
    var containerName: String { template["spec"]?["containers"]?.arrayValue?.first?["name"]?.stringValue ?? "app" }
    var image: String { template["spec"]?["containers"]?.arrayValue?.first?["image"]?.stringValue ?? "" }
}

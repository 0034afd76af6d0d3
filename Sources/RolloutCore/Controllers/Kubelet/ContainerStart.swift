/// Starting a container as `kuberuntime_manager.go` SyncPod and `kuberuntime_container.go`
/// startContainer do (KUBERNETES-kubelet.md §2, §4): the crash back-off check (`doBackOff`),
/// the image (`image_manager.go` EnsureImageExists, with its own back-off), the ConfigMaps and
/// Secrets of its environment (`makeEnvironmentVariables`), then create and start. A failed
/// attempt is retried when the pod worker requeues the pod after an error (10 s).
enum ContainerStart {
    /// One attempt to start the container, now, checked against its newest exited instance.
    static func attempt(_ pod: SimPod, _ container: inout SimContainer, _ b: ContainerBehaviour, in c: Cluster) {
        restart(pod, &container, b, previousExit: newestExit(container), in: c)
    }

    /// The newest exited instance's end, which the crash back-off counts from.
    static func newestExit(_ container: SimContainer) -> Timestamp? {
        if case .terminated(let t) = container.state { return t.finishedAt }
        return container.last?.finishedAt
    }

    /// CrashLoopBackOff: the waiting reason and message, and a `BackOff` event per refusal.
    static func refuse(_ pod: SimPod, _ container: inout SimContainer, in c: Cluster) {
        let backoff = Duration(milliseconds: container.backoff?.backoff ?? Backoff.initial)
        if case .terminated(let t) = container.state { container.last = t }
        container.state = .waiting("CrashLoopBackOff", message: "back-off \(backoff) restarting failed container=\(container.name) pod=\(pod.name)_\(pod.namespace)(\(pod.uid))")
        c.record("Warning", reason: "BackOff", message: "Back-off restarting failed container \(container.name) in pod \(pod.name)_\(pod.namespace)(\(pod.uid))",
                 kind: "Pod", name: pod.name, namespace: pod.namespace, uid: pod.uid, component: Kubelet.component)
    }

    /// An attempt to start, now: `doBackOff` against `previousExit` — the exited instance the
    /// check sees (after a probe kill, the one before the killed instance) — then the image.
    static func restart(_ pod: SimPod, _ container: inout SimContainer, _ b: ContainerBehaviour, previousExit: Timestamp?, in c: Cluster) {
        let now = c.now
        if let previousExit {
            if Backoff.inBackOff(container.backoff, since: previousExit, now: now) {
                refuse(pod, &container, in: c)
                container.progress = .attempt(at: Timestamp(milliseconds: now.milliseconds.addingSaturating(Backoff.retry)))
                return
            }
            container.backoff = Backoff.next(container.backoff, event: previousExit, now: now)
        }
        pull(pod, &container, b, in: c)
    }

    /// EnsureImageExists, then on to the config and the start.
    static func pull(_ pod: SimPod, _ container: inout SimContainer, _ b: ContainerBehaviour, in c: Cluster) {
        let now = c.now
        let retry = Timestamp(milliseconds: now.milliseconds.addingSaturating(Backoff.retry))
        let present = c.nodeHasImage(b.image, of: pod) ?? false
        let event = { (type: String, reason: String, message: String) -> Void in
            _ = c.record(type, reason: reason, message: message, kind: "Pod", name: pod.name, namespace: pod.namespace, uid: pod.uid, component: Kubelet.component)
        }
        switch b.pullPolicy {
        case "Never" where !present:
            let message = "Container image \"\(b.image)\" is not present with pull policy of Never"
            setWaiting(&container, "ErrImageNeverPull", message: message)
            event("Warning", "ErrImageNeverPull", message)
            event("Warning", "Failed", "Error: ErrImageNeverPull")
            container.progress = .attempt(at: retry)
            return
        case "IfNotPresent", "Never":
            if present {
                // A first start without trouble: derived from the status when shown (EventLog).
                if !routine(container) {
                    event("Normal", "Pulled", "Container image \"\(b.image)\" already present on machine")
                }
                pulled(pod, &container, b, in: c)
                return
            }
        default: break
        }
        if Backoff.inBackOffSinceUpdate(container.pullBackoff, now: now) {
            let previous = failedPullMessage(b.image)
            setWaiting(&container, "ImagePullBackOff", message: "Back-off pulling image \"\(b.image)\": ErrImagePull: \(previous)")
            event("Normal", "BackOff", "Back-off pulling image \"\(b.image)\"")
            event("Warning", "Failed", "Error: ImagePullBackOff")
            container.progress = .attempt(at: retry)
            return
        }
        event("Normal", "Pulling", "Pulling image \"\(b.image)\"")
        let fails: Bool
        switch b.pull {
        case .fails(let length):
            if container.firstPullAttempt == nil { container.firstPullAttempt = now }
            fails = length.map { now.milliseconds < (container.firstPullAttempt ?? now).milliseconds.addingSaturating($0.milliseconds) } ?? true
        default: fails = false
        }
        if fails {
            let message = failedPullMessage(b.image)
            setWaiting(&container, "ErrImagePull", message: message)
            event("Warning", "Failed", "Failed to pull image \"\(b.image)\": \(message)")
            event("Warning", "Failed", "Error: ErrImagePull")
            container.pullBackoff = Backoff.next(container.pullBackoff, event: now, now: now)
            container.progress = .attempt(at: retry)
            return
        }
        let time = pullTime(b, pod: pod, in: c)
        container.progress = .pulling(until: now.adding(time))
        if time.milliseconds == 0 { pulled(pod, &container, b, in: c) }
    }

    /// The first instance, with nothing gone wrong before it: its `Pulled` (image present),
    /// `Created` and `Started` events are derived from the pod's status when shown.
    static func routine(_ container: SimContainer) -> Bool {
        guard container.restarts == 0, container.last == nil else { return false }
        switch container.state {
        case .waiting("ContainerCreating", _), .waiting("PodInitializing", _): return true
        default: return false
        }
    }

    static func failedPullMessage(_ image: String) -> String {
        "rpc error: code = NotFound desc = failed to pull and unpack image \"\(image)\": failed to resolve reference \"\(image)\": \(image): not found"
    }

    /// Waiting with a reason, keeping the exited instance as the last state.
    static func setWaiting(_ container: inout SimContainer, _ reason: String, message: String?) {
        if case .terminated(let t) = container.state { container.last = t }
        container.state = .waiting(reason, message: message)
    }

    /// The image is there (pulled now, or present): the environment, then create and start.
    static func pulled(_ pod: SimPod, _ container: inout SimContainer, _ b: ContainerBehaviour, in c: Cluster) {
        let now = c.now
        if case .pulling = container.progress {
            c.pullFinished(image: b.image, on: pod)
            let took = pullTime(b, pod: pod, in: c).description
            c.record(reason: "Pulled", message: "Successfully pulled image \"\(b.image)\" in \(took) (\(took) including waiting)",
                     kind: "Pod", name: pod.name, namespace: pod.namespace, uid: pod.uid, component: Kubelet.component)
        }
        container.pullBackoff = nil
        container.firstPullAttempt = nil
        if let missing = ConfigReferences.missing(b.configReferences, namespace: pod.namespace, in: c) {
            setWaiting(&container, "CreateContainerConfigError", message: missing)
            c.record("Warning", reason: "Failed", message: "Error: \(missing)", kind: "Pod", name: pod.name, namespace: pod.namespace, uid: pod.uid,
                     component: Kubelet.component)
            container.progress = .attempt(at: Timestamp(milliseconds: now.milliseconds.addingSaturating(Backoff.retry)))
            return
        }
        container.progress = .starting(at: now.adding(c.nodeContainerStart(of: pod) ?? SimNode.defaultContainerStart))
    }

    static func pullTime(_ b: ContainerBehaviour, pod: SimPod, in c: Cluster) -> Duration {
        switch b.pull {
        case .takes(let d): return d
        default: return c.nodeImagePull(of: pod) ?? SimNode.defaultImagePull
        }
    }

    /// Created and started: a new instance runs from `at`.
    static func started(_ pod: SimPod, _ container: inout SimContainer, _ b: ContainerBehaviour, at: Timestamp, in c: Cluster) {
        let previous: SimContainer.Termination?
        switch container.state {
        case .terminated(let t): previous = t
        case .waiting: previous = container.last
        case .running: previous = container.last
        }
        let isRestart = previous != nil || container.restarts > 0
        let quiet = routine(container)
        if isRestart {
            container.restarts += 1
            container.last = previous
        }
        container.state = .running(since: at)
        container.ready = false
        container.started = false
        container.startedAt = nil
        container.progress = .none
        if b.startupProbe == nil {
            container.started = true
            container.startedAt = at
        }
        // The moment the app starts serving is no transition of the pod's status, but traffic
        // and waits care: look again then.
        if b.startup.milliseconds > 0 { c.timers.add(.resync, at: at.adding(b.startup)) }
        guard !quiet else { return }
        // The first restart also counts the first start, whose events were derived until now.
        let firstRestart = container.restarts == 1 && previous.map { !c.hasEvent(kind: "Pod", uid: pod.uid, reason: "Created", message: "Created container \(container.name)") && $0.startedAt < at } == true
        for (reason, message) in [("Created", "Created container \(container.name)"), ("Started", "Started container \(container.name)")] {
            if firstRestart, let first = previous?.startedAt {
                c.recordSeries("Normal", reason: reason, message: message, kind: "Pod", name: pod.name, namespace: pod.namespace, uid: pod.uid,
                               component: Kubelet.component, first: first, count: 2)
            } else {
                c.record(reason: reason, message: message, kind: "Pod", name: pod.name, namespace: pod.namespace, uid: pod.uid, component: Kubelet.component)
            }
        }
    }
}

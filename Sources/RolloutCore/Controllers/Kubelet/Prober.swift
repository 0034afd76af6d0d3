/// The prober as the kubelet runs it (`pkg/kubelet/prober`; KUBERNETES-kubelet.md §1), as
/// pure functions of one container instance: it started at `start`, and the pod's probe
/// workers started at `anchor` (`prober_manager.go` AddPod, when the pod was admitted).
///
/// - Startup and liveness workers tick at `anchor + k × periodSeconds` for the pod's whole
///   life (`worker.go` run); a tick finds nothing before the container runs.
/// - A readiness worker is triggered by hand when the container has started (the pod sync
///   after start, or after the startup probe passed: `UpdatePodStatus`), which probes at once
///   and, since 1.32, restarts its ticker (PR #119089): readiness ticks at
///   `started + k × periodSeconds`.
/// - A tick less than `initialDelaySeconds` after start (in whole seconds) does nothing
///   (`doProbe`).
/// - A result is published after `successThreshold` / `failureThreshold` equal results in a
///   row (`doProbe`, `resultRun`).
/// - `tcpSocket` passes once the port is open (container start); `httpGet`, `exec` and `grpc`
///   once the app serves (`rollout.sim/startup` after start).
enum Prober {
    /// The first tick of a ticker started at `anchor` with period `period` (ms) at or after `t`.
    static func tick(anchor: Int, period: Int, atOrAfter t: Int) -> Int {
        guard t > anchor else { return anchor }
        let k = (t - anchor + period - 1) / period
        return anchor.addingSaturating(k.multipliedSaturating(by: period))
    }

    static func period(_ probe: Probe) -> Int { max(1, probe.periodSeconds) * 1000 }

    /// The earliest tick that counts: `int32(seconds since start) >= initialDelaySeconds`.
    static func firstCounted(_ probe: Probe, start: Timestamp) -> Int {
        start.milliseconds.addingSaturating(probe.initialDelaySeconds * 1000)
    }

    /// When the app answers this probe: at start for a port check, once warmed up otherwise.
    static func answersFrom(_ probe: Probe, _ c: ContainerBehaviour, start: Timestamp) -> Int {
        let portOnly = !probe.handlers.isEmpty && probe.handlers.allSatisfy { if case .tcpSocket = $0 { return true } else { return false } }
        return start.milliseconds.addingSaturating(portOnly ? 0 : c.startup.milliseconds)
    }

    enum StartupOutcome: Equatable {
        /// The startup probe passed at this time (at start without a startup probe).
        case started(Timestamp)
        /// `failureThreshold` failures in a row: killed at this time.
        case killed(Timestamp)
    }

    /// The startup probe of an instance started at `start` (`isContainerStarted`).
    static func startup(_ c: ContainerBehaviour, start: Timestamp, anchor: Timestamp) -> StartupOutcome {
        guard let probe = c.startupProbe else { return .started(start) }
        let p = period(probe)
        let first = tick(anchor: anchor.milliseconds, period: p, atOrAfter: max(start.milliseconds, firstCounted(probe, start: start)))
        let passAt = tick(anchor: anchor.milliseconds, period: p, atOrAfter: max(first, answersFrom(probe, c, start: start)))
        let failures = (passAt - first) / p
        let threshold = max(1, probe.failureThreshold)
        if failures >= threshold {
            return .killed(Timestamp(milliseconds: first.addingSaturating((threshold - 1).multipliedSaturating(by: p))))
        }
        return .started(Timestamp(milliseconds: passAt))
    }

    /// When the liveness probe kills an instance that started at `start` and passed its startup
    /// probe at `started`: after `failureThreshold` failures in a row while the app does not
    /// answer. nil when it never fails that often.
    static func livenessKill(_ c: ContainerBehaviour, start: Timestamp, started: Timestamp, anchor: Timestamp) -> Timestamp? {
        guard let probe = c.livenessProbe else { return nil }
        let p = period(probe)
        // Liveness skips ticks until the container has started (a tick at the very instant a
        // startup probe passes races with the startup worker; it is taken as after).
        let from = c.startupProbe == nil ? start.milliseconds : started.milliseconds + 1
        let first = tick(anchor: anchor.milliseconds, period: p, atOrAfter: max(from, firstCounted(probe, start: start)))
        let answers = answersFrom(probe, c, start: start)
        guard first < answers else { return nil }
        let failures = (tick(anchor: anchor.milliseconds, period: p, atOrAfter: answers) - first) / p
        let threshold = max(1, probe.failureThreshold)
        guard failures >= threshold else { return nil }
        return Timestamp(milliseconds: first.addingSaturating((threshold - 1).multipliedSaturating(by: p)))
    }

    /// Whether the app answers its readiness probe at `t`.
    static func answersReadiness(_ probe: Probe, _ c: ContainerBehaviour, start: Timestamp, at t: Int) -> Bool {
        if c.readyNever || t < answersFrom(probe, c, start: start) { return false }
        if let after = c.unreadyAfter {
            let from = start.milliseconds.addingSaturating(after.milliseconds)
            if t >= from, c.unreadyFor.map({ t < from.addingSaturating($0.milliseconds) }) ?? true { return false }
        }
        return true
    }

    /// The readiness results an instance publishes, in order: (time, ready). Started at
    /// `started`; without a readiness probe it is ready then. At most three changes: ready once
    /// warm, unready in `unready-after`, ready again after `unready-for`.
    /// (Kept inline, not in arrays: asked at every kubelet step of a running container and
    /// every look for a pod's next transition.)
    static func readiness(_ c: ContainerBehaviour, start: Timestamp, started: Timestamp) -> ReadinessFlips {
        var result = ReadinessFlips()
        guard let probe = c.readinessProbe else {
            result.append((started, true))
            return result
        }
        if c.readyNever { return result }
        let p = period(probe)
        let anchor = started.milliseconds
        // Where the answer changes: warm, unready from, ready again from.
        var edges = ReadinessFlips()
        let warm = answersFrom(probe, c, start: start)
        edges.append((Timestamp(milliseconds: warm), true))
        if let after = c.unreadyAfter {
            let from = max(start.milliseconds.addingSaturating(after.milliseconds), warm)
            edges.append((Timestamp(milliseconds: from), false))
            if let length = c.unreadyFor { edges.append((Timestamp(milliseconds: from.addingSaturating(length.milliseconds)), true)) }
        }
        var published = false
        let counted = max(anchor, firstCounted(probe, start: start))
        for i in edges.indices {
            let edge = edges[i]
            let end = i + 1 < edges.count ? edges[i + 1].at.milliseconds : Int.max
            guard edge.ready != published, end > edge.at.milliseconds else { continue }
            let threshold = max(1, edge.ready ? probe.successThreshold : probe.failureThreshold)
            let first = tick(anchor: anchor, period: p, atOrAfter: max(edge.at.milliseconds, counted))
            let flip = first.addingSaturating((threshold - 1).multipliedSaturating(by: p))
            if flip < end && flip < SimulationLimits.maxMilliseconds {
                result.append((Timestamp(milliseconds: flip), edge.ready))
                published = edge.ready
            }
        }
        return result
    }
}

/// At most three readiness results (or edges), in order, kept inline.
struct ReadinessFlips: RandomAccessCollection {
    typealias Element = (at: Timestamp, ready: Bool)
    private var items: (Element, Element, Element) = ((Timestamp(milliseconds: 0), false), (Timestamp(milliseconds: 0), false), (Timestamp(milliseconds: 0), false))
    private(set) var count = 0

    var startIndex: Int { 0 }
    var endIndex: Int { count }

    subscript(i: Int) -> Element {
        precondition(i >= 0 && i < count, "readiness flips: index \(i) out of 0..<\(count)")
        switch i {
        case 0: return items.0
        case 1: return items.1
        default: return items.2
        }
    }

    /// (A fourth is never made: warm, unready, ready again.)
    mutating func append(_ element: Element) {
        switch count {
        case 0: items.0 = element
        case 1: items.1 = element
        case 2: items.2 = element
        default: preconditionFailure("readiness flips: more than three")
        }
        count += 1
    }
}

extension Prober {
    struct FailureWindow: Equatable {
        /// The app was up and said "not ready" (a 503), rather than not answering.
        var warm: Bool
        var first: Int
        var last: Int
        var count: Int
    }

    /// The readiness probes of an instance that failed up to `until` (ms), as runs of one
    /// kind: before the app answers, and in its unready window.
    static func readinessFailures(_ probe: Probe, _ c: ContainerBehaviour, start: Timestamp, started: Timestamp, until: Int) -> [FailureWindow] {
        let p = period(probe)
        let anchor = started.milliseconds
        let counted = max(anchor, firstCounted(probe, start: start))
        let answers = answersFrom(probe, c, start: start)
        var windows: [(from: Int, to: Int, warm: Bool)] = [(counted, answers, false)]
        if c.readyNever { windows.append((answers, Int.max, true)) }
        if !c.readyNever, let after = c.unreadyAfter {
            let from = max(start.milliseconds.addingSaturating(after.milliseconds), answers)
            windows.append((from, c.unreadyFor.map { from.addingSaturating($0.milliseconds) } ?? Int.max, true))
        }
        var result: [FailureWindow] = []
        for w in windows {
            let from = tick(anchor: anchor, period: p, atOrAfter: max(w.from, counted))
            let to = min(w.to, until.addingSaturating(1))
            guard from < to else { continue }
            let count = (to - 1 - from) / p + 1
            result.append(FailureWindow(warm: w.warm, first: from, last: from + (count - 1) * p, count: count))
        }
        return result
    }
}

/// What a failed probe reports (`pkg/probe/http`, `tcp`, `grpc`, `exec`): a refused connection
/// while the app is not up yet, a 503 from an app that is up and says it is not ready.
enum ProbeMessages {
    static func failure(_ probe: Probe, warm: Bool, ip: String, container: ContainerBehaviour? = nil) -> String {
        func port(_ p: IntOrString) -> String {
            switch p {
            case .int(let n): return String(n)
            case .string(let name): return String(container?.ports.first { $0.name == name }?.containerPort ?? 0)
            }
        }
        switch probe.handlers.first {
        case .httpGet(let path, let p)?:
            return warm ? "HTTP probe failed with statuscode: 503" : "Get \"http://\(ip):\(port(p))\(path)\": dial tcp \(ip):\(port(p)): connect: connection refused"
        case .tcpSocket(let p)?:
            return "dial tcp \(ip):\(port(p)): connect: connection refused"
        case .grpc(let p)?:
            return warm ? "service unhealthy (responded with \"NOT_SERVING\")" : "timeout: failed to connect service \"\(ip):\(p)\" within \(max(1, probe.timeoutSeconds))s"
        case .exec?, nil:
            return ""
        }
    }
}

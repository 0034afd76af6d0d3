/// `kubectl drain NODE` in virtual time (`staging/src/k8s.io/kubectl/pkg/cmd/drain/drain.go`
/// RunDrain, deleteOrEvictPodsSimple; `pkg/drain/drain.go` GetPodsForDeletion, evictPods,
/// deletePods, waitForDelete; `pkg/drain/filters.go`; KUBERNETES-scheduling-traffic.md §4):
/// cordon the node, pick its pods through kubectl's filters, then evict them all at once through
/// the eviction API — a refusal (429) is retried every 5 s, printing `evicting pod …` again —
/// and wait for each to be gone, looking every second. The controllers run meanwhile, so
/// replacements are scheduled elsewhere and a PodDisruptionBudget unblocks as they become ready.
public struct DrainOptions: Sendable {
    public var ignoreDaemonSets = false
    public var deleteEmptyDirData = false
    public var force = false
    /// `--disable-eviction`: plain deletes, which no PodDisruptionBudget stops.
    public var disableEviction = false
    /// `--timeout`: nil (0, the default) waits for ever.
    public var timeout: Duration?
    /// `--grace-period`: the grace each pod gets; nil (negative, the default) its own.
    public var gracePeriod: Int?
    /// `--pod-selector`: only the pods it matches.
    public var podSelector: LabelSelector?
    /// `--dry-run=client` or `server`: say what would be evicted, change nothing.
    public var dryRun: DryRun = .none

    public init() {}
}

public struct DrainLine: Equatable, Sendable {
    public enum Stream: Sendable { case out, err }
    public var stream: Stream
    public var text: String
    /// When kubectl would print it, in virtual time.
    public var at: Timestamp
}

public struct DrainResult: Sendable {
    public var lines: [DrainLine] = []
    /// Every selected pod evicted and gone: `node/x drained`.
    public var drained = false
    /// When the drain ended (drained, refused, or out of time).
    public var finishedAt: Timestamp
    /// Pods still on the node when it ended.
    public var pendingPods: [String] = []
    /// How many eviction requests were refused by a PodDisruptionBudget.
    public var refusals = 0
    /// The pods that were selected for eviction.
    public var pods: [String] = []
    /// Refused by a PodDisruptionBudget with nothing left that could change it: kubectl
    /// would retry for ever.
    public var blockedForever = false
    /// Blocked because evicted pods stay Terminating on a node whose kubelet is down.
    public var waitingOnDownNode = false
}

public enum Drain {
    static let retryDelay = Duration(seconds: 5)
    static let pollInterval = Duration(seconds: 1)

    /// The filter messages (`filters.go`).
    static let daemonSetError = "DaemonSet-managed Pods (use --ignore-daemonsets to ignore)"
    static let daemonSetWarning = "ignoring DaemonSet-managed Pods"
    static let localStorageError = "Pods with local storage (use --delete-emptydir-data to override)"
    static let localStorageWarning = "deleting Pods with local storage"
    static let unmanagedError = "Pods declare no controller (use --force to override)"
    static let unmanagedWarning = "deleting Pods that declare no controller"

    /// Drains `nodeName`; `emit` sees each line as it is printed. Time runs in `c`.
    public static func run(_ nodeName: String, in c: Cluster, options: DrainOptions, emit: (DrainLine) -> Void = { _ in },
                           observe: (Cluster) -> Void = { _ in }) -> DrainResult {
        var result = DrainResult(finishedAt: c.now)
        func say(_ stream: DrainLine.Stream, _ text: String) {
            let line = DrainLine(stream: stream, text: text, at: c.now)
            result.lines.append(line)
            emit(line)
        }
        guard c.node(named: nodeName) != nil else {
            say(.err, "Error from server (NotFound): nodes \"\(nodeName)\" not found")
            return result
        }
        EventLoop.settle(c)
        // RunCordonOrUncordon: a dry run only says what it would do.
        let cordons = options.dryRun == .none ? c.setUnschedulable(nodeName, true) : !(c.node(named: nodeName)?.unschedulable ?? false)
        say(.out, (cordons ? "node/\(nodeName) cordoned" : "node/\(nodeName) already cordoned") + options.dryRun.suffix)
        EventLoop.settle(c)
        // GetPodsForDeletion: the node's pods through the filters, first refusal wins.
        var errors: [String: [String]] = [:], warnings: [String: [String]] = [:]
        var selected: [SimPod] = []
        for pod in podsOn(nodeName, in: c) where options.podSelector?.matches(pod.labels) ?? true {
            let name = "\(pod.namespace)/\(pod.name)"
            // daemonSetFilter first (mirror pods do not exist here: no static pods): a
            // DaemonSet's pod is never deleted — an error, or with --ignore-daemonsets a warning
            // and skipped; one whose DaemonSet is gone goes only with --force.
            if pod.ownerKind == "DaemonSet" && !pod.ownerUID.isEmpty {
                if c.daemonSetKeys[pod.ownerUID] == nil {
                    let gone = "daemonsets.apps \"\(pod.ownerName)\" not found"
                    if !options.force { errors[gone, default: []].append(name); continue }
                    warnings[gone, default: []].append(name)
                    selected.append(pod)
                    continue
                }
                if !options.ignoreDaemonSets { errors[daemonSetError, default: []].append(name); continue }
                warnings[daemonSetWarning, default: []].append(name)
                continue
            }
            var warning: String?
            if hasEmptyDir(pod) {
                if !options.deleteEmptyDirData { errors[localStorageError, default: []].append(name); continue }
                warning = localStorageWarning
            }
            if pod.ownerUID.isEmpty {
                if !options.force { errors[unmanagedError, default: []].append(name); continue }
                warning = unmanagedWarning
            }
            if let warning { warnings[warning, default: []].append(name) }
            selected.append(pod)
        }
        if !errors.isEmpty {
            // PodDeleteList.errors, as one aggregate: "[a, b]" when there are several (upstream's
            // order is a Go map's; here sorted by message).
            let groups = errors.keys.sorted().map { "cannot delete \($0): \(errors[$0, default: []].joined(separator: ", "))" }
            let message = groups.count == 1 ? groups[0] : "[" + groups.joined(separator: ", ") + "]"
            fail(nodeName, message, say: say)
            result.finishedAt = c.now
            return result
        }
        if !warnings.isEmpty {
            say(.err, "Warning: " + warnings.keys.sorted().map { "\($0): \(warnings[$0, default: []].joined(separator: ", "))" }.joined(separator: "; "))
        }
        result.pods = selected.map(\.name)
        // deleteOrEvictPods under a dry run: each pod named, nothing evicted.
        if options.dryRun != .none {
            for pod in selected { say(.out, "evicting pod \(pod.namespace)/\(pod.name)\(options.dryRun.suffix)") }
            result.drained = true
            say(.out, "node/\(nodeName) drained\(options.dryRun.suffix)")
            return result
        }
        let start = c.now
        let deadline = options.timeout.map { start.adding($0) }
        let timeoutText = options.timeout?.description ?? ""

        enum Step { case attempt(Timestamp), waiting(since: Timestamp), done }
        var steps: [Step] = selected.map { _ in .attempt(start) }
        var failures: [String] = []
        if options.disableEviction {
            // deletePods: every DELETE first, then one wait for them all.
            for pod in selected { Eviction.delete(pod, evicted: false, grace: options.gracePeriod, in: c) }
            steps = selected.map { _ in .waiting(since: start) }
        }
        while true {
            let now = c.now
            let timedOut = deadline.map { now >= $0 } ?? false
            for (i, pod) in selected.enumerated() {
                switch steps[i] {
                case .attempt(let at) where at <= now:
                    say(.out, "evicting pod \(pod.namespace)/\(pod.name)")
                    if timedOut {
                        failures.append("error when evicting pods/\(GoQuote.quoted(pod.name)) -n \(GoQuote.quoted(pod.namespace)): global timeout reached: \(timeoutText)")
                        steps[i] = .done
                        continue
                    }
                    switch Eviction.evict(c.pods[pod.uid], grace: options.gracePeriod, in: c) {
                    case .evicted:
                        steps[i] = .waiting(since: now)
                        EventLoop.settle(c)
                    case .notFound:
                        steps[i] = .done
                    case .tooManyRequests(let message, _):
                        result.refusals += 1
                        say(.err, "error when evicting pods/\(GoQuote.quoted(pod.name)) -n \(GoQuote.quoted(pod.namespace)) (will retry after 5s): \(message)")
                        steps[i] = .attempt(now.adding(retryDelay))
                    case .failed(let message):
                        failures.append("error when evicting pods/\(GoQuote.quoted(pod.name)) -n \(GoQuote.quoted(pod.namespace)): \(message)")
                        steps[i] = .done
                    }
                case .waiting(let since) where (now.milliseconds - since.milliseconds) % pollInterval.milliseconds == 0:
                    // waitForDelete: PollImmediate every second; a new pod of the same name
                    // (a new uid) counts as gone.
                    if c.pods[pod.uid].map(\.gone) ?? true {
                        say(.out, "pod/\(pod.name) \(options.disableEviction ? "deleted" : "evicted")")
                        steps[i] = .done
                    } else if timedOut {
                        let reached = "global timeout reached: \(timeoutText)"
                        failures.append(options.disableEviction ? reached
                                        : "error when waiting for pod \(GoQuote.quoted(pod.name)) in namespace \(GoQuote.quoted(pod.namespace)) to terminate: \(reached)")
                        steps[i] = .done
                    }
                default:
                    break
                }
            }
            let pending = steps.compactMap { step -> Timestamp? in
                switch step {
                case .attempt(let at): return at
                case .waiting(let since):
                    let elapsed = now.milliseconds - since.milliseconds
                    return Timestamp(milliseconds: since.milliseconds + (elapsed / pollInterval.milliseconds + 1) * pollInterval.milliseconds)
                case .done: return nil
                }
            }
            guard var wake = pending.min() else { break }
            // Nothing left to happen in the cluster and every pod refused: no budget can ever
            // allow it. kubectl would retry every 5s until interrupted; the simulation stops.
            let refusedOnly = steps.allSatisfy { if case .waiting = $0 { return false } else { return true } }
            // Either the cluster has nothing left to do, or every refusing budget can never
            // allow a disruption with the replicas it covers (minAvailable equal to them,
            // maxUnavailable 0): retrying cannot help.
            let structural = refusedOnly && selected.indices.allSatisfy { i in
                if case .attempt = steps[i] { return budgetNeverAllows(selected[i], in: c) } else { return true }
            }
            if deadline == nil && refusedOnly && (c.timers.isEmpty || structural) {
                result.blockedForever = true
                break
            }
            // Waiting for pods whose kubelet is down (they stay Terminating), or a day gone by:
            // kubectl would wait for ever.
            let stuck = selected.indices.allSatisfy { i in
                switch steps[i] {
                case .waiting: return c.pods[selected[i].uid].map { $0.nodeDown || $0.gone } ?? true
                case .attempt: return refusedOnly
                case .done: return true
                }
            } && steps.contains { if case .waiting = $0 { return true } else { return false } }
            if deadline == nil && (stuck || now.milliseconds - start.milliseconds > EventLoop.defaultLimit.milliseconds) {
                result.blockedForever = true
                result.waitingOnDownNode = stuck
                break
            }
            if let deadline, deadline > now { wake = min(wake, deadline) }
            c.timers.add(.resync, at: wake)
            _ = EventLoop.run(c, timeout: Duration(milliseconds: wake.milliseconds - now.milliseconds), until: { $0.now >= wake }, observe: observe)
        }
        result.finishedAt = c.now
        if result.blockedForever {
            result.pendingPods = podsOn(nodeName, in: c).map(\.name)
            return result
        }
        if failures.isEmpty {
            result.drained = true
            say(.out, "node/\(nodeName) drained")
            return result
        }
        let message = failures.count == 1 ? failures[0] : "[" + failures.joined(separator: ", ") + "]"
        // deleteOrEvictPodsSimple: the pods still there, then RunDrain's lines.
        let left = podsOn(nodeName, in: c)
        result.pendingPods = left.map(\.name)
        if !left.isEmpty {
            say(.err, "There are pending pods in node \(GoQuote.quoted(nodeName)) when an error occurred: \(message)")
            for pod in left { say(.err, "pod/\(pod.name)") }
        }
        fail(nodeName, message, say: say)
        return result
    }

    /// RunDrain's ending for a node it could not drain; checkErr prints the error last, bare.
    static func fail(_ node: String, _ message: String, say: (DrainLine.Stream, String) -> Void) {
        say(.err, "error: unable to drain node \(GoQuote.quoted(node)) due to error: \(message), continuing command...")
        say(.err, "There are pending nodes to be drained:")
        say(.err, " \(node)")
        say(.err, message)
    }

    /// The pods bound to a node (`spec.nodeName`), as the API server lists them: by namespace, then name.
    static func podsOn(_ node: String, in c: Cluster) -> [SimPod] {
        c.pods.values.filter { $0.nodeName == node && !$0.gone }.sorted { ($0.namespace, $0.name) < ($1.namespace, $1.name) }
    }

    /// The pod's budget can never allow its eviction, whatever the pods do: its spec, against
    /// the replicas it expects (Linter.budgetNeverAllows).
    static func budgetNeverAllows(_ pod: SimPod, in c: Cluster) -> Bool {
        guard let resource = c.disruptionBudgets.values.first(where: { $0.namespace == pod.namespace && PodDisruptionBudget($0).selects(pod.labels) }) else { return false }
        let expected = resource.value.at("status", "expectedPods")?.intValue ?? 0
        return Linter.budgetNeverAllows(PodDisruptionBudget(resource), replicas: expected) != nil
    }

    static func hasEmptyDir(_ pod: SimPod) -> Bool {
        (pod.template["spec"]?["volumes"]?.arrayValue ?? []).contains { $0["emptyDir"] != nil }
    }
}

import RolloutCore

/// Commands that look at what the control plane did or wait for a condition: `events`,
/// `timeline`, `wait`.
enum ObserveCommands {
    static func events(_ args: [String], io: inout CommandIO) throws -> Int32 {
        let text = RolloutCommands.help("rollout events [--for KIND/NAME] [-A] [-o json|yaml] [options]",
                                        "List events, oldest first, as `kubectl events` does; LAST SEEN is measured on the cluster's virtual clock.",
                                        "  rollout events\n  rollout events --for deployment/web-api\n  rollout events -o json",
                                        options: "      --for=KIND/NAME  Only events about this object\n  -A, --all-namespaces Events of every namespace\n  -o, --output=        json or yaml: a v1 List of Event objects")
        let parsed = try Arguments(args, specs: Global.specs + [
            .init(names: ["--for"], takesValue: true), .init(names: ["-o", "--output"], takesValue: true),
            .init(names: ["-A", "--all-namespaces"], takesValue: false),
        ])
        if parsed.flag("--help") { io.out(text + "\n"); return 0 }
        let output = parsed.last("--output")
        if let output, output != "json" && output != "yaml" {
            throw UsageError(message: "unable to match a printer suitable for the output format \"\(output)\", allowed formats are: json,yaml")
        }
        var filter: (kind: String, name: String)?
        if let target = parsed.last("--for") {
            let parts = target.split(separator: "/", maxSplits: 1).map(String.init)
            guard parts.count == 2, let type = ResourceType.resolve(parts[0]) else { throw UsageError(message: "invalid --for \"\(target)\": expected KIND/NAME, e.g. deployment/web") }
            filter = (type.kind, parts[1])
        }
        let store = try Global.openStore(parsed, writable: false)
        defer { store.close() }
        let all = parsed.flag("--all-namespaces")
        var events = try EventLog.list(store, namespace: all ? nil : Global.namespace(parsed))
        if let filter {
            events = events.filter { $0.value.at("involvedObject", "kind")?.stringValue == filter.kind && $0.value.at("involvedObject", "name")?.stringValue == filter.name }
        }
        events = EventLog.kubectlEventsOrder(events)
        if let output {
            try ObjectList.write(count: events.count, item: { events[$0].value }, yaml: output == "yaml") { io.out($0) }
            return 0
        }
        if events.isEmpty {
            io.err(all ? "No events found.\n" : "No events found in \(Global.namespace(parsed)) namespace.\n")
            return 0
        }
        var table = TabWriter()
        table.add((all ? ["NAMESPACE"] : []) + ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"])
        for event in events {
            let o = event.value
            let last = o["lastTimestamp"]?.stringValue.flatMap(Timestamp.init(parsing:))
            var seen = last.map { humanDuration(milliseconds: store.clock.milliseconds - $0.milliseconds) } ?? "<unknown>"
            if let count = o["count"]?.intValue, count > 1, let first = o["firstTimestamp"]?.stringValue.flatMap(Timestamp.init(parsing:)) {
                seen += " (x\(count) over \(humanDuration(milliseconds: store.clock.milliseconds - first.milliseconds)))"
            }
            let object = "\((o.at("involvedObject", "kind")?.stringValue ?? "").capitalizedFirst)/\(o.at("involvedObject", "name")?.stringValue ?? "")"
            // printOneEvent: each text through EscapeTerminal, the message trimmed; a tab in it
            // starts another cell, as in the line kubectl's tab writer is given (whose
            // RememberWidths keeps the columns across a message's own newline).
            let message = (o["message"]?.stringValue ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            let cells = (all ? [event.namespace ?? ""] : []) + [seen] + [o["type"]?.stringValue ?? "", o["reason"]?.stringValue ?? "", object, message].map(TerminalEscaper.escaped)
            table.add(cells.contains { $0.utf8.contains(0x09) } ? cells.joined(separator: "\t").components(separatedBy: "\t") : cells)
        }
        io.out(table.render())
        return 0
    }

    static func timeline(_ args: [String], io: inout CommandIO) throws -> Int32 {
        let text = RolloutCommands.help("rollout timeline deployment/NAME [-o table|json|svg|chart] [options]",
                                        "Show how the last rollout of a Deployment went, one row per moment the counts changed: t (seconds of virtual time since the rollout began), desired, current (pods not terminating), terminating, updated, ready, available, oldReady, newReady, and the ready endpoints of the Services in front of it.",
                                        "  rollout timeline deployment/web-api\n  rollout timeline deployment/web-api -o json | jq .",
                                        options: "  -o, --output=table   table; json (one JSON object per line); svg (a chart with the surge and\n                       availability bounds and failed requests, for a pull request); chart (for a terminal)")
        let parsed = try Arguments(args, specs: Global.specs + [.init(names: ["-o", "--output"], takesValue: true)])
        if parsed.flag("--help") { io.out(text + "\n"); return 0 }
        let key = try Global.deploymentKey(parsed.positional, namespace: Global.namespace(parsed), verb: "timeline", kinds: ["Deployment", "StatefulSet", "DaemonSet"])
        let kind = key.type.dropFirst("apps/".count).lowercased()
        let output = parsed.last("--output") ?? "table"
        guard ["table", "json", "svg", "chart"].contains(output) else {
            throw UsageError(message: "unable to match a printer suitable for the output format \"\(output)\", allowed formats are: chart,json,svg,table")
        }
        let store = try Global.openStore(parsed, writable: false)
        defer { store.close() }
        _ = try RolloutActions.deployment(store, key)
        guard let timeline = try Timeline.load(store, deployment: key) else {
            throw CommandFailure(message: "no rollout of \(kind) \"\(key.name)\" has been watched yet; run 'rollout status \(kind)/\(key.name)' or 'rollout apply --wait' first")
        }
        if output == "json" {
            for sample in timeline.samples { io.out(try JSONWriter.string(sample.json) + "\n") }
            return 0
        }
        if output == "svg" {
            io.out(TimelineChart.svg(timeline, title: "\(kind).apps/\(key.name), revision \(timeline.revision)"))
            return 0
        }
        if output == "chart" {
            io.out("\(kind).apps/\(key.name) revision \(timeline.revision), from \(timeline.start)\n" + TimelineChart.text(timeline))
            return 0
        }
        var table = TabWriter(minWidth: 0, padding: 2)
        // PEAK only when pods came and went within one moment.
        let peaks = timeline.samples.contains { $0.peak > $0.pods }
        table.add(["T", "DESIRED", "CURRENT", "TERMINATING", "UPDATED", "READY", "AVAILABLE", "OLD-READY", "NEW-READY", "ENDPOINTS"] + (peaks ? ["PEAK"] : []))
        for s in timeline.samples {
            table.add([JSONWriter.formatFloat(s.t) + "s"] + [s.desired, s.current, s.terminating, s.updated, s.ready, s.available, s.oldReady, s.newReady, s.endpoints].map(String.init)
                      + (peaks ? [String(s.peak)] : []))
        }
        io.out("\(kind).apps/\(key.name) revision \(timeline.revision), from \(timeline.start)\n" + table.render())
        return 0
    }

    static func wait(_ args: [String], io: inout CommandIO) throws -> Int32 {
        let text = RolloutCommands.help("rollout wait (TYPE/NAME... | TYPE NAME... | TYPE -l SELECTOR | TYPE --all) --for=CONDITION [--timeout=30s] [options]",
                                        "Run virtual time until objects meet a condition, as `kubectl wait` does: a status condition (default status True), their deletion, or a JSONPath value. One line per object met, in order.",
                                        """
                                          rollout wait --for=condition=Available deployment/web-api
                                          rollout wait --for=condition=Ready pod -l app=web --timeout=2m
                                          rollout wait --for=delete pod/web-api-7d9c-x2x4q
                                          rollout wait --for=jsonpath='{.status.phase}'=Running pod/web-api-7d9c-x2x4q
                                          rollout wait --for=condition=Progressing=False deployment/web-api --timeout=15m
                                        """,
                                        options: """
                                              --for=CONDITION  delete, create, condition=NAME[=VALUE] (VALUE true by default; compared ignoring case; a
                                                               condition older than the object's generation does not count) or
                                                               jsonpath=EXPRESSION[=VALUE] (without a value: any value)
                                          -l, --selector=      The objects of TYPE with these labels
                                              --all            Every object of TYPE in the namespace
                                          -A, --all-namespaces With -l or --all: in every namespace
                                              --timeout=30s    Virtual time to wait at most, for all of them (0: look once; negative: a week)
                                              --speed=X        Run the clock at X times wall-clock speed
                                        """)
        let parsed = try Arguments(args, specs: Global.specs + Global.waitSpecs + [
            .init(names: ["--for"], takesValue: true), .init(names: ["-l", "--selector"], takesValue: true),
            .init(names: ["--all"], takesValue: false), .init(names: ["-A", "--all-namespaces"], takesValue: false),
        ])
        if parsed.flag("--help") { io.out(text + "\n"); return 0 }
        // (kubectl exits 1 for a condition it cannot read; bad input exits 2 here.)
        let condition: WaitCondition
        do { condition = try WaitCondition.parse(parsed.last("--for") ?? "") } catch { throw UsageError(message: error.message) }
        let timeout = try waitTimeout(parsed.last("--timeout"))
        let selector = try Global.selector(parsed)
        let all = parsed.flag("--all"), allNamespaces = parsed.flag("--all-namespaces")
        let namespace = Global.namespace(parsed)
        let store = try Global.openStore(parsed, writable: true)
        defer { store.close() }
        let query = try ResourceQuery.parse(parsed.positional, storedTypes: store.storedTypes)
        let cluster = try Cluster(store: store)
        KeptUntilExit.keep(cluster)
        // The controllers act on what was applied before anything is looked for (as a
        // cluster's do, in the moment before kubectl lists): a ReplicaSet's pods exist.
        EventLoop.settle(cluster)
        // The objects, in the order kubectl visits them: names as given, lists in the API
        // server's order (namespace, name). A name not found is an error, except for delete.
        struct Target { var type: ResourceType; var namespace: String; var name: String; var uid: String }
        func current(_ type: ResourceType, _ namespace: String, _ name: String, uid: String? = nil) throws -> Resource? {
            if Cluster.holdsLive(type) { return cluster.liveObject(type, namespace: namespace, name: name, uid: uid) }
            return try store.get(ObjectKey(type: type.storageKey, namespace: type.namespaced ? namespace : "", name: name))
        }
        var pacer = try Global.pacer(parsed)
        let deadline = timeout.map { cluster.now.adding($0) }
        if case .create = condition {
            // RunWait for `create`: a look at once, then every 500 ms until none of the objects
            // named is NotFound (one timeout for it all: `timed out waiting for the condition`).
            // Objects listed by a selector are there or not: nothing to wait for.
            let named = query.requests.flatMap { request in request.names.map { (request.type, $0) } }
            while try named.contains(where: { try current($0.0, namespace, $0.1) == nil }) {
                guard let deadline, cluster.now < deadline else {
                    try cluster.save()
                    try store.commit()
                    throw CommandFailure(message: "timed out waiting for the condition")
                }
                let step = Duration(milliseconds: min(WaitCondition.createPollInterval.milliseconds, deadline.milliseconds - cluster.now.milliseconds))
                // (The run ends at the step's end; with nothing left to happen, nothing will be
                // made, and the clock runs out the timeout.)
                if EventLoop.run(cluster, timeout: step, until: { _ in false }, observe: { pacer.pace(to: $0.now) }) == .idle {
                    EventLoop.advance(cluster, to: deadline)
                }
            }
        }
        var targets: [Target] = []
        for request in query.requests {
            let type = request.type
            if request.names.isEmpty {
                guard selector != nil || all else { throw CommandFailure(message: "resource(s) were provided, but no name was specified") }
                let scope: String? = allNamespaces || !type.namespaced ? nil : namespace
                let objects = try cluster.liveObjects(type) ?? store.list(type, namespace: scope)
                let chosen = objects.filter { (scope == nil || ($0.namespace ?? "default") == scope) && (selector?.matches($0.labels) ?? true) }
                    .sorted { ($0.namespace ?? "", $0.name) < ($1.namespace ?? "", $1.name) }
                targets += chosen.map { Target(type: type, namespace: $0.namespace ?? "", name: $0.name, uid: $0.uid) }
            } else {
                for name in request.names {
                    if let object = try current(type, namespace, name) {
                        targets.append(Target(type: type, namespace: object.namespace ?? "", name: name, uid: object.uid))
                    } else if case .delete = condition {
                        continue
                    } else {
                        throw StoreError.notFound(type, name)
                    }
                }
            }
        }
        if targets.isEmpty {
            if case .delete = condition { return 0 }
            throw CommandFailure(message: "no matching resources found")
        }
        var failure: Error?
        for target in targets {
            var problem: WaitCondition.Problem?
            func met(_ c: Cluster) -> Bool {
                do {
                    let object = try current(target.type, target.namespace, target.name, uid: target.uid)
                    if object == nil, case .delete = condition { return true }
                    guard let object else {
                        // Gone while waited on (the watch's precondition): not found.
                        failure = StoreError.notFound(target.type, target.name)
                        return true
                    }
                    return try condition.isMet(by: object, startUID: target.uid)
                } catch let error as WaitCondition.Problem {
                    problem = error
                    return true
                } catch {
                    failure = error
                    return true
                }
            }
            let location = "\(target.type.plural)/\(target.name)"
            if let deadline {
                let left = Duration(milliseconds: max(0, deadline.milliseconds - cluster.now.milliseconds))
                let outcome = left.milliseconds == 0 ? (met(cluster) ? .conditionMet : .timedOut)
                    : EventLoop.run(cluster, timeout: left, until: met, observe: { pacer.pace(to: $0.now) })
                if let problem { failure = CommandFailure(message: problem.message) }
                if failure == nil && outcome != .conditionMet {
                    // Nothing left to happen: kubectl still waits out its timeout, and so does the clock.
                    if outcome == .idle { EventLoop.advance(cluster, to: deadline) }
                    failure = CommandFailure(message: "timed out waiting for the condition on \(location)")
                }
            } else if !met(cluster) {
                // --timeout=0: one look.
                failure = CommandFailure(message: "condition not met for \(location)")
            } else if let problem {
                failure = CommandFailure(message: problem.message)
            }
            if failure != nil { break }
            io.out("\(target.type.qualifiedSingular)/\(target.name) condition met\n")
        }
        try cluster.save()
        try store.commit()
        if let failure { throw failure }
        return 0
    }

    /// kubectl wait's `--timeout`: 30 s by default, 0 to look once (nil here), negative for
    /// a week.
    static func waitTimeout(_ text: String?) throws -> Duration? {
        guard let text else { return Duration(seconds: 30) }
        if text.hasPrefix("-"), Duration(parsing: String(text.dropFirst())) != nil { return Duration(seconds: 168 * 3600) }
        guard let duration = Duration(parsing: text), duration.milliseconds >= 0 else {
            throw UsageError(message: "invalid argument \"\(text)\" for \"--timeout\" flag: expected a duration such as 30s or 5m")
        }
        return duration.milliseconds == 0 ? nil : duration
    }
}

extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}

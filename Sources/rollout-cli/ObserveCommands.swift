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
        let text = RolloutCommands.help("rollout wait --for=condition=COND[=STATUS] deployment/NAME [--timeout=30s] [options]",
                                        "Run virtual time until a Deployment has a condition (default status True), as `kubectl wait` does.",
                                        "  rollout wait --for=condition=Available deployment/web-api\n  rollout wait --for=condition=Progressing=False deployment/web-api --timeout=15m",
                                        options: "      --for=condition=NAME[=STATUS]\n      --timeout=30s    Virtual time to wait at most (kubectl's default, 30s)\n      --speed=X        Run the clock at X times wall-clock speed")
        let parsed = try Arguments(args, specs: Global.specs + Global.waitSpecs + [.init(names: ["--for"], takesValue: true)])
        if parsed.flag("--help") { io.out(text + "\n"); return 0 }
        guard let condition = parsed.last("--for"), condition.hasPrefix("condition=") else {
            throw UsageError(message: "--for must be condition=NAME[=STATUS]")
        }
        let parts = condition.dropFirst("condition=".count).split(separator: "=", maxSplits: 1).map(String.init)
        guard let conditionType = parts.first, !conditionType.isEmpty else { throw UsageError(message: "--for must be condition=NAME[=STATUS]") }
        let wanted = parts.count > 1 ? parts[1] : "True"
        let key = try Global.deploymentKey(parsed.positional, namespace: Global.namespace(parsed), verb: "wait")
        let store = try Global.openStore(parsed, writable: true)
        defer { store.close() }
        let cluster = try Cluster(store: store)
        KeptUntilExit.keep(cluster)
        guard cluster.deployments[key] != nil else { throw StoreError.notFound(ResourceType.forObject(apiVersion: "apps/v1", kind: "Deployment"), key.name) }
        var pacer = try Global.pacer(parsed)
        let timeout = try Global.timeout(parsed) ?? Duration(seconds: 30)
        let outcome = EventLoop.run(cluster, timeout: timeout, until: { c in
            let conditions = c.deployments[key]?.value.at("status", "conditions")?.arrayValue ?? []
            return conditions.contains { $0["type"]?.stringValue?.lowercased() == conditionType.lowercased() && $0["status"]?.stringValue?.lowercased() == wanted.lowercased() }
        }, observe: { pacer.pace(to: $0.now) })
        try cluster.save()
        try store.commit()
        guard outcome == .conditionMet else { throw CommandFailure(message: "timed out waiting for the condition on deployments/\(key.name)") }
        io.out("deployment.apps/\(key.name) condition met\n")
        return 0
    }
}

extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}

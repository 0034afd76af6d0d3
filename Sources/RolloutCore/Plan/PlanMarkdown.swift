/// `plan -o markdown`: the report for `$GITHUB_STEP_SUMMARY` or a pull-request comment — the
/// verdict first, a row per Deployment, the requests per Service and Ingress rule with their
/// failure windows, the hazards with file:line and fix, and the diff folded away.
extension PlanReport {
    public var markdown: String {
        let v = verdict
        var out = "## rollout plan: \(v.result)\n\n"
        out += "**Verdict: \(v.result)**" + (v.reasons.isEmpty ? "" : " — " + v.reasons.map(Self.cell).joined(separator: "; ")) + "\n"
        if !changes.isEmpty {
            out += "\n" + changes.map { "- `\($0.object)` \($0.operation)" }.joined(separator: "\n") + "\n"
        }
        if !deployments.isEmpty {
            out += "\n### Rollouts\n\n"
            out += "| Deployment | Outcome | Duration | maxSurge | maxUnavailable | Most pods at once | Fewest available |\n"
            out += "|---|---|---|---|---|---|---|\n"
            for d in deployments {
                let duration = d.outcome == "unchanged" || d.outcome == "paused" ? "" : Self.seconds(d.durationSeconds)
                let name = d.kind == "Deployment" ? d.name : d.shown
                out += "| \(Self.cell(d.namespace == "default" ? name : "\(d.namespace)/\(name)")) | \(Self.cell(d.outcome)) | \(duration) | \(d.maxSurge) | \(d.maxUnavailable) | \(d.maxPods) | \(d.minAvailable) of \(d.replicas) |\n"
            }
        }
        if !traffic.isEmpty {
            out += "\n### Requests (\(rps)/s)\n\n| Route | Requests | Failed |\n|---|---|---|\n"
            for s in traffic { out += "| `\(s.route.label)` | \(s.requests) | \(s.failed) |\n" }
            let windows = traffic.flatMap { s in s.windows.map { (s.route.label, $0) } }
            if !windows.isEmpty {
                out += "\nFailed requests:\n\n"
                for (label, w) in windows {
                    let span = w.start == w.end ? "t=\(TrafficRecorder.seconds(w.start))" : "t=\(TrafficRecorder.seconds(w.start))–\(TrafficRecorder.seconds(w.end))"
                    out += "- `\(label)` \(span): \(w.failed) failed, \(Self.cell(w.reason))\n"
                }
            }
        }
        for service in unreplayed { out += "\n`service/\(service)`: no traffic replayed: nothing served before (a new app has no clients yet)\n" }
        out += "\n### Hazards\n\n"
        if hazards.isEmpty {
            out += "No hazards found.\n"
        } else {
            for h in hazards {
                let place = h.location.map { "\($0)" } ?? h.file
                out += "- **\(h.severity.rawValue)** `\(h.code)` \(Self.cell(h.object))" + (place.isEmpty ? "" : " at `\(place)`") + ": `\(h.path)`: \(Self.cell(h.message))  \n  Fix: \(Self.cell(h.fix))\n"
            }
        }
        if !diff.isEmpty {
            let objects = diff.components(separatedBy: "\ndiff -u -N ").count
            out += "\n<details><summary>Diff (\(objects) object\(objects == 1 ? "" : "s"))</summary>\n\n```diff\n\(diff)\(diff.hasSuffix("\n") ? "" : "\n")```\n\n</details>\n"
        }
        return out
    }

    /// Text safe in a Markdown table cell or list item: no pipes, no line breaks.
    static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}

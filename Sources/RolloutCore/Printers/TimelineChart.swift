/// Pictures of a rollout: an SVG chart to paste in a pull request, and a text chart for a
/// terminal. Old and new ready pods and terminating pods as steps over virtual time, the
/// surge and availability bounds as dashed lines, failed requests as red bands.
public enum TimelineChart {
    static let width = 820.0, height = 420.0
    static let left = 60.0, right = 190.0, top = 74.0, bottom = 56.0

    static func number(_ x: Double) -> String {
        let rounded = (x * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : JSONWriter.formatFloat(rounded)
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// A tick step giving 4–10 ticks: 1, 2, 5 × 10^n.
    static func step(for range: Double) -> Double {
        var step = 1.0
        while range / step > 10 {
            for factor in [2.0, 2.5, 2.0] where range / step > 10 { step *= factor }
        }
        return step
    }

    public static func svg(_ timeline: Timeline, title: String) -> String {
        let lastT = max(timeline.samples.last?.t ?? 0, Double(timeline.failures.map(\.end).max() ?? 0) / 1000, 1)
        // The steady state before the rollout, drawn left of 0.
        let lead = timeline.before == nil ? 0 : max(lastT * 0.08, 0.5)
        var samples = timeline.samples
        if var before = timeline.before {
            before.t = -lead
            samples.insert(before, at: 0)
        }
        let startT = -lead
        let endT = lastT * 1.05
        let maxY = Double(max(samples.map { max($0.oldReady + $0.newReady, $0.current + $0.terminating, $0.peak) }.max() ?? 1, timeline.maxPods, 1)) + 1
        let plotW = width - left - right, plotH = height - top - bottom
        func x(_ t: Double) -> Double { left + (t - startT) / (endT - startT) * plotW }
        func y(_ v: Double) -> Double { top + plotH - v / maxY * plotH }
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(number(width))\" height=\"\(number(height))\" viewBox=\"0 0 \(number(width)) \(number(height))\" font-family=\"sans-serif\" font-size=\"12\">\n"
        out += "<rect x=\"0\" y=\"0\" width=\"\(number(width))\" height=\"\(number(height))\" fill=\"#ffffff\"/>\n"
        out += "<text x=\"\(number(left))\" y=\"24\" font-size=\"15\" font-weight=\"bold\">\(escape(title))</text>\n"
        // The verdict, in words: what a reviewer reads first.
        let failedTotal = timeline.failures.reduce(0) { $0 + $1.failed }
        let verdict = failedTotal > 0 ? "downtime: \(failedTotal) failed request\(failedTotal == 1 ? "" : "s")" : "no failed request"
        if !timeline.change.isEmpty {
            out += "<text x=\"\(number(left))\" y=\"42\" font-size=\"12\" fill=\"#333333\">\(escape(timeline.change))</text>\n"
        }
        out += "<text x=\"\(number(left))\" y=\"\(timeline.change.isEmpty ? 44 : 60)\" font-size=\"13\" fill=\"\(failedTotal > 0 ? "#b01c1c" : "#2a7a2a")\">\(escape(verdict))</text>\n"
        // Failed requests: bands across the plot, each labelled in visible text (a title alone
        // shows only on hover, never in a PNG).
        for (i, w) in timeline.failures.enumerated() {
            let x0 = x(Double(w.start) / 1000), x1 = max(x(Double(w.end) / 1000 + 0.1), x0 + 1)
            out += "<rect x=\"\(number(x0))\" y=\"\(number(top))\" width=\"\(number(x1 - x0))\" height=\"\(number(plotH))\" fill=\"#d62728\" fill-opacity=\"0.15\"><title>\(w.failed) failed: \(escape(w.reason))</title></rect>\n"
            out += "<text x=\"\(number(x0 + 2))\" y=\"\(number(top + 12 + Double(i % 6) * 13))\" font-size=\"10\" fill=\"#a01818\">\(w.failed) failed: \(escape(w.reason))</text>\n"
        }
        // Grid and axes.
        let yStep = step(for: maxY)
        var v = 0.0
        while v <= maxY {
            out += "<line x1=\"\(number(left))\" y1=\"\(number(y(v)))\" x2=\"\(number(left + plotW))\" y2=\"\(number(y(v)))\" stroke=\"#e5e5e5\"/>\n"
            out += "<text x=\"\(number(left - 8))\" y=\"\(number(y(v) + 4))\" text-anchor=\"end\">\(number(v))</text>\n"
            v += yStep
        }
        let xStep = step(for: endT)
        var t = 0.0
        if lead > 0 {
            out += "<line x1=\"\(number(x(0)))\" y1=\"\(number(top))\" x2=\"\(number(x(0)))\" y2=\"\(number(top + plotH))\" stroke=\"#999999\" stroke-dasharray=\"3 3\"/>\n"
            out += "<text x=\"\(number(x(0) + 4))\" y=\"\(number(top + 12))\" fill=\"#666666\">rollout starts</text>\n"
        }
        while t <= endT {
            out += "<line x1=\"\(number(x(t)))\" y1=\"\(number(top + plotH))\" x2=\"\(number(x(t)))\" y2=\"\(number(top + plotH + 5))\" stroke=\"#333333\"/>\n"
            out += "<text x=\"\(number(x(t)))\" y=\"\(number(top + plotH + 19))\" text-anchor=\"middle\">\(number(t))</text>\n"
            t += xStep
        }
        out += "<line x1=\"\(number(left))\" y1=\"\(number(top + plotH))\" x2=\"\(number(left + plotW))\" y2=\"\(number(top + plotH))\" stroke=\"#333333\"/>\n"
        out += "<line x1=\"\(number(left))\" y1=\"\(number(top))\" x2=\"\(number(left))\" y2=\"\(number(top + plotH))\" stroke=\"#333333\"/>\n"
        out += "<text x=\"\(number(left + plotW / 2))\" y=\"\(number(height - 14))\" text-anchor=\"middle\">virtual time since the rollout began (s)</text>\n"
        out += "<text x=\"18\" y=\"\(number(top + plotH / 2))\" text-anchor=\"middle\" transform=\"rotate(-90 18 \(number(top + plotH / 2)))\">pods</text>\n"
        // Bounds.
        var legend: [(String, String, String)] = []
        if timeline.maxPods > 0 {
            out += "<line x1=\"\(number(left))\" y1=\"\(number(y(Double(timeline.maxPods))))\" x2=\"\(number(left + plotW))\" y2=\"\(number(y(Double(timeline.maxPods))))\" stroke=\"#d62728\" stroke-dasharray=\"6 4\"/>\n"
            legend.append(("#d62728", "6 4", "surge bound (\(timeline.maxPods))"))
        }
        out += "<line x1=\"\(number(left))\" y1=\"\(number(y(Double(timeline.minAvailable))))\" x2=\"\(number(left + plotW))\" y2=\"\(number(y(Double(timeline.minAvailable))))\" stroke=\"#ff7f0e\" stroke-dasharray=\"2 3\"/>\n"
        legend.append(("#ff7f0e", "2 3", "availability bound (\(timeline.minAvailable))"))
        // Series as steps: each value holds until the next sample. Each is drawn a few pixels
        // off the others (`offset`), so equal counts never hide one line under another.
        func steps(_ value: (Timeline.Sample) -> Int, offset: Double) -> String {
            var d = ""
            for (i, s) in samples.enumerated() {
                let nextT = i + 1 < samples.count ? samples[i + 1].t : lastT
                d += (i == 0 ? "M" : "L") + "\(number(x(s.t))) \(number(y(Double(value(s))) + offset))"
                d += " L\(number(x(nextT))) \(number(y(Double(value(s))) + offset)) "
            }
            return d.trimmingSpaces
        }
        let series: [(String, String, String, Double, Double, (Timeline.Sample) -> Int)] = [
            ("#7f7f7f", "4 3", "terminating", 2, 4, { $0.terminating }),
            ("#1f77b4", "", "old ready", 3, -2, { $0.oldReady }),
            ("#2ca02c", "", "new ready", 3, 2, { $0.newReady }),
            ("#000000", "1 3", "total ready", 1.5, 0, { $0.oldReady + $0.newReady }),
        ]
        for (color, dash, name, strokeWidth, offset, value) in series where !samples.isEmpty {
            out += "<path d=\"\(steps(value, offset: offset))\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"\(number(strokeWidth))\"\(dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\"")><title>\(name)</title></path>\n"
        }
        legend = [("#1f77b4", "", "old ready"), ("#2ca02c", "", "new ready"), ("#000000", "1 3", "total ready"), ("#7f7f7f", "4 3", "terminating")] + legend
        legend.append(("#d62728", "band", "\(failedTotal) failed requests"))
        // Legend.
        var ly = top + 8
        for (color, dash, name) in legend {
            let lx = left + plotW + 20
            if dash == "band" {
                out += "<rect x=\"\(number(lx))\" y=\"\(number(ly - 8))\" width=\"24\" height=\"12\" fill=\"#d62728\" fill-opacity=\"0.15\"/>\n"
            } else {
                out += "<line x1=\"\(number(lx))\" y1=\"\(number(ly - 2))\" x2=\"\(number(lx + 24))\" y2=\"\(number(ly - 2))\" stroke=\"\(color)\" stroke-width=\"2.5\"\(dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\"")/>\n"
            }
            out += "<text x=\"\(number(lx + 32))\" y=\"\(number(ly + 2))\">\(escape(name))</text>\n"
            ly += 20
        }
        out += "</svg>\n"
        return out
    }

    /// A terminal chart: one row per moment, bars of old (█), new (▓) and terminating (░) pods.
    public static func text(_ timeline: Timeline) -> String {
        var table = TabWriter(minWidth: 0, padding: 2)
        table.add(["T", "PODS", "", "FAILED"])
        for (i, s) in timeline.samples.enumerated() {
            let until = i + 1 < timeline.samples.count ? timeline.samples[i + 1].t * 1000 : Double.infinity
            let failed = timeline.failures.filter { Double($0.start) >= s.t * 1000 && Double($0.start) < until }.reduce(0) { $0 + $1.failed }
            let bar = String(repeating: "█", count: min(s.oldReady, 60)) + String(repeating: "▓", count: min(s.newReady, 60)) + String(repeating: "░", count: min(s.terminating, 60))
            let peak = s.peak > s.pods ? " (\(s.peak) at the peak)" : ""
            table.add([number(s.t) + "s", bar, "old \(s.oldReady) new \(s.newReady) terminating \(s.terminating)\(peak)", failed > 0 ? String(failed) : ""])
        }
        let rows = table.render().split(separator: "\n", omittingEmptySubsequences: false).map { line in
            var line = Substring(line)
            while line.last == " " { line = line.dropLast() }
            return String(line)
        }.joined(separator: "\n")
        return rows + "█ old ready  ▓ new ready  ░ terminating; bounds: at most \(timeline.maxPods) pods, at least \(timeline.minAvailable) available\n"
    }
}

import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import RolloutCore
import XCTest

/// The rollout pictures: the SVG is well-formed XML and matches its golden file; the terminal
/// chart too.
final class TimelineChartTests: XCTestCase {
    func timeline() -> Timeline {
        func sample(_ t: Double, old: Int, new: Int, terminating: Int) -> Timeline.Sample {
            Timeline.Sample(desired: 3, current: old + new, terminating: terminating, updated: new, ready: old + new, available: old + new,
                            oldReady: old, newReady: new, endpoints: old + new, t: t)
        }
        var timeline = Timeline(revision: 2, start: Timestamp.clusterEpoch,
                        samples: [sample(0, old: 3, new: 0, terminating: 0), sample(5, old: 2, new: 1, terminating: 1),
                                  sample(10, old: 1, new: 2, terminating: 2), sample(15, old: 0, new: 3, terminating: 3),
                                  sample(28, old: 0, new: 3, terminating: 0)],
                        failures: [TrafficRecorder.Window(start: 5000, end: 5900, reason: "pod past SIGTERM (shutting down)", failed: 10)],
                        maxPods: 4, minAvailable: 3)
        timeline.change = "image web-api:1.4.2 → 1.5.0, 3 replicas, RollingUpdate (maxSurge 1, maxUnavailable 0)"
        return timeline
    }

    func testSVGIsWellFormedAndStable() throws {
        let svg = TimelineChart.svg(timeline(), title: "deployment.apps/web-api, revision 2")
        let parser = XMLParser(data: Data(svg.utf8))
        XCTAssertTrue(parser.parse(), "not well-formed XML: \(String(describing: parser.parserError))")
        for expected in ["old ready", "new ready", "terminating", "total ready", "surge bound (4)", "availability bound (3)", "10 failed requests",
                         "virtual time since the rollout began (s)", ">pods<",
                         // Visible text, not only hover titles: the verdict and each band's count and cause.
                         ">downtime: 10 failed requests</text>", ">10 failed: pod past SIGTERM (shutting down)</text>",
                         // What changed, in the header.
                         ">image web-api:1.4.2 → 1.5.0, 3 replicas, RollingUpdate (maxSurge 1, maxUnavailable 0)</text>"] {
            XCTAssertTrue(svg.contains(expected), expected)
        }
        try assertGolden(svg, "timeline.golden.svg")
    }

    /// Rendered to PNG by librsvg when it is installed (`rsvg-convert`, Debian's librsvg2-bin):
    /// what GitHub or a pull-request comment would show.
    func testSVGRendersToPNG() throws {
        guard let tool = ["/usr/bin/rsvg-convert", "/usr/local/bin/rsvg-convert"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            print("SKIPPED: rsvg-convert absent; the SVG was not rendered to PNG")
            throw XCTSkip("rsvg-convert absent")
        }
        let directory = try temporaryDirectory(self, "rollout-svg")
        let svgURL = directory.appendingPathComponent("t.svg"), pngURL = directory.appendingPathComponent("t.png")
        try TimelineChart.svg(timeline(), title: "deployment.apps/web-api, revision 2").write(to: svgURL, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = [svgURL.path, "-o", pngURL.path]
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        let png = try Data(contentsOf: pngURL)
        XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "a PNG")
        // IHDR: width and height, big-endian, at bytes 16 and 20.
        let width = png[16..<20].reduce(0) { $0 << 8 | Int($1) }, height = png[20..<24].reduce(0) { $0 << 8 | Int($1) }
        XCTAssertEqual([width, height], [820, 420])
        XCTAssertGreaterThan(png.count, 5_000, "a picture, not a blank")
    }

    func testTerminalChart() throws {
        try assertGolden(TimelineChart.text(timeline()), "timeline-chart.golden.txt")
    }
}

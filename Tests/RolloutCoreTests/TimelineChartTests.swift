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
        return Timeline(revision: 2, start: Timestamp.clusterEpoch,
                        samples: [sample(0, old: 3, new: 0, terminating: 0), sample(5, old: 2, new: 1, terminating: 1),
                                  sample(10, old: 1, new: 2, terminating: 2), sample(15, old: 0, new: 3, terminating: 3),
                                  sample(28, old: 0, new: 3, terminating: 0)],
                        failures: [TrafficRecorder.Window(start: 5000, end: 5900, reason: "pod past SIGTERM (shutting down)", failed: 10)],
                        maxPods: 4, minAvailable: 3)
    }

    func testSVGIsWellFormedAndStable() throws {
        let svg = TimelineChart.svg(timeline(), title: "deployment.apps/web-api, revision 2")
        let parser = XMLParser(data: Data(svg.utf8))
        XCTAssertTrue(parser.parse(), "not well-formed XML: \(String(describing: parser.parserError))")
        for expected in ["old ready", "new ready", "terminating", "surge bound (4)", "availability bound (3)", "10 failed requests",
                         "virtual time since the rollout began (s)", ">pods<"] {
            XCTAssertTrue(svg.contains(expected), expected)
        }
        try assertGolden(svg, "timeline.golden.svg")
    }

    func testTerminalChart() throws {
        try assertGolden(TimelineChart.text(timeline()), "timeline-chart.golden.txt")
    }
}

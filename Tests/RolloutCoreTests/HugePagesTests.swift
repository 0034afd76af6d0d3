import Foundation
import XCTest
@testable import RolloutCore

/// rollout starts itself once more with glibc's huge-page tunable (HugePages), and what it runs
/// does not inherit it.
final class HugePagesTests: XCTestCase {
    func testWhenRolloutStartsItselfAgain() {
        let madvise = "always [madvise] never\n"
        let set = HugePages.Step.relaunch(set: ["GLIBC_TUNABLES": "glibc.malloc.hugetlb=1", "ROLLOUT_HUGEPAGES": "1"])
        let cases: [(verb: String?, environment: [String: String], mode: String?, step: HugePages.Step, why: String)] = [
            ("apply", [:], madvise, set, "a verb that reads the state, huge pages on request"),
            ("get", ["HOME": "/root"], madvise, set, "other variables do not matter"),
            ("apply", [:], "[always] madvise never\n", .none, "every process has them already"),
            ("apply", [:], "always madvise [never]\n", .none, "the kernel gives none"),
            ("apply", [:], nil, .none, "the mode cannot be read"),
            ("apply", ["GLIBC_TUNABLES": ""], madvise, .none, "the user's tunables, even empty, are kept"),
            ("apply", ["GLIBC_TUNABLES": "glibc.malloc.arena_max=2"], madvise, .none, "the user's tunables are kept"),
            ("apply", ["ROLLOUT_HUGEPAGES": "0"], madvise, .none, "turned off"),
            ("apply", ["ROLLOUT_HUGEPAGES": "1", "GLIBC_TUNABLES": "glibc.malloc.hugetlb=1"], madvise, .clear(["GLIBC_TUNABLES", "ROLLOUT_HUGEPAGES"]),
             "started again: both taken out"),
            ("apply", ["ROLLOUT_HUGEPAGES": "1", "GLIBC_TUNABLES": "glibc.malloc.arena_max=2"], madvise, .none, "tunables not ours are kept"),
            ("render", [:], madvise, .none, "reads no state"),
            ("lint", [:], madvise, .none, "reads no state"),
            ("version", [:], madvise, .none, "reads no state"),
            ("--help", [:], madvise, .none, "reads no state"),
            (nil, [:], madvise, .none, "no verb: the usage"),
        ]
        for c in cases {
            XCTAssertEqual(HugePages.step(verb: c.verb, environment: c.environment, mode: c.mode), c.step, c.why)
        }
        // A virtual machine whose balloon reports free pages to its host: not started again;
        // a process started again still takes the variables out; asked only when the rest
        // would start it again.
        var asked = 0
        func reporting(_ answer: Bool) -> Bool { asked += 1; return answer }
        XCTAssertEqual(HugePages.step(verb: "apply", environment: [:], mode: madvise, reportsFreePages: reporting(true)), .none)
        XCTAssertEqual(HugePages.step(verb: "apply", environment: [:], mode: madvise, reportsFreePages: reporting(false)), set)
        XCTAssertEqual(asked, 2)
        XCTAssertEqual(HugePages.step(verb: "apply", environment: ["ROLLOUT_HUGEPAGES": "1", "GLIBC_TUNABLES": "glibc.malloc.hugetlb=1"], mode: madvise,
                                      reportsFreePages: reporting(true)), .clear(["GLIBC_TUNABLES", "ROLLOUT_HUGEPAGES"]))
        XCTAssertEqual(HugePages.step(verb: "render", environment: [:], mode: madvise, reportsFreePages: reporting(true)), .none)
        XCTAssertEqual(HugePages.step(verb: "apply", environment: [:], mode: "always madvise [never]\n", reportsFreePages: reporting(true)), .none)
        XCTAssertEqual(asked, 2)
        // ROLLOUT_HUGEPAGES=on: started again all the same, where huge pages come on request.
        XCTAssertEqual(HugePages.step(verb: "apply", environment: ["ROLLOUT_HUGEPAGES": "on"], mode: madvise, reportsFreePages: reporting(true)), set)
        XCTAssertEqual(HugePages.step(verb: "apply", environment: ["ROLLOUT_HUGEPAGES": "on"], mode: "always madvise [never]\n"), .none)
        XCTAssertEqual(HugePages.step(verb: "render", environment: ["ROLLOUT_HUGEPAGES": "on"], mode: madvise), .none)
        XCTAssertEqual(HugePages.step(verb: "apply", environment: ["ROLLOUT_HUGEPAGES": "on", "GLIBC_TUNABLES": "glibc.malloc.arena_max=2"], mode: madvise), .none)
        XCTAssertEqual(asked, 2)
    }

    /// Free page reporting is read from the balloon driver's devices: feature bit 5
    /// (`VIRTIO_BALLOON_F_REPORTING`) of a device's `features`, one character per bit from
    /// bit 0 (drivers/virtio/virtio.c `features_show`). The first line below is this
    /// development machine's balloon (Firecracker): stats, deflate on OOM, reporting.
    func testFreePageReportingIsTheBalloonsFeatureBitFive() throws {
        let work = try temporaryDirectory(self)
        func driver(_ devices: [String: String]) throws -> String {
            let directory = work.appendingPathComponent(UUID().uuidString).path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            for (name, features) in devices {
                try FileManager.default.createDirectory(atPath: "\(directory)/\(name)", withIntermediateDirectories: true)
                try features.write(toFile: "\(directory)/\(name)/features", atomically: true, encoding: .utf8)
            }
            return directory
        }
        let firecracker = "0110010100000000000000000000000010000000000000000000000000000000" + String(repeating: "0", count: 64) + "\n"
        XCTAssertTrue(HugePages.reportsFreePages(balloons: try driver(["virtio0": firecracker])))
        XCTAssertTrue(HugePages.reportsFreePages(balloons: try driver(["virtio0": "0000000000\n", "virtio3": "0000010000\n"])), "any device")
        XCTAssertFalse(HugePages.reportsFreePages(balloons: try driver(["virtio0": "0110000100000000\n"])), "a balloon without reporting")
        XCTAssertFalse(HugePages.reportsFreePages(balloons: try driver(["virtio0": "01100\n"])), "too few bits")
        XCTAssertFalse(HugePages.reportsFreePages(balloons: try driver(["module": "0000010000\n"])), "not a device")
        XCTAssertFalse(HugePages.reportsFreePages(balloons: try driver([:])), "no device")
        XCTAssertFalse(HugePages.reportsFreePages(balloons: work.appendingPathComponent("missing").path), "no balloon driver")
    }

    /// End to end: `diff`'s external program (run through `/usr/bin/env`, so the script's
    /// parent is rollout) sees neither variable, and rollout's own start-up environment
    /// (`/proc/PID/environ`) shows whether it started itself again: on a kernel that gives
    /// huge pages on request unless free pages are reported to the host (or with
    /// `ROLLOUT_HUGEPAGES=on` all the same), and not when the user set `GLIBC_TUNABLES`.
    func testTheStartedProcessKeepsTheTunableToItself() throws {
        let work = try temporaryDirectory(self)
        let state = work.appendingPathComponent("state").path
        let manifest = work.appendingPathComponent("cm.yaml").path
        try "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  k: a\n".write(toFile: manifest, atomically: true, encoding: .utf8)
        XCTAssertEqual(try RolloutRun.run(["apply", "-f", manifest, "--state", state]).status, 0)
        try "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  k: b\n".write(toFile: manifest, atomically: true, encoding: .utf8)
        let script = work.appendingPathComponent("dump.sh").path
        try """
            #!/bin/sh
            env > "\(work.path)/child"
            tr '\\0' '\\n' < /proc/$PPID/environ > "\(work.path)/parent"
            exit 1
            """.write(toFile: script, atomically: true, encoding: .utf8)
        XCTAssertEqual(chmod(script, 0o755), 0)
        let onRequest = (try? String(contentsOfFile: HugePages.modeFile, encoding: .utf8))?.contains("[madvise]") == true
        let reported = HugePages.reportsFreePages()
        for (userTunables, marker) in [(nil, nil), (nil, "on"), ("glibc.malloc.arena_max=4", nil)] as [(String?, String?)] {
            var environment = ["KUBECTL_EXTERNAL_DIFF": script]
            if let userTunables { environment["GLIBC_TUNABLES"] = userTunables }
            if let marker { environment["ROLLOUT_HUGEPAGES"] = marker }
            let started = onRequest && (marker == "on" || !reported)
            let run = try RolloutRun.run(["diff", "-f", manifest, "--state", state], environment: environment, unset: ["GLIBC_TUNABLES", "ROLLOUT_HUGEPAGES"])
            XCTAssertEqual(run.status, 1, run.stderr)
            let child = try String(contentsOfFile: work.appendingPathComponent("child").path, encoding: .utf8).split(separator: "\n")
            let parent = try String(contentsOfFile: work.appendingPathComponent("parent").path, encoding: .utf8).split(separator: "\n")
            // (The user's own `on` is theirs where rollout does not start again.)
            if started || marker == nil { XCTAssertFalse(child.contains { $0.hasPrefix("ROLLOUT_HUGEPAGES=") }) }
            if let userTunables {
                XCTAssertTrue(child.contains { $0 == "GLIBC_TUNABLES=\(userTunables)" }, "the user's tunables reach the child")
                XCTAssertFalse(parent.contains { $0.hasPrefix("ROLLOUT_HUGEPAGES=") }, "not started again")
            } else {
                XCTAssertFalse(child.contains { $0.hasPrefix("GLIBC_TUNABLES=") }, "\(child)")
                XCTAssertEqual(parent.contains("GLIBC_TUNABLES=glibc.malloc.hugetlb=1"), started, "started again exactly when huge pages come on request and are kept")
                XCTAssertEqual(parent.contains("ROLLOUT_HUGEPAGES=1"), started)
            }
        }
    }

    /// `ProcessEnvironment.current()` gives what Foundation's `ProcessInfo.processInfo.environment`
    /// gives (swift-corelibs-foundation `ProcessInfo.environment`: each entry of `environ` split at
    /// its first "=", the last of a repeated name kept): the test process's own environment, with
    /// values holding "=", empty, and outside ASCII set for the comparison. A value starting with
    /// a combining mark is split where POSIX splits it, at the first "=".
    func testTheEnvironmentIsFoundationsWithoutItsBridging() {
        let names = ["ROLLOUT_TEST_EQUALS", "ROLLOUT_TEST_EMPTY", "ROLLOUT_TEST_UNICODE"]
        defer { for name in names { unsetenv(name) } }
        setenv(names[0], "a=b=c", 1)
        setenv(names[1], "", 1)
        setenv(names[2], "zone-ü-\u{1F680}", 1)
        let ours = ProcessEnvironment.current()
        XCTAssertEqual(ours, ProcessInfo.processInfo.environment)
        XCTAssertEqual(ours[names[0]], "a=b=c")
        XCTAssertEqual(ours[names[1]], "")
        XCTAssertEqual(ours[names[2]], "zone-ü-\u{1F680}")
        unsetenv(names[0])
        XCTAssertNil(ProcessEnvironment.current()[names[0]])
        setenv(names[0], "\u{301}x=y", 1)
        XCTAssertEqual(ProcessEnvironment.current()[names[0]], "\u{301}x=y")
        // (Foundation's Character search takes "=\u{301}" for one character, not "=".)
        XCTAssertNil(ProcessInfo.processInfo.environment[names[0]])
    }
}

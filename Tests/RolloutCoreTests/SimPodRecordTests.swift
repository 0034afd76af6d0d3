import XCTest
@testable import RolloutCore

/// Issue 14: a pod written compact is written straight from the simulation's pod
/// (`SimPod.stored`, `SimPod.listingRow`), not through its object. Both must be what the object
/// path gives — `StoredPod(_:)` and `ListingRow(_:)` of `encoded(now:)` — for every state a pod
/// can be in: these pods are made at random, with times off the second and outside what RFC
/// 3339 text holds, every container state, init containers and sidecars, deletions and
/// disruptions, scheduled or not. (Debug builds also check it at every save: `Cluster.save`.)
final class SimPodRecordTests: XCTestCase {
    private func behaviour(_ yaml: String) throws -> (AppBehaviour, Value) {
        let value = try ManifestDecoder.decode([ManifestSource(name: "t", bytes: Array(yaml.utf8))]).documents[0].value
        return (AppBehaviour(template: value), value)
    }

    func testAPodWrittenWithoutItsObjectIsWhatItsObjectReadsAs() throws {
        let templates = [
            "spec:\n  containers:\n  - {name: app, image: app:1}\n",
            "spec:\n  nodeName: pinned\n  containers:\n  - {name: app, image: app:1}\n  - {name: side, image: side:2}\n",
            """
            spec:
              initContainers:
              - {name: setup, image: setup:1}
              - {name: proxy, image: proxy:1, restartPolicy: Always}
              containers:
              - {name: app, image: app:1}
            """,
            """
            spec:
              initContainers:
              - {name: a, image: a:1, restartPolicy: Always}
              - {name: b, image: b:1}
              containers:
              - {name: app, image: app:1}
              - {name: app, image: dup:1}
            """,
        ]
        let made = try templates.map(behaviour)
        var random = SeededRandom(seed: 14)
        func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
        func chance() -> Bool { random.next() % 2 == 0 }
        let base = 1_735_689_600_000
        // On the second, off it, before 1970, the first and last four-digit years, past them.
        func time() -> Timestamp {
            Timestamp(milliseconds: pick([base, base + 1_234, base + 86_400_999, -1_500, -62_167_219_200_000, -62_167_219_200_001,
                                          253_402_300_799_999, 253_402_300_800_000, 1_000_000_000_000_000, -1_000_000_000_000_000]))
        }
        func termination() -> SimContainer.Termination {
            SimContainer.Termination(reason: pick(["", "Completed", "Error", "OOMKilled"]), exitCode: pick([0, 1, 137]), startedAt: time(), finishedAt: time())
        }
        var rows = 0, statuses = Set<String>()
        for n in 0..<3000 {
            let (b, template) = pick(made)
            let pod = SimPod(name: "web-\(n)", namespace: pick(["default", "prod"]), uid: "uid-\(n)", ownerUID: pick(["", "rs-uid"]),
                             ownerName: "web-rs", labels: chance() ? ["app": "web", "pod-template-hash": "abc"] : [:],
                             template: template.objectValue ?? Object(), created: time(), behaviour: b)
            pod.ownerKind = pick(["ReplicaSet", "StatefulSet", "Job"])
            if chance() { pod.nodeName = "n1" }
            if chance() { pod.scheduledAt = time() }
            if chance() { pod.ip = "10.0.0.\(n % 250)" }
            if chance() { pod.hostIP = "192.168.0.1" }
            pod.ready = chance()
            if chance() { pod.readySince = time() }
            if chance() { pod.initializedAt = time() }
            if chance() { pod.admittedAt = time() }
            if chance() { pod.schedulingFailure = "0/3 nodes are available: 3 Insufficient cpu." }
            if random.next() % 4 == 0 { pod.disruption = ("EvictionByEvictionAPI", "Eviction API: evicting", time()) }
            if chance() {
                pod.deletion = time()
                pod.behaviour.terminationGracePeriodSeconds = pick([0, 30, -5, 10_000_000])
            }
            for i in pod.containers.indices {
                switch random.next() % 4 {
                case 0: pod.containers[i].state = .waiting(pick(["", "ContainerCreating", "PodInitializing", "CrashLoopBackOff"]), message: chance() ? "back-off" : nil)
                case 1: pod.containers[i].state = .running(since: time())
                case 2: pod.containers[i].state = .terminated(termination())
                default: break
                }
                pod.containers[i].restarts = pick([0, 0, 1, 5])
                pod.containers[i].ready = chance()
                pod.containers[i].started = chance()
                if chance() { pod.containers[i].last = termination() }
            }
            let version = 100 + n
            var resource = pod.encoded(now: Timestamp(milliseconds: base))
            resource.metadata["resourceVersion"] = .string(String(version))
            XCTAssertEqual(pod.stored(resourceVersion: version), StoredPod(resource), "pod \(n)")
            let row = pod.listingRow(), expected = ListingRow(resource)
            XCTAssertEqual(row, expected, "pod \(n)")
            rows += 1
            if case .text(let status)? = expected.cells.dropFirst(2).first { statuses.insert(status) }
        }
        XCTAssertEqual(rows, 3000)
        // The pods reached the kinds of STATUS printPod has (so its branches were taken).
        for status in ["Pending", "Running", "Terminating", "Init:0/2", "Init:CrashLoopBackOff", "CrashLoopBackOff", "Completed", "Error"] {
            XCTAssertTrue(statuses.contains(status), "no pod printed STATUS \(status): \(statuses.sorted())")
        }
    }

    /// Events too (`SimEvent.writtenForm`, `SimEvent.listingRow`, `CompactEvent.line`).
    func testAnEventWrittenWithoutItsObjectIsWhatItsObjectReadsAs() throws {
        var random = SeededRandom(seed: 15)
        func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
        let times = [1_735_689_600_000, 1_735_689_600_999, -1, -62_167_219_200_001, 253_402_300_800_000, 1_000_000_000_000_000]
        for n in 0..<2000 {
            var event = SimEvent(namespace: pick(["default", "prod"]), involvedKind: pick(["Pod", "ReplicaSet", "Deployment", "Node"]),
                                 involvedName: "web-\(n)", involvedUID: "uid-\(n)", type: pick(["Normal", "Warning"]),
                                 reason: pick(["Pulled", "Killing", "", "Unhealthy"]), message: pick(["", "Stopping container app", "\u{01}age5", "tab\there"]),
                                 component: pick(["kubelet", "deployment-controller"]), first: Timestamp(milliseconds: pick(times)),
                                 last: Timestamp(milliseconds: pick(times)), count: pick([1, 2, 40]), name: "web-\(n).18a\(n)")
            event.dirty = true
            let version = 500 + n
            var resource = event.encoded()
            resource.metadata["resourceVersion"] = .string(String(version))
            XCTAssertEqual(event.writtenForm, SimEvent(loading: resource), "event \(n)")
            XCTAssertEqual(try CompactEvent.line(event.writtenForm, resourceVersion: .string(String(version))), try CompactEvent.line(resource), "event \(n)")
            XCTAssertEqual(event.listingRow(), ListingRow(resource), "event \(n)")
        }
    }

    /// `Timestamp.readBack` is what the text reads back as, for every kind of time.
    func testATimeReadsBackAsItsText() {
        var random = SeededRandom(seed: 3)
        var times = [0, -1, 999, 1000, -1000, -1001, -62_167_219_200_000, -62_167_219_200_001, 253_402_300_799_999, 253_402_300_800_000,
                     1_000_000_000_000_000, -1_000_000_000_000_000]
        for _ in 0..<5000 { times.append(Int(truncatingIfNeeded: random.next() % 600_000_000_000_000) - 300_000_000_000_000) }
        for ms in times {
            let t = Timestamp(milliseconds: ms)
            XCTAssertEqual(t.readBack, Timestamp(parsing: t.description), "\(ms)")
        }
    }
}

import Foundation
import XCTest
@testable import RolloutCore

/// Stored events are not read into the cluster at load (`StoredEvents`): each one's series is
/// hashed from its compact line (`CompactLineReader.eventSummary`, any other line read in
/// full), and the event is read back only when its series recurs. What is stored must be
/// what reading every event at load stored: a recurring series counted on the stored event
/// (client-go's EventCorrelator: the same object, reason and message is one event with a
/// count — `tools/record/events_cache.go`, `eventObserve`), whatever escapes or Unicode form
/// its text has; of two stored events of one series the later one; the read-back events
/// numbered ahead of this run's new ones; the events of pods that went removed with them.
final class StoredEventsTests: XCTestCase {
    private static let eventType = ResourceType.forObject(apiVersion: "v1", kind: "Event")

    private func newState() throws -> String {
        try temporaryDirectory(self, "stored-events").appendingPathComponent("s").path
    }

    private func record(_ c: Cluster, _ reason: String, _ message: String, uid: String = "d1") -> Int {
        c.record("Normal", reason: reason, message: message, kind: "Deployment", name: "web", namespace: "default", uid: uid,
                 component: "deployment-controller")
    }

    /// The stored events about `uid`: "reason/message xcount @resourceVersion", by name.
    private func stored(_ store: StateStore, uid: String = "d1") throws -> [String: String] {
        var found: [String: String] = [:]
        for e in try store.list(Self.eventType) where e.value.at("involvedObject", "uid") == .string(uid) {
            found[e.name] = "\(e.object["reason"]?.stringValue ?? "")/\(e.object["message"]?.stringValue ?? "") x\(e.object["count"]?.intValue ?? 0)"
                + " @\(e.resourceVersion)"
        }
        return found
    }

    func testAStoredSeriesIsCountedOnWhenItRecurs() throws {
        let directory = try newState()
        var store = try StateStore(directory: directory, writable: true, newCluster: ClusterSpec(profile: .bare, nodes: 1))
        var c = try Cluster(store: store)
        // Texts a compact line holds escaped (quotes, a backslash, a newline, a tab), and
        // outside ASCII (composed "é").
        let messages = ["Scaled up replica set web-1 to 3", #"Pulled "app:1" from C:\images"#, "two\nlines\tand a tab", "caf\u{E9} ready"]
        for (i, message) in messages.enumerated() { _ = record(c, "Reason\(i)", message) }
        // Ten different messages of one reason: the tenth is aggregated (client-go's
        // EventAggregator), an event whose series is its aggregation key, not its text.
        func aggregate(_ run: String) -> Int {
            (1...10).map { record(c, "Many", "message \($0) of \(run)") }.last ?? -1
        }
        let combined = aggregate("the first run")
        XCTAssertTrue(c.events[combined].message.hasPrefix(SimEvent.combinedPrefix))
        try c.save()
        try store.commit()
        let first = try stored(store)
        XCTAssertEqual(first.count, messages.count + 10)
        store.close()

        store = try StateStore(directory: directory, writable: true)
        addTeardownBlock { store.close() }
        c = try Cluster(store: store)
        XCTAssertTrue(c.events.isEmpty, "stored events are not read at load")
        XCTAssertEqual(c.storedEvents.liveCount, first.count)
        // A new series first, then every stored one again: "é" decomposed (e and U+0301) is
        // the same text as Swift compares Strings, so the same series, as before.
        _ = record(c, "New", "a series of this run")
        var again = messages
        again[3] = "cafe\u{301} ready"
        for (i, message) in again.enumerated() {
            let place = record(c, "Reason\(i)", message)
            XCTAssertEqual(c.events[place].count, 2, message)
            XCTAssertTrue(c.events[place].stored, message)
        }
        // The aggregated event of the first run counts this run's aggregated one.
        let combinedAgain = aggregate("the second run")
        XCTAssertEqual(c.events[combinedAgain].count, 2)
        XCTAssertEqual(c.events[combinedAgain].message, SimEvent.combinedPrefix + "message 10 of the second run")
        XCTAssertEqual(c.storedEvents.liveCount, 9, "the nine single messages of the first run stay as stored")
        XCTAssertTrue(c.hasEvent(kind: "Deployment", uid: "d1", reason: "Reason1", message: messages[1]))
        try c.save()
        try store.commit()
        let second = try stored(store)
        // The stored events were counted on, under their names (the nine single messages of
        // the first run as they were); the new series, and the second run's nine, are more.
        let counted = first.filter { !$0.value.hasPrefix("Many/message") }.keys
        XCTAssertEqual(counted.count, messages.count + 1)
        for name in counted {
            XCTAssertEqual(second[name]?.components(separatedBy: " @").first?.hasSuffix(" x2"), true, "\(name): \(first[name] ?? "") → \(second[name] ?? "gone")")
        }
        for (name, line) in first where line.hasPrefix("Many/message") { XCTAssertEqual(second[name], line) }
        XCTAssertEqual(second.count, first.count + 1 + 9)
        // Numbered as when every stored event was read at load, ahead of this run's: the ones
        // read back by time, name and namespace (all at one time here: by name), then the new.
        func version(_ line: String) -> Int { Int(line.components(separatedBy: " @").last ?? "") ?? -1 }
        let readBack = counted.sorted().map { version(second[$0] ?? "") }
        let new = second.filter { first[$0.key] == nil }.map { version($0.value) }
        XCTAssertEqual(readBack, readBack.sorted())
        XCTAssertEqual(new.count, 10)
        XCTAssertEqual(readBack.last.map { last in new.allSatisfy { last < $0 } }, true, "\(readBack) then \(new)")
    }

    /// Two stored events of one series (states written by older builds, or by hand): the one
    /// counted on is the later — by lastTimestamp, then name — as when the events were read in
    /// that order and the last of a series kept. Events stored in full (not compact) are read
    /// in full at load.
    func testOfStoredEventsOfOneSeriesTheLatestIsCountedOn() throws {
        let directory = try newState()
        var store = try StateStore(directory: directory, writable: true, newCluster: ClusterSpec(profile: .bare, nodes: 1))
        func event(_ name: String, last: String) -> Resource {
            Resource(Object([
                "apiVersion": .string("v1"), "kind": .string("Event"),
                "metadata": .object(Object(["name": .string(name), "namespace": .string("default")])),
                "involvedObject": .object(Object(["kind": .string("Deployment"), "name": .string("web"), "namespace": .string("default"),
                                                  "uid": .string("d1")])),
                "reason": .string("ScalingReplicaSet"), "message": .string("Scaled up replica set web-1 to 3"), "type": .string("Normal"),
                "source": .object(Object(["component": .string("deployment-controller")])),
                "firstTimestamp": .string("2025-01-01T00:00:00Z"), "lastTimestamp": .string(last), "count": .int(1),
            ]))
        }
        try store.put(event("web.b-later-name", last: "2025-01-01T00:00:05Z"), creating: true)
        try store.put(event("web.a-latest", last: "2025-01-01T00:00:07Z"), creating: true)
        try store.put(event("web.c-earlier", last: "2025-01-01T00:00:03Z"), creating: true)
        try store.put(event("web.a-same-time", last: "2025-01-01T00:00:05Z"), creating: true)
        try store.commit()
        store.close()
        store = try StateStore(directory: directory, writable: true)
        addTeardownBlock { store.close() }
        let c = try Cluster(store: store)
        let place = record(c, "ScalingReplicaSet", "Scaled up replica set web-1 to 3")
        XCTAssertEqual(c.events[place].name, "web.a-latest")
        XCTAssertEqual(c.events[place].count, 2)
        try c.save()
        try store.commit()
        let counts = try stored(store).mapValues { $0.components(separatedBy: " @")[0] }
        XCTAssertEqual(counts, [
            "web.a-latest": "ScalingReplicaSet/Scaled up replica set web-1 to 3 x2",
            "web.a-same-time": "ScalingReplicaSet/Scaled up replica set web-1 to 3 x1",
            "web.b-later-name": "ScalingReplicaSet/Scaled up replica set web-1 to 3 x1",
            "web.c-earlier": "ScalingReplicaSet/Scaled up replica set web-1 to 3 x1",
        ])
    }

    /// A rollout's save removes the stored events of the pods it replaced (kept only while
    /// their pods are, as the cluster always has; Kubernetes keeps them an hour), keeps those
    /// of the pods that stay and of other objects, and stores the new pods'.
    func testStoredEventsOfPodsThatGoAreRemoved() throws {
        let directory = try newState()
        let store = try StateStore(directory: directory, writable: true, newCluster: ClusterSpec(profile: .bare, nodes: 2))
        addTeardownBlock { store.close() }
        let key = ObjectKey(type: "apps/Deployment", namespace: "default", name: "web")
        let app = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          replicas: 3
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec: {containers: [{name: app, image: "app:IMAGE"}]}
        """
        var podsOfRoll: [[String]] = []
        for image in ["1", "2"] {
            try applyYAML(app.replacingOccurrences(of: "IMAGE", with: image), to: store)
            let cluster = try Cluster(store: store)
            XCTAssertEqual(RolloutWait.wait(for: [key], in: cluster, options: .init(timeout: Duration(seconds: 600)), report: { _, _, _ in })[key], .done)
            podsOfRoll.append(cluster.pods.values.filter { !$0.gone }.map(\.uid))
            try cluster.save()
            try store.commit()
        }
        let events = try store.list(Self.eventType)
        let about = Set(events.compactMap { $0.value.at("involvedObject", "uid")?.stringValue })
        XCTAssertTrue(about.isDisjoint(with: podsOfRoll[0]), "the replaced pods' events went")
        XCTAssertFalse(about.isDisjoint(with: podsOfRoll[1]), "the new pods' events are stored")
        XCTAssertTrue(events.contains { $0.value.at("involvedObject", "kind") == .string("Deployment") }, "other objects' events stay")

        // Served (`rollout serve`): the watches see the stored events of the pods that go
        // leave one by one, in the order the events stood in when every stored event was read
        // at load — by lastTimestamp, then name, then namespace.
        let storedOfPods = try store.list(Self.eventType).filter {
            $0.value.at("involvedObject", "uid")?.stringValue.map(podsOfRoll[1].contains) == true
        }
        let expected = storedOfPods.sorted {
            ($0.object["lastTimestamp"]?.stringValue ?? "", $0.name, $0.namespace ?? "") < ($1.object["lastTimestamp"]?.stringValue ?? "", $1.name, $1.namespace ?? "")
        }.map(\.name)
        XCTAssertGreaterThan(expected.count, 1)
        XCTAssertNotEqual(expected, storedOfPods.map(\.name), "the listing's order (by name) is not the one expected")
        let journal = ChangeJournal(resourceVersion: store.resourceVersion)
        store.journal = journal
        try applyYAML(app.replacingOccurrences(of: "IMAGE", with: "3"), to: store)
        let cluster = try Cluster(store: store)
        XCTAssertEqual(RolloutWait.wait(for: [key], in: cluster, options: .init(timeout: Duration(seconds: 600)), report: { _, _, _ in })[key], .done)
        try cluster.save()
        guard case .changes(let changes, _) = journal.changes(after: 0, timeout: 0) else { return XCTFail("no changes journaled") }
        let gone = changes.filter { $0.kind == .deleted && $0.type == Self.eventType.storageKey }.map(\.name)
        XCTAssertEqual(gone, expected)
    }

    /// The refs are kept in the parts they were read in (a shard's each, empty ones too) and
    /// numbered across them: a look-up finds each ref of a series once, whatever part holds
    /// it; a ref taken is not found again; the live ones by number, and the same refs after the
    /// taken ones are dropped.
    func testRefsReadInPartsAreNumberedAcrossThem() {
        func ref(_ name: String, _ series: UInt64) -> StoredEvents.Ref {
            StoredEvents.Ref(key: Table.Key(namespace: "default", name: name), series: series, last: 0, pod: nil)
        }
        let parts: [[StoredEvents.Ref]] = [[ref("a", 1), ref("b", 2)], [], [ref("c", 1)], [ref("d", 3), ref("e", 1), ref("f", 17)]]
        var stored = StoredEvents(parts: parts)
        XCTAssertEqual(stored.count, 6)
        XCTAssertEqual(stored.liveCount, 6)
        XCTAssertEqual((0..<6).map { stored[$0].key.name }, ["a", "b", "c", "d", "e", "f"])
        XCTAssertEqual(stored.candidates(1).sorted(), [0, 2, 4])
        XCTAssertEqual(stored.candidates(17), [5])
        XCTAssertEqual(stored.candidates(4), [])
        stored.take(2)
        stored.take(2)
        XCTAssertEqual(stored.liveCount, 5)
        XCTAssertEqual(stored.candidates(1).sorted(), [0, 4])
        let odd = stored.live { $0.series % 2 == 1 }
        XCTAssertEqual(odd, [0, 3, 4, 5])
        var names: [String] = []
        stored.forEach(odd) { key, _ in names.append(key.name) }
        XCTAssertEqual(names, ["a", "d", "e", "f"])
        stored.dropTaken()
        XCTAssertEqual((0..<stored.count).map { stored[$0].key.name }, ["a", "b", "d", "e", "f"])
        XCTAssertEqual(stored.candidates(1).map { stored[$0].key.name }.sorted(), ["a", "e"])
        XCTAssertEqual(StoredEvents(parts: [[], []]).candidates(1), [])
    }

}

import XCTest
@testable import RolloutCore

/// Issue 14: compact lines (`CompactPod`, `CompactEvent`) are written a member at a time
/// (`CompactLineWriter`) and read straight into what they say (`CompactLineReader`), without
/// a JSON value tree. The writer must give the bytes `JSONWriter` gives for the same members;
/// the reader must read exactly what `JSONReader` + `CompactPod.Reader` read, and give nil —
/// the full reader's turn, with its error — for every line not in the writer's form.
final class CompactLineCodecTests: XCTestCase {
    private static let template: PodTemplateBlob = {
        do {
            return try PodTemplateBlob(source: Object(["metadata": .object(Object())]), template: Object(["spec": .object(Object())]))
        } catch {
            preconditionFailure("a plain template is stored")
        }
    }()

    private static func t(_ ms: Int) -> Timestamp { Timestamp(milliseconds: ms) }

    /// Pods as the simulation stores them, and ones it rarely does: every optional field
    /// absent or set, each container state, text that needs escaping or is not ASCII.
    static let pods: [StoredPod] = {
        let bare = StoredPod(name: "p", namespace: "default", uid: "u-1", owner: nil, labels: [:], created: t(0), nodeName: nil, ip: nil,
                             hostIP: nil, scheduledAt: nil, ready: false, readySince: nil, initializedAt: nil, disruption: nil,
                             admittedAt: nil, containers: [], deletion: nil, deletionGrace: nil, unschedulable: nil, resourceVersion: nil)
        var running = bare
        running.resourceVersion = "1802"
        running.labels = ["app": "big", "pod-template-hash": "545fb8b5c4"]
        running.owner = StoredPod.Owner(kind: "ReplicaSet", name: "big-545fb8b5c4", uid: "0bf2b716")
        running.nodeName = "node-6"; running.ip = "10.42.5.2"; running.hostIP = "10.0.0.7"
        running.created = t(1_735_689_600_000); running.scheduledAt = t(1_735_689_600_000); running.ready = true
        running.readySince = t(1_735_689_610_000); running.initializedAt = t(1_735_689_600_000); running.admittedAt = t(1_735_689_600_001)
        running.containers = [StoredPod.Container(name: "app", restarts: 0, ready: true, state: .running(since: t(1_735_689_604_000)),
                                                  last: nil, started: true)]
        // Bound where preemption nominated it (1.32 keeps the nomination).
        running.nominated = "node-6"
        var stopping = running
        stopping.deletion = t(1_735_689_700_000); stopping.deletionGrace = 30; stopping.ready = false
        stopping.disruption = StoredPod.Disruption(reason: "PreemptionByScheduler", message: "a \"quoted\"\\ message\nover two lines", at: t(5))
        stopping.containers = [
            StoredPod.Container(name: "init", restarts: 2, ready: false, state: .terminated(SimContainer.Termination(
                reason: "Completed", exitCode: 0, startedAt: t(1), finishedAt: t(2))), last: nil, started: false),
            StoredPod.Container(name: "app", restarts: Int(Int32.max), ready: false, state: .waiting("CrashLoopBackOff", message: "back-off 5m0s"),
                                last: SimContainer.Termination(reason: "Error", exitCode: -1, startedAt: t(-62_167_219_200_000),
                                                               finishedAt: t(253_402_300_800_999)), started: false),
            StoredPod.Container(name: "side", restarts: 1, ready: false, state: .waiting("ContainerCreating", message: nil), last: nil, started: true),
            StoredPod.Container(name: "new", restarts: 0, ready: false, state: nil, last: nil, started: false),
        ]
        var unschedulable = bare
        unschedulable.unschedulable = "0/3 nodes are available: 3 Insufficient cpu. préemption: 0/3"
        unschedulable.nominated = "nœud-2"
        unschedulable.labels = ["tab\there": "ü", "slash/key": "a/b", "": "empty key", "z": ""]
        unschedulable.uid = "\u{1}\u{2028}"
        unschedulable.containers = [StoredPod.Container(name: "c", restarts: 0, ready: false, state: .terminated(SimContainer.Termination(
            reason: "OOMKilled", exitCode: Int.min, startedAt: t(0), finishedAt: t(1))), last: nil, started: false)]
        return [bare, running, stopping, unschedulable]
    }()

    private func json(_ line: [UInt8]) -> ArraySlice<UInt8> {
        guard let split = CompactPod.split(line[...]) else { return [] }
        return split.json
    }

    private func general(_ json: ArraySlice<UInt8>) -> Result<StoredPod, CompactPod.Damage>? {
        guard case .object(let object)? = try? JSONReader.parse(json) else { return nil }
        return CompactPod.stored(object, namespace: "default", name: "p")
    }

    func testIntegersAreWrittenAsStringSpellsThem() {
        for n in [0, 7, 9, 10, 99, 100, -1, -9, -10, 1_735_689_600_000, -62_167_219_200_000, Int.max, Int.min, Int.min + 1, Int(Int32.max)] {
            var out: [UInt8] = [0x41]
            JSONWriter.writeInt(n, into: &out)
            XCTAssertEqual(String(decoding: out, as: UTF8.self), "A" + String(n))
        }
    }

    func testAPodLineIsWhatJSONWriterWritesAndReadsBackTheSameEitherWay() throws {
        for pod in Self.pods {
            let line = CompactPod.line(pod, template: Self.template)
            let fields = json(line)
            // The members in the writer's order, written as JSONWriter writes their object.
            let object = try JSONReader.parse(fields)
            var again: [UInt8] = []
            try JSONWriter.write(object, style: .compact, into: &again)
            XCTAssertEqual(String(decoding: again, as: UTF8.self), String(decoding: fields, as: UTF8.self))
            XCTAssertEqual(Array(line.prefix(18)), [CompactPod.mark] + Array(Self.template.id.utf8) + [0x09])
            // Read in full, the same pod; and at once, unless the writer had to spell a character
            // as `\u` or an exit code needs 19 digits (the last pod): then left to the full reader.
            guard case .success(let full)? = general(fields) else { return XCTFail("the full reader refused \(String(decoding: fields, as: UTF8.self))") }
            XCTAssertEqual(full, pod)
            let fast = CompactLineReader.pod(fields, namespace: "default", name: "p")
            if pod.uid.unicodeScalars.contains(where: { $0.value < 0x20 || $0 == "\u{2028}" }) {
                XCTAssertNil(fast)
            } else {
                XCTAssertEqual(fast, pod, String(decoding: fields, as: UTF8.self))
            }
        }
    }

    /// The writer gives the members in the order `CompactMember` declares them, the one order
    /// the direct reader takes: a pod with every member set, each container state, an event.
    func testTheWriterFollowsTheDeclaredOrderOfMembers() throws {
        func keys(_ value: Value?) -> [String] { value?.objectValue?.members.map(\.key) ?? [] }
        var every = Self.pods[2]
        every.unschedulable = "0/3 nodes are available"
        every.nominated = "node-2"
        every.resourceVersion = "9"
        every.ready = true
        every.containers = Self.pods[1].containers + Self.pods[2].containers
        let object = try JSONReader.parse(json(CompactPod.line(every, template: Self.template)))
        XCTAssertEqual(keys(object), PodMember.allCases.map(\.name))
        var containerKeys: [String] = []
        for container in object["containers"]?.arrayValue ?? [] {
            let names = keys(container)
            XCTAssertEqual(names, ContainerMember.allCases.map(\.name).filter(names.contains), "\(names)")
            containerKeys += names
        }
        XCTAssertEqual(Set(containerKeys), Set(ContainerMember.allCases.map(\.name)), "every container member written somewhere")
        let event = SimEvent(namespace: "default", involvedKind: "Pod", involvedName: "p", involvedUID: "u", type: "Normal", reason: "r",
                             message: "m", component: "c", first: Self.t(1), last: Self.t(2), count: 1, name: "p.1")
        var resource = event.encoded()
        var meta = resource.metadata
        meta["resourceVersion"] = .string("4")
        resource.metadata = meta
        XCTAssertEqual(keys(try JSONReader.parse(json(try CompactEvent.line(resource)))), EventMember.allCases.map(\.name))
    }

    func testTheWritersFormIsKeptByteForByte() {
        let line = CompactPod.line(Self.pods[1], template: Self.template)
        XCTAssertEqual(String(decoding: json(line), as: UTF8.self), """
            {"rv":"1802","uid":"u-1","created":1735689600000,"labels":{"app":"big","pod-template-hash":"545fb8b5c4"},\
            "owner":["ReplicaSet","big-545fb8b5c4","0bf2b716"],"node":"node-6","ip":"10.42.5.2","hostIP":"10.0.0.7",\
            "scheduled":1735689600000,"ready":true,"readySince":1735689610000,"initialized":1735689600000,"admitted":1735689600001,\
            "containers":[{"name":"app","restarts":0,"ready":true,"started":true,"running":1735689604000}],"nominated":"node-6"}
            """)
    }

    /// Lines not in the writer's form: the fast reader leaves them to the full one, whatever
    /// the full one makes of them (some it reads, some it refuses with a reason).
    func testLinesNotInTheWritersFormAreLeftToTheFullReader() {
        let base = #"{"rv":"7","uid":"u","created":5,"labels":{"a":"b"},"containers":[{"name":"c","restarts":1,"running":9}]}"#
        let variants: [(String, String)] = [
            ("members reordered", #"{"uid":"u","rv":"7","created":5,"labels":{},"containers":[]}"#),
            ("a member twice", #"{"uid":"u","uid":"v","created":5,"labels":{},"containers":[]}"#),
            ("an unknown member", #"{"uid":"u","created":5,"color":"red","labels":{},"containers":[]}"#),
            ("whitespace", #"{"uid": "u","created":5,"labels":{},"containers":[]}"#),
            ("trailing whitespace", #"{"uid":"u","created":5,"labels":{},"containers":[]} "#),
            ("a backslash-u escape", #"{"uid":"\u0075","created":5,"labels":{},"containers":[]}"#),
            ("a bad escape", #"{"uid":"\q","created":5,"labels":{},"containers":[]}"#),
            ("a control character", "{\"uid\":\"a\tb\",\"created\":5,\"labels\":{},\"containers\":[]}"),
            ("a fraction", #"{"uid":"u","created":5.0,"labels":{},"containers":[]}"#),
            ("an exponent", #"{"uid":"u","created":5e3,"labels":{},"containers":[]}"#),
            ("a leading zero", #"{"uid":"u","created":05,"labels":{},"containers":[]}"#),
            ("19 digits", #"{"uid":"u","created":1000000000000000000,"labels":{},"containers":[]}"#),
            ("a time out of range", #"{"uid":"u","created":253402300801000,"labels":{},"containers":[]}"#),
            ("restarts past int32", #"{"uid":"u","created":5,"containers":[{"name":"c","restarts":2147483648}]}"#),
            ("negative restarts", #"{"uid":"u","created":5,"containers":[{"name":"c","restarts":-1}]}"#),
            ("no uid", #"{"created":5,"labels":{},"containers":[]}"#),
            ("no creation time", #"{"uid":"u","labels":{},"containers":[]}"#),
            ("a null", #"{"uid":"u","created":5,"node":null}"#),
            ("a string for a time", #"{"uid":"u","created":"5"}"#),
            ("two container states", #"{"uid":"u","created":5,"containers":[{"name":"c","restarts":0,"running":1,"terminated":["x",1,1,2]}]}"#),
            ("a container without a name", #"{"uid":"u","created":5,"containers":[{"restarts":0}]}"#),
            ("a label twice", #"{"uid":"u","created":5,"labels":{"a":"b","a":"c"}}"#),
            ("a label that is not a string", #"{"uid":"u","created":5,"labels":{"a":1}}"#),
            ("an owner of two", #"{"uid":"u","created":5,"owner":["ReplicaSet","rs"]}"#),
            ("a short termination", #"{"uid":"u","created":5,"containers":[{"name":"c","restarts":0,"last":["x",1,2]}]}"#),
            ("waiting of three", #"{"uid":"u","created":5,"containers":[{"name":"c","restarts":0,"waiting":["a","b","c"]}]}"#),
            ("trailing text", #"{"uid":"u","created":5}x"#),
            ("truncated", #"{"uid":"u","created":5"#),
            ("not an object", #"["uid"]"#),
            ("empty", ""),
            ("TRUE", #"{"uid":"u","created":5,"ready":TRUE}"#),
        ]
        XCTAssertNotNil(CompactLineReader.pod(Array(base.utf8)[...], namespace: "default", name: "p"), "the base line is in the writer's form")
        for (what, text) in variants {
            XCTAssertNil(CompactLineReader.pod(Array(text.utf8)[...], namespace: "default", name: "p"), what)
        }
    }

    /// A pod line whose labels are its template's, byte for byte, is given the template's
    /// dictionary (`PodTemplateBlob.labels`); any other labels — one more, one changed, none,
    /// the same ones written otherwise — are read from the line, and both ways read what the
    /// full reader reads.
    func testTemplateLabelsAreTakenOnlyWhenTheLineHasThemByteForByte() throws {
        let labels: [String: String] = ["app": "web", "pod-template-hash": "5d4f9c\"x", "tier": "a\u{e9}"]
        let blob = try PodTemplateBlob(source: Object(["metadata": .object(Object(["labels": .object(Object(["tier": .string("a\u{e9}"), "app": .string("web"),
                                                                                                             "pod-template-hash": .string("5d4f9c\"x")]))])),
                                                       "spec": .object(Object())]),
                                       template: Object(["metadata": .object(Object()), "spec": .object(Object())]))
        let shared = try XCTUnwrap(blob.labels)
        XCTAssertEqual(shared.labels, labels)
        XCTAssertEqual(String(decoding: shared.line, as: UTF8.self), #"{"app":"web","pod-template-hash":"5d4f9c\"x","tier":"a\#u{e9}"}"#)
        func line(_ labelsText: String) -> ArraySlice<UInt8> {
            Array((#"{"uid":"u","created":5,"labels":"# + labelsText + #","ready":true}"#).utf8)[...]
        }
        let cases: [(String, [String: String])] = [
            (String(decoding: shared.line, as: UTF8.self), labels),
            (#"{"app":"web","pod-template-hash":"5d4f9c\"x","tier":"a\#u{e9}","x":"y"}"#, labels.merging(["x": "y"]) { a, _ in a }),
            (#"{"app":"web","pod-template-hash":"5d4f9c\"x","tier":"b"}"#, labels.merging(["tier": "b"]) { _, b in b }),
            (#"{"app":"web"}"#, ["app": "web"]),
            (#"{}"#, [:]),
        ]
        for (n, (text, expected)) in cases.enumerated() {
            let fields = line(text)
            let fast = try XCTUnwrap(CompactLineReader.pod(fields, namespace: "default", name: "p", labels: shared), text)
            XCTAssertEqual(fast.labels, expected, text)
            // (The template's own dictionary, not an equal one: one storage, its address.)
            XCTAssertEqual(unsafeBitCast(fast.labels, to: UInt.self) == unsafeBitCast(shared.labels, to: UInt.self), n == 0, text)
            XCTAssertEqual(fast, CompactLineReader.pod(fields, namespace: "default", name: "p"), text)
            guard case .success(let full)? = general(fields) else { return XCTFail("the full reader refused \(text)") }
            XCTAssertEqual(fast, full, text)
        }
        // A pod's listing row with those labels is written with the template's bytes, and they
        // are the bytes the row's own labels make; other labels are encoded from the row.
        for other in [labels, ["app": "web"], labels.merging(["x": "y"]) { a, _ in a }] {
            let row = ListingRow(namespace: "default", name: "p", labels: other, cells: [.text("p"), .age(Timestamp(milliseconds: 5))])
            var plain: [UInt8] = [], withShared: [UInt8] = []
            row.appendEncoded(into: &plain)
            row.appendEncoded(into: &withShared, shared: shared)
            XCTAssertEqual(withShared, plain, "\(other)")
        }
        // A ReplicaSet template without labels, or with one that is not a string, gives none.
        XCTAssertNil(try PodTemplateBlob(source: Object(["metadata": .object(Object())]), template: Object()).labels)
        XCTAssertNil(try PodTemplateBlob(source: Object(["metadata": .object(Object(["labels": .object(Object(["a": .int(1)]))]))]), template: Object()).labels)
    }

    func testEscapesAndFalseAreReadAsTheFullReaderReadsThem() throws {
        let text = #"{"uid":"a\"b\\c\/d\be\ff\ng\rh\ti","created":5,"labels":{"k\"":"v\n"},"ready":false,"containers":[{"name":"c","restarts":0,"ready":false,"started":false}]}"#
        let fields = Array(text.utf8)[...]
        let fast = try XCTUnwrap(CompactLineReader.pod(fields, namespace: "default", name: "p"))
        XCTAssertEqual(fast.uid, "a\"b\\c/d\u{8}e\u{c}f\ng\rh\ti")
        XCTAssertEqual(fast.labels, ["k\"": "v\n"])
        guard case .success(let full)? = general(fields) else { return XCTFail("the full reader refused it") }
        XCTAssertEqual(fast, full)
    }

    func testAnEventLineReadsBackTheSameEitherWay() throws {
        let event = SimEvent(namespace: "default", involvedKind: "Pod", involvedName: "big-545fb8b5c4-22dx8", involvedUID: "88bd", type: "Normal",
                             reason: "Pulled", message: "Successfully pulled image \"app:1\" in 3s (3s including waiting)", component: "kubelet",
                             first: Self.t(1_735_689_603_000), last: Self.t(1_735_689_603_000), count: 2, name: "big-545fb8b5c4-22dx8.1816687f732765f3")
        var resource = event.encoded()
        var meta = resource.metadata
        meta["resourceVersion"] = .string("4216")
        resource.metadata = meta
        let line = try CompactEvent.line(resource)
        let fields = json(line)
        XCTAssertEqual(String(decoding: fields, as: UTF8.self), """
            {"rv":"4216","kind":"Pod","object":"big-545fb8b5c4-22dx8","uid":"88bd","type":"Normal","reason":"Pulled",\
            "message":"Successfully pulled image \\"app:1\\" in 3s (3s including waiting)","component":"kubelet",\
            "first":1735689603000,"last":1735689603000,"count":2}
            """)
        let fast = try XCTUnwrap(CompactLineReader.event(fields, namespace: "default", name: event.name))
        XCTAssertEqual(fast.event, event)
        XCTAssertEqual(fast.resourceVersion, "4216")
        guard case .object(let object) = try JSONReader.parse(fields),
              case .success(let full) = CompactEvent.event(object, namespace: "default", name: event.name) else { return XCTFail("the full reader refused it") }
        XCTAssertEqual(full.event, fast.event)
        // Not in the writer's form: left to the full reader.
        for text in [#"{"kind":"Pod"}"#, #"{"rv":"1","object":"o","kind":"Pod","uid":"u","type":"Normal","reason":"r","message":"m","component":"c","first":1,"last":1,"count":1}"#,
                     #"{"rv":"1","kind":"Pod","object":"o","uid":"u","type":"Normal","reason":"r","message":"m","component":"c","first":1,"last":1,"count":2147483648}"#] {
            XCTAssertNil(CompactLineReader.event(Array(text.utf8)[...], namespace: "default", name: "e"), text)
        }
    }

    /// An event's summary (series hash, time, pod) read from its compact line is what its
    /// event gives, whatever the message's length and wherever a quote, a backslash, a tab or
    /// a byte outside ASCII falls in it. (A message outside ASCII is left to the full reader:
    /// nil.)
    func testAnEventsSummaryHoldsAroundEveryWordBoundary() throws {
        for length in 0..<40 {
            for special in ["\"", "\\", "\t", "\u{E9}", "x"] {
                for place in stride(from: 0, through: length, by: max(1, length / 7)) {
                    var message = String(repeating: "m", count: length)
                    message.insert(contentsOf: special, at: message.index(message.startIndex, offsetBy: place))
                    let event = SimEvent(namespace: "default", involvedKind: "Pod", involvedName: "web-1", involvedUID: "u-1", type: "Normal",
                                         reason: "Pulled", message: message, component: "kubelet",
                                         first: Self.t(1_000), last: Self.t(2_000), count: 1, name: "web-1.1")
                    var resource = event.encoded()
                    var meta = resource.metadata
                    meta["resourceVersion"] = .string("7")
                    resource.metadata = meta
                    let summary = CompactLineReader.eventSummary(json(try CompactEvent.line(resource)))
                    if special == "\u{E9}" {
                        XCTAssertNil(summary, message)
                    } else {
                        XCTAssertEqual(summary, EventSummary(series: EventSeriesHash.of(event.seriesKey), last: 2_000, podUID: "u-1"), message)
                    }
                }
            }
        }
    }

    /// The writer's lines are read eight bytes at a time (`readPlainEventSummary`) whatever
    /// their strings' lengths — so that the end of every string, and every escape, falls at
    /// every place of a word — and give the summary the member-by-member reading gives; a
    /// byte outside ASCII, a `\u` escape, a member missing or out of place is left to that
    /// reading.
    func testTheWritersEventLinesAreSummarisedEightBytesAtATime() throws {
        func line(_ event: SimEvent, rv: Value? = .string("7")) throws -> ArraySlice<UInt8> {
            json(try CompactEvent.line(event, resourceVersion: rv))
        }
        func event(uid: String, reason: String, message: String, kind: String = "Pod") -> SimEvent {
            SimEvent(namespace: "default", involvedKind: kind, involvedName: "web-1", involvedUID: uid, type: "Normal", reason: reason,
                     message: message, component: "kubelet", first: Self.t(1_000), last: Self.t(2_000 + message.count), count: 3, name: "web-1.1")
        }
        func summary(_ one: SimEvent) -> EventSummary {
            EventSummary(series: EventSeriesHash.of(one.seriesKey), last: one.last.milliseconds, podUID: one.involvedKind == "Pod" ? one.involvedUID : nil)
        }
        let printable = (0x20..<0x7F).map { Character(Unicode.Scalar(UInt8($0))) }
        for length in 0..<40 {
            for shift in 0..<3 {
                let text = String((0..<length).map { printable[($0 * 7 + shift * 13 + length) % printable.count] })
                // (A pod's uid with an escape is left to the full reader by both.)
                let uid = String(text.filter { $0 != "\"" && $0 != "\\" }.prefix(length % 17))
                for one in [event(uid: uid, reason: text, message: text),
                            event(uid: "u-\(length)", reason: "Killing", message: SimEvent.combinedPrefix + text),
                            event(uid: text, reason: "ScalingReplicaSet", message: text, kind: "Deployment")] {
                    let bytes = try line(one)
                    let plain = try XCTUnwrap(CompactLineReader.plainEventSummary(bytes), "\(length) \(shift)")
                    XCTAssertEqual(plain, CompactLineReader.eventSummary(bytes))
                    XCTAssertEqual(plain, summary(one))
                }
            }
        }
        for special in ["\"", "\\", "\t", "\n", "\u{7F}", "\u{1}", "\u{E9}"] {
            for place in 0..<12 {
                var message = String(repeating: "m", count: 11)
                message.insert(contentsOf: special, at: message.index(message.startIndex, offsetBy: place))
                let one = event(uid: "u-1", reason: "Pulled", message: message)
                let bytes = try line(one)
                let plain = CompactLineReader.plainEventSummary(bytes)
                XCTAssertEqual(plain, CompactLineReader.eventSummary(bytes), message)
                if ["\"", "\\", "\t", "\n"].contains(special) { XCTAssertEqual(plain, summary(one), message) }
                if special == "\u{E9}" { XCTAssertNil(plain, message) }
            }
        }
        // Without its resourceVersion, or with another member order: read member by member.
        let plainOne = event(uid: "u-1", reason: "Pulled", message: "Pulling image")
        XCTAssertNil(CompactLineReader.plainEventSummary(try line(plainOne, rv: nil)))
        XCTAssertNotNil(CompactLineReader.eventSummary(try line(plainOne, rv: nil)))
        let reordered = Array(#"{"rv":"1","kind":"Pod","uid":"u","object":"o","type":"Normal","reason":"r","message":"m","component":"c","first":1,"last":1,"count":1}"#.utf8)[...]
        XCTAssertNil(CompactLineReader.plainEventSummary(reordered))
    }

    /// The string scanner both readers share (`JSONReader.scanString`) keeps the JSON reader's
    /// errors and where it reports them; the compact reader gives up at a `\u` escape, which
    /// the JSON reader decodes.
    func testTheSharedStringScannerKeepsTheJSONReadersErrors() {
        let cases: [(String, String)] = [
            (#""\q""#, "at byte 3: invalid escape"), (#""\u12""#, "at byte 3: truncated \\u escape"),
            (#""\u12G4""#, "at byte 5: invalid hex digit in \\u escape"), (#""\ud800\u0041""#, "at byte 13: invalid surrogate pair"),
            (#""ab"#, "at byte 3: unterminated string"), ("\"a\u{1}\"", "at byte 2: control character in a string"), (#""a\"#, "at byte 2: unterminated escape"),
        ]
        for (text, error) in cases {
            XCTAssertThrowsError(try JSONReader.parse(text), text) { XCTAssertEqual("\($0)", error, text) }
        }
        XCTAssertEqual(try JSONReader.parse(#""\u00e9\ud83d\ude00\ud800x""#), .string("é😀\u{FFFD}x"))
        XCTAssertNil(CompactLineReader.pod(Array(#"{"uid":"\u00e9","created":5}"#.utf8)[...], namespace: "default", name: "p"))
    }

}

import Foundation

/// Reads a compact line (`CompactPod`, `CompactEvent`) as the simulation writes it
/// (`CompactLineWriter`) straight into what it says — a `StoredPod`, a `SimEvent` — without
/// making the JSON value first: loading a 100,000-replica state reads 600,000 such lines.
///
/// It takes only the form the writer gives: the members in the writer's order, each once,
/// no whitespace, plain integers, strings whose only escapes are the one-letter ones. Any
/// other line — reordered, repeated or unknown members, `\u` escapes, a value of the wrong
/// type or out of range, broken JSON — gives nil, and is read as before, by `JSONReader` and
/// `CompactPod.Reader`, which say what is wrong with it. So what it reads, it reads as they
/// do; debug builds (the tests) read every line both ways and check it.
struct CompactLineReader {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var i = 0

    /// A string member's text: where it lies in the line (between its quotes) and whether it
    /// has escapes.
    private typealias Text = (range: Range<Int>, escaped: Bool)

    private init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// A pod's line (the JSON after the template's id), or nil: read it in full. `labels`:
    /// its template's labels and their bytes (`PodTemplateBlob.labels`), taken as they are
    /// when the line's labels are those bytes.
    static func pod(_ json: ArraySlice<UInt8>, namespace: String, name: String, labels: PodTemplateBlob.SharedLabels? = nil) -> StoredPod? {
        let pod = json.withUnsafeBufferPointer { buffer in
            var reader = CompactLineReader(buffer)
            return reader.readPod(namespace: namespace, name: name, templateLabels: labels)
        }
        #if DEBUG
        if let pod {
            guard case .object(let object)? = try? JSONReader.parse(json),
                  case .success(let general) = CompactPod.stored(object, namespace: namespace, name: name), general == pod else {
                preconditionFailure("compact pod \(namespace)/\(name) reads otherwise in full: \(String(decoding: json, as: UTF8.self))")
            }
        }
        #endif
        return pod
    }

    /// An event's line, or nil: read it in full.
    static func event(_ json: ArraySlice<UInt8>, namespace: String, name: String) -> (event: SimEvent, resourceVersion: String?)? {
        let event = json.withUnsafeBufferPointer { buffer in
            var reader = CompactLineReader(buffer)
            return reader.readEvent(namespace: namespace, name: name)
        }
        #if DEBUG
        if let event {
            guard case .object(let object)? = try? JSONReader.parse(json),
                  case .success(let general) = CompactEvent.event(object, namespace: namespace, name: name),
                  general.event == event.event, general.resourceVersion == event.resourceVersion else {
                preconditionFailure("compact event \(namespace)/\(name) reads otherwise in full: \(String(decoding: json, as: UTF8.self))")
            }
        }
        #endif
        return event
    }

    /// What `StoredEvents` keeps of an event's line (`EventSummary`): its series hashed, its
    /// last time and, for a Pod event, the pod's uid — read as `readEvent` reads the line,
    /// member by member and as strictly, without the event's strings being made. Nil for a
    /// line `readEvent` would not read, or with a byte outside ASCII in a string: read in
    /// full then. Debug builds read every line it reads in full too, and check it.
    static func eventSummary(_ json: ArraySlice<UInt8>) -> EventSummary? {
        let summary = json.withUnsafeBufferPointer { buffer in
            var reader = CompactLineReader(buffer)
            return reader.readEventSummary()
        }
        #if DEBUG
        if let summary {
            guard case .object(let object)? = try? JSONReader.parse(json),
                  case .success(let general) = CompactEvent.event(object, namespace: "", name: ""),
                  summary == EventSummary(series: EventSeriesHash.of(general.event.seriesKey), last: general.event.last.milliseconds,
                                          podUID: general.event.involvedKind == "Pod" ? general.event.involvedUID : nil) else {
                preconditionFailure("compact event's summary differs from the event read in full: \(String(decoding: json, as: UTF8.self))")
            }
        }
        #endif
        return summary
    }

    /// The summary `readPlainEventSummary` alone reads (nil where `eventSummary` reads the
    /// line member by member): for the tests, which check that the writer's lines take it.
    static func plainEventSummary(_ json: ArraySlice<UInt8>) -> EventSummary? {
        json.withUnsafeBufferPointer { buffer in
            var reader = CompactLineReader(buffer)
            return reader.readPlainEventSummary()
        }
    }

    // MARK: the line's members

    // The keys in the writer's order (`CompactMember`).
    private static let podKeys = PodMember.keys
    private static let containerKeys = ContainerMember.keys
    private static let eventKeys = EventMember.keys

    private mutating func readPod(namespace: String, name: String, templateLabels: PodTemplateBlob.SharedLabels?) -> StoredPod? {
        var rv: String?, uid: String?, created: Timestamp?, owner: StoredPod.Owner?, disruption: StoredPod.Disruption?
        var labels: [String: String] = [:], containers: [StoredPod.Container] = []
        var node: String?, ip: String?, hostIP: String?, unschedulable: String?, nominated: String?
        var scheduled: Timestamp?, readySince: Timestamp?, initialized: Timestamp?, admitted: Timestamp?, deletion: Timestamp?
        var ready = false, grace: Int?
        guard take(UInt8(ascii: "{")) else { return nil }
        var next = 0
        if !take(UInt8(ascii: "}")) {
            repeat {
                guard let k: PodMember = key(Self.podKeys, from: &next) else { return nil }
                switch k {
                case .rv: guard let v = string() else { return nil }; rv = v
                case .uid: guard let v = string() else { return nil }; uid = v
                case .created: guard let v = time() else { return nil }; created = v
                case .labels:
                    if let templateLabels, startsWith(templateLabels.line) {
                        i += templateLabels.line.count
                        labels = templateLabels.labels
                    } else {
                        guard let v = readLabels() else { return nil }
                        labels = v
                    }
                case .owner:
                    guard take(UInt8(ascii: "[")), let kind = string(), take(UInt8(ascii: ",")), let ownerName = string(), take(UInt8(ascii: ",")),
                          let ownerUID = string(), take(UInt8(ascii: "]")) else { return nil }
                    owner = StoredPod.Owner(kind: kind, name: ownerName, uid: ownerUID)
                case .node: guard let v = string() else { return nil }; node = v
                case .ip: guard let v = string() else { return nil }; ip = v
                case .hostIP: guard let v = string() else { return nil }; hostIP = v
                case .scheduled: guard let v = time() else { return nil }; scheduled = v
                case .ready: guard let v = bool() else { return nil }; ready = v
                case .readySince: guard let v = time() else { return nil }; readySince = v
                case .initialized: guard let v = time() else { return nil }; initialized = v
                case .admitted: guard let v = time() else { return nil }; admitted = v
                case .disruption:
                    guard take(UInt8(ascii: "[")), let reason = string(), take(UInt8(ascii: ",")), let message = string(), take(UInt8(ascii: ",")),
                          let at = time(), take(UInt8(ascii: "]")) else { return nil }
                    disruption = StoredPod.Disruption(reason: reason, message: message, at: at)
                case .containers:
                    guard take(UInt8(ascii: "[")) else { return nil }
                    if !take(UInt8(ascii: "]")) {
                        repeat {
                            guard let c = readContainer() else { return nil }
                            containers.append(c)
                        } while take(UInt8(ascii: ","))
                        guard take(UInt8(ascii: "]")) else { return nil }
                    }
                case .deletion: guard let v = time() else { return nil }; deletion = v
                case .grace: guard let v = int() else { return nil }; grace = v
                case .unschedulable: guard let v = string() else { return nil }; unschedulable = v
                case .nominated: guard let v = string() else { return nil }; nominated = v
                }
            } while take(UInt8(ascii: ","))
            guard take(UInt8(ascii: "}")) else { return nil }
        }
        guard i == bytes.count, let uid, let created else { return nil }
        return StoredPod(name: name, namespace: namespace, uid: uid, owner: owner, labels: labels, created: created,
                         nodeName: node, ip: ip, hostIP: hostIP, scheduledAt: scheduled, ready: ready, readySince: readySince,
                         initializedAt: initialized, disruption: disruption, admittedAt: admitted, containers: containers,
                         deletion: deletion, deletionGrace: grace, unschedulable: unschedulable, nominated: nominated, resourceVersion: rv)
    }

    /// `{"key":"value",…}`, no key twice.
    /// Whether the bytes from here are `prefix`.
    private func startsWith(_ prefix: [UInt8]) -> Bool {
        guard bytes.count - i >= prefix.count, let base = bytes.baseAddress else { return false }
        return prefix.withUnsafeBufferPointer { p in
            guard let start = p.baseAddress else { return true }
            return memcmp(base + i, start, p.count) == 0
        }
    }

    private mutating func readLabels() -> [String: String]? {
        guard take(UInt8(ascii: "{")) else { return nil }
        var labels: [String: String] = [:]
        if take(UInt8(ascii: "}")) { return labels }
        repeat {
            guard let key = string(), take(UInt8(ascii: ":")), let value = string(), labels.updateValue(value, forKey: key) == nil else { return nil }
        } while take(UInt8(ascii: ","))
        return take(UInt8(ascii: "}")) ? labels : nil
    }

    private mutating func readContainer() -> StoredPod.Container? {
        guard take(UInt8(ascii: "{")) else { return nil }
        var name: String?, restarts = 0, ready = false, started = false
        var state: SimContainer.State?, last: SimContainer.Termination?
        var next = 0
        if !take(UInt8(ascii: "}")) {
            repeat {
                guard let k: ContainerMember = key(Self.containerKeys, from: &next) else { return nil }
                switch k {
                case .name: guard let v = string() else { return nil }; name = v
                case .restarts:
                    // As `CompactPod.Reader`: what a kubelet could have counted.
                    guard let v = int(), StoredObjects.int32.contains(v) else { return nil }
                    restarts = v
                case .ready: guard let v = bool() else { return nil }; ready = v
                case .started: guard let v = bool() else { return nil }; started = v
                case .running, .waiting, .terminated:
                    // One state: the full reader takes the first of running, waiting, terminated.
                    guard state == nil else { return nil }
                    if k == .running {
                        guard let since = time() else { return nil }
                        state = .running(since: since)
                    } else if k == .waiting {
                        guard take(UInt8(ascii: "[")), let reason = string() else { return nil }
                        var message: String?
                        if take(UInt8(ascii: ",")) {
                            guard let m = string() else { return nil }
                            message = m
                        }
                        guard take(UInt8(ascii: "]")) else { return nil }
                        state = .waiting(reason, message: message)
                    } else {
                        guard let t = termination() else { return nil }
                        state = .terminated(t)
                    }
                case .last: guard let t = termination() else { return nil }; last = t
                }
            } while take(UInt8(ascii: ","))
            guard take(UInt8(ascii: "}")) else { return nil }
        }
        guard let name else { return nil }
        return StoredPod.Container(name: name, restarts: restarts, ready: ready, state: state, last: last, started: started)
    }

    /// `[reason, exit code, started, finished]`.
    private mutating func termination() -> SimContainer.Termination? {
        guard take(UInt8(ascii: "[")), let reason = string(), take(UInt8(ascii: ",")), let code = int(), take(UInt8(ascii: ",")),
              let started = time(), take(UInt8(ascii: ",")), let finished = time(), take(UInt8(ascii: "]")) else { return nil }
        return SimContainer.Termination(reason: reason, exitCode: code, startedAt: started, finishedAt: finished)
    }

    private mutating func readEvent(namespace: String, name: String) -> (event: SimEvent, resourceVersion: String?)? {
        // Each member in a variable of its own, not in an array: an array would be one more
        // allocation per event, 750,000 of them at Kubernetes' limits.
        var rv: String?, kind: String?, object: String?, uid: String?, type: String?, reason: String?, message: String?, component: String?
        var first: Timestamp?, last: Timestamp?, count: Int?
        guard take(UInt8(ascii: "{")) else { return nil }
        var next = 0
        repeat {
            guard let k: EventMember = key(Self.eventKeys, from: &next) else { return nil }
            switch k {
            case .rv: guard let v = string() else { return nil }; rv = v
            case .kind: guard let v = string() else { return nil }; kind = v
            case .object: guard let v = string() else { return nil }; object = v
            case .uid: guard let v = string() else { return nil }; uid = v
            case .type: guard let v = string() else { return nil }; type = v
            case .reason: guard let v = string() else { return nil }; reason = v
            case .message: guard let v = string() else { return nil }; message = v
            case .component: guard let v = string() else { return nil }; component = v
            case .first: guard let v = time() else { return nil }; first = v
            case .last: guard let v = time() else { return nil }; last = v
            case .count:
                guard let v = int(), StoredObjects.int32.contains(v) else { return nil }
                count = v
            }
        } while take(UInt8(ascii: ","))
        guard take(UInt8(ascii: "}")), i == bytes.count, let kind, let object, let uid, let type, let reason, let message, let component,
              let first, let last, let count else { return nil }
        let event = SimEvent(namespace: namespace, involvedKind: kind, involvedName: object, involvedUID: uid, type: type, reason: reason,
                             message: message, component: component, first: first, last: last, count: count, name: name)
        return (event, rv)
    }

    private mutating func readEventSummary() -> EventSummary? {
        if let summary = readPlainEventSummary() { return summary }
        i = 0
        return readAnyEventSummary()
    }

    /// `readAnyEventSummary` for the line the writer gives nearly every event: every member
    /// there, in its order — each key matched where it must stand, each string's end found
    /// eight bytes at a time (`plainText`, as strictly as `asciiText`). Nil for any other line
    /// (`readAnyEventSummary` reads it from the start): the same summary either way, the same
    /// bytes hashed. (At the 150,000-pod roll 311,000 event lines are read at load; member by
    /// member, a line's summary took 5,500 instructions.)
    private mutating func readPlainEventSummary() -> EventSummary? {
        let keys = Self.plainEventKeys
        guard keys.count == 11, literal(keys[0]), plainText() != nil,
              literal(keys[1]), let kind = plainText(),
              literal(keys[2]), plainText() != nil,
              literal(keys[3]), let uid = plainText(),
              literal(keys[4]), let type = plainText(),
              literal(keys[5]), let reason = plainText(),
              literal(keys[6]), let message = plainText(),
              literal(keys[7]), let component = plainText(),
              literal(keys[8]), time() != nil,
              literal(keys[9]), let last = time(),
              literal(keys[10]), let count = int(), StoredObjects.int32.contains(count),
              take(UInt8(ascii: "}")), i == bytes.count else { return nil }
        return summary(kind: kind, uid: uid, type: type, reason: reason, message: message, component: component, last: last)
    }

    private mutating func readAnyEventSummary() -> EventSummary? {
        var kind: Text?, object: Text?, uid: Text?, type: Text?, reason: Text?, message: Text?, component: Text?
        var first: Timestamp?, last: Timestamp?, count: Int?
        guard take(UInt8(ascii: "{")) else { return nil }
        var next = 0
        repeat {
            guard let k: EventMember = key(Self.eventKeys, from: &next) else { return nil }
            switch k {
            case .rv: guard asciiText() != nil else { return nil }
            case .kind: guard let v = asciiText() else { return nil }; kind = v
            case .object: guard let v = asciiText() else { return nil }; object = v
            case .uid: guard let v = asciiText() else { return nil }; uid = v
            case .type: guard let v = asciiText() else { return nil }; type = v
            case .reason: guard let v = asciiText() else { return nil }; reason = v
            case .message: guard let v = asciiText() else { return nil }; message = v
            case .component: guard let v = asciiText() else { return nil }; component = v
            case .first: guard let v = time() else { return nil }; first = v
            case .last: guard let v = time() else { return nil }; last = v
            case .count:
                guard let v = int(), StoredObjects.int32.contains(v) else { return nil }
                count = v
            }
        } while take(UInt8(ascii: ","))
        guard take(UInt8(ascii: "}")), i == bytes.count, let kind, object != nil, let uid, let type, let reason, let message, let component,
              first != nil, let last, count != nil else { return nil }
        return summary(kind: kind, uid: uid, type: type, reason: reason, message: message, component: component, last: last)
    }

    /// The summary of an event line whose members' texts lie at these places.
    private func summary(kind: Text, uid: Text, type: Text, reason: Text, message: Text, component: Text, last: Timestamp) -> EventSummary? {
        // `SimEvent.seriesKey`: an aggregated event's message starts with the prefix (which has
        // nothing a writer escapes, so its bytes in the line are its text's).
        let aggregated = starts(message.range, with: Self.combinedPrefix)
        var hash = EventSeriesHash(aggregate: aggregated)
        if aggregated {
            feed(component, into: &hash); feed(kind, into: &hash); feed(uid, into: &hash); feed(type, into: &hash); feed(reason, into: &hash)
        } else {
            feed(kind, into: &hash); feed(uid, into: &hash); feed(reason, into: &hash); feed(message, into: &hash)
        }
        var podUID: String?
        if !kind.escaped, kind.range.count == Self.podKind.bytes.count, starts(kind.range, with: Self.podKind) {
            guard !uid.escaped else { return nil }
            podUID = String(decoding: UnsafeBufferPointer(rebasing: bytes[uid.range]), as: UTF8.self)
        }
        return EventSummary(series: hash.value, last: last.milliseconds, podUID: podUID)
    }

    /// A string's text as where it lies between its quotes, when every byte is ASCII and its
    /// only escapes are the one-letter ones (as `string()` reads it; nil otherwise).
    private mutating func asciiText() -> Text? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = i
        var escaped = false
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") {
                defer { i += 1 }
                return (start..<i, escaped)
            }
            guard b >= 0x20, b < 0x80 else { return nil }
            if b == UInt8(ascii: "\\") {
                guard i + 1 < bytes.count, Self.unescaped(bytes[i + 1]) != nil else { return nil }
                escaped = true
                i += 2
            } else {
                i += 1
            }
        }
        return nil
    }

    /// The byte a one-letter escape (`\` and this letter) stands for, as `JSONReader` reads it.
    private static func unescaped(_ letter: UInt8) -> UInt8? {
        switch letter {
        case UInt8(ascii: "\""): 0x22
        case UInt8(ascii: "\\"): 0x5C
        case UInt8(ascii: "/"): 0x2F
        case UInt8(ascii: "b"): 0x08
        case UInt8(ascii: "f"): 0x0C
        case UInt8(ascii: "n"): 0x0A
        case UInt8(ascii: "r"): 0x0D
        case UInt8(ascii: "t"): 0x09
        default: nil
        }
    }

    /// A string member's text (`asciiText`), its escapes read, into a series hash.
    private func feed(_ text: Text, into hash: inout EventSeriesHash) {
        if !text.escaped, let base = bytes.baseAddress {
            for k in text.range { hash.byte(base[k]) }
            hash.endField()
            return
        }
        var k = text.range.lowerBound
        while k < text.range.upperBound {
            if text.escaped && bytes[k] == UInt8(ascii: "\\") && k + 1 < text.range.upperBound {
                hash.byte(Self.unescaped(bytes[k + 1]) ?? bytes[k + 1])
                k += 2
            } else {
                hash.byte(bytes[k])
                k += 1
            }
        }
        hash.endField()
    }

    // MARK: tokens

    private mutating func take(_ byte: UInt8) -> Bool {
        guard i < bytes.count, bytes[i] == byte else { return false }
        i += 1
        return true
    }

    /// A text's bytes, its first 16 (a member's key between two values, as the writer puts
    /// it, fits) also as two little-endian words with the masks of the bytes they have,
    /// compared with a line two words at a time.
    struct Literal {
        let bytes: [UInt8]
        let words: (UInt64, UInt64)
        let masks: (UInt64, UInt64)

        init(_ text: String) {
            bytes = Array(text.utf8)
            var w: [UInt64] = [0, 0], m: [UInt64] = [0, 0]
            for (k, b) in bytes.prefix(16).enumerated() {
                w[k / 8] |= UInt64(b) << UInt64(8 * (k % 8))
                m[k / 8] |= 0xFF << UInt64(8 * (k % 8))
            }
            words = (w[0], w[1])
            masks = (m[0], m[1])
        }
    }

    /// The event line's keys, each with what stands between it and the value before:
    /// `{"rv":"`, `","kind":"` less the quote a string's reading takes, …, `,"count":`.
    private static let plainEventKeys: [Literal] = EventMember.allCases.map { member in
        let opening = member == .rv ? "{" : ","
        let quote = [.first, .last, .count].contains(member) ? "" : "\""
        return Literal("\(opening)\"\(member.key)\":\(quote)")
    }
    private static let combinedPrefix = Literal(SimEvent.combinedPrefix)
    private static let podKind = Literal("Pod")

    /// A literal's bytes, exactly, at `i`; `i` moves past them.
    @inline(__always)
    private mutating func literal(_ text: Literal) -> Bool {
        guard starts(i..<bytes.count, with: text) else { return false }
        i += text.bytes.count
        return true
    }

    /// Whether the bytes at `range` start with a literal's: its first 16 as two words where 16
    /// bytes of the line can be read, the others byte by byte.
    @inline(__always)
    private func starts(_ range: Range<Int>, with text: Literal) -> Bool {
        guard range.count >= text.bytes.count, let base = bytes.baseAddress else { return false }
        var from = 0
        if bytes.count - range.lowerBound >= 16 {
            let p = UnsafeRawPointer(base + range.lowerBound)
            let a = UInt64(littleEndian: p.loadUnaligned(as: UInt64.self)), b = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
            guard a & text.masks.0 == text.words.0 && b & text.masks.1 == text.words.1 else { return false }
            from = 16
        }
        var k = from
        while k < text.bytes.count {
            guard base[range.lowerBound + k] == text.bytes[k] else { return false }
            k += 1
        }
        return true
    }

    /// `asciiText` for a string whose opening quote is just before `i`: where its text lies
    /// (`i` moves past its closing quote) and whether it has escapes, when every byte of it is
    /// ASCII and none a control byte, its escapes the one-letter ones (nil otherwise). Eight
    /// bytes are looked at at once for the next byte that is not plain: a quote or a backslash
    /// (zero once XORed with it), below 0x20, or at or above 0x80 — each test sets that byte's
    /// top bit, exactly at the first such byte (a borrow can set it wrongly only in a byte
    /// after it: the words are read little-endian).
    private mutating func plainText() -> Text? {
        guard let base = bytes.baseAddress else { return nil }
        let start = i, end = bytes.count
        let ones: UInt64 = 0x0101_0101_0101_0101, tops: UInt64 = 0x8080_8080_8080_8080
        let quotes = ones &* 0x22, backslashes = ones &* 0x5C, spaces = ones &* 0x20
        var k = start
        var escaped = false
        while true {
            // The next byte that is not plain, from `k`.
            var stop = end
            while end - k >= 8 {
                let w = UInt64(littleEndian: UnsafeRawPointer(base + k).loadUnaligned(as: UInt64.self))
                let q = w ^ quotes, b = w ^ backslashes
                let found = (((q &- ones) & ~q) | ((b &- ones) & ~b) | ((w &- spaces) & ~w) | w) & tops
                if found != 0 {
                    stop = k + found.trailingZeroBitCount / 8
                    break
                }
                k += 8
            }
            if stop == end {
                while k < end {
                    let c = base[k]
                    if c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") || c < 0x20 || c >= 0x80 { stop = k; break }
                    k += 1
                }
            }
            guard stop < end else { return nil }
            switch base[stop] {
            case UInt8(ascii: "\""):
                i = stop + 1
                return (start..<stop, escaped)
            case UInt8(ascii: "\\"):
                guard stop + 1 < end, Self.unescaped(base[stop + 1]) != nil else { return nil }
                escaped = true
                k = stop + 2
            default:
                return nil
            }
        }
    }

    /// `"key":` for one of `keys` (`M.keys`) at `from` or after it (the writer's order); `from`
    /// moves past it.
    private mutating func key<M: CompactMember>(_ keys: [StaticString], from: inout Int) -> M? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = i
        while i < bytes.count, bytes[i] != UInt8(ascii: "\""), bytes[i] != UInt8(ascii: "\\") { i += 1 }
        let length = i - start
        guard take(UInt8(ascii: "\"")), take(UInt8(ascii: ":")), let base = bytes.baseAddress else { return nil }
        var k = from
        while k < keys.count {
            let key = keys[k]
            if key.utf8CodeUnitCount == length && memcmp(base + start, key.utf8Start, length) == 0 {
                from = k + 1
                return M(rawValue: k)
            }
            k += 1
        }
        return nil
    }

    /// A string as `JSONReader` reads it, when its escapes are the one-letter ones.
    private mutating func string() -> String? {
        guard i < bytes.count, bytes[i] == UInt8(ascii: "\""),
              case .text(let text, let end) = JSONReader.scanString(bytes, quote: i, unicodeEscapes: false) else { return nil }
        i = end
        return text
    }

    /// An integer as `JSONReader` reads one of up to 18 digits (no fraction, no exponent).
    private mutating func int() -> Int? {
        let negative = take(UInt8(ascii: "-"))
        let start = i
        var value = 0
        while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 {
            value = value &* 10 &+ Int(bytes[i] &- 0x30)
            i += 1
        }
        let digits = i - start
        guard digits > 0, digits <= 18, digits == 1 || bytes[start] != 0x30 else { return nil }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") || bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") { return nil }
        return negative ? -value : value
    }

    /// A time: milliseconds within what the API's text can hold (`CompactPod.times`).
    private mutating func time() -> Timestamp? {
        guard let n = int(), CompactPod.times.contains(n) else { return nil }
        return Timestamp(milliseconds: n)
    }

    private mutating func bool() -> Bool? {
        if bytes.count - i >= 4, bytes[i] == UInt8(ascii: "t"), bytes[i + 1] == UInt8(ascii: "r"), bytes[i + 2] == UInt8(ascii: "u"),
           bytes[i + 3] == UInt8(ascii: "e") {
            i += 4
            return true
        }
        if bytes.count - i >= 5, bytes[i] == UInt8(ascii: "f"), bytes[i + 1] == UInt8(ascii: "a"), bytes[i + 2] == UInt8(ascii: "l"),
           bytes[i + 3] == UInt8(ascii: "s"), bytes[i + 4] == UInt8(ascii: "e") {
            i += 5
            return false
        }
        return nil
    }
}

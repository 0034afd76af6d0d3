import Foundation

/// The events earlier commands stored, as the cluster holds them until one is needed: not
/// read into `SimEvent`s at load — at 10,000 replicas that was 8 % of a roll's instructions,
/// nine strings made per event and the events sorted by time — but each one's key, its series
/// hashed (`EventSeriesHash`), its last time and the loaded pod it is about. `Cluster.record`
/// reads an event back into `Cluster.events` when its series recurs (and only then), and the
/// save removes the events of the pods that went; what the API server stores is the same as
/// when every event was read.
struct StoredEvents {
    /// One stored event (the pod it is about is only read: `@unchecked Sendable`, made on the
    /// core that read the event's line).
    struct Ref: @unchecked Sendable {
        let key: Table.Key
        let series: UInt64
        /// Its lastTimestamp, in milliseconds: of two stored events of one series, the later
        /// is the one counted on (as when events were read in order of time, name, namespace).
        let last: Int
        /// The pod a Pod event is about, when that pod was loaded: its events go with it.
        let pod: SimPod?
    }

    /// The refs as read, in the parts they were read in (a shard's each): not copied into one
    /// list — at the 150,000-pod roll that copied 311,000 refs on one core, each copy retaining
    /// its key's strings and its pod and each part's release releasing them again. A ref is
    /// numbered by its place among all of them, part after part.
    private var parts: [[Ref]] = []
    /// Where each part's refs start in that numbering; the number of refs last.
    private var starts: [Int] = [0]
    /// Each ref's series hash, by number (what a look-up probes, without finding the part).
    private var series: [UInt64] = []
    /// Whether each ref is still only stored: not read back into the cluster's events, nor
    /// removed.
    private var live: [Bool] = []
    private(set) var liveCount = 0
    /// Open addressing by series hash (linear probing, at most half full): each slot a ref's
    /// number, -1 empty. Refs of one hash lie on one probe run.
    private var slots: [Int32] = []

    init() {}

    init(_ refs: [Ref]) { self.init(parts: [refs]) }

    init(parts: [[Ref]]) {
        self.parts = parts.filter { !$0.isEmpty }
        var total = 0
        starts = [0]
        for part in self.parts {
            total += part.count
            starts.append(total)
        }
        live = Array(repeating: true, count: total)
        liveCount = total
        guard total > 0 else { return }
        series.reserveCapacity(total)
        for part in self.parts {
            for ref in part { series.append(ref.series) }
        }
        var size = 16
        while size < total * 2 { size *= 2 }
        slots = Array(repeating: -1, count: size)
        let mask = size - 1
        for (i, hash) in series.enumerated() {
            var s = Int(truncatingIfNeeded: hash) & mask
            while slots[s] >= 0 { s = (s + 1) & mask }
            slots[s] = Int32(truncatingIfNeeded: i)
        }
    }

    /// The ref numbered `i` (`0..<count`).
    subscript(i: Int) -> Ref {
        // The last part starting at or before `i`.
        var low = 0, high = parts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if starts[mid] <= i { low = mid } else { high = mid - 1 }
        }
        return parts[low][i - starts[low]]
    }

    /// The number of refs, live or not.
    var count: Int { starts.last ?? 0 }

    /// The live refs whose series hash is `series`, in no particular order.
    func candidates(_ series: UInt64) -> [Int] {
        guard liveCount > 0 else { return [] }
        let mask = slots.count - 1
        var s = Int(truncatingIfNeeded: series) & mask
        var found: [Int] = []
        while slots[s] >= 0 {
            let i = Int(slots[s])
            if self.series[i] == series && live[i] { found.append(i) }
            s = (s + 1) & mask
        }
        return found
    }

    /// The numbers of the live refs `isIncluded` keeps, rising (the parts read in order).
    func live(where isIncluded: (Ref) -> Bool) -> [Int] {
        var found: [Int] = []
        for (p, part) in parts.enumerated() {
            let start = starts[p]
            part.withUnsafeBufferPointer { part in
                for k in part.indices where live[start + k] && isIncluded(part[k]) { found.append(start + k) }
            }
        }
        return found
    }

    /// The key and last time of each of the refs numbered `numbers` (rising, as `live(where:)`
    /// gives them), in order, found part by part as they go. (Only those are read: a ref
    /// copied whole retains its pod too — at the 150,000-pod roll's save, 300,000 pods that
    /// went, each a trip to memory.)
    func forEach(_ numbers: [Int], _ body: (_ key: Table.Key, _ last: Int) -> Void) {
        var p = 0
        for i in numbers {
            while p + 1 < starts.count - 1 && starts[p + 1] <= i { p += 1 }
            parts[p].withUnsafeBufferPointer { part in
                let k = i - starts[p]
                body(part[k].key, part[k].last)
            }
        }
    }

    /// The ref is no longer only stored: read back, or removed.
    mutating func take(_ i: Int) {
        guard live[i] else { return }
        live[i] = false
        liveCount -= 1
    }

    /// Only the live refs kept (after a save that removed some, so that a long run does not
    /// keep them, nor the pods they name).
    mutating func dropTaken() {
        guard liveCount < count else { return }
        var kept: [Ref] = []
        kept.reserveCapacity(liveCount)
        for (p, part) in parts.enumerated() {
            let start = starts[p]
            for (k, ref) in part.enumerated() where live[start + k] { kept.append(ref) }
        }
        self = StoredEvents(kept)
    }
}

/// A hash of an event series (`EventSeriesKey`) that a stored event's compact line gives
/// without its strings being made (`CompactLineReader.eventSummary`): FNV-1a (64 bits) of
/// the key's case and its fields' UTF-8, each field followed by 0xFF (which no UTF-8 holds),
/// in Unicode's composed form (NFC) — so that keys equal as Strings (canonically equivalent,
/// as Swift compares them) hash alike. An ASCII field is its own composed form.
struct EventSeriesHash {
    private(set) var value: UInt64 = FNV1a.offsetBasis

    init(aggregate: Bool) { byte(aggregate ? 1 : 0) }

    @inline(__always)
    mutating func byte(_ b: UInt8) { value = (value ^ UInt64(b)) &* FNV1a.prime }

    /// The end of a field.
    mutating func endField() { byte(0xFF) }

    mutating func field(_ s: String) {
        var hash = self
        let ascii = s.withUTF8Bytes { bytes -> Bool in
            for b in bytes {
                guard b < 0x80 else { return false }
                hash.byte(b)
            }
            return true
        }
        if ascii {
            self = hash
        } else {
            for b in s.precomposedStringWithCanonicalMapping.utf8 { byte(b) }
        }
        endField()
    }

    /// The hash of a series key: a plain one's kind, uid, reason and message; an aggregated
    /// one's component, kind, uid, type and reason.
    static func of(_ key: EventSeriesKey) -> UInt64 {
        switch key {
        case .plain(let kind, let uid, let reason, let message):
            var hash = EventSeriesHash(aggregate: false)
            hash.field(kind); hash.field(uid); hash.field(reason); hash.field(message)
            return hash.value
        case .aggregate(let key):
            var hash = EventSeriesHash(aggregate: true)
            hash.field(key.component); hash.field(key.kind); hash.field(key.uid); hash.field(key.type); hash.field(key.reason)
            return hash.value
        }
    }
}

/// What `StoredEvents` keeps of a compact event line, as `CompactLineReader.eventSummary`
/// reads it.
struct EventSummary: Equatable {
    var series: UInt64
    var last: Int
    /// The uid of the pod a Pod event is about; nil for an event about anything else.
    var podUID: String?
}

/// Where each event series is in `Cluster.events`: a hash table of event indices, each series'
/// key read back from its event (`SimEvent.counts`) when compared, not kept. A dictionary
/// keyed by `EventSeriesKey` held the key's four or five strings per entry: at the
/// 150,000-pod roll, a million entries, ~190 MB of table grown by doubling (each growth fresh
/// memory to clear and every entry moved); here a slot is 8 bytes. Open addressing with
/// linear probing, at most half full; a slot keeps 32 bits of its key's hash, so a probe
/// compares keys only when those agree.
struct EventSeriesIndex {
    private struct Slot {
        /// The event's index in `events`; -1: empty.
        var event: Int32 = -1
        var hash: UInt32 = 0
    }

    private var slots: [Slot] = []
    private(set) var count = 0

    init(capacity: Int = 0) {
        if capacity > 0 { slots = Array(repeating: Slot(), count: Self.size(for: capacity)) }
    }

    /// The smallest power of two at least twice `count` (and at least 16).
    private static func size(for count: Int) -> Int {
        var size = 16
        while size < count * 2 { size *= 2 }
        return size
    }

    private static func hash(_ key: EventSeriesKey) -> UInt32 { UInt32(truncatingIfNeeded: key.hashValue) }

    /// The slot holding `key`'s series, or the empty slot where it would go.
    private func find(_ key: EventSeriesKey, hash: UInt32, in events: [SimEvent]) -> (slot: Int, found: Bool) {
        let mask = slots.count - 1
        var i = Int(hash) & mask
        while true {
            let slot = slots[i]
            if slot.event < 0 { return (i, false) }
            if slot.hash == hash, events[Int(slot.event)].counts(key) { return (i, true) }
            i = (i + 1) & mask
        }
    }

    /// The index of `key`'s series in `events`, if it has one.
    func index(of key: EventSeriesKey, in events: [SimEvent]) -> Int? {
        guard !slots.isEmpty else { return nil }
        let (slot, found) = find(key, hash: Self.hash(key), in: events)
        return found ? Int(slots[slot].event) : nil
    }

    /// The index of `key`'s series, made `next` (the index its first event is about to take)
    /// when it has none.
    mutating func claim(_ key: EventSeriesKey, next: Int, in events: [SimEvent]) -> Int {
        let hash = Self.hash(key)
        if !slots.isEmpty {
            let (slot, found) = find(key, hash: hash, in: events)
            if found { return Int(slots[slot].event) }
        }
        insert(next, hash: hash, key: key, in: events)
        return next
    }

    /// `key`'s series is at `index` (replacing where it was).
    mutating func set(_ key: EventSeriesKey, _ index: Int, in events: [SimEvent]) {
        let hash = Self.hash(key)
        if !slots.isEmpty {
            let (slot, found) = find(key, hash: hash, in: events)
            if found {
                slots[slot].event = Int32(truncatingIfNeeded: index)
                return
            }
        }
        insert(index, hash: hash, key: key, in: events)
    }

    private mutating func insert(_ index: Int, hash: UInt32, key: EventSeriesKey, in events: [SimEvent]) {
        if (count + 1) * 2 > slots.count { grow() }
        let mask = slots.count - 1
        var i = Int(hash) & mask
        while slots[i].event >= 0 { i = (i + 1) & mask }
        slots[i] = Slot(event: Int32(truncatingIfNeeded: index), hash: hash)
        count += 1
    }

    private mutating func grow() {
        let old = slots
        slots = Array(repeating: Slot(), count: Self.size(for: count + 1))
        let mask = slots.count - 1
        for slot in old where slot.event >= 0 {
            var i = Int(slot.hash) & mask
            while slots[i].event >= 0 { i = (i + 1) & mask }
            slots[i] = slot
        }
    }
}

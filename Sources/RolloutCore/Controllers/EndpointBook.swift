/// What a Service's endpoints were last made from, kept so that the next sync follows only
/// what its pods changed since (`ServicePods.takeTouched`: every change to a pod is one)
/// instead of visiting all of them: its selected pods (not gone, with an IP) in the order
/// ServicePods lists them — the order they came, numbered by their arrival
/// (`SimPod.endpointPlaces`) — with their endpoint stamps and addresses; and, when every
/// address packs whole (`PackedPrefix`: IPv4 always does), the two orders the endpoints are
/// listed in, with what each lists: the slices' (by address, ties by arrival) with each pod's
/// endpoint, and the Endpoints' (by address, then uid, then arrival) with each pod. Those are
/// the orders `EndpointAddressOrder.orders` gives the same pods (a sort by address, stable in
/// their order; and that order with ties by uid); debug builds check every sync against it.
struct EndpointBook {
    var service: Resource
    /// The Service's number in ServicePods, under which its pods keep their arrivals.
    let number: Int?

    /// One selected pod, in arrival order.
    struct Member {
        var pod: SimPod
        var arrival: Int
        var stamp: Int
        var address: String
    }
    private(set) var members: [Member]

    /// A place in an order: the address packed, then the arrival (unique in the Service);
    /// in the slices' order also the endpoint's conditions (`Conditions.bits`), which
    /// kube-proxy's choice is made from (`conditions`) without reading the endpoints; and the
    /// pod's handle (`SimPod.handle`; -1 past 32 bits), by which its requests reach the pod.
    /// (32 bytes, as without the handle: the orders are sorted and merged as these.)
    struct Entry {
        var high: UInt64
        var low: UInt64
        var arrival: Int
        var conditions: UInt8 = 0
        var handle: Int32
    }
    /// A pod in the Endpoints' order, with its address there as last made (`subsets`): nil
    /// when it joined or moved since, or was not listed.
    struct Ranked {
        var pod: SimPod
        var address: Value?
    }
    /// The orders, kept when every address packs whole and every pod has its arrival.
    struct Ordered {
        /// The slices' order, and each one's endpoint.
        var stable: [Entry]
        var endpoints: [Value]
        /// The Endpoints' order (each entry's conditions the pod's `subsetBits`), and each
        /// one's pod.
        var tieBroken: [Entry]
        var ranked: [Ranked]

        var tieBrokenPods: [SimPod] { ranked.map(\.pod) }
    }

    /// What the Endpoints' subsets read of a member (`EndpointsController.desiredSubsets`):
    /// whether it is active (not terminating: members are never gone) and whether it is
    /// ready. Both move its `endpointStamp`, so a member whose bits changed is one that moved.
    static func subsetBits(_ pod: SimPod) -> UInt8 {
        (pod.isActive ? activeBit : 0) | (pod.ready ? readyBit : 0)
    }
    static let activeBit: UInt8 = 1
    static let readyBit: UInt8 = 2
    private(set) var ordered: Ordered?
    /// The orders as indices into `members`, as a sort found them (until the book follows a
    /// change), for a sync that makes the endpoints from all the pods again.
    private(set) var orders: (stable: [Int], tieBroken: [Int])?

    /// Made from the Service's selected pods, in ServicePods' order.
    init(service: Resource, number: Int?, pods: [SimPod]) {
        self.service = service
        self.number = number
        members = pods.map { Member(pod: $0, arrival: number.flatMap($0.arrival(in:)) ?? -1, stamp: $0.endpointStamp, address: $0.ip ?? "") }
    }

    /// The same Service, and the same pods in the same order at the same stamps.
    func same(service: Resource, pods: [SimPod]) -> Bool {
        guard members.count == pods.count else { return false }
        for i in pods.indices where members[i].pod !== pods[i] || members[i].stamp != pods[i].endpointStamp { return false }
        return self.service == service
    }

    /// The same pods in the same places, each at the same address (its stamp may have moved).
    func sameAddresses(_ pods: [SimPod]) -> Bool {
        members.count == pods.count && pods.indices.allSatisfy { members[$0].pod === pods[$0] && members[$0].address == (pods[$0].ip ?? "") }
    }

    /// Keeps the orders a sort found for these pods (indices into them) and the endpoints made
    /// in the stable one, with their conditions (`Conditions.bits`, in the same order), when
    /// every address packs whole and the arrivals rise.
    mutating func keep(orders: (stable: [Int], tieBroken: [Int]), endpoints: [Value], conditions: [UInt8]) {
        ordered = nil
        self.orders = orders
        guard orders.stable.count == members.count, orders.tieBroken.count == members.count, endpoints.count == members.count,
              conditions.count == members.count else { return }
        var keys: [(high: UInt64, low: UInt64)] = []
        keys.reserveCapacity(members.count)
        for (i, member) in members.enumerated() {
            guard member.arrival >= 0, i == 0 || members[i - 1].arrival < member.arrival,
                  let packed = PackedPrefix(member.address), packed.isWhole else { return }
            keys.append((packed.high, packed.low))
        }
        func entry(_ i: Int) -> Entry {
            Entry(high: keys[i].high, low: keys[i].low, arrival: members[i].arrival, handle: Int32(exactly: members[i].pod.handle) ?? -1)
        }
        var stable = orders.stable.map(entry)
        for k in stable.indices { stable[k].conditions = conditions[k] }
        var tieBroken = orders.tieBroken.map(entry)
        for t in tieBroken.indices { tieBroken[t].conditions = Self.subsetBits(members[orders.tieBroken[t]].pod) }
        ordered = Ordered(stable: stable, endpoints: endpoints,
                          tieBroken: tieBroken, ranked: orders.tieBroken.map { Ranked(pod: members[$0].pod) })
    }

    /// What the touched pods changed: the places of the members that left (gone, or without
    /// their address), the pods that joined (in arrival order, each once), the places whose
    /// stamp moved (a place may be named twice). nil when the book
    /// cannot follow it (no orders kept, a pod without its arrival, an address that does not
    /// pack whole).
    struct Change {
        var left: [Int] = []
        var joined: [SimPod] = []
        var moved: [Int] = []
        var isEmpty: Bool { left.isEmpty && joined.isEmpty && moved.isEmpty }
    }

    func change(_ touched: [SimPod]) -> Change? {
        guard ordered != nil, let number else { return nil }
        var change = Change()
        // The touched pods are looked up in arrival order, each from where the one before was
        // found (`lowerBound(from:)`): at 100,000 members a sync touches some 30,000 pods, and
        // a search of all the members for each went to memory a dozen times.
        // A pod touched twice is looked at twice: it leaves or moves the same way again
        // (`apply` takes either twice to no effect); the pods that join are made unique below.
        var looked: [(arrival: Int, index: Int)] = []
        looked.reserveCapacity(touched.count)
        for (index, pod) in touched.enumerated() {
            guard let arrival = pod.arrival(in: number) else { return nil }
            looked.append((arrival, index))
        }
        looked.sort { $0.arrival != $1.arrival ? $0.arrival < $1.arrival : $0.index < $1.index }
        var joined: [(arrival: Int, pod: SimPod)] = []
        var from = 0
        for (arrival, index) in looked {
            let pod = touched[index]
            let selected = !pod.gone && pod.ip != nil
            let i = Self.lowerBound(from: from, count: members.count) { members[$0].arrival < arrival }
            from = i
            if i < members.count && members[i].arrival == arrival {
                guard members[i].pod === pod else { return nil }
                if !selected || pod.ip != members[i].address {
                    change.left.append(i)
                    if selected { joined.append((arrival, pod)) }
                } else if members[i].stamp != pod.endpointStamp {
                    change.moved.append(i)
                }
            } else if selected {
                joined.append((arrival, pod))
            }
        }
        for (k, one) in joined.enumerated() where k == 0 || joined[k - 1].arrival != one.arrival {
            guard let ip = one.pod.ip, let packed = PackedPrefix(ip), packed.isWhole else { return nil }
            change.joined.append(one.pod)
        }
        return change
    }

    /// Follows `change` (from `change(_:)` on the same pods): every list stays in its order.
    /// `endpoint` makes a pod's endpoint, with its conditions as bits.
    mutating func apply(_ change: Change, endpoint: (SimPod, String) -> (value: Value, conditions: UInt8)) {
        guard var o = ordered else { return }
        ordered = nil
        orders = nil
        if !change.moved.isEmpty {
            // Each one that moved is found in each order from where the one before it in that
            // order was (their keys sorted first), its stamp taken, its endpoint made again.
            let places = Self.rising(change.moved)
            var found: [Found] = []
            found.reserveCapacity(places.count)
            for i in places {
                members[i].stamp = members[i].pod.endpointStamp
                found.append(Found(entry: entry(members[i]), pod: members[i].pod, member: i))
            }
            found.sort { Self.stableLess($0.entry, $1.entry) }
            for (one, k) in zip(found, Self.stablePlaces(of: found, in: o)) {
                guard let k else { continue }
                let made = endpoint(one.pod, members[one.member].address)
                o.endpoints[k] = made.value
                o.stable[k].conditions = made.conditions
            }
            // In the Endpoints' order: its bits again, its address asked for again when listed
            // (the pod's own, kept while its IP and node stay: `EndpointsController.addressValue`).
            guard let tieBroken = Self.tieBrokenPlaces(of: &found, in: o) else { return }
            for (one, t) in zip(found, tieBroken) {
                o.tieBroken[t].conditions = Self.subsetBits(one.pod)
                o.ranked[t].address = nil
            }
        }
        if !change.left.isEmpty {
            // Each one that left is looked up in each list (members by arrival, the orders by
            // their keys, the arrival telling ties apart, each from where the one before was
            // found, as the moved ones are), and the lists close up behind the first place: the
            // members that stay are not each looked up in what left (a Service of 100,000
            // endpoints loses a few thousand at a sync).
            let places = Self.rising(change.left)
            var found = places.map { Found(entry: entry(members[$0]), pod: members[$0].pod, member: $0) }
            found.sort { Self.stableLess($0.entry, $1.entry) }
            // Not where its keys say (the orders do not hold): the orders are given up, and the
            // sync makes the endpoints from all the pods, as with no book.
            let stable = Self.stablePlaces(of: found, in: o).compactMap { $0 }
            guard stable.count == found.count, let tieBroken = Self.tieBrokenPlaces(of: &found, in: o) else { return }
            // (Found in rising order: each is where it sorts, and no two are one.)
            Self.remove(at: places, from: &members)
            Self.remove(at: stable, from: &o.stable, and: &o.endpoints)
            Self.remove(at: tieBroken, from: &o.tieBroken, and: &o.ranked)
        }
        if !change.joined.isEmpty {
            let joined = change.joined.compactMap { pod -> Member? in
                guard let number, let arrival = pod.arrival(in: number), let ip = pod.ip else { return nil }
                return Member(pod: pod, arrival: arrival, stamp: pod.endpointStamp, address: ip)
            }.sorted { $0.arrival < $1.arrival }
            Self.merge(joined, into: &members) { $0.arrival < $1.arrival }
            // Sorted as entries with their pods and places (plain numbers; a uid read only when
            // two addresses tie), the endpoints looked up after: comparing (entry, endpoint)
            // pairs copied each endpoint, retained and released, at every comparison.
            let made = joined.map { endpoint($0.pod, $0.address) }
            var found = joined.indices.map { k in
                var e = entry(joined[k])
                e.conditions = made[k].conditions
                return Found(entry: e, pod: joined[k].pod, member: k)
            }
            found.sort { Self.stableLess($0.entry, $1.entry) }
            // (Entries and what goes with them in two lists: the entries are compared and
            // moved as plain numbers, the others read only where two addresses tie.)
            Self.merge(found.map(\.entry), found.map { made[$0.member].value }, into: &o.stable, and: &o.endpoints,
                       by: { a, b in Self.stableLess(a, b) }, tie: { _, _ in false })
            Self.breakTies(&found)
            let rankedEntries = found.map { one -> Entry in
                var e = one.entry
                e.conditions = Self.subsetBits(one.pod)
                return e
            }
            Self.merge(rankedEntries, found.map { Ranked(pod: $0.pod) }, into: &o.tieBroken, and: &o.ranked,
                       by: { a, b in Self.addressLess(a, b) },
                       tie: { x, y in Self.tieBrokenLess(x.entry, x.value.pod, y.entry, y.value.pod) })
        }
        ordered = o
    }

    /// `EndpointsController.desiredSubsets` of the members in the Endpoints' order, read from
    /// the kept orders: each one's bits from its entry (`subsetBits`), its address as kept —
    /// made (`address`) only for one listed whose address is not. (At every sync a Service of
    /// 150 pods lists all of them, and each pod read was a trip to memory.) nil without the
    /// orders.
    mutating func subsets(_ service: Resource, address: (SimPod, String) -> Value) -> (subsets: Value, overCapacity: Bool)? {
        guard var o = ordered else { return nil }
        // Taken out while its addresses are kept, so that they change in place.
        ordered = nil
        defer { ordered = o }
        let publishNotReady = EndpointSliceController.publishesNotReady(service)
        return EndpointsController.subsets(service, count: o.tieBroken.count, state: { t in
            let bits = o.tieBroken[t].conditions
            return (bits & Self.activeBit != 0 || publishNotReady, bits & Self.readyBit != 0 || publishNotReady)
        }, pod: { o.ranked[$0].pod }, address: { t in
            if let kept = o.ranked[t].address { return kept }
            let pod = o.ranked[t].pod
            let made = address(pod, pod.ip ?? "")
            o.ranked[t].address = made
            return made
        })
    }

    /// A member looked for in the orders: its entry, its pod and its place among the members.
    private struct Found {
        var entry: Entry
        var pod: SimPod
        var member: Int
    }

    /// Places (of members) rising, each once.
    private static func rising(_ places: [Int]) -> [Int] {
        var unique: [Int] = []
        unique.reserveCapacity(places.count)
        for place in places.sorted() where unique.last != place { unique.append(place) }
        return unique
    }

    /// Where each of `found` (in the slices' order) stands in that order, each searched from
    /// where the one before was: nil for one not where its keys say.
    private static func stablePlaces(of found: [Found], in o: Ordered) -> [Int?] {
        var from = 0
        return found.map { one in
            let e = one.entry
            let k = lowerBound(from: from, count: o.stable.count) { stableLess(o.stable[$0], e) }
            from = k
            return k < o.stable.count && o.stable[k].arrival == e.arrival ? k : nil
        }
    }

    /// `found` (in the slices' order) put in the Endpoints' order, and where each stands there,
    /// each searched from where the one before was: nil when one is not where its keys say.
    private static func tieBrokenPlaces(of found: inout [Found], in o: Ordered) -> [Int]? {
        breakTies(&found)
        var places: [Int] = []
        places.reserveCapacity(found.count)
        var from = 0
        for one in found {
            guard let t = tieBrokenPlace(of: one.entry, pod: one.pod, in: o, from: from) else { return nil }
            places.append(t)
            from = t
        }
        return places
    }

    /// Members in the slices' order (`stableLess`) put in the Endpoints' order: the two differ
    /// only among those of one address (by uid there), so only such runs are sorted again.
    private static func breakTies(_ found: inout [Found]) {
        var start = 0
        while start < found.count {
            var end = start + 1
            while end < found.count && found[end].entry.high == found[start].entry.high && found[end].entry.low == found[start].entry.low { end += 1 }
            if end - start > 1 {
                found[start..<end].sort { tieBrokenLess($0.entry, $0.pod, $1.entry, $1.pod) }
            }
            start = end
        }
    }

    private func entry(_ m: Member) -> Entry {
        let packed = PackedPrefix(m.address)
        return Entry(high: packed?.high ?? 0, low: packed?.low ?? 0, arrival: m.arrival, handle: Int32(exactly: m.pod.handle) ?? -1)
    }

    private static func stableLess(_ a: Entry, _ b: Entry) -> Bool {
        if a.high != b.high { return a.high < b.high }
        if a.low != b.low { return a.low < b.low }
        return a.arrival < b.arrival
    }

    /// Where a member's entry (`e`, of `pod`) stands in the Endpoints' order, nil when not
    /// where its keys say; searched from `from` (`lowerBound(from:)`). (The pods are read only
    /// where two addresses tie.)
    private static func tieBrokenPlace(of e: Entry, pod: SimPod, in o: Ordered, from: Int) -> Int? {
        let t = lowerBound(from: from, count: o.tieBroken.count) { j in
            let a = o.tieBroken[j]
            return addressLess(a, e) ?? tieBrokenLess(a, o.ranked[j].pod, e, pod)
        }
        return t < o.tieBroken.count && o.tieBroken[t].arrival == e.arrival ? t : nil
    }

    /// Whether `a`'s address goes before `b`'s; nil when they are one address.
    private static func addressLess(_ a: Entry, _ b: Entry) -> Bool? {
        if a.high != b.high { return a.high < b.high }
        if a.low != b.low { return a.low < b.low }
        return nil
    }

    /// The Endpoints' order: by address, then uid, then arrival.
    private static func tieBrokenLess(_ a: Entry, _ aPod: SimPod, _ b: Entry, _ bPod: SimPod) -> Bool {
        if a.high != b.high { return a.high < b.high }
        if a.low != b.low { return a.low < b.low }
        if aPod.uid != bPod.uid { return aPod.uid < bPod.uid }
        return a.arrival < b.arrival
    }

    /// The first index in `0..<count` where `before` is false (`before` holds on a prefix that
    /// reaches at least to `from`), found from `from`: steps of 1, 2, 4… until one lands past
    /// it, then halving (a galloping search) — a few looks when it is near, as it is for
    /// sorted keys looked up one after another, and no more than twice a search's when far.
    static func lowerBound(from: Int, count: Int, _ before: (Int) -> Bool) -> Int {
        var low = from, high = from, step = 1
        while high < count && before(high) {
            low = high + 1
            high = low + step
            step *= 2
        }
        high = min(high, count)
        while low < high {
            let mid = (low + high) / 2
            if before(mid) { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// The elements at `places` (rising, each once) taken out of a list: those after the
    /// first place move down in its buffer (no retain, no uniqueness check per element), and
    /// the ones taken out, now at its end, go.
    private static func remove<T>(at places: [Int], from list: inout [T]) {
        list.withUnsafeMutableBufferPointer { buffer in
            closeUp(behind: places, count: buffer.count) { buffer.swapAt($0, $1) }
        }
        list.removeLast(places.count)
    }

    /// Two lists in step, the elements at `places` (rising, each once) taken out of both as
    /// `remove(at:from:)` takes them.
    private static func remove<T>(at places: [Int], from entries: inout [Entry], and values: inout [T]) {
        entries.withUnsafeMutableBufferPointer { e in
            values.withUnsafeMutableBufferPointer { v in
                closeUp(behind: places, count: e.count) { to, from in
                    e.swapAt(to, from)
                    v.swapAt(to, from)
                }
            }
        }
        entries.removeLast(places.count)
        values.removeLast(places.count)
    }

    /// The moves that close a list of `count` up behind `places` (rising, each once), the ones
    /// there ending at its end: `move(to, from)` for each element after the first place that
    /// stays.
    private static func closeUp(behind places: [Int], count: Int, _ move: (Int, Int) -> Void) {
        guard let first = places.first else { return }
        var kept = first, p = 0
        for i in first..<count {
            if p < places.count && places[p] == i {
                p += 1
                continue
            }
            move(kept, i)
            kept += 1
        }
    }

    /// Sorted `new` ones merged into a sorted list, in place and as a merge from the front
    /// would (a new one before an equal one of the list): the list grows by their number and
    /// its elements move up from the back in its buffer — no copy, no retain — each new one set
    /// once. (A Service of 100,000 endpoints takes a few thousand at a sync.)
    static func merge<T>(_ new: [T], into list: inout [T], by less: (T, T) -> Bool) {
        guard !new.isEmpty else { return }
        var i = list.count - 1
        list.append(contentsOf: new)
        list.withUnsafeMutableBufferPointer { buffer in
            var j = new.count - 1, k = buffer.count - 1
            while j >= 0 {
                if i >= 0 && !less(buffer[i], new[j]) {
                    buffer.swapAt(k, i)
                    i -= 1
                } else {
                    buffer[k] = new[j]
                    j -= 1
                }
                k -= 1
            }
        }
    }

    /// Two lists in step, sorted by the first (with `tie` where `less` says nil), with sorted
    /// new entries and their values merged in as `merge` does: the entries compared as they
    /// are, the values read only where `less` cannot tell two entries apart.
    private static func merge<T>(_ newEntries: [Entry], _ newValues: [T], into entries: inout [Entry], and values: inout [T],
                                 by less: (Entry, Entry) -> Bool?, tie: ((entry: Entry, value: T), (entry: Entry, value: T)) -> Bool) {
        guard !newEntries.isEmpty, newEntries.count == newValues.count else { return }
        var i = entries.count - 1
        entries.append(contentsOf: newEntries)
        values.append(contentsOf: newValues)
        entries.withUnsafeMutableBufferPointer { e in
            values.withUnsafeMutableBufferPointer { v in
                var j = newEntries.count - 1, k = e.count - 1
                while j >= 0 {
                    let stays = i >= 0 && !(less(e[i], newEntries[j]) ?? tie((e[i], v[i]), (newEntries[j], newValues[j])))
                    if stays {
                        e.swapAt(k, i)
                        v.swapAt(k, i)
                        i -= 1
                    } else {
                        e[k] = newEntries[j]
                        v[k] = newValues[j]
                        j -= 1
                    }
                    k -= 1
                }
            }
        }
    }
}

extension SimPod {
    /// The pod's arrival among the pods of the Service with this number, nil when it has none.
    func arrival(in number: Int) -> Int? {
        for place in endpointPlaces where place.service == number { return place.arrival }
        return nil
    }
}

import Foundation

/// The store's recent changes, in resourceVersion order, for watches (`rollout serve`): what
/// etcd's history and the API server's watch cache keep. Only a served store keeps one; it
/// holds the last `capacity` changes, and a watch from before them is told its
/// resourceVersion is too old (410 Gone), as the API server tells it.
public final class ChangeJournal: @unchecked Sendable {
    public enum Kind: String, Sendable {
        case added = "ADDED", modified = "MODIFIED", deleted = "DELETED"
    }

    public struct Change: Sendable {
        /// Its place in the journal: strictly increasing (a deletion takes no resourceVersion
        /// of its own, so several changes can share one).
        public var sequence: Int = 0
        public var resourceVersion: Int
        public var kind: Kind
        /// The type's storage key (`apps/Deployment`).
        public var type: String
        public var namespace: String
        public var name: String
        /// The object as written (a deletion: as it was, with the deletion's resourceVersion).
        var payload: Payload

        public var object: Resource? {
            switch payload {
            case .resource(let resource): return resource
            case .line(let bytes):
                guard case .object(let object)? = try? JSONReader.parse(bytes) else { return nil }
                return Resource(object)
            }
        }
    }

    enum Payload: @unchecked Sendable {
        case resource(Resource)
        /// The stored JSON line of an object serialized ahead (`StateStore.Prepared`).
        case line([UInt8])
    }

    public let capacity: Int
    private let condition = NSCondition()
    private var changes: [Change] = []
    /// Where the ring starts once it is full.
    private var start = 0
    /// The resourceVersion before the oldest change kept: watches from it or later are served.
    private var oldest: Int
    private var latest: Int
    private var sequence = 0
    private var closed = false

    public init(capacity: Int = 20_000, resourceVersion: Int) {
        self.capacity = max(1, capacity)
        oldest = resourceVersion
        latest = resourceVersion
    }

    func append(_ change: Change) {
        condition.lock()
        var change = change
        sequence += 1
        change.sequence = sequence
        if changes.count < capacity {
            changes.append(change)
        } else {
            oldest = changes[start].resourceVersion
            changes[start] = change
            start = (start + 1) % capacity
        }
        latest = max(latest, change.resourceVersion)
        condition.unlock()
    }

    /// Wakes the watches: a write (or a tick's writes) is done.
    public func publish() {
        condition.lock()
        condition.broadcast()
        condition.unlock()
    }

    /// Ends every watch (the server stops).
    public func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    public enum Wait {
        case changes([Change], last: Int)
        case timedOut(latestResourceVersion: Int)
        case closed
    }

    /// Where a watch from `resourceVersion` starts: the sequence after which every change
    /// is newer; nil when changes after it are no longer kept.
    public func start(after resourceVersion: Int) -> Int? {
        condition.lock()
        defer { condition.unlock() }
        if resourceVersion < oldest { return nil }
        var position = sequence - changes.count
        for i in 0..<changes.count {
            let change = changes[(start + i) % changes.count]
            if change.resourceVersion > resourceVersion { break }
            position = change.sequence
        }
        return position
    }

    /// The changes after sequence `after`, waiting up to `timeout` seconds for one if there
    /// are none yet. A watch too slow for the journal (its changes overwritten) gets nil.
    public func changes(after: Int, timeout: Double) -> Wait? {
        let deadline = Date(timeIntervalSinceNow: max(0, timeout))
        condition.lock()
        defer { condition.unlock() }
        while true {
            if closed { return .closed }
            if after < sequence - changes.count { return nil }
            if sequence > after {
                var found: [Change] = []
                for i in 0..<changes.count {
                    let change = changes[(start + i) % changes.count]
                    if change.sequence > after { found.append(change) }
                }
                return .changes(found, last: sequence)
            }
            if !condition.wait(until: deadline) { return .timedOut(latestResourceVersion: latest) }
        }
    }

    /// The oldest resourceVersion a watch can start from.
    public var oldestResourceVersion: Int {
        condition.lock()
        defer { condition.unlock() }
        return oldest
    }

    public var latestResourceVersion: Int {
        condition.lock()
        defer { condition.unlock() }
        return latest
    }

    public var latestSequence: Int {
        condition.lock()
        defer { condition.unlock() }
        return sequence
    }
}

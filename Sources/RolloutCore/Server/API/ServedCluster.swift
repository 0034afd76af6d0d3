import Foundation

/// The clock of a served cluster: the one place where wall-clock time enters (`rollout
/// serve` passes the system's monotonic clock; tests pass their own). Seconds, from any
/// origin.
public protocol ServedClock: Sendable {
    /// A monotonic clock: what the cluster's clock follows.
    func seconds() -> Double
    /// Seconds since 1970 on the wall clock, which the API's times are shown against
    /// (`WireTime`); nil: shown as the cluster keeps them.
    func unixTime() -> Double?
}

/// The cluster `rollout serve` holds: one state store, written by this process only, whose
/// controllers run continuously with the clock at `speed` × the wall clock's. Every request
/// and every tick takes the one lock, so the API sees the cluster between two instants of
/// virtual time, never in the middle of one.
public final class ServedCluster: @unchecked Sendable {
    public let store: StateStore
    public let speed: Double
    private let clock: ServedClock
    private let lock = NSLock()
    /// The controllers' view, loaded from the store when first needed.
    private var cluster: Cluster?
    /// Virtual time at the wall clock's `wall`.
    private var origin: (virtual: Timestamp, wall: Double)
    private var lastCommit: Double
    /// Seconds between commits of what the controllers did (writes commit at once).
    public var commitInterval: Double = 1

    public init(store: StateStore, speed: Double, clock: ServedClock) throws(StoreError) {
        self.store = store
        self.speed = speed
        self.clock = clock
        // The state is checked before the server answers anything.
        let loaded = try Cluster(store: store)
        cluster = loaded
        store.journal = ChangeJournal(resourceVersion: store.resourceVersion)
        let wall = clock.seconds()
        origin = (loaded.now, wall)
        lastCommit = wall
    }

    /// The virtual instant the wall clock has reached.
    private func target() -> Timestamp {
        let elapsed = (clock.seconds() - origin.wall) * speed * 1000
        let milliseconds = elapsed.isFinite ? Int(min(max(elapsed, 0), 1e15)) : 0
        return Timestamp(milliseconds: origin.virtual.milliseconds.addingSaturating(milliseconds))
    }

    /// Runs the controllers up to the wall clock's instant, stores what they did, and commits
    /// it when `commitInterval` has passed since the last commit.
    public func tick() throws(StoreError) {
        lock.lock()
        defer { lock.unlock() }
        try advance()
        if clock.seconds() - lastCommit >= commitInterval {
            try store.commit()
            lastCommit = clock.seconds()
        }
    }

    private func advance() throws(StoreError) {
        let cluster: Cluster
        if let loaded = self.cluster { cluster = loaded } else {
            cluster = try Cluster(store: store)
            self.cluster = cluster
        }
        // The controllers act at once on what was written, as they would on a cluster, and
        // then as time passes.
        let target = max(target(), cluster.now)
        EventLoop.advance(cluster, by: Duration(milliseconds: target.milliseconds - cluster.now.milliseconds))
        try cluster.save()
        store.journal?.publish()
    }

    /// The cluster's time, as of the last instant the controllers ran.
    public func now() -> Timestamp {
        lock.lock()
        defer { lock.unlock() }
        return store.clock
    }

    /// How far the API's times are moved from the cluster's (`WireTime`): the wall clock's
    /// time less the cluster's, in whole seconds.
    public func wireOffset() -> Int {
        guard let unix = clock.unixTime(), unix.isFinite, abs(unix) < 1e11 else { return 0 }
        lock.lock()
        let virtual = store.clock.milliseconds
        lock.unlock()
        return Int((unix * 1000 - Double(virtual)) / 1000) * 1000
    }

    /// Seconds on the served clock (for watch deadlines and bookmarks).
    public func seconds() -> Double { clock.seconds() }

    /// Reads the cluster as of now: the store as the controllers left it, and the clock.
    public func read<T>(_ body: (StateStore, Timestamp) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        try advance()
        return try body(store, store.clock)
    }

    /// Changes the cluster as a client asked: the controllers' work so far is stored first,
    /// `body` writes to the store, the write is committed before the client is answered, and
    /// the controllers load the cluster again, so they act on it at once.
    public func write<T>(_ body: (StateStore, Timestamp) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        try advance()
        let before = (store.resourceVersion, store.journal?.latestSequence)
        let result: T
        do {
            result = try body(store, store.clock)
        } catch {
            // A write checks everything before it stores anything: a refused one leaves the
            // controllers' view as it is.
            if before != (store.resourceVersion, store.journal?.latestSequence) { cluster = nil }
            throw error
        }
        cluster = nil
        try store.commit()
        lastCommit = clock.seconds()
        try advance()
        return result
    }

    /// The last tick: what the controllers did is stored and committed.
    public func stop() throws(StoreError) {
        lock.lock()
        defer { lock.unlock() }
        try advance()
        try store.commit()
        store.journal?.close()
    }
}

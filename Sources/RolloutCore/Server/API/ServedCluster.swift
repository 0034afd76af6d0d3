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
    /// Objects being deleted in the foreground, removed once their dependents are gone.
    private var foreground: Set<ObjectKey> = []
    /// Seconds between commits of what the controllers did (writes commit at once).
    public var commitInterval: Double = 1

    /// `--traffic`: requests replayed through every serving Service, kept across the
    /// controllers' reloads.
    private let recorder: TrafficRecorder?
    /// When the Services traffic goes through were last looked for.
    private var routesChecked = -Double.infinity

    public init(store: StateStore, speed: Double, clock: ServedClock, traffic rps: Int = 0,
                requestTime: RequestTime = TrafficRecorder.defaultRequestTime) throws(StoreError) {
        self.store = store
        self.speed = speed
        self.clock = clock
        recorder = rps > 0 ? TrafficRecorder(rps: rps, services: [], start: store.clock, requestTime: requestTime) : nil
        // The state is checked before the server answers anything.
        let loaded = try Cluster(store: store)
        cluster = loaded
        store.journal = ChangeJournal(resourceVersion: store.resourceVersion)
        foreground = try ForegroundDeletion.marked(in: store)
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
        // (A reader holding the state — `rollout get … | less` keeps its shared lock while the
        // pager holds its output — defers the commit to a later tick: waiting for it here held
        // the cluster's lock, and every request waited behind it. A write still waits for its
        // commit.)
        if clock.seconds() - lastCommit >= commitInterval, try store.commitUnlessRead() {
            lastCommit = clock.seconds()
        }
    }


    private func advance() throws(StoreError) {
        let cluster: Cluster
        var reloaded = false
        if let loaded = self.cluster { cluster = loaded } else {
            cluster = try Cluster(store: store)
            self.cluster = cluster
            reloaded = true
        }
        if let recorder {
            cluster.traffic = recorder
            // Every Service with a ready endpoint (a new app has no clients until then), the
            // Ingress rules in front of them and DaemonSets' host ports, looked for again at
            // most once a second.
            if reloaded || clock.seconds() - routesChecked >= 1 {
                let workloads = Array(cluster.deployments.values) + Array(cluster.statefulSets.values) + Array(cluster.daemonSets.values)
                recorder.track(TrafficRecorder.servingServices(selecting: workloads, in: cluster).map { TrafficRecorder.Route(service: $0) }
                               + TrafficRecorder.ingressRoutes(selecting: workloads, in: cluster) + TrafficRecorder.hostPortRoutes(selecting: workloads, in: cluster))
                routesChecked = clock.seconds()
            }
        }
        // The controllers act at once on what was written, as they would on a cluster, and
        // then as time passes.
        let target = max(target(), cluster.now)
        EventLoop.advance(cluster, by: Duration(milliseconds: target.milliseconds - cluster.now.milliseconds))
        try cluster.save()
        // The garbage collector's part of foreground deletions: what no longer has dependents
        // goes, and the controllers read the cluster again without it.
        if !foreground.isEmpty, try ForegroundDeletion.collect(&foreground, store: store) { self.cluster = nil }
        store.journal?.publish()
    }

    /// Acts on the controllers' cluster itself (the eviction subresource runs in the
    /// disruption controller's view), then stores and commits what changed, as a write does.
    func act<T>(_ body: (Cluster) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        try advance()
        guard let cluster else { throw StoreError.conflict("the cluster is not loaded") }
        let result = try body(cluster)
        try cluster.save()
        try store.commit()
        lastCommit = clock.seconds()
        store.journal?.publish()
        return result
    }

    /// Objects a foreground deletion marked, to remove once their dependents are gone.
    public func deletingInForeground(_ keys: [ObjectKey]) {
        lock.lock()
        foreground.formUnion(keys)
        lock.unlock()
    }

    /// The replayed requests per route (`--traffic`), and their failures, since `since`
    /// (nil: since the server started): `GET /apis/rollout.dev/v1alpha1/traffic`.
    public func trafficReport(since: Timestamp?) throws -> Value {
        lock.lock()
        defer { lock.unlock() }
        try advance()
        let now = store.clock
        guard let recorder else {
            return .object(Object(["kind": .string("TrafficReport"), "apiVersion": .string("rollout.dev/v1alpha1"), "rps": .int(0), "routes": .array([])]))
        }
        let from = max(since ?? recorder.start, recorder.start)
        let sinceStart = from.milliseconds - recorder.start.milliseconds
        var routes: [Value] = []
        let traffic = recorder.traffic
        for route in recorder.routes {
            guard let stats = traffic[route] else { continue }
            let windows = stats.windows.filter { $0.end >= sinceStart }.sorted { ($0.start, $0.reason) < ($1.start, $1.reason) }
            // Requests go out evenly at the rate: those sent since `from`.
            let span = max(0, now.milliseconds - from.milliseconds)
            let requests = since == nil ? stats.requests : min(stats.requests, span * recorder.rps / 1000)
            routes.append(.object(Object([
                "route": .string(route.label), "service": .string("\(route.service.namespace)/\(route.service.name)"),
                "requests": .int(requests), "failed": .int(windows.reduce(0) { $0 + $1.failed }),
                "windows": .array(windows.map { w in
                    .object(Object([
                        "startTime": .string(Timestamp(milliseconds: recorder.start.milliseconds + w.start).description),
                        "endTime": .string(Timestamp(milliseconds: recorder.start.milliseconds + w.end).description),
                        "failed": .int(w.failed), "reason": .string(w.reason),
                    ]))
                }),
            ])))
        }
        let failed = routes.reduce(0) { $0 + ($1["failed"]?.intValue ?? 0) }
        return .object(Object([
            "kind": .string("TrafficReport"), "apiVersion": .string("rollout.dev/v1alpha1"), "rps": .int(recorder.rps),
            "sinceTime": .string(from.description), "nowTime": .string(now.description), "failed": .int(failed), "routes": .array(routes),
        ]))
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

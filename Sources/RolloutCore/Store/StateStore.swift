#if canImport(Glibc)
import Glibc
#endif

/// The cluster's state directory (SPEC §3): a manifest file (`state.json`: the virtual clock,
/// counters, the seeded generator, and which table file holds each type) plus one table file
/// per type under `objects/`. A change writes new table files under new names, then replaces
/// the manifest atomically: a crash at any instant leaves the old manifest (pointing at the old,
/// untouched tables) or the new one. One lock per directory serialises invocations.
public final class StateStore {
    public static let manifestName = "state.json"
    /// The state format this build writes: v1alpha2 stores pods in compact form (CompactPod),
    /// which builds that read only v1alpha1 cannot read, so they refuse it by name.
    static let formatVersion = "rollout.dev/v1alpha2"
    /// The formats it reads: v1alpha1 is v1alpha2 without compact pods.
    static let readableFormats: Set<String> = ["rollout.dev/v1alpha1", formatVersion]

    public let directory: String
    /// The cluster's virtual clock. Only commands that wait move it.
    public internal(set) var clock: Timestamp { didSet { if clock != oldValue { manifestChanged = true } } }
    /// The clock, generator or counters moved: the manifest needs writing even with no object
    /// changed (a wait in which nothing happens still lets time pass).
    var manifestChanged = false
    public internal(set) var random: SeededRandom { didSet { if random.state != oldValue.state { manifestChanged = true } } }
    var resourceVersion: Int
    var commitNumber: Int
    /// Counters for cluster-assigned addresses: Service cluster IPs, node ports, and the last
    /// pod address each node reserved (`podIP/NODE`). Set it whole, not key by key: each change
    /// compares it with what it was.
    var counters: [String: Int] { didSet { if counters != oldValue { manifestChanged = true } } }
    var tables: [String: Table] = [:]
    /// Cluster IPs and node ports Services hold, read on the first allocation of a command.
    struct Allocated { var ips: Set<String> = []; var nodePorts: Set<Int> = [] }
    var allocated: Allocated?
    /// apiVersion and kind of each stored type, for naming types the store holds.
    var typeNames: [String: (apiVersion: String, kind: String)] = [:]
    var dirty: MarkSet<String> = []
    /// Recent changes, for watches: kept only when the store is served.
    public var journal: ChangeJournal?
    private let writerLock: StateLock?
    private let readerLock: StateLock?
    public let writable: Bool

    /// `--state`, else `$ROLLOUT_STATE`, else `~/.rollout`.
    public static func directory(flag: String?, environment: [String: String]) -> String {
        if let flag, !flag.isEmpty { return flag }
        if let env = environment["ROLLOUT_STATE"], !env.isEmpty { return env }
        return "\(environment["HOME"] ?? ".")/.rollout"
    }

    /// Opens (creating on first use, with the default single-node cluster) the state in
    /// `directory`. Writers hold `lock` exclusively until `close()`; readers hold `commit.lock`
    /// shared, which a writer takes exclusively only while it commits, so a long writer (a
    /// paced `status --speed`) never blocks `get`: readers see the last commit.
    ///
    /// Nothing inside the directory is followed if it is a link, a directory that holds other
    /// files is refused before anything is written to it, and a missing `state.json` beside
    /// stored objects is damage, never a reason to start over. `reset` (for `cluster init`)
    /// opens a damaged state of ours so that it can be erased.
    /// `newCluster`: the cluster created when the directory holds no state yet.
    public init(directory: String, writable: Bool, reset: Bool = false, newCluster: ClusterSpec = ClusterSpec()) throws(StoreError) {
        self.directory = directory
        try FileIO.makeDirectory(directory)
        let manifestPath = "\(directory)/\(Self.manifestName)"
        try Self.checkLayout(directory)
        var creating = FileIO.kind(manifestPath) == .missing
        if creating { try Self.checkNew(directory, reset: reset) }
        let writes = writable || creating || reset
        if writes { try Self.checkWritable(directory) }
        writerLock = writes ? try StateLock(path: "\(directory)/lock", exclusive: true, whenBusy: { () throws(StoreError) in try ServeMarker.refuseIfServed(directory) }) : nil
        readerLock = writes ? nil : try StateLock(path: "\(directory)/\(Self.commitLockName)", exclusive: false)
        self.writable = writes
        clock = .clusterEpoch
        random = SeededRandom(seed: 0x5EED)
        resourceVersion = 0
        commitNumber = 0
        counters = [:]
        // Another writer may have created the state while this one waited for the lock.
        creating = FileIO.kind(manifestPath) == .missing
        if creating {
            try Self.checkNew(directory, reset: reset)
            try FileIO.makeDirectory("\(directory)/objects")
            try Self.checkLayout(directory)
            try ClusterSetup.populate(self, spec: newCluster)
            try commit()
            return
        }
        do {
            try loadManifest(manifestPath)
        } catch .damaged(let file, let reason) {
            guard reset else { throw .damaged(file: file, reason: reason) }
            tables = [:]
            typeNames = [:]
        }
    }

    static let commitLockName = "commit.lock"
    /// Threads a commit puts its new files on the disk on (their fsyncs), and removes the old
    /// ones on: four a core, since each waits on the disk, not on a core (a 10,000-replica
    /// roll's 112 fsyncs and 207 removals, two at a time beside the writing, kept a core idle
    /// for about 10 ms; the file system takes waits that come together in one journal commit).
    static let syncThreads = 4 * Parallel.cores
    static let removeThreads = 4 * Parallel.cores
    /// The files `rollout` keeps at the top of a state directory.
    static let ownNames: Set<String> = [manifestName, "lock", commitLockName, "objects", ServeMarker.fileName]

    /// `state.json`, the locks and `objects/` must be what rollout made: never a link.
    private static func checkLayout(_ directory: String) throws(StoreError) {
        let expected: [(String, FileIO.Kind)] = [(manifestName, .regular), ("lock", .regular), (commitLockName, .regular), ("objects", .directory),
                                                 (ServeMarker.fileName, .regular)]
        for (name, kind) in expected {
            let path = "\(directory)/\(name)"
            switch FileIO.kind(path) {
            case .missing: continue
            case .symlink: throw .foreign(path: path, reason: "it is a symbolic link, and rollout never follows links inside its state directory")
            case let found where found != kind:
                throw .foreign(path: path, reason: kind == .directory ? "it is not a directory" : "it is not a regular file")
            default: continue
            }
        }
    }

    /// A directory without `state.json`: empty (or holding only what an interrupted first
    /// command left) is a new cluster; anything else is refused before a file is created.
    private static func checkNew(_ directory: String, reset: Bool) throws(StoreError) {
        let strays = FileIO.list(directory).filter { !ownNames.contains($0) && !$0.hasPrefix(".tmp-") }
        if !strays.isEmpty {
            throw .foreign(path: directory, reason: "it holds other files (\(strays.prefix(3).joined(separator: ", ")))")
        }
        let stored = FileIO.list("\(directory)/objects").filter { !$0.hasPrefix(".tmp-") }
        if !stored.isEmpty && !reset {
            throw .damaged(file: "\(directory)/\(manifestName)",
                           reason: "it is missing, but \(directory)/objects holds \(stored.count) file\(stored.count == 1 ? "" : "s") (\(stored.prefix(2).joined(separator: ", "))); nothing was changed")
        }
    }

    /// Writers find out before they start that they could not commit.
    private static func checkWritable(_ directory: String) throws(StoreError) {
        for path in [directory, "\(directory)/objects"] where FileIO.kind(path) == .directory {
            if faccessat(AT_FDCWD, path, W_OK, AT_EACCESS) != 0 {
                throw .io(path: path, reason: "the state cannot be written (\(systemError())); this command changes the cluster, so it needs a writable state directory")
            }
        }
    }

    public func close() {
        writerLock?.release()
        readerLock?.release()
    }

    private func loadManifest(_ path: String) throws(StoreError) {
        let bytes = try FileIO.read(path)
        let value: Value
        do { value = try JSONReader.parse(bytes) } catch {
            throw .damaged(file: path, reason: "not valid JSON (\(error))")
        }
        guard value["kind"]?.stringValue == "ClusterState", let version = value["apiVersion"]?.stringValue else {
            throw .foreign(path: path, reason: "the file is not a rollout cluster state")
        }
        guard Self.readableFormats.contains(version) else {
            throw .foreign(path: path, reason: "state format \(version) is not one this rollout reads (\(Self.readableFormats.sorted().joined(separator: ", ")))")
        }
        guard let clockMilliseconds = value["clock"]?.intValue,
              let rv = value["resourceVersion"]?.intValue, let commit = value["commit"]?.intValue,
              let randomText = value["random"]?.stringValue, let randomState = UInt64(randomText),
              case .object(let tableObject)? = value["tables"] else {
            throw .damaged(file: path, reason: "a required field (clock, resourceVersion, commit, random, tables) is missing or malformed")
        }
        // Every number is checked against the range the store itself can produce, so a value
        // edited to an extreme is reported here instead of trapping later.
        guard StateLimits.clock.contains(clockMilliseconds) else {
            throw .damaged(file: path, reason: "clock \(clockMilliseconds) is outside \(StateLimits.clock.lowerBound)...\(StateLimits.clock.upperBound) (years 1970 to 9999 in milliseconds)")
        }
        for (name, number) in [("resourceVersion", rv), ("commit", commit)] where !StateLimits.counter.contains(number) {
            throw .damaged(file: path, reason: "\(name) \(number) is outside 0...\(StateLimits.counter.upperBound)")
        }
        clock = Timestamp(milliseconds: clockMilliseconds)
        resourceVersion = rv
        commitNumber = commit
        random = SeededRandom(seed: randomState)
        // Read into a local table and set once: every change of `counters` compares it with
        // what it was (a node's pod address is a counter: thousands of them).
        var read: [String: Int] = [:]
        for member in value["counters"]?.objectValue?.members ?? [] {
            guard let n = member.value.intValue, StateLimits.counter.contains(n) else {
                throw .damaged(file: path, reason: "counter \(member.key) is not a number in 0...\(StateLimits.counter.upperBound)")
            }
            read[member.key] = n
        }
        counters = read
        for member in tableObject.members {
            guard let shards = member.value["shards"]?.arrayValue, (1...Table.maxShards).contains(shards.count),
                  case let files = shards.compactMap(\.stringValue), files.count == shards.count,
                  files.allSatisfy({ $0.isEmpty || StorageNames.isShardBase($0) }),
                  let count = member.value["count"]?.intValue, StateLimits.objectsPerType.contains(count),
                  let apiVersion = member.value["apiVersion"]?.stringValue, let kind = member.value["kind"]?.stringValue,
                  ResourceType.forObject(apiVersion: apiVersion, kind: kind).storageKey == member.key else {
                throw .damaged(file: path, reason: "table entry \(member.key) is malformed")
            }
            var templates = ""
            if let named = member.value["templates"] {
                guard let base = named.stringValue, StorageNames.isShardBase(base) else {
                    throw .damaged(file: path, reason: "table entry \(member.key) is malformed")
                }
                templates = base
            }
            tables[member.key] = Table(shardCount: files.count, files: files, count: count, templatesFile: templates)
            typeNames[member.key] = (apiVersion, kind)
            // A count its files belie (none of a table that names files, fewer than the files
            // that hold one each, some of one that names none) is found out now, by reading
            // and counting: a commit would otherwise leave the table out of the manifest, or
            // keep a count that reservations and resharding would trust.
            let holding = files.filter { !$0.isEmpty }.count
            if (count == 0) != (holding == 0) || count < holding {
                _ = try loadedTable(member.key)
            }
        }
    }

    /// The types that have objects stored, for resolving names like `widgets`.
    public var storedTypes: [ResourceType] {
        typeNames.keys.filter { (tables[$0]?.count ?? 0) > 0 }.compactMap { key in
            typeNames[key].map { ResourceType.forObject(apiVersion: $0.apiVersion, kind: $0.kind) }
        }.sorted { $0.storageKey < $1.storageKey }
    }

    private func readShard(_ file: String) throws(StoreError) -> [UInt8] {
        let path = "\(directory)/objects/\(file)"
        guard FileIO.exists(path) else {
            throw .damaged(file: "\(directory)/\(Self.manifestName)", reason: "it names \(path), which is missing")
        }
        return try FileIO.read(path)
    }

    // Tables are changed in place (`tables[type, default:]`): copying one out and back would
    // copy its shards on every write.

    /// The table of a type with every shard loaded.
    private func loadedTable(_ type: String) throws(StoreError) -> Table {
        try withFullPaths { () throws(StoreError) in try tables[type, default: Table()].loadAll(read: readShard) }
        return tables[type] ?? Table()
    }

    /// Loads the shard of the type's table that holds `key`, to read the object: its released
    /// lines are read back (a write or a delete loads it with `changeShard`).
    private func loadShard(_ type: String, holding key: Table.Key) throws(StoreError) {
        let shardCount = tables[type]?.shardCount ?? 1
        try withFullPaths { () throws(StoreError) in
            try tables[type, default: Table()].load(shard: Table.shard(of: key, count: shardCount), read: readShard, restoring: true)
        }
    }

    /// Changes the type's table in place (one look-up of the type), once the shard that holds
    /// `key` is loaded; `change` is given that shard's number. For a write or a delete, which
    /// needs only to know which objects the shard holds.
    private func changeShard(_ type: String, holding key: Table.Key, _ change: (inout Table, Int) -> Void) throws(StoreError) {
        try withFullPaths { () throws(StoreError) in
            try { (table: inout Table) throws(StoreError) in
                let index = Table.shard(of: key, count: table.shardCount)
                try table.load(shard: index, read: readShard, restoring: false)
                change(&table, index)
            }(&tables[type, default: Table()])
        }
    }

    /// Tables name their shard files; errors name the whole path.
    private func withFullPaths<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        do {
            return try body()
        } catch {
            throw withFullPath(error)
        }
    }

    private func withFullPath(_ error: StoreError) -> StoreError {
        guard case .damaged(let file, let reason) = error, !file.contains("/") else { return error }
        return .damaged(file: "\(directory)/objects/\(file)", reason: reason)
    }

    /// Damage in one stored object, naming the file that holds it.
    public func damaged(_ resource: Resource, _ problems: [String]) -> StoreError {
        let key = resource.key
        let table = tables[key.type] ?? Table()
        let index = Table.shard(of: Table.Key(namespace: key.namespace, name: key.name), count: table.shardCount)
        let file = index < table.files.count && !table.files[index].isEmpty ? "\(directory)/objects/\(table.files[index]).objects" : "\(directory)/\(Self.manifestName)"
        let shown = problems.prefix(3).joined(separator: "; ") + (problems.count > 3 ? "; and \(problems.count - 3) more" : "")
        let kind = resource.type.qualifiedSingular, name = GoQuote.escapingControls(resource.name, keepingLines: false)
        let namespace = resource.type.namespaced ? " -n \(key.namespace)" : ""
        return .damaged(file: file, reason: "\(kind)/\(name) cannot be run: \(shown); remove it with 'rollout delete \(kind) \(name)\(namespace) --force --grace-period=0'")
    }

    /// Every object of `type`, in `namespace` (nil: all), sorted by namespace then name; each
    /// stays parsed in the table. (The cluster reads its pods and events with `forEachBatch`,
    /// which keeps only their text.)
    /// `keep` false: the table keeps only their text, for a reader that holds the objects
    /// itself and replaces them as they change — the cluster, whose EndpointSlices held parsed
    /// here outlived every replacement until the save (at 100,000 replicas some 80 MB of
    /// trees); an object is parsed again from its line should it be read again.
    public func list(_ type: ResourceType, namespace: String? = nil, keep: Bool = true) throws(StoreError) -> [Resource] {
        let table = try loadedTable(type.storageKey)
        let keys = table.sortedKeys(namespace: type.namespaced ? namespace : nil)
        if !keep { return try parse(keys, of: table) { $1 } }
        let parsed = try parse(keys, of: table) { ($0, $1) }
        for (key, resource) in parsed { tables[type.storageKey]?.keep(resource, key: key) }
        return parsed.map(\.1)
    }

    /// The objects of `type` under `names` (namespace, name), in the order given, those not
    /// stored left out: only the shards holding them are read, and they are parsed on every
    /// core (`describe node` reads its node's pods so, not the whole cluster's).
    public func objects(_ type: ResourceType, named names: [(namespace: String, name: String)]) throws(StoreError) -> [Resource] {
        let keys = names.map { Table.Key(namespace: type.namespaced ? $0.namespace : "", name: $0.name) }
        for key in keys { try loadShard(type.storageKey, holding: key) }
        guard let table = tables[type.storageKey] else { return [] }
        let parsed = try parse(keys, of: table) { ($0, $1) }
        for (key, resource) in parsed { tables[type.storageKey]?.keep(resource, key: key) }
        return parsed.map(\.1)
    }

    /// The events of `namespace` (nil: all) whose involvedObject's uid is one of `uids`, in
    /// the API server's order: `list` filtered, with only those events expanded (`describe
    /// node` of one node among 150,000 events).
    public func events(about uids: Set<String>, namespace: String?) throws(StoreError) -> [Resource] {
        let type = ResourceType.forObject(apiVersion: "v1", kind: "Event")
        let table = try loadedTable(type.storageKey)
        return try read(table.sortedKeys(namespace: namespace), of: table, by: { (table, key) throws(StoreError) in try table.event(key, about: uids) }) { $1 }
    }

    /// The pods whose spec.nodeName is one of `nodes`, in the API server's order: picked by the
    /// NODE cell of the stored listing rows (`TablePrinter.cells`, which shows spec.nodeName),
    /// so that only they are read.
    public func pods(onNodes nodes: Set<String>) throws(StoreError) -> [Resource] {
        let type = ResourceType.forObject(apiVersion: "v1", kind: "Pod")
        guard let column = TablePrinter.columns(for: type, wide: true).firstIndex(of: "NODE") else { return [] }
        var names: [(namespace: String, name: String)] = []
        for run in try listingRuns(type) {
            for i in 0..<run.count {
                let row = run.row(i)
                guard column < row.cells.count, case .text(let node) = row.cells[column], nodes.contains(node) else { continue }
                names.append((row.namespace, row.name))
            }
        }
        names.sort { $0.namespace == $1.namespace ? ByteOrder.precedes($0.name, $1.name) : ByteOrder.precedes($0.namespace, $1.namespace) }
        return try objects(type, named: names)
    }

    /// Every object of `type` in order, each parsed and handed to `transform` on the core that
    /// parsed it, `batch` at a time: the parsed object lives and goes on that core (its tree
    /// is freed there too), and `body` gets only what `transform` made of each. While `body`
    /// takes a batch on a thread of its own, the next is made on this one and the others
    /// (`Parallel.alongside`) from a copy of the table: nothing else of the store is touched
    /// meanwhile, so `body` may read it. A batch's damage is reported before `body`
    /// gets it, and nothing of the batches after a batch whose `body` throws.
    /// A compact pod (`CompactPod`) is handed over as stored, with its template.
    func forEachBatch<T>(_ type: ResourceType, batch: Int = 4096, transform: @escaping @Sendable (CompactPod.Stored) -> T,
                         _ body: @escaping ([T]) throws(StoreError) -> Void) throws(StoreError) {
        do {
            let table = try loadedTable(type.storageKey)
            let shared = ReadOnly((table: table, keys: table.sortedKeys(namespace: nil)))
            let size = max(1, batch)
            @Sendable func made(_ range: Range<Int>) -> [Result<T?, StoreError>] {
                Parallel.map(range.count, grain: 256) { i -> Result<T?, StoreError> in
                    do throws(StoreError) {
                        return .success(try shared.value.table.stored(shared.value.keys[range.lowerBound + i]).map { transform($0) })
                    } catch { return .failure(error) }
                }
            }
            var range = 0..<min(size, shared.value.keys.count)
            var outcomes = made(range)
            while !range.isEmpty {
                var values: [T] = []
                values.reserveCapacity(outcomes.count)
                for outcome in outcomes {
                    if let value = try withFullPaths({ () throws(StoreError) in try outcome.get() }) { values.append(value) }
                }
                let next = range.upperBound..<min(range.upperBound + size, shared.value.keys.count)
                if next.isEmpty {
                    try body(values)
                    break
                }
                // `body` on a thread of its own, this one making the next batch with the others.
                // (`body` escapes: the other thread may let go of it a moment after it ran.)
                let handed = Handed(body: body, values: values)
                outcomes = Parallel.alongside({ handed.run() }) { made(next) }
                try handed.result.get()
                range = next
            }
        }
        // Whoever reads every object of a type this way keeps its own form of them: their
        // lines (the bulk of the state's bytes) are read again from the files when needed.
        tables[type.storageKey]?.releaseLines()
    }

    /// A batch and `forEachBatch`'s `body`, handed to the thread that runs it; its result read
    /// once that thread is done.
    private final class Handed<T>: @unchecked Sendable {
        let body: ([T]) throws(StoreError) -> Void
        let values: [T]
        var result: Result<Void, StoreError> = .success(())
        init(body: @escaping ([T]) throws(StoreError) -> Void, values: [T]) {
            self.body = body
            self.values = values
        }
        func run() {
            let body = body, values = values
            result = Result { () throws(StoreError) in try body(values) }
        }
    }

    /// Every object of `type` as `forEachBatch` reads it, made into what `transform` makes of
    /// it (on every core), in no order but the table's own, shard by shard: no key is sorted
    /// or looked up, for a reader that puts what it keeps in an order of its own, moving each
    /// once (a copy of a value holding strings retains each string, and lets it go again when
    /// the original goes: 200,000 events at 100,000 pods). The error is the one
    /// `forEachBatch` would give: the first damaged object's in the order of keys.
    /// `fast`: offered each compact event line's JSON first (`Table.storedEntries(shard:fast:)`),
    /// with its key; a line it gives nil for is read and handed to `transform`.
    func readAllParts<T: Sendable>(_ type: ResourceType, fast: (@Sendable (Table.Key, ArraySlice<UInt8>) -> T?)? = nil,
                                   transform: @escaping @Sendable (CompactPod.Stored) -> Result<T, StoredObjects.Damage>) throws(StoreError) -> [[T]] {
        // (In a scope of its own: the tasks' copy of the table is let go before the table's
        // lines are, which would otherwise copy every shard.)
        let read = try { () throws(StoreError) -> (parts: [[T]], failure: (key: Table.Key, failure: ReadFailure)?) in
            let table = try loadedTable(type.storageKey)
            let shards = ReadOnly((table: table, numbers: table.loadedShards))
            let parts = Parallel.map(shards.value.numbers.count, grain: 1) { i -> (values: [T], failure: (key: Table.Key, failure: ReadFailure)?) in
                var values: [T] = []
                var first: (key: Table.Key, failure: ReadFailure)?
                shards.value.table.storedEntries(shard: shards.value.numbers[i], fast: fast ?? { _, _ in nil }) { key, read in
                    let stored: Result<CompactPod.Stored, StoreError>
                    switch read {
                    case .fast(let value):
                        values.append(value)
                        return
                    case .stored(let form): stored = form
                    }
                    let failure: ReadFailure
                    switch stored.map(transform) {
                    case .success(.success(let value)):
                        values.append(value)
                        return
                    case .success(.failure(let damage)): failure = .damaged(damage)
                    case .failure(let error): failure = .unreadable(error)
                    }
                    if first.map({ key < $0.key }) ?? true { first = (key, failure) }
                }
                return (values, first)
            }
            return (parts.map(\.values), parts.compactMap(\.failure).min(by: { $0.key < $1.key }))
        }()
        if let first = read.failure {
            switch first.failure {
            case .unreadable(let error): throw withFullPath(error)
            case .damaged(let damage): throw damaged(damage.resource, damage.problems)
            }
        }
        // As `forEachBatch`: the reader keeps its own form of them.
        tables[type.storageKey]?.releaseLines()
        return read.parts
    }

    /// Why `readAllParts` could not read an object.
    private enum ReadFailure: Sendable {
        case unreadable(StoreError)
        case damaged(StoredObjects.Damage)
    }

    /// The objects under `keys`, in order, parsed on every core (parsing is most of a large
    /// listing, and each object parses on its own) and handed to `transform` on the core that
    /// parsed it; the first damaged one, in order, is the error.
    private func parse<T>(_ keys: [Table.Key], of table: Table, _ transform: @escaping @Sendable (Table.Key, Resource) -> T) throws(StoreError) -> [T] {
        try read(keys, of: table, by: { (table, key) throws(StoreError) in try table.parsed(key) }, transform)
    }

    /// `parse`, each object read by `read` (nil: left out).
    private func read<T>(_ keys: [Table.Key], of table: Table, by read: @escaping @Sendable (Table, Table.Key) throws(StoreError) -> Resource?,
                         _ transform: @escaping @Sendable (Table.Key, Resource) -> T) throws(StoreError) -> [T] {
        let outcomes = Parallel.map(keys.count, grain: Self.parseGrain(keys, of: table)) { i -> Result<T?, StoreError> in
            do throws(StoreError) { return .success(try read(table, keys[i]).map { transform(keys[i], $0) }) } catch { return .failure(error) }
        }
        var result: [T] = []
        result.reserveCapacity(keys.count)
        for outcome in outcomes {
            if let value = try withFullPaths({ () throws(StoreError) in try outcome.get() }) { result.append(value) }
        }
        return result
    }

    /// Objects per task when many are parsed at once: about 64 kB of their lines (judged by
    /// the first 64), at most 256 — a pod's line is under a kilobyte, an EndpointSlice's of
    /// 100 endpoints 24 kB, and a Service's hundred slices made one task, parsed on one core.
    static func parseGrain(_ keys: [Table.Key], of table: Table) -> Int {
        let sample = keys.prefix(64)
        let bytes = sample.reduce(0) { $0 + table.storedBytes($1) }
        guard bytes > 0 else { return 256 }
        return max(1, min(256, 64 * 1024 * sample.count / bytes))
    }

    /// What `get` prints for every object of `type`, without parsing the objects, in the API
    /// server's order (by namespace, then name, byte by byte).
    public func listingRows(_ type: ResourceType, namespace: String? = nil) throws(StoreError) -> [ListingRow] {
        ListingRun.merged(try listingRuns(type, namespace: namespace))
    }

    /// The rows of `listingRows` as runs, each in the API server's order: one per shard, read
    /// on every core as the shards' rows files hold them (the printer formats them from there
    /// and merges them as it prints, `TablePrinter.write`). The first damaged shard, in the
    /// manifest's order, is the error.
    public func listingRuns(_ type: ResourceType, namespace: String? = nil) throws(StoreError) -> [ListingRun] {
        let runs = try storedListingRuns(type, namespace: namespace)
        // Rows written by a version whose printer had other columns for this kind (a kind
        // that gained kubectl's columns): made again from the objects.
        let columns = TablePrinter.columns(for: type, wide: true).count
        guard runs.contains(where: { $0.count > 0 && $0.row(0).cells.count != columns }) else { return runs }
        return [ListingRun(rows: try list(type, namespace: namespace).map(ListingRow.init))]
    }

    private func storedListingRuns(_ type: ResourceType, namespace: String?) throws(StoreError) -> [ListingRun] {
        let scope = type.namespaced ? namespace : nil
        if let table = tables[type.storageKey], !table.hasLoadedShards {
            let paths = table.files.filter { !$0.isEmpty }.map { "\(directory)/objects/\($0).rows" }
            for path in paths where !FileIO.exists(path) {
                throw .damaged(file: "\(directory)/\(Self.manifestName)", reason: "it names \(path), which is missing")
            }
            let outcomes = Parallel.map(paths.count) { i -> Result<ListingRun, StoreError> in
                do throws(StoreError) {
                    return .success(try ListingRun.reading(file: paths[i], namespace: scope))
                } catch { return .failure(error) }
            }
            var runs: [ListingRun] = []
            runs.reserveCapacity(outcomes.count)
            for outcome in outcomes { runs.append(try outcome.get()) }
            return runs
        }
        let table = try loadedTable(type.storageKey)
        return [ListingRun(rows: ListingRow.inKeyOrder(table.sortedKeys(namespace: scope).compactMap { table.listingRow($0) }))]
    }

    public func count(_ type: ResourceType) throws(StoreError) -> Int {
        tables[type.storageKey]?.count ?? 0
    }

    public func get(_ key: ObjectKey) throws(StoreError) -> Resource? {
        let tableKey = Table.Key(namespace: key.namespace, name: key.name)
        try loadShard(key.type, holding: tableKey)
        return try withFullPaths { () throws(StoreError) in try tables[key.type, default: Table()].resource(tableKey) }
    }

    /// The object under `key` as it is stored (`Table.stored`): a compact pod's or event's
    /// line read, anything else parsed. Nil when there is none.
    func storedForm(_ key: ObjectKey) throws(StoreError) -> CompactPod.Stored? {
        let tableKey = Table.Key(namespace: key.namespace, name: key.name)
        try loadShard(key.type, holding: tableKey)
        return try withFullPaths { () throws(StoreError) in try tables[key.type, default: Table()].stored(tableKey) }
    }

    /// Stores a new object: uid, creationTimestamp, generation 1 and a resourceVersion.
    @discardableResult
    public func create(_ resource: Resource) throws(StoreError) -> Resource {
        var resource = resource
        var meta = resource.metadata
        meta["uid"] = .string(random.uuid())
        meta["creationTimestamp"] = .string(clock.description)
        if resource.type.hasStatus { meta["generation"] = .int(1) }
        resource.metadata = meta
        // A DaemonSet's template generation starts at 1 (daemonset strategy, PrepareForCreate).
        if resource.kind == "DaemonSet" && resource.type.group == "apps" { resource.setAnnotation(DaemonSet.templateGenerationAnnotation, "1") }
        try write(&resource)
        return resource
    }

    /// Replaces an object, keeping what the server owns (uid, creationTimestamp) and bumping
    /// `generation` when the spec changed (for Deployments also when annotations did, as
    /// `pkg/registry/apps/deployment/strategy.go` does).
    @discardableResult
    public func update(_ resource: Resource, previous: Resource) throws(StoreError) -> Resource {
        var resource = updated(resource, previous: previous)
        try write(&resource)
        return resource
    }

    /// What `update` would store, without storing it (a server-side dry run), but for the
    /// resourceVersion, which stays the live one.
    public func updated(_ resource: Resource, previous: Resource) -> Resource {
        var resource = resource
        var meta = resource.metadata
        for key in ["uid", "creationTimestamp"] { meta[key] = previous.metadata[key] }
        var generation = previous.generation
        if resource.type.hasStatus {
            let specChanged = resource.object["spec"] != previous.object["spec"]
            let annotationsChanged = resource.kind == "Deployment" && resource.metadata["annotations"] != previous.metadata["annotations"]
            if specChanged || annotationsChanged { generation = generation.addingSaturating(1) }
            meta["generation"] = .int(max(generation, 1))
        }
        meta["resourceVersion"] = previous.metadata["resourceVersion"]
        resource.metadata = meta
        // PrepareForUpdate (daemonset strategy): a changed template counts one more generation.
        if resource.kind == "DaemonSet" && resource.type.group == "apps" {
            let previousGeneration = DaemonSet.templateGeneration(previous)
            let changed = resource.object["spec"]?["template"] != previous.object["spec"]?["template"]
            resource.setAnnotation(DaemonSet.templateGenerationAnnotation, String(changed ? previousGeneration + 1 : previousGeneration))
        }
        return resource
    }

    /// Stores an object as given (the controllers' objects carry their own uid and times),
    /// with a new resourceVersion; generation is left as it is, as status writes leave it.
    public func put(_ resource: Resource, creating: Bool) throws(StoreError) {
        var resource = resource
        try write(&resource)
    }

    /// A status (or controller-annotation) write: no generation change.
    public func writeStatus(_ resource: Resource) throws(StoreError) {
        try put(resource, creating: false)
    }

    private func write(_ resource: inout Resource) throws(StoreError) {
        precondition(writable, "a read-only store was asked to write")
        resourceVersion += 1
        Self.stamp(&resource, resourceVersion: resourceVersion)
        try store(resource)
    }

    private static func stamp(_ resource: inout Resource, resourceVersion: Int) {
        var meta = resource.metadata
        meta["resourceVersion"] = .string(String(resourceVersion))
        resource.metadata = meta
    }

    /// An object written as `put` writes it, made ahead on any core: the controllers' many
    /// objects are stamped and serialized where they were made, and their parsed form freed
    /// there. `resourceVersion`: the one `put` would give it, the store's next at that write.
    public struct Prepared: @unchecked Sendable {
        let key: ObjectKey
        /// Its key in its type's table, made with it (on the core that prepared it).
        let tableKey: Table.Key
        let resourceVersion: Int
        let apiVersion: String, kind: String
        let entry: Table.Entry

        enum Compact {
            /// A pod of this template (`CompactPod`).
            case pod(PodTemplateBlob)
            /// An event the simulation recorded (`CompactEvent`).
            case event
        }

        /// `compact`: stored in compact form; its listing row is made from the full object all
        /// the same.
        init(_ resource: Resource, resourceVersion: Int, compact: Compact? = nil) throws(StoreError) {
            var resource = resource
            StateStore.stamp(&resource, resourceVersion: resourceVersion)
            key = resource.key
            tableKey = Table.Key(namespace: key.namespace, name: key.name)
            self.resourceVersion = resourceVersion
            apiVersion = resource.apiVersion
            kind = resource.kind
            let line: [UInt8], template: PodTemplateBlob?
            switch compact {
            case nil:
                entry = try Table.entry(serializing: resource)
                return
            case .pod(let blob):
                line = CompactPod.line(StoredPod(resource), template: blob)
                template = blob
            case .event:
                line = try CompactEvent.line(resource)
                template = nil
            }
            #if DEBUG
            // The compact line must stand for exactly the object it replaces.
            Self.checkCompact(line, template: template, stands: resource)
            #endif
            entry = try Table.entry(serializing: resource, compact: (line, template))
        }

        /// A core object written compact without it (`SimPod.stored`, `SimEvent.writtenForm`)
        /// and its listing row.
        init(key: ObjectKey, kind: String, resourceVersion: Int, compact line: [UInt8], row: ListingRow, template: PodTemplateBlob?) {
            self.key = key
            tableKey = Table.Key(namespace: key.namespace, name: key.name)
            self.resourceVersion = resourceVersion
            apiVersion = "v1"
            self.kind = kind
            entry = Table.entry(row: row, compact: (line, template))
        }

        #if DEBUG
        /// Whether `other` stores the same thing under the same key.
        func writesTheSame(as other: Prepared) -> Bool {
            key == other.key && resourceVersion == other.resourceVersion && apiVersion == other.apiVersion && kind == other.kind
                && entry.labels.elementsEqual(other.entry.labels) && entry.cells.elementsEqual(other.entry.cells)
                && entry.json.elementsEqual(other.entry.json) && entry.template?.id == other.entry.template?.id
                && entry.resource == nil && other.entry.resource == nil
        }

        private static func checkCompact(_ line: [UInt8], template: PodTemplateBlob?, stands resource: Resource) {
            let key = resource.key
            var full: [UInt8] = [], back: [UInt8] = []
            guard let split = CompactPod.split(line[...]), case .object(let object)? = try? JSONReader.parse(split.json),
                  case .success(let expanded) = CompactPod.Line(object: object, template: template, namespace: key.namespace, name: key.name).expanded(),
                  (try? JSONWriter.write(resource.value, style: .compact, into: &full)) != nil,
                  (try? JSONWriter.write(expanded.value, style: .compact, into: &back)) != nil, full == back else {
                var expandedText: [UInt8] = []
                if let split = CompactPod.split(line[...]), case .object(let object)? = try? JSONReader.parse(split.json),
                   case .success(let expanded) = CompactPod.Line(object: object, template: template, namespace: key.namespace, name: key.name).expanded() {
                    try? JSONWriter.write(expanded.value, style: .compact, into: &expandedText)
                }
                try? JSONWriter.write(resource.value, style: .compact, into: &full)
                preconditionFailure("compact pod \(key.namespace)/\(key.name) does not stand for its object:\n\(String(decoding: full, as: UTF8.self))\n\(String(decoding: expandedText, as: UTF8.self))")
            }
        }
        #endif
    }

    /// The resourceVersion the next write gets.
    public var nextResourceVersion: Int { resourceVersion + 1 }

    /// Stores an object made ahead, exactly as `put` would have stored it then.
    public func put(_ prepared: Prepared) throws(StoreError) {
        precondition(writable, "a read-only store was asked to write")
        precondition(prepared.resourceVersion == resourceVersion + 1, "an object was prepared for resourceVersion \(prepared.resourceVersion), the store is at \(resourceVersion)")
        resourceVersion = prepared.resourceVersion
        try store(prepared.key, apiVersion: prepared.apiVersion, kind: prepared.kind) { $0.set(prepared.entry, key: $1, shard: $2) }
    }

    /// Stores objects made ahead, in order, exactly as `put(_:)` one after the other would
    /// (their resourceVersions follow on from the store's). A served store (`journal`) puts them
    /// one by one, for its watches to see each come; otherwise a run of one type goes into its
    /// table at once (`Table.set(count:key:entry:template:read:)`): at Kubernetes' limits a rollout's save stores some
    /// 900,000 pods and events, and one by one each found its table, its shard and its
    /// shard's dictionary by hashing. Should a shard fail to load, the error is the one the
    /// first object stored in it would have met (no command saves after a failed write).
    public func put(contentsOf prepared: [Prepared]) throws(StoreError) {
        if journal != nil {
            for one in prepared { try put(one) }
            return
        }
        precondition(writable, "a read-only store was asked to write")
        for (k, one) in prepared.enumerated() {
            precondition(one.resourceVersion == resourceVersion + 1 + k, "an object was prepared for resourceVersion \(one.resourceVersion), the store is at \(resourceVersion + k)")
        }
        var start = prepared.startIndex
        while start < prepared.endIndex {
            let type = prepared[start].key.type
            var end = start + 1
            while end < prepared.endIndex && prepared[end].key.type == type { end += 1 }
            let first = start
            try withFullPaths { () throws(StoreError) in
                try { (table: inout Table) throws(StoreError) in
                    try table.set(count: end - first, key: { [prepared] in prepared[first + $0].tableKey }, entry: { [prepared] in prepared[first + $0].entry },
                                  template: { prepared[first + $0].entry.template }, read: readShard)
                }(&tables[type, default: Table()])
            }
            if typeNames[type] == nil { typeNames[type] = (prepared[start].apiVersion, prepared[start].kind) }
            dirty.insert(type)
            resourceVersion = prepared[end - 1].resourceVersion
            start = end
        }
    }

    /// Puts an object, its resourceVersion set, into its type's table.
    private func store(_ resource: Resource) throws(StoreError) {
        try store(resource.key, apiVersion: resource.apiVersion, kind: resource.kind) { $0.set(resource, key: $1, shard: $2) }
    }

    private func store(_ key: ObjectKey, apiVersion: String, kind: String, _ set: (inout Table, Table.Key, Int) -> Void) throws(StoreError) {
        let tableKey = Table.Key(namespace: key.namespace, name: key.name)
        let journal = journal
        var existed = false
        try changeShard(key.type, holding: tableKey) { table, shard in
            existed = journal != nil && table.contains(tableKey)
            set(&table, tableKey, shard)
        }
        if let journal, let entry = tables[key.type]?.entryIfLoaded(tableKey) {
            // A compact pod is written to the journal in full: watchers read Pod objects.
            let payload: ChangeJournal.Payload
            if let resource = entry.resource {
                payload = .resource(resource)
            } else if entry.json.first == CompactPod.mark {
                payload = .resource(try Table.object(of: entry, key: tableKey, file: "\(directory)/objects (\(key.type))"))
            } else {
                payload = .line(Array(entry.json))
            }
            journal.append(ChangeJournal.Change(resourceVersion: resourceVersion, kind: existed ? .modified : .added, type: key.type,
                                                namespace: key.namespace, name: key.name, payload: payload))
        }
        if typeNames[key.type] == nil { typeNames[key.type] = (apiVersion, kind) }
        dirty.insert(key.type)
    }

    /// Stores an object exactly as a live API server returned it (`cluster import`), its
    /// resourceVersion included; the store's own counter moves past every numeric one it is
    /// given, so that later writes read as newer, as etcd's revisions would.
    func insertAsServed(_ resource: Resource) throws(StoreError) {
        precondition(writable, "a read-only store was asked to write")
        var resource = resource
        if let served = Int(resource.resourceVersion), StateLimits.counter.contains(served) {
            resourceVersion = max(resourceVersion, served)
        } else {
            resourceVersion += 1
            resource.metadata["resourceVersion"] = .string(String(resourceVersion))
        }
        try store(resource)
    }

    public func delete(_ key: ObjectKey) throws(StoreError) {
        let tableKey = Table.Key(namespace: key.namespace, name: key.name)
        // A served store tells its watches what went, as it was. (A deletion takes no
        // resourceVersion: the controllers number their writes ahead, `Prepared`.)
        if let journal, let gone = try get(key) {
            journal.append(ChangeJournal.Change(resourceVersion: resourceVersion, kind: .deleted, type: key.type, namespace: key.namespace,
                                                name: key.name, payload: .resource(gone)))
        }
        try changeShard(key.type, holding: tableKey) { $0.remove(tableKey, shard: $1) }
        dirty.insert(key.type)
    }

    /// Removes the objects under `keys`, as `delete(_:)` removes each (one not stored is
    /// passed over), a table's shard at a time (`Table.remove(_:read:)`): a rollout's save
    /// removes its replaced pods and their events, 300,000 objects at 100,000 replicas. A
    /// served store removes them one by one, in this order, for its watches to see each go.
    public func delete(_ keys: [ObjectKey]) throws(StoreError) {
        if journal != nil {
            for key in keys { try delete(key) }
            return
        }
        var types: [String] = []
        var byType: [String: [Table.Key]] = [:]
        for key in keys {
            if byType[key.type] == nil { types.append(key.type) }
            byType[key.type, default: []].append(Table.Key(namespace: key.namespace, name: key.name))
        }
        for type in types {
            guard let tableKeys = byType[type] else { continue }
            try delete(type: type, tableKeys)
        }
    }

    /// Removes the objects of one type (its storage key) under `keys`, as `delete(_:)` with
    /// their object keys would: the save has its pods' and events' table keys at hand (a
    /// stored event's read with it, `StoredEvents.Ref`), not made again from the names.
    func delete(type: String, _ keys: [Table.Key]) throws(StoreError) {
        guard !keys.isEmpty else { return }
        if journal != nil {
            for key in keys { try delete(ObjectKey(type: type, namespace: key.namespace, name: key.name)) }
            return
        }
        try withFullPaths { () throws(StoreError) in
            try { (table: inout Table) throws(StoreError) in try table.remove(keys, read: readShard) }(&tables[type, default: Table()])
        }
        dirty.insert(type)
    }

    /// Removes every object and counter: `cluster init`.
    public func eraseAll() {
        // Fresh tables, not emptied ones: a damaged shard is never read again to be erased.
        for type in Array(tables.keys) {
            tables[type] = Table()
            dirty.insert(type)
        }
        counters = [:]
        allocated = nil
        clock = .clusterEpoch
        random = SeededRandom(seed: 0x5EED)
    }

    /// The next value of a named counter (cluster IPs, node ports), starting at 1.
    func nextCounter(_ name: String) -> Int {
        let next = (counters[name] ?? 0) + 1
        counters[name] = next
        return next
    }

    /// Writes changed tables under new names, then the manifest; then removes the store's own
    /// files the new manifest no longer names (never any other file). Readers are kept out for
    /// the moments this takes. Nothing to do when nothing changed.
    /// A file the commit cannot write (a full disk, a file-size limit) fails it before the
    /// manifest names anything new: the error says so, and the state on the disk is the one the
    /// last commit left (what this one wrote is removed by the next).
    public func commit() throws(StoreError) {
        _ = try commit(waitingForReaders: true)
    }

    /// A commit that does not wait while another process reads the state (a `rollout get`
    /// whose output a pager holds keeps its shared lock until it is read): false, with nothing
    /// written and every change kept for the next commit, when one does. `rollout serve`'s ticks
    /// commit so, so that no request waits behind a reader (a write still waits for its own).
    public func commitUnlessRead() throws(StoreError) -> Bool {
        try commit(waitingForReaders: false)
    }

    private func commit(waitingForReaders wait: Bool) throws(StoreError) -> Bool {
        precondition(writable, "a read-only store was asked to commit")
        do throws(StoreError) {
            return try writeChanges(waitingForReaders: wait)
        } catch {
            guard case .io(let path, let reason) = error else { throw error }
            throw .io(path: path, reason: reason + "; " + Self.notStored)
        }
    }

    /// What a commit that failed to write adds to its error.
    static let notStored = "nothing was stored: the state is as it was before this change"

    private func writeChanges(waitingForReaders wait: Bool) throws(StoreError) -> Bool {
        let manifestPath = "\(directory)/\(Self.manifestName)"
        if dirty.isEmpty && !manifestChanged && FileIO.exists(manifestPath) { return true }
        var beingRead = false
        let readers: StateLock
        do throws(StoreError) {
            readers = try StateLock(path: "\(directory)/\(Self.commitLockName)", exclusive: true, whenBusy: { () throws(StoreError) in
                guard !wait else { return }
                beingRead = true
                throw .conflict("the state is being read")
            })
        } catch {
            if beingRead { return false }
            throw error
        }
        defer { readers.release() }
        commitNumber += 1
        // Every changed shard of every type is written at once, each on its own core: shards
        // are independent files under new names, and which file names what is settled here,
        // in order, before any is written.
        var jobs: [(type: String, ordinal: Int, shard: Int)] = []
        for (ordinal, type) in dirty.sorted().enumerated() where tables[type] != nil {
            try withFullPaths { () throws(StoreError) in try tables[type, default: Table()].reshardIfNeeded(read: readShard) }
            for index in (tables[type]?.dirtyShards ?? []).sorted() { jobs.append((type, ordinal, index)) }
        }
        let snapshot = tables, directory = directory, commit = commitNumber, planned = jobs
        let read = ReadOnly(readShard)
        // The dearest shards first, each a task of its own: written in the order they were
        // planned, in eight runs of neighbours, the EndpointSlices' shards (whole objects to
        // write as JSON, the last type in that order) were one run, written on one core while
        // the others waited (0.35 s of a 100,000-replica save).
        let costs = planned.map { snapshot[$0.type]?.writeCost(shard: $0.shard) ?? 0 }
        let order = planned.indices.sorted { costs[$0] != costs[$1] ? costs[$0] > costs[$1] : $0 < $1 }
        let written = Parallel.map(planned.count, startingWith: order) { i -> Result<String, StoreError> in
            let job = planned[i]
            do throws(StoreError) {
                let (objects, rows) = try (snapshot[job.type] ?? Table()).serialized(shard: job.shard, read: read.value)
                if objects.isEmpty { return .success("") }
                // New names: the files the current manifest names are never touched.
                let base = StorageNames.shardBase(type: job.type, commit: commit, ordinal: job.ordinal, shard: job.shard)
                try FileIO.writeUnnamed(objects, to: "\(directory)/objects/\(base).objects")
                try FileIO.writeUnnamed(rows, to: "\(directory)/objects/\(base).rows")
                return .success(base)
            } catch {
                return .failure(error)
            }
        }
        // Every file on the disk before the manifest names it: their fsyncs on more threads
        // than cores (`syncThreads`), which wait on the disk together.
        let files = ReadOnly(written.flatMap { result -> [String] in
            guard case .success(let base) = result, !base.isEmpty else { return [] }
            return ["\(directory)/objects/\(base).objects", "\(directory)/objects/\(base).rows"]
        })
        let synced = Parallel.waiting(files.value.count, threads: Self.syncThreads) { i -> StoreError? in
            do throws(StoreError) { try FileIO.sync(files.value[i]) } catch { return error }
            return nil
        }
        if let failed = synced.lazy.compactMap({ $0 }).first { throw failed }
        for (job, result) in zip(jobs, written) { tables[job.type]?.files[job.shard] = try withFullPaths { () throws(StoreError) in try result.get() } }
        // The pod templates of compact pods (CompactPod), one file per table, under a new name
        // when they changed (a shard number no shard has).
        for (ordinal, type) in dirty.sorted().enumerated() {
            tables[type]?.collectTemplates()
            guard let table = tables[type], table.templatesChanged else { continue }
            let lines = table.serializedTemplates()
            var base = ""
            if !lines.isEmpty {
                base = StorageNames.shardBase(type: type, commit: commit, ordinal: ordinal, shard: Table.maxShards)
                try FileIO.writeAtomically(lines, to: "\(directory)/objects/\(base).templates", syncDirectory: false)
            }
            tables[type]?.templatesWritten(to: base)
        }
        for type in dirty { tables[type]?.markClean() }
        FileIO.syncFolder("\(directory)/objects")
        try FileIO.writeAtomically(manifestBytes(), to: manifestPath)
        dirty = []
        manifestChanged = false
        // Old shards are unreferenced now; so are leftovers of writers killed mid-commit.
        let referenced = Set(tables.values.flatMap(\.files).flatMap { ["\($0).objects", "\($0).rows"] }
                             + tables.values.map { "\($0.templatesFile).templates" })
        // (Removed on more threads than cores, `removeThreads`: a file's blocks are freed after
        // its directory's lock is let go, so removals overlap — 2,000 files after a roll of
        // 150,000 pods.)
        let unreferenced = ReadOnly(FileIO.list("\(directory)/objects").filter { !referenced.contains($0) && StorageNames.isStoreFile($0) })
        _ = Parallel.waiting(unreferenced.value.count, threads: Self.removeThreads) { FileIO.remove("\(directory)/objects/\(unreferenced.value[$0])") }
        for name in FileIO.list(directory) where name.hasPrefix(".tmp-") {
            FileIO.remove("\(directory)/\(name)")
        }
        return true
    }

    private func manifestBytes() -> [UInt8] {
        var tableObject = Object()
        for type in tables.keys.sorted() {
            guard let table = tables[type], table.count > 0, let names = typeNames[type] else { continue }
            var entry = Object([
                "apiVersion": .string(names.apiVersion), "kind": .string(names.kind), "count": .int(table.count),
                "shards": .array(table.files.map(Value.string)),
            ])
            if !table.templatesFile.isEmpty { entry["templates"] = .string(table.templatesFile) }
            tableObject[type] = .object(entry)
        }
        // Keys are unique: the members are made at once, not looked up one by one.
        let counterObject = Object(counters.sorted { $0.key < $1.key }.map { Object.Member(key: $0.key, value: .int($0.value)) })
        let manifest = Object([
            "apiVersion": .string(Self.formatVersion),
            "kind": .string("ClusterState"),
            "commit": .int(commitNumber),
            "clock": .int(clock.milliseconds),
            "resourceVersion": .int(resourceVersion),
            "random": .string(String(random.state)),
            "counters": .object(counterObject),
            "tables": .object(tableObject),
        ])
        var out: [UInt8] = []
        try? JSONWriter.write(.object(manifest), style: .pretty, into: &out)
        out.append(0x0A)
        return out
    }
}

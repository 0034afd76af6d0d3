/// All stored objects of one type, split over shards by a hash of namespace and name so that
/// changing one object rewrites one shard, not the whole table. A shard is two files with one
/// line per object, in the same order: `<base>.objects` (`namespace TAB name TAB JSON`) and
/// `<base>.rows` (`namespace TAB name TAB labels TAB listing cells`). Listing a table for `get`
/// reads only the small rows files; objects are parsed only when asked for. A compact pod or
/// event (`CompactPod`, `CompactEvent`) has `U+0001 id TAB fields` in place of its JSON; the
/// pod templates ids name are in one `<base>.templates` file per table (`TAB id TAB JSON`).
#if canImport(Glibc)
import Glibc
#endif

struct Table {
    struct Key: Hashable, Comparable {
        let namespace: String
        let name: String
        /// FNV-1a (32 bits) of namespace, `/` and name: the shard is this modulo the shard
        /// count (`shard(of:count:)`). Made once with the key, it is what an ASCII key hashes
        /// and what equality looks at first: a shard's dictionary, looked up, grown and
        /// shifted by deletions, does not hash the two strings again (at 10,000 pods that
        /// was ~2 % of a roll's instructions).
        let fnv: UInt32
        /// Both strings are ASCII, as every Kubernetes name is: such a key equals exactly the
        /// keys of the same bytes. Any other key hashes and compares as its Strings do (Swift's
        /// `==` is canonical equivalence: "é" as one scalar or as two is one key), never by
        /// `fnv`, which differs between them — and never equals an ASCII key: the three
        /// characters canonically equivalent to an ASCII one (U+212A KELVIN SIGN to "K",
        /// U+037E to ";", U+1FEF to "`") make keys of their own, as the API server, which
        /// compares bytes, keeps them.
        let ascii: Bool

        init(namespace: String, name: String) {
            self.namespace = namespace
            self.name = name
            let (first, namespaceBits) = namespace.withUTF8Bytes { Self.fold($0, into: 2_166_136_261) }
            let (hash, nameBits) = name.withUTF8Bytes { Self.fold($0, into: (first ^ 0x2F) &* 16_777_619) }
            fnv = hash
            ascii = (namespaceBits | nameBits) < 0x80
        }

        /// FNV-1a of `bytes` from `hash`, and every byte or-ed together (its top bit set when
        /// some byte is outside ASCII).
        @inline(__always)
        private static func fold(_ bytes: UnsafeBufferPointer<UInt8>, into hash: UInt32) -> (UInt32, UInt8) {
            var hash = hash
            var bits: UInt8 = 0
            for byte in bytes {
                hash = (hash ^ UInt32(byte)) &* 16_777_619
                bits |= byte
            }
            return (hash, bits)
        }

        static func == (a: Key, b: Key) -> Bool {
            guard a.ascii == b.ascii else { return false }
            if a.ascii && a.fnv != b.fnv { return false }
            return a.name == b.name && a.namespace == b.namespace
        }

        func hash(into hasher: inout Hasher) { hasher.combine(_rawHashValue(seed: 0)) }

        /// An ASCII key's `fnv` mixed with the seed (`KeyHash.mum`); any other key hashes as its
        /// Strings do.
        func _rawHashValue(seed: Int) -> Int {
            if ascii { return KeyHash.mixed(UInt64(fnv), seed: seed) }
            var hasher = Hasher()
            hasher.combine(namespace)
            hasher.combine(name)
            return KeyHash.mixed(UInt64(bitPattern: Int64(hasher.finalize())), seed: seed)
        }

        /// By namespace, then name, as Strings order them; of two keys whose Strings are equal
        /// and that are not (`==`), the ASCII one first.
        static func < (a: Key, b: Key) -> Bool {
            if a.ascii && b.ascii { return (a.namespace, a.name) < (b.namespace, b.name) }
            if a.namespace != b.namespace { return a.namespace < b.namespace }
            if a.name != b.name { return a.name < b.name }
            return a.ascii && !b.ascii
        }
    }

    struct Entry {
        var labels: ArraySlice<UInt8> = []
        var cells: ArraySlice<UInt8> = []
        var json: ArraySlice<UInt8> = []
        var resource: Resource?
        /// The template of a pod stored in compact form (`CompactPod`): the table's templates
        /// file holds it once for all the pods that name it.
        var template: PodTemplateBlob?
        /// Its lines were let go once the controllers had read it (`releaseLines`); they are
        /// read again from the shard's files whenever they are needed.
        var released = false
    }

    /// Objects per shard before the table splits further.
    static let objectsPerShard = 512
    static let maxShards = 1024

    private(set) var shardCount: Int
    /// The file of each shard ("" for an empty shard), as the manifest names them.
    var files: [String]
    private(set) var count: Int
    private var shards: [Int: [Key: Entry]] = [:]
    private(set) var dirtyShards: Set<Int> = []
    /// Loaded shards some of whose entries' lines were let go.
    private var releasedShards: Set<Int> = []
    /// The file (base name, "" for none) of the pod templates its compact entries name
    /// (CompactPod): one line each, `TAB id TAB json`, whichever shards hold their pods.
    var templatesFile: String
    /// Those templates, once read (nil: not yet); with the ones its new entries brought.
    private var templates: StringMap<PodTemplateBlob>?
    /// Whether `templates` differs from what `templatesFile` holds.
    private(set) var templatesChanged = false

    init(shardCount: Int = 1, files: [String] = [""], count: Int = 0, templatesFile: String = "") {
        self.shardCount = max(1, shardCount)
        self.files = files.count == max(1, shardCount) ? files : Array(repeating: "", count: max(1, shardCount))
        self.count = count
        self.templatesFile = templatesFile
    }

    /// Reads the templates file, once. A file that is missing or cannot be split into lines
    /// damages the pods that name its templates, each of which can still be force-deleted.
    private mutating func loadTemplates(read: (String) throws(StoreError) -> [UInt8]) throws(StoreError) {
        guard templates == nil else { return }
        do {
            templates = try Self.templates(of: templatesFile, read: read)
        } catch {
            // Kept under the id no template has, for the pods naming one to say why.
            templates = ["": PodTemplateBlob(missing: "", because: "\(error)")]
        }
    }

    private static func templates(of base: String, read: (String) throws(StoreError) -> [UInt8]) throws(StoreError) -> StringMap<PodTemplateBlob> {
        guard !base.isEmpty else { return [:] }
        var result: StringMap<PodTemplateBlob> = [:]
        // A damaged template damages the pods that name it, not the file: they can be
        // force-deleted by name.
        let bytes = try read(base + ".templates")
        for (key, entry) in keyed(bytes, try lines(bytes, file: base + ".templates", fields: 1), fields: 1, templates: [:]) {
            result[key.name] = PodTemplateBlob(id: key.name, json: entry.json)
        }
        return result
    }

    /// The templates file's lines: every template an entry names, by id.
    func serializedTemplates() -> [UInt8] {
        var out: [UInt8] = []
        for (id, template) in (templates ?? [:]).sorted(by: { $0.key < $1.key }) where template.damage == nil {
            out.append(0x09)
            out.appendUTF8(id)
            out.append(0x09)
            out.append(contentsOf: template.json)
            out.append(0x0A)
        }
        return out
    }

    /// Before writing: when every shard is in memory, the templates no entry names are
    /// dropped (a table read in part keeps them all: an unread shard may name any).
    mutating func collectTemplates() {
        guard let known = templates, !known.isEmpty, shards.count == shardCount else { return }
        // (An entry read and kept parsed still names its template: its shard's file holds
        // its compact line until the shard is written again.)
        var named: Set<String> = []
        for shard in shards.values {
            for entry in shard.values {
                if let id = entry.template?.id { named.insert(id) }
            }
        }
        let kept = known.filter { named.contains($0.key) && $0.value.damage == nil }
        if kept.count != known.count {
            templates = kept
            templatesChanged = true
        }
    }

    mutating func templatesWritten(to base: String) {
        templatesFile = base
        templatesChanged = false
    }

    static func shard(of key: Key, count: Int) -> Int {
        guard count > 1 else { return 0 }
        return Int(key.fnv % UInt32(count))
    }

    /// Makes sure a shard is in memory; `read` loads a file's bytes.
    /// `restoring`: also reads back the lines of its released entries.
    mutating func load(shard index: Int, read: (String) throws(StoreError) -> [UInt8], restoring: Bool = true) throws(StoreError) {
        try loadTemplates(read: read)
        guard shards[index] == nil else {
            if restoring && releasedShards.contains(index) { try restore(shard: index, read: read) }
            return
        }
        shards[index] = try Self.entries(of: files[index], read: read, templates: templates ?? [:])
    }

    /// Lets go of the lines of every loaded entry that is not changed (the file bytes they
    /// lie in): the controllers keep their own form of pods and events, and the lines are
    /// needed again only to write a shard some other entry of which changed (or to read the
    /// object again), when they are read back from the shard's files.
    mutating func releaseLines() {
        for index in Array(shards.keys) where !files[index].isEmpty {
            // Taken out, so that it is changed in place rather than copied.
            guard var entries = shards.removeValue(forKey: index) else { continue }
            var released = false
            // (Walked by index: a collection of its indices would hold the storage, and the
            // first change would copy it.)
            var i = entries.values.startIndex
            while i != entries.values.endIndex {
                defer { entries.values.formIndex(after: &i) }
                if entries.values[i].released { continue }
                // A parsed object is what is written and listed; its lines are not needed.
                if entries.values[i].resource == nil {
                    entries.values[i].released = true
                    released = true
                }
                entries.values[i].json = []
                entries.values[i].labels = []
                entries.values[i].cells = []
            }
            shards[index] = entries
            if released { releasedShards.insert(index) }
        }
    }

    /// Reads the lines of a shard's released entries back from its files.
    private mutating func restore(shard index: Int, read: (String) throws(StoreError) -> [UInt8]) throws(StoreError) {
        guard var entries = shards[index] else { return }
        try Self.restoreLines(&entries, from: files[index], read: read, templates: templates ?? [:])
        shards[index] = entries
        releasedShards.remove(index)
    }

    private static func restoreLines(_ entries: inout [Key: Entry], from base: String, read: (String) throws(StoreError) -> [UInt8],
                                     templates: StringMap<PodTemplateBlob>) throws(StoreError) {
        // Released entries deleted or written again since leave none to read back: the files
        // are not read and split for nothing (a roll replaces every pod of a shard).
        guard entries.values.contains(where: \.released) else { return }
        try restoreLines(&entries, from: Self.entries(of: base, read: read, templates: templates), file: base)
    }

    /// The released entries given their lines from `lines`, what the shard's files (`base`)
    /// hold.
    private static func restoreLines(_ entries: inout [Key: Entry], from lines: [Key: Entry], file base: String) throws(StoreError) {
        // (Walked by index and changed in place: a loop over the entries would hold their
        // storage, and the first change would copy the whole shard.)
        var i = entries.values.startIndex
        while i != entries.values.endIndex {
            defer { entries.values.formIndex(after: &i) }
            guard entries.values[i].released else { continue }
            let key = entries.keys[i]
            guard let line = lines[key] else {
                throw .damaged(file: base + ".objects", reason: "it no longer holds \(key.namespace.isEmpty ? "" : key.namespace + "/")\(key.name), which it held when it was read")
            }
            entries.values[i] = line
        }
    }

    /// Loads every shard not yet in memory, reading and splitting their files on every core;
    /// the first damaged shard, in order, is the error.
    mutating func loadAll(read: @escaping (String) throws(StoreError) -> [UInt8]) throws(StoreError) {
        try loadTemplates(read: read)
        // The lines of released entries are read back from their shards' files on every core
        // (a table made again in more or fewer shards, at 150,000 pods, reads a thousand
        // shards back): each shard's entries handed to a task, which reads the files, sets the
        // lines and lets go of the rest of what it read there; then set back in order, the
        // first damaged shard the error.
        let released = releasedShards.sorted().filter { shards[$0] != nil }
        for index in releasedShards where shards[index] == nil { releasedShards.remove(index) }
        let inputs = ReadOnly((files: files, read: read, templates: templates ?? [:]))
        let restored = Parallel.map(handing: released.count, take: { shards.removeValue(forKey: released[$0]) ?? [:] }) { i, entries -> (entries: [Key: Entry], failure: StoreError?) in
            do throws(StoreError) {
                try Self.restoreLines(&entries, from: inputs.value.files[released[i]], read: inputs.value.read, templates: inputs.value.templates)
                return (entries, nil)
            } catch { return (entries, error) }
        }
        var failure: StoreError?
        for (index, outcome) in zip(released, restored) {
            shards[index] = outcome.entries
            if let error = outcome.failure { failure = failure ?? error } else { releasedShards.remove(index) }
        }
        if let failure { throw failure }
        let missing = (0..<shardCount).filter { shards[$0] == nil }
        for (index, outcome) in zip(missing, readShards(missing, read: read) { _, _ in }) { shards[index] = try outcome.get().entries }
        recount()
    }

    /// The entries of these shards as their files hold them (`entries(of:)`), each then given
    /// to `then` on the same core: read on every core (`read` only reads files,
    /// `StateStore.readShard`; nothing changes while the tasks run), in the order given.
    private func readShards<T>(_ indices: [Int], read: @escaping (String) throws(StoreError) -> [UInt8],
                               then: @escaping @Sendable (Int, inout [Key: Entry]) -> T) -> [Result<(entries: [Key: Entry], made: T), StoreError>] {
        let inputs = ReadOnly((files: files, indices: indices, read: read, templates: templates ?? [:], then: then))
        return Parallel.map(indices.count) { i -> Result<(entries: [Key: Entry], made: T), StoreError> in
            do throws(StoreError) {
                let index = inputs.value.indices[i]
                var entries = try Self.entries(of: inputs.value.files[index], read: inputs.value.read, templates: inputs.value.templates)
                let made = inputs.value.then(index, &entries)
                return .success((entries, made))
            } catch { return .failure(error) }
        }
    }

    /// With every shard loaded, the objects are counted: the manifest's count is only its word
    /// (a state edited by hand can say 0 of a table that holds objects, which the next commit
    /// would then leave out, or 2^31, which a reservation would trust).
    private mutating func recount() {
        count = shards.values.reduce(0) { $0 + $1.count }
    }

    /// The entries of the shard whose files are `base`.objects and `base`.rows ("" for an
    /// empty shard).
    private static func entries(of base: String, read: (String) throws(StoreError) -> [UInt8], templates: StringMap<PodTemplateBlob>) throws(StoreError) -> [Key: Entry] {
        if base.isEmpty { return [:] }
        let objects = try read(base + ".objects")
        let objectLines = try lines(objects, file: base + ".objects", fields: 1)
        let rowsBytes = try read(base + ".rows")
        let rowLines = try lines(rowsBytes, file: base + ".rows", fields: 2)
        // The two files of a shard list the same keys in the same order (`serialized`): each
        // object's row is the line at its place, and its key is hashed once. Files that do
        // not pair up so (written otherwise, or damaged) are matched by key below.
        if let entries = paired(objects, objectLines, rowsBytes, rowLines, templates: templates) { return entries }
        var entries = keyed(objects, objectLines, fields: 1, templates: templates)
        let rows = keyed(rowsBytes, rowLines, fields: 2, templates: [:])
        guard rows.count == entries.count else {
            throw .damaged(file: base + ".rows", reason: "it lists \(rows.count) objects, \(base).objects holds \(entries.count)")
        }
        for (key, row) in rows {
            guard entries[key] != nil else { throw .damaged(file: base + ".rows", reason: "it lists \(key.name), which \(base).objects lacks") }
            entries[key]?.labels = row.labels
            entries[key]?.cells = row.cells
        }
        return entries
    }

    /// Where a stored line's fields lie: the tabs after the namespace, the name, and (rows
    /// files) the labels.
    struct Line {
        var start: Int, tab0: Int, tab1: Int, tab2: Int, end: Int
    }

    /// The lines of a shard file: `namespace TAB name` plus `fields` more tab-separated fields,
    /// 1 (JSON) for objects files, 2 (labels, cells) for rows files. Line and field boundaries
    /// are found with memchr: shards can be megabytes.
    static func lines(_ bytes: [UInt8], file: String, fields: Int) throws(StoreError) -> [Line] {
        let tabsWanted = fields + 1
        var lines: [Line] = []
        var damagedLine: Int?
        var unterminated = false
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            var lineStart = 0
            var lineNumber = 0
            while lineStart < buffer.count {
                lineNumber += 1
                guard let newline = memchr(base + lineStart, 0x0A, buffer.count - lineStart) else { unterminated = true; return }
                let lineEnd = base.distance(to: newline.assumingMemoryBound(to: UInt8.self))
                var tabs = (-1, -1, -1)
                var found = 0
                var i = lineStart
                while found < tabsWanted, i < lineEnd, let tab = memchr(base + i, 0x09, lineEnd - i) {
                    let position = base.distance(to: tab.assumingMemoryBound(to: UInt8.self))
                    switch found {
                    case 0: tabs.0 = position
                    case 1: tabs.1 = position
                    default: tabs.2 = position
                    }
                    found += 1
                    i = position + 1
                }
                let isObject = fields == 1
                guard found == tabsWanted, !isObject || (tabs.1 + 1 < lineEnd && (buffer[tabs.1 + 1] == UInt8(ascii: "{") || buffer[tabs.1 + 1] == CompactPod.mark)) else {
                    damagedLine = lineNumber
                    return
                }
                lines.append(Line(start: lineStart, tab0: tabs.0, tab1: tabs.1, tab2: tabs.2, end: lineEnd))
                lineStart = lineEnd + 1
            }
        }
        if let damagedLine {
            throw .damaged(file: file, reason: "line \(damagedLine) does not have the \(fields == 1 ? "namespace, name, object" : "namespace, name, labels, cells") fields")
        }
        if unterminated {
            throw .damaged(file: file, reason: "line \(lines.count + 1) is not terminated (the file was cut short)")
        }
        return lines
    }

    private static func key(_ bytes: [UInt8], _ line: Line) -> Key {
        Key(namespace: String(decoding: bytes[line.start..<line.tab0], as: UTF8.self),
            name: String(decoding: bytes[(line.tab0 + 1)..<line.tab1], as: UTF8.self))
    }

    /// The entries of `lines` by key, a later line of a key replacing an earlier one.
    static func keyed(_ bytes: [UInt8], _ lines: [Line], fields: Int, templates: StringMap<PodTemplateBlob>) -> [Key: Entry] {
        var entries: [Key: Entry] = [:]
        entries.reserveCapacity(lines.count)
        var compact = false
        for line in lines {
            if fields == 1 {
                let json = bytes[(line.tab1 + 1)..<line.end]
                if json.first == CompactPod.mark { compact = true }
                entries[key(bytes, line)] = Entry(json: json)
            } else {
                entries[key(bytes, line)] = Entry(labels: bytes[(line.tab1 + 1)..<line.tab2], cells: bytes[(line.tab2 + 1)..<line.end])
            }
        }
        if compact { name(templates, in: &entries) }
        return entries
    }

    /// The entries of an objects file and its rows file whose lines hold the same keys in the
    /// same order, each key once; nil when they do not (then they are matched by key).
    private static func paired(_ objects: [UInt8], _ objectLines: [Line], _ rows: [UInt8], _ rowLines: [Line],
                               templates: StringMap<PodTemplateBlob>) -> [Key: Entry]? {
        guard objectLines.count == rowLines.count else { return nil }
        let same = objects.withUnsafeBufferPointer { o in
            rows.withUnsafeBufferPointer { r in
                zip(objectLines, rowLines).allSatisfy { a, b in
                    // `namespace TAB name`, compared whole.
                    ByteOrder.equal(UnsafeBufferPointer(rebasing: o[a.start..<a.tab1]), UnsafeBufferPointer(rebasing: r[b.start..<b.tab1]))
                }
            }
        }
        guard same else { return nil }
        var entries: [Key: Entry] = [:]
        entries.reserveCapacity(objectLines.count)
        var compact = false
        for (a, b) in zip(objectLines, rowLines) {
            let json = objects[(a.tab1 + 1)..<a.end]
            if json.first == CompactPod.mark { compact = true }
            entries[key(objects, a)] = Entry(labels: rows[(b.tab1 + 1)..<b.tab2], cells: rows[(b.tab2 + 1)..<b.end], json: json)
        }
        // A key twice: matched by key, as such files always were.
        guard entries.count == objectLines.count else { return nil }
        if compact { name(templates, in: &entries) }
        return entries
    }

    /// Each compact pod line's template, by the id its line names (`CompactPod`).
    /// (Walked by index, each value changed where it lies, as `releaseLines` does: a loop over
    /// the entries held their storage, and the first change through `entries[key]` copied the
    /// whole dictionary — at the 100,000-replica roll's load, 33 MB made, every entry's lines
    /// retained and the copy let go, besides a hashed look-up for each pod.)
    private static func name(_ templates: StringMap<PodTemplateBlob>, in entries: inout [Key: Entry]) {
        var i = entries.values.startIndex
        while i != entries.values.endIndex {
            defer { entries.values.formIndex(after: &i) }
            guard let id = CompactPod.split(entries.values[i].json)?.id, !id.isEmpty else { continue }
            entries.values[i].template = templates[id] ?? PodTemplateBlob(missing: id, because: templates[""]?.unreadable)
        }
    }

    /// Whether any shard is held in memory (then listing must go through the entries).
    var hasLoadedShards: Bool { !shards.isEmpty }

    /// Keys of the loaded shards, sorted; `namespace` nil for all. Each shard's keys are sorted
    /// on every core, then the runs merged two at a time (keys are unique, so the order is the
    /// one sorting them all at once gives).
    func sortedKeys(namespace: String?) -> [Key] {
        let loaded = ReadOnly(Array(shards.values))
        let runs = Parallel.map(loaded.value.count) { i -> [Key] in
            let keys = loaded.value[i].keys.filter { namespace == nil || $0.namespace == namespace }
            return Self.sortedOrder(keys).map { keys[$0] }
        }
        return Parallel.merged(runs) { $0 < $1 }
    }

    /// The object under `key` (its shard must be loaded), parsing its line on first use.
    /// `keep`: whether the parsed object stays in memory for later reads (the controllers'
    /// load of every pod keeps its own form of them instead).
    mutating func resource(_ key: Key, keep: Bool = true) throws(StoreError) -> Resource? {
        guard let resource = try parsed(key) else { return nil }
        if keep { self.keep(resource, key: key) }
        return resource
    }

    /// The bytes of the stored line under `key` (0 for an object held parsed or not here):
    /// what parsing it costs, roughly, for spreading many over the cores by weight.
    func storedBytes(_ key: Key) -> Int {
        shards[Self.shard(of: key, count: shardCount)]?[key]?.json.count ?? 0
    }

    /// What writing a shard out costs, roughly: its lines copied, and each object held
    /// parsed written as JSON, dearer by far (an EndpointSlice of 100 endpoints is 24 kB of
    /// it; a pod's and an event's lines were serialized ahead and are copied). The commit
    /// starts the dearest shards first.
    func writeCost(shard index: Int) -> Int {
        guard let entries = shards[index] else { return 0 }
        var cost = 0
        for entry in entries.values { cost += entry.resource == nil ? entry.json.count + entry.cells.count : Self.parsedWriteCost }
        return cost
    }

    /// `writeCost` of an object held parsed: a guess, as its size is not known before it is
    /// written — twenty times a copy of a kilobyte.
    static let parsedWriteCost = 20 * 1024

    /// The object under `key` (its shard must be loaded), parsed if it is not yet; the table
    /// is left as it is, so that many can be parsed at once.
    func parsed(_ key: Key) throws(StoreError) -> Resource? {
        let index = Self.shard(of: key, count: shardCount)
        guard let entry = shards[index]?[key] else { return nil }
        if let resource = entry.resource { return resource }
        // (Every read loads its shard first, which reads released lines back.)
        precondition(!entry.released, "an object was read while its lines were let go")
        // (The file's name taken out first: a name made from `self` only if needed would have
        // the whole table copied where the closure can point to it, for every object read.)
        let file = files[index]
        return try Self.object(of: entry, key: key, file: file + ".objects")
    }

    /// The object under `key` as stored, a compact pod not expanded, with its template (its
    /// shard must be loaded): for the simulation, which loads compact pods as they are.
    func stored(_ key: Key) throws(StoreError) -> CompactPod.Stored? {
        let index = Self.shard(of: key, count: shardCount)
        guard let entry = shards[index]?[key] else { return nil }
        let file = files[index]
        return try Self.stored(entry, key: key, file: file + ".objects")
    }

    /// An entry as `stored(_:)` reads it. (The file is named only in an error: its name is
    /// not made for every object read.)
    private static func stored(_ entry: Entry, key: Key, file: @autoclosure () -> String) throws(StoreError) -> CompactPod.Stored {
        if let resource = entry.resource { return .full(resource) }
        precondition(!entry.released, "an object was read while its lines were let go")
        guard let compact = CompactPod.split(entry.json) else { return .full(try Self.parse(entry.json, key: key, file: file())) }
        return .compact(try Self.line(compact, template: compact.id.isEmpty ? nil : entry.template, key: key, file: file()))
    }

    /// The numbers of the loaded shards, in order.
    var loadedShards: [Int] { shards.keys.sorted() }

    /// An entry as `storedEntries(shard:fast:)` reads it: what the fast reader made of its
    /// compact event line, or its stored form.
    enum Read<T> {
        case fast(T)
        case stored(Result<CompactPod.Stored, StoreError>)
    }

    /// Every entry of a loaded shard handed to `body`, in the shard's own order (no key sorted,
    /// none looked up), each with its key: each compact event line's JSON (`CompactEvent`)
    /// offered to `fast` first, and an entry it gives nil for read as `stored` reads it. (Each
    /// as it is read: a list of them all, copied out of and let go, retained and released
    /// every key and what was made of it once more.)
    func storedEntries<T>(shard index: Int, fast: (Key, ArraySlice<UInt8>) -> T?, _ body: (Key, Read<T>) -> Void) {
        guard let entries = shards[index] else { return }
        let file = files[index]
        for (key, entry) in entries {
            if entry.resource == nil, !entry.released, let compact = CompactPod.split(entry.json), compact.id.isEmpty, let made = fast(key, compact.json) {
                body(key, .fast(made))
                continue
            }
            do throws(StoreError) {
                body(key, .stored(.success(try Self.stored(entry, key: key, file: file + ".objects"))))
            } catch {
                body(key, .stored(.failure(error)))
            }
        }
    }

    /// The event under `key` when its involvedObject's uid is one of `uids`, else nil (nil too
    /// when there is none): a compact event is read to its uid and expanded only when it is
    /// one of them. Damage is reported as `parsed` reports it.
    func event(_ key: Key, about uids: Set<String>) throws(StoreError) -> Resource? {
        func about(_ event: Resource) -> Resource? {
            event.value.at("involvedObject", "uid")?.stringValue.map(uids.contains) == true ? event : nil
        }
        let index = Self.shard(of: key, count: shardCount)
        guard let entry = shards[index]?[key] else { return nil }
        if let resource = entry.resource { return about(resource) }
        precondition(!entry.released, "an object was read while its lines were let go")
        let file = files[index] + ".objects"
        guard let compact = CompactPod.split(entry.json), compact.id.isEmpty else { return about(try Self.object(of: entry, key: key, file: file)) }
        switch try Self.line(compact, template: nil, key: key, file: file).event() {
        case .success(let read):
            guard uids.contains(read.event.involvedUID) else { return nil }
            return about(CompactEvent.expand(read.event, resourceVersion: read.resourceVersion))
        case .failure(let damage):
            throw .damaged(file: file, reason: "event \(key.namespace)/\(key.name): \(damage.reason)")
        }
    }

    /// A compact line, read (`CompactPod.Line.read`).
    private static func line(_ compact: (id: String, json: ArraySlice<UInt8>), template: PodTemplateBlob?, key: Key,
                             file: @autoclosure () -> String) throws(StoreError) -> CompactPod.Line {
        try CompactPod.Line.read(compact.json, template: template, pod: !compact.id.isEmpty, namespace: key.namespace, name: key.name) {
            (json: ArraySlice<UInt8>) throws(StoreError) -> Object in try Self.parse(json, key: key, file: file()).object
        }
    }

    /// An entry's object: its line parsed, a compact pod expanded to the full Pod.
    static func object(of entry: Entry, key: Key, file: @autoclosure () -> String) throws(StoreError) -> Resource {
        guard let compact = CompactPod.split(entry.json) else { return try parse(entry.json, key: key, file: file()) }
        let line = try Self.line(compact, template: compact.id.isEmpty ? nil : entry.template ?? PodTemplateBlob(missing: compact.id), key: key, file: file())
        switch line.expanded() {
        case .success(let object): return object
        case .failure(let damage):
            throw .damaged(file: file(), reason: "\(compact.id.isEmpty ? "event" : "pod") \(key.namespace)/\(key.name): \(damage.reason)")
        }
    }

    private static func parse(_ json: ArraySlice<UInt8>, key: Key, file: @autoclosure () -> String) throws(StoreError) -> Resource {
        let value: Value
        do {
            value = try JSONReader.parse(json)
        } catch {
            throw .damaged(file: file(), reason: "object \(key.namespace.isEmpty ? "" : key.namespace + "/")\(key.name): \(error)")
        }
        guard case .object(let object) = value else {
            throw .damaged(file: file(), reason: "object \(key.name) is not a JSON object")
        }
        return Resource(object)
    }

    /// Keeps a parsed object for later reads, unless the entry changed meanwhile.
    mutating func keep(_ resource: Resource, key: Key) {
        let index = Self.shard(of: key, count: shardCount)
        if shards[index]?[key] != nil, shards[index]?[key]?.resource == nil { shards[index]?[key]?.resource = resource }
    }

    /// The listing row of `key` without parsing the object, when it is unchanged since loading.
    func listingRow(_ key: Key) -> ListingRow? {
        guard let entry = shards[Self.shard(of: key, count: shardCount)]?[key] else { return nil }
        if let resource = entry.resource { return ListingRow(resource) }
        precondition(!entry.released, "a row was listed while its lines were let go")
        return ListingRow(namespace: key.namespace, name: key.name,
                          labels: ListingRow.decodeLabels(entry.labels), cells: ListingRow.decodeCells(entry.cells))
    }

    /// Stores `resource` under `key` (its shard must be loaded).
    mutating func set(_ resource: Resource, key: Key, shard index: Int) {
        set(Entry(resource: resource), key: key, shard: index)
    }

    /// Stores `count` entries — the `i`th `entry(i)` under `key(i)` — as `set(_:key:shard:)`
    /// one after the other would, each in the shard that holds its key: in order, each entry's
    /// shard is loaded (when the entry is the first of it) and its template taken, as they
    /// were; then each shard's entries go into its dictionary together, the shard found once.
    /// Each entry is read where it is stored, not gathered into a list first (at Kubernetes'
    /// limits a save stores 750,000 events at once). (Should a shard fail to load, the entries
    /// before it are not stored: no command saves after a failed write.)
    /// `template`: the entry's template, read without a copy of the entry (most entries' is
    /// the one the table holds already, and nothing is done).
    mutating func set(count: Int, key: @escaping @Sendable (Int) -> Key, entry: @escaping @Sendable (Int) -> Entry, template: (Int) -> PodTemplateBlob?,
                      read: (String) throws(StoreError) -> [UInt8]) throws(StoreError) {
        var shardOf: [Int] = []
        shardOf.reserveCapacity(count)
        for i in 0..<count { shardOf.append(Self.shard(of: key(i), count: shardCount)) }
        var loaded = [Bool](repeating: false, count: shardCount)
        // An entry whose template's id another template holds is stored as its full object.
        var replaced: [Int: Entry] = [:]
        for i in 0..<count {
            if !loaded[shardOf[i]] {
                try load(shard: shardOf[i], read: read, restoring: false)
                loaded[shardOf[i]] = true
            }
            guard let template = template(i) else { continue }
            if let known = templates?[template.id], known === template { continue }
            var one = entry(i)
            withTemplate(&one, key: key(i))
            if one.template !== template { replaced[i] = one }
        }
        // Each shard's entries in their order: stably by shard (counted into place: a shard
        // number is below `shardCount`).
        var next = [Int](repeating: 0, count: shardCount + 1)
        for shard in shardOf { next[shard + 1] += 1 }
        for shard in 0..<shardCount { next[shard + 1] += next[shard] }
        var order = [Int](repeating: 0, count: count)
        for i in 0..<count {
            order[next[shardOf[i]]] = i
            next[shardOf[i]] += 1
        }
        // The shards in order, and where each one's entries lie in `order`.
        var involved: [Int] = [], bounds = [0]
        var k = 0
        while k < order.count {
            let index = shardOf[order[k]]
            involved.append(index)
            while k < order.count && shardOf[order[k]] == index { k += 1 }
            bounds.append(k)
        }
        // Each shard's dictionary is handed to a task that sets its entries and lets go of the
        // ones they replace, on every core (at the 150,000-pod roll's save, 300,000 pods and
        // 100,000 events stored, each replacing one whose lines are freed).
        let plan = ReadOnly((order: order, bounds: bounds, replaced: replaced, key: key, entry: entry))
        let made = Parallel.map(handing: involved.count, take: { shards.removeValue(forKey: involved[$0]) ?? [:] }) { j, shard -> (entries: [Key: Entry], grew: Int) in
            var grew = 0
            for k in plan.value.bounds[j]..<plan.value.bounds[j + 1] {
                let i = plan.value.order[k]
                if shard.updateValue(plan.value.replaced[i] ?? plan.value.entry(i), forKey: plan.value.key(i)) == nil { grew += 1 }
            }
            return (shard, grew)
        }
        for (j, index) in involved.enumerated() {
            shards[index] = made[j].entries
            self.count += made[j].grew
            dirtyShards.insert(index)
        }
    }

    /// Stores an entry: a parsed object, or the lines of one made ahead, in the shard that
    /// holds `key` (`shard(of:count:)`), which must be loaded.
    mutating func set(_ entry: Entry, key: Key, shard index: Int) {
        var entry = entry
        withTemplate(&entry, key: key)
        // One look-up: the entry replaced, if any, says whether the table grew.
        if shards[index, default: [:]].updateValue(entry, forKey: key) == nil { count += 1 }
        dirtyShards.insert(index)
    }

    /// A compact entry's template joins the table's (`templates`); an entry whose template's
    /// id another template holds already is made the full object instead.
    private mutating func withTemplate(_ entry: inout Entry, key: Key) {
        if let template = entry.template {
            if let known = templates?[template.id] {
                if known !== template, known.json != template.json {
                    // Another template under the same id (a hash collision): this pod in full.
                    if let full = try? Self.object(of: entry, key: key, file: "") { entry = Entry(resource: full) }
                }
            } else {
                // Added in place (taken out, so that the table's copy is the only one).
                var known = templates ?? [:]
                templates = nil
                known[template.id] = template
                templates = known
                templatesChanged = true
            }
        }
    }

    /// The entry under `key`, if its shard is loaded and holds it.
    func entryIfLoaded(_ key: Key) -> Entry? {
        shards[Self.shard(of: key, count: shardCount)]?[key]
    }

    /// Whether an object is stored under `key` (its shard must be loaded).
    func contains(_ key: Key) -> Bool {
        shards[Self.shard(of: key, count: shardCount)]?[key] != nil
    }

    /// Removes the entry under `key` from the shard that holds it (`shard(of:count:)`, loaded).
    mutating func remove(_ key: Key, shard index: Int) {
        if shards[index]?.removeValue(forKey: key) != nil {
            count -= 1
            dirtyShards.insert(index)
        }
    }

    /// Removes the entries under `keys` (a key not stored is passed over). A shard that loses
    /// at least a quarter of its entries is made again from the ones it keeps: a dictionary's
    /// removal shifts the entries after the removed one back, hashing each again, ~2,800
    /// instructions an object when a rollout's save removed its replaced pods' events one by
    /// one (fewer removals are made one by one). Every shard is made smaller on its own, on
    /// every core: those in memory handed to the tasks (`Parallel.map(handing:take:)`: each
    /// task owns the entries it changes, and lets go of what it drops there), those not in
    /// memory read there first, whole, as a write loads them (a rollout's save removes events
    /// from every shard of the Event table, and events are read at load without being kept:
    /// `storedEntries`). A shard that cannot be read fails the removal with the error removing
    /// them shard by shard in order would have met first; the others are changed.
    mutating func remove(_ keys: [Key], read: @escaping (String) throws(StoreError) -> [UInt8]) throws(StoreError) {
        // (Each key into its shard's list by the shard's number: not hashed again as a key of a
        // dictionary of lists — 150,000 pods at the 150,000-pod roll's save.)
        var byShard = [[Key]](repeating: [], count: shardCount)
        for key in keys { byShard[Self.shard(of: key, count: shardCount)].append(key) }
        let indices = byShard.indices.filter { !byShard[$0].isEmpty }
        try loadTemplates(read: read)
        let going = ReadOnly(byShard)
        let unread = indices.filter { shards[$0] == nil }
        var made = Dictionary(uniqueKeysWithValues: zip(unread, readShards(unread, read: read) { index, entries in
            let before = entries.count
            Self.remove(going.value[index], from: &entries)
            return before
        }.map { result in result.map { (entries: $0.entries, before: $0.made) } }))
        let loaded = indices.filter { shards[$0] != nil }
        let changed = Parallel.map(handing: loaded.count, take: { shards.removeValue(forKey: loaded[$0]) ?? [:] }) { i, entries in
            let before = entries.count
            Self.remove(going.value[loaded[i]], from: &entries)
            return Result<(entries: [Key: Entry], before: Int), StoreError>.success((entries, before))
        }
        for (index, outcome) in zip(loaded, changed) { made[index] = outcome }
        var failure: StoreError?
        for index in indices {
            guard let outcome = made.removeValue(forKey: index) else { continue }
            switch outcome {
            case .success(let (entries, before)):
                if entries.count != before {
                    count -= before - entries.count
                    dirtyShards.insert(index)
                }
                shards[index] = entries
            case .failure(let error):
                failure = failure ?? error
            }
        }
        if let failure { throw failure }
    }

    /// `going` taken out of a shard's entries: a shard that loses at least a quarter of them
    /// is made again from the ones it keeps.
    private static func remove(_ going: [Key], from entries: inout [Key: Entry]) {
        if going.count * 4 >= entries.count {
            let gone = Set(going)
            entries = entries.filter { !gone.contains($0.key) }
        } else {
            for key in going { entries.removeValue(forKey: key) }
        }
    }

    /// The shards `count` objects are kept in: doubled while each would hold more than
    /// `objectsPerShard`, up to `maxShards`.
    private var shardsWanted: Int {
        var wanted = 1
        while wanted < Self.maxShards && wanted * Self.objectsPerShard < count { wanted *= 2 }
        return wanted
    }

    /// Before writing: split (or merge) shards when the table grew (or shrank) past a
    /// power-of-two boundary; every shard is then rewritten.
    mutating func reshardIfNeeded(read: @escaping (String) throws(StoreError) -> [UInt8]) throws(StoreError) {
        guard shardsWanted != shardCount else { return }
        // Loaded, the objects are counted (`recount`): the number split is theirs.
        try loadAll(read: read)
        let wanted = shardsWanted
        guard wanted != shardCount else { return }
        // Each entry goes straight to its new shard (a key is in one shard only), on every
        // core: a key's shard is its hash modulo the count, a power of two, so the old shards
        // s ≡ r (mod m), m the smaller count, hold the keys of the new shards t ≡ r (mod m).
        // Each residue's old shards are handed to a task that makes its new shards and lets
        // go of the old ones there (at the 150,000-pod roll, 300,000 events made again in a
        // quarter as many shards). A key found where its hash does not put it (a file edited
        // by hand) is handed back and placed after, as the one-by-one split would.
        let old = shardCount, m = min(old, wanted)
        let perShard = count / wanted + 1
        let groups = Parallel.map(handing: m, take: { r in
            stride(from: r, to: old, by: m).map { shards.removeValue(forKey: $0) ?? [:] }
        }) { r, sources -> (made: [[Key: Entry]], strays: [(Key, Entry)]) in
            var made = [[Key: Entry]](repeating: [:], count: wanted / m)
            for k in made.indices { made[k].reserveCapacity(perShard + perShard / 4) }
            var strays: [(Key, Entry)] = []
            for source in sources {
                for (key, entry) in source {
                    let t = Self.shard(of: key, count: wanted)
                    if t % m == r { made[t / m][key] = entry } else { strays.append((key, entry)) }
                }
            }
            sources = []
            return (made, strays)
        }
        shards = [:]
        shardCount = wanted
        files = Array(repeating: "", count: wanted)
        for (r, group) in groups.enumerated() {
            for (k, entries) in group.made.enumerated() { shards[r + k * m] = entries }
        }
        for group in groups {
            for (key, entry) in group.strays { shards[Self.shard(of: key, count: wanted), default: [:]][key] = entry }
        }
        recount()
        dirtyShards = Set(0..<wanted)
    }

    /// The two files of one shard: objects and rows, lines sorted by namespace and name;
    /// unparsed lines are copied as read.
    func serialized(shard index: Int, read: (String) throws(StoreError) -> [UInt8]) throws(StoreError) -> (objects: [UInt8], rows: [UInt8]) {
        var objects: [UInt8] = [], rows: [UInt8] = []
        guard var entries = shards[index] else { return (objects, rows) }
        if releasedShards.contains(index) { try Self.restoreLines(&entries, from: files[index], read: read, templates: templates ?? [:]) }
        objects.reserveCapacity(entries.count * 1024)
        rows.reserveCapacity(entries.count * 128)
        let keys = Array(entries.keys)
        for i in Self.sortedOrder(keys) {
            let key = keys[i]
            guard let entry = entries[key] else { continue }
            Self.appendKey(key, to: &objects)
            Self.appendKey(key, to: &rows)
            if let resource = entry.resource {
                try Self.appendLine(of: resource, objects: &objects, rows: &rows)
            } else {
                rows.append(contentsOf: entry.labels)
                rows.append(0x09)
                rows.append(contentsOf: entry.cells)
                objects.append(contentsOf: entry.json)
            }
            objects.append(0x0A)
            rows.append(0x0A)
        }
        return (objects, rows)
    }

    /// The places of `keys` in their order (`Key.<`), as `StringOrder` finds it: each
    /// namespace numbered by its place among them, the names as packed integers and bytes (a
    /// commit sorts every shard it writes; Swift's String comparison was most of that sort,
    /// 150 instructions a step, since a ReplicaSet's pods and their events share their first
    /// 15 bytes). Strings outside ASCII compare as Strings; two keys equal as Strings, the
    /// ASCII one first, as `<` has it.
    static func sortedOrder(_ keys: [Key]) -> [Int] {
        // (A shard's keys are of a few namespaces, mostly one: each looked for among those
        // met so far, from the last one met, compared rather than hashed.)
        var namespaces: [String] = []
        var met = keys.map { key -> Int in
            if let last = namespaces.last, last == key.namespace { return namespaces.count - 1 }
            if let i = namespaces.firstIndex(of: key.namespace) { return i }
            namespaces.append(key.namespace)
            return namespaces.count - 1
        }
        let rank = namespaces.indices.sorted { namespaces[$0] < namespaces[$1] }
        var place = [Int](repeating: 0, count: namespaces.count)
        for (k, i) in rank.enumerated() { place[i] = k }
        for i in met.indices { met[i] = place[met[i]] }
        let numbers = met
        let order = StringOrder.sortedIndices(count: keys.count, number: { numbers[$0] }, string: { keys[$0].name }, tie: { a, b in
            keys[a].ascii != keys[b].ascii ? keys[a].ascii : nil
        })
        #if DEBUG
        precondition(order.map { keys[$0] } == keys.sorted(), "store: a shard's keys sorted by their packed bytes differ from their order")
        #endif
        return order
    }

    /// `namespace TAB name TAB`, the start of each of a shard's lines.
    private static func appendKey(_ key: Key, to out: inout [UInt8]) {
        key.namespace.withUTF8Bytes { out.append(contentsOf: $0) }
        out.append(0x09)
        key.name.withUTF8Bytes { out.append(contentsOf: $0) }
        out.append(0x09)
    }

    /// An object's stored line after its key: its JSON into `objects`, its labels and listing
    /// cells into `rows`.
    static func appendLine(of resource: Resource, objects: inout [UInt8], rows: inout [UInt8]) throws(StoreError) {
        ListingRow(resource).appendEncoded(into: &rows)
        do {
            try JSONWriter.write(resource.value, style: .compact, into: &objects)
        } catch {
            throw .conflict("\(resource.qualifiedName) holds a number JSON cannot store (\(error.value))")
        }
    }

    /// The entry of an object serialized ahead (`StateStore.Prepared`): stored as its lines,
    /// as if read from a file, so that its parsed form can be freed.
    /// `compact`: a pod's compact line and template, written instead of its JSON.
    static func entry(serializing resource: Resource, compact: (line: [UInt8], template: PodTemplateBlob?)? = nil) throws(StoreError) -> Entry {
        var json: [UInt8] = [], row: [UInt8] = []
        if let compact {
            return entry(row: ListingRow(resource), compact: compact)
        }
        try appendLine(of: resource, objects: &json, rows: &row)
        // Kept until the commit, so held at their size: grown by doubling as they were
        // written, they would hold up to twice that.
        let line = json.withUnsafeBufferPointer { [UInt8]($0) }
        let fields = row.withUnsafeBufferPointer { [UInt8]($0) }
        // `row` is labels TAB cells; labels never hold a tab (ListingRow encodes them).
        let tab = fields.firstIndex(of: 0x09) ?? fields.count
        return Entry(labels: fields[..<tab], cells: tab < fields.count ? fields[(tab + 1)...] : [], json: line[...])
    }

    /// The entry of an object stored in compact form, from its listing row.
    static func entry(row listing: ListingRow, compact: (line: [UInt8], template: PodTemplateBlob?)) -> Entry {
        // (Room for a pod's row at once: grown from nothing, it was made four or five times.)
        var row: [UInt8] = []
        row.reserveCapacity(256)
        listing.appendEncoded(into: &row, shared: compact.template?.labels)
        let fields = row.withUnsafeBufferPointer { [UInt8]($0) }
        let line = compact.line.withUnsafeBufferPointer { [UInt8]($0) }
        // `row` is labels TAB cells; labels never hold a tab (ListingRow encodes them).
        let tab = fields.firstIndex(of: 0x09) ?? fields.count
        return Entry(labels: fields[..<tab], cells: tab < fields.count ? fields[(tab + 1)...] : [], json: line[...], template: compact.template)
    }

    mutating func markClean() { dirtyShards = [] }
}

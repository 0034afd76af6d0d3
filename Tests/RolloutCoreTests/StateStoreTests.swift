import Foundation
@testable import RolloutCore
import XCTest

/// The state directory: persistence, server-set metadata, shards, damage and foreign files,
/// file modes, and — through the binary — concurrent writers and writers killed mid-write.
final class StateStoreTests: XCTestCase {
    func configMap(_ name: String, _ value: String = "v", namespace: String = "default") -> Resource {
        Resource(Object([
            "apiVersion": .string("v1"), "kind": .string("ConfigMap"),
            "metadata": .object(Object(["name": .string(name), "namespace": .string(namespace)])),
            "data": .object(Object(["k": .string(value)])),
        ]))
    }

    /// A state of `count` ConfigMaps named by `format` from their number, each `k: v<number>`,
    /// committed: its directory.
    func committedConfigMaps(_ count: Int, named format: String) throws -> String {
        let directory = try temporaryDirectory(self).appendingPathComponent("s").path
        let store = try bareStore(directory)
        for i in 0..<count { try store.create(configMap(String(format: format, i), "v\(i)")) }
        try store.commit()
        store.close()
        return directory
    }

    func testNewStateHasTheDefaultClusterAndPersists() throws {
        let directory = try temporaryDirectory(self).appendingPathComponent("state").path
        var store = try bareStore(directory)
        XCTAssertEqual(try store.list(ResourceType.forObject(apiVersion: "v1", kind: "Node")).map(\.name), ["node-1"])
        XCTAssertEqual(try store.list(ResourceType.forObject(apiVersion: "v1", kind: "Namespace")).map(\.name), ["default", "kube-node-lease", "kube-public", "kube-system"])
        let created = try store.create(configMap("a"))
        XCTAssertEqual(created.creationTimestamp, "2025-01-01T00:00:00Z")
        XCTAssertFalse(created.uid.isEmpty)
        try store.commit()
        store.close()
        store = try StateStore(directory: directory, writable: false)
        let reread = try store.get(created.key)
        XCTAssertEqual(reread, created)
        store.close()
    }

    func testGenerationBumpsOnSpecChangesOnly() throws {
        let store = try bareStore(try temporaryDirectory(self).appendingPathComponent("s").path)
        defer { store.close() }
        var deployment = Resource(Object([
            "apiVersion": .string("apps/v1"), "kind": .string("Deployment"),
            "metadata": .object(Object(["name": .string("d"), "namespace": .string("default")])),
            "spec": .object(Object(["replicas": .int(1)])),
        ]))
        deployment = try store.create(deployment)
        XCTAssertEqual(deployment.generation, 1)
        var changed = deployment
        changed.object["status"] = .object(Object(["replicas": .int(1)]))
        changed = try store.update(changed, previous: deployment)
        XCTAssertEqual(changed.generation, 1, "a status write does not bump generation")
        XCTAssertNotEqual(changed.resourceVersion, deployment.resourceVersion)
        var scaled = changed
        scaled.object["spec"] = .object(Object(["replicas": .int(3)]))
        scaled = try store.update(scaled, previous: changed)
        XCTAssertEqual(scaled.generation, 2)
        var annotated = scaled
        annotated.setAnnotation("kubernetes.io/change-cause", "scale")
        annotated = try store.update(annotated, previous: scaled)
        XCTAssertEqual(annotated.generation, 3, "Deployment annotations count, as strategy.go says")
        XCTAssertEqual(annotated.uid, deployment.uid)
    }

    /// A commit's shard files are written unsynced (`FileIO.writeUnnamed`), then synced
    /// (`FileIO.sync`) before the manifest names them; what fails says which file and why, and
    /// a file that could not be written in full is not left behind.
    func testUnsyncedWritesAndTheirSyncsSayWhatFailed() throws {
        let directory = try temporaryDirectory(self).path
        let path = "\(directory)/a.objects"
        try FileIO.writeUnnamed(Array("line\n".utf8), to: path)
        try FileIO.sync(path)
        XCTAssertEqual(try FileIO.read(path), Array("line\n".utf8))
        // A leftover of the same name (a commit that stopped half-way) is replaced, not appended to.
        try FileIO.writeUnnamed(Array("new\n".utf8), to: path)
        XCTAssertEqual(try FileIO.read(path), Array("new\n".utf8))
        func failure(_ body: () throws(StoreError) -> Void) -> (path: String, reason: String)? {
            do throws(StoreError) { try body() } catch {
                if case .io(let path, let reason) = error { return (path, reason) }
            }
            return nil
        }
        let missing = "\(directory)/no-such-folder/b.objects"
        let created = failure { () throws(StoreError) in try FileIO.writeUnnamed([0x41], to: missing) }
        XCTAssertEqual(created?.path, missing)
        XCTAssertTrue(created?.reason.hasPrefix("cannot create: ") == true, created?.reason ?? "no error")
        let synced = failure { () throws(StoreError) in try FileIO.sync("\(directory)/c.objects") }
        XCTAssertEqual(synced?.path, "\(directory)/c.objects")
        XCTAssertTrue(synced?.reason.hasPrefix("cannot open to sync: ") == true, synced?.reason ?? "no error")
        XCTAssertEqual(FileIO.filesIn(directory), ["a.objects"])
    }

    /// A shard file's writeback is started as soon as it is written (`sync_file_range` with
    /// SYNC_FILE_RANGE_WRITE, found by its symbol in glibc), so that the commit's fsyncs find
    /// it mostly on the disk; the call only starts the writing: the bytes read back are the
    /// ones written, and a descriptor it cannot use is no error.
    func testShardWritebackStartsEarlyAndChangesNothingWritten() throws {
        #if os(Linux)
        XCTAssertTrue(FileIO.startsWritebackEarly, "sync_file_range not found in the C library")
        #endif
        let directory = try temporaryDirectory(self).path
        let path = "\(directory)/big.objects"
        let bytes = (0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) }
        try FileIO.writeUnnamed(bytes, to: path)
        try FileIO.sync(path)
        XCTAssertEqual(try FileIO.read(path), bytes)
        FileIO.startWriteback(-1)
    }

    func testLargeTablesSplitIntoShardsAndOldFilesGo() throws {
        let directory = try temporaryDirectory(self).appendingPathComponent("s").path
        var store = try bareStore(directory)
        for i in 0..<1500 { try store.create(configMap(String(format: "cm-%04d", i))) }
        try store.commit()
        store.close()
        let shards = FileIO.filesIn("\(directory)/objects").filter { $0.hasPrefix("ConfigMap_") }
        XCTAssertEqual(shards.count, 8, "1500 objects at 512 per shard: 4 shards of two files each")
        store = try bareStore(directory)
        let type = ResourceType.forObject(apiVersion: "v1", kind: "ConfigMap")
        let rows = try store.listingRows(type)
        XCTAssertEqual(rows.count, 1500)
        XCTAssertEqual(rows.map(\.name), rows.map(\.name).sorted())
        XCTAssertEqual(try store.get(ObjectKey(type: "ConfigMap", namespace: "default", name: "cm-0777"))?.object["data"]?["k"], .string("v"))
        // Changing one object rewrites one shard.
        try store.update(configMap("cm-0001", "w"), previous: try XCTUnwrap(store.get(ObjectKey(type: "ConfigMap", namespace: "default", name: "cm-0001"))))
        try store.commit()
        store.close()
        let after = FileIO.filesIn("\(directory)/objects").filter { $0.hasPrefix("ConfigMap_") }
        XCTAssertEqual(after.count, 8)
        XCTAssertEqual(Set(after).subtracting(shards).count, 2, "one shard replaced, the old files removed")
        // Leftovers of writers killed mid-commit — many, so that they are removed on every
        // core — go at the next commit; a file the store never names stays.
        let leftovers = (0..<100).flatMap { i in ["objects", "rows"].map { StorageNames.shardBase(type: "ConfigMap", commit: 99, ordinal: 0, shard: i) + ".\($0)" } }
        for name in leftovers + ["notes.txt"] { try FileIO.writeAtomically(Array("x".utf8), to: "\(directory)/objects/\(name)") }
        store = try bareStore(directory)
        try store.update(configMap("cm-0002", "w"), previous: try XCTUnwrap(store.get(ObjectKey(type: "ConfigMap", namespace: "default", name: "cm-0002"))))
        try store.commit()
        store.close()
        let left = Set(FileIO.filesIn("\(directory)/objects"))
        XCTAssertTrue(left.isDisjoint(with: leftovers), "leftovers removed: \(left.intersection(leftovers).sorted().prefix(3))")
        XCTAssertTrue(left.contains("notes.txt"))
        XCTAssertEqual(left.filter { $0.hasPrefix("ConfigMap_") }.count, 8)
        // What lies at the very names the next commit writes (a writer killed before its
        // manifest, or a link planted there) is replaced, never written through: each file is
        // written new, then every one is synced before the manifest names them.
        store = try bareStore(directory)
        let outside = try temporaryDirectory(self).appendingPathComponent("outside").path
        try FileIO.writeAtomically(Array("outside".utf8), to: outside)
        let next = (0..<4).flatMap { i in ["objects", "rows"].map { StorageNames.shardBase(type: "ConfigMap", commit: store.commitNumber + 1, ordinal: 0, shard: i) + ".\($0)" } }
        for (k, name) in next.enumerated() {
            if k % 2 == 0 {
                try FileIO.writeAtomically(Array("junk".utf8), to: "\(directory)/objects/\(name)")
            } else {
                try FileManager.default.createSymbolicLink(atPath: "\(directory)/objects/\(name)", withDestinationPath: outside)
            }
        }
        for i in 0..<1500 {
            let key = ObjectKey(type: "ConfigMap", namespace: "default", name: String(format: "cm-%04d", i))
            try store.update(configMap(key.name, "z"), previous: try XCTUnwrap(store.get(key)))
        }
        try store.commit()
        store.close()
        XCTAssertEqual(try FileIO.read(outside), Array("outside".utf8))
        store = try bareStore(directory)
        for i in [0, 1, 799, 1499] {
            XCTAssertEqual(try store.get(ObjectKey(type: "ConfigMap", namespace: "default", name: String(format: "cm-%04d", i)))?.object["data"]?["k"], .string("z"))
        }
        let written = Set(FileIO.filesIn("\(directory)/objects").filter { $0.hasPrefix("ConfigMap_") })
        XCTAssertEqual(written, Set(next), "every shard written under the names planted")
        for name in written { XCTAssertEqual(FileIO.kind("\(directory)/objects/\(name)"), .regular, name) }
    }

    /// `readAllParts` (events, read in no order) reads every object `forEachBatch` (pods, in key
    /// order) reads, the same; and of several damaged or unreadable objects it reports the
    /// one `forEachBatch` would: the first in key order, whichever shard it lies in.
    func testReadingInNoOrderReadsWhatReadingInOrderReads() throws {
        let directory = try temporaryDirectory(self).appendingPathComponent("s").path
        var store = try bareStore(directory)
        var random = SeededRandom(seed: 14)
        var names: [String] = []
        for _ in 0..<3000 {
            let name = "cm-\(random.next() % 1_000_000)"
            if names.contains(name) { continue }
            names.append(name)
            try store.create(configMap(name, "\(random.next() % 100)", namespace: ["default", "kube-system", "b"][Int(random.next() % 3)]))
        }
        try store.commit()
        store.close()
        let type = ResourceType.forObject(apiVersion: "v1", kind: "ConfigMap")
        @Sendable func text(_ stored: CompactPod.Stored) -> String {
            guard case .full(let r) = stored else { return "compact" }
            return "\(r.namespace ?? "")/\(r.name)=\(r.object["data"]?["k"]?.stringValue ?? "")"
        }
        store = try StateStore(directory: directory, writable: false)
        var inOrder: [String] = []
        try store.forEachBatch(type, batch: 700, transform: text) { (batch: [String]) throws(StoreError) in inOrder += batch }
        store.close()
        store = try StateStore(directory: directory, writable: false)
        let noOrder = try store.readAllParts(type) { .success(text($0)) }.flatMap { $0 }
        XCTAssertEqual(inOrder.count, names.count)
        XCTAssertEqual(noOrder.sorted(), inOrder.sorted())
        XCTAssertNotEqual(noOrder, inOrder, "read in the table's own order, not the keys'")
        // Damage the transform finds: the first damaged key's is the error.
        let keys = try store.list(type).map { Table.Key(namespace: $0.namespace ?? "", name: $0.name) }.sorted()
        for trial in 0..<20 {
            let damaged = Set((0..<(1 + trial % 4)).map { _ in keys[Int(random.next() % UInt64(keys.count))] })
            let first = try XCTUnwrap(damaged.min())
            XCTAssertThrowsError(try store.readAllParts(type) { stored -> Result<String, StoredObjects.Damage> in
                guard case .full(let r) = stored, damaged.contains(Table.Key(namespace: r.namespace ?? "", name: r.name)) else { return .success(text(stored)) }
                return .failure(StoredObjects.Damage(resource: r, problems: ["damaged \(r.name)"]))
            }) { error in
                XCTAssertTrue("\(error)".contains("damaged \(first.name);") || "\(error)".contains("damaged \(first.name) "), "\(error) for \(first)")
                XCTAssertTrue("\(error)".contains("configmap/\(first.name) cannot be run"), "\(error)")
            }
        }
        store.close()
        // Unreadable lines in two shards: the first key's shard is named.
        let files = FileIO.filesIn("\(directory)/objects").filter { $0.hasPrefix("ConfigMap_") && $0.hasSuffix(".objects") }.sorted()
        XCTAssertGreaterThan(files.count, 2)
        var firstOfFile: [(key: Table.Key, file: String)] = []
        for file in [files[files.count - 1], files[1]] {
            let path = "\(directory)/objects/\(file)"
            var lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let fields = lines[0].split(separator: "\t", maxSplits: 2).map(String.init)
            firstOfFile.append((Table.Key(namespace: fields[0], name: fields[1]), file))
            lines[0] = fields[0] + "\t" + fields[1] + "\t{\"apiVersion\": "
            try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        }
        let expected = try XCTUnwrap(firstOfFile.min { $0.key < $1.key })
        store = try StateStore(directory: directory, writable: false)
        XCTAssertThrowsError(try store.readAllParts(type) { .success(text($0)) }) { error in
            XCTAssertTrue("\(error)".contains("\(directory)/objects/\(expected.file) is damaged"), "\(error)")
            XCTAssertTrue("\(error)".contains(expected.key.name), "\(error)")
        }
        store.close()
        store = try StateStore(directory: directory, writable: false)
        XCTAssertThrowsError(try store.forEachBatch(type, transform: text) { (_: [String]) throws(StoreError) in }) { error in
            XCTAssertTrue("\(error)".contains("\(directory)/objects/\(expected.file) is damaged"), "forEachBatch says the same: \(error)")
        }
        store.close()
    }

    /// The keys of a table of many shards, sorted shard by shard on every core and merged two
    /// runs at a time, come out as sorting them all at once orders them, for every namespace
    /// and for all.
    /// `forEachBatch` makes the next batch on the other cores while `body` takes one: the
    /// batches still come one at a time, in key order, each whole; a `body` that throws is
    /// the error, and no batch comes after it.
    func testBatchesComeInKeyOrderWhileTheNextIsMade() throws {
        let directory = try temporaryDirectory(self).appendingPathComponent("s").path
        var store = try bareStore(directory)
        for i in 0..<2000 { try store.create(configMap(String(format: "cm-%04d", (i * 7919) % 2000))) }
        try store.commit()
        store.close()
        store = try StateStore(directory: directory, writable: false)
        defer { store.close() }
        let type = ResourceType.forObject(apiVersion: "v1", kind: "ConfigMap")
        @Sendable func name(_ stored: CompactPod.Stored) -> String {
            guard case .full(let r) = stored else { return "compact" }
            return r.name
        }
        var batches: [[String]] = []
        try store.forEachBatch(type, batch: 300, transform: name) { (batch: [String]) throws(StoreError) in batches.append(batch) }
        XCTAssertEqual(batches.map(\.count), [300, 300, 300, 300, 300, 300, 200])
        XCTAssertEqual(batches.flatMap { $0 }, (0..<2000).map { String(format: "cm-%04d", $0) })
        var calls = 0
        XCTAssertThrowsError(try store.forEachBatch(type, batch: 300, transform: name) { (_: [String]) throws(StoreError) in
            calls += 1
            if calls == 3 { throw StoreError.io(path: "body", reason: "stopped at the third batch") }
        }) { error in XCTAssertTrue("\(error)".contains("stopped at the third batch"), "\(error)") }
        XCTAssertEqual(calls, 3)
    }

    func testKeysOfManyShardsMergeIntoOneSortedOrder() {
        var table = Table(shardCount: 16, files: Array(repeating: "", count: 16))
        var random = SeededRandom(seed: 7)
        var all: [Table.Key] = []
        for _ in 0..<3000 {
            let key = Table.Key(namespace: ["default", "kube-system", "a", "é"][Int.random(in: 0..<4, using: &random)],
                                name: "pod-\(Int.random(in: 0..<1_000_000, using: &random))")
            if all.contains(key) { continue }
            all.append(key)
            table.set(Resource(Object(["metadata": .object(Object(["name": .string(key.name), "namespace": .string(key.namespace)]))])), key: key,
                      shard: Table.shard(of: key, count: table.shardCount))
        }
        XCTAssertEqual(table.sortedKeys(namespace: nil), all.sorted())
        for namespace in ["default", "kube-system", "a", "é", "none"] {
            XCTAssertEqual(table.sortedKeys(namespace: namespace), all.filter { $0.namespace == namespace }.sorted(), namespace)
        }
    }


    /// A shard's keys are written in their order (`Key.<`), found as `Table.sortedOrder`
    /// finds it (namespaces numbered, names as packed bytes): the same order, checked on keys
    /// whose strings are prefixes of each other, empty, share long starts (a ReplicaSet's pods
    /// and their events share 15 bytes), differ in case, hold the lowest and highest ASCII
    /// bytes, or lie outside ASCII (keys equal as Strings, the ASCII one first).
    func testAShardsKeysSortedByTheirBytesAreInTheirOrder() {
        var random = SeededRandom(seed: 11)
        var parts = ["", "a", "ab", "abc", "b", "B", "a-b", "a.b", "a~", "\u{7F}", "\u{01}", "0", "9", "é", "e\u{301}", "\u{212A}", "K",
                     "big-5d8f8c9b7-abcde", "big-5d8f8c9b7-abcdf", "big-5d8f8c9b7-abcd", "big-5d8f8c9b7-abcde.18f2a", "big-5d8f8c9b7-abcde.18f2b",
                     "big-5d8f8c9b7-abcde.18f2a0", "big-5d8f8c9b7-\u{212A}bcde", "big-5d8f8c9b7-Kbcde", "default", "kube-system"]
        for _ in 0..<40 {
            let length = Int.random(in: 0..<30, using: &random)
            parts.append(String(decoding: (0..<length).map { _ in UInt8.random(in: 0x20...0x7E, using: &random) }, as: UTF8.self))
        }
        var keys = Set<Table.Key>()
        for namespace in parts { for name in ["", "a", "pod", "pod-1", "pod-10", "pod-2", "K", "\u{212A}"] { keys.insert(Table.Key(namespace: namespace, name: name)) } }
        for name in parts { keys.insert(Table.Key(namespace: "default", name: name)) }
        let all = Array(keys)
        // The order `<` gives, found by comparing every pair (not by a sort that uses it).
        let expected = all.indices.sorted { a, b in
            let x = all[a], y = all[b]
            if x.namespace != y.namespace { return x.namespace < y.namespace }
            if x.name != y.name { return x.name < y.name }
            return x.ascii && !y.ascii
        }.map { all[$0] }
        XCTAssertEqual(Table.sortedOrder(all).map { all[$0] }, expected)
        XCTAssertEqual(all.sorted(), expected)
        // Enough keys to be sorted in parts on every core.
        let many = (0..<10_000).map { Table.Key(namespace: ["default", "kube-system", "a"][$0 % 3], name: "big-5d8f8c9b7-\(String($0 * 7_919 % 10_007, radix: 36))") }
        XCTAssertEqual(Table.sortedOrder(many).map { many[$0] }, many.sorted())
    }

    /// Many objects parsed at once go to the cores in tasks of about 64 kB of their lines
    /// (`StateStore.parseGrain`): 24 kB objects (an EndpointSlice of 100 endpoints) two to a
    /// task, small ones 256, objects held parsed (no line) 256; and a shard of objects held
    /// parsed, to be written as JSON, costs more to write than one of lines serialized ahead
    /// (`Table.writeCost`), so the commit starts it first.
    func testBigObjectsParseInSmallTasksAndDearShardsWriteFirst() throws {
        func object(_ name: String, bytes: Int) -> Resource {
            Resource(Object([
                "apiVersion": .string("v1"), "kind": .string("ConfigMap"),
                "metadata": .object(Object(["name": .string(name), "namespace": .string("default")])),
                "data": .object(Object(["k": .string(String(repeating: "x", count: bytes))])),
            ]))
        }
        func table(_ count: Int, bytes: Int, serialized: Bool) throws -> (Table, [Table.Key]) {
            var table = Table(shardCount: 1, files: [""])
            let keys = (0..<count).map { Table.Key(namespace: "default", name: "o-\($0)") }
            for key in keys {
                let resource = object(key.name, bytes: bytes)
                if serialized {
                    table.set(try Table.entry(serializing: resource), key: key, shard: 0)
                } else {
                    table.set(resource, key: key, shard: 0)
                }
            }
            return (table, keys)
        }
        let (big, bigKeys) = try table(100, bytes: 24_000, serialized: true)
        XCTAssertEqual(StateStore.parseGrain(bigKeys, of: big), 2)
        let (small, smallKeys) = try table(1000, bytes: 10, serialized: true)
        XCTAssertEqual(StateStore.parseGrain(smallKeys, of: small), 256)
        let (held, heldKeys) = try table(10, bytes: 24_000, serialized: false)
        XCTAssertEqual(StateStore.parseGrain(heldKeys, of: held), 256)
        XCTAssertEqual(StateStore.parseGrain([], of: held), 256)
        let (lines, _) = try table(10, bytes: 1_000, serialized: true)
        XCTAssertEqual(held.writeCost(shard: 0), 10 * Table.parsedWriteCost)
        XCTAssertGreaterThan(held.writeCost(shard: 0), lines.writeCost(shard: 0))
        XCTAssertGreaterThan(lines.writeCost(shard: 0), 10 * 1_000, "lines are counted by their bytes")
        XCTAssertEqual(lines.writeCost(shard: 5), 0, "a shard not loaded")
    }

    /// A key's shard is FNV-1a (32 bits) of namespace, `/` and name modulo the shard count, as
    /// states on disk were written (the hash is now made once with the key and kept); keys are
    /// equal when their Strings are, but for an ASCII key and one outside ASCII; two keys whose
    /// hashes collide stay apart.
    func testAKeysShardIsTheHashOfItsTextAndEqualityIsTheTexts() {
        func fnv(_ namespace: String, _ name: String) -> UInt32 {
            (Array(namespace.utf8) + [0x2F] + Array(name.utf8)).reduce(2_166_136_261 as UInt32) { ($0 ^ UInt32($1)) &* 16_777_619 }
        }
        // Pinned: values the earlier form (hashing the strings at every call) gave.
        XCTAssertEqual(Table.Key(namespace: "default", name: "web-0").fnv, 2_243_678_550)
        XCTAssertEqual(Table.shard(of: Table.Key(namespace: "default", name: "web-0"), count: 16), 6)
        XCTAssertEqual(Table.Key(namespace: "", name: "node-1").fnv, 2_803_900_156)
        XCTAssertEqual(Table.shard(of: Table.Key(namespace: "kube-system", name: "é"), count: 1024), 107)
        var random = SeededRandom(seed: 11)
        for _ in 0..<2000 {
            let namespace = ["default", "kube-system", "", "é-ns"][Int.random(in: 0..<4, using: &random)]
            let name = "pod-\(Int.random(in: 0..<1_000_000, using: &random))"
            let key = Table.Key(namespace: namespace, name: name)
            XCTAssertEqual(key.fnv, fnv(namespace, name))
            for count in [1, 2, 16, 1024] {
                XCTAssertEqual(Table.shard(of: key, count: count), count == 1 ? 0 : Int(fnv(namespace, name) % UInt32(count)))
            }
            XCTAssertEqual(key, Table.Key(namespace: String(namespace), name: String(decoding: Array(name.utf8), as: UTF8.self)))
            XCTAssertEqual(key.hashValue, Table.Key(namespace: namespace, name: name).hashValue)
        }
        // "pod-462789" and "pod-679192" in "default" have one hash (found by search).
        let a = Table.Key(namespace: "default", name: "pod-462789"), b = Table.Key(namespace: "default", name: "pod-679192")
        XCTAssertEqual(a.fnv, b.fnv)
        XCTAssertNotEqual(a, b)
        var entries: [Table.Key: Int] = [a: 1, b: 2]
        entries[a] = nil
        XCTAssertEqual(entries[b], 2)
        XCTAssertNil(entries[a])
        XCTAssertNotEqual(Table.Key(namespace: "a", name: "b/c"), Table.Key(namespace: "a/b", name: "c"), "the same hash input, other keys")
        XCTAssertEqual(Table.Key(namespace: "a", name: "b/c").fnv, Table.Key(namespace: "a/b", name: "c").fnv)
        // Keys outside ASCII equal as Strings (canonically equivalent) and not byte for byte
        // are one key, of one hash, as they were when the strings were hashed: "é" as one
        // scalar or two, in the name or the namespace.
        for (x, y) in [("é", "e\u{301}"), ("ns-é", "ns-e\u{301}")] {
            let a = Table.Key(namespace: "default", name: x), b = Table.Key(namespace: "default", name: y)
            XCTAssertNotEqual(a.fnv, b.fnv, "other bytes: \(y)")
            XCTAssertEqual(a, b, y)
            XCTAssertEqual(a.hashValue, b.hashValue, y)
            XCTAssertEqual(Set([a, b]).count, 1, y)
            XCTAssertFalse(a < b || b < a, y)
            let n = Table.Key(namespace: x, name: "n"), m = Table.Key(namespace: y, name: "n")
            XCTAssertEqual(n, m, y)
            XCTAssertEqual(n.hashValue, m.hashValue, y)
        }
        // An ASCII key never equals one outside ASCII: the characters canonically equivalent
        // to an ASCII one (KELVIN SIGN to "K", GREEK QUESTION MARK to ";", GREEK VARIA to "`")
        // make keys of their own, as the API server (comparing bytes) keeps them, ordered
        // after the ASCII one.
        for (x, y) in [("\u{212A}", "K"), ("a\u{37E}b", "a;b"), ("\u{1FEF}", "`"), ("pod-\u{212A}", "pod-K")] {
            let odd = Table.Key(namespace: "default", name: x), ascii = Table.Key(namespace: "default", name: y)
            XCTAssertEqual(x, y, "equal as Strings")
            XCTAssertNotEqual(odd, ascii, y)
            XCTAssertEqual(Set([odd, ascii]).count, 2, y)
            XCTAssertTrue(ascii < odd && !(odd < ascii), y)
        }
        XCTAssertNotEqual(Table.Key(namespace: "default", name: "k"), Table.Key(namespace: "default", name: "K"))
    }

    /// The same through the store, end to end: objects whose names are equal as Strings but
    /// not byte for byte (KELVIN SIGN and "K"; no validated name can hold either, so only a
    /// state written by other means has them) are two objects, written, committed and read
    /// back each with its own content, and deleting one leaves the other; names canonically
    /// equivalent in both forms outside ASCII ("é" as one scalar or two) are one object.
    func testKeysEqualAsStringsButNotAsBytesAreTwoObjectsInTheStore() throws {
        let directory = try temporaryDirectory(self).appendingPathComponent("s").path
        let type = ResourceType.forObject(apiVersion: "v1", kind: "ConfigMap")
        func key(_ name: String) -> ObjectKey { ObjectKey(type: type.storageKey, namespace: "default", name: name) }
        var store = try bareStore(directory)
        try store.create(configMap("K", "ascii"))
        try store.create(configMap("\u{212A}", "kelvin"))
        try store.create(configMap("é", "composed"))
        try store.put(configMap("e\u{301}", "decomposed"), creating: false)
        try store.commit()
        store.close()
        store = try StateStore(directory: directory, writable: true)
        XCTAssertEqual(try store.list(type).count, 3)
        XCTAssertEqual(try store.get(key("K"))?.object["data"]?["k"], .string("ascii"))
        XCTAssertEqual(try store.get(key("\u{212A}"))?.object["data"]?["k"], .string("kelvin"))
        XCTAssertEqual(try store.get(key("é"))?.object["data"]?["k"], .string("decomposed"))
        try store.delete(key("\u{212A}"))
        try store.commit()
        store.close()
        store = try StateStore(directory: directory, writable: false)
        XCTAssertEqual(try store.list(type).compactMap { $0.object["data"]?["k"] }, [.string("ascii"), .string("decomposed")])
        XCTAssertEqual(try store.get(key("K"))?.object["data"]?["k"], .string("ascii"))
        XCTAssertNil(try store.get(key("\u{212A}")))
        store.close()
    }


    /// A shard's objects file and rows file, written in the same order, are read by pairing
    /// their lines by place; files that do not pair so (another order, a key twice, keys
    /// equal as strings but not byte for byte) are matched by key as they always were — the
    /// same entries either way, a later line of a key replacing an earlier one — and a rows
    /// file that does not match is the same error.
    func testShardFilesPairedByPlaceReadAsMatchedByKey() throws {
        typealias Line = (namespace: String, name: String, text: String)
        func read(_ objects: [Line], _ rows: [Line]) throws(StoreError) -> (objects: String, rows: String) {
            let files = ["s.objects": objects.map { "\($0.namespace)\t\($0.name)\t\($0.text)\n" }.joined(),
                         "s.rows": rows.map { "\($0.namespace)\t\($0.name)\t\($0.text)\n" }.joined()]
            let reader = { (path: String) throws(StoreError) -> [UInt8] in Array((files[path] ?? "").utf8) }
            var table = Table(shardCount: 1, files: ["s"])
            try table.load(shard: 0, read: reader)
            let (o, r) = try table.serialized(shard: 0, read: reader)
            return (String(decoding: o, as: UTF8.self), String(decoding: r, as: UTF8.self))
        }
        /// What matching by key gives: each key's last line in each file, keys in order.
        func expected(_ objects: [Line], _ rows: [Line]) -> (objects: String, rows: String) {
            var json: [Table.Key: String] = [:], row: [Table.Key: String] = [:]
            for line in objects { json[Table.Key(namespace: line.namespace, name: line.name)] = line.text }
            for line in rows { row[Table.Key(namespace: line.namespace, name: line.name)] = line.text }
            let keys = json.keys.sorted()
            // (A dictionary keeps the first spelling of a key it is given twice, as the table's.)
            return (keys.map { "\($0.namespace)\t\($0.name)\t\(json[$0] ?? "")\n" }.joined(),
                    keys.map { "\($0.namespace)\t\($0.name)\t\(row[$0] ?? "")\n" }.joined())
        }
        var random = SeededRandom(seed: 21)
        let names = ["a", "b", "cm-1", "cm-10", "cm-9", "é", "e\u{301}", "z"]
        for trial in 0..<200 {
            var objects: [Line] = (0..<Int(random.next() % 6)).map { _ in
                let name = names[Int(random.next() % UInt64(names.count))]
                return (random.next() % 4 == 0 ? "kube-system" : "default", name, "{\"v\":\(random.next() % 100)}")
            }
            if trial % 2 == 0 {
                // Written as the store writes: each key once, in order.
                var seen: Set<Table.Key> = []
                objects = objects.filter { seen.insert(Table.Key(namespace: $0.namespace, name: $0.name)).inserted }
                    .sorted { Table.Key(namespace: $0.namespace, name: $0.name) < Table.Key(namespace: $1.namespace, name: $1.name) }
            }
            var rows: [Line] = objects.map { ($0.namespace, $0.name, "app=\($0.name)\t\($0.name)\u{1F}1/1") }
            switch trial % 5 {
            case 1: rows.reverse()
            case 3: rows = rows.map { ($0.namespace, $0.name == "é" ? "e\u{301}" : $0.name == "e\u{301}" ? "é" : $0.name, $0.text) }
            default: break
            }
            var keys: Set<Table.Key> = []
            for line in objects { keys.insert(Table.Key(namespace: line.namespace, name: line.name)) }
            var rowKeys: Set<Table.Key> = []
            for line in rows { rowKeys.insert(Table.Key(namespace: line.namespace, name: line.name)) }
            guard keys == rowKeys else { continue }
            let got = try read(objects, rows)
            let want = expected(objects, rows)
            XCTAssertEqual(got.objects, want.objects, "trial \(trial)")
            XCTAssertEqual(got.rows, want.rows, "trial \(trial)")
        }
        // Files that do not match are the errors they were.
        let one: [Line] = [("default", "a", "{}"), ("default", "b", "{}")]
        XCTAssertThrowsError(try read(one, [("default", "a", "x\ty")])) { error in
            XCTAssertEqual(error as? StoreError, .damaged(file: "s.rows", reason: "it lists 1 objects, s.objects holds 2"))
        }
        XCTAssertThrowsError(try read(one, [("default", "a", "x\ty"), ("default", "c", "x\ty")])) { error in
            XCTAssertEqual(error as? StoreError, .damaged(file: "s.rows", reason: "it lists c, which s.objects lacks"))
        }
    }

    /// After every object of a type was read in batches (the controllers' load), the lines of
    /// those not changed are let go and read back from the shard files whenever they are
    /// needed: to read an object, to list rows, or to write a shard another object of which
    /// changed. What is read, listed and written is what it was; a shard file that went
    /// meanwhile is a clear error at the commit, with nothing changed.
    func testReleasedLinesAreReadBackWhenNeeded() throws {
        let directory = try committedConfigMaps(1200, named: "cm-%04d")
        let type = ResourceType.forObject(apiVersion: "v1", kind: "ConfigMap")
        var store = try StateStore(directory: directory, writable: false)
        let before = try store.list(type)
        let rowsBefore = try store.listingRows(type)
        store.close()
        func shardFiles() -> [String: String] {
            var files: [String: String] = [:]
            for name in FileIO.filesIn("\(directory)/objects") where name.hasPrefix("ConfigMap_") {
                files[name] = (try? String(contentsOfFile: "\(directory)/objects/\(name)", encoding: .utf8)) ?? ""
            }
            return files
        }

        store = try StateStore(directory: directory, writable: true)
        var seen = 0
        try store.forEachBatch(type, batch: 100, transform: { s in (try? s.resource().get())?.name ?? "" }) { (names: [String]) throws(StoreError) in seen += names.count }
        XCTAssertEqual(seen, 1200)
        // A write and a delete need no lines; a read does.
        try store.put(configMap("cm-0007", "changed"), creating: false)
        try store.delete(ObjectKey(type: type.storageKey, namespace: "default", name: "cm-0008"))
        XCTAssertEqual(try store.get(ObjectKey(type: type.storageKey, namespace: "default", name: "cm-0500")), before[500])
        try store.commit()
        store.close()
        store = try StateStore(directory: directory, writable: false)
        let after = try store.list(type)
        XCTAssertEqual(after.count, 1199)
        XCTAssertEqual(after.filter { $0.name != "cm-0007" }, before.filter { $0.name != "cm-0007" && $0.name != "cm-0008" })
        XCTAssertEqual(after.first { $0.name == "cm-0007" }?.object["data"]?["k"], .string("changed"))
        XCTAssertEqual(try store.listingRows(type).filter { $0.name != "cm-0007" }, rowsBefore.filter { $0.name != "cm-0007" && $0.name != "cm-0008" })
        store.close()

        // A shard every released object of which was written again (a roll replaces all the
        // pods of a shard) has no lines to read back: its files are not read, so the commit
        // succeeds even with them gone, and stores the new objects.
        store = try StateStore(directory: directory, writable: true)
        try store.forEachBatch(type, transform: { s in (try? s.resource().get())?.name ?? "" }) { (_: [String]) throws(StoreError) in }
        let untouched = shardFiles()
        let emptied = try XCTUnwrap(untouched.keys.sorted().first { $0.hasSuffix(".objects") })
        let names = try XCTUnwrap(untouched[emptied]).split(separator: "\n").compactMap { $0.split(separator: "\t").dropFirst().first.map(String.init) }
        XCTAssertGreaterThan(names.count, 100)
        FileIO.remove("\(directory)/objects/\(emptied)")
        for name in names { try store.put(configMap(name, "rewritten"), creating: false) }
        try store.commit()
        store.close()
        store = try StateStore(directory: directory, writable: false)
        let rewritten = try store.list(type)
        XCTAssertEqual(rewritten.count, 1199)
        XCTAssertEqual(rewritten.filter { names.contains($0.name) }.map { $0.object["data"]?["k"] }, names.map { _ in .string("rewritten") })
        XCTAssertEqual(rewritten.filter { !names.contains($0.name) }, after.filter { !names.contains($0.name) })
        store.close()

        // Released lines whose file went: the commit that needs them fails, naming it, and
        // the state is as it was.
        store = try StateStore(directory: directory, writable: true)
        try store.forEachBatch(type, transform: { s in (try? s.resource().get())?.name ?? "" }) { (_: [String]) throws(StoreError) in }
        let filesBefore = shardFiles()
        let victim = try XCTUnwrap(filesBefore.keys.sorted().first { $0.hasSuffix(".objects") })
        let held = try XCTUnwrap(filesBefore[victim])
        FileIO.remove("\(directory)/objects/\(victim)")
        let holder = try XCTUnwrap(held.split(separator: "\n").first?.split(separator: "\t").dropFirst().first.map(String.init))
        try store.put(configMap(holder, "again"), creating: false)
        XCTAssertThrowsError(try store.commit()) { error in
            XCTAssertTrue("\(error)".contains(victim), "\(error)")
        }
        store.close()
        var expected = filesBefore
        expected[victim] = nil
        XCTAssertEqual(shardFiles(), expected)


        // A shard file that lost a line it held when it was read: the same kind of error,
        // naming the file and the object.
        let rebuilt = try temporaryDirectory(self).appendingPathComponent("t").path
        store = try bareStore(rebuilt)
        for i in 0..<600 { try store.create(configMap(String(format: "cm-%04d", i))) }
        try store.commit()
        store.close()
        store = try StateStore(directory: rebuilt, writable: true)
        try store.forEachBatch(type, transform: { s in (try? s.resource().get())?.name ?? "" }) { (_: [String]) throws(StoreError) in }
        let objectsFile = try XCTUnwrap(FileIO.filesIn("\(rebuilt)/objects").sorted().first { $0.hasPrefix("ConfigMap_") && $0.hasSuffix(".objects") })
        let rowsFile = String(objectsFile.dropLast(".objects".count)) + ".rows"
        var objectLines = try String(contentsOfFile: "\(rebuilt)/objects/\(objectsFile)", encoding: .utf8).split(separator: "\n")
        var rowLines = try String(contentsOfFile: "\(rebuilt)/objects/\(rowsFile)", encoding: .utf8).split(separator: "\n")
        let dropped = String(try XCTUnwrap(objectLines.first?.split(separator: "\t").dropFirst().first))
        objectLines.removeFirst()
        rowLines.removeFirst()
        try (objectLines.joined(separator: "\n") + "\n").write(toFile: "\(rebuilt)/objects/\(objectsFile)", atomically: true, encoding: .utf8)
        try (rowLines.joined(separator: "\n") + "\n").write(toFile: "\(rebuilt)/objects/\(rowsFile)", atomically: true, encoding: .utf8)
        let sibling = try XCTUnwrap(objectLines.first?.split(separator: "\t").dropFirst().first.map(String.init))
        try store.put(configMap(sibling, "again"), creating: false)
        XCTAssertThrowsError(try store.commit()) { error in
            XCTAssertTrue("\(error)".contains("\(rebuilt)/objects/\(objectsFile)") && "\(error)".contains("no longer holds default/\(dropped)"), "\(error)")
        }
        store.close()
    }

    /// `list(_:keep: false)`, the cluster's load: the same objects, the table left holding their
    /// lines only (what writing the shard costs shows which: `Table.writeCost`), so that what
    /// the cluster replaces is not held until the save; a read parses the line again, and a
    /// commit writes the others from their lines as they were.
    func testAListNotKeptLeavesTheTableTheLinesAndReadsAndWritesAsAKeptOne() throws {
        let directory = try committedConfigMaps(50, named: "cm-%02d")
        let type = ResourceType.forObject(apiVersion: "v1", kind: "ConfigMap")
        var store = try StateStore(directory: directory, writable: false)
        let kept = try store.list(type)
        XCTAssertEqual(store.tables[type.storageKey]?.writeCost(shard: 0), 50 * Table.parsedWriteCost)
        store.close()

        store = try StateStore(directory: directory, writable: true)
        let listed = try store.list(type, keep: false)
        XCTAssertEqual(listed, kept)
        let lines = try XCTUnwrap(store.tables[type.storageKey]?.writeCost(shard: 0))
        XCTAssertGreaterThan(lines, 50 * 100)
        XCTAssertLessThan(lines, 50 * 1024)
        XCTAssertEqual(try store.get(kept[7].key), kept[7])
        var changed = configMap("cm-03", "changed")
        changed.metadata = kept[3].metadata
        try store.put(changed, creating: false)
        try store.commit()
        store.close()

        store = try StateStore(directory: directory, writable: false)
        let after = try store.list(type)
        XCTAssertEqual(after.count, 50)
        XCTAssertEqual(after.filter { $0.name != "cm-03" }, kept.filter { $0.name != "cm-03" })
        XCTAssertEqual(after.first { $0.name == "cm-03" }?.object["data"]?["k"], .string("changed"))
        store.close()
    }

    /// Deleting many objects at once (`StateStore.delete(_:)` with the keys, as a rollout's save
    /// removes its replaced pods and their events) stores exactly what deleting them one by one
    /// stores: the same files, byte for byte — whether a shard is made again from what it
    /// keeps (a quarter or more of it going) or loses its objects one by one, with keys not
    /// stored, named twice, of two types, and with the shards' lines let go first (as the
    /// cluster reads pods and events). A served store reports each deletion, in order.
    func testDeletingManyAtOnceStoresWhatDeletingOneByOneStores() throws {
        let configMaps = ResourceType.forObject(apiVersion: "v1", kind: "ConfigMap")
        func secret(_ name: String) -> Resource {
            Resource(Object([
                "apiVersion": .string("v1"), "kind": .string("Secret"),
                "metadata": .object(Object(["name": .string(name), "namespace": .string("default")])),
                "data": .object(Object(["k": .string("dg==")])),
            ]))
        }
        func key(_ type: String, _ name: String) -> ObjectKey { ObjectKey(type: type, namespace: "default", name: name) }
        let names = (0..<1500).map { String(format: "cm-%04d", $0) }
        let cases: [(String, keys: [ObjectKey], released: Bool)] = [
            ("every other one: each shard made again", names.enumerated().filter { $0.offset % 2 == 0 }.map { key("ConfigMap", $0.element) }, false),
            ("three: removed one by one", ["cm-0003", "cm-0700", "cm-1499"].map { key("ConfigMap", $0) }, false),
            ("all of them", names.map { key("ConfigMap", $0) }, false),
            ("not stored, twice, two types", [key("ConfigMap", "cm-0001"), key("ConfigMap", "nope"), key("Secret", "s-1"), key("ConfigMap", "cm-0001"),
                                              key("Secret", "s-0")] + names.prefix(800).map { key("ConfigMap", $0) }, false),
            ("every third one, lines let go", names.enumerated().filter { $0.offset % 3 == 0 }.map { key("ConfigMap", $0.element) }, true),
        ]
        let base = try temporaryDirectory(self)
        let seed = base.appendingPathComponent("seed").path
        var store = try bareStore(seed)
        for name in names { try store.create(configMap(name)) }
        for i in 0..<3 { try store.create(secret("s-\(i)")) }
        try store.commit()
        store.close()
        func files(_ directory: String) -> [String: Data] {
            var files: [String: Data] = [:]
            for name in FileIO.filesIn("\(directory)/objects") { files[name] = FileManager.default.contents(atPath: "\(directory)/objects/\(name)") }
            files["state.json"] = FileManager.default.contents(atPath: "\(directory)/state.json")
            return files
        }
        for (n, (name, keys, released)) in cases.enumerated() {
            var results: [[String: Data]] = []
            for together in [false, true] {
                let directory = base.appendingPathComponent("\(n)-\(together)").path
                try FileManager.default.copyItem(atPath: seed, toPath: directory)
                let s = try StateStore(directory: directory, writable: true)
                if released { try s.forEachBatch(configMaps, transform: { _ in 0 }) { (_: [Int]) throws(StoreError) in } }
                if together {
                    try s.delete(keys)
                } else {
                    for key in keys { try s.delete(key) }
                }
                try s.commit()
                s.close()
                results.append(files(directory))
            }
            XCTAssertEqual(results[0], results[1], name)
            let reread = try StateStore(directory: base.appendingPathComponent("\(n)-true").path, writable: false)
            XCTAssertEqual(try reread.list(configMaps).map(\.name), names.filter { !keys.map(\.name).contains($0) }, name)
            reread.close()
        }

        // Served: each deletion is a change its watches see, in the order given.
        let served = base.appendingPathComponent("served").path
        try FileManager.default.copyItem(atPath: seed, toPath: served)
        store = try StateStore(directory: served, writable: true)
        let journal = ChangeJournal(resourceVersion: store.resourceVersion)
        store.journal = journal
        try store.delete([key("ConfigMap", "cm-0009"), key("Secret", "s-2"), key("ConfigMap", "nope"), key("ConfigMap", "cm-0002")])
        guard case .changes(let seen, _) = journal.changes(after: 0, timeout: 0) else { return XCTFail("no changes journaled") }
        XCTAssertEqual(seen.map { "\($0.kind.rawValue) \($0.type) \($0.name)" }, ["DELETED ConfigMap cm-0009", "DELETED Secret s-2", "DELETED ConfigMap cm-0002"])
        store.close()

        // A shard that cannot be read: removing many at once (the shards read on every core)
        // fails with the error removing them one by one meets, and nothing is written.
        var errors: [String] = [], damagedFiles: [String] = []
        for together in [false, true] {
            let directory = base.appendingPathComponent("damaged-\(together)").path
            try FileManager.default.copyItem(atPath: seed, toPath: directory)
            let shardFiles = FileIO.filesIn("\(directory)/objects").filter { $0.hasPrefix("ConfigMap_") && $0.hasSuffix(".objects") }.sorted()
            XCTAssertGreaterThan(shardFiles.count, 2, "the ConfigMaps fill several shards")
            let damaged = "\(directory)/objects/\(shardFiles[1])"
            damagedFiles.append(shardFiles[1])
            try Data("no tabs on this line\n".utf8).write(to: URL(fileURLWithPath: damaged))
            let before = files(directory)
            let s = try StateStore(directory: directory, writable: true)
            do {
                if together {
                    try s.delete(names.map { key("ConfigMap", $0) })
                } else {
                    for name in names { try s.delete(key("ConfigMap", name)) }
                }
                XCTFail("removing from a damaged shard succeeded")
            } catch {
                errors.append("\(error)".replacingOccurrences(of: directory, with: "STATE"))
            }
            s.close()
            XCTAssertEqual(files(directory), before, "nothing written")
        }
        XCTAssertEqual(errors.count, 2)
        XCTAssertEqual(errors.first, errors.last)
        XCTAssertTrue(errors.first?.contains("STATE/objects/\(damagedFiles[0]) is damaged: line 1") == true, errors.first ?? "")
    }

    /// An object prepared ahead on another core (`StateStore.Prepared`, as `Cluster.save`
    /// stores pods and events) is stored exactly as `put` stores it: the same resourceVersion,
    /// the same object read back, the same lines in the shard files, the same listing row.
    /// Objects written prepared (`StateStore.Prepared`), one by one or many at once
    /// (`put(contentsOf:)`, as the cluster's save stores pods and events: each shard's
    /// entries set on a core of its own), store what `put` stores: the same files, read back
    /// the same — a first round into a fresh table, then a second into its shards, changing
    /// some objects and adding others.
    func testPreparedWritesStoreWhatPutStores() throws {
        let root = try temporaryDirectory(self)
        func pod(_ i: Int, image: Int) -> Resource {
            var pod = Resource(Object([
                "apiVersion": .string("v1"), "kind": .string("Pod"),
                "metadata": .object(Object(["name": .string(String(format: "web-%04d", i)), "namespace": .string(i % 2 == 0 ? "default" : "shop"),
                                            "uid": .string("uid-\(i)"), "creationTimestamp": .string("2025-01-01T00:00:00Z")])),
                "spec": .object(Object(["containers": .array([.object(Object(["name": .string("app"), "image": .string("app:\(image)")]))])])),
            ]))
            if i % 3 == 0 { pod.object["status"] = .object(Object(["phase": .string("Running"), "podIP": .string("10.42.0.\(i % 250)")])) }
            if i % 5 == 0 { pod.metadata["labels"] = .object(Object(["app": .string("web"), "tier": .string("front")])) }
            return pod
        }
        let first = (0..<1200).map { pod($0, image: $0 % 4) }
        // Every third changed, and 300 more.
        let second = stride(from: 0, to: 1200, by: 3).map { pod($0, image: 9) } + (1200..<1500).map { pod($0, image: 1) }
        let final = (0..<1500).map { i in i < 1200 && i % 3 != 0 ? first[i] : pod(i, image: i < 1200 ? 9 : 1) }
        var shards: [[String: String]] = []
        var readBack: [[Resource?]] = []
        var rows: [[ListingRow]] = []
        for way in ["put", "prepared", "batch"] {
            let directory = root.appendingPathComponent(way).path
            var store = try bareStore(directory)
            for round in [first, second] {
                switch way {
                case "put":
                    for object in round { try store.put(object, creating: false) }
                case "prepared":
                    for object in round { try store.put(StateStore.Prepared(object, resourceVersion: store.nextResourceVersion)) }
                default:
                    let base = store.nextResourceVersion
                    try store.put(contentsOf: round.indices.map { k throws(StoreError) in try StateStore.Prepared(round[k], resourceVersion: base + k) })
                }
                // Written before anything reads them back (a read keeps the parsed object,
                // which would then be what is written).
                try store.commit()
                store.close()
                store = try StateStore(directory: directory, writable: true)
            }
            store.close()
            let reader = try StateStore(directory: directory, writable: false)
            readBack.append(try final.map { try reader.get($0.key) })
            rows.append(try reader.listingRows(ResourceType.forObject(apiVersion: "v1", kind: "Pod")))
            reader.close()
            var files: [String: String] = [:]
            for name in FileIO.filesIn("\(directory)/objects") where name.hasPrefix("Pod_") {
                files[name] = try String(contentsOfFile: "\(directory)/objects/\(name)", encoding: .utf8)
            }
            XCTAssertEqual(files.count, 8, "\(way): 1,500 pods in four shards of two files")
            shards.append(files)
        }
        XCTAssertEqual(readBack[0].compactMap { $0?.object["spec"] }, final.map { $0.object["spec"] })
        for k in [1, 2] {
            XCTAssertEqual(readBack[k], readBack[0])
            XCTAssertEqual(rows[k], rows[0])
            XCTAssertEqual(shards[k], shards[0])
        }
        XCTAssertEqual(rows[0].count, final.count)
    }

    /// A table made again in fewer shards (8 → 2) and then in more (2 → 8), with its lines let
    /// go first (as the cluster reads pods and events) and a line moved by hand into a shard
    /// its key's hash does not name, holds what a table written afresh with the same objects
    /// holds: the same files' contents, shard for shard. (The old shards are handed to tasks
    /// by residue, `Table.reshardIfNeeded`; the misplaced line is placed after.)
    func testTablesMadeAgainInOtherShardCountsHoldWhatFreshTablesHold() throws {
        let root = try temporaryDirectory(self)
        let type = ResourceType.forObject(apiVersion: "v1", kind: "ConfigMap")
        func contents(_ directory: String) throws -> [String: String] {
            // By shard number (the file names differ in the commit that wrote them), without
            // the resourceVersions (which differ in the writes before).
            var files: [String: String] = [:]
            for name in FileIO.filesIn("\(directory)/objects") where name.hasPrefix("ConfigMap_") {
                let shard = name.split(separator: "_").last.map(String.init) ?? name
                files[shard] = try String(contentsOfFile: "\(directory)/objects/\(name)", encoding: .utf8)
                    .replacingOccurrences(of: #""resourceVersion":"[0-9]+""#, with: "", options: .regularExpression)
            }
            return files
        }
        func same(_ a: [String: String], _ b: [String: String], _ line: UInt = #line) {
            XCTAssertEqual(a.keys.sorted(), b.keys.sorted(), line: line)
            XCTAssertEqual(a.keys.sorted().filter { a[$0] != b[$0] }, [], "shard files that differ", line: line)
        }
        func fresh(_ name: String, _ names: [String]) throws -> [String: String] {
            let directory = root.appendingPathComponent(name).path
            let store = try bareStore(directory)
            for n in names { try store.put(configMap(n, "v-" + n), creating: true) }
            try store.commit()
            store.close()
            return try contents(directory)
        }
        func names(_ range: Range<Int>) -> [String] { range.map { String(format: "cm-%05d", $0) } }
        let directory = root.appendingPathComponent("s").path
        var store = try bareStore(directory)
        for n in names(0..<3000) { try store.put(configMap(n, "v-" + n), creating: true) }
        try store.commit()
        store.close()
        XCTAssertEqual(try contents(directory).count, 16, "3,000 objects: 8 shards")

        // A line moved from shard 0's files into shard 1's, in its sorted place.
        let listed = FileIO.filesIn("\(directory)/objects").filter { $0.hasPrefix("ConfigMap_") }
        func file(_ shard: Int, _ suffix: String) throws -> String { try XCTUnwrap(listed.first { $0.hasSuffix("_\(shard).\(suffix)") }) }
        for suffix in ["objects", "rows"] {
            let from = "\(directory)/objects/\(try file(0, suffix))", to = "\(directory)/objects/\(try file(1, suffix))"
            var source = try String(contentsOfFile: from, encoding: .utf8).split(separator: "\n").map(String.init)
            var target = try String(contentsOfFile: to, encoding: .utf8).split(separator: "\n").map(String.init)
            let moved = source.removeFirst()
            target.append(moved)
            target.sort { $0.split(separator: "\t")[1] < $1.split(separator: "\t")[1] }
            try (source.joined(separator: "\n") + "\n").write(toFile: from, atomically: true, encoding: .utf8)
            try (target.joined(separator: "\n") + "\n").write(toFile: to, atomically: true, encoding: .utf8)
        }

        // Fewer shards: 2,400 go, their lines let go first.
        store = try StateStore(directory: directory, writable: true)
        try store.forEachBatch(type, transform: { s in (try? s.resource().get())?.name ?? "" }) { (_: [String]) throws(StoreError) in }
        try store.delete(type: type.storageKey, names(600..<3000).map { Table.Key(namespace: "default", name: $0) })
        try store.commit()
        store.close()
        same(try contents(directory), try fresh("fewer", names(0..<600)))

        // More shards: 3,000 come.
        store = try StateStore(directory: directory, writable: true)
        try store.forEachBatch(type, transform: { s in (try? s.resource().get())?.name ?? "" }) { (_: [String]) throws(StoreError) in }
        for n in names(3000..<6000) { try store.put(configMap(n, "v-" + n), creating: true) }
        try store.commit()
        store.close()
        same(try contents(directory), try fresh("more", names(0..<600) + names(3000..<6000)))
        let reader = try StateStore(directory: directory, writable: false)
        XCTAssertEqual(try reader.listingRows(type).map(\.name), names(0..<600) + names(3000..<6000))
        reader.close()
    }

    func testFilesAreOwnerOnly() throws {
        let directory = try temporaryDirectory(self).appendingPathComponent("s").path
        let store = try bareStore(directory)
        try store.create(configMap("a"))
        try store.commit()
        store.close()
        for file in ["state.json", "lock"] + FileIO.filesIn("\(directory)/objects").map({ "objects/\($0)" }) {
            let mode = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: "\(directory)/\(file)")[.posixPermissions] as? Int)
            XCTAssertEqual(mode & 0o077, 0, "\(file) is mode \(String(mode, radix: 8))")
        }
    }

    func testDamagedAndForeignStatesGiveClearErrors() throws {
        let root = try temporaryDirectory(self)
        let directory = root.appendingPathComponent("s").path
        try bareStore(directory).close()
        let manifest = "\(directory)/state.json"
        let original = try String(contentsOfFile: manifest, encoding: .utf8)
        try "{\"apiVersion\": ".write(toFile: manifest, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try StateStore(directory: directory, writable: false)) { error in
            XCTAssertTrue("\(error)".hasPrefix("state file \(manifest) is damaged: not valid JSON"), "\(error)")
        }
        try "{\"kind\": \"Config\", \"apiVersion\": \"v1\"}".write(toFile: manifest, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try StateStore(directory: directory, writable: false)) { error in
            XCTAssertTrue("\(error)".contains("is not a rollout state"), "\(error)")
        }
        try original.write(toFile: manifest, atomically: true, encoding: .utf8)
        let shard = try XCTUnwrap(FileIO.filesIn("\(directory)/objects").first { $0.hasPrefix("Node_") })
        try "\tnode-1\t{\"trunc".write(toFile: "\(directory)/objects/\(shard)", atomically: true, encoding: .utf8)
        let store = try StateStore(directory: directory, writable: false)
        XCTAssertThrowsError(try store.list(ResourceType.forObject(apiVersion: "v1", kind: "Node"))) { error in
            XCTAssertTrue("\(error)".contains("objects/\(shard) is damaged"), "\(error)")
        }
        store.close()
        let foreign = root.appendingPathComponent("home").path
        try FileManager.default.createDirectory(atPath: foreign, withIntermediateDirectories: true)
        try "notes".write(toFile: "\(foreign)/notes.txt", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try bareStore(foreign)) { error in
            XCTAssertTrue("\(error)".contains("is not a rollout state: it holds other files (notes.txt)"), "\(error)")
        }
    }

    func testTruncatedOrGarbledShardsAreErrorsNotCrashes() throws {
        let directory = try temporaryDirectory(self).appendingPathComponent("s").path
        var store = try bareStore(directory)
        for i in 0..<20 { try store.create(configMap("cm-\(i)")) }
        try store.commit()
        store.close()
        let type = ResourceType.forObject(apiVersion: "v1", kind: "ConfigMap")
        var random = SeededRandom(seed: 99)
        for file in FileIO.filesIn("\(directory)/objects") where file.hasPrefix("ConfigMap_") {
            let path = "\(directory)/objects/\(file)"
            let original = try Data(contentsOf: URL(fileURLWithPath: path))
            for _ in 0..<60 {
                var bytes = [UInt8](original)
                switch random.next() % 3 {
                case 0: bytes = Array(bytes.prefix(Int(random.next() % UInt64(bytes.count))))
                case 1: bytes[Int(random.next() % UInt64(bytes.count))] = [0x09, 0x0A, 0x7B, 0x22, 0x00][Int(random.next() % 5)]
                default: bytes.insert(0x0A, at: Int(random.next() % UInt64(bytes.count)))
                }
                try Data(bytes).write(to: URL(fileURLWithPath: path))
                store = try StateStore(directory: directory, writable: false)
                // Either readable or a clear damage report; never a crash.
                do { _ = try store.list(type); _ = try store.listingRows(type) } catch {
                    XCTAssertTrue("\(error)".contains("is damaged"), "\(error)")
                }
                store.close()
            }
            try original.write(to: URL(fileURLWithPath: path))
        }
    }

    // MARK: through the binary

    func testDamagedStateIsExitOneNamingTheFile() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: RolloutRun.binary.path))
        let directory = try temporaryDirectory(self).appendingPathComponent("s").path
        XCTAssertEqual(try RolloutRun.run(["get", "ns", "--state", directory]).status, 0)
        try "garbage".write(toFile: "\(directory)/state.json", atomically: true, encoding: .utf8)
        let run = try RolloutRun.run(["get", "deploy", "--state", directory])
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.stderr.hasPrefix("error: state file \(directory)/state.json is damaged"), run.stderr)
    }

    /// A commit that cannot write a file (here a file-size limit, as a full disk would) stops
    /// before the manifest names anything new: exit 1 naming the file and saying nothing was
    /// stored, the state as it was (the file it could not write removed), and the next commit
    /// stores everything, leaving no file its manifest does not name. (Without SIGXFSZ
    /// ignored, the limit killed the process: exit 153, no message.)
    func testACommitThatCannotWriteStoresNothingAndSaysSo() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: RolloutRun.binary.path))
        let root = try temporaryDirectory(self)
        let directory = root.appendingPathComponent("s").path
        XCTAssertEqual(try RolloutRun.run(["cluster", "info", "--state", directory]).status, 0)
        // 300 ConfigMaps: their table's shard is some 70 KB, past a limit of 8 blocks (4 or 8 KB).
        let manifest = root.appendingPathComponent("cms.yaml")
        try (1...300).map { "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-\($0)}\ndata: {k: \(String(repeating: "x", count: 200))}\n" }
            .joined().write(to: manifest, atomically: true, encoding: .utf8)
        let manifestBefore = try Data(contentsOf: URL(fileURLWithPath: "\(directory)/state.json"))
        let filesBefore = FileIO.list("\(directory)/objects")
        let failed = try RolloutRun.run(["apply", "-f", manifest.path, "--state", directory], fileSizeLimit: 8)
        XCTAssertEqual(failed.status, 1, failed.stderr)
        XCTAssertEqual(failed.stdout, "")
        XCTAssertTrue(failed.stderr.hasPrefix("error: \(directory)/objects/ConfigMap_"), failed.stderr)
        XCTAssertTrue(failed.stderr.hasSuffix(": cannot write: File too large; nothing was stored: the state is as it was before this change\n"), failed.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: "\(directory)/state.json")), manifestBefore)
        XCTAssertEqual(FileIO.list("\(directory)/objects"), filesBefore)
        // (The root CA publisher's ConfigMap is the namespace's only one.)
        XCTAssertEqual(try RolloutRun.run(["get", "cm", "-o", "name", "--state", directory]).stdout, "configmap/kube-root-ca.crt\n")

        let stored = try RolloutRun.run(["apply", "-f", manifest.path, "--state", directory])
        XCTAssertEqual(stored.status, 0, stored.stderr)
        XCTAssertEqual(try RolloutRun.run(["get", "cm", "-o", "name", "--state", directory]).stdout.split(separator: "\n").count, 301)
        // Every file in objects/ is one the manifest names (a table's shards, objects and
        // rows, and its templates).
        let state = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(directory)/state.json"))) as? [String: Any]
        var named: Set<String> = []
        for case let table as [String: Any] in (state?["tables"] as? [String: Any] ?? [:]).values {
            for case let shard as String in table["shards"] as? [Any] ?? [] where !shard.isEmpty { named.formUnion(["\(shard).objects", "\(shard).rows"]) }
            if let templates = table["templates"] as? String, !templates.isEmpty { named.insert("\(templates).templates") }
        }
        XCTAssertEqual(Set(FileIO.list("\(directory)/objects")), named)
    }

    func testParallelAppliesAllLand() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: RolloutRun.binary.path))
        let root = try temporaryDirectory(self)
        let directory = root.appendingPathComponent("s").path
        XCTAssertEqual(try RolloutRun.run(["cluster", "info", "--state", directory]).status, 0)
        var processes: [Process] = []
        let count = 12
        for i in 0..<count {
            let manifest = root.appendingPathComponent("cm\(i).yaml")
            try "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-\(i)\ndata:\n  n: \"\(i)\"\n".write(to: manifest, atomically: true, encoding: .utf8)
            let process = Process()
            process.executableURL = RolloutRun.binary
            process.arguments = ["apply", "-f", manifest.path, "--state", directory]
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            processes.append(process)
        }
        for process in processes {
            process.waitUntilExit()
            XCTAssertEqual(process.terminationStatus, 0)
        }
        let names = try RolloutRun.run(["get", "cm", "-o", "name", "--state", directory]).stdout
        XCTAssertEqual(Set(names.split(separator: "\n").map(String.init)), Set((0..<count).map { "configmap/cm-\($0)" } + ["configmap/kube-root-ca.crt"]))
        let json = try RolloutRun.run(["get", "cm", "-o", "json", "--state", directory]).stdout
        let versions = json.components(separatedBy: "\"resourceVersion\": \"").dropFirst().map { $0.prefix { $0 != "\"" } }
        XCTAssertEqual(Set(versions).count, count + 2, "every write got its own resourceVersion (plus the root CA ConfigMap's and the List's empty one)")
    }

    func testWriterKilledAtAnyInstantLeavesALoadableState() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: RolloutRun.binary.path))
        let root = try temporaryDirectory(self)
        let directory = root.appendingPathComponent("s").path
        XCTAssertEqual(try RolloutRun.run(["cluster", "info", "--state", directory]).status, 0)
        var random = SeededRandom(seed: 7)
        var committed = 1  // the root CA publisher's ConfigMap
        for round in 0..<12 {
            // A batch big enough that a kill often lands mid-commit.
            let batch = (0..<1500).map { "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"r\(round)-\($0)\"},\"data\":{\"k\":\"\(String(repeating: "x", count: 200))\"}}" }
            let manifest = root.appendingPathComponent("batch\(round).json")
            try "{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[\(batch.joined(separator: ","))]}".write(to: manifest, atomically: true, encoding: .utf8)
            let process = Process()
            process.executableURL = RolloutRun.binary
            process.arguments = ["apply", "-f", manifest.path, "--state", directory]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            usleep(UInt32(20_000 + random.next() % 400_000))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let run = try RolloutRun.run(["get", "cm", "-o", "name", "--state", directory])
            XCTAssertEqual(run.status, 0, "round \(round): \(run.stderr)")
            let count = run.stdout.split(separator: "\n").count
            XCTAssertTrue(count == committed || count == committed + 1500, "round \(round): \(count) objects, expected \(committed) or \(committed + 1500)")
            committed = count
        }
    }
}

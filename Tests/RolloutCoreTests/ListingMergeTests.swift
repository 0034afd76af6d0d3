import XCTest
@testable import RolloutCore

/// `get` on a sharded table: each shard's rows are read (on every core) as a run already in the
/// API server's order, and the printer merges the runs as it prints instead of sorting and
/// laying out one whole table first. These check that the merge and the streamed layout give
/// exactly what one sort and Go's tab writer give.
final class ListingMergeTests: XCTestCase {
    /// The merge of k runs sorted by their keys' bytes is the stable sort of their
    /// concatenation: equal keys in run order, prefixes first, one run as it is, empty runs
    /// skipped.
    func testSortedRunsMergeAsOneStableSort() {
        var random = SeededRandom(seed: 14)
        let alphabet = ["a", "b", "z", "-", "0", "9", "é"]
        for runCount in [0, 1, 2, 3, 5, 17, 64] {
            var runs: [[(key: String, origin: Int)]] = []
            for run in 0..<runCount {
                let size = Int(random.next() % 40)
                runs.append((0..<size).map { _ in
                    let length = Int(random.next() % 4)
                    return ((0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }.joined(), run)
                }.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) })
            }
            var keys = SortedRuns()
            for run in runs { keys.addRun(count: run.count) { index, append in append(run[index].key) } }
            var merged: [(key: String, origin: Int)] = []
            keys.merge { run, index in merged.append(runs[run][index]) }
            let expected = runs.flatMap { $0 }.enumerated().sorted { a, b in
                a.element.key == b.element.key ? a.offset < b.offset : a.element.key.utf8.lexicographicallyPrecedes(b.element.key.utf8)
            }.map(\.element)
            XCTAssertEqual(merged.map(\.key), expected.map(\.key), "\(runCount) runs")
            XCTAssertEqual(merged.map(\.origin), expected.map(\.origin), "\(runCount) runs: equal keys keep the order of their runs")
        }
        // One run comes out in its own order, sorted or not (events are listed by time).
        let unsorted = ["c", "a", "b"]
        var keys = SortedRuns()
        keys.addRun(count: 0) { _, _ in }
        keys.addRun(count: unsorted.count) { index, append in append(unsorted[index]) }
        var order: [String] = []
        keys.merge { run, index in order.append(unsorted[index]) }
        XCTAssertEqual(order, unsorted)
        // A namespace before the longer ones it begins: "kube" < "kube-system".
        let rows = [[ListingRow(namespace: "kube-system", name: "a", labels: [:], cells: [])],
                    [ListingRow(namespace: "kube", name: "z", labels: [:], cells: [])]]
        XCTAssertEqual(ListingRow.merged(rows).map(\.namespace), ["kube", "kube-system"])
    }

    /// A row's cells survive the store's encoding: text (outside ASCII too, and empty), times
    /// (none, before 1970), restarts with and without a last restart.
    func testCellsRoundTripThroughTheStoresEncoding() {
        let cells: [ListingRow.Cell] = [.text("web-0"), .text(""), .text("ünï 日本"), .age(nil), .age(Timestamp(milliseconds: 1_735_689_600_000)),
                                        .age(Timestamp(milliseconds: -5_000)), .restarts(0, last: nil), .restarts(6, last: Timestamp(milliseconds: 42)),
                                        .text("<none>")]
        let row = ListingRow(namespace: "default", name: "web-0", labels: [:], cells: cells)
        XCTAssertEqual(ListingRow.decodeCells(ArraySlice(row.encodedCells.utf8)), cells)
        XCTAssertEqual(ListingRow.decodeCells(ArraySlice("".utf8)), [.text("")])
        // The shard reader hands the row's name over to share: same cells.
        let encoded = Array(row.encodedCells.utf8)
        XCTAssertEqual(encoded.withUnsafeBufferPointer { ListingRow.decodeCells($0, name: "web-0") }, cells)
        XCTAssertEqual(encoded.withUnsafeBufferPointer { ListingRow.decodeCells($0, name: "ünï 日本") }, cells)
    }

    /// The row the store keeps is written as bytes; they are the text the joined strings it
    /// replaces made: labels `key=value` in key order, cells cut at their first line break (`\n`,
    /// `\r`, a form feed — a CR LF pair's CR) with `...` as printTable cuts them, separator
    /// characters and tabs made spaces, times and restarts as numbers.
    func testRowBytesAreTheJoinedStringsTheyReplace() {
        func oldCells(_ cells: [ListingRow.Cell]) -> String {
            cells.map { cell in
                switch cell {
                case .text(let s):
                    // (By scalars: "\r\n" is one Character.)
                    var kept = String.UnicodeScalarView()
                    for scalar in s.unicodeScalars {
                        if scalar == "\n" || scalar == "\r" || scalar == "\u{0C}" { return String(kept) + "..." }
                        kept.append(["\u{1F}", "\u{01}", "\u{02}", "\t"].contains(scalar) ? " " : scalar)
                    }
                    return String(kept)
                case .age(let t): return "\u{01}" + (t.map { String($0.milliseconds) } ?? "")
                case .restarts(let n, let last): return "\u{02}\(n)" + (last.map { ",\($0.milliseconds)" } ?? "")
                }
            }.joined(separator: "\u{1F}")
        }
        func oldLabels(_ labels: [String: String]) -> String {
            labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "\u{1F}")
        }
        let texts = ["", "web-0", "a\tb", "line\nnext", "crlf\r\ncut", "feed\u{0C}x", "\u{1F}\u{01}\u{02}", "ünï 日本", "<none>"]
        let rows: [ListingRow] = [
            ListingRow(namespace: "default", name: "web-0", labels: [:], cells: []),
            ListingRow(namespace: "default", name: "web-0", labels: ["app": "web", "pod-template-hash": "5d4f", "a": ""],
                       cells: texts.map { .text($0) } + [.age(nil), .age(Timestamp(milliseconds: -5_000)), .restarts(0, last: nil),
                                                         .restarts(12, last: Timestamp(milliseconds: 1_735_689_600_000))]),
            ListingRow(namespace: "default", name: "x", labels: ["ü": "日本"], cells: [.restarts(3, last: nil)]),
        ]
        for row in rows {
            XCTAssertEqual(row.encodedCells, oldCells(row.cells))
            XCTAssertEqual(row.encodedLabels, oldLabels(row.labels))
            var bytes: [UInt8] = []
            row.appendEncoded(into: &bytes)
            XCTAssertEqual(bytes, Array((oldLabels(row.labels) + "\t" + oldCells(row.cells)).utf8))
        }
    }

    private func podRow(_ namespace: String, _ name: String, restarts: Int = 0, age: Int) -> ListingRow {
        ListingRow(namespace: namespace, name: name, labels: ["app": "web"],
                   cells: [.text(name), .text("1/1"), .text("Running"),
                           .restarts(restarts, last: restarts > 0 ? Timestamp(milliseconds: 1_000_000) : nil),
                           .age(Timestamp(milliseconds: age)), .text("10.42.0.\(name.count)"), .text("node-\(name.count % 3)"),
                           .text("<none>"), .text("<none>")])
    }

    /// Runs laid out as they stream equal Go's tab writer on the merged, sorted rows, for
    /// narrow, wide, -A and --show-labels tables, with names of every width (and a name
    /// outside ASCII: the tab writer counts runes); the first piece is the header and the
    /// first row alone, so it can be printed before the rest is laid out.
    func testStreamedTableEqualsTheTabWriterOnTheSortedRows() {
        let pods = ResourceType.forObject(apiVersion: "v1", kind: "Pod")
        let names = ["web-0", "a-much-longer-name-for-a-pod-0123456789", "web-10", "web-9", "db-x", "zz", "ünïcode-pod", "kube-proxy-abc"]
        var rows: [ListingRow] = []
        for (i, name) in names.enumerated() {
            rows.append(podRow(i % 2 == 0 ? "default" : "kube-system", name, restarts: i % 3, age: i * 7_000_000))
        }
        // Split as shards are: by hash, each shard sorted.
        var runs = Array(repeating: [ListingRow](), count: 3)
        for (i, row) in rows.enumerated() { runs[(i * 7) % 3].append(row) }
        runs = runs.map(ListingRow.inKeyOrder)
        let sorted = rows.sorted(by: ListingRow.precedes)
        XCTAssertEqual(ListingRow.merged(runs).map(\.name), sorted.map(\.name))
        let now = Timestamp(milliseconds: 90_000_000)
        for options in [TableOptions(), TableOptions(wide: true), TableOptions(allNamespaces: true),
                        TableOptions(wide: true, showLabels: true, allNamespaces: true)] {
            var writer = TabWriter()
            for line in TablePrinter.lines(rows: sorted, type: pods, now: now, options: options) { writer.add(line) }
            var pieces: [String] = []
            TablePrinter.write(runs: runs, type: pods, now: now, options: options) { pieces.append($0) }
            XCTAssertEqual(pieces.joined(), writer.render(), "\(options)")
            XCTAssertEqual(pieces.first?.split(separator: "\n").count, 2, "the header and the first row come first, alone")
        }
    }

    /// A shard's rows file, read as bytes and printed without a string per cell, prints what
    /// the same rows print from memory: every option (a kind prefix, label columns, labels),
    /// times and restarts at `now`, and a load balancer's addresses whole (the API server's
    /// table convertor prints wide, so loadBalancerStatusStringer never cuts them); the file's
    /// lines out of order are put in the API server's order; a namespace and a selector keep
    /// what they name.
    func testRowsReadFromAFilePrintAsTheSameRowsInMemory() throws {
        let path = try temporaryDirectory(self).appendingPathComponent("shard.rows").path
        let pods = ResourceType.forObject(apiVersion: "v1", kind: "Pod")
        let services = ResourceType.forObject(apiVersion: "v1", kind: "Service")
        var podRows = ["web-9", "web-10", "ünïcode-pod", "db-x"].enumerated().map { i, name in
            podRow(i % 2 == 0 ? "default" : "kube-system", name, restarts: i, age: i * 5_000_000)
        }
        podRows[1].labels = ["app": "db", "tier": "backend"]
        let serviceRows = [("lb", "LoadBalancer", "a-very-long-hostname.example.com"), ("short", "LoadBalancer", "1.2.3.4"),
                           ("np", "NodePort", "a-very-long-hostname.example.com")].map { name, kind, external in
            ListingRow(namespace: "default", name: name, labels: ["app": name],
                       cells: [.text(name), .text(kind), .text("10.43.0.1"), .text(external), .text("80:30080/TCP"),
                               .age(Timestamp(milliseconds: 1_000)), .text("app=\(name)")])
        }
        let now = Timestamp(milliseconds: 90_000_000)
        for (type, rows) in [(pods, podRows), (services, serviceRows)] {
            var file: [UInt8] = []
            for row in rows.reversed() {
                file += Array("\(row.namespace)\t\(row.name)\t\(row.encodedLabels)\t\(row.encodedCells)\n".utf8)
            }
            try FileIO.writeAtomically(file, to: path, syncDirectory: false)
            let sorted = rows.sorted(by: ListingRow.precedes)
            let run = try ListingRun.reading(file: path, namespace: nil)
            XCTAssertEqual(run.rows, sorted)
            var kindAndLabels = TableOptions(allNamespaces: true, showKind: true)
            kindAndLabels.labelColumns = ["tier", "app"]
            kindAndLabels.showLabels = true
            for options in [TableOptions(), TableOptions(wide: true), kindAndLabels] {
                var fromFile = "", fromMemory = ""
                TablePrinter.write(runs: [run], type: type, now: now, options: options) { fromFile += $0 }
                TablePrinter.write(runs: [sorted], type: type, now: now, options: options) { fromMemory += $0 }
                XCTAssertEqual(fromFile, fromMemory, "\(type.kind) \(options)")
                if type.kind == "Service" {
                    XCTAssertFalse(fromFile.contains("a-very-long-h..."), fromFile)
                    XCTAssertTrue(fromFile.contains("a-very-long-hostname.example.com   80:30080/TCP"), fromFile)
                }
            }
            XCTAssertEqual(try ListingRun.reading(file: path, namespace: "kube-system").rows, sorted.filter { $0.namespace == "kube-system" })
            XCTAssertEqual(run.filter { $0["app"] == "db" }.rows, sorted.filter { $0.labels["app"] == "db" })
        }
        let text = { (options: TableOptions) in
            var text = ""
            TablePrinter.write(runs: [try ListingRun.reading(file: path, namespace: nil)], type: services, now: now, options: options) { text += $0 }
            return text
        }
        var options = TableOptions(showKind: true)
        options.labelColumns = ["app"]
        XCTAssertEqual(try text(options), """
            NAME            TYPE           CLUSTER-IP   EXTERNAL-IP                        PORT(S)        AGE   APP
            service/lb      LoadBalancer   10.43.0.1    a-very-long-hostname.example.com   80:30080/TCP   24h   lb
            service/np      NodePort       10.43.0.1    a-very-long-hostname.example.com   80:30080/TCP   24h   np
            service/short   LoadBalancer   10.43.0.1    1.2.3.4                            80:30080/TCP   24h   short

            """)
    }

    /// A rows file cut short or with a line missing its fields is reported as damaged, with
    /// the file and the line, never read as rows.
    func testDamagedRowsFileNamesTheFileAndLine() throws {
        let path = try temporaryDirectory(self).appendingPathComponent("shard.rows").path
        let good = "default\tweb-0\tapp=web\tweb-0\u{1F}1/1\n"
        for (text, reason) in [(good + "default\tweb-1\tapp=web\tweb-1", "line 2 is not terminated (the file was cut short)"),
                               ("default\tweb-0\tweb-0\n", "line 1 does not have the namespace, name, labels, cells fields")] {
            try FileIO.writeAtomically(Array(text.utf8), to: path, syncDirectory: false)
            XCTAssertThrowsError(try ListingRun.reading(file: path, namespace: nil)) { error in
                XCTAssertEqual(error as? StoreError, .damaged(file: path, reason: reason))
            }
        }
        try FileIO.writeAtomically(Array(good.utf8), to: path, syncDirectory: false)
        XCTAssertEqual(try ListingRun.reading(file: path, namespace: nil).rows.map(\.name), ["web-0"])
    }

    /// Rows with fewer cells than the table's columns (a row stored before a column was added)
    /// make Go's tab writer lay out blocks of lines; the streamed layout hands those tables to
    /// the tab writer whole.
    func testRaggedRowsAreLaidOutByTheTabWritersBlocks() {
        let pods = ResourceType.forObject(apiVersion: "v1", kind: "Pod")
        let now = Timestamp(milliseconds: 90_000_000)
        let short = ListingRow(namespace: "default", name: "b-short", labels: [:], cells: [.text("b-short"), .text("1/1")])
        let runs = [[podRow("default", "a-long-name-here", age: 0)], [short], [podRow("default", "c", age: 5_000)]]
        var writer = TabWriter()
        for line in TablePrinter.lines(rows: ListingRow.merged(runs), type: pods, now: now, options: TableOptions()) { writer.add(line) }
        var text = ""
        TablePrinter.write(runs: runs, type: pods, now: now, options: TableOptions()) { text += $0 }
        XCTAssertEqual(text, writer.render())
        XCTAssertTrue(text.contains("\nb-short            1/1\nc                  1/1   Running"), text)
    }

    /// A table of several shards lists as one, in the API server's byte order, whichever
    /// shard each object landed in.
    func testShardedStoreListsRunsThatMergeInByteOrder() throws {
        let directory = try temporaryDirectory(self).appendingPathComponent("s").path
        var store = try bareStore(directory)
        for i in 0..<1300 {
            // Lengths and digits chosen so that numeric and byte order differ (cm-9 > cm-10).
            let name = "cm-\(i * 7919 % 1300)"
            try store.create(Resource(Object([
                "apiVersion": .string("v1"), "kind": .string("ConfigMap"),
                "metadata": .object(Object(["name": .string(name), "namespace": .string(i % 4 == 0 ? "kube-system" : "default")])),
            ])))
        }
        try store.commit()
        store.close()
        store = try StateStore(directory: directory, writable: false)
        defer { store.close() }
        let type = ResourceType.forObject(apiVersion: "v1", kind: "ConfigMap")
        let runs = try store.listingRuns(type)
        XCTAssertEqual(runs.count, 4, "1300 objects at 512 per shard")
        for run in runs { XCTAssertEqual(ListingRow.inKeyOrder(run.rows).map(\.name), run.rows.map(\.name), "each shard's rows are in key order") }
        let rows = try store.listingRows(type)
        XCTAssertEqual(rows.count, 1300)
        let expected = rows.sorted { a, b in
            a.namespace == b.namespace ? a.name.utf8.lexicographicallyPrecedes(b.name.utf8) : a.namespace.utf8.lexicographicallyPrecedes(b.namespace.utf8)
        }
        XCTAssertEqual(rows.map { "\($0.namespace)/\($0.name)" }, expected.map { "\($0.namespace)/\($0.name)" })
        XCTAssertEqual(rows.prefix(3).map { "\($0.namespace)/\($0.name)" }, ["default/cm-1", "default/cm-10", "default/cm-1001"])
        XCTAssertEqual(try store.listingRows(type, namespace: "kube-system").count, 325)
    }

    /// The run a merge hands out first, found from the runs' parts before they are laid end
    /// to end (so `get` can print its first row first), is the merge's first: the least first
    /// key, the lower run between equal keys, empty runs passed over.
    func testFirstRunIsTheMergesFirst() {
        var random = SeededRandom(seed: 32)
        let alphabet = ["a", "b", "-", "é"]
        for trial in 0..<300 {
            let runCount = 1 + Int(random.next() % 9)
            var parts: [SortedRuns] = []
            for _ in 0..<runCount {
                let size = Int(random.next() % 4)
                let keys = (0..<size).map { _ in
                    (0..<Int(random.next() % 3)).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }.joined()
                }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
                var part = SortedRuns()
                part.addRun(count: keys.count) { index, append in append(keys[index]) }
                parts.append(part)
            }
            var all = SortedRuns()
            for part in parts { all.append(part) }
            var first: Int?
            all.merge { run, _ in if first == nil { first = run } }
            XCTAssertEqual(SortedRuns.firstRun(among: parts), first, "trial \(trial)")
        }
        XCTAssertNil(SortedRuns.firstRun(among: []))
        XCTAssertNil(SortedRuns.firstRun(among: [SortedRuns()]))
    }

    /// A restarts cell is read without splitting it when it is spelled as the store writes it
    /// (digits, a comma, digits or nothing); every spelling reads as the split of it reads
    /// (`Int(String)` of the first two pieces between commas, empty pieces dropped).
    func testRestartsCellsReadAsTheirSplit() {
        func split(_ text: String) -> ListingRow.Cell {
            let fields = text.split(separator: ",")
            return .restarts(fields.first.flatMap { Int($0) } ?? 0, last: fields.count > 1 ? Int(fields[1]).map { Timestamp(milliseconds: $0) } : nil)
        }
        var texts = ["0,", "3,", "12,1735689600000", "0,0", "007,42", ",5", "", ",", "3", "-1,", "+2,7", "3,4,5", "3,,5", "3,x", "x,3",
                     "99999999999999999999,", "1,99999999999999999999", "999999999999999999,999999999999999999", "1 ,2", "١,2"]
        var random = SeededRandom(seed: 5)
        let pieces = ["0", "1", "9", ",", "-", "+", " ", "12345678901234567890"]
        for _ in 0..<2_000 {
            texts.append((0..<Int(random.next() % 6)).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined())
        }
        for text in texts {
            XCTAssertEqual(ListingRow.decodeCells(ArraySlice(("\u{02}" + text).utf8)), [split(text)], text)
        }
    }

    /// Ages are kept by their whole seconds in a small table; times whose seconds share the
    /// table's slot (256 apart), times within one second, and a time after `now` each print
    /// kubectl's `HumanDuration` of their own age.
    func testAgesPrintTheirOwnDurationWhateverTheyShareASlotWith() {
        let pods = ResourceType.forObject(apiVersion: "v1", kind: "Pod")
        let now = Timestamp(milliseconds: 10_000_000_000)
        let ages = [0, 256_000, 512_000, 255_999, 256_999, 1_000, 1_999, 3_600_000, 3_600_000 + 256_000, 86_400_000 * 3, -500, -2_500, 0]
        let rows = ages.enumerated().map { i, age in
            ListingRow(namespace: "default", name: "pod-\(i < 10 ? "0" : "")\(i)", labels: [:],
                       cells: [.text("pod-\(i < 10 ? "0" : "")\(i)"), .text("1/1"), .text("Running"), .restarts(0, last: nil),
                               .age(Timestamp(milliseconds: now.milliseconds - age))])
        }
        var text = ""
        TablePrinter.write(runs: [rows], type: pods, now: now, options: TableOptions()) { text += $0 }
        let printed = text.split(separator: "\n").dropFirst().map { $0.split(separator: " ").last.map(String.init) ?? "" }
        XCTAssertEqual(printed, ages.map { humanDuration(milliseconds: $0) })
        XCTAssertEqual(printed.prefix(4), ["0s", "4m16s", "8m32s", "4m15s"])
        // Times no API server writes (a damaged rows file can hold any number) print as the
        // farthest ages instead of overflowing.
        let far = ListingRow(namespace: "default", name: "far", labels: [:],
                             cells: [.text("far"), .text("1/1"), .text("Running"), .restarts(2, last: Timestamp(milliseconds: .min)),
                                     .age(Timestamp(milliseconds: .min + 5))])
        var farText = ""
        TablePrinter.write(runs: [[far]], type: pods, now: now, options: TableOptions()) { farText += $0 }
        let farthest = humanDuration(milliseconds: .max)
        XCTAssertTrue(farText.hasSuffix("far    1/1     Running   2 (\(farthest) ago)   \(farthest)\n"), farText)
    }

    /// A shard's rows file is mapped, not copied: its rows read as the bytes do, an empty file
    /// reads as no rows, and a file replaced (as the store replaces files, by renaming a new
    /// one over it) after it was read leaves the rows read as they were.
    func testMappedRowsFileKeepsTheBytesItWasReadWith() throws {
        let directory = try temporaryDirectory(self)
        let path = directory.appendingPathComponent("shard.rows").path
        try FileIO.writeAtomically([], to: path, syncDirectory: false)
        XCTAssertEqual(try ListingRun.reading(file: path, namespace: nil).count, 0)
        let rows = (0..<2_000).map { podRow("default", "web-\($0)", age: $0 * 1_000) }.sorted(by: ListingRow.precedes)
        var file: [UInt8] = []
        for row in rows { file += Array("\(row.namespace)\t\(row.name)\t\(row.encodedLabels)\t\(row.encodedCells)\n".utf8) }
        try FileIO.writeAtomically(file, to: path, syncDirectory: false)
        let run = try ListingRun.reading(file: path, namespace: nil)
        try FileIO.writeAtomically(Array("default\tother\t\tother\n".utf8), to: path, syncDirectory: false)
        XCTAssertEqual(run.rows, rows)
        XCTAssertEqual(try ListingRun.reading(file: path, namespace: nil).rows.map(\.name), ["other"])
        let bytes = FileBytes(Array("abc".utf8))
        XCTAssertEqual(bytes.withUnsafeBufferPointer { Array($0) }, Array("abc".utf8))
        XCTAssertEqual(FileBytes([]).withUnsafeBufferPointer { $0.count }, 0)
    }
}

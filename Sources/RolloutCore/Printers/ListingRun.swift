#if canImport(Glibc)
import Glibc
#endif

/// A run of listing rows in the API server's order, as `get` prints them: a shard's rows file
/// as it was read (its bytes, and where each row's fields lie in them: no string is made per
/// cell until one is asked for), or rows made in memory (objects listed by name, events).
public struct ListingRun: Sendable {
    /// Where one line of a rows file holds its fields:
    /// `namespace TAB name TAB labels TAB cells` (`Table`'s rows files).
    struct Fields: Sendable {
        var start: Int32, nameStart: Int32, labelsStart: Int32, cellsStart: Int32, end: Int32
    }

    private enum Storage: Sendable {
        case encoded(bytes: FileBytes, rows: [Fields])
        case rows([ListingRow])
    }

    private var storage: Storage

    public init(rows: [ListingRow]) { storage = .rows(rows) }

    public var count: Int {
        switch storage {
        case .encoded(_, let rows): return rows.count
        case .rows(let rows): return rows.count
        }
    }

    public var isEmpty: Bool { count == 0 }

    /// About how many bytes the rows' cells take (the file's size, for a file's rows).
    var byteCount: Int {
        switch storage {
        case .encoded(let bytes, _): return bytes.count
        case .rows(let rows): return rows.count * 64
        }
    }

    /// Row `index`, its cells and labels decoded.
    public func row(_ index: Int) -> ListingRow {
        switch storage {
        case .rows(let rows): return rows[index]
        case .encoded(let bytes, let rows):
            let f = rows[index]
            return bytes.withUnsafeBufferPointer { b in
                let name = String(decoding: Self.slice(b, f.nameStart, f.labelsStart - 1), as: UTF8.self)
                return ListingRow(namespace: String(decoding: Self.slice(b, f.start, f.nameStart - 1), as: UTF8.self), name: name,
                                  labels: ListingRow.decodeLabels(Self.slice(b, f.labelsStart, f.cellsStart - 1)),
                                  cells: ListingRow.decodeCells(Self.slice(b, f.cellsStart, f.end), name: name))
            }
        }
    }

    public var rows: [ListingRow] { (0..<count).map(row) }

    public func name(_ index: Int) -> String {
        switch storage {
        case .rows(let rows): return rows[index].name
        case .encoded(let bytes, let rows):
            let f = rows[index]
            return bytes.withUnsafeBufferPointer { String(decoding: Self.slice($0, f.nameStart, f.labelsStart - 1), as: UTF8.self) }
        }
    }

    /// The rows whose labels `keep` accepts, in the same order.
    public func filter(labels keep: ([String: String]) -> Bool) -> ListingRun {
        switch storage {
        case .rows(let rows): return ListingRun(rows: rows.filter { keep($0.labels) })
        case .encoded(let bytes, let rows):
            let kept = bytes.withUnsafeBufferPointer { b in
                rows.filter { f in keep(ListingRow.decodeLabels(Self.slice(b, f.labelsStart, f.cellsStart - 1))) }
            }
            return ListingRun(storage: .encoded(bytes: bytes, rows: kept))
        }
    }

    private init(storage: Storage) { self.storage = storage }

    /// Formats the rows of `range` (every row when nil), in order, into `lines`
    /// (`TablePrinter.LineFormat`): a file's rows from their bytes where they lie.
    func format<Sink: LineSink>(_ range: Range<Int>? = nil, with format: inout TablePrinter.LineFormat, into lines: inout Sink) {
        switch storage {
        case .encoded(let bytes, let rows):
            bytes.withUnsafeBufferPointer { b in
                for f in rows[range ?? rows.indices] {
                    format.append(namespace: Self.slice(b, f.start, f.nameStart - 1),
                                  cells: ListingRow.EncodedCells(Self.slice(b, f.cellsStart, f.end)),
                                  labels: { ListingRow.decodeLabels(Self.slice(b, f.labelsStart, f.cellsStart - 1)) }, to: &lines)
                }
            }
        case .rows(let rows):
            for row in rows[range ?? rows.indices] {
                var namespace = row.namespace
                namespace.withUTF8 { namespace in
                    format.append(namespace: namespace, cells: DecodedCells(cells: row.cells), labels: { row.labels }, to: &lines)
                }
            }
        }
    }

    /// A row's cells made in memory, as the printer reads them.
    struct DecodedCells: IteratorProtocol {
        let cells: [ListingRow.Cell]
        var index = 0

        mutating func next() -> ListingRow.CellView? {
            guard index < cells.count else { return nil }
            defer { index += 1 }
            switch cells[index] {
            case .text(let text): return .string(text)
            case .age(let t): return .age(t)
            case .restarts(let n, let last): return .restarts(n, last: last)
            }
        }
    }

    /// The rows' keys (namespace, NUL, name), packed for merging (`SortedRuns`).
    func keys() -> SortedRuns {
        var keys = SortedRuns()
        switch storage {
        case .rows(let rows):
            keys.addRun(count: rows.count) { index, append in
                append(rows[index].namespace)
                append("\u{0}")
                append(rows[index].name)
            }
        case .encoded(let bytes, let rows):
            bytes.withUnsafeBufferPointer { b in
                for f in rows { keys.addKey(Self.slice(b, f.start, f.nameStart - 1), Self.slice(b, f.nameStart, f.labelsStart - 1)) }
            }
            keys.endRun()
        }
        return keys
    }

    /// Runs each in the API server's order (a table's shards), as one list in that order.
    public static func merged(_ runs: [ListingRun]) -> [ListingRow] {
        var rows: [ListingRow] = []
        rows.reserveCapacity(runs.reduce(0) { $0 + $1.count })
        forEachMerged(runs) { run, index in rows.append(runs[run].row(index)) }
        return rows
    }

    /// Calls `body(run, index)` for every row of `runs`, merged in the API server's order.
    public static func forEachMerged(_ runs: [ListingRun], _ body: (_ run: Int, _ index: Int) -> Void) {
        if runs.count == 1 {
            for index in 0..<runs[0].count { body(0, index) }
            return
        }
        keys(runs).merge(body)
    }

    /// The runs' keys, packed on every core.
    static func keys(_ runs: [ListingRun]) -> SortedRuns {
        let shared = ReadOnly(runs)
        var all = SortedRuns()
        for part in Parallel.map(runs.count, { i in shared.value[i].keys() }) { all.append(part) }
        return all
    }

    private static func slice(_ b: UnsafeBufferPointer<UInt8>, _ from: Int32, _ to: Int32) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: b[Int(from)..<Int(to)])
    }

    /// The rows of a shard's rows file (`namespace TAB name TAB labels TAB cells` lines, written
    /// sorted), `namespace` nil for all, in the API server's order (sorted here when the file
    /// is not).
    static func reading(file path: String, namespace: String?) throws(StoreError) -> ListingRun {
        let bytes = try FileIO.mapped(path)
        guard bytes.count < Int(Int32.max) else {
            throw .damaged(file: path, reason: "it holds \(bytes.count) bytes, more than a rows file can (2 GiB)")
        }
        var rows: [Fields] = []
        let wanted = namespace.map { Array($0.utf8) }
        try bytes.withUnsafeBufferPointer { (buffer: UnsafeBufferPointer<UInt8>) throws(StoreError) in
            guard let base = buffer.baseAddress else { return }
            var lineStart = 0
            var lineNumber = 0
            var sorted = true
            while lineStart < buffer.count {
                lineNumber += 1
                guard let newline = memchr(base + lineStart, 0x0A, buffer.count - lineStart) else {
                    throw .damaged(file: path, reason: "line \(lineNumber) is not terminated (the file was cut short)")
                }
                let lineEnd = base.distance(to: newline.assumingMemoryBound(to: UInt8.self))
                // The first three tabs (namespace, name, labels).
                var tabs = (0, 0, 0)
                var found = 0
                var i = lineStart
                while found < 3, i < lineEnd, let tab = memchr(base + i, 0x09, lineEnd - i) {
                    let position = base.distance(to: tab.assumingMemoryBound(to: UInt8.self))
                    switch found {
                    case 0: tabs.0 = position
                    case 1: tabs.1 = position
                    default: tabs.2 = position
                    }
                    found += 1
                    i = position + 1
                }
                guard found == 3 else {
                    throw .damaged(file: path, reason: "line \(lineNumber) does not have the namespace, name, labels, cells fields")
                }
                let fields = Fields(start: Int32(lineStart), nameStart: Int32(tabs.0 + 1), labelsStart: Int32(tabs.1 + 1),
                                    cellsStart: Int32(tabs.2 + 1), end: Int32(lineEnd))
                if wanted.map({ wanted in wanted.withUnsafeBufferPointer { ByteOrder.equal(slice(buffer, fields.start, fields.nameStart - 1), $0) } }) ?? true {
                    if sorted, let last = rows.last { sorted = precedes(last, fields, in: buffer) }
                    rows.append(fields)
                }
                lineStart = lineEnd + 1
            }
            if !sorted { rows.sort { precedes($0, $1, in: buffer) } }
        }
        return ListingRun(storage: .encoded(bytes: bytes, rows: rows))
    }

    /// The API server's order: by namespace, then name, byte by byte (`ListingRow.precedes`).
    private static func precedes(_ a: Fields, _ b: Fields, in buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        let namespaceA = slice(buffer, a.start, a.nameStart - 1), namespaceB = slice(buffer, b.start, b.nameStart - 1)
        if !ByteOrder.equal(namespaceA, namespaceB) { return ByteOrder.precedes(namespaceA, namespaceB) }
        return ByteOrder.precedes(slice(buffer, a.nameStart, a.labelsStart - 1), slice(buffer, b.nameStart, b.labelsStart - 1))
    }
}

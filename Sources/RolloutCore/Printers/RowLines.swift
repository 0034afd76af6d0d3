/// Where `TablePrinter.LineFormat` puts a row's cells, one after another, then ends the line:
/// the cells kept as bytes (`RowLines`), only their widths counted (`CellWidths`), or the
/// lines laid out in known columns (`PaddedLines`).
protocol LineSink {
    mutating func add(_ cell: UnsafeBufferPointer<UInt8>)
    /// A cell of two parts (a kind prefix and a name).
    mutating func add(_ first: [UInt8], _ second: UnsafeBufferPointer<UInt8>)
    mutating func endLine()
}

extension LineSink {
    mutating func add(_ cell: String) {
        var cell = cell
        cell.withUTF8 { add($0) }
    }
}

/// A table's lines as bytes, each line's cells laid end to end in one buffer with where each
/// cell ends: the rows of a table whose lines differ in length, handed to the tab writer
/// (`TablePrinter.write`), and `TablePrinter.lines`.
struct RowLines: LineSink, Sendable {
    private var bytes: [UInt8] = []
    /// Where each cell ends in `bytes`; a cell starts where the one before it ends.
    private var cellEnds: [Int] = []
    /// How many cells there are up to the end of each line.
    private var lineEnds: [Int] = []

    var count: Int { lineEnds.count }

    mutating func add(_ cell: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: cell)
        cellEnds.append(bytes.count)
    }

    mutating func add(_ first: [UInt8], _ second: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: first)
        bytes.append(contentsOf: second)
        cellEnds.append(bytes.count)
    }

    mutating func endLine() { lineEnds.append(cellEnds.count) }

    /// Line `index`'s cells as strings.
    func line(_ index: Int) -> [String] {
        let cells = (index == 0 ? 0 : lineEnds[index - 1])..<lineEnds[index]
        return cells.map { String(decoding: bytes[($0 == 0 ? 0 : cellEnds[$0 - 1])..<cellEnds[$0]], as: UTF8.self) }
    }
}

/// Only the widest cell of each column (`TabWriter.Widths`), for the lines' layout before
/// any line is kept: what `get` needs before it can print its first line.
struct CellWidths: LineSink, Sendable {
    private var current: [Int] = []
    private(set) var widths = TabWriter.Widths()

    mutating func add(_ cell: UnsafeBufferPointer<UInt8>) { current.append(TabWriter.width(cell)) }

    mutating func add(_ first: [UInt8], _ second: UnsafeBufferPointer<UInt8>) {
        current.append(first.withUnsafeBufferPointer(TabWriter.width) + TabWriter.width(second))
    }

    mutating func endLine() {
        widths.add(line: current)
        current.removeAll(keepingCapacity: true)
    }
}

/// Lines laid out in columns of known widths as they are added, every cell but a line's
/// last padded to its column's width, as Go's tabwriter lays out a table whose lines have
/// the same number of cells (`TabWriter.append`): a table's shard formatted on its core,
/// ready to be merged by copying.
struct PaddedLines: LineSink, Sendable {
    private let columns: [Int]
    private var bytes: [UInt8] = []
    /// Where each line ends in `bytes` (after its newline).
    private var lineEnds: [Int] = []
    /// The spaces owed after the line's last cell, should another cell follow it.
    private var pad = 0
    /// The column of the next cell.
    private var column = 0

    init(columns: [Int], rows: Int = 0, bytes: Int = 0) {
        self.columns = columns
        self.bytes.reserveCapacity(bytes)
        lineEnds.reserveCapacity(rows)
    }

    var count: Int { lineEnds.count }

    private mutating func cellAdded(width: Int) {
        pad = column < columns.count ? columns[column] - width : 0
        column += 1
    }

    private mutating func padBefore() {
        if column > 0 && pad > 0 { bytes.append(contentsOf: repeatElement(0x20, count: pad)) }
    }

    mutating func add(_ cell: UnsafeBufferPointer<UInt8>) {
        padBefore()
        bytes.append(contentsOf: cell)
        cellAdded(width: TabWriter.width(cell))
    }

    mutating func add(_ first: [UInt8], _ second: UnsafeBufferPointer<UInt8>) {
        padBefore()
        bytes.append(contentsOf: first)
        bytes.append(contentsOf: second)
        cellAdded(width: first.withUnsafeBufferPointer(TabWriter.width) + TabWriter.width(second))
    }

    mutating func endLine() {
        bytes.append(0x0A)
        lineEnds.append(bytes.count)
        pad = 0
        column = 0
    }

    /// Line `index`, its newline included, appended to `out`.
    func append(_ index: Int, to out: inout [UInt8]) {
        let start = index == 0 ? 0 : lineEnds[index - 1]
        bytes.withUnsafeBufferPointer { out.append(contentsOf: UnsafeBufferPointer(rebasing: $0[start..<lineEnds[index]])) }
    }
}

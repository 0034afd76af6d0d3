/// A table's lines as bytes: each line's cells laid end to end in one buffer, with where each
/// cell ends, and the widest cell of each column counted as cells are added
/// (`TabWriter.Widths`). `TablePrinter` formats a run of rows into one of these on each core,
/// so printing 150,000 rows makes no string per cell.
struct RowLines: Sendable {
    private var bytes: [UInt8] = []
    /// Where each cell ends in `bytes`; a cell starts where the one before it ends.
    private var cellEnds: [Int] = []
    /// How many cells there are up to the end of each line.
    private var lineEnds: [Int] = []
    /// The cells' widths of the line being added.
    private var current: [Int] = []
    private(set) var widths = TabWriter.Widths()

    init() {}

    /// Room for `rows` lines of `cells` cells and `bytes` bytes, made once.
    init(rows: Int, cells: Int, bytes: Int) {
        self.bytes.reserveCapacity(bytes)
        cellEnds.reserveCapacity(rows * cells)
        lineEnds.reserveCapacity(rows)
        current.reserveCapacity(cells)
    }

    var count: Int { lineEnds.count }

    mutating func add(_ cell: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: cell)
        cellEnds.append(bytes.count)
        current.append(TabWriter.width(cell))
    }

    /// A cell of two parts (a kind prefix and a name).
    mutating func add(_ first: [UInt8], _ second: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: first)
        bytes.append(contentsOf: second)
        cellEnds.append(bytes.count)
        current.append(first.withUnsafeBufferPointer(TabWriter.width) + TabWriter.width(second))
    }

    mutating func add(_ cell: String) {
        var cell = cell
        cell.withUTF8 { add($0) }
    }

    mutating func endLine() {
        lineEnds.append(cellEnds.count)
        widths.add(line: current)
        current.removeAll(keepingCapacity: true)
    }

    private func cells(of line: Int) -> Range<Int> {
        (line == 0 ? 0 : lineEnds[line - 1])..<lineEnds[line]
    }

    private func cellStart(_ cell: Int) -> Int { cell == 0 ? 0 : cellEnds[cell - 1] }

    /// Line `index`'s cells as strings.
    func line(_ index: Int) -> [String] {
        cells(of: index).map { String(decoding: bytes[cellStart($0)..<cellEnds[$0]], as: UTF8.self) }
    }

    /// Line `index` laid out in columns of `widths` (`TabWriter.append`): every cell but the
    /// last padded to its column's width.
    func append(_ index: Int, widths: [Int], to out: inout [UInt8]) {
        let range = cells(of: index)
        bytes.withUnsafeBufferPointer { b in
            for cell in range {
                let text = UnsafeBufferPointer(rebasing: b[cellStart(cell)..<cellEnds[cell]])
                out.append(contentsOf: text)
                let j = cell - range.lowerBound
                if cell < range.upperBound - 1 && j < widths.count {
                    let pad = widths[j] - TabWriter.width(text)
                    if pad > 0 { out.append(contentsOf: repeatElement(0x20, count: pad)) }
                }
            }
        }
        out.append(0x0A)
    }
}

/// Go's `text/tabwriter` (no flags, space padding): cells end at `\t`; a column's width is
/// decided per block of consecutive lines that have a cell in that column. kubectl's tables
/// use minwidth 6 and padding 3 (cli-runtime `GetNewTabWriter`: tabwriterMinWidth 6,
/// tabwriterPadding 3; KUBERNETES-scheduling-traffic.md §10 (f), and what kubectl-oracle's
/// `get` prints), `describe` minwidth 0 and padding 2.
public struct TabWriter {
    private var lines: [[String]] = []
    let minWidth: Int
    let padding: Int

    public init(minWidth: Int = 6, padding: Int = 3) {
        self.minWidth = minWidth
        self.padding = padding
    }

    /// A row of cells: all but the last end in a tab.
    public mutating func add(_ cells: [String]) { lines.append(cells) }

    /// Text with `\t` between cells and `\n` ending lines, split at those bytes as Go's
    /// tabwriter splits them (a `\r` before a `\n` stays in its cell: the String's CR LF
    /// character is not split at), without a Substring per line and cell (`describe pods` of
    /// 15,000 pods spent half its time splitting).
    public mutating func write(_ text: String) {
        text.withUTF8Bytes { bytes in
            var cells: [String] = []
            var start = 0
            func cell(_ end: Int) -> String { String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self) }
            for i in bytes.indices {
                switch bytes[i] {
                case 0x09:
                    cells.append(cell(i))
                    start = i + 1
                case 0x0A:
                    cells.append(cell(i))
                    lines.append(cells)
                    cells = []
                    start = i + 1
                default:
                    continue
                }
            }
            if start < bytes.count || !cells.isEmpty {
                cells.append(cell(bytes.count))
                lines.append(cells)
            }
        }
    }

    public func render() -> String {
        var out: [UInt8] = []
        var widths: [Int] = []
        format(&out, &widths, 0, lines.count)
        return String(decoding: out, as: UTF8.self)
    }

    /// Go's tabwriter counts runes: Unicode scalars, not grapheme clusters — in UTF-8, the
    /// bytes that do not continue a scalar.
    static func width(_ cell: String) -> Int {
        var cell = cell
        return cell.withUTF8(width)
    }

    static func width(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var count = 0
        for byte in bytes where byte & 0xC0 != 0x80 { count += 1 }
        return count
    }

    private func format(_ out: inout [UInt8], _ widths: inout [Int], _ start: Int, _ end: Int) {
        var line0 = start
        let column = widths.count
        var this = start
        while this < end {
            if column >= lines[this].count - 1 { this += 1; continue }
            writeLines(&out, widths, line0, this)
            line0 = this
            var width = minWidth
            while this < end, column < lines[this].count - 1 {
                width = max(width, Self.width(lines[this][column]) + padding)
                this += 1
            }
            widths.append(width)
            format(&out, &widths, line0, this)
            widths.removeLast()
            line0 = this
        }
        writeLines(&out, widths, line0, end)
    }

    private func writeLines(_ out: inout [UInt8], _ widths: [Int], _ start: Int, _ end: Int) {
        guard start < end else { return }
        for line in lines[start..<end] { Self.append(line, widths: widths, to: &out) }
    }

    /// One line laid out in columns of `widths`: every cell but the last padded to its
    /// column's width.
    static func append(_ line: [String], widths: [Int], to out: inout [UInt8]) {
        for (j, cell) in line.enumerated() {
            out.appendUTF8(cell)
            if j < line.count - 1 && j < widths.count {
                out.append(contentsOf: repeatElement(0x20, count: max(0, widths[j] - width(cell))))
            }
        }
        out.append(0x0A)
    }

    /// The widest cell of each column over lines that may be counted apart (a table's shards
    /// on different cores) and added up. When every line has the same number of cells, Go's
    /// blocks are the whole table and each column is as wide as its widest cell plus the
    /// padding (at least the minimum width), the last column unpadded; `columns` gives those
    /// widths, or nil when the lines differ in length and only `render` lays them out right.
    struct Widths: Sendable {
        private var cellCount: Int?
        private var ragged = false
        private var widest: [Int] = []

        init() {}

        init(_ lines: [[String]]) {
            for line in lines { add(line: line.map(TabWriter.width)) }
        }

        /// One more line, given the width of each of its cells.
        mutating func add(line widths: [Int]) {
            guard !ragged else { return }
            guard let cellCount else {
                cellCount = widths.count
                widest = widths
                return
            }
            guard widths.count == cellCount else { ragged = true; return }
            for j in widest.indices where widths[j] > widest[j] { widest[j] = widths[j] }
        }

        mutating func add(_ other: Widths) {
            guard let count = other.cellCount else { return }
            guard let cellCount else { self = other; return }
            guard !ragged, !other.ragged, count == cellCount else { ragged = true; return }
            for j in widest.indices { widest[j] = max(widest[j], other.widest[j]) }
        }

        func columns(minWidth: Int = 6, padding: Int = 3) -> [Int]? {
            guard !ragged, let cellCount else { return nil }
            return widest.prefix(max(0, cellCount - 1)).map { max(minWidth, $0 + padding) }
        }
    }
}

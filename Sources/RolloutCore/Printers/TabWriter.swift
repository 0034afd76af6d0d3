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

    /// Text with `\t` between cells and `\n` ending lines.
    public mutating func write(_ text: String) {
        var parts = text.split(separator: "\n", omittingEmptySubsequences: false)
        if parts.last == "" { parts.removeLast() }
        for line in parts { lines.append(line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)) }
    }

    public func render() -> String {
        var out: [UInt8] = []
        var widths: [Int] = []
        format(&out, &widths, 0, lines.count)
        return String(decoding: out, as: UTF8.self)
    }

    /// Go's tabwriter counts runes: Unicode scalars, not grapheme clusters — in UTF-8, the
    /// bytes that do not continue a scalar.
    private static func width(_ cell: String) -> Int {
        var count = 0
        for byte in cell.utf8 where byte & 0xC0 != 0x80 { count += 1 }
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
        for line in lines[start..<end] {
            for (j, cell) in line.enumerated() {
                out.append(contentsOf: cell.utf8)
                if j < line.count - 1 && j < widths.count {
                    for _ in 0..<max(0, widths[j] - Self.width(cell)) { out.append(0x20) }
                }
            }
            out.append(0x0A)
        }
    }
}

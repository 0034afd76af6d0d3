/// A position in an input file: 1-based line and column (columns count Unicode scalars).
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }
}

/// A position inside the scanner's buffer: byte offset plus 0-based line and column.
struct Mark: Sendable {
    var index: Int
    var line: Int
    var column: Int

    static let zero = Mark(index: 0, line: 0, column: 0)
}

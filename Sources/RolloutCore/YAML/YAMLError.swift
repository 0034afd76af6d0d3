/// A YAML syntax error or a violated limit, with the spot it happened at.
public struct YAMLError: Error, Sendable, CustomStringConvertible {
    public var location: SourceLocation
    public var message: String
    /// The text of the offending line, for the caret display; nil when unknown.
    public var sourceLine: String?

    public init(location: SourceLocation, message: String, sourceLine: String? = nil) {
        self.location = location
        self.message = message
        self.sourceLine = sourceLine
    }

    /// `file:line:column: message`, the source line, and a caret under the column.
    public var description: String {
        var text = "\(location): \(message)"
        if let excerpt = Self.caretExcerpt(line: sourceLine, column: location.column) {
            text += "\n" + excerpt
        }
        return text
    }

    /// The source line (shortened around the column when very long) with a caret line under it.
    static func caretExcerpt(line: String?, column: Int) -> String? {
        guard let line else { return nil }
        var scalars = Array(line.unicodeScalars)
        var caretColumn = max(column - 1, 0)
        let window = 100
        var prefix = ""
        if scalars.count > window * 2 {
            // One-line JSON files can be megabytes long: show only the part around the spot.
            let start = max(0, min(caretColumn - window / 2, scalars.count - window))
            let end = min(scalars.count, start + window)
            scalars = Array(scalars[start..<end])
            caretColumn -= start
            if start > 0 { prefix = "..."; caretColumn += 3 }
        }
        var shown = prefix
        shown.unicodeScalars.append(contentsOf: scalars)
        // Keep tabs in the caret line so the caret lines up under tabbed text.
        var caret = String(repeating: " ", count: prefix.count)
        for (offset, scalar) in scalars.enumerated() where offset + prefix.count < caretColumn {
            caret.append(scalar == "\t" ? "\t" : " ")
        }
        if caret.count < caretColumn { caret += String(repeating: " ", count: caretColumn - caret.count) }
        return "  " + shown + "\n  " + caret + "^"
    }
}

/// A non-fatal finding, such as a duplicate mapping key.
public struct YAMLWarning: Sendable, CustomStringConvertible, Equatable {
    public var location: SourceLocation
    public var message: String

    public var description: String { "\(location): warning: \(message)" }
}

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
        // Control characters are shown escaped (`\x1b`), never sent to the terminal; the caret
        // moves by what is shown. Tabs stay in the caret line so it lines up under tabbed text.
        var shown = prefix
        var caret = String(repeating: " ", count: prefix.count)
        for (offset, scalar) in scalars.enumerated() {
            let piece = scalar == "\t" ? "\t" : GoQuote.escapingControls(String(scalar))
            shown += piece
            if offset + prefix.count < caretColumn {
                caret += scalar == "\t" ? "\t" : String(repeating: " ", count: piece.unicodeScalars.count)
            }
        }
        // A column past the end of the line (a missing value at the line's end).
        caret += String(repeating: " ", count: max(0, caretColumn - prefix.count - scalars.count))
        return "  " + shown + "\n  " + caret + "^"
    }
}

/// A non-fatal finding, such as a duplicate mapping key.
public struct YAMLWarning: Sendable, CustomStringConvertible, Equatable {
    public var location: SourceLocation
    public var message: String

    public var description: String { "\(location): warning: \(message)" }
}

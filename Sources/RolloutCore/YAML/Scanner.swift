/// Turns YAML bytes into tokens.
///
/// The structure follows libyaml's scanner (simple keys, an indentation stack, token insertion
/// for implicit keys), with the YAML 1.2 rules libyaml gets wrong put right: `:` and `?` inside
/// plain scalars, JSON-like keys followed by an adjacent `:`, multi-line keys in flow mappings,
/// tabs as separation after indicators, and flow content indented under its block.
struct Scanner {
    private struct SimpleKey {
        var possible = false
        var required = false
        var tokenNumber = 0
        var mark = Mark.zero
    }

    let source: SourceText
    /// The input followed by zero padding, so a few bytes of look-ahead never go out of range.
    private let buffer: [UInt8]
    private let end: Int

    private var mark = Mark.zero
    private var tokens: [Token] = []
    private var head = 0
    private var tokensParsed = 0
    private var streamStartProduced = false
    private var streamEndProduced = false

    private var indent = -1
    private var indents: [Int] = []
    private var simpleKeyAllowed = false
    private var simpleKeys: [SimpleKey] = []
    /// `[` or `{` for each open flow collection, innermost last.
    private var flowStack: [UInt8] = []
    /// The last token was a quoted scalar or a closed flow collection, after which a `:` is a
    /// value indicator even without a following space (YAML 1.2 "JSON-like" keys).
    private var adjacentValueAllowed = false
    /// Some token already started on the current line (so a tab here is separation, not indentation).
    private var tokenOnLine = false
    /// The whitespace just skipped held a tab (which may not indent a nested block collection).
    private var tabBeforeToken = false

    let rules: YAMLSyntaxRules

    init(source: SourceText, rules: YAMLSyntaxRules) throws(YAMLError) {
        self.source = source
        self.rules = rules
        self.buffer = source.paddedBytes
        self.end = source.byteCount
        try source.validateCharacters()
        if end >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF {
            mark.index = 3
        }
    }

    // MARK: - Public interface

    /// The next token without consuming it.
    mutating func peek() throws(YAMLError) -> Token {
        try fetchMoreTokensIfNeeded()
        return tokens[head]
    }

    /// The type of the next token, without copying its payload.
    mutating func peekType() throws(YAMLError) -> TokenType {
        try fetchMoreTokensIfNeeded()
        return tokens[head].kind.type
    }

    /// Where the next token starts and ends.
    mutating func peekMarks() throws(YAMLError) -> (start: Mark, end: Mark) {
        try fetchMoreTokensIfNeeded()
        return (tokens[head].start, tokens[head].end)
    }

    /// Consumes the next token without returning it.
    mutating func skip() throws(YAMLError) {
        try fetchMoreTokensIfNeeded()
        consumeHead()
    }

    /// Consumes and returns the next token.
    @discardableResult
    mutating func next() throws(YAMLError) -> Token {
        try fetchMoreTokensIfNeeded()
        let token = tokens[head]
        consumeHead()
        return token
    }

    /// Moves past the head token; consumed tokens are dropped once they are most of the queue,
    /// so the queue holds what lies ahead, not the whole document (issue 9: memory on one
    /// huge document).
    private mutating func consumeHead() {
        head += 1
        tokensParsed += 1
        if head >= 1024 && head * 2 > tokens.count {
            tokens.removeFirst(head)
            head = 0
        }
    }

    func error(_ message: String, at mark: Mark) -> YAMLError {
        source.error(message, at: mark)
    }

    // MARK: - Token queue

    private var flowLevel: Int { flowStack.count }
    private var inFlowMapping: Bool { flowStack.last == UInt8(ascii: "{") }

    /// `tokensParsed` for which the queue's head is known to be final (no pending implicit key
    /// could still insert a token before it).
    private var readyAt = -1

    private mutating func fetchMoreTokensIfNeeded() throws(YAMLError) {
        if readyAt == tokensParsed { return }
        while true {
            var needMore = head >= tokens.count
            if !needMore {
                try staleSimpleKeys()
                for key in simpleKeys where key.possible && key.tokenNumber == tokensParsed {
                    needMore = true
                    break
                }
            }
            if !needMore { readyAt = tokensParsed; return }
            if streamEndProduced { return }
            try fetchNextToken()
        }
    }

    private mutating func append(_ kind: TokenKind, _ start: Mark) {
        tokens.append(Token(kind: kind, start: start, end: mark))
        tokenOnLine = true
    }

    private mutating func fetchNextToken() throws(YAMLError) {
        if !streamStartProduced {
            streamStartProduced = true
            simpleKeyAllowed = true
            simpleKeys.append(SimpleKey())
            append(.streamStart, mark)
            return
        }
        try scanToNextToken()
        try staleSimpleKeys()
        unrollIndent(to: mark.column)

        let c = byte(0)
        if mark.index >= end { return try fetchStreamEnd() }
        if mark.column == 0 {
            if c == UInt8(ascii: "%") { return try fetchDirective() }
            if isDocumentIndicator(UInt8(ascii: "-")) { return try fetchDocumentIndicator(.documentStart) }
            if isDocumentIndicator(UInt8(ascii: ".")) { return try fetchDocumentIndicator(.documentEnd) }
        }
        let next = byte(1)
        let wasAdjacentAllowed = adjacentValueAllowed
        adjacentValueAllowed = false
        switch c {
        case UInt8(ascii: "["): return try fetchFlowCollectionStart(.flowSequenceStart)
        case UInt8(ascii: "{"): return try fetchFlowCollectionStart(.flowMappingStart)
        case UInt8(ascii: "]"): return try fetchFlowCollectionEnd(.flowSequenceEnd)
        case UInt8(ascii: "}"): return try fetchFlowCollectionEnd(.flowMappingEnd)
        case UInt8(ascii: ","): return try fetchFlowEntry()
        case UInt8(ascii: "-") where isBlankOrEnd(1): return try fetchBlockEntry()
        case UInt8(ascii: "?") where isBlankOrEnd(1) || (flowLevel > 0 && isFlowIndicator(next)):
            return try fetchKey()
        case UInt8(ascii: ":") where isBlankOrEnd(1) || (flowLevel > 0 && (isFlowIndicator(next) || wasAdjacentAllowed)):
            return try fetchValue()
        case UInt8(ascii: "*"): return try fetchAnchor(isAlias: true)
        case UInt8(ascii: "&"): return try fetchAnchor(isAlias: false)
        case UInt8(ascii: "!"): return try fetchTag()
        case UInt8(ascii: "|") where flowLevel == 0: return try fetchBlockScalar(literal: true)
        case UInt8(ascii: ">") where flowLevel == 0: return try fetchBlockScalar(literal: false)
        case UInt8(ascii: "'"): return try fetchFlowScalar(double: false)
        case UInt8(ascii: "\""): return try fetchFlowScalar(double: true)
        default: break
        }
        if canStartPlainScalar(c, next) { return try fetchPlainScalar() }
        if c == UInt8(ascii: "\t") {
            throw error("found a tab character where indentation is expected; YAML allows only spaces for indentation", at: mark)
        }
        if c == UInt8(ascii: "@") || c == UInt8(ascii: "`") {
            throw error("found reserved character '\(Character(Unicode.Scalar(c)))' that cannot start a plain scalar; quote the value", at: mark)
        }
        throw error("found character '\(describeCharacter(at: mark.index))' that cannot start any token", at: mark)
    }

    private func canStartPlainScalar(_ c: UInt8, _ next: UInt8) -> Bool {
        if isBlankOrEnd(0) { return false }
        switch c {
        case UInt8(ascii: "-"), UInt8(ascii: "?"), UInt8(ascii: ":"):
            // ns-plain-first: these start a plain scalar when followed by a "safe" character.
            return !isBlankOrEnd(1) && !(flowLevel > 0 && isFlowIndicator(next))
        case UInt8(ascii: ","), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}"),
             UInt8(ascii: "#"), UInt8(ascii: "&"), UInt8(ascii: "*"), UInt8(ascii: "!"), UInt8(ascii: "|"),
             UInt8(ascii: ">"), UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "%"), UInt8(ascii: "@"),
             UInt8(ascii: "`"):
            return false
        default:
            return true
        }
    }

    // MARK: - Character helpers

    @inline(__always) private func byte(_ offset: Int) -> UInt8 { buffer[mark.index + offset] }
    @inline(__always) private func isBreak(_ b: UInt8) -> Bool { b == 0x0A || b == 0x0D }
    @inline(__always) private func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }
    @inline(__always) private func isBlankOrEnd(_ offset: Int) -> Bool {
        let i = mark.index + offset
        if i >= end { return true }
        let b = buffer[i]
        return b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D
    }
    @inline(__always) private func isFlowIndicator(_ b: UInt8) -> Bool {
        b == UInt8(ascii: ",") || b == UInt8(ascii: "[") || b == UInt8(ascii: "]")
            || b == UInt8(ascii: "{") || b == UInt8(ascii: "}")
    }

    private func isDocumentIndicator(_ c: UInt8) -> Bool {
        mark.column == 0 && byte(0) == c && byte(1) == c && byte(2) == c && isBlankOrEnd(3)
    }

    private func describeCharacter(at index: Int) -> String {
        var length = 1
        let b = buffer[index]
        if b >= 0xF0 { length = 4 } else if b >= 0xE0 { length = 3 } else if b >= 0xC0 { length = 2 }
        let text = String(decoding: buffer[index..<min(index + length, end)], as: UTF8.self)
        return text
    }

    /// Moves one character forward on the current line.
    @inline(__always) private mutating func advance() {
        let b = buffer[mark.index]
        mark.index += 1
        if b & 0xC0 != 0x80 { mark.column += 1 }
    }

    @inline(__always) private mutating func advance(_ count: Int) {
        for _ in 0..<count { advance() }
    }

    /// Moves past one line break (`\n`, `\r\n` or `\r`).
    @inline(__always) private mutating func skipBreak() {
        if buffer[mark.index] == 0x0D && buffer[mark.index + 1] == 0x0A {
            mark.index += 2
        } else {
            mark.index += 1
        }
        mark.line += 1
        mark.column = 0
        tokenOnLine = false
    }

    // MARK: - Whitespace and comments

    private mutating func scanToNextToken() throws(YAMLError) {
        while true {
            if mark.column == 0 && byte(0) == 0xEF && byte(1) == 0xBB && byte(2) == 0xBF {
                mark.index += 3
            }
            let atLineStart = !tokenOnLine
            tabBeforeToken = false
            while mark.index < end {
                let c = byte(0)
                if c == 0x20 {
                    advance()
                } else if c == 0x09 {
                    // A tab is separation, never indentation: at the start of a line it is allowed
                    // only once the line is indented past its block, or on a blank line.
                    let indented = mark.column > indent
                    if (!atLineStart && (flowLevel > 0 || !simpleKeyAllowed || tokenOnLine))
                        || (atLineStart && indented) || restOfLineIsBlankOrComment() {
                        tabBeforeToken = true
                        advance()
                    } else {
                        throw error("found a tab character where indentation is expected; YAML allows only spaces for indentation", at: mark)
                    }
                } else {
                    break
                }
            }
            if byte(0) == UInt8(ascii: "#") && mark.index < end {
                if mark.index > 0 && !isBlank(buffer[mark.index - 1]) && !isBreak(buffer[mark.index - 1]) {
                    throw error("a comment must be separated from the content before it by a space", at: mark)
                }
                while mark.index < end && !isBreak(byte(0)) { advance() }
            }
            if mark.index < end && isBreak(byte(0)) {
                skipBreak()
                if flowLevel == 0 { simpleKeyAllowed = true }
                continue
            }
            break
        }
        // Flow content that continues on a new line must stay indented under its block.
        if flowLevel > 0 && !tokenOnLine && mark.index < end && mark.column <= indent
            && !isDocumentIndicator(UInt8(ascii: "-")) && !isDocumentIndicator(UInt8(ascii: ".")) {
            let c = byte(0)
            if c != UInt8(ascii: "]") && c != UInt8(ascii: "}") {
                throw error("flow collection content must be indented more than its enclosing block (at least \(indent + 2) columns)", at: mark)
            }
        }
    }

    private func restOfLineIsBlankOrComment() -> Bool {
        var i = mark.index
        while i < end && (buffer[i] == 0x20 || buffer[i] == 0x09) { i += 1 }
        return i >= end || isBreak(buffer[i]) || buffer[i] == UInt8(ascii: "#")
    }

    // MARK: - Simple keys

    private mutating func staleSimpleKeys() throws(YAMLError) {
        // Implicit keys must fit on one line, except inside flow mappings (YAML 1.2 7.4.1).
        // simpleKeys[level] belongs to the context at flow level `level` (0 is block context).
        for level in simpleKeys.indices {
            let key = simpleKeys[level]
            guard key.possible else { continue }
            let multiLineAllowed = level > 0 && flowStack[level - 1] == UInt8(ascii: "{")
            if !multiLineAllowed && (key.mark.line < mark.line || key.mark.index + 1024 < mark.index) {
                if key.required {
                    throw error("could not find expected ':' after this implicit key", at: key.mark)
                }
                simpleKeys[level].possible = false
            }
        }
    }

    private mutating func saveSimpleKey() throws(YAMLError) {
        let required = flowLevel == 0 && indent == mark.column
        if simpleKeyAllowed {
            try removeSimpleKey()
            simpleKeys[simpleKeys.count - 1] = SimpleKey(
                possible: true, required: required,
                tokenNumber: tokensParsed + (tokens.count - head), mark: mark)
        }
    }

    private mutating func removeSimpleKey() throws(YAMLError) {
        let key = simpleKeys[simpleKeys.count - 1]
        if key.possible && key.required {
            throw error("could not find expected ':' after this implicit key", at: key.mark)
        }
        simpleKeys[simpleKeys.count - 1].possible = false
    }

    // MARK: - Indentation

    private mutating func rollIndent(column: Int, tokenNumber: Int?, kind: TokenKind, at start: Mark) throws(YAMLError) {
        guard flowLevel == 0, indent < column else { return }
        if indents.count >= YAMLLimits.maxDepth {
            throw error("document is nested deeper than \(YAMLLimits.maxDepth) levels", at: start)
        }
        indents.append(indent)
        indent = column
        let token = Token(kind: kind, start: start, end: start)
        if let tokenNumber {
            tokens.insert(token, at: head + (tokenNumber - tokensParsed))
        } else {
            tokens.append(token)
        }
    }

    private mutating func unrollIndent(to column: Int) {
        guard flowLevel == 0 else { return }
        while indent > column {
            tokens.append(Token(kind: .blockEnd, start: mark, end: mark))
            indent = indents.removeLast()
        }
    }

    // MARK: - Fetchers

    private mutating func fetchStreamEnd() throws(YAMLError) {
        if mark.column != 0 {
            mark.column = 0
            mark.line += 1
        }
        unrollIndent(to: -1)
        try removeSimpleKey()
        simpleKeyAllowed = false
        if let open = flowStack.last {
            throw error("unexpected end of stream inside a flow collection; expected '\(open == UInt8(ascii: "[") ? "]" : "}")'", at: mark)
        }
        streamEndProduced = true
        append(.streamEnd, mark)
    }

    private mutating func fetchDirective() throws(YAMLError) {
        unrollIndent(to: -1)
        try removeSimpleKey()
        simpleKeyAllowed = false
        let start = mark
        advance()
        let name = scanWhile { !Scanner.isBlankOrEndByte($0) }
        skipInlineBlanks()
        let kind: TokenKind
        switch name {
        case "YAML":
            let version = scanWhile { !Scanner.isBlankOrEndByte($0) }
            let parts = version.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 2, let major = Int(parts[0]), let minor = Int(parts[1]) else {
                throw error("expected a version number like 1.2 in the %YAML directive, found '\(version)'", at: start)
            }
            kind = .versionDirective(major: major, minor: minor)
        case "TAG":
            let handleMark = mark
            let handle = scanWhile { !Scanner.isBlankOrEndByte($0) }
            guard handle.hasPrefix("!"), handle.hasSuffix("!") || handle == "!" else {
                throw error("expected a tag handle like !e! in the %TAG directive, found '\(handle)'", at: handleMark)
            }
            skipInlineBlanks()
            let prefixMark = mark
            let prefix = scanWhile { !Scanner.isBlankOrEndByte($0) }
            if prefix.isEmpty {
                throw error("expected a tag prefix after the handle in the %TAG directive", at: prefixMark)
            }
            kind = .tagDirective(handle: handle, prefix: prefix)
        default:
            while mark.index < end && !isBreak(byte(0)) && !(byte(0) == UInt8(ascii: "#") && isBlank(buffer[mark.index - 1])) {
                advance()
            }
            kind = .reservedDirective(name: name)
        }
        try expectLineEnd(after: "a directive")
        append(kind, start)
    }

    private static func isBlankOrEndByte(_ b: UInt8) -> Bool {
        b == 0 || b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D
    }

    private mutating func scanWhile(_ predicate: (UInt8) -> Bool) -> String {
        let start = mark.index
        while mark.index < end && predicate(byte(0)) { advance() }
        return String(decoding: buffer[start..<mark.index], as: UTF8.self)
    }

    private mutating func skipInlineBlanks() {
        while mark.index < end && isBlank(byte(0)) { advance() }
    }

    /// After a directive, `...`, or a block scalar header only blanks and a comment may follow.
    private mutating func expectLineEnd(after what: String) throws(YAMLError) {
        let hadBlank = (mark.index < end && isBlank(byte(0))) || (mark.index > 0 && isBlank(buffer[mark.index - 1]))
        skipInlineBlanks()
        if byte(0) == UInt8(ascii: "#") && mark.index < end {
            if !hadBlank {
                throw error("a comment must be separated from \(what) by a space", at: mark)
            }
            while mark.index < end && !isBreak(byte(0)) { advance() }
        }
        if mark.index < end && !isBreak(byte(0)) {
            throw error("did not expect content after \(what) on the same line", at: mark)
        }
    }

    private mutating func fetchDocumentIndicator(_ kind: TokenKind) throws(YAMLError) {
        unrollIndent(to: -1)
        try removeSimpleKey()
        simpleKeyAllowed = false
        let start = mark
        advance(3)
        if kind == .documentEnd {
            append(kind, start)
            try expectLineEnd(after: "the document end marker '...'")
        } else {
            append(kind, start)
            // Content may follow `---` on the same line; a block collection may not.
            let saved = mark
            skipInlineBlanks()
            if byte(0) == UInt8(ascii: "-") && isBlankOrEnd(1) && mark.index < end {
                throw error("a block sequence may not start on the same line as '---'", at: mark)
            }
            mark = saved
        }
    }

    private mutating func fetchFlowCollectionStart(_ kind: TokenKind) throws(YAMLError) {
        try saveSimpleKey()
        if flowLevel >= YAMLLimits.maxDepth {
            throw error("document is nested deeper than \(YAMLLimits.maxDepth) levels", at: mark)
        }
        simpleKeys.append(SimpleKey())
        flowStack.append(byte(0))
        simpleKeyAllowed = true
        let start = mark
        advance()
        append(kind, start)
    }

    private mutating func fetchFlowCollectionEnd(_ kind: TokenKind) throws(YAMLError) {
        try removeSimpleKey()
        if flowLevel > 0 {
            simpleKeys.removeLast()
            flowStack.removeLast()
        }
        simpleKeyAllowed = false
        let start = mark
        advance()
        append(kind, start)
        adjacentValueAllowed = true
    }

    private mutating func fetchFlowEntry() throws(YAMLError) {
        try removeSimpleKey()
        simpleKeyAllowed = true
        let start = mark
        advance()
        append(.flowEntry, start)
    }

    private mutating func fetchBlockEntry() throws(YAMLError) {
        if flowLevel == 0 {
            if !simpleKeyAllowed {
                throw error("a block sequence entry '- ' is not allowed here; a sequence must start on its own line", at: mark)
            }
            if tabBeforeToken && tokenOnLine {
                throw error("a tab cannot indent a nested block sequence; use spaces", at: mark)
            }
            try rollIndent(column: mark.column, tokenNumber: nil, kind: .blockSequenceStart, at: mark)
        }
        try removeSimpleKey()
        simpleKeyAllowed = true
        let start = mark
        advance()
        append(.blockEntry, start)
    }

    private mutating func fetchKey() throws(YAMLError) {
        if flowLevel == 0 {
            if !simpleKeyAllowed {
                throw error("an explicit key '? ' is not allowed here", at: mark)
            }
            try rollIndent(column: mark.column, tokenNumber: nil, kind: .blockMappingStart, at: mark)
        }
        try removeSimpleKey()
        simpleKeyAllowed = flowLevel == 0
        let start = mark
        advance()
        append(.key, start)
    }

    private mutating func fetchValue() throws(YAMLError) {
        let key = simpleKeys[simpleKeys.count - 1]
        if key.possible {
            let keyToken = Token(kind: .key, start: key.mark, end: key.mark)
            tokens.insert(keyToken, at: head + (key.tokenNumber - tokensParsed))
            try rollIndent(column: key.mark.column, tokenNumber: key.tokenNumber, kind: .blockMappingStart, at: key.mark)
            simpleKeys[simpleKeys.count - 1].possible = false
            simpleKeyAllowed = false
        } else {
            if flowLevel == 0 {
                if !simpleKeyAllowed {
                    throw error("mapping values are not allowed here; quote a value that contains ': ', or check the indentation", at: mark)
                }
                if let last = tokens.last, case .scalar(_, .plain) = last.kind, last.start.line < last.end.line, last.end.line == mark.line {
                    throw error("mapping values are not allowed here: the key would span several lines; check the indentation of this line and the one above", at: mark)
                }
                try rollIndent(column: mark.column, tokenNumber: nil, kind: .blockMappingStart, at: mark)
            }
            simpleKeyAllowed = flowLevel == 0
        }
        let start = mark
        advance()
        append(.value, start)
    }

    private mutating func fetchAnchor(isAlias: Bool) throws(YAMLError) {
        try saveSimpleKey()
        simpleKeyAllowed = false
        let start = mark
        advance()
        let nameStart = mark.index
        // ns-anchor-char: any non-space character except the flow indicators.
        while mark.index < end && !isBlankOrEnd(0) && !isFlowIndicator(byte(0)) { advance() }
        if mark.index == nameStart {
            throw error("expected an \(isAlias ? "alias" : "anchor") name after '\(isAlias ? "*" : "&")'", at: start)
        }
        let name = String(decoding: buffer[nameStart..<mark.index], as: UTF8.self)
        append(isAlias ? .alias(name) : .anchor(name), start)
        if isAlias { adjacentValueAllowed = false }
    }

    private mutating func fetchTag() throws(YAMLError) {
        try saveSimpleKey()
        simpleKeyAllowed = false
        let start = mark
        var handle = ""
        var suffix = ""
        if byte(1) == UInt8(ascii: "<") {
            advance(2)
            suffix = try scanTagURI(verbatim: true, start: start)
            guard byte(0) == UInt8(ascii: ">") else {
                throw error("expected '>' to end the verbatim tag", at: mark)
            }
            advance()
            if suffix.isEmpty { throw error("a verbatim tag may not be empty", at: start) }
        } else {
            // A handle is `!`, `!!` or `!word!`; otherwise the `!` is the primary handle.
            var i = mark.index + 1
            while i < end && isWordChar(buffer[i]) { i += 1 }
            if i < end && buffer[i] == UInt8(ascii: "!") {
                let handleEnd = i + 1
                handle = String(decoding: buffer[mark.index..<handleEnd], as: UTF8.self)
                while mark.index < handleEnd { advance() }
                suffix = try scanTagURI(verbatim: false, start: start)
                if suffix.isEmpty && handle != "!" {
                    throw error("expected a tag suffix after the handle '\(handle)'", at: mark)
                }
            } else {
                handle = "!"
                advance()
                suffix = try scanTagURI(verbatim: false, start: start)
                if suffix.isEmpty { handle = ""; suffix = "!" }
            }
        }
        if !isBlankOrEnd(0) && !(flowLevel > 0 && isFlowIndicator(byte(0))) {
            throw error("expected a space after the tag", at: mark)
        }
        append(.tag(handle: handle, suffix: suffix), start)
    }

    private func isWordChar(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == UInt8(ascii: "-")
    }

    private mutating func scanTagURI(verbatim: Bool, start: Mark) throws(YAMLError) -> String {
        var bytes: [UInt8] = []
        while mark.index < end && !isBlankOrEnd(0) {
            let c = byte(0)
            if verbatim && c == UInt8(ascii: ">") { break }
            if !verbatim && (isFlowIndicator(c) || c == UInt8(ascii: "!")) {
                if c == UInt8(ascii: "!") {
                    throw error("a tag suffix may not contain '!'", at: mark)
                }
                break
            }
            if c == UInt8(ascii: "%") {
                guard let high = hexValue(byte(1)), let low = hexValue(byte(2)) else {
                    throw error("expected a %-escape with two hex digits in the tag", at: mark)
                }
                bytes.append(UInt8(high * 16 + low))
                advance(3)
                continue
            }
            bytes.append(c)
            advance()
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw error("the %-escapes in this tag are not valid UTF-8", at: start)
        }
        return text
    }

    private func hexValue(_ b: UInt8) -> Int? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return Int(b - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return Int(b - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return Int(b - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    // MARK: - Block scalars

    private mutating func fetchBlockScalar(literal: Bool) throws(YAMLError) {
        try removeSimpleKey()
        simpleKeyAllowed = true
        let start = mark
        let value = try scanBlockScalar(literal: literal)
        tokens.append(Token(kind: .scalar(value, literal ? .literal : .folded), start: start, end: mark))
    }

    private mutating func scanBlockScalar(literal: Bool) throws(YAMLError) -> String {
        let start = mark
        advance()
        var chomping = 0  // -1 strip, 0 clip, +1 keep
        var increment = 0
        for _ in 0..<2 {
            let c = byte(0)
            if (c == UInt8(ascii: "+") || c == UInt8(ascii: "-")) && chomping == 0 {
                chomping = c == UInt8(ascii: "+") ? 1 : -1
                advance()
            } else if c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") && increment == 0 {
                if c == UInt8(ascii: "0") {
                    throw error("a block scalar's indentation indicator must be 1 to 9, not 0", at: mark)
                }
                increment = Int(c - UInt8(ascii: "0"))
                advance()
            }
        }
        try expectLineEnd(after: "the block scalar header")
        if mark.index < end { skipBreak() }

        // The content's indentation: explicit, or found from the first non-empty line. At the
        // top level (no enclosing block) it may be zero.
        let minimum = max(indent + 1, 0)
        var indentation: Int? = nil
        if increment > 0 {
            indentation = indent >= 0 ? indent + increment : increment
        }
        var output: [UInt8] = []
        var trailingBreaks: [UInt8] = []
        var leadingBreak: [UInt8] = []
        var leadingBlank = false
        var trailingBlank = false

        try scanBlockScalarBreaks(indentation: &indentation, minimum: minimum, breaks: &trailingBreaks, start: start)

        while let contentIndent = indentation, mark.column == contentIndent, mark.index < end {
            if isDocumentIndicator(UInt8(ascii: "-")) || isDocumentIndicator(UInt8(ascii: ".")) { break }
            trailingBlank = isBlank(byte(0))
            // Folding: a single break between two non-indented lines becomes a space.
            if !literal && leadingBreak.first == 0x0A && !leadingBlank && !trailingBlank {
                if trailingBreaks.isEmpty { output.append(0x20) }
                leadingBreak.removeAll()
            } else {
                output.append(contentsOf: leadingBreak)
                leadingBreak.removeAll()
            }
            output.append(contentsOf: trailingBreaks)
            trailingBreaks.removeAll()
            leadingBlank = isBlank(byte(0))
            let lineStart = mark.index
            while mark.index < end && !isBreak(byte(0)) { advance() }
            output.append(contentsOf: buffer[lineStart..<mark.index])
            if mark.index >= end {
                if rules.endOfInputEndsLine { leadingBreak = [0x0A] }
                break
            }
            leadingBreak = [0x0A]
            skipBreak()
            try scanBlockScalarBreaks(indentation: &indentation, minimum: minimum, breaks: &trailingBreaks, start: start)
        }
        if chomping != -1 { output.append(contentsOf: leadingBreak) }
        if chomping == 1 { output.append(contentsOf: trailingBreaks) }
        return String(decoding: output, as: UTF8.self)
    }

    /// Skips the empty lines before the next content line, collecting their breaks, and fixes
    /// the indentation from the first content line when it was not given.
    private mutating func scanBlockScalarBreaks(indentation: inout Int?, minimum: Int, breaks: inout [UInt8], start: Mark) throws(YAMLError) {
        var maxEmptyIndent = 0
        while true {
            while byte(0) == 0x20 && mark.index < end && (indentation == nil || mark.column < indentation!) {
                advance()
            }
            if byte(0) == 0x09 && mark.index < end && mark.column < (indentation ?? minimum) {
                throw error("found a tab character where the block scalar's indentation is expected; indent with spaces", at: mark)
            }
            if mark.index >= end {
                // A last line of only spaces, without a final break, still counts as a line.
                if rules.endOfInputEndsLine && mark.column > 0 && mark.line > start.line { breaks.append(0x0A) }
                break
            }
            if !isBreak(byte(0)) { break }
            if mark.column > maxEmptyIndent { maxEmptyIndent = mark.column }
            skipBreak()
            breaks.append(0x0A)
        }
        if indentation == nil {
            let atContent = mark.index < end
            if atContent && mark.column >= minimum && mark.column < maxEmptyIndent {
                throw error("a leading empty line of this block scalar has more spaces than its first content line", at: start)
            }
            indentation = max(maxEmptyIndent, minimum, atContent ? mark.column : 0)
        }
    }

    // MARK: - Quoted scalars

    private mutating func fetchFlowScalar(double: Bool) throws(YAMLError) {
        try saveSimpleKey()
        simpleKeyAllowed = false
        let start = mark
        let value = try scanFlowScalar(double: double)
        tokens.append(Token(kind: .scalar(value, double ? .doubleQuoted : .singleQuoted), start: start, end: mark))
        tokenOnLine = true
        adjacentValueAllowed = true
    }

    private mutating func scanFlowScalar(double: Bool) throws(YAMLError) -> String {
        let start = mark
        advance()
        var output: [UInt8] = []
        var whitespaces: [UInt8] = []
        var leadingBreak = false
        var trailingBreaks = 0
        let quote = double ? UInt8(ascii: "\"") : UInt8(ascii: "'")
        while true {
            if mark.column == 0 && (isDocumentIndicator(UInt8(ascii: "-")) || isDocumentIndicator(UInt8(ascii: "."))) {
                throw error("found a document marker inside a quoted scalar; the closing \(double ? "double" : "single") quote is missing", at: mark)
            }
            if mark.index >= end {
                throw error("unexpected end of stream inside a quoted scalar; expected a closing \(double ? "double" : "single") quote", at: start)
            }
            leadingBreak = false
            trailingBreaks = 0
            whitespaces.removeAll(keepingCapacity: true)
            // Non-blank characters.
            while mark.index < end && !isBlank(byte(0)) && !isBreak(byte(0)) {
                let c = byte(0)
                if !double && c == UInt8(ascii: "'") && byte(1) == UInt8(ascii: "'") {
                    output.append(c)
                    advance(2)
                } else if c == quote {
                    break
                } else if double && c == UInt8(ascii: "\\") && isBreak(byte(1)) {
                    advance()
                    skipBreak()
                    leadingBreak = true
                    try skipQuotedLinePrefix(escapedBreak: true)
                    break
                } else if double && c == UInt8(ascii: "\\") {
                    try scanEscape(into: &output)
                } else {
                    let runStart = mark.index
                    advance()
                    while mark.index < end {
                        let d = byte(0)
                        if d == quote || d == UInt8(ascii: "\\") || isBlank(d) || isBreak(d) { break }
                        advance()
                    }
                    output.append(contentsOf: buffer[runStart..<mark.index])
                }
            }
            if leadingBreak {
                // An escaped line break joins the lines with nothing in between.
                continue
            }
            if byte(0) == quote && mark.index < end { break }
            // Blanks and breaks.
            var sawBreak = false
            while mark.index < end && (isBlank(byte(0)) || isBreak(byte(0))) {
                if isBlank(byte(0)) {
                    if !sawBreak { whitespaces.append(byte(0)) }
                    advance()
                } else {
                    skipBreak()
                    if !sawBreak { sawBreak = true } else { trailingBreaks += 1 }
                    try skipQuotedLinePrefix(escapedBreak: false)
                }
            }
            if sawBreak {
                if trailingBreaks == 0 {
                    output.append(0x20)
                } else {
                    output.append(contentsOf: repeatElement(0x0A, count: trailingBreaks))
                }
            } else {
                output.append(contentsOf: whitespaces)
            }
        }
        advance()
        return String(decoding: output, as: UTF8.self)
    }

    /// The indentation of a continuation line of a quoted scalar: it must be indented past the
    /// enclosing block (in block context), and leading blanks are not content.
    private mutating func skipQuotedLinePrefix(escapedBreak: Bool) throws(YAMLError) {
        while mark.index < end && byte(0) == 0x20 { advance() }
        if flowLevel == 0 && mark.column <= indent && byte(0) == 0x09 && !restOfLineIsBlankOrComment() {
            throw error("found a tab character where indentation is expected; YAML allows only spaces for indentation", at: mark)
        }
        if rules.quotedContinuationMustBeIndented && flowLevel == 0 && mark.column <= indent
            && mark.index < end && !isBreak(byte(0)) && !isBlank(byte(0)) {
            throw error("this continuation line of a quoted scalar must be indented more than its block (at least \(indent + 1) spaces)", at: mark)
        }
        if escapedBreak {
            while mark.index < end && isBlank(byte(0)) { advance() }
        }
    }

    private mutating func scanEscape(into output: inout [UInt8]) throws(YAMLError) {
        let escapeMark = mark
        let c = byte(1)
        var codeLength = 0
        switch c {
        case UInt8(ascii: "0"): output.append(0)
        case UInt8(ascii: "a"): output.append(0x07)
        case UInt8(ascii: "b"): output.append(0x08)
        case UInt8(ascii: "t"), 0x09: output.append(0x09)
        case UInt8(ascii: "n"): output.append(0x0A)
        case UInt8(ascii: "v"): output.append(0x0B)
        case UInt8(ascii: "f"): output.append(0x0C)
        case UInt8(ascii: "r"): output.append(0x0D)
        case UInt8(ascii: "e"): output.append(0x1B)
        case 0x20: output.append(0x20)
        case UInt8(ascii: "\""): output.append(0x22)
        case UInt8(ascii: "/"): output.append(0x2F)
        case UInt8(ascii: "\\"): output.append(0x5C)
        case UInt8(ascii: "N"): output.append(contentsOf: [0xC2, 0x85])
        case UInt8(ascii: "_"): output.append(contentsOf: [0xC2, 0xA0])
        case UInt8(ascii: "L"): output.append(contentsOf: [0xE2, 0x80, 0xA8])
        case UInt8(ascii: "P"): output.append(contentsOf: [0xE2, 0x80, 0xA9])
        case UInt8(ascii: "x"): codeLength = 2
        case UInt8(ascii: "u"): codeLength = 4
        case UInt8(ascii: "U"): codeLength = 8
        default:
            throw error("found unknown escape sequence '\\\(describeCharacter(at: mark.index + 1))' in a double-quoted scalar; write '\\\\' for a backslash", at: escapeMark)
        }
        advance(2)
        guard codeLength > 0 else { return }
        var value: UInt32 = 0
        for _ in 0..<codeLength {
            guard mark.index < end, let digit = hexValue(byte(0)) else {
                throw error("expected \(codeLength) hexadecimal digits after '\\\(Character(Unicode.Scalar(c)))'", at: escapeMark)
            }
            value = value * 16 + UInt32(digit)
            advance()
        }
        guard let scalar = Unicode.Scalar(value) else {
            throw error("escape sequence names an invalid Unicode code point U+\(String(value, radix: 16, uppercase: true))", at: escapeMark)
        }
        output.append(contentsOf: Array(String(Character(scalar)).utf8))
    }

    // MARK: - Plain scalars

    private mutating func fetchPlainScalar() throws(YAMLError) {
        try saveSimpleKey()
        simpleKeyAllowed = false
        let start = mark
        var sawLineBreak = false
        let value = try scanPlainScalar(sawLineBreak: &sawLineBreak)
        if sawLineBreak && flowLevel == 0 { simpleKeyAllowed = true }
        tokens.append(Token(kind: .scalar(value, .plain), start: start, end: scalarEnd))
        tokenOnLine = mark.line == start.line
    }

    private var scalarEnd = Mark.zero

    private mutating func scanPlainScalar(sawLineBreak: inout Bool) throws(YAMLError) -> String {
        var output: [UInt8] = []
        var whitespaceStart = 0
        var whitespaceEnd = 0
        var breaks = 0  // line breaks in the pending separation
        let minimumIndent = indent + 1
        var first = true
        scalarEnd = mark
        while true {
            if mark.column == 0 && (isDocumentIndicator(UInt8(ascii: "-")) || isDocumentIndicator(UInt8(ascii: "."))) {
                break
            }
            if byte(0) == UInt8(ascii: "#") { break }
            var wroteRun = false
            while mark.index < end {
                let c = byte(0)
                if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { break }
                if c == UInt8(ascii: ":") {
                    let n = byte(1)
                    if isBlankOrEnd(1) || (flowLevel > 0 && isFlowIndicator(n)) { break }
                } else if flowLevel > 0 && isFlowIndicator(c) {
                    break
                }
                if !wroteRun {
                    if !first {
                        if breaks == 0 {
                            output.append(contentsOf: buffer[whitespaceStart..<whitespaceEnd])
                        } else if breaks == 1 {
                            output.append(0x20)
                        } else {
                            output.append(contentsOf: repeatElement(0x0A, count: breaks - 1))
                        }
                    }
                    wroteRun = true
                    first = false
                }
                let runStart = mark.index
                advance()
                while mark.index < end {
                    let d = byte(0)
                    if d == 0x20 || d == 0x09 || d == 0x0A || d == 0x0D || d == UInt8(ascii: ":") { break }
                    if flowLevel > 0 && isFlowIndicator(d) { break }
                    if d < 0x80 { mark.index += 1; mark.column += 1 } else { advance() }
                }
                output.append(contentsOf: buffer[runStart..<mark.index])
            }
            if wroteRun { scalarEnd = mark }
            if !(mark.index < end && (isBlank(byte(0)) || isBreak(byte(0)))) { break }
            // Separation: blanks and line breaks.
            whitespaceStart = mark.index
            breaks = 0
            while mark.index < end && (isBlank(byte(0)) || isBreak(byte(0))) {
                if isBlank(byte(0)) {
                    if breaks > 0 && byte(0) == 0x09 && mark.column < minimumIndent && flowLevel == 0 && !restOfLineIsBlankOrComment() {
                        throw error("found a tab character that violates indentation in a multi-line plain scalar", at: mark)
                    }
                    advance()
                    if breaks == 0 { whitespaceEnd = mark.index }
                } else {
                    if breaks == 0 { whitespaceEnd = mark.index }
                    skipBreak()
                    breaks += 1
                }
            }
            if breaks > 0 {
                sawLineBreak = true
                if flowLevel == 0 && mark.column < minimumIndent { break }
                if flowLevel > 0 && mark.column <= indent && mark.index < end && byte(0) != UInt8(ascii: "#")
                    && byte(0) != UInt8(ascii: "]") && byte(0) != UInt8(ascii: "}") {
                    throw error("flow collection content must be indented more than its enclosing block (at least \(indent + 2) columns)", at: mark)
                }
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}

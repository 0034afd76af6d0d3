/// Builds the node tree of each document from the scanner's tokens (recursive descent over the
/// grammar libyaml's parser documents), resolving tags, anchors and aliases.
public struct YAMLParser {
    private var scanner: Scanner
    private var tagHandles: [String: String] = [:]
    private var anchors: [String: YAMLNode] = [:]
    private var depth = 0
    private var aliasExpansion = 0
    /// Where the current document began, in bytes: aliases may add a multiple of what it has.
    private var documentStart = 0

    /// Parses every document of `bytes`; `file` names the input in locations and errors.
    public static func parse(_ bytes: [UInt8], file: String, rules: YAMLSyntaxRules = .goYAML) throws(YAMLError) -> [YAMLDocument] {
        var parser = try YAMLParser(bytes, file: file, rules: rules)
        var documents: [YAMLDocument] = []
        while let document = try parser.nextDocument() { documents.append(document) }
        return documents
    }

    public static func parse(_ text: String, file: String = "<string>", rules: YAMLSyntaxRules = .goYAML) throws(YAMLError) -> [YAMLDocument] {
        try parse(Array(text.utf8), file: file, rules: rules)
    }

    /// A parser that hands out one document at a time with `nextDocument()`, so a long stream
    /// never has to be held in memory as nodes all at once.
    public init(_ bytes: [UInt8], file: String, rules: YAMLSyntaxRules = .goYAML) throws(YAMLError) {
        scanner = try Scanner(source: SourceText(file: file, bytes: bytes), rules: rules)
        fileName = SourceName(file)
    }

    private let fileName: SourceName

    private var started = false
    /// Directives may start a document only after `...` or at the start of the stream.
    private var openEnded = false

    private func location(_ mark: Mark) -> SourceLocation { scanner.source.location(of: mark) }
    /// A node's position: 1-based, as `location` gives it, with the file's name shared.
    private func position(_ mark: Mark) -> YAMLNode.Position { YAMLNode.Position(file: fileName, line: mark.line + 1, column: mark.column + 1) }

    private func unexpected(_ token: Token, expected: String) -> YAMLError {
        scanner.error("expected \(expected), found \(token.kind.readableName)", at: token.start)
    }

    // MARK: - Stream and documents

    /// The next document of the stream, or nil at its end.
    public mutating func nextDocument() throws(YAMLError) -> YAMLDocument? {
        if !started {
            started = true
            _ = try scanner.next()  // stream start
        }
        while true {
            var token = try scanner.peek()
            if token.kind == .streamEnd { return nil }
            if token.kind == .documentEnd {
                try scanner.next()
                openEnded = false
                continue
            }
            tagHandles = [:]
            anchors = [:]
            aliasExpansion = 0
            documentStart = token.start.index
            var sawDirective = false
            var sawVersion = false
            directives: while true {
                switch token.kind {
                case .versionDirective(let major, _):
                    try rejectDirectiveIfOpenEnded(openEnded, token)
                    if sawVersion { throw scanner.error("found a second %YAML directive for one document", at: token.start) }
                    if major != 1 {
                        throw scanner.error("unsupported YAML version \(major).x; expected 1.x", at: token.start)
                    }
                    sawVersion = true
                case .tagDirective(let handle, let prefix):
                    try rejectDirectiveIfOpenEnded(openEnded, token)
                    if tagHandles[handle] != nil {
                        throw scanner.error("found a second %TAG directive for the handle '\(handle)'", at: token.start)
                    }
                    tagHandles[handle] = prefix
                case .reservedDirective:
                    try rejectDirectiveIfOpenEnded(openEnded, token)
                default:
                    break directives
                }
                sawDirective = true
                try scanner.next()
                token = try scanner.peek()
            }
            let start = token
            var root: YAMLNode?
            if token.kind == .documentStart {
                try scanner.next()
                let next = try scanner.peek()
                switch next.kind {
                case .documentStart, .documentEnd, .streamEnd, .versionDirective, .tagDirective, .reservedDirective:
                    root = nil
                default:
                    root = try parseNode(block: true, indentlessSequence: false)
                }
            } else if sawDirective {
                throw unexpected(token, expected: "document start '---' after the directives")
            } else {
                root = try parseNode(block: true, indentlessSequence: false)
            }
            let document = YAMLDocument(root: root, location: location(start.start))
            let after = try scanner.peek()
            switch after.kind {
            case .documentEnd:
                openEnded = false
            case .documentStart, .streamEnd:
                openEnded = true
            case .versionDirective, .tagDirective, .reservedDirective:
                throw scanner.error("a directive must follow a document end marker '...'", at: after.start)
            default:
                throw unexpected(after, expected: "the end of the document (a new key at the same indentation, '---' or '...')")
            }
            return document
        }
    }

    private func rejectDirectiveIfOpenEnded(_ openEnded: Bool, _ token: Token) throws(YAMLError) {
        if openEnded {
            throw scanner.error("a directive must follow a document end marker '...'", at: token.start)
        }
    }

    // MARK: - Nodes

    private mutating func parseNode(block: Bool, indentlessSequence: Bool) throws(YAMLError) -> YAMLNode {
        // Fast path for the commonest node: a scalar without properties.
        var token = try scanner.peek()
        if case .scalar(let value, let style) = token.kind {
            try scanner.skip()
            return YAMLNode(content: .scalar(value, style), tag: nil, anchor: nil, position: position(token.start), expandedSize: YAMLLimits.weight(of: value))
        }
        if case .alias(let name) = token.kind {
            try scanner.next()
            guard var node = anchors[name] else {
                throw scanner.error("found undefined alias '*\(name)'; an anchor '&\(name)' must come before it in this document", at: token.start)
            }
            // Counted in bytes, against what the document has taken so far: a small anchor
            // repeated a million times and one large scalar repeated a thousand are both caught.
            aliasExpansion = aliasExpansion.addingSaturating(node.expandedSize)
            let allowed = YAMLLimits.aliasBudget(documentBytes: token.start.index - documentStart)
            if aliasExpansion > allowed {
                throw scanner.error("aliases expand this document by more than \(allowed) bytes (\(YAMLLimits.aliasRatio)× the \(token.start.index - documentStart) bytes read so far, at least \(YAMLLimits.aliasFloor)): a \"billion laughs\" document?", at: token.start)
            }
            node.anchor = nil
            return node
        }
        var anchor: String?
        var tag: String?
        var hasProperties = false
        let start = token.start
        while true {
            if case .anchor(let name) = token.kind {
                if anchor != nil { throw scanner.error("a node may have only one anchor", at: token.start) }
                anchor = name
            } else if case .tag(let handle, let suffix) = token.kind {
                if tag != nil { throw scanner.error("a node may have only one tag", at: token.start) }
                tag = try resolveTag(handle: handle, suffix: suffix, at: token.start)
            } else {
                break
            }
            hasProperties = true
            try scanner.next()
            token = try scanner.peek()
        }
        var node: YAMLNode
        switch token.kind {
        case .scalar(let value, let style):
            try scanner.next()
            node = YAMLNode(content: .scalar(value, style), tag: tag, anchor: anchor,
                        position: position(hasProperties ? start : token.start), expandedSize: YAMLLimits.weight(of: value))
        case .flowSequenceStart:
            node = try parseFlowSequence(tag: tag, anchor: anchor, start: start)
        case .flowMappingStart:
            node = try parseFlowMapping(tag: tag, anchor: anchor, start: start)
        case .blockSequenceStart where block:
            node = try parseBlockSequence(tag: tag, anchor: anchor, start: start)
        case .blockMappingStart where block:
            node = try parseBlockMapping(tag: tag, anchor: anchor, start: start)
        case .blockEntry where indentlessSequence:
            node = try parseIndentlessSequence(tag: tag, anchor: anchor, start: start)
        default:
            if hasProperties {
                node = YAMLNode.empty(at: position(start), tag: tag, anchor: anchor)
            } else {
                throw unexpected(token, expected: "a value (a scalar, '[', '{', '- ' or a mapping)")
            }
        }
        if let anchor { anchors[anchor] = node }
        return node
    }

    private mutating func resolveTag(handle: String, suffix: String, at mark: Mark) throws(YAMLError) -> String {
        if handle.isEmpty { return suffix }  // verbatim, or the non-specific "!"
        if let prefix = tagHandles[handle] { return prefix + suffix }
        switch handle {
        case "!!": return YAMLTag.prefix + suffix
        case "!": return "!" + suffix
        default:
            throw scanner.error("found undefined tag handle '\(handle)'; declare it with a %TAG directive", at: mark)
        }
    }

    private let stack = StackGuard()

    private mutating func enter(_ mark: Mark) throws(YAMLError) {
        depth += 1
        if depth > YAMLLimits.maxDepth || !stack.hasRoom() {
            throw scanner.error("document is nested deeper than \(YAMLLimits.maxDepth) levels", at: mark)
        }
    }

    // MARK: - Block collections

    private mutating func parseBlockSequence(tag: String?, anchor: String?, start: Mark) throws(YAMLError) -> YAMLNode {
        let open = try scanner.next()
        try enter(open.start)
        var items: [YAMLNode] = []
        var size = YAMLLimits.nodeWeight
        while true {
            let type = try scanner.peekType()
            if type == .blockEntry {
                let marks = try scanner.peekMarks()
                try scanner.skip()
                let next = try scanner.peekType()
                let item: YAMLNode
                if next == .blockEntry || next == .blockEnd {
                    item = .empty(at: position(marks.end))
                } else {
                    item = try parseNode(block: true, indentlessSequence: false)
                }
                size = size.addingSaturating(item.expandedSize)
                items.append(item)
            } else if type == .blockEnd {
                try scanner.skip()
                break
            } else {
                let token = try scanner.peek()
                throw scanner.error("expected '- ' at column \(open.start.column + 1) for the next item of the list that starts at line \(open.start.line + 1), found \(token.kind.readableName); check the indentation", at: token.start)
            }
        }
        depth -= 1
        return YAMLNode(content: .sequence(items), tag: tag, anchor: anchor, position: position(open.start), expandedSize: size)
    }

    private mutating func parseIndentlessSequence(tag: String?, anchor: String?, start: Mark) throws(YAMLError) -> YAMLNode {
        let first = try scanner.peek()
        try enter(first.start)
        var items: [YAMLNode] = []
        var size = YAMLLimits.nodeWeight
        while true {
            guard try scanner.peekType() == .blockEntry else { break }
            let marks = try scanner.peekMarks()
            try scanner.skip()
            let item: YAMLNode
            switch try scanner.peekType() {
            case .blockEntry, .key, .value, .blockEnd:
                item = .empty(at: position(marks.end))
            default:
                item = try parseNode(block: true, indentlessSequence: false)
            }
            size = size.addingSaturating(item.expandedSize)
            items.append(item)
        }
        depth -= 1
        return YAMLNode(content: .sequence(items), tag: tag, anchor: anchor, position: position(first.start), expandedSize: size)
    }

    private mutating func parseBlockMapping(tag: String?, anchor: String?, start: Mark) throws(YAMLError) -> YAMLNode {
        let open = try scanner.next()
        try enter(open.start)
        var pairs: [YAMLNode.Pair] = []
        var size = YAMLLimits.nodeWeight
        while true {
            let type = try scanner.peekType()
            var key: YAMLNode
            if type == .key {
                let marks = try scanner.peekMarks()
                try scanner.skip()
                switch try scanner.peekType() {
                case .key, .value, .blockEnd:
                    key = .empty(at: position(marks.end))
                default:
                    key = try parseNode(block: true, indentlessSequence: true)
                }
            } else if type == .value {
                key = .empty(at: position(try scanner.peekMarks().start))
            } else if type == .blockEnd {
                try scanner.skip()
                break
            } else {
                throw misplacedInMapping(try scanner.peek(), mappingStart: open.start)
            }
            var value: YAMLNode
            let afterKey = try scanner.peekMarks()
            if try scanner.peekType() == .value {
                try scanner.skip()
                switch try scanner.peekType() {
                case .key, .value, .blockEnd:
                    value = .empty(at: position(afterKey.end))
                default:
                    value = try parseNode(block: true, indentlessSequence: true)
                }
            } else {
                value = .empty(at: position(afterKey.start))
            }
            size = size.addingSaturating(key.expandedSize).addingSaturating(value.expandedSize)
            pairs.append(YAMLNode.Pair(key: key, value: value))
        }
        depth -= 1
        return YAMLNode(content: .mapping(pairs), tag: tag, anchor: anchor, position: position(open.start), expandedSize: size)
    }

    /// The error for a token that cannot continue a block mapping, worded for the usual causes.
    private func misplacedInMapping(_ token: Token, mappingStart: Mark) -> YAMLError {
        let keys = "the mapping whose keys start at column \(mappingStart.column + 1) (line \(mappingStart.line + 1))"
        switch token.kind {
        case .blockMappingStart, .blockSequenceStart:
            return scanner.error("this line is indented more than \(keys); fix the indentation, or add the missing ':' on the line above", at: token.start)
        case .blockEntry:
            return scanner.error("found a list item '- ' where a key of \(keys) was expected; indent the list under its key, or line it up with the items before it", at: token.start)
        default:
            return scanner.error("expected a key of \(keys), found \(token.kind.readableName)", at: token.start)
        }
    }

    // MARK: - Flow collections

    private mutating func parseFlowSequence(tag: String?, anchor: String?, start: Mark) throws(YAMLError) -> YAMLNode {
        let open = try scanner.next()
        try enter(open.start)
        var items: [YAMLNode] = []
        var size = YAMLLimits.nodeWeight
        var first = true
        while true {
            var token = try scanner.peek()
            if token.kind == .flowSequenceEnd {
                try scanner.next()
                break
            }
            if !first {
                guard token.kind == .flowEntry else {
                    throw unexpected(token, expected: "',' or ']' in this flow sequence")
                }
                try scanner.next()
                token = try scanner.peek()
                if token.kind == .flowSequenceEnd {
                    try scanner.next()
                    break
                }
            }
            first = false
            let item: YAMLNode
            if token.kind == .key || token.kind == .value {
                // A single-pair mapping: `[a: b]`, `[? a : b]`, `[: b]`.
                let pair = try parseFlowPair(terminator: .flowSequenceEnd)
                item = YAMLNode(content: .mapping([pair]), tag: nil, anchor: nil, position: position(token.start),
                            expandedSize: YAMLLimits.nodeWeight.addingSaturating(pair.key.expandedSize).addingSaturating(pair.value.expandedSize))
            } else {
                item = try parseNode(block: false, indentlessSequence: false)
            }
            size = size.addingSaturating(item.expandedSize)
            items.append(item)
        }
        depth -= 1
        return YAMLNode(content: .sequence(items), tag: tag, anchor: anchor, position: position(open.start), expandedSize: size)
    }

    private mutating func parseFlowMapping(tag: String?, anchor: String?, start: Mark) throws(YAMLError) -> YAMLNode {
        let open = try scanner.next()
        try enter(open.start)
        var pairs: [YAMLNode.Pair] = []
        var size = YAMLLimits.nodeWeight
        var first = true
        while true {
            var token = try scanner.peek()
            if token.kind == .flowMappingEnd {
                try scanner.next()
                break
            }
            if !first {
                guard token.kind == .flowEntry else {
                    throw unexpected(token, expected: "',' or '}' in this flow mapping")
                }
                try scanner.next()
                token = try scanner.peek()
                if token.kind == .flowMappingEnd {
                    try scanner.next()
                    break
                }
            }
            first = false
            let pair: YAMLNode.Pair
            if token.kind == .key || token.kind == .value {
                pair = try parseFlowPair(terminator: .flowMappingEnd)
            } else {
                let key = try parseNode(block: false, indentlessSequence: false)
                let next = try scanner.peek()
                if next.kind == .value {
                    throw scanner.error("expected ',' or '}' after this key", at: next.start)
                }
                pair = YAMLNode.Pair(key: key, value: key.emptyValue)
            }
            size = size.addingSaturating(pair.key.expandedSize).addingSaturating(pair.value.expandedSize)
            pairs.append(pair)
        }
        depth -= 1
        return YAMLNode(content: .mapping(pairs), tag: tag, anchor: anchor, position: position(open.start), expandedSize: size)
    }

    /// `KEY node? (VALUE node?)?` or `VALUE node?` inside a flow collection.
    private mutating func parseFlowPair(terminator: TokenKind) throws(YAMLError) -> YAMLNode.Pair {
        var token = try scanner.peek()
        var key: YAMLNode
        if token.kind == .key {
            try scanner.next()
            token = try scanner.peek()
            if token.kind == .value || token.kind == .flowEntry || token.kind == terminator {
                key = .empty(at: position(token.start))
            } else {
                key = try parseNode(block: false, indentlessSequence: false)
            }
            token = try scanner.peek()
        } else {
            key = .empty(at: position(token.start))
        }
        var value: YAMLNode
        if token.kind == .value {
            try scanner.next()
            let next = try scanner.peek()
            if next.kind == .flowEntry || next.kind == terminator {
                value = .empty(at: position(token.end))
            } else {
                value = try parseNode(block: false, indentlessSequence: false)
            }
        } else {
            value = .empty(at: position(token.start))
        }
        return YAMLNode.Pair(key: key, value: value)
    }
}

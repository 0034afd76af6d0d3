/// How a scalar was written; quoted and block scalars are never resolved to non-strings.
public enum ScalarStyle: Sendable, Equatable {
    case plain, singleQuoted, doubleQuoted, literal, folded
}

/// One token of the YAML token stream, as libyaml names them.
enum TokenKind: Equatable, Sendable {
    case streamStart, streamEnd
    case versionDirective(major: Int, minor: Int)
    case tagDirective(handle: String, prefix: String)
    case reservedDirective(name: String)
    case documentStart, documentEnd
    case blockSequenceStart, blockMappingStart, blockEnd
    case flowSequenceStart, flowSequenceEnd, flowMappingStart, flowMappingEnd
    case blockEntry, flowEntry, key, value
    case alias(String), anchor(String)
    case tag(handle: String, suffix: String)
    case scalar(String, ScalarStyle)
}

/// A token kind without its payload, cheap to compare and copy.
enum TokenType: Equatable, Sendable {
    case streamStart, streamEnd, directive, documentStart, documentEnd
    case blockSequenceStart, blockMappingStart, blockEnd
    case flowSequenceStart, flowSequenceEnd, flowMappingStart, flowMappingEnd
    case blockEntry, flowEntry, key, value, alias, anchor, tag, scalar
}

extension TokenKind {
    var type: TokenType {
        switch self {
        case .streamStart: return .streamStart
        case .streamEnd: return .streamEnd
        case .versionDirective, .tagDirective, .reservedDirective: return .directive
        case .documentStart: return .documentStart
        case .documentEnd: return .documentEnd
        case .blockSequenceStart: return .blockSequenceStart
        case .blockMappingStart: return .blockMappingStart
        case .blockEnd: return .blockEnd
        case .flowSequenceStart: return .flowSequenceStart
        case .flowSequenceEnd: return .flowSequenceEnd
        case .flowMappingStart: return .flowMappingStart
        case .flowMappingEnd: return .flowMappingEnd
        case .blockEntry: return .blockEntry
        case .flowEntry: return .flowEntry
        case .key: return .key
        case .value: return .value
        case .alias: return .alias
        case .anchor: return .anchor
        case .tag: return .tag
        case .scalar: return .scalar
        }
    }
}

struct Token: Sendable {
    var kind: TokenKind
    var start: Mark
    var end: Mark
}

/// Names for the token kinds in error messages.
extension TokenKind {
    var readableName: String {
        switch self {
        case .streamStart: return "start of stream"
        case .streamEnd: return "end of stream"
        case .versionDirective, .tagDirective, .reservedDirective: return "a directive"
        case .documentStart: return "document start '---'"
        case .documentEnd: return "document end '...'"
        case .blockSequenceStart: return "a block sequence"
        case .blockMappingStart: return "a block mapping"
        case .blockEnd: return "end of a block"
        case .flowSequenceStart: return "'['"
        case .flowSequenceEnd: return "']'"
        case .flowMappingStart: return "'{'"
        case .flowMappingEnd: return "'}'"
        case .blockEntry: return "'-'"
        case .flowEntry: return "','"
        case .key: return "a mapping key"
        case .value: return "':'"
        case .alias: return "an alias"
        case .anchor: return "an anchor"
        case .tag: return "a tag"
        case .scalar: return "a scalar"
        }
    }
}

/// A node of the YAML representation graph, with its position in the source.
///
/// Aliases are resolved by the parser into copies of the anchored node (copies share storage,
/// so this is cheap); `expandedSize` weighs, in bytes, the text such sharing stands for.
public struct YAMLNode: Sendable {
    public enum Content: Sendable {
        case scalar(String, ScalarStyle)
        case sequence([YAMLNode])
        case mapping([Pair])
    }

    public struct Pair: Sendable {
        public var key: YAMLNode
        public var value: YAMLNode
    }

    public var content: Content
    /// The resolved tag: `tag:yaml.org,2002:str`, a local tag such as `!foo`, `!` for the
    /// non-specific tag, or nil when the node had none.
    public var tag: String?
    public var anchor: String?
    public var location: SourceLocation
    /// The bytes of this node's text and everything below it, every alias expanded, plus
    /// `YAMLLimits.nodeWeight` a node.
    var expandedSize: Int

    /// A plain empty scalar: the null node YAML makes for a missing value.
    static func empty(at location: SourceLocation, tag: String? = nil, anchor: String? = nil) -> YAMLNode {
        YAMLNode(content: .scalar("", .plain), tag: tag, anchor: anchor, location: location, expandedSize: YAMLLimits.nodeWeight)
    }

    public var scalarText: String? {
        if case .scalar(let text, _) = content { return text }
        return nil
    }
}

/// One document of a YAML stream; `root` is nil for a document with no content at all.
public struct YAMLDocument: Sendable {
    public var root: YAMLNode?
    public var location: SourceLocation
}

/// The standard tags of the YAML core and Kubernetes schemas.
public enum YAMLTag {
    public static let prefix = "tag:yaml.org,2002:"
    public static let str = prefix + "str"
    public static let int = prefix + "int"
    public static let bool = prefix + "bool"
    public static let float = prefix + "float"
    public static let null = prefix + "null"
    public static let map = prefix + "map"
    public static let seq = prefix + "seq"
    public static let binary = prefix + "binary"
    public static let timestamp = prefix + "timestamp"
    public static let merge = prefix + "merge"
}

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

    /// Where a node was written, in 16 bytes: the file's name is shared by every node of the
    /// file, and lines and columns fit 32 bits (inputs are far smaller than 4 GiB).
    struct Position: Sendable {
        let file: SourceName
        let line: UInt32
        let column: UInt32

        init(file: SourceName, line: Int, column: Int) {
            self.file = file
            self.line = UInt32(clamping: line)
            self.column = UInt32(clamping: column)
        }
    }

    /// Tag and anchor, which few nodes have, out of line: one reference a node.
    final class Properties: Sendable {
        let tag: String?
        let anchor: String?

        init(tag: String?, anchor: String?) {
            self.tag = tag
            self.anchor = anchor
        }

        static func make(tag: String?, anchor: String?) -> Properties? {
            tag == nil && anchor == nil ? nil : Properties(tag: tag, anchor: anchor)
        }
    }

    // Stored in this order so the 32-bit weight fills the gap after `content`: 48 bytes a
    // node, so a mapping of a million pairs costs about 96 MB as nodes.
    public var content: Content
    private var weight: UInt32
    private var properties: Properties?
    private var position: Position

    /// The bytes of this node's text and everything below it, every alias expanded, plus
    /// `YAMLLimits.nodeWeight` a node; saturates at 4 GiB, far past any alias budget.
    var expandedSize: Int {
        get { Int(weight) }
        set { weight = UInt32(clamping: newValue) }
    }

    init(content: Content, tag: String?, anchor: String?, position: Position, expandedSize: Int) {
        self.content = content
        self.weight = UInt32(clamping: expandedSize)
        self.properties = Properties.make(tag: tag, anchor: anchor)
        self.position = position
    }

    /// The resolved tag: `tag:yaml.org,2002:str`, a local tag such as `!foo`, `!` for the
    /// non-specific tag, or nil when the node had none.
    public var tag: String? {
        get { properties?.tag }
        set { properties = Properties.make(tag: newValue, anchor: anchor) }
    }

    public var anchor: String? {
        get { properties?.anchor }
        set { properties = Properties.make(tag: tag, anchor: newValue) }
    }

    public var location: SourceLocation {
        SourceLocation(file: position.file.name, line: Int(position.line), column: Int(position.column))
    }

    /// A missing value's node sits where its key is.
    var emptyValue: YAMLNode { .empty(at: position) }

    /// A plain empty scalar: the null node YAML makes for a missing value.
    static func empty(at position: Position, tag: String? = nil, anchor: String? = nil) -> YAMLNode {
        YAMLNode(content: .scalar("", .plain), tag: tag, anchor: anchor, position: position, expandedSize: YAMLLimits.nodeWeight)
    }

    public var scalarText: String? {
        if case .scalar(let text, _) = content { return text }
        return nil
    }
}

/// A file's name, held once and shared by the positions of all its nodes.
final class SourceName: Sendable {
    let name: String
    init(_ name: String) { self.name = name }
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

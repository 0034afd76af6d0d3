/// Limits that keep hostile input from exhausting the stack, memory or time.
public enum YAMLLimits {
    /// Deepest nesting of collections (block indentation levels or flow brackets).
    public static let maxDepth = 256
    /// What aliases may add to a document, in bytes of the text they stand for (each node
    /// counted with `nodeWeight` more for its structure): `aliasRatio` times the bytes the
    /// document has taken so far, and never less than `aliasFloor`. go-yaml limits the ratio
    /// of alias nodes to all nodes decoded (`allowedAliasRatio`); counting bytes instead also
    /// catches a large scalar repeated, which that count lets through. So a document's value
    /// is at most about 10× its text (1 MB of YAML, about 10 MB of values), plus 1 MiB.
    public static let aliasRatio = 10
    public static let aliasFloor = 1 << 20
    /// What a node counts for besides its text.
    public static let nodeWeight = 16

    static func aliasBudget(documentBytes: Int) -> Int {
        max(aliasFloor, aliasRatio.multipliedSaturating(by: max(0, documentBytes)))
    }

    static func weight(of scalar: String) -> Int { nodeWeight + scalar.utf8.count }
}

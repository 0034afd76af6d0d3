/// Limits that keep hostile input from exhausting the stack, memory or time.
public enum YAMLLimits {
    /// Deepest nesting of collections (block indentation levels or flow brackets).
    public static let maxDepth = 256
    /// Most nodes that aliases may add to a document by expansion ("billion laughs" guard).
    public static let maxAliasExpansion = 1_000_000
}

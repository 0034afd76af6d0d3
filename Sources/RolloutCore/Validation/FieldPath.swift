/// A path to a field inside an object, printed as the API server prints it:
/// `spec.template.spec.containers[0].image`, `metadata.labels[app.kubernetes.io/name]`.
public struct FieldPath: Hashable, Sendable, CustomStringConvertible {
    public enum Component: Hashable, Sendable {
        case key(String)
        case index(Int)
    }

    public var components: [Component]

    public init(_ components: [Component] = []) { self.components = components }

    public init(_ dotted: String) {
        components = dotted.split(separator: ".").map { .key(String($0)) }
    }

    public func child(_ key: String) -> FieldPath { FieldPath(components + [.key(key)]) }
    public func index(_ i: Int) -> FieldPath { FieldPath(components + [.index(i)]) }
    public static func / (path: FieldPath, key: String) -> FieldPath { path.child(key) }

    public var description: String {
        var text = ""
        for component in components {
            switch component {
            case .index(let i): text += "[\(i)]"
            case .key(let raw):
                let k = GoQuote.escapingControls(raw, keepingLines: false)
                if k.contains(".") || k.contains("/") {
                    text += "[\(k)]"
                } else {
                    if !text.isEmpty { text += "." }
                    text += k
                }
            }
        }
        return text
    }

    /// Where the field was written: the node at this path, or the nearest ancestor present.
    func location(in root: YAMLNode?) -> SourceLocation? {
        guard var node = root else { return nil }
        for component in components {
            switch (component, node.content) {
            case (.key(let k), .mapping(let pairs)):
                guard let pair = pairs.last(where: { $0.key.scalarText == k }) else { return node.location }
                node = pair.value
            case (.index(let i), .sequence(let items)):
                guard i >= 0, i < items.count else { return node.location }
                node = items[i]
            default:
                return node.location
            }
        }
        return node.location
    }

    /// The node at exactly this path, if the document has one.
    func node(in root: YAMLNode?) -> YAMLNode? {
        guard var node = root else { return nil }
        for component in components {
            switch (component, node.content) {
            case (.key(let k), .mapping(let pairs)):
                guard let pair = pairs.last(where: { $0.key.scalarText == k }) else { return nil }
                node = pair.value
            case (.index(let i), .sequence(let items)):
                guard i >= 0, i < items.count else { return nil }
                node = items[i]
            default:
                return nil
            }
        }
        return node
    }
}

/// A document read from a manifest source, with where it came from.
public struct ManifestDocument: Sendable {
    public var value: Value
    public var node: Node
    public var source: String
}

/// The result of reading sources: documents in input order, plus warnings for stderr.
public struct DecodedManifests: Sendable {
    public var documents: [ManifestDocument] = []
    public var warnings: [YAMLWarning] = []
}

/// Reads manifest sources into documents: parse, resolve under a schema, drop empty documents,
/// expand `kind: List`.
public enum ManifestDecoder {
    public static func decode(_ sources: [ManifestSource], schema: YAMLSchema = .kubernetes, expandLists: Bool = true) throws(YAMLError) -> DecodedManifests {
        var result = DecodedManifests()
        for source in sources {
            let documents = try YAMLParser.parse(source.bytes, file: source.name, rules: schema.syntaxRules)
            var resolver = Resolver(schema: schema)
            for document in documents {
                guard let root = document.root else { continue }
                let value = try resolver.value(of: root)
                if value == .null { continue }
                if expandLists, let items = listItems(value, node: root) {
                    for item in items {
                        result.documents.append(ManifestDocument(value: item.value, node: item.node, source: source.name))
                    }
                } else {
                    result.documents.append(ManifestDocument(value: value, node: root, source: source.name))
                }
            }
            result.warnings += resolver.warnings
        }
        return result
    }

    /// The items of a `kind: List` document (kubectl flattens `v1/List` and typed lists such as
    /// `DeploymentList`), each with its node for positions.
    static func listItems(_ value: Value, node: Node) -> [(value: Value, node: Node)]? {
        guard case .object(let object) = value,
              let kind = object["kind"]?.stringValue, kind == "List" || kind.hasSuffix("List"),
              case .array(let items)? = object["items"] else { return nil }
        var itemNodes: [Node] = []
        if case .mapping(let pairs) = node.content,
           let pair = pairs.last(where: { $0.key.scalarText == "items" }),
           case .sequence(let nodes) = pair.value.content, nodes.count == items.count {
            itemNodes = nodes
        }
        return items.enumerated().compactMap { index, item in
            if item == .null { return nil }
            return (item, index < itemNodes.count ? itemNodes[index] : node)
        }
    }
}

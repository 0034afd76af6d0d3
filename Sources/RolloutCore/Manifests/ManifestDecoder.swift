/// A document read from a manifest source, with where it came from.
public struct ManifestDocument: Sendable {
    public var value: Value
    public var node: YAMLNode
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
        result.warnings = try forEachDocument(in: sources, schema: schema, expandLists: expandLists) { document in
            result.documents.append(document)
        }
        return result
    }

    /// Calls `body` with each document in input order, one at a time; returns the warnings.
    public static func forEachDocument(
        in sources: [ManifestSource], schema: YAMLSchema = .kubernetes, expandLists: Bool = true,
        _ body: (ManifestDocument) throws(YAMLError) -> Void
    ) throws(YAMLError) -> [YAMLWarning] {
        var warnings: [YAMLWarning] = []
        for source in sources {
            var parser = try YAMLParser(source.bytes, file: source.name, rules: schema.syntaxRules)
            var resolver = Resolver(schema: schema)
            while let document = try parser.nextDocument() {
                guard let root = document.root else { continue }
                let value = try resolver.value(of: root)
                if value == .null { continue }
                if expandLists, let items = listItems(value, node: root) {
                    for item in items {
                        try body(ManifestDocument(value: item.value, node: item.node, source: source.name))
                    }
                } else {
                    try body(ManifestDocument(value: value, node: root, source: source.name))
                }
            }
            warnings += resolver.warnings
        }
        return warnings
    }

    /// The items of a `kind: List` document (kubectl flattens `v1/List` and typed lists such as
    /// `DeploymentList`), each with its node for positions.
    static func listItems(_ value: Value, node: YAMLNode) -> [(value: Value, node: YAMLNode)]? {
        guard case .object(let object) = value,
              let kind = object["kind"]?.stringValue, kind == "List" || kind.hasSuffix("List"),
              case .array(let items)? = object["items"] else { return nil }
        var itemNodes: [YAMLNode] = []
        if case .mapping(let pairs) = node.content,
           let pair = pairs.last(where: { $0.key.scalarText == "items" }),
           case .sequence(let nodes) = pair.value.content, nodes.count == items.count {
            itemNodes = nodes
        }
        // A typed list as the API server sends it: its items carry no kind or apiVersion of
        // their own (`PodList` holds Pods of the list's apiVersion).
        let itemKind = kind == "List" ? nil : String(kind.dropLast(4))
        let apiVersion = object["apiVersion"]
        return items.enumerated().compactMap { index, item in
            if item == .null { return nil }
            var item = item
            if let itemKind, case .object(let fields) = item, fields["kind"] == nil || fields["apiVersion"] == nil {
                var head: [Object.Member] = []
                if fields["apiVersion"] == nil, let apiVersion { head.append(Object.Member(key: "apiVersion", value: apiVersion)) }
                if fields["kind"] == nil { head.append(Object.Member(key: "kind", value: .string(itemKind))) }
                item = .object(Object(head + fields.members))
            }
            return (item, index < itemNodes.count ? itemNodes[index] : node)
        }
    }
}

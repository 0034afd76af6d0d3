/// `rollout render`: documents exactly as read, printed as YAML or JSON.
public enum RenderFormat: String, Sendable, CaseIterable {
    case yaml, json
}

public enum Render {
    /// The text to print: YAML documents separated by `---`, or one compact JSON value a line.
    /// Reads and renders `sources` one document at a time; all or nothing, as the result is
    /// returned only when every document was read.
    public static func render(_ sources: [ManifestSource], schema: YAMLSchema, format: RenderFormat) throws(YAMLError) -> (output: [UInt8], warnings: [YAMLWarning]) {
        var output: [UInt8] = []
        // Output is usually a little larger than the input (quotes, indentation): room for 30%
        // more, so one huge document does not double the buffer at its very end.
        let inputBytes = sources.reduce(0) { $0 + $1.byteCount }
        output.reserveCapacity(inputBytes + inputBytes / 10 * 3)
        var first = true
        var warnings: [YAMLWarning] = []
        for source in sources {
            // Block YAML goes straight to JSON; anything else (and every error) the general way.
            if format == .json {
                let done = source.withBytes { bytes in
                    DirectJSON.transcode(bytes, schema: schema, into: &output, readThrough: source.mapped.map { mapped in { mapped.release(before: $0) } })
                }
                if done { continue }
            }
            warnings += try ManifestDecoder.forEachDocument(in: [source], schema: schema) { (document: ManifestDocument) throws(YAMLError) in
                try append(document, format: format, first: first, to: &output)
                first = false
            }
        }
        return (output, warnings)
    }

    static func append(_ document: ManifestDocument, format: RenderFormat, first: Bool, to output: inout [UInt8]) throws(YAMLError) {
        switch format {
        case .yaml:
            if !first { output.append(contentsOf: "---\n".utf8) }
            YAMLWriter.write(document.value, into: &output)
        case .json:
            do {
                try JSONWriter.write(document.value, style: .compact, into: &output)
            } catch {
                throw YAMLError(location: document.node.location,
                                message: "this document holds the number \(error.value), which JSON cannot represent; quote it to keep it as a string")
            }
            output.append(0x0A)
        }
    }

    /// The text for documents already read: YAML separated by `---`, or JSON one per line.
    public static func text(of documents: [ManifestDocument], format: RenderFormat) throws(YAMLError) -> String {
        var output: [UInt8] = []
        for (index, document) in documents.enumerated() {
            try append(document, format: format, first: index == 0, to: &output)
        }
        return String(decoding: output, as: UTF8.self)
    }
}

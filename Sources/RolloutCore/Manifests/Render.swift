/// `rollout render`: documents exactly as read, printed as YAML or JSON.
public enum RenderFormat: String, Sendable, CaseIterable {
    case yaml, json
}

public enum Render {
    /// The text to print: YAML documents separated by `---`, or one compact JSON value a line.
    public static func text(of documents: [ManifestDocument], format: RenderFormat) throws(YAMLError) -> String {
        var out = ""
        switch format {
        case .yaml:
            for (index, document) in documents.enumerated() {
                if index > 0 { out += "---\n" }
                YAMLWriter.write(document.value, into: &out)
            }
        case .json:
            var bytes: [UInt8] = []
            for document in documents {
                do {
                    try JSONWriter.write(document.value, style: .compact, into: &bytes)
                } catch {
                    throw YAMLError(location: document.node.location,
                                    message: "this document holds the number \(error.value), which JSON cannot represent; quote it to keep it as a string")
                }
                bytes.append(0x0A)
            }
            out = String(decoding: bytes, as: UTF8.self)
        }
        return out
    }
}

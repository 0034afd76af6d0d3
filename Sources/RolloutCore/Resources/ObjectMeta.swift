/// The metadata every object has, as the control plane reads it.
public struct ObjectMeta: Equatable, Sendable {
    public var name: String
    public var generateName: String?
    public var namespace: String?
    public var labels: [String: String]
    public var annotations: [String: String]

    init(_ object: Object, at path: FieldPath, reader: inout FieldReader) {
        name = reader.string(object["name"], path / "name") ?? ""
        generateName = reader.string(object["generateName"], path / "generateName")
        namespace = reader.string(object["namespace"], path / "namespace")
        labels = reader.stringMap(object["labels"], path / "labels")
        annotations = reader.stringMap(object["annotations"], path / "annotations")
    }
}

extension ObjectMeta {
    /// The `metadata` of a whole object.
    init(of object: Object, reader: inout FieldReader) {
        let path = FieldPath("metadata")
        self.init(reader.object(object["metadata"], path) ?? Object(), at: path, reader: &reader)
    }
}

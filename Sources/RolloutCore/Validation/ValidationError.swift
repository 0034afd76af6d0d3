/// One problem with one field, worded as the API server words it where it has a wording
/// (`Required value`, `Invalid value: …`, `field is immutable`).
public struct FieldError: Equatable, Sendable {
    public var path: FieldPath
    public var message: String
    /// Where in the manifest the field was written, when the object came from YAML.
    public var location: SourceLocation?

    public init(_ path: FieldPath, _ message: String, location: SourceLocation? = nil) {
        self.path = path
        self.message = message
        self.location = location
    }
}

/// Everything wrong with one object: `file: kind/name: field.path: message`, one line per
/// field. Exit code 2.
public struct ValidationError: Error, Sendable, CustomStringConvertible {
    public var file: String
    /// `deployment.apps/web`, or the kind alone when the object has no name.
    public var object: String
    public var errors: [FieldError]
    /// Refused by an admission plugin (403 Forbidden from a server), not invalid (422).
    public var isForbidden = false

    public init(file: String, object: String, errors: [FieldError]) {
        self.file = file
        self.object = object
        self.errors = errors
    }

    public var description: String {
        errors.map { error in
            var line = file.isEmpty ? "" : "\(file): "
            line += "\(object): "
            if !error.path.components.isEmpty { line += "\(error.path): " }
            line += error.message
            if let location = error.location { line += " (line \(location.line), column \(location.column))" }
            return line
        }.joined(separator: "\n")
    }
}

/// The problems found in a set of manifests; nothing is applied when there is any.
public struct ValidationErrors: Error, Sendable, CustomStringConvertible {
    public var objects: [ValidationError]
    public var description: String { objects.map(\.description).joined(separator: "\n") }
}

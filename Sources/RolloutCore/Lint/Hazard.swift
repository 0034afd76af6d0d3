/// A zero-downtime hazard found in manifests (SPEC §5): what, where, how bad, and the fix.
public struct Hazard: Equatable, Sendable {
    public enum Severity: String, Sendable, Comparable {
        case warning, error
        public static func < (a: Severity, b: Severity) -> Bool { a == .warning && b == .error }
    }

    /// A stable identifier, e.g. `no-readiness-probe`.
    public var code: String
    public var severity: Severity
    /// `deployment.apps/web-api`.
    public var object: String
    public var path: FieldPath
    public var message: String
    public var fix: String
    public var file: String
    public var location: SourceLocation?

    /// `web.yaml:12:7: error[no-readiness-probe] deployment.apps/web: spec…: message` and the fix.
    public var text: String {
        let place = location.map { "\($0)" } ?? file
        // A hazard found in the cluster, not in a file, has no place.
        return "\(place.isEmpty ? "" : place + ": ")\(severity.rawValue)[\(code)] \(object): \(path): \(message)\n    fix: \(fix)\n"
    }

    public var json: Value {
        var o = Object([
            "code": .string(code), "severity": .string(severity.rawValue), "object": .string(object), "path": .string(path.description),
            "message": .string(message), "fix": .string(fix), "file": .string(file),
        ])
        if let location { o["line"] = .int(location.line); o["column"] = .int(location.column) }
        return .object(o)
    }
}

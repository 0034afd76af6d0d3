/// A `networking.k8s.io/v1` Ingress, decoded once for validation, `lint` and the simulated
/// ingress controller, each path with where it was written.
public struct Ingress: Sendable {
    public struct Backend: Sendable, Equatable {
        public var service: String?
        public var portNumber: Int?
        public var portName: String?
        public var hasResource: Bool
        public var at: FieldPath
    }

    public struct HTTPPath: Sendable {
        public var path: String
        public var pathType: String?
        public var backend: Backend
        public var at: FieldPath
    }

    public struct Rule: Sendable {
        public var host: String
        public var paths: [HTTPPath]
        public var hasHTTP: Bool
        public var at: FieldPath
    }

    public static let classAnnotation = "kubernetes.io/ingress.class"
    public static let defaultClassAnnotation = "ingressclass.kubernetes.io/is-default-class"

    public var namespace: String
    public var name: String
    public var className: String?
    public var annotations: [String: String]
    public var defaultBackend: Backend?
    public var rules: [Rule]

    public init(_ resource: Resource, reader: inout FieldReader) {
        namespace = resource.namespace ?? "default"
        name = resource.name
        annotations = resource.annotations
        let spec = FieldPath("spec")
        let s = reader.object(resource.object["spec"], spec) ?? Object()
        className = reader.string(s["ingressClassName"], spec / "ingressClassName")
        defaultBackend = s["defaultBackend"].flatMap { Self.backend($0, at: spec / "defaultBackend", reader: &reader) }
        rules = []
        for (i, item) in (reader.array(s["rules"], spec / "rules") ?? []).enumerated() {
            let r = spec / "rules" |> i
            guard let rule = reader.object(item, r) else { continue }
            var paths: [HTTPPath] = []
            let http = reader.object(rule["http"], r / "http")
            for (j, entry) in (reader.array(http?["paths"], r / "http" / "paths") ?? []).enumerated() {
                let p = r / "http" / "paths" |> j
                guard let path = reader.object(entry, p) else { continue }
                let backend = Self.backend(path["backend"] ?? .object(Object()), at: p / "backend", reader: &reader)
                    ?? Backend(service: nil, portNumber: nil, portName: nil, hasResource: false, at: p / "backend")
                paths.append(HTTPPath(path: reader.string(path["path"], p / "path") ?? "", pathType: reader.string(path["pathType"], p / "pathType"),
                                      backend: backend, at: p))
            }
            rules.append(Rule(host: reader.string(rule["host"], r / "host") ?? "", paths: paths, hasHTTP: http != nil, at: r))
        }
    }

    static func backend(_ value: Value, at path: FieldPath, reader: inout FieldReader) -> Backend? {
        guard let b = reader.object(value, path) else { return nil }
        let service = reader.object(b["service"], path / "service")
        let port = reader.object(service?["port"], path / "service" / "port")
        return Backend(service: service.map { reader.string($0["name"], path / "service" / "name") ?? "" },
                       portNumber: reader.int32(port?["number"], path / "service" / "port" / "number", goStruct: "ServiceBackendPort"),
                       portName: reader.string(port?["name"], path / "service" / "port" / "name"),
                       hasResource: b["resource"] != nil && b["resource"] != .null, at: path)
    }

    /// Every backend with the path where it is written: the default backend, then each path's.
    public var backends: [Backend] {
        (defaultBackend.map { [$0] } ?? []) + rules.flatMap { $0.paths.map(\.backend) }
    }
}

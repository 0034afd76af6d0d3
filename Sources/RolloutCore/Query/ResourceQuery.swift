/// What `get`, `describe` and `delete` were asked for: `deploy`, `deploy web api`,
/// `deploy/web svc/web`, `deploy,svc`, `all`.
public struct ResourceQuery: Sendable {
    public struct Request: Sendable {
        public var type: ResourceType
        /// Empty: every object of the type (in scope).
        public var names: [String]
    }

    public var requests: [Request]
    /// More than one type was named: kubectl then prefixes names with their kind.
    public var multipleTypes: Bool { Set(requests.map(\.type.storageKey)).count > 1 || namedAll }
    var namedAll = false

    /// Errors in what was asked for; `unknownType` is exit code 1 as in kubectl.
    public enum Error: Swift.Error, Sendable, CustomStringConvertible {
        case unknownType(String)
        case missingType
        case mixedForms

        public var description: String {
            switch self {
            case .unknownType(let name): return "the server doesn't have a resource type \"\(name)\""
            case .missingType: return "Required resource not specified."
            case .mixedForms: return "there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'rollout get resource/<resource_name>' instead of 'rollout get resource resource/<resource_name>')"
            }
        }
    }

    public static func parse(_ args: [String], storedTypes: [ResourceType]) throws(Error) -> ResourceQuery {
        guard let first = args.first else { throw .missingType }
        func resolve(_ name: String) throws(Error) -> ResourceType {
            guard let type = ResourceType.resolve(name, among: storedTypes) else { throw .unknownType(name) }
            return type
        }
        if first.contains("/") {
            var requests: [Request] = []
            for arg in args {
                let parts = arg.split(separator: "/", maxSplits: 1).map(String.init)
                guard parts.count == 2 else { throw .mixedForms }
                requests.append(Request(type: try resolve(parts[0]), names: [parts[1]]))
            }
            return ResourceQuery(requests: requests)
        }
        if args.dropFirst().contains(where: { $0.contains("/") }) { throw .mixedForms }
        var requests: [Request] = []
        var namedAll = false
        for name in first.split(separator: ",").map(String.init) {
            if name == "all" {
                namedAll = true
                for kind in ResourceType.allCategory {
                    if let type = ResourceType.builtIn.first(where: { $0.kind == kind }) { requests.append(Request(type: type, names: Array(args.dropFirst()))) }
                }
            } else {
                requests.append(Request(type: try resolve(name), names: Array(args.dropFirst())))
            }
        }
        return ResourceQuery(requests: requests, namedAll: namedAll)
    }
}

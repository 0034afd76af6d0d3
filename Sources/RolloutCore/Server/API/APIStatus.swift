/// A `metav1.Status` failure, as the API server writes errors
/// (`k8s.io/apimachinery/pkg/api/errors/errors.go`: `NewNotFound`, `NewAlreadyExists`,
/// `NewConflict`, `NewInvalid`, `NewForbidden`, `NewBadRequest`, `NewMethodNotSupported`, …).
/// kubectl prints `Error from server (REASON): MESSAGE` from it.
public struct APIStatus: Error, Equatable, Sendable {
    public var code: Int
    /// `NotFound`, `AlreadyExists`, `Conflict`, `Invalid`, `Forbidden`, `BadRequest`, …; ""
    /// for none.
    public var reason: String
    public var message: String
    /// `details`: the object's name, group and kind (the plural resource), and causes.
    public var name: String?
    public var group: String?
    public var kind: String?
    public var causes: [Cause] = []
    /// `details.retryAfterSeconds`.
    public var retryAfterSeconds: Int?

    public struct Cause: Equatable, Sendable {
        public var reason: String
        public var message: String
        public var field: String
    }

    public init(code: Int, reason: String, message: String, name: String? = nil, group: String? = nil, kind: String? = nil, causes: [Cause] = []) {
        self.code = code
        self.reason = reason
        self.message = message
        self.name = name
        self.group = group
        self.kind = kind
        self.causes = causes
    }

    /// `NewNotFound`: `pods "web" not found` (`deployments.apps "web" not found`).
    public static func notFound(_ type: ResourceType, name: String) -> APIStatus {
        APIStatus(code: 404, reason: "NotFound", message: "\(type.qualifiedPlural) \"\(name)\" not found", name: name, group: type.group, kind: type.plural)
    }

    /// `NewAlreadyExists`.
    public static func alreadyExists(_ type: ResourceType, name: String) -> APIStatus {
        APIStatus(code: 409, reason: "AlreadyExists", message: "\(type.qualifiedPlural) \"\(name)\" already exists", name: name, group: type.group, kind: type.plural)
    }

    /// `NewConflict`: `Operation cannot be fulfilled on deployments.apps "web": …`.
    public static func conflict(_ type: ResourceType, name: String, _ detail: String) -> APIStatus {
        APIStatus(code: 409, reason: "Conflict", message: "Operation cannot be fulfilled on \(type.qualifiedPlural) \"\(name)\": \(detail)",
                  name: name, group: type.group, kind: type.plural)
    }

    /// `NewBadRequest`.
    public static func badRequest(_ message: String) -> APIStatus {
        APIStatus(code: 400, reason: "BadRequest", message: message)
    }

    /// The path names no resource the server has: the generic 404 (`404 page not found` is
    /// what the mux answers outside the API; inside, a NotFound Status).
    public static let noResource = APIStatus(code: 404, reason: "NotFound", message: "the server could not find the requested resource")

    /// `NewMethodNotSupported`: `create is not supported on resources of kind "nodes/proxy"`.
    public static func methodNotSupported(_ type: ResourceType, verb: String) -> APIStatus {
        APIStatus(code: 405, reason: "MethodNotAllowed", message: "\(verb) is not supported on resources of kind \"\(type.qualifiedPlural)\"",
                  group: type.group, kind: type.plural)
    }

    public static let unauthorized = APIStatus(code: 401, reason: "Unauthorized", message: "Unauthorized")

    /// The Status object.
    public var value: Value {
        var status = Object([
            "kind": .string("Status"), "apiVersion": .string("v1"), "metadata": .object(Object()),
            "status": .string("Failure"), "message": .string(message),
        ])
        if !reason.isEmpty { status["reason"] = .string(reason) }
        var details = Object()
        if let name { details["name"] = .string(name) }
        if let group, !group.isEmpty { details["group"] = .string(group) }
        if let kind { details["kind"] = .string(kind) }
        if !causes.isEmpty {
            details["causes"] = .array(causes.map { cause in
                var o = Object()
                o["reason"] = .string(cause.reason)
                o["message"] = .string(cause.message)
                if !cause.field.isEmpty { o["field"] = .string(cause.field) }
                return .object(o)
            })
        }
        if let retryAfterSeconds { details["retryAfterSeconds"] = .int(retryAfterSeconds) }
        if details.count > 0 { status["details"] = .object(details) }
        status["code"] = .int(code)
        return .object(status)
    }
}

/// The API server's size limits, with its 1.32 messages (`field.TooLong`: "may not be more than
/// N bytes"; apimachinery v0.32 reworded it from "must have at most N bytes").
public enum SizeLimits {
    /// `TotalAnnotationSizeLimitB` (`apimachinery/pkg/api/validation/objectmeta.go`). The
    /// last-applied configuration `apply` records counts: a ConfigMap of 300 KiB cannot be
    /// applied client-side, as with kubectl.
    public static let annotations = 256 * 1024
    /// `core.MaxSecretSize`, for a Secret's data and a ConfigMap's data plus binaryData
    /// (`pkg/apis/core/validation/validation.go`, `ValidateSecret`, `ValidateConfigMap`).
    public static let configData = 1024 * 1024
    /// What etcd takes in one request by default (`--max-request-bytes`, 1.5 MiB).
    public static let etcdRequest = 1_572_864
    /// The API server's request body limit (`MaxRequestBodyBytes`, 3 MiB).
    public static let requestBody = 3 * 1024 * 1024

    static func tooLong(_ limit: Int) -> String { "Too long: may not be more than \(limit) bytes" }

    /// `data` (and `binaryData`) of a ConfigMap or Secret, counted as the API server counts:
    /// string bytes for ConfigMap data, decoded bytes for base64 fields.
    static func validateData(_ resource: Resource, reader: inout FieldReader) {
        guard resource.type.group.isEmpty else { return }
        let o = resource.object
        switch resource.kind {
        case "ConfigMap":
            var total = 0
            for member in o["data"]?.objectValue?.members ?? [] { total += member.value.stringValue?.utf8.count ?? 0 }
            for member in o["binaryData"]?.objectValue?.members ?? [] { total += Base64.decodedLength(member.value.stringValue ?? "") }
            // Reported on the root path, which field.Path prints as "[]".
            if total > configData { reader.fail(FieldPath([.key("[]")]), tooLong(configData)) }
        case "Secret":
            var total = 0
            for member in o["data"]?.objectValue?.members ?? [] { total += Base64.decodedLength(member.value.stringValue ?? "") }
            for member in o["stringData"]?.objectValue?.members ?? [] { total += member.value.stringValue?.utf8.count ?? 0 }
            if total > configData { reader.fail(FieldPath("data"), tooLong(configData)) }
        default:
            break
        }
    }

    /// What the API server and etcd would refuse of the object exactly as it would be stored
    /// (defaults and the last-applied annotation included); nil when it fits.
    public static func storageProblems(_ resource: Resource) -> [FieldError] {
        var problems: [FieldError] = []
        var annotationBytes = 0
        for (key, value) in resource.annotations { annotationBytes += key.utf8.count + value.utf8.count }
        if annotationBytes > annotations {
            problems.append(FieldError(FieldPath("metadata.annotations"), tooLong(annotations)))
        }
        var encoded: [UInt8] = []
        try? JSONWriter.write(resource.value, style: .compact, into: &encoded)
        if encoded.count > requestBody {
            problems.append(FieldError(FieldPath(), "Request entity too large: limit is \(requestBody) (the object is \(encoded.count) bytes as JSON)"))
        } else if encoded.count > etcdRequest {
            problems.append(FieldError(FieldPath(), "etcdserver: request is too large (the object is \(encoded.count) bytes as stored; etcd takes at most \(etcdRequest))"))
        }
        return problems
    }
}

/// `apiVersion` and `kind`, checked before anything else: they name the type, and a type's
/// name reaches the store, the printers and every error message. Kubernetes' own rules:
/// an apiVersion is `VERSION` or `GROUP/VERSION` (`schema.ParseGroupVersion`); a group is a
/// DNS subdomain or empty, a version a DNS-1035 label, and a kind, lower-cased, a DNS-1035
/// label — what the API server requires of a CustomResourceDefinition's group, versions
/// and `names.kind` (`apiextensions-apiserver/pkg/apis/apiextensions/validation/validation.go`,
/// `ValidateCustomResourceDefinitionSpec`, `ValidateCustomResourceDefinitionNames`).
enum TypeMetaValidation {
    static func validate(apiVersion: Value?, kind: Value?, reader: inout FieldReader) {
        let versionPath = FieldPath("apiVersion"), kindPath = FieldPath("kind")
        if let text = reader.string(apiVersion, versionPath) {
            for problem in problems(apiVersion: text) {
                reader.fail(versionPath, "Invalid value: \(GoQuote.quoted(text)): \(problem)")
            }
            if text.isEmpty { reader.fail(versionPath, "Required value: set apiVersion (e.g. apps/v1 for a Deployment, v1 for a Service)") }
        } else if apiVersion == nil || apiVersion == .null {
            reader.fail(versionPath, "Required value: set apiVersion (e.g. apps/v1 for a Deployment, v1 for a Service)")
        }
        if let text = reader.string(kind, kindPath) {
            if text.isEmpty {
                reader.fail(kindPath, "Required value: set kind (e.g. Deployment, Service)")
            } else {
                for problem in Validation.dns1035LabelErrors(text.lowercased()) {
                    reader.fail(kindPath, "Invalid value: \(GoQuote.quoted(text)): may have mixed case, but should otherwise match: \(problem)")
                }
            }
        } else if kind == nil || kind == .null {
            reader.fail(kindPath, "Required value: set kind (e.g. Deployment, Service)")
        }
    }

    /// What is wrong with an apiVersion; empty when it is valid (or empty: that is "required").
    static func problems(apiVersion text: String) -> [String] {
        if text.isEmpty { return [] }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count <= 2 else {
            return ["unexpected GroupVersion string: \(GoQuote.escapingControls(text)) (an apiVersion is VERSION or GROUP/VERSION, e.g. v1 or apps/v1)"]
        }
        var result: [String] = []
        if parts.count == 2 {
            result += Validation.dns1123SubdomainErrors(parts[0]).map { "group \(GoQuote.quoted(parts[0])): \($0)" }
        }
        let version = parts[parts.count - 1]
        result += Validation.dns1035LabelErrors(version).map { "version \(GoQuote.quoted(version)): \($0)" }
        return result
    }
}

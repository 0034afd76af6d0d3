/// The API server's Ingress rules (`pkg/apis/networking/validation/validation.go`:
/// ValidateIngressSpec, validateIngressRules, validateHTTPIngressRuleValue,
/// validateIngressBackend), with their wording.
extension ObjectValidation {
    static func validateIngress(_ ingress: Ingress, reader: inout FieldReader) {
        let spec = FieldPath("spec")
        if ingress.rules.isEmpty && ingress.defaultBackend == nil {
            reader.fail(spec, "Invalid value: \"\": either `defaultBackend` or `rules` must be specified")
        }
        if let name = ingress.className {
            for message in Validation.dns1123SubdomainErrors(name) { reader.fail(spec / "ingressClassName", "Invalid value: \(GoQuote.quoted(name)): \(message)") }
        }
        if let backend = ingress.defaultBackend { validateBackend(backend, reader: &reader) }
        for rule in ingress.rules {
            if !rule.host.isEmpty {
                let host = rule.host
                if isIPAddress(host) {
                    reader.fail(rule.at / "host", "Invalid value: \(GoQuote.quoted(host)): must be a DNS name, not an IP address")
                } else if host.hasPrefix("*.") {
                    if !Validation.isDNS1123Subdomain(String(host.dropFirst(2))) {
                        reader.fail(rule.at / "host", "Invalid value: \(GoQuote.quoted(host)): a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")
                    }
                } else {
                    for message in Validation.dns1123SubdomainErrors(host) { reader.fail(rule.at / "host", "Invalid value: \(GoQuote.quoted(host)): \(message)") }
                }
            }
            guard rule.hasHTTP else { continue }
            if rule.paths.isEmpty { reader.fail(rule.at / "http" / "paths", "Required value") }
            for path in rule.paths {
                switch path.pathType {
                case nil:
                    reader.fail(path.at / "pathType", "Required value: pathType must be specified")
                case "Exact"?, "Prefix"?:
                    if !path.path.hasPrefix("/") {
                        reader.fail(path.at / "path", "Invalid value: \(GoQuote.quoted(path.path)): must be an absolute path")
                    } else {
                        for bad in ["//", "/./", "/../", "%2f", "%2F"] where path.path.contains(bad) {
                            reader.fail(path.at / "path", "Invalid value: \(GoQuote.quoted(path.path)): must not contain '\(bad)'")
                        }
                        for bad in ["/..", "/."] where path.path.hasSuffix(bad) {
                            reader.fail(path.at / "path", "Invalid value: \(GoQuote.quoted(path.path)): must not end with '\(bad)'")
                        }
                    }
                case "ImplementationSpecific"?:
                    if !path.path.isEmpty && !path.path.hasPrefix("/") {
                        reader.fail(path.at / "path", "Invalid value: \(GoQuote.quoted(path.path)): must be an absolute path")
                    }
                case let other?:
                    reader.fail(path.at / "pathType", "Unsupported value: \(GoQuote.quoted(other)): supported values: \"Exact\", \"ImplementationSpecific\", \"Prefix\"")
                }
                validateBackend(path.backend, reader: &reader)
            }
        }
    }

    static func validateBackend(_ backend: Ingress.Backend, reader: inout FieldReader) {
        switch (backend.hasResource, backend.service) {
        case (true, _?):
            reader.fail(backend.at, "Invalid value: \"\": cannot set both resource and service backends")
        case (true, nil):
            break
        case (false, let name?):
            if name.isEmpty {
                reader.fail(backend.at / "service" / "name", "Required value")
            } else {
                for message in Validation.dns1035LabelErrors(name) { reader.fail(backend.at / "service" / "name", "Invalid value: \(GoQuote.quoted(name)): \(message)") }
            }
            let number = backend.portNumber ?? 0
            let name = backend.portName ?? ""
            if !name.isEmpty && number != 0 {
                reader.fail(backend.at, "Invalid value: \"\": cannot set both port name & port number")
            } else if !name.isEmpty {
                // validateIngressBackend: each of IsValidPortName's messages.
                for message in Validation.portNameErrors(name) { reader.fail(backend.at / "service" / "port" / "name", "Invalid value: \(GoQuote.quoted(name)): \(message)") }
            } else if number != 0 {
                if !(1...65535).contains(number) { reader.fail(backend.at / "service" / "port" / "number", "Invalid value: \(number): must be between 1 and 65535, inclusive") }
            } else {
                reader.fail(backend.at, "Required value: port name or number is required")
            }
        case (false, nil):
            reader.fail(backend.at, "Invalid value: \"\": resource or service backend is required")
        }
    }

    static func isIPAddress(_ host: String) -> Bool {
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count == 4 && parts.allSatisfy({ UInt8($0) != nil }) { return true }
        return host.contains(":")
    }
}

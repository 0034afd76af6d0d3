/// The name and label rules of `k8s.io/apimachinery/pkg/util/validation`, with its messages.
public enum Validation {
    private static func isAlnum(_ b: UInt8) -> Bool { (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) }
    private static func isAlnumAnyCase(_ b: UInt8) -> Bool { isAlnum(b) || (b >= 0x41 && b <= 0x5A) }

    /// RFC 1123 label: `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, at most 63 characters.
    /// (These checks read the string's bytes where they lie: every stored object's names,
    /// labels and annotations are checked again when a command loads the state.)
    public static func isDNS1123Label(_ s: String) -> Bool {
        s.withUTF8Bytes { $0.count <= 63 && isDNS1123Label($0[...]) }
    }

    /// A non-empty run of `[a-z0-9-]` starting and ending with `[a-z0-9]` (no length limit).
    private static func isDNS1123Label(_ b: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        guard let first = b.first, let last = b.last, isAlnum(first), isAlnum(last) else { return false }
        return b.allSatisfy { isAlnum($0) || $0 == UInt8(ascii: "-") }
    }

    /// RFC 1123 subdomain: labels joined by dots, at most 253 characters.
    public static func isDNS1123Subdomain(_ s: String) -> Bool {
        s.withUTF8Bytes { isDNS1123Subdomain($0[...]) }
    }

    private static func isDNS1123Subdomain(_ b: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        guard !b.isEmpty, b.count <= 253 else { return false }
        var start = b.startIndex
        while true {
            let end = b[start...].firstIndex(of: UInt8(ascii: ".")) ?? b.endIndex
            guard isDNS1123Label(b[start..<end]) else { return false }
            if end == b.endIndex { return true }
            start = end + 1
        }
    }

    /// RFC 1035 label (Service names): like a 1123 label but starting with a letter.
    public static func isDNS1035Label(_ s: String) -> Bool {
        guard let first = s.utf8.first, first >= 0x61 && first <= 0x7A else { return false }
        return isDNS1123Label(s)
    }

    /// A label value: empty, or `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`, at most 63.
    public static func isLabelValue(_ s: String) -> Bool {
        s.withUTF8Bytes { isLabelValue($0[...]) }
    }

    private static func isLabelValue(_ b: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        guard let first = b.first, let last = b.last else { return true }
        guard b.count <= 63, isAlnumAnyCase(first), isAlnumAnyCase(last) else { return false }
        return b.allSatisfy { isAlnumAnyCase($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") }
    }

    /// A label or annotation key: an optional DNS subdomain prefix and `/`, then a name that is
    /// a non-empty label value.
    public static func isQualifiedName(_ s: String) -> Bool {
        s.withUTF8Bytes { b in
            let whole = b[...]
            guard let slash = whole.firstIndex(of: UInt8(ascii: "/")) else { return !whole.isEmpty && isLabelValue(whole) }
            let name = whole[(slash + 1)...]
            guard !name.contains(UInt8(ascii: "/")) else { return false }
            return isDNS1123Subdomain(whole[..<slash]) && !name.isEmpty && isLabelValue(name)
        }
    }

    /// `IsValidPathSegmentName` (`apimachinery/pkg/api/validation/path`): not `.` or `..`, no
    /// `/` or `%` — the names of RBAC's roles and bindings.
    public static func pathSegmentNameErrors(_ s: String) -> [String] {
        if s == "." || s == ".." { return ["may not be '\(s)'"] }
        return ["/", "%"].filter { s.contains($0) }.map { "may not contain '\($0)'" }
    }

    /// IANA service name (named ports): 1–15 of `[a-z0-9-]`, a letter somewhere, no `--`,
    /// no leading or trailing `-`.
    public static func isPortName(_ s: String) -> Bool { portNameErrors(s).isEmpty }

    /// `IsValidPortName`'s messages (`apimachinery/pkg/util/validation`), each a field error of
    /// its own where the API server checks a port name (a container's port, a Service's or a
    /// probe's target port, an Ingress backend's port), in its order.
    public static func portNameErrors(_ s: String) -> [String] {
        let b = Array(s.utf8)
        var errors: [String] = []
        if b.count > 15 { errors.append("must be no more than 15 characters") }
        if b.isEmpty || !b.allSatisfy({ isAlnum($0) || $0 == UInt8(ascii: "-") }) {
            errors.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
        }
        if !b.contains(where: { $0 >= 0x61 && $0 <= 0x7A }) { errors.append("must contain at least one letter (a-z)") }
        if s.contains("--") { errors.append("must not contain consecutive hyphens") }
        if b.first == UInt8(ascii: "-") || b.last == UInt8(ascii: "-") { errors.append("must not begin or end with a hyphen") }
        return errors
    }

    /// `IsDNS1123Subdomain`'s messages: one for the length, one for the pattern.
    public static func dns1123SubdomainErrors(_ s: String) -> [String] {
        var errors: [String] = []
        if s.utf8.count > 253 { errors.append("must be no more than 253 characters") }
        if !isDNS1123Subdomain(String(decoding: s.utf8.prefix(253), as: UTF8.self)) || s.isEmpty { errors.append(dns1123SubdomainMessage) }
        return errors
    }

    /// `IsDNS1123Label`'s messages; a valid subdomain with dots is told so.
    public static func dns1123LabelErrors(_ s: String) -> [String] {
        var errors: [String] = []
        if s.utf8.count > 63 { errors.append("must be no more than 63 characters") }
        let head = String(decoding: s.utf8.prefix(63), as: UTF8.self)
        if !isDNS1123Label(head) || s.isEmpty {
            errors.append(isDNS1123Subdomain(head) ? "must not contain dots" : dns1123LabelMessage)
        }
        return errors
    }

    /// `IsDNS1035Label`'s messages.
    public static func dns1035LabelErrors(_ s: String) -> [String] {
        var errors: [String] = []
        if s.utf8.count > 63 { errors.append("must be no more than 63 characters") }
        if !isDNS1035Label(String(decoding: s.utf8.prefix(63), as: UTF8.self)) || s.isEmpty { errors.append(dns1035LabelMessage) }
        return errors
    }

    static let dns1123LabelMessage = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
    static let dns1123SubdomainMessage = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
    static let dns1035LabelMessage = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
    static let labelValueMessage = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
    static let qualifiedNameMessage = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
}

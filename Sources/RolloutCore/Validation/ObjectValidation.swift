/// Validation as the API server does it on create and update: the common metadata rules for
/// every object, then the rules of its kind. Runs on the defaulted object.
public enum ObjectValidation {
    /// All problems of one object; nil when it is valid. `root` gives source positions.
    public static func validate(_ resource: Resource, root: YAMLNode? = nil, file: String) -> ValidationError? {
        check(resource, root: root, file: file).error
    }

    /// The problems of one object (nil when valid) and the warnings the API server would give.
    /// `served` false takes an object at a version Kubernetes 1.32 no longer serves as it is
    /// (an import of an older cluster's dump), as the type its group and kind name.
    public static func check(_ resource: Resource, root: YAMLNode? = nil, file: String, served: Bool = true) -> (error: ValidationError?, warnings: [String]) {
        var reader = FieldReader(root: root)
        validateMetadata(resource, reader: &reader)
        // A type the API server does not serve: kubectl cannot map it, and it has no schema to
        // check the rest against.
        if served, let apiVersion = resource.object["apiVersion"]?.stringValue, let kind = resource.object["kind"]?.stringValue,
           let problem = ResourceType.unservedProblem(apiVersion: apiVersion, kind: kind) {
            // (Unless the apiVersion or kind is malformed, which says it already.)
            if !reader.errors.contains(where: { $0.path == FieldPath("apiVersion") || $0.path == FieldPath("kind") }) {
                reader.fail(FieldPath("apiVersion"), "Invalid value: \(GoQuote.quoted(apiVersion)): \(problem)")
            }
            return (ValidationError(file: file, object: displayName(resource), errors: reader.errors), [])
        }
        switch (resource.type.group, resource.kind) {
        case ("apps", "Deployment"):
            let deployment = Deployment(resource, reader: &reader)
            validateDeployment(deployment, reader: &reader)
        case ("apps", "ReplicaSet"):
            let replicaSet = ReplicaSet(resource, reader: &reader)
            validateWorkloadSelector(replicaSet.selector, template: replicaSet.template, kind: "deployment", reader: &reader)
            if replicaSet.replicas < 0 { reader.fail(FieldPath("spec.replicas"), "Invalid value: \(replicaSet.replicas): must be greater than or equal to 0") }
            validatePodTemplate(replicaSet.template, at: FieldPath("spec.template"), reader: &reader, workload: true)
        case ("apps", "StatefulSet"):
            validateStatefulSet(StatefulSet(resource, reader: &reader), reader: &reader)
        case ("apps", "DaemonSet"):
            validateDaemonSet(DaemonSet(resource, reader: &reader), reader: &reader)
        case ("", "Pod"):
            let pod = Pod(resource, reader: &reader)
            validatePodSpec(pod.spec, annotations: pod.metadata.annotations, at: FieldPath("spec"), reader: &reader)
        case ("", "Service"):
            let service = Service(resource, reader: &reader)
            validateService(service, reader: &reader)
        case ("networking.k8s.io", "Ingress"):
            validateIngress(Ingress(resource, reader: &reader), reader: &reader)
        case ("policy", "PodDisruptionBudget"):
            validatePodDisruptionBudget(PodDisruptionBudget(resource, reader: &reader), reader: &reader)
        case ("", "Endpoints"):
            _ = Endpoints(resource, reader: &reader)
        case ("", "Node"):
            _ = Node(resource, reader: &reader)
        case ("", "Namespace"):
            _ = Namespace(resource, reader: &reader)
        case ("scheduling.k8s.io", "PriorityClass"):
            validatePriorityClass(resource, reader: &reader)
        case ("", "ResourceQuota"):
            validateResourceQuota(resource, reader: &reader)
        case ("", "LimitRange"):
            validateLimitRange(resource, reader: &reader)
        case ("", "ConfigMap"):
            _ = reader.stringMap(resource.object["data"], FieldPath("data"))
            SizeLimits.validateData(resource, reader: &reader)
        case ("", "Secret"):
            // A Secret's values never appear in a message, not even a wrongly typed one.
            _ = reader.stringMap(resource.object["stringData"], FieldPath("stringData"), concealing: true)
            for (key, value) in reader.stringMap(resource.object["data"], FieldPath("data"), concealing: true) where !isBase64(value) {
                reader.fail(FieldPath("data") / key, "Invalid value: illegal base64 data (use stringData for plain text)")
            }
            SizeLimits.validateData(resource, reader: &reader)
        default:
            break
        }
        let warnings = reader.warnings.map { "\(file): \(displayName(resource)): \($0.path): \($0.message)" }
        guard !reader.errors.isEmpty else { return (nil, warnings) }
        return (ValidationError(file: file, object: displayName(resource), errors: reader.errors), warnings)
    }

    /// `deployment.apps/web`, or `Deployment` when the object has no usable name; `object/web`
    /// when its apiVersion or kind is not one (the type's name would be garbage).
    public static func displayName(_ resource: Resource) -> String {
        let name = GoQuote.escapingControls(resource.name, keepingLines: false)
        var reader = FieldReader()
        TypeMetaValidation.validate(apiVersion: resource.object["apiVersion"], kind: resource.object["kind"], reader: &reader)
        if !reader.errors.isEmpty { return name.isEmpty ? "object" : "object/\(name)" }
        return name.isEmpty ? resource.kind : "\(resource.type.qualifiedSingular)/\(name)"
    }

    static func validateMetadata(_ resource: Resource, reader: inout FieldReader) {
        let object = resource.object
        TypeMetaValidation.validate(apiVersion: object["apiVersion"], kind: object["kind"], reader: &reader)
        let metaPath = FieldPath("metadata")
        guard let meta = reader.object(object["metadata"], metaPath) else {
            if object["metadata"] == nil { reader.fail(metaPath / "name", "Required value: name or generateName is required") }
            return
        }
        let metadata = ObjectMeta(meta, at: metaPath, reader: &reader)
        if metadata.name.isEmpty {
            if meta["name"] == nil || meta["name"] == .null || meta["name"] == .string("") {
                reader.fail(metaPath / "name", "Required value: name or generateName is required")
            }
        } else {
            for message in nameErrors(for: resource.kind, group: resource.type.group)(metadata.name) {
                reader.fail(metaPath / "name", "Invalid value: \(GoQuote.quoted(metadata.name)): \(message)")
            }
        }
        if let namespace = metadata.namespace, !namespace.isEmpty {
            if !resource.type.namespaced {
                reader.fail(metaPath / "namespace", "Forbidden: not allowed on this type (\(resource.kind) is cluster-scoped)")
            } else {
                for message in Validation.dns1123LabelErrors(namespace) {
                    reader.fail(metaPath / "namespace", "Invalid value: \(GoQuote.quoted(namespace)): \(message)")
                }
            }
        }
        validateLabels(metadata.labels, at: metaPath / "labels", reader: &reader)
        validateAnnotations(metadata.annotations, at: metaPath / "annotations", reader: &reader)
    }

    /// The name rule of each kind (`ValidateObjectMeta`'s nameFn), with its messages. RBAC's
    /// roles and bindings take any path segment (`ValidateRBACName`: `system:controller:…`).
    static func nameErrors(for kind: String, group: String) -> (String) -> [String] {
        if group == "rbac.authorization.k8s.io" && ["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"].contains(kind) {
            return Validation.pathSegmentNameErrors
        }
        switch kind {
        case "Service": return Validation.dns1035LabelErrors
        case "Namespace": return Validation.dns1123LabelErrors
        default: return Validation.dns1123SubdomainErrors
        }
    }

    static func validateLabels(_ labels: [String: String], at path: FieldPath, reader: inout FieldReader) {
        for (key, value) in labels.sorted(by: { $0.key < $1.key }) {
            if !Validation.isQualifiedName(key) {
                reader.fail(path, "Invalid value: \(GoQuote.quoted(key)): \(Validation.qualifiedNameMessage)")
            }
            if !Validation.isLabelValue(value) {
                reader.fail(path / key, "Invalid value: \(GoQuote.quoted(value)): \(Validation.labelValueMessage)")
            }
        }
    }

    static func validateAnnotations(_ annotations: [String: String], at path: FieldPath, reader: inout FieldReader) {
        var total = 0
        for (key, value) in annotations.sorted(by: { $0.key < $1.key }) {
            if !Validation.isQualifiedName(key.lowercased()) {
                reader.fail(path, "Invalid value: \(GoQuote.quoted(key)): \(Validation.qualifiedNameMessage)")
            }
            total += key.utf8.count + value.utf8.count
        }
        if total > SizeLimits.annotations {
            reader.fail(path, SizeLimits.tooLong(SizeLimits.annotations))
        }
    }

    static func isBase64(_ s: String) -> Bool {
        let bytes = Array(s.utf8)
        guard bytes.count % 4 == 0 else { return false }
        for (i, b) in bytes.enumerated() {
            let alnum = (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x2B || b == 0x2F
            if alnum { continue }
            if b == 0x3D && i >= bytes.count - 2 && bytes[(i + 1)...].allSatisfy({ $0 == 0x3D }) { continue }
            return false
        }
        return true
    }
}

/// The API server's part of a write, shared by `rollout apply` and the served API: what it
/// checks against the live object, completes and stores. (The kubectl part — three-way merge,
/// the last-applied annotation — is `Applier`'s.)
public enum Admission {
    /// Checks an object about to replace `live` (nil: to be created) and completes it: a
    /// Service keeps the addresses and ports it was given (`PrepareForUpdate`, before
    /// validation); a new pod gets its priority from its PriorityClass, or is forbidden
    /// (`PriorityClasses.admit`), then its LimitRanges' defaults, and is forbidden when it
    /// breaks their limits or its namespace's ResourceQuotas; a second PriorityClass marked global default is
    /// forbidden (`PriorityClasses.admitClass`); an update is checked for immutable fields and validated; any
    /// object for the storage size limits. `root` and `source` place the errors in the manifest.
    public static func admit(_ object: Resource, live: Resource?, root: YAMLNode, source: String, store: StateStore) throws(StoreError) -> (Resource, [ValidationError]) {
        // Stored as decoded: a field set to null is not set (the last-applied annotation, a
        // string, keeps the manifest as written, as kubectl records it).
        var merged = Resource(object.object.withoutNulls)
        var problems: [ValidationError] = []
        if let live, merged.kind == "Service" {
            Allocation.patchAllocatedValues(&merged, old: live, store: store)
        }
        if live == nil, merged.kind == "Pod", merged.type.group.isEmpty, var spec = merged.object["spec"]?.objectValue {
            // The ServiceAccount plugin's lookup, then Priority's (their order in the API server).
            let account = try ServiceAccounts(store: store).admit(&spec, namespace: merged.namespace ?? "default",
                                                                tokenVolume: ServiceAccounts.tokenVolumeName(seed: "\(merged.namespace ?? "default")/\(merged.name)"))
            let classes = try PriorityClasses(store: store)
            if let forbidden = account ?? classes.admit(&spec) {
                let path = FieldPath(account != nil ? "spec.serviceAccountName" : "spec.priorityClassName")
                problems.append(Self.forbidden("pods \"\(merged.name)\" is forbidden: \(forbidden)", of: merged, at: path, root: root, source: source))
            }
            merged.object["spec"] = .object(spec)
            // The validating plugins once the mutating ones are through: LimitRanger (its
            // defaults first), then ResourceQuota against the namespace's pods as stored.
            let namespace = merged.namespace ?? "default"
            let limits = LimitRanges(stored: try store.list(LimitRanges.type, namespace: namespace))
            var template = Object(["metadata": merged.object["metadata"] ?? .object(Object()), "spec": .object(spec)])
            var refusal = limits.admit(&template, namespace: namespace)
            merged.object["metadata"] = template["metadata"]
            spec = template["spec"]?.objectValue ?? spec
            merged.object["spec"] = .object(spec)
            if refusal == nil {
                let namespaces = try store.get(ObjectKey(type: "Namespace", namespace: "", name: namespace)).map { [$0] } ?? []
                refusal = PodSecurity(namespaces: namespaces).admit(spec, annotations: merged.annotations, namespace: namespace)
            }
            let quotas = ResourceQuotas(stored: try store.list(ResourceQuotas.type, namespace: namespace)).quotas(in: namespace)
            if refusal == nil, !quotas.isEmpty {
                let pods = try store.list(ResourceType.forObject(apiVersion: "v1", kind: "Pod"), namespace: namespace)
                refusal = ResourceQuotas.admit(spec: spec, quotas: quotas, used: ResourceQuotas.usage(of: quotas, stored: pods, now: store.clock)).refusal
            }
            if let refusal, problems.isEmpty {
                problems.append(Self.forbidden("pods \"\(merged.name)\" is forbidden: \(refusal)", of: merged, at: FieldPath("spec"), root: root, source: source))
            }
            // podStrategy.PrepareForCreate (pkg/registry/core/pod/strategy.go): a new pod's
            // status is Pending with its QoS class, whatever it was sent with.
            merged.object["status"] = .object(Object(["phase": .string("Pending"),
                                                      "qosClass": .string(AppBehaviour(template: .object(Object(["spec": .object(spec)]))).qosClass)]))
        }
        // PodSecurity's ValidateNamespace: its labels must parse.
        if merged.kind == "Namespace", merged.type.group.isEmpty {
            let invalid = PodSecurity.namespaceProblems(merged, live: live)
            if !invalid.isEmpty {
                problems.append(ValidationError(file: source, object: merged.qualifiedName,
                                                errors: invalid.map { FieldError($0.path, $0.message, location: $0.path.location(in: root)) }))
            }
        }
        // LimitRanger's claim limits (PersistentVolumeClaimValidateLimitFunc), on create and update.
        if merged.kind == "PersistentVolumeClaim", merged.type.group.isEmpty, problems.isEmpty {
            let namespace = merged.namespace ?? "default"
            let limits = LimitRanges(stored: try store.list(LimitRanges.type, namespace: namespace))
            if let refusal = limits.validateClaim(merged.object["spec"]?.objectValue ?? Object(), namespace: namespace) {
                problems.append(Self.forbidden("persistentvolumeclaims \"\(merged.name)\" is forbidden: \(refusal)", of: merged,
                                               at: FieldPath("spec.resources.requests"), root: root, source: source))
            }
        }
        // ResourceQuota's admission of any other namespaced object it counts, against the
        // stored objects of its kind in its namespace.
        if merged.kind != "Pod" || !merged.type.group.isEmpty, merged.type.namespaced, problems.isEmpty {
            let namespace = merged.namespace ?? "default"
            let quotas = ResourceQuotas(stored: try store.list(ResourceQuotas.type, namespace: namespace)).quotas(in: namespace)
            if !quotas.isEmpty, ResourceQuotas.countedTypes(quotas.flatMap { $0.hard.names }, among: [merged.type]).contains(merged.type) {
                let stored = try store.list(merged.type, namespace: namespace).filter { $0.name != merged.name }
                let used = ResourceQuotas.objectsUsage(of: quotas, objects: stored + (live.map { [$0] } ?? []))
                if let refusal = ResourceQuotas.admit(object: merged, old: live, quotas: quotas, used: used).refusal {
                    problems.append(Self.forbidden("\(merged.type.qualifiedPlural) \"\(merged.name)\" is forbidden: \(refusal)", of: merged,
                                                   at: FieldPath("metadata.name"), root: root, source: source))
                }
            }
        }
        if merged.kind == PriorityClasses.type.kind, merged.type.group == PriorityClasses.type.group,
           let forbidden = try PriorityClasses(store: store).admitClass(merged) {
            problems.append(Self.forbidden("\(PriorityClasses.type.qualifiedPlural) \"\(merged.name)\" is forbidden: \(forbidden)", of: merged,
                                           at: FieldPath("globalDefault"), root: root, source: source))
        }
        if let live {
            var reader = FieldReader(root: root)
            Immutability.check(old: live, new: merged, reader: &reader)
            if let invalid = ObjectValidation.validate(merged, root: root, file: source) {
                problems.append(invalid)
            }
            if !reader.errors.isEmpty {
                problems.append(ValidationError(file: source, object: merged.qualifiedName, errors: reader.errors))
            }
        }
        // Limits on the object exactly as it would be stored, last-applied annotation included.
        let tooLarge = SizeLimits.storageProblems(merged)
        if !tooLarge.isEmpty {
            problems.append(ValidationError(file: source, object: merged.qualifiedName,
                                            errors: tooLarge.map { FieldError($0.path, $0.message, location: $0.path.location(in: root)) }))
        }
        return (merged, problems)
    }

    /// An admission plugin's refusal (`admission.NewForbidden`), placed at `path` in the manifest.
    private static func forbidden(_ message: String, of object: Resource, at path: FieldPath, root: YAMLNode, source: String) -> ValidationError {
        var error = ValidationError(file: source, object: object.qualifiedName, errors: [FieldError(path, message, location: path.location(in: root))])
        error.isForbidden = true
        return error
    }

    /// Stores an admitted object: created (a Service's addresses allocated, an Ingress's
    /// default class, a claim's default StorageClass, finalizer and Pending phase, a Node
    /// registered as the kubelet would; `manifest` is the Node as
    /// written) or replacing `live`.
    public static func persist(_ object: Resource, live: Resource?, manifest: Resource, store: StateStore) throws -> Resource {
        var object = object
        if CustomResourceDefinitionStatus.isDefinition(object) { object = CustomResourceDefinitionStatus.stored(object, live: live, now: store.clock) }
        guard let live else {
            var stored = object
            Allocation.assignServiceAddresses(&stored, store: store)
            try IngressClassAdmission.admit(&stored, store: store)
            try StorageAdmission.admit(&stored, store: store)
            if stored.kind == "Node" && stored.type.group.isEmpty {
                stored = try NodeRegistration.register(stored, manifest: manifest, store: store)
            }
            let created = try store.create(stored)
            // A new namespace gets its `default` account (the serviceaccounts controller), in a
            // cluster that keeps accounts (not an import that left them out).
            if stored.kind == "Namespace" && stored.type.group.isEmpty, try store.count(ServiceAccounts.type) > 0,
               try store.get(ObjectKey(type: ServiceAccounts.type.storageKey, namespace: stored.name, name: ServiceAccounts.defaultName)) == nil {
                try store.create(ServiceAccounts.defaultAccount(in: stored.name))
            }
            // And its root CA ConfigMap (the root CA publisher's `namespaceAdded`).
            if stored.kind == "Namespace" && stored.type.group.isEmpty { try RootCACertPublisher.sync(namespace: stored.name, store: store) }
            return created
        }
        let updated = try store.update(object, previous: live)
        // The publisher puts its ConfigMap's data and description back (`configMapUpdated`),
        // after the update the client is answered with.
        if RootCACertPublisher.isPublished(updated) { try RootCACertPublisher.sync(namespace: updated.key.namespace, store: store) }
        return updated
    }
}

/// `--dry-run`: none, `client` (nothing sent), `server` (everything checked, nothing stored).
public enum DryRun: String, Sendable {
    case none, client, server

    /// The suffix kubectl prints after the operation.
    public var suffix: String {
        switch self {
        case .none: return ""
        case .client: return " (dry run)"
        case .server: return " (server dry run)"
        }
    }
}

public struct ApplyOptions: Sendable {
    /// `-n`, or `default`.
    public var namespace: String = "default"
    /// Whether `-n` was given: then a manifest naming another namespace is an error.
    public var namespaceExplicit = false
    public var dryRun: DryRun = .none
    /// `-l`: only objects with matching labels are applied (and pruned).
    public var selector: LabelSelector?
    public var prune = false
    /// `--validate`: what an unknown field does (strict, kubectl apply's default: refused).
    public var fieldValidation: FieldValidation = .strict

    public init() {}
}

/// What happened to one object: `deployment.apps/web created`.
public struct ApplyOutcome: Equatable, Sendable {
    public var object: String
    public var operation: String
    public var resource: Resource
    /// What kubectl writes to stderr before this object's line (without `Warning: `).
    public var warning: String?
    /// What kubectl says where it differs from what happens to the object (`operation`, which
    /// plans go by): `configured` for a patch that changes nothing (`makeObject`).
    public var said: String?

    public var line: String { "\(object) \(said ?? operation)" }
}

/// `rollout apply`: validate every document first (one bad document means nothing is
/// applied), then create or three-way merge each object in input order, then prune (which
/// may stop part-way, as kubectl's does: `PruneFailure`).
public enum Applier {
    public static let lastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration"

    /// A manifest turned into the object to apply, and the document it came from.
    public struct Candidate: Sendable {
        public var resource: Resource
        public var document: ManifestDocument
        /// What the API server would accept with a `Warning:`.
        public var warnings: [String] = []
    }

    public static func apply(_ documents: [ManifestDocument], to store: StateStore, options: ApplyOptions) throws -> [ApplyOutcome] {
        try apply(prepare(documents, options: options), to: store, options: options)
    }

    /// Applies prepared candidates (see `prepare`): all or nothing.
    public static func apply(_ candidates: [Candidate], to store: StateStore, options: ApplyOptions, commit: Bool = true) throws -> [ApplyOutcome] {
        var outcomes: [ApplyOutcome] = []
        var problems: [ValidationError] = []
        var namespaces = Set(try store.list(ResourceType.forObject(apiVersion: "v1", kind: "Namespace")).map(\.name))
        // A state made before the root CA publisher was modelled gets its ConfigMap in the
        // namespaces written to, as a cluster has had it since each namespace appeared.
        for namespace in Set(candidates.filter { $0.resource.type.namespaced }.map(\.resource.key.namespace)).sorted() where namespaces.contains(namespace) {
            try RootCACertPublisher.sync(namespace: namespace, store: store, restoring: false)
        }
        for candidate in candidates {
            let key = candidate.resource.key
            if candidate.resource.type.namespaced, !namespaces.contains(key.namespace) {
                throw StoreError.conflict("Error from server (NotFound): error when creating \"\(candidate.document.source)\": namespaces \"\(key.namespace)\" not found")
            }
            let live = try store.get(key)
            try checkPreconditions(candidate, live: live)
            let (made, operation0, printed) = makeObject(candidate, live: live)
            var operation = operation0
            let (merged, rejected) = try Admission.admit(made, live: live, root: candidate.document.node, source: candidate.document.source, store: store)
            // A Service keeps its allocated addresses: with them it may be unchanged.
            if let live, merged.kind == "Service" { operation = merged == live ? "unchanged" : "configured" }
            problems += rejected
            if !problems.isEmpty { continue }
            var stored = merged
            if operation != "unchanged" {
                stored = try Admission.persist(merged, live: live, manifest: candidate.resource, store: store)
            }
            if candidate.resource.kind == "Namespace" { namespaces.insert(candidate.resource.name) }
            // A client dry run sends no patch, so kubectl cannot tell an unchanged object: it
            // says `configured (dry run)` for every one that exists (`apply.go` applyOneObject:
            // "unchanged" only when the patch the server answered was `{}`).
            let said = options.dryRun == .client && live != nil ? "configured" : printed
            // kubectl's own warning first, then the API server's (PodSecurity's of a workload).
            let warnings = [live.flatMap { missingAnnotationWarning($0, dryRun: options.dryRun) },
                            options.dryRun == .client ? nil : try PodSecurity.warning(merged, live: live, store: store)].compactMap { $0 }
            outcomes.append(ApplyOutcome(object: merged.qualifiedName, operation: operation + options.dryRun.suffix, resource: stored,
                                         warning: warnings.isEmpty ? nil : warnings.joined(separator: "\nWarning: "),
                                         said: said == operation ? nil : said + options.dryRun.suffix))
        }
        if !problems.isEmpty { throw ValidationErrors(objects: problems) }
        if options.prune {
            let pruned = try Pruner.prune(store: store, applied: candidates.map(\.resource), enforced: options.namespaceExplicit ? options.namespace : nil,
                                          options: options)
            outcomes += pruned.outcomes
            if let failure = pruned.failure {
                // What kubectl did before the refused delete stays done (`commit` false: the
                // caller commits, as it would have).
                if options.dryRun == .none && commit { try store.commit() }
                throw PruneFailure(outcomes: outcomes, message: failure)
            }
        }
        if options.dryRun == .none && commit { try store.commit() }
        return outcomes
    }

    /// kubectl's warning for a live object without the last-applied annotation (made by
    /// `create`, a controller, or `cluster init`), which apply patches in: `Warning: resource
    /// namespaces/kube-public is missing the …` (`apply.go` applyOneObject,
    /// `warningNoLastAppliedConfigAnnotation`, `info.ObjectName()`: the plural without its
    /// group). kubectl 1.32 writes it on a patch sent to the server, so not for a client dry
    /// run.
    static func missingAnnotationWarning(_ live: Resource, dryRun: DryRun) -> String? {
        guard dryRun != .client, live.annotation(lastAppliedAnnotation) == nil else { return nil }
        return "resource \(live.type.plural)/\(live.name) is missing the \(lastAppliedAnnotation) annotation which is required by kubectl apply. "
            + "kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. "
            + "The missing annotation will be patched automatically."
    }

    /// What the API server does with the server-set fields of an object sent to it, as a
    /// `kubectl get -o yaml` dump carries them: a create with a resourceVersion is refused by
    /// the storage layer (`storage.ErrResourceVersionSetOnCreate`, etcd3 `store.Create`; a
    /// plain error, so a 500 without a reason, which kubectl prints as `Error from server:`);
    /// on a patch, a resourceVersion other than the live one fails the update's precondition
    /// (409 Conflict, `OptimisticLockErrorMsg`), and so does another uid
    /// (`Precondition failed: UID in precondition`). kubectl apply retries a conflict with the
    /// same patch and fails the same way. One difference on purpose: kubectl's message quotes
    /// the whole patch; this one names the object.
    static func checkPreconditions(_ candidate: Candidate, live: Resource?) throws(StoreError) {
        let given = candidate.resource
        let source = candidate.document.source
        let version = given.metadata["resourceVersion"]?.stringValue ?? ""
        guard let live else {
            if !version.isEmpty {
                throw StoreError.conflict("Error from server: error when creating \"\(source)\": resourceVersion should not be set on objects to be created")
            }
            return
        }
        let resource = "\(given.type.plural)\(given.type.group.isEmpty ? "" : ".\(given.type.group)")"
        if let uid = given.metadata["uid"]?.stringValue, !uid.isEmpty, uid != live.uid {
            throw StoreError.conflict("Error from server (Conflict): error when applying patch to \(given.qualifiedName) from \"\(source)\": Operation cannot be fulfilled on \(resource) \"\(given.name)\": Precondition failed: UID in precondition: \(uid), UID in object meta: \(live.uid)")
        }
        if !version.isEmpty, version != live.resourceVersion {
            throw StoreError.conflict("Error from server (Conflict): error when applying patch to \(given.qualifiedName) from \"\(source)\": Operation cannot be fulfilled on \(resource) \"\(given.name)\": the object has been modified; please apply your changes to the latest version and try again")
        }
    }

    /// One warning per file whose objects carry what only a live API server writes (uid,
    /// resourceVersion, managedFields, a creation time, status): the output of `kubectl get`,
    /// which apply treats as configuration — as kubectl does — while `cluster import` takes it
    /// as a cluster's state. `creationTimestamp: null` and `status: {}` (what
    /// `kubectl create --dry-run=client -o yaml` writes) do not count.
    public static func dumpWarnings(_ candidates: [Candidate]) -> [String] {
        var warned: Set<String> = []
        var warnings: [String] = []
        for candidate in candidates where !warned.contains(candidate.document.source) {
            let resource = candidate.resource
            var fields: [String] = []
            for key in ["uid", "resourceVersion", "creationTimestamp", "managedFields"] {
                if let value = resource.metadata[key], value != .null, value != .string("") { fields.append("metadata.\(key)") }
            }
            if let status = resource.object["status"]?.objectValue, !status.members.isEmpty { fields.append("status") }
            guard !fields.isEmpty else { continue }
            warned.insert(candidate.document.source)
            warnings.append("\(candidate.document.source) looks like the output of 'kubectl get -o yaml' (\(resource.qualifiedName) has \(fields.joined(separator: ", "))): apply takes it as configuration, as kubectl would, and the API server ignores status and refuses a resourceVersion that is not the live one; to start from that cluster's state, run 'rollout cluster import -f \(candidate.document.source)'")
        }
        return warnings
    }

    /// Reads and validates every document; throws all validation errors at once.
    public static func prepare(_ documents: [ManifestDocument], options: ApplyOptions) throws -> [Candidate] {
        var candidates: [Candidate] = []
        var problems: [ValidationError] = []
        for document in documents {
            guard case .object(let object) = document.value else {
                problems.append(ValidationError(file: document.source, object: "document", errors: [
                    FieldError(FieldPath(), "expected a map with apiVersion, kind and metadata, found \(document.value.typeName)", location: document.node.location),
                ]))
                continue
            }
            var resource = Resource(object)
            if resource.type.namespaced {
                if let written = resource.namespace, !written.isEmpty {
                    if options.namespaceExplicit && written != options.namespace {
                        problems.append(ValidationError(file: document.source, object: ObjectValidation.displayName(resource), errors: [
                            FieldError(FieldPath("metadata.namespace"), "the namespace from the provided object \"\(written)\" does not match the namespace \"\(options.namespace)\". You must pass '--namespace=\(written)' to perform this operation.",
                                       location: FieldPath("metadata.namespace").location(in: document.node)),
                        ]))
                        continue
                    }
                } else if resource.object["metadata"]?.objectValue != nil {
                    resource.namespace = options.namespace
                }
            } else if resource.namespace != nil {
                // A cluster-scoped object's namespace is cleared by the API server before it is
                // validated (`rest.BeforeCreate`/`BeforeUpdate`:
                // EnsureObjectNamespaceMatchesRequestNamespace — a ClusterRoleBinding written
                // with `namespace: x` is created without one).
                resource.namespace = nil
            }
            // The API server's decoder finds the unknown fields before anything is validated:
            // refused (strict), or dropped with a warning (warn) or silently (ignore).
            let unknown = UnknownFields.find(resource)
            if options.fieldValidation == .strict && !unknown.isEmpty {
                problems.append(ValidationError(file: document.source, object: ObjectValidation.displayName(resource), errors: unknown.map { found in
                    let key = found.path.components.last.flatMap { if case .key(let k) = $0 { k } else { nil } } ?? "\(found.path)"
                    return FieldError(found.path, "strict decoding error: unknown field \"\(GoQuote.escapingControls(key, keepingLines: false))\""
                                      + (found.suggestion.map { ", did you mean \"\($0)\"?" } ?? ""), location: found.path.location(in: document.node))
                }))
                continue
            }
            var defaulted = resource
            Defaults.apply(to: &defaulted)
            var (invalid, warnings) = ObjectValidation.check(defaulted, root: document.node, file: document.source)
            if let invalid {
                problems.append(invalid)
                continue
            }
            if options.fieldValidation == .warn { warnings += unknown.map { "unknown field \"\($0.path)\"" } }
            if let selector = options.selector, !selector.matches(resource.labels) { continue }
            // From here on a Secret holds only `data`: what is stored, recorded as last applied,
            // diffed and printed never has `stringData`.
            candidates.append(Candidate(resource: Secret.foldingStringData(resource), document: document, warnings: warnings))
        }
        if !problems.isEmpty { throw ValidationErrors(objects: problems) }
        return candidates
    }

    /// The object apply would store, and whether that creates, configures or leaves it — as
    /// the object goes (`operation`: what is stored changes or not) and as kubectl says it
    /// (`printed`: whether its three-way patch is empty; `configured` for a quantity written
    /// `0.5` that the server stores as `500m`, though nothing changes).
    public static func makeObject(_ candidate: Candidate, live: Resource?) -> (object: Resource, operation: String, printed: String) {
        let modified = candidate.resource
        var desired = candidate.resource
        // Never stored from a request: the server keeps its own field managers, and selfLink
        // is no longer set (1.20).
        for key in ["managedFields", "selfLink"] where desired.metadata[key] != nil { desired.metadata[key] = nil }
        // The annotation records the configuration as written (plus the namespace), with
        // keys sorted as Go's json.Marshal writes them.
        var recorded = desired
        recorded.setAnnotation(lastAppliedAnnotation, nil)
        // GetModifiedConfiguration (kubectl `apply/apply.go`) removes the annotation from the
        // object's annotations map and serializes the object with that map set, so a manifest
        // without annotations is recorded with `"annotations":{}`.
        if recorded.object["metadata"]?.objectValue != nil, recorded.metadata["annotations"] == nil {
            recorded.metadata["annotations"] = .object(Object())
        }
        let annotation = (try? JSONWriter.string(recorded.value, keys: .sorted)).map { $0 + "\n" }
        desired.setAnnotation(lastAppliedAnnotation, annotation)
        if desired.type.hasStatus { desired.object["status"] = nil }
        // The fields the type has no place for are not stored (the annotation keeps the
        // configuration as written), nor taken from the last configuration into the patch: a
        // live object's own (imported from a newer cluster) stay as they are.
        UnknownFields.drop(&desired)
        guard let live else {
            Defaults.apply(to: &desired)
            return (desired, "created", "created")
        }
        let recordedLast = live.annotations[lastAppliedAnnotation].flatMap { try? JSONReader.parse($0) }
        let lastApplied = recordedLast.map { value -> Value in
            guard case .object(let object) = value else { return value }
            var resource = Resource(object)
            UnknownFields.drop(&resource)
            return .object(resource.object)
        }
        let builtIn = ResourceType.builtIn.contains { $0.storageKey == desired.type.storageKey }
        // What kubectl prints is not whether the object changes but whether its patch is `{}`
        // (`apply.go` applyOneObject): the configuration as sent — annotation, status and
        // unknown fields included — against the live object and the last configuration.
        var sent = modified
        sent.setAnnotation(lastAppliedAnnotation, annotation)
        let patchIsEmpty = ThreeWayMerge.patchIsEmpty(lastApplied: recordedLast, live: live.value, desired: sent.value, strategicLists: builtIn)
        var mergedValue = ThreeWayMerge.merge(lastApplied: lastApplied, live: live.value, desired: desired.value, strategicLists: builtIn)
        if desired.type.hasStatus, case .object(var o) = mergedValue {
            o["status"] = live.object["status"]
            mergedValue = .object(o)
        }
        var merged = Resource(mergedValue.objectValue ?? desired.object)
        Defaults.apply(to: &merged, old: live)
        return (merged, merged == live ? "unchanged" : "configured", patchIsEmpty ? "unchanged" : "configured")
    }
}

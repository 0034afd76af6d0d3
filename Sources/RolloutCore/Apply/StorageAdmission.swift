/// What the API server does to a PersistentVolumeClaim it creates: the DefaultStorageClass
/// admission plugin (`plugin/pkg/admission/storage/storageclass/setdefault/admission.go` Admit,
/// create only) gives a claim that names no class — neither `spec.storageClassName` nor the
/// beta annotation — the default StorageClass (`pkg/volume/util/storageclass.go`
/// GetDefaultClass: of the classes annotated `storageclass.kubernetes.io/is-default-class:
/// "true"`, the newest, ties by name; on k3s `local-path`); StorageObjectInUseProtection adds
/// the `kubernetes.io/pvc-protection` finalizer; the strategy's PrepareForCreate clears the
/// status, which reads back as `phase: Pending` (SetDefaults_PersistentVolumeClaim).
enum StorageAdmission {
    static let classType = ResourceType.forObject(apiVersion: "storage.k8s.io/v1", kind: "StorageClass")
    static let defaultClassAnnotation = "storageclass.kubernetes.io/is-default-class"
    static let betaClassAnnotation = "volume.beta.kubernetes.io/storage-class"
    static let protectionFinalizer = "kubernetes.io/pvc-protection"

    static func admit(_ resource: inout Resource, store: StateStore) throws(StoreError) {
        guard resource.kind == "PersistentVolumeClaim", resource.type.group.isEmpty else { return }
        var spec = resource.object["spec"]?.objectValue ?? Object()
        if (spec["storageClassName"] == nil || spec["storageClassName"] == .null) && resource.annotations[betaClassAnnotation] == nil,
           let chosen = defaultClass(try store.list(classType)) {
            spec["storageClassName"] = .string(chosen)
            resource.object["spec"] = .object(spec)
        }
        var meta = resource.metadata
        let finalizers = meta["finalizers"]?.arrayValue ?? []
        if !finalizers.contains(.string(protectionFinalizer)) {
            meta["finalizers"] = .array(finalizers + [.string(protectionFinalizer)])
            resource.metadata = meta
        }
        resource.object["status"] = .object(Object(["phase": .string("Pending")]))
    }

    /// GetDefaultClass: the newest of the classes marked default, ties by name.
    static func defaultClass(_ classes: [Resource]) -> String? {
        classes.filter { $0.annotations[defaultClassAnnotation] == "true" }
            .max { a, b in
                let ta = a.creationTimestamp.flatMap(Timestamp.init(parsing:))?.milliseconds ?? 0
                let tb = b.creationTimestamp.flatMap(Timestamp.init(parsing:))?.milliseconds ?? 0
                return ta == tb ? a.name > b.name : ta < tb
            }?.name
    }
}

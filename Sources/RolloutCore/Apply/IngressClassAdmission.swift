/// The DefaultIngressClass admission plugin
/// (`plugin/pkg/admission/network/defaultingressclass/admission.go`: Admit, getDefaultClass):
/// on create, an Ingress with neither `spec.ingressClassName` nor the
/// `kubernetes.io/ingress.class` annotation gets the default IngressClass — the one annotated
/// `ingressclass.kubernetes.io/is-default-class: "true"`, the newest when there are several
/// (ties by name). On k3s that is `traefik`.
enum IngressClassAdmission {
    static let type = ResourceType.forObject(apiVersion: "networking.k8s.io/v1", kind: "IngressClass")

    static func admit(_ resource: inout Resource, store: StateStore) throws(StoreError) {
        guard resource.kind == "Ingress", resource.type.group == "networking.k8s.io", var spec = resource.object["spec"]?.objectValue,
              spec["ingressClassName"] == nil || spec["ingressClassName"] == .null, resource.annotations[Ingress.classAnnotation] == nil else { return }
        guard let chosen = defaultClass(try store.list(type)) else { return }
        spec["ingressClassName"] = .string(chosen)
        resource.object["spec"] = .object(spec)
    }

    static func defaultClass(_ classes: [Resource]) -> String? {
        classes.filter { $0.annotations[Ingress.defaultClassAnnotation] == "true" }
            .max { a, b in
                let ta = a.creationTimestamp ?? "", tb = b.creationTimestamp ?? ""
                return ta == tb ? a.name > b.name : ta < tb
            }?.name
    }
}

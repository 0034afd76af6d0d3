/// The root CA certificate publisher (`pkg/controller/certificates/rootcacertpublisher/publisher.go`,
/// on by default in kube-controller-manager since 1.20): every namespace holds a ConfigMap
/// `kube-root-ca.crt` with the cluster's CA bundle under `ca.crt` and the
/// `kubernetes.io/description` annotation. Pods mount it — the ServiceAccount plugin's
/// `kube-api-access-*` projected volume does, and so do manifests that project a token of their
/// own audience (Vault, SPIFFE, a cloud's workload identity) next to it — so a pod naming it
/// starts on every cluster, where a simulation without it would keep the pod
/// `ContainerCreating` and the rollout stalled.
///
/// The controller reacts to a namespace added (`namespaceAdded`) and to its ConfigMap deleted
/// or updated (`configMapDeleted`, `configMapUpdated`), each time with `syncNamespace`:
/// created when missing, its data and annotation put back when they differ, everything else
/// (labels, other annotations, `binaryData`) kept. Here the same sync runs where those events
/// happen: a namespace created (`cluster init`, `apply`, `serve`), the ConfigMap updated or
/// deleted, and for the namespaces an `apply` writes to (a state made before the publisher
/// was modelled gets them there). A namespace being deleted gets none (the create is refused
/// with `NamespaceTerminating`, and not retried).
///
/// The bundle is one fixed self-signed CA (`CN=kubernetes`, P-256, valid 2026-12-07 to
/// 2036-12-04) whose key was thrown away: the simulated API server serves no TLS, and a
/// state's bytes must not depend on a random key.
public enum RootCACertPublisher {
    public static let configMapName = "kube-root-ca.crt"
    static let descriptionAnnotation = "kubernetes.io/description"
    static let description = "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. "
        + "No other usage is guaranteed across distributions of Kubernetes clusters."
    static let rootCA = """
        -----BEGIN CERTIFICATE-----
        MIIBjzCCATWgAwIBAgIUB87qwaR4h806R4r2R/CmGdrRB2AwCgYIKoZIzj0EAwIw
        FTETMBEGA1UEAwwKa3ViZXJuZXRlczAeFw0yNjEyMDcxODQxMDZaFw0zNjEyMDQx
        ODQxMDZaMBUxEzARBgNVBAMMCmt1YmVybmV0ZXMwWTATBgcqhkjOPQIBBggqhkjO
        PQMBBwNCAAQbvRcggaRrjxJJfJxxZhppP4G/cik4T8ihrVEwsKelW8ftHAKQ8CBQ
        powhbKDs0/ReXyYSVpJztanPiwXHEA3Ho2MwYTAdBgNVHQ4EFgQU4Ys4TomnKrlD
        wZGZT2koJA6qEXcwHwYDVR0jBBgwFoAU4Ys4TomnKrlDwZGZT2koJA6qEXcwDwYD
        VR0TAQH/BAUwAwEB/zAOBgNVHQ8BAf8EBAMCAqQwCgYIKoZIzj0EAwIDSAAwRQIh
        ANpn2DawNd64U/QrtzcBtLaNwGeMLQbk8f0jfb2nWf+3AiAQWWx0jIVjb6Aa17+C
        PTySMziz4/I5+mQ5Z+5inrCZHQ==
        -----END CERTIFICATE-----

        """
    static let configMapType = ResourceType.forObject(apiVersion: "v1", kind: "ConfigMap")
    static let namespaceType = ResourceType.forObject(apiVersion: "v1", kind: "Namespace")

    /// Whether `resource` is a namespace's root CA ConfigMap, whose update or deletion the
    /// publisher answers.
    static func isPublished(_ resource: Resource) -> Bool {
        resource.name == configMapName && resource.kind == "ConfigMap" && resource.type.group.isEmpty
    }

    /// `syncNamespace`: the namespace's ConfigMap created, or its `ca.crt` data and description
    /// put back (`reflect.DeepEqual(cm.Data, data)` and a non-empty annotation leave it as it
    /// is). Nothing for a namespace that is not there; with `restoring` false, a ConfigMap that is
    /// there is left as it is (an import keeps its cluster's own bundle). Whether it was made.
    @discardableResult
    static func sync(namespace: String, store: StateStore, restoring: Bool = true) throws(StoreError) -> Bool {
        guard try store.get(ObjectKey(type: namespaceType.storageKey, namespace: "", name: namespace)) != nil else { return false }
        let data = Value.object(Object(["ca.crt": .string(rootCA)]))
        guard let live = try store.get(ObjectKey(type: configMapType.storageKey, namespace: namespace, name: configMapName)) else {
            var made = Resource(Object([
                "apiVersion": .string("v1"), "kind": .string("ConfigMap"),
                "metadata": .object(Object([
                    "name": .string(configMapName), "namespace": .string(namespace),
                    "annotations": .object(Object([descriptionAnnotation: .string(description)])),
                ])),
                "data": data,
            ]))
            Defaults.apply(to: &made)
            try store.create(made)
            return true
        }
        if !restoring || live.object["data"] == data && !(live.annotation(descriptionAnnotation) ?? "").isEmpty { return false }
        var restored = live
        restored.object["data"] = data
        restored.setAnnotation(descriptionAnnotation, description)
        try store.update(restored, previous: live)
        return false
    }

    /// Every namespace's ConfigMap (a cluster's start, an import that left some out); the
    /// namespaces whose ConfigMap was made.
    @discardableResult
    static func syncAll(store: StateStore, restoring: Bool = true) throws(StoreError) -> [String] {
        var made: [String] = []
        for namespace in try store.list(namespaceType).map(\.name).sorted() where try sync(namespace: namespace, store: store, restoring: restoring) {
            made.append(namespace)
        }
        return made
    }
}

/// Kubernetes' defaulting (`pkg/apis/apps/v1/defaults.go`, `pkg/apis/core/v1/defaults.go`),
/// applied to the stored document so that `get -o yaml` shows what a cluster would.
/// Values of the wrong type are left alone: validation reports them.
public enum Defaults {
    /// `old`: the stored object a write replaces (nil for a create), whose fields of disabled
    /// features stay writable (`DisabledFields`).
    public static func apply(to resource: inout Resource, old: Resource? = nil) {
        // Decoding into the typed object and encoding it back: every quantity as the API
        // server stores it, and the zero values of omitempty fields left out.
        OmitEmpty.roundTrip(&resource)
        switch (resource.type.group, resource.kind) {
        case ("apps", "Deployment"): deployment(&resource.object)
        case ("apps", "ReplicaSet"):
            resource.object.update("spec") { spec in
                spec.setDefault("replicas", .int(1))
                spec.update("template") { podTemplate(&$0) }
            }
        case ("apps", "StatefulSet"): statefulSet(&resource.object)
        // SetDefaults_DaemonSet.
        case ("apps", "DaemonSet"):
            resource.object.update("spec") { spec in
                spec.setDefault("revisionHistoryLimit", .int(10))
                spec.update("updateStrategy") { strategy in
                    strategy.setDefault("type", .string("RollingUpdate"))
                    if strategy["type"] == .string("RollingUpdate") {
                        strategy.update("rollingUpdate") { rolling in
                            rolling.setDefault("maxUnavailable", .int(1))
                            rolling.setDefault("maxSurge", .int(0))
                        }
                    }
                }
                spec.update("template") { podTemplate(&$0) }
            }
        case ("", "Pod"): resource.object.update("spec") { podSpec(&$0); podAdmission(&$0) }
        case ("", "Service"): resource.object.update("spec") { serviceSpec(&$0) }
        case ("", "Namespace"): namespace(&resource)
        case ("", "LimitRange"): LimitRanges.setDefaults(&resource.object)
        // SetDefaults_PriorityClass (pkg/apis/scheduling/v1/defaults.go).
        case ("scheduling.k8s.io", "PriorityClass"):
            if resource.object["preemptionPolicy"] == nil || resource.object["preemptionPolicy"] == .null {
                resource.object["preemptionPolicy"] = .string("PreemptLowerPriority")
            }
        // SetDefaults_PersistentVolumeClaimSpec: a claim mounts a filesystem unless it asks for a block device.
        case ("", "PersistentVolumeClaim"): resource.object.update("spec") { $0.setDefault("volumeMode", .string("Filesystem")) }
        // SetDefaults_Secret: a Secret without a type is Opaque.
        case ("", "Secret"):
            if resource.object["type"] == nil || resource.object["type"] == .string("") { resource.object["type"] = .string("Opaque") }
        // SetDefaults_CustomResourceDefinitionSpec (`names.singular` the lower-cased kind,
        // `names.listKind` the kind and `List`) and SetDefaults_CustomResourceConversion
        // (strategy `None`), apiextensions/v1.
        case ("apiextensions.k8s.io", "CustomResourceDefinition"):
            resource.object.update("spec") { spec in
                spec.update("names") { names in
                    let kind = names["kind"]?.stringValue ?? ""
                    if (names["singular"]?.stringValue ?? "").isEmpty { names["singular"] = .string(kind.lowercased()) }
                    if (names["listKind"]?.stringValue ?? "").isEmpty, !kind.isEmpty { names["listKind"] = .string(kind + "List") }
                }
                spec.setDefault("conversion", .object(Object(["strategy": .string("None")])))
            }
        default: break
        }
        // PrepareForCreate / PrepareForUpdate, after the decoder's defaulting.
        DisabledFields.drop(&resource, old: old)
    }

    static func deployment(_ object: inout Object) {
        object.update("spec") { spec in
            spec.setDefault("replicas", .int(1))
            spec.setDefault("revisionHistoryLimit", .int(10))
            spec.setDefault("progressDeadlineSeconds", .int(600))
            spec.update("strategy") { strategy in
                strategy.setDefault("type", .string("RollingUpdate"))
                if strategy["type"] == .string("RollingUpdate") {
                    strategy.update("rollingUpdate") { rolling in
                        rolling.setDefault("maxSurge", .string("25%"))
                        rolling.setDefault("maxUnavailable", .string("25%"))
                    }
                }
            }
            spec.update("template") { podTemplate(&$0) }
        }
    }

    /// SetDefaults_StatefulSet and the claim templates' defaults (`zz_generated.defaults.go`:
    /// SetDefaults_PersistentVolumeClaim, SetDefaults_PersistentVolumeClaimSpec); and what
    /// `dropStatefulSetDisabledFields` (`pkg/registry/apps/statefulset/strategy.go`) drops:
    /// `maxUnavailable`, whose gate MaxUnavailableStatefulSet is alpha and off in 1.32.
    static func statefulSet(_ object: inout Object) {
        object.update("spec") { spec in
            spec.setDefault("replicas", .int(1))
            spec.setDefault("revisionHistoryLimit", .int(10))
            spec.setDefault("podManagementPolicy", .string("OrderedReady"))
            spec.update("updateStrategy") { strategy in
                if strategy["type"] == nil || strategy["type"] == .string("") {
                    strategy["type"] = .string("RollingUpdate")
                    strategy.setDefault("rollingUpdate", .object(Object()))
                }
                if strategy["type"] == .string("RollingUpdate"), strategy["rollingUpdate"]?.objectValue != nil {
                    strategy.update("rollingUpdate") { rolling in
                        rolling.setDefault("partition", .int(0))
                        rolling["maxUnavailable"] = nil
                    }
                }
            }
            spec.update("persistentVolumeClaimRetentionPolicy") { policy in
                policy.setDefault("whenDeleted", .string("Retain"))
                policy.setDefault("whenScaled", .string("Retain"))
            }
            spec.update("template") { podTemplate(&$0) }
            spec.updateEach("volumeClaimTemplates") { claim in
                claim.setDefault("apiVersion", .string("v1"))
                claim.setDefault("kind", .string("PersistentVolumeClaim"))
                claim.update("spec") { $0.setDefault("volumeMode", .string("Filesystem")) }
                claim.update("status") { $0.setDefault("phase", .string("Pending")) }
            }
        }
    }

    static func podTemplate(_ template: inout Object) {
        template.update("spec") { podSpec(&$0) }
    }

    static func podSpec(_ spec: inout Object) {
        spec.setDefault("restartPolicy", .string("Always"))
        spec.setDefault("terminationGracePeriodSeconds", .int(30))
        spec.setDefault("dnsPolicy", .string("ClusterFirst"))
        spec.setDefault("schedulerName", .string("default-scheduler"))
        spec.setDefault("securityContext", .object(Object()))
        for key in ["containers", "initContainers"] {
            spec.updateEach(key) { container(&$0) }
        }
        spec.updateEach("volumes") { volume(&$0) }
    }

    /// `SetDefaults_Volume` and its sources' (`pkg/apis/core/v1/defaults.go`,
    /// `zz_generated.defaults.go`): a volume of no source is an `emptyDir`; Secret, ConfigMap,
    /// downward API and projected volumes get `defaultMode: 420` (0644); a projected token
    /// `expirationSeconds: 3600`; a hostPath `type: ""`; downward API fields `apiVersion: v1`
    /// (`SetDefaults_ObjectFieldSelector`).
    static func volume(_ v: inout Object) {
        let sources = ["emptyDir", "hostPath", "secret", "configMap", "persistentVolumeClaim", "downwardAPI", "projected", "ephemeral", "nfs", "csi",
                       "iscsi", "rbd", "cephfs", "azureDisk", "azureFile", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "glusterfs",
                       "fc", "flocker", "flexVolume", "cinder", "vsphereVolume", "quobyte", "photonPersistentDisk", "portworxVolume",
                       "scaleIO", "storageos", "image"]
        if !sources.contains(where: { v[$0] != nil }) { v["emptyDir"] = .object(Object()) }
        for source in ["secret", "configMap", "downwardAPI", "projected"] where v[source]?.objectValue != nil {
            v.update(source) { $0.setDefault("defaultMode", .int(420)) }
        }
        if v["hostPath"]?.objectValue != nil { v.update("hostPath") { $0.setDefault("type", .string("")) } }
        if v["downwardAPI"]?.objectValue != nil { v.update("downwardAPI") { $0.updateEach("items") { fieldSelector(&$0) } } }
        if v["projected"]?.objectValue != nil {
            v.update("projected") { projected in
                projected.updateEach("sources") { source in
                    if source["downwardAPI"]?.objectValue != nil { source.update("downwardAPI") { $0.updateEach("items") { fieldSelector(&$0) } } }
                    if source["serviceAccountToken"]?.objectValue != nil { source.update("serviceAccountToken") { $0.setDefault("expirationSeconds", .int(3600)) } }
                }
            }
        }
    }

    /// `SetDefaults_ObjectFieldSelector` on the `fieldRef` of an env var or downward API item.
    static func fieldSelector(_ holder: inout Object) {
        if holder["fieldRef"]?.objectValue != nil { holder.update("fieldRef") { $0.setDefault("apiVersion", .string("v1")) } }
    }

    /// What the API server's admission plugins add to every new pod: ServiceAccount
    /// (`serviceAccountName: default`), DefaultTolerationSeconds (tolerate `not-ready` and
    /// `unreachable` for 300 s), and `enableServiceLinks`'s default. (Priority, which needs the
    /// cluster's PriorityClasses, is `PriorityClasses.admit`.)
    public static func podAdmission(_ spec: inout Object) {
        // SetDefaults_Pod (pkg/apis/core/v1/defaults.go): a container's limits are its requests
        // for every resource it requests nothing of — defaulting of the Pod, not of templates.
        for field in ["initContainers", "containers"] {
            guard var containers = spec[field]?.arrayValue else { continue }
            for i in containers.indices {
                guard case .object(var container) = containers[i], let limits = container["resources"]?["limits"]?.objectValue, !limits.members.isEmpty else { continue }
                var resources = container["resources"]?.objectValue ?? Object()
                var requests = resources["requests"]?.objectValue ?? Object()
                for member in limits.members where requests[member.key] == nil { requests[member.key] = member.value }
                resources["requests"] = .object(requests)
                container["resources"] = .object(resources)
                containers[i] = .object(container)
            }
            spec[field] = .array(containers)
        }
        // Convert_v1_PodSpec_To_core_PodSpec: the deprecated `serviceAccount` names the account
        // when `serviceAccountName` does not; then the ServiceAccount plugin's `default`.
        if (spec["serviceAccountName"]?.stringValue ?? "").isEmpty, let deprecated = spec["serviceAccount"]?.stringValue, !deprecated.isEmpty {
            spec["serviceAccountName"] = .string(deprecated)
        }
        spec.setDefault("serviceAccountName", .string("default"))
        spec.setDefault("serviceAccount", spec["serviceAccountName"] ?? .string("default"))
        spec.setDefault("enableServiceLinks", .bool(true))
        var tolerations = spec["tolerations"]?.arrayValue ?? []
        for key in ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"] {
            let covered = tolerations.contains { t in
                (t["key"]?.stringValue == key || (t["key"]?.stringValue ?? "").isEmpty && t["operator"]?.stringValue == "Exists")
                    && ((t["effect"]?.stringValue ?? "").isEmpty || t["effect"]?.stringValue == "NoExecute")
            }
            if !covered {
                tolerations.append(.object(Object(["key": .string(key), "operator": .string("Exists"), "effect": .string("NoExecute"),
                                                   "tolerationSeconds": .int(300)])))
            }
        }
        if spec["tolerations"] == nil || spec["tolerations"]?.arrayValue != nil { spec["tolerations"] = .array(tolerations) }
    }

    static func container(_ c: inout Object) {
        if c["imagePullPolicy"] == nil, let image = c["image"]?.stringValue {
            c["imagePullPolicy"] = .string(imageTag(image) == nil || imageTag(image) == "latest" ? "Always" : "IfNotPresent")
        }
        c.setDefault("terminationMessagePath", .string("/dev/termination-log"))
        c.setDefault("terminationMessagePolicy", .string("File"))
        c.setDefault("resources", .object(Object()))
        c.updateEach("ports") { $0.setDefault("protocol", .string("TCP")) }
        c.updateEach("env") { variable in
            if variable["valueFrom"]?.objectValue != nil { variable.update("valueFrom") { fieldSelector(&$0) } }
        }
        for probe in ["readinessProbe", "livenessProbe", "startupProbe"] where c[probe]?.objectValue != nil {
            c.update(probe) { p in
                p.setDefault("timeoutSeconds", .int(1))
                p.setDefault("periodSeconds", .int(10))
                p.setDefault("successThreshold", .int(1))
                p.setDefault("failureThreshold", .int(3))
                if p["httpGet"]?.objectValue != nil { p.update("httpGet") { $0.setDefault("scheme", .string("HTTP")) } }
            }
        }
        if c["lifecycle"]?["preStop"]?["httpGet"]?.objectValue != nil {
            c.update("lifecycle") { $0.update("preStop") { $0.update("httpGet") { $0.setDefault("scheme", .string("HTTP")) } } }
        }
    }

    /// The tag of an image reference, nil when it has none (a digest counts as a tag).
    public static func imageTag(_ image: String) -> String? {
        if image.contains("@") { return "digest" }
        let lastComponent = image.split(separator: "/").last ?? Substring(image)
        guard let colon = lastComponent.lastIndex(of: ":") else { return nil }
        return String(lastComponent[lastComponent.index(after: colon)...])
    }

    static func serviceSpec(_ spec: inout Object) {
        spec.setDefault("type", .string("ClusterIP"))
        spec.setDefault("sessionAffinity", .string("None"))
        let type = spec["type"]?.stringValue ?? "ClusterIP"
        if type != "ExternalName" {
            spec.setDefault("internalTrafficPolicy", .string("Cluster"))
        }
        if type == "LoadBalancer" || type == "NodePort" {
            spec.setDefault("externalTrafficPolicy", .string("Cluster"))
        }
        if type == "LoadBalancer" {
            spec.setDefault("allocateLoadBalancerNodePorts", .bool(true))
        }
        spec.updateEach("ports") { port in
            port.setDefault("protocol", .string("TCP"))
            if port["targetPort"] == nil, let number = port["port"], case .int = number { port["targetPort"] = number }
        }
    }

    static func namespace(_ resource: inout Resource) {
        var meta = resource.metadata
        var labels = meta["labels"]?.objectValue ?? Object()
        labels["kubernetes.io/metadata.name"] = .string(resource.name)
        meta["labels"] = .object(labels)
        resource.metadata = meta
        resource.object.update("spec") { $0.setDefault("finalizers", .array([.string("kubernetes")])) }
        resource.object.update("status") { $0.setDefault("phase", .string("Active")) }
    }
}

extension Object {
    /// Sets `key` only when it is absent or null.
    mutating func setDefault(_ key: String, _ value: Value) {
        if self[key] == nil || self[key] == .null { self[key] = value }
    }

    /// Runs `body` on the object at `key`, creating it when absent; leaves a non-object alone.
    mutating func update(_ key: String, _ body: (inout Object) -> Void) {
        var child: Object
        switch self[key] {
        case nil, .null?: child = Object()
        case .object(let o)?: child = o
        default: return
        }
        body(&child)
        self[key] = .object(child)
    }

    /// Runs `body` on the object at `key` when there is one (nothing is made, unlike `update`).
    mutating func visit(_ key: String, _ body: (inout Object) -> Void) {
        guard case .object(var child)? = self[key] else { return }
        body(&child)
        self[key] = .object(child)
    }

    /// Runs `body` on every object in the list at `key`.
    mutating func updateEach(_ key: String, _ body: (inout Object) -> Void) {
        guard case .array(var items)? = self[key] else { return }
        for i in items.indices {
            if case .object(var o) = items[i] {
                body(&o)
                items[i] = .object(o)
            }
        }
        self[key] = .array(items)
    }
}

/// The volumes behind claims: what a dynamic provisioner makes when a claim is bound (k3s'
/// local-path: a `hostPath` volume on the selected node), and what the PV controller does once
/// the claim is gone (`pkg/controller/volume/persistentvolume/pv_controller.go`
/// reclaimVolume): a `Delete` volume goes, a `Retain` one is `Released`.
enum PersistentVolumeController {
    static let type = ResourceType.forObject(apiVersion: "v1", kind: "PersistentVolume")

    /// The volume provisioned for `claim` on `node`, bound to it.
    static func provision(for claim: Resource, node: String, in c: Cluster) -> Resource {
        let name = "pvc-\(claim.uid)"
        let namespace = claim.namespace ?? "default"
        let storageClass = claim.object["spec"]?["storageClassName"]?.stringValue
        let provisioner = c.storageProvisioner(storageClass)
        var annotations = Object()
        if provisioner == "rancher.io/local-path" { annotations["local.path.provisioner/selected-node"] = .string(node) }
        if let provisioner { annotations["pv.kubernetes.io/provisioned-by"] = .string(provisioner) }
        var spec = Object()
        if let modes = claim.object["spec"]?["accessModes"] { spec["accessModes"] = modes }
        if let storage = claim.object["spec"]?["resources"]?["requests"]?["storage"] { spec["capacity"] = .object(Object(["storage": storage])) }
        spec["claimRef"] = .object(Object([
            "apiVersion": .string("v1"), "kind": .string("PersistentVolumeClaim"), "name": .string(claim.name), "namespace": .string(namespace),
            "uid": .string(claim.uid),
        ]))
        if provisioner == "rancher.io/local-path" {
            spec["hostPath"] = .object(Object(["path": .string("/var/lib/rancher/k3s/storage/\(name)_\(namespace)_\(claim.name)"), "type": .string("DirectoryOrCreate")]))
            spec["nodeAffinity"] = .object(Object(["required": .object(Object(["nodeSelectorTerms": .array([.object(Object([
                "matchExpressions": .array([.object(Object(["key": .string("kubernetes.io/hostname"), "operator": .string("In"), "values": .array([.string(node)])]))]),
            ]))])]))]))
        }
        spec["persistentVolumeReclaimPolicy"] = .string(c.reclaimPolicy(storageClass))
        if let storageClass { spec["storageClassName"] = .string(storageClass) }
        spec["volumeMode"] = claim.object["spec"]?["volumeMode"] ?? .string("Filesystem")
        return Resource(Object([
            "apiVersion": .string("v1"), "kind": .string("PersistentVolume"),
            "metadata": .object(Object(["name": .string(name), "uid": .string(c.newUID()), "creationTimestamp": .string(c.now.description),
                                        "annotations": .object(annotations), "finalizers": .array([.string("kubernetes.io/pv-protection")])])),
            "spec": .object(spec),
            "status": .object(Object(["phase": .string("Bound"), "lastPhaseTransitionTime": .string(c.now.description)])),
        ]))
    }

    /// Binds the claims of a scheduled pod that are still Pending, as the scheduler's
    /// VolumeBinding and the provisioner do for a `WaitForFirstConsumer` class (k3s'
    /// local-path): the node selected, a volume `pvc-<uid>` provisioned (`provision`) and bound
    /// at once. Called when the scheduler binds a pod (any pod with a claim), and by the
    /// StatefulSet controller for a claim it made after its pod was placed.
    static func bindClaims(of pod: SimPod, in c: Cluster) {
        guard let node = pod.nodeName else { return }
        for volume in pod.template["spec"]?["volumes"]?.arrayValue ?? [] {
            guard let name = volume["persistentVolumeClaim"]?["claimName"]?.stringValue else { continue }
            let key = ObjectKey(type: StatefulPodControl.claimType.storageKey, namespace: pod.namespace, name: name)
            guard var claim = c.claims[key], claim.object["status"]?["phase"]?.stringValue == "Pending" else { continue }
            let provisioner = c.storageProvisioner(claim.object["spec"]?["storageClassName"]?.stringValue)
            var meta = claim.metadata
            var annotations = meta["annotations"]?.objectValue ?? Object()
            annotations["pv.kubernetes.io/bind-completed"] = .string("yes")
            annotations["pv.kubernetes.io/bound-by-controller"] = .string("yes")
            if let provisioner {
                annotations["volume.beta.kubernetes.io/storage-provisioner"] = .string(provisioner)
                annotations["volume.kubernetes.io/storage-provisioner"] = .string(provisioner)
            }
            annotations["volume.kubernetes.io/selected-node"] = .string(node)
            meta["annotations"] = .object(annotations)
            claim.metadata = meta
            claim.object.set(["spec", "volumeName"], .string("pvc-\(claim.uid)"))
            var status = Object(["phase": .string("Bound")])
            if let modes = claim.object["spec"]?["accessModes"] { status["accessModes"] = modes }
            if let storage = claim.object["spec"]?["resources"]?["requests"]?["storage"] { status["capacity"] = .object(Object(["storage": storage])) }
            claim.object["status"] = .object(status)
            c.putClaim(claim)
            c.putVolume(provision(for: claim, node: node, in: c))
        }
    }

    /// reclaimVolume for each bound volume whose claim is gone.
    /// An imported cluster's volumes are kept as they came (the import reports them so): a
    /// dump may hold a volume without its claim.
    static func sync(in c: Cluster) -> Bool {
        guard !c.volumes.isEmpty, c.profile != .imported else { return false }
        var changed = false
        for (key, volume) in c.volumes.objects.sorted(by: { $0.key < $1.key }) where volume.object["status"]?["phase"]?.stringValue == "Bound" {
            guard let ref = volume.object["spec"]?["claimRef"], let name = ref["name"]?.stringValue, let namespace = ref["namespace"]?.stringValue else { continue }
            let claimKey = ObjectKey(type: StatefulPodControl.claimType.storageKey, namespace: namespace, name: name)
            if let claim = c.claims[claimKey], claim.uid == ref["uid"]?.stringValue { continue }
            if volume.object["spec"]?["persistentVolumeReclaimPolicy"]?.stringValue == "Delete" {
                c.deleteVolume(key)
            } else {
                var released = volume
                released.object["status"] = .object(Object(["phase": .string("Released"), "lastPhaseTransitionTime": .string(c.now.description)]))
                c.putVolume(released)
            }
            changed = true
        }
        return changed
    }
}

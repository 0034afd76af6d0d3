/// The OpenAPI schemas of the served kinds' documents, for `kubectl explain`: each kind's
/// top-level fields, and the trees of the Deployment, ReplicaSet, Pod and Service (the kinds
/// `rollout` simulates), with descriptions of what each field does in this cluster, in this
/// project's words. Other kinds are described at their top level (`spec` and `status` as
/// objects).
enum Schemas {
    /// A type: its description, and its fields (name, type, description) in order.
    struct TypeSchema: Sendable {
        var name: String
        var description: String
        var fields: [Field]
    }

    indirect enum FieldType: Sendable {
        case string(enumeration: [String])
        case integer, boolean
        /// Either an integer or a string (`25%`).
        case intOrString
        case map(of: FieldType)
        case array(of: FieldType)
        case object(String)
    }

    struct Field: Sendable {
        var name: String
        var type: FieldType
        var description: String
        var required = false
    }

    static func string(_ values: String...) -> FieldType { .string(enumeration: values) }

    static let objectMeta = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
    static let labelSelector = "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector"
    static let intOrString = "io.k8s.apimachinery.pkg.util.intstr.IntOrString"

    /// The schemas every document refers to, and the Deployment's tree.
    static let shared: [TypeSchema] = [
        TypeSchema(name: objectMeta, description: "Standard object's metadata: the name and namespace that identify it, its labels and annotations, and what the server records about it.", fields: [
            Field(name: "name", type: string(), description: "Name of the object, unique among objects of its kind in its namespace. Cannot be changed."),
            Field(name: "namespace", type: string(), description: "The namespace the object lives in (\"default\" when none is given); cluster-scoped kinds have none."),
            Field(name: "labels", type: .map(of: string()), description: "Key and value pairs that selectors (of Services, Deployments, ReplicaSets, budgets) match."),
            Field(name: "annotations", type: .map(of: string()), description: "Key and value pairs for tools and people; not used by selectors. The rollout.sim/ annotations tell the simulation how the app behaves."),
            Field(name: "uid", type: string(), description: "Set by the server when the object is created: unique in time and space."),
            Field(name: "resourceVersion", type: string(), description: "Set by the server at every write: an update must carry the live one, or none."),
            Field(name: "generation", type: .integer, description: "Set by the server: counts the changes to the desired state (spec)."),
            Field(name: "creationTimestamp", type: string(), description: "When the server created the object (RFC 3339, UTC)."),
            Field(name: "deletionTimestamp", type: string(), description: "When the object is to be gone: set by a graceful deletion."),
            Field(name: "ownerReferences", type: .array(of: .object("io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference")), description: "Objects this one depends on: when they are deleted, so is this one (the garbage collector)."),
            Field(name: "managedFields", type: .array(of: .object("io.k8s.apimachinery.pkg.apis.meta.v1.ManagedFieldsEntry")), description: "Which field manager owns which fields, as server-side apply keeps it."),
        ]),
        TypeSchema(name: "io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference", description: "An object this one depends on.", fields: [
            Field(name: "apiVersion", type: string(), description: "API version of the owner.", required: true),
            Field(name: "kind", type: string(), description: "Kind of the owner.", required: true),
            Field(name: "name", type: string(), description: "Name of the owner.", required: true),
            Field(name: "uid", type: string(), description: "UID of the owner.", required: true),
            Field(name: "controller", type: .boolean, description: "Whether the owner is the managing controller."),
            Field(name: "blockOwnerDeletion", type: .boolean, description: "Whether a foreground deletion of the owner waits for this object."),
        ]),
        TypeSchema(name: "io.k8s.apimachinery.pkg.apis.meta.v1.ManagedFieldsEntry", description: "The fields one manager owns, and how it last wrote them.", fields: [
            Field(name: "manager", type: string(), description: "The manager's name."),
            Field(name: "operation", type: string("Apply", "Update"), description: "Apply (server-side apply) or Update (any other write)."),
            Field(name: "apiVersion", type: string(), description: "The API version the fields are named in."),
            Field(name: "time", type: string(), description: "When the manager last changed them."),
            Field(name: "fieldsType", type: string("FieldsV1"), description: "The form of fieldsV1."),
            Field(name: "fieldsV1", type: .object("io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1"), description: "The set of fields, as a tree of f:, k:, v: and . keys."),
            Field(name: "subresource", type: string(), description: "The subresource written (status, scale), if any."),
        ]),
        TypeSchema(name: "io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1", description: "A set of fields, as a tree.", fields: []),
        TypeSchema(name: labelSelector, description: "Which objects' labels match: every matchLabels pair and every matchExpressions requirement must hold (both empty: everything).", fields: [
            Field(name: "matchLabels", type: .map(of: string()), description: "Labels that must be there, with these values."),
            Field(name: "matchExpressions", type: .array(of: .object("io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement")), description: "Requirements on labels: In, NotIn, Exists, DoesNotExist."),
        ]),
        TypeSchema(name: "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement", description: "One requirement on one label.", fields: [
            Field(name: "key", type: string(), description: "The label's key.", required: true),
            Field(name: "operator", type: string("DoesNotExist", "Exists", "In", "NotIn"), description: "How the label's value is compared with the values.", required: true),
            Field(name: "values", type: .array(of: string()), description: "The values for In and NotIn; empty for Exists and DoesNotExist."),
        ]),
        TypeSchema(name: "io.k8s.api.apps.v1.DeploymentSpec", description: "What the Deployment should run: how many pods of which template, and how a change of template rolls out.", fields: [
            Field(name: "replicas", type: .integer, description: "How many pods to run. Defaults to 1."),
            Field(name: "selector", type: .object(labelSelector), description: "Which pods the Deployment's ReplicaSets own: it must match the template's labels, and cannot be changed.", required: true),
            Field(name: "template", type: .object("io.k8s.api.core.v1.PodTemplateSpec"), description: "The pods to run. Changing it (other than replicas) rolls out a new ReplicaSet.", required: true),
            Field(name: "strategy", type: .object("io.k8s.api.apps.v1.DeploymentStrategy"), description: "How the pods of the old template are replaced by pods of the new one."),
            Field(name: "minReadySeconds", type: .integer, description: "Seconds a new pod must be ready, with no container crashing, before it counts as available. Defaults to 0."),
            Field(name: "revisionHistoryLimit", type: .integer, description: "How many old ReplicaSets to keep for rolling back. Defaults to 10."),
            Field(name: "paused", type: .boolean, description: "While true, changes of the template do not roll out."),
            Field(name: "progressDeadlineSeconds", type: .integer, description: "Seconds a rollout may go without progress before its Progressing condition turns False with ProgressDeadlineExceeded. Defaults to 600."),
        ]),
        TypeSchema(name: "io.k8s.api.apps.v1.DeploymentStrategy", description: "How a Deployment replaces old pods with new ones.", fields: [
            Field(name: "type", type: string("Recreate", "RollingUpdate"), description: "Recreate: every old pod is deleted before new ones are created. RollingUpdate (the default): new pods replace old ones a few at a time, within maxSurge and maxUnavailable."),
            Field(name: "rollingUpdate", type: .object("io.k8s.api.apps.v1.RollingUpdateDeployment"), description: "The limits of a RollingUpdate; only with type RollingUpdate."),
        ]),
        TypeSchema(name: "io.k8s.api.apps.v1.RollingUpdateDeployment", description: "The limits a rolling update keeps to.", fields: [
            Field(name: "maxUnavailable", type: .intOrString, description: "How many of the desired pods may be unavailable during the update: a number, or a percentage of the replicas rounded down. Defaults to 25%. Cannot be 0 when maxSurge is 0."),
            Field(name: "maxSurge", type: .intOrString, description: "How many pods may be created above the desired number: a number, or a percentage of the replicas rounded up. Defaults to 25%. Cannot be 0 when maxUnavailable is 0."),
        ]),
        TypeSchema(name: "io.k8s.api.apps.v1.DeploymentStatus", description: "What the Deployment controller observed last.", fields: [
            Field(name: "observedGeneration", type: .integer, description: "The generation the controller acted on."),
            Field(name: "replicas", type: .integer, description: "Pods of the Deployment that are not terminating."),
            Field(name: "updatedReplicas", type: .integer, description: "Of those, the pods of the current template."),
            Field(name: "readyReplicas", type: .integer, description: "Pods that are ready."),
            Field(name: "availableReplicas", type: .integer, description: "Pods ready for at least minReadySeconds."),
            Field(name: "unavailableReplicas", type: .integer, description: "Desired pods that are not available."),
            Field(name: "conditions", type: .array(of: .object("io.k8s.api.apps.v1.DeploymentCondition")), description: "Available, Progressing and ReplicaFailure."),
            Field(name: "collisionCount", type: .integer, description: "Bumped when the hash of a template collides with an existing ReplicaSet's."),
        ]),
        TypeSchema(name: "io.k8s.api.apps.v1.DeploymentCondition", description: "One condition of a Deployment.", fields: [
            Field(name: "type", type: string("Available", "Progressing", "ReplicaFailure"), description: "The condition.", required: true),
            Field(name: "status", type: string("False", "True", "Unknown"), description: "Whether it holds.", required: true),
            Field(name: "reason", type: string(), description: "Why, in one word (NewReplicaSetAvailable, ProgressDeadlineExceeded, …)."),
            Field(name: "message", type: string(), description: "Why, in words."),
            Field(name: "lastUpdateTime", type: string(), description: "When it was last updated."),
            Field(name: "lastTransitionTime", type: string(), description: "When its status last changed."),
        ]),
        TypeSchema(name: "io.k8s.api.apps.v1.ReplicaSetSpec", description: "The pods a ReplicaSet keeps running.", fields: [
            Field(name: "replicas", type: .integer, description: "How many pods to keep running. Defaults to 1."),
            Field(name: "selector", type: .object(labelSelector), description: "Which pods the ReplicaSet owns: it must match the template's labels.", required: true),
            Field(name: "template", type: .object("io.k8s.api.core.v1.PodTemplateSpec"), description: "The pods it creates when there are too few."),
            Field(name: "minReadySeconds", type: .integer, description: "Seconds a new pod must be ready before it counts as available."),
        ]),
        TypeSchema(name: "io.k8s.api.apps.v1.ReplicaSetStatus", description: "What the ReplicaSet controller observed last.", fields: [
            Field(name: "replicas", type: .integer, description: "Its pods that are not terminating."),
            Field(name: "readyReplicas", type: .integer, description: "Pods that are ready."),
            Field(name: "availableReplicas", type: .integer, description: "Pods ready for at least minReadySeconds."),
            Field(name: "terminatingReplicas", type: .integer, description: "Pods that are stopping."),
            Field(name: "observedGeneration", type: .integer, description: "The generation the controller acted on."),
        ]),
        TypeSchema(name: "io.k8s.api.core.v1.PodStatus", description: "What the kubelet observed of a pod.", fields: [
            Field(name: "phase", type: string("Failed", "Pending", "Running", "Succeeded", "Unknown"), description: "Where the pod is in its life."),
            Field(name: "conditions", type: .array(of: .object("io.k8s.api.core.v1.PodCondition")), description: "PodScheduled, Initialized, ContainersReady, Ready, PodReadyToStartContainers."),
            Field(name: "podIP", type: string(), description: "The pod's address, from its node's range."),
            Field(name: "hostIP", type: string(), description: "Its node's address."),
            Field(name: "startTime", type: string(), description: "When the kubelet accepted the pod."),
            Field(name: "containerStatuses", type: .array(of: .object("io.k8s.api.core.v1.ContainerStatus")), description: "Each app container's state, readiness and restarts."),
            Field(name: "initContainerStatuses", type: .array(of: .object("io.k8s.api.core.v1.ContainerStatus")), description: "Each init container's state."),
            Field(name: "qosClass", type: string("BestEffort", "Burstable", "Guaranteed"), description: "Its quality of service, from its requests and limits."),
        ]),
        TypeSchema(name: "io.k8s.api.core.v1.ServiceSpec", description: "How a Service is reached and which pods answer.", fields: [
            Field(name: "selector", type: .map(of: string()), description: "Labels of the pods whose ready endpoints get the requests."),
            Field(name: "ports", type: .array(of: .object("io.k8s.api.core.v1.ServicePort")), description: "The ports it serves, each with the pods' targetPort."),
            Field(name: "type", type: string("ClusterIP", "ExternalName", "LoadBalancer", "NodePort"), description: "How it is reached: inside the cluster, on every node's port, or through a load balancer. Defaults to ClusterIP."),
            Field(name: "clusterIP", type: string(), description: "Its address in the cluster, allocated unless given (None: headless)."),
            Field(name: "externalTrafficPolicy", type: string("Cluster", "Local"), description: "Local: requests from outside go only to endpoints on the node they reach."),
            Field(name: "internalTrafficPolicy", type: string("Cluster", "Local"), description: "Local: requests from inside go only to endpoints on the sender's node."),
            Field(name: "publishNotReadyAddresses", type: .boolean, description: "Whether endpoints that are not ready are published too."),
            Field(name: "sessionAffinity", type: string("ClientIP", "None"), description: "ClientIP: requests from one client go to one pod."),
        ]),
        TypeSchema(name: "io.k8s.api.core.v1.ServiceStatus", description: "What the load balancer controller observed.", fields: [
            Field(name: "loadBalancer", type: .object("io.k8s.api.core.v1.LoadBalancerStatus"), description: "The load balancer's addresses (ingress)."),
        ]),
        TypeSchema(name: "io.k8s.api.core.v1.PodTemplateSpec", description: "The pods a workload creates.", fields: [
            Field(name: "metadata", type: .object(objectMeta), description: "Labels and annotations every pod gets."),
            Field(name: "spec", type: .object("io.k8s.api.core.v1.PodSpec"), description: "The pods' spec."),
        ]),
        TypeSchema(name: "io.k8s.api.core.v1.PodSpec", description: "What runs in a pod, and how it starts and stops.", fields: [
            Field(name: "containers", type: .array(of: .object("io.k8s.api.core.v1.Container")), description: "The app containers, started once the init containers have finished.", required: true),
            Field(name: "initContainers", type: .array(of: .object("io.k8s.api.core.v1.Container")), description: "Containers run one after another before the app containers; one with restartPolicy Always is a sidecar that keeps running."),
            Field(name: "terminationGracePeriodSeconds", type: .integer, description: "Seconds between the start of a graceful deletion (preStop hooks, then SIGTERM) and SIGKILL. Defaults to 30."),
            Field(name: "restartPolicy", type: string("Always", "Never", "OnFailure"), description: "When containers that exit are restarted."),
            Field(name: "nodeSelector", type: .map(of: string()), description: "Labels a node must have for the pod to be scheduled there."),
            Field(name: "affinity", type: .object("io.k8s.api.core.v1.Affinity"), description: "Node affinity and pod (anti-)affinity, as the scheduler filters and scores them."),
            Field(name: "tolerations", type: .array(of: .object("io.k8s.api.core.v1.Toleration")), description: "Taints the pod tolerates."),
            Field(name: "topologySpreadConstraints", type: .array(of: .object("io.k8s.api.core.v1.TopologySpreadConstraint")), description: "How the pods are spread over zones or nodes."),
            Field(name: "volumes", type: .array(of: .object("io.k8s.api.core.v1.Volume")), description: "Volumes the containers can mount (ConfigMaps, Secrets, claims, emptyDir, …)."),
        ]),
        TypeSchema(name: "io.k8s.api.core.v1.Container", description: "One container of a pod.", fields: [
            Field(name: "name", type: string(), description: "Unique within the pod.", required: true),
            Field(name: "image", type: string(), description: "The image to run; pulled as imagePullPolicy says."),
            Field(name: "imagePullPolicy", type: string("Always", "IfNotPresent", "Never"), description: "When the image is pulled. Defaults to Always for :latest, else IfNotPresent."),
            Field(name: "ports", type: .array(of: .object("io.k8s.api.core.v1.ContainerPort")), description: "Ports the container listens on (a Service's named targetPort finds them here)."),
            Field(name: "env", type: .array(of: .object("io.k8s.api.core.v1.EnvVar")), description: "Environment variables."),
            Field(name: "resources", type: .object("io.k8s.api.core.v1.ResourceRequirements"), description: "Requests (what the scheduler reserves on a node) and limits."),
            Field(name: "readinessProbe", type: .object("io.k8s.api.core.v1.Probe"), description: "While it fails, the pod is not ready and gets no requests through Services."),
            Field(name: "livenessProbe", type: .object("io.k8s.api.core.v1.Probe"), description: "When it fails failureThreshold times, the container is restarted."),
            Field(name: "startupProbe", type: .object("io.k8s.api.core.v1.Probe"), description: "Until it succeeds, the other probes wait; when it fails failureThreshold times, the container is restarted."),
            Field(name: "lifecycle", type: .object("io.k8s.api.core.v1.Lifecycle"), description: "postStart and preStop hooks: a preStop hook runs before SIGTERM, keeping the app serving while the endpoints catch up."),
            Field(name: "restartPolicy", type: string("Always"), description: "Always on an init container makes it a sidecar."),
        ]),
    ]

    /// Types named above that are described as objects only.
    static let stubs: [(String, String)] = [
        ("io.k8s.apimachinery.pkg.runtime.RawExtension", "An object of its kind's own fields."),
        ("io.k8s.api.core.v1.Affinity", "Node affinity, pod affinity and pod anti-affinity."),
        ("io.k8s.api.core.v1.Toleration", "A taint (key, operator, value, effect) the pod tolerates, for tolerationSeconds with NoExecute."),
        ("io.k8s.api.core.v1.TopologySpreadConstraint", "maxSkew, topologyKey, whenUnsatisfiable and labelSelector of a spread."),
        ("io.k8s.api.core.v1.Volume", "A volume: configMap, secret, persistentVolumeClaim, emptyDir, projected, …"),
        ("io.k8s.api.core.v1.ContainerPort", "containerPort, name and protocol of a port."),
        ("io.k8s.api.core.v1.EnvVar", "name, and value or valueFrom (a ConfigMap's or Secret's key, a field)."),
        ("io.k8s.api.core.v1.ResourceRequirements", "requests and limits of cpu, memory and extended resources."),
        ("io.k8s.api.core.v1.Probe", "httpGet, tcpSocket, grpc or exec, with initialDelaySeconds, periodSeconds, timeoutSeconds, successThreshold and failureThreshold."),
        ("io.k8s.api.core.v1.Lifecycle", "postStart and preStop handlers (exec, httpGet, sleep)."),
        ("io.k8s.api.core.v1.PodCondition", "type, status, reason, message and lastTransitionTime of a condition."),
        ("io.k8s.api.core.v1.ContainerStatus", "name, image, ready, started, restartCount, state and lastState of a container."),
        ("io.k8s.api.core.v1.ServicePort", "name, protocol, port, targetPort (a number or a container port's name) and nodePort."),
        ("io.k8s.api.core.v1.LoadBalancerStatus", "ingress: the addresses (ip or hostname) clients reach it at."),
    ]

    /// The `components.schemas` of one group-version's document.
    static func components(for types: [ResourceType]) -> Object {
        var schemas = Object()
        for schema in shared { schemas[schema.name] = value(of: schema) }
        for (name, description) in stubs { schemas[name] = value(of: TypeSchema(name: name, description: description, fields: [])) }
        // As OpenAPI v3 has it: one of two types (kubectl's explain names it IntOrString).
        schemas[intOrString] = .object(Object(["oneOf": .array([.object(Object(["type": .string("integer")])), .object(Object(["type": .string("string")]))]),
                                               "description": .string("An integer, or a string such as a percentage (25%).")]))
        for type in types {
            var kind = value(of: topLevel(type))
            if case .object(var o) = kind {
                o["x-kubernetes-group-version-kind"] = .array([.object(Object(["group": .string(type.group), "version": .string(type.version), "kind": .string(type.kind)]))])
                kind = .object(o)
            }
            schemas[OpenAPI.schemaName(type)] = kind
        }
        return schemas
    }

    /// A kind's document: apiVersion, kind, metadata, and its spec and status (or data).
    static func topLevel(_ type: ResourceType) -> TypeSchema {
        var fields = [
            Field(name: "apiVersion", type: string(), description: "The versioned schema of this representation of the object: \(type.apiVersion)."),
            Field(name: "kind", type: string(), description: "The kind of object: \(type.kind)."),
            Field(name: "metadata", type: .object(objectMeta), description: "Standard object's metadata."),
        ]
        switch (type.group, type.kind) {
        case ("apps", "Deployment"):
            fields.append(Field(name: "spec", type: .object("io.k8s.api.apps.v1.DeploymentSpec"), description: "The desired state: the pods to run and how changes roll out."))
            fields.append(Field(name: "status", type: .object("io.k8s.api.apps.v1.DeploymentStatus"), description: "The observed state, written by the Deployment controller."))
            return TypeSchema(name: OpenAPI.schemaName(type), description: "A Deployment runs replicas of a pod template through ReplicaSets, and rolls a changed template out by replacing old pods with new ones.", fields: fields)
        case ("apps", "ReplicaSet"):
            fields.append(Field(name: "spec", type: .object("io.k8s.api.apps.v1.ReplicaSetSpec"), description: "How many pods of which template to keep running."))
            fields.append(Field(name: "status", type: .object("io.k8s.api.apps.v1.ReplicaSetStatus"), description: "The observed state, written by the ReplicaSet controller."))
            return TypeSchema(name: OpenAPI.schemaName(type), description: "A ReplicaSet keeps a number of pods of one template running; a Deployment owns one per revision of its template.", fields: fields)
        case ("", "Pod"):
            fields.append(Field(name: "spec", type: .object("io.k8s.api.core.v1.PodSpec"), description: "What runs in the pod."))
            fields.append(Field(name: "status", type: .object("io.k8s.api.core.v1.PodStatus"), description: "What the kubelet observed last."))
            return TypeSchema(name: OpenAPI.schemaName(type), description: "A pod: containers the scheduler places on one node and its kubelet runs, started and stopped together.", fields: fields)
        case ("", "Service"):
            fields.append(Field(name: "spec", type: .object("io.k8s.api.core.v1.ServiceSpec"), description: "Which pods the Service sends requests to, and on which ports."))
            fields.append(Field(name: "status", type: .object("io.k8s.api.core.v1.ServiceStatus"), description: "The load balancer's addresses, once it has them."))
            return TypeSchema(name: OpenAPI.schemaName(type), description: "A Service: one address for a set of pods chosen by labels, whose ready endpoints kube-proxy sends requests to.", fields: fields)
        case ("", "ConfigMap"), ("", "Secret"):
            fields.append(Field(name: "data", type: .map(of: string()), description: type.kind == "Secret" ? "Values, base64-encoded." : "Values, as text."))
        case (_, "Event"), ("", "Endpoints"), ("discovery.k8s.io", "EndpointSlice"):
            break
        default:
            fields.append(Field(name: "spec", type: .object("io.k8s.apimachinery.pkg.runtime.RawExtension"), description: "The desired state of the \(type.kind)."))
            if type.hasStatus { fields.append(Field(name: "status", type: .object("io.k8s.apimachinery.pkg.runtime.RawExtension"), description: "The observed state of the \(type.kind).")) }
        }
        return TypeSchema(name: OpenAPI.schemaName(type), description: "\(type.kind) (\(type.apiVersion)).", fields: fields)
    }

    static func value(of schema: TypeSchema) -> Value {
        var properties = Object()
        for field in schema.fields {
            var property = Object()
            switch field.type {
            case .object(let name):
                // OpenAPI v3 as the API server writes it: a reference wrapped in allOf, with the
                // field's own description beside it.
                property["allOf"] = .array([.object(Object(["$ref": .string("#/components/schemas/\(name)")]))])
            default:
                property = typeValue(field.type)
            }
            property["description"] = .string(field.description)
            properties[field.name] = .object(property)
        }
        var o = Object(["type": .string("object"), "description": .string(schema.description)])
        if !schema.fields.isEmpty { o["properties"] = .object(properties) }
        let required = schema.fields.filter(\.required).map { Value.string($0.name) }
        if !required.isEmpty { o["required"] = .array(required) }
        return .object(o)
    }

    private static func typeValue(_ type: FieldType) -> Object {
        switch type {
        case .string(let values):
            var o = Object(["type": .string("string")])
            if !values.isEmpty { o["enum"] = .array(values.map(Value.string)) }
            return o
        case .integer: return Object(["type": .string("integer"), "format": .string("int32")])
        case .boolean: return Object(["type": .string("boolean")])
        case .intOrString: return Object(["allOf": .array([.object(Object(["$ref": .string("#/components/schemas/\(intOrString)")]))])])
        case .map(let of): return Object(["type": .string("object"), "additionalProperties": .object(typeValue(of))])
        case .array(let of): return Object(["type": .string("array"), "items": .object(typeValue(of))])
        case .object(let name): return Object(["allOf": .array([.object(Object(["$ref": .string("#/components/schemas/\(name)")]))])])
        }
    }
}

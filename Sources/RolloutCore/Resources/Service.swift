public struct ServicePort: Equatable, Sendable {
    public var name: String?
    public var port: Int
    public var targetPort: IntOrString
    public var `protocol`: String
    public var nodePort: Int?
}

/// A Service, decoded with Kubernetes' defaults (type ClusterIP, targetPort = port).
public struct Service: Equatable, Sendable {
    public var metadata: ObjectMeta
    public var type: String
    public var selector: [String: String]
    public var ports: [ServicePort]
    public var clusterIP: String?

    public init(_ resource: Resource, reader: inout FieldReader) {
        let object = resource.object
        metadata = ObjectMeta(of: object, reader: &reader)
        let spec = FieldPath("spec")
        let s = reader.object(object["spec"], spec) ?? Object()
        type = reader.string(s["type"], spec / "type") ?? "ClusterIP"
        selector = reader.stringMap(s["selector"], spec / "selector")
        clusterIP = reader.string(s["clusterIP"], spec / "clusterIP")
        ports = []
        for (i, item) in (reader.array(s["ports"], spec / "ports") ?? []).enumerated() {
            let p = spec / "ports" |> i
            guard let port = reader.object(item, p) else { continue }
            let number = reader.int32(port["port"], p / "port", goStruct: "ServicePort")
            if number == nil && port["port"] == nil { reader.required(p / "port") }
            ports.append(ServicePort(name: reader.string(port["name"], p / "name"), port: number ?? 0,
                                     targetPort: reader.intOrString(port["targetPort"], p / "targetPort") ?? .int(number ?? 0),
                                     protocol: reader.string(port["protocol"], p / "protocol") ?? "TCP",
                                     nodePort: reader.int32(port["nodePort"], p / "nodePort", goStruct: "ServicePort")))
        }
    }
}

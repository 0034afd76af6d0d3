/// `ValidateService` (`pkg/apis/core/validation/validation.go`), the rules that matter here.
extension ObjectValidation {
    static func validateService(_ service: Service, reader: inout FieldReader) {
        let spec = FieldPath("spec")
        let types = ["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"]
        if !types.contains(service.type) {
            reader.fail(spec / "type", "Unsupported value: \"\(service.type)\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\"")
        }
        if service.type != "ExternalName" && service.ports.isEmpty && service.clusterIP != "None" {
            reader.fail(spec / "ports", "Required value")
        }
        var names: Set<String> = []
        var numbers: Set<String> = []
        for (i, port) in service.ports.enumerated() {
            let p = spec / "ports" |> i
            if service.ports.count > 1 && (port.name ?? "").isEmpty {
                reader.fail(p / "name", "Required value")
            } else if let name = port.name, !name.isEmpty {
                if !Validation.isDNS1123Label(name) {
                    reader.fail(p / "name", "Invalid value: \"\(name)\": \(Validation.dns1123LabelMessage)")
                }
                if !names.insert(name).inserted { reader.fail(p / "name", "Duplicate value: \"\(name)\"") }
            }
            if !(1...65535).contains(port.port) {
                reader.fail(p / "port", "Invalid value: \(port.port): must be between 1 and 65535, inclusive")
            }
            if !["TCP", "UDP", "SCTP"].contains(port.protocol) {
                reader.fail(p / "protocol", "Unsupported value: \"\(port.protocol)\": supported values: \"SCTP\", \"TCP\", \"UDP\"")
            }
            if !numbers.insert("\(port.port)/\(port.protocol)").inserted {
                reader.fail(p, "Duplicate value: {\"port\": \(port.port), \"protocol\": \"\(port.protocol)\"}")
            }
            validateTargetPort(port.targetPort, at: p / "targetPort", reader: &reader)
            if let nodePort = port.nodePort, nodePort != 0 {
                if service.type == "ClusterIP" {
                    reader.fail(p / "nodePort", "Forbidden: may not be used when `type` is 'ClusterIP'")
                } else if !(30000...32767).contains(nodePort) {
                    reader.fail(p / "nodePort", "Invalid value: \(nodePort): provided port is not in the valid range. The range of valid ports is 30000-32767")
                }
            }
        }
        validateLabels(service.selector, at: spec / "selector", reader: &reader)
    }
}

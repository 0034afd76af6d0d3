/// Sysctls the kubelet refuses (`pkg/kubelet/sysctl/allowlist.go` validateSysctl, against
/// `safe_sysctls.go`' SafeSysctlAllowlist plus the node's `--allowed-unsafe-sysctls`, empty by
/// default): a pod setting one is rejected on whatever node it lands — status Failed,
/// `SysctlForbidden`, `Pod was rejected: forbidden sysctl: "net.core.somaxconn" not
/// allowlisted` — and its controller makes another, which is rejected in turn
/// (KubeletAdmission, which a rollout simulates). (A `net.*` sysctl with `hostNetwork`, which
/// the kubelet refuses too, is refused earlier by the API server's validation:
/// `ObjectValidation.validateSysctls`.)
extension Linter {
    static func sysctlHazards(_ r: Resource, _ document: ManifestDocument) -> [Hazard] {
        guard let sysctls = r.object["spec"]?["template"]?["spec"]?["securityContext"]?["sysctls"]?.arrayValue else { return [] }
        var found: [Hazard] = []
        for (i, sysctl) in sysctls.enumerated() {
            guard let name = sysctl["name"]?.stringValue, let refusal = KubeletAdmission.sysctlRefusal([name]) else { continue }
            let path = FieldPath("spec") / "template" / "spec" / "securityContext" / "sysctls" |> i / "name"
            found.append(hazard("unsafe-sysctl", .error, r, document, path,
                                "sysctl \(GoQuote.quoted(name)) is not one the kubelet allows: each pod is rejected on its node (SysctlForbidden: \(refusal)) and another made in its place, over and over, unless every node's kubelet allows it (--allowed-unsafe-sysctls)",
                                fix: "drop it, set it on the nodes instead, or run the pods only on nodes whose kubelet allows it"))
        }
        return found
    }
}

/// Sysctls the kubelet refuses (`pkg/kubelet/sysctl/allowlist.go` validateSysctl, against
/// `safe_sysctls.go`' SafeSysctlAllowlist plus the node's `--allowed-unsafe-sysctls`, empty by
/// default): a pod setting one is rejected on whatever node it lands — status Failed,
/// `SysctlForbidden`, `Pod was rejected: forbidden sysctl: "net.core.somaxconn" not
/// allowlisted` — and its controller makes another, which is rejected in turn; a
/// `hostNetwork` pod may set no `net.*` sysctl at all (the kubelet's `not allowed with host net
/// enabled`, and the API server's validation of the pod spec, ValidateHostSysctl's `may not be
/// specified when 'hostNetwork' is true`, which `apply` does not check here).
/// Not simulated (the kubelet's admission of a pod is not modelled): lint says so.
extension Linter {
    /// 1.32's allowlist (the kernel versions it asks for are long past): PodSecurity's
    /// baseline set, `PodSecurity.safeSysctls`.
    static let kubeletSafeSysctls = PodSecurity.safeSysctls

    static func sysctlHazards(_ r: Resource, _ document: ManifestDocument) -> [Hazard] {
        guard let spec = r.object["spec"]?["template"]?["spec"], let sysctls = spec["securityContext"]?["sysctls"]?.arrayValue else { return [] }
        let hostNetwork = spec["hostNetwork"]?.boolValue == true
        var found: [Hazard] = []
        for (i, sysctl) in sysctls.enumerated() {
            guard let name = sysctl["name"]?.stringValue else { continue }
            let path = FieldPath("spec") / "template" / "spec" / "securityContext" / "sysctls" |> i / "name"
            if !kubeletSafeSysctls.contains(name) {
                found.append(hazard("unsafe-sysctl", .error, r, document, path,
                                    "sysctl \(GoQuote.quoted(name)) is not one the kubelet allows: each pod is rejected on its node (SysctlForbidden: forbidden sysctl: \(GoQuote.quoted(name)) not allowlisted) and another made in its place, over and over, unless every node's kubelet allows it (--allowed-unsafe-sysctls); not simulated here",
                                    fix: "drop it, set it on the nodes instead, or run the pods only on nodes whose kubelet allows it"))
            } else if hostNetwork && name.hasPrefix("net.") {
                found.append(hazard("unsafe-sysctl", .error, r, document, path,
                                    "sysctl \(GoQuote.quoted(name)) with hostNetwork would change the node's own network settings: it is refused (the API server's validation: may not be specified when 'hostNetwork' is true; the kubelet's: not allowed with host net enabled), so no pod runs; not checked when applied here",
                                    fix: "drop the net.* sysctls of a pod on the host's network (they would change the node's)"))
            }
        }
        return found
    }
}

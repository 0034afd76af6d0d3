/// Transparent huge pages for rollout's heap. glibc's malloc asks the kernel for them
/// (`madvise(MADV_HUGEPAGE)` on its heaps and large blocks) when its tunable
/// `glibc.malloc.hugetlb=1` is set, and it reads tunables only as a process starts: so a
/// command that may load a large state, started without it on a kernel that gives huge pages
/// on request (`/sys/kernel/mm/transparent_hugepage/enabled` is `[madvise]`, the usual
/// default), starts itself once more with it (`execv` of `/proc/self/exe`, the same
/// arguments), and the started process takes the tunable out of its environment again, so
/// that nothing it runs inherits it. A 150,000-pod state fills 1.7 GB in 4 KB pages, each
/// first touched through a page fault: with 2 MB pages the roll took ~5 % less time (README,
/// thirty-fifth round). Nothing rollout prints or stores depends on it.
/// Left as started: a `GLIBC_TUNABLES` the user set (even empty), `ROLLOUT_HUGEPAGES=0`, the
/// verbs that read no state (`render`, `lint`, `completion`, help and version), and kernels
/// whose huge pages are `[always]` (every process has them) or `[never]`.
public enum HugePages {
    public static let tunables = "GLIBC_TUNABLES"
    public static let tunable = "glibc.malloc.hugetlb=1"
    /// Set to 1 for the started process (it then takes both variables out); 0 keeps rollout
    /// from starting itself again.
    public static let marker = "ROLLOUT_HUGEPAGES"
    /// Where the kernel says when it gives transparent huge pages.
    public static let modeFile = "/sys/kernel/mm/transparent_hugepage/enabled"

    /// The verbs that read no state: started as they are.
    static let light: Set<String> = ["render", "lint", "completion", "help", "version", "--version", "-h", "--help"]

    public enum Step: Equatable {
        /// Start again with these variables set.
        case relaunch(set: [String: String])
        /// Started again: take these variables out of the environment.
        case clear([String])
        case none
    }

    /// What to do as the process starts: `verb`, the command's first word (global flags moved
    /// after it); `mode`, the text of `modeFile` (nil when it cannot be read), read only when
    /// the rest does not settle it.
    public static func step(verb: String?, environment: [String: String], mode: @autoclosure () -> String?) -> Step {
        if let mark = environment[marker] {
            return mark == "1" && environment[tunables] == tunable ? .clear([tunables, marker]) : .none
        }
        guard environment[tunables] == nil, let verb, !light.contains(verb) else { return .none }
        // The selected mode is the one in brackets: `always [madvise] never`.
        guard let mode = mode(), mode.contains("[madvise]") else { return .none }
        return .relaunch(set: [tunables: tunable, marker: "1"])
    }
}

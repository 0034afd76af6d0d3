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
/// verbs that read no state (`render`, `lint`, `completion`, help and version), kernels
/// whose huge pages are `[always]` (every process has them) or `[never]`, and virtual machines
/// that hand free memory back to their host (a virtio balloon reporting free pages,
/// `reportsFreePages`): there a huge page freed is soon given back (free blocks are reported
/// from `page_reporting_order` up, 2 MB on the Firecracker machines this project is measured
/// on), and the next one is memory the host must find and clear again — there a gigabyte
/// touched in fresh huge pages took 3.4 s against 0.39 s in small pages, and the
/// 100,000-replica roll was 15 % slower with huge pages than without (README, thirty-ninth
/// round).
public enum HugePages {
    public static let tunables = "GLIBC_TUNABLES"
    public static let tunable = "glibc.malloc.hugetlb=1"
    /// Set to 1 for the started process (it then takes both variables out); 0 keeps rollout
    /// from starting itself again; `on` (`forcing`) starts it again even where free pages are
    /// reported to the host.
    public static let marker = "ROLLOUT_HUGEPAGES"
    public static let forcing = "on"
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
    /// after it); `mode`, the text of `modeFile` (nil when it cannot be read), and
    /// `reportsFreePages` (`reportsFreePages(balloons:)`), read only when the rest does not
    /// settle it.
    public static func step(verb: String?, environment: [String: String], mode: @autoclosure () -> String?,
                            reportsFreePages: @autoclosure () -> Bool = false) -> Step {
        let forced = environment[marker] == forcing
        if let mark = environment[marker], !forced {
            return mark == "1" && environment[tunables] == tunable ? .clear([tunables, marker]) : .none
        }
        guard environment[tunables] == nil, let verb, !light.contains(verb) else { return .none }
        // The selected mode is the one in brackets: `always [madvise] never`.
        guard let mode = mode(), mode.contains("[madvise]") else { return .none }
        guard forced || !reportsFreePages() else { return .none }
        return .relaunch(set: [tunables: tunable, marker: "1"])
    }

    /// Where the kernel lists the virtio balloon devices its driver holds.
    public static let balloonDriver = "/sys/bus/virtio/drivers/virtio_balloon"

    /// Whether a virtio balloon device the kernel drives reports free pages to the host: its
    /// `features` file, one character per feature bit from bit 0, has bit 5 set
    /// (`VIRTIO_BALLOON_F_REPORTING`, include/uapi/linux/virtio_balloon.h; the driver then
    /// registers free page reporting, drivers/virtio/virtio_balloon.c). False when there is
    /// no such device or the files cannot be read.
    public static func reportsFreePages(balloons directory: String = balloonDriver) -> Bool {
        for entry in FileIO.list(directory) where entry.hasPrefix("virtio") {
            guard let features = try? String(contentsOfFile: "\(directory)/\(entry)/features", encoding: .utf8) else { continue }
            let bits = Array(features.utf8)
            if bits.count > reportingBit && bits[reportingBit] == UInt8(ascii: "1") { return true }
        }
        return false
    }

    /// `VIRTIO_BALLOON_F_REPORTING`.
    static let reportingBit = 5
}

#if canImport(Glibc)
import Glibc
#endif

/// The process's environment as Foundation's `ProcessInfo.processInfo.environment` gives it —
/// each `NAME=value` entry of `environ` split at its first "=", an entry that is not UTF-8 or
/// has no "=" left out, the last of a repeated name kept — made with the standard library's
/// strings. Foundation made each through its C-string bridging: half a million instructions
/// for each of the two reads at every start of rollout, together nearly a fifth of a start,
/// and twice over for a command that starts itself again (HugePages). (The "=" is found among the bytes,
/// as POSIX splits an entry; Foundation compares Characters, and would pass over an "=" joined
/// to a combining mark after it — a value starting with one.)
public enum ProcessEnvironment {
    public static func current() -> [String: String] {
        var result: [String: String] = [:]
        // (As an optional: after `clearenv` the table is NULL.)
        let table: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = environ
        guard var entry = table else { return result }
        while let pointer = entry.pointee {
            if let text = String(validatingCString: pointer), let equals = text.utf8.firstIndex(of: UInt8(ascii: "=")) {
                result[String(text[..<equals])] = String(text[text.utf8.index(after: equals)...])
            }
            entry += 1
        }
        return result
    }
}

/// Problems with the state directory. Exit code 1: the operation could not be done.
public enum StoreError: Error, Sendable, CustomStringConvertible, Equatable {
    /// A state file exists but cannot be read back: torn, edited by hand, truncated.
    case damaged(file: String, reason: String)
    /// A file or directory that is not ours where the state should be.
    case foreign(path: String, reason: String)
    /// The file system refused: permissions, disk full, …
    case io(path: String, reason: String)
    /// The operation conflicts with what is stored (already exists, immutable field, …).
    case conflict(String)

    public var description: String {
        switch self {
        case .damaged(let file, let reason):
            return "state file \(file) is damaged: \(reason); restore it from a backup, or start over with 'rollout cluster init' (which erases the cluster)"
        case .foreign(let path, let reason):
            return "\(path) is not a rollout state: \(reason); use --state with an empty or new directory"
        case .io(let path, let reason):
            return "\(path): \(reason)"
        case .conflict(let message):
            return message
        }
    }
}

/// `strerror` for the current `errno`.
func systemError() -> String {
    String(cString: strerror(errno))
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension StoreError {
    /// `Error from server (NotFound): deployments.apps "web" not found`.
    public static func notFound(_ type: ResourceType, _ name: String) -> StoreError {
        .conflict("Error from server (NotFound): \(type.qualifiedPlural) \"\(name)\" not found")
    }
}

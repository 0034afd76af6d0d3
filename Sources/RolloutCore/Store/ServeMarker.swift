#if canImport(Glibc)
import Glibc
#endif

/// `serve.json` in a state directory: written by `rollout serve` once it holds the writer
/// lock, removed when it stops. A command that would write the state while the lock is held
/// reads it to refuse with where the server is, instead of waiting for a server that does not
/// stop by itself. A marker left by a server that was killed is stale: the lock is free then,
/// and nobody reads it.
public enum ServeMarker {
    static let fileName = "serve.json"

    public static func write(_ directory: String, url: String, kubeconfig: String?) throws(StoreError) {
        var o = Object(["pid": .int(Int(getpid())), "url": .string(url)])
        if let kubeconfig { o["kubeconfig"] = .string(kubeconfig) }
        var bytes: [UInt8] = []
        try? JSONWriter.write(.object(o), style: .compact, into: &bytes)
        try FileIO.writeAtomically(bytes, to: "\(directory)/\(fileName)")
    }

    public static func remove(_ directory: String) {
        FileIO.remove("\(directory)/\(fileName)")
    }

    /// Throws when a live `rollout serve` holds the state.
    static func refuseIfServed(_ directory: String) throws(StoreError) {
        let path = "\(directory)/\(fileName)"
        guard FileIO.kind(path) == .regular, let bytes = try? FileIO.read(path), let value = try? JSONReader.parse(bytes),
              let pid = value["pid"]?.intValue, pid > 0, pid <= Int(Int32.max), kill(pid_t(pid), 0) == 0 || errno == EPERM else { return }
        let url = value["url"]?.stringValue ?? "?"
        let how = value["kubeconfig"]?.stringValue.map { "KUBECONFIG=\($0) kubectl …" } ?? "kubectl with a kubeconfig for \(url)"
        throw .conflict("the state \(directory) is served by `rollout serve` (pid \(pid)) at \(url); change it through the server (\(how)), or stop the server first")
    }
}

import Foundation
import RolloutCore

enum ServeCommand {
    static let help = """
    Serve the embedded cluster's Kubernetes API over HTTP, so that kubectl, scripts and client
    libraries work against it. While it runs, the cluster's clock follows the wall clock (times
    --speed) and the controllers act continuously; other rollout commands that would change the
    state are refused (reads still see the last commit, at most a second old). Ctrl-C or SIGTERM
    stops it with the state saved.

    Usage:
      rollout serve [--address 127.0.0.1] [--port 6443] [--speed X] [--token T] [--kubeconfig-out FILE] [options]

    Examples:
      # Serve on 127.0.0.1:6443 and write a kubeconfig for kubectl
      rollout serve --kubeconfig-out rollout.kubeconfig &
      KUBECONFIG=rollout.kubeconfig kubectl get pods

      # A minute of cluster time per second
      rollout serve --speed 60 --kubeconfig-out rollout.kubeconfig

    Options:
          --address=127.0.0.1  IPv4 address to listen on; one outside 127.0.0.0/8 needs --token
          --port=6443          Port to listen on (0: any free port, printed)
          --speed=1            The cluster's clock runs at X times the wall clock's speed
          --token=             Require `Authorization: Bearer TOKEN` on every request but health checks
          --kubeconfig-out=    Write a kubeconfig (context "rollout") for this server to FILE
          --traffic=0          Requests per second replayed through every Service with a ready
                               endpoint (and the Ingress rules in front of it); failures are
                               reported by GET /apis/rollout.dev/v1alpha1/traffic[?since=TIME]
                               (`kubectl get --raw`)
          --request-time=50ms  How long each replayed request takes, or a range (20ms-2s)
          --v=0                1: log one line per request to stderr

    """ + Global.helpText

    /// Set by SIGINT and SIGTERM.
    final class StopFlag: @unchecked Sendable {
        private let lock = NSLock()
        private var value = false
        func set() { lock.lock(); value = true; lock.unlock() }
        var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
    }

    /// The system's monotonic clock: the served cluster's one source of wall time.
    struct MonotonicClock: ServedClock {
        func seconds() -> Double {
            var ts = timespec()
            clock_gettime(CLOCK_MONOTONIC, &ts)
            return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
        }

        func unixTime() -> Double? {
            var ts = timespec()
            clock_gettime(CLOCK_REALTIME, &ts)
            return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
        }
    }

    static func run(_ args: [String], io: inout CommandIO) throws -> Int32 {
        let parsed = try Arguments(args, specs: Global.specs + [
            .init(names: ["--address"], takesValue: true),
            .init(names: ["--port"], takesValue: true),
            .init(names: ["--speed"], takesValue: true),
            .init(names: ["--token"], takesValue: true),
            .init(names: ["--kubeconfig-out"], takesValue: true),
            .init(names: ["-v", "--v"], takesValue: true),
            .init(names: ["--traffic"], takesValue: true),
            .init(names: ["--request-time"], takesValue: true),
        ])
        if parsed.flag("--help") { io.out(help + "\n"); return 0 }
        if let extra = parsed.positional.first { throw UsageError(message: "unexpected argument \"\(extra)\"") }
        let address = parsed.last("--address") ?? "127.0.0.1"
        let portText = parsed.last("--port") ?? "6443"
        guard let port = Int(portText), (0...65535).contains(port) else {
            throw UsageError(message: "invalid argument \"\(portText)\" for \"--port\" flag: expected a port from 0 to 65535")
        }
        let speedText = parsed.last("--speed") ?? "1"
        guard let speed = Double(speedText), speed > 0, speed.isFinite, speed <= 1_000_000 else {
            throw UsageError(message: "invalid argument \"\(speedText)\" for \"--speed\" flag: expected a positive number up to 1000000")
        }
        let token = parsed.last("--token")
        if let token, token.isEmpty || token.contains(where: { $0.isWhitespace || !$0.isASCII }) {
            throw UsageError(message: "invalid argument for \"--token\" flag: expected printable ASCII without spaces")
        }
        let verbosityText = parsed.last("--v") ?? "0"
        guard let verbosity = Int(verbosityText), verbosity >= 0 else {
            throw UsageError(message: "invalid argument \"\(verbosityText)\" for \"--v\" flag: expected a number")
        }
        guard HTTPServer.isLoopback(address) || token != nil else {
            throw UsageError(message: "refusing to serve on \(address) without --token: anyone who can reach it could change the cluster; give --token, or serve on 127.0.0.1")
        }
        let kubeconfigPath = parsed.last("--kubeconfig-out")
        if let kubeconfigPath, kubeconfigPath.isEmpty { throw UsageError(message: "flag needs an argument: --kubeconfig-out") }

        // Traffic is off unless asked for (`Global.trafficRate`'s default is for rollouts).
        let rps = parsed.last("--traffic") == nil ? 0 : try Global.trafficRate(parsed)
        let requestTime = try Global.requestTime(parsed)

        let store = try Global.openStore(parsed, writable: true)
        defer { store.close() }
        let served = try ServedCluster(store: store, speed: speed, clock: MonotonicClock(), traffic: rps, requestTime: requestTime)
        let logLock = NSLock()
        let server: HTTPServer
        // The API's answers name the address clients reach; set once the port is known.
        let api = APIHolder()
        do {
            server = try HTTPServer(address: address, port: port) { request in
                let start = MonotonicClock().seconds()
                let response = api.handle(request)
                if verbosity >= 1 {
                    let elapsed = (MonotonicClock().seconds() - start) * 1000
                    let agent = request.headers["user-agent"] ?? ""
                    logLock.lock()
                    FileHandle.standardError.write(Data(GoQuote.escapingControls(
                        "\(request.method) \(request.target) \(response.status) \(String(format: "%.1f", elapsed))ms \(agent)\n").utf8))
                    logLock.unlock()
                }
                return response
            }
        } catch let error as HTTPServer.StartError {
            throw CommandFailure(message: error.description)
        }
        let url = "http://\(address):\(server.port)"
        api.set(APIServer(cluster: served, token: token, serverAddress: "\(address):\(server.port)"))
        try ServeMarker.write(store.directory, url: url, kubeconfig: kubeconfigPath)
        defer { ServeMarker.remove(store.directory) }
        if let kubeconfigPath {
            try writeKubeconfig(kubeconfigPath, url: url, token: token)
        }
        let stop = StopFlag()
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        signal(SIGPIPE, SIG_IGN)
        var sources: [DispatchSourceSignal] = []
        for number in [SIGINT, SIGTERM] {
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { stop.set() }
            source.resume()
            sources.append(source)
        }
        server.start()
        io.out("Serving the cluster in \(store.directory) at \(url) (virtual time at \(speedText)× the wall clock)\n")
        if let kubeconfigPath { io.out("kubectl: KUBECONFIG=\(kubeconfigPath) kubectl get pods\n") }
        io.out("Stop with Ctrl-C.\n")
        io.flush()
        var failure: Error?
        while !stop.isSet {
            usleep(50_000)
            do { try served.tick() } catch {
                failure = error
                break
            }
        }
        server.stop()
        try served.stop()
        _ = sources
        if let failure { throw failure }
        io.out("Stopped; the state is saved.\n")
        return 0
    }

    /// The API server, set once its address is known (the handler exists before).
    final class APIHolder: @unchecked Sendable {
        private let lock = NSLock()
        private var server: APIServer?
        func set(_ server: APIServer) { lock.lock(); self.server = server; lock.unlock() }
        func handle(_ request: HTTPRequest) -> HTTPResponse {
            lock.lock()
            let server = self.server
            lock.unlock()
            guard let server else { return .text(503, "starting\n") }
            return server.handle(request)
        }
    }

    /// A kubeconfig with one cluster, user and context, all named `rollout` (mode 0600: it may
    /// hold the token).
    static func writeKubeconfig(_ path: String, url: String, token: String?) throws {
        let user = token.map { "\n    token: \($0)" } ?? " {}"
        let text = """
        apiVersion: v1
        kind: Config
        clusters:
        - name: rollout
          cluster:
            server: \(url)
        users:
        - name: rollout
          user:\(user)
        contexts:
        - name: rollout
          context:
            cluster: rollout
            user: rollout
            namespace: default
        current-context: rollout
        preferences: {}

        """
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw CommandFailure(message: "cannot write the kubeconfig \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        fchmod(fd, 0o600)
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { throw CommandFailure(message: "cannot write the kubeconfig \(path): \(String(cString: strerror(errno)))") }
            offset += n
        }
    }
}

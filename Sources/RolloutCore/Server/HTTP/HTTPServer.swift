import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A small HTTP/1.1 server on the system's sockets: one thread accepts, one thread per
/// connection reads requests (keep-alive), hands each to the handler and writes its response,
/// whole or chunked. A malformed request gets its 4xx and the connection is closed; a client
/// that sends nothing for `idleTimeout` seconds, or takes longer than `requestTimeout` to
/// send a request, is dropped; a failed write ends only its own connection. Nothing a peer
/// sends stops the server.
public final class HTTPServer: @unchecked Sendable {
    public typealias Handler = @Sendable (HTTPRequest) -> HTTPResponse

    public struct Options: Sendable {
        /// Seconds a kept-alive connection may wait for its next request.
        public var idleTimeout: Int = 120
        /// Seconds a client has to send one whole request once it started.
        public var requestTimeout: Int = 60
        /// Connections served at once; more are answered 503 and closed.
        public var maxConnections: Int = 1024
        public var maxBodyBytes: Int = HTTPRequestParser.maxBodyBytes
        public init() {}
    }

    public enum StartError: Error, CustomStringConvertible {
        case address(String)
        case socket(String)

        public var description: String {
            switch self {
            case .address(let message), .socket(let message): return message
            }
        }
    }

    /// The port listened on (the one the system chose when 0 was asked for).
    public let port: Int
    public let address: String
    private let listener: Int32
    private let handler: Handler
    private let options: Options
    private let lock = NSLock()
    private var connections: Set<Int32> = []
    private var stopped = false

    public init(address: String, port: Int, options: Options = Options(), handler: @escaping Handler) throws {
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(clamping: port)).bigEndian
        guard (0...65535).contains(port) else { throw StartError.address("invalid port \(port): expected 0 to 65535") }
        guard inet_pton(AF_INET, address, &addr.sin_addr) == 1 else {
            throw StartError.address("invalid address \"\(address)\": expected an IPv4 address such as 127.0.0.1")
        }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw StartError.socket("cannot open a socket: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 128) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw StartError.socket("cannot listen on \(address):\(port): \(reason)")
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.port = Int(UInt16(bigEndian: actual.sin_port))
        self.address = address
        listener = fd
        self.handler = handler
        self.options = options
    }

    /// Whether an IPv4 address is a loopback one (127.0.0.0/8).
    public static func isLoopback(_ address: String) -> Bool {
        var addr = in_addr()
        guard inet_pton(AF_INET, address, &addr) == 1 else { return false }
        return UInt32(bigEndian: addr.s_addr) >> 24 == 127
    }

    /// Starts accepting on a thread of its own.
    public func start() {
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    /// Stops accepting and closes every connection.
    public func stop() {
        lock.lock()
        stopped = true
        let open = connections
        connections = []
        lock.unlock()
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        for fd in open { shutdown(fd, Int32(SHUT_RDWR)) }
    }

    private func acceptLoop() {
        while true {
            let fd = accept(listener, nil, nil)
            if fd < 0 {
                if errno == EINTR || errno == ECONNABORTED || errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM {
                    lock.lock(); let done = stopped; lock.unlock()
                    if done { return }
                    if errno != EINTR && errno != ECONNABORTED { usleep(10_000) }
                    continue
                }
                return
            }
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            lock.lock()
            let refused = stopped || connections.count >= options.maxConnections
            if !refused { connections.insert(fd) }
            lock.unlock()
            var one: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            if refused {
                let response = HTTPResponse.text(503, "too many connections\n")
                _ = Connection(fd: fd).send(response.head(keepAlive: false) + Self.bytes(of: response))
                close(fd)
                continue
            }
            Thread.detachNewThread { [self] in
                serve(Connection(fd: fd))
                lock.lock()
                connections.remove(fd)
                lock.unlock()
                close(fd)
            }
        }
    }

    private static func bytes(of response: HTTPResponse) -> [UInt8] {
        if case .bytes(let bytes) = response.body { return bytes }
        return []
    }

    private func serve(_ connection: Connection) {
        let parser = HTTPRequestParser(maxBodyBytes: options.maxBodyBytes)
        var buffer: [UInt8] = []
        // Where the search for the end of the header fields goes on from.
        var scanned = 0
        var started: Double?
        // Whether this request's `100 Continue` went out.
        var continued = false
        while true {
            // Bytes already here may hold the next request (pipelining).
            var result = HTTPRequestParser.Result.incomplete
            if let end = HTTPRequestParser.find([13, 10, 13, 10], in: buffer, from: max(0, scanned - 3)) {
                result = parser.parse(buffer)
                // `Expect: 100-continue` (RFC 9110 §10.1.1, curl's habit for larger bodies): the
                // client waits for a go-ahead before it sends the body.
                if case .incomplete = result, !continued,
                   String(decoding: buffer[..<end], as: UTF8.self).lowercased().contains("\r\nexpect: 100-continue") {
                    continued = true
                    guard connection.send(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)) else { return }
                }
            } else {
                scanned = buffer.count
                if buffer.count > HTTPRequestParser.maxHeaderBytes { result = parser.parse(buffer) }
            }
            switch result {
            case .failure(let status, let message):
                let response = HTTPResponse.text(status, message + "\n")
                _ = connection.send(response.head(keepAlive: false) + Self.bytes(of: response))
                return
            case .request(let request, let consumed):
                buffer.removeFirst(consumed)
                scanned = 0
                started = nil
                continued = false
                let response = handler(request)
                let keepAlive = request.keepAlive && !isStopped
                if request.method == "HEAD", case .bytes = response.body {
                    guard connection.send(response.head(keepAlive: keepAlive)) else { return }
                } else {
                    switch response.body {
                    case .bytes(let bytes):
                        guard connection.send(response.head(keepAlive: keepAlive) + bytes) else { return }
                    case .stream(let body):
                        guard connection.send(response.head(keepAlive: false)) else { return }
                        let writer = ChunkWriter(connection: connection)
                        body(writer)
                        _ = connection.send(Array("0\r\n\r\n".utf8))
                        return
                    }
                }
                if !keepAlive { return }
                continue
            case .incomplete:
                break
            }
            // Wait for more: the idle limit between requests, the request limit within one.
            let now = Self.monotonicSeconds()
            if !buffer.isEmpty && started == nil { started = now }
            let limit = started.map { max(0.001, Double(options.requestTimeout) - (now - $0)) } ?? Double(options.idleTimeout)
            guard let received = connection.receive(timeout: limit) else {
                if let started, Self.monotonicSeconds() - started >= Double(options.requestTimeout) {
                    let response = HTTPResponse.text(408, "request timeout\n")
                    _ = connection.send(response.head(keepAlive: false) + Self.bytes(of: response))
                }
                return
            }
            if started == nil { started = Self.monotonicSeconds() }
            buffer += received
        }
    }

    private var isStopped: Bool {
        lock.lock(); defer { lock.unlock() }
        return stopped
    }

    static func monotonicSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// One accepted socket.
    final class Connection: @unchecked Sendable {
        let fd: Int32
        private let writeLock = NSLock()

        init(fd: Int32) { self.fd = fd }

        /// Up to 64 KiB, or nil when the peer closed, an error happened, or `timeout` passed.
        func receive(timeout: Double) -> [UInt8]? {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(min(timeout * 1000, 86_400_000)))
            guard ready > 0 else { return nil }
            var bytes = [UInt8](repeating: 0, count: 65536)
            let n = bytes.withUnsafeMutableBytes { Glibc.recv(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { return nil }
            bytes.removeSubrange(n...)
            return bytes
        }

        /// All of `bytes`, or false when the peer is gone or stops reading for 30 s.
        func send(_ bytes: [UInt8]) -> Bool {
            writeLock.lock(); defer { writeLock.unlock() }
            var sent = 0
            while sent < bytes.count {
                var poller = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                guard poll(&poller, 1, 30_000) > 0 else { return false }
                let n = bytes.withUnsafeBytes { buffer -> Int in
                    guard let base = buffer.baseAddress else { return 0 }
                    return Glibc.send(fd, base + sent, buffer.count - sent, Int32(MSG_NOSIGNAL))
                }
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { return false }
                sent += n
            }
            return true
        }
    }

    struct ChunkWriter: HTTPChunkWriter {
        let connection: Connection
        func write(_ bytes: [UInt8]) -> Bool {
            guard !bytes.isEmpty else { return true }
            return connection.send(Array((String(bytes.count, radix: 16) + "\r\n").utf8) + bytes + [13, 10])
        }
    }
}

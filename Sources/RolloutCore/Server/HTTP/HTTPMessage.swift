/// An HTTP/1.1 request as `rollout serve` reads it (RFC 9112): the method, the target split
/// into a percent-decoded path and query, the header fields, and the whole body.
public struct HTTPRequest: Sendable {
    public var method: String
    /// The request-target as sent (`/api/v1/pods?limit=500`).
    public var target: String
    /// The target's path, percent-decoded.
    public var path: String
    /// The query's parameters in order, percent-decoded (`+` is a space, as Go's
    /// `url.ParseQuery` reads it).
    public var query: [(name: String, value: String)]
    /// `HTTP/1.1` or `HTTP/1.0`.
    public var version: String
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(method: String, target: String, version: String = "HTTP/1.1", headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.body = body
        let question = target.firstIndex(of: "?")
        path = HTTPRequest.percentDecoded(String(target[..<(question ?? target.endIndex)]), plusIsSpace: false) ?? ""
        query = question.map { HTTPRequest.parseQuery(String(target[target.index(after: $0)...])) } ?? []
    }

    /// The last value of a query parameter.
    public func parameter(_ name: String) -> String? {
        query.last { $0.name == name }?.value
    }

    /// Whether the connection stays open after the response: HTTP/1.1 unless `Connection:
    /// close`, HTTP/1.0 only with `Connection: keep-alive`.
    public var keepAlive: Bool {
        let connection = headers["connection"]?.lowercased() ?? ""
        let tokens = connection.split(separator: ",").map { $0.trimmed(of: " \t") }
        if version == "HTTP/1.0" { return tokens.contains("keep-alive") }
        return !tokens.contains("close")
    }

    static func parseQuery(_ text: String) -> [(name: String, value: String)] {
        text.split(separator: "&", omittingEmptySubsequences: true).compactMap { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = percentDecoded(String(parts[0]), plusIsSpace: true) else { return nil }
            let value = parts.count > 1 ? percentDecoded(String(parts[1]), plusIsSpace: true) : ""
            guard let value else { return nil }
            return (name, value)
        }
    }

    /// `%XX` escapes decoded; nil when an escape is malformed or the result is not UTF-8.
    static func percentDecoded(_ text: String, plusIsSpace: Bool) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
                bytes.append(high << 4 | low)
            case UInt8(ascii: "+") where plusIsSpace: bytes.append(UInt8(ascii: " "))
            default: bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

/// Header fields in the order received; names compare without regard to case.
public struct HTTPHeaders: Sendable {
    public var fields: [(name: String, value: String)] = []

    public init(_ fields: [(name: String, value: String)] = []) { self.fields = fields }

    /// The field's value; several fields of one name are joined with ", " (RFC 9110 §5.3).
    public subscript(name: String) -> String? {
        let lower = name.lowercased()
        let values = fields.filter { $0.name.lowercased() == lower }.map(\.value)
        return values.isEmpty ? nil : values.joined(separator: ", ")
    }
}

/// A response: a whole body, or a stream of chunks written as they come (a watch).
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: Body

    public enum Body: Sendable {
        case bytes([UInt8])
        /// Sent with `Transfer-Encoding: chunked`: the closure writes chunks until it returns
        /// (or a write fails because the client went away).
        case stream(@Sendable (HTTPChunkWriter) -> Void)
    }

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = .bytes(body)
    }

    public init(status: Int, headers: [(name: String, value: String)] = [], stream: @escaping @Sendable (HTTPChunkWriter) -> Void) {
        self.status = status
        self.headers = headers
        body = .stream(stream)
    }

    /// A plain-text response, as the API server answers `/healthz`.
    public static func text(_ status: Int, _ text: String) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", "text/plain; charset=utf-8"), ("X-Content-Type-Options", "nosniff")], body: Array(text.utf8))
    }

    public static func reason(_ status: Int) -> String {
        switch status {
        case 100: return "Continue"
        case 200: return "OK"
        case 201: return "Created"
        case 202: return "Accepted"
        case 204: return "No Content"
        case 304: return "Not Modified"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 406: return "Not Acceptable"
        case 408: return "Request Timeout"
        case 409: return "Conflict"
        case 410: return "Gone"
        case 411: return "Length Required"
        case 413: return "Request Entity Too Large"
        case 415: return "Unsupported Media Type"
        case 422: return "Unprocessable Entity"
        case 429: return "Too Many Requests"
        case 431: return "Request Header Fields Too Large"
        case 500: return "Internal Server Error"
        case 501: return "Not Implemented"
        case 503: return "Service Unavailable"
        case 505: return "HTTP Version Not Supported"
        default: return "Status \(status)"
        }
    }

    /// The status line and header fields, `Content-Length` or `Transfer-Encoding` added.
    func head(keepAlive: Bool) -> [UInt8] {
        var text = "HTTP/1.1 \(status) \(HTTPResponse.reason(status))\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        switch body {
        case .bytes(let bytes): text += "Content-Length: \(bytes.count)\r\n"
        case .stream: text += "Transfer-Encoding: chunked\r\n"
        }
        if !keepAlive { text += "Connection: close\r\n" }
        text += "\r\n"
        return Array(text.utf8)
    }
}

/// Where a streamed response's chunks go. `write` returns false once the client is gone.
public protocol HTTPChunkWriter: Sendable {
    func write(_ bytes: [UInt8]) -> Bool
}

/// Reads requests out of the bytes a connection received (RFC 9112 §2–§7): a request line, header
/// fields, and a body framed by `Content-Length` or chunked. Limits as the API server's: header
/// fields up to `maxHeaderBytes`, a body up to `maxBodyBytes` (`MaxRequestBodyBytes`, 3 MiB).
public struct HTTPRequestParser {
    public static let maxHeaderBytes = 1 << 20
    public static let maxBodyBytes = 3 * 1024 * 1024

    public enum Result {
        /// More bytes are needed.
        case incomplete
        /// A request, and how many bytes of the buffer it took.
        case request(HTTPRequest, consumed: Int)
        /// The bytes cannot be a request: answer with this status and close.
        case failure(status: Int, message: String)
    }

    public var maxBodyBytes: Int

    public init(maxBodyBytes: Int = HTTPRequestParser.maxBodyBytes) {
        self.maxBodyBytes = maxBodyBytes
    }

    public func parse(_ buffer: [UInt8]) -> Result {
        // Leading empty lines before a request line are ignored (RFC 9112 §2.2).
        var start = 0
        while start + 1 < buffer.count && buffer[start] == 13 && buffer[start + 1] == 10 { start += 2 }
        guard let headEnd = Self.find([13, 10, 13, 10], in: buffer, from: start) else {
            if buffer.count - start > Self.maxHeaderBytes { return .failure(status: 431, message: "request header fields too large") }
            return .incomplete
        }
        if headEnd - start > Self.maxHeaderBytes { return .failure(status: 431, message: "request header fields too large") }
        guard let head = String(validating: buffer[start..<headEnd], as: UTF8.self) else {
            return .failure(status: 400, message: "the request line and header fields are not UTF-8")
        }
        var lines = head.split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init)
        let requestLine = lines.removeFirst()
        let parts = requestLine.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, !parts[0].isEmpty, parts[0].allSatisfy({ $0.isLetter && $0.isUppercase }),
              parts[1].hasPrefix("/") || parts[1] == "*" || parts[1].hasPrefix("http") else {
            return .failure(status: 400, message: "malformed request line")
        }
        guard parts[2] == "HTTP/1.1" || parts[2] == "HTTP/1.0" else {
            return .failure(status: parts[2].hasPrefix("HTTP/") ? 505 : 400, message: "unsupported protocol \(parts[2])")
        }
        var headers = HTTPHeaders()
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { return .failure(status: 400, message: "malformed header field") }
            let name = String(line[..<colon])
            // No whitespace before the colon, no obsolete line folding (RFC 9112 §5.1, §5.2).
            guard !name.isEmpty, name.allSatisfy({ $0.isASCII && !$0.isWhitespace && $0 != "\"" }) else {
                return .failure(status: 400, message: "malformed header field")
            }
            headers.fields.append((name, line[line.index(after: colon)...].trimmed(of: " \t")))
        }
        // An absolute-form target (a proxy's) is read for its path.
        var target = parts[1]
        if let scheme = target.range(of: "://"), target.hasPrefix("http") {
            let afterScheme = target[scheme.upperBound...]
            target = afterScheme.firstIndex(of: "/").map { String(afterScheme[$0...]) } ?? "/"
        }
        let bodyStart = headEnd + 4
        let transferEncoding = headers["transfer-encoding"]?.lowercased()
        var request = HTTPRequest(method: parts[0], target: target, version: parts[2], headers: headers)
        if let transferEncoding {
            guard transferEncoding.split(separator: ",").last?.trimmed(of: " \t") == "chunked" else {
                return .failure(status: 501, message: "unsupported transfer coding \(transferEncoding)")
            }
            switch Self.chunkedBody(buffer, from: bodyStart, limit: maxBodyBytes) {
            case .incomplete: return .incomplete
            case .failure(let status, let message): return .failure(status: status, message: message)
            case .body(let body, let end):
                request.body = body
                return .request(request, consumed: end)
            }
        }
        var length = 0
        if let text = headers["content-length"] {
            // Several equal values are one (RFC 9110 §8.6); anything else is refused.
            let values = Set(text.split(separator: ",").map { $0.trimmed(of: " \t") })
            guard values.count == 1, let value = values.first, !value.isEmpty, value.allSatisfy(\.isASCII), value.allSatisfy(\.isNumber),
                  value.count <= 18, let n = Int(value) else {
                return .failure(status: 400, message: "malformed Content-Length")
            }
            length = n
        }
        if length > maxBodyBytes { return .failure(status: 413, message: "Request entity too large: limit is \(maxBodyBytes)") }
        guard buffer.count - bodyStart >= length else { return .incomplete }
        request.body = Array(buffer[bodyStart..<bodyStart + length])
        return .request(request, consumed: bodyStart + length)
    }

    private enum Chunked {
        case incomplete
        case failure(Int, String)
        case body([UInt8], end: Int)
    }

    /// A chunked body: `size[;ext] CRLF data CRLF` … `0 CRLF` trailer fields `CRLF`.
    private static func chunkedBody(_ buffer: [UInt8], from start: Int, limit: Int) -> Chunked {
        var body: [UInt8] = []
        var at = start
        while true {
            guard let lineEnd = find([13, 10], in: buffer, from: at) else {
                return buffer.count - at > 4096 ? .failure(400, "malformed chunk size") : .incomplete
            }
            var size = 0
            var digits = 0
            for byte in buffer[at..<lineEnd] {
                if byte == UInt8(ascii: ";") || byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") { break }
                guard let digit = HTTPRequest.hexValue(byte), digits < 15 else { return .failure(400, "malformed chunk size") }
                size = size << 4 | Int(digit)
                digits += 1
            }
            guard digits > 0 else { return .failure(400, "malformed chunk size") }
            at = lineEnd + 2
            if size == 0 {
                // Trailer fields, up to an empty line.
                while true {
                    guard let end = find([13, 10], in: buffer, from: at) else { return .incomplete }
                    if end == at { return .body(body, end: end + 2) }
                    at = end + 2
                }
            }
            if body.count + size > limit { return .failure(413, "Request entity too large: limit is \(limit)") }
            guard buffer.count >= at + size + 2 else { return .incomplete }
            guard buffer[at + size] == 13, buffer[at + size + 1] == 10 else { return .failure(400, "malformed chunk") }
            body += buffer[at..<at + size]
            at += size + 2
        }
    }

    static func find(_ needle: [UInt8], in buffer: [UInt8], from start: Int) -> Int? {
        guard needle.count > 0, buffer.count >= needle.count, start <= buffer.count - needle.count else { return nil }
        var i = start
        let last = buffer.count - needle.count
        while i <= last {
            if buffer[i] == needle[0] {
                var match = true
                for j in 1..<needle.count where buffer[i + j] != needle[j] { match = false; break }
                if match { return i }
            }
            i += 1
        }
        return nil
    }
}

extension String {
    /// Without these characters at either end.
    func trimmed(of characters: String) -> String {
        let set = Set(characters)
        var view = Substring(self)
        while let first = view.first, set.contains(first) { view = view.dropFirst() }
        while let last = view.last, set.contains(last) { view = view.dropLast() }
        return String(view)
    }
}

extension Substring {
    func trimmed(of characters: String) -> String { String(self).trimmed(of: characters) }
}

import XCTest
@testable import RolloutCore

/// The HTTP/1.1 reader of `rollout serve` (RFC 9112) and the API's request paths
/// (`k8s.io/apiserver/pkg/endpoints/request/requestinfo.go`, `NewRequestInfo`).
final class ServeHTTPTests: XCTestCase {
    private func parse(_ text: String, maxBody: Int = HTTPRequestParser.maxBodyBytes) -> HTTPRequestParser.Result {
        HTTPRequestParser(maxBodyBytes: maxBody).parse(Array(text.utf8))
    }

    func testRequestsAreReadWholeOrWaitedFor() throws {
        let getText = "GET /api/v1/namespaces/default/pods?limit=500&labelSelector=app%3Dweb%2Ctier+in+(a) HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\n\r\n"
        guard case .request(let get, let consumed) = parse(getText + "GET /next") else {
            return XCTFail("a whole GET is one request")
        }
        XCTAssertEqual(get.method, "GET")
        XCTAssertEqual(get.path, "/api/v1/namespaces/default/pods")
        XCTAssertEqual(get.parameter("limit"), "500")
        // url.ParseQuery: %XX decoded, + is a space.
        XCTAssertEqual(get.parameter("labelSelector"), "app=web,tier in (a)")
        XCTAssertEqual(get.headers["ACCEPT"], "application/json")
        XCTAssertTrue(get.keepAlive)
        XCTAssertEqual(consumed, getText.utf8.count, "the next request's bytes are left")

        // Not all here yet: the head, then the body.
        guard case .incomplete = parse("GET / HTTP/1.1\r\nHost: x\r\n") else { return XCTFail("half a head waits") }
        guard case .incomplete = parse("POST /api/v1/namespaces HTTP/1.1\r\nContent-Length: 10\r\n\r\n{\"a\":") else { return XCTFail("half a body waits") }
        guard case .request(let post, _) = parse("POST /x HTTP/1.1\r\nContent-Length: 7\r\n\r\n{\"a\":1}GET") else { return XCTFail("a body by length") }
        XCTAssertEqual(String(decoding: post.body, as: UTF8.self), "{\"a\":1}")

        // Chunked, with an extension and a trailer.
        let chunkedText = "PUT /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n4;x=y\r\n{\"a\"\r\n3\r\n:1}\r\n0\r\nT: v\r\n\r\n"
        guard case .request(let chunked, let used) = parse(chunkedText + "GET") else {
            return XCTFail("a chunked body")
        }
        XCTAssertEqual(String(decoding: chunked.body, as: UTF8.self), "{\"a\":1}")
        XCTAssertEqual(used, chunkedText.utf8.count)

        // HTTP/1.0 closes unless asked not to; HTTP/1.1 closes when asked.
        guard case .request(let old, _) = parse("GET / HTTP/1.0\r\n\r\n"), case .request(let closing, _) = parse("GET / HTTP/1.1\r\nConnection: close\r\n\r\n") else {
            return XCTFail("simple GETs")
        }
        XCTAssertFalse(old.keepAlive)
        XCTAssertFalse(closing.keepAlive)
    }

    func testBadRequestsGetTheirStatus() {
        let cases: [(String, Int, String)] = [
            ("GARBAGE\r\n\r\n", 400, "no method, target and version"),
            ("GET /x HTTP/2.0\r\n\r\n", 505, "another HTTP version"),
            ("GET /x HTTP/1.1\r\nNo colon here\r\n\r\n", 400, "a header line without a colon"),
            ("GET /x HTTP/1.1\r\nBad Name: v\r\n\r\n", 400, "a space in a field name"),
            ("POST /x HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400, "a negative length"),
            ("POST /x HTTP/1.1\r\nContent-Length: 5, 6\r\n\r\n", 400, "two lengths"),
            ("POST /x HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n", 413, "a body over the limit"),
            ("POST /x HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", 501, "a coding we do not read"),
            ("POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400, "a chunk size that is not hex"),
        ]
        for (text, status, why) in cases {
            guard case .failure(let got, _) = parse(text, maxBody: 1000) else { XCTFail("\(why): not refused"); continue }
            XCTAssertEqual(got, status, why)
        }
        guard case .failure(413, _) = parse("POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n800\r\n", maxBody: 1000) else {
            return XCTFail("a chunk over the limit is refused before it arrives")
        }
        let huge = "GET /x HTTP/1.1\r\nX: " + String(repeating: "a", count: HTTPRequestParser.maxHeaderBytes + 1)
        guard case .failure(431, _) = parse(huge) else { return XCTFail("header fields over the limit") }
    }

    /// `NewRequestInfo`: the verb from the method and whether a name is given, the namespace
    /// from `namespaces/NS/…`, and a namespace's own subresources (`status`, `finalize`).
    func testRequestPathsAreReadAsTheAPIServerReadsThem() {
        typealias Info = APIRequestInfo
        let cases: [(String, String, String?, Info?)] = [
            ("GET", "/api/v1/pods", nil, Info(verb: "list", group: "", version: "v1", namespace: nil, resource: "pods", name: nil, subresource: nil)),
            ("GET", "/api/v1/namespaces/ns/pods", "true", Info(verb: "watch", group: "", version: "v1", namespace: "ns", resource: "pods", name: nil, subresource: nil)),
            ("GET", "/api/v1/watch/namespaces/ns/pods", nil, Info(verb: "watch", group: "", version: "v1", namespace: "ns", resource: "pods", name: nil, subresource: nil)),
            ("GET", "/apis/apps/v1/namespaces/ns/deployments/web", nil, Info(verb: "get", group: "apps", version: "v1", namespace: "ns", resource: "deployments", name: "web", subresource: nil)),
            ("PUT", "/apis/apps/v1/namespaces/ns/deployments/web/scale", nil, Info(verb: "update", group: "apps", version: "v1", namespace: "ns", resource: "deployments", name: "web", subresource: "scale")),
            ("DELETE", "/api/v1/namespaces/ns/pods", nil, Info(verb: "deletecollection", group: "", version: "v1", namespace: "ns", resource: "pods", name: nil, subresource: nil)),
            ("GET", "/api/v1/namespaces", nil, Info(verb: "list", group: "", version: "v1", namespace: nil, resource: "namespaces", name: nil, subresource: nil)),
            ("GET", "/api/v1/namespaces/ns", nil, Info(verb: "get", group: "", version: "v1", namespace: nil, resource: "namespaces", name: "ns", subresource: nil)),
            ("PUT", "/api/v1/namespaces/ns/finalize", nil, Info(verb: "update", group: "", version: "v1", namespace: nil, resource: "namespaces", name: "ns", subresource: "finalize")),
            ("PATCH", "/api/v1/nodes/n1/status", nil, Info(verb: "patch", group: "", version: "v1", namespace: nil, resource: "nodes", name: "n1", subresource: "status")),
            ("GET", "/api/v1", nil, nil),
            ("GET", "/apis/apps", nil, nil),
            ("GET", "/version", nil, nil),
        ]
        for (method, path, watch, expected) in cases {
            XCTAssertEqual(APIRequestInfo.parse(method: method, path: path, watchParameter: watch), expected, "\(method) \(path)")
        }
    }

    /// `fields.ParseSelector`: `=`, `==`, `!=`, escapes; and only the indexed fields.
    func testFieldSelectors() throws {
        let selector = try FieldSelector.parse("spec.nodeName=node-1,status.phase!=Failed,metadata.name==a\\,b")
        XCTAssertEqual(selector.terms, [
            .init(field: "spec.nodeName", value: "node-1", equals: true),
            .init(field: "status.phase", value: "Failed", equals: false),
            .init(field: "metadata.name", value: "a,b", equals: true),
        ])
        let pod = Resource(Object(["apiVersion": .string("v1"), "kind": .string("Pod"),
                                   "metadata": .object(Object(["name": .string("a,b"), "namespace": .string("default")])),
                                   "spec": .object(Object(["nodeName": .string("node-1")])),
                                   "status": .object(Object(["phase": .string("Running")]))]))
        XCTAssertTrue(selector.matches(pod))
        XCTAssertFalse(try FieldSelector.parse("spec.nodeName=node-2").matches(pod))
        XCTAssertEqual(try FieldSelector.parse("spec.hostNetwork=false").matches(pod), true, "an absent boolean is false")
        XCTAssertNil(selector.unsupportedField(for: pod.type))
        XCTAssertEqual(try FieldSelector.parse("spec.containers=x").unsupportedField(for: pod.type), "spec.containers")
        XCTAssertThrowsError(try FieldSelector.parse("novalue"))
    }

    func testBase64RoundTripsAndRefusesWhatIsNotBase64() {
        for text in ["", "a", "ab", "abc", "abcd", "default\u{0}web-1"] {
            XCTAssertEqual(Base64.decode(Base64.encode(Array(text.utf8))), Array(text.utf8))
        }
        XCTAssertNil(Base64.decode("abc"))
        XCTAssertNil(Base64.decode("ab=c"))
        XCTAssertNil(Base64.decode("a===" ))
        XCTAssertNil(Base64.decode("ab!d"))
    }

    /// A protobuf body that is cut short or malformed anywhere is refused, never read past its
    /// end: every prefix of a real body, and bytes flipped in it.
    func testProtobufBodiesThatCannotBeReadAreRefused() throws {
        // kubectl create configmap settings --from-literal=a=1: the envelope, TypeMeta, and a
        // ConfigMap of metadata.name and one data entry.
        func field(_ number: Int, _ bytes: [UInt8]) -> [UInt8] { [UInt8(number << 3 | 2), UInt8(bytes.count)] + bytes }
        let typeMeta = field(1, Array("v1".utf8)) + field(2, Array("ConfigMap".utf8))
        let configMap = field(1, field(1, Array("settings".utf8))) + field(2, field(1, Array("a".utf8)) + field(2, Array("1".utf8)))
        let body = Protobuf.magic + field(1, typeMeta) + field(2, configMap)
        XCTAssertEqual(try Protobuf.decode(body), .object(Object([
            "apiVersion": .string("v1"), "kind": .string("ConfigMap"),
            "metadata": .object(Object(["name": .string("settings")])), "data": .object(Object(["a": .string("1")])),
        ])))
        for cut in Protobuf.magic.count..<body.count - 1 {
            if let value = try? Protobuf.decode(Array(body.prefix(cut))) {
                // A prefix that ends between fields is a smaller object, never more.
                XCTAssertNotEqual(value["data"], .object(Object(["a": .string("1")])), "cut at \(cut)")
            }
        }
        for i in Protobuf.magic.count..<body.count {
            for flip: UInt8 in [0x80, 0xFF, 0x07] {
                var damaged = body
                damaged[i] ^= flip
                _ = try? Protobuf.decode(damaged)
            }
        }
        XCTAssertThrowsError(try Protobuf.decode(Array("k8s".utf8)))
    }
}

import XCTest
@testable import RolloutCore

/// Issue 14: `JSONReader` reads an EndpointSlice's endpoint and an Endpoints' address written
/// as the controllers write them (`EndpointSliceController.endpoint(for:ip:publishNotReady:)`,
/// `EndpointsController.address(for:ip:)`) without its general path — into the same value,
/// the conditions being one of the eight the controller shares — and `JSONWriter` writes them
/// with their keys as literal text, the same bytes. Any other text or value takes the general
/// paths as before, errors included. That the reader's quick path was taken shows in the
/// conditions: shared (`Conditions(sharing:)` knows them) only when it was.
final class ControllerEndpointTextTests: XCTestCase {
    private static func ref(_ name: String, _ namespace: String = "default", uid: String = "71167648-2e2e-430e-81db-914ba6a9b15c") -> Value {
        .object(Object([Object.Member(key: "kind", value: .string("Pod")), Object.Member(key: "name", value: .string(name)),
                        Object.Member(key: "namespace", value: .string(namespace)), Object.Member(key: "uid", value: .string(uid))]))
    }

    private static func conditions(_ ready: Bool, _ serving: Bool, _ terminating: Bool) -> Value {
        .object(Object([Object.Member(key: "ready", value: .bool(ready)), Object.Member(key: "serving", value: .bool(serving)),
                        Object.Member(key: "terminating", value: .bool(terminating))]))
    }

    private static func endpoint(ip: String, conditions: Value, node: String?, ref: Value) -> Value {
        var members = [Object.Member(key: "addresses", value: .array([.string(ip)])), Object.Member(key: "conditions", value: conditions)]
        if let node { members.append(Object.Member(key: "nodeName", value: .string(node))) }
        members.append(Object.Member(key: "targetRef", value: ref))
        return .object(Object(members))
    }

    /// The items of a parsed list, and whether each one's conditions are the controller's
    /// shared value (nil for an item without conditions).
    private func read(_ text: String) throws -> (items: [Value], shared: [Bool?]) {
        guard case .array(let items) = try JSONReader.parse(text) else {
            XCTFail("not a list: \(text)")
            return ([], [])
        }
        let shared = items.map { item -> Bool? in
            guard case .object(let c)? = item["conditions"] else { return nil }
            return EndpointSliceController.Conditions(sharing: c) != nil
        }
        return (items, shared)
    }

    /// Every endpoint the controller writes — the eight conditions, with and without a node —
    /// is read into the value written, conditions shared; so is an Endpoints' address.
    func testEndpointsAsTheControllersWriteThemAreReadIntoTheSameValues() throws {
        for bits in UInt8(0)..<8 {
            let c = EndpointSliceController.Conditions(bits: bits)
            for node in [nil, "node-56"] as [String?] {
                let written = Self.endpoint(ip: "10.42.55.10", conditions: Self.conditions(c.ready, c.serving, c.terminating), node: node,
                                            ref: Self.ref("big-545fb8b5c4-5hs55"))
                var bytes: [UInt8] = []
                try JSONWriter.write(.array([written, written]), style: .compact, into: &bytes)
                let (items, shared) = try read(String(decoding: bytes, as: UTF8.self))
                XCTAssertEqual(items, [written, written], "bits \(bits), node \(node ?? "none")")
                XCTAssertEqual(shared, [true, true], "bits \(bits), node \(node ?? "none"): the quick path was not taken")
            }
        }
        let address = Value.object(Object([Object.Member(key: "ip", value: .string("10.42.0.10")), Object.Member(key: "nodeName", value: .string("node-1")),
                                           Object.Member(key: "targetRef", value: Self.ref("big-545fb8b5c4-5d2bq"))]))
        var bytes: [UInt8] = []
        try JSONWriter.write(.array([address]), style: .compact, into: &bytes)
        XCTAssertEqual(try JSONReader.parse(bytes), .array([address]))
    }

    /// Escapes in the strings (a quote, `\u` escapes, U+2028 as the writer escapes it) are read
    /// as the general path reads them, on the quick path all the same.
    func testEscapedStringsAreReadAsTheGeneralPathReadsThem() throws {
        let text = #"[{"addresses":["10.0.0.1"],"conditions":{"ready":false,"serving":true,"terminating":true},"nodeName":"n\u00e9\"1","targetRef":{"kind":"Pod","name":"a\u2028b","namespace":"ns\\x","uid":"\ud83d\ude00"}}]"#
        let (items, shared) = try read(text)
        XCTAssertEqual(items, [Self.endpoint(ip: "10.0.0.1", conditions: Self.conditions(false, true, true), node: "né\"1",
                                             ref: Self.ref("a\u{2028}b", "ns\\x", uid: "😀"))])
        XCTAssertEqual(shared, [true])
    }

    /// Text in any other form — whitespace, other key orders, more or fewer members, other
    /// values — is read by the general path, into what it says.
    func testOtherFormsAreReadByTheGeneralPath() throws {
        let ref = #"{"kind":"Pod","name":"p","namespace":"d","uid":"u"}"#
        let cases: [(String, Value)] = [
            (#"{"addresses": ["1.1.1.1"],"conditions":{"ready":true,"serving":true,"terminating":false},"targetRef":\#(ref)}"#,
             Self.endpoint(ip: "1.1.1.1", conditions: Self.conditions(true, true, false), node: nil, ref: Self.ref("p", "d", uid: "u"))),
            (#"{"addresses":["1.1.1.1","1.1.1.2"],"conditions":{"ready":true,"serving":true,"terminating":false},"targetRef":\#(ref)}"#,
             .object(Object([Object.Member(key: "addresses", value: .array([.string("1.1.1.1"), .string("1.1.1.2")])),
                             Object.Member(key: "conditions", value: Self.conditions(true, true, false)),
                             Object.Member(key: "targetRef", value: Self.ref("p", "d", uid: "u"))]))),
            (#"{"addresses":["1.1.1.1"],"conditions":{"serving":true,"ready":true,"terminating":false},"targetRef":\#(ref)}"#,
             Self.endpoint(ip: "1.1.1.1", conditions: .object(Object([Object.Member(key: "serving", value: .bool(true)),
                                                                      Object.Member(key: "ready", value: .bool(true)),
                                                                      Object.Member(key: "terminating", value: .bool(false))])),
                           node: nil, ref: Self.ref("p", "d", uid: "u"))),
            (#"{"addresses":["1.1.1.1"],"conditions":{"ready":true},"targetRef":\#(ref)}"#,
             Self.endpoint(ip: "1.1.1.1", conditions: .object(Object([Object.Member(key: "ready", value: .bool(true))])), node: nil,
                           ref: Self.ref("p", "d", uid: "u"))),
            (#"{"addresses":["1.1.1.1"],"conditions":{"ready":true,"serving":true,"terminating":false},"nodeName":"n","zone":"z","targetRef":\#(ref)}"#,
             .object(Object([Object.Member(key: "addresses", value: .array([.string("1.1.1.1")])),
                             Object.Member(key: "conditions", value: Self.conditions(true, true, false)),
                             Object.Member(key: "nodeName", value: .string("n")), Object.Member(key: "zone", value: .string("z")),
                             Object.Member(key: "targetRef", value: Self.ref("p", "d", uid: "u"))]))),
            (#"{"addresses":["1.1.1.1"],"conditions":{"ready":true,"serving":true,"terminating":false},"targetRef":{"kind":"Pod","name":"p","namespace":"d","uid":"u","resourceVersion":"7"}}"#,
             Self.endpoint(ip: "1.1.1.1", conditions: Self.conditions(true, true, false), node: nil,
                           ref: .object(Object([Object.Member(key: "kind", value: .string("Pod")), Object.Member(key: "name", value: .string("p")),
                                                Object.Member(key: "namespace", value: .string("d")), Object.Member(key: "uid", value: .string("u")),
                                                Object.Member(key: "resourceVersion", value: .string("7"))])))),
            (#"{"addresses":["1.1.1.1"],"conditions":{"ready":true,"serving":true,"terminating":false},"targetRef":\#(ref),"targetRef":\#(ref)}"#,
             Self.endpoint(ip: "1.1.1.1", conditions: Self.conditions(true, true, false), node: nil, ref: Self.ref("p", "d", uid: "u"))),
            (#"{"addresses":["1.1.1.1"],"conditions":{"ready":1,"serving":true,"terminating":false},"targetRef":\#(ref)}"#,
             Self.endpoint(ip: "1.1.1.1", conditions: .object(Object([Object.Member(key: "ready", value: .int(1)),
                                                                      Object.Member(key: "serving", value: .bool(true)),
                                                                      Object.Member(key: "terminating", value: .bool(false))])),
                           node: nil, ref: Self.ref("p", "d", uid: "u"))),
        ]
        for (text, expected) in cases {
            let (items, shared) = try read("[\(text)]")
            XCTAssertEqual(items, [expected], text)
            XCTAssertEqual(shared, [false], "\(text): not the controller's form, read by the general path")
        }
        // An address with no node (null) or another kind of reference: read in general.
        let nullNode = #"[{"ip":"1.1.1.1","nodeName":null,"targetRef":{"kind":"Node","name":"p","namespace":"d","uid":"u"}}]"#
        XCTAssertEqual(try JSONReader.parse(nullNode), .array([.object(Object([
            Object.Member(key: "ip", value: .string("1.1.1.1")), Object.Member(key: "nodeName", value: .null),
            Object.Member(key: "targetRef", value: .object(Object([Object.Member(key: "kind", value: .string("Node")), Object.Member(key: "name", value: .string("p")),
                                                                  Object.Member(key: "namespace", value: .string("d")), Object.Member(key: "uid", value: .string("u"))]))),
        ]))]))
    }

    /// Broken text is the general path's to report: the same message at the same place (the
    /// byte where `expect` stops at `tru,`; the end of the text; the `"` where a hex digit
    /// should be).
    func testBrokenTextGivesTheGeneralPathsErrors() {
        let cases: [(String, String, Int)] = [
            (#"[{"addresses":["1.1.1.1"],"conditions":{"ready":tru,"serving":true,"terminating":false}}]"#, "invalid literal, expected true", 51),
            (#"[{"addresses":["1.1.1.1"],"conditions":{"ready":true,"serving":true,"terminating":false},"targetRef":{"kind":"Pod","name":"p"#,
             "unterminated string", 124),
            (#"[{"ip":"1.1.1.1","nodeName":"n","targetRef":{"kind":"Pod","name":"p","namespace":"d","uid":"u"}"#, "unexpected end of input in an object", 95),
            (#"[{"addresses":["1.1.1.1\u00"],"conditions":{}}]"#, "invalid hex digit in \\u escape", 27),
        ]
        for (text, message, offset) in cases {
            XCTAssertThrowsError(try JSONReader.parse(text), text) { error in
                guard let error = error as? JSONReader.Error else { return XCTFail("\(error)") }
                XCTAssertEqual(error.message, message, text)
                XCTAssertEqual(error.offset, offset, text)
            }
        }
    }

    /// The quick path nests no deeper than the general path allows: an endpoint whose inner
    /// objects would pass the limit is the general path's, which refuses it.
    func testTheDepthLimitHoldsOnTheQuickPath() throws {
        let endpoint = #"{"addresses":["1.1.1.1"],"conditions":{"ready":true,"serving":true,"terminating":false},"targetRef":{"kind":"Pod","name":"p","namespace":"d","uid":"u"}}"#
        // Lists around it: the endpoint one deeper, its conditions two.
        let fits = YAMLLimits.maxDepth - 2
        var value = try JSONReader.parse(String(repeating: "[", count: fits) + endpoint + String(repeating: "]", count: fits))
        for _ in 0..<fits {
            guard case .array(let items) = value, let first = items.first else { return XCTFail("nesting lost") }
            value = first
        }
        guard case .object(let conditions)? = value["conditions"] else { return XCTFail("no conditions: \(value)") }
        XCTAssertNotNil(EndpointSliceController.Conditions(sharing: conditions), "read on the quick path at the deepest level allowed")
        let tooDeep = fits + 1
        XCTAssertThrowsError(try JSONReader.parse(String(repeating: "[", count: tooDeep) + endpoint + String(repeating: "]", count: tooDeep))) { error in
            XCTAssertEqual((error as? JSONReader.Error)?.message, "nested deeper than \(YAMLLimits.maxDepth) levels")
        }
    }

    private func compact(_ value: Value, keys: JSONWriter.KeyOrder = .asGiven) throws -> String {
        var bytes: [UInt8] = []
        try JSONWriter.write(value, style: .compact, keys: keys, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Every endpoint and address the controllers make is written as member by member: its
    /// keys are in byte order, so Go's order (`keys: .sorted`, the general path) writes the
    /// same text; and as the text the reader takes.
    func testEndpointsAsTheControllersMakeThemAreWrittenAsMemberByMember() throws {
        var values: [Value] = []
        for bits in UInt8(0)..<8 {
            let c = EndpointSliceController.Conditions(bits: bits)
            for node in [nil, "node-56"] as [String?] {
                values.append(Self.endpoint(ip: "10.42.55.10", conditions: c.value, node: node, ref: Self.ref("big-545fb8b5c4-5hs55")))
                values.append(Self.endpoint(ip: "10.42.55.10", conditions: Self.conditions(c.ready, c.serving, c.terminating), node: node,
                                            ref: Self.ref("n\u{2028}\"\u{1}é", "ns", uid: "😀")))
            }
        }
        values.append(.object(Object([Object.Member(key: "ip", value: .string("10.42.0.10")), Object.Member(key: "nodeName", value: .string("node-1")),
                                      Object.Member(key: "targetRef", value: Self.ref("big-545fb8b5c4-5d2bq"))])))
        for value in values {
            let text = try compact(value)
            XCTAssertEqual(text, try compact(value, keys: .sorted))
            XCTAssertEqual(try JSONReader.parse(text), value)
        }
        XCTAssertEqual(try compact(values[2]),
                       #"{"addresses":["10.42.55.10"],"conditions":{"ready":false,"serving":false,"terminating":false},"nodeName":"node-56","targetRef":{"kind":"Pod","name":"big-545fb8b5c4-5hs55","namespace":"default","uid":"71167648-2e2e-430e-81db-914ba6a9b15c"}}"#)
        XCTAssertEqual(try compact(values[1]),
                       #"{"addresses":["10.42.55.10"],"conditions":{"ready":false,"serving":false,"terminating":false},"targetRef":{"kind":"Pod","name":"n\u2028\"\u0001é","namespace":"ns","uid":"😀"}}"#)
        XCTAssertEqual(try compact(values[values.count - 1]),
                       #"{"ip":"10.42.0.10","nodeName":"node-1","targetRef":{"kind":"Pod","name":"big-545fb8b5c4-5d2bq","namespace":"default","uid":"71167648-2e2e-430e-81db-914ba6a9b15c"}}"#)
    }

    /// Objects near the controllers' form — another value, member or order — are written by
    /// the general path: each gives back the text it was read from.
    func testObjectsNearTheFormAreWrittenInGeneral() throws {
        let ref = #"{"kind":"Pod","name":"p","namespace":"d","uid":"u"}"#
        let texts = [
            #"{"addresses":["1.1.1.1","1.1.1.2"],"conditions":{"ready":true,"serving":true,"terminating":false},"targetRef":\#(ref)}"#,
            #"{"addresses":[],"conditions":{"ready":true,"serving":true,"terminating":false},"targetRef":\#(ref)}"#,
            #"{"addresses":[1],"conditions":{"ready":true,"serving":true,"terminating":false},"targetRef":\#(ref)}"#,
            #"{"addresses":["1.1.1.1"],"conditions":{"serving":true,"ready":true,"terminating":false},"targetRef":\#(ref)}"#,
            #"{"addresses":["1.1.1.1"],"conditions":{"ready":true,"serving":true,"terminating":null},"targetRef":\#(ref)}"#,
            #"{"addresses":["1.1.1.1"],"conditions":{"ready":true,"serving":true,"terminating":false},"zone":"z","targetRef":\#(ref)}"#,
            #"{"addresses":["1.1.1.1"],"conditions":{"ready":true,"serving":true,"terminating":false},"nodeName":null,"targetRef":\#(ref)}"#,
            #"{"addresses":["1.1.1.1"],"conditions":{"ready":true,"serving":true,"terminating":false},"targetRef":{"kind":"Node","name":"p","namespace":"d","uid":"u"}}"#,
            #"{"addresses":["1.1.1.1"],"conditions":{"ready":true,"serving":true,"terminating":false},"targetRef":{"kind":"Pod","name":"p","namespace":"d","uid":7}}"#,
            #"{"addresses":["1.1.1.1"],"conditions":{"ready":true,"serving":true,"terminating":false},"targetRef":"p"}"#,
            #"{"addresses":["1.1.1.1"],"conditions":{"ready":true,"serving":true,"terminating":false},"nodeName":"n","hints":{},"targetRef":\#(ref)}"#,
            #"{"ip":"1.1.1.1","nodeName":null,"targetRef":\#(ref)}"#,
            #"{"ip":"1.1.1.1","targetRef":\#(ref),"nodeName":"n"}"#,
            #"{"ip":"1.1.1.1","nodeName":"n","targetRef":\#(ref),"hostname":"h"}"#,
            #"{"ip":"1.1.1.1","hostname":"h","targetRef":\#(ref)}"#,
        ]
        for text in texts {
            XCTAssertEqual(try compact(JSONReader.parse(text)), text)
        }
    }
}

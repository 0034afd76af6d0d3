import RolloutCore
import XCTest

/// Plain scalar resolution in both schemas, case by case (go-yaml v2 resolve.go; YAML 1.2 core).
final class SchemaTests: XCTestCase {
    func testKubernetesSchema() {
        let cases: [(String, Value)] = [
            ("", .null), ("~", .null), ("null", .null), ("Null", .null), ("NULL", .null),
            ("true", .bool(true)), ("yes", .bool(true)), ("Yes", .bool(true)), ("ON", .bool(true)),
            ("on", .bool(true)), ("y", .bool(true)), ("Y", .bool(true)),
            ("false", .bool(false)), ("no", .bool(false)), ("off", .bool(false)), ("n", .bool(false)), ("N", .bool(false)),
            ("yES", .string("yES")), ("nULL", .string("nULL")),
            ("0", .int(0)), ("42", .int(42)), ("-17", .int(-17)), ("+5", .int(5)),
            ("0755", .int(493)), ("0o755", .int(493)), ("0x1F", .int(31)), ("0b101", .int(5)), ("1_000", .int(1000)),
            ("089", .float(89)), ("1.5", .float(1.5)), ("1e3", .float(1000)), (".5", .float(0.5)), ("1.10", .float(1.1)),
            ("1e400", .string("1e400")), ("1:30", .string("1:30")), ("2024-01-02", .string("2024-01-02")),
            ("=", .string("=")), ("app:1.10", .string("app:1.10")), ("100m", .string("100m")), ("-", .string("-")),
            ("9223372036854775807", .int(Int.max)), ("9223372036854775808", .float(9223372036854775808)),
        ]
        for (text, expected) in cases {
            XCTAssertEqual(YAMLSchema.kubernetes.resolvePlain(text), expected, "kubernetes: \(text)")
        }
        for text in [".inf", ".Inf", "+.INF"] {
            XCTAssertEqual(YAMLSchema.kubernetes.resolvePlain(text), .float(.infinity), text)
        }
        XCTAssertEqual(YAMLSchema.kubernetes.resolvePlain("-.inf"), .float(-.infinity))
        guard case .float(let nan) = YAMLSchema.kubernetes.resolvePlain(".nan") else { return XCTFail(".nan") }
        XCTAssert(nan.isNaN)
    }

    func testCoreSchema() {
        let cases: [(String, Value)] = [
            ("", .null), ("~", .null), ("null", .null), ("true", .bool(true)), ("False", .bool(false)),
            ("yes", .string("yes")), ("on", .string("on")), ("y", .string("y")),
            ("0755", .int(755)), ("0o755", .int(493)), ("0x1F", .int(31)), ("+12", .int(12)), ("-3", .int(-3)),
            ("1_000", .string("1_000")), ("1e3", .float(1000)), ("1.5", .float(1.5)), ("0b101", .string("0b101")),
        ]
        for (text, expected) in cases {
            XCTAssertEqual(YAMLSchema.core.resolvePlain(text), expected, "core: \(text)")
        }
    }

    func testQuotedAndTaggedScalars() throws {
        let cases: [(String, Value)] = [
            ("a: 'yes'", .object(Object(["a": .string("yes")]))),
            ("a: \"0755\"", .object(Object(["a": .string("0755")]))),
            ("a: !!str 10", .object(Object(["a": .string("10")]))),
            ("a: !!int \"10\"", .object(Object(["a": .int(10)]))),
            ("a: !!float 1", .object(Object(["a": .float(1)]))),
            ("a: !!bool yes", .object(Object(["a": .bool(true)]))),
            ("a: !!null ''", .object(Object(["a": .null]))),
            ("a: !custom 12", .object(Object(["a": .string("12")]))),
            ("a: ! 12", .object(Object(["a": .string("12")]))),
            ("404: x\ntrue: z", .object(Object(["404": .string("x"), "true": .string("z")]))),
        ]
        for (yaml, expected) in cases {
            XCTAssertEqual(try decodeOne(yaml), expected, yaml)
        }
    }

    func testMergeKeysInKubernetesSchema() throws {
        let yaml = "base: &b {p: 1, q: 2}\nmerged:\n  <<: *b\n  q: 3\n"
        let value = try decodeOne(yaml)
        XCTAssertEqual(value["merged"], .object(Object(["p": .int(1), "q": .int(3)])))
        let core = try decodeOne(yaml, schema: .core)
        XCTAssertEqual(core["merged"]?["<<"], .object(Object(["p": .int(1), "q": .int(2)])))
    }
}

func decodeOne(_ yaml: String, schema: YAMLSchema = .kubernetes) throws -> Value {
    let documents = try YAMLParser.parse(yaml, file: "test.yaml", rules: schema.syntaxRules)
    var resolver = Resolver(schema: schema)
    guard let root = documents.first?.root else { return .null }
    return try resolver.value(of: root)
}

@testable import RolloutCore
import XCTest

/// Quantities as the API server stores them (apimachinery v0.32.9 `pkg/api/resource/quantity.go`:
/// ParseQuantity keeps a text already in canonical form, else MarshalJSON writes
/// CanonicalizeBytes). The expected texts are upstream's own tables (`quantity_test.go`) where it
/// has them; the others are traced through those functions in the comments.
final class QuantityCanonicalTests: XCTestCase {
    /// TestQuantityString: a canonical text is kept as written on parse, its alternate is stored
    /// as the canonical text, and both negated likewise.
    func testUpstreamStringTable() {
        let table: [(expect: String, alternate: String)] = [
            ("1Gi", "1024Mi"), ("300Mi", "307200Ki"), ("6Ki", ""), ("1001Gi", "1025024Mi"), ("1Ti", "1024Gi"),
            ("5", "5000m"), ("500m", "0.5"), ("1G", "1000M"), ("1G", "0.001T"), ("1m", "1000u"), ("80m", ""),
            ("1080m", "1.08"), ("1080m", "1080000000n"), ("300M", ""), ("1T", ""), ("1234567M", ""), ("1234567m", ""),
            ("3k", ""), ("1025", ""), ("0", ""), ("1e9", ".001e12"), ("1e-3", "0.001e0"), ("1e-9", "1000e-12"),
            ("80e-3", ""), ("300e6", ""), ("1e12", ""), ("1e3", ""), ("3e3", ""), ("0", "00"), ("1n", ""), ("80n", ""),
            ("1080n", ""), ("1u", ""), ("80u", ""), ("1080u", ""),
        ]
        for (expect, alternate) in table {
            XCTAssertEqual(CanonicalQuantity.stored(expect), expect, "kept as written: \(expect)")
            if expect != "0" { XCTAssertEqual(CanonicalQuantity.stored("-" + expect), "-" + expect) }
            guard !alternate.isEmpty else { continue }
            XCTAssertEqual(CanonicalQuantity.stored(alternate), expect, "stored form of \(alternate)")
            if expect != "0" { XCTAssertEqual(CanonicalQuantity.stored("-" + alternate), "-" + expect, "stored form of -\(alternate)") }
        }
    }

    /// TestQuantityParseEmit, and its negated half.
    func testUpstreamParseEmitTable() {
        let table = [("1Ki", "1Ki"), ("1Mi", "1Mi"), ("1Gi", "1Gi"), ("1024Mi", "1Gi"), ("1000M", "1G"), (".001Ki", "1024m"),
                     (".000001Ki", "1024u"), (".000000001Ki", "1024n"), (".000000000001Ki", "2n")]
        for (input, expect) in table {
            XCTAssertEqual(CanonicalQuantity.stored(input), expect, input)
            XCTAssertEqual(CanonicalQuantity.stored("-" + input), "-" + expect, "-" + input)
        }
    }

    /// TestQuantityParse's values that round or saturate, written out by CanonicalizeBytes, and
    /// what manifests commonly say.
    func testRoundingSaturationAndCommonManifests() {
        let table: [(String, String)] = [
            // What teams write.
            ("1000m", "1"), ("2000m", "2"), ("0.5", "500m"), ("0.25", "250m"), ("1.5", "1500m"), ("100m", "100m"),
            ("1024Mi", "1Gi"), ("2048Mi", "2Gi"), ("1536Mi", "1536Mi"), ("512Mi", "512Mi"), ("1.5Gi", "1536Mi"),
            ("0.5Gi", "512Mi"), ("1G", "1G"), ("1000Mi", "1000Mi"), ("128974848", "128974848"), ("1000", "1k"),
            // 3.001n is 4n (decQuantity(4, -9)); 0.00000012345 is 124n: rounded up to the nano.
            ("3.001n", "4n"), ("0.00000012345", "124n"), ("0.0000000001", "1n"), ("1.1E-9", "2e-9"),
            // 9Ei is past int64: capped at maxAllowed, whole, no power of 1024 in it.
            ("9Ei", "9223372036854775807"), ("9223372036854775807Ki", "9223372036854775807"),
            // 0.5Mi = 524288 = 512Ki; 0.05Gi and 100.035Ki are not whole: DecimalSI, in milli.
            ("0.5Mi", "512Ki"), ("0.05Gi", "53687091200m"), ("100.035Ki", "102435840m"),
            // 2e2 has an exponent that is no multiple of 3: 200 × 10^0, no exponent written.
            ("2e2", "200"), ("1.2e3", "1200"), ("1.3E+6", "1300e3"), ("12E", "12E"),
            // Kept exactly as written by the fast path (`s: str`), oddities included.
            ("+1Gi", "+1Gi"), ("05", "05"), ("1.G", "1.G"), ("1E3", "1E3"),
            // Zero is "0" however written.
            ("0m", "0"), ("0Ki", "0"), ("0.0", "0"), ("-0", "0"),
        ]
        for (input, expect) in table { XCTAssertEqual(CanonicalQuantity.stored(input), expect, input) }
        // Exponents at int32's ends: written out or rounded up to the nano, never expanded.
        XCTAssertEqual(CanonicalQuantity.stored("1e2147483647"), "10e2147483646")
        XCTAssertEqual(CanonicalQuantity.stored("1e-2147483648"), "1e-9")
        XCTAssertEqual(CanonicalQuantity.stored("12345678901234567890123456789Ki"), "9223372036854775807", "capped at maxAllowed")
        // TestQuantityParse's invalid inputs (and an exponent past int32): left as written.
        for invalid in ["", "1.1.M", "1+1.0M", "0.1mi", "0.1am", "aoeu", ".5i", "1i", "-3.01i", "-3.01e-", " 1", "1 ", "1e99999999999"] {
            XCTAssertNil(CanonicalQuantity.stored(invalid), invalid)
        }
    }

    /// Every quantity field of a Deployment's pod template, a claim template and a node, written
    /// as stored: strings, YAML numbers (the JSON text kubectl sends) and what is no quantity.
    func testFieldsOfTheObjectsAreCanonicalized() throws {
        let yaml = """
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: db}
        spec:
          selector: {matchLabels: {app: db}}
          template:
            metadata: {labels: {app: db}}
            spec:
              overhead: {cpu: 250m, memory: 120Mi}
              initContainers:
              - name: init
                image: busybox
                resources: {limits: {cpu: 0.5}}
              containers:
              - name: db
                image: postgres
                resources: {requests: {cpu: 1000m, memory: 1024Mi}, limits: {cpu: 2, memory: 2048Mi, nvidia.com/gpu: 1}}
                env:
                - name: MEM
                  valueFrom: {resourceFieldRef: {resource: limits.memory, divisor: 1024Ki}}
              volumes:
              - name: scratch
                emptyDir: {sizeLimit: 1000Mi}
              - name: cache
                emptyDir: {sizeLimit: 1024Mi}
          volumeClaimTemplates:
          - metadata: {name: data}
            spec:
              accessModes: [ReadWriteOnce]
              resources: {requests: {storage: 10240Mi}}
        """
        var resource = Resource(try XCTUnwrap(try ManifestDecoder.decode([ManifestSource(name: "s", bytes: Array(yaml.utf8))]).documents.first?.value.objectValue))
        Defaults.apply(to: &resource)
        let spec = try XCTUnwrap(resource.value.at("spec", "template", "spec"))
        XCTAssertEqual(spec.at("overhead"), .object(Object(["cpu": .string("250m"), "memory": .string("120Mi")])))
        XCTAssertEqual(spec["initContainers"]?.arrayValue?.first?.at("resources", "limits", "cpu"), .string("500m"))
        let container = try XCTUnwrap(spec["containers"]?.arrayValue?.first)
        XCTAssertEqual(container.at("resources", "requests"), .object(Object(["cpu": .string("1"), "memory": .string("1Gi")])))
        XCTAssertEqual(container.at("resources", "limits"), .object(Object(["cpu": .string("2"), "memory": .string("2Gi"), "nvidia.com/gpu": .string("1")])),
                       "the numbers are stored as strings, as a Quantity marshals")
        XCTAssertEqual(container["env"]?.arrayValue?.first?.at("valueFrom", "resourceFieldRef", "divisor"), .string("1Mi"))
        XCTAssertEqual(spec["volumes"]?.arrayValue?.map { $0.at("emptyDir", "sizeLimit") }, [.string("1000Mi"), .string("1Gi")])
        XCTAssertEqual(resource.value.at("spec", "volumeClaimTemplates")?.arrayValue?.first?.at("spec", "resources", "requests", "storage"), .string("10Gi"))
        // What is no quantity is left for validation, which names it.
        var bad = Resource(Object(["apiVersion": .string("v1"), "kind": .string("Pod"), "metadata": .object(Object(["name": .string("p")])),
                                   "spec": .object(Object(["containers": .array([.object(Object(["name": .string("c"), "image": .string("i"),
                                       "resources": .object(Object(["requests": .object(Object(["cpu": .bool(true), "memory": .string("lots")]))]))]))])]))]))
        Defaults.apply(to: &bad)
        XCTAssertEqual(bad.value.at("spec", "containers")?.arrayValue?.first?.at("resources", "requests"),
                       .object(Object(["cpu": .bool(true), "memory": .string("lots")])))
        // A status's quantities are written as stored, and its zeros stay (the controllers'); a
        // LimitRange's maps and a budget-less kind's quantities are found from the type table.
        var nodeObject = Resource(Object(["apiVersion": .string("v1"), "kind": .string("Node"), "metadata": .object(Object(["name": .string("n")])),
                                    "status": .object(Object(["capacity": .object(Object(["cpu": .string("4000m")])),
                                                              "nodeInfo": .object(Object(["bootID": .string("")]))]))]))
        Defaults.apply(to: &nodeObject)
        XCTAssertEqual(nodeObject.value.at("status", "capacity", "cpu"), .string("4"))
        XCTAssertEqual(nodeObject.value.at("status", "nodeInfo", "bootID"), .string(""))
        var limits = Resource(Object(["apiVersion": .string("v1"), "kind": .string("LimitRange"), "metadata": .object(Object(["name": .string("l")])),
                                      "spec": .object(Object(["limits": .array([.object(Object(["type": .string("Container"),
                                          "default": .object(Object(["memory": .string("1024Mi")]))]))])]))]))
        Defaults.apply(to: &limits)
        XCTAssertEqual(limits.value.at("spec", "limits")?.arrayValue?.first?.at("default", "memory"), .string("1Gi"))
        // A node's capacity as `cluster init` was told it.
        var setup = ClusterSpec(nodes: 1)
        setup.cpu = try XCTUnwrap(Quantity("4000m"))
        setup.memory = try XCTUnwrap(Quantity("16384Mi"))
        let node = ClusterSetup.node(index: 1, spec: setup)
        XCTAssertEqual(node.value.at("status", "capacity", "cpu"), .string("4"))
        XCTAssertEqual(node.value.at("status", "allocatable", "memory"), .string("16Gi"))
    }

    /// The verdict this changes: a Deployment applied again with its requests written another way
    /// (`cpu: "1"` → `1000m`, `memory: 1Gi` → `1024Mi`) is the same object to the API server, so
    /// the Deployment controller finds its template unchanged (EqualIgnoreHash) and makes no
    /// ReplicaSet — before, this rolled every pod. `get -o yaml` shows the stored form.
    /// (A request of `500m` written `0.5` is a real change from `"1"`, and rolls.)
    func testRewritingAQuantityRollsNothing() throws {
        let dir = try temporaryDirectory(self)
        let state = dir.appendingPathComponent("state").path
        func manifest(_ requests: String) -> String {
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              replicas: 2
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  containers:
                  - {name: app, image: 'nginx:1.27', resources: {requests: \(requests)}}
            """
        }
        try manifest(#"{cpu: "1", memory: 1Gi}"#).write(to: dir.appendingPathComponent("a.yaml"), atomically: true, encoding: .utf8)
        try manifest("{cpu: 1000m, memory: 1024Mi}").write(to: dir.appendingPathComponent("b.yaml"), atomically: true, encoding: .utf8)
        try manifest("{cpu: 0.5, memory: 1024Mi}").write(to: dir.appendingPathComponent("c.yaml"), atomically: true, encoding: .utf8)
        XCTAssertEqual(try RolloutRun.run(["--state", state, "cluster", "init"]).status, 0)
        XCTAssertEqual(try RolloutRun.run(["--state", state, "apply", "-f", dir.appendingPathComponent("a.yaml").path, "--wait"]).status, 0)
        let again = try RolloutRun.run(["--state", state, "apply", "-f", dir.appendingPathComponent("b.yaml").path, "--wait"])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stdout.hasPrefix("deployment.apps/web configured\n"), "the last-applied annotation changed: \(again.stdout)")
        let sets = try RolloutRun.run(["--state", state, "get", "rs", "-o", "name"])
        XCTAssertEqual(sets.stdout.split(separator: "\n").count, 1, "no new ReplicaSet: \(sets.stdout)")
        let yaml = try RolloutRun.run(["--state", state, "get", "deploy", "web", "-o", "yaml"]).stdout
        // PrepareForUpdate (`pkg/registry/apps/deployment/strategy.go`) bumps the generation for
        // the changed last-applied annotation; the spec itself is unchanged.
        XCTAssertTrue(yaml.contains("  generation: 2\n"), yaml)
        XCTAssertTrue(yaml.contains("            cpu: \"1\"\n            memory: 1Gi\n"), yaml)
        // A real change still rolls, and is stored in its canonical form too.
        XCTAssertEqual(try RolloutRun.run(["--state", state, "apply", "-f", dir.appendingPathComponent("c.yaml").path, "--wait"]).status, 0)
        XCTAssertEqual(try RolloutRun.run(["--state", state, "get", "rs", "-o", "name"]).stdout.split(separator: "\n").count, 2)
        XCTAssertTrue(try RolloutRun.run(["--state", state, "get", "deploy", "web", "-o", "yaml"]).stdout.contains("            cpu: 500m\n            memory: 1Gi\n"))
    }
}

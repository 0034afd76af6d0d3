import Foundation
import RolloutCore
import XCTest

/// kubectl's three-way merge, the defaults applied on the way in, and the unified diff.
final class MergeAndDiffTests: XCTestCase {
    func json(_ text: String) throws -> Value { try JSONReader.parse(text) }

    func testThreeWayMerge() throws {
        let cases: [(name: String, last: String?, live: String, desired: String, strategic: Bool, expected: String)] = [
            ("new field added", #"{"a":1}"#, #"{"a":1}"#, #"{"a":1,"b":2}"#, true, #"{"a":1,"b":2}"#),
            ("field dropped from config is removed", #"{"a":1,"b":2}"#, #"{"a":1,"b":2}"#, #"{"a":1}"#, true, #"{"a":1}"#),
            ("field set by the cluster is kept", #"{"a":1}"#, #"{"a":1,"ip":"10.0.0.1"}"#, #"{"a":2}"#, true, #"{"a":2,"ip":"10.0.0.1"}"#),
            ("no last-applied: nothing is removed", nil, #"{"a":1,"b":2}"#, #"{"a":3}"#, true, #"{"a":3,"b":2}"#),
            ("explicit null deletes", #"{"a":1}"#, #"{"a":1,"b":2}"#, #"{"a":1,"b":null}"#, true, #"{"a":1}"#),
            ("nested", #"{"s":{"x":1,"y":2}}"#, #"{"s":{"x":1,"y":2,"z":3}}"#, #"{"s":{"x":5}}"#, true, #"{"s":{"x":5,"z":3}}"#),
            ("containers merge by name, defaults kept",
             #"{"containers":[{"name":"a","image":"x:1"}]}"#,
             #"{"containers":[{"name":"a","image":"x:1","imagePullPolicy":"IfNotPresent"}]}"#,
             #"{"containers":[{"name":"a","image":"x:2"}]}"#, true,
             #"{"containers":[{"name":"a","image":"x:2","imagePullPolicy":"IfNotPresent"}]}"#),
            ("container removed from config goes, one added by another client stays",
             #"{"containers":[{"name":"a"},{"name":"b"}]}"#,
             #"{"containers":[{"name":"a"},{"name":"b"},{"name":"sidecar"}]}"#,
             #"{"containers":[{"name":"a"}]}"#, true,
             #"{"containers":[{"name":"a"},{"name":"sidecar"}]}"#),
            ("env merges by name", #"{"env":[{"name":"A","value":"1"},{"name":"B","value":"2"}]}"#,
             #"{"env":[{"name":"A","value":"1"},{"name":"B","value":"2"}]}"#, #"{"env":[{"name":"B","value":"3"}]}"#, true,
             #"{"env":[{"name":"B","value":"3"}]}"#),
            ("service ports merge by port, nodePort kept", #"{"ports":[{"port":80}]}"#,
             #"{"ports":[{"port":80,"nodePort":31000,"protocol":"TCP"}]}"#, #"{"ports":[{"port":80,"targetPort":8080}]}"#, true,
             #"{"ports":[{"port":80,"nodePort":31000,"protocol":"TCP","targetPort":8080}]}"#),
            ("other lists are replaced", #"{"args":["a","b"]}"#, #"{"args":["a","b"]}"#, #"{"args":["c"]}"#, true, #"{"args":["c"]}"#),
            ("lists of other kinds are replaced", #"{"containers":[{"name":"a"}]}"#, #"{"containers":[{"name":"a","x":1}]}"#,
             #"{"containers":[{"name":"a"}]}"#, false, #"{"containers":[{"name":"a"}]}"#),
            ("strategy retains only written keys", #"{"strategy":{}}"#,
             #"{"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"25%"}}}"#, #"{"strategy":{"type":"Recreate"}}"#, true,
             #"{"strategy":{"type":"Recreate"}}"#),
        ]
        for c in cases {
            let merged = ThreeWayMerge.merge(lastApplied: try c.last.map(json), live: try json(c.live), desired: try json(c.desired), strategicLists: c.strategic)
            XCTAssertEqual(try JSONWriter.string(merged.sortingKeys()), try JSONWriter.string(json(c.expected).sortingKeys()), c.name)
        }
    }

    /// When kubectl says `unchanged`: its three-way patch is `{}` (`apply.go` applyOneObject,
    /// `strategicpatch.CreateThreeWayMergePatch`: the live object's differences from the
    /// configuration sent, deletions ignored, plus what the last configuration had and this
    /// one dropped, whatever the live object holds).
    func testKubectlSaysUnchangedWhenItsPatchIsEmpty() throws {
        func v(_ json: String) -> Value { (try? JSONReader.parse(json)) ?? .null }
        let cases: [(name: String, last: String?, live: String, sent: String, empty: Bool)] = [
            ("the same as stored", #"{"spec":{"replicas":2}}"#, #"{"spec":{"replicas":2,"paused":false}}"#, #"{"spec":{"replicas":2}}"#, true),
            ("defaults and the server's fields left alone", nil, #"{"metadata":{"uid":"u"},"spec":{"replicas":1},"status":{"replicas":1}}"#, #"{"spec":{}}"#, true),
            // The API server stores quantities canonically: the patch still carries `0.5`.
            ("a quantity as written", nil, #"{"spec":{"containers":[{"name":"c","resources":{"requests":{"cpu":"500m"}}}]}}"#,
             #"{"spec":{"containers":[{"name":"c","resources":{"requests":{"cpu":0.5}}}]}}"#, false),
            ("a field the live object lacks, even null", nil, #"{"spec":{}}"#, #"{"spec":{"paused":null}}"#, false),
            // The deletions are the last configuration's against this one, not the live object's.
            ("a field dropped since, gone already", #"{"spec":{"paused":true}}"#, #"{"spec":{}}"#, #"{"spec":{}}"#, false),
            // Containers merge by name: their order alone makes no patch (`$setElementOrder`
            // only goes with a change); an item dropped since is a `$patch: delete`.
            ("containers in another order", nil, #"{"containers":[{"name":"a"},{"name":"b"}]}"#, #"{"containers":[{"name":"b"},{"name":"a"}]}"#, true),
            ("a container dropped since", #"{"containers":[{"name":"a"},{"name":"b"}]}"#, #"{"containers":[{"name":"a"},{"name":"b"}]}"#,
             #"{"containers":[{"name":"a"}]}"#, false),
            // Other lists are replaced whole: another order is a change.
            ("args in another order", nil, #"{"args":["x","y"]}"#, #"{"args":["y","x"]}"#, false),
            ("a label the cluster added", nil, #"{"metadata":{"labels":{"a":"1","b":"2"}}}"#, #"{"metadata":{"labels":{"a":"1"}}}"#, true),
        ]
        for c in cases {
            XCTAssertEqual(ThreeWayMerge.patchIsEmpty(lastApplied: c.last.map(v), live: v(c.live), desired: v(c.sent), strategicLists: true), c.empty, c.name)
        }
    }

    func testDefaultsAsAClusterWouldShowThem() throws {
        let manifests = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers:
              - name: web
                image: nginx
                ports: [{containerPort: 80}]
                readinessProbe: {httpGet: {path: /, port: 80}}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec:
          type: LoadBalancer
          selector: {app: web}
          ports: [{port: 80}]
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: one}
        spec:
          containers:
          - name: c
            image: "busybox:1.36"
            env:
            - name: NODE
              valueFrom: {fieldRef: {fieldPath: spec.nodeName}}
          volumes:
          - name: scratch
          - name: settings
            configMap: {name: settings}
          - name: token
            secret: {secretName: token}
          - name: host
            hostPath: {path: /var/log}
          - name: info
            downwardAPI: {items: [{path: labels, fieldRef: {fieldPath: metadata.labels}}]}
          - name: bundle
            projected:
              sources:
              - serviceAccountToken: {path: token}
              - downwardAPI: {items: [{path: name, fieldRef: {fieldPath: metadata.name}}]}
        """
        let documents = try ManifestDecoder.decode([ManifestSource(name: "m.yaml", bytes: Array(manifests.utf8))]).documents
        // Through the API server's admission too (the pod's priority comes from it).
        let store = try StateStore(directory: try temporaryDirectory(self).appendingPathComponent("s").path, writable: true,
                                   newCluster: ClusterSpec(profile: .bare, nodes: 1))
        addTeardownBlock { store.close() }
        var text = ""
        for candidate in try Applier.prepare(documents, options: ApplyOptions()) {
            let (made, operation, _) = Applier.makeObject(candidate, live: nil)
            XCTAssertEqual(operation, "created")
            var (object, problems) = try Admission.admit(made, live: nil, root: candidate.document.node, source: "m.yaml", store: store)
            XCTAssertTrue(problems.isEmpty, "\(problems)")
            object.setAnnotation(Applier.lastAppliedAnnotation, nil)
            text += "---\n" + YAMLWriter.string(object.value)
        }
        try assertGolden(text, "defaults.golden.yaml")
    }

    /// `SetDefaults_Secret` (pkg/apis/core/v1/defaults.go): a Secret without a type is Opaque;
    /// one with a type keeps it.
    func testSecretsDefaultToOpaque() {
        var untyped = Resource(Object(["apiVersion": .string("v1"), "kind": .string("Secret"), "metadata": .object(Object(["name": .string("s")]))]))
        Defaults.apply(to: &untyped)
        XCTAssertEqual(untyped.object["type"], .string("Opaque"))
        var tls = Resource(Object(["apiVersion": .string("v1"), "kind": .string("Secret"), "metadata": .object(Object(["name": .string("t")])),
                                   "type": .string("kubernetes.io/tls")]))
        Defaults.apply(to: &tls)
        XCTAssertEqual(tls.object["type"], .string("kubernetes.io/tls"))
    }

    /// A manifest as `kubectl create … --dry-run=client -o yaml` writes it carries
    /// `creationTimestamp: null` (metadata and template): Go decodes null into a field not set,
    /// so the stored object, and its pod-template-hash, are those of the manifest without it;
    /// the last-applied annotation keeps the manifest as written, as kubectl records it.
    func testNullFieldsAreFieldsNotSet() throws {
        let manifest = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {creationTimestamp: null, name: web}
            spec:
              selector: {matchLabels: {app: web}}
              strategy: {}
              template:
                metadata: {creationTimestamp: null, labels: {app: web}}
                spec: {containers: [{image: "nginx:1.25", name: nginx, resources: {}}]}
            status: {}

            """
        var stored: [Resource] = []
        for text in [manifest, manifest.replacingOccurrences(of: "creationTimestamp: null, ", with: "")] {
            let store = try StateStore(directory: try temporaryDirectory(self, "nulls").path, writable: true)
            defer { store.close() }
            try applyYAML(text, to: store)
            stored.append(try XCTUnwrap(try store.get(ObjectKey(type: "apps/Deployment", namespace: "default", name: "web"))))
        }
        XCTAssertNil(stored[0].value.at("spec", "template", "metadata", "creationTimestamp"))
        XCTAssertEqual(stored[0].value.at("spec", "template"), stored[1].value.at("spec", "template"))
        let template = try XCTUnwrap(stored[0].value.at("spec", "template")?.objectValue)
        XCTAssertEqual(DeploymentController.templateHash(template, collisionCount: nil),
                       DeploymentController.templateHash(try XCTUnwrap(stored[1].value.at("spec", "template")?.objectValue), collisionCount: nil))
        XCTAssertTrue(stored[0].annotations[Applier.lastAppliedAnnotation]?.contains(#""creationTimestamp":null"#) ?? false)
    }

    /// Applies unified-diff hunks to `old`; nil when a context or removed line does not match.
    func patch(_ old: [String], with hunks: String) -> [String]? {
        var result: [String] = []
        var position = 0
        var lines = hunks.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        var i = 0
        while i < lines.count {
            let header = lines[i]
            guard header.hasPrefix("@@ -") else { return nil }
            let oldPart = header.dropFirst(4).prefix { $0 != " " }
            let numbers = oldPart.split(separator: ",").compactMap { Int($0) }
            var start = numbers.first ?? 0
            if numbers.count == 2 && numbers[1] == 0 { start += 1 }
            while position < start - 1 { result.append(old[position]); position += 1 }
            i += 1
            while i < lines.count, !lines[i].hasPrefix("@@") {
                let line = lines[i], text = String(line.dropFirst())
                switch line.first {
                case " ": guard position < old.count, old[position] == text else { return nil }; result.append(text); position += 1
                case "-": guard position < old.count, old[position] == text else { return nil }; position += 1
                case "+": result.append(text)
                default: return nil
                }
                i += 1
            }
        }
        while position < old.count { result.append(old[position]); position += 1 }
        return result
    }

    func testUnifiedDiffHunksTurnOldIntoNew() {
        var random = SeededRandom(seed: 42)
        for round in 0..<300 {
            let alphabet = ["a", "b", "c", "d", "e"]
            let old = (0..<Int(random.next() % 30)).map { _ in alphabet[Int(random.next() % 5)] }
            var new = old
            for _ in 0..<Int(random.next() % 6) {
                let op = random.next() % 3
                if op == 0 || new.isEmpty { new.insert(alphabet[Int(random.next() % 5)], at: Int(random.next() % UInt64(new.count + 1))) }
                else if op == 1 { new.remove(at: Int(random.next() % UInt64(new.count))) }
                else { new[Int(random.next() % UInt64(new.count))] = "x" }
            }
            let hunks = UnifiedDiff.hunks(old: old, new: new)
            if old == new { XCTAssertEqual(hunks, "", "round \(round)"); continue }
            XCTAssertEqual(patch(old, with: hunks), new, "round \(round): \(old) -> \(new)\n\(hunks)")
        }
    }

    func testUnifiedDiffMatchesDiffU() throws {
        let old = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m"]
        var new = old
        new[1] = "B"
        new.remove(at: 10)
        new.append("n")
        let expected = """
        @@ -1,5 +1,5 @@
         a
        -b
        +B
         c
         d
         e
        @@ -8,6 +8,6 @@
         h
         i
         j
        -k
         l
         m
        +n

        """
        XCTAssertEqual(UnifiedDiff.hunks(old: old, new: new), expected)
        XCTAssertEqual(UnifiedDiff.hunks(old: [], new: ["a", "b"]), "@@ -0,0 +1,2 @@\n+a\n+b\n")
        XCTAssertEqual(UnifiedDiff.hunks(old: ["a"], new: []), "@@ -1 +0,0 @@\n-a\n")
    }
}

import XCTest
@testable import RolloutCore

/// The API of a served cluster, request by request, with a clock the test moves
/// (issue 15, points 1 and 2).
final class ServeAPITests: XCTestCase {
    final class TestClock: ServedClock, @unchecked Sendable {
        private let lock = NSLock()
        private var now = 1000.0
        func seconds() -> Double { lock.lock(); defer { lock.unlock() }; return now }
        func advance(_ seconds: Double) { lock.lock(); now += seconds; lock.unlock() }
        /// No wall clock unless set: the API shows the cluster's own times.
        var unix: Double?
        func unixTime() -> Double? { lock.lock(); defer { lock.unlock() }; return unix }
    }

    private func served(token: String? = nil, speed: Double = 1, traffic: Int = 0) throws -> (APIServer, TestClock, StateStore) {
        let directory = try temporaryDirectory(self, "serve-api")
        let store = try StateStore(directory: directory.path, writable: true)
        addTeardownBlock { store.close() }
        let sources = try ManifestPaths.sources(for: [Corpus.packageRoot.appendingPathComponent("examples/manifests").path], recursive: false)
        _ = try Applier.apply(try ManifestDecoder.decode(sources).documents, to: store, options: ApplyOptions())
        try store.commit()
        let clock = TestClock()
        let cluster = try ServedCluster(store: store, speed: speed, clock: clock, traffic: traffic)
        return (APIServer(cluster: cluster, token: token, serverAddress: "127.0.0.1:6443"), clock, store)
    }

    private func get(_ api: APIServer, _ target: String, accept: String? = nil, token: String? = nil) -> (Int, Value?) {
        var headers = HTTPHeaders()
        if let accept { headers.fields.append(("Accept", accept)) }
        if let token { headers.fields.append(("Authorization", "Bearer \(token)")) }
        let response = api.handle(HTTPRequest(method: "GET", target: target, headers: headers))
        guard case .bytes(let body) = response.body else { return (response.status, nil) }
        return (response.status, try? JSONReader.parse(body))
    }

    func testDiscoveryNamesTheServedKinds() throws {
        let (api, _, _) = try served()
        let (status, versions) = get(api, "/api")
        XCTAssertEqual(status, 200)
        XCTAssertEqual(versions?["kind"], .string("APIVersions"))
        XCTAssertEqual(versions?["versions"], .array([.string("v1")]))
        let groups = get(api, "/apis").1?["groups"]?.arrayValue ?? []
        XCTAssertTrue(groups.contains { $0["name"] == .string("apps") && $0.at("preferredVersion", "groupVersion") == .string("apps/v1") })
        XCTAssertTrue(groups.contains { $0["name"] == .string("discovery.k8s.io") })
        let apps = get(api, "/apis/apps/v1").1
        XCTAssertEqual(apps?["groupVersion"], .string("apps/v1"))
        let deployments = (apps?["resources"]?.arrayValue ?? []).first { $0["name"] == .string("deployments") }
        XCTAssertEqual(deployments?["kind"], .string("Deployment"))
        XCTAssertEqual(deployments?["namespaced"], .bool(true))
        XCTAssertEqual(deployments?["shortNames"], .array([.string("deploy")]))
        XCTAssertEqual(deployments?["categories"], .array([.string("all")]))
        let core = get(api, "/api/v1").1?["resources"]?.arrayValue ?? []
        XCTAssertEqual(core.first { $0["name"] == .string("nodes") }?["namespaced"], .bool(false))
        XCTAssertTrue(core.contains { $0["name"] == .string("pods/status") })
        // What the store keeps for itself is not part of the API.
        XCTAssertFalse(core.contains { $0["kind"] == .string("KubeletMemory") })
        XCTAssertEqual(get(api, "/apis/rollout.dev/v1alpha1").0, 404)
        XCTAssertTrue((apps?["resources"]?.arrayValue ?? []).contains { $0["name"] == .string("controllerrevisions") })
        let revisions = get(api, "/apis/apps/v1/namespaces/default/controllerrevisions", accept: "application/json;as=Table;v=v1;g=meta.k8s.io").1
        XCTAssertEqual(revisions?["columnDefinitions"]?.arrayValue?.compactMap { $0["name"]?.stringValue }, ["NAME", "CONTROLLER", "REVISION", "AGE"])
        XCTAssertEqual(get(api, "/version").1?["gitVersion"], .string(ClusterSetup.kubernetesVersion))
    }

    /// `errors.NewNotFound` as the API server writes it, which kubectl prints as
    /// `Error from server (NotFound): pods "nope" not found`.
    func testMissingObjectsAreNotFoundStatuses() throws {
        let (api, _, _) = try served()
        let (status, body) = get(api, "/api/v1/namespaces/default/pods/nope")
        XCTAssertEqual(status, 404)
        XCTAssertEqual(body, .object(Object([
            "kind": .string("Status"), "apiVersion": .string("v1"), "metadata": .object(Object()), "status": .string("Failure"),
            "message": .string("pods \"nope\" not found"), "reason": .string("NotFound"),
            "details": .object(Object(["name": .string("nope"), "kind": .string("pods")])), "code": .int(404),
        ])))
        XCTAssertEqual(get(api, "/apis/apps/v1/namespaces/default/deployments/nope").1?["message"], .string("deployments.apps \"nope\" not found"))
        XCTAssertEqual(get(api, "/apis/apps/v1/namespaces/default/widgets").0, 404)
        XCTAssertEqual(get(api, "/nothing/here").0, 404)
    }

    func testATokenIsRequiredWhenOneIsSet() throws {
        let (api, _, _) = try served(token: "s3cret")
        XCTAssertEqual(get(api, "/api/v1/pods").0, 401)
        XCTAssertEqual(get(api, "/api/v1/pods", token: "wrong").0, 401)
        XCTAssertEqual(get(api, "/api/v1/pods", token: "s3cret").0, 200)
        XCTAssertEqual(get(api, "/healthz").0, 200, "health checks need no token")
    }

    /// The clock follows the test's clock at `speed`: ten seconds later the example's pods
    /// have started (3 s pull, 1 s start, then readiness), as `status` would show them.
    func testTheClusterRunsOnTheServedClock() throws {
        let (api, clock, _) = try served(speed: 2)
        XCTAssertEqual(get(api, "/apis/apps/v1/namespaces/default/deployments/web-api").1?.at("status", "readyReplicas"), nil)
        clock.advance(15)
        let deployment = get(api, "/apis/apps/v1/namespaces/default/deployments/web-api").1
        XCTAssertEqual(deployment?.at("status", "readyReplicas"), .int(3))
        // The cluster's time is 30 s on: the Deployment's pods were created at its start.
        let pods = get(api, "/api/v1/namespaces/default/pods").1?["items"]?.arrayValue ?? []
        XCTAssertEqual(pods.count, 3)
        let table = get(api, "/api/v1/namespaces/default/pods", accept: "application/json;as=Table;v=v1;g=meta.k8s.io,application/json").1
        XCTAssertEqual(table?["rows"]?.arrayValue?.first?["cells"]?.arrayValue?[4], .string("30s"))
    }

    /// Lists: label and field selectors, and `limit`/`continue` pages that cover the list
    /// once, in the API server's order.
    func testListsSelectAndPage() throws {
        let (api, _, _) = try served()
        let all = (get(api, "/api/v1/pods").1?["items"]?.arrayValue ?? []).compactMap { $0.at("metadata", "name")?.stringValue }
        XCTAssertEqual(all.count, 3 + 4, "the example's pods and the k3s profile's system pods")
        var paged: [String] = []
        var next: String?
        repeat {
            let target = "/api/v1/pods?limit=2" + (next.map { "&continue=\($0)" } ?? "")
            let page = get(api, target).1
            paged += (page?["items"]?.arrayValue ?? []).compactMap { $0.at("metadata", "name")?.stringValue }
            next = page?.at("metadata", "continue")?.stringValue
        } while next != nil && paged.count < 100
        XCTAssertEqual(paged, all)
        let web = get(api, "/api/v1/pods?labelSelector=app%3Dweb-api").1?["items"]?.arrayValue ?? []
        XCTAssertEqual(web.count, 3)
        let onNode = get(api, "/api/v1/pods?fieldSelector=spec.nodeName%3Dnode-1").1?["items"]?.arrayValue ?? []
        XCTAssertEqual(onNode.count, all.count)
        let bad = get(api, "/api/v1/pods?fieldSelector=spec.image%3Dx")
        XCTAssertEqual(bad.0, 400)
        XCTAssertEqual(bad.1?["message"], .string("field label not supported: spec.image"))
        XCTAssertEqual(get(api, "/api/v1/pods?labelSelector=a%20in").0, 400)
        XCTAssertEqual(get(api, "/api/v1/pods?continue=notatoken").0, 400)
    }

    /// Server-side printing: the columns and cells of `rollout get`, wide columns at
    /// priority 1 (`TableConvertor` prints wide), the object's metadata for kubectl's `-A`
    /// and `--show-labels`.
    func testTablesAreTheCLIsTables() throws {
        let (api, _, store) = try served()
        let (status, table) = get(api, "/apis/apps/v1/namespaces/default/deployments", accept: "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json")
        XCTAssertEqual(status, 200)
        XCTAssertEqual(table?["kind"], .string("Table"))
        XCTAssertEqual(table?["apiVersion"], .string("meta.k8s.io/v1"))
        let columns = table?["columnDefinitions"]?.arrayValue ?? []
        XCTAssertEqual(columns.compactMap { $0["name"]?.stringValue }, ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"])
        XCTAssertEqual(columns.compactMap { $0["priority"]?.intValue }, [0, 0, 0, 0, 0, 1, 1, 1])
        let expected = TablePrinter.lines(rows: try store.list(ResourceType.builtIn[0], namespace: "default").map(ListingRow.init),
                                          type: ResourceType.builtIn[0], now: store.clock, options: TableOptions(wide: true))
        XCTAssertEqual(table?["rows"]?.arrayValue?.map { $0["cells"]?.arrayValue?.compactMap(\.stringValue) ?? [] }, Array(expected.dropFirst()))
        XCTAssertEqual(table?["rows"]?.arrayValue?.first?.at("object", "kind"), .string("PartialObjectMetadata"))
        XCTAssertEqual(table?["rows"]?.arrayValue?.first?.at("object", "metadata", "name"), .string("web-api"))
        let bare = get(api, "/apis/apps/v1/namespaces/default/deployments?includeObject=None", accept: "application/json;as=Table;v=v1;g=meta.k8s.io")
        XCTAssertNil(bare.1?["rows"]?.arrayValue?.first?["object"])
        XCTAssertEqual(get(api, "/api/v1/pods", accept: "application/vnd.kubernetes.protobuf").0, 406)
    }

    private func send(_ api: APIServer, _ method: String, _ target: String, _ body: String, contentType: String = "application/json") -> (Int, Value?, [String]) {
        let request = HTTPRequest(method: method, target: target, headers: HTTPHeaders([("Content-Type", contentType)]), body: Array(body.utf8))
        let response = api.handle(request)
        guard case .bytes(let bytes) = response.body else { return (response.status, nil, []) }
        return (response.status, try? JSONReader.parse(bytes), response.headers.filter { $0.name == "Warning" }.map(\.value))
    }

    private func json(_ text: String) -> Value { (try? JSONReader.parse(text)) ?? .null }

    /// Another process reading the served state (`rollout get … | less`: a reader keeps its
    /// shared lock while a pager holds its output) once stopped the server: its tick waited
    /// for the commit lock holding the cluster's, and every request waited behind it. Now a
    /// tick leaves the commit to a later one, requests are answered, and the commit follows
    /// once the reader lets go.
    func testAReaderOfTheStateDoesNotStopTheServer() throws {
        let (api, clock, store) = try served()
        let reader = try StateStore(directory: store.directory, writable: false)
        var released = false
        defer { if !released { reader.close() } }
        let committedClock = { () throws -> Timestamp in
            let fresh = try StateStore(directory: store.directory, writable: false)
            defer { fresh.close() }
            return fresh.clock
        }
        let before = try committedClock()
        clock.advance(5)
        try api.cluster.tick()
        XCTAssertEqual(get(api, "/api/v1/namespaces/default/pods").0, 200, "answered while the state is read")
        XCTAssertEqual(api.cluster.now().milliseconds - before.milliseconds, 5_000, "the controllers ran")
        reader.close()
        released = true
        XCTAssertEqual(try committedClock(), before, "not committed while read")
        clock.advance(1)
        try api.cluster.tick()
        XCTAssertEqual(try committedClock().milliseconds - before.milliseconds, 6_000, "committed by the next tick once the reader let go")
    }

    /// A DELETE's options come in its body, as kubectl and client-go send them
    /// (`{"propagationPolicy":"Background","dryRun":["All"]}` for `kubectl delete
    /// --dry-run=server` and a server-dry-run prune; protobuf from a typed client): the API
    /// server reads the body when there is one, else the query (`handlers/delete.go`
    /// DeleteResource). A dry run there answers and deletes nothing — it once deleted.
    func testADeletesOptionsAreReadFromItsBody() throws {
        let (api, _, store) = try served()
        let key = ObjectKey(type: "ConfigMap", namespace: "default", name: "settings")
        XCTAssertEqual(send(api, "POST", "/api/v1/namespaces/default/configmaps", configMap).0, 201)
        let dry = send(api, "DELETE", "/api/v1/namespaces/default/configmaps/settings", #"{"propagationPolicy":"Background","dryRun":["All"]}"#)
        XCTAssertEqual(dry.0, 200)
        XCTAssertEqual(dry.1?.at("metadata", "name"), .string("settings"))
        XCTAssertNotNil(try store.get(key), "a dry run deletes nothing")
        XCTAssertEqual(send(api, "DELETE", "/api/v1/namespaces/default/configmaps/settings", #"{"dryRun":["Some"]}"#).0, 400)
        XCTAssertEqual(send(api, "DELETE", "/api/v1/namespaces/default/configmaps/settings", "{not json").0, 400)
        XCTAssertEqual(send(api, "DELETE", "/api/v1/namespaces/default/configmaps?labelSelector=", #"{"dryRun":["All"]}"#).0, 200)
        XCTAssertNotNil(try store.get(key), "nor does a dry run of a collection's delete")
        // The same from a typed client, in protobuf: the `k8s\0` envelope, TypeMeta (v1,
        // DeleteOptions), then DeleteOptions with dryRun (field 5) "All".
        let typeMeta: [UInt8] = [0x0A, 0x02] + Array("v1".utf8) + [0x12, 0x0D] + Array("DeleteOptions".utf8)
        let options: [UInt8] = [0x2A, 0x03] + Array("All".utf8)
        let protobuf = Protobuf.magic + [0x0A, UInt8(typeMeta.count)] + typeMeta + [0x12, UInt8(options.count)] + options
        let request = HTTPRequest(method: "DELETE", target: "/api/v1/namespaces/default/configmaps/settings",
                                  headers: HTTPHeaders([("Content-Type", "application/vnd.kubernetes.protobuf")]), body: protobuf)
        XCTAssertEqual(api.handle(request).status, 200)
        XCTAssertNotNil(try store.get(key), "nor does one sent in protobuf")
        // Without a body, the query's options; then it goes.
        XCTAssertEqual(send(api, "DELETE", "/api/v1/namespaces/default/configmaps/settings?dryRun=All", "").0, 200)
        XCTAssertNotNil(try store.get(key))
        XCTAssertEqual(send(api, "DELETE", "/api/v1/namespaces/default/configmaps/settings", #"{"propagationPolicy":"Background"}"#).0, 200)
        XCTAssertNil(try store.get(key))
    }

    /// A served write drops the fields of features 1.32 ships switched off, as the API server's
    /// PrepareForUpdate does (`pkg/api/pod/util.go` dropDisabledFields, `DisabledFields`): a
    /// patch that only adds `hostUsers` changes nothing, and the generation stays.
    func testAServedWriteDropsTheFieldsOfDisabledFeatures() throws {
        let (api, _, _) = try served()
        let path = "/apis/apps/v1/namespaces/default/deployments/web-api"
        let (status, before) = get(api, path)
        XCTAssertEqual(status, 200)
        let patched = send(api, "PATCH", path, #"{"spec":{"template":{"spec":{"hostUsers":false}}}}"#, contentType: "application/merge-patch+json")
        XCTAssertEqual(patched.0, 200, "\(String(describing: patched.1))")
        XCTAssertNil(patched.1?["spec"]?["template"]?["spec"]?["hostUsers"])
        XCTAssertEqual(patched.1?["metadata"]?["generation"], before?["metadata"]?["generation"])
        XCTAssertEqual(patched.1?["spec"], before?["spec"])
    }

    private let configMap = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"settings"},"data":{"a":"1"}}"#

    /// Create, read, replace with and without the live resourceVersion, patch, delete: the API
    /// server's status codes and Status reasons.
    func testWritesAnswerAsTheAPIServerDoes() throws {
        let (api, _, store) = try served()
        let created = send(api, "POST", "/api/v1/namespaces/default/configmaps", configMap)
        XCTAssertEqual(created.0, 201)
        XCTAssertEqual(created.1?.at("metadata", "namespace"), .string("default"))
        XCTAssertNotNil(created.1?.at("metadata", "uid")?.stringValue)
        let version = created.1?.at("metadata", "resourceVersion")?.stringValue ?? ""
        XCTAssertFalse(version.isEmpty)
        XCTAssertNotNil(try store.get(ObjectKey(type: "ConfigMap", namespace: "default", name: "settings")), "stored")
        let again = send(api, "POST", "/api/v1/namespaces/default/configmaps", configMap)
        XCTAssertEqual(again.0, 409)
        XCTAssertEqual(again.1?["reason"], .string("AlreadyExists"))
        XCTAssertEqual(again.1?["message"], .string("configmaps \"settings\" already exists"))
        // A replace must carry the live resourceVersion, or none.
        let stale = send(api, "PUT", "/api/v1/namespaces/default/configmaps/settings",
                         #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"settings","resourceVersion":"1"},"data":{"a":"2"}}"#)
        XCTAssertEqual(stale.0, 409)
        XCTAssertEqual(stale.1?["message"], .string("Operation cannot be fulfilled on configmaps \"settings\": the object has been modified; please apply your changes to the latest version and try again"))
        let replaced = send(api, "PUT", "/api/v1/namespaces/default/configmaps/settings",
                            #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"settings","resourceVersion":"\#(version)"},"data":{"a":"2"}}"#)
        XCTAssertEqual(replaced.0, 200)
        XCTAssertEqual(replaced.1?.at("data", "a"), .string("2"))
        XCTAssertEqual(replaced.1?.at("metadata", "uid"), created.1?.at("metadata", "uid"), "the server keeps the uid")
        let patched = send(api, "PATCH", "/api/v1/namespaces/default/configmaps/settings", #"{"data":{"b":"3"}}"#, contentType: "application/merge-patch+json")
        XCTAssertEqual(patched.1?["data"], json(#"{"a":"2","b":"3"}"#))
        XCTAssertEqual(send(api, "PATCH", "/api/v1/namespaces/default/configmaps/settings", "{}", contentType: "text/plain").0, 415)
        XCTAssertEqual(send(api, "PATCH", "/api/v1/namespaces/default/configmaps/nope", "{}", contentType: "application/merge-patch+json").0, 404)
        // A dry run answers and stores nothing.
        let dry = send(api, "PATCH", "/api/v1/namespaces/default/configmaps/settings?dryRun=All", #"{"data":{"c":"4"}}"#, contentType: "application/merge-patch+json")
        XCTAssertEqual(dry.1?.at("data", "c"), .string("4"))
        XCTAssertNil(try store.get(ObjectKey(type: "ConfigMap", namespace: "default", name: "settings"))?.value.at("data", "c"))
        let deleted = send(api, "DELETE", "/api/v1/namespaces/default/configmaps/settings", "")
        XCTAssertEqual(deleted.0, 200)
        XCTAssertEqual(deleted.1?["status"], .string("Success"))
        XCTAssertEqual(get(api, "/api/v1/namespaces/default/configmaps/settings").0, 404)
        XCTAssertEqual(send(api, "POST", "/api/v1/namespaces/nowhere/configmaps", configMap).1?["message"], .string("namespaces \"nowhere\" not found"))
        XCTAssertEqual(send(api, "POST", "/api/v1/namespaces/default/configmaps", "{not json").0, 400)
        XCTAssertEqual(send(api, "POST", "/api/v1/namespaces/default/secrets", configMap).0, 400, "a ConfigMap is not a Secret")
        // A POST to one object, a PUT or PATCH to a collection: not a route.
        XCTAssertEqual(send(api, "POST", "/api/v1/namespaces/default/configmaps/settings", configMap).0, 405)
        XCTAssertEqual(send(api, "PUT", "/api/v1/namespaces/default/configmaps", configMap).0, 405)
        XCTAssertEqual(send(api, "PATCH", "/api/v1/namespaces/default/configmaps", "{}", contentType: "application/merge-patch+json").0, 405)
    }

    /// The CLI's validation, as `errors.NewInvalid` Statuses with causes.
    func testInvalidObjectsAreRefusedWithTheirFields() throws {
        let (api, _, _) = try served()
        let deployment = #"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"bad"},"spec":{"replicas":-1,"selector":{"matchLabels":{"app":"x"}},"template":{"metadata":{"labels":{"app":"x"}},"spec":{"containers":[{"name":"c","image":"i"}]}}}}"#
        let refused = send(api, "POST", "/apis/apps/v1/namespaces/default/deployments", deployment)
        XCTAssertEqual(refused.0, 422)
        XCTAssertEqual(refused.1?["reason"], .string("Invalid"))
        XCTAssertEqual(refused.1?["message"], .string("Deployment.apps \"bad\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0"))
        XCTAssertEqual(refused.1?.at("details", "causes"), json(#"[{"reason":"FieldValueInvalid","message":"Invalid value: -1: must be greater than or equal to 0","field":"spec.replicas"}]"#))
        // An immutable field on update.
        XCTAssertEqual(send(api, "PATCH", "/apis/apps/v1/namespaces/default/deployments/web-api", #"{"spec":{"selector":{"matchLabels":{"app":"other"}}}}"#,
                            contentType: "application/merge-patch+json").0, 422)
        // An admission plugin's refusal is 403 Forbidden (admission.NewForbidden →
        // errors.NewForbidden: `pods "p" is forbidden: …`, details naming the resource).
        let pod = #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"priorityClassName":"nope","containers":[{"name":"c","image":"i"}]}}"#
        let forbidden = send(api, "POST", "/api/v1/namespaces/default/pods", pod)
        XCTAssertEqual(forbidden.0, 403)
        XCTAssertEqual(forbidden.1?["reason"], .string("Forbidden"))
        XCTAssertEqual(forbidden.1?["message"], .string("pods \"p\" is forbidden: no PriorityClass with name nope was found"))
        XCTAssertEqual(forbidden.1?.at("details", "name"), .string("p"))
        XCTAssertEqual(forbidden.1?.at("details", "kind"), .string("pods"))
        XCTAssertEqual(get(api, "/api/v1/namespaces/default/pods/p").0, 404)
        // So is deleting an immortal namespace (NamespaceLifecycle admission).
        let immortal = send(api, "DELETE", "/api/v1/namespaces/kube-system", "")
        XCTAssertEqual(immortal.0, 403)
        XCTAssertEqual(immortal.1?["message"], .string("namespaces \"kube-system\" is forbidden: this namespace may not be deleted"))
        XCTAssertEqual(get(api, "/api/v1/namespaces/kube-system").0, 200)
        // A DeleteCollection that would take one fails whole (the registry deletes each
        // through Delete), and takes nothing.
        let collection = send(api, "DELETE", "/api/v1/namespaces?labelSelector=kubernetes.io/metadata.name%3Dkube-public", "")
        XCTAssertEqual(collection.0, 403)
        XCTAssertEqual(collection.1?["message"], .string("namespaces \"kube-public\" is forbidden: this namespace may not be deleted"))
        XCTAssertEqual(get(api, "/api/v1/namespaces/kube-public").0, 200)
    }

    /// The scale subresource (`kubectl scale` patches it) and the controllers acting on a write
    /// at once.
    func testScaleSubresource() throws {
        let (api, _, _) = try served()
        let scale = get(api, "/apis/apps/v1/namespaces/default/deployments/web-api/scale").1
        XCTAssertEqual(scale?["kind"], .string("Scale"))
        XCTAssertEqual(scale?.at("spec", "replicas"), .int(3))
        XCTAssertEqual(scale?.at("status", "selector"), .string("app=web-api"))
        let scaled = send(api, "PATCH", "/apis/apps/v1/namespaces/default/deployments/web-api/scale", #"{"spec":{"replicas":5}}"#, contentType: "application/merge-patch+json")
        XCTAssertEqual(scaled.0, 200)
        XCTAssertEqual(scaled.1?.at("spec", "replicas"), .int(5))
        let pods = get(api, "/api/v1/namespaces/default/pods?labelSelector=app%3Dweb-api").1?["items"]?.arrayValue ?? []
        XCTAssertEqual(pods.count, 5, "the ReplicaSet controller made the pods at once")
        XCTAssertEqual(get(api, "/api/v1/namespaces/default/services/web-api/scale").0, 404)
    }

    final class Collector: HTTPChunkWriter, @unchecked Sendable {
        private let lock = NSLock()
        private var chunks: [[UInt8]] = []
        func write(_ bytes: [UInt8]) -> Bool { lock.lock(); chunks.append(bytes); lock.unlock(); return true }
        /// Each event line's type and object.
        var events: [(String, Value)] {
            lock.lock(); defer { lock.unlock() }
            return chunks.compactMap { try? JSONReader.parse($0) }.compactMap { e in e["type"]?.stringValue.map { ($0, e["object"] ?? .null) } }
        }
    }

    /// Starts a watch on its own thread; returns what it wrote once it has ended.
    private func watch(_ api: APIServer, _ target: String, accept: String? = nil, while body: () -> Void) -> [(String, Value)] {
        watch(api, target, accept: accept, observing: { _ in body() })
    }

    /// The same, `body` told how many events the watch has written so far (to wait for them
    /// before moving the clock past the watch's end, on a machine too busy for fixed sleeps).
    private func watch(_ api: APIServer, _ target: String, accept: String? = nil, observing body: (_ received: () -> Int) -> Void) -> [(String, Value)] {
        var headers = HTTPHeaders()
        if let accept { headers.fields.append(("Accept", accept)) }
        let response = api.handle(HTTPRequest(method: "GET", target: target, headers: headers))
        guard case .stream(let stream) = response.body else {
            XCTFail("not a stream: \(response.status)")
            return []
        }
        let collector = Collector()
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread { stream(collector); done.signal() }
        body { collector.events.count }
        XCTAssertEqual(done.wait(timeout: .now() + 20), .success, "the watch ended")
        return collector.events
    }

    /// Watches (`watch.go`): from a list's resourceVersion, every change after it, in order;
    /// a deletion as DELETED with the object as it was; without a version, the objects as
    /// ADDED first.
    func testWatchesStreamTheChanges() throws {
        let (api, clock, _) = try served()
        let version = get(api, "/api/v1/namespaces/default/configmaps").1?.at("metadata", "resourceVersion")?.stringValue ?? ""
        let events = watch(api, "/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=\(version)&timeoutSeconds=5", observing: { received in
            usleep(200_000)
            XCTAssertEqual(send(api, "POST", "/api/v1/namespaces/default/configmaps", configMap).0, 201)
            XCTAssertEqual(send(api, "PATCH", "/api/v1/namespaces/default/configmaps/settings", #"{"data":{"b":"2"}}"#, contentType: "application/merge-patch+json").0, 200)
            XCTAssertEqual(send(api, "DELETE", "/api/v1/namespaces/default/configmaps/settings", "").0, 200)
            for _ in 0..<1_000 where received() < 3 { usleep(10_000) }
            clock.advance(10)
            _ = send(api, "POST", "/api/v1/namespaces/default/configmaps", #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"wake"}}"#)
        })
        XCTAssertEqual(events.map(\.0).prefix(3), ["ADDED", "MODIFIED", "DELETED"])
        XCTAssertEqual(events[1].1.at("data", "b"), .string("2"))
        XCTAssertEqual(events[2].1.at("metadata", "name"), .string("settings"))
        // From "0": what is there now, as ADDED; a field selector on the name.
        let now = watch(api, "/api/v1/namespaces/kube-system/pods?watch=true&timeoutSeconds=1&fieldSelector=metadata.name%3Dnone") {
            usleep(200_000)
            clock.advance(10)
        }
        XCTAssertTrue(now.isEmpty)
        let all = watch(api, "/api/v1/nodes?watch=1&resourceVersion=0&timeoutSeconds=1") {
            usleep(200_000)
            clock.advance(10)
        }
        XCTAssertEqual(all.map(\.0), ["ADDED"])
        XCTAssertEqual(all.first?.1["kind"], .string("Node"))
    }

    /// A watch from before the changes kept gets 410 Expired as an ERROR event; an idle
    /// watch with `allowWatchBookmarks` gets BOOKMARKs; a Table watch, rows.
    func testWatchesExpireAndBookmark() throws {
        let (api, clock, store) = try served()
        store.journal = ChangeJournal(capacity: 2, resourceVersion: store.resourceVersion)
        for name in ["a", "b", "c"] {
            XCTAssertEqual(send(api, "POST", "/api/v1/namespaces/default/configmaps", #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"\#(name)"}}"#).0, 201)
        }
        let expired = watch(api, "/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=1") {}
        XCTAssertEqual(expired.map(\.0), ["ERROR"])
        XCTAssertEqual(expired.first?.1["code"], .int(410))
        XCTAssertEqual(expired.first?.1["reason"], .string("Expired"))
        let latest = store.journal?.latestResourceVersion ?? 0
        let idle = watch(api, "/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=\(latest)&allowWatchBookmarks=true&timeoutSeconds=30") {
            usleep(200_000)
            usleep(1_300_000)
            clock.advance(60)
        }
        XCTAssertEqual(idle.first?.0, "BOOKMARK")
        XCTAssertEqual(idle.first?.1.at("metadata", "resourceVersion"), .string(String(latest)))
        // (A journal that keeps more, for what follows.)
        store.journal = ChangeJournal(resourceVersion: store.resourceVersion)
        let rows = watch(api, "/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=\(store.resourceVersion)&timeoutSeconds=5",
                         accept: "application/json;as=Table;v=v1;g=meta.k8s.io", observing: { received in
            usleep(200_000)
            XCTAssertEqual(send(api, "PATCH", "/api/v1/namespaces/default/configmaps/a", #"{"data":{"x":"1"}}"#, contentType: "application/merge-patch+json").0, 200)
            XCTAssertEqual(send(api, "PATCH", "/api/v1/namespaces/default/configmaps/a", #"{"data":{"y":"1"}}"#, contentType: "application/merge-patch+json").0, 200)
            // Both written before the clock passes the watch's end (a busy machine may be slow).
            for _ in 0..<1_000 where received() < 2 { usleep(10_000) }
            clock.advance(60)
            _ = send(api, "PATCH", "/api/v1/namespaces/default/configmaps/b", #"{"data":{"z":"1"}}"#, contentType: "application/merge-patch+json")
        })
        XCTAssertEqual(rows.first?.1["kind"], .string("Table"))
        XCTAssertEqual(rows.first?.1["rows"]?.arrayValue?.first?["cells"]?.arrayValue?.prefix(2).map { $0 }, [.string("a"), .string("1")])
        XCTAssertEqual(rows.dropFirst().first?.1["columnDefinitions"], .array([]), "the column definitions come once")
    }

    /// `WireTime`: the API shows the cluster's times moved onto the wall clock, so that ages
    /// kubectl works out itself are the cluster's; what clients send is moved back.
    func testTimesAreShownOnTheWallClock() throws {
        let value = json(#"{"metadata":{"creationTimestamp":"2025-01-01T00:00:00Z","annotations":{"restartedAt":"2025-01-01T00:00:00Z"}},"eventTime":"2025-01-01T00:00:01.123456Z","status":{"conditions":[{"lastTransitionTime":"2025-01-01T00:00:02Z","message":"2025-01-01T00:00:00Z"}]},"data":{"startedAt":"2025-01-01T00:00:00Z"}}"#)
        XCTAssertEqual(WireTime.shift(value, by: 86_400_000), json(#"{"metadata":{"creationTimestamp":"2025-01-02T00:00:00Z","annotations":{"restartedAt":"2025-01-01T00:00:00Z"}},"eventTime":"2025-01-02T00:00:01.123456Z","status":{"conditions":[{"lastTransitionTime":"2025-01-02T00:00:02Z","message":"2025-01-01T00:00:00Z"}]},"data":{"startedAt":"2025-01-01T00:00:00Z"}}"#))
        let (api, clock, store) = try served()
        // The wall clock a year and a day after the cluster's (2025-01-01T00:00:00Z).
        clock.unix = Double(Timestamp.clusterEpoch.milliseconds) / 1000 + 366 * 86_400
        let deployment = get(api, "/apis/apps/v1/namespaces/default/deployments/web-api").1
        XCTAssertEqual(deployment?.at("metadata", "creationTimestamp"), .string("2026-01-02T00:00:00Z"))
        XCTAssertEqual(try store.get(ObjectKey(type: "apps/Deployment", namespace: "default", name: "web-api"))?.creationTimestamp, "2025-01-01T00:00:00Z")
        let created = send(api, "POST", "/api/v1/namespaces/default/configmaps",
                           #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"t","annotations":{"a":"b"}},"data":{"checkedAt":"x"}}"#)
        XCTAssertEqual(created.1?.at("metadata", "creationTimestamp"), .string("2026-01-02T00:00:00Z"))
        XCTAssertEqual(try store.get(ObjectKey(type: "ConfigMap", namespace: "default", name: "t"))?.creationTimestamp, "2025-01-01T00:00:00Z")
    }

    /// `--traffic`: requests replayed through the serving Services all along, their failures
    /// reported by `/apis/rollout.dev/v1alpha1/traffic`. The example rolls without a failed
    /// request (readiness probe, preStop drain, maxUnavailable 0); without its readiness probe
    /// a new pod gets requests while its app still warms up (`rollout.sim/startup: 5s`), as
    /// `rollout apply --wait` of the same change reports (42 failed at 10/s).
    func testTrafficThroughAServedCluster() throws {
        for (probe, expectFailures) in [(true, false), (false, true)] {
            let (api, clock, _) = try served(speed: 1, traffic: 10)
            clock.advance(60)
            XCTAssertEqual(get(api, "/apis/apps/v1/namespaces/default/deployments/web-api").1?.at("status", "readyReplicas"), .int(3))
            let started = get(api, "/apis/rollout.dev/v1alpha1/traffic").1?["nowTime"]?.stringValue ?? ""
            var patch = #"[{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"ghcr.io/example/web-api:1.5.0"}"#
            if !probe { patch += #",{"op":"remove","path":"/spec/template/spec/containers/0/readinessProbe"}"# }
            XCTAssertEqual(send(api, "PATCH", "/apis/apps/v1/namespaces/default/deployments/web-api", patch + "]", contentType: "application/json-patch+json").0, 200)
            for _ in 0..<12 {
                clock.advance(10)
                _ = get(api, "/api/v1/namespaces/default/pods")
            }
            let report = get(api, "/apis/rollout.dev/v1alpha1/traffic?since=\(started)").1
            let web = report?["routes"]?.arrayValue?.first { $0["route"] == .string("service/web-api") }
            XCTAssertEqual(web?["requests"], .int(1200), "120 s at 10/s since the roll began")
            XCTAssertEqual(web?["failed"], .int(expectFailures ? 42 : 0), "\(report ?? .null)")
            if expectFailures {
                XCTAssertEqual(web?["windows"]?.arrayValue?.first?["reason"], .string("pod still warming up"))
                XCTAssertEqual(report?["failed"], .int(84), "the Service and the Ingress rule in front of it")
            }
        }
        let (api, _, _) = try served()
        XCTAssertEqual(get(api, "/apis/rollout.dev/v1alpha1/traffic").1?["rps"], .int(0))
        XCTAssertEqual(get(api, "/apis/rollout.dev/v1alpha1/traffic?since=yesterday").0, 400)
    }

    /// Server-side apply (`fieldmanager`, structured-merge-diff): an apply owns what its
    /// configuration names; another manager's field set to another value is a 409 Conflict
    /// naming it, unless forced, when it changes owner; a field the applier named before and no
    /// longer does goes, unless someone else owns it; kubectl moving a client-side applied
    /// object takes over what its last-applied configuration set (`lastAppliedManager`).
    func testServerSideApply() throws {
        let (api, _, _) = try served()
        let path = "/api/v1/namespaces/default/configmaps/owned"
        func apply(_ config: String, manager: String = "ci", force: Bool = false) -> (Int, Value?, [String]) {
            send(api, "PATCH", path + "?fieldManager=\(manager)" + (force ? "&force=true" : ""), config, contentType: "application/apply-patch+yaml")
        }
        let first = apply("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: owned\n  labels: {team: a, tier: web}\ndata:\n  a: \"1\"\n  b: \"2\"\n")
        XCTAssertEqual(first.0, 201, "\(first.1 ?? .null)")
        let fields = first.1?.at("metadata", "managedFields")?.arrayValue?.first
        XCTAssertEqual(fields?["manager"], .string("ci"))
        XCTAssertEqual(fields?["operation"], .string("Apply"))
        XCTAssertEqual(fields?["fieldsV1"], json(#"{"f:data":{".":{},"f:a":{},"f:b":{}},"f:metadata":{"f:labels":{".":{},"f:team":{},"f:tier":{}}}}"#))
        // Another manager changes `a`; the applier setting it back is a conflict.
        XCTAssertEqual(send(api, "PATCH", path + "?fieldManager=ops", #"{"data":{"a":"9"},"metadata":{"labels":{"oncall":"yes"}}}"#, contentType: "application/merge-patch+json").0, 200)
        let conflict = apply("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: owned\n  labels: {team: a}\ndata:\n  a: \"1\"\n")
        XCTAssertEqual(conflict.0, 409)
        XCTAssertEqual(conflict.1?["message"], .string("Apply failed with 1 conflict: conflict with \"ops\" using v1: .data.a"))
        XCTAssertEqual(conflict.1?.at("details", "causes"), json(#"[{"reason":"FieldManagerConflict","message":"conflict with \"ops\" using v1","field":".data.a"}]"#))
        // The same value is no conflict; forced, `a` changes owner; `b` and the `tier` label,
        // no longer applied and owned by nobody else, go; the `oncall` label `ops` set stays.
        let forced = apply("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: owned\n  labels: {team: a}\ndata:\n  a: \"1\"\n", force: true)
        XCTAssertEqual(forced.0, 200)
        XCTAssertEqual(forced.1?["data"], json(#"{"a":"1"}"#))
        XCTAssertEqual(forced.1?.at("metadata", "labels"), json(#"{"team":"a","oncall":"yes"}"#))
        let owners = (forced.1?.at("metadata", "managedFields")?.arrayValue ?? []).map { ($0["manager"]?.stringValue ?? "", $0["fieldsV1"] ?? .null) }
        XCTAssertEqual(owners.first { $0.0 == "ops" }?.1, json(#"{"f:metadata":{"f:labels":{"f:oncall":{}}}}"#))
        XCTAssertEqual(apply("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: owned\n", manager: "").0, 422, "an apply names its manager")
        // kubectl's move from client-side apply: what the last-applied configuration set and
        // still holds is taken over without a conflict; what someone changed since is not.
        let lastApplied = #"{\"apiVersion\":\"v1\",\"data\":{\"k\":\"1\"},\"kind\":\"ConfigMap\",\"metadata\":{\"annotations\":{},\"name\":\"moved\",\"namespace\":\"default\"}}\n"#
        XCTAssertEqual(send(api, "POST", "/api/v1/namespaces/default/configmaps?fieldManager=kubectl-client-side-apply",
                            #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"moved","annotations":{"kubectl.kubernetes.io/last-applied-configuration":"\#(lastApplied)"}},"data":{"k":"1"}}"#).0, 201)
        let moved = send(api, "PATCH", "/api/v1/namespaces/default/configmaps/moved?fieldManager=kubectl", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: moved\ndata:\n  k: \"2\"\n",
                         contentType: "application/apply-patch+yaml")
        XCTAssertEqual(moved.0, 200, "\(moved.1 ?? .null)")
        XCTAssertEqual(moved.1?.at("data", "k"), .string("2"))
        XCTAssertEqual(send(api, "PATCH", "/api/v1/namespaces/default/configmaps/moved?fieldManager=ops", #"{"data":{"k":"3"}}"#, contentType: "application/merge-patch+json").0, 200)
        XCTAssertEqual(send(api, "PATCH", "/api/v1/namespaces/default/configmaps/moved?fieldManager=kubectl", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: moved\ndata:\n  k: \"4\"\n",
                            contentType: "application/apply-patch+yaml").0, 409)
    }

    /// The aggregated discovery kubectl 1.32 asks for first (`apidiscovery.k8s.io/v2`), and
    /// the legacy documents for an Accept without it.
    func testAggregatedDiscovery() throws {
        let (api, _, _) = try served()
        let accept = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json"
        let response = api.handle(HTTPRequest(method: "GET", target: "/apis", headers: HTTPHeaders([("Accept", accept)])))
        XCTAssertEqual(response.headers.first { $0.name == "Content-Type" }?.value, "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList")
        let (_, apis) = get(api, "/apis", accept: accept)
        XCTAssertEqual(apis?["kind"], .string("APIGroupDiscoveryList"))
        let apps = apis?["items"]?.arrayValue?.first { $0.at("metadata", "name") == .string("apps") }
        let deployments = apps?["versions"]?.arrayValue?.first?["resources"]?.arrayValue?.first { $0["resource"] == .string("deployments") }
        XCTAssertEqual(deployments?["scope"], .string("Namespaced"))
        XCTAssertEqual(deployments?["verbs"], json(#"["create","delete","deletecollection","get","list","patch","update","watch"]"#))
        XCTAssertEqual(deployments?["subresources"]?.arrayValue?.compactMap { $0["subresource"]?.stringValue }, ["status", "scale"])
        let core = get(api, "/api", accept: accept).1?["items"]?.arrayValue ?? []
        XCTAssertEqual(core.count, 1)
        XCTAssertEqual(core.first?.at("metadata", "name"), .string(""))
        XCTAssertEqual(get(api, "/apis", accept: "application/json").1?["kind"], .string("APIGroupList"))
        // A protobuf body (kubectl's typed clients: `kubectl create configmap`) is refused, saying so.
        let protobuf = api.handle(HTTPRequest(method: "POST", target: "/api/v1/namespaces/default/configmaps",
                                              headers: HTTPHeaders([("Content-Type", "application/vnd.kubernetes.protobuf")]), body: [0x6B, 0x38, 0x73, 0x00, 1, 2]))
        XCTAssertEqual(protobuf.status, 415)
    }

    /// `generateName` (the prefix and five characters of Kubernetes' name alphabet) and
    /// `deletecollection` with a label selector.
    func testGeneratedNamesAndCollectionDeletes() throws {
        let (api, _, store) = try served()
        var names: [String] = []
        for _ in 0..<3 {
            let created = send(api, "POST", "/api/v1/namespaces/default/configmaps",
                               #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"generateName":"job-","labels":{"batch":"x"}}}"#)
            XCTAssertEqual(created.0, 201)
            names.append(created.1?.at("metadata", "name")?.stringValue ?? "")
        }
        XCTAssertEqual(Set(names).count, 3)
        for name in names { XCTAssertNotNil(name.range(of: "^job-[bcdfghjklmnpqrstvwxz2456789]{5}$", options: .regularExpression), name) }
        XCTAssertEqual(send(api, "POST", "/api/v1/namespaces/default/configmaps", configMap).0, 201)
        let deleted = send(api, "DELETE", "/api/v1/namespaces/default/configmaps?labelSelector=batch%3Dx", "")
        XCTAssertEqual(deleted.0, 200)
        XCTAssertEqual(deleted.1?["items"]?.arrayValue?.count, 3)
        XCTAssertEqual(try store.list(ResourceType.forObject(apiVersion: "v1", kind: "ConfigMap"), namespace: "default").map(\.name).filter { $0.hasPrefix("job-") }, [])
        XCTAssertNotNil(try store.get(ObjectKey(type: "ConfigMap", namespace: "default", name: "settings")), "what the selector does not match stays")
    }

    /// `events.k8s.io/v1` Events are the core ones in their own shape
    /// (`Convert_core_Event_To_v1_Event`): listed, got, created, patched and watched as such,
    /// kept as core Events.
    func testEventsK8sIOIsAViewOfTheCoreEvents() throws {
        let (api, clock, store) = try served()
        clock.advance(5)
        let core = get(api, "/api/v1/namespaces/default/events").1?["items"]?.arrayValue ?? []
        let v1 = get(api, "/apis/events.k8s.io/v1/namespaces/default/events").1?["items"]?.arrayValue ?? []
        XCTAssertEqual(v1.count, core.count)
        XCTAssertGreaterThan(v1.count, 5)
        let scaled = core.first { $0["reason"] == .string("ScalingReplicaSet") }
        let same = v1.first { $0.at("metadata", "name") == scaled?.at("metadata", "name") }
        XCTAssertEqual(same?["apiVersion"], .string("events.k8s.io/v1"))
        XCTAssertEqual(same?["note"], scaled?["message"])
        XCTAssertEqual(same?["regarding"], scaled?["involvedObject"])
        XCTAssertEqual(same?["deprecatedCount"], scaled?["count"])
        XCTAssertEqual(same?["reportingController"], .string("deployment-controller"))
        let event = #"{"apiVersion":"events.k8s.io/v1","kind":"Event","metadata":{"name":"deploy.1"},"eventTime":"2025-01-01T00:00:05.000000Z","reportingController":"example.com/ci","reportingInstance":"ci-1","action":"Deploy","reason":"Started","regarding":{"kind":"Deployment","name":"web-api","namespace":"default"},"note":"deploy 42 started","type":"Normal"}"#
        let created = send(api, "POST", "/apis/events.k8s.io/v1/namespaces/default/events", event)
        XCTAssertEqual(created.0, 201, "\(created.1 ?? .null)")
        XCTAssertEqual(created.1?["note"], .string("deploy 42 started"))
        let stored = try store.get(ObjectKey(type: "Event", namespace: "default", name: "deploy.1"))
        XCTAssertEqual(stored?.value["message"], .string("deploy 42 started"))
        XCTAssertEqual(stored?.value["reportingComponent"], .string("example.com/ci"))
        let patched = send(api, "PATCH", "/apis/events.k8s.io/v1/namespaces/default/events/deploy.1", #"{"note":"deploy 42 done"}"#, contentType: "application/merge-patch+json")
        XCTAssertEqual(patched.1?["note"], .string("deploy 42 done"))
        XCTAssertEqual(try store.get(ObjectKey(type: "Event", namespace: "default", name: "deploy.1"))?.value["message"], .string("deploy 42 done"))
        XCTAssertEqual(get(api, "/apis/events.k8s.io/v1/namespaces/default/events/deploy.1").1?["action"], .string("Deploy"))
        let table = get(api, "/apis/events.k8s.io/v1/namespaces/default/events", accept: "application/json;as=Table;v=v1;g=meta.k8s.io").1
        XCTAssertEqual(table?["columnDefinitions"]?.arrayValue?.compactMap { $0["name"]?.stringValue }.prefix(3), ["LAST SEEN", "TYPE", "REASON"])
        XCTAssertEqual(send(api, "DELETE", "/apis/events.k8s.io/v1/namespaces/default/events/deploy.1", "").0, 200)
        XCTAssertNil(try store.get(ObjectKey(type: "Event", namespace: "default", name: "deploy.1")))
    }

    /// A watch of Events sees what a list of them has: the stored events and those derived from
    /// pods' status (Scheduled, Created, Started, …), each once, the ones after its start only.
    func testAnEventWatchSeesTheDerivedEventsToo() throws {
        let (api, clock, _) = try served()
        let list = get(api, "/api/v1/namespaces/default/events").1
        let version = list?.at("metadata", "resourceVersion")?.stringValue ?? ""
        let before = Set((list?["items"]?.arrayValue ?? []).compactMap { $0.at("metadata", "name")?.stringValue })
        let seen = watch(api, "/api/v1/namespaces/default/events?watch=1&resourceVersion=\(version)&timeoutSeconds=30") {
            usleep(200_000)
            for _ in 0..<6 {
                clock.advance(5)
                _ = get(api, "/api/v1/namespaces/default/pods")
            }
            clock.advance(60)
            _ = get(api, "/api/v1/namespaces/default/pods")
        }
        let listed = (get(api, "/api/v1/namespaces/default/events").1?["items"]?.arrayValue ?? []).compactMap { $0.at("metadata", "name")?.stringValue }
        let watched = seen.filter { $0.0 == "ADDED" }.compactMap { $0.1.at("metadata", "name")?.stringValue }
        XCTAssertEqual(Set(watched).count, watched.count, "each once")
        XCTAssertEqual(watched.sorted(), listed.filter { !before.contains($0) }.sorted())
        XCTAssertTrue(seen.contains { $0.1["reason"] == .string("Started") }, "derived")
        XCTAssertTrue(seen.contains { $0.1["reason"] == .string("Pulled") }, "stored")
        XCTAssertFalse(seen.contains { $0.1["reason"] == .string("Scheduled") }, "before the watch")
    }

    /// Foreground deletion (`processDeletingDependentsItem`): the Deployment and its
    /// ReplicaSet stay, marked with a deletionTimestamp and the `foregroundDeletion` finalizer,
    /// while the pods stop; the ReplicaSet makes no new pods meanwhile; then the ReplicaSet
    /// goes, then the Deployment. Background deletion removes the owner at once.
    func testForegroundDeletionWaitsForTheDependents() throws {
        let (api, clock, store) = try served()
        clock.advance(30)
        XCTAssertEqual(get(api, "/apis/apps/v1/namespaces/default/deployments/web-api").1?.at("status", "readyReplicas"), .int(3))
        let deleted = send(api, "DELETE", "/apis/apps/v1/namespaces/default/deployments/web-api", #"{"propagationPolicy":"Foreground"}"#)
        XCTAssertEqual(deleted.0, 200)
        XCTAssertEqual(deleted.1?.at("metadata", "finalizers"), json(#"["foregroundDeletion"]"#))
        XCTAssertNotNil(deleted.1?.at("metadata", "deletionTimestamp"))
        clock.advance(1)
        let sets = get(api, "/apis/apps/v1/namespaces/default/replicasets").1?["items"]?.arrayValue ?? []
        XCTAssertEqual(sets.count, 1)
        XCTAssertEqual(sets.first?.at("metadata", "finalizers"), json(#"["foregroundDeletion"]"#))
        let pods = get(api, "/api/v1/namespaces/default/pods?labelSelector=app%3Dweb-api").1?["items"]?.arrayValue ?? []
        XCTAssertEqual(pods.count, 3, "no new pods while they stop")
        XCTAssertTrue(pods.allSatisfy { $0.at("metadata", "deletionTimestamp") != nil })
        XCTAssertNotNil(get(api, "/apis/apps/v1/namespaces/default/deployments/web-api").1?.at("metadata", "deletionTimestamp"))
        clock.advance(60)
        XCTAssertEqual(get(api, "/api/v1/namespaces/default/pods?labelSelector=app%3Dweb-api").1?["items"]?.arrayValue?.count, 0)
        XCTAssertEqual(get(api, "/apis/apps/v1/namespaces/default/replicasets").1?["items"]?.arrayValue?.count, 0)
        XCTAssertEqual(get(api, "/apis/apps/v1/namespaces/default/deployments/web-api").0, 404)
        XCTAssertNil(try store.get(ObjectKey(type: "apps/Deployment", namespace: "default", name: "web-api")))
    }

    /// The garbage collector's part of a foreground deletion drops the controllers' view, which
    /// is read again from the store before the next commit: the state committed afterwards
    /// must open as it does after any other tick, its events included.
    func testForegroundDeletionLeavesAStateThatOpens() throws {
        let (api, clock, store) = try served()
        clock.advance(30)
        try api.cluster.tick()
        api.cluster.commitInterval = 1_000
        XCTAssertEqual(send(api, "DELETE", "/apis/apps/v1/namespaces/default/deployments/web-api", #"{"propagationPolicy":"Foreground"}"#).0, 200)
        for _ in 0..<12 {
            clock.advance(10)
            try api.cluster.tick()
            _ = get(api, "/api/v1/namespaces/default/events")
        }
        XCTAssertEqual(get(api, "/apis/apps/v1/namespaces/default/deployments/web-api").0, 404)
        try api.cluster.stop()
        store.close()
        let fresh = try StateStore(directory: store.directory, writable: false)
        defer { fresh.close() }
        let cluster = try Cluster(store: fresh)
        XCTAssertNil(cluster.deployments[ObjectKey(type: "apps/Deployment", namespace: "default", name: "web-api")])
        XCTAssertNoThrow(try fresh.list(Cluster.eventType))
    }

    /// The eviction subresource (`EvictionREST.Create`, as `rollout drain` evicts): refused
    /// with 429 TooManyRequests and the budget's cause while a PodDisruptionBudget allows no
    /// disruption, accepted (201) when it does; the pod then stops gracefully.
    func testEvictionsRespectDisruptionBudgets() throws {
        let (api, clock, _) = try served()
        clock.advance(30)
        XCTAssertEqual(send(api, "POST", "/apis/policy/v1/namespaces/default/poddisruptionbudgets",
                            #"{"apiVersion":"policy/v1","kind":"PodDisruptionBudget","metadata":{"name":"web-api"},"spec":{"minAvailable":3,"selector":{"matchLabels":{"app":"web-api"}}}}"#).0, 201)
        clock.advance(1)
        let pod = (get(api, "/api/v1/namespaces/default/pods?labelSelector=app%3Dweb-api").1?["items"]?.arrayValue?.first?.at("metadata", "name")?.stringValue) ?? ""
        let eviction = #"{"apiVersion":"policy/v1","kind":"Eviction","metadata":{"name":"\#(pod)","namespace":"default"}}"#
        let refused = send(api, "POST", "/api/v1/namespaces/default/pods/\(pod)/eviction", eviction)
        XCTAssertEqual(refused.0, 429)
        XCTAssertEqual(refused.1?["reason"], .string("TooManyRequests"))
        XCTAssertEqual(refused.1?["message"], .string("Cannot evict pod as it would violate the pod's disruption budget."))
        XCTAssertEqual(refused.1?.at("details", "causes"), json(#"[{"reason":"DisruptionBudget","message":"The disruption budget web-api needs 3 healthy pods and has 3 currently"}]"#))
        XCTAssertEqual(send(api, "PATCH", "/apis/policy/v1/namespaces/default/poddisruptionbudgets/web-api", #"{"spec":{"minAvailable":2}}"#, contentType: "application/merge-patch+json").0, 200)
        clock.advance(1)
        XCTAssertEqual(send(api, "POST", "/api/v1/namespaces/default/pods/\(pod)/eviction", eviction).0, 201)
        XCTAssertNotNil(get(api, "/api/v1/namespaces/default/pods/\(pod)").1?.at("metadata", "deletionTimestamp"))
        XCTAssertEqual(send(api, "POST", "/api/v1/namespaces/default/pods/nope/eviction", "").0, 404)
        let core = get(api, "/api/v1").1?["resources"]?.arrayValue ?? []
        XCTAssertEqual(core.first { $0["name"] == .string("pods/eviction") }?["group"], .string("policy"))
    }
}

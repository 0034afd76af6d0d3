// libFuzzer harness for rollout (issue 9): built by Fuzz/run.sh with `swiftc -sanitize=fuzzer`
// together with the sources of RolloutCore, outside `swift test`. Two targets, chosen by
// ROLLOUT_FUZZ_TARGET:
//   parser      bytes → YAML → values → validation and lint (what `render` and `apply` read),
//               and `render -o json`'s direct path checked against the general one;
//               the bytes as a JSONPath template and a custom-columns spec, run on the documents
//   controllers the same, then apply → rollout in virtual time → a drain (budgets and all) →
//               a node failure → deletion → events; and the documents as a live cluster's
//               dump: cluster import → the controllers run on what was imported
// A crash, a trap or a sanitizer report is a finding; errors thrown for bad input are not.
#if canImport(Glibc)
import Glibc
#endif

private var controllerStore: StateStore?
private let runsControllers = getenv("ROLLOUT_FUZZ_TARGET").map { String(cString: $0) } == "controllers"

@_cdecl("LLVMFuzzerTestOneInput")
public func rolloutFuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    checkDirectJSON(bytes)
    let documents: [ManifestDocument]
    do {
        documents = try ManifestDecoder.decode([ManifestSource(name: "fuzz.yaml", bytes: bytes)]).documents
    } catch {
        return 0
    }
    let candidates: [Applier.Candidate]
    do {
        candidates = try Applier.prepare(documents, options: ApplyOptions())
    } catch {
        return 0
    }
    _ = Linter.lint(documents)
    // `-o jsonpath=` and `-o custom-columns=` take text a user typed: the same bytes as one.
    if let template = String(bytes: bytes.prefix(512), encoding: .utf8) {
        if let path = try? JSONPath(template) { for document in documents.prefix(2) { _ = path.execute(document.value) } }
        if let columns = try? CustomColumns(spec: template) { for document in documents.prefix(2) { _ = columns.row(document.value) } }
    }
    if runsControllers {
        runControllers(candidates)
        runImport(documents)
    }
    return 0
}

/// `render -o json`'s direct path must print exactly what the general path prints, or give up;
/// it must never answer where the general path fails or warns. A difference is a finding.
private func checkDirectJSON(_ bytes: [UInt8]) {
    for schema in YAMLSchema.allCases {
        var direct: [UInt8] = []
        guard DirectJSON.transcode(bytes, schema: schema, into: &direct) else { continue }
        var general: [UInt8] = []
        var warnings: [YAMLWarning] = []
        do {
            warnings = try ManifestDecoder.forEachDocument(in: [ManifestSource(name: "fuzz.yaml", bytes: bytes)], schema: schema) { document throws(YAMLError) in
                try Render.append(document, format: .json, first: false, to: &general)
            }
        } catch {
            fatalError("the direct JSON path answered where the general path fails (\(schema)): \(error)")
        }
        if !warnings.isEmpty { fatalError("the direct JSON path answered where the general path warns (\(schema))") }
        if general != direct {
            fatalError("the direct JSON path differs (\(schema)):\n\(String(decoding: direct, as: UTF8.self))\n\(String(decoding: general, as: UTF8.self))")
        }
    }
}

/// The documents as `kubectl get -o yaml` output: imported with whatever status, uid and owner
/// references they carry, then run — a state import accepts must never trap the controllers.
private func runImport(_ documents: [ManifestDocument]) {
    do {
        guard let store = controllerStore else { return }
        _ = try ClusterImport.run(documents, into: store)
        let cluster = try Cluster(store: store)
        cluster.podLimit = 500
        EventLoop.advance(cluster, by: Duration(seconds: 400))
        try cluster.save()
        try store.commit()
    } catch {
        // Refused input is an answer, not a finding.
    }
}

/// One state directory for the whole run (under /dev/shm when there is one), erased before
/// every input: each input starts from the same fresh cluster.
private func runControllers(_ candidates: [Applier.Candidate]) {
    do {
        if controllerStore == nil {
            let root = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp"
            controllerStore = try StateStore(directory: "\(root)/rollout-fuzz-\(getpid())", writable: true)
        }
        guard let store = controllerStore else { return }
        try ClusterAdmin.initialize(store, spec: ClusterSpec())
        let outcomes = try Applier.apply(candidates, to: store, options: ApplyOptions())
        let cluster = try Cluster(store: store)
        cluster.podLimit = 500
        let keys = outcomes.filter { $0.resource.kind == "Deployment" }.map(\.resource.key)
        cluster.traffic = TrafficRecorder(rps: 10, services: TrafficRecorder.servingServices(selecting: Array(cluster.deployments.values), in: cluster), start: cluster.now)
        _ = RolloutWait.wait(for: keys, in: cluster, options: .init(timeout: Duration(seconds: 1800)), report: { _, _, _ in })
        // A drain of the node the pods are on, as the manifests' budgets allow, then its failure.
        var drain = DrainOptions()
        drain.deleteEmptyDirData = true
        drain.force = true
        drain.timeout = Duration(seconds: 120)
        _ = Drain.run("node-1", in: cluster, options: drain)
        _ = cluster.failNode("node-1", at: cluster.now)
        EventLoop.advance(cluster, by: Duration(seconds: 400))
        try cluster.save()
        try store.commit()
        let deleter = Deleter(store: store)
        for pod in try store.list(ResourceType.forObject(apiVersion: "v1", kind: "Pod")) { try deleter.delete(pod) }
        let after = try Cluster(store: store)
        after.podLimit = 500
        _ = EventLoop.run(after, timeout: Duration(seconds: 600), until: { _ in false })
        _ = try EventLog.events(about: try store.list(ResourceType.forObject(apiVersion: "v1", kind: "Pod")), store: store)
    } catch {
        // Refusals (size limits, missing namespaces, damage) are answers, not findings.
    }
}

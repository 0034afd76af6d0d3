import RolloutCore

enum DeleteCommand {
    static let help = """
    Delete objects by file name, by type and name, or by type and label selector. Objects a
    deleted object owns (a Deployment's ReplicaSets and their Pods) are deleted with it, as
    Kubernetes' garbage collector does; deleting a Namespace deletes everything in it.

    Usage:
      rollout delete -f PATH... [-R] | TYPE NAME... | TYPE/NAME... | TYPE -l SELECTOR | TYPE --all [options]

    Examples:
      rollout delete -f examples/manifests/
      rollout delete deployment web-api
      rollout delete pods -l app=web

    Options:
      -f, --filename=[]    Delete the objects these manifests describe
      -R, --recursive      Walk folders given with -f recursively
      -l, --selector=      Delete the objects of TYPE with these labels
          --all            Delete every object of TYPE in the namespace
          --ignore-not-found
                           Treat "not found" as success
          --grace-period=-1
                           Seconds a deleted pod gets to stop (negative: its own
                           terminationGracePeriodSeconds); 0 only with --force
          --now            Same as --grace-period=1
          --force          With --grace-period=0 (the default with --force): remove at once,
                           without graceful termination; also removes an object whose stored
                           text is damaged
          --wait=true      Let virtual time run until the objects named are gone, as kubectl's
                           delete waits: a pod passes through Terminating (preStop, SIGTERM, the
                           grace period), a Namespace until its pods are gone; a Deployment's
                           pods are left stopping. --wait=false: no time passes, and deleted
                           pods stay Terminating until a command lets time run
          --timeout=0s     Virtual time to wait at most (0: a week, as kubectl's)
          --dry-run=none   none, client or server: print what would be deleted, delete nothing

    """ + Global.helpText

    static func run(_ args: [String], io: inout CommandIO) throws -> Int32 {
        let parsed = try Arguments(args, specs: Global.specs + Global.fileSpecs + [
            .init(names: ["-l", "--selector"], takesValue: true),
            .init(names: ["--all"], takesValue: false),
            .init(names: ["--ignore-not-found"], takesValue: false),
            .init(names: ["--wait"], takesValue: false),
            .init(names: ["--timeout"], takesValue: true),
            .init(names: ["--dry-run"], takesValue: true),
            .init(names: ["--grace-period"], takesValue: true),
            .init(names: ["--now"], takesValue: false),
            .init(names: ["--force"], takesValue: false),
        ])
        if parsed.flag("--help") { io.out(help + "\n"); return 0 }
        let dryRunText = parsed.last("--dry-run") ?? "none"
        guard let dryRun = DryRun(rawValue: dryRunText) else {
            throw UsageError(message: "Invalid dry-run value (\(dryRunText)). Must be \"none\", \"server\", or \"client\".")
        }
        // kubectl's delete.go: 0 without --force becomes 1; --force alone means 0.
        let force = parsed.flag("--force")
        var gracePeriod = -1
        if let text = parsed.last("--grace-period") {
            guard let n = Int(text) else { throw UsageError(message: "invalid argument \"\(text)\" for \"--grace-period\" flag: strconv.ParseInt: parsing \(GoQuote.quoted(text)): invalid syntax") }
            gracePeriod = n
        }
        if parsed.flag("--now") {
            if gracePeriod >= 0 { throw UsageError(message: "--now and --grace-period cannot be specified together") }
            gracePeriod = 1
        }
        if gracePeriod == 0 && !force { gracePeriod = 1 }
        if force && gracePeriod < 0 { gracePeriod = 0 }
        // kubectl's delete waits for what it deleted to be gone (`--wait`, true by default;
        // `DeleteResult`: not for a dry run; `--timeout` 0 is a week).
        let waits = parsed.flag("--wait", default: true) && dryRun == .none
        let timeout = try parsed.last("--timeout").flatMap(ObserveCommands.waitTimeout) ?? Duration(seconds: 168 * 3600)
        let namespace = Global.namespace(parsed)
        let selector = try Global.selector(parsed)
        let ignoreNotFound = parsed.flag("--ignore-not-found")
        var targets: [(ObjectKey, ResourceType, String)] = []
        let store: StateStore
        if !parsed.all("--filename").isEmpty {
            if !parsed.positional.isEmpty { throw UsageError(message: "when -f is given, no TYPE or NAME may be") }
            var options = ApplyOptions()
            options.namespace = namespace
            options.namespaceExplicit = parsed.last("--namespace") != nil
            options.selector = selector
            // Deleting needs only the names: the fields are not sent anywhere.
            options.fieldValidation = .ignore
            let candidates = try Applier.prepare(try Global.readManifests(parsed, io: &io, verb: "delete"), options: options)
            store = try Global.openStore(parsed, writable: true)
            targets = candidates.map { ($0.resource.key, $0.resource.type, $0.resource.name) }
        } else {
            if parsed.positional.isEmpty {
                throw UsageError(message: "You must provide one or more resources by argument or filename.\nSee 'rollout delete --help' for usage.")
            }
            store = try Global.openStore(parsed, writable: true)
            let query = try ResourceQuery.parse(parsed.positional, storedTypes: store.storedTypes)
            for request in query.requests {
                if request.names.isEmpty {
                    guard selector != nil || parsed.flag("--all") else {
                        store.close()
                        throw UsageError(message: "resource(s) were provided, but no name was specified (use -l SELECTOR or --all to delete several)")
                    }
                    for object in try store.list(request.type, namespace: namespace) where selector?.matches(object.labels) ?? true {
                        targets.append((object.key, request.type, object.name))
                    }
                } else {
                    for name in request.names {
                        targets.append((ObjectKey(type: request.type.storageKey, namespace: request.type.namespaced ? namespace : "", name: name), request.type, name))
                    }
                }
            }
        }
        defer { store.close() }
        var failed = false
        var deleted = 0
        // What the wait is for (`cmdwait.IsDeleted`, by uid: a pod made again under the name
        // counts as gone): a pod deleted gracefully, and a Namespace's pods (it is gone when
        // they are). A Deployment or ReplicaSet is gone at once; its pods, deleted in the
        // background, are not waited for.
        var awaited: [(uid: String, name: String)] = []
        let forced = force && gracePeriod == 0
        if forced && !targets.isEmpty {
            io.err("Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n")
        }
        let deleter = Deleter(store: store, gracePeriod: gracePeriod >= 0 ? gracePeriod : nil)
        for (key, type, name) in targets {
            let lookup = readForDeletion(key, store: store)
            if case .failure(let error) = lookup {
                // A damaged object can always be removed, by force: by its key, unread.
                guard forced, case .damaged = error else { throw error }
                if dryRun == .none { try deleter.forceRemove(key) }
                io.out("\(type.qualifiedSingular) \"\(name)\" force deleted\(dryRun.suffix)\n")
                deleted += 1
                continue
            }
            guard case .success(let found) = lookup, let object = found else {
                if !ignoreNotFound {
                    io.flush()
                    io.err("Error from server (NotFound): \(type.qualifiedPlural) \"\(name)\" not found\n")
                    failed = true
                }
                continue
            }
            // Admission refuses before anything is deleted, a dry run included.
            if let refusal = DeletionAdmission.refusal(object) {
                io.flush()
                io.err("Error from server (Forbidden): \(refusal)\n")
                failed = true
                continue
            }
            if dryRun == .none {
                let terminating = try deleter.delete(object)
                if object.kind == "Pod" && object.type.group.isEmpty && terminating.contains(object.key) {
                    awaited.append((object.uid, object.name))
                } else if object.kind == "Namespace" && object.type.group.isEmpty {
                    for key in terminating { if let pod = try store.get(key) { awaited.append((pod.uid, pod.name)) } }
                }
            }
            io.out("\(type.qualifiedSingular) \"\(name)\" \(forced ? "force deleted" : "deleted")\(dryRun.suffix)\n")
            deleted += 1
        }
        if dryRun == .none { try store.commit() }
        if targets.isEmpty { io.err("No resources found\n") }
        // The wait: virtual time runs until each awaited pod is gone, within one timeout.
        if waits, !awaited.isEmpty {
            io.flush()
            let cluster = try Cluster(store: store)
            KeptUntilExit.keep(cluster)
            func left(_ c: Cluster) -> (uid: String, name: String)? {
                awaited.first { target in c.pods[target.uid].map { !$0.gone } ?? false }
            }
            let deadline = cluster.now.adding(timeout)
            let outcome = EventLoop.run(cluster, timeout: timeout, until: { left($0) == nil })
            // Nothing left to happen (a pod on a node whose kubelet is down): kubectl still
            // waits out its timeout, and so does the clock.
            if outcome == .idle { EventLoop.advance(cluster, to: deadline) }
            try cluster.save()
            try store.commit()
            if outcome != .conditionMet, let pod = left(cluster) {
                throw CommandFailure(message: "timed out waiting for the condition on pods/\(pod.name)")
            }
        }
        return failed ? 1 : 0
    }

    private static func readForDeletion(_ key: ObjectKey, store: StateStore) -> Result<Resource?, StoreError> {
        do throws(StoreError) { return .success(try store.get(key)) } catch { return .failure(error) }
    }
}

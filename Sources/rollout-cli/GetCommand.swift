import RolloutCore

enum GetCommand {
    static let help = """
    Display one or many objects, with kubectl's columns. Reading lets no virtual time pass.

    Usage:
      rollout get TYPE[,TYPE...] [NAME...] | TYPE/NAME... [-o table|wide|yaml|json|name|jsonpath=TEMPLATE] [-l SELECTOR] [-A] [options]

    Types: deployments (deploy), replicasets (rs), pods (po), services (svc), endpoints (ep),
    nodes (no), namespaces (ns), events (ev), configmaps (cm), secrets, any other kind that has
    been applied, and all (pods, services, deployments and replica sets).

    Examples:
      rollout get deploy
      rollout get deploy web -o yaml
      rollout get pods -l app=web -o wide
      rollout get pods -w --speed 10          # rows as they change, virtual time at 10x
      rollout get pods -o jsonpath='{range .items[*]}{.metadata.name}{"\\t"}{.spec.nodeName}{"\\n"}{end}'
      rollout get all -A

    Options:
      -w, --watch          After the table, print each row again when it changes while virtual
                           time runs (--speed X paces it; --timeout D ends it, else it ends
                           when nothing is left to happen); --output-watch-events adds an
                           EVENT column (ADDED, MODIFIED, DELETED)
      -L, --label-columns= Label keys to show as columns (app,tier; repeatable)
      -o, --output=table   table, wide, yaml, json, name, jsonpath=TEMPLATE, jsonpath-file=PATH,
                           custom-columns=HEADER:PATH,… or custom-columns-file=PATH
                           (kubectl's JSONPath: fields, [n], [a:b], [*], .., filters [?(@.x=="y")],
                           {range …}{end}, {"\\n"})
      -l, --selector=      Only objects with these labels, e.g. app=web,tier!=db
          --field-selector= Only objects whose fields match, e.g. status.phase=Running,spec.nodeName=node-1
                           (the fields the API server indexes for the kind; metadata.name and
                           metadata.namespace for every kind)
      -A, --all-namespaces List objects of every namespace
          --show-labels    Add a LABELS column
          --no-headers     Leave out the header line (table, wide and custom-columns output)

    """ + Global.helpText

    static func run(_ args: [String], io: inout CommandIO) throws -> Int32 {
        let parsed = try Arguments(args, specs: Global.specs + [
            .init(names: ["-o", "--output"], takesValue: true),
            .init(names: ["-l", "--selector"], takesValue: true), .init(names: ["--field-selector"], takesValue: true),
            .init(names: ["-A", "--all-namespaces"], takesValue: false),
            .init(names: ["--show-labels"], takesValue: false), .init(names: ["--no-headers"], takesValue: false),
            .init(names: ["-w", "--watch"], takesValue: false), .init(names: ["-L", "--label-columns"], takesValue: true),
            .init(names: ["--output-watch-events"], takesValue: false),
            .init(names: ["--timeout"], takesValue: true), .init(names: ["--speed"], takesValue: true),
        ])
        if parsed.flag("--help") { io.out(help + "\n"); return 0 }
        if parsed.flag("--watch") { return try watch(parsed, io: &io) }
        var output = parsed.last("--output") ?? "table"
        // -o jsonpath=TEMPLATE (or jsonpath-file=PATH): kubectl's JSONPath on the objects.
        var jsonPath: JSONPath?
        if output.hasPrefix("jsonpath=") || output.hasPrefix("jsonpath-file=") {
            var template = String(output.drop { $0 != "=" }.dropFirst())
            if output.hasPrefix("jsonpath-file=") {
                do { template = try String(contentsOfFile: template, encoding: .utf8) } catch {
                    throw UsageError(message: "error reading --template \(template), \(error.localizedDescription)")
                }
            }
            do { jsonPath = try JSONPath(template) } catch {
                throw UsageError(message: "error parsing jsonpath \(template), \(error.message)")
            }
            output = "jsonpath"
        }
        // -o custom-columns=HEADER:PATH,… (or custom-columns-file=PATH).
        var columns: CustomColumns?
        if output.hasPrefix("custom-columns=") || output.hasPrefix("custom-columns-file=") {
            let spec = String(output.drop { $0 != "=" }.dropFirst())
            do {
                if output.hasPrefix("custom-columns-file=") {
                    let text: String
                    do { text = try String(contentsOfFile: spec, encoding: .utf8) } catch {
                        throw UsageError(message: "error reading template \(spec), \(error.localizedDescription)")
                    }
                    columns = try CustomColumns(file: text)
                } else {
                    columns = try CustomColumns(spec: spec)
                }
            } catch let error as JSONPath.ParseError {
                throw UsageError(message: error.message)
            }
            output = "custom-columns"
        }
        guard ["table", "wide", "yaml", "json", "name", "jsonpath", "custom-columns"].contains(output) else {
            throw UsageError(message: "unable to match a printer suitable for the output format \"\(output)\", allowed formats are: custom-columns,custom-columns-file,json,jsonpath,jsonpath-file,name,table,wide,yaml")
        }
        let selector = try Global.selector(parsed)
        let fieldText = parsed.last("--field-selector")
        let allNamespaces = parsed.flag("--all-namespaces")
        let namespace = Global.namespace(parsed)
        let store = try Global.openStore(parsed, writable: false)
        defer { store.close() }
        let query = try ResourceQuery.parse(parsed.positional, storedTypes: store.storedTypes)
        let fields: FieldSelector?
        switch fieldSelector(fieldText, for: query.requests.map(\.type), labels: parsed.last("--selector")) {
        case .success(let found): fields = found
        case .failure(let refusal):
            io.err(refusal.message + "\n")
            return 1
        }
        func chosen(_ object: Resource) -> Bool { (selector?.matches(object.labels) ?? true) && (fields?.matches(object) ?? true) }

        // Tables and names come from the listing rows the store keeps; only -o yaml|json
        // parses objects.
        let needsObjects = ["yaml", "json", "jsonpath", "custom-columns"].contains(output)
        // Rows come as runs (the store's shards, each sorted) that the printer merges.
        var groups: [(type: ResourceType, runs: [ListingRun], objects: [Resource])] = []
        var missing: [String] = []
        var namedObjects = false
        for request in query.requests {
            var rows: [ListingRow] = []
            var runs: [ListingRun] = []
            var objects: [Resource] = []
            if request.names.isEmpty {
                let scope = allNamespaces ? nil : namespace
                if request.type.kind == "Event" && request.type.group.isEmpty {
                    // Stored events plus each pod's routine lifecycle events, in the API
                    // server's order, as kubectl prints a list of them (`rollout events`: oldest first).
                    objects = try EventLog.list(store, namespace: scope).filter(chosen)
                    rows = objects.map(ListingRow.init)
                    if !needsObjects { objects = [] }
                } else if needsObjects {
                    objects = try store.list(request.type, namespace: scope).filter(chosen)
                } else if fields != nil {
                    // (Fields are read from the objects, not from the listing rows.)
                    rows = try store.list(request.type, namespace: scope).filter(chosen).map(ListingRow.init)
                } else {
                    runs = try store.listingRuns(request.type, namespace: scope).map { run in
                        selector.map { selector in run.filter { selector.matches($0) } } ?? run
                    }
                }
            } else {
                namedObjects = true
                for name in request.names {
                    let key = ObjectKey(type: request.type.storageKey, namespace: request.type.namespaced ? namespace : "", name: name)
                    if let object = try store.get(key) {
                        guard chosen(object) else { continue }
                        objects.append(object)
                        rows.append(ListingRow(object))
                    } else {
                        missing.append("Error from server (NotFound): \(request.type.qualifiedPlural) \"\(name)\" not found")
                    }
                }
            }
            groups.append((request.type, rows.isEmpty ? runs : [ListingRun(rows: rows)], objects))
        }
        KeptUntilExit.keep(value: groups)
        let all = groups.flatMap(\.objects)
        let found = needsObjects ? all.count : groups.reduce(0) { $0 + $1.runs.reduce(0) { $0 + $1.count } }
        switch output {
        case "yaml", "json":
            guard !all.isEmpty || missing.isEmpty else { break }
            // Keys in Go's order, put so by the writers as they write (no sorted copy made).
            let yaml = output == "yaml"
            if namedObjects && all.count == 1 && query.requests.count == 1 && missing.isEmpty {
                let value = WireForm.value(all[0].hidingManagedFields.value)
                io.out(yaml ? YAMLWriter.string(value) : try JSONWriter.string(value, style: .pretty, keys: .sorted) + "\n")
                break
            }
            try ObjectList.write(count: all.count, item: { WireForm.value(all[$0].hidingManagedFields.value) }, yaml: yaml) { io.out($0) }
        case "jsonpath":
            // On one named object, the object; else on a List of them (as kubectl).
            let value: Value = namedObjects && all.count == 1 && query.requests.count == 1 && missing.isEmpty ? all[0].value
                : .object(ObjectList.object(all.map(\.value)))
            if !all.isEmpty || missing.isEmpty { io.out(jsonPath?.execute(value) ?? "") }
        case "custom-columns":
            guard let columns, !all.isEmpty else { break }
            var table = TabWriter()
            if !parsed.flag("--no-headers") { table.add(columns.headers) }
            for object in all { table.add(columns.row(object.value)) }
            io.out(table.render())
        case "name":
            for group in groups {
                ListingRun.forEachMerged(group.runs) { run, index in io.out("\(group.type.qualifiedSingular)/\(group.runs[run].name(index))\n") }
            }
        default:
            var printed = false
            var options = TableOptions(wide: output == "wide", showLabels: parsed.flag("--show-labels"), allNamespaces: allNamespaces, showKind: query.multipleTypes)
            options.labelColumns = labelColumns(parsed)
            options.noHeaders = parsed.flag("--no-headers")
            for group in groups where group.runs.contains(where: { !$0.isEmpty }) {
                // A blank line between kinds, only when they have headers (kubectl's get.go,
                // `Run`: `lastMapping != nil && !o.NoHeaders && trackingWriter.Written > 0`).
                if printed && !options.noHeaders { io.out("\n") }
                // Each piece goes out as it is ready: the header and first row as soon as the
                // column widths are known, then the rest.
                TablePrinter.write(runs: group.runs, type: group.type, now: store.clock, options: options) { piece in
                    io.out(piece)
                    io.flush()
                }
                printed = true
            }
        }
        if found == 0 && missing.isEmpty && !needsObjects {
            let clusterScoped = query.requests.allSatisfy { !$0.type.namespaced }
            io.err(allNamespaces || clusterScoped ? "No resources found\n" : "No resources found in \(namespace) namespace.\n")
        }
        io.flush()
        for line in missing { io.err(line + "\n") }
        return missing.isEmpty ? 0 : 1
    }

    /// `--field-selector`: it goes to the API server with the list, which parses it and refuses a
    /// field the kind does not index; kubectl's builder words the refusal (`Selector.Visit`:
    /// `Unable to find %q that match label selector %q, field selector %q: %v`), exit 1.
    static func fieldSelector(_ text: String?, for types: [ResourceType], labels: String?) -> Result<FieldSelector?, CommandFailure> {
        guard let text, !text.isEmpty else { return .success(nil) }
        var fields: FieldSelector?
        for type in types {
            let problem: String?
            do {
                let parsed = try FieldSelector.parse(text)
                fields = parsed
                problem = parsed.unsupportedField(for: type).map { "field label not supported: \($0)" }
            } catch { problem = error.message }
            if let problem {
                let resource = "\(type.group)/\(type.version), Resource=\(type.plural)"
                return .failure(CommandFailure(message: "Error from server (BadRequest): Unable to find \(GoQuote.quoted(resource)) that match label selector \(GoQuote.quoted(labels ?? "")), field selector \(GoQuote.quoted(text)): \(problem)"))
            }
        }
        return .success(fields)
    }

    /// `get TYPE -w`: the table, then the rows that change while virtual time runs (paced by
    /// --speed), until --timeout or until nothing is left to happen; time that passed is kept.
    static func watch(_ parsed: Arguments, io: inout CommandIO) throws -> Int32 {
        if let output = parsed.last("--output"), output != "wide" {
            throw UsageError(message: "unable to match a printer suitable for the output format \"\(output)\" with --watch, allowed formats are: table,wide")
        }
        let selector = try Global.selector(parsed)
        let timeout = try Global.timeout(parsed)
        var pacer = try Global.pacer(parsed)
        let store = try Global.openStore(parsed, writable: true)
        defer { store.close() }
        let query = try ResourceQuery.parse(parsed.positional, storedTypes: store.storedTypes)
        guard query.requests.count == 1, let request = query.requests.first, request.names.isEmpty else {
            throw UsageError(message: "watch is only supported on individual resources and resource collections, but \(max(query.requests.count, 1)) resources were found")
        }
        let fields: FieldSelector?
        switch fieldSelector(parsed.last("--field-selector"), for: [request.type], labels: parsed.last("--selector")) {
        case .success(let found): fields = found
        case .failure(let refusal):
            io.err(refusal.message + "\n")
            return 1
        }
        let allNamespaces = parsed.flag("--all-namespaces")
        let cluster = try Cluster(store: store)
        KeptUntilExit.keep(cluster)
        var options = TableOptions(wide: parsed.last("--output") == "wide", showLabels: parsed.flag("--show-labels"), allNamespaces: allNamespaces)
        options.labelColumns = labelColumns(parsed)
        options.noHeaders = parsed.flag("--no-headers")
        let watch = TableWatch(type: request.type, namespace: allNamespaces ? nil : Global.namespace(parsed), options: options,
                               events: parsed.flag("--output-watch-events"), fields: fields)
        io.out(watch.first(cluster, selector: selector))
        io.flush()
        guard watch.changes else { return 0 }
        _ = EventLoop.run(cluster, timeout: timeout, until: { _ in false }, observe: { c in
            pacer.pace(to: c.now)
            let rows = watch.next(c, selector: selector)
            if !rows.isEmpty {
                io.out(rows)
                io.flush()
            }
        })
        try cluster.save()
        try store.commit()
        return 0
    }

    /// `-L app,tier` (repeatable): the label keys to show as columns.
    static func labelColumns(_ parsed: Arguments) -> [String] {
        parsed.all("--label-columns").flatMap { $0.split(separator: ",").map(String.init) }.filter { !$0.isEmpty }
    }
}

/// `get TYPE -w`: the table, then each row again whenever what it shows changes while virtual
/// time runs (kubectl prints a row per watch event; here a change of any column but AGE is the
/// event). Rows keep the columns' widths from the header on, as kubectl's tab writer does with
/// `RememberWidths`. Types the controllers change are watched from the cluster (pods,
/// ReplicaSets, Deployments, StatefulSets, DaemonSets, nodes, Services, Endpoints, EndpointSlices,
/// PodDisruptionBudgets, claims and volumes: `Cluster.holdsLive`);
/// any other type shows its table once.
public final class TableWatch {
    let type: ResourceType
    let namespace: String?
    let options: TableOptions
    var widths: [Int] = []
    var shown: [ObjectKey: [String]] = [:]
    /// The cells last printed for each object, for its DELETED line.
    var lastCells: [ObjectKey: [String]] = [:]
    /// `--output-watch-events`: an EVENT column first (ADDED, MODIFIED, DELETED).
    let events: Bool
    /// `--field-selector`: an object that stops matching is gone from the watch (DELETED), as
    /// the API server's filtered watch sends it.
    let fields: FieldSelector?

    public init(type: ResourceType, namespace: String?, options: TableOptions, events: Bool = false, fields: FieldSelector? = nil) {
        self.type = type
        self.namespace = namespace
        self.options = options
        self.events = events
        self.fields = fields
    }

    /// Whether the controllers change objects of this type (else the first table is all).
    public var changes: Bool { objects(nil) != nil }

    /// The objects of the type as the cluster has them now (`Cluster.liveObjects`), nil for a
    /// type it does not hold.
    func objects(_ c: Cluster?) -> [Resource]? {
        guard Cluster.holdsLive(type) else { return nil }
        return c.map { $0.liveObjects(type) ?? [] } ?? []
    }

    func selected(_ c: Cluster, matching selector: LabelSelector?) -> [Resource] {
        (objects(c) ?? []).filter { r in
            (namespace == nil || !type.namespaced || r.namespace == namespace) && (selector?.matches(r.labels) ?? true) && (fields?.matches(r) ?? true)
        }.sorted { ($0.namespace ?? "", $0.name) < ($1.namespace ?? "", $1.name) }
    }

    func lines(_ rows: [Resource], _ c: Cluster) -> [[String]] {
        TablePrinter.lines(rows: rows.map(ListingRow.init), type: type, now: c.now, options: options)
    }

    /// The table now (header included, unless --no-headers), remembering its widths.
    public func first(_ c: Cluster, selector: LabelSelector?) -> String {
        let rows = selected(c, matching: selector)
        var table = lines(rows, c)
        // Nothing yet: the header comes with the first rows.
        guard !rows.isEmpty else { headerShown = false; return "" }
        for (r, cells) in zip(rows, table.dropFirst()) {
            shown[r.key] = comparable(cells)
            lastCells[r.key] = cells
        }
        if events { table = table.enumerated().map { [$0.offset == 0 ? "EVENT" : "ADDED"] + $0.element } }
        if options.noHeaders { table.removeFirst() }
        return layOut(table)
    }

    var headerShown = true

    /// Lines laid out as the tab writer does: each column as wide as its widest cell here (and
    /// as before).
    func layOut(_ table: [[String]]) -> String {
        for cells in table {
            for (j, cell) in cells.enumerated() where j < cells.count - 1 {
                let width = max(6, cell.unicodeScalars.count + 3)
                if j < widths.count { widths[j] = max(widths[j], width) } else { widths.append(width) }
            }
        }
        return table.map(render).joined()
    }

    /// The rows that changed since they were last shown.
    public func next(_ c: Cluster, selector: LabelSelector?) -> String {
        var changed: [[String]] = []
        let current = selected(c, matching: selector)
        for r in current {
            guard let cells = lines([r], c).dropFirst().first else { continue }
            let key = comparable(cells)
            guard shown[r.key] != key else { continue }
            let event = shown[r.key] == nil ? "ADDED" : "MODIFIED"
            shown[r.key] = key
            lastCells[r.key] = cells
            changed.append(events ? [event] + cells : cells)
        }
        // Gone: kubectl's DELETED event shows the object as it last was.
        let present = Set(current.map(\.key))
        for key in shown.keys.sorted() where !present.contains(key) {
            shown[key] = nil
            if events, let cells = lastCells[key] { changed.append(["DELETED"] + cells) }
            lastCells[key] = nil
        }
        guard !changed.isEmpty else { return "" }
        if !headerShown {
            headerShown = true
            let header = options.noHeaders ? [] : lines([], c).first.map { [events ? ["EVENT"] + $0 : $0] } ?? []
            return layOut(header + changed)
        }
        return changed.map(render).joined()
    }

    /// A row's cells without AGE, which changes by itself (before any EVENT column is added).
    func comparable(_ cells: [String]) -> [String] {
        let header = (options.allNamespaces && type.namespaced ? ["NAMESPACE"] : []) + TablePrinter.columns(for: type, wide: options.wide)
        return cells.enumerated().filter { $0.offset >= header.count || header[$0.offset] != "AGE" }.map(\.element)
    }

    /// One line, each column at least as wide as it has been (minwidth 6, padding 3).
    func render(_ cells: [String]) -> String {
        var out = ""
        for (j, cell) in cells.enumerated() {
            guard j < cells.count - 1 else { out += cell; break }
            let width = max(j < widths.count ? widths[j] : 6, cell.unicodeScalars.count + 3)
            if j < widths.count { widths[j] = width } else { widths.append(width) }
            out += cell + String(repeating: " ", count: width - cell.unicodeScalars.count)
        }
        return out + "\n"
    }
}

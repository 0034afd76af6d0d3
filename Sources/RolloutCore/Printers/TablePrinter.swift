/// `kubectl get` tables: the columns kubectl's server-side printers give each kind
/// (`pkg/printers/internalversion/printers.go`), with `-o wide`, `--show-labels` and `-A`.
public struct TableOptions: Sendable {
    public var wide = false
    public var showLabels = false
    public var allNamespaces = false
    /// Prefix names with the kind (`deployment.apps/web`), as kubectl does when a `get`
    /// names several kinds.
    public var showKind = false
    /// `-L key,…`: a column per label key, headed by its last path segment in capitals.
    public var labelColumns: [String] = []
    /// `--no-headers`: the rows alone, laid out as the tab writer lays them out without the
    /// header line (its cells no longer widen the columns).
    public var noHeaders = false

    public init(wide: Bool = false, showLabels: Bool = false, allNamespaces: Bool = false, showKind: Bool = false) {
        self.wide = wide
        self.showLabels = showLabels
        self.allNamespaces = allNamespaces
        self.showKind = showKind
    }
}

/// One object as `get` lists it: the cells of its wide row (AGE-like cells kept as times, so
/// the row stays valid as the clock moves), plus what `-A`, `-l` and `--show-labels` need.
/// The store keeps this row next to each object so listing needs no JSON parsing.
public struct ListingRow: Equatable, Sendable {
    public enum Cell: Equatable, Sendable {
        case text(String)
        /// Printed as the time since then (`5m`), `<unknown>` without a time.
        case age(Timestamp?)
        /// A pod's RESTARTS: `6 (66s ago)`, the time since the last restart at print time.
        case restarts(Int, last: Timestamp?)
    }

    public var namespace: String
    public var name: String
    public var labels: [String: String]
    public var cells: [Cell]

    public init(namespace: String, name: String, labels: [String: String], cells: [Cell]) {
        self.namespace = namespace
        self.name = name
        self.labels = labels
        self.cells = cells
    }

    public init(_ resource: Resource) {
        self.init(namespace: resource.namespace ?? "", name: resource.name, labels: resource.labels,
                  cells: TablePrinter.cells(for: resource, type: resource.type))
    }

    /// The API server's order of a listing: by namespace, then name, byte by byte.
    static func precedes(_ a: ListingRow, _ b: ListingRow) -> Bool {
        a.namespace == b.namespace ? ByteOrder.precedes(a.name, b.name) : ByteOrder.precedes(a.namespace, b.namespace)
    }

    /// `rows` in the API server's order: as they are when they are in it already (a shard's
    /// rows are written sorted), else sorted.
    static func inKeyOrder(_ rows: [ListingRow]) -> [ListingRow] {
        for i in rows.indices.dropFirst() where !precedes(rows[i - 1], rows[i]) {
            return rows.sorted(by: precedes)
        }
        return rows
    }

    /// Runs each in the API server's order (a table's shards), as one list in that order.
    public static func merged(_ runs: [[ListingRow]]) -> [ListingRow] {
        ListingRun.merged(runs.map(ListingRun.init(rows:)))
    }

    /// The store's separators (0x1F, 0x01, 0x02, tab) and the line breaks printTable cuts at.
    static func storedSpecial(_ byte: UInt8) -> Bool {
        byte == 0x1F || byte == 0x01 || byte == 0x02 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C
    }

    /// A text cell as printTable prints it (`cli-runtime/pkg/printers/tableprinter.go`): cut at
    /// its first line break (`\n`, `\r` or a form feed, which the tab writer takes for one) with
    /// `...` after it — a multi-line event message shows its first line; the store's separators
    /// (0x1F, 0x01, 0x02) and tabs, which would break the columns, made spaces.
    static func tableCell(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 3)
        for byte in bytes {
            if byte == 0x0A || byte == 0x0D || byte == 0x0C {
                out += [UInt8(ascii: "."), UInt8(ascii: "."), UInt8(ascii: ".")]
                return out
            }
            out.append(byte == 0x1F || byte == 0x01 || byte == 0x02 || byte == 0x09 ? 0x20 : byte)
        }
        return out
    }

    /// `cells` as one line of text for the store: cells split by 0x1F, times as 0x01 + ms.
    public var encodedCells: String {
        var bytes: [UInt8] = []
        appendCells(into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The row as the store keeps it: `encodedLabels`, a tab, `encodedCells`, written as bytes
    /// (every object stored makes one).
    /// `shared`: a ReplicaSet template's labels with their encoding, written as they are when
    /// the row's labels are those (`PodTemplateBlob.labels`).
    func appendEncoded(into out: inout [UInt8], shared: PodTemplateBlob.SharedLabels? = nil) {
        if let shared, labels == shared.labels {
            out.append(contentsOf: shared.row)
        } else {
            appendLabels(into: &out)
        }
        out.append(0x09)
        appendCells(into: &out)
    }

    private func appendCells(into out: inout [UInt8]) {
        for (i, cell) in cells.enumerated() {
            if i > 0 { out.append(0x1F) }
            switch cell {
            case .text(let s):
                // Separator and line-break bytes cannot appear in a stored cell; most cells have
                // none. Each of them is a control character: a cell without one is passed at a
                // compare a byte.
                if s.withUTF8Bytes({ $0.contains { $0 < 0x20 && Self.storedSpecial($0) } }) {
                    s.withUTF8Bytes { out.append(contentsOf: Self.tableCell($0)) }
                } else {
                    out.appendUTF8(s)
                }
            case .age(let t):
                out.append(0x01)
                if let t { JSONWriter.writeInt(t.milliseconds, into: &out) }
            case .restarts(let n, let last):
                out.append(0x02)
                JSONWriter.writeInt(n, into: &out)
                if let last {
                    out.append(UInt8(ascii: ","))
                    JSONWriter.writeInt(last.milliseconds, into: &out)
                }
            }
        }
    }

    public static func decodeCells(_ bytes: ArraySlice<UInt8>) -> [Cell] {
        bytes.withUnsafeBufferPointer { decodeCells($0) }
    }

    /// A cell as the printer reads it: text as the bytes where they lie (or a string, for rows
    /// made in memory), times as times.
    enum CellView {
        case text(UnsafeBufferPointer<UInt8>)
        case string(String)
        case age(Timestamp?)
        case restarts(Int, last: Timestamp?)
    }

    /// The cells of `encodedCells`, read where they lie (a row in a shard file). A cell that
    /// spells `name` (most rows' first) shares that string instead of making another.
    static func decodeCells(_ bytes: UnsafeBufferPointer<UInt8>, name: String = "") -> [Cell] {
        var cells: [Cell] = []
        cells.reserveCapacity(10)
        var bytesOfName = name
        bytesOfName.withUTF8 { nameBytes in
            var encoded = EncodedCells(bytes)
            while let cell = encoded.next() {
                switch cell {
                case .text(let part):
                    cells.append(!nameBytes.isEmpty && part.elementsEqual(nameBytes) ? .text(name) : .text(String(decoding: part, as: UTF8.self)))
                case .string(let text): cells.append(.text(text))
                case .age(let t): cells.append(.age(t))
                case .restarts(let n, let last): cells.append(.restarts(n, last: last))
                }
            }
        }
        return cells
    }

    /// The cells of `encodedCells` one after another: split at 0x1F, a time after 0x01, a
    /// restart count after 0x02. An empty encoding is one empty cell.
    struct EncodedCells: IteratorProtocol {
        private let bytes: UnsafeBufferPointer<UInt8>
        private var start = 0
        private var finished = false

        init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        mutating func next() -> CellView? {
            guard !finished else { return nil }
            var end = start
            while end < bytes.count, bytes[end] != 0x1F { end += 1 }
            let cell = ListingRow.cell(UnsafeBufferPointer(rebasing: bytes[start..<end]))
            if end >= bytes.count { finished = true } else { start = end + 1 }
            return cell
        }
    }

    fileprivate static func cell(_ part: UnsafeBufferPointer<UInt8>) -> CellView {
        switch part.first {
        case 0x02:
            // Restarts: count, then `,` and the last restart's milliseconds when there is one.
            if let restarts = plainRestarts(part) { return restarts }
            let fields = part.dropFirst().split(separator: UInt8(ascii: ","))
            return .restarts(fields.first.flatMap { integer($0) } ?? 0, last: fields.count > 1 ? integer(fields[1]).map { Timestamp(milliseconds: $0) } : nil)
        case 0x01:
            var milliseconds = 0
            var negative = false
            for byte in part.dropFirst() {
                if byte == UInt8(ascii: "-") { negative = true; continue }
                guard byte >= 0x30 && byte <= 0x39 else { break }
                milliseconds = milliseconds &* 10 &+ Int(byte - 0x30)
            }
            return .age(part.count > 1 ? Timestamp(milliseconds: negative ? -milliseconds : milliseconds) : nil)
        default:
            return .text(part)
        }
    }

    /// The restarts cell as the store writes it — digits, a comma, digits or nothing — read
    /// without splitting (what the split reads it as); nil for any other spelling.
    private static func plainRestarts(_ part: UnsafeBufferPointer<UInt8>) -> CellView? {
        var count = 0, last = 0, digits = 0, lastDigits = 0
        var i = 1
        while i < part.count, part[i] >= 0x30 && part[i] <= 0x39 {
            count = count &* 10 &+ Int(part[i] - 0x30)
            digits += 1
            i += 1
        }
        guard digits > 0, digits <= 18, i < part.count, part[i] == UInt8(ascii: ",") else { return nil }
        i += 1
        while i < part.count, part[i] >= 0x30 && part[i] <= 0x39 {
            last = last &* 10 &+ Int(part[i] - 0x30)
            lastDigits += 1
            i += 1
        }
        guard i == part.count, lastDigits <= 18 else { return nil }
        return .restarts(count, last: lastDigits > 0 ? Timestamp(milliseconds: last) : nil)
    }

    /// A decimal integer, as `Int(String)` reads one (a sign, then digits, nothing else).
    private static func integer(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> Int? {
        Int(String(decoding: UnsafeBufferPointer(rebasing: bytes), as: UTF8.self))
    }

    private static func split(_ bytes: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        var parts: [ArraySlice<UInt8>] = []
        var start = bytes.startIndex
        for i in bytes.indices where bytes[i] == 0x1F {
            parts.append(bytes[start..<i])
            start = i + 1
        }
        parts.append(bytes[start..<bytes.endIndex])
        return parts
    }

    /// `k=v` pairs split by 0x1F: label keys and values cannot hold that byte.
    public var encodedLabels: String {
        var bytes: [UInt8] = []
        appendLabels(into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `key=value` pairs in key order, split by 0x1F.
    private func appendLabels(into out: inout [UInt8]) {
        Self.encodeLabels(labels, into: &out)
    }

    static func encodeLabels(_ labels: [String: String], into out: inout [UInt8]) {
        for (i, label) in labels.sorted(by: { $0.key < $1.key }).enumerated() {
            if i > 0 { out.append(0x1F) }
            out.appendUTF8(label.key)
            out.append(UInt8(ascii: "="))
            out.appendUTF8(label.value)
        }
    }

    static func decodeLabels(_ bytes: UnsafeBufferPointer<UInt8>) -> [String: String] {
        decodeLabels(ArraySlice(bytes))
    }

    public static func decodeLabels(_ bytes: ArraySlice<UInt8>) -> [String: String] {
        var labels: [String: String] = [:]
        if bytes.isEmpty { return labels }
        for pair in split(bytes) {
            guard let eq = pair.firstIndex(of: UInt8(ascii: "=")) else { continue }
            labels[String(decoding: pair[..<eq], as: UTF8.self)] = String(decoding: pair[(eq + 1)...], as: UTF8.self)
        }
        return labels
    }
}

public enum TablePrinter {
    /// One table for objects of one type.
    public static func table(_ resources: [Resource], type: ResourceType, now: Timestamp, options: TableOptions) -> String {
        table(rows: resources.map(ListingRow.init), type: type, now: now, options: options)
    }

    public static func table(rows: [ListingRow], type: ResourceType, now: Timestamp, options: TableOptions) -> String {
        var text = ""
        write(runs: [rows], type: type, now: now, options: options) { text += $0 }
        return text
    }

    public static func write(runs: [[ListingRow]], type: ResourceType, now: Timestamp, options: TableOptions,
                             to output: (String) -> Void) {
        write(runs: runs.map(ListingRun.init(rows:)), type: type, now: now, options: options, to: output)
    }

    /// The table of `runs`, handed to `output` a piece at a time. Each run is in the order to
    /// print; several runs (a table's shards, each in the API server's order) are merged by
    /// namespace and name as they print. The column widths are counted first, on every core,
    /// without keeping a line (`CellWidths`); the header and the first row go out as soon as
    /// they are known, then each run is laid out in those columns on its core, as bytes (no
    /// string per cell), and the runs are merged by copying lines. `get pods -A` of 150,000
    /// pods prints its first line before it has laid out any other row.
    public static func write(runs: [ListingRun], type: ResourceType, now: Timestamp, options: TableOptions,
                             to output: (String) -> Void) {
        let header = self.header(type: type, options: options)
        let shared = ReadOnly(runs)
        let measured = Parallel.map(runs.count) { i -> (widths: TabWriter.Widths, keys: SortedRuns) in
            let run = shared.value[i]
            var widths = CellWidths()
            var format = LineFormat(type: type, now: now, options: options)
            run.format(with: &format, into: &widths)
            return (widths.widths, runs.count == 1 ? SortedRuns() : run.keys())
        }
        var widths = TabWriter.Widths(options.noHeaders ? [] : [header])
        for run in measured { widths.add(run.widths) }
        // The keys laid end to end for the merge, once the first line is out.
        var keys = SortedRuns()
        let joinKeys = { for run in measured { keys.append(run.keys) } }
        let merge = { (body: (_ run: Int, _ index: Int) -> Void) in
            if runs.count == 1 {
                for index in 0..<runs[0].count { body(0, index) }
            } else {
                keys.merge(body)
            }
        }
        guard let columns = widths.columns() else {
            // Lines of different lengths: the tab writer's blocks decide the widths.
            let lines = Parallel.map(runs.count) { i -> RowLines in
                var lines = RowLines()
                var format = LineFormat(type: type, now: now, options: options)
                shared.value[i].format(with: &format, into: &lines)
                return lines
            }
            var writer = TabWriter()
            if !options.noHeaders { writer.add(header) }
            joinKeys()
            merge { run, index in writer.add(lines[run].line(index)) }
            output(writer.render())
            return
        }
        var out: [UInt8] = []
        if !options.noHeaders { TabWriter.append(header, widths: columns, to: &out) }
        // The first row, laid out alone, goes out with the header.
        let first = runs.count == 1 ? (runs[0].isEmpty ? nil : 0) : SortedRuns.firstRun(among: measured.map(\.keys))
        if let first {
            var line = PaddedLines(columns: columns)
            var format = LineFormat(type: type, now: now, options: options)
            runs[first].format(0..<1, with: &format, into: &line)
            line.append(0, to: &out)
        }
        if !out.isEmpty { output(String(decoding: out, as: UTF8.self)) }
        out.removeAll(keepingCapacity: true)
        guard first != nil else { return }
        joinKeys()
        let lines = Parallel.map(runs.count) { i -> PaddedLines in
            let run = shared.value[i]
            var lines = PaddedLines(columns: columns, rows: run.count, bytes: run.byteCount + run.count * columns.reduce(0, +) / 2)
            var format = LineFormat(type: type, now: now, options: options)
            run.format(with: &format, into: &lines)
            return lines
        }
        var skipped = false
        // Each run's lines read where they are, not copied for every row.
        lines.withUnsafeBufferPointer { lines in
            merge { run, index in
                // The first row went out with the header.
                guard skipped else { skipped = true; return }
                lines[run].append(index, to: &out)
                if out.count >= 1 << 16 {
                    output(String(decoding: out, as: UTF8.self))
                    out.removeAll(keepingCapacity: true)
                }
            }
        }
        if !out.isEmpty { output(String(decoding: out, as: UTF8.self)) }
    }

    /// The header and each row's cells, as the table prints them.
    static func lines(rows: [ListingRow], type: ResourceType, now: Timestamp, options: TableOptions) -> [[String]] {
        var lines = RowLines()
        var format = LineFormat(type: type, now: now, options: options)
        ListingRun(rows: rows).format(with: &format, into: &lines)
        return [header(type: type, options: options)] + (0..<lines.count).map(lines.line)
    }

    static func header(type: ResourceType, options: TableOptions) -> [String] {
        var header = columns(for: type, wide: options.wide)
        if options.allNamespaces && type.namespaced { header.insert("NAMESPACE", at: 0) }
        header += options.labelColumns.map { ($0.split(separator: "/").last.map(String.init) ?? $0).uppercased() }
        if options.showLabels { header.append("LABELS") }
        return header
    }

    /// How a row's cells become a printed line, as bytes: the object's cells (kubectl's
    /// server-side printers, `cells(for:type:)`) with times printed at `now`, the namespace
    /// first with -A, the kind before the name when a `get` names several kinds, then -L's
    /// label columns and --show-labels.
    struct LineFormat {
        let now: Timestamp
        let options: TableOptions
        /// How many of a row's cells the table has (`columns(for:wide:)`).
        let count: Int
        /// Where the object's own cells start: after NAMESPACE with -A.
        let first: Int
        /// "deployment.apps/" before the name, when a `get` names several kinds.
        let kindPrefix: [UInt8]?
        // (A load balancer's addresses are never cut: `loadBalancerStatusStringer` cuts them
        // only when not wide, and the API server's table convertor prints wide —
        // `TableConvertor.ConvertToTable`, `printers.GenerateOptions{Wide: true}` — so kubectl
        // 1.32 shows them whole, -o wide or not.)
        /// Ages printed, by their whole seconds (all `humanDuration` reads), in a small
        /// table of their last digits: a shard's pods, in name order, were made at scattered
        /// times within a few minutes.
        private var ages: [(seconds: Int, text: String)?] = Array(repeating: nil, count: 256)
        /// The last restarts printed (rows in a run share them often).
        private var lastRestarts: (Int, Timestamp?, String)?

        init(type: ResourceType, now: Timestamp, options: TableOptions) {
            self.now = now
            self.options = options
            count = TablePrinter.columns(for: type, wide: options.wide).count
            first = options.allNamespaces && type.namespaced ? 1 : 0
            kindPrefix = options.showKind && type.kind != "Event" ? Array("\(type.qualifiedSingular)/".utf8) : nil
        }

        /// One row: its namespace, its cells in order, and its labels when asked for.
        mutating func append<Cells: IteratorProtocol, Sink: LineSink>(namespace: UnsafeBufferPointer<UInt8>, cells: Cells, labels: () -> [String: String],
                                                                      to lines: inout Sink) where Cells.Element == ListingRow.CellView {
            if first == 1 { lines.add(namespace) }
            var position = first
            var cells = cells
            while position - first < count, let cell = cells.next() {
                switch cell {
                case .text(let text): emit(text, at: position, to: &lines)
                case .string(let text): emit(text, at: position, to: &lines)
                case .age(let t):
                    guard let t else {
                        emit("<unknown>", at: position, to: &lines)
                        break
                    }
                    // (Saturating: a damaged rows file can hold any time.)
                    let milliseconds = now.milliseconds.subtractingSaturating(t.milliseconds)
                    let seconds = milliseconds / 1000
                    if let age = ages[seconds & 255], age.seconds == seconds {
                        emit(age.text, at: position, to: &lines)
                    } else {
                        let text = humanDuration(milliseconds: milliseconds)
                        ages[seconds & 255] = (seconds, text)
                        emit(text, at: position, to: &lines)
                    }
                case .restarts(let n, let last):
                    if lastRestarts == nil || lastRestarts?.0 != n || lastRestarts?.1 != last {
                        lastRestarts = (n, last, PodSummary.restartsText(n, last: last, now: now))
                    }
                    emit(lastRestarts?.2 ?? "", at: position, to: &lines)
                }
                position += 1
            }
            if !options.labelColumns.isEmpty || options.showLabels {
                let labels = labels()
                for key in options.labelColumns { lines.add(labels[key] ?? "") }
                if options.showLabels { lines.add(TablePrinter.labelsText(labels)) }
            }
            lines.endLine()
        }

        /// The name, with the kind before it when a `get` names several kinds.
        private func emit<Sink: LineSink>(_ text: String, at position: Int, to lines: inout Sink) {
            var text = text
            text.withUTF8 { emit($0, at: position, to: &lines) }
        }

        /// A cell as printTable writes it: cut at its first line break (`ListingRow.tableCell`),
        /// ESC shown as `^[` (`WriteEscaped`; an image name or an event's message can hold one).
        private func emit<Sink: LineSink>(_ text: UnsafeBufferPointer<UInt8>, at position: Int, to lines: inout Sink) {
            if text.contains(where: { $0 < 0x20 && ($0 == 0x1B || ListingRow.storedSpecial($0)) }) {
                let cut = ListingRow.tableCell(text)
                var escaped = Array(TerminalEscaper.escaped(String(decoding: cut, as: UTF8.self)).utf8)
                escaped.withUnsafeMutableBufferPointer { emit(UnsafeBufferPointer($0), at: position, to: &lines) }
                return
            }
            if position == first, let kindPrefix {
                lines.add(kindPrefix, text)
                return
            }
            lines.add(text)
        }
    }

    /// `GetAccessModesAsString`: RWO, ROX, RWX, RWOP, in that order.
    static func accessModes(_ value: Value?) -> String {
        let modes = Set((value?.arrayValue ?? []).compactMap(\.stringValue))
        return [("ReadWriteOnce", "RWO"), ("ReadOnlyMany", "ROX"), ("ReadWriteMany", "RWX"), ("ReadWriteOncePod", "RWOP")].filter { modes.contains($0.0) }.map(\.1).joined(separator: ",")
    }

    /// `labels.FormatLabels`: `key=value` pairs sorted as strings (Set.String), so `app.kubernetes.io/name=x`
    /// comes before `app=y` ('.' < '='), and `<none>` for none.
    static func labelsText(_ labels: [String: String]) -> String {
        labels.isEmpty ? "<none>" : labels.map { "\($0.key)=\($0.value)" }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.joined(separator: ",")
    }

    static func columns(for type: ResourceType, wide: Bool) -> [String] {
        switch (type.group, type.kind) {
        case ("apps", "Deployment"): return ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"] + (wide ? ["CONTAINERS", "IMAGES", "SELECTOR"] : [])
        // kubectl's printReplicaSet and printReplicationController.
        case ("apps", "ReplicaSet"), ("", "ReplicationController"):
            return ["NAME", "DESIRED", "CURRENT", "READY", "AGE"] + (wide ? ["CONTAINERS", "IMAGES", "SELECTOR"] : [])
        // kubectl's printStatefulSet and printDaemonSet.
        case ("apps", "StatefulSet"): return ["NAME", "READY", "AGE"] + (wide ? ["CONTAINERS", "IMAGES"] : [])
        case ("", "PersistentVolume"): return ["NAME", "CAPACITY", "ACCESS MODES", "RECLAIM POLICY", "STATUS", "CLAIM", "STORAGECLASS", "VOLUMEATTRIBUTESCLASS", "REASON", "AGE"] + (wide ? ["VOLUMEMODE"] : [])
        case ("", "PersistentVolumeClaim"): return ["NAME", "STATUS", "VOLUME", "CAPACITY", "ACCESS MODES", "STORAGECLASS", "VOLUMEATTRIBUTESCLASS", "AGE"] + (wide ? ["VOLUMEMODE"] : [])
        case ("apps", "DaemonSet"): return ["NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE", "NODE SELECTOR", "AGE"] + (wide ? ["CONTAINERS", "IMAGES", "SELECTOR"] : [])
        case ("", "Pod"): return ["NAME", "READY", "STATUS", "RESTARTS", "AGE"] + (wide ? ["IP", "NODE", "NOMINATED NODE", "READINESS GATES"] : [])
        case ("", "Service"): return ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"] + (wide ? ["SELECTOR"] : [])
        case ("", "Endpoints"): return ["NAME", "ENDPOINTS", "AGE"]
        case ("", "Node"): return ["NAME", "STATUS", "ROLES", "AGE", "VERSION"] + (wide ? ["INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME"] : [])
        case ("", "Namespace"): return ["NAME", "STATUS", "AGE"]
        case ("", "Event"): return ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
        case ("", "ConfigMap"): return ["NAME", "DATA", "AGE"]
        case ("", "Secret"): return ["NAME", "TYPE", "DATA", "AGE"]
        case ("discovery.k8s.io", "EndpointSlice"): return ["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"]
        case ("networking.k8s.io", "Ingress"): return ["NAME", "CLASS", "HOSTS", "ADDRESS", "PORTS", "AGE"]
        case ("networking.k8s.io", "IngressClass"): return ["NAME", "CONTROLLER", "PARAMETERS", "AGE"]
        // printPriorityClass and printStorageClass (AGE is not last in the first).
        case ("scheduling.k8s.io", "PriorityClass"): return ["NAME", "VALUE", "GLOBAL-DEFAULT", "AGE", "PREEMPTIONPOLICY"]
        case ("storage.k8s.io", "StorageClass"): return ["NAME", "PROVISIONER", "RECLAIMPOLICY", "VOLUMEBINDINGMODE", "ALLOWVOLUMEEXPANSION", "AGE"]
        case ("policy", "PodDisruptionBudget"): return ["NAME", "MIN AVAILABLE", "MAX UNAVAILABLE", "ALLOWED DISRUPTIONS", "AGE"]
        case ("apps", "ControllerRevision"): return ["NAME", "CONTROLLER", "REVISION", "AGE"]
        // printResourceQuota and printLimitRange.
        case ("", "ResourceQuota"): return ["NAME", "AGE", "REQUEST", "LIMIT"]
        // printLimitRange, printRole (Roles and ClusterRoles) and the default table convertor
        // apiextensions-apiserver serves CustomResourceDefinitions with (NAME, CREATED AT).
        case ("", "LimitRange"), ("rbac.authorization.k8s.io", "Role"), ("rbac.authorization.k8s.io", "ClusterRole"),
             ("apiextensions.k8s.io", "CustomResourceDefinition"): return ["NAME", "CREATED AT"]
        // printServiceAccount: the number of its `secrets`.
        case ("", "ServiceAccount"): return ["NAME", "SECRETS", "AGE"]
        // printRoleBinding and printClusterRoleBinding.
        case ("rbac.authorization.k8s.io", "RoleBinding"), ("rbac.authorization.k8s.io", "ClusterRoleBinding"):
            return ["NAME", "ROLE", "AGE"] + (wide ? ["USERS", "GROUPS", "SERVICEACCOUNTS"] : [])
        default: return ["NAME", "AGE"]
        }
    }

    /// The wide row of an object; `cells(…).prefix(columns(wide: false).count)` is the narrow
    /// one, since every wide column comes last.
    static func cells(for r: Resource, type: ResourceType) -> [ListingRow.Cell] {
        let o = r.value
        let created = { r.creationTimestamp.flatMap(Timestamp.init(parsing:)) }
        switch (type.group, type.kind) {
        case ("", "Pod"):
            return podCells(name: r.name, summary: PodSummary(r), ip: o.at("status", "podIP")?.stringValue, node: o.at("spec", "nodeName")?.stringValue,
                            nominated: o.at("status", "nominatedNodeName")?.stringValue, created: created(), gates: readinessGates(o))
        case ("", "Event"):
            let involved = o["involvedObject"]
            return eventCells(lastSeen: o["lastTimestamp"]?.stringValue.flatMap(Timestamp.init(parsing:)) ?? o["eventTime"]?.stringValue.flatMap(Timestamp.init(parsing:)),
                              type: o["type"]?.stringValue ?? "", reason: o["reason"]?.stringValue ?? "",
                              kind: involved?["kind"]?.stringValue ?? "", name: involved?["name"]?.stringValue ?? "", message: o["message"]?.stringValue ?? "")
        default:
            return cells(row(for: r, type: type, wide: true), created: created)
        }
    }

    /// A pod's wide row (printPod) from what it reads: its summary, `status.podIP`,
    /// `spec.nodeName`, `status.nominatedNodeName`, `metadata.creationTimestamp` read as a time. Made as cells, not as
    /// texts with markers to be read back: every pod a rollout writes is listed this way.
    static func podCells(name: String, summary: PodSummary, ip: String?, node: String?, nominated: String?, created: Timestamp?,
                         gates: (passed: Int, total: Int) = (0, 0)) -> [ListingRow.Cell] {
        [.text(name), .text("\(summary.readyContainers)/\(summary.totalContainers)"), .text(summary.status),
         .restarts(summary.restarts, last: summary.lastRestart), .age(created),
         .text(ip ?? "<none>"), .text(node ?? "<none>"), .text(nominated.flatMap { $0.isEmpty ? nil : $0 } ?? "<none>"),
         .text(gates.total == 0 ? "<none>" : "\(gates.passed)/\(gates.total)")]
    }

    /// READINESS GATES (printPod): of the pod's readiness gates, how many have their condition
    /// True (the first condition of the type counts).
    static func readinessGates(_ pod: Value) -> (passed: Int, total: Int) {
        let gates = pod.at("spec", "readinessGates")?.arrayValue ?? []
        guard !gates.isEmpty else { return (0, 0) }
        let conditions = pod.at("status", "conditions")?.arrayValue ?? []
        let passed = gates.filter { gate in
            conditions.first { $0["type"] == gate["conditionType"] }?["status"]?.stringValue == "True"
        }.count
        return (passed, gates.count)
    }

    /// An event's row (printEvent) from what it reads: `lastTimestamp` (else `eventTime`) read
    /// as a time, the involved object's kind and name.
    static func eventCells(lastSeen: Timestamp?, type: String, reason: String, kind: String, name: String, message: String) -> [ListingRow.Cell] {
        [lastSeen.map { .age($0) } ?? .text("<unknown>"), .text(type), .text(reason), .text("\(kind.lowercased())/\(name)"), .text(message)]
    }

    /// A row's texts as cells: the age marker made the object's creation time.
    private static func cells(_ row: [String], created: () -> Timestamp?) -> [ListingRow.Cell] {
        row.map { text in
            // The marker begins with U+0001, a control character, which is a Character of its
            // own and equivalent to no other text: a cell whose first byte differs is text.
            guard text.utf8.first == 0x01, text == ageMarker else { return .text(text) }
            return .age(created())
        }
    }

    private static let ageMarker = "\u{01}age"

    private static func row(for r: Resource, type: ResourceType, wide: Bool) -> [String] {
        let o = r.value
        let int = { (path: [String]) in o.at(path)?.intValue ?? 0 }
        let age = ageMarker
        switch (type.group, type.kind) {
        case ("apps", "Deployment"):
            let desired = o.at("spec", "replicas")?.intValue ?? 1
            var cells = [r.name, "\(int(["status", "readyReplicas"]))/\(desired)", String(int(["status", "updatedReplicas"])), String(int(["status", "availableReplicas"])), age]
            if wide { cells += workloadWideCells(o) }
            return cells
        case ("apps", "ReplicaSet"):
            var cells = [r.name, String(o.at("spec", "replicas")?.intValue ?? 1), String(int(["status", "replicas"])), String(int(["status", "readyReplicas"])), age]
            if wide { cells += workloadWideCells(o) }
            return cells
        case ("", "ResourceQuota"):
            // printResourceQuota: `resource: used/hard` for each resource of `status.hard`, by
            // name, those named `limits.…` under LIMIT and the others under REQUEST.
            var request: [String] = [], limit: [String] = []
            let hard = o.at("status", "hard")?.objectValue?.members.map(\.key).sorted() ?? []
            for name in hard {
                let quantity = { (field: String) in o.at("status", field, name).flatMap { $0.stringValue ?? $0.intValue.map(String.init) } ?? "0" }
                let cell = "\(name): \(quantity("used"))/\(quantity("hard"))"
                if name.split(separator: ".", omittingEmptySubsequences: false).first == "limits" && name.contains(".") { limit.append(cell) } else { request.append(cell) }
            }
            return [r.name, age, request.joined(separator: ", "), limit.joined(separator: ", ")]
        case ("", "ServiceAccount"):
            return [r.name, String(o["secrets"]?.arrayValue?.count ?? 0), age]
        case ("rbac.authorization.k8s.io", "RoleBinding"), ("rbac.authorization.k8s.io", "ClusterRoleBinding"):
            // The role as `Kind/name`; wide, the subjects as rbac.SubjectsStrings sorts them out
            // (users and groups by name, service accounts as `namespace/name`, others not shown).
            var cells = [r.name, "\(o.at("roleRef", "kind")?.stringValue ?? "")/\(o.at("roleRef", "name")?.stringValue ?? "")", age]
            if wide {
                let subjects = o["subjects"]?.arrayValue ?? []
                func names(_ kind: String, _ text: (Value) -> String) -> String {
                    subjects.filter { $0["kind"]?.stringValue == kind }.map(text).joined(separator: ", ")
                }
                cells += [names("User") { $0["name"]?.stringValue ?? "" }, names("Group") { $0["name"]?.stringValue ?? "" },
                          names("ServiceAccount") { "\($0["namespace"]?.stringValue ?? "")/\($0["name"]?.stringValue ?? "")" }]
            }
            return cells
        case ("", "LimitRange"), ("rbac.authorization.k8s.io", "Role"), ("rbac.authorization.k8s.io", "ClusterRole"),
             ("apiextensions.k8s.io", "CustomResourceDefinition"):
            // printLimitRange, printRole, the default table convertor: the creation time in RFC 3339, UTC.
            return [r.name, r.creationTimestamp.flatMap(Timestamp.init(parsing:))?.description ?? "0001-01-01T00:00:00Z"]
        case ("", "ReplicationController"):
            // Stored, not simulated: no controller makes its pods, so CURRENT and READY stay at
            // what its status says. Its selector is a plain map (`labels.FormatLabels`).
            var cells = [r.name, String(o.at("spec", "replicas")?.intValue ?? 1), String(int(["status", "replicas"])), String(int(["status", "readyReplicas"])), age]
            if wide { cells += workloadWideCells(o).prefix(2) + [labelsText(stringMap(o.at("spec", "selector")))] }
            return cells
        case ("apps", "StatefulSet"):
            var cells = [r.name, "\(int(["status", "readyReplicas"]))/\(o.at("spec", "replicas")?.intValue ?? 1)", age]
            if wide { cells += workloadWideCells(o).prefix(2) }
            return cells
        case ("", "PersistentVolume"):
            // printPersistentVolume: the claim as namespace/name, the access modes short.
            let claimRef = o.at("spec", "claimRef")
            let claim = claimRef.flatMap { ref in ref["name"]?.stringValue.map { "\(ref["namespace"]?.stringValue ?? "")/\($0)" } } ?? ""
            let phase = r.deletionTimestamp != nil ? "Terminating" : o.at("status", "phase")?.stringValue ?? ""
            let attributesClass = o.at("spec", "volumeAttributesClassName")?.stringValue ?? ""
            var cells = [r.name, o.at("spec", "capacity", "storage").flatMap { $0.stringValue ?? $0.intValue.map(String.init) } ?? "",
                         accessModes(o.at("spec", "accessModes")), o.at("spec", "persistentVolumeReclaimPolicy")?.stringValue ?? "", phase, claim,
                         o.at("spec", "storageClassName")?.stringValue ?? "", attributesClass.isEmpty ? "<unset>" : attributesClass,
                         o.at("status", "reason")?.stringValue ?? "", age]
            if wide { cells.append(o.at("spec", "volumeMode")?.stringValue ?? "<unset>") }
            return cells
        case ("", "PersistentVolumeClaim"):
            // printPersistentVolumeClaim: capacity and access modes once a volume is bound.
            let phase = r.deletionTimestamp != nil ? "Terminating" : o.at("status", "phase")?.stringValue ?? ""
            let volume = o.at("spec", "volumeName")?.stringValue ?? ""
            let capacity = o.at("status", "capacity", "storage").flatMap { $0.stringValue ?? $0.intValue.map(String.init) } ?? ""
            let attributesClass = o.at("spec", "volumeAttributesClassName")?.stringValue ?? ""
            var cells = [r.name, phase, volume, volume.isEmpty ? "" : capacity, volume.isEmpty ? "" : accessModes(o.at("status", "accessModes")),
                         o.at("spec", "storageClassName")?.stringValue ?? "", attributesClass.isEmpty ? "<unset>" : attributesClass, age]
            if wide { cells.append(o.at("spec", "volumeMode")?.stringValue ?? "<unset>") }
            return cells
        case ("apps", "DaemonSet"):
            let nodeSelector = stringMap(o.at("spec", "template", "spec", "nodeSelector"))
            var cells = [r.name] + ["desiredNumberScheduled", "currentNumberScheduled", "numberReady", "updatedNumberScheduled", "numberAvailable"].map { String(int(["status", $0])) }
                + [nodeSelector.isEmpty ? "<none>" : labelsText(nodeSelector), age]
            if wide { cells += workloadWideCells(o) }
            return cells
        case ("", "Service"):
            var cells = [r.name, o.at("spec", "type")?.stringValue ?? "ClusterIP", o.at("spec", "clusterIP")?.stringValue ?? "<none>",
                         ServiceText.externalIP(o), ServiceText.ports(o), age]
            if wide {
                let selector = stringMap(o.at("spec", "selector"))
                cells.append(selector.isEmpty ? "<none>" : labelsText(selector))
            }
            return cells
        case ("", "Endpoints"):
            return [r.name, ServiceText.endpoints(o), age]
        case ("discovery.k8s.io", "EndpointSlice"):
            // printEndpointSlice: at most three ports and addresses, then "+ N more...".
            func list(_ items: [String]) -> String {
                if items.isEmpty { return "<unset>" }
                return items.prefix(3).joined(separator: ",") + (items.count > 3 ? " + \(items.count - 3) more..." : "")
            }
            let ports = (o["ports"]?.arrayValue ?? []).map { $0["port"]?.intValue.map(String.init) ?? $0["name"]?.stringValue ?? "*" }
            let addresses = (o["endpoints"]?.arrayValue ?? []).flatMap { ($0["addresses"]?.arrayValue ?? []).compactMap(\.stringValue) }
            return [r.name, o["addressType"]?.stringValue ?? "", list(ports), list(addresses), age]
        case ("networking.k8s.io", "Ingress"):
            // printIngress: formatHosts (three, then "+ N more..."), the load balancer's
            // addresses, "80" or "80, 443" with TLS.
            let hosts = (o.at("spec", "rules")?.arrayValue ?? []).compactMap { $0["host"]?.stringValue }.filter { !$0.isEmpty }
            let hostText = hosts.isEmpty ? "*" : hosts.prefix(3).joined(separator: ",") + (hosts.count > 3 ? " + \(hosts.count - 3) more..." : "")
            let addresses = Set((o.at("status", "loadBalancer", "ingress")?.arrayValue ?? []).compactMap { $0["ip"]?.stringValue ?? $0["hostname"]?.stringValue }).sorted()
            let tls = !(o.at("spec", "tls")?.arrayValue ?? []).isEmpty
            return [r.name, o.at("spec", "ingressClassName")?.stringValue ?? "<none>", hostText, addresses.joined(separator: ","), tls ? "80, 443" : "80", age]
        case ("networking.k8s.io", "IngressClass"):
            var parameters = "<none>"
            if let p = o.at("spec", "parameters") {
                parameters = (p["kind"]?.stringValue ?? "") + (p["apiGroup"]?.stringValue.map { ".\($0)" } ?? "") + "/" + (p["name"]?.stringValue ?? "")
            }
            return [r.name, o.at("spec", "controller")?.stringValue ?? "", parameters, age]
        case ("apps", "ControllerRevision"):
            // printControllerRevision: the controlling owner as kind.group/name, "<none>" without.
            let owner = (o.at("metadata", "ownerReferences")?.arrayValue ?? []).first { $0["controller"]?.boolValue == true }
            let controller = owner.map { ref -> String in
                let apiVersion = ref["apiVersion"]?.stringValue ?? ""
                let group = apiVersion.contains("/") ? String(apiVersion.split(separator: "/")[0]) : ""
                return (ref["kind"]?.stringValue ?? "").lowercased() + (group.isEmpty ? "" : ".\(group)") + "/" + (ref["name"]?.stringValue ?? "")
            } ?? "<none>"
            return [r.name, controller, String(int(["revision"])), age]
        case ("policy", "PodDisruptionBudget"):
            // printPodDisruptionBudget: the unset bound prints N/A.
            func bound(_ v: Value?) -> String {
                switch v {
                case .int(let i)?: return String(i)
                case .string(let s)?: return s
                default: return "N/A"
                }
            }
            return [r.name, bound(o.at("spec", "minAvailable")), bound(o.at("spec", "maxUnavailable")), String(int(["status", "disruptionsAllowed"])), age]
        case ("", "Node"):
            let ready = (o.at("status", "conditions")?.arrayValue ?? []).first { $0["type"]?.stringValue == "Ready" }
            // printNode: Ready, NotReady (False or Unknown), Unknown without a Ready condition.
            var status = ready == nil ? "Unknown" : ready?["status"]?.stringValue == "True" ? "Ready" : "NotReady"
            if o.at("spec", "unschedulable")?.boolValue == true { status += ",SchedulingDisabled" }
            let roles = r.labels.keys.filter { $0.hasPrefix("node-role.kubernetes.io/") }.map { String($0.dropFirst("node-role.kubernetes.io/".count)) }.sorted()
            var cells = [r.name, status, roles.isEmpty ? "<none>" : roles.joined(separator: ","), age, o.at("status", "nodeInfo", "kubeletVersion")?.stringValue ?? ""]
            if wide {
                let addresses = o.at("status", "addresses")?.arrayValue ?? []
                let address = { (kind: String) in addresses.first { $0["type"]?.stringValue == kind }?["address"]?.stringValue ?? "<none>" }
                let info = { (key: String) in o.at("status", "nodeInfo", key)?.stringValue ?? "<unknown>" }
                cells += [address("InternalIP"), address("ExternalIP"), info("osImage"), info("kernelVersion"), info("containerRuntimeVersion")]
            }
            return cells
        case ("", "Namespace"):
            return [r.name, o.at("status", "phase")?.stringValue ?? "Active", age]
        case ("scheduling.k8s.io", "PriorityClass"):
            // printPriorityClass: `<unset>` for a class of no policy.
            return [r.name, String(o["value"]?.intValue ?? 0), String(o["globalDefault"]?.boolValue ?? false), age,
                    o["preemptionPolicy"]?.stringValue ?? "<unset>"]
        case ("storage.k8s.io", "StorageClass"):
            // printStorageClass: "(default)" after the default class's name (IsDefaultAnnotation:
            // the annotation or its beta form "true"); Delete, Immediate and false when unset.
            let isDefault = r.annotations["storageclass.kubernetes.io/is-default-class"] == "true"
                || r.annotations["storageclass.beta.kubernetes.io/is-default-class"] == "true"
            return [isDefault ? "\(r.name) (default)" : r.name, o["provisioner"]?.stringValue ?? "", o["reclaimPolicy"]?.stringValue ?? "Delete",
                    o["volumeBindingMode"]?.stringValue ?? "Immediate", String(o["allowVolumeExpansion"]?.boolValue ?? false), age]
        case ("", "ConfigMap"):
            return [r.name, String((o["data"]?.objectValue?.count ?? 0) + (o["binaryData"]?.objectValue?.count ?? 0)), age]
        case ("", "Secret"):
            return [r.name, o["type"]?.stringValue ?? "Opaque", String((o["data"]?.objectValue?.count ?? 0) + (o["stringData"]?.objectValue?.count ?? 0)), age]
        default:
            return [r.name, age]
        }
    }

    static func workloadWideCells(_ o: Value) -> [String] {
        let containers = o.at("spec", "template", "spec", "containers")?.arrayValue ?? []
        let selector = o.at("spec", "selector")?.objectValue.map { LabelSelector.decodeForDisplay($0).trimmingCharacters(in: "\"") } ?? "<none>"
        return [containers.map { $0["name"]?.stringValue ?? "" }.joined(separator: ","),
                containers.map { $0["image"]?.stringValue ?? "" }.joined(separator: ","), selector]
    }
}

/// How kubectl shows a Service's addresses and ports.
enum ServiceText {
    static func externalIP(_ o: Value) -> String {
        let type = o.at("spec", "type")?.stringValue ?? "ClusterIP"
        let external = (o.at("spec", "externalIPs")?.arrayValue ?? []).compactMap(\.stringValue)
        switch type {
        case "LoadBalancer":
            let ingress = Set((o.at("status", "loadBalancer", "ingress")?.arrayValue ?? []).compactMap { $0["ip"]?.stringValue ?? $0["hostname"]?.stringValue }).sorted()
            let all = ingress + external
            return all.isEmpty ? "<pending>" : all.joined(separator: ",")
        case "ExternalName":
            return o.at("spec", "externalName")?.stringValue ?? "<none>"
        default:
            return external.isEmpty ? "<none>" : external.joined(separator: ",")
        }
    }

    static func ports(_ o: Value) -> String {
        let ports = o.at("spec", "ports")?.arrayValue ?? []
        if ports.isEmpty { return "<none>" }
        return ports.map { port in
            let number = port["port"]?.intValue ?? 0
            let proto = port["protocol"]?.stringValue ?? "TCP"
            if let node = port["nodePort"]?.intValue, node != 0 { return "\(number):\(node)/\(proto)" }
            return "\(number)/\(proto)"
        }.joined(separator: ",")
    }

    /// `10.42.0.5:8080,10.42.0.6:8080 + 1 more...`, as kubectl's endpoints printer shortens it.
    static func endpoints(_ o: Value) -> String {
        var all: [String] = []
        for subset in o["subsets"]?.arrayValue ?? [] {
            let ports = (subset["ports"]?.arrayValue ?? []).compactMap { $0["port"]?.intValue }
            for address in subset["addresses"]?.arrayValue ?? [] {
                guard let ip = address["ip"]?.stringValue else { continue }
                if ports.isEmpty { all.append(ip) } else { all += ports.map { "\(ip):\($0)" } }
            }
        }
        if all.isEmpty { return "<none>" }
        if all.count <= 3 { return all.joined(separator: ",") }
        return all.prefix(3).joined(separator: ",") + " + \(all.count - 3) more..."
    }
}

extension String {
    func trimmingCharacters(in set: Character) -> String {
        var s = Substring(self)
        while s.first == set { s = s.dropFirst() }
        while s.last == set { s = s.dropLast() }
        return String(s)
    }
}

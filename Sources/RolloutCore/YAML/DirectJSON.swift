/// `render -o json`'s direct path (issue 14): YAML bytes straight to the JSON `render` prints,
/// in one pass, with no tokens, nodes or values in between.
///
/// It takes only the block YAML manifests are written in — block mappings and sequences (an
/// indentless sequence under a key included), plain, quoted and block scalars on their lines,
/// flow collections on one line, comments, `---` between documents — and gives up on anything
/// else: anchors, aliases, tags, directives, `...`, complex keys, merge keys, multi-line plain,
/// quoted or flow scalars, tabs, carriage returns, duplicate keys, `kind: …List` documents, a
/// scalar at a document's root, keys that resolve to something other than a string, numbers
/// JSON cannot hold, and everything that is not valid YAML. Giving up costs nothing but time:
/// `Render` then reads the source through the parser, the resolver and the writer as before,
/// which also report errors and warnings. Where it does not give up, the output is the one
/// that path prints, byte for byte: scalars resolve through the same `YAMLSchema.resolvePlain`,
/// strings are escaped by `JSONWriter.appendEscaped` and numbers written by `JSONWriter`.
/// `DirectJSONTests` checks the two paths against each other on the YAML test suite, the real
/// manifests and mutations of them, and the fuzzer does on every input it makes.
struct DirectJSON {
    /// The input is outside what this path reads; `Render` reads it the general way.
    struct GaveUp: Error {}

    /// Deepest nesting taken here; deeper documents go the general way (which allows 256).
    static let maxDepth = 64
    /// Keys compared for duplicates one by one; a larger mapping goes the general way.
    static let maxKeys = 256
    /// YAML's limit on an implicit key's length (the general scanner enforces it).
    static let maxKeyLength = 1024

    /// Appends the JSON of every document of `bytes` to `output` and returns true, or leaves
    /// `output` as it was and returns false when the input is outside this path.
    static func transcode(_ bytes: [UInt8], schema: YAMLSchema, into output: inout [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { transcode($0, schema: schema, into: &output) }
    }

    /// The same over bytes in place; `readThrough` is told, about every megabyte, an offset
    /// before which the input is not read for a while (it is read twice: its characters are
    /// checked first), so a mapped file's pages can be given back as they are read through.
    static func transcode(_ buffer: UnsafeBufferPointer<UInt8>, schema: YAMLSchema, into output: inout [UInt8],
                          readThrough: ((Int) -> Void)? = nil) -> Bool {
        guard acceptsCharacters(buffer, readThrough: readThrough) else { return false }
        var transcoder = DirectJSON(buffer, schema: schema)
        transcoder.readThrough = readThrough
        swap(&transcoder.out, &output)
        let mark = transcoder.out.count
        var done = true
        do {
            try transcoder.stream()
        } catch {
            transcoder.out.removeSubrange(mark...)
            done = false
        }
        swap(&transcoder.out, &output)
        return done
    }

    /// Printable ASCII and line feeds, or valid UTF-8 as the scanner checks it without the
    /// characters YAML 1.1 readers treat as line breaks or a byte order mark. Checked a
    /// megabyte at a time, cut at line feeds (which no UTF-8 sequence holds), each piece given
    /// to `readThrough` once checked.
    private static func acceptsCharacters(_ s: UnsafeBufferPointer<UInt8>, readThrough: ((Int) -> Void)?) -> Bool {
        var start = 0
        while start < s.count {
            var end = min(s.count, start + (1 << 20))
            while end < s.count && s[end - 1] != 0x0A { end += 1 }
            if !acceptsCharacters(UnsafeBufferPointer(rebasing: s[start..<end])) { return false }
            readThrough?(end)
            start = end
        }
        return true
    }

    static func acceptsCharacters(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = s.baseAddress else { return true }
        var wide = false
        var i = 0
        let count = s.count
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        while i < count {
            // Eight bytes at a time: any below 0x20 (a line feed among them too), any DEL (the
            // bit tricks of JSONWriter.mayNeedEscaping), any from 0x80.
            if i + 8 <= count {
                let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                let del = word ^ (ones &* 0x7F)
                let special = ((word &- ones &* 0x20) & ~word | (del &- ones) & ~del) & highs
                if special == 0 {
                    if word & highs != 0 { wide = true }
                    i += 8
                    continue
                }
            }
            let b = base[i]
            i += 1
            if b >= 0x20 && b < 0x7F || b == 0x0A { continue }
            if b >= 0x80 { wide = true; continue }
            return false  // tab, carriage return, other controls, DEL
        }
        guard wide else { return true }
        if SourceText.firstBadCharacter(in: s) != nil { return false }
        i = 0
        while i + 1 < s.count {
            let b = s[i]
            // U+0085 (C2 85), U+2028/U+2029 (E2 80 A8/A9), U+FEFF (EF BB BF).
            if b == 0xC2 && s[i + 1] == 0x85 { return false }
            if i + 2 < s.count {
                if b == 0xE2 && s[i + 1] == 0x80 && (s[i + 2] == 0xA8 || s[i + 2] == 0xA9) { return false }
                if b == 0xEF && s[i + 1] == 0xBB && s[i + 2] == 0xBF { return false }
            }
            i += 1
        }
        return true
    }

    private let s: UnsafeBufferPointer<UInt8>
    private let end: Int
    private let schema: YAMLSchema
    private var out: [UInt8] = []
    /// The cursor, and the start of the line it is on.
    private var i = 0
    private var lineStart = 0
    /// The column of the content the cursor stands on at the start of a line's content, or -1
    /// at the end of a document (the end of the input, or `---` at column 0).
    private var indent = -1
    private var depth = 0
    /// The keys of the open mappings, innermost last: a hash and where the key's escaped
    /// bytes lie in `out`.
    private var keys: [(hash: UInt64, start: Int, end: Int)] = []
    private var scratch: [UInt8] = []
    private var readThrough: ((Int) -> Void)?
    private var toldReadThrough = 0

    private init(_ s: UnsafeBufferPointer<UInt8>, schema: YAMLSchema) {
        self.s = s
        self.end = s.count
        self.schema = schema
    }

    // MARK: - Bytes and lines

    /// The byte at `k`, or 0 past the end (the input holds no 0 byte: `acceptsCharacters`).
    @inline(__always) private func at(_ k: Int) -> UInt8 { k < end ? s[k] : 0 }

    /// Space, line feed or the end of the input.
    @inline(__always) private func isBlankOrEnd(_ k: Int) -> Bool {
        let b = at(k)
        return b == 0x20 || b == 0x0A || b == 0
    }

    /// `---` or `...` at column 0 followed by a blank or the end.
    private func isDocumentMarker(_ k: Int) -> Bool {
        let b = at(k)
        guard b == UInt8(ascii: "-") || b == UInt8(ascii: ".") else { return false }
        return at(k + 1) == b && at(k + 2) == b && isBlankOrEnd(k + 3)
    }

    /// From the start of a line, moves to the first line with content (past empty lines and
    /// comment lines) and sets `indent`; -1 at the end of the input or a document marker.
    private mutating func seekContent() {
        while true {
            lineStart = i
            if i >= end || isDocumentMarker(i) { indent = -1; return }
            var k = i
            while at(k) == 0x20 { k += 1 }
            let c = at(k)
            if c == 0x0A { i = k + 1; continue }
            if c == 0 { i = k; continue }
            if c == UInt8(ascii: "#") {
                i = k
                skipToNextLine()
                continue
            }
            i = k
            indent = k - lineStart
            return
        }
    }

    /// Past the next line feed (or to the end).
    private mutating func skipToNextLine() {
        while i < end && s[i] != 0x0A { i += 1 }
        if i < end { i += 1 }
    }

    /// The rest of a line after a node: spaces, then a comment or nothing; then on to the next
    /// line with content.
    private mutating func endLine() throws(GaveUp) {
        let before = i
        while at(i) == 0x20 { i += 1 }
        let c = at(i)
        if c == UInt8(ascii: "#") && i > before {
            skipToNextLine()
        } else if c == 0x0A {
            i += 1
        } else if c != 0 {
            throw GaveUp()
        }
        seekContent()
    }

    private mutating func skipSpaces() {
        while at(i) == 0x20 { i += 1 }
    }

    private mutating func enter() throws(GaveUp) {
        depth += 1
        if depth > Self.maxDepth { throw GaveUp() }
    }

    // MARK: - Documents

    private mutating func stream() throws(GaveUp) {
        i = 0
        while true {
            seekContent()
            if indent >= 0 {
                if let readThrough, lineStart - toldReadThrough >= 1 << 20 {
                    readThrough(lineStart)
                    toldReadThrough = lineStart
                }
                try node(parent: -1, root: true)
                // A root node takes its document to the end.
                if indent >= 0 { throw GaveUp() }
                out.append(0x0A)
                continue
            }
            if i >= end { return }
            // `---` (a `...` goes the general way), then only a comment on its line.
            if s[i] != UInt8(ascii: "-") { throw GaveUp() }
            i += 3
            let before = i
            skipSpaces()
            if at(i) == UInt8(ascii: "#") && i > before {
                skipToNextLine()
            } else if at(i) == 0x0A {
                i += 1
            } else if at(i) != 0 {
                throw GaveUp()
            }
        }
    }

    /// The node at the cursor, at column `i - lineStart`, inside a collection at column `parent`.
    private mutating func node(parent: Int, root: Bool = false, sameLine: Bool = true) throws(GaveUp) {
        let column = i - lineStart
        if s[i] == UInt8(ascii: "-") && isBlankOrEnd(i + 1) {
            return try sequence(column: column)
        }
        if let colon = keyColon() {
            return try mapping(column: column, firstColon: colon, root: root)
        }
        let c = s[i]
        if root && c != UInt8(ascii: "[") && c != UInt8(ascii: "{") { throw GaveUp() }
        if !sameLine && (c == UInt8(ascii: "|") || c == UInt8(ascii: ">")) { throw GaveUp() }
        try value(parent: parent)
    }

    // MARK: - Block collections

    private mutating func mapping(column: Int, firstColon: Int, root: Bool) throws(GaveUp) {
        try enter()
        out.append(UInt8(ascii: "{"))
        let keyBase = keys.count
        var colon = firstColon
        var first = true
        while true {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            let keyStart = out.count + 1
            try key(upTo: colon)
            let keyEnd = out.count - 1
            try remember(keyStart, keyEnd, from: keyBase)
            out.append(UInt8(ascii: ":"))
            i = colon + 1
            skipSpaces()
            let c = at(i)
            let valueStart = out.count
            if c == 0x0A || c == 0 || c == UInt8(ascii: "#") {
                // The value starts on a later line, or there is none.
                skipToNextLine()
                seekContent()
                if indent > column {
                    try node(parent: column, sameLine: false)
                } else if indent == column && s[i] == UInt8(ascii: "-") && isBlankOrEnd(i + 1) {
                    // An indentless sequence: its items line up with the keys.
                    try sequence(column: column)
                } else {
                    out.append(contentsOf: "null".utf8)
                }
            } else {
                try value(parent: column)
            }
            // `kind: List` and typed lists are flattened by the general path.
            if root && keyEnd - keyStart == 4 && isKind(keyStart) && endsWithList(from: valueStart) {
                throw GaveUp()
            }
            if indent < column { break }
            if indent > column { throw GaveUp() }
            guard let next = keyColon() else { throw GaveUp() }
            colon = next
        }
        keys.removeSubrange(keyBase...)
        out.append(UInt8(ascii: "}"))
        depth -= 1
    }

    private func isKind(_ k: Int) -> Bool {
        out[k] == UInt8(ascii: "k") && out[k + 1] == UInt8(ascii: "i") && out[k + 2] == UInt8(ascii: "n") && out[k + 3] == UInt8(ascii: "d")
    }

    private func endsWithList(from start: Int) -> Bool {
        let n = out.count
        return n - start >= 6 && out[start] == UInt8(ascii: "\"") && out[n - 5] == UInt8(ascii: "L")
            && out[n - 4] == UInt8(ascii: "i") && out[n - 3] == UInt8(ascii: "s") && out[n - 2] == UInt8(ascii: "t")
            && out[n - 1] == UInt8(ascii: "\"")
    }

    private mutating func sequence(column: Int) throws(GaveUp) {
        try enter()
        out.append(UInt8(ascii: "["))
        var first = true
        while true {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            i += 1
            skipSpaces()
            let c = at(i)
            if c == 0x0A || c == 0 || c == UInt8(ascii: "#") {
                skipToNextLine()
                seekContent()
                if indent > column {
                    try node(parent: column, sameLine: false)
                } else {
                    out.append(contentsOf: "null".utf8)
                }
            } else {
                try node(parent: column)
            }
            if indent < column { break }
            if indent > column { throw GaveUp() }
            if !(s[i] == UInt8(ascii: "-") && isBlankOrEnd(i + 1)) { break }
        }
        out.append(UInt8(ascii: "]"))
        depth -= 1
    }

    // MARK: - Keys

    /// Where the `:` of an implicit key at the cursor stands, or nil when the cursor is not at a
    /// key on this line.
    private func keyColon() -> Int? {
        var k = i
        let c = s[k]
        if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
            k += 1
            while true {
                let b = at(k)
                if b == 0x0A || b == 0 { return nil }
                if c == UInt8(ascii: "\"") && b == UInt8(ascii: "\\") { k += 2; continue }
                if b == c {
                    if c == UInt8(ascii: "'") && at(k + 1) == c { k += 2; continue }
                    break
                }
                k += 1
            }
            k += 1
            while at(k) == 0x20 { k += 1 }
            return at(k) == UInt8(ascii: ":") && isBlankOrEnd(k + 1) ? k : nil
        }
        guard canStartPlain(k) else { return nil }
        while true {
            let b = at(k)
            if b == 0x0A || b == 0 { return nil }
            if b == UInt8(ascii: ":") && isBlankOrEnd(k + 1) { return k }
            if b == 0x20 && at(k + 1) == UInt8(ascii: "#") { return nil }
            k += 1
        }
    }

    /// A plain scalar may start here (block context): not an indicator, except `-`, `?` and `:`
    /// followed by a non-blank.
    private func canStartPlain(_ k: Int) -> Bool {
        switch s[k] {
        case UInt8(ascii: "-"), UInt8(ascii: "?"), UInt8(ascii: ":"):
            return !isBlankOrEnd(k + 1)
        case UInt8(ascii: ","), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}"),
             UInt8(ascii: "#"), UInt8(ascii: "&"), UInt8(ascii: "*"), UInt8(ascii: "!"), UInt8(ascii: "|"),
             UInt8(ascii: ">"), UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "%"), UInt8(ascii: "@"),
             UInt8(ascii: "`"), 0x20, 0x0A:
            return false
        default:
            return true
        }
    }

    /// Writes the key at the cursor, which ends before `colon`, as a JSON string.
    private mutating func key(upTo colon: Int) throws(GaveUp) {
        let c = s[i]
        if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
            try quoted()
            return
        }
        var last = colon
        while last > i && s[last - 1] == 0x20 { last -= 1 }
        if last - i > Self.maxKeyLength { throw GaveUp() }
        // `<<` is a merge key under the Kubernetes schema.
        if last - i == 2 && s[i] == UInt8(ascii: "<") && s[i + 1] == UInt8(ascii: "<") { throw GaveUp() }
        try plain(from: i, to: last, isKey: true)
    }

    /// Adds the key just written to the open mapping's keys; gives up on a duplicate (the
    /// general path warns about it) or on a mapping too large to compare key by key.
    private mutating func remember(_ start: Int, _ end: Int, from base: Int) throws(GaveUp) {
        if keys.count - base >= Self.maxKeys { throw GaveUp() }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for k in start..<end { hash = (hash ^ UInt64(out[k])) &* 0x100_0000_01b3 }
        let length = end - start
        for index in base..<keys.count where keys[index].hash == hash && keys[index].end - keys[index].start == length {
            let other = keys[index].start
            var same = true
            for k in 0..<length where out[start + k] != out[other + k] { same = false; break }
            if same { throw GaveUp() }
        }
        keys.append((hash, start, end))
    }

    // MARK: - Scalars and flow collections

    /// A value on the cursor's line: a scalar, a flow collection or a block scalar. Leaves the
    /// cursor on the next line with content.
    private mutating func value(parent: Int) throws(GaveUp) {
        switch s[i] {
        case UInt8(ascii: "\""), UInt8(ascii: "'"):
            try quoted()
            try endLine()
        case UInt8(ascii: "["), UInt8(ascii: "{"):
            try flow()
            try endLine()
        case UInt8(ascii: "|"), UInt8(ascii: ">"):
            try blockScalar(parent: parent)
        default:
            guard canStartPlain(i) else { throw GaveUp() }
            let start = i
            var last = i
            while true {
                let b = at(i)
                if b == 0x0A || b == 0 { break }
                if b == 0x20 {
                    if at(i + 1) == UInt8(ascii: "#") { break }
                } else {
                    // `: ` inside a plain value, or one ending in `:`, is not for this path.
                    if b == UInt8(ascii: ":") && isBlankOrEnd(i + 1) { throw GaveUp() }
                    last = i + 1
                }
                i += 1
            }
            try plain(from: start, to: last, isKey: false)
            try endLine()
        }
    }

    /// A plain scalar's JSON: its value under the schema, or the string as written.
    private mutating func plain(from start: Int, to last: Int, isKey: Bool) throws(GaveUp) {
        if KubernetesScalars.mayBeSpecial(s[start]) {
            let text = String(decoding: UnsafeBufferPointer(rebasing: s[start..<last]), as: UTF8.self)
            let value = schema.resolvePlain(text)
            if case .string = value {} else {
                if isKey { throw GaveUp() }
                do {
                    try JSONWriter.write(value, style: .compact, into: &out)
                } catch {
                    throw GaveUp()
                }
                return
            }
        }
        out.append(UInt8(ascii: "\""))
        JSONWriter.appendEscaped(UnsafeBufferPointer(rebasing: s[start..<last]), into: &out)
        out.append(UInt8(ascii: "\""))
    }

    /// A single- or double-quoted scalar closed on its line, as a JSON string; the cursor ends
    /// after the closing quote.
    private mutating func quoted() throws(GaveUp) {
        let quote = s[i]
        i += 1
        let start = i
        var plainRun = true
        scratch.removeAll(keepingCapacity: true)
        while true {
            let b = at(i)
            if b == 0x0A || b == 0 { throw GaveUp() }
            if b == quote {
                if quote == UInt8(ascii: "'") && at(i + 1) == quote {
                    if plainRun { scratch.append(contentsOf: UnsafeBufferPointer(rebasing: s[start..<i])); plainRun = false }
                    scratch.append(quote)
                    i += 2
                    continue
                }
                break
            }
            if quote == UInt8(ascii: "\"") && b == UInt8(ascii: "\\") {
                if plainRun { scratch.append(contentsOf: UnsafeBufferPointer(rebasing: s[start..<i])); plainRun = false }
                let decoded: UInt8
                switch at(i + 1) {
                case UInt8(ascii: "\\"): decoded = UInt8(ascii: "\\")
                case UInt8(ascii: "\""): decoded = UInt8(ascii: "\"")
                case UInt8(ascii: "/"): decoded = UInt8(ascii: "/")
                case UInt8(ascii: " "): decoded = 0x20
                case UInt8(ascii: "n"): decoded = 0x0A
                case UInt8(ascii: "t"): decoded = 0x09
                case UInt8(ascii: "r"): decoded = 0x0D
                case UInt8(ascii: "0"): decoded = 0x00
                case UInt8(ascii: "a"): decoded = 0x07
                case UInt8(ascii: "b"): decoded = 0x08
                case UInt8(ascii: "v"): decoded = 0x0B
                case UInt8(ascii: "f"): decoded = 0x0C
                case UInt8(ascii: "e"): decoded = 0x1B
                default: throw GaveUp()
                }
                scratch.append(decoded)
                i += 2
                continue
            }
            if !plainRun { scratch.append(b) }
            i += 1
        }
        out.append(UInt8(ascii: "\""))
        if plainRun {
            JSONWriter.appendEscaped(UnsafeBufferPointer(rebasing: s[start..<i]), into: &out)
        } else {
            scratch.withUnsafeBufferPointer { JSONWriter.appendEscaped($0, into: &out) }
        }
        out.append(UInt8(ascii: "\""))
        i += 1
    }

    /// A flow sequence or mapping closed on its line, of scalars and flow collections; the
    /// cursor ends after its closing bracket.
    private mutating func flow() throws(GaveUp) {
        try enter()
        let open = s[i]
        let isMapping = open == UInt8(ascii: "{")
        let close = isMapping ? UInt8(ascii: "}") : UInt8(ascii: "]")
        out.append(open)
        i += 1
        skipSpaces()
        if at(i) == close {
            i += 1
            out.append(close)
            depth -= 1
            return
        }
        let keyBase = keys.count
        while true {
            if isMapping {
                let c = at(i)
                let keyStart = out.count + 1
                if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                    try quoted()
                } else {
                    let (start, last) = try flowPlain()
                    if last - start == 2 && s[start] == UInt8(ascii: "<") && s[start + 1] == UInt8(ascii: "<") { throw GaveUp() }
                    try plain(from: start, to: last, isKey: true)
                }
                try remember(keyStart, out.count - 1, from: keyBase)
                skipSpaces()
                guard at(i) == UInt8(ascii: ":") && at(i + 1) == 0x20 else { throw GaveUp() }
                i += 2
                skipSpaces()
                out.append(UInt8(ascii: ":"))
            }
            try flowNode()
            skipSpaces()
            let b = at(i)
            if b == UInt8(ascii: ",") {
                i += 1
                skipSpaces()
                // A trailing comma, or an empty entry, goes the general way.
                if at(i) == close || at(i) == UInt8(ascii: ",") { throw GaveUp() }
                out.append(UInt8(ascii: ","))
                continue
            }
            if b == close {
                i += 1
                break
            }
            throw GaveUp()
        }
        keys.removeSubrange(keyBase...)
        out.append(close)
        depth -= 1
    }

    private mutating func flowNode() throws(GaveUp) {
        switch at(i) {
        case UInt8(ascii: "["), UInt8(ascii: "{"):
            try flow()
        case UInt8(ascii: "\""), UInt8(ascii: "'"):
            try quoted()
        default:
            let (start, last) = try flowPlain()
            try plain(from: start, to: last, isKey: false)
        }
    }

    /// A plain scalar inside a flow collection: where its text starts and ends (trailing
    /// spaces left out); the cursor ends on the indicator or `: ` after it.
    private mutating func flowPlain() throws(GaveUp) -> (Int, Int) {
        let c = at(i)
        guard c != 0 && c != 0x0A && canStartPlain(i) else { throw GaveUp() }
        if (c == UInt8(ascii: "-") || c == UInt8(ascii: "?") || c == UInt8(ascii: ":")) && isFlowIndicator(at(i + 1)) {
            throw GaveUp()
        }
        let start = i
        var last = i
        while true {
            let b = at(i)
            if b == 0x0A || b == 0 { throw GaveUp() }
            if isFlowIndicator(b) { break }
            if b == UInt8(ascii: ":") && (isBlankOrEnd(i + 1) || isFlowIndicator(at(i + 1))) { break }
            if b == 0x20 {
                if at(i + 1) == UInt8(ascii: "#") { throw GaveUp() }
            } else {
                last = i + 1
            }
            i += 1
        }
        return (start, last)
    }

    @inline(__always) private func isFlowIndicator(_ b: UInt8) -> Bool {
        b == UInt8(ascii: ",") || b == UInt8(ascii: "[") || b == UInt8(ascii: "]") || b == UInt8(ascii: "{") || b == UInt8(ascii: "}")
    }

    // MARK: - Block scalars

    /// `|` or `>` with an optional chomping indicator, then its lines, indented past `parent`.
    /// Leaves the cursor on the next line with content.
    private mutating func blockScalar(parent: Int) throws(GaveUp) {
        let literal = s[i] == UInt8(ascii: "|")
        i += 1
        enum Chomping { case strip, clip, keep }
        var chomping = Chomping.clip
        if at(i) == UInt8(ascii: "-") { chomping = .strip; i += 1 } else if at(i) == UInt8(ascii: "+") { chomping = .keep; i += 1 }
        // An indentation indicator, or anything else on the header, goes the general way.
        let afterHeader = i
        skipSpaces()
        if at(i) == UInt8(ascii: "#") && i > afterHeader {
            while at(i) != 0x0A && at(i) != 0 { i += 1 }
        }
        guard at(i) == 0x0A else { throw GaveUp() }
        i += 1
        // The content's indentation is the first non-empty line's.
        var breaks = 0
        var widestEmpty = 0
        var contentIndent = 0
        while true {
            var k = i
            while at(k) == 0x20 { k += 1 }
            let b = at(k)
            if b == 0x0A {
                breaks += 1
                widestEmpty = max(widestEmpty, k - i)
                i = k + 1
                continue
            }
            if b == 0 { throw GaveUp() }
            contentIndent = k - i
            break
        }
        if contentIndent <= parent || contentIndent == 0 || widestEmpty > contentIndent { throw GaveUp() }
        if !literal && breaks > 0 { throw GaveUp() }
        scratch.removeAll(keepingCapacity: true)
        var firstLine = true
        while true {
            let lineBegin = i
            var k = i
            while at(k) == 0x20 && k - lineBegin < contentIndent { k += 1 }
            let b = at(k)
            if b == 0x0A || (b == 0x20 && k - lineBegin == contentIndent && onlySpacesToEndOfLine(k)) {
                // An empty line; one of spaces past the indentation goes the general way.
                if b == 0x20 { throw GaveUp() }
                breaks += 1
                i = k + 1
                continue
            }
            if b == 0 || k - lineBegin < contentIndent {
                // Dedented (or the end): the scalar ends before this line.
                if b == 0 && k > lineBegin { throw GaveUp() }
                i = lineBegin
                break
            }
            // A content line: [k, end of line).
            var lineEnd = k
            while at(lineEnd) != 0x0A && at(lineEnd) != 0 { lineEnd += 1 }
            // Without a final line break, the schemas' syntax rules differ: the general way.
            if at(lineEnd) == 0 { throw GaveUp() }
            if literal {
                if !firstLine { scratch.append(0x0A) }
                for _ in 0..<breaks { scratch.append(0x0A) }
            } else {
                // Folding: more-indented lines and trailing spaces keep rules of their own.
                if at(k) == 0x20 || s[lineEnd - 1] == 0x20 { throw GaveUp() }
                if !firstLine {
                    if breaks == 0 { scratch.append(0x20) } else { for _ in 0..<breaks { scratch.append(0x0A) } }
                }
            }
            scratch.append(contentsOf: UnsafeBufferPointer(rebasing: s[k..<lineEnd]))
            breaks = 0
            firstLine = false
            i = lineEnd + 1
        }
        switch chomping {
        case .strip: break
        case .clip: scratch.append(0x0A)
        case .keep: for _ in 0...breaks { scratch.append(0x0A) }
        }
        out.append(UInt8(ascii: "\""))
        scratch.withUnsafeBufferPointer { JSONWriter.appendEscaped($0, into: &out) }
        out.append(UInt8(ascii: "\""))
        seekContent()
    }

    private func onlySpacesToEndOfLine(_ k: Int) -> Bool {
        var j = k
        while at(j) == 0x20 { j += 1 }
        return at(j) == 0x0A || at(j) == 0
    }
}

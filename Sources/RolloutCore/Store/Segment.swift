/// All stored objects of one type, one file per type: a line per object,
/// `namespace TAB name TAB compact-JSON`. Lines are only parsed into objects when asked for,
/// so finding, adding or replacing one object in a large table costs one pass over bytes.
struct Segment {
    struct Entry {
        var raw: ArraySlice<UInt8>?
        var resource: Resource?
    }

    struct Key: Hashable, Comparable {
        var namespace: String
        var name: String
        static func < (a: Key, b: Key) -> Bool {
            (a.namespace, a.name) < (b.namespace, b.name)
        }
    }

    var entries: [Key: Entry] = [:]
    let file: String

    init(file: String) { self.file = file }

    init(bytes: [UInt8], file: String) throws(StoreError) {
        self.file = file
        let all = bytes[...]
        var lineStart = all.startIndex
        var lineNumber = 0
        while lineStart < all.endIndex {
            lineNumber += 1
            let lineEnd = all[lineStart...].firstIndex(of: 0x0A) ?? all.endIndex
            guard lineEnd < all.endIndex else {
                throw .damaged(file: file, reason: "line \(lineNumber) is not terminated (the file was cut short)")
            }
            let line = all[lineStart..<lineEnd]
            guard let tab1 = line.firstIndex(of: 0x09), let tab2 = line[(tab1 + 1)...].firstIndex(of: 0x09), tab2 + 1 < lineEnd,
                  line[tab2 + 1] == UInt8(ascii: "{") else {
                throw .damaged(file: file, reason: "line \(lineNumber) is not 'namespace<TAB>name<TAB>object'")
            }
            let key = Key(namespace: String(decoding: line[lineStart..<tab1], as: UTF8.self),
                          name: String(decoding: line[(tab1 + 1)..<tab2], as: UTF8.self))
            entries[key] = Entry(raw: line[(tab2 + 1)...], resource: nil)
            lineStart = lineEnd + 1
        }
    }

    var count: Int { entries.count }

    func sortedKeys(namespace: String? = nil) -> [Key] {
        let keys = namespace.map { ns in entries.keys.filter { $0.namespace == ns } } ?? Array(entries.keys)
        return keys.sorted()
    }

    /// The object under `key`, parsing its line on first use.
    mutating func resource(_ key: Key) throws(StoreError) -> Resource? {
        guard var entry = entries[key] else { return nil }
        if let resource = entry.resource { return resource }
        guard let raw = entry.raw else { return nil }
        let value: Value
        do {
            value = try JSONReader.parse(Array(raw))
        } catch {
            throw .damaged(file: file, reason: "object \(key.namespace.isEmpty ? "" : key.namespace + "/")\(key.name): \(error)")
        }
        guard case .object(let object) = value else {
            throw .damaged(file: file, reason: "object \(key.name) is not a JSON object")
        }
        let resource = Resource(object)
        entry.resource = resource
        entries[key] = entry
        return resource
    }

    mutating func set(_ resource: Resource, namespace: String) {
        entries[Key(namespace: namespace, name: resource.name)] = Entry(raw: nil, resource: resource)
    }

    mutating func remove(_ key: Key) {
        entries[key] = nil
    }

    /// The file's bytes: lines sorted by namespace and name; unparsed lines copied as read.
    func serialized() throws(StoreError) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(entries.count * 512)
        for key in entries.keys.sorted() {
            guard let entry = entries[key] else { continue }
            out.append(contentsOf: key.namespace.utf8)
            out.append(0x09)
            out.append(contentsOf: key.name.utf8)
            out.append(0x09)
            if let resource = entry.resource {
                do {
                    try JSONWriter.write(resource.value, style: .compact, into: &out)
                } catch {
                    throw .conflict("\(resource.qualifiedName) holds a number JSON cannot store (\(error.value))")
                }
            } else if let raw = entry.raw {
                out.append(contentsOf: raw)
            }
            out.append(0x0A)
        }
        return out
    }
}

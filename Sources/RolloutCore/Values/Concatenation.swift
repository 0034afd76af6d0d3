extension String {
    /// `a + b + c`, written into one string of the exact size: its bytes copied once, one
    /// allocation. An interpolation such as `"Created pod: \(name)"` grows its buffer as it
    /// goes (more allocations, more copies), and the simulation writes such a message, name or
    /// combined message for every pod it makes or deletes and every image it pulls (40,000 at
    /// a 10,000-replica roll).
    static func concatenating(_ a: String, _ b: String, _ c: String = "") -> String {
        let total = a.utf8.count + b.utf8.count + c.utf8.count
        // Native strings (the only kind on Linux) give their bytes; were one not to, the parts
        // are joined the ordinary way.
        var complete = true
        let joined = String(unsafeUninitializedCapacity: total) { out in
            var at = 0
            func copy(_ s: String) {
                guard complete else { return }
                let copied: Bool? = s.utf8.withContiguousStorageIfAvailable { part in
                    guard let source = part.baseAddress, let target = out.baseAddress, part.count > 0, at + part.count <= out.count else { return part.isEmpty }
                    (target + at).initialize(from: source, count: part.count)
                    at += part.count
                    return true
                }
                if copied != true { complete = false }
            }
            copy(a)
            copy(b)
            copy(c)
            return complete ? at : 0
        }
        return complete ? joined : a + b + c
    }
}

/// Writes the JSON of a compact line (`CompactPod`, `CompactEvent`) a member at a time, byte
/// for byte as `JSONWriter` writes, in compact style, the object of the same members in the
/// same order — without making that object: a 100,000-replica rollout writes 200,000 pod and
/// 500,000 event lines, whose members as values (a String, an array and a Value per member)
/// cost more than the bytes.
struct CompactLineWriter: ~Copyable {
    private var bytes: ByteSink
    /// A member or item was written in the open object or array: the next one needs a comma.
    private var afterItem = false

    /// `prefix`: the line's start (the compact mark, the template's id and a tab).
    init(prefix: [UInt8]) {
        bytes = ByteSink(capacity: 512)
        prefix.withUnsafeBufferPointer { bytes.appendBytes($0) }
    }

    /// The line written.
    func finished() -> [UInt8] {
        bytes.copied()
    }

    private mutating func separate() {
        if afterItem { bytes.append(UInt8(ascii: ",")) }
    }

    /// `{` or `[`.
    mutating func open(_ bracket: UInt8) {
        separate()
        bytes.append(bracket)
        afterItem = false
    }

    /// `}` or `]`.
    mutating func close(_ bracket: UInt8) {
        bytes.append(bracket)
        afterItem = true
    }

    /// A member's key, one of the line's own (plain ASCII: nothing to escape).
    mutating func key(_ key: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        bytes.append(key)
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        afterItem = false
    }

    /// A compact line's member's key.
    mutating func key(_ member: some CompactMember) {
        key(member.key)
    }

    /// A member's key from the data (a label's), escaped as any string.
    mutating func key(_ key: String) {
        separate()
        JSONWriter.writeString(key, into: &bytes)
        bytes.append(UInt8(ascii: ":"))
        afterItem = false
    }

    /// A value written before (`labels`' bytes), as it is.
    mutating func written(_ value: [UInt8]) {
        separate()
        value.withUnsafeBufferPointer { bytes.appendBytes($0) }
        afterItem = true
    }

    /// A pod's labels, as an object of their keys in order.
    mutating func labels(_ labels: [String: String]) {
        open(UInt8(ascii: "{"))
        for (key, value) in labels.sorted(by: { $0.key < $1.key }) {
            self.key(key)
            string(value)
        }
        close(UInt8(ascii: "}"))
    }

    mutating func string(_ s: String) {
        separate()
        JSONWriter.writeString(s, into: &bytes)
        afterItem = true
    }

    mutating func int(_ n: Int) {
        separate()
        JSONWriter.writeInt(n, into: &bytes)
        afterItem = true
    }

    mutating func bool(_ b: Bool) {
        separate()
        bytes.append(b ? "true" : "false")
        afterItem = true
    }

    /// Any value, as `JSONWriter` writes it.
    mutating func value(_ v: Value) throws(JSONWriter.NonFiniteNumberError) {
        separate()
        try JSONWriter.write(v, style: .compact, into: &bytes)
        afterItem = true
    }
}

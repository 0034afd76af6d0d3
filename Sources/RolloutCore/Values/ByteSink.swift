/// Where a writer puts its bytes (`JSONWriter`): an array, or a `ByteSink`.
protocol ByteOutput: ~Copyable {
    mutating func append(_ byte: UInt8)
    mutating func appendBytes(_ bytes: UnsafeBufferPointer<UInt8>)
}

extension ByteOutput where Self: ~Copyable {
    /// A literal's bytes (`null`, an escape), as one run.
    @inline(__always)
    mutating func append(_ text: StaticString) {
        appendBytes(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }
}

extension Array: ByteOutput where Element == UInt8 {
    @inline(__always)
    mutating func appendBytes(_ bytes: UnsafeBufferPointer<UInt8>) {
        append(contentsOf: bytes)
    }
}

/// Bytes appended to memory of their own, then handed over at once (`move(to:)`): an array's
/// append checks that its storage is not shared (a call into the runtime) and copies through
/// a generic sequence path, byte by byte or run by run — at the 10,000-replica roll the JSON
/// writer's appends were a third of its instructions.
struct ByteSink: ~Copyable, ByteOutput {
    private var start: UnsafeMutablePointer<UInt8>
    private var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = Swift.max(capacity, 16)
        start = .allocate(capacity: self.capacity)
    }

    deinit { start.deallocate() }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        if count == capacity { grow(toHold: 1) }
        start[count] = byte
        count += 1
    }

    @inline(__always)
    mutating func appendBytes(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress else { return }
        if bytes.count > capacity - count { grow(toHold: bytes.count) }
        (start + count).update(from: base, count: bytes.count)
        count += bytes.count
    }

    @inline(never)
    private mutating func grow(toHold more: Int) {
        let newCapacity = Swift.max(capacity * 2, count + more)
        let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        moved.update(from: start, count: count)
        start.deallocate()
        start = moved
        capacity = newCapacity
    }

    /// The bytes, appended to `out`; the sink is gone.
    consuming func move(to out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: start, count: count))
    }

    /// The bytes, as an array of their own.
    func copied() -> [UInt8] {
        Array(UnsafeBufferPointer(start: start, count: count))
    }

    #if DEBUG
    /// How many bytes were appended, and those from the `offset`th on (a writer's checks).
    var written: Int { count }
    func written(from offset: Int) -> [UInt8] {
        Array(UnsafeBufferPointer(start: start + offset, count: count - offset))
    }
    #endif
}

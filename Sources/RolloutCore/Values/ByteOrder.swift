#if canImport(Glibc)
import Glibc
#endif

/// Strings ordered byte by byte in UTF-8, as the API server lists keys (etcd sorts bytes) and
/// as kubectl sorts map keys: compared with memcmp, not character by character.
enum ByteOrder {
    static func precedes(_ a: String, _ b: String) -> Bool {
        var a = a, b = b
        return a.withUTF8 { x in b.withUTF8 { y in precedes(x, y) } }
    }

    static func precedes(_ x: UnsafeBufferPointer<UInt8>, _ y: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = min(x.count, y.count)
        if n > 0, let p = x.baseAddress, let q = y.baseAddress {
            let c = memcmp(p, q, n)
            if c != 0 { return c < 0 }
        }
        return x.count < y.count
    }
}

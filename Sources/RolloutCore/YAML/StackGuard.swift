#if canImport(Glibc)
import Glibc

// A GNU extension that Swift's Glibc module does not export.
@_silgen_name("pthread_getattr_np")
private func pthreadGetAttributes(_ thread: pthread_t, _ attributes: UnsafeMutablePointer<pthread_attr_t>) -> Int32
#endif

/// Knows how much of the current thread's stack is left, so recursive descent can stop with an
/// error instead of overflowing on a thread with a small stack (dispatch workers get 512 KB).
struct StackGuard: Sendable {
    /// Addresses below this are too close to the end of the stack.
    private let lowestSafeAddress: UInt
    /// The stack's bounds: a local variable outside them is not on this thread's stack (under
    /// AddressSanitizer, which moves frames to a heap-allocated "fake stack" to catch uses after
    /// return), and then nothing can be told from its address.
    private let stackStart: UInt
    private let stackEnd: UInt

    /// Room kept free for the frames that run after the check.
    private static let reserve: UInt = 96 * 1024

    init() {
        var lowest: UInt = 0
        var start: UInt = 0
        var end: UInt = .max
        #if canImport(Glibc)
        var attributes = pthread_attr_t()
        if pthreadGetAttributes(pthread_self(), &attributes) == 0 {
            var base: UnsafeMutableRawPointer?
            var size = 0
            if pthread_attr_getstack(&attributes, &base, &size) == 0, let base {
                lowest = UInt(bitPattern: base) + Self.reserve
                start = UInt(bitPattern: base)
                end = start + UInt(size)
            }
            pthread_attr_destroy(&attributes)
        }
        #endif
        lowestSafeAddress = lowest
        stackStart = start
        stackEnd = end
    }

    /// False when the stack is nearly used up.
    @inline(never)
    func hasRoom() -> Bool {
        var marker: UInt8 = 0
        let address = withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) }
        if address < stackStart || address >= stackEnd { return true }
        return address > lowestSafeAddress
    }
}

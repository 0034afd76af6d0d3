import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// Independent pieces of work spread over the machine's cores, results kept in input order:
/// what comes out is what a loop would give, whatever the threads' timing, so output stays
/// deterministic. The work must not touch shared mutable state.
enum Parallel {
    /// Cores to use: what the system has on line, at least 1.
    static let cores = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))

    /// `body(i)` for each i in 0..<count, in chunks of at least `grain` items per task.
    static func map<T>(_ count: Int, grain: Int = 1, _ body: @Sendable (Int) -> T) -> [T] {
        let chunks = min(cores * 4, count / max(1, grain))
        guard chunks > 1 else { return (0..<count).map(body) }
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            guard let base = buffer.baseAddress else { return }
            let slots = Slots(base: base)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let start = count * chunk / chunks, end = count * (chunk + 1) / chunks
                for i in start..<end { (slots.base + i).initialize(to: body(i)) }
            }
            initialized = count
        }
    }

    /// The result buffer, written by the tasks at indices no two of them share.
    private struct Slots<T>: @unchecked Sendable { let base: UnsafeMutablePointer<T> }
}

/// What `Parallel.map`'s tasks read and the compiler cannot prove safe to share (simulation
/// objects, which are classes): nothing changes it while the tasks run.
struct ReadOnly<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

import Dispatch
import Foundation
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

    /// `body(i)` for each i in 0..<count, each a task of its own, started in `order` (the
    /// indices, each once: the dearest first, so that no long one starts last while the
    /// other cores wait for it — Dispatch hands iterations out in rising order); results in
    /// index order. An `order` that is not such a list is not followed: indices in turn.
    static func map<T>(_ count: Int, startingWith order: [Int], _ body: @Sendable (Int) -> T) -> [T] {
        guard count > 1 else { return (0..<count).map(body) }
        let valid = order.count == count && Set(order) == Set(0..<count)
        let sequence = ReadOnly(valid ? order : Array(0..<count))
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            guard let base = buffer.baseAddress else { return }
            let slots = Slots(base: base)
            DispatchQueue.concurrentPerform(iterations: count) { k in
                let i = sequence.value[k]
                (slots.base + i).initialize(to: body(i))
            }
            initialized = count
        }
    }

    /// `body(i, &item)` for `count` items taken on this thread (`take(i)`, in order) and handed
    /// to the tasks: each task owns its item, changes it in place (no copy of what another
    /// reference holds) and lets go of it, and of what it drops of it, on its own core.
    static func map<T, U>(handing count: Int, take: (Int) -> T, _ body: @Sendable (Int, inout T) -> U) -> [U] {
        guard count > 0 else { return [] }
        let items = UnsafeMutablePointer<T>.allocate(capacity: count)
        defer { items.deallocate() }
        for i in 0..<count { (items + i).initialize(to: take(i)) }
        let handed = Slots(base: items)
        // Each index is moved out exactly once, by the one task that has it.
        return map(count) { i -> U in
            var item = (handed.base + i).move()
            return body(i, &item)
        }
    }

    /// `work` on a thread of its own while `body` runs on this one (where it may spread over
    /// every core itself); `body`'s result once both are done. The two must not touch the
    /// same mutable state: what each makes is the same whatever their timing.
    /// (The work, and what it holds, is let go of on its thread before the result comes back;
    /// the thread itself may end a moment later.)
    static func alongside<T>(_ work: @escaping @Sendable () -> Void, _ body: () -> T) -> T {
        let done = DispatchSemaphore(value: 0)
        let slot = WorkSlot(work)
        let thread = Thread {
            slot.run()
            done.signal()
        }
        // (The main thread's size: the work is what this thread would have run.)
        thread.stackSize = 8 << 20
        thread.start()
        let result = body()
        done.wait()
        return result
    }

    /// Sorted runs merged into one sorted list, two runs at a time on every core; of equal
    /// elements, those of an earlier run come first.
    static func merged<T>(_ runs: [[T]], by areInIncreasingOrder: @escaping @Sendable (T, T) -> Bool) -> [T] {
        var runs = runs
        while runs.count > 1 {
            let pairs = ReadOnly(runs)
            runs = map((pairs.value.count + 1) / 2) { j -> [T] in
                let a = pairs.value[2 * j]
                guard 2 * j + 1 < pairs.value.count else { return a }
                let b = pairs.value[2 * j + 1]
                var result: [T] = []
                result.reserveCapacity(a.count + b.count)
                var i = 0, k = 0
                while i < a.count && k < b.count {
                    if areInIncreasingOrder(b[k], a[i]) { result.append(b[k]); k += 1 } else { result.append(a[i]); i += 1 }
                }
                result.append(contentsOf: a[i...])
                result.append(contentsOf: b[k...])
                return result
            }
        }
        return runs.first ?? []
    }

    /// `body(i)` for each i in 0..<count, each a task of its own, taken in turn by up to
    /// `threads` threads (this one among them) — more than the cores, for work that waits on
    /// the disk (an fsync, an unlink): while one thread waits, the others use its core, and the
    /// file system takes their waits together. Results in index order.
    static func waiting<T>(_ count: Int, threads: Int, _ body: @escaping @Sendable (Int) -> T) -> [T] {
        guard count > 0 else { return [] }
        let workers = min(max(1, threads), count)
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            guard let base = buffer.baseAddress else { return }
            let queue = TaskQueue(count: count, slots: Slots(base: base), body: body)
            let done = DispatchSemaphore(value: 0)
            for _ in 1..<workers {
                let thread = Thread {
                    queue.run()
                    done.signal()
                }
                thread.stackSize = 8 << 20
                thread.start()
            }
            queue.run()
            for _ in 1..<workers { done.wait() }
            initialized = count
        }
    }

    /// `waiting`'s tasks, each taken once, under a lock, by whichever thread asks next.
    private final class TaskQueue<T>: @unchecked Sendable {
        private let count: Int
        private let slots: Slots<T>
        private let body: @Sendable (Int) -> T
        private let lock = NSLock()
        private var next = 0

        init(count: Int, slots: Slots<T>, body: @escaping @Sendable (Int) -> T) {
            self.count = count
            self.slots = slots
            self.body = body
        }

        func run() {
            while true {
                lock.lock()
                let i = next
                next += 1
                lock.unlock()
                guard i < count else { return }
                (slots.base + i).initialize(to: body(i))
            }
        }
    }

    /// `alongside`'s work, run once and then let go of.
    private final class WorkSlot: @unchecked Sendable {
        private var work: (@Sendable () -> Void)?
        init(_ work: @escaping @Sendable () -> Void) { self.work = work }
        func run() {
            work?()
            work = nil
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

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The few file operations the store needs, on POSIX calls: whole-file reads, atomic
/// replacement (temporary file, fsync, rename, fsync of the directory), mode 0600. Inside a
/// state directory nothing is followed: every open uses `O_NOFOLLOW` and every test `lstat`,
/// so a link planted there can never make the store read, write or remove a file elsewhere.
public enum FileIO {
    /// What is at a path, without following a symbolic link there.
    enum Kind: Equatable {
        case missing, directory, regular, symlink, other
    }

    static func kind(_ path: String) -> Kind {
        var info = stat()
        guard lstat(path, &info) == 0 else { return .missing }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: return .directory
        case S_IFREG: return .regular
        case S_IFLNK: return .symlink
        default: return .other
        }
    }

    /// Whether something (a link included) is at `path`.
    static func exists(_ path: String) -> Bool { kind(path) != .missing }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// Creates the directory and its parents, mode 0700.
    static func makeDirectory(_ path: String) throws(StoreError) {
        if isDirectory(path) { return }
        var prefix = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            prefix += "/" + part
            if !isDirectory(prefix) && mkdir(prefix, 0o700) != 0 && errno != EEXIST {
                throw .io(path: prefix, reason: "cannot create directory: \(systemError())")
            }
        }
    }

    static func read(_ path: String) throws(StoreError) -> [UInt8] {
        let fd = try openNoFollow(path, O_RDONLY)
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .io(path: path, reason: "cannot stat: \(systemError())") }
        return readUpTo(fd, size: max(0, Int(info.st_size))).bytes
    }

    /// A file's bytes to read many times over (a shard's rows), mapped read-only: the page
    /// cache's own pages, neither copied nor zeroed first as a read into fresh memory is.
    /// Read into memory when the file cannot be mapped (empty, or a file system without
    /// mapping).
    static func mapped(_ path: String) throws(StoreError) -> FileBytes {
        let fd = try openNoFollow(path, O_RDONLY)
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .io(path: path, reason: "cannot stat: \(systemError())") }
        let size = max(0, Int(info.st_size))
        if size > 0, info.st_mode & S_IFMT == S_IFREG,
           let address = mmap(nil, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0), address != MAP_FAILED {
            return FileBytes(mapped: UnsafeRawPointer(address).assumingMemoryBound(to: UInt8.self), count: size)
        }
        return FileBytes(readUpTo(fd, size: size).bytes)
    }

    /// Up to `size` bytes from `fd`, read into uninitialized memory (what is not read is not
    /// kept), and whether a read failed on the way.
    private static func readUpTo(_ fd: Int32, size: Int) -> (bytes: [UInt8], failed: Bool) {
        var failed = false
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            var offset = 0
            while offset < size, let base = buffer.baseAddress {
                let n = Glibc.read(fd, base + offset, size - offset)
                if n < 0 && errno == EINTR { continue }
                if n < 0 { failed = true }
                guard n > 0 else { break }
                offset += n
            }
            initialized = offset
        }
        return (bytes, failed)
    }

    /// A file a user named (links followed): a regular file is read straight into one array of
    /// its size, then on to its end whatever the size said (a pipe, `/dev/stdin`, or a file that
    /// reports a size of 0, as those under /proc do, is read in pieces). Nil when it cannot be
    /// opened or read.
    static func readUserFile(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return nil }
        var bytes: [UInt8] = []
        if info.st_mode & S_IFMT == S_IFREG {
            let sized = readUpTo(fd, size: max(0, Int(info.st_size)))
            if sized.failed { return nil }
            bytes = sized.bytes
        }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { return nil }
            if n == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<n])
        }
    }

    /// Calls `body` with the file's bytes mapped into memory (no copy): for scanning large
    /// shards once.
    static func withMappedFile<T>(_ path: String, _ body: (UnsafeBufferPointer<UInt8>) throws(StoreError) -> T) throws(StoreError) -> T {
        let fd = try openNoFollow(path, O_RDONLY)
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .io(path: path, reason: "cannot stat: \(systemError())") }
        let size = Int(info.st_size)
        if size == 0 { return try body(UnsafeBufferPointer(start: nil, count: 0)) }
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0), address != MAP_FAILED else {
            throw .io(path: path, reason: "cannot map: \(systemError())")
        }
        defer { munmap(address, size) }
        return try body(UnsafeBufferPointer(start: address.assumingMemoryBound(to: UInt8.self), count: size))
    }

    /// Writes `bytes` to `path` so that a reader (or a crash) sees the old file or the new
    /// one, never a mix: write a temporary file beside it, fsync, rename over, fsync the folder.
    static func writeAtomically(_ bytes: [UInt8], to path: String, syncDirectory: Bool = true) throws(StoreError) {
        let directory = parent(of: path)
        let temporary = "\(directory)/.tmp-\(getpid())-\(basename(path))"
        let fd = try created(temporary, O_TRUNC, holding: bytes, for: path)
        guard fsync(fd) == 0 else {
            let reason = systemError()
            close(fd)
            unlink(temporary)
            throw .io(path: path, reason: "cannot sync: \(reason)")
        }
        close(fd)
        guard rename(temporary, path) == 0 else {
            let reason = systemError()
            unlink(temporary)
            throw .io(path: path, reason: "cannot replace: \(reason)")
        }
        if syncDirectory { syncFolder(directory) }
    }

    /// Writes `bytes` to a new file under a name no manifest names yet (a commit's shard
    /// files), not synced: `sync` puts it on the disk before any manifest names it. Whatever
    /// is at the name — what a writer killed mid-commit left, a link — is removed first and
    /// never written through, as a rename over it would replace it; a writer killed before the
    /// manifest leaves a file no manifest names, which the next commit removes.
    static func writeUnnamed(_ bytes: [UInt8], to path: String) throws(StoreError) {
        // (Names are almost always new: a leftover of the same name — a commit that stopped
        // half-way — is removed when the create finds one, not looked for before each file.)
        let fd = try created(path, O_EXCL, holding: bytes, for: path, replacingLeftover: true)
        startWriteback(fd)
        close(fd)
    }

    /// Asks the kernel to start writing the file's pages to the disk now, without waiting
    /// (`sync_file_range` with `SYNC_FILE_RANGE_WRITE`), so that the commit's fsyncs, which
    /// come after every shard is written, find most of them written already: the disk works
    /// while the other shards are serialized. Only a hint: the fsync is what makes the file
    /// durable, and where the call is missing (not Linux) nothing is done.
    /// (Found by its symbol: glibc declares it only under `_GNU_SOURCE`, which the Glibc
    /// module does not define.)
    static func startWriteback(_ fd: Int32) {
        guard let call = syncFileRange else { return }
        _ = call(fd, 0, 0, 2)  // SYNC_FILE_RANGE_WRITE
    }

    /// Whether `startWriteback` can ask (the call was found).
    static var startsWritebackEarly: Bool { syncFileRange != nil }

    private typealias SyncFileRange = @convention(c) (Int32, Int64, Int64, UInt32) -> Int32

    private static let syncFileRange: SyncFileRange? = {
        #if os(Linux)
        // (nil: RTLD_DEFAULT, every loaded library.)
        guard let symbol = dlsym(nil, "sync_file_range") else { return nil }
        return unsafeBitCast(symbol, to: SyncFileRange.self)
        #else
        return nil
        #endif
    }()

    /// A file written by `writeUnnamed` put on the disk (fsync).
    static func sync(_ path: String) throws(StoreError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { throw .io(path: path, reason: "cannot open to sync: \(systemError())") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw .io(path: path, reason: "cannot sync: \(systemError())") }
    }

    /// `file` made (mode 0600, no link followed, `flag`: `O_TRUNC` or `O_EXCL`) and `bytes`
    /// written to it, still open; on failure closed and removed, the write's error naming
    /// `path` (the file it stands for).
    private static func created(_ file: String, _ flag: Int32, holding bytes: [UInt8], for path: String, replacingLeftover: Bool = false) throws(StoreError) -> Int32 {
        var fd = open(file, O_WRONLY | O_CREAT | flag | O_CLOEXEC | O_NOFOLLOW, 0o600)
        if fd < 0 && errno == EEXIST && replacingLeftover {
            unlink(file)
            fd = open(file, O_WRONLY | O_CREAT | flag | O_CLOEXEC | O_NOFOLLOW, 0o600)
        }
        guard fd >= 0 else { throw .io(path: file, reason: "cannot create: \(systemError())") }
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return write(fd, base + offset, raw.count - offset)
            }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                let reason = systemError()
                close(fd)
                unlink(file)
                throw .io(path: path, reason: "cannot write: \(reason)")
            }
            offset += n
        }
        return fd
    }

    static func syncFolder(_ directory: String) {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
    }

    static func remove(_ path: String) {
        unlink(path)
    }

    /// Opens a file that must not be a symbolic link; a link is reported as one.
    static func openNoFollow(_ path: String, _ flags: Int32) throws(StoreError) -> Int32 {
        let fd = open(path, flags | O_CLOEXEC | O_NOFOLLOW)
        if fd >= 0 { return fd }
        if errno == ELOOP || kind(path) == .symlink {
            throw .foreign(path: path, reason: "it is a symbolic link, and rollout never follows links inside its state directory")
        }
        throw .io(path: path, reason: "cannot open: \(systemError())")
    }

    /// The names in a directory, sorted; empty when it is missing or is a link.
    static func list(_ directory: String) -> [String] {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return [] }
        guard let dir = fdopendir(fd) else {
            close(fd)
            return []
        }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    static func basename(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }
}

/// An exclusive or shared `flock` on one of the state directory's lock files, held until
/// released. Two are used (see `StateStore`): `lock` serialises writers for a whole command,
/// `commit.lock` keeps readers and a committing writer apart for the moments a commit takes.
final class StateLock {
    private var fd: Int32

    /// Makes the file if it is missing. A reader of a state it may not write (a read-only
    /// mount, another user's directory) locks the file if there is one and otherwise reads
    /// without a lock: nobody can be writing there through rollout.
    /// `whenBusy`: asked when another process holds the lock, before waiting for it; it may
    /// throw to refuse instead (a state held by `rollout serve`).
    init(path: String, exclusive: Bool, whenBusy: () throws(StoreError) -> Void = {}) throws(StoreError) {
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        if fd < 0 && !exclusive && (errno == EACCES || errno == EROFS || errno == EPERM) {
            fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
            if fd < 0 && errno == ENOENT { return }
        }
        guard fd >= 0 else {
            if errno == ELOOP { throw .foreign(path: path, reason: "it is a symbolic link, and rollout never follows links inside its state directory") }
            throw .io(path: path, reason: "cannot open the lock file: \(systemError())")
        }
        if exclusive && flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK {
            do throws(StoreError) { try whenBusy() } catch {
                close(fd)
                fd = -1
                throw error
            }
        }
        while flock(fd, exclusive ? LOCK_EX : LOCK_SH) != 0 {
            if errno == EINTR { continue }
            let reason = systemError()
            close(fd)
            fd = -1
            throw .io(path: path, reason: "cannot lock: \(reason)")
        }
    }

    func release() {
        if fd >= 0 {
            flock(fd, LOCK_UN)
            close(fd)
            fd = -1
        }
    }

    deinit { release() }
}

extension FileIO {
    /// The names in a directory, sorted (for tests and tools).
    public static func filesIn(_ directory: String) -> [String] { list(directory) }
}

/// Bytes of a file, mapped (unmapped when the last reference goes) or read into memory.
/// Read-only: a mapping of a file that someone cuts short while it is read would fault, and
/// the store never cuts a file short — it replaces files whole, by renaming a new one over
/// them, so a mapping keeps the bytes it was made with.
final class FileBytes: @unchecked Sendable {
    private let base: UnsafePointer<UInt8>?
    let count: Int
    private let isMapped: Bool

    init(mapped base: UnsafePointer<UInt8>, count: Int) {
        self.base = base
        self.count = count
        isMapped = true
    }

    /// A copy of `bytes`.
    init(_ bytes: [UInt8]) {
        count = bytes.count
        isMapped = false
        guard !bytes.isEmpty else { base = nil; return }
        let copy = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: bytes.count)
        _ = copy.initialize(from: bytes)
        base = UnsafePointer(copy.baseAddress)
    }

    func withUnsafeBufferPointer<R, E: Error>(_ body: (UnsafeBufferPointer<UInt8>) throws(E) -> R) throws(E) -> R {
        try body(UnsafeBufferPointer(start: base, count: base == nil ? 0 : count))
    }

    deinit {
        guard let base else { return }
        if isMapped {
            munmap(UnsafeMutableRawPointer(mutating: base), count)
        } else {
            UnsafeMutablePointer(mutating: base).deallocate()
        }
    }
}

import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One input to read: a file's bytes and the name errors should use for it.
public struct ManifestSource: Sendable {
    public var name: String
    private var stored: [UInt8]
    /// A regular file mapped rather than read (`render`): its pages can be given back as they
    /// are read through, since the kernel reads them again from the file if they are touched.
    private(set) var mapped: MappedFile?

    public init(name: String, bytes: [UInt8]) {
        self.name = name
        self.stored = bytes
        self.mapped = nil
    }

    init(name: String, mapped: MappedFile) {
        self.name = name
        self.stored = []
        self.mapped = mapped
    }

    /// The bytes (a copy, for a mapped file).
    public var bytes: [UInt8] {
        get { mapped?.copy() ?? stored }
        set { stored = newValue; mapped = nil }
    }

    public var byteCount: Int { mapped?.buffer.count ?? stored.count }

    /// Calls `body` with the bytes in place.
    func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let mapped { return body(mapped.buffer) }
        return stored.withUnsafeBufferPointer(body)
    }
}

/// A regular file mapped read-only into memory; unmapped when the last source using it goes.
final class MappedFile: @unchecked Sendable {
    let buffer: UnsafeBufferPointer<UInt8>
    /// Where the last range given back ended (a multiple of the page size).
    private var released = 0

    /// Files smaller than this are read: the pages given back would not matter, and a file
    /// cut short by another process while it is mapped ends the reader with SIGBUS (as it does
    /// for ripgrep or git) where a read would have seen a short file.
    static let smallest = 1 << 20

    /// Nil for what is not a regular file of at least `smallest` bytes, or when mapping fails:
    /// such files are read.
    init?(path: String) {
        // Looked at before it is opened: opening a named pipe would take its writer's data, or
        // wait for one.
        var named = stat()
        guard stat(path, &named) == 0, named.st_mode & S_IFMT == S_IFREG, named.st_size >= Self.smallest else { return nil }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_size >= Self.smallest else { return nil }
        let size = Int(info.st_size)
        guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else { return nil }
        buffer = UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self), count: size)
    }

    /// Gives the whole pages before `offset` back to the kernel: those since the last call, or
    /// all of them when `offset` is below it (a reader that started over). Reading them again
    /// is still correct (they come back from the file), so a reader that starts over loses nothing.
    func release(before offset: Int) {
        let page = max(4096, sysconf(Int32(_SC_PAGESIZE)))
        let end = min(offset, buffer.count) / page * page
        let start = end < released ? 0 : released
        released = end
        guard end > start, let base = buffer.baseAddress else { return }
        _ = madvise(UnsafeMutableRawPointer(mutating: base + start), end - start, MADV_DONTNEED)
    }

    /// The bytes in an array, copied a megabyte at a time with each copied piece given back,
    /// so the file is not in memory twice.
    func copy() -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: buffer.count) { target, initialized in
            var start = 0
            while start < buffer.count, let to = target.baseAddress, let from = buffer.baseAddress {
                let end = min(buffer.count, start + (1 << 20))
                (to + start).update(from: from + start, count: end - start)
                release(before: end)
                start = end
            }
            initialized = buffer.count
        }
    }

    deinit {
        if let base = buffer.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), buffer.count) }
    }
}

/// A problem with the paths given on the command line.
public struct ManifestPathError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// Expands `-f` arguments into sources: files as given, folders to their `.yaml`, `.yml` and
/// `.json` files in name order (recursively with `-R`), and `-` to standard input.
public enum ManifestPaths {
    public static let extensions: Set<String> = ["yaml", "yml", "json"]

    /// With `mapFiles`, regular files are mapped rather than read (see `MappedFile`).
    public static func sources(
        for paths: [String], recursive: Bool, mapFiles: Bool = false,
        readStandardInput: () -> [UInt8] = { Array(FileHandle.standardInput.readDataToEndOfFile()) }
    ) throws(ManifestPathError) -> [ManifestSource] {
        var sources: [ManifestSource] = []
        for path in paths {
            if path == "-" {
                sources.append(ManifestSource(name: "<stdin>", bytes: readStandardInput()))
                continue
            }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw ManifestPathError(message: "the path \"\(path)\" does not exist")
            }
            if isDirectory.boolValue {
                for file in try files(in: path, recursive: recursive) {
                    sources.append(try read(file, map: mapFiles))
                }
            } else {
                sources.append(try read(path, map: mapFiles))
            }
        }
        return sources
    }

    private static func read(_ path: String, map: Bool) throws(ManifestPathError) -> ManifestSource {
        if map, let mapped = MappedFile(path: path) { return ManifestSource(name: path, mapped: mapped) }
        // Straight into the array: no second copy of a large file while it is read.
        guard let bytes = FileIO.readUserFile(path) else {
            throw ManifestPathError(message: "cannot read \"\(path)\"")
        }
        return ManifestSource(name: path, bytes: bytes)
    }

    private static func files(in directory: String, recursive: Bool) throws(ManifestPathError) -> [String] {
        let entries: [String]
        do {
            entries = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw ManifestPathError(message: "cannot list the folder \"\(directory)\"")
        }
        var result: [String] = []
        let base = directory.hasSuffix("/") ? directory : directory + "/"
        // Sorted by bytes, as Go's filepath.Walk (which kubectl uses) visits them.
        for entry in entries.sorted(by: ByteOrder.precedes) {
            let path = base + entry
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue {
                if recursive { result += try files(in: path, recursive: true) }
            } else if let dot = entry.lastIndex(of: "."), extensions.contains(String(entry[entry.index(after: dot)...])) {
                result.append(path)
            }
        }
        return result
    }
}

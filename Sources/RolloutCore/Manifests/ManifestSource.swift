import Foundation

/// One input to read: a file's bytes and the name errors should use for it.
public struct ManifestSource: Sendable {
    public var name: String
    public var bytes: [UInt8]

    public init(name: String, bytes: [UInt8]) {
        self.name = name
        self.bytes = bytes
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

    public static func sources(
        for paths: [String], recursive: Bool,
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
                    sources.append(try read(file))
                }
            } else {
                sources.append(try read(path))
            }
        }
        return sources
    }

    private static func read(_ path: String) throws(ManifestPathError) -> ManifestSource {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ManifestPathError(message: "cannot read \"\(path)\"")
        }
        return ManifestSource(name: path, bytes: Array(data))
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
